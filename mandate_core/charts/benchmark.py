"""Benchmark page chart: the focus council against its peers, overall and theme by theme.

Each row is a box drawn from the benchmark's own p25 / median / p75 (the numbers ``benchmark --json``
prints, never recomputed by Plotly) with the focus council as a large diamond in the focus colour on it,
and the peers as a strip of dots just below, where they cover neither box nor median.  It is a can
opener, not a league table: there is no rank, only where the council sits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from .. import domain, findings, palette
from ..findings.common import title_html
from ..palette import FOCUS_COLOUR, PEER_COLOUR
from ..text import fmt, plotly_escape, wrap_label
from . import narrow as narrow_mod
from .base import INK, MUTED_INK, add_band_zones, change_axis, font_size, style, suppressed_text
from .themes import fit_title

JITTER = 0.05
SHORT_AXIS_TITLES = {"position": "Change (1–6)", "gap": "Gap (points)", "risk": "Risk appetite (1–5)",
                     "consensus": "Consensus (0–1)"}
AXIS_TITLES = {
    "position": "Change appetite (1 = better … 6 = new)",
    "gap": "Ambition gap: ambition − now (points)",
    "risk": "Risk appetite (1 = averse … 5 = eager)",
    "consensus": "Consensus (0 = split in two … 1 = everyone agrees)",
}




def _jitter(council_id: str, row: int) -> float:
    """A fixed vertical offset per council, so dots do not sit on each other and do not jump on rerun."""
    h = int(hashlib.sha256(f"{council_id}:{row}".encode()).hexdigest()[:8], 16)
    return (h / 0xFFFFFFFF * 2 - 1) * JITTER


#: Where things sit within a row (rows are one unit apart, the first at the top): the focus value's label
#: above, the box and the diamond on the row's line, the peer dots in a strip below, so no mark covers another.
DOTS_OFFSET = 0.3
BOX_WIDTH = 0.3
#: Height of the median's line, a little taller than the box (normal screen, debrief).
MEDIAN_PX = {False: 30, True: 36}


def _tick(row: Mapping[str, Any], debrief: bool) -> str:
    # Debrief type is twice the size: the theme's short name on one line keeps every row clear of the next.
    label = (plotly_escape(findings.themes.short_sector_label(row["theme"])) if debrief and row["theme"] else
             wrap_label(row["theme_label"], 24))
    if findings.benchmark.few_peers(row["doc"]):
        size = font_size(debrief, 12)
        few = int(row["doc"]["peers"] or 0)
        words = f"only {few} peer{'' if few == 1 else 's'}" if debrief else findings.benchmark.caution_words(row["doc"])
        label += f'<br><span style="font-size:{size}px;color:{MUTED_INK}"><i>{words}</i></span>'
    return label


def strip(view: Mapping[str, Any], labels: Mapping[str, str], *, title: str, min_group: int,
          debrief: bool = False, narrow: bool = False) -> go.Figure:
    """One row per theme (overall first): the focus as a diamond on its peers' median and middle half, with
    the peers themselves as dots in a strip just below.

    The middle half (a box) is drawn only with at least four peers; with fewer, the row says "only N peers:
    compare with care" instead, since quartiles of two or three councils suggest a precision they lack.

    ``narrow`` (a phone): each row's theme (and its "compare with care" words) on a line at the top of the
    row, across the whole width, instead of a left margin; the legend takes the lines it needs.
    """
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    metric = view["metric"]
    rows = view["rows"]
    fig = go.Figure()

    box_rows = [(i, r["doc"], r["points"]) for i, r in enumerate(rows)
                if r["doc"]["median"] is not None and not findings.benchmark.few_peers(r["doc"])]
    if box_rows:
        fig.add_trace(go.Box(
            y=[i for i, _d, _p in box_rows], orientation="h",
            q1=[d["p25"] for _i, d, _p in box_rows], median=[d["median"] for _i, d, _p in box_rows],
            q3=[d["p75"] for _i, d, _p in box_rows],
            lowerfence=[min(p["value"] for p in pts) for _i, _d, pts in box_rows],
            upperfence=[max(p["value"] for p in pts) for _i, _d, pts in box_rows],
            width=BOX_WIDTH, fillcolor=palette.BOX_FILL, line={"color": palette.BOX_LINE, "width": 1.5},
            hoverinfo="skip", name="Middle half of peers", showlegend=True,
        ))
    median_rows = [(i, r["doc"]) for i, r in enumerate(rows) if r["doc"]["median"] is not None]
    if median_rows:
        fig.add_trace(go.Scatter(
            x=[d["median"] for _i, d in median_rows], y=[i for i, _d in median_rows], mode="markers",
            marker={"symbol": "line-ns-open", "size": MEDIAN_PX[debrief], "color": palette.INK,
                    "line": {"width": 3}},
            customdata=[[fmt(d["median"], metric), d["peers"],
                         ("" if findings.benchmark.few_peers(d) else
                          f"<br>Middle half {fmt(d['p25'], metric)} to {fmt(d['p75'], metric)}")]
                        for _i, d in median_rows],
            hovertemplate="Peer median %{customdata[0]}%{customdata[2]}<br>%{customdata[1]} peers<extra></extra>",
            name="Peer median",
        ))

    px, py, ptext = [], [], []
    for i, r in enumerate(rows):
        for p in r["points"]:
            px.append(p["value"])
            py.append(i + DOTS_OFFSET + _jitter(p["council_id"], i))
            ptext.append(plotly_escape(labels.get(p["council_id"], p["name"])))
    fig.add_trace(go.Scatter(
        x=px, y=py, mode="markers", name="Peers",
        marker={"color": PEER_COLOUR, "size": 10 if not debrief else 16,  # opaque: 3:1 on the band zones
                "line": {"width": 1, "color": palette.WHITE}},
        customdata=ptext, hovertemplate="%{customdata}: %{x:.2f}<extra></extra>",
    ))

    focus_name = plotly_escape(labels.get(view["council_id"], view["name"]))
    diamond = 20 if not debrief else 30
    fx, fy, fhover = [], [], []
    for i, r in enumerate(rows):
        value = r["doc"]["value"]
        if value is None:
            continue
        fx.append(value)
        fy.append(i)
        fhover.append(f"<b>{focus_name}</b>: {fmt(value, metric)}<br>{plotly_escape(r['words'])}")
        # Just above the diamond, whatever the row height: clear of the diamond, the box and the median.
        fig.add_annotation(x=value, y=i, yanchor="bottom", yshift=max(diamond, MEDIAN_PX[debrief]) // 2 + 2,
                           text=f"<b>{fmt(value, metric)}</b>",
                           showarrow=False, font={"size": font_size(debrief, 15), "color": FOCUS_COLOUR})
    fig.add_trace(go.Scatter(
        x=fx, y=fy, mode="markers", name=focus_name,
        marker={"symbol": "diamond", "size": diamond, "color": FOCUS_COLOUR,
                "line": {"width": 1.5, "color": palette.WHITE}},
        customdata=fhover, hovertemplate="%{customdata}<extra></extra>", cliponaxis=False,
    ))
    for i, r in enumerate(rows):
        if r["doc"]["value"] is None:
            fig.add_annotation(x=0.02, xref="paper", y=i, xanchor="left", showarrow=False,
                               text=f"{focus_name}: {suppressed_text(min_group)}",
                               font={"size": font_size(debrief, 13), "color": palette.NOTE_INK})

    axis_title = SHORT_AXIS_TITLES[metric] if debrief else AXIS_TITLES[metric]
    row_px = 84 if not debrief else 120
    heads = [_narrow_tick(r) for r in rows] if narrow else []
    if narrow:  # the row's name on top, then the focus value's label, the diamond, and the peers' strip
        row_px = 84 + 2 * narrow_mod.LINE_PX * max((h.count("<br>") + 1 for h in heads), default=1)
    style(fig, narrow_mod.title_html(title) if narrow else title_html(title, debrief), debrief=debrief,
          height=150 + row_px * len(rows), x_title=axis_title)
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(rows))), ticktext=[_tick(r, debrief) for r in rows],
                     range=[len(rows) - 0.5, -0.5], showgrid=False, zeroline=False)
    for i in range(1, len(rows)):  # a faint rule between rows, so each diamond reads with its own dots
        fig.add_hline(y=i - 0.5, line={"color": palette.ROW_RULE_COLOUR, "width": 1})
    if metric == "position":
        add_band_zones(fig, "x", debrief=debrief)
        change_axis(fig, "x", debrief=debrief, title=axis_title)
    elif metric == "risk":
        fig.update_xaxes(range=[0.5, 5.5], tickvals=list(domain.RISK_LEVELS),
                         ticktext=[f"{k}{'<br>' if narrow else ' '}{v}" for k, v in domain.RISK_LEVELS.items()])
    elif metric == "consensus":
        fig.update_xaxes(range=[0, 1.02], tickformat=".1f")
    else:
        values = [v for v in [*px, *fx] if v is not None]
        span = max([abs(v) for v in values] + [1.0]) * 1.15
        fig.update_xaxes(range=[min(-0.25, min(values, default=0) - 0.25), span], zeroline=True,
                         zerolinecolor=palette.ZERO_LINE_COLOUR, zerolinewidth=1.5)
    # The legend sits just under the axis title (anchored to the figure's bottom edge, so the gap between
    # them does not grow with the number of rows).  In debrief the legend goes: the facilitator explains it.
    axis_lines = 1
    legend_lines = 1
    if narrow:
        fig.update_yaxes(showticklabels=False)
        for i, head in enumerate(heads):  # just under the rule above the row
            fig.add_annotation(x=0, xref="paper", xanchor="left", y=i - 0.5, yref="y", yanchor="top", yshift=-3,
                               text=head, showarrow=False, align="left",
                               font={"size": font_size(False, 14), "color": INK})
        fig.update_layout(margin={"l": 6})
        narrow_mod.axis_for_phone(fig)
        axis_lines = narrow_mod.wrap_axis_title(fig)
        legend_lines = narrow_mod.legend_rows(fig)
    tick_lines = 2 if narrow and metric == "risk" else 1
    axis_px = font_size(debrief, 14) * 1.4 * tick_lines + font_size(debrief, 15) * 1.4 * axis_lines + 16
    legend_px = font_size(debrief, 14) * 2 * legend_lines if not debrief else 0
    fig.update_layout(legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
                              "xanchor": "left"},
                      showlegend=not debrief, margin={"b": int(axis_px + legend_px + 4)})
    if narrow:  # every row gets row_px whatever the margins
        top = 28 + 27 * narrow_mod.title_lines(title) + 34
        fig.update_layout(height=int(top + fig.layout.margin.b + row_px * len(rows)))
    fit_title(fig, title, debrief, below=44 if narrow else 34 if not debrief else 60, narrow=narrow)
    return fig


def _narrow_tick(row: Mapping[str, Any]) -> str:
    """A row's name for the line above it on a phone, with its "compare with care" words after it."""
    label = narrow_mod.label(row["theme_label"])
    if findings.benchmark.few_peers(row["doc"]):
        words = findings.benchmark.caution_words(row["doc"])
        label += f'<br><span style="font-size:13px;color:{MUTED_INK}"><i>{words}</i></span>'
    return label
