"""A club meeting's synthesis shows where the club's projects stand: projects per stage
(chart in html, pdf and docx), one row per member, the projects updated at this meeting
marked. Built with the real use cases (clubs, members, meetings, project updates)."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest

from facilitation.synthesis import render
from facilitation.synthesis.club import club_section
from facilitation.usecases import exports
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id
from ..usecases.test_exports import meeting
from . import fixtures
from .test_render import needs_pdf

STAGES = {"idea": 0, "creation": 1, "launch": 1, "development": 0, "none": 1}


@pytest.fixture
def clubs(app: Any) -> Any:
    return app.extensions["clubs"]


def run(service: Any, sid: str, facilitator: Any, **data: Any) -> dict[str, Any]:
    return FacilitatorCommands(service).run(sid, facilitator.id, data).ack


@pytest.fixture
def club_meetings(clubs: Any, service: Any, facilitator: Any) -> dict[str, Any]:
    """Three members, two closed meetings: Awa and Fatou's projects updated at the first,
    Awa and Moussa's at the second (where all three rate the radar), then Fatou's from
    her phone between meetings."""
    club = clubs.create(facilitator.id, "Club entreprendre Roubaix")
    awa, awa_link = clubs.add_member(club.id, facilitator.id, "Awa")
    moussa, moussa_link = clubs.add_member(club.id, facilitator.id, "Moussa")
    fatou, fatou_link = clubs.add_member(club.id, facilitator.id, "Fatou")

    def update(member: str, changes: dict[str, Any], sid: str) -> None:
        assert clubs.update_project(club.id, member, changes, facilitator_id=facilitator.id,
                                    session_id=sid)

    first = clubs.open_meeting(club.id, facilitator.id, "Rencontre d’octobre").session_id
    update(awa, {"project": "Épicerie solidaire", "stage": "idea"}, first)
    update(fatou, {"project": "Traiteur sénégalais"}, first)
    run(service, first, facilitator, type="change_phase", phase="closed")

    second = clubs.open_meeting(club.id, facilitator.id, "Rencontre de novembre").session_id
    run(service, second, facilitator, type="open_radar")
    for link in (awa_link, moussa_link, fatou_link):
        joined = clubs.join_meeting(clubs.member_by_link(link))
        assert service.rate_radar(second, joined.participant_id, new_client_id(),
                                  {"finance": 2, "network": 4, "digital": 3}).ack["ok"]
    update(awa, {"stage": "creation",
                 "next_steps": [{"text": "Voir la banque", "due": "2026-12-10",
                                 "helper": moussa}, {"text": "Trouver un local"}]}, second)
    update(moussa, {"project": "Garage associatif", "stage": "launch"}, second)
    run(service, second, facilitator, type="set_conclusions", text="Une bonne rencontre.")
    run(service, second, facilitator, type="change_phase", phase="closed")
    # between meetings, from her own link: not part of the second meeting's document
    assert clubs.update_project(club.id, fatou, {"stage": "idea"}, by_member=True)
    return {"club": club.id, "first": first, "second": second}


def synthesis(service: Any, facilitator: Any, sid: str, clubs: Any = None) -> Any:
    return exports.session_synthesis(service, sid, facilitator.id, clubs)


def club_html(html: str) -> str:
    found = re.search(r'<section class="club">.*?</section>', html, re.S)
    assert found, "no club section in the html"
    return found.group(0)


def test_the_second_meetings_synthesis_shows_the_clubs_projects(
        club_meetings, clubs, service, facilitator) -> None:
    s = synthesis(service, facilitator, club_meetings["second"], clubs)
    section = s.club
    assert section is not None and section.name == "Club entreprendre Roubaix"
    assert section.stages == STAGES  # Fatou's stage came after the meeting closed
    rows = {p.member: p for p in section.projects}
    assert list(rows) == ["Awa", "Moussa", "Fatou"]  # in the order they joined
    assert {name for name, p in rows.items() if p.updated_here} == {"Awa", "Moussa"}
    assert rows["Awa"].changes_here == ("stage", "next_steps")
    assert rows["Moussa"].changes_here == ("project", "stage")
    assert rows["Fatou"].changes_here == () and rows["Fatou"].stage is None
    assert [(st.text, st.due, st.helper) for st in rows["Awa"].next_steps] == [
        ("Voir la banque", "2026-12-10", "Moussa"), ("Trouver un local", None, None)]
    # the app's instance or a fresh one over the service: the same section
    assert synthesis(service, facilitator, club_meetings["second"]) == s

    html = render(s, "html").decode()
    ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html))  # still well-formed
    part = club_html(html)
    assert "<h2>Projets du club</h2>" in part
    assert part.count("<svg") == 1 and "Projets par étape" in part
    assert part.count('class="badge updated"') == 2
    assert part.count('<tr class="updated">') == 2
    assert "avec l’aide de Moussa" in part and "10 décembre 2026" in part
    # after the levers and the radar, before the conclusions
    order = [html.index(x) for x in ('<section class="levers">', '<section class="radar">',
                                     '<section class="club">',
                                     '<section class="conclusions">')]
    assert order == sorted(order)

    md = render(s, "md").decode()
    assert md.index("## Radar des compétences") < md.index("## Projets du club") \
        < md.index("## Conclusions")
    assert "| Membre | Projet | Étape | Prochaines étapes |" in md
    assert "| Awa — *mis à jour ce jour : étape, prochaines étapes* | Épicerie solidaire " \
           "| Création | Voir la banque (pour le 10 décembre 2026, avec l’aide de Moussa) " \
           "· Trouver un local |" in md
    assert "| Fatou | Traiteur sénégalais | *pas encore dite* |  |" in md
    assert md.count("mis à jour ce jour :") == 2

    data = json.loads(render(s, "json"))
    assert data["club"]["stages"] == STAGES
    assert [p["updated_here"] for p in data["club"]["projects"]] == [True, True, False]
    # members' personal data stays minimal: pseudonym and project fields only
    assert set(data["club"]) == {"name", "stages", "projects"}
    assert {key for p in data["club"]["projects"] for key in p} == {
        "member", "project", "stage", "next_steps", "updated_here", "changes_here"}
    text = json.dumps(data)
    assert "hash" not in text and "/m/" not in text

    from docx import Document

    doc = Document(io.BytesIO(render(s, "docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("Projets du club") < headings.index("Conclusions")
    pictures = [shape._inline.docPr.get("descr") for shape in doc.inline_shapes]
    assert any(d.startswith("Projets par étape.") for d in pictures)
    assert all(shape.width.cm == pytest.approx(15) for shape in doc.inline_shapes)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Membre")
    assert [r.cells[0].text.split("\n")[0] for r in table.rows[1:]] == ["Awa", "Moussa", "Fatou"]
    assert [("mis à jour ce jour" in r.cells[0].text) for r in table.rows[1:]] == [
        True, True, False]

    assert b"Projets du club" not in render(s, "csv")  # the csv keeps the contributions


def test_each_meeting_keeps_its_own_picture(club_meetings, clubs, service,
                                            facilitator) -> None:
    """An old meeting's document does not change with later updates; an open meeting's
    shows the projects as they are now."""
    first = synthesis(service, facilitator, club_meetings["first"], clubs).club
    assert first is not None
    assert first.stages == {"idea": 1, "creation": 0, "launch": 0, "development": 0,
                            "none": 2}
    assert [(p.member, p.updated_here) for p in first.projects] == [
        ("Awa", True), ("Moussa", False), ("Fatou", True)]
    assert [p.project for p in first.projects] == ["Épicerie solidaire", "",
                                                  "Traiteur sénégalais"]
    third = clubs.open_meeting(club_meetings["club"], facilitator.id, "Décembre").session_id
    now = synthesis(service, facilitator, third, clubs).club
    assert now.stages == {"idea": 1, "creation": 1, "launch": 1, "development": 0, "none": 0}
    assert not any(p.updated_here for p in now.projects)
    assert "aucun mis à jour ce jour" in render(synthesis(service, facilitator, third),
                                                "md").decode()
    # a programme merges the meetings' themes and leaves the projects out
    programme = exports.programme_synthesis(service, facilitator.id,
                                            "Club entreprendre Roubaix", "lexical")
    assert len(programme.sessions) == 3


def test_a_session_that_is_no_club_meeting_has_no_club_section(service,
                                                               facilitator) -> None:
    sid = meeting(service, facilitator, "Palabre Kayes", "Kayes")
    s = synthesis(service, facilitator, sid)
    assert s.club is None
    assert json.loads(render(s, "json"))["club"] is None
    html, md = render(s, "html").decode(), render(s, "md").decode()
    assert 'class="club"' not in html and "Projets du club" not in md
    assert html.count("<svg") == 2  # the questions' and the votes' charts, as before


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_section_in_both_languages(language: str) -> None:
    s = fixtures.club_meeting(language)
    md = render(s, "md").decode()
    html = render(s, "html").decode()
    words = {"fr": ("## Projets du club", "mis à jour ce jour",
                    "Hors graphique : 1\u00a0projet",
                    "Idée 1 · Création 2 · Démarrage 1 · Développement 0", "avec l’aide d’Awa"),
             "en": ("## Club projects", "updated at this meeting",
                    "Not in the chart: 1\u00a0project",
                    "Idea 1 · Creation 2 · Launch 1 · Development 0", "helped by Awa")}
    for expected in words[language]:
        assert expected in md, expected
    assert club_html(html).count("<svg") == 1
    assert render(s, "html") == render(s, "html")  # reproducible, chart included


def test_member_text_is_escaped_in_the_section() -> None:
    s = fixtures.club_meeting("fr")
    evil = "<b>Awa</b> | *x* [l](http://x)"
    project = replace(s.club.projects[0], member=evil, project="<script>alert(1)</script>")
    s = replace(s, club=replace(s.club, projects=(project, *s.club.projects[1:])))
    md = render(s, "md").decode()
    assert "<b>" not in md and "<script>" not in md and "\\<b\\>Awa\\</b\\> \\| \\*x\\*" in md
    html = render(s, "html").decode()
    assert "<script>alert" not in html and "&lt;b&gt;Awa&lt;/b&gt;" in html
    ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html))


def test_no_chart_when_no_project_has_a_stage() -> None:
    s = fixtures.club_meeting("fr")
    bare = replace(s.club, stages={"idea": 0, "creation": 0, "launch": 0, "development": 0,
                                   "none": 5},
                   projects=tuple(replace(p, stage=None) for p in s.club.projects))
    html = render(replace(s, club=bare), "html").decode()
    assert "<svg" not in club_html(html) and "Hors graphique" not in html
    assert "Projets par étape" not in render(replace(s, club=bare), "md").decode()


def test_the_club_section_in_the_pdf() -> None:
    needs_pdf()
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render(fixtures.club_meeting("fr"), "pdf")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Projets du club", "Projets par étape", "MIS À JOUR CE JOUR",
                     "Épicerie solidaire de quartier"):
        assert expected in text, expected


def test_club_section_is_pure(club_meetings, clubs) -> None:
    state = clubs.club(club_meetings["club"])
    section = club_section(state, club_meetings["second"], "fr")
    assert section == club_section(state, club_meetings["second"], "en")  # keys, no words
    assert section.updated == 2
