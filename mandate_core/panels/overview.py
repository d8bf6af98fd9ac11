"""The Overview topic's panel: every council shown on the Better → Differently → New spectrum, now to
ambition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mandate_core import rows as row_schemas
from mandate_core.charts import spectrum
from mandate_core.panels import NUMBERS_HEADING, Panel, figure_title, numbers_panel, reading, view_file


def sector(rows: Sequence[Mapping[str, Any]], min_group: int, *, focus: str | None = None,
           labels: Mapping[str, str] | None = None, debrief: bool = False, narrow: bool = False) -> Panel:
    """The sector dumbbell (``rows``: metrics.sector_overview, anonymised where the view is)."""
    fig = spectrum.overview_dumbbell(rows, focus=focus, labels=labels, debrief=debrief, narrow=narrow)
    return Panel("overview.sector", figure_title(fig), reading.how_to_read_overview(min_group), fig)


def numbers(rows: Sequence[Mapping[str, Any]], min_group: int, *, labels: Mapping[str, str] | None = None,
            anonymise: bool = False, round_shown: str | None = None, filtered: bool = False) -> Panel:
    """The sector table behind the dumbbell and its download, for the Overview page and the Data page alike
    (``round_shown``: the round label, or None for each council's latest; ``filtered``: the page's filters
    left some councils out, which the file's name says)."""
    table = row_schemas.overview(rows, min_group, labels=labels, debrief=anonymise)
    shown = round_shown or row_schemas.LATEST
    file = view_file("overview", table, ("sector-overview", shown, "filtered" if filtered else ""),
                     round_shown=shown, min_group_size=min_group)
    return numbers_panel("overview.numbers", NUMBERS_HEADING, spectrum.display_table(table), file)
