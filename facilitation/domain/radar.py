"""The competence radar: templates of axes and the room's aggregates (pure).

The room sees, per axis, how many answered it and, once the radar is closed, the median of
an axis at least `AXIS_MIN` people answered — nothing else, never one person's ratings: a
participant's own radar goes to their phone only (see docs/security.md, "Radar").

Why this cannot be inverted: while the radar is open only counts change, so watching the
board as each person answers gives nobody's value; after closing, the ratings are frozen
(a radar never reopens) and the one published state holds a median of at least five
ratings on a 1–5 scale, which is always consistent with several multisets of ratings, even
for someone who knows their own rating (tests/domain/test_radar_privacy.py checks it).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

RATING_MIN, RATING_MAX = 1, 5
RESPONSES_MIN = 3  # fewer people than this: the room's radar is not shown at all
AXIS_MIN = 5  # fewer answers on an axis than this: its median is not shown
AXES_MIN, AXES_MAX = 3, 8
AXIS_LABEL_MAX = 40

TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (
        ("finance", "Gestion financière"), ("commercial", "Commercial"),
        ("network", "Réseau"), ("digital", "Numérique"),
        ("governance", "Gouvernance collective"), ("ess", "Connaissance de l'ESS"),
        ("writing", "Expression écrite"),
    ),
    "en": (
        ("finance", "Financial management"), ("commercial", "Sales"),
        ("network", "Network"), ("digital", "Digital skills"),
        ("governance", "Collective governance"), ("ess", "Knowledge of the social economy"),
        ("writing", "Written expression"),
    ),
}


@dataclass
class Radar:
    """One radar of a session, as the board holds it."""

    id: str
    axes: list[dict[str, str]]
    open: bool = True
    ratings: dict[str, dict[str, int]] = field(default_factory=dict)  # participant -> axis

    def aggregate(self) -> dict[str, Any]:
        """What the room and the facilitator see: per axis the number of answers and,
        only once the radar is closed, the median of an axis answered by `AXIS_MIN`
        people or more (None otherwise). No spread, no live values: quartiles of a few
        ratings give them back, and a value that moves as one person answers gives
        theirs."""
        answers = answer_counts(self.axes, self.ratings.values())
        shown = not self.open and len(self.ratings) >= RESPONSES_MIN
        medians = summarise(self.axes, self.ratings.values() if shown else ())
        return {
            "id": self.id,
            "open": self.open,
            "axes": [dict(axis) for axis in self.axes],
            "responses": len(self.ratings),
            "answers": answers,
            "median": {axis_id: value if answers[axis_id] >= AXIS_MIN else None
                       for axis_id, value in medians.items()},
        }


def answer_counts(axes: list[dict[str, str]],
                  ratings: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """How many people rated each axis (answers are counted per axis, not per person)."""
    counts = {axis["id"]: 0 for axis in axes}
    for person in ratings:
        for axis_id in person:
            if axis_id in counts:
                counts[axis_id] += 1
    return counts


def summarise(axes: list[dict[str, str]],
              ratings: Iterable[Mapping[str, int]]) -> dict[str, float | None]:
    """The median per axis (None where nobody rated it); callers decide what is shown."""
    by_axis: dict[str, list[int]] = {axis["id"]: [] for axis in axes}
    for person in ratings:
        for axis_id, value in person.items():
            if axis_id in by_axis:
                by_axis[axis_id].append(value)
    return {axis_id: float(statistics.median(values)) if values else None
            for axis_id, values in by_axis.items()}
