"""Rate limits on anonymous clients and logins, per connection and per address.

The `limits` package counts in moving windows, in memory or in Redis when `REDIS_URL` is
set (so every process sees the same counts). Keys never hold an address: it is HMAC'd
with SECRET_KEY first. Values and reasons: docs/security.md, "Limits on anonymous clients".
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app, request
from limits import RateLimitItem, WindowStats, parse, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ..domain.errors import Rejected
from ..extensions import socketio
from .broadcast import board_room
from .leases import LeasedWindows

log = logging.getLogger(__name__)
SETTING = "FACILITATION_LIMIT_"
# The console hears about one limit in one session at most this often.
NOTICE = parse("1 per 30 seconds")


class MovingWindows:
    """`limits`' moving window (its `MovingWindowRateLimiter` over its memory store), in
    this process, for a fraction of the cost: the same counts and the same answers — an
    action fits while fewer than the rate's amount were counted in the last window — but
    each key keeps at most that many times, oldest first, and drops those that left the
    window as it is read. Its memory store kept every entry in a list, rebuilt its head on
    each hit and walked every key to prune (6 % of a 1,000-phone burst's loop samples,
    two checks and two hits per card). Keys whose window emptied are dropped every
    PRUNE_EVERY seconds, in slices (the loop serves others between them).
    With Redis (several processes share the counts) `limits` itself counts, in leases
    (`leases.py`: a busy address reserves several counts per round trip)."""

    PRUNE_EVERY = 5.0
    PRUNE_SLICE = 500

    def __init__(self) -> None:
        self._times: dict[str, tuple[float, deque[float]]] = {}  # key: (window s, times)
        self._lock = threading.Lock()
        self._pruned = time.time()

    def _times_in_window(self, item: RateLimitItem, key: str, now: float,
                         create: bool = False) -> deque[float] | None:
        found = self._times.get(key)
        if found is None:
            if not create:
                return None
            found = self._times[key] = (item.get_expiry(), deque(maxlen=item.amount))
        expiry, times = found
        while times and times[0] < now - expiry:
            times.popleft()
        return times

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """Count `cost` now, if it fits in the window (nothing counted otherwise)."""
        now = time.time()
        with self._lock:
            times = self._times_in_window(item, item.key_for(*identifiers), now, create=True)
            assert times is not None
            fits = cost <= item.amount - len(times)
            if fits:
                times.extend([now] * cost)
        if now - self._pruned >= self.PRUNE_EVERY:
            self.prune(now)
        return fits

    def _counted(self, item: RateLimitItem, identifiers: tuple[str, ...],
                 now: float) -> tuple[float, int]:
        """(the oldest time counted, or now; how many) — as `limits` reads its window,
        which leaves out a time exactly one window old (its hits count it in)."""
        times = self._times_in_window(item, item.key_for(*identifiers), now)
        if not times:
            return now, 0
        edge = now - item.get_expiry()
        skipped = 0
        while skipped < len(times) and times[skipped] <= edge:
            skipped += 1
        count = len(times) - skipped
        return (times[skipped] if count else now), count

    def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """Whether `cost` more would fit now, counting nothing."""
        with self._lock:
            return self._counted(item, identifiers, time.time())[1] <= item.amount - cost

    def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        """When the oldest counted leaves the window, and how many more fit."""
        with self._lock:
            start, count = self._counted(item, identifiers, time.time())
            return WindowStats(start + item.get_expiry(), item.amount - count)

    def prune(self, now: float | None = None) -> None:
        """Drop the keys with nothing left in their window, yielding between slices."""
        now = time.time() if now is None else now
        self._pruned = now
        for count, key in enumerate(list(self._times)):
            if count % self.PRUNE_SLICE == self.PRUNE_SLICE - 1:
                time.sleep(0)  # under eventlet: the other green threads run
            with self._lock:
                found = self._times.get(key)
                if found is not None and (not found[1] or found[1][-1] < now - found[0]):
                    del self._times[key]

    def __len__(self) -> int:
        return len(self._times)


PER_CONNECTION = "_PER_CONNECTION"
STORE_CONNECTIONS = 64  # per process, to the shared counter store (Redis)
STORE_WAIT_S = 10.0


def _shared_storage(uri: str) -> Any:
    """The counters shared by several processes. For Redis, on a blocking pool: redis-py
    (5+) caps its default pool at 100 connections and refuses the 101st at once, and a
    burst of a thousand phones asked more: every refused count was logged with its
    traceback (most of a 2-process server's CPU) and let through (the limits were off)."""
    if uri.startswith(("redis://", "rediss://", "unix://")):
        import redis  # the `redis` extra: one process (`make run`) runs without it

        pool = redis.BlockingConnectionPool.from_url(
            uri, max_connections=STORE_CONNECTIONS, timeout=STORE_WAIT_S)
        return storage_from_string(uri, connection_pool=pool)
    return storage_from_string(uri)


class Throttle:
    """Named rates (`CARDS_PER_CONNECTION` → "20/minute") over one counter store."""

    def __init__(self, rates: Mapping[str, str], storage_uri: str | None, secret: str) -> None:
        self.rates: dict[str, list[RateLimitItem]] = {
            name: parse_many(text) for name, text in rates.items() if text.strip()
        }
        # a connection lives on one process: its counts stay in memory even when the
        # others (per address, per session) are shared by every process (Redis): half of
        # a card's round trips to Redis, a fifth of a 2-process server's CPU in a burst
        self.local = MovingWindows()
        # the shared ones in leases: a few counts per round trip when an address is busy
        self.limiter: MovingWindows | LeasedWindows = (
            self.local if not storage_uri or storage_uri == "memory://"
            else LeasedWindows(MovingWindowRateLimiter(_shared_storage(storage_uri))))
        self._secret = secret.encode()

    def key(self, value: str) -> str:
        """A stable pseudonym for an address or an email: counters never hold either."""
        return hmac.new(self._secret, value.encode(), hashlib.sha256).hexdigest()[:32]

    def _store(self, name: str) -> MovingWindows | LeasedWindows:
        return self.local if name.endswith(PER_CONNECTION) else self.limiter

    def allowed(self, name: str, key: str) -> bool:
        """Whether one more would fit, without counting it."""
        store = self._store(name)
        try:
            return all(store.test(item, name, key) for item in self.rates.get(name, ()))
        except Exception:  # noqa: BLE001 - a counter store down must not stop a meeting
            log.exception("rate limit store unavailable")
            return True

    def hit(self, name: str, key: str) -> bool:
        """Count one; False (and nothing counted past the limit) when it does not fit."""
        store = self._store(name)
        try:
            return all([store.hit(item, name, key) for item in self.rates.get(name, ())])
        except Exception:  # noqa: BLE001
            log.exception("rate limit store unavailable")
            return True

    def retry_after(self, name: str, key: str) -> int:
        """Seconds until one more fits (at least 1)."""
        store = self._store(name)
        try:
            resets = [store.get_window_stats(item, name, key).reset_time
                      for item in self.rates.get(name, ())
                      if not store.test(item, name, key)]
        except Exception:  # noqa: BLE001
            return 60
        return max(1, int(max(resets, default=time.time() + 1) - time.time()))

    def first_notice(self, session_id: str, name: str) -> bool:
        try:
            return self.limiter.hit(NOTICE, "notice", session_id, name)
        except Exception:  # noqa: BLE001
            return False


def init_app(app: object) -> Throttle:
    config = app.config  # type: ignore[attr-defined]
    rates = {key[len(SETTING):]: str(value) for key, value in config.items()
             if key.startswith(SETTING)}
    throttle = Throttle(rates, config.get("REDIS_URL"), config["SECRET_KEY"])
    app.extensions["throttle"] = throttle  # type: ignore[attr-defined]
    return throttle


def throttle() -> Throttle:
    return current_app.extensions["throttle"]


def client_address() -> str:
    """The client's address: the one place to read it (a trusted proxy's header later)."""
    return request.remote_addr or "unknown"


def address_key() -> str:
    """The client's address as a counter key: HMAC'd, and an IPv6 address by its /64
    (one phone or one LAN holds a whole /64, so single addresses cost an attacker nothing).
    Kept in the request's environ: a socket connection's events share it (one HMAC per
    connection, not per card)."""
    cached = request.environ.get("facilitation.address_key")
    if cached is not None:
        return str(cached)
    key = _address_key(client_address())
    request.environ["facilitation.address_key"] = key
    return key


def _address_key(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return throttle().key(address)
    if parsed.version == 6 and parsed.ipv4_mapped is None:
        address = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return throttle().key(address)


def connection_key() -> str:
    """This Socket.IO connection (set by Flask-SocketIO in socket handlers)."""
    return str(getattr(request, "sid", "") or address_key())


def limited(name: str, key: str, current: Throttle | None = None) -> Rejected:
    return Rejected("rate_limited", seconds=(current or throttle()).retry_after(name, key))


def notify(session_id: str | None, name: str, current: Throttle | None = None) -> None:
    """Tell the session's console a limit fired (once per NOTICE), and log it."""
    log.warning("rate limit %s reached%s", name, f" in session {session_id}" if session_id else "")
    if session_id and (current or throttle()).first_notice(session_id, name):
        socketio.emit("limit", {"limit": name.lower()}, to=board_room(session_id))


def spend(session_id: str | None, *names: str) -> None:
    """Count one action against each named rate (`*_PER_CONNECTION`, `*_PER_ADDRESS`);
    refuse it with `rate_limited` (counting nothing) when one is spent."""
    _spend(throttle(), session_id, _keys(names))


def spender(session_id: str | None, *names: str) -> Callable[[], None]:
    """`spend` with this request's keys taken now, to run later: a group commit's
    decision may run on another request's green thread, or on none (stop 22: 4 joins in
    5 meetings of 1,000 phones answered `internal_error`, "working outside of request
    context"; and one that ran in another phone's request counted that phone's address)."""
    current, keys = throttle(), _keys(names)
    return lambda: _spend(current, session_id, keys)


def _keys(names: tuple[str, ...]) -> dict[str, str]:
    return {name: connection_key() if name.endswith(PER_CONNECTION) else address_key()
            for name in names}


def _spend(current: Throttle, session_id: str | None, keys: Mapping[str, str]) -> None:
    # the connection's (in memory) first; the last one is counted at once, as a shared
    # store's (Redis) test-and-count in one round trip, refusing without counting
    order = sorted(keys, key=lambda name: not name.endswith(PER_CONNECTION))
    if not order:
        return
    *tested, last = order
    for name in tested:
        if not current.allowed(name, keys[name]):
            notify(session_id, name, current)
            raise limited(name, keys[name], current)
    if not current.hit(last, keys[last]):
        notify(session_id, last, current)
        raise limited(last, keys[last], current)
    for name in tested:
        current.hit(name, keys[name])
