"""Findings: what each topic's numbers say, in words and in the shape its chart and table need.

One module per topic of the dashboard — overview, council, alignment, themes, benchmark, trends, data —
and ``common`` for what several say alike (the level words and their thresholds, a shown slice, name
lists, rounding as shown).  They take what :mod:`mandate_core.metrics`, :mod:`mandate_core.benchmarking`
and :mod:`mandate_core.reports` return, never re-derive a metric, and treat a suppressed slice as absent
(its number is never put into words).  Sentences are plain text: whoever places one in HTML, Markdown or
Plotly escapes it there (:mod:`mandate_core.text`).

The layers, lowest first: metrics → findings (words and shapes) → charts (figures) → panels (a figure with
its takeaway, how to read it and its rows) → pages and the debrief deck.  See docs/architecture.md.
"""

from mandate_core.findings import alignment, benchmark, common, council, data, overview, themes, trends

__all__ = ["alignment", "benchmark", "common", "council", "data", "overview", "themes", "trends"]
