"""Operations: verify a database (``check``) and write it back out as import files (``export``).

``export`` is the backup and migration path, so it writes every value exactly as stored — no spreadsheet
formula escaping, unlike the dashboard's downloads — in files that re-import to an identical database.
``check`` re-applies the rules of docs/formats.md to what is stored, so damage from outside the importer shows.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import duckdb

from . import domain, importer, storage


def _list(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join("'" + v + "'" for v in values)


#: (description, SQL returning offending rows as (where, detail)).
_CHECKS: list[tuple[str, str]] = [
    ("answer for a council that is not in the councils table",
     "SELECT DISTINCT council_id, '' FROM answers WHERE council_id NOT IN (SELECT council_id FROM councils)"),
    ("answers for a round that is not in the rounds table",
     "SELECT DISTINCT council_id, round FROM answers a WHERE NOT EXISTS (SELECT 1 FROM rounds r "
     "WHERE r.council_id = a.council_id AND r.round = a.round)"),
    ("round with no answers",
     "SELECT council_id, round FROM rounds r WHERE NOT EXISTS (SELECT 1 FROM answers a "
     "WHERE r.council_id = a.council_id AND r.round = a.round)"),
    ("council id not 1–40 letters, digits, - or _",
     f"SELECT council_id, '' FROM councils WHERE NOT regexp_full_match(council_id, "
     f"'{importer.COUNCIL_ID_PATTERN}')"),
    ("unknown nation",
     f"SELECT council_id, nation FROM councils WHERE nation NOT IN ({_list(domain.NATIONS)})"),
    ("negative population", "SELECT council_id, population FROM councils WHERE population < 0"),
    ("unknown role",
     f"SELECT council_id || ' / ' || round, participant FROM answers WHERE role NOT IN "
     f"({_list(domain.ROLES)})"),
    ("member without a political group",
     "SELECT council_id || ' / ' || round, participant FROM answers WHERE role = 'member' AND grp IS NULL"),
    ("unknown sector theme",
     f"SELECT council_id || ' / ' || round, sector_theme FROM answers WHERE sector_theme NOT IN "
     f"({_list(list(domain.SECTOR_THEMES))})"),
    ("unknown horizon",
     f"SELECT council_id || ' / ' || round, horizon FROM answers WHERE horizon NOT IN "
     f"({_list(domain.HORIZONS)})"),
    ("change score outside 1–6",
     "SELECT council_id || ' / ' || round, participant FROM answers WHERE change NOT BETWEEN 1 AND 6"),
    ("risk score outside 1–5",
     "SELECT council_id || ' / ' || round, participant FROM answers WHERE risk NOT BETWEEN 1 AND 5"),
    ("note longer than 2,000 characters",
     f"SELECT council_id || ' / ' || round, participant FROM answers WHERE length(note) > "
     f"{importer.MAX_NOTE}"),
    ("participant id that looks like an e-mail address",
     f"SELECT council_id || ' / ' || round, participant FROM answers WHERE regexp_matches(participant, "
     f"'{importer.EMAIL_PATTERN}')"),
    ("the same participant, theme and horizon more than once",
     "SELECT council_id || ' / ' || round, participant || ' / ' || theme || ' / ' || horizon FROM answers "
     "GROUP BY council_id, round, participant, theme, horizon HAVING count(*) > 1"),
    ("a theme with more than one sector theme",
     "SELECT council_id || ' / ' || round, theme FROM answers GROUP BY council_id, round, theme "
     "HAVING count(DISTINCT sector_theme) > 1"),
    # A blank group is not a second value (docs/formats.md): an officer may give a directorate on some rows only.
    ("a participant with more than one role or group",
     "SELECT council_id || ' / ' || round, participant FROM answers GROUP BY council_id, round, "
     "participant HAVING count(DISTINCT role) > 1 OR count(DISTINCT grp) > 1"),
]


def check(db: str | os.PathLike[str] | None) -> list[str]:
    """Every problem found, as lines for a report; empty when the database is sound."""
    path = storage.resolve_db_path(db)
    problems: list[str] = []
    try:
        with storage.connect(path, read_only=True) as con:
            tables = {r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables"
            ).fetchall()}
            missing = {"meta", "councils", "rounds", "answers"} - tables
            if missing:
                return [f"missing tables: {', '.join(sorted(missing))}"]
            for description, sql in _CHECKS:
                try:
                    rows = con.execute(f"SELECT * FROM ({sql}) LIMIT 21").fetchall()
                except duckdb.Error as exc:
                    fault = storage.fault(exc, path)
                    if fault is not None:  # a damaged file: one clear message and what to do, not a list
                        raise fault from None
                    problems.append(f"{description}: cannot be checked ({exc})")
                    continue
                for where, detail in rows[:20]:
                    problems.append(f"{description}: {where}{' — ' + str(detail) if detail else ''}")
                if len(rows) > 20:
                    problems.append(f"{description}: … and more")
            # The checks read only the columns they need; damage elsewhere in the file shows only here.
            storage.read_everything(con)
    except storage.StoreError as exc:
        return [str(exc)]
    return problems


def export(db: str | os.PathLike[str] | None, out: Path) -> tuple[Path, Path]:
    """Write ``councils.csv`` and ``responses.csv`` under ``out``, values exactly as stored."""
    councils_path, responses_path = out / "councils.csv", out / "responses.csv"
    writing = out
    try:
        out.mkdir(parents=True, exist_ok=True)
        with storage.connect(db, read_only=True) as con:
            writing = councils_path
            with open(councils_path, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(importer.COUNCIL_COLUMNS)
                for row in con.execute(
                    "SELECT council_id, name, nation, council_type, population, peer_group FROM councils "
                    "ORDER BY council_id"
                ).fetchall():
                    writer.writerow(["" if v is None else v for v in row])
            writing = responses_path
            with open(responses_path, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(importer.RESPONSE_COLUMNS)
                cursor = con.execute(
                    """SELECT a.council_id, a.round, strftime(r.workshop_date, '%Y-%m-%d'), a.participant,
                              a.role, a.grp, a.theme, a.sector_theme, a.horizon, a.change, a.risk, a.note
                       FROM answers a JOIN rounds r USING (council_id, round)
                       ORDER BY a.council_id, a.round, a.rowid"""
                )
                while batch := cursor.fetchmany(50_000):
                    writer.writerows(["" if v is None else v for v in row] for row in batch)
    except OSError as exc:
        # The backup's own folder, not the database: say which file could not be written, and why.
        raise storage.StoreError(
            f"cannot write the backup {writing} ({exc.strerror or exc}); the database was not changed. "
            "Free some disk space or choose a writable --out folder, and export again."
        ) from None
    return councils_path, responses_path
