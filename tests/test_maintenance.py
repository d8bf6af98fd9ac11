"""`check` finds damage that did not come through the importer; `export` re-imports identically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from mandate_core import demo, importer, maintenance, storage

ROOT = Path(__file__).resolve().parent.parent


def _dump(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "councils": con.execute("SELECT * FROM councils ORDER BY ALL").fetchall(),
            "rounds": con.execute("SELECT * FROM rounds ORDER BY ALL").fetchall(),
            "answers": con.execute("SELECT * FROM answers ORDER BY ALL").fetchall(),
        }
    finally:
        con.close()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mandate_core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("demo") / "demo.duckdb")


def test_export_round_trip_is_identical(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "backup"
    assert _cli("export", "--db", str(demo_db), "--out", str(out)).returncode == 0
    fresh = tmp_path / "fresh.duckdb"
    done = _cli("import", "--db", str(fresh), "--councils", str(out / "councils.csv"), str(out / "responses.csv"))
    assert done.returncode == 0, done.stderr
    assert _dump(fresh) == _dump(demo_db)


def test_export_keeps_awkward_values_exactly(tmp_path: Path) -> None:
    """Formula-like text, line breaks, quotes and accents survive the backup unescaped."""
    councils = tmp_path / "c.csv"
    councils.write_text("council_id,name,nation,council_type,population,peer_group\n"
                        "x1,\"=Caerdydd, \"\"Cyngor\"\"\",Wales,Unitary,,\n", encoding="utf-8")
    rows = ["council_id,round,workshop_date,participant,role,group,theme,sector_theme,horizon,change,risk,note"]
    for p in ("a", "b", "c"):
        rows.append(f'x1,R1,2025-01-02,{p},member,Plaid Cymru,Tŷ & “homes”,place,now,3,,'
                    f'"+line one\nline two, with ""quotes"" — {p}"')
    responses = tmp_path / "r.csv"
    responses.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "a.duckdb"
    importer.import_files(db, councils, [responses])
    maintenance.export(db, tmp_path / "out")
    db2 = tmp_path / "b.duckdb"
    importer.import_files(db2, tmp_path / "out" / "councils.csv", [tmp_path / "out" / "responses.csv"])
    assert _dump(db2) == _dump(db)
    assert _dump(db)["councils"][0][1] == '=Caerdydd, "Cyngor"'
    assert (tmp_path / "out" / "councils.csv").read_text(encoding="utf-8").count("'=") == 0


def test_check_passes_a_sound_database(demo_db: Path) -> None:
    assert maintenance.check(demo_db) == []
    done = _cli("check", "--db", str(demo_db))
    assert done.returncode == 0 and "OK" in done.stderr


@pytest.mark.parametrize(
    ("damage", "finding"),
    [
        ("UPDATE answers SET change = 9 WHERE rowid = 0", "change score outside 1–6"),
        ("UPDATE answers SET risk = 0 WHERE rowid = 0", "risk score outside 1–5"),
        ("DELETE FROM councils WHERE council_id = 'aldermoor'", "not in the councils table"),
        ("DELETE FROM rounds WHERE council_id = 'aldermoor'", "not in the rounds table"),
        ("INSERT INTO rounds VALUES ('aldermoor', 'ghost', DATE '2020-01-01')", "round with no answers"),
        ("UPDATE answers SET grp = NULL WHERE role = 'member' AND rowid < 5", "member without a political group"),
        ("UPDATE answers SET sector_theme = 'space' WHERE rowid = 3", "unknown sector theme"),
        ("UPDATE answers SET horizon = 'later' WHERE rowid = 3", "unknown horizon"),
        ("UPDATE answers SET participant = 'jo@example.org' WHERE rowid = 3", "e-mail"),
        ("INSERT INTO answers SELECT * FROM answers WHERE rowid = 0", "more than once"),
        ("UPDATE councils SET nation = 'Mercia' WHERE council_id = 'aldermoor'", "unknown nation"),
        ("UPDATE meta SET value = '0' WHERE key = 'schema_version'", "schema version"),
    ],
)
def test_check_reports_damage(demo_db: Path, tmp_path: Path, damage: str, finding: str) -> None:
    db = tmp_path / "damaged.duckdb"
    db.write_bytes(demo_db.read_bytes())
    con = duckdb.connect(str(db))
    con.execute(damage)
    con.close()
    done = _cli("check", "--db", str(db))
    assert done.returncode == 1
    assert finding in done.stderr, done.stderr


def test_check_reports_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    done = _cli("check", "--db", str(junk))
    assert done.returncode == 1 and "error" in done.stderr and "Traceback" not in done.stderr


def test_schema_upgrades_in_place_from_an_older_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database made by version 1 gains every later migration's tables when opened for writing."""
    db = tmp_path / "old.duckdb"
    with monkeypatch.context() as old:
        old.setattr(storage, "SCHEMA_VERSION", 1)
        with storage.connect(db) as con:
            assert storage.schema_version(con) == 1
    with storage.connect(db) as con:
        assert storage.schema_version(con) == storage.SCHEMA_VERSION
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert {"users", "activity", "live_sessions", "live_answers"} <= tables
    nxt = storage.SCHEMA_VERSION + 1
    monkeypatch.setattr(storage, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(storage.MIGRATIONS, nxt, ["ALTER TABLE councils ADD COLUMN region VARCHAR"])
    with storage.connect(db) as con:
        assert storage.schema_version(con) == nxt
        cols = [r[0] for r in con.execute("DESCRIBE councils").fetchall()]
    assert "region" in cols
