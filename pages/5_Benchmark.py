"""Benchmark: one council against the chosen peer set, on each metric, overall and theme by theme."""

from __future__ import annotations

import streamlit as st

from mandate_core import domain, findings, reports
from mandate_core.charts import narrow as narrow_charts
from mandate_core.panels import benchmark as panels
from mandate_core.text import md_escape as esc
from pages import _layout as ui
from pages import _peersets


def _use_peer_set(peers: str) -> None:
    st.session_state["sb_peerset"] = peers


def render() -> None:
    ctx = ui.context()
    sel, m, labels = ctx.selection, ctx.min_group, ctx.labels
    focus, focus_name = sel.council, ctx.focus_name

    ui.page_title("Benchmark", "Where the chosen council sits among its peers — a prompt for questions, not a ranking.")

    metric = st.segmented_control(
        "Compare on", list(domain.METRICS), format_func=lambda k: domain.METRIC_LABELS[k].split(" (")[0],
        key="bm_metric", default="position", required=True,
        help="Position: average change score. Gap: ambition − now. Risk: appetite for risk, 1 averse … 5 eager. "
             "Consensus: how far participants agree (1 = all the same).",
    ) or "position"
    horizon = None if metric == "gap" else sel.horizon
    when = ("from now to ambition" if metric == "gap" else
            f"horizon: {domain.HORIZON_LABELS[sel.horizon].lower()} (change it in the sidebar)")
    st.caption(f"{domain.METRIC_LABELS[metric]}, {when}.")

    if focus is None:
        st.info("Choose a council in the sidebar.")
        return
    if st.session_state.get("sb_peerset") == "list" and not sel.peer_ids:  # the sidebar's "Hand-picked"
        where = ("turn debrief mode off and choose them" if sel.debrief else
                 "choose them under “Peer councils” in the sidebar, or use a saved peer set")
        st.warning(f"No councils are hand-picked yet, so there is nothing to compare with: {where}.",
                   icon=":material/group_add:")
        _peersets.panel(sel)
        return
    try:
        view = ui.cached(findings.benchmark.benchmark_view, focus, sel.round, metric, horizon, sel.peer_set, m)
    except reports.ReportError as exc:
        st.warning(f"This comparison cannot be made: {esc(exc)}. Choose another peer set in the sidebar.")
        return

    if not view["peer_ids"]:
        reason = ("has no peer group" if sel.peer_set.kind == "peer_group" and not view["peer_group"]
                  else "has no other council in this peer set")
        st.warning(f"{esc(focus_name)} {reason}, so there is nothing to compare it with. Choose another peer set:",
                   icon=":material/group_off:")
        cols = st.columns(3)
        for col, peers in zip(cols, ("nation", "council_type", "all"), strict=True):
            if peers != sel.peers:
                col.button(f"Compare with: {domain.PEER_SET_LABELS[peers].lower()}", key=f"bm_use_{peers}",
                           on_click=_use_peer_set, args=(peers,))
        return

    line = st.container()  # the peers in words first, the saved sets under them
    saved = _peersets.panel(sel)
    peer_set = sel.peer_set.words(view["peer_group"], saved, anonymise=sel.anonymise)
    peer_names = findings.benchmark.peer_names(view, labels, sel.anonymise)
    line.markdown(f"**Peers — {esc(peer_set)}:** {len(peer_names)} {'council' if len(peer_names) == 1 else 'councils'}"
                f" — {esc(findings.common.names_list(peer_names, findings.benchmark.MAX_PEER_NAMES))}.")
    anon = ui.anonymiser(sel)
    if anon is not None:  # peer dots as "Peer N" (their jitter too) in Peer-number order, never by name
        for row in view["rows"]:
            row["points"] = anon.rows(row["points"])
    ui.show(ui.figure(panels.strip, view, labels, focus_name, m, **ui.look(sel)), key="bm_strip",
            numbers_table=False)

    listed = f"{peer_set}: {'; '.join(peer_names)}" if sel.peer_ids else peer_set  # which hand-picked ones
    numbers = ui.figure(panels.numbers, view, metric, horizon, labels, council_name=focus_name, peer_set=listed,
                        peer_slug=sel.peer_set.slug(sel.anonymise, saved), min_group=m, anonymise=sel.anonymise)
    table = numbers.table  # "–" where too few peers make quartiles meaningless
    # A static table wraps its text, so the sentences stay whole on a projector (no user text in it).
    if ui.narrow():  # a phone: each theme a block, so no column is lost off the side of the screen
        with st.expander(numbers.heading) if sel.debrief else st.container():
            for head, lines in narrow_charts.stacked(table, "Theme"):
                st.markdown(f"**{esc(ui.clean(head))}**  \n" + "  \n".join(esc(ui.clean(x)) for x in lines))
    elif sel.debrief:
        with st.expander(numbers.heading):
            ui.table(table, static=True, hide_index=True)
    else:
        st.table(table, hide_index=True)
    if view.get("coverage_note"):
        st.caption(esc(ui.clean(view["coverage_note"])))
    if view["not_covered"]:
        left_out = [domain.SECTOR_THEMES[k] for k in view["not_covered"]]
        st.caption(f"Not in {esc(focus_name)}'s workshop ({esc(ui.clean(view['round']))}): "
                   f"{findings.common.names_list(left_out, 8)}.")

    with st.expander("Download the numbers"):
        ui.panel_files(numbers, "bm_dl", debrief=sel.debrief)


ui.run_safely(render, __file__)
