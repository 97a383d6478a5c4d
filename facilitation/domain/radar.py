"""The competence radar: templates of axes and the room's aggregates (pure).

The room sees medians and spreads per axis, never one person's ratings: a participant's
own radar goes to their phone only.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

RATING_MIN, RATING_MAX = 1, 5
RESPONSES_MIN = 3  # fewer answers than this: the room's radar is not shown
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
        """What the room and the facilitator see: per axis, responses and quartiles — only
        from `RESPONSES_MIN` answers on (the median of one or two answers is someone's
        own rating); before, every value is None."""
        shown = len(self.ratings) >= RESPONSES_MIN
        return {
            "id": self.id,
            "open": self.open,
            "axes": [dict(axis) for axis in self.axes],
            "responses": len(self.ratings),
            **summarise(self.axes, self.ratings.values() if shown else ()),
        }


def summarise(axes: list[dict[str, str]],
              ratings: Iterable[Mapping[str, int]]) -> dict[str, dict[str, float | None]]:
    """Median, first and third quartiles per axis (None where nobody rated it)."""
    by_axis: dict[str, list[int]] = {axis["id"]: [] for axis in axes}
    for person in ratings:
        for axis_id, value in person.items():
            if axis_id in by_axis:
                by_axis[axis_id].append(value)
    result: dict[str, dict[str, float | None]] = {"median": {}, "p25": {}, "p75": {}}
    for axis_id, values in by_axis.items():
        if not values:
            for key in result:
                result[key][axis_id] = None
            continue
        ordered = sorted(values)
        if len(ordered) == 1:
            low = mid = high = float(ordered[0])
        else:
            low, mid, high = statistics.quantiles(ordered, n=4, method="inclusive")
        result["median"][axis_id] = round(mid, 2)
        result["p25"][axis_id] = round(low, 2)
        result["p75"][axis_id] = round(high, 2)
    return result
