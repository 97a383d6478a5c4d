"""A member's timeline: their project now and how it moved, meeting by meeting, with their
own radars. Built from the club's state and its meetings' boards (pure)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from ..board import Board
from .state import Club, Member

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Step:
    at: str  # ISO time of the change
    meeting: str | None  # the meeting's title; None between meetings
    meeting_date: str | None
    by_member: bool
    changes: dict[str, Any]


@dataclass(frozen=True)
class RadarEntry:
    meeting: str
    date: str | None
    axes: tuple[dict[str, str], ...]
    ratings: dict[str, int]


@dataclass(frozen=True)
class Timeline:
    club: str
    member: str
    language: str
    project: dict[str, Any]  # the record now (helpers by name)
    steps: tuple[Step, ...]
    radars: tuple[RadarEntry, ...]  # oldest first

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION, **asdict(self)}


def _named(steps: list[dict[str, str]], names: dict[str, str]) -> list[dict[str, str]]:
    return [{**{k: v for k, v in step.items() if k != "helper"},
             **({"helper": names.get(step["helper"], "")} if step.get("helper") else {})}
            for step in steps]


def build(club: Club, member: Member, meetings: list[Board],
          since: datetime | None = None) -> Timeline:
    """`meetings`: the club's meetings, oldest first; `since`: the radars given through
    the personal link issued then (the member's own copy reads no earlier link's)."""
    names = club.member_names()
    by_id = {board.session_id: board for board in meetings}
    steps = []
    for change in member.history:
        board = by_id.get(change.session_id or "")
        changes = dict(change.changes)
        if "next_steps" in changes:
            changes["next_steps"] = _named(changes["next_steps"], names)
        steps.append(Step(change.at.isoformat(), board.title if board else None,
                          board.date() if board else None, change.by_member, changes))
    radars = []
    for board in meetings:
        for entry in reversed(board.member_ratings(member.id, since)):
            radars.append(RadarEntry(board.title, entry["date"], tuple(entry["axes"]),
                                     entry["ratings"]))
    project = member.project.fields()
    project["next_steps"] = _named(project["next_steps"], names)
    return Timeline(club.name, member.name, club.language, project, tuple(steps),
                    tuple(radars))
