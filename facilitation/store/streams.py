"""In-memory projections of event streams (a session's board, a club's register), caught
up from the log by `seq`, and the one way to change a stream: `StreamCache.transact`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.board import Board, apply
from ..domain.events import Recorded
from . import log
from .db import Database

T = TypeVar("T")
RETRIES = 8


class Projection(Protocol):
    seq: int


S = TypeVar("S", bound=Projection)


class StreamCache(Generic[S]):
    """Keeps each stream's projection in memory. Another process may have appended, so
    every read first folds the events after the cached `seq`.

    Lock order, to stay free of deadlocks: a stream's lock, then the database.
    """

    def __init__(self, db: Database, new: Callable[[str], S],
                 fold: Callable[[S, Recorded], S]) -> None:
        self._db = db
        self._new = new
        self._fold = fold
        self._boards: dict[str, S] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, session_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def _catch_up(self, db: Session, session_id: str) -> S:
        board = self._boards.get(session_id) or self._new(session_id)
        # read from the last event this board folded: when it is gone, the stream was
        # deleted (maybe by another process) and the board is dropped
        newer = log.read(db, session_id, after=max(board.seq - 1, 0))
        if board.seq and (not newer or newer[0].seq != board.seq):
            self._boards.pop(session_id, None)
            board = self._new(session_id)
            newer = log.read(db, session_id)
        for recorded in newer:
            if recorded.seq > board.seq:
                self._fold(board, recorded)
        if board.seq:
            self._boards[session_id] = board
        return board

    def forget(self, session_id: str) -> None:
        """Drop the cached projection (the stream's rows were rewritten or deleted)."""
        with self._lock(session_id):
            self._boards.pop(session_id, None)

    def delete(self, session_id: str, remove: Callable[[Session], T]) -> T:
        """Run `remove(db)` (it deletes the stream's rows) in a write transaction under the
        stream's lock, and forget the stream."""
        with self._lock(session_id):
            with self._db.write() as db:
                result = remove(db)
            self._boards.pop(session_id, None)
        with self._guard:
            self._locks.pop(session_id, None)
        return result

    def peek(self, session_id: str) -> S | None:
        """The projection as this process last saw it, without reading the log."""
        return self._boards.get(session_id)

    def get(self, session_id: str) -> S | None:
        """The session's board, up to date with the log; None for an unknown session.

        Read scalar fields from it freely; to walk its collections use `view`.
        """
        with self._lock(session_id), self._db.read() as db:
            board = self._catch_up(db, session_id)
        return board if board.seq else None

    def view(self, session_id: str, render: Callable[[S], T]) -> T | None:
        """`render(board)` under the session's lock, so no event lands mid-way."""
        with self._lock(session_id):
            with self._db.read() as db:
                board = self._catch_up(db, session_id)
            return render(board) if board.seq else None

    def transact(
        self, session_id: str, decide: Callable[[Session, S], tuple[list[Recorded], T]]
    ) -> tuple[list[Recorded], T]:
        """Run `decide(db, board)` in one write transaction on the caught-up board.

        `decide` validates against the board and appends events (after `board.seq`);
        once committed they are folded into the board. When another process took the
        same `seq`, the transaction is replayed on the newer board.
        """
        with self._lock(session_id):
            for attempt in range(RETRIES):
                try:
                    with self._db.write() as db:
                        board = self._catch_up(db, session_id)
                        recorded, result = decide(db, board)
                    for item in recorded:
                        self._fold(board, item)
                    if recorded:
                        self._boards[session_id] = board
                    return recorded, result
                except IntegrityError:
                    self._boards.pop(session_id, None)  # reload: it may be ahead of us
                    if attempt == RETRIES - 1:
                        raise
        raise AssertionError("unreachable")


class BoardCache(StreamCache[Board]):
    """Sessions' boards."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, Board, apply)
