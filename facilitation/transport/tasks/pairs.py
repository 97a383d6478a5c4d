"""Double-espace live: when one room's cards, themes or votes change, the linked room's
board is told to refresh its "ici / là-bas" view (it fetches `/api/sessions/<id>/pair`)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask

from ...domain.events import Recorded
from ...extensions import socketio
from ...usecases.sessions import Service
from ..broadcast import add_listener, board_room

# what changes the other room's view of this one
PAIR_EVENTS = frozenset({
    "contribution_added", "contribution_hidden", "contribution_edited", "contribution_approved",
    "contribution_kind_changed", "themes_updated", "card_moved", "themes_merged",
    "theme_renamed", "vote_cast", "vote_withdrawn", "session_details_set", "phase_changed",
    "session_linked",
})


def init_app(app: Flask, service: Service) -> None:
    def on_committed(session_id: str, recorded: Sequence[Recorded]) -> None:
        board = service.boards.peek(session_id)
        if board is None or not board.linked:
            return
        if any(item.type in PAIR_EVENTS for item in recorded):
            socketio.emit("pair_changed", {"session_id": session_id, "seq": board.seq},
                          to=board_room(board.linked))

    add_listener(app, on_committed)
