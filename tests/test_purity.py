"""Pure modules import no Flask, Socket.IO or SQLAlchemy (a test can check it)."""

from __future__ import annotations

import subprocess
import sys

PURE = ["facilitation.events", "facilitation.board", "facilitation.kinds",
        "facilitation.rules", "facilitation.errors", "facilitation.actions",
        "facilitation.grouping", "facilitation.clustering", "facilitation.synthesis",
        "facilitation.synthesis.programme", "facilitation.synthesis.formats",
        "facilitation.club", "facilitation.club.timeline", "facilitation.club.timeline_formats",
        "facilitation.charts"]
FORBIDDEN = ["flask", "flask_socketio", "socketio", "sqlalchemy", "eventlet", "gevent"]


def test_pure_modules_import_no_framework() -> None:
    script = (
        "import sys\n"
        f"for name in {PURE!r}: __import__(name)\n"
        f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
