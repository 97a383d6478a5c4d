"""The synthesis of a session: what the meeting produced, ranked, ready to render.

Deterministic: the same board gives the same synthesis (no clock, stable orders), so two
exports of a closed session are byte-identical and a replayed log exports the same.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from ..domain.board import Board
from ..domain.kinds import CONTRIBUTION_KINDS, SESSION_KINDS
from .club import ClubSection

SCHEMA_VERSION = 1
OTHER_LABELS = {"fr": "Autres contributions", "en": "Other contributions"}
# Like the board: below three responses, a radar's quartiles would show one person's ratings.
RADAR_MIN_RESPONSES = 3


@dataclass(frozen=True)
class CardItem:
    id: str
    text: str  # as edited by the facilitator, when edited
    kind: str
    author: str | None
    prompt: str | None  # the question's text
    votes: int
    at: str  # ISO time
    profile: dict[str, str]
    voice_seconds: int | None = None  # a voice card: its length; `text` is its transcript


def plain_cards(data: Any) -> Any:
    """A synthesis' JSON without `voice_seconds: null` on text cards (the documented form
    of a card is unchanged; a voice card carries its length)."""
    if isinstance(data, dict):
        return {key: plain_cards(value) for key, value in data.items()
                if not (key == "voice_seconds" and value is None)}
    if isinstance(data, list | tuple):
        return type(data)(plain_cards(item) for item in data)
    return data


@dataclass(frozen=True)
class ThemeItem:
    id: str
    kind: str
    label: str
    votes: int  # on the theme itself plus on its cards
    cards: tuple[CardItem, ...]
    actor_types: dict[str, int]  # contributions per actor type of their authors

    @property
    def size(self) -> int:
        return len(self.cards)


@dataclass(frozen=True)
class Decision:
    text: str
    owner: str | None = None
    due: str | None = None


@dataclass(frozen=True)
class RadarAxis:
    id: str
    label: str


@dataclass(frozen=True)
class RadarSummary:
    """The room's competence radar, aggregates only: per axis (by id) how many answered it
    and the median of the ratings, None where too few answered (domain/radar.py)."""

    axes: tuple[RadarAxis, ...]
    responses: int
    answers: dict[str, int]
    median: dict[str, float | None]


@dataclass(frozen=True)
class Synthesis:
    session_id: str
    title: str
    kind: str
    kind_name: str
    language: str
    date: str | None
    place: str | None
    territory: str | None
    programme: str | None
    facilitators: tuple[str, ...]
    participants: int
    contributions: int
    prompts: tuple[str, ...]
    blockers: tuple[ThemeItem, ...]
    levers: tuple[ThemeItem, ...]
    quotes: tuple[CardItem, ...]
    profiles: dict[str, dict[str, int]]  # question -> answer -> participants
    conclusions: str
    decisions: tuple[Decision, ...]
    phase: str
    seq: int  # the board it was built from
    radar: RadarSummary | None = None  # the last radar opened, from three responses on
    club: ClubSection | None = None  # a club meeting's projects (None for other sessions)

    def themes(self, kind: str) -> tuple[ThemeItem, ...]:
        return self.blockers if kind == "blocker" else self.levers

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form (docs/synthesis.md), keys in a stable order."""
        data = plain_cards(asdict(self))
        data["schema"] = SCHEMA_VERSION
        for kind in ("blockers", "levers"):
            for theme in data[kind]:
                theme["size"] = len(theme["cards"])
        return data


def build(board: Board, facilitators: tuple[str, ...] = (),
          club: ClubSection | None = None) -> Synthesis:
    """The synthesis of a board: themes of each kind ranked by votes then size, visible
    cards only (hidden ones left out, edited ones as edited). `club`: a club meeting's
    section (`club.club_section`), built by the caller from the club's own stream."""
    tally = board.votes_for()
    prompts = {p["id"]: p["text"] for p in board.prompts}
    participants = board.participants

    def card_item(card_id: str) -> CardItem:
        card = board.contributions[card_id]
        person = participants.get(card.participant_id or "")
        return CardItem(
            id=card.id, text=card.text, kind=card.kind, author=board.author_name(card),
            prompt=prompts.get(card.prompt_id or ""), votes=tally.get(card.id, 0),
            at=card.created_at.isoformat(), profile=dict(person.profile) if person else {},
            voice_seconds=-(-int(card.voice.get("duration_ms", 0)) // 1000)
            if card.voice else None,
        )

    visible = {c.id for c in board.visible_cards()}
    themes: dict[str, list[ThemeItem]] = {kind: [] for kind in CONTRIBUTION_KINDS}
    placed: set[str] = set()
    for theme in board.themes.values():
        members = [cid for cid in theme.card_ids if cid in visible]
        if not members or theme.misc and not theme.renamed:
            continue
        kind = board.contributions[members[0]].kind
        placed.update(members)
        themes[kind].append(_theme_item(theme.id, kind, theme.label,
                                        [card_item(c) for c in members], tally))
    other = OTHER_LABELS.get(board.language, OTHER_LABELS["en"])
    for kind in CONTRIBUTION_KINDS:
        rest = [c.id for c in board.visible_cards() if c.kind == kind and c.id not in placed]
        if rest:
            themes[kind].append(_theme_item(f"other-{kind}", kind, other,
                                            [card_item(c) for c in rest], tally))
        themes[kind].sort(key=lambda t: (-t.votes, -t.size, t.id == f"other-{kind}", t.label))

    profiles: dict[str, dict[str, int]] = {}
    for question in board.profile_questions:
        counts = Counter(p.profile[question] for p in participants.values()
                         if question in p.profile)
        profiles[question] = dict(sorted(counts.items()))

    return Synthesis(
        session_id=board.session_id,
        title=board.title,
        kind=board.kind,
        kind_name=SESSION_KINDS[board.kind].names.get(board.language, board.kind)
        if board.kind in SESSION_KINDS else board.kind,
        language=board.language,
        date=board.date(),
        place=board.venue,
        territory=board.territory,
        programme=board.programme,
        facilitators=tuple(facilitators),
        participants=len(participants),
        contributions=len(visible),
        prompts=tuple(p["text"] for p in board.prompts),
        blockers=tuple(themes["blocker"]),
        levers=tuple(themes["lever"]),
        quotes=tuple(card_item(c) for c in board.quotes if c in visible),
        profiles=profiles,
        conclusions=board.conclusions,
        decisions=tuple(Decision(d["text"], d.get("owner"), d.get("due"))
                        for d in board.decisions),
        phase=board.phase,
        seq=board.seq,
        radar=_radar(board),
        club=club,
    )


def _radar(board: Board) -> RadarSummary | None:
    """The room's aggregates of the radar on screen (the last one opened), or None when
    the session had none or too few answered it."""
    if board.radar is None or board.radar not in board.radars:
        return None
    room = board.radars[board.radar].aggregate()
    if room["responses"] < RADAR_MIN_RESPONSES:
        return None
    return RadarSummary(
        axes=tuple(RadarAxis(a["id"], a["label"]) for a in room["axes"]),
        responses=room["responses"],
        answers=dict(room["answers"]), median=dict(room["median"]),
    )


def _theme_item(theme_id: str, kind: str, label: str, cards: list[CardItem],
                tally: dict[str, int]) -> ThemeItem:
    cards.sort(key=lambda c: (-c.votes, c.at, c.id))
    votes = tally.get(theme_id, 0) + sum(c.votes for c in cards)
    actor_types = Counter(c.profile["actor_type"] for c in cards if "actor_type" in c.profile)
    return ThemeItem(theme_id, kind, label, votes, tuple(cards), dict(sorted(actor_types.items())))
