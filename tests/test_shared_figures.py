"""Figures shared across sessions (pages/_layout/cache.py: figure): built once per distinct input, never served
to a view they were not made for.

A server process keeps one figure per input for every session (issue 18: 50 people opening the same link
must not build it 50 times).  What may not happen: an anonymised view served the plain figure, a plain
view served an anonymised one, one anonymiser's figure served to another, or a figure reused for input
that differs.  The page tests run in one process, so the cache really is shared between the AppTests here.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from pages import _layout as ui
from pages._layout import cache
from tests.test_anonymised_views import FOCUS, FOCUS_NAME, PEERS, build_leaky_db, leaks

ROOT = Path(__file__).resolve().parent.parent


class Fig(dict):
    """A stand-in figure (a dict subclass, so it can be weakly referenced as a Plotly figure can)."""


class Builder:
    """A chart builder that counts its calls (module and name make its cache key, as for a real one)."""

    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()
        self.__module__ = "tests.test_shared_figures"
        self.__qualname__ = f"Builder{id(self)}"

    def __call__(self, rows: list[dict[str, Any]], *, debrief: bool = False) -> Fig:
        with self.lock:
            self.calls += 1
        return Fig(rows=[dict(r) for r in rows], debrief=debrief)


def test_equal_input_gets_the_same_figure_built_once() -> None:
    build = Builder()
    rows = [{"council_id": "a", "value": 1.5}, {"council_id": "b", "value": None}]
    first = ui.figure(build, rows, debrief=False)
    again = ui.figure(build, [dict(r) for r in rows], debrief=False)  # equal, not the same objects
    assert again is first and build.calls == 1


def test_any_difference_in_the_input_builds_another_figure() -> None:
    build = Builder()
    rows = [{"council_id": "a", "value": 1.5}]
    base = ui.figure(build, rows)
    assert ui.figure(build, rows, debrief=True) is not base
    assert ui.figure(build, [{"council_id": "a", "value": 1.6}]) is not base
    assert ui.figure(build, [{"council_id": "A", "value": 1.5}]) is not base
    assert build.calls == 4
    other = Builder()
    assert ui.figure(other, rows) is not base and other.calls == 1  # another builder, same input


def test_unpicklable_input_is_built_every_time_never_shared() -> None:
    build = Builder()
    lock = threading.Lock()  # cannot be pickled, so it has no key
    assert ui.figure(build, [{"x": lock}]) is not ui.figure(build, [{"x": lock}])
    assert build.calls == 2


def test_a_shared_figure_is_known_by_its_token_until_it_is_gone() -> None:
    fig = ui.figure(Builder(), [{"n": 2}])
    token = cache.shared_token(fig)
    assert token is not None
    assert cache.shared_token(Fig(fig)) is None  # an equal figure that was not handed out is not shared
    fig_id = id(fig)
    cache.FIGURES._items.clear()  # the cache lets it go, and so does this test
    del fig
    assert fig_id not in cache.SHARED


def test_many_sessions_asking_at_once_wait_for_one_build() -> None:
    gate = threading.Event()

    class Slow(Builder):
        def __call__(self, rows: list[dict[str, Any]], *, debrief: bool = False) -> Fig:
            gate.wait(2)
            return super().__call__(rows, debrief=debrief)

    build = Slow()
    got: list[Any] = []
    threads = [threading.Thread(target=lambda: got.append(ui.figure(build, [{"n": 1}]))) for _ in range(12)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert len(got) == 12 and all(g is got[0] for g in got)
    assert build.calls == 1


# --- the pages, views one after another in one process ------------------------------------------------------


@pytest.fixture(scope="module")
def leaky_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_leaky_db(tmp_path_factory.mktemp("shared"))


def _chart_text(page: str, db: Path, monkeypatch: pytest.MonkeyPatch, **query: str) -> str:
    monkeypatch.setenv("MANDATE_DB", str(db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update({"council": FOCUS, **query})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    specs = [el.proto.spec for el in at.get("plotly_chart")]
    assert specs, f"{page} drew no chart"
    return "\n".join(json.dumps(json.loads(s), ensure_ascii=False) for s in specs)


@pytest.mark.parametrize("page", ["pages/1_Overview.py", "pages/2_Council.py", "pages/4_Themes.py",
                                  "pages/5_Benchmark.py"])
def test_plain_and_anonymised_views_never_get_each_others_figures(
    page: str, leaky_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain, then debrief, then plain again, then debrief again: each view its own figure every time,
    though the figures are cached in between (the same process, as on the server)."""
    peers_named = {name for _cid, name, _r, _a in PEERS}
    for round_ in range(2):
        plain = _chart_text(page, leaky_db, monkeypatch)
        anonymised = _chart_text(page, leaky_db, monkeypatch, debrief="1")
        assert leaks(anonymised) == [], f"{page}, round {round_}: the debrief view leaks"
        if page.endswith(("Overview.py", "Benchmark.py", "Themes.py")):  # pages whose charts name peers
            assert any(name in plain for name in peers_named), f"{page}: the plain view lost the peers' names"
            assert not re.search(r"Peer \d", plain), f"{page}: the plain view was served an anonymised figure"
            assert re.search(r"Peer \d", anonymised)
        assert FOCUS_NAME in plain or page.endswith("Council.py")
