"""Benchmark page chart: the focus council against its peers, overall and theme by theme.

Each row is a strip of peer dots over a box drawn from the benchmark's own p25 / median / p75 (the
numbers ``benchmark --json`` prints, never recomputed by Plotly), with the focus council as a large
diamond in the focus colour.  It is a can opener, not a league table: there is no rank, only where the
council sits.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from .. import domain
from ..palette import FOCUS_COLOUR, PEER_COLOUR
from ..views import fmt, title_html
from .base import add_band_zones, change_axis, font_size, style, suppressed_text
from .themes import fit_title, wrap_label

JITTER = 0.16
SHORT_AXIS_TITLES = {"position": "Change (1–6)", "gap": "Gap (points)", "risk": "Risk appetite (1–5)",
                     "consensus": "Consensus (0–1)"}
AXIS_TITLES = {
    "position": "Change appetite (1 = better … 6 = new)",
    "gap": "Ambition gap: ambition − now (points)",
    "risk": "Risk appetite (1 = averse … 5 = eager)",
    "consensus": "Consensus (0 = split in two … 1 = everyone agrees)",
}


def _esc(text: object) -> str:
    """User text (council and theme names) shown as text in Plotly's HTML-like labels."""
    return html.escape(str(text), quote=False)


def _jitter(council_id: str, row: int) -> float:
    """A fixed vertical offset per council, so dots do not sit on each other and do not jump on rerun."""
    h = int(hashlib.sha256(f"{council_id}:{row}".encode()).hexdigest()[:8], 16)
    return (h / 0xFFFFFFFF * 2 - 1) * JITTER


def strip(view: Mapping[str, Any], labels: Mapping[str, str], *, title: str, min_group: int,
          debrief: bool = False) -> go.Figure:
    """One row per theme (overall first): peers as dots, their middle half as a box, the focus as a diamond."""
    metric = view["metric"]
    rows = view["rows"]
    ticks = [wrap_label(r["theme_label"], 20 if debrief else 24) for r in rows]
    fig = go.Figure()

    box_rows = [(i, r["doc"], r["points"]) for i, r in enumerate(rows) if r["doc"]["median"] is not None]
    if box_rows:
        fig.add_trace(go.Box(
            y=[i for i, _d, _p in box_rows], orientation="h",
            q1=[d["p25"] for _i, d, _p in box_rows], median=[d["median"] for _i, d, _p in box_rows],
            q3=[d["p75"] for _i, d, _p in box_rows],
            lowerfence=[min(p["value"] for p in pts) for _i, _d, pts in box_rows],
            upperfence=[max(p["value"] for p in pts) for _i, _d, pts in box_rows],
            width=0.5, fillcolor="rgba(153,153,153,0.18)", line={"color": "#8A8A8A", "width": 1.5},
            hoverinfo="skip", name="Middle half of peers", showlegend=True,
        ))
        fig.add_trace(go.Scatter(
            x=[d["median"] for _i, d, _p in box_rows], y=[i for i, _d, _p in box_rows], mode="markers",
            marker={"symbol": "line-ns-open", "size": 26, "color": "#1A1A1A", "line": {"width": 3}},
            customdata=[[fmt(d["median"], metric), fmt(d["p25"], metric), fmt(d["p75"], metric), d["peers"]]
                        for _i, d, _p in box_rows],
            hovertemplate="Peer median %{customdata[0]}<br>Middle half %{customdata[1]} to %{customdata[2]}"
                          "<br>%{customdata[3]} peers<extra></extra>",
            name="Peer median",
        ))

    px, py, ptext = [], [], []
    for i, r in enumerate(rows):
        for p in r["points"]:
            px.append(p["value"])
            py.append(i + _jitter(p["council_id"], i))
            ptext.append(_esc(labels.get(p["council_id"], p["name"])))
    fig.add_trace(go.Scatter(
        x=px, y=py, mode="markers", name="Peers",
        marker={"color": PEER_COLOUR, "size": 10, "opacity": 0.75, "line": {"width": 1, "color": "white"}},
        customdata=ptext, hovertemplate="%{customdata}: %{x:.2f}<extra></extra>",
    ))

    focus_name = _esc(labels.get(view["council_id"], view["name"]))
    fx, fy, ftext, fhover = [], [], [], []
    for i, r in enumerate(rows):
        value = r["doc"]["value"]
        if value is None:
            continue
        fx.append(value)
        fy.append(i)
        ftext.append(fmt(value, metric))
        fhover.append(f"<b>{focus_name}</b>: {fmt(value, metric)}<br>{_esc(r['words'])}")
    fig.add_trace(go.Scatter(
        x=fx, y=fy, mode="markers+text", name=focus_name, text=ftext, textposition="top center",
        textfont={"size": font_size(debrief, 15), "color": FOCUS_COLOUR},
        marker={"symbol": "diamond", "size": 20 if not debrief else 30, "color": FOCUS_COLOUR,
                "line": {"width": 1.5, "color": "white"}},
        customdata=fhover, hovertemplate="%{customdata}<extra></extra>", cliponaxis=False,
    ))
    for i, r in enumerate(rows):
        if r["doc"]["value"] is None:
            fig.add_annotation(x=0.02, xref="paper", y=i, xanchor="left", showarrow=False,
                               text=f"{focus_name}: {suppressed_text(min_group)}",
                               font={"size": font_size(debrief, 13), "color": "#555555"})

    axis_title = SHORT_AXIS_TITLES[metric] if debrief else AXIS_TITLES[metric]
    style(fig, title_html(title, debrief), debrief=debrief, height=170 + (78 if not debrief else 110) * len(rows),
          x_title=axis_title)
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(rows))), ticktext=ticks, autorange="reversed",
                     range=None, showgrid=False, zeroline=False)
    if metric == "position":
        add_band_zones(fig, "x", debrief=debrief)
        change_axis(fig, "x", debrief=debrief, title=axis_title)
    elif metric == "risk":
        fig.update_xaxes(range=[0.5, 5.5], tickvals=list(domain.RISK_LEVELS),
                         ticktext=[f"{k} {v}" for k, v in domain.RISK_LEVELS.items()])
    elif metric == "consensus":
        fig.update_xaxes(range=[0, 1.02], tickformat=".1f")
    else:
        values = [v for v in [*px, *fx] if v is not None]
        span = max([abs(v) for v in values] + [1.0]) * 1.15
        fig.update_xaxes(range=[min(-0.25, min(values, default=0) - 0.25), span], zeroline=True,
                         zerolinecolor="#777777", zerolinewidth=1.5)
    # The legend sits under the axis title, clear of the band names along the top.
    # In debrief the legend goes (the room has the facilitator; "How to read this" has the key).
    fig.update_layout(legend={"orientation": "h", "y": -110 / (78 * len(rows)), "yanchor": "top", "x": 0,
                              "xanchor": "left"}, showlegend=not debrief, margin={"b": 70 if not debrief else 40})
    fit_title(fig, title, debrief, below=34 if not debrief else 60)
    return fig
