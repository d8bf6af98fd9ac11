"""User text reaches the screen as text: no script runs, no HTML or Markdown is interpreted.

A council imported with hostile text (in its name, a theme label and the notes) is opened in a real
browser, which is the only place a script or an ``onerror`` handler would actually fire.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

COUNCIL_ID = "hostile"
NAME = "<b>bold</b> Council"
THEME = "Streets <i>first</i> & more"
NOTES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**markdown**"]
PEOPLE = [("M01", "member", "Labour"), ("M02", "member", "Labour"), ("M03", "member", "Labour"),
          ("O01", "officer", ""), ("O02", "officer", ""), ("O03", "officer", "")]


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built with the importer (the command line) from small CSVs written here."""
    d = tmp_path_factory.mktemp("hostile")
    councils = _write_csv(d / "councils.csv", [{
        "council_id": COUNCIL_ID, "name": NAME, "nation": "England", "council_type": "Unitary",
        "population": "1000", "peer_group": "Group <u>A</u>",
    }])
    rows = []
    for i, (person, role, group) in enumerate(PEOPLE):  # 6 participants: nothing is suppressed
        for h, horizon in enumerate(("now", "next", "ambition")):
            rows.append({
                "council_id": COUNCIL_ID, "round": "2025 baseline", "workshop_date": "2025-05-01",
                "participant": person, "role": role, "group": group, "theme": THEME, "sector_theme": "place",
                "horizon": horizon, "change": str(min(6, 2 + h + i % 2)), "risk": str(2 + h),
                "note": NOTES[i] if horizon == "ambition" and i < len(NOTES) else "",
            })
    responses = _write_csv(d / "responses.csv", rows)
    db = d / "mandate.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "mandate_core", "import", "--db", str(db), "--councils", str(councils),
         str(responses)], cwd=b.REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return db


def _rendered_markup(page: Any) -> dict[str, int]:
    """Elements the hostile text would have created had it been interpreted."""
    return page.evaluate("""() => ({
      img: document.querySelectorAll('img[src="x"]').length,
      script: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length,
      bold: [...document.querySelectorAll('[data-testid="stApp"] b, [data-testid="stApp"] strong')]
              .filter(e => ['bold', 'markdown'].includes(e.textContent.trim())).length,
      italic: [...document.querySelectorAll('[data-testid="stApp"] i, [data-testid="stApp"] em')]
              .filter(e => e.textContent.trim() === 'first').length,
      svgStyled: [...document.querySelectorAll('.js-plotly-plot tspan')]
              .filter(t => ['bold', 'first', 'A'].includes(t.textContent.trim())
                           && /font-(weight|style)|text-decoration/.test(t.getAttribute('style') || '')).length,
    })""")


def test_hostile_text_is_shown_as_text(hostile_db: Path, serve: Any, paths: dict[str, str], page: Any) -> None:
    server = serve("hostile-server", db=hostile_db)
    b.goto(page, server.url, f"{paths['Council']}?council={COUNCIL_ID}")
    page.wait_for_timeout(1000)  # give an onerror handler time to fire
    assert b.problems_on_page(page) == []
    assert page.get_by_role("combobox", name="Council", exact=True).input_value() == NAME

    b.open_expanders(page)  # the numbers tables too (built only when opened)
    text = b.main_text(page)
    for literal in [*NOTES, NAME, THEME]:
        assert literal in text, f"{literal!r} is not shown literally"
        assert page.get_by_text(literal, exact=False).first.is_visible(), f"{literal!r} is not visible"
    assert _rendered_markup(page) == {"img": 0, "script": 0, "bold": 0, "italic": 0, "svgStyled": 0}
    charts = b.chart_report(page)
    assert charts and all(c["marks"] for c in charts), charts

    # The sector view lists every council by name, in the chart and its tooltips' source.
    b.goto(page, server.url, paths["Overview"])
    page.wait_for_timeout(500)
    b.open_expanders(page)
    assert b.problems_on_page(page) == []
    assert _rendered_markup(page) == {"img": 0, "script": 0, "bold": 0, "italic": 0, "svgStyled": 0}
    assert page.dialogs == [], f"a dialog fired: {page.dialogs}"
