"""Themes: theme-level ambition across the sector (councils × sector themes) and the focus council's themes."""

from __future__ import annotations

import streamlit as st

from mandate_core import storage, views
from mandate_core.charts import themes as theme_charts
from pages import _layout as ui

HOW_TO_READ_GRID = """
Each row is a council (its latest workshop round), each column one of the eight **sector themes** that
every council's own themes are mapped to, so that themes can be compared across councils.

- **Ambition** colours each cell by where the council wants to be in about five years on the 1–6 change
  scale: blue towards **Better** (do what we do, but better — service efficiency), orange towards **New**
  (do something not done before — design out the need); pale in between is **Differently** (redesign
  around need).
- **Gap** colours each cell by how far ambition is ahead of where the change programme is *now*
  (ambition − now, in points of the 1–6 scale): the deeper the orange, the bigger the leap wanted.
- A **grey** cell had too few participants to show; a blank cell is a theme the council did not work on.
- The framed row is the council chosen in the sidebar.
"""

HOW_TO_READ_BARS = """
The chosen council's own themes, most ambitious at the top. Each bar is the average ambition score
(1–6) of everyone who answered for that theme, coloured by its band: **Better** (service efficiency),
**Differently** (redesign around need), **New** (design out the need). A theme answered by too few people
is listed without a bar.
"""


def render() -> None:
    cat = ui.require_data()
    sel = ui.selection()
    m = storage.min_group_size()
    focus = sel.council
    names = {str(c["council_id"]): str(c["name"]) for c in cat.councils}
    labels = views.peer_labels(cat.ids, focus, names, sel.debrief)
    focus_name = labels.get(focus or "", focus or "")
    esc = views.md_escape

    st.title("Themes", anchor=False)
    st.caption("Theme-level ambition across the sector, and where the chosen council wants to go furthest.")

    measure = st.segmented_control(
        "Colour the grid by", list(views.MEASURES), format_func=views.MEASURE_LABELS.get, key="th_measure",
        default="ambition", required=True,
        help="Ambition: where each council wants to be in about five years. Gap: how far that is ahead of now.",
    ) or "ambition"

    matrix = ui.core("metrics.theme_matrix", m)
    grid = views.theme_grid(matrix, focus, measure, labels)
    if not grid.councils:
        st.info("No council has themes with answers yet.")
        return
    fig = theme_charts.heatmap(grid, title=views.theme_grid_takeaway(grid), min_group=m, debrief=sel.debrief)
    ui.chart(fig, HOW_TO_READ_GRID, key="th_grid")
    lowest = views.theme_grid_lowest(grid)
    if lowest:
        st.caption(lowest)
    latest = grid.rounds.get(focus or "")
    if sel.round and latest and sel.round != latest:
        st.caption(f"The grid shows every council's latest round ({esc(latest)} for {esc(focus_name)}); "
                   f"the bars below show the round chosen in the sidebar ({esc(sel.round)}).")

    if focus is not None:
        round_label = sel.round or ui.core("metrics.latest_round", focus)
        if round_label:
            summary = ui.core("metrics.council_summary", focus, round_label, m)
            bars = views.focus_theme_bars(summary)
            if bars:
                fig = theme_charts.ranked_bars(bars, title=views.focus_themes_takeaway(focus_name, bars),
                                               min_group=m, debrief=sel.debrief)
                ui.chart(fig, HOW_TO_READ_BARS, key="th_bars")
                st.caption(f"{esc(focus_name)}, {esc(round_label)}. "
                           f"{views.focus_themes_caption(bars)}.")

    with st.expander("Numbers behind the grid"):
        rows = views.anonymise_rows(matrix, labels, focus, sel.debrief)
        st.dataframe(rows, column_order=views.THEME_MATRIX_COLUMNS, hide_index=True, width="stretch")
        ui.downloads(rows, "theme-matrix", key="th_dl", columns=views.THEME_MATRIX_COLUMNS)


ui.run_safely(render)
