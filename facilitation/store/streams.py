"""In-memory projections of event streams (a session's board, a club's register), caught
up from the log by `seq`, and the one way to change a stream: `StreamCache.transact`."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from ..domain.board import Board, apply
from ..domain.events import Recorded
from . import log
from .db import Database

T = TypeVar("T")
RETRIES = 8
CACHED_MAX = 256  # projections kept in memory; the least recently used idle one goes first
# A batch stops taking decisions once it has spent this long deciding: the rest wait for
# the next transaction, and every other green thread runs in between. Without it a queue
# that grew while one batch committed (a thousand phones joining) is decided in one go,
# and the loop is held for all of it (130 ms of CPU seen at 1,000 phones).
BATCH_BUDGET_S = 0.020


class Projection(Protocol):
    seq: int


S = TypeVar("S", bound=Projection)


class StreamCache(Generic[S]):
    """Keeps each stream's projection in memory. Another process may have appended, so
    every read first folds the events after the cached `seq`.

    Lock order, to stay free of deadlocks: a stream's lock, then the database.
    """

    def __init__(self, db: Database, new: Callable[[str], S],
                 fold: Callable[[S, Recorded], S], cached_max: int = CACHED_MAX) -> None:
        self._db = db
        self._new = new
        self._fold = fold
        self._cached_max = cached_max
        self._boards: OrderedDict[str, S] = OrderedDict()
        # a stream's lock lives while someone holds or waits for it: [lock, users]
        self._locks: dict[str, tuple[threading.Lock, list[int]]] = {}
        self._queues: dict[str, list[_Pending[S, Any]]] = {}
        self._guard = threading.Lock()
        # streams another process appended to since this one's last batch (a plenary's
        # phones on two processes): their catch-up reads at once, skipping the check
        # that the board is at the head (it is not, nearly every time)
        self._shared: set[str] = set()

    @contextmanager
    def _lock(self, session_id: str) -> Iterator[None]:
        """Hold the stream's lock; it is dropped when nobody holds or awaits it, so an
        unknown id leaves nothing behind."""
        with self._guard:
            lock, users = self._locks.setdefault(session_id, (threading.Lock(), [0]))
            users[0] += 1
        try:
            with lock:
                yield
        finally:
            with self._guard:
                users[0] -= 1
                if not users[0]:
                    del self._locks[session_id]

    def _keep(self, session_id: str, board: S) -> None:
        """Cache a projection; beyond `cached_max`, the least recently used idle ones go
        (they are caught up from the log again when next needed)."""
        with self._guard:
            self._boards[session_id] = board
            self._boards.move_to_end(session_id)
            if len(self._boards) > self._cached_max:
                for old in [sid for sid in self._boards if sid not in self._locks]:
                    if len(self._boards) <= self._cached_max:
                        break
                    del self._boards[old]

    def sizes(self) -> tuple[int, int]:
        """(projections cached, stream locks alive): both bounded."""
        with self._guard:
            return len(self._boards), len(self._locks)

    def _catch_up(self, db: Session, session_id: str) -> S:
        board = self._boards.get(session_id) or self._new(session_id)
        if (board.seq and session_id not in self._shared
                and log.last_seq(db, session_id) == board.seq):
            self._keep(session_id, board)  # at the head, the usual case: no row to read
            return board
        # read from the last event this board folded: when it is gone, the stream was
        # deleted (maybe by another process) and the board is dropped
        newer = log.read(db, session_id, after=max(board.seq - 1, 0))
        if board.seq:
            if len(newer) > 1:  # another process appended: next time, read at once
                self._shared.add(session_id)
            else:
                self._shared.discard(session_id)
        if board.seq and (not newer or newer[0].seq != board.seq):
            self._boards.pop(session_id, None)
            board = self._new(session_id)
            newer = log.read(db, session_id)
        for recorded in newer:
            if recorded.seq > board.seq:
                self._fold(board, recorded)
        if board.seq:
            self._keep(session_id, board)
        return board

    def forget(self, session_id: str) -> None:
        """Drop the cached projection (the stream's rows were rewritten or deleted)."""
        with self._lock(session_id), self._guard:
            self._boards.pop(session_id, None)
            self._shared.discard(session_id)

    def delete(self, session_id: str, remove: Callable[[Session], T]) -> T:
        """Run `remove(db)` (it deletes the stream's rows) in a write transaction under the
        stream's lock, and forget the stream."""
        with self._lock(session_id):
            with self._db.write() as db:
                result = remove(db)
            with self._guard:  # the lock itself goes when its last user lets it go
                self._boards.pop(session_id, None)
                self._shared.discard(session_id)
        return result

    def peek(self, session_id: str) -> S | None:
        """The projection as this process last saw it, without reading the log."""
        return self._boards.get(session_id)

    def _current(self, session_id: str) -> S:
        """The board caught up with the log (under the stream's lock). The usual case, a
        board in memory at the stream's head, costs one quick read and no session."""
        board = self._boards.get(session_id)
        if board is not None and board.seq and log.head(self._db, session_id) == board.seq:
            self._keep(session_id, board)
            return board
        with self._db.read() as db:
            return self._catch_up(db, session_id)

    def get(self, session_id: str) -> S | None:
        """The session's board, up to date with the log; None for an unknown session.

        Read scalar fields from it freely; to walk its collections use `view`.
        """
        with self._lock(session_id):
            board = self._current(session_id)
        return board if board.seq else None

    def view(self, session_id: str, render: Callable[[S], T]) -> T | None:
        """`render(board)` under the session's lock, so no event lands mid-way."""
        with self._lock(session_id):
            board = self._current(session_id)
            return render(board) if board.seq else None

    def transact(
        self, session_id: str, decide: Callable[[Session, S], tuple[list[Recorded], T]],
        then: Callable[[S, T], T] | None = None,
    ) -> tuple[list[Recorded], T]:
        """Run `decide(db, board)` in a write transaction on the caught-up board.

        `decide` validates against the board and appends events (after `board.seq`);
        once committed they are folded into the board. `then(board, result)`, when given,
        makes the caller's result from the board with its events folded (under the lock,
        before the commit, but returned only after it): no second read of the board.
        Group commit: the changes asked for while another one is being committed wait for
        the stream's lock, then the first of them to get it runs them all in one
        transaction (a refusal is its
        caller's alone: see `_Pending.decide_in`), with one commit — one fsync — for all;
        each caller gets its own answer only after that commit. A batch decides for at
        most BATCH_BUDGET_S; what it had no time for goes first in the next one. When
        another process took the same `seq`, the whole batch is replayed on the newer
        board.
        """
        pending = _Pending(decide, then)
        with self._guard:
            self._queues.setdefault(session_id, []).append(pending)
        while not pending.done:
            with self._lock(session_id):
                if not pending.done:
                    with self._guard:
                        batch = self._queues.pop(session_id, [])
                    self._run(session_id, batch)
            if not pending.done:  # a batch's budget ran out before ours: let others run
                time.sleep(0)  # (a green thread's yield under eventlet)
        return pending.outcome()

    def _run(self, session_id: str, batch: list[_Pending]) -> None:
        """Decide and commit a batch of changes of one stream (under its lock)."""
        attempts = 0
        try:
            while True:
                todo = [pending for pending in batch if not pending.done]
                committing = False
                try:
                    with self._db.write() as db:
                        self._db.lock_stream(db, session_id)
                        board = self._catch_up(db, session_id)
                        written = self._db.changes(db)
                        appended = log.defer(db)  # PostgreSQL: the batch's events at once
                        todo = self._decide(todo, db, board, written, appended)
                        appended.write()
                        committing = True
                    if any(p.recorded for p in todo):
                        self._keep(session_id, board)
                    for pending in todo:
                        pending.settle()
                    self._put_back(session_id, [p for p in batch if not p.done])
                    return
                except _Undo:  # one refusal after its writes: replay the others without it
                    with self._guard:  # the board folded the undone transaction's events
                        self._boards.pop(session_id, None)
                    for pending in todo:
                        if not pending.done:
                            pending.reset()
                except DBAPIError as error:
                    # another process took a key: replay on the newer board; a connection
                    # found dropped before the commit (the pool replaces it): replay too
                    if not isinstance(error, IntegrityError) and (
                            committing or not error.connection_invalidated):
                        raise  # (a commit in doubt is not replayed: callers re-send)
                    with self._guard:  # reload: it may be ahead of us
                        self._boards.pop(session_id, None)
                    for pending in todo:
                        pending.reset()
                    attempts += 1
                    if attempts == RETRIES:
                        raise
        except BaseException as error:
            with self._guard:  # it may hold events that were not committed
                self._boards.pop(session_id, None)
            for pending in batch:
                if not pending.done:
                    pending.fail(error)
            if not isinstance(error, Exception):
                raise


    def _decide(self, todo: list[_Pending[S, Any]], db: Session, board: S,
                written: Callable[[], int], appended: log.Deferred | log.Immediate,
                ) -> list[_Pending[S, Any]]:
        """Decide the batch's changes in order until BATCH_BUDGET_S is spent; return
        the ones decided (at least one). The others are left undecided."""
        started = time.perf_counter()
        for index, pending in enumerate(todo):
            if index and time.perf_counter() - started > BATCH_BUDGET_S:
                return todo[:index]
            pending.decide_in(db, board, self._fold, written, appended)
        return todo

    def _put_back(self, session_id: str, undecided: list[_Pending[S, Any]]) -> None:
        """Queue changes a batch had no time for ahead of the ones that came since: the
        next caller to take the stream's lock runs them, in their order."""
        if undecided:
            with self._guard:
                self._queues[session_id] = undecided + self._queues.get(session_id, [])


class _Undo(Exception):  # noqa: N818 - not an error: the transaction is replayed
    """A decision refused after it wrote: the transaction is rolled back and replayed
    without it (no savepoint to undo it alone)."""


class _Pending(Generic[S, T]):
    """One caller's change in a group commit, and its answer once committed."""

    def __init__(self, decide: Callable[[Session, S], tuple[list[Recorded], T]],
                 then: Callable[[S, T], T] | None = None) -> None:
        self.decide = decide
        self.then = then
        self.done = False
        self.recorded: list[Recorded] = []
        self._result: T | None = None
        self._error: BaseException | None = None

    def decide_in(self, db: Session, board: S, fold: Callable[[S, Recorded], S],
                  written: Callable[[], int], appended: log.Deferred | log.Immediate
                  ) -> None:
        """Run the decision; fold its events so the next one sees them.

        A refusal is this caller's alone, and no savepoint is taken (a savepoint per card
        was ~9 % of a burst's loop on SQLite, two more round trips per card on
        PostgreSQL): a decision refuses before it writes, the usual case, and then there
        is nothing to undo; on PostgreSQL the events it appended are usually still
        waiting in `appended`, and are dropped. One that wrote first (`written`,
        `Database.changes`, moved, or its waiting events were written by a statement it
        ran) raises `_Undo`, and the caller replays the batch without it.
        """
        before, mark = written(), appended.mark()
        try:
            self.recorded, self._result = self.decide(db, board)
            db.flush()  # its ORM changes too are written now, not in the next one's name
        except Exception as error:
            if isinstance(error, IntegrityError) or (isinstance(error, DBAPIError)
                                                     and error.connection_invalidated):
                raise  # another process appended, or the connection dropped: replayed
            # a refusal (or a bug) is this caller's alone
            self.recorded, self._error = [], error
            if (written() != before or db.new or db.dirty or db.deleted
                    or not appended.drop(mark)):  # (its events, unless written, dropped)
                self.done = True
                raise _Undo() from error
            return
        for item in self.recorded:
            fold(board, item)
        if self.then is not None:
            self._result = self.then(board, self._result)  # type: ignore[arg-type]

    def reset(self) -> None:
        self.recorded, self._result, self._error = [], None, None

    def settle(self) -> None:
        self.done = True

    def fail(self, error: BaseException) -> None:
        self.recorded, self._error, self.done = [], error, True

    def outcome(self) -> tuple[list[Recorded], T]:
        if self._error is not None:
            raise self._error
        return self.recorded, self._result  # type: ignore[return-value]


class BoardCache(StreamCache[Board]):
    """Sessions' boards."""

    def __init__(self, db: Database, cached_max: int = CACHED_MAX) -> None:
        super().__init__(db, Board, apply, cached_max)
