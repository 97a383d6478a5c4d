"""The charts of a programme synthesis: its merged themes across the sessions (votes, and in
how many sessions each came up), and two territories face to face ("here and there"), in
html and pdf (inline SVG) and docx (pictures); left out when there is nothing to draw, and
drawn literally whatever the participants (or the territories' names) say.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from facilitation.synthesis import charts, render_programme, view
from facilitation.synthesis.programme import ProgrammeSynthesis

from . import fixtures
from .test_charts import HOSTILE, SVG, svg_root, svg_texts
from .test_render import needs_pdf, parse_html, pdf_text


def unvoted(p: ProgrammeSynthesis) -> ProgrammeSynthesis:
    def silent(themes):  # noqa: ANN001, ANN202 - programme themes
        return tuple(replace(t, mentions=tuple(replace(m, votes=0) for m in t.mentions))
                     for t in themes)

    return replace(p, blockers=silent(p.blockers), levers=silent(p.levers))


def svg_count(p: ProgrammeSynthesis) -> int:
    return render_programme(p, "html").decode().count("<svg")


def pictures(p: ProgrammeSynthesis) -> list:
    import docx

    return list(docx.Document(io.BytesIO(render_programme(p, "docx"))).inline_shapes)


# -- the builders ----------------------------------------------------------------------------


def test_no_data_no_chart() -> None:
    assert charts.programme_themes([]) is None
    assert charts.programme_themes(
        [{"kind": "blocker", "label": "x", "votes": 0, "sessions": 3}]) is None
    assert charts.here_and_there("Ici", "Là", []) is None
    assert charts.here_and_there("Ici", "Là", [("x", "blocker", 0, 0)]) is None
    assert charts.here_and_there("Ici", "Là", [("x", "quote", 3, 1)]) is None
    p = fixtures.programme()
    assert view.programme_chart(unvoted(p)) is None
    assert view.here_and_there_chart(replace(p, comparison=None)) is None
    assert view.side_rows(replace(p, comparison=None)) == []
    empty = replace(p, blockers=(), levers=(), comparison=replace(
        p.comparison, shared_blockers=(), blockers_only_here=(), blockers_only_there=(),
        shared_levers=(), levers_only_here=(), levers_only_there=()))
    assert view.programme_chart(empty) is None and view.here_and_there_chart(empty) is None


def test_programme_themes_ranked_by_votes_then_sessions() -> None:
    p = fixtures.programme()
    chart = view.programme_chart(p)
    assert isinstance(chart, charts.ProgrammeThemesChart)
    assert chart.title == "Thèmes du programme\u00a0: votes et séances" and chart.note == ""
    themes = {t.label: t for t in (*p.blockers, *p.levers)}
    assert [(b.label, b.votes, b.sessions, b.kind) for b in chart.bars] == sorted(
        ((t.label, t.votes, t.sessions, t.kind) for t in themes.values()),
        key=lambda x: (-x[1], -x[2]))
    assert chart.bars[0].label == "Accès au financement" and chart.bars[0].votes == 33
    assert chart.bars[0].where == "3\u00a0séances"
    assert next(b for b in chart.bars if b.label == "Accès au foncier").where == "1\u00a0séance"
    assert chart.legend == (("blocker", "Freins"), ("lever", "Leviers"))
    assert chart.summary.startswith("Accès au financement (Freins) — 33, 3\u00a0séances; ")
    # equal votes: the theme raised in more sessions first, then the order given
    themes_ = [{"kind": "lever", "label": f"T{n}", "votes": 5 if n < 3 else n,
                "sessions": n % 3 + 1} for n in range(14)]
    chart = charts.programme_themes(themes_, "en")
    assert [b.label for b in chart.bars] == [  # T2 and T5: 5 votes, 3 sessions; T1: 2
        "T13", "T12", "T11", "T10", "T9", "T8", "T7", "T6", "T2", "T5"]
    assert chart.note == "The 10 most voted themes out of 14"
    assert chart.title == "Themes across the programme: votes and sessions"
    ties = charts.programme_themes(themes_[:3], "en")
    assert [(b.label, b.where) for b in ties.bars] == [
        ("T2", "3\u00a0sessions"), ("T1", "2\u00a0sessions"), ("T0", "1\u00a0session")]


def test_here_and_there_rows_side_by_side() -> None:
    p = fixtures.programme()
    chart = view.here_and_there_chart(p)
    assert isinstance(chart, charts.HereThereChart)
    assert chart.title == "Freins et leviers\u00a0: Hauts-de-France et Kayes"
    assert (chart.here, chart.there) == ("Hauts-de-France", "Kayes")
    assert [(r.label, r.kind, r.here, r.there) for r in chart.rows] == [
        ("Accès au financement", "blocker", 6, 3),  # shared: on both sides
        ("Reconnaissance des compétences", "blocker", 4, 2),
        ("Méconnaissance des dispositifs ESS", "blocker", 2, 0),  # only here
        ("Accès au foncier", "blocker", 0, 2),  # only there
        ("Finance solidaire et microcrédit", "lever", 4, 2),
        ("Mentorat par la diaspora", "lever", 2, 1),
        ("Mise en réseau avec les structures ESS", "lever", 4, 0),
    ]
    assert chart.kinds == (("blocker", "Freins"), ("lever", "Leviers")) and chart.note == ""
    assert chart.summary.startswith(
        "Accès au financement (Freins) — Hauts-de-France 6, Kayes 3; ")
    english = view.here_and_there_chart(replace(p, language="en"))
    assert english.title == "Blockers and levers: Hauts-de-France and Kayes"
    assert english.measure == "Bar length: contributions from each territory"


def test_here_and_there_keeps_the_most_raised_of_each_kind_in_their_order() -> None:
    rows = [(f"B{n}", "blocker", n, 1) for n in range(9)] + [("L", "lever", 0, 4)]
    chart = charts.here_and_there("Ici", "Là", rows, "fr", top=6)
    assert [r.label for r in chart.rows] == ["B3", "B4", "B5", "B6", "B7", "B8", "L"]
    assert chart.note == "Les 7 thèmes les plus cités sur 10"
    crowded = view.here_and_there_chart(fixtures.crowded_programme())
    assert sum(r.kind == "blocker" for r in crowded.rows) == charts.specs.TOP_COMPARED
    assert crowded.note.startswith("Les 12 thèmes les plus cités sur ")


# -- the drawings ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_svg_well_formed_with_the_labels(language: str) -> None:
    p = replace(fixtures.programme(), language=language)
    for chart in (view.programme_chart(p), view.here_and_there_chart(p)):
        svg = charts.svg(chart)
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.find(f"{SVG}title").text == chart.title
        assert root.find(f"{SVG}desc").text == chart.summary
        drawn = svg_texts(root)
        assert " ".join(chart.title.split()) in drawn
        for theme in (*p.blockers, *p.levers):
            assert theme.label in drawn, theme.label
        assert charts.svg(chart) == svg  # deterministic
        image = charts.png(chart)
        assert image.startswith(b"\x89PNG") and charts.png(chart) == image
    themes = svg_texts(svg_root(view.programme_chart(p)))
    sessions = "séances" if language == "fr" else "sessions"
    assert f"3 {sessions}" in themes and "33" in themes  # no-break space: split
    sides = svg_texts(svg_root(view.here_and_there_chart(p)))
    assert "◀ Hauts-de-France" in sides and "Kayes ▶" in sides
    assert ("Freins" if language == "fr" else "Blockers") in sides


def test_hostile_labels_and_territories_are_escaped_and_drawn_literally() -> None:
    themes = [{"kind": "blocker" if i % 2 else "lever", "label": label, "votes": 5 - i,
               "sessions": 1} for i, label in enumerate(HOSTILE)]
    rows = [(label, "blocker" if i % 2 else "lever", i + 1, 4 - i)
            for i, label in enumerate(HOSTILE)]
    made = [charts.programme_themes(themes),
            charts.here_and_there(HOSTILE[0], HOSTILE[3], rows)]
    for chart in made:
        svg = charts.svg(chart)
        root = ET.fromstring(svg)
        assert [e.tag for e in root.iter() if e.tag.endswith(("script", "}a", "foreignObject"))
                ] == []
        assert "<script>" not in svg and "&lt;script&gt;" in svg and "Tom &amp; Jerry" in svg
        drawn = "".join("".join(svg_texts(root)).split())
        for label in HOSTILE:
            assert "".join(label.split()) in drawn, (type(chart).__name__, label)
            assert label in root.find(f"{SVG}desc").text
        assert charts.png(chart).startswith(b"\x89PNG")  # "$x^2$": no mathtext error
    crowded = fixtures.crowded_programme()
    data = render_programme(crowded, "html")
    root = parse_html(data)
    assert [e.tag for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "b", "em",
                                                                       "i", "a")] == []
    assert data.decode().count("<svg") == 2
    title = view.here_and_there_chart(crowded).title
    assert fixtures.HERE_LONG in title and fixtures.THERE_LONG in title


# -- in the documents --------------------------------------------------------------------------


def figures(data: bytes) -> dict[str, ET.Element]:
    return {f.get("class").split()[1]: f for f in parse_html(data).iter("figure")
            if "chart" in (f.get("class") or "").split()}


def test_html_has_the_programme_charts_where_they_belong() -> None:
    p = fixtures.programme()
    data = render_programme(p, "html")
    body = data.decode()
    assert body.count("<svg") == 2 and "<?xml" not in body
    found = figures(data)
    assert set(found) == {"themes", "territories"}
    assert all(f.find(f"{SVG}svg") is not None for f in found.values())
    assert (body.index('<section class="sessions">') < body.index('class="chart themes"')
            < body.index('<section class="blockers">'))
    section = next(s for s in parse_html(data).iter("section")
                   if s.get("class") == "here-and-there")
    assert section.find("figure") is not None
    assert body.index('class="chart territories"') < body.index("Freins partagés")
    ids = [e.get("id") for e in parse_html(data).iter() if e.get("id")]
    assert len(ids) == len(set(ids))  # two charts, one page: no id twice


def test_html_leaves_out_the_charts_without_data() -> None:
    p = fixtures.programme()
    plain = replace(p, comparison=None)
    assert svg_count(plain) == 1 and set(figures(render_programme(plain, "html"))) == {"themes"}
    assert svg_count(unvoted(p)) == 1  # only "here and there": counts contributions
    assert svg_count(unvoted(plain)) == 0


def test_docx_has_the_programme_charts_as_pictures() -> None:
    import docx

    p = replace(fixtures.programme(), language="en")
    shapes = pictures(p)
    assert len(shapes) == 2
    assert all(abs(shape.width.cm - 15) < 0.01 for shape in shapes)
    descriptions = [shape._inline.docPr.get("descr") for shape in shapes]
    assert descriptions[0].startswith("Themes across the programme: votes and sessions. "
                                      "Accès au financement (Blockers) — 33, 3\u00a0sessions")
    assert descriptions[1].startswith("Blockers and levers: Hauts-de-France and Kayes. ")
    assert len(pictures(replace(p, comparison=None))) == 1
    assert pictures(unvoted(replace(p, comparison=None))) == []
    document = docx.Document(io.BytesIO(render_programme(p, "docx")))
    level1 = [x.text for x in document.paragraphs if x.style.name == "Heading 1"]
    assert level1 == ["Sessions", "Blockers", "Levers", "Here and there"]
    assert render_programme(p, "docx") == render_programme(p, "docx")
    assert len(pictures(fixtures.crowded_programme())) == 2


def test_text_formats_have_no_chart() -> None:
    p = fixtures.programme()
    for fmt in ("md", "csv", "json"):
        text = render_programme(p, fmt).decode("utf-8-sig")
        assert "Thèmes du programme" not in text and "Longueur des barres" not in text


def test_pdf_shows_the_programme_charts() -> None:
    needs_pdf()
    text = "".join(pdf_text(render_programme(fixtures.programme(), "pdf")).split())
    assert "Thèmesduprogramme" in text  # only drawn in the charts
    assert "Freinsetleviers:Hauts-de-FranceetKayes" in text.replace("\u00a0", "")
    assert "Longueurdesbarres" in text
    plain = "".join(pdf_text(render_programme(
        replace(fixtures.programme(), comparison=None), "pdf")).split())
    assert "Thèmesduprogramme" in plain and "Longueurdesbarres" not in plain
