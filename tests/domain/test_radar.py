"""The competence radar: the room sees medians and spreads, each phone its own radar."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.domain.errors import Rejected
from facilitation.domain.radar import Radar, summarise
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id, pushed_events

AXES = [{"id": f"a{n}", "label": f"axe {n}"} for n in range(1, 6)]
ratings = st.lists(
    st.dictionaries(st.sampled_from([a["id"] for a in AXES]), st.integers(1, 5), min_size=1),
    max_size=30,
)


@given(ratings)
def test_medians_stay_within_one_to_five(people: list[dict[str, int]]) -> None:
    summary = summarise(AXES, people)
    for axis in AXES:
        values = [p[axis["id"]] for p in people if axis["id"] in p]
        median = summary[axis["id"]]
        if not values:
            assert median is None
            continue
        assert min(values) <= median <= max(values)


@settings(deadline=None)
@given(ratings)
def test_the_aggregate_holds_no_individual(people: list[dict[str, int]]) -> None:
    names = [f"phone-{n:03d}" for n in range(len(people))]
    radar = Radar("r1", AXES, ratings=dict(zip(names, people, strict=True)))
    view = radar.aggregate()
    assert set(view) == {"id", "open", "axes", "responses", "answers", "median"}
    assert view["responses"] == len(people)
    assert "phone-" not in str(view)


def command(service: Any, sid: str, facilitator_id: int, **data: Any) -> dict[str, Any]:
    return FacilitatorCommands(service).run(sid, facilitator_id, data).ack


def test_a_room_rates_itself_and_each_phone_keeps_its_own(
    service, facilitator, palabre, phone, board_client
) -> None:
    sid = palabre.session_id
    board = board_client(sid)
    awa, moussa = phone(palabre.code), phone(palabre.code)
    assert board.emit("command", {"session_id": sid, "type": "open_radar"},
                      callback=True)["ok"]
    state = awa.emit("state", {}, callback=True)["session"]
    assert [a["label"] for a in state["radar"]["axes"]][:2] == ["Gestion financière",
                                                                "Commercial"]
    first = awa.emit("rate_radar", {"client_id": new_client_id(),
                                    "ratings": {"finance": 2}}, callback=True)
    assert first["my_ratings"] == {"finance": 2}
    awa.emit("rate_radar", {"client_id": new_client_id(), "ratings": {"digital": 5}},
             callback=True)
    moussa.emit("rate_radar", {"client_id": new_client_id(),
                               "ratings": {"finance": 4, "digital": 3}}, callback=True)
    assert awa.emit("state", {}, callback=True)["session"]["my_ratings"] == {
        "finance": 2, "digital": 5}
    view = service.board(sid).to_dict()["radar"]
    assert view["responses"] == 2 and view["answers"]["finance"] == 2
    # open: only counts move, nothing a phone's tap would give away
    assert set(view["median"].values()) == {None}
    for value in (3, 1, 5):
        other = phone(palabre.code)
        other.emit("rate_radar", {"client_id": new_client_id(), "ratings": {"finance": value}},
                   callback=True)
    view = service.board(sid).to_dict()["radar"]
    assert view["responses"] == 5 and set(view["median"].values()) == {None}
    live = [e for e in pushed_events(board) if e["type"] == "radar_rated"]
    assert live and all(set(e["payload"]) == {"radar_id"} for e in live)
    wrong = awa.emit("rate_radar", {"client_id": new_client_id(), "ratings": {"finance": 9}},
                     callback=True)
    assert wrong["error"]["code"] == "invalid_ratings"
    command(service, sid, facilitator.id, type="close_radar")
    view = service.board(sid).to_dict()["radar"]
    assert view["median"]["finance"] == 3 and view["median"]["digital"] is None  # 2 answers
    late = moussa.emit("rate_radar", {"client_id": new_client_id(),
                                      "ratings": {"finance": 1}}, callback=True)
    assert late["error"]["code"] == "radar_closed"


def test_custom_axes_and_an_earlier_radar_beside_the_new_one(service, facilitator, palabre):
    sid = palabre.session_id
    awa = service.join(palabre.code).participant_id
    command(service, sid, facilitator.id, type="open_radar",
            axes=["Compta", "Vente", "Réseau"])
    service.rate_radar(sid, awa, new_client_id(), {"a1": 2, "a2": 3, "a3": 1})
    command(service, sid, facilitator.id, type="open_radar",
            axes=["Compta", "Vente", "Réseau"])
    service.rate_radar(sid, awa, new_client_id(), {"a1": 4})
    view = service.board(sid).to_participant_dict(awa)
    assert view["my_ratings"] == {"a1": 4}
    assert view["my_earlier"][0]["ratings"] == {"a1": 2, "a2": 3, "a3": 1}
    with pytest.raises(Rejected) as refused:
        command(service, sid, facilitator.id, type="open_radar", axes=["seul"])
    assert refused.value.code == "invalid_axes"


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(1, 5), min_size=7, max_size=7), min_size=1, max_size=6))
def test_no_individual_rating_leaves_in_any_export(client, service, facilitator,
                                                   people: list[list[int]]) -> None:
    """Whatever the room answers, the syntheses, the event API and the exported log carry
    the aggregates at most: no participant's ratings, no participant linked to a rating."""
    import json

    from facilitation.usecases import imports

    board = service.create_session(facilitator.id, "Club", "club", "fr")
    sid = board.session_id
    command(service, sid, facilitator.id, type="open_radar")
    axes = [a["id"] for a in service.board(sid).radars[service.board(sid).radar].axes]
    pids = []
    for values in people:
        joined = service.join(board.code)
        pids.append(joined.participant_id)
        assert service.rate_radar(sid, joined.participant_id, new_client_id(),
                                  dict(zip(axes, values, strict=True))).ack["ok"]
    headers = {"Authorization": f"Bearer {facilitator.token}"}
    for fmt in ("md", "html", "csv", "json"):
        body = client.get(f"/api/sessions/{sid}/synthesis.{fmt}", headers=headers)
        assert body.status_code == 200
        assert not any(pid in body.get_data(as_text=True) for pid in pids), fmt
    synthesis = client.get(f"/api/sessions/{sid}/synthesis.json", headers=headers).get_json()
    if len(people) < 3:
        assert synthesis["radar"] is None  # one or two answers would be someone's own
    else:
        assert set(synthesis["radar"]) <= {"id", "axes", "responses", "answers", "median",
                                           "open"}
    wire = client.get(f"/api/sessions/{sid}/events", headers=headers).get_json()["events"]
    rated = [e for e in wire if e["type"] == "radar_rated"]
    assert len(rated) == len(people) and all(set(e["payload"]) == {"radar_id"} for e in rated)
    exported = imports.export_lines(service, sid)
    assert not any(json.loads(line)["type"] == "radar_rated" for line in exported)
    assert "ratings" not in "".join(exported)
