"""Innovation Mandate dashboard — entry point: page setup, navigation and the shared sidebar.

The sidebar here is drawn on every page, so the chosen council, round, peer set and horizon are kept when
moving between pages; they are written to the URL so a copied link reopens the same view.
"""

from __future__ import annotations

import streamlit as st

from mandate_core import demo, selection, storage
from mandate_core.domain import HORIZON_LABELS, HORIZONS, PEER_SET_LABELS, PEER_SETS
from pages import _layout as ui

st.set_page_config(
    page_title="Innovation Mandate",
    page_icon=":material/explore:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/1_Overview.py", title="Overview", icon=":material/public:", default=True),
    st.Page("pages/2_Council.py", title="Council", icon=":material/account_balance:"),
    st.Page("pages/3_Alignment.py", title="Alignment", icon=":material/groups:"),
    st.Page("pages/4_Themes.py", title="Themes", icon=":material/grid_view:"),
    st.Page("pages/5_Benchmark.py", title="Benchmark", icon=":material/leaderboard:"),
    st.Page("pages/6_Trends.py", title="Trends", icon=":material/timeline:"),
    st.Page("pages/7_Data.py", title="Data", icon=":material/upload_file:"),
]
LATEST = "Latest round"
HAND_PICKED = "list"


@st.cache_resource(show_spinner="Preparing the demo database…")
def _ensure_database(path: str) -> str:
    """Build the demo database once per process when none exists (SPEC §3)."""
    demo.ensure_database(path)
    return path


def _sidebar(cat) -> selection.Selection:  # noqa: ANN001 - Catalog
    ids = cat.ids
    rounds = {cid: cat.round_labels(cid) for cid in ids}
    state = st.session_state
    if "sb_council" not in state:
        # First run of this session: take the view from the URL (untrusted; falls back with a note).
        from_url = selection.from_query(dict(st.query_params), ids, rounds, n_slides=99)
        state["url_notes"] = from_url.notes
        state["sb_council"] = from_url.council
        state["sb_round"] = from_url.round or LATEST
        state["sb_peerset"] = from_url.peers if from_url.peers in PEER_SETS else HAND_PICKED
        state["sb_peer_ids"] = from_url.peer_ids
        state["sb_horizon"] = from_url.horizon
        state["sb_debrief"] = from_url.debrief
        state["debrief_slide"] = from_url.slide
    if state.get("sb_council") not in ids:
        state["sb_council"] = ids[0] if ids else None

    sb = st.sidebar
    sb.markdown("### Innovation Mandate")
    council = sb.selectbox("Council", ids, format_func=cat.name, key="sb_council",
                           help="The council whose workshop results the pages show.")
    round_options = [LATEST, *rounds.get(council, [])]
    if state.get("sb_round") not in round_options:
        state["sb_round"] = LATEST
    rnd = sb.selectbox("Workshop round", round_options, key="sb_round")
    peer_labels = {**PEER_SET_LABELS, HAND_PICKED: "Hand-picked councils"}
    peerset = sb.selectbox("Compare with", list(peer_labels), format_func=peer_labels.get,
                           key="sb_peerset", help="The peer set used on the Benchmark page.")
    peers = peerset
    if peerset == HAND_PICKED:
        chosen = sb.multiselect("Peer councils", [c for c in ids if c != council], format_func=cat.name,
                                key="sb_peer_ids", max_selections=selection.MAX_PEER_IDS)
        peers = ",".join(chosen) if chosen else "all"
    horizon = sb.selectbox("Horizon", list(HORIZONS), format_func=HORIZON_LABELS.get, key="sb_horizon")
    debrief = sb.toggle("Debrief mode", key="sb_debrief",
                        help="For projecting to a room: large type, other councils anonymised.")
    sel = selection.Selection(
        council=council, round=None if rnd == LATEST else rnd, peers=peers, horizon=horizon,
        debrief=debrief, slide=int(state.get("debrief_slide", 1)),
    )
    wanted = sel.to_query()
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
    return sel


def main() -> None:
    path = str(storage.resolve_db_path(None))
    try:
        _ensure_database(path)
        cat = ui.catalog()
    except storage.StoreError as exc:
        st.error(f"The database could not be opened: {exc}")
        st.stop()
    page = st.navigation(PAGES)
    if not cat.empty:
        st.session_state["selection"] = _sidebar(cat)
        for note in st.session_state.pop("url_notes", []):
            st.warning(note, icon=":material/link_off:")
    if cat.is_demo:
        st.info("**Demo data.** The councils shown are fictional and their scores invented, to show what "
                "the dashboard does. Import your own results on the Data page.",
                icon=":material/science:")
    page.run()


main()
