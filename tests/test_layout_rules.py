"""The project's layout rule for pages: thin pages, each file in pages/ at most 120 lines.

A page reads widgets and lays out what the core returns; anything that computes belongs in mandate_core,
where it is unit-tested.  A page file that grows past the limit is the sign that logic has crept in.
``pages/_layout.py`` is exempt: it is the one home of the layout helpers every page shares (the cached
core call, the access guard, the anonymiser, the chart frame, the downloads), not a page.  The entry file
``dashboard.py`` is outside pages/ and exempt too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_PAGE_LINES = 120
#: Files in pages/ that are not page code: the shared layout helpers.
EXEMPT = {"_layout.py"}


def _lines(path: Path) -> int:
    """Lines as ``wc -l`` counts them (a last line without a newline counts too)."""
    return len(path.read_text(encoding="utf-8").splitlines())


def page_files() -> list[Path]:
    return sorted(p for p in (REPO / "pages").glob("*.py") if p.name not in EXEMPT)


def over_limit(files: list[Path], limit: int = MAX_PAGE_LINES) -> dict[str, int]:
    """The files longer than ``limit`` lines, with their line counts."""
    return {p.name: n for p in files if (n := _lines(p)) > limit}


def test_the_rule_sees_every_page() -> None:
    names = {p.name for p in page_files()}
    assert {"1_Overview.py", "7_Data.py", "9_join.py", "11_Workshop.py", "_signin.py"} <= names
    assert "_layout.py" not in names and len(names) >= 12


def test_no_page_file_is_over_120_lines() -> None:
    assert over_limit(page_files()) == {}, f"page files over {MAX_PAGE_LINES} lines: move logic to mandate_core"


@pytest.mark.parametrize(("lines", "over"), [(120, False), (121, True)])
def test_the_limit_counts_lines_as_wc_does(tmp_path: Path, lines: int, over: bool) -> None:
    page = tmp_path / "9_x.py"
    page.write_text("x = 1\n" * (lines - 1) + "x = 1", encoding="utf-8")  # no newline after the last line
    assert _lines(page) == lines
    assert over_limit([page]) == ({"9_x.py": lines} if over else {})
