"""Send committed events to the rooms that may see them (after commit, never before)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import join_room

from ..domain.board import board_view, participant_view
from ..domain.events import Recorded
from ..extensions import socketio

log = logging.getLogger(__name__)

Listener = Callable[[str, Sequence[Recorded]], None]


def add_listener(app: Flask, listener: Listener) -> None:
    """React in this process to every committed event (e.g. the live grouping)."""
    app.extensions.setdefault("commit_listeners", []).append(listener)


def join_rooms(*rooms: str) -> None:
    """Put the client of this request in `rooms`. With several processes, the rooms are
    registered together first (one wait, not one per room: `room_presence`)."""
    presence = getattr(getattr(socketio.server, "manager", None), "presence", None)
    if presence is not None:
        presence.register(request.namespace or "/", *rooms)
    for room in rooms:
        join_room(room)


def board_room(session_id: str) -> str:
    return f"board:{session_id}"


def team_room(session_id: str, facilitator_id: int) -> str:
    """One facilitator's boards and consoles of a session (to let them go when removed)."""
    return f"team:{session_id}:{facilitator_id}"


def participants_room(session_id: str) -> str:
    return f"participants:{session_id}"


class Outbox:
    """The `events` pushes of one turn of the event loop, one message per room.

    A group commit wakes every card's green thread at once, and each published its own
    card: a thousand phones' burst made a message per card to the board (its encoding,
    its websocket frame, the board's work to read it). Pushes are now gathered per room
    for GATHER seconds after the first and sent together, in `seq` order (`later` runs the
    flush then, in a green thread of its own). The woken green threads of one commit
    publish one after the other within a few milliseconds (each is handed the stream's
    lock in turn), so one window holds most of them. With real threads (`later` None)
    each push goes out at once, as before.
    """

    def __init__(self, send: Callable[[str, list[dict[str, Any]]], None],
                 later: Callable[[Callable[[], None]], None] | None,
                 batch: Callable[[], AbstractContextManager[Any]] = nullcontext) -> None:
        self._send = send
        self._later = later
        self._batch = batch  # the message queue's: a flush's rooms in one round trip
        self._rooms: dict[str, list[dict[str, Any]]] = {}
        # a state whose newest value is all that matters (e.g. `presence`): the last one
        self._latest: dict[tuple[str, str], Callable[[], None]] = {}
        self._lock = threading.Lock()

    def add(self, room: str, views: list[dict[str, Any]]) -> None:
        if self._later is None:
            self._send(room, views)
            return
        with self._lock:
            first = not self._rooms and not self._latest
            self._rooms.setdefault(room, []).extend(views)
        if first:
            self._later(self.flush)

    def latest(self, room: str, name: str, send: Callable[[], None]) -> None:
        """Send `name` to `room` with the window's other pushes; a newer one replaces it
        (a thousand phones leaving make one `presence`, not a thousand)."""
        if self._later is None:
            send()
            return
        with self._lock:
            first = not self._rooms and not self._latest
            self._latest[(room, name)] = send
        if first:
            self._later(self.flush)

    def flush(self) -> None:
        """Send what was gathered: per room, one message in `seq` order."""
        with self._lock:
            rooms, self._rooms = self._rooms, {}
            latest, self._latest = self._latest, {}
        with self._batch():
            for (room, _name), send in latest.items():
                try:
                    send()
                except Exception:  # noqa: BLE001 - as below
                    log.exception("pushing to %s failed", room)
            for room, views in rooms.items():
                views.sort(key=lambda view: view["seq"])
                try:
                    self._send(room, views)
                except Exception:  # one room's failure spares the others
                    log.exception("pushing events to %s failed", room)


GATHER = 0.002  # seconds: what the board waits at most for a card, to get it with others


def _later_for(async_mode: str | None) -> Callable[[Callable[[], None]], None] | None:
    if async_mode == "eventlet":
        import eventlet

        return lambda work: eventlet.spawn_after(GATHER, work)
    if async_mode == "gevent":
        import gevent

        return lambda work: gevent.spawn_later(GATHER, work)
    return None


def outbox() -> Outbox:
    """The app's outbox, for its async mode."""
    found = current_app.extensions.get("outbox")
    if found is None:
        manager = getattr(socketio.server, "manager", None)
        found = current_app.extensions["outbox"] = Outbox(
            lambda room, views: socketio.emit("events", views, to=room),
            _later_for(socketio.async_mode), getattr(manager, "batch", nullcontext))
    return found


def publish(session_id: str, recorded: Sequence[Recorded], *, listeners: bool = True) -> None:
    """Full events to the facilitator's board, the participants' view to phones (gathered
    per turn of the loop: `Outbox`); then the commit listeners (`listeners=False`: the
    caller runs them once at the end of a long job, with `notify`)."""
    if not recorded:
        return
    sending = outbox()
    sending.add(board_room(session_id), [board_view(item) for item in recorded])
    public = [view for item in recorded if (view := participant_view(item)) is not None]
    if public:
        sending.add(participants_room(session_id), public)
    if listeners:
        notify(session_id, recorded)


def notify(session_id: str, recorded: Sequence[Recorded]) -> None:
    """Run this process's commit listeners (regrouping, the linked board's nudge)."""
    if not recorded:
        return
    for listener in current_app.extensions.get("commit_listeners", ()):
        listener(session_id, recorded)
