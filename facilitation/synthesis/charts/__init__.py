"""Charts of a session, a club and a programme: themes by votes, blockers against levers
per question, the room's competence radar (and a member's own, in their own document),
projects by stage, a programme's themes across its sessions, and two of its territories
face to face ("here and there"). Pure code (no Flask, no database): a builder turns plain
data into a small frozen spec, one renderer (matplotlib, imported on first use) draws any
spec as SVG (html, pdf) or PNG (docx), so the same chart appears in every format.

    chart = themes_by_votes(synthesis.blockers + synthesis.levers, "fr")
    if chart:                       # None when there is nothing to draw
        html_fragment = svg(chart)  # <svg class="chart" role="img" …>…</svg>
        image = png(chart)          # bytes, for python-docx's add_picture
"""

from __future__ import annotations

from .draw import png, render, svg
from .specs import (
    Bar,
    Chart,
    HereThereChart,
    KindsChart,
    MemberRadarChart,
    ProgrammeThemesChart,
    PromptRow,
    RadarChart,
    SideRow,
    StagesChart,
    ThemesChart,
    ThemeSpread,
    here_and_there,
    kinds_per_prompt,
    member_radar,
    programme_themes,
    projects_by_stage,
    radar,
    themes_by_votes,
)

__all__ = [
    "Bar", "Chart", "HereThereChart", "KindsChart", "MemberRadarChart", "ProgrammeThemesChart",
    "PromptRow", "RadarChart", "SideRow", "StagesChart", "ThemeSpread", "ThemesChart",
    "here_and_there", "kinds_per_prompt", "member_radar", "png", "programme_themes",
    "projects_by_stage", "radar", "render", "svg", "themes_by_votes",
]
