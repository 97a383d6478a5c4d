"""Socket.IO transport: parse, call one use case, answer, and broadcast after commit.

Protocol in docs/protocol.md. Every handler answers through the Socket.IO ack:
`{ok: true, ...}` or `{ok: false, error: {code, message}}`.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from flask import current_app, session
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from ..domain.board import board_view, participant_view
from ..domain.errors import Rejected
from ..domain.rules import optional_seq
from ..extensions import socketio
from ..store.models import utcnow
from ..usecases import accounts
from ..usecases.clubs import Clubs
from ..usecases.sessions import Service
from . import languages
from .broadcast import (
    board_room,
    join_rooms,
    outbox,
    participants_room,
    publish,
    team_room,
)
from .commands import run_command
from .messages import refusal
from .throttle import address_key, limited, notify, spend, spender, throttle
from .wire import RESERVED, Unreadable

log = logging.getLogger(__name__)
REPLAY_LIMIT = 1000  # a client further behind gets a snapshot instead of every event
Handler = Callable[..., dict[str, Any]]


def clubs() -> Clubs:
    return current_app.extensions["clubs"]


def service() -> Service:
    return current_app.extensions["facilitation"]


def answer(handler: Handler) -> Handler:
    """Turn refusals and crashes into `{ok: false}` acks; the server keeps serving."""

    @functools.wraps(handler)
    def wrapper(self: LiveNamespace, data: Any = None, *_extra: Any) -> dict[str, Any]:
        try:
            if data is None:
                data = {}
            if isinstance(data, Unreadable):
                raise Rejected(data.code, field="(root)")
            if not isinstance(data, dict):
                raise Rejected("invalid_payload", field="(root)")
            return handler(self, data)
        except Rejected as error:
            return refusal(error, session.get("lang"))
        except Exception:
            log.exception("socket handler %s failed", handler.__name__)
            return refusal(Rejected("internal_error"), session.get("lang"))

    return wrapper


class Presence:
    """Phones connected to each session, in this process."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def change(self, session_id: str, delta: int) -> int:
        with self._lock:
            self._counts[session_id] += delta
            if self._counts[session_id] <= 0:
                del self._counts[session_id]
                return 0
            return self._counts[session_id]

    def count(self, session_id: str) -> int:
        with self._lock:
            return self._counts.get(session_id, 0)


presence = Presence()


def _announce_presence(session_id: str) -> None:
    """The count goes out with the loop's next pushes, counted then (one per window)."""
    room = board_room(session_id)
    outbox().latest(room, "presence", lambda: socketio.emit(
        "presence", {"connected": presence.count(session_id)}, to=room))


def _lang(requested: object, fallback: str) -> str:
    """The phone's interface language (any compiled catalogue), else the session's."""
    offered = languages.available()
    return requested if isinstance(requested, str) and requested in offered else fallback


class LiveNamespace(Namespace):
    """The one namespace phones, boards and consoles speak to."""

    def trigger_event(self, event: str, *args: Any) -> Any:
        """An event this namespace does not know is answered too (`unknown_event`)."""
        if event not in RESERVED and not (
                isinstance(event, str) and callable(getattr(self, f"on_{event}", None))):
            event = "unknown"
        return super().trigger_event(event, *args)

    @answer
    def on_unknown(self, data: dict[str, Any]) -> dict[str, Any]:
        raise Rejected("unknown_event")

    def on_connect(self, auth: Any = None) -> None:
        facilitator_id = None
        if isinstance(auth, dict) and isinstance(auth.get("token"), str):
            facilitator_id = accounts.by_token(service().db, auth["token"])
        elif current_user.is_authenticated:
            facilitator_id = int(current_user.get_id())
        if facilitator_id is None and not throttle().hit("CONNECTIONS_PER_ADDRESS",
                                                         address_key()):
            notify(None, "CONNECTIONS_PER_ADDRESS")
            raise ConnectionRefusedError("rate_limited", {"code": "rate_limited"})
        session["facilitator_id"] = facilitator_id

    def on_disconnect(self, reason: Any = None) -> None:
        session_id = session.get("participant_session")
        if session_id:
            presence.change(session_id, -1)
            _announce_presence(session_id)

    def _replay(self, session_id: str, last_seq: int, participant: bool) -> None:
        """Send this client the events it missed since `last_seq`, in order."""
        if not last_seq:
            return
        missed = service().events_after(session_id, last_seq, limit=REPLAY_LIMIT + 1)
        if len(missed) > REPLAY_LIMIT:
            emit("snapshot_needed", {"seq": missed[-1].seq})
            return
        views = (participant_view(item) if participant else board_view(item) for item in missed)
        wire = [view for view in views if view is not None]
        if wire:
            emit("events", wire)

    def _gate(self, session_id: str | None) -> Callable[[str], None]:
        """What a join may create: a new identity, a new name (rate-limited)."""

        # keys taken here, in this phone's request: the decision may run elsewhere
        new_participant = spender(session_id, "NEW_PARTICIPANTS_PER_ADDRESS")
        rename = spender(session_id, "RENAMES_PER_CONNECTION", "RENAMES_PER_ADDRESS")

        def gate(what: str) -> None:
            (new_participant if what == "participant" else rename)()

        return gate

    def _checked_join(self, data: dict[str, Any]) -> Any:
        """Join, with wrong codes counted per address. Past their limit, only a phone
        that already belongs to the session gets in (anyone else learns nothing)."""
        code, token = data.get("code"), data.get("participant_token")
        held: dict[str, str] = session.get("held") or {}
        spend(session.get("participant_session"), "JOINS_PER_CONNECTION")
        address = address_key()
        session_id = None
        if not throttle().allowed("WRONG_CODES_PER_ADDRESS", address):
            try:
                board, participant_id = service().phone_board(code, token)
                session_id = board.session_id
                if participant_id is None and held.get(session_id):
                    participant_id = service().participant_for(session_id, held[session_id])
            except Rejected:
                participant_id = None
            if participant_id is None:
                notify(session_id, "WRONG_CODES_PER_ADDRESS")
                raise limited("WRONG_CODES_PER_ADDRESS", address)
        try:
            if session_id is None:
                session_id = service().session_id_for(code)
            return service().join(code, token, data.get("name"), held=held,
                                  gate=self._gate(session_id))
        except Rejected as error:
            if error.code == "unknown_session":
                throttle().hit("WRONG_CODES_PER_ADDRESS", address)
            raise

    @answer
    def on_join(self, data: dict[str, Any]) -> dict[str, Any]:
        last_seq = optional_seq(data.get("last_seq"))
        joined = self._checked_join(data)
        board = joined.board
        session["held"] = {**(session.get("held") or {}), board.session_id: joined.token}
        session["lang"] = _lang(data.get("lang"), board.language)
        previous = session.get("participant_session")
        session["participant_id"] = joined.participant_id
        session["participant_session"] = board.session_id
        join_room(participants_room(board.session_id))
        if previous != board.session_id:
            presence.change(board.session_id, +1)
            if previous:
                presence.change(previous, -1)
        publish(board.session_id, joined.events)
        _announce_presence(board.session_id)

        def mine(b: Any) -> list[dict[str, Any]]:
            return [
                {"contribution_id": c.id, "client_id": c.client_id, "text": c.text,
                 "kind": c.kind, "seq": c.seq, "voice": c.voice_dict()}
                for c in b.my_cards(joined.participant_id)
            ]

        ack = {
            "ok": True,
            "participant_token": joined.token,
            "participant_id": joined.participant_id,
            "session": clubs().phone_view(board.session_id, joined.participant_id),
            "mine": service().boards.view(board.session_id, mine),
            "seq": board.seq,
            "server_now": utcnow().isoformat(),  # for timers: clients correct their clock
        }
        self._replay(board.session_id, last_seq, participant=True)
        return ack

    @answer
    def on_contribute(self, data: dict[str, Any]) -> dict[str, Any]:
        session_id, participant_id = self._phone()
        spend(session_id, "CARDS_PER_CONNECTION", "CARDS_PER_ADDRESS")
        outcome = service().add_contribution(
            session_id,
            participant_id,
            data.get("client_id"),
            data.get("text"),
            data.get("kind"),
            data.get("prompt_id"),
        )
        publish(session_id, outcome.events)
        return outcome.ack

    def _phone(self) -> tuple[str, str | None]:
        session_id = session.get("participant_session")
        if not session_id:
            raise Rejected("not_joined")
        return session_id, session.get("participant_id")

    def _phone_outcome(self, session_id: str, outcome: Any) -> dict[str, Any]:
        publish(session_id, outcome.events)
        return outcome.ack

    @answer
    def on_state(self, data: dict[str, Any]) -> dict[str, Any]:
        """A phone's own view of the session now (phase, prompt, timer, ballot, queue)."""
        session_id, participant_id = self._phone()
        view = clubs().phone_view(session_id, participant_id)
        return {"ok": True, "session": view, "server_now": utcnow().isoformat()}

    @answer
    def on_vote(self, data: dict[str, Any]) -> dict[str, Any]:
        session_id, participant_id = self._phone()
        spend(session_id, "VOTES_PER_CONNECTION", "VOTES_PER_ADDRESS")
        outcome = service().vote(session_id, participant_id, data.get("client_id"),
                                 data.get("target_id"))
        return self._phone_outcome(session_id, outcome)

    @answer
    def on_unvote(self, data: dict[str, Any]) -> dict[str, Any]:
        session_id, participant_id = self._phone()
        spend(session_id, "VOTES_PER_CONNECTION", "VOTES_PER_ADDRESS")
        outcome = service().unvote(session_id, participant_id, data.get("client_id"),
                                   data.get("target_id"))
        return self._phone_outcome(session_id, outcome)

    @answer
    def on_request_floor(self, data: dict[str, Any]) -> dict[str, Any]:
        session_id, participant_id = self._phone()
        spend(session_id, "FLOOR_PER_CONNECTION", "FLOOR_PER_ADDRESS")
        outcome = service().request_floor(session_id, participant_id, data.get("client_id"))
        return self._phone_outcome(session_id, outcome)

    @answer
    def on_withdraw_floor(self, data: dict[str, Any]) -> dict[str, Any]:
        session_id, participant_id = self._phone()
        spend(session_id, "FLOOR_PER_CONNECTION", "FLOOR_PER_ADDRESS")
        outcome = service().withdraw_floor(session_id, participant_id, data.get("client_id"))
        return self._phone_outcome(session_id, outcome)

    @answer
    def on_rate_radar(self, data: dict[str, Any]) -> dict[str, Any]:
        session_id, participant_id = self._phone()
        outcome = service().rate_radar(session_id, participant_id, data.get("client_id"),
                                       data.get("ratings"))
        return self._phone_outcome(session_id, outcome)

    @answer
    def on_answer_profile(self, data: dict[str, Any]) -> dict[str, Any]:
        session_id, participant_id = self._phone()
        outcome = service().answer_profile(session_id, participant_id, data.get("client_id"),
                                           data.get("answers"))
        return self._phone_outcome(session_id, outcome)

    @answer
    def on_join_board(self, data: dict[str, Any]) -> dict[str, Any]:
        session_id = data.get("session_id")
        if not isinstance(session_id, str):
            raise Rejected("invalid_payload", field="session_id")
        last_seq = optional_seq(data.get("last_seq"))
        if session.get("facilitator_id") is None:
            raise Rejected("unauthenticated")
        board = service().require_facilitator(session_id, session["facilitator_id"])
        session["lang"] = _lang(data.get("lang"), board.language)
        join_rooms(board_room(session_id), team_room(session_id, session["facilitator_id"]))
        snapshot = service().boards.view(session_id, type(board).to_dict)
        self._replay(session_id, last_seq, participant=False)
        return {
            "ok": True,
            "board": snapshot,
            "seq": snapshot["seq"] if snapshot else 0,
            "connected": presence.count(session_id),
            "server_now": utcnow().isoformat(),
        }

    @answer
    def on_join_club(self, data: dict[str, Any]) -> dict[str, Any]:
        """The club board: the club's view now, then `club` pushes on every change."""
        club = clubs().require(data.get("club_id"), session.get("facilitator_id"))
        join_room(f"club:{club.id}")
        return {"ok": True, "club": clubs().view(club.id)}

    @answer
    def on_command(self, data: dict[str, Any]) -> dict[str, Any]:
        """A facilitator command: `{session_id, type, client_id?, ...}` (docs/protocol.md)."""
        session_id = data.get("session_id")
        if not isinstance(session_id, str):
            raise Rejected("invalid_payload", field="session_id")
        return run_command(session_id, session.get("facilitator_id"), data)

    @answer
    def on_sync(self, data: dict[str, Any]) -> dict[str, Any]:
        """A client that saw a gap in `seq` asks for what it missed."""
        last_seq = optional_seq(data.get("last_seq"))
        board_session = data.get("session_id")
        if isinstance(board_session, str) and session.get("facilitator_id") is not None:
            service().require_facilitator(board_session, session["facilitator_id"])
            self._replay(board_session, last_seq or 0, participant=False)
            return {"ok": True}
        session_id = session.get("participant_session")
        if not session_id:
            raise Rejected("not_joined")
        self._replay(session_id, last_seq, participant=True)
        return {"ok": True}
