"""The baseline of `bench room`: a bare Flask-SocketIO relay that speaks just enough of
our protocol (join, join_board, contribute) and stores nothing. What it reaches in the
same run is what the transport alone can do on this machine."""

from __future__ import annotations

import argparse
import importlib
import itertools
import socket
import warnings
from typing import Any


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--async-mode", default="eventlet")
    args = parser.parse_args(argv)
    if args.async_mode in ("eventlet", "gevent"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            patcher = importlib.import_module(
                "eventlet" if args.async_mode == "eventlet" else "gevent.monkey")
        (patcher.monkey_patch if args.async_mode == "eventlet" else patcher.patch_all)()

    from flask import Flask
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    socketio = SocketIO(app, async_mode=args.async_mode, max_http_buffer_size=64 * 1024)
    seq = itertools.count(1)

    @app.get("/healthz")
    def healthz() -> Any:
        return {"ok": True}

    @socketio.on("join")
    def join(data: Any) -> Any:
        join_room("phones")
        return {"ok": True, "participant_token": "relay", "seq": 0}

    @socketio.on("join_board")
    def join_board(data: Any) -> Any:
        join_room("board")
        return {"ok": True, "seq": 0}

    @socketio.on("contribute")
    def contribute(data: Any) -> Any:
        number = next(seq)
        event = {"seq": number, "type": "contribution_added",
                 "payload": {"text": data.get("text"), "kind": data.get("kind")}}
        socketio.emit("events", [event], to="board")
        return {"ok": True, "seq": number}

    if args.async_mode == "eventlet":  # as `facilitation serve` does it: TCP_NODELAY
        eventlet = importlib.import_module("eventlet")
        wsgi = importlib.import_module("eventlet.wsgi")
        listener = eventlet.listen(("127.0.0.1", args.port))
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        wsgi.server(listener, app, log_output=False)
    else:
        socketio.run(app, host="127.0.0.1", port=args.port, log_output=False,
                     allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
