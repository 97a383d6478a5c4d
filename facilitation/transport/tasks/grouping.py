"""Regroup a session's cards shortly after they arrive, off the request path.

A burst of cards triggers one regrouping ≈`delay` seconds after the first of them; cards
arriving during a run trigger one more run after it. Under eventlet the CPU work runs in
a green thread and holds the hub while it computes: `facilitation bench grouping`
measures that pause (each card is embedded once, when it first takes part).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from flask import Flask

from ...domain import grouping
from ...domain.events import Recorded
from ...extensions import socketio
from ...usecases.sessions import Service
from ...usecases.steering import FacilitatorCommands
from ..broadcast import add_listener, publish

log = logging.getLogger(__name__)
TRIGGERS = {"contribution_added", "grouping_set", "card_moved", "themes_merged"}


class GroupingScheduler:
    """One debounced regrouping loop per session, in this process."""

    def __init__(self, app: Flask, service: Service, backend: str, delay: float) -> None:
        self.app = app
        self.service = service
        self.commands = FacilitatorCommands(service)
        self.backend = backend
        self.delay = delay
        self._lock = threading.Lock()
        self._active: set[str] = set()
        self._again: set[str] = set()

    def on_committed(self, session_id: str, recorded: Sequence[Recorded]) -> None:
        """Listener of every commit: new cards (or new settings) ask for a regrouping."""
        if any(item.type in TRIGGERS and item.actor != "machine" for item in recorded):
            board = self.service.boards.get(session_id)
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
        corrected the board meanwhile)."""
        with self.app.app_context():
            shot = self.service.boards.view(session_id, grouping.snapshot)
            if shot is None or not shot.cards:
                return []
            seeds = self.commands.seeds(session_id)
            grouping.embed_new(shot, self.backend, lambda: socketio.sleep(0))
            result = grouping.compute(shot, self.backend, seeds)
            socketio.sleep(0)
            recorded = self.commands.apply_result(session_id, result)
            publish(session_id, recorded)
            return recorded


def init_app(app: Flask, service: Service) -> GroupingScheduler:
    scheduler = GroupingScheduler(
        app, service, app.config["FACILITATION_CLUSTERING_BACKEND"],
        app.config["FACILITATION_GROUPING_DELAY"],
    )
    app.extensions["grouping"] = scheduler
    add_listener(app, scheduler.on_committed)
    return scheduler
