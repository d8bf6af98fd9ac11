"""Shared test setup.

AppTest (Streamlit 1.67) resets ``PagesManager.uses_pages_directory`` before every run, so from the second
run on an app whose entry file calls ``st.navigation`` but keeps its pages in a ``pages/`` folder is run
the old multipage way: the page file alone, without the entry file (no sidebar, no shared selection).
The real server sets the flag to False once ``st.navigation`` has run and keeps it.  This fixture does the
same for AppTest, so tests see what users see on every rerun.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _apptest_runs_the_entry_file_every_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - streamlit is a runtime requirement
        yield
        return
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    yield


@pytest.fixture(params=["duckdb", "postgres"])
def store_kind(request: pytest.FixtureRequest) -> str:
    """Run a store-level test on the DuckDB file and on PostgreSQL (tests/stores.py)."""
    if request.param == "postgres":
        from tests import stores

        stores.require_pg()
    return str(request.param)


@pytest.fixture
def make_store(store_kind: str, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """A factory of new, empty stores of this test's kind; PostgreSQL databases are dropped afterwards."""
    from tests import stores

    made: list[str] = []

    def make(name: str = "store") -> str:
        db = stores.new_store(store_kind, tmp_path, name)
        made.append(db)
        return db

    yield make
    for db in made:
        if stores.is_pg(db):
            stores.drop_pg_db(db)
