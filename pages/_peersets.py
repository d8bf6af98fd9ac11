"""The Benchmark page's saved peer sets: pick one, save the hand-picked councils under a name, delete one.

Layout only (the rules are in mandate_core.peersets).  Shown only to a role that sees every council by name
and never in an anonymised view: a list of saved sets would name the councils in them.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from mandate_core import peersets, storage
from mandate_core.selection import Selection
from mandate_core.text import md_escape
from pages import _layout as ui

FLASH = "bm_saved_flash"


def _use(ids: list[str], focus: str | None) -> None:
    """Hand-pick the set's councils in the sidebar (and keep them over a debrief run, as the sidebar does)."""
    chosen = [c for c in ids if c != focus]
    st.session_state["sb_peerset"] = "list"
    st.session_state["sb_peer_ids"] = chosen
    kept = st.session_state.get("_kept")
    if isinstance(kept, dict):
        kept.update(sb_peerset="list", sb_peer_ids=chosen)


def _sets(who: Any) -> dict[str, list[str]]:
    try:
        with storage.connect(ui.db_path(), read_only=True) as con:
            return peersets.list_sets(con, who)
    except storage.StoreError:
        return {}


def panel(sel: Selection) -> str | None:
    """Draw the saved-sets expander; returns the name of the saved set the current peers are, if any."""
    who = ui.principal()
    if sel.anonymise or who is None or not who.sees_all_names:
        return None
    sets = _sets(who)
    current = peersets.name_of(sets, sel.peer_ids)
    if (flash := st.session_state.pop(FLASH, None)) is not None:
        st.success(flash, icon=":material/check_circle:")
    with st.expander("Saved peer sets"):
        if sets:
            left, mid, right = st.columns([3, 1, 1], vertical_alignment="bottom")
            pick = left.selectbox("Saved peer set", list(sets), key="bm_saved_pick",
                                  format_func=lambda n: f"{n} ({len(sets.get(n, []))} councils)")
            mid.button("Use this set", key="bm_saved_use", on_click=_use, args=(sets.get(pick, []), sel.council))
            if right.button("Delete it", key="bm_saved_delete"):
                with storage.connect(ui.db_path()) as con:
                    peersets.delete_set(con, who, pick)
                st.session_state[FLASH] = f"Deleted the peer set “{md_escape(pick)}”."
                st.rerun()
        else:
            st.caption("No saved peer sets yet.")
        if not sel.peer_ids:
            st.caption("To save one, choose “Hand-picked councils” under “Compare with” in the sidebar and pick "
                       "the peer councils.")
            return current
        name = st.text_input("Save the hand-picked councils as", max_chars=peersets.MAX_NAME,
                             key="bm_saved_name", placeholder="for example: Northern neighbours")
        if st.button("Save peer set", key="bm_saved_save", disabled=not name.strip()):
            try:
                with storage.connect(ui.db_path()) as con:
                    stored = peersets.save_set(con, who, name, sel.peer_ids)
            except peersets.PeerSetError as exc:
                st.warning(f"Not saved: {md_escape(exc)}.", icon=":material/warning:")
            else:
                st.session_state[FLASH] = f"Saved the peer set “{md_escape(stored)}”."
                st.rerun()
    return current
