"""Every validation rule of docs/formats.md, through the command line.

Each refusal test writes a small bad file and checks the contract of docs/formats.md#what-an-import-does: exit code 1, a
stderr line naming the file, the row (header = row 1) and the column, and a database that is exactly as before.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers_import import (
    COUNCIL_COLUMNS,
    RESPONSE_COLUMNS,
    copy_db,
    council,
    csv_line,
    dump_db,
    find_problem,
    import_cli,
    import_ok,
    problem_lines,
    response,
    table_rows,
    typed_response,
    workshop,
    write_csv,
    write_lines,
    write_xlsx,
)

COUNCIL_REQUIRED = ["council_id", "name", "nation", "council_type"]
RESPONSE_REQUIRED = [
    "council_id", "round", "workshop_date", "participant", "role",
    "theme", "sector_theme", "horizon", "change",
]


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Councils alpha (England), beta (Scotland), gamma (Wales) and alpha's 2024 baseline round."""
    d = tmp_path_factory.mktemp("template")
    db = d / "base.duckdb"
    councils = write_csv(d / "councils.csv", [
        council("alpha"),
        council("beta", nation="Scotland", peer_group="Group B"),
        council("gamma", nation="Wales", population="", peer_group=""),
    ], COUNCIL_COLUMNS)
    import_ok(db, write_csv(d / "responses.csv", workshop("alpha")), councils=councils)
    return db


@pytest.fixture
def db(template_db: Path, make_store: Callable[..., str]) -> Path | str:
    """A copy of the template in this test's store kind: a DuckDB file, then PostgreSQL."""
    return copy_db(template_db, make_store("test"))


def refused(db: Path, *responses: Path, councils: Path | None = None, replace: bool = False) -> str:
    """Run an import that must be refused; check exit 1 and an unchanged database; return stderr."""
    before = dump_db(db)
    proc = import_cli(db, *responses, councils=councils, replace=replace)
    assert proc.returncode == 1, f"expected exit 1, got {proc.returncode}\n{proc.stderr}"
    assert "nothing was written" in proc.stderr
    assert proc.stdout == ""
    assert dump_db(db) == before, "a refused import changed the database"
    return proc.stderr


def accepted(db: Path, *responses: Path, councils: Path | None = None, replace: bool = False) -> None:
    proc = import_cli(db, *responses, councils=councils, replace=replace)
    assert proc.returncode == 0, proc.stderr


def beta_rows(**changes_at: dict[str, str]) -> list[dict[str, str]]:
    """beta's workshop (24 rows), with ``changes_at={"row5": {...}}`` applied to file row 5 etc."""
    rows = workshop("beta", "2025 round")
    for key, change in changes_at.items():
        rows[int(key.removeprefix("row")) - 2].update(change)
    return rows


# --- headers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("missing", COUNCIL_REQUIRED)
def test_councils_required_column_missing(db: Path, tmp_path: Path, missing: str) -> None:
    columns = [c for c in COUNCIL_COLUMNS if c != missing]
    f = write_csv(tmp_path / "councils.csv", [council("delta")], columns)
    err = refused(db, councils=f)
    find_problem(err, f, 1, missing, "missing")


@pytest.mark.parametrize("missing", RESPONSE_REQUIRED)
def test_responses_required_column_missing(db: Path, tmp_path: Path, missing: str) -> None:
    columns = [c for c in RESPONSE_COLUMNS if c != missing]
    f = write_csv(tmp_path / "responses.csv", beta_rows(), columns)
    err = refused(db, f)
    find_problem(err, f, 1, missing, "missing")


def test_optional_columns_may_be_left_out(db: Path, tmp_path: Path) -> None:
    c = write_csv(tmp_path / "councils.csv", [council("delta")], ["council_id", "name", "nation",
                                                                  "council_type"])
    columns = [col for col in RESPONSE_COLUMNS if col not in ("risk", "note")]
    r = write_csv(tmp_path / "responses.csv", workshop("delta"), columns)
    accepted(db, r, councils=c)
    assert table_rows(db, "SELECT population, peer_group FROM councils WHERE council_id = 'delta'") == [
        (None, None)
    ]
    assert table_rows(db, "SELECT count(*) FROM answers WHERE council_id = 'delta' AND risk IS NULL "
                          "AND note IS NULL") == [(24,)]


def test_misspelt_column_is_named_not_dropped(db: Path, tmp_path: Path) -> None:
    header = ["chnage" if c == "change" else c for c in RESPONSE_COLUMNS]
    f = write_csv(tmp_path / "responses.csv", beta_rows(), RESPONSE_COLUMNS, header=header)
    err = refused(db, f)
    find_problem(err, f, 1, "chnage", "unknown column")
    find_problem(err, f, 1, "change", "missing")


@pytest.mark.parametrize("kind", ["responses", "councils"])
def test_extra_column_is_an_error_named_in_the_message(db: Path, tmp_path: Path, kind: str) -> None:
    if kind == "responses":
        rows = [{**r, "Comments": "fine"} for r in beta_rows()]
        f = write_csv(tmp_path / "responses.csv", rows, [*RESPONSE_COLUMNS, "Comments"])
        err = refused(db, f)
    else:
        f = write_csv(tmp_path / "councils.csv", [{**council("delta"), "Comments": "x"}],
                      [*COUNCIL_COLUMNS, "Comments"])
        err = refused(db, councils=f)
    find_problem(err, f, 1, "Comments", "unknown column")


def test_column_given_twice_is_refused(db: Path, tmp_path: Path) -> None:
    rows = [[*(r[c] for c in RESPONSE_COLUMNS), "4"] for r in beta_rows()]
    f = write_csv(tmp_path / "responses.csv", rows, header=[*RESPONSE_COLUMNS, "Change"])
    err = refused(db, f)
    find_problem(err, f, 1, "Change", "more than once")


def test_header_case_and_surrounding_spaces_are_accepted(db: Path, tmp_path: Path) -> None:
    c_header = ["  Council_ID", "NAME ", " Nation", "Council_Type", "POPULATION", " Peer_Group "]
    c = write_csv(tmp_path / "councils.csv", [council("delta", nation="scotland")], COUNCIL_COLUMNS,
                  header=c_header)
    r_header = [f" {col.upper()} " if i % 2 else col.title() for i, col in enumerate(RESPONSE_COLUMNS)]
    r = write_csv(tmp_path / "responses.csv", workshop("delta"), header=r_header)
    accepted(db, r, councils=c)
    assert table_rows(db, "SELECT nation FROM councils WHERE council_id = 'delta'") == [("Scotland",)]
    assert table_rows(db, "SELECT count(*), count(grp), count(risk) FROM answers "
                          "WHERE council_id = 'delta'") == [(24, 18, 16)]


# --- councils values ----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["has space", "a/b", "x" * 41, "naïve", "semi;colon"])
def test_council_id_pattern(db: Path, tmp_path: Path, bad: str) -> None:
    f = write_csv(tmp_path / "councils.csv", [council("delta"), council(bad)], COUNCIL_COLUMNS)
    err = refused(db, councils=f)
    find_problem(err, f, 3, "council_id", "letters, digits")


def test_council_id_unique_within_file(db: Path, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "councils.csv",
                  [council("delta"), council("epsilon"), council("delta", name="Delta Again")],
                  COUNCIL_COLUMNS)
    err = refused(db, councils=f)
    find_problem(err, f, 4, "council_id", "row 2")
    assert len(problem_lines(err)) == 1


def test_council_boundaries_are_accepted(db: Path, tmp_path: Path) -> None:
    cid = "S12-" + "x_" * 18  # 40 characters
    f = write_csv(tmp_path / "councils.csv",
                  [council(cid, name="N" * 120, population="0", nation="Northern Ireland")],
                  COUNCIL_COLUMNS)
    accepted(db, councils=f)
    assert table_rows(db, "SELECT length(name), population FROM councils WHERE council_id = ?",
                      [cid]) == [(120, 0)]


@pytest.mark.parametrize("bad_name", ["N" * 121, ""])
def test_name_length(db: Path, tmp_path: Path, bad_name: str) -> None:
    f = write_csv(tmp_path / "councils.csv", [council("delta", name=bad_name)], COUNCIL_COLUMNS)
    err = refused(db, councils=f)
    find_problem(err, f, 2, "name")


@pytest.mark.parametrize("bad", ["Ireland", "N. Ireland", "UK", ""])
def test_nation_values(db: Path, tmp_path: Path, bad: str) -> None:
    f = write_csv(tmp_path / "councils.csv", [council("delta"), council("eps", nation=bad)],
                  COUNCIL_COLUMNS)
    err = refused(db, councils=f)
    find_problem(err, f, 3, "nation")


@pytest.mark.parametrize("bad", ["-1", "1.5", "lots", "1,000", "12e"])
def test_population_integer_not_negative(db: Path, tmp_path: Path, bad: str) -> None:
    f = write_csv(tmp_path / "councils.csv", [council("delta", population=bad)], COUNCIL_COLUMNS)
    err = refused(db, councils=f)
    find_problem(err, f, 2, "population", "whole number")


def test_council_type_required(db: Path, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "councils.csv", [council("delta", council_type="  ")], COUNCIL_COLUMNS)
    err = refused(db, councils=f)
    find_problem(err, f, 2, "council_type", "required")


# --- responses values ---------------------------------------------------------------------------------

def test_responses_council_must_exist(db: Path, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows() + workshop("delta"))
    err = refused(db, f)
    find_problem(err, f, 26, "council_id", "delta", "not in the database")
    assert len(problem_lines(err)) == 1, "one message per unknown council, not one per row"


def test_responses_council_from_the_same_command_is_accepted(db: Path, tmp_path: Path) -> None:
    c = write_csv(tmp_path / "councils.csv", [council("delta", nation="Wales")], COUNCIL_COLUMNS)
    r = write_csv(tmp_path / "responses.csv", workshop("delta"))
    accepted(db, r, councils=c)
    assert table_rows(db, "SELECT count(*) FROM answers WHERE council_id = 'delta'") == [(24,)]
    assert table_rows(db, "SELECT nation FROM councils WHERE council_id = 'delta'") == [("Wales",)]


def test_responses_council_in_a_bad_councils_file_is_still_refused(db: Path, tmp_path: Path) -> None:
    c = write_csv(tmp_path / "councils.csv", [council("delta", nation="Atlantis")], COUNCIL_COLUMNS)
    r = write_csv(tmp_path / "responses.csv", workshop("delta"))
    err = refused(db, r, councils=c)
    find_problem(err, c, 2, "nation")


def test_round_length(db: Path, tmp_path: Path) -> None:
    ok = write_csv(tmp_path / "ok.csv", workshop("beta", "R" * 60))
    accepted(db, ok)
    bad_rows = workshop("gamma", "R" * 61)
    f = write_csv(tmp_path / "responses.csv", bad_rows)
    err = refused(db, f)
    find_problem(err, f, 2, "round", "60")


def test_round_required(db: Path, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows(row7={"round": ""}))
    err = refused(db, f)
    find_problem(err, f, 7, "round", "required")


@pytest.mark.parametrize("bad", ["01/03/2025", "2025-02-30", "2025-3-1", "March 2025",
                                 "2025-03-01T10:00", "20250301", "x", "0000-01-01", "1899-12-31", "9999-01-01"])
def test_workshop_date_iso(db: Path, tmp_path: Path, bad: str) -> None:
    rows = [{**r, "workshop_date": bad} for r in beta_rows()]
    f = write_csv(tmp_path / "responses.csv", rows)
    err = refused(db, f)
    find_problem(err, f, 2, "workshop_date", "YYYY-MM-DD")


def test_workshop_date_blank_is_reported_once_as_required(db: Path, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows(row4={"workshop_date": ""}))
    err = refused(db, f)
    line = find_problem(err, f, 4, "workshop_date", "required")
    assert problem_lines(err) == [line], "a blank date is one problem, with a reason"


def test_one_workshop_date_per_council_and_round(db: Path, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows(row9={"workshop_date": "2025-03-02"}))
    err = refused(db, f)
    find_problem(err, f, 9, "workshop_date", "2025-03-02", "2024-03-01", "row 2")
    assert len(problem_lines(err)) == 1


@pytest.mark.parametrize("bad", ["jo.bloggs@example.org", "J@council.gov.uk", "first last@mail.com"])
def test_participant_email_rejected(db: Path, tmp_path: Path, bad: str) -> None:
    rows = beta_rows()
    for r in rows:
        if r["participant"] == "O01":
            r["participant"] = bad
    f = write_csv(tmp_path / "responses.csv", rows)
    err = refused(db, f)
    find_problem(err, f, 14, "participant", "e-mail")


@pytest.mark.parametrize("bad", ["councillor", "Officer/Member", ""])
def test_role_values(db: Path, tmp_path: Path, bad: str) -> None:
    rows = beta_rows()
    for r in rows:
        if r["participant"] == "O02":
            r["role"] = bad
    f = write_csv(tmp_path / "responses.csv", rows)
    err = refused(db, f)
    find_problem(err, f, 20, "role")


def test_role_case_is_normalised(db: Path, tmp_path: Path) -> None:
    rows = [{**r, "role": r["role"].upper(), "horizon": r["horizon"].title()} for r in beta_rows()]
    accepted(db, write_csv(tmp_path / "responses.csv", rows))
    assert table_rows(db, "SELECT DISTINCT role, horizon FROM answers WHERE council_id = 'beta' "
                          "ORDER BY ALL") == [(r, h) for r in ("member", "officer")
                                              for h in ("ambition", "next", "now")]


def test_group_required_for_members(db: Path, tmp_path: Path) -> None:
    rows = beta_rows()
    for r in rows:
        if r["participant"] == "M02":
            r["group"] = ""
    f = write_csv(tmp_path / "responses.csv", rows)
    err = refused(db, f)
    find_problem(err, f, 8, "group", "member")


def test_group_optional_for_officers(db: Path, tmp_path: Path) -> None:
    rows = [{**r, "group": ""} if r["role"] == "officer" else r for r in beta_rows()]
    accepted(db, write_csv(tmp_path / "responses.csv", rows))
    assert table_rows(db, "SELECT count(*) FROM answers WHERE council_id = 'beta' AND grp IS NULL") == [
        (12,)
    ]


@pytest.mark.parametrize("bad_theme", ["T" * 121, ""])
def test_theme_length(db: Path, tmp_path: Path, bad_theme: str) -> None:
    rows = [{**r, "theme": bad_theme} if r["theme"] == "Homes for all" else r for r in beta_rows()]
    f = write_csv(tmp_path / "responses.csv", rows)
    err = refused(db, f)
    find_problem(err, f, 5, "theme")


def test_theme_of_120_characters_is_accepted(db: Path, tmp_path: Path) -> None:
    rows = [{**r, "theme": "T" * 120} if r["theme"] == "Homes for all" else r for r in beta_rows()]
    accepted(db, write_csv(tmp_path / "responses.csv", rows))


@pytest.mark.parametrize("bad", ["economics", "Inclusive economy and growth", "housing", ""])
def test_sector_theme_keys(db: Path, tmp_path: Path, bad: str) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows(row6={"sector_theme": bad}))
    err = refused(db, f)
    find_problem(err, f, 6, "sector_theme")


def test_one_sector_key_per_theme(db: Path, tmp_path: Path) -> None:
    # row 15 is O01 / "Good jobs" (economy elsewhere)
    f = write_csv(tmp_path / "responses.csv", beta_rows(row15={"sector_theme": "digital"}))
    err = refused(db, f)
    find_problem(err, f, 15, "sector_theme", "digital", "economy")
    assert len(problem_lines(err)) == 1


@pytest.mark.parametrize("bad", ["later", "5 years", "now ish", ""])
def test_horizon_values(db: Path, tmp_path: Path, bad: str) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows(row3={"horizon": bad}))
    err = refused(db, f)
    find_problem(err, f, 3, "horizon")


@pytest.mark.parametrize("bad", ["0", "7", "2.5", "x", "-1", "", "3 4"])
def test_change_is_an_integer_from_1_to_6(db: Path, tmp_path: Path, bad: str) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows(row11={"change": bad}))
    err = refused(db, f)
    line = find_problem(err, f, 11, "change")
    assert problem_lines(err) == [line], "one problem for one bad cell, with a reason"
    assert "None" not in line


@pytest.mark.parametrize("bad", ["0", "6", "1.5", "x"])
def test_risk_optional_1_to_5(db: Path, tmp_path: Path, bad: str) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows(row12={"risk": bad}))
    err = refused(db, f)
    find_problem(err, f, 12, "risk", "1 to 5")


def test_change_and_risk_boundaries_are_accepted(db: Path, tmp_path: Path) -> None:
    rows = beta_rows(row2={"change": "1", "risk": "1"}, row3={"change": "6", "risk": "5"},
                     row4={"change": " 4 ", "risk": ""})
    accepted(db, write_csv(tmp_path / "responses.csv", rows))
    got = table_rows(db, "SELECT change, risk FROM answers WHERE council_id = 'beta' AND participant = "
                         "'M01' AND theme = 'Good jobs' ORDER BY change")
    assert got == [(1, 1), (4, None), (6, 5)]


def test_note_at_most_2000_characters(db: Path, tmp_path: Path) -> None:
    ok = write_csv(tmp_path / "ok.csv", beta_rows(row4={"note": "n" * 2000}))
    accepted(db, ok)
    f = write_csv(tmp_path / "responses.csv",
                  workshop("gamma", "r1")[:2] + [response(council_id="gamma", round="r1",
                                                          horizon="ambition", note="é" * 2001)])
    err = refused(db, f)
    find_problem(err, f, 4, "note", "2000")


def test_duplicate_participant_theme_horizon(db: Path, tmp_path: Path) -> None:
    rows = beta_rows()
    rows.append(dict(rows[4]))  # M01 / Homes for all / next again, as file row 26
    f = write_csv(tmp_path / "responses.csv", rows)
    err = refused(db, f)
    find_problem(err, f, 26, "participant", "duplicate", "row 6")
    assert len(problem_lines(err)) == 1


def test_participant_keeps_one_role_and_one_group(db: Path, tmp_path: Path) -> None:
    # rows 8-13 are M02 (Green); rows 14-19 are O01 (officer)
    f = write_csv(tmp_path / "responses.csv",
                  beta_rows(row10={"group": "Reform UK"}, row16={"role": "member"}))
    err = refused(db, f)
    find_problem(err, f, 10, "group", "Reform UK", "Green", "row 8")
    find_problem(err, f, 16, "role", "member", "officer", "row 14")


def test_existing_council_round_refused_without_replace(db: Path, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "responses.csv", workshop("alpha", base=4))
    err = refused(db, f)
    find_problem(err, f, 2, "round", "already in the database", "--replace")


def test_same_round_in_two_files_of_one_command(db: Path, tmp_path: Path) -> None:
    rows = beta_rows()
    f1 = write_csv(tmp_path / "part1.csv", rows[:12])
    f2 = write_csv(tmp_path / "part2.csv", rows[12:])
    err = refused(db, f1, f2)
    find_problem(err, f2, 2, "round", "part1.csv")


def test_xlsx_values_are_checked_with_spreadsheet_row_numbers(db: Path, tmp_path: Path) -> None:
    rows: list[object] = [typed_response(r) for r in beta_rows()]
    rows[5]["change"] = 9  # type: ignore[index]
    rows.insert(3, [None] * 12)  # a blank spreadsheet row: skipped, but it still has a number
    f = write_xlsx(tmp_path / "responses.xlsx", rows)  # type: ignore[arg-type]
    err = refused(db, f)
    find_problem(err, f, 8, "change", "'9'")


def test_xlsx_values_beyond_the_last_column(db: Path, tmp_path: Path) -> None:
    rows = [[typed_response(r)[c] for c in RESPONSE_COLUMNS] for r in beta_rows()]
    rows[4].append("stray")
    f = write_xlsx(tmp_path / "responses.xlsx", rows)
    err = refused(db, f)
    find_problem(err, f, 6, None, "beyond the last")


# --- encodings and unreadable files -------------------------------------------------------------------

def test_utf8_with_bom_is_accepted(db: Path, tmp_path: Path) -> None:
    c = write_csv(tmp_path / "councils.csv", [council("delta", name="Ynys Môn Council")],
                  COUNCIL_COLUMNS, bom=True)
    r = write_csv(tmp_path / "responses.csv", workshop("delta"), bom=True, lineterminator="\r\n")
    accepted(db, r, councils=c)
    assert table_rows(db, "SELECT name FROM councils WHERE council_id = 'delta'") == [
        ("Ynys Môn Council",)
    ]


def test_latin1_is_refused_as_not_utf8(db: Path, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "councils.csv",
                  [council("delta"), council("eps", name="Ynys Môn Council")],
                  COUNCIL_COLUMNS, encoding="latin-1")
    err = refused(db, councils=f)
    find_problem(err, f, 3, None, "not UTF-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_as_not_utf8(db: Path, tmp_path: Path, encoding: str) -> None:
    f = write_csv(tmp_path / "responses.csv", beta_rows(), encoding=encoding)
    err = refused(db, f)
    find_problem(err, f, None, None, "not UTF-8")


def test_empty_file(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "responses.csv"
    f.write_bytes(b"")
    err = refused(db, f)
    find_problem(err, f, None, None, "empty")


@pytest.mark.parametrize("ending", ["", "\n", "\r\n", "\n\n\n"])
def test_header_only_file(db: Path, tmp_path: Path, ending: str) -> None:
    f = tmp_path / "responses.csv"
    f.write_text(",".join(RESPONSE_COLUMNS) + ending, encoding="utf-8")
    err = refused(db, f)
    find_problem(err, f, None, None, "no data rows")


def test_blank_first_line_is_not_a_header(db: Path, tmp_path: Path) -> None:
    f = write_lines(tmp_path / "responses.csv",
                    ["", ",".join(RESPONSE_COLUMNS), *[csv_line(r) for r in beta_rows()]])
    err = refused(db, f)
    find_problem(err, f, 1, None, "column names")


@pytest.mark.parametrize("blank_lines_before", [0, 1, 3])
def test_ragged_rows_report_their_own_row_numbers(
    db: Path, tmp_path: Path, blank_lines_before: int
) -> None:
    """Too many and too few values; then a bad value further down keeps its own row number."""
    good = [csv_line(r) for r in beta_rows()]
    lines = [",".join(RESPONSE_COLUMNS)] + [""] * blank_lines_before + good[:2]
    lines.append(good[2] + ",surplus")        # too many values
    lines += good[3:5]
    lines.append(",".join(good[5].split(",")[:7]))  # too few values (7 of 12)
    lines += good[6:9]
    bad_change = good[9].split(",")
    bad_change[9] = "9"
    lines.append(",".join(bad_change))
    lines += good[10:]
    f = write_lines(tmp_path / "responses.csv", lines)
    err = refused(db, f)
    shift = blank_lines_before
    find_problem(err, f, 4 + shift, None, "13 values", "12 columns")
    find_problem(err, f, 7 + shift, None, "7 values", "12 columns")
    find_problem(err, f, 11 + shift, "change", "'9'")
    assert len(problem_lines(err)) == 3, err


@pytest.mark.parametrize("blank", ["", "   ", " \t "], ids=["empty", "spaces", "tab"])
def test_blank_and_whitespace_only_lines_are_skipped_but_counted(
    db: Path, tmp_path: Path, blank: str
) -> None:
    header = ",".join(RESPONSE_COLUMNS)
    bad = [csv_line(r) for r in beta_rows(row9={"change": "9"})]
    f = write_lines(tmp_path / "responses.csv", [header, *bad[:3], blank, *bad[3:], blank])
    err = refused(db, f)
    find_problem(err, f, 10, "change", "'9'")  # file row 9 moved down by the blank line
    assert len(problem_lines(err)) == 1, err
    good = [csv_line(r) for r in beta_rows()]
    accepted(db, write_lines(tmp_path / "ok.csv", [header, *good[:3], blank, *good[3:], blank]))
    assert table_rows(db, "SELECT count(*) FROM answers WHERE council_id = 'beta'") == [(24,)]


def test_ragged_row_after_quoted_line_break(db: Path, tmp_path: Path) -> None:
    """A quoted note spanning two lines is still one spreadsheet row."""
    rows = beta_rows(row3={"note": "line one\nline two"})
    good = [csv_line(r) for r in rows]
    lines = [",".join(RESPONSE_COLUMNS), *good[:4], ",".join(good[4].split(",")[:5]), *good[5:]]
    f = write_lines(tmp_path / "responses.csv", lines)
    err = refused(db, f)
    find_problem(err, f, 6, None, "5 values")
    assert len(problem_lines(err)) == 1, err


def test_unclosed_quote(db: Path, tmp_path: Path) -> None:
    good = [csv_line(r) for r in beta_rows()]
    lines = [",".join(RESPONSE_COLUMNS), *good[:-1], good[-1] + ',"unclosed']
    f = write_lines(tmp_path / "responses.csv", lines)
    err = refused(db, f)
    find_problem(err, f, 25, None)


PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
             b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
             b"\x00\x00\x00\x00IEND\xaeB`\x82")


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


@pytest.mark.parametrize("content", [PNG_BYTES, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "zip"],
                         ids=["png", "pdf", "zip"])
def test_binary_file_named_csv(db: Path, tmp_path: Path, content: bytes | str) -> None:
    f = tmp_path / "responses.csv"
    f.write_bytes(_zip_bytes() if content == "zip" else content)  # type: ignore[arg-type]
    err = refused(db, f)
    line = find_problem(err, f, None, None)
    assert "Traceback" not in err
    assert any(w in line.lower() for w in ("binary", "not a csv", "cannot be opened", "pdf", "zip"))


@pytest.mark.parametrize("damage", ["truncated", "not_a_workbook", "garbage"])
def test_corrupt_xlsx(db: Path, tmp_path: Path, damage: str) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [typed_response(r) for r in beta_rows()])
    f = tmp_path / "responses.xlsx"
    if damage == "truncated":
        data = good.read_bytes()
        f.write_bytes(data[: len(data) // 2])
    elif damage == "not_a_workbook":
        f.write_bytes(_zip_bytes())
    else:
        f.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    err = refused(db, f)
    find_problem(err, f, None, None, "xlsx")
    assert "Traceback" not in err


def test_more_than_50_problems_shows_50_then_a_count(db: Path, tmp_path: Path) -> None:
    rows = [{**r, "change": "9"} for r in workshop("beta", "r1", people=[
        (f"P{i:03d}", "officer", "") for i in range(20)])]  # 20 x 2 x 3 = 120 bad rows
    f = write_csv(tmp_path / "responses.csv", rows)
    err = refused(db, f)
    lines = problem_lines(err)
    assert "(120 problems)" in err.splitlines()[0]
    assert len(lines) == 51, err
    assert all(str(f) in line for line in lines[:50])
    for k, line in enumerate(lines[:50]):
        assert f"row {k + 2}," in line
    assert "70 more" in lines[50]


def test_problems_in_several_files_are_all_reported(db: Path, tmp_path: Path) -> None:
    c = write_csv(tmp_path / "councils.csv", [council("delta"), council("eps", nation="Mars")],
                  COUNCIL_COLUMNS)
    r1 = write_csv(tmp_path / "r1.csv", beta_rows(row5={"horizon": "someday"}))
    r2 = write_csv(tmp_path / "r2.csv",
                   workshop("delta")[:5] + [response(council_id="delta", participant="M09", change="2.5")])
    r3 = tmp_path / "r3.csv"
    r3.write_bytes(b"")
    err = refused(db, r1, r2, r3, councils=c)
    find_problem(err, c, 3, "nation", "Mars")
    find_problem(err, r1, 5, "horizon", "someday")
    find_problem(err, r2, 7, "change", "2.5")
    find_problem(err, r3, None, None, "empty")
    assert "(4 problems)" in err


def test_missing_file_is_exit_1(db: Path, tmp_path: Path) -> None:
    before = dump_db(db)
    proc = import_cli(db, tmp_path / "nowhere.csv")
    assert proc.returncode == 1
    assert "nowhere.csv" in proc.stderr and "no such file" in proc.stderr
    assert dump_db(db) == before
