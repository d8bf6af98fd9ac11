"""One row schema per view: the rows of "the numbers behind this chart" and of the view's downloads.

Each view of the dashboard (the Overview sector table, the Council report, the Alignment tables, the
Themes grid, the Benchmark and the Trends) has one builder here, and both the on-screen numbers table
and the CSV/XLSX download of that view read it, so the file holds exactly the columns and the values the
reader saw — rounded as on screen (:func:`mandate_core.findings.common.round_as_shown`), suppressed values as the
words the table shows, never a number.  A download adds only :func:`with_context`'s columns in front
(which council, round, peer set, horizon and threshold the file is about), so a file opened on its own
says what it is, and names itself with :func:`file_stem`.

A module of its own rather than more of :mod:`mandate_core.findings`: the row schemas are a concept (what
a view's file contains) that pages, the Data page and tests all read, while ``findings`` says what each
topic's numbers mean and shapes them for its charts.  It composes the existing builders
(``charts.spectrum``, ``charts.alignment``, ``findings``) without recomputing a metric; it never imports
streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import findings
from .charts import alignment, spectrum

#: The columns that say what a file is about, in the order they come first in every download.  Named so
#: that no anonymiser takes them for a row's own council or round (see anonymise.COUNCIL_COLUMNS and
#: anonymise.IDENTIFYING), the same names as the Benchmark files (findings.benchmark.CONTEXT_COLUMNS).
CONTEXT_ORDER = ("focus_council", "focus_round", "round_shown", "peer_set", "horizon_shown", "min_group_size")

#: The context columns of each view's download (a subset of CONTEXT_ORDER, in that order).  A view whose
#: rows already say the horizon (Alignment, Trends) does not repeat it here.
VIEW_CONTEXT: dict[str, tuple[str, ...]] = {
    "overview": ("round_shown", "min_group_size"),
    "council": ("focus_council", "focus_round", "min_group_size"),
    "alignment_groups": ("focus_council", "focus_round", "min_group_size"),
    "alignment_themes": ("focus_council", "focus_round", "min_group_size"),
    "themes": ("round_shown", "min_group_size"),
    "benchmark": findings.benchmark.CONTEXT_COLUMNS,
    "trends": ("focus_council", "min_group_size"),
    "trends_rounds": ("focus_council", "min_group_size"),
}

#: What the Overview and the Themes grid show when no round is chosen: each council's latest.
LATEST = "latest"


def with_context(view: str, rows: Sequence[Mapping[str, Any]], **context: Any) -> list[dict[str, Any]]:
    """``rows`` as the view's download: its context columns first (:data:`VIEW_CONTEXT`), then the row
    unchanged.  A context value not given is blank; a context name the view does not have is refused, so
    a page cannot put into a file what the schema does not say."""
    names = VIEW_CONTEXT[view]
    unknown = set(context) - set(names)
    if unknown:
        raise ValueError(f"{view} downloads have no context column {sorted(unknown)}")
    head = {k: context.get(k) for k in names}
    return [{**head, **dict(row)} for row in rows]


def file_stem(view: str, *parts: object) -> str:
    """A download's name that says what is inside: the view, then its council, round, theme, horizon or
    peer set (whichever apply), as file-name parts (findings.common.slug); blank parts are left out."""
    return "-".join(findings.common.slug(p) for p in (view, *parts) if p not in (None, ""))


# --- the views ------------------------------------------------------------------------------------------


def overview(rows: Sequence[Mapping[str, Any]], min_group: int, *, labels: Mapping[str, str] | None = None,
             debrief: bool = False) -> list[dict[str, Any]]:
    """The Overview sector table (one row per council), for the Overview page and the Data page alike:
    :func:`charts.spectrum.overview_rows`' columns with the council's id after its name (a peer's id is its
    "Peer N" label once anonymised), so a file can be joined to others and the name stays the first column
    (the one a phone pins)."""
    shown = spectrum.overview_rows(rows, min_group, labels=labels, debrief=debrief)
    return [{"council": s["council"], "council_id": r["council_id"], **s} for r, s in zip(rows, shown, strict=True)]


def council(report: Mapping[str, Any], min_group: int) -> list[dict[str, Any]]:
    """The Council report, long: all themes then each theme × horizon (:func:`charts.spectrum.council_rows`),
    the shape the Council page shows; the Data page's report download is this same table."""
    return spectrum.council_rows(report, min_group=min_group)


def alignment_groups(breakdown: Sequence[Mapping[str, Any]], distribution: Sequence[Mapping[str, Any]],
                     theme: str, horizon: str, min_group: int) -> list[dict[str, Any]]:
    """The groups of one theme × horizon (:func:`charts.alignment.group_rows`)."""
    return alignment.group_rows(breakdown, distribution, theme, horizon, min_group)


def alignment_themes(themes: Sequence[Mapping[str, Any]], horizon: str, min_group: int) -> list[dict[str, Any]]:
    """Officer–member gap and cross-party alignment of every theme at one horizon
    (:func:`charts.alignment.theme_alignment_rows`)."""
    return alignment.theme_alignment_rows(themes, horizon, min_group)


#: The Themes grid's numbers rounded as the grid writes them (text.fmt): position-like values to one place.
_THEME_ROUNDED = {"ambition": "position", "now": "position", "gap": "gap"}


def themes(matrix: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The Themes grid's numbers: :data:`findings.themes.THEME_MATRIX_COLUMNS` of each council × sector theme, the
    scores rounded as the grid shows them (a suppressed cell has none to round)."""
    return [{c: findings.common.round_as_shown(r.get(c), _THEME_ROUNDED[c]) if c in _THEME_ROUNDED else r.get(c)
             for c in findings.themes.THEME_MATRIX_COLUMNS} for r in matrix]


def benchmark(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Benchmark rows (:func:`findings.benchmark.benchmark_rows`); the page's table is their words and formats
    (:func:`findings.benchmark.benchmark_table`), the download their numbers rounded as that table writes them,
    with the context columns in front (:func:`findings.benchmark.with_context`, ``panels.benchmark.numbers``)."""
    return findings.benchmark.benchmark_rows(view)


#: Trends numbers as the table writes them (text.fmt): a position to one place, a change signed to one.
_TREND_ROUNDED = {"first": "position", "last": "position", "change": "gap"}


def trends(changes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The Trends table: per theme, the first and latest shown value at the chosen horizon and the change
    (:func:`findings.trends.theme_changes`), in :data:`findings.trends.TREND_COLUMNS`, rounded as shown."""
    return [{c: findings.common.round_as_shown(r.get(c), _TREND_ROUNDED[c]) if c in _TREND_ROUNDED else r.get(c)
             for c in findings.trends.TREND_COLUMNS} for r in changes]


def trend_rounds(series: Sequence[findings.trends.TrendSeries], rounds: Sequence[str]) -> list[dict[str, Any]]:
    """Every series × round × horizon behind the Trends charts (:func:`findings.trends.trend_rows`), positions rounded
    as the charts' hover writes them."""
    return [
        {**r, "position": findings.common.round_as_shown(r["position"])}
        for r in findings.trends.trend_rows(series, rounds)
    ]
