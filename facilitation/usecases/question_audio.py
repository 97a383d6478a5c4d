"""Questions recorded aloud: the facilitator attaches a short recording of a question (their
own voice, in any language) and phones play it beside the question, for those who read
little. The audio is a voice clip like a voice card's (same checks, same table), written
in the transaction of its `prompt_audio_set`; a new recording or a removal deletes the
one before it, and deleting the session deletes them all."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..domain import voice
from ..domain.board import Board
from ..domain.errors import Rejected
from ..domain.events import Event, PromptAudioCleared, PromptAudioSet, PromptsSet, Recorded
from ..store import erasure as erased_rows
from ..store import voice as clips
from .sessions import Outcome, Service, append_events, check_facilitator, new_id


def _prompt(board: Board, prompt_id: object) -> str:
    if not isinstance(prompt_id, str) or prompt_id not in {p["id"] for p in board.prompts}:
        raise Rejected("unknown_prompt")
    return prompt_id


def set_prompt_audio(service: Service, session_id: str, facilitator_id: int | None,
                     prompt_id: object, data: bytes, duration_ms: object) -> Outcome:
    """Attach a recording to a question (replacing the one it had), committed before this
    returns; the acknowledgement names the clip phones will fetch."""
    service.authorise(session_id, facilitator_id)

    def decide(db: Session, board: Board) -> tuple[list[Recorded], dict[str, Any]]:
        check_facilitator(board, facilitator_id)
        prompt = _prompt(board, prompt_id)
        mime, duration = voice.check(data, duration_ms)
        before = board.prompt_audio.get(prompt)
        event = PromptAudioSet(prompt, new_id(), duration, mime)
        clips.add(db, clips.Clip(session_id, event.clip_id, mime, duration, data))
        if before is not None:  # the recording it replaces: gone for good
            erased_rows.delete_clips(db, session_id, [before["clip"]])
        recorded = append_events(db, board, [event], f"facilitator:{facilitator_id}")
        return recorded, {"ok": True, "seq": recorded[0].seq, "clip_id": event.clip_id,
                          "duration_ms": duration, "replaced": before is not None}

    recorded, ack = service.boards.transact(session_id, decide)
    if ack.pop("replaced"):
        erased_rows.scrub(service.db)  # the voice it replaces: nowhere on disk either
    return Outcome(ack, recorded)


def clear_prompt_audio(service: Service, session_id: str, facilitator_id: int | None,
                       prompt_id: object) -> Outcome:
    """Remove a question's recording (its audio is deleted); nothing to do if it has none."""
    service.authorise(session_id, facilitator_id)

    def decide(db: Session, board: Board) -> tuple[list[Recorded], dict[str, Any]]:
        check_facilitator(board, facilitator_id)
        prompt = _prompt(board, prompt_id)
        before = board.prompt_audio.get(prompt)
        if before is None:
            return [], {"ok": True, "seq": board.seq}
        erased_rows.delete_clips(db, session_id, [before["clip"]])
        recorded = append_events(db, board, [PromptAudioCleared(prompt)],
                                 f"facilitator:{facilitator_id}")
        return recorded, {"ok": True, "seq": recorded[0].seq}

    recorded, ack = service.boards.transact(session_id, decide)
    if recorded:
        erased_rows.scrub(service.db)
    return Outcome(ack, recorded)


def superseded(board: Board, events: list[Event]) -> list[str]:
    """The clips of questions' recordings that `events`, folded after `board`, leave
    unused: replaced, cleared, or their question removed (a `prompts_set`)."""
    current = {pid: audio["clip"] for pid, audio in board.prompt_audio.items()}
    prompts = {p["id"] for p in board.prompts}
    gone: list[str] = []
    for event in events:
        if isinstance(event, PromptsSet):
            prompts = {p["id"] for p in event.prompts}
            gone += [current.pop(pid) for pid in list(current) if pid not in prompts]
        elif isinstance(event, PromptAudioSet) and event.prompt_id in prompts:
            if event.prompt_id in current:
                gone.append(current[event.prompt_id])
            current[event.prompt_id] = event.clip_id
        elif isinstance(event, PromptAudioCleared) and event.prompt_id in current:
            gone.append(current.pop(event.prompt_id))
    return [clip for clip in gone if clip not in current.values()]


def drop_superseded(db: Session, board: Board, events: list[Event]) -> int:
    """Delete, in the caller's transaction, the recordings `events` leave unused; how many
    (once committed, `store.erasure.scrub` takes them off the disk)."""
    return erased_rows.delete_clips(db, board.session_id, superseded(board, events))


def clip_for_phone(service: Service, session_id: str, participant_id: str | None,
                   clip_id: object) -> clips.Clip:
    """The recording of the active question, for a phone that joined the session; any
    other clip of the session (a voice card, another question's) is unknown to phones."""
    if participant_id is None:
        raise Rejected("not_joined")
    board = service.board(session_id)
    audio = board.question_audio()
    if audio is None or not isinstance(clip_id, str) or audio["clip"] != clip_id:
        raise Rejected("unknown_clip")
    with service.db.read() as db:
        found = clips.get(db, session_id, clip_id)
    if found is None or found.participant_id is not None:
        raise Rejected("unknown_clip")
    return found
