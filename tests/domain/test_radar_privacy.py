"""Issue 12 · 7: nobody can reconstruct one person's radar ratings from what is published.

The attacker sees every published view at every moment (the board live as each person
answers, a phone, the console, the API, every export and the chart) and may know their own
rating. They try, by brute force over every multiset of ratings on the 1–5 scale, to pin
the ratings of an axis; and, by differencing two successive views, the value one person
just gave. Both must fail: on today's code (live quartiles from three people) they succeed.
"""

from __future__ import annotations

import itertools
import json
import statistics
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.domain.radar import RATING_MAX, RATING_MIN, Radar
from facilitation.synthesis import view as synthesis_view
from facilitation.usecases import exports
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id

AXES = [{"id": f"a{n}", "label": f"axe {n}"} for n in range(1, 4)]
SCALE = range(RATING_MIN, RATING_MAX + 1)
STATISTICS = {  # every per-axis figure a view could carry, and how to recompute it
    "median": lambda v: float(statistics.median(v)),
    "p25": lambda v: statistics.quantiles(v, n=4, method="inclusive")[0] if len(v) > 1
    else float(v[0]),
    "p75": lambda v: statistics.quantiles(v, n=4, method="inclusive")[2] if len(v) > 1
    else float(v[0]),
}


@cache
def _multisets(n: int) -> tuple[tuple[int, ...], ...]:
    return tuple(itertools.combinations_with_replacement(SCALE, n))


def candidates(n: int, published: dict[str, float]) -> list[tuple[int, ...]]:
    """Every multiset of `n` ratings giving the published figures of one axis."""
    return [ms for ms in _multisets(n)
            if all(round(STATISTICS[k](list(ms)), 2) == round(v, 2)
                   for k, v in published.items())]


def assert_not_invertible(view: dict[str, Any]) -> None:
    """The brute-force attack on one view of a radar: the ratings of an axis must not be
    pinned, not even by someone who knows their own rating."""
    assert set(view) <= {"id", "open", "axes", "responses", "answers", "median"}, view
    for axis in view["axes"]:
        figures = {k: view[k][axis["id"]] for k in STATISTICS
                   if k in view and view[k].get(axis["id"]) is not None}
        if not figures:
            continue
        n = view["answers"][axis["id"]]
        found = candidates(n, figures)
        assert len(found) >= 2, (axis, n, figures, found)
        for own in {v for ms in found for v in ms}:
            others = set()
            for ms in found:
                if own in ms:
                    rest = list(ms)
                    rest.remove(own)
                    others.add(tuple(rest))
            assert len(others) != 1, (axis, n, figures, own, others)


def published_figures(view: dict[str, Any]) -> str:
    """What a view says about values (counts aside): the differencing attack compares it."""
    return json.dumps({k: view.get(k) for k in STATISTICS}, sort_keys=True)


answers = st.lists(  # (person, {axis: rating}) in the order people tap their phones
    st.tuples(st.integers(0, 11),
              st.dictionaries(st.sampled_from([a["id"] for a in AXES]), st.integers(1, 5),
                              min_size=1)),
    min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(answers)
def test_no_view_of_a_radar_gives_back_anyone_s_ratings(steps) -> None:
    radar = Radar("r1", AXES)
    views = [radar.aggregate()]
    for person, ratings in steps:
        radar.ratings.setdefault(f"p{person}", {}).update(ratings)
        views.append(radar.aggregate())  # the board after each tap
    radar.open = False
    views.append(radar.aggregate())  # closed: frozen for good (a radar never reopens)
    for view in views:
        assert_not_invertible(view)
    # differencing: the values shown never move while people answer (one state, at most)
    assert len({published_figures(v) for v in views[:-1]}) == 1
    assert all(value is None for v in views[:-1] for value in v["median"].values())


def test_the_attack_pins_three_raters_from_quartiles() -> None:
    """The attack itself works: the figures published before the fix give three people's
    ratings back (so the test above can fail)."""
    ratings = [2, 3, 5]
    figures = {k: f(ratings) for k, f in STATISTICS.items()}
    assert candidates(3, figures) == [(2, 3, 5)]


# -- the same attack on every door of a running app -------------------------------------------
def command(service: Any, sid: str, facilitator_id: int, **data: Any) -> dict[str, Any]:
    return FacilitatorCommands(service).run(sid, facilitator_id, data).ack


def _radar_views(client: Any, service: Any, facilitator: Any, sid: str,
                 code: str) -> list[dict[str, Any]]:
    """The radar as the board, the console, a phone, the API and every export show it."""
    headers = {"Authorization": f"Bearer {facilitator.token}"}
    board = service.board(sid)
    views = [board.to_dict()["radar"]]
    views.append(client.get(f"/api/sessions/{sid}/board", headers=headers).get_json()["radar"])
    onlooker = service.join(code).participant_id
    phone = service.board(sid).to_participant_dict(onlooker)
    assert set(phone.get("radar") or {}) <= {"id", "axes", "open"}  # no room figures
    synthesis = client.get(f"/api/sessions/{sid}/synthesis.json", headers=headers).get_json()
    if synthesis["radar"] is not None:
        exported = dict(synthesis["radar"])
        exported["axes"] = [{"id": a["id"], "label": a["label"]} for a in exported["axes"]]
        views.append(exported)
    return [v for v in views if v]


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=1, max_size=8),
       st.booleans())
def test_no_door_of_the_app_gives_back_anyone_s_ratings(client, service, facilitator,
                                                        people: list[list[int]],
                                                        partial: bool) -> None:
    board = service.create_session(facilitator.id, "Club", "club", "fr")
    sid = board.session_id
    command(service, sid, facilitator.id, type="open_radar", axes=["Compta", "Vente", "Réseau"])
    axes = ["a1", "a2", "a3"]
    headers = {"Authorization": f"Bearer {facilitator.token}"}
    seen: list[str] = []
    for values in people:
        joined = service.join(board.code)
        rated = dict(zip(axes[:1] if partial else axes, values, strict=False))
        assert service.rate_radar(sid, joined.participant_id, new_client_id(), rated).ack["ok"]
        for view in _radar_views(client, service, facilitator, sid, board.code):
            assert_not_invertible(view)
            seen.append(published_figures(view))
    assert len(set(seen)) == 1  # nothing moves while the radar is open: no differencing
    command(service, sid, facilitator.id, type="close_radar")
    for view in _radar_views(client, service, facilitator, sid, board.code):
        assert_not_invertible(view)
    synthesis = exports.session_synthesis(service, sid, facilitator.id)
    chart = synthesis_view.radar_chart(synthesis)
    if chart is not None:  # the chart (svg, pdf, docx, html) draws medians, no band
        assert set(chart.p25) == {None} and set(chart.p75) == {None}
        assert_not_invertible({
            "axes": [{"id": a.id} for a in synthesis.radar.axes],
            "answers": synthesis.radar.answers,
            "median": {a.id: m for a, m in zip(synthesis.radar.axes, chart.median,
                                                strict=True)}})
    table = synthesis_view.radar_table(synthesis)
    if table is not None:  # md, csv, html, docx, pdf: median and number of answers
        assert len(table.columns) == 3
    for fmt in ("md", "csv", "html"):
        assert client.get(f"/api/sessions/{sid}/synthesis.{fmt}",
                          headers=headers).status_code == 200
