"""A member's timeline in the synthesis formats: md, html, pdf, docx, csv, json."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from ..domain.club.timeline import Timeline
from ..domain.club.words import stage_names, words
from . import charts, csv_safe
from . import words as synthesis_words

FORMATS = ("md", "html", "pdf", "docx", "csv", "json")


def _day(value: str | None, language: str) -> str:
    return synthesis_words.long_date(value, language) if value else ""


def _helpers(language: str) -> dict[str, Callable[..., str]]:
    t = words(language)
    stages = stage_names(language)

    def stage(value: str | None) -> str:
        return stages.get(value or "", t["not_said"])

    def step(item: dict[str, str]) -> str:
        text = item["text"]
        if item.get("due"):
            text += f" ({t['due']} {_day(item['due'], language)})"
        if item.get("helper"):
            text += f", {t['helper']} {item['helper']}"
        return text

    def steps(items: list[dict[str, str]]) -> str:
        return " ; ".join(step(item) for item in items)

    def change(field: str, value: Any) -> str:
        """One changed field of a project, in words."""
        shown = steps(value) if field == "next_steps" else stage(value) if field == "stage" \
            else value
        return f"{t[field]} : {shown or t['none']}"

    def heading(s: Any) -> str:
        """When, in which meeting and by whom a change was made."""
        who = t["by_member"] if s.by_member else t["by_facilitator"]
        return f"{_day(s.meeting_date or s.at[:10], language)} · {s.meeting or t['between']}" \
               f" ({who})"

    return {"stage": stage, "step": step, "steps": steps, "change": change,
            "heading": heading, "day": lambda value: _day(value, language)}


def axes_of(tl: Timeline) -> list[dict[str, str]]:
    """Every axis rated in any meeting, in order of first appearance."""
    seen: dict[str, dict[str, str]] = {}
    for radar in tl.radars:
        for axis in radar.axes:
            seen.setdefault(axis["id"], dict(axis))
    return list(seen.values())


def render_md(tl: Timeline) -> bytes:
    t, h = words(tl.language), _helpers(tl.language)
    title = f"# {t['timeline']} — {tl.member}"
    lines = [title + (f" · {tl.project['project']}" if tl.project["project"] else ""),
             "", f"{t['club']} : {tl.club}" if tl.language == "fr" else f"{t['club']}: {tl.club}",
             "", f"## {t['now']}", "", f"- **{t['stage']}** : {h['stage'](tl.project['stage'])}"]
    for field in ("strengths", "difficulties"):
        if tl.project[field]:
            lines.append(f"- **{t[field]}** : {tl.project[field]}")
    if tl.project["next_steps"]:
        lines += ["", f"### {t['next_steps']}", ""]
        lines += [f"- {h['step'](s)}" for s in tl.project["next_steps"]]
    if tl.steps:
        lines += ["", f"## {t['history']}"]
        for s in tl.steps:
            lines += ["", f"### {h['heading'](s)}", ""]
            lines += [f"- {h['change'](field, value)}" for field, value in s.changes.items()]
    if tl.radars:
        axes = axes_of(tl)
        lines += ["", f"## {t['radar']}", "",
                  "| " + " | ".join([t["axis"], *(h["day"](r.date) for r in tl.radars)]) + " |",
                  "|" + "---|" * (len(tl.radars) + 1)]
        for axis in axes:
            cells = [str(r.ratings.get(axis["id"], t["none"])) for r in tl.radars]
            lines.append("| " + " | ".join([axis["label"], *cells]) + " |")
    if tl.language != "fr":
        lines = [line.replace(" : ", ": ") for line in lines]
    return ("\n".join(lines) + "\n").encode()


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("facilitation.synthesis", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("timeline.html")


def _radar_chart(tl: Timeline) -> charts.MemberRadarChart | None:
    """The member's own radars (their own document): the last three meetings."""
    return charts.member_radar(axes_of(tl), [(r.date or r.meeting, r.ratings)
                                             for r in tl.radars], tl.language)


def _charts(tl: Timeline) -> list[str]:
    chart = _radar_chart(tl)
    return [charts.svg(chart)] if chart else []


def render_html_text(tl: Timeline) -> str:
    css = resources.files("facilitation.synthesis").joinpath("templates/print.css").read_text(
        encoding="utf-8")
    return _template().render(
        tl=tl, t=words(tl.language), lang=tl.language, css=css, axes=axes_of(tl),
        colon="\u00a0: " if tl.language == "fr" else ": ", charts=_charts(tl),
        **_helpers(tl.language))


def render_html(tl: Timeline) -> bytes:
    return render_html_text(tl).encode()


def render_pdf(tl: Timeline) -> bytes:
    from .render_pdf import html_to_pdf

    return html_to_pdf(render_html_text(tl))


def render_csv(tl: Timeline) -> bytes:
    """One row per change of the project, then one per radar rating."""
    t, h = words(tl.language), _helpers(tl.language)
    out = io.StringIO()
    writer = csv_safe.writer(out, lineterminator="\n")  # no formula runs
    writer.writerow(["date", "meeting", "by", "field", "value"])
    for s in tl.steps:
        for field, value in s.changes.items():
            if field == "next_steps":
                value = h["steps"](value)
            writer.writerow([s.meeting_date or s.at[:10], s.meeting or t["between"],
                             "member" if s.by_member else "facilitator", field, value])
    for radar in tl.radars:
        for axis in radar.axes:
            if axis["id"] in radar.ratings:
                writer.writerow([radar.date or "", radar.meeting, "member",
                                 f"radar:{axis['id']}", radar.ratings[axis["id"]]])
    return out.getvalue().encode()


def render_json(tl: Timeline) -> bytes:
    return (json.dumps(tl.to_json(), ensure_ascii=False, indent=2, sort_keys=True)
            + "\n").encode()


def render_docx(tl: Timeline) -> bytes:
    from docx import Document

    t, h = words(tl.language), _helpers(tl.language)
    doc = Document()
    doc.core_properties.title = f"{t['timeline']} — {tl.member}"
    doc.add_heading(f"{tl.member}" + (f" — {tl.project['project']}"
                                      if tl.project["project"] else ""), 0)
    doc.add_paragraph(f"{t['timeline']} · {t['club']} {tl.club}")
    doc.add_heading(t["now"], 1)
    doc.add_paragraph(f"{t['stage']} : {h['stage'](tl.project['stage'])}", style="List Bullet")
    for field in ("strengths", "difficulties"):
        if tl.project[field]:
            doc.add_paragraph(f"{t[field]} : {tl.project[field]}", style="List Bullet")
    if tl.project["next_steps"]:
        doc.add_heading(t["next_steps"], 2)
        for step in tl.project["next_steps"]:
            doc.add_paragraph(h["step"](step), style="List Bullet")
    if tl.steps:
        doc.add_heading(t["history"], 1)
        for s in tl.steps:
            doc.add_heading(h["heading"](s), 2)
            for field, value in s.changes.items():
                doc.add_paragraph(h["change"](field, value), style="List Bullet")
    if tl.radars:
        doc.add_heading(t["radar"], 1)
        _docx_radar_chart(doc, tl)
        axes = axes_of(tl)
        table = doc.add_table(rows=1 + len(axes), cols=1 + len(tl.radars))
        table.style = "Light List"
        table.rows[0].cells[0].text = t["axis"]
        for j, radar in enumerate(tl.radars, start=1):
            table.rows[0].cells[j].text = h["day"](radar.date)
        for i, axis in enumerate(axes, start=1):
            table.rows[i].cells[0].text = axis["label"]
            for j, radar in enumerate(tl.radars, start=1):
                table.rows[i].cells[j].text = str(radar.ratings.get(axis["id"], t["none"]))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_radar_chart(doc: Any, tl: Timeline) -> None:
    from docx.shared import Cm

    chart = _radar_chart(tl)
    if chart is not None:
        doc.add_picture(io.BytesIO(charts.png(chart)), width=Cm(12))


RENDERERS: dict[str, Callable[[Timeline], bytes]] = {
    "md": render_md, "html": render_html, "pdf": render_pdf, "docx": render_docx,
    "csv": render_csv, "json": render_json,
}


def render(tl: Timeline, fmt: str) -> bytes:
    if fmt not in RENDERERS:
        raise KeyError(fmt)
    return RENDERERS[fmt](tl)
