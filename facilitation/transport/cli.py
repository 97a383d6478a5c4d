"""Command line: `facilitation serve`, `facilitation facilitator …`, `facilitation bench …`."""

from __future__ import annotations

import importlib
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from .serving import lan_address as lan_address  # where it was; tests import it here


def _app(overrides: dict[str, Any] | None = None) -> Any:
    from .. import create_app

    return create_app(overrides)


def _management_app() -> Any:
    """The app for one-off commands: no server runs, so no async library is needed."""
    return _app({"FACILITATION_ASYNC_MODE": "threading", "FACILITATION_GROUPING_WORKER": "inline"})


@click.group()
def main() -> None:
    """facilitation: live workshops where phones send blockers and levers."""


@main.command()
@click.option("--host", default=None,
              help="Address to listen on [default: 127.0.0.1; with --lan, every interface].")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", 5000)),
              show_default="5000 or $PORT", help="Port to listen on.")
@click.option("--lan", is_flag=True,
              help="Listen on the network and put this machine's LAN address in join links "
                   "and QR codes, so phones on the same Wi-Fi or hotspot join (what `make run` "
                   "does). With no network, listens on 127.0.0.1 and says so.")
@click.option("--access-log", is_flag=True,
              help="Print one line per request (it shows client IP addresses and club "
                   "members' personal links).")
def serve(host: str | None, port: int, lan: bool, access_log: bool) -> None:
    """Run the server (Flask-SocketIO's own server; eventlet unless configured).

    The port is taken first (a second server on a taken port stops at once, with one
    line), then the grouping model is loaded; "ready" is printed once phones can connect."""
    from . import serving
    from .serving import _  # the terminal's language

    mode = os.environ.get("FACILITATION_ASYNC_MODE", "eventlet")
    if mode == "eventlet":
        # psycopg's C wait function would block every green thread while PostgreSQL answers
        # (it only detects gevent's patching): wait through the green select() instead.
        os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    if mode in ("eventlet", "gevent"):
        # Only the launcher touches the async library: it must patch before anything runs.
        with warnings.catch_warnings():  # eventlet warns it is in maintenance mode (known)
            warnings.simplefilter("ignore")  # EventletDeprecationWarning is a plain Warning
            patcher = importlib.import_module(mode if mode == "eventlet" else "gevent.monkey")
        (patcher.monkey_patch if mode == "eventlet" else patcher.patch_all)()
    where = serving.plan(host, port, lan, os.environ.get("PUBLIC_URL") or None)
    try:
        listener = serving.listen(where.host, where.port, mode)
    except serving.CannotListen as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    app = _app({"PUBLIC_URL": where.public_url} if where.public_url else None)
    from ..usecases import accounts

    backend = app.config["FACILITATION_CLUSTERING_BACKEND"]
    click.echo(_("facilitation: loading the grouping model (%(backend)s)…", backend=backend))
    sys.stdout.flush()
    app.extensions["grouping"].start()  # the worker process loads it, once
    click.echo(_("facilitation: ready (%(mode)s). Ctrl+C stops it.",
                 mode=app.config["FACILITATION_ASYNC_MODE"]))
    click.echo("  " + _("On this computer: %(url)s", url=where.local_url))
    if where.phones_url:
        click.echo("  " + _("For phones (same Wi-Fi or hotspot): %(url)s", url=where.phones_url))
    elif where.offline:
        click.echo("  " + _("No network: phones cannot reach this server until this computer "
                            "joins a Wi-Fi network or a phone's hotspot. Then restart it "
                            "(Ctrl+C, then make run again)."))
    else:
        click.echo("  " + _("Phones cannot reach it: it listens on %(host)s only.",
                            host=where.host))
    # What is loaded now (the lexicon, the code) lives as long as the process: frozen out
    # of the collector's sight; from then on the pacer freezes what grows old four times a
    # second and walks the whole heap only when the loop is idle (tasks/gc_pacer.py).
    from .tasks.gc_pacer import GcPacer
    from .tasks.loop_monitor import LoopMonitor

    app.extensions["gc_pacer"] = GcPacer().start()
    app.extensions["loop_monitor"] = LoopMonitor().start()  # its figures start once frozen
    db = app.extensions["facilitation"].db
    if accounts.count(db) == 0:
        token = accounts.SetupLink(Path(app.instance_path)).ensure()
        click.echo(_("First run: create the first facilitator account at %(url)s",
                     url=f"{where.local_url}/setup/{token}"))
    soft, _hard = serving.open_files_for(serving.max_connections())
    if soft < serving.max_connections():
        click.echo(_("facilitation: this system lets the server open %(n)s files: about as "
                     "many phones can connect at once (raise it with ulimit -n or "
                     "LimitNOFILE).", n=soft), err=True)
    sys.stdout.flush()
    serving.run(app, listener, app.config["FACILITATION_ASYNC_MODE"], access_log)


@main.group()
def facilitator() -> None:
    """Manage facilitator accounts."""


@facilitator.command("add")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters (asked for when not given).")
@click.option("--name", default=None, help="How syntheses name this facilitator.")
def facilitator_add(email: str, password: str, name: str | None) -> None:
    """Create a facilitator account."""
    from ..domain.errors import Rejected
    from ..usecases import accounts

    app = _management_app()
    try:
        with app.app_context():
            created = accounts.create(app.extensions["facilitation"].db, email, password, name)
    except Rejected as error:
        raise click.ClickException(_describe(app, error)) from None
    click.echo(f"facilitator {created.email} created")


@facilitator.command("token")
@click.argument("email")
def facilitator_token(email: str) -> None:
    """Print a new API bearer token for EMAIL (the previous one stops working)."""
    from ..domain.errors import Rejected
    from ..usecases import accounts

    app = _management_app()
    try:
        token = accounts.issue_token(app.extensions["facilitation"].db, email)
    except Rejected as error:
        raise click.ClickException(_describe(app, error)) from None
    click.echo(token)


def _describe(app: Any, error: Any) -> str:
    from .messages import describe

    with app.test_request_context():
        return str(describe(error)["message"])


@main.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--facilitator", "email", default=None,
              help="Who owns the imported session here (default: the only facilitator).")
@click.option("--link", "link_to", default=None,
              help="Link the imported session with this session (id or join code) of "
                   "yours: the double-espace view compares them.")
def import_command(file: Any, email: str | None, link_to: str | None) -> None:
    """Merge a session's event log exported on another server (`export --format events`).
    Importing the same file twice adds nothing."""
    from ..domain.errors import Rejected
    from ..usecases import accounts, imports, pairs

    app = _management_app()
    service = app.extensions["facilitation"]
    try:
        facilitator_id = accounts.resolve(service.db, email)
        if facilitator_id is None:
            raise click.ClickException(
                "Give --facilitator EMAIL (a facilitator of this server).")
        def progress(done: int, total: int) -> None:
            click.echo(f"\r{done}/{total} events merged", nl=done == total, err=True)

        report, _ = imports.import_log(service, imports.parse(file), facilitator_id,
                                       progress=progress)
        if link_to:
            try:
                other = service.board(link_to)
            except Rejected:
                other = service.board_by_code(link_to)
            pairs.run(service, report.session_id, facilitator_id,
                      {"type": "link_session", "session_id": other.session_id})
    except Rejected as error:
        raise click.ClickException(_describe(app, error)) from None
    state = "new here" if report.created else "updated"
    click.echo(f"{report.title} ({report.session_id}, {state}): {report.added} events added, "
               f"{report.skipped} already here", err=True)


@main.group()
def session() -> None:
    """Manage sessions (the server's operator)."""


@session.command("delete")
@click.argument("session_ref")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def session_delete(session_ref: str, yes: bool) -> None:
    """Delete a session (id or join code) for good: its events, phones' tokens and team;
    nothing of it stays in the database or its exports."""
    from ..domain.errors import Rejected
    from ..usecases import erasure

    app = _management_app()
    service = app.extensions["facilitation"]
    try:
        try:
            board = service.board(session_ref)
        except Rejected:
            board = service.board_by_code(session_ref)
    except Rejected as error:
        raise click.ClickException(_describe(app, error)) from None
    if not yes:
        click.confirm(f"Delete “{board.title}” ({board.session_id}, "
                      f"{len(board.contributions)} cards) for good?", abort=True)
    deleted = erasure.delete_for_good(service, board.session_id)
    click.echo(f"{board.session_id}: deleted ({deleted} events)", err=True)


@session.command("purge")
@click.option("--days", type=int, default=None,
              help="Closed for more than this many days (default: FACILITATION_RETENTION_DAYS).")
def session_purge(days: int | None) -> None:
    """Delete every session closed for more than N days (what the server does by itself
    when FACILITATION_RETENTION_DAYS is set)."""
    from ..usecases import erasure

    app = _management_app()
    days = days if days is not None else app.config.get("FACILITATION_RETENTION_DAYS")
    if days is None:
        raise click.ClickException("Give --days N or set FACILITATION_RETENTION_DAYS.")
    purged = erasure.purge_closed(app.extensions["facilitation"], days)
    click.echo(f"{len(purged)} closed session(s) deleted", err=True)


@main.group()
def bench() -> None:
    """Measure this machine (figures for docs/benchmarks.md)."""


@bench.command("log")
@click.option("--cards", default=2000, show_default=True)
@click.option("--writers", "writer_counts", default="1,4,16", show_default=True,
              help="Comma-separated numbers of concurrent writers.")
@click.option("--database", default=None, help="Database URL (default: a fresh SQLite file).")
def bench_log(cards: int, writer_counts: str, database: str | None) -> None:
    """Contributions committed per second (each durable before its ack)."""
    from .bench.classic import log_commits, machine

    click.echo(f"machine: {machine()}")
    click.echo("backend     writers  cards  per_s   p50_ms  p95_ms  max_ms")
    for writers in (int(n) for n in writer_counts.split(",")):
        r = log_commits(database, cards, writers)
        click.echo(f"{r['backend']:<11} {r['writers']:>7} {r['cards']:>6} {r['per_second']:>6.0f}"
                   f" {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['max_ms']:>7.1f}")


@bench.command("commit")
@click.option("--participants", default=1000, show_default=True, help="Phones sending.")
@click.option("--cards", default=5, show_default=True, help="Cards each phone sends.")
@click.option("--database-url", default=None, help="Default: a fresh SQLite file.")
@click.option("--runs", default=1, show_default=True)
def bench_commit(participants: int, cards: int, database_url: str | None, runs: int) -> None:
    """The durable write path alone: a burst through the group commit, no sockets."""
    from .bench.classic import machine
    from .bench.commit import run_commit

    loadavg = Path("/proc/loadavg")
    for _ in range(runs):
        load = loadavg.read_text().split()[0] if loadavg.exists() else None  # at the start
        result = {**run_commit(database_url, participants, cards), "load": load,
                  "machine": machine()}
        click.echo(json.dumps(result))


@bench.command("socket")
@click.option("--phones", "phone_counts", default="1,20,60", show_default=True,
              help="Comma-separated numbers of phones connected at once.")
@click.option("--cards", default=10, show_default=True, help="Cards each phone sends.")
def bench_socket(phone_counts: str, cards: int) -> None:
    """A real server (eventlet, SQLite) and real Socket.IO phones: ack latency and rate."""
    from .bench.classic import BenchServer, machine, socket_round_trips

    click.echo(f"machine: {machine()}")
    click.echo("phones  cards  per_s   p50_ms  p95_ms  max_ms")
    with BenchServer() as server:
        for phones in (int(n) for n in phone_counts.split(",")):
            r = socket_round_trips(server.url, server.open_session(), phones, cards)
            click.echo(f"{r['phones']:>6} {r['cards']:>6} {r['per_second']:>6.0f}"
                       f" {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['max_ms']:>7.1f}")


@bench.command("room")
@click.option("--participants", default=1000, show_default=True, help="Phones in the room.")
@click.option("--cards", default=5, show_default=True,
              help="Cards each phone sends (vote: votes each phone casts).")
@click.option("--scenario", type=click.Choice(["meeting", "burst", "vote"]), default="meeting",
              show_default=True,
              help="meeting: arrivals over 10 s, 1-10 s between cards; burst: 50 ms apart; "
                   "vote: the facilitator opens the vote on 200 cards, every phone asks its "
                   "ballot and votes at once (no relay run).")
@click.option("--sessions", default=1, show_default=True, help="Sessions sharing the phones.")
@click.option("--async-mode", type=click.Choice(["eventlet", "gevent", "threading"]),
              default="eventlet", show_default=True)
@click.option("--database-url", default=None, help="Default: a fresh SQLite file.")
@click.option("--redis-url", default=None, help="Needed with --processes above 1.")
@click.option("--processes", default=1, show_default=True, help="Server processes.")
@click.option("--spread", type=click.Choice(["session", "phone"]), default="session",
              show_default=True,
              help="session: a session's phones on one process; phone: on every process.")
@click.option("--grouping/--no-grouping", default=True, show_default=True,
              help="Live grouping on or off.")
@click.option("--backend", default="use", show_default=True, help="Clustering backend.")
@click.option("--client-processes", default=2, show_default=True,
              help="Processes that run the simulated phones.")
@click.option("--relay/--no-relay", default=True, show_default=True,
              help="Also run the bare Flask-SocketIO relay (the baseline).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run.")
def bench_room_command(participants: int, cards: int, scenario: str, sessions: int,
                       async_mode: str, database_url: str | None, redis_url: str | None,
                       processes: int, spread: str, grouping: bool, backend: str,
                       client_processes: int, relay: bool, as_json: bool) -> None:
    """A room of simulated phones on real server processes, then on a bare relay."""
    from .bench.classic import machine
    from .bench.room import RoomPlan, bench_room

    if processes > 1 and not redis_url:
        raise click.UsageError("--processes above 1 needs --redis-url (the message queue).")
    plan = RoomPlan(participants, cards, scenario, sessions, async_mode, database_url,
                    redis_url, processes, spread, grouping, backend, client_processes)
    result = bench_room(plan, relay=relay, progress=not as_json)
    result["machine"] = machine()
    if as_json:
        click.echo(json.dumps(result))
        return
    for key, value in result.items():
        click.echo(f"{key:>30}: {value}")


@bench.command("grouping")
@click.option("--cards", "card_counts", default="100,500,1000", show_default=True,
              help="Comma-separated sizes of the busy session.")
def bench_grouping(card_counts: str) -> None:
    """Does regrouping a big session freeze the others? A phone in a quiet session
    measures its round trips while a busy session receives a burst and is regrouped."""
    from .bench.classic import BenchServer, grouping_stall, machine

    click.echo(f"machine: {machine()}")
    click.echo("busy_cards  regroup_s  quiet_p50_ms  quiet_p95_ms  quiet_max_ms")
    with BenchServer() as server:
        for cards in (int(n) for n in card_counts.split(",")):
            r = grouping_stall(server, cards)
            click.echo(f"{cards:>10} {r['regroup_s']:>10.2f} {r['p50_ms']:>13.1f}"
                       f" {r['p95_ms']:>13.1f} {r['max_ms']:>13.1f}")


@bench.command("import")
@click.option("--events", "event_counts", default="20000", show_default=True,
              help="Comma-separated sizes of the imported log.")
def bench_import(event_counts: str) -> None:
    """Does a big offline import freeze the others? A phone in a quiet session measures
    its round trips while `POST /api/imports` merges a log (a real eventlet server)."""
    from .bench.classic import BenchServer, import_stall, machine

    click.echo(f"machine: {machine()}")
    click.echo("events  import_s  round_trips  p50_ms  p95_ms  max_ms")
    with BenchServer() as server:
        for events in (int(n) for n in event_counts.split(",")):
            r = import_stall(server, events)
            click.echo(f"{r['events']:>6} {r['import_s']:>9.2f} {r['samples']:>12}"
                       f" {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['max_ms']:>7.0f}")


@bench.command("board")
@click.option("--cards", "card_counts", default="1000,5000", show_default=True,
              help="Comma-separated sizes of the session.")
@click.option("--runs", default=3, show_default=True, help="Board loads per size.")
@click.option("--cpu-slowdown", default=1.0, show_default=True,
              help="Chromium CPU throttling (4 = a slow laptop on a projector).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per size.")
def bench_board(card_counts: str, runs: int, cpu_slowdown: float, as_json: bool) -> None:
    """How long a big session's projected board takes to be live (headless Chromium,
    /usr/bin/chromium or FACILITATION_CHROMIUM), and a new card's time to the screen."""
    from .bench.board import board_load
    from .bench.classic import machine

    click.echo(f"machine: {machine()}")
    for cards in (int(n) for n in card_counts.split(",")):
        r = board_load(cards, runs=runs, cpu_slowdown=cpu_slowdown)
        click.echo(json.dumps(r) if as_json else
                   "  ".join(f"{key}={value}" for key, value in r.items()))


@bench.command("pair")
@click.option("--cards", "card_counts", default="30,100,300", show_default=True,
              help="Comma-separated numbers of cards in each of the two rooms.")
@click.option("--backend", default="use", show_default=True)
def bench_pair(card_counts: str, backend: str) -> None:
    """Double-espace: time of the "here / there" view of two linked rooms, and of merging
    one room's exported log into another server (first import, then the same file again)."""
    from .bench.classic import machine, pair_and_import

    click.echo(f"machine: {machine()}")
    click.echo("cards/room  themes  shared  view_p50_ms  view_max_ms  events  import_s  again_s")
    for cards in (int(n) for n in card_counts.split(",")):
        r = pair_and_import(cards, backend)
        click.echo(f"{r['cards']:>10} {r['themes']:>7} {r['shared']:>7} {r['p50_ms']:>12.0f}"
                   f" {r['max_ms']:>12.0f} {r['events']:>7} {r['import_first_s']:>9.2f}"
                   f" {r['import_again_s']:>8.2f}")


_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True,
                 "help_option_names": []}


@main.command("cluster", context_settings=_PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def cluster_command(args: tuple[str, ...]) -> None:
    """Group cards: [--input FILE] [--output FILE] [--backend use|use+e5|lexical]
    [--granularity G] [--no-concepts]; JSON lines {id, text, kind?} in,
    {id, kind, theme, label} out."""
    from ..clustering.__main__ import main as clustering_main

    sys.exit(clustering_main(["cluster", *args]))


@main.command("bench-clustering", context_settings=_PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench_clustering(args: tuple[str, ...]) -> None:
    """Score the engine on gold JSON-lines sets (ARI, NMI, themes, kind accuracy) and time
    re-clustering 100/1,000/5,000 cards: FILE... [--backend B]... [--granularity G]
    [--no-concepts | --compare-concepts] [--no-timing] [--live [--orders N]] (churn of a
    session replayed card by card, mean over N arrival orders)."""
    from ..clustering.__main__ import main as clustering_main

    sys.exit(clustering_main(["bench-clustering", *args]))


@main.command("export")
@click.argument("session")
@click.option("--format", "fmt", default="md", show_default=True,
              type=click.Choice(["md", "html", "pdf", "docx", "csv", "json", "events"]),
              help="A synthesis format, or `events` for the raw event log (JSON lines).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: standard output).")
def export(session: str, fmt: str, output: str | None) -> None:
    """Export a session (its id or its join code) as a synthesis or as its event log."""
    from ..domain.errors import Rejected
    from ..synthesis.formats import render
    from ..usecases import exports, imports

    app = _management_app()
    service = app.extensions["facilitation"]
    try:
        try:
            board = service.board(session)
        except Rejected:
            board = service.board_by_code(session)
        if fmt == "events":
            body = ("\n".join(imports.export_lines(service, board.session_id)) + "\n").encode()
        else:
            synthesis = exports.session_synthesis(service, board.session_id,
                                                  board.facilitator_id, app.extensions["clubs"])
            body = bytes(render(synthesis, fmt))
    except Rejected as error:
        raise click.ClickException(_describe(app, error)) from None
    if output:
        Path(output).write_bytes(body)
    else:
        sys.stdout.buffer.write(body)
