"""Alignment: where political groups and officers stand, how far apart they are, and how answers spread."""

from __future__ import annotations

import streamlit as st

from mandate_core import domain, metrics
from mandate_core.charts import alignment
from mandate_core.panels import alignment as panels
from mandate_core.text import md_escape
from pages import _layout as ui


@ui.section
def _groups(report: dict, breakdown: list, distribution: list, sel, m: int) -> None:  # noqa: ANN001 - Selection
    """The theme picker, the chosen theme's two charts, their numbers and downloads: a section of its own, so
    picking a theme redraws only these (the charts across all themes below do not depend on it)."""
    horizon = sel.horizon
    options = [t["theme"] for t in report["themes"]]
    if st.session_state.get("al_theme") not in options:
        st.session_state["al_theme"] = options[0]
    theme = st.columns([2, 3])[0].selectbox("Theme", options, key="al_theme", format_func=ui.clean,
                                            help="The theme whose groups are shown below; the horizon is set "
                                                 "in the sidebar.")
    styles = alignment.group_styles(breakdown)  # one colour and shape per group, the same on every theme
    ui.show(ui.figure(panels.groups, breakdown, theme, horizon, m, styles, **ui.look(sel)), key="al_groups",
            numbers_table=False)
    ui.show(ui.figure(panels.distribution, distribution, theme, horizon, m, **ui.look(sel)), key="al_distribution",
            numbers_table=False)
    ui.numbers_of(ui.figure(panels.group_numbers, report, breakdown, distribution, theme, horizon, m), "al_numbers",
                  "al_dl_groups", debrief=sel.debrief)


def render() -> None:
    ctx = ui.context()
    report, sel, m = ui.council_report(ctx), ctx.selection, ctx.min_group  # no report: the page says why, stops
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
    ui.show(ui.figure(panels.gap, themes, horizon, m, **ui.look(sel)), key="al_gap", numbers_table=False)
    ui.show(ui.figure(panels.cross_party, themes, horizon, **ui.look(sel)), key="al_cross", numbers_table=False)

    ui.numbers_of(ui.figure(panels.theme_numbers, report, themes, horizon, m), "al_theme_numbers", "al_dl_themes",
                  debrief=sel.debrief)


ui.run_safely(render, __file__)
