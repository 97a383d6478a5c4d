"""Erasure on request (pure): which events of a log carry a person's data, and what each
of those rows becomes. The log stays append-only for everything else: an erased row keeps
its `seq` (so every fold still runs in order) and loses its content, and a tombstone event
(`contributions_erased`, `member_removed`) is appended so that a board built from the old
rows drops the same data when it folds it.

A card's every version is erased: its `contribution_added`, every `contribution_edited`,
and everything that names it (moves, votes, quotes, the grouping's examples and flags).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from .events import (
    CardMoved,
    ContributionAdded,
    ContributionApproved,
    ContributionEdited,
    ContributionHidden,
    ContributionKindChanged,
    ContributionsErased,
    ContributionTranscribed,
    Event,
    MemberAdded,
    MemberLinkIssued,
    MemberRenamed,
    ParticipantJoined,
    ParticipantRenamed,
    ProfileAnswered,
    ProjectUpdated,
    QuoteMarked,
    RadarRated,
    Recorded,
    Redacted,
    ThemesUpdated,
    VoteCast,
    VoteWithdrawn,
)

CARD_EVENTS = (ContributionEdited, ContributionTranscribed, ContributionHidden,
               ContributionKindChanged, ContributionApproved, QuoteMarked, CardMoved)
PERSON_EVENTS = (ParticipantRenamed, ProfileAnswered, RadarRated)
WORD = re.compile(r"\w{3,}")
LABEL_MAX = 60


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.casefold()))


def scrub_theme(theme: dict[str, Any], erased: set[str], erased_texts: Iterable[str],
                texts: dict[str, str]) -> dict[str, Any] | None:
    """A theme of a grouping without the erased cards (None: nothing left of it). Its
    example goes when it quotes an erased card; its label too when it uses a word only
    the erased cards had (it becomes the first remaining card's words)."""
    members = [cid for cid in theme.get("card_ids", ()) if cid not in erased]
    if not members:
        return None
    erased_texts = list(erased_texts)
    theme = {**theme, "card_ids": members}
    example = str(theme.get("example") or "")
    if example and any(example in text or text in example for text in erased_texts):
        theme["example"] = ""
    kept = set().union(*(_words(texts.get(cid, "")) for cid in members))
    gone = set().union(*(_words(text) for text in erased_texts)) if erased_texts else set()
    if _words(str(theme.get("label") or "")) & (gone - kept):
        theme["label"] = texts.get(members[0], "")[:LABEL_MAX]
    return theme


def _scrub_grouping(event: ThemesUpdated, erased: set[str], erased_texts: list[str],
                    texts: dict[str, str]) -> Event:
    themes = tuple(theme for item in event.themes
                   if (theme := scrub_theme(dict(item), erased, erased_texts, texts)) is not None)
    flags = tuple(flag for flag in event.flags if flag.get("contribution_id") not in erased)
    return replace(event, themes=themes, flags=flags)


def participant_erasure(log: Iterable[Recorded],
                        participant_id: str) -> tuple[dict[int, Event], list[str]]:
    """The rows to rewrite ({seq: the event it becomes}) to erase a participant's cards
    (every version), name, profile answers and radar ratings; and the erased card ids.
    Votes for those cards go too; the person's own votes for others' ideas stay (they
    hold no text and are the room's result)."""
    return _erasure(log, lambda card: card.participant_id == participant_id, participant_id)


def speaker_key(name: str) -> str:
    """A speaker's name as cards typed for them are matched (case and spaces aside)."""
    return " ".join(name.split()).casefold()


def speaker_erasure(log: Iterable[Recorded],
                    speaker: str) -> tuple[dict[int, Event], list[str]]:
    """The rows to rewrite to erase the cards a facilitator typed for `speaker` (what
    someone said aloud, with their name), every version; and the erased card ids."""
    key = speaker_key(speaker)
    return _erasure(log, lambda card: card.participant_id is None and card.speaker is not None
                    and speaker_key(card.speaker) == key, None)


def tombstone_erasure(log: Iterable[Recorded],
                      tombstone: ContributionsErased) -> tuple[dict[int, Event], list[str]]:
    """The rows to rewrite for a `contributions_erased` met in an imported log: the
    participant's (cards, name, answers), or the listed cards when they were typed for a
    speaker (no participant)."""
    if tombstone.participant_id is not None:
        return participant_erasure(log, tombstone.participant_id)
    cards = set(tombstone.contribution_ids)
    return _erasure(log, lambda card: card.contribution_id in cards, None)


def _erasure(log: Iterable[Recorded], theirs: Callable[[ContributionAdded], bool],
             participant_id: str | None) -> tuple[dict[int, Event], list[str]]:
    records = list(log)
    cards: list[str] = []
    texts: dict[str, str] = {}  # every card's current text
    versions: dict[str, list[str]] = {}
    for item in records:
        event = item.event
        if isinstance(event, ContributionAdded):
            texts[event.contribution_id] = event.text
            versions.setdefault(event.contribution_id, []).append(event.text)
            if theirs(event):
                cards.append(event.contribution_id)
        elif isinstance(event, ContributionEdited | ContributionTranscribed):
            texts[event.contribution_id] = event.text
            versions.setdefault(event.contribution_id, []).append(event.text)
    erased = set(cards)
    erased_texts = [text for cid in cards for text in versions.get(cid, ())]
    rewrites: dict[int, Event] = {}
    for item in records:
        event = item.event
        new: Event | None = None
        if isinstance(event, ContributionAdded) and event.contribution_id in erased:
            new = Redacted(event.type)
        elif isinstance(event, CARD_EVENTS) and event.contribution_id in erased:
            new = Redacted(event.type)
        elif isinstance(event, VoteCast | VoteWithdrawn) and event.target_id in erased:
            new = Redacted(event.type)
        elif (isinstance(event, PERSON_EVENTS) and participant_id is not None
              and event.participant_id == participant_id):
            new = Redacted(event.type)
        elif (isinstance(event, ParticipantJoined) and participant_id is not None
              and event.participant_id == participant_id):
            if event.name is not None or event.member_id is not None:
                new = replace(event, name=None, member_id=None)
        elif isinstance(event, ThemesUpdated) and erased:
            scrubbed = _scrub_grouping(event, erased, erased_texts, texts)
            if scrubbed != event:
                new = scrubbed
        if new is not None:
            rewrites[item.seq] = new
    return rewrites, cards


def member_erasure(log: Iterable[Recorded], member_id: str) -> dict[int, Event]:
    """The rows of a club's stream to rewrite to erase a member: their name, links and
    project records. `member_added` stays (nameless) so later members keep their number;
    other members' next steps lose this member as their helper."""
    rewrites: dict[int, Event] = {}
    for item in log:
        event = item.event
        new: Event | None = None
        if isinstance(event, MemberAdded) and event.member_id == member_id:
            new = replace(event, name="")
        elif isinstance(event, MemberRenamed | MemberLinkIssued) and event.member_id == member_id:
            new = Redacted(event.type)
        elif isinstance(event, ProjectUpdated):
            if event.member_id == member_id:
                new = Redacted(event.type)
            elif _helped_by(event, member_id):
                steps = [{k: v for k, v in step.items() if not (k == "helper" and v == member_id)}
                         for step in event.changes["next_steps"]]
                new = replace(event, changes={**event.changes, "next_steps": steps})
        if new is not None:
            rewrites[item.seq] = new
    return rewrites


def _helped_by(event: ProjectUpdated, member_id: str) -> bool:
    steps = event.changes.get("next_steps")
    return isinstance(steps, list) and any(
        isinstance(step, dict) and step.get("helper") == member_id for step in steps)
