"""Concurrent use: the dashboard never blocks an import for long, and imports never interleave badly."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from mandate_core import demo, importer, storage

ROOT = Path(__file__).resolve().parent.parent
HEADER = "council_id,round,workshop_date,participant,role,group,theme,sector_theme,horizon,change,risk,note\n"


def _round_file(path: Path, council: str, rnd: str, date: str = "2027-03-01", people: int = 6) -> Path:
    lines = [HEADER]
    for p in range(people):
        role, group = ("member", "Green") if p % 2 else ("officer", "")
        for h, change in (("now", 2), ("next", 3), ("ambition", 5)):
            lines.append(f"{council},{rnd},{date},P{p},{role},{group},Digital first,digital,{h},{change},3,\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mandate_core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def _hold(db: Path, seconds: float, read_only: bool = True) -> subprocess.Popen[str]:
    """Another process that keeps the database open, as a dashboard query or an import would."""
    code = (f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}, read_only={read_only}); "
            f"print('held', flush=True); time.sleep({seconds}); c.close()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _rounds(db: Path) -> set[tuple[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute("SELECT council_id, round FROM rounds").fetchall())
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("tpl") / "demo.duckdb")


@pytest.fixture()
def db(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "mandate.duckdb"
    path.write_bytes(demo_template.read_bytes())
    return path


def test_cli_import_waits_for_a_reader_then_succeeds(db: Path, tmp_path: Path) -> None:
    holder = _hold(db, 2.0)
    start = time.monotonic()
    done = _cli("import", "--db", str(db), str(_round_file(tmp_path / "r.csv", "aldermoor", "2027 check-in")))
    holder.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - start >= 1.0  # it really waited for the lock
    assert ("aldermoor", "2027 check-in") in _rounds(db)


def test_cli_import_gives_up_with_a_message_naming_the_holder(db: Path, tmp_path: Path) -> None:
    holder = _hold(db, 30.0, read_only=False)
    try:
        done = _cli("import", "--db", str(db), str(_round_file(tmp_path / "r.csv", "aldermoor", "2027 x")),
                    env={storage.ENV_LOCK_TIMEOUT: "1.5"})
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert f"in use by process {holder.pid}" in done.stderr and "Traceback" not in done.stderr
    assert ("aldermoor", "2027 x") not in _rounds(db)


def test_two_imports_in_one_process_at_once_both_land(db: Path, tmp_path: Path) -> None:
    """Two browser sessions uploading at the same moment: one waits for the other, nothing is lost."""
    files = [_round_file(tmp_path / f"r{i}.csv", c, f"2027 upload {i}", people=30)
             for i, c in enumerate(["brackenfield", "dunmere", "farrowby", "glanheli"])]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(files))

    def upload(path: Path) -> None:
        try:
            barrier.wait()
            importer.import_files(db, None, [path])
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    rounds = _rounds(db)
    assert all((c, f"2027 upload {i}") in rounds
               for i, c in enumerate(["brackenfield", "dunmere", "farrowby", "glanheli"]))
    con = duckdb.connect(str(db), read_only=True)
    counts = con.execute("SELECT round, count(*) FROM answers WHERE round LIKE '2027 upload%' GROUP BY 1").fetchall()
    con.close()
    assert sorted(n for _, n in counts) == [90] * 4  # 30 people x 3 horizons, no duplicates


def test_dashboard_sees_a_cli_import_on_the_next_interaction(db: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(storage.ENV_DB, str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    at.selectbox(key="sb_council").set_value("hollinshire").run()
    assert "2027 new round" not in at.selectbox(key="sb_round").options
    done = _cli("import", "--db", str(db), str(_round_file(tmp_path / "r.csv", "hollinshire", "2027 new round")))
    assert done.returncode == 0, done.stderr
    at.run()  # the next interaction, same session, no restart
    assert "2027 new round" in at.selectbox(key="sb_round").options


def test_sessions_under_load_while_imports_run(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several sessions keep rerunning pages while another process imports round after round."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(storage.ENV_DB, str(db))
    # AppTest compiles the scripts afresh on every run (the server compiles once and caches), and CPython
    # 3.11's compiler is not safe from several threads at once ("AST constructor recursion depth
    # mismatch"): serialise compiling only; the sessions still run side by side.
    compile_lock = threading.Lock()
    original = ScriptCache.get_bytecode

    def get_bytecode(self: ScriptCache, script_path: str) -> object:
        with compile_lock:
            return original(self, script_path)

    monkeypatch.setattr(ScriptCache, "get_bytecode", get_bytecode)
    pages = ["pages/1_Overview.py", "pages/2_Council.py", "pages/4_Themes.py", "pages/7_Data.py"]
    stop = threading.Event()
    failures: list[str] = []
    runs = [0]

    def session(page: str) -> None:
        try:
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
            at.switch_page(page)
            while not stop.is_set():
                at.run()
                runs[0] += 1
                if at.exception:
                    failures.append(f"{page}: {at.exception[0].message}")
                    return
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(f"{page}: {exc!r}")

    # Warm up first, one page after another: the first import of pandas and plotly from several threads at
    # once is a Python import race that has nothing to do with the database.
    for page in pages:
        warm = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        warm.switch_page(page)
        assert not warm.run().exception
    threads = [threading.Thread(target=session, args=(p,)) for p in pages]
    for t in threads:
        t.start()
    wanted = set()
    try:
        for i, council in enumerate(["aldermoor", "brackenfield", "carrow-dene", "dunmere"]):
            rnd = f"2027 load {i}"
            done = _cli("import", "--db", str(db), str(_round_file(tmp_path / f"l{i}.csv", council, rnd)))
            assert done.returncode == 0, done.stderr
            wanted.add((council, rnd))
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=300)
    assert failures == []
    assert runs[0] >= len(pages)
    assert wanted <= _rounds(db)
