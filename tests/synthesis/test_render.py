"""The synthesis renderers: golden md/csv/json in French and English, reproducibility,
docx structure, PDF text, well-formed and escaped HTML, the programme document.

Regenerate the golden files after an intended change of output:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/synthesis -q -p no:cacheprovider
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from facilitation.domain.board import rebuild
from facilitation.domain.events import (
    ConclusionsSet,
    ContributionAdded,
    DecisionsSet,
    ParticipantJoined,
    PhaseChanged,
    ProfileAnswered,
    ProfileQuestionsSet,
    QuoteMarked,
    Recorded,
    SessionCreated,
    SessionDetailsSet,
    ThemesUpdated,
    VoteCast,
)
from facilitation.synthesis import (
    FORMATS,
    PdfUnavailable,
    UnknownFormat,
    build,
    filename,
    render,
    render_programme,
)
from facilitation.synthesis import words as w
from facilitation.synthesis.formats import media_type

from . import fixtures

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
TEXT_FORMATS = ("md", "csv", "json")


@cache
def pdf_unavailable() -> str | None:
    from facilitation.synthesis import render_pdf

    try:
        render_pdf._weasyprint()
    except PdfUnavailable as error:
        return str(error)
    return None


def needs_pdf() -> None:
    why = pdf_unavailable()
    if why:
        pytest.skip(f"WeasyPrint cannot run here, PDF not tested: {why}")


@cache
def programme():  # noqa: ANN201 - a ProgrammeSynthesis
    return fixtures.programme()


# -- golden files --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_golden(language: str, fmt: str) -> None:
    output = render(fixtures.session(language), fmt)
    path = GOLDEN / f"session-{language}.{fmt}"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(output)
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert output == path.read_bytes(), (
        f"{path.name} differs from the rendering: if the change is intended, "
        "regenerate with UPDATE_GOLDEN=1")


@pytest.mark.parametrize("fmt", [*TEXT_FORMATS, "html"])
def test_byte_identical_across_renders(fmt: str) -> None:
    for synthesis in (fixtures.session("fr"), fixtures.session("en"), fixtures.hostile()):
        assert render(synthesis, fmt) == render(synthesis, fmt)
    assert render_programme(programme(), fmt) == render_programme(programme(), fmt)


def test_docx_is_reproducible() -> None:
    synthesis = fixtures.session("fr")
    assert render(synthesis, "docx") == render(synthesis, "docx")


# -- words ---------------------------------------------------------------------------------


def test_words_dates_and_labels() -> None:
    assert w.long_date("2026-03-12", "fr") == "12 mars 2026"
    assert w.long_date("2026-03-12", "en") == "March 12, 2026"
    assert w.long_date("pas une date", "fr") == "pas une date"
    assert w.actor_type("porteur_de_projet", "fr") == "Porteur·se de projet"
    assert w.actor_type("collectivite", "en") == "Local authority"
    assert w.count(1, "vote", "fr") == "1\u00a0vote"
    assert w.count(0, "contribution", "en") == "0\u00a0contributions"
    assert list(w.WORDS) == ["fr", "en"]
    assert set(w.WORDS["fr"]) == set(w.WORDS["en"])


# -- content, language and order -----------------------------------------------------------


@pytest.mark.parametrize(("language", "headings"), [
    ("fr", ["## Freins", "## Leviers", "## Paroles clés", "## Qui a dit quoi",
            "## Conclusions", "## Décisions et prochaines étapes"]),
    ("en", ["## Blockers", "## Levers", "## Key quotes", "## Who raised what",
            "## Conclusions", "## Decisions and next steps"]),
])
def test_markdown_sections_in_order(language: str, headings: list[str]) -> None:
    synthesis = fixtures.session(language)
    text = render(synthesis, "md").decode()
    positions = [text.index(h + "\n") for h in headings]
    assert positions == sorted(positions)
    date = "12 mars 2026" if language == "fr" else "March 12, 2026"
    for expected in (synthesis.title, synthesis.kind_name, date, synthesis.place,
                     "Awa Diarra", "Grdr Hauts-de-France", *synthesis.prompts):
        assert expected in text
    ranked = [text.index(f"### {n}. {t.label}") for n, t in enumerate(synthesis.blockers, 1)]
    assert ranked == sorted(ranked)
    assert ("Porteur·se de projet" if language == "fr" else "Project holder") in text


def test_markdown_escapes_user_text() -> None:
    text = render(fixtures.hostile(), "md").decode()
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\# pas un titre" in text and "\\[lien\\](http://x)" in text
    assert "\\*gras\\*" in text and "\\&amp;" in text
    assert not any(line.startswith("# ") for line in text.splitlines()[1:])
    assert "التمويل صعب جدا للمشاريع الصغيرة" in text and "💸🌍" in text


def test_csv_rows_are_the_contributions() -> None:
    synthesis = fixtures.hostile()
    data = render(synthesis, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets read UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Type", "Rang du thème", "Thème"]
    cards = [c for t in (*synthesis.blockers, *synthesis.levers) for c in t.cards]
    assert len(body) == len(cards) == synthesis.contributions
    assert [r[4] for r in body] == [c.text for c in cards]  # newlines, quotes kept
    first = body[0]
    assert first[0] == "Frein" and first[2] == synthesis.blockers[0].label
    assert first[7] == fixtures.PROMPTS["fr"][0] and first[8].startswith("2026-03-12T09:")
    english = list(csv.reader(io.StringIO(render(fixtures.session("en"), "csv")
                                          .decode("utf-8-sig"))))
    assert english[0][-2:] == ["Type of actor", "Territory"]
    assert english[1][-2:] == ["Project holder", "Hauts-de-France"]


def test_json_is_to_json() -> None:
    synthesis = fixtures.hostile()
    data = render(synthesis, "json")
    assert json.loads(data) == json.loads(json.dumps(synthesis.to_json()))
    assert "التمويل".encode() in data  # ensure_ascii=False
    assert json.loads(data)["schema"] == 1


# -- html ----------------------------------------------------------------------------------


def parse_html(data: bytes) -> ET.Element:
    """Strict XML parse: every element closed, attributes quoted, no stray markup."""
    return ET.fromstring(data.decode("utf-8").removeprefix("<!DOCTYPE html>"))


def texts(root: ET.Element) -> str:
    return " ".join(" ".join(e.itertext()) for e in root.iter("body"))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_html_is_well_formed(language: str) -> None:
    synthesis = fixtures.session(language)
    root = parse_html(render(synthesis, "html"))
    assert root.get("lang") == language
    h2 = [" ".join(h.itertext()).strip() for h in root.iter("h2")]
    freins, leviers = ("Freins", "Leviers") if language == "fr" else ("Blockers", "Levers")
    assert h2.index(freins) < h2.index(leviers)
    sections = {s.get("class"): s for s in root.iter("section")}
    assert {"blockers", "levers", "quotes", "who", "conclusions", "decisions"} <= set(sections)
    overview = sections["blockers"].find("table")
    assert overview is not None
    rows = overview.findall("./tbody/tr")
    assert [r[1].text for r in rows] == [t.label for t in synthesis.blockers]
    assert [r[2].text for r in rows] == [str(t.votes) for t in synthesis.blockers]
    assert "@page" in (root.find("./head/style").text or "")


def test_html_escapes_hostile_text() -> None:
    synthesis = fixtures.hostile()
    data = render(synthesis, "html")
    root = parse_html(data)
    assert [e.tag for e in root.iter() if e.tag in ("script", "b", "a", "i")] == []
    assert b"<script>" not in data and b"&lt;script&gt;" in data
    items = [" ".join(li.itertext()) for li in root.iter("li")]
    for text in fixtures.HOSTILE_TEXTS:
        expected = " ".join(text.split())
        assert any(expected in " ".join(i.split()) for i in items), text
    arabic = [e for e in root.iter() if (e.text or "").startswith("التمويل صعب")]
    assert arabic and arabic[0].get("dir") == "auto"
    body = texts(root)
    assert "<h1>Titre</h1> & « test »" in body and "O'Brien & Co" in body


# -- docx ----------------------------------------------------------------------------------


def test_docx_structure() -> None:
    import docx

    synthesis = fixtures.session("fr")
    document = docx.Document(io.BytesIO(render(synthesis, "docx")))
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0] == ("Title", synthesis.title)
    level1 = [text for style, text in headings if style == "Heading 1"]
    assert level1 == ["Freins", "Leviers", "Paroles clés", "Qui a dit quoi", "Conclusions",
                      "Décisions et prochaines étapes"]
    level2 = [text for style, text in headings if style == "Heading 2"]
    for n, theme in enumerate(synthesis.blockers, 1):
        assert f"{n}. {theme.label}" in level2
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert any(b.startswith(synthesis.blockers[0].cards[0].text) for b in bullets)
    overview = document.tables[0]
    assert [c.text for c in overview.rows[0].cells] == ["Rang", "Thème", "Votes",
                                                        "Contributions"]
    assert [[c.text for c in r.cells] for r in overview.rows[1:]] == [
        [str(n), t.label, str(t.votes), str(t.size)]
        for n, t in enumerate(synthesis.blockers, 1)]
    decisions = document.tables[-1]
    assert decisions.rows[1].cells[2].text == "30 avril 2026"
    assert document.core_properties.title == synthesis.title
    assert document.core_properties.created == datetime(2026, 3, 12, tzinfo=UTC)


def test_docx_english_and_hostile() -> None:
    import docx

    document = docx.Document(io.BytesIO(render(fixtures.session("en"), "docx")))
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level1[:2] == ["Blockers", "Levers"] and "Decisions and next steps" in level1
    hostile = docx.Document(io.BytesIO(render(fixtures.hostile(), "docx")))
    text = "\n".join(p.text for p in hostile.paragraphs)
    assert "<script>alert('x')</script>" in text and "التمويل" in text


# -- pdf -----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_pdf_contains_every_theme(language: str) -> None:
    needs_pdf()
    synthesis = fixtures.session(language)
    data = render(synthesis, "pdf")
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for theme in (*synthesis.blockers, *synthesis.levers):
        assert theme.label in text, theme.label
    for word in (("Freins", "Leviers", "Conclusions") if language == "fr"
                 else ("Blockers", "Levers", "Conclusions")):
        assert word in text


def test_pdf_unavailable_is_a_clear_error() -> None:
    """Without WeasyPrint: the package imports, PDF says why, the rest works; and the
    renderers stay pure (no web framework, no database)."""
    code = (
        "import sys; sys.modules['weasyprint'] = None\n"
        "import facilitation.synthesis as s\n"
        "from tests.synthesis import fixtures\n"
        "try:\n"
        "    s.render(fixtures.session('fr'), 'pdf')\n"
        "except s.PdfUnavailable as e:\n"
        "    print('unavailable:', e)\n"
        "for f in ('md', 'html', 'docx', 'csv', 'json'): s.render(fixtures.session('fr'), f)\n"
        "print(sorted(m for m in ('flask', 'sqlalchemy', 'flask_socketio') if m in sys.modules))\n"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).parents[2], check=True)
    assert "unavailable: PDF export needs WeasyPrint" in result.stdout
    assert result.stdout.strip().endswith("[]")


# -- formats -------------------------------------------------------------------------------


def test_formats_table() -> None:
    assert set(FORMATS) == {"md", "html", "pdf", "docx", "csv", "json"}
    assert media_type("pdf") == "application/pdf"
    assert media_type("csv").startswith("text/csv")
    assert FORMATS["docx"].extension == "docx"
    with pytest.raises(UnknownFormat):
        render(fixtures.session("fr"), "odt")
    assert filename(fixtures.session("fr"), "md") == (
        "2026-03-12-the-palabre-des-porteur-ses-de-projet.md")
    assert filename(programme(), "pdf") == "programme-mies-hauts-de-france-et-kayes.pdf"


# -- programme -----------------------------------------------------------------------------


def test_programme_markdown() -> None:
    p = programme()
    text = render_programme(p, "md").decode()
    for session in p.sessions:
        assert session["title"] in text
    assert "Hauts-de-France" in text and "Kayes" in text
    order = [text.index(h) for h in ("## Séances", "## Freins", "## Leviers",
                                     "## Ici et là-bas")]
    assert order == sorted(order)
    assert "### Freins propres à Kayes" in text and "Accès au foncier" in text
    assert "Évoqué dans 3\u00a0séances (Hauts-de-France, Kayes)" in text
    assert "| Finance solidaire et microcrédit | Accès au financement |" in text
    assert "Impossible d'obtenir un titre foncier" in text  # an example contribution


def test_programme_every_format() -> None:
    import docx

    p = programme()
    outputs = {fmt: render_programme(p, fmt) for fmt in FORMATS if fmt != "pdf"}
    root = parse_html(outputs["html"])
    assert "here-and-there" in {s.get("class") for s in root.iter("section")}
    rows = list(csv.reader(io.StringIO(outputs["csv"].decode("utf-8-sig"))))
    assert len(rows) - 1 == sum(len(t.mentions) for t in (*p.blockers, *p.levers))
    assert {r[6] for r in rows[1:]} == {"Hauts-de-France", "Kayes"}
    data = json.loads(outputs["json"])
    assert data["comparison"]["here"] == "Hauts-de-France" and len(data["sessions"]) == 3
    document = docx.Document(io.BytesIO(outputs["docx"]))
    level1 = [x.text for x in document.paragraphs if x.style.name == "Heading 1"]
    assert level1 == ["Séances", "Freins", "Leviers", "Ici et là-bas"]
    assert len(document.tables[0].rows) == 1 + len(p.sessions)
    english = replace(p, language="en")
    assert "## Here and there" in render_programme(english, "md").decode()


def test_programme_pdf() -> None:
    needs_pdf()
    p = programme()
    text = pdf_text(render_programme(p, "pdf"))
    for theme in (*p.blockers, *p.levers):
        assert theme.label in text
    assert "Ici et là-bas" in text


def test_programme_without_comparison() -> None:
    p = replace(programme(), comparison=None)
    assert "Ici et là-bas" not in render_programme(p, "md").decode()
    assert "here-and-there" not in render_programme(p, "html").decode()


# -- from a folded board -------------------------------------------------------------------


def test_built_from_a_board_renders() -> None:
    start = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    events = [
        SessionCreated("Club à Kayes", "club", "fr", "ABC234", 1,
                       ({"id": "p1", "text": "Vos difficultés ?"},), programme="MIES"),
        SessionDetailsSet("Kayes", "Centre culturel", "2026-03-12"),
        ProfileQuestionsSet(("actor_type",)),
        ParticipantJoined("a", "Fatou"),
        ProfileAnswered("a", {"actor_type": "structure_ess"}),
        ParticipantJoined("b", None),
        ContributionAdded("c1", "a", "Le crédit coûte cher", "blocker", "p1"),
        ContributionAdded("c2", "b", "Pas de <b>local</b>", "blocker", "p1"),
        ContributionAdded("c3", "b", "Une coopérative d'achat", "lever", "p1"),
        ThemesUpdated(({"id": "t1", "kind": "blocker", "label": "Moyens", "card_ids": ["c1", "c2"],
                        "colour": "#123456"},), 8),
        PhaseChanged("vote", "collect"),
        VoteCast("a", "c1"),
        QuoteMarked("c3"),
        ConclusionsSet("Le crédit d'abord."),
        DecisionsSet(({"text": "Rencontrer la caisse", "owner": "Grdr", "due": "2026-04-01"},)),
        PhaseChanged("closed", "vote"),
    ]
    log = [Recorded("s1", n, e, start + timedelta(seconds=n)) for n, e in enumerate(events, 1)]
    synthesis = build(rebuild("s1", log), ("Awa",))
    text = render(synthesis, "md").decode()
    assert "### 1. Moyens" in text and "Le crédit coûte cher — *Fatou*" in text
    assert "Pas de \\<b\\>local\\</b\\>" in text and "Rencontrer la caisse" in text
    for fmt in FORMATS:
        if fmt != "pdf" or not pdf_unavailable():
            assert render(synthesis, fmt)
