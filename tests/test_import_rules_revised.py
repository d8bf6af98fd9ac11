"""docs/formats.md as revised in issue 11: officers' directorates, date-time cells, whole workbooks, row counts.

Each of these valid files used to be refused or, worse, imported in part without a word.  Most tests run
the importer in-process (the command line is the same code; one test goes through it for stdout).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers_import import (
    COUNCIL_COLUMNS,
    RESPONSE_COLUMNS,
    copy_db,
    council,
    import_cli,
    table_rows,
    typed_response,
    workshop,
    write_csv,
    write_xlsx,
)

from mandate_core import importer, maintenance, uploads

# workshop("beta") rows, in file order (row = index + 2): M01 rows 2-7, M02 8-13, O01 14-19, O02 20-25.
O01_ROWS = range(14, 20)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("revised")
    db = d / "base.duckdb"
    councils = write_csv(d / "councils.csv", [council("alpha"), council("beta")], COUNCIL_COLUMNS)
    importer.import_files(db, councils, [])
    return db


@pytest.fixture
def db(template_db: Path, make_store: Callable[..., str]) -> Path | str:
    """A copy of the template in this test's store kind: a DuckDB file, then PostgreSQL."""
    return copy_db(template_db, make_store("test"))


def beta_rows() -> list[dict[str, Any]]:
    return workshop("beta", "2025 round")


def refused(db: Path, *files: Path) -> list[str]:
    """Problems of an import that must be refused, as the command line prints them."""
    with pytest.raises(importer.ImportFailed) as info:
        importer.import_files(db, None, list(files))
    assert table_rows(db, "SELECT count(*) FROM answers") == [(0,)]
    return [str(p) for p in info.value.problems]


# --- an officer's directorate on some rows only ----------------------------------------------------------

def test_officer_group_on_some_rows_and_blank_on_others_is_accepted(db: Path, tmp_path: Path) -> None:
    rows = beta_rows()
    for row_no in (15, 17):  # O01 names "Place" on four rows and leaves two blank
        rows[row_no - 2]["group"] = ""
    result = importer.import_files(db, None, [write_csv(tmp_path / "r.csv", rows)])
    assert result.rounds == [("beta", "2025 round", 24)]
    # Each row is kept as given: the blank stays blank (NULL), the others keep the directorate.
    assert table_rows(db, "SELECT grp, count(*) FROM answers WHERE participant = 'O01' GROUP BY ALL "
                          "ORDER BY ALL NULLS FIRST") == [(None, 2), ("Place", 4)]
    # ...and `check` agrees that this is sound, and the participants view gives the officer one group.
    assert maintenance.check(db) == []
    assert table_rows(db, "SELECT grp FROM participants WHERE participant = 'O01'") == [("Place",)]


def test_officer_with_two_directorates_is_still_refused(db: Path, tmp_path: Path) -> None:
    rows = beta_rows()
    rows[14 - 2]["group"] = ""         # the first O01 row is blank: the first *named* row is row 15
    rows[16 - 2]["group"] = "Finance"
    f = write_csv(tmp_path / "r.csv", rows)
    problems = refused(db, f)
    assert problems == [f"{f}, row 16, column group: a participant keeps one group: 'Finance' differs "
                        "from 'Place' on row 15"]


def test_member_still_needs_one_group_on_every_row(db: Path, tmp_path: Path) -> None:
    rows = beta_rows()
    rows[9 - 2]["group"] = ""          # M02 (Green) leaves one row blank
    rows[11 - 2]["group"] = "Labour"   # ... and names another group on another
    f = write_csv(tmp_path / "r.csv", rows)
    problems = refused(db, f)
    assert problems == [
        f"{f}, row 9, column group: required for a member (their political group)",
        f"{f}, row 11, column group: a participant keeps one group: 'Labour' differs from 'Green' on row 8",
    ]


# --- workbook dates ------------------------------------------------------------------------------------------

def typed_rows() -> list[dict[str, Any]]:
    return [typed_response(r) for r in beta_rows()]


def test_xlsx_date_time_cell_counts_as_its_date(db: Path, tmp_path: Path) -> None:
    rows = typed_rows()
    rows[0]["workshop_date"] = dt.datetime(2024, 3, 1, 14, 30)   # a date-time cell
    rows[1]["workshop_date"] = dt.datetime(2024, 3, 1, 0, 0)     # a date cell as openpyxl reads it
    rows[2]["workshop_date"] = "2024-03-01"                      # text, as before
    importer.import_files(db, None, [write_xlsx(tmp_path / "r.xlsx", rows)])
    assert table_rows(db, "SELECT workshop_date FROM rounds WHERE council_id = 'beta'") == [
        (dt.date(2024, 3, 1),)
    ]


def test_xlsx_date_time_on_another_day_is_a_second_date(db: Path, tmp_path: Path) -> None:
    rows = typed_rows()
    rows[3]["workshop_date"] = dt.datetime(2024, 3, 2, 9, 0)
    f = write_xlsx(tmp_path / "r.xlsx", rows)
    assert refused(db, f) == [f"{f}, row 5, column workshop_date: one date per council and round: "
                              "'2024-03-02' differs from '2024-03-01' on row 2"]


def test_date_time_elsewhere_in_a_workbook_is_text_as_before(db: Path, tmp_path: Path) -> None:
    rows = typed_rows()
    rows[0]["note"] = dt.datetime(2024, 3, 1, 14, 30)
    importer.import_files(db, None, [write_xlsx(tmp_path / "r.xlsx", rows)])
    assert table_rows(db, "SELECT note FROM answers WHERE note LIKE '2024%'") == [("2024-03-01 14:30:00",)]


def test_csv_date_time_text_is_still_refused(db: Path, tmp_path: Path) -> None:
    rows = beta_rows()
    rows[0]["workshop_date"] = "2024-03-01 14:30"
    f = write_csv(tmp_path / "r.csv", rows)
    assert any("row 2, column workshop_date: must be a date written YYYY-MM-DD" in p for p in refused(db, f))


# --- workbooks are read whole, whatever their <dimension> says -------------------------------------------

def with_dimension(path: Path, ref: str) -> Path:
    """Rewrite the first sheet's <dimension ref=...> inside the .xlsx zip, as careless writers leave it."""
    out = path.with_name(f"{path.stem}-dim-{ref.replace(':', '_')}.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), data)
                assert n == 1
            dst.writestr(item, data)
    return out


@pytest.mark.parametrize("ref", ["A1", "A1:L5", "C3:D4"])
def test_stale_dimension_reads_every_row(db: Path, tmp_path: Path, ref: str) -> None:
    f = with_dimension(write_xlsx(tmp_path / "r.xlsx", typed_rows()), ref)
    result = importer.import_files(db, None, [importer.Source(f, "r.xlsx")])
    assert table_rows(db, "SELECT count(*) FROM answers") == [(24,)]
    assert result.files == [("r.xlsx", 24, 24)]


def test_stale_dimension_does_not_hide_bad_rows(db: Path, tmp_path: Path) -> None:
    rows = typed_rows()
    rows[20]["change"] = 9  # row 22, beyond a dimension of A1:L5
    f = with_dimension(write_xlsx(tmp_path / "r.xlsx", rows), "A1:L5")
    assert refused(db, f) == [f"{f}, row 22, column change: must be a whole number from 1 to 6 (got '9')"]


def test_stale_dimension_does_not_hide_extra_columns(db: Path, tmp_path: Path) -> None:
    rows = [[typed_response(r)[c] for c in RESPONSE_COLUMNS] for r in beta_rows()]
    rows[4].append("stray")  # column M, beyond a dimension that ends at L
    f = with_dimension(write_xlsx(tmp_path / "r.xlsx", rows), "A1:L25")
    assert refused(db, f) == [f"{f}, row 6: this row has values beyond the last named column"]


# --- every import says how many rows of each file it read and stored -------------------------------------

def test_counts_per_file_on_the_command_line(db: Path, tmp_path: Path) -> None:
    rows: list[Any] = beta_rows()
    councils = write_csv(tmp_path / "councils.csv", [council("gamma")], COUNCIL_COLUMNS)
    part1 = write_csv(tmp_path / "part1.csv", rows[:10])
    gamma = [dict(r, council_id="gamma") for r in rows]
    part2 = write_xlsx(tmp_path / "part2.xlsx", [typed_response(r) for r in gamma[:6]] + [[None] * 12]
                       + [typed_response(r) for r in gamma[6:]] + [[None] * 12])
    proc = import_cli(db, part1, part2, councils=councils)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert f"{councils}: 1 row read, 1 stored" in lines
    assert f"{part1}: 10 rows read, 10 stored" in lines
    # The empty row among the data is read and skipped; the empty row after the data is not a row.
    assert f"{part2}: 25 rows read, 24 stored (1 empty row skipped)" in lines


def test_counts_with_empty_rows_in_a_csv(db: Path, tmp_path: Path) -> None:
    rows: list[Any] = beta_rows()
    rows.insert(3, {c: "" for c in RESPONSE_COLUMNS})  # ",,,,,,,,,,," as Excel writes it
    result = importer.import_files(db, None, [importer.Source(write_csv(tmp_path / "r.csv", rows), "r.csv")])
    assert result.files == [("r.csv", 25, 24)]
    assert "r.csv: 25 rows read, 24 stored (1 empty row skipped)" in result.summary()


def test_counts_on_the_data_page_upload(db: Path, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "r.csv", beta_rows()).read_bytes()
    outcome = uploads.import_uploads(db, None, [uploads.Upload("my answers.csv", data)])
    assert outcome.ok
    assert outcome.files == [{"file": "my answers.csv", "read": 24, "stored": 24}]
    assert "my answers.csv: 24 rows read, 24 stored" in outcome.headline()


def test_data_page_shows_rows_read_and_stored_per_file(db: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    repo = Path(__file__).resolve().parent.parent
    importer.import_files(db, None, [write_csv(tmp_path / "alpha.csv", workshop("alpha"))])
    monkeypatch.setenv("MANDATE_DB", str(db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    at = AppTest.from_file(str(repo / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/7_Data.py").run()
    rows: list[Any] = beta_rows()
    rows.insert(5, {c: "" for c in RESPONSE_COLUMNS})
    data = write_csv(tmp_path / "beta.csv", rows).read_bytes()
    at.file_uploader(key="data_responses_0").set_value([("beta answers.csv", data, "text/csv")]).run()
    at.button(key="data_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [t.value.to_dict("records") for t in at.dataframe]
    assert [{"File": "beta answers.csv", "Rows read": 25, "Rows stored": 24}] in tables


def test_replace_preview_reads_a_workbook_with_a_stale_dimension(tmp_path: Path) -> None:
    rows = typed_rows()
    rows[-1]["round"] = "2025 second"  # only on the last row, far beyond a dimension of A1
    f = with_dimension(write_xlsx(tmp_path / "r.xlsx", rows), "A1")
    found = uploads.rounds_in_upload(uploads.Upload("r.xlsx", f.read_bytes()))
    assert found == {("beta", "2025 round"), ("beta", "2025 second")}
