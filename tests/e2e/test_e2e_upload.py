"""Uploading through the Data page in a real browser: a good file adds its round, a bad one changes nothing.

Runs on its own server (``write_server``), so the rounds it adds never reach what other tests see.
Each test uses its own round label, so the two can run in either order.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

REPO = b.REPO
_MISSING = [p for p in ("pages/7_Data.py", "mandate_core/uploads.py") if not (REPO / p).exists()]
needs_data_page = pytest.mark.skipif(bool(_MISSING), reason=f"the Data page's upload is not built yet: "
                                                            f"{', '.join(_MISSING)} missing")

COLUMNS = ["council_id", "round", "workshop_date", "participant", "role", "group",
           "theme", "sector_theme", "horizon", "change", "risk", "note"]
PEOPLE = [("M01", "member", "Labour"), ("M02", "member", "Green"), ("M03", "member", "Labour"),
          ("O01", "officer", "Place")]
THEMES = [("Good jobs", "economy"), ("Homes for all", "place")]


def _responses(path: Path, council: str, rnd: str, *, bad: bool = False) -> Path:
    rows = []
    for i, (person, role, group) in enumerate(PEOPLE):
        for theme, sector in THEMES:
            for h, horizon in enumerate(("now", "next", "ambition")):
                rows.append({"council_id": council, "round": rnd, "workshop_date": "2027-01-15",
                             "participant": person, "role": role, "group": group, "theme": theme,
                             "sector_theme": sector, "horizon": horizon, "change": str(1 + h + i % 2),
                             "risk": str(2 + h), "note": ""})
    if bad:
        rows[1]["change"] = "9"  # out of 1-6
        rows[4]["role"] = "boss"  # neither officer nor member
        rows[7]["participant"] = "someone@example.org"  # personal data
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _metrics(page: Any) -> dict[str, int]:
    out = {}
    for box in page.locator('[data-testid="stMain"] [data-testid="stMetric"]').all():
        label = box.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        value = box.locator('[data-testid="stMetricValue"]').inner_text().replace(",", "").strip()
        out[label] = int(value)
    assert {"Councils", "Workshop rounds", "Participants", "Answers"} <= set(out), out
    return out


def _round_options(page: Any) -> list[str]:
    box = page.get_by_role("combobox", name="Workshop round", exact=True)
    box.click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return [o.strip() for o in options]


def _upload_and_import(page: Any, server: b.Server, data_path: str, file: Path) -> None:
    b.goto(page, server.url, data_path + "?council=aldermoor")
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Responses files")
    assert uploader.count() == 1, "no responses uploader on the Data page"
    uploader.locator('input[type="file"]').set_input_files(str(file))
    uploader.filter(has_text=file.name).wait_for()  # the file's chip is shown once it is uploaded
    b.wait_for_app(page)
    button = page.get_by_role("button", name="Check and import")
    assert button.is_enabled(), "the import button stays disabled after choosing a file"
    button.click()
    page.locator('[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentError"]').filter(
        has_text="mport").first.wait_for(timeout=60_000)
    b.wait_for_app(page)
    assert b.problems_on_page(page) == []


@needs_data_page
def test_uploading_a_good_file_adds_the_round(write_server: b.Server, paths: dict[str, str], page: Any,
                                              tmp_path: Path) -> None:
    rnd = "2027 e2e upload"
    b.goto(page, write_server.url, paths["Data"] + "?council=aldermoor")
    before = _metrics(page)
    assert rnd not in _round_options(page)

    _upload_and_import(page, write_server, paths["Data"], _responses(tmp_path / "new-round.csv", "aldermoor", rnd))
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    assert success.count() >= 1, page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert "Imported" in success.first.inner_text()
    after = _metrics(page)
    answers = len(PEOPLE) * len(THEMES) * 3
    assert after == {**before, "Workshop rounds": before["Workshop rounds"] + 1,
                     "Participants": before["Participants"] + len(PEOPLE),
                     "Answers": before["Answers"] + answers}
    cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts()
    assert rnd in cells and str(answers) in cells, "the imported-rounds table does not list the new round"
    assert rnd in _round_options(page)

    # Every page sees it: the Council page opens the new round by a link.
    b.goto(page, write_server.url, f"{paths['Council']}?council=aldermoor&round={rnd.replace(' ', '+')}")
    assert f"Workshop round {rnd}, held on 2027-01-15, with {len(PEOPLE)} participants" in b.main_text(page)
    assert b.problems_on_page(page) == []


@needs_data_page
def test_uploading_a_bad_file_lists_problems_and_changes_nothing(write_server: b.Server, paths: dict[str, str],
                                                                  page: Any, tmp_path: Path) -> None:
    rnd = "2027 e2e refused"
    b.goto(page, write_server.url, paths["Data"] + "?council=aldermoor")
    before = _metrics(page)

    bad = _responses(tmp_path / "bad-round.csv", "aldermoor", rnd, bad=True)
    _upload_and_import(page, write_server, paths["Data"], bad)
    error = page.locator('[data-testid="stAlertContentError"]')
    assert error.count() >= 1, "no error after a bad upload"
    # The command line reports 4: the bad role also breaks "a participant keeps one role".
    assert "nothing was written (4 problems)" in error.first.inner_text()
    cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts()
    assert "bad-round.csv" in cells, f"the problem table does not name the file: {cells[:12]}"
    for row, column, reason in (("3", "change", "from 1 to 6"), ("6", "role", "officer or member"),
                                ("9", "participant", "e-mail")):  # rows as a spreadsheet shows them
        assert row in cells and column in cells, (row, column, cells)
        assert any(reason in c for c in cells), (reason, cells)
    assert _metrics(page) == before
    assert rnd not in _round_options(page)
