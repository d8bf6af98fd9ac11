"""Text and tables on the page, anonymised as the view requires, and the council report a page opens with."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import streamlit as st

from mandate_core.text import md_escape
from pages._layout import cache, phone
from pages._layout.reads import cached
from pages._layout.view import PageContext, anonymiser


def clean(value: object) -> str:
    """Text for the page as it may be shown in this view: other councils' names and ids replaced."""
    anon = anonymiser()
    return anon.text(str(value)) if anon is not None else str(value)


def text(value: object) -> None:
    """User-typed text, shown as text and never interpreted as Markdown or HTML (anonymised as the view
    requires: a note may name another council)."""
    st.text(clean(value))


def table(data: Any, *, static: bool = False, **kwargs: Any) -> None:
    """A table of rows on screen (``st.dataframe``, or ``st.table`` when ``static``), anonymised as the view
    requires: peers as "Peer N" in Peer-number order, without their round labels or descriptors."""
    anon = anonymiser()
    if anon is not None:
        data = anon.rows(data)
    if not static and phone.narrow() and "column_config" not in kwargs:
        # On a phone the grid scrolls sideways inside its own box: its first column (the council or theme
        # each row is about) stays pinned at the left, so a row never loses its name.
        first = _first_column(data, kwargs.get("column_order"))
        if first is not None:
            kwargs["column_config"] = {first: st.column_config.Column(pinned=True)}
    if not static and isinstance(data, list):
        # The DataFrame Streamlit would make of these rows, made once per distinct rows and shared (at 400
        # councils, building it was a quarter of an Overview rerun).  Streamlit hides a list's index itself
        # and a DataFrame's only when asked, so it is asked: what reaches the screen is the same.
        import pandas as pd

        kwargs.setdefault("hide_index", True)
        data = cache.shared(pd.DataFrame, data)
    (st.table if static else st.dataframe)(data, **kwargs)


def _first_column(data: Any, order: Sequence[str] | None) -> str | None:
    if order:
        return str(order[0])
    if isinstance(data, Sequence) and data and isinstance(data[0], dict) and data[0]:
        return str(next(iter(data[0])))
    return None


def grid(rows: Sequence[dict[str, Any]], empty: str, **kwargs: Any) -> None:
    """``st.dataframe`` of rows, or a caption saying there are none: an empty grid would be a table with one
    blank column header, which a screen reader announces as nothing (axe: empty-table-header)."""
    if rows:
        st.dataframe(rows, **kwargs)
    else:
        st.caption(empty)


@contextlib.contextmanager
def folded(label: str, key: str) -> Iterator[bool]:
    """A collapsed expander whose content is built only while it is open: ``with ui.folded(...) as shown:``
    then ``if shown:`` around what it holds.

    A plain ``st.expander`` runs and sends its content on every rerun, open or not, and a numbers table is
    a DataFrame built and serialised for nobody.  This one tracks its state (``on_change="rerun"``, Streamlit
    1.67), so opening it reruns the page once with the table and a collapsed one costs nothing; what the
    page source holds while it is collapsed is the label alone.  ``key`` keeps it open across reruns.
    """
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


def page_title(title: str, what: str) -> None:
    """A page's title and the one line under it that says what the page is for (both fixed words)."""
    st.title(title, anchor=False)
    st.caption(what)


def takeaway_header(title: str, caption: str | None = None) -> None:
    st.header(title, anchor=False)
    if caption:
        st.caption(caption)


def council_report(ctx: PageContext) -> dict[str, Any]:
    """The chosen council's report (docs/cli.md#report), for a page that shows nothing without one: when
    there is none, the page says why and stops there."""
    from mandate_core import reports
    from mandate_core.metrics import ReportError

    sel = ctx.selection
    if not sel.council:
        st.info("Choose a council in the sidebar.")
        st.stop()
    try:
        return cached(reports.council_report, sel.council, sel.round, min_group=ctx.min_group)
    except ReportError as exc:
        st.warning("This council's results could not be shown: " + md_escape(exc))
        st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")
