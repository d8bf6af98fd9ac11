"""Trends: a council's workshop rounds over time, overall and theme by theme."""

from __future__ import annotations

import streamlit as st

from mandate_core import domain, metrics, views
from mandate_core.charts import trends as trend_charts
from mandate_core.text import fmt, md_escape
from pages import _layout as ui

HOW_TO_READ_ONE = """
Each point is the average change score (1–6) of everyone who answered in that workshop round, for the
three horizons: **now** (dotted), the **next step** in one to two years (dashed) and the long-run
**ambition** (solid). The shaded bands are **Better** (service efficiency), **Differently** (redesign
around need) and **New** (design out the need). A point with too few participants is left out.
"""

HOW_TO_READ_ALL = """
One line per theme at the horizon chosen in the sidebar, from the first round to the latest. Themes are
matched across rounds by their sector theme (so a renamed theme still lines up). A rising line means the
council wants to go further on that theme than it did last time. Shaded bands: **Better** (service
efficiency), **Differently** (redesign around need), **New** (design out the need).
"""


def _show_council(council_id: str) -> None:
    st.session_state["sb_council"] = council_id
    st.session_state["sb_round"] = "Latest round"


@ui.panel
def _one_series(series: list, rounds: list[str], dates: list[str], sel, m: int) -> None:  # noqa: ANN001
    """The "Show" picker and its chart: a panel of its own, so picking a theme redraws only this chart."""
    by_key = {s.key: s for s in series}
    if st.session_state.get("tr_theme") not in by_key:
        st.session_state["tr_theme"] = "overall"
    picked = st.selectbox("Show", list(by_key), format_func=lambda k: ui.clean(by_key[k].label), key="tr_theme",
                          help="Overall (every theme together), or one of the council's themes.")
    chosen = by_key.get(picked or "overall", series[0])
    title = views.trend_takeaway(chosen, rounds, sel.horizon)
    fig = ui.figure(trend_charts.horizons_over_rounds, chosen, rounds, dates, title=title, min_group=m,
                    **ui.look(sel))
    ui.chart(fig, HOW_TO_READ_ONE, key="tr_one")


def render() -> None:
    ctx = ui.context()
    cat, sel, m, labels = ctx.catalog, ctx.selection, ctx.min_group, ctx.labels
    focus = sel.council
    focus_name = labels.get(focus or "", focus or "")
    esc = md_escape

    st.title("Trends", anchor=False)
    st.caption("How a council's change appetite moved between its workshop rounds.")
    if focus is None:
        st.info("Choose a council in the sidebar.")
        return

    trend = ui.cached(metrics.trend, focus, m)
    if len(trend) < 2:
        several = [(cid, name) for cid, name in views.councils_with_rounds(cat) if cid != focus]
        only = f"{esc(focus_name)} has one workshop round so far" + (
            f" ({esc(ui.clean(trend[0]['round']))})" if trend else "")
        if not several:
            st.info(f"{only}. No council has more than one round loaded yet: trends appear once a council "
                    "imports a second round on the Data page.", icon=":material/timeline:")
            return
        if sel.anonymise:  # naming them would name peers; only a debrief can be switched off to see them
            hint = "" if sel.scoped else "; switch debrief mode off to see which"
            st.info(f"{only}. {len(several)} other councils have several rounds{hint}.", icon=":material/timeline:")
            return
        st.info(f"{only}, so there is no trend to show. These councils have several rounds: "
                f"{views.names_list([esc(name) for _cid, name in several], 12)}.", icon=":material/timeline:")
        cols = st.columns(4)
        for k, (cid, name) in enumerate(several[:8]):
            cols[k % 4].button(esc(name), key=f"tr_go_{cid}", on_click=_show_council, args=(cid,),
                               icon=":material/arrow_forward:", width="stretch")
        return

    rounds = [str(r["round"]) for r in trend]
    dates = [str(r["workshop_date"]) for r in trend]
    series = views.trend_series(trend)
    st.caption(f"{esc(focus_name)}: {len(rounds)} rounds, from {esc(ui.clean(rounds[0]))} ({dates[0]}) to "
               f"{esc(ui.clean(rounds[-1]))} ({dates[-1]}).")

    _one_series(series, rounds, dates, sel, m)

    changes = views.theme_changes(series[1:], rounds, sel.horizon)
    if changes:
        title = views.themes_trend_takeaway(changes, sel.horizon)
        fig = ui.figure(trend_charts.themes_over_rounds, series, rounds, dates, sel.horizon, title=title,
                        min_group=m, **ui.look(sel))
        ui.chart(fig, HOW_TO_READ_ALL, key="tr_all")
        st.caption(f"Horizon: {domain.HORIZON_LABELS[sel.horizon]} — change it in the sidebar.")

    with ui.folded("Numbers behind these charts", key="tr_numbers") as shown:
        if not shown:
            return
        table = [{"Theme": c["theme"], "First round": c["first_round"], "First": fmt(c["first"]),
                  "Latest round": c["last_round"], "Latest": fmt(c["last"]),
                  "Change": fmt(c["change"], "gap"),
                  "Not shown (too few)": c["not_shown_rounds"]} for c in changes]
        ui.table(table, hide_index=True, width="stretch")
        with st.container(width=views.download_pair_px(sel.debrief)):  # CSV and XLSX side by side, left
            ui.downloads(views.trend_rows(series, rounds), f"trends-{focus}", key="tr_dl")


ui.run_safely(render, __file__)
