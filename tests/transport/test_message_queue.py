"""The Redis message queue under a burst: every broadcast reaches the other processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# As in production: eventlet, one green thread per phone whose card was acknowledged,
# each publishing its event at the same moment.
BURST = textwrap.dedent("""
    import eventlet
    eventlet.monkey_patch()
    import json, logging, sys, time
    import redis
    from facilitation.transport.message_queue import client_manager

    url, phones = sys.argv[1], int(sys.argv[2])
    failures = []
    class Count(logging.Handler):
        def emit(self, record):
            failures.append(record.getMessage())
    log = logging.getLogger("queue-test")
    log.addHandler(Count())
    manager = client_manager(url)
    manager._get_logger = lambda: log
    listener = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(manager.channel)
    pool = eventlet.GreenPool(phones)
    for phone in range(phones):
        pool.spawn(manager._publish, {"method": "emit", "event": "events",
                                      "data": [{"seq": phone}], "room": "board"})
    pool.waitall()
    received, deadline = set(), time.monotonic() + 20
    while len(received) < phones and time.monotonic() < deadline:
        message = listener.get_message(timeout=1)
        if message:
            received.add(json.loads(message["data"])["data"][0]["seq"])
    print(json.dumps({"received": len(received), "failures": len(failures)}))
""")


@pytest.mark.redis
def test_a_burst_of_broadcasts_all_reach_the_queue(redis_url: str) -> None:
    phones = 500  # redis-py's default pool refuses its 101st connection at once
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", BURST, redis_url, str(phones)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = result.stdout.strip().splitlines()[-1]
    assert outcome == f'{{"received": {phones}, "failures": 0}}'
