"""Nothing acknowledged is lost: a real server, real Socket.IO clients, a hard kill."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import socketio as socketio_client

from ..conftest import new_client_id
from ..services import AppServer


def cli(instance: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "facilitation", *args],
        env={"FACILITATION_INSTANCE": str(instance), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )
    return result.stdout.strip()


def api(server: AppServer, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_every_acknowledged_card_survives_a_killed_server(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    cli(instance, "facilitator", "add", "awa@grdr.example", "--password", "palabre-2026")
    token = cli(instance, "facilitator", "token", "awa@grdr.example")
    server = AppServer(instance).start()
    try:
        session = api(server, "/api/sessions", token, {"title": "Kayes", "kind": "palabre"})
        phones = []
        acked: dict[str, str] = {}
        client_ids: dict[str, str] = {}
        tokens = []
        for _ in range(3):
            phone = socketio_client.SimpleClient()
            phone.connect(server.url, transports=["websocket"])
            joined = phone.client.call("join", {"code": session["code"]}, timeout=10)
            tokens.append(joined["participant_token"])
            phones.append(phone)
        for i in range(30):
            client_id = new_client_id()
            ack = phones[i % 3].client.call(
                "contribute", {"client_id": client_id, "text": f"carte {i}", "kind": "lever"},
                timeout=10,
            )
            assert ack["ok"], ack
            acked[ack["contribution_id"]] = f"carte {i}"
            client_ids[client_id] = ack["contribution_id"]
    finally:
        if server.process:
            server.process.kill()  # no clean shutdown: only what was committed remains
            server.process.wait()
    for phone in phones:
        phone.disconnect()

    again = AppServer(instance).start()
    try:
        board = api(again, f"/api/sessions/{session['id']}/board", token)
        kept = {card["id"]: card["text"] for card in board["contributions"]}
        assert kept == acked
        # a phone whose ack was lost re-sends after the restart (as itself: its token is
        # kept on the phone): nothing new is created
        phone = socketio_client.SimpleClient()
        phone.connect(again.url)
        phone.client.call("join", {"code": session["code"], "participant_token": tokens[0]},
                          timeout=10)
        client_id, contribution_id = next(iter(client_ids.items()))
        ack = phone.client.call(
            "contribute", {"client_id": client_id, "text": "carte 0", "kind": "lever"}, timeout=10
        )
        assert ack["ok"] and ack["contribution_id"] == contribution_id
        phone.disconnect()
        board = api(again, f"/api/sessions/{session['id']}/board", token)
        assert len(board["contributions"]) == len(acked)
    finally:
        again.stop()
