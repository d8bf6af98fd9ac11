"""Hostile input to the importer: property-based fuzzing of ``import_files`` and ``python -m mandate_core import``.

Whatever the bytes, an import ends in one of two ways: success, or ``ImportFailed`` with problems that each
name a file (and a row >= 1 where they have one).  Never another exception, never a traceback from the
command line.  A refused import leaves the database exactly as it was; a successful one, repeated with
``--replace``, leaves it identical.

Inputs: random bytes; random CSV text (headers drawn from the real column names and junk, cells with
quotes, commas, line breaks, NULs, BOMs, long text, unicode and formula-like text); mutations of a valid
file cut from the demo data; random .xlsx workbooks; corrupted .xlsx bytes.  Runs are derandomised (the
same examples every time, so an xfail for a known bug is stable) and bounded to keep the module fast.
One template database is built per module and copied for every example.

Known bugs found here are kept as strict xfails (see each test's reason); the lead fixes the importer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from helpers_import import (
    COUNCIL_COLUMNS,
    RESPONSE_COLUMNS,
    council,
    csv_line,
    dump_db,
    run_cli,
    workshop,
    write_csv,
    write_xlsx,
)
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from mandate_core import domain, importer

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"
#: The template holds every demo council and these rounds; mutated files start from BASE_COUNCIL's round.
TEMPLATE_ROUNDS = {("uisgebrae", "2024 baseline"), ("elmstead-vale", "2024 baseline")}
BASE_COUNCIL, BASE_ROUND = "uisgebrae", "2024 baseline"

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(FUZZ, max_examples=20)


# --- the template database and the base file ------------------------------------------------------------


def _demo_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every demo council and two small demo rounds, imported with the importer itself."""
    d = tmp_path_factory.mktemp("fuzz-template")
    header, rows = _demo_rows(DEMO / "responses.csv")
    picked = [r for r in rows if (r[0], r[1]) in TEMPLATE_ROUNDS]
    responses = d / "responses.csv"
    with open(responses, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(picked)
    db = d / "template.duckdb"
    importer.import_files(db, DEMO / "councils.csv", [responses])
    assert not Path(str(db) + ".wal").exists()
    return db


def _base_rows() -> tuple[list[str], list[list[str]]]:
    header, rows = _demo_rows(DEMO / "responses.csv")
    return header, [r for r in rows if (r[0], r[1]) == (BASE_COUNCIL, BASE_ROUND)]


BASE_HEADER, BASE_ROWS = _base_rows()


# --- the property every import must keep --------------------------------------------------------------


Files = tuple[Path | None, list[Path]]


def _dates_are_dates(dump: dict[str, Any]) -> None:
    """A stored workshop date must come back to Python as a date (DuckDB returns a BC date as text)."""
    for row in dump["main.rounds"]["rows"]:
        assert isinstance(row[2], dt.date), f"workshop_date stored as {row[2]!r}"


def check_import(db: Path, councils: Path | None, responses: Sequence[Path], replace: bool) -> bool:
    """Import; assert the all-or-nothing contract.  True when the import succeeded."""
    before = dump_db(db)
    try:
        importer.import_files(db, councils, list(responses), replace=replace)
    except importer.ImportFailed as exc:
        assert exc.problems, "ImportFailed without a problem"
        assert exc.total >= len(exc.problems) >= 1
        names = {str(p) for p in [councils, *responses] if p is not None}
        for problem in exc.problems:
            assert problem.file in names, problem
            assert problem.row is None or problem.row >= 1, problem
            assert problem.reason.strip(), problem
            assert str(problem)  # the message renders
        assert exc.message()
        assert dump_db(db) == before, "a refused import changed the database"
        return False
    after = dump_db(db)
    _dates_are_dates(after)
    importer.import_files(db, councils, list(responses), replace=True)
    assert dump_db(db) == after, "importing the same files again with --replace changed the database"
    return True


def run_case(template: Path, build: Callable[[Path], Files], replace: bool) -> bool:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        d = Path(tmp)
        db = d / "db.duckdb"
        shutil.copyfile(template, db)
        councils, responses = build(d)
        ok = check_import(db, councils, responses, replace)
        if currently_in_test_context():
            event("imported" if ok else "refused")  # --hypothesis-show-statistics: both paths are exercised
        return ok


# --- strategies: cells, headers, CSV text -------------------------------------------------------------


SPECIALS = [
    '"', '""', '","', ",", "\n", "\r", "\r\n", "\x00", "\ufeff", "\t", " ", "'", "\\", ";",
    "=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\",\"y\")", "\u202eevil", "\u200b",
    "😀", "e\u0301", "ﷺ", "𝔘𝔫𝔦", "NaN", "inf", "-0", "1e309", "0x10", "NULL", "null", "\\N",
    "'; DROP TABLE answers; --", "<script>alert(1)</script>", "x" * 5000, "é" * 3000,
]
JUNK_COLUMNS = ["", " ", "Council ID", "councilid", "name", "nation", "extra", "note ", " CHANGE", "Group",
                "round\n", '"quoted"', "\ufeffcouncil_id", "risk;", "日本", "=cmd"]

RESPONSE_POOL: dict[str, list[str]] = {
    "council_id": [BASE_COUNCIL, "elmstead-vale", "aldermoor", "zennor-cross", "nope", "bad id!", "x" * 41, ""],
    "round": ["2025 fuzz", BASE_ROUND, "2026 follow-up", "r" * 61, ""],
    "workshop_date": ["2025-05-01", "2025-05-02", "2024-03-21", "2025-02-30", "01/05/2025", "2025-5-1", ""],
    "participant": ["P1", "P2", "P3", "M01", "a@b.co", "p" * 101, ""],
    "role": ["officer", "member", "Member", " OFFICER ", "chair", ""],
    "group": ["Labour", "Green", "SNP", "", "g" * 121],
    "theme": ["Homes", "Jobs", "Care", "t" * 121, ""],
    "sector_theme": [*domain.SECTOR_THEMES, "ECONOMY", "nope", ""],
    "horizon": ["now", "next", "ambition", "NOW", "later", ""],
    "change": ["1", "3", "6", "3.0", " 4 ", "0", "7", "2.5", "x", "1e0", "-1", ""],
    "risk": ["", "1", "5", "6", "0", "2.0"],
    "note": ["", "ok", "n" * 2001],
}
COUNCIL_POOL: dict[str, list[str]] = {
    "council_id": ["fz1", "fz2", "aldermoor", "S12000005", "bad id!", "x" * 41, ""],
    "name": ["Fuzz Council", "Aldermoor Borough Council", "n" * 121, ""],
    "nation": [*domain.NATIONS, "england", "France", ""],
    "council_type": ["Unitary", "District", "c" * 121, ""],
    "population": ["", "0", "1000", "1e3", "-5", "1.5", "many", "1000000000001"],
    "peer_group": ["", "Group A", "p" * 121],
}

free_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
special_text = st.sampled_from(SPECIALS)
mixed_text = st.lists(st.one_of(free_text, special_text), max_size=4).map("".join)


def cells_for(columns: Sequence[str], pool: dict[str, list[str]]) -> st.SearchStrategy[list[str]]:
    """One row: mostly plausible values for each named column, sometimes hostile text."""
    per_column = [
        st.one_of(st.sampled_from(pool[c]), mixed_text) if c in pool else mixed_text for c in columns
    ]
    return st.tuples(*per_column).map(list)


def header_for(allowed: Sequence[str]) -> st.SearchStrategy[list[str]]:
    valid = st.permutations(list(allowed)).map(list)
    required_first = st.just(list(allowed))
    styled = st.permutations(list(allowed)).flatmap(
        lambda cols: st.tuples(*[st.sampled_from([c, c.upper(), f" {c} ", c.title()]) for c in cols]).map(list)
    )
    junk = st.lists(st.sampled_from([*allowed, *JUNK_COLUMNS]), min_size=1, max_size=len(allowed) + 2)
    return st.one_of(required_first, valid, styled, junk)


def _encode(header: list[str], rows: list[list[str]], quoted: bool, newline: str, bom: bool) -> bytes:
    def line(values: list[str]) -> str:
        return csv_line(values) if quoted else ",".join(values)

    text = newline.join([line(header), *(line(r) for r in rows)]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@st.composite
def csv_files(draw: st.DrawFn, allowed: Sequence[str], pool: dict[str, list[str]]) -> bytes:
    header = draw(header_for(allowed))
    names = [h.strip().lower() for h in header]
    rows = draw(st.lists(cells_for(names, pool), max_size=8))
    if draw(st.booleans()):  # ragged rows, too
        rows += draw(st.lists(st.lists(mixed_text, max_size=len(header) + 2), max_size=2))
    return _encode(header, rows, draw(st.booleans()), draw(st.sampled_from(["\n", "\r\n", "\r"])),
                   draw(st.booleans()))


# --- strategies: mutations of a valid demo-derived file --------------------------------------------------


BENIGN_OPS = ["swap_cols", "case_header", "drop_optional"]
HARMFUL_OPS = ["drop_col", "dup_col", "swap_names", "bad_value", "hostile_value", "extra_field", "short_row", "dup_row"]


def _mutate_rows(
    draw: st.DrawFn, header: list[str], rows: list[list[str]], benign: bool
) -> tuple[list[str], list[list[str]]]:
    header, rows = list(header), [list(r) for r in rows]
    ops = draw(st.lists(st.sampled_from(BENIGN_OPS if benign else BENIGN_OPS + HARMFUL_OPS), max_size=3))
    for op in ops:
        width = len(header)
        if op == "drop_col" and width > 1:
            i = draw(st.integers(0, width - 1))
            header.pop(i)
            for r in rows:
                if i < len(r):
                    r.pop(i)
        elif op == "dup_col":
            i = draw(st.integers(0, width - 1))
            header.append(header[i])
            for r in rows:
                r.append(r[i] if i < len(r) else "")
        elif op in ("swap_cols", "swap_names") and width > 1:
            i, j = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
            header[i], header[j] = header[j], header[i]
            if op == "swap_cols":
                for r in rows:
                    if max(i, j) < len(r):
                        r[i], r[j] = r[j], r[i]
        elif op == "bad_value" and rows:
            name = draw(st.sampled_from(header))
            k, i = draw(st.integers(0, len(rows) - 1)), header.index(name)
            rows[k] += [""] * (i + 1 - len(rows[k]))
            rows[k][i] = draw(st.sampled_from(
                RESPONSE_POOL.get(name.strip().lower(), ["?"]) + ["0", "7", "99", "-1", "2025-13-01", "", "ünïcödé"]))
        elif op == "hostile_value" and rows:
            k, i = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, width - 1))
            rows[k] += [""] * (i + 1 - len(rows[k]))
            rows[k][i] = draw(mixed_text)
        elif op == "extra_field" and rows:
            rows[draw(st.integers(0, len(rows) - 1))].append(draw(mixed_text))
        elif op == "short_row" and rows:
            k = draw(st.integers(0, len(rows) - 1))
            rows[k] = rows[k][: draw(st.integers(0, max(0, width - 1)))]
        elif op == "drop_optional":
            for name in ("risk", "note"):
                if name in header:
                    i = header.index(name)
                    header.pop(i)
                    for r in rows:
                        if i < len(r):
                            r.pop(i)
        elif op == "case_header":
            header = [draw(st.sampled_from([h, h.upper(), f"  {h} "])) for h in header]
        elif op == "dup_row" and rows:
            rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))
    return header, rows


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    header, rows = list(BASE_HEADER), [list(r) for r in BASE_ROWS]
    if draw(st.booleans()):  # a round not yet in the database, so a clean file can succeed without --replace
        rows = [[*r[:1], "2025 fuzz", "2025-06-01", *r[3:]] for r in rows]
    rows = rows[: draw(st.integers(1, len(rows)))]
    benign = draw(st.integers(0, 2)) == 0  # a third keep the file valid: the success path is fuzzed too
    header, rows = _mutate_rows(draw, header, rows, benign)
    lines = [csv_line(header), *(csv_line(r) for r in rows)]
    if draw(st.booleans()):  # blank (or whitespace-only) lines anywhere after the header
        for _ in range(draw(st.integers(1, 3))):
            blank = draw(st.sampled_from(["", "  ", "\t"] + ([] if benign else [",,,"])))
            lines.insert(draw(st.integers(1, len(lines))), blank)
    endings = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    if endings == "mixed":
        text = "".join(line + draw(st.sampled_from(["\n", "\r\n", "\r"])) for line in lines)
    else:
        text = endings.join(lines) + draw(st.sampled_from([endings, "", endings * 3]))
    data = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")
    if not benign and draw(st.integers(0, 4)) == 0:  # truncated mid-row
        data = data[: draw(st.integers(len(data) // 2, len(data)))]
    return data


# --- strategies: workbooks ----------------------------------------------------------------------------------


def _xlsx_safe(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)[:32767]


xlsx_cell = st.one_of(
    st.none(),
    st.integers(-10, 10),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
    st.sampled_from(["=1+1", "=A1", "=NOW()", "=1/0", "=HYPERLINK(\"http://x\")", "'=quoted"]),
    mixed_text.map(_xlsx_safe),
    st.just("L" * 32767),
)


@st.composite
def xlsx_files(draw: st.DrawFn) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if draw(st.booleans()):  # plausible: the demo rows with some cells replaced by random typed values
        header: list[Any] = list(BASE_HEADER)
        rows: list[list[Any]] = [list(r) for r in BASE_ROWS[: draw(st.integers(1, 20))]]
        for r in rows:
            r[2] = dt.date.fromisoformat(r[2])
            r[9] = int(r[9])
            r[10] = int(r[10]) if r[10] else None
        for _ in range(draw(st.integers(0, 4))):
            rows[draw(st.integers(0, len(rows) - 1))][draw(st.integers(0, len(header) - 1))] = draw(xlsx_cell)
        if draw(st.integers(0, 3)) == 0:
            rows[draw(st.integers(0, len(rows) - 1))].append(draw(xlsx_cell))
    else:
        header = [_xlsx_safe(h) for h in draw(header_for(RESPONSE_COLUMNS))]
        if draw(st.integers(0, 4)) == 0:
            header[draw(st.integers(0, len(header) - 1))] = draw(xlsx_cell)
        rows = draw(st.lists(st.lists(xlsx_cell, max_size=len(header) + 1), max_size=6))
    if draw(st.integers(0, 5)):
        ws.append(header)
    for r in rows:
        if draw(st.integers(0, 6)) == 0:
            ws.append([])  # a blank row
        ws.append(r)
    if draw(st.integers(0, 5)) == 0:
        wb.create_sheet("second").append(["ignored"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _valid_xlsx_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [dict(zip(BASE_HEADER, r, strict=True)) for r in BASE_ROWS]
        return write_xlsx(Path(tmp) / "x.xlsx", rows).read_bytes()


@st.composite
def corrupted_xlsx(draw: st.DrawFn) -> bytes:
    """Byte-level damage to a valid workbook: truncation, flipped bytes, garbage appended or inserted."""
    data = bytearray(_VALID_XLSX)
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "append", "zero_run"]))
    if kind == "truncate":
        return bytes(data[: draw(st.integers(4, len(data) - 1))])
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(4, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
        return bytes(data)
    if kind == "insert":
        i = draw(st.integers(4, len(data)))
        return bytes(data[:i]) + draw(st.binary(min_size=1, max_size=64)) + bytes(data[i:])
    if kind == "append":
        return bytes(data) + draw(st.binary(min_size=1, max_size=256))
    i = draw(st.integers(4, len(data) - 1))
    return bytes(data[:i]) + b"\x00" * draw(st.integers(1, 200)) + bytes(data[i + 1:])


_VALID_XLSX = _valid_xlsx_bytes()


def _files(responses: list[tuple[str, bytes]], councils: tuple[str, bytes] | None = None) -> Callable[[Path], Files]:
    def build(d: Path) -> Files:
        out = []
        for name, data in responses:
            (d / name).write_bytes(data)
            out.append(d / name)
        c = None
        if councils is not None:
            c = d / councils[0]
            c.write_bytes(councils[1])
        return c, out

    return build


# --- the fuzz tests ---------------------------------------------------------------------------------------


def test_the_base_file_imports_cleanly(template: Path) -> None:
    """Guard for the mutation tests: unmutated, the base round replaces itself, and a new round is added."""
    data = _encode(BASE_HEADER, BASE_ROWS, True, "\n", False)
    assert run_case(template, _files([("r.csv", data)]), replace=True)
    assert not run_case(template, _files([("r.csv", data)]), replace=False)  # already loaded, no --replace
    fresh = [[*r[:1], "2025 fuzz", "2025-06-01", *r[3:]] for r in BASE_ROWS]
    assert run_case(template, _files([("r.csv", _encode(BASE_HEADER, fresh, False, "\r\n", True))]), replace=False)


@FUZZ
@given(data=st.binary(max_size=2048), prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe",
                                                               b"council_id,name\n", b"%PDF"]),
       name=st.sampled_from(["r.csv", "r.xlsx", "r", "r.txt"]), replace=st.booleans())
def test_random_bytes(template: Path, data: bytes, prefix: bytes, name: str, replace: bool) -> None:
    run_case(template, _files([(name, prefix + data)]), replace)


@FUZZ
@given(data=csv_files(RESPONSE_COLUMNS, RESPONSE_POOL), replace=st.booleans())
def test_random_responses_csv(template: Path, data: bytes, replace: bool) -> None:
    run_case(template, _files([("responses.csv", data)]), replace)


@FEW
@given(councils=csv_files(COUNCIL_COLUMNS, COUNCIL_POOL), responses=st.one_of(st.none(), mutated_files()),
       replace=st.booleans())
def test_random_councils_csv_with_or_without_responses(template: Path, councils: bytes, responses: bytes | None,
                                                       replace: bool) -> None:
    run_case(template, _files([("responses.csv", responses)] if responses is not None else [],
                              ("councils.csv", councils)), replace)


@FUZZ
@example(data=_encode(BASE_HEADER, BASE_ROWS, True, "\n", False), replace=True)
@given(data=mutated_files(), replace=st.booleans())
def test_mutations_of_a_valid_file(template: Path, data: bytes, replace: bool) -> None:
    run_case(template, _files([("responses.csv", data)]), replace)


@FEW
@given(first=mutated_files(), second=st.one_of(mutated_files(), csv_files(RESPONSE_COLUMNS, RESPONSE_POOL)),
       replace=st.booleans())
def test_two_responses_files_in_one_command(template: Path, first: bytes, second: bytes, replace: bool) -> None:
    run_case(template, _files([("a.csv", first), ("b.csv", second)]), replace)


@FUZZ
@given(data=xlsx_files(), replace=st.booleans())
def test_random_workbooks(template: Path, data: bytes, replace: bool) -> None:
    run_case(template, _files([("responses.xlsx", data)]), replace)




# --- the command line ---------------------------------------------------------------------------------------


def check_cli(db: Path, councils: Path | None, responses: Sequence[Path], replace: bool) -> None:
    before = dump_db(db)
    args: list[Any] = ["import", "--db", db]
    if councils is not None:
        args += ["--councils", councils]
    if replace:
        args.append("--replace")
    proc = run_cli(*args, *responses)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode:  # a successful import reports rows read and stored on stdout
        assert proc.stdout == ""
    if proc.returncode == 1:
        assert proc.stderr.startswith("error: "), proc.stderr
        assert dump_db(db) == before
        return
    after = dump_db(db)
    again = run_cli(*args, "--replace", *responses) if not replace else run_cli(*args, *responses)
    assert again.returncode == 0, again.stderr
    assert dump_db(db) == after


any_responses_file = st.one_of(
    mutated_files().map(lambda b: ("r.csv", b)),
    csv_files(RESPONSE_COLUMNS, RESPONSE_POOL).map(lambda b: ("r.csv", b)),
    xlsx_files().map(lambda b: ("r.xlsx", b)),
    st.binary(max_size=512).map(lambda b: ("r.csv", b)),
)


@settings(FUZZ, max_examples=12)
@given(file=any_responses_file, councils=st.one_of(st.none(), csv_files(COUNCIL_COLUMNS, COUNCIL_POOL)),
       replace=st.booleans())
def test_cli_import_exits_0_or_1_without_a_traceback(template: Path, file: tuple[str, bytes], councils: bytes | None,
                                                      replace: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-cli-") as tmp:
        d = Path(tmp)
        db = d / "db.duckdb"
        shutil.copyfile(template, db)
        c, responses = _files([file], ("councils.csv", councils) if councils is not None else None)(d)
        check_cli(db, c, responses, replace)


# --- known bugs, each as a minimal input --------------------------------------------------------------------


def _damaged_sheet(kind: str) -> bytes:
    """A workbook that opens (its zip directory is fine) but whose first worksheet cannot be read."""
    if kind == "cut_xml":  # a well-formed zip whose sheet XML is cut in half, as a crashed save can leave it
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(_VALID_XLSX)) as zin, zipfile.ZipFile(out, "w") as zout:
            for item in zin.infolist():
                body = zin.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    body = body[: len(body) // 2]
                zout.writestr(item, body)
        return out.getvalue()
    # one flipped byte near the end of the sheet's compressed data: the zip's CRC check fails on reading
    with zipfile.ZipFile(io.BytesIO(_VALID_XLSX)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(_VALID_XLSX)
    data[start + info.compress_size - 5] ^= 0x55
    return bytes(data)


SHEET_BUG = ("BUG: importer._Loader._load_xlsx wraps only openpyxl.load_workbook in try/except; with read_only=True "
             "the sheet is parsed lazily by ws.iter_rows, outside it, so a workbook whose sheet is damaged raises "
             "xml.etree.ElementTree.ParseError (cut XML) or zipfile.BadZipFile 'Bad CRC-32' (flipped byte) "
             "instead of ImportFailed")


@FUZZ
@example(data=_damaged_sheet("bad_crc"), name="r.xlsx", replace=False)
@given(data=corrupted_xlsx(), name=st.sampled_from(["r.xlsx", "r.csv"]), replace=st.booleans())
def test_corrupted_workbook_bytes(template: Path, data: bytes, name: str, replace: bool) -> None:
    run_case(template, _files([(name, data)]), replace)


@pytest.mark.parametrize("kind", ["cut_xml", "bad_crc"])
def test_workbook_with_a_damaged_sheet_is_refused(template: Path, kind: str) -> None:
    assert not run_case(template, _files([("r.xlsx", _damaged_sheet(kind))]), replace=True)


def test_cli_workbook_with_a_damaged_sheet_is_refused(template: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copyfile(template, db)
    bad = tmp_path / "r.xlsx"
    bad.write_bytes(_damaged_sheet("cut_xml"))
    check_cli(db, None, [bad], replace=False)


def test_csv_with_a_blank_line_and_a_4mb_row_is_refused(template: Path) -> None:
    row = dict(zip(BASE_HEADER, BASE_ROWS[0], strict=True))
    for key in ("round", "participant", "group", "theme", "note", "role", "horizon", "sector_theme", "council_id"):
        row[key] = "😀" * 120_000
    data = (",".join(RESPONSE_COLUMNS) + "\n\n" + csv_line(row) + "\n").encode("utf-8")
    assert len(data) > 4_000_000
    assert not run_case(template, _files([("r.csv", data)]), replace=True)


def test_a_csv_row_of_empty_fields_is_skipped_like_an_empty_workbook_row(template: Path) -> None:
    lines = [csv_line(BASE_HEADER), *(csv_line(r) for r in BASE_ROWS), "," * (len(BASE_HEADER) - 1)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    assert run_case(template, _files([("r.csv", data)]), replace=True)


def test_csv_without_a_blank_line_and_a_4mb_row_is_refused(template: Path) -> None:
    """The fast path (DuckDB reads the file itself) already turns the same row into a problem."""
    row = dict(zip(BASE_HEADER, BASE_ROWS[0], strict=True))
    row["note"] = "😀" * 1_100_000
    data = (",".join(RESPONSE_COLUMNS) + "\n" + csv_line(row) + "\n").encode("utf-8")
    assert not run_case(template, _files([("r.csv", data)]), replace=True)


def test_a_year_zero_workshop_date_is_refused(template: Path, tmp_path: Path) -> None:
    councils = write_csv(tmp_path / "c.csv", [council("alpha")], COUNCIL_COLUMNS)
    responses = write_csv(tmp_path / "r.csv", workshop(date="0000-01-01"))
    db = tmp_path / "db.duckdb"
    shutil.copyfile(template, db)
    check_import(db, councils, [responses], replace=False)  # either refused, or stored as a real date
