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
  That one walks the whole heap (the stall the pacer avoids), so it runs when the server
  has been idle for `idle_after` seconds (under IDLE_SHARE of a core: a room at rest,
  not one whose phones keep typing, however short each card is) and `RECLAIM_MIN`
  objects were frozen since the last one; or, under load that never idles, every
  `force_after` seconds once as many objects as the heap held were frozen again (memory
  stays bounded). What is frozen is counted at each tick from what the tick walked (an
  upper bound: some of it is freed later by reference counting); the frozen heap itself
  is never counted while serving — `gc.get_freeze_count()` walks it, 50 to 150 ms with
  a thousand phones.
- **Young collections less often.** Generation 0 is collected every `YOUNG` allocations
  instead of 700: a card's short-lived objects die by reference counting before they are
  promoted, and each young collection stays a millisecond or two.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable

from ...extensions import socketio

YOUNG = 5_000  # allocations between generation-0 collections (CPython's default: 700)
RECLAIM_MIN = 20_000  # frozen objects gained before an idle reclaim is worth its stall
IDLE_SHARE = 0.02  # the server is idle below this share of one core (its CPU / the clock)

_doing: str | None = None  # the pacer's collection under way ("tick", "reclaim"), if any


def doing() -> str | None:
    """Which of the pacer's collections runs now (None: one CPython started itself)."""
    return _doing


def _collect(why: str) -> None:
    global _doing
    _doing = why
    try:
        gc.collect()
    finally:
        _doing = None


class GcPacer:
    """Short collections while serving, the full walk when nobody waits."""

    def __init__(self, period: float = 0.25, idle_after: float = 10.0,
                 force_after: float = 600.0, idle: Callable[[float], bool] | None = None,
                 ) -> None:
        self.period = period
        self.idle_after = idle_after
        self.force_after = force_after
        self._idle = idle or self.idle
        self._cpu: deque[tuple[float, float]] = deque()  # (clock, process CPU) per tick
        self.frozen_after_reclaim = 0  # the heap's size at the last full walk
        self.frozen_since = 0  # objects frozen since (an upper bound)
        self.reclaimed_at = time.monotonic()
        self.reclaims = 0

    def freeze_start(self) -> None:
        """Once the app is loaded: everything alive now (code, lexicon, app) is frozen."""
        _, middle, old = gc.get_threshold()
        gc.set_threshold(YOUNG, middle, old)
        self._walk_all()

    def note_cpu(self) -> None:
        """Remember the process's CPU time now (each tick), for `idle`."""
        now = time.monotonic()
        self._cpu.append((now, time.process_time()))
        while len(self._cpu) > 1 and self._cpu[1][0] <= now - self.idle_after:
            self._cpu.popleft()

    def idle(self, seconds: float) -> bool:
        """Whether the process used under IDLE_SHARE of a core over the last `seconds`
        (as the ticks saw it; False until they have seen that long)."""
        if not self._cpu:
            return False
        since, cpu_then = self._cpu[0]
        now, cpu = self._cpu[-1]
        if now - since < seconds:
            return False
        return (cpu - cpu_then) / (now - since) < IDLE_SHARE

    def tick(self) -> None:
        """Collect what grew old since the last tick, freeze the rest; reclaim if due."""
        _collect("tick")  # walks only the objects that are not frozen
        self.frozen_since += len(gc.get_objects())  # as many as that walk saw live
        gc.freeze()
        self.note_cpu()
        if self.reclaim_due():
            self.reclaim()

    def reclaim_due(self) -> bool:
        if self.frozen_since >= RECLAIM_MIN and self._idle(self.idle_after):
            return True
        return (time.monotonic() - self.reclaimed_at >= self.force_after
                and self.frozen_since >= self.frozen_after_reclaim)

    def reclaim(self) -> None:
        """Collect the whole heap (frozen cycles that died since), then freeze again."""
        gc.unfreeze()
        self._walk_all()
        self.reclaims += 1

    def _walk_all(self) -> None:
        _collect("reclaim")
        self.frozen_after_reclaim = len(gc.get_objects())  # all of it, unfrozen: counted
        gc.freeze()
        self.frozen_since = 0
        self.reclaimed_at = time.monotonic()

    def run(self) -> None:
        while True:
            socketio.sleep(self.period)
            self.tick()

    def start(self) -> GcPacer:
        self.freeze_start()
        socketio.start_background_task(self.run)
        return self
