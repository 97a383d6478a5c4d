"""Long jobs in a cooperative server (eventlet in production): yield between their
steps, and run a step that cannot be cut (pure CPU work) in a real thread."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from ..extensions import socketio

T = TypeVar("T")


def yield_now() -> None:
    """Let the other green threads run (between two chunks of a long job)."""
    socketio.sleep(0)


def in_thread(work: Callable[[], T]) -> T:
    """`work()` in an OS thread under eventlet, so the hub keeps serving while it runs
    (Python hands the GIL over every few milliseconds); a plain call otherwise."""
    if current_app.config.get("FACILITATION_ASYNC_MODE") == "eventlet":
        tpool = importlib.import_module("eventlet.tpool")
        return tpool.execute(work)  # type: ignore[no-any-return]
    return work()
