"""The Socket.IO message queue between server processes (Redis), with a bounded pool
that makes publishers wait for a connection instead of dropping their broadcast."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def client_manager(url: str | None) -> RedisQueue | None:
    """The manager for `REDIS_URL`, or None (one process: no queue)."""
    return RedisQueue(url, channel="flask-socketio") if url else None
