"""Shared look of every chart: fonts, margins, the Better | Differently | New zones, debrief scaling."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from .. import disclosure, domain

# INK, MUTED_INK and BAND_TEXT_COLOURS live in mandate_core.palette with every other colour (so the contrast
# test sees them all); the builders may still import them from here.
from ..palette import BAND_TEXT_COLOURS, BAND_ZONE_COLOURS, GRID_COLOUR, INK, WHITE
from ..palette import MUTED_INK as MUTED_INK  # re-exported: the builders import it from here
from ..text import plain as text_plain

FONT_FAMILY = "Source Sans Pro, Segoe UI, Helvetica Neue, Arial, sans-serif"
BASE_FONT = 15
#: Normal screens: the builders' sizes (written for a laptop) are scaled up by this, so a tick label is 16 px
#: and still reads on a 1920-pixel projector.
NORMAL_SCALE = 8 / 7
DEBRIEF_SCALE = 2.0
#: Chart titles are not scaled with the rest: a larger title would wrap sooner on a 1280-pixel screen.
TITLE_SIZE = 20


def font_size(debrief: bool = False, size: int = BASE_FONT) -> int:
    """Debrief mode doubles every text size so the back of a room can read it."""
    return int(round(size * (DEBRIEF_SCALE if debrief else NORMAL_SCALE)))


def title_size(debrief: bool = False) -> int:
    return int(TITLE_SIZE * DEBRIEF_SCALE) if debrief else TITLE_SIZE


def style(fig: go.Figure, title: str, *, debrief: bool = False, height: int | None = None,
          x_title: str | None = None, y_title: str | None = None) -> go.Figure:
    """Apply the house style: takeaway title, readable fonts, quiet grid, no Plotly logo clutter."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": title_size(debrief), "color": INK}},
        font={"family": FONT_FAMILY, "size": font_size(debrief), "color": INK},
        paper_bgcolor=WHITE,
        plot_bgcolor=WHITE,
        margin={"l": 10, "r": 20, "t": 70 if not debrief else 110, "b": 10},
        hoverlabel={"font": {"size": font_size(debrief, 14)}},
        legend={"font": {"size": font_size(debrief, 14), "color": INK}, "orientation": "h", "y": -0.12,
                "x": 0, "xanchor": "left"},
    )
    if height:
        fig.update_layout(height=int(height * (1.4 if debrief else 1)))
    if x_title is not None:
        fig.update_xaxes(title={"text": x_title, "font": {"size": font_size(debrief, 15), "color": INK}})
    if y_title is not None:
        fig.update_yaxes(title={"text": y_title, "font": {"size": font_size(debrief, 15), "color": INK}})
    for update in (fig.update_xaxes, fig.update_yaxes):
        update(gridcolor=GRID_COLOUR, zeroline=False, automargin=True, title_font_color=INK,
               tickfont={"size": font_size(debrief, 14), "color": INK})
    return fig


def add_band_zones(fig: go.Figure, axis: str = "x", *, debrief: bool = False,
                   labels: bool = True, **kwargs: Any) -> go.Figure:
    """Shade Better | Differently | New along the 1–6 change axis, labelled at the top in darker band ink."""
    edges = [(domain.BETTER, 0.5, domain.DIFFERENTLY_FROM),
             (domain.DIFFERENTLY, domain.DIFFERENTLY_FROM, domain.NEW_FROM),
             (domain.NEW, domain.NEW_FROM, 6.5)]
    for band, lo, hi in edges:
        if axis == "x":
            fig.add_vrect(x0=lo, x1=hi, fillcolor=BAND_ZONE_COLOURS[band], line_width=0, layer="below",
                          **kwargs)
            if labels:
                fig.add_annotation(x=(lo + hi) / 2, y=1.0, yref="paper", yanchor="bottom", text=f"<b>{band}</b>",
                                   showarrow=False, font={"size": font_size(debrief, 14),
                                                          "color": BAND_TEXT_COLOURS[band]}, **kwargs)
        else:
            fig.add_hrect(y0=lo, y1=hi, fillcolor=BAND_ZONE_COLOURS[band], line_width=0, layer="below",
                          **kwargs)
            if labels:
                fig.add_annotation(y=(lo + hi) / 2, x=1.0, xref="paper", xanchor="left", text=f"<b>{band}</b>",
                                   showarrow=False, textangle=90,
                                   font={"size": font_size(debrief, 14), "color": BAND_TEXT_COLOURS[band]},
                                   **kwargs)
    return fig


def change_axis(fig: go.Figure, axis: str = "x", *, debrief: bool = False, title: str | None = None) -> None:
    """The 1–6 change axis with words at the ends, fixed range so charts line up."""
    spec = {"range": [0.5, 6.5], "tickvals": [1, 2, 3, 4, 5, 6], "title": {
        "text": title or "Change appetite (1 = better … 6 = new)",
        "font": {"size": font_size(debrief, 15), "color": INK}}}
    if axis == "x":
        fig.update_xaxes(**spec)
    else:
        fig.update_yaxes(**spec)


def suppressed_text(min_group: int) -> str:
    """The words every chart and table uses for a hidden value: one text for every hidden cell (rule 5 of
    docs/disclosure.md), so a chart never tells the small cell from the one hidden to protect it."""
    del min_group  # the threshold is explained once, in "how to read this", not in each hidden cell
    return disclosure.HIDDEN


#: Plotly's toolbar: only the PNG download, "reset axes" and full screen survive, so a keyboard user tabs
#: through three stops per chart instead of eleven; no Plotly logo.
TOOLBAR_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d",
                               "autoScale2d", "toggleSpikelines", "hoverClosestCartesian",
                               "hoverCompareCartesian"],
}


# --- text alternatives: the takeaway and the numbers of a figure, for people who cannot see the chart -------

#: The first column of a figure's table: what each row is (a theme, a council, a round).
ROW_COLUMN = "Row"
#: A cell the chart draws nothing for: hidden (a small group) or not asked.  One mark for both, as the chart
#: itself shows neither, so the table cannot tell a hidden cell from an empty one either.
EMPTY_CELL = "–"


def plain(text: object) -> str:
    """A figure's label as plain words (:func:`text.plain`), without the ▶ that marks the focus row."""
    return " ".join(text_plain(text).replace("▶", "").split())


def figure_alt(fig: go.Figure) -> str:
    """A chart's text alternative: its takeaway title as plain words (docs/accessibility.md: every chart has a one-line
    takeaway title; a screen reader gets the same sentence the sighted reader gets)."""
    return plain(fig.layout.title.text) or "Chart"


def _tick_labels(axis: Any) -> list[tuple[float, str]]:
    vals, texts = list(axis.tickvals or ()), list(axis.ticktext or ())
    return [(float(v), plain(t)) for v, t in zip(vals, texts, strict=False)
            if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _label(value: Any, ticks: list[tuple[float, str]]) -> str:
    """A category's words: its tick label (numbers placed near a tick belong to it), else the value."""
    if isinstance(value, str):
        return plain(value)
    if ticks and isinstance(value, (int, float)):
        tick, text = min(ticks, key=lambda t: abs(t[0] - value))
        if abs(tick - value) <= 0.5:
            return text
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def figure_table(fig: go.Figure) -> list[dict[str, Any]]:
    """The numbers a figure draws, as table rows: one row per category (theme, council, round, group), one
    column per series (now, next step, ambition, …), so a screen-reader or keyboard user gets what the
    chart shows (docs/accessibility.md).

    Built from the figure alone, it can hold nothing the figure does not: a hidden cell (never a mark in
    any figure) is an empty cell here, and an anonymised figure gives an anonymised table.  Legend-only
    traces and decoration (hover "skip": connectors, placeholders) are left out; the peers' middle-half box
    is given as its quartiles; several values of one series in one row (the peers' dots) are listed in
    ascending order.
    """
    layout = fig.layout
    x_ticks, y_ticks = _tick_labels(layout.xaxis), _tick_labels(layout.yaxis)
    cells: dict[str, dict[str, list[Any]]] = {}
    series: list[str] = []

    def put(row: str, column: str, value: Any) -> None:
        if column not in series:
            series.append(column)
        cells.setdefault(row, {}).setdefault(column, []).append(value)

    for trace in fig.data:
        name = plain(trace.name) or "Value"
        kind = trace.type
        if kind == "heatmap":
            text = trace.text
            for i, y in enumerate(trace.y or ()):
                for j, x in enumerate(trace.x or ()):
                    z = trace.z[i][j] if trace.z is not None and i < len(trace.z) and j < len(trace.z[i]) else None
                    if z is None:
                        continue
                    if text is not None:  # the value as the cell writes it
                        shown_text = plain(text[i][j]) if i < len(text) and j < len(text[i]) else ""
                        put(_label(y, y_ticks), plain(x), shown_text or _number(z))
                    else:  # a trace of hidden cells (charts.themes): its words only
                        put(_label(y, y_ticks), plain(x), disclosure.HIDDEN)
            continue
        if kind == "box":
            for i, y in enumerate(trace.y or ()):
                q1, q3 = trace.q1[i], trace.q3[i]
                put(_label(y, y_ticks), name, f"{_number(q1):g} to {_number(q3):g}")
            continue
        if trace.hoverinfo == "skip":
            continue
        xs, ys = list(trace.x or ()), list(trace.y or ())
        if not any(v is not None for v in xs) or not any(v is not None for v in ys):
            continue  # a legend key
        horizontal = (getattr(trace, "orientation", None) == "h" or any(isinstance(v, str) for v in ys)
                      or (bool(y_ticks) and not any(isinstance(v, str) for v in xs)))
        for x, y in zip(xs, ys, strict=False):
            label, value = (y, x) if horizontal else (x, y)
            if value is None or label is None or not _is_number(value):
                continue
            put(_label(label, y_ticks if horizontal else x_ticks), name, _number(value))

    rows = []
    for row, by_series in cells.items():
        item: dict[str, Any] = {ROW_COLUMN: row}
        for column in series:
            values = by_series.get(column, [])
            if not values:
                item[column] = EMPTY_CELL
            elif len(values) == 1:
                item[column] = values[0]
            else:
                numbers = sorted(v for v in values if _is_number(v))
                item[column] = "; ".join(f"{v:g}" for v in numbers) or "; ".join(map(str, values))
        rows.append(item)
    return rows
