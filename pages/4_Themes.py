"""Themes: theme-level ambition across the sector (councils × sector themes) and the focus council's themes."""

from __future__ import annotations

import functools

import streamlit as st

from mandate_core import findings, metrics
from mandate_core.panels import themes as panels
from mandate_core.text import md_escape as esc
from pages import _layout as ui


@ui.section
def _grid(matrix: list, ctx: ui.PageContext, coverage: str | None) -> bool:
    """The measure picker and the grid: a section of its own, so recolouring redraws only the grid.  False
    when no council has themes with answers (the page then stops there)."""
    sel, m, labels = ctx.selection, ctx.min_group, ctx.labels
    focus = sel.council
    measure = (
        st.segmented_control(
            "Colour the grid by",
            list(findings.themes.MEASURES),
            format_func=findings.themes.MEASURE_LABELS.get,
            key="th_measure",
            default="ambition",
            required=True,
            help="Ambition: where each council wants to be in about five years. Gap: how far that is ahead of now.",
        )
        or "ambition"
    )
    grid = findings.themes.theme_grid(matrix, focus, measure, labels)
    if not grid.councils:
        st.info("No council has themes with answers yet.")
        return False
    # The other end of the grid is written under the title, with the chart (not detached below it).
    ui.show(ui.figure(panels.grid, grid, m, **ui.look(sel)), key="th_grid", numbers_table=False)
    if coverage:
        st.caption(coverage)
    latest = grid.rounds.get(focus or "")
    if sel.round and latest and sel.round != latest:
        st.caption(esc(ui.clean(f"The grid shows every council's latest round ({latest} for "
                                      f"{ctx.focus_name}); the bars below show the round chosen in the sidebar "
                                      f"({sel.round}).")))
    return True


def render() -> None:
    ctx = ui.context()
    sel, m = ctx.selection, ctx.min_group
    focus, focus_name = sel.council, ctx.focus_name

    ui.page_title("Themes", "Theme-level ambition across the sector, and where the chosen council wants to go "
                            "furthest.")

    matrix = ui.cached(metrics.theme_matrix, m)
    coverage = findings.common.sector_coverage_note(matrix, "sector")  # counts only: no council named
    anon = ui.anonymiser(sel)
    if anon is not None:  # peers as "Peer N" in Peer-number order, no round labels or descriptors
        matrix = anon.rows(matrix)
    if not _grid(matrix, ctx, coverage):
        return

    if focus is not None:
        round_label = sel.round or ui.cached(metrics.latest_round, focus)
        if round_label:
            summary = ui.cached(metrics.council_summary, focus, round_label, m)
            bars = findings.themes.focus_theme_bars(summary)
            if bars:
                ui.show(ui.figure(panels.ranked, bars, focus_name, m, **ui.look(sel)), key="th_bars")
                st.caption(esc(ui.clean(f"{focus_name}, {round_label}.")) + " " +
                           f"{findings.themes.focus_themes_caption(bars)}.")

    # Built only when opened: every council × theme is a large table for nobody while it is closed.
    ui.numbers_of(functools.partial(ui.shared, panels.numbers, matrix, m), "th_numbers", "th_dl", debrief=sel.debrief,
                  label=panels.NUMBERS_HEADING)


ui.run_safely(render, __file__)
