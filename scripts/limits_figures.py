"""Figures for docs/security.md: a real (eventlet) server under two hostile clients.

Usage:  PYTHONPATH=$PWD .venv/bin/python scripts/limits_figures.py [--code ROOT]

1. a phone's Socket.IO round trip while 8 clients post wrong passwords to /login;
2. cards accepted in 20 s from one socket that re-joins (no token) before every card.

`--code ROOT` serves another checkout of facilitation (e.g. the commit before the limits,
extracted with `git archive`) with the same measuring client, for a before/after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facilitation import create_app  # noqa: E402
from facilitation.usecases import accounts  # noqa: E402
from tests.services import AppServer  # noqa: E402
from tests.transport.test_limits import phone_round_trips_under_login_storm  # noqa: E402


def rejoining_script(url: str, code: str, seconds: float = 20.0) -> int:
    """Cards accepted from one socket that joins afresh before each card."""
    import socketio

    client = socketio.Client()
    client.connect(url, transports=["websocket"])
    accepted, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        client.call("join", {"code": code}, timeout=30)
        answer = client.call("contribute", {"client_id": uuid.uuid4().hex, "text": "spam",
                                            "kind": "blocker"}, timeout=30)
        accepted += bool(answer and answer.get("ok"))
    client.disconnect()
    return accepted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", help="root of the facilitation checkout to serve")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="limits-figures-"))
    secret = uuid.uuid4().hex
    app = create_app({"INSTANCE_PATH": str(instance), "FACILITATION_ASYNC_MODE": "threading",
                      "SECRET_KEY": secret})
    service = app.extensions["facilitation"]
    owner = accounts.create(service.db, "bench@example.org", "benchmark-2026")
    code = service.create_session(owner.id, "Limits", "palabre", "fr").code
    env = {"SECRET_KEY": secret, "FACILITATION_CLUSTERING_BACKEND": "lexical",
           # measure the event loop, not the login throttle
           "FACILITATION_LIMIT_LOGIN_FAILURES_PER_ADDRESS": "100000/minute",
           "FACILITATION_LIMIT_LOGIN_FAILURES_PER_ACCOUNT": "100000/minute"}
    # `python -m` puts the working folder first on the path: serve from the instance's
    env["PYTHONPATH"] = os.path.abspath(args.code or Path(__file__).resolve().parent.parent)
    os.chdir(instance)
    server = AppServer(instance, env).start()
    try:
        quiet = phone_round_trips_under_login_storm(server.url, clients=0, seconds=2)
        trips = phone_round_trips_under_login_storm(server.url, clients=8, seconds=8)
        cards = rejoining_script(server.url, code)
    finally:
        server.stop()
    print(f"phone round trip, idle: median {statistics.median(quiet):.0f} ms")
    print(f"phone round trip, 8 clients on /login: median {statistics.median(trips):.0f} ms, "
          f"p90 {sorted(trips)[int(len(trips) * 0.9)]:.0f} ms, max {max(trips):.0f} ms "
          f"({len(trips)} trips)")
    print(f"cards accepted in 20 s from one re-joining socket: {cards}")


if __name__ == "__main__":
    main()
