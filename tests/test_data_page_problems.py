"""The Data page's import problems (issue 16): grouped by cause, in the page's own words, said once, with
the plurals right, every column named, downloadable, and templates to start from."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers_import import COUNCIL_COLUMNS, RESPONSE_COLUMNS, council, workshop
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from mandate_core import demo, importer, uploads

REPO = Path(__file__).resolve().parent.parent
DATA = "pages/7_Data.py"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("datademo") / "mandate.duckdb")


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mandate.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("MANDATE_DB", str(path))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return path


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, bytes]]:
    seen: dict[str, tuple[str, bytes]] = {}
    original = DeltaGenerator.download_button

    def button(dg: DeltaGenerator, label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        seen[str(kwargs.get("key"))] = (str(kwargs.get("file_name")), bytes(data() if callable(data) else data))
        return original(dg, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", button)
    return seen


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buf.getvalue().encode()


def _open() -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page(DATA).run()
    assert not at.exception
    return at


def _page_words(at: AppTest) -> str:
    parts = [x.value for x in [*at.info, *at.warning, *at.error, *at.success, *at.caption, *at.markdown]]
    parts += [str(s.proto.label) for s in at.get("expandable")]
    for frame in at.dataframe:
        parts += [str(v) for v in frame.value.to_numpy().ravel()] + [str(c) for c in frame.value.columns]
    return "\n".join(str(p) for p in parts)


def test_an_unreadable_councils_file_is_one_cause_not_a_line_per_council(db: Path, files: dict) -> None:
    at = _open()
    councils = _csv([council("zed"), council("yon")], list(COUNCIL_COLUMNS[:3]))  # council_type missing
    rows = workshop("zed", "2026 pilot", "2026-10-01") + workshop("yon", "2026 pilot", "2026-10-01")
    for row in rows[:30]:
        row["change"] = "7" if row["participant"].startswith("M") else "9"
    at.file_uploader(key="data_councils_0").set_value(("councils.csv", councils, "text/csv")).run()
    at.file_uploader(key="data_responses_0").set_value([("answers.csv", _csv(rows, RESPONSE_COLUMNS), "text/csv")])
    at.run()
    at.button(key="data_import").click().run()
    assert not at.exception
    problems = at.dataframe[-1].value.to_dict("records")
    assert [p["file"] for p in problems] == ["councils.csv", "answers.csv", "answers.csv"], problems
    assert problems[0]["problem"] == "required column is missing"
    assert problems[1]["problem"] == "2 councils not loaded ('zed', 'yon'): councils.csv could not be read"
    assert problems[2]["rows"] == "2–31 (30 rows)"
    assert problems[2]["problem"] == "must be a whole number from 1 to 6 (the values differ from row to row)"
    words = _page_words(at)
    assert words.count("Import refused — nothing was written") == 1
    assert "--councils" not in words and "--replace" not in words and "command line" not in words
    # the problems as a file: the same lines, every column named
    name, content = files["data_dl_problems-csv"]
    assert name == "import-problems.csv"
    lines = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(lines[0]) == list(uploads.WEB_PROBLEM_COLUMNS) and len(lines) == 3
    assert lines[1]["problem"] == problems[1]["problem"]


def test_one_round_and_one_council_are_said_in_the_singular_and_every_column_named(db: Path) -> None:
    at = _open()
    councils = _csv([council("newtown", name="Newtown Council")], list(COUNCIL_COLUMNS))
    responses = _csv(workshop("newtown", "2026 pilot", "2026-10-01"), list(RESPONSE_COLUMNS))
    at.file_uploader(key="data_councils_0").set_value(("councils.csv", councils, "text/csv")).run()
    at.file_uploader(key="data_responses_0").set_value([("newtown.csv", responses, "text/csv")]).run()
    at.button(key="data_import").click().run()
    assert not at.exception
    success = at.success[0].value
    assert "1 round written; 1 council imported or updated." in success
    table = at.dataframe[-1].value
    assert all(str(c).strip() for c in table.columns)
    assert table["What happened"].tolist() == ["Added"]


def test_the_templates_have_the_header_and_one_row_that_imports(db: Path, files: dict, tmp_path: Path) -> None:
    _open()
    paths = {}
    for kind, columns in (("councils", importer.COUNCIL_COLUMNS), ("responses", importer.RESPONSE_COLUMNS)):
        name, content = files[f"data_tpl_{kind}-csv"]
        assert name == f"{kind}-template.csv"
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0] == list(columns) and len(rows) == 2
        paths[kind] = tmp_path / name
        paths[kind].write_bytes(content)
    # the example is valid input (a single participant is allowed: it is stored, and suppressed on screen)
    result = importer.import_files(tmp_path / "fresh.duckdb", councils=paths["councils"],
                                   responses=[paths["responses"]])
    assert result.councils == 1 and len(result.rounds) == 1


def test_web_reason_keeps_the_cli_message_and_drops_its_options() -> None:
    cli = "council 'x' round 'r' is already in the database; use --replace to replace that round whole"
    assert uploads.web_reason(cli) == ("council 'x' round 'r' is already loaded; tick “Replace rounds "
                                       "that are already loaded” to replace it whole")
    same = [{"file": "a.csv", "row": r, "column": "horizon", "reason": "must be one of now, next, ambition (got 'x')"}
            for r in (4, 2, 3, 9, 12, 13, 20)]
    assert uploads.web_problems(same) == [{"file": "a.csv", "row": 2, "rows": "2–4, 9, 12–13, … (7 rows)",
                                           "column": "horizon",
                                           "problem": "must be one of now, next, ambition (got 'x')"}]


def test_a_wrong_role_and_the_role_rule_it_breaks_are_one_problem() -> None:
    found = [
        {"file": "a.csv", "row": 6, "column": "role", "reason": "must be officer or member (got 'boss')"},
        {"file": "a.csv", "row": 6, "column": "role",
         "reason": "a participant keeps one role: 'boss' differs from 'member' on row 5"},
        {"file": "a.csv", "row": 30, "column": "role",
         "reason": "a participant keeps one role: 'officer' differs from 'member' on row 20"},
    ]
    assert uploads.web_problems(found) == [
        {"file": "a.csv", "row": 6, "rows": "6", "column": "role",
         "problem": "must be officer or member (got 'boss'); so “a participant keeps one role” fails on row 6 too"},
        {"file": "a.csv", "row": 30, "rows": "30", "column": "role",
         "problem": "a participant keeps one role: 'officer' differs from 'member' on row 20"},
    ]
