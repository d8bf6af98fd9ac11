"""The numbers behind a page's charts: a numbers panel's table and its CSV and XLSX files, anonymised as the
view requires."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from mandate_core.panels import Panel
from pages._layout.tables import folded, table
from pages._layout.view import anonymiser


def downloads(rows: Sequence[dict[str, Any]] | Any, name: str, key: str,
              columns: Sequence[str] | None = None) -> None:
    """CSV and XLSX downloads of exactly the rows behind a view (formulas neutralised), made only when
    clicked."""
    from mandate_core import exports

    anon = anonymiser()
    if anon is not None:
        rows, name = anon.rows(rows), anon.text(name)
    left, right = st.columns(2)
    left.download_button(
        "Download CSV", data=lambda: exports.to_csv_bytes(rows, columns),
        file_name=exports.safe_filename(name, "csv"), mime="text/csv", key=f"{key}-csv",
        on_click="ignore", icon=":material/download:",
    )
    right.download_button(
        "Download XLSX", data=lambda: exports.to_xlsx_bytes(rows, columns),
        file_name=exports.safe_filename(name, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx", on_click="ignore", icon=":material/download:",
    )


def download_pair(rows: Sequence[dict[str, Any]] | Any, name: str, key: str, *, debrief: bool = False,
                  columns: Sequence[str] | None = None) -> None:
    """:func:`downloads` as every page lays them out: the CSV and XLSX buttons side by side, on the left,
    in a box as wide as the pair (wider in debrief mode, for the room's larger type)."""
    from mandate_core import findings

    with st.container(width=findings.common.download_pair_px(debrief)):
        downloads(rows, name, key=key, columns=columns)


def panel_files(panel: Panel, key: str, *, debrief: bool = False) -> None:
    """Each file of a numbers panel as the CSV and XLSX pair, under its caption when it has one."""
    for file in panel.files:
        if file.caption:
            st.caption(file.caption)
        download_pair(file.rows, file.stem, key + file.suffix, debrief=debrief, columns=file.columns)


def numbers_of(panel: Panel | Callable[[], Panel], key: str, files_key: str, *, debrief: bool = False,
               label: str = "") -> None:
    """A numbers panel (mandate_core.panels.numbers_panel): its table collapsed under its heading, and its
    files under the table.  ``panel`` may be a function giving it, called only when the table is opened
    (its files are then inside too, since nothing is built while it is closed); ``label`` is the heading
    then, which cannot be read off a panel not yet built."""
    lazy = not isinstance(panel, Panel)
    with folded(label or getattr(panel, "heading", ""), key) as shown:
        built = panel() if lazy and shown else panel
        if shown and isinstance(built, Panel):
            if built.takeaway:
                st.caption(built.takeaway)
            table(built.table, hide_index=True, width="stretch")
            if lazy:
                panel_files(built, files_key, debrief=debrief)
    if not lazy:
        panel_files(panel, files_key, debrief=debrief)
