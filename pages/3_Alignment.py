"""Alignment: where political groups and officers stand, how far apart they are, and how answers spread."""

from __future__ import annotations

import streamlit as st

from mandate_core import domain, metrics, takeaways, views
from mandate_core.charts import alignment
from mandate_core.text import md_escape
from pages import _layout as ui


@ui.panel
def _groups(report: dict, breakdown: list, distribution: list, sel, m: int) -> None:  # noqa: ANN001 - Selection
    """The theme picker, the chosen theme's two charts, their numbers and downloads: a panel of its own, so
    picking a theme redraws only these (the charts across all themes below do not depend on it)."""
    horizon = sel.horizon
    options = [t["theme"] for t in report["themes"]]
    if st.session_state.get("al_theme") not in options:
        st.session_state["al_theme"] = options[0]
    theme = st.columns([2, 3])[0].selectbox("Theme", options, key="al_theme", format_func=ui.clean,
                                            help="The theme whose groups are shown below; the horizon is set "
                                                 "in the sidebar.")
    styles = alignment.group_styles(breakdown)  # one colour and shape per group, the same on every theme
    ui.chart(ui.figure(alignment.group_positions, breakdown, theme, horizon, m, styles=styles, **ui.look(sel)),
             takeaways.how_to_read_groups(m), key="al_groups", numbers_table=False)
    ui.chart(ui.figure(alignment.distribution_chart, distribution, theme, horizon, m, **ui.look(sel)),
             takeaways.how_to_read_distribution(m), key="al_distribution", numbers_table=False)
    table = alignment.group_rows(breakdown, distribution, theme, horizon, m)
    with ui.folded("The numbers behind these charts", key="al_numbers") as shown:
        if shown:
            st.caption("Groups for the chosen theme")
            ui.table(alignment.display_table(table), hide_index=True, width="stretch")
    st.caption("Groups for the chosen theme")
    with st.container(width=views.download_pair_px(sel.debrief)):  # CSV and XLSX side by side, left
        ui.downloads(table, f"{report['council_id']}-{report['round']}-{theme}-{horizon}-groups", key="al_dl_groups")


def render() -> None:
    ctx = ui.context()
    sel, m = ctx.selection, ctx.min_group
    report = ui.council_report(sel, m)
    if report is None:
        return
    breakdown = ui.cached(metrics.group_breakdown, sel.council, report["round"], min_group=m)
    distribution = ui.cached(metrics.answer_distribution, sel.council, report["round"], min_group=m)
    horizon = sel.horizon
    themes = report["themes"]

    st.title(f"Alignment — {md_escape(report['name'])}", anchor=False)
    st.caption(md_escape(ui.clean(
        f"Workshop round {report['round']} · {domain.HORIZON_LABELS[horizon]} (change the horizon in the "
        "sidebar).")))
    if not themes:
        st.info("This workshop has no themes with results.")
        return

    _groups(report, breakdown, distribution, sel, m)

    st.header("Across all themes", anchor=False)
    gap_title = takeaways.officer_member_takeaway(themes, horizon, m)
    if any((t.get("officer_member_gap") or {}).get(horizon) is not None for t in themes):
        ui.chart(ui.figure(alignment.officer_member_gap_chart, themes, horizon, m, **ui.look(sel),
                           title=gap_title), takeaways.how_to_read_gap(), key="al_gap", numbers_table=False)
    else:
        st.markdown(md_escape(ui.clean(gap_title + ".")))
    cross_title = takeaways.alignment_takeaway(themes, horizon)
    if any((t.get("cross_party_alignment") or {}).get(horizon) is not None for t in themes):
        ui.chart(ui.figure(alignment.cross_party_chart, themes, horizon, **ui.look(sel), title=cross_title),
                 takeaways.how_to_read_cross_party(), key="al_cross", numbers_table=False)
    else:
        st.markdown(md_escape(ui.clean(cross_title + ".")))

    by_theme = alignment.theme_alignment_rows(themes, horizon, m)
    with ui.folded("The numbers behind the charts across all themes", key="al_theme_numbers") as shown:
        if shown:
            st.caption("Officer–member gap and cross-party alignment, every theme")
            ui.table(alignment.display_table(by_theme), hide_index=True, width="stretch")
    st.caption("Gap and alignment, every theme")
    with st.container(width=views.download_pair_px(sel.debrief)):  # CSV and XLSX side by side, left
        ui.downloads(by_theme, f"{report['council_id']}-{report['round']}-{horizon}-alignment", key="al_dl_themes")


ui.run_safely(render, __file__)
