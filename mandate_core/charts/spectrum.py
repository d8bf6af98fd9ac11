"""Spectrum charts for the Overview and Council pages, and the tables behind them.

Positions are drawn on the 1–6 change axis over the Better | Differently | New zones, so a dot's place
and its colour tell the same story.  The builders take the dictionaries of :mod:`mandate_core.metrics`
and :mod:`mandate_core.reports` as they come; a suppressed slice (``{"suppressed": true}``) is never
turned into a mark, hover text or customdata, only into the words of :func:`base.suppressed_text`.
User text (council and theme names) is HTML-escaped before it reaches Plotly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from .. import domain, findings
from ..findings.common import shown
from ..palette import (
    ARROW_COLOUR,
    BAND_MARK_COLOURS,
    CONNECTOR_COLOUR,
    DOTTED_GRID_COLOUR,
    FOCUS_COLOUR,
    HORIZON_COLOURS,
    INKS,
    KEY_COLOUR,
    MUTED_INK,
    NOTE_BACKGROUND,
    NOTE_INK,
    SEPARATOR_COLOUR,
    THRESHOLD_COLOUR,
    TRANSPARENT,
    WHITE,
    ZONE_TINTS,
)
from ..text import fmt, num, plotly_escape, wrap_label
from ..text import title_html as text_html
from . import narrow as narrow_mod
from .base import INK, add_band_zones, change_axis, font_size, style, suppressed_text, title_size

ALL_THEMES = "All themes"
#: Characters per title line: what fits a chart on a 1280-pixel screen (so most titles take one line), and
#: in debrief mode (double-size type across a 1920-pixel projector; see findings.common.TITLE_WIDTH_DEBRIEF).
WRAP_FULL, WRAP_DEBRIEF = 90, 80
#: Each row gets this much more height in debrief mode (type is twice the size).
DEBRIEF_ROW_SCALE = 2.0
#: The change axis title in debrief mode, short enough for double-size type on a 1280-pixel screen.
SHORT_AXIS = "1 = better … 6 = new"


# --- shared helpers (also used by charts.alignment) --------------------------------------------------------




def frame(fig: go.Figure, title: str, *, debrief: bool, rows: int, row_px: int = 40, wrap: int = WRAP_FULL,
          band_labels: bool = True, legend: bool = True, legend_lines: int = 1, right: int = 24,
          narrow: bool = False) -> go.Figure:
    """House style plus a title wrapped to fit, room above the plot for the band labels, and a height
    that gives every row the same space whatever the margins (so debrief type never squashes the rows).

    ``title`` is plain text (escaped here).  A title that does not fit one line is wrapped rather than
    cut off, and the top margin grows with it so nothing overlaps.

    ``narrow`` (a phone, see :mod:`mandate_core.charts.narrow`): the title is wrapped for a 360-pixel chart,
    each row's label goes above the row instead of in a wide left margin, a value column at the right
    joins the row's label, long axis titles wrap and the legend gets the lines it needs.
    """
    if narrow:
        debrief = False  # a phone is read in the hand: double-size type would not fit 390 px
        rows, row_px, right, legend_lines = narrow_mod.rows_above(fig, rows=rows, row_px=row_px, right=right,
                                                                   legend=legend, legend_lines=legend_lines)
        wrap = narrow_mod.TITLE_CHARS
    width = wrap if narrow else WRAP_DEBRIEF if debrief else wrap
    heading = text_html(title, width) if title else ""
    lines = heading.split("<br>") if heading else []
    style(fig, heading, debrief=debrief)
    if narrow:
        narrow_mod.axis_for_phone(fig)
    title_px = title_size(debrief) * 1.3 * len(lines)
    band_px = font_size(debrief, 14) * 1.6 if band_labels else 0
    top = int(10 + (0.5 * title_size(debrief) if lines else 0) + title_px + band_px + 8)
    # Below the plot: tick labels and the axis title, then (at the very bottom) the legend.
    axis_lines = narrow_mod.wrap_axis_title(fig) if narrow else 1
    axis_px = font_size(debrief, 14) * 1.4 + font_size(debrief, 15) * 1.4 * axis_lines + 14
    legend_px = font_size(debrief, 14) * 1.8 * legend_lines if legend else 0
    bottom = int(axis_px + legend_px + 6)
    height = int(top + bottom + max(rows, 1) * row_px * (DEBRIEF_ROW_SCALE if debrief else 1))
    fig.update_layout(
        height=height,
        # Anchored by its top a few pixels under the edge (a multi-line title with a top pad is cut off).
        title={"yref": "container", "yanchor": "top", "y": 1 - (10 + 0.5 * title_size(debrief)) / height},
        margin={"t": top, "l": 10, "r": right, "b": bottom},
        showlegend=legend,
    )
    if legend:
        fig.update_layout(legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0,
                                  "x": 0, "xanchor": "left", "bgcolor": TRANSPARENT})
    return fig


def label_limit(debrief: bool, normal: int = 38) -> int:
    """How many characters of a row label fit beside the plot (double-size type takes twice the room)."""
    return int(normal * 0.7) if debrief else normal


def horizon_word(horizon: str) -> str:
    """The horizon in an axis title: "Now", "Next step", "Ambition"."""
    return {"now": "Now", "next": "Next step", "ambition": "Ambition"}.get(horizon, horizon)


def _slice_hover(name: str, slice_: Mapping[str, Any]) -> str:
    return f"{name}: {slice_['band']} ({num(slice_['position'])})"


# --- Overview ----------------------------------------------------------------------------------------------


def split_overview(rows: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Councils that can go on the dumbbell (now and ambition both shown) and those that cannot."""
    on, off = [], []
    for row in rows:
        (on if shown(row.get("now")) and shown(row.get("ambition")) else off).append(row)
    return on, off


def overview_dumbbell(
    rows: Sequence[Mapping[str, Any]],
    *,
    focus: str | None = None,
    labels: Mapping[str, str] | None = None,
    debrief: bool = False,
    title: str | None = None,
    narrow: bool = False,
) -> go.Figure:
    """Every council from now (hollow) to ambition (filled), sorted by ambition, highest at the top.

    ``rows`` are :func:`metrics.sector_overview` rows; councils with a suppressed end are left off (the
    page lists them).  ``labels`` maps council id to the name shown (debrief mode passes "Peer N" names).
    """
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    labels = labels or {}
    on, _off = split_overview(rows)
    on.sort(key=lambda r: (r["ambition"]["position"], r["now"]["position"], str(labels.get(r["council_id"],
                                                                                          r["name"]))))
    fig = go.Figure()
    names = [str(labels.get(r["council_id"], r["name"])) for r in on]
    ys = list(range(len(on)))

    cx: list[float | None] = []
    cy: list[float | None] = []
    for y, r in zip(ys, on, strict=True):
        cx += [r["now"]["position"], r["ambition"]["position"], None]
        cy += [y, y, None]
    fig.add_trace(go.Scatter(x=cx, y=cy, mode="lines", line={"color": CONNECTOR_COLOUR, "width": 3},
                             hoverinfo="skip", showlegend=False, name="Distance to travel"))

    hover = []
    for name, r in zip(names, on, strict=True):
        parts = [f"<b>{plotly_escape(name)}</b>", _slice_hover("Now", r["now"])]
        if shown(r.get("next")):
            parts.append(_slice_hover("Next step", r["next"]))
        parts.append(_slice_hover("Ambition", r["ambition"]))
        if r.get("gap") is not None:
            parts.append(f"Distance to travel: {fmt(r['gap'], 'gap')}")
        if not debrief and r.get("participants"):
            parts.append(f"{r['participants']} participants · {plotly_escape(r.get('round', ''))}")
        hover.append("<br>".join(parts))

    size = font_size(debrief, 12)
    fig.add_trace(go.Scatter(
        x=[r["now"]["position"] for r in on], y=ys, mode="markers", name="Now", showlegend=False,
        marker={"symbol": "circle-open", "size": size, "line": {"width": 3 if not debrief else 5},
                "color": [BAND_MARK_COLOURS[r["now"]["band"]] for r in on]},
        hovertext=hover, hoverinfo="text",
    ))
    fig.add_trace(go.Scatter(
        x=[r["ambition"]["position"] for r in on], y=ys, mode="markers", name="Ambition", showlegend=False,
        marker={"symbol": "circle", "size": size + 3, "line": {"width": 1, "color": WHITE},
                "color": [BAND_MARK_COLOURS[r["ambition"]["band"]] for r in on]},
        hovertext=hover, hoverinfo="text",
    ))
    # Legend keys in neutral grey: the colour means the band, the shape means the horizon.
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="Now",
                             marker={"symbol": "circle-open", "size": size, "color": KEY_COLOUR,
                                     "line": {"width": 3}}))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="Ambition (about 5 years)",
                             marker={"symbol": "circle", "size": size + 3, "color": KEY_COLOUR}))

    ticktext = []
    for y, r, name in zip(ys, on, names, strict=True):
        label = wrap_label(name, label_limit(debrief, 34), 2)
        if r["council_id"] == focus:
            parts = label.split("<br>")
            parts[0] = "▶ " + parts[0]
            ticktext.append("<br>".join(f'<span style="color:{FOCUS_COLOUR}"><b>{p}</b></span>' for p in parts))
            # On a phone the row's name is above its marks: the frame takes it in.
            below, above = (0.3, 0.74) if narrow else (0.48, 0.48)
            fig.add_hrect(y0=y - below, y1=y + above, fillcolor=TRANSPARENT,
                          line={"color": FOCUS_COLOUR, "width": 2.5 if not debrief else 4}, layer="above")
        else:
            ticktext.append(label)

    add_band_zones(fig, debrief=debrief)
    change_axis(fig, debrief=debrief, title=SHORT_AXIS if debrief else None)
    fig.update_yaxes(tickvals=ys, ticktext=ticktext, range=[-0.7, max(len(on), 1) - 0.3], showgrid=False,
                     title=None)
    frame(fig, title or findings.overview.overview_takeaway(rows), debrief=debrief, rows=max(len(on), 3), row_px=30,
          narrow=narrow)
    if not on:
        fig.add_annotation(x=3.5, y=0, text="No council in this selection can be shown", showarrow=False,
                           font={"size": font_size(debrief, 16)})
    return fig


def overview_rows(
    rows: Sequence[Mapping[str, Any]],
    min_group: int,
    *,
    labels: Mapping[str, str] | None = None,
    debrief: bool = False,
) -> list[dict[str, Any]]:
    """The rows behind the Overview chart, for the table and the downloads.

    In debrief mode the council is only its label ("Peer N") and the descriptors that could name it
    (nation, type, peer group, date, head count) are left out.
    """
    labels = labels or {}
    hidden = suppressed_text(min_group)
    out = []
    for r in rows:
        item: dict[str, Any] = {"council": str(labels.get(r["council_id"], r["name"]))}
        if not debrief:
            item.update(nation=r.get("nation"), council_type=r.get("council_type"),
                        peer_group=r.get("peer_group") or "", workshop_date=r.get("workshop_date"),
                        participants=r.get("participants") if shown(r.get("ambition")) else hidden)
        item["round"] = r.get("round")
        for h in domain.HORIZONS:
            s = r.get(h)
            item[f"{h}_position"] = round(s["position"], 2) if shown(s) else hidden
            item[f"{h}_band"] = s["band"] if shown(s) else ""
        both = shown(r.get("now")) and shown(r.get("ambition"))
        item["gap"] = round(r["gap"], 2) if both and r.get("gap") is not None else ""
        out.append(item)
    return out


# --- Council -----------------------------------------------------------------------------------------------


def theme_order(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Themes from the highest ambition down (suppressed last), shared by every Council chart."""
    def key(t: Mapping[str, Any]) -> tuple[int, float, str]:
        amb = t.get("ambition")
        return (0, -amb["position"], t["theme"]) if shown(amb) else (1, 0.0, t["theme"])

    return sorted(report.get("themes", []), key=key)


def _council_rows(report: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any], bool]]:
    """(label, result, is_overall) from the top row down: all themes, then each theme."""
    rows: list[tuple[str, Mapping[str, Any], bool]] = [(ALL_THEMES, report.get("overall", {}), True)]
    rows += [(t["theme"], t, False) for t in theme_order(report)]
    return rows


def _row_ticks(rows: Sequence[tuple[str, Mapping[str, Any], bool]], debrief: bool) -> tuple[list[int], list[str]]:
    n = len(rows)
    ys = [n - 1 - i for i in range(n)]  # first row at the top
    limit = label_limit(debrief)
    text = [f"<b>{plotly_escape(label)}</b>" if overall else wrap_label(label, limit, 2) for label, _r, overall in rows]
    return ys, text


_HORIZON_MARKERS = {
    "now": {"symbol": "circle-open", "size": 14, "line": {"width": 3}},
    "next": {"symbol": "diamond", "size": 13, "line": {"width": 1, "color": WHITE}},
    "ambition": {"symbol": "circle", "size": 17, "line": {"width": 1, "color": WHITE}},
}
#: The risk chart's two traces, by horizon, with their legend names (it has no middle step).
_RISK_NAMES = {"now": "Risk appetite now", "ambition": "Risk appetite for the ambition"}


def _position_hover(h: str, s: Mapping[str, Any]) -> str:
    risk = f"<br>Risk appetite: {findings.common.risk_words(s['risk'])}" if s.get("risk") is not None else ""
    return (f"{plotly_escape(domain.HORIZON_LABELS[h])}: {s['band']} ({num(s['position'])})<br>"
            f"{s['n']} participants{risk}")


def _risk_hover(h: str, s: Mapping[str, Any]) -> str:
    horizon = plotly_escape(domain.HORIZON_LABELS[h].lower())
    return f"Risk appetite, {horizon}: {findings.common.risk_words(s['risk'])}"


def _marks_by_row(report: Mapping[str, Any], names: Mapping[str, str], value: str,
                  hover: Callable[[str, Mapping[str, Any]], str], debrief: bool
                  ) -> tuple[go.Figure, list[tuple[str, Mapping[str, Any], bool]], list[int], list[str]]:
    """A figure with one row per theme (all themes on top) and, for each horizon in ``names`` (horizon → legend
    name), a trace marking every shown ``value``; with the rows, their y positions and tick labels.

    The change spectrum and the risk chart are read side by side, so they share one way of drawing a horizon:
    the same marker, outline and size, and only the ambition's number written beside its mark.
    """
    rows = _council_rows(report)
    ys, ticktext = _row_ticks(rows, debrief)
    scale = 2 if debrief else 1
    fig = go.Figure()
    for h, name in names.items():
        xs, yy, hovers, text = [], [], [], []
        for (label, r, _o), y in zip(rows, ys, strict=True):
            s = r.get(h)
            if shown(s) and s.get(value) is not None:
                xs.append(s[value])
                yy.append(y)
                hovers.append(f"<b>{plotly_escape(label)}</b><br>{hover(h, s)}")
                text.append(num(s[value]))
        marker = _HORIZON_MARKERS[h]
        spec = {**marker, "size": marker["size"] * scale, "color": HORIZON_COLOURS[h]}
        spec["line"] = {**marker["line"], "width": marker["line"]["width"] * scale}
        if h == "now":  # an open circle is all outline: it takes the horizon's colour
            spec["line"]["color"] = HORIZON_COLOURS[h]
        fig.add_trace(go.Scatter(
            x=xs, y=yy, mode="markers+text" if h == "ambition" else "markers",
            text=text if h == "ambition" else None, textposition="middle right",
            textfont={"size": font_size(debrief, 14), "color": HORIZON_COLOURS[h]},
            name=name, marker=spec, hovertext=hovers, hoverinfo="text",
        ))
    return fig, rows, ys, ticktext


def council_spectrum(report: Mapping[str, Any], *, min_group: int, debrief: bool = False, title: str | None = None,
                     narrow: bool = False) -> go.Figure:
    """Each theme's now → next → ambition on the Better | Differently | New spectrum."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    m = min_group
    fig, rows, ys, ticktext = _marks_by_row(report, domain.HORIZON_LABELS, "position", _position_hover, debrief)
    scale = 2 if debrief else 1
    for (_label, r, _o), y in zip(rows, ys, strict=True):
        now, amb = r.get("now"), r.get("ambition")
        if shown(now) and shown(amb) and abs(amb["position"] - now["position"]) > 0.05:
            fig.add_annotation(x=amb["position"], y=y, ax=now["position"], ay=y, xref="x", yref="y",
                               axref="x", ayref="y", text="", showarrow=True, arrowhead=2, arrowsize=1.2,
                               arrowwidth=2 * scale, arrowcolor=ARROW_COLOUR, standoff=9 * scale,
                               startstandoff=7 * scale)
        missing = [h for h in domain.HORIZONS if not shown(r.get(h))]
        if missing:
            words = suppressed_text(m) if len(missing) == 3 else (
                ", ".join(("next step" if h == "next" else h) for h in missing) + ": " + suppressed_text(m))
            fig.add_annotation(x=3.5 if len(missing) == 3 else 6.45, y=y, text=plotly_escape(words), showarrow=False,
                               xanchor="center" if len(missing) == 3 else "right",
                               font={"size": font_size(debrief, 13), "color": NOTE_INK},
                               bgcolor=NOTE_BACKGROUND)
    add_band_zones(fig, debrief=debrief)
    change_axis(fig, debrief=debrief, title=SHORT_AXIS if debrief else None)
    fig.add_hline(y=len(rows) - 1.5, line={"color": SEPARATOR_COLOUR, "width": 1, "dash": "dot"})
    fig.update_yaxes(tickvals=ys, ticktext=ticktext, range=[-0.6, len(rows) - 0.4], showgrid=False)
    frame(fig, title or findings.council.council_themes_takeaway(report), debrief=debrief, rows=len(rows), row_px=46,
          narrow=narrow)
    return fig


#: Where each horizon's words go around its marker on the journey chart: clear of the other two.
_JOURNEY_TEXT = {"now": "bottom center", "next": "top center", "ambition": "middle right"}


def overall_journey(report: Mapping[str, Any], *, min_group: int, debrief: bool = False, title: str | None = None,
                    narrow: bool = False) -> go.Figure:
    """The council as a whole, now → next step → ambition, on one row with every point named and valued.

    The debrief's opening slide: no legend to decode, the three numbers the room will talk about written
    beside their marks, and the band of each in the zone it sits in.
    """
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    m = min_group
    overall = report.get("overall", {})
    fig = go.Figure()
    scale = 2 if debrief else 1
    words = {"now": "Now", "next": "Next step", "ambition": "Ambition"}
    for h in domain.HORIZONS:
        s = overall.get(h)
        if not shown(s):
            continue
        spec = dict(_HORIZON_MARKERS[h])
        spec = {**spec, "size": int(spec["size"] * scale * 1.3), "color": HORIZON_COLOURS[h]}
        spec["line"] = {**spec["line"], "width": spec["line"]["width"] * scale}
        if h == "now":
            spec["line"]["color"] = HORIZON_COLOURS[h]
        colour = HORIZON_COLOURS[h]
        fig.add_trace(go.Scatter(
            # A phone names the points in the legend under the chart: beside the marks they would collide.
            # One row, named as the council tables name it, so the chart's numbers table reads "All themes:
            # now 3.0, next step 3.9, ambition 4.7" (the axis hides the name; a category sits at 0 as before).
            x=[s["position"]], y=[ALL_THEMES], mode="markers" if narrow else "markers+text", cliponaxis=False,
            text=[f"<b>{words[h]} {num(s['position'])}</b>"], textposition=_JOURNEY_TEXT[h],
            textfont={"size": font_size(debrief, 15), "color": colour},
            name=f"{words[h]} {num(s['position'])}" if narrow else domain.HORIZON_LABELS[h], marker=spec,
            showlegend=narrow,
            hovertext=[_position_hover(h, s)], hoverinfo="text",
        ))
    now, amb = overall.get("now"), overall.get("ambition")
    if shown(now) and shown(amb) and abs(amb["position"] - now["position"]) > 0.05:
        fig.add_annotation(x=amb["position"], y=0, ax=now["position"], ay=0, xref="x", yref="y", axref="x",
                           ayref="y", text="", showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2.5 * scale,
                           arrowcolor=ARROW_COLOUR, standoff=12 * scale, startstandoff=9 * scale)
    # Under the journey, the appetite for risk that goes with it (in Orange Book words; not on this axis).
    if shown(now) or shown(amb):
        sentence = findings.council.risk_sentence(overall, m)
        fig.add_annotation(x=0.5, xref="paper", y=1.02 if narrow else -0.62, yanchor="bottom" if narrow else "middle",
                           text=narrow_mod.label(sentence, 44, lines=4) if narrow else plotly_escape(sentence),
                           showarrow=False, font={"size": font_size(debrief, 13), "color": MUTED_INK},
                           bgcolor=NOTE_BACKGROUND, borderpad=4)
    hidden = [h for h in domain.HORIZONS if not shown(overall.get(h))]
    if hidden:
        fig.add_annotation(x=3.5, y=0.55, text=plotly_escape(", ".join(words[h].lower() for h in hidden) + ": "
                                                     + suppressed_text(m)),
                           showarrow=False, font={"size": font_size(debrief, 13), "color": NOTE_INK})
    add_band_zones(fig, debrief=debrief)
    change_axis(fig, debrief=debrief, title=SHORT_AXIS if debrief else None)
    # A phone: the risk sentence above the journey (wrapped), where the wide screen has room below it.
    fig.update_yaxes(range=[-0.75, 1.75 if narrow else 0.75], showticklabels=False, showgrid=False)
    frame(fig, title if title is not None else findings.council.overall_sentence(overall, m), debrief=debrief, rows=1,
          row_px=200 if narrow else 120, legend=narrow, narrow=narrow)
    return fig


def risk_chart(report: Mapping[str, Any], *, min_group: int, debrief: bool = False, title: str | None = None,
               narrow: bool = False) -> go.Figure:
    """Risk appetite now and for the ambition, per theme, on the five Orange Book levels."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    m = min_group
    fig, rows, ys, ticktext = _marks_by_row(report, _RISK_NAMES, "risk", _risk_hover, debrief)
    scale = 2 if debrief else 1
    for (_label, r, _o), y in zip(rows, ys, strict=True):
        now, amb = r.get("now") or {}, r.get("ambition") or {}
        rn = now.get("risk") if shown(now) else None
        ra = amb.get("risk") if shown(amb) else None
        if rn is not None and ra is not None and abs(ra - rn) > 0.05:
            fig.add_annotation(x=ra, y=y, ax=rn, ay=y, xref="x", yref="y", axref="x", ayref="y", text="",
                               showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2 * scale,
                               arrowcolor=ARROW_COLOUR, standoff=9 * scale, startstandoff=7 * scale)
        if rn is None and ra is None:
            fig.add_annotation(x=3, y=y, text=plotly_escape(suppressed_text(m)), showarrow=False,
                               font={"size": font_size(debrief, 13), "color": NOTE_INK})
    fig.update_xaxes(range=[0.6, 5.6], tickvals=list(domain.RISK_LEVELS), tickangle=0,
                     ticktext=[f"{k}<br>{v}" for k, v in domain.RISK_LEVELS.items()],
                     title={"text": "Risk appetite (1 averse … 5 eager)", "font": {"size": font_size(debrief, 15)}},
                     ticklabelstandoff=4)
    fig.add_hline(y=len(rows) - 1.5, line={"color": SEPARATOR_COLOUR, "width": 1, "dash": "dot"})
    fig.update_yaxes(tickvals=ys, ticktext=ticktext, range=[-0.6, len(rows) - 0.4], showgrid=False)
    frame(fig, title or findings.council.risk_takeaway(report, m), debrief=debrief, rows=len(rows), row_px=40,
          band_labels=False, legend_lines=2 if debrief else 1, narrow=narrow)
    if debrief:  # five two-word levels must fit side by side at double size
        fig.update_xaxes(tickfont={"size": font_size(debrief, 11)})
    return fig




def level_dots(
    fig: go.Figure,
    points: Sequence[tuple[float, float, str, str]],
    *,
    zones: Sequence[tuple[str, float, float]],
    ticks: Sequence[float],
    axis_title: str,
    colour: str,
    debrief: bool,
    name: str,
) -> None:
    """A dot per row on a fixed 0–1 axis over named zones, with each row's value and word in a column to the
    right of the plot.

    A dot plot rather than bars: 0.73 and 0.80 are told apart by position, not by the length of two long
    bars; and the words sit in their own column, where no threshold line runs through them.  ``points``
    are ``(y, value, label, hover)``; ``zones`` are ``(word, low, high)``; ``name`` says what a dot's value
    is, as the column head of the chart's numbers table and the deck's series.
    """
    for (word, lo, hi), tint in zip(zones, ZONE_TINTS, strict=False):
        fig.add_vrect(x0=lo, x1=hi, fillcolor=tint, line_width=0, layer="below")
        fig.add_annotation(x=(lo + hi) / 2, y=1.0, yref="paper", yanchor="bottom", text=f"<b>{word}</b>",
                           showarrow=False, font={"size": font_size(debrief, 14), "color": MUTED_INK})
    for _word, lo, _hi in zones[1:]:
        fig.add_vline(x=lo, line={"color": THRESHOLD_COLOUR, "width": 1.5, "dash": "dash"}, layer="below")
    fig.add_trace(go.Scatter(
        x=[p[1] for p in points], y=[p[0] for p in points], mode="markers", cliponaxis=False,
        marker={"size": font_size(debrief, 16), "color": colour, "line": {"width": 1.5, "color": WHITE}},
        hovertext=[p[3] for p in points], hoverinfo="text", showlegend=False, name=name,
    ))
    for y, _value, label, _hover in points:
        fig.add_annotation(x=1.0, xref="paper", xanchor="left", xshift=14, y=y, text=plotly_escape(label),
                           showarrow=False, font={"size": font_size(debrief, 14), "color": INK})
    fig.update_xaxes(range=[-0.02, 1.02], tickvals=list(ticks), ticktext=[f"{t:g}" for t in ticks],
                     showgrid=False, title={"text": axis_title, "font": {"size": font_size(debrief, 15)}})
    fig.update_yaxes(showgrid=True, gridcolor=DOTTED_GRID_COLOUR, griddash="dot")


def level_column_px(labels: Sequence[str], debrief: bool) -> int:
    """Right margin that holds the longest value-and-word label of a dot plot."""
    longest = max((len(label) for label in labels), default=4)
    return int(24 + longest * font_size(debrief, 14) * 0.55)


def consensus_chart(report: Mapping[str, Any], horizon: str, *, min_group: int, debrief: bool = False,
                    narrow: bool = False, title: str | None = None) -> go.Figure:
    """How far people agreed on each theme at one horizon, as dots on the 0–1 scale against the low /
    moderate / high zones."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    m = min_group
    rows = _council_rows(report)
    ys, ticktext = _row_ticks(rows, debrief)
    fig = go.Figure()
    points = []
    for (label, r, _o), y in zip(rows, ys, strict=True):
        s = r.get(horizon)
        if shown(s):
            words = findings.council.consensus_sentence(s["consensus"])
            points.append((y, s["consensus"], words, f"<b>{plotly_escape(label)}</b><br>Consensus: {words}"
                                                     f"<br>{s['n']} participants"))
        else:
            fig.add_annotation(x=0.02, y=y, xanchor="left", text=plotly_escape(suppressed_text(m)), showarrow=False,
                               font={"size": font_size(debrief, 13), "color": NOTE_INK})
    zones = (
        ("low", 0.0, findings.common.CONSENSUS_LOW),
        ("moderate", findings.common.CONSENSUS_LOW, findings.common.CONSENSUS_HIGH),
        ("high", findings.common.CONSENSUS_HIGH, 1.0),
    )
    level_dots(
        fig,
        points,
        zones=zones,
        ticks=(0, 0.25, findings.common.CONSENSUS_LOW, findings.common.CONSENSUS_HIGH, 1),
        axis_title=f"{horizon_word(horizon)}: consensus (0 = split in two … 1 = all agree)",
        colour=INKS["blue"],
        debrief=debrief,
        name=domain.METRIC_LABELS["consensus"],  # the column of its numbers table (the hover shows its own text)
    )
    fig.add_hline(y=len(rows) - 1.5, line={"color": SEPARATOR_COLOUR, "width": 1, "dash": "dot"})
    fig.update_yaxes(tickvals=ys, ticktext=ticktext, range=[-0.6, len(rows) - 0.4])
    frame(
        fig,
        title or findings.council.consensus_takeaway(report, horizon),
        debrief=debrief,
        rows=len(rows),
        row_px=40,
        legend=False,
        right=level_column_px([p[2] for p in points], debrief),
        narrow=narrow,
    )
    return fig


def council_rows(report: Mapping[str, Any], *, min_group: int) -> list[dict[str, Any]]:
    """The table behind the Council charts: one row per theme (and all themes) × horizon."""
    m = min_group
    hidden = suppressed_text(m)
    out = []
    for label, r, overall in _council_rows(report):
        for h in domain.HORIZONS:
            s = r.get(h)
            item: dict[str, Any] = {
                "theme": label,
                "sector_theme": "" if overall else domain.SECTOR_THEMES.get(r.get("sector_theme", ""),
                                                                             r.get("sector_theme", "")),
                "horizon": domain.HORIZON_LABELS[h],
            }
            if shown(s):
                item.update(
                    participants=s["n"], position=round(s["position"], 2), band=s["band"],
                    risk=round(s["risk"], 2) if s.get("risk") is not None else hidden,
                    risk_level=findings.common.risk_level(s["risk"]) if s.get("risk") is not None else "",
                    consensus=round(s["consensus"], 2), agreement=findings.common.consensus_level(s["consensus"]),
                )
            else:
                item.update(participants=hidden, position=hidden, band="", risk=hidden, risk_level="",
                            consensus=hidden, agreement="")
            gap = r.get("gap")
            item["gap_ambition_minus_now"] = (round(gap, 2) if gap is not None else "") if h == "ambition" else ""
            out.append(item)
    return out


def display_table(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows for an on-screen table.

    A column mixing numbers and words ("fewer than 3 — not shown") becomes text throughout, so the table
    shows exactly what was computed instead of Arrow coercing (or failing on) the column.
    """
    columns = list(dict.fromkeys(k for r in rows for k in r))
    mixed = set()
    for c in columns:
        values = [r.get(c) for r in rows if r.get(c) is not None]
        if any(isinstance(v, str) for v in values) and not all(isinstance(v, str) for v in values):
            mixed.add(c)
    return [{c: ("" if r.get(c) is None else str(r.get(c))) if c in mixed else r.get(c) for c in columns}
            for r in rows]
