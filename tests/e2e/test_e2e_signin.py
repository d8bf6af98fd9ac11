"""Sign-in through a real OpenID Connect flow in Chromium (docs/signin.md), as each role.

``oidc-provider-mock`` serves discovery, authorize, token and userinfo on loopback in this process; its
authorize page lets the test type the user's ``sub``, which it also gives as the ``email`` claim.  The
dashboard's ``[auth]`` section points at it through a temporary secrets file (``STREAMLIT_SECRETS_FILES``),
so the repository keeps no secrets.toml and local mode stays the default.  Roles come from the users
table of the server's own database.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mandate_core import access, catalog, demo, storage

from . import browser as b

OWN = "aldermoor"
USERS = {"admin@example.org": ("admin", None), "analyst@example.org": ("analyst", None),
         "council@example.org": ("council", OWN), "changing@example.org": ("council", OWN)}
#: Every chart's data and layout as Plotly holds them (hover texts included, which the DOM lacks).
CHART_JSON = """() => [...document.querySelectorAll('.js-plotly-plot')].map(p =>
    JSON.stringify({data: p.data || [], layout: p.layout || {}}))"""


@pytest.fixture(scope="module")
def oidc() -> Iterator[str]:
    """The provider's base URL (loopback, a free port)."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=b.free_port()) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory: pytest.TempPathFactory, browser: Any, oidc: str) -> Iterator[b.Server]:
    """A dashboard in signed-in mode on a demo database with one user of each role."""
    directory = tmp_path_factory.mktemp("signin")
    db = demo.build_database(directory / "mandate.duckdb")
    with storage.connect(db) as con:
        for email, (role, council) in USERS.items():
            access.add_user(con, email, role, council)
    port = b.free_port()
    secrets = directory / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "e2e-cookie-secret-not-for-production"\n'
        'client_id = "mandate-dashboard"\n'
        'client_secret = "e2e-client-secret"\n'
        f'server_metadata_url = "{oidc}/.well-known/openid-configuration"\n'
    )
    server = b.Server(db=db, log=directory / "streamlit.log", port=port,
                      extra_env={"STREAMLIT_SECRETS_FILES": str(secrets)})
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def others(signin_server: b.Server) -> list[str]:
    with storage.connect(signin_server.db, read_only=True) as con:
        cat = catalog.load_catalog(con)
    return [str(c[k]) for c in cat.councils if c["council_id"] != OWN for k in ("name", "council_id")]


def _named(text: str, names: list[str]) -> list[str]:
    text = text.replace("\\", "")
    return sorted({n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text, re.IGNORECASE)})


def _sign_in(page: Any, server: b.Server, email: str) -> None:
    """Through the provider's authorize form and back, as a person would."""
    b.goto(page, server.url, "/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('input[name="sub"]', timeout=30_000)
    page.fill('input[name="sub"]', email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(server.url) + r"/(\?.*)?$"), timeout=30_000)
    b.wait_for_app(page)


def _everything(page: Any) -> str:
    """The page source and every chart's JSON, with every expander opened (their tables are built only then)."""
    b.open_expanders(page)
    return page.content() + "\n".join(page.evaluate(CHART_JSON))


def _download_texts(page: Any, tmp_path: Path, only: str = "") -> list[str]:
    """Click every visible download button on the page; the text of each file (an XLSX's XML unzipped)."""
    texts = []
    b.open_expanders(page)  # downloads inside a collapsed expander count too (built once it is opened)
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    for i in range(buttons.count()):
        if not buttons.nth(i).is_visible() or only not in buttons.nth(i).inner_text():
            continue  # e.g. the same pack offered in the sidebar and on the slide
        with page.expect_download(timeout=30_000) as info:
            buttons.nth(i).click()
        target = tmp_path / f"dl-{len(texts)}-{info.value.suggested_filename}"
        info.value.save_as(target)
        if target.suffix == ".xlsx":
            with zipfile.ZipFile(target) as z:
                texts.append("\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))
        else:
            texts.append(target.read_bytes().decode("utf-8", "replace"))
    return texts


def test_anonymous_visitor_reaches_only_the_sign_in_screen(signin_server: b.Server, page: Any,
                                                           others: list[str]) -> None:
    for path in ("/", "/Council?council=brackenfield", "/Data", "/Admin"):
        b.goto(page, signin_server.url, path)
        assert page.get_by_role("button", name="Sign in").count() == 1, path
        assert _named(_everything(page), [*others, OWN, "Aldermoor"]) == [], path
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0


def test_anonymous_visitor_reaches_the_join_page(signin_server: b.Server, page: Any, others: list[str]) -> None:
    """The participants' phone page is the one page open without sign-in (docs/live.md); it names no council."""
    b.goto(page, signin_server.url, "/join?code=ZZZZZZ")
    assert "Innovation Mandate workshop" in b.main_text(page)
    assert page.get_by_role("button", name="Sign in").count() == 0
    assert _named(_everything(page), [*others, OWN, "Aldermoor"]) == []


def test_unknown_email_sees_no_access_and_no_names(signin_server: b.Server, page: Any, others: list[str]) -> None:
    _sign_in(page, signin_server, "Stranger@Example.org")
    assert "No access" in b.main_text(page)
    assert _named(_everything(page), [*others, OWN, "Aldermoor"]) == []
    b.goto(page, signin_server.url, "/Overview?council=brackenfield")
    assert "No access" in b.main_text(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0


def test_council_user_sees_no_other_council_anywhere(signin_server: b.Server, page: Any, others: list[str],
                                                     tmp_path: Path) -> None:
    _sign_in(page, signin_server, "council@example.org")
    paths = b.nav_paths(page)
    assert "Admin" not in paths and "Workshop" not in paths
    files: list[tuple[str, str]] = []
    for title in b.PAGE_TITLES:
        b.goto(page, signin_server.url, f"{paths[title]}?council=brackenfield&peers=brackenfield,dunmere")
        assert b.problems_on_page(page) == [], title
        shown = _everything(page)
        assert _named(shown, others) == [], title
        assert "Aldermoor Borough Council" in shown, title
        assert "brackenfield" not in page.url
        # Every page's downloads (CSV; an XLSX holds the same rows, and the Data page's are all read).
        files += [(title, text) for text in _download_texts(page, tmp_path, "" if title == "Data" else "CSV")]
    assert page.get_by_role("button", name="Check and import").count() == 0  # the Data page, last
    # The debrief slides and the offline pack, as the council user would project them.
    b.goto(page, signin_server.url, "/?debrief=1&council=brackenfield")
    assert _named(_everything(page), others) == []
    opener = page.locator('[data-testid="stExpandSidebarButton"]')
    if opener.is_visible():  # the sidebar starts closed in debrief mode; the pack is offered there too
        opener.click()
        page.wait_for_timeout(500)
    files += [("debrief", text) for text in _download_texts(page, tmp_path)]
    assert len(files) >= 12 and any(title == "debrief" and "<html" in text.lower() for title, text in files)
    for title, text in files:
        assert _named(text, others) == [], title
    assert any("Peer " in text for _, text in files)
    # Each page above opened a new browser session; the record holds the one sign-in, not every reload.
    with storage.connect(signin_server.db, read_only=True) as con:
        log = access.activity(con)
    assert [(e["who"], e["action"]) for e in log].count(("council@example.org", "sign-in")) == 1


def test_analyst_sees_every_council_but_no_imports(signin_server: b.Server, page: Any) -> None:
    _sign_in(page, signin_server, "analyst@example.org")
    paths = b.nav_paths(page)
    assert "Admin" not in paths and "Workshop" not in paths
    b.goto(page, signin_server.url, f"{paths['Overview']}?council=brackenfield")
    shown = _everything(page)
    assert "Brackenfield District Council" in shown and "Dunmere District Council" in shown
    b.goto(page, signin_server.url, paths["Data"])
    assert page.get_by_role("button", name="Check and import").count() == 0
    assert page.get_by_role("button", name="Rebuild the demo database").count() == 0
    b.goto(page, signin_server.url, "/Admin")
    assert "Users and roles" not in b.main_text(page)


def test_a_role_change_shows_on_the_next_page_view(signin_server: b.Server, page: Any) -> None:
    _sign_in(page, signin_server, "changing@example.org")
    council_box = page.get_by_role("combobox", name="Council", exact=True)
    assert council_box.count() == 0  # a council user has no council list
    with storage.connect(signin_server.db) as con:
        access.add_user(con, "changing@example.org", "analyst", actor="test")
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Council").first.click()
    b.wait_for_app(page)
    assert council_box.count() == 1  # the next page view, same session: every council listed
    with storage.connect(signin_server.db) as con:
        access.remove_user(con, "changing@example.org", actor="test")
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Themes").first.click()
    b.wait_for_app(page)
    assert "No access" in b.main_text(page)


def test_admin_reaches_the_admin_page_and_signs_out(signin_server: b.Server, page: Any) -> None:
    _sign_in(page, signin_server, "admin@example.org")
    paths = b.nav_paths(page)
    b.goto(page, signin_server.url, paths["Admin"])
    text = b.main_text(page)
    assert "Users and roles" in text and "council@example.org" in page.content()
    assert "Activity record" in text
    b.goto(page, signin_server.url, paths["Data"])
    assert page.get_by_role("button", name="Check and import").count() == 1
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    # Streamlit ends the provider's session too; the mock provider asks to confirm, then sends us back.
    page.wait_for_url(re.compile(r".*/oauth2/end_session.*"), timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(signin_server.url) + r"/.*"), timeout=30_000)
    b.goto(page, signin_server.url, "/")
    assert page.get_by_role("button", name="Sign in").count() == 1
    with storage.connect(signin_server.db, read_only=True) as con:
        log = access.activity(con)
    assert ("admin@example.org", "sign-in") in [(e["who"], e["action"]) for e in log]


def test_local_mode_says_so_in_the_sidebar(app_server: b.Server, page: Any) -> None:
    """No [auth] configured (the repository's default): full access, said plainly."""
    b.goto(page, app_server.url, "/")
    assert "Local mode — no sign-in" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Admin" in b.nav_paths(page)


def test_required_sign_in_without_auth_refuses_to_show_data(tmp_path_factory: pytest.TempPathFactory,
                                                            page: Any, others: list[str]) -> None:
    directory = tmp_path_factory.mktemp("required")
    server = b.Server(db=directory / "mandate.duckdb", log=directory / "streamlit.log",
                      extra_env={access.ENV_REQUIRE_SIGN_IN: "1"})
    try:
        server.start()
        for path in ("/", "/Overview?council=brackenfield"):
            b.goto(page, server.url, path)
            assert "Sign-in must be configured" in b.main_text(page)
            assert _named(_everything(page), [*others, OWN, "Aldermoor"]) == []
            assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    finally:
        server.stop()
