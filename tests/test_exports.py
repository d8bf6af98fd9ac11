"""Spreadsheet downloads neutralise formulas; file names are safe; numbers stay numbers."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from mandate_core import exports

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR", "plain"]


def test_neutralise_prefixes_formula_starts_only() -> None:
    assert [exports.neutralise(v) for v in HOSTILE] == [
        "'=HYPERLINK(\"http://x\")", "'+1+2", "'-3+4", "'@SUM(A1)", "'\tTAB", "'\rCR", "plain"]
    assert exports.neutralise(-0.5) == -0.5  # a negative gap is a number, not a formula


def test_csv_cells_are_neutralised_and_utf8_with_bom() -> None:
    rows = [{"name": v, "gap": -0.25} for v in HOSTILE]
    data = exports.to_csv_bytes(rows)
    assert data.startswith("\ufeff".encode())
    read = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["name"] for r in read] == [exports.neutralise(v) for v in HOSTILE]
    assert {r["gap"] for r in read} == {"-0.25"}


def test_xlsx_cells_are_text_not_formulas() -> None:
    rows = [{"name": v, "gap": -0.25, "missing": None} for v in HOSTILE]
    wb = load_workbook(io.BytesIO(exports.to_xlsx_bytes(rows)))
    ws = wb.active
    values = [ws.cell(row=i + 2, column=1) for i in range(len(HOSTILE))]
    assert all(c.data_type == "s" for c in values)
    # A CR comes back as CR (lxml installed) or LF (standard parser); what matters is the leading apostrophe.
    assert [c.value.replace("\r", "\n") for c in values] == [
        exports.neutralise(v).replace("\r", "\n") for v in HOSTILE]
    assert ws.cell(row=2, column=2).value == -0.25
    assert ws.cell(row=2, column=3).value is None


def test_safe_filename() -> None:
    assert exports.safe_filename("../../etc/passwd", "csv") == "etc-passwd.csv"
    assert exports.safe_filename("Brackenfield – 2024 baseline", "xlsx") == "Brackenfield-2024-baseline.xlsx"
    assert exports.safe_filename("<>:\"|?*", "csv") == "download.csv"
    assert len(exports.safe_filename("x" * 500, "csv")) == 84
