"""The Overview topic in words: how many councils aim for each band, and the sector's takeaway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import domain
from .common import IN_FIVE_YEARS, _aim, shown


def band_counts(rows: Sequence[Mapping[str, Any]], horizon: str = "ambition") -> dict[str, int]:
    """Councils per band at one horizon, over the councils whose slice is shown."""
    counts = dict.fromkeys(domain.BANDS, 0)
    for row in rows:
        slice_ = row.get(horizon)
        if shown(slice_):
            counts[slice_["band"]] += 1
    return counts


def count_change(then: int, before: int) -> tuple[str, str]:
    """A tile's change in councils, in words, and the arrow to draw: "10 fewer than now" with a down arrow.

    The words carry no sign: an arrow and a minus together ("↓ -10") say the same thing twice.
    """
    diff = then - before
    if diff == 0:
        return "same as now", "off"
    return (f"{abs(diff)} more than now", "up") if diff > 0 else (f"{abs(diff)} fewer than now", "down")


def overview_takeaway(rows: Sequence[Mapping[str, Any]]) -> str:
    """What the sector wants, in one line, from :func:`metrics.sector_overview` rows."""
    counts = band_counts(rows, "ambition")
    total = sum(counts.values())
    if not total:
        return "No council in this selection has results that can be shown"
    top = max(domain.BANDS, key=lambda b: (counts[b], domain.BANDS.index(b)))
    if total == 1:
        return f"The one council shown aims for {top} {IN_FIVE_YEARS}"
    if counts[top] == total:
        return f"All {total} councils aim for {top} {IN_FIVE_YEARS}"
    lead = f"{counts[top]} of {total} councils {_aim(counts[top])} for {top} {IN_FIVE_YEARS}"
    now = band_counts(rows, "now")
    if top != domain.NEW and counts[domain.NEW]:
        return f"{lead}; {counts[domain.NEW]} {_aim(counts[domain.NEW])} for New"
    if top == domain.NEW:
        return f"{lead}, up from {now[domain.NEW]} there now"
    return lead
