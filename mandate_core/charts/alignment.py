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

from .. import domain, palette, takeaways
from ..palette import BAND_COLOURS, GROUP_COLOURS, ROLE_COLOURS, TOTAL_COLOUR
from ..takeaways import cell_label, num
from .base import add_band_zones, change_axis, font_size, suppressed_text
from .spectrum import display_table as display_table  # re-exported for the Alignment page
from .spectrum import esc, frame, horizon_word, label_limit, level_column_px, level_dots, two_lines

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
#: Outline of every group marker, so each stands out on the pale band zones.
MARKER_EDGE = palette.MARK_EDGE
#: Opacity of each score's segment: the extremes (1, 6) full, the inner scores lighter, so that the two
#: scores of a band can be told apart while keeping the band's colour.
SCORE_OPACITY = {1: 1.0, 2: 0.55, 3: 0.8, 4: 0.8, 5: 0.55, 6: 1.0}
#: Scores drawn left of the centre line (the middle of the 1–6 scale, between 3 and 4).
LEFT_SCORES = (3, 2, 1)  # nearest the centre first: relative bars stack outwards in trace order
RIGHT_SCORES = (4, 5, 6)
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
    label = two_lines(cell_label(row), label_limit(debrief, 28))
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
            fig.add_annotation(x=3.5, y=y, text=esc(hidden_words(r, min_group)), showarrow=False,
                               font={"size": font_size(debrief, 13), "color": palette.NOTE_INK},
                               bgcolor=palette.NOTE_BACKGROUND)
            continue
        colour, symbol = _cell_style(r, styles)
        xs.append(r["position"])
        yy.append(y)
        marker_colours.append(colour)
        symbols.append(symbol)
        hover.append(f"<b>{esc(cell_label(r))}</b><br>{r['band']} ({num(r['position'])})<br>{r['n']} participants")
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
    frame(fig, title or takeaways.group_positions_takeaway(cells, theme), debrief=debrief, rows=n, row_px=44,
          legend=False, narrow=narrow)
    return fig


#: The three kinds of officer–member gap, in the order of the key under the chart.
GAP_KINDS = (("members", "Members further"), ("officers", "Officers further"),
             ("level", f"About level (gap under {takeaways.GAP_LEVEL})"))
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
            fig.add_annotation(x=0, y=y, text=esc(suppressed_text(min_group)), showarrow=False,
                               font={"size": font_size(debrief, 13), "color": palette.NOTE_INK},
                               bgcolor=palette.NOTE_BACKGROUND)
            continue
        xs.append(gap)
        yy.append(y)
        side = takeaways.gap_side(gap)
        colours.append(GAP_COLOURS["members" if side > 0 else "officers" if side < 0 else "level"])
        text.append(f"{gap:+.1f}")
        hover.append(f"<b>{esc(t['theme'])}</b><br>{takeaways.gap_words(gap).capitalize()}")
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
    fig.update_yaxes(tickvals=ys, ticktext=[two_lines(t["theme"], label_limit(debrief, 30)) for t in themes],
                     range=[-0.6, max(n, 1) - 0.4], showgrid=False)
    fig.update_layout(barmode="overlay")
    frame(fig, title or takeaways.officer_member_takeaway(themes, horizon, min_group), debrief=debrief,
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
        words = f"{value:.2f} {takeaways.alignment_level(value)}"
        points.append((y, value, words, f"<b>{esc(t['theme'])}</b><br>Alignment {words}"
                                        f"<br>Groups {num(5 * (1 - value))} points apart"))
    zones = (("divided", 0.0, takeaways.ALIGNMENT_LOW), ("partly", takeaways.ALIGNMENT_LOW, takeaways.ALIGNMENT_HIGH),
             ("close", takeaways.ALIGNMENT_HIGH, 1.0))
    level_dots(fig, points, zones=zones, ticks=(0, 0.2, 0.4, 0.6, 0.8, 1),
               axis_title=f"{horizon_word(horizon)}: cross-party alignment (0 = groups 5 points apart … 1 = same)",
               colour=palette.INKS["bluish_green"], debrief=debrief)
    fig.update_yaxes(tickvals=ys, ticktext=[two_lines(t["theme"], label_limit(debrief, 30)) for t in themes],
                     range=[-0.6, max(n, 1) - 0.4])
    frame(fig, title or takeaways.alignment_takeaway(themes, horizon), debrief=debrief, rows=n, row_px=40,
          legend=False, right=level_column_px([p[2] for p in points], debrief), narrow=narrow)
    return fig


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
    """Each group's answers as a share of scores 1–6, centred between 3 and 4 (diverging stacked bars)."""
    debrief = debrief and not narrow  # a phone gets normal type (see charts.narrow)
    cells = slice_rows(rows, theme, horizon)
    n = len(cells)
    ys = [n - 1 - i for i in range(n)]
    shown_cells = [(r, y) for r, y in zip(cells, ys, strict=True) if not (r.get("suppressed") or not r.get("counts"))]
    fig = go.Figure()
    for score in (*LEFT_SCORES, *RIGHT_SCORES):
        band = domain.band_of(float(score))
        sign = -1 if score in LEFT_SCORES else 1
        xs, yy, text, hover = [], [], [], []
        for r, y in shown_cells:
            counts = {int(k): int(v) for k, v in r["counts"].items()}
            total = sum(counts.values())
            c = counts.get(score, 0)
            pct = 100.0 * c / total if total else 0.0
            xs.append(sign * pct)
            yy.append(y)
            text.append(f"{pct:.0f}%" if pct >= (14 if debrief or narrow else 8) else "")  # a phone: wide enough
            hover.append(f"<b>{esc(cell_label(r))}</b><br>Score {score} ({band}): {c} of {total} answers "
                         f"({pct:.0f}%)")
        lo, hi = BAND_SCORES[band]
        fig.add_trace(go.Bar(
            x=xs, y=yy, orientation="h", name=f"{band} ({lo}–{hi})", legendrank=score, legendgroup=band,
            showlegend=score in (1, 4, 6),  # one key a band, in its strongest shade
            marker={"color": BAND_COLOURS[band], "opacity": SCORE_OPACITY[score],
                    "line": {"color": palette.MARK_EDGE, "width": 0.75}},
            text=text, textposition="inside", insidetextanchor="middle", textangle=0,
            textfont={"size": font_size(debrief, 13), "color": palette.INK},
            hovertext=hover, hoverinfo="text", width=0.62,
        ))
    for r, y in zip(cells, ys, strict=True):
        if r.get("suppressed") or not r.get("counts"):
            fig.add_annotation(x=0, y=y, text=esc(hidden_words(r, min_group)), showarrow=False,
                               font={"size": font_size(debrief, 13), "color": palette.NOTE_INK},
                               bgcolor=palette.NOTE_BACKGROUND_STRONG)
    fig.add_vline(x=0, line={"color": palette.MARK_EDGE, "width": 1.5})
    for x, anchor, words in ((-100, "left", "◀ scores 1–3"), (100, "right", "scores 4–6 ▶")):
        fig.add_annotation(x=x, y=1.0, yref="paper", yanchor="bottom", xanchor=anchor, text=f"<b>{words}</b>",
                           showarrow=False, font={"size": font_size(debrief, 14), "color": palette.MARK_EDGE})
    _separator(fig, cells, ys)
    ticks = [-100, -50, 0, 50, 100] if debrief else [-100, -75, -50, -25, 0, 25, 50, 75, 100]
    fig.update_xaxes(range=[-106, 106], tickvals=ticks, ticktext=[f"{abs(t)}%" for t in ticks],
                     title={"text": f"{horizon_word(horizon)}: share of each group's answers",
                            "font": {"size": font_size(debrief, 15)}})
    fig.update_yaxes(tickvals=ys, ticktext=[_tick(r, debrief) for r in cells], range=[-0.6, max(n, 1) - 0.4],
                     showgrid=False)
    fig.update_layout(barmode="relative", bargap=0.3, legend={"traceorder": "normal"})
    frame(fig, title or takeaways.distribution_takeaway(cells, theme), debrief=debrief, rows=n, row_px=44,
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
            "who_goes_further": takeaways.gap_words(gap) if gap is not None else "",
            "cross_party_alignment": round(value, 2) if value is not None else "not enough groups to show",
            "alignment_in_words": takeaways.alignment_level(value) if value is not None else "",
        })
    return out
