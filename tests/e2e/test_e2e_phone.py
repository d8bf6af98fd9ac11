"""Every page on a phone, 390×844 (issue 16, docs/accessibility.md: pages reflow on a phone), normal and debrief.

A phone here is what a phone's browser sends and shows: an iPhone user agent (the server lays charts out
for it, pages/_layout/phone.py narrow), a 390×844 touch viewport.  On each page, measured in Chromium:

* nothing is wider than the screen (the document, the scrolling main area, or any visible element —
  except inside a dataframe's own scrolling grid or a code block, tests/e2e/layout_checks.py says why);
* no text overlaps other text: the page's own text line by line, and each chart's SVG text (ticks,
  annotations, titles, legend); no chart text is cut off at its chart's edge, and no heading, tile or
  caption is cut short by its box;
* the sidebar starts collapsed, chart titles keep their 20-pixel type (debrief's CSS once shrank them to
  11 px), and each chart's plot area has most of the chart's width (it once had 64 of 358 px).

A desktop at 1280 keeps its layout: the sidebar open and the charts' row labels in the left margin.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mandate_core import importer

from . import browser as b
from . import layout_checks as lc

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Version/17.5 Mobile/15E148 Safari/604.1")
FOCUS = "aldermoor"
#: Pages reached from the sidebar besides b.PAGE_TITLES (local mode shows them to everyone).
MORE_PAGES = ["Workshop", "Admin"]
#: A phone's chart title keeps at least this type size (px).
MIN_TITLE_PX = 16
#: A chart's plot area must have at least this share of the chart's width on a phone.
MIN_PLOT_SHARE = 0.6


@pytest.fixture
def phone(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[[], Any]]:
    """Open pages as a phone would; a failed test leaves each page's screenshot in screenshots/failures/."""
    opened: list[tuple[Any, Any]] = []

    def make() -> Any:
        context = browser.new_context(viewport=PHONE, user_agent=IPHONE_UA, is_mobile=True, has_touch=True,
                                      device_scale_factor=1)
        context.set_default_timeout(30_000)
        page = context.new_page()
        opened.append((context, page))
        return page

    yield make
    failed = any(getattr(getattr(request.node, f"rep_{w}", None), "failed", False) for w in ("setup", "call"))
    for i, (context, page) in enumerate(opened):
        if failed:
            try:
                b.full_page_screenshot(page, b.SCREENSHOTS / "failures" / f"phone-{request.node.name}-{i}.png")
            except Exception:  # a screenshot must never hide the real failure
                pass
        context.close()


def _check(page: Any, where: str) -> list[str]:
    """Every layout problem of the page as it is now, each prefixed with where it was seen."""
    found = [f"{where}: {p}" for p in b.problems_on_page(page)]
    found += [f"{where}: overflow: {p}" for p in lc.overflow(page)]
    found += [f"{where}: {p}" for p in lc.overlaps(page)]
    facts = lc.facts(page)
    if facts["sidebarExpanded"]:
        found.append(f"{where}: the sidebar is open ({facts['sidebarWidth']:.0f} px) on a first visit")
    found += [f"{where}: a chart title is {px:g} px" for px in facts["titlePx"] if px < MIN_TITLE_PX]
    for plot in facts["plots"]:
        if plot["plotWidth"] is not None and plot["plotWidth"] < MIN_PLOT_SHARE * plot["width"]:
            found.append(f"{where}: a chart's plot area is {plot['plotWidth']:.0f} of {plot['width']:.0f} px")
    return found


def _visit(page: Any, server: b.Server, path: str, where: str, shot: str) -> list[str]:
    b.goto(page, server.url, path)
    charts = b.wait_for_charts(page)
    found = _check(page, where)
    if any(not c["marks"] for c in charts):
        found.append(f"{where}: a chart drew nothing: {charts}")
    b.full_page_screenshot(page, b.SCREENSHOTS / f"phone-{shot}-390x844.png")
    return found


def test_every_page_fits_a_phone(app_server: b.Server, paths: dict[str, str], phone: Callable[[], Any]) -> None:
    page = phone()
    problems: list[str] = []
    titles = [*b.PAGE_TITLES, *MORE_PAGES]
    missing = [t for t in titles if t not in paths]
    assert not missing, f"pages missing from the navigation: {missing}"
    for title in titles:
        sep = "&" if "?" in paths[title] else "?"
        problems += _visit(page, app_server, f"{paths[title]}{sep}council={FOCUS}", title, title)
    assert problems == [], "\n".join(problems)


def test_every_page_fits_a_phone_in_debrief_mode(app_server: b.Server, phone: Callable[[], Any]) -> None:
    page = phone()
    problems: list[str] = []
    for title in b.PAGE_TITLES:  # in debrief mode the slides are the default page, each other at its path
        problems += _visit(page, app_server, f"/{title}?council={FOCUS}&debrief=1", f"{title} (debrief)",
                           f"debrief-{title}")
    # The slides, one by one.
    problems += _visit(page, app_server, f"/?council={FOCUS}&debrief=1", "slide 1", "debrief-slide-1")
    assert "slide 1 of" in b.main_text(page)
    count = int(b.main_text(page).split("slide 1 of ", 1)[1].split()[0])
    for number in range(2, count + 1):
        page.get_by_role("button", name="Next ▶").click()
        b.wait_for_app(page)
        page.wait_for_timeout(300)
        assert f"slide {number} of {count}" in b.main_text(page)
        problems += _check(page, f"slide {number}")
        b.full_page_screenshot(page, b.SCREENSHOTS / f"phone-debrief-slide-{number}-390x844.png")
    assert problems == [], "\n".join(problems)


def test_the_other_views_of_themes_and_benchmark_fit_a_phone(app_server: b.Server,
                                                            phone: Callable[[], Any]) -> None:
    """The Themes grid by gap (a different colour bar) and the Benchmark strip on each metric (other axes:
    risk's five named levels, a gap's zero line, consensus 0–1)."""
    page = phone()
    problems: list[str] = []
    b.goto(page, app_server.url, f"/Themes?council={FOCUS}")
    page.get_by_text("Gap (ambition − now)", exact=True).click()
    b.wait_for_app(page)
    assert "gap" in b.chart_report(page)[0]["title"].lower()
    problems += _check(page, "Themes by gap")
    for metric in ("Ambition gap", "Risk appetite", "Consensus"):
        b.goto(page, app_server.url, f"/Benchmark?council={FOCUS}")
        page.get_by_text(metric, exact=True).click()
        b.wait_for_app(page)
        (chart,) = b.chart_report(page)
        # The strip now shows that metric (the title's lines are joined without a space).
        assert metric.lower().replace(" ", "") in chart["title"].lower().replace(" ", ""), chart["title"]
        problems += _check(page, f"Benchmark on {metric}")
    assert problems == [], "\n".join(problems)


COUNCILS = "council_id,name,nation,council_type,population,peer_group\nalpha,Alpha Council,England,Unitary,1000,A\n"


def test_the_join_page_fits_a_phone(serve: Callable[..., b.Server], phone: Callable[[], Any],
                                    tmp_path: Path) -> None:
    councils = tmp_path / "councils.csv"
    councils.write_text(COUNCILS)
    db = tmp_path / "live.duckdb"
    importer.import_files(db, councils)
    done = subprocess.run(
        [sys.executable, "-m", "mandate_core", "session", "open", "--db", str(db), "--council", "alpha",
         "--round", "Live 2027", "--date", "2027-02-01", "--theme", "Good jobs for everyone=economy",
         "--theme", "Homes people can afford=place", "--groups", "Labour,Green", "--json"],
        cwd=b.REPO, capture_output=True, text=True, check=True)
    code = json.loads(done.stdout)["code"]
    server = serve("phone-join", db=db)
    page = phone()
    problems = _visit(page, server, f"/join?code={code}", "join", "join")
    assert "I am" in b.main_text(page), "the join page does not ask who is answering"
    # Then the questions of the first theme, as a participant sees them.
    page.get_by_text("An officer (a senior manager)", exact=True).click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**device=**", timeout=60_000)
    page.get_by_text("0 of 2 themes answered").first.wait_for(timeout=60_000)
    b.wait_for_app(page)
    assert page.locator('[data-testid="stMain"] [role="radiogroup"]').count() >= 3
    problems += _check(page, "join: the questions")
    b.full_page_screenshot(page, b.SCREENSHOTS / "phone-join-questions-390x844.png")
    assert problems == [], "\n".join(problems)


_Y_TICKS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
  .map(p => p.querySelectorAll('.yaxislayer-above .ytick text').length)"""


def test_a_desktop_keeps_its_layout_and_a_narrow_window_its_sidebar_collapsed(
        app_server: b.Server, new_page: Callable[..., Any]) -> None:
    """The phone layouts go to phones only: at 1280 the sidebar is open and the Council charts keep their
    row labels as y-axis ticks in the left margin; a desktop window 390 wide still opens with the sidebar
    collapsed and the page no wider than the window."""
    desk = new_page(1280, 800)
    b.goto(desk, app_server.url, f"/Council?council={FOCUS}")
    b.wait_for_charts(desk)
    assert lc.facts(desk)["sidebarExpanded"] is True
    ticks = desk.evaluate(_Y_TICKS_JS)
    assert len(ticks) == 3 and all(n >= 5 for n in ticks), f"row labels per Council chart at 1280: {ticks}"

    small = new_page(390, 844)
    b.goto(small, app_server.url, f"/Council?council={FOCUS}")
    assert lc.facts(small)["sidebarExpanded"] is False
    assert [p for p in lc.overflow(small) if "document" in p or "main area" in p] == []


def test_a_phone_gets_row_labels_above_the_rows(app_server: b.Server, phone: Callable[[], Any]) -> None:
    """What makes the phone's Council charts fit: no y-axis labels in a left margin, the theme names drawn
    across the chart above each row instead."""
    page = phone()
    b.goto(page, app_server.url, f"/Council?council={FOCUS}")
    b.wait_for_charts(page)
    assert page.evaluate(_Y_TICKS_JS) == [0, 0, 0]
    text = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')][0]
      .querySelector('.annotation-text-g') ? [...document.querySelectorAll('[data-testid="stPlotlyChart"]')][0]
      .textContent : ''""")
    assert "All themes" in text and "Our workforce" in text, text[:300]


def test_the_layout_checks_name_what_collides(new_page: Callable[..., Any]) -> None:
    """The checkers themselves, on a page made to fail: two headings on top of each other, a chart label
    past its SVG's edge, and a box wider than the screen; and a clean page passes."""
    page = new_page(390, 844)
    page.set_content("""<div data-testid="stApp"><div data-testid="stMain">
      <h2 style="position:absolute;top:10px;left:10px;margin:0">Sector overview</h2>
      <h3 style="position:absolute;top:14px;left:40px;margin:0">Aim for New</h3>
      <div class="js-plotly-plot" style="position:absolute;top:100px;left:0">
        <svg class="main-svg" width="300" height="100"><text x="5" y="30">Better</text>
          <text x="30" y="30">Differently</text><text x="260" y="60">Ystrad Mawr County Borough</text></svg></div>
      <div style="position:absolute;top:300px;left:0;width:600px">a wide box</div>
      <h4 style="position:absolute;top:400px;width:80px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis">
        Aim for Differently</h4>
    </div></div>""")
    collisions = lc.overlaps(page)
    assert any('"Sector overview" overlaps "Aim for New"' in c for c in collisions), collisions
    assert any('"Better" overlaps "Differently"' in c for c in collisions), collisions
    assert any('"Ystrad Mawr County Borough" is cut off' in c for c in collisions), collisions
    assert any("a wide box" in o for o in lc.overflow(page)), lc.overflow(page)
    assert any('"Aim for Differently" is cut off' in c for c in collisions), collisions
    page.set_content("""<div data-testid="stApp"><div data-testid="stMain"><h2>Sector overview</h2>
      <p>Aim for New</p></div></div>""")
    assert lc.overlaps(page) == [] and lc.overflow(page) == []
