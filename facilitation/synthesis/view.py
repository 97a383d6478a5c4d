"""What every format shows, prepared once: the header lines, the "who raised what" table,
the programme's "here and there" lists. Plain data (strings, tuples); each renderer only
lays it out and escapes it for its own syntax."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.club.words import stage_names
from . import charts
from . import words as w
from .club import NO_STAGE, NextStep
from .model import Synthesis, ThemeItem
from .programme import Answer, ProgrammeSynthesis, ProgrammeTheme

KINDS = (("blocker", "blockers"), ("lever", "levers"))


def meta(s: Synthesis) -> list[tuple[str, str]]:
    """The header lines of a session document, those that have a value, in order."""
    t = w.words(s.language)
    place = " — ".join(p for p in (s.place, s.territory) if p)
    rows = [
        (t["kind"], s.kind_name),
        (t["date"], w.long_date(s.date, s.language)),
        (t["place"], place),
        (t["programme"], s.programme or ""),
        (t["facilitators"], ", ".join(s.facilitators)),
        (t["participants"], str(s.participants)),
        (t["contributions"], str(s.contributions)),
    ]
    return [(label, value) for label, value in rows if value]


def title(s: Synthesis) -> str:
    return s.title or w.words(s.language)["synthesis"]


def subtitle(s: Synthesis) -> str:
    """'Synthèse · Thé-palabre · 12 mars 2026'."""
    parts = [w.words(s.language)["synthesis"], s.kind_name, w.long_date(s.date, s.language)]
    return " · ".join(p for p in parts if p)


def provisional(s: Synthesis) -> bool:
    return s.phase not in ("synthesis", "closed")


def due(value: str | None, language: str) -> str:
    return w.long_date(value, language) if value else ""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def who(s: Synthesis) -> Table | None:
    """Themes × actor types (number of contributions), or None without any profile."""
    themes = [theme for theme in (*s.blockers, *s.levers) if theme.actor_types]
    if not themes:
        return None
    t = w.words(s.language)
    keys = w.actor_keys({k for theme in themes for k in theme.actor_types})
    columns = (t["theme"], *(w.actor_type(k, s.language) for k in keys))
    rows = tuple(
        (f"{t[theme.kind]} — {theme.label}",
         *(str(theme.actor_types.get(k, 0)) if theme.actor_types.get(k) else "–"
           for k in keys))
        for theme in themes
    )
    return Table(columns, rows)


def profiles(s: Synthesis) -> list[tuple[str, list[tuple[str, int]]]]:
    """(question label, [(answer label, participants)]) for each question with answers."""
    result = []
    for question, answers in s.profiles.items():
        if not answers:
            continue
        keys = w.actor_keys(list(answers)) if question == "actor_type" else list(answers)
        result.append((w.profile_question(question, s.language),
                       [(w.profile_answer(question, k, s.language), answers[k]) for k in keys]))
    return result


def paragraphs(text: str) -> list[str]:
    """Free text cut into paragraphs at blank lines, lines inside one joined."""
    blocks = [" ".join(line.strip() for line in block.splitlines() if line.strip())
              for block in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]


def theme_rows(themes: tuple[ThemeItem, ...]) -> list[tuple[int, ThemeItem]]:
    return list(enumerate(themes, start=1))


# -- charts (drawn by synthesis/charts: SVG in html and pdf, PNG in docx) -----------------------


def prompt_counts(s: Synthesis) -> list[tuple[str | None, int, int]]:
    """(question, blockers, levers) for the questions asked, in order, then contributions
    whose question is unknown (None: sent outside any question) last."""
    counts: dict[str | None, list[int]] = {prompt: [0, 0] for prompt in s.prompts}
    for theme in (*s.blockers, *s.levers):
        for card in theme.cards:
            counts.setdefault(card.prompt, [0, 0])[0 if card.kind == "blocker" else 1] += 1
    rows = [(prompt, b, lv) for prompt, (b, lv) in counts.items() if prompt is not None]
    if None in counts:
        rows.append((None, *counts[None]))
    return rows


def votes_chart(s: Synthesis) -> charts.ThemesChart | None:
    """The most voted themes of both kinds; None without any vote."""
    return charts.themes_by_votes((*s.blockers, *s.levers), s.language)


def kinds_chart(s: Synthesis) -> charts.KindsChart | None:
    """Blockers against levers per question; None without any contribution."""
    return charts.kinds_per_prompt(prompt_counts(s), s.language)


def radar_chart(s: Synthesis) -> charts.RadarChart | None:
    """The room's radar (aggregates only); None when the session had none."""
    r = s.radar
    if r is None:
        return None
    return charts.radar([{"id": a.id, "label": a.label} for a in r.axes], r.median, {}, {},
                        responses=r.responses, language=s.language)


def radar_intro(s: Synthesis) -> str:
    responses = w.count(s.radar.responses if s.radar else 0, "response", s.language)
    return w.words(s.language)["radar_intro"].format(responses=responses)


def radar_table(s: Synthesis) -> Table | None:
    """Per axis: median and number of answers, in the document's numbers ('2,5' in
    French); no spread (see domain/radar.py)."""
    r = s.radar
    if r is None:
        return None
    t = w.words(s.language)

    def n(value: float | None) -> str:
        return w.number(value, s.language)

    rows = tuple(
        (a.label, n(r.median.get(a.id)), str(r.answers.get(a.id, 0))) for a in r.axes)
    return Table((t["competence"], t["median"], t["radar_answers"]), rows)


# -- a club meeting: the club's projects ---------------------------------------------------


@dataclass(frozen=True)
class ClubRow:
    member: str
    project: str  # the title, or "pas encore dit"
    stage: str  # the stage's name, or "pas encore dite"
    steps: tuple[str, ...]  # "Voir la banque (pour le 10 décembre 2026, avec l’aide de Moussa)"
    updated: bool  # changed during this meeting
    changed: str  # the fields changed during this meeting, named: "étape, prochaines étapes"
    said: tuple[bool, bool]  # whether the project's title and its stage are said


def club_chart(s: Synthesis) -> charts.StagesChart | None:
    """Projects per stage (those with a stage); None for a session that is no club
    meeting or a club where no project has a stage yet."""
    if s.club is None:
        return None
    return charts.projects_by_stage(s.club.staged(), stage_names(s.language), s.language)


def club_intro(s: Synthesis) -> str:
    c = s.club
    if c is None:
        return ""
    t = w.words(s.language)
    projects = w.count(len(c.projects), "project", s.language)
    if not c.updated:
        return t["club_intro_none"].format(projects=projects)
    return t["club_intro"].format(projects=projects, updated=c.updated)


def club_no_stage(s: Synthesis) -> str:
    """Under the chart: how many projects it leaves out (no stage yet); "" when none."""
    missing = s.club.stages.get(NO_STAGE, 0) if s.club else 0
    if not missing or club_chart(s) is None:
        return ""
    return w.words(s.language)["club_no_stage"].format(
        projects=w.count(missing, "project", s.language))


def club_columns(language: str) -> tuple[str, ...]:
    t = w.words(language)
    return (t["member"], t["project"], t["stage"], t["next_steps"])


def step_text(step: NextStep, language: str) -> str:
    t = w.words(language)
    details = []
    if step.due:
        details.append(t["step_due"].format(date=w.long_date(step.due, language)))
    if step.helper:
        helper = "step_helper_elided" if w.elides(step.helper, language) else "step_helper"
        details.append(t[helper].format(name=step.helper))
    return f"{step.text} ({', '.join(details)})" if details else step.text


def club_rows(s: Synthesis) -> list[ClubRow]:
    if s.club is None:
        return []
    t = w.words(s.language)
    names = stage_names(s.language)
    return [ClubRow(
        member=p.member, project=p.project or t["no_project"],
        stage=names.get(p.stage, t["no_stage"]) if p.stage else t["no_stage"],
        steps=tuple(step_text(step, s.language) for step in p.next_steps),
        updated=p.updated_here,
        changed=", ".join(t[f"field_{f}"] for f in p.changes_here if f"field_{f}" in t),
        said=(bool(p.project), p.stage in names),
    ) for p in s.club.projects]


# -- programme ---------------------------------------------------------------------------


def programme_meta(p: ProgrammeSynthesis) -> list[tuple[str, str]]:
    t = w.words(p.language)
    rows = [
        (t["territories"], ", ".join(p.territories)),
        (t["sessions"], str(len(p.sessions))),
        (t["participants"], str(p.participants)),
        (t["contributions"], str(p.contributions)),
    ]
    return [(label, value) for label, value in rows if value]


def programme_dates(p: ProgrammeSynthesis) -> str:
    """'12 mars 2026 – 4 juin 2026' from the sessions' dates."""
    days = sorted(s["date"] for s in p.sessions if s.get("date"))
    if not days:
        return ""
    first, last = w.long_date(days[0], p.language), w.long_date(days[-1], p.language)
    return first if first == last else f"{first} – {last}"


def session_row(session: dict[str, Any], language: str) -> tuple[str, ...]:
    return (session.get("title") or "", w.long_date(session.get("date"), language),
            session.get("territory") or "", str(session.get("participants", 0)),
            str(session.get("contributions", 0)))


def session_columns(language: str) -> tuple[str, ...]:
    t = w.words(language)
    return (t["session"], t["date"], t["territory"], t["participants"], t["contributions"])


def raised_in(theme: ProgrammeTheme, language: str) -> str:
    """'Évoqué dans 2 séances (Hauts-de-France, Kayes)'."""
    t = w.words(language)
    where = w.count(theme.sessions, "session", language)
    link = " dans " if w.lang(language) == "fr" else " "
    text = f"{t['raised_in']}{link}{where}"
    if theme.territories:
        text += f" ({', '.join(theme.territories)})"
    return text


def examples(theme: ProgrammeTheme, limit: int = 4) -> list[str]:
    """Example contributions, the best-voted sessions' first, without repeats."""
    seen: dict[str, None] = {}
    for mention in sorted(theme.mentions, key=lambda m: (-m.votes, -m.size, m.session_title)):
        for text in mention.examples:
            seen.setdefault(text, None)
    return list(seen)[:limit]


def programme_chart(p: ProgrammeSynthesis) -> charts.ProgrammeThemesChart | None:
    """The ten most voted merged themes of both kinds (then those raised in more
    sessions), with in how many sessions each came up; None without any vote."""
    return charts.programme_themes((*p.blockers, *p.levers), p.language)


def side_rows(p: ProgrammeSynthesis) -> list[charts.SideRow]:
    """The comparison's themes, blockers then levers, each kind's shared themes first, then
    those of here, then those of there, with their contributions on each side."""
    c = p.comparison
    if c is None:
        return []

    def on(theme: ProgrammeTheme, territory: str) -> int:
        return sum(m.size for m in theme.mentions if m.territory == territory)

    ids = (*c.shared_blockers, *c.blockers_only_here, *c.blockers_only_there,
           *c.shared_levers, *c.levers_only_here, *c.levers_only_there)
    return [charts.SideRow(theme.label, theme.kind, on(theme, c.here), on(theme, c.there))
            for theme in (p.theme(i) for i in ids)]


def here_and_there_chart(p: ProgrammeSynthesis) -> charts.HereThereChart | None:
    """The two territories face to face; None without a comparison or a theme on a side."""
    c = p.comparison
    if c is None:
        return None
    return charts.here_and_there(c.here, c.there, side_rows(p), p.language)


@dataclass(frozen=True)
class ThemeList:
    heading: str
    kind: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class AnswerList:
    heading: str
    pairs: tuple[tuple[str, str], ...]  # (lever label, blocker label)


def here_and_there(p: ProgrammeSynthesis) -> tuple[list[ThemeList], list[AnswerList]] | None:
    """The comparison as lists of labels, or None when the programme has none."""
    c = p.comparison
    if c is None:
        return None
    t = w.words(p.language)

    def labels(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(p.theme(i).label for i in ids)

    def pairs(answers: tuple[Answer, ...]) -> tuple[tuple[str, str], ...]:
        return tuple((p.theme(a.lever).label, p.theme(a.blocker).label) for a in answers)

    lists = [
        ThemeList(t["shared_blockers"], "blocker", labels(c.shared_blockers)),
        ThemeList(t["blockers_only"].format(territory=c.here), "blocker",
                  labels(c.blockers_only_here)),
        ThemeList(t["blockers_only"].format(territory=c.there), "blocker",
                  labels(c.blockers_only_there)),
        ThemeList(t["shared_levers"], "lever", labels(c.shared_levers)),
        ThemeList(t["levers_only"].format(territory=c.here), "lever",
                  labels(c.levers_only_here)),
        ThemeList(t["levers_only"].format(territory=c.there), "lever",
                  labels(c.levers_only_there)),
    ]
    answers = [
        AnswerList(t["answers_from"].format(source=c.there, target=c.here),
                   pairs(c.answers_from_there)),
        AnswerList(t["answers_from"].format(source=c.here, target=c.there),
                   pairs(c.answers_from_here)),
    ]
    return lists, answers
