"""Import behaviour: formats agree, --replace, crash safety, demo data, CLI basics (docs/formats.md, docs/cli.md)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_import import (
    COUNCIL_COLUMNS,
    REPO,
    RESPONSE_COLUMNS,
    cli_env,
    copy_db,
    council,
    digest_db,
    dump_db,
    import_cli,
    import_ok,
    run_cli,
    table_rows,
    typed_response,
    workshop,
    write_big_responses,
    write_csv,
    write_xlsx,
)

from mandate_core import demo, storage

COUNCILS = [
    council("alpha", name="Ynys Môn Council", nation="Wales", population="69000", peer_group="Welsh"),
    council("beta", nation="Scotland", council_type="Unitary", population="", peer_group=""),
    council("S12000005", name="Clackmannanshire-like", nation="Scotland", population="0"),
]


def responses() -> list[dict[str, str]]:
    rows = workshop("alpha") + workshop("beta", "2025 round", "2025-11-30", base=3)
    rows[2]["note"] = 'Say "yes", then act; 100% – with partners'
    rows[5]["note"] = "Line one\nline two"
    rows[7]["risk"] = ""
    return rows


def typed_council(row: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = dict(row)
    out["population"] = int(row["population"]) if row["population"] else None
    out["peer_group"] = row["peer_group"] or None
    return out


@pytest.fixture(scope="module")
def csv_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("csvdb")
    db = d / "csv.duckdb"
    import_ok(db, write_csv(d / "responses.csv", responses()),
              councils=write_csv(d / "councils.csv", COUNCILS, COUNCIL_COLUMNS))
    return db


# --- formats --------------------------------------------------------------------------------------------

def test_csv_and_xlsx_give_identical_databases(csv_db: Path, tmp_path: Path) -> None:
    councils = write_xlsx(tmp_path / "councils.xlsx", [typed_council(c) for c in COUNCILS], COUNCIL_COLUMNS)
    resp = write_xlsx(tmp_path / "responses.xlsx", [typed_response(r) for r in responses()])
    import openpyxl

    ws = openpyxl.load_workbook(resp).active
    assert ws is not None
    assert ws["C2"].is_date and isinstance(ws["J2"].value, int)  # a real date cell, integer cells
    db = tmp_path / "xlsx.duckdb"
    import_ok(db, resp, councils=councils)
    assert dump_db(db) == dump_db(csv_db)


def test_xlsx_with_text_cells_matches_too(csv_db: Path, tmp_path: Path) -> None:
    councils = write_xlsx(tmp_path / "councils.xlsx", COUNCILS, COUNCIL_COLUMNS)
    resp = write_xlsx(tmp_path / "responses.xlsx", responses())
    db = tmp_path / "xlsx.duckdb"
    import_ok(db, resp, councils=councils)
    assert dump_db(db) == dump_db(csv_db)


def test_messy_header_bom_and_crlf_give_the_same_database(csv_db: Path, tmp_path: Path) -> None:
    c_header = [f"  {c.upper()} " for c in COUNCIL_COLUMNS]
    r_header = [c.title() if i % 2 else f"\t{c} " for i, c in enumerate(RESPONSE_COLUMNS)]
    councils = write_csv(tmp_path / "councils.csv", COUNCILS, COUNCIL_COLUMNS, header=c_header, bom=True,
                         lineterminator="\r\n")
    resp = write_csv(tmp_path / "responses.csv", responses(), header=r_header, bom=True,
                     lineterminator="\r\n")
    db = tmp_path / "messy.duckdb"
    import_ok(db, resp, councils=councils)
    assert dump_db(db) == dump_db(csv_db)

    xdb = tmp_path / "messy-xlsx.duckdb"
    import_ok(xdb, write_xlsx(tmp_path / "r.xlsx", responses(), header=r_header),
              councils=write_xlsx(tmp_path / "c.xlsx", COUNCILS, COUNCIL_COLUMNS, header=c_header))
    assert dump_db(xdb) == dump_db(csv_db)


def test_old_mac_line_endings_give_the_same_database(csv_db: Path, tmp_path: Path) -> None:
    """Excel for Mac's "CSV (Macintosh)" ends lines with a bare CR."""
    councils = write_csv(tmp_path / "councils.csv", COUNCILS, COUNCIL_COLUMNS, lineterminator="\r")
    resp = write_csv(tmp_path / "responses.csv", responses(), lineterminator="\r")
    db = tmp_path / "cr.duckdb"
    import_ok(db, resp, councils=councils)
    assert dump_db(db) == dump_db(csv_db)


def test_stored_values_are_typed_and_normalised(csv_db: Path) -> None:
    assert table_rows(csv_db, "SELECT council_id, nation, population, peer_group FROM councils "
                              "ORDER BY 1") == [
        ("S12000005", "Scotland", 0, "Group A"), ("alpha", "Wales", 69000, "Welsh"),
        ("beta", "Scotland", None, None),
    ]
    assert table_rows(csv_db, "SELECT council_id, round, CAST(workshop_date AS VARCHAR) FROM rounds "
                              "ORDER BY 1") == [
        ("alpha", "2024 baseline", "2024-03-01"), ("beta", "2025 round", "2025-11-30"),
    ]
    notes = {r[0] for r in table_rows(csv_db, "SELECT note FROM answers WHERE note IS NOT NULL")}
    assert {'Say "yes", then act; 100% – with partners', "Line one\nline two"} <= notes


def test_councils_file_upserts_by_council_id(csv_db: Path, tmp_path: Path) -> None:
    db = copy_db(csv_db, tmp_path / "db.duckdb")
    answers = table_rows(db, "SELECT * FROM answers ORDER BY ALL")
    untouched = table_rows(db, "SELECT * FROM councils WHERE council_id <> 'alpha' ORDER BY ALL")
    f = write_csv(tmp_path / "councils.csv", [
        council("alpha", name="Alpha Renamed", nation="wales", council_type="County", population="",
                peer_group="New group"),
        council("zeta", nation="Northern Ireland"),
    ], COUNCIL_COLUMNS)
    import_ok(db, councils=f)
    assert table_rows(db, "SELECT * FROM councils WHERE council_id = 'alpha'") == [
        ("alpha", "Alpha Renamed", "Wales", "County", None, "New group")
    ]
    assert table_rows(db, "SELECT nation FROM councils WHERE council_id = 'zeta'") == [("Northern Ireland",)]
    assert table_rows(db, "SELECT * FROM councils WHERE council_id NOT IN ('alpha', 'zeta') "
                          "ORDER BY ALL") == untouched
    assert table_rows(db, "SELECT * FROM answers ORDER BY ALL") == answers


# --- --replace ------------------------------------------------------------------------------------------

def test_replace_twice_gives_an_identical_database(csv_db: Path, tmp_path: Path) -> None:
    db = copy_db(csv_db, tmp_path / "db.duckdb")
    new_round = write_csv(tmp_path / "r.csv", workshop("beta", "2026 follow-up", "2026-04-02", base=4))
    same_councils = write_csv(tmp_path / "c.csv", COUNCILS, COUNCIL_COLUMNS)
    import_ok(db, new_round, councils=same_councils, replace=True)
    first = dump_db(db)
    import_ok(db, new_round, councils=same_councils, replace=True)
    assert dump_db(db) == first
    proc = import_cli(db, new_round, replace=True)
    assert proc.returncode == 0 and "replaced" in proc.stdout  # the summary goes to stdout
    assert dump_db(db) == first


def test_replace_replaces_the_round_whole(csv_db: Path, tmp_path: Path) -> None:
    db = copy_db(csv_db, tmp_path / "db.duckdb")
    other_round = write_csv(tmp_path / "other.csv", workshop("alpha", "2026 follow-up", "2026-05-05"))
    import_ok(db, other_round)
    keep = table_rows(db, "SELECT * FROM answers WHERE NOT (council_id = 'alpha' AND round = "
                          "'2024 baseline') ORDER BY ALL")

    people = [("M01", "member", "Labour"), ("M02", "member", "Green"), ("O01", "officer", "Place")]
    themes = [("Good jobs", "economy"), ("Net zero", "environment")]
    v2 = workshop("alpha", "2024 baseline", "2024-03-08", people=people, themes=themes, base=1)
    import_ok(db, write_csv(tmp_path / "v2.csv", v2), replace=True)

    got = table_rows(db, "SELECT participant, theme, sector_theme, horizon, change FROM answers "
                         "WHERE council_id = 'alpha' AND round = '2024 baseline' ORDER BY ALL")
    want = sorted((r["participant"], r["theme"], r["sector_theme"], r["horizon"], int(r["change"]))
                  for r in v2)
    assert got == want
    assert not table_rows(db, "SELECT 1 FROM answers WHERE participant = 'O02' AND round = "
                              "'2024 baseline' AND council_id = 'alpha'")
    assert not table_rows(db, "SELECT 1 FROM answers WHERE theme = 'Homes for all' AND round = "
                              "'2024 baseline' AND council_id = 'alpha'")
    assert table_rows(db, "SELECT CAST(workshop_date AS VARCHAR) FROM rounds WHERE council_id = 'alpha' "
                          "AND round = '2024 baseline'") == [("2024-03-08",)]
    assert table_rows(db, "SELECT * FROM answers WHERE NOT (council_id = 'alpha' AND round = "
                          "'2024 baseline') ORDER BY ALL") == keep


def test_refused_replace_changes_nothing(csv_db: Path, tmp_path: Path) -> None:
    db = copy_db(csv_db, tmp_path / "db.duckdb")
    before = dump_db(db)
    rows = workshop("alpha", base=1)
    rows[-1]["change"] = "9"
    proc = import_cli(db, write_csv(tmp_path / "r.csv", rows), replace=True)
    assert proc.returncode == 1
    assert dump_db(db) == before


# --- crash safety ---------------------------------------------------------------------------------------

def _sizes(db: Path) -> tuple[int, int]:
    wal = Path(f"{db}.wal")
    try:
        main = db.stat().st_size
    except FileNotFoundError:
        main = -1
    try:
        return main, wal.stat().st_size
    except FileNotFoundError:
        return main, -1


def _run_import(db: Path, big: Path, *, kill_after: float | None = None,
                kill_on: str | None = None) -> tuple[int, dict[str, float]]:
    """Run ``import --replace big`` and watch the files; SIGKILL it ``kill_after`` seconds after start
    or after the event ``kill_on`` (``grow``: the write phase began; ``wal``: the commit is being logged).
    Returns the exit code and when each event was first seen."""
    start_sizes = _sizes(db)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mandate_core", "import", "--db", str(db), "--replace", str(big)],
        cwd=REPO, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    seen: dict[str, float] = {}
    kill_at = started + kill_after if kill_after is not None else None
    while proc.poll() is None:
        now = time.monotonic()
        main, wal = _sizes(db)
        if "grow" not in seen and main != start_sizes[0]:
            seen["grow"] = now - started
        if "wal" not in seen and wal > 0:
            seen["wal"] = now - started
        if kill_on in seen and kill_at is None:
            kill_at = now + (kill_after or 0.0)
        if kill_at is not None and now >= kill_at:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    _, err = proc.communicate(timeout=120)
    seen["end"] = time.monotonic() - started
    assert proc.returncode in (0, -signal.SIGKILL), err
    return proc.returncode, seen


@pytest.mark.slow
def test_import_killed_midway_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    """SIGKILL at several points of a 500k-row --replace import: the data is as before or complete."""
    big = tmp_path / "big.csv"
    n_rows = write_big_responses(big, 500_000)
    small = tmp_path / "small.csv"
    write_big_responses(small, 1_800)  # the same council + round, 100 participants: replaced by big
    pre = tmp_path / "pre.duckdb"
    import_ok(pre, small, write_csv(tmp_path / "alpha.csv", workshop("alpha")),
              councils=write_csv(tmp_path / "c.csv", [council("big"), council("alpha")],
                                 COUNCIL_COLUMNS))
    before = digest_db(pre)

    full = copy_db(pre, tmp_path / "full.duckdb")
    code, phases = _run_import(full, big)
    assert code == 0
    after = digest_db(full)
    assert after["main.answers"][1] == n_rows + 24  # + alpha's workshop
    assert phases["end"] > 0.8, f"the import took only {phases['end']:.2f}s: make the file bigger"
    validating = phases.get("grow", phases["end"] * 0.7)
    writing = phases["end"] - validating

    plans: list[tuple[float | None, str | None]] = [
        (validating * 0.3, None), (validating * 0.8, None),  # while validating
        (0.0, "grow"), (writing * 0.4, "grow"),  # while writing the new rows (uncommitted)
        (0.0, "wal"),  # while the commit is being logged
        ((phases["end"] - phases.get("wal", phases["end"])) * 0.5, "wal"),  # while checkpointing
    ]
    outcomes = []
    for i, (delay, event) in enumerate(plans):
        db = copy_db(pre, tmp_path / f"kill{i}.duckdb")
        code, seen = _run_import(db, big, kill_after=delay, kill_on=event)
        reopened = run_cli("init", "--db", db)  # the program opens (and recovers) it
        assert reopened.returncode == 0, reopened.stderr
        state = digest_db(db)
        assert state in (before, after), f"half an import after SIGKILL ({event} + {delay:.2f}s)"
        outcomes.append((event, round(delay or 0, 2), code, "complete" if state == after else "before"))
    print(f"phases of a full run: {phases}; kills: {outcomes}")
    assert any(code == -signal.SIGKILL and state == "before" for *_, code, state in outcomes), outcomes


# --- demo data ------------------------------------------------------------------------------------------

def test_demo_generator_is_deterministic(tmp_path: Path) -> None:
    assert demo.generate() == demo.generate()
    assert demo.generate(demo.SEED + 1) != demo.generate()
    councils, resp = demo.write_files(tmp_path)
    assert councils.read_bytes() == (REPO / "data" / "demo" / "councils.csv").read_bytes()
    assert resp.read_bytes() == (REPO / "data" / "demo" / "responses.csv").read_bytes()


def test_demo_command_builds_the_demo_database(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    proc = run_cli("demo", "--db", db)
    assert proc.returncode == 0, proc.stderr
    one = lambda sql: table_rows(db, sql)[0][0]  # noqa: E731
    assert one("SELECT count(*) FROM councils") >= 24
    assert one("SELECT count(DISTINCT peer_group) FROM councils") >= 4
    assert one("SELECT count(DISTINCT nation) FROM councils") >= 2
    assert one("SELECT count(*) FROM (SELECT council_id FROM rounds GROUP BY 1 HAVING count(*) >= 2)") >= 1
    per_workshop = table_rows(db, """
        SELECT council_id, round, count(DISTINCT participant),
               count(DISTINCT grp) FILTER (WHERE role = 'member'), count(DISTINCT theme)
        FROM answers GROUP BY ALL""")
    assert len(per_workshop) == one("SELECT count(*) FROM rounds")
    for cid, rnd, people, groups, themes in per_workshop:
        assert 8 <= people <= 30, (cid, rnd, people)
        assert 3 <= groups <= 5, (cid, rnd, groups)
        assert 3 <= themes <= 6, (cid, rnd, themes)
    assert one("SELECT value FROM meta WHERE key = 'demo'") == "true"
    first = dump_db(db)
    assert run_cli("demo", "--db", db).returncode == 0
    assert dump_db(db) == first, "rebuilding the demo gives the same database"


# --- init, help, usage ----------------------------------------------------------------------------------

def test_init_creates_a_database_with_schema_version(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "new.duckdb"
    proc = run_cli("init", "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert db.exists()
    assert table_rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(storage.SCHEMA_VERSION),)
    ]
    tables = {r[0] for r in table_rows(db, "SELECT table_name FROM duckdb_tables()")}
    assert {"meta", "councils", "rounds", "answers"} <= tables


def test_init_on_an_existing_database_keeps_its_data(csv_db: Path, tmp_path: Path) -> None:
    db = copy_db(csv_db, tmp_path / "db.duckdb")
    before = dump_db(db)
    assert run_cli("init", "--db", db).returncode == 0
    assert dump_db(db) == before


@pytest.mark.parametrize("command", [[], ["init"], ["demo"], ["import"], ["check"], ["export"],
                                     ["report"], ["benchmark"]])
def test_help_exits_0(command: list[str]) -> None:
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "usage:" in proc.stdout


@pytest.mark.parametrize("args", [
    [],
    ["frobnicate"],
    ["import", "--db", "x.duckdb", "--bogus"],
    ["import", "--councils"],
    ["export", "--db", "x.duckdb"],
    ["report", "--db", "x.duckdb", "--json"],
    ["benchmark", "--db", "x.duckdb", "--council", "alpha", "--json"],
    ["benchmark", "--db", "x.duckdb", "--council", "alpha", "--metric", "median", "--json"],
], ids=lambda a: " ".join(a) or "(none)")
def test_wrong_usage_exits_2(args: list[str]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "usage:" in proc.stderr
    assert proc.stdout == ""
    assert not (REPO / "x.duckdb").exists()


# --- database path rule (docs/architecture.md#storage) --------------------------------------------------

def test_db_path_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MANDATE_DB", raising=False)
    assert storage.resolve_db_path() == Path("data/mandate.duckdb")
    assert storage.resolve_db_path(None) == Path("data") / "mandate.duckdb"


def test_db_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MANDATE_DB", str(tmp_path / "env.duckdb"))
    assert storage.resolve_db_path() == tmp_path / "env.duckdb"
    assert storage.resolve_db_path("") == tmp_path / "env.duckdb"


def test_db_path_option_beats_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MANDATE_DB", str(tmp_path / "env.duckdb"))
    assert storage.resolve_db_path(tmp_path / "cli.duckdb") == tmp_path / "cli.duckdb"
    assert storage.resolve_db_path(str(tmp_path / "cli.duckdb")) == tmp_path / "cli.duckdb"


def test_db_path_blank_environment_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANDATE_DB", "   ")
    assert storage.resolve_db_path() == Path("data/mandate.duckdb")


def test_db_path_rule_on_the_command_line(tmp_path: Path) -> None:
    env_db, cli_db = tmp_path / "env.duckdb", tmp_path / "cli.duckdb"
    env = cli_env(MANDATE_DB=str(env_db))
    assert run_cli("init", env=env).returncode == 0
    assert env_db.exists() and not cli_db.exists()
    env_db.unlink()
    assert run_cli("init", "--db", cli_db, env=env).returncode == 0
    assert cli_db.exists() and not env_db.exists()


def test_values_with_spaces_around_them_are_trimmed_and_then_checked(tmp_path: Path) -> None:
    """A clean file is read untrimmed for speed; one value with spaces around it must switch to the trimmed
    path, so the stored values and the checks are the same as for a tidy file."""
    import duckdb

    from mandate_core import importer as imp

    councils = tmp_path / "c.csv"
    councils.write_text("council_id,name,nation,council_type\n x1 , Trim Council ,wales ,Unitary\n", encoding="utf-8")
    rows = ["council_id,round,workshop_date,participant,role,group,theme,sector_theme,horizon,change,risk,note"]
    for p in ("a", "b", "c"):
        rows.append(f"x1,R1,2025-01-02,{p}, Member , Green ,Digital,digital, now , 3 ,,")
    responses = tmp_path / "r.csv"
    responses.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    imp.import_files(db, councils, [responses])
    con = duckdb.connect(str(db), read_only=True)
    try:
        councils_stored = con.execute("SELECT council_id, name, nation FROM councils").fetchall()
        assert councils_stored == [("x1", "Trim Council", "Wales")]
        assert set(con.execute("SELECT role, grp, horizon, change FROM answers").fetchall()) == {
            ("member", "Green", "now", 3)}
    finally:
        con.close()
    bad = tmp_path / "bad.csv"
    bad.write_text(rows[0] + "\nx1,R2,2025-01-02,a, boss ,,Digital,digital,now,3,,\n", encoding="utf-8")
    with pytest.raises(imp.ImportFailed) as failed:
        imp.import_files(db, None, [bad])
    assert "must be officer or member (got 'boss')" in failed.value.message()
