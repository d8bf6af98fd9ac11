"""The shared sidebar and the URL in a real browser: changing council redraws the charts, links open views."""

from __future__ import annotations

from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

FIRST = "Aldermoor Borough Council"  # the first council by name: what a link without a council opens
OTHER = "Brackenfield District Council"


def _council_box(page: Any) -> Any:
    return page.get_by_role("combobox", name="Council", exact=True)


def test_choosing_another_council_changes_the_charts(app_server: b.Server, paths: dict[str, str], page: Any) -> None:
    b.goto(page, app_server.url, paths["Council"] + "?council=aldermoor")
    assert _council_box(page).input_value() == FIRST
    before = b.chart_signature(page)
    assert before and all(before), "the Council page drew no charts to compare"

    b.choose(page, "Council", OTHER)
    page.wait_for_url("**council=brackenfield**")
    b.wait_for_app(page)
    assert _council_box(page).input_value() == OTHER
    assert OTHER in b.main_text(page)
    after = b.chart_signature(page)
    assert len(after) == len(before)
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    assert changed, "no chart changed when another council was chosen"
    assert b.problems_on_page(page) == []

    # Control: going back redraws exactly what was there, so the comparison above is not noise.
    b.choose(page, "Council", FIRST)
    page.wait_for_url("**council=aldermoor**")
    b.wait_for_app(page)
    assert b.chart_signature(page) == before


def test_deep_link_opens_that_council(app_server: b.Server, paths: dict[str, str], page: Any) -> None:
    b.goto(page, app_server.url, paths["Council"] + "?council=brackenfield")
    assert _council_box(page).input_value() == OTHER
    assert OTHER in b.main_text(page)
    assert not page.locator('[data-testid="stAlertContentWarning"]').count()
    assert "council=brackenfield" in page.url
    assert b.problems_on_page(page) == []


def test_bad_deep_link_falls_back_with_a_note(app_server: b.Server, paths: dict[str, str], page: Any) -> None:
    b.goto(page, app_server.url, paths["Council"] + "?council=nope")
    warnings = page.locator('[data-testid="stAlertContentWarning"]')
    assert warnings.count() >= 1, "no warning about the link's unknown council"
    text = " ".join(warnings.all_inner_texts())
    assert "nope" in text and "council" in text.lower(), text
    assert _council_box(page).input_value() == FIRST
    assert "council=aldermoor" in page.url  # the URL now describes what is shown
    assert b.problems_on_page(page) == []


def test_deep_link_on_a_fresh_server(serve: Any, paths: dict[str, str], page: Any) -> None:
    """A shared link is often the first request after a restart: it must still get the whole app.

    With page files in a ``pages/`` folder, Streamlit uses the old folder-based navigation until the
    entry file's st.navigation has run once: a first request for /Council ran pages/2_Council.py alone (no
    sidebar, no selection from the link, no demo database), and /council shows "Page not found" and the
    main page instead.
    """
    server = serve("fresh", warm=False)
    b.goto(page, server.url, paths["Council"] + "?council=brackenfield")
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "dashboard" not in nav and "layout" not in nav, f"folder-based navigation was used: {nav!r}"
    assert b.problems_on_page(page) == []
    assert b.active_page(page) == "Council"
    assert _council_box(page).count() == 1, "no council selector in the sidebar"
    assert _council_box(page).input_value() == OTHER
    assert OTHER in b.main_text(page)
