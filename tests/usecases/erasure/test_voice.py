"""Voice cards as a story: a phone's recording is kept with its card in one commit, exactly
once per client_id, within limits, known by its bytes; it waits outside the grouping until
the facilitator transcribes it; erasure takes the audio too, for good."""

from __future__ import annotations

import os
import uuid

import pytest

from facilitation.domain import voice as rules
from facilitation.domain.errors import Rejected
from facilitation.domain.grouping import snapshot
from facilitation.store import voice as clips
from facilitation.usecases import accounts, erasure, voice
from facilitation.usecases.sessions import Service
from facilitation.usecases.steering import FacilitatorCommands

from .conftest import OtherServer
from .test_erasure import assert_gone, raw_bytes


def recording(marker: bytes = b"", size: int = 6000, head: bytes = b"\x1a\x45\xdf\xa3") -> bytes:
    """Bytes that start like a WebM file (what the server checks), with a marker inside."""
    return head + os.urandom(size // 2) + marker + os.urandom(size // 2)


def a_room(service: Service, owner: int) -> tuple[str, str, str]:
    board = service.create_session(owner, "Atelier", "palabre", "fr")
    FacilitatorCommands(service).change_phase(board.session_id, owner, "collect")
    amina = service.join(board.code, name="Amina")
    moussa = service.join(board.code, name="Moussa")
    return board.session_id, amina.participant_id, moussa.participant_id


def test_a_voice_card_is_kept_once_with_its_audio(service: Service, owner: int) -> None:
    sid, amina, _ = a_room(service, owner)
    audio, client_id = recording(), uuid.uuid4().hex

    first = voice.add_voice_card(service, sid, amina, client_id, audio, 12400, "blocker")
    again = voice.add_voice_card(service, sid, amina, client_id, audio, 12400, "blocker")

    assert first.ack["ok"] and again.ack["contribution_id"] == first.ack["contribution_id"]
    assert again.ack["seq"] == first.ack["seq"] and again.events == []
    card = service.board(sid).contributions[first.ack["contribution_id"]]
    assert card.text == "" and card.voice == {"duration_ms": 12400, "mime": "audio/webm"}
    assert [e.type for e in first.events] == ["contribution_added"]
    assert first.events[0].to_wire()["payload"]["voice"]["duration_ms"] == 12400
    with service.db.read() as db:
        assert clips.ids_of(db, sid) == {card.id}  # the audio once, under the card's id
    kept = voice.clip_for_facilitator(service, sid, owner, card.id)
    assert kept.data == audio and kept.mime == "audio/webm"


def test_only_the_sessions_facilitators_get_the_audio(service: Service, owner: int) -> None:
    sid, amina, _ = a_room(service, owner)
    done = voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(), 3000, "lever")
    stranger = accounts.create(service.db, "luc@apes.example", "breakfast-59").id
    for who in (stranger, None):
        with pytest.raises(Rejected, match="forbidden"):
            voice.clip_for_facilitator(service, sid, who, done.ack["contribution_id"])
    for wrong in ("nope", "../x", 3):
        with pytest.raises(Rejected, match="unknown_clip"):
            voice.clip_for_facilitator(service, sid, owner, wrong)


@pytest.mark.parametrize("head, mime", [
    (b"\x1a\x45\xdf\xa3", "audio/webm"), (b"OggS", "audio/ogg"),
    (b"\x00\x00\x00\x1cftypM4A ", "audio/mp4"),
])
def test_the_container_is_known_by_its_first_bytes(head: bytes, mime: str) -> None:
    assert rules.container(head + b"\x00" * 100) == mime


@pytest.mark.parametrize("data", [
    b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 100,  # a WAV: not kept (too big per second)
    b"<html><script>alert(1)</script>" + b" " * 100,
    b"ID3\x03" + b"\x00" * 100,  # an MP3
])
def test_anything_else_is_refused_whatever_it_is_called(
        service: Service, owner: int, data: bytes) -> None:
    sid, amina, _ = a_room(service, owner)
    with pytest.raises(Rejected, match="voice_not_audio"):
        voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, data, 3000, "blocker")
    assert service.board(sid).contributions == {}


@pytest.mark.parametrize("data, duration, code", [
    (recording(size=rules.BYTES_MAX), 20000, "voice_too_large"),
    (recording(), 31 * 1000 + rules.DURATION_GRACE_MS, "voice_too_long"),
    (recording(), 0, "voice_empty"),
    (b"\x1a\x45\xdf\xa3", 2000, "voice_empty"),
    (recording(), "12", "invalid_payload"),
])
def test_limits_refuse_with_a_code_and_keep_nothing(
        service: Service, owner: int, data: bytes, duration: object, code: str) -> None:
    sid, amina, _ = a_room(service, owner)
    with pytest.raises(Rejected, match=code):
        voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, data, duration, "blocker")
    with service.db.read() as db:
        assert clips.ids_of(db, sid) == set()


def test_a_phone_leaves_a_bounded_number_of_voice_cards(
        service: Service, owner: int, monkeypatch: pytest.MonkeyPatch) -> None:
    sid, amina, moussa = a_room(service, owner)
    monkeypatch.setattr(rules, "CARDS_MAX", 2)
    for _ in range(2):
        voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(), 2000, "lever")
    with pytest.raises(Rejected, match="too_many_voice_cards"):
        voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(), 2000, "lever")
    service.add_contribution(sid, amina, uuid.uuid4().hex, "Écrire marche encore", "lever")
    voice.add_voice_card(service, sid, moussa, uuid.uuid4().hex, recording(), 2000, "lever")


def test_a_voice_card_waits_for_its_words_then_joins_the_grouping(
        service: Service, owner: int) -> None:
    sid, amina, moussa = a_room(service, owner)
    spoken = voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(), 8000,
                                  "blocker").ack["contribution_id"]
    service.add_contribution(sid, moussa, uuid.uuid4().hex, "Pas de garant", "blocker")
    board = service.board(sid)
    assert spoken in board.ungrouped()  # on the board, with its speaker pictogram
    assert spoken not in [c.id for c in snapshot(board).cards]  # not grouped without words
    steering = FacilitatorCommands(service)
    for bad, code in (("", "empty_text"), (None, "invalid_payload")):
        with pytest.raises(Rejected, match=code):
            steering.run(sid, owner, {"type": "transcribe_contribution",
                                      "contribution_id": spoken, "text": bad})
    written = [c for c in board.contributions.values() if c.id != spoken][0].id
    with pytest.raises(Rejected, match="not_a_voice_card"):
        steering.run(sid, owner, {"type": "transcribe_contribution",
                                  "contribution_id": written, "text": "Autre chose"})

    steering.run(sid, owner, {"type": "transcribe_contribution", "contribution_id": spoken,
                              "text": "Les banques demandent un garant"})

    board = service.board(sid)
    card = board.contributions[spoken]
    assert card.text == "Les banques demandent un garant" and card.transcribed
    assert card.voice is not None  # the audio stays attached
    assert spoken in [c.id for c in snapshot(board).cards]
    view = [c for c in board.to_dict()["contributions"] if c["id"] == spoken][0]
    assert view["voice"] == {"duration_ms": 8000, "transcribed": True}
    steering.change_phase(sid, owner, "group")
    steering.change_phase(sid, owner, "vote")
    assert spoken in {item["id"] for item in service.board(sid).ballot()}


def test_an_untranscribed_voice_card_is_not_on_the_ballot(service: Service, owner: int) -> None:
    sid, amina, _ = a_room(service, owner)
    voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(), 8000, "blocker")
    assert service.board(sid).ballot() == []


def test_erasing_a_participant_erases_their_voice_for_good(service: Service, owner: int) -> None:
    sid, amina, moussa = a_room(service, owner)
    secret = uuid.uuid4().hex.encode()
    theirs = voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(secret),
                                  9000, "blocker").ack["contribution_id"]
    FacilitatorCommands(service).run(sid, owner, {
        "type": "transcribe_contribution", "contribution_id": theirs,
        "text": f"Transcrit {secret.decode()}"})
    kept = voice.add_voice_card(service, sid, moussa, uuid.uuid4().hex, recording(), 4000,
                                "lever").ack["contribution_id"]
    if service.db.is_sqlite:
        assert secret in raw_bytes(service.db)

    erasure.erase_participant(service, sid, owner, amina)

    assert_gone(service.db, secret.decode())  # the transcript
    if service.db.is_sqlite:
        assert secret not in raw_bytes(service.db)  # the audio
    with service.db.read() as db:
        assert clips.ids_of(db, sid) == {kept}
    with pytest.raises(Rejected, match="unknown_clip"):
        voice.clip_for_facilitator(service, sid, owner, theirs)


def test_a_deleted_session_takes_its_audio_with_it(service: Service, owner: int) -> None:
    sid, amina, _ = a_room(service, owner)
    secret = uuid.uuid4().hex.encode()
    voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(secret), 9000,
                         "blocker")

    erasure.delete_session(service, sid, owner)

    with service.db.read() as db:
        assert clips.ids_of(db, sid) == set()
    if service.db.is_sqlite:
        assert secret not in raw_bytes(service.db)


def test_syntheses_list_voice_cards_with_their_transcript_and_length(
        service: Service, owner: int) -> None:
    from facilitation.synthesis.formats import FORMATS, render
    from facilitation.usecases import exports

    sid, amina, moussa = a_room(service, owner)
    written = voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(), 12400,
                                   "blocker").ack["contribution_id"]
    voice.add_voice_card(service, sid, moussa, uuid.uuid4().hex, recording(), 61000 // 3,
                         "lever")
    FacilitatorCommands(service).run(sid, owner, {
        "type": "transcribe_contribution", "contribution_id": written,
        "text": "Les banques demandent un garant"})
    synthesis = exports.session_synthesis(service, sid, owner)
    for fmt in FORMATS:
        if fmt == "pdf":
            continue  # WeasyPrint renders the HTML below
        body = bytes(render(synthesis, fmt))
        text = body.decode("utf-8-sig") if fmt != "docx" else _docx_text(body)
        if fmt == "md":
            text = text.replace("\\[", "[").replace("\\]", "]")  # escaped, shown as is
        assert "Les banques demandent un garant" in text, fmt
        if fmt == "json":
            assert '"voice_seconds": 13' in text and '"voice_seconds": 21' in text
        else:
            assert "[message vocal 0:13] Les banques demandent un garant" in text, fmt
            assert "[message vocal 0:21 — non transcrit]" in text, fmt


def _docx_text(body: bytes) -> str:
    import io

    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)


def test_the_exported_log_carries_the_audio_to_another_server(
        service: Service, owner: int, kayes_laptop: OtherServer) -> None:
    import json

    from facilitation.usecases import imports

    sid, amina, moussa = a_room(service, owner)
    secret = uuid.uuid4().hex.encode()
    audio = recording(secret)
    theirs = voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, audio, 7000,
                                  "blocker").ack["contribution_id"]
    service.add_contribution(sid, moussa, uuid.uuid4().hex, "Pas de garant", "blocker")
    lines = imports.export_lines(service, sid)
    assert sum('"audio"' in line for line in lines) == 1
    kayes, moussa_here = kayes_laptop.service, kayes_laptop.owner

    kayes_laptop.import_twice(lines)

    heard = voice.clip_for_facilitator(kayes, sid, moussa_here, theirs)
    assert heard.data == audio and heard.mime == "audio/webm" and heard.duration_ms == 7000
    # a line whose audio is not a recording, or audio on a card that has none: refused
    voiced = next(i for i, line in enumerate(lines) if '"audio"' in line)
    for bad in ("bm90IGF1ZGlv", "!!"):
        tampered = [*lines[:voiced], json.dumps({**json.loads(lines[voiced]), "audio": bad}),
                    *lines[voiced + 1:]]
        with pytest.raises(Rejected, match="invalid_import"):
            imports.parse(tampered)
    text_line = next(i for i, line in enumerate(lines) if "Pas de garant" in line)
    grafted = [*lines[:text_line], json.dumps({**json.loads(lines[text_line]),
                                               "audio": json.loads(lines[voiced])["audio"]}),
               *lines[text_line + 1:]]
    with pytest.raises(Rejected, match="invalid_import"):
        imports.parse(grafted)
    # erased at the source: the next import erases the copy's audio too
    erasure.erase_participant(service, sid, owner, amina)
    assert not any('"audio"' in line for line in imports.export_lines(service, sid))
    imports.import_log(kayes, imports.parse(imports.export_lines(service, sid)), moussa_here)
    with kayes_laptop.db.read() as db:
        assert clips.ids_of(db, sid) == set()
    assert secret not in raw_bytes(kayes_laptop.db)
