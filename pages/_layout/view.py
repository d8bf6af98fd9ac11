"""What every page starts from (``ctx = ui.context()``): the scoped selection, the threshold, the anonymiser and
councils' shown names, built once a run by the entry file so no page repeats the setup or the threshold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from mandate_core import catalog as catalog_mod
from mandate_core import disclosure, storage
from mandate_core.selection import Selection
from pages._layout.reads import catalog, db_path, principal

DATA_PAGE = "pages/7_Data.py"
CONTEXT_KEY = "_page_context"  # where the entry file keeps this run's PageContext (st.session_state)


@dataclass(frozen=True)
class PageContext:
    """The catalog, the (scoped) selection, the threshold and every council's shown name (its own, or "Peer N"
    when anonymised): what a page needs before it reads anything."""

    catalog: catalog_mod.Catalog
    selection: Selection
    min_group: int
    labels: Mapping[str, str]

    @property
    def focus_name(self) -> str:
        """The chosen council's shown name (its id if it has none; "" when no council is chosen)."""
        focus = self.selection.council or ""
        return str(self.labels.get(focus, focus))


def selection() -> Selection:
    """The view's selection, scoped to the principal: a council user always gets their own council,
    anonymised as in debrief mode (``anonymise``), whatever the URL or a widget says."""
    from mandate_core import access

    sel = st.session_state.get("selection")
    return access.scope_selection(principal(), sel if isinstance(sel, Selection) else Selection())


def council_labels(cat: catalog_mod.Catalog, sel: Selection) -> dict[str, str]:
    """The shown name of every council: its name, or "Peer N" for every other council when anonymised."""
    names = {str(c["council_id"]): str(c["name"]) for c in cat.councils}
    anon = anonymiser(sel)
    return anon.names(names) if anon is not None else names


def build_context(cat: catalog_mod.Catalog) -> PageContext:
    """This run's page context (the entry file calls it once, after the sidebar set the selection).

    The threshold is resolved here, at the app's edge, and passed to the core as a required argument;
    a ``MANDATE_MIN_GROUP`` that is not a whole number raises :class:`disclosure.ThresholdError`."""
    sel = selection()
    return PageContext(catalog=cat, selection=sel, min_group=disclosure.configured_min_group(),
                       labels=council_labels(cat, sel))


def context(*, need_data: bool = True) -> PageContext:
    """The page context of this run.  ``need_data``: stop the page with a way forward when nothing is
    loaded yet (the Data and Workshop pages work on an empty store and pass False)."""
    ctx = st.session_state.get(CONTEXT_KEY)
    if not isinstance(ctx, PageContext):  # not through the entry file (it always sets one): build it here
        ctx = build_context(catalog())
    if need_data:
        require_data(ctx.catalog)
    return ctx


def require_data(cat: catalog_mod.Catalog | None = None) -> catalog_mod.Catalog:
    """Stop the page with a way forward when nothing is loaded yet."""
    cat = cat if cat is not None else catalog()
    if cat.empty:
        st.info("No workshop results are loaded yet. Import a councils file and a responses file on the "
                "Data page, or rebuild the demo data there.")
        st.page_link(DATA_PAGE, label="Go to the Data page", icon=":material/upload_file:")
        st.stop()
    return cat


@st.cache_resource(show_spinner=False)
def _anon_key(db: str, version: tuple[int, ...]) -> str:  # noqa: ARG001 - part of the cache key
    from mandate_core import anonymise

    return anonymise.shared_key(db)


def anon_key() -> str:
    """The secret behind peer numbers in anonymised views: the store's own (read once per store), so a
    peer keeps its number on every slide, page and download, in every dashboard process and the ``deck``
    command, across restarts — and nobody can recompute the numbering from ids."""
    db = db_path()
    # Keyed by the data version too: a rebuilt demo (or a store that got its key since) is read again.
    return _anon_key(db, storage.data_version(db))


@st.cache_resource(max_entries=64, show_spinner=False)
def _anonymiser(db: str, version: tuple[int, ...], focus: str | None, key: str) -> Any:
    from mandate_core.anonymise import Anonymiser

    return Anonymiser(focus, catalog().councils, key=key)


def anonymiser(sel: Selection | None = None) -> Any:
    """The anonymiser of this page view (mandate_core.anonymise.Anonymiser), or None: it may name every council.

    The one switch: every helper that puts something on the page or in a file (chart, table, text,
    downloads) passes it through this, so a page cannot forget.  A view is anonymised (``sel.anonymise``)
    in debrief mode and for a council user, debrief look or not; the chosen council keeps its name.
    """
    sel = sel if sel is not None else selection()
    if not sel.anonymise:
        return None
    db = db_path()
    return _anonymiser(db, storage.data_version(db), sel.council, anon_key())
