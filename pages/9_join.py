"""Join: the participants' phone page (docs/live.md) — no sign-in, one theme a screen, never refreshes by itself.

The code and this phone's device token live in the address (``/join?code=…&device=…``), so a reload, a
locked phone or a dropped connection resumes where it was.  Nothing here polls: one Streamlit process
runs only a few reruns a second, and a room of phones must not spend them.  Every answer is stored the
moment it is submitted; the only data shown is the session's own theme labels and this phone's answers.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from mandate_core import domain, live, storage
from mandate_core.takeaways import md_escape
from pages import _layout as ui

#: Our own static CSS: no sidebar or its button (nothing to choose here), a phone-width column.
JOIN_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 40rem; padding: 1.5rem 1rem 3rem; }
</style>"""
BUSY = "The workshop cannot be reached just now. Wait a moment and reload this page."
CHANGE_WORDS, RISK_WORDS, QUESTIONS = live.CHANGE_WORDS, live.RISK_WORDS, live.QUESTIONS


def _said(text: str | None = None) -> None:
    """A message from the last submission (callbacks run before the page, so they leave it here)."""
    st.session_state["join_said"] = text


def _go_code() -> None:
    typed = str(st.session_state.get("join_typed") or "")
    st.query_params.from_dict({"code": live.normalise_code(typed) or typed.strip()[:12]})


def _ask_code() -> None:
    st.markdown("Type the code shown on the screen in the room.")
    with st.form("join_code"):
        st.text_input("Session code", max_chars=12, key="join_typed")
        st.form_submit_button("Join", type="primary", on_click=_go_code)


def _join(code: str, token: str | None) -> None:
    state = st.session_state
    try:
        with storage.connect(ui.db_path()) as con:
            me = live.join(con, code, state.get("join_role_choice") or "", state.get("join_group"), token)
    except (live.LiveError, storage.StoreError) as exc:
        _said(str(exc))
        return
    st.query_params.from_dict({"code": code, "device": me.device_token})
    state.pop("join_change_role", None)
    _said()


def _choose_role(session: live.Session, known: live.Participant | None) -> None:
    st.markdown("Your answers are anonymous: you get a random participant number, not your name.")
    roles = {"officer": "An officer (a senior manager)", "member": "A member (an elected councillor)"}
    if not session.groups:
        roles.pop("member")
    with st.form("join_role"):
        st.radio("I am", list(roles), format_func=roles.get, key="join_role_choice",
                 index=list(roles).index(known.role) if known and known.role in roles else None)
        if session.groups:
            st.selectbox("Members: your political group", list(session.groups), key="join_group",
                         index=session.groups.index(known.group) if known and known.group in session.groups
                         else None, placeholder="Choose your group")
        st.form_submit_button("Start", type="primary", on_click=_join,
                              args=(session.code, known.device_token if known else None))


def _save(code: str, token: str, labels: list[str], index: int, answered: list[str]) -> None:
    state = st.session_state
    changes = {h: state.get(f"j{index}_{h}_change") for h in domain.HORIZONS}
    risks = {h: state.get(f"j{index}_{h}_risk") for h in domain.HORIZONS}
    try:
        with storage.connect(ui.db_path()) as con:
            live.submit_theme(con, code, token, labels[index], changes, risks, state.get(f"j{index}_note"))
    except (live.LiveError, storage.StoreError) as exc:
        _said(str(exc))
        return
    done = {*answered, labels[index]}
    later = [i for i, label in enumerate(labels) if label not in done]
    state["join_theme"] = later[0] if later else len(labels)
    _said()


def _theme_form(session: live.Session, me: live.Participant, index: int, mine: dict) -> None:
    theme = session.themes[index]
    given = mine.get(theme.label, {"changes": {}, "risks": {}, "note": None})
    st.markdown(f"## {md_escape(theme.label)}")
    st.caption("1–2 Better: do what we do, better · 3–4 Differently: do it in a different way · "
               "5–6 New: do something not done before")
    with st.form(f"join_theme_{index}"):
        for h in domain.HORIZONS:
            st.pills(QUESTIONS[h], list(CHANGE_WORDS), format_func=CHANGE_WORDS.get,
                     default=given["changes"].get(h), key=f"j{index}_{h}_change")
            st.pills("Risk you would take (optional)", list(RISK_WORDS), format_func=RISK_WORDS.get,
                     default=given["risks"].get(h), key=f"j{index}_{h}_risk")
        st.text_area("What would a radical alternative look like? (optional)", value=given["note"] or "",
                     max_chars=2000, key=f"j{index}_note")
        st.form_submit_button("Save and go on", type="primary", on_click=_save,
                              args=(session.code, me.device_token, [t.label for t in session.themes], index,
                                    list(mine)))


def _pick(key: str) -> None:
    st.session_state["join_theme"] = st.session_state.get(key)
    _said()


def render() -> None:
    st.html(JOIN_CSS)
    st.title("Innovation Mandate workshop", anchor=False)
    code = st.query_params.get("code")
    if not code:
        _ask_code()
        return
    try:
        if not Path(ui.db_path()).exists():  # never create an empty database from a phone's link
            raise live.LiveError(live.WRONG_CODE)
        # Read-write like the submissions: in one process, read-only and read-write connections to one
        # file cannot be open at once, and a room of phones must not wait on each other for that.
        with storage.connect(ui.db_path()) as con:
            session = live.session_for_join(con, code)
            me = live.participant_of(con, session.code, st.query_params.get("device"))
            mine = live.my_answers(con, session.code, me.device_token) if me else {}
    except (live.LiveError, storage.StoreError) as exc:
        st.error(str(exc) if isinstance(exc, live.LiveError) else BUSY)
        return
    said = st.session_state.pop("join_said", None)
    if said:
        st.error(said)
    if me is None or st.session_state.get("join_change_role"):
        _choose_role(session, me)
        return
    total = len(session.themes)
    answered = sum(1 for t in session.themes if t.label in mine)
    st.progress(answered / total, text=f"{answered} of {total} themes answered")
    first_open = next((i for i, t in enumerate(session.themes) if t.label not in mine), total)
    index = int(st.session_state.get("join_theme", first_open))
    current = index if index < total else None
    if current is None:
        st.success("Thank you: every theme is answered. You can change any answer while the session is open.")
    labels = {i: ("✓ " if t.label in mine else "") + t.label for i, t in enumerate(session.themes)}
    key = f"join_pick_{index}"
    st.selectbox("Theme", list(labels), format_func=labels.get, index=current, key=key, on_change=_pick,
                 args=(key,), placeholder="Choose a theme to change its answers")
    if current is not None:
        _theme_form(session, me, current, mine)
    who = "an officer" if me.role == "officer" else f"a member ({me.group})"
    st.caption(md_escape(f"You are taking part as {who}, participant {me.participant}."))
    if st.button("Change my role or group", key="join_role_again"):
        st.session_state["join_change_role"] = True
        st.rerun()


ui.run_safely(render)
