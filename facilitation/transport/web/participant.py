"""Participant pages: enter a code, then the phone page (JavaScript optional)."""

from __future__ import annotations

import uuid
from typing import Any

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
from flask_login import current_user

from ...domain.board import Board
from ...domain.errors import Rejected
from ...domain.kinds import TEXT_MAX
from ...domain.rules import normalise_code
from ...usecases.sessions import Service
from .. import qr
from ..broadcast import publish
from ..links import join_url
from ..messages import describe, kind_name
from ..throttle import address_key, limited, notify, spend, spender, throttle

bp = Blueprint("participant", __name__)
TOKEN_COOKIE = "participant_{}"


def service() -> Service:
    return current_app.extensions["facilitation"]


def _phone_board(code: str, token: object = None) -> Board:
    """The session this code opens for this phone; wrong codes are counted per address,
    and past their limit only a phone that belongs to the session gets an answer."""
    address = address_key()
    try:
        board, participant_id = service().phone_board(code, token)
    except Rejected as error:
        if not throttle().allowed("WRONG_CODES_PER_ADDRESS", address):
            notify(None, "WRONG_CODES_PER_ADDRESS")
            raise limited("WRONG_CODES_PER_ADDRESS", address) from None
        if error.code == "unknown_session":
            throttle().hit("WRONG_CODES_PER_ADDRESS", address)
        raise
    if participant_id is None and not throttle().allowed("WRONG_CODES_PER_ADDRESS", address):
        notify(board.session_id, "WRONG_CODES_PER_ADDRESS")
        raise limited("WRONG_CODES_PER_ADDRESS", address)
    return board


def _no_session(error: Rejected, code: str):  # type: ignore[no-untyped-def]
    """The code page again with the refusal: 404 for a wrong code, 429 past the limit."""
    page = render_template("enter.html", error=describe(error)["message"], code=code)
    if error.code == "rate_limited":
        return page, 429, {"Retry-After": str(error.params.get("seconds", 60))}
    return page, 404


def _cookie_token(code: str) -> str | None:
    """The no-JavaScript path's participant token for the session with this code."""
    try:
        session_id = service().session_id_for(code)
    except Rejected:
        return None
    return request.cookies.get(TOKEN_COOKIE.format(session_id))


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


def _mine(board: Board, participant_id: str | None) -> list[dict[str, Any]]:
    if participant_id is None:
        return []
    return [
        {"text": c.text, "kind": c.kind, "voice": c.voice_dict()}
        for c in board.my_cards(participant_id)
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
        kind_name=kind_name(board.kind),  # the phone's language, like the rest of the page
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
        board = _phone_board(code, _cookie_token(code))
    except Rejected as error:
        return _no_session(error, code)
    return _page(board)  # a closed session shows its thank-you screen and the phone's cards


@bp.route("/join/<code>", methods=["POST"])
def contribute(code: str):  # type: ignore[no-untyped-def]
    """The no-JavaScript path: a plain form post, then back to the page."""
    try:
        board = _phone_board(code, _cookie_token(code))
    except Rejected as error:
        return _no_session(error, code)
    cookie = TOKEN_COOKIE.format(board.session_id)
    text = request.form.get("text", "")
    kind = request.form.get("kind", "")

    new_participant = spender(board.session_id, "NEW_PARTICIPANTS_PER_ADDRESS")

    def gate(what: str) -> None:  # run in the join's decision, maybe off this request
        new_participant()

    try:
        spend(board.session_id, "CARDS_PER_ADDRESS")
        joined = service().join(board.code, request.cookies.get(cookie), None, gate=gate)
        publish(board.session_id, joined.events)
        outcome = service().add_contribution(
            board.session_id, joined.participant_id, request.form.get("client_id"), text, kind,
            request.form.get("prompt_id") or None,
        )
        publish(board.session_id, outcome.events)
    except Rejected as error:
        status = 429 if error.code == "rate_limited" else 400
        return _page(board, error=describe(error)["message"], text=text, kind=kind,
                     status=status)
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
    """The join QR code (public: it only encodes the public join link). The logged-in
    facilitator's board always gets it; anyone else asks like a phone (throttled)."""
    try:
        board = (service().board_by_code(code) if current_user.is_authenticated
                 else _phone_board(code))
    except Rejected as error:
        return Response(status=429 if error.code == "rate_limited" else 404)
    return Response(qr.svg(join_url(board.code)), mimetype="image/svg+xml")
