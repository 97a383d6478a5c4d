"""The Socket.IO message queue between server processes (Redis), with a bounded pool
that makes publishers wait for a connection instead of dropping their broadcast, no
work on a message nobody here receives, and nothing on the queue for a room no other
process has a client in (`room_presence`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import socketio

from .room_presence import RoomPresence, tracked

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
    presence: RoomPresence | None = None
    _batches: threading.local | None = None  # made once patched: green-thread local

    def _redis_connect(self) -> None:
        self.redis = self._the_client()
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    def _the_client(self) -> redis.Redis:
        import redis  # the `redis` extra: one process (`make run`) runs without it

        if self._client is None:
            pool = redis.BlockingConnectionPool.from_url(
                self.redis_url, max_connections=CONNECTIONS, timeout=WAIT_S,
                **self.redis_options)
            self._client = redis.Redis(connection_pool=pool)
        return self._client

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
        self._batches = threading.local()
        if not self.write_only:
            self.presence = RoomPresence(self._the_client(), self.channel, self.host_id,
                                         sleep=self.server.sleep, occupied=self._occupied)
            self.server.start_background_task(self.presence.run)

    def _occupied(self, key: str) -> bool:
        namespace, _, room = key.partition(" ")
        return bool(self.rooms.get(namespace, {}).get(room))

    def enter_room(self, sid: str, namespace: str, room: Any,
                   eio_sid: Any = None) -> Any:
        """A client of this process entering one of the app's rooms: the room is
        registered, and every other process publishes its messages, before this returns
        (so before the client's snapshot is read: `room_presence`)."""
        if (self.presence is not None and tracked(room)
                and (self.is_connected(sid, namespace)
                     or self.is_pre_connected(sid, namespace))):
            self.presence.register(namespace or "/", room)
        return super().enter_room(sid, namespace, room, eio_sid=eio_sid)

    def emit(self, event: str, data: Any, namespace: str | None = None,
             room: Any = None, skip_sid: Any = None, callback: Any = None,
             to: Any = None, **kwargs: Any) -> Any:
        """As python-socketio's, except that a message to one client of this process
        (a replay to the phone that asked) does not cross the queue: no other process
        has that client."""
        room, namespace = to or room, namespace or "/"
        if callback is None and isinstance(room, str) and (
                self.is_connected(room, namespace)
                or (self.presence is not None and self.presence.local_only(namespace, room))):
            kwargs["ignore_queue"] = True  # no other process has a client there
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
        batch = getattr(self._batches, "messages", None)
        if batch is not None and data.get("method") != "callback":
            batch.append(self.json.dumps(data))
            return None
        return super()._publish(data)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Publish what is sent inside in one round trip (a flush of the outbox: one
        message per room, several rooms), at the end, in order."""
        if self._batches is None or getattr(self._batches, "messages", None) is not None:
            yield  # not initialised (no server), or nested: the outer batch sends
            return
        messages: list[str] = []
        self._batches.messages = messages
        try:
            yield
        finally:
            self._batches.messages = None
            if messages:
                self._publish_all(messages)

    def _publish_all(self, messages: list[str]) -> None:
        for retries_left in (1, 0):  # as python-socketio's `_publish`: 2 attempts
            try:
                if not self.connected:
                    self._redis_connect()
                pipe = self.redis.pipeline(transaction=False)
                for message in messages:
                    pipe.publish(self.channel, message)
                pipe.execute()
                return
            except Exception as error:  # noqa: BLE001 - logged as python-socketio does
                self._get_logger().error(
                    "Cannot publish to redis... %s", "retrying" if retries_left else
                    "giving up", extra={"redis_exception": str(error)})
                self.connected = False

    def _listen(self) -> Iterator[Any]:
        own = b'{"host_id": "' + self.host_id.encode() + b'"'
        for message in super()._listen():
            if isinstance(message, bytes) and message.startswith(own):
                continue  # handled here when it was sent
            yield message


def client_manager(url: str | None) -> RedisQueue | None:
    """The manager for `REDIS_URL`, or None (one process: no queue)."""
    return RedisQueue(url, channel="flask-socketio") if url else None
