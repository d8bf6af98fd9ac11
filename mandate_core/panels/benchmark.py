"""The Benchmark topic's panel: the chosen council against its peers, theme by theme (also the deck's
"How our ambition compares" slide, anonymised)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mandate_core import findings
from mandate_core.charts import benchmark as benchmark_charts
from mandate_core.panels import Panel, reading, text_panel

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
