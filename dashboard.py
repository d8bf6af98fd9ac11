"""Innovation Mandate dashboard — entry point: page setup, navigation and the shared sidebar.

The sidebar here is drawn on every page, so the chosen council, round, peer set and horizon are kept when
moving between pages; they are written to the URL so a copied link reopens the same view.  In debrief
mode (the sidebar switch, or ``?debrief=1``) the app shows only the debrief slides, in large type, and
the sidebar lists no other council, so nothing on screen or in the page names a peer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx


def serve(argv: list[str]) -> int:
    """``python dashboard.py [streamlit options]``: the dashboard's server, as ``streamlit run dashboard.py``
    would start it, but with Streamlit's old pages-folder router off from the first request.

    Streamlit runs an app that has a ``pages/`` folder through that router until the entry file's first
    ``st.navigation`` call, so a fresh server's very first request for ``/overview`` (any spelling but the
    file's own) opened a "Page not found" dialog over the page; the router is a process-wide switch that
    nothing in a page can reach before it has already answered.  Setting it here, before the server starts,
    sends every request to this file's navigation, which knows every page in any case (docs/dashboard.md)."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli as streamlit_cli

    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(Path(__file__).resolve()), *argv]
    return int(streamlit_cli.main() or 0)


if __name__ == "__main__" and get_script_run_ctx(suppress_warning=True) is None:  # by Python, not Streamlit
    raise SystemExit(serve(sys.argv[1:]))


# The app's own modules only after the check above: the launcher must not import them (their caches and
# fragments would be made outside the server's runtime and kept by it).
from mandate_core import access, demo, disclosure, selection, storage  # noqa: E402
from mandate_core.domain import HORIZON_LABELS, HORIZONS, PEER_SET_LABELS, PEER_SETS  # noqa: E402
from mandate_core.text import md_escape  # noqa: E402
from pages import _layout as ui  # noqa: E402
from pages import _signin as signin  # noqa: E402

#: The browser tab's icon, served by this app (the three band colours as rising bars).
FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"
_DEBRIEF_IN_URL = st.query_params.get("debrief") in ("1", "true", "yes", "on")
st.set_page_config(
    page_title="Innovation Mandate",
    page_icon=str(FAVICON),  # a local file: a :material: or emoji icon is fetched from an outside server
    layout="wide",
    # "auto": expanded on a wide screen, collapsed on a phone (Streamlit decides by the window's width, so
    # a first visit on a phone shows the page, not a sidebar over 300 of its 390 pixels).
    initial_sidebar_state="collapsed" if _DEBRIEF_IN_URL else "auto",
)

#: The participants' phone page (docs/live.md): its path is pinned as /join, the only page open without sign-in.
#: The file name is lower case so that a phone's link opened as a fresh server's first request (the old
#: pages-folder mode, matched by file name) finds the page instead of a "Page not found" dialog.
JOIN_SPEC = ("pages/9_join.py", "Join", ":material/smartphone:", "join")
#: (file, title, icon, url path).  Each url path is the one Streamlit's old pages-folder mode gives the
#: file (its name without the number), so a link opened as a fresh server's very first request finds the
#: page in either mode; the page then hands over to this file (ui.run_safely, pages/_layout/safety.py).
PAGE_SPECS = [
    ("pages/1_Overview.py", "Overview", ":material/public:", "Overview"),
    ("pages/2_Council.py", "Council", ":material/account_balance:", "Council"),
    ("pages/3_Alignment.py", "Alignment", ":material/groups:", "Alignment"),
    ("pages/4_Themes.py", "Themes", ":material/grid_view:", "Themes"),
    ("pages/5_Benchmark.py", "Benchmark", ":material/leaderboard:", "Benchmark"),
    ("pages/6_Trends.py", "Trends", ":material/timeline:", "Trends"),
    ("pages/7_Data.py", "Data", ":material/upload_file:", "Data"),
    ("pages/11_Workshop.py", "Workshop", ":material/how_to_vote:", "Workshop"),
    JOIN_SPEC,
]
DEBRIEF_SPEC = ("pages/8_Debrief.py", "Debrief slides", ":material/co_present:", "Debrief")
#: Only in an administrator's navigation (and local mode's): no other role has a path to it, even by URL.
ADMIN_SPEC = ("pages/10_Admin.py", "Admin", ":material/admin_panel_settings:", "Admin")


def _pages(debrief: bool, who: access.Principal | None = None) -> list:
    """The navigation: in debrief mode the slides come first and open by default; the other pages stay
    reachable for questions from the room, and anonymise every other council themselves.  A page the
    role may not use (Admin, Workshop) is left out, so not even its URL reaches it."""
    specs = [DEBRIEF_SPEC, *PAGE_SPECS, ADMIN_SPEC] if debrief else [*PAGE_SPECS, ADMIN_SPEC]
    specs = [spec for spec in specs if access.may_open(who, spec[0])]
    # The default page is served at "/"; Streamlit does not also serve it at its own path, so its url_path
    # is left empty and its path (e.g. /Overview) is one of the stand-ins below.
    pages = [st.Page(path, title=title, icon=icon, url_path="" if i == 0 else url, default=i == 0,
                     visibility=_shown(path)) for i, (path, title, icon, url) in enumerate(specs)]
    return pages + _stand_ins(specs, debrief, who)


def _stand_ins(specs: list, debrief: bool, who: access.Principal | None) -> list:
    """Hidden pages that catch a direct link Streamlit would answer with a "Page not found" dialog: the
    default page by its own path, any page's path in another case (/overview, /benchmark), and /Debrief
    while debrief mode is off (the link asks for the slides, so it turns debrief on).  Each hands over
    to the real page through ``_goto`` with the link's selection, as a fresh server's first request does."""
    taken = {url for _, _, _, url in specs[1:]}
    wanted: dict[str, tuple[str, bool]] = {}  # url path -> (page file, turns debrief on)
    if not debrief and access.may_open(who, DEBRIEF_SPEC[0]):
        wanted[DEBRIEF_SPEC[3]] = (DEBRIEF_SPEC[0], True)
        specs = [*specs, DEBRIEF_SPEC]
    wanted.setdefault(specs[0][3], (specs[0][0], False))
    asked = requested_path()
    for path, _, _, url in specs:
        for alias in (url.lower(), asked):  # any case: the link's own spelling when it is this page's
            if alias.lower() == url.lower():
                wanted.setdefault(alias, (path, path == DEBRIEF_SPEC[0] and not debrief))
    return [st.Page(_hand_over(path, slides), title=f"Open {url}", url_path=url, visibility="hidden")
            for url, (path, slides) in wanted.items() if url not in taken]


def requested_path() -> str:
    """The page part of the browser's address ("Overview" for …/Overview?council=x; "" for the root)."""
    try:
        url = st.context.url or ""
    except Exception:  # no browser context (AppTest, bare mode): nothing asked
        return ""
    return urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]


WORKSHOP_FILE = "pages/11_Workshop.py"


def _workshop_link(who: access.Principal | None) -> bool:
    """A facilitator's own /Workshop?code=… link (not a phone's /join?code=…): opens the Workshop page
    with that session chosen, for someone who may run sessions."""
    if who is None or not access.may_open(who, WORKSHOP_FILE):
        return False
    if requested_path().lower() != "workshop" and st.session_state.get("_goto") != WORKSHOP_FILE:
        return False
    st.session_state["ws_next_code"] = str(st.query_params.get("code"))  # pages/11_Workshop.py: NEXT_PICK
    return True


def _hand_over(page_file: str, slides: bool) -> Callable[[], None]:
    def run() -> None:
        if slides:
            st.session_state["_debrief"] = True
            st.session_state["debrief_slide"] = 1
        st.session_state["_goto"] = page_file
        # The link's notes (an ignored council, a bad slide number) were shown in this run; the rerun
        # would drop them, so the page the link meant shows them.
        st.session_state["url_notes"] = st.session_state.get("_notes_shown", [])
        st.rerun()

    run.__name__ = f"open_{Path(page_file).stem}"
    return run


def _join_only() -> list:
    """The navigation of a phone's join link: the join page at /join.  Streamlit serves the default page at
    "/" (not at its own path), so the default here is a step that opens the join page with the link's code."""
    join = st.Page(JOIN_SPEC[0], title=JOIN_SPEC[1], url_path=JOIN_SPEC[3])
    start = st.Page(lambda: st.switch_page(join, query_params=dict(st.query_params)), title=JOIN_SPEC[1],
                    url_path="join-start", default=True)
    return [start, join]


def _shown(path: str) -> str:
    """The phones' join page is opened from its link (/join?code=…), never from the menu."""
    return "hidden" if path == JOIN_SPEC[0] else "visible"


LATEST = "Latest round"
HAND_PICKED = "list"
#: Sidebar widgets whose values must survive a run in which they are not drawn (debrief mode).
_KEPT = ("sb_council", "sb_round", "sb_peerset", "sb_peer_ids", "sb_horizon")

#: Debrief look: our own static CSS only (no user text), for reading from the back of a room.  A tile's
#: label stays smaller than its value.  Chart titles are wrapped for a 1920-pixel projector
#: (findings.common.TITLE_WIDTH_DEBRIEF) and shrink with a narrower chart (cqi: the chart's own width), so a line
#: is never cut off on a laptop.
DEBRIEF_CSS = """
<style>
[data-testid="stToolbarActions"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
header[data-testid="stHeader"] { background: transparent; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 100%; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.55rem; line-height: 1.45; }
[data-testid="stMain"] h2 { font-size: 2.2rem; }
[data-testid="stMain"] h3 { font-size: 1.8rem; }
[data-testid="stMain"] [data-testid="stText"] { font-size: 1.6rem; white-space: pre-wrap; }
[data-testid="stMain"] button p { font-size: 1.4rem; }
[data-testid="stMain"] [data-testid="stMetricLabel"] p { font-size: 1.45rem; line-height: 1.3; }
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 2.75rem; line-height: 1.2; }
[data-testid="stMain"] [data-testid="stMetricDelta"] p { font-size: 1.3rem; }
@media (max-width: 640px) {  /* a phone: room-sized type would not fit 390 pixels */
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }  /* clear of the sidebar's open button */
  [data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.05rem; line-height: 1.45; }
  [data-testid="stMain"] h2 { font-size: 1.75rem; }
  [data-testid="stMain"] h3 { font-size: 1.4rem; }
  [data-testid="stMain"] h4 { font-size: 1.2rem; }
  [data-testid="stMain"] [data-testid="stText"] { font-size: 1.05rem; }
  [data-testid="stMain"] button p { font-size: 1rem; }
  [data-testid="stMain"] [data-testid="stMetricLabel"] p { font-size: 1rem; }
  [data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 1.8rem; }
  [data-testid="stMain"] [data-testid="stMetricDelta"] p { font-size: 0.95rem; }
}
</style>
"""
#: Debrief chart titles are wrapped for a projector; on a narrower screen they shrink with the chart (cqi:
#: the chart's own width), so a line is never cut off.  Not sent to a phone: its charts are built for its
#: width (ui.narrow, pages/_layout/phone.py), and this rule would shrink their titles to 11 pixels.
DEBRIEF_TITLE_CSS = """
<style>
[data-testid="stMain"] [data-testid="stPlotlyChart"] { container-type: inline-size; }
[data-testid="stMain"] .js-plotly-plot .gtitle { font-size: clamp(11px, 2.5cqi, 40px) !important; }
[data-testid="stMain"] .js-plotly-plot .gtitle tspan[style*="font-size"] {
  font-size: clamp(9px, 1.6cqi, 26px) !important; }
</style>
"""


#: The hand-picked peers' chips wrap a long council name instead of cutting it off ("Northwold Metropo…"):
#: in a 300-pixel sidebar most council names are longer than a chip.  Our own static CSS, no user text.
CHIPS_CSS = """
<style>
[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"] { max-height: none; }
[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"] [data-tag] {
  max-width: 100%; height: auto; min-height: 1.5rem; }
[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"] [data-tag] > span[title] {
  white-space: normal; overflow: visible; text-overflow: clip; max-width: none; line-height: 1.25; }
</style>
"""


@st.cache_resource(show_spinner="Preparing the demo database…")
def _ensure_database(path: str) -> str:
    """Build the demo database once per process when none exists (docs/architecture.md#storage)."""
    demo.ensure_database(path)
    return path


def _initial_state(cat) -> None:  # noqa: ANN001 - Catalog
    """First run of a session: take the view from the URL (untrusted; falls back with a note)."""
    state = st.session_state
    ids = cat.ids
    rounds = {cid: cat.round_labels(cid) for cid in ids}
    from_url = selection.from_query(dict(st.query_params), ids, rounds, n_slides=99)
    state["url_notes"] = from_url.notes
    state["_kept"] = {
        "sb_council": from_url.council,
        "sb_round": from_url.round or LATEST,
        "sb_peerset": from_url.peers if from_url.peers in PEER_SETS else HAND_PICKED,
        "sb_peer_ids": from_url.peer_ids,
        "sb_horizon": from_url.horizon,
    }
    state["_debrief"] = from_url.debrief
    state["debrief_slide"] = from_url.slide


def _settle(key: str, options: list[str], default: str | None) -> None:
    """Put a sidebar widget's remembered value back in its options before the widget is drawn (a stale
    value from a link, or from before a new import), checked by selection.py's one rule for every choice."""
    value = selection.choose(st.session_state.get(key), options, default)
    if key not in st.session_state or st.session_state[key] != value:
        st.session_state[key] = value


def _keep(key: str) -> None:
    """Record a sidebar choice as it is made (callbacks run before the script), so it holds even in a
    run that does not draw that widget."""
    st.session_state["_kept"][key] = st.session_state.get(key)


def _debrief_switched() -> None:
    """Turning debrief on opens the slides; turning it off leaves them for the Overview."""
    st.session_state["_debrief"] = bool(st.session_state.get("sb_debrief"))
    st.session_state["_goto"] = DEBRIEF_SPEC[0] if st.session_state.get("sb_debrief") else PAGE_SPECS[0][0]
    st.session_state["debrief_slide"] = 1


def _public_pages() -> list:
    """Pages reachable without signing in (mandate_core.access.PUBLIC_PAGE_FILES: the join page)."""
    return [st.Page(path, title=title, icon=icon, url_path=url, visibility=_shown(path))
            for path, title, icon, url in PAGE_SPECS if path in access.PUBLIC_PAGE_FILES]


def _scoped_sidebar(cat, who: access.Principal) -> selection.Selection:  # noqa: ANN001 - Catalog
    """A council user's sidebar: their own council only (no list naming others), its rounds, a peer set
    (never a hand-picked list, which would name councils) and the horizon; always anonymised."""
    state = st.session_state
    if "_kept" not in state:
        _initial_state(cat)
    kept: dict = state["_kept"]
    council = who.council_id
    sb = st.sidebar
    sb.markdown("### Innovation Mandate")
    sb.markdown(f"**Council:** {md_escape(cat.name(council))}")
    sb.caption("Other councils are shown as Peer 1, Peer 2, …")
    round_options = [LATEST, *cat.round_labels(council)]
    for key, options in (("sb_round", round_options), ("sb_peerset", list(PEER_SETS)),
                         ("sb_horizon", list(HORIZONS))):
        _settle(key, options, selection.choose(kept.get(key), options, options[0]))
    rnd = sb.selectbox("Workshop round", round_options, key="sb_round")
    peers = sb.selectbox("Compare with", list(PEER_SETS), format_func=PEER_SET_LABELS.get, key="sb_peerset",
                         help="The peer set used on the Benchmark page.")
    horizon = sb.selectbox("Horizon", list(HORIZONS), format_func=HORIZON_LABELS.get, key="sb_horizon")
    state["sb_debrief"] = bool(state.get("_debrief"))
    look = sb.toggle("Debrief mode", key="sb_debrief", on_change=_debrief_switched,
                     help="For projecting to a room: large type and the debrief slides.")
    # Always anonymised (scoped); the debrief look is the user's own switch, as for anyone projecting.
    sel = selection.Selection(council=council, round=None if rnd == LATEST else rnd, peers=peers,
                              horizon=horizon, debrief=look, slide=int(state.get("debrief_slide", 1)),
                              scoped=True)
    wanted = sel.to_query()
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
    return sel


def _sidebar(cat, who: access.Principal | None = None) -> selection.Selection:  # noqa: ANN001 - Catalog
    if who is not None and not who.sees_all_names:
        return _scoped_sidebar(cat, who)
    state = st.session_state
    if "_kept" not in state:
        _initial_state(cat)
    kept: dict = state["_kept"]
    for key in _KEPT:  # restore what a debrief run did not draw
        if key not in state:
            state[key] = kept[key]
    ids = cat.ids
    _settle("sb_council", ids, ids[0] if ids else None)
    council = state["sb_council"]
    rounds = cat.round_labels(council) if council else []

    sb = st.sidebar
    sb.markdown("### Innovation Mandate")
    # The switch's value lives in "_debrief" (set by its callback), so a page switch cannot lose it.
    state["sb_debrief"] = debrief = bool(state.get("_debrief"))
    if debrief:
        # No council list here: its options would put every other council's name in the page.
        sb.markdown(f"**Debrief:** {md_escape(cat.name(council))}")
        sb.caption("Other councils are shown as Peer 1, Peer 2, … Turn debrief mode off to choose another "
                   "council or round.")
        rnd = selection.choose(state.get("sb_round"), [LATEST, *rounds], LATEST)
        peers = state["sb_peerset"]
        if peers == HAND_PICKED:
            chosen = selection.known_peers(state.get("sb_peer_ids") or [], ids, council)
            peers = ",".join(chosen) if chosen else "all"
        horizon = state["sb_horizon"]
    else:
        council = sb.selectbox("Council", ids, format_func=cat.name, key="sb_council",
                               on_change=_keep, args=("sb_council",),
                               help="The council whose workshop results the pages show.")
        rounds = cat.round_labels(council)
        _settle("sb_round", [LATEST, *rounds], LATEST)
        rnd = sb.selectbox("Workshop round", [LATEST, *rounds], key="sb_round", on_change=_keep, args=("sb_round",))
        peer_labels = {**PEER_SET_LABELS, HAND_PICKED: "Hand-picked councils"}
        peerset = sb.selectbox("Compare with", list(peer_labels), format_func=peer_labels.get,
                               key="sb_peerset", help="The peer set used on the Benchmark page.",
                               on_change=_keep, args=("sb_peerset",))
        peers = peerset
        if peerset == HAND_PICKED:
            known = selection.known_peers(state.get("sb_peer_ids") or [], ids, council)
            if known != list(state.get("sb_peer_ids") or []):
                state["sb_peer_ids"] = known
            chosen = sb.multiselect("Peer councils", [c for c in ids if c != council], format_func=cat.name,
                                    key="sb_peer_ids", max_selections=selection.MAX_PEER_IDS,
                                    on_change=_keep, args=("sb_peer_ids",))
            sb.html(CHIPS_CSS)
            peers = ",".join(chosen) if chosen else "all"
        horizon = sb.selectbox("Horizon", list(HORIZONS), format_func=HORIZON_LABELS.get, key="sb_horizon",
                               on_change=_keep, args=("sb_horizon",))
        for key in _KEPT:
            kept[key] = state.get(key)
    debrief = sb.toggle("Debrief mode", key="sb_debrief", on_change=_debrief_switched,
                        help="For projecting to a room: large type, one chart a screen, other councils "
                             "anonymised. Also ?debrief=1 in the link.")
    sel = selection.Selection(
        council=council, round=None if rnd == LATEST else rnd, peers=peers, horizon=horizon,
        debrief=debrief, slide=int(state.get("debrief_slide", 1)),
    )
    wanted = sel.to_query()
    if debrief and sel.peer_ids:
        wanted.pop("peers")  # a hand-picked list would put peer ids in the address bar on the wall
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
    return sel


def main() -> None:
    st.session_state[ui.ENTRY_RAN] = True
    st.session_state.pop(ui.CONTEXT_KEY, None)  # built afresh below for the page this run shows
    st.html(ui.HEADING_CSS)
    path = str(storage.resolve_db_path(None))
    try:
        _ensure_database(path)
        cat = ui.catalog()
        gate = signin.current_gate(path, cat.ids)
    except ui.STORE_FAULTS as exc:  # a damaged file, a full disk, a read-only folder, a busy database
        if not ui.show_store_fault(exc):
            raise
        st.stop()
    if gate.principal is None and (gate.state == "refused" or st.query_params.get("code") is None):
        # sign-in screen, "no access" or "not configured": no data, no names
        st.session_state.pop("selection", None)
        st.navigation(signin.gate_pages(gate, _public_pages())).run()
        return
    if st.query_params.get("code") is not None and not _workshop_link(gate.principal):
        # (also for a phone that has not signed in, docs/signin.md)
        # A phone's join link: the join page alone, with no sidebar (so no council list) and its code and
        # device token left in the address bar for a reload to resume (docs/live.md).
        st.navigation(_join_only(), position="hidden").run()
        return
    who = gate.principal
    assert who is not None  # every gate state without a principal returned above
    debrief = False
    if not cat.empty:
        sel = _sidebar(cat, who)
        st.session_state["selection"] = sel
        debrief = sel.debrief  # the look; a council user's view is anonymised either way (sel.anonymise)
    signin.sidebar_account(who)
    page = st.navigation(_pages(debrief, who))
    goto = st.session_state.pop("_goto", None)
    if goto and not access.may_open(who, goto):
        goto = None  # a link to a page this role may not use, opened as a server's first request
    if goto == DEBRIEF_SPEC[0] and not debrief and not cat.empty:
        # a fresh server's first request for /Debrief (run as the page file alone): the slides need debrief on
        st.session_state.update(_debrief=True, debrief_slide=1, _goto=goto)
        st.rerun()
    if goto and not cat.empty:
        st.switch_page(goto, query_params=st.session_state["selection"].to_query())
    st.html(ui.PHONE_CSS)
    if debrief:
        st.html(DEBRIEF_CSS if ui.narrow() else DEBRIEF_CSS + DEBRIEF_TITLE_CSS)
    notes = st.session_state.pop("url_notes", [])
    st.session_state["_notes_shown"] = notes  # a stand-in page hands them on to the page it opens
    for note in notes:
        st.warning(md_escape(note), icon=":material/link_off:")  # notes quote the link's text
    if cat.is_demo:
        st.info("**Demo data.** The councils shown are fictional and their scores invented, to show what "
                "the dashboard does." + (" Import your own results on the Data page."
                                         if who.can_import and not debrief else ""),
                icon=":material/science:")
    try:  # the one place the app resolves the threshold and sets up what every page starts from
        st.session_state[ui.CONTEXT_KEY] = ui.build_context(cat)
    except disclosure.ThresholdError as exc:
        st.error(md_escape(exc), icon=":material/database:")
        st.stop()
    page.run()


main()
