"""The limits' memory store prunes in slices, keeps counts exact and drops dead keys."""

from __future__ import annotations

import time

import pytest
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from facilitation.transport.throttle import CalmMemoryStorage


def test_a_prune_pass_yields_between_slices_and_keeps_what_still_counts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    storage = CalmMemoryStorage()
    time.sleep(0.05)  # the store's first timer (10 ms) has run
    limiter = MovingWindowRateLimiter(storage)
    rate = parse("5/minute")
    now = [1000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    for phone in range(450):
        assert limiter.hit(rate, "cards", f"phone-{phone}")
    now[0] = 1050.0
    for _ in range(2):
        assert limiter.hit(rate, "cards", "still-typing")
    yields = []
    monkeypatch.setattr(time, "sleep", lambda seconds: yields.append(seconds))
    now[0] = 1065.0  # the 450 phones' cards left the window, not the last phone's

    storage._MemoryStorage__expire_events()

    assert len(yields) == 450 // CalmMemoryStorage.PRUNE_SLICE
    assert len(storage.events) == 1 and "still-typing" in next(iter(storage.events))
    assert limiter.get_window_stats(rate, "cards", "still-typing").remaining == 3
    assert limiter.get_window_stats(rate, "cards", "phone-7").remaining == 5
    storage.timer.cancel()
