"""Text alternatives of charts (docs/accessibility.md): the takeaway as alt text, and the numbers read off the figure as
a table — exactly what the chart draws, nothing hidden, and anonymised when the figure is."""

from __future__ import annotations

import json

import pytest
from test_charts_spectrum import HIDDEN, row, sl
from test_charts_themes_benchmark_trends import MIN, _db, _doc, _grid

from mandate_core import disclosure, findings
from mandate_core.anonymise import Anonymiser
from mandate_core.charts import base, spectrum
from mandate_core.charts import benchmark as benchmark_charts
from mandate_core.charts import themes as theme_charts

EMPTY = base.EMPTY_CELL


@pytest.fixture
def report() -> dict:
    def theme(name: str, now: dict, nxt: dict, amb: dict) -> dict:
        return {"theme": name, "sector_theme": "economy", "now": now, "next": nxt, "ambition": amb, "gap": None}

    return {
        "council_id": "x", "name": "X Council", "round": "R1", "workshop_date": "2024-01-01",
        "participants": 12, "min_group_size": 3,
        "overall": {"now": sl(2.1), "next": sl(3.3), "ambition": sl(4.7), "gap": 2.6},
        "themes": [
            theme("Jobs & <skills>", sl(2.0), sl(3.0), sl(5.0)),
            theme("Care", sl(2.5), {"suppressed": True, "position": 6.54321}, sl(3.5)),
            theme("Tiny", HIDDEN, HIDDEN, {"suppressed": True, "position": 1.23456, "n": 2}),
        ],
    }


def test_alt_is_the_title_as_plain_words() -> None:
    fig = spectrum.go.Figure(layout={"title": {"text": "Jobs &amp; <b>care</b><br>aim for New"}})
    assert base.figure_alt(fig) == "Jobs & care aim for New"
    built = spectrum.council_spectrum({"council_id": "x", "name": "X", "overall": {}, "themes": [],
                                       "min_group_size": 3}, title="Jobs & care aim for New", min_group=3)
    assert base.figure_alt(built) == "Jobs & care aim for New"  # the builder escapes, the alt reads it back
    assert base.plain('<span style="color:#444444">▶ <b>Peer 3</b></span>') == "Peer 3"
    assert base.figure_alt(spectrum.go.Figure()) == "Chart"


def test_council_spectrum_table_holds_the_drawn_numbers_and_nothing_hidden(report: dict) -> None:
    fig = spectrum.council_spectrum(report, min_group=3)
    rows = base.figure_table(fig)
    assert rows == [
        {"Row": "All themes", "Now": 2.1, "Next step (1–2 years)": 3.3, "Ambition (about 5 years)": 4.7},
        {"Row": "Jobs & <skills>", "Now": 2.0, "Next step (1–2 years)": 3.0, "Ambition (about 5 years)": 5.0},
        {"Row": "Care", "Now": 2.5, "Next step (1–2 years)": EMPTY, "Ambition (about 5 years)": 3.5},
    ]  # "Tiny" draws nothing, so it has no row; Care's hidden next step is an empty cell
    text = json.dumps(rows)
    assert "6.54" not in text and "1.23" not in text


def test_overview_table_skips_connectors_and_legend_keys_and_follows_anonymisation() -> None:
    sector = [row("a", "Alpha Council", sl(2.0), sl(4.8)), row("b", "Bravo Council", sl(3.0), sl(3.9)),
              row("d", "Delta Council", sl(2.3), {"suppressed": True, "position": 5.4321}, participants=2)]
    councils = [{"council_id": c, "name": n} for c, n in (("a", "Alpha Council"), ("b", "Bravo Council"),
                                                          ("d", "Delta Council"))]
    anon = Anonymiser("b", councils, key="k")
    fig = anon.figure(spectrum.overview_dumbbell(sector, focus="b", labels=anon.names(
        {c["council_id"]: c["name"] for c in councils})))
    rows = base.figure_table(fig)
    assert [set(r) for r in rows] == [{"Row", "Now", "Ambition"}] * 2  # no "Distance to travel", no keys
    by_row = {r["Row"]: (r["Now"], r["Ambition"]) for r in rows}
    peer = anon.label("a")
    assert by_row == {"Bravo Council": (3.0, 3.9), peer: (2.0, 4.8)}
    assert "Alpha" not in json.dumps(rows) and "Delta" not in json.dumps(rows) and "5.43" not in json.dumps(rows)


def test_heatmap_table_says_hidden_for_a_small_group_and_leaves_an_unasked_theme_empty() -> None:
    con = _db()
    grid = _grid(con)
    rows = base.figure_table(theme_charts.heatmap(grid, title="t", min_group=MIN))
    cells = {r["Row"]: r for r in rows}
    assert cells["Council Q <i>"]["Inclusive economy"] == disclosure.HIDDEN  # suppressed: the one word
    assert cells["Council P"]["Inclusive economy"] == "5.0"  # as the cell writes it
    assert cells["Council P"]["Health, care"] == EMPTY  # P did not work on health


def test_benchmark_table_gives_quartiles_peers_in_order_and_the_focus() -> None:
    four = [3.0, 5.0, 3.5, 4.0]
    doc = _doc(4.5, four)
    points = [{"council_id": f"c{i}", "name": f"C{i}", "value": v} for i, v in enumerate(four)]
    view = {"council_id": "F", "name": "Focus", "metric": "position", "horizon": "ambition",
            "rows": [{"theme": None, "theme_label": "Overall", "doc": doc, "status": "ok", "points": points,
                      "words": findings.benchmark.quartile_words(doc)}], "peer_ids": ["c0", "c1", "c2", "c3"]}
    rows = base.figure_table(benchmark_charts.strip(view, {}, title="t", min_group=3))
    assert rows == [{"Row": "Overall", "Middle half of peers": "3.38 to 4.25", "Peer median": 3.75,
                     "Peers": "3; 3.5; 4; 5", "Focus": 4.5}]


def test_the_journey_reads_as_one_row_of_the_three_horizons() -> None:
    """The council-as-a-whole chart (the deck's first slide) is one row: "All themes", now, next step and
    ambition — not a row per position (it once read its x values as row names, and its y as the values)."""
    from mandate_core.charts.spectrum import overall_journey

    def shown(position: float) -> dict:
        return {"suppressed": False, "position": position, "band": "Differently", "n": 9, "risk": 3.0}

    report = {"overall": {"now": shown(2.9727), "next": shown(3.8545), "ambition": shown(4.6636)}, "themes": [],
              "min_group_size": 3}
    rows = base.figure_table(overall_journey(report, min_group=3))
    assert rows == [{"Row": "All themes", "Now": 2.97, "Next step (1–2 years)": 3.85,
                     "Ambition (about 5 years)": 4.66}]


def test_the_zone_dot_charts_name_their_column() -> None:
    """Consensus and cross-party alignment are dot charts whose one series once had the name "Value": their
    numbers table now heads its column with what the value is."""
    from mandate_core.charts import alignment as alignment_charts
    from mandate_core.charts.spectrum import consensus_chart

    shown = {"suppressed": False, "position": 3.5, "band": "Differently", "n": 9, "risk": 3.0, "consensus": 0.62}
    report = {"name": "X", "overall": {"now": shown, "next": shown, "ambition": shown}, "min_group_size": 3,
              "themes": [{"theme": "Digital", "sector_theme": "digital", "now": shown, "next": shown,
                          "ambition": shown, "cross_party_alignment": {"ambition": 0.81},
                          "officer_member_gap": {"ambition": None}}]}
    consensus = base.figure_table(consensus_chart(report, "ambition", min_group=3))
    assert consensus and all("Consensus (0–1)" in r and "Value" not in r for r in consensus)
    assert any(r["Consensus (0–1)"] == 0.62 for r in consensus)
    cross = base.figure_table(alignment_charts.cross_party_chart(report["themes"], "ambition"))
    assert cross == [{"Row": "Digital", "Cross-party alignment (0–1)": 0.81}]
