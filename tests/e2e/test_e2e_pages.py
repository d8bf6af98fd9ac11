"""Every page loads in a real browser without an error box, and every chart on it draws its data.

AppTest already runs each page's script; what only a browser shows is whether Plotly actually drew
something (a figure that fails in plotly.js leaves an empty box) and what the page looks like.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

#: The fewest charts each page shows with the demo data at its default view (read off the real pages).
MIN_CHARTS: dict[str, int] = {
    "Overview": 1,
    "Council": 3,
    "Alignment": 4,
    "Themes": 2,
    "Benchmark": 1,
    "Trends": 2,
    "Data": 0,
}
VIEWPORTS = [(1280, 800), (1920, 1080)]


@pytest.mark.parametrize("name", b.PAGE_TITLES)
def test_page_loads_and_its_charts_draw(name: str, app_server: b.Server, paths: dict[str, str], page: Any) -> None:
    b.goto(page, app_server.url, paths[name])
    assert b.problems_on_page(page) == [], f"{name} shows an error"
    assert b.active_page(page) == name, f"{paths[name]} opened {b.active_page(page)!r}, not {name}"
    assert page.locator('[data-testid="stMain"] [data-testid="stHeading"]').count() >= 1, f"{name} has no heading"
    charts = b.wait_for_charts(page)
    assert len(charts) >= MIN_CHARTS[name], f"{name}: expected at least {MIN_CHARTS[name]} charts, got {charts}"
    empty = [c for c in charts if not c["svg"] or not c["marks"]]
    assert not empty, f"{name}: charts drawn without data (or not drawn at all): {empty}"
    assert not page.dialogs


@pytest.mark.parametrize("width,height", VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
@pytest.mark.parametrize("name", b.PAGE_TITLES)
def test_full_page_screenshot(name: str, width: int, height: int, app_server: b.Server, paths: dict[str, str],
                              new_page: Callable[..., Any]) -> None:
    """Saves tests/e2e/screenshots/<page>-<w>x<h>.png for the page owners to look at."""
    page = new_page(width, height)
    b.goto(page, app_server.url, paths[name])
    assert b.problems_on_page(page) == []
    target = b.SCREENSHOTS / f"{name.lower()}-{width}x{height}.png"
    target.unlink(missing_ok=True)
    b.full_page_screenshot(page, target)
    shot_w, shot_h = b.png_size(target)
    assert shot_w == width and shot_h >= height, (shot_w, shot_h)
