"""Page-facing data shaping and takeaway sentences for the Themes, Benchmark, Trends and Data pages.

Numbers come only from :mod:`metrics`, :mod:`benchmarking` and :mod:`reports`; this module arranges them
for a chart or a table and says in one sentence what they show.  It never recomputes a metric, and a
suppressed slice stays a marker with no number from here to the screen.

Anonymised views (debrief mode, a council user) pass what they show through one
:class:`mandate_core.anonymise.Anonymiser` (``pages/_layout.anonymiser``); :func:`peer_labels` and
:func:`anonymise_rows` here are the small label-map helpers the chart builders and their tests use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

import duckdb

from . import anonymise, benchmarking, domain, storage, takeaways
from . import text as text_mod
from .benchmarking import PeerSet
from .catalog import Catalog
from .text import fmt, md_escape

#: Steady means "moved less than this", so rounding noise is not called a rise or a fall.
STEADY = 0.05

MEASURES: tuple[str, ...] = ("ambition", "gap")
MEASURE_LABELS: dict[str, str] = {"ambition": "Ambition (about 5 years)", "gap": "Gap (ambition − now)"}

OVERALL = "Overall"


# --- chart titles -----------------------------------------------------------------------------------

#: Characters a title line may hold before it wraps.  Debrief type is twice the size, and a debrief chart
#: spans a 1920-pixel projector (sidebar closed, ~1760 px): 80 characters of 40-pixel type fill most of it.
#: On a narrower screen the debrief CSS (dashboard.py) shrinks a chart's title to its width.
TITLE_WIDTH = 90
TITLE_WIDTH_DEBRIEF = 80


def title_html(text: str, debrief: bool = False) -> str:
    """A takeaway title for Plotly: escaped (it carries council and theme names) and wrapped to fit a chart
    on a 1280-pixel screen, at the sentence's own joints where it can (see :func:`mandate_core.text.wrap_title`)."""
    return text_mod.title_html(text, TITLE_WIDTH_DEBRIEF if debrief else TITLE_WIDTH)


def title_lines(text: str, debrief: bool = False) -> int:
    return text_mod.title_lines(text, TITLE_WIDTH_DEBRIEF if debrief else TITLE_WIDTH)


# --- debrief: other councils become "Peer N" ---------------------------------------------------------


#: The one numbering of peers lives in mandate_core.anonymise; re-exported for the pages.
peer_labels = anonymise.peer_labels


#: Columns that could point at a council other than by name; blanked for peers in debrief downloads.
_IDENTIFYING = ("nation", "council_type", "peer_group", "population", "workshop_date", "latest_workshop_date")


def anonymise_rows(
    rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str], focus: str | None, debrief: bool
) -> list[dict[str, Any]]:
    """Rows for a table or download: in debrief mode peers lose their id, name and descriptors."""
    out = []
    for row in rows:
        item = dict(row)
        cid = item.get("council_id")
        if debrief and cid is not None and cid != focus:
            # A row an anonymiser already labelled keeps its label (see mandate_core.anonymise).
            label = labels.get(str(cid)) or (str(cid) if str(cid) in labels.values() else "Peer")
            item["council_id"] = label
            if "name" in item:
                item["name"] = label
            for key in _IDENTIFYING:
                if key in item:
                    item[key] = None
        out.append(item)
    return out


# --- formatting -------------------------------------------------------------------------------------


def names_list(items: Sequence[str], limit: int = 6) -> str:
    """"A, B and C" — at most ``limit`` names, then "and N more"."""
    items = list(items)
    if len(items) > limit:
        rest = len(items) - limit
        items = items[:limit] + [f"{rest} more"]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def natural_key(text: str) -> tuple[object, ...]:
    """Sort key that puts "Peer 2" before "Peer 10"."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- Themes -----------------------------------------------------------------------------------------


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


# --- Benchmark --------------------------------------------------------------------------------------


def metric_noun(metric: str, horizon: str | None) -> str:
    """Short words for a metric at a horizon, for sentences ("ambition", "risk appetite now")."""
    if metric == "gap":
        return "the ambition gap"
    where = {"now": "now", "next": "at the next step", "ambition": "in the long run"}.get(horizon or "", "")
    if metric == "position":
        return {"now": "where change is now", "next": "the next step", "ambition": "ambition"}.get(
            horizon or "", "position")
    noun = {"risk": "risk appetite", "consensus": "consensus"}[metric]
    return f"{noun} {where}".strip()


#: Fewest peers for quartiles and a percentile to mean anything: below this the Benchmark page draws no box,
#: prints no percentile or middle half, and says to compare with care.
MIN_PEERS_FOR_QUARTILES = 4


def few_peers(doc: Mapping[str, Any]) -> bool:
    """Whether a benchmark has peers, but too few for quartiles (see :data:`MIN_PEERS_FOR_QUARTILES`)."""
    return 0 < int(doc.get("peers") or 0) < MIN_PEERS_FOR_QUARTILES


def caution_words(doc: Mapping[str, Any]) -> str:
    """ "only 2 peers: compare with care" — what a row with too few peers says instead of quartiles."""
    return f"only {_plural(int(doc.get('peers') or 0), 'peer')}: compare with care"


def median_side(value: float, median: float, metric: str = "position") -> str:
    """``above``, ``below`` or ``at`` the peer median, judged on the numbers as written beside it.

    A value and a median that print the same ("4.7 | median 4.7") are *at* the median, whatever their
    unrounded difference: words must agree with the numbers the reader sees.
    """
    shown, mid = fmt(value, metric), fmt(median, metric)
    if shown == mid:
        return "at"
    return "above" if value > median else "below"


def quartile_words(doc: Mapping[str, Any]) -> str:
    """Where a value sits among its peers, in words: "Above the peer median: in the top quarter of 7 peers".

    With fewer than four peers a quarter is one council or none, so the words say so instead.
    """
    peers = int(doc.get("peers") or 0)
    value, mid, pct = doc.get("value"), doc.get("median"), doc.get("percentile")
    if value is None:
        return "Not shown for this council" if peers else "No peers to compare with"
    if not peers or mid is None or pct is None:
        return "No peers with a value to compare with"
    side = f"{median_side(value, mid, str(doc.get('metric') or 'position')).capitalize()} the peer median"
    if few_peers(doc):
        return f"{side} ({caution_words(doc)})"
    if side.startswith("At"):  # no quarter: "at the median, in the lower middle" would contradict itself
        return f"{side} of {_plural(peers, 'peer')}"
    quarter = ("in the top quarter" if pct >= 75 else "in the upper middle" if pct >= 50
               else "in the lower middle" if pct >= 25 else "in the bottom quarter")
    return f"{side}: {quarter} of {_plural(peers, 'peer')}"


def benchmark_view(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    metric: str,
    horizon: str | None,
    peers: PeerSet,
    min_group: int,
) -> dict[str, Any]:
    """Everything the Benchmark page shows for one metric: overall and each theme of the focus council.

    One grouped query (:func:`benchmarking.benchmark_table`): each row's statistics are exactly what
    ``benchmark --json`` prints for that theme, the peer dots the same peers' values.
    """
    horizon = None if metric == "gap" else horizon
    table = benchmarking.benchmark_table(con, council_id, round_label, metric, horizon, peers, min_group)
    rows = []
    for row in table["rows"]:
        theme, doc = row["theme"], row["doc"]
        rows.append({
            "theme": theme,
            "theme_label": OVERALL if theme is None else domain.SECTOR_THEMES.get(theme, theme),
            "doc": doc,
            "status": "ok" if doc["value"] is not None else "suppressed",
            "points": row["points"],
            "words": quartile_words(doc),
        })
    covered = [r["theme"] for r in table["rows"][1:]]
    council = table["council"]
    return {
        "council_id": council_id,
        "name": council["name"],
        "peer_group": council.get("peer_group"),
        "round": table["round"],
        "metric": metric,
        "horizon": table["horizon"],
        "peers": str(peers),
        "peer_ids": table["peer_ids"],
        "rows": rows,
        "not_covered": [k for k in domain.SECTOR_THEMES if k not in covered],
        # the overall row covers shown themes only (rule 3 of docs/disclosure.md): say so when one is left out
        "coverage_note": takeaways.overall_coverage_note({"themes": table["themes"]}),
    }


def benchmark_takeaway(view: Mapping[str, Any], name: str) -> str:
    """One sentence for the strip chart: the overall position, then on how many themes it is above."""
    noun = metric_noun(view["metric"], view["horizon"])
    if not view["peer_ids"]:
        return f"No peers to compare {name} with in this peer set"
    overall = view["rows"][0]["doc"]
    themes = [r["doc"] for r in view["rows"][1:] if r["doc"]["value"] is not None and r["doc"]["peers"]]
    above = sum(1 for d in themes if median_side(d["value"], d["median"], view["metric"]) == "above")
    # "above it on 0 of 3 themes" reads oddly aloud: none is said in words.
    above_it = (f"above it on {above} of {_plural(len(themes), 'theme')}" if above
                else f"not above it on any of its {len(themes)} themes" if len(themes) > 1
                else "not above it on its one theme")
    if overall["value"] is None or not overall["peers"]:
        if themes:
            return f"{name} is {above_it.replace(' it ', f' the peer median on {noun} ', 1)}"
        return f"{name}: nothing to compare on {noun} with these peers"
    side = median_side(overall["value"], overall["median"], view["metric"])
    head = f"{name} is {side} the peer median on {noun} overall"
    return head + (f", and {above_it}" if themes else "")


BENCHMARK_COLUMNS = ("theme", "theme_label", "metric", "horizon", "value", "peers", "median", "p25", "p75",
                     "percentile", "in_words")


def benchmark_rows(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The table and download behind the chart: one row per theme, the CLI's numbers — except that with
    fewer than four peers the quartiles and percentile are blank, as on screen, so the file reads the same as
    the page ("compare with care"), not as a precise rank of two or three councils."""
    out = []
    for row in view["rows"]:
        doc = row["doc"]
        few = few_peers(doc)
        out.append({
            "theme": row["theme"] or "overall", "theme_label": row["theme_label"], "metric": doc["metric"],
            "horizon": doc["horizon"], "value": doc["value"], "peers": doc["peers"], "median": doc["median"],
            "p25": None if few else doc["p25"], "p75": None if few else doc["p75"],
            "percentile": None if few else doc["percentile"], "in_words": row["words"],
        })
    return out


def benchmark_table(rows: Sequence[Mapping[str, Any]], metric: str) -> list[dict[str, str | int]]:
    """The Benchmark page's table from :func:`benchmark_rows`, in the page's words and number formats.

    Quartiles and a percentile of two or three councils mean little: those cells say "–" (blank in the
    download too) and the row's words say to compare with care.  Built here, not on the page, so the
    rule is tested once and the page only lays the table out."""
    def middle(r: Mapping[str, Any]) -> str:
        if r["p25"] is None or few_peers(r):
            return "–"
        return f"{fmt(r['p25'], metric)} to {fmt(r['p75'], metric)}"

    return [{"Theme": r["theme_label"], "This council": fmt(r["value"], metric),
             "Peer median": fmt(r["median"], metric), "Middle half": middle(r),
             "Percentile": "–" if r["percentile"] is None or few_peers(r) else f"{r['percentile']:.0f}",
             "Peers": r["peers"], "Where it sits": r["in_words"]} for r in rows]


def peer_point_rows(view: Mapping[str, Any], labels: Mapping[str, str], debrief: bool) -> list[dict[str, Any]]:
    """Each peer's value behind the dots (anonymised in debrief mode), for the second download."""
    rows = [
        {"theme": r["theme"] or "overall", "theme_label": r["theme_label"], "council_id": p["council_id"],
         "name": labels.get(p["council_id"], p["name"]), "value": p["value"]}
        for r in view["rows"] for p in r["points"]
    ]
    return anonymise_rows(rows, labels, view["council_id"], debrief)


#: The peer-set keys' file-name parts (one home: :class:`benchmarking.PeerSet`).
PEER_SET_SLUGS = benchmarking.PEER_SET_SLUGS


def peer_set_words(peers: PeerSet, view: Mapping[str, Any], saved_name: str | None = None,
                   anonymise: bool = False) -> str:
    """The peer set in words (see :meth:`benchmarking.PeerSet.words`), with the view's peer group."""
    return peers.words(view.get("peer_group"), saved_name, anonymise)


def peer_set_slug(peers: PeerSet, anonymise: bool = False, saved_name: str | None = None) -> str:
    """A file-name part that tells the peer-set variants apart (see :meth:`benchmarking.PeerSet.slug`)."""
    return peers.slug(anonymise, saved_name)


def peer_names(view: Mapping[str, Any], labels: Mapping[str, str], anonymise: bool) -> list[str]:
    """The peers of a benchmark as the view may name them: real names in alphabetical order, or only
    the view's "Peer N" labels in Peer-number order when anonymised (never a name, never an id)."""
    ids = [c for c in view.get("peer_ids", []) if c != view.get("council_id")]
    if anonymise:
        return sorted((labels[c] for c in ids if c in labels), key=natural_key)
    return sorted((labels.get(c, c) for c in ids), key=lambda n: n.lower())


#: Peers named in the Benchmark page's peer line before "and N more".
MAX_PEER_NAMES = 50


def benchmark_file_stem(council_id: str, round_label: str | None, metric: str, horizon: str | None,
                        peer_slug: str) -> str:
    """The Benchmark download's name: what is inside — council, round, metric (and horizon), peer set —
    so two files downloaded with different peer sets never share a name."""
    parts = ["benchmark", council_id, slug(round_label or "latest"), metric, *([horizon] if horizon else []),
             peer_slug]
    return "-".join(slug(p) for p in parts if p)


def round_as_shown(value: Any, metric: str = "position", digits: int | None = None) -> Any:
    """A number rounded as :func:`fmt` writes it on the page (or to ``digits``), kept a number so a
    spreadsheet can still sum it; anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return value
    return round(float(value), digits if digits is not None else 2 if metric == "consensus" else 1)


#: The columns that say what a download is, first in every Benchmark file.
#: Named so that no anonymiser takes them for a row's own council or round (see anonymise.COUNCIL_COLUMNS).
CONTEXT_COLUMNS = ("focus_council", "focus_round", "peer_set", "min_group_size")
#: The peer dots: the chart's hover shows them to two decimals.
POINT_DIGITS = 2


def with_context(rows: Sequence[Mapping[str, Any]], context: Mapping[str, Any], metric: str,
                 points: bool = False) -> list[dict[str, Any]]:
    """Download rows with the context columns in front and values rounded as the page shows them: the
    table's value, median and quartiles as :func:`fmt`, the percentile whole, the peer dots to two
    decimals as their hover.  A file opened on its own then says which council, round and peer set it is."""
    out = []
    for row in rows:
        item = {**{k: context.get(k) for k in CONTEXT_COLUMNS}, **row}
        for key in ("value", "median", "p25", "p75"):
            if key in item:
                item[key] = round_as_shown(item[key], metric, POINT_DIGITS if points else None)
        if isinstance(item.get("percentile"), float):
            item["percentile"] = round(item["percentile"])
        out.append(item)
    return out


def slug(text: object) -> str:
    """A file-name part: lower case, letters and digits joined by hyphens."""
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower()


# --- Trends -----------------------------------------------------------------------------------------


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


# --- Data -------------------------------------------------------------------------------------------

LOADED_COLUMNS = ("council_id", "name", "nation", "council_type", "peer_group", "population", "round",
                  "workshop_date", "participants", "answers")


def loaded_rows(cat: Catalog) -> list[dict[str, Any]]:
    """One row per council and round (a council without rounds gets one row without a round)."""
    out = []
    for c in cat.councils:
        cid = str(c["council_id"])
        head = {k: c.get(k) for k in ("council_id", "name", "nation", "council_type", "peer_group", "population")}
        rounds = sorted(cat.rounds.get(cid, []), key=lambda r: (str(r["workshop_date"]), str(r["round"])))
        if not rounds:
            out.append({**head, "round": None, "workshop_date": None, "participants": 0, "answers": 0})
        for r in rounds:
            d = r["workshop_date"]
            out.append({**head, "round": r["round"], "workshop_date": d.isoformat() if hasattr(d, "isoformat")
                        else d, "participants": r["participants"], "answers": r["answers"]})
    return out


def loaded_summary(cat: Catalog) -> dict[str, Any]:
    """The headline counts of what is loaded, and the span of workshop dates."""
    dates = sorted(str(r["workshop_date"]) for rs in cat.rounds.values() for r in rs)
    return {
        "councils": len(cat.councils),
        "councils_with_rounds": len(cat.rounds),
        "rounds": cat.round_count,
        "participants": cat.participants,
        "answers": cat.answers,
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "several_rounds": len(councils_with_rounds(cat)),
    }


def loaded_caption(summary: Mapping[str, Any], db_file: str) -> str | None:
    """The Data page's line under the counts: the span of workshop dates, how many councils have more
    than one round, and the database file's name only (the server's folders are not the audience's
    business, and not for a projector) or a PostgreSQL store's name and host (never its credentials).
    None when nothing has a date yet."""
    first, last = summary["first_date"], summary["last_date"]
    if not first:
        return None
    span = first if first == last else f"{first} to {last}"
    return (f"Workshops from {span}; {summary['several_rounds']} councils have more than one round. "
            f"{md_escape(storage.store_label(db_file))}")


def demo_rebuild_words(cat: Catalog) -> tuple[str, str]:
    """What rebuilding the demo database replaces, and the confirming box's label: an empty database
    is offered the demo; one with data is told what is deleted (and, for imported results, how to back
    them up first)."""
    if cat.empty and not cat.councils:
        return ("Load the fictional demo councils to see what the dashboard does before importing your own.",
                "Yes, load the demo database")
    what = ("the demo data now loaded" if cat.is_demo else
            "everything now loaded, including imported results (back it up first with "
            "`python -m mandate_core export`)")
    return (f"Rebuilding replaces {what} with the fictional demo councils.",
            "Yes, delete what is loaded and rebuild the demo database")


# --- layout -----------------------------------------------------------------------------------------------

#: Width in pixels of the row that holds a view's "Download CSV" and "Download XLSX" buttons, so the pair
#: sits side by side on the left on every page and screen (not spread across the page's width); debrief
#: mode's larger type needs a wider row.
DOWNLOAD_PAIR_PX = 360
DOWNLOAD_PAIR_PX_DEBRIEF = 540


def download_pair_px(debrief: bool = False) -> int:
    return DOWNLOAD_PAIR_PX_DEBRIEF if debrief else DOWNLOAD_PAIR_PX
