"""The Themes topic: the sector grid of councils × sector themes and one council's themes ranked,
shaped for their charts, with their takeaways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from .. import domain
from ..text import fmt
from .common import _plural, names_list, natural_key

MEASURES: tuple[str, ...] = ("ambition", "gap")


MEASURE_LABELS: dict[str, str] = {"ambition": "Ambition (about 5 years)", "gap": "Gap (ambition − now)"}


@dataclass
class ThemeGrid:
    """The councils × sector themes grid of one measure, ready for a heatmap and its takeaway.

    ``cells[(council_id, sector_key)]`` is ``{"status": "ok"|"suppressed", "value", "band", "n",
    "ambition", "now", "gap"}``; a council that does not work on a theme has no cell.  A suppressed
    cell carries no number at all.
    """

    measure: str
    councils: list[tuple[str, str]]  # (council_id, label), focus first, then by label
    themes: list[tuple[str, str]]  # (sector key, sector label), in domain.SECTOR_THEMES order, only themes in use
    cells: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    focus: str | None = None
    rounds: dict[str, str] = field(default_factory=dict)  # council_id -> round shown

    def values(self, sector: str) -> list[float]:
        """Shown values of one theme across councils (for the sector-wide sentence)."""
        return [
            c["value"] for (cid, s), c in self.cells.items()
            if s == sector and c["status"] == "ok" and c["value"] is not None
        ]


def short_sector_label(key: str) -> str:
    """The head of a sector theme's label ("Health, care and wellbeing" → "Health"), for narrow columns.

    Derived from :data:`domain.SECTOR_THEMES` rather than kept as a second list, so it cannot drift; the
    full label is in the hover text.
    """
    label = domain.SECTOR_THEMES.get(key, key)
    parts = [p.strip() for p in label.split(",")]
    head = (f"{parts[0]}, {parts[1].split(' and ')[0].strip()}" if len(parts) > 1
            else label.split(" and ")[0].strip())
    return head or label


def theme_grid(
    matrix: Sequence[Mapping[str, Any]], focus: str | None, measure: str, labels: Mapping[str, str]
) -> ThemeGrid:
    """Arrange :func:`metrics.theme_matrix` rows for the heatmap of ``measure`` (ambition or gap)."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    order = {key: i for i, key in enumerate(domain.SECTOR_THEMES)}
    councils: dict[str, str] = {}
    used: set[str] = set()
    grid = ThemeGrid(measure=measure, councils=[], themes=[], focus=focus)
    for row in matrix:
        cid, sector = str(row["council_id"]), str(row["sector_theme"])
        councils[cid] = labels.get(cid, str(row["name"]))
        grid.rounds[cid] = str(row["round"])
        used.add(sector)
        if row["suppressed"]:
            cell: dict[str, Any] = {"status": "suppressed", "value": None, "band": None, "n": None,
                                    "ambition": None, "now": None, "gap": None}
        else:
            value = row["ambition"] if measure == "ambition" else row["gap"]
            cell = {"status": "ok" if value is not None else "suppressed", "value": value,
                    "band": row["ambition_band"], "n": row["n"], "ambition": row["ambition"],
                    "now": row["now"], "gap": row["gap"]}
        grid.cells[(cid, sector)] = cell
    ordered = sorted(councils.items(), key=lambda kv: (kv[0] != focus, natural_key(kv[1]), kv[0]))
    grid.councils = ordered
    grid.themes = [(s, domain.SECTOR_THEMES.get(s, s)) for s in sorted(used, key=lambda s: (order.get(s, 99), s))]
    return grid


def theme_grid_takeaway(grid: ThemeGrid) -> str:
    """The sector-wide message of the grid: the theme where councils want to go furthest."""
    medians = {key: median(v) for key, _label in grid.themes if len(v := grid.values(key)) >= 2}
    if not medians:
        return "Too few councils share a theme to compare themes across the sector"
    top = max(medians, key=lambda k: (medians[k], k))
    label = domain.SECTOR_THEMES.get(top, top)
    if grid.measure == "ambition":
        return f"Sector ambition is highest on {label} (median {fmt(medians[top])})"
    return f"Councils want to move furthest on {label} (median gap {fmt(medians[top], 'gap')})"


def theme_grid_lowest(grid: ThemeGrid) -> str | None:
    """The other end of the grid, for the caption under it."""
    medians = {key: median(v) for key, _label in grid.themes if len(v := grid.values(key)) >= 2}
    if len(medians) < 2:
        return None
    low = min(medians, key=lambda k: (medians[k], k))
    label = domain.SECTOR_THEMES.get(low, low)
    if grid.measure == "ambition":
        return f"Lowest median ambition: {label} ({fmt(medians[low])})."
    return f"Smallest median gap: {label} ({fmt(medians[low], 'gap')})."


def focus_theme_bars(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The focus council's own themes, most ambitious first; suppressed themes last, without numbers."""
    bars = []
    for item in summary.get("themes", []):
        ambition = item["ambition"]
        shown = not ambition.get("suppressed")
        bars.append({
            "theme": item["theme"],
            "sector_theme": item["sector_theme"],
            "sector_label": domain.SECTOR_THEMES.get(item["sector_theme"], item["sector_theme"]),
            "suppressed": not shown,
            "ambition": ambition["position"] if shown else None,
            "band": ambition["band"] if shown else None,
            "n": ambition["n"] if shown else None,
            "gap": item.get("gap") if shown else None,
        })
    bars.sort(key=lambda b: (b["suppressed"], -(b["ambition"] or 0.0), b["theme"]))
    return bars


def focus_themes_takeaway(name: str, bars: Sequence[Mapping[str, Any]]) -> str:
    """Names the focus council's most ambitious theme (ties are all named)."""
    shown = [b for b in bars if not b["suppressed"]]
    if not shown:
        return f"{name}: no theme had enough participants to show its ambition"
    top = shown[0]
    ties = [b for b in shown if abs(b["ambition"] - top["ambition"]) < 1e-9]
    named = names_list([f"“{b['theme']}”" for b in ties], 3)
    return f"{name} aims highest on {named} ({fmt(top['ambition'])}, {top['band']})"


def focus_themes_caption(bars: Sequence[Mapping[str, Any]]) -> str:
    """How many of the focus council's themes reach each band, for the line under the bars."""
    shown = [b for b in bars if not b["suppressed"]]
    counts = [f"{sum(1 for b in shown if b['band'] == band)} {band}" for band in domain.BANDS]
    hidden = len(bars) - len(shown)
    text = f"{_plural(len(shown), 'theme')}: " + ", ".join(counts)
    return text + (f"; {hidden} not shown (too few participants)" if hidden else "")


THEME_MATRIX_COLUMNS = ("council_id", "name", "nation", "council_type", "peer_group", "round",
                        "workshop_date", "sector_theme", "sector_label", "n", "ambition", "ambition_band",
                        "now", "gap", "suppressed", "reason")
