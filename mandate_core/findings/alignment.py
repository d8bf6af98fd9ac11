"""The Alignment topic in words: the officer–member gap, cross-party alignment, each group's position
and the share of answers, as sentences and chart labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import domain
from ..text import num, shown_value
from .common import GAP_LEVEL, alignment_level, gap_side, quoted


def officer_member_takeaway(themes: Sequence[Mapping[str, Any]], horizon: str, min_group: int) -> str:
    """ "Members want to go further than officers on 4 of 5 themes" (docs/metrics.md#officermember-gap)."""
    gaps = [t["officer_member_gap"][horizon] for t in themes
            if (t.get("officer_member_gap") or {}).get(horizon) is not None]
    if not gaps:
        return (f"The officer–member gap is not shown: officers and members each need at least "
                f"{min_group} participants")
    members = sum(1 for g in gaps if gap_side(g) > 0)
    officers = sum(1 for g in gaps if gap_side(g) < 0)
    k = len(gaps)
    noun = "theme" if k == 1 else "themes"
    level = k - members - officers
    if k > 1 and 2 * level > k and (members or officers):
        extra = [f"members go further on {members}" if members else "",
                 f"officers on {officers}" if officers and members else
                 f"officers go further on {officers}" if officers else ""]
        return f"Officers and members are about level on {level} of {k} themes; " + ", ".join(e for e in extra if e)
    if members > officers:
        return f"Members want to go further than officers on {members} of {k} {noun}"
    if officers > members:
        return f"Officers want to go further than members on {officers} of {k} {noun}"
    if members == 0:
        return f"Officers and members are about level on all {k} {noun}" if k > 1 else \
            "Officers and members are about level"
    tail = f", level on {level}" if level else ""
    return f"Split: members go further on {members} of {k} {noun}, officers on {officers}{tail}"


def alignment_takeaway(themes: Sequence[Mapping[str, Any]], horizon: str) -> str:
    """How close the political groups are across themes (cross-party alignment)."""
    values = [(t["theme"], t["cross_party_alignment"][horizon]) for t in themes
              if (t.get("cross_party_alignment") or {}).get(horizon) is not None]
    if not values:
        return "Cross-party alignment is not shown: it needs two political groups large enough to show"
    levels = [alignment_level(v) for _, v in values]
    close, divided = levels.count("closely aligned"), levels.count("divided")
    k = len(values)
    if divided:
        return f"Political groups are divided on {divided} of {k} themes"
    if close == k:
        return f"Political groups are closely aligned on every theme shown ({k})"
    return f"Political groups are closely aligned on {close} of {k} themes"


def cell_label(row: Mapping[str, Any]) -> str:
    """The row name of a breakdown cell: All participants / Officers / Members / the group."""
    cell = row["cell"]
    if cell == "total":
        return "All participants"
    if cell == "officers":
        return "Officers"
    if cell == "members":
        return "Members"
    return str(row.get("group") or "No group given")


def group_positions_takeaway(rows: Sequence[Mapping[str, Any]], theme: str) -> str:
    """Title of the group positions chart for one theme × horizon (rows of metrics.group_breakdown)."""
    by_cell = {r["cell"]: r for r in rows if r["cell"] != "group"}
    groups = [r for r in rows if r["cell"] == "group" and not r["suppressed"]]
    where = f"on {quoted(theme, 40)}"
    if len(groups) >= 2:
        lo = min(groups, key=lambda r: (r["position"], cell_label(r)))
        hi = max(groups, key=lambda r: (r["position"], cell_label(r)))
        spread = hi["position"] - lo["position"]
        return (f"Party groups are {num(spread)} points apart {where}: "
                f"{quoted(cell_label(lo), 24)} {num(lo['position'])} to {quoted(cell_label(hi), 24)} "
                f"{num(hi['position'])}")
    off, mem = by_cell.get("officers"), by_cell.get("members")
    if off and mem and not off["suppressed"] and not mem["suppressed"]:
        gap = shown_value(mem["position"], 1) - shown_value(off["position"], 1)
        if gap >= GAP_LEVEL - 1e-9:
            return f"Members want to go further than officers {where} ({num(mem['position'])} vs " \
                   f"{num(off['position'])})"
        if gap <= -GAP_LEVEL + 1e-9:
            return f"Officers want to go further than members {where} ({num(off['position'])} vs " \
                   f"{num(mem['position'])})"
        return f"Officers and members are about level {where}"
    total = by_cell.get("total")
    if total and not total["suppressed"]:
        return f"Participants sit at {total['band']} ({num(total['position'])}) {where}"
    return f"Results {where} are too few to show"


def band_shares(counts: Mapping[int, int]) -> dict[str, float]:
    """Share of answers in each band from counts of scores 1–6."""
    total = sum(counts.values())
    if not total:
        return dict.fromkeys(domain.BANDS, 0.0)
    out = dict.fromkeys(domain.BANDS, 0.0)
    for score, c in counts.items():
        out[domain.band_of(float(score))] += c / total
    return out


def distribution_takeaway(rows: Sequence[Mapping[str, Any]], theme: str) -> str:
    """Title of the diverging bars: where most of the theme's answers sit."""
    total = next((r for r in rows if r["cell"] == "total" and not r["suppressed"]), None)
    where = f"on {quoted(theme, 40)}"
    if total is None or not total.get("counts"):
        return f"Answers {where} are too few to show"
    shares = band_shares({int(k): v for k, v in total["counts"].items()})
    top = max(domain.BANDS, key=lambda b: (shares[b], domain.BANDS.index(b)))
    pct = {b: round(100 * s) for b, s in shares.items()}
    if shares[top] > 0.5:
        return f"Most answers {where} are {top} ({pct[top]}%)"
    return (f"Answers {where} are spread: {pct[domain.BETTER]}% Better, {pct[domain.DIFFERENTLY]}% "
            f"Differently, {pct[domain.NEW]}% New")
