"""How many people one app process holds: ``python -m tests.bench --load [--baseline main]``.

Starts the dashboard as a real Streamlit server (one process, as deployed) on a copy of the chosen
database — the demo data, or with ``--answers N`` a generated sector — and drives it with the websocket
load generator (tests/bench/loadgen.py): first one user alone on every page (first page, then reruns back
to back), then for each load level that many sessions opening the same link at the same moment (the room
receiving the facilitator's link) and rerunning their page after a think time of about 5 s.

With ``--processes N`` the same load also goes through nginx to N app processes of this tree on one copy of
the database (tests/bench/cluster.py, the deployment of docs/deployment.md), level by level alternately
with the one process reached directly, so "one process" and "N processes" come from the same run.  Each
load session opens its own websocket without a route cookie, so nginx spreads them as it spreads new
browsers.

With ``--store postgres`` every server (and the nginx processes) runs on a fresh PostgreSQL database loaded
with the same data instead of a copy of the DuckDB file, dropped afterwards (tests/bench/pgcopy.py); with
``--store both`` each server runs once on each store, level by level alternately, so "DuckDB file" and
"PostgreSQL" come from the same run too.

With ``--baseline REF`` the same is measured against a server of another git ref (``git worktree add`` into
a temporary folder, removed afterwards), level by level alternately with this tree's server, so "before
and after" come from one run on one machine under the same background load.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import loadgen, pgcopy

ROOT = Path(__file__).resolve().parents[2]
#: A link of each page: (Streamlit page name, i.e. the url path; query string).  The Overview is the
#: default page, served at "/", so its page name is empty; the debrief link opens the slides by default.
PAGE_LINKS: dict[str, tuple[str, str]] = {
    "Overview": ("", ""),
    "Council": ("Council", ""),
    "Alignment": ("Alignment", ""),
    "Themes": ("Themes", ""),
    "Benchmark": ("Benchmark", ""),
    "Trends": ("Trends", ""),
    "Data": ("Data", ""),
    "Debrief": ("", "debrief=1"),
}
LEVELS = (10, 50, 100, 200)
#: What a server's name gets for its store: nothing for the DuckDB file (the names of earlier runs).
_SUFFIX = {"duckdb": "", "postgres": " (PostgreSQL)"}
#: The issue's bar, at 50 sessions in one process (2 cores): p95 rerun and the first page of all 50.
TARGETS = {"sessions": 50, "rerun_p95_s": 1.0, "first_page_p95_s": 3.0}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(tree: Path, db: str | Path, log: Path, timeout: float = 300.0) -> Iterator[tuple[int, int]]:
    """A Streamlit server of ``tree`` on ``db``: (port, pid), stopped (its process group) on the way out."""
    port = _free_port()
    env = {**os.environ, "MANDATE_DB": str(db), "PYTHONPATH": str(tree)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server of {tree} stopped: {log.read_text(errors='replace')[-2000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server of {tree} was not healthy within {timeout:.0f} s")
            time.sleep(0.3)
        yield port, proc.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


@contextlib.contextmanager
def baseline_tree(ref: str, where: Path) -> Iterator[Path]:
    """``ref`` checked out (detached) into a temporary git worktree, removed afterwards.  The shared venv
    and the database path come from this run, so only the code differs."""
    target = where / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(target), ref], cwd=ROOT, check=True,
                   capture_output=True, text=True)
    try:
        yield target
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(target)], cwd=ROOT, capture_output=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)


def _cpu_seconds(*pids: int) -> float:
    """User + system CPU of processes (Linux /proc), added up, to show how busy the servers were."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def prepare_database(workdir: Path, answers: int | None) -> tuple[Path, str]:
    """The demo database (built as the app builds it), or a generated sector of about ``answers``."""
    from mandate_core import demo, importer

    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "load.duckdb"
    for stale in workdir.glob("load.duckdb*"):
        stale.unlink()
    if answers is None:
        demo.ensure_database(db)
        return db, "demo data"
    from .core import generate

    councils, responses, rows = generate(workdir / "load-input", answers)
    importer.import_files(db, councils, [responses])
    return db, f"generated sector, {rows:,} answers"


def run_load(workdir: Path, answers: int | None = None, levels: tuple[int, ...] = LEVELS,
             duration_s: float = 30.0, think_s: float = 5.0, pages: tuple[str, ...] = ("Overview",),
             baseline: str | None = None, single_pages: tuple[str, ...] = tuple(PAGE_LINKS),
             repeat: int = 10, processes: int | None = None, store: str = "duckdb",
             pg_base: str | None = None) -> dict[str, Any]:
    """Every figure of a load run (see the module docstring), as one JSON-able dict.

    ``processes`` N adds "N processes (nginx)": this tree's N processes behind nginx, driven through nginx.
    ``store`` is where the servers keep their data (tests/bench/pgcopy.py): ``duckdb`` a copy of the file each,
    ``postgres`` a fresh PostgreSQL database each on ``pg_base``'s server, loaded with the same data and
    dropped afterwards, ``both`` every server on each store, level by level alternately.  A PostgreSQL
    server's name ends in " (PostgreSQL)"; the DuckDB file's names are unchanged.
    """
    db, data = prepare_database(workdir, answers)
    kinds = pgcopy.kinds(store)
    links = [PAGE_LINKS[p] for p in pages]
    trees: dict[str, Path] = {}
    result: dict[str, Any] = {"data": data, "cores": os.cpu_count(), "pages": list(pages),
                              "duration_s": duration_s, "think_s": think_s, "levels": list(levels),
                              "load_average_before": os.getloadavg()[0], "servers": {},
                              "processes": {}, "store": store, "stores": {}}
    with contextlib.ExitStack() as stack:
        if baseline:
            trees[f"baseline ({baseline})"] = stack.enter_context(baseline_tree(baseline, workdir))
        trees["this tree"] = ROOT
        ports: dict[str, tuple[int, list[int]]] = {}
        backends: list[int] = []  # the app ports behind nginx, with ``processes``
        for kind in kinds:
            for tree_name, tree in trees.items():
                name = tree_name + _SUFFIX[kind]
                n = len(ports)
                # The store is entered before the server, so it is dropped only after the server stopped.
                copy = stack.enter_context(pgcopy.store_copy(db, kind, workdir / f"server-{n}.duckdb", pg_base))
                port, pid = stack.enter_context(server(tree, copy, workdir / f"server-{n}.log"))
                ports[name] = port, [pid]
                result["servers"][name] = {"single": {}, "levels": {}}
                result["processes"][name] = 1
                result["stores"][name] = kind
                if baseline:
                    result["servers"][name]["ref"] = baseline if tree_name != "this tree" else "HEAD + working tree"
        if processes:
            from . import cluster

            for kind in kinds:
                name = f"{processes} processes (nginx)" + _SUFFIX[kind]
                copy = stack.enter_context(pgcopy.store_copy(db, kind, workdir / f"cluster-{kind}.duckdb",
                                                             pg_base))
                prefix = workdir / ("nginx" if kind == kinds[0] else f"nginx-{kind}")
                running = stack.enter_context(cluster.running(processes, copy, prefix=prefix))
                ports[name] = running.spec.listen_port, [*running.app_pids, running.nginx_pid]
                backends += list(running.spec.backend_ports)
                result["servers"][name] = {"single": {}, "levels": {}}
                result["processes"][name] = processes
                result["stores"][name] = kind
        for name, (port, _) in ports.items():  # one user alone, every page; also fills the caches
            for page in single_pages:
                page_name, query = PAGE_LINKS[page]
                result["servers"][name]["single"][page] = loadgen.single_reruns(port, page_name, query, repeat)
        if processes:
            # Every process's caches filled, as the single server's are by its one-user pass (which, through
            # nginx, reached only some of the processes): the first level then compares like with like.
            for backend in backends:
                for page in single_pages:
                    loadgen.single_reruns(backend, *PAGE_LINKS[page], repeat=1)
        for n in levels:  # level by level, the servers alternately: the same machine load for both
            for name, (port, pids) in ports.items():
                cpu0 = _cpu_seconds(*pids)
                figures = loadgen.run_level(port, links, n, duration_s=duration_s, think_s=think_s)
                figures["server_cpu_share"] = (_cpu_seconds(*pids) - cpu0) / figures["wall_s"]
                figures["load_average"] = os.getloadavg()[0]
                result["servers"][name]["levels"][str(n)] = figures
                time.sleep(2)  # let the server settle between levels
    result["held"] = {name: held(s["levels"]) for name, s in result["servers"].items()}
    return result


def held(levels: dict[str, dict[str, Any]]) -> int:
    """The most sessions measured with rerun p95 ≤ 1 s, first page p95 ≤ 3 s and no failure (0: none)."""
    best = 0
    for n, f in levels.items():
        ok = (not f["error_count"] and not f["exceptions"] and f["rerun_p95_s"] is not None
              and f["rerun_p95_s"] <= TARGETS["rerun_p95_s"]
              and (f["first_page_p95_s"] or 0) <= TARGETS["first_page_p95_s"])
        if ok:
            best = max(best, int(n))
    return best


def load_verdicts(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(what, measured, target, met) for this tree at the target's level (when measured)."""
    rows: list[tuple[str, str, str, bool]] = []
    n = TARGETS["sessions"]
    for name in ("this tree", "this tree (PostgreSQL)"):  # this tree's one process on each store measured
        mine = result["servers"].get(name, {}).get("levels", {}).get(str(n))
        if mine is None:
            continue
        on = " (PostgreSQL)" if name.endswith("(PostgreSQL)") else ""
        rows += [
            (f"{n} sessions{on}: rerun p95", _s(mine["rerun_p95_s"]), f"≤ {TARGETS['rerun_p95_s']} s",
             mine["rerun_p95_s"] is not None and mine["rerun_p95_s"] <= TARGETS["rerun_p95_s"]),
            (f"{n} sessions{on}: first page p95", _s(mine["first_page_p95_s"]),
             f"≤ {TARGETS['first_page_p95_s']} s",
             mine["first_page_p95_s"] is not None and mine["first_page_p95_s"] <= TARGETS["first_page_p95_s"]),
            (f"{n} sessions{on}: no failed session or page error", str(mine["error_count"] + mine["exceptions"]),
             "0", not mine["error_count"] and not mine["exceptions"]),
        ]
    return rows


def _s(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.2f} s"


def print_load(result: dict[str, Any]) -> None:
    """The load run as tables: one user per page, then each level, the servers side by side."""
    shape = ", ".join(f"{name} ({'one process' if n == 1 else f'{n} processes behind nginx'})"
                      for name, n in result["processes"].items())
    print(f"load: {result['data']}; servers {shape}; {result['cores']} cores; pages "
          f"{', '.join(result['pages'])}; think {result['think_s']:g} s ±40 %, {result['duration_s']:g} s a level, "
          f"sessions opening together; load average before {result['load_average_before']:.1f}")
    names = list(result["servers"])
    print("one user: first page / rerun p50 (ms)")
    pages = list(result["servers"][names[-1]]["single"])
    print(f"  {'page':<10}" + "".join(f"  {name:>32}" for name in names))
    for page in pages:
        cells = []
        for name in names:
            one = result["servers"][name]["single"][page]
            cells.append(f"{one['first_s'] * 1000:.0f} / {one['rerun_p50_s'] * 1000:.0f}"
                         + (" (errors)" if one["exceptions"] else ""))
        print(f"  {page:<10}" + "".join(f"  {c:>32}" for c in cells))
    print(f"sessions  {'server':<32}  rerun p50  rerun p95  first p50  first p95  reruns  errors  server CPU"
          "  client CPU  load")
    for n in result["levels"]:
        for name in names:
            f = result["servers"][name]["levels"][str(n)]
            print(f"{n:>8}  {name[:32]:<32}  {_s(f['rerun_p50_s']):>9}  {_s(f['rerun_p95_s']):>9}  "
                  f"{_s(f['first_page_p50_s']):>9}  {_s(f['first_page_p95_s']):>9}  {f['reruns']:>6}  "
                  f"{f['error_count'] + f['exceptions']:>6}  {f['server_cpu_share']:>9.0%}  "
                  f"{f['client_cpu_share']:>10.0%}  {f['load_average']:>4.1f}")
            for error in f["errors"][:3]:
                print(f"          {error}")
    for name, n in result["held"].items():
        count = result["processes"].get(name, 1)
        who = "one process holds" if count == 1 else f"{count} processes behind nginx hold"
        print(f"{name}: {who} {n} active users (the most sessions measured with rerun p95 ≤ 1 s "
              "and first page p95 ≤ 3 s)" if n else f"{name}: no level measured met rerun p95 ≤ 1 s")


def workdir_for(path: str | None) -> contextlib.AbstractContextManager[str]:
    """The given folder, or a temporary one removed afterwards."""
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        return contextlib.nullcontext(path)
    return tempfile.TemporaryDirectory(prefix="mandate-load-")
