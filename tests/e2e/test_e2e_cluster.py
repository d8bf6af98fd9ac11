"""Two app processes behind nginx, in real Chromium (docs/deployment.md).

Both processes serve one store (``MANDATE_DB``): a DuckDB file they take turns on, then PostgreSQL.
Through nginx: the pages load and the websocket connects, every request of one browser reaches one
process (nginx's access log names the process of each request by the browser's route cookie), and a
phone that joins and answers through one process shows on the facilitator's Workshop page served by the
*other* process within its 3 s refresh. Without nginx the test skips with one loud line; under CI
(``CI=true``) it fails instead (.ci/run installs nginx and PostgreSQL).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_nginx import require_or_skip

from mandate_core import demo, importer, live, storage
from tests import stores
from tests.bench import cluster as launcher

from . import browser as b

pytestmark = pytest.mark.e2e

THEMES = [("Good jobs", "economy"), ("Homes for all", "place")]
COUNCILS = "council_id,name,nation,council_type,population,peer_group\nalpha,Alpha Council,England,Unitary,1000,A\n"
#: The facilitator's live view reruns every 3 s from a status query cached for 2 s; allow for two busy cores.
REFRESH_WITHIN_S = 20.0


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def two_processes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, browser: Any
                  ) -> Iterator[tuple[launcher.Running, str]]:
    """Two app processes behind nginx on one store with an open live session: (the cluster, its code) —
    first on a DuckDB file the processes take turns on, then on PostgreSQL (each process its own read
    model, tests/stores.py gives the database).

    Each process is opened once directly first, as conftest's servers are: a process's first run of the
    entry file is what turns on st.navigation, so a deep link before it would land on the home page.
    """
    require_or_skip(launcher.nginx_binary() is not None,
                    "NGINX NOT INSTALLED: the two-process test behind nginx (tests/e2e/test_e2e_cluster.py) "
                    "did not run; apt-get install nginx")
    work = tmp_path_factory.mktemp("cluster")
    councils = work / "councils.csv"
    councils.write_text(COUNCILS)
    db: Path | str = work / "cluster.duckdb"
    if request.param == "postgres":
        db = stores.new_pg_db()  # skips loudly without a server (fails under CI)
        request.addfinalizer(lambda: stores.drop_pg_db(str(db)))
    importer.import_files(db, councils)
    done = subprocess.run(
        [sys.executable, "-m", "mandate_core", "session", "open", "--db", str(db), "--council", "alpha",
         "--round", "Live 2027", "--date", "2027-02-01",
         *[a for th in THEMES for a in ("--theme", f"{th[0]}={th[1]}")], "--json"],
        cwd=b.REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    code = json.loads(done.stdout)["code"]
    with launcher.running(2, db, prefix=work / "nginx") as cluster:
        for url in cluster.backend_urls:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            try:
                b.goto(context.new_page(), url, "/")
            finally:
                context.close()
        yield cluster, code


def _route(page: Any) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert "mandate_route" in cookies, f"nginx set no route cookie: {cookies}"
    return str(cookies["mandate_route"])


def _backend_of(cluster: launcher.Running, route: str) -> str:
    """The one process that served this browser so far (the first page's request is logged at once)."""
    deadline = time.monotonic() + 10
    while route not in cluster.upstreams_seen():
        assert time.monotonic() < deadline, f"no access-log line of route {route}"
        time.sleep(0.2)
    seen = cluster.upstreams_seen()[route]
    assert len(seen) == 1, f"one browser was served by several processes: {seen}"
    return next(iter(seen))


def _metric(page: Any, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_pages_load_through_nginx_and_each_browser_stays_on_one_process(
        two_processes: tuple[launcher.Running, str], new_page: Any) -> None:
    cluster, _ = two_processes
    page = new_page()
    for path in ("/", "/Council", "/Themes", "/"):
        b.goto(page, cluster.url, path)  # waits for the websocket (CONNECTED) and the finished run
        assert page.locator('[data-testid="stApp"]').get_attribute("data-test-connection-state") == "CONNECTED"
        assert b.problems_on_page(page) == []
    assert "Aldermoor" not in b.main_text(page)  # this store holds only Alpha; no demo was built
    page.reload()
    b.wait_for_app(page)
    route = _route(page)
    backend = _backend_of(cluster, route)
    assert backend in {u.removeprefix("http://") for u in cluster.backend_urls}
    page.context.close()  # a websocket is logged when it closes
    deadline = time.monotonic() + 10
    while route not in cluster.upstreams_seen("/_stcore/stream"):
        assert time.monotonic() < deadline, "the websocket never went through nginx"
        time.sleep(0.2)
    assert cluster.upstreams_seen()[route] == {backend}  # pages, scripts, health and websockets: one process
    log = cluster.access_log.read_text()
    assert f" 101 GET /_stcore/stream upstream={backend} route={route}" in log  # upgraded, not refused


def test_an_answer_given_through_one_process_shows_on_the_other_processes_workshop_view(
        two_processes: tuple[launcher.Running, str], new_page: Any) -> None:
    cluster, code = two_processes
    desk = new_page(1280, 900)
    b.goto(desk, cluster.url, "/Workshop")
    assert code in b.main_text(desk)
    address = f"{cluster.url}/join?code={code}"
    assert desk.locator('[data-testid="stCode"]').first.inner_text().strip() == address  # nginx's address
    desk_backend = _backend_of(cluster, _route(desk))
    assert (_metric(desk, "Joined"), _metric(desk, "Answers stored")) == ("0", "0")

    # A phone whose route cookie lands on the other process (each new browser draws at random: 1 in 2).
    for _ in range(30):
        phone = new_page(390, 844)
        phone.goto(address, wait_until="domcontentloaded")
        if _backend_of(cluster, _route(phone)) != desk_backend:
            break
        phone.context.close()
    else:
        pytest.fail("30 new browsers all landed on the facilitator's process: nginx does not spread them")
    phone_backend = _backend_of(cluster, _route(phone))
    assert phone_backend != desk_backend

    phone.get_by_role("button", name="Start").wait_for(timeout=90_000)
    phone.get_by_text("An officer (a senior manager)", exact=True).click()
    phone.get_by_role("button", name="Start").click()
    phone.wait_for_url("**device=**", timeout=60_000)
    phone.get_by_text("0 of 2 themes answered").first.wait_for(timeout=60_000)
    groups = phone.locator('[data-testid="stMain"] [role="radiogroup"]')
    for k in range(3):  # now, next, ambition: a change score each, no risk
        groups.nth(2 * k).get_by_role("radio", name=live.CHANGE_WORDS[2 + k], exact=True).click()
    phone.get_by_role("button", name="Save and go on").click()
    phone.get_by_text("1 of 2 themes answered").first.wait_for(timeout=60_000)
    assert b.problems_on_page(phone) == []

    # The facilitator's view, in the other process, catches up by itself, without a reload.
    deadline = time.monotonic() + REFRESH_WITHIN_S
    while (_metric(desk, "Joined"), _metric(desk, "Answers stored")) != ("1", "3"):
        assert time.monotonic() < deadline, (_metric(desk, "Joined"), _metric(desk, "Answers stored"))
        desk.wait_for_timeout(500)
    assert b.problems_on_page(desk) == []
    # Still sticky after all that: each browser's requests went to its own one process.
    seen = cluster.upstreams_seen()
    assert seen[_route(desk)] == {desk_backend} and seen[_route(phone)] == {phone_backend}


def test_nginx_and_the_processes_are_stopped_afterwards(tmp_path: Path) -> None:
    """The launcher builds a missing demo database once, before any process starts, and leaves nothing
    running: every process it started is gone once the block ends."""
    require_or_skip(launcher.nginx_binary() is not None, "NGINX NOT INSTALLED: apt-get install nginx")
    db = tmp_path / "fresh.duckdb"
    with launcher.running(2, db, prefix=tmp_path / "nginx") as cluster:
        # No page has run yet (a process builds the demo on its first page run, not at start-up), so the
        # file is there because the launcher built it.
        with storage.connect(db, read_only=True) as con:
            assert demo.is_demo(con)
        pids = [*cluster.app_pids, cluster.nginx_pid]
        assert all(_alive(p) for p in pids)
    assert not any(_alive(p) for p in pids)
    assert not (tmp_path / "nginx" / "nginx.pid").exists()  # nginx shut down cleanly (it removes its pid file)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped


def test_an_upload_through_nginx_stays_on_its_process_and_every_process_sees_the_import(
        two_processes: tuple[launcher.Running, str], new_page: Any, tmp_path: Path) -> None:
    """The upload (a PUT to /_stcore/upload_file) reaches the process that holds the page's session — the
    affinity streamlit issue 4173 needs — and the round it imports shows on the other process too."""
    import csv

    cluster, _ = two_processes
    rnd = "2027 cluster upload"
    file = tmp_path / "cluster-round.csv"
    with open(file, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(importer.RESPONSE_COLUMNS)
        for i, (person, role, group) in enumerate((("M01", "member", "Labour"), ("M02", "member", "Green"),
                                                   ("O01", "officer", ""))):
            for theme, sector in THEMES:
                for h, horizon in enumerate(("now", "next", "ambition")):
                    writer.writerow(["alpha", rnd, "2027-03-01", person, role, group, theme, sector, horizon,
                                     1 + h + i % 2, "", ""])
    page = new_page()
    b.goto(page, cluster.url, "/Data?council=alpha")
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Responses files")
    uploader.locator('input[type="file"]').set_input_files(str(file))
    uploader.filter(has_text=file.name).wait_for()
    b.wait_for_app(page)
    page.get_by_role("button", name="Check and import").click()
    page.locator('[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentError"]').filter(
        has_text="mport").first.wait_for(timeout=60_000)
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    assert success.count() >= 1, page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    route = _route(page)
    uploaded = cluster.upstreams_seen("/_stcore/upload_file")
    assert route in uploaded, "the upload did not go through nginx"
    assert uploaded[route] == cluster.upstreams_seen()[route] == {_backend_of(cluster, route)}

    # A browser on the other process opens the new round by a link.
    for _ in range(30):
        other = new_page()
        b.goto(other, cluster.url, f"/Council?council=alpha&round={rnd.replace(' ', '+')}")
        if _backend_of(cluster, _route(other)) != _backend_of(cluster, route):
            break
        other.context.close()
    else:
        pytest.fail("30 new browsers all landed on the uploader's process")
    assert f"Workshop round {rnd}, held on 2027-03-01, with 3 participants" in b.main_text(other)
    assert b.problems_on_page(other) == []
