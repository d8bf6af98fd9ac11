"""The Benchmark topic: one council against its peer set, theme by theme, shaped for the chart, the
table and the download, with its takeaway and the peer set in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from .. import benchmarking, domain
from ..benchmarking import PeerSet
from ..text import fmt
from .common import OVERALL, _plural, anonymise_rows, natural_key, overall_coverage_note, round_as_shown, slug


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
        "coverage_note": overall_coverage_note({"themes": table["themes"]}),
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
