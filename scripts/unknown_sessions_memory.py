"""Memory a server keeps after socket `command`s naming unknown session ids.

    PYTHONPATH=$PWD .venv/bin/python scripts/unknown_sessions_memory.py [COUNT]

Prints the process's resident memory and the board cache's entries before and after
COUNT (default 2000) commands with random session ids, on a throwaway SQLite database.
"""

from __future__ import annotations

import gc
import secrets
import sys
import tempfile
from pathlib import Path


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def entries(boards: object) -> str:
    return (f"boards={len(getattr(boards, '_boards', {}))} "
            f"locks={len(getattr(boards, '_locks', {}))}")


def main(count: int) -> None:
    from facilitation import create_app
    from facilitation.extensions import socketio
    from facilitation.usecases import accounts

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "INSTANCE_PATH": f"{tmp}/instance", "DATABASE_URL": f"sqlite:///{tmp}/m.db",
            "FACILITATION_ASYNC_MODE": "threading", "SECRET_KEY": "m", "TESTING": True,
            "FACILITATION_CLUSTERING_BACKEND": "lexical",
        })
        service = app.extensions["facilitation"]
        created = accounts.create(service.db, "m@example.org", "memory-2026")
        token = accounts.issue_token(service.db, created.email)
        console = socketio.test_client(app, auth={"token": token})
        for _ in range(50):  # warm up: first queries, imports, caches of the libraries
            console.emit("command", {"session_id": secrets.token_hex(8), "type": "regroup"},
                         callback=True)
        gc.collect()
        before = rss_mb()
        print(f"before: rss={before:.1f} MB {entries(service.boards)}")
        for _ in range(count):
            console.emit("command", {"session_id": secrets.token_hex(8),
                                     "type": "change_phase", "phase": "collect"},
                         callback=True)
        gc.collect()
        after = rss_mb()
        print(f"after {count} unknown ids: rss={after:.1f} MB (+{after - before:.1f} MB) "
              f"{entries(service.boards)}")
        console.disconnect()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
