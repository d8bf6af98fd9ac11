"""Issue 18: a rerun computes nothing for a part of the page that is not shown, and a widget that changes
one panel reruns that panel only.

* Every "numbers behind" table sits in an expander that tracks its state (``ui.folded``): collapsed, the
  page sends its label and nothing inside it (no table, no download); opened, the table is there and holds
  the numbers of the chart above it.
* The Alignment page's theme picker is a fragment (``ui.section``): choosing a theme reruns that panel and
  not the rest of the page (here driven as the browser drives it, a rerun naming the fragment).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers_pages import open_folded
from streamlit.testing.v1 import AppTest

from mandate_core import demo

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "pages/1_Overview.py": ["ov_numbers"],
    "pages/2_Council.py": ["co_numbers"],
    "pages/3_Alignment.py": ["al_numbers", "al_theme_numbers"],
    "pages/4_Themes.py": ["th_bars_numbers", "th_numbers"],
    "pages/6_Trends.py": ["tr_one_numbers", "tr_all_numbers", "tr_numbers"],
    "pages/8_Debrief.py": ["db_numbers"],
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lazy") / "mandate.duckdb"
    demo.build_database(path)
    return path


@pytest.fixture
def demo_env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANDATE_DB", str(demo_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return demo_db


def page(path: str, council: str = "kestrel-bay") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.selectbox(key="sb_council").set_value(council)
    at.run()
    if path == "pages/8_Debrief.py":
        at.toggle(key="sb_debrief").set_value(True)  # the switch opens the slides
    else:
        at.switch_page(path)
    at.run()
    assert not at.exception, at.exception
    return at


def folded(at: AppTest) -> dict[str, Any]:
    """The page's lazily built expanders by key."""
    boxes = {}
    for box in at.expander:
        widget_id = box.proto.id
        if widget_id.startswith("$$ID-"):
            boxes[widget_id.split("-", 2)[2]] = box
    return boxes


@pytest.mark.parametrize("path", list(PAGES))
def test_a_collapsed_numbers_table_is_not_built(demo_env: Path, path: str) -> None:
    at = page(path)
    boxes = folded(at)
    assert sorted(boxes) == sorted(PAGES[path])
    for key, box in boxes.items():
        assert box.children == {}, key  # the label only: no table, caption or download inside
        assert at.session_state[key] is False
    assert len(at.dataframe) == 0 and len(at.table) == 0  # every table of these pages is a folded one

    open_folded(at)
    assert not at.exception, at.exception
    for key, box in folded(at).items():
        assert box.dataframe or box.table, key
    assert len(at.dataframe) + len(at.table) >= len(PAGES[path])


def test_opened_alignment_tables_hold_the_hand_computed_numbers(demo_env: Path) -> None:
    at = page("pages/3_Alignment.py")
    at.session_state["al_numbers"] = True
    at.run()
    boxes = folded(at)
    assert len(boxes["al_numbers"].dataframe) == 1 and not boxes["al_theme_numbers"].children  # only the one
    groups = boxes["al_numbers"].dataframe[0].value.set_index("group")
    # Kestrel Bay, "A greener borough", ambition.  Everyone: scores 2,3,3,4×11,5×5,6 → 83 / 20 = 4.15;
    # officers 2,3,3,4×4,5×3 → 39 / 10 = 3.90; members 4×7,5×2,6 → 44 / 10 = 4.40.
    assert groups.loc["All participants", "participants"] == 20
    assert groups.loc["All participants", "position"] == pytest.approx(4.15)
    assert groups.loc["Officers", "position"] == pytest.approx(3.90)
    assert groups.loc["Members", "position"] == pytest.approx(4.40)
    assert groups.loc["All participants", "score_4"] == 11

    at.session_state["al_theme_numbers"] = True
    at.run()
    themes = folded(at)["al_theme_numbers"].dataframe[0].value.set_index("theme")
    # Members minus officers: 4.40 − 3.90 = 0.5 on "A greener borough".
    assert themes.loc["A greener borough", "officer_member_gap"] == pytest.approx(0.5)
    assert themes["who_goes_further"].tolist()[:3] == ["members further by 0.5", "members further by 0.9",
                                                       "members further by 1.2"]


def test_an_opened_table_stays_open_and_closes_again(demo_env: Path) -> None:
    at = page("pages/1_Overview.py")
    at.session_state["ov_numbers"] = True
    at.run()
    table = folded(at)["ov_numbers"].dataframe[0].value
    assert len(table) == 28  # one row per demo council
    at.selectbox(key="ov_round").set_value(at.selectbox(key="ov_round").options[1]).run()
    assert folded(at)["ov_numbers"].dataframe  # a widget change elsewhere keeps it open
    at.session_state["ov_numbers"] = False
    at.run()
    assert folded(at)["ov_numbers"].children == {}


def test_a_debrief_slides_numbers_are_read_when_opened(demo_env: Path) -> None:
    at = page("pages/8_Debrief.py")
    assert folded(at)["db_numbers"].children == {}
    at.session_state["db_numbers"] = True
    at.run()
    assert folded(at)["db_numbers"].table or folded(at)["db_numbers"].dataframe
    at.button(key="db_next").click().run()
    assert not at.exception
    assert at.get("plotly_chart")  # the next slide has a chart too
    assert folded(at)["db_numbers"].children  # and its numbers open as the last slide's were left


# --- the Alignment theme picker reruns its panel only ----------------------------------------------------


def test_choosing_an_alignment_theme_reruns_only_its_panel(demo_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import local_script_runner

    from mandate_core import findings
    from pages import _layout as ui

    at = page("pages/3_Alignment.py", council="brackenfield")
    fragments = list(at._fragment_storage._fragments)  # noqa: SLF001 - the panels this run registered
    assert len(fragments) == 1, fragments
    before = [el.proto.spec for el in at.get("plotly_chart")]
    assert len(before) == 4

    calls = {"page": 0, "theme": 0}
    real_report, real_gap = ui.council_report, findings.alignment.officer_member_takeaway

    def counted_report(*args: Any, **kwargs: Any) -> Any:
        calls["page"] += 1
        return real_report(*args, **kwargs)

    def counted_gap(*args: Any, **kwargs: Any) -> Any:
        calls["theme"] += 1
        return real_gap(*args, **kwargs)

    monkeypatch.setattr(ui, "council_report", counted_report)
    monkeypatch.setattr(findings.alignment, "officer_member_takeaway", counted_gap)
    real_rerun = local_script_runner.RerunData
    # The browser's message when a widget inside a fragment changes: a rerun of that fragment alone.
    monkeypatch.setattr(local_script_runner, "RerunData",
                        lambda **kw: real_rerun(**kw, fragment_id_queue=fragments, is_fragment_scoped_rerun=True))
    theme = at.selectbox(key="al_theme")
    other = [o for o in theme.options if o != theme.value][0]
    theme.set_value(other).run()
    assert not at.exception, at.exception

    assert calls == {"page": 0, "theme": 0}  # neither the report nor the across-themes part ran again
    after = [el.proto.spec for el in at.get("plotly_chart")]
    assert len(after) == 2  # the panel's two charts were redrawn, nothing else was sent
    assert after[0] != before[0] and after[1] != before[1]
    assert at.selectbox(key="al_theme").value == other

    monkeypatch.setattr(local_script_runner, "RerunData", real_rerun)  # a full rerun: the whole page
    at.run()
    assert calls["page"] == 1 and calls["theme"] == 1
    assert len(at.get("plotly_chart")) == 4
