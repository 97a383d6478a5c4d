"""What a club holds, folded from its events: members, their projects and the history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..events import (
    ClubCreated,
    MemberAdded,
    MemberLinkIssued,
    MemberRemoved,
    MemberRenamed,
    ProjectUpdated,
    Recorded,
)
from .project import STAGES


@dataclass
class Project:
    project: str = ""
    stage: str | None = None
    strengths: str = ""
    difficulties: str = ""
    next_steps: list[dict[str, str]] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {"project": self.project, "stage": self.stage, "strengths": self.strengths,
                "difficulties": self.difficulties,
                "next_steps": [dict(step) for step in self.next_steps]}


@dataclass(frozen=True)
class Change:
    """One update of a member's project: when, in which meeting, by whom, what."""

    seq: int
    at: datetime
    session_id: str | None
    by_member: bool
    changes: dict[str, Any]


@dataclass
class Member:
    id: str
    name: str
    number: int
    joined_at: datetime
    project: Project = field(default_factory=Project)
    history: list[Change] = field(default_factory=list)
    links: list[datetime] = field(default_factory=list)  # when each personal link was issued

    def link_window(self, at: datetime | None = None) -> tuple[datetime | None, datetime | None]:
        """The life of the personal link in use at `at` (default: the newest link): a
        link reads only the private ratings given through it, never those of the
        member's earlier links (a re-issued link cannot read the member's history)."""
        if not self.links:
            return None, None
        if at is None:
            return self.links[-1], None
        start = max((t for t in self.links if t <= at), default=None)
        end = min((t for t in self.links if t > at), default=None)
        return start, end


@dataclass
class Club:
    id: str
    seq: int = 0
    name: str = ""
    language: str = "fr"
    facilitator_id: int | None = None
    created_at: datetime | None = None
    members: dict[str, Member] = field(default_factory=dict)

    def member_names(self) -> dict[str, str]:
        return {m.id: m.name for m in self.members.values()}

    def by_stage(self) -> dict[str | None, list[Member]]:
        """Members grouped by their project's stage (None: not said yet)."""
        grouped: dict[str | None, list[Member]] = {stage: [] for stage in STAGES}
        grouped[None] = []
        for member in self.members.values():
            grouped.setdefault(member.project.stage, []).append(member)
        return grouped

    def member_dict(self, member: Member) -> dict[str, Any]:
        names = self.member_names()
        project = member.project.fields()
        for step in project["next_steps"]:
            if "helper" in step:
                step["helper_name"] = names.get(step["helper"], "")
        last = member.history[-1].at.isoformat() if member.history else None
        return {"id": member.id, "name": member.name, "number": member.number,
                "project": project, "updated_at": last, "updates": len(member.history)}

    def to_dict(self) -> dict[str, Any]:
        """The club board and the facilitator's view (no secrets: links are hashed away)."""
        return {
            "id": self.id, "seq": self.seq, "name": self.name, "language": self.language,
            "members": [self.member_dict(m) for m in self.members.values()],
            "stages": {stage or "none": [m.id for m in members]
                       for stage, members in self.by_stage().items()},
        }


def apply(club: Club, recorded: Recorded) -> Club:
    """Fold one event of the club's stream (in `seq` order)."""
    if recorded.seq != club.seq + 1:
        raise ValueError(f"event {recorded.seq} does not follow club seq {club.seq}")
    event = recorded.event
    if isinstance(event, ClubCreated):
        club.name, club.language = event.name, event.language
        club.facilitator_id, club.created_at = event.facilitator_id, recorded.created_at
    elif isinstance(event, MemberAdded):
        club.members[event.member_id] = Member(event.member_id, event.name,
                                               len(club.members) + 1, recorded.created_at)
    elif isinstance(event, MemberLinkIssued) and event.member_id in club.members:
        club.members[event.member_id].links.append(recorded.created_at)
    elif isinstance(event, MemberRenamed) and event.member_id in club.members:
        club.members[event.member_id].name = event.name
    elif isinstance(event, ProjectUpdated) and event.member_id in club.members:
        member = club.members[event.member_id]
        for name, value in event.changes.items():
            setattr(member.project, name, value)
        member.history.append(Change(recorded.seq, recorded.created_at, event.session_id,
                                     (recorded.actor or "").startswith("member:"),
                                     dict(event.changes)))
    elif isinstance(event, MemberRemoved):
        club.members.pop(event.member_id, None)
        for member in club.members.values():  # their help in others' next steps
            for step in member.project.next_steps:
                if step.get("helper") == event.member_id:
                    del step["helper"]
    club.seq = recorded.seq
    return club


def rebuild(club_id: str, log: Iterable[Recorded]) -> Club:
    club = Club(club_id)
    for recorded in log:
        apply(club, recorded)
    return club
