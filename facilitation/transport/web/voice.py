"""Voice cards over HTTP: a phone uploads a recording (a plain POST suits a weak 2G link
better than a socket message), facilitators play it back.

Upload: `POST /join/<code>/voice?client_id=…&kind=…&duration_ms=…[&prompt_id=…][&lang=…]`,
the body the recording's bytes, the phone's identity in `X-Participant-Token` (the token
its socket join gave it). Answers `{ok, seq, contribution_id}` once the card
and its audio are committed, or `{ok: false, error: {code, message}}`.
Playback: `GET /sessions/<id>/voice/<clip_id>`, facilitators of the session only.

Questions recorded aloud: `POST /sessions/<id>/prompts/<prompt_id>/audio?duration_ms=…`
(the body the recording's bytes; a facilitator's login cookie with the page's CSRF token
in `X-CSRFToken`, or a bearer token) attaches a recording to a question, replacing the one
it had; `DELETE` on the same address removes it. Phones fetch the active question's
recording with `GET /join/<code>/question/<clip_id>` (their participant token in the
`participant_<session>` cookie or `X-Participant-Token`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from ...domain import voice as rules
from ...domain.errors import Rejected
from ...extensions import csrf
from ...usecases import question_audio, voice
from ...usecases.sessions import Service
from .. import languages
from ..broadcast import publish
from ..messages import refusal
from ..throttle import limited, notify, spend, throttle
from . import cross_site
from .auth import current_facilitator_id
from .participant import _cookie_token, _phone_board

bp = Blueprint("voice", __name__)
UPLOAD_ENDPOINTS = frozenset({"voice.upload", "voice.set_question"})
STATUS = {"voice_too_large": 413, "rate_limited": 429, "unknown_session": 404,
          "not_joined": 401, "unknown_clip": 404, "forbidden": 404, "unauthenticated": 401,
          "cross_site": 403, "unknown_prompt": 404}


def service() -> Service:
    return current_app.extensions["facilitation"]


def _done(session_id: str, outcome: Any) -> ResponseReturnValue:
    """A change recorded: its events to the session's screens, its ack to the caller."""
    publish(session_id, outcome.events)
    return jsonify(outcome.ack)


def _refused(error: Rejected) -> ResponseReturnValue:
    asked = request.args.get("lang")
    lang = asked if asked in languages.available() else None
    body = jsonify(refusal(error, lang))
    status = STATUS.get(error.code, 400)
    if error.code == "rate_limited":
        return body, status, {"Retry-After": str(error.params.get("seconds", 60))}
    return body, status


def _recording() -> bytes:
    """The request's body, a recording: refused past the size limit before it is read."""
    if (request.content_length or 0) > rules.BYTES_MAX:
        raise Rejected("voice_too_large", limit=rules.BYTES_MAX // 1024)
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise Rejected("voice_too_large", limit=rules.BYTES_MAX // 1024) from None


@bp.post("/join/<code>/voice")
@csrf.exempt  # no cookie is read: the phone's secret comes in a header a form cannot set
def upload(code: str) -> ResponseReturnValue:
    try:
        token = request.headers.get("X-Participant-Token")
        # wrong codes count against the address, as on the phone page (no code guessing)
        board = _phone_board(code, token)
        participant_id = service().participant_for(board.session_id, token)
        if participant_id is None:
            raise Rejected("not_joined")
        session_id = board.session_id
        spend(session_id, "CARDS_PER_ADDRESS", "VOICE_CARDS_PER_ADDRESS")
        phone = throttle().key(participant_id)
        if not throttle().hit("VOICE_CARDS_PER_PHONE", phone):
            notify(session_id, "VOICE_CARDS_PER_PHONE")
            raise limited("VOICE_CARDS_PER_PHONE", phone)
        data = _recording()
        outcome = voice.add_voice_card(
            service(), session_id, participant_id, request.args.get("client_id"), data,
            rules.duration_arg(request.args.get("duration_ms")), request.args.get("kind"),
            request.args.get("prompt_id") or None,
        )
    except Rejected as error:
        return _refused(error)
    return _done(session_id, outcome)


@bp.get("/sessions/<session_id>/voice/<clip_id>")
def play(session_id: str, clip_id: str) -> ResponseReturnValue:
    """A clip for the session's facilitators (console, board), with Range support."""
    try:
        clip = voice.clip_for_facilitator(service(), session_id, _signed_in(), clip_id)
    except Rejected as error:
        return _refused(error)
    return _audio(clip)


def _audio(clip: Any) -> ResponseReturnValue:
    """A clip's bytes: a clip never changes (a new recording is a new clip), so its id is
    a strong ETag; Range requests are answered (media elements seek with them)."""
    response = Response(clip.data, mimetype=clip.mime)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.set_etag(clip.id)
    return response.make_conditional(request, accept_ranges=True,
                                     complete_length=len(clip.data))


def _signed_in() -> int:
    """The facilitator behind a request (bearer token or login cookie)."""
    facilitator_id = current_facilitator_id()
    if facilitator_id is None:
        raise Rejected("unauthenticated")
    return facilitator_id


def _facilitator() -> int:
    """The facilitator behind a write: bearer token, or login cookie with the CSRF token
    (or a body type no cross-site form can send, from this server's own origin)."""
    cross_site.guard()
    return _signed_in()


@bp.post("/sessions/<session_id>/prompts/<prompt_id>/audio")
@csrf.exempt  # the API's rule instead: bearer, or cookie + X-CSRFToken (cross_site.guard)
def set_question(session_id: str, prompt_id: str) -> ResponseReturnValue:
    """Attach a recording (≤ 30 s, WebM/Ogg/MP4 by its bytes) to a question."""
    try:
        facilitator_id = _facilitator()
        data = _recording()
        outcome = question_audio.set_prompt_audio(
            service(), session_id, facilitator_id, prompt_id, data,
            rules.duration_arg(request.args.get("duration_ms")))
    except Rejected as error:
        return _refused(error)
    return _done(session_id, outcome)


@bp.delete("/sessions/<session_id>/prompts/<prompt_id>/audio")
@csrf.exempt  # as above
def clear_question(session_id: str, prompt_id: str) -> ResponseReturnValue:
    """Remove a question's recording (its audio is deleted)."""
    try:
        outcome = question_audio.clear_prompt_audio(service(), session_id, _facilitator(),
                                                    prompt_id)
    except Rejected as error:
        return _refused(error)
    return _done(session_id, outcome)


@bp.get("/join/<code>/question/<clip_id>")
def question(code: str, clip_id: str) -> ResponseReturnValue:
    """The active question's recording, for a phone that joined the session (an audio
    element sends the phone's cookie; it cannot set a header)."""
    try:
        token = request.headers.get("X-Participant-Token") or _cookie_token(code)
        # wrong codes count against the address, as on the phone page (no code guessing)
        board = _phone_board(code, token)
        participant_id = service().participant_for(board.session_id, token)
        clip = question_audio.clip_for_phone(service(), board.session_id, participant_id,
                                             clip_id)
    except Rejected as error:
        return _refused(error)
    return _audio(clip)
