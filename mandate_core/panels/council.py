"""The Council topic's panels: one workshop round's journey, its themes on the spectrum, risk appetite and
consensus — shown on the Council page and, with the debrief look, as the deck's first two slides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mandate_core import findings
from mandate_core import rows as row_schemas
from mandate_core.charts import spectrum
from mandate_core.panels import NUMBERS_HEADING_MANY, Panel, figure_title, numbers_panel, reading, view_file

JOURNEY_HEADING = "Where we are, and where we want to go"
THEMES_HEADING = "Our themes on the change spectrum"


def journey(report: Mapping[str, Any], min_group: int, *, debrief: bool = False, narrow: bool = False) -> Panel:
    """The council as a whole, now → next step → ambition, titled with its one-sentence finding."""
    title = findings.council.overall_sentence(report["overall"], min_group)
    fig = spectrum.overall_journey(report, min_group=min_group, debrief=debrief, title=title, narrow=narrow)
    return Panel("council.journey", title, reading.how_to_read_council(min_group), fig, JOURNEY_HEADING)


def themes(report: Mapping[str, Any], min_group: int, *, debrief: bool = False, narrow: bool = False) -> Panel:
    """Each theme's now → next → ambition on the spectrum (the chart writes its own takeaway title)."""
    fig = spectrum.council_spectrum(report, min_group=min_group, debrief=debrief, narrow=narrow)
    return Panel("council.themes", figure_title(fig), reading.how_to_read_council(min_group), fig,
                 THEMES_HEADING)


def risk(report: Mapping[str, Any], min_group: int, *, debrief: bool = False, narrow: bool = False) -> Panel:
    """Risk appetite now and for the ambition, theme by theme."""
    fig = spectrum.risk_chart(report, min_group=min_group, debrief=debrief, narrow=narrow)
    return Panel("council.risk", figure_title(fig), reading.how_to_read_risk(min_group), fig)


def consensus(report: Mapping[str, Any], horizon: str, min_group: int, *, debrief: bool = False,
              narrow: bool = False) -> Panel:
    """How far people agreed on each theme at one horizon."""
    fig = spectrum.consensus_chart(report, horizon, min_group=min_group, debrief=debrief, narrow=narrow)
    return Panel("council.consensus", figure_title(fig), reading.how_to_read_consensus(), fig)


def numbers(report: Mapping[str, Any], min_group: int) -> Panel:
    """The report's numbers, all themes then each theme × horizon, behind the Council page's charts, and
    its download (the Data page's council report is this same file)."""
    table = row_schemas.council(report, min_group)
    file = view_file("council", table, ("council-report", report["council_id"], report["round"]),
                     focus_council=report["name"], focus_round=report["round"], min_group_size=min_group)
    return numbers_panel("council.numbers", NUMBERS_HEADING_MANY, spectrum.display_table(table), file)
