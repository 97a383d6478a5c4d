"""Steering a session: the facilitator's named commands (validated by
`domain.commands`), and the grouping engine's results, recorded unless the facilitator
decided otherwise meanwhile."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..domain import grouping, rules
from ..domain.board import Board
from ..domain.commands import ACTIONS, OWNER_ONLY, Actor
from ..domain.errors import Rejected
from ..domain.events import CofacilitatorRemoved, Recorded, ThemesUpdated
from ..store import erasure as erased_rows
from ..store import log
from ..store.models import MeetingSession, TeamMember
from . import question_audio
from .sessions import Outcome, Service, append_events, check_facilitator


def _sync_team_index(db: Session, session_id: str, events: list[Any]) -> None:
    """A removed co-facilitator leaves the `session_team` index (their home page) too."""
    for event in events:
        if isinstance(event, CofacilitatorRemoved):
            db.execute(delete(TeamMember).where(TeamMember.session_id == session_id,
                                                TeamMember.facilitator_id
                                                == event.facilitator_id))


class FacilitatorCommands:
    """Facilitator commands (`domain.commands.ACTIONS`), and the grouping engine's results."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def change_phase(self, session_id: str, facilitator_id: int | None,
                     phase: object) -> Outcome:
        return self.run(session_id, facilitator_id, {"type": "change_phase", "phase": phase})

    def apply_result(self, session_id: str, result: ThemesUpdated) -> list[Recorded]:
        """Record the engine's themes unless the facilitator changed things meanwhile."""

        def decide(db: Session, board: Board) -> tuple[list[Recorded], None]:
            if not board.seq or board.seq < result.based_on:  # deleted meanwhile: nothing
                return [], None                                # may bring it back
            if not grouping.still_valid(board, result) or result.based_on <= board.grouped_seq:
                return [], None
            return append_events(db, board, [result], "machine"), None

        recorded, _ = self.service.boards.transact(session_id, decide)
        return recorded

    def seeds(self, session_id: str) -> tuple[Any, ...]:
        """Themes of the programme's other sessions (same facilitator), as seeds."""
        board = self.service.board(session_id)
        if not board.programme or board.facilitator_id is None:
            return ()
        with self.service.db.read() as db:
            ids = db.scalars(
                select(MeetingSession.id).where(
                    MeetingSession.facilitator_id == board.facilitator_id,
                    MeetingSession.programme == board.programme,
                    MeetingSession.id != session_id,
                ).order_by(MeetingSession.created_at)
            ).all()
        others = [b for sid in ids if (b := self.service.boards.get(sid)) is not None]
        return grouping.seeds_from(others)

    def run(self, session_id: str, facilitator_id: int | None, data: dict[str, Any]) -> Outcome:
        """A facilitator command `{type, client_id?, ...}` (socket `command` or HTTP)."""
        kind = data.get("type")
        run_action = ACTIONS.get(kind) if isinstance(kind, str) else None
        if run_action is None:
            raise Rejected("unknown_command")
        client_id = data.get("client_id")
        raw_client_id = None if client_id is None else rules.client_id(client_id)
        author = f"facilitator:{facilitator_id}"
        clean_client_id = (None if raw_client_id is None
                           else rules.scoped_client_id(author, raw_client_id))
        # who asks, before the session's lock and the database's write lock are taken
        self.service.authorise(session_id, facilitator_id, owner=kind in OWNER_ONLY)

        def decide(db: Session, board: Board) -> tuple[list[Recorded], dict[str, Any]]:
            check_facilitator(board, facilitator_id, owner=kind in OWNER_ONLY)
            assert facilitator_id is not None
            if clean_client_id is not None and raw_client_id is not None:
                first = log.find_action(db, session_id, clean_client_id, author, raw_client_id,
                                        board.client_ids)
                if first is not None:
                    return [], {"ok": True, "seq": first.seq}
            actor = Actor(facilitator_id, board.facilitator_id == facilitator_id)
            result = run_action(board, data, actor)
            if not result.events:
                return [], {"ok": True, "seq": board.seq, **result.extra}
            recorded = append_events(db, board, result.events, author, clean_client_id)
            _sync_team_index(db, session_id, result.events)
            dropped[0] = question_audio.drop_superseded(db, board, result.events)
            return recorded, {"ok": True, "seq": recorded[-1].seq, **result.extra}

        dropped = [0]  # recordings of questions the command removed
        recorded, ack = self.service.boards.transact(session_id, decide)
        if dropped[0]:
            erased_rows.scrub(self.service.db)
        return Outcome(ack, recorded)
