"""Peer sets and peer benchmarks (docs/metrics.md#peer-benchmark).

A benchmark compares one value of a focus council with the same value of its peers, each in its latest
round.  Values are computed for every council, overall and per sector theme, in one grouped query
(:func:`_benchmark_data`) and only then filtered to the peer set (:class:`PeerSet`), so the Benchmark
page's table and the command line's single benchmark agree by construction; the page's view costs one
query, not a summary, a peer lookup and two scans per theme as it did before issue #12.  A
suppressed value (fewer than ``min_group`` participants) is never returned and never enters the
statistics: a peer whose value is suppressed or missing is left out.

Quartiles use linear interpolation between closest ranks — ``numpy.percentile``'s default — written
out here because the command line must not import numpy.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import duckdb

from . import domain
from .metrics import (
    _AGG_SHOWN,
    _LATEST_ROUNDS,
    ReportError,
    SliceStats,
    _disclose,
    _iso,
    _marked_rows_sql,
    _Tally,
    council_info,
    gap_between,
    resolve_round,
)

#: Horizons each metric reads; gap spans now to ambition and takes no horizon of its own.
_GAP_HORIZONS = ("now", "ambition")


def quantile(values: Sequence[float], q: float) -> float:
    """``numpy.percentile(values, 100 * q)`` with the default linear method, including its lerp."""
    if not values:
        raise ValueError("quantile of no values")
    ordered = sorted(values)
    virtual = (len(ordered) - 1) * q
    lo = math.floor(virtual)
    hi = min(lo + 1, len(ordered) - 1)
    t = virtual - lo
    a, b = ordered[lo], ordered[hi]
    diff = b - a
    # numpy interpolates from the nearer end, which keeps the result exact at both ends.
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def percentile_rank(x: float, peer_values: Sequence[float]) -> float:
    """Share of peers below x, ties counting half (docs/metrics.md#peer-benchmark), in percent."""
    below = sum(1 for v in peer_values if v < x)
    equal = sum(1 for v in peer_values if v == x)
    return 100.0 * (below + 0.5 * equal) / len(peer_values)


def peer_statistics(x: float | None, peer_values: Sequence[float]) -> dict[str, Any]:
    """``peers`` always; median/p25/p75/percentile only when there is a value and at least one peer."""
    stats: dict[str, Any] = {"peers": len(peer_values), "median": None, "p25": None, "p75": None,
                             "percentile": None}
    if x is not None and peer_values:
        stats.update(
            median=quantile(peer_values, 0.5),
            p25=quantile(peer_values, 0.25),
            p75=quantile(peer_values, 0.75),
            percentile=percentile_rank(x, peer_values),
        )
    return stats


def validate_metric(metric: str, horizon: str | None, sector_theme: str | None) -> str | None:
    """Check a metric request; returns the horizon to use (None for gap)."""
    if metric not in domain.METRICS:
        raise ReportError(f"unknown metric {metric!r}; choose one of {', '.join(domain.METRICS)}")
    if sector_theme is not None and sector_theme not in domain.SECTOR_THEMES:
        raise ReportError(
            f"unknown sector theme {sector_theme!r}; choose one of {', '.join(domain.SECTOR_THEMES)}"
        )
    if metric == "gap":
        if horizon is not None and horizon not in domain.HORIZONS:
            raise ReportError(
                f"unknown horizon {horizon!r}; choose one of {', '.join(domain.HORIZONS)}"
            )
        return None
    if horizon is None:
        raise ReportError(f"--horizon is required for the {metric} metric (now, next or ambition)")
    if horizon not in domain.HORIZONS:
        raise ReportError(f"unknown horizon {horizon!r}; choose one of {', '.join(domain.HORIZONS)}")
    return horizon


def _value(metric: str, horizon: str | None, tallies: dict[str, _Tally], m: int) -> float | None:
    if metric == "gap":
        return gap_between(_disclose(tallies.get("ambition"), m), _disclose(tallies.get("now"), m))
    assert horizon is not None
    result = _disclose(tallies.get(horizon), m)
    if not isinstance(result, SliceStats):
        return None
    if metric == "position":
        return result.position
    if metric == "risk":
        return result.risk
    return result.consensus


def _metric_rows(
    con: duckdb.DuckDBPyConnection,
    metric: str,
    horizon: str | None,
    sector_theme: str | None,
    m: int,
    focus: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every council's value, latest round (the focus council in its named round), in one query.

    The value is that of the council's overall slice, or of its sector cell with a theme — both built
    from shown themes only (rule 3 of docs/disclosure.md), the same rule as the report's overall slice.
    """
    horizons = _GAP_HORIZONS if metric == "gap" else (horizon, horizon)
    focus_id, focus_round = focus if focus else (None, None)
    pick = """
        SELECT council_id, round, workshop_date FROM latest WHERE council_id IS DISTINCT FROM ?
        UNION ALL
        SELECT council_id, round, workshop_date FROM rounds WHERE council_id = ? AND round = ?
    """
    where = "WHERE a.horizon IN (?, ?)" + (" AND a.sector_theme = ?" if sector_theme is not None else "")
    params: list[Any] = [focus_id, focus_id, focus_round, horizons[0], horizons[1]]
    if sector_theme is not None:
        params.append(sector_theme)
    params += [m, m, m]
    marked_sql = _marked_rows_sql(pick, where)
    rows = con.execute(
        f"""
        WITH latest AS ({_LATEST_ROUNDS}),
        {marked_sql},
        agg AS (
            SELECT council_id, horizon, {_AGG_SHOWN}
            FROM marked GROUP BY council_id, horizon
        )
        SELECT c.council_id, c.name, c.nation, c.council_type, c.peer_group, p.round,
               p.workshop_date, g.horizon, g.* EXCLUDE (council_id, horizon)
        FROM councils c
        LEFT JOIN pick p ON p.council_id = c.council_id
        LEFT JOIN agg g ON g.council_id = c.council_id
        ORDER BY c.name, c.council_id
        """,
        params,
    ).fetchall()
    heads: dict[str, dict[str, Any]] = {}
    tallies: dict[str, dict[str, _Tally]] = {}
    for cid, name, nation, ctype, peer_group, rnd, wdate, hz, *agg in rows:
        heads.setdefault(cid, {
            "council_id": cid, "name": name, "nation": nation, "council_type": ctype,
            "peer_group": peer_group, "round": rnd, "workshop_date": _iso(wdate),
        })
        if hz is not None:
            tallies.setdefault(cid, {})[hz] = _Tally.of(agg)
    out = []
    for cid, head in heads.items():
        data = tallies.get(cid)
        value = _value(metric, horizon, data, m) if data else None
        status = "ok" if value is not None else ("missing" if not data else "suppressed")
        out.append({**head, "value": value, "status": status})
    return out


def metric_table(
    con: duckdb.DuckDBPyConnection,
    metric: str,
    horizon: str | None,
    sector_theme: str | None = None,
    *,
    min_group: int,
) -> list[dict[str, Any]]:
    """Every council's value of one metric in its latest round, for the Benchmark page (one query).

    Rows: ``{council_id, name, nation, council_type, peer_group, round, workshop_date, value, status}``,
    ``status`` ok / suppressed / missing (no round, or the slice has no answers); value None unless ok.
    """
    horizon = validate_metric(metric, horizon, sector_theme)
    return _metric_rows(con, metric, horizon, sector_theme, min_group)


_SAME_FIELD = ("peer_group", "nation", "council_type")  # the keywords that mean "shares this field"


@dataclass(frozen=True, slots=True)
class PeerSet:
    """Who a focus council is compared with: a keyword of :data:`domain.PEER_SETS` or a hand-picked list.

    Why a value and not the URL's string: the string ("peer_group" or "ID,ID,...") used to be re-read in
    six places, each deciding on its own what a keyword or a list meant.  It is parsed once at the edge
    (:meth:`parse`, from the URL or ``--peers``) and ``str()`` gives the same string back, so a link or a
    cache key does not change.  A saved set is a hand-picked list; its name is looked up for the words only.
    """

    #: ``peer_group``, ``nation``, ``council_type``, ``all``, or ``list`` for hand-picked ids.
    kind: str
    #: The hand-picked council ids in the order chosen (empty for a keyword).
    ids: tuple[str, ...] = ()

    LIST: ClassVar[str] = "list"

    def __post_init__(self) -> None:
        if self.kind == self.LIST:
            if not self.ids:
                raise ReportError(
                    "no peers given; use peer_group, nation, council_type, all or a comma-separated list of ids"
                )
        elif self.kind not in domain.PEER_SETS or self.ids:
            raise ValueError(f"not a peer set: {self.kind!r} {self.ids!r}")

    @classmethod
    def parse(cls, text: str) -> PeerSet:
        """A keyword, or comma-separated ids (trimmed, repeats dropped); nothing at all is a ReportError."""
        raw = (text or "").strip()
        if raw in domain.PEER_SETS:
            return cls(raw)
        return cls(cls.LIST, tuple(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip())))

    def __str__(self) -> str:
        return ",".join(self.ids) if self.kind == self.LIST else self.kind

    @property
    def hand_picked(self) -> bool:
        return self.kind == self.LIST

    def members(self, councils: Sequence[Mapping[str, Any]], focus_id: str) -> list[str]:
        """The peers among ``councils`` (rows with council_id, peer_group, nation, council_type), never the
        focus itself: a keyword's peers by id, a list's in its own order.  Unknown listed ids raise
        ReportError; a focus without the field (no peer group) has no peers in that set."""
        if self.kind == "all":
            return sorted(str(c["council_id"]) for c in councils if c["council_id"] != focus_id)
        if self.kind in _SAME_FIELD:
            focus = next((c for c in councils if c["council_id"] == focus_id), None)
            value = focus.get(self.kind) if focus else None
            if value is None:
                return []
            return sorted(str(c["council_id"]) for c in councils
                          if c.get(self.kind) == value and c["council_id"] != focus_id)
        known = {c["council_id"] for c in councils}
        unknown = [p for p in self.ids if p not in known]
        if unknown:
            raise ReportError(f"unknown peer council id(s): {', '.join(unknown)}")
        return [p for p in self.ids if p != focus_id]

    def words(self, peer_group: str | None = None, saved_name: str | None = None,
              anonymise: bool = False) -> str:
        """The set in words, for the page and the download's ``peer_set`` column: which set, and for the
        peer group its name ("Same peer group (Metro North)").  A hand-picked list is counted, never named
        here (its councils are listed separately, as the view may name them); a saved set keeps its name.
        Anonymised views name neither the peer group nor a saved set: either would narrow who the peers are."""
        if anonymise:
            saved_name, peer_group = None, None
        if self.kind == "peer_group":
            return f"Same peer group ({peer_group})" if peer_group else "Same peer group"
        if self.kind in domain.PEER_SET_LABELS:
            return domain.PEER_SET_LABELS[self.kind]
        return f"Saved peer set “{saved_name}”" if saved_name else "Hand-picked councils"

    def slug(self, anonymise: bool = False, saved_name: str | None = None) -> str:
        """A file-name part that tells the variants apart: the set's key, or for a hand-picked list its size
        and a short fingerprint of its ids (a saved set's name in a named view).  Anonymised views get the
        size only: no name and nothing computed from the peers' ids."""
        if self.kind in PEER_SET_SLUGS:
            return PEER_SET_SLUGS[self.kind]
        ids = sorted(self.ids)
        if anonymise:
            return f"hand-picked-{len(ids)}"
        if saved_name:
            return "peers-" + re.sub(r"[^A-Za-z0-9]+", "-", saved_name).strip("-").lower()[:30]
        return f"hand-picked-{len(ids)}-{hashlib.sha256(','.join(ids).encode()).hexdigest()[:6]}"


PEER_SET_SLUGS: dict[str, str] = {"peer_group": "peer-group", "nation": "same-nation",
                                   "council_type": "same-type", "all": "all-councils"}


def peer_ids(con: duckdb.DuckDBPyConnection, council_id: str, peers: PeerSet) -> list[str]:
    """Members of a peer set, never the focus council itself (unknown ids raise ReportError)."""
    rows = con.execute("SELECT council_id, peer_group, nation, council_type FROM councils").fetchall()
    heads = [dict(zip(("council_id", *_SAME_FIELD), r, strict=True)) for r in rows]
    return peers.members(heads, council_id)


# --- the benchmark table: every council × overall / sector theme, one grouped query --------------------


@dataclass
class BenchmarkData:
    """What one benchmark query returns: every council's value overall and per sector theme, and the focus
    council's own themes (which sector themes it covers, and which theme × horizon slices are shown)."""

    focus: dict[str, Any] | None
    #: Every council's head (council_id, name, nation, council_type, peer_group, round, workshop_date),
    #: by name then id — the order of the peer dots.
    councils: list[dict[str, Any]]
    #: (council_id, sector theme or None for overall) -> the shown value; absent when suppressed or missing.
    values: dict[tuple[str, str | None], float]
    #: The focus council's themes: theme -> (sector theme, {horizon: shown}).
    focus_themes: dict[str, tuple[str, dict[str, bool]]]


def _benchmark_data(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    metric: str,
    horizon: str | None,
    m: int,
    one: tuple[str | None] | None = None,
) -> BenchmarkData:
    """One statement: the focus council in its round (latest when None), every other council in its latest
    round, each marked by rule 3 of docs/disclosure.md in SQL (:func:`metrics._marked_rows_sql`), then
    grouped three ways — per council × horizon (overall), per council × sector theme × horizon, and the
    focus's own theme × horizon slices (only whether each is shown).  Values leave through ``_disclose``.

    ``one=(theme,)``: only that row (overall for None) — the command line's single benchmark, which would
    pay three to four times its old cost for the rows it does not print (measured on the demo data).
    """
    horizons = _GAP_HORIZONS if metric == "gap" else (horizon, horizon)
    if one is None:  # the whole table: overall, every sector theme, the focus's own themes (fixed SQL)
        branches = f"""
            SELECT 0 AS level, council_id, NULL::VARCHAR AS sector_theme, NULL::VARCHAR AS theme, horizon,
                   {_AGG_SHOWN}
            FROM marked WHERE horizon IN (?, ?) GROUP BY council_id, horizon
            UNION ALL
            SELECT 1, council_id, sector_theme, NULL, horizon, {_AGG_SHOWN}
            FROM marked WHERE horizon IN (?, ?) GROUP BY council_id, sector_theme, horizon
            UNION ALL
            SELECT 2, council_id, min(sector_theme), theme, horizon, {_AGG_SHOWN}
            FROM marked WHERE council_id = ? GROUP BY council_id, theme, horizon
        """
        where, where_params = "WHERE a.horizon IN (?, ?) OR a.council_id = ?", [*horizons, council_id]
        branch_params: list[Any] = [*horizons, *horizons, council_id]
    elif one[0] is None:
        branches = f"""
            SELECT 0 AS level, council_id, NULL::VARCHAR AS sector_theme, NULL::VARCHAR AS theme, horizon,
                   {_AGG_SHOWN}
            FROM marked GROUP BY council_id, horizon
        """
        where, where_params, branch_params = "WHERE a.horizon IN (?, ?)", [*horizons], []
    else:
        branches = f"""
            SELECT 1 AS level, council_id, sector_theme, NULL::VARCHAR AS theme, horizon, {_AGG_SHOWN}
            FROM marked GROUP BY council_id, sector_theme, horizon
        """
        where = "WHERE a.horizon IN (?, ?) AND a.sector_theme = ?"
        where_params, branch_params = [*horizons, one[0]], []
    pick = """
        SELECT council_id, round, workshop_date FROM latest WHERE council_id IS DISTINCT FROM ? OR ? IS NULL
        UNION ALL
        SELECT council_id, round, workshop_date FROM rounds WHERE council_id = ? AND round = ?
    """
    marked_sql = _marked_rows_sql(pick, where)
    params: list[Any] = [council_id, round_label, council_id, round_label, *where_params, m, m, m,
                         *branch_params]
    rows = con.execute(
        f"""
        WITH latest AS ({_LATEST_ROUNDS}),
        {marked_sql},
        agg AS ({branches})
        SELECT c.council_id, c.name, c.nation, c.council_type, c.peer_group, p.round, p.workshop_date,
               g.level, g.sector_theme, g.theme, g.horizon,
               g.* EXCLUDE (level, council_id, sector_theme, theme, horizon)
        FROM councils c
        LEFT JOIN pick p ON p.council_id = c.council_id
        LEFT JOIN agg g ON g.council_id = c.council_id
        ORDER BY c.name, c.council_id
        """,
        params,
    ).fetchall()
    heads: dict[str, dict[str, Any]] = {}
    tallies: dict[tuple[str, str | None], dict[str, _Tally]] = {}
    focus_themes: dict[str, tuple[str, dict[str, bool]]] = {}
    for cid, name, nation, ctype, peer_group, rnd, wdate, level, sector, theme, hz, *agg in rows:
        heads.setdefault(cid, {
            "council_id": cid, "name": name, "nation": nation, "council_type": ctype,
            "peer_group": peer_group, "round": rnd, "workshop_date": _iso(wdate),
        })
        if level is None:
            continue
        if level == 2:  # themes_covered is 1 exactly when the theme's own slice is shown (rule 1)
            shown = focus_themes.setdefault(theme, (sector, {}))[1]
            shown[hz] = bool(agg[13])
        else:
            tallies.setdefault((cid, sector if level == 1 else None), {})[hz] = _Tally.of(agg)
    values: dict[tuple[str, str | None], float] = {}
    for key, data in tallies.items():
        value = _value(metric, horizon, data, m)
        if value is not None:
            values[key] = value
    return BenchmarkData(heads.get(council_id), list(heads.values()), values, focus_themes)


def _doc(data: BenchmarkData, council_id: str, members: Sequence[str], metric: str, horizon: str | None,
         theme: str | None) -> dict[str, Any]:
    """The ``benchmark --json`` document of one row (overall or a sector theme) of the table."""
    value = data.values.get((council_id, theme))
    peer_values = [v for p in members if (v := data.values.get((p, theme))) is not None]
    return {
        "council_id": council_id,
        "metric": metric,
        "horizon": horizon,
        "theme": theme,
        "value": value,
        **peer_statistics(value, peer_values),
    }


def benchmark(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    metric: str,
    horizon: str | None,
    sector_theme: str | None,
    peers: PeerSet,
    min_group: int,
) -> dict[str, Any]:
    """The ``benchmark --json`` document (docs/cli.md#benchmark) of a focus council and round known to exist."""
    horizon = validate_metric(metric, horizon, sector_theme)
    m = min_group
    data = _benchmark_data(con, council_id, round_label, metric, horizon, m, one=(sector_theme,))
    members = peers.members(data.councils, council_id)
    return _doc(data, council_id, members, metric, horizon, sector_theme)


def benchmark_table(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    metric: str,
    horizon: str | None,
    peers: PeerSet,
    min_group: int,
) -> dict[str, Any]:
    """Overall and each sector theme the focus council worked on, against its peers, from one query.

    Returns ``{council, round, horizon, peer_ids, rows, themes}``: ``rows`` in the Benchmark page's order
    (overall, then sector themes in :data:`domain.SECTOR_THEMES` order), each ``{theme, doc, points}`` with
    ``doc`` exactly what ``benchmark --json`` prints for that theme and ``points`` the peers with a shown
    value (``{council_id, name, value}``, by name); ``themes`` the focus round's themes as
    ``[{theme, sector_theme, now/next/ambition: {"suppressed": bool}}]`` for the coverage note.  Errors
    come in the order the page has always named them: unknown council, peers, metric, round.
    """
    m = min_group
    try:
        horizon = validate_metric(metric, horizon, None)
    except ReportError:  # the error path only: say first what the page always said first
        if council_info(con, council_id) is None:
            raise ReportError(f"unknown council {council_id!r}") from None
        peer_ids(con, council_id, peers)
        raise
    data = _benchmark_data(con, council_id, round_label, metric, horizon, m)
    if data.focus is None:
        raise ReportError(f"unknown council {council_id!r}")
    members = peers.members(data.councils, council_id)
    if data.focus["round"] is None:
        resolve_round(con, council_id, round_label)  # raises: no rounds, or no such round
    member_set = set(members)
    order = {key: i for i, key in enumerate(domain.SECTOR_THEMES)}
    covered = sorted(dict.fromkeys(s for s, _shown in data.focus_themes.values()),
                     key=lambda s: (order.get(s, 99), s))
    rows = []
    for theme in [None, *covered]:
        rows.append({
            "theme": theme,
            "doc": _doc(data, council_id, members, metric, horizon, theme),
            "points": [
                {"council_id": c["council_id"], "name": c["name"], "value": v}
                for c in data.councils
                if c["council_id"] in member_set and (v := data.values.get((c["council_id"], theme))) is not None
            ],
        })
    themes = [
        {"theme": t, "sector_theme": s, **{h: {"suppressed": not shown.get(h, False)} for h in domain.HORIZONS}}
        for t, (s, shown) in sorted(data.focus_themes.items())
    ]
    return {"council": data.focus, "round": data.focus["round"], "horizon": horizon, "peer_ids": members,
            "rows": rows, "themes": themes}
