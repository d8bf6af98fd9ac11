"""The phone page's two forms: choosing a role (and political group), and answering one theme.

Layout only (the rules are in mandate_core.live).  Their callbacks store what was submitted at once, each
on its own short connection, and leave any refusal in the session state for the page to show: callbacks
run before the page, so they cannot show it themselves.
"""

from __future__ import annotations

import streamlit as st

from mandate_core import domain, live, storage
from mandate_core.text import md_escape
from pages import _layout as ui

SAID = "join_said"


def said(text: str | None = None) -> None:
    """A message from the last submission (callbacks run before the page, so they leave it here)."""
    st.session_state[SAID] = text


def _join(code: str, token: str | None) -> None:
    state = st.session_state
    try:
        with storage.connect(ui.db_path(), tables=live.PHONE_TABLES) as con:
            me = live.join(con, code, state.get("join_role_choice") or "", state.get("join_group"), token)
    except (live.LiveError, storage.StoreError) as exc:
        said(str(exc))
        return
    st.query_params.from_dict({"code": code, "device": me.device_token})
    state.pop("join_change_role", None)
    said()


def choose_role(session: live.Session, known: live.Participant | None) -> None:
    """Officer or member (and group); a phone that joined before keeps its participant number."""
    st.markdown("Your answers are anonymous: you get a random participant number, not your name.")
    roles = live.role_choices(session)
    with st.form("join_role"):  # an earlier choice is ticked again when the phone changes its role
        st.radio("I am", list(roles), format_func=roles.get, key="join_role_choice",
                 index=live.index_of(list(roles), known.role if known else None))
        if session.groups:
            st.selectbox("Members: your political group", list(session.groups), key="join_group",
                         index=live.index_of(session.groups, known.group if known else None),
                         placeholder="Choose your group")
        st.form_submit_button("Start", type="primary", on_click=_join,
                              args=(session.code, known.device_token if known else None))


def _save(code: str, token: str, labels: list[str], index: int, answered: list[str]) -> None:
    state = st.session_state
    changes = {h: state.get(f"j{index}_{h}_change") for h in domain.HORIZONS}
    risks = {h: state.get(f"j{index}_{h}_risk") for h in domain.HORIZONS}
    try:
        with storage.connect(ui.db_path(), tables=live.PHONE_TABLES) as con:
            live.submit_theme(con, code, token, labels[index], changes, risks, state.get(f"j{index}_note"))
    except (live.LiveError, storage.StoreError) as exc:
        said(str(exc))
        return
    state["join_theme"] = live.next_theme(labels, answered, labels[index])
    said()


def theme_form(session: live.Session, me: live.Participant, index: int, mine: dict) -> None:
    """One theme's three questions, filled in with this phone's earlier answers so it can change them."""
    theme = session.themes[index]
    given = live.given_answer(mine, theme.label)
    st.markdown(f"## {md_escape(theme.label)}")
    st.caption(live.SCALE_HINT)
    with st.form(f"join_theme_{index}"):
        for h in domain.HORIZONS:
            st.pills(live.QUESTIONS[h], list(live.CHANGE_WORDS), format_func=live.CHANGE_WORDS.get,
                     default=given["changes"].get(h), key=f"j{index}_{h}_change")
            st.pills("Risk you would take (optional)", list(live.RISK_WORDS), format_func=live.RISK_WORDS.get,
                     default=given["risks"].get(h), key=f"j{index}_{h}_risk")
        st.text_area("What would a radical alternative look like? (optional)", value=given["note"] or "",
                     max_chars=2000, key=f"j{index}_note")
        st.form_submit_button("Save and go on", type="primary", on_click=_save,
                              args=(session.code, me.device_token, [t.label for t in session.themes], index,
                                    list(mine)))
