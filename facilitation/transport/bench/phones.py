"""A process of simulated phones for `bench room`: one green thread (eventlet) and one
real python-socketio client per phone.

Reads its plan as JSON on stdin's first line, connects and joins every phone, prints
`{"ready": n}`, waits for a line `go`, then plays the scenario and prints one JSON line
per card (`tag, sent, acked, ok, code`) and `{"done": true}` at the end.

- `meeting`: phones arrive over `arrival_s` seconds and think 1–10 s before each card;
- `burst`: every phone sends its cards 50 ms apart, all at once;
- `vote`: every phone is in the room; when the facilitator opens the vote, each asks its
  view (`state`, as the phone page does after a pushed phase change), prints `{"view": n,
  "at": t, "items": k}`, then casts its votes 50 ms apart on targets of its ballot.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
import warnings
from typing import Any

TEXTS = (
    "la banque refuse mon crédit", "trop de papiers à la préfecture",
    "créer une tontine entre nous", "un parrain pour les démarches",
    "je ne parle pas bien français", "des cours de français le soir",
    "pas de local abordable", "un atelier numérique à la mairie",
    "les clients ne me connaissent pas", "vendre au marché de Kayes",
    "le microcrédit coûte trop cher", "une coopérative pour acheter ensemble",
)


def main() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import eventlet
    eventlet.monkey_patch()
    import socket
    import time

    import socketio

    plan: dict[str, Any] = json.loads(sys.stdin.readline())
    rng = random.Random(plan.get("seed", 0))
    out_lock = eventlet.semaphore.Semaphore()

    def say(message: dict[str, Any]) -> None:
        with out_lock:
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

    nodelay = {"sockopt": ((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),)}
    phones: list[tuple[dict[str, Any], Any]] = []
    scenario = plan["scenario"]

    def connect(phone: dict[str, Any]) -> None:
        client = socketio.Client(websocket_extra_options=nodelay, reconnection=False)
        try:
            client.connect(phone["url"], transports=["websocket"], wait_timeout=60)
            answer = client.call("join", {"code": phone["code"]}, timeout=120)
            if not answer.get("ok"):
                raise RuntimeError(answer)
        except Exception as error:  # noqa: BLE001 - counted, the run goes on
            say({"join_error": repr(error)[:200]})
            return
        if scenario == "vote":
            listen(phone, client)
        phones.append((phone, client))

    voting: dict[int, Any] = {}  # phone index -> set when its phone hears the vote open

    def listen(phone: dict[str, Any], client: Any) -> None:
        opened = voting[phone["index"]] = eventlet.event.Event()

        def on_events(events: list[dict[str, Any]]) -> None:
            for event in events:
                if (event.get("type") == "phase_changed" and not opened.ready()
                        and event.get("payload", {}).get("phase") == "vote"):
                    opened.send(True)

        client.on("events", on_events)

    if scenario in ("burst", "vote"):  # everyone is in the room before the first card
        pool = eventlet.GreenPool(200)
        for phone in plan["phones"]:
            pool.spawn_n(connect, phone)
        pool.waitall()
    say({"ready": len(phones)})
    if sys.stdin.readline().strip() != "go":
        return

    def vote(phone: dict[str, Any], client: Any) -> None:
        """Wait for the vote to open, ask this phone's view, then vote on its ballot."""
        if voting[phone["index"]].wait(timeout=300) is None:
            say({"view_error": "the vote never opened"})
            return
        try:
            view = client.call("state", {}, timeout=120)
            ballot = [item["id"] for item in view["session"].get("ballot") or []]
        except Exception as error:  # noqa: BLE001 - counted, the run goes on
            say({"view_error": repr(error)[:200]})
            return
        say({"view": phone["index"], "at": time.time(), "items": len(ballot)})
        for n, target in enumerate(rng.sample(ballot, min(plan["cards"], len(ballot)))):
            eventlet.sleep(0.05)
            sent = time.time()
            try:
                ack = client.call("vote", {"client_id": uuid.uuid4().hex, "target_id": target},
                                  timeout=120)
                ok = bool(ack and ack.get("ok"))
                code = None if ok else (ack or {}).get("error", {}).get("code")
            except Exception as error:  # noqa: BLE001 - a lost ack is a result
                ok, code = False, type(error).__name__
            say({"tag": f"{phone['index']}-v{n}", "session": phone["session"], "sent": sent,
                 "acked": time.time(), "ok": ok, "code": code})
        eventlet.sleep(1)
        client.disconnect()

    def play(phone: dict[str, Any], client: Any | None) -> None:
        if scenario == "meeting":
            eventlet.sleep(rng.uniform(0, plan["arrival_s"]))
            connect(phone)
            client = next((c for p, c in phones if p is phone), None)
            if client is None:
                return
        for n in range(plan["cards"]):
            eventlet.sleep(rng.uniform(1, 10) if scenario == "meeting" else 0.05)
            tag = f"{phone['index']}-{n}"
            text = f"{TEXTS[(phone['index'] + n) % len(TEXTS)]} #{tag}"
            sent = time.time()
            try:
                ack = client.call("contribute", {"client_id": uuid.uuid4().hex, "text": text,
                                                 "kind": "blocker" if n % 2 else "lever"},
                                  timeout=120)
                ok = bool(ack and ack.get("ok"))
                code = None if ok else (ack or {}).get("error", {}).get("code")
            except Exception as error:  # noqa: BLE001 - a lost ack is a result
                ok, code = False, type(error).__name__
            say({"tag": tag, "session": phone["session"], "sent": sent, "acked": time.time(),
                 "ok": ok, "code": code})
        eventlet.sleep(1)
        client.disconnect()

    threads = []
    if scenario == "vote":
        threads = [eventlet.spawn(vote, phone, client) for phone, client in phones]
    elif scenario == "meeting":
        threads = [eventlet.spawn(play, phone, None) for phone in plan["phones"]]
    else:
        threads = [eventlet.spawn(play, phone, client) for phone, client in phones]
    for thread in threads:
        thread.wait()
    say({"done": True})


if __name__ == "__main__":
    main()
