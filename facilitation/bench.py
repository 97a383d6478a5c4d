"""Benchmarks (`facilitation bench …`): figures for docs/benchmarks.md, never timed tests."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import accounts
from .commands import Service
from .db import Database


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpus} cores {model}, Python " \
           f"{platform.python_version()}"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "max_ms": ordered[-1] * 1000,
            "mean_ms": statistics.fmean(ordered) * 1000}


def log_commits(url: str | None, cards: int, writers: int) -> dict[str, Any]:
    """Contributions committed per second through the real use case (one commit each)."""
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(url or f"sqlite:///{Path(scratch) / 'bench.db'}")
        db.upgrade()
        service = Service(db)
        owner = accounts.create(db, f"bench-{uuid.uuid4().hex[:8]}@example.org", "benchmark")
        session_id = service.create_session(owner.id, "bench", "palabre", "fr").session_id
        latencies: list[float] = []
        lock = threading.Lock()

        def writer(index: int) -> None:
            for n in range(cards // writers):
                started = time.perf_counter()
                service.add_contribution(session_id, None, uuid.uuid4().hex,
                                         f"carte {index}-{n}", "blocker")
                with lock:
                    latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        stored = len(service.board(session_id).contributions)
        db.dispose()
    return {"backend": db.url.split(":", 1)[0], "writers": writers, "cards": stored,
            "per_second": stored / elapsed, **_percentiles(latencies)}


def socket_round_trips(url: str, code: str, phones: int, cards: int,
                       on_board: Callable[[], int] | None = None) -> dict[str, Any]:
    """`phones` real Socket.IO clients each send `cards` cards; ack latency and rate."""
    import socket

    import socketio

    clients = []
    nodelay = {"sockopt": ((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),)}
    for _ in range(phones):
        client = socketio.Client(websocket_extra_options=nodelay)
        client.connect(url, transports=["websocket"])
        answer = client.call("join", {"code": code}, timeout=30)
        if not answer.get("ok"):
            raise RuntimeError(answer)
        clients.append(client)
    latencies: list[float] = []
    lock = threading.Lock()

    def phone(client: Any, index: int) -> None:
        for n in range(cards):
            started = time.perf_counter()
            ack = client.call("contribute", {"client_id": uuid.uuid4().hex,
                                             "text": f"idée {index}-{n}", "kind": "lever"},
                              timeout=30)
            if not ack.get("ok"):
                raise RuntimeError(ack)
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=phone, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for client in clients:
        client.disconnect()
    return {"phones": phones, "cards": len(latencies), "per_second": len(latencies) / elapsed,
            **_percentiles(latencies)}
