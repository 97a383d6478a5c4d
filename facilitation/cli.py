"""Command line: `facilitation serve`, `facilitation facilitator …`, `facilitation bench …`."""

from __future__ import annotations

import importlib
import os
import socket
import sys
import warnings
from pathlib import Path
from typing import Any

import click


def lan_address() -> str:
    """This machine's address on the local network (the hotspot's), else 127.0.0.1.

    Connecting a UDP socket sends no packet: it only asks the kernel which interface
    would route to a documentation address (TEST-NET-1).
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    finally:
        probe.close()
    return address


def _app(overrides: dict[str, Any] | None = None) -> Any:
    from . import create_app

    return create_app(overrides)


@click.group()
def main() -> None:
    """facilitation: live workshops where phones send blockers and levers."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", 5000)),
              show_default="5000 or $PORT", help="Port to listen on.")
@click.option("--lan", is_flag=True,
              help="Listen on every interface and put the LAN address in join links and QR "
                   "codes (a laptop and a phone hotspot, no internet needed).")
@click.option("--access-log", is_flag=True,
              help="Print one line per request (it shows client IP addresses).")
def serve(host: str, port: int, lan: bool, access_log: bool) -> None:
    """Run the server (Flask-SocketIO's own server; eventlet unless configured)."""
    mode = os.environ.get("FACILITATION_ASYNC_MODE", "eventlet")
    if mode == "eventlet":
        # psycopg's C wait function would block every green thread while PostgreSQL answers
        # (it only detects gevent's patching): wait through the green select() instead.
        os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    if mode in ("eventlet", "gevent"):
        # Only the launcher touches the async library: it must patch before anything runs.
        with warnings.catch_warnings():  # eventlet warns it is in maintenance mode
            warnings.simplefilter("ignore", DeprecationWarning)
            patcher = importlib.import_module(mode if mode == "eventlet" else "gevent.monkey")
        (patcher.monkey_patch if mode == "eventlet" else patcher.patch_all)()
    overrides: dict[str, Any] = {}
    if lan:
        host = "0.0.0.0"
        overrides["PUBLIC_URL"] = f"http://{lan_address()}:{port}"
    app = _app(overrides)
    from . import accounts
    from .extensions import socketio

    public = app.config["PUBLIC_URL"] or f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
    click.echo(f"facilitation: serving on {public} ({app.config['FACILITATION_ASYNC_MODE']})")
    db = app.extensions["facilitation"].db
    if accounts.count(db) == 0:
        token = accounts.SetupLink(Path(app.instance_path)).ensure()
        click.echo(f"First run: create the first facilitator account at {public}/setup/{token}")
    sys.stdout.flush()
    run_options: dict[str, Any] = {"host": host, "port": port, "log_output": access_log}
    if app.config["FACILITATION_ASYNC_MODE"] == "threading":
        run_options["allow_unsafe_werkzeug"] = True
    socketio.run(app, **run_options)


@main.group()
def facilitator() -> None:
    """Manage facilitator accounts."""


@facilitator.command("add")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters (asked for when not given).")
def facilitator_add(email: str, password: str) -> None:
    """Create a facilitator account."""
    from . import accounts
    from .errors import Rejected

    app = _app()
    try:
        with app.app_context():
            created = accounts.create(app.extensions["facilitation"].db, email, password)
    except Rejected as error:
        raise click.ClickException(_describe(app, error)) from None
    click.echo(f"facilitator {created.email} created")


@facilitator.command("token")
@click.argument("email")
def facilitator_token(email: str) -> None:
    """Print a new API bearer token for EMAIL (the previous one stops working)."""
    from . import accounts
    from .errors import Rejected

    app = _app()
    try:
        token = accounts.issue_token(app.extensions["facilitation"].db, email)
    except Rejected as error:
        raise click.ClickException(_describe(app, error)) from None
    click.echo(token)


def _describe(app: Any, error: Any) -> str:
    from .messages import describe

    with app.test_request_context():
        return str(describe(error)["message"])
