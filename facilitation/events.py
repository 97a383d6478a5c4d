"""Domain events: small, frozen, past tense, versioned; snake_case names on the wire."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    """Base of every event; subclasses set `type` and `version`."""

    type: ClassVar[str] = ""
    version: ClassVar[int] = 1

    def to_payload(self) -> dict[str, Any]:
        """The JSON-ready payload of this event."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Prompt:
    """A question the session asks."""

    id: str
    text: str


@dataclass(frozen=True)
class SessionCreated(Event):
    type: ClassVar[str] = "session_created"
    title: str
    kind: str
    language: str
    code: str
    facilitator_id: int
    prompts: tuple[dict[str, str], ...] = ()
    programme: str | None = None


@dataclass(frozen=True)
class ParticipantJoined(Event):
    type: ClassVar[str] = "participant_joined"
    participant_id: str
    name: str | None = None


@dataclass(frozen=True)
class ParticipantRenamed(Event):
    type: ClassVar[str] = "participant_renamed"
    participant_id: str
    name: str | None


@dataclass(frozen=True)
class ContributionAdded(Event):
    type: ClassVar[str] = "contribution_added"
    contribution_id: str
    participant_id: str | None
    text: str
    kind: str
    prompt_id: str | None = None


@dataclass(frozen=True)
class PhaseChanged(Event):
    type: ClassVar[str] = "phase_changed"
    phase: str
    previous: str


@dataclass(frozen=True)
class ThemesUpdated(Event):
    """The grouping the engine computed, as shown: replaying gives the same board even
    after the algorithm changes. `based_on` is the seq of the board it was computed from.

    themes: [{id, kind, label, card_ids, colour, example, misc, pinned}]
    flags: [{contribution_id, suggested_kind, confidence}] (cards that look misfiled)
    """

    type: ClassVar[str] = "themes_updated"
    themes: tuple[dict[str, Any], ...]
    based_on: int
    engine: str = ""
    flags: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class CardMoved(Event):
    """The facilitator put a card into a theme (a new one when `theme_id` is unknown)."""

    type: ClassVar[str] = "card_moved"
    contribution_id: str
    theme_id: str
    label: str | None = None


@dataclass(frozen=True)
class ThemesMerged(Event):
    type: ClassVar[str] = "themes_merged"
    theme_ids: tuple[str, ...]
    into: str


@dataclass(frozen=True)
class ThemeRenamed(Event):
    type: ClassVar[str] = "theme_renamed"
    theme_id: str
    label: str


@dataclass(frozen=True)
class ThemePinned(Event):
    type: ClassVar[str] = "theme_pinned"
    theme_id: str
    pinned: bool


@dataclass(frozen=True)
class GroupingSet(Event):
    """Grouping settings: automatic or on request, board locked, granularity 0..1."""

    type: ClassVar[str] = "grouping_set"
    auto: bool
    locked: bool
    granularity: float


EVENT_CLASSES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (SessionCreated, ParticipantJoined, ParticipantRenamed, ContributionAdded,
                PhaseChanged, ThemesUpdated, CardMoved, ThemesMerged, ThemeRenamed,
                ThemePinned, GroupingSet)
}

# Upcasters turn an old payload into the current version's: {(type, from_version): fn}.
UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {}


def event_from_payload(type_: str, version: int, payload: dict[str, Any]) -> Event:
    """Rebuild an event from its stored form, upcasting older versions first."""
    cls = EVENT_CLASSES[type_]
    while version < cls.version:
        payload = UPCASTERS[(type_, version)](payload)
        version += 1
    fields = {f.name for f in dataclasses.fields(cls)}
    data = {key: value for key, value in payload.items() if key in fields}
    for name in ("prompts", "themes", "flags", "theme_ids"):
        if name in data:
            data[name] = tuple(data[name])
    return cls(**data)


@dataclass(frozen=True)
class Recorded:
    """An event as the log holds it: numbered, timed and attributed."""

    session_id: str
    seq: int
    event: Event
    created_at: datetime
    actor: str | None = None
    client_id: str | None = None

    @property
    def type(self) -> str:
        return self.event.type

    def to_wire(self) -> dict[str, Any]:
        """The form clients receive: `{seq, type, payload, at}`."""
        return {
            "seq": self.seq,
            "type": self.event.type,
            "payload": self.event.to_payload(),
            "at": self.created_at.isoformat(),
        }
