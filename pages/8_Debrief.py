"""Debrief: the focus council's story for a room, one slide a screen, every other council anonymised."""

from __future__ import annotations

import streamlit as st

from mandate_core import debrief, debrief_pack, deck_pptx
from mandate_core.charts.base import figure_table
from mandate_core.metrics import ReportError
from mandate_core.text import md_escape
from pages import _layout as ui

#: Our own static CSS for the slides (no user text): a one-line demo banner and no tall empty band under the
#: last element, so a slide with its headline, chart and "How to read this" fits a 1920×1080 screen.
SLIDE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-bottom: 1rem !important; }
[data-testid="stMain"] [data-testid="stAlert"] p { font-size: 1.05rem !important; line-height: 1.3; }
[data-testid="stMain"] [data-testid="stAlertContainer"] { padding: 0.45rem 0.9rem; }
[data-testid="stMain"] h1 { font-size: 2.9rem; padding-top: 0.2rem; padding-bottom: 0.2rem; }
[data-testid="stMain"] h2 { font-size: 2.2rem; padding-top: 0; }
</style>
"""


def _fitted(slide: debrief.Slide) -> object:
    """A copy of the slide's chart at the height that fits a 1920×1080 screen with its headline."""
    import plotly.graph_objects as go

    return go.Figure(slide.figure).update_layout(height=debrief.chart_height(slide))


def _go(step: int, count: int) -> None:
    current = int(st.session_state.get("debrief_slide", 1))
    st.session_state["debrief_slide"] = min(max(1, current + step), count)


def render() -> None:
    ctx = ui.context()
    sel = ctx.selection
    if not sel.council:
        st.info("Choose a council first (turn debrief mode off to see the council list).")
        return
    try:
        deck = ui.cached_shared(debrief.build_deck, sel.council, sel.round, sel.peers, ui.anon_key(),
                                ctx.min_group)
    except ReportError as exc:
        st.warning("The debrief cannot be shown: " + md_escape(exc))
        return
    st.html(SLIDE_CSS)
    count = len(deck.slides)
    number = min(max(1, int(st.session_state.get("debrief_slide", 1))), count)
    st.session_state["debrief_slide"] = number
    # A phone gets the same slides with its charts laid out for its width (the downloads stay as they are).
    phone = ui.narrow()
    screen = ui.cached_shared(debrief.build_deck, sel.council, sel.round, sel.peers, ui.anon_key(),
                              ctx.min_group, narrow=True) if phone else deck
    slide = screen.slides[min(number, len(screen.slides)) - 1]

    left, middle, right = st.columns([1, 6, 1], vertical_alignment="center")
    left.button("◀ Previous", key="db_prev", on_click=_go, args=(-1, count), disabled=number == 1,
                width="stretch")
    right.button("Next ▶", key="db_next", on_click=_go, args=(1, count), disabled=number == count,
                 width="stretch")
    middle.markdown(f"**{md_escape(deck.name)}** · slide {number} of {count}")
    # The slide's heading is the page's h1 and its takeaway the h2: heading levels without a jump (WCAG 1.3.1).
    st.markdown("# " + md_escape(slide.heading))
    st.markdown("## " + md_escape(slide.takeaway))
    if slide.figure is not None:
        fig = slide.figure
        if not phone:  # a phone scrolls: its chart keeps the height its rows need
            # The deck is shared by every session (read-only): the screen's copy sized to fit is made once.
            fig = ui.kept_with(deck, f"screen-{number}", lambda: _fitted(slide))
        ui.plotly_chart(fig, alt=slide.takeaway, key=f"db_chart_{slide.key}")  # the slide is anonymised already
    if slide.notes:
        # Theme by theme as in the pack, each idea once, as many as a screen holds in large type.
        columns, more = debrief.notes_on_screen(slide.notes)
        with st.container(border=True):
            for column, groups in zip(st.columns(2), columns, strict=True):
                with column:
                    for heading, items in groups:
                        st.markdown("**" + md_escape(heading) + "**")
                        for item in items:
                            ui.text(f"• {item}")
        if more:
            st.caption(f"+{more} more in the debrief pack (download it in the sidebar).")
    # The chart's numbers beside "How to read this", not under it: a slide still fits a 1080-pixel screen.
    how, numbers = st.columns(2) if slide.figure is not None else (st.container(), None)
    with how.expander("How to read this"):
        st.markdown(slide.how_to_read)
    if numbers is not None:
        with numbers:
            ui.numbers(lambda: figure_table(slide.figure), key="db_numbers")

    st.sidebar.download_button(
        "Download the debrief pack (HTML)",
        data=lambda: debrief_pack.pack_html(deck.name, deck.round, deck.workshop_date,
                                            [s.for_pack() for s in deck.slides]).encode("utf-8"),
        file_name=debrief_pack.pack_filename(deck.name, deck.workshop_date), mime="text/html",
        key="db_pack", on_click="ignore", icon=":material/download:",
        help="Every slide in one file that opens offline in any browser, one slide per printed page.",
    )
    st.sidebar.download_button(
        "Download the deck (PowerPoint)",
        data=lambda: deck_pptx.build_pptx(deck, peer_set=deck.peer_set),
        file_name=deck_pptx.pptx_filename(deck.name, deck.workshop_date),
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="db_pptx", on_click="ignore", icon=":material/slideshow:",
        help="The same slides as a PowerPoint file with editable charts, peers anonymised the same way.",
    )


ui.run_safely(render, __file__)
