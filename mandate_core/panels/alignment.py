"""The Alignment topic's panels: where each group stands on a theme, how its answers spread, the
officer–member gap and cross-party alignment across themes (the last two also make the deck's alignment
slide)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mandate_core import findings
from mandate_core import rows as row_schemas
from mandate_core.charts import alignment
from mandate_core.panels import NUMBERS_HEADING_MANY, Panel, figure_title, numbers_panel, reading, text_panel, view_file

GAP_HEADING = "Do officers and members want the same?"
CROSS_HEADING = "Do the political groups agree?"


def groups(breakdown: Sequence[Mapping[str, Any]], theme: str, horizon: str, min_group: int,
           styles: Mapping[str, tuple[str, str]], *, debrief: bool = False, narrow: bool = False) -> Panel:
    """Each political group's and the officers' average on one theme."""
    fig = alignment.group_positions(breakdown, theme, horizon, min_group, styles=styles, debrief=debrief,
                                    narrow=narrow)
    return Panel("alignment.groups", figure_title(fig), reading.how_to_read_groups(min_group), fig)


def distribution(counts: Sequence[Mapping[str, Any]], theme: str, horizon: str, min_group: int, *,
                 debrief: bool = False, narrow: bool = False) -> Panel:
    """How one theme's answers spread over the six scores, group by group."""
    fig = alignment.distribution_chart(counts, theme, horizon, min_group, debrief=debrief, narrow=narrow)
    return Panel("alignment.distribution", figure_title(fig), reading.how_to_read_distribution(min_group), fig)


def has_gap(themes: Sequence[Mapping[str, Any]], horizon: str) -> bool:
    """Whether any theme has an officer–member gap to draw (both sides large enough to show)."""
    return any((t.get("officer_member_gap") or {}).get(horizon) is not None for t in themes)


def has_cross_party(themes: Sequence[Mapping[str, Any]], horizon: str) -> bool:
    """Whether any theme has a cross-party alignment to draw (two or more groups large enough to show)."""
    return any((t.get("cross_party_alignment") or {}).get(horizon) is not None for t in themes)


def gap(themes: Sequence[Mapping[str, Any]], horizon: str, min_group: int, *, debrief: bool = False,
        narrow: bool = False) -> Panel:
    """Members − officers per theme; the sentence alone when no theme has both sides to compare."""
    title = findings.alignment.officer_member_takeaway(themes, horizon, min_group)
    if not has_gap(themes, horizon):
        return text_panel("alignment.gap", title, reading.how_to_read_gap(), GAP_HEADING)
    fig = alignment.officer_member_gap_chart(themes, horizon, min_group, debrief=debrief, title=title,
                                              narrow=narrow)
    return Panel("alignment.gap", title, reading.how_to_read_gap(), fig, GAP_HEADING)


def cross_party(themes: Sequence[Mapping[str, Any]], horizon: str, *, debrief: bool = False,
                narrow: bool = False) -> Panel:
    """Cross-party alignment per theme; the sentence alone when no theme has two groups to compare."""
    title = findings.alignment.alignment_takeaway(themes, horizon)
    if not has_cross_party(themes, horizon):
        return text_panel("alignment.cross_party", title, reading.how_to_read_cross_party(), CROSS_HEADING)
    fig = alignment.cross_party_chart(themes, horizon, debrief=debrief, title=title, narrow=narrow)
    return Panel("alignment.cross_party", title, reading.how_to_read_cross_party(), fig, CROSS_HEADING)


def group_numbers(report: Mapping[str, Any], breakdown: Sequence[Mapping[str, Any]],
                  distribution: Sequence[Mapping[str, Any]], theme: str, horizon: str, min_group: int) -> Panel:
    """The groups of one theme × horizon behind the two group charts, and their download."""
    table = row_schemas.alignment_groups(breakdown, distribution, theme, horizon, min_group)
    says = "Groups for the chosen theme"
    file = view_file("alignment_groups", table, ("alignment-groups", report["council_id"], report["round"], theme,
                                                 horizon),
                     caption=says, focus_council=report["name"], focus_round=report["round"], min_group_size=min_group)
    return numbers_panel("alignment.group_numbers", NUMBERS_HEADING_MANY, alignment.display_table(table), file,
                         says=says)


THEME_NUMBERS_HEADING = "The numbers behind the charts across all themes"


def theme_numbers(report: Mapping[str, Any], themes: Sequence[Mapping[str, Any]], horizon: str,
                  min_group: int) -> Panel:
    """The officer–member gap and cross-party alignment of every theme at one horizon, and their download."""
    table = row_schemas.alignment_themes(themes, horizon, min_group)
    file = view_file("alignment_themes", table, ("alignment-themes", report["council_id"], report["round"], horizon),
                     caption="Gap and alignment, every theme", focus_council=report["name"],
                     focus_round=report["round"], min_group_size=min_group)
    return numbers_panel("alignment.theme_numbers", THEME_NUMBERS_HEADING, alignment.display_table(table), file,
                         says="Officer–member gap and cross-party alignment, every theme")
