"""axe-core in Chromium on every page, normal and debrief, the join page, Admin and the offline debrief pack
(docs/accessibility.md: every page in both modes passes axe-core with no violation).

axe runs all its rules (WCAG 2.0–2.2 A/AA and its best practices: heading order, landmarks, names) after the
page has finished its run and its charts have drawn, with every expander opened so the tables and notes in
them are checked too.  Any violation fails the test with its rule, impact and elements.  What axe could not
decide ("incomplete": mostly text contrast inside the charts' SVG, which tests/test_contrast.py checks
against the palette instead) is printed (``-rA`` shows it) and written to
tests/e2e/screenshots/axe-incomplete.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from . import browser as b

#: Pages that exist only in some roles' navigation but always in local mode's.
EXTRA_TITLES = ["Workshop", "Admin"]
#: Both result types in full (the library's default keeps only the violations).
RUN_OPTIONS: dict[str, Any] = {"resultTypes": ["violations", "incomplete"]}
#: One rule switched off for one element, each with the reason (never a rule for a whole page):
#: Streamlit's st.file_uploader draws its drop zone as ``<section role="presentation" aria-label=…>``
#: (react-dropzone's root props), which axe calls a presentation-role conflict.  It is inside Streamlit's
#: widget; checked: the zone's own file input is labelled, and the widget's "Browse files" button (a real,
#: named button) is the keyboard route, which axe checks with every other rule.
ELEMENT_EXCEPTIONS: list[tuple[str, str]] = [
    ("presentation-role-conflict", '[data-testid="stFileUploaderDropzone"]'),
]
INCOMPLETE_FILE = b.SCREENSHOTS / "axe-incomplete.json"

_OPEN_EXPANDERS = """() => {
  const closed = [...document.querySelectorAll('[data-testid="stMain"] details:not([open]) > summary')];
  closed.forEach(s => s.click());
  return closed.length;
}"""


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="module")
def incomplete() -> Any:
    """What axe could not decide, by place: printed and written to a file at the end of the module."""
    found: dict[str, list[dict[str, Any]]] = {}
    yield found
    INCOMPLETE_FILE.parent.mkdir(parents=True, exist_ok=True)
    INCOMPLETE_FILE.write_text(json.dumps(found, indent=1), encoding="utf-8")
    print(f"\naxe could not decide (see {INCOMPLETE_FILE}):")
    for where, items in found.items():
        print(f"  {where}: " + "; ".join(f"{i['id']} ×{i['nodes']}" for i in items))


def _summary(result: dict[str, Any]) -> str:
    targets = [" ".join(map(str, n["target"]))[-140:] for n in result["nodes"][:5]]
    more = f" (+{len(result['nodes']) - 5} more)" if len(result["nodes"]) > 5 else ""
    return f"{result['id']} ({result['impact']}): {result['help']} — {targets}{more}"


def check(page: Any, axe: Any, where: str, incomplete: dict[str, list[dict[str, Any]]],
          *, streamlit: bool = True) -> list[str]:
    """axe's violations on the page as readable lines (empty: none), after it has settled."""
    if streamlit:
        b.wait_for_app(page)
        if page.evaluate(_OPEN_EXPANDERS):
            b.wait_for_app(page, settle=0.3)
    problems = [f"{where}: {p}" for p in b.problems_on_page(page)] if streamlit else []
    options = {**RUN_OPTIONS, "rules": {rule: {"enabled": False} for rule, _sel in ELEMENT_EXCEPTIONS}}
    response = axe.run(page, options=options).response
    violations = list(response["violations"])
    for rule, selector in ELEMENT_EXCEPTIONS:  # the excepted rule still runs on everything else
        again = axe.run(page, context={"exclude": [[selector]]}, options={"runOnly": [rule]}).response
        violations += again["violations"]
    if response["incomplete"]:
        incomplete[where] = [{"id": r["id"], "nodes": len(r["nodes"]), "help": r["help"],
                              "targets": [n["target"] for n in r["nodes"][:10]]} for r in response["incomplete"]]
    return problems + [f"{where}: {_summary(v)}" for v in violations]


def _assert_none(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} accessibility violation(s):\n" + "\n".join(problems)


def test_every_page_passes_axe(app_server: b.Server, paths: dict[str, str], new_page: Any, axe: Any,
                               incomplete: dict[str, list[dict[str, Any]]]) -> None:
    page = new_page()
    problems: list[str] = []
    for title in [*b.PAGE_TITLES, *EXTRA_TITLES]:
        assert title in paths, f"{title} is not in the sidebar: {paths}"
        b.goto(page, app_server.url, paths[title])
        problems += check(page, axe, title, incomplete)
    _assert_none(problems)


def test_every_page_passes_axe_in_debrief_mode(app_server: b.Server, paths: dict[str, str], new_page: Any,
                                               axe: Any, incomplete: dict[str, list[dict[str, Any]]]) -> None:
    page = new_page()
    b.goto(page, app_server.url, "/?debrief=1")  # the slides open first
    problems = check(page, axe, "Debrief slides", incomplete)
    page.get_by_role("button", name="Next ▶").click()  # a second slide: a chart of another kind
    problems += check(page, axe, "Debrief slide 2", incomplete)
    for title in [*b.PAGE_TITLES, *EXTRA_TITLES]:
        b.goto(page, app_server.url, paths[title] + "?debrief=1")
        problems += check(page, axe, f"{title} (debrief)", incomplete)
    _assert_none(problems)


def test_join_page_passes_axe(app_server: b.Server, new_page: Any, axe: Any,
                              incomplete: dict[str, list[dict[str, Any]]]) -> None:
    page = new_page(390, 844)  # a phone: that is where the join page is used
    b.goto(page, app_server.url, "/join")
    problems = check(page, axe, "Join (no code)", incomplete)
    b.goto(page, app_server.url, "/join?code=ZZZZZZ")
    problems += check(page, axe, "Join (unknown code)", incomplete)
    _assert_none(problems)


def _open_live_session(tmp_path: Path) -> tuple[Path, str]:
    """A store with one council and an open live session of two themes (as tests/e2e/test_e2e_live.py)."""
    import subprocess
    import sys

    from mandate_core import importer

    councils = tmp_path / "councils.csv"
    councils.write_text("council_id,name,nation,council_type,population,peer_group\n"
                        "alpha,Alpha Council,England,Unitary,1000,A\n")
    db = tmp_path / "live.duckdb"
    importer.import_files(db, councils)
    done = subprocess.run([sys.executable, "-m", "mandate_core", "session", "open", "--db", str(db),
                           "--council", "alpha", "--round", "Live 2027", "--date", "2027-02-01",
                           "--theme", "Good jobs=economy", "--theme", "Homes for all=place",
                           "--groups", "Labour,Green", "--json"],
                          cwd=b.REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return db, json.loads(done.stdout)["code"]


def test_live_workshop_screens_pass_axe(serve: Any, new_page: Any, axe: Any, tmp_path: Path,
                                        incomplete: dict[str, list[dict[str, Any]]]) -> None:
    """The screens of a live workshop: the facilitator's Workshop page with a session open (join screen,
    QR code, counts), and a phone's way through pages/9_join.py — who are you, a theme's questions, and
    the screen that says every theme is answered."""
    from mandate_core import live

    db, code = _open_live_session(tmp_path)
    server = serve("axe-live", db=db)
    desk = new_page()
    b.goto(desk, server.url, "/Workshop")
    assert code in b.main_text(desk)  # the session is open on the page axe checks
    problems = check(desk, axe, "Workshop (live session open)", incomplete)

    phone = new_page(390, 844)
    phone.goto(f"{server.url}/join?code={code}", wait_until="domcontentloaded")
    phone.get_by_role("button", name="Start").wait_for(timeout=90_000)
    problems += check(phone, axe, "Join: who are you", incomplete)
    phone.get_by_text("A member (an elected councillor)", exact=True).click()
    b.choose(phone, "Members: your political group", "Green")
    phone.get_by_role("button", name="Start").click()
    phone.wait_for_url("**device=**", timeout=60_000)
    phone.get_by_text("0 of 2 themes answered").first.wait_for(timeout=60_000)
    problems += check(phone, axe, "Join: a theme's questions", incomplete)
    for answered in (1, 2):
        groups = phone.locator('[data-testid="stMain"] [role="radiogroup"]')
        for k in range(3):  # each horizon: a change score and a risk
            groups.nth(2 * k).get_by_role("radio", name=live.CHANGE_WORDS[2 + k], exact=True).click()
            groups.nth(2 * k + 1).get_by_role("radio", name=live.RISK_WORDS[1 + k], exact=True).click()
        phone.get_by_role("button", name="Save and go on").click()
        phone.get_by_text(f"{answered} of 2 themes answered").first.wait_for(timeout=60_000)
    phone.get_by_text("every theme is answered").first.wait_for(timeout=60_000)
    problems += check(phone, axe, "Join: every theme answered", incomplete)
    _assert_none(problems)


def test_offline_debrief_pack_passes_axe(app_server: b.Server, new_page: Any, axe: Any, tmp_path: Path,
                                         incomplete: dict[str, list[dict[str, Any]]]) -> None:
    from mandate_core import debrief, debrief_pack, metrics, storage

    with storage.connect(app_server.db, read_only=True) as con:
        council = metrics.list_councils(con)[0]["council_id"]
        deck = debrief.build_deck(con, council, None, "all", "axe-test-key", min_group=3)
    html = debrief_pack.pack_html(deck.name, deck.round, deck.workshop_date, [s.for_pack() for s in deck.slides])
    pack = tmp_path / "pack.html"
    pack.write_text(html, encoding="utf-8")
    page = new_page()
    page.goto(pack.as_uri(), wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.locator("details.numbers table").count() >= 1  # the charts' numbers are there to check
    _assert_none(check(page, axe, "Debrief pack", incomplete, streamlit=False))


_CHART_STOPS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => ({
  name: chart.getAttribute('aria-label') || '',  // Streamlit puts st.plotly_chart's alt on the chart itself
  stops: [...chart.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter(e => e.tabIndex >= 0 && !e.disabled)
    .map(e => e.getAttribute('data-title') || e.getAttribute('aria-label') || e.textContent.trim()),
}))"""


def test_each_chart_is_named_and_costs_three_keyboard_stops(app_server: b.Server, paths: dict[str, str],
                                                            new_page: Any) -> None:
    """Plotly's full toolbar puts eleven buttons per chart in the tab order; ours keeps the PNG download,
    reset axes and Streamlit's full screen.  Each chart's accessible name is its takeaway title."""
    page = new_page()
    b.goto(page, app_server.url, paths["Council"])
    charts = page.evaluate(_CHART_STOPS)
    assert len(charts) == 3
    titles = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot .gtitle')].map(t => t.textContent)")
    for chart, title in zip(charts, titles, strict=True):
        assert len(chart["stops"]) <= 3, chart["stops"]
        assert chart["name"] and "".join(chart["name"].split()) == "".join(title.split())  # lines joined
