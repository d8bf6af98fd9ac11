"""The sign-in gate on screen (docs/signin.md): which mode the app is in, and the pages shown without data.

The rules live in mandate_core.access; this file only gathers the facts Streamlit knows (is ``[auth]``
configured, is the visitor signed in, as whom), asks the users table for the role, and draws the
sign-in, "no access" and "sign-in must be configured" screens.  None of these screens reads council
data, so none can name a council.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from mandate_core import access
from mandate_core.text import md_escape

PRINCIPAL = "_principal"
SIGNED_IN_AS = "_signed_in_recorded"
#: How long a sign-in waits to write its line of the activity record while an import holds the file.
SIGN_IN_WAIT_S = 3.0


def auth_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (signed-in mode)."""
    try:
        secrets = st.secrets
        return bool(secrets.load_if_toml_exists() and secrets.get("auth"))
    except Exception:  # an unreadable secrets file is not a configured sign-in
        return False


def _user_row(email: str | None) -> dict[str, Any] | None:
    """The users-table row, looked up on every page view and cached only per data version of the file,
    so a role change (which writes the file) shows on the very next page view."""
    from pages import _layout as ui

    return ui.cached(access.lookup_user, email) if email else None


@st.cache_resource
def _sign_ins_recorded() -> set[tuple[str | None, Any]]:
    """(e-mail, token issue time) of the sign-ins this server process has recorded."""
    return set()


def current_gate(db: str, council_ids: list[str]) -> access.Gate:
    """The gate for this page view; also records each sign-in once in the activity record."""
    configured = auth_configured()
    logged_in = configured and bool(getattr(st.user, "is_logged_in", False))
    email = access.sign_in_address(st.user) if logged_in else None  # an e-mail claim, or the sign-in name
    row = _user_row(email) if email else None
    gate = access.decide(configured, access.require_sign_in(os.environ), logged_in, email, row, council_ids)
    st.session_state[PRINCIPAL] = gate.principal
    if gate.state == "signed_in" and gate.principal and st.session_state.get(SIGNED_IN_AS) != gate.principal.email:
        # One line per sign-in: the identity token's issue time tells a new sign-in from a reload or a
        # second tab of the same one (which start new sessions); without it, once per session.
        issued = st.user.get("iat")
        key = (gate.principal.email, issued)
        if issued is None or key not in _sign_ins_recorded():  # one set per server process
            # A long import holding the file must not hold up the sign-in: the next page view retries.
            if not access.try_record_to(db, gate.principal.actor, "sign-in", gate.principal.role,
                                        timeout=SIGN_IN_WAIT_S):
                return gate
            if issued is not None:
                _sign_ins_recorded().add(key)
        st.session_state[SIGNED_IN_AS] = gate.principal.email
    return gate


def principal() -> access.Principal | None:
    """The principal of this page view (set by the entry file before any page runs); None = no access."""
    value = st.session_state.get(PRINCIPAL)
    return value if isinstance(value, access.Principal) else None


def _sign_in_page() -> None:
    st.title("Innovation Mandate", anchor=False)
    st.markdown("Sign in with your organisation's account to see the workshop results.")
    if st.button("Sign in", type="primary", icon=":material/login:", key="signin_button"):
        st.login()


def _refused_page() -> None:
    st.title("Sign-in must be configured", anchor=False)
    st.error("This server requires sign-in (MANDATE_REQUIRE_SIGN_IN is set), but no [auth] section is "
             "configured in .streamlit/secrets.toml, so no data is shown. The README's “Deploying with "
             "sign-in” section explains the settings.", icon=":material/lock:")


def _no_access_page() -> None:
    st.title("No access", anchor=False)
    email = access.sign_in_address(st.user) or ""
    st.warning("You are signed in as " + md_escape(email) + ", but this address has no access to the "
               "dashboard. Ask your administrator to add it.", icon=":material/block:")
    if st.button("Sign out", key="signout_main", icon=":material/logout:"):
        st.logout()


def gate_pages(gate: access.Gate, public: list[Any]) -> list[Any]:
    """The navigation of a view that shows no data: one screen, plus the public pages (not when refused)."""
    screens = {"refused": (_refused_page, "Sign-in required"), "sign_in": (_sign_in_page, "Sign in"),
               "no_access": (_no_access_page, "No access")}
    render, title = screens[gate.state]
    first = st.Page(render, title=title, icon=":material/lock:", url_path="signin", default=True)
    return [first] if gate.state == "refused" else [first, *public]


def sidebar_account(p: access.Principal | None) -> None:
    """Who is signed in, with a sign-out button; or "Local mode — no sign-in"."""
    sb = st.sidebar
    if p is None:
        return
    if p.local_mode:
        sb.caption("Local mode — no sign-in")
        return
    sb.caption("Signed in as " + md_escape(p.email or "") + f" ({p.role})")
    if sb.button("Sign out", key="signout_sidebar", icon=":material/logout:"):
        st.logout()
