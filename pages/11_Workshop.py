"""Workshop: open a live session, project its join screen, watch answers arrive, reveal the room, close it.

The live view (pages/_workshop_room.py) is a fragment that refreshes every 3 s from a cached status query
(counts only); the room's spectrum is the report of its answers so far (mandate_core.live.room_report:
every rule of docs/disclosure.md applies), shown only once revealed.  Closing stores the round as importing the same
answers would (mandate_core.live).
"""

from __future__ import annotations

import streamlit as st

from mandate_core import access, live, storage
from mandate_core.domain import SECTOR_THEMES
from mandate_core.text import md_escape
from pages import _layout as ui
from pages import _workshop_room

PICK, NEXT_PICK = "ws_code", "ws_next_code"
THEME_COLUMNS = {"theme": st.column_config.TextColumn("Theme", max_chars=120, required=True),
                 "sector": st.column_config.SelectboxColumn("Sector theme", options=list(SECTOR_THEMES), required=True)}


def _act(work, done: str | None = None) -> object:  # noqa: ANN001 - a function of a connection
    """Run one change; a refusal becomes the message shown on the next run, and nothing is changed."""
    try:
        with storage.connect(ui.db_path()) as con:
            result = work(con)
    except (live.LiveError, storage.StoreError) as exc:
        st.session_state["ws_said"] = ("error", str(exc))
        return None
    _workshop_room.watch.clear()
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
        rows = st.data_editor(live.editor_rows(themes), num_rows="dynamic", key=f"ws_themes_{council}",
                              column_config=THEME_COLUMNS)
        names = st.text_input("Political groups (comma-separated)", ", ".join(groups))
        if st.form_submit_button("Open session", type="primary"):
            picked = live.themes_from_rows(rows)
            code = _act(lambda con: live.open_session(con, council, rnd, picked, names, day,
                                                      opened_by=_actor()).code, "Session {result} is open.")
            if code:
                st.session_state[NEXT_PICK] = code
            st.rerun()


def _actor() -> str:
    return access.actor_of(ui.principal(), "dashboard")


def render() -> None:
    ctx = ui.context(need_data=False)  # a session is opened for a council, even before any round is loaded
    cat, sel, m = ctx.catalog, ctx.selection, ctx.min_group
    if not cat.ids:
        st.info("Import a councils file on the Data page first: a session is opened for a council.")
        return
    # On a projector (debrief mode) only the chosen council is named, in the page source too.
    councils = [sel.council] if sel.anonymise and sel.council else cat.ids
    st.title("Workshop", anchor=False)
    kind, text = st.session_state.pop("ws_said", (None, None))
    if kind:
        getattr(st, kind)(md_escape(text).replace("\\\n", "  \n"))
    sessions, labels = live.session_menu(ui.cached(live.open_sessions), councils, cat.name)
    options = list(labels)  # the open sessions, then "Open a new session…"
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
    _workshop_room.join_screen(session.code)
    _workshop_room.live_view(session.code, m)
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
                st.session_state[NEXT_PICK] = live.NEW_SESSION
            st.rerun()


ui.run_safely(render, __file__)
