"""Participant pages: enter a code, then the phone page (JavaScript optional)."""

from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from ...domain.board import Board
from ...domain.errors import Rejected
from ...domain.kinds import SESSION_KINDS, TEXT_MAX
from ...domain.rules import normalise_code
from ...usecases.sessions import Service
from .. import qr
from ..broadcast import publish
from ..links import join_url
from ..messages import describe

bp = Blueprint("participant", __name__)
TOKEN_COOKIE = "participant_{}"


def service() -> Service:
    return current_app.extensions["facilitation"]


@bp.route("/join")
def enter():  # type: ignore[no-untyped-def]
    """Type a code by hand (for phones that cannot scan)."""
    raw = request.args.get("code")
    if raw is not None:
        try:
            return redirect(url_for("participant.join", code=normalise_code(raw)))
        except Rejected as error:
            return render_template("enter.html", error=describe(error)["message"], code=raw), 404
    return render_template("enter.html", error=None, code="")


def _mine(board: Board, participant_id: str | None) -> list[dict[str, str]]:
    if participant_id is None:
        return []
    return [
        {"text": c.text, "kind": c.kind}
        for c in board.contributions.values()
        if c.participant_id == participant_id
    ]


def _page(board: Board, *, error: str | None = None, text: str = "", kind: str = "",
          status: int = 200) -> Response:
    participant_id = service().participant_for(
        board.session_id, request.cookies.get(TOKEN_COOKIE.format(board.session_id))
    )
    mine = service().boards.view(board.session_id, lambda b: _mine(b, participant_id)) or []
    html = render_template(
        "join.html",
        board=board,
        kind_name=SESSION_KINDS[board.kind].names.get(board.language, board.kind),
        mine=mine,
        error=error,
        text=text,
        kind=kind,
        client_id=uuid.uuid4().hex,
        text_max=TEXT_MAX,
    )
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/join/<code>")
def join(code: str):  # type: ignore[no-untyped-def]
    try:
        board = service().board_by_code(code)
    except Rejected as error:
        return render_template("enter.html", error=describe(error)["message"], code=code), 404
    return _page(board)  # a closed session shows its thank-you screen and the phone's cards


@bp.route("/join/<code>", methods=["POST"])
def contribute(code: str):  # type: ignore[no-untyped-def]
    """The no-JavaScript path: a plain form post, then back to the page."""
    try:
        board = service().board_by_code(code)
    except Rejected as error:
        return render_template("enter.html", error=describe(error)["message"], code=code), 404
    cookie = TOKEN_COOKIE.format(board.session_id)
    text = request.form.get("text", "")
    kind = request.form.get("kind", "")
    try:
        joined = service().join(board.code, request.cookies.get(cookie), None)
        publish(board.session_id, joined.events)
        outcome = service().add_contribution(
            board.session_id, joined.participant_id, request.form.get("client_id"), text, kind,
            request.form.get("prompt_id") or None,
        )
        publish(board.session_id, outcome.events)
    except Rejected as error:
        return _page(board, error=describe(error)["message"], text=text, kind=kind, status=400)
    flash(_("Received, thank you!"), "ok")
    return remember_phone(redirect(url_for("participant.join", code=board.code)),
                          board.session_id, joined.token)


def remember_phone(response: Response, session_id: str, token: str) -> Response:
    """Keep the phone's participant token for this session (the no-JavaScript path)."""
    response.set_cookie(TOKEN_COOKIE.format(session_id), token, max_age=30 * 24 * 3600,
                        httponly=True, samesite="Lax",
                        secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/join/<code>/qr.svg")
def qr_code(code: str) -> Response:
    """The join QR code (public: it only encodes the public join link)."""
    try:
        board = service().board_by_code(code)
    except Rejected:
        return Response(status=404)
    return Response(qr.svg(join_url(board.code)), mimetype="image/svg+xml")
