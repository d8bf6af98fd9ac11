"""What the Workshop page puts in front of the room: the join screen (QR code and address) and the live view.

Layout only (the counts, the room's report and its disclosure rules are in mandate_core.live).  The live
view is a fragment that refreshes every 3 s from :func:`watch`, a status query cached for 2 s and shared
by every facilitator screen; the room's spectrum is shown only once the facilitator reveals it.
"""

from __future__ import annotations

import streamlit as st

from mandate_core import findings, live, storage
from mandate_core.charts import spectrum
from mandate_core.panels import council
from mandate_core.text import md_escape
from pages import _layout as ui


@st.cache_data(ttl=2, show_spinner=False)
def watch(db: str, code: str, min_group: int) -> tuple[dict, list, bool, dict | None]:
    """Counts (and, once revealed, the room's report), shared by every facilitator screen for 2 s."""
    with storage.connect(db) as con:
        return live.watch(con, code, min_group)


def join_screen(code: str) -> None:
    """The QR code and the address to type, large enough to read from the back of the room."""
    url = live.join_url(live.app_base(st.context.url, "Workshop"), code)
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.html(live.qr_img_html(url))
    right.markdown(f"## Join on your phone\n# `{code}`")
    right.markdown("Scan the code, or open this address and type the code:")
    right.code(url, language=None)


@st.fragment(run_every="3s")
def live_view(code: str, min_group: int) -> None:
    """Joined, answers stored and each theme's progress; the room's spectrum once revealed."""
    try:  # a fragment's own reruns are outside the page's error handling
        status, progress, revealed, room = watch(ui.db_path(), code, min_group)
    except (live.LiveError, storage.StoreError) as exc:
        st.warning(md_escape(f"The live view cannot be updated just now: {exc}"))
        return
    a, b = st.columns(2)
    a.metric("Joined", status["participants"])
    b.metric("Answers stored", status["answers"])
    for label, count in progress:
        st.progress(min(1.0, count / max(1, status["participants"])), text=f"{label}: {count} answered")
    if revealed and room is None:
        st.info("No answers yet.")
    elif revealed and room:
        st.markdown("## " + md_escape(findings.council.overall_sentence(room["overall"], min_group)))
        ui.show(council.themes(room, min_group, debrief=True, narrow=ui.narrow()), key="ws_room", numbers_table=False)
        st.dataframe(spectrum.display_table(spectrum.council_rows(room, min_group=min_group)), hide_index=True)
