"""Syntheses of sessions and programmes, built from the boards (use-case level)."""

from __future__ import annotations

from sqlalchemy import select

from . import accounts
from .commands import Service
from .errors import Rejected
from .models import MeetingSession
from .synthesis import Synthesis, build
from .synthesis.programme import ProgrammeSynthesis, merge


def session_synthesis(service: Service, session_id: str, facilitator_id: int | None) -> Synthesis:
    """The synthesis of one session, for its facilitators."""
    board = service.require_facilitator(session_id, facilitator_id)
    team = [board.facilitator_id, *sorted(board.cofacilitators)]
    names = accounts.names(service.db, [i for i in team if i is not None])
    return service.boards.view(session_id, lambda b: build(b, tuple(names)))  # type: ignore[return-value]


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
    syntheses = [session_synthesis(service, sid, facilitator_id) for sid in ids]
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
