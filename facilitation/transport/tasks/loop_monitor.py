"""How long the event loop was held: a task that asks to wake every `period` and notes
how late it woke. Under eventlet any computation on the loop shows up here as a stall
that every phone of every session felt.

Each stall is also measured in CPU time of the loop's own thread (every green thread
runs on it): on a machine shared with other work, a stall of 300 ms of which the loop
used 20 ms of CPU was mostly the machine's doing (the process waited for a core, or for
the GIL its own native threads held), not work on the loop.
The same split is kept for the longest garbage collection, with what it was: a generation
CPython collected by itself (`gen0`, `gen1`, `gen2`) or one of the pacer's (`tick`, a walk
of what is not frozen; `reclaim`, the whole heap)."""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Any

from ...extensions import socketio
from . import gc_pacer

WINDOW_SECONDS = 600


class LoopMonitor:
    """Per-second maxima of the loop's lateness over the last ten minutes."""

    def __init__(self, period: float = 0.01) -> None:
        self.period = period
        # (second, longest lateness, most CPU the loop's thread used in one wake-up)
        self._seconds: deque[tuple[int, float, float]] = deque(maxlen=WINDOW_SECONDS)
        self.started = time.monotonic()
        self.gc_max_ms = 0.0  # the longest garbage collection seen (it holds the loop too)
        self.gc_max_cpu_ms = 0.0  # the most CPU one collection used
        self._gc_started = (0.0, 0.0)
        # (second, wall ms, CPU ms, what) of each second's longest collection
        self._collections: deque[tuple[int, float, float, str]] = deque(maxlen=WINDOW_SECONDS)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = (time.perf_counter(), time.thread_time())
        elif self._gc_started[0]:
            wall, cpu = self._gc_started
            wall_ms = round((time.perf_counter() - wall) * 1000, 1)
            cpu_ms = round((time.thread_time() - cpu) * 1000, 1)
            self.gc_max_ms = max(self.gc_max_ms, wall_ms)
            self.gc_max_cpu_ms = max(self.gc_max_cpu_ms, cpu_ms)
            what = gc_pacer.doing() or f"gen{info.get('generation', '?')}"
            self._note_collection(int(time.monotonic()), wall_ms, cpu_ms, what)

    def _note_collection(self, second: int, wall_ms: float, cpu_ms: float, what: str) -> None:
        if self._collections and self._collections[-1][0] == second:
            if wall_ms <= self._collections[-1][1]:
                return
            self._collections.pop()
        self._collections.append((second, wall_ms, cpu_ms, what))

    def longest_collection(self, over_seconds: float = WINDOW_SECONDS,
                           ) -> tuple[float, float, str]:
        """The longest collection of the last `over_seconds` seconds: wall ms, CPU ms and
        what it was (`gen0`…`gen2`, or the pacer's `tick` / `reclaim`)."""
        since = time.monotonic() - over_seconds
        recent = [entry for entry in self._collections if entry[0] >= since - 1]
        if not recent:
            return 0.0, 0.0, ""
        _, wall_ms, cpu_ms, what = max(recent, key=lambda entry: entry[1])
        return wall_ms, cpu_ms, what

    def note(self, late: float, busy: float = 0.0) -> None:
        """A wake-up `late` seconds late, during which the loop's thread used `busy`
        seconds of CPU beyond what waking costs."""
        second = int(time.monotonic())
        if self._seconds and self._seconds[-1][0] == second:
            _, was_late, was_busy = self._seconds[-1]
            self._seconds[-1] = (second, max(late, was_late), max(busy, was_busy))
        else:
            self._seconds.append((second, late, busy))

    def _recent(self, over_seconds: float) -> list[tuple[int, float, float]]:
        since = time.monotonic() - over_seconds
        return [entry for entry in self._seconds if entry[0] >= since - 1]

    def max_stall_ms(self, over_seconds: float = WINDOW_SECONDS) -> float:
        """The longest stall seen in the last `over_seconds` seconds, in milliseconds."""
        stalls = [late for _, late, _ in self._recent(over_seconds)]
        return round(max(stalls, default=0.0) * 1000, 1)

    def max_stall_cpu_ms(self, over_seconds: float = WINDOW_SECONDS) -> float:
        """The most CPU the loop's thread used between two wake-ups (a stall of our own
        making, whatever the machine's load), over the last `over_seconds` seconds."""
        busy = [used for _, _, used in self._recent(over_seconds)]
        return round(max(busy, default=0.0) * 1000, 1)

    def run(self) -> None:
        while True:
            before, cpu = time.monotonic(), time.thread_time()
            socketio.sleep(self.period)
            late = max(0.0, time.monotonic() - before - self.period)
            self.note(late, min(late, time.thread_time() - cpu) if late else 0.0)

    def start(self) -> LoopMonitor:
        gc.callbacks.append(self._on_gc)
        socketio.start_background_task(self.run)
        return self
