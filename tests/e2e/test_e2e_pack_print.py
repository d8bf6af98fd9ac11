"""The facilitator's exports in Chromium: the pack prints one slide a page (A4 and Letter, landscape), and
the debrief sidebar downloads the PowerPoint deck.

Printing is what only a browser shows: the pack is printed to PDF with Chromium's own print path
(``page.pdf``), the pages are counted in the PDF, and in print layout no slide's words or chart run past
its page.  The pack is built straight from the demo database, so those tests need no dashboard server.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mandate_core import debrief, debrief_pack, demo, storage

from . import browser as b

pytestmark = pytest.mark.e2e

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
        deck = debrief.build_deck(con, FOCUS, None, "all", key="print-test", min_group=3)
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


def test_debrief_sidebar_downloads_the_powerpoint_deck(app_server: b.Server, new_page: Callable[..., Any]) -> None:
    """Beside the HTML pack, the sidebar offers the deck as .pptx: six slides, no other council in any part."""
    pptx = pytest.importorskip("pptx")
    page = new_page(1920, 1080)
    b.goto(page, app_server.url, f"/?council={FOCUS}&debrief=1")
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    button = page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Download the deck (PowerPoint)")
    button.wait_for(state="visible", timeout=10_000)
    with page.expect_download() as info:
        button.click()
    assert info.value.suggested_filename.startswith("debrief-Brackenfield-District-Council-")
    assert info.value.suggested_filename.endswith(".pptx")
    data = open(info.value.path(), "rb").read()
    assert len(pptx.Presentation(io.BytesIO(data)).slides) == 6
    with open(b.REPO / "data" / "demo" / "councils.csv", encoding="utf-8-sig", newline="") as fh:
        others = [(r["council_id"], r["name"]) for r in csv.DictReader(fh) if r["council_id"] != FOCUS]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        text = "\n".join(package.read(n).decode("utf-8", "replace") for n in package.namelist()
                         if n.endswith((".xml", ".rels")))
    assert "Brackenfield District Council" in text
    named = [name for cid, name in others
             if name in text or re.search(rf"(?<![\w-]){re.escape(cid)}(?![\w-])", text)]
    assert named == []
