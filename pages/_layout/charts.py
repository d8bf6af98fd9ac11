"""A panel on the page: its chart with the takeaway title, "How to read this" and the numbers behind it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from mandate_core.panels import NUMBERS_HEADING
from mandate_core.text import md_escape
from pages._layout import cache
from pages._layout.tables import clean, folded, table
from pages._layout.view import anonymiser


def plotly_chart(fig: Any, *, alt: str | None = None, key: str | None = None) -> None:
    """``st.plotly_chart`` the house way: full width, the small toolbar, and a text alternative (the
    figure's takeaway title unless ``alt`` says more)."""
    from mandate_core.charts.base import TOOLBAR_CONFIG, figure_alt

    st.plotly_chart(fig, width="stretch", key=key, config=TOOLBAR_CONFIG, alt=alt or figure_alt(fig))


def numbers(rows: Sequence[dict[str, Any]] | Callable[[], Sequence[dict[str, Any]]], key: str,
            label: str = NUMBERS_HEADING) -> None:
    """A chart's numbers as a table, collapsed under the chart, as docs/accessibility.md promises for every chart.

    ``rows`` may be a function giving them, called only when the table is opened (:func:`folded`).  Rows
    given as a list that are empty show no expander at all; a function's are only known once opened.
    """
    from mandate_core.charts.base import EMPTY_CELL
    from mandate_core.charts.spectrum import display_table

    if not callable(rows) and not rows:
        return
    with folded(label, key) as shown:
        if not shown:
            return
        shown_rows = list(rows() if callable(rows) else rows)
        if not shown_rows:
            st.caption("This chart draws no numbers.")
            return
        table(display_table(shown_rows), hide_index=True, width="stretch")
        if any(EMPTY_CELL in r.values() for r in shown_rows):
            st.caption(f"{EMPTY_CELL} : nothing drawn (too few people to show, or no answers).")


def chart(fig: Any, how_to_read: str, key: str, *, alt: str | None = None,
          rows: Sequence[dict[str, Any]] | None = None, numbers_table: bool = True) -> None:
    """A chart with its takeaway title (set by the builder), a collapsed "How to read this" and its numbers.

    ``alt`` is the text alternative (default: the title, as plain words).  The numbers are ``rows`` when
    given, else read off the (anonymised) figure itself, so they hold exactly what the chart shows and
    nothing hidden; they are read only when their expander is opened (:func:`folded`).
    ``numbers_table=False`` when the page already shows a table of this chart's numbers.  "How to read
    this" stays a plain expander: it holds a fixed text, which costs less to send than a rerun to open it.
    """
    from mandate_core.charts.base import figure_table

    anon = anonymiser()
    token = cache.shared_token(fig)
    if anon is not None:
        fig = _anonymised(fig, anon)
    plotly_chart(fig, alt=alt, key=key)
    with st.expander("How to read this"):
        st.markdown(how_to_read)
    if numbers_table:
        shown = fig
        numbers(list(rows) if rows is not None else (lambda: _figure_numbers(shown, token, anon, figure_table)),
                key=f"{key}_numbers")


def show(panel: Any, key: str, *, numbers_table: bool = True) -> None:
    """A panel (mandate_core.panels) on the page: its chart (:func:`chart`), or its sentence alone when it
    has nothing to draw.  A shared panel's figure is noted as shared too, so its anonymised copy and its
    numbers are made once per anonymiser, as for a figure built on its own."""
    if panel.figure is None:
        sentence = clean(panel.takeaway)
        st.markdown(md_escape(sentence if sentence.endswith((".", "!", "?")) else sentence + "."))
        return
    token = cache.shared_token(panel)
    if token is not None:
        cache.remember(panel.figure, token + ":figure")
    chart(panel.figure, panel.how_to_read, key, alt=panel.alt, rows=panel.rows, numbers_table=numbers_table)


def _anonymised(fig: Any, anon: Any) -> Any:
    """``anon.figure(fig)``, reused for a shared figure: keyed by the figure's build token and by the
    anonymiser object itself (one per database, data version, focus council and the store's secret; the
    entry holds it, so its ``id`` cannot be reused while the entry lives, and a hit must be that very
    object).  A view is only ever served the figure anonymised by exactly its own anonymiser."""
    token = cache.shared_token(fig)
    if token is None:
        return anon.figure(fig)
    made_by, anonymised = cache.FIGURES.get(("anonymised", token, id(anon)), lambda: (anon, anon.figure(fig)))
    return anonymised if made_by is anon else anon.figure(fig)


def _figure_numbers(fig: Any, token: str | None, anon: Any, read: Callable[[Any], list]) -> list:
    """``read(fig)`` (the numbers the shown figure draws), kept with a shared figure like its anonymised
    copy, so a view only ever gets the numbers of exactly the figure it shows."""
    if token is None:
        return read(fig)
    made_by, rows = cache.FIGURES.get(("numbers", token, id(anon)), lambda: (anon, read(fig)))
    return rows if made_by is anon else read(fig)
