"""Admin: who may sign in and with which role, deleting a council or a round, and the activity record.

Only an administrator (or local mode) has this page in the navigation, and the page checks again, so no
other role reaches it by URL.  The rules are mandate_core.access's, the same as ``users add/remove``.
"""

from __future__ import annotations

import streamlit as st

from mandate_core import access, storage
from mandate_core.text import md_escape
from pages import _layout as ui

DONE = "admin_done"
GEN = "admin_gen"
WHOLE = "— the whole council, every round —"
FIELDS = {"--email": "E-mail address", "--role": "Role", "--council ID": "a council", "--council": "Council"}


def _write(work, message: str) -> None:  # noqa: ANN001 - a function of a connection
    """Run one change; a bad field becomes a message naming it, and nothing is changed."""
    try:
        with storage.connect(ui.db_path()) as con:
            work(con)
    except access.AccessError as exc:
        text = str(exc)
        for flag, field in FIELDS.items():  # the command line's flag names, as the form labels them
            text = text.replace(flag, field)
        st.error(md_escape(text), icon=":material/error:")
        return
    st.session_state[DONE] = message
    st.session_state[GEN] = st.session_state.get(GEN, 0) + 1  # fresh, empty inputs
    st.rerun()


def _users(cat, who: access.Principal, gen: int) -> None:  # noqa: ANN001 - Catalog
    st.header("Users and roles", anchor=False)
    st.caption("Roles come from this list, never from the sign-in provider. Adding an address that is "
               "already listed changes its role; the change shows on that person's next page view.")
    users = ui.cached(access.list_users)
    ui.grid(users, "No users are listed yet.", hide_index=True, width="stretch",
            column_config={"email": "E-mail", "role": "Role", "council_id": "Council"})
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown("**Add a user or change a role**")
        email = st.text_input("E-mail address", key=f"admin_email_{gen}", max_chars=access.MAX_EMAIL)
        role = st.selectbox("Role", access.ROLES, format_func=access.ROLE_LABELS.get, key=f"admin_role_{gen}")
        council = None
        if role == "council":
            council = st.selectbox("Council", cat.ids, format_func=cat.name, key=f"admin_council_{gen}",
                                   index=None, placeholder="The council this user sees")
        if st.button("Save user", key="admin_add", type="primary", icon=":material/person_add:"):
            _write(lambda con: access.add_user(con, email, role, council, actor=who.actor),
                   f"Saved {email.strip().lower()} as {role}.")
    with right.container(border=True):
        st.markdown("**Remove a user**")
        emails = [u["email"] for u in users]
        gone = st.selectbox("User", emails, index=None, key=f"admin_remove_{gen}", placeholder="Choose a user")
        sure = st.checkbox("Yes, remove this user", key=f"admin_remove_ok_{gen}")
        if st.button("Remove user", key="admin_remove", disabled=not (gone and sure), icon=":material/person_remove:"):
            if gone == who.email:
                st.error("You cannot remove your own account here (you would lock yourself out); use "
                         "`python -m mandate_core users remove`.")
            else:
                _write(lambda con: access.remove_user(con, gone, actor=who.actor), f"Removed {gone}.")


def _deletions(cat, who: access.Principal, gen: int) -> None:  # noqa: ANN001 - Catalog
    st.header("Delete a council or a round", anchor=False)
    st.caption("Deletes from the database at once, in one step (back up first with "
               "`python -m mandate_core export`). The demo councils can be deleted like any other; once "
               "none is left, no page says it shows demo data.")
    if not cat.councils:
        st.caption("No councils are loaded.")
        return
    council = st.selectbox("Council", cat.ids, format_func=cat.name, index=None, key=f"admin_del_council_{gen}",
                           placeholder="Choose a council")
    if council is None:
        return
    what = st.selectbox("What to delete", [WHOLE, *cat.round_labels(council)], key=f"admin_del_what_{gen}")
    name = md_escape(cat.name(council))
    label = f"Yes, delete {name} and all its results" if what == WHOLE else \
        f"Yes, delete the round {md_escape(what)} of {name}"
    sure = st.checkbox(label, key=f"admin_del_ok_{gen}")
    if st.button("Delete", key="admin_delete", disabled=not sure, icon=":material/delete:"):
        if what == WHOLE:
            _write(lambda con: access.delete_council(con, council, who.actor), f"Deleted {cat.name(council)}.")
        else:
            _write(lambda con: access.delete_round(con, council, what, who.actor),
                   f"Deleted the round {what} of {cat.name(council)}.")


def render() -> None:
    who = ui.principal()
    if who is None or not who.can_manage_users:
        st.error("This page is for administrators.")
        return
    ui.page_title("Admin", "Users and roles, deleting data, and the record of who did what.")
    done = st.session_state.pop(DONE, None)
    if done:
        st.success(md_escape(done), icon=":material/check_circle:")
    gen = st.session_state.setdefault(GEN, 0)
    cat = ui.context(need_data=False).catalog
    _users(cat, who, gen)
    st.divider()
    _deletions(cat, who, gen)
    st.divider()
    st.header("Activity record", anchor=False)
    st.caption("Sign-ins, imports, deletions, user changes and workshop sessions, newest first.")
    ui.grid(ui.cached(access.activity), "Nothing has been recorded yet.", hide_index=True, width="stretch",
            column_config={"when": "When", "who": "Who", "action": "What", "detail": "Detail"})


ui.run_safely(render, __file__)
