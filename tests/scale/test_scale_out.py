"""Past one process: two servers share PostgreSQL and a Redis message queue."""

from __future__ import annotations

import queue
import subprocess
import sys
from pathlib import Path

import pytest
import socketio as socketio_client

from ..conftest import new_client_id
from ..services import AppServer
from .test_restart import api


@pytest.mark.postgres
@pytest.mark.redis
def test_a_card_sent_to_one_server_reaches_a_board_on_the_other(
    tmp_path: Path, fresh_postgres: str, redis_url: str
) -> None:
    env = {"DATABASE_URL": fresh_postgres, "REDIS_URL": redis_url, "SECRET_KEY": "shared"}
    first = AppServer(tmp_path / "a", env).start()
    second = AppServer(tmp_path / "b", env).start()
    try:
        subprocess.run(
            [sys.executable, "-m", "facilitation", "facilitator", "add", "awa@grdr.example",
             "--password", "palabre-2026"],
            env={"FACILITATION_INSTANCE": str(tmp_path / "a"), **env}, check=True,
            capture_output=True,
        )
        token = subprocess.run(
            [sys.executable, "-m", "facilitation", "facilitator", "token", "awa@grdr.example"],
            env={"FACILITATION_INSTANCE": str(tmp_path / "a"), **env}, check=True,
            capture_output=True, text=True,
        ).stdout.strip()
        session = api(first, "/api/sessions", token, {"title": "Lille", "kind": "breakfast"})

        received: queue.Queue[list[dict[str, object]]] = queue.Queue()
        board = socketio_client.Client()
        board.on("events", received.put)
        board.connect(second.url, auth={"token": token}, transports=["websocket"])
        joined = board.call("join_board", {"session_id": session["id"]}, timeout=10)
        assert joined["ok"], joined

        phone = socketio_client.Client()
        phone.connect(first.url, transports=["websocket"])
        assert phone.call("join", {"code": session["code"]}, timeout=10)["ok"]
        ack = phone.call("contribute", {"client_id": new_client_id(),
                                        "text": "accès au foncier", "kind": "blocker"},
                         timeout=10)
        assert ack["ok"], ack

        texts: list[object] = []
        while "accès au foncier" not in texts:
            batch = received.get(timeout=10)
            texts += [e["payload"].get("text") for e in batch]
        board_on_second = api(second, f"/api/sessions/{session['id']}/board", token)
        assert [c["text"] for c in board_on_second["contributions"]] == ["accès au foncier"]

        # A replay goes to the one board that asked, on its own process: it reaches the
        # board and does not cross the queue (the other process has no such client).
        import redis

        listener = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
        listener.subscribe("flask-socketio")
        listener.get_message(timeout=1)
        assert board.call("sync", {"session_id": session["id"], "last_seq": 1},
                          timeout=10) == {"ok": True}
        replayed = received.get(timeout=10)
        assert "accès au foncier" in [e["payload"].get("text") for e in replayed]
        crossed = []
        while (message := listener.get_message(timeout=1)) is not None:
            crossed.append(message["data"])
        assert not [m for m in crossed if board.get_sid().encode() in m]
        listener.close()
        phone.disconnect()
        board.disconnect()
    finally:
        first.stop()
        second.stop()
