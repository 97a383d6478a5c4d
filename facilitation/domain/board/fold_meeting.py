"""Folding the facilitation toolkit: prompts, timer, votes, moderation, speaking circle,
co-facilitators and profile questions."""

from __future__ import annotations

from ..events import (
    CofacilitatorAdded,
    CofacilitatorRemoved,
    ConclusionsSet,
    ContributionApproved,
    ContributionEdited,
    ContributionHidden,
    ContributionKindChanged,
    DecisionsSet,
    FloorEnded,
    FloorGiven,
    FloorRequested,
    FloorWithdrawn,
    InvitationCreated,
    ParticipantBlocked,
    PremoderationSet,
    ProfileAnswered,
    ProfileQuestionsSet,
    PromptActivated,
    PromptAudioCleared,
    PromptAudioSet,
    PromptsSet,
    QuoteMarked,
    RadarClosed,
    RadarOpened,
    RadarRated,
    Recorded,
    SessionDetailsSet,
    TimerExtended,
    TimerPaused,
    TimerResumed,
    TimerStarted,
    TimerStopped,
    VoteBudgetSet,
    VoteCast,
    VoteWithdrawn,
)
from ..radar import Radar
from .state import Board, Timer, seconds


def prompts_set(event: PromptsSet, board: Board, recorded: Recorded) -> None:
    board.prompts = [dict(prompt) for prompt in event.prompts]
    ids = [prompt["id"] for prompt in board.prompts]
    if board.active_prompt not in ids:
        board.active_prompt = ids[0] if ids else None
    for gone in set(board.prompt_audio) - set(ids):  # a removed question's recording
        del board.prompt_audio[gone]


def prompt_activated(event: PromptActivated, board: Board, recorded: Recorded) -> None:
    board.active_prompt = event.prompt_id


def prompt_audio_set(event: PromptAudioSet, board: Board, recorded: Recorded) -> None:
    if any(prompt["id"] == event.prompt_id for prompt in board.prompts):
        board.prompt_audio[event.prompt_id] = {"clip": event.clip_id,
                                               "duration_ms": event.duration_ms}


def prompt_audio_cleared(event: PromptAudioCleared, board: Board, recorded: Recorded) -> None:
    board.prompt_audio.pop(event.prompt_id, None)


def timer_started(event: TimerStarted, board: Board, recorded: Recorded) -> None:
    board.timer = Timer(event.label, recorded.created_at + seconds(event.seconds), None,
                        event.seconds)


def timer_paused(event: TimerPaused, board: Board, recorded: Recorded) -> None:
    if board.timer.ends_at is not None:
        board.timer.remaining = board.timer.left(recorded.created_at)
        board.timer.ends_at = None


def timer_resumed(event: TimerResumed, board: Board, recorded: Recorded) -> None:
    if board.timer.state == "paused":
        board.timer.ends_at = recorded.created_at + seconds(board.timer.remaining or 0)
        board.timer.remaining = None


def timer_extended(event: TimerExtended, board: Board, recorded: Recorded) -> None:
    timer = board.timer
    timer.total += event.seconds
    if timer.ends_at is not None:
        # a timer that already rang starts again from now
        timer.ends_at = max(timer.ends_at, recorded.created_at) + seconds(event.seconds)
    elif timer.remaining is not None:
        timer.remaining += event.seconds


def timer_stopped(event: TimerStopped, board: Board, recorded: Recorded) -> None:
    board.timer = Timer()


def vote_budget_set(event: VoteBudgetSet, board: Board, recorded: Recorded) -> None:
    board.vote_budget = event.votes


def vote_cast(event: VoteCast, board: Board, recorded: Recorded) -> None:
    board.votes.setdefault(event.participant_id, []).append(event.target_id)


def vote_withdrawn(event: VoteWithdrawn, board: Board, recorded: Recorded) -> None:
    mine = board.votes.get(event.participant_id, [])
    if event.target_id in mine:
        mine.remove(event.target_id)


def contribution_hidden(event: ContributionHidden, board: Board, recorded: Recorded) -> None:
    card = board.contributions.get(event.contribution_id)
    if card is not None:
        card.hidden = event.hidden
        if event.hidden:
            board.place(card.id, None)


def contribution_edited(event: ContributionEdited, board: Board, recorded: Recorded) -> None:
    card = board.contributions.get(event.contribution_id)
    if card is not None:
        if card.original_text is None:
            card.original_text = card.text
        card.text = event.text


def contribution_kind_changed(
    event: ContributionKindChanged, board: Board, recorded: Recorded
) -> None:
    card = board.contributions.get(event.contribution_id)
    if card is not None and card.kind != event.kind:
        card.kind = event.kind
        board.place(card.id, None)  # a theme holds one kind: the card waits to be regrouped
        board.assignments.pop(card.id, None)
        board.flags.pop(card.id, None)


def contribution_approved(event: ContributionApproved, board: Board, recorded: Recorded) -> None:
    card = board.contributions.get(event.contribution_id)
    if card is not None:
        card.pending = False


def premoderation_set(event: PremoderationSet, board: Board, recorded: Recorded) -> None:
    board.premoderation = event.enabled


def participant_blocked(event: ParticipantBlocked, board: Board, recorded: Recorded) -> None:
    participant = board.participants.get(event.participant_id)
    if participant is not None:
        participant.blocked = event.blocked
        if event.blocked and event.participant_id in board.floor.queue:
            board.floor.queue.remove(event.participant_id)


def floor_requested(event: FloorRequested, board: Board, recorded: Recorded) -> None:
    if event.participant_id not in board.floor.queue:
        board.floor.queue.append(event.participant_id)


def floor_withdrawn(event: FloorWithdrawn, board: Board, recorded: Recorded) -> None:
    if event.participant_id in board.floor.queue:
        board.floor.queue.remove(event.participant_id)


def floor_given(event: FloorGiven, board: Board, recorded: Recorded) -> None:
    floor_withdrawn(FloorWithdrawn(event.participant_id), board, recorded)
    board.floor.speaking = event.participant_id
    board.floor.since = recorded.created_at
    if event.seconds:
        label = board.speaker_name(event.participant_id)
        board.timer = Timer(label, recorded.created_at + seconds(event.seconds), None,
                            event.seconds)


def floor_ended(event: FloorEnded, board: Board, recorded: Recorded) -> None:
    board.floor.speaking = None
    board.floor.since = None


def invitation_created(event: InvitationCreated, board: Board, recorded: Recorded) -> None:
    board.invitations[event.token_hash] = recorded.created_at  # it expires from then on


def cofacilitator_added(event: CofacilitatorAdded, board: Board, recorded: Recorded) -> None:
    board.invitations.pop(event.token_hash, None)
    board.cofacilitators.add(event.facilitator_id)


def cofacilitator_removed(event: CofacilitatorRemoved, board: Board,
                          recorded: Recorded) -> None:
    board.cofacilitators.discard(event.facilitator_id)


def profile_questions_set(event: ProfileQuestionsSet, board: Board, recorded: Recorded) -> None:
    board.profile_questions = tuple(event.questions)


def profile_answered(event: ProfileAnswered, board: Board, recorded: Recorded) -> None:
    participant = board.participants.get(event.participant_id)
    if participant is not None:
        participant.profile.update(event.answers)


def session_details_set(event: SessionDetailsSet, board: Board, recorded: Recorded) -> None:
    board.territory = event.territory
    board.venue = event.place
    board.meeting_date = event.date


def conclusions_set(event: ConclusionsSet, board: Board, recorded: Recorded) -> None:
    board.conclusions = event.text


def decisions_set(event: DecisionsSet, board: Board, recorded: Recorded) -> None:
    board.decisions = [dict(d) for d in event.decisions]


def quote_marked(event: QuoteMarked, board: Board, recorded: Recorded) -> None:
    if event.contribution_id in board.quotes:
        board.quotes.remove(event.contribution_id)
    if event.quote and event.contribution_id in board.contributions:
        board.quotes.append(event.contribution_id)


def radar_opened(event: RadarOpened, board: Board, recorded: Recorded) -> None:
    board.radars[event.radar_id] = Radar(event.radar_id, [dict(a) for a in event.axes])
    board.radar = event.radar_id


def radar_closed(event: RadarClosed, board: Board, recorded: Recorded) -> None:
    radar = board.radars.get(event.radar_id)
    if radar is not None:
        radar.open = False


def radar_rated(event: RadarRated, board: Board, recorded: Recorded) -> None:
    radar = board.radars.get(event.radar_id)
    if radar is not None:
        radar.ratings.setdefault(event.participant_id, {}).update(event.ratings)


HANDLERS = {
    RadarOpened: radar_opened,
    RadarClosed: radar_closed,
    RadarRated: radar_rated,
    SessionDetailsSet: session_details_set,
    ConclusionsSet: conclusions_set,
    DecisionsSet: decisions_set,
    QuoteMarked: quote_marked,
    PromptsSet: prompts_set,
    PromptActivated: prompt_activated,
    PromptAudioSet: prompt_audio_set,
    PromptAudioCleared: prompt_audio_cleared,
    TimerStarted: timer_started,
    TimerPaused: timer_paused,
    TimerResumed: timer_resumed,
    TimerExtended: timer_extended,
    TimerStopped: timer_stopped,
    VoteBudgetSet: vote_budget_set,
    VoteCast: vote_cast,
    VoteWithdrawn: vote_withdrawn,
    ContributionHidden: contribution_hidden,
    ContributionEdited: contribution_edited,
    ContributionKindChanged: contribution_kind_changed,
    ContributionApproved: contribution_approved,
    PremoderationSet: premoderation_set,
    ParticipantBlocked: participant_blocked,
    FloorRequested: floor_requested,
    FloorWithdrawn: floor_withdrawn,
    FloorGiven: floor_given,
    FloorEnded: floor_ended,
    InvitationCreated: invitation_created,
    CofacilitatorAdded: cofacilitator_added,
    CofacilitatorRemoved: cofacilitator_removed,
    ProfileQuestionsSet: profile_questions_set,
    ProfileAnswered: profile_answered,
}
