"""AppTest of the Themes, Benchmark, Trends and Data pages: they render, their controls act, numbers agree.

The demo database is built once per session; a test that writes gets its own copy.  Each test sets
MANDATE_DB so the app opens that file.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers_import import COUNCIL_COLUMNS, RESPONSE_COLUMNS, council, workshop
from helpers_pages import open_folded
from streamlit.testing.v1 import AppTest

from mandate_core import demo, findings, reports, storage

REPO = Path(__file__).resolve().parent.parent
THEMES, BENCHMARK, TRENDS, DATA = "pages/4_Themes.py", "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("demo") / "mandate.duckdb")


@pytest.fixture
def demo_env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANDATE_DB", str(demo_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return demo_db


@pytest.fixture
def writable_demo(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mandate.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("MANDATE_DB", str(path))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return path


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "empty.duckdb"
    with storage.connect(path):
        pass
    monkeypatch.setenv("MANDATE_DB", str(path))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return path


def _open(page: str, council: str | None = None, **state: Any) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.run()
    if council is not None:
        at.selectbox(key="sb_council").set_value(council).run()
    for key, value in state.items():
        at.selectbox(key=key).set_value(value).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return open_folded(at)  # every "numbers behind" table opened, as a user can (ui.folded)


def _figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _titles(at: AppTest) -> list[str]:
    return [f["layout"]["title"]["text"].replace("<br>", " ") for f in _figures(at)]


def _texts(at: AppTest) -> str:
    parts = [x.value for x in [*at.info, *at.warning, *at.error, *at.success, *at.caption, *at.markdown]]
    return "\n".join(str(p) for p in parts)


# --- every page, demo and empty ------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "charts"), [(THEMES, 2), (BENCHMARK, 1), (TRENDS, 2), (DATA, 0)])
def test_pages_render_on_demo_data(demo_env: Path, page: str, charts: int) -> None:
    at = _open(page, "aldermoor")
    assert len(_figures(at)) == charts
    assert all(t for t in _titles(at))


@pytest.mark.parametrize("page", [THEMES, BENCHMARK, TRENDS])
def test_pages_send_an_empty_database_to_the_data_page(empty_db: Path, page: str) -> None:
    at = _open(page)
    assert not _figures(at)
    assert "No workshop results are loaded yet" in _texts(at)
    assert at.get("page_link")


def test_data_page_works_on_an_empty_database(empty_db: Path) -> None:
    at = _open(DATA)
    assert "Nothing is loaded yet" in _texts(at)
    assert [f.key for f in at.file_uploader] == ["data_councils_0", "data_responses_0"]
    assert at.button(key="data_import").disabled
    assert at.button(key="data_demo_rebuild").disabled
    # no data to download, only the two templates to start from
    assert {b.key for b in at.get("download_button")} == {f"data_tpl_{k}-{x}" for k in ("councils", "responses")
                                                          for x in ("csv", "xlsx")}
    # Rebuilding the demo database needs the confirmation, then loads it for every page.
    at.checkbox(key="data_demo_confirm_0").check().run()
    at.button(key="data_demo_rebuild").click().run()
    assert not at.exception
    assert "demo database was rebuilt" in _texts(at)
    assert [m.value for m in at.metric][:2] == ["28", "36"]
    assert not at.checkbox(key="data_demo_confirm_1").value


# --- Themes ------------------------------------------------------------------------------------------------


def test_themes_measure_control_switches_ambition_and_gap(demo_env: Path) -> None:
    at = _open(THEMES, "aldermoor")
    grid = _figures(at)[0]
    assert grid["data"][0]["colorbar"]["title"]["text"].startswith("Ambition")
    ambition_z = grid["data"][0]["z"]
    at.button_group(key="th_measure").set_value("gap").run()
    grid = _figures(at)[0]
    assert grid["data"][0]["colorbar"]["title"]["text"].startswith("Gap")
    assert grid["data"][0]["z"] != ambition_z
    assert _titles(at)[0].startswith("Councils want to move furthest on")


def test_themes_focus_row_and_bars_follow_the_council(demo_env: Path) -> None:
    at = _open(THEMES, "hollinshire")
    grid, bars = _figures(at)
    assert grid["data"][0]["y"][0] == "Hollinshire County Council"
    assert grid["layout"]["yaxis"]["ticktext"][0] == "<b>Hollinshire County Council</b>"
    assert _titles(at)[1].startswith("Hollinshire County Council aims highest on")
    # The bars are the council report's ambition positions, most ambitious first.
    with storage.connect(demo_env, read_only=True) as con:
        report = reports.council_report(con, "hollinshire", min_group=3)
    expected = sorted((t["ambition"]["position"] for t in report["themes"]), reverse=True)
    assert bars["data"][0]["x"] == pytest.approx(expected)
    # The line under the bars: the council and round as one sentence, then its themes by band.
    line = next(t for c in at.caption if (t := c.value.replace("\\", "")).startswith("Hollinshire County Council, "))
    assert line.startswith(f"Hollinshire County Council, {report['round']}. ") and " themes: " in line, line


def test_themes_in_debrief_name_only_the_focus_council(demo_env: Path) -> None:
    at = _open(THEMES, "kestrel-bay")
    at.toggle(key="sb_debrief").set_value(True).run()  # opens the slides first
    assert not at.exception
    open_folded(at.switch_page(THEMES).run())  # the pages stay reachable in debrief mode, anonymised
    assert not at.exception
    grid = _figures(at)[0]
    others = [y for y in grid["data"][0]["y"] if y != "Kestrel Bay Council"]
    assert others and all(y.startswith("Peer ") for y in others)
    spec = json.dumps(_figures(at))
    assert "Aldermoor" not in spec and "Brackenfield" not in spec
    table = next(d.value for d in at.dataframe if "name" in d.value.columns)  # the grid's, not the bars'
    assert set(table["name"]) - {"Kestrel Bay Council"} <= {f"Peer {i}" for i in range(1, 28)}


# --- Benchmark ---------------------------------------------------------------------------------------------


def _bench(at: AppTest) -> dict[str, Any]:
    fig = _figures(at)[0]
    return {t["name"]: t for t in fig["data"]}


@pytest.mark.parametrize(("metric", "horizon"), [("position", "ambition"), ("gap", None), ("risk", "now")])
def test_benchmark_numbers_equal_the_cli_report(demo_env: Path, metric: str, horizon: str | None) -> None:
    state = {"sb_horizon": horizon} if horizon else {}
    at = _open(BENCHMARK, "aldermoor", sb_peerset="all", **state)
    at.button_group(key="bm_metric").set_value(metric).run()
    assert not at.exception
    traces = _bench(at)
    themes = [None, *[k for k in ("economy", "communities", "health", "environment", "place", "learning",
                                   "digital", "organisation")]]
    with storage.connect(demo_env, read_only=True) as con:
        docs = {t: reports.benchmark_report(con, "aldermoor", metric, horizon, t, "all", min_group=3) for t in themes}
    covered = [t for t in themes if t is None or docs[t]["value"] is not None]
    table = at.table[0].value
    assert len(table) == len(covered)
    shown = [d for t in covered if (d := docs[t])["value"] is not None]
    assert traces["Aldermoor Borough Council"]["x"] == pytest.approx([d["value"] for d in shown])
    # Boxes (and percentiles) only where there are enough peers for quartiles to mean something.
    with_box = [docs[t] for t in covered if docs[t]["median"] is not None
                and docs[t]["peers"] >= findings.benchmark.MIN_PEERS_FOR_QUARTILES]
    box = traces["Middle half of peers"]
    assert box["median"] == pytest.approx([d["median"] for d in with_box])
    assert box["q1"] == pytest.approx([d["p25"] for d in with_box])
    assert box["q3"] == pytest.approx([d["p75"] for d in with_box])
    assert traces["Peer median"]["x"] == pytest.approx([docs[t]["median"] for t in covered
                                                       if docs[t]["median"] is not None])
    assert list(table["Percentile"]) == ["–" if docs[t]["percentile"] is None or findings.benchmark.few_peers(docs[t])
                                         else f"{docs[t]['percentile']:.0f}" for t in covered]
    assert list(table["Where it sits"]) == [findings.benchmark.quartile_words(docs[t]) for t in covered]


def test_benchmark_metric_and_peer_set_change_the_chart(demo_env: Path) -> None:
    at = _open(BENCHMARK, "brackenfield")
    first = _bench(at)
    assert "Peers" in first
    at.button_group(key="bm_metric").set_value("consensus").run()
    assert _figures(at)[0]["layout"]["xaxis"]["title"]["text"].startswith("Consensus")
    before = len(_bench(at)["Peers"]["x"])
    at.selectbox(key="sb_peerset").set_value("all").run()
    assert len(_bench(at)["Peers"]["x"]) > before
    assert "a prompt for questions, not a ranking" in _texts(at)  # plain words (issue 16), not "can opener"


def test_benchmark_with_few_peers_shows_no_quartiles(demo_env: Path) -> None:
    at = _open(BENCHMARK, "aldermoor")  # its peer group is small on most themes
    table = at.table[0].value
    few = table[table["Peers"] < findings.benchmark.MIN_PEERS_FOR_QUARTILES]
    assert len(few) >= 1
    assert set(few["Middle half"]) == {"–"} and set(few["Percentile"]) == {"–"}
    assert all("compare with care" in words for words in few["Where it sits"])
    ticks = " ".join(_figures(at)[0]["layout"]["yaxis"]["ticktext"])
    assert "compare with care" in ticks


def test_benchmark_with_no_peer_group_says_so_and_offers_another_set(demo_env: Path) -> None:
    at = _open(BENCHMARK, "zennor-cross", sb_peerset="peer_group")
    assert not _figures(at)
    assert "Zennor Cross Council has no peer group" in _texts(at)
    at.button(key="bm_use_nation").click().run()
    assert not at.exception
    assert at.selectbox(key="sb_peerset").value == "nation"
    assert len(_figures(at)) == 1


# --- Trends ------------------------------------------------------------------------------------------------


def test_trends_show_the_rounds_and_the_theme_control_acts(demo_env: Path) -> None:
    at = _open(TRENDS, "aldermoor")
    one, everything = _figures(at)
    with storage.connect(demo_env, read_only=True) as con:
        from mandate_core import metrics

        trend = metrics.trend(con, "aldermoor", min_group=3)
    ambition = next(t for t in one["data"] if t["name"].startswith("Ambition"))
    assert ambition["y"] == pytest.approx([r["overall"]["ambition"]["position"] for r in trend])
    assert _titles(at)[0].startswith("Ambition rose from")
    at.selectbox(key="tr_theme").set_value("sector:digital").run()
    assert _titles(at)[0].startswith("Ambition on “Smarter services”")
    assert len(everything["data"]) == len(trend[-1]["themes"])
    at.selectbox(key="sb_horizon").set_value("now").run()
    assert _titles(at)[1].startswith("Where change is now")


def test_trends_with_one_round_name_the_councils_that_have_more(demo_env: Path) -> None:
    at = _open(TRENDS, "carrow-dene")
    assert not _figures(at)
    text = _texts(at)
    assert "Carrow Dene Council has one workshop round so far" in text
    assert "Aldermoor Borough Council" in text and "Tolmount Council" in text
    at.button(key="tr_go_tolmount").click().run()
    assert not at.exception
    assert at.selectbox(key="sb_council").value == "tolmount"
    assert len(_figures(at)) == 2


# --- Data ------------------------------------------------------------------------------------------------


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buf.getvalue().encode()


def test_data_page_shows_what_is_loaded_and_offers_downloads(demo_env: Path) -> None:
    at = _open(DATA, "aldermoor")
    assert [m.value for m in at.metric] == ["28", "36", "725", "10,830"]
    keys = {b.key for b in at.get("download_button")}
    for stem in ("data_dl_loaded", "data_dl_overview", "data_dl_matrix", "data_dl_report"):
        assert {f"{stem}-csv", f"{stem}-xlsx"} <= keys
    assert len(at.dataframe[0].value) == 36
    # The database's file name, never the server's folders.
    caption = next(c.value.replace("\\", "") for c in at.caption if "Database file" in c.value)
    assert caption.endswith("mandate.duckdb") and str(demo_env.parent) not in caption


def test_data_upload_good_files_add_a_round_everywhere(writable_demo: Path) -> None:
    at = _open(DATA, "aldermoor")
    councils = _csv([council("newtown", name="Newtown Council", peer_group="Shire districts")],
                    list(COUNCIL_COLUMNS))
    responses = _csv(workshop("newtown", "2026 pilot", "2026-10-01"), list(RESPONSE_COLUMNS))
    at.file_uploader(key="data_councils_0").set_value(("councils.csv", councils, "text/csv")).run()
    at.file_uploader(key="data_responses_0").set_value([("newtown.csv", responses, "text/csv")]).run()
    assert not at.button(key="data_import").disabled
    at.button(key="data_import").click().run()
    assert not at.exception
    assert "Imported" in _texts(at)
    assert at.dataframe[-1].value["Round"].tolist() == ["2026 pilot"]
    assert [m.value for m in at.metric][:2] == ["29", "37"]
    # Fresh uploaders after a success; the new council is in the sidebar at once.
    assert [f.key for f in at.file_uploader] == ["data_councils_1", "data_responses_1"]
    assert "Newtown Council" in at.selectbox(key="sb_council").options


def test_data_upload_bad_file_shows_problems_and_writes_nothing(writable_demo: Path) -> None:
    from helpers_import import dump_db

    before = dump_db(writable_demo)
    at = _open(DATA, "aldermoor")
    rows = workshop("aldermoor", "2026 follow-up", "2026-08-18")
    rows[0]["change"] = "7"
    at.file_uploader(key="data_responses_0").set_value([("bad.csv", _csv(rows, list(RESPONSE_COLUMNS)), "text/csv")])
    at.run()
    at.checkbox(key="data_replace_0").check().run()
    assert "These rounds will be deleted and replaced" in _texts(at)
    assert "Aldermoor Borough Council — 2026 follow\\-up" in _texts(at)
    at.button(key="data_import").click().run()
    assert not at.exception
    assert "Import refused — nothing was written (1 problem)." in _texts(at)
    problems = at.dataframe[-1].value
    assert problems.to_dict("records") == [{"file": "bad.csv", "row": 2, "rows": "2", "column": "change",
                                            "problem": "must be a whole number from 1 to 6 (got '7')"}]
    assert dump_db(writable_demo) == before


def test_data_uploaders_accept_only_csv_and_xlsx(demo_env: Path) -> None:
    # Streamlit refuses any other extension itself; uploads.check_upload refuses it again (test_uploads).
    at = _open(DATA, "aldermoor")
    for key in ("data_councils_0", "data_responses_0"):
        assert at.file_uploader(key=key).allowed_type == [".csv", ".xlsx"]


def test_data_page_shows_refused_uploads_as_problem_rows(writable_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mandate_core import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    at = _open(DATA, "aldermoor")
    big = _csv(workshop("aldermoor"), list(RESPONSE_COLUMNS))
    at.file_uploader(key="data_responses_0").set_value([("big.csv", big, "text/csv")]).run()
    at.button(key="data_import").click().run()
    assert not at.exception
    problems = at.dataframe[-1].value.to_dict("records")
    assert len(problems) == 1 and problems[0]["file"] == "big.csv"
    assert "larger than the 200 MB limit" in problems[0]["problem"]


def test_data_page_counts_the_problems_beyond_fifty_and_hints_at_replace(writable_demo: Path) -> None:
    at = _open(DATA, "aldermoor")
    rows = workshop("aldermoor", "2026 follow-up", "2026-08-18", people=[(f"P{i}", "officer", "") for i in range(25)])
    for row in rows[:60]:
        row["change"] = "0"
    at.file_uploader(key="data_responses_0").set_value([("many.csv", _csv(rows, list(RESPONSE_COLUMNS)), "text/csv")])
    at.run()
    at.button(key="data_import").click().run()
    assert not at.exception
    # 50 problems shown, grouped by cause: the round already loaded, and one line for the bad change values
    problems = at.dataframe[-1].value.to_dict("records")
    assert [p["column"] for p in problems] == ["round", "change"], problems
    assert "tick “Replace rounds that are already loaded”" in problems[0]["problem"]
    assert "--replace" not in problems[0]["problem"]
    assert problems[1]["rows"].endswith("(49 rows)") and problems[1]["problem"].startswith("must be a whole")
    assert "more problems (first 50 shown)" in _texts(at)


def test_an_earlier_round_moves_the_bars_and_the_benchmark_but_not_the_sector_grid(demo_env: Path) -> None:
    at = _open(THEMES, "aldermoor", sb_round="2024 baseline")
    assert "The grid shows every council\\'s latest round" in _texts(at)  # Markdown text: the ' escaped
    with storage.connect(demo_env, read_only=True) as con:
        report = reports.council_report(con, "aldermoor", "2024 baseline", min_group=3)
        doc = reports.benchmark_report(con, "aldermoor", "position", "ambition", None, "peer_group",
                                       "2024 baseline", min_group=3)
    bars = _figures(at)[1]
    assert bars["data"][0]["x"] == pytest.approx(
        sorted((t["ambition"]["position"] for t in report["themes"]), reverse=True))
    at.switch_page(BENCHMARK).run()
    assert not at.exception
    assert _bench(at)["Aldermoor Borough Council"]["x"][0] == pytest.approx(doc["value"])
