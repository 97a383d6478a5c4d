"""Send committed events to the rooms that may see them (after commit, never before)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Flask, current_app

from ..domain.board import board_view, participant_view
from ..domain.events import Recorded
from ..extensions import socketio

Listener = Callable[[str, Sequence[Recorded]], None]


def add_listener(app: Flask, listener: Listener) -> None:
    """React in this process to every committed event (e.g. the live grouping)."""
    app.extensions.setdefault("commit_listeners", []).append(listener)


def board_room(session_id: str) -> str:
    return f"board:{session_id}"


def team_room(session_id: str, facilitator_id: int) -> str:
    """One facilitator's boards and consoles of a session (to let them go when removed)."""
    return f"team:{session_id}:{facilitator_id}"


def participants_room(session_id: str) -> str:
    return f"participants:{session_id}"


def publish(session_id: str, recorded: Sequence[Recorded], *, listeners: bool = True) -> None:
    """Full events to the facilitator's board, the participants' view to phones; then the
    commit listeners (`listeners=False`: the caller runs them once at the end of a long
    job, with `notify`)."""
    if not recorded:
        return
    socketio.emit("events", [board_view(item) for item in recorded], to=board_room(session_id))
    public = [view for item in recorded if (view := participant_view(item)) is not None]
    if public:
        socketio.emit("events", public, to=participants_room(session_id))
    if listeners:
        notify(session_id, recorded)


def notify(session_id: str, recorded: Sequence[Recorded]) -> None:
    """Run this process's commit listeners (regrouping, the linked board's nudge)."""
    if not recorded:
        return
    for listener in current_app.extensions.get("commit_listeners", ()):
        listener(session_id, recorded)
