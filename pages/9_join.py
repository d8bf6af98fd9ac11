"""Join: the participants' phone page (docs/live.md) — no sign-in, one theme a screen, never refreshes by itself.

The code and this phone's device token live in the address (``/join?code=…&device=…``), so a reload, a
locked phone or a dropped connection resumes where it was.  Nothing here polls: one Streamlit process
runs only a few reruns a second, and a room of phones must not spend them.  Every answer is stored the
moment it is submitted; the only data shown is the session's own theme labels and this phone's answers.
"""

from __future__ import annotations

import streamlit as st

from mandate_core import live, storage
from mandate_core.text import md_escape
from pages import _join_forms
from pages import _layout as ui

#: Our own static CSS: no sidebar or its button (nothing to choose here), a phone-width column.
JOIN_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 40rem; padding: 1.5rem 1rem 3rem; }
</style>"""
BUSY = "The workshop cannot be reached just now. Wait a moment and reload this page."


def _go_code() -> None:
    st.query_params.from_dict({"code": live.typed_code(st.session_state.get("join_typed"))})


def _ask_code() -> None:
    st.markdown("Type the code shown on the screen in the room.")
    with st.form("join_code"):
        st.text_input("Session code", max_chars=12, key="join_typed")
        st.form_submit_button("Join", type="primary", on_click=_go_code)


def _pick(key: str) -> None:
    st.session_state["join_theme"] = st.session_state.get(key)
    _join_forms.said()


def render() -> None:
    st.html(JOIN_CSS)
    st.title("Innovation Mandate workshop", anchor=False)
    code = st.query_params.get("code")
    if not code:
        _ask_code()
        return
    try:
        if not storage.exists(ui.db_path()):  # never create an empty database from a phone's link
            raise live.LiveError(live.WRONG_CODE)
        # Read-write like the submissions: in one process, read-only and read-write connections to one
        # file cannot be open at once, and a room of phones must not wait on each other for that.
        with storage.connect(ui.db_path(), tables=live.PHONE_TABLES) as con:
            session, me, mine = live.phone_view(con, code, st.query_params.get("device"))
    except (live.LiveError, storage.StoreError) as exc:
        st.error(str(exc) if isinstance(exc, live.LiveError) else BUSY)
        return
    said = st.session_state.pop(_join_forms.SAID, None)
    if said:
        st.error(said)
    if me is None or st.session_state.get("join_change_role"):
        _join_forms.choose_role(session, me)
        return
    total = len(session.themes)
    answered, first_open, labels = live.theme_menu(session, mine)  # labels: ticked when answered
    st.progress(answered / total, text=f"{answered} of {total} themes answered")
    index = int(st.session_state.get("join_theme", first_open))
    current = index if index < total else None
    if current is None:
        st.success("Thank you: every theme is answered. You can change any answer while the session is open.")
    key = f"join_pick_{index}"
    st.selectbox("Theme", list(labels), format_func=labels.get, index=current, key=key, on_change=_pick,
                 args=(key,), placeholder="Choose a theme to change its answers")
    if current is not None:
        _join_forms.theme_form(session, me, current, mine)
    st.caption(md_escape(live.taking_part(me)))
    if st.button("Change my role or group", key="join_role_again"):
        st.session_state["join_change_role"] = True
        st.rerun()


ui.run_safely(render)
