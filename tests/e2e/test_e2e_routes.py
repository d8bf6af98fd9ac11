"""Direct links in a real browser: every page opens from its own address, in any case, with the link's
query parameters kept and no "Page not found" dialog (issue 16) — on a warm server and on a fresh one."""

from __future__ import annotations

from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

OTHER = "Brackenfield District Council"


def _no_dialog(page: Any) -> None:
    assert page.locator('[data-testid="stDialog"]').count() == 0, page.locator('[role="dialog"]').all_inner_texts()
    assert "Page not found" not in page.locator("body").inner_text()
    assert b.problems_on_page(page) == []


def _council(page: Any) -> str:
    return page.get_by_role("combobox", name="Council", exact=True).input_value()


@pytest.mark.parametrize(("link", "title"), [
    ("/Overview?council=brackenfield", "Overview"),   # the default page by its own path
    ("/overview?council=brackenfield", "Overview"),
    ("/benchmark?council=brackenfield", "Benchmark"),  # lowercase
    ("/THEMES?council=brackenfield", "Themes"),        # any case
])
def test_page_links_open_their_page_with_the_link_selection(app_server: b.Server, page: Any, link: str,
                                                            title: str) -> None:
    b.goto(page, app_server.url, link)
    _no_dialog(page)
    assert b.active_page(page) == title
    assert _council(page) == OTHER
    assert "council=brackenfield" in page.url


@pytest.mark.parametrize("link", ["/Debrief?council=brackenfield", "/Debrief?council=brackenfield&debrief=1",
                                  "/debrief?council=brackenfield"])
def test_debrief_link_opens_the_slides_with_or_without_debrief_1(app_server: b.Server, page: Any,
                                                                 link: str) -> None:
    b.goto(page, app_server.url, link)
    _no_dialog(page)
    assert b.active_page(page) == "Debrief slides"
    assert "debrief=1" in page.url and "council=brackenfield" in page.url
    assert OTHER in b.main_text(page)


def test_workshop_link_with_a_code_opens_the_workshop_page(app_server: b.Server, page: Any) -> None:
    """A facilitator's /Workshop?code=… (local mode: signed in as the one user) is not the phones' join page."""
    b.goto(page, app_server.url, "/Workshop?code=ABCD")
    _no_dialog(page)
    assert b.active_page(page) == "Workshop"
    assert "/join" not in page.url
    assert page.get_by_role("combobox", name="Session", exact=True).count() == 1


def test_join_link_still_opens_the_join_page(app_server: b.Server, page: Any) -> None:
    b.goto(page, app_server.url, "/join?code=ABCD")
    _no_dialog(page)
    assert "/join" in page.url and "code=ABCD" in page.url
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # the join page alone, no menu


@pytest.mark.parametrize(("link", "title", "in_url"), [
    ("/Overview?council=brackenfield", "Overview", "council=brackenfield"),
    ("/overview?council=brackenfield", "Overview", "council=brackenfield"),  # lowercase, as people type it
    ("/THEMES?council=brackenfield", "Themes", "council=brackenfield"),
    ("/debrief?council=brackenfield", "Debrief slides", "debrief=1"),
    ("/Debrief?council=brackenfield", "Debrief slides", "debrief=1"),
    ("/Workshop?code=ABCD", "Workshop", "/Workshop"),
])
def test_links_on_a_fresh_server(serve: Any, page: Any, link: str, title: str, in_url: str) -> None:
    """The link as the very first request after a restart, in any spelling: ``python dashboard.py`` starts the
    server with Streamlit's pages-folder router off, so no first request meets it."""
    server = serve("fresh", warm=False)
    b.goto(page, server.url, link)
    _no_dialog(page)
    assert b.active_page(page) == title
    assert in_url in page.url
