"""Downloads made for opening in a spreadsheet: CSV and XLSX with formula injection neutralised.

A cell a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a
leading apostrophe, so that a council name or a note typed as ``=HYPERLINK(...)`` stays text.  Numbers
are left as numbers (a negative gap is not text).  The backup export of the command line is different on
purpose: it writes values exactly as stored (see maintenance.export).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell value as a spreadsheet should store it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows_and_columns(
    rows: Sequence[dict[str, Any]] | Any, columns: Sequence[str] | None
) -> tuple[list[str], list[list[Any]]]:
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a pandas DataFrame
        cols = [str(c) for c in (columns or list(rows.columns))]
        records = rows.to_dict("records")
    else:
        records = list(rows)
        cols = list(columns) if columns else (list(records[0].keys()) if records else [])
    out = []
    for record in records:
        line = []
        for c in cols:
            v = record.get(c)
            if v is not None and v != v:  # NaN
                v = None
            line.append(neutralise(v))
        out.append(line)
    return cols, out


def to_csv_bytes(rows: Sequence[dict[str, Any]] | Any, columns: Sequence[str] | None = None) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads accents right)."""
    cols, data = _rows_and_columns(rows, columns)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in cols])
    for line in data:
        writer.writerow(["" if v is None else v for v in line])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx_bytes(rows: Sequence[dict[str, Any]] | Any, columns: Sequence[str] | None = None,
                  sheet: str = "data") -> bytes:
    """A one-sheet workbook; every text cell is stored as text, never as a formula."""
    from openpyxl import Workbook

    cols, data = _rows_and_columns(rows, columns)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31] or "data")
    ws.append([neutralise(c) for c in cols])
    for line in data:
        cells = []
        for v in line:
            if isinstance(v, str):
                from openpyxl.cell import WriteOnlyCell

                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"  # text, even if it looks like a formula
                cells.append(cell)
            else:
                cells.append(v)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def safe_filename(stem: str, extension: str) -> str:
    """A download name safe on every OS: letters, digits, - and _ only, at most 80 characters."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or "download"
    return f"{cleaned}.{extension}"
