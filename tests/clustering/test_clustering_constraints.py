"""Property tests: facilitator decisions survive any sequence of new cards and re-clusterings."""

from __future__ import annotations

import pytest
from clustering_fixtures import CHILDCARE, LEVERS, TRANSPORT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.clustering import Card, Constraints, Theme, cluster

POOL = ([("blocker", t) for t in TRANSPORT + CHILDCARE] + [("lever", t) for t in LEVERS]
        + [("lever", "des ateliers pour apprendre l'informatique"),
           ("lever", "un club des créatrices du quartier"),
           ("blocker", "les papiers administratifs sont trop compliqués")])

action = st.one_of(
    st.tuples(st.just("add"), st.integers(0, len(POOL) - 1)),
    st.tuples(st.just("move"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("pin"), st.integers(0, 10_000), st.booleans()),
    st.tuples(st.just("rename"), st.integers(0, 10_000), st.text("abcdé ", min_size=1,
                                                                  max_size=8)),
    st.tuples(st.just("merge"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("granularity"), st.floats(0, 1)),
)


def _check(themes: list[Theme], cards: list[Card], c: Constraints) -> None:
    where = {cid: t for t in themes for cid in t.card_ids}
    assert sorted(where) == sorted(x.id for x in cards)
    assert len({t.id for t in themes}) == len(themes)
    for cid, tid in c.assignments.items():
        if cid in where:
            assert where[cid].id == tid
    by_id = {t.id: t for t in themes}
    for tid, pin in c.pinned.items():
        present = {cid for cid in pin.card_ids if cid in where}
        if present:
            assert tid in by_id
            assert present <= set(by_id[tid].card_ids)
            assert by_id[tid].label == pin.label
            if pin.closed:
                assert set(by_id[tid].card_ids) <= set(pin.card_ids)
    for tid, label in c.labels.items():
        if tid in by_id:
            assert by_id[tid].label == label


@pytest.mark.parametrize("backend", ["lexical", "use"])  # "use": with the concept view
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, len(POOL) - 1), min_size=3, max_size=12, unique=True),
       st.lists(action, min_size=1, max_size=10))
def test_constraints_survive(backend: str, initial: list[int], actions: list[tuple]) -> None:
    cards = [Card(f"k{i}", POOL[i][1], POOL[i][0]) for i in initial]
    c = Constraints()
    granularity = 0.5
    themes = cluster(cards, granularity, backend=backend)
    for act in actions:
        regular = [t for t in themes if not t.misc] or themes
        if act[0] == "add":
            new = Card(f"k{act[1]}", POOL[act[1]][1], POOL[act[1]][0])
            if new.id not in {x.id for x in cards}:
                cards.append(new)
        elif act[0] == "move":
            card = cards[act[1] % len(cards)]
            same_kind = [t for t in regular if t.kind == card.kind]
            if same_kind:
                c = c.move(card.id, same_kind[act[2] % len(same_kind)].id)
        elif act[0] == "pin":
            c = c.pin(regular[act[1] % len(regular)], closed=act[2])
        elif act[0] == "rename":
            c = c.rename(regular[act[1] % len(regular)].id, act[2])
        elif act[0] == "merge":
            a, b = regular[act[1] % len(regular)], regular[act[2] % len(regular)]
            if a.kind == b.kind and a.id != b.id:
                c = c.merge([a, b], into=b.id)
        else:
            granularity = act[1]
        themes = cluster(cards, granularity, previous=themes, constraints=c, backend=backend)
        _check(themes, cards, c)


def test_merged_themes_stay_merged_after_new_cards() -> None:
    cards = [Card(f"t{i}", t, "blocker") for i, t in enumerate(TRANSPORT)]
    cards += [Card(f"c{i}", t, "blocker") for i, t in enumerate(CHILDCARE)]
    themes = cluster(cards, backend="lexical")
    regular = [t for t in themes if not t.misc]
    c = Constraints().merge(regular[:2], into=regular[0].id)
    merged = set(regular[0].card_ids) | set(regular[1].card_ids)
    more = cards + [Card("x1", "encore un bus en retard", "blocker")]
    again = cluster(more, previous=themes, constraints=c, backend="lexical")
    target = next(t for t in again if t.id == regular[0].id)
    assert merged <= set(target.card_ids)


def test_new_card_close_to_pinned_theme_may_join_it() -> None:
    cards = [Card(f"t{i}", t, "blocker") for i, t in enumerate(TRANSPORT[:12])]
    cards += [Card(f"c{i}", t, "blocker") for i, t in enumerate(CHILDCARE[:12])]
    themes = cluster(cards, backend="lexical")
    bus = max((t for t in themes if not t.misc),
              key=lambda t: sum(cid.startswith("t") for cid in t.card_ids))
    c = Constraints().pin(bus, label="Transports")
    more = cards + [Card("new", "pas de bus pour venir aux réunions le soir, sans voiture",
                         "blocker")]
    again = cluster(more, previous=themes, constraints=c, backend="lexical")
    pinned = next(t for t in again if t.id == bus.id)
    assert pinned.label == "Transports" and pinned.pinned
    assert set(bus.card_ids) <= set(pinned.card_ids)
    assert "new" in pinned.card_ids
