"""Every page in debrief mode, on a database built to catch leaks: nothing names a peer, nothing orders by name.

Rule 6 of docs/disclosure.md and docs/dashboard.md#debrief-mode: an anonymised view shows no other council's name, id,
round label or notes, nor any text containing them, in the page elements, chart specs or downloads; anonymised rows are
ordered by value or by Peer number, never in the order of the real names.  The database is made so that each way of
leaking shows: a peer's round label holds its id and name, another's is glued to its id, the focus council's note
names peers (one with a Turkish dotted İ, which used to crash the anonymiser), peers write notes of their
own, and the peers' alphabetical order is the reverse of their value order.

Downloads are caught where they are made: ``download_button`` is wrapped so each file's bytes are built
(as a click would) and read back — CSV as text, XLSX through openpyxl.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import text_format
from helpers_pages import open_folded
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from mandate_core import importer

ROOT = Path(__file__).resolve().parent.parent
FOCUS, FOCUS_NAME = "home", "Homeford Council"
FOCUS_ROUNDS = {"2024 baseline": "2024-03-01", "2025 review": "2025-03-01"}
#: (id, name, round label, ambition score): names in alphabetical order, ambitions in the reverse order.
PEERS = [
    ("aldwych", "Aldwych Council", "aldwych spring 2024", 6),
    ("brackenfield", "Brackenfield District Council", "brackenfield-2024 Brackenfield District Council", 5),
    ("cobbleton", "Cobbleton Council", "cobbleton2024", 4),
    ("dunmere", "Dunmere District Council", "2024 baseline", 3),  # shares the focus council's label
    ("ilford", "Ilford Council", "Ilford Council 2024", 2),
    ("zedwick", "Zedwick Borough Council", "zedwick-2024", 1),
]
THEMES = (("Net zero", "environment"), ("Good jobs", "economy"))
FOCUS_NOTE = "Pool budgets with İlford Council and brackenfield, as ZEDWICK BOROUGH COUNCIL did"
PAGES = ["pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py", "pages/4_Themes.py",
         "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"]


def _responses(cid: str, rnd: str, date: str, ambition: int, note: str) -> list[list[str]]:
    rows = []
    for p in range(1, 7):
        role, group = ("member", "Labour" if p < 3 else "Green") if p <= 4 else ("officer", "")
        for theme, sector in THEMES:
            for horizon, change in (("now", 2), ("next", 3), ("ambition", ambition)):
                rows.append([cid, rnd, date, f"P{p}", role, group, theme, sector, horizon, str(change),
                             "3", note if (p == 1 and horizon == "ambition") else ""])
    return rows


def build_leaky_db(folder: Path) -> Path:
    """The database described above, imported with the importer (the browser test uses it too)."""
    councils = [["council_id", "name", "nation", "council_type", "population", "peer_group"],
                [FOCUS, FOCUS_NAME, "England", "Unitary", "100000", "Group A"]]
    # A peer group may be named after a council: the Overview's filter lists every group.
    councils += [[cid, name, "England", "Unitary", "90000", "Brackenfield family" if cid == "brackenfield"
                  else "Group A"] for cid, name, _r, _a in PEERS]
    responses = [["council_id", "round", "workshop_date", "participant", "role", "group", "theme",
                  "sector_theme", "horizon", "change", "risk", "note"]]
    for rnd, date in FOCUS_ROUNDS.items():
        responses += _responses(FOCUS, rnd, date, 4, FOCUS_NOTE)
    for cid, _name, rnd, ambition in PEERS:
        responses += _responses(cid, rnd, "2024-05-01", ambition, f"secret-note-of-{cid}")
    for name, rows in (("councils.csv", councils), ("responses.csv", responses)):
        with open(folder / name, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    db = folder / "anon.duckdb"
    importer.import_files(db, folder / "councils.csv", [folder / "responses.csv"])
    return db


@pytest.fixture(scope="module")
def leaky_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_leaky_db(tmp_path_factory.mktemp("anonymised"))


def _secrets() -> list[str]:
    """What must never be shown: every peer's name, id, own round label and notes (checked case-blind)."""
    out = [s for cid, name, rnd, _a in PEERS for s in (cid, name, f"secret-note-of-{cid}")]
    out += [rnd for _c, _n, rnd, _a in PEERS if rnd not in FOCUS_ROUNDS]
    out.append("lford council")  # "İlford Council" folds to "i̇lford council": the dotted İ is two characters
    return out


def leaks(text: str) -> list[str]:
    folded = text.casefold()
    return [s for s in _secrets() if s.casefold() in folded]


# --- what a page shows -------------------------------------------------------------------------------------


def _strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def page_text(at: AppTest) -> str:
    """Every element of the page as its protobuf text (unicode kept), chart specs decoded, tables as CSV."""
    parts = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        parts.append(text_format.MessageToString(proto, as_utf8=True))
        spec = getattr(proto, "spec", None)
        if isinstance(spec, str) and spec.startswith("{"):
            parts.extend(_strings(json.loads(spec)))
    parts += [el.value.to_csv() for el in (*at.dataframe, *at.table)]
    return "\n".join(parts)


def peer_number(value: object) -> int | None:
    m = re.fullmatch(r"Peer (\d+)", str(value or ""))
    return int(m.group(1)) if m else None


def assert_rows_in_peer_order(records: list[dict[str, Any]], where: str) -> None:
    """Peer rows come in Peer-number order and carry no round label; the focus council's rows come first."""
    column = next((c for c in ("council_id", "council", "name") if records and c in records[0]), None)
    if column is None:
        return
    numbers = [n for r in records if (n := peer_number(r[column])) is not None]
    assert numbers == sorted(numbers), f"{where}: peers in the order {numbers}"
    for r in records:
        if peer_number(r[column]) is not None:
            for key in ("round", "workshop_date", "latest_round"):
                value = r.get(key)
                assert value is None or value != value or value == "", f"{where}: a peer's {key} is shown: {r}"


def chart_orders(at: AppTest) -> None:
    """The benchmark strip lists each row's peer dots in Peer-number order (a JSON array is a list too), and
    no dot's vertical jitter is the one computed from a peer's real id (a hash anyone could recompute)."""
    from mandate_core.charts.benchmark import _jitter

    for el in at.get("plotly_chart"):
        for trace in json.loads(el.proto.spec)["data"]:
            if trace.get("name") != "Peers" or not trace.get("customdata"):
                continue
            by_row: dict[int, list[int]] = {}
            for y, label in zip(trace["y"], trace["customdata"], strict=False):
                label = label[0] if isinstance(label, list) else label
                if (n := peer_number(label)) is not None:
                    by_row.setdefault(int(y), []).append(n)
                offset = y - int(y)
                assert all(abs(offset - 0.3 - _jitter(cid, int(y))) > 1e-9 for cid, *_ in PEERS), (
                    f"a dot's jitter gives away its council: {label}")
            for y, numbers in by_row.items():
                assert numbers == sorted(numbers), f"strip row {y}: peers in the order {numbers}"


def _zip_text(content: bytes) -> str:
    """Every text part of a zip (an Office file), and of the workbooks embedded in it."""
    import zipfile

    parts = []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if data[:2] == b"PK":
                parts.append(_zip_text(data))
            else:
                parts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


class Downloads:
    """Every download button's file, built as a click would build it."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def wrap(self, original: Any) -> Any:
        def download_button(dg: DeltaGenerator, label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
            content = data() if callable(data) else data
            content = content.encode("utf-8") if isinstance(content, str) else content
            self.files[f"{kwargs.get('key')}:{kwargs.get('file_name')}"] = bytes(content)
            return original(dg, label, data, *args, **kwargs)

        return download_button

    def texts(self) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
        """(name, every string in the file, its rows) for each file seen."""
        from openpyxl import load_workbook

        for name, content in self.files.items():
            if name.endswith(".csv"):
                text = content.decode("utf-8-sig")
                yield name, text, list(csv.DictReader(io.StringIO(text)))
            elif name.endswith(".xlsx"):
                ws = load_workbook(io.BytesIO(content), read_only=True).active
                cells = [list(r) for r in ws.iter_rows(values_only=True)]
                head = [str(c) for c in cells[0]] if cells else []
                rows = [dict(zip(head, r, strict=False)) for r in cells[1:]]
                yield name, "\n".join(str(c) for r in cells for c in r if c is not None), rows
            elif content[:2] == b"PK":  # another Office file (the PowerPoint deck): every part, charts' data too
                yield name, _zip_text(content), []
            else:
                yield name, content.decode("utf-8"), []


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    seen = Downloads()
    monkeypatch.setattr(DeltaGenerator, "download_button", seen.wrap(DeltaGenerator.download_button))
    return seen


@pytest.fixture
def app(leaky_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MANDATE_DB", str(leaky_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update({"council": FOCUS, "debrief": "1"})
    at.run()
    assert not at.exception, at.exception
    return at


def _check_page(at: AppTest, where: str) -> str:
    open_folded(at)  # the tables a user can open are checked too (they are built only when opened)
    assert not at.exception, f"{where}: {at.exception}"
    text = page_text(at)
    assert leaks(text) == [], where
    for el in (*at.dataframe, *at.table):
        assert_rows_in_peer_order(el.value.to_dict("records"), f"{where} table")
    chart_orders(at)
    return text


# --- the tests ---------------------------------------------------------------------------------------------


def test_the_database_really_is_leaky(leaky_db: Path) -> None:
    """Without the anonymiser the names, ids, round labels and the İ note would all be there to leak."""
    import duckdb

    con = duckdb.connect(str(leaky_db), read_only=True)
    try:
        stored = "\n".join(str(v) for row in con.execute(
            "SELECT * FROM councils").fetchall() + con.execute("SELECT * FROM rounds").fetchall() for v in row)
        notes = [r[0] for r in con.execute("SELECT DISTINCT note FROM answers WHERE note <> ''").fetchall()]
    finally:
        con.close()
    assert set(leaks(stored)) >= {s for s in _secrets() if "secret-note" not in s} - {"lford council"}
    assert FOCUS_NOTE in notes


def test_every_debrief_slide_and_the_pack_name_no_peer(app: AppTest, downloads: Downloads) -> None:
    shown = []
    for _ in range(10):
        shown.append(_check_page(app, f"slide {app.query_params.get('slide', '1')}"))
        if app.button(key="db_next").disabled:
            break
        app.button(key="db_next").click().run()
    everything = "\n".join(shown)
    assert "Peer " in everything and FOCUS_NAME in everything
    assert "Pool budgets with Peer" in everything, "the focus council's own note is shown, anonymised"
    pack = [text for name, text, _rows in downloads.texts() if name.endswith(".html")]
    assert pack, "the debrief pack was offered"
    body = pack[-1].split("</head>", 1)[1]
    assert leaks(body) == []
    assert FOCUS_NAME in body and "Pool budgets with Peer" in body


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_debrief_mode_names_no_peer_and_orders_no_row_by_name(
    app: AppTest, downloads: Downloads, page: str
) -> None:
    app.switch_page(page).run()
    _check_page(app, page)
    if page.endswith("Overview.py"):
        options = app.selectbox(key="ov_round").options
        assert set(options) <= {"Latest round", *FOCUS_ROUNDS}, options
        for option in options:  # every round the picker offers, anonymised the same way
            app.selectbox(key="ov_round").set_value(option).run()
            _check_page(app, f"{page} round {option}")
    assert downloads.files or page.endswith(("Council.py", "Alignment.py", "Trends.py")), "no download seen"
    for name, text, rows in downloads.texts():
        assert leaks(text) == [], f"{page}: download {name}"
        assert leaks(name) == [], f"{page}: file name {name}"
        assert_rows_in_peer_order(rows, f"{page}: download {name}")


def test_the_pack_the_pages_and_the_downloads_number_each_peer_the_same_way(
    app: AppTest, downloads: Downloads
) -> None:
    """Each peer has its own ambition score here, so a score identifies a peer: the debrief's peer slide, the
    Benchmark page's peer download and the Data page's overview download must give it the same label."""
    for _ in range(4):
        app.button(key="db_next").click().run()
    assert "slide 5 of" in "".join(m.value for m in app.markdown)
    strip = next(t for el in app.get("plotly_chart") for t in json.loads(el.proto.spec)["data"]
                 if t.get("name") == "Peers")
    on_slide = {round(x, 6): label for x, y, label in zip(strip["x"], strip["y"], strip["customdata"], strict=True)
                if int(y) == 0}
    assert len(on_slide) >= len(PEERS) - 1 and len(set(on_slide.values())) == len(on_slide)  # its peer group
    app.switch_page("pages/5_Benchmark.py").run()
    peer_rows = next(rows for name, _t, rows in downloads.texts() if name.startswith("bm_dl_peers-csv"))
    on_benchmark = {round(float(r["value"]), 6): r["name"] for r in peer_rows if r["theme"] == "overall"}
    app.switch_page("pages/7_Data.py").run()
    overview = next(rows for name, _t, rows in downloads.texts() if name.startswith("data_dl_overview-csv"))
    on_data = {round(float(r["ambition_position"]), 6): r["council_id"] for r in overview
               if peer_number(r["council_id"]) is not None}
    assert on_slide == on_benchmark == {value: label for value, label in on_data.items() if value in on_slide}
