"""Helpers for driving the dashboard in a real Chromium: start a server, wait for Streamlit, read charts.

Kept free of fixtures (conftest.py holds those) so a debugging session can import it directly.
Streamlit marks its state on the app root: ``data-test-connection-state`` (CONNECTED once the websocket is
up) and ``data-test-script-state`` (initial -> running -> notRunning); elements from the previous run are
marked ``data-stale="true"`` until the new run replaces them.  Charts are ``.js-plotly-plot`` divs.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ENABLE_HINT = "install Chromium to run them: sudo apt-get install chromium (Playwright drives /usr/bin/chromium)"

#: The pages in navigation order, by title. Their URL paths are read off the running app's sidebar
#: (st.navigation derives them from titles or url_path=), see ``nav_paths``.
PAGE_TITLES = ["Overview", "Council", "Alignment", "Themes", "Benchmark", "Trends", "Data"]

APP_TIMEOUT_S = 90.0  # the first load builds the demo database; 2 busy cores can be slow
HEALTH_TIMEOUT_S = 60.0


# --- the Streamlit server -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A ``python dashboard.py`` server (the README's way to start it) on its own port and database."""

    db: Path
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
        env.update(self.extra_env)
        env["MANDATE_DB"] = str(self.db)
        env.pop("MANDATE_MIN_GROUP", None)
        cmd = [
            sys.executable, "dashboard.py",
            "--server.headless", "true", "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            # Other engineers edit pages while the suite runs: a watcher would only cost CPU here.
            "--server.fileWatcherType", "none",
        ]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.read().decode().strip() == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"streamlit did not report healthy within {HEALTH_TIMEOUT_S:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate, then kill: the server never outlives the session, whatever happened."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# --- waiting for the app --------------------------------------------------------------------------------

_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    connection: app ? app.dataset.testConnectionState : null,
    script: app ? app.dataset.testScriptState : null,
    status: !!document.querySelector('[data-testid="stStatusWidget"]'),
    stale: document.querySelectorAll('[data-stale="true"]').length,
    spinner: document.querySelectorAll('[data-testid="stSpinner"], [data-testid="stSkeleton"]').length,
    content: main ? main.querySelectorAll('[data-testid="stElementContainer"]').length : 0,
    charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
    plots: document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg').length,
  };
}"""

#: What counts as data drawn in a Plotly chart (band zones and axes are shapes/lines, not data).
_MARKS = ", ".join([
    ".scatterlayer path.point", ".scatterlayer path.js-line", ".scatterlayer path.js-fill",
    ".scatterlayer text", ".barlayer path", ".heatmaplayer image", ".pielayer path.surface",
    ".boxlayer path", ".violinlayer path", ".funnellayer path", ".waterfalllayer path",
    ".indicatorlayer text", ".choroplethlayer path", ".table .cell-text",
])

_CHARTS_JS = """(marks) => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((c, i) => {
  const plot = c.querySelector('.js-plotly-plot');
  if (!plot) return {index: i, svg: false, marks: 0, title: ''};
  const drawn = [...plot.querySelectorAll(marks)].filter(e => {
    if (e.tagName === 'path') { const d = e.getAttribute('d') || ''; return d.length > 4 && d !== 'M0,0Z'; }
    if (e.tagName === 'text') return (e.textContent || '').trim().length > 0;
    return true;
  });
  const title = plot.querySelector('.gtitle');
  return {index: i, svg: plot.querySelectorAll('.main-svg').length > 0, marks: drawn.length,
          title: title ? title.textContent : ''};
})"""

#: A chart's content without Plotly's random clip-path ids: texts, drawn shapes and point positions.
_SIGNATURE_JS = """(marks) => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map(p => {
  const parts = [];
  for (const t of p.querySelectorAll('text')) parts.push('t:' + (t.textContent || ''));
  for (const e of p.querySelectorAll(marks)) {
    parts.push(e.tagName + ':' + (e.getAttribute('d') || '') + '@' + (e.getAttribute('transform') || ''));
  }
  return parts.join('|');
})"""


def app_state(page: Any) -> dict[str, Any]:
    return page.evaluate(_STATE_JS)


def wait_for_app(page: Any, timeout: float = APP_TIMEOUT_S, settle: float = 0.6) -> dict[str, Any]:
    """Wait until the script run is over, nothing is stale, and every chart has drawn.

    A rerun can start a few ms after a click, so "not running" must hold for ``settle`` seconds in a row.
    Returns the last observed state (for messages).
    """
    deadline = time.monotonic() + timeout
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout * 1000)
    stable_since: float | None = None
    state: dict[str, Any] = {}
    while True:
        state = app_state(page)
        ready = (
            state["connection"] == "CONNECTED" and state["script"] == "notRunning" and not state["status"]
            and not state["stale"] and not state["spinner"] and state["content"] > 0
        )
        now = time.monotonic()
        if ready:
            stable_since = stable_since or now
            if now - stable_since >= settle:
                break
        else:
            stable_since = None
        if now > deadline:
            raise TimeoutError(f"the app did not settle within {timeout:.0f} s: {state}")
        page.wait_for_timeout(100)
    wait_for_charts(page, timeout=min(15.0, max(5.0, deadline - time.monotonic())))
    return state


_CLICK_SUMMARIES = """(selector) => {
  const found = [...document.querySelectorAll(selector)];
  found.forEach(s => s.click());
  return found.length;
}"""
_CLOSED = '[data-testid="stMain"] details:not([open]) > summary'
_OPENED = '[data-testid="stMain"] details[open] > summary'


def open_expanders(page: Any) -> None:
    """Open every collapsed expander of the page and wait for the reruns that fill them: a "numbers behind"
    table is built only when its expander is opened (pages/_layout/tables.py ``folded``), so a check of everything
    a page can show opens them first."""
    for _ in range(3):  # an opened expander could hold another
        if not page.evaluate(_CLICK_SUMMARIES, _CLOSED):
            return
        wait_for_app(page, settle=0.4)


def close_expanders(page: Any) -> None:
    """Close every open expander of the page again (an opened one stays open on the next rerun)."""
    if page.evaluate(_CLICK_SUMMARIES, _OPENED):
        wait_for_app(page, settle=0.4)


def wait_for_charts(page: Any, timeout: float = 15.0) -> list[dict[str, Any]]:
    """Give each chart time to draw its data; returns what each chart shows (the test decides)."""
    deadline = time.monotonic() + timeout
    charts = chart_report(page)
    while any(not c["svg"] or not c["marks"] for c in charts) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        charts = chart_report(page)
    return charts


def chart_report(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(_CHARTS_JS, _MARKS)


def chart_signature(page: Any) -> list[str]:
    return page.evaluate(_SIGNATURE_JS, _MARKS)


def goto(page: Any, base_url: str, path: str, timeout: float = APP_TIMEOUT_S) -> dict[str, Any]:
    page.goto(base_url + path, wait_until="domcontentloaded", timeout=timeout * 1000)
    return wait_for_app(page, timeout=timeout)


def main_text(page: Any) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def problems_on_page(page: Any) -> list[str]:
    """Exception boxes and tracebacks anywhere in the app (main area and sidebar)."""
    found = [f"stException: {t[:500]}" for t in page.locator('[data-testid="stException"]').all_inner_texts()]
    body = page.locator('[data-testid="stApp"]').inner_text()
    if "Traceback" in body:
        found.append("'Traceback' in the page text")
    found += [f"dialog: {t[:200]}" for t in page.locator('[role="dialog"]').all_inner_texts()
              if "Page not found" in t]
    return found


def nav_paths(page: Any) -> dict[str, str]:
    """Page title -> URL path ("/" for the default page), as the sidebar navigation links them."""
    links = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stSidebarNavLink"]')].map(a => {
      const icon = a.querySelector('[data-testid="stIconMaterial"]');
      return [a.textContent.replace(icon ? icon.textContent : '', '').trim(), new URL(a.href).pathname];
    })""")
    return {title: path for title, path in links}


def active_page(page: Any) -> str | None:
    """The title of the page the sidebar navigation marks as current (the icon's ligature left out)."""
    return page.evaluate("""() => {
      const a = document.querySelector('[data-testid="stSidebarNavLink"][aria-current="page"]');
      if (!a) return null;
      const icon = a.querySelector('[data-testid="stIconMaterial"]');
      return a.textContent.replace(icon ? icon.textContent : '', '').trim();
    }""")


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label`` (a react-aria combobox)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def full_page_screenshot(page: Any, path: Path, max_height: int = 12000) -> tuple[int, int]:
    """A PNG of the whole page: Streamlit scrolls inside ``stMain``, so grow the viewport to fit it."""
    size = page.viewport_size
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                   return m ? Math.ceil(m.scrollHeight) : document.documentElement.scrollHeight; }"""
    )
    tall = max(size["height"], min(int(height), max_height))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if tall != size["height"]:
            page.set_viewport_size({"width": size["width"], "height": tall})
            page.wait_for_timeout(400)
            wait_for_charts(page, timeout=5)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return size["width"], tall


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def read_csv_download(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    text = Path(path).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
