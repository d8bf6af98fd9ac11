"""A calm page whatever happens: store faults as one plain message, refusals as words, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from mandate_core import storage
from pages._layout.reads import db_path

ENTRY_RAN = "_entry_ran"
#: What a store fault can arrive as: the store's own error, or (outside a storage.connect block) DuckDB's
#: or the operating system's.  :func:`show_store_fault` decides which of them are faults.
STORE_FAULTS = (storage.StoreError, duckdb.Error, OSError)


def _through_the_entry_file(page_file: str) -> None:
    """Reopen this page through dashboard.py when Streamlit ran the page file on its own.

    Until a server process has run an ``st.navigation`` once, Streamlit treats a ``pages/`` folder the
    old way: a link such as ``/council?council=x`` opened as a fresh server's first request runs the
    page file alone — no sidebar, no selection from the link, no demo database.  The page then hands
    over to the entry file, which takes the link's selection and comes back here.
    """
    if st.session_state.get(ENTRY_RAN):
        return
    st.session_state["_goto"] = f"pages/{Path(page_file).name}"
    st.switch_page("dashboard.py", query_params=dict(st.query_params))


def show_store_fault(exc: BaseException) -> bool:
    """Show a damaged file, a full disk, an unwritable folder or a busy database as one calm message
    naming the file and what to do (the entry file and every page use this one place).  False when
    ``exc`` is not a store fault, so the caller lets it go up rather than disguise a bug."""
    found = storage.fault(exc, db_path())
    if found is None:
        return False
    message = str(found)
    st.error(message[:1].upper() + message[1:], icon=":material/database:")
    return True


def _calmly(render: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``render(*args, **kwargs)``; a refusal or a store fault becomes its calm message instead."""
    try:
        return render(*args, **kwargs)
    except PermissionError as exc:
        if exc.errno is None or not show_store_fault(exc):  # errno None: the read guard's refusal
            st.error("This account cannot see that view.")
    except STORE_FAULTS as exc:
        if not show_store_fault(exc):
            raise
    return None


def section(render: Callable[..., Any]) -> Callable[..., Any]:
    """``render`` as a part of its page that reruns alone when one of its own widgets changes
    (``st.fragment``): choosing what a chart shows redraws that chart, not the sidebar and the rest of the
    page.  Only for a part whose widgets change nothing outside it.  Its errors get the page's calm
    messages (:func:`run_safely`), since a section's own rerun does not pass through the page's handler."""

    @functools.wraps(render)
    def safe(*args: Any, **kwargs: Any) -> Any:
        return _calmly(render, *args, **kwargs)

    return st.fragment(safe)


def run_safely(render: Callable[[], None], page_file: str | None = None) -> None:
    """Render a page; an unexpected error becomes a calm message, never a traceback on a projector."""
    if page_file is not None:
        _through_the_entry_file(page_file)
    _calmly(render)
