"""The PostgreSQL store (docs/deployment.md): the same answers as the DuckDB file, shared by processes.

Each test runs on a fresh database of the test server (tests/stores.py); without a server they skip
loudly, and fail under CI.  The store-level rules themselves (import rules, --replace, live capture) run
on both stores in their own modules through the ``make_store`` fixture; here is what only a shared
store has: other processes' writes showing up, writers from several processes queueing, a crash or a
failure half-way leaving nothing behind, and the URL's password never shown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mandate_core import access, demo, importer, maintenance, pgstore, reports, storage
from tests import stores
from tests.helpers_import import copy_db, digest_db, dump_db, table_rows, workshop, write_csv

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("pgdemo") / "demo.duckdb")


@pytest.fixture
def pg() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (no store in it yet)."""
    url = stores.new_pg_db()
    yield url
    stores.drop_pg_db(url)


@pytest.fixture
def pg_demo(pg: str, demo_file: Path) -> str:
    copy_db(demo_file, pg)
    return pg


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "mandate_core", *args], capture_output=True, text=True,
                          cwd=REPO, env=full, timeout=timeout)


def test_the_command_line_gives_the_same_json_on_both_stores(pg_demo: str, demo_file: Path) -> None:
    for args in (["report", "--council", "aldermoor", "--json"],
                 ["benchmark", "--council", "aldermoor", "--metric", "position", "--horizon", "now",
                  "--json"],
                 ["benchmark", "--council", "brackenfield", "--metric", "gap", "--json"]):
        on_file = _cli(*args, "--db", str(demo_file))
        on_pg = _cli(*args, "--db", pg_demo)
        assert on_file.returncode == 0 and on_pg.returncode == 0, on_pg.stderr
        assert json.loads(on_pg.stdout) == json.loads(on_file.stdout)
        assert json.loads(on_pg.stdout)  # a real document, not an empty one


def test_init_demo_check_and_export_round_trip(pg: str, tmp_path: Path, demo_file: Path) -> None:
    assert _cli("report", "--db", pg, "--council", "aldermoor", "--json").returncode == 1  # no store yet
    init = _cli("init", "--db", pg)
    assert init.returncode == 0 and "schema version" in init.stderr
    assert _cli("demo", "--db", pg).returncode == 0
    assert _cli("check", "--db", pg).returncode == 0
    assert _cli("export", "--db", pg, "--out", str(tmp_path / "pg")).returncode == 0
    assert _cli("export", "--db", str(demo_file), "--out", str(tmp_path / "file")).returncode == 0
    for name in ("councils.csv", "responses.csv"):  # byte for byte, answers in their imported order
        assert (tmp_path / "pg" / name).read_bytes() == (tmp_path / "file" / name).read_bytes()
    # ...and the export imports back into a new file store as the same data.
    again = tmp_path / "again.duckdb"
    importer.import_files(again, tmp_path / "pg" / "councils.csv", [tmp_path / "pg" / "responses.csv"])
    mine, theirs = dump_db(again), dump_db(pg)
    for table in ("main.councils", "main.rounds", "main.answers"):
        assert mine[table] == theirs[table]


def test_check_reads_what_postgresql_holds(pg_demo: str) -> None:
    assert maintenance.check(pg_demo) == []
    import psycopg

    with psycopg.connect(pg_demo, autocommit=True) as con:  # damage made behind the program's back
        con.execute("INSERT INTO answers SELECT council_id, round, participant, role, grp, theme, sector_theme, "
                    "horizon, change, risk, note, _pos + 100000 FROM answers LIMIT 1")
        con.execute("UPDATE mandate_store SET version = version + 1 WHERE tbl = 'answers'")
    problems = maintenance.check(pg_demo)
    assert any("more than once" in p for p in problems), problems


def test_a_write_in_another_process_shows_here_at_the_next_read(pg_demo: str, tmp_path: Path) -> None:
    with storage.connect(pg_demo, read_only=True) as con:  # this process's read model, loaded
        before = con.execute("SELECT count(*) FROM rounds").fetchone()
    key = storage.data_version(pg_demo)
    rows = workshop("aldermoor", "2027 check-in", "2027-01-10")
    done = _cli("import", "--db", pg_demo, str(write_csv(tmp_path / "r.csv", rows)))
    assert done.returncode == 0, done.stderr
    assert storage.data_version(pg_demo) != key  # caches keyed by it are invalidated
    with storage.connect(pg_demo, read_only=True) as con:
        after = con.execute("SELECT count(*) FROM rounds").fetchone()
        stored = con.execute("SELECT count(*) FROM answers WHERE round = '2027 check-in'").fetchone()
    assert before is not None and after == (before[0] + 1,)
    assert stored == (len(rows),)


def test_an_unchanged_store_keeps_its_version_key(pg_demo: str) -> None:
    key = storage.data_version(pg_demo)
    with storage.connect(pg_demo, read_only=True) as con:
        con.execute("SELECT count(*) FROM answers").fetchall()
    with storage.connect(pg_demo) as con:  # a write that changes nothing writes nothing
        con.execute("SELECT count(*) FROM councils").fetchall()
    assert storage.data_version(pg_demo) == key


_WRITER = """
import sys
from mandate_core import access, storage
db, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    with storage.connect(db) as con:
        access.add_user(con, f"{who}-{i}@example.org", "analyst", None)
print("done")
"""


def test_writers_in_several_processes_queue_and_every_write_lands(pg_demo: str) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, pg_demo, f"p{k}", "15"], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)}) for k in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0 and out.strip() == "done", err
    rows = table_rows(pg_demo, "SELECT count(*) FROM users WHERE email LIKE 'p%@example.org'")
    assert rows == [(60,)]
    assert maintenance.check(pg_demo) == []


_DIES_MID_WRITE = """
import os, sys
from mandate_core import importer, pgstore
real = pgstore.PgStore._push
def push(self, pg, con, table, *a):
    real(self, pg, con, table, *a)
    if table == "answers":  # the answers are in PostgreSQL's open transaction: the process dies now
        print("dying", flush=True)
        os._exit(9)
pgstore.PgStore._push = push
importer.import_files(sys.argv[1], None, [sys.argv[2]])
"""


def test_a_process_that_dies_half_way_through_writing_leaves_the_store_as_it_was(pg_demo: str,
                                                                                  tmp_path: Path) -> None:
    before = digest_db(pg_demo)
    rows = [r for k in range(5) for r in workshop("aldermoor", f"Big {k}", "2027-02-01")]
    big = write_csv(tmp_path / "big.csv", rows)
    died = subprocess.run([sys.executable, "-c", _DIES_MID_WRITE, pg_demo, str(big)], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert died.returncode == 9 and died.stdout.strip() == "dying", died.stderr  # it got that far
    assert digest_db(pg_demo) == before
    assert maintenance.check(pg_demo) == []
    done = _cli("import", "--db", pg_demo, str(big))  # and the store takes the next writer at once
    assert done.returncode == 0, done.stderr
    assert table_rows(pg_demo, "SELECT count(*) FROM answers WHERE round LIKE 'Big %'") == [(len(rows),)]


def test_a_failure_while_writing_to_postgresql_writes_nothing(pg_demo: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest_db(pg_demo)
    pushed: list[str] = []
    real = pgstore.PgStore._push

    def failing(self: pgstore.PgStore, pg: object, con: object, table: str, *a: object) -> None:
        real(self, pg, con, table, *a)  # type: ignore[arg-type]
        pushed.append(table)
        if table == "answers":  # after the answers went in, before the rounds do
            raise OSError("disk on fire")

    monkeypatch.setattr(pgstore.PgStore, "_push", failing)
    rows = workshop("aldermoor", "2027 doomed", "2027-03-01")
    with pytest.raises(OSError):
        importer.import_files(pg_demo, None, [write_csv(tmp_path / "r.csv", rows)])
    assert "answers" in pushed
    monkeypatch.undo()
    assert digest_db(pg_demo) == before
    with storage.connect(pg_demo, read_only=True) as con:  # this process's read model reloaded too
        assert con.execute("SELECT count(*) FROM rounds WHERE round = '2027 doomed'").fetchone() == (0,)


def test_a_refused_import_changes_nothing_and_replace_swaps_a_round_whole(pg_demo: str, tmp_path: Path) -> None:
    before = digest_db(pg_demo)
    bad = workshop("aldermoor", "2026 follow-up", "2026-08-18")  # already stored: refused without --replace
    path = write_csv(tmp_path / "again.csv", bad[:12])
    refused = _cli("import", "--db", pg_demo, str(path))
    assert refused.returncode == 1 and "replace" in refused.stderr
    assert digest_db(pg_demo) == before
    done = _cli("import", "--db", pg_demo, "--replace", str(path))
    assert done.returncode == 0, done.stderr
    assert table_rows(pg_demo, "SELECT count(*) FROM answers WHERE council_id = 'aldermoor' "
                               "AND round = '2026 follow-up'") == [(12,)]
    others = table_rows(pg_demo, "SELECT count(*) FROM answers WHERE council_id <> 'aldermoor'")
    assert others[0][0] > 0


def test_a_unit_of_work_that_changes_a_table_it_did_not_name_is_refused(pg_demo: str) -> None:
    before = digest_db(pg_demo)
    with storage.connect(pg_demo, tables=("users",)) as con:  # a small table is compared anyway
        con.execute("UPDATE councils SET name = 'Renamed' WHERE council_id = 'aldermoor'")
    assert table_rows(pg_demo, "SELECT name FROM councils WHERE council_id = 'aldermoor'") == [("Renamed",)]
    with storage.connect(pg_demo) as con:
        con.execute("UPDATE councils SET name = 'Aldermoor Borough Council' WHERE council_id = 'aldermoor'")
    assert digest_db(pg_demo) == before
    with pytest.raises(storage.StoreError, match="changed answers"):
        with storage.connect(pg_demo, tables=("users",)) as con:
            con.execute("DELETE FROM answers WHERE council_id = 'aldermoor'")
    assert digest_db(pg_demo) == before


def test_row_order_values_and_nulls_survive_the_store(pg: str, tmp_path: Path) -> None:
    tricky = 'comma, "quote", newline\nand an empty string next'
    with storage.connect(pg) as con:
        access.record(con, "tester", "note", tricky)
        access.record(con, "tester", "note", "")
        access.record(con, "tester", "note", "third")
    pgstore.forget(pg)  # as a new process would read it
    with storage.connect(pg, read_only=True) as con:
        rows = con.execute("SELECT detail FROM activity WHERE actor = 'tester' ORDER BY rowid").fetchall()
    assert rows == [(tricky,), ("",), ("third",)]


def test_an_unreachable_server_is_a_clear_error_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://mandate:s3cret-pw@127.0.0.1:1/mandate"
    done = _cli("report", "--db", url, "--council", "aldermoor", "--json", timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "s3cret-pw" not in done.stderr
    assert "cannot reach the PostgreSQL store postgresql://mandate:***@127.0.0.1:1/mandate" in done.stderr
    assert storage.describe(url) == "postgresql://mandate:***@127.0.0.1:1/mandate"
    assert storage.store_label(url) == "Database: PostgreSQL database mandate on 127.0.0.1"


def test_mandate_db_may_name_a_postgresql_store(pg_demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(storage.ENV_DB, pg_demo)
    assert storage.resolve_db_path(None) == pg_demo and storage.is_shared_store(None)
    with storage.connect(None, read_only=True) as con:
        doc = reports.council_report(con, "aldermoor", None, min_group=3)
    assert doc["council_id"] == "aldermoor" and doc["participants"] > 0


def test_demo_rebuild_keeps_users_on_postgresql(pg_demo: str) -> None:
    with storage.connect(pg_demo) as con:
        access.add_user(con, "keep@example.org", "analyst", None)
    done = _cli("demo", "--db", pg_demo)
    assert done.returncode == 0, done.stderr
    assert table_rows(pg_demo, "SELECT email FROM users WHERE email = 'keep@example.org'") == [
        ("keep@example.org",)]


def test_a_writer_waits_for_another_processs_write_then_gives_up_clearly(pg_demo: str, tmp_path: Path) -> None:
    import psycopg

    rows = workshop("aldermoor", "2027 waits", "2027-04-01")
    path = write_csv(tmp_path / "w.csv", rows)
    with psycopg.connect(pg_demo, autocommit=True) as holder:  # another program in the middle of a write
        holder.execute("SELECT pg_advisory_lock(%s)", [pgstore.LOCK_KEY])
        done = _cli("import", "--db", pg_demo, str(path), env={storage.ENV_LOCK_TIMEOUT: "1.5"})
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "is being written by another program; waited 2 s" in done.stderr
        holder.execute("SELECT pg_advisory_unlock(%s)", [pgstore.LOCK_KEY])
    assert table_rows(pg_demo, "SELECT count(*) FROM rounds WHERE round = '2027 waits'") == [(0,)]
    assert _cli("import", "--db", pg_demo, str(path)).returncode == 0  # and goes through once it is free


def test_users_sessions_and_the_deck_on_postgresql(pg_demo: str, tmp_path: Path) -> None:
    assert _cli("users", "add", "--db", pg_demo, "--email", "Chief@Example.org", "--role", "council",
                "--council", "aldermoor").returncode == 0
    listed = _cli("users", "list", "--db", pg_demo, "--json")
    assert listed.returncode == 0
    assert [u["email"] for u in json.loads(listed.stdout)] == ["chief@example.org"]
    opened = _cli("session", "open", "--db", pg_demo, "--council", "aldermoor", "--round", "Live 2027",
                  "--date", "2027-05-01", "--theme", "Good jobs=economy", "--json")
    assert opened.returncode == 0, opened.stderr
    code = json.loads(opened.stdout)["code"]
    status = _cli("session", "status", "--db", pg_demo, "--code", code, "--json")
    assert status.returncode == 0 and json.loads(status.stdout)["participants"] == 0
    deck = tmp_path / "deck.pptx"
    made = _cli("deck", "--db", pg_demo, "--council", "aldermoor", "--out", str(deck))
    assert made.returncode == 0, made.stderr
    assert deck.stat().st_size > 10_000
    assert _cli("users", "remove", "--db", pg_demo, "--email", "chief@example.org").returncode == 0
    assert table_rows(pg_demo, "SELECT count(*) FROM users") == [(0,)]
