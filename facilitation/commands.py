"""Use cases: each checks its input against the board, appends events, commits, and
returns what happened. Transports broadcast the returned events after this returns."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import log, rules
from .board import Board
from .db import Database
from .errors import Rejected
from .events import (
    ContributionAdded,
    Event,
    ParticipantJoined,
    ParticipantRenamed,
    PhaseChanged,
    Recorded,
    SessionCreated,
)
from .kinds import SESSION_KINDS
from .models import MeetingSession, ParticipantToken
from .projections import BoardCache


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


def _append(db: Session, board: Board, events: list[Event], actor: str | None,
            client_id: str | None = None) -> list[Recorded]:
    return log.append(db, board.session_id, events, actor=actor, client_id=client_id,
                      after=board.seq)


def _ack_of(first: Recorded) -> dict[str, Any]:
    """The acknowledgement a recorded contribution was given (for a re-send)."""
    event = first.event
    if not isinstance(event, ContributionAdded):
        raise Rejected("invalid_client_id")
    return {"ok": True, "seq": first.seq, "contribution_id": event.contribution_id}


class Service:
    """The use cases of live sessions over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.boards = BoardCache(db)

    # -- reading ----------------------------------------------------------------------
    def board(self, session_id: str) -> Board:
        board = self.boards.get(session_id)
        if board is None:
            raise Rejected("unknown_session")
        return board

    def session_id_for(self, raw_code: object) -> str:
        code = rules.normalise_code(raw_code)
        with self.db.read() as db:
            session_id = db.scalar(select(MeetingSession.id).where(MeetingSession.code == code))
        if session_id is None:
            raise Rejected("unknown_session")
        return session_id

    def board_by_code(self, raw_code: object) -> Board:
        return self.board(self.session_id_for(raw_code))

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

    def participant_for(self, session_id: str, token: object) -> str | None:
        """The participant a token belongs to in this session, if any."""
        if not isinstance(token, str) or not token:
            return None
        with self.db.read() as db:
            return db.scalar(
                select(ParticipantToken.id).where(
                    ParticipantToken.token_hash == token_hash(token),
                    ParticipantToken.session_id == session_id,
                )
            )

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

        def decide(db: Session, board: Board) -> tuple[list[Recorded], None]:
            code = self._free_code(db)
            db.add(MeetingSession(id=session_id, code=code, facilitator_id=facilitator_id))
            db.flush()
            event = SessionCreated(
                clean_title, clean_kind, clean_language, code, facilitator_id, prompts
            )
            return _append(db, board, [event], f"facilitator:{facilitator_id}"), None

        self.boards.transact(session_id, decide)
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
        _check_owner(board, facilitator_id)
        return board

    def change_phase(self, session_id: str, facilitator_id: int | None, phase: object) -> Outcome:
        new_phase = rules.phase(phase)

        def decide(db: Session, board: Board) -> tuple[list[Recorded], None]:
            _check_owner(board, facilitator_id)
            if new_phase == board.phase:
                return [], None
            event = PhaseChanged(new_phase, board.phase)
            return _append(db, board, [event], f"facilitator:{facilitator_id}"), None

        recorded, _ = self.boards.transact(session_id, decide)
        return Outcome({"ok": True, "seq": self.board(session_id).seq}, recorded)

    # -- participants -----------------------------------------------------------------
    def join(self, raw_code: object, token: object = None, name: object = None) -> Joined:
        """A phone enters a session: a known token keeps its identity, else a new one."""
        session_id = self.session_id_for(raw_code)
        clean_name = rules.clean_name(name)
        known_id = self.participant_for(session_id, token)

        def decide(db: Session, board: Board) -> tuple[list[Recorded], tuple[str, str]]:
            if not board.seq:
                raise Rejected("unknown_session")
            if board.is_closed:
                raise Rejected("session_closed")
            if known_id is not None:
                known = board.participants.get(known_id)
                if name is None or (known is not None and known.name == clean_name):
                    return [], (known_id, str(token))
                renamed = ParticipantRenamed(known_id, clean_name)
                return _append(db, board, [renamed], known_id), (known_id, str(token))
            new_token, participant_id = secrets.token_urlsafe(24), new_id()
            db.add(ParticipantToken(
                id=participant_id, session_id=session_id, token_hash=token_hash(new_token)
            ))
            joined = ParticipantJoined(participant_id, clean_name)
            return _append(db, board, [joined], participant_id), (participant_id, new_token)

        recorded, (participant_id, new_token) = self.boards.transact(session_id, decide)
        return Joined(participant_id, new_token, self.board(session_id), recorded)

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

        def decide(db: Session, board: Board) -> tuple[list[Recorded], dict[str, Any]]:
            first = log.find_by_client_id(db, session_id, clean_client_id)
            if first is not None:
                return [], _ack_of(first)
            if not board.seq:
                raise Rejected("unknown_session")
            if board.is_closed:
                raise Rejected("session_closed")
            event = ContributionAdded(
                new_id(), participant_id, rules.clean_text(text),
                rules.contribution_kind(kind), _prompt(board, prompt_id),
            )
            recorded = _append(db, board, [event], actor or participant_id, clean_client_id)
            return recorded, {"ok": True, "seq": recorded[0].seq,
                              "contribution_id": event.contribution_id}

        recorded, ack = self.boards.transact(session_id, decide)
        return Outcome(ack, recorded)


def _check_owner(board: Board, facilitator_id: int | None) -> None:
    if not board.seq:
        raise Rejected("unknown_session")
    if facilitator_id is None or board.facilitator_id != facilitator_id:
        raise Rejected("forbidden")


def _prompt(board: Board, prompt_id: object) -> str | None:
    if prompt_id is None:
        return None
    if not isinstance(prompt_id, str) or prompt_id not in {p["id"] for p in board.prompts}:
        raise Rejected("unknown_prompt")
    return prompt_id
