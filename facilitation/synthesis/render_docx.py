"""Word (.docx) with python-docx: real styles (Title, Heading 1/2, List Bullet, Quote) so the
NGO can restyle, renumber or paste it into a programme report; A4 pages; fixed core
properties (no generation time) so the document does not change between exports."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt, RGBColor

from . import charts, view
from . import words as w
from .model import Synthesis
from .programme import ProgrammeSynthesis
from .xml_text import xml_safe

INK = RGBColor(0x1F, 0x23, 0x28)
MUTED = RGBColor(0x5F, 0x63, 0x68)
ACCENT = {"blocker": RGBColor(0x9F, 0x3A, 0x26), "lever": RGBColor(0x2B, 0x6E, 0x45)}
TABLE_STYLE = {"blocker": "Light List Accent 2", "lever": "Light List Accent 3", None: "Light List"}
BODY_FONT = "Georgia"
HEADING_FONT = "Arial"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _document(title: str, language: str, authors: str, day: str | None) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10.5)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 12.5),
                       ("Heading 3", 11), ("Subtitle", 10)):
        style = doc.styles[name]
        style.font.name = HEADING_FONT
        style.font.size = Pt(size)
        style.font.color.rgb = MUTED if name == "Subtitle" else INK
        style.paragraph_format.keep_with_next = True
    props = doc.core_properties
    props.title = title
    props.author = authors
    props.last_modified_by = authors
    props.language = language
    props.comments = ""
    props.revision = 1
    stamp = EPOCH
    if day:
        try:
            stamp = datetime.combine(date.fromisoformat(day[:10]), datetime.min.time(), UTC)
        except ValueError:
            pass
    props.created = props.modified = stamp
    props.last_printed = stamp
    return doc


def _heading(doc: Document, text: str, level: int, kind: str | None = None) -> None:
    paragraph = doc.add_heading(text, level=level)
    if kind:
        for run in paragraph.runs:
            run.font.color.rgb = ACCENT[kind]


def _note(doc: Document, text: str, keep: bool = False) -> None:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.italic = True
    run.font.color.rgb = MUTED
    run.font.size = Pt(9)
    paragraph.paragraph_format.keep_with_next = keep


def _meta(doc: Document, rows: list[tuple[str, str]], language: str) -> None:
    colon = "\u00a0: " if w.lang(language) == "fr" else ": "
    for label, value in rows:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        label_run = paragraph.add_run(label + colon)
        label_run.bold = True
        label_run.font.color.rgb = MUTED
        paragraph.add_run(value)


def _table(doc: Document, columns: tuple[str, ...], rows: list[tuple[str, ...]],
           numeric: tuple[int, ...] = (), kind: str | None = None) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles[TABLE_STYLE[kind]]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (cell, text) in enumerate(zip(table.rows[0].cells, columns, strict=True)):
        cell.text = text
        if i in numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = text
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()


def _chart(doc: Document, chart: charts.Chart | None, titled: bool = True) -> None:
    """The chart as a picture (the same drawing as the SVG of html and pdf), 15 cm wide,
    centred, with its numbers in words as the picture's description (screen readers)."""
    if chart is None:
        return
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture = paragraph.add_run().add_picture(io.BytesIO(charts.png(chart, titled=titled)),
                                              width=Cm(15))
    picture._inline.docPr.set("descr", f"{chart.title}. {chart.summary}")


def _bullet(doc: Document, text: str, author: str | None = None, extra: str = "") -> None:
    paragraph = doc.add_paragraph(style="List Bullet")
    paragraph.add_run(text)
    if author:
        run = paragraph.add_run(f" — {author}")
        run.italic = True
        run.font.color.rgb = MUTED
    if extra:
        run = paragraph.add_run(f" ({extra})")
        run.font.color.rgb = MUTED
        run.font.size = Pt(9)


def _save(doc: Document) -> bytes:
    """The .docx bytes, its zip entries dated like the document (python-docx dates them
    with the clock, so two exports a few seconds apart would differ)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    when = (doc.core_properties.created or EPOCH).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    fixed = io.BytesIO()
    with zipfile.ZipFile(fixed, "w") as target:
        for entry in source.infolist():
            dated = zipfile.ZipInfo(entry.filename, date_time=when)
            dated.compress_type = entry.compress_type
            dated.external_attr = entry.external_attr
            target.writestr(dated, source.read(entry.filename))
    return fixed.getvalue()


def _club(doc: Document, s: Synthesis) -> None:
    """A club meeting's projects: the chart of projects per stage, then one row per
    member; a project updated at this meeting says so (and what) under the member."""
    t = w.words(s.language)
    _heading(doc, t["club_projects"], 1)
    _note(doc, view.club_intro(s), keep=True)
    _chart(doc, view.club_chart(s))
    if view.club_no_stage(s):
        _note(doc, view.club_no_stage(s), keep=True)
    columns = view.club_columns(s.language)
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles[TABLE_STYLE[None]]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
    for row in view.club_rows(s):
        member, project, stage, steps = table.add_row().cells
        member.paragraphs[0].add_run(row.member).bold = True
        if row.updated:
            sep = "\u00a0: " if w.lang(s.language) == "fr" else ": "
            tag = t["updated_here"] + (f"{sep}{row.changed}" if row.changed else "")
            run = member.add_paragraph().add_run(tag)
            run.italic = True
            run.font.size = Pt(8.5)
            run.font.color.rgb = ACCENT["lever"]
        for cell, text, said in zip((project, stage), (row.project, row.stage), row.said,
                                    strict=True):
            run = cell.paragraphs[0].add_run(text)
            if not said:
                run.italic = True
                run.font.color.rgb = MUTED
        for i, step in enumerate(row.steps):
            paragraph = steps.paragraphs[0] if i == 0 else steps.add_paragraph()
            paragraph.add_run(f"• {step}")
    doc.add_paragraph()


def render(s: Synthesis) -> bytes:
    s = xml_safe(s)  # an old log may hold what XML cannot carry
    lang = w.lang(s.language)
    t = w.words(lang)
    doc = _document(view.title(s), lang, ", ".join(s.facilitators), s.date)
    doc.add_paragraph(view.subtitle(s), style="Subtitle")
    doc.add_heading(view.title(s), level=0)
    if view.provisional(s):
        _note(doc, t["provisional"])
    _meta(doc, view.meta(s), lang)
    if s.prompts:
        doc.add_paragraph().add_run(t["prompts"]).bold = True
        for prompt in s.prompts:
            _bullet(doc, prompt)
    _chart(doc, view.kinds_chart(s))
    _chart(doc, view.votes_chart(s))
    for kind, plural in view.KINDS:
        themes = s.themes(kind)
        _heading(doc, t[plural], 1, kind)
        if not themes:
            _note(doc, t[f"no_themes_{kind}"])
            continue
        _table(doc, (t["rank"], t["theme"], t["votes"], t["contributions"]),
               [(str(n), th.label, str(th.votes), str(th.size))
                for n, th in view.theme_rows(themes)], numeric=(0, 2, 3), kind=kind)
        for n, theme in view.theme_rows(themes):
            _heading(doc, f"{n}. {theme.label}", 2, kind)
            _note(doc, f"{t[kind]} · {w.count(theme.votes, 'vote', lang)} · "
                       f"{w.count(theme.size, 'contribution', lang)}", keep=True)
            for card in theme.cards:
                _bullet(doc, w.card_text(card.text, card.voice_seconds, lang), card.author,
                        w.count(card.votes, "vote", lang) if card.votes else "")
    if s.quotes:
        _heading(doc, t["quotes"], 1)
        for quote in s.quotes:
            text = f"« {quote.text} »" if lang == "fr" else f"“{quote.text}”"
            if quote.author:
                text += f" — {quote.author}"
            doc.add_paragraph(text, style="Quote")
    who, profiles = view.who(s), view.profiles(s)
    if who or profiles:
        _heading(doc, t["who"], 1)
        if who:
            _note(doc, t["who_intro"], keep=True)
            _table(doc, who.columns, list(who.rows),
                   numeric=tuple(range(1, len(who.columns))))
        if profiles:
            _heading(doc, t["participants_by_profile"], 2)
            for question, answers in profiles:
                _bullet(doc, f"{question} : " if lang == "fr" else f"{question}: ")
                doc.paragraphs[-1].runs[0].bold = True
                doc.paragraphs[-1].add_run(", ".join(f"{a} ({n})" for a, n in answers))
    radar = view.radar_table(s)
    if radar:
        _heading(doc, t["radar"], 1)
        _note(doc, view.radar_intro(s), keep=True)
        _chart(doc, view.radar_chart(s), titled=False)
        _table(doc, radar.columns, list(radar.rows), numeric=(1, 2))
    if s.club:
        _club(doc, s)
    _heading(doc, t["conclusions"], 1)
    paragraphs = view.paragraphs(s.conclusions or "")
    for paragraph in paragraphs:
        doc.add_paragraph(paragraph)
    if not paragraphs:
        _note(doc, t["no_conclusions"])
    _heading(doc, t["decisions"], 1)
    if s.decisions:
        _table(doc, (t["decision"], t["owner"], t["due"]),
               [(d.text, d.owner or "", view.due(d.due, lang)) for d in s.decisions])
    else:
        _note(doc, t["no_decisions"])
    _note(doc, t["generated_by"])
    return _save(doc)


def render_programme(p: ProgrammeSynthesis) -> bytes:
    p = xml_safe(p)
    lang = w.lang(p.language)
    t = w.words(lang)
    days = sorted(s["date"] for s in p.sessions if s.get("date"))
    doc = _document(p.name, lang, "", days[-1] if days else None)
    doc.add_paragraph(" · ".join(x for x in (t["programme_synthesis"],
                                             view.programme_dates(p)) if x), style="Subtitle")
    doc.add_heading(p.name, level=0)
    _meta(doc, view.programme_meta(p), lang)
    _heading(doc, t["sessions"], 1)
    _table(doc, view.session_columns(lang), [view.session_row(s, lang) for s in p.sessions],
           numeric=(3, 4))
    _chart(doc, view.programme_chart(p))
    for kind, plural in view.KINDS:
        themes = getattr(p, plural)
        _heading(doc, t[plural], 1, kind)
        if not themes:
            _note(doc, t[f"no_themes_{kind}"])
            continue
        _table(doc, (t["rank"], t["theme"], t["sessions_count"], t["territories"], t["votes"],
                     t["contributions"]),
               [(str(n), th.label, str(th.sessions), ", ".join(th.territories), str(th.votes),
                 str(th.size)) for n, th in enumerate(themes, 1)],
               numeric=(0, 2, 4, 5), kind=kind)
        for n, theme in enumerate(themes, 1):
            _heading(doc, f"{n}. {theme.label}", 2, kind)
            _note(doc, f"{view.raised_in(theme, lang)} · {w.count(theme.votes, 'vote', lang)}"
                       f" · {w.count(theme.size, 'contribution', lang)}", keep=True)
            for example in view.examples(theme):
                _bullet(doc, example)
    comparison = view.here_and_there(p)
    if comparison:
        lists, answers = comparison
        _heading(doc, t["here_and_there"], 1)
        _chart(doc, view.here_and_there_chart(p))
        for item in lists:
            _heading(doc, item.heading, 2, item.kind)
            for label in item.labels:
                _bullet(doc, label)
            if not item.labels:
                _note(doc, t["none"])
        for answer in answers:
            _heading(doc, answer.heading, 2)
            if answer.pairs:
                _table(doc, (t["lever"], t["blocker"]), list(answer.pairs))
            else:
                _note(doc, t["none"])
    _note(doc, t["generated_by"])
    return _save(doc)
