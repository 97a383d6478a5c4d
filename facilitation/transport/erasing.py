"""Erasure from every front door (console, API, socket command, CLI, retention task):
run the use case, then tell the screens. A deleted session's board and phones are told
`session_deleted` (they stop and forget it); an erasure's tombstone is broadcast like
any event, and the board redraws from the server's view."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ..extensions import socketio
from ..usecases import erasure
from ..usecases.sessions import Service
from .broadcast import board_room, participants_room, publish


def service() -> Service:
    return current_app.extensions["facilitation"]


def announce_deleted(session_id: str) -> None:
    """The session's board, consoles and phones: the session is gone."""
    for room in (board_room(session_id), participants_room(session_id)):
        socketio.emit("session_deleted", {"session_id": session_id}, to=room)


def delete_session(session_id: str, facilitator_id: int | None) -> int:
    """Delete a session for good (its owner only); the number of events deleted."""
    deleted = erasure.delete_session(service(), session_id, facilitator_id, committed=publish)
    announce_deleted(session_id)
    return deleted


def erase_participant(session_id: str, facilitator_id: int | None,
                      data: dict[str, Any]) -> dict[str, Any]:
    """The console's "erase this person's contributions" (command `erase_participant`)."""
    done = erasure.erase_participant(service(), session_id, facilitator_id,
                                     data.get("participant_id"))
    publish(session_id, done.events)
    return {"ok": True, "seq": done.events[-1].seq, "cards": done.cards,
            "rows_rewritten": done.rows_rewritten}


def erase_speaker(session_id: str, facilitator_id: int | None,
                  data: dict[str, Any]) -> dict[str, Any]:
    """The console's "erase what was typed for this name" (command `erase_speaker`)."""
    done = erasure.erase_speaker(service(), session_id, facilitator_id, data.get("speaker"))
    publish(session_id, done.events)
    return {"ok": True, "seq": done.events[-1].seq, "cards": done.cards,
            "rows_rewritten": done.rows_rewritten}


def remove_member(club_id: str, facilitator_id: int | None, member_id: str) -> int:
    """Remove a club member and everything of theirs; the meetings' boards are told."""
    done = erasure.remove_member(current_app.extensions["clubs"], club_id, facilitator_id,
                                 member_id)
    for item in done.events:
        if item.session_id != club_id:
            publish(item.session_id, [item])
    return done.cards


def purge(days: int) -> list[str]:
    """The retention setting: delete the sessions closed for more than `days` days."""
    purged = erasure.purge_closed(service(), days, pause=lambda: socketio.sleep(0))
    for session_id in purged:
        announce_deleted(session_id)
    return purged
