"""Voice cards over HTTP: the upload route (the phone's token in a header, refusals in the
phone's language, exactly once), the board hears of it live, the audio goes to the
session's facilitators only, with Range support."""

from __future__ import annotations

import os

import pytest

from facilitation.domain import voice as rules
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id, pushed_events

AUDIO = b"\x1a\x45\xdf\xa3" + os.urandom(5000)


@pytest.fixture
def app(make_app):
    """Refusals are counted too: room for this file's many uploads from one phone."""
    return make_app(FACILITATION_LIMIT_VOICE_CARDS_PER_PHONE="100/minute")


@pytest.fixture
def collecting(service, facilitator, palabre):
    FacilitatorCommands(service).change_phase(palabre.session_id, facilitator.id, "collect")
    return palabre


def upload(client, code: str, token: str | None, body: bytes = AUDIO, **args):
    query = {"client_id": new_client_id(), "kind": "blocker", "duration_ms": "9400", **args}
    headers = {"Content-Type": "audio/webm"}
    if token is not None:
        headers["X-Participant-Token"] = token
    return client.post(f"/join/{code}/voice", query_string=query, data=body, headers=headers)


def test_a_phone_uploads_a_voice_card_the_board_gets_it_live(
        client, collecting, phone, board_client) -> None:
    amina = phone(collecting.code, name="Amina")
    token = amina.ack["participant_token"]
    board = board_client(collecting.session_id)
    board.get_received()
    client_id = new_client_id()

    first = upload(client, collecting.code, token, client_id=client_id)
    again = upload(client, collecting.code, token, client_id=client_id)

    assert first.status_code == 200 and first.json["ok"]
    assert again.json == first.json  # a re-send: the same acknowledgement
    [added] = [e for e in pushed_events(board) if e["type"] == "contribution_added"]
    assert added["payload"]["voice"] == {"duration_ms": 9400, "mime": "audio/webm"}
    assert added["payload"]["text"] == ""
    # the phone's own list (at its next join) holds the card once
    mine = phone(collecting.code, participant_token=token).ack["mine"]
    assert [m["contribution_id"] for m in mine] == [first.json["contribution_id"]]


def test_refusals_say_why_in_the_phones_language(client, collecting, phone) -> None:
    token = phone(collecting.code).ack["participant_token"]
    cases = [
        (dict(body=b"GIF89a" + b"\x00" * 200), 400, "voice_not_audio"),
        (dict(body=AUDIO, duration_ms="45000"), 400, "voice_too_long"),
        (dict(body=AUDIO, duration_ms="abc"), 400, "invalid_payload"),
        (dict(body=b"\x1a\x45\xdf\xa3" + b"\x00" * (rules.BYTES_MAX + 10)), 413,
         "voice_too_large"),
        (dict(body=AUDIO, kind="other"), 400, "invalid_kind"),
        (dict(body=AUDIO, client_id="x"), 400, "invalid_client_id"),
    ]
    for args, status, code in cases:
        response = upload(client, collecting.code, token, **args)
        assert (response.status_code, response.json["error"]["code"]) == (status, code)
    french = upload(client, collecting.code, token, body=b"nope" * 40)
    english = upload(client, collecting.code, token, body=b"nope" * 40, lang="en")
    assert "n'est pas un fichier son" in french.json["error"]["message"]
    assert "not a sound file" in english.json["error"]["message"]


def test_only_a_joined_phone_can_upload(client, collecting) -> None:
    for token in (None, "made-up-token-0123456789"):
        response = upload(client, collecting.code, token)
        assert (response.status_code, response.json["error"]["code"]) == (401, "not_joined")
    assert upload(client, "ZZZZZZ", "x").status_code == 404


def test_uploads_are_rate_limited_per_phone(make_app) -> None:
    app = make_app(FACILITATION_LIMIT_VOICE_CARDS_PER_PHONE="2/minute")
    from facilitation.extensions import socketio
    from facilitation.usecases import accounts

    service = app.extensions["facilitation"]
    owner = accounts.create(service.db, "awa@grdr.example", "palabre-2026").id
    board = service.create_session(owner, "Atelier", "palabre", "fr")
    FacilitatorCommands(service).change_phase(board.session_id, owner, "collect")
    phone = socketio.test_client(app)
    token = phone.emit("join", {"code": board.code}, callback=True)["participant_token"]
    client = app.test_client()
    assert upload(client, board.code, token).status_code == 200
    assert upload(client, board.code, token).status_code == 200
    third = upload(client, board.code, token)
    assert third.status_code == 429 and third.json["error"]["code"] == "rate_limited"
    assert int(third.headers["Retry-After"]) >= 1
    phone.disconnect()


def test_the_audio_goes_to_the_facilitators_only(client, app, collecting, phone,
                                                 facilitator, other_facilitator) -> None:
    token = phone(collecting.code).ack["participant_token"]
    clip = upload(client, collecting.code, token).json["contribution_id"]
    url = f"/sessions/{collecting.session_id}/voice/{clip}"

    assert client.get(url).status_code == 401  # a phone, or anyone not logged in
    stranger = client.get(url, headers={"Authorization": f"Bearer {other_facilitator.token}"})
    assert stranger.status_code == 404
    mine = {"Authorization": f"Bearer {facilitator.token}"}
    whole = client.get(url, headers=mine)
    assert whole.status_code == 200 and whole.mimetype == "audio/webm"
    assert whole.data == AUDIO and whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={**mine, "Range": "bytes=4-103"})
    assert part.status_code == 206 and part.data == AUDIO[4:104]
    assert part.headers["Content-Range"] == f"bytes 4-103/{len(AUDIO)}"
    assert client.get(url + "x", headers=mine).status_code == 404


def test_guessing_codes_through_the_voice_upload_is_counted(make_app) -> None:
    """A wrong code on the upload route counts against the address like on the phone page:
    it would otherwise tell a real code (401 not joined) from a wrong one (404) freely."""
    app = make_app(FACILITATION_LIMIT_WRONG_CODES_PER_ADDRESS="3/minute")
    client = app.test_client()
    answers = [client.post(f"/join/ZZZZZ{n}/voice?client_id=ab", data=b"x").status_code
               for n in range(5)]
    assert answers[:3] == [404, 404, 404] and answers[-1] == 429
