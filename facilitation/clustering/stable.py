"""Stable theme ids and colours across re-clusterings (Hungarian matching on shared cards)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from .schema import Theme

PALETTE: tuple[str, ...] = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45",
    "#fabed4", "#469990", "#dcbeff", "#9a6324", "#800000", "#aaffc3", "#808000", "#ffd8b1",
    "#000075", "#a9a9a9", "#ffe119", "#e6beff",
)
MISC_COLOUR = "#bdbdbd"


def match_previous(clusters: Sequence[Iterable[str]], previous: Sequence[Theme],
                   min_overlap: float = 0.2) -> list[Theme | None]:
    """For each new cluster (card ids), the previous theme it continues, if any.

    A pair qualifies when they share at least `min_overlap` of the smaller side's cards
    still present; the assignment maximises shared cards.
    """
    sets = [set(c) for c in clusters]
    if not sets or not previous:
        return [None] * len(sets)
    present = set().union(*sets)
    old = [set(t.card_ids) & present for t in previous]
    overlap = np.array([[len(s & o) for o in old] for s in sets], dtype=float)
    rows, cols = linear_sum_assignment(-overlap)
    out: list[Theme | None] = [None] * len(sets)
    for r, c in zip(rows, cols, strict=True):
        smaller = max(1, min(len(sets[r]), len(old[c])))
        if overlap[r, c] > 0 and overlap[r, c] / smaller >= min_overlap:
            out[r] = previous[c]
    return out


class IdAllocator:
    """Hands out new theme ids and colours that clash with none in use."""

    def __init__(self, used_ids: Iterable[str], used_colours: Iterable[str]) -> None:
        self.used_ids = set(used_ids)
        self.used_colours = list(used_colours)
        numbers = [int(m.group(1)) for i in self.used_ids if (m := re.search(r"(\d+)$", i))]
        self.next_number = max(numbers, default=0) + 1

    def new_id(self, prefix: str) -> str:
        """Fresh id such as "blocker-7"."""
        while True:
            tid = f"{prefix}-{self.next_number}"
            self.next_number += 1
            if tid not in self.used_ids:
                self.used_ids.add(tid)
                return tid

    def new_colour(self) -> str:
        """Least-used palette colour (first one on ties)."""
        counts = {c: self.used_colours.count(c) for c in PALETTE}
        colour = min(PALETTE, key=lambda c: (counts[c], PALETTE.index(c)))
        self.used_colours.append(colour)
        return colour
