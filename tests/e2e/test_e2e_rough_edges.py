"""Rough edges a user saw (issue 16), checked in a real browser: no request leaves the machine, the first
Overview chart starts above the fold at 1280×800, the Themes column headers do not overlap."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.mark.parametrize("link", ["/", "/Themes", "/Debrief?debrief=1", "/join?code=ABCD"])
def test_every_request_goes_to_this_server(app_server: b.Server, new_page: Any, link: str) -> None:
    """An offline network (a council meeting room) must get the whole page: the favicon was fetched from
    fonts.gstatic.com."""
    page = new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    b.goto(page, app_server.url, link)
    page.wait_for_timeout(500)
    assert requests, "no request was recorded"
    outside = [u for u in requests
               if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL_HOSTS]
    assert outside == []
    icon = page.evaluate("() => { const l = document.querySelector('link[rel~=\"icon\"]'); return l ? l.href : null; }")
    assert icon and urlparse(icon).hostname in LOCAL_HOSTS, icon


def test_first_overview_chart_starts_above_the_fold(app_server: b.Server, page: Any) -> None:
    b.goto(page, app_server.url, "/?council=brackenfield")
    box = page.locator('[data-testid="stPlotlyChart"]').first.bounding_box()
    assert box is not None
    # Its title and first rows are on the first screen, not just its top edge.
    assert box["y"] + 200 < 800, box


def test_themes_headers_do_not_overlap_at_1280(app_server: b.Server, page: Any) -> None:
    b.goto(page, app_server.url, "/Themes")
    heads = page.evaluate("""() => {
      const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
      return [...plot.querySelectorAll('.xtick text')].map(t => {
        const own = t.getBBox();  // the label's own (unrotated) size
        const m = /rotate\\((-?[0-9.]+)/.exec(t.getAttribute('transform') || '');
        const r = t.getBoundingClientRect();
        return {w: own.width, h: own.height, angle: m ? Math.abs(parseFloat(m[1])) : 0,
                x: m ? r.x : r.x + r.width / 2, top: r.y, text: t.textContent};
      });
    }""")
    assert len(heads) == 8, heads
    for one, two in zip(heads, heads[1:], strict=False):
        dx = two["x"] - one["x"]  # one column (slanted: left ends; level: centres)
        if one["angle"]:
            # Parallel slanted lines: their distance across the slant must hold a line of type.
            import math

            assert dx * math.sin(math.radians(one["angle"])) >= one["h"] + 4, (one, two)
        else:
            # a word space at least between neighbours, or the two names read as one
            assert (one["w"] + two["w"]) / 2 + 10 <= dx, f"{one['text']!r} crowds {two['text']!r}: {one}, {two}"
    plot_top = page.evaluate("""() => document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot')
                                     .getBoundingClientRect().y""")
    assert all(h["top"] >= plot_top for h in heads), "a header is cut off above the chart"
