"""The Benchmark topic's panel: the chosen council against its peers, theme by theme (also the deck's
"How our ambition compares" slide, anonymised)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mandate_core import findings
from mandate_core import rows as row_schemas
from mandate_core.charts import benchmark as benchmark_charts
from mandate_core.panels import File, Panel, numbers_panel, reading, text_panel

NO_PEERS = "There are no peers in this peer set to compare with."


def strip(view: Mapping[str, Any], labels: Mapping[str, str], council_name: str, min_group: int, *,
          debrief: bool = False, narrow: bool = False, heading: str = "") -> Panel:
    """The focus as a diamond on its peers' median and middle half, the peers as dots (``view``:
    findings.benchmark.benchmark_view, its points already anonymised where the view is)."""
    title = findings.benchmark.benchmark_takeaway(view, council_name)
    fig = benchmark_charts.strip(view, labels, title=title, min_group=min_group, debrief=debrief, narrow=narrow)
    return Panel("benchmark.strip", title, reading.HOW_TO_READ_BENCHMARK, fig, heading)


def no_peers(heading: str = "") -> Panel:
    """The benchmark when the peer set holds no other council: the sentence alone."""
    return text_panel("benchmark.strip", NO_PEERS, reading.HOW_TO_READ_BENCHMARK, heading)


def numbers(view: Mapping[str, Any], metric: str, horizon: str | None, labels: Mapping[str, str], *,
            council_name: str, peer_set: str, peer_slug: str, min_group: int, anonymise: bool) -> Panel:
    """The comparison theme by theme as the page's table writes it ("–" where too few peers make quartiles
    meaningless), with two downloads: those rows, and each peer's value behind the dots.  ``peer_set``: the
    peers in words (and which, when hand-picked); ``peer_slug``: their file-name part."""
    rows = row_schemas.benchmark(view)
    context = {"focus_council": council_name, "focus_round": view["round"], "peer_set": peer_set,
               "min_group_size": min_group}
    stem = findings.benchmark.benchmark_file_stem(view["council_id"], view["round"], metric, horizon, peer_slug)
    table = File(stem, findings.benchmark.with_context(rows, context, metric),
                 findings.benchmark.CONTEXT_COLUMNS + findings.benchmark.BENCHMARK_COLUMNS)
    points = findings.benchmark.peer_point_rows(view, labels, anonymise)
    peers = File(stem.replace("benchmark-", "benchmark-peer-values-", 1),
                 findings.benchmark.with_context(points, context, metric, points=True),
                 caption="Each peer's value behind the dots:", suffix="_peers")
    return numbers_panel("benchmark.numbers", "Numbers behind the chart",
                         findings.benchmark.benchmark_table(rows, metric), table, peers)
