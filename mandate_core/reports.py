"""The JSON documents of ``report --json`` and ``benchmark --json`` (docs/cli.md), exactly as pinned.

Input a user typed (council id, round label, metric, horizon, theme, peers) is checked here and turned
into a :class:`ReportError` with a message the command line prints as is; everything else is delegated
to :mod:`mandate_core.metrics` and :mod:`mandate_core.benchmarking`, which the dashboard pages share, so
the command line and the pages cannot disagree.
"""

from __future__ import annotations

from typing import Any

import duckdb

from . import benchmarking, metrics
from .metrics import ReportError

__all__ = ["ReportError", "benchmark_report", "council_report"]


def council_report(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None = None,
    *,
    min_group: int,
) -> dict[str, Any]:
    """``report --json``: one workshop's overall and per-theme results, suppressed where too small."""
    m = min_group
    council, round_label, workshop_date = metrics.resolve_round(con, council_id, round_label)
    body = metrics.council_summary(con, council_id, round_label, m)
    return {
        "council_id": council["council_id"],
        "name": council["name"],
        "round": round_label,
        "workshop_date": workshop_date,
        "participants": body["participants"],
        "min_group_size": m,
        "overall": body["overall"],
        "themes": body["themes"],
    }


def benchmark_report(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    metric: str,
    horizon: str | None,
    theme: str | None,
    peers: str,
    round_label: str | None = None,
    *,
    min_group: int,
) -> dict[str, Any]:
    """``benchmark --json``: one value of the focus council against its peers' latest rounds.

    ``peers`` is the ``--peers`` text, parsed here once, after the metric and the round are checked (the
    order the command line has always named errors in)."""
    m = min_group
    benchmarking.validate_metric(metric, horizon, theme)
    _council, round_label, _date = metrics.resolve_round(con, council_id, round_label)
    peer_set = benchmarking.PeerSet.parse(peers)
    return benchmarking.benchmark(con, council_id, round_label, metric, horizon, theme, peer_set, m)
