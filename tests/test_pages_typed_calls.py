"""Pages read the core through typed calls (issue 18): ``ui.cached(metrics.trend, ...)`` takes the function
itself, so a type checker checks the arguments and "find references" finds every page that reads it.  No
page names a core function by a string, and the string dispatcher is gone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mandate_core import access, metrics, storage
from pages import _layout as ui

REPO = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted([REPO / "dashboard.py", *(REPO / "pages").glob("*.py")])


def _calls(path: Path, name: str) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and ((isinstance(node.func, ast.Attribute) and node.func.attr == name)
                 or (isinstance(node.func, ast.Name) and node.func.id == name))]


def test_no_page_calls_the_core_by_a_string() -> None:
    offenders = [f"{path.name}:{call.lineno}" for path in PAGE_FILES for call in _calls(path, "core")]
    offenders += [f"{path.name}:{call.lineno}" for path in PAGE_FILES
                  for call in [*_calls(path, "cached"), *_calls(path, "cached_shared")]
                  if call.args and isinstance(call.args[0], ast.Constant)]
    assert offenders == []
    assert not hasattr(ui, "core")


def test_every_cached_call_passes_a_core_function_not_its_name() -> None:
    seen = 0
    for path in PAGE_FILES:
        for call in [*_calls(path, "cached"), *_calls(path, "cached_shared")]:
            seen += 1
            first = call.args[0]
            root = first.value if isinstance(first, ast.Attribute) else None
            while isinstance(root, ast.Attribute):  # findings.benchmark.benchmark_view: a module's function
                root = root.value
            assert isinstance(first, ast.Attribute) and isinstance(root, ast.Name), \
                f"{path.name}:{call.lineno}: {ast.unparse(first)}"
    assert seen >= 20  # the pages' reads of the core (20 when this test was written)


def test_cached_refuses_what_is_not_a_core_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANDATE_DB", str(tmp_path / "none.duckdb"))
    with pytest.raises(TypeError, match="mandate_core"):
        ui.cached(len, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mandate_core"):
        ui.cached(lambda con: 1)


def test_cached_keys_by_the_function_and_returns_its_result(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    from mandate_core import demo

    db = tmp_path / "m.duckdb"
    demo.build_database(db)
    monkeypatch.setenv("MANDATE_DB", str(db))
    monkeypatch.setattr(ui.reads, "principal", lambda: access.LOCAL)  # no sign-in outside a page run
    rows = ui.cached(metrics.sector_overview, None, min_group=5)
    assert len(rows) == 28  # the demo's councils, every one with a latest round
    with storage.connect(db, read_only=True) as con:
        direct = metrics.latest_round(con, "brackenfield"), metrics.trend(con, "brackenfield", 5)
    # Same arguments, two functions: each its own result, never the other's cached value.
    assert ui.cached(metrics.latest_round, "brackenfield") == direct[0]
    assert ui.cached(metrics.trend, "brackenfield", 5) == direct[1] != direct[0]


def test_a_shared_result_is_one_object_per_input_and_kept_copies_stay_with_it(monkeypatch: pytest.MonkeyPatch,
                                                                               tmp_path: Path) -> None:
    from mandate_core import debrief, demo

    db = tmp_path / "m.duckdb"
    demo.build_database(db)
    monkeypatch.setenv("MANDATE_DB", str(db))
    monkeypatch.setattr(ui.reads, "principal", lambda: access.LOCAL)
    deck = ui.cached_shared(debrief.build_deck, "kestrel-bay", None, "all", "key", 5)
    assert ui.cached_shared(debrief.build_deck, "kestrel-bay", None, "all", "key", 5) is deck  # not a copy
    other = ui.cached_shared(debrief.build_deck, "brackenfield", None, "all", "key", 5)
    assert other is not deck and other.name == "Brackenfield District Council" and deck.name == "Kestrel Bay Council"
    with pytest.raises(TypeError, match="mandate_core"):
        ui.cached_shared(len, "x")  # type: ignore[arg-type]

    built: list[str] = []

    def derive(name: str) -> str:
        built.append(name)
        return f"{name} derived"

    assert ui.kept_with(deck, "screen-1", lambda: derive("a")) == "a derived"
    assert ui.kept_with(deck, "screen-1", lambda: derive("b")) == "a derived"  # kept: built once
    assert ui.kept_with(other, "screen-1", lambda: derive("c")) == "c derived"  # another deck: its own
    assert ui.kept_with(object(), "screen-1", lambda: derive("d")) == "d derived"  # not shared: afresh
    assert built == ["a", "c", "d"]
