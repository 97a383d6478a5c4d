"""Use cases of clubs entreprendre: members with personal links, their projects' follow-up
("démarche progrès") and the club's meetings. A club's members and projects live in its
own event stream (same log, same write path as sessions); `clubs` and `member_links`
are indexes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..domain import rules
from ..domain.board import Board
from ..domain.club import Club, Member, apply, clean_changes
from ..domain.errors import Rejected
from ..domain.events import (
    ClubCreated,
    Event,
    MemberAdded,
    MemberLinkIssued,
    MemberRenamed,
    ProjectUpdated,
    Recorded,
)
from ..store import log
from ..store.db import Database
from ..store.models import Club as ClubRow
from ..store.models import MeetingSession, MemberLink
from ..store.streams import StreamCache
from .sessions import Joined, Service, new_id


@dataclass(frozen=True)
class MemberAccess:
    """Who a personal link opens the door for."""

    club_id: str
    member_id: str
    since: datetime | None = None  # when this link was issued: it reads ratings from then on


class Clubs:
    """Clubs over the sessions' service (meetings are sessions with a `club_id`)."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.db: Database = service.db
        self.streams: StreamCache[Club] = StreamCache(service.db, Club, apply)

    # -- reading ----------------------------------------------------------------------
    def _owner(self, club_id: object) -> int | None:
        """The club's facilitator from the index (None: no such club). Checked before the
        stream cache is touched, so made-up ids cost one query and leave nothing behind."""
        if not isinstance(club_id, str) or not club_id:
            return None
        with self.db.read() as db:
            return db.scalar(select(ClubRow.facilitator_id).where(ClubRow.id == club_id))

    def _load(self, club_id: str) -> Club:
        """The club's state, caught up (its index row was checked by the caller)."""
        club = self.streams.get(club_id)
        if club is None or not club.name:
            raise Rejected("unknown_club")
        return club

    def club(self, club_id: str) -> Club:
        if self._owner(club_id) is None:
            raise Rejected("unknown_club")
        return self._load(club_id)

    def require(self, club_id: object, facilitator_id: int | None) -> Club:
        """The club, for its facilitator only (others learn nothing: `unknown_club`)."""
        if facilitator_id is None or self._owner(club_id) != facilitator_id:
            raise Rejected("unknown_club")
        return self._load(str(club_id))

    def view(self, club_id: str) -> dict[str, Any]:
        return self.streams.view(club_id, Club.to_dict) or {}

    def clubs_of(self, facilitator_id: int) -> list[Club]:
        with self.db.read() as db:
            ids = db.scalars(select(ClubRow.id).where(ClubRow.facilitator_id == facilitator_id)
                             .order_by(ClubRow.created_at)).all()
        return [self.club(club_id) for club_id in ids]

    def meetings(self, club_id: str) -> list[Board]:
        """The club's meetings, oldest first."""
        with self.db.read() as db:
            ids = db.scalars(select(MeetingSession.id).where(MeetingSession.club_id == club_id)
                             .order_by(MeetingSession.created_at)).all()
        return [board for sid in ids if (board := self.service.boards.get(sid)) is not None]

    def current_meeting(self, club_id: str) -> Board | None:
        """The newest meeting still open."""
        open_ones = [b for b in self.meetings(club_id) if not b.is_closed]
        return open_ones[-1] if open_ones else None

    def member_by_link(self, token: object) -> MemberAccess:
        if not isinstance(token, str) or not token:
            raise Rejected("invalid_member_link")
        with self.db.read() as db:
            row = db.get(MemberLink, rules.secret_hash(token))
        if row is None:
            raise Rejected("invalid_member_link")
        member = self.club(row.club_id).members.get(row.member_id)
        since = member.link_window()[0] if member else None
        return MemberAccess(row.club_id, row.member_id, since)

    # -- writing ----------------------------------------------------------------------
    def _record(self, club_id: str, events: list[Event], actor: str,
                check: Any = None) -> list[Recorded]:
        def decide(db: Session, club: Club) -> tuple[list[Recorded], None]:
            if check is not None:
                check(db, club)
            return log.append(db, club_id, events, actor=actor, after=club.seq), None

        recorded, _ = self.streams.transact(club_id, decide)
        return recorded

    def create(self, facilitator_id: int, name: object, language: object = "fr") -> Club:
        """A club; its name is also the programme name of its meetings."""
        clean_name = rules.clean_programme(name)
        if not clean_name:
            raise Rejected("empty_title")
        clean_language = rules.language(language)
        club_id = new_id()

        def add_row(db: Session, club: Club) -> None:
            db.add(ClubRow(id=club_id, facilitator_id=facilitator_id, name=clean_name))
            db.flush()

        self._record(club_id, [ClubCreated(clean_name, clean_language, facilitator_id)],
                     f"facilitator:{facilitator_id}", add_row)
        return self.club(club_id)

    def add_member(self, club_id: str, facilitator_id: int, name: object) -> tuple[str, str]:
        """A member (first name or pseudonym): their id and personal link's secret."""
        self.require(club_id, facilitator_id)
        clean_name = rules.clean_name(name)
        if not clean_name:
            raise Rejected("empty_name")
        member_id = new_id()
        token = secrets.token_urlsafe(18)

        def add_link(db: Session, club: Club) -> None:
            db.add(MemberLink(token_hash=rules.secret_hash(token), club_id=club_id,
                              member_id=member_id))

        self._record(club_id, [MemberAdded(member_id, clean_name),
                               MemberLinkIssued(member_id, rules.secret_hash(token))],
                     f"facilitator:{facilitator_id}", add_link)
        return member_id, token

    def reissue_link(self, club_id: str, facilitator_id: int, member_id: str) -> str:
        """A new personal link for a member; the old one stops working (lost phone)."""
        self._member(self.require(club_id, facilitator_id), member_id)
        token = secrets.token_urlsafe(18)

        def swap(db: Session, club: Club) -> None:
            db.execute(delete(MemberLink).where(MemberLink.club_id == club_id,
                                                MemberLink.member_id == member_id))
            db.add(MemberLink(token_hash=rules.secret_hash(token), club_id=club_id,
                              member_id=member_id))

        self._record(club_id, [MemberLinkIssued(member_id, rules.secret_hash(token))],
                     f"facilitator:{facilitator_id}", swap)
        return token

    def rename_member(self, club_id: str, facilitator_id: int, member_id: str,
                      name: object) -> list[Recorded]:
        self._member(self.require(club_id, facilitator_id), member_id)
        clean_name = rules.clean_name(name)
        if not clean_name:
            raise Rejected("empty_name")
        return self._record(club_id, [MemberRenamed(member_id, clean_name)],
                            f"facilitator:{facilitator_id}")

    def update_project(self, club_id: str, member_id: str, changes: object, *,
                       facilitator_id: int | None = None, by_member: bool = False,
                       session_id: str | None = None) -> list[Recorded]:
        """Record what changed in a member's project (nothing when nothing changed).

        By the facilitator (during a meeting: `session_id`) or by the member themself."""
        club = self.club(club_id) if by_member else self.require(club_id, facilitator_id)
        self._member(club, member_id)
        if session_id is not None and (not isinstance(session_id, str) or session_id not in {
                b.session_id for b in self.meetings(club_id)}):
            raise Rejected("unknown_session")
        actor = f"member:{member_id}" if by_member else f"facilitator:{facilitator_id}"
        recorded: list[Recorded] = []

        def decide(db: Session, club: Club) -> tuple[list[Recorded], None]:
            member = self._member(club, member_id)
            clean = clean_changes(changes, member.project.fields(), set(club.members))
            if not clean:
                return [], None
            event = ProjectUpdated(member_id, clean, session_id)
            return log.append(db, club_id, [event], actor=actor, after=club.seq), None

        recorded, _ = self.streams.transact(club_id, decide)
        return recorded

    @staticmethod
    def _member(club: Club, member_id: object) -> Member:
        member = club.members.get(member_id) if isinstance(member_id, str) else None
        if member is None:
            raise Rejected("unknown_member")
        return member

    # -- meetings -----------------------------------------------------------------------
    def open_meeting(self, club_id: str, facilitator_id: int, title: object) -> Board:
        """A club meeting: a session of kind "club", the club's name as its programme."""
        club = self.require(club_id, facilitator_id)
        return self.service.create_session(facilitator_id, title, "club", club.language,
                                           programme=club.name, club_id=club_id)

    def join_meeting(self, access: MemberAccess, token: object = None) -> Joined:
        """A member enters the club's open meeting under their pseudonym, as themself:
        a phone that already joined keeps its identity."""
        meeting = self.current_meeting(access.club_id)
        if meeting is None:
            raise Rejected("no_meeting")
        member = self._member(self.club(access.club_id), access.member_id)
        return self.service.join(meeting.code, token, member.name, member_id=member.id)

    def earlier_radars(self, club_id: str, member_id: str, before: str | None = None,
                       window: tuple[datetime | None, datetime | None] = (None, None),
                       ) -> list[dict[str, Any]]:
        """A member's own ratings in the club's meetings (newest first), except `before`'s,
        given through the personal link of `window` only (see `Member.link_window`)."""
        found: list[dict[str, Any]] = []
        for board in reversed(self.meetings(club_id)):
            if board.session_id == before:
                continue
            mine = self.service.boards.view(
                board.session_id, lambda b: b.member_ratings(member_id, *window))
            found += mine or []
        return found

    def phone_view(self, session_id: str, participant_id: str | None) -> dict[str, Any] | None:
        """What a phone shows; a club member's radar comes with their radars of earlier
        meetings (newest first) to compare."""

        def read(board: Board) -> tuple[dict[str, Any], str | None, str | None,
                                        datetime | None]:
            participant = board.participants.get(participant_id or "")
            member_id = participant.member_id if participant else None
            joined_at = participant.joined_at if participant else None
            return board.to_participant_dict(participant_id), board.club_id, member_id, joined_at

        found = self.service.boards.view(session_id, read)
        if found is None:
            return None
        view, club_id, member_id, joined_at = found
        if "radar" in view and club_id and member_id and joined_at is not None:
            member = self.club(club_id).members.get(member_id)
            if member is not None:  # the ratings of the link this phone came through
                window = member.link_window(joined_at)
                view["my_earlier"] = [*view.get("my_earlier", []),
                                      *self.earlier_radars(club_id, member_id,
                                                           before=session_id, window=window)]
        return view
