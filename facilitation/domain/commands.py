"""Facilitator actions: each checks a command against the board and returns the events
it produces (pure: no database, no Flask). `ACTIONS` names them for the transports."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import radar, rules
from .board import Board
from .errors import Rejected
from .events import (
    CardMoved,
    CofacilitatorRemoved,
    ConclusionsSet,
    ContributionAdded,
    ContributionApproved,
    ContributionEdited,
    ContributionHidden,
    ContributionKindChanged,
    ContributionTranscribed,
    DecisionsSet,
    Event,
    FloorEnded,
    FloorGiven,
    GroupingSet,
    InvitationCreated,
    ParticipantBlocked,
    PhaseChanged,
    PremoderationSet,
    ProfileQuestionsSet,
    PromptActivated,
    PromptsSet,
    QuoteMarked,
    RadarClosed,
    RadarOpened,
    SessionDetailsSet,
    ThemePinned,
    ThemeRenamed,
    ThemesMerged,
    TimerExtended,
    TimerPaused,
    TimerResumed,
    TimerStarted,
    TimerStopped,
    VoteBudgetSet,
    VoteWithdrawn,
)
from .kinds import PHASES, PROFILE_QUESTIONS

TIMER_MAX = 4 * 3600
VOTES_MAX = 20
PROMPTS_MAX = 12


@dataclass(frozen=True)
class Actor:
    """Who runs an action, and what the action hands back beside its events."""

    facilitator_id: int
    owner: bool


@dataclass
class Result:
    events: list[Event]
    extra: dict[str, Any]


Action = Callable[[Board, dict[str, Any], Actor], Result]
ACTIONS: dict[str, Action] = {}
OWNER_ONLY = {"invite_cofacilitator", "remove_cofacilitator"}


def action(name: str) -> Callable[[Callable[[Board, dict[str, Any], Actor], Any]], Action]:
    """Register a facilitator action; it returns events, or a Result with extra answers."""

    def register(function: Callable[[Board, dict[str, Any], Actor], Any]) -> Action:
        def run(board: Board, data: dict[str, Any], actor: Actor) -> Result:
            produced = function(board, data, actor)
            return produced if isinstance(produced, Result) else Result(list(produced), {})

        ACTIONS[name] = run
        return run

    return register


def new_id() -> str:
    return secrets.token_hex(8)


# -- lookups ----------------------------------------------------------------------------
def _theme(board: Board, raw: object) -> str:
    if not isinstance(raw, str) or raw not in board.themes:
        raise Rejected("unknown_theme")
    return raw


def _card(board: Board, raw: object) -> str:
    if not isinstance(raw, str) or raw not in board.contributions:
        raise Rejected("unknown_contribution")
    return raw


def _participant(board: Board, raw: object) -> str:
    if not isinstance(raw, str) or raw not in board.participants:
        raise Rejected("unknown_participant")
    return raw


def _flag(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise Rejected("invalid_payload", field=name)
    return value


def _whole(data: dict[str, Any], name: str, low: int, high: int, code: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Rejected(code, low=low, high=high)
    return value


# -- phases and prompts -------------------------------------------------------------------
def allowed_phases(current: str) -> set[str]:
    """One step forward, one step back, or straight to `closed`."""
    index = PHASES.index(current)
    near = {PHASES[i] for i in (index - 1, index + 1) if 0 <= i < len(PHASES)}
    return near | {"closed"} - {current}


@action("change_phase")
def change_phase(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    phase = rules.phase(data.get("phase"))
    if phase == board.phase:
        return []
    if phase not in allowed_phases(board.phase):
        raise Rejected("illegal_transition", current=board.phase, phase=phase)
    events: list[Event] = [PhaseChanged(phase, board.phase)]
    if board.floor.speaking and phase == "closed":
        events.append(FloorEnded())
    return events


@action("set_prompts")
def set_prompts(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    raw = data.get("prompts")
    if not isinstance(raw, list) or not 1 <= len(raw) <= PROMPTS_MAX:
        raise Rejected("invalid_prompts", limit=PROMPTS_MAX)
    known = {p["id"] for p in board.prompts}
    prompts = []
    for item in raw:
        text, prompt_id = (item, None) if isinstance(item, str) else (
            item.get("text") if isinstance(item, dict) else None,
            item.get("id") if isinstance(item, dict) else None,
        )
        clean = rules.clean_text(text, limit=rules.PROMPT_MAX)
        if not (isinstance(prompt_id, str) and prompt_id in known):
            prompt_id = "p" + new_id()[:6]
        prompts.append({"id": prompt_id, "text": clean})
    return [PromptsSet(tuple(prompts))]


@action("activate_prompt")
def activate_prompt(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    prompt_id = data.get("prompt_id")
    if not isinstance(prompt_id, str) or prompt_id not in {p["id"] for p in board.prompts}:
        raise Rejected("unknown_prompt")
    return [] if prompt_id == board.active_prompt else [PromptActivated(str(prompt_id))]


# -- timer ----------------------------------------------------------------------------------
@action("start_timer")
def start_timer(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    seconds = _whole(data, "seconds", 1, TIMER_MAX, "invalid_duration")
    label = data.get("label")
    return [TimerStarted(seconds, rules.clean_label(label) if label else None)]


@action("pause_timer")
def pause_timer(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    return [TimerPaused()] if board.timer.state == "running" else []


@action("resume_timer")
def resume_timer(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    return [TimerResumed()] if board.timer.state == "paused" else []


@action("extend_timer")
def extend_timer(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    if board.timer.state == "idle":
        raise Rejected("no_timer")
    return [TimerExtended(_whole(data, "seconds", 1, TIMER_MAX, "invalid_duration"))]


@action("stop_timer")
def stop_timer(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    return [TimerStopped()] if board.timer.state != "idle" else []


# -- votes ----------------------------------------------------------------------------------
@action("set_vote_budget")
def set_vote_budget(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    votes = _whole(data, "votes", 1, VOTES_MAX, "invalid_vote_budget")
    events: list[Event] = [VoteBudgetSet(votes)]
    for participant_id, targets in board.votes.items():  # never more than the budget
        for target in reversed(targets[votes:]):
            events.append(VoteWithdrawn(participant_id, target))
    return events


# -- moderation -------------------------------------------------------------------------------
@action("hide_contribution")
def hide_contribution(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    card = _card(board, data.get("contribution_id"))
    hidden = _flag(data, "hidden", True)
    return [] if board.contributions[card].hidden == hidden else [ContributionHidden(card, hidden)]


@action("edit_contribution")
def edit_contribution(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    card = _card(board, data.get("contribution_id"))
    text = rules.clean_text(data.get("text"))
    return [] if board.contributions[card].text == text else [ContributionEdited(card, text)]


@action("transcribe_contribution")
def transcribe_contribution(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    """What a voice card says, written down: its text from now on (the audio stays)."""
    card = _card(board, data.get("contribution_id"))
    if board.contributions[card].voice is None:
        raise Rejected("not_a_voice_card")
    text = rules.clean_text(data.get("text"))
    if board.contributions[card].text == text:
        return []
    return [ContributionTranscribed(card, text)]


@action("move_contribution")
def move_contribution(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    card = _card(board, data.get("contribution_id"))
    kind = rules.contribution_kind(data.get("kind"))
    return [] if board.contributions[card].kind == kind else [ContributionKindChanged(card, kind)]


@action("approve_contribution")
def approve_contribution(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    card = _card(board, data.get("contribution_id"))
    return [ContributionApproved(card)] if board.contributions[card].pending else []


@action("set_premoderation")
def set_premoderation(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    enabled = _flag(data, "enabled", True)
    return [] if enabled == board.premoderation else [PremoderationSet(enabled)]


@action("block_participant")
def block_participant(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    participant = _participant(board, data.get("participant_id"))
    blocked = _flag(data, "blocked", True)
    events: list[Event] = []
    if board.participants[participant].blocked != blocked:
        events.append(ParticipantBlocked(participant, blocked))
    if blocked and board.floor.speaking == participant:
        events.append(FloorEnded())
    return events


# -- scribe ----------------------------------------------------------------------------------
@action("scribe_contribution")
def scribe_contribution(board: Board, data: dict[str, Any], actor: Actor) -> Result:
    """What is said aloud, typed by a facilitator: on the board at once (no pre-moderation)."""
    if board.is_closed:
        raise Rejected("session_closed")
    text = rules.clean_text(data.get("text"))
    kind = rules.contribution_kind(data.get("kind"))
    speaker = rules.clean_name(data.get("speaker"))
    prompt = rules.prompt_of(board, data.get("prompt_id"))
    contribution_id = new_id()
    event = ContributionAdded(contribution_id, None, text, kind, prompt, speaker)
    return Result([event], {"contribution_id": contribution_id})


# -- speaking circle ---------------------------------------------------------------------------
@action("give_floor")
def give_floor(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    raw = data.get("participant_id")
    if raw is None:
        if not board.floor.queue:
            raise Rejected("queue_empty")
        raw = board.floor.queue[0]
    participant = _participant(board, raw)
    seconds = data.get("seconds")
    if seconds is not None:
        seconds = _whole(data, "seconds", 1, TIMER_MAX, "invalid_duration")
    return [FloorGiven(participant, seconds)]


@action("end_floor")
def end_floor(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    return [FloorEnded()] if board.floor.speaking else []


# -- team and profiles -------------------------------------------------------------------------
@action("invite_cofacilitator")
def invite_cofacilitator(board: Board, data: dict[str, Any], actor: Actor) -> Result:
    """A one-time secret link; only its hash goes into the log."""
    token = secrets.token_urlsafe(24)
    return Result([InvitationCreated(rules.secret_hash(token))], {"invitation": token})


@action("remove_cofacilitator")
def remove_cofacilitator(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    """The owner takes a co-facilitator off the team (the index row goes with it)."""
    facilitator_id = data.get("facilitator_id")
    if isinstance(facilitator_id, str) and facilitator_id.isascii() and facilitator_id.isdigit():
        facilitator_id = int(facilitator_id)  # ASCII only: '²' is a digit int() refuses
    if (not isinstance(facilitator_id, int) or isinstance(facilitator_id, bool)
            or facilitator_id not in board.cofacilitators):
        raise Rejected("unknown_cofacilitator")
    return [CofacilitatorRemoved(facilitator_id)]


@action("set_profile_questions")
def set_profile_questions(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    raw = data.get("questions")
    if not isinstance(raw, list) or any(
            not isinstance(q, str) or q not in PROFILE_QUESTIONS for q in raw):
        raise Rejected("invalid_profile_questions")
    questions = tuple(dict.fromkeys(raw))
    return [] if questions == board.profile_questions else [ProfileQuestionsSet(questions)]


# -- grouping ------------------------------------------------------------------------------------
@action("move_card")
def move_card(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    card_id = _card(board, data.get("contribution_id"))
    target = data.get("theme_id")
    label = None
    if target is None:  # split: the card starts a new theme of its own
        target = "h" + new_id()
        label = rules.clean_label(data["label"]) if data.get("label") else None
    else:
        target = _theme(board, target)
        if board.themes[target].kind not in (None, board.contributions[card_id].kind):
            raise Rejected("kind_mismatch")
    return [CardMoved(card_id, target, label)]


@action("merge_themes")
def merge_themes(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    into = _theme(board, data.get("into"))
    raw = data.get("theme_ids")
    if not isinstance(raw, list) or not raw:
        raise Rejected("invalid_payload", field="theme_ids")
    ids = tuple(_theme(board, tid) for tid in raw if tid != into)
    if any(board.themes[tid].kind != board.themes[into].kind for tid in ids):
        raise Rejected("kind_mismatch")
    return [ThemesMerged(ids, into)] if ids else []


@action("rename_theme")
def rename_theme(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    return [ThemeRenamed(_theme(board, data.get("theme_id")), rules.clean_label(data.get("label")))]


@action("pin_theme")
def pin_theme(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    return [ThemePinned(_theme(board, data.get("theme_id")), _flag(data, "pinned", True))]


@action("set_grouping")
def set_grouping(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    current = board.grouping
    auto = _flag(data, "auto", current.auto)
    locked = _flag(data, "locked", current.locked)
    granularity = data.get("granularity", current.granularity)
    if isinstance(granularity, bool) or not isinstance(granularity, int | float) or not (
        0 <= granularity <= 1
    ):
        raise Rejected("invalid_granularity")
    return [GroupingSet(auto, locked, round(float(granularity), 2))]


@action("regroup")
def regroup(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    if board.grouping.locked:
        raise Rejected("board_locked")
    return []  # nothing to record: the transport schedules a regrouping now


# -- the synthesis ----------------------------------------------------------------------------
@action("set_details")
def set_details(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    territory = rules.clean_short(data.get("territory"), "territory")
    place = rules.clean_short(data.get("place"), "place")
    date = rules.iso_date(data.get("date"))
    if (territory, place, date) == (board.territory, board.venue, board.meeting_date):
        return []
    return [SessionDetailsSet(territory, place, date)]


@action("set_conclusions")
def set_conclusions(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    text = data.get("text")
    if not isinstance(text, str) or len(text) > rules.CONCLUSIONS_MAX:
        raise Rejected("conclusions_too_long", limit=rules.CONCLUSIONS_MAX)
    clean = text.strip()
    return [] if clean == board.conclusions else [ConclusionsSet(clean)]


@action("set_decisions")
def set_decisions(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    raw = data.get("decisions")
    if not isinstance(raw, list) or len(raw) > rules.DECISIONS_MAX:
        raise Rejected("invalid_decisions", limit=rules.DECISIONS_MAX)
    decisions = []
    for item in raw:
        if not isinstance(item, dict):
            raise Rejected("invalid_decisions", limit=rules.DECISIONS_MAX)
        decision = {"text": rules.clean_text(item.get("text"))}
        owner = rules.clean_short(item.get("owner"), "owner")
        due = rules.iso_date(item.get("due"))
        if owner:
            decision["owner"] = owner
        if due:
            decision["due"] = due
        decisions.append(decision)
    return [DecisionsSet(tuple(decisions))]


@action("mark_quote")
def mark_quote(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    card = _card(board, data.get("contribution_id"))
    quote = _flag(data, "quote", True)
    return [] if (card in board.quotes) == quote else [QuoteMarked(card, quote)]


# -- the competence radar --------------------------------------------------------------------
@action("open_radar")
def open_radar(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    """A radar with the given axes (3 to 8 labels), or the template in the session's
    language when none are given."""
    raw = data.get("axes")
    if raw is None:
        template = radar.TEMPLATES.get(board.language, radar.TEMPLATES["fr"])
        axes = tuple({"id": key, "label": label} for key, label in template)
    else:
        if not isinstance(raw, list) or not radar.AXES_MIN <= len(raw) <= radar.AXES_MAX:
            raise Rejected("invalid_axes", low=radar.AXES_MIN, high=radar.AXES_MAX)
        labels = [rules.one_line(item, "axes") for item in raw]
        if any(not label or len(label) > radar.AXIS_LABEL_MAX for label in labels):
            raise Rejected("invalid_axes", low=radar.AXES_MIN, high=radar.AXES_MAX)
        axes = tuple({"id": f"a{n + 1}", "label": label} for n, label in enumerate(labels))
    return [RadarOpened("r" + new_id()[:8], axes)]


@action("close_radar")
def close_radar(board: Board, data: dict[str, Any], actor: Actor) -> list[Event]:
    if board.radar is None or not board.radars[board.radar].open:
        return []
    return [RadarClosed(board.radar)]
