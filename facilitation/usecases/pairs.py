"""Double-espace: two sessions (say Lille and Kayes) paired for the "ici / là-bas" view.

Linking records `session_linked` in both sessions' logs; the pair view merges the two
sides' themes with the programme synthesis' engine: themes both rooms raised, themes of
one side only, levers of one room that answer blockers of the other. Votes stay per side.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from ..domain.board import Board
from ..domain.errors import Rejected
from ..domain.events import Recorded, SessionLinked
from ..synthesis import Synthesis, build
from ..synthesis.model import ThemeItem
from ..synthesis.programme import ProgrammeTheme, merge
from .sessions import Outcome, Service, append_events, check_facilitator

COMMANDS = frozenset({"link_session", "unlink_session"})


def _set_link(service: Service, session_id: str, facilitator_id: int | None,
              partner: str | None, expect: str | None = None) -> list[Recorded]:
    """Record `session_linked(partner)` in one session (nothing when already so).

    `expect`: only unpair the session if it is currently paired with that session — then
    the caller need not run it (an owner may always leave a pair, whoever made it)."""

    def decide(db: Session, board: Board) -> tuple[list[Recorded], None]:
        if expect is None or partner is not None:
            check_facilitator(board, facilitator_id)
        if board.linked == partner or (expect is not None and board.linked != expect):
            return [], None
        event = SessionLinked(partner)
        # no facilitator: the partner was deleted for good (erasure.delete_for_good)
        actor = f"facilitator:{facilitator_id}" if facilitator_id is not None else "erasure"
        return append_events(db, board, [event], actor), None

    recorded, _ = service.boards.transact(session_id, decide)
    return recorded


def unpair_from(service: Service, session_id: str, gone: str) -> list[Recorded]:
    """Unpair `session_id` from `gone` (being deleted), if they are still paired."""
    return _set_link(service, session_id, None, None, expect=gone)


def run(service: Service, session_id: str, facilitator_id: int | None,
        data: dict[str, Any]) -> dict[str, list[Recorded]]:
    """`link_session {session_id}` or `unlink_session`: the events recorded, per session.

    A facilitator links two sessions they both facilitate (invite the other room's
    facilitator as co-facilitator first). Linking to a third session unpairs the old one.
    """
    board = service.require_facilitator(session_id, facilitator_id)
    changed: dict[str, list[Recorded]] = {}

    def unpair(one: str, other: str) -> None:
        if service.boards.get(other) is not None:
            changed[other] = _set_link(service, other, facilitator_id, None, expect=one)

    if data.get("type") == "unlink_session":
        if board.linked:
            unpair(session_id, board.linked)
            changed[session_id] = _set_link(service, session_id, facilitator_id, None)
        return changed
    other_id = data.get("session_id")
    if not isinstance(other_id, str) or other_id == session_id:
        raise Rejected("invalid_link")
    other = service.require_facilitator(other_id, facilitator_id)
    for side, previous in ((session_id, board.linked), (other_id, other.linked)):
        if previous and previous not in (session_id, other_id):
            unpair(side, previous)
    changed[session_id] = _set_link(service, session_id, facilitator_id, other_id)
    changed[other_id] = _set_link(service, other_id, facilitator_id, session_id)
    return changed


def run_command(service: Service, session_id: str, facilitator_id: int | None,
                data: dict[str, Any]) -> tuple[Outcome, dict[str, list[Recorded]]]:
    """The command's answer, and the events it recorded in each session."""
    changed = run(service, session_id, facilitator_id, data)
    board = service.board(session_id)
    ack = {"ok": True, "seq": board.seq, "linked": board.linked}
    return Outcome(ack, changed.get(session_id, [])), changed


LABEL_MAX = 90


def _comparable(synthesis: Synthesis, territory: str) -> Synthesis:
    """The side as compared: each card left outside the themes stands alone (a lone card
    here may answer a whole theme there), labelled by its text."""

    def split(themes: tuple[ThemeItem, ...]) -> tuple[ThemeItem, ...]:
        kept: list[ThemeItem] = []
        for theme in themes:
            if not theme.id.startswith("other-"):
                kept.append(theme)
                continue
            for card in theme.cards:
                label = card.text
                if len(label) > LABEL_MAX:
                    label = label[:LABEL_MAX - 1] + "…"
                kept.append(ThemeItem(f"card-{card.id}", theme.kind, label, card.votes,
                                      (card,), {}))
        return tuple(kept)

    return dataclasses.replace(synthesis, territory=territory,
                               blockers=split(synthesis.blockers), levers=split(synthesis.levers))


def _side(board: Board) -> dict[str, Any]:
    return {
        "id": board.session_id, "title": board.title, "territory": board.territory,
        "date": board.date(), "phase": board.phase,
        "participants": len(board.participants),
        "contributions": len(board.visible_cards()),
    }


def _theme(theme: ProgrammeTheme, here: str, there: str) -> dict[str, Any]:
    def on(side: str) -> dict[str, Any] | None:
        mentions = [m for m in theme.mentions if m.territory == side]
        if not mentions:
            return None
        return {"labels": sorted({m.label for m in mentions}),
                "votes": sum(m.votes for m in mentions),
                "cards": sum(m.size for m in mentions),
                "examples": [e for m in mentions for e in m.examples][:2]}

    here_side, there_side = on(here), on(there)
    return {"id": theme.id, "kind": theme.kind, "label": theme.label,
            "here": here_side, "there": there_side,
            "shared": here_side is not None and there_side is not None}


def view(service: Service, session_id: str, facilitator_id: int | None,
         backend: str = "use") -> dict[str, Any]:
    """Both sides of a linked session, their themes matched: the board's "ici / là-bas".

    Each side's themes are its own (votes counted in its own room); a merged theme both
    rooms raised is `shared`. Aggregates and labels only, plus two example cards.
    """
    board = service.require_facilitator(session_id, facilitator_id)
    if not board.linked:
        raise Rejected("not_linked")
    # both rooms are the caller's, and both say so: a link recorded on one side only
    # (an imported log, say) shows nothing of the other
    other = service.require_facilitator(board.linked, facilitator_id)
    if other.linked != session_id:
        raise Rejected("not_linked")
    here = service.boards.view(session_id, build)
    there = service.boards.view(other.session_id, build)
    assert here is not None and there is not None
    # the two sessions stand for the two territories, even when these are not filled in
    sides = [_comparable(here, session_id), _comparable(there, other.session_id)]
    merged = merge(sides, board.programme or board.title, backend=backend,
                   here=session_id, there=other.session_id)
    comparison = merged.comparison
    assert comparison is not None

    def answers(found: tuple[Any, ...]) -> list[dict[str, str]]:
        return [{"lever": merged.theme(a.lever).label, "blocker": merged.theme(a.blocker).label}
                for a in found[:5]]

    return {
        "here": service.boards.view(session_id, _side),
        "there": service.boards.view(other.session_id, _side),
        "blockers": [_theme(t, session_id, other.session_id) for t in merged.blockers],
        "levers": [_theme(t, session_id, other.session_id) for t in merged.levers],
        "answers_from_there": answers(comparison.answers_from_there),
        "answers_from_here": answers(comparison.answers_from_here),
    }
