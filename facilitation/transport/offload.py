"""Run CPU-bound work (password hashing) off the event loop.

Use cases take an `offload(fn, *args)` callable and never import eventlet themselves;
the app picks it here for its async mode and keeps it in `app.extensions["offload"]`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def inline(fn: Callable[..., T], *args: Any) -> T:
    """Threads need no help: a plain call blocks only its own thread."""
    return fn(*args)


def for_mode(async_mode: str) -> Callable[..., Any]:
    """eventlet: a native thread from its pool (hashlib's scrypt releases the GIL), at
    most cores - 1 at once so the loop keeps a core under a login storm; gevent: its
    hub's thread pool; threading: a plain call."""
    if async_mode == "eventlet":
        from eventlet import semaphore, tpool

        turns = semaphore.Semaphore(max(1, (os.cpu_count() or 2) - 1))

        def in_thread(fn: Callable[..., T], *args: Any) -> T:
            with turns:  # waits cooperatively: other greenlets run meanwhile
                return tpool.execute(fn, *args)

        return in_thread
    if async_mode == "gevent":
        import gevent

        def in_pool(fn: Callable[..., T], *args: Any) -> T:
            return gevent.get_hub().threadpool.apply(fn, args)

        return in_pool
    return inline


def blocking_io_for_mode(async_mode: str) -> Callable[[Callable[[], T]], T]:
    """Where a blocking C call that waits on the disk (SQLite's commit and its fsync)
    runs: a native thread under eventlet or gevent, so the loop serves every phone
    meanwhile; a plain call with threads. No semaphore: it waits, it does not compute."""
    if async_mode == "eventlet":
        from eventlet import tpool

        return lambda work: tpool.execute(work)
    if async_mode == "gevent":
        import gevent

        return lambda work: gevent.get_hub().threadpool.apply(work)
    return lambda work: work()
