"""A club meeting's synthesis: where the club's projects stand (pure code).

Built from the club's state (`facilitation.domain.club.Club`), folded as it stood when the meeting
closed (`club_at`), so re-exporting an old meeting later gives the same document. Members'
personal data stays minimal: their pseudonym and their project's title, stage and next
steps (no link, no hash, no strengths or difficulties).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..domain.club import STAGES, Club, rebuild
from ..domain.club.project import FIELDS
from ..domain.events import Recorded

NO_STAGE = "none"


@dataclass(frozen=True)
class NextStep:
    text: str
    due: str | None = None  # ISO date
    helper: str | None = None  # the pseudonym of the member who helps


@dataclass(frozen=True)
class ClubProject:
    """One member's row."""

    member: str  # pseudonym
    project: str  # the project's title ("" when not said yet)
    stage: str | None  # idea, creation, launch, development; None when not said yet
    next_steps: tuple[NextStep, ...]
    updated_here: bool  # changed during this meeting
    changes_here: tuple[str, ...]  # the fields changed during this meeting (FIELDS order)


@dataclass(frozen=True)
class ClubSection:
    name: str
    stages: dict[str, int]  # projects per stage, STAGES order then "none" (no stage yet)
    projects: tuple[ClubProject, ...]  # members in the order they joined

    @property
    def updated(self) -> int:
        return sum(1 for p in self.projects if p.updated_here)

    def staged(self) -> dict[str, int]:
        """The counts of the projects that have a stage (the chart's bars)."""
        return {stage: n for stage, n in self.stages.items() if stage != NO_STAGE}


def club_section(club: Club, session_id: str, language: str = "fr") -> ClubSection:
    """The club's projects as the meeting `session_id` leaves them. The section holds
    keys (stages, fields), whatever the document's `language`: the renderers name them."""
    names = club.member_names()
    stages = dict.fromkeys((*STAGES, NO_STAGE), 0)
    projects = []
    for member in sorted(club.members.values(), key=lambda m: m.number):
        project = member.project
        stage = project.stage if project.stage in STAGES else None
        stages[stage or NO_STAGE] += 1
        changed = {name for change in member.history if change.session_id == session_id
                   for name in change.changes}
        steps = tuple(NextStep(step["text"], step.get("due") or None,
                               names.get(step["helper"]) if step.get("helper") else None)
                      for step in project.next_steps)
        projects.append(ClubProject(
            member=member.name, project=project.project, stage=stage, next_steps=steps,
            updated_here=bool(changed),
            changes_here=tuple(f for f in FIELDS if f in changed),
        ))
    return ClubSection(club.name, stages, tuple(projects))


def club_at(club_id: str, log: Iterable[Recorded], session_id: str,
            closed_at: datetime | None) -> Club:
    """The club folded from its log as it stood when the meeting closed: the events up to
    `closed_at` and, after it, up to the last one recorded for this meeting (a correction
    made after closing). `closed_at` None (the meeting is still open): the whole log."""
    records = list(log)
    if closed_at is not None:
        end = 0
        for index, recorded in enumerate(records, start=1):
            if recorded.created_at <= closed_at or getattr(
                    recorded.event, "session_id", None) == session_id:
                end = index
        records = records[:end]
    return rebuild(club_id, records)
