"""Panels (mandate_core.panels): one finding's figure, takeaway, "How to read this", text alternative and
numbers, built once and shown by the pages and the debrief deck alike (issue 12)."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pytest

from mandate_core import debrief, demo, findings, metrics, reports, storage
from mandate_core.benchmarking import PeerSet
from mandate_core.charts.base import figure_alt, figure_table, plain
from mandate_core.panels import (
    Panel,
    alignment,
    benchmark,
    council,
    figure_title,
    overview,
    reading,
    text_panel,
    themes,
)
from mandate_core.panels import trends as trend_panels

ROOT = Path(__file__).resolve().parents[1]
M = 3


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    db = demo.build_database(tmp_path_factory.mktemp("panels") / "demo.duckdb")
    with storage.connect(db, read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def report(con: duckdb.DuckDBPyConnection) -> dict:
    council_id = str(metrics.list_councils(con)[0]["council_id"])
    return reports.council_report(con, council_id, None, min_group=M)


def test_a_panel_reads_its_numbers_off_its_figure_unless_it_has_rows(report: dict) -> None:
    panel = council.themes(report, M)
    assert panel.numbers() == figure_table(panel.figure)
    given = Panel("x.y", "A finding", "How", panel.figure, rows=[{"Theme": "T", "Now": 2.5}])
    assert given.numbers() == [{"Theme": "T", "Now": 2.5}]
    assert given.numbers() is not given.rows  # a copy: the shared panel's rows are never handed out to change


def test_the_text_alternative_is_the_takeaway_title_in_plain_words(report: dict) -> None:
    panel = council.journey(report, M)
    assert panel.alt == figure_alt(panel.figure) == plain(panel.figure.layout.title.text)
    assert text_panel("a.b", "Nothing to compare", "How").alt == "Nothing to compare"


def test_council_panels_carry_the_council_takeaways_and_reading_notes(report: dict) -> None:
    journey = council.journey(report, M)
    assert journey.takeaway == findings.council.overall_sentence(report["overall"], M)
    assert journey.heading == "Where we are, and where we want to go"
    assert journey.how_to_read == reading.how_to_read_council(M)
    spectrum_panel = council.themes(report, 5)
    assert spectrum_panel.how_to_read == reading.how_to_read_council(5)  # the threshold is the view's own
    assert spectrum_panel.takeaway == figure_title(spectrum_panel.figure) and spectrum_panel.takeaway
    assert council.risk(report, M).how_to_read == reading.how_to_read_risk(M)
    consensus = council.consensus(report, "now", M)
    assert consensus.how_to_read == reading.how_to_read_consensus()
    assert consensus.takeaway == figure_title(consensus.figure)


def test_the_alignment_panels_fall_back_to_their_sentence_when_nothing_can_be_compared(report: dict) -> None:
    themes_ = report["themes"]
    gap = alignment.gap(themes_, "ambition", M)
    assert gap.takeaway == findings.alignment.officer_member_takeaway(themes_, "ambition", M)
    assert (gap.figure is not None) == alignment.has_gap(themes_, "ambition")
    hidden = [{**t, "officer_member_gap": {}, "cross_party_alignment": {}} for t in themes_]
    alone = alignment.gap(hidden, "ambition", M)
    assert alone.figure is None and alone.heading == alignment.GAP_HEADING and alone.numbers() == []
    cross = alignment.cross_party(hidden, "ambition")
    assert cross.figure is None and cross.takeaway == findings.alignment.alignment_takeaway(hidden, "ambition")


def test_group_and_distribution_panels(con: duckdb.DuckDBPyConnection, report: dict) -> None:
    breakdown = metrics.group_breakdown(con, report["council_id"], report["round"], min_group=M)
    counts = metrics.answer_distribution(con, report["council_id"], report["round"], min_group=M)
    theme = report["themes"][0]["theme"]
    from mandate_core.charts import alignment as charts

    groups = alignment.groups(breakdown, theme, "ambition", M, charts.group_styles(breakdown))
    assert groups.how_to_read == reading.how_to_read_groups(M) and groups.takeaway
    spread = alignment.distribution(counts, theme, "ambition", M)
    assert spread.how_to_read == reading.how_to_read_distribution(M) and spread.figure is not None


def test_themes_benchmark_overview_and_trend_panels(con: duckdb.DuckDBPyConnection, report: dict) -> None:
    summary = metrics.council_summary(con, report["council_id"], report["round"], M)
    bars = findings.themes.focus_theme_bars(summary)
    ranked = themes.ranked(bars, report["name"], M)
    assert ranked.takeaway == findings.themes.focus_themes_takeaway(report["name"], bars)
    assert ranked.heading == themes.RANKED_HEADING and ranked.how_to_read == reading.HOW_TO_READ_BARS

    view = findings.benchmark.benchmark_view(con, report["council_id"], report["round"], "position", "ambition",
                              PeerSet.parse("all"), M)
    strip = benchmark.strip(view, {}, report["name"], M, heading="Against everyone")
    assert (
        strip.takeaway == findings.benchmark.benchmark_takeaway(view, report["name"])
        and strip.heading == "Against everyone"
    )
    assert benchmark.no_peers().takeaway == benchmark.NO_PEERS and benchmark.no_peers().figure is None

    rows = metrics.sector_overview(con, min_group=M)
    sector = overview.sector(rows, M)
    assert sector.how_to_read == reading.how_to_read_overview(M) and sector.takeaway

    trend = metrics.trend(con, report["council_id"], M)
    series = findings.trends.trend_series(trend)
    rounds = [str(r["round"]) for r in trend]
    dates = [str(r["workshop_date"]) for r in trend]
    one = trend_panels.one_series(series[0], rounds, dates, "ambition", M)
    assert one.takeaway == findings.trends.trend_takeaway(series[0], rounds, "ambition")
    assert one.how_to_read == reading.HOW_TO_READ_ONE


def test_the_debrief_deck_is_made_of_the_same_panels(con: duckdb.DuckDBPyConnection, report: dict) -> None:
    deck = debrief.build_deck(con, report["council_id"], None, "all", key="k", min_group=M)
    by_key = {s.key: s for s in deck.slides}
    journey = council.journey(report, M, debrief=True)
    assert by_key["overall"].heading == journey.heading and by_key["overall"].how_to_read == journey.how_to_read
    assert by_key["themes"].takeaway == council.themes(report, M, debrief=True).takeaway
    assert by_key["themes"].heading == council.THEMES_HEADING
    summary = metrics.council_summary(con, report["council_id"], report["round"], M)
    assert (
        by_key["ambition"].takeaway
        == themes.ranked(findings.themes.focus_theme_bars(summary), report["name"], M).takeaway
    )


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def test_pages_lay_out_panels_and_never_a_bare_chart_builder() -> None:
    """Every chart on a page comes from a panel (``ui.show``); no page builds a figure or calls ``ui.chart``
    itself, so a chart's words and numbers cannot drift from the deck's."""
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            func = call.func
            name = ast.unparse(func)
            # The Debrief page draws the deck's slides, which are panels made into slides (debrief.Slide.of).
            allowed = ("ui.plotly_chart",) if path.name == "8_Debrief.py" else ()
            assert name in allowed or name not in ("ui.chart", "ui.plotly_chart", "st.plotly_chart"), \
                f"{path.name}: {name}"
            if name == "ui.figure":
                builder = ast.unparse(call.args[0])
                assert not builder.startswith(("spectrum.", "alignment.", "theme_charts.", "benchmark_charts.",
                                               "trend_charts.")), f"{path.name}: ui.figure({builder}, …)"
        imports = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        for line in imports:
            assert "charts import benchmark" not in line and "charts import trends" not in line, f"{path.name}: {line}"


# --- numbers panels: the table behind a page's charts and the files it downloads as ----------------------


def test_a_numbers_panel_holds_its_table_and_files_and_no_figure() -> None:
    from mandate_core.panels import File, numbers_panel, view_file

    rows = [{"theme": "Digital", "ambition": 3.25}]
    file = view_file("themes", rows, ("theme-matrix", "latest"), round_shown="latest", min_group_size=5)
    assert file.stem == "theme-matrix-latest"
    # The context columns first, in the schema's order, then the row unchanged.
    assert file.rows == [{"round_shown": "latest", "min_group_size": 5, "theme": "Digital", "ambition": 3.25}]
    with pytest.raises(ValueError, match="no context column"):
        view_file("themes", rows, ("x",), peer_set="all")  # a column the view's schema does not have
    extra = File("b", [{"a": 1}], caption="Second:", suffix="_b")
    panel = numbers_panel("t.numbers", "Numbers", rows, file, extra, says="Every theme")
    assert panel.figure is None and panel.table == rows and panel.files == (file, extra)
    assert (panel.heading, panel.takeaway) == ("Numbers", "Every theme")


def test_each_view_downloads_exactly_its_table_with_its_context(con: duckdb.DuckDBPyConnection, report: dict) -> None:
    from mandate_core import rows as row_schemas
    from mandate_core.charts import spectrum

    panel = council.numbers(report, M)
    (file,) = panel.files
    assert file.stem == f"council-report-{report['council_id']}-{findings.common.slug(report['round'])}"
    assert file.rows == row_schemas.with_context("council", row_schemas.council(report, M),
                                                 focus_council=report["name"], focus_round=report["round"],
                                                 min_group_size=M)
    assert panel.table == spectrum.display_table(row_schemas.council(report, M))
    assert file.rows[0]["min_group_size"] == M and file.rows[0]["focus_council"] == report["name"]

    sector = metrics.sector_overview(con, None, min_group=M)
    plain_panel = overview.numbers(sector, M)
    filtered = overview.numbers(sector[:3], M, round_shown="Round 1", filtered=True)
    assert plain_panel.files[0].stem == "sector-overview-latest"
    assert filtered.files[0].stem == "sector-overview-round-1-filtered"
    assert {r["round_shown"] for r in filtered.files[0].rows} == {"Round 1"}
    assert len(filtered.files[0].rows) == len(filtered.table) == 3
    # One row per council on screen and in the file, in the same order.
    assert [r["council"] for r in plain_panel.files[0].rows] == [r["council"] for r in row_schemas.overview(sector, M)]


def test_the_data_page_offers_the_very_files_the_topic_pages_do(con: duckdb.DuckDBPyConnection) -> None:
    """The Data page's theme matrix is the Themes page's panel, so its file cannot drift from the grid's."""
    matrix = metrics.theme_matrix(con, M)
    grid_file = themes.numbers(matrix, M).files[0]
    assert grid_file.stem == "theme-matrix-latest"
    assert [{k: v for k, v in r.items() if k not in ("round_shown", "min_group_size")} for r in grid_file.rows] \
        == themes.numbers(matrix, M).table
    # A suppressed cell is words or blank in the table and in the file alike, never a number.
    hidden = [r for r in matrix if r.get("ambition") is None]
    assert all(r["ambition"] is None for r in grid_file.rows if r["council_id"] in {h["council_id"] for h in hidden}
               and r["theme"] in {h["theme"] for h in hidden if h["council_id"] == r["council_id"]})


def test_trend_and_benchmark_numbers_have_two_files_each(con: duckdb.DuckDBPyConnection) -> None:
    cid = next(c for c in metrics.list_councils(con) if len(metrics.trend(con, c["council_id"], M)) >= 2)["council_id"]
    trend = metrics.trend(con, cid, M)
    series = findings.trends.trend_series(trend)
    rounds = [str(r["round"]) for r in trend]
    changes = findings.trends.theme_changes(series[1:], rounds, "ambition")
    panel = trend_panels.numbers(series, changes, rounds, cid, "Name", "ambition", M)
    assert [f.stem for f in panel.files] == [f"trends-{findings.common.slug(cid)}-ambition",
                                             f"trends-every-round-{findings.common.slug(cid)}"]
    assert [f.suffix for f in panel.files] == ["", "_rounds"] and panel.files[1].caption
    assert len(panel.files[0].rows) == len(panel.table) == len(changes)

    view = findings.benchmark.benchmark_view(con, cid, None, "position", "ambition", PeerSet.parse("all"),
                                             min_group=M)
    labels = {str(c["council_id"]): str(c["name"]) for c in metrics.list_councils(con)}
    bench = benchmark.numbers(view, "position", "ambition", labels, council_name="Name", peer_set="All councils",
                              peer_slug="all", min_group=M, anonymise=False)
    table, peers = bench.files
    assert table.stem.startswith(f"benchmark-{findings.common.slug(cid)}-") and table.stem.endswith("-all")
    assert peers.stem == table.stem.replace("benchmark-", "benchmark-peer-values-", 1) and peers.suffix == "_peers"
    assert len(table.rows) == len(bench.table) == len(view["rows"])
    assert {r["peer_set"] for r in [*table.rows, *peers.rows]} == {"All councils"}
    assert len(peers.rows) == sum(len(r["points"]) for r in view["rows"])


def test_pages_download_views_only_through_numbers_panels() -> None:
    """A view's file comes from its numbers panel (``ui.numbers_of`` / ``ui.panel_files``), never from rows
    a page assembles; the only direct downloads are the Data page's own lists (what is loaded, an import's
    problems, the templates), which are not views of results, and the Debrief page's pack and slides, which
    are the deck's panels themselves (debrief.build_deck)."""
    direct = ("data_dl_loaded", "data_dl_problems", "data_tpl_")
    for path in sorted((ROOT / "pages").rglob("*.py")):
        if path.parent.name == "_layout":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    for alias in node.names if node.module == "mandate_core"}
        assert "rows" not in imported, f"{path.name} builds a view's rows itself"
        for call in _calls(tree):
            name = ast.unparse(call.func)
            if name.endswith("download_button"):
                assert path.name == "8_Debrief.py", f"{path.name}: {name}"
            if name in ("ui.download_pair", "ui.downloads"):
                key = ast.unparse(call.args[2]) if len(call.args) > 2 else ""
                assert name == "ui.download_pair" and key.strip("f'\"").startswith(direct), f"{path.name}: {key}"


def test_a_takeaway_is_the_words_the_title_shows_never_its_entities(report: dict) -> None:
    """A theme typed with "&" or "<" is escaped for Plotly in the chart's title, but the takeaway (the slide's
    headline on screen, in the pack and in PowerPoint, each escaping it its own way) holds it as typed."""
    import copy

    import plotly.graph_objects as go

    from mandate_core.text import plotly_escape

    fig = go.Figure().update_layout(title=plotly_escape("R&D <first>") + "<br><b>then</b>  more")
    assert figure_title(fig) == "R&D <first> then more"
    hostile = copy.deepcopy(report)
    for t in hostile["themes"]:
        t["theme"] = "R&D <" + t["theme"] + ">"
    panel = council.themes(hostile, M, debrief=True)
    assert "&amp;" in panel.figure.layout.title.text or "&lt;" in panel.figure.layout.title.text
    assert "&amp;" not in panel.takeaway and "&lt;" not in panel.takeaway and "R&D <" in panel.takeaway
