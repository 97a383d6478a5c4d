"""The offline merge of a double-espace: a session's event log exported on one laptop
(`facilitation export SESSION --format events`) is imported on another.

The imported session becomes a copy here, owned by the importing facilitator. Importing
again (a newer export of the same session) adds only what is new: an event is known by
its `client_id` (a phone's card, vote…) or, for events without one, by its number in the
source log. So a file imported twice changes nothing, and both sides' cards are kept
once, each in its own order. Secrets and identities of the other server (co-facilitator
invitations, facilitator ids) are not imported.

Whose copy (issue 12 · 14): a session id is the source server's, so the first importer
cannot own it here for everybody. The copy goes under the source id when nobody here has
it, or when the importer facilitates the session that has it; otherwise (the id exists
under another owner: someone imported it first, or a session of this server has it) the
importer gets their own copy under a local id derived from the source id and their
account — the same one at every import, so re-importing still merges. Nobody can block
or write into another facilitator's copy by importing first.
"""

from __future__ import annotations

import bisect
import copy
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import rules
from ..domain.board import Board, apply
from ..domain.errors import Rejected
from ..domain.events import (
    EVENT_CLASSES,
    Event,
    ParticipantJoined,
    Recorded,
    SessionCreated,
    SessionLinked,
    ThemesUpdated,
    event_from_payload,
)
from ..domain.kinds import LANGUAGES, SESSION_KINDS
from ..store import log
from ..store.models import EventRow, MeetingSession
from .sessions import Service

NOT_IMPORTED = frozenset({"invitation_created", "cofacilitator_added"})
# a session's stream only: a club's events have nothing to do in a session's log
CLUB_EVENTS = frozenset({"club_created", "member_added", "member_renamed",
                         "member_link_issued", "project_updated"})
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ACTOR_MAX = 64
UPLOAD_MAX = 32 * 1024 * 1024  # bytes of an uploaded log (a long day is a few MB)
IMPORT_KEY = "import:{seq}"  # a phone's client_id cannot contain ":" (rules.client_id)



@dataclass(frozen=True)
class Record:
    """One line of an exported log."""

    line: int
    session_id: str
    seq: int
    event: Event
    actor: str | None
    client_id: str | None
    at: datetime

    @property
    def key(self) -> str:
        """What identifies the event across servers."""
        return self.client_id or IMPORT_KEY.format(seq=self.seq)


@dataclass(frozen=True)
class ImportReport:
    session_id: str
    title: str
    created: bool  # the session was new here
    added: int
    skipped: int  # already here


def _record(number: int, line: str) -> Record:
    """One line, checked field by field (anything unexpected: `invalid_import`)."""
    data = json.loads(line)
    kind, version, payload = data["type"], data["version"], data["payload"]
    session_id, seq, actor, client_id = (data["session_id"], data["seq"], data.get("actor"),
                                         data.get("client_id"))
    if (not isinstance(session_id, str) or not SESSION_ID.match(session_id)
            or not isinstance(seq, int) or seq < 1 or not isinstance(version, int)
            or not isinstance(payload, dict) or kind not in EVENT_CLASSES
            or kind in CLUB_EVENTS
            or not (actor is None or isinstance(actor, str) and len(actor) <= ACTOR_MAX)):
        raise ValueError(number)
    if client_id is not None:
        client_id = rules.client_id(client_id)
    at = datetime.fromisoformat(data["at"])
    return Record(number, session_id, seq, event_from_payload(kind, version, payload), actor,
                  client_id, at if at.tzinfo else at.replace(tzinfo=UTC))


def parse(lines: Iterable[str]) -> list[Record]:
    """The records of an exported log; `invalid_import` names the first bad line."""
    records: list[Record] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = _record(number, line)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError, Rejected):
            raise Rejected("invalid_import", line=number) from None
        if records and (record.session_id != records[0].session_id
                        or record.seq <= records[-1].seq):
            raise Rejected("invalid_import", line=number)
        records.append(record)
    first = records[0].event if records else None
    if (not isinstance(first, SessionCreated) or first.kind not in SESSION_KINDS
            or first.language not in LANGUAGES):
        raise Rejected("invalid_import", line=records[0].line if records else 1)
    return records


COPY_TRIES = 1000  # local ids tried for one importer's copy (each taken one is someone's)


def copy_id(service: Service, source_id: str, facilitator_id: int) -> str:
    """The id of this facilitator's copy of `source_id` here (see the module's doc)."""
    candidate = source_id
    for attempt in range(COPY_TRIES):
        with service.db.read() as db:
            owner = db.scalar(select(MeetingSession.facilitator_id).where(
                MeetingSession.id == candidate))
        if owner is None or owner == facilitator_id:
            return candidate
        board = service.boards.get(candidate)
        if board is not None and board.is_facilitator(facilitator_id):
            return candidate
        digest = hashlib.sha256(f"{source_id}\n{facilitator_id}\n{attempt}".encode())
        candidate = "i" + digest.hexdigest()[:15]
    raise Rejected("forbidden")


def import_log(service: Service, records: list[Record],
               facilitator_id: int) -> tuple[ImportReport, list[Recorded]]:
    """Merge an exported log into its copy here (created on the first import); the report
    and the events recorded (to broadcast). Every new event is first folded into a copy of
    the board: a file that would break the board is refused whole."""
    session_id = copy_id(service, records[0].session_id, facilitator_id)
    created_here = False

    def decide(db: Session, board: Board) -> tuple[list[Recorded], tuple[int, int]]:
        nonlocal created_here
        created_here = False
        code = board.code
        local_seq = {key: seq for key, seq in db.execute(
            select(EventRow.client_id, EventRow.seq).where(
                EventRow.session_id == session_id, EventRow.client_id.is_not(None)))}
        if board.seq and records[0].key not in local_seq:
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
        seq_map = _SeqMap(records, local_seq)
        trial = copy.deepcopy(board)
        recorded: list[Recorded] = []
        skipped = 0
        for record in records:
            event = _localised(record.event, facilitator_id, db, code, seq_map)
            if record.key in local_seq or event is None:
                skipped += 1
                continue
            new = log.append(db, session_id, [event], actor=record.actor,
                             client_id=record.key, after=trial.seq, at=record.at)
            try:
                for item in new:
                    apply(trial, item)
            except Exception:  # the file's events do not fold: nothing is kept
                raise Rejected("invalid_import", line=record.line) from None
            recorded += new
            local_seq[record.key] = new[0].seq
            seq_map.add(record.seq, new[0].seq)
        if recorded:
            _still_readable(trial, records[-1].line)
        return recorded, (len(recorded), skipped)

    recorded, (added, skipped) = service.boards.transact(session_id, decide)
    board = service.board(session_id)
    return ImportReport(session_id, board.title, created_here, added, skipped), recorded


def _still_readable(board: Board, line: int) -> None:
    """The merged board can still be shown and exported (types the fold does not check)."""
    from ..synthesis import build

    try:
        board.to_dict()
        build(board)
    except Exception:
        raise Rejected("invalid_import", line=line) from None


class _SeqMap:
    """Source seq → seq here, for events that point at a seq (`themes_updated.based_on`):
    the copy numbers its events on its own (left-out events, local ones)."""

    def __init__(self, records: list[Record], local_seq: dict[str, int]) -> None:
        self._pairs = sorted((r.seq, local_seq[r.key]) for r in records if r.key in local_seq)

    def add(self, source: int, local: int) -> None:
        self._pairs.append((source, local))
        self._pairs.sort()

    def local(self, source: int) -> int:
        """The seq here of the last merged event at or before `source` (0: none)."""
        at = bisect.bisect_right(self._pairs, (source, float("inf"))) - 1
        return self._pairs[at][1] if at >= 0 else 0


def _localised(event: Event, facilitator_id: int, db: Session, code: str,
               seq_map: _SeqMap) -> Event | None:
    """The event as this server records it, or None when it is not imported. Identities
    of the other server (facilitators, club members, its clubs) stay there."""
    if event.type in NOT_IMPORTED:
        return None
    if isinstance(event, SessionCreated):
        return replace(event, facilitator_id=facilitator_id, code=code, club_id=None)
    if isinstance(event, ParticipantJoined):
        return replace(event, member_id=None)
    if isinstance(event, ThemesUpdated):
        return replace(event, based_on=seq_map.local(event.based_on))
    if isinstance(event, SessionLinked) and event.session_id is not None:
        owner = db.scalar(select(MeetingSession.facilitator_id).where(
            MeetingSession.id == event.session_id))
        return event if owner == facilitator_id else None  # only to the importer's own
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
