"""`bench room` counts the Redis server's CPU, the cost several processes add."""

from __future__ import annotations

import pytest
import redis

from facilitation.transport.bench.room import _redis_cpu_s


@pytest.mark.redis
def test_the_redis_servers_cpu_grows_with_its_work(redis_url: str) -> None:
    before = _redis_cpu_s(redis_url)
    client = redis.Redis.from_url(redis_url)
    for n in range(20_000):
        client.publish("bench", f"card {n}")
    client.close()
    after = _redis_cpu_s(redis_url)
    assert before is not None and after is not None
    assert after > before >= 0


def test_no_redis_no_figure() -> None:
    assert _redis_cpu_s(None) is None
