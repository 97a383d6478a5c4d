"""What a session's board holds: plain data, folded from events by the `fold_*` modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..radar import Radar

LOOSE_COLOUR = "#6d6d6d"  # a card outside any theme, as the board draws it


@dataclass
class Participant:
    id: str
    name: str | None
    joined_seq: int
    number: int  # 1, 2, 3… in order of arrival: "Participant·e 3" when no name is given
    blocked: bool = False
    profile: dict[str, str] = field(default_factory=dict)
    member_id: str | None = None  # joined through a club member's personal link
    joined_at: datetime | None = None  # which personal link it came through (its window)
    # when this phone's latest cards were sent, newest last (at most rules.BURST_CARDS)
    sent_at: list[datetime] = field(default_factory=list)
    # this phone's cards, oldest first: what it sent, shown again when it comes back
    card_ids: list[str] = field(default_factory=list)


@dataclass
class Contribution:
    id: str
    text: str
    kind: str
    participant_id: str | None
    prompt_id: str | None
    seq: int
    created_at: datetime
    speaker: str | None = None
    original_text: str | None = None  # set once the facilitator edits the card
    hidden: bool = False
    pending: bool = False  # waits for approval (pre-moderation)
    client_id: str | None = None  # the phone's id for it: its list shows each card once
    voice: dict[str, Any] | None = None  # a voice card: {duration_ms, mime}
    transcribed: bool = False  # a voice card's text is the facilitator's transcript

    @property
    def visible(self) -> bool:
        """Shown on the projected board, grouped, voted on and exported."""
        return not self.hidden and not self.pending

    @property
    def has_words(self) -> bool:
        """Whether the card has text to group and vote on (a voice card not transcribed
        yet has none: it waits on the board, outside the grouping and the ballot)."""
        return bool(self.text)

    def voice_dict(self) -> dict[str, Any] | None:
        if self.voice is None:
            return None
        return {"duration_ms": self.voice.get("duration_ms", 0),
                "transcribed": self.transcribed}


@dataclass
class Theme:
    """A group of cards of one kind, as the board shows it."""

    id: str
    kind: str | None
    label: str
    card_ids: list[str]
    colour: str
    example: str = ""
    misc: bool = False
    pinned: bool = False
    renamed: bool = False
    picto: str = ""  # its pictogram's family (domain/pictograms.py); "": a numbered shape

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "label": self.label,
            "card_ids": list(self.card_ids), "colour": self.colour, "example": self.example,
            "misc": self.misc, "pinned": self.pinned, "renamed": self.renamed,
            "picto": self.picto,
        }


@dataclass
class Grouping:
    """How the board groups cards: automatically or on request, locked, granularity."""

    auto: bool = True
    locked: bool = False
    granularity: float = 0.5


@dataclass
class Timer:
    """A countdown: running until `ends_at`, or paused with `remaining` seconds."""

    label: str | None = None
    ends_at: datetime | None = None
    remaining: float | None = None
    total: int = 0

    @property
    def state(self) -> str:
        if self.ends_at is not None:
            return "running"
        return "paused" if self.remaining is not None else "idle"

    def left(self, now: datetime) -> float:
        if self.ends_at is not None:
            return max(0.0, (self.ends_at - now).total_seconds())
        return self.remaining or 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state, "label": self.label, "total": self.total,
            "ends_at": self.ends_at.isoformat() if self.ends_at else None,
            "remaining": self.remaining,
        }


@dataclass
class Floor:
    """The speaking circle: who speaks, who waits (in order of request)."""

    speaking: str | None = None
    since: datetime | None = None
    queue: list[str] = field(default_factory=list)


@dataclass
class Board:
    """Everything a session shows, as of event `seq`."""

    session_id: str
    seq: int = 0
    title: str = ""
    kind: str = ""
    language: str = "fr"
    code: str = ""
    facilitator_id: int | None = None
    cofacilitators: set[int] = field(default_factory=set)
    # hashes of unused invitation secrets -> when each was made (they expire, rules.py)
    invitations: dict[str, datetime] = field(default_factory=dict)
    phase: str = "welcome"
    prompts: list[dict[str, str]] = field(default_factory=list)
    active_prompt: str | None = None
    # questions recorded aloud by the facilitator: prompt id -> {"clip", "duration_ms"}
    prompt_audio: dict[str, dict[str, Any]] = field(default_factory=dict)
    created_at: datetime | None = None
    programme: str | None = None
    participants: dict[str, Participant] = field(default_factory=dict)
    contributions: dict[str, Contribution] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    theme_of: dict[str, str] = field(default_factory=dict)
    # Cards the facilitator placed by hand: the engine keeps them where they were put.
    assignments: dict[str, str] = field(default_factory=dict)
    grouping: Grouping = field(default_factory=Grouping)
    flags: dict[str, dict[str, Any]] = field(default_factory=dict)
    grouped_seq: int = 0  # seq of the board the current themes were computed from
    corrected_seq: int = 0  # seq of the facilitator's last correction of the grouping
    premoderation: bool = False
    vote_budget: int = 3
    votes: dict[str, list[str]] = field(default_factory=dict)  # participant -> target ids
    timer: Timer = field(default_factory=Timer)
    floor: Floor = field(default_factory=Floor)
    profile_questions: tuple[str, ...] = ()
    territory: str | None = None
    venue: str | None = None  # the place of the meeting
    meeting_date: str | None = None  # ISO date; the day of creation when not set
    conclusions: str = ""
    decisions: list[dict[str, str]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)  # contribution ids, in marking order
    radars: dict[str, Radar] = field(default_factory=dict)
    radar: str | None = None  # the radar on screen (the last one opened)
    linked: str | None = None  # the paired session of a double-espace ("là-bas")
    club_id: str | None = None  # the club entreprendre this meeting belongs to
    # the idempotency keys (`client_id`) of the events folded: a key not in here was
    # never recorded, so a new card needs no look-up in the log (store.log.find_action)
    client_ids: set[str] = field(default_factory=set)
    # the `seq` of the last event that may change what is voted on (`BALLOT_NEUTRAL`: the
    # others); the ballot is computed once per value of it: a thousand phones asking their
    # view after a phase change, and a thousand votes checked against it, share one walk
    ballot_seq: int = 0
    _ballot: tuple[int, list[dict[str, Any]]] | None = field(
        default=None, init=False, repr=False, compare=False)

    @property
    def is_closed(self) -> bool:
        return self.phase == "closed"

    def is_facilitator(self, facilitator_id: int | None) -> bool:
        return facilitator_id is not None and (
            facilitator_id == self.facilitator_id or facilitator_id in self.cofacilitators
        )

    def visible_cards(self) -> list[Contribution]:
        return [c for c in self.contributions.values() if c.visible]

    def my_cards(self, participant_id: str) -> list[Contribution]:
        """A phone's own cards, oldest first (read from its index, not from every card)."""
        participant = self.participants.get(participant_id)
        if participant is None:
            return []
        return [self.contributions[cid] for cid in participant.card_ids
                if cid in self.contributions]

    def groupable_cards(self) -> list[Contribution]:
        """Visible cards with words: what the grouping and the ballot take."""
        return [c for c in self.contributions.values() if c.visible and c.has_words]

    def ungrouped(self) -> list[str]:
        """Visible cards no theme holds yet (sent since the last grouping)."""
        return [c.id for c in self.contributions.values()
                if c.visible and c.id not in self.theme_of]

    def place(self, card_id: str, theme_id: str | None) -> None:
        """Move a card out of its theme (dropping the theme if it empties) and into another."""
        if theme_id is not None and self.theme_of.get(card_id) == theme_id:
            return
        previous = self.theme_of.pop(card_id, None)
        if previous is not None and previous in self.themes:
            old = self.themes[previous]
            old.card_ids = [cid for cid in old.card_ids if cid != card_id]
            if not old.card_ids:
                del self.themes[previous]
        if theme_id is not None:
            self.themes[theme_id].card_ids.append(card_id)
            self.theme_of[card_id] = theme_id

    def display_name(self, participant_id: str | None) -> str | None:
        participant = self.participants.get(participant_id or "")
        return participant.name if participant else None

    def author_name(self, contribution: Contribution) -> str | None:
        return contribution.speaker or self.display_name(contribution.participant_id)

    def votes_for(self) -> dict[str, int]:
        """Votes per target (theme or card)."""
        tally: dict[str, int] = {}
        for targets in self.votes.values():
            for target in targets:
                tally[target] = tally.get(target, 0) + 1
        return tally

    def ballot(self) -> list[dict[str, Any]]:
        """What participants vote on: the themes, and the cards outside any real theme.

        Each item carries what a person who reads little recognises it by: its pictogram
        (`picto`, "" for a numbered shape), its colour on the board and its `number`.
        Computed once per `ballot_seq` and shared: callers copy an item before changing it."""
        if self._ballot is not None and self._ballot[0] == self.ballot_seq:
            return self._ballot[1]
        items: list[dict[str, Any]] = []
        themed: set[str] = set()
        for theme in self.themes.values():
            members = [cid for cid in theme.card_ids
                       if cid in self.contributions and self.contributions[cid].visible]
            if theme.misc and not theme.renamed or not members:
                continue
            themed.update(members)
            example = theme.example or self.contributions[members[0]].text
            items.append({"id": theme.id, "kind": theme.kind, "label": theme.label,
                          "example": example, "size": len(members), "picto": theme.picto,
                          "colour": theme.colour})
        for card in self.groupable_cards():
            if card.id not in themed:
                items.append({"id": card.id, "kind": card.kind, "label": card.text,
                              "example": "", "size": 1, "picto": "", "colour": LOOSE_COLOUR})
        for number, item in enumerate(items, start=1):
            item["number"] = number
        self._ballot = (self.ballot_seq, items)
        return items

    def timer_dict(self, now: datetime | None = None) -> dict[str, Any]:
        return self.timer.to_dict()

    def speaker_name(self, participant_id: str | None) -> str | None:
        participant = self.participants.get(participant_id or "")
        if participant is None:
            return None
        return participant.name or f"#{participant.number}"

    def floor_dict(self) -> dict[str, Any]:
        return {
            "speaking": self.floor.speaking,
            "speaking_name": self.speaker_name(self.floor.speaking),
            "since": self.floor.since.isoformat() if self.floor.since else None,
            "queue": [{"participant_id": pid, "name": self.speaker_name(pid)}
                      for pid in self.floor.queue],
        }

    def prompt_audio_dict(self) -> dict[str, dict[str, Any]]:
        """The questions recorded aloud: prompt id -> {clip, duration_ms}."""
        return {pid: dict(audio) for pid, audio in self.prompt_audio.items()}

    def question_audio(self) -> dict[str, Any] | None:
        """The active question's recording, the one recording a phone may fetch:
        {prompt_id, clip, duration_ms}, or None."""
        audio = self.prompt_audio.get(self.active_prompt or "")
        return None if audio is None else {"prompt_id": self.active_prompt, **audio}

    def _header(self) -> dict[str, Any]:
        """What every view of the session starts with."""
        return {
            "id": self.session_id, "seq": self.seq, "title": self.title, "kind": self.kind,
            "language": self.language, "code": self.code, "phase": self.phase,
            "prompts": self.prompts, "active_prompt": self.active_prompt,
        }

    def to_dict(self) -> dict[str, Any]:
        """The facilitator's view: the board API, the console and the projected screen
        (which leaves out hidden and pending cards itself)."""
        tally = self.votes_for()
        return {
            **self._header(),
            "prompt_audio": self.prompt_audio_dict(),
            "programme": self.programme,
            "participant_count": len(self.participants),
            "participants": [
                {"id": p.id, "name": p.name, "number": p.number, "blocked": p.blocked,
                 "profile": p.profile}
                for p in self.participants.values()
            ],
            "contributions": [
                {
                    "id": c.id,
                    "text": c.text,
                    "kind": c.kind,
                    "author": self.author_name(c),
                    "participant_id": c.participant_id,
                    "prompt_id": c.prompt_id,
                    "seq": c.seq,
                    "at": c.created_at.isoformat(),
                    "hidden": c.hidden,
                    "pending": c.pending,
                    "edited": c.original_text is not None,
                    "votes": tally.get(c.id, 0),
                    "voice": c.voice_dict(),
                }
                for c in self.contributions.values()
            ],
            "themes": [{**theme.to_dict(), "votes": tally.get(theme.id, 0)}
                       for theme in self.themes.values()],
            "ungrouped": self.ungrouped(),
            "grouping": {
                "auto": self.grouping.auto, "locked": self.grouping.locked,
                "granularity": self.grouping.granularity,
            },
            "flags": [{"contribution_id": cid, **flag} for cid, flag in self.flags.items()],
            "premoderation": self.premoderation,
            "vote_budget": self.vote_budget,
            "votes_cast": sum(len(v) for v in self.votes.values()),
            "voters": sum(1 for v in self.votes.values() if v),
            "results": self.results(),
            "timer": self.timer.to_dict(),
            "floor": self.floor_dict(),
            "profile_questions": list(self.profile_questions),
            "territory": self.territory,
            "place": self.venue,
            "date": self.date(),
            "conclusions": self.conclusions,
            "decisions": [dict(d) for d in self.decisions],
            "quotes": list(self.quotes),
            "radar": self.radars[self.radar].aggregate() if self.radar else None,
            "linked": self.linked,
            "club_id": self.club_id,
        }

    def live_dict(self) -> dict[str, Any]:
        """What the projected board re-reads as a session moves on (timer, speaking circle,
        votes, radar): `to_dict` without the cards, participants and themes, which the
        board keeps from its snapshot and the events. Small and quick whatever the size
        of the session, so a board of thousands of cards can re-read it after every
        event without holding the session's writers up."""
        return {
            **self._header(),
            "prompt_audio": self.prompt_audio_dict(),
            "participant_count": len(self.participants),
            "votes_cast": sum(len(v) for v in self.votes.values()),
            "voters": sum(1 for v in self.votes.values() if v),
            "results": self.results(),
            "timer": self.timer.to_dict(),
            "floor": self.floor_dict(),
            "radar": self.radars[self.radar].aggregate() if self.radar else None,
            "linked": self.linked,
            "club_id": self.club_id,
        }

    def member_ratings(self, member_id: str, since: datetime | None = None,
                       until: datetime | None = None) -> list[dict[str, Any]]:
        """A club member's own ratings in this meeting's radars (newest first); with
        `since`/`until`, only those given through the personal link of that window (a
        phone that joined then)."""
        mine = [p.id for p in self.participants.values() if p.member_id == member_id
                and (since is None or (p.joined_at is not None and p.joined_at >= since))
                and (until is None or (p.joined_at is not None and p.joined_at < until))]
        found = []
        for radar in reversed(list(self.radars.values())):
            for pid in mine:
                if pid in radar.ratings:
                    found.append({"id": radar.id, "axes": [dict(a) for a in radar.axes],
                                  "ratings": dict(radar.ratings[pid]), "date": self.date(),
                                  "title": self.title})
                    break
        return found

    def date(self) -> str | None:
        """The meeting's day (ISO): as set by the facilitator, else the day it was opened."""
        if self.meeting_date:
            return self.meeting_date
        return self.created_at.date().isoformat() if self.created_at else None

    def results(self) -> list[dict[str, Any]]:
        """Ballot items ranked by votes, then size."""
        tally = self.votes_for()
        ranked = [{**item, "votes": tally.get(item["id"], 0)} for item in self.ballot()]
        ranked.sort(key=lambda item: (-item["votes"], -item["size"]))
        return ranked

    def to_participant_dict(self, participant_id: str | None = None) -> dict[str, Any]:
        """What a phone shows: the session, its own votes and place in the speaking queue;
        never other participants' identities or cards."""
        view: dict[str, Any] = {
            **self._header(),
            "timer": self.timer.to_dict(),
            "vote_budget": self.vote_budget,
            "profile_questions": list(self.profile_questions),
            "speaking": self.speaker_name(self.floor.speaking),
            "question_audio": self.question_audio(),
        }
        if self.phase == "vote":
            view["ballot"] = self.ballot()
        if self.radar:
            radar = self.radars[self.radar]
            view["radar"] = {"id": radar.id, "axes": [dict(a) for a in radar.axes],
                             "open": radar.open}
            if participant_id is not None:
                view["my_ratings"] = dict(radar.ratings.get(participant_id, {}))
                # the same phone's radar in this session's earlier radars, to compare
                view["my_earlier"] = [
                    {"id": r.id, "ratings": dict(r.ratings[participant_id])}
                    for r in reversed(list(self.radars.values()))
                    if r.id != radar.id and participant_id in r.ratings
                ]
        if participant_id is not None:
            view["my_votes"] = list(self.votes.get(participant_id, []))
            queue = self.floor.queue
            view["floor_position"] = (queue.index(participant_id) + 1
                                      if participant_id in queue else None)
            view["has_floor"] = self.floor.speaking == participant_id
            participant = self.participants.get(participant_id)
            view["blocked"] = bool(participant and participant.blocked)
            view["profile"] = dict(participant.profile) if participant else {}
        return view


def seconds(value: int | float) -> timedelta:
    return timedelta(seconds=value)
