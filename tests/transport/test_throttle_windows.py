"""The in-process moving windows answer as `limits`' own moving window does, and stay
bounded: keys whose window emptied are dropped, in slices."""

from __future__ import annotations

import random
import time

import pytest
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from facilitation.transport.throttle import MovingWindows


def test_the_same_answers_as_limits_moving_window(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    reference = MovingWindowRateLimiter(MemoryStorage())
    ours = MovingWindows()
    rates = [parse("5/minute"), parse("3/10 seconds"), parse("20/hour")]
    rng = random.Random(14)
    for _ in range(3000):
        now[0] += rng.choice([0.0, 0.3, 1.0, 4.0, 12.0])
        rate, key = rng.choice(rates), rng.choice(["phone-1", "phone-2", "venue"])
        if rng.random() < 0.5:
            assert ours.hit(rate, "cards", key) == reference.hit(rate, "cards", key)
        else:
            assert ours.test(rate, "cards", key) == reference.test(rate, "cards", key)
        mine, theirs = (ours.get_window_stats(rate, "cards", key),
                        reference.get_window_stats(rate, "cards", key))
        assert mine.remaining == theirs.remaining
        if mine.remaining < rate.amount:  # something counted: the same reset time
            assert mine.reset_time == pytest.approx(theirs.reset_time)


def test_a_refused_hit_counts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    windows, rate = MovingWindows(), parse("2/minute")
    assert windows.hit(rate, "k") and windows.hit(rate, "k")
    for _ in range(5):
        assert not windows.hit(rate, "k")
    now[0] += 60.5  # the first two left the window; the refusals left nothing behind
    assert windows.hit(rate, "k") and windows.hit(rate, "k") and not windows.hit(rate, "k")


def test_pruning_drops_empty_keys_in_slices_and_keeps_what_still_counts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    windows, rate = MovingWindows(), parse("5/minute")
    for phone in range(1200):
        assert windows.hit(rate, "cards", f"phone-{phone}")
    now[0] = 1050.0
    for _ in range(2):
        assert windows.hit(rate, "cards", "still-typing")
    yields: list[float] = []
    monkeypatch.setattr(time, "sleep", lambda seconds: yields.append(seconds))
    now[0] = 1065.0  # the 1,200 phones' cards left the window, not the last phone's

    windows.prune()

    assert len(yields) == 1201 // MovingWindows.PRUNE_SLICE
    assert len(windows) == 1
    assert windows.get_window_stats(rate, "cards", "still-typing").remaining == 3
    assert windows.get_window_stats(rate, "cards", "phone-7").remaining == 5
