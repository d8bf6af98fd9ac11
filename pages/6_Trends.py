"""Trends: a council's workshop rounds over time, overall and theme by theme."""

from __future__ import annotations

import functools

import streamlit as st

from mandate_core import domain, findings, metrics
from mandate_core.panels import trends as panels
from mandate_core.text import md_escape as esc
from pages import _layout as ui


def _show_council(council_id: str) -> None:
    st.session_state["sb_council"] = council_id
    st.session_state["sb_round"] = "Latest round"


@ui.section
def _one_series(series: list, rounds: list[str], dates: list[str], sel, m: int) -> None:  # noqa: ANN001
    """The "Show" picker and its chart: a section of its own, so picking a theme redraws only this chart."""
    by_key = {s.key: s for s in series}
    if st.session_state.get("tr_theme") not in by_key:
        st.session_state["tr_theme"] = "overall"
    picked = st.selectbox("Show", list(by_key), format_func=lambda k: ui.clean(by_key[k].label), key="tr_theme",
                          help="Overall (every theme together), or one of the council's themes.")
    chosen = by_key.get(picked or "overall", series[0])
    ui.show(ui.figure(panels.one_series, chosen, rounds, dates, sel.horizon, m, **ui.look(sel)), key="tr_one")


def render() -> None:
    ctx = ui.context()
    cat, sel, m = ctx.catalog, ctx.selection, ctx.min_group
    focus, focus_name = sel.council, ctx.focus_name

    ui.page_title("Trends", "How a council's change appetite moved between its workshop rounds.")
    if focus is None:
        st.info("Choose a council in the sidebar.")
        return

    trend = ui.cached(metrics.trend, focus, m)
    if len(trend) < 2:
        several = [(cid, name) for cid, name in findings.trends.councils_with_rounds(cat) if cid != focus]
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
                f"{findings.common.names_list([esc(name) for _cid, name in several], 12)}.", icon=":material/timeline:")
        cols = st.columns(4)
        for k, (cid, name) in enumerate(several[:8]):
            cols[k % 4].button(esc(name), key=f"tr_go_{cid}", on_click=_show_council, args=(cid,),
                               icon=":material/arrow_forward:", width="stretch")
        return

    rounds = [str(r["round"]) for r in trend]
    dates = [str(r["workshop_date"]) for r in trend]
    series = findings.trends.trend_series(trend)
    st.caption(f"{esc(focus_name)}: {len(rounds)} rounds, from {esc(ui.clean(rounds[0]))} ({dates[0]}) to "
               f"{esc(ui.clean(rounds[-1]))} ({dates[-1]}).")

    _one_series(series, rounds, dates, sel, m)

    changes = findings.trends.theme_changes(series[1:], rounds, sel.horizon)
    if changes:
        ui.show(ui.figure(panels.every_theme, series, changes, rounds, dates, sel.horizon, m, **ui.look(sel)),
                key="tr_all")
        st.caption(f"Horizon: {domain.HORIZON_LABELS[sel.horizon]} — change it in the sidebar.")

    ui.numbers_of(functools.partial(ui.shared, panels.numbers, series, changes, rounds, focus, focus_name, sel.horizon,
                                    m), "tr_numbers", "tr_dl", debrief=sel.debrief, label=panels.NUMBERS_HEADING)


ui.run_safely(render, __file__)
