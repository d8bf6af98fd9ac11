"""Peer sets and peer benchmarks (docs/metrics.md#peer-benchmark).

A benchmark compares one value of a focus council with the same value of its peers, each in its latest
round.  Values are computed for every council in one grouped query and only then filtered to the peer
set, so the Benchmark page's table and the command line's single benchmark agree by construction.  A
suppressed value (fewer than ``min_group`` participants) is never returned and never enters the
statistics: a peer whose value is suppressed or missing is left out.

Quartiles use linear interpolation between closest ranks — ``numpy.percentile``'s default — written
out here because the command line must not import numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

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
    gap_between,
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


def peer_ids(con: duckdb.DuckDBPyConnection, council_id: str, peers: str) -> list[str]:
    """Members of a peer set, never the focus council itself (unknown ids raise ReportError)."""
    peers = (peers or "").strip()
    if peers in domain.PEER_SETS:
        if peers == "all":
            rows = con.execute(
                "SELECT council_id FROM councils WHERE council_id <> ? ORDER BY council_id",
                [council_id],
            ).fetchall()
        else:
            column = {"peer_group": "peer_group", "nation": "nation",
                      "council_type": "council_type"}[peers]  # fixed whitelist
            rows = con.execute(
                f"""SELECT c.council_id FROM councils c JOIN councils f ON f.{column} = c.{column}
                    WHERE f.council_id = ? AND c.council_id <> f.council_id
                    ORDER BY c.council_id""",
                [council_id],
            ).fetchall()
        return [r[0] for r in rows]
    wanted = list(dict.fromkeys(p.strip() for p in peers.split(",") if p.strip()))
    if not wanted:
        raise ReportError(
            "no peers given; use peer_group, nation, council_type, all or a comma-separated list of ids"
        )
    known = {
        r[0]
        for r in con.execute(
            "SELECT council_id FROM councils WHERE list_contains(?, council_id)", [wanted]
        ).fetchall()
    }
    unknown = [p for p in wanted if p not in known]
    if unknown:
        raise ReportError(f"unknown peer council id(s): {', '.join(unknown)}")
    return [p for p in wanted if p != council_id]


def benchmark(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    metric: str,
    horizon: str | None,
    sector_theme: str | None,
    peers: str,
    min_group: int,
) -> dict[str, Any]:
    """The ``benchmark --json`` document (docs/cli.md#benchmark) of a focus council and round known to exist."""
    horizon = validate_metric(metric, horizon, sector_theme)
    members = set(peer_ids(con, council_id, peers))
    m = min_group
    rows = _metric_rows(con, metric, horizon, sector_theme, m, focus=(council_id, round_label))
    value = next((r["value"] for r in rows if r["council_id"] == council_id), None)
    peer_values = [
        r["value"] for r in rows if r["council_id"] in members and r["value"] is not None
    ]
    return {
        "council_id": council_id,
        "metric": metric,
        "horizon": horizon,
        "theme": sector_theme,
        "value": value,
        **peer_statistics(value, peer_values),
    }
