"""Fixtures of the real-browser suite: Chromium through Playwright, and dashboard servers on temp databases.

Without a browser the whole suite is skipped with one line saying how to enable it; with ``CI=true`` a
missing browser is a failure instead, so CI can never pass without having run these tests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import browser as b


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    if not (os.path.isfile(b.CHROMIUM) and os.access(b.CHROMIUM, os.X_OK)):
        return f"no Chromium at {b.CHROMIUM}"
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


_MISSING = _missing()
#: Where the one skip line points: the skip below.
_SKIP_LINE = next(i for i, line in enumerate(Path(__file__).read_text().splitlines(), 1)
                  if line.strip() == "pytest.skip(_NOT_RUN)")
_NOT_RUN = f"BROWSER TESTS (tests/e2e) NOT RUN: {_MISSING}; {b.ENABLE_HINT}"


@pytest.fixture(scope="session", autouse=True)
def chromium_path() -> str:
    """Autouse, so it runs before any server starts: no browser skips every test here (fails them in CI)."""
    if _MISSING:
        if _in_ci():
            pytest.fail(f"{_NOT_RUN}. CI=true requires them.", pytrace=False)
        pytest.skip(_NOT_RUN)
    return b.CHROMIUM


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report so the page fixture can keep a screenshot of a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.skipped and isinstance(report.longrepr, tuple) and report.longrepr[2].endswith(_NOT_RUN):
        # pytest reports a fixture's skip at each test; one location folds the suite into one -ra line.
        report.longrepr = (__file__, _SKIP_LINE, _NOT_RUN)
    return report


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path, args=b.CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _serve(tmp_path_factory: pytest.TempPathFactory, browser: Any, name: str,
           db: Path | None = None, warm: bool = True) -> Iterator[b.Server]:
    """A dashboard on ``db`` (default: a fresh path, so the demo is built on first load, docs/architecture.md#storage).

    ``warm`` opens the home page once before any test: the first load builds the demo database, and the
    first run of the entry file is what turns on st.navigation (see test_deep_link_on_a_fresh_server).
    """
    directory = tmp_path_factory.mktemp(name)
    server = b.Server(db=db or directory / "mandate.duckdb", log=directory / "streamlit.log")
    try:
        server.start()
        if warm:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            try:
                b.goto(context.new_page(), server.url, "/")
            finally:
                context.close()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[b.Server]:
    """The read-only server most tests share (nothing writes through it)."""
    yield from _serve(tmp_path_factory, browser, "app")


@pytest.fixture(scope="session")
def write_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[b.Server]:
    """A second server for tests that upload, so they never disturb what the others see."""
    yield from _serve(tmp_path_factory, browser, "writes")


@pytest.fixture(scope="session")
def paths(app_server: b.Server, browser: Any) -> dict[str, str]:
    """Each page's URL path, read off the sidebar of the running app (so a renamed path is followed)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        b.goto(page, app_server.url, "/")
        found = b.nav_paths(page)
    finally:
        context.close()
    missing = [t for t in b.PAGE_TITLES if t not in found]
    if missing:
        pytest.fail(f"pages missing from the sidebar navigation: {missing}; it lists {found}", pytrace=False)
    return found


@pytest.fixture
def serve(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Callable[..., b.Server]]:
    """Start extra servers inside a test (own database, or an untouched fresh one); all stopped after it."""
    running: list[Iterator[b.Server]] = []

    def start(name: str, db: Path | None = None, warm: bool = True) -> b.Server:
        gen = _serve(tmp_path_factory, browser, name, db, warm)
        running.append(gen)
        return next(gen)

    try:
        yield start
    finally:
        for gen in running:
            gen.close()  # runs _serve's finally: the server is stopped


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh browser contexts; each page records dialogs in ``page.dialogs``.

    A failed test leaves a screenshot of every page it opened in tests/e2e/screenshots/failures/.
    """
    opened: list[tuple[Any, Any]] = []

    def make(width: int = 1280, height: int = 800) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        context.set_default_timeout(30_000)
        page = context.new_page()
        dialogs: list[str] = []
        page.dialogs = dialogs

        def on_dialog(dialog: Any) -> None:
            dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        opened.append((context, page))
        return page

    yield make
    failed = any(getattr(getattr(request.node, f"rep_{w}", None), "failed", False) for w in ("setup", "call"))
    for i, (context, page) in enumerate(opened):
        if failed:
            stem = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
            try:
                target = b.SCREENSHOTS / "failures" / f"{stem}-{i}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                b.full_page_screenshot(page, target)
            except Exception:  # a screenshot must never hide the real failure
                pass
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A 1280×800 page (the smallest screen the dashboard must read well on)."""
    return new_page()
