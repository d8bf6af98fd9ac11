"""The Themes topic's panels: the sector grid of councils × sector themes, and the chosen council's themes
ranked by ambition (also the deck's "Where we are most ambitious" slide)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mandate_core import findings
from mandate_core import rows as row_schemas
from mandate_core.charts import themes as theme_charts
from mandate_core.panels import Panel, numbers_panel, reading, view_file

RANKED_HEADING = "Where we are most ambitious"


def grid(
    theme_grid: findings.themes.ThemeGrid, min_group: int, *, debrief: bool = False, narrow: bool = False
) -> Panel:
    """Councils down, sector themes across, coloured by ambition or gap, with the grid's other end as a note."""
    title = findings.themes.theme_grid_takeaway(theme_grid)
    fig = theme_charts.heatmap(theme_grid, title=title, min_group=min_group, debrief=debrief,
                               note=findings.themes.theme_grid_lowest(theme_grid), narrow=narrow)
    return Panel("themes.grid", title, reading.HOW_TO_READ_GRID, fig)


def ranked(bars: Sequence[Mapping[str, Any]], council_name: str, min_group: int, *, debrief: bool = False,
           narrow: bool = False) -> Panel:
    """The council's own themes, most ambitious first (``bars``: findings.themes.focus_theme_bars)."""
    title = findings.themes.focus_themes_takeaway(council_name, bars)
    fig = theme_charts.ranked_bars(bars, title=title, min_group=min_group, debrief=debrief, narrow=narrow)
    return Panel("themes.ranked", title, reading.HOW_TO_READ_BARS, fig, RANKED_HEADING)


NUMBERS_HEADING = "Numbers behind the grid"


def numbers(matrix: Sequence[Mapping[str, Any]], min_group: int) -> Panel:
    """Every council × sector theme behind the grid (``matrix``: metrics.theme_matrix, anonymised where the
    view is), each council's latest round, and its download — the Data page's theme matrix file too."""
    table = row_schemas.themes(matrix)
    file = view_file("themes", table, ("theme-matrix", row_schemas.LATEST), round_shown=row_schemas.LATEST,
                     min_group_size=min_group)
    return numbers_panel("themes.numbers", NUMBERS_HEADING, table, file)
