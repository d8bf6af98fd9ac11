"""Debrief mode on a projector-sized screen: every slide draws, and no other council is named in the page.

docs/dashboard.md#debrief-mode: in debrief mode every council other than the focus council is anonymised everywhere,
including the page source; only a browser sees the page as the room does.  Each slide is saved as a screenshot.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

FOCUS = "brackenfield"
MAX_SLIDES = 20
#: How tall the slide's content is, and where its last element ("How to read this") ends: a slide must fit a
#: 1080-pixel projector without scrolling.
_FIT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const last = [...main.querySelectorAll('[data-testid="stExpander"]')].pop();
  return {scroll: main.scrollHeight, bottom: last ? last.getBoundingClientRect().bottom : 0};
}"""


def _other_councils() -> dict[str, str]:
    with open(b.REPO / "data" / "demo" / "councils.csv", encoding="utf-8-sig", newline="") as fh:
        return {r["council_id"]: r["name"] for r in csv.DictReader(fh) if r["council_id"] != FOCUS}


def _named_in_page(page: Any, others: dict[str, str]) -> list[str]:
    html = page.content()
    found = [name for name in others.values() if name in html]
    found += [cid for cid in others if re.search(rf"(?<![\w-]){re.escape(cid)}(?![\w-])", html)]
    return found


def test_debrief_slides_draw_and_name_no_other_council(app_server: b.Server, new_page: Callable[..., Any]) -> None:
    page = new_page(1920, 1080)
    others = _other_councils()
    b.goto(page, app_server.url, f"/?council={FOCUS}&debrief=1")
    counter = re.search(r"slide 1 of (\d+)", b.main_text(page))
    assert counter, "the debrief shows no slide counter"
    count = int(counter.group(1))
    assert 1 <= count <= MAX_SLIDES
    for number in range(1, count + 1):
        if number > 1:
            page.get_by_role("button", name="Next ▶").click()
            page.get_by_text(f"slide {number} of {count}").wait_for()
            b.wait_for_app(page)
        assert b.problems_on_page(page) == [], f"slide {number}"
        charts = b.wait_for_charts(page)
        assert all(c["svg"] and c["marks"] for c in charts), f"slide {number}: {charts}"
        assert _named_in_page(page, others) == [], f"slide {number} names another council"
        fit = page.evaluate(_FIT_JS)
        assert fit["scroll"] <= 1080 and 0 < fit["bottom"] <= 1080, f"slide {number} needs scrolling: {fit}"
        b.full_page_screenshot(page, b.SCREENSHOTS / f"debrief-slide{number}-1920x1080.png")
        b.open_expanders(page)  # the slide's numbers are built only when opened: checked opened too
        assert _named_in_page(page, others) == [], f"slide {number}'s opened numbers name another council"
        b.close_expanders(page)
    assert page.get_by_role("button", name="Next ▶").is_disabled()


def test_debrief_sidebar_can_be_reopened_to_leave_or_download_the_pack(
    app_server: b.Server, new_page: Callable[..., Any], tmp_path: Path
) -> None:
    """The sidebar starts closed in debrief mode; its open button must stay, or the facilitator is stuck."""
    page = new_page(1920, 1080)
    b.goto(page, app_server.url, f"/?council={FOCUS}&debrief=1")
    button = page.locator('[data-testid="stExpandSidebarButton"]')
    assert button.is_visible(), "no way to open the sidebar in debrief mode"
    button.click()
    pack_button = page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Download the debrief pack")
    pack_button.first.wait_for(state="visible", timeout=10_000)
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Debrief mode", exact=True).is_visible()
    with page.expect_download() as info:
        pack_button.first.click()
    path = info.value.path()
    assert info.value.suggested_filename.startswith("debrief-Brackenfield-District-Council-")
    pack = open(path, encoding="utf-8").read()
    assert "Brackenfield District Council" in pack
    assert _named_in_page_text(pack.split("</head>", 1)[1], _other_councils()) == []

    # The pack opens with no network and no server, and its charts draw.
    offline = new_page(1920, 1080)
    offline.context.set_offline(True)
    requests: list[str] = []
    offline.on("request", lambda r: requests.append(r.url))
    saved = tmp_path / info.value.suggested_filename  # the browser needs the .html name to show it as a page
    saved.write_text(pack, encoding="utf-8")
    offline.goto(saved.as_uri())
    offline.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=30_000)
    drawn = offline.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')]"
                             ".filter(p => p.querySelector('.main-svg')).length")
    assert drawn == pack.count("Plotly.newPlot") >= 4
    assert [r for r in requests if not r.startswith("file:")] == []


def _named_in_page_text(text: str, others: dict[str, str]) -> list[str]:
    found = [name for name in others.values() if name in text]
    found += [cid for cid in others if re.search(rf"(?<![\w-]){re.escape(cid)}(?![\w-])", text)]
    return found


# --- a database built to leak: every page in debrief mode, as Chromium shows it ----------------------------


def test_every_page_in_debrief_mode_names_no_peer_in_the_page_source(
    serve: Callable[..., b.Server], new_page: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A peer's round label holding its id and name, the focus council's note naming "İlford Council", peers'
    own notes: none of it reaches the page source (the whole DOM, chart SVG included) of any page, and the
    Overview's round picker offers only the focus council's own rounds."""
    import test_anonymised_views as leaky  # the AppTest module's database builder and leak check

    server = serve("leaky", db=leaky.build_leaky_db(tmp_path_factory.mktemp("leaky-db")))
    page = new_page(1920, 1080)
    query = f"?council={leaky.FOCUS}&debrief=1"
    for path in ["/", "/?slide=6", *[f"/{title}" for title in b.PAGE_TITLES]]:
        url = path + (query if "?" not in path else "&" + query[1:])
        b.goto(page, server.url, url)
        assert b.problems_on_page(page) == [], url
        b.wait_for_charts(page)
        b.open_expanders(page)  # the numbers tables are built only when opened
        assert leaky.leaks(page.content()) == [], f"{url} names a peer in the page source"
        if path == "/?slide=6":
            assert "Pool budgets with Peer" in b.main_text(page)
        if path == "/Overview":
            page.locator('[data-testid="stSelectbox"]').filter(has_text="Round").locator("input").click()
            page.get_by_role("option").first.wait_for()
            options = page.get_by_role("option").all_inner_texts()
            assert options and set(options) <= {"Latest round", *leaky.FOCUS_ROUNDS}, options
            assert leaky.leaks(page.content()) == []
            page.keyboard.press("Escape")
