"""The Themes, Benchmark, Trends and Data findings (mandate_core.findings), on hand-computed inputs."""

from __future__ import annotations

import datetime as dt

import pytest
from metrics_fixtures import add_answers, add_council, add_round, new_db

from mandate_core import anonymise, findings, reports
from mandate_core.benchmarking import PeerSet
from mandate_core.catalog import Catalog

# --- a small peer world: A is the focus; B, C, D share its peer group; E does not -----------------------
#: ambition / now change scores per council for the economy theme (three participants each).
ECONOMY = {
    "A": ([5, 5, 6], [3, 3, 3]),
    "B": ([3, 3, 3], [2, 2, 2]),
    "C": ([4, 4, 5], [2, 3, 4]),
    "D": ([2, 3, 4], [2, 2, 2]),
    "E": ([6, 6, 6], [1, 1, 1]),
}


def _world():  # noqa: ANN202 - a DuckDB connection
    con = new_db()
    for cid in ECONOMY:
        add_council(con, cid, name=f"Council {cid}", peer_group="G" if cid != "E" else "H")
        add_round(con, cid, "R1", "2024-01-10")
        ambition, now = ECONOMY[cid]
        rows = []
        for i, (a, n) in enumerate(zip(ambition, now, strict=True)):
            rows.append((f"p{i}", "officer", None, "Growth", "economy", "ambition", a, None))
            rows.append((f"p{i}", "officer", None, "Growth", "economy", "now", n, None))
        add_answers(con, cid, "R1", rows)
    # A small health theme for A only: two people, so it is suppressed.
    add_answers(con, "A", "R1", [
        ("p0", "officer", None, "Care", "health", "ambition", 6, None),
        ("p1", "officer", None, "Care", "health", "ambition", 6, None),
    ])
    return con


# --- debrief labels ------------------------------------------------------------------------------------


def test_peer_labels_name_everyone_outside_debrief() -> None:
    names = {"a": "Alpha", "b": "Beta"}
    assert anonymise.peer_labels(["a", "b"], "a", names, debrief=False) == {"a": "Alpha", "b": "Beta"}


def test_peer_labels_in_debrief_keep_the_focus_and_number_the_rest_by_hash() -> None:
    names = {c: f"Name {c}" for c in "abcde"}
    labels = anonymise.peer_labels(list("abcde"), "c", names, debrief=True)
    assert labels["c"] == "Name c"
    assert sorted(v for k, v in labels.items() if k != "c") == ["Peer 1", "Peer 2", "Peer 3", "Peer 4"]
    # Order of the input does not matter, so every page gives a council the same number.
    assert anonymise.peer_labels(list("edcba"), "c", names, debrief=True) == labels
    assert not any(f"Name {c}" in labels.values() for c in "abde")


def test_anonymise_rows_blanks_ids_names_and_descriptors_of_peers_only() -> None:
    rows = [{"council_id": "a", "name": "Alpha", "nation": "Wales", "population": 5, "value": 1.0},
            {"council_id": "b", "name": "Beta", "nation": "Wales", "population": 7, "value": 2.0}]
    labels = {"a": "Alpha", "b": "Peer 1"}
    out = findings.common.anonymise_rows(rows, labels, "a", debrief=True)
    assert out[0] == rows[0]
    assert out[1] == {"council_id": "Peer 1", "name": "Peer 1", "nation": None, "population": None, "value": 2.0}
    assert findings.common.anonymise_rows(rows, labels, "a", debrief=False) == rows


# --- text helpers ----------------------------------------------------------------------------------------


def test_names_list() -> None:
    assert findings.common.names_list(["A"]) == "A"
    assert findings.common.names_list(["A", "B", "C"]) == "A, B and C"
    assert findings.common.names_list(list("ABCDEFGH"), 3) == "A, B, C and 5 more"


def test_title_html_escapes_and_wraps() -> None:
    title = findings.common.title_html("<b>Evil</b> & " + "word " * 30)
    assert "<b>" not in title.replace("<br>", "")
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp;" in title
    assert title.count("<br>") >= 1
    assert findings.common.title_lines("short") == 1


def test_short_sector_label() -> None:
    assert findings.themes.short_sector_label("health") == "Health, care"
    assert findings.themes.short_sector_label("digital") == "Digital"
    assert findings.themes.short_sector_label("economy") == "Inclusive economy"


# --- Themes ------------------------------------------------------------------------------------------------


def _matrix_row(cid: str, sector: str, ambition: float | None, now: float | None, n: int | None = 5) -> dict:
    suppressed = ambition is None
    return {"council_id": cid, "name": f"Council {cid}", "round": "R1", "sector_theme": sector,
            "sector_label": sector, "n": None if suppressed else n, "ambition": ambition,
            "ambition_band": None if suppressed else ("New" if ambition >= 4.5 else "Differently"),
            "now": now, "gap": None if suppressed or now is None else ambition - now,
            "suppressed": suppressed, "reason": "fewer than 3 participants" if suppressed else None}


MATRIX = [
    _matrix_row("b", "economy", 4.0, 3.0),
    _matrix_row("b", "health", 3.0, 2.0),
    _matrix_row("a", "economy", 5.0, 2.0),
    _matrix_row("a", "health", None, None),
    _matrix_row("c", "economy", 4.6, 4.0),
    _matrix_row("c", "health", 2.0, 1.0),
]


def test_natural_order_of_peer_labels() -> None:
    assert sorted(["Peer 10", "Peer 2", "Peer 1"], key=findings.common.natural_key) == ["Peer 1", "Peer 2", "Peer 10"]


def test_theme_grid_puts_the_focus_first_and_hides_suppressed_numbers() -> None:
    labels = {"a": "Council a", "b": "Council b", "c": "Council c"}
    grid = findings.themes.theme_grid(MATRIX, "c", "ambition", labels)
    assert [cid for cid, _ in grid.councils] == ["c", "a", "b"]
    assert [k for k, _ in grid.themes] == ["economy", "health"]  # domain.SECTOR_THEMES order
    assert grid.cells[("a", "health")] == {"status": "suppressed", "value": None, "band": None, "n": None,
                                           "ambition": None, "now": None, "gap": None}
    assert grid.cells[("b", "economy")]["value"] == 4.0
    assert sorted(grid.values("economy")) == [4.0, 4.6, 5.0]
    gap = findings.themes.theme_grid(MATRIX, "c", "gap", labels)
    assert gap.cells[("a", "economy")]["value"] == pytest.approx(3.0)
    with pytest.raises(ValueError):
        findings.themes.theme_grid(MATRIX, "c", "risk", labels)


def test_theme_grid_takeaways() -> None:
    labels = {}
    grid = findings.themes.theme_grid(MATRIX, "a", "ambition", labels)
    # economy median of 4.0, 5.0, 4.6 = 4.6; health median of 3.0, 2.0 = 2.5.
    assert (
        findings.themes.theme_grid_takeaway(grid)
        == "Sector ambition is highest on Inclusive economy and growth (median 4.6)"
    )
    assert findings.themes.theme_grid_lowest(grid) == "Lowest median ambition: Health, care and wellbeing (2.5)."
    gap = findings.themes.theme_grid(MATRIX, "a", "gap", labels)
    # gaps: economy 1.0, 3.0, 0.6 → median 1.0; health 1.0, 1.0 → 1.0: tie broken by key (health > economy).
    assert findings.themes.theme_grid_takeaway(gap) == (
        "Councils want to move furthest on Health, care and wellbeing (median gap +1.0)")
    lonely = findings.themes.theme_grid([_matrix_row("a", "economy", 4.0, 3.0)], "a", "ambition", labels)
    assert findings.themes.theme_grid_takeaway(lonely).startswith("Too few councils")


SUMMARY = {"themes": [
    {"theme": "Care", "sector_theme": "health", "gap": 1.0,
     "ambition": {"n": 4, "position": 3.0, "band": "Differently", "risk": None, "consensus": 0.8}},
    {"theme": "Jobs", "sector_theme": "economy", "gap": 2.0,
     "ambition": {"n": 4, "position": 5.25, "band": "New", "risk": None, "consensus": 0.8}},
    {"theme": "Tiny", "sector_theme": "digital", "gap": None, "ambition": {"suppressed": True}},
]}


def test_focus_theme_bars_rank_by_ambition_and_put_suppressed_last_without_numbers() -> None:
    bars = findings.themes.focus_theme_bars(SUMMARY)
    assert [b["theme"] for b in bars] == ["Jobs", "Care", "Tiny"]
    assert bars[0]["ambition"] == 5.25 and bars[0]["band"] == "New"
    assert bars[2] == {"theme": "Tiny", "sector_theme": "digital", "sector_label": "Digital and customer services",
                       "suppressed": True, "ambition": None, "band": None, "n": None, "gap": None}
    assert findings.themes.focus_themes_takeaway("Alpha", bars) == "Alpha aims highest on “Jobs” (5.2, New)"
    assert findings.themes.focus_themes_caption(bars) == (
        "2 themes: 0 Better, 1 Differently, 1 New; 1 not shown (too few participants)")
    assert "no theme" in findings.themes.focus_themes_takeaway("Alpha", bars[2:])


# --- Benchmark ---------------------------------------------------------------------------------------------


def test_quartile_words() -> None:
    doc = {"value": 5.0, "median": 4.0, "percentile": 80.0, "peers": 7}
    assert findings.benchmark.quartile_words(doc) == "Above the peer median: in the top quarter of 7 peers"
    assert findings.benchmark.quartile_words({**doc, "value": 3.0, "percentile": 10.0}) == (
        "Below the peer median: in the bottom quarter of 7 peers")
    # Fewer than four peers: no quarters (a quarter of three councils is one council or none).
    assert findings.benchmark.quartile_words({**doc, "value": 4.0, "percentile": 50.0, "peers": 1}) == (
        "At the peer median (only 1 peer: compare with care)")
    assert findings.benchmark.quartile_words({**doc, "percentile": 100.0, "peers": 3}) == (
        "Above the peer median (only 3 peers: compare with care)")
    assert findings.benchmark.quartile_words({**doc, "percentile": 80.0, "peers": 4}) == (
        "Above the peer median: in the top quarter of 4 peers")
    assert findings.benchmark.quartile_words({**doc, "value": 3.9, "percentile": 25.0}) == (
        "Below the peer median: in the lower middle of 7 peers")
    assert findings.benchmark.quartile_words({"value": None, "median": None, "percentile": None, "peers": 3}) == (
        "Not shown for this council")
    assert findings.benchmark.quartile_words({"value": 2.0, "median": None, "percentile": None, "peers": 0}) == (
        "No peers with a value to compare with")


def test_benchmark_view_equals_the_cli_report_and_hand_computed_values() -> None:
    con = _world()
    view = findings.benchmark.benchmark_view(
        con, "A", None, "position", "ambition", PeerSet.parse("peer_group"), min_group=3
    )
    assert view["peer_ids"] == ["B", "C", "D"]
    assert [r["theme"] for r in view["rows"]] == [None, "economy", "health"]
    overall, economy, health = view["rows"]
    for row in view["rows"]:
        assert row["doc"] == reports.benchmark_report(con, "A", "position", "ambition", row["theme"], "peer_group",
                                                      min_group=3)
    # A's overall ambition covers only its shown themes (rule 3 of docs/disclosure.md): economy (5, 5, 6) = 16 / 3;
    # health has 2 people and is left out (with it, 28 / 5 would give health away by subtraction).
    assert overall["doc"]["value"] == pytest.approx(16 / 3)
    # Economy peers: B 3, C 13/3, D 3 → median 3, p25 3, p75 3 + (13/3 − 3)/2, A above them all.
    assert economy["doc"]["value"] == pytest.approx(16 / 3)
    assert economy["doc"]["median"] == pytest.approx(3.0)
    assert economy["doc"]["p75"] == pytest.approx(3 + (13 / 3 - 3) / 2)
    assert economy["doc"]["percentile"] == 100.0
    assert sorted(p["value"] for p in economy["points"]) == pytest.approx([3.0, 3.0, 13 / 3])
    assert {p["council_id"] for p in economy["points"]} == {"B", "C", "D"}
    assert economy["words"] == "Above the peer median (only 3 peers: compare with care)"
    # A's health theme has two participants: no value, and no peer has health at all.
    assert health["status"] == "suppressed" and health["doc"]["value"] is None and health["points"] == []
    assert "economy" not in view["not_covered"] and "digital" in view["not_covered"]
    assert findings.benchmark.benchmark_takeaway(view, "Council A") == (
        "Council A is above the peer median on ambition overall, and above it on 1 of 1 theme")


def test_benchmark_view_gap_and_empty_peer_set() -> None:
    con = _world()
    view = findings.benchmark.benchmark_view(con, "E", None, "gap", "now", PeerSet.parse("peer_group"), min_group=3)
    assert view["horizon"] is None and view["peer_ids"] == []
    assert (
        findings.benchmark.benchmark_takeaway(view, "Council E")
        == "No peers to compare Council E with in this peer set"
    )
    gap = findings.benchmark.benchmark_view(con, "B", None, "gap", None, PeerSet.parse("all"), min_group=3)
    doc = gap["rows"][1]["doc"]
    assert doc == reports.benchmark_report(con, "B", "gap", None, "economy", "all", min_group=3)
    assert doc["value"] == pytest.approx(1.0)  # 3 − 2
    rows = findings.benchmark.benchmark_rows(gap)
    assert rows[1]["median"] == doc["median"] and rows[0]["theme"] == "overall"
    assert set(rows[0]) == set(findings.benchmark.BENCHMARK_COLUMNS)


def test_peer_point_rows_are_anonymised_in_debrief() -> None:
    con = _world()
    view = findings.benchmark.benchmark_view(
        con, "A", None, "position", "ambition", PeerSet.parse("peer_group"), min_group=3
    )
    names = {c: f"Council {c}" for c in ECONOMY}
    labels = anonymise.peer_labels(list(ECONOMY), "A", names, debrief=True)
    rows = findings.benchmark.peer_point_rows(view, labels, debrief=True)
    assert rows and all(r["name"].startswith("Peer ") and r["council_id"].startswith("Peer ") for r in rows)
    assert "Council B" not in repr(rows)


@pytest.mark.parametrize(("metric", "horizon", "words"), [
    ("position", "now", "where change is now"), ("position", "ambition", "ambition"),
    ("gap", None, "the ambition gap"), ("risk", "next", "risk appetite at the next step"),
    ("consensus", "ambition", "consensus in the long run"),
])
def test_metric_noun(metric: str, horizon: str | None, words: str) -> None:
    assert findings.benchmark.metric_noun(metric, horizon) == words


# --- Trends ------------------------------------------------------------------------------------------------


def _slice(position: float | None, n: int = 5) -> dict:
    if position is None:
        return {"suppressed": True}
    return {"n": n, "position": position, "band": "New" if position >= 4.5 else "Differently", "risk": None,
            "consensus": 0.5}


def _round(label: str, date: str, overall: float, themes: list[tuple[str, str, float | None]]) -> dict:
    return {
        "round": label, "workshop_date": date, "participants": 9,
        "overall": {"now": _slice(overall - 1), "next": _slice(overall - 0.5), "ambition": _slice(overall),
                    "gap": 1.0},
        "themes": [{"theme": t, "sector_theme": s, "now": _slice(None if a is None else a - 1), "next": _slice(a),
                    "ambition": _slice(a), "gap": None} for t, s, a in themes],
    }


TREND = [
    _round("2022 baseline", "2022-03-01", 4.0, [("Jobs", "economy", 4.0), ("Care", "health", 3.0),
                                                ("Tiny", "digital", None)]),
    _round("2024 follow-up", "2024-03-01", 4.6, [("Good jobs", "economy", 4.8), ("Care", "health", 2.5),
                                                 ("Tiny", "digital", 4.0)]),
]


def test_trend_series_match_themes_by_sector_and_keep_the_latest_label() -> None:
    series = findings.trends.trend_series(TREND)
    assert [s.key for s in series] == ["overall", "sector:health", "sector:economy", "sector:digital"]
    assert [s.label for s in series] == ["Overall", "Care", "Good jobs", "Tiny"]
    jobs = series[2]
    assert jobs.value("2022 baseline", "ambition") == 4.0 and jobs.value("2024 follow-up", "ambition") == 4.8
    tiny = series[3]
    assert tiny.value("2022 baseline", "ambition") is None and tiny.suppressed("2022 baseline", "ambition")


def test_trend_series_fall_back_to_labels_when_a_sector_has_two_themes() -> None:
    rounds = [_round("R1", "2022-01-01", 4.0, [("A", "economy", 4.0), ("B", "economy", 3.0)]),
              _round("R2", "2023-01-01", 4.0, [("A", "economy", 5.0), ("B", "economy", 2.0)])]
    series = findings.trends.trend_series(rounds)
    assert [s.key for s in series] == ["overall", "theme:A", "theme:B"]
    assert series[2].value("R2", "ambition") == 2.0


def test_trend_takeaways_and_changes() -> None:
    series = findings.trends.trend_series(TREND)
    rounds = ["2022 baseline", "2024 follow-up"]
    assert findings.trends.trend_takeaway(series[0], rounds, "ambition") == (
        "Ambition rose from 4.0 to 4.6 between 2022 baseline and 2024 follow-up (Differently → New)")
    assert findings.trends.trend_takeaway(series[1], rounds, "ambition") == (
        "Ambition on “Care” fell from 3.0 to 2.5 between 2022 baseline and 2024 follow-up")
    assert findings.trends.trend_takeaway(series[3], rounds, "ambition") == (
        "Ambition on “Tiny”: fewer than two rounds can be shown")
    changes = findings.trends.theme_changes(series[1:], rounds, "ambition")
    by_theme = {c["theme"]: c for c in changes}
    assert by_theme["Good jobs"]["change"] == pytest.approx(0.8)
    assert by_theme["Care"]["change"] == pytest.approx(-0.5)
    assert by_theme["Tiny"]["change"] is None and by_theme["Tiny"]["not_shown_rounds"] == "2022 baseline"
    assert findings.trends.themes_trend_takeaway(changes, "ambition") == (
        "Ambition rose on 1 of 2 themes; most on “Good jobs” (+0.8)")
    falling = [{**c, "change": -abs(c["change"])} if c["change"] is not None else c for c in changes]
    assert findings.trends.themes_trend_takeaway(falling, "now") == (
        "Where change is now fell on 2 of 2 themes; most on “Good jobs” (-0.8)")


def test_trend_rows_never_carry_a_suppressed_number() -> None:
    series = findings.trends.trend_series(TREND)
    rows = findings.trends.trend_rows(series, ["2022 baseline", "2024 follow-up"])
    hidden = [r for r in rows if r["suppressed"]]
    assert hidden and all(r["position"] is None and r["n"] is None and r["band"] is None for r in hidden)
    assert len(rows) == 4 * 2 * 3


# --- Data ------------------------------------------------------------------------------------------------


def _catalog() -> Catalog:
    cat = Catalog(councils=[
        {"council_id": "a", "name": "Alpha", "nation": "Wales", "council_type": "Unitary", "population": 1,
         "peer_group": "G"},
        {"council_id": "b", "name": "Beta", "nation": "Wales", "council_type": "Unitary", "population": None,
         "peer_group": None},
        {"council_id": "c", "name": "Gamma", "nation": "Wales", "council_type": "Unitary", "population": None,
         "peer_group": None},
    ])
    cat.rounds = {
        "a": [{"round": "R2", "workshop_date": dt.date(2024, 5, 1), "participants": 10, "answers": 60},
              {"round": "R1", "workshop_date": dt.date(2022, 5, 1), "participants": 8, "answers": 48}],
        "b": [{"round": "R1", "workshop_date": dt.date(2023, 1, 2), "participants": 5, "answers": 30}],
    }
    cat.participants, cat.answers = 23, 138
    return cat


def test_loaded_rows_and_summary() -> None:
    cat = _catalog()
    rows = findings.data.loaded_rows(cat)
    assert [(r["council_id"], r["round"]) for r in rows] == [("a", "R1"), ("a", "R2"), ("b", "R1"), ("c", None)]
    assert rows[0]["workshop_date"] == "2022-05-01" and rows[3]["participants"] == 0
    assert findings.data.loaded_summary(cat) == {
        "councils": 3, "councils_with_rounds": 2, "rounds": 3, "participants": 23, "answers": 138,
        "first_date": "2022-05-01", "last_date": "2024-05-01", "several_rounds": 1,
    }
    assert findings.trends.councils_with_rounds(cat) == [("a", "Alpha")]


def test_sector_overview_and_report_rows_carry_no_suppressed_numbers() -> None:
    # The Overview and Data pages' sector table, and the Council and Data pages' report (mandate_core.rows).
    con = _world()
    from mandate_core import metrics, rows

    overview = rows.overview(metrics.sector_overview(con, min_group=3), 3)
    a = next(r for r in overview if r["council_id"] == "A")
    assert a["ambition_position"] == pytest.approx(round(16 / 3, 2)) and a["next_band"] == ""
    assert not isinstance(a["next_position"], float)  # words, never a number
    report = reports.council_report(con, "A", min_group=3)
    table = rows.council(report, 3)
    assert list(dict.fromkeys(r["theme"] for r in table)) == ["All themes", "Growth", "Care"]
    care = next(r for r in table if r["theme"] == "Care" and r["horizon"].startswith("Ambition"))
    assert care["band"] == "" and not isinstance(care["position"], float)
    assert not isinstance(care["participants"], int)
    growth = next(r for r in table if r["theme"] == "Growth" and r["horizon"].startswith("Ambition"))
    assert growth["position"] == pytest.approx(round(16 / 3, 2))
    assert growth["gap_ambition_minus_now"] == pytest.approx(round(16 / 3 - 3, 2))


def test_benchmark_table_words_and_few_peers() -> None:
    # Hand-made rows as benchmark_rows gives them: five peers (quartiles shown), two peers (blanked as
    # benchmark_rows blanks them, and "–" even if a quartile slipped through), and a gap row (signed).
    rows = [
        {"theme_label": "Overall", "value": 4.26, "median": 3.0, "p25": 2.5, "p75": 3.74, "percentile": 80.4,
         "peers": 5, "in_words": "above the peer median"},
        {"theme_label": "Economy", "value": 3.0, "median": 2.0, "p25": 1.0, "p75": 2.5, "percentile": 50.0,
         "peers": 2, "in_words": "only 2 peers: compare with care"},
        {"theme_label": "Health", "value": None, "median": None, "p25": None, "p75": None, "percentile": None,
         "peers": 0, "in_words": "no peers"},
    ]
    table = findings.benchmark.benchmark_table(rows, "position")
    assert table[0] == {"Theme": "Overall", "This council": "4.3", "Peer median": "3.0",
                        "Middle half": "2.5 to 3.7", "Percentile": "80", "Peers": 5,
                        "Where it sits": "above the peer median"}
    assert table[1]["Middle half"] == "–" and table[1]["Percentile"] == "–"
    assert table[1]["This council"] == "3.0" and table[1]["Peers"] == 2
    assert table[2]["This council"] == "–" and table[2]["Middle half"] == "–" and table[2]["Percentile"] == "–"
    gap = findings.benchmark.benchmark_table([{**rows[0], "value": 1.0, "median": -0.5}], "gap")
    assert gap[0]["This council"] == "+1.0" and gap[0]["Peer median"] == "-0.5"
    assert gap[0]["Middle half"] == "+2.5 to +3.7"


def test_loaded_caption_names_the_span_and_only_the_files_name() -> None:
    summary = {"first_date": "2024-01-10", "last_date": "2025-03-02", "several_rounds": 2}
    assert findings.data.loaded_caption(summary, "/srv/secret/folder/mandate.duckdb") == (
        "Workshops from 2024-01-10 to 2025-03-02; 2 councils have more than one round. "
        "Database file\\: mandate\\.duckdb")  # Markdown text: every ASCII punctuation mark escaped
    one_day = {"first_date": "2024-01-10", "last_date": "2024-01-10", "several_rounds": 0}
    assert findings.data.loaded_caption(one_day, "data/x_y.duckdb").startswith("Workshops from 2024-01-10; 0 councils")
    assert findings.data.loaded_caption(one_day, "data/x_y.duckdb").endswith("Database file\\: x\\_y\\.duckdb")
    assert (
        findings.data.loaded_caption({"first_date": None, "last_date": None, "several_rounds": 0}, "a.duckdb") is None
    )


def test_demo_rebuild_words_follow_what_is_loaded() -> None:
    empty = Catalog(councils=[], rounds={})
    assert findings.data.demo_rebuild_words(empty) == (
        "Load the fictional demo councils to see what the dashboard does before importing your own.",
        "Yes, load the demo database")
    council = [{"council_id": "a", "name": "A"}]
    demo_cat = Catalog(councils=council, rounds={}, is_demo=True)
    assert findings.data.demo_rebuild_words(demo_cat) == (
        "Rebuilding replaces the demo data now loaded with the fictional demo councils.",
        "Yes, delete what is loaded and rebuild the demo database")
    caption, label = findings.data.demo_rebuild_words(Catalog(councils=council, rounds={}))
    assert "including imported results" in caption and "`python -m mandate_core export`" in caption
    assert label == "Yes, delete what is loaded and rebuild the demo database"
