"""HTML: one self-contained page (stylesheet inlined) laid out for A4 print, so "print to
PDF" from a browser gives the same document as the PDF export. Jinja2 autoescapes all
text; user text is bidi-isolated (dir="auto", <bdi>) for right-to-left scripts."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from . import charts, view
from . import words as w
from .model import Synthesis
from .programme import ProgrammeSynthesis


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("facilitation.synthesis", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _common(language: str) -> dict[str, Any]:
    lang = w.lang(language)
    return {
        "lang": lang,
        "t": w.words(lang),
        "kinds": view.KINDS,
        "count": lambda n, noun: w.count(n, noun, lang),
        "card_text": lambda card: w.card_text(card.text, card.voice_seconds, lang),
        "colon": "\u00a0: " if lang == "fr" else ": ",
        "open_quote": "«\u00a0" if lang == "fr" else "“",
        "close_quote": "\u00a0»" if lang == "fr" else "”",
    }


def figures(s: Synthesis) -> dict[str, Markup | None]:
    """The charts of a session as inline SVG, by place: "kinds" (with the questions),
    "votes" (at the top of the results), "radar" (its own section, under its heading, so
    drawn without a title), "stages" (a club meeting's projects). None for a chart
    without data."""
    placed = (("kinds", view.kinds_chart(s), True), ("votes", view.votes_chart(s), True),
              ("radar", view.radar_chart(s), False), ("stages", view.club_chart(s), True))
    return {name: None if chart is None
            else Markup(charts.svg(chart, titled=titled))  # matplotlib escapes the text
            for name, chart, titled in placed}


def programme_figures(p: ProgrammeSynthesis) -> dict[str, Markup | None]:
    """The charts of a programme as inline SVG: "themes" (before the blockers and levers)
    and "here_and_there" (under its heading, with the comparison); None for a chart
    without data."""
    placed = (("themes", view.programme_chart(p)),
              ("here_and_there", view.here_and_there_chart(p)))
    return {name: None if chart is None else Markup(charts.svg(chart))
            for name, chart in placed}


def render_text(s: Synthesis) -> str:
    context = _common(s.language) | {
        "s": s,
        "doc_title": view.title(s),
        "subtitle": view.subtitle(s),
        "provisional": view.provisional(s),
        "meta": view.meta(s),
        "who": view.who(s),
        "profiles": view.profiles(s),
        "conclusions": view.paragraphs(s.conclusions or ""),
        "due": lambda value: view.due(value, s.language),
        "figures": figures(s),
        "radar_intro": view.radar_intro(s),
        "radar_table": view.radar_table(s),
        "club_intro": view.club_intro(s),
        "club_no_stage": view.club_no_stage(s),
        "club_columns": view.club_columns(s.language),
        "club_rows": view.club_rows(s),
    }
    return environment().get_template("session.html").render(context)


def render_programme_text(p: ProgrammeSynthesis) -> str:
    t = w.words(p.language)
    context = _common(p.language) | {
        "p": p,
        "doc_title": p.name,
        "subtitle": " · ".join(x for x in (t["programme_synthesis"], view.programme_dates(p))
                               if x),
        "meta": view.programme_meta(p),
        "session_columns": view.session_columns(p.language),
        "session_rows": [view.session_row(s, p.language) for s in p.sessions],
        "raised_in": lambda theme: view.raised_in(theme, p.language),
        "examples": view.examples,
        "comparison": view.here_and_there(p),
        "figures": programme_figures(p),
    }
    return environment().get_template("programme.html").render(context)


def render(s: Synthesis) -> bytes:
    return render_text(s).encode("utf-8")


def render_programme(p: ProgrammeSynthesis) -> bytes:
    return render_programme_text(p).encode("utf-8")
