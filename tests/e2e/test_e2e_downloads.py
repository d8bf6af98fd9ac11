"""A real download: the file the browser saves holds the same numbers and names the page shows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e


def _download_csv(page: Any, key: str) -> tuple[str, list[dict[str, str]]]:
    """Click the CSV button of ``ui.downloads(..., key=key)`` and read the file the browser saved."""
    button = page.locator(f".st-key-{key}-csv button")
    assert button.count() == 1, f"no CSV download button with key {key}"
    with page.expect_download(timeout=30_000) as info:
        button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    return download.suggested_filename, b.read_csv_download(download.path())


def _metric(page: Any, label: str) -> int:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    assert box.count() == 1, f"no metric labelled {label!r}"
    return int(box.locator('[data-testid="stMetricValue"]').inner_text().replace(",", "").strip())


def test_data_page_download_matches_the_headline_numbers(app_server: b.Server, paths: dict[str, str],
                                                         page: Any) -> None:
    b.goto(page, app_server.url, paths["Data"])
    name, rows = _download_csv(page, "data_dl_loaded")
    assert name == "councils-and-rounds.csv"
    assert rows, "the download is empty"
    assert len({r["council_id"] for r in rows}) == _metric(page, "Councils")
    assert sum(1 for r in rows if r["round"]) == _metric(page, "Workshop rounds")
    assert sum(int(r["participants"]) for r in rows) == _metric(page, "Participants")
    assert sum(int(r["answers"]) for r in rows) == _metric(page, "Answers")
    # The names in the file are the names in the page's table (the rows the table has drawn).
    shown = set(page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts())
    assert {r["name"] for r in rows[:5]} <= shown


def test_council_page_download_matches_the_page(app_server: b.Server, paths: dict[str, str], page: Any) -> None:
    b.goto(page, app_server.url, paths["Council"] + "?council=brackenfield")
    text = b.main_text(page)
    name, rows = _download_csv(page, "co_download")
    assert name.startswith("council-report-brackenfield-") and name.endswith(".csv"), name
    assert rows, "the download is empty"
    # Every theme in the file is a theme the page shows, and the round in the caption is the file's round.
    themes = {r["theme"] for r in rows if r.get("theme")}
    assert themes, f"no theme column in {list(rows[0])}"
    missing = [t for t in themes if t not in text]
    assert not missing, f"themes in the download but not on the page: {missing}"
    caption = re.search(r"Workshop round (.+?), held on (\d{4}-\d{2}-\d{2}), with (\d+) participants", text)
    assert caption, "the page no longer says which round it shows"
    # the file's name says the view, the council and the round (findings.common.slug of the round label)
    round_part = re.sub(r"[^A-Za-z0-9]+", "-", caption.group(1)).strip("-").lower()
    assert name == f"council-report-brackenfield-{round_part}.csv"
    # The first rows are the council overall (no sector theme): their positions are the headline's numbers.
    overall = {r["horizon"]: r for r in rows if not r.get("sector_theme")}
    now, ambition = overall.get("Now"), overall.get("Ambition (about 5 years)")
    assert now and ambition, f"no overall rows in the download: {sorted(overall)}"
    headline = next((line for line in text.splitlines() if line.startswith("Overall")), "")
    for row in (now, ambition):
        assert f"{float(row['position']):.1f}" in headline, (row["position"], headline)
    assert int(now["participants"]) <= int(caption.group(3))
