"""Chart builders of the Themes, Benchmark and Trends pages: right values and labels, nothing suppressed.

The leak checks serialise the whole figure (``fig.to_json()``) and look for the hidden slice's true mean
and head count, computed here from the raw scores, so a number that slipped into any trace, hover text,
customdata or annotation would fail the test.
"""

from __future__ import annotations

import json

import pytest
from metrics_fixtures import add_answers, add_council, add_round, new_db

from mandate_core import anonymise, findings, metrics, palette
from mandate_core.benchmarking import PeerSet
from mandate_core.charts import benchmark as benchmark_charts
from mandate_core.charts import themes as theme_charts
from mandate_core.charts import trends as trend_charts

MIN = 8  # a high threshold so that council Q's economy theme (seven people) is suppressed
P_AMBITION = [5, 5, 5, 5, 6, 6, 4, 4]  # 40 / 8 = 5.0
P_NOW = [3] * 8
Q_ECONOMY = [6, 6, 5, 5, 4, 4, 1]  # 31 / 7 = 4.428571…  — must never appear
Q_HEALTH = [2, 2, 3, 3, 3, 3, 2, 2, 4]  # 24 / 9 = 2.666…
SECRET_STRINGS = ("4.428", "4.43", "2.428", "2.43", "31/7", "7 participants")


def _people(prefix: str, scores: list[int]) -> list[str]:
    return [f"{prefix}{i}" for i in range(len(scores))]


def _db():  # noqa: ANN202
    con = new_db()
    add_council(con, "P", name="Council P", peer_group="G")
    add_council(con, "Q", name="Council Q <i>", peer_group="G")
    add_council(con, "R", name="Council R", peer_group="G")
    for cid in "PQR":
        add_round(con, cid, "R1", "2024-01-10")
    rows = []
    for who, a, n in zip(_people("p", P_AMBITION), P_AMBITION, P_NOW, strict=True):
        rows += [(who, "officer", None, "Jobs", "economy", "ambition", a, None),
                 (who, "officer", None, "Jobs", "economy", "now", n, None)]
    add_answers(con, "P", "R1", rows)
    add_answers(con, "R", "R1", [(w.replace("p", "r"), o, g, t, s, h, c, r) for w, o, g, t, s, h, c, r in rows])
    rows = []
    for who, a in zip(_people("q", Q_ECONOMY), Q_ECONOMY, strict=True):
        rows += [(who, "member", "Lab", "Jobs & <b>growth</b>", "economy", "ambition", a, None),
                 (who, "member", "Lab", "Jobs & <b>growth</b>", "economy", "now", 2, None)]
    for who, a in zip(_people("q", Q_HEALTH), Q_HEALTH, strict=True):
        rows += [(who, "member", "Lab", "Care", "health", "ambition", a, None),
                 (who, "member", "Lab", "Care", "health", "now", 1, None)]
    add_answers(con, "Q", "R1", rows)
    return con


def _dump(fig) -> str:  # noqa: ANN001
    return fig.to_json()


def _assert_no_secret(fig) -> None:  # noqa: ANN001
    text = _dump(fig)
    for secret in SECRET_STRINGS:
        assert secret not in text, secret


# --- Themes ------------------------------------------------------------------------------------------------


def _grid(con, measure: str = "ambition", focus: str = "Q", debrief: bool = False):  # noqa: ANN001, ANN202
    matrix = metrics.theme_matrix(con, MIN)
    names = {"P": "Council P", "Q": "Council Q <i>", "R": "Council R"}
    labels = anonymise.peer_labels(["P", "Q", "R"], focus, names, debrief)
    return findings.themes.theme_grid(matrix, focus, measure, labels)


def test_heatmap_values_labels_and_focus_frame() -> None:
    con = _db()
    grid = _grid(con)
    fig = theme_charts.heatmap(grid, title=findings.themes.theme_grid_takeaway(grid), min_group=MIN)
    shown, hidden = fig.data
    # Rows: the focus council first (escaped), then by name; columns: economy, health.
    assert list(shown.y) == ["Council Q &lt;i&gt;", "Council P", "Council R"]
    assert list(shown.x) == ["Inclusive economy", "Health, care"]  # one line each, slanted (issue 16)
    assert shown.z[0][0] is None  # Q economy: suppressed
    assert shown.z[0][1] == pytest.approx(24 / 9)
    assert list(shown.z[1]) == [5.0, None]  # P has no health theme: a blank cell
    assert shown.text[1][0] == "5.0"
    assert shown.textfont.color == palette.INK  # one dark ink, over 4.5:1 on every cell (test_contrast)
    assert shown.zmin == 1 and shown.zmax == 6
    # The ambition scale is one list of stops rising in value and darkening monotonically (issue 16: the
    # band-coloured scale restarted pale at each band edge, so 4.6 looked weaker than 4.4); the band
    # limits are the colour bar's ticks instead.
    assert shown.colorscale == tuple(tuple(c) for c in theme_charts.AMBITION_SCALE)
    stops = [(float(at), colour) for at, colour in shown.colorscale]
    assert [a for a, _c in stops] == sorted({a for a, _c in stops})  # strictly increasing, no hard breaks
    lightness = [theme_charts.relative_luminance(c) for _a, c in stops]
    assert all(a > b for a, b in zip(lightness, lightness[1:], strict=False))
    assert not {c for _a, c in stops} & set(palette.BAND_COLOURS.values())  # no band restarting its hue
    assert {2.5, 4.5} <= set(shown.colorbar.tickvals)
    assert "Blank cell: a theme the council did not work on" in fig.layout.title.text
    assert "grey cell: fewer than 8 participants" in fig.layout.title.text
    # The grey trace marks exactly the suppressed cell, with words and no number.
    assert hidden.z[0][0] == 1.0 and sum(v is not None for row in hidden.z for v in row) == 1
    assert hidden.customdata[0][0].endswith("not shown — small group")
    title = fig.layout.title.text.split("<br>")[0]
    assert title == "Sector ambition is highest on Inclusive economy and growth (median 5.0)"
    frame = fig.layout.shapes[0]
    assert (frame.y0, frame.y1) == (-0.5, 0.5) and frame.line.color == palette.FOCUS_COLOUR
    assert fig.layout.yaxis.ticktext[0] == "<b>Council Q &lt;i&gt;</b>"
    _assert_no_secret(fig)


def test_heatmap_gap_measure_is_symmetric_around_zero() -> None:
    con = _db()
    grid = _grid(con, "gap")
    fig = theme_charts.heatmap(grid, title=findings.themes.theme_grid_takeaway(grid), min_group=MIN)
    shown = fig.data[0]
    assert shown.z[1][0] == pytest.approx(2.0)  # P: 5.0 − 3.0
    assert shown.text[1][0] == "+2.0"
    assert shown.zmin == -shown.zmax and shown.zmax >= 2.0
    assert "Gap" in fig.data[0].customdata[1][0]
    # A sequential green for a leap forward: no band colour, so a big gap never reads as "New".
    assert shown.colorscale == tuple(tuple(c) for c in theme_charts.GAP_SCALE)
    assert not {c for _at, c in shown.colorscale} & set(palette.BAND_COLOURS.values())


def test_heatmap_note_sits_under_the_title() -> None:
    con = _db()
    grid = _grid(con)
    fig = theme_charts.heatmap(grid, title="Main", min_group=MIN, note="Lowest median ambition: Care (2.7).")
    first, second, *key = fig.layout.title.text.split("<br>")
    assert first == "Main" and second.endswith(">Lowest median ambition: Care (2.7).</span>")
    assert "Blank cell" in key[0]
    plain = theme_charts.heatmap(grid, title="Main", min_group=MIN)
    assert fig.layout.margin.t > plain.layout.margin.t
    _assert_no_secret(fig)


def test_heatmap_in_debrief_names_no_other_council() -> None:
    con = _db()
    grid = _grid(con, focus="P", debrief=True)
    fig = theme_charts.heatmap(grid, title="t", min_group=MIN, debrief=True)
    text = _dump(fig)
    assert "Council Q" not in text and "Council R" not in text and "Council P" in text
    assert {"Peer 1", "Peer 2"} <= set(fig.data[0].y)
    assert fig.layout.font.size == 30  # debrief doubles the type


def test_ranked_bars_order_colours_and_suppressed_theme() -> None:
    con = _db()
    bars = findings.themes.focus_theme_bars(metrics.council_summary(con, "Q", "R1", MIN))
    assert [b["theme"] for b in bars] == ["Care", "Jobs & <b>growth</b>"]
    title = findings.themes.focus_themes_takeaway("Council Q", bars)
    fig = theme_charts.ranked_bars(bars, title=title, min_group=MIN)
    bar = fig.data[0]
    assert list(bar.x) == [pytest.approx(24 / 9)]
    assert list(bar.y) == ["Care"]
    assert list(bar.marker.color) == [palette.BAND_COLOURS["Differently"]]
    assert bar.text[0] == "2.7  Differently"
    placeholder = fig.data[1]
    assert list(placeholder.x) == [0] and placeholder.hoverinfo == "skip"
    assert "Jobs &amp; &lt;b&gt;growth&lt;/b&gt;" in placeholder.y[0].replace("<br>", " ")
    notes = [a.text for a in fig.layout.annotations]
    assert "not shown — small group" in notes
    assert fig.layout.title.text == "Council Q aims highest on “Care” (2.7, Differently)"
    assert "<b>growth</b>" not in _dump(fig)
    _assert_no_secret(fig)


# --- Benchmark ---------------------------------------------------------------------------------------------


def test_strip_with_two_peers_draws_no_box_and_says_compare_with_care() -> None:
    con = _db()
    view = findings.benchmark.benchmark_view(con, "P", None, "position", "ambition", PeerSet.parse("all"), MIN)
    labels = anonymise.peer_labels(["P", "Q", "R"], "P", {"P": "Council P", "Q": "Council Q", "R": "Council R"}, False)
    fig = benchmark_charts.strip(
        view, labels, title=findings.benchmark.benchmark_takeaway(view, "Council P"), min_group=MIN
    )
    by_name = {t.name: t for t in fig.data}
    assert "Middle half of peers" not in by_name  # quartiles of two councils would be noise
    median = by_name["Peer median"]
    assert list(median.x) == [view["rows"][0]["doc"]["median"], view["rows"][1]["doc"]["median"]]
    focus = by_name["Council P"]
    assert list(focus.x) == [pytest.approx(5.0), pytest.approx(5.0)]
    assert list(focus.y) == [0, 1]
    assert focus.marker.color == palette.FOCUS_COLOUR
    assert [a.text for a in fig.layout.annotations if a.font.color == palette.FOCUS_COLOUR] == ["<b>5.0</b>"] * 2
    peers = by_name["Peers"]
    assert peers.marker.color == palette.PEER_COLOUR
    # Q's overall ambition has nine people (shown at 8); its economy theme has seven (not shown).
    assert list(peers.customdata).count("Council Q") == 1
    assert sorted(peers.x) == sorted(p["value"] for r in view["rows"] for p in r["points"])
    assert all(y > i for y, i in zip(peers.y, [0, 0, 1], strict=True))  # in a strip below their row's line
    ticks = [t.replace("<br>", " ") for t in fig.layout.yaxis.ticktext]
    assert ticks[0].startswith("Overall") and ticks[1].startswith("Inclusive economy and growth")
    assert "only 2 peers: compare with care" in ticks[0] and "only 1 peer: compare with care" in ticks[1]
    _assert_no_secret(fig)


def _doc(value: float, peers: list[float], theme: str | None = None) -> dict:
    from mandate_core import benchmarking

    return {"council_id": "F", "metric": "position", "horizon": "ambition", "theme": theme, "value": value,
            **benchmarking.peer_statistics(value, peers)}


def test_strip_box_is_the_benchmark_numbers_with_four_peers_or_more() -> None:
    four, three = [3.0, 3.5, 4.0, 5.0], [3.0, 3.5, 4.0]
    rows = []
    for theme, label, doc, values in ((None, "Overall", _doc(4.5, four), four),
                                      ("economy", "Inclusive economy and growth", _doc(4.5, three, "economy"), three)):
        points = [{"council_id": f"c{i}", "name": f"C{i}", "value": v} for i, v in enumerate(values)]
        rows.append({"theme": theme, "theme_label": label, "doc": doc, "status": "ok", "points": points,
                     "words": findings.benchmark.quartile_words(doc)})
    view = {"council_id": "F", "name": "Focus", "metric": "position", "horizon": "ambition", "rows": rows,
            "peer_ids": ["c0", "c1", "c2", "c3"]}
    fig = benchmark_charts.strip(view, {}, title="t", min_group=3)
    box = next(t for t in fig.data if t.name == "Middle half of peers")
    overall = rows[0]["doc"]
    assert list(box.y) == [0]  # the three-peer row has no box
    assert (list(box.q1), list(box.median), list(box.q3)) == ([overall["p25"]], [overall["median"]], [overall["p75"]])
    assert overall["p25"] == pytest.approx(3.375) and overall["p75"] == pytest.approx(4.25)  # numpy's linear
    assert "only 3 peers: compare with care" in fig.layout.yaxis.ticktext[1]
    assert "compare with care" not in fig.layout.yaxis.ticktext[0]


def test_strip_in_debrief_anonymises_peers_everywhere() -> None:
    con = _db()
    view = findings.benchmark.benchmark_view(con, "P", None, "gap", None, PeerSet.parse("all"), MIN)
    names = {"P": "Council P", "Q": "Council Q", "R": "Council R"}
    labels = anonymise.peer_labels(["P", "Q", "R"], "P", names, True)
    fig = benchmark_charts.strip(
        view, labels, title=findings.benchmark.benchmark_takeaway(view, "Council P"), min_group=MIN, debrief=True
    )
    text = _dump(fig)
    assert "Council Q" not in text and "Council R" not in text
    assert set(next(t for t in fig.data if t.name == "Peers").customdata) <= {"Peer 1", "Peer 2"}
    assert fig.layout.xaxis.zeroline is True
    _assert_no_secret(fig)


def test_strip_marks_a_suppressed_focus_value_in_words() -> None:
    con = _db()
    view = findings.benchmark.benchmark_view(con, "Q", None, "position", "ambition", PeerSet.parse("all"), MIN)
    assert [r["status"] for r in view["rows"]] == ["ok", "suppressed", "ok"]
    fig = benchmark_charts.strip(view, {"Q": "Council Q"}, title="t", min_group=MIN)
    focus = next(t for t in fig.data if t.name == "Council Q")
    assert list(focus.y) == [0, 2]  # overall and health; economy has no diamond
    assert any("not shown — small group" in a.text for a in fig.layout.annotations)
    _assert_no_secret(fig)


@pytest.mark.parametrize("metric", ["risk", "consensus"])
def test_strip_axes_for_other_metrics(metric: str) -> None:
    con = _db()
    view = findings.benchmark.benchmark_view(con, "P", None, metric, "ambition", PeerSet.parse("all"), MIN)
    fig = benchmark_charts.strip(view, {}, title="t", min_group=MIN)
    assert fig.layout.xaxis.title.text == benchmark_charts.AXIS_TITLES[metric]
    json.loads(_dump(fig))


# --- Trends ------------------------------------------------------------------------------------------------


def _trend_db():  # noqa: ANN202
    con = _db()
    add_round(con, "P", "R2", "2026-01-10")
    rows = []
    for who, a in zip(_people("p", P_AMBITION), P_AMBITION, strict=True):
        rows += [(who, "officer", None, "Jobs", "economy", "ambition", min(6, a + 1), None),
                 (who, "officer", None, "Jobs", "economy", "now", 4, None)]
    # A small health theme in R2 only: seven people, suppressed at MIN = 8.
    for who, a in zip(_people("p", Q_ECONOMY), Q_ECONOMY, strict=True):
        rows += [(who, "officer", None, "Care", "health", "ambition", a, None)]
    add_answers(con, "P", "R2", rows)
    return con


def test_trend_charts_plot_shown_points_only() -> None:
    con = _trend_db()
    trend = metrics.trend(con, "P", MIN)
    rounds = [r["round"] for r in trend]
    dates = [r["workshop_date"] for r in trend]
    series = findings.trends.trend_series(trend)
    jobs = next(s for s in series if s.label == "Jobs")
    title = findings.trends.trend_takeaway(jobs, rounds, "ambition")
    assert title == "Ambition on “Jobs” rose from 5.0 to 5.8 between R1 and R2"  # 46 / 8 = 5.75
    fig = trend_charts.horizons_over_rounds(jobs, rounds, dates, title=title, min_group=MIN)
    ambition = next(t for t in fig.data if t.name == "Ambition (about 5 years)")
    assert list(ambition.y) == [pytest.approx(5.0), pytest.approx(46 / 8)]
    assert ambition.x[0].startswith("R1<br>")
    care = next(s for s in series if s.label == "Care")
    fig = trend_charts.horizons_over_rounds(care, rounds, dates, title="t", min_group=MIN)
    assert all(v is None for t in fig.data for v in t.y)
    _assert_no_secret(fig)
    changes = findings.trends.theme_changes(series[1:], rounds, "ambition")
    fig = trend_charts.themes_over_rounds(
        series,
        rounds,
        dates,
        "ambition",
        title=findings.trends.themes_trend_takeaway(changes, "ambition"),
        min_group=MIN,
    )
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Jobs"].y) == [pytest.approx(5.0), pytest.approx(46 / 8)]
    assert list(by_name["Care"].y) == [None, None]
    assert any("Not shown" in a.text and "Care" in a.text for a in fig.layout.annotations)
    assert any(a.text == "Jobs 5.8" for a in fig.layout.annotations)
    # Each theme line differs from the others in dash as well as colour, and none takes a band colour.
    styles = [(t.line.color, t.line.dash) for t in fig.data]
    assert len(set(styles)) == len(styles)
    assert not {c for c, _d in styles} & set(palette.BAND_COLOURS.values())
    assert fig.layout.yaxis.title.text == "Ambition (1 = better … 6 = new)"
    _assert_no_secret(fig)


def test_trend_backdrop_is_the_three_band_zones_without_names() -> None:
    fig = trend_charts._banded(False)
    assert [(z.y0, z.y1, z.layer) for z in fig.layout.shapes] == [
        (0.5, 2.5, "below"), (2.5, 4.5, "below"), (4.5, 6.5, "below")]
    assert fig.layout.annotations == () and fig.data == ()


def test_spread_labels_keeps_order_and_distance() -> None:
    assert trend_charts.spread_labels([4.9, 4.9, 5.0]) == pytest.approx([4.9, 5.18, 5.46])
    assert trend_charts.spread_labels([1.0, 3.0]) == [1.0, 3.0]
    top = trend_charts.spread_labels([6.0, 6.0, 6.0])
    assert max(top) <= 6.3 and top == sorted(top) and min(b - a for a, b in zip(top, top[1:], strict=False)) >= 0.279


def test_ambition_colour_is_darker_for_the_higher_value_across_a_band_edge() -> None:
    """4.4 (Differently) and 4.6 (New): the higher value is the darker cell, and so on along 1–6."""
    scale = theme_charts.AMBITION_SCALE
    lum = theme_charts.relative_luminance

    def at(v: float) -> float:
        return lum(theme_charts.scale_colour(scale, v, 1, 6))

    assert at(4.6) < at(4.4)
    assert at(2.6) < at(2.4)
    values = [1 + i / 10 for i in range(51)]
    assert all(at(a) > at(b) for a, b in zip(values, values[1:], strict=False))
    # Hand-checked: the scale's ends are its first and last stops; 0.3 of the way (2.5) is its second.
    assert theme_charts.scale_colour(scale, 1, 1, 6) == scale[0][1]
    assert theme_charts.scale_colour(scale, 6, 1, 6) == scale[-1][1]
    assert theme_charts.scale_colour(scale, 2.5, 1, 6) == scale[1][1]


def test_heatmap_headers_are_one_slanted_line_with_room_above() -> None:
    con = _db()
    grid = _grid(con, "ambition")
    fig = theme_charts.heatmap(grid, title=findings.themes.theme_grid_takeaway(grid), min_group=MIN)
    assert all("<br>" not in x for x in fig.data[0].x)
    assert fig.layout.xaxis.tickangle == theme_charts.HEADER_ANGLE != 0
    # The top margin holds the longest header's rise: 17 characters at 7.5 px, sin 35° ≈ 0.574 → 73 + 20 px.
    assert theme_charts.header_room(["Inclusive economy", "Health"]) == int(20 + 17 * 7.5 * 0.5736)
    assert fig.layout.margin.t >= theme_charts.header_room(list(fig.data[0].x))
