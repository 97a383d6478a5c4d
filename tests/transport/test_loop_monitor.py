"""The loop monitor tells a stall of our own work from a machine that was busy elsewhere."""

from __future__ import annotations

import time

from facilitation.transport.tasks.loop_monitor import LoopMonitor


def burn(seconds: float) -> None:
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


def test_a_stall_is_reported_with_the_cpu_the_loop_used_in_it() -> None:
    monitor = LoopMonitor()
    monitor.note(0.300, 0.020)  # 300 ms late, 20 ms of it our work
    monitor.note(0.050, 0.045)
    assert monitor.max_stall_ms(60) == 300.0
    assert monitor.max_stall_cpu_ms(60) == 45.0


def test_a_collection_is_timed_on_the_clock_and_in_cpu() -> None:
    monitor = LoopMonitor()
    monitor._on_gc("start", {})
    time.sleep(0.06)  # the process waits (a core busy elsewhere): no CPU used
    monitor._on_gc("stop", {})
    monitor._on_gc("start", {})
    burn(0.03)
    monitor._on_gc("stop", {})
    assert monitor.gc_max_ms >= 60
    assert 25 <= monitor.gc_max_cpu_ms < 60


def test_the_longest_collection_of_a_window_says_which_collection_it_was() -> None:
    from facilitation.transport.tasks import gc_pacer

    monitor = LoopMonitor()
    monitor._on_gc("start", {"generation": 1})
    burn(0.02)
    monitor._on_gc("stop", {"generation": 1})
    assert monitor.longest_collection(60)[2] == "gen1"
    gc_pacer._doing = "reclaim"  # what the pacer sets around its full walk
    try:
        monitor._on_gc("start", {"generation": 2})
        burn(0.04)
        monitor._on_gc("stop", {"generation": 2})
    finally:
        gc_pacer._doing = None
    wall_ms, cpu_ms, what = monitor.longest_collection(60)
    assert what == "reclaim" and wall_ms >= cpu_ms >= 35
    monitor._collections = type(monitor._collections)(
        (second - 120, wall, cpu, what) for second, wall, cpu, what in monitor._collections)
    assert monitor.longest_collection(60) == (0.0, 0.0, "")  # older than the window
