"""Where a page's rerun time goes, on the real server: ``python -m tests.bench.profile_pages``.

Starts ``streamlit run dashboard.py`` (one process, the demo data, or ``--answers N`` for a generated
sector) with every script run profiled by cProfile in the script's own thread, and the event loop's
serialisation of each message to the browser (``serialize_forward_msg``) timed.  The websocket client of
tests/bench/loadgen.py then opens every page once and reruns it ``--repeat`` times back to back, as one
user alone.  For each page it prints the client's figures (first page, median rerun) and, averaged over
the reruns (the first page, which fills the caches, left out), the inclusive time of the parts a rerun is
made of: the sidebar, the charts (``st.plotly_chart``: the figure to JSON), the tables (Arrow), the cached
core calls, the shared-figure lookups, DuckDB, and what is left (Streamlit's own work on widgets, state
and messages).  ``--unprofiled`` measures the same without cProfile (its overhead inflates Python-heavy
parts, about ×1.5–2), for the wall times.  docs/performance.md holds one run's figures.

It lives under tests/ with the benchmark because it drives Streamlit; nothing here is part of the app.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from . import load, loadgen

#: Every page as one user opens it in local mode: the benchmark's links, plus the Workshop, Admin and a
#: join link with an unknown code (the phone's page).
PAGES: dict[str, tuple[str, str]] = {
    **load.PAGE_LINKS,
    "Workshop": ("workshop", ""),
    "Admin": ("admin", ""),
    "Join (unknown code)": ("", "code=ZZZZZZ"),
}
#: The parts of a rerun, as (label, file the function is in, function): each part's inclusive time.
PARTS: list[tuple[str, str, str]] = [
    ("sidebar", "dashboard.py", "_sidebar"),
    ("charts: st.plotly_chart", "elements/plotly_chart.py", "plotly_chart"),
    ("tables: st.dataframe", "elements/arrow.py", "dataframe"),
    ("tables: st.table", "elements/arrow.py", "table"),
    ("shared figures: ui.figure", "pages/_layout/cache.py", "figure"),
    ("anonymised figure: charts._anonymised", "pages/_layout/charts.py", "_anonymised"),
    ("core calls: ui.cached", "pages/_layout/reads.py", "cached"),
    ("core calls: ui.cached_shared", "pages/_layout/reads.py", "cached_shared"),
    ("page script (dashboard.py and the page)", "exec_code.py", "exec_func_with_error_handling"),
    ("shared values: ui.shared", "pages/_layout/cache.py", "shared"),
    ("downloads: ui.downloads", "pages/_layout/files.py", "downloads"),
    ("DuckDB: storage.connect", "mandate_core/storage.py", "connect"),
    ("sign-in gate", "pages/_signin.py", "current_gate"),
]


def _serve(argv: list[str]) -> int:
    """The server side (run as ``--serve``): streamlit's CLI with the script runs profiled."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli
    from streamlit.web.server.starlette import starlette_websocket

    out = Path(os.environ["PROFILE_OUT"])
    out.mkdir(parents=True, exist_ok=True)
    profile = os.environ.get("PROFILE_ON", "1") == "1"
    real_run = script_runner.ScriptRunner._run_script
    real_serialise = starlette_websocket.serialize_forward_msg
    local = threading.local()
    lock = threading.Lock()
    count = [0]
    sent = {"messages": 0, "seconds": 0.0, "bytes": 0}

    def run(self: Any, rerun_data: Any) -> None:
        if getattr(local, "inside", False):  # a rerun requested during a run: part of the outer one
            return real_run(self, rerun_data)
        local.inside = True
        prof = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        if prof is not None:
            prof.enable()
        try:
            return real_run(self, rerun_data)
        finally:
            if prof is not None:
                prof.disable()
            wall = time.perf_counter() - t0
            local.inside = False
            with lock:
                count[0] += 1
                tag = f"{count[0]:05d}"
            if prof is not None:
                prof.dump_stats(out / f"{tag}.prof")
            (out / f"{tag}.json").write_text(json.dumps({"wall_s": wall}))

    def serialise(msg: Any) -> bytes:
        t0 = time.perf_counter()
        data = real_serialise(msg)
        with lock:
            sent["messages"] += 1
            sent["seconds"] += time.perf_counter() - t0
            sent["bytes"] += len(data)
            (out / "sent.json").write_text(json.dumps(sent))
        return data

    script_runner.ScriptRunner._run_script = run
    starlette_websocket.serialize_forward_msg = serialise
    sys.argv = ["streamlit", "run", "dashboard.py", *argv]
    return int(cli.main() or 0)


def _inclusive(stats: pstats.Stats, suffix: str, name: str) -> float:
    return sum(ct for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
               if func == name and file.endswith(suffix))


def _page_figures(runs: Path, tags: list[str], client: dict[str, Any], sent: dict[str, float]) -> dict[str, Any]:
    reruns = tags[1:]  # the first page fills the caches; a rerun is what a user's click costs
    walls = sorted(json.loads((runs / f"{t}.json").read_text())["wall_s"] for t in reruns)
    result: dict[str, Any] = {
        "first_page_s": client["first_s"], "rerun_p50_s": client["rerun_p50_s"], "rerun_min_s": client["rerun_min_s"],
        "script_run_p50_s": walls[len(walls) // 2] if walls else None,
        "sent_per_run": {k: v / max(1, len(tags)) for k, v in sent.items()},
    }
    profiles = [runs / f"{t}.prof" for t in reruns if (runs / f"{t}.prof").exists()]
    if profiles:
        stats = pstats.Stats(str(profiles[0]))
        for extra in profiles[1:]:
            stats.add(str(extra))
        n = len(profiles)
        total = sum(tt for _tt_key, (_cc, _nc, tt, _ct, _c) in stats.stats.items()) / n  # type: ignore[attr-defined]
        parts = {label: _inclusive(stats, suffix, func) / n for label, suffix, func in PARTS}
        result.update({"profiled_run_s": total, "parts_s": parts})
    return result


def run(workdir: Path, answers: int | None = None, repeat: int = 12, profiled: bool = True,
        pages: dict[str, tuple[str, str]] | None = None) -> dict[str, Any]:
    """Every page on one server: figures per page (see the module's docstring)."""
    db, label = load.prepare_database(workdir, answers)
    runs = workdir / "runs"
    port = load._free_port()
    env = {**os.environ, "MANDATE_DB": str(db), "PYTHONPATH": str(load.ROOT), "PROFILE_OUT": str(runs),
           "PROFILE_ON": "1" if profiled else "0"}
    figures: dict[str, Any] = {"data": label, "profiled": profiled, "repeat": repeat,
                               "load_average": os.getloadavg(), "pages": {}}
    with (workdir / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.profile_pages", "--serve", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=load.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the profiled server did not start: " + (workdir / "server.log").read_text()[-2000:])
            time.sleep(0.3)
        for name, (page, query) in (pages or PAGES).items():
            before = {p.stem for p in runs.glob("*.json")}
            sent0 = json.loads((runs / "sent.json").read_text()) if (runs / "sent.json").exists() else {}
            client = loadgen.single_reruns(port, page, query, repeat=repeat)
            time.sleep(0.3)  # the last run's files
            sent1 = json.loads((runs / "sent.json").read_text())
            tags = sorted({p.stem for p in runs.glob("*.json")} - before - {"sent"})
            sent = {k: sent1[k] - sent0.get(k, 0) for k in sent1}
            figures["pages"][name] = {**_page_figures(runs, tags, client, sent), "exceptions": client["exceptions"]}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
    figures["load_average_after"] = os.getloadavg()
    return figures


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f}"


def print_figures(figures: dict[str, Any]) -> None:
    print(f"{figures['data']}; {'profiled' if figures['profiled'] else 'unprofiled'}; {figures['repeat']} reruns a "
          f"page; load average {figures['load_average'][0]:.1f} before, {figures['load_average_after'][0]:.1f} after")
    for name, page in figures["pages"].items():
        sent = page["sent_per_run"]
        print(f"\n{name}: first page {_ms(page['first_page_s'])} ms, rerun p50 {_ms(page['rerun_p50_s'])} ms "
              f"(min {_ms(page['rerun_min_s'])}), script run p50 {_ms(page['script_run_p50_s'])} ms; "
              f"sent {sent['messages']:.0f} messages, {sent['bytes'] / 1024:.0f} KiB, serialised in "
              f"{sent['seconds'] * 1000:.1f} ms a run; exceptions {page['exceptions']}")
        if "parts_s" in page:
            print(f"  profiled run {_ms(page['profiled_run_s'])} ms:")
            for label, seconds in sorted(page["parts_s"].items(), key=lambda kv: -kv[1]):
                if seconds >= 0.0005:
                    print(f"    {label:36s} {seconds * 1000:7.1f} ms")


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["--serve"]:
        return _serve(args_list[1:])
    parser = argparse.ArgumentParser(prog="python -m tests.bench.profile_pages", description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=None, help="a generated sector of about N answers")
    parser.add_argument("--repeat", type=int, default=12, help="reruns of each page (default 12)")
    parser.add_argument("--unprofiled", action="store_true", help="no cProfile: wall times only")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--workdir", help="keep the database and profiles here (default: a temporary folder)")
    args = parser.parse_args(args_list)
    with (contextlib.nullcontext(args.workdir) if args.workdir else tempfile.TemporaryDirectory()) as where:
        figures = run(Path(where), args.answers, args.repeat, profiled=not args.unprofiled)
    print_figures(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
