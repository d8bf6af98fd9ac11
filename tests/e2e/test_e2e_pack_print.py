"""The offline debrief pack printed in Chromium: one slide a page on A4 and on Letter, landscape.

Printing is what only a browser shows: the pack is printed to PDF with Chromium's own print path
(``page.pdf``), the pages are counted in the PDF, and in print layout no slide's words or chart run past
its page.  The pack is built straight from the demo database, so no dashboard server is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mandate_core import debrief, debrief_pack, demo, storage

FOCUS = "brackenfield"
#: Page sizes in PDF points (1/72 in), landscape.
PAPER = {"A4": (841.9, 595.3), "Letter": (792.0, 612.0)}

#: In print layout: each slide's height, and how far its last piece of content reaches past it.
_PRINT_FIT_JS = """() => [...document.querySelectorAll('section.slide')].map(s => {
  const box = s.getBoundingClientRect();
  const bottoms = [...s.querySelectorAll('.chart, .how, .notes-body, h2, p.takeaway')]
      .map(e => e.getBoundingClientRect().bottom);
  return {id: s.id, height: box.height, overflow: Math.max(...bottoms) - box.bottom,
          chart: !!s.querySelector('.js-plotly-plot .main-svg')};
})"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """The pack of the demo council as a file, with its number of slides and of charts."""
    directory = tmp_path_factory.mktemp("pack")
    db = demo.build_database(directory / "demo.duckdb")
    with storage.connect(db, read_only=True) as con:
        deck = debrief.build_deck(con, FOCUS, None, "all", key="print-test")
    path = directory / "debrief.html"
    path.write_text(debrief_pack.pack_html(deck.name, deck.round, deck.workshop_date,
                                           [s.for_pack() for s in deck.slides]), encoding="utf-8")
    return path, len(deck.slides), sum(1 for s in deck.slides if s.figure is not None)


@pytest.fixture()
def offline_page(browser: Any) -> Iterator[Any]:
    # A laptop-sized window: what is printed must not depend on the window it was opened in.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_offline(True)
    try:
        yield context.new_page()
    finally:
        context.close()


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size from its /MediaBox (Chromium writes one uncompressed page object per page)."""
    count = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    boxes = [tuple(float(v) for v in m.groups()[2:]) for m in
             re.finditer(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)]
    assert len(boxes) in (count, count + 1), (count, len(boxes))  # some writers repeat it on /Pages
    return boxes[-count:] if count else []


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_pack_prints_one_slide_per_landscape_page(pack: tuple[Path, int, int], offline_page: Any,
                                                  paper: str) -> None:
    path, slides, charts = pack
    page = offline_page
    page.goto(path.as_uri())
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                           timeout=30_000)
    pdf = page.pdf(format=paper, landscape=True, print_background=True)
    sizes = _pages(pdf)
    assert len(sizes) == slides, f"{paper}: {len(sizes)} pages for {slides} slides"
    width, height = PAPER[paper]
    for w, h in sizes:
        assert abs(w - width) < 2 and abs(h - height) < 2, f"{paper} landscape expected, got {w} x {h}"


def test_in_print_no_slide_runs_past_its_page(pack: tuple[Path, int, int], offline_page: Any) -> None:
    """Each slide is one unbroken block no taller than the smallest page (A4's 190 mm inside the margins),
    with its heading, chart and "How to read this" all inside it — so no chart is split or clipped."""
    path, slides, charts = pack
    page = offline_page
    page.goto(path.as_uri())
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                           timeout=30_000)
    page.emulate_media(media="print")
    fits = page.evaluate(_PRINT_FIT_JS)
    assert len(fits) == slides
    page_px = 190 * 96 / 25.4
    for fit in fits:
        assert fit["height"] <= page_px, fit
        assert fit["overflow"] <= 1, f"{fit['id']}: content runs {fit['overflow']:.0f}px past the page"
    assert sum(f["chart"] for f in fits) == charts
