"""Garbage collection paced for a cooperative server.

CPython's cycle collector stops every green thread while it runs, for a time that grows
with the objects it walks. Left to itself, its full (generation 2) collections walk every
long-lived object — a thousand phones' connections and the boards: 100 to 200 ms, up to a
second on a loaded machine, felt by every phone of every session (`bench room`'s
`gc_max_ms`). The pacer keeps them short:

- **Freeze what has grown old.** Every `period`, a full collection of what is not frozen
  (only what was allocated since the last tick: a few ms), then `gc.freeze()`: the survivors
  join the permanent generation, which no collection walks. Cycles are collected before
  they are frozen, so what freezing keeps is only what was still in use.
- **Reclaim at idle moments.** A cycle that dies once frozen (a phone's connection that
  closes) stays in memory until `reclaim()`: unfreeze, collect everything, freeze again.
  That one walks the whole heap (the stall the pacer avoids), so it runs when the event
  loop has been idle for `idle_after` seconds — nobody is waiting — and the frozen heap
  grew by `RECLAIM_MIN` objects since the last one; or, under load that never idles, at
  most every `force_after` seconds once the frozen heap grew by half (memory stays bounded).
- **Young collections less often.** Generation 0 is collected every `YOUNG` allocations
  instead of 700: a card's short-lived objects die by reference counting before they are
  promoted, and each young collection stays a millisecond or two.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from ...extensions import socketio

YOUNG = 5_000  # allocations between generation-0 collections (CPython's default: 700)
RECLAIM_MIN = 20_000  # frozen objects gained before an idle reclaim is worth its stall
IDLE_STALL_MS = 5.0  # the loop is idle when no wake-up waited on this much of its CPU


class GcPacer:
    """Short collections while serving, the full walk when nobody waits."""

    def __init__(self, period: float = 0.25, idle_after: float = 10.0,
                 force_after: float = 600.0, idle: Callable[[float], bool] | None = None,
                 ) -> None:
        self.period = period
        self.idle_after = idle_after
        self.force_after = force_after
        self._idle = idle or (lambda seconds: False)
        self.frozen_after_reclaim = 0
        self.reclaimed_at = time.monotonic()
        self.reclaims = 0
        self._ticks = 0
        self._frozen = 0

    def freeze_start(self) -> None:
        """Once the app is loaded: everything alive now (code, lexicon, app) is frozen."""
        gc.collect()
        gc.freeze()
        _, middle, old = gc.get_threshold()
        gc.set_threshold(YOUNG, middle, old)
        self.frozen_after_reclaim = self._frozen = gc.get_freeze_count()
        self.reclaimed_at = time.monotonic()

    def tick(self) -> None:
        """Collect what grew old since the last tick, freeze the rest; reclaim if due."""
        gc.collect()  # walks only the objects that are not frozen
        gc.freeze()
        self._ticks += 1
        if self._ticks % 20 == 0:  # counting walks the frozen list: not every tick
            self._frozen = gc.get_freeze_count()
        if self.reclaim_due():
            self.reclaim()

    def reclaim_due(self) -> bool:
        grown = self._frozen - self.frozen_after_reclaim
        if grown >= RECLAIM_MIN and self._idle(self.idle_after):
            return True
        return (time.monotonic() - self.reclaimed_at >= self.force_after
                and grown >= self.frozen_after_reclaim // 2)

    def reclaim(self) -> None:
        """Collect the whole heap (frozen cycles that died since), then freeze again."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.frozen_after_reclaim = self._frozen = gc.get_freeze_count()
        self.reclaimed_at = time.monotonic()
        self.reclaims += 1

    def run(self) -> None:
        while True:
            socketio.sleep(self.period)
            self.tick()

    def start(self) -> GcPacer:
        self.freeze_start()
        socketio.start_background_task(self.run)
        return self


def idle_by(monitor: object) -> Callable[[float], bool]:
    """Idleness as a loop monitor sees it: over the last `seconds` (and the monitor has run
    that long), no wake-up was late by more than IDLE_STALL_MS of the loop's own CPU — CPU,
    not the clock, so that a machine busy with other work does not hide an idle server."""

    def idle(seconds: float) -> bool:
        started = getattr(monitor, "started", time.monotonic())
        if time.monotonic() - started < seconds:
            return False
        busy = monitor.max_stall_cpu_ms(seconds)  # type: ignore[attr-defined]
        return bool(busy < IDLE_STALL_MS)

    return idle
