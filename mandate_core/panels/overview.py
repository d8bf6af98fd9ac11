"""The Overview topic's panel: every council shown on the Better → Differently → New spectrum, now to
ambition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mandate_core.charts import spectrum
from mandate_core.panels import Panel, figure_title, reading


def sector(rows: Sequence[Mapping[str, Any]], min_group: int, *, focus: str | None = None,
           labels: Mapping[str, str] | None = None, debrief: bool = False, narrow: bool = False) -> Panel:
    """The sector dumbbell (``rows``: metrics.sector_overview, anonymised where the view is)."""
    fig = spectrum.overview_dumbbell(rows, focus=focus, labels=labels, debrief=debrief, narrow=narrow)
    return Panel("overview.sector", figure_title(fig), reading.how_to_read_overview(min_group), fig)
