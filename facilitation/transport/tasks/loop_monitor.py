"""How long the event loop was held: a task that asks to wake every `period` and notes
how late it woke. Under eventlet any computation on the loop shows up here as a stall
that every phone of every session felt."""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Any

from ...extensions import socketio

WINDOW_SECONDS = 600


class LoopMonitor:
    """Per-second maxima of the loop's lateness over the last ten minutes."""

    def __init__(self, period: float = 0.01) -> None:
        self.period = period
        self._seconds: deque[tuple[int, float]] = deque(maxlen=WINDOW_SECONDS)
        self.started = time.monotonic()
        self.gc_max_ms = 0.0  # the longest garbage collection seen (it holds the loop too)
        self._gc_started = 0.0

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self._gc_started:
            took = (time.perf_counter() - self._gc_started) * 1000
            self.gc_max_ms = max(self.gc_max_ms, round(took, 1))

    def note(self, late: float) -> None:
        second = int(time.monotonic())
        if self._seconds and self._seconds[-1][0] == second:
            if late > self._seconds[-1][1]:
                self._seconds[-1] = (second, late)
        else:
            self._seconds.append((second, late))

    def max_stall_ms(self, over_seconds: float = WINDOW_SECONDS) -> float:
        """The longest stall seen in the last `over_seconds` seconds, in milliseconds."""
        since = time.monotonic() - over_seconds
        stalls = [late for second, late in self._seconds if second >= since - 1]
        return round(max(stalls, default=0.0) * 1000, 1)

    def run(self) -> None:
        while True:
            before = time.monotonic()
            socketio.sleep(self.period)
            self.note(max(0.0, time.monotonic() - before - self.period))

    def start(self) -> LoopMonitor:
        gc.callbacks.append(self._on_gc)
        socketio.start_background_task(self.run)
        return self
