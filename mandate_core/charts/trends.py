"""Trends page charts: a council's rounds over time, for one theme (or overall) and for every theme.

Lines are named at their right-hand end rather than in a legend, so a projected chart reads without a key.
A suppressed point is left out of its line and listed under the chart as "not shown"; no number behind it
is plotted.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from .. import domain, palette
from ..findings.common import quoted, title_html
from ..findings.trends import TrendSeries
from ..palette import HORIZON_COLOURS, LINE_COLOURS
from ..text import fmt, plotly_escape
from . import narrow as narrow_mod
from .base import BAND_TEXT_COLOURS, add_band_zones, change_axis, font_size, style, suppressed_text
from .spectrum import horizon_word
from .themes import fit_title

HORIZON_DASH = {"now": "dot", "next": "dash", "ambition": "solid"}
HORIZON_SYMBOL = {"now": "circle-open", "next": "square", "ambition": "diamond"}
HORIZON_SHORT = {"now": "Now", "next": "Next step", "ambition": "Ambition"}
#: Theme lines: a colour, a dash and a marker each, so no two lines are told apart by colour alone.  The
#: colours avoid the band colours (the lines run over the band zones) and yellow (unreadable on white); they
#: are the palette's darker inks, since each line's name is written in its colour over the zones.
_BLUE, _VERMILLION, _GREEN, _BLACK = LINE_COLOURS
LINE_STYLES: tuple[tuple[str, str, str], ...] = (
    (_BLUE, "solid", "circle"),
    (_VERMILLION, "dash", "square"),
    (_GREEN, "dot", "diamond"),
    (_BLACK, "dashdot", "triangle-up"),
    (_BLUE, "longdash", "x"),
    (_VERMILLION, "longdashdot", "triangle-down"),
    (_GREEN, "dash", "pentagon"),
    (_BLACK, "dot", "star"),
)
#: Smallest vertical distance between two end labels, in points of the 1–6 scale (a floor; the charts
#: work out the real one from their height and type size).
LABEL_GAP = 0.28
#: Room to the right of the last round for the line names, as a share of the rounds' own span: the same in
#: both Trends charts, so the two plots are exactly as wide as each other.
LABEL_ROOM = 0.55
#: Characters of a theme name at a line's end (the full name is in the hover).
END_LABEL_CHARS = 24




def spread_labels(values: Sequence[float], gap: float = LABEL_GAP, lo: float = 0.7, hi: float = 6.3) -> list[float]:
    """Label positions near ``values`` but at least ``gap`` apart (order kept), so end labels never overlap."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    pos = [0.0] * len(values)
    last = lo - gap
    for i in order:
        pos[i] = max(values[i], last + gap)
        last = pos[i]
    overflow = last - hi
    if overflow > 0:  # pushed off the top: slide the whole stack down, keeping the spacing
        floor = lo
        for i in order:
            pos[i] = max(floor, pos[i] - overflow)
            floor = pos[i] + gap
    return pos


def _round_ticks(rounds: Sequence[str], dates: Sequence[str]) -> list[str]:
    return [f"{plotly_escape(r)}<br>{plotly_escape(d)}" for r, d in zip(rounds, dates, strict=True)]


def _end_labels(fig: go.Figure, ends: list[tuple[str, float, str, str]], debrief: bool, plot_px: float) -> None:
    """Name each line just right of its last shown point, nudged apart so that no two names overlap; a
    name moved off its line's end is tied back to it by a thin leader in the line's colour."""
    per_point = plot_px / 6.0  # the 1–6 axis spans six points (0.5 to 6.5)
    gap = max(LABEL_GAP, font_size(debrief, 14) * 1.35 / per_point)
    for (x, y_end, text, colour), y in zip(ends, spread_labels([e[1] for e in ends], gap), strict=True):
        fig.add_annotation(x=x, y=y_end, ax=26 if not debrief else 40, ay=y, axref="pixel", ayref="y",
                           text=text, xanchor="left", showarrow=True, arrowhead=0, arrowwidth=1,
                           arrowcolor=colour, standoff=6, align="left",
                           font={"size": font_size(debrief, 14), "color": colour})


def _not_shown(fig: go.Figure, hidden: list[str], min_group: int, debrief: bool) -> None:
    if hidden:
        fig.add_annotation(x=0, xref="paper", y=-0.2, yref="paper", xanchor="left", yanchor="top",
                           showarrow=False, text="Not shown (" + suppressed_text(min_group) + "): "
                           + "; ".join(hidden), font={"size": font_size(debrief, 13), "color": palette.NOTE_INK})


def _band_names(fig: go.Figure, debrief: bool) -> None:
    """Better | Differently | New written inside the left edge, where the half-round padding leaves room."""
    for band, lo, hi in ((domain.BETTER, 0.5, domain.DIFFERENTLY_FROM),
                         (domain.DIFFERENTLY, domain.DIFFERENTLY_FROM, domain.NEW_FROM),
                         (domain.NEW, domain.NEW_FROM, 6.5)):
        fig.add_annotation(x=0, xref="paper", xanchor="left", xshift=6, y=(lo + hi) / 2, text=f"<b>{band}</b>",
                           showarrow=False, font={"size": font_size(debrief, 14), "color": BAND_TEXT_COLOURS[band]})


def _frame(fig: go.Figure, title: str, y_title: str, n_rounds: int, *, debrief: bool, height: int,
           narrow: bool = False) -> None:
    """House style, band names, room for the line names at the right.  ``narrow`` (a phone): the lines are
    named in a legend under the chart instead, so the rounds get the whole width."""
    _band_names(fig, debrief)
    style(fig, narrow_mod.title_html(title) if narrow else title_html(title, debrief), debrief=debrief,
          height=height)
    # Half a round of room on the left for the band names; on the right, room for the line names.
    room = 0.5 if narrow else LABEL_ROOM * max(1, n_rounds - 0.5)
    fig.update_xaxes(range=[-0.9 if narrow else -0.5, n_rounds - 1 + room])  # a phone: room for "Differently"
    change_axis(fig, "y", debrief=debrief, title="Change (1–6)" if debrief or narrow else y_title)
    fig.update_xaxes(showgrid=False)
    fig.update_layout(showlegend=False, margin={"r": 20, "b": 90 if not debrief else 150})
    if narrow:
        lines = narrow_mod.legend_rows(fig)
        fig.update_layout(showlegend=True, margin={"l": 6, "r": 8, "b": 90 + int(narrow_mod.LINE_PX * 1.3 * lines)},
                          legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
                                  "xanchor": "left"},
                          height=height + int(narrow_mod.LINE_PX * 1.3 * lines))
    fit_title(fig, title, debrief, below=12, narrow=narrow)


def _banded(debrief: bool) -> go.Figure:
    """The backdrop both Trends charts draw their lines over: the band zones up the change axis, without the
    names at the right-hand edge (the lines' names go there; :func:`_band_names` writes the bands' at the left)."""
    fig = go.Figure()
    add_band_zones(fig, "y", debrief=debrief, labels=False)
    return fig


def _plot_px(fig: go.Figure) -> float:
    """The plot's height in pixels (the figure's less its margins), for spacing the end labels."""
    margin = fig.layout.margin
    return max(120.0, float(fig.layout.height) - float(margin.t or 0) - float(margin.b or 0))


def horizons_over_rounds(series: TrendSeries, rounds: Sequence[str], dates: Sequence[str], *, title: str,
                         min_group: int, debrief: bool = False, narrow: bool = False) -> go.Figure:
    """Now, next and ambition of one series, round by round, on the Better | Differently | New scale."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    ticks = _round_ticks(rounds, dates)
    fig = _banded(debrief)
    hidden: list[str] = []
    ends: list[tuple[str, float, str, str]] = []
    for h in domain.HORIZONS:
        ys = [series.value(r, h) for r in rounds]
        hidden += [f"{HORIZON_SHORT[h]} in {plotly_escape(r)}" for r in rounds if series.suppressed(r, h)]
        colour = HORIZON_COLOURS[h]
        fig.add_trace(go.Scatter(
            x=ticks, y=ys, mode="lines+markers+text", name=domain.HORIZON_LABELS[h],
            text=[fmt(v) if v is not None else "" for v in ys], textposition="top center",
            textfont={"size": font_size(debrief, 14), "color": colour},
            line={"color": colour, "width": 4 if h == "ambition" else 3, "dash": HORIZON_DASH[h]},
            marker={"size": 14, "symbol": HORIZON_SYMBOL[h], "color": colour, "line": {"width": 2, "color": colour}},
            hovertemplate=f"{domain.HORIZON_LABELS[h]}: %{{y:.1f}}<extra></extra>", connectgaps=False,
            cliponaxis=False,
        ))
        last = max((i for i, v in enumerate(ys) if v is not None), default=None)
        if last is not None:
            ends.append((ticks[last], ys[last], HORIZON_SHORT[h], colour))
    _not_shown(fig, hidden, min_group, debrief)
    _frame(fig, title, "Change appetite (1 = better … 6 = new)", len(rounds), debrief=debrief,
           height=470 if not debrief else 560, narrow=narrow)
    if not narrow:
        _end_labels(fig, ends, debrief, _plot_px(fig))
    return fig


def themes_over_rounds(series: Sequence[TrendSeries], rounds: Sequence[str], dates: Sequence[str],
                       horizon: str, *, title: str, min_group: int, debrief: bool = False,
                       narrow: bool = False) -> go.Figure:
    """Every theme at one horizon, round by round: a slope chart, each line named at its right-hand end
    (on a phone, ``narrow``, in a legend under the chart)."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    ticks = _round_ticks(rounds, dates)
    fig = _banded(debrief)
    hidden: list[str] = []
    ends: list[tuple[str, float, str, str]] = []
    themes = [s for s in series if s.key != "overall"]
    for k, s in enumerate(themes):
        colour, dash, symbol = LINE_STYLES[k % len(LINE_STYLES)]
        ys = [s.value(r, horizon) for r in rounds]
        hidden += [f"“{plotly_escape(s.label)}” in {plotly_escape(r)}" for r in rounds if s.suppressed(r, horizon)]
        fig.add_trace(go.Scatter(
            x=ticks, y=ys, mode="lines+markers", name=plotly_escape(s.label),
            line={"color": colour, "width": 3, "dash": dash},
            marker={"size": 11 if not debrief else 16, "color": colour, "symbol": symbol},
            hovertemplate="%{fullData.name}: %{y:.1f}<extra></extra>", connectgaps=False, cliponaxis=False,
        ))
        last = max((i for i, v in enumerate(ys) if v is not None), default=None)
        if last is not None:
            name = quoted(s.label, 18 if debrief else END_LABEL_CHARS)[1:-1]  # shortened, without the quotes
            ends.append((ticks[last], ys[last], f"{plotly_escape(name)} {fmt(ys[last])}", colour))
    _not_shown(fig, hidden, min_group, debrief)
    _frame(fig, title, f"{horizon_word(horizon)} (1 = better … 6 = new)", len(rounds), debrief=debrief,
           height=520 if not debrief else 620, narrow=narrow)
    if not narrow:
        _end_labels(fig, ends, debrief, _plot_px(fig))
    return fig
