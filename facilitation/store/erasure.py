"""Erasure in the database: the only code that changes or deletes rows of the log.

`rewrite` replaces erased events in place (same `seq`), `delete_stream` removes a session
and every row that names it, and `scrub` makes sure nothing deleted lingers in the
SQLite file or its WAL (the connections run with `secure_delete=ON`, which zeroes freed
space; the WAL is checkpointed and truncated)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..domain.events import Event
from .db import Database
from .models import (
    EventRow,
    MeetingSession,
    MemberLink,
    ParticipantToken,
    TeamMember,
    VoiceClip,
)


def rewrite(db: Session, stream_id: str, rewrites: Mapping[int, Event]) -> int:
    """Replace the events at these `seq`s of a stream by the given ones (their rows keep
    their number, time, actor and client id); the number of rows changed."""
    for seq, event in rewrites.items():
        payload = json.dumps(event.to_payload(), ensure_ascii=False, separators=(",", ":"))
        db.execute(update(EventRow)
                   .where(EventRow.session_id == stream_id, EventRow.seq == seq)
                   .values(type=event.type, version=event.version, payload=payload))
    return len(rewrites)


def delete_stream(db: Session, session_id: str) -> int:
    """Delete a session: its events, voice clips, phones' tokens, team and index row; the
    number of events deleted."""
    events = db.execute(delete(EventRow).where(EventRow.session_id == session_id)).rowcount
    db.execute(delete(VoiceClip).where(VoiceClip.session_id == session_id))
    db.execute(delete(ParticipantToken).where(ParticipantToken.session_id == session_id))
    db.execute(delete(TeamMember).where(TeamMember.session_id == session_id))
    db.execute(delete(MeetingSession).where(MeetingSession.id == session_id))
    return int(events or 0)


def delete_clips(db: Session, session_id: str, clip_ids: Iterable[str]) -> int:
    """Delete these voice clips of a session (an erased person's voice cards)."""
    ids = list(clip_ids)
    if not ids:
        return 0
    done = db.execute(delete(VoiceClip).where(VoiceClip.session_id == session_id,
                                              VoiceClip.id.in_(ids))).rowcount
    return int(done or 0)


def delete_member_links(db: Session, club_id: str, member_id: str) -> None:
    db.execute(delete(MemberLink).where(MemberLink.club_id == club_id,
                                        MemberLink.member_id == member_id))


def delete_participant_token(db: Session, participant_id: str) -> None:
    db.execute(delete(ParticipantToken).where(ParticipantToken.id == participant_id))


def club_session_ids(db: Session, club_id: str) -> list[str]:
    return list(db.scalars(select(MeetingSession.id).where(MeetingSession.club_id == club_id)))


def scrub(database: Database) -> None:
    """After a commit that erased something: on SQLite, copy the WAL into the database
    file and truncate it, so the old pages are nowhere on disk (freed space was zeroed by
    `secure_delete`). PostgreSQL keeps dead row versions until (auto)vacuum; no query
    can read them."""
    if not database.is_sqlite:
        return
    connection = database.engine.raw_connection()  # autocommit: no transaction open

    def checkpoint() -> int:
        return connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]

    try:
        for _ in range(50):  # a reader in the middle of a query holds the WAL a moment
            # it writes and fsyncs the database file: where the commits' fsync runs (a
            # native thread under eventlet), not on the loop every phone shares
            busy = database.offload(checkpoint)
            if not busy:
                return
            time.sleep(0.05)
    finally:
        connection.close()
