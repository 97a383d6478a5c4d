"""Rate limits on anonymous clients and logins, per connection and per address.

The `limits` package counts in moving windows, in memory or in Redis when `REDIS_URL` is
set (so every process sees the same counts). Keys never hold an address: it is HMAC'd
with SECRET_KEY first. Values and reasons: docs/security.md, "Limits on anonymous clients".
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import ipaddress
import logging
import threading
import time
from collections.abc import Mapping

from flask import current_app, request
from limits import RateLimitItem, parse, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ..domain.errors import Rejected
from ..extensions import socketio
from .broadcast import board_room

log = logging.getLogger(__name__)
SETTING = "FACILITATION_LIMIT_"
# The console hears about one limit in one session at most this often.
NOTICE = parse("1 per 30 seconds")


class CalmMemoryStorage(MemoryStorage):
    """`limits`' memory store, pruning expired entries every few seconds instead of 10 ms
    after each hit: its pass walks every key on the event loop, and with a room of phones
    (thousands of keys) that pass ran all the time (11 % of a 500-phone burst's samples).
    Counting stays exact: a moving window compares its entries' times, not what is left.

    The pass itself yields every PRUNE_SLICE keys (under eventlet, `time.sleep(0)` lets
    the other green threads run): in one piece it held the loop for up to a second of CPU
    with a thousand phones. A key left with no entry is dropped (memory stays bounded)."""

    PRUNE_EVERY = 5.0
    PRUNE_SLICE = 200

    def _MemoryStorage__schedule_expiry(self) -> None:  # the parent's private hook
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.PRUNE_EVERY, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()

    def _MemoryStorage__expire_events(self) -> None:  # the parent's pass, in slices
        for count, key in enumerate(list(self.events)):
            if count % self.PRUNE_SLICE == self.PRUNE_SLICE - 1:
                time.sleep(0)
            with self.locks[key]:
                events = self.events.get(key)
                now = time.time()
                if events and events[-1].expiry <= now:  # newest first: the last is oldest
                    kept = bisect.bisect_left(events, -now, key=lambda entry: -entry.expiry)
                    self.events[key] = events = events[:kept]  # readers hold no lock
                if not events:
                    self.events.pop(key, None)
                    self.locks.pop(key, None)
        for key in list(self.expirations):
            if self.expirations[key] <= time.time():
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)


def _storage(uri: str | None) -> Storage:
    return CalmMemoryStorage() if not uri or uri == "memory://" else storage_from_string(uri)


class Throttle:
    """Named rates (`CARDS_PER_CONNECTION` → "20/minute") over one counter store."""

    def __init__(self, rates: Mapping[str, str], storage_uri: str | None, secret: str) -> None:
        self.rates: dict[str, list[RateLimitItem]] = {
            name: parse_many(text) for name, text in rates.items() if text.strip()
        }
        self.storage = _storage(storage_uri)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self._secret = secret.encode()

    def key(self, value: str) -> str:
        """A stable pseudonym for an address or an email: counters never hold either."""
        return hmac.new(self._secret, value.encode(), hashlib.sha256).hexdigest()[:32]

    def allowed(self, name: str, key: str) -> bool:
        """Whether one more would fit, without counting it."""
        try:
            return all(self.limiter.test(item, name, key) for item in self.rates.get(name, ()))
        except Exception:  # noqa: BLE001 - a counter store down must not stop a meeting
            log.exception("rate limit store unavailable")
            return True

    def hit(self, name: str, key: str) -> bool:
        """Count one; False (and nothing counted past the limit) when it does not fit."""
        try:
            return all([self.limiter.hit(item, name, key) for item in self.rates.get(name, ())])
        except Exception:  # noqa: BLE001
            log.exception("rate limit store unavailable")
            return True

    def retry_after(self, name: str, key: str) -> int:
        """Seconds until one more fits (at least 1)."""
        try:
            resets = [self.limiter.get_window_stats(item, name, key).reset_time
                      for item in self.rates.get(name, ())
                      if not self.limiter.test(item, name, key)]
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
    (one phone or one LAN holds a whole /64, so single addresses cost an attacker nothing)."""
    address = client_address()
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


def limited(name: str, key: str) -> Rejected:
    return Rejected("rate_limited", seconds=throttle().retry_after(name, key))


def notify(session_id: str | None, name: str) -> None:
    """Tell the session's console a limit fired (once per NOTICE), and log it."""
    log.warning("rate limit %s reached%s", name, f" in session {session_id}" if session_id else "")
    if session_id and throttle().first_notice(session_id, name):
        socketio.emit("limit", {"limit": name.lower()}, to=board_room(session_id))


def spend(session_id: str | None, *names: str) -> None:
    """Count one action against each named rate (`*_PER_CONNECTION`, `*_PER_ADDRESS`);
    refuse it with `rate_limited` (counting nothing) when one is spent."""
    keys = {name: connection_key() if name.endswith("_PER_CONNECTION") else address_key()
            for name in names}
    current = throttle()
    for name, key in keys.items():
        if not current.allowed(name, key):
            notify(session_id, name)
            raise limited(name, key)
    for name, key in keys.items():
        current.hit(name, key)
