"""Debrief: the focus council's story for a room, one slide a screen, every other council anonymised."""

from __future__ import annotations

import streamlit as st

from mandate_core import debrief, debrief_pack, storage, takeaways
from mandate_core.metrics import ReportError
from pages import _layout as ui


def _go(step: int, count: int) -> None:
    current = int(st.session_state.get("debrief_slide", 1))
    st.session_state["debrief_slide"] = min(max(1, current + step), count)


def render() -> None:
    ui.require_data()
    sel = ui.selection()
    if not sel.council:
        st.info("Choose a council first (turn debrief mode off to see the council list).")
        return
    try:
        deck = ui.core("debrief.build_deck", sel.council, sel.round, sel.peers, ui.anon_key(),
                       storage.min_group_size())
    except ReportError as exc:
        st.warning("The debrief cannot be shown: " + takeaways.md_escape(exc))
        return
    count = len(deck.slides)
    number = min(max(1, int(st.session_state.get("debrief_slide", 1))), count)
    st.session_state["debrief_slide"] = number
    slide = deck.slides[number - 1]

    left, middle, right = st.columns([1, 6, 1], vertical_alignment="center")
    left.button("◀ Previous", key="db_prev", on_click=_go, args=(-1, count), disabled=number == 1,
                width="stretch")
    right.button("Next ▶", key="db_next", on_click=_go, args=(1, count), disabled=number == count,
                 width="stretch")
    middle.markdown(f"**{takeaways.md_escape(deck.name)}** · slide {number} of {count}")
    st.markdown("## " + takeaways.md_escape(slide.heading))
    st.markdown("### " + takeaways.md_escape(slide.takeaway))
    if slide.figure is not None:
        fig = slide.figure
        fig.update_layout(height=min(int(fig.layout.height or debrief.MAX_CHART_HEIGHT), debrief.MAX_CHART_HEIGHT))
        st.plotly_chart(fig, width="stretch", key=f"db_chart_{slide.key}", config={"displaylogo": False})
    if slide.notes:
        columns = st.columns(2)
        for i, (heading, items) in enumerate(slide.notes):
            with columns[i % 2].container(border=True):
                st.markdown("#### " + takeaways.md_escape(heading))
                for item in items:
                    ui.text(f"• {item}")
    with st.expander("How to read this"):
        st.markdown(slide.how_to_read)

    st.sidebar.download_button(
        "Download the debrief pack (HTML)",
        data=lambda: debrief_pack.pack_html(deck.name, deck.round, deck.workshop_date,
                                            [s.for_pack() for s in deck.slides]).encode("utf-8"),
        file_name=debrief_pack.pack_filename(deck.name, deck.workshop_date), mime="text/html",
        key="db_pack", on_click="ignore", icon=":material/download:",
        help="Every slide in one file that opens offline in any browser, one slide per printed page.",
    )


ui.run_safely(render, __file__)
