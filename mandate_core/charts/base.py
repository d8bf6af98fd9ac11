"""Shared look of every chart: fonts, margins, the Better | Differently | New zones, debrief scaling."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from .. import disclosure, domain
from ..palette import BAND_ZONE_COLOURS

FONT_FAMILY = "Source Sans Pro, Segoe UI, Helvetica Neue, Arial, sans-serif"
BASE_FONT = 15
#: Normal screens: the builders' sizes (written for a laptop) are scaled up by this, so a tick label is 16 px
#: and still reads on a 1920-pixel projector.
NORMAL_SCALE = 8 / 7
DEBRIEF_SCALE = 2.0
#: Chart titles are not scaled with the rest: a larger title would wrap sooner on a 1280-pixel screen.
TITLE_SIZE = 20
#: Text and axis ink: near-black, set explicitly so Streamlit's chart theme cannot fade it to grey.
INK = "#1A1A1A"
MUTED_INK = "#444444"
#: Darker versions of the band colours for text (band names over the pale zones).  The fills stay the
#: palette's; at full strength sky blue, orange and pink are under 3:1 against white, these are over 4.5:1.
BAND_TEXT_COLOURS: dict[str, str] = {
    domain.BETTER: "#336C8B",
    domain.DIFFERENTLY: "#8A5F00",
    domain.NEW: "#8E5474",
}


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
        paper_bgcolor="white",
        plot_bgcolor="white",
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
        update(gridcolor="#E5E5E5", zeroline=False, automargin=True, title_font_color=INK,
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
    """The words every chart and table uses for a hidden value: one text for every hidden cell (SPEC §4
    rule 5), so a chart never tells the small cell from the one hidden to protect it."""
    del min_group  # the threshold is explained once, in "how to read this", not in each hidden cell
    return disclosure.HIDDEN
