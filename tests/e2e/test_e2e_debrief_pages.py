"""Debrief mode on the ordinary pages, as a room sees them on a 1920×1080 projector (issue 15).

In debrief mode every page is projected, not only the slides: a tile's label must read as a label (smaller
than its value), a chart's takeaway title must run across the chart instead of standing in a narrow column
at its left, and the Themes grid's note under its title must not either.  On a laptop-sized screen in
debrief mode the same wide titles shrink with the chart, so no line is cut off at the chart's right edge.
Measured in the browser, since only the browser knows what the CSS and Plotly made of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

FOCUS = "brackenfield"
#: A title on two or more lines must use at least this share of its chart's width on its widest line.
MIN_TITLE_SHARE = 0.55
#: How far a title may start from its chart's left edge (Plotly draws it a few pixels in).
LEFT_SLACK_PX = 12

_MEASURE_JS = """() => {
  const box = e => e.getBoundingClientRect();
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  const pad = getComputedStyle(block);  // the column is the block less its padding
  const main = {width: box(block).width - parseFloat(pad.paddingLeft) - parseFloat(pad.paddingRight)};
  const textOf = e => (e && (e.querySelector('p') || e)) || null;
  const metrics = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetric"]')].map(m => {
    const label = textOf(m.querySelector('[data-testid="stMetricLabel"]'));
    const value = textOf(m.querySelector('[data-testid="stMetricValue"]'));
    return {label: label ? label.textContent : null, value: value ? value.textContent : null,
            labelPx: label ? parseFloat(getComputedStyle(label).fontSize) : null,
            valuePx: value ? parseFloat(getComputedStyle(value).fontSize) : null};
  });
  const charts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"] .js-plotly-plot')]
    .map((plot, index) => {
      const chart = box(plot);
      const title = plot.querySelector('.gtitle');
      const drag = plot.querySelector('.draglayer .nsewdrag');
      if (!title || !(title.textContent || '').trim()) return {index, title: null};
      const t = box(title);
      const lines = [...title.querySelectorAll('tspan.line')];
      const widest = lines.length ? Math.max(...lines.map(l => box(l).width)) : t.width;
      const notes = [...title.querySelectorAll('tspan[style*="font-size"]')].map(n => box(n).width);
      return {index, title: title.textContent.slice(0, 90), lines: Math.max(1, lines.length),
              chartLeft: chart.left, chartRight: chart.right, chartWidth: chart.width,
              titleLeft: t.left, titleRight: t.right, titleWidth: t.width, widest,
              plotWidth: drag ? box(drag).width : null, notes};
    });
  const captions = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stCaptionContainer"]')]
    .filter(c => c.offsetParent !== null)
    .map(c => ({text: c.textContent.slice(0, 60), width: box(c).width}));
  return {mainWidth: main.width, metrics, charts, captions};
}"""


def _open(page: Any, server: b.Server, title: str) -> dict[str, Any]:
    # In debrief mode the slides are the default page, so every other page is at its own path.
    b.goto(page, server.url, f"/{title}?council={FOCUS}&debrief=1")
    assert b.problems_on_page(page) == [], title
    assert "slide 1 of" not in b.main_text(page), f"/{title} opened the debrief slides, not the page"
    return page.evaluate(_MEASURE_JS)


def test_debrief_pages_read_from_the_back_of_a_room(app_server: b.Server, new_page: Callable[..., Any]) -> None:
    page = new_page(1920, 1080)
    problems: list[str] = []
    tiles = titles = wrapped = 0
    for title in b.PAGE_TITLES:
        found = _open(page, app_server, title)
        b.full_page_screenshot(page, b.SCREENSHOTS / f"debrief-page-{title}-1920x1080.png")
        for m in found["metrics"]:
            tiles += 1
            if not (m["labelPx"] and m["valuePx"] and m["labelPx"] < m["valuePx"]):
                problems.append(f"{title}: tile {m['label']!r} label {m['labelPx']} px is not smaller than "
                                f"its value {m['value']!r} {m['valuePx']} px")
        for c in found["charts"]:
            if c["title"] is None:
                continue
            titles += 1
            where = f"{title}: chart {c['index']} title {c['title']!r}"
            if c["titleLeft"] - c["chartLeft"] > LEFT_SLACK_PX:
                problems.append(f"{where} starts {c['titleLeft'] - c['chartLeft']:.0f} px in from the chart's "
                                "left edge (squeezed over the plot area)")
            if c["titleRight"] > c["chartRight"] + 1:
                problems.append(f"{where} runs {c['titleRight'] - c['chartRight']:.0f} px past the chart")
            if c["lines"] > 1:
                wrapped += 1
                share = c["widest"] / c["chartWidth"]
                if share < MIN_TITLE_SHARE:
                    problems.append(f"{where} wraps onto {c['lines']} lines using only {share:.0%} of the "
                                    f"chart's {c['chartWidth']:.0f} px")
        if title == "Themes":
            notes = [w for c in found["charts"] if c["title"] for w in c["notes"]]
            assert notes, "the Themes grid has no note under its title"
            if max(notes) < found["mainWidth"] / 2:
                problems.append(f"Themes: the grid's note under its title is at most {max(notes):.0f} px wide, "
                                f"under half the {found['mainWidth']:.0f} px column")
            for cap in found["captions"]:
                if cap["width"] < found["mainWidth"] / 2:
                    problems.append(f"Themes: caption {cap['text']!r} is {cap['width']:.0f} px wide, under half "
                                    f"the {found['mainWidth']:.0f} px column")
    assert tiles >= 4 and titles >= 8, f"too little measured: {tiles} tiles, {titles} chart titles"
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("title", ["Council", "Themes"])
def test_debrief_titles_fit_a_laptop_screen(app_server: b.Server, new_page: Callable[..., Any], title: str) -> None:
    """Titles wrapped for a projector shrink with a 1280-pixel screen's narrower charts: none is cut off."""
    page = new_page(1280, 800)
    found = _open(page, app_server, title)
    charts = [c for c in found["charts"] if c["title"]]
    assert charts, f"{title} shows no chart title"
    for c in charts:
        assert c["titleLeft"] >= c["chartLeft"] - 1 and c["titleRight"] <= c["chartRight"] + 1, (
            f"{title}: chart {c['index']} title {c['title']!r} does not fit its chart: {c}")
        assert all(w <= c["chartWidth"] for w in c["notes"]), f"{title}: a note line is wider than its chart"
