"""Benchmark at sector scale: ``python -m mandate_core.bench --answers 1000000``.

Speed claims in this project come from here, as figures measured in one run on one machine, with the
bare DuckDB ``read_csv`` of the same file as the baseline for the import (the machine is noisy; a ratio
within one run is what can be compared).  It generates a synthetic sector with a fixed seed, then times
the validated import, ``report`` and ``benchmark`` in-process and as whole processes, every dashboard
page through AppTest (cold and warm) and the app process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from . import domain, importer, reports, storage

ROOT = Path(__file__).resolve().parent.parent
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
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run(answers: int, workdir: Path, pages: bool = True) -> dict[str, Any]:
    """Generate, import and time everything; return the figures."""
    result: dict[str, Any] = {"cores": os.cpu_count(), "target_answers": answers}
    start = time.perf_counter()
    councils, responses, rows = generate(workdir / "input", answers)
    result["answers"] = rows
    result["generate_s"] = time.perf_counter() - start

    for stale in workdir.glob("*.duckdb*"):  # a reused --workdir starts from empty databases
        stale.unlink()
    # Baseline: a bare DuckDB load of the same file into a table (the floor for any import), timed
    # alternately with the validated import so both see the same machine; medians of the repeats.
    repeats = 3 if rows <= 2_000_000 else 1
    bare_times, import_times = [], []
    db = workdir / "bench.duckdb"
    for attempt in range(repeats):
        bare = workdir / f"bare{attempt}.duckdb"
        bare_con = duckdb.connect(str(bare))
        bare_times.append(_timed(lambda c=bare_con: c.execute(
            f"CREATE TABLE t AS SELECT * FROM read_csv('{responses}', all_varchar = true)")))
        bare_con.close()
        target = workdir / f"import{attempt}.duckdb"
        import_times.append(_timed(lambda t=target: importer.import_files(t, councils, [responses])))
    result["bare_read_csv_s"] = statistics.median(bare_times)
    result["import_s"] = statistics.median(import_times)
    result["import_ratio"] = result["import_s"] / result["bare_read_csv_s"]
    result["repeats"] = repeats
    os.replace(workdir / "import0.duckdb", db)
    result["import_replace_s"] = _timed(lambda: importer.import_files(db, None, [responses], replace=True))

    focus = "C00000"
    with storage.connect(db, read_only=True) as con:
        reports.council_report(con, focus)  # first call warms DuckDB's caches
        result["report_in_process_s"] = _timed(lambda: reports.council_report(con, focus), repeat=5)
        result["benchmark_in_process_s"] = _timed(
            lambda: reports.benchmark_report(con, focus, "position", "ambition", None, "all"), repeat=5)
    result["report_process_s"] = statistics.median(
        _process(["report", "--db", str(db), "--council", focus, "--json"]) for _ in range(3))
    result["benchmark_process_s"] = statistics.median(
        _process(["benchmark", "--db", str(db), "--council", focus, "--metric", "gap", "--peers", "all",
                  "--json"]) for _ in range(3))
    if pages:
        child = subprocess.run([sys.executable, "-m", "mandate_core.bench", "--pages-child", str(db)],
                               cwd=ROOT, capture_output=True, text=True)
        if child.returncode != 0:
            raise RuntimeError(f"page run failed: {child.stderr[-2000:]}")
        page_result = json.loads(child.stdout.strip().splitlines()[-1])
        result["pages"] = page_result["pages"]
        result["app_peak_rss_mb"] = page_result["peak_rss_mb"]
    return result


def verdicts(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(what, measured, target, met) rows for the table."""
    rows = [
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mandate_core.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=1_000_000, help="about how many answers to generate")
    parser.add_argument("--workdir", help="where to put the generated files (default: a temp folder)")
    parser.add_argument("--no-pages", action="store_true", help="skip the dashboard page timings")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON document")
    parser.add_argument("--pages-child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pages_child:
        _pages_child(args.pages_child)
        return 0
    with tempfile.TemporaryDirectory(prefix="mandate-bench-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        result = run(args.answers, workdir, pages=not args.no_pages)
    rows = verdicts(result)
    result["targets_met"] = all(r[3] for r in rows)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['answers']:,} answers on {result['cores']} cores; bare read_csv "
          f"{result['bare_read_csv_s']:.2f} s, validated import {result['import_s']:.2f} s "
          f"(replace {result['import_replace_s']:.2f} s)")
    width = max(len(r[0]) for r in rows)
    for what, measured, target, met in rows:
        print(f"{what:<{width}}  {measured:>10}  {target:>10}  {'ok' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
