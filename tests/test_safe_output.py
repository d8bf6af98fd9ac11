"""Safe output: user text is shown as text, downloads are spreadsheet-safe, small groups stay hidden.

A council imported with hostile text in its name, peer group, round labels, theme labels, political groups
and notes (HTML, Markdown, Streamlit colour directives, spreadsheet formulas) is opened on every page in
AppTest: every element that renders Markdown must carry that text escaped, no element that allows HTML may
carry it at all, and chart specs must hold it HTML-escaped.  The rows the pages hand to ``ui.downloads`` are
built with the same core functions and written with ``mandate_core.exports``: no cell may start a formula,
and file names must be safe.  A workshop with a two-member political group checks that no download holds a
number for that group.  Finally the upload checks (type and size) and their match with the server limit.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers_import import COUNCIL_COLUMNS, council, response, write_csv
from helpers_pages import open_folded
from streamlit.testing.v1 import AppTest

from mandate_core import (
    catalog,
    debrief,
    debrief_pack,
    demo,
    exports,
    findings,
    importer,
    metrics,
    reports,
    storage,
    uploads,
)
from mandate_core import rows as row_schemas
from mandate_core.benchmarking import PeerSet
from mandate_core.charts import alignment, spectrum

REPO = Path(__file__).resolve().parent.parent
PAGES = ["pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py", "pages/4_Themes.py",
         "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"]

MARK = "Zork"  # in every hostile string, to find user text wherever it lands
NAME = f'=HYPERLINK("http://x","y") <script>alert(1)</script> **bold** {MARK}'
NAME_B = f"+[link](http://x) :red[x] <img src=x onerror=alert(1)> {MARK} B"
PEER_GROUP = f"@<img src=x onerror=alert(1)> [link](http://x) {MARK}"
ROUNDS = [(f"=1+1 <b>r1</b> [l](http://x) {MARK}", "2024-03-01"), (f"@r2 **bold** :red[x] {MARK}", "2026-03-01")]
THEMES = [(f"-<img src=x onerror=alert(1)> [link](http://x) {MARK}", "place"),
          (f"\t:red[x] **bold** <script>alert(1)</script> {MARK}", "economy")]
GROUPS = [f"@SUM(1) <script>alert(1)</script> {MARK}", f"**bold** :red[x] [link](http://x) {MARK}"]
OFFICER_GROUP = f"\r=2+3 {MARK}"
NOTES = [f"<script>alert(1)</script> {MARK}", f"<img src=x onerror=alert(1)> {MARK}",
         f"**bold** [link](http://x) :red[x] {MARK}", f'=cmd|"/C calc"!A0 {MARK}']
#: The pieces that must never be interpreted, and that must be seen literally.
LITERALS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**bold**", "[link](http://x)", ":red[x]"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _people() -> list[tuple[str, str, str]]:
    return ([(f"A{i}", "member", GROUPS[0]) for i in range(3)] + [(f"B{i}", "member", GROUPS[1]) for i in range(3)]
            + [(f"O{i}", "officer", OFFICER_GROUP) for i in range(3)])


def _rows(council_id: str, rounds: Sequence[tuple[str, str]], people: Sequence[tuple[str, str, str]],
          themes: Sequence[tuple[str, str]], notes: Sequence[str] = ()) -> list[dict[str, Any]]:
    rows = []
    for r_index, (rnd, date) in enumerate(rounds):
        for p_index, (pid, role, group) in enumerate(people):
            for t_index, (theme, key) in enumerate(themes):
                for h_index, horizon in enumerate(("now", "next", "ambition")):
                    change = min(6, 1 + r_index + h_index + (p_index + t_index) % 3)
                    note = notes[p_index % len(notes)] if notes and horizon == "ambition" and p_index < 4 else ""
                    rows.append(response(council_id=council_id, round=rnd, workshop_date=date, participant=pid,
                                         role=role, group=group, theme=theme, sector_theme=key, horizon=horizon,
                                         change=str(change), risk=str(min(5, change)), note=note))
    return rows


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo councils plus two hostile ones, imported with the importer (as a user would)."""
    d = tmp_path_factory.mktemp("hostile-output")
    db = demo.build_database(d / "mandate.duckdb")
    councils = write_csv(d / "councils.csv", [
        council("hostile", name=NAME, peer_group=PEER_GROUP, council_type=f"-Type {MARK}"),
        council("hostile-b", name=NAME_B, peer_group=PEER_GROUP),
    ], COUNCIL_COLUMNS)
    a = write_csv(d / "a.csv", _rows("hostile", ROUNDS, _people(), THEMES, NOTES))
    b = write_csv(d / "b.csv", _rows("hostile-b", ROUNDS[:1], _people(), THEMES[:1], NOTES))
    importer.import_files(db, councils, [a, b])
    return db


@pytest.fixture
def hostile_env(hostile_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANDATE_DB", str(hostile_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return hostile_db


def test_the_hostile_text_is_stored_as_typed(hostile_db: Path) -> None:
    """Guard: the importer keeps the hostile text (a tab or CR first included), so the tests below see it."""
    with storage.connect(hostile_db, read_only=True) as con:
        assert con.execute("SELECT name FROM councils WHERE council_id = 'hostile'").fetchone() == (NAME,)
        themes = {r[0] for r in con.execute("SELECT DISTINCT theme FROM answers WHERE council_id = 'hostile'")
                  .fetchall()}
        groups = {r[0] for r in con.execute("SELECT DISTINCT grp FROM answers WHERE council_id = 'hostile'")
                  .fetchall()}
    assert themes == {t for t, _ in THEMES}
    assert groups == {*GROUPS, OFFICER_GROUP}


# --- what the pages render ------------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


#: Proto fields Streamlit renders as Markdown, and the element types whose ``body`` is plain text.
MARKDOWN_FIELDS = {"body", "label", "help", "content", "caption"}
PLAIN_BODY = {"Text", "Metric", "Code", "Exception"}


def _strings(message: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field name, text) of every string field of a protobuf message, nested messages included."""
    for descriptor, value in message.ListFields():
        if descriptor.type == descriptor.TYPE_MESSAGE:
            items = value if descriptor.is_repeated else [value]
            for item in items:
                yield from _strings(item, descriptor.name)
        elif descriptor.type == descriptor.TYPE_STRING:
            items = value if descriptor.is_repeated else [value]
            for item in items:
                yield descriptor.name, item


def _unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def _figure_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _figure_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _figure_strings(v)


def audit(at: AppTest) -> tuple[list[str], str]:
    """Problems with how user text is rendered, and all the text a user can read (for the positive check)."""
    problems: list[str] = []
    readable: list[str] = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = type(proto).__name__
        if kind == "PlotlyChart":
            for text in _figure_strings(json.loads(proto.spec)):
                if MARK in text:
                    for literal in LITERALS:
                        if "<" in literal and literal in text:
                            problems.append(f"chart text not HTML-escaped: {text[:120]!r}")
                    readable.append(html.unescape(text))
            continue
        if kind == "Html":
            if MARK in proto.body:
                problems.append(f"st.html carries user text: {proto.body[:120]!r}")
            continue
        if kind == "Arrow" or kind == "Dataframe":
            continue
        for name, text in _strings(proto):
            if MARK not in text and not any(lit in text for lit in LITERALS):
                continue
            markdown = name in MARKDOWN_FIELDS and not (name == "body" and kind in PLAIN_BODY)
            if not markdown:
                readable.append(text)
                continue
            if kind == "Markdown" and proto.allow_html:
                problems.append(f"unsafe_allow_html Markdown carries user text: {text[:120]!r}")
            for literal in LITERALS:
                if literal in text:
                    problems.append(f"{kind}.{name} shows {literal!r} unescaped: {text[:160]!r}")
            readable.append(_unescape(text))
    for df in at.dataframe:
        readable.append(df.value.to_csv())
    return problems, "\n".join(readable)


def open_page(page: str, council_id: str = "hostile", **query: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update({"council": council_id, **query})
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return open_folded(at)  # every "numbers behind" table opened, as a user can (ui.folded)


def test_the_audit_notices_interpreted_user_text() -> None:
    """The checker itself: Markdown, unsafe HTML and an unescaped chart label are each reported."""
    def script() -> None:
        import plotly.graph_objects as go
        import streamlit as st

        st.markdown("**bold** Zork")
        st.markdown("<b>Zork</b>", unsafe_allow_html=True)
        st.warning("[link](http://x) Zork")
        st.plotly_chart(go.Figure(go.Bar(x=["<script>alert(1)</script> Zork"], y=[1])))
        st.text("**bold** <script>alert(1)</script> Zork")  # plain text: fine

    at = AppTest.from_function(script, default_timeout=30)
    at.run()
    problems, readable = audit(at)
    assert len([p for p in problems if "**bold**" in p]) == 1
    assert any("unsafe_allow_html" in p for p in problems)
    assert any("[link](http://x)" in p for p in problems)
    assert any("chart text not HTML-escaped" in p for p in problems)
    assert "**bold** <script>alert(1)</script> Zork" in readable


@pytest.mark.parametrize("page", PAGES)
def test_hostile_text_is_rendered_as_text_on_every_page(hostile_env: Path, page: str) -> None:
    at = open_page(page)
    problems, _ = audit(at)
    assert not problems, "\n".join(problems)


def test_the_council_page_shows_the_hostile_text_literally(hostile_env: Path) -> None:
    at = open_page("pages/2_Council.py")
    _, readable = audit(at)
    for text in [NAME, *NOTES]:
        assert text in readable, f"{text!r} is not shown literally"
    for theme, _key in THEMES:
        assert theme.strip() in readable


def test_the_alignment_page_shows_group_names_literally(hostile_env: Path) -> None:
    at = open_page("pages/3_Alignment.py")
    problems, readable = audit(at)
    assert not problems
    for group in GROUPS:
        assert group in readable, f"{group!r} is not shown literally"


def test_trends_buttons_naming_another_hostile_council_are_escaped(hostile_env: Path) -> None:
    """hostile-b has one round, so Trends offers buttons for councils with several: hostile is one of them."""
    at = open_page("pages/6_Trends.py", "hostile-b")
    labels = [b.proto.label for b in at.button if MARK in b.proto.label]
    assert labels, "the Trends page should offer the hostile council as a button"
    problems, _ = audit(at)
    assert not problems


@pytest.mark.parametrize("page", ["pages/8_Debrief.py", "pages/2_Council.py", "pages/4_Themes.py"])
def test_hostile_text_in_debrief_mode(hostile_env: Path, page: str) -> None:
    at = open_page(page, debrief="1")
    problems, _ = audit(at)
    assert not problems, "\n".join(problems)


def test_the_debrief_pack_escapes_user_text(hostile_db: Path) -> None:
    with storage.connect(hostile_db, read_only=True) as con:
        deck = debrief.build_deck(con, "hostile", None, "all", "key", 3)
    page = debrief_pack.pack_html(deck.name, deck.round, deck.workshop_date, [s.for_pack() for s in deck.slides])
    body = page.split("<body", 1)[1]
    for literal in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>r1</b>"):
        assert literal not in body
    assert html.escape(NAME) in body
    name = debrief_pack.pack_filename(deck.name, deck.workshop_date)
    assert re.fullmatch(r"debrief-[A-Za-z0-9-]{1,60}-[0-9-]+\.html", name), name


# --- downloads ---------------------------------------------------------------------------------------------


def _download_sets(con: Any, m: int = 3) -> dict[str, tuple[list[dict[str, Any]], Sequence[str] | None]]:
    """The rows each page passes to ui.downloads: the files of the views' numbers panels, as the pages and
    the Data page take them (ui.numbers_of, ui.panel_files), and the Data page's list of what is loaded."""
    from mandate_core import panels

    cat = catalog.load_catalog(con)
    labels = {str(c["council_id"]): str(c["name"]) for c in cat.councils}
    report = reports.council_report(con, "hostile", None, min_group=m)
    theme = report["themes"][0]["theme"]
    breakdown = metrics.group_breakdown(con, "hostile", report["round"], m)
    distribution = metrics.answer_distribution(con, "hostile", report["round"], m)
    view = findings.benchmark.benchmark_view(con, "hostile", None, "position", "ambition", PeerSet.parse("all"), m)
    trend = metrics.trend(con, "hostile", m)
    series = findings.trends.trend_series(trend)
    rounds = [str(r["round"]) for r in trend]
    changes = findings.trends.theme_changes(series[1:], rounds, "ambition")
    numbers = [
        panels.overview.numbers(metrics.sector_overview(con, None, min_group=m), m, labels=labels),
        panels.council.numbers(report, m),
        panels.alignment.group_numbers(report, breakdown, distribution, theme, "ambition", m),
        panels.alignment.theme_numbers(report, report["themes"], "ambition", m),
        panels.themes.numbers(metrics.theme_matrix(con, m), m),
        panels.benchmark.numbers(view, "position", "ambition", labels, council_name=report["name"],
                                 peer_set="All councils", peer_slug="all", min_group=m, anonymise=False),
        panels.trends.numbers(series, changes, rounds, "hostile", report["name"], "ambition", m),
    ]
    sets = {f"{panel.key}{file.suffix}": (list(file.rows), file.columns) for panel in numbers for file in panel.files}
    assert len(sets) == 9  # every view's file, the Benchmark's and the Trends' second files too
    return {**sets, "loaded": (findings.data.loaded_rows(cat), findings.data.LOADED_COLUMNS)}


def _cells(rows: Any) -> Iterator[Any]:
    for row in rows:
        yield from row


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_downloads_neutralise_formulas(hostile_db: Path) -> None:
    with storage.connect(hostile_db, read_only=True) as con:
        sets = _download_sets(con)
    seen_formula_text = 0
    for what, (rows, columns) in sets.items():
        assert rows, what
        parsed = list(csv.reader(io.StringIO(exports.to_csv_bytes(rows, columns).decode("utf-8-sig"), newline="")))
        for cell in _cells(parsed):
            if cell.startswith(FORMULA_STARTS):
                assert _is_number(cell), f"{what}: CSV cell {cell[:60]!r} would run as a formula"
            if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                seen_formula_text += 1
        wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(rows, columns)))
        for row in wb.active.iter_rows():  # type: ignore[union-attr]
            for cell in row:
                assert cell.data_type != "f", f"{what}: XLSX cell {cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), f"{what}: XLSX cell {cell.value[:60]!r}"
    assert seen_formula_text >= 5  # the hostile names, rounds, themes and groups did reach the downloads


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"])
def test_exports_neutralise_every_formula_start(value: str) -> None:
    rows = [{value: value, "n": -1.5}]
    text = exports.to_csv_bytes(rows).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed == [["'" + value, "n"], ["'" + value, "-1.5"]]
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(rows)))
    # A CR survives as CR with lxml installed (python-pptx brings it) and as LF with the standard XML
    # parser; the leading apostrophe is what matters, so both sides are compared with CR as LF.
    values = [[c.value.replace("\r", "\n") if isinstance(c.value, str) else c.value for c in r]
              for r in wb.active.iter_rows()]  # type: ignore[union-attr]
    stored = "'" + value.replace("\r", "\n")
    assert values == [[stored, "n"], [stored, -1.5]]


@pytest.mark.parametrize("stem", [NAME, NAME_B, "../../etc/passwd", "..\\..\\boot.ini", "CON", "a\x00b", "",
                                  "...", "x" * 500, "名前", "\u202ecod.exe", f"hostile-{ROUNDS[0][0]}-groups"])
def test_download_file_names_are_safe(stem: str) -> None:
    for ext in ("csv", "xlsx"):
        name = exports.safe_filename(stem, ext)
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}\." + ext, name), name
    pack = debrief_pack.pack_filename(stem, "2026-03-01")
    assert re.fullmatch(r"debrief-[A-Za-z0-9-]{1,60}-2026-03-01\.html", pack), pack


@pytest.mark.parametrize("name", ["../../etc/passwd.csv", "C:\\Users\\x\\evil.csv", ".hidden.csv", "a\x00b.csv",
                                  "<script>.csv", "x" * 500 + ".csv", "résumé ☃.xlsx", "", "....", "CON.csv"])
def test_upload_names_are_sanitised(name: str) -> None:
    safe = uploads.sanitize_name(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".") and len(safe) <= 111
    assert re.fullmatch(r"[A-Za-z0-9 ._()+-]+", safe), safe


# --- small groups never reach a download -----------------------------------------------------------------


SMALL = "Green Zork"  # two members: below the threshold of 3


@pytest.fixture(scope="module")
def small_group_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("small-group")
    people = ([(f"L{i}", "member", "Labour") for i in range(4)] + [(f"G{i}", "member", SMALL) for i in range(2)]
              + [(f"O{i}", "officer", "") for i in range(4)])
    councils = write_csv(d / "c.csv", [council("tiny"), council("other")], COUNCIL_COLUMNS)
    rows = _rows("tiny", [("2025 baseline", "2025-04-01")], people, [("Jobs", "economy"), ("Homes", "place")])
    for row in rows:  # the small group answers differently, so its mean would stand out
        if row["group"] == SMALL:
            row["change"] = "6" if row["horizon"] == "ambition" else "1"
    other = _rows("other", [("2025 baseline", "2025-04-02")], people[:4] + people[6:], [("Jobs", "economy")])
    db = d / "small.duckdb"
    importer.import_files(db, councils, [write_csv(d / "r.csv", rows + other)])
    return db


def _numbers(row: dict[str, Any]) -> list[Any]:
    return [v for k, v in row.items() if isinstance(v, int | float) and not isinstance(v, bool)]


def test_a_two_member_group_has_no_number_in_any_download(small_group_db: Path) -> None:
    m = 3
    with storage.connect(small_group_db, read_only=True) as con:
        report = reports.council_report(con, "tiny", None, min_group=m)
        breakdown = metrics.group_breakdown(con, "tiny", report["round"], m)
        distribution = metrics.answer_distribution(con, "tiny", report["round"], m)
    small_rows = [r for r in breakdown if r.get("group") == SMALL]
    assert small_rows and all(r["suppressed"] and r["n"] is None and r["position"] is None for r in small_rows)
    for theme in ("Jobs", "Homes"):
        for horizon in ("now", "next", "ambition"):
            rows = alignment.group_rows(breakdown, distribution, theme, horizon, m)
            small = [r for r in rows if SMALL in str(r["group"])]
            assert small, rows
            for r in small:
                assert not _numbers(r), f"a number for the two-member group reached a download: {r}"
                assert all(not _is_number(str(v)) for v in r.values() if v not in ("", None)), r
            # complementary suppression: with the members' total shown, hiding one group alone is not enough
            # (it would be members minus the others), so at least two political groups are hidden
            political = [r for r in rows if r["group"] not in ("All participants", "Officers", "Members")]
            members_shown = any(r["group"] == "Members" and _numbers(r) for r in rows)
            hidden = [r for r in political if not _numbers(r)]
            assert not members_shown or len(hidden) != 1, f"the two-member group = members − the others: {rows}"
    for what, rows in {"council": spectrum.council_rows(report, min_group=m),
                       "report": row_schemas.with_context("council", row_schemas.council(report, m),
                                                          focus_council=report["name"], min_group_size=m),
                       "alignment_themes": alignment.theme_alignment_rows(report["themes"], "ambition", m)}.items():
        for r in rows:
            assert not any(SMALL in str(v) for v in r.values()), f"{what} names the small group: {r}"
            assert "Green" not in json.dumps(r, default=str)
        # cross-party alignment needs two groups of 3 or more: with one, nothing is shown
        if what == "alignment_themes":
            assert all(not _is_number(str(r["cross_party_alignment"])) for r in rows)


def test_the_alignment_page_shows_no_number_for_the_two_member_group(small_group_db: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANDATE_DB", str(small_group_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    at = open_page("pages/3_Alignment.py", "tiny")
    tables = [df.value for df in at.dataframe]
    assert tables
    found = False
    for table in tables:
        for _, row in table.iterrows():
            if SMALL in " ".join(str(v) for v in row.values):
                found = True
                assert not any(_is_number(str(v)) for v in row.values if str(v) not in ("", "None", "nan")), dict(row)
    assert found
    for fig in (json.loads(el.proto.spec) for el in at.get("plotly_chart")):
        yaxis = fig["layout"].get("yaxis", {})
        ticks = dict(zip(yaxis.get("ticktext") or [], yaxis.get("tickvals") or [], strict=False))
        small_at = [v for text, v in ticks.items() if SMALL in text]
        for trace in fig["data"]:
            ys, xs = trace.get("y") or [], trace.get("x") or []
            for x, y in zip(xs, ys, strict=False):
                if y in small_at or (isinstance(y, str) and SMALL in y):
                    assert x is None, f"a chart plots {x} for the two-member group"
            for text in (trace.get("hovertext") or []) + (trace.get("text") or []):
                if isinstance(text, str) and SMALL in text:
                    assert "not shown" in text, text


# --- uploads --------------------------------------------------------------------------------------------


def test_the_server_upload_limit_matches_the_upload_check() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == uploads.MAX_UPLOAD_BYTES
    assert config["client"]["showErrorDetails"] in ("none", False)


class _Big:
    """An upload whose size is over the limit without allocating 200 MB."""

    def __init__(self, name: str, size: int) -> None:
        self.name, self.size, self.data = name, size, b""


@pytest.mark.parametrize(("name", "size", "words"), [
    ("big.csv", uploads.MAX_UPLOAD_BYTES + 1, "larger than"),
    ("r.xls", 10, ".xls"), ("r.txt", 10, ".txt"), ("r.csv.exe", 10, ".exe"), ("noextension", 10, "no extension"),
    ("<script>.html", 10, ".html"), ("r.csv", 0, "empty"),
])
def test_uploads_of_the_wrong_size_or_type_are_refused_with_a_message(name: str, size: int, words: str) -> None:
    reason = uploads.check_upload(_Big(name, size))  # type: ignore[arg-type]
    assert reason and words in reason


def test_an_upload_at_the_limit_is_accepted_by_the_check() -> None:
    assert uploads.check_upload(_Big("r.xlsx", uploads.MAX_UPLOAD_BYTES)) is None  # type: ignore[arg-type]
    assert uploads.check_upload(_Big("R.CSV", 1)) is None  # type: ignore[arg-type]


def test_refused_uploads_write_nothing(small_group_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copyfile(small_group_db, db)
    before = {t: storage_rows(db, t) for t in ("councils", "rounds", "answers")}
    outcome = uploads.import_uploads(db, None, [uploads.Upload("evil.xls", b"x"),
                                                uploads.Upload("../../r.csv", b"council_id\n=1+1\n")])
    assert not outcome.ok and outcome.total >= 1
    assert all(p["file"] and "/" not in p["file"] for p in outcome.problems)
    assert {t: storage_rows(db, t) for t in ("councils", "rounds", "answers")} == before


def storage_rows(db: Path, table: str) -> list[tuple[Any, ...]]:
    with storage.connect(db, read_only=True) as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
