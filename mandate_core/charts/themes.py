"""Themes page charts: the councils × sector themes heatmap and the focus council's ranked themes.

A suppressed cell is drawn grey by a separate trace that carries only the words "fewer than N — not
shown": the heatmap trace holds ``None`` there, so no number of a small group is in the figure at all.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from .. import domain, palette
from ..disclosure import fewer_than
from ..findings.common import title_html, title_lines
from ..findings.themes import ThemeGrid, short_sector_label
from ..palette import BAND_COLOURS, FOCUS_COLOUR, OKABE_ITO, SUPPRESSED_COLOUR
from ..text import fmt, plotly_escape, wrap_label
from ..text import title_html as text_html
from . import narrow as narrow_mod
from .base import MUTED_INK, add_band_zones, change_axis, font_size, style, suppressed_text

ROW_HEIGHT = 26
#: On a phone a row is its cells plus the line above them that names the council.
NARROW_ROW_PX = 46
#: Room above a phone's grid for the upright column heads.
NARROW_HEAD_PX = 150
#: Characters a line of the heatmap's small-type note holds in debrief mode (its type is two thirds of the
#: title's, so it holds about half as much again as a title line).
DEBRIEF_NOTE_WIDTH = 115


def _tint(colour: str, strength: float) -> str:
    """``colour`` mixed with white: strength 1 is the colour itself."""
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02X}" for c in rgb)


def _ambition_scale() -> list[list[object]]:
    """The ambition colour scale on 1–6: one hue (Okabe–Ito blue) from pale to dark, so a higher value is
    always a darker cell and never looks weaker (band-coloured stretches restarted pale at each band edge,
    so a 4.6 looked weaker than a 4.4).  The band edges are marked on the colour bar instead (2.5, 4.5)."""
    blue = OKABE_ITO["blue"]
    # It stops at a mid blue (not the full, dark blue): every cell keeps its number in the dark ink over
    # 4.5:1 (WCAG text), where Plotly's own black-or-white pick left the mid cells near 3.5:1 either way.
    return [[0.0, _tint(blue, 0.06)], [0.3, _tint(blue, 0.3)], [0.6, _tint(blue, 0.55)],
            [1.0, _tint(blue, CELL_DARKEST)]]


#: Strength of the darkest ambition cell (its blue mixed with white): the most a cell may be darkened with
#: its number still over 4.5:1 in the dark ink (tests/test_contrast.py walks the scales).
CELL_DARKEST = 0.78


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB`` (0 black … 1 white): the lightness a scale must keep ordered."""
    def lin(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(int(colour.lstrip("#")[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def scale_colour(scale: Sequence[Sequence[object]], value: float, lo: float, hi: float) -> str:
    """The colour a Plotly colour scale gives ``value`` on [lo, hi] (linear in RGB between stops, as
    Plotly draws it): lets a test compare two cells' shades."""
    t = min(1.0, max(0.0, (value - lo) / (hi - lo)))
    for (a, ca), (b, cb) in zip(scale, scale[1:], strict=False):
        a, b = float(a), float(b)  # type: ignore[arg-type]
        if a <= t <= b:
            f = 0.0 if b == a else (t - a) / (b - a)
            x = [int(str(ca).lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
            y = [int(str(cb).lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
            return "#" + "".join(f"{round(p + (q - p) * f):02X}" for p, q in zip(x, y, strict=True))
    return str(scale[-1][1])


#: Ambition (1–6): one monotone scale, pale (1 = better) to dark (6 = new).
AMBITION_SCALE = _ambition_scale()
#: Gap (ambition − now, centred on 0): white to Okabe–Ito bluish green for a leap forward (no band colour,
#: so a big gap never reads as "New"), and to Okabe–Ito yellow for the rare ambition below where the council is
#: now (not grey: grey is a hidden cell).
#: The far end stays at the full bluish green, so every cell's number keeps over 4.5:1 in the dark ink.
GAP_SCALE: list[list[object]] = [[0.0, OKABE_ITO["yellow"]], [0.5, palette.GAP_MIDPOINT],
                                 [0.8, _tint(OKABE_ITO["bluish_green"], 0.6)], [1.0, OKABE_ITO["bluish_green"]]]


#: Slant of the heatmap's column headers on a normal screen (degrees; Plotly counts clockwise).
HEADER_ANGLE = -35
#: Width of one character of the 13 px header type, in pixels (a generous average for sans-serif).
HEADER_CHAR_PX = 7.5


def header_room(headers: Sequence[str]) -> int:
    """Pixels above the grid the slanted headers need: the longest one's rise at HEADER_ANGLE."""
    import math

    longest = max((len(html.unescape(h)) for h in headers), default=0)
    return int(20 + longest * HEADER_CHAR_PX * math.sin(math.radians(abs(HEADER_ANGLE))))




def fit_title(fig: go.Figure, title: str, debrief: bool, *, below: int = 0, extra_lines: int = 0,
              narrow: bool = False) -> None:
    """Keep a wrapped title inside the top margin, with ``below`` pixels under it for band names or ticks.

    The title is centred on a fixed pixel line (a multi-line title anchored at its top drifts upwards in
    Plotly), so call this after the figure's height is set.  ``extra_lines`` are small-type lines under the
    title (a note that belongs with the chart).
    """
    line = 52 if debrief else 27
    lines = narrow_mod.title_lines(title) if narrow else title_lines(title, debrief)
    block = line * lines + int(line * 0.85) * extra_lines
    height = fig.layout.height or 450
    fig.update_layout(title={"yref": "container", "yanchor": "middle", "y": 1 - (14 + block / 2) / height},
                      margin={"t": 28 + block + below})


def heatmap(grid: ThemeGrid, *, title: str, min_group: int, debrief: bool = False,
            note: str | None = None, narrow: bool = False) -> go.Figure:
    """Councils down, sector themes across, coloured by ambition (1–6) or gap; the focus row framed.

    ``note`` (plain text, e.g. the other end of the grid) is written in small type under the title, with
    what a blank and a grey cell mean, so both stay with the chart.

    ``narrow`` (a phone): a list rather than a wide grid — each council's name on its own line above its
    row of eight cells (so the cells get the whole width), the column heads upright, the colour bar
    across the full width.
    """
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    # Eight wrapped headers side by side crowd at 1280 wide ("Inclusive economy" ran into "Empowering
    # families"): one line each, slanted, on every screen; the full name is in the hover.
    xs = [plotly_escape(short_sector_label(key)) for key, _label in grid.themes]
    ys = [plotly_escape(label) for _cid, label in grid.councils]
    names = ys
    if narrow:  # rows by number; the names go above them (annotations below)
        ys = list(range(len(names)))
    gap = grid.measure == "gap"
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    hidden_z: list[list[float | None]] = []
    hidden_hover: list[list[str]] = []
    for cid, label in grid.councils:
        z_row, t_row, h_row, hz_row, hh_row = [], [], [], [], []
        for key, theme_label in grid.themes:
            cell = grid.cells.get((cid, key))
            where = f"<b>{plotly_escape(label)}</b><br>{plotly_escape(theme_label)}"
            if cell is None:
                z_row.append(None)
                t_row.append("")
                h_row.append("")
                hz_row.append(None)
                hh_row.append("")
            elif cell["status"] != "ok":
                z_row.append(None)
                t_row.append("")
                h_row.append("")
                hz_row.append(1.0)
                hh_row.append(f"{where}<br>{suppressed_text(min_group)}")
            else:
                value = cell["value"]
                z_row.append(value)
                t_row.append(fmt(value, "gap" if gap else "position"))
                detail = (f"Gap: {fmt(value, 'gap')} points (now {fmt(cell['now'])} → ambition "
                          f"{fmt(cell['ambition'])})" if gap else
                          f"Ambition: {fmt(value)} ({cell['band']})")
                h_row.append(f"{where}<br>{detail}<br>{cell['n']} participants")
                hz_row.append(None)
                hh_row.append("")
        z.append(z_row)
        text.append(t_row)
        hover.append(h_row)
        hidden_z.append(hz_row)
        hidden_hover.append(hh_row)

    if gap:
        shown = [v for row in z for v in row if v is not None]
        span = max([abs(v) for v in shown] + [1.0])
        zmin, zmax = -span, span
        colorbar = {"title": {"text": "Gap (ambition − now, points)", "side": "top"}}
        scale = GAP_SCALE
    else:
        zmin, zmax = domain.CHANGE_MIN, domain.CHANGE_MAX
        # Ticks at the band limits, and each band's name in the middle of its stretch of the bar.
        mids = [(domain.CHANGE_MIN + domain.DIFFERENTLY_FROM) / 2, (domain.DIFFERENTLY_FROM + domain.NEW_FROM) / 2,
                (domain.NEW_FROM + domain.CHANGE_MAX) / 2]
        colorbar = {"title": {"text": "Ambition on the 1–6 change scale", "side": "top"},
                    "tickvals": [1, mids[0], domain.DIFFERENTLY_FROM, mids[1], domain.NEW_FROM, mids[2], 6],
                    "ticktext": ["1", f"<b>{domain.BETTER}</b>", f"{domain.DIFFERENTLY_FROM:g}",
                                 f"<b>{domain.DIFFERENTLY}</b>", f"{domain.NEW_FROM:g}", f"<b>{domain.NEW}</b>", "6"]}
        scale = AMBITION_SCALE
    # Across the bottom, so the eight theme columns get the full width.
    row_px = NARROW_ROW_PX if narrow else ROW_HEIGHT
    bar_y = -40 / (row_px * max(1, len(ys)))
    colorbar.update(orientation="h", thickness=14, len=1.0 if narrow else 0.6, x=0, xanchor="left", y=bar_y,
                    yanchor="top",
                    tickfont={"size": font_size(debrief, 13), "color": palette.INK},
                    title_font={"size": font_size(debrief, 13), "color": palette.INK})
    # On a phone the gap between two rows holds the lower row's council name.
    ygap = NARROW_ROW_PX - ROW_HEIGHT if narrow else 2
    fig = go.Figure()
    fig.add_trace(go.Heatmap(
        z=z, x=xs, y=ys, zmin=zmin, zmax=zmax, colorscale=scale, text=text,
        texttemplate="%{text}", textfont={"size": font_size(debrief, 13), "color": palette.INK}, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", hoverongaps=False, xgap=2, ygap=ygap,
        colorbar=colorbar, name="shown",
    ))
    fig.add_trace(go.Heatmap(
        z=hidden_z, x=xs, y=ys, zmin=0, zmax=1, colorscale=[[0, SUPPRESSED_COLOUR], [1, SUPPRESSED_COLOUR]],
        showscale=False, customdata=hidden_hover, hovertemplate="%{customdata}<extra></extra>",
        hoverongaps=False, xgap=2, ygap=ygap, name="not shown",
    ))
    height = 250 + row_px * len(ys) + (NARROW_HEAD_PX if narrow else 0)
    head = narrow_mod.title_html(title) if narrow else title_html(title, debrief)
    # Small type under the title: the caller's note, then what a blank and a grey cell mean.
    key = f"Blank cell: a theme the council did not work on · grey cell: {fewer_than(min_group)}"
    # In debrief the note's type is two thirds of the title's, so its lines may be longer: wrapped at the
    # title's width they would stand in a narrow column under a wide title.
    note_lines = [line for text in (note, key) if text for line in
                  (narrow_mod.title_html(text, narrow_mod.NOTE_CHARS) if narrow else
                   title_html(text) if not debrief else
                   text_html(text, DEBRIEF_NOTE_WIDTH)).split("<br>")]
    if note_lines:
        size = font_size(debrief, 13)
        head += "".join(f'<br><span style="font-size:{size}px;font-weight:normal;color:{MUTED_INK}">{line}</span>'
                         for line in note_lines)
    style(fig, head, debrief=debrief, height=height)
    # Column heads stay at 13 px on a normal screen: eight of them must sit side by side at 1280 wide.
    fig.update_xaxes(side="top", showgrid=False, tickangle=-90 if narrow else -40 if debrief else HEADER_ANGLE,
                     tickfont={"size": font_size(debrief, 13) if debrief else 13})
    fig.update_yaxes(autorange="reversed", showgrid=False, tickfont={"size": font_size(debrief, 13)})
    index = next((i for i, (cid, _) in enumerate(grid.councils) if cid == grid.focus), None)
    if index is not None:
        # On a phone the frame takes in the name above the cells and stops short of the next row's name.
        half_gap = (NARROW_ROW_PX - ROW_HEIGHT) / 2 / NARROW_ROW_PX
        y0, y1 = (index - 0.5 - 0.9 * half_gap, index + 0.5 - 0.9 * half_gap) if narrow else (index - 0.5, index + 0.5)
        fig.add_shape(type="rect", xref="paper", yref="y", x0=0, x1=1, y0=y0, y1=y1,
                      line={"color": FOCUS_COLOUR, "width": 3}, fillcolor=palette.TRANSPARENT, layer="above")
        ticks = [f"<b>{y}</b>" if i == index else y for i, y in enumerate(names)]
        fig.update_yaxes(tickmode="array", tickvals=ys, ticktext=ticks)
    if narrow:
        # Room above the first row for its name (and the frame, when it is the chosen council's).
        top = -0.5 - 2 * (NARROW_ROW_PX - ROW_HEIGHT) / 2 / NARROW_ROW_PX
        fig.update_yaxes(showticklabels=False, range=[len(ys) - 0.5, top], autorange=False)
        for i, name in enumerate(names):  # in the gap above the row's cells
            fig.add_annotation(x=0, xref="paper", xanchor="left", y=i - 0.5, yref="y", yanchor="middle",
                               yshift=-2, text=f"<b>{name}</b>" if i == index else name, showarrow=False,
                               font={"size": 13, "color": palette.INK})
        fig.update_layout(margin={"l": 4, "r": 4})
    fit_title(fig, title, debrief, below=NARROW_HEAD_PX + 60 if narrow else header_room(xs) if not debrief else 260,
              extra_lines=len(note_lines), narrow=narrow)
    return fig


def ranked_bars(bars: Sequence[Mapping[str, Any]], *, title: str, min_group: int,
                debrief: bool = False, narrow: bool = False) -> go.Figure:
    """The focus council's themes, most ambitious at the top, each bar in its band's colour.

    ``narrow`` (a phone): each theme's name above its bar and the value inside the bar's end, so the
    bars get the chart's whole width."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    shown = [b for b in bars if not b["suppressed"]]
    hidden = [b for b in bars if b["suppressed"]]
    width = 20 if debrief else 34
    labels = [wrap_label(b["theme"], width) for b in bars]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=[b["ambition"] for b in shown],
        y=[wrap_label(b["theme"], width) for b in shown],
        base=0, orientation="h",
        # A dark outline: the pale band fills alone are under 3:1 on the zones they stand in (WCAG 1.4.11).
        marker={"color": [BAND_COLOURS[b["band"]] for b in shown], "line": {"width": 1, "color": palette.MARK_EDGE}},
        text=[f"{fmt(b['ambition'])}  {b['band']}" for b in shown], textposition="outside",
        textfont={"size": font_size(debrief, 15)}, cliponaxis=False,
        customdata=[[plotly_escape(b["sector_label"]), b["n"]] for b in shown],
        hovertemplate="<b>%{y}</b><br>%{customdata[0]}<br>Ambition %{x:.1f}<br>%{customdata[1]} participants"
                      "<extra></extra>",
        name="Ambition", showlegend=False,
    ))
    if hidden:
        # Zero-length bars only reserve the rows; the words sit on top and no number is carried.
        fig.add_trace(go.Bar(x=[0] * len(hidden), y=[wrap_label(b["theme"], width) for b in hidden], base=0,
                             orientation="h", hoverinfo="skip", showlegend=False, name="not shown",
                             marker={"color": palette.TRANSPARENT}))
    for b in hidden:
        fig.add_annotation(x=0.6, y=wrap_label(b["theme"], width), xanchor="left", showarrow=False,
                           text=suppressed_text(min_group), font={"size": font_size(debrief, 14),
                                                                  "color": palette.NOTE_INK})
    row = 56 if not debrief else 70
    if narrow:
        row = 72  # the name's line above, then the bar
    style(fig, narrow_mod.title_html(title) if narrow else title_html(title, debrief), debrief=debrief,
          height=140 + row * max(1, len(bars)))
    fit_title(fig, title, debrief, below=30 if not debrief else 56, narrow=narrow)
    add_band_zones(fig, "x", debrief=debrief)
    change_axis(fig, "x", debrief=debrief, title="Ambition (1–6)" if debrief else "Ambition (1 = better … 6 = new)")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels, showgrid=False)
    fig.update_layout(bargap=0.35)
    if narrow:
        fig.update_yaxes(showticklabels=False)
        fig.update_traces(textposition="auto", insidetextanchor="end", selector={"name": "Ambition"})
        for b, y in zip(bars, labels, strict=True):
            fig.add_annotation(x=0, xref="paper", xanchor="left", y=y, yref="y", yanchor="bottom",
                               yshift=int(row * 0.65 / 2) + 1, text=narrow_mod.label(b["theme"]), showarrow=False,
                               font={"size": font_size(False, 14), "color": palette.INK})
        fig.update_layout(bargap=0.45, margin={"l": 6})
        fig.update_yaxes(autorange=False, range=[len(labels) - 0.5, -0.95])  # room for the top row's name
    return fig
