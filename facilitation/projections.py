"""In-memory boards per session, caught up from the log by `seq`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from . import log
from .board import Board, apply
from .db import Database
from .events import Recorded

T = TypeVar("T")


class BoardCache:
    """Keeps each session's board in memory; another process may have appended, so
    `get` always reads the events after the cached `seq` before answering."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._boards: dict[str, Board] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, session_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def _caught_up(self, session_id: str) -> Board | None:
        board = self._boards.get(session_id) or Board(session_id)
        with self._db.read() as db:
            for recorded in log.read(db, session_id, after=board.seq):
                apply(board, recorded)
        if board.seq == 0:
            return None
        self._boards[session_id] = board
        return board

    def get(self, session_id: str) -> Board | None:
        """The session's board, up to date with the log; None for an unknown session.

        Read scalar fields from it freely; to walk its collections use `view`.
        """
        with self._lock(session_id):
            return self._caught_up(session_id)

    def view(self, session_id: str, render: Callable[[Board], T]) -> T | None:
        """`render(board)` under the session's lock, so no event lands mid-way."""
        with self._lock(session_id):
            board = self._caught_up(session_id)
            return None if board is None else render(board)

    def advance(self, session_id: str, recorded: Iterable[Recorded]) -> None:
        """Fold events this process just committed, when they follow the cached board."""
        with self._lock(session_id):
            board = self._boards.get(session_id)
            if board is None:
                return
            for item in recorded:
                if item.seq == board.seq + 1:
                    apply(board, item)

    def forget(self, session_id: str) -> None:
        with self._guard:
            self._boards.pop(session_id, None)
