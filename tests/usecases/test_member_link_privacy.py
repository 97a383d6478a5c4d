"""Issue 12 · 7: a re-issued personal link cannot read the member's earlier private ratings.

The club's owner creates the links; before, re-issuing a member's link and opening it gave
the owner that member's radars of every earlier meeting (phone view and own timeline)."""

from __future__ import annotations

from typing import Any

import pytest

from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id


@pytest.fixture
def clubs(app: Any) -> Any:
    return app.extensions["clubs"]


def run(service: Any, sid: str, facilitator: Any, **data: Any) -> dict[str, Any]:
    return FacilitatorCommands(service).run(sid, facilitator.id, data).ack


def _rate_in_a_meeting(clubs: Any, service: Any, facilitator: Any, club_id: str, title: str,
                       link: str, ratings: dict[str, int]) -> str:
    board = clubs.open_meeting(club_id, facilitator.id, title)
    run(service, board.session_id, facilitator, type="open_radar")
    joined = clubs.join_meeting(clubs.member_by_link(link))
    assert service.rate_radar(board.session_id, joined.participant_id, new_client_id(),
                              ratings).ack["ok"]
    run(service, board.session_id, facilitator, type="change_phase", phase="closed")
    return board.session_id


def test_a_reissued_link_reads_none_of_the_earlier_links_ratings(client, clubs, service,
                                                                 facilitator, phone) -> None:
    club = clubs.create(facilitator.id, "Club Lille")
    awa, link = clubs.add_member(club.id, facilitator.id, "Awa")
    _rate_in_a_meeting(clubs, service, facilitator, club.id, "Octobre", link,
                       {"finance": 2, "network": 3, "digital": 1})
    # the member's own link still sees her earlier radar in the next meeting
    second = clubs.open_meeting(club.id, facilitator.id, "Novembre")
    run(service, second.session_id, facilitator, type="open_radar")
    hers = clubs.join_meeting(clubs.member_by_link(link))
    view = phone(second.code, participant_token=hers.token).ack["session"]
    assert view["my_earlier"][0]["ratings"] == {"finance": 2, "network": 3, "digital": 1}
    own = client.get(f"/m/{link}/timeline.json").get_json()
    assert [r["ratings"]["finance"] for r in own["radars"]] == [2]

    # the owner re-issues the link and opens it: the earlier ratings stay out of reach
    new_link = clubs.reissue_link(club.id, facilitator.id, awa)
    taken = clubs.join_meeting(clubs.member_by_link(new_link))
    assert taken.participant_id != hers.participant_id
    view = phone(second.code, participant_token=taken.token).ack["session"]
    assert view["my_earlier"] == [] and view["my_ratings"] == {}
    timeline = client.get(f"/m/{new_link}/timeline.json")
    assert timeline.status_code == 200 and timeline.get_json()["radars"] == []
    assert "radar:" not in client.get(f"/m/{new_link}/timeline.csv").get_data(as_text=True)
    # what the new link rates from now on is its own, and the old phone does not see it
    service.rate_radar(second.session_id, taken.participant_id, new_client_id(),
                       {"finance": 4})
    run(service, second.session_id, facilitator, type="change_phase", phase="closed")
    third = clubs.open_meeting(club.id, facilitator.id, "Décembre")
    run(service, third.session_id, facilitator, type="open_radar")
    again = clubs.join_meeting(clubs.member_by_link(new_link))
    view = phone(third.code, participant_token=again.token).ack["session"]
    assert [e["ratings"] for e in view["my_earlier"]] == [{"finance": 4}]
    assert [r["ratings"] for r in client.get(f"/m/{new_link}/timeline.json")
            .get_json()["radars"]] == [{"finance": 4}]
