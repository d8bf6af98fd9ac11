"""Chart layouts for a phone (a chart about 360 pixels wide): what the builders' ``narrow=True`` does.

A chart laid out for a laptop keeps its row labels in a left margin as wide as the longest name; on a
390-pixel phone that margin leaves the plot a few dozen pixels and the band names print over each other.
So on a phone each row's label goes *above* its row, across the full width, titles are wrapped for the
narrow chart (never cut off), long axis titles wrap, the legend gets the lines it needs, and dense axes
keep every other tick.  These helpers work on a built figure, so every row chart gets the same treatment
from one place (``spectrum.frame`` calls them); builders that lay out differently (the Themes grid, the
Benchmark strip, the Trends lines) use the constants here for the same sizes.  A wide table becomes
stacked blocks (:func:`stacked`).

Debrief mode on a phone keeps what debrief decides (anonymity, shorter words) but not its double-size
type: a phone is read in the hand, and 32-pixel labels cannot fit 390 pixels.

Which layout a page gets is the page's decision (``ui.narrow``, pages/_layout/phone.py); the builders stay pure.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from .. import text as text_mod
from .base import INK, font_size

#: Characters per title line at the 20-pixel title size on a chart about 360 pixels wide.
TITLE_CHARS = 32
#: Characters of a row label (16-pixel type) that fit on one line across a phone's chart.
LABEL_CHARS = 38
#: Characters of an axis title (17-pixel type) per line.
AXIS_CHARS = 36
#: Height of one line of a row label, in pixels.
LINE_PX = int(font_size(False, 14) * 1.3)
#: Width a legend line offers, in pixels, and what one legend entry takes besides its words.
LEGEND_PX, LEGEND_ENTRY_PX, LEGEND_CHAR_PX = 330, 44, 8.5
#: More ticks than this on a phone's axis: every other one is kept.
MAX_TICKS = 6

_TAG = re.compile(r"<[^>]+>")


#: Characters per line of a chart's small-type note (13-pixel type) on a phone.
NOTE_CHARS = 50


def title_html(text: str, chars: int = TITLE_CHARS) -> str:
    """A takeaway title (plain text) escaped and wrapped for a phone's chart."""
    return text_mod.title_html(text, chars)


def title_lines(text: str, chars: int = TITLE_CHARS) -> int:
    return text_mod.title_lines(text, chars)


def label(text: object, chars: int = LABEL_CHARS, lines: int = 2) -> str:
    """A row label above its row on a phone: escaped, on as few lines of ``chars`` as it needs (``lines`` at
    most, the rest shortened; the full text is in the hover)."""
    return text_mod.wrap_label(text, chars, lines)


def plain(text: object) -> str:
    """The visible characters of a Plotly label (tags dropped, entities read), to measure its length."""
    return html.unescape(_TAG.sub("", str(text)))


def rows_above(fig: go.Figure, *, rows: int, row_px: int, right: int, legend: bool,
               legend_lines: int) -> tuple[int, int, int, int]:
    """Move the y axis's row labels to annotations above each row, across the chart's full width.

    A value column drawn right of the plot (``level_dots``' words) joins its row's label instead, so the
    plot keeps the width.  Each row gets the height of its label plus its marks (bars: their share of the
    row), so a label never touches the marks under it or the row above.  Returns the ``rows``, ``row_px``,
    ``right`` and ``legend_lines`` that :func:`spectrum.frame` lays the figure out with.
    """
    yaxis = fig.layout.yaxis
    tickvals = list(yaxis.tickvals or [])
    ticktext = list(yaxis.ticktext or [])
    extra: dict[float, str] = {}
    keep = []
    for a in fig.layout.annotations:
        if a.xref == "paper" and a.x == 1.0 and a.xanchor == "left" and a.y in tickvals and not a.showarrow:
            extra[a.y] = a.text
        else:
            keep.append(a)
    if extra:
        fig.layout.annotations = keep
        right = 16
    if legend:
        legend_lines = max(legend_lines, legend_rows(fig))
    if not tickvals or len(tickvals) != len(ticktext):
        return rows, row_px, right, legend_lines
    labels = []
    for value, text in zip(tickvals, ticktext, strict=True):
        one = str(text).replace("<br>", " ")
        label = one if len(plain(one)) <= LABEL_CHARS else str(text)
        if value in extra:
            words = extra[value]
            label += (" · " + words) if len(plain(label)) + len(plain(words)) + 3 <= LABEL_CHARS else "<br>" + words
        labels.append(label)
    lines = max(label.count("<br>") + 1 for label in labels)
    label_px = LINE_PX * lines
    width = _bar_width(fig)
    if width is not None:  # the bar fills `width` of its row: the label goes in the rest, above it
        pitch = max(row_px, (label_px + 8) / (1 - width))
        shift = width * pitch / 2 + 2
    else:
        mark = _mark_px(fig) / 2
        pitch = max(row_px, 2 * mark + label_px + 10)
        shift = mark + 3
    yaxis.showticklabels = False
    for value, label in zip(tickvals, labels, strict=True):
        fig.add_annotation(x=0, xref="paper", xanchor="left", y=value, yref="y", yanchor="bottom", yshift=shift,
                           text=label, showarrow=False, align="left",
                           font={"size": font_size(False, 14), "color": INK})
    lo, hi = (list(yaxis.range) if yaxis.range else [min(tickvals) - 0.6, max(tickvals) + 0.4])
    hi = max(hi, max(tickvals) + (shift + label_px + 4) / pitch)
    yaxis.range = [lo, hi]
    return 1, int(math.ceil((hi - lo) * pitch)), right, legend_lines


def legend_rows(fig: go.Figure) -> int:
    """How many lines a horizontal legend takes across a phone's chart."""
    names = [str(t.name) for t in fig.data if t.showlegend is not False and t.name]
    used, lines = 0.0, 1
    for name in names:
        need = LEGEND_ENTRY_PX + len(plain(name)) * LEGEND_CHAR_PX
        if used and used + need > LEGEND_PX:
            lines, used = lines + 1, 0.0
        used += need
    return lines if names else 0


def wrap_axis_title(fig: go.Figure, axis: str = "x") -> int:
    """Wrap a long axis title onto lines that fit a phone (at its bracket first); returns its line count."""
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    title = layout_axis.title.text if layout_axis.title else None
    if not title or len(plain(title)) <= AXIS_CHARS or "<br>" in title:
        return title.count("<br>") + 1 if title else 1
    cut = title.find(" (")
    if 0 < cut <= AXIS_CHARS and len(title) - cut - 1 <= AXIS_CHARS:
        lines = [title[:cut], title[cut + 1:]]
    else:
        lines = textwrap.wrap(title, AXIS_CHARS)
    layout_axis.title.text = "<br>".join(lines)
    return len(lines)


def fewer_ticks(fig: go.Figure, axis: str = "x") -> None:
    """Keep every other tick of a dense axis (always the middle one, so a 0 stays)."""
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    vals = list(layout_axis.tickvals or [])
    if len(vals) <= MAX_TICKS:
        return
    texts = list(layout_axis.ticktext or [])
    start = (len(vals) // 2) % 2
    keep = range(start, len(vals), 2)
    layout_axis.tickvals = [vals[i] for i in keep]
    if len(texts) == len(vals):
        layout_axis.ticktext = [texts[i] for i in keep]


def axis_for_phone(fig: go.Figure) -> None:
    """The x axis on a phone: every other tick of a dense axis, and two-line tick labels in smaller type
    (five "1 Averse" … "5 Eager" labels must sit side by side in 330 pixels)."""
    fewer_ticks(fig)
    texts = [str(t) for t in (fig.layout.xaxis.ticktext or [])]
    if len(texts) >= 5 and any("<br>" in t for t in texts):
        fig.update_xaxes(tickfont={"size": 13})


def _bar_width(fig: go.Figure) -> float | None:
    widths = [float(t.width) for t in fig.data if isinstance(t, go.Bar) and t.orientation == "h"
              and isinstance(t.width, int | float)]
    return max(widths) if widths else None


def _mark_px(fig: go.Figure) -> float:
    sizes: list[float] = [12.0]
    for t in fig.data:
        marker: Any = getattr(t, "marker", None)
        size = getattr(marker, "size", None) if marker is not None else None
        if isinstance(size, int | float):
            sizes.append(float(size))
        elif isinstance(size, list | tuple) and size:
            sizes.append(float(max(size)))
    return max(sizes)


def stacked(rows: Sequence[Mapping[str, Any]], key: str) -> list[tuple[str, list[str]]]:
    """A table for a phone as stacked blocks: each row's ``key`` cell as its heading, then every other
    cell as "column: value" (blank cells left out), so no column is lost off the side of a 390-pixel
    screen and nothing scrolls sideways."""
    out = []
    for row in rows:
        lines = [f"{column}: {value}" for column, value in row.items()
                 if column != key and value is not None and str(value).strip() != ""]
        out.append((str(row.get(key, "")), lines))
    return out
