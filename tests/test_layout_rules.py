"""The project's layout rule for pages: thin pages, each file in pages/ at most 120 lines.

A page reads widgets and lays out what the core returns; anything that computes belongs in mandate_core,
where it is unit-tested.  A page file that grows past the limit is the sign that logic has crept in.
The layout helpers every page shares (``pages/_layout/``: the cached core call, the access guard, the
anonymiser, the chart frame, the downloads) keep to the same limit, one module per concern.  The entry
file ``dashboard.py`` is outside pages/ and exempt.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_PAGE_LINES = 120


def _lines(path: Path) -> int:
    """Lines as ``wc -l`` counts them (a last line without a newline counts too)."""
    return len(path.read_text(encoding="utf-8").splitlines())


def page_files() -> list[Path]:
    """Every Python file under pages/, the layout helpers' package included."""
    return sorted((REPO / "pages").rglob("*.py"))


def over_limit(files: list[Path], limit: int = MAX_PAGE_LINES) -> dict[str, int]:
    """The files longer than ``limit`` lines, with their line counts."""
    return {p.name if p.parent.name != "_layout" else f"_layout/{p.name}": n
            for p in files if (n := _lines(p)) > limit}


def test_the_rule_sees_every_page() -> None:
    names = {p.name for p in page_files()}
    assert {"1_Overview.py", "7_Data.py", "9_join.py", "11_Workshop.py", "_signin.py"} <= names
    helpers = {p.name for p in page_files() if p.parent.name == "_layout"}
    assert {"__init__.py", "reads.py", "charts.py", "files.py"} <= helpers and len(names) >= 12


def test_no_page_file_is_over_120_lines() -> None:
    assert over_limit(page_files()) == {}, f"page files over {MAX_PAGE_LINES} lines: move logic to mandate_core"


@pytest.mark.parametrize(("lines", "over"), [(120, False), (121, True)])
def test_the_limit_counts_lines_as_wc_does(tmp_path: Path, lines: int, over: bool) -> None:
    page = tmp_path / "9_x.py"
    page.write_text("x = 1\n" * (lines - 1) + "x = 1", encoding="utf-8")  # no newline after the last line
    assert _lines(page) == lines
    assert over_limit([page]) == ({"9_x.py": lines} if over else {})


def test_each_helper_module_is_reachable_by_its_name() -> None:
    """A helper the namespace exports must not share a module's name: ``from pages._layout import view``
    would then give the function, not the module (it happened with ``context`` and ``downloads``)."""
    import types

    import pages._layout as ui

    modules = [p.stem for p in (REPO / "pages" / "_layout").glob("*.py") if p.stem != "__init__"]
    assert len(modules) >= 8
    assert [m for m in modules if not isinstance(getattr(ui, m, None), types.ModuleType)] == []
