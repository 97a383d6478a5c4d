"""The database: engine, sessions, SQLite pragmas and Alembic upgrades."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def _key(name: str) -> int:
    """A PostgreSQL advisory-lock key (signed 64 bits) for a name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big",
                          signed=True)


WRITES = "facilitation_writes"  # statements other than reads sent on a connection


def _count_writes(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
    """Before each statement (PostgreSQL): count those that may write (`Database.changes`)."""
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WRITES] = connection.info.get(WRITES, 0) + 1


IDLE_S = 10.0  # PostgreSQL: a connection idle longer than this is pinged before use
RECYCLE_S = 1800  # and one older than this is replaced
IDLE_SINCE = "facilitation_idle_since"


def _stamp_idle(_dbapi_connection: Any, record: Any) -> None:
    record.info[IDLE_SINCE] = time.monotonic()


def _ping_idle(engine: Engine) -> None:
    """At checkout (PostgreSQL), ping a connection that sat idle, so one dropped meanwhile
    (a database restart, a firewall) is replaced instead of failing a request.
    SQLAlchemy's `pool_pre_ping` pinged at every checkout: one more round trip for every
    transaction and every read. A connection in steady use goes without; one lost while
    in use fails its statement, and the pool then replaces every connection it held."""

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(IDLE_SINCE, 0.0) < IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool connects anew (three tries)
            raise DisconnectionError(f"an idle connection was dropped: {error}") from error

    event.listen(engine, "connect", _stamp_idle)
    event.listen(engine, "checkin", _stamp_idle)
    event.listen(engine, "checkout", checkout)


def normalise_url(url: str) -> str:
    """Accept Heroku-style `postgres://` and plain `postgresql://` (psycopg 3 driver)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


PRIVATE_FILE = 0o600  # the database holds hashed secrets and people's words: owner only


def _private_sqlite_files(engine: Engine) -> None:
    """Create the database file 0600 before SQLite does (SQLite gives its -wal and -shm
    files the database file's mode), and tighten files an older version left readable."""
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=PRIVATE_FILE)
    for found in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if found.exists() and found.stat().st_mode & 0o077:
            found.chmod(PRIVATE_FILE)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    _private_sqlite_files(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event choose the BEGIN statement (pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged card survives power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")  # erased data is zeroed, not left on disk
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front, so two writers queue instead of failing.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


Offload = Callable[[Callable[[], Any]], Any]


class _QuickReads:
    """One read-only connection of its own for tiny reads outside any transaction (a
    stream's head, asked before every view): a SQLAlchemy session and a pool checkout cost
    ~15 times SQLite's own work for them. Its calls are serialised (a few µs each)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def one(self, sql: str, params: dict[str, Any]) -> Any:
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(self._path, check_same_thread=False,
                                                   isolation_level=None, timeout=30)
                self._connection.execute("PRAGMA query_only=ON")
            # every row read: the statement ends, so no read snapshot stays open
            rows = self._connection.execute(sql, params).fetchall()
        return rows[0][0] if rows else None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _inline(work: Callable[[], Any]) -> Any:
    return work()


class Database:
    """Owns the engine; `write()` and `read()` give transactional ORM sessions.

    `offload(work)` runs SQLite's commit (its fsync) where it cannot stall the server:
    under eventlet a native thread, so every other phone is served meanwhile — and the
    changes that queue up meanwhile form the next group commit. SQLite lets one writer
    in at a time: this process's writers queue on a lock of their own (cooperatively
    under eventlet) rather than in SQLite's busy handler, which would hold the loop.
    """

    def __init__(self, url: str, offload: Offload | None = None) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(self.url, pool_recycle=RECYCLE_S)
            event.listen(self.engine, "before_cursor_execute", _count_writes)
            _ping_idle(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL reads in autocommit: no BEGIN and no ROLLBACK round trips (and the
        # ROLLBACK made psycopg drop its prepared statements); each statement still reads
        # one committed snapshot, as it does in a READ COMMITTED transaction
        self._reading = self.engine if self.is_sqlite else self.engine.execution_options(
            isolation_level="AUTOCOMMIT")
        self._reads = self._sessions if self.is_sqlite else sessionmaker(
            self._reading, expire_on_commit=False)
        self.offload: Offload = offload or _inline
        self._writer = threading.Lock() if self.is_sqlite else None
        file = self.engine.url.database if self.is_sqlite else None
        on_disk = bool(file) and file != ":memory:" and not str(file).startswith("file:")
        self._quick = _QuickReads(str(file)) if on_disk else None

    def quick_scalar(self, sql: str, **params: Any) -> Any:
        """One value read now, outside any transaction (`sql` with `:name` parameters):
        on a SQLite file, through a connection of its own; else a plain connection."""
        if self._quick is not None:
            return self._quick.one(sql, params)
        with self._reading.connect() as connection:  # as the reads (PostgreSQL: autocommit)
            return connection.execute(text(sql), params).scalar()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success (SQLite: BEGIN IMMEDIATE)."""
        with self._writer or nullcontext():
            session = self._sessions()
            if self.is_sqlite:
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            try:
                yield session
                if self.is_sqlite:
                    session.flush()
                    self.offload(session.commit)
                else:
                    session.commit()  # psycopg already waits cooperatively
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def changes(self, session: Session) -> Callable[[], int]:
        """A counter that moves when this transaction's connection writes, which tells a
        group commit whether a refused decision wrote anything (then the batch is replayed
        without it; else nothing needs undoing, and no savepoint is taken). SQLite: the
        rows changed (sqlite3's `total_changes`, free to read); PostgreSQL: the statements
        other than reads sent, failed ones included (a failed one aborts the transaction)."""
        connection = session.connection()
        if not self.is_sqlite:
            return lambda: connection.info.get(WRITES, 0)
        raw = connection.connection.driver_connection
        return lambda: raw.total_changes  # type: ignore[union-attr]

    def lock_stream(self, session: Session, stream_id: str) -> None:
        """Serialise a stream's writers across processes, until the transaction ends.

        SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time; on PostgreSQL an
        advisory lock per stream makes the writers of one session queue instead of
        colliding on `(session_id, seq)` and replaying (a storm with many processes).
        """
        if self.is_sqlite:
            return
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _key(stream_id)})

    @contextmanager
    def lease(self, name: str) -> Iterator[bool]:
        """Try to be the one process doing `name` (e.g. regrouping a session) for the
        duration of the block: yields False at once when another process holds it.

        PostgreSQL: a session-level advisory lock on a connection of its own, released
        at the end of the block, or by the server when a killed process's connection
        drops. SQLite (one process): always True; the caller serialises its own threads.
        """
        if self.is_sqlite:
            yield True
            return
        key = _key(f"lease:{name}")
        with self.engine.connect() as connection:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                     {"key": key}).scalar()
            connection.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (PostgreSQL: each statement on its own, autocommit)."""
        session = self._reads()
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded objects keep their values

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to an Alembic revision, the newest by default (data survives)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def dispose(self) -> None:
        if self._quick is not None:
            self._quick.close()
        self.engine.dispose()
