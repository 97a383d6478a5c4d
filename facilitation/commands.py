"""Use cases: each checks its input against the board, appends events, commits, and
returns what happened. Transports emit the returned events after this returns."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import log, rules
from .board import Board
from .db import Database
from .errors import Rejected
from .events import (
    ContributionAdded,
    ParticipantJoined,
    ParticipantRenamed,
    PhaseChanged,
    Recorded,
    SessionCreated,
)
from .kinds import SESSION_KINDS
from .models import MeetingSession, ParticipantToken
from .projections import BoardCache

T = TypeVar("T")
RETRIES = 8


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_id() -> str:
    return secrets.token_hex(8)


@dataclass
class Outcome:
    """What a use case did: its answer to the caller and the events to broadcast."""

    ack: dict[str, Any]
    events: list[Recorded] = field(default_factory=list)


@dataclass
class Joined:
    participant_id: str
    token: str
    board: Board
    events: list[Recorded]


class Service:
    """The use cases of a live session over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.boards = BoardCache(db)

    # -- plumbing ---------------------------------------------------------------------
    def _write(self, session_id: str, work: Callable[[Session], T]) -> T:
        """Run `work` in a write transaction, retrying when another writer took our seq."""
        for attempt in range(RETRIES):
            try:
                with self.db.write() as db:
                    result = work(db)
                return result
            except IntegrityError:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _committed(self, session_id: str, recorded: list[Recorded]) -> list[Recorded]:
        self.boards.advance(session_id, recorded)
        return recorded

    def board(self, session_id: str) -> Board:
        board = self.boards.get(session_id)
        if board is None:
            raise Rejected("unknown_session")
        return board

    def board_by_code(self, raw_code: object) -> Board:
        code = rules.normalise_code(raw_code)
        with self.db.read() as db:
            session_id = db.scalar(select(MeetingSession.id).where(MeetingSession.code == code))
        if session_id is None:
            raise Rejected("unknown_session")
        return self.board(session_id)

    def events_after(self, session_id: str, after: int, limit: int | None = None) -> list[Recorded]:
        with self.db.read() as db:
            return log.read(db, session_id, after=after, limit=limit)

    def sessions_of(self, facilitator_id: int) -> list[Board]:
        with self.db.read() as db:
            ids = db.scalars(
                select(MeetingSession.id)
                .where(MeetingSession.facilitator_id == facilitator_id)
                .order_by(MeetingSession.created_at.desc())
            ).all()
        return [board for sid in ids if (board := self.boards.get(sid)) is not None]

    # -- facilitator ------------------------------------------------------------------
    def create_session(
        self, facilitator_id: int, title: object, kind: object, language: object = "fr"
    ) -> Board:
        """Open a session with a fresh join code and the kind's default prompts."""
        clean_title = rules.clean_title(title)
        clean_kind = rules.session_kind(kind)
        clean_language = rules.language(language)
        session_id = new_id()
        prompts = tuple(
            {"id": f"p{index + 1}", "text": text}
            for index, text in enumerate(SESSION_KINDS[clean_kind].prompts[clean_language])
        )

        def work(db: Session) -> list[Recorded]:
            code = self._free_code(db)
            db.add(MeetingSession(id=session_id, code=code, facilitator_id=facilitator_id))
            db.flush()
            event = SessionCreated(
                clean_title, clean_kind, clean_language, code, facilitator_id, prompts
            )
            return log.append(db, session_id, [event], actor=f"facilitator:{facilitator_id}")

        self._committed(session_id, self._write(session_id, work))
        return self.board(session_id)

    @staticmethod
    def _free_code(db: Session) -> str:
        for _ in range(50):
            code = rules.new_code()
            if db.scalar(select(MeetingSession.id).where(MeetingSession.code == code)) is None:
                return code
        raise RuntimeError("no free join code")

    def require_owner(self, session_id: str, facilitator_id: int | None) -> Board:
        board = self.board(session_id)
        if facilitator_id is None or board.facilitator_id != facilitator_id:
            raise Rejected("forbidden")
        return board

    def change_phase(self, session_id: str, facilitator_id: int | None, phase: object) -> Outcome:
        board = self.require_owner(session_id, facilitator_id)
        new_phase = rules.phase(phase)
        if new_phase == board.phase:
            return Outcome({"ok": True, "seq": board.seq})

        def work(db: Session) -> list[Recorded]:
            event = PhaseChanged(new_phase, board.phase)
            return log.append(db, session_id, [event], actor=f"facilitator:{facilitator_id}")

        recorded = self._committed(session_id, self._write(session_id, work))
        return Outcome({"ok": True, "seq": recorded[-1].seq}, recorded)

    # -- participants -----------------------------------------------------------------
    def join(self, raw_code: object, token: object = None, name: object = None) -> Joined:
        """A phone enters a session: a known token keeps its identity, else a new one."""
        board = self.board_by_code(raw_code)
        if board.is_closed:
            raise Rejected("session_closed")
        clean_name = rules.clean_name(name)
        session_id = board.session_id
        if isinstance(token, str) and token:
            participant_id = self._participant_for(session_id, token)
            if participant_id is not None:
                known = board.participants.get(participant_id)
                if name is None or (known is not None and known.name == clean_name):
                    return Joined(participant_id, token, board, [])

                def rename(db: Session) -> list[Recorded]:
                    event = ParticipantRenamed(participant_id, clean_name)
                    return log.append(db, session_id, [event], actor=participant_id)

                recorded = self._committed(session_id, self._write(session_id, rename))
                return Joined(participant_id, token, board, recorded)

        new_token = secrets.token_urlsafe(24)
        participant_id = new_id()

        def work(db: Session) -> list[Recorded]:
            db.add(ParticipantToken(
                id=participant_id, session_id=session_id, token_hash=token_hash(new_token)
            ))
            event = ParticipantJoined(participant_id, clean_name)
            return log.append(db, session_id, [event], actor=participant_id)

        recorded = self._committed(session_id, self._write(session_id, work))
        return Joined(participant_id, new_token, board, recorded)

    def _participant_for(self, session_id: str, token: str) -> str | None:
        with self.db.read() as db:
            return db.scalar(
                select(ParticipantToken.id).where(
                    ParticipantToken.token_hash == token_hash(token),
                    ParticipantToken.session_id == session_id,
                )
            )

    def participant_for(self, session_id: str, token: object) -> str | None:
        """The participant a token belongs to in this session, if any."""
        if not isinstance(token, str) or not token:
            return None
        return self._participant_for(session_id, token)

    def add_contribution(
        self,
        session_id: str,
        participant_id: str | None,
        client_id: object,
        text: object,
        kind: object,
        prompt_id: object = None,
        actor: str | None = None,
    ) -> Outcome:
        """Record a card. Committed before it returns; a re-sent `client_id` returns the
        first acknowledgement and records nothing new."""
        clean_client_id = rules.client_id(client_id)
        previous = self._previous(session_id, clean_client_id)
        if previous is not None:
            return previous
        board = self.board(session_id)
        if board.is_closed:
            raise Rejected("session_closed")
        clean_text = rules.clean_text(text)
        clean_kind = rules.contribution_kind(kind)
        prompt = None
        if prompt_id is not None:
            known = {p["id"] for p in board.prompts}
            if not isinstance(prompt_id, str) or prompt_id not in known:
                raise Rejected("unknown_prompt")
            prompt = prompt_id
        contribution_id = new_id()

        def work(db: Session) -> Outcome:
            # Checked again inside the transaction: two re-sends may race.
            first = log.find_by_client_id(db, session_id, clean_client_id)
            if first is not None:
                return _ack_of(first)
            event = ContributionAdded(contribution_id, participant_id, clean_text, clean_kind,
                                      prompt)
            recorded = log.append(db, session_id, [event], actor=actor or participant_id,
                                  client_id=clean_client_id)
            return Outcome(
                {"ok": True, "seq": recorded[0].seq, "contribution_id": contribution_id},
                recorded,
            )

        outcome = self._write(session_id, work)
        self._committed(session_id, outcome.events)
        return outcome

    def _previous(self, session_id: str, client_id: str) -> Outcome | None:
        with self.db.read() as db:
            first = log.find_by_client_id(db, session_id, client_id)
        return None if first is None else _ack_of(first)


def _ack_of(first: Recorded) -> Outcome:
    """The acknowledgement a recorded contribution was (or would have been) given."""
    event = first.event
    if not isinstance(event, ContributionAdded):
        raise Rejected("invalid_client_id")
    return Outcome({"ok": True, "seq": first.seq, "contribution_id": event.contribution_id})
