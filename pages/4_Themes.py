"""Themes: theme-level ambition across the sector (councils × sector themes) and the focus council's themes."""

from __future__ import annotations

import streamlit as st

from mandate_core import metrics, takeaways, views
from mandate_core.charts import themes as theme_charts
from mandate_core.text import md_escape
from pages import _layout as ui


@ui.panel
def _grid(matrix: list, sel, labels: dict[str, str], m: int, coverage: str | None) -> bool:  # noqa: ANN001
    """The measure picker and the grid: a panel of its own, so recolouring redraws only the grid.  False
    when no council has themes with answers (the page then stops there)."""
    focus = sel.council
    measure = st.segmented_control(
        "Colour the grid by", list(views.MEASURES), format_func=views.MEASURE_LABELS.get, key="th_measure",
        default="ambition", required=True,
        help="Ambition: where each council wants to be in about five years. Gap: how far that is ahead of now.",
    ) or "ambition"
    grid = views.theme_grid(matrix, focus, measure, labels)
    if not grid.councils:
        st.info("No council has themes with answers yet.")
        return False
    # The other end of the grid is written under the title, with the chart (not detached below it).
    fig = ui.figure(theme_charts.heatmap, grid, title=views.theme_grid_takeaway(grid), min_group=m,
                    **ui.look(sel), note=views.theme_grid_lowest(grid))
    ui.chart(fig, views.HOW_TO_READ_GRID, key="th_grid", numbers_table=False)
    if coverage:
        st.caption(coverage)
    latest = grid.rounds.get(focus or "")
    if sel.round and latest and sel.round != latest:
        focus_name = labels.get(focus or "", focus or "")
        st.caption(md_escape(ui.clean(f"The grid shows every council's latest round ({latest} for "
                                            f"{focus_name}); the bars below show the round chosen in the sidebar "
                                            f"({sel.round}).")))
    return True


def render() -> None:
    ctx = ui.context()
    sel, m, labels = ctx.selection, ctx.min_group, ctx.labels
    focus = sel.council
    focus_name = labels.get(focus or "", focus or "")
    esc = md_escape

    st.title("Themes", anchor=False)
    st.caption("Theme-level ambition across the sector, and where the chosen council wants to go furthest.")

    matrix = ui.cached(metrics.theme_matrix, m)
    coverage = takeaways.sector_coverage_note(matrix, "sector")  # counts only: no council named
    anon = ui.anonymiser(sel)
    if anon is not None:  # peers as "Peer N" in Peer-number order, no round labels or descriptors
        matrix = anon.rows(matrix)
    if not _grid(matrix, sel, labels, m, coverage):
        return

    if focus is not None:
        round_label = sel.round or ui.cached(metrics.latest_round, focus)
        if round_label:
            summary = ui.cached(metrics.council_summary, focus, round_label, m)
            bars = views.focus_theme_bars(summary)
            if bars:
                fig = ui.figure(theme_charts.ranked_bars, bars,
                                title=views.focus_themes_takeaway(focus_name, bars), min_group=m,
                                **ui.look(sel))
                ui.chart(fig, views.HOW_TO_READ_BARS, key="th_bars")
                st.caption(esc(ui.clean(f"{focus_name}, {round_label}. ")) +
                           f"{views.focus_themes_caption(bars)}.")

    with ui.folded("Numbers behind the grid", key="th_numbers") as shown:
        if shown:
            ui.table(matrix, column_order=views.THEME_MATRIX_COLUMNS, hide_index=True, width="stretch")
            with st.container(width=views.download_pair_px(sel.debrief)):  # CSV and XLSX side by side, left
                ui.downloads(matrix, "theme-matrix", key="th_dl", columns=views.THEME_MATRIX_COLUMNS)


ui.run_safely(render, __file__)
