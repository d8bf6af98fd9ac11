"""The Trends topic's panels: one series (overall or a theme) over a council's rounds, and every theme at
one horizon over the rounds."""

from __future__ import annotations

from collections.abc import Sequence

from mandate_core import findings
from mandate_core import rows as row_schemas
from mandate_core.charts import trends as trend_charts
from mandate_core.panels import Panel, numbers_panel, reading, view_file


def one_series(series: findings.trends.TrendSeries, rounds: Sequence[str], dates: Sequence[str], horizon: str,
               min_group: int, *, debrief: bool = False, narrow: bool = False) -> Panel:
    """Now, next and ambition of one series, round by round."""
    title = findings.trends.trend_takeaway(series, rounds, horizon)
    fig = trend_charts.horizons_over_rounds(series, rounds, dates, title=title, min_group=min_group,
                                            debrief=debrief, narrow=narrow)
    return Panel("trends.one", title, reading.HOW_TO_READ_ONE, fig)


def every_theme(series: Sequence[findings.trends.TrendSeries], changes: Sequence[dict], rounds: Sequence[str],
                dates: Sequence[str], horizon: str, min_group: int, *, debrief: bool = False,
                narrow: bool = False) -> Panel:
    """Every theme at one horizon, round by round (``changes``: findings.trends.theme_changes, for the takeaway)."""
    title = findings.trends.themes_trend_takeaway(changes, horizon)
    fig = trend_charts.themes_over_rounds(series, rounds, dates, horizon, title=title, min_group=min_group,
                                          debrief=debrief, narrow=narrow)
    return Panel("trends.every_theme", title, reading.HOW_TO_READ_ALL, fig)


NUMBERS_HEADING = "Numbers behind these charts"


def numbers(series: Sequence[findings.trends.TrendSeries], changes: Sequence[dict], rounds: Sequence[str],
            council_id: str, council_name: str, horizon: str, min_group: int) -> Panel:
    """Each theme's first and latest value at one horizon and the change (the table), with two downloads:
    that table, and every series × round × horizon behind the charts."""
    table = row_schemas.trends(changes)
    context = {"focus_council": council_name, "min_group_size": min_group}
    changed = view_file("trends", table, ("trends", council_id, horizon), **context)
    every = view_file("trends_rounds", row_schemas.trend_rounds(series, rounds), ("trends-every-round", council_id),
                      caption="Every round and horizon behind the charts:", suffix="_rounds", **context)
    return numbers_panel("trends.numbers", NUMBERS_HEADING, table, changed, every)
