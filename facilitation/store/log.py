"""The event log: append and read a session's events. The only writer of `events`."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Container, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from ..domain.events import Event, Recorded, event_from_payload
from .db import Database
from .models import EventRow, utcnow

# The statements of the per-card path, built once: building a statement per call and the
# ORM's execution layer cost more than SQLite's own work for these one-row queries.
EVENTS = EventRow.__table__
INSERT = insert(EVENTS)
LAST_SEQ = select(func.max(EVENTS.c.seq)).where(EVENTS.c.session_id == bindparam("session_id"))
BY_KEYS = select(EVENTS).where(EVENTS.c.session_id == bindparam("session_id"),
                               EVENTS.c.client_id.in_(bindparam("keys", expanding=True)))


COLUMNS = ("session_id", "seq", "type", "version", "payload", "actor", "client_id",
           "created_at")
SQLITE_INSERT = (f"INSERT INTO events ({', '.join(COLUMNS)}) "
                 f"VALUES ({', '.join('?' for _ in COLUMNS)})")
_stamps: dict[str, Callable[[Any], Any]] = {}
# PostgreSQL: a group commit's rows, however many, in one COPY on the driver's connection
# (psycopg formats the rows in C: ~5 microseconds a row, where an INSERT of arrays costs
# ~20 in psycopg's Python array escaping, and an executemany through the Core ~55)
COPY_EVENTS = f"COPY events ({', '.join(COLUMNS)}) FROM STDIN"
DEFERRED = "facilitation_deferred_events"  # in a Session's `info`


class Deferred:
    """The events appended in a group commit's transaction on PostgreSQL, written together
    rather than with one round trip per card (each round trip cost the event loop a wait,
    a switch and the driver's work: ~0.1 ms of CPU a card).

    They are written before any other statement runs on the transaction's connection
    (so every read in the transaction sees them, and their order is kept) — except a
    plain INSERT of values into another table, which cannot see them (a phone joining
    adds its participant row: one round trip, not two more for a COPY) —, before its
    commit, or at `write()`. A broken constraint surfaces there, as SQLAlchemy's
    IntegrityError: the group commit replays the whole batch on it, as before.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._rows: list[dict[str, object]] = []
        self._written = 0  # rows written so far
        sa_event.listen(connection, "before_execute", self._before_statement)
        sa_event.listen(connection, "commit", self._before_commit)

    def add(self, rows: list[dict[str, object]]) -> None:
        self._rows.extend(rows)

    def mark(self) -> int:
        """The position of the next row added, to `drop` back to."""
        return self._written + len(self._rows)

    def drop(self, mark: int) -> bool:
        """Forget the rows added since `mark` (a decision refused after appending them):
        False when some were written already (then the transaction must be undone)."""
        if self._written > mark:
            return False
        del self._rows[mark - self._written:]
        return True

    def write(self) -> None:
        if not self._rows:
            return
        rows, self._rows = self._rows, []
        self._written += len(rows)
        dbapi = self._connection.dialect.loaded_dbapi
        driver = self._connection.connection.driver_connection
        assert driver is not None
        try:
            with driver.cursor() as cursor, cursor.copy(COPY_EVENTS) as copy:
                for row in rows:
                    copy.write_row([row[name] for name in COLUMNS])
        except dbapi.Error as error:  # as SQLAlchemy raises it: IntegrityError replays
            raise DBAPIError.instance(COPY_EVENTS, None, error, dbapi.Error) from error

    def _before_statement(self, _connection: Connection, statement: Any, *_: Any) -> None:
        if isinstance(statement, Insert) and statement.table is not EVENTS \
                and statement.select is None:
            return  # blind to the events: they may wait
        self.write()

    def _before_commit(self, _connection: Connection) -> None:
        self.write()


class Immediate:
    """Where nothing is deferred (SQLite: its driver's insert costs no round trip)."""

    def mark(self) -> int:
        return 0

    def drop(self, mark: int) -> bool:
        return True

    def write(self) -> None: ...


def defer(db: Session) -> Deferred | Immediate:
    """From now on in this transaction, events appended on PostgreSQL wait and are written
    together (see `Deferred`); on SQLite they are written at once, as before."""
    connection = db.connection()
    if connection.dialect.name == "sqlite":
        return Immediate()
    deferred = db.info.get(DEFERRED)
    if deferred is None:
        deferred = db.info[DEFERRED] = Deferred(connection)
    return deferred


def _insert(db: Session, rows: list[dict[str, object]]) -> None:
    """Insert rows in the caller's transaction (PostgreSQL, in a group commit: later, all
    together, see `Deferred`). On SQLite, straight on the driver's
    connection with the time stored as SQLAlchemy stores it: the Core statement's
    execution layer cost more than SQLite's own work for a card's one row (~3 % of a
    1,000-phone burst's loop samples). A constraint broken is SQLAlchemy's IntegrityError
    either way (the group commit replays on it)."""
    deferred = db.info.get(DEFERRED)
    if deferred is not None:
        deferred.add(rows)
        return
    connection = db.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(INSERT, rows)
        return
    stamp = _stamps.get("sqlite")
    if stamp is None:
        column_type = EVENTS.c.created_at.type.dialect_impl(connection.dialect)
        stamp = _stamps["sqlite"] = (column_type.bind_processor(connection.dialect)
                                     or (lambda value: value))
    values = [(row["session_id"], row["seq"], row["type"], row["version"], row["payload"],
               row["actor"], row["client_id"], stamp(row["created_at"])) for row in rows]
    try:
        connection.connection.driver_connection.executemany(SQLITE_INSERT, values)
    except sqlite3.IntegrityError as error:
        raise IntegrityError(SQLITE_INSERT, values, error) from error


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: every time in the log is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _recorded(row: Any) -> Recorded:
    """An event from its row (an ORM `EventRow` or a plain result row)."""
    return Recorded(
        session_id=row.session_id,
        seq=row.seq,
        event=event_from_payload(row.type, row.version, json.loads(row.payload)),
        created_at=_aware(row.created_at),
        actor=row.actor,
        client_id=row.client_id,
    )


HEAD_SQL = "SELECT max(seq) FROM events WHERE session_id = :session_id"


def head(database: Database, session_id: str) -> int:
    """The newest `seq` of a session now, outside any transaction (0 when it has none):
    the cheap check that a projection in memory is still at the head of its stream."""
    return int(database.quick_scalar(HEAD_SQL, session_id=session_id) or 0)


def last_seq(db: Session, session_id: str) -> int:
    """The newest `seq` of a session (0 when it has no event)."""
    value = db.connection().execute(LAST_SEQ, {"session_id": session_id}).scalar()
    return int(value or 0)


def append(
    db: Session,
    session_id: str,
    events: Sequence[Event],
    *,
    actor: str | None = None,
    client_id: str | None = None,
    after: int | None = None,
    at: datetime | None = None,
) -> list[Recorded]:
    """Add events after the session's last one (`after`, when the caller knows it),
    inside the caller's transaction.

    `client_id` is stored on the first event only (it is unique per session): a second
    append with the same `client_id` fails on commit, and `find_by_client_id` tells
    what the first one produced. A concurrent writer that took the same `seq` makes the
    commit fail too; the caller replays the whole transaction. `at` (default: now) is
    for events recorded elsewhere first (an imported log keeps its times).
    """
    seq = last_seq(db, session_id) if after is None else after
    now = at or utcnow()
    rows: list[dict[str, object]] = []
    recorded: list[Recorded] = []
    for index, event in enumerate(events):
        seq += 1
        first_client_id = client_id if index == 0 else None
        rows.append({
            "session_id": session_id,
            "seq": seq,
            "type": event.type,
            "version": event.version,
            "payload": json.dumps(event.to_payload(), ensure_ascii=False, separators=(",", ":")),
            "actor": actor,
            "client_id": first_client_id,
            "created_at": now,
        })
        recorded.append(Recorded(session_id, seq, event, now, actor, first_client_id))
    if rows:
        _insert(db, rows)
    return recorded


Row = tuple[Event, str | None, str | None, datetime]  # event, actor, client_id, at


def append_rows(db: Session, session_id: str, rows: Sequence[Row], *, after: int) -> list[Recorded]:
    """Add events recorded elsewhere first (an import), each with its own actor, client
    id and time, after `after`, in one statement of the caller's transaction."""
    values: list[dict[str, object]] = []
    recorded: list[Recorded] = []
    for seq, (event, actor, client_id, at) in enumerate(rows, start=after + 1):
        values.append({
            "session_id": session_id, "seq": seq, "type": event.type, "version": event.version,
            "payload": json.dumps(event.to_payload(), ensure_ascii=False, separators=(",", ":")),
            "actor": actor, "client_id": client_id, "created_at": at,
        })
        recorded.append(Recorded(session_id, seq, event, at, actor, client_id))
    if values:  # the table's plain INSERT: the ORM's bulk path costs more than SQLite
        db.connection().execute(INSERT, values)
    return recorded


def read(db: Session, session_id: str, after: int = 0, limit: int | None = None) -> list[Recorded]:
    """The session's events with `seq > after`, in order. Plain rows, not ORM objects:
    with two processes on one session each catches up the other's cards before its
    next batch, and loading them as ORM objects was most of that catch-up (py-spy)."""
    query = (
        select(EVENTS)
        .where(EVENTS.c.session_id == session_id, EVENTS.c.seq > after)
        .order_by(EVENTS.c.seq)
    )
    if limit is not None:
        query = query.limit(limit)
    return [_recorded(row) for row in db.connection().execute(query)]


def find_by_client_id(db: Session, session_id: str, client_id: str) -> Recorded | None:
    """The event a client's action first produced, if that action was already recorded."""
    row = db.scalar(
        select(EventRow).where(EventRow.session_id == session_id, EventRow.client_id == client_id)
    )
    return _recorded(row) if row is not None else None


def find_action(db: Session, session_id: str, key: str, actor: str | None, raw: str,
                known: Container[str] | None = None) -> Recorded | None:
    """The event an author's action first produced: stored under its scoped `key`, or,
    when recorded before keys were scoped, under the `raw` client_id by the same actor
    (logs and outboxes from before that change). `known`: the keys of a projection caught
    up with the stream, under its write lock — when it holds neither, nothing is read."""
    if known is not None and key not in known and raw not in known:
        return None
    rows = {row.client_id: row for row in db.connection().execute(
        BY_KEYS, {"session_id": session_id, "keys": [key, raw]})}
    if key in rows:
        return _recorded(rows[key])
    legacy = rows.get(raw)
    return _recorded(legacy) if legacy is not None and legacy.actor == actor else None
