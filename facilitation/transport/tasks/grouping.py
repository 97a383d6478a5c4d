"""Regroup a session's cards shortly after they arrive, off the request path.

A burst of cards triggers one regrouping ≈`delay` seconds after the first of them; cards
arriving during a run trigger one more run after it. The embedding and clustering run in
the grouping worker, a process of its own (`worker.py`): this process only takes a
snapshot of the board, waits for the themes without holding its event loop, and records
them unless the facilitator decided otherwise meanwhile. With `FACILITATION_GROUPING_WORKER
=inline` (tests, one-off commands) they are computed here instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from flask import Flask

from ...domain import grouping
from ...domain.events import Recorded
from ...extensions import socketio
from ...usecases.sessions import Service
from ...usecases.steering import FacilitatorCommands
from ..broadcast import add_listener, publish
from .worker import GroupingWorker, WorkerCrashed

log = logging.getLogger(__name__)
TRIGGERS = {"contribution_added", "contribution_transcribed", "grouping_set", "card_moved",
            "themes_merged"}


class GroupingScheduler:
    """One debounced regrouping loop per session, in this process."""

    def __init__(self, app: Flask, service: Service, backend: str, delay: float,
                 worker: GroupingWorker | None = None) -> None:
        self.app = app
        self.service = service
        self.commands = FacilitatorCommands(service)
        self.backend = backend
        self.delay = delay
        self.worker = worker
        self._lock = threading.Lock()
        self._active: set[str] = set()
        self._again: set[str] = set()

    def on_committed(self, session_id: str, recorded: Sequence[Recorded]) -> None:
        """Listener of every commit: new cards (or new settings) ask for a regrouping."""
        if any(item.type in TRIGGERS and item.actor != "machine" for item in recorded):
            # this process just committed: its cached board is current enough to read two
            # settings, without waiting for the stream's lock (held by the next batch)
            board = self.service.boards.peek(session_id) or self.service.boards.get(session_id)
            if board is not None and board.grouping.auto and not board.grouping.locked:
                self.schedule(session_id)

    def schedule(self, session_id: str, delay: float | None = None) -> None:
        with self._lock:
            if session_id in self._active:
                self._again.add(session_id)
                return
            self._active.add(session_id)
        socketio.start_background_task(self._loop, session_id,
                                       self.delay if delay is None else delay)

    def _loop(self, session_id: str, delay: float) -> None:
        try:
            while True:
                socketio.sleep(delay)
                with self._lock:
                    self._again.discard(session_id)
                try:
                    self.regroup(session_id)
                except WorkerCrashed as crash:  # a new worker takes the next run
                    log.error("grouping worker lost during session %s: %s", session_id, crash)
                    with self._lock:
                        self._again.add(session_id)
                except Exception:
                    log.exception("regrouping session %s failed", session_id)
                with self._lock:
                    if session_id not in self._again:
                        self._active.discard(session_id)
                        return
        except BaseException:
            with self._lock:
                self._active.discard(session_id)
            raise

    def regroup(self, session_id: str) -> list[Recorded]:
        """Compute the themes now and publish them (unless the facilitator locked or
        corrected the board meanwhile).

        Several server processes: one of them at a time regroups a session (a lease in
        the database); another one that received cards meanwhile tries again after the
        delay, on a snapshot that holds them. Two processes computing the same plenary's
        themes at once doubled the CPU spent on it, and a room of 1,000 phones spread on
        two processes acknowledged cards three times slower than on one.
        """
        with self.service.db.lease(f"grouping:{session_id}") as mine:
            if not mine:
                with self._lock:
                    self._again.add(session_id)
                return []
            return self._regroup(session_id)

    def _regroup(self, session_id: str) -> list[Recorded]:
        with self.app.app_context():
            shot = self.service.boards.view(session_id, grouping.snapshot)
            if shot is None or not shot.cards:
                return []
            seeds = self.commands.seeds(session_id)
            result = self.compute(shot, seeds)
            recorded = self.commands.apply_result(session_id, result)
            publish(session_id, recorded)
            return recorded


    def compute(self, shot: grouping.Snapshot, seeds: tuple[object, ...]) -> Any:
        """The snapshot's themes: from the worker process, or here when inline."""
        if self.worker is not None:
            return self.worker.compute(shot, seeds)
        grouping.embed_new(shot, self.backend, lambda: socketio.sleep(0))
        result = grouping.compute(shot, self.backend, seeds)  # type: ignore[arg-type]
        socketio.sleep(0)
        return result

    def start(self) -> None:
        """Load the model before the first card: in the worker, or here when inline."""
        if self.worker is not None:
            self.worker.start()
            socketio.start_background_task(_watchdog, self.worker)
        else:
            grouping.warm_up(self.backend)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()


def _watchdog(worker: GroupingWorker, every: float = 5.0) -> None:
    """Kill a worker stuck on one snapshot; the next regrouping starts a new one."""
    while True:
        socketio.sleep(every)
        worker.expire()


def init_app(app: Flask, service: Service) -> GroupingScheduler:
    backend = app.config["FACILITATION_CLUSTERING_BACKEND"]
    worker = None
    if app.config["FACILITATION_GROUPING_WORKER"] == "process":
        worker = GroupingWorker(backend)
    scheduler = GroupingScheduler(
        app, service, backend, app.config["FACILITATION_GROUPING_DELAY"], worker,
    )
    app.extensions["grouping"] = scheduler
    add_listener(app, scheduler.on_committed)
    return scheduler
