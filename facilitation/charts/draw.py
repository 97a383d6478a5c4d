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

from .specs import Chart, KindsChart, RadarChart, StagesChart, ThemesChart

# Colours of the print stylesheet (synthesis/templates/print.css) and the board's radar.
INK = "#1f2328"
MUTED = "#5f6368"
RULE = "#d9d4cc"
KIND_COLOUR = {"blocker": "#9f3a26", "lever": "#2b6e45", None: "#0b4f8a"}
KIND_HATCH = {"blocker": "////", "lever": None, None: None}  # blockers striped: not colour alone
HATCH_COLOUR = "#d9a293"  # a light brick: visible stripes that keep the bar's colour
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

_lock = threading.Lock()  # rcParams are process-wide


def svg(chart: Chart, *, id: str | None = None) -> str:
    """The chart as an SVG element for inline use in HTML (no XML declaration or doctype):
    `role="img"`, a <title> and a <desc> (the numbers in words), every id prefixed with
    `id` (by default one derived from the chart, so the same chart gives the same SVG)."""
    prefix = id or "chart-" + hashlib.sha1(repr(chart).encode()).hexdigest()[:10]
    buffer = io.BytesIO()
    with _figure(chart) as figure:
        figure.savefig(buffer, format="svg", metadata=NO_SVG_METADATA)
    return _inline(buffer.getvalue().decode("utf-8"), prefix, chart)


def png(chart: Chart, *, dpi: int = PNG_DPI) -> bytes:
    """The chart as PNG bytes (for docx), `WIDTH` inches wide at `dpi`."""
    buffer = io.BytesIO()
    with _figure(chart) as figure:
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def render(chart: Chart, fmt: str) -> bytes:
    """`svg` (UTF-8) or `png` bytes."""
    if fmt == "svg":
        return svg(chart).encode("utf-8")
    if fmt == "png":
        return png(chart)
    raise ValueError(f"unknown chart format {fmt!r}: svg or png")


# -- matplotlib ----------------------------------------------------------------------------


def _matplotlib() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


@contextmanager
def _figure(chart: Chart) -> Iterator[Any]:
    matplotlib = _matplotlib()
    from matplotlib.figure import Figure

    draw = {ThemesChart: _themes, KindsChart: _kinds, RadarChart: _radar,
            StagesChart: _stages}[type(chart)]
    with _lock, matplotlib.rc_context(RC), warnings.catch_warnings():
        # a glyph DejaVu Sans lacks (an emoji) is drawn as a box in PNG; SVG text keeps it
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        warnings.filterwarnings("ignore", message=".*Matplotlib currently does not support")
        figure = Figure(figsize=(WIDTH, 1.0))
        draw(figure, chart)
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


def _header(figure: Any, title: str, height: float) -> None:
    figure.text(0, 1 - 0.06 / height, title, ha="left", va="top", fontsize=TITLE_SIZE,
                fontweight="bold", color=INK)


def _bare(ax: Any) -> None:
    ax.set_axis_off()
    ax.patch.set_visible(False)


def _themes(figure: Any, chart: ThemesChart) -> None:
    n = len(chart.bars)
    row = 0.34
    header, bottom = 0.62, 0.08
    height = header + n * row + bottom
    figure.set_size_inches(WIDTH, height)
    _header(figure, chart.title, height)
    _legend(figure, chart.legend, height, 0.40)
    if chart.note:
        figure.text(1, 1 - 0.40 / height, chart.note, ha="right", va="center",
                    fontsize=SMALL, color=MUTED, fontstyle="italic")
    label_width, value_room = 2.75, 0.45
    ax = figure.add_axes(_frac(figure, label_width, bottom, WIDTH - label_width - value_room,
                               n * row))
    _bare(ax)
    top = max(bar.value for bar in chart.bars)
    ax.set_xlim(0, top)
    ax.set_ylim(n - 0.5, -0.5)
    for y, bar in enumerate(chart.bars):
        ax.barh(y, bar.value, height=0.64, color=KIND_COLOUR[bar.kind], linewidth=0,
                hatch=KIND_HATCH[bar.kind], hatchcolor=HATCH_COLOUR)
        ax.text(bar.value + top * 0.015, y, str(bar.value), ha="left", va="center",
                fontweight="bold", color=INK, clip_on=False)
        ax.text(-top * 0.025, y, wrap(bar.label, 40, 2), ha="right", va="center",
                color=INK, linespacing=1.1, clip_on=False)
    ax.axvline(0, color=INK, linewidth=0.8)


def _legend(figure: Any, legend: tuple[tuple[str, str], ...], height: float,
            line: float) -> None:
    """Swatches with their words (bars are never told apart by colour alone)."""
    from matplotlib.patches import Rectangle

    if not legend:
        return
    figure.legend(
        handles=[Rectangle((0, 0), 1, 1, color=KIND_COLOUR[kind], linewidth=0,
                           hatch=KIND_HATCH[kind], hatchcolor=HATCH_COLOUR)
                 for kind, _ in legend],
        labels=[word for _, word in legend],
        loc="center left", bbox_to_anchor=(0, 1 - line / height), ncols=len(legend),
        frameon=False, fontsize=SIZE, handlelength=1.6, handleheight=1.0,
        handletextpad=0.5, columnspacing=1.4, borderpad=0, borderaxespad=0,
    )


def _kinds(figure: Any, chart: KindsChart) -> None:
    label_line, bar_h, gap = 0.165, 0.2, 0.2
    labels = [wrap(row.label, 96, 2) for row in chart.rows]
    heights = [(label.count("\n") + 1) * label_line + 0.05 + bar_h for label in labels]
    header, bottom = 0.66, 0.06
    body = sum(heights) + gap * (len(heights) - 1)
    height = header + body + bottom
    figure.set_size_inches(WIDTH, height)
    _header(figure, chart.title, height)
    ax = figure.add_axes(_frac(figure, 0, bottom, WIDTH, body))
    _bare(ax)
    top = max(max(r.blockers, r.levers) for r in chart.rows)
    span = top * 1.18
    ax.set_xlim(-span, span)
    ax.set_ylim(body, 0)
    # the two words over the two halves, each in its kind's colour
    for kind, word, sign in (("blocker", chart.blockers_word, -1),
                             ("lever", chart.levers_word, 1)):
        figure.text(0.5 + sign * 0.012, 1 - 0.44 / height,
                    ("◀ " + word) if sign < 0 else (word + " ▶"),
                    ha="right" if sign < 0 else "left", va="center", fontsize=SIZE + 0.5,
                    fontweight="bold", color=KIND_COLOUR[kind])
    y = 0.0
    for row, label, h in zip(chart.rows, labels, heights, strict=True):
        ax.text(-span, y, label, ha="left", va="top", fontstyle="italic", color=INK,
                linespacing=1.15, clip_on=False)
        centre = y + h - bar_h / 2
        for kind, value, sign in (("blocker", row.blockers, -1), ("lever", row.levers, 1)):
            if value:
                ax.barh(centre, sign * value, height=bar_h, color=KIND_COLOUR[kind],
                        linewidth=0, hatch=KIND_HATCH[kind], hatchcolor=HATCH_COLOUR)
            ax.text(sign * (value + top * 0.03), centre, str(value),
                    ha="right" if sign < 0 else "left", va="center", fontweight="bold",
                    color=INK if value else MUTED)
        y += h + gap
    ax.plot([0, 0], [0, body], color=INK, linewidth=0.8, solid_capstyle="butt")


def _radar(figure: Any, chart: RadarChart) -> None:
    import math

    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    height = 4.5
    figure.set_size_inches(WIDTH, height)
    _header(figure, chart.title, height)
    ax = figure.add_axes(_frac(figure, 0, 0.42, WIDTH, height - 0.82))
    _bare(ax)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlim(-9.5, 9.5)
    ax.set_ylim(-6.3, 6.3)
    n = len(chart.axes)
    angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]  # clockwise from the top

    def point(i: int, value: float) -> tuple[float, float]:
        return value * math.cos(angles[i]), value * math.sin(angles[i])

    def ring(values: tuple[float | None, ...]) -> list[tuple[float, float]]:
        return [point(i, v) for i, v in enumerate(values) if v is not None]

    for level in range(1, 6):
        xs, ys = zip(*ring((float(level),) * n), strict=True)
        ax.fill(xs, ys, fill=False, edgecolor="#9d968a" if level == 5 else RULE,
                linewidth=1.1 if level == 5 else 0.7)
    for i in range(n):
        x, y = point(i, 5)
        ax.plot([0, x], [0, y], color=RULE, linewidth=0.7)
    outer, inner = ring(chart.p75), ring(chart.p25)
    if len(outer) >= 3 and len(inner) >= 3:
        vertices = [*outer, outer[0], *reversed(inner), inner[-1]]
        codes = ([Path.MOVETO] + [Path.LINETO] * (len(outer) - 1) + [Path.CLOSEPOLY]
                 + [Path.MOVETO] + [Path.LINETO] * (len(inner) - 1) + [Path.CLOSEPOLY])
        ax.add_patch(PathPatch(Path(vertices, codes), facecolor=RADAR_BAND, alpha=0.6,
                               linewidth=0))
    middle = ring(chart.median)
    if len(middle) >= 2:
        xs, ys = zip(*[*middle, middle[0]], strict=True)
        ax.fill(xs, ys, facecolor=RADAR_LINE, alpha=0.16, linewidth=0)
        ax.plot(xs, ys, color=RADAR_LINE, linewidth=2.2, solid_joinstyle="round")
    for i, value in enumerate(chart.median):
        if value is not None:
            ax.plot(*point(i, value), marker="o", markersize=5.5, color=RADAR_LINE,
                    markeredgecolor="white", markeredgewidth=1.2)
    for level in range(1, 6):
        ax.text(0.18, level, str(level), ha="left", va="center", fontsize=SMALL - 0.5,
                color=MUTED, bbox={"boxstyle": "square,pad=0.08", "facecolor": "white",
                                   "edgecolor": "none", "alpha": 0.8})
    for i, label in enumerate(chart.axes):
        c, s = math.cos(angles[i]), math.sin(angles[i])
        x, y = point(i, 5.55)
        ha = "left" if c > 0.2 else "right" if c < -0.2 else "center"
        va = "bottom" if s > 0.5 else "top" if s < -0.5 else "center"
        ax.text(x, y, wrap(label, 22, 3), ha=ha, va=va, color=INK, fontweight="bold", linespacing=1.1,
                multialignment={"left": "left", "right": "right"}.get(ha, "center"),
                clip_on=False)
    figure.legend(
        handles=[Rectangle((0, 0), 1, 1, facecolor=(0.043, 0.31, 0.54, 0.16),
                           edgecolor=RADAR_LINE, linewidth=2.0),
                 Rectangle((0, 0), 1, 1, facecolor=RADAR_BAND, alpha=0.6, linewidth=0)],
        labels=[chart.median_word, chart.band_word],
        loc="center left", bbox_to_anchor=(0, 0.2 / height), ncols=2, frameon=False,
        fontsize=SIZE, handlelength=1.6, handleheight=1.0, handletextpad=0.5,
        columnspacing=1.4, borderpad=0, borderaxespad=0,
    )
    figure.text(1, 0.2 / height, chart.scale_word, ha="right", va="center", fontsize=SMALL,
                color=MUTED)


def _stages(figure: Any, chart: StagesChart) -> None:
    height = 2.7
    figure.set_size_inches(WIDTH, height)
    _header(figure, chart.title, height)
    ax = figure.add_axes(_frac(figure, 0.1, 0.5, WIDTH - 0.2, height - 0.95))
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
        ax.text(x, -top * 0.06, wrap(bar.label, 18, 2), ha="center", va="top", color=INK,
                linespacing=1.1, clip_on=False)
    ax.axhline(0, color=INK, linewidth=0.8)


# -- SVG for inline use --------------------------------------------------------------------

_PROLOGUE = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)
_TAG = re.compile(r"<[^>]+>")  # text is escaped: "<" and ">" only delimit tags
_ID = re.compile(r'(\bid="|url\(#|xlink:href="#)([^")]+)')


def _inline(document: str, prefix: str, chart: Chart) -> str:
    body = _PROLOGUE.sub("", document)
    body = _TAG.sub(lambda tag: _ID.sub(lambda m: f"{m[1]}{prefix}-{m[2]}", tag[0]), body)
    body = body.replace(
        "<svg ", f'<svg class="chart" role="img" aria-labelledby="{prefix}-title {prefix}-desc" ',
        1)
    first = body.index(">", body.index("<svg")) + 1
    return (body[:first]
            + f'\n <title id="{prefix}-title">{escape(chart.title)}</title>'
            + f'\n <desc id="{prefix}-desc">{escape(chart.summary)}</desc>'
            + body[first:])
