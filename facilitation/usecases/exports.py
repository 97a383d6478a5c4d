"""Syntheses of sessions and programmes, built from the boards (use-case level)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..domain.board import Board
from ..domain.errors import Rejected
from ..domain.events import PhaseChanged
from ..store.models import MeetingSession
from ..synthesis import Synthesis, build
from ..synthesis.club import ClubSection, club_at, club_section
from ..synthesis.programme import ProgrammeSynthesis, merge
from . import accounts
from .clubs import Clubs
from .sessions import Service


def session_synthesis(service: Service, session_id: str, facilitator_id: int | None,
                      clubs: Clubs | None = None, *, with_club: bool = True) -> Synthesis:
    """The synthesis of one session, for its facilitators. A club meeting's gets the
    section "Projets du club" (`clubs`: the app's instance, to share its cache; a new
    one over `service` otherwise); `with_club=False` leaves it out (programme merges)."""
    board = service.require_facilitator(session_id, facilitator_id)
    team = [board.facilitator_id, *sorted(board.cofacilitators)]
    names = accounts.names(service.db, [i for i in team if i is not None])
    club = None
    if with_club and board.club_id:
        club = _club_section(service, clubs or Clubs(service), board)
    return service.boards.view(session_id, lambda b: build(b, tuple(names), club))  # type: ignore[return-value]


def _club_section(service: Service, clubs: Clubs, board: Board) -> ClubSection | None:
    """The club's projects as the meeting left them: as they stand now while it is open,
    as they stood when it closed once closed (a later update does not rewrite an old
    meeting's document). None when the club is unknown here."""
    club_id, session_id = board.club_id or "", board.session_id
    try:
        clubs.require(club_id, board.facilitator_id)  # the club of the meeting's owner only
    except Rejected:
        return None
    closed_at = _closed_at(service, session_id) if board.is_closed else None
    if closed_at is None:
        return clubs.streams.view(club_id,
                                  lambda c: club_section(c, session_id, board.language))
    state = club_at(club_id, service.events_after(club_id, 0), session_id, closed_at)
    return club_section(state, session_id, board.language)


def _closed_at(service: Service, session_id: str) -> datetime | None:
    """When the session was (last) closed."""
    closed = [r.created_at for r in service.events_after(session_id, 0)
              if isinstance(r.event, PhaseChanged) and r.event.phase == "closed"]
    return closed[-1] if closed else None


def programme_names(service: Service, facilitator_id: int) -> list[str]:
    with service.db.read() as db:
        return sorted(set(db.scalars(
            select(MeetingSession.programme).where(
                MeetingSession.facilitator_id == facilitator_id,
                MeetingSession.programme.is_not(None),
            )
        )))


def programme_synthesis(
    service: Service,
    facilitator_id: int,
    name: str,
    backend: str,
    here: str | None = None,
    there: str | None = None,
) -> ProgrammeSynthesis:
    """All the facilitator's sessions of a programme, their themes merged."""
    with service.db.read() as db:
        ids = db.scalars(
            select(MeetingSession.id).where(
                MeetingSession.facilitator_id == facilitator_id,
                MeetingSession.programme == name,
            ).order_by(MeetingSession.created_at)
        ).all()
    if not ids:
        raise Rejected("unknown_programme")
    syntheses = [session_synthesis(service, sid, facilitator_id, with_club=False)
                 for sid in ids]
    territories = {s.territory for s in syntheses if s.territory}
    if here is None and there is None:
        here, there = _linked_territories(service, list(ids))
    for side in (here, there):
        if side is not None and side not in territories:
            raise Rejected("unknown_territory", territory=side)
    return merge(syntheses, name, backend=backend, here=here, there=there)


def _linked_territories(service: Service, ids: list[str]) -> tuple[str | None, str | None]:
    """The two territories of the programme's first linked pair (double-espace), if any:
    the "here and there" comparison then needs no choosing."""
    for sid in ids:
        board = service.boards.get(sid)
        if board is None or not board.linked or board.linked not in ids:
            continue
        other = service.boards.get(board.linked)
        if other and board.territory and other.territory and board.territory != other.territory:
            return board.territory, other.territory
    return None, None
