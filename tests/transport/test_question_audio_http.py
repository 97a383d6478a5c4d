"""A question recorded aloud over HTTP: the console uploads it with the facilitator's login
cookie and the page's CSRF token (a cross-site page cannot), phones that joined fetch the
active question's recording with their cookie (ETag, Range), the board and phones hear of
it live."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from facilitation.extensions import socketio
from facilitation.usecases import accounts
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import pushed_events

AUDIO = b"\x1a\x45\xdf\xa3" + os.urandom(6000)


@pytest.fixture
def guarded(make_app: Any) -> Any:
    return make_app(WTF_CSRF_ENABLED=True)


def logged_in(app: Any) -> tuple[Any, str, int]:
    """A browser logged in as a facilitator, and its pages' CSRF token."""
    service = app.extensions["facilitation"]
    owner = accounts.create(service.db, "awa@grdr.example", "palabre-2026").id
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": "awa@grdr.example", "password": "palabre-2026",
                                       "csrf_token": token}).status_code == 302
    return client, token, owner


def a_room(app: Any, owner: int) -> tuple[Any, list[str]]:
    service = app.extensions["facilitation"]
    board = service.create_session(owner, "Thé-palabre", "palabre", "fr")
    FacilitatorCommands(service).run(board.session_id, owner, {"type": "set_prompts", "prompts": [
        "Qu'est-ce qui vous freine ?", "Qu'est-ce qui vous aide ?"]})
    return board, [p["id"] for p in service.board(board.session_id).prompts]


def put(client: Any, sid: str, prompt: str, headers: dict[str, str], body: bytes = AUDIO,
        duration: str = "9400") -> Any:
    return client.post(f"/sessions/{sid}/prompts/{prompt}/audio",
                       query_string={"duration_ms": duration}, data=body,
                       headers={"Content-Type": "audio/webm", **headers})


def test_the_console_records_a_question_a_phone_hears_it(guarded) -> None:
    console, csrf, owner = logged_in(guarded)
    board, (first, second) = a_room(guarded, owner)
    sid = board.session_id
    service = guarded.extensions["facilitation"]
    bearer = accounts.issue_token(service.db, "awa@grdr.example")
    screen = socketio.test_client(guarded, auth={"token": bearer})
    assert screen.emit("join_board", {"session_id": sid}, callback=True)["ok"]
    screen.get_received()
    handset = socketio.test_client(guarded)
    token = handset.emit("join", {"code": board.code}, callback=True)["participant_token"]
    handset.get_received()

    # what a cross-site page could send with the login cookie: refused, nothing kept
    for headers in ({"Origin": "https://evil.example"}, {"X-CSRFToken": "forged"}):
        refused = put(console, sid, first, headers)
        assert (refused.status_code, refused.json["error"]["code"]) == (403, "cross_site")
    assert guarded.extensions["facilitation"].board(sid).prompt_audio == {}
    assert console.delete(f"/sessions/{sid}/prompts/{first}/audio").status_code == 403

    saved = put(console, sid, first, {"X-CSRFToken": csrf})

    assert saved.status_code == 200, saved.json
    clip = saved.json["clip_id"]
    [event] = [e for e in pushed_events(screen) if e["type"] == "prompt_audio_set"]
    assert event["payload"]["clip_id"] == clip
    assert [e["type"] for e in pushed_events(handset)] == ["prompt_audio_set"]

    phone = guarded.test_client()
    url = f"/join/{board.code}/question/{clip}"
    assert phone.get(url).status_code == 401  # not joined: no cookie
    phone.set_cookie(f"participant_{sid}", token)
    heard = phone.get(url)
    assert heard.status_code == 200 and heard.data == AUDIO and heard.mimetype == "audio/webm"
    assert heard.headers["Accept-Ranges"] == "bytes" and heard.headers["ETag"] == f'"{clip}"'
    assert "private" in heard.headers["Cache-Control"]
    cached = phone.get(url, headers={"If-None-Match": heard.headers["ETag"]})
    assert cached.status_code == 304 and cached.data == b""
    part = phone.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == AUDIO[:100]
    # the header the voice upload uses works too; another session's phone gets nothing
    assert guarded.test_client().get(url, headers={"X-Participant-Token": token}).status_code == 200
    other, _ = a_room(guarded, owner)
    stranger = socketio.test_client(guarded)
    theirs = stranger.emit("join", {"code": other.code}, callback=True)["participant_token"]
    foreign = guarded.test_client().get(url, headers={"X-Participant-Token": theirs})
    assert foreign.status_code == 401

    # the facilitator's playback (the console listens back) answers with the same clip
    assert console.get(f"/sessions/{sid}/voice/{clip}").data == AUDIO
    # another question becomes active: its recording, not this one, is the phones'
    FacilitatorCommands(guarded.extensions["facilitation"]).run(
        sid, owner, {"type": "activate_prompt", "prompt_id": second})
    assert phone.get(url).status_code == 404

    removed = console.delete(f"/sessions/{sid}/prompts/{first}/audio",
                             headers={"X-CSRFToken": csrf})
    assert removed.status_code == 200 and removed.json["ok"]
    assert console.get(f"/sessions/{sid}/voice/{clip}").status_code == 404
    for client in (screen, handset, stranger):
        client.disconnect()


def test_refusals_say_why(guarded) -> None:
    console, csrf, owner = logged_in(guarded)
    board, (first, _) = a_room(guarded, owner)
    sid, ok = board.session_id, {"X-CSRFToken": csrf}
    cases = [
        (put(console, sid, first, ok, body=b"GIF89a" + b"\x00" * 200), 400, "voice_not_audio"),
        (put(console, sid, first, ok, duration="45000"), 400, "voice_too_long"),
        (put(console, sid, first, ok, duration="x"), 400, "invalid_payload"),
        (put(console, sid, first, ok, body=AUDIO * 100), 413, "voice_too_large"),
        (put(console, sid, "nope", ok), 404, "unknown_prompt"),
        (put(guarded.test_client(), sid, first, {}), 401, "unauthenticated"),
    ]
    for answer, status, code in cases:
        assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
    # a bearer token (a script) needs no CSRF token, but must be the session's facilitator
    service = guarded.extensions["facilitation"]
    mine = put(guarded.test_client(), sid, first,
               {"Authorization": f"Bearer {accounts.issue_token(service.db, 'awa@grdr.example')}"})
    assert mine.status_code == 200
    accounts.create(service.db, "luc@apes.example", "breakfast-59")
    luc = accounts.issue_token(service.db, "luc@apes.example")
    stranger = put(guarded.test_client(), sid, first, {"Authorization": f"Bearer {luc}"})
    assert (stranger.status_code, stranger.json["error"]["code"]) == (404, "forbidden")
    assert list(service.board(sid).prompt_audio) == [first]  # the owner's, untouched


def test_guessing_codes_through_the_question_route_is_counted(make_app) -> None:
    app = make_app(FACILITATION_LIMIT_WRONG_CODES_PER_ADDRESS="3/minute")
    client = app.test_client()
    answers = [client.get(f"/join/ZZZZZ{n}/question/abc").status_code for n in range(5)]
    assert answers[:3] == [404, 404, 404] and answers[-1] == 429
