"""Chart layouts for a phone (``narrow=True``, issue 16): row labels above the rows, titles wrapped for a
360-pixel chart, fewer ticks, legends below, the Themes grid as a list — and the desktop figure untouched."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from mandate_core.benchmarking import PeerSet
from mandate_core.charts import alignment, narrow, spectrum
from mandate_core.charts import benchmark as benchmark_charts
from mandate_core.charts import themes as theme_charts
from mandate_core.charts import trends as trend_charts
from mandate_core.palette import FOCUS_COLOUR
from tests.test_charts_alignment import rows as alignment_rows  # noqa: F401 - a fixture
from tests.test_charts_spectrum import report, sector  # noqa: F401 - fixtures
from tests.test_charts_themes_benchmark_trends import MIN, _db, _grid, _trend_db


def _spec(fig: go.Figure) -> str:
    spec = json.loads(fig.to_json())
    spec.get("layout", {}).pop("template", None)
    return json.dumps(spec, sort_keys=True)


def _row_labels(fig: go.Figure) -> list[go.layout.Annotation]:
    """Annotations that name a row: at the chart's left edge, on a data row."""
    return [a for a in fig.layout.annotations if a.xref == "paper" and a.x == 0 and a.yref == "y"]


def _title_lines(fig: go.Figure) -> list[str]:
    return [narrow.plain(line) for line in fig.layout.title.text.split("<br>")]


# --- the Overview and Council charts: labels above the rows -----------------------------------------------


def test_dumbbell_on_a_phone_names_each_council_above_its_row(sector: list[dict]) -> None:  # noqa: F811
    fig = spectrum.overview_dumbbell(sector, focus="b", narrow=True)
    assert fig.layout.yaxis.showticklabels is False  # no left margin as wide as the longest name
    labels = _row_labels(fig)
    assert [narrow.plain(a.text) for a in labels] == ["Charlie Council", "▶ Bravo <b>& Co</b>", "Alpha Council"]
    assert [a.y for a in labels] == [0, 1, 2]  # each on its own row ...
    assert all(a.yanchor == "bottom" and a.yshift > 0 for a in labels)  # ... above the row's marks
    assert FOCUS_COLOUR in labels[1].text  # the chosen council stands out as it does in the margin
    assert fig.layout.margin.l <= 12
    assert fig.layout.yaxis.range[1] > 2 + 0.4  # room above the top row for its label
    assert all(len(line) <= narrow.TITLE_CHARS for line in _title_lines(fig))
    assert len(_title_lines(fig)) >= 2  # the title is wrapped for the phone, not cut off


def test_dumbbell_on_a_desktop_is_unchanged(sector: list[dict]) -> None:  # noqa: F811
    assert _spec(spectrum.overview_dumbbell(sector, focus="b", narrow=False)) == _spec(
        spectrum.overview_dumbbell(sector, focus="b"))
    fig = spectrum.overview_dumbbell(sector, focus="b")
    assert fig.layout.yaxis.showticklabels is not False and len(fig.layout.yaxis.ticktext) == 3
    assert _row_labels(fig) == []


def test_debrief_on_a_phone_uses_normal_type(sector: list[dict]) -> None:  # noqa: F811
    room = spectrum.overview_dumbbell(sector, debrief=True)
    phone = spectrum.overview_dumbbell(sector, debrief=True, narrow=True)
    assert room.layout.font.size == 30 and room.layout.title.font.size == 40
    assert phone.layout.font.size == 17 and phone.layout.title.font.size == 20
    assert {a.font.size for a in _row_labels(phone)} == {16}


def test_rows_get_room_for_their_label_and_marks(report: dict) -> None:  # noqa: F811
    fig = spectrum.council_spectrum(report, narrow=True, min_group=3)
    labels = _row_labels(fig)
    assert [narrow.plain(a.text) for a in labels] == ["All themes", "Jobs & <skills>", "Care", "Tiny"]
    lo, hi = fig.layout.yaxis.range
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    pitch = plot_px / (hi - lo)  # pixels from one row's line to the next
    biggest = max(t.marker.size for t in fig.data)
    assert pitch >= biggest + narrow.LINE_PX + 6, "a label would touch the marks of its row or the row above"
    assert labels[0].yshift >= biggest / 2


def test_a_value_column_joins_the_row_label_on_a_phone(report: dict) -> None:  # noqa: F811
    wide = spectrum.consensus_chart(report, "ambition", min_group=3)
    column = [a.text for a in wide.layout.annotations if a.xref == "paper" and a.x == 1.0]
    assert column and wide.layout.margin.r > 60
    fig = spectrum.consensus_chart(report, "ambition", narrow=True, min_group=3)
    assert [a for a in fig.layout.annotations if a.xref == "paper" and a.x == 1.0] == []
    assert fig.layout.margin.r <= 24  # the plot keeps the width the column took
    labels = " | ".join(a.text for a in _row_labels(fig))
    assert all(words in labels for words in column)


def test_risk_ticks_fit_a_phone(report: dict) -> None:  # noqa: F811
    fig = spectrum.risk_chart(report, narrow=True, min_group=3)
    assert len(fig.layout.xaxis.tickvals) == 5 and fig.layout.xaxis.tickfont.size == 13
    assert fig.layout.xaxis.title.text.count("<br>") == 0  # "Risk appetite (Orange Book levels)" fits


def test_journey_on_a_phone_names_its_points_in_a_legend(report: dict) -> None:  # noqa: F811
    fig = spectrum.overall_journey(report, debrief=True, narrow=True, min_group=3)
    assert all(t.mode == "markers" for t in fig.data)
    assert [t.name for t in fig.data] == ["Now 2.1", "Next step 3.3", "Ambition 4.7"]
    assert fig.layout.showlegend is True
    sentence = next(a for a in fig.layout.annotations if "Risk appetite" in a.text)
    assert sentence.yanchor == "bottom" and sentence.text.count("<br>") >= 1  # wrapped, above the journey


# --- Alignment -----------------------------------------------------------------------------------------


def test_distribution_on_a_phone_has_short_band_heads(alignment_rows: list[dict]) -> None:  # noqa: F811
    """The spread has no percentage axis (each band's share is written on it): on a phone its three band
    heads are the short words, so they fit side by side above 360 pixels."""
    wide = alignment.distribution_chart(alignment_rows, "Jobs", "ambition", 3)
    fig = alignment.distribution_chart(alignment_rows, "Jobs", "ambition", 3, narrow=True)
    assert fig.layout.xaxis.showticklabels is False
    heads = lambda f: [a.text for a in f.layout.annotations if a.yref == "paper" and a.y == 1.0]  # noqa: E731
    assert heads(wide) == ["<b>◀ Better (1–2)</b>", "<b>Differently (3–4)</b>", "<b>New (5–6) ▶</b>"]
    assert heads(fig) == ["<b>◀ Better</b>", "<b>Differently</b>", "<b>New ▶</b>"]
    # Bars fill 62% of a row: the label sits in the rest, above the bar.
    labels = _row_labels(fig)
    lo, hi = fig.layout.yaxis.range
    pitch = (fig.layout.height - fig.layout.margin.t - fig.layout.margin.b) / (hi - lo)
    assert labels[0].yshift >= 0.62 * pitch / 2
    assert pitch * (1 - 0.62) >= narrow.LINE_PX + 4
    assert fig.layout.margin.b > wide.layout.margin.b  # the legend takes two lines on a phone


# --- Themes, Benchmark, Trends --------------------------------------------------------------------------


def test_heatmap_on_a_phone_is_a_list_of_councils() -> None:
    con = _db()
    grid = _grid(con)
    wide = theme_charts.heatmap(grid, title="t", min_group=MIN)
    fig = theme_charts.heatmap(grid, title="t", min_group=MIN, narrow=True)
    shown = fig.data[0]
    assert [list(r) for r in shown.z] == [list(r) for r in wide.data[0].z]  # the same numbers
    assert list(shown.y) == [0, 1, 2] and fig.layout.yaxis.showticklabels is False
    names = [narrow.plain(a.text) for a in _row_labels(fig)]
    assert names == [narrow.plain(y) for y in wide.data[0].y]
    assert [a.y for a in _row_labels(fig)] == [-0.5, 0.5, 1.5]  # each in the gap above its row
    assert shown.ygap == theme_charts.NARROW_ROW_PX - theme_charts.ROW_HEIGHT
    assert fig.layout.xaxis.tickangle == -90 and shown.colorbar.len == 1.0
    assert "<b>" in _row_labels(fig)[list(grid.councils).index(next(c for c in grid.councils
                                                                    if c[0] == grid.focus))].text


def test_ranked_bars_on_a_phone_name_each_theme_above_its_bar() -> None:
    from mandate_core import findings, metrics

    con = _db()
    bars = findings.themes.focus_theme_bars(metrics.council_summary(con, "Q", "R1", MIN))
    fig = theme_charts.ranked_bars(bars, title="Council Q aims highest on Care", min_group=MIN, narrow=True)
    assert fig.layout.yaxis.showticklabels is False
    assert [narrow.plain(a.text) for a in _row_labels(fig)] == ["Care", "Jobs & <b>growth</b>"]
    assert fig.data[0].textposition == "auto"  # inside the bar when it fits, so nothing runs off the edge


def test_strip_on_a_phone_names_rows_at_their_top() -> None:
    from mandate_core import findings

    con = _db()
    view = findings.benchmark.benchmark_view(con, "P", None, "position", "ambition", PeerSet.parse("all"), MIN)
    labels = {"P": "Council P", "Q": "Council Q", "R": "Council R"}
    fig = benchmark_charts.strip(view, labels, title="Council P is above the median", min_group=MIN, narrow=True)
    heads = [a for a in fig.layout.annotations if a.xref == "paper" and a.x == 0 and a.yanchor == "top"]
    assert [a.y for a in heads] == [i - 0.5 for i in range(len(view["rows"]))]
    cautions = [findings.benchmark.few_peers(r["doc"]) for r in view["rows"]]
    assert any(cautions) and [("compare with care" in a.text) for a in heads] == cautions
    assert fig.layout.yaxis.showticklabels is False and fig.layout.margin.l <= 10
    risk = findings.benchmark.benchmark_view(con, "P", None, "risk", "ambition", PeerSet.parse("all"), MIN)
    fig = benchmark_charts.strip(risk, labels, title="t", min_group=MIN, narrow=True)
    assert all("<br>" in t for t in fig.layout.xaxis.ticktext)  # "3<br>Cautious": five fit side by side
    wide = benchmark_charts.strip(risk, labels, title="t", min_group=MIN)
    assert not any("<br>" in t for t in wide.layout.xaxis.ticktext)


def test_trends_on_a_phone_use_a_legend_not_end_labels() -> None:
    from mandate_core import findings, metrics

    con = _trend_db()
    trend = metrics.trend(con, "P", MIN)
    rounds, dates = [r["round"] for r in trend], [r["workshop_date"] for r in trend]
    series = findings.trends.trend_series(trend)
    wide = trend_charts.themes_over_rounds(series, rounds, dates, "ambition", title="t", min_group=MIN)
    assert any(a.showarrow for a in wide.layout.annotations)
    fig = trend_charts.themes_over_rounds(series, rounds, dates, "ambition", title="t", min_group=MIN, narrow=True)
    assert not any(a.showarrow for a in fig.layout.annotations)
    assert fig.layout.showlegend is True and fig.layout.legend.orientation == "h"
    assert fig.layout.xaxis.range[1] == pytest.approx(len(rounds) - 0.5)  # no room kept for end labels


# --- the helpers --------------------------------------------------------------------------------------------


def test_fewer_ticks_keeps_every_other_and_the_middle() -> None:
    fig = go.Figure()
    fig.update_xaxes(tickvals=[1, 2, 3, 4, 5, 6, 7], ticktext=list("abcdefg"))
    narrow.fewer_ticks(fig)
    assert list(fig.layout.xaxis.tickvals) == [2, 4, 6] and list(fig.layout.xaxis.ticktext) == ["b", "d", "f"]
    fig.update_xaxes(tickvals=[1, 2, 3, 4, 5, 6], ticktext=list("abcdef"))
    narrow.fewer_ticks(fig)
    assert list(fig.layout.xaxis.tickvals) == [1, 2, 3, 4, 5, 6]  # six fit


def test_legend_rows_and_axis_title_wrapping() -> None:
    fig = go.Figure([go.Scatter(name="Now"), go.Scatter(name="Next step (1–2 years)"),
                     go.Scatter(name="Ambition (about 5 years)"), go.Scatter(name="hidden", showlegend=False)])
    # 44 + 3×8.5 = 69.5; 44 + 21×8.5 = 222.5 (291.5 so far); the third, 44 + 24×8.5 = 248, starts line 2.
    assert narrow.legend_rows(fig) == 2
    fig.update_xaxes(title={"text": "Ambition: cross-party alignment (0 = groups 5 points apart … 1 = same)"})
    assert narrow.wrap_axis_title(fig) == 2  # its bracket is too long for a line of its own: between words
    assert fig.layout.xaxis.title.text == "Ambition: cross-party alignment (0 =<br>groups 5 points apart … 1 = same)"
    fig.update_xaxes(title={"text": "Ambition: position (1 = better … 6 = new)"})
    assert narrow.wrap_axis_title(fig) == 2
    assert fig.layout.xaxis.title.text == "Ambition: position<br>(1 = better … 6 = new)"


def test_label_wraps_escapes_and_shortens() -> None:
    assert narrow.label("Jobs & <skills>") == "Jobs &amp; &lt;skills&gt;"
    text = narrow.label("one two three four five six seven", chars=9)
    assert text == "one two<br>three fo…"  # the second line shortened to 9 characters with its ellipsis
    assert narrow.label("one two three", chars=9, lines=3) == "one two<br>three"


def test_stacked_rows_keep_every_column() -> None:
    table = [{"Theme": "Overall", "This council": "4.7", "Peer median": "4.1", "Middle half": "–", "Peers": 5},
             {"Theme": "Health", "This council": "3.3", "Peer median": "", "Middle half": None, "Peers": 3}]
    assert narrow.stacked(table, "Theme") == [
        ("Overall", ["This council: 4.7", "Peer median: 4.1", "Middle half: –", "Peers: 5"]),
        ("Health", ["This council: 3.3", "Peers: 3"]),
    ]


@pytest.mark.parametrize(("agent", "phone"), [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", True),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile "
     "Safari/537.36", True),
    ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 "
     "Safari/537.36", False),  # an Android tablet: no "Mobile"
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Safari/605.1.15", False),  # a desktop, and an iPad (which sends the same)
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 "
     "Safari/537.36", False),
    ("", False),
])
def test_a_phone_is_told_by_its_user_agent(agent: str, phone: bool) -> None:
    from pages import _layout

    assert _layout.is_phone_agent(agent) is phone


def test_distribution_on_a_phone_labels_every_band_share(alignment_rows: list[dict]) -> None:  # noqa: F811
    """Each band's share is one label on a phone too; below 14% (a few pixels of bar) it sits outside."""
    # Everyone (the top row): 1, 1, 2, 2, 4 and 2 of 12 answers: Better 17%, Differently 33%, New 50%.
    def shares(fig: go.Figure) -> list[str]:
        return sorted(x for t in fig.data if getattr(t, "mode", None) == "text" for x in t.text)

    wide = shares(alignment.distribution_chart(alignment_rows, "Jobs", "ambition", 3))
    phone = shares(alignment.distribution_chart(alignment_rows, "Jobs", "ambition", 3, narrow=True))
    assert phone == wide and {"17%", "33%", "50%"} <= set(phone)
