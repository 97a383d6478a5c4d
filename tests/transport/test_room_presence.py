"""Which rooms the other processes have clients in (`room_presence`), on a real Redis."""

from __future__ import annotations

import uuid

import pytest

from facilitation.transport import room_presence
from facilitation.transport.room_presence import FRESH_S, LINGER_S, MARGIN_S, RoomPresence


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pair(redis_url: str, clock: Clock, occupied: bool = True
         ) -> tuple[RoomPresence, RoomPresence]:
    import redis

    client, prefix = redis.Redis.from_url(redis_url), f"presence-test-{uuid.uuid4().hex}"
    return tuple(RoomPresence(client, prefix, host, sleep=clock.sleep, clock=clock,
                              occupied=lambda key: occupied)
                 for host in ("a", "b"))  # type: ignore[return-value]


@pytest.mark.redis
def test_a_room_is_local_until_another_process_registers_it(redis_url: str) -> None:
    clock = Clock()
    here, there = pair(redis_url, clock)
    assert not here.local_only("/", "board:s1")  # nothing read yet: publish
    here.refresh()
    assert here.local_only("/", "board:s1")
    assert not here.local_only("/", "some-sid")  # rooms the app does not name: publish
    there.register("/", "board:s1")
    # the joiner returns only once whatever the others read before its write is stale
    assert clock.slept == [FRESH_S + MARGIN_S]
    assert not here.local_only("/", "board:s1")  # too old to trust: publish
    here.refresh()
    assert not here.local_only("/", "board:s1")
    assert here.local_only("/", "board:s2")
    there.register("/", "board:s1")  # already registered: no second wait
    assert clock.slept == [FRESH_S + MARGIN_S]


@pytest.mark.redis
def test_what_was_read_is_trusted_for_a_bounded_time_only(redis_url: str) -> None:
    clock = Clock()
    here, _there = pair(redis_url, clock)
    here.refresh()
    clock.now += FRESH_S * 0.9
    assert here.local_only("/", "participants:s1")
    clock.now += FRESH_S * 0.2
    assert not here.local_only("/", "participants:s1")


@pytest.mark.redis
def test_a_room_long_empty_is_let_go_and_a_gone_process_forgotten(redis_url: str) -> None:
    clock = Clock()
    here, there = pair(redis_url, clock, occupied=False)
    there.register("/", "team:s1:7")
    here.refresh()
    assert not here.local_only("/", "team:s1:7")
    there.heartbeat()  # empty, but not for long: kept
    here.refresh()
    assert not here.local_only("/", "team:s1:7")
    clock.now += LINGER_S + 1
    there.heartbeat()
    here.refresh()
    assert here.local_only("/", "team:s1:7")

    there.register("/", "club:c1")
    here.refresh()
    assert not here.local_only("/", "club:c1")
    there._redis.delete(there._mine_key)  # a process dead for longer than TTL_S
    clock.now += room_presence.RELOAD_S + 1
    here.refresh()
    assert here.local_only("/", "club:c1")
    assert here._redis.smembers(here._hosts_key) == set()


@pytest.mark.redis
def test_rooms_joined_together_are_registered_with_one_wait(redis_url: str) -> None:
    clock = Clock()
    here, there = pair(redis_url, clock)
    there.register("/", "board:s3", "team:s3:1")
    assert clock.slept == [FRESH_S + MARGIN_S]
    there.register("/", "board:s3", "participants:s3")  # one new room: one more wait
    assert clock.slept == [FRESH_S + MARGIN_S] * 2
    here.refresh()
    assert not any(here.local_only("/", room)
                   for room in ("board:s3", "team:s3:1", "participants:s3"))
