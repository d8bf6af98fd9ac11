"""Shared helpers for the import tests: build input files, run the command line, dump a database.

Kept free of fixtures so both test modules (and a debugging session) can import it directly.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from mandate_core import storage

REPO = Path(__file__).resolve().parent.parent

COUNCIL_COLUMNS = ["council_id", "name", "nation", "council_type", "population", "peer_group"]
RESPONSE_COLUMNS = [
    "council_id", "round", "workshop_date", "participant", "role", "group",
    "theme", "sector_theme", "horizon", "change", "risk", "note",
]
HORIZONS = ("now", "next", "ambition")

Row = Mapping[str, Any] | Sequence[Any]


# --- rows ---------------------------------------------------------------------------------------------

def council(council_id: str = "alpha", **overrides: Any) -> dict[str, Any]:
    """One valid councils row (text values, as a CSV holds them)."""
    row: dict[str, Any] = {
        "council_id": council_id, "name": f"{council_id.title()} Council", "nation": "England",
        "council_type": "Unitary", "population": "100000", "peer_group": "Group A",
    }
    row.update(overrides)
    return row


def response(**overrides: Any) -> dict[str, Any]:
    """One valid responses row."""
    row: dict[str, Any] = {
        "council_id": "alpha", "round": "2024 baseline", "workshop_date": "2024-03-01",
        "participant": "M01", "role": "member", "group": "Labour", "theme": "Good jobs",
        "sector_theme": "economy", "horizon": "now", "change": "3", "risk": "2", "note": "",
    }
    row.update(overrides)
    return row


DEFAULT_PEOPLE = (("M01", "member", "Labour"), ("M02", "member", "Green"),
                  ("O01", "officer", "Place"), ("O02", "officer", ""))
DEFAULT_THEMES = (("Good jobs", "economy"), ("Homes for all", "place"))


def workshop(
    council_id: str = "alpha",
    rnd: str = "2024 baseline",
    date: str = "2024-03-01",
    people: Iterable[tuple[str, str, str]] = DEFAULT_PEOPLE,
    themes: Iterable[tuple[str, str]] = DEFAULT_THEMES,
    base: int = 2,
) -> list[dict[str, Any]]:
    """A complete valid workshop: every participant answers every theme at every horizon.

    Row order is participant, theme, horizon, so ``rows[k]`` is file row ``k + 2``.
    """
    rows = []
    themes = list(themes)
    for p_index, (pid, role, group) in enumerate(people):
        for t_index, (theme, key) in enumerate(themes):
            for h_index, horizon in enumerate(HORIZONS):
                change = min(6, base + h_index + (p_index + t_index) % 2)
                rows.append(response(
                    council_id=council_id, round=rnd, workshop_date=date, participant=pid,
                    role=role, group=group, theme=theme, sector_theme=key, horizon=horizon,
                    change=str(change), risk=str(min(5, change)) if h_index != 1 else "",
                    note="Pool budgets with partners" if horizon == "ambition" and p_index == 0 else "",
                ))
    return rows


# --- files --------------------------------------------------------------------------------------------

def _as_list(row: Row, columns: Sequence[str]) -> list[Any]:
    if isinstance(row, Mapping):
        return [row.get(c, "") for c in columns]
    return list(row)


def _format_row(values: Iterable[Any]) -> str:
    """One CSV record as a spreadsheet writes it: quoted when a value holds , " CR or LF.

    (Python's csv.writer leaves a LF unquoted when the line terminator is a bare CR.)"""
    out = []
    for value in values:
        text = "" if value is None else str(value)
        if any(ch in text for ch in ',"\r\n'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out)


def write_csv(
    path: Path,
    rows: Iterable[Row],
    columns: Sequence[str] = RESPONSE_COLUMNS,
    *,
    header: Sequence[str] | None = None,
    encoding: str = "utf-8",
    bom: bool = False,
    lineterminator: str = "\n",
) -> Path:
    """Write rows (dicts keyed by ``columns`` or plain lists) under ``header`` (default: ``columns``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        if bom:
            fh.write("\ufeff")
        fh.write(_format_row(header if header is not None else columns) + lineterminator)
        for row in rows:
            fh.write(_format_row(_as_list(row, columns)) + lineterminator)
    return path


def write_lines(path: Path, lines: Iterable[str], *, encoding: str = "utf-8") -> Path:
    """Write raw text lines (for ragged rows, blank lines and other things csv.writer will not make)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def csv_line(row: Row, columns: Sequence[str] = RESPONSE_COLUMNS) -> str:
    """One row as a CSV line (no line ending)."""
    return _format_row(_as_list(row, columns))


def typed_response(row: Mapping[str, Any]) -> dict[str, Any]:
    """A responses row with the cell types a spreadsheet would hold: a real date, integer scores."""
    out: dict[str, Any] = dict(row)
    out["workshop_date"] = dt.date.fromisoformat(str(row["workshop_date"]))
    out["change"] = int(row["change"])
    out["risk"] = int(row["risk"]) if str(row.get("risk", "")).strip() else None
    for key in ("group", "note"):
        if out.get(key) == "":
            out[key] = None
    return out


def write_xlsx(
    path: Path,
    rows: Iterable[Row],
    columns: Sequence[str] = RESPONSE_COLUMNS,
    *,
    header: Sequence[str] | None = None,
) -> Path:
    """Write rows to the first sheet of a new workbook (values keep their Python types)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(header if header is not None else columns))
    for row in rows:
        ws.append(_as_list(row, columns))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --- running the command line -------------------------------------------------------------------------

def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI run: no inherited MANDATE_* settings unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MANDATE_")}
    env.update(extra)
    return env


def run_cli(*args: str | os.PathLike[str], env: Mapping[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m mandate_core ARGS`` from the repository root; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "mandate_core", *[str(a) for a in args]],
        cwd=REPO, env=dict(env) if env is not None else cli_env(),
        capture_output=True, text=True, timeout=timeout, check=False,
    )


def import_cli(db: Path, *responses: Path, councils: Path | None = None,
               replace: bool = False) -> subprocess.CompletedProcess[str]:
    args: list[str | os.PathLike[str]] = ["import", "--db", db]
    if councils is not None:
        args += ["--councils", councils]
    if replace:
        args.append("--replace")
    return run_cli(*args, *responses)


def import_ok(db: Path, *responses: Path, councils: Path | None = None, replace: bool = False) -> None:
    proc = import_cli(db, *responses, councils=councils, replace=replace)
    assert proc.returncode == 0, proc.stderr


def copy_db(src: Path, dst: Path | str) -> Path | str:
    """A copy of the database file ``src`` at ``dst``: a file path, or a PostgreSQL store's URL (loaded
    through the store's own write path, as the demo rebuild does)."""
    if isinstance(dst, str) and dst.startswith("postgresql://"):
        from mandate_core import demo

        demo._replace_shared(dst, str(src))
        return dst
    dst = Path(dst)
    shutil.copyfile(src, dst)
    wal = Path(str(src) + ".wal")
    if wal.exists():
        shutil.copyfile(wal, Path(str(dst) + ".wal"))
    return dst


# --- comparing databases ------------------------------------------------------------------------------

#: Rows that are not stored data either: the store's random peer-numbering secret (storage.PEER_KEY_ROW)
#: differs between any two stores, however equal their data.
_KEEP_ROWS = {"meta": "WHERE key <> ?"}
_KEEP_PARAMS = {"meta": [storage.PEER_KEY_ROW]}


@contextmanager
def open_read(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read a store as a new process would: a DuckDB file read-only, or a PostgreSQL store through a read
    model of its own, loaded from what PostgreSQL has committed (not this process's shared one)."""
    if isinstance(path, str) and path.startswith("postgresql://"):
        from mandate_core import pgstore

        fresh = pgstore.PgStore(path)
        try:
            with fresh.unit(True, 30.0) as con:
                yield con
        finally:
            fresh.close()
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def dump_db(path: Path | str) -> dict[str, Any]:
    """Every data table's columns and rows (sorted), plus the view names: equal dumps = same database."""
    with open_read(path) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1, 2"
        ).fetchall()
        out: dict[str, Any] = {}
        for schema, table in tables:
            if table == "activity":
                continue  # the record of who did what, and when: not part of the stored data
            name = f'"{schema}"."{table}"'
            cols = con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
                [schema, table],
            ).fetchall()
            rows = con.execute(f"SELECT * FROM {name} {_KEEP_ROWS.get(table, '')} ORDER BY ALL",
                               _KEEP_PARAMS.get(table, [])).fetchall()
            out[f"{schema}.{table}"] = {"columns": cols, "rows": rows}
        out["__views__"] = sorted(
            r[0] for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary"
            ).fetchall()
        )
        return out


def digest_db(path: Path | str) -> dict[str, tuple[Any, ...]]:
    """A cheap, order-independent fingerprint of every table: columns, row count and summed row hashes."""
    with open_read(path) as con:
        out: dict[str, tuple[Any, ...]] = {}
        for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1, 2"
        ).fetchall():
            if table == "activity":
                continue  # as in dump_db: the record of who did what, and when, is not stored data
            cols = tuple(con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE schema_name = ? AND table_name = ? ORDER BY column_index", [schema, table],
            ).fetchall())
            row = con.execute(
                f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM "{schema}"."{table}" t '
                f'{_KEEP_ROWS.get(table, "")}', _KEEP_PARAMS.get(table, []),
            ).fetchone()
            out[f"{schema}.{table}"] = (cols, *(row or ()))
        return out


def table_rows(path: Path | str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with open_read(path) as con:
        return con.execute(sql, list(params)).fetchall()


# --- reading messages ---------------------------------------------------------------------------------

def problem_lines(stderr: str) -> list[str]:
    """The lines of an import error that name a file (one per problem)."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("error:")]


def find_problem(
    stderr: str,
    file: Path | str,
    row: int | None = None,
    column: str | None = None,
    *fragments: str,
) -> str:
    """The first stderr line naming ``file``, ``row N`` and ``column C`` and containing every fragment."""
    for line in stderr.splitlines():
        if str(file) not in line:
            continue
        if row is not None and not re.search(rf"\brow {row}\b", line):
            continue
        if column is not None and not re.search(rf"\bcolumn {re.escape(column)}\b", line):
            continue
        if all(f.lower() in line.lower() for f in fragments):
            return line
    raise AssertionError(
        f"no problem line for file={file} row={row} column={column} {fragments!r} in stderr:\n{stderr}"
    )


# --- large files --------------------------------------------------------------------------------------

BIG_THEMES = (("Good jobs", "economy"), ("Homes for all", "place"), ("Net zero", "environment"),
              ("Digital first", "digital"), ("Care at home", "health"), ("One council", "organisation"))


def write_big_responses(path: Path, n_rows: int, council_id: str = "big", rnd: str = "2025 big",
                        date: str = "2025-05-20") -> int:
    """A valid responses CSV of about ``n_rows`` rows (officers x 6 themes x 3 horizons); returns rows."""
    per_person = len(BIG_THEMES) * len(HORIZONS)
    people = max(1, n_rows // per_person)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(RESPONSE_COLUMNS) + "\n")
        for p in range(people):
            pid = f"P{p:07d}"
            lines = []
            for t, (theme, key) in enumerate(BIG_THEMES):
                for h, horizon in enumerate(HORIZONS):
                    change = 1 + (p + t + h) % 6
                    risk = "" if (p + t) % 7 == 0 else str(1 + (p + h) % 5)
                    note = "Pool budgets" if h == 2 and p % 50 == 0 else ""
                    lines.append(f"{council_id},{rnd},{date},{pid},officer,Resources,{theme},{key},"
                                 f"{horizon},{change},{risk},{note}\n")
            fh.write("".join(lines))
            written += per_person
    return written
