"""The Socket.IO message queue between server processes (Redis), with a bounded pool
that makes publishers wait for a connection instead of dropping their broadcast, and
no work on a message nobody here receives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import socketio

if TYPE_CHECKING:
    import redis

CONNECTIONS = 64  # per process: the listener's one, and the publishers'
WAIT_S = 30.0


class RedisQueue(socketio.RedisManager):
    """python-socketio's Redis manager on a blocking connection pool.

    redis-py (5+) caps its default pool at 100 connections and refuses the 101st at once
    ("Too many connections"); python-socketio retries once, then drops the message. A
    burst of cards on one process (each acknowledged card publishes its event) took more
    than 100 connections at once, and the boards on the other processes never saw some
    acknowledged cards (`bench room`, 2 processes: up to 254 of 5,000). Here a publisher
    waits (cooperatively under eventlet) for a free connection.

    And one client for the life of the process: python-socketio's reconnection after a
    failed publish made a new client, the old one was garbage-collected, closed its pool,
    and with it the connection the listener was subscribed on; redis-py resubscribed
    silently, and what was published meanwhile never reached this process's boards.
    """

    _client: redis.Redis | None = None

    def _redis_connect(self) -> None:
        import redis  # the `redis` extra: one process (`make run`) runs without it

        if self._client is None:
            pool = redis.BlockingConnectionPool.from_url(
                self.redis_url, max_connections=CONNECTIONS, timeout=WAIT_S,
                **self.redis_options)
            self._client = redis.Redis(connection_pool=pool)
        self.redis = self._client
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    # What a second process cost per card beyond the first (py-spy, `bench room`, two
    # processes, stop 22): each broadcast was encoded for this process's clients even
    # when none was in the room, published, read back and decoded by the process that
    # sent it (only to be dropped as its own), and decoded by the others through the
    # guarded JSON reader meant for phones (its bracket count walked the whole batch).

    def initialize(self) -> None:
        super().initialize()
        # messages from our own processes, not phones: the standard reader (the guarded
        # one, `wire.loads`, stays on what clients send)
        self.json = json

    def emit(self, event: str, data: Any, namespace: str | None = None,
             room: Any = None, skip_sid: Any = None, callback: Any = None,
             to: Any = None, **kwargs: Any) -> Any:
        """As python-socketio's, except that a message to one client of this process
        (a replay to the phone that asked) does not cross the queue: no other process
        has that client."""
        room, namespace = to or room, namespace or "/"
        if callback is None and isinstance(room, str) and self.is_connected(room, namespace):
            kwargs["ignore_queue"] = True
        return super().emit(event, data, namespace=namespace, room=room,
                            skip_sid=skip_sid, callback=callback, **kwargs)

    def _handle_emit(self, message: dict[str, Any]) -> None:
        """Deliver to this process's clients in the room; none: nothing to encode."""
        room = message.get("room")
        if isinstance(room, str) and message.get("callback") is None:
            members = self.rooms.get(message.get("namespace") or "/", {}).get(room)
            if not members:
                return
        super()._handle_emit(message)

    def _publish(self, data: dict[str, Any]) -> Any:
        """Publish with `host_id` first, so this process knows its own messages from
        their first bytes (`_listen`); still the JSON every subscriber reads. (A
        callback's answer names the process it goes to, not the sender: left as is.)"""
        if isinstance(data, dict) and "host_id" in data and data.get("method") != "callback":
            data = {"host_id": data["host_id"],
                    **{key: value for key, value in data.items() if key != "host_id"}}
        return super()._publish(data)

    def _listen(self) -> Iterator[Any]:
        own = b'{"host_id": "' + self.host_id.encode() + b'"'
        for message in super()._listen():
            if isinstance(message, bytes) and message.startswith(own):
                continue  # handled here when it was sent
            yield message


def client_manager(url: str | None) -> RedisQueue | None:
    """The manager for `REDIS_URL`, or None (one process: no queue)."""
    return RedisQueue(url, channel="flask-socketio") if url else None
