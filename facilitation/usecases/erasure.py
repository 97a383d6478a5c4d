"""Erasure and retention: delete a session for good, erase one participant's
contributions, remove a club member and everything of theirs, purge closed sessions after
N days. "For good": the text is in no table, not in the SQLite file or its WAL, not in
any export (see docs/architecture.md, "Erasure")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clustering
from ..domain import erasure as plan
from ..domain.board import Board
from ..domain.club import Club
from ..domain.errors import Rejected
from ..domain.events import ContributionsErased, Event, MemberRemoved, Recorded
from ..store import erasure as rows
from ..store import log
from ..store.models import EventRow, MeetingSession, utcnow
from .clubs import Clubs
from .pairs import unpair_from
from .sessions import Service, append_events


@dataclass(frozen=True)
class Erased:
    """What an erasure did: the tombstone(s) to broadcast, and counts for the report."""

    events: list[Recorded]
    rows_rewritten: int
    cards: int


def _forget_texts(texts: Iterable[str]) -> None:
    """The grouping engine's vectors are keyed by card text: drop the erased ones."""
    clustering.forget(list(texts))


Committed = Callable[[str, list[Recorded]], None]


def delete_session(service: Service, session_id: str, facilitator_id: int | None,
                   committed: Committed = lambda *_: None) -> int:
    """Delete a session and every row of it (events, phones' tokens, team, index); only
    its owner may. The number of events deleted. It answers like an unknown one after."""
    board = service.board(session_id)
    if facilitator_id is None or board.facilitator_id != facilitator_id:
        raise Rejected("forbidden")
    return delete_for_good(service, session_id, committed)


def delete_for_good(service: Service, session_id: str,
                    committed: Committed = lambda *_: None) -> int:
    """Delete a session whoever owns it (the server's operator: CLI, retention). A
    double-espace partner is unpaired first (`session_linked(None)` in its log, handed to
    `committed` to broadcast): it would otherwise point at a session that is gone."""
    board = service.boards.get(session_id)
    partner = board.linked if board is not None else None
    if partner and service.boards.get(partner) is not None:
        unpaired = unpair_from(service, partner, session_id)
        if unpaired:
            committed(partner, unpaired)
    texts = service.boards.view(session_id, _all_texts) or []
    deleted = service.boards.delete(session_id, lambda db: rows.delete_stream(db, session_id))
    rows.scrub(service.db)
    _forget_texts(texts)
    return deleted


def _all_texts(board: Board) -> list[str]:
    return [text for card in board.contributions.values()
            for text in (card.text, card.original_text) if text]


def erase_participant(service: Service, session_id: str, facilitator_id: int | None,
                      participant_id: object) -> Erased:
    """Erase a participant's cards (every version), name, profile answers and radar
    ratings in a session, at their request (a facilitator of the session does it)."""
    service.require_facilitator(session_id, facilitator_id)
    return _erase_participant(service, session_id, participant_id,
                              f"facilitator:{facilitator_id}")


def erase_speaker(service: Service, session_id: str, facilitator_id: int | None,
                  speaker: object) -> Erased:
    """Erase the cards a facilitator typed for a speaker (what they said aloud, under
    their name), every version, at that person's request."""
    service.require_facilitator(session_id, facilitator_id)
    if not isinstance(speaker, str) or not plan.speaker_key(speaker):
        raise Rejected("invalid_payload", field="speaker")
    key = plan.speaker_key(speaker)
    return _erase(service, session_id, f"facilitator:{facilitator_id}",
                  lambda board: any(card.participant_id is None and card.speaker
                                    and plan.speaker_key(card.speaker) == key
                                    for card in board.contributions.values()),
                  "unknown_speaker", lambda records: plan.speaker_erasure(records, speaker),
                  None)


def _erase_participant(service: Service, session_id: str, participant_id: object,
                       actor: str, forget_phone: bool = False) -> Erased:
    if not isinstance(participant_id, str):
        raise Rejected("unknown_participant")
    return _erase(service, session_id, actor,
                  lambda board: participant_id in board.participants, "unknown_participant",
                  lambda records: plan.participant_erasure(records, participant_id),
                  participant_id, forget_phone)


def _erase(service: Service, session_id: str, actor: str, known: Callable[[Board], bool],
           unknown: str,
           rewrites_of: Callable[[list[Recorded]], tuple[dict[int, Event], list[str]]],
           participant_id: str | None, forget_phone: bool = False) -> Erased:
    texts: list[str] = []
    counts = [0, 0]

    def decide(db: Session, board: Board) -> tuple[list[Recorded], None]:
        if not known(board):
            raise Rejected(unknown)
        rewrites, cards = rewrites_of(log.read(db, session_id))
        texts[:] = [text for cid in cards if cid in board.contributions
                    for text in (board.contributions[cid].text,
                                 board.contributions[cid].original_text) if text]
        counts[:] = [rows.rewrite(db, session_id, rewrites), len(cards)]
        rows.delete_clips(db, session_id, cards)  # their voice cards' audio
        if forget_phone and participant_id is not None:  # their phone's token too: it
            rows.delete_participant_token(db, participant_id)  # joins anew, as someone else
        tombstone = ContributionsErased(participant_id, tuple(cards))
        return append_events(db, board, [tombstone], actor), None

    recorded, _ = service.boards.transact(session_id, decide)
    service.boards.forget(session_id)  # rebuilt from the rewritten rows at the next read
    rows.scrub(service.db)
    _forget_texts(texts)
    return Erased(recorded, counts[0], counts[1])


def remove_member(clubs: Clubs, club_id: str, facilitator_id: int | None,
                  member_id: object) -> Erased:
    """Remove a club member and everything of theirs: their personal links, name and
    project records in the club's log, and in every meeting of the club their cards,
    name, profile and radar ratings."""
    club = clubs.require(club_id, facilitator_id)
    clubs._member(club, member_id)
    assert isinstance(member_id, str)
    actor = f"facilitator:{facilitator_id}"
    events: list[Recorded] = []
    rewritten = cards = 0
    with clubs.db.read() as db:
        meetings = rows.club_session_ids(db, club_id)
    for session_id in meetings:
        theirs = clubs.service.boards.view(session_id, lambda board: [
            p.id for p in board.participants.values() if p.member_id == member_id]) or []
        for participant in theirs:
            done = _erase_participant(clubs.service, session_id, participant, actor,
                                      forget_phone=True)
            events += done.events
            rewritten, cards = rewritten + done.rows_rewritten, cards + done.cards
    counted = [0]

    def decide(db: Session, club: Club) -> tuple[list[Recorded], None]:
        rewrites = plan.member_erasure(log.read(db, club_id), member_id)
        counted[0] = rows.rewrite(db, club_id, rewrites)
        rows.delete_member_links(db, club_id, member_id)
        return log.append(db, club_id, [MemberRemoved(member_id)], actor=actor,
                          after=club.seq), None

    recorded, _ = clubs.streams.transact(club_id, decide)
    clubs.streams.forget(club_id)
    rows.scrub(clubs.db)
    return Erased(events + recorded, rewritten + counted[0], cards)


def closed_before(service: Service, cutoff: datetime) -> list[str]:
    """Sessions closed whose last event is older than `cutoff`."""
    with service.db.read() as db:
        idle = db.execute(
            select(EventRow.session_id)
            .where(EventRow.session_id.in_(select(MeetingSession.id)))
            .group_by(EventRow.session_id)
            .having(func.max(EventRow.created_at) < cutoff.replace(tzinfo=None)
                    if service.db.is_sqlite else func.max(EventRow.created_at) < cutoff)
        ).scalars().all()
    return [sid for sid in idle
            if (board := service.boards.get(sid)) is not None and board.is_closed]


def purge_closed(service: Service, days: int, now: datetime | None = None,
                 pause: Callable[[], None] = lambda: None) -> list[str]:
    """Delete every session closed for more than `days` days (the instance's retention
    setting); the ids deleted. `pause()` runs between two deletions (a green thread
    lets the others run)."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    purged = []
    for session_id in closed_before(service, cutoff):
        delete_for_good(service, session_id)
        purged.append(session_id)
        pause()
    return purged
