"""Facilitator commands shared by the socket and HTTP transports: run, then announce."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from ..domain import rules
from ..domain.events import CofacilitatorRemoved
from ..extensions import socketio
from ..usecases import pairs
from ..usecases.sessions import Service
from ..usecases.steering import FacilitatorCommands
from .broadcast import publish, team_room
from .erasing import erase_participant, erase_speaker
from .links import public_base


def run_command(session_id: str, facilitator_id: int | None,
                data: dict[str, Any]) -> dict[str, Any]:
    """Run one named command as this facilitator; broadcast what it recorded."""
    service: Service = current_app.extensions["facilitation"]
    kind = rules.command_type(data.get("type"))
    if kind == "erase_participant":  # rewrites the log: not a plain command
        return erase_participant(session_id, facilitator_id, data)
    if kind == "erase_speaker":
        return erase_speaker(session_id, facilitator_id, data)
    if kind in pairs.COMMANDS:
        outcome, changed = pairs.run_command(service, session_id, facilitator_id, data)
        for changed_id, recorded in changed.items():
            publish(changed_id, recorded)
        return dict(outcome.ack)
    outcome = FacilitatorCommands(service).run(session_id, facilitator_id, data)
    publish(session_id, outcome.events)
    if data.get("type") == "regroup":
        current_app.extensions["grouping"].schedule(session_id, delay=0)
    for item in outcome.events:
        if isinstance(item.event, CofacilitatorRemoved):
            let_go(session_id, item.event.facilitator_id)
    ack = dict(outcome.ack)
    if "invitation" in ack:  # the secret goes to the owner once, as a link
        ack["invite_url"] = public_base() + url_for(
            "console.join_team", session_id=session_id, token=ack.pop("invitation"))
    return ack


def let_go(session_id: str, facilitator_id: int) -> None:
    """A removed co-facilitator's open boards and consoles (in this process) are
    disconnected: reconnecting, they are refused (`forbidden`), like every command and
    page of the session already is."""
    room = team_room(session_id, facilitator_id)
    server = socketio.server
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants("/", room)):
        server.disconnect(sid, namespace="/")
