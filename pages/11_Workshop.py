"""Workshop: open a live session, project its join screen, watch answers arrive, reveal the room, close it.

The live view is a fragment that refreshes every 3 s from a cached status query (counts only); the room's
spectrum is the report of its answers so far (mandate_core.live.room_report: every §4 rule applies), shown
only once revealed.  Closing stores the round as importing the same answers would (mandate_core.live).
"""

from __future__ import annotations

import html

import streamlit as st

from mandate_core import live, storage, takeaways
from mandate_core.charts import spectrum
from mandate_core.domain import SECTOR_THEMES
from pages import _layout as ui

PICK, NEXT_PICK = "ws_code", "ws_next_code"
THEME_COLUMNS = {"theme": st.column_config.TextColumn("Theme", max_chars=120, required=True),
                 "sector": st.column_config.SelectboxColumn("Sector theme", options=list(SECTOR_THEMES), required=True)}


@st.cache_data(ttl=2, show_spinner=False)
def _watch(db: str, code: str, min_group: int) -> tuple[dict, list, bool, dict | None]:
    """Counts (and, once revealed, the room's report), shared by every facilitator screen for 2 s."""
    with storage.connect(db) as con:
        session = live.get_session(con, code)
        room = live.room_report(con, code, min_group) if session.revealed else None
        return live.status(con, code), live.theme_progress(con, code), session.revealed, room


def _act(work, done: str | None = None) -> object:  # noqa: ANN001 - a function of a connection
    """Run one change; a refusal becomes the message shown on the next run, and nothing is changed."""
    try:
        with storage.connect(ui.db_path()) as con:
            result = work(con)
    except (live.LiveError, storage.StoreError) as exc:
        st.session_state["ws_said"] = ("error", str(exc))
        return None
    _watch.clear()
    if done:
        st.session_state["ws_said"] = ("success", done.format(result=result))
    return result


def _open_form(cat, councils: list[str], default: str | None) -> None:  # noqa: ANN001 - Catalog
    st.header("Open a session", anchor=False)
    council = st.selectbox("Council", councils, format_func=cat.name, key="ws_council",
                           index=councils.index(default) if default in councils else 0)
    st.caption("The themes and political groups start from the council's last round; change them as needed.")
    themes, groups = ui.cached(live.prefill, council)
    with st.form(f"ws_open_{council}"):
        rnd = st.text_input("Round label", max_chars=60, placeholder="e.g. 2026 workshop")
        day = st.date_input("Workshop date", format="YYYY-MM-DD")
        start = [{"theme": t.label, "sector": t.sector} for t in themes] or [{"theme": "", "sector": None}]
        rows = st.data_editor(start, num_rows="dynamic", key=f"ws_themes_{council}", column_config=THEME_COLUMNS)
        names = st.text_input("Political groups (comma-separated)", ", ".join(groups))
        if st.form_submit_button("Open session", type="primary"):
            picked = [live.Theme(str(r.get("theme") or ""), str(r.get("sector") or ""))
                      for r in rows if r.get("theme") or r.get("sector")]
            code = _act(lambda con: live.open_session(con, council, rnd, picked, names, day,
                                                      opened_by=_actor()).code, "Session {result} is open.")
            if code:
                st.session_state[NEXT_PICK] = code
            st.rerun()


def _actor() -> str:
    return str(getattr(ui.principal(), "actor", "") or "dashboard")


def _join_screen(code: str) -> None:
    url = live.join_url(live.app_base(st.context.url, "Workshop"), code)
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.html(f'<img data-testid="ws-qr" alt="QR code of {html.escape(url)}" style="width:100%;max-width:420px" '
              f'src="{html.escape(live.qr_svg_data_uri(url))}">')
    right.markdown(f"## Join on your phone\n# `{code}`")
    right.markdown("Scan the code, or open this address and type the code:")
    right.code(url, language=None)


@st.fragment(run_every="3s")
def _live_view(code: str, min_group: int) -> None:
    try:  # a fragment's own reruns are outside the page's error handling
        status, progress, revealed, room = _watch(ui.db_path(), code, min_group)
    except (live.LiveError, storage.StoreError) as exc:
        st.warning(takeaways.md_escape(f"The live view cannot be updated just now: {exc}"))
        return
    a, b = st.columns(2)
    a.metric("Joined", status["participants"])
    b.metric("Answers stored", status["answers"])
    for label, count in progress:
        st.progress(min(1.0, count / max(1, status["participants"])), text=f"{label}: {count} answered")
    if revealed and room is None:
        st.info("No answers yet.")
    elif revealed and room:
        st.markdown("## " + takeaways.md_escape(takeaways.overall_sentence(room["overall"], min_group)))
        ui.chart(spectrum.council_spectrum(room, debrief=True, narrow=ui.narrow()),
                 takeaways.how_to_read_council(min_group), key="ws_room", numbers_table=False)
        st.dataframe(spectrum.display_table(spectrum.council_rows(room)), hide_index=True)


def render() -> None:
    cat = ui.catalog()
    sel = ui.selection()
    if not cat.ids:
        st.info("Import a councils file on the Data page first: a session is opened for a council.")
        return
    # On a projector (debrief mode) only the chosen council is named, in the page source too.
    councils = [sel.council] if sel.anonymise and sel.council else cat.ids
    m = storage.min_group_size()
    st.title("Workshop", anchor=False)
    kind, text = st.session_state.pop("ws_said", (None, None))
    if kind:
        getattr(st, kind)(takeaways.md_escape(text).replace("\\\n", "  \n"))
    sessions = {s.code: s for s in ui.cached(live.open_sessions) if s.council_id in councils}
    new = "new"
    options = [*sessions, new]
    labels = {c: f"{c} · {cat.name(s.council_id)} · {s.round}" for c, s in sessions.items()}
    labels[new] = "Open a new session…"
    if NEXT_PICK in st.session_state:  # a session just opened or closed (set after the box was drawn)
        st.session_state[PICK] = st.session_state.pop(NEXT_PICK)
    if st.session_state.get(PICK) not in options:
        st.session_state[PICK] = options[0]
    chosen = st.selectbox("Session", options, format_func=labels.get, key=PICK)
    if chosen not in sessions:
        _open_form(cat, councils, sel.council)
        return
    session = sessions[chosen]
    if session.expired():
        st.warning("This session has expired: phones can no longer answer. Close it to store what was given.")
    _join_screen(session.code)
    _live_view(session.code, m)
    reveal = st.toggle("Reveal the room's spectrum", value=session.revealed, key=f"ws_reveal_{session.code}")
    if reveal != session.revealed:
        _act(lambda con: live.set_revealed(con, session.code, reveal))
        st.rerun()
    with st.container(border=True):
        stored = ui.cached(live.round_stored, session.council_id, session.round)
        if stored:
            st.warning("This council's round is already stored: closing replaces it only if you tick the box.")
        replace = st.checkbox("Replace the stored round", key="ws_replace", disabled=not stored)
        if st.button("Close the session and store the round", type="primary", key="ws_close"):
            if _act(lambda con: live.close_session(con, session.code, replace=replace, actor=_actor()).summary(),
                    "{result}"):
                st.session_state[NEXT_PICK] = new
            st.rerun()


ui.run_safely(render, __file__)
