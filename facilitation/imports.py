"""The offline merge of a double-espace: a session's event log exported on one laptop
(`facilitation export SESSION --format events`) is imported on another.

The imported session becomes a copy here, owned by the importing facilitator. Importing
again (a newer export of the same session) adds only what is new: an event is known by
its `client_id` (a phone's card, vote…) or, for events without one, by its number in the
source log. So a file imported twice changes nothing, and both sides' cards are kept
once, each in its own order. Secrets and identities of the other server (co-facilitator
invitations, facilitator ids) are not imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import log
from .board import Board
from .commands import Service
from .errors import Rejected
from .events import (
    EVENT_CLASSES,
    Event,
    Recorded,
    SessionCreated,
    SessionLinked,
    event_from_payload,
)
from .models import EventRow, MeetingSession

NOT_IMPORTED = frozenset({"invitation_created", "cofacilitator_added"})
SESSION_ID_MAX = 32


@dataclass(frozen=True)
class Record:
    """One line of an exported log."""

    session_id: str
    seq: int
    event: Event
    actor: str | None
    client_id: str | None
    at: datetime

    @property
    def key(self) -> str:
        """What identifies the event across servers."""
        return self.client_id or f"import-{self.seq}"


@dataclass(frozen=True)
class ImportReport:
    session_id: str
    title: str
    created: bool  # the session was new here
    added: int
    skipped: int  # already here


def parse(lines: Iterable[str]) -> list[Record]:
    """The records of an exported log; `invalid_import` names the first bad line."""
    records: list[Record] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            at = datetime.fromisoformat(data["at"])
            record = Record(
                session_id=str(data["session_id"]),
                seq=int(data["seq"]),
                event=event_from_payload(data["type"], int(data["version"]), data["payload"]),
                actor=data.get("actor"),
                client_id=data.get("client_id"),
                at=at if at.tzinfo else at.replace(tzinfo=UTC),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise Rejected("invalid_import", line=number) from None
        if (data["type"] not in EVENT_CLASSES or len(record.session_id) > SESSION_ID_MAX
                or (records and record.session_id != records[0].session_id)
                or (records and record.seq <= records[-1].seq)):
            raise Rejected("invalid_import", line=number)
        records.append(record)
    if not records or not isinstance(records[0].event, SessionCreated):
        raise Rejected("invalid_import", line=1)
    return records


def import_log(service: Service, records: list[Record],
               facilitator_id: int) -> tuple[ImportReport, list[Recorded]]:
    """Merge an exported log into its copy here (created on the first import); the report
    and the events recorded (to broadcast)."""
    session_id = records[0].session_id
    created_here = False

    def decide(db: Session, board: Board) -> tuple[list[Recorded], tuple[int, int]]:
        nonlocal created_here
        code = board.code
        known = set(db.scalars(select(EventRow.client_id).where(
            EventRow.session_id == session_id, EventRow.client_id.is_not(None))))
        if board.seq and records[0].key not in known:
            raise Rejected("import_original")  # the session was born here, not imported
        if not board.seq:
            created_here = True
            code = service.free_code(db)
            db.add(MeetingSession(id=session_id, code=code, facilitator_id=facilitator_id,
                                  programme=getattr(records[0].event, "programme", None),
                                  created_at=records[0].at))
            db.flush()
        elif not board.is_facilitator(facilitator_id):
            raise Rejected("forbidden")
        recorded: list[Recorded] = []
        skipped = 0
        after = board.seq
        for record in records:
            event = _localised(record.event, facilitator_id, db, session_id)
            if record.key in known or event is None:
                skipped += 1
                continue
            if isinstance(event, SessionCreated):
                event = replace(event, code=code)
            recorded += log.append(db, session_id, [event], actor=record.actor,
                                   client_id=record.key, after=after, at=record.at)
            after += 1
            known.add(record.key)
        return recorded, (len(recorded), skipped)

    recorded, (added, skipped) = service.boards.transact(session_id, decide)
    board = service.board(session_id)
    return ImportReport(session_id, board.title, created_here, added, skipped), recorded


def _localised(event: Event, facilitator_id: int, db: Session, session_id: str) -> Event | None:
    """The event as this server records it, or None when it is not imported."""
    if event.type in NOT_IMPORTED:
        return None
    if isinstance(event, SessionCreated):
        return replace(event, facilitator_id=facilitator_id)
    if isinstance(event, SessionLinked) and event.session_id is not None:
        exists = db.scalar(select(MeetingSession.id).where(MeetingSession.id == event.session_id))
        return event if exists else None
    return event


NOT_EXPORTED = frozenset({"radar_rated"})


def export_lines(service: Service, session_id: str) -> list[str]:
    """A session's log as JSON lines, the form `parse` reads. One person's radar ratings
    never leave the server (the room's radar is shown as aggregates only): the copy made
    from this file has the radar without its answers."""
    return [json.dumps(e.to_record(), ensure_ascii=False, sort_keys=True)
            for e in service.events_after(session_id, 0) if e.type not in NOT_EXPORTED]


def records_of(payload: Any) -> list[str]:
    """Lines of an uploaded file (bytes or text)."""
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    return str(text).splitlines()
