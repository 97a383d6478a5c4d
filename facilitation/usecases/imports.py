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

import base64
import binascii
import bisect
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import erasure, rules, voice
from ..domain.board import Board, apply
from ..domain.errors import Rejected
from ..domain.events import (
    EVENT_CLASSES,
    ContributionAdded,
    ContributionsErased,
    Event,
    ParticipantJoined,
    PromptAudioSet,
    Recorded,
    SessionCreated,
    SessionLinked,
    ThemesUpdated,
    event_from_payload,
)
from ..domain.kinds import LANGUAGES, SESSION_KINDS
from ..store import erasure as erased_rows
from ..store import log
from ..store import voice as clips
from ..store.models import EventRow, MeetingSession
from . import question_audio
from .sessions import Service

NOT_IMPORTED = frozenset({"invitation_created", "cofacilitator_added"})
# a session's stream only: a club's events have nothing to do in a session's log
CLUB_EVENTS = frozenset({"club_created", "member_added", "member_renamed",
                         "member_link_issued", "project_updated", "member_removed"})
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ACTOR_MAX = 64
UPLOAD_MAX = 32 * 1024 * 1024  # bytes of an uploaded log (a long day is a few MB)
IMPORT_KEY = "import:{seq}"  # a phone's client_id cannot contain ":" (rules.client_id)
CHUNK = 200  # events per transaction of an import at most (fewer when BUDGET runs out)
BUDGET = 0.015  # seconds of work between two yields to the other sessions (and per chunk)
STEP = 20  # events between two looks at the clock (and rows per INSERT in a chunk)
PAGE = 1000  # keys per read of this server's copy (no decoding: a few ms)
EVENTS_PAGE = 200  # events per read of this server's copy when it is rebuilt (decoded)
Clock = Callable[[], float]


class Pacer:
    """Long loops in short pieces: `due()` is true once `budget` seconds of work or
    `every` steps have passed since the last pause, whichever comes first; `step()` then
    pauses (the transport's yield to other green threads)."""

    def __init__(self, pause: Callable[[], None], budget: float = BUDGET,
                 every: int = CHUNK, clock: Clock = time.perf_counter) -> None:
        self.pause, self.budget, self.every, self.clock = pause, budget, every, clock
        self.since = clock()
        self.steps = 0

    def due(self) -> bool:
        return self.steps >= self.every or self.clock() - self.since >= self.budget

    def step(self) -> None:
        self.steps += 1
        if self.due():
            self.rest()

    def rest(self) -> None:
        self.pause()
        self.since, self.steps = self.clock(), 0



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
    audio: bytes | None = None  # a voice card's recording, carried in its line

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
    event = event_from_payload(kind, version, payload)
    return Record(number, session_id, seq, event, actor, client_id,
                  at if at.tzinfo else at.replace(tzinfo=UTC), _audio(event, data.get("audio")))


def _audio(event: Event, raw: object) -> bytes | None:
    """A recording in its line: base64 of a WebM/Ogg/MP4 file within the upload's limits,
    on a `contribution_added` that says it has one (a voice card) or a `prompt_audio_set`
    (a question recorded aloud); else ValueError."""
    if raw is None:
        return None
    if isinstance(event, ContributionAdded) and isinstance(event.voice, dict):
        duration = event.voice.get("duration_ms")
    elif isinstance(event, PromptAudioSet):
        duration = event.duration_ms
    else:
        raise ValueError("audio")
    if not isinstance(raw, str) or len(raw) > voice.BYTES_MAX * 4 // 3 + 4:
        raise ValueError("audio")
    try:
        data = base64.b64decode(raw, validate=True)
    except binascii.Error:
        raise ValueError("audio") from None
    voice.check(data, duration)  # Rejected: a bad line
    return data


def _clip_of(session_id: str, event: Event, audio: bytes) -> clips.Clip | None:
    """The voice clip an imported line's recording is kept as."""
    if isinstance(event, ContributionAdded):
        return clips.Clip(session_id, event.contribution_id, voice.container(audio),
                          int((event.voice or {})["duration_ms"]), audio, event.participant_id)
    if isinstance(event, PromptAudioSet):
        return clips.Clip(session_id, event.clip_id, voice.container(audio),
                          event.duration_ms, audio)
    return None


def parse(lines: Iterable[str], pause: Callable[[], None] = lambda: None,
          clock: Clock = time.perf_counter) -> list[Record]:
    """The records of an exported log; `invalid_import` names the first bad line.
    `pause()` runs every BUDGET seconds or CHUNK lines (a green thread lets the others
    run)."""
    records: list[Record] = []
    pacer = Pacer(pause, clock=clock)
    for number, line in enumerate(lines, start=1):
        pacer.step()
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


Progress = Callable[[int, int], None]


def import_log(service: Service, records: list[Record], facilitator_id: int, *,
               pause: Callable[[], None] = lambda: None,
               progress: Progress | None = None,
               committed: Callable[[list[Recorded]], None] | None = None,
               offload: Callable[[Callable[[], None]], None] = lambda work: work(),
               chunk: int = CHUNK, budget: float = BUDGET,
               clock: Clock = time.perf_counter) -> tuple[ImportReport, list[Recorded]]:
    """Merge an exported log into its copy here (created on the first import); the report
    and the events recorded (to broadcast).

    Linear, and never long in one piece: the new events are first folded into a trial
    board, outside any transaction (a file that would break the board is refused whole);
    then they are committed in chunks, each a short transaction of its own that ends
    after `chunk` events or `budget` seconds of work (as `clock` tells), whichever comes
    first — so neither the event loop nor the write lock is held much longer than
    `budget`, however slow the machine; `pause()` between chunks (the transport's yield
    to other green threads; the write lock is free then), `progress(done, total)` and
    `committed(recorded)` after each; `offload(work)` runs
    the one step that cannot be cut (rendering the merged board once) where it does not
    hold the others up (a real thread, for a cooperative server). Idempotent even when
    interrupted: an event is known by its key (`client_id` column), so importing the file
    again adds only what is missing.
    """
    session_id = copy_id(service, records[0].session_id, facilitator_id)
    known = _known_keys(service, session_id, Pacer(pause, budget, clock=clock))
    board = service.boards.get(session_id)
    if board is not None:
        if records[0].key not in known:
            raise Rejected("import_original")  # the session was born here, not imported
        if not board.is_facilitator(facilitator_id):
            raise Rejected("forbidden")
    new = [record for record in records if record.key not in known]
    pending = _trial(service, session_id, new, known, facilitator_id,
                     Pacer(pause, budget, clock=clock), offload)
    seq_map = _SeqMap(records, known)
    created_here = False
    recorded: list[Recorded] = []
    skipped = len(records) - len(pending)
    start = 0
    while start < len(pending):
        part = pending[start:start + chunk]

        def decide(db: Session, board: Board, part: list[Record] = part,
                   ) -> tuple[list[Recorded], tuple[bool, int, int]]:
            began = clock()
            created, code = False, board.code
            if not board.seq:
                if part[0] is not pending[0] or part[0].key != records[0].key:
                    raise Rejected("unknown_session")  # deleted meanwhile
                created, code = True, service.free_code(db)
                db.add(MeetingSession(id=session_id, code=code, facilitator_id=facilitator_id,
                                      programme=getattr(records[0].event, "programme", None),
                                      created_at=records[0].at))
                db.flush()
            elif not board.is_facilitator(facilitator_id):
                raise Rejected("forbidden")
            here = dict(db.execute(select(EventRow.client_id, EventRow.seq).where(
                EventRow.session_id == session_id,
                EventRow.client_id.in_([record.key for record in part]))).all())
            for record in part:
                if record.key in here:  # another import took it meanwhile
                    seq_map.add(record.seq, here[record.key])
            rows: list[log.Row] = []
            added: list[Recorded] = []
            written: list[Event] = []
            taken = 0
            for record in part:  # until the chunk's time is spent (STEP events at least)
                taken += 1
                event = _localised(record.event, facilitator_id, db, code, seq_map)
                if record.key not in here and event is not None:
                    seq_map.add(record.seq, board.seq + len(added) + len(rows) + 1)
                    rows.append((event, record.actor, record.key, record.at))
                    written.append(event)
                    clip = None if record.audio is None else _clip_of(session_id, event,
                                                                       record.audio)
                    if clip is not None:
                        clips.add(db, clip)
                if taken % STEP == 0 or taken == len(part):
                    added += log.append_rows(db, session_id, rows,
                                             after=board.seq + len(added))
                    rows = []
                    if clock() - began >= budget:
                        break
            question_audio.drop_superseded(db, board, written)
            _erase_here(db, session_id, added)
            return added, (created, taken - len(added), taken)

        done, (created, already, taken) = service.boards.transact(session_id, decide)
        if any(isinstance(item.event, ContributionsErased) for item in done):
            service.boards.forget(session_id)  # rows were rewritten: rebuild at next read
            erased_rows.scrub(service.db)
        created_here = created_here or created
        skipped += already
        recorded += done
        if committed is not None and done:
            committed(done)
        start += taken
        if progress is not None:
            progress(start, len(pending))
        pause()
    board = service.board(session_id)
    return ImportReport(session_id, board.title, created_here, len(recorded), skipped), recorded


def _erase_here(db: Session, session_id: str, added: list[Recorded]) -> None:
    """The other server erased a participant's contributions (its tombstone comes in the
    file): erase them from this copy's rows too (imported earlier, they hold the text)."""
    for item in added:
        if isinstance(item.event, ContributionsErased):
            rewrites, cards = erasure.tombstone_erasure(log.read(db, session_id), item.event)
            erased_rows.rewrite(db, session_id, rewrites)
            erased_rows.delete_clips(db, session_id, cards)


def _known_keys(service: Service, session_id: str, pacer: Pacer) -> dict[str, int]:
    """The keys (`client_id`) of the session's events here → their seq, read page by page."""
    known: dict[str, int] = {}
    after = 0
    while True:
        with service.db.read() as db:
            page = db.execute(
                select(EventRow.client_id, EventRow.seq)
                .where(EventRow.session_id == session_id, EventRow.seq > after)
                .order_by(EventRow.seq).limit(PAGE)).all()
        known.update((key, seq) for key, seq in page if key is not None)
        if len(page) < PAGE:
            return known
        after = page[-1][1]
        pacer.rest()


def _trial(service: Service, session_id: str, new: list[Record], known: dict[str, int],
           facilitator_id: int, pacer: Pacer,
           offload: Callable[[Callable[[], None]], None]) -> list[Record]:
    """Fold the new events into a trial board (this server's log first, page by page):
    `invalid_import` at the first event that does not fold, or when the merged board
    cannot be shown. The records to import (those this server records)."""
    trial = Board(session_id)
    if not new:
        return []
    after = 0
    while True:  # the copy as it is here, rebuilt (a deep copy of a big board would block)
        page = service.events_after(session_id, after, EVENTS_PAGE)
        for item in page:
            apply(trial, item)
        if len(page) < EVENTS_PAGE:
            break
        after = page[-1].seq
        pacer.rest()
    seq_map = _SeqMap(new, known)
    pending: list[Record] = []
    code = trial.code or "IMPORT"
    with service.db.read() as db:
        for record in new:
            pacer.step()
            event = _localised(record.event, facilitator_id, db, code, seq_map)
            if event is None:
                continue
            item = Recorded(session_id, trial.seq + 1, event, record.at, record.actor,
                            record.key)
            try:
                apply(trial, item)
            except Exception:  # the file's events do not fold: nothing is kept
                raise Rejected("invalid_import", line=record.line) from None
            seq_map.add(record.seq, item.seq)
            pending.append(record)
    if pending:
        offload(lambda: _still_readable(trial, new[-1].line))
        pacer.rest()
    return pending


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
    the copy numbers its events on its own (left-out events, local ones). Adding in
    source order (an import's usual case) costs O(1)."""

    def __init__(self, records: list[Record], local_seq: dict[str, int]) -> None:
        pairs = sorted((r.seq, local_seq[r.key]) for r in records if r.key in local_seq)
        self._sources = [source for source, _ in pairs]
        self._local = dict(pairs)

    def add(self, source: int, local: int) -> None:
        if source not in self._local:
            if not self._sources or source > self._sources[-1]:
                self._sources.append(source)
            else:
                bisect.insort(self._sources, source)
        self._local[source] = local

    def local(self, source: int) -> int:
        """The seq here of the last merged event at or before `source` (0: none)."""
        at = bisect.bisect_right(self._sources, source) - 1
        return self._local[self._sources[at]] if at >= 0 else 0


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
    from this file has the radar without its answers. A voice card's line carries its
    recording (`audio`: base64), so the copy can be heard too; an erased one has none; so
    does the line of a question recorded aloud, while that recording is the question's."""
    events = service.events_after(session_id, 0)
    with service.db.read() as db:
        audio = clips.of_session(db, session_id)
    lines = []
    for item in events:
        if item.type in NOT_EXPORTED:
            continue
        record = item.to_record()
        clip_id = (item.event.contribution_id if isinstance(item.event, ContributionAdded)
                   else item.event.clip_id if isinstance(item.event, PromptAudioSet) else None)
        if clip_id is not None and clip_id in audio:
            record["audio"] = base64.b64encode(audio[clip_id].data).decode("ascii")
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return lines


def records_of(payload: Any) -> list[str]:
    """Lines of an uploaded file (bytes or text)."""
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    return str(text).splitlines()
