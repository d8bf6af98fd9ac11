"""Benchmark in a real browser (issue 16): the hand-picked chips show whole council names, and the
downloads of two peer sets are two different files."""

from __future__ import annotations

from typing import Any

import pytest

from . import browser as b

pytestmark = pytest.mark.e2e

LONG = ("northwold", "ystrad-mawr", "juniper-downs")  # "Northwold Metropolitan Council" and other long names


def test_the_peer_chips_do_not_cut_council_names_off(app_server: b.Server, paths: dict[str, str], page: Any) -> None:
    b.goto(page, app_server.url, f"{paths['Benchmark']}?council=brackenfield&peers={','.join(LONG)}")
    chips = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"] [data-tag] span[title]')
    assert chips.count() == len(LONG)
    for i in range(chips.count()):
        cut = chips.nth(i).evaluate("e => e.scrollWidth > e.clientWidth + 1")
        assert not cut, f"chip {chips.nth(i).get_attribute('title')!r} is cut off"
        box = chips.nth(i).bounding_box()
        assert box is not None and box["height"] > 0


def test_two_peer_sets_download_as_two_named_files(app_server: b.Server, paths: dict[str, str], page: Any) -> None:
    names = set()
    for peers in ("peer_group", "all"):
        b.goto(page, app_server.url, f"{paths['Benchmark']}?council=brackenfield&peers={peers}")
        page.get_by_text("Download the numbers").click()
        button = page.locator(".st-key-bm_dl-csv button")
        with page.expect_download(timeout=30_000) as info:
            button.click()
        rows = b.read_csv_download(info.value.path())
        names.add(info.value.suggested_filename)
        assert {r["focus_council"] for r in rows} == {"Brackenfield District Council"}
        assert {r["peer_set"] for r in rows} == {"Same peer group (Shire districts)" if peers == "peer_group"
                                                else "All councils"}
    assert len(names) == 2 and all(n.startswith("benchmark-brackenfield-") for n in names), names
