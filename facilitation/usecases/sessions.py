"""Use cases: each checks its input against the board, appends events, commits, and
returns what happened. Transports broadcast the returned events after this returns."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import radar, rules
from ..domain.board import Board
from ..domain.errors import Rejected
from ..domain.events import (
    CofacilitatorAdded,
    ContributionAdded,
    Event,
    FloorRequested,
    FloorWithdrawn,
    ParticipantJoined,
    ParticipantRenamed,
    ProfileAnswered,
    RadarRated,
    Recorded,
    SessionCreated,
    VoteCast,
    VoteWithdrawn,
)
from ..domain.kinds import COLLECTING, SESSION_KINDS
from ..store import log
from ..store.db import Database
from ..store.models import MeetingSession, ParticipantToken, TeamMember, utcnow
from ..store.streams import BoardCache

T = TypeVar("T")
CODES_KEPT = 4096  # join codes remembered per process (a few hundred bytes each)


def token_hash(token: str) -> str:
    return rules.secret_hash(token)


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


def append_events(db: Session, board: Board, events: list[Event], actor: str | None,
                  client_id: str | None = None) -> list[Recorded]:
    """Append after the board's last event, in the caller's transaction."""
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
        # join codes seen, to their session: a room of phones joining at once read the
        # same row once per phone (half of a join's work). Trusted only while the board
        # is in memory with that code; a code met again after its session went is read anew
        self._codes: OrderedDict[str, str] = OrderedDict()
        self._codes_lock = threading.Lock()  # (the threading async mode shares it)

    # -- reading ----------------------------------------------------------------------
    def board(self, session_id: str) -> Board:
        board = self.boards.get(session_id)
        if board is None:
            raise Rejected("unknown_session")
        return board

    def session_id_for(self, raw_code: object, *, known: bool = True) -> str:
        """The session a join code opens (`known=False`: read from the database even
        when this process knows the code)."""
        code = rules.normalise_code(raw_code)
        with self._codes_lock:
            cached = self._codes.get(code) if known else None
        if cached is not None:
            board = self.boards.peek(cached)
            if board is not None and board.code == code:
                return cached
        with self.db.read() as db:
            session_id = db.scalar(select(MeetingSession.id).where(MeetingSession.code == code))
        with self._codes_lock:
            if session_id is None:
                self._codes.pop(code, None)
            else:
                self._codes[code] = session_id
                self._codes.move_to_end(code)
                while len(self._codes) > CODES_KEPT:
                    self._codes.popitem(last=False)
        if session_id is None:
            raise Rejected("unknown_session")
        return session_id

    def _by_code(self, raw_code: object, use: Callable[[str], T]) -> T:
        """`use(session_id)` for the session a code opens. When the session this process
        knew under the code is gone (deleted by another process), the code is read anew
        (it may open a newer session) and `use` runs once more."""
        session_id = self.session_id_for(raw_code)
        try:
            return use(session_id)
        except Rejected as error:
            if error.code != "unknown_session":
                raise
            fresh = self.session_id_for(raw_code, known=False)
            if fresh == session_id:
                raise
            return use(fresh)

    def board_by_code(self, raw_code: object) -> Board:
        return self._by_code(raw_code, self.board)

    def phone_board(self, raw_code: object, token: object = None) -> tuple[Board, str | None]:
        """The session a phone asks for by code, and who the phone is in it. A closed
        session answers like an unknown code, except to a phone that took part in it."""
        board = self.board_by_code(raw_code)
        participant_id = self.participant_for(board.session_id, token)
        if board.is_closed and participant_id is None:
            raise Rejected("unknown_session")
        return board, participant_id

    def events_after(self, session_id: str, after: int, limit: int | None = None) -> list[Recorded]:
        with self.db.read() as db:
            return log.read(db, session_id, after=after, limit=limit)

    def sessions_of(self, facilitator_id: int) -> list[Board]:
        """The sessions a facilitator runs or co-facilitates, newest first."""
        team = select(TeamMember.session_id).where(TeamMember.facilitator_id == facilitator_id)
        with self.db.read() as db:
            ids = db.scalars(
                select(MeetingSession.id)
                .where((MeetingSession.facilitator_id == facilitator_id)
                       | MeetingSession.id.in_(team))
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
        programme: object = None, club_id: str | None = None,
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
            code = self.free_code(db)
            db.add(MeetingSession(id=session_id, code=code, facilitator_id=facilitator_id,
                                  programme=clean_programme, club_id=club_id))
            db.flush()
            event = SessionCreated(
                clean_title, clean_kind, clean_language, code, facilitator_id, prompts,
                clean_programme, club_id,
            )
            return append_events(db, board, [event], f"facilitator:{facilitator_id}"), None

        self.boards.transact(session_id, decide)
        return self.board(session_id)

    @staticmethod
    def free_code(db: Session) -> str:
        for _ in range(50):
            code = rules.new_code()
            if db.scalar(select(MeetingSession.id).where(MeetingSession.code == code)) is None:
                return code
        raise RuntimeError("no free join code")

    def authorise(self, session_id: object, facilitator_id: int | None,
                  owner: bool = False) -> str:
        """The session's id if it exists and this facilitator runs it (or co-facilitates
        it, unless `owner`): read from the index tables, before any lock is taken or any
        board loaded, so that an unknown or foreign id costs one query and leaves nothing.
        """
        clean = rules.stream_id(session_id)
        with self.db.read() as db:
            owner_id = db.scalar(select(MeetingSession.facilitator_id)
                                 .where(MeetingSession.id == clean))
            if owner_id is None:
                raise Rejected("unknown_session")
            if facilitator_id is None:
                raise Rejected("forbidden")
            if owner_id == facilitator_id:
                return clean
            if owner or db.scalar(select(TeamMember.session_id).where(
                    TeamMember.session_id == clean,
                    TeamMember.facilitator_id == facilitator_id)) is None:
                raise Rejected("forbidden")
        return clean

    def require_facilitator(self, session_id: str, facilitator_id: int | None) -> Board:
        board = self.board(self.authorise(session_id, facilitator_id))
        check_facilitator(board, facilitator_id)
        return board

    def accept_invitation(self, session_id: str, facilitator_id: int, token: object) -> Board:
        """A facilitator who opens an invitation link joins the session's team."""
        if not isinstance(token, str):
            raise Rejected("invalid_invitation")
        hashed = rules.secret_hash(token)

        def decide(db: Session, board: Board) -> tuple[list[Recorded], None]:
            if board.is_facilitator(facilitator_id):
                return [], None
            if hashed not in board.invitations:
                raise Rejected("invalid_invitation")
            if rules.invitation_expired(board.invitations[hashed], utcnow()):
                raise Rejected("invitation_expired", days=rules.INVITATION_DAYS)
            event = CofacilitatorAdded(facilitator_id, hashed)
            db.add(TeamMember(session_id=session_id, facilitator_id=facilitator_id))
            return append_events(db, board, [event], f"facilitator:{facilitator_id}"), None

        self.boards.transact(session_id, decide)
        return self.board(session_id)

    # -- participants -----------------------------------------------------------------
    def join(self, raw_code: object, token: object = None, name: object = None,
             member_id: str | None = None, held: Mapping[str, str] | None = None,
             gate: Callable[[str], None] | None = None) -> Joined:
        """A phone enters a session: a known token keeps its identity, else a new one.

        `member_id`: a club member came through their personal link (their radars in
        earlier meetings are theirs to compare); a phone known as someone else starts anew.
        `held`: the tokens the phone's connection already holds, by session: one of them
        stands in for a missing or unknown token, so a connection keeps one identity per
        session (its vote budget, its card pace, its block).
        `gate("participant")` / `gate("rename")` is asked before a new identity or a new
        name is recorded, and raises to refuse it (the transport's rate limits).
        A closed session answers like an unknown code, except to a phone that was in it.
        """
        return self._by_code(raw_code, lambda session_id: self._join(
            session_id, token, name, member_id, held, gate))

    def _join(self, session_id: str, token: object, name: object, member_id: str | None,
              held: Mapping[str, str] | None, gate: Callable[[str], None] | None) -> Joined:
        clean_name = rules.clean_name(name)
        known_id = self.participant_for(session_id, token)
        if known_id is None and held and held.get(session_id):
            token = held[session_id]
            known_id = self.participant_for(session_id, token)

        def decide(db: Session, board: Board) -> tuple[list[Recorded], tuple[str, str]]:
            if not board.seq:
                raise Rejected("unknown_session")
            if board.is_closed:
                raise Rejected("session_closed" if known_id in board.participants
                               else "unknown_session")
            known = board.participants.get(known_id or "")
            if known is not None and member_id is not None and known.member_id != member_id:
                known = None
            if known is not None and known_id is not None:
                if name is None or known.name == clean_name:
                    return [], (known_id, str(token))
                if gate is not None:
                    gate("rename")
                renamed = ParticipantRenamed(known_id, clean_name)
                return append_events(db, board, [renamed], known_id), (known_id, str(token))
            if gate is not None:
                gate("participant")
            new_token, participant_id = secrets.token_urlsafe(24), new_id()
            db.add(ParticipantToken(
                id=participant_id, session_id=session_id, token_hash=token_hash(new_token)
            ))
            joined = ParticipantJoined(participant_id, clean_name, member_id)
            return append_events(db, board, [joined], participant_id), (participant_id, new_token)

        joined_board: list[Board] = []  # the board with the join folded (no second read)

        def after(board: Board, result: tuple[str, str]) -> tuple[str, str]:
            joined_board[:] = [board]
            return result

        recorded, (participant_id, new_token) = self.boards.transact(session_id, decide, after)
        return Joined(participant_id, new_token, joined_board[0], recorded)

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
        raw_client_id = rules.client_id(client_id)
        author = actor or participant_id
        clean_client_id = rules.scoped_client_id(author or "", raw_client_id)

        def decide(db: Session, board: Board) -> tuple[list[Recorded], dict[str, Any]]:
            first = log.find_action(db, session_id, clean_client_id, author, raw_client_id,
                                    board.client_ids)
            if first is not None:
                return [], _ack_of(first)
            _check_can_act(board, participant_id)
            if board.phase not in COLLECTING:
                raise Rejected("phase_closed")
            if participant_id is not None and rules.too_fast(board, participant_id, utcnow()):
                raise Rejected("too_fast")
            event = ContributionAdded(
                new_id(), participant_id, rules.clean_text(text),
                rules.contribution_kind(kind), rules.prompt_of(board, prompt_id),
                pending=board.premoderation,
            )
            recorded = append_events(db, board, [event], author, clean_client_id)
            return recorded, {"ok": True, "seq": recorded[0].seq,
                              "contribution_id": event.contribution_id}

        recorded, ack = self.boards.transact(session_id, decide)
        return Outcome(ack, recorded)


    # -- participants' other actions: votes, the speaking queue, profile ---------------
    def _phone_action(
        self,
        session_id: str,
        participant_id: str | None,
        client_id: object,
        build: Callable[[Board, str], list[Event]],
        answer: Callable[[Board, str], dict[str, Any]],
    ) -> Outcome:
        """Run a phone's action once per `client_id`; the answer describes the board after."""
        raw_client_id = rules.client_id(client_id)
        if participant_id is None:
            raise Rejected("not_joined")
        pid = participant_id
        clean_client_id = rules.scoped_client_id(pid, raw_client_id)

        def decide(db: Session, board: Board) -> tuple[list[Recorded], None]:
            if log.find_action(db, session_id, clean_client_id, pid, raw_client_id,
                               board.client_ids):
                return [], None
            _check_can_act(board, pid)
            events = build(board, pid)
            if not events:
                return [], None
            return append_events(db, board, events, pid, clean_client_id), None

        def after(board: Board, _: Any) -> dict[str, Any]:
            return {"ok": True, "seq": board.seq, **answer(board, pid)}

        recorded, ack = self.boards.transact(session_id, decide, after)
        return Outcome(ack, recorded)

    @staticmethod
    def _my_votes(board: Board, pid: str) -> dict[str, Any]:
        mine = board.votes.get(pid, [])
        return {"my_votes": list(mine), "remaining": max(0, board.vote_budget - len(mine))}

    def vote(self, session_id: str, participant_id: str | None, client_id: object,
             target_id: object) -> Outcome:
        """One dot on a theme or a card, within the participant's budget."""

        def build(board: Board, pid: str) -> list[Event]:
            if board.phase != "vote":
                raise Rejected("phase_closed")
            if not isinstance(target_id, str) or target_id not in {
                item["id"] for item in board.ballot()
            }:
                raise Rejected("unknown_target")
            if len(board.votes.get(pid, [])) >= board.vote_budget:
                raise Rejected("vote_budget_exceeded", limit=board.vote_budget)
            return [VoteCast(pid, target_id)]

        return self._phone_action(session_id, participant_id, client_id, build, self._my_votes)

    def unvote(self, session_id: str, participant_id: str | None, client_id: object,
               target_id: object) -> Outcome:
        def build(board: Board, pid: str) -> list[Event]:
            if board.phase != "vote":
                raise Rejected("phase_closed")
            if target_id not in board.votes.get(pid, []):
                return []
            return [VoteWithdrawn(pid, str(target_id))]

        return self._phone_action(session_id, participant_id, client_id, build, self._my_votes)

    @staticmethod
    def _floor_position(board: Board, pid: str) -> dict[str, Any]:
        queue = board.floor.queue
        return {"position": queue.index(pid) + 1 if pid in queue else None,
                "has_floor": board.floor.speaking == pid}

    def request_floor(self, session_id: str, participant_id: str | None,
                      client_id: object) -> Outcome:
        """"I'd like to speak": a place at the end of the speaking queue."""

        def build(board: Board, pid: str) -> list[Event]:
            if pid in board.floor.queue or board.floor.speaking == pid:
                return []
            return [FloorRequested(pid)]

        return self._phone_action(session_id, participant_id, client_id, build,
                                  self._floor_position)

    def withdraw_floor(self, session_id: str, participant_id: str | None,
                       client_id: object) -> Outcome:
        def build(board: Board, pid: str) -> list[Event]:
            return [FloorWithdrawn(pid)] if pid in board.floor.queue else []

        return self._phone_action(session_id, participant_id, client_id, build,
                                  self._floor_position)

    def rate_radar(self, session_id: str, participant_id: str | None, client_id: object,
                   ratings: object) -> Outcome:
        """A participant rates themself on some axes of the open radar (1 to 5)."""

        def build(board: Board, pid: str) -> list[Event]:
            current = board.radars.get(board.radar or "")
            if current is None or not current.open:
                raise Rejected("radar_closed")
            axes = {axis["id"] for axis in current.axes}
            if not isinstance(ratings, dict) or not ratings or any(
                key not in axes or isinstance(value, bool) or not isinstance(value, int)
                or not radar.RATING_MIN <= value <= radar.RATING_MAX
                for key, value in ratings.items()
            ):
                raise Rejected("invalid_ratings")
            return [RadarRated(pid, current.id, dict(ratings))]

        def answer(board: Board, pid: str) -> dict[str, Any]:
            current = board.radars.get(board.radar or "")
            return {"my_ratings": dict(current.ratings.get(pid, {})) if current else {}}

        return self._phone_action(session_id, participant_id, client_id, build, answer)

    def answer_profile(self, session_id: str, participant_id: str | None, client_id: object,
                       answers: object) -> Outcome:
        """Answers to the profile questions the facilitator asked (categories, no names)."""

        def build(board: Board, pid: str) -> list[Event]:
            clean = rules.profile_answers(board.profile_questions, answers)
            return [ProfileAnswered(pid, clean)] if clean else []

        return self._phone_action(
            session_id, participant_id, client_id, build,
            lambda board, pid: {"profile": dict(board.participants[pid].profile)},
        )

def _check_can_act(board: Board, participant_id: str | None) -> None:
    """A phone may act: the session exists and is open, and it is not blocked."""
    if not board.seq:
        raise Rejected("unknown_session")
    if board.is_closed:
        raise Rejected("session_closed")
    participant = board.participants.get(participant_id or "")
    if participant is not None and participant.blocked:
        raise Rejected("blocked")


def check_facilitator(board: Board, facilitator_id: int | None, owner: bool = False) -> None:
    """The session's facilitator (or a co-facilitator, unless `owner` is required)."""
    if not board.seq:
        raise Rejected("unknown_session")
    allowed = (facilitator_id == board.facilitator_id if owner
               else board.is_facilitator(facilitator_id))
    if facilitator_id is None or not allowed:
        raise Rejected("forbidden")
