"""Two servers on Redis publish a room's messages only when the other has a client in
it, and a board that joins on one while the other publishes misses no card."""

from __future__ import annotations

import queue
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import socketio as socketio_client

from ..conftest import new_client_id
from ..services import AppServer
from .test_restart import api

LIMITS = {"FACILITATION_LIMIT_CARDS_PER_CONNECTION": "10000/minute",
          "FACILITATION_LIMIT_CARDS_PER_ADDRESS": "100000/minute"}


def publish_calls(redis_url: str) -> int:
    import redis

    stats = redis.Redis.from_url(redis_url).info("commandstats")
    return int(stats.get("cmdstat_publish", {}).get("calls", 0))


def facilitator_token(tmp_path: Path, env: dict[str, str]) -> str:
    run = {"env": {"FACILITATION_INSTANCE": str(tmp_path / "a"), **env}, "check": True,
           "capture_output": True, "text": True}
    subprocess.run([sys.executable, "-m", "facilitation", "facilitator", "add",
                    "awa@grdr.example", "--password", "palabre-2026"], **run)
    return subprocess.run([sys.executable, "-m", "facilitation", "facilitator", "token",
                           "awa@grdr.example"], **run).stdout.strip()


def board_client(url: str, token: str, session_id: str
                 ) -> tuple[Any, dict[str, Any], queue.Queue[list[dict[str, Any]]]]:
    received: queue.Queue[list[dict[str, Any]]] = queue.Queue()
    board = socketio_client.Client()
    board.on("events", received.put)
    board.connect(url, auth={"token": token}, transports=["websocket"])
    joined = board.call("join_board", {"session_id": session_id}, timeout=30)
    assert joined["ok"], joined
    return board, joined, received


def phone_client(url: str, code: str) -> Any:
    phone = socketio_client.Client()
    phone.connect(url, transports=["websocket"])
    assert phone.call("join", {"code": code}, timeout=30)["ok"]
    return phone


def card(phone: Any, text: str) -> None:
    ack = phone.call("contribute", {"client_id": new_client_id(), "text": text,
                                    "kind": "blocker"}, timeout=30)
    assert ack["ok"], ack


def texts_pushed(received: queue.Queue[list[dict[str, Any]]], after_seq: int,
                 expected: set[str], timeout: float = 20) -> list[str]:
    """Cards pushed to a board past `after_seq`, until every expected one came (then a
    moment more, for a late duplicate)."""
    pushed: list[str] = []
    deadline = time.monotonic() + timeout
    while not expected <= set(pushed) and time.monotonic() < deadline:
        try:
            batch = received.get(timeout=1)
        except queue.Empty:
            continue
        pushed += [event["payload"]["text"] for event in batch
                   if event.get("type") == "contribution_added" and event["seq"] > after_seq]
    time.sleep(1)
    while not received.empty():
        pushed += [event["payload"]["text"] for event in received.get()
                   if event.get("type") == "contribution_added" and event["seq"] > after_seq]
    return pushed


@pytest.mark.postgres
@pytest.mark.redis
def test_a_room_with_no_remote_client_stays_off_redis_and_a_late_board_misses_nothing(
    tmp_path: Path, fresh_postgres: str, redis_url: str
) -> None:
    env = {"DATABASE_URL": fresh_postgres, "REDIS_URL": redis_url, "SECRET_KEY": "shared",
           **LIMITS}
    first = AppServer(tmp_path / "a", env).start()
    second = AppServer(tmp_path / "b", env).start()
    clients: list[Any] = []
    try:
        token = facilitator_token(tmp_path, env)

        # A session whose board and phone are both on the first process: nothing on Redis
        local = api(first, "/api/sessions", token, {"title": "Lille", "kind": "breakfast"})
        board, joined, received = board_client(first.url, token, local["id"])
        phone = phone_client(first.url, local["code"])
        clients += [board, phone]
        time.sleep(0.5)  # the join's own pushes flushed
        before = publish_calls(redis_url)
        sent = {f"carte locale {n}" for n in range(15)}
        for text in sorted(sent):
            card(phone, text)
        assert Counter(texts_pushed(received, joined["seq"], sent)) == Counter(sent)
        assert publish_calls(redis_url) - before == 0

        # A board joins on the second process while phones on the first send cards
        shared = api(first, "/api/sessions", token, {"title": "Kayes", "kind": "breakfast"})
        phones = [phone_client(first.url, shared["code"]) for _ in range(24)]
        clients += phones
        acknowledged: list[str] = []
        started = threading.Event()

        def send(number: int, phone: Any) -> None:
            for n in range(18):  # a phone's limit: 20 a minute (`rules.too_fast`)
                text = f"carte {number}-{n}"
                card(phone, text)
                acknowledged.append(text)
                if n == 2:
                    started.set()
                time.sleep(random.uniform(0, 0.2))  # phones out of step: cards all along

        senders = [threading.Thread(target=send, args=(number, phone))
                   for number, phone in enumerate(phones)]
        before = publish_calls(redis_url)
        for sender in senders:
            sender.start()
        assert started.wait(30)
        late, joined, received = board_client(second.url, token, shared["id"])
        clients.append(late)
        for sender in senders:
            sender.join(120)
        snapshot = {c["text"] for c in joined["board"]["contributions"]}
        after = set(acknowledged) - snapshot
        assert snapshot and len(after) >= 40, "the board must join while cards arrive"
        pushed = texts_pushed(received, joined["seq"], after)
        assert set(pushed) == after  # every card past the snapshot, none before it
        assert [t for t, n in Counter(pushed).items() if n > 1] == []  # each once
        assert publish_calls(redis_url) > before  # the remote board's cards crossed
    finally:
        for client in clients:
            client.disconnect()
        first.stop()
        second.stop()
