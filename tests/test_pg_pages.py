"""Every page on a PostgreSQL store shows what it shows on the DuckDB file (docs/deployment.md).

The same demo data in both stores; each page is opened through the entry file as a user would, and its
charts, tables and metrics compared with the file store's.  Without a PostgreSQL server this skips
loudly (fails under CI), like the other store tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from mandate_core import demo
from tests import stores
from tests.helpers_import import copy_db

REPO = Path(__file__).resolve().parent.parent
PAGES = ["pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py", "pages/4_Themes.py",
         "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    stores.require_pg()
    file = demo.build_database(tmp_path_factory.mktemp("pgpages") / "mandate.duckdb")
    url = stores.new_pg_db()
    copy_db(file, url)
    yield str(file), url
    stores.drop_pg_db(url)


def _seen(db: str, page: str, monkeypatch: pytest.MonkeyPatch, **params: str) -> dict[str, Any]:
    monkeypatch.setenv("MANDATE_DB", db)
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if "debrief" not in params:
        at.selectbox(key="sb_council").set_value("aldermoor").run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return {
        "charts": [el.proto.spec for el in at.get("plotly_chart")],
        "tables": [el.value.to_dict("split") for el in at.dataframe],
        "metrics": [(m.label, m.value) for m in at.metric],
        "markdown": [m.value for m in at.markdown],
        "captions": [c.value for c in at.caption if "Database" not in c.value],
    }


@pytest.mark.parametrize("page", PAGES)
def test_each_page_shows_the_same_on_postgresql(both: tuple[str, str], page: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    file, url = both
    on_file = _seen(file, page, monkeypatch)
    on_pg = _seen(url, page, monkeypatch)
    assert on_file["charts"] or on_file["tables"] or on_file["metrics"]  # the page really shows numbers
    assert on_pg == on_file


def test_the_data_page_names_the_postgresql_store_without_credentials(both: tuple[str, str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, url = both
    monkeypatch.setenv("MANDATE_DB", url)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/7_Data.py").run()
    assert not at.exception
    captions = [c.value.replace("\\", "") for c in at.caption if "Database" in c.value]
    assert captions and "PostgreSQL database" in captions[0] and "postgres@" not in captions[0]


def test_the_debrief_renders_on_postgresql(both: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, url = both
    seen = _seen(url, "pages/8_Debrief.py", monkeypatch, debrief="1", council="aldermoor")
    assert seen["charts"]
