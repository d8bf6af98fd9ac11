"""The benchmark script (``python -m tests.bench``) still runs end to end (at a tiny size; timings are not
asserted here), and its load generator measures what a browser sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers_nginx import require_or_skip

from tests.bench import cluster, load, loadgen, pgcopy
from tests.bench import core as bench
from tests.stores import require_pg

ROOT = Path(__file__).resolve().parent.parent
#: A room of three phones, three themes, submitting within 0.1 s: the live part in about two seconds.
TINY_LIVE = ["--live-participants", "3", "--live-themes", "3", "--live-spread", "0.1"]
LIVE_KEYS = ("join_p50_s", "join_p95_s", "submit_p50_s", "submit_p95_s", "submit_max_s", "status_query_s",
             "room_report_s", "refresh_s", "wall_s")


def test_generate_is_deterministic_and_sized(tmp_path: Path) -> None:
    _, first, rows = bench.generate(tmp_path / "a", 5000)
    _, second, _ = bench.generate(tmp_path / "b", 5000)
    assert first.read_bytes() == second.read_bytes()
    assert rows == 2400 * 3  # whole councils: 4 rounds x 25 participants x 8 themes x 3 horizons
    assert first.read_text().count("\n") == rows + 1


def test_bench_script_runs_at_a_tiny_size(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tests.bench", "--answers", "2400", "--json",
                           "--workdir", str(tmp_path), *TINY_LIVE], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["answers"] == 2400 and result["cores"] >= 1
    for key in ("bare_read_csv_s", "import_s", "import_ratio", "report_in_process_s", "report_process_s",
                "benchmark_process_s", "app_peak_rss_mb"):
        assert result[key] > 0, key
    assert set(result["pages"]) == set(bench.PAGES)
    assert not any(p["exception"] for p in result["pages"].values())
    assert isinstance(result["targets_met"], bool)
    _check_tiny_live(result)


def _check_tiny_live(result: dict) -> None:
    """The tiny room's figures exist and every answer of every phone was stored, none refused."""
    assert result["live"]["themes"] == 3 and result["live"]["spread_s"] == 0.1
    room = result["live"]["rooms"]["3"]
    for key in LIVE_KEYS:
        assert room[key] > 0, key
    assert room["submit_p50_s"] <= room["submit_p95_s"] <= room["submit_max_s"]
    assert room["submissions"] == 3 * 3
    assert room["answers_stored"] == room["answers_expected"] == 3 * 3 * 3
    assert room["error_count"] == 0 and room["errors"] == []


def test_live_only_runs_just_the_live_part_quickly(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "tests.bench", "--live-only", "--workdir", str(tmp_path), *TINY_LIVE]
    done = subprocess.run([*args, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert "import_s" not in result and "pages" not in result
    _check_tiny_live(result)
    assert result["targets_met"] is True
    text = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert text.returncode == 0, text.stderr[-3000:]
    assert "live, 3 phones: every answer stored" in text.stdout and "submit p95" in text.stdout


def test_quantiles_interpolate_as_numpy_does() -> None:
    assert bench._quantile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert abs(bench._quantile([1.0, 2.0, 3.0, 4.0], 0.95) - 3.85) < 1e-12
    assert bench._quantile([], 0.5) is None


def test_load_quantiles_match_the_bench_ones() -> None:
    assert loadgen.quantile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert loadgen.quantile([], 0.95) is None


def test_held_is_the_largest_level_meeting_both_bars() -> None:
    def level(rerun: float, first: float, errors: int = 0) -> dict:
        return {"rerun_p95_s": rerun, "first_page_p95_s": first, "error_count": errors, "exceptions": 0}

    levels = {"10": level(0.2, 0.5), "25": level(0.9, 2.9), "50": level(1.2, 2.0), "100": level(0.5, 0.5, 1)}
    assert load.held(levels) == 25  # 50 misses the rerun bar; 100 had a failed session
    assert load.held({"10": level(1.01, 0.1)}) == 0


def test_load_run_against_a_server_and_a_baseline_ref(tmp_path: Path) -> None:
    """Two sessions for a few seconds against this tree's server and a server of HEAD (a git worktree, removed
    afterwards): every page answers a real websocket client, reruns are counted, nothing fails."""
    args = [sys.executable, "-m", "tests.bench", "--load", "--sessions", "2", "--duration", "3", "--think", "0.5",
            "--baseline", "HEAD", "--workdir", str(tmp_path), "--json"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["data"] == "demo data" and result["levels"] == [2]
    assert set(result["servers"]) == {"baseline (HEAD)", "this tree"}
    for server in result["servers"].values():
        assert set(server["single"]) == set(load.PAGE_LINKS)
        for page, one in server["single"].items():
            assert one["exceptions"] == 0, page
            assert 0 < one["rerun_min_s"] <= one["rerun_p50_s"], page
        two = server["levels"]["2"]
        assert two["sessions_opened"] == 2 and two["error_count"] == 0 and two["exceptions"] == 0
        assert two["reruns"] >= 2  # each session reran at least once in 3 s with a 0.5 s think time
        assert two["rerun_p50_s"] <= two["rerun_p95_s"]
        assert 0 < two["server_cpu_share"] and 0 <= two["client_cpu_share"] < 1
    assert result["held"]["this tree"] in (0, 2)
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=ROOT, capture_output=True, text=True).stdout
    assert str(tmp_path) not in worktrees  # the baseline's worktree is gone


def test_load_run_through_nginx_to_two_processes_and_to_one(tmp_path: Path) -> None:
    """``--processes 2``: the same two sessions go to one process directly and through nginx to two; both
    answer every page over real websockets, and the run says what each setup holds."""
    require_or_skip(cluster.nginx_binary() is not None,
                    "NGINX NOT INSTALLED: the bench's --processes path (tests/test_bench.py) did not run; "
                    "apt-get install nginx")
    args = [sys.executable, "-m", "tests.bench", "--load", "--processes", "2", "--sessions", "2", "--duration", "3",
            "--think", "0.5", "--pages", "Overview,Themes", "--workdir", str(tmp_path), "--json"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["processes"] == {"this tree": 1, "2 processes (nginx)": 2}
    for name, server in result["servers"].items():
        assert set(server["single"]) == set(load.PAGE_LINKS), name
        assert not any(one["exceptions"] for one in server["single"].values()), name
        two = server["levels"]["2"]
        assert two["sessions_opened"] == 2 and two["error_count"] == 0 and two["exceptions"] == 0, name
        assert two["reruns"] >= 2 and two["rerun_p50_s"] <= two["rerun_p95_s"], name
        assert two["server_cpu_share"] > 0, name
    assert set(result["held"]) == {"this tree", "2 processes (nginx)"}
    # The sessions went through nginx: its access log has their upgraded websockets, spread by route.
    stream = [line for line in (tmp_path / "nginx" / "access.log").read_text().splitlines()
              if " 101 GET /_stcore/stream " in line]
    assert len(stream) >= 2 + len(load.PAGE_LINKS)


def test_processes_must_be_two_or_more() -> None:
    done = subprocess.run([sys.executable, "-m", "tests.bench", "--load", "--processes", "1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--processes is 2 or more" in done.stderr


def _bench_databases(base: str) -> set[str]:
    import psycopg

    with psycopg.connect(base, autocommit=True) as con:
        return {r[0] for r in con.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'mandate\\_bench\\_%'").fetchall()}


def test_load_run_on_postgresql_drops_its_databases(tmp_path: Path) -> None:
    """``--store postgres``: the server runs on a fresh PostgreSQL database loaded with the demo data, answers
    every page over real websockets, and the database is gone afterwards."""
    base = require_pg()
    before = _bench_databases(base)
    args = [sys.executable, "-m", "tests.bench", "--load", "--store", "postgres", "--pg", base, "--sessions", "2",
            "--duration", "3", "--think", "0.5", "--workdir", str(tmp_path), "--json"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["store"] == "postgres"
    assert result["stores"] == {"this tree (PostgreSQL)": "postgres"}
    server = result["servers"]["this tree (PostgreSQL)"]
    assert set(server["single"]) == set(load.PAGE_LINKS)
    assert not any(one["exceptions"] for one in server["single"].values())
    two = server["levels"]["2"]
    assert two["sessions_opened"] == 2 and two["error_count"] == 0 and two["exceptions"] == 0
    assert two["reruns"] >= 2
    assert [row[0] for row in load.load_verdicts(result)] == []  # no 50-session level measured
    assert _bench_databases(base) <= before  # every database the run made was dropped


def test_sector_bench_on_postgresql_reports_ratios_to_the_file(tmp_path: Path) -> None:
    """``--store postgres`` on the sector bench: import, report and pages measured on both stores, the
    PostgreSQL figures as ratios to the DuckDB file's of the same run; no database left behind."""
    base = require_pg()
    before = _bench_databases(base)
    done = subprocess.run([sys.executable, "-m", "tests.bench", "--answers", "2400", "--store", "postgres", "--pg",
                           base, "--no-live", "--json", "--workdir", str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    pg, ratios = result["postgres"], result["postgres_ratios"]
    for key in bench.PG_RATIO_KEYS:
        assert pg[key] > 0 and result[key] > 0, key
        assert abs(ratios[key] - pg[key] / result[key]) < 1e-9, key
    assert set(pg["pages"]) == set(bench.PAGES)
    assert not any(p["exception"] for p in pg["pages"].values())
    assert len([k for k in ratios if k.startswith("page ")]) == 2 * len(bench.PAGES)
    assert _bench_databases(base) <= before


def test_ratios_divide_postgresql_by_the_file() -> None:
    duck = {"import_s": 2.0, "report_process_s": 0.5, "pages": {"pages/1_Overview.py": {"cold_s": 1.0, "warm_s": 0.1}}}
    pg = {"import_s": 3.0, "report_process_s": 1.0, "pages": {"pages/1_Overview.py": {"cold_s": 1.5, "warm_s": 0.05}}}
    assert bench._ratios(duck, pg) == {"import_s": 1.5, "report_process_s": 2.0, "page Overview cold": 1.5,
                                       "page Overview warm": 0.5}


def test_store_postgres_without_a_server_is_a_clear_error() -> None:
    env = {k: v for k, v in os.environ.items() if k not in (pgcopy.ENV, pgcopy.TEST_ENV)}
    done = subprocess.run([sys.executable, "-m", "tests.bench", "--load", "--store", "postgres"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "--store postgres needs a PostgreSQL server" in done.stderr
    assert pgcopy.kinds("both") == ("duckdb", "postgres") and pgcopy.kinds("postgres") == ("postgres",)
