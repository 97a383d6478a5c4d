"""Which rooms the other server processes have clients in, shared in Redis, so that a
process publishes a room's message on the queue only when another process needs it.

The trap is a client that joins a room on process B while process A publishes: if A
learns about B late, the event A skipped in between is missing from B's snapshot *and*
from its pushes. The rule that closes it is a time bound on what a publisher believes:

- A reads the registrations (`refresh`, every POLL_S) and trusts "no other process has
  a client in room R" for at most FRESH_S after it *sent* that read; past it, A
  publishes every room's messages, as without this module (always safe).
- B writes its registration, and only FRESH_S + MARGIN_S after Redis confirmed the
  write does `register` return, and the client's snapshot follow.

So if A skips an event, A checked within FRESH_S of a read that came before B's write:
the check, hence the event's commit (the check follows it), came before B's snapshot,
which therefore holds the event. The cost: the first client of a room on a process
waits FRESH_S + MARGIN_S once (a room stays registered while it has clients, and
LINGER_S after). A process that dies leaves its registrations for TTL_S at most (the
others then publish to it for nothing; never the reverse).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

TRACKED = ("board:", "participants:", "team:", "club:")  # rooms named by this app
POLL_S = 0.2  # how often a process reads the registrations (one round trip, `READ`)
FRESH_S = 1.0  # how long a process trusts what it read
MARGIN_S = 0.2  # clock rates and scheduling between processes
LINGER_S = 30.0  # an empty room stays registered this long (a board that reconnects)
HEARTBEAT_S = 5.0
TTL_S = 120  # a process's registrations outlive its last heartbeat this long
RELOAD_S = 30.0  # a full read even when nothing changed (a dead process forgotten)

# KEYS: version, hosts; ARGV: the version known ('' reads all), key prefix, own id.
# Returns {version} when unchanged, else {version, room, room, ...} of the other hosts;
# hosts whose registrations are gone (emptied or expired) are dropped from the list.
READ = """
local version = redis.call('GET', KEYS[1]) or '0'
if version == ARGV[1] then return {version} end
local out = {version}
for _, host in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if host ~= ARGV[3] then
    local rooms = redis.call('SMEMBERS', ARGV[2] .. host)
    if #rooms == 0 then
      redis.call('SREM', KEYS[2], host)
    else
      for _, room in ipairs(rooms) do out[#out + 1] = room end
    end
  end
end
return out
"""


def room_key(namespace: str, room: str) -> str:
    return f"{namespace} {room}"


def tracked(room: object) -> bool:
    """Rooms this module keeps track of; any other message goes on the queue."""
    return isinstance(room, str) and room.startswith(TRACKED)


class _Registration:
    """One room of this process: written to Redis, then safe after the wait."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.used = time.monotonic()
        self.keys: list[str] = []


class RoomPresence:
    """This process's registrations, and what it knows of the others' (see module)."""

    def __init__(self, client: Any, prefix: str, host_id: str,
                 sleep: Callable[[float], Any] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 occupied: Callable[[str], bool] = lambda key: True) -> None:
        self._redis = client
        self._prefix = f"{prefix}:presence:"
        self._version_key = f"{prefix}:presence-version"
        self._hosts_key = f"{prefix}:presence-hosts"
        self._host_id = host_id
        self._mine_key = self._prefix + host_id
        self._sleep = sleep
        self._clock = clock
        self._occupied = occupied  # does this process still have a client in the room
        self._read = client.register_script(READ)
        self._remote: frozenset[str] = frozenset()
        self._version = ""
        self._known_at = float("-inf")  # when the read behind `_remote` was sent
        self._reloaded_at = float("-inf")
        self._mine: dict[str, _Registration] = {}
        self._guard = threading.Lock()
        self._writing = threading.Lock()  # this process's writes reach Redis in order

    # -- publishers ------------------------------------------------------------------

    def local_only(self, namespace: str, room: object) -> bool:
        """True when no other process can have a client in `room`: its messages may
        stay off the queue. False whenever unsure (stale knowledge, an untracked room)."""
        if not tracked(room) or self._clock() - self._known_at > FRESH_S:
            return False
        return room_key(namespace, room) not in self._remote  # type: ignore[arg-type]

    def refresh(self) -> None:
        """Read the others' registrations (one round trip; all of them only when their
        version changed, or every RELOAD_S)."""
        sent = self._clock()
        full = sent - self._reloaded_at > RELOAD_S
        answer = self._read(keys=[self._version_key, self._hosts_key],
                            args=["" if full else self._version, self._prefix, self._host_id])
        version = _text(answer[0])
        if full or version != self._version:
            self._remote = frozenset(_text(room) for room in answer[1:])
            self._version = version
            if full:
                self._reloaded_at = sent
        self._known_at = max(self._known_at, sent)

    # -- a client joining --------------------------------------------------------------

    def register(self, namespace: str, *rooms: str) -> None:
        """Return once every other process publishes these rooms' messages (module
        doc): one write and one wait for the rooms not registered yet, none for those
        already registered (a wait under way for one of them is shared)."""
        keys = [room_key(namespace, room) for room in rooms]
        mine, pending = _Registration(), []
        with self._guard:
            for key in keys:
                found = self._mine.get(key)
                if found is None:
                    self._mine[key] = mine
                    mine.keys.append(key)
                elif found is not mine:
                    pending.append(found)
                (found or mine).used = self._clock()
        if mine.keys:
            try:
                with self._writing:
                    self._write_registration(mine.keys)
                self._sleep(FRESH_S + MARGIN_S)
            except BaseException as error:
                with self._guard:
                    for key in mine.keys:
                        self._mine.pop(key, None)
                mine.error = error
                raise
            finally:
                mine.ready.set()
        for found in pending:
            found.ready.wait()
            if found.error is not None:
                raise found.error

    def _write_registration(self, keys: list[str]) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.sadd(self._mine_key, *keys)
        pipe.expire(self._mine_key, TTL_S)
        pipe.sadd(self._hosts_key, self._host_id)
        pipe.incr(self._version_key)
        pipe.execute()

    # -- housekeeping --------------------------------------------------------------------

    def heartbeat(self) -> None:
        """Keep this process's registrations alive, and let go of rooms long empty."""
        now = self._clock()
        with self._guard:
            gone = [key for key, mine in self._mine.items()
                    if mine.ready.is_set() and mine.error is None
                    and now - mine.used > LINGER_S and not self._occupied(key)]
            for key in gone:
                del self._mine[key]
            kept = [key for key, mine in self._mine.items() if mine.ready.is_set()]
        with self._writing:
            if gone:
                pipe = self._redis.pipeline(transaction=True)
                pipe.srem(self._mine_key, *gone)
                pipe.incr(self._version_key)
                pipe.execute()
            if kept and not self._redis.expire(self._mine_key, TTL_S):
                # expired: this process stalled past TTL_S; others may have skipped us
                log.error("room registrations had expired; written again")
                self._write_registration(kept)

    def run(self, stopped: Callable[[], bool] = lambda: False) -> None:
        """The background loop: `refresh` every POLL_S, `heartbeat` every HEARTBEAT_S."""
        beat = self._clock()
        while not stopped():
            try:
                self.refresh()
                if self._clock() - beat > HEARTBEAT_S:
                    beat = self._clock()
                    self.heartbeat()
            except Exception:  # Redis away: knowledge goes stale, publishers publish all
                log.exception("reading room registrations failed")
            self._sleep(POLL_S)

    def registered(self) -> set[str]:
        with self._guard:
            return {key for key, mine in self._mine.items() if mine.ready.is_set()}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
