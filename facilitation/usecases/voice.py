"""Voice cards: a phone's recording kept as a card, exactly once; its audio handed to the
session's facilitators (and to nobody else)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..domain import rules, voice
from ..domain.board import Board
from ..domain.errors import Rejected
from ..domain.events import ContributionAdded, Recorded
from ..domain.kinds import COLLECTING
from ..store import log
from ..store import voice as clips
from ..store.models import utcnow
from .sessions import Outcome, Service, _ack_of, _check_can_act, append_events, new_id


def add_voice_card(service: Service, session_id: str, participant_id: str | None,
                   client_id: object, data: bytes, duration_ms: object, kind: object,
                   prompt_id: object = None) -> Outcome:
    """Record a voice card: its audio and its `contribution_added` in one transaction,
    committed before this returns. A re-sent `client_id` gets the first acknowledgement
    and stores nothing (the audio is not kept twice)."""
    raw_client_id = rules.client_id(client_id)
    if participant_id is None:
        raise Rejected("not_joined")
    pid = participant_id
    key = rules.scoped_client_id(pid, raw_client_id)

    def decide(db: Session, board: Board) -> tuple[list[Recorded], dict[str, Any]]:
        first = log.find_action(db, session_id, key, pid, raw_client_id)
        if first is not None:
            return [], _ack_of(first)
        mime, duration = voice.check(data, duration_ms)
        _check_can_act(board, pid)
        if board.phase not in COLLECTING:
            raise Rejected("phase_closed")
        if rules.too_fast(board, pid, utcnow()):
            raise Rejected("too_fast")
        theirs = sum(1 for card in board.my_cards(pid) if card.voice is not None)
        if theirs >= voice.CARDS_MAX:
            raise Rejected("too_many_voice_cards", limit=voice.CARDS_MAX)
        event = ContributionAdded(
            new_id(), pid, "", rules.contribution_kind(kind), rules.prompt_of(board, prompt_id),
            pending=board.premoderation, voice={"duration_ms": duration, "mime": mime},
        )
        clips.add(db, clips.Clip(session_id, event.contribution_id, mime, duration, data, pid))
        recorded = append_events(db, board, [event], pid, key)
        return recorded, {"ok": True, "seq": recorded[0].seq,
                          "contribution_id": event.contribution_id}

    recorded, ack = service.boards.transact(session_id, decide)
    return Outcome(ack, recorded)


def clip_for_facilitator(service: Service, session_id: str, facilitator_id: int | None,
                         clip_id: object) -> clips.Clip:
    """A session's clip, for one of its facilitators (console, board)."""
    service.require_facilitator(session_id, facilitator_id)
    if not isinstance(clip_id, str) or not clip_id.isalnum() or len(clip_id) > 32:
        raise Rejected("unknown_clip")
    with service.db.read() as db:
        found = clips.get(db, session_id, clip_id)
    if found is None:
        raise Rejected("unknown_clip")
    return found
