"""Council: one workshop's themes from now to ambition, risk appetite, consensus and the radical ideas."""

from __future__ import annotations

import streamlit as st

from mandate_core import domain, findings, metrics
from mandate_core.panels import council
from mandate_core.text import md_escape
from pages import _layout as ui


def _card(theme: str, items: list[dict[str, str]]) -> None:
    st.markdown(f"**{md_escape(ui.clean(theme))}**")
    for horizon in domain.HORIZONS:
        said = [n["note"] for n in items if n["horizon"] == horizon]
        if said:
            st.caption(domain.HORIZON_LABELS[horizon])
            for text in said:
                ui.text(f"• {text}")


def _notes(notes: list[dict[str, str]], debrief: bool) -> None:
    st.header("What a radical alternative would look like", anchor=False)
    if not notes:
        st.caption("No notes were written for themes large enough to show.")
        return
    by_theme: dict[str, list[dict[str, str]]] = {}
    for note in notes:
        by_theme.setdefault(note["theme"], []).append(note)
    # Cards go in rows of two whose cards share a height, and an odd last card takes the whole row, so the
    # grid never leaves an empty block beside a long card.
    themes = list(by_theme.items())
    per_row = 1 if debrief else 2
    for start in range(0, len(themes), per_row):
        chunk = themes[start:start + per_row]
        cols = st.columns(per_row) if len(chunk) == per_row else [st.container()]
        for col, (theme, items) in zip(cols, chunk, strict=False):
            with col.container(border=True, height="stretch"):
                _card(theme, items)


def render() -> None:
    ctx = ui.context()
    report, sel, m = ui.council_report(ctx), ctx.selection, ctx.min_group  # no report: the page says why, stops

    st.title(md_escape(report["name"]), anchor=False)
    st.caption(md_escape(ui.clean(
        f"Workshop round {report['round']}, held on {report['workshop_date']}, "
        f"with {report['participants']} participants.")))
    st.markdown("## " + md_escape(findings.council.overall_sentence(report["overall"], m)))
    coverage = findings.common.overall_coverage_note(report)
    if coverage:
        st.caption(md_escape(ui.clean(coverage)))
    # The risk sentence is the risk chart's title; it is not repeated above the charts.

    look = ui.look(sel)
    ui.show(ui.figure(council.themes, report, m, **look), key="co_spectrum", numbers_table=False)
    ui.show(ui.figure(council.risk, report, m, **look), key="co_risk", numbers_table=False)
    ui.show(ui.figure(council.consensus, report, sel.horizon, m, **look), key="co_consensus", numbers_table=False)

    notes = ui.cached(metrics.theme_notes, sel.council, report["round"], min_group=m)
    _notes(notes, sel.debrief)

    ui.numbers_of(ui.figure(council.numbers, report, m), "co_numbers", "co_download", debrief=sel.debrief)


ui.run_safely(render, __file__)
