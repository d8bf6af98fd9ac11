"""The Trends topic: a council's rounds as series, the change theme by theme, and their takeaways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import domain
from ..catalog import Catalog
from ..text import fmt
from .common import OVERALL, _plural

#: Steady means "moved less than this", so rounding noise is not called a rise or a fall.
STEADY = 0.05


@dataclass
class TrendSeries:
    """One line over rounds: overall, or one theme matched across rounds."""

    key: str
    label: str
    sector_theme: str | None
    points: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # round -> horizon -> SLICE

    def value(self, round_label: str, horizon: str) -> float | None:
        s = self.points.get(round_label, {}).get(horizon)
        return None if not s or s.get("suppressed") else s["position"]

    def suppressed(self, round_label: str, horizon: str) -> bool:
        s = self.points.get(round_label, {}).get(horizon)
        return bool(s and s.get("suppressed"))


def trend_series(trend: Sequence[Mapping[str, Any]]) -> list[TrendSeries]:
    """Overall first, then each theme matched across rounds.

    A theme is matched by its sector theme when the council uses that sector theme for one theme only in
    every round (so a renamed theme still lines up), else by its own label.
    """
    overall = TrendSeries(key="overall", label=OVERALL, sector_theme=None)
    per_round_count: dict[str, int] = {}
    for rnd in trend:
        counts: dict[str, int] = {}
        for t in rnd["themes"]:
            counts[t["sector_theme"]] = counts.get(t["sector_theme"], 0) + 1
        for s, c in counts.items():
            per_round_count[s] = max(per_round_count.get(s, 0), c)
    series: dict[str, TrendSeries] = {}
    for rnd in trend:
        label = str(rnd["round"])
        overall.points[label] = {h: rnd["overall"][h] for h in domain.HORIZONS}
        for t in rnd["themes"]:
            sector = t["sector_theme"]
            key = f"sector:{sector}" if per_round_count.get(sector) == 1 else f"theme:{t['theme']}"
            item = series.setdefault(key, TrendSeries(key=key, label=t["theme"], sector_theme=sector))
            item.label = t["theme"]  # the latest round's label wins (rounds are oldest first)
            item.points[label] = {h: t[h] for h in domain.HORIZONS}
    themes = sorted(series.values(), key=lambda s: s.label.lower())
    return [overall, *themes]


def horizon_noun(horizon: str) -> str:
    return {"now": "Where change is now", "next": "The next step", "ambition": "Ambition"}.get(horizon, horizon)


def _movement(first: float, last: float) -> str:
    d = last - first
    if abs(d) < STEADY:
        return f"held steady at {fmt(last)}"
    return f"{'rose' if d > 0 else 'fell'} from {fmt(first)} to {fmt(last)}"


def trend_takeaway(series: TrendSeries, rounds: Sequence[str], horizon: str) -> str:
    """How one series moved at one horizon between its first and last shown rounds."""
    shown = [(r, v) for r in rounds if (v := series.value(r, horizon)) is not None]
    what = horizon_noun(horizon) + ("" if series.key == "overall" else f" on “{series.label}”")
    if len(shown) < 2:
        return f"{what}: fewer than two rounds can be shown"
    (r0, v0), (r1, v1) = shown[0], shown[-1]
    text = f"{what} {_movement(v0, v1)} between {r0} and {r1}"
    b0, b1 = domain.band_of(v0), domain.band_of(v1)
    if b0 != b1:
        text += f" ({b0} → {b1})"
    return text


def theme_changes(
    series: Sequence[TrendSeries], rounds: Sequence[str], horizon: str
) -> list[dict[str, Any]]:
    """Per theme: first and last shown value at a horizon and the change (None when not comparable)."""
    out = []
    for s in series:
        shown = [(r, v) for r in rounds if (v := s.value(r, horizon)) is not None]
        hidden = [r for r in rounds if s.suppressed(r, horizon)]
        row = {"theme": s.label, "sector_theme": s.sector_theme or "", "horizon": horizon,
               "first_round": None, "first": None, "last_round": None, "last": None, "change": None,
               "not_shown_rounds": ", ".join(hidden)}
        if shown:
            row.update(first_round=shown[0][0], first=shown[0][1], last_round=shown[-1][0], last=shown[-1][1])
            if len(shown) >= 2:
                row["change"] = shown[-1][1] - shown[0][1]
        out.append(row)
    return out


def themes_trend_takeaway(changes: Sequence[Mapping[str, Any]], horizon: str) -> str:
    """How many themes rose at a horizon, and which rose (or fell) most."""
    moved = [c for c in changes if c["sector_theme"] and c["change"] is not None]
    noun = horizon_noun(horizon)
    if not moved:
        return f"{noun}: no theme can be compared across rounds"
    up = [c for c in moved if c["change"] >= STEADY]
    down = [c for c in moved if c["change"] <= -STEADY]
    n = len(moved)
    if up:
        best = max(up, key=lambda c: (c["change"], c["theme"]))
        return (f"{noun} rose on {len(up)} of {_plural(n, 'theme')}; most on “{best['theme']}” "
                f"({fmt(best['change'], 'gap')})")
    if down:
        worst = min(down, key=lambda c: (c["change"], c["theme"]))
        return (f"{noun} fell on {len(down)} of {_plural(n, 'theme')}; most on “{worst['theme']}” "
                f"({fmt(worst['change'], 'gap')})")
    return f"{noun} held steady on all {_plural(n, 'theme')}"


def councils_with_rounds(cat: Catalog, minimum: int = 2) -> list[tuple[str, str]]:
    """(id, name) of councils with at least ``minimum`` rounds, by name — where Trends has something."""
    return [(str(c["council_id"]), str(c["name"])) for c in cat.councils
            if len(cat.rounds.get(str(c["council_id"]), [])) >= minimum]


TREND_COLUMNS = ("theme", "sector_theme", "horizon", "first_round", "first", "last_round", "last", "change",
                 "not_shown_rounds")


def trend_rows(series: Sequence[TrendSeries], rounds: Sequence[str]) -> list[dict[str, Any]]:
    """Long table of every series × round × horizon, suppressed points marked and without numbers."""
    out = []
    for s in series:
        for r in rounds:
            for h in domain.HORIZONS:
                slice_ = s.points.get(r, {}).get(h)
                if slice_ is None:
                    continue
                hidden = bool(slice_.get("suppressed"))
                out.append({"theme": s.label, "sector_theme": s.sector_theme or "", "round": r, "horizon": h,
                            "n": None if hidden else slice_["n"],
                            "position": None if hidden else slice_["position"],
                            "band": None if hidden else slice_["band"], "suppressed": hidden})
    return out
