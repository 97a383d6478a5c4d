"""JSON API for scripts and tools: bearer token or login cookie."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from ...domain import rules
from ...domain.board import board_view
from ...domain.errors import Rejected
from ...extensions import csrf
from ...synthesis.formats import slug
from ...usecases import exports, imports, pairs
from ...usecases.sessions import Service
from .. import erasing
from ..broadcast import notify, publish
from ..commands import run_command
from ..green import in_thread, yield_now
from ..links import board_url, join_url
from ..messages import refusal
from . import cross_site
from .auth import current_facilitator_id
from .errors import JSON_CODES

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # bearer tokens, or a login cookie with the guard below
bp.before_request(cross_site.guard)  # cookie-only writes: CSRF token or JSON + own Origin

STATUS = {
    "pdf_unavailable": 503,
    "unknown_programme": 404,
    "unknown_format": 404,
    "unauthenticated": 401,
    "forbidden": 403,
    "unknown_session": 404,
    "not_linked": 404,
    "unknown_club": 404,
    "import_original": 409,
    "unknown_chart": 404,
    "no_chart": 404,
    "unknown_member": 404,
    "session_closed": 409,
    "too_large": 413,
    "cross_site": 403,
}


def service() -> Service:
    return current_app.extensions["facilitation"]


def _facilitator() -> int:
    facilitator_id = current_facilitator_id()
    if facilitator_id is None:
        raise Rejected("unauthenticated")
    return facilitator_id


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Rejected("invalid_payload", field="(body)")
    return data


@bp.errorhandler(Rejected)
def rejected(error: Rejected) -> ResponseReturnValue:
    return jsonify(refusal(error)), STATUS.get(error.code, 400)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    code = JSON_CODES.get(error.code or 500, "invalid_payload")
    body = refusal(Rejected(code, field=request.path))
    return jsonify(body), error.code or 400


def _owned_session(session_id: str) -> Any:
    return service().require_facilitator(session_id, _facilitator())


@bp.post("/sessions")
def create_session() -> ResponseReturnValue:
    facilitator_id = _facilitator()
    data = _body()
    board = service().create_session(
        facilitator_id, data.get("title"), data.get("kind"), data.get("language", "fr"),
        data.get("programme"),
    )
    return jsonify({
        "id": board.session_id,
        "code": board.code,
        "join_url": join_url(board.code),
        "board_url": board_url(board.session_id),
    }), 201


@bp.get("/sessions/<session_id>/board")
def board(session_id: str) -> ResponseReturnValue:
    """The facilitator's view of the session; `?view=live`: only what changes as it goes
    (timer, speaking circle, votes, radar), which the projected board re-reads."""
    found = _owned_session(session_id)
    render = type(found).live_dict if request.args.get("view") == "live" else type(found).to_dict
    return jsonify(service().boards.view(session_id, render))


@bp.get("/sessions/<session_id>/events")
def events(session_id: str) -> ResponseReturnValue:
    _owned_session(session_id)
    after = rules.count_arg(request.args.get("after"), "after", 0)
    limit = rules.count_arg(request.args.get("limit"), "limit", 1000)
    recorded = service().events_after(session_id, after, min(limit, 5000))
    # as the board room gets them: a person's radar ratings are never handed out
    return jsonify({"events": [board_view(item) for item in recorded]})


@bp.delete("/sessions/<session_id>")
def delete_session(session_id: str) -> ResponseReturnValue:
    """Delete a session for good (its owner only): afterwards it is unknown here."""
    deleted = erasing.delete_session(session_id, _facilitator())
    return jsonify({"ok": True, "events_deleted": deleted})


@bp.post("/sessions/<session_id>/commands")
def command(session_id: str) -> ResponseReturnValue:
    """A facilitator command `{type, ...}`: same contract as the socket `command`."""
    return jsonify(run_command(session_id, _facilitator(), _body()))


def healthz() -> ResponseReturnValue:
    """Liveness and database check for load balancers."""
    from sqlalchemy import text

    with service().db.read() as db:
        db.execute(text("SELECT 1"))
    answer: dict[str, object] = {"ok": True}
    monitor = current_app.extensions.get("loop_monitor")
    if monitor is not None:  # the longest event-loop stall of the last N s (benchmarks)
        window = request.args.get("stall_window", "60")
        readable = window.isascii() and window.isdigit() and 0 < len(window) < 4
        seconds = int(window) if readable else 60
        answer["loop_max_stall_ms"] = monitor.max_stall_ms(seconds)
        answer["loop_max_stall_cpu_ms"] = monitor.max_stall_cpu_ms(seconds)
        # the longest garbage collection of the same window, and which one it was
        wall_ms, cpu_ms, what = monitor.longest_collection(seconds)
        answer["gc_max_ms"], answer["gc_max_cpu_ms"], answer["gc_max_kind"] = (
            wall_ms, cpu_ms, what)
    return jsonify(answer)


def _download(body: bytes, fmt: str, name: str, inline: bool = False) -> ResponseReturnValue:
    from ...synthesis.formats import FORMATS

    response = current_app.response_class(body, mimetype=FORMATS[fmt].media_type)
    disposition = "inline" if inline else "attachment"
    stem = slug(name) or "synthese"
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{stem}.{FORMATS[fmt].extension}"')
    return response


def _render(render: Any, model: Any, fmt: str) -> bytes:
    from ...synthesis.formats import FORMATS, PdfUnavailable

    if fmt not in FORMATS:
        raise Rejected("unknown_format")
    try:
        return bytes(render(model, fmt))
    except PdfUnavailable:
        raise Rejected("pdf_unavailable") from None


@bp.get("/sessions/<session_id>/synthesis.<fmt>")
def session_synthesis(session_id: str, fmt: str) -> ResponseReturnValue:
    """The session's synthesis as md, html, pdf, docx, csv or json."""
    from ...synthesis.formats import render

    synthesis = exports.session_synthesis(service(), session_id, _facilitator(),
                                          current_app.extensions["clubs"])
    body = _render(render, synthesis, fmt)
    return _download(body, fmt, f"synthese-{synthesis.title}",
                     inline=request.args.get("inline") == "1")


@bp.get("/sessions/<session_id>/log.jsonl")
def log_export(session_id: str) -> ResponseReturnValue:
    """The whole event log, for the other room's server (`facilitation import`)."""
    board = _owned_session(session_id)
    body = "\n".join(imports.export_lines(service(), session_id)) + "\n"
    name = f"journal-{slug(board.title) or session_id}.jsonl"
    return body, 200, {"Content-Type": "application/x-ndjson; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{name}"',
                       "Cache-Control": "no-store"}


@bp.post("/imports")
def import_log() -> ResponseReturnValue:
    """Merge a log exported by another server (body: the JSON lines). Idempotent."""
    facilitator_id = _facilitator()
    # the body a cross-site form could send is refused: only a script posts a log here
    if request.mimetype in ("text/plain", "application/x-www-form-urlencoded",
                            "multipart/form-data"):
        raise Rejected("invalid_payload", field="Content-Type")
    request.max_content_length = imports.UPLOAD_MAX  # a log is bigger than a command
    lines = imports.records_of(request.get_data())
    # chunked: other sessions go on between two chunks; the answer comes when it is done
    records = imports.parse(lines, pause=yield_now)
    report, recorded = imports.import_log(
        service(), records, facilitator_id, pause=yield_now, offload=in_thread,
        committed=lambda recorded: recorded and publish(recorded[0].session_id, recorded,
                                                       listeners=False))
    notify(report.session_id, recorded)  # regrouping, the linked board: once, at the end
    return jsonify({"ok": True, **dataclasses.asdict(report)})


SESSION_CHARTS = ("votes", "kinds", "radar")


@bp.get("/sessions/<session_id>/charts/<name>.svg")
def session_chart(session_id: str, name: str) -> ResponseReturnValue:
    """A chart of the session's synthesis, as the documents draw it (one code path):
    `votes` (themes by votes), `kinds` (freins and leviers per question), `radar`."""
    from ...synthesis import charts, view

    if name not in SESSION_CHARTS:
        raise Rejected("unknown_chart")
    synthesis = exports.session_synthesis(service(), session_id, _facilitator(),
                                          current_app.extensions["clubs"])
    chart = {"votes": view.votes_chart, "kinds": view.kinds_chart,
             "radar": view.radar_chart}[name](synthesis)
    if chart is None:
        raise Rejected("no_chart")
    return charts.svg(chart), 200, {"Content-Type": "image/svg+xml; charset=utf-8",
                                    "Cache-Control": "no-store"}


@bp.get("/sessions/<session_id>/pair")
def pair(session_id: str) -> ResponseReturnValue:
    """The double-espace view of a linked session: both rooms' themes, matched."""
    backend = current_app.config["FACILITATION_CLUSTERING_BACKEND"]
    return jsonify(pairs.view(service(), session_id, _facilitator(), backend))


@bp.get("/programmes")
def programmes() -> ResponseReturnValue:
    return jsonify({"programmes": exports.programme_names(service(), _facilitator())})


@bp.get("/programmes/<name>/synthesis.<fmt>")
def programme_synthesis(name: str, fmt: str) -> ResponseReturnValue:
    """A programme's synthesis; `?here=…&there=…` adds the comparison of two territories."""
    from ...synthesis.formats import render_programme

    programme = exports.programme_synthesis(
        service(), _facilitator(), name, current_app.config["FACILITATION_CLUSTERING_BACKEND"],
        request.args.get("here") or None, request.args.get("there") or None,
    )
    body = _render(render_programme, programme, fmt)
    return _download(body, fmt, f"synthese-{name}", inline=request.args.get("inline") == "1")
