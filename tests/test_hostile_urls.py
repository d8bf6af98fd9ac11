"""Hostile links: every page opened with mangled, malicious or oversized URL parameters.

A link is untrusted input.  Opened with quotes, SQL, HTML, NULs, 5,000-character values, right-to-left and
combining text, repeated keys, absurd slide numbers and 500 peer ids, the dashboard must run without an
exception, say in a note which value it ignored, rewrite the address to the view it actually shows, and
leave the database untouched.  A static check also reads every SQL call in ``mandate_core`` to make sure
no SQL text is built from a value that could come from a link; a dynamic check calls the core functions the
pages call with the same hostile values.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers_import import dump_db
from streamlit.testing.v1 import AppTest

from mandate_core import debrief, demo, domain, findings, metrics, reports, storage
from mandate_core.benchmarking import PeerSet

REPO = Path(__file__).resolve().parent.parent
PAGES = ["pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py", "pages/4_Themes.py",
         "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"]
DEBRIEF_PAGE = "pages/8_Debrief.py"
KEYS = ("council", "round", "peers", "horizon", "slide")

SQL = "'; DROP TABLE answers; --"
HOSTILE: dict[str, str] = {
    "quotes": "\"it's\" `x` “curly”",
    "sql": SQL,
    "sql_or": "x' OR '1'='1",
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "percent00": "%00",
    "nul": "a\x00b",
    "long": "A" * 5000,
    "rtl": "\u202ealdermoor\u202c",
    "emoji": "🏛️👩🏽‍💼",
    "combining": "ald\u0301ermoor\u0338",
    "control": "\r\n\t\x1b[31m",
    "dots": "../../etc/passwd",
}
#: A value each page must ignore with a note, whatever the key.
NOTE_WORDS = {"council": "council", "round": "round", "peers": "peer", "horizon": "horizon", "slide": "slide"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("hostile-urls") / "mandate.duckdb")


@pytest.fixture(scope="module")
def demo_dump(demo_db: Path) -> dict[str, Any]:
    return dump_db(demo_db)


@pytest.fixture
def app_db(demo_db: Path, demo_dump: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("MANDATE_DB", str(demo_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    yield demo_db
    assert dump_db(demo_db) == demo_dump, "opening a hostile link changed the database"


@pytest.fixture(scope="module")
def council_ids(demo_db: Path) -> list[str]:
    with storage.connect(demo_db, read_only=True) as con:
        return [r[0] for r in con.execute("SELECT council_id FROM councils ORDER BY 1").fetchall()]


def open_link(params: dict[str, Any], page: str | None = None) -> AppTest:
    """Open the app as a link would: the query string first, then (optionally) a page, in one first run."""
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update(params)
    if page is not None:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def warnings_text(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning).lower()


def assert_address_is_clean(at: AppTest, ids: list[str]) -> None:
    """The address bar is rewritten to the view on screen: known keys, loaded ids, nothing hostile kept."""
    qp = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert set(qp) <= {"council", "round", "peers", "horizon", "debrief", "slide"}, qp
    assert qp.get("council") in ids, qp
    assert qp.get("horizon") in domain.HORIZONS, qp
    peers = qp.get("peers", "")
    assert peers in domain.PEER_SETS or all(p in ids for p in peers.split(",")), qp
    if "slide" in qp:
        assert qp["slide"].isdigit() and 1 <= int(qp["slide"]) <= 99, qp
    for value in qp.values():
        assert len(value) <= 400 and not re.search(r"[<>'\"\x00;]", value), qp


# --- every page, every hostile value --------------------------------------------------------------------


@pytest.mark.parametrize("name", list(HOSTILE))
def test_every_key_hostile_on_the_overview(app_db: Path, council_ids: list[str], name: str) -> None:
    value = HOSTILE[name]
    at = open_link({k: value for k in KEYS})
    assert at.title[0].value == "Sector overview"
    notes = warnings_text(at)
    for key in KEYS:
        assert NOTE_WORDS[key] in notes, f"no note for the ignored {key}: {notes}"
    assert_address_is_clean(at, council_ids)


MIXED = {"council": SQL, "round": HOSTILE["script"], "peers": HOSTILE["quotes"], "horizon": "A" * 5000,
         "slide": "-1", "unknown": HOSTILE["img"]}
REPEATED = {"council": ["'", "aldermoor", "brackenfield"], "round": ["2024 baseline", "<b>"],
            "horizon": ["now", "x" * 5000], "peers": ["all", "nation", HOSTILE["rtl"]]}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_a_hostile_link(app_db: Path, council_ids: list[str], page: str) -> None:
    at = open_link(MIXED, page)
    notes = warnings_text(at)
    for key in ("council", "round", "peers", "horizon", "slide"):
        assert NOTE_WORDS[key] in notes, f"no note for the ignored {key}: {notes}"
    assert_address_is_clean(at, council_ids)
    # the view still works after the hostile first run: choose another council
    if page != "pages/7_Data.py":
        at.selectbox(key="sb_council").set_value("brackenfield").run()
        assert not at.exception
        assert at.query_params["council"] in ("brackenfield", ["brackenfield"])


@pytest.mark.parametrize("page", PAGES)
def test_repeated_keys_take_the_last_value(app_db: Path, council_ids: list[str], page: str) -> None:
    at = open_link(REPEATED, page)
    sel = at.session_state["selection"]
    assert sel.council == "brackenfield"
    assert sel.round is None  # "<b>" is not a round: the latest round, with a note
    assert sel.horizon == "ambition" and sel.peers == "peer_group"
    notes = warnings_text(at)
    assert "round" in notes and "horizon" in notes and "peer" in notes
    assert_address_is_clean(at, council_ids)


@pytest.mark.parametrize(("slide", "note"), [
    ("-1", True), ("0", True), ("1e9", True), ("1000000000", True), ("99999999999999999999", True), ("1.5", True),
    ("", False), (" 7 ", False), ("50", False),
    ("٣", True),  # an Arabic-Indic 3 passes str.isdigit(); only ASCII digits are read as a slide number
])
def test_debrief_slide_numbers_out_of_range(app_db: Path, council_ids: list[str], slide: str, note: bool) -> None:
    at = open_link({"council": "brackenfield", "debrief": "1", "slide": slide}, DEBRIEF_PAGE)
    assert at.session_state["selection"].debrief
    number = int(at.session_state["debrief_slide"])
    heading = next(m.value for m in at.markdown if "slide" in m.value and " of " in m.value)
    count = int(re.search(rf"slide {number} of (\d+)", heading).group(1))  # type: ignore[union-attr]
    assert 1 <= number <= count
    assert ("slide" in warnings_text(at)) == note
    assert_address_is_clean(at, council_ids)


@pytest.mark.parametrize("slide", ["²", "①"])
def test_a_superscript_slide_number_gets_a_note(app_db: Path, council_ids: list[str], slide: str) -> None:
    at = open_link({"council": "brackenfield", "debrief": "1", "slide": slide}, DEBRIEF_PAGE)
    assert "slide" in warnings_text(at)
    assert_address_is_clean(at, council_ids)


@pytest.mark.parametrize("page", [DEBRIEF_PAGE, "pages/2_Council.py"])
def test_debrief_with_hostile_values(app_db: Path, council_ids: list[str], page: str) -> None:
    at = open_link({**MIXED, "council": "brackenfield", "debrief": "1", "slide": "1e9"}, page)
    assert at.session_state["selection"].debrief
    assert "slide" in warnings_text(at)
    assert_address_is_clean(at, council_ids)


@pytest.mark.parametrize("value", ["<script>", "2", SQL])
def test_an_unrecognised_debrief_value_gets_a_note(app_db: Path, council_ids: list[str], value: str) -> None:
    at = open_link({"council": "aldermoor", "debrief": value})
    assert not at.session_state["selection"].debrief
    assert_address_is_clean(at, council_ids)
    assert "debrief" in warnings_text(at)


def test_five_hundred_peer_ids(app_db: Path, council_ids: list[str]) -> None:
    many = ",".join((council_ids * 20)[:500])
    at = open_link({"council": "aldermoor", "peers": many}, "pages/5_Benchmark.py")
    assert "peers value is too long" in warnings_text(at)
    assert at.session_state["selection"].peers == "peer_group"
    # 500 made-up short ids, still over the length limit
    at = open_link({"council": "aldermoor", "peers": ",".join(f"x{i}" for i in range(500))}, "pages/5_Benchmark.py")
    assert "too long" in warnings_text(at)
    assert_address_is_clean(at, council_ids)


def test_a_short_hand_picked_list_keeps_the_known_ids(app_db: Path, council_ids: list[str]) -> None:
    peers = f"brackenfield,{SQL},<script>,farrowby,farrowby,aldermoor"
    at = open_link({"council": "aldermoor", "peers": peers}, "pages/5_Benchmark.py")
    assert at.session_state["selection"].peers == "brackenfield,farrowby"
    assert "left out" in warnings_text(at)
    assert_address_is_clean(at, council_ids)


# --- user text from a link is shown as text -------------------------------------------------------------


MARKDOWN_LINK = "[Log in again](http://evil.example)"


def _escaped_everywhere(markdown: str, literal: str) -> bool:
    """True when ``literal`` occurs in ``markdown`` only with each punctuation mark backslash-escaped."""
    pattern = "".join("\\\\" + re.escape(ch) if not ch.isalnum() and not ch.isspace() else re.escape(ch)
                      for ch in literal)
    return literal not in markdown and re.search(pattern, markdown) is not None


@pytest.mark.parametrize("value", [MARKDOWN_LINK, "**bold** :red[x]", "<img src=x onerror=alert(1)>"])
def test_a_value_from_the_link_is_shown_literally_in_its_note(app_db: Path, value: str) -> None:
    at = open_link({"council": value})
    bodies = [w.value for w in at.warning if "council" in w.value.lower()]
    assert bodies
    assert all(_escaped_everywhere(body, value) for body in bodies), bodies


# --- the database is never written, and no SQL text is built from a link's value ------------------------


def test_core_functions_the_pages_call_refuse_hostile_values(demo_db: Path, demo_dump: dict[str, Any]) -> None:
    """The functions behind ui.cached(...) get link values after selection.from_query has vetted them; called
    directly with hostile values they return nothing or raise ReportError, and never touch the data."""
    with storage.connect(demo_db, read_only=True) as con:
        for value in HOSTILE.values():
            for call in (
                lambda v: reports.council_report(con, v, None, min_group=3),
                lambda v: reports.council_report(con, "aldermoor", v, min_group=3),
                lambda v: metrics.sector_overview(con, v, min_group=3),
                lambda v: metrics.theme_notes(con, v, v, min_group=3),
                lambda v: metrics.group_breakdown(con, "aldermoor", v, min_group=3),
                lambda v: metrics.answer_distribution(con, v, None, min_group=3),
                lambda v: metrics.council_summary(con, v, v, min_group=3),
                lambda v: metrics.trend(con, v, min_group=3),
                lambda v: metrics.latest_round(con, v),
                lambda v: findings.benchmark.benchmark_view(
                    con, "aldermoor", None, "position", "ambition", PeerSet.parse(v), min_group=3
                ),
                lambda v: findings.benchmark.benchmark_view(
                    con, "aldermoor", None, "position", v, PeerSet.parse("all"), min_group=3
                ),
                lambda v: debrief.build_deck(con, "aldermoor", None, v, "key", min_group=3),
                lambda v: debrief.build_deck(con, v, None, "all", "key", min_group=3),
            ):
                try:
                    call(value)
                except metrics.ReportError:
                    pass
    assert dump_db(demo_db) == demo_dump


#: Names that may appear inside an f-string passed to execute(): each holds SQL written in the code itself —
#: a table or column name from a fixed map, a fixed fragment, or a number — never a value from a user.
#: Every entry must still be used by a call the scan finds (test_every_allow_list_entry_is_still_used), so
#: an entry left behind by changed code cannot later let a new, unchecked use of that name through.
SQL_FRAGMENT_ALLOWLIST = {
    # metrics.py / benchmarking.py: constant SQL fragments; metrics.py: WHERE lists of "col = ?" built from
    # fixed maps
    "_AGG", "_LATEST_ROUNDS", "where", "pick_sql",
    # the answers marked shown / risk shown per theme x horizon (fixed text; the threshold is bound)
    "_AGG_SHOWN", "marked_sql",
    # benchmarking.py: which grouped branches the one benchmark query runs (fixed text chosen in code)
    "branches",
    # storage.py: table names read back from duckdb_tables(), quoted, for the read-everything damage check
    "quoted",
    # access.py: a fixed tuple of table names, deleting one council's rows
    # importer.py: staging table and view names (stg_*, raw_*, rej*, *_flagged) made from loop counters or
    # read back from duckdb_tables()/duckdb_views() with their kind ('VIEW'/'TABLE'); column lists and
    # projections made from header names only after they matched the fixed column list; the value rules'
    # conditions and their UNION (constants of the module); fixed constants
    "table", "raw", "rej", "scan", "selects", "plain", "absent", "nulls", "untrimmed", "flagged", "any_bad",
    "blank",  # "c0 IS NULL AND c1 IS NULL …" over the numbered raw columns
    "union", "name", "kind", "optional", "_col(optional)", "_NATION_CASE", "MAX_REPORTED",
    "_STAGING.format(col='view_name')", "_STAGING.format(col='table_name')",
    # maintenance.py: the fixed checks in _CHECKS; storage.py: the schema statements
    "sql", "statement",
    # live.py: the wrapper that runs the importer's own SQL inside the closing transaction passes it on as is
    "query",
    # pgstore.py: the store's bookkeeping table (a constant); table and column names of the read model's
    # own schema (read back from duckdb_tables() / information_schema), quoted; the column spec built from
    # them; and the psycopg queries passed on as composed objects
    "VERSIONS_TABLE", "_quote(table)", "t", "cols", "spec",
}
#: Names of psycopg ``sql.Composed`` values made in the code from ``sql.Identifier`` and fixed SQL only.
COMPOSED_NAMES = {"target", "pg_where"}


def _composed_safely(node: ast.expr) -> bool:
    """A psycopg composition: ``sql.SQL("fixed text").format(...)`` whose every argument is an identifier
    (``sql.Identifier``, which psycopg quotes), fixed SQL joined over identifiers, or a name from
    COMPOSED_NAMES.  Values never go in there; they are bound as %s parameters."""
    def is_sql_const(n: ast.expr) -> bool:
        return (isinstance(n, ast.Call) and ast.unparse(n.func) == "sql.SQL" and len(n.args) == 1
                and isinstance(n.args[0], ast.Constant))

    def safe_part(n: ast.expr) -> bool:
        if isinstance(n, ast.Name):
            return n.id in COMPOSED_NAMES
        if isinstance(n, ast.Call) and ast.unparse(n.func) == "sql.Identifier":
            return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "join" \
                and is_sql_const(n.func.value):
            return True
        return _composed_safely(n)

    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
            and is_sql_const(node.func.value) and all(safe_part(a) for a in node.args))
SQL_CALLS = {"execute", "executemany", "sql", "query", "read_csv"}


def _sql_calls() -> list[tuple[str, int, str, list[str]]]:
    """(file, line, kind, interpolated expressions) of each SQL call whose first argument is not a literal."""
    found = []
    for path in sorted((REPO / "mandate_core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_CALLS and node.args):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) or _composed_safely(arg):
                continue
            if isinstance(arg, ast.JoinedStr):
                exprs = [ast.unparse(v.value) for v in arg.values if isinstance(v, ast.FormattedValue)]
                found.append((path.name, node.lineno, "f-string", exprs))
            else:
                found.append((path.name, node.lineno, type(arg).__name__, [ast.unparse(arg)]))
    return found


def test_no_sql_text_is_built_from_a_value_outside_the_allow_list() -> None:
    """A static, name-based check of every SQL call in mandate_core.

    What it sees: calls ``.execute/.executemany/.sql/.query/.read_csv(...)`` whose SQL is an f-string or a
    variable; every name interpolated must be on the allow-list above (fixed fragments, table names, fixed
    column maps).  Values travel as ``?`` parameters.
    What it cannot see: how an allowed variable was built (``where`` is trusted to hold only ``col = ?``
    pieces; the metrics and benchmarking code comments say so), SQL assembled with ``+``, ``%`` or
    ``.format`` before the call, SQL run through another alias or a helper that is not named like the calls
    above, and the SQL-quoting inside the importer's rule texts (those interpolate only constants).  A new
    name in an f-string makes this test fail so that a person looks at it.
    """
    offenders = [(f, line, kind, [e for e in exprs if e not in SQL_FRAGMENT_ALLOWLIST])
                 for f, line, kind, exprs in _sql_calls()]
    offenders = [o for o in offenders if o[3]]
    assert not offenders, f"SQL text built from names not on the allow-list: {offenders}"
    assert len(_sql_calls()) >= 20  # the scan is really finding the calls


def _unused(allow: set[str], calls: list[tuple[str, int, str, list[str]]]) -> list[str]:
    """Allow-list entries that no scanned call interpolates any more."""
    used = {e for _f, _line, _kind, exprs in calls for e in exprs}
    return sorted(allow - used)


def test_every_allow_list_entry_is_still_used() -> None:
    """A stale entry would let a later, unrelated use of the same name pass unseen: each entry must match
    an expression the scan finds in mandate_core today (remove the entry with the code that needed it)."""
    unused = _unused(SQL_FRAGMENT_ALLOWLIST, _sql_calls())
    assert not unused, f"allow-list entries no SQL call uses any more (remove them): {unused}"


def test_the_unused_entry_check_reports_a_stale_name() -> None:
    calls = [("metrics.py", 1, "f-string", ["_AGG", "where"])]
    assert _unused({"_AGG", "where", "theme_filter"}, calls) == ["theme_filter"]
    assert _unused({"_AGG", "where"}, calls) == []


def test_the_static_check_catches_a_value_formatted_into_sql() -> None:
    tree = ast.parse("def f(con, council):\n    con.execute(f\"SELECT * FROM answers WHERE council_id = '{council}'\")")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    exprs = [ast.unparse(v.value) for v in call.args[0].values if isinstance(v, ast.FormattedValue)]
    assert exprs == ["council"] and "council" not in SQL_FRAGMENT_ALLOWLIST


@pytest.mark.parametrize(("source", "safe"), [
    ('sql.SQL("DELETE FROM {} WHERE {}").format(sql.Identifier(t), pg_where)', True),
    ('sql.SQL("SELECT {}").format(sql.SQL(", ").join(sql.Identifier(c) for c in cols))', True),
    ('sql.SQL("SELECT * FROM answers WHERE council_id = {}").format(council)', False),  # a value
    ('sql.SQL(text).format(sql.Identifier(t))', False),  # the template itself from a variable
    ('sql.SQL("SELECT {}").format(sql.SQL(council))', False),  # a value made into SQL
])
def test_the_static_check_knows_a_safe_psycopg_composition(source: str, safe: bool) -> None:
    assert _composed_safely(ast.parse(source, mode="eval").body) is safe


def test_a_parameterised_query_keeps_hostile_text_as_data(demo_db: Path) -> None:
    """What the allow-list relies on: a hostile id passed as a parameter is compared, not executed."""
    with storage.connect(demo_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM councils WHERE council_id = ?", [SQL]).fetchone() == (0,)
        with pytest.raises(duckdb.Error):
            con.execute("DROP TABLE answers")  # and the pages' connection is read-only anyway
