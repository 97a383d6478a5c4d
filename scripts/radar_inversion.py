"""How often a radar's published figures pin the ratings of one axis (docs/security.md).

For every multiset of n ratings on the 1–5 scale, group the multisets by what is published
and count the groups of one (the figures give every rating back) and the multisets in which
someone who knows their own rating can pin all the others. Run:

    .venv/bin/python scripts/radar_inversion.py
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from collections.abc import Callable

Figures = Callable[[list[int]], tuple[float, ...]]


def quartiles(ratings: list[int]) -> tuple[float, ...]:
    """What was published before issue 12: p25, median, p75 (inclusive method)."""
    low, mid, high = statistics.quantiles(ratings, n=4, method="inclusive")
    return (round(low, 2), mid, round(high, 2))


def median(ratings: list[int]) -> tuple[float, ...]:
    """What is published now (closed radar, an axis answered by 5 or more)."""
    return (float(statistics.median(ratings)),)


def pinned(figures: Figures, n: int) -> tuple[int, int, int]:
    groups: dict[tuple[float, ...], list[tuple[int, ...]]] = defaultdict(list)
    for ratings in itertools.combinations_with_replacement(range(1, 6), n):
        groups[figures(list(ratings))].append(ratings)
    alone = sum(1 for group in groups.values() if len(group) == 1)
    by_insider = 0
    for group in groups.values():
        for ratings in group:
            for own in set(ratings):
                rest = set()
                for other in group:
                    if own in other:
                        left = list(other)
                        left.remove(own)
                        rest.add(tuple(left))
                if len(rest) == 1:
                    by_insider += 1
                    break
    total = sum(len(group) for group in groups.values())
    return total, alone, by_insider


if __name__ == "__main__":
    print("n  multisets | quartiles: pinned, pinned by an insider | median: pinned, by insider")
    for n in (3, 4, 5, 6, 8, 10, 15, 20):
        total, q_alone, q_insider = pinned(quartiles, n)
        _, m_alone, m_insider = pinned(median, n)
        print(f"{n:<3}{total:>9} | {q_alone:>17} {q_insider:>24} | {m_alone:>14} {m_insider:>10}")
