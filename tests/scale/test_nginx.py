"""Past one machine, as deployed: nginx (deploy/nginx-facilitation.conf) in front of two
`facilitation serve` processes sharing PostgreSQL and Redis; one process is killed."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as socketio_client

from ..conftest import new_client_id
from ..services import AppServer
from .nginx import Proxy, nginx_proxy

PHONES = 12
CARDS = 8
TRANSPORTS = (["websocket"], ["polling"], ["polling", "websocket"])  # the last upgrades


def api(proxy: Proxy, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        proxy.url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    context = ssl.create_default_context(cafile=str(proxy.ca))
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        return json.loads(response.read())


class Board:
    """A board as board.js runs it: events folded in `seq` order, a gap asks `sync`."""

    def __init__(self, url: str, token: str, session_id: str) -> None:
        self.session_id = session_id
        self.seq = 0
        self.shown: list[dict[str, Any]] = []  # the events the board folded, in order
        self.lock = threading.Lock()
        self.client = socketio_client.Client(reconnection=False)
        self.client.on("events", self._events)
        self.client.connect(url, auth={"token": token}, transports=["websocket"])

    def join(self) -> dict[str, Any]:
        ack = self.client.call("join_board", {"session_id": self.session_id,
                                              "last_seq": self.seq or None}, timeout=20)
        assert ack["ok"], ack
        with self.lock:
            self.seq = max(self.seq, ack["seq"])
        return ack

    def _events(self, batch: list[dict[str, Any]]) -> None:
        with self.lock:
            for event in sorted(batch, key=lambda e: e["seq"]):
                if event["seq"] <= self.seq:
                    continue
                if event["seq"] != self.seq + 1:
                    self.client.emit("sync", {"session_id": self.session_id,
                                              "last_seq": self.seq})
                    return
                self.seq = event["seq"]
                self.shown.append(event)

    def cards(self) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in self.shown if e["type"] == "contribution_added"]


class Phone:
    """A phone through nginx: re-joins after a reconnection and re-sends a card whose
    acknowledgement never came, with the same client_id."""

    def __init__(self, proxy: Proxy, code: str, transports: list[str]) -> None:
        self.code = code
        self.token: str | None = None
        self.acked: dict[str, str] = {}  # client_id -> contribution_id
        self.retries = 0
        self.losses = 0  # times the connection to its server was lost
        self.error: BaseException | None = None
        self.must_join = True
        self.transports = transports
        self.http = requests.Session()
        self.http.verify = str(proxy.ca)
        self.http.trust_env = False  # no REQUESTS_CA_BUNDLE or proxy from the environment
        self.client = socketio_client.Client(http_session=self.http, reconnection_delay=0.5,
                                             reconnection_delay_max=2)
        self.client.on("disconnect", self._lost)
        self.client.connect(proxy.url, transports=transports, wait_timeout=20)
        self._join()

    def _lost(self, *_: Any) -> None:
        self.losses += 1
        self.must_join = True

    def _join(self) -> None:
        ack = self.client.call("join", {"code": self.code, "participant_token": self.token},
                               timeout=20)
        assert ack["ok"], ack
        self.token = ack["participant_token"]
        self.must_join = False

    def send(self, cards: int, pace: float) -> None:
        try:
            for i in range(cards):
                self._send_one(f"carte {len(self.acked)} de {self.token}", i, pace)
        except BaseException as error:  # reported by the test thread
            self.error = error

    def _send_one(self, text: str, i: int, pace: float) -> None:
        client_id = new_client_id()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if self.must_join:
                    if not self.client.connected:
                        time.sleep(0.2)
                        continue
                    self._join()
                ack = self.client.call(
                    "contribute", {"client_id": client_id, "text": text, "kind": "lever"},
                    timeout=8)
            except socketio_client.exceptions.SocketIOError:
                self.retries += 1  # no answer: the same card again, same client_id
                self.must_join = True
                continue
            if not ack["ok"] and ack.get("code") == "not_joined":
                self.must_join = True
                continue
            assert ack["ok"], ack
            self.acked[client_id] = ack["contribution_id"]
            time.sleep(pace)
            return
        raise AssertionError(f"card {i} never acknowledged")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.nginx
def test_nginx_spreads_phones_on_two_servers_and_a_killed_one_loses_nothing(
    tmp_path: Path, fresh_postgres: str, redis_url: str, nginx_binary: str
) -> None:
    env = {"DATABASE_URL": fresh_postgres, "REDIS_URL": redis_url, "SECRET_KEY": "shared",
           "FACILITATION_CLUSTERING_BACKEND": "lexical"}
    subprocess.run(
        [sys.executable, "-m", "facilitation", "facilitator", "add", "awa@grdr.example",
         "--password", "palabre-2026"],
        env={"FACILITATION_INSTANCE": str(tmp_path / "a"), "PATH": "/usr/bin:/bin", **env},
        check=True, capture_output=True,
    )
    token = subprocess.run(
        [sys.executable, "-m", "facilitation", "facilitator", "token", "awa@grdr.example"],
        env={"FACILITATION_INSTANCE": str(tmp_path / "a"), "PATH": "/usr/bin:/bin", **env},
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    first = AppServer(tmp_path / "a", env).start()
    second = AppServer(tmp_path / "b", env).start()
    phones: list[Phone] = []
    try:
        with nginx_proxy(tmp_path / "nginx", [first.port, second.port]) as proxy:
            context = ssl.create_default_context(cafile=str(proxy.ca))
            with urllib.request.urlopen(proxy.url + "/healthz", context=context) as response:
                assert response.headers["Strict-Transport-Security"]
                assert "facilitation_route=" in response.headers["Set-Cookie"]
            session = api(proxy, "/api/sessions", token, {"title": "Plénière", "kind": "palabre"})
            board = Board(first.url, token, session["id"])  # on the server that survives
            board.join()
            for i in range(PHONES):
                phones.append(Phone(proxy, session["code"], TRANSPORTS[i % len(TRANSPORTS)]))
            # each server counts the phones joined to it (presence is per process)
            watcher = Board(second.url, token, session["id"])
            on_first, on_second = board.join()["connected"], watcher.join()["connected"]
            watcher.client.disconnect()
            assert on_first + on_second == PHONES
            assert on_first > 0 and on_second > 0, "nginx sent every phone to one server"
            # long-polling phones carry nginx's route cookie (their requests stay together)
            assert all("facilitation_route" in p.http.cookies for p in phones
                       if p.transports == ["polling"])

            # paced so that no phone can be done when the server dies (8 cards take ≥ 1.75 s each;
            # a quarter of all cards is in after ~0.5 s): the killed server's phones must
            # still have cards to send (at 0.05 s apart, one run's were all done: no retry)
            senders = [threading.Thread(target=p.send, args=(CARDS, 0.25)) for p in phones]
            for sender in senders:
                sender.start()
            deadline = time.monotonic() + 60
            while sum(len(p.acked) for p in phones) < PHONES * CARDS // 4:
                assert time.monotonic() < deadline, "cards are not acknowledged"
                time.sleep(0.05)
            assert second.process is not None
            second.process.kill()  # SIGKILL: no clean shutdown, in the middle of the cards
            second.process.wait()
            for sender in senders:
                sender.join(180)
            errors = [p.error for p in phones if p.error]
            assert not errors, errors

            acked = {cid: card for p in phones for cid, card in p.acked.items()}
            assert len(acked) == PHONES * CARDS
            # a phone between two cards reconnects (to the other server) before its next
            # one, and re-sends nothing: count the losses, not only the re-sent cards
            assert sum(p.losses for p in phones) > 0, "no phone lost its server"
            # every phone is now on the first server
            assert board.join()["connected"] == PHONES

            # the board (on the first server) shows every acknowledged card once, in order
            expected = set(acked.values())
            deadline = time.monotonic() + 30
            while {e["payload"]["contribution_id"] for e in board.cards()} != expected:
                assert time.monotonic() < deadline, "the board is missing cards"
                board.client.emit("sync", {"session_id": session["id"], "last_seq": board.seq})
                time.sleep(0.5)
            seqs = [e["seq"] for e in board.shown]
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
            shown = [e["payload"]["contribution_id"] for e in board.cards()]
            assert len(shown) == len(set(shown)) == len(expected)

            # and the log holds each card once: the re-sent ones were not added again
            stored = api(proxy, f"/api/sessions/{session['id']}/board", token)["contributions"]
            assert sorted(c["id"] for c in stored) == sorted(expected)
            board.client.disconnect()
    finally:
        for phone in phones:
            phone.client.disconnect()
        first.stop()
        second.stop()
