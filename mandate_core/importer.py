"""Validated import of councils and responses files (docs/formats.md), as one all-or-nothing transaction.

Every file is read into a temporary DuckDB table of text columns and checked there with set-based SQL, so
a million-row file is validated at close to the speed of a bare ``read_csv``.  All problems of all files
are collected before anything is written; only a clean command writes, inside one transaction, so a
process killed part-way leaves the database as it was (DuckDB discards an uncommitted transaction).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import domain, storage

MAX_REPORTED = 50
_BINARY_MAGIC = {
    b"PK\x03\x04": "an Excel workbook or another zip file",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Office file",
    b"%PDF": "a PDF document",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as a spreadsheet shows it (header = row 1)."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


class ImportFailed(Exception):
    """Raised when any file has a problem; nothing was written."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        self.problems = problems
        self.total = total
        super().__init__(self.message())

    def message(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_REPORTED]]
        if self.total > len(lines):
            lines.append(f"... and {self.total - len(lines)} more problems (first {MAX_REPORTED} shown)")
        return "\n".join(lines)


@dataclass
class ImportResult:
    """What a successful import wrote, for the command line and the Data page to report."""

    councils: int = 0
    rounds: list[tuple[str, str, int]] = field(default_factory=list)  # council, round, answers
    replaced: list[tuple[str, str]] = field(default_factory=list)
    #: (file name, data rows read, rows stored) per file, in the order given: a file read only in part
    #: (a stale workbook dimension, say) shows at once against the row count the user expects.
    files: list[tuple[str, int, int]] = field(default_factory=list)

    def file_lines(self) -> list[str]:
        """One line per file: how many rows were read and how many stored (and any empty rows skipped)."""
        lines = []
        for name, read, stored in self.files:
            line = f"{name}: {read} {'row' if read == 1 else 'rows'} read, {stored} stored"
            if read > stored:
                skipped = read - stored
                line += f" ({skipped} empty {'row' if skipped == 1 else 'rows'} skipped)"
            lines.append(line)
        return lines

    def summary(self) -> str:
        parts = self.file_lines()
        if self.councils:
            parts.append(f"{self.councils} councils imported or updated")
        for council, rnd, rows in self.rounds:
            verb = "replaced" if (council, rnd) in self.replaced else "added"
            parts.append(f"{council} / {rnd}: {rows} answers {verb}")
        return "\n".join(parts) if parts else "nothing to import"


@dataclass(frozen=True)
class Source:
    """A file to import and the name to use for it in messages (an upload's own name, say)."""

    path: Path
    name: str

    @staticmethod
    def of(path: str | os.PathLike[str] | Source) -> Source:
        if isinstance(path, Source):
            return path
        return Source(Path(path), str(path))


COUNCIL_COLUMNS = ("council_id", "name", "nation", "council_type", "population", "peer_group")
COUNCIL_REQUIRED = ("council_id", "name", "nation", "council_type")
RESPONSE_COLUMNS = (
    "council_id", "round", "workshop_date", "participant", "role", "group",
    "theme", "sector_theme", "horizon", "change", "risk", "note",
)
RESPONSE_REQUIRED = (
    "council_id", "round", "workshop_date", "participant", "role",
    "theme", "sector_theme", "horizon", "change",
)
#: Internal column names: `group` is an SQL keyword.
_INTERNAL = {"group": "grp"}

COUNCIL_ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
MAX_PARTICIPANT = 100
MAX_TEXT = 120
MAX_ROUND = 60
MAX_NOTE = 2000
#: Workshop dates outside these years are typing errors (and year 0 cannot be stored as a date).
MIN_YEAR, MAX_YEAR = 1990, 2200


def _col(name: str) -> str:
    return _INTERNAL.get(name, name)


# --- reading files into text tables ------------------------------------------------------------------

class _FileRejected(Exception):
    """The file cannot be read at all; the message says why."""


_NOT_UTF8 = ("the file is not UTF-8 text (an invalid byte at this row); save it as 'CSV UTF-8' from your "
             "spreadsheet, or as .xlsx")
_BLANK_LINE = re.compile(rb"\n[ \t]*(?:\r?\n|$)")
_BARE_CR = re.compile(rb"\r(?!\n)")


def _sniff_binary(head: bytes) -> str | None:
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return what
    if b"\x00" in head:
        return "a binary file"
    return None


def _looks_utf16(head: bytes) -> bool:
    """A UTF-16 byte-order mark, or text whose every other byte is zero (UTF-16 without a BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return len(head) >= 4 and (not any(head[0::2]) or not any(head[1::2]))


def _header_problems(
    fname: str, header: list[str], allowed: Sequence[str], required: Sequence[str]
) -> tuple[list[str], list[Problem]]:
    names = [h.strip().lower() for h in header]
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        shown = header[position - 1].strip() or f"(blank, position {position})"
        if not name:
            problems.append(Problem(fname, 1, shown, "column has no name"))
        elif name not in allowed:
            problems.append(
                Problem(fname, 1, shown, "unknown column; expected only: " + ", ".join(allowed))
            )
        elif name in seen:
            problems.append(Problem(fname, 1, shown, "column appears more than once"))
        seen.add(name)
    for name in required:
        if name not in seen:
            problems.append(Problem(fname, 1, name, "required column is missing"))
    return names, problems


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _RowCounter:
    """Counts a file's data rows as read: empty rows between data rows count, trailing ones do not (a
    spreadsheet's formatted but empty rows below the data are not rows anyone typed)."""

    def __init__(self) -> None:
        self.read = 0
        self._pending = 0

    def empty(self) -> None:
        self._pending += 1

    def data(self) -> None:
        self.read += self._pending + 1
        self._pending = 0


class _Loader:
    """Loads one file into a temporary table ``name`` with columns ``_row`` and the canonical names."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tmpdir: str) -> None:
        self.con = con
        self.tmpdir = tmpdir
        self.counter = 0
        self.allowed: Sequence[str] = ()  # every column of the file kind being loaded
        self.source_name = ""
        #: staging views not yet checked for untrimmed values:
        #: view -> (raw table, trimmed select, absent columns, number of columns read)
        self.untrimmed: dict[str, tuple[str, str, list[str], int]] = {}
        #: staging table -> data rows read from its file (empty rows included, trailing ones not), so an
        #: import can say how many rows of each file it read and stored.
        self.rows_read: dict[str, int] = {}

    def trim(self, table: str) -> None:
        """Replace an untrimmed view by the trimmed table (rare: a value with spaces around it)."""
        raw, selects, absent, width = self.untrimmed.pop(table)
        nulls = "".join(f", NULL::VARCHAR AS {c}" for c in absent)
        self.con.execute(f"DROP VIEW IF EXISTS {table}")
        blank = " AND ".join(f"nullif(trim(c{i}), '') IS NULL" for i in range(width))
        self.con.execute(f"CREATE TEMP TABLE {table} AS SELECT rowid + 2 AS _row, {selects}{nulls} FROM {raw} "
                         f"WHERE NOT ({blank})")

    def load(
        self, src: Source, allowed: Sequence[str], required: Sequence[str], table: str
    ) -> tuple[list[str] | None, list[Problem]]:
        self.allowed = allowed
        self.source_name = src.name
        fname = src.name
        try:
            size = src.path.stat().st_size
        except OSError as exc:
            return None, [Problem(fname, None, None, f"cannot read the file ({exc.strerror})")]
        if size == 0:
            return None, [Problem(fname, None, None, "the file is empty")]
        with open(src.path, "rb") as fh:
            head = fh.read(8)
        binary = _sniff_binary(head)
        if binary == "an Excel workbook or another zip file":
            return self._load_xlsx(src, allowed, required, table)
        if _looks_utf16(head):
            return None, [
                Problem(
                    fname, None, None,
                    "the file is not UTF-8 text (it looks like UTF-16); save it as 'CSV UTF-8' from "
                    "your spreadsheet, or as .xlsx",
                )
            ]
        if binary:
            return None, [Problem(fname, None, None, f"this is {binary}, not a CSV or .xlsx file")]
        return self._load_csv(src, allowed, required, table)

    # CSV ----------------------------------------------------------------------------------------------
    def _load_csv(
        self, src: Source, allowed: Sequence[str], required: Sequence[str], table: str
    ) -> tuple[list[str] | None, list[Problem]]:
        fname = src.name
        data = src.path.read_bytes()
        if b"\x00" in data:
            return None, [Problem(fname, None, None, "this is a binary file, not a CSV file")]
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        first_end = min((i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0), default=len(data))
        try:
            first_line = data[:first_end].decode("utf-8")
        except UnicodeDecodeError:
            return None, [Problem(fname, 1, None, _NOT_UTF8)]
        try:
            header = next(csv.reader([first_line]))
        except (csv.Error, StopIteration):
            header = []
        if not [h for h in header if h.strip()]:
            return None, [Problem(fname, 1, None, "the first row must be the column names")]
        names, problems = _header_problems(fname, header, allowed, required)
        if problems:
            return None, problems
        end = len(data)
        while end and data[end - 1] in b"\r\n":
            end -= 1
        if end <= first_end:
            return None, [Problem(fname, None, None, "the file has a header row but no data rows")]
        # Blank or whitespace-only lines (which DuckDB skips or rejects, shifting row numbers) and bare
        # CR line ends are rare: such files take the careful path, so every row number is the one a
        # spreadsheet shows and blank lines are skipped the same way everywhere.  The checks run on
        # bytes, without decoding the file, so the common case stays close to a bare read_csv.
        careful = _BLANK_LINE.search(data, 0, end) is not None
        if not careful and b"\r" in data:
            careful = _BARE_CR.search(data, 0, end) is not None
        if careful:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                return None, [Problem(fname, line, None, _NOT_UTF8)]
            return self._load_csv_python(src, text, names, table)
        del data
        return self._load_csv_duckdb(src, names, table)

    def _load_csv_duckdb(
        self, src: Source, names: list[str], table: str
    ) -> tuple[list[str] | None, list[Problem]]:
        fname = src.name
        self.counter += 1
        rej, scan = f"rej_{table}", f"rejscan_{table}"
        columns = {f"c{i}": "VARCHAR" for i in range(len(names))}
        selects = ", ".join(f"nullif(trim(c{i}), '') AS {_col(n)}" for i, n in enumerate(names))
        raw = f"raw_{table}"
        try:
            # Read first, then trim: DuckDB reads the file in parallel only without the projection.
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT * FROM read_csv(?, header = true, "
                "auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = ?, "
                "null_padding = false, strict_mode = true, store_rejects = true, "
                f"rejects_table = '{rej}', rejects_scan = '{scan}', max_line_size = 4000000)",
                [str(src.path), columns],
            )
        except duckdb.Error as exc:
            msg = str(exc).splitlines()[0]
            return None, [Problem(fname, None, None, f"cannot be read as CSV: {msg}")]
        # The row number as a spreadsheet shows it (header = 1): the raw table keeps the file's order.
        # Most files need no trimming and no renumbering: they are read through a plain view, which
        # costs nothing, instead of a trimmed copy of every row.
        has_rejects = bool((self.con.execute(f"SELECT count(*) FROM {rej}").fetchone() or (0,))[0])
        self.rows_read[table] = int((self.con.execute(f"SELECT count(*) FROM {raw}").fetchone() or (0,))[0])
        if not has_rejects:
            # Whether any value needs trimming is found out during the value checks (one scan for both,
            # see _flag_rows); until then the view shows the values as read.
            plain = ", ".join(f"c{i} AS {_col(n)}" for i, n in enumerate(names))
            absent = "".join(f", NULL::VARCHAR AS {_col(c)}" for c in self.allowed if c not in names)
            # A row of empty cells (Excel writes ",,,," for a formatted empty row) is skipped, as in a
            # workbook; the rows keep their numbers because they come from the raw table's order.
            blank = " AND ".join(f"c{i} IS NULL" for i in range(len(names)))
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT rowid + 2 AS _row, {plain}{absent} "
                             f"FROM {raw} WHERE NOT ({blank})")
            self.untrimmed[table] = (raw, selects, [_col(c) for c in self.allowed if c not in names], len(names))
            self.con.execute(f"DROP TABLE IF EXISTS {rej}")
            self.con.execute(f"DROP TABLE IF EXISTS {scan}")
            return list(self.allowed), []
        blank = " AND ".join(f"nullif(trim(c{i}), '') IS NULL" for i in range(len(names)))
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT rowid + 2 AS _row, {selects} FROM {raw} "
            f"WHERE NOT ({blank})"
        )
        self.con.execute(f"DROP TABLE {raw}")
        problems: list[Problem] = []
        # DuckDB logs a ragged row once per missing or surplus value ("Found: 7", "Found: 8", ...):
        # keep one entry per line, with the row's true number of values (the fewest / the most).
        by_line: dict[int, tuple[str, str, list[int]]] = {}
        for line, error_type, message in self.con.execute(
            f"SELECT line, error_type, error_message FROM {rej} ORDER BY line, column_idx"
        ).fetchall():
            entry = by_line.setdefault(int(line), (error_type, message or "", []))
            found = re.search(r"Found: (\d+)", message or "")
            if found and error_type == entry[0]:
                entry[2].append(int(found.group(1)))
        rejects = [(line, *entry) for line, entry in sorted(by_line.items())]
        bad_encoding = next((line for line, kind, *_ in rejects if kind == "INVALID ENCODING"), None)
        if bad_encoding is not None:
            return None, [Problem(fname, bad_encoding, None, _NOT_UTF8)]
        for line, error_type, message, counts in rejects[:1000]:
            # Rows after a rejected line move down one: keep every row number as the file shows it.
            self.con.execute(f"UPDATE {table} SET _row = _row + 1 WHERE _row >= ?", [int(line)])
            if error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
                if counts:
                    got = str(min(counts) if error_type == "MISSING COLUMNS" else max(counts))
                else:
                    got = "a different number of"
                reason = f"this row has {got} values but the header has {len(names)} columns"
            elif error_type == "UNQUOTED VALUE":
                reason = "a quote mark is not closed or not doubled inside a quoted value"
            else:
                reason = f"cannot be read as CSV ({(message or error_type).splitlines()[0]})"
            problems.append(Problem(fname, int(line), None, reason))
        for extra in rejects[1000:]:
            problems.append(Problem(fname, int(extra[0]), None, "this row cannot be read as CSV"))
        self.con.execute(f"DROP TABLE IF EXISTS {rej}")
        self.con.execute(f"DROP TABLE IF EXISTS {scan}")
        return names, problems

    def _load_csv_python(
        self, src: Source, text: str, names: list[str], table: str
    ) -> tuple[list[str], list[Problem]]:
        fname = src.name
        problems: list[Problem] = []
        rows: list[list[str]] = []
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        row_no = 0
        counter = _RowCounter()
        try:
            for row_no, record in enumerate(reader, start=1):
                if row_no == 1:
                    continue
                if all(not v.strip() for v in record):  # a blank line, or a row of empty cells
                    counter.empty()
                    continue
                counter.data()
                if len(record) != len(names):
                    problems.append(
                        Problem(
                            fname, row_no, None,
                            f"this row has {len(record)} values but the header has "
                            f"{len(names)} columns",
                        )
                    )
                    continue
                rows.append([str(row_no), *record])
        except csv.Error as exc:
            problems.append(Problem(fname, row_no + 1, None, f"cannot be read as CSV ({exc})"))
        self.rows_read[table] = counter.read
        failed = self._rows_to_table(rows, names, table)
        return (None, failed) if failed else (names, problems)

    # XLSX ---------------------------------------------------------------------------------------------
    def _load_xlsx(
        self, src: Source, allowed: Sequence[str], required: Sequence[str], table: str
    ) -> tuple[list[str] | None, list[Problem]]:
        fname = src.name
        try:
            import openpyxl  # imported here: the command line pays for it only when given a workbook

            wb = openpyxl.load_workbook(src.path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any failure to open means "not a workbook we can read"
            return None, [
                Problem(fname, None, None, f"cannot be opened as an .xlsx workbook ({type(exc).__name__})")
            ]
        try:
            ws = wb.worksheets[0]
            # Read-only mode trusts the sheet's <dimension> element, which some writers leave at A1 or
            # at a range smaller than the data: forget it, so every row and column that is there is read.
            ws.reset_dimensions()
            it = ws.iter_rows(min_row=1, min_col=1, values_only=True)
            header_row = next(it, None)
            header = [_cell_text(v) for v in header_row] if header_row else []
            while header and not header[-1].strip():
                header.pop()
            if not [h for h in header if h.strip()]:
                return None, [Problem(fname, 1, None, "the first row must be the column names")]
            names, problems = _header_problems(fname, header, allowed, required)
            if problems:
                return None, problems
            rows: list[list[str]] = []
            width = len(names)
            # A date-time cell in workshop_date counts as its date (docs/formats.md); elsewhere it stays as shown.
            date_at = names.index("workshop_date") if "workshop_date" in names else -1
            counter = _RowCounter()
            for row_no, values in enumerate(it, start=2):
                cells = [_cell_text(v.date() if i == date_at and isinstance(v, dt.datetime) else v)
                         for i, v in enumerate(values)]
                if all(not c.strip() for c in cells):
                    counter.empty()
                    continue
                counter.data()
                if any(c.strip() for c in cells[width:]):
                    problems.append(
                        Problem(fname, row_no, None, "this row has values beyond the last named column")
                    )
                    continue
                cells = (cells + [""] * width)[:width]
                rows.append([str(row_no), *cells])
        except Exception as exc:  # noqa: BLE001 - a damaged sheet is read lazily, here, not on opening
            return None, [Problem(fname, None, None,
                                  f"the workbook is damaged and cannot be read ({type(exc).__name__}); "
                                  "save it again from your spreadsheet, or as CSV UTF-8")]
        finally:
            wb.close()
        if not rows and not problems:
            return None, [Problem(fname, None, None, "the workbook has a header row but no data rows")]
        self.rows_read[table] = counter.read
        failed = self._rows_to_table(rows, names, table)
        return (None, failed) if failed else (names, problems)

    def _rows_to_table(self, rows: list[list[str]], names: list[str], table: str) -> list[Problem]:
        self.counter += 1
        path = os.path.join(self.tmpdir, f"{table}_{self.counter}.csv")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["_row", *[f"c{i}" for i in range(len(names))]])
            writer.writerows(rows)
        columns = {"_row": "BIGINT", **{f"c{i}": "VARCHAR" for i in range(len(names))}}
        selects = ", ".join(f"nullif(trim(c{i}), '') AS {_col(n)}" for i, n in enumerate(names))
        try:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT _row, {selects} FROM read_csv(?, "
                "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                "columns = ?, max_line_size = 64000000)",
                [path, columns],
            )
        except duckdb.Error as exc:
            return [Problem(self.source_name, None, None,
                            f"cannot be read: {str(exc).splitlines()[0]} (is a row very long?)")]
        finally:
            os.remove(path)
        return []


# --- validation rules --------------------------------------------------------------------------------

def _quoted(expr: str) -> str:
    """SQL that renders a value for a message: quoted and cut to 40 characters."""
    return f"'''' || left({expr}, 40) || CASE WHEN length({expr}) > 40 THEN '…' ELSE '' END || ''''"


def _integer_ok(expr: str, lo: int, hi: int) -> str:
    # The plain digits are tested first: DuckDB evaluates the right of an OR only for the rows the left
    # did not settle, so the casts run on the rare "3.0" or bad value, not on a million good ones.
    plain = ", ".join(f"'{i}'" for i in range(lo, hi + 1)) if hi - lo < 20 else ""
    careful = (
        f"(try_cast({expr} AS DOUBLE) IS NOT NULL AND try_cast({expr} AS DOUBLE) = "
        f"floor(try_cast({expr} AS DOUBLE)) AND try_cast({expr} AS DOUBLE) BETWEEN {lo} AND {hi})"
    )
    return f"({expr} IN ({plain}) OR {careful})" if plain else careful


def _in_list(expr: str, values: Sequence[str]) -> str:
    exact = ", ".join("'" + v.replace("'", "''") + "'" for v in dict.fromkeys([*values, *(v.lower() for v in values)]))
    listed = ", ".join("'" + v.lower().replace("'", "''") + "'" for v in values)
    return f"({expr} IN ({exact}) OR lower({expr}) IN ({listed}))"  # exact spelling first: the usual case


#: (column, SQL condition that marks a bad row, SQL expression for the reason) — value-level rules.
_COUNCIL_RULES: list[tuple[str, str, str]] = [
    ("council_id", "council_id IS NULL", "'required'"),
    ("council_id", f"NOT regexp_full_match(council_id, '{COUNCIL_ID_PATTERN}')",
     "'must be 1–40 letters, digits, - or _ (got ' || " + _quoted("council_id") + " || ')'"),
    ("name", "name IS NULL", "'required'"),
    ("name", f"length(name) > {MAX_TEXT}", f"'must be at most {MAX_TEXT} characters'"),
    ("nation", "nation IS NULL", "'required'"),
    ("nation", "NOT " + _in_list("nation", domain.NATIONS),
     "'must be one of " + ", ".join(domain.NATIONS) + " (got ' || " + _quoted("nation") + " || ')'"),
    ("council_type", "council_type IS NULL", "'required'"),
    ("council_type", f"length(council_type) > {MAX_TEXT}", f"'must be at most {MAX_TEXT} characters'"),
    ("population", "population IS NOT NULL AND NOT " + _integer_ok("population", 0, 10**12),
     "'must be a whole number of 0 or more (got ' || " + _quoted("population") + " || ')'"),
    ("peer_group", f"length(peer_group) > {MAX_TEXT}", f"'must be at most {MAX_TEXT} characters'"),
]

_RESPONSE_RULES: list[tuple[str, str, str]] = [
    *[(c, f"{_col(c)} IS NULL", "'required'") for c in RESPONSE_REQUIRED],
    ("council_id", f"NOT regexp_full_match(council_id, '{COUNCIL_ID_PATTERN}')",
     "'must be 1–40 letters, digits, - or _ (got ' || " + _quoted("council_id") + " || ')'"),
    ("round", f"length(round) > {MAX_ROUND}", f"'must be at most {MAX_ROUND} characters'"),
    ("workshop_date",
     "workshop_date IS NOT NULL AND NOT (regexp_full_match(workshop_date, '\\d{4}-\\d{2}-\\d{2}') "
     f"AND coalesce(year(try_cast(workshop_date AS DATE)) BETWEEN {MIN_YEAR} AND {MAX_YEAR}, false))",
     f"'must be a date written YYYY-MM-DD, in the years {MIN_YEAR} to {MAX_YEAR} (got ' || "
     + _quoted("workshop_date") + " || ')'"),
    ("participant", f"contains(participant, '@') AND regexp_matches(participant, '{EMAIL_PATTERN}')",
     "'looks like an e-mail address; use a pseudonymous id (no personal data)'"),
    ("participant", f"length(participant) > {MAX_PARTICIPANT}",
     f"'must be at most {MAX_PARTICIPANT} characters'"),
    ("role", "NOT " + _in_list("role", domain.ROLES),
     "'must be officer or member (got ' || " + _quoted("role") + " || ')'"),
    ("group", "grp IS NULL AND lower(role) = 'member'",
     "'required for a member (their political group)'"),
    ("group", f"length(grp) > {MAX_TEXT}", f"'must be at most {MAX_TEXT} characters'"),
    ("theme", f"length(theme) > {MAX_TEXT}", f"'must be at most {MAX_TEXT} characters'"),
    ("sector_theme", "NOT " + _in_list("sector_theme", list(domain.SECTOR_THEMES)),
     "'must be one of " + ", ".join(domain.SECTOR_THEMES) + " (got ' || "
     + _quoted("sector_theme") + " || ')'"),
    ("horizon", "NOT " + _in_list("horizon", domain.HORIZONS),
     "'must be now, next or ambition (got ' || " + _quoted("horizon") + " || ')'"),
    ("change", "change IS NOT NULL AND NOT "
     + _integer_ok("change", domain.CHANGE_MIN, domain.CHANGE_MAX),
     "'must be a whole number from 1 to 6 (got ' || " + _quoted("change") + " || ')'"),
    ("risk", "risk IS NOT NULL AND NOT " + _integer_ok("risk", domain.RISK_MIN, domain.RISK_MAX),
     "'must be empty or a whole number from 1 to 5 (got ' || " + _quoted("risk") + " || ')'"),
    ("note", f"length(note) > {MAX_NOTE}", f"'must be at most {MAX_NOTE} characters'"),
]


def _any_bad(rules: list[tuple[str, str, str]], present: set[str]) -> str:
    used = [bad for column, bad, _ in rules if column in present]
    return " OR ".join(f"coalesce({bad}, false)" for bad in used) or "false"


def _flag_rows(con: duckdb.DuckDBPyConnection, loader: _Loader, table: str,
               rules: list[tuple[str, str, str]], present: set[str]) -> str:
    """Copy out the few rows that break a value rule, in one scan that also looks for values with
    spaces around them; if there are any, trim the staging data and scan again.  Returns the table of
    flagged rows, which the value rules then spell out."""
    flagged = f"{table}_flagged"
    any_bad = _any_bad(rules, present)
    if table in loader.untrimmed:
        # "starts or ends with a space, or is empty": what trim() and nullif() would change (LIKE with a
        # fixed prefix or suffix is about twice as fast as comparing with trim()).
        columns = [_col(n) for n in sorted(present)]
        untrimmed = " OR ".join(f"{c} LIKE ' %' OR {c} LIKE '% ' OR {c} = ''" for c in columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {flagged} AS SELECT *, ({untrimmed}) AS _untrimmed "
                    f"FROM {table} WHERE ({any_bad}) OR ({untrimmed})")
        needs_trim = (con.execute(f"SELECT coalesce(bool_or(_untrimmed), false) FROM {flagged}").fetchone()
                      or (False,))[0]
        if not needs_trim:
            loader.untrimmed.pop(table)
            return flagged
        loader.trim(table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {flagged} AS SELECT * FROM {table} WHERE {any_bad}")
    return flagged


def _rules_sql(table: str, rules: list[tuple[str, str, str]], present: set[str]) -> list[str]:
    """Every value rule, spelled out for the rows of ``table`` (the flagged rows): one problem per
    broken rule."""
    used = [(order, column, bad, reason) for order, (column, bad, reason) in enumerate(rules) if column in present]
    if not used:
        return []
    cases = ", ".join(
        f"CASE WHEN coalesce({bad}, false) THEN {{'col': '{column}', 'reason': {reason}, 'ord': {order}}} END"
        for order, column, bad, reason in used
    )
    return [
        f"""SELECT _row, p.col AS col, p.reason AS reason, p.ord AS ord FROM (
                SELECT _row, unnest(list_filter([{cases}], lambda x: x IS NOT NULL)) AS p
                FROM {table} WHERE {_any_bad(rules, present)})"""
    ]


def _first_of_group_sql(table: str, key: str, value: str, column: str, what: str, order: int) -> str:
    """Rows whose ``value`` differs from the one on the first row of their ``key`` group that has one.

    ``value`` is an SQL expression written with ``{p}`` before each column name.  Blank values take no
    part: a required column's blank is reported once, as missing, by the value rules, and an optional
    one's (an officer's directorate) is not a second value.
    """
    inner, outer = value.format(p=""), value.format(p="t.")
    return f"""
        SELECT t._row, '{column}' AS col,
               '{what} ' || {_quoted(outer)} || ' differs from '
               || {_quoted("f.v")} || ' on row ' || f.r AS reason, {order} AS ord
        FROM {table} t JOIN (
            SELECT {key}, arg_min({inner}, _row) AS v, min(_row) AS r FROM {table} WHERE {inner} IS NOT NULL
            GROUP BY ALL
        ) f USING ({key})
        WHERE {outer} IS DISTINCT FROM f.v AND {outer} IS NOT NULL"""


def _response_group_rules(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Rules across rows.  A few grouped aggregates say whether any group breaks a rule; only then is
    the (costlier) query that names each offending row added, so a clean million-row file pays little."""
    # One scan for both: per theme the range of dates and of sector keys, then the dates per round.
    dates, sectors = con.execute(
        f"""WITH per_theme AS (
                SELECT council_id, round, min(workshop_date) AS dmin, max(workshop_date) AS dmax,
                       min(lower(sector_theme)) <> max(lower(sector_theme)) AS sector_bad
                FROM {table} GROUP BY council_id, round, theme)
            SELECT (SELECT count(*) FROM (SELECT 1 FROM per_theme GROUP BY council_id, round
                                          HAVING min(dmin) <> max(dmax))),
                   (SELECT count(*) FROM per_theme WHERE sector_bad)"""
    ).fetchone() or (0, 0)
    # Grouping and counting on 64-bit hashes is several times faster than on the text keys.  A collision
    # can only raise a false alarm, and an alarm just runs the exact query below, so no problem is missed
    # and none is invented.
    roles, groups = con.execute(
        f"""SELECT count(*) FILTER (WHERE role_bad), count(*) FILTER (WHERE grp_bad)
            FROM (SELECT min(lower(role)) <> max(lower(role)) AS role_bad,
                         min(grp) <> max(grp) AS grp_bad
                  FROM {table} WHERE participant IS NOT NULL
                  GROUP BY hash(council_id, round, participant))"""
    ).fetchone() or (0, 0)
    duplicates = (con.execute(
        f"""SELECT count(*) - count(DISTINCT hash(council_id, round, participant, theme, lower(horizon)))
            FROM {table} WHERE participant IS NOT NULL AND theme IS NOT NULL AND horizon IS NOT NULL"""
    ).fetchone() or (0,))[0]
    parts = []
    if dates:
        parts.append(_first_of_group_sql(table, "council_id, round", "{p}workshop_date", "workshop_date",
                                         "one date per council and round:", 100))
    if sectors:
        parts.append(_first_of_group_sql(table, "council_id, round, theme", "lower({p}sector_theme)",
                                         "sector_theme", "one sector theme per theme:", 101))
    if roles:
        parts.append(_first_of_group_sql(table, "council_id, round, participant", "lower({p}role)", "role",
                                         "a participant keeps one role:", 102))
    if groups:
        # A blank group is not a second value (docs/formats.md): an officer may name a directorate on some rows
        # only, and a member's blank group is reported once per row, as required, by the value rules.
        parts.append(_first_of_group_sql(table, "council_id, round, participant", "{p}grp", "group",
                                         "a participant keeps one group:", 103))
    if duplicates:
        parts.append(f"""
        SELECT _row, 'participant' AS col,
               'duplicate answer: participant ' || {_quoted('participant')} || ', theme '
               || {_quoted('theme')} || ', horizon ' || {_quoted('horizon')}
               || ' is already on row ' || first_row AS reason, 104 AS ord
        FROM (SELECT _row, participant, theme, horizon,
                     min(_row) OVER (PARTITION BY council_id, round, participant, theme,
                                     lower(horizon)) AS first_row
              FROM {table}
              WHERE participant IS NOT NULL AND theme IS NOT NULL AND horizon IS NOT NULL)
        WHERE _row <> first_row""")
    return parts


# --- the import command -------------------------------------------------------------------------------

def import_files(
    db: str | os.PathLike[str] | None,
    councils: str | os.PathLike[str] | Source | None = None,
    responses: Sequence[str | os.PathLike[str] | Source] = (),
    *,
    replace: bool = False,
    lock_timeout: float | None = None,
) -> ImportResult:
    """Validate every file, then write all of them in one transaction (or raise ImportFailed)."""
    with storage.connect(db, timeout=lock_timeout) as con:
        return import_into(con, councils, responses, replace=replace)


def import_into(
    con: duckdb.DuckDBPyConnection,
    councils: str | os.PathLike[str] | Source | None = None,
    responses: Sequence[str | os.PathLike[str] | Source] = (),
    *,
    replace: bool = False,
) -> ImportResult:
    """As :func:`import_files`, on an open read-write connection."""
    council_src = Source.of(councils) if councils is not None else None
    response_srcs = [Source.of(r) for r in responses]
    if council_src is None and not response_srcs:
        raise ImportFailed([Problem("(command)", None, None, "no files to import")], 1)
    problems: list[tuple[int, int, int, Problem]] = []  # (file order, row, rule order, problem)
    total = 0
    with tempfile.TemporaryDirectory(prefix="mandate-import-") as tmpdir:
        loader = _Loader(con, tmpdir)
        try:
            total = _validate(con, loader, council_src, response_srcs, replace, problems)
            if total:
                problems.sort(key=lambda p: (p[0], p[1], p[2]))
                raise ImportFailed([p[3] for p in problems], total)
            return _write(con, council_src, response_srcs, loader.rows_read)
        finally:
            for kind, name in _temp_tables(con):
                con.execute(f"DROP {kind} IF EXISTS {name}")


_STAGING = "({col} LIKE 'stg_%' OR {col} LIKE 'raw_stg_%' OR {col} LIKE 'rej%')"


def _temp_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(kind, name) of this import's staging views and tables, views first (they read the tables)."""
    rows = con.execute(
        f"""SELECT 'VIEW', view_name FROM duckdb_views() WHERE temporary AND {_STAGING.format(col="view_name")}
            UNION ALL
            SELECT 'TABLE', table_name FROM duckdb_tables()
            WHERE temporary AND {_STAGING.format(col="table_name")}"""
    ).fetchall()
    return [(kind, name) for kind, name in rows]


def _collect(
    con: duckdb.DuckDBPyConnection, order: int, fname: str, parts: list[str],
    problems: list[tuple[int, int, int, Problem]], columns: dict[str, str],
) -> int:
    if not parts:
        return 0
    union = " UNION ALL ".join(parts)
    con.execute(f"CREATE OR REPLACE TEMP TABLE stg_problems AS {union}")
    count_row = con.execute("SELECT count(*) FROM stg_problems").fetchone()
    count = int(count_row[0]) if count_row else 0
    if count:
        for row, col, reason, ord_ in con.execute(
            f"SELECT * FROM stg_problems ORDER BY _row, ord LIMIT {MAX_REPORTED}"
        ).fetchall():
            problem = Problem(fname, int(row), columns.get(col, col), reason)
            problems.append((order, int(row), int(ord_), problem))
    return count


def _validate(
    con: duckdb.DuckDBPyConnection,
    loader: _Loader,
    council_src: Source | None,
    response_srcs: list[Source],
    replace: bool,
    problems: list[tuple[int, int, int, Problem]],
) -> int:
    total = 0

    def add_file_problems(order: int, found: list[Problem]) -> None:
        nonlocal total
        total += len(found)
        for p in found:
            problems.append((order, p.row or 0, -1, p))

    con.execute("CREATE OR REPLACE TEMP TABLE stg_new_councils (council_id VARCHAR)")
    if council_src is not None:
        names, found = loader.load(council_src, COUNCIL_COLUMNS, COUNCIL_REQUIRED, "stg_councils")
        add_file_problems(0, found)
        if names is not None:
            for optional in COUNCIL_COLUMNS:
                if optional not in names:
                    con.execute(f"ALTER TABLE stg_councils ADD COLUMN {optional} VARCHAR")
            flagged = _flag_rows(con, loader, "stg_councils", _COUNCIL_RULES, set(COUNCIL_COLUMNS))
            parts = _rules_sql(flagged, _COUNCIL_RULES, set(COUNCIL_COLUMNS))
            parts.append(
                """SELECT _row, 'council_id', 'council_id ' || council_id || ' is already on row '
                   || first_row, 50 FROM (SELECT _row, council_id,
                   min(_row) OVER (PARTITION BY council_id) AS first_row FROM stg_councils
                   WHERE council_id IS NOT NULL) WHERE _row <> first_row"""
            )
            total += _collect(con, 0, council_src.name, parts, problems, {})
            con.execute(
                "INSERT INTO stg_new_councils SELECT DISTINCT council_id FROM stg_councils "
                "WHERE council_id IS NOT NULL"
            )
    seen_rounds: dict[tuple[str, str], str] = {}
    for index, src in enumerate(response_srcs, start=1):
        table = f"stg_resp_{index}"
        names, found = loader.load(src, RESPONSE_COLUMNS, RESPONSE_REQUIRED, table)
        add_file_problems(index, found)
        if names is None:
            con.execute(f"DROP TABLE IF EXISTS {table}")
            continue
        for optional in RESPONSE_COLUMNS:
            if optional not in names:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {_col(optional)} VARCHAR")
        flagged = _flag_rows(con, loader, table, _RESPONSE_RULES, set(RESPONSE_COLUMNS))
        parts = _rules_sql(flagged, _RESPONSE_RULES, set(RESPONSE_COLUMNS))
        parts += _response_group_rules(con, table)
        parts.append(
            f"""SELECT min(_row), 'council_id', 'council ' || {_quoted('council_id')}
                || ' is not in the database; import a councils file with it first (--councils)', 0
                FROM {table} t WHERE council_id IS NOT NULL
                  AND council_id NOT IN (SELECT council_id FROM councils)
                  AND council_id NOT IN (SELECT council_id FROM stg_new_councils)
                GROUP BY council_id"""
        )
        if not replace:
            parts.append(
                f"""SELECT min(t._row), 'round', 'council ' || {_quoted('t.council_id')} || ' round '
                    || {_quoted('t.round')} || ' is already in the database; use --replace to replace '
                    || 'that round whole', 1
                    FROM {table} t JOIN rounds r ON r.council_id = t.council_id AND r.round = t.round
                    GROUP BY t.council_id, t.round"""
            )
        total += _collect(con, index, src.name, parts, problems, {"grp": "group"})
        for council_id, rnd, first_row in con.execute(
            f"SELECT council_id, round, min(_row) FROM {table} WHERE council_id IS NOT NULL AND "
            "round IS NOT NULL GROUP BY ALL ORDER BY 3"
        ).fetchall():
            key = (council_id, rnd)
            if key in seen_rounds:
                total += 1
                problems.append((index, int(first_row), 2, Problem(
                    src.name, int(first_row), "round",
                    f"council {council_id!r} round {rnd!r} is also in {seen_rounds[key]}; "
                    "give each round in one file",
                )))
            else:
                seen_rounds[key] = src.name
    return total


_NATION_CASE = "CASE lower(nation) " + " ".join(
    f"WHEN '{n.lower()}' THEN '{n}'" for n in domain.NATIONS
) + " END"


def _write(con: duckdb.DuckDBPyConnection, council_src: Source | None, response_srcs: list[Source],
           rows_read: dict[str, int]) -> ImportResult:
    result = ImportResult()

    def work() -> None:
        if council_src is not None:
            con.execute(
                f"""INSERT INTO councils
                    SELECT council_id, name, {_NATION_CASE}, council_type,
                           CAST(CAST(population AS DOUBLE) AS BIGINT), peer_group
                    FROM stg_councils
                    ON CONFLICT (council_id) DO UPDATE SET name = excluded.name,
                        nation = excluded.nation, council_type = excluded.council_type,
                        population = excluded.population, peer_group = excluded.peer_group"""
            )
            row = con.execute("SELECT count(*) FROM stg_councils").fetchone()
            result.councils = int(row[0]) if row else 0
            result.files.append((council_src.name, rows_read.get("stg_councils", result.councils),
                                 result.councils))
        for index, src in enumerate(response_srcs, start=1):
            table = f"stg_resp_{index}"
            rounds = con.execute(
                f"""SELECT council_id, round, count(*) FROM {table} GROUP BY ALL ORDER BY 1, 2"""
            ).fetchall()
            existing = con.execute(
                f"""SELECT DISTINCT r.council_id, r.round FROM rounds r
                    JOIN {table} t ON r.council_id = t.council_id AND r.round = t.round"""
            ).fetchall()
            result.replaced += [(c, r) for c, r in existing]
            con.execute(
                f"""DELETE FROM answers WHERE (council_id, round) IN
                    (SELECT DISTINCT council_id, round FROM {table})"""
            )
            con.execute(
                f"""DELETE FROM rounds WHERE (council_id, round) IN
                    (SELECT DISTINCT council_id, round FROM {table})"""
            )
            con.execute(
                f"""INSERT INTO rounds (council_id, round, workshop_date)
                    SELECT council_id, round, CAST(any_value(workshop_date) AS DATE)
                    FROM {table} GROUP BY ALL ORDER BY 1, 2"""
            )
            con.execute(
                f"""INSERT INTO answers
                    SELECT council_id, round, participant, lower(role), grp, theme,
                           lower(sector_theme), lower(horizon),
                           CAST(CAST(change AS DOUBLE) AS TINYINT),
                           CAST(CAST(risk AS DOUBLE) AS TINYINT), note
                    FROM {table}"""
            )
            result.rounds += [(c, r, int(n)) for c, r, n in rounds]
            stored = sum(int(n) for _, _, n in rounds)
            result.files.append((src.name, rows_read.get(table, stored), stored))

    storage.run_in_transaction(con, work)
    return result
