"""The Data page's upload handling (mandate_core.uploads): the command line's import, from uploaded bytes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers_import import (
    COUNCIL_COLUMNS,
    RESPONSE_COLUMNS,
    council,
    dump_db,
    import_cli,
    problem_lines,
    response,
    table_rows,
    workshop,
    write_csv,
    write_xlsx,
)

from mandate_core import importer, storage, uploads


def _csv_bytes(rows, columns=RESPONSE_COLUMNS) -> bytes:  # noqa: ANN001
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buf.getvalue().encode("utf-8")


COUNCILS = uploads.Upload("councils.csv", _csv_bytes([council("alpha"), council("beta", name="Beta Council")],
                                                     COUNCIL_COLUMNS))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mandate.duckdb"
    with storage.connect(path):
        pass
    return path


def _rounds(db: Path) -> list[tuple[str, str]]:
    return table_rows(db, "SELECT council_id, round FROM rounds ORDER BY 1, 2")


def test_good_files_add_a_round(db: Path) -> None:
    responses = uploads.Upload("alpha 2024.csv", _csv_bytes(workshop("alpha")))
    outcome = uploads.import_uploads(db, COUNCILS, [responses])
    assert outcome.ok and outcome.problems == [] and outcome.total == 0
    assert outcome.councils == 2
    assert outcome.imported == [{"council_id": "alpha", "round": "2024 baseline", "answers": 24, "action": "added"}]
    assert "alpha / 2024 baseline: 24 answers added" in outcome.headline()
    assert _rounds(db) == [("alpha", "2024 baseline")]
    # A second round for a council already loaded needs no councils file.
    xlsx = write_xlsx(db.parent / "later.xlsx", workshop("alpha", "2026 follow-up", "2026-03-01"))
    later = uploads.Upload("alpha 2026.xlsx", xlsx.read_bytes())
    outcome = uploads.import_uploads(db, None, [later])
    assert outcome.ok, outcome.problems
    assert _rounds(db) == [("alpha", "2024 baseline"), ("alpha", "2026 follow-up")]


def test_bad_file_returns_problem_rows_and_changes_nothing(db: Path) -> None:
    uploads.import_uploads(db, COUNCILS, [uploads.Upload("first.csv", _csv_bytes(workshop("alpha")))])
    before = dump_db(db)
    rows = workshop("beta")
    rows[0]["change"] = "9"  # file row 2
    rows[4]["participant"] = "someone@example.org"  # file row 6
    outcome = uploads.import_uploads(db, None, [uploads.Upload("../../etc/beta.csv", _csv_bytes(rows))])
    assert not outcome.ok
    assert outcome.total == 2 and outcome.more == 0 and outcome.more_text() == ""
    assert [(p["file"], p["row"], p["column"]) for p in outcome.problems] == [
        ("beta.csv", 2, "change"), ("beta.csv", 6, "participant")]
    assert all(set(p) == set(uploads.PROBLEM_COLUMNS) for p in outcome.problems)
    assert outcome.headline() == "Import refused, nothing was written (2 problems)."
    assert dump_db(db) == before


def test_the_same_messages_as_the_command_line(db: Path, tmp_path: Path) -> None:
    rows = workshop("alpha")
    rows[1]["horizon"] = "later"
    rows[2]["role"] = "mayor"
    path = write_csv(tmp_path / "bad.csv", rows)
    councils = write_csv(tmp_path / "councils.csv", [council("alpha")], COUNCIL_COLUMNS)
    cli = import_cli(db, path, councils=councils)
    assert cli.returncode == 1
    outcome = uploads.import_uploads(db, uploads.Upload("councils.csv", councils.read_bytes()),
                                     [uploads.Upload("bad.csv", path.read_bytes())])
    shown = [str(importer.Problem(p["file"], p["row"], p["column"], p["reason"])) for p in outcome.problems]
    cli_lines = [line.replace(str(path), "bad.csv") for line in problem_lines(cli.stderr)]
    assert shown == cli_lines


def test_more_than_fifty_problems_are_counted(db: Path) -> None:
    rows = [response(participant=f"P{i:03d}", change="0", horizon="now") for i in range(70)]
    outcome = uploads.import_uploads(db, COUNCILS, [uploads.Upload("many.csv", _csv_bytes(rows))])
    assert not outcome.ok
    assert len(outcome.problems) == uploads.MAX_SHOWN == 50
    assert outcome.total >= 70 and outcome.more == outcome.total - 50
    assert outcome.more_text() == f"… and {outcome.total - 50} more problems (first 50 shown)"


@pytest.mark.parametrize(("name", "data", "words"), [
    ("results.xls", b"\xd0\xcf\x11\xe0rest", ".xls file cannot be imported"),
    ("notes.pdf", b"%PDF-1.4", ".pdf file cannot be imported"),
    ("README", b"text", "no extension file cannot be imported"),
    ("empty.csv", b"", "the file is empty"),
])
def test_wrong_type_or_empty_is_refused_before_reading(db: Path, name: str, data: bytes, words: str) -> None:
    before = dump_db(db)
    outcome = uploads.import_uploads(db, None, [uploads.Upload(name, data)])
    assert not outcome.ok and outcome.total == 1
    assert words in outcome.problems[0]["reason"]
    assert outcome.problems[0]["row"] is None
    assert dump_db(db) == before


def test_oversize_is_refused(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert uploads.MAX_UPLOAD_BYTES == 200 * 1024 * 1024
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1024)
    monkeypatch.setattr(uploads, "MAX_UPLOAD_MB", 0.001)
    big = uploads.Upload("big.csv", _csv_bytes(workshop("alpha")))
    assert big.size > 1024
    before = dump_db(db)
    outcome = uploads.import_uploads(db, COUNCILS, [big])
    assert not outcome.ok
    assert [p["file"] for p in outcome.problems] == ["big.csv"]
    assert "larger than the" in outcome.problems[0]["reason"]
    assert dump_db(db) == before


def test_a_renamed_binary_is_refused_with_the_importer_message(db: Path) -> None:
    outcome = uploads.import_uploads(db, None, [uploads.Upload("fake.csv", b"%PDF-1.7 not really a csv")])
    assert not outcome.ok
    assert outcome.problems == [{"file": "fake.csv", "row": None, "column": None,
                                 "reason": "this is a PDF document, not a CSV or .xlsx file"}]


def test_no_files() -> None:
    outcome = uploads.import_uploads("/nonexistent/never.duckdb", None, [])
    assert not outcome.ok and "no files to import" in outcome.problems[0]["reason"]


def test_replace_is_required_to_replace_and_then_replaces_whole(db: Path) -> None:
    first = uploads.Upload("a.csv", _csv_bytes(workshop("alpha")))
    assert uploads.import_uploads(db, COUNCILS, [first]).ok
    smaller = uploads.Upload("a.csv", _csv_bytes(workshop("alpha", people=(("M01", "member", "Labour"),))))
    refused = uploads.import_uploads(db, None, [smaller])
    assert not refused.ok and "replace" in refused.problems[0]["reason"]
    done = uploads.import_uploads(db, None, [smaller], replace=True)
    assert done.ok and done.imported[0]["action"] == "replaced"
    assert table_rows(db, "SELECT count(DISTINCT participant) FROM answers") == [(1,)]


def test_rounds_to_replace_previews_csv_and_xlsx(tmp_path: Path) -> None:
    loaded = {"alpha": [{"round": "2024 baseline"}], "beta": [{"round": "R1"}]}
    csv_upload = uploads.Upload("a.csv", _csv_bytes(workshop("alpha") + workshop("gamma")))
    xlsx = write_xlsx(tmp_path / "b.xlsx", workshop("beta", "R1"))
    found, complete = uploads.rounds_to_replace([csv_upload, uploads.Upload("b.xlsx", xlsx.read_bytes())], loaded)
    assert found == [("alpha", "2024 baseline"), ("beta", "R1")] and complete
    found, complete = uploads.rounds_to_replace([uploads.Upload("x.xlsx", b"PK\x03\x04broken")], loaded)
    assert found == [] and not complete


@pytest.mark.parametrize(("raw", "clean"), [
    ("responses.csv", "responses.csv"),
    ("../../secret/Responses 2024 (final).xlsx", "Responses 2024 (final).xlsx"),
    ("C:\\Users\\me\\data.csv", "data.csv"),
    (".hidden.csv", "hidden.csv"),
    ("we<i>rd|name?.csv", "we_i_rd_name_.csv"),
    ("", "upload"),
])
def test_sanitize_name(raw: str, clean: str) -> None:
    assert uploads.sanitize_name(raw) == clean


def test_two_uploads_with_the_same_name_are_both_kept(db: Path) -> None:
    one = uploads.Upload("data.csv", _csv_bytes(workshop("alpha")))
    two = uploads.Upload("data.csv", _csv_bytes(workshop("beta")))
    outcome = uploads.import_uploads(db, COUNCILS, [one, two])
    assert outcome.ok, outcome.problems
    assert _rounds(db) == [("alpha", "2024 baseline"), ("beta", "2024 baseline")]


class _Uploaded:
    """What a file uploader hands over: a name and ``getvalue()``."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def test_upload_of_and_the_import_words() -> None:
    got = uploads.upload_of(_Uploaded("councils.csv", b"council_id\n"))
    assert got == uploads.Upload(name="councils.csv", data=b"council_id\n") and got.size == 11
    assert uploads.checking_label(1) == "Checking and importing 1 file…"
    assert uploads.checking_label(3) == "Checking and importing 3 files…"
    council = uploads.Upload("c.csv", b"")
    answers = [uploads.Upload("r1.csv", b""), uploads.Upload("r2.xlsx", b"")]
    assert uploads.import_detail(council, answers, replace=False) == "c.csv, r1.csv, r2.xlsx"
    assert uploads.import_detail(None, answers, replace=True) == "r1.csv, r2.xlsx (replace)"
    many = [uploads.Upload("x" * 95 + ".csv", b"") for _ in range(6)]  # 6 × 99 + 5 × 2 = 604 characters
    assert uploads.import_detail(None, many, replace=True) == (", ".join(u.name for u in many))[:500] + " (replace)"
    assert len(uploads.import_detail(None, many, replace=False)) == 500


def test_file_rows_say_rows_read_and_stored_per_file() -> None:
    outcome = uploads.Outcome(ok=True, files=[{"file": "a.csv", "read": 12, "stored": 12},
                                              {"file": "b.xlsx", "read": 7, "stored": 5}])
    assert uploads.file_rows(outcome) == [{"File": "a.csv", "Rows read": 12, "Rows stored": 12},
                                          {"File": "b.xlsx", "Rows read": 7, "Rows stored": 5}]
    assert uploads.file_rows(uploads.Outcome(ok=False)) == []


def test_problems_caption_counts_what_is_not_shown() -> None:
    shown = [{"file": "r.csv", "row": 2, "column": "change", "reason": "x"}] * 3
    assert uploads.problems_caption(uploads.Outcome(ok=False, problems=shown, total=3)) == (
        "Click a problem to read all of it, or download the list:")
    assert uploads.problems_caption(uploads.Outcome(ok=False, problems=shown, total=4)) == (
        "… and 1 more problem (first 3 shown) Click a problem to read all of it, or download the list:")
