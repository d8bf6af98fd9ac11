"""CSV and XLSX downloads of exactly the rows behind a view, anonymised as the view requires."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

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
