"""A question recorded aloud, as a story: the facilitator attaches their own voice to a
question, records it again or removes it (the audio before is deleted each time); only
the session's facilitators may; a phone hears the active question's recording of the
session it joined and nothing else; it travels with the exported log and goes with the
session."""

from __future__ import annotations

import json
import uuid

import pytest

from facilitation.domain.board import participant_view
from facilitation.domain.errors import Rejected
from facilitation.store import voice as clips
from facilitation.usecases import accounts, erasure, imports, question_audio, voice
from facilitation.usecases.sessions import Service
from facilitation.usecases.steering import FacilitatorCommands

from .conftest import OtherServer
from .test_erasure import raw_bytes
from .test_voice import recording


def a_room(service: Service, owner: int) -> tuple[str, list[str], str]:
    """A session with two questions (the first active) and a phone that joined."""
    board = service.create_session(owner, "Thé-palabre", "palabre", "fr")
    steering = FacilitatorCommands(service)
    steering.run(board.session_id, owner, {"type": "set_prompts", "prompts": [
        "Qu'est-ce qui vous freine ?", "Qu'est-ce qui vous aide ?"]})
    steering.change_phase(board.session_id, owner, "collect")
    prompts = [p["id"] for p in service.board(board.session_id).prompts]
    amina = service.join(board.code, name="Amina").participant_id
    return board.session_id, prompts, amina


def stored(service: Service, sid: str) -> set[str]:
    with service.db.read() as db:
        return clips.ids_of(db, sid)


def test_a_question_gets_its_recording_then_another_then_none(
        service: Service, owner: int) -> None:
    sid, (first, _), _ = a_room(service, owner)
    old_secret, new_secret = uuid.uuid4().hex.encode(), uuid.uuid4().hex.encode()

    done = question_audio.set_prompt_audio(service, sid, owner, first, recording(old_secret),
                                           11200)

    old = done.ack["clip_id"]
    assert done.ack["ok"] and done.ack["duration_ms"] == 11200
    assert [e.type for e in done.events] == ["prompt_audio_set"]
    assert done.events[0].event.prompt_id == first  # type: ignore[attr-defined]
    board = service.board(sid)
    assert board.to_dict()["prompt_audio"] == {first: {"clip": old, "duration_ms": 11200}}
    assert board.to_participant_dict()["question_audio"] == {
        "prompt_id": first, "clip": old, "duration_ms": 11200}
    assert stored(service, sid) == {old}
    heard = voice.clip_for_facilitator(service, sid, owner, old)  # the console plays it back
    assert old_secret in heard.data and heard.mime == "audio/webm"

    again = question_audio.set_prompt_audio(service, sid, owner, first, recording(new_secret),
                                            8000)

    new = again.ack["clip_id"]
    assert new != old and stored(service, sid) == {new}  # the first recording is gone
    assert service.board(sid).prompt_audio == {first: {"clip": new, "duration_ms": 8000}}
    if service.db.is_sqlite:
        assert old_secret not in raw_bytes(service.db) and new_secret in raw_bytes(service.db)

    cleared = question_audio.clear_prompt_audio(service, sid, owner, first)

    assert [e.type for e in cleared.events] == ["prompt_audio_cleared"]
    assert stored(service, sid) == set()
    assert service.board(sid).to_participant_dict()["question_audio"] is None
    assert question_audio.clear_prompt_audio(service, sid, owner, first).events == []
    if service.db.is_sqlite:
        assert new_secret not in raw_bytes(service.db)


def test_phones_are_told_of_a_recording_without_the_audio(service: Service, owner: int) -> None:
    sid, (first, _), _ = a_room(service, owner)
    done = question_audio.set_prompt_audio(service, sid, owner, first, recording(), 5000)
    wire = participant_view(done.events[0])
    assert wire is not None and wire["payload"] == {
        "prompt_id": first, "clip_id": done.ack["clip_id"], "duration_ms": 5000,
        "mime": "audio/webm"}


def test_only_the_sessions_facilitators_set_or_clear_it(service: Service, owner: int) -> None:
    sid, (first, _), amina = a_room(service, owner)
    stranger = accounts.create(service.db, "luc@apes.example", "breakfast-59").id
    for who in (stranger, None):
        with pytest.raises(Rejected, match="forbidden"):
            question_audio.set_prompt_audio(service, sid, who, first, recording(), 5000)
    question_audio.set_prompt_audio(service, sid, owner, first, recording(), 5000)
    for who in (stranger, None):
        with pytest.raises(Rejected, match="forbidden"):
            question_audio.clear_prompt_audio(service, sid, who, first)
    assert len(stored(service, sid)) == 1
    # a co-facilitator may (the team runs the room together)
    invite = FacilitatorCommands(service).run(sid, owner, {"type": "invite_cofacilitator"})
    helper = accounts.create(service.db, "fatou@grdr.example", "palabre-2027").id
    service.accept_invitation(sid, helper, invite.ack["invitation"])
    question_audio.clear_prompt_audio(service, sid, helper, first)
    assert stored(service, sid) == set()


@pytest.mark.parametrize("data, duration, code", [
    (b"GIF89a" + b"\x00" * 200, 3000, "voice_not_audio"),
    (recording(), 45_000, "voice_too_long"),
    (recording(), 0, "voice_empty"),
    (recording(size=600 * 1024), 20_000, "voice_too_large"),
])
def test_a_recording_is_checked_like_a_voice_card(
        service: Service, owner: int, data: bytes, duration: int, code: str) -> None:
    sid, (first, _), _ = a_room(service, owner)
    with pytest.raises(Rejected, match=code):
        question_audio.set_prompt_audio(service, sid, owner, first, data, duration)
    with pytest.raises(Rejected, match="unknown_prompt"):
        question_audio.set_prompt_audio(service, sid, owner, "p-nope", recording(), 3000)
    assert stored(service, sid) == set() and service.board(sid).prompt_audio == {}


def test_a_phone_hears_the_active_questions_recording_only(
        service: Service, owner: int) -> None:
    sid, (first, second), amina = a_room(service, owner)
    one = question_audio.set_prompt_audio(service, sid, owner, first, recording(), 5000)
    two = question_audio.set_prompt_audio(service, sid, owner, second, recording(), 6000)
    card = voice.add_voice_card(service, sid, amina, uuid.uuid4().hex, recording(), 4000,
                                "blocker").ack["contribution_id"]
    q1, q2 = one.ack["clip_id"], two.ack["clip_id"]

    assert question_audio.clip_for_phone(service, sid, amina, q1).duration_ms == 5000
    for clip in (q2, card, "nope", None):  # another question's, a voice card, nonsense
        with pytest.raises(Rejected, match="unknown_clip"):
            question_audio.clip_for_phone(service, sid, amina, clip)
    with pytest.raises(Rejected, match="not_joined"):
        question_audio.clip_for_phone(service, sid, None, q1)

    FacilitatorCommands(service).run(sid, owner, {"type": "activate_prompt",
                                                  "prompt_id": second})

    assert question_audio.clip_for_phone(service, sid, amina, q2).duration_ms == 6000
    with pytest.raises(Rejected, match="unknown_clip"):
        question_audio.clip_for_phone(service, sid, amina, q1)


def test_removing_a_question_deletes_its_recording(service: Service, owner: int) -> None:
    sid, (first, second), _ = a_room(service, owner)
    question_audio.set_prompt_audio(service, sid, owner, first, recording(), 5000)
    kept = question_audio.set_prompt_audio(service, sid, owner, second, recording(), 6000)
    FacilitatorCommands(service).run(sid, owner, {"type": "set_prompts", "prompts": [
        {"id": second, "text": "Qu'est-ce qui vous aide ?"}]})
    assert stored(service, sid) == {kept.ack["clip_id"]}
    assert list(service.board(sid).prompt_audio) == [second]


def test_deleting_the_session_deletes_its_recordings(service: Service, owner: int) -> None:
    sid, (first, _), _ = a_room(service, owner)
    secret = uuid.uuid4().hex.encode()
    question_audio.set_prompt_audio(service, sid, owner, first, recording(secret), 5000)

    erasure.delete_session(service, sid, owner)

    assert stored(service, sid) == set()
    if service.db.is_sqlite:
        assert secret not in raw_bytes(service.db)


def test_the_exported_log_carries_the_question_to_another_server(
        service: Service, owner: int, kayes_laptop: OtherServer) -> None:
    sid, (first, second), _ = a_room(service, owner)
    question_audio.set_prompt_audio(service, sid, owner, first, recording(), 5000)
    audio = recording(uuid.uuid4().hex.encode())
    latest = question_audio.set_prompt_audio(service, sid, owner, first, audio,
                                             7000).ack["clip_id"]
    lines = imports.export_lines(service, sid)
    # the replaced recording is gone: only the question's current one travels
    assert sum('"audio"' in line for line in lines) == 1
    kayes, moussa = kayes_laptop.service, kayes_laptop.owner

    kayes_laptop.import_twice(lines)

    assert kayes.board(sid).prompt_audio == {first: {"clip": latest, "duration_ms": 7000}}
    heard = voice.clip_for_facilitator(kayes, sid, moussa, latest)
    assert heard.data == audio and heard.duration_ms == 7000
    # a tampered line is refused like a tampered voice card
    voiced = next(i for i, line in enumerate(lines) if '"audio"' in line)
    tampered = [*lines[:voiced], json.dumps({**json.loads(lines[voiced]),
                                             "audio": "bm90IGF1ZGlv"}), *lines[voiced + 1:]]
    with pytest.raises(Rejected, match="invalid_import"):
        imports.parse(tampered)
    # removed at the source: the next import removes it from the copy too
    question_audio.clear_prompt_audio(service, sid, owner, first)
    imports.import_log(kayes, imports.parse(imports.export_lines(service, sid)), moussa)
    with kayes_laptop.db.read() as db:
        assert clips.ids_of(db, sid) == set()
    assert kayes.board(sid).prompt_audio == {}
