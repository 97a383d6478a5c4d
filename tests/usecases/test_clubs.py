"""Clubs entreprendre: members' personal links, project follow-up as events, a member's
timeline over three meetings, and their radar carried from one meeting to the next."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

from facilitation.domain.club import timeline
from facilitation.domain.errors import Rejected
from facilitation.synthesis.render_timeline import render
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id


@pytest.fixture
def clubs(app: Any) -> Any:
    return app.extensions["clubs"]


def login(client: Any, facilitator: Any) -> None:
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})


def run(service: Any, sid: str, facilitator: Any, **data: Any) -> dict[str, Any]:
    return FacilitatorCommands(service).run(sid, facilitator.id, data).ack


def test_members_links_and_projects_are_events(clubs, service, facilitator,
                                               other_facilitator) -> None:
    club = clubs.create(facilitator.id, "Club entreprendre Lille-Sud")
    awa, awa_link = clubs.add_member(club.id, facilitator.id, "Awa")
    moussa, _ = clubs.add_member(club.id, facilitator.id, "Moussa")
    assert clubs.member_by_link(awa_link).member_id == awa
    # only a hash of the link is kept, in the log and in the index
    log_text = json.dumps([e.to_record() for e in service.events_after(club.id, 0)])
    assert awa_link not in log_text
    clubs.update_project(club.id, awa, {"project": "Épicerie solidaire", "stage": "idea",
                                        "next_steps": [{"text": "Voir la banque",
                                                        "due": "2026-12-10",
                                                        "helper": moussa}]},
                         facilitator_id=facilitator.id)
    # unchanged fields are not recorded again; the member can update from their link
    assert clubs.update_project(club.id, awa, {"stage": "idea"},
                                facilitator_id=facilitator.id) == []
    clubs.update_project(club.id, awa, {"stage": "creation", "difficulties": "le local"},
                         by_member=True)
    state = clubs.club(club.id)
    project = state.members[awa].project
    assert (project.stage, project.difficulties) == ("creation", "le local")
    assert [c.by_member for c in state.members[awa].history] == [False, True]
    assert clubs.view(club.id)["stages"]["creation"] == [awa]
    # a re-issued link replaces the old one
    new_link = clubs.reissue_link(club.id, facilitator.id, awa)
    with pytest.raises(Rejected):
        clubs.member_by_link(awa_link)
    assert clubs.member_by_link(new_link).member_id == awa
    # bad input is refused and changes nothing
    for changes in ({"stage": "rocket"}, {"colour": "red"},
                    {"next_steps": [{"text": "x", "helper": "nobody"}]},
                    {"next_steps": [{"text": "x", "due": "demain"}]}):
        with pytest.raises(Rejected):
            clubs.update_project(club.id, awa, changes, facilitator_id=facilitator.id)
    assert clubs.club(club.id).members[awa].project.stage == "creation"
    # another facilitator sees no such club
    with pytest.raises(Rejected) as refused:
        clubs.update_project(club.id, awa, {"stage": "launch"},
                             facilitator_id=other_facilitator.id)
    assert refused.value.code == "unknown_club"


def _meeting_with_radar(clubs: Any, service: Any, facilitator: Any, club_id: str,
                        title: str, member_links: dict[str, str],
                        ratings: dict[str, dict[str, int]], project: dict[str, Any]) -> str:
    board = clubs.open_meeting(club_id, facilitator.id, title)
    sid = board.session_id
    run(service, sid, facilitator, type="open_radar")
    for name, link in member_links.items():
        access = clubs.member_by_link(link)
        joined = clubs.join_meeting(access)
        assert service.rate_radar(sid, joined.participant_id, new_client_id(),
                                  ratings[name]).ack["ok"]
        if name in project:
            clubs.update_project(club_id, access.member_id, project[name],
                                 facilitator_id=facilitator.id, session_id=sid)
    run(service, sid, facilitator, type="change_phase", phase="closed")
    return sid


def test_a_members_timeline_over_three_meetings(clubs, service, facilitator) -> None:
    club = clubs.create(facilitator.id, "Club Kayes")
    awa, awa_link = clubs.add_member(club.id, facilitator.id, "Awa")
    _, fatou_link = clubs.add_member(club.id, facilitator.id, "Fatou")
    links = {"Awa": awa_link, "Fatou": fatou_link}
    stages = ["idea", "creation", "launch"]
    for month, stage in enumerate(stages, start=1):
        _meeting_with_radar(
            clubs, service, facilitator, club.id, f"Rencontre {month}", links,
            {"Awa": {"finance": month, "network": month + 1, "digital": 2},
             "Fatou": {"finance": 5, "network": 4, "digital": 3}},
            {"Awa": {"stage": stage, "next_steps": [{"text": f"étape {month}"}]}})
    state = clubs.club(club.id)
    meetings = clubs.meetings(club.id)
    tl = timeline.build(state, state.members[awa], meetings)
    assert [s.meeting for s in tl.steps] == ["Rencontre 1", "Rencontre 2", "Rencontre 3"]
    assert [s.changes["stage"] for s in tl.steps] == stages
    assert [r.ratings["finance"] for r in tl.radars] == [1, 2, 3]  # hers, oldest first
    assert all(r.ratings.get("finance") != 5 for r in tl.radars)  # never Fatou's
    assert tl.project["stage"] == "launch"
    md = render(tl, "md").decode()
    for expected in ("Awa", "Rencontre 1", "Rencontre 3", "Démarrage", "étape 3"):
        assert expected in md
    rows = render(tl, "csv").decode().splitlines()
    assert rows[0] == "date,meeting,by,field,value" and len(rows) > 6
    data = json.loads(render(tl, "json"))
    assert data["member"] == "Awa" and len(data["steps"]) == 3 and len(data["radars"]) == 3
    html = render(tl, "html").decode()
    assert "Rencontre 2" in html and "<script" not in html
    assert html.count("<svg") == 1  # her radars drawn (her own document)
    from docx import Document

    doc = Document(io.BytesIO(render(tl, "docx")))
    assert any("Rencontre 3" in p.text for p in doc.paragraphs)
    assert len(doc.inline_shapes) == 1  # the same chart, as a picture


def test_radar_follows_the_member_to_the_next_meeting(clubs, service, facilitator,
                                                      phone) -> None:
    club = clubs.create(facilitator.id, "Club Lille")
    _, link = clubs.add_member(club.id, facilitator.id, "Awa")
    _meeting_with_radar(clubs, service, facilitator, club.id, "Octobre", {"Awa": link},
                        {"Awa": {"finance": 2, "network": 3, "digital": 1}}, {})
    second = clubs.open_meeting(club.id, facilitator.id, "Novembre")
    run(service, second.session_id, facilitator, type="open_radar")
    joined = clubs.join_meeting(clubs.member_by_link(link))
    handset = phone(second.code, participant_token=joined.token)
    view = handset.ack["session"]
    assert view["my_earlier"][0]["ratings"] == {"finance": 2, "network": 3, "digital": 1}
    assert view["my_earlier"][0]["title"] == "Octobre"
    # an anonymous phone in the same meeting sees no one's earlier radar
    stranger = phone(second.code)
    assert stranger.ack["session"].get("my_earlier") == []


def test_member_page_and_join_by_http(client, app, clubs, service, facilitator) -> None:
    login(client, facilitator)
    created = client.post("/clubs", data={"name": "Club <b>Sud</b>", "language": "fr"})
    club_id = created.headers["Location"].rsplit("/", 1)[-1]
    page = client.post(f"/clubs/{club_id}/members", data={"name": "Awa"})
    assert page.status_code == 200
    link = re.search(r'value="(https?://[^"]+/m/[^"]+)"', page.get_data(as_text=True)).group(1)
    token = link.rsplit("/", 1)[-1]
    member_page = client.get(f"/m/{token}")
    body = member_page.get_data(as_text=True)
    assert member_page.status_code == 200 and "Awa" in body and "<b>Sud</b>" not in body
    assert member_page.headers["Referrer-Policy"] == "no-referrer"
    saved = client.post(f"/m/{token}/project", data={
        "project": "Couture", "stage": "launch", "strengths": "", "difficulties": "",
        "step_text": ["Trouver un local", "", ""], "step_due": ["2026-12-01", "", ""],
        "step_helper": ["", "", ""]})
    assert saved.status_code == 302
    club = clubs.club(club_id)
    member = next(iter(club.members.values()))
    assert member.project.stage == "launch"
    assert member.project.next_steps == [{"text": "Trouver un local", "due": "2026-12-01"}]
    # no meeting open: a clear message, nothing lost
    refused = client.post(f"/m/{token}/join", follow_redirects=True)
    assert "Aucune réunion" in refused.get_data(as_text=True) or \
        "No club meeting" in refused.get_data(as_text=True)
    opened = client.post(f"/clubs/{club_id}/meetings", data={"title": "Décembre"})
    assert opened.status_code == 302
    joined = client.post(f"/m/{token}/join")
    assert joined.status_code == 302 and "#t=" in joined.headers["Location"]
    meeting = clubs.current_meeting(club_id)
    members = [p.member_id for p in meeting.participants.values()]
    assert members == [member.id]
    assert client.get("/m/not-a-real-link").status_code == 404
    for fmt in ("md", "html", "docx", "csv", "json"):
        response = client.get(f"/m/{token}/timeline.{fmt}")
        assert response.status_code == 200, fmt
    board = client.get(f"/clubs/{club_id}/board")
    assert board.status_code == 200 and "Couture" in board.get_data(as_text=True)


def test_club_pages_are_the_facilitators_only(client, clubs, facilitator,
                                              other_facilitator) -> None:
    club = clubs.create(facilitator.id, "Club privé")
    assert client.get(f"/clubs/{club.id}").status_code in (302, 401)  # login first
    login(client, other_facilitator)
    assert client.get(f"/clubs/{club.id}").status_code == 404
    assert client.get(f"/clubs/{club.id}/board").status_code == 404


def test_forms_keep_every_step_and_radars_stay_the_members(client, app, clubs, service,
                                                           facilitator) -> None:
    club = clubs.create(facilitator.id, "Club Nord")
    awa, link = clubs.add_member(club.id, facilitator.id, "Awa")
    steps = [{"text": f"étape {n}"} for n in range(1, 6)]
    clubs.update_project(club.id, awa, {"next_steps": steps}, facilitator_id=facilitator.id)
    page = client.get(f"/m/{link}").get_data(as_text=True)
    assert page.count('name="step_text"') == 6  # the five steps and one empty row
    form = {"stage": "idea", "step_text": [s["text"] for s in steps] + [""],
            "step_due": [""] * 6, "step_helper": [""] * 6}
    client.post(f"/m/{link}/project", data=form)
    assert len(clubs.club(club.id).members[awa].project.next_steps) == 5
    _meeting_with_radar(clubs, service, facilitator, club.id, "Rencontre", {"Awa": link},
                        {"Awa": {"finance": 2, "network": 4, "digital": 1}}, {})
    own = client.get(f"/m/{link}/timeline.json").get_json()
    assert own["radars"][0]["ratings"] == {"finance": 2, "network": 4, "digital": 1}
    login(client, facilitator)
    theirs = client.get(f"/clubs/{club.id}/members/{awa}/timeline.json").get_json()
    assert theirs["radars"] == []  # one person's ratings are theirs
    bad = client.post(f"/clubs/{club.id}/members/{awa}/project",
                      json={"changes": {"next_steps": [{"text": "x", "helper": ["a"]}]},
                            "session_id": ["x"]})
    assert bad.status_code == 400
