"""Alignment charts: political groups and officers on the spectrum, the officer–member gap, cross-party
alignment, and the spread of answers as diverging stacked bars; and the tables behind them.

Inputs are the rows of :func:`metrics.group_breakdown` and :func:`metrics.answer_distribution` (already
suppressed, with complementary suppression) and the themes of :func:`reports.council_report`.  A hidden
cell becomes a labelled row with words and no mark: nothing of it reaches a trace, hover or customdata,
even if a caller hands in a row that still carries numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from .. import domain, findings, palette
from ..findings.alignment import cell_label
from ..palette import GROUP_COLOURS, ROLE_COLOURS, TOTAL_COLOUR
from ..text import fmt, num, plotly_escape, wrap_label
from .base import add_band_zones, change_axis, font_size, suppressed_text
from .spectrum import display_table as display_table  # re-exported for the Alignment page
from .spectrum import frame, horizon_word, label_limit, level_column_px, level_dots

#: Political groups: a colour and a shape each, in alphabetical order of group, cycled.  The colours are the
#: Okabe–Ito hues that are neither a band colour (sky blue, orange, pink: a group must never read as
#: "Better" or "New") nor a role colour (black officers, vermillion members), and none is a party's
#: conventional colour by design: blue, bluish green and grey only (palette.GROUP_COLOURS, darkened for
#: contrast on the band zones), told apart by shape as well.
_GREEN, _BLUE, _GREY = GROUP_COLOURS
GROUP_STYLES: tuple[tuple[str, str], ...] = (
    (_GREEN, "square"),
    (_BLUE, "diamond"),
    (_GREY, "triangle-up"),
    (_GREEN, "triangle-down"),
    (_BLUE, "pentagon"),
    (_GREY, "star"),
    (_GREEN, "hexagon"),
    (_BLUE, "star-diamond"),
)
#: Outline of every group marker and score segment, so each stands out on the pale band zones.
MARKER_EDGE = palette.MARK_EDGE
#: Strength of each score's shade of its band colour (1 = the colour itself, less = mixed with white): the
#: extremes and score 4 full, the other score of each band lighter, so the two scores of a band can be
#: told apart in the bar and in the legend (an opacity does not show in Plotly's legend swatches).
SCORE_SHADE = palette.SCORE_SHADE


def score_colour(score: int) -> str:
    """The colour of one score's segment: its band's colour at SCORE_SHADE (palette.SCORE_COLOURS)."""
    return palette.SCORE_COLOURS[score]


#: The two scores of each band.
BAND_SCORES = {domain.BETTER: (1, 2), domain.DIFFERENTLY: (3, 4), domain.NEW: (5, 6)}


def _is_hidden(row: Mapping[str, Any]) -> bool:
    return bool(row.get("suppressed")) or row.get("position", 0) is None


def hidden_words(row: Mapping[str, Any], min_group: int) -> str:
    """What a hidden cell says instead of its numbers."""
    return suppressed_text(min_group)


def slice_rows(rows: Sequence[Mapping[str, Any]], theme: str, horizon: str) -> list[Mapping[str, Any]]:
    """One theme × horizon of a breakdown, in display order (everyone, officers, members, groups)."""
    order = {"total": 0, "officers": 1, "members": 2, "group": 3}
    picked = [r for r in rows if r["theme"] == theme and r["horizon"] == horizon]
    return sorted(picked, key=lambda r: (order.get(r["cell"], 9), r.get("group") is None, str(r.get("group") or "")))


def group_styles(rows: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """A fixed (colour, shape) per political group of the workshop (alphabetical, so the same in every theme)."""
    groups = sorted({str(r.get("group") or "") for r in rows if r["cell"] == "group"})
    return {g: GROUP_STYLES[i % len(GROUP_STYLES)] for i, g in enumerate(groups)}


def _cell_style(row: Mapping[str, Any], styles: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    if row["cell"] == "total":
        return TOTAL_COLOUR, "circle"
    if row["cell"] == "officers":
        return ROLE_COLOURS["officer"], "circle"
    if row["cell"] == "members":
        return ROLE_COLOURS["member"], "circle"
    return styles.get(str(row.get("group") or ""), GROUP_STYLES[0])


def _tick(row: Mapping[str, Any], debrief: bool = False) -> str:
    label = wrap_label(cell_label(row), label_limit(debrief, 28), 2)
    if not _is_hidden(row) and row.get("n") is not None:
        label = f"{label} (n={row['n']})"
    return f"<b>{label}</b>" if row["cell"] in ("total", "officers", "members") else label


def _separator(fig: go.Figure, rows: Sequence[Mapping[str, Any]], ys: Sequence[int]) -> None:
    """A dotted line between the role rows and the political groups."""
    groups = [y for r, y in zip(rows, ys, strict=True) if r["cell"] == "group"]
    if groups and len(groups) < len(rows):
        fig.add_hline(y=max(groups) + 0.5, line={"color": palette.SEPARATOR_COLOUR, "width": 1, "dash": "dot"})


def group_positions(
    rows: Sequence[Mapping[str, Any]],
    theme: str,
    horizon: str,
    min_group: int,
    *,
    styles: Mapping[str, tuple[str, str]] | None = None,
    debrief: bool = False,
    title: str | None = None,
    narrow: bool = False,
) -> go.Figure:
    """Everyone, officers, members and each political group on the spectrum, for one theme × horizon."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    cells = slice_rows(rows, theme, horizon)
    styles = styles or group_styles(cells)
    n = len(cells)
    ys = [n - 1 - i for i in range(n)]
    fig = go.Figure()
    size = font_size(debrief, 16)
    xs, yy, marker_colours, symbols, hover, text = [], [], [], [], [], []
    for r, y in zip(cells, ys, strict=True):
        if _is_hidden(r):
            fig.add_annotation(x=3.5, y=y, text=plotly_escape(hidden_words(r, min_group)), showarrow=False,
                               font={"size": font_size(debrief, 13), "color": palette.NOTE_INK},
                               bgcolor=palette.NOTE_BACKGROUND)
            continue
        colour, symbol = _cell_style(r, styles)
        xs.append(r["position"])
        yy.append(y)
        marker_colours.append(colour)
        symbols.append(symbol)
        hover.append(f"<b>{plotly_escape(cell_label(r))}</b><br>{r['band']} ({num(r['position'])})<br>"
                     f"{r['n']} participants")
        text.append(num(r["position"]))
    fig.add_trace(go.Scatter(
        x=xs, y=yy, mode="markers+text", text=text, textposition="middle right",
        textfont={"size": font_size(debrief, 14)}, hovertext=hover, hoverinfo="text", showlegend=False,
        marker={"size": size, "color": marker_colours, "symbol": symbols,
                "line": {"width": 1, "color": MARKER_EDGE}}, name="Position",
    ))
    _separator(fig, cells, ys)
    add_band_zones(fig, debrief=debrief)
    change_axis(fig, debrief=debrief, title=f"{horizon_word(horizon)}: " + (
        "1 = better … 6 = new" if debrief else "position (1 = better … 6 = new)"))
    fig.update_yaxes(tickvals=ys, ticktext=[_tick(r, debrief) for r in cells], range=[-0.6, max(n, 1) - 0.4],
                     showgrid=False)
    frame(fig, title or findings.alignment.group_positions_takeaway(cells, theme), debrief=debrief, rows=n, row_px=44,
          legend=False, narrow=narrow)
    return fig


#: The three kinds of officer–member gap, in the order of the key under the chart.
GAP_KINDS = (("members", "Members further"), ("officers", "Officers further"),
             ("level", f"About level (gap under {findings.common.GAP_LEVEL})"))
GAP_COLOURS = {"members": ROLE_COLOURS["member"], "officers": ROLE_COLOURS["officer"], "level": palette.LEVEL_COLOUR}


def officer_member_gap_chart(
    themes: Sequence[Mapping[str, Any]], horizon: str, min_group: int, *, debrief: bool = False,
    title: str | None = None, narrow: bool = False,
) -> go.Figure:
    """Members − officers per theme: bars right where members want to go further, left where officers do;
    a key under the chart names all three colours (grey bars are the "about level" the title counts)."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    n = len(themes)
    ys = [n - 1 - i for i in range(n)]
    xs, yy, colours, text, hover = [], [], [], [], []
    fig = go.Figure()
    for t, y in zip(themes, ys, strict=True):
        gap = (t.get("officer_member_gap") or {}).get(horizon)
        if gap is None:
            fig.add_annotation(x=0, y=y, text=plotly_escape(suppressed_text(min_group)), showarrow=False,
                               font={"size": font_size(debrief, 13), "color": palette.NOTE_INK},
                               bgcolor=palette.NOTE_BACKGROUND)
            continue
        xs.append(gap)
        yy.append(y)
        side = findings.common.gap_side(gap)
        colours.append(GAP_COLOURS["members" if side > 0 else "officers" if side < 0 else "level"])
        text.append(fmt(gap, "gap"))
        hover.append(f"<b>{plotly_escape(t['theme'])}</b><br>{findings.common.gap_words(gap).capitalize()}")
    fig.add_trace(go.Bar(x=xs, y=yy, orientation="h", marker={"color": colours}, text=text,
                         textposition="outside", cliponaxis=False, textfont={"size": font_size(debrief, 14)},
                         hovertext=hover, hoverinfo="text", width=0.6, name="Members − officers", showlegend=False))
    for kind, words in GAP_KINDS:  # the key: empty bars that only put a swatch in the legend
        fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", name=words, marker={"color": GAP_COLOURS[kind]},
                             hoverinfo="skip", showlegend=True))
    reach = max([1.5, *(abs(x) * 1.25 for x in xs)])
    fig.add_vline(x=0, line={"color": palette.MARK_EDGE, "width": 1.5})
    ends = ("◀ officers", "members ▶") if debrief else ("◀ officers further", "members further ▶")
    for x, anchor, words in ((-reach, "left", ends[0]), (reach, "right", ends[1])):
        fig.add_annotation(x=x, y=1.0, yref="paper", yanchor="bottom", xanchor=anchor, text=f"<b>{words}</b>",
                           showarrow=False, font={"size": font_size(debrief, 14), "color": palette.MARK_EDGE})
    fig.update_xaxes(range=[-reach, reach], zeroline=False,
                     title={"text": f"{horizon_word(horizon)}: members minus officers (points)",
                            "font": {"size": font_size(debrief, 15)}})
    fig.update_yaxes(tickvals=ys, ticktext=[wrap_label(t["theme"], label_limit(debrief, 30), 2) for t in themes],
                     range=[-0.6, max(n, 1) - 0.4], showgrid=False)
    fig.update_layout(barmode="overlay")
    frame(fig, title or findings.alignment.officer_member_takeaway(themes, horizon, min_group), debrief=debrief,
          rows=n, row_px=40, narrow=narrow)
    return fig


def cross_party_chart(
    themes: Sequence[Mapping[str, Any]], horizon: str, *, debrief: bool = False, title: str | None = None,
    narrow: bool = False,
) -> go.Figure:
    """Cross-party alignment per theme (1 = every group gave the same average), as dots on the 0–1 scale
    against the divided / partly / closely aligned zones."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    n = len(themes)
    ys = [n - 1 - i for i in range(n)]
    points = []
    fig = go.Figure()
    for t, y in zip(themes, ys, strict=True):
        value = (t.get("cross_party_alignment") or {}).get(horizon)
        if value is None:
            fig.add_annotation(x=0.02, y=y, xanchor="left", text="needs two groups large enough to show",
                               showarrow=False, font={"size": font_size(debrief, 13), "color": palette.NOTE_INK})
            continue
        words = f"{value:.2f} {findings.common.alignment_level(value)}"
        points.append((y, value, words, f"<b>{plotly_escape(t['theme'])}</b><br>Alignment {words}"
                                        f"<br>Groups {num(5 * (1 - value))} points apart"))
    zones = (
        ("divided", 0.0, findings.common.ALIGNMENT_LOW),
        ("partly", findings.common.ALIGNMENT_LOW, findings.common.ALIGNMENT_HIGH),
        ("close", findings.common.ALIGNMENT_HIGH, 1.0),
    )
    level_dots(fig, points, zones=zones, ticks=(0, 0.2, 0.4, 0.6, 0.8, 1),
               axis_title=f"{horizon_word(horizon)}: cross-party alignment (0 = groups 5 points apart … 1 = same)",
               colour=palette.INKS["bluish_green"], debrief=debrief, name=domain.ALIGNMENT_LABEL)
    fig.update_yaxes(tickvals=ys, ticktext=[wrap_label(t["theme"], label_limit(debrief, 30), 2) for t in themes],
                     range=[-0.6, max(n, 1) - 0.4])
    frame(fig, title or findings.alignment.alignment_takeaway(themes, horizon), debrief=debrief, rows=n, row_px=40,
          legend=False, right=level_column_px([p[2] for p in points], debrief), narrow=narrow)
    return fig


def distribution_segments(counts: Mapping[Any, Any]) -> dict[str, Any]:
    """Where each score's segment of one diverging bar lies, in percent of the answers.

    The Differently block (scores 3 and 4) is centred on zero as a whole, Better (1–2) extends left of it
    and New (5–6) right, so each band's share is one unbroken stretch and its label one number (the
    old bar split Differently at zero: "65%" was a 10% and a 55% on either side).  Returns ``{"scores":
    {score: (start, width, pct)}, "bands": {band: (start, width, pct)}}``, left to right.
    """
    counts = {int(k): int(v) for k, v in counts.items()}
    total = sum(counts.values())
    pct = {s: (100.0 * counts.get(s, 0) / total if total else 0.0) for s in range(1, 7)}
    x = -(pct[3] + pct[4]) / 2 - pct[1] - pct[2]
    scores: dict[int, tuple[float, float, float]] = {}
    for s in range(1, 7):
        scores[s] = (x, pct[s], pct[s])
        x += pct[s]
    bands = {}
    for band, (lo, hi) in BAND_SCORES.items():
        width = pct[lo] + pct[hi]
        bands[band] = (scores[lo][0], width, width)
    return {"scores": scores, "bands": bands, "total": total}


#: A band's share is written inside its stretch from this many percent (in debrief type: more); a smaller
#: share is written just outside the bar (Better to its left, New to its right, Differently above it).
INSIDE_LABEL_PCT = 8
INSIDE_LABEL_PCT_DEBRIEF = 14


def distribution_chart(
    rows: Sequence[Mapping[str, Any]],
    theme: str,
    horizon: str,
    min_group: int,
    *,
    debrief: bool = False,
    title: str | None = None,
    narrow: bool = False,
) -> go.Figure:
    """Each group's answers as one diverging bar: Better left, Differently centred, New right (see
    :func:`distribution_segments`); the six scores are shades of their band, each in the legend, and each
    band's share is one label (inside its stretch, or just outside the bar when it is small)."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    cells = slice_rows(rows, theme, horizon)
    n = len(cells)
    ys = [n - 1 - i for i in range(n)]
    shown_cells = [(r, y) for r, y in zip(cells, ys, strict=True) if not (r.get("suppressed") or not r.get("counts"))]
    segments = {y: distribution_segments(r["counts"]) for r, y in shown_cells}
    fig = go.Figure()
    for score in range(1, 7):
        band = domain.band_of(float(score))
        xs, bases, yy, hover = [], [], [], []
        for r, y in shown_cells:
            start, width, pct = segments[y]["scores"][score]
            c = int({int(k): v for k, v in r["counts"].items()}.get(score, 0))
            xs.append(width)
            bases.append(start)
            yy.append(y)
            hover.append(f"<b>{plotly_escape(cell_label(r))}</b><br>Score {score} ({band}): "
                         f"{c} of {segments[y]['total']} answers ({pct:.0f}%)")
        fig.add_trace(go.Bar(
            x=xs, base=bases, y=yy, orientation="h", name=f"{score} {band}", legendrank=score,
            legendgroup=band, showlegend=True,
            marker={"color": score_colour(score), "line": {"color": palette.MARK_EDGE, "width": 0.75}},
            hovertext=hover, hoverinfo="text", width=0.62,
        ))
    inside = INSIDE_LABEL_PCT_DEBRIEF if debrief or narrow else INSIDE_LABEL_PCT
    labels: dict[str, list[Any]] = {"x": [], "y": [], "text": [], "pos": []}
    for _r, y in shown_cells:
        bands = segments[y]["bands"]
        left = bands[domain.BETTER][0]
        right = bands[domain.NEW][0] + bands[domain.NEW][1]
        for band, (start, width, pct) in bands.items():
            if not pct:
                continue  # no answers in the band: no segment to label (the legend and table still say 0)
            words = f"{round(pct)}%"
            if pct >= inside:
                where = (start + width / 2, y, "middle center")
            elif band == domain.BETTER:
                where = (left - 1, y, "middle left")
            elif band == domain.NEW:
                where = (right + 1, y, "middle right")
            else:
                where = (0.0, y + 0.31, "top center")
            labels["x"].append(where[0])
            labels["y"].append(where[1])
            labels["text"].append(words)
            labels["pos"].append(where[2])
    fig.add_trace(go.Scatter(
        x=labels["x"], y=labels["y"], text=labels["text"], mode="text", textposition=labels["pos"],
        textfont={"size": font_size(debrief, 13), "color": palette.INK}, hoverinfo="skip", showlegend=False,
        name="Band shares", cliponaxis=False,
    ))
    for r, y in zip(cells, ys, strict=True):
        if r.get("suppressed") or not r.get("counts"):
            fig.add_annotation(x=0, y=y, text=plotly_escape(hidden_words(r, min_group)), showarrow=False,
                               font={"size": font_size(debrief, 13), "color": palette.NOTE_INK},
                               bgcolor=palette.NOTE_BACKGROUND_STRONG)
    fig.add_vline(x=0, line={"color": palette.ZERO_LINE_COLOUR, "width": 1, "dash": "dot"})  # mid-Differently
    heads = ("◀ Better", "Differently", "New ▶") if narrow else ("◀ Better (1–2)", "Differently (3–4)",
                                                                  "New (5–6) ▶")  # a phone: room for three
    for x, anchor, words in zip((-112, 0, 112), ("left", "center", "right"), heads, strict=True):
        fig.add_annotation(x=x, y=1.0, yref="paper", yanchor="bottom", xanchor=anchor, text=f"<b>{words}</b>",
                           showarrow=False, font={"size": font_size(debrief, 14), "color": palette.MARK_EDGE})
    _separator(fig, cells, ys)
    fig.update_xaxes(range=[-112, 112], showticklabels=False, showgrid=False, zeroline=False,
                     title={"text": f"{horizon_word(horizon)}: share of each group's answers",
                            "font": {"size": font_size(debrief, 15)}})
    fig.update_yaxes(tickvals=ys, ticktext=[_tick(r, debrief) for r in cells], range=[-0.6, max(n, 1) - 0.4],
                     showgrid=False)
    fig.update_layout(barmode="overlay", bargap=0.3, legend={"traceorder": "normal"})
    frame(fig, title or findings.alignment.distribution_takeaway(cells, theme), debrief=debrief, rows=n, row_px=44,
          legend_lines=2 if debrief else 1, narrow=narrow)
    return fig


def group_rows(
    breakdown: Sequence[Mapping[str, Any]],
    distribution: Sequence[Mapping[str, Any]],
    theme: str,
    horizon: str,
    min_group: int,
) -> list[dict[str, Any]]:
    """The table behind the group charts of one theme × horizon; hidden cells are words only."""
    dist = {(r["cell"], r.get("group")): r for r in slice_rows(distribution, theme, horizon)}
    out = []
    for r in slice_rows(breakdown, theme, horizon):
        item: dict[str, Any] = {"theme": theme, "horizon": domain.HORIZON_LABELS[horizon], "group": cell_label(r)}
        d = dist.get((r["cell"], r.get("group")))
        if _is_hidden(r):
            words = hidden_words(r, min_group)
            item.update(participants=words, position=words, band="")
            item.update({f"score_{s}": "" for s in range(1, 7)})
        else:
            item.update(participants=r["n"], position=round(r["position"], 2), band=r["band"])
            counts = d.get("counts") if d and not d.get("suppressed") else None
            item.update({f"score_{s}": (int(counts.get(s, counts.get(str(s), 0))) if counts else "")
                         for s in range(1, 7)})
        out.append(item)
    return out


def theme_alignment_rows(themes: Sequence[Mapping[str, Any]], horizon: str, min_group: int) -> list[dict[str, Any]]:
    """The table behind the gap and alignment charts for one horizon."""
    hidden = suppressed_text(min_group)
    out = []
    for t in themes:
        gap = (t.get("officer_member_gap") or {}).get(horizon)
        value = (t.get("cross_party_alignment") or {}).get(horizon)
        out.append({
            "theme": t["theme"],
            "horizon": domain.HORIZON_LABELS[horizon],
            "officer_member_gap": round(gap, 2) if gap is not None else hidden,
            "who_goes_further": findings.common.gap_words(gap) if gap is not None else "",
            "cross_party_alignment": round(value, 2) if value is not None else "not enough groups to show",
            "alignment_in_words": findings.common.alignment_level(value) if value is not None else "",
        })
    return out
