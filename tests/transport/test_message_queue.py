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


@pytest.mark.redis
def test_a_process_skips_its_own_messages_unread_but_hears_the_others(redis_url: str) -> None:
    """Every process heard back each of its own broadcasts and decoded it, only to drop
    it (half of its queue reading with two processes): now they are left unread. An
    answer addressed to this process (a callback) still reaches it."""
    import json
    import queue
    import threading
    import time

    import redis

    from facilitation.transport.message_queue import RedisQueue

    channel = "queue-test-own"
    here, there = RedisQueue(redis_url, channel=channel), RedisQueue(redis_url, channel=channel)
    heard: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: [heard.put(m) for m in here._listen()], daemon=True).start()
    store = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 10
    while dict(store.pubsub_numsub(channel)).get(channel.encode(), 0) < 1:
        assert time.monotonic() < deadline, "the listener never subscribed"
        time.sleep(0.05)

    def message(sender: RedisQueue, seq: int) -> dict[str, object]:
        return {"method": "emit", "event": "events", "data": [{"seq": seq}],
                "namespace": "/", "room": "board:s", "skip_sid": None,
                "callback": None, "binary": False, "host_id": sender.host_id}

    here._publish(message(here, 1))
    there._publish(message(there, 2))
    there._publish({"method": "callback", "host_id": here.host_id, "sid": "x",
                    "namespace": "/", "id": 7, "args": []})
    received = [json.loads(heard.get(timeout=10)) for _ in range(2)]
    assert [(m["method"], m.get("data")) for m in received] == [
        ("emit", [{"seq": 2}]), ("callback", None)]
    with pytest.raises(queue.Empty):
        heard.get(timeout=0.5)


@pytest.mark.redis
def test_a_batch_of_rooms_goes_out_together_at_its_end_in_order(redis_url: str) -> None:
    """An outbox flush (a message per room) publishes in one pipeline when it ends."""
    import json
    import threading

    import redis

    from facilitation.transport.message_queue import RedisQueue

    channel = "queue-test-batch"
    manager = RedisQueue(redis_url, channel=channel)
    manager._batches = threading.local()  # what `initialize` sets up under a server
    listener = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel)
    listener.get_message(timeout=1)
    with manager.batch():
        for room in ("board:s1", "participants:s1", "board:s2"):
            manager._publish({"method": "emit", "room": room, "host_id": manager.host_id})
        assert listener.get_message(timeout=0.3) is None  # nothing before the end
    rooms = [json.loads(listener.get_message(timeout=5)["data"])["room"] for _ in range(3)]
    assert rooms == ["board:s1", "participants:s1", "board:s2"]
    manager._publish({"method": "emit", "room": "board:s3", "host_id": manager.host_id})
    assert json.loads(listener.get_message(timeout=5)["data"])["room"] == "board:s3"
