"""Memory a server keeps after socket `command`s naming unknown session ids.

    PYTHONPATH=$PWD .venv/bin/python scripts/unknown_sessions_memory.py [COUNT] [--server]

Prints resident memory before and after COUNT (default 2000) commands with random session
ids, on a throwaway SQLite database: in this process (threading mode, with the board
cache's entries), or with `--server` in a real `facilitation serve` process (eventlet, as
in production) reached by a Socket.IO client.
"""

from __future__ import annotations

import gc
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

WARM_UP = 50


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def entries(boards: object) -> str:
    return (f"boards={len(getattr(boards, '_boards', {}))} "
            f"locks={len(getattr(boards, '_locks', {}))}")


def command(session_id: str) -> dict[str, str]:
    return {"session_id": session_id, "type": "change_phase", "phase": "collect"}


def in_process(count: int) -> None:
    from facilitation import create_app
    from facilitation.extensions import socketio
    from facilitation.usecases import accounts

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "INSTANCE_PATH": f"{tmp}/instance", "DATABASE_URL": f"sqlite:///{tmp}/m.db",
            "FACILITATION_ASYNC_MODE": "threading", "SECRET_KEY": "m", "TESTING": True,
            "FACILITATION_CLUSTERING_BACKEND": "lexical",
        })
        service = app.extensions["facilitation"]
        created = accounts.create(service.db, "m@example.org", "memory-2026")
        token = accounts.issue_token(service.db, created.email)
        console = socketio.test_client(app, auth={"token": token})
        for _ in range(WARM_UP):  # first queries, imports, the libraries' caches
            console.emit("command", command(secrets.token_hex(8)), callback=True)
        gc.collect()
        before = rss_mb()
        print(f"in process, before: rss={before:.1f} MB {entries(service.boards)}")
        for _ in range(count):
            console.emit("command", command(secrets.token_hex(8)), callback=True)
        gc.collect()
        after = rss_mb()
        print(f"after {count} unknown ids: rss={after:.1f} MB (+{after - before:.1f} MB) "
              f"{entries(service.boards)}")
        console.disconnect()


def served(count: int) -> None:
    import socketio

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FACILITATION_INSTANCE": tmp,
               "FACILITATION_CLUSTERING_BACKEND": "lexical"}
        cli = [sys.executable, "-m", "facilitation"]
        subprocess.run([*cli, "facilitator", "add", "m@example.org", "--password",
                        "memory-2026"], env=env, check=True, capture_output=True)
        token = subprocess.run([*cli, "facilitator", "token", "m@example.org"], env=env,
                               check=True, capture_output=True, text=True).stdout.strip()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                        json.loads(response.read())
                        break
                except OSError:
                    time.sleep(0.5)
            client = socketio.SimpleClient()
            client.connect(url, auth={"token": token}, transports=["websocket"])
            for _ in range(WARM_UP):
                client.call("command", command(secrets.token_hex(8)), timeout=10)
            before = rss_mb(server.pid)
            print(f"served (eventlet), before: rss={before:.1f} MB")
            for _ in range(count):
                client.call("command", command(secrets.token_hex(8)), timeout=10)
            after = rss_mb(server.pid)
            print(f"after {count} unknown ids: rss={after:.1f} MB (+{after - before:.1f} MB)")
            client.disconnect()
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:] if arg.isdigit()]
    (served if "--server" in sys.argv else in_process)(numbers[0] if numbers else 2000)
