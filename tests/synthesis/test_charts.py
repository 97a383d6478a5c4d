"""The charts: one spec, one renderer, the same drawing as SVG (html, pdf) and PNG (docx).

Stories: a session's votes, its blockers and levers per question, the room's radar (never
one person's ratings) and a club's projects by stage, drawn deterministically and safely
whatever the participants wrote; then the charts in the synthesis documents.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from facilitation.domain.board import rebuild
from facilitation.domain.events import (
    ContributionAdded,
    ParticipantJoined,
    RadarClosed,
    RadarOpened,
    RadarRated,
    Recorded,
    SessionCreated,
)
from facilitation.synthesis import build, charts, render, view
from facilitation.synthesis.model import RadarSummary

from . import fixtures
from .test_render import needs_pdf, parse_html, pdf_text

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).parents[2]
STAGES = {"idee": "Idée", "creation": "Création", "demarrage": "Démarrage",
          "developpement": "Développement"}
HOSTILE = ["<script>alert('x')</script>", "Tom & Jerry", "\"dit\" l'autre", "$x^2$ coûte $5"]


def example_charts(language: str = "fr") -> dict[str, charts.Chart]:
    s = fixtures.with_radar(language)
    made = {
        "themes": charts.themes_by_votes((*s.blockers, *s.levers), language),
        "kinds": charts.kinds_per_prompt(view.prompt_counts(s), language),
        "radar": view.radar_chart(s),
        "stages": charts.projects_by_stage({"idee": 4, "creation": 6, "demarrage": 2},
                                           STAGES, language),
    }
    assert all(made.values())
    return made  # type: ignore[return-value]


def svg_root(chart: charts.Chart, **options: bool) -> ET.Element:
    return ET.fromstring(charts.svg(chart, **options))


def svg_texts(root: ET.Element) -> list[str]:
    """The visible strings of an SVG: one per <text> (a wrapped label gives several)."""
    return [" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text")]


# -- every chart, both outputs ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["themes", "kinds", "radar", "stages"])
def test_each_chart_renders_to_svg_and_png_the_same_way_twice(name: str) -> None:
    chart = example_charts()[name]
    svg = charts.svg(chart)
    root = ET.fromstring(svg)  # well-formed XML, ready to sit inside the HTML page
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert not svg.lstrip().startswith(("<?xml", "<!DOCTYPE"))
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.summary
    assert " ".join(chart.title.split()) in svg_texts(root)  # text stays text (fonttype none)
    assert charts.svg(chart) == svg  # deterministic: no date, fixed hash salt
    image = charts.png(chart)
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and charts.png(chart) == image
    assert charts.render(chart, "svg") == svg.encode() and charts.render(chart, "png") == image
    with pytest.raises(ValueError):
        charts.render(chart, "gif")


def test_the_labels_are_text_in_the_svg() -> None:
    made = example_charts("en")
    s = fixtures.with_radar("en")
    themes = " ".join(svg_texts(svg_root(made["themes"])))
    for theme in (*s.blockers, *s.levers):
        assert theme.label in themes
    assert "Blockers" in themes and "Levers" in themes
    kinds = " ".join(svg_texts(svg_root(made["kinds"])))
    assert all(prompt in kinds for prompt in s.prompts)
    radar = " ".join(svg_texts(svg_root(made["radar"])))
    for axis in s.radar.axes:  # wrapped over lines: compare the words
        assert set(axis.label.split()) <= set(radar.split()), axis.label
    assert "Median of the room" in radar and "1 = not yet · 5 = very much" in radar
    stages = svg_texts(svg_root(charts.projects_by_stage({"idee": 1}, STAGES)))
    assert [t for t in stages if t in STAGES.values()] == list(STAGES.values())


def test_an_untitled_chart_keeps_its_title_for_screen_readers_only() -> None:
    chart = example_charts()["radar"]
    root = svg_root(chart, titled=False)
    assert " ".join(chart.title.split()) not in svg_texts(root)
    assert root.find(f"{SVG}title").text == chart.title
    titled, untitled = (float(svg_root(chart, titled=t).get("height").removesuffix("pt"))
                        for t in (True, False))
    assert untitled < titled


def test_the_same_svg_in_another_process() -> None:
    """Byte-identical across processes, whatever the hash seed (reproducible exports)."""
    code = ("from tests.synthesis.test_charts import example_charts\n"
            "from facilitation.synthesis import charts\n"
            "import sys; sys.stdout.write(charts.svg(example_charts()['themes']))\n")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=ROOT, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1 and outputs == {charts.svg(example_charts()["themes"])}


# -- hostile text ----------------------------------------------------------------------------


def test_hostile_labels_are_escaped_and_drawn_literally() -> None:
    themes = [{"kind": "blocker", "label": label, "votes": 5 - i}
              for i, label in enumerate(HOSTILE)]
    rows = [(label, 1, 2) for label in HOSTILE]
    axes = [{"id": f"a{i}", "label": label} for i, label in enumerate(HOSTILE)]
    middle = {a["id"]: 3.0 for a in axes}
    made = [charts.themes_by_votes(themes), charts.kinds_per_prompt(rows),
            charts.radar(axes, middle, middle, middle, responses=5),
            charts.projects_by_stage({"a": 1}, {"a": HOSTILE[0], "b": HOSTILE[3]})]
    for chart in made:
        svg = charts.svg(chart)
        root = ET.fromstring(svg)
        assert [e.tag for e in root.iter() if e.tag.endswith(("script", "}a", "foreignObject"))
                ] == []
        assert "<script>" not in svg and "&lt;script&gt;" in svg
        drawn = "".join("".join(svg_texts(root)).split())  # labels may be wrapped
        shown = HOSTILE if not isinstance(chart, charts.StagesChart) else HOSTILE[::3]
        for label in shown:
            assert "".join(label.split()) in drawn, (type(chart).__name__, label)
            assert label in root.find(f"{SVG}desc").text
        assert charts.png(chart).startswith(b"\x89PNG")  # mathtext off: no parse error


def test_ids_are_unique_across_charts_of_one_page() -> None:
    """Several charts inline in one HTML page: no id twice, every reference resolves in its
    own chart."""
    seen: set[str] = set()
    for chart in example_charts().values():
        svg = charts.svg(chart)
        ids = re.findall(r'\bid="([^"]+)"', svg)
        assert len(ids) == len(set(ids)) and not seen & set(ids)
        seen |= set(ids)
        for ref in re.findall(r'url\(#([^)]+)\)|xlink:href="#([^"]+)"', svg):
            assert (ref[0] or ref[1]) in ids
    assert 'id="x-' in charts.svg(example_charts()["stages"], id="x")


# -- the builders ----------------------------------------------------------------------------


def test_no_data_no_chart() -> None:
    assert charts.themes_by_votes([]) is None
    assert charts.themes_by_votes([{"kind": "lever", "label": "x", "votes": 0}]) is None
    assert charts.kinds_per_prompt([("Q", 0, 0)]) is None
    assert charts.radar(["a", "b", "c"], [None] * 3, [None] * 3, [None] * 3) is None
    assert charts.projects_by_stage({}, STAGES) is None
    assert charts.projects_by_stage({"idee": 0, "other": 3}, STAGES) is None


def test_themes_by_votes_keeps_the_most_voted_with_their_kind() -> None:
    themes = [{"kind": "blocker" if n % 2 else "lever", "label": f"T{n}", "votes": n}
              for n in range(15)]
    chart = charts.themes_by_votes(themes, "en", top=10)
    assert [b.label for b in chart.bars] == [f"T{n}" for n in range(14, 4, -1)]
    assert chart.bars[0].kind == "lever" and chart.bars[1].kind == "blocker"
    assert chart.note == "The 10 most voted themes out of 14"  # T0 has no vote
    assert chart.legend == (("blocker", "Blockers"), ("lever", "Levers"))
    s = fixtures.session("fr")
    chart = view.votes_chart(s)
    assert chart.title == "Votes par thème" and chart.note == ""
    assert [b.value for b in chart.bars] == sorted((t.votes for t in (*s.blockers, *s.levers)),
                                                   reverse=True)


def test_kinds_per_prompt_in_the_questions_order() -> None:
    s = fixtures.session("en")
    assert view.prompt_counts(s) == [(s.prompts[0], 6, 0), (s.prompts[1], 0, 5)]
    loose = replace(s.levers[0].cards[0], prompt=None)
    other = replace(s, levers=(replace(s.levers[0], cards=(loose,)), *s.levers[1:]))
    assert view.prompt_counts(other)[-1] == (None, 0, 1)
    chart = view.kinds_chart(other)
    assert [r.label for r in chart.rows][-1] == "No question"
    assert (chart.blockers_word, chart.levers_word) == ("Blockers", "Levers")


def test_projects_by_stage_in_the_stages_order() -> None:
    chart = charts.projects_by_stage({"developpement": 1, "idee": 5}, STAGES, "en")
    assert [(b.label, b.value) for b in chart.bars] == [
        ("Idée", 5), ("Création", 0), ("Démarrage", 0), ("Développement", 1)]
    assert chart.title == "Projects by stage"


def test_a_members_own_radar_over_their_meetings() -> None:
    """For the member's own timeline: their last three radars, oldest first, dates written
    out; a meeting where they rated nothing is skipped."""
    axes = [{"id": "finance", "label": "Gestion financière"},
            {"id": "network", "label": "Réseau"}, {"id": "digital", "label": "Numérique"}]
    radars = [("2026-01-10", {"finance": 1}), ("2026-02-14", {}),
              ("2026-03-12", {"finance": 2, "network": 3, "digital": 1}),
              ("2026-04-09", {"finance": 3, "network": 4, "digital": 2})]
    chart = charts.member_radar(axes, radars, "fr")
    assert [meeting for meeting, _ in chart.series] == ["10 janv. 2026", "12 mars 2026",
                                                        "9 avr. 2026"]
    assert chart.series[0][1] == (1.0, None, None)
    root = svg_root(chart)
    assert "Mon radar des compétences" in svg_texts(root) and "9 avr. 2026" in svg_texts(root)
    assert charts.png(chart).startswith(b"\x89PNG")
    assert charts.member_radar(axes, [("2026-01-10", {})]) is None
    with pytest.raises(ValueError, match="scale"):
        charts.member_radar(axes, [("x", {"finance": 9})])


# -- the radar: aggregates only ----------------------------------------------------------------


def test_the_radar_spec_only_holds_aggregates() -> None:
    assert {f.name for f in fields(charts.RadarChart)} == {
        "title", "axes", "median", "p25", "p75", "responses", "median_word", "band_word",
        "scale_word", "decimal"}
    with pytest.raises(TypeError):
        charts.radar(["a", "b", "c"], [3] * 3, [2] * 3, [4] * 3,
                     ratings={"p1": {"a": 1}})  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="scale"):
        charts.radar(["a", "b", "c"], [3, 3, 7], [2] * 3, [4] * 3)
    with pytest.raises(ValueError, match="order"):
        charts.radar(["a", "b", "c"], [3] * 3, [4] * 3, [2] * 3)
    with pytest.raises(ValueError, match="three axes"):
        charts.radar(["a", "b"], [3] * 2, [2] * 2, [4] * 2)


def radar_board(ratings: dict[str, dict[str, int]]):  # noqa: ANN201 - a Board
    start = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    axes = ({"id": "finance", "label": "Gestion financière"},
            {"id": "network", "label": "Réseau"}, {"id": "digital", "label": "Numérique"})
    events: list = [
        SessionCreated("Club à Kayes", "club", "fr", "ABC234", 1,
                       ({"id": "p1", "text": "Vos difficultés ?"},)),
        *(ParticipantJoined(pid, None) for pid in ratings),
        ContributionAdded("c1", next(iter(ratings)), "Le crédit coûte cher", "blocker", "p1"),
        RadarOpened("r1", axes),
        *(RadarRated(pid, "r1", values) for pid, values in ratings.items()),
        RadarClosed("r1"),
    ]
    log = [Recorded("s1", n, e, start + timedelta(seconds=n)) for n, e in enumerate(events, 1)]
    return rebuild("s1", log)


def test_the_synthesis_keeps_the_rooms_radar_never_a_persons() -> None:
    ratings = {"phone-a": {"finance": 1, "network": 5, "digital": 2},
               "phone-b": {"finance": 3, "network": 4, "digital": 2},
               "phone-c": {"finance": 5, "network": 3},
               "phone-d": {"finance": 2, "network": 4},
               "phone-e": {"finance": 4, "network": 4}}
    synthesis = build(radar_board(ratings), ("Awa",))
    radar = synthesis.radar
    assert isinstance(radar, RadarSummary) and radar.responses == 5
    # digital: two answers, too few for its median (answers counted per axis)
    assert radar.median == {"finance": 3.0, "network": 4.0, "digital": None}
    assert radar.answers == {"finance": 5, "network": 5, "digital": 2}
    as_json = render(synthesis, "json").decode()
    for person in ratings:
        assert person not in as_json.lower()
    chart = view.radar_chart(synthesis)
    assert chart.median == (3.0, 4.0, None) and set(chart.p25) == {None}
    desc = svg_root(chart).find(f"{SVG}desc").text
    assert desc == "Gestion financière — 3; Réseau — 4; Numérique — –"
    html = render(synthesis, "html").decode()
    assert "phone-" not in html and '<section class="radar">' in html


def test_a_radar_with_too_few_responses_is_left_out() -> None:
    board = radar_board({"phone-a": {"finance": 1, "network": 5, "digital": 2},
                         "phone-b": {"finance": 3, "network": 4, "digital": 2}})
    synthesis = build(board)
    assert synthesis.radar is None  # two answers: the quartiles would give them away
    assert '"radar": null' in render(synthesis, "json").decode()
    assert "radar" not in render(synthesis, "html").decode().split("<body>")[1]


# -- in the documents --------------------------------------------------------------------------


def figures(data: bytes) -> dict[str, ET.Element]:
    root = parse_html(data)
    return {f.get("class").split()[1]: f for f in root.iter("figure")
            if "chart" in (f.get("class") or "").split()}


def test_html_has_the_charts_inline_where_they_belong() -> None:
    data = render(fixtures.with_radar("fr"), "html")
    found = figures(data)
    assert set(found) == {"kinds", "votes", "radar"}
    for figure in found.values():
        assert figure.find(f"{SVG}svg") is not None
    root = parse_html(data)
    header = next(root.iter("header"))
    assert any(f.get("class") == "chart kinds" for f in header.iter("figure"))
    radar = next(s for s in root.iter("section") if s.get("class") == "radar")
    assert radar.find("h2").text == "Radar des compétences"
    assert radar.find("figure") is not None and radar.find("table") is not None
    body = data.decode()
    assert body.index('class="chart votes"') < body.index('<section class="blockers">')
    assert body.index('<section class="who">') < body.index('<section class="radar">') < (
        body.index('<section class="conclusions">'))
    assert "<svg" in body and "<?xml" not in body and "<!DOCTYPE svg" not in body


def test_html_leaves_out_the_charts_without_data() -> None:
    plain = figures(render(fixtures.session("fr"), "html"))
    assert set(plain) == {"kinds", "votes"}  # no radar in this session
    s = fixtures.session("fr")
    unvoted = replace(s, blockers=tuple(replace(t, votes=0) for t in s.blockers),
                      levers=tuple(replace(t, votes=0) for t in s.levers))
    html = render(unvoted, "html").decode()
    assert set(figures(html.encode())) == {"kinds"} and '<section class="radar">' not in html
    empty = replace(unvoted, blockers=(), levers=(), quotes=(), contributions=0)
    assert "<svg" not in render(empty, "html").decode()


def test_docx_has_the_charts_as_pictures() -> None:
    import docx

    def pictures(synthesis) -> list:  # noqa: ANN001
        return list(docx.Document(io.BytesIO(render(synthesis, "docx"))).inline_shapes)

    shapes = pictures(fixtures.with_radar("en"))
    assert len(shapes) == 3
    assert all(abs(shape.width.cm - 15) < 0.01 for shape in shapes)
    assert shapes[1]._inline.docPr.get("descr").startswith("Votes by theme. Access to finance")
    assert len(pictures(fixtures.session("en"))) == 2
    s = fixtures.session("en")
    empty = replace(s, blockers=(), levers=(), quotes=(), contributions=0)
    assert pictures(empty) == []
    document = docx.Document(io.BytesIO(render(fixtures.with_radar("fr"), "docx")))
    assert "Radar des compétences" in [p.text for p in document.paragraphs
                                       if p.style.name == "Heading 1"]
    assert render(fixtures.with_radar("fr"), "docx") == render(fixtures.with_radar("fr"),
                                                               "docx")


def test_markdown_gets_the_radar_as_a_table_and_csv_is_unchanged() -> None:
    text = render(fixtures.with_radar("fr"), "md").decode()
    assert "## Radar des compétences" in text
    assert "| Compétence | Médiane | Réponses |" in text
    assert "| Numérique | 2,5 | 12 |" in text
    english = render(fixtures.with_radar("en"), "md").decode()
    assert "| Digital skills | 2.5 | 12 |" in english
    assert "Radar" not in render(fixtures.session("fr"), "md").decode()
    assert render(fixtures.with_radar("fr"), "csv") == render(fixtures.session("fr"), "csv")


def test_pdf_shows_the_charts() -> None:
    needs_pdf()
    with_charts = render(fixtures.with_radar("fr"), "pdf")
    text = pdf_text(with_charts)
    assert "Votes par thème" in text  # only drawn in the chart
    assert "Freins et leviers par question" in text
    squeezed = "".join(text.split())  # pypdf may lose the spaces of SVG text
    assert "Médianedelasalle" in squeezed and "Moitiécentraledelasalle" not in squeezed
    s = fixtures.session("fr")
    unvoted = replace(s, blockers=tuple(replace(t, votes=0) for t in s.blockers),
                      levers=tuple(replace(t, votes=0) for t in s.levers))
    assert "Votes par thème" not in pdf_text(render(unvoted, "pdf"))


# -- purity ----------------------------------------------------------------------------------


def test_charts_are_pure_and_matplotlib_comes_on_first_drawing() -> None:
    code = ("import sys\n"
            "import facilitation.synthesis.charts, facilitation.synthesis\n"
            "print(sorted(m for m in ('matplotlib', 'flask', 'sqlalchemy', 'flask_socketio')"
            " if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"
