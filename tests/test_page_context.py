"""Every page starts from the one page context (issue 12): the entry file builds it once per run
(``ui.build_context``: catalog, selection, threshold, labels) and a page reads it with ``ui.context()``.
No page repeats the setup lines or resolves the disclosure threshold itself; the threshold is resolved only
at the edges (the command line and the app's page context)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from pages import _layout as ui

REPO = Path(__file__).resolve().parent.parent
#: The page files Streamlit runs (pages/_*.py are helpers); the join page is a phone's, with no selection.
PAGES = sorted(p for p in (REPO / "pages").glob("*.py") if not p.name.startswith("_") and p.name != "9_join.py")
#: The setup a page once did itself, each page its own way.
SETUP = {"require_data", "selection", "council_labels", "build_context", "min_group_size", "configured_min_group"}


def _calls(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id, node.lineno)
            for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)]


def test_the_scan_sees_every_page() -> None:
    assert {p.name for p in PAGES} >= {"1_Overview.py", "2_Council.py", "3_Alignment.py", "4_Themes.py",
                                        "5_Benchmark.py", "6_Trends.py", "7_Data.py", "8_Debrief.py",
                                        "10_Admin.py", "11_Workshop.py"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_each_page_gets_its_setup_from_the_one_context(page: Path) -> None:
    calls = _calls(page)
    assert [f"{page.name}:{line} {name}" for name, line in calls if name in SETUP] == []
    assert [name for name, _ in calls].count("context") == 1, page.name


def test_no_helper_of_the_pages_does_the_setup_either() -> None:
    helpers = [p for p in (REPO / "pages").glob("_*.py")]
    assert [f"{p.name}:{line} {name}" for p in helpers for name, line in _calls(p) if name in SETUP] == []


def test_the_entry_file_builds_the_context_once() -> None:
    calls = [name for name, _ in _calls(REPO / "dashboard.py")]
    assert calls.count("build_context") == 1
    assert "configured_min_group" not in calls and "min_group_size" not in calls


def test_the_threshold_is_resolved_only_at_the_edges() -> None:
    """disclosure.configured_min_group is called by the command line and the app's page context alone."""
    files = [*(REPO / "mandate_core").rglob("*.py"), *(REPO / "pages").rglob("*.py"), REPO / "dashboard.py"]
    callers = sorted({str(p.relative_to(REPO)) for p in files for name, _ in _calls(p)
                      if name == "configured_min_group"})
    assert callers == ["mandate_core/cli.py", "pages/_layout/view.py"]


def test_the_context_is_a_frozen_value_with_the_four_things_a_page_needs() -> None:
    fields = [f.name for f in dataclasses.fields(ui.PageContext)]
    assert fields == ["catalog", "selection", "min_group", "labels"]
    from mandate_core.catalog import Catalog

    ctx = ui.PageContext(catalog=Catalog.__new__(Catalog), selection=ui.Selection(), min_group=3, labels={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.min_group = 1  # type: ignore[misc]


def test_the_focus_name_is_the_chosen_councils_shown_name() -> None:
    """Themes, Benchmark and Trends name the chosen council as the view shows it ("Peer N" rules aside, the
    focus keeps its name); an id the labels do not know is shown as itself, and no council is ""."""
    from mandate_core.catalog import Catalog

    def ctx(council: str | None, labels: dict[str, str]) -> ui.PageContext:
        return ui.PageContext(catalog=Catalog.__new__(Catalog), selection=ui.Selection(council=council),
                              min_group=3, labels=labels)

    assert ctx("kestrel-bay", {"kestrel-bay": "Kestrel Bay Council", "x": "Peer 1"}).focus_name == "Kestrel Bay Council"
    assert ctx("unknown", {"x": "Peer 1"}).focus_name == "unknown"
    assert ctx(None, {"x": "Peer 1"}).focus_name == ""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mandate_core import demo

    path = tmp_path_factory.mktemp("ctxdemo") / "mandate.duckdb"
    demo.build_database(path)
    return path


def _run(monkeypatch: pytest.MonkeyPatch, db: Path, min_group: str | None) -> object:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MANDATE_DB", str(db))
    if min_group is None:
        monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    else:
        monkeypatch.setenv("MANDATE_MIN_GROUP", min_group)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_the_entry_file_leaves_this_runs_context_for_the_page(monkeypatch: pytest.MonkeyPatch,
                                                             demo_db: Path) -> None:
    at = _run(monkeypatch, demo_db, "5")
    ctx = at.session_state[ui.CONTEXT_KEY]
    assert isinstance(ctx, ui.PageContext)
    assert ctx.min_group == 5 and ctx.selection.council == ctx.catalog.ids[0]
    assert ctx.labels[ctx.selection.council] == ctx.catalog.name(ctx.selection.council)


def test_a_bad_threshold_setting_is_one_calm_message_and_no_numbers(monkeypatch: pytest.MonkeyPatch,
                                                                  demo_db: Path) -> None:
    at = _run(monkeypatch, demo_db, "three")
    from mandate_core.text import md_escape

    assert [e.value for e in at.error] == [md_escape("MANDATE_MIN_GROUP must be a whole number, not 'three'")]
    assert not at.get("plotly_chart") and not at.dataframe
