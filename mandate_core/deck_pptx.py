"""The debrief deck as a PowerPoint file whose charts are native, editable PowerPoint charts.

Facilitators build their workshop decks in PowerPoint, so the debrief must arrive there as slides they can
edit: one slide per debrief slide, each chart a real chart (its data embedded in the file, not a picture),
the takeaway as the slide title and "how to read this" in the speaker notes.

The slides arrive already anonymised (:func:`mandate_core.debrief.build_deck`), and every number and label
of a chart here is read off that slide's anonymised Plotly figure, so the file shows exactly what the room
saw — no second query that could name a peer.  A chart type PowerPoint lacks is redrawn as one it has: the
spectrum dot plots become bar charts on the 1–6 scale, the benchmark strip a line chart of markers with the
peers' middle half as up/down bars.  The file's own properties name only the focus council.

Pure: no Streamlit; python-pptx is imported only when a deck is built.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import domain
from . import text as text_mod
from .palette import BAND_COLOURS, FOCUS_COLOUR, PEER_COLOUR
from .text import fmt, num

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

    from .debrief import Deck, Slide

#: 16:9 at PowerPoint's default widescreen size (13.333 × 7.5 in), in EMU.
SLIDE_W = 12192000
SLIDE_H = 6858000
EMU_PER_INCH = 914400
INK = "1A1A1A"
MUTED = "4D4D4D"
GRID = "D9D9D9"
AUTHOR = "Innovation Mandate dashboard"
#: Type sizes (points) chosen to read from the back of a room on a projector.
KICKER_PT = 16
TITLE_PT = (32, 28, 24, 20)  # by the takeaway's length: short … very long
AXIS_PT = 16
LABEL_PT = 16
LEGEND_PT = 16
FOOTER_PT = 12


def _in(inches: float) -> int:
    return int(inches * EMU_PER_INCH)


_plain = text_mod.plain  # Plotly label HTML as plain text for PowerPoint (the one rule, in text.py)


def _tick(text: object) -> str:
    """A row label: a name wrapped over lines joins up again; an italic aside ("only 3 peers") goes in
    brackets after it."""
    parts = re.split(r"<br\s*/?>", str(text or ""), flags=re.IGNORECASE)
    names = [_plain(p) for p in parts if "<i>" not in p]
    asides = [_plain(p) for p in parts if "<i>" in p]
    label = " ".join(n for n in names if n) + "".join(f" ({a})" for a in asides if a)
    return re.sub(r"\bonly 1 peers\b", "only 1 peer", label)


def _markdown_plain(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).split())


def _rgb(colour: str | None) -> str | None:
    """``#RRGGBB`` (or ``rgba(r,g,b,a)``) as PowerPoint's ``RRGGBB``; None when not a plain colour."""
    if not colour:
        return None
    colour = str(colour).strip()
    if re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        return colour[1:].upper()
    m = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*[\d.]+)?\)", colour)
    if m:
        return "".join(f"{int(v):02X}" for v in m.groups())
    return None


def band_colour(value: float) -> str:
    """The palette colour of the band a mean falls in (docs/metrics.md#position-and-band), as ``RRGGBB``."""
    return BAND_COLOURS[domain.band_of(value)][1:].upper()


# --- what each chart shows, read off the anonymised figure ------------------------------------------


@dataclass
class Series:
    """One chart series: a name, a value per category (None = no point) and how to colour it."""

    name: str
    values: list[float | None]
    colour: str | None = None  # RRGGBB for the whole series
    point_colours: list[str | None] = field(default_factory=list)  # RRGGBB per point, overriding
    labels: list[str | None] = field(default_factory=list)  # a data label per point


@dataclass
class ChartSpec:
    """A native chart: its kind, categories top to bottom, series, and the value axis."""

    kind: str  # "bar" (horizontal bars), "strip" (benchmark: line chart of markers)
    categories: list[str]
    series: list[Series]
    axis_title: str = ""
    axis_min: float | None = None
    axis_max: float | None = None
    change_scale: bool = False
    caption: str = ""
    legend: bool = True
    #: A colour key drawn as shapes under the chart: (shape, RRGGBB, words).
    key: list[tuple[str, str, str]] = field(default_factory=list)
    #: Row by row, the words the screen gives on hover ("Overall: 4.2 — At the peer median …"), for the notes.
    row_words: list[str] = field(default_factory=list)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _row_labels(fig: Any) -> tuple[list[Any], dict[Any, str]]:
    """Every row key of a horizontal chart, top first, and each row's label."""
    yaxis = fig.layout.yaxis
    keys: list[Any] = []
    for trace in fig.data:
        if trace.type == "box":
            continue
        for y in trace.y or ():
            if y is not None and y not in keys:
                keys.append(y)
    labels: dict[Any, str] = {}
    if yaxis.tickvals is not None and yaxis.ticktext is not None:
        # Rows are the axis ticks (a strip's dots sit between them, on the row above).
        labels = {v: _tick(t) for v, t in zip(yaxis.tickvals, yaxis.ticktext, strict=False)}
        keys = list(yaxis.tickvals)
    rng = yaxis.range
    reversed_axis = yaxis.autorange == "reversed" or (rng is not None and rng[0] > rng[1])
    if all(_is_number(k) for k in keys):
        keys.sort(reverse=not reversed_axis)
    elif not reversed_axis:
        keys.reverse()  # a category axis draws its first category at the bottom
    return keys, {k: labels.get(k, _tick(k)) for k in keys}


def _invisible(trace: Any) -> bool:
    colour = trace.marker.color if trace.marker is not None else None
    return isinstance(colour, str) and bool(re.fullmatch(r"rgba\([^)]*,\s*0(\.0*)?\)", colour.replace(" ", "")))


def _colours(trace: Any, n: int) -> tuple[str | None, list[str | None]]:
    colour = trace.marker.color if trace.marker is not None else None
    if isinstance(colour, list | tuple):
        return None, [_rgb(c) for c in colour][:n]
    return _rgb(colour), []


def _axis(fig: Any, spec: ChartSpec) -> ChartSpec:
    xaxis = fig.layout.xaxis
    spec.axis_title = _plain(xaxis.title.text) if xaxis.title is not None else ""
    rng = xaxis.range
    if rng is not None and tuple(rng) == (0.5, 6.5):
        # The 1–6 change scale: bars measure from 0 so a score of 1 still has a bar.
        spec.change_scale, spec.axis_min, spec.axis_max = True, 0.0, 6.0
    elif rng is not None:
        spec.axis_min, spec.axis_max = float(min(rng)), float(max(rng))
    return spec


def _caption(fig: Any) -> str:
    """Sentences the figure carries as annotations (not the band names or the axis ends)."""
    words = {"Better", "Differently", "New"}
    texts = [_plain(a.text) for a in fig.layout.annotations or ()]
    return " ".join(t for t in texts if len(t) > 25 and t not in words)


def journey_spec(fig: Any) -> ChartSpec:
    """Slide 1: now, next step and ambition, one bar each, coloured by the band it reaches."""
    cats, values = [], []
    for trace in fig.data:
        if trace.x and trace.x[0] is not None:
            cats.append(_plain(trace.name))
            values.append(float(trace.x[0]))
    series = Series("Average score (1–6)", list(values), point_colours=[band_colour(v) for v in values],
                    labels=[f"{num(v)}  {domain.band_of(v)}" for v in values])
    spec = ChartSpec("bar", cats, [series], caption=_caption(fig), legend=False)
    return _axis(fig, spec)


def rows_spec(fig: Any) -> ChartSpec:
    """A horizontal chart of rows (themes): every trace with data becomes a series of bars.

    Dot plots (the theme spectrum, cross-party alignment) become clustered bars on the same scale;
    legend-only traces (a colour key) stay as empty series, so the legend still explains the colours.
    """
    keys, labels = _row_labels(fig)
    series: list[Series] = []
    colour_key: list[tuple[str, str, str]] = []
    for trace in fig.data:
        if trace.type not in ("bar", "scatter") or _invisible(trace):
            continue  # an invisible trace only reserves rows (themes too small to show): it carries no number
        xs, ys = list(trace.x or ()), list(trace.y or ())
        by_row = {y: (i, x) for i, (x, y) in enumerate(zip(xs, ys, strict=False)) if y is not None}
        colour, per_point = _colours(trace, len(xs))
        texts = trace.text if isinstance(trace.text, list | tuple) else None
        values: list[float | None] = []
        point_colours: list[str | None] = []
        point_labels: list[str | None] = []
        for key in keys:
            i, x = by_row.get(key, (None, None))
            values.append(float(x) if _is_number(x) else None)
            point_colours.append(per_point[i] if i is not None and i < len(per_point) else None)
            point_labels.append(_plain(texts[i]) if texts is not None and i is not None and i < len(texts)
                                else None)
        if all(v is None for v in values):
            if trace.name and colour:  # a legend-only trace: a colour key (gap chart)
                colour_key.append(("box", colour, _plain(trace.name)))
            continue
        series.append(Series(_plain(trace.name) or "Value", values, colour, point_colours
                             if any(point_colours) else [], point_labels if any(point_labels) else []))
    with_data = [s for s in series if any(v is not None for v in s.values)]
    # A row with no value says why, in the words the screen writes on it ("too few people to show").
    for a in fig.layout.annotations or ():
        if (a.yref or "y") != "paper" and a.y is not None and a.y in labels:
            row = keys.index(a.y)
            if all(s.values[row] is None for s in series) and _plain(a.text):
                labels[a.y] = f"{labels[a.y]} — {_plain(a.text)}"
    spec = ChartSpec("bar", [labels[k] for k in keys], series, caption=_caption(fig),
                     legend=len(series) > 1, key=colour_key)
    spec = _axis(fig, spec)
    if len(with_data) > 1:
        for s in with_data:  # a dot plot's horizons: label the last one (ambition) only, as on screen
            s.labels = []
        last = with_data[-1]
        last.labels = [None if v is None else num(v) for v in last.values]
    return spec


def strip_spec(fig: Any) -> ChartSpec:
    """Slide 5 (benchmark strip): per theme the council, the peer median, the peers' middle half and each
    peer (by its anonymised label), as series of a line chart drawn with markers only."""
    keys, labels = _row_labels(fig)
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    p25: list[float | None] = [None] * n
    p75: list[float | None] = [None] * n
    median: list[float | None] = [None] * n
    focus: list[float | None] = [None] * n
    focus_name = "This council"
    words: list[str] = [""] * n
    peers: dict[str, list[float | None]] = {}
    for trace in fig.data:
        if trace.type == "box":
            for y, lo, hi in zip(trace.y or (), trace.q1 or (), trace.q3 or (), strict=False):
                if y in index:
                    p25[index[y]], p75[index[y]] = float(lo), float(hi)
        elif trace.name == "Peer median":
            for x, y in zip(trace.x or (), trace.y or (), strict=False):
                if y in index:
                    median[index[y]] = float(x)
        elif trace.name == "Peers":
            names = list(trace.customdata or ())
            for j, (x, y) in enumerate(zip(trace.x or (), trace.y or (), strict=False)):
                row = min(keys, key=lambda k: abs(float(k) - float(y)))  # the dots sit just below their row
                name = _plain(names[j]) if j < len(names) else f"Peer {j + 1}"
                peers.setdefault(name, [None] * n)[index[row]] = float(x)
        elif trace.type == "scatter":
            focus_name = _plain(trace.name) or focus_name
            hovers = list(trace.customdata or ())
            for j, (x, y) in enumerate(zip(trace.x or (), trace.y or (), strict=False)):
                if y in index:
                    focus[index[y]] = float(x)
                    if j < len(hovers):  # "<b>Name</b>: 4.2<br>At the peer median: …"
                        words[index[y]] = _plain(str(hovers[j]).split("<br>", 1)[-1])

    def peer_number(name: str) -> tuple[int, str]:
        m = re.fullmatch(r"Peer (\d+)", name)
        return (int(m.group(1)) if m else 0, name)

    series = [Series("Lower quarter of peers", p25, PEER_COLOUR[1:])]
    series += [Series(name, vals, PEER_COLOUR[1:]) for name, vals in sorted(peers.items(),
                                                                             key=lambda kv: peer_number(kv[0]))]
    series.append(Series("Peer median", median, INK))
    series.append(Series(focus_name, focus, FOCUS_COLOUR[1:],
                         labels=[None if v is None else num(v) for v in focus]))
    series.append(Series("Upper quarter of peers", p75, PEER_COLOUR[1:]))
    spec = ChartSpec("strip", [labels[k] for k in keys], series, legend=False,
                     row_words=[f"{labels[k]}: {fmt(v)} — {w}".rstrip(" —")
                                for k, v, w in zip(keys, focus, words, strict=True)])
    spec = _axis(fig, spec)
    if spec.change_scale:
        spec.axis_min, spec.axis_max = 1.0, 6.0
    return spec


def _has_data(spec: ChartSpec) -> bool:
    """Whether a native chart can be drawn: at least one category and one shown value."""
    return bool(spec.categories) and any(v is not None for s in spec.series for v in s.values)


def _said(fig: Any) -> str:
    """What a figure with nothing to plot says instead (its annotations, e.g. that too few people answered)."""
    words = {"Better", "Differently", "New"}
    texts = [_plain(a.text) for a in fig.layout.annotations or ()]
    return " ".join(dict.fromkeys(t for t in texts if t and t not in words))


def chart_spec(slide: Slide) -> ChartSpec | None:
    """What the slide's chart shows, as a native chart can draw it (None: a slide without a chart)."""
    fig = slide.figure
    if fig is None:
        return None
    if slide.key == "overall":
        return journey_spec(fig)
    if slide.key == "peers":
        return strip_spec(fig)
    return rows_spec(fig)


# --- drawing ------------------------------------------------------------------------------------------


def _font(run_or_font: Any, size: float, *, bold: bool = False, colour: str = INK) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    font = getattr(run_or_font, "font", run_or_font)
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor.from_string(colour)


def _textbox(slide: Any, left: float, top: float, width: float, height: float, text: str, size: float, *,
             bold: bool = False, colour: str = INK, align: Any = None) -> Any:
    box = slide.shapes.add_textbox(_in(left), _in(top), _in(width), _in(height))
    tf = box.text_frame
    tf.word_wrap = True
    tf.margin_left = tf.margin_right = 0
    p = tf.paragraphs[0]
    if align is not None:
        p.alignment = align
    run = p.add_run()
    run.text = text
    _font(run, size, bold=bold, colour=colour)
    return box


def _fill(fmt: Any, colour: str | None) -> None:
    from pptx.dml.color import RGBColor

    if colour:
        fmt.fill.solid()
        fmt.fill.fore_color.rgb = RGBColor.from_string(colour)


def _label_points(series: Any, labels: Sequence[str | None], position: Any, size: float, colour: str, *,
                  one_line: bool = False) -> None:
    """Write each label (``None``: that point has none) beside its point in bold, as the screen writes the
    value beside its mark; ``one_line`` keeps PowerPoint from wrapping a label squeezed at a bar's end."""
    for i, label in enumerate(labels):
        if label is None:
            continue
        point_label = series.points[i].data_label
        point_label.position = position
        tf = point_label.text_frame
        tf.text = label
        if one_line:
            tf.word_wrap = False
        _font(tf.paragraphs[0].runs[0], size, bold=True, colour=colour)


def _style_axes(chart: Any, spec: ChartSpec) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    value_axis = chart.value_axis
    if spec.axis_min is not None:
        value_axis.minimum_scale = spec.axis_min
    if spec.axis_max is not None:
        value_axis.maximum_scale = spec.axis_max
    if spec.change_scale:
        value_axis.major_unit = 1
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor.from_string(GRID)
    value_axis.tick_labels.font.size = Pt(AXIS_PT)
    value_axis.tick_labels.font.color.rgb = RGBColor.from_string(MUTED)
    value_axis.tick_labels.number_format = "0" if spec.change_scale else "0.0"
    value_axis.tick_labels.number_format_is_linked = False
    if spec.axis_title:
        value_axis.has_title = True
        title = value_axis.axis_title.text_frame
        title.text = spec.axis_title
        _font(title.paragraphs[0].runs[0], AXIS_PT, colour=MUTED)
    category_axis = chart.category_axis
    category_axis.tick_labels.font.size = Pt(AXIS_PT)
    category_axis.tick_labels.font.color.rgb = RGBColor.from_string(INK)
    category_axis.format.line.color.rgb = RGBColor.from_string("808080")
    category_axis.has_major_gridlines = False


def _legend(chart: Any, spec: ChartSpec) -> None:
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt

    chart.has_title = False  # the takeaway is the slide's title
    chart.has_legend = spec.legend
    if spec.legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(LEGEND_PT)


def _bar_chart(slide: Any, spec: ChartSpec, box: tuple[float, float, float, float]) -> Any:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
    from pptx.util import Pt

    data = CategoryChartData(number_format="0.0")
    # A horizontal bar chart draws its first category at the bottom: give them bottom first.
    data.categories = list(reversed(spec.categories))
    for s in spec.series:
        data.add_series(s.name, list(reversed(s.values)))
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, _in(box[0]), _in(box[1]), _in(box[2]),
                                   _in(box[3]), data)
    chart = frame.chart
    plot = chart.plots[0]
    with_data = [s for s in spec.series if any(v is not None for v in s.values)]
    plot.gap_width = 40 if len(with_data) == 1 else 60
    plot.overlap = 100 if len(with_data) == 1 else 0
    n = len(spec.categories)
    for s, series in zip(spec.series, chart.series, strict=True):
        series.invert_if_negative = False
        _fill(series.format, s.colour)
        for i, colour in enumerate(reversed(s.point_colours)):
            if colour:
                _fill(series.points[i].format, colour)
        _label_points(series, list(reversed(s.labels)), XL_LABEL_POSITION.OUTSIDE_END, LABEL_PT, INK, one_line=True)
    _style_axes(chart, spec)
    chart.category_axis.tick_labels.font.size = Pt(AXIS_PT if n <= 8 else 14)
    # Theme names stay at the left edge even where a bar goes below zero.
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _legend(chart, spec)
    chart.font.size = Pt(AXIS_PT)
    return frame


def _strip_chart(slide: Any, spec: ChartSpec, box: tuple[float, float, float, float]) -> Any:
    """Markers only: the council a large diamond, the median a bar, each peer a grey dot, and the middle half
    of the peers as a wide grey bar from the first series (lower quarter) to the last (upper quarter)."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_MARKER_STYLE
    from pptx.util import Pt

    data = CategoryChartData(number_format="0.00")
    data.categories = spec.categories
    for s in spec.series:
        data.add_series(s.name, s.values)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, _in(box[0]), _in(box[1]), _in(box[2]),
                                   _in(box[3]), data)
    chart = frame.chart
    last = len(spec.series) - 1
    for k, (s, series) in enumerate(zip(spec.series, chart.series, strict=True)):
        series.smooth = False
        series.format.line.fill.background()  # markers only: rows are not a sequence
        marker = series.marker
        if k in (0, last):
            marker.style = XL_MARKER_STYLE.NONE
        elif s.name == "Peer median":
            marker.style, marker.size = XL_MARKER_STYLE.DASH, 30
            _fill(marker.format, INK)
            marker.format.line.color.rgb = _rgb_color(INK)
        elif s.colour == FOCUS_COLOUR[1:]:
            marker.style, marker.size = XL_MARKER_STYLE.DIAMOND, 22
            _fill(marker.format, s.colour)
            marker.format.line.color.rgb = _rgb_color("FFFFFF")
            _label_points(series, s.labels, XL_LABEL_POSITION.RIGHT, LABEL_PT + 2, FOCUS_COLOUR[1:])
        else:
            marker.style, marker.size = XL_MARKER_STYLE.CIRCLE, 9
            _fill(marker.format, s.colour)
            marker.format.line.color.rgb = _rgb_color("FFFFFF")
    _middle_half(chart, spec)
    _style_axes(chart, spec)
    chart.value_axis.tick_labels.number_format = "0" if spec.change_scale else "0.0"
    _legend(chart, spec)
    chart.font.size = Pt(AXIS_PT)
    return frame


def _middle_half(chart: Any, spec: ChartSpec) -> None:
    """The peers' middle half as a wide grey bar through the median: custom error bars on the median
    series, from the lower to the upper quarter (native, editable, and drawn by PowerPoint and LibreOffice
    alike; rows with too few peers for quartiles have none)."""
    from lxml import etree
    from pptx.oxml.ns import qn

    names = [s.name for s in spec.series]
    median = spec.series[names.index("Peer median")].values
    lower, upper = spec.series[0].values, spec.series[-1].values
    plus = [None if m is None or u is None else u - m for m, u in zip(median, upper, strict=True)]
    minus = [None if m is None or lo is None else m - lo for m, lo in zip(median, lower, strict=True)]
    if all(v is None for v in plus):
        return  # too few peers on every row for quartiles: no box, as on screen
    ser = chart._chartSpace.findall(".//" + qn("c:ser"))[names.index("Peer median")]

    def sub(parent: Any, tag: str, **attrs: str) -> Any:
        el = etree.SubElement(parent, qn(tag))
        for k, v in attrs.items():
            el.set(k, v)
        return el

    bars = etree.Element(qn("c:errBars"))
    sub(bars, "c:errDir", val="y")
    sub(bars, "c:errBarType", val="both")
    sub(bars, "c:errValType", val="cust")
    sub(bars, "c:noEndCap", val="1")
    for tag, values in (("c:plus", plus), ("c:minus", minus)):
        lit = sub(sub(bars, tag), "c:numLit")
        sub(lit, "c:formatCode").text = "0.00"
        sub(lit, "c:ptCount", val=str(len(values)))
        for i, v in enumerate(values):
            if v is not None:
                sub(sub(lit, "c:pt", idx=str(i)), "c:v").text = repr(round(v, 6))
    sp = sub(bars, "c:spPr")
    ln = sub(sp, "a:ln", w=str(28 * 12700), cap="flat")
    clr = sub(sub(ln, "a:solidFill"), "a:srgbClr", val="BDBDBD")
    sub(clr, "a:alpha", val="70000")
    # CT_LineSer: idx, order, tx, spPr, marker, dPt*, dLbls, trendline*, errBars, cat, val, smooth, extLst.
    anchor = ser.find(qn("c:cat"))
    if anchor is None:
        anchor = ser.find(qn("c:val"))
    anchor.addprevious(bars)


def _rgb_color(colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour)


def _key(slide: Any, items: Sequence[tuple[str, str, str]], top: float, left: float = 0.6) -> None:
    """A legend drawn as shapes: (shape, RRGGBB, words) — for what a chart's own legend cannot show."""
    from pptx.enum.shapes import MSO_SHAPE

    shapes = {"box": MSO_SHAPE.RECTANGLE, "bar": MSO_SHAPE.RECTANGLE, "dot": MSO_SHAPE.OVAL,
              "diamond": MSO_SHAPE.DIAMOND}
    x = left
    for kind, colour, words in items:
        # "bar" is the median's mark: a short horizontal bar, as the chart draws it.
        w, h = {"box": (0.42, 0.26), "bar": (0.34, 0.08), "dot": (0.18, 0.18), "diamond": (0.3, 0.3)}[kind]
        shape = slide.shapes.add_shape(shapes[kind], _in(x + (0.42 - w) / 2), _in(top + (0.34 - h) / 2),
                                       _in(w), _in(h))
        _fill(shape, colour)
        shape.line.color.rgb = _rgb_color("6E6E6E" if kind == "box" else colour)
        shape.shadow.inherit = False
        width = 0.2 + 0.13 * len(words)
        _textbox(slide, x + 0.5, top - 0.04, width, 0.42, words, LEGEND_PT, colour=INK)
        x += 0.5 + width + 0.35


def _band_key(slide: Any, top: float) -> None:
    items = [("box", BAND_COLOURS[band][1:], f"{band} ({lo}–{hi})")
             for band, lo, hi in ((domain.BETTER, 1, 2), (domain.DIFFERENTLY, 3, 4), (domain.NEW, 5, 6))]
    _key(slide, items, top)


def _notes(slide: Any, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _title(slide: Any, text: str) -> None:
    from pptx.enum.text import MSO_ANCHOR

    title = slide.shapes.title
    title.left, title.top, title.width, title.height = _in(0.6), _in(0.6), _in(12.1), _in(1.25)
    tf = title.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = 0
    tf.text = text
    p = tf.paragraphs[0]
    from pptx.enum.text import PP_ALIGN

    p.alignment = PP_ALIGN.LEFT
    # The largest size at which the takeaway takes at most two lines (a bold character is about 0.58 em
    # wide in the wider fallback fonts), so the title never runs into the chart below it.
    size = next((pt for pt in TITLE_PT if len(text) <= 2 * (12.1 * 72) / (pt * 0.58)), TITLE_PT[-1])
    _font(p.runs[0], size, bold=True)


def _ideas(slide: Any, groups: Sequence[tuple[str, Sequence[str]]], box: tuple[float, float, float, float]) -> None:
    """The radical alternatives, theme by theme, in two columns sized to what there is."""
    from pptx.util import Pt

    total = sum(len(h) + sum(len(i) for i in items) for h, items in groups)
    size = 20 if total < 550 else 18 if total < 800 else 16 if total < 1100 else 14 if total < 1500 else 12
    columns: list[list[tuple[str, Sequence[str]]]] = [[], []]
    weights = [0, 0]
    half = total / 2
    for heading, items in groups:  # fill the left column to about half, then the right
        col = 0 if weights[0] < half and (weights[0] == 0 or weights[0] + len(heading) <= half) else 1
        columns[col].append((heading, items))
        weights[col] += len(heading) + sum(len(i) for i in items)
    left, top, width, height = box
    gap = 0.4
    col_w = (width - gap) / 2
    for c, column in enumerate(columns):
        if not column:
            continue
        tb = slide.shapes.add_textbox(_in(left + c * (col_w + gap)), _in(top), _in(col_w), _in(height))
        tf = tb.text_frame
        tf.word_wrap = True
        first = True
        for heading, items in column:
            p = tf.paragraphs[0] if first else tf.add_paragraph()
            first = False
            p.space_before = Pt(0 if p is tf.paragraphs[0] else size * 0.6)
            run = p.add_run()
            run.text = heading
            _font(run, size, bold=True, colour="0072B2")
            for item in items:
                q = tf.add_paragraph()
                q.space_before = Pt(size * 0.2)
                r = q.add_run()
                r.text = "• " + item
                _font(r, size, colour=INK)


def build_pptx(deck: Deck, *, peer_set: str = "", generated: dt.datetime | None = None) -> bytes:
    """The whole deck as ``.pptx`` bytes: one slide per debrief slide, native charts, notes, no peer named.

    ``peer_set`` is the words naming the peers the benchmark slide compares with ("all other councils").
    """
    from pptx import Presentation

    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    layout = prs.slide_layouts[5]  # "Title Only": the takeaway is each slide's real title
    count = len(deck.slides)
    about = f"{deck.name} — Innovation Mandate debrief"
    when = f"{deck.round}" + (f", workshop of {deck.workshop_date}" if deck.workshop_date else "")
    for number, item in enumerate(deck.slides, start=1):
        slide = prs.slides.add_slide(layout)
        kicker = f"{number} / {count}  ·  {item.heading}"
        _textbox(slide, 0.6, 0.22, 12.1, 0.4, kicker.upper() if len(kicker) <= 70 else kicker,
                 KICKER_PT if len(kicker) <= 100 else KICKER_PT - 2, bold=True, colour="0072B2")
        _title(slide, item.takeaway)
        _textbox(slide, 0.6, 7.05, 12.1, 0.3,
                 f"{deck.name}  ·  {when}  ·  Other councils are shown as Peer 1, Peer 2, …", FOOTER_PT,
                 colour=MUTED)
        spec = chart_spec(item)
        notes = [item.heading + ".", item.takeaway + ".", "How to read this: " + _markdown_plain(item.how_to_read)]
        if spec is None or not _has_data(spec):
            if item.notes:
                _ideas(slide, item.notes, (0.6, 1.95, 12.1, 5.0))
            elif item.key != "notes":  # no chart, or nothing in it shown (too few people): say so
                said = _said(item.figure) if item.figure is not None else ""
                _textbox(slide, 0.6, 2.2, 12.1, 1.0, said or "Nothing to show on this slide.", 24, colour=MUTED)
            _notes(slide, "\n\n".join(notes))
            continue
        top, height = 1.95, 4.55
        if spec.caption:
            _textbox(slide, 0.6, 1.85, 12.1, 0.5, spec.caption, 20, colour=MUTED)
            top, height = 2.4, 4.1
        box = (0.45, top, 12.4, height)
        if spec.kind == "strip":
            frame = _strip_chart(slide, spec, (0.45, top, 12.4, height - 0.15))
            boxed = any(v is not None for v in spec.series[0].values)  # as on screen: no box below 4 peers
            _key(slide, [("diamond", FOCUS_COLOUR[1:], spec.series[-2].name), ("bar", INK, "Peer median"),
                         *([("box", "C8C8C8", "Middle half of peers")] if boxed else []),
                         ("dot", PEER_COLOUR[1:], "Each peer")], top + height - 0.1)
            if peer_set:
                notes.insert(2, f"Peers: {peer_set}.")
            notes.insert(3, "\n".join(spec.row_words))
        else:
            keyed = spec.key or (spec.change_scale and not spec.legend)
            frame = _bar_chart(slide, spec, (0.45, top, 12.4, height - 0.15) if keyed else box)
            if spec.change_scale and not spec.legend:
                _band_key(slide, top + height - 0.1)
            elif spec.key:
                _key(slide, spec.key, top + height - 0.1)
        frame.name = f"Chart: {item.heading}"
        # The chart's text alternative is its takeaway (docs/accessibility.md).
        frame._element.nvGraphicFramePr.cNvPr.set("descr", item.takeaway)
        _notes(slide, "\n\n".join(notes))

    props = prs.core_properties
    now = (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0, tzinfo=None)
    props.title = about
    props.subject = when
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.keywords = "Innovation Mandate; debrief"
    props.comments = "Other councils are shown as Peer 1, Peer 2, …"
    props.category = ""
    props.revision = 1
    props.created = now
    props.modified = now
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def pptx_filename(council_name: str, workshop_date: str | None) -> str:
    """``debrief-<council>-<date>.pptx``, safe on every operating system."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", council_name).strip("-")[:60] or "council"
    return f"debrief-{stem}-{workshop_date or 'undated'}.pptx"


class DeckError(Exception):
    """A deck that cannot be written (bad extension, unwritable place): a message, never a traceback."""


#: The formats ``deck --out`` writes, by the file's extension.
FORMATS = {".pptx": "pptx", ".html": "html", ".htm": "html"}


def deck_format(out: Path) -> str:
    """``pptx`` or ``html`` from the output file's extension, or a DeckError that names the choices."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise DeckError(f"{out}: unsupported extension {out.suffix or '(none)'!r}; the deck is written as "
                        ".pptx (PowerPoint) or .html (the offline pack)")
    return fmt


def _check_writable(out: Path) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise DeckError(f"{out}: is a folder; give a file name ending in .pptx or .html")
    if not folder.is_dir():
        raise DeckError(f"{out}: cannot write there: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DeckError(f"{out}: cannot write there: no permission to write in {folder}")
    if out.exists() and not os.access(out, os.W_OK):
        raise DeckError(f"{out}: cannot write there: the file exists and is read-only")


def deck_bytes(deck: Deck, fmt: str) -> bytes:
    """The deck as a file of the given format (``pptx`` or ``html``)."""
    if fmt == "pptx":
        return build_pptx(deck, peer_set=deck.peer_set)
    from .debrief_pack import pack_html

    return pack_html(deck.name, deck.round, deck.workshop_date,
                     [s.for_pack() for s in deck.slides]).encode("utf-8")


def write_deck(con: duckdb.DuckDBPyConnection, council_id: str, round_label: str | None, peers: str,
               out: Path, min_group: int, key: str | None = None) -> Path:
    """Build a council's debrief deck and write it to ``out`` whole, or not at all.

    The file is written next to ``out`` under a temporary name and moved into place with ``os.replace``, so
    an interrupted or failed run never leaves a half-written deck (or clobbers a good one).  Bad input — an
    unknown council, round or peer id, an unsupported extension, a folder that is not there — raises
    :class:`DeckError` or ``ReportError`` before anything is written.  Peers are numbered with ``key`` (the
    ``deck`` command passes the store's, ``anonymise.shared_key``, so the file numbers them as the dashboard
    does) or, without one, a fresh secret; either way the numbering cannot be recomputed from council ids.
    """
    from . import benchmarking, debrief, metrics

    out = Path(out)
    fmt = deck_format(out)
    _check_writable(out)
    if metrics.council_info(con, council_id) is None:
        raise metrics.ReportError(f"unknown council {council_id!r}")
    # unknown peer ids are an error, not an empty slide
    benchmarking.peer_ids(con, council_id, benchmarking.PeerSet.parse(peers))
    deck = debrief.build_deck(con, council_id, round_label, peers, key=key or secrets.token_hex(16),
                              min_group=min_group)
    data = deck_bytes(deck, fmt)
    fd, tmp = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".", prefix=f".{out.name}.",
                               suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except OSError as exc:
        raise DeckError(f"{out}: could not be written ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
