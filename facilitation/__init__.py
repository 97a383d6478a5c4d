"""facilitation: live workshops where phones send blockers and levers to a projected board.

`create_app` lives in `app.py` and is imported on first use, so `facilitation serve` can
let eventlet patch the standard library before Flask and its friends are imported.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
