"""One row schema per view (issue 12): each view's download holds the rows of its on-screen numbers table —
the same columns in the same order and the same values, rounded as on screen — with the view's context
columns in front, and the Data page's download of a view is that view's own file."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from helpers_pages import open_folded
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from mandate_core import demo, disclosure, findings, metrics, reports, rows, storage
from mandate_core.text import fmt

REPO = Path(__file__).resolve().parent.parent
OVERVIEW, COUNCIL, ALIGNMENT, THEMES = "pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py", \
    "pages/4_Themes.py"
BENCHMARK, TRENDS, DATA = "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"
#: A demo council with two rounds (Trends has a table) and a peer group (Benchmark has peers).
FOCUS = "aldermoor"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("rowsdemo") / "mandate.duckdb")


@pytest.fixture
def demo_env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANDATE_DB", str(demo_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return demo_db


class Files:
    """Every download button's (file name, bytes) by key, built as a click would build it."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, bytes]] = {}

    def wrap(self, original: Any) -> Any:
        def button(dg: DeltaGenerator, label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
            content = data() if callable(data) else data
            self.seen[str(kwargs.get("key"))] = (str(kwargs.get("file_name")), bytes(content))
            return original(dg, label, data, *args, **kwargs)

        return button

    def csv(self, key: str) -> tuple[str, list[str], list[dict[str, str]]]:
        name, content = self.seen[f"{key}-csv"]
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        found = list(reader)
        return name, list(reader.fieldnames or []), found


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> Files:
    seen = Files()
    monkeypatch.setattr(DeltaGenerator, "download_button", seen.wrap(DeltaGenerator.download_button))
    return seen


def _open(page: str, council: str | None = FOCUS, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    if query:
        at.query_params.update(query)
    at.run()
    if council is not None and not query:
        at.selectbox(key="sb_council").set_value(council).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return open_folded(at)  # every "numbers behind" table opened, as a user can


def _cell(value: Any) -> str:
    """A cell as text, the way the CSV writes it: blank for nothing, numbers without trailing zeros."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value)
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        text = str(value)
        return text[1:] if text.startswith("'") else text  # the spreadsheet guard's apostrophe


def _screen_tables(at: AppTest) -> list[tuple[list[str], list[list[str]]]]:
    out = []
    for el in at.dataframe:
        df = el.value
        out.append(([str(c) for c in df.columns], [[_cell(v) for v in row] for row in df.itertuples(index=False)]))
    return out


def _file_body(columns: list[str], found: list[dict[str, str]], view: str) -> tuple[list[str], list[list[str]]]:
    context = list(rows.VIEW_CONTEXT[view])
    assert columns[:len(context)] == context, f"{view}: the context columns are not first: {columns}"
    body = columns[len(context):]
    return body, [[_cell(r[c]) for c in body] for r in found]


def _assert_file_is_a_screen_table(at: AppTest, files: Files, key: str, view: str) -> list[dict[str, str]]:
    name, columns, found = files.csv(key)
    assert found, f"{key}: the download is empty"
    body, values = _file_body(columns, found, view)
    tables = _screen_tables(at)
    same = [t for t in tables if t[0] == body]
    assert same, f"{key}: no table on screen has the download's columns {body}; on screen: {[t[0] for t in tables]}"
    assert any(t[1] == values for t in same), f"{key}: the download's values differ from the table on screen"
    for c in rows.VIEW_CONTEXT[view]:
        assert c == "focus_round" or len({r[c] for r in found}) == 1, (key, c)
    assert {r["min_group_size"] for r in found} == {str(disclosure.configured_min_group())}
    return found


# --- every view: the download is the numbers table plus its context --------------------------------------


def test_overview_download_is_its_numbers_table(demo_env: Path, files: Files) -> None:
    at = _open(OVERVIEW)
    found = _assert_file_is_a_screen_table(at, files, "ov_download", "overview")
    assert {r["round_shown"] for r in found} == {rows.LATEST}
    assert files.csv("ov_download")[0] == "sector-overview-latest.csv"


def test_council_download_is_its_numbers_table(demo_env: Path, files: Files) -> None:
    at = _open(COUNCIL)
    found = _assert_file_is_a_screen_table(at, files, "co_download", "council")
    rnd = found[0]["focus_round"]
    assert {r["focus_council"] for r in found} == {"Aldermoor Borough Council"}
    assert files.csv("co_download")[0] == f"council-report-{FOCUS}-{findings.common.slug(rnd)}.csv"


def test_alignment_downloads_are_their_numbers_tables(demo_env: Path, files: Files) -> None:
    at = _open(ALIGNMENT)
    groups = _assert_file_is_a_screen_table(at, files, "al_dl_groups", "alignment_groups")
    themes = _assert_file_is_a_screen_table(at, files, "al_dl_themes", "alignment_themes")
    assert {r["focus_council"] for r in groups + themes} == {"Aldermoor Borough Council"}
    name = files.csv("al_dl_groups")[0]
    assert name.startswith(f"alignment-groups-{FOCUS}-") and name.endswith("-ambition.csv"), name
    assert files.csv("al_dl_themes")[0].startswith(f"alignment-themes-{FOCUS}-")


def test_themes_download_is_its_numbers_table_rounded_as_shown(demo_env: Path, files: Files) -> None:
    at = _open(THEMES)
    found = _assert_file_is_a_screen_table(at, files, "th_dl", "themes")
    assert files.csv("th_dl")[0] == "theme-matrix-latest.csv"
    for r in found:
        for c in ("ambition", "now", "gap"):
            assert r[c] == "" or len(r[c].split(".")[-1]) <= 1 or "." not in r[c], (c, r[c])


def test_trends_download_is_its_numbers_table(demo_env: Path, files: Files) -> None:
    at = _open(TRENDS)
    _assert_file_is_a_screen_table(at, files, "tr_dl", "trends")
    assert files.csv("tr_dl")[0] == f"trends-{FOCUS}-ambition.csv"
    name, columns, found = files.csv("tr_dl_rounds")
    assert columns[:2] == list(rows.VIEW_CONTEXT["trends_rounds"]) and found
    assert name == f"trends-every-round-{FOCUS}.csv"


def test_benchmark_download_holds_the_numbers_of_its_table(demo_env: Path, files: Files) -> None:
    at = _open(BENCHMARK)
    name, columns, found = files.csv("bm_dl")
    assert columns == [*findings.benchmark.CONTEXT_COLUMNS, *findings.benchmark.BENCHMARK_COLUMNS]
    table = at.table[0].value
    assert list(table["Theme"]) == [r["theme_label"] for r in found]
    metric = found[0]["metric"]
    for key, shown in (("value", "This council"), ("median", "Peer median")):
        assert list(table[shown]) == [fmt(float(r[key]) if r[key] else None, metric) for r in found]
    assert list(table["Where it sits"]) == [r["in_words"] for r in found]
    assert name.startswith(f"benchmark-{FOCUS}-")


# --- the Data page's download of a view is that view's file ------------------------------------------------


def test_data_page_downloads_have_the_views_schemas(demo_env: Path, files: Files) -> None:
    seen: dict[str, tuple[str, list[str], list[dict[str, str]]]] = {}
    for page, key in ((OVERVIEW, "ov_download"), (COUNCIL, "co_download"), (THEMES, "th_dl")):
        _open(page)
        seen[key] = files.csv(key)
    _open(DATA)
    for view_key, data_key in (("ov_download", "data_dl_overview"), ("co_download", "data_dl_report"),
                               ("th_dl", "data_dl_matrix")):
        name, columns, found = files.csv(data_key)
        assert columns == seen[view_key][1], f"{data_key} and {view_key} have different columns"
        # with no filter and the latest round, the two files are the same file
        assert (name, found) == (seen[view_key][0], seen[view_key][2]), data_key


def test_anonymised_overview_and_data_downloads_share_a_schema(demo_env: Path, files: Files) -> None:
    at = _open(OVERVIEW, query={"council": FOCUS, "debrief": "1"})
    overview = files.csv("ov_download")
    at.switch_page(DATA).run()
    data = files.csv("data_dl_overview")
    assert overview[1] == data[1]
    assert not {"nation", "council_type", "peer_group", "workshop_date"} & set(data[1])
    names = {r["council_id"] for r in data[2]} - {FOCUS}
    assert names and all(n.startswith("Peer ") for n in names)


# --- the builders themselves ---------------------------------------------------------------------------------


def test_with_context_puts_the_views_context_first_and_refuses_others() -> None:
    out = rows.with_context("council", [{"theme": "Jobs"}], focus_council="A", focus_round="r1", min_group_size=3)
    assert out == [{"focus_council": "A", "focus_round": "r1", "min_group_size": 3, "theme": "Jobs"}]
    with pytest.raises(ValueError, match="peer_set"):
        rows.with_context("council", [], peer_set="all")
    assert rows.file_stem("council-report", "a", "2024 Baseline", None, "") == "council-report-a-2024-baseline"


def test_no_suppressed_number_reaches_a_views_rows(demo_db: Path) -> None:
    m = 3
    with storage.connect(demo_db, read_only=True) as con:
        matrix = metrics.theme_matrix(con, m)
        report = reports.council_report(con, "elmstead-vale", None, min_group=m)
        overview = metrics.sector_overview(con, None, min_group=m)
        series = findings.trends.trend_series(metrics.trend(con, FOCUS, m))
    hidden = [r for r in rows.themes(matrix) if r["suppressed"]]
    assert all(r["ambition"] is None and r["now"] is None and r["gap"] is None for r in hidden)
    for r in rows.council(report, m):
        if r["band"] == "":
            assert not isinstance(r["position"], float) and not isinstance(r["participants"], int)
    by_id = {r["council_id"]: r for r in overview}
    for r in rows.overview(overview, m):
        source = by_id[r["council_id"]]
        for h in ("now", "next", "ambition"):
            if source[h].get("suppressed"):
                assert not isinstance(r[f"{h}_position"], float)
    every_round = rows.trend_rounds(series, [str(r) for r in series[0].points])
    assert every_round and all(r["position"] is None and r["n"] is None for r in every_round if r["suppressed"])
