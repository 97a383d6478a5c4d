"""The garbage-collection pacer: short collections while serving, nothing kept for good.

These tests drive CPython's real collector (freeze, unfreeze, collect); each one leaves the
process's collector as it found it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from facilitation.transport.tasks import gc_pacer
from facilitation.transport.tasks.gc_pacer import GcPacer


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        gc.collect()


def cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


def test_start_freezes_the_loaded_heap_and_collects_the_young_less_often(collector) -> None:
    GcPacer().freeze_start()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == gc_pacer.YOUNG


def test_a_tick_collects_dead_cycles_and_freezes_the_living(collector) -> None:
    pacer = GcPacer()
    pacer.freeze_start()
    dead = cycle()  # unreachable already
    living = Node()
    pacer.tick()
    assert dead() is None  # collected, not frozen
    assert pacer.frozen_since >= 2  # counted from what the tick walked
    assert not any(o is living for o in gc.get_objects())  # frozen: no collection walks it


def test_a_cycle_that_dies_once_frozen_is_freed_by_reclaim(collector) -> None:
    pacer = GcPacer()
    pacer.freeze_start()
    node = Node()
    alive = weakref.ref(node)
    pacer.tick()  # frozen while in use (a phone's connection)
    del node  # the phone leaves: its cycle is garbage, but frozen
    pacer.tick()
    gc.collect()
    assert alive() is not None  # what freezing costs until a reclaim
    pacer.reclaim()
    assert alive() is None
    assert pacer.reclaims == 1


def test_reclaim_waits_for_an_idle_loop_unless_memory_grew_for_long(collector,
                                                                   monkeypatch) -> None:
    idle = {"now": False}
    pacer = GcPacer(idle=lambda seconds: idle["now"], force_after=600)
    pacer.freeze_start()
    base = pacer.frozen_after_reclaim
    assert base > 0
    pacer.frozen_since = gc_pacer.RECLAIM_MIN  # grown, but the loop is busy
    assert not pacer.reclaim_due()
    idle["now"] = True
    assert pacer.reclaim_due()
    idle["now"] = False
    pacer.reclaimed_at -= 601  # busy for ten minutes: only as much frozen again forces it
    assert not pacer.reclaim_due()
    pacer.frozen_since = base
    assert pacer.reclaim_due()


def test_a_small_gain_is_not_worth_an_idle_reclaim(collector) -> None:
    pacer = GcPacer(idle=lambda seconds: True)
    pacer.freeze_start()
    pacer.frozen_since = gc_pacer.RECLAIM_MIN - 1
    assert not pacer.reclaim_due()


def test_idle_means_the_process_hardly_used_a_core_over_the_whole_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    clock, cpu = [1000.0], [50.0]
    monkeypatch.setattr(gc_pacer.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(gc_pacer.time, "process_time", lambda: cpu[0])
    pacer = GcPacer(idle_after=10)
    for _ in range(40):  # ten seconds of ticks, 1 ms of CPU each quarter second: 0.4 %
        pacer.note_cpu()
        assert not pacer.idle(10)  # too soon to tell
        clock[0] += 0.25
        cpu[0] += 0.001
    pacer.note_cpu()
    assert pacer.idle(10)
    for _ in range(40):  # a room typing: short cards, but 4 % of a core
        clock[0] += 0.25
        cpu[0] += 0.010
        pacer.note_cpu()
    assert not pacer.idle(10)
    assert len(pacer._cpu) <= 42  # ten seconds of samples are kept, no more
