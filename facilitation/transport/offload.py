"""Run CPU-bound work (password hashing) off the event loop.

Use cases take an `offload(fn, *args)` callable and never import eventlet themselves;
the app picks it here for its async mode and keeps it in `app.extensions["offload"]`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def inline(fn: Callable[..., T], *args: Any) -> T:
    """Threads need no help: a plain call blocks only its own thread."""
    return fn(*args)


def for_mode(async_mode: str) -> Callable[..., Any]:
    """eventlet: a native thread from its pool (hashlib's scrypt releases the GIL);
    gevent: its hub's thread pool; threading: a plain call."""
    if async_mode == "eventlet":
        from eventlet import tpool

        return tpool.execute
    if async_mode == "gevent":
        import gevent

        def in_pool(fn: Callable[..., T], *args: Any) -> T:
            return gevent.get_hub().threadpool.apply(fn, args)

        return in_pool
    return inline
