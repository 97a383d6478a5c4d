"""Counts shared by several processes (Redis), taken a few at a time.

A count per address in Redis was one round trip per card: with two processes, about
half of a card's handler and a tenth of a server's CPU in a burst (`bench room`,
stop 22). Here a process that counts an address often reserves several counts of its
window at once (one round trip, `cost=n`) and spends them locally. The protection holds:
what is reserved is counted in the shared window at once, so every process together
never spends more than the limit, plus at most a lease's unspent counts per process in
the second a lease lasts. A reservation that does not fit whole falls back to one count,
so an address near its limit still gets everything its window allows. A key counted
rarely reserves one at a time (as before): a lease is sized by how many counts this
process took for the key in the last LEASE_S, and unspent counts expire with the lease
(they stay counted in the shared window: the address is refused a little early, never
late).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from limits import RateLimitItem, WindowStats
from limits.strategies import MovingWindowRateLimiter

LEASE_S = 1.0  # a reservation is spent within this, or dropped
SHARE = 20  # a lease is at most this fraction of the window's amount (1000/minute: 50)
LEASE_MAX = 64
PRUNE_EVERY = 5.0  # seconds: keys with no lease and no recent count are forgotten
WAIT_S = 10.0  # at most, for another green thread's reservation (then count alone)


@dataclass
class _Lease:
    left: int = 0  # counts reserved and not yet spent
    until: float = 0.0  # when the unspent ones are dropped
    # this process's latest counts of the key (enough to size a lease)
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=LEASE_MAX))
    refilling: threading.Event | None = None  # a reservation under way for the key
    full_until: float = 0.0  # a lease did not fit: counts one at a time until then


class LeasedWindows:
    """`MovingWindowRateLimiter`'s `hit`, `test` and `get_window_stats`, counting in
    leases (see the module's docstring)."""

    def __init__(self, shared: MovingWindowRateLimiter) -> None:
        self.shared = shared
        self._leases: dict[str, _Lease] = {}
        self._lock = threading.Lock()
        self.round_trips = 0  # reservations asked of the shared store (for tests, benches)
        self._pruned = time.time()

    @staticmethod
    def lease_max(item: RateLimitItem) -> int:
        return max(1, min(LEASE_MAX, item.amount // SHARE))

    def _lease(self, key: str, now: float) -> _Lease:
        """This key's lease, with this count noted in its recent ones."""
        lease = self._leases.get(key)
        if lease is None:
            lease = self._leases[key] = _Lease()
        while lease.recent and lease.recent[0] <= now - LEASE_S:
            lease.recent.popleft()
        lease.recent.append(now)
        return lease

    @staticmethod
    def _spend(lease: _Lease, now: float) -> bool:
        """Take one count of the lease, if it holds one still valid."""
        if lease.left and now < lease.until:
            lease.left -= 1
            return True
        lease.left = 0
        return False

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """Count one (from this process's lease, or a new one); False when it does not
        fit (nothing counted then)."""
        if cost != 1:
            return self.shared.hit(item, *identifiers, cost=cost)
        key = item.key_for(*identifiers)
        now = time.time()
        with self._lock:
            lease = self._lease(key, now)
            if self._spend(lease, now):
                return True
        if now - self._pruned >= PRUNE_EVERY:
            self.prune(now)
        while True:
            with self._lock:
                want = 1 if now < lease.full_until else min(self.lease_max(item),
                                                            len(lease.recent))
                waiting, mine = lease.refilling, False
                if want > 1 and waiting is None:
                    lease.refilling = waiting = threading.Event()
                    mine = True
            if want == 1:  # a quiet key, or one near its limit: one count, as before leases
                self.round_trips += 1
                return self.shared.hit(item, *identifiers)
            if mine:
                return self._reserve(lease, waiting, item, identifiers, want, now)
            # another green thread is reserving for this key: wait for it (all waiters
            # wake together, none queues behind another's turn), then spend from it
            waiting.wait(WAIT_S)
            now = time.time()
            with self._lock:
                if self._spend(lease, now):
                    return True

    def _reserve(self, lease: _Lease, done: threading.Event, item: RateLimitItem,
                 identifiers: tuple[str, ...], want: int, now: float) -> bool:
        """Reserve `want` counts for this key (this one spent at once); when they do not
        fit, count this one alone and go one at a time for a while."""
        try:
            self.round_trips += 1
            if self.shared.hit(item, *identifiers, cost=want):
                with self._lock:
                    lease.left, lease.until = want - 1, now + LEASE_S
                return True
            lease.full_until = now + LEASE_S  # near the limit: one at a time for a while
            self.round_trips += 1
            return self.shared.hit(item, *identifiers)
        finally:
            with self._lock:
                lease.refilling = None
            done.set()

    def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """Whether `cost` more would fit now (this process's lease first)."""
        with self._lock:
            lease = self._leases.get(item.key_for(*identifiers))
            if lease is not None and lease.left >= cost and time.time() < lease.until:
                return True
        return self.shared.test(item, *identifiers, cost=cost)

    def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        return self.shared.get_window_stats(item, *identifiers)

    def prune(self, now: float) -> None:
        """Forget the keys with no lease and no count in the last LEASE_S."""
        with self._lock:
            self._pruned = now
            for key in [key for key, lease in self._leases.items()
                        if now >= lease.until
                        and (not lease.recent or lease.recent[-1] <= now - LEASE_S)]:
                del self._leases[key]

    def __len__(self) -> int:
        return len(self._leases)
