"""Benchmark at sector scale: ``python -m tests.bench --answers 1000000`` (from the repository root).

Speed claims in this project come from here, as figures measured in one run on one machine, with the
bare DuckDB ``read_csv`` of the same file as the baseline for the import (the machine is noisy; a ratio
within one run is what can be compared).  It generates a synthetic sector with a fixed seed, then times
the validated import, ``report`` and ``benchmark`` in-process and as whole processes, every dashboard
page through AppTest (cold and warm) and the app process's peak memory.

It also times live capture (docs/live.md): rooms of 30 and 100 phones submitting every theme concurrently,
each phone a thread with its own device token going through ``live.submit_theme`` as the Join page does
(p50/p95 from submit to stored), and the facilitator view's refresh (``--live-only`` runs just that).

``--load`` measures how many people one app process holds instead (tests/bench/load.py): real Streamlit
servers driven by a websocket load generator (tests/bench/loadgen.py), with ``--baseline REF`` the same
load against a server of another git ref in the same run.  ``--store postgres|both`` (tests/bench/pgcopy.py)
puts the servers, or the import, reports and pages, on a fresh PostgreSQL database too; the sector bench
then reports PostgreSQL as ratios to the DuckDB file measured in the same run.  This lives under tests/, not
in mandate_core, because it drives Streamlit (AppTest, the server) and mandate_core never imports streamlit.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb

from mandate_core import disclosure, domain, importer, live, pgstore, reports, storage

from . import load, pgcopy

ROOT = Path(__file__).resolve().parents[2]
ROUNDS, PARTICIPANTS, THEMES = 4, 25, 8
TARGETS = {
    "import_ratio": 3.0,
    "report_in_process_s": 0.050,
    "report_process_s": 2.0,
    "page_warm_s": 0.5,
    "page_cold_s": 2.0,
    "app_peak_rss_mb": 1024.0,
}
PAGES = ["pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py", "pages/4_Themes.py",
         "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"]


def generate(directory: Path, answers: int, seed: int = 7) -> tuple[Path, Path, int]:
    """Write a councils and a responses CSV of about ``answers`` rows; deterministic for a seed."""
    per_council = ROUNDS * PARTICIPANTS * THEMES * len(domain.HORIZONS)
    n_councils = max(1, math.ceil(answers / per_council))
    directory.mkdir(parents=True, exist_ok=True)
    councils, responses = directory / "councils.csv", directory / "responses.csv"
    sectors = list(domain.SECTOR_THEMES)
    nations = ["England", "Scotland", "Wales", "Northern Ireland"]
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'C' || lpad(c::VARCHAR, 5, '0') AS council_id, 'Council ' || c AS name,
                       ?[1 + c % 4] AS nation, ['Unitary', 'County', 'District'][1 + c % 3] AS council_type,
                       50000 + c * 37 AS population, 'Group ' || (c % 12) AS peer_group
                FROM range({n_councils}) t(c)) TO '{councils}' (HEADER, DELIMITER ',')""",
        [nations],
    )
    con.execute(
        f"""COPY (
            SELECT 'C' || lpad(c::VARCHAR, 5, '0') AS council_id,
                   'Round ' || (r + 1) AS round,
                   strftime(DATE '2019-01-15' + INTERVAL (r * 400 + c % 300) DAY, '%Y-%m-%d') AS workshop_date,
                   'P' || lpad(p::VARCHAR, 2, '0') AS participant,
                   CASE WHEN p % 2 = 0 THEN 'member' ELSE 'officer' END AS role,
                   CASE WHEN p % 2 = 0 THEN ['Labour', 'Conservative', 'Green', 'Independent'][1 + (p // 2) % 4]
                        ELSE NULL END AS "group",
                   'Theme ' || (t + 1) AS theme,
                   ?[1 + t] AS sector_theme,
                   ['now', 'next', 'ambition'][1 + h] AS horizon,
                   least(6, 1 + (hash(c, r, p, t, h, {seed}) % 4)::INTEGER + h) AS change,
                   1 + (hash(c, p, t, {seed}) % 5)::INTEGER AS risk,
                   CASE WHEN hash(c, r, p, t, h) % 50 = 0 THEN 'Pool budgets with partners' END AS note
            FROM range({n_councils}) a(c), range({ROUNDS}) b(r), range({PARTICIPANTS}) d(p),
                 range({THEMES}) e(t), range(3) f(h)
            ORDER BY c, r, p, t, h
        ) TO '{responses}' (HEADER, DELIMITER ',')""",
        [sectors],
    )
    con.close()
    return councils, responses, n_councils * per_council


def _timed(fn: Any, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _process(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mandate_core", *args], cwd=ROOT, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stderr}")
    return elapsed


def _peak_rss_mb() -> float:
    """This process's own peak memory: ``VmHWM`` of /proc/self/status, which starts afresh at exec.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` is kept across fork and exec on Linux, so a page child started by a
    bench process that had just imported 1M answers reported the bench's peak, not its own (both stores
    read the same 531.6 MB to the kilobyte in one run).  ru_maxrss stays the fallback off Linux.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pages_child(db: str) -> None:
    """Run in a separate process: visit every page cold then warm; print timings and peak RSS."""
    os.environ[storage.ENV_DB] = db
    from streamlit.testing.v1 import AppTest

    out: dict[str, Any] = {"pages": {}}
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
        at.switch_page(page)
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        at.run()
        warm = time.perf_counter() - start
        out["pages"][page] = {"cold_s": cold, "warm_s": warm, "exception": bool(at.exception)}
    out["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(out))


def _pages(db: str) -> dict[str, Any]:
    """Every page cold and warm, in a fresh process on ``db`` (a file path or a postgresql:// URL)."""
    child = subprocess.run([sys.executable, "-m", "tests.bench", "--pages-child", db],
                           cwd=ROOT, capture_output=True, text=True)
    if child.returncode != 0:
        raise RuntimeError(f"page run failed: {child.stderr[-2000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


#: The figures measured on both stores with ``pg_base``, as ratio rows (PostgreSQL / DuckDB file).
PG_RATIO_KEYS = ("import_s", "import_replace_s", "report_in_process_s", "benchmark_in_process_s",
                 "report_process_s", "benchmark_process_s", "app_peak_rss_mb")


def _report_figures(db: str, focus: str) -> dict[str, float]:
    """``report`` and ``benchmark`` in this process (warm: the first call fills DuckDB's caches, and on a
    PostgreSQL store loads this process's read model) and as whole processes."""
    out: dict[str, float] = {}
    with storage.connect(db, read_only=True) as con:
        reports.council_report(con, focus, min_group=3)
        out["report_in_process_s"] = _timed(lambda: reports.council_report(con, focus, min_group=3), repeat=5)
        out["benchmark_in_process_s"] = _timed(
            lambda: reports.benchmark_report(con, focus, "position", "ambition", None, "all", min_group=3), repeat=5)
    return out


def run(answers: int, workdir: Path, pages: bool = True, pg_base: str | None = None) -> dict[str, Any]:
    """Generate, import and time everything; return the figures.

    With ``pg_base`` (a PostgreSQL server, tests/bench/pgcopy.py) the import, ``report``/``benchmark`` and page
    timings are also measured on a fresh PostgreSQL database, each alternately with the DuckDB file's, and
    reported under ``postgres`` with ``postgres_ratios`` = PostgreSQL / DuckDB file (the machine is noisy: a
    ratio within one run is what can be compared).  The databases are dropped afterwards.
    """
    result: dict[str, Any] = {"cores": os.cpu_count(), "target_answers": answers,
                              "load_average_start": round(os.getloadavg()[0], 2)}
    start = time.perf_counter()
    councils, responses, rows = generate(workdir / "input", answers)
    result["answers"] = rows
    result["generate_s"] = time.perf_counter() - start

    for stale in workdir.glob("*.duckdb*"):  # a reused --workdir starts from empty databases
        stale.unlink()
    pg: dict[str, Any] = {}
    pg_urls: list[str] = []
    try:
        # Baseline: a bare DuckDB load of the same file into a table (the floor for any import), timed
        # alternately with the validated import so both see the same machine; medians of the repeats.
        repeats = 3 if rows <= 2_000_000 else 1
        bare_times, import_times, pg_import_times = [], [], []
        db = workdir / "bench.duckdb"
        for attempt in range(repeats):
            bare = workdir / f"bare{attempt}.duckdb"
            bare_con = duckdb.connect(str(bare))
            bare_times.append(_timed(lambda c=bare_con: c.execute(
                f"CREATE TABLE t AS SELECT * FROM read_csv('{responses}', all_varchar = true)")))
            bare_con.close()
            target = workdir / f"import{attempt}.duckdb"
            import_times.append(_timed(lambda t=target: importer.import_files(t, councils, [responses])))
            if pg_base:
                url = pgcopy.create_database(pg_base)
                pg_urls.append(url)
                pg_import_times.append(_timed(lambda u=url: importer.import_files(u, councils, [responses])))
                if attempt:  # only the first is kept for the timings below
                    pgcopy.drop_database(pg_base, pg_urls.pop())
        result["bare_read_csv_s"] = statistics.median(bare_times)
        result["import_s"] = statistics.median(import_times)
        result["import_ratio"] = result["import_s"] / result["bare_read_csv_s"]
        result["repeats"] = repeats
        os.replace(workdir / "import0.duckdb", db)
        result["import_replace_s"] = _timed(lambda: importer.import_files(db, None, [responses], replace=True))
        if pg_base:
            pg["import_s"] = statistics.median(pg_import_times)
            pg["import_replace_s"] = _timed(
                lambda: importer.import_files(pg_urls[0], None, [responses], replace=True))
            pg["load_average_after_import"] = round(os.getloadavg()[0], 2)

        focus = "C00000"
        result.update(_report_figures(str(db), focus))
        if pg_base:
            pg.update(_report_figures(pg_urls[0], focus))
            pgstore.forget(pg_urls[0])  # the bench process's read model: not needed by the processes below
        stores = [("duckdb", str(db))] + ([("postgres", pg_urls[0])] if pg_base else [])
        times: dict[str, dict[str, list[float]]] = {k: {"report": [], "benchmark": []} for k, _ in stores}
        for _ in range(3):  # whole processes, the stores alternately
            for kind, where in stores:
                times[kind]["report"].append(_process(["report", "--db", where, "--council", focus, "--json"]))
                times[kind]["benchmark"].append(_process(
                    ["benchmark", "--db", where, "--council", focus, "--metric", "gap", "--peers", "all", "--json"]))
        for kind, _ in stores:
            into = result if kind == "duckdb" else pg
            into["report_process_s"] = statistics.median(times[kind]["report"])
            into["benchmark_process_s"] = statistics.median(times[kind]["benchmark"])
        if pages:
            for kind, where in stores:
                page_result = _pages(where)
                into = result if kind == "duckdb" else pg
                into["pages"] = page_result["pages"]
                into["app_peak_rss_mb"] = page_result["peak_rss_mb"]
    finally:
        if pg_base:
            for url in pg_urls:
                pgcopy.drop_database(pg_base, url)
    if pg_base:
        pg["load_average_end"] = round(os.getloadavg()[0], 2)
        result["postgres"] = pg
        result["postgres_ratios"] = _ratios(result, pg)
    return result


def _ratios(duck: dict[str, Any], pg: dict[str, Any]) -> dict[str, float]:
    """PostgreSQL / DuckDB file for each figure measured on both (pages: ``page <name> cold``/``warm``)."""
    out = {key: pg[key] / duck[key] for key in PG_RATIO_KEYS if key in pg and key in duck and duck[key]}
    for page, t in pg.get("pages", {}).items():
        name = Path(page).stem.split("_", 1)[-1]
        for when in ("cold", "warm"):
            base = duck["pages"][page][f"{when}_s"]
            if base:
                out[f"page {name} {when}"] = t[f"{when}_s"] / base
    return out


def _print_ratios(result: dict[str, Any]) -> None:
    pg, duck = result["postgres"], result
    print("PostgreSQL / DuckDB file, measured alternately in this run (load average "
          f"{result['load_average_start']:.1f} at the start, {pg['load_average_end']:.1f} at the end, "
          f"on {result['cores']} cores)")
    print(f"  {'figure':<28}  {'DuckDB file':>12}  {'PostgreSQL':>12}  {'ratio':>7}")
    for key, ratio in result["postgres_ratios"].items():
        if key.startswith("page "):
            _, name, when = key.split(" ")
            page = next(p for p in pg["pages"] if Path(p).stem.split("_", 1)[-1] == name)
            a, b = duck["pages"][page][f"{when}_s"], pg["pages"][page][f"{when}_s"]
        else:
            a, b = duck[key], pg[key]
        unit = " MB" if key.endswith("_mb") else " s"
        print(f"  {key:<28}  {a:>10.3f}{unit}  {b:>10.3f}{unit}  {ratio:>6.2f}×")


# --- live capture (docs/live.md, issue 14) --------------------------------------------------------------

LIVE_SIZES = (30, 100)
LIVE_GROUPS = ("Labour", "Conservative", "Green", "Independent")
LIVE_COUNCILS = ("council_id,name,nation,council_type,population,peer_group\n"
                 "LIVE01,Live Bench Council,England,Unitary,120000,Group 0\n")


def _quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile with linear interpolation (numpy's default), so p50/p95 read as usual; None if empty
    (JSON has no NaN)."""
    ordered = sorted(values)
    if not ordered:
        return None
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _facilitator_refresh(db: Path, code: str, min_group: int, revealed: bool) -> dict[str, float]:
    """What the Workshop page's cached ``_watch`` computes on one refresh of its 3-s live view, timed.

    The page cannot be imported without Streamlit, so this repeats its calls in its order: open the
    database, read the session, the room's report if it is revealed, then the counts (status and per-theme
    progress).  ``status_query_s`` is the refresh without the reveal; ``room_report_s`` the report alone.
    """
    start = time.perf_counter()
    with storage.connect(db) as con:
        live.get_session(con, code)
        report_start = time.perf_counter()
        if revealed:
            live.room_report(con, code, min_group)
        report_s = time.perf_counter() - report_start
        live.status(con, code)
        live.theme_progress(con, code)
    total = time.perf_counter() - start
    return {"refresh_s": total, "room_report_s": report_s, "status_query_s": total - report_s}


def _live_one(workdir: Path, participants: int, themes: int, spread_s: float, seed: int) -> dict[str, Any]:
    """One room of ``participants`` phones, each a thread with its own device token, answering every theme.

    Arrivals are staggered as in a room: for each theme, every phone submits at a random moment (fixed
    seed) within a window of ``spread_s`` seconds, the windows one after another — people answer when the
    facilitator moves to the next theme, within a few seconds of each other, not at the same microsecond.
    A phone that falls behind submits at once.  Each submission goes through ``live.submit_theme`` on its
    own ``storage.connect``, exactly as the Join page's save does, and is timed from the call until it
    returns (the answer committed).  Meanwhile a facilitator thread refreshes the live view every 3 s,
    revealed, as the Workshop page does.  Joining is timed too, with the same staggering.
    """
    db = workdir / f"live-{participants}.duckdb"
    for stale in workdir.glob(f"live-{participants}.duckdb*"):
        stale.unlink()
    councils = workdir / "live-councils.csv"
    councils.write_text(LIVE_COUNCILS, encoding="utf-8")
    importer.import_files(db, councils)
    labels = [f"Theme {t + 1}" for t in range(themes)]
    sectors = list(domain.SECTOR_THEMES)
    with storage.connect(db) as con:
        session = live.open_session(con, "LIVE01", "Live bench",
                                    [live.Theme(label, sectors[t % len(sectors)]) for t, label in enumerate(labels)],
                                    list(LIVE_GROUPS), "2026-05-01", opened_by="bench")
    code = session.code
    min_group = disclosure.configured_min_group()
    rng = random.Random(seed + participants)
    plans = [[rng.uniform(0, spread_s) for _ in range(themes + 1)] for _ in range(participants)]
    submit_times: list[float] = []
    join_times: list[float] = []
    errors: list[str] = []
    guard = threading.Lock()
    barrier = threading.Barrier(participants + 1)
    origin: list[float] = []

    def phone(i: int) -> None:
        member = i % 2 == 0
        barrier.wait()
        base = origin[0]

        def wait_until(at: float) -> None:
            delay = base + at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)

        try:
            wait_until(plans[i][0])
            start = time.perf_counter()
            with storage.connect(db) as con:
                me = live.join(con, code, "member" if member else "officer",
                               LIVE_GROUPS[(i // 2) % len(LIVE_GROUPS)] if member else None)
            elapsed = time.perf_counter() - start
            with guard:
                join_times.append(elapsed)
            for t, label in enumerate(labels):
                wait_until(spread_s * (t + 1) + plans[i][t + 1])
                changes = {h: 1 + (i + t + k) % 6 for k, h in enumerate(domain.HORIZONS)}
                risks = {h: 1 + (i * 3 + t + k) % 5 for k, h in enumerate(domain.HORIZONS)}
                note = f"Phone {i}: pool the budget for theme {t + 1}" if (i + t) % 4 == 0 else None
                start = time.perf_counter()
                with storage.connect(db) as con:
                    live.submit_theme(con, code, me.device_token, label, changes, risks, note)
                elapsed = time.perf_counter() - start
                with guard:
                    submit_times.append(elapsed)
        except Exception as exc:  # noqa: BLE001 - a lost answer is a figure here, not a crash of the run
            with guard:
                errors.append(f"phone {i}: {type(exc).__name__}: {exc}")

    with storage.connect(db) as con:
        live.set_revealed(con, code, True)
    during: list[dict[str, float]] = []
    finished = threading.Event()

    def facilitator() -> None:
        while not finished.wait(3.0):
            try:
                during.append(_facilitator_refresh(db, code, min_group, revealed=True))
            except Exception as exc:  # noqa: BLE001 - a failed refresh is reported with the figures
                with guard:
                    errors.append(f"facilitator: {type(exc).__name__}: {exc}")

    load_before = os.getloadavg()[0]
    threads = [threading.Thread(target=phone, args=(i,), daemon=True) for i in range(participants)]
    for thread in threads:
        thread.start()
    watcher = threading.Thread(target=facilitator, daemon=True)
    origin.append(time.perf_counter() + 0.05)
    barrier.wait()
    watcher.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - origin[0]
    finished.set()
    watcher.join()

    with storage.connect(db) as con:
        stored = live.status(con, code)["answers"]
    quiet = [_facilitator_refresh(db, code, min_group, revealed=True) for _ in range(5)]
    expected = participants * themes * len(domain.HORIZONS)
    return {
        "participants": participants, "themes": themes, "spread_s": spread_s, "wall_s": wall,
        # The 1-minute load average before and after (2 cores here): other work on the machine shows in it.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "submissions": len(submit_times), "answers_expected": expected, "answers_stored": stored,
        "errors": errors[:10], "error_count": len(errors),
        "join_p50_s": _quantile(join_times, 0.5), "join_p95_s": _quantile(join_times, 0.95),
        "submit_p50_s": _quantile(submit_times, 0.5), "submit_p95_s": _quantile(submit_times, 0.95),
        "submit_max_s": max(submit_times, default=None),
        "status_query_s": statistics.median(q["status_query_s"] for q in quiet),
        "room_report_s": statistics.median(q["room_report_s"] for q in quiet),
        "refresh_s": statistics.median(q["refresh_s"] for q in quiet),
        "refresh_during_submits": len(during),
        "refresh_during_submits_max_s": max((d["refresh_s"] for d in during), default=None),
    }


def run_live(workdir: Path, sizes: tuple[int, ...] = LIVE_SIZES, themes: int = 6, spread_s: float = 3.0,
             seed: int = 7) -> dict[str, Any]:
    """The live-capture figures for each room size, measured one after another in this run."""
    workdir.mkdir(parents=True, exist_ok=True)
    rooms = {str(n): _live_one(workdir, n, themes, spread_s, seed) for n in sizes}
    return {"themes": themes, "spread_s": spread_s, "rooms": rooms}


def verdicts(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(what, measured, target, met) rows for the table."""
    rows: list[tuple[str, str, str, bool]] = []
    for n, room in result.get("live", {}).get("rooms", {}).items():
        rows.append((f"live, {n} phones: every answer stored", f"{room['answers_stored']}/{room['answers_expected']}",
                     "all", room["answers_stored"] == room["answers_expected"] and not room["error_count"]))
    if "import_ratio" not in result:
        return rows
    rows += [
        ("validated import / bare read_csv", f"{result['import_ratio']:.2f}×", f"≤ {TARGETS['import_ratio']}×",
         result["import_ratio"] <= TARGETS["import_ratio"]),
        ("report, in-process", f"{result['report_in_process_s'] * 1000:.1f} ms",
         f"≤ {TARGETS['report_in_process_s'] * 1000:.0f} ms",
         result["report_in_process_s"] <= TARGETS["report_in_process_s"]),
        ("report, whole process", f"{result['report_process_s']:.2f} s", f"≤ {TARGETS['report_process_s']} s",
         result["report_process_s"] <= TARGETS["report_process_s"]),
        ("benchmark, whole process", f"{result['benchmark_process_s']:.2f} s",
         f"≤ {TARGETS['report_process_s']} s", result["benchmark_process_s"] <= TARGETS["report_process_s"]),
    ]
    for page, t in result.get("pages", {}).items():
        name = Path(page).stem.split("_", 1)[-1]
        rows.append((f"page {name}, cold", f"{t['cold_s']:.2f} s", f"≤ {TARGETS['page_cold_s']} s",
                     t["cold_s"] <= TARGETS["page_cold_s"] and not t["exception"]))
        rows.append((f"page {name}, warm", f"{t['warm_s']:.2f} s", f"≤ {TARGETS['page_warm_s']} s",
                     t["warm_s"] <= TARGETS["page_warm_s"] and not t["exception"]))
    if "app_peak_rss_mb" in result:
        rows.append(("app peak RSS after every page", f"{result['app_peak_rss_mb']:.0f} MB",
                     f"≤ {TARGETS['app_peak_rss_mb']:.0f} MB",
                     result["app_peak_rss_mb"] <= TARGETS["app_peak_rss_mb"]))
    return rows


def _sizes(text: str) -> tuple[int, ...]:
    """``30,100`` -> (30, 100): room sizes from 1 to the session limit."""
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"room sizes are whole numbers, e.g. 30,100 (got {text!r})") from None
    if not sizes or any(not 1 <= n <= live.MAX_PARTICIPANTS for n in sizes):
        raise argparse.ArgumentTypeError(f"each room size must be from 1 to {live.MAX_PARTICIPANTS}")
    return sizes


def _ms(seconds: float | None, digits: int = 0) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.{digits}f} ms"


def _print_live(figures: dict[str, Any]) -> None:
    print(f"live capture: {figures['themes']} themes; for each theme every phone submits within "
          f"{figures['spread_s']:g} s of the others (threads in this process, one device token each)")
    header = ("phones", "submits", "submit p50", "submit p95", "submit max", "join p95", "status query",
              "room report", "refresh under load (max)")
    print("  ".join(header))
    for n, room in figures["rooms"].items():
        cells = (n, str(room["submissions"]), _ms(room["submit_p50_s"]), _ms(room["submit_p95_s"]),
                 _ms(room["submit_max_s"]), _ms(room["join_p95_s"]), _ms(room["status_query_s"], 1),
                 _ms(room["room_report_s"]),
                 f"{_ms(room['refresh_during_submits_max_s'])} ({room['refresh_during_submits']}×)")
        print("  ".join(f"{c:>{len(h)}}" for c, h in zip(cells, header, strict=True)))
        print(f"{'':>{len(header[0])}}  load average {room['load_average'][0]:.1f} before, "
              f"{room['load_average'][1]:.1f} after, on {os.cpu_count()} cores")
        for error in room["errors"]:
            print(f"  {error}")


def _levels(text: str) -> tuple[int, ...]:
    """``10,25,50`` -> (10, 25, 50): load levels of 1 session or more."""
    try:
        levels = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"session counts are whole numbers, e.g. 10,50 (got {text!r})") from None
    if not levels or any(n < 1 for n in levels):
        raise argparse.ArgumentTypeError("each load level is 1 session or more")
    return levels


def _processes(text: str) -> int:
    """``2`` -> 2: app processes behind nginx, 2 or more (one is what the run measures anyway)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the number of processes is a whole number (got {text!r})") from None
    if n < 2:
        raise argparse.ArgumentTypeError("--processes is 2 or more (one process is measured in every run)")
    return n


def _page_names(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [n for n in names if n not in load.PAGE_LINKS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"pages are some of {', '.join(load.PAGE_LINKS)} (got {text!r})")
    return names


def _main_load(args: argparse.Namespace) -> int:
    """``--load``: the figures of tests/bench/load.py, printed as tables or as JSON."""
    if args.duration <= 0 or args.think < 0:
        raise SystemExit("--duration must be above 0 and --think 0 or more")
    with load.workdir_for(args.workdir) as workdir:
        result = load.run_load(Path(workdir), args.answers, args.sessions, args.duration, args.think,
                               args.pages, args.baseline, processes=args.processes, store=args.store,
                               pg_base=args.pg_base)
    rows = load.load_verdicts(result)
    result["targets_met"] = all(r[3] for r in rows)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    load.print_load(result)
    for what, measured, target, met in rows:
        print(f"{what:<44}  {measured:>8}  {target:>8}  {'ok' if met else 'MISSED'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=None,
                        help="about how many answers to generate (default 1,000,000; with --load: the demo data "
                        "unless given)")
    parser.add_argument("--workdir", help="where to put the generated files (default: a temp folder)")
    parser.add_argument("--no-pages", action="store_true", help="skip the dashboard page timings")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON document")
    live_args = parser.add_argument_group("live capture")
    which = live_args.add_mutually_exclusive_group()
    which.add_argument("--live-only", action="store_true", help="time only live capture (no import, no pages)")
    which.add_argument("--no-live", action="store_true", help="skip the live-capture timings")
    live_args.add_argument("--live-participants", type=_sizes, default=LIVE_SIZES, metavar="N,N",
                           help="room sizes, one run each (default: 30,100)")
    live_args.add_argument("--live-themes", type=int, default=6, choices=range(1, live.RATE_LIMIT + 1),
                           metavar="1-10", help="themes each phone answers (default: 6; at most the phone's "
                           "rate limit, so none is refused)")
    live_args.add_argument("--live-spread", type=float, default=3.0, metavar="SECONDS",
                           help="for each theme, the phones submit at random within this many seconds "
                           "(default: 3)")
    load_args = parser.add_argument_group("load (app processes, many sessions: tests/bench/load.py)")
    load_args.add_argument("--load", action="store_true",
                           help="measure a real server under websocket sessions instead (no import, no live part)")
    load_args.add_argument("--sessions", type=_levels, default=load.LEVELS, metavar="N,N",
                           help="load levels, sessions opening together (default: 10,50,100,200)")
    load_args.add_argument("--duration", type=float, default=30.0, metavar="SECONDS",
                           help="how long each level runs (default: 30)")
    load_args.add_argument("--think", type=float, default=5.0, metavar="SECONDS",
                           help="think time between a session's reruns, ±40 %% (default: 5)")
    load_args.add_argument("--pages", type=_page_names, default=("Overview",), metavar="PAGE,PAGE",
                           help="the links the sessions open, handed out in turn (default: Overview; any of "
                           + ", ".join(load.PAGE_LINKS) + ")")
    load_args.add_argument("--processes", type=_processes, default=None, metavar="N",
                           help="also drive the same load through nginx to N app processes of this tree "
                           "(tests/bench/cluster.py; needs Debian's nginx), alternately with one process")
    load_args.add_argument("--baseline", metavar="REF",
                           help="also measure a server of this git ref (e.g. main), alternately, in this run")
    store_args = parser.add_argument_group("store (tests/bench/pgcopy.py)")
    store_args.add_argument("--store", choices=pgcopy.STORES, default="duckdb",
                            help="where the servers and timings keep the data: a DuckDB file (default), a fresh "
                            "PostgreSQL database loaded with the same data (dropped afterwards), or both in one "
                            "run. The sector bench (without --load) reports PostgreSQL as ratios to the DuckDB "
                            "file measured in the same run, so there postgres and both are the same")
    store_args.add_argument("--pg", dest="pg_base", metavar="URL",
                            help=f"the PostgreSQL server's URL, a database the bench may create others from "
                            f"(default: ${pgcopy.ENV}, else ${pgcopy.TEST_ENV})")
    parser.add_argument("--pages-child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.store != "duckdb" and not args.pages_child:
        args.pg_base = pgcopy.base_url(args.pg_base)
        if args.live_only:
            parser.error("--live-only times the DuckDB file only; --store applies to the import and --load")
    if args.pages_child:
        _pages_child(args.pages_child)
        return 0
    if args.load:
        return _main_load(args)
    if args.answers is None:
        args.answers = 1_000_000
    if args.live_spread < 0:
        parser.error("--live-spread must be 0 or more seconds")
    with tempfile.TemporaryDirectory(prefix="mandate-bench-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        if args.live_only:
            result: dict[str, Any] = {"cores": os.cpu_count()}
        else:
            result = run(args.answers, workdir, pages=not args.no_pages,
                         pg_base=args.pg_base if args.store != "duckdb" else None)
        if not args.no_live:
            result["live"] = run_live(workdir / "live", args.live_participants, args.live_themes, args.live_spread)
    rows = verdicts(result)
    result["targets_met"] = all(r[3] for r in rows)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    if "import_s" in result:
        print(f"{result['answers']:,} answers on {result['cores']} cores; bare read_csv "
              f"{result['bare_read_csv_s']:.2f} s, validated import {result['import_s']:.2f} s "
              f"(replace {result['import_replace_s']:.2f} s)")
    width = max(len(r[0]) for r in rows)
    for what, measured, target, met in rows:
        print(f"{what:<{width}}  {measured:>10}  {target:>10}  {'ok' if met else 'MISSED'}")
    if "postgres" in result:
        _print_ratios(result)
    if "live" in result:
        _print_live(result["live"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
