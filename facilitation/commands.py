"""Use cases: each checks its input against the board, appends events, commits, and
returns what happened. Transports broadcast the returned events after this returns."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import grouping, log, rules
from .board import Board
from .db import Database
from .errors import Rejected
from .events import (
    CardMoved,
    ContributionAdded,
    Event,
    GroupingSet,
    ParticipantJoined,
    ParticipantRenamed,
    PhaseChanged,
    Recorded,
    SessionCreated,
    ThemePinned,
    ThemeRenamed,
    ThemesMerged,
    ThemesUpdated,
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
        self, facilitator_id: int, title: object, kind: object, language: object = "fr",
        programme: object = None,
    ) -> Board:
        """Open a session with a fresh join code and the kind's default prompts."""
        clean_programme = rules.clean_programme(programme)
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
            db.add(MeetingSession(id=session_id, code=code, facilitator_id=facilitator_id,
                                  programme=clean_programme))
            db.flush()
            event = SessionCreated(
                clean_title, clean_kind, clean_language, code, facilitator_id, prompts,
                clean_programme,
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


# -- grouping -------------------------------------------------------------------------
FACILITATOR_COMMANDS = ("move_card", "merge_themes", "rename_theme", "pin_theme",
                        "set_grouping", "change_phase", "regroup")


class GroupingCommands:
    """The facilitator's corrections of the grouping, and the engine's results."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def apply_result(self, session_id: str, result: ThemesUpdated) -> list[Recorded]:
        """Record the engine's themes unless the facilitator changed things meanwhile."""

        def decide(db: Session, board: Board) -> tuple[list[Recorded], None]:
            if not grouping.still_valid(board, result) or result.based_on <= board.grouped_seq:
                return [], None
            return _append(db, board, [result], "machine"), None

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
        if kind not in FACILITATOR_COMMANDS:
            raise Rejected("unknown_command")
        if kind == "change_phase":
            return self.service.change_phase(session_id, facilitator_id, data.get("phase"))
        client_id = data.get("client_id")
        clean_client_id = None if client_id is None else rules.client_id(client_id)
        build = {
            "move_card": self._move, "merge_themes": self._merge, "rename_theme": self._rename,
            "pin_theme": self._pin, "set_grouping": self._settings, "regroup": self._regroup,
        }[kind]

        def decide(db: Session, board: Board) -> tuple[list[Recorded], dict[str, Any]]:
            _check_owner(board, facilitator_id)
            if clean_client_id is not None:
                first = log.find_by_client_id(db, session_id, clean_client_id)
                if first is not None:
                    return [], {"ok": True, "seq": first.seq}
            events = build(board, data)
            if not events:
                return [], {"ok": True, "seq": board.seq}
            recorded = _append(db, board, events, f"facilitator:{facilitator_id}",
                               clean_client_id)
            return recorded, {"ok": True, "seq": recorded[-1].seq}

        recorded, ack = self.service.boards.transact(session_id, decide)
        return Outcome(ack, recorded)

    @staticmethod
    def _theme(board: Board, raw: object) -> str:
        if not isinstance(raw, str) or raw not in board.themes:
            raise Rejected("unknown_theme")
        return raw

    def _move(self, board: Board, data: dict[str, Any]) -> list[Event]:
        card_id = data.get("contribution_id")
        if not isinstance(card_id, str) or card_id not in board.contributions:
            raise Rejected("unknown_contribution")
        target = data.get("theme_id")
        label = None
        if target is None:  # split: the card starts a new theme of its own
            target = "h" + new_id()
            label = rules.clean_label(data["label"]) if data.get("label") else None
        else:
            target = self._theme(board, target)
            if board.themes[target].kind not in (None, board.contributions[card_id].kind):
                raise Rejected("kind_mismatch")
        return [CardMoved(card_id, target, label)]

    def _merge(self, board: Board, data: dict[str, Any]) -> list[Event]:
        into = self._theme(board, data.get("into"))
        raw = data.get("theme_ids")
        if not isinstance(raw, list) or not raw:
            raise Rejected("invalid_payload", field="theme_ids")
        ids = tuple(self._theme(board, tid) for tid in raw if tid != into)
        if any(board.themes[tid].kind != board.themes[into].kind for tid in ids):
            raise Rejected("kind_mismatch")
        return [ThemesMerged(ids, into)] if ids else []

    def _rename(self, board: Board, data: dict[str, Any]) -> list[Event]:
        theme_id = self._theme(board, data.get("theme_id"))
        return [ThemeRenamed(theme_id, rules.clean_label(data.get("label")))]

    def _pin(self, board: Board, data: dict[str, Any]) -> list[Event]:
        theme_id = self._theme(board, data.get("theme_id"))
        pinned = data.get("pinned", True)
        if not isinstance(pinned, bool):
            raise Rejected("invalid_payload", field="pinned")
        return [ThemePinned(theme_id, pinned)]

    def _settings(self, board: Board, data: dict[str, Any]) -> list[Event]:
        current = board.grouping
        auto = data.get("auto", current.auto)
        locked = data.get("locked", current.locked)
        granularity = data.get("granularity", current.granularity)
        if not isinstance(auto, bool) or not isinstance(locked, bool):
            raise Rejected("invalid_payload", field="auto")
        if isinstance(granularity, bool) or not isinstance(granularity, int | float) or not (
            0 <= granularity <= 1
        ):
            raise Rejected("invalid_granularity")
        return [GroupingSet(auto, locked, round(float(granularity), 2))]

    def _regroup(self, board: Board, data: dict[str, Any]) -> list[Event]:
        if board.grouping.locked:
            raise Rejected("board_locked")
        return []  # nothing to record: the transport schedules a regrouping now
