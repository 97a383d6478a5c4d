"""The one renderer of the charts: matplotlib (Agg), to SVG for html and pdf, to PNG for
docx. matplotlib is imported on the first drawing, never at import time, so the web app
does not pay for it at startup.

SVG output is deterministic (fixed hash salt, no date, no creator, ids prefixed per chart
so several charts can sit in one HTML page) and keeps text as text (`svg.fonttype: none`).
User text is never parsed as mathtext: a label with `$` is drawn as written.
"""

from __future__ import annotations

import hashlib
import io
import re
import textwrap
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.sax.saxutils import escape

from .specs import (
    Bar,
    Chart,
    HereThereChart,
    KindsChart,
    MemberRadarChart,
    ProgrammeThemesChart,
    RadarChart,
    StagesChart,
    ThemesChart,
)

# Colours of the print stylesheet (synthesis/templates/print.css) and the board's radar.
INK = "#1f2328"
MUTED = "#5f6368"
RULE = "#d9d4cc"
KIND_COLOUR = {"blocker": "#9f3a26", "lever": "#2b6e45", None: "#0b4f8a"}
KIND_HATCH = {"blocker": "////", "lever": None, None: None}  # blockers striped: not colour alone
HATCH_COLOUR = "#d9a293"  # a light brick: visible stripes that keep the bar's colour
STRIPE_STEP = 0.075  # inches between two stripes of a blocker's bar
RADAR_LINE = "#0b4f8a"
RADAR_BAND = "#9cc3e6"

WIDTH = 6.6  # inches: the A4 text column (172 mm) with a little room
FONT = "DejaVu Sans"  # bundled with matplotlib: the same metrics everywhere
SIZE = 9.0  # points, as printed at WIDTH
TITLE_SIZE = 11.0
SMALL = 8.0
RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": SIZE,
    "text.color": INK,
    "text.parse_math": False,  # "$x$" in a label stays "$x$"
    "svg.fonttype": "none",  # text stays text: searchable, selectable, translatable
    "svg.hashsalt": "facilitation",
    "svg.image_inline": True,
    "axes.unicode_minus": False,
    "hatch.linewidth": 1.6,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}
NO_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
PNG_DPI = 200
TITLE_ROOM = 0.34  # inches above a chart for its title

_lock = threading.Lock()  # rcParams are process-wide


def svg(chart: Chart, *, titled: bool = True, id: str | None = None) -> str:
    """The chart as an SVG element for inline use in HTML (no XML declaration or doctype):
    `role="img"`, a <title> and a <desc> (the numbers in words), every id prefixed with
    `id` (by default one derived from the chart, so the same chart gives the same SVG).

    :param titled: draw the chart's title (leave it out under a heading that says it).
    """
    prefix = id or "chart-" + hashlib.sha1(repr((chart, titled)).encode()).hexdigest()[:10]
    buffer = io.BytesIO()
    with _figure(chart, titled) as figure:
        figure.savefig(buffer, format="svg", metadata=NO_SVG_METADATA)
    return _inline(buffer.getvalue().decode("utf-8"), prefix, chart)


def png(chart: Chart, *, titled: bool = True, dpi: int = PNG_DPI) -> bytes:
    """The chart as PNG bytes (for docx), `WIDTH` inches wide at `dpi`."""
    buffer = io.BytesIO()
    with _figure(chart, titled) as figure:
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def render(chart: Chart, fmt: str, *, titled: bool = True) -> bytes:
    """`svg` (UTF-8) or `png` bytes."""
    if fmt == "svg":
        return svg(chart, titled=titled).encode("utf-8")
    if fmt == "png":
        return png(chart, titled=titled)
    raise ValueError(f"unknown chart format {fmt!r}: svg or png")


# -- matplotlib ----------------------------------------------------------------------------


def _matplotlib() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


@contextmanager
def _figure(chart: Chart, titled: bool) -> Iterator[Any]:
    matplotlib = _matplotlib()
    from matplotlib.figure import Figure

    draw = {ThemesChart: _themes, KindsChart: _kinds, RadarChart: _radar,
            MemberRadarChart: _member_radar, StagesChart: _stages,
            ProgrammeThemesChart: _programme_themes, HereThereChart: _here_there}[type(chart)]
    with _lock, matplotlib.rc_context(RC), warnings.catch_warnings():
        # a glyph DejaVu Sans lacks (an emoji) is drawn as a box in PNG; SVG text keeps it
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        warnings.filterwarnings("ignore", message=".*Matplotlib currently does not support")
        figure = Figure(figsize=(WIDTH, 1.0))
        draw(figure, chart, TITLE_ROOM if titled else 0.0)
        yield figure


def wrap(text: str, width: int, lines: int) -> str:
    """At most `lines` lines of about `width` characters, an ellipsis when cut."""
    text = " ".join(text.split())
    wrapped = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip(" ,;:·-") + "…"
    return "\n".join(wrapped)


def _frac(figure: Any, left: float, bottom: float, width: float, height: float) -> list[float]:
    """A rectangle in inches as figure fractions."""
    w, h = figure.get_size_inches()
    return [left / w, bottom / h, width / w, height / h]


def _size(figure: Any, height: float, title: str, title_room: float) -> None:
    """Size the figure and draw the title (when there is room for one) at the top left."""
    figure.set_size_inches(WIDTH, height)
    if title_room:
        figure.text(0.001, 1 - 0.05 / height, title, ha="left", va="top",
                    fontsize=TITLE_SIZE, fontweight="bold", color=INK)


def _top(height: float, inches: float) -> float:
    """A figure fraction `inches` below the top."""
    return 1 - inches / height


def _bare(ax: Any) -> None:
    ax.set_axis_off()
    ax.patch.set_visible(False)


def _legend(figure: Any, handles: list[Any], labels: list[str], y: float) -> None:
    """Swatches with their words, from the left edge, centred on `y` (a figure fraction)."""
    if not handles:
        return
    figure.legend(handles=handles, labels=labels, loc="center left",
                  bbox_to_anchor=(0.002, y), ncols=len(handles), frameon=False,
                  fontsize=SIZE, handlelength=1.6, handleheight=1.0, handletextpad=0.5,
                  columnspacing=1.4, borderpad=0, borderaxespad=0)


def _swatch(kind: str | None) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((0, 0), 1, 1, facecolor=KIND_COLOUR[kind], linewidth=0,
                     hatch=KIND_HATCH[kind], hatchcolor=HATCH_COLOUR)


def _bar(figure: Any, ax: Any, y: float, value: float, thickness: float,
         kind: str | None) -> None:
    """A horizontal bar in its kind's colour; a blocker's striped. The stripes are drawn as
    lines clipped to the bar, not as an SVG pattern, which PDF viewers tile with seams."""
    import numpy as np
    from matplotlib.lines import Line2D

    (bar,) = ax.barh(y, value, height=thickness, color=KIND_COLOUR[kind], linewidth=0)
    if not KIND_HATCH[kind] or not value:
        return
    to_inches = ax.transData + figure.dpi_scale_trans.inverted()  # the same at any dpi
    (x0, y0), (x1, y1) = to_inches.transform([(min(0, value), y - thickness / 2),
                                              (max(0, value), y + thickness / 2)])
    low, high = min(y0, y1), max(y0, y1)
    starts = np.arange(x0 - (high - low), x1, STRIPE_STEP)
    xs = np.column_stack([starts, starts + (high - low), np.full_like(starts, np.nan)])
    ys = np.tile([low, high, np.nan], (len(starts), 1))
    figure.add_artist(Line2D(xs.ravel(), ys.ravel(), transform=figure.dpi_scale_trans,
                             color=HATCH_COLOUR, linewidth=1.6, solid_capstyle="butt",
                             clip_path=bar))


def _themes(figure: Any, chart: ThemesChart, title_room: float) -> None:
    _ranked(figure, chart.title, chart.note, chart.legend, chart.bars, title_room)


def _programme_themes(figure: Any, chart: ProgrammeThemesChart, title_room: float) -> None:
    """The session's chart of votes, with in how many sessions each theme came up written
    at the right, in a column of its own."""
    _ranked(figure, chart.title, chart.note, chart.legend,
            tuple(Bar(b.label, b.votes, b.kind) for b in chart.bars), title_room,
            aside=tuple(b.where for b in chart.bars))


def _ranked(figure: Any, title: str, note: str, legend: tuple[tuple[str, str], ...],
            bars: tuple[Bar, ...], title_room: float, aside: tuple[str, ...] = ()) -> None:
    """Horizontal bars, largest first, their label at the left and their value at their
    end; `aside`, one text per bar, right-aligned in a column at the right edge."""
    n, row = len(bars), 0.34
    head = title_room + 0.3  # the title, then the legend line
    bottom = 0.06
    height = head + n * row + bottom
    _size(figure, height, title, title_room)
    line = _top(height, title_room + 0.1)
    _legend(figure, [_swatch(kind) for kind, _ in legend], [word for _, word in legend], line)
    if note:
        figure.text(0.997, line, note, ha="right", va="center", fontsize=SMALL,
                    color=MUTED, fontstyle="italic")
    label_width, value_room = 2.75, 0.45
    aside_room = 0.95 if aside else 0.0
    ax = figure.add_axes(_frac(figure, label_width, bottom,
                               WIDTH - label_width - value_room - aside_room, n * row))
    _bare(ax)
    top = max(bar.value for bar in bars)
    ax.set_xlim(0, top)
    ax.set_ylim(n - 0.5, -0.5)
    for y, bar in enumerate(bars):
        _bar(figure, ax, y, bar.value, 0.64, bar.kind)
        ax.text(bar.value + top * 0.015, y, str(bar.value), ha="left", va="center_baseline",
                fontweight="bold", color=INK, clip_on=False)
        label = wrap(bar.label, 40, 2)
        ax.text(-top * 0.025, y, label, ha="right",
                va="center" if "\n" in label else "center_baseline", color=INK,
                linespacing=1.1, clip_on=False)
    ax.axvline(0, color=INK, linewidth=0.8)
    if aside:
        to_figure = ax.transData + figure.transFigure.inverted()
        for y, text in enumerate(aside):
            _, fy = to_figure.transform((0, y))
            figure.text(0.997, fy, text, ha="right", va="center_baseline", color=MUTED)


def _kinds(figure: Any, chart: KindsChart, title_room: float) -> None:
    label_line, bar_h, gap = 0.165, 0.2, 0.2
    labels = [wrap(row.label, 96, 2) for row in chart.rows]
    heights = [(label.count("\n") + 1) * label_line + 0.05 + bar_h for label in labels]
    head = title_room + 0.32  # the title, then the two words over the two halves
    bottom = 0.04
    body = sum(heights) + gap * (len(heights) - 1)
    height = head + body + bottom
    _size(figure, height, chart.title, title_room)
    for kind, word, sign in (("blocker", chart.blockers_word, -1),
                             ("lever", chart.levers_word, 1)):
        figure.text(0.5 + sign * 0.012, _top(height, title_room + 0.12),
                    f"◀ {word}" if sign < 0 else f"{word} ▶",
                    ha="right" if sign < 0 else "left", va="center", fontsize=SIZE + 0.5,
                    fontweight="bold", color=KIND_COLOUR[kind])
    ax = figure.add_axes(_frac(figure, 0, bottom, WIDTH, body))
    _bare(ax)
    top = max(max(r.blockers, r.levers) for r in chart.rows)
    span = top * 1.18
    ax.set_xlim(-span, span)
    ax.set_ylim(body, 0)
    y = 0.0
    for row, label, h in zip(chart.rows, labels, heights, strict=True):
        ax.text(-span, y, label, ha="left", va="top", fontstyle="italic", color=INK,
                linespacing=1.15, clip_on=False)
        centre = y + h - bar_h / 2
        for kind, value, sign in (("blocker", row.blockers, -1), ("lever", row.levers, 1)):
            if value:
                _bar(figure, ax, centre, sign * value, bar_h, kind)
            ax.text(sign * (value + top * 0.03), centre, str(value),
                    ha="right" if sign < 0 else "left", va="center_baseline",
                    fontweight="bold", color=INK if value else MUTED)
        y += h + gap
    ax.plot([0, 0], [0, body], color=INK, linewidth=0.8, solid_capstyle="butt")


def _here_there(figure: Any, chart: HereThereChart, title_room: float) -> None:
    """Like the chart per question, with territories for sides: "◀ here" and "there ▶"
    over the two halves, the blockers then the levers under their word (in their colour),
    each theme's label over its two bars; what the bars count, and what was left out, at
    the bottom."""
    title = wrap(chart.title, 62, 3)  # long territories' names: up to three lines
    if title_room:
        title_room += 0.19 * title.count("\n")
    sides = [wrap(name, 32, 2) for name in (chart.here, chart.there)]
    side_lines = max(side.count("\n") + 1 for side in sides)
    label_line, bar_h, gap, group_h = 0.165, 0.19, 0.15, 0.3
    labels = [wrap(row.label, 96, 2) for row in chart.rows]
    heights = [(label.count("\n") + 1) * label_line + 0.04 + bar_h for label in labels]
    groups = [kind for kind, _ in chart.kinds]
    head = title_room + 0.17 + 0.17 * side_lines  # the title, the two territories' names
    foot = 0.3  # what the bars count
    body = sum(heights) + gap * (len(heights) - 1) + group_h * len(groups)
    height = head + body + foot
    _size(figure, height, title, title_room)
    for side, sign in zip(sides, (-1, 1), strict=True):
        text = f"◀ {side}" if sign < 0 else f"{side} ▶"  # the arrows point outwards
        figure.text(0.5 + sign * 0.012, _top(height, title_room + 0.05), text,
                    ha="right" if sign < 0 else "left",
                    va="top", multialignment="right" if sign < 0 else "left",
                    fontsize=SIZE + 0.5, fontweight="bold", color=INK, linespacing=1.15)
    line = 0.11 / height
    figure.text(0.001, line, chart.measure, ha="left", va="center", fontsize=SMALL,
                color=MUTED)
    if chart.note:
        figure.text(0.997, line, chart.note, ha="right", va="center", fontsize=SMALL,
                    color=MUTED, fontstyle="italic")
    ax = figure.add_axes(_frac(figure, 0, foot, WIDTH, body))
    _bare(ax)
    top = max(max(r.here, r.there) for r in chart.rows)
    span = top * 1.18
    ax.set_xlim(-span, span)
    ax.set_ylim(body, 0)
    words = dict(chart.kinds)
    y, kind = 0.0, None
    for row, label, h in zip(chart.rows, labels, heights, strict=True):
        if row.kind != kind:
            kind = row.kind
            if y:  # the levers: a rule between the two groups
                ax.plot([-span, span], [y - gap / 2, y - gap / 2], color=RULE, linewidth=0.8)
            ax.text(-span, y + group_h / 2, words[kind], ha="left", va="center",
                    fontsize=SIZE + 0.5, fontweight="bold", color=KIND_COLOUR[kind])
            y += group_h
        ax.text(-span, y, label, ha="left", va="top", color=INK, linespacing=1.15,
                clip_on=False)
        centre = y + h - bar_h / 2
        for value, sign in ((row.here, -1), (row.there, 1)):
            if value:
                _bar(figure, ax, centre, sign * value, bar_h, row.kind)
            ax.text(sign * (value + top * 0.03), centre, str(value),
                    ha="right" if sign < 0 else "left", va="center_baseline",
                    fontweight="bold", color=INK if value else MUTED)
        ax.plot([0, 0], [centre - bar_h / 2 - 0.03, centre + bar_h / 2 + 0.03], color=INK,
                linewidth=0.8, solid_capstyle="butt")
        y += h + gap


class _Grid:
    """The radar's web: rings 1–5 as polygons, spokes, the scale and the axes' names, on an
    axes with equal scales; `point(i, value)` places a value on axis i."""

    def __init__(self, figure: Any, axes: tuple[str, ...], bottom: float, plot: float) -> None:
        import math

        self.math = math
        self.ax = ax = figure.add_axes(_frac(figure, 0, bottom, WIDTH, plot))
        _bare(ax)
        reach = 6.15  # the outer ring is 5, the axes' names need the rest
        ax.set_ylim(-reach, reach)
        ax.set_xlim(-reach * WIDTH / plot, reach * WIDTH / plot)  # equal scales
        self.n = n = len(axes)
        self.angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]  # clockwise
        for level in range(1, 6):
            xs, ys = zip(*self.ring((float(level),) * n), strict=True)
            ax.fill(xs, ys, fill=False, edgecolor="#9d968a" if level == 5 else RULE,
                    linewidth=1.1 if level == 5 else 0.7)
        for i in range(n):
            x, y = self.point(i, 5)
            ax.plot([0, x], [0, y], color=RULE, linewidth=0.7)
        for i, label in enumerate(axes):
            c, s = math.cos(self.angles[i]), math.sin(self.angles[i])
            x, y = self.point(i, 5.55)
            ha = "left" if c > 0.2 else "right" if c < -0.2 else "center"
            va = "bottom" if s > 0.5 else "top" if s < -0.5 else "center"
            ax.text(x, y, wrap(label, 22, 3), ha=ha, va=va, color=INK, fontweight="bold",
                    linespacing=1.1, multialignment=ha, clip_on=False)

    def point(self, i: int, value: float) -> tuple[float, float]:
        return (value * self.math.cos(self.angles[i]), value * self.math.sin(self.angles[i]))

    def ring(self, values: tuple[float | None, ...]) -> list[tuple[float, float]]:
        return [self.point(i, v) for i, v in enumerate(values) if v is not None]

    def scale(self) -> None:
        """1 to 5 along the first edge, off the spokes (drawn last: over the shapes)."""
        between = (self.angles[0] + self.angles[1]) / 2
        for level in range(1, 6):
            edge = level * self.math.cos(self.math.pi / self.n)
            self.ax.text(edge * self.math.cos(between), edge * self.math.sin(between),
                         str(level), ha="center", va="center", fontsize=SMALL - 0.5,
                         color=MUTED, bbox={"boxstyle": "square,pad=0.08",
                                            "facecolor": "white", "edgecolor": "none",
                                            "alpha": 0.8})

    def outline(self, values: tuple[float | None, ...], **style: Any) -> None:
        shape = self.ring(values)
        if len(shape) >= 2:
            xs, ys = zip(*[*shape, shape[0]], strict=True)
            self.ax.plot(xs, ys, solid_joinstyle="round", **style)


def _radar(figure: Any, chart: RadarChart, title_room: float) -> None:
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    plot, legend_room = 3.4, 0.38
    height = title_room + 0.08 + plot + legend_room
    _size(figure, height, chart.title, title_room)
    grid = _Grid(figure, chart.axes, legend_room, plot)
    outer, inner = grid.ring(chart.p75), grid.ring(chart.p25)
    if len(outer) >= 3 and len(inner) >= 3:  # the middle half: between the quartiles
        vertices = [*outer, outer[0], *reversed(inner), inner[-1]]
        codes = ([Path.MOVETO] + [Path.LINETO] * (len(outer) - 1) + [Path.CLOSEPOLY]
                 + [Path.MOVETO] + [Path.LINETO] * (len(inner) - 1) + [Path.CLOSEPOLY])
        grid.ax.add_patch(PathPatch(Path(vertices, codes), facecolor=RADAR_BAND, alpha=0.6,
                                    linewidth=0))
    middle = grid.ring(chart.median)
    if len(middle) >= 3:
        xs, ys = zip(*middle, strict=True)
        grid.ax.fill(xs, ys, facecolor=RADAR_LINE, alpha=0.16, linewidth=0)
    grid.outline(chart.median, color=RADAR_LINE, linewidth=2.2)
    for i, value in enumerate(chart.median):
        if value is not None:
            grid.ax.plot(*grid.point(i, value), marker="o", markersize=5.5, color=RADAR_LINE,
                         markeredgecolor="white", markeredgewidth=1.2)
    grid.scale()
    line = legend_room / 2 / height
    keys = [Rectangle((0, 0), 1, 1, facecolor=(0.043, 0.31, 0.54, 0.16),
                      edgecolor=RADAR_LINE, linewidth=2.0)]
    words = [chart.median_word]
    if len(outer) >= 3 and len(inner) >= 3:  # the band's key only under a band
        keys.append(Rectangle((0, 0), 1, 1, facecolor=RADAR_BAND, alpha=0.6, linewidth=0))
        words.append(chart.band_word)
    _legend(figure, keys, words, line)
    figure.text(0.997, line, chart.scale_word, ha="right", va="center", fontsize=SMALL,
                color=MUTED)


# a member's meetings, oldest to latest: lighter and dotted to dark and solid
_SERIES = (("#8fb3d6", (0, (1.2, 1.6))), ("#4f83b8", (0, (4, 2))), (RADAR_LINE, "solid"))


def _member_radar(figure: Any, chart: MemberRadarChart, title_room: float) -> None:
    from matplotlib.lines import Line2D

    plot, legend_room = 3.4, 0.38
    height = title_room + 0.08 + plot + legend_room
    _size(figure, height, chart.title, title_room)
    grid = _Grid(figure, chart.axes, legend_room, plot)
    styles = _SERIES[-len(chart.series):] if len(chart.series) <= len(_SERIES) else (
        [_SERIES[0]] * (len(chart.series) - len(_SERIES)) + list(_SERIES))
    for (_, values), (colour, dash) in zip(chart.series, styles, strict=True):
        grid.outline(values, color=colour, linewidth=2.2, linestyle=dash)
    latest = chart.series[-1][1]
    for i, value in enumerate(latest):
        if value is not None:
            grid.ax.plot(*grid.point(i, value), marker="o", markersize=5.5, color=RADAR_LINE,
                         markeredgecolor="white", markeredgewidth=1.2)
    grid.scale()
    line = legend_room / 2 / height
    _legend(figure, [Line2D([], [], color=c, linewidth=2.2, linestyle=d) for c, d in styles],
            [meeting for meeting, _ in chart.series], line)
    figure.text(0.997, line, chart.scale_word, ha="right", va="center", fontsize=SMALL,
                color=MUTED)


def _stages(figure: Any, chart: StagesChart, title_room: float) -> None:
    plot, labels_room = 1.75, 0.42
    height = title_room + 0.1 + plot + labels_room
    _size(figure, height, chart.title, title_room)
    ax = figure.add_axes(_frac(figure, 0.1, labels_room, WIDTH - 0.2, plot))
    _bare(ax)
    n = len(chart.bars)
    top = max(bar.value for bar in chart.bars)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(0, top * 1.15)
    for x, bar in enumerate(chart.bars):
        if bar.value:
            ax.bar(x, bar.value, width=0.62, color=KIND_COLOUR[bar.kind], linewidth=0)
        ax.text(x, bar.value + top * 0.03, str(bar.value), ha="center", va="bottom",
                fontweight="bold", color=INK if bar.value else MUTED)
        ax.text(x, -top * 0.12, wrap(bar.label, 18, 2), ha="center", va="baseline",
                color=INK, linespacing=1.1, clip_on=False)
    ax.axhline(0, color=INK, linewidth=0.8)


# -- SVG for inline use --------------------------------------------------------------------

_PROLOGUE = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)
_TAG = re.compile(r"<[^>]+>")  # text is escaped: "<" and ">" only delimit tags
_ID = re.compile(r'(\bid="|url\(#|xlink:href="#)([^")]+)')


_STYLE = re.compile(r' style="([^"]*)"')
_SHEET = re.compile(r"\s*<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>")


def _attributes(match: re.Match[str]) -> str:
    """style="fill: #fff; stroke-width: 2" -> fill="#fff" stroke-width="2": presentation
    attributes, which an HTML page's stylesheet (and WeasyPrint) leave to the SVG."""
    pairs = (d.split(":", 1) for d in match[1].split(";") if ":" in d)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def _inline(document: str, prefix: str, chart: Chart) -> str:
    body = _SHEET.sub("", _PROLOGUE.sub("", document), count=1)

    def tag(match: re.Match[str]) -> str:
        text = _ID.sub(lambda m: f"{m[1]}{prefix}-{m[2]}", match[0])
        return _STYLE.sub(_attributes, text)

    body = _TAG.sub(tag, body)
    body = body.replace(  # what matplotlib's <style> said for every element
        "<svg ", f'<svg class="chart" role="img" aria-labelledby="{prefix}-title {prefix}-desc"'
        ' stroke-linejoin="round" stroke-linecap="butt" ', 1)
    first = body.index(">", body.index("<svg")) + 1
    return (body[:first]
            + f'\n <title id="{prefix}-title">{escape(chart.title)}</title>'
            + f'\n <desc id="{prefix}-desc">{escape(chart.summary)}</desc>'
            + body[first:])
