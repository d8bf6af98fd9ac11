"""AppTest of the pages as a phone gets them (issue 16): the page decides ``narrow`` (pages/_layout/phone.py narrow,
from the browser's User-Agent, which AppTest cannot send: the decision is patched here) and every chart
builder, table and the debrief slides follow it; without it the desktop layout is unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers_pages import open_folded
from streamlit.testing.v1 import AppTest

from mandate_core import demo
from pages import _layout

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("demo-phone") / "mandate.duckdb")


@pytest.fixture
def env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANDATE_DB", str(demo_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return demo_db


@pytest.fixture
def phone(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The one decision every caller reaches (ui.narrow, ui.look, ui.table): a phone's User-Agent.
    monkeypatch.setattr(_layout.phone, "is_phone_agent", lambda agent: True)


def _open(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update({"council": "aldermoor", **(query or {})})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return open_folded(at)  # every "numbers behind" table opened, as a user can (ui.folded)


def _figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _row_labels_in_margin(fig: dict[str, Any]) -> bool:
    return fig["layout"].get("yaxis", {}).get("showticklabels", True) is not False


@pytest.mark.parametrize(("page", "charts"), [("pages/1_Overview.py", 1), ("pages/2_Council.py", 3),
                                              ("pages/3_Alignment.py", 4), ("pages/4_Themes.py", 2),
                                              ("pages/5_Benchmark.py", 1)])
def test_every_row_chart_names_its_rows_above_them_on_a_phone(phone: None, page: str, charts: int) -> None:
    figures = _figures(_open(page))
    assert len(figures) == charts
    assert not any(_row_labels_in_margin(f) for f in figures)


@pytest.mark.parametrize("page", ["pages/1_Overview.py", "pages/2_Council.py", "pages/5_Benchmark.py"])
def test_a_desktop_keeps_row_labels_in_the_margin(env: Path, page: str) -> None:
    assert all(_row_labels_in_margin(f) for f in _figures(_open(page)))


def test_benchmark_table_is_stacked_on_a_phone(phone: None) -> None:
    at = _open("pages/5_Benchmark.py")
    assert not at.table  # seven columns do not fit 390 pixels
    blocks = [m.value.replace("\\", "") for m in at.markdown if "This council" in m.value]  # markdown-escaped
    assert blocks and blocks[0].startswith("**Overall**")
    assert all(word in blocks[0] for word in ("This council: ", "Peer median: ", "Percentile: ", "Where it sits: "))


def test_a_desktop_pins_no_column(env: Path) -> None:
    at = _open("pages/1_Overview.py")
    assert "pinned" not in at.dataframe[0].proto.columns


def test_benchmark_table_on_a_desktop(env: Path) -> None:
    at = _open("pages/5_Benchmark.py")
    assert len(at.table) == 1
    assert not [m.value for m in at.markdown if "This council" in m.value]


def test_a_phone_pins_a_dataframe_first_column(phone: None) -> None:
    at = _open("pages/1_Overview.py")
    assert len(at.dataframe) == 1
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["council"] == {"pinned": True}


def test_debrief_slides_on_a_phone(phone: None) -> None:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update({"council": "aldermoor", "debrief": "1"})
    at.run()
    assert not at.exception
    at.button(key="db_next").click().run()  # slide 2: the themes on the spectrum
    (fig,) = _figures(at)
    assert not _row_labels_in_margin(fig)
    assert fig["layout"]["font"]["size"] == 17  # normal type in the hand, not the room's double size
    assert fig["layout"]["title"]["text"] == ""  # the slide's headline is the takeaway, as on the wall
