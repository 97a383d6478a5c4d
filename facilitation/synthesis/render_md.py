"""Markdown (CommonMark + pipe tables): user text escaped so a card can never become a
link, a heading, a list or raw HTML."""

from __future__ import annotations

import re

from . import view
from . import words as w
from .model import CardItem, Synthesis, ThemeItem
from .programme import ProgrammeSynthesis

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")
_BREAKS = re.compile(r"[ \t\r\n\f\v]+")  # not str.split(): keep no-break spaces


def esc(text: str | None) -> str:
    """One line of user text, inert in Markdown (also inside a table cell)."""
    if not text:
        return ""
    text = _BREAKS.sub(" ", text).strip(" ")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1],
                           text)


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]],
           numeric: tuple[int, ...] = (), raw: tuple[int, ...] = ()) -> list[str]:
    """A pipe table; user text escaped, except in the `raw` columns (our own numbers)."""
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(cells) + " |"

    rule = tuple("---:" if i in numeric else "---" for i in range(len(columns)))
    return [line(tuple(esc(c) for c in columns)), line(rule),
            *(line(tuple(c if i in raw else esc(c) for i, c in enumerate(row)))
              for row in rows)]


def _card(card: CardItem, language: str) -> str:
    text = f"- {esc(w.card_text(card.text, card.voice_seconds, language))}"
    if card.author:
        text += f" — *{esc(card.author)}*"
    if card.votes:
        text += f" ({w.count(card.votes, 'vote', language)})"
    return text


def _theme(rank: int, theme: ThemeItem, language: str) -> list[str]:
    numbers = (f"{w.count(theme.votes, 'vote', language)} · "
               f"{w.count(theme.size, 'contribution', language)}")
    return [f"### {rank}. {esc(theme.label)}", "", f"*{numbers}*", "",
            *(_card(c, language) for c in theme.cards), ""]


def _club(s: Synthesis) -> list[str]:
    """The club's projects: a line of numbers, projects per stage, then the table (the
    member's cell says when the project was updated at this meeting, and what)."""
    t = w.words(s.language)
    sep = " : " if w.lang(s.language) == "fr" else ": "
    out = [f"## {t['club_projects']}", "", esc(view.club_intro(s)), ""]
    chart = view.club_chart(s)
    if chart:
        counts = " · ".join(f"{esc(bar.label)} {bar.value}" for bar in chart.bars)
        out += [f"**{esc(chart.title)}**{sep}{counts}", ""]
        if view.club_no_stage(s):
            out += [f"*{esc(view.club_no_stage(s))}*", ""]
    rows = []
    for row in view.club_rows(s):
        member = esc(row.member)
        if row.updated:
            tag = t["updated_here"] + (f"{sep}{row.changed}" if row.changed else "")
            member += f" — *{esc(tag)}*"
        project, stage = (esc(text) if said else f"*{esc(text)}*"
                          for text, said in zip((row.project, row.stage), row.said,
                                                strict=True))
        rows.append((member, project, stage, " · ".join(esc(step) for step in row.steps)))
    out += [*_table(view.club_columns(s.language), rows, raw=(0, 1, 2, 3)), ""]
    return out


def render(s: Synthesis) -> bytes:
    t = w.words(s.language)
    lang = s.language
    out = [f"# {esc(view.title(s))}", "", f"*{esc(view.subtitle(s))}*", ""]
    if view.provisional(s):
        out += [f"> **{esc(t['provisional'])}**", ""]
    out += [f"- **{esc(label)}** : {esc(value)}" if lang == "fr"
            else f"- **{esc(label)}:** {esc(value)}" for label, value in view.meta(s)]
    out.append("")
    if s.prompts:
        out += [f"**{esc(t['prompts'])}**", "", *(f"- {esc(p)}" for p in s.prompts), ""]
    for kind, plural in view.KINDS:
        themes = s.themes(kind)
        out += [f"## {t[plural]}", ""]
        if not themes:
            out += [t[f"no_themes_{kind}"], ""]
            continue
        out += _table((t["rank"], t["theme"], t["votes"], t["contributions"]),
                      [(str(n), th.label, str(th.votes), str(th.size))
                       for n, th in view.theme_rows(themes)], numeric=(0, 2, 3))
        out.append("")
        for n, theme in view.theme_rows(themes):
            out += _theme(n, theme, lang)
    if s.quotes:
        out += [f"## {t['quotes']}", ""]
        for quote in s.quotes:
            line = f"> « {esc(quote.text)} »" if lang == "fr" else f"> “{esc(quote.text)}”"
            if quote.author:
                line += f" — *{esc(quote.author)}*"
            out += [line, ""]
    who = view.who(s)
    profiles = view.profiles(s)
    if who or profiles:
        out += [f"## {t['who']}", ""]
        if who:
            out += [esc(t["who_intro"]), "",
                    *_table(who.columns, list(who.rows),
                            numeric=tuple(range(1, len(who.columns)))), ""]
        if profiles:
            out += [f"### {esc(t['participants_by_profile'])}", ""]
            for question, answers in profiles:
                listed = ", ".join(f"{esc(a)} ({n})" for a, n in answers)
                out.append(f"- **{esc(question)}** : {listed}" if lang == "fr"
                           else f"- **{esc(question)}:** {listed}")
            out.append("")
    radar = view.radar_table(s)
    if radar:
        out += [f"## {t['radar']}", "", esc(view.radar_intro(s)), "",
                *_table(radar.columns, list(radar.rows), numeric=(1, 2), raw=(1, 2)), ""]
    if s.club:
        out += _club(s)
    out += [f"## {t['conclusions']}", ""]
    paragraphs = view.paragraphs(s.conclusions or "")
    for paragraph in paragraphs or [t["no_conclusions"]]:
        out += [esc(paragraph), ""]
    out += [f"## {t['decisions']}", ""]
    if s.decisions:
        out += _table((t["decision"], t["owner"], t["due"]),
                      [(d.text, d.owner or "", view.due(d.due, lang)) for d in s.decisions])
    else:
        out.append(t["no_decisions"])
    out.append("")
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


def render_programme(p: ProgrammeSynthesis) -> bytes:
    t = w.words(p.language)
    lang = p.language
    out = [f"# {esc(p.name)}", ""]
    sub = " · ".join(x for x in (t["programme_synthesis"], view.programme_dates(p)) if x)
    out += [f"*{esc(sub)}*", ""]
    sep = " : " if lang == "fr" else ": "
    out += [f"- **{esc(label)}**{sep}{esc(value)}" for label, value in view.programme_meta(p)]
    out += ["", f"## {t['sessions']}", ""]
    out += _table(view.session_columns(lang), [view.session_row(s, lang) for s in p.sessions],
                  numeric=(3, 4))
    out.append("")
    for kind, plural in view.KINDS:
        themes = getattr(p, plural)
        out += [f"## {t[plural]}", ""]
        if not themes:
            out += [t[f"no_themes_{kind}"], ""]
            continue
        out += _table((t["rank"], t["theme"], t["sessions_count"], t["territories"],
                       t["votes"], t["contributions"]),
                      [(str(n), th.label, str(th.sessions), ", ".join(th.territories),
                        str(th.votes), str(th.size)) for n, th in enumerate(themes, 1)],
                      numeric=(0, 2, 4, 5))
        out.append("")
        for n, theme in enumerate(themes, 1):
            out += [f"### {n}. {esc(theme.label)}", "",
                    f"*{esc(view.raised_in(theme, lang))} · "
                    f"{w.count(theme.votes, 'vote', lang)} · "
                    f"{w.count(theme.size, 'contribution', lang)}*", ""]
            out += [f"- {esc(e)}" for e in view.examples(theme)]
            out.append("")
    comparison = view.here_and_there(p)
    if comparison:
        lists, answers = comparison
        out += [f"## {t['here_and_there']}", ""]
        for item in lists:
            out += [f"### {esc(item.heading)}", ""]
            out += [f"- {esc(label)}" for label in item.labels] or [t["none"]]
            out.append("")
        for answer in answers:
            out += [f"### {esc(answer.heading)}", ""]
            if answer.pairs:
                out += _table((t["lever"], t["blocker"]), list(answer.pairs))
            else:
                out.append(t["none"])
            out.append("")
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")
