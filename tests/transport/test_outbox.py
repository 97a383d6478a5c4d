"""Board pushes gathered per turn of the loop: every card once, in `seq` order."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any

import socketio as socketio_client

from facilitation.transport.broadcast import Outbox

from ..conftest import new_client_id
from ..services import AppServer


def view(seq: int) -> dict[str, Any]:
    return {"seq": seq, "type": "contribution_added", "payload": {"text": f"carte {seq}"}}


def test_pushes_of_one_turn_go_out_once_per_room_in_seq_order() -> None:
    sent: list[tuple[str, list[int]]] = []
    scheduled: list[Any] = []
    outbox = Outbox(lambda room, views: sent.append((room, [v["seq"] for v in views])),
                    scheduled.append)
    for seq in (7, 5, 6):  # green threads woken by one commit publish in any order
        outbox.add("board:s1", [view(seq)])
    outbox.add("participants:s1", [view(5)])
    outbox.add("board:s2", [view(3), view(4)])
    assert sent == [] and len(scheduled) == 1  # one flush for the turn
    scheduled.pop()()
    assert sent == [("board:s1", [5, 6, 7]), ("participants:s1", [5]), ("board:s2", [3, 4])]
    outbox.add("board:s1", [view(8)])  # the next turn has a flush of its own
    assert len(scheduled) == 1
    scheduled.pop()()
    assert sent[-1] == ("board:s1", [8])


def test_without_a_loop_each_push_goes_out_at_once() -> None:
    sent: list[list[int]] = []
    outbox = Outbox(lambda room, views: sent.append([v["seq"] for v in views]), None)
    outbox.add("board:s1", [view(2)])
    outbox.add("board:s1", [view(1)])
    assert sent == [[2], [1]]


def test_a_room_of_phones_reaches_the_board_once_and_in_order(tmp_path: Path) -> None:
    """A real server (eventlet): phones send together, the board gets every card once;
    each message is in `seq` order and a commit's cards share messages."""
    server = AppServer(tmp_path / "instance", {
        "FACILITATION_CLUSTERING_BACKEND": "lexical", "SECRET_KEY": "outbox-test",
        "FACILITATION_LIMIT_CONNECTIONS_PER_ADDRESS": "100000/minute",
        "FACILITATION_LIMIT_NEW_PARTICIPANTS_PER_ADDRESS": "100000/minute",
        "FACILITATION_LIMIT_CARDS_PER_ADDRESS": "100000/minute"}).start()
    phones: list[Any] = []
    board = socketio_client.Client(reconnection=False)
    try:
        run = [sys.executable, "-m", "facilitation", "facilitator"]
        subprocess.run([*run, "add", "awa@grdr.example", "--password", "palabre-2026"],
                       env=server.env, check=True, capture_output=True)
        token = subprocess.run([*run, "token", "awa@grdr.example"], env=server.env,
                               check=True, capture_output=True, text=True).stdout.strip()
        request = urllib.request.Request(
            server.url + "/api/sessions", method="POST",
            data=json.dumps({"title": "Forum", "kind": "breakfast"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            session = json.loads(response.read())
        messages: list[list[dict[str, Any]]] = []
        board.on("events", messages.append)
        board.connect(server.url, auth={"token": token}, transports=["websocket"])
        assert board.call("join_board", {"session_id": session["id"]}, timeout=30)["ok"]
        for _ in range(30):
            phone = socketio_client.Client(reconnection=False)
            phone.connect(server.url, transports=["websocket"])
            assert phone.call("join", {"code": session["code"]}, timeout=30)["ok"]
            phones.append(phone)
        start = threading.Barrier(len(phones))
        acks: list[dict[str, Any]] = []

        def send(phone: Any) -> None:
            start.wait()
            for n in range(3):
                acks.append(phone.call("contribute", {
                    "client_id": new_client_id(), "text": f"idée {n}", "kind": "lever"},
                    timeout=30))

        threads = [threading.Thread(target=send, args=(p,)) for p in phones]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(acks) == 90 and all(a["ok"] for a in acks)
        acked = sorted(a["seq"] for a in acks)

        def cards() -> list[int]:
            return [e["seq"] for m in list(messages) for e in m
                    if e["type"] == "contribution_added"]

        for _ in range(100):
            if len(cards()) >= len(acked):
                break
            board.sleep(0.05)
        board.sleep(0.2)  # a duplicate would have arrived by now
        assert sorted(cards()) == acked  # every card once
        for message in messages:
            assert [e["seq"] for e in message] == sorted(e["seq"] for e in message)
        assert max(len(m) for m in messages) > 1, "the cards of a commit share a message"
    finally:
        for phone in phones:
            phone.disconnect()
        board.disconnect()
        server.stop()


def test_only_the_newest_presence_of_a_window_goes_out() -> None:
    sent: list[Any] = []
    scheduled: list[Any] = []
    outbox = Outbox(lambda room, views: sent.append((room, [v["seq"] for v in views])),
                    scheduled.append)
    count = [0]
    for _ in range(3):  # three phones leave within one window
        count[0] += 1
        outbox.latest("board:s1", "presence", lambda: sent.append(("presence", count[0])))
    outbox.add("board:s1", [view(4)])
    assert len(scheduled) == 1
    scheduled.pop()()
    assert sent == [("presence", 3), ("board:s1", [4])]
