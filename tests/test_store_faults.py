"""Store faults — a damaged file, a full disk, a read-only folder, a busy database — give one clear message.

Each fault is produced for real where a test can (a truncated or overwritten file, another process holding
the lock) and injected where it needs a privilege CI has no business using (a tiny disk, a read-only
mount): a small module, loaded into the command-line process, wraps DuckDB so that a write fails the way
DuckDB fails on a full disk — the transaction already ended, so ROLLBACK itself fails too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from helpers_import import COUNCIL_COLUMNS, council, dump_db, workshop, write_csv
from streamlit.testing.v1 import AppTest

from mandate_core import importer, maintenance, storage

REPO = Path(__file__).resolve().parent.parent
HEADER_BYTES = 3 * 4096  # DuckDB's file headers; then blocks of 256 KiB, each starting with its checksum
BLOCK = 262144
PAGES = ["pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py", "pages/4_Themes.py",
         "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"]


# --- databases, healthy and damaged ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("faults-src")
    people = [(f"M{i:02}", "member", "Labour" if i % 2 else "Green") for i in range(6)] + [
        (f"O{i:02}", "officer", "") for i in range(4)]
    rows = [r for c in ("alpha", "beta", "gamma") for r in workshop(c, people=people)]
    councils = write_csv(d / "councils.csv", [council(c) for c in ("alpha", "beta", "gamma")], COUNCIL_COLUMNS)
    return councils, write_csv(d / "responses.csv", rows)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory, sources: tuple[Path, Path]) -> Path:
    db = tmp_path_factory.mktemp("faults") / "healthy.duckdb"
    importer.import_files(db, sources[0], [sources[1]])
    con = duckdb.connect(str(db))
    con.execute("CHECKPOINT")
    con.close()
    assert not Path(f"{db}.wal").exists()
    return db


def _blocks(db: Path, table: str) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted({int(b) for (b,) in con.execute(
            f"SELECT DISTINCT block_id FROM pragma_storage_info('{table}') WHERE block_id >= 0").fetchall()})
    finally:
        con.close()


def truncated(healthy: Path, target: Path) -> Path:
    """A copy cut to half its size, or shorter: inside the block that holds the schema version, so that
    every command meets the damage whatever the file's layout."""
    data = healthy.read_bytes()
    cut = min(len(data) // 2, HEADER_BYTES + _blocks(healthy, "meta")[0] * BLOCK + 1000)
    target.write_bytes(data[:cut])
    return target


def overwritten(healthy: Path, target: Path, table: str = "answers") -> Path:
    """A copy with bytes in the middle of ``table``'s data overwritten: it opens, and fails when read."""
    data = bytearray(healthy.read_bytes())
    start = HEADER_BYTES + _blocks(healthy, table)[0] * BLOCK + 64
    data[start: start + 2048] = b"\xab" * 2048
    target.write_bytes(bytes(data))
    return target


def run_cli(*args: str | Path, env: dict[str, str] | None = None,
            inject: str | None = None, tmp: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in its own process; ``inject`` names a fault for the wrapper module below."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MANDATE_")}
    environ.update(env or {})
    argv = [str(a) for a in args]
    if inject is None:
        cmd = [sys.executable, "-m", "mandate_core", *argv]
    else:
        assert tmp is not None
        (tmp / "fault_inject.py").write_text(INJECT, encoding="utf-8")
        environ["PYTHONPATH"] = os.pathsep.join([str(tmp), str(REPO)])
        cmd = [sys.executable, "-c", f"import fault_inject, sys; fault_inject.install({inject!r}); "
               f"from mandate_core.cli import main; sys.exit(main({argv!r}))"]
    return subprocess.run(cmd, cwd=REPO, env=environ, capture_output=True, text=True, timeout=120, check=False)


def assert_calm(proc: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("error: "), proc.stderr
    assert "cannot rollback" not in proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, (fragment, proc.stderr)
    return proc.stderr


#: Loaded into a command-line process to make DuckDB fail as it does on a full disk or a read-only folder.
INJECT = textwrap.dedent('''
    import duckdb

    from mandate_core import storage

    class _Faulty:
        """A DuckDB connection whose writes fail as on a full disk: DuckDB has already ended the
        transaction when it raises, so the importer's ROLLBACK fails too ("no transaction is active")."""

        def __init__(self, con, fault):
            self._con, self._fault = con, fault

        def execute(self, sql, *args, **kwargs):
            words = sql.split()
            if self._fault == "full-insert" and words[:3] == ["INSERT", "INTO", "answers"]:
                self._con.execute("ROLLBACK")
                raise duckdb.IOException('IO Error: Could not write file "x.duckdb": No space left on device')
            if self._fault == "full-commit" and words[:1] == ["COMMIT"]:
                self._con.execute("ROLLBACK")
                raise duckdb.TransactionException('TransactionContext Error: Failed to commit: Could not '
                                                  'write file "x.duckdb.wal": No space left on device')
            return self._con.execute(sql, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._con, name)

    def install(fault):
        real_connect = duckdb.connect

        def fake_connect(database, read_only=False, **kwargs):
            if fault == "read-only-folder" and not read_only:
                raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Permission denied')
            con = real_connect(database, read_only=read_only, **kwargs)
            return con if read_only else _Faulty(con, fault)

        storage.duckdb.connect = fake_connect
''')


# --- a damaged file, on the command line ---------------------------------------------------------------------

COMMANDS = {
    "report": ["report", "--council", "alpha", "--json"],
    "benchmark": ["benchmark", "--council", "alpha", "--metric", "position", "--horizon", "now", "--json"],
    "check": ["check"],
    "export": ["export", "--out", "{tmp}/backup"],
    "import": ["import", "--replace", "{responses}"],
    "init": ["init"],
    "demo": ["demo"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_truncated_file_gives_one_message_for_every_command(
        healthy: Path, sources: tuple[Path, Path], tmp_path: Path, command: str) -> None:
    db = truncated(healthy, tmp_path / "damaged.duckdb")
    before = db.read_bytes()
    args = [a.format(tmp=tmp_path, responses=sources[1]) for a in COMMANDS[command]]
    err = assert_calm(run_cli(*args, "--db", db), str(db), "damaged", "export")
    assert err.count("\n") <= 2, err  # one message (check puts its heading line above it)
    assert not (tmp_path / "backup").exists() or not any((tmp_path / "backup").iterdir())
    if command == "demo":
        assert db.read_bytes() == before, "demo threw the damaged file away"


@pytest.mark.parametrize("command", ["report", "benchmark", "check", "export", "import", "demo"])
def test_overwritten_data_gives_one_message(
        healthy: Path, sources: tuple[Path, Path], tmp_path: Path, command: str) -> None:
    db = overwritten(healthy, tmp_path / "damaged.duckdb")
    args = [a.format(tmp=tmp_path, responses=sources[1]) for a in COMMANDS[command]]
    assert_calm(run_cli(*args, "--db", db), str(db), "damaged")


def test_check_reads_every_table_so_damage_anywhere_shows(healthy: Path, tmp_path: Path) -> None:
    assert maintenance.check(healthy) == []
    problems = maintenance.check(overwritten(healthy, tmp_path / "damaged.duckdb", "answers"))
    assert len(problems) == 1 and "is damaged" in problems[0]


def test_not_a_database_is_never_replaced_by_demo(tmp_path: Path) -> None:
    db = tmp_path / "responses.duckdb"
    db.write_text("council_id,round\nalpha,2024\n", encoding="utf-8")
    assert_calm(run_cli("demo", "--db", db), str(db), "not a DuckDB database")
    assert db.read_text(encoding="utf-8").startswith("council_id")


# --- a full disk during an import ------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["full-insert", "full-commit"])
def test_full_disk_during_import_names_the_real_reason(
        healthy: Path, sources: tuple[Path, Path], tmp_path: Path, where: str) -> None:
    db = tmp_path / "db.duckdb"
    db.write_bytes(healthy.read_bytes())
    before = dump_db(db)
    proc = run_cli("import", "--db", db, "--replace", sources[1], inject=where, tmp=tmp_path)
    assert_calm(proc, str(db), "full", "No space left on device", "Free some disk space", "nothing was written")
    assert proc.stdout == ""
    assert dump_db(db) == before


def test_rollback_failure_never_hides_the_reason(healthy: Path, tmp_path: Path) -> None:
    """In-process: the error that reaches the caller is the full disk, not ROLLBACK's own failure."""
    db = tmp_path / "db.duckdb"
    db.write_bytes(healthy.read_bytes())
    with storage.connect(db) as con:
        def work() -> None:
            con.execute("DELETE FROM answers")
            con.execute("ROLLBACK")  # what DuckDB does itself on a fatal write error
            raise duckdb.IOException("IO Error: Could not write file: No space left on device")

        with pytest.raises(duckdb.IOException, match="No space left"):
            storage.run_in_transaction(con, work)
    with pytest.raises(storage.StoreError, match="is full") as info:
        with storage.connect(db) as con:
            storage.run_in_transaction(con, work)
    assert info.value.kind == "full" and "cannot rollback" not in str(info.value)
    assert maintenance.check(db) == []


# --- a read-only folder -----------------------------------------------------------------------------------------

def test_read_only_folder(healthy: Path, sources: tuple[Path, Path], tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    db.write_bytes(healthy.read_bytes())
    proc = run_cli("import", "--db", db, "--replace", sources[1], inject="read-only-folder", tmp=tmp_path)
    assert_calm(proc, str(db), "cannot be written", "Permission denied", "writable")
    proc = run_cli("init", "--db", tmp_path / "new.duckdb", inject="read-only-folder", tmp=tmp_path)
    assert_calm(proc, "new.duckdb", "cannot be written")
    # Reading still works from a read-only folder.
    assert run_cli("report", "--db", db, "--council", "alpha", "--json", inject="read-only-folder",
                   tmp=tmp_path).returncode == 0


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_for_real(healthy: Path, tmp_path: Path) -> None:  # pragma: no cover - not as root
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert_calm(run_cli("init", "--db", folder / "new.duckdb"), "new.duckdb", "cannot be written")
    finally:
        folder.chmod(0o755)


def test_export_to_a_folder_that_cannot_be_written(healthy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    assert_calm(run_cli("export", "--db", healthy, "--out", blocker / "backup"), "cannot write the backup",
                "the database was not changed")


# --- the lock timeout ---------------------------------------------------------------------------------------------

def _hold(db: Path) -> subprocess.Popen[str]:
    code = (f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); "
            "time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture
def locked(healthy: Path, tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    db = tmp_path / "db.duckdb"
    db.write_bytes(healthy.read_bytes())
    holder = _hold(db)
    yield db, holder
    holder.kill()
    holder.wait()


def test_lock_timeout_on_the_command_line(locked: tuple[Path, subprocess.Popen[str]]) -> None:
    db, holder = locked
    started = time.monotonic()
    proc = run_cli("report", "--db", db, "--council", "alpha", "--json", env={"MANDATE_LOCK_TIMEOUT": "0.5"})
    assert_calm(proc, str(db), "in use by process", str(holder.pid), "Try again")
    assert time.monotonic() - started < 20


# --- the classification itself ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("exc", "kind"), [
    (duckdb.IOException('IO Error: Could not write file "x": No space left on device'), "full"),
    (OSError(28, "No space left on device"), "full"),
    (PermissionError(13, "Permission denied"), "denied"),
    (duckdb.IOException("IO Error: Cannot open file: Read-only file system"), "denied"),
    (duckdb.Error("Corrupt database file: computed checksum 1 does not match stored checksum 2"), "damaged"),
    (duckdb.IOException('IO Error: Could not read enough bytes from file "x"'), "damaged"),
    (duckdb.IOException("IO Error: something else entirely"), "io"),
])
def test_fault_kinds(exc: BaseException, kind: str) -> None:
    found = storage.fault(exc, "/data/m.duckdb")
    assert found is not None and found.kind == kind and "/data/m.duckdb" in str(found)


@pytest.mark.parametrize("exc", [
    duckdb.BinderException('Binder Error: Referenced column "nope" not found'),  # a bug: not disguised
    duckdb.IOException("IO Error: Could not set lock on file: Conflicting lock is held"),  # handled apart
    PermissionError("This account cannot see that view"),  # the read guard's refusal
    ValueError("x"),
])
def test_not_a_fault(exc: BaseException) -> None:
    assert storage.fault(exc, "/data/m.duckdb") is None


def test_a_query_mistake_is_not_dressed_up_as_damage(healthy: Path) -> None:
    with pytest.raises(duckdb.BinderException):
        with storage.connect(healthy, read_only=True) as con:
            con.execute("SELECT nope FROM answers")


# --- the dashboard ---------------------------------------------------------------------------------------------

def _app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MANDATE_DB", str(db))
    monkeypatch.setenv("MANDATE_LOCK_TIMEOUT", "0.5")
    return AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)


def _errors(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.error)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_a_damaged_file_shows_the_message(
        healthy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    db = truncated(healthy, tmp_path / "damaged.duckdb")
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "damaged" in _errors(at) and str(db) in _errors(at) and "export" in _errors(at)


def test_a_page_that_meets_damage_after_start_shows_the_message(
        healthy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is damaged while the dashboard runs: the cached sidebar still works, the page's own
    queries meet the damage, and the page says so calmly."""
    db = tmp_path / "db.duckdb"
    db.write_bytes(healthy.read_bytes())
    at = _app(db, monkeypatch)
    at.run()
    assert not at.exception and not at.error
    stat = db.stat()
    damaged = overwritten(healthy, tmp_path / "copy.duckdb").read_bytes()
    with open(db, "r+b") as fh:  # damaged in place, same size and time: the catalogue stays cached
        fh.write(damaged)
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    at.switch_page("pages/3_Alignment.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "damaged" in _errors(at) and str(db) in _errors(at)


def test_a_busy_database_shows_the_message(
        locked: tuple[Path, subprocess.Popen[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    db, holder = locked
    at = _app(db, monkeypatch)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "in use by process" in _errors(at) and str(holder.pid) in _errors(at)


def test_a_non_fault_error_on_a_page_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def script() -> None:
        import duckdb

        from pages import _layout as ui

        def render() -> None:
            raise duckdb.BinderException("Binder Error: a mistake in a query")

        ui.run_safely(render)

    monkeypatch.syspath_prepend(str(REPO))
    at = AppTest.from_function(script, default_timeout=30)
    at.run()
    assert at.exception and not at.error


def test_full_disk_during_an_upload_on_the_data_page(
        healthy: Path, sources: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "db.duckdb"
    db.write_bytes(healthy.read_bytes())
    before = dump_db(db)

    def full(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException('IO Error: Could not write file "db.duckdb.wal": No space left on device')

    monkeypatch.setattr(importer, "_write", full)
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page("pages/7_Data.py").run()
    at.file_uploader(key="data_responses_0").set_value(
        [("answers.csv", sources[1].read_bytes(), "text/csv")]).run()
    at.checkbox(key="data_replace_0").check().run()
    at.button(key="data_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    reasons = [r["problem"] for t in at.dataframe for r in t.value.to_dict("records") if "problem" in r]
    assert any("is full" in r and str(db) in r and "Free some disk space" in r for r in reasons), reasons
    assert dump_db(db) == before
