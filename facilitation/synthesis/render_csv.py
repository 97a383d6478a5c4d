"""CSV: one row per contribution (session) or per session's theme (programme), headers in
the synthesis's language. UTF-8 with a byte-order mark so spreadsheets read the accents;
written by the csv module (quoting, commas, newlines inside cards)."""

from __future__ import annotations

import io

from . import csv_safe
from . import words as w
from .model import Synthesis
from .programme import ProgrammeSynthesis

COLUMNS = ("kind", "theme_rank", "theme", "theme_votes", "text", "author", "votes",
           "prompt", "time", "actor_type", "territory")
HEADERS = {
    "fr": ("Type", "Rang du thème", "Thème", "Votes du thème", "Contribution", "Auteur·rice",
           "Votes", "Question", "Horodatage", "Type d’acteur", "Territoire"),
    "en": ("Kind", "Theme rank", "Theme", "Theme votes", "Contribution", "Author", "Votes",
           "Question", "Time", "Type of actor", "Territory"),
}
PROGRAMME_COLUMNS = ("kind", "theme_rank", "theme", "theme_sessions", "theme_territories",
                     "session", "session_territory", "session_label", "votes",
                     "contributions", "examples")
PROGRAMME_HEADERS = {
    "fr": ("Type", "Rang du thème", "Thème", "Séances", "Territoires", "Séance",
           "Territoire de la séance", "Intitulé dans la séance", "Votes", "Contributions",
           "Exemples"),
    "en": ("Kind", "Theme rank", "Theme", "Sessions", "Territories", "Session",
           "Session territory", "Label in the session", "Votes", "Contributions",
           "Examples"),
}


def _write(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer, lineterminator="\r\n")  # no formula runs
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def render(s: Synthesis) -> bytes:
    lang = w.lang(s.language)
    t = w.words(lang)
    rows = []
    for kind in ("blocker", "lever"):
        for rank, theme in enumerate(s.themes(kind), start=1):
            for card in theme.cards:
                actor = card.profile.get("actor_type", "")
                rows.append([t[kind], str(rank), theme.label, str(theme.votes),
                             w.card_text(card.text, card.voice_seconds, lang),
                             card.author or "", str(card.votes), card.prompt or "", card.at,
                             w.actor_type(actor, lang) if actor else "",
                             card.profile.get("territory", "")])
    return _write(HEADERS[lang], rows)


def render_programme(p: ProgrammeSynthesis) -> bytes:
    lang = w.lang(p.language)
    t = w.words(lang)
    rows = []
    for kind, themes in (("blocker", p.blockers), ("lever", p.levers)):
        for rank, theme in enumerate(themes, start=1):
            for m in theme.mentions:
                rows.append([t[kind], str(rank), theme.label, str(theme.sessions),
                             ", ".join(theme.territories), m.session_title, m.territory or "",
                             m.label, str(m.votes), str(m.size), " | ".join(m.examples)])
    return _write(PROGRAMME_HEADERS[lang], rows)
