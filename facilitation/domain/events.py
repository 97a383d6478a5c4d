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
    club_id: str | None = None  # a club entreprendre's meeting


@dataclass(frozen=True)
class ParticipantJoined(Event):
    """A phone entered; `member_id` when it came through a club member's personal link."""

    type: ClassVar[str] = "participant_joined"
    participant_id: str
    name: str | None = None
    member_id: str | None = None


@dataclass(frozen=True)
class ParticipantRenamed(Event):
    type: ClassVar[str] = "participant_renamed"
    participant_id: str
    name: str | None


@dataclass(frozen=True)
class ContributionAdded(Event):
    """A card: from a phone (`participant_id`) or typed by a scribe (`speaker`, optional).
    `pending` cards wait for the facilitator's approval (pre-moderation)."""

    type: ClassVar[str] = "contribution_added"
    contribution_id: str
    participant_id: str | None
    text: str
    kind: str
    prompt_id: str | None = None
    speaker: str | None = None
    pending: bool = False
    # a voice card: {"duration_ms", "mime"}; its audio is the voice clip of the same id
    # (store/voice.py); `text` is "" until the facilitator transcribes it
    voice: dict[str, Any] | None = None

    def to_payload(self) -> dict[str, Any]:
        """Written out (what `dataclasses.asdict` gives, in the same order): the hottest
        event, serialised for the log and again for the board, and asdict's generic deep
        copy was 1–2 % of a 1,000-phone burst's loop samples."""
        payload: dict[str, Any] = {
            "contribution_id": self.contribution_id, "participant_id": self.participant_id,
            "text": self.text, "kind": self.kind, "prompt_id": self.prompt_id,
            "speaker": self.speaker, "pending": self.pending,
        }
        if self.voice is not None:  # a text card's payload is what it always was
            payload["voice"] = dict(self.voice)
        return payload


@dataclass(frozen=True)
class ContributionTranscribed(Event):
    """The facilitator wrote down what a voice card says: it becomes the card's text (the
    audio stays attached) and the card joins the grouping."""

    type: ClassVar[str] = "contribution_transcribed"
    contribution_id: str
    text: str


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

    def to_payload(self) -> dict[str, Any]:
        """What `asdict` gives, without its deep copy of every card id one by one: a
        board of thousands of cards is regrouped every few seconds, on the event loop."""
        return {"themes": _copied(self.themes), "based_on": self.based_on,
                "engine": self.engine, "flags": _copied(self.flags)}


def _copied(value: Any) -> Any:
    """A copy of JSON-like data (dicts, lists, tuples of plain values), as `asdict`
    copies it; strings are shared, as `deepcopy` shares them."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(item if type(item) is str else _copied(item) for item in value)
    return value


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


# -- the facilitation toolkit: prompts, timer, votes, moderation, speaking circle ------


@dataclass(frozen=True)
class PromptsSet(Event):
    type: ClassVar[str] = "prompts_set"
    prompts: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class PromptActivated(Event):
    type: ClassVar[str] = "prompt_activated"
    prompt_id: str


@dataclass(frozen=True)
class PromptAudioSet(Event):
    """The facilitator recorded a question aloud (their own voice, in any language): phones
    play it beside the question. Its audio is the session's voice clip `clip_id`
    (store/voice.py), a new one for each recording; the one it replaces is deleted."""

    type: ClassVar[str] = "prompt_audio_set"
    prompt_id: str
    clip_id: str
    duration_ms: int
    mime: str


@dataclass(frozen=True)
class PromptAudioCleared(Event):
    """The question's recording is removed (its audio is deleted)."""

    type: ClassVar[str] = "prompt_audio_cleared"
    prompt_id: str


@dataclass(frozen=True)
class TimerStarted(Event):
    """A countdown of `seconds` from this event's time (clients use server timestamps)."""

    type: ClassVar[str] = "timer_started"
    seconds: int
    label: str | None = None


@dataclass(frozen=True)
class TimerPaused(Event):
    type: ClassVar[str] = "timer_paused"


@dataclass(frozen=True)
class TimerResumed(Event):
    type: ClassVar[str] = "timer_resumed"


@dataclass(frozen=True)
class TimerExtended(Event):
    type: ClassVar[str] = "timer_extended"
    seconds: int


@dataclass(frozen=True)
class TimerStopped(Event):
    type: ClassVar[str] = "timer_stopped"


@dataclass(frozen=True)
class VoteBudgetSet(Event):
    type: ClassVar[str] = "vote_budget_set"
    votes: int


@dataclass(frozen=True)
class VoteCast(Event):
    type: ClassVar[str] = "vote_cast"
    participant_id: str
    target_id: str


@dataclass(frozen=True)
class VoteWithdrawn(Event):
    type: ClassVar[str] = "vote_withdrawn"
    participant_id: str
    target_id: str


@dataclass(frozen=True)
class ContributionHidden(Event):
    type: ClassVar[str] = "contribution_hidden"
    contribution_id: str
    hidden: bool = True


@dataclass(frozen=True)
class ContributionEdited(Event):
    """The facilitator's wording; the original stays in the log."""

    type: ClassVar[str] = "contribution_edited"
    contribution_id: str
    text: str


@dataclass(frozen=True)
class ContributionKindChanged(Event):
    type: ClassVar[str] = "contribution_kind_changed"
    contribution_id: str
    kind: str


@dataclass(frozen=True)
class ContributionApproved(Event):
    type: ClassVar[str] = "contribution_approved"
    contribution_id: str


@dataclass(frozen=True)
class PremoderationSet(Event):
    type: ClassVar[str] = "premoderation_set"
    enabled: bool


@dataclass(frozen=True)
class ParticipantBlocked(Event):
    type: ClassVar[str] = "participant_blocked"
    participant_id: str
    blocked: bool = True


@dataclass(frozen=True)
class FloorRequested(Event):
    type: ClassVar[str] = "floor_requested"
    participant_id: str


@dataclass(frozen=True)
class FloorWithdrawn(Event):
    type: ClassVar[str] = "floor_withdrawn"
    participant_id: str


@dataclass(frozen=True)
class FloorGiven(Event):
    """`participant_id` speaks now (leaving the queue); the previous speaker is done."""

    type: ClassVar[str] = "floor_given"
    participant_id: str
    seconds: int | None = None


@dataclass(frozen=True)
class FloorEnded(Event):
    type: ClassVar[str] = "floor_ended"


@dataclass(frozen=True)
class InvitationCreated(Event):
    """A co-facilitator invitation; only the hash of its secret is kept."""

    type: ClassVar[str] = "invitation_created"
    token_hash: str


@dataclass(frozen=True)
class CofacilitatorAdded(Event):
    type: ClassVar[str] = "cofacilitator_added"
    facilitator_id: int
    token_hash: str


@dataclass(frozen=True)
class CofacilitatorRemoved(Event):
    """The owner took a co-facilitator off the session's team."""

    type: ClassVar[str] = "cofacilitator_removed"
    facilitator_id: int


@dataclass(frozen=True)
class ProfileQuestionsSet(Event):
    type: ClassVar[str] = "profile_questions_set"
    questions: tuple[str, ...]


@dataclass(frozen=True)
class ProfileAnswered(Event):
    type: ClassVar[str] = "profile_answered"
    participant_id: str
    answers: dict[str, str]


# -- what the synthesis needs beyond the cards ------------------------------------------


@dataclass(frozen=True)
class SessionDetailsSet(Event):
    """Where and when the meeting took place (the date defaults to the session's day)."""

    type: ClassVar[str] = "session_details_set"
    territory: str | None = None
    place: str | None = None
    date: str | None = None  # ISO date


@dataclass(frozen=True)
class ConclusionsSet(Event):
    type: ClassVar[str] = "conclusions_set"
    text: str


@dataclass(frozen=True)
class DecisionsSet(Event):
    """Next steps: [{text, owner?, due? (ISO date)}]."""

    type: ClassVar[str] = "decisions_set"
    decisions: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class QuoteMarked(Event):
    type: ClassVar[str] = "quote_marked"
    contribution_id: str
    quote: bool = True


# -- the programme's own tools: the competence radar --------------------------------------


@dataclass(frozen=True)
class RadarOpened(Event):
    """A competence radar: axes [{id, label}] each participant rates 1–5."""

    type: ClassVar[str] = "radar_opened"
    radar_id: str
    axes: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class RadarClosed(Event):
    type: ClassVar[str] = "radar_closed"
    radar_id: str


@dataclass(frozen=True)
class RadarRated(Event):
    """A participant's own ratings (their last ones count); never shown to anyone else."""

    type: ClassVar[str] = "radar_rated"
    participant_id: str
    radar_id: str
    ratings: dict[str, int]


# -- double-espace: two rooms, here and there ---------------------------------------------


@dataclass(frozen=True)
class SessionLinked(Event):
    """This session is paired with `session_id` (None: unpaired) for the "ici / là-bas"
    view; both sessions record it."""

    type: ClassVar[str] = "session_linked"
    session_id: str | None


# -- clubs entreprendre: members and their projects (a club's own event stream) -----------


@dataclass(frozen=True)
class ClubCreated(Event):
    type: ClassVar[str] = "club_created"
    name: str
    language: str
    facilitator_id: int


@dataclass(frozen=True)
class MemberAdded(Event):
    """A member: a first name or pseudonym, nothing else."""

    type: ClassVar[str] = "member_added"
    member_id: str
    name: str


@dataclass(frozen=True)
class MemberRenamed(Event):
    type: ClassVar[str] = "member_renamed"
    member_id: str
    name: str


@dataclass(frozen=True)
class MemberLinkIssued(Event):
    """A new personal link for a member (only its hash); the previous one stops working."""

    type: ClassVar[str] = "member_link_issued"
    member_id: str
    token_hash: str


@dataclass(frozen=True)
class ProjectUpdated(Event):
    """Changes to a member's project record, made during a meeting (`session_id`) or
    between meetings. `changes` holds only the fields that changed: project, stage,
    strengths, difficulties, next_steps [{text, due?, helper?}]."""

    type: ClassVar[str] = "project_updated"
    member_id: str
    changes: dict[str, Any]
    session_id: str | None = None


# -- erasure: what stays in the log after a person's data was erased ----------------------


@dataclass(frozen=True)
class Redacted(Event):
    """What an erased event's row becomes (same seq, no content): `was` is its old type."""

    type: ClassVar[str] = "redacted"
    was: str = ""


@dataclass(frozen=True)
class ContributionsErased(Event):
    """A participant's cards, name, profile and radar answers were erased on request (or,
    with no `participant_id`, the cards a facilitator typed for a speaker); the rows that
    held them were rewritten. Folding it drops them from a board another process already
    built from the old rows."""

    type: ClassVar[str] = "contributions_erased"
    participant_id: str | None
    contribution_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberRemoved(Event):
    """A club member and their project were erased (their rows rewritten)."""

    type: ClassVar[str] = "member_removed"
    member_id: str


EVENT_CLASSES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (SessionCreated, ParticipantJoined, ParticipantRenamed, ContributionAdded,
                ContributionTranscribed,
                PhaseChanged, ThemesUpdated, CardMoved, ThemesMerged, ThemeRenamed,
                ThemePinned, GroupingSet, PromptsSet, PromptActivated, PromptAudioSet,
                PromptAudioCleared, TimerStarted,
                TimerPaused, TimerResumed, TimerExtended, TimerStopped, VoteBudgetSet,
                VoteCast, VoteWithdrawn, ContributionHidden, ContributionEdited,
                ContributionKindChanged, ContributionApproved, PremoderationSet,
                ParticipantBlocked, FloorRequested, FloorWithdrawn, FloorGiven, FloorEnded,
                InvitationCreated, CofacilitatorAdded, CofacilitatorRemoved,
                ProfileQuestionsSet, ProfileAnswered,
                SessionDetailsSet, ConclusionsSet, DecisionsSet, QuoteMarked, RadarOpened,
                RadarClosed, RadarRated, SessionLinked, ClubCreated, MemberAdded,
                MemberRenamed, MemberLinkIssued, ProjectUpdated, Redacted,
                ContributionsErased, MemberRemoved)
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
    for name in ("prompts", "themes", "flags", "theme_ids", "questions", "decisions", "axes",
                 "contribution_ids"):
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

    def to_record(self) -> dict[str, Any]:
        """Everything the log holds about the event (the offline export's line)."""
        return {
            "session_id": self.session_id, "seq": self.seq, "type": self.event.type,
            "version": self.event.version, "payload": self.event.to_payload(),
            "actor": self.actor, "client_id": self.client_id,
            "at": self.created_at.isoformat(),
        }

    def to_wire(self) -> dict[str, Any]:
        """The form clients receive: `{seq, type, payload, at}`."""
        return {
            "seq": self.seq,
            "type": self.event.type,
            "payload": self.event.to_payload(),
            "at": self.created_at.isoformat(),
        }
