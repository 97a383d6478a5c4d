"""Chart specifications: small frozen dataclasses built from plain data, with their words
already in the document's language. No drawing here (see draw.py): a spec is cheap to
build, compare and test, and the same spec gives the same SVG or PNG everywhere.

A builder returns None when there is nothing to draw (no votes, no contributions, no
project), so a document simply leaves the chart out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import words as w

KINDS = ("blocker", "lever")
SCALE_MIN, SCALE_MAX = 1, 5  # the radar's rating scale (facilitation.domain.radar)
TOP_THEMES = 10
TOP_COMPARED = 6  # per kind, in the "here and there" chart: it stays within an A4 page


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    kind: str | None = None  # "blocker", "lever", or None (a neutral bar)


@dataclass(frozen=True)
class ThemesChart:
    """Themes ranked by votes, one horizontal bar each, coloured (and patterned) by kind."""

    title: str
    note: str  # "the 10 most voted themes out of 14", or ""
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...]  # (kind, word) of the kinds shown

    @property
    def summary(self) -> str:
        """The numbers in words, for screen readers (the SVG's <desc>, docx's alt text)."""
        kinds = {kind: word for kind, word in self.legend}
        return "; ".join(f"{bar.label} ({kinds[bar.kind]}) — {bar.value}" if bar.kind in kinds
                         else f"{bar.label} — {bar.value}" for bar in self.bars)


@dataclass(frozen=True)
class PromptRow:
    label: str  # the question
    blockers: int
    levers: int


@dataclass(frozen=True)
class KindsChart:
    """Blockers (left) against levers (right) for each question."""

    title: str
    rows: tuple[PromptRow, ...]
    blockers_word: str
    levers_word: str

    @property
    def summary(self) -> str:
        return "; ".join(f"{row.label} — {self.blockers_word} {row.blockers}, "
                         f"{self.levers_word} {row.levers}" for row in self.rows)


@dataclass(frozen=True)
class RadarChart:
    """The room's competence radar: per axis the median and the middle half (first to third
    quartile) of the ratings, on the 1–5 scale. Aggregates only: there is no field that
    could hold one person's ratings, and fewer than three axes or a value off the scale is
    refused."""

    title: str
    axes: tuple[str, ...]
    median: tuple[float | None, ...]
    p25: tuple[float | None, ...]
    p75: tuple[float | None, ...]
    responses: int | None
    median_word: str
    band_word: str
    scale_word: str
    decimal: str = ","  # in the summary: "2,5" in French, "2.5" in English

    def __post_init__(self) -> None:
        n = len(self.axes)
        if n < 3:
            raise ValueError("a radar needs at least three axes")
        for name in ("median", "p25", "p75"):
            values = getattr(self, name)
            if len(values) != n:
                raise ValueError(f"{name}: one value per axis ({n}), got {len(values)}")
            for value in values:
                if value is not None and not (
                        isinstance(value, int | float) and math.isfinite(value)
                        and SCALE_MIN <= value <= SCALE_MAX):
                    raise ValueError(f"{name}: {value!r} is not on the {SCALE_MIN}–{SCALE_MAX} "
                                     "scale")
        for low, mid, high in zip(self.p25, self.median, self.p75, strict=True):
            if None not in (low, mid, high) and not low <= mid <= high:  # type: ignore[operator]
                raise ValueError("quartiles out of order: p25 ≤ median ≤ p75")

    @property
    def summary(self) -> str:
        def fmt(v: float | None) -> str:
            return "–" if v is None else f"{v:g}".replace(".", self.decimal)
        return "; ".join(f"{axis} — {fmt(m)}" + ("" if lo is None or hi is None
                                                 else f" ({fmt(lo)} – {fmt(hi)})")
                         for axis, m, lo, hi
                         in zip(self.axes, self.median, self.p25, self.p75, strict=True))


@dataclass(frozen=True)
class MemberRadarChart:
    """One person's own radar over their last meetings, for their own document only (a
    club member's timeline): the room's radar is `RadarChart`, from aggregates."""

    title: str
    axes: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]  # (meeting, values), oldest first
    scale_word: str

    def __post_init__(self) -> None:
        if len(self.axes) < 3:
            raise ValueError("a radar needs at least three axes")
        for _, values in self.series:
            if len(values) != len(self.axes):
                raise ValueError("one value per axis")
            if any(v is not None and not SCALE_MIN <= v <= SCALE_MAX for v in values):
                raise ValueError(f"a rating off the {SCALE_MIN}–{SCALE_MAX} scale")

    @property
    def summary(self) -> str:
        return "; ".join(
            f"{meeting} — " + ", ".join(f"{axis} {'–' if v is None else f'{v:g}'}"
                                        for axis, v in zip(self.axes, values, strict=True))
            for meeting, values in self.series)


@dataclass(frozen=True)
class StagesChart:
    """Projects per stage of the club's journey, stages in their own order."""

    title: str
    bars: tuple[Bar, ...]

    @property
    def summary(self) -> str:
        return "; ".join(f"{bar.label} — {bar.value}" for bar in self.bars)


@dataclass(frozen=True)
class ThemeSpread:
    """A programme theme: its votes (the bar) and in how many sessions it came up."""

    label: str
    votes: int
    sessions: int
    kind: str | None
    where: str  # "3 séances", written out in the document's language


@dataclass(frozen=True)
class ProgrammeThemesChart:
    """A programme's merged themes ranked by votes, then by number of sessions: one bar
    (votes) each, coloured (and patterned) by kind, the sessions written at the right."""

    title: str
    note: str  # "the 10 most voted themes out of 14", or ""
    bars: tuple[ThemeSpread, ...]
    legend: tuple[tuple[str, str], ...]  # (kind, word) of the kinds shown

    @property
    def summary(self) -> str:
        kinds = {kind: word for kind, word in self.legend}
        return "; ".join(
            (f"{bar.label} ({kinds[bar.kind]})" if bar.kind in kinds else bar.label)
            + f" — {bar.votes}, {bar.where}" for bar in self.bars)


@dataclass(frozen=True)
class SideRow:
    """A theme of the comparison: its contributions on each side (0 on the side where it
    did not come up)."""

    label: str
    kind: str  # "blocker" or "lever"
    here: int
    there: int


@dataclass(frozen=True)
class HereThereChart:
    """Two territories face to face: "here" on the left, "there" on the right, one row per
    blocker or lever they share or raise alone, blockers first."""

    title: str
    here: str
    there: str
    rows: tuple[SideRow, ...]
    kinds: tuple[tuple[str, str], ...]  # (kind, word) of the kinds shown, in order
    measure: str  # what the bars count
    note: str  # "the 12 most raised themes out of 15", or ""

    @property
    def summary(self) -> str:
        words = dict(self.kinds)
        return "; ".join(f"{row.label} ({words[row.kind]}) — {self.here} {row.here}, "
                         f"{self.there} {row.there}" for row in self.rows)


Chart = (ThemesChart | KindsChart | RadarChart | MemberRadarChart | StagesChart
         | ProgrammeThemesChart | HereThereChart)


def _field(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, Mapping) else getattr(item, name)


def themes_by_votes(themes: Iterable[Any], language: str = "fr",
                    top: int = TOP_THEMES) -> ThemesChart | None:
    """The `top` most voted themes of both kinds, most votes first.

    :param themes: anything with `kind`, `label` and `votes` as attributes or keys (the
        synthesis's themes, a programme's themes, the board's results).
    """
    t = w.words(language)
    voted = [(str(_field(x, "label")), int(_field(x, "votes")), str(_field(x, "kind")))
             for x in themes]
    voted = [x for x in voted if x[1] > 0]
    if not voted:
        return None
    ranked = sorted(enumerate(voted), key=lambda p: (-p[1][1], p[0]))  # stable on ties
    shown = [Bar(label, votes, kind if kind in KINDS else None)
             for _, (label, votes, kind) in ranked[:top]]
    note = t["top"].format(shown=len(shown), total=len(voted)) if len(voted) > top else ""
    legend = tuple((kind, t[kind + "s"]) for kind in KINDS if any(b.kind == kind for b in shown))
    return ThemesChart(t["themes_title"], note, tuple(shown), legend)


def programme_themes(themes: Iterable[Any], language: str = "fr",
                     top: int = TOP_THEMES) -> ProgrammeThemesChart | None:
    """A programme's `top` most voted themes of both kinds, most votes first, then those
    raised in more sessions; None when no theme has a vote.

    :param themes: anything with `kind`, `label`, `votes` and `sessions` (the number of
        sessions where it came up) as attributes or keys: a programme's merged themes.
    """
    t = w.words(language)
    voted = [(str(_field(x, "label")), int(_field(x, "votes")), int(_field(x, "sessions")),
              str(_field(x, "kind"))) for x in themes]
    voted = [x for x in voted if x[1] > 0]
    if not voted:
        return None
    ranked = sorted(enumerate(voted), key=lambda p: (-p[1][1], -p[1][2], p[0]))
    shown = [ThemeSpread(label, votes, sessions, kind if kind in KINDS else None,
                         w.count(sessions, "session", language))
             for _, (label, votes, sessions, kind) in ranked[:top]]
    note = t["top"].format(shown=len(shown), total=len(voted)) if len(voted) > top else ""
    legend = tuple((kind, t[kind + "s"]) for kind in KINDS if any(b.kind == kind for b in shown))
    return ProgrammeThemesChart(t["programme_themes_title"], note, tuple(shown), legend)


def here_and_there(here: str, there: str,
                   rows: Iterable[SideRow | tuple[str, str, int, int]],
                   language: str = "fr", top: int = TOP_COMPARED) -> HereThereChart | None:
    """Blockers and levers of two territories, face to face; None when neither raised any.

    :param rows: (label, kind, contributions here, contributions there), in the order to
        show them (shared themes, then those of here, then those of there); a kind other
        than blocker or lever, or a theme with no contribution on either side, is left out.
        At most `top` themes of each kind are kept, those with the most contributions.
    """
    t = w.words(language)
    clean = [row if isinstance(row, SideRow)
             else SideRow(str(row[0]), str(row[1]), int(row[2]), int(row[3])) for row in rows]
    clean = [row for row in clean if row.kind in KINDS and (row.here > 0 or row.there > 0)]
    if not clean:
        return None
    kept: list[SideRow] = []
    for kind in KINDS:
        of_kind = [row for row in clean if row.kind == kind]
        biggest = sorted(range(len(of_kind)),
                         key=lambda i: (-(of_kind[i].here + of_kind[i].there), i))[:top]
        kept += [of_kind[i] for i in sorted(biggest)]
    note = (t["here_there_top"].format(shown=len(kept), total=len(clean))
            if len(kept) < len(clean) else "")
    kinds = tuple((kind, t[kind + "s"]) for kind in KINDS if any(r.kind == kind for r in kept))
    return HereThereChart(t["here_there_title"].format(here=here, there=there), here, there,
                          tuple(kept), kinds, t["here_there_measure"], note)


def kinds_per_prompt(rows: Iterable[PromptRow | tuple[str | None, int, int]],
                     language: str = "fr") -> KindsChart | None:
    """Blockers against levers per question; `rows` are (question, blockers, levers), a
    question of None being the contributions sent outside any question."""
    t = w.words(language)
    clean = tuple(
        row if isinstance(row, PromptRow)
        else PromptRow(row[0] if row[0] is not None else t["no_prompt"], int(row[1]), int(row[2]))
        for row in rows)
    clean = tuple(row for row in clean if row.blockers or row.levers)
    if not clean:
        return None
    return KindsChart(t["kinds_title"], clean, t["blockers"], t["levers"])


def radar(axes: Sequence[str | Mapping[str, str]],
          median: Mapping[str, float | None] | Sequence[float | None],
          p25: Mapping[str, float | None] | Sequence[float | None],
          p75: Mapping[str, float | None] | Sequence[float | None],
          *, responses: int | None = None, language: str = "fr") -> RadarChart | None:
    """The room's radar from its aggregates (facilitation.domain.radar.Radar.aggregate()).

    :param axes: labels, or {"id", "label"} dicts (then the values are keyed by axis id).
    :param median: per axis, as a mapping by axis id or a sequence in the axes' order;
        likewise `p25` and `p75`. None where nobody rated the axis.
    """
    t = w.words(language)
    ids = [a["id"] if isinstance(a, Mapping) else a for a in axes]
    labels = tuple(a["label"] if isinstance(a, Mapping) else a for a in axes)

    def ordered(values: Mapping[str, float | None] | Sequence[float | None]
                ) -> tuple[float | None, ...]:
        if isinstance(values, Mapping):
            return tuple(_number(values.get(i)) for i in ids)
        return tuple(_number(v) for v in values)

    middle = ordered(median)
    if all(v is None for v in middle):
        return None
    title = t["radar_title"]
    if responses is not None:
        title += " · " + w.count(responses, "response", language)
    return RadarChart(title, labels, middle, ordered(p25), ordered(p75), responses,
                      t["median"], t["middle_half"], t["scale"],
                      "," if w.lang(language) == "fr" else ".")


def member_radar(axes: Sequence[str | Mapping[str, str]],
                 radars: Sequence[tuple[str, Mapping[str, int | float | None]]],
                 language: str = "fr", last: int = 3) -> MemberRadarChart | None:
    """A person's own ratings at their `last` meetings, oldest first, for a document only
    they (and their facilitator) read.

    :param radars: (meeting date or name, {axis id: rating}); an ISO date is written out.
    """
    t = w.words(language)
    ids = [a["id"] if isinstance(a, Mapping) else a for a in axes]
    labels = tuple(a["label"] if isinstance(a, Mapping) else a for a in axes)
    rated = [(meeting, r) for meeting, r in radars if any(r.get(i) for i in ids)]
    series = tuple((_day(meeting, language), tuple(_number(r.get(i)) for i in ids))
                   for meeting, r in rated[-last:])
    if not series or len(labels) < 3:
        return None
    return MemberRadarChart(t["member_radar_title"], labels, series, t["scale"])


def _day(value: str, language: str) -> str:
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    from babel.dates import format_date

    return format_date(day, format="medium", locale=w.lang(language))


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def projects_by_stage(counts: Mapping[str, int], stage_names: Mapping[str, str],
                      language: str = "fr") -> StagesChart | None:
    """Projects per stage, in the order of `stage_names` (stage key -> its name in the
    document's language, e.g. idée, création, démarrage, développement); stages without a
    project keep their (empty) place, stages not named are left out."""
    bars = tuple(Bar(name, int(counts.get(key, 0))) for key, name in stage_names.items())
    if not any(bar.value for bar in bars):
        return None
    return StagesChart(w.words(language)["stages_title"], bars)
