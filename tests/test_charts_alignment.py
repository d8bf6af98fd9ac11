"""Alignment charts: group positions, officer–member gap, cross-party alignment, diverging distribution."""

from __future__ import annotations

import json

import pytest

from mandate_core.charts import alignment
from mandate_core.disclosure import HIDDEN
from mandate_core.palette import BAND_COLOURS, BAND_MARK_COLOURS, GROUP_COLOURS, LEVEL_COLOUR, ROLE_COLOURS

SMALL = HIDDEN


def cell(kind: str, group: str | None = None, *, position: float | None = None, n: int | None = None,
         counts: dict[int, int] | None = None, reason: str | None = None, theme: str = "Jobs",
         horizon: str = "ambition", leak: bool = False) -> dict:
    """A breakdown / distribution row; ``leak`` keeps sentinel numbers on a hidden row to prove they are unused."""
    hidden = reason is not None
    row = {"theme": theme, "sector_theme": "economy", "horizon": horizon, "cell": kind,
           "role": {"total": None, "officers": "officer"}.get(kind, "member"), "group": group,
           "n": n, "position": position, "band": None, "counts": counts, "suppressed": hidden, "reason": reason}
    if not hidden and position is not None:
        from mandate_core.domain import band_of

        row["band"] = band_of(position)
    if hidden and not leak:
        row.update(n=None, position=None, counts=None)
    return row


def shown_json(fig) -> str:  # noqa: ANN001
    """The figure as the browser gets it, minus Plotly's constant default template (its colour scales hold
    digits like 0.7777 that would make a leak check pass or fail by accident)."""
    spec = json.loads(fig.to_json())
    spec.get("layout", {}).pop("template", None)
    return json.dumps(spec)


@pytest.fixture
def rows() -> list[dict]:
    return [
        cell("total", position=3.5, n=12, counts={1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 2}),
        cell("officers", position=3.0, n=5, counts={1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 0}),
        cell("members", position=3.9, n=7, counts={1: 0, 2: 0, 3: 1, 4: 1, 5: 3, 6: 2}),
        cell("group", "Green", position=4.25, n=4, counts={1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2}),
        cell("group", "Labour", reason=SMALL, position=4.987, n=2, counts={5: 9137, 6: 9241}, leak=True),
        cell("group", "SNP", reason=HIDDEN, position=3.111, n=3, counts={1: 9319}, leak=True),
        cell("total", position=2.0, n=12, counts={1: 3, 2: 9, 3: 0, 4: 0, 5: 0, 6: 0}, horizon="now"),
    ]


def test_slice_rows_order_and_filter(rows: list[dict]) -> None:
    picked = alignment.slice_rows(rows, "Jobs", "ambition")
    assert [alignment.cell_label(r) for r in picked] == ["All participants", "Officers", "Members", "Green",
                                                        "Labour", "SNP"]


def test_group_positions_values_colours_and_hidden_rows(rows: list[dict]) -> None:
    fig = alignment.group_positions(rows, "Jobs", "ambition", 3)
    dots = fig.data[0]
    assert list(dots.x) == [3.5, 3.0, 3.9, 4.25]
    assert list(dots.y) == [5, 4, 3, 2]
    colours = list(dots.marker.color)
    assert colours[1] == ROLE_COLOURS["officer"] and colours[2] == ROLE_COLOURS["member"]
    assert colours[3] == alignment.GROUP_STYLES[0][0]  # Green: first group alphabetically
    assert list(dots.marker.symbol)[3] == alignment.GROUP_STYLES[0][1]
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks[0] == "<b>All participants (n=12)</b>"
    assert ticks[3] == "Green (n=4)"
    assert ticks[4] == "Labour" and ticks[5] == "SNP"  # no n for hidden groups
    notes = [a.text for a in fig.layout.annotations if a.text]
    # one text for the small group and for its partner (rule 5 of docs/disclosure.md)
    assert notes.count("not shown — small group") == 2
    assert not any("protect" in n or "fewer" in n for n in notes)
    text = shown_json(fig)
    for secret in ("4.987", "3.111", "(n=2)", "(n=3)"):
        assert secret not in text
    assert fig.layout.title.text.startswith("Members want to go further than officers on")


def test_group_styles_never_borrow_a_band_or_role_colour_and_differ_in_shape() -> None:
    colours = {c for c, _shape in alignment.GROUP_STYLES}
    assert not colours & (set(BAND_COLOURS.values()) | set(BAND_MARK_COLOURS.values()))
    assert not colours & set(ROLE_COLOURS.values())
    assert colours == set(GROUP_COLOURS)  # the palette's (contrast-checked) group colours, nothing else
    shapes = [shape for _c, shape in alignment.GROUP_STYLES]
    assert len(set(shapes)) == len(shapes) and "circle" not in shapes  # circles are the role rows
    styles = alignment.group_styles([{"cell": "group", "group": g} for g in ("SNP", "Green", "Labour")])
    assert styles == {"Green": alignment.GROUP_STYLES[0], "Labour": alignment.GROUP_STYLES[1],
                      "SNP": alignment.GROUP_STYLES[2]}


def test_group_positions_change_with_horizon(rows: list[dict]) -> None:
    amb = alignment.group_positions(rows, "Jobs", "ambition", 3)
    now = alignment.group_positions(rows, "Jobs", "now", 3)
    assert list(now.data[0].x) == [2.0]
    assert now.to_json() != amb.to_json()


def test_distribution_centres_differently_and_labels_each_band_once(rows: list[dict]) -> None:
    """Issue 16: Differently is one stretch centred on zero (not split 3 | 4 across it), each band's share
    is one label, and all six scores are in the legend with their band words."""
    fig = alignment.distribution_chart(rows, "Jobs", "ambition", 3)
    bars = [t for t in fig.data if t.type == "bar"]
    by_score = {int(t.legendrank): t for t in bars}
    assert sorted(by_score) == [1, 2, 3, 4, 5, 6]
    # total: 12 answers 1,1,2,2,4,2 → 8.33, 8.33, 16.67, 16.67, 33.33, 16.67 %.  Differently (33.33) runs
    # from −16.67 to +16.67; Better ends where it starts (−33.33 … −16.67); New runs on to 66.67.
    starts = {s: by_score[s].base[0] for s in range(1, 7)}
    widths = {s: by_score[s].x[0] for s in range(1, 7)}
    assert starts[1] == pytest.approx(-100 / 3) and widths[1] == pytest.approx(100 / 12)
    assert starts[2] == pytest.approx(-25) and widths[2] == pytest.approx(100 / 12)
    assert starts[3] == pytest.approx(-100 / 6) and widths[3] == pytest.approx(100 / 6)
    assert starts[4] == pytest.approx(0) and widths[4] == pytest.approx(100 / 6)
    assert starts[5] == pytest.approx(100 / 6) and widths[5] == pytest.approx(100 / 3)
    assert starts[6] == pytest.approx(50) and starts[6] + widths[6] == pytest.approx(200 / 3)
    # Officers 1,1,1,1,1,0 of 5: Differently 40% centred (−20 … 20), Better 40% left of it.
    assert by_score[3].base[1] == pytest.approx(-20) and by_score[4].base[1] + by_score[4].x[1] == pytest.approx(20)
    assert by_score[1].base[1] == pytest.approx(-60)
    # every shown row adds up to 100% and is centred on its Differently block
    for i in range(4):
        assert sum(by_score[s].x[i] for s in range(1, 7)) == pytest.approx(100)
        assert by_score[3].base[i] + (by_score[3].x[i] + by_score[4].x[i]) / 2 == pytest.approx(0)
    # One label per band with answers: total 17/33/50, officers 40/40/20, members (no Better) 29/71,
    # Green (no Better) 25/75 — each at the middle of its band's stretch.
    labels = next(t for t in fig.data if t.type == "scatter")
    assert list(labels.text) == ["17%", "33%", "50%", "40%", "40%", "20%", "29%", "71%", "25%", "75%"]
    assert labels.x[0] == pytest.approx(-25) and labels.x[1] == pytest.approx(0)
    assert labels.x[2] == pytest.approx(100 / 6 + 25)
    assert set(labels.textposition) == {"middle center"}
    # Scores as shades of the band colour; the extremes are the band colour itself; all six in the legend.
    assert by_score[1].marker.color == BAND_COLOURS["Better"]
    assert by_score[4].marker.color == BAND_COLOURS["Differently"]
    assert by_score[6].marker.color == BAND_COLOURS["New"]
    assert len({t.marker.color for t in bars}) == 6
    assert [t.name for t in bars if t.showlegend] == ["1 Better", "2 Better", "3 Differently", "4 Differently",
                                                      "5 New", "6 New"]
    assert "Score 5 (New): 4 of 12 answers (33%)" in by_score[5].hovertext[0]
    text = shown_json(fig)
    for secret in ("9137", "9241", "9319"):
        assert secret not in text
    notes = [a.text for a in fig.layout.annotations if a.text]
    assert "not shown — small group" in notes
    assert fig.layout.title.text == "Answers on “Jobs” are spread: 17% Better, 33% Differently, 50% New"


def test_distribution_small_band_is_labelled_outside_the_bar() -> None:
    """1 of 22 answers (5%) is too narrow to hold its number: it is written just outside the bar's end."""
    rows = [cell("total", position=3.5, n=22, counts={1: 1, 3: 10, 4: 10, 6: 1})]
    seg = alignment.distribution_segments(rows[0]["counts"])
    assert seg["bands"]["Better"][0] == pytest.approx(-(100 * 20 / 22) / 2 - 100 / 22)
    fig = alignment.distribution_chart(rows, "Jobs", "ambition", 3)
    labels = next(t for t in fig.data if t.type == "scatter")
    assert list(labels.text) == ["5%", "91%", "5%"]
    assert list(labels.textposition) == ["middle left", "middle center", "middle right"]
    left_end = -(100 * 20 / 22) / 2 - 100 / 22
    assert labels.x[0] < left_end and labels.x[2] > -left_end


def _themes() -> list[dict]:
    return [
        {"theme": "Jobs", "officer_member_gap": {"ambition": 0.8, "now": 0.0},
         "cross_party_alignment": {"ambition": 0.9, "now": None}},
        {"theme": "Care", "officer_member_gap": {"ambition": -0.5, "now": 0.1},
         "cross_party_alignment": {"ambition": 0.5, "now": None}},
        {"theme": "Homes", "officer_member_gap": {"ambition": 0.1, "now": None},
         "cross_party_alignment": {"ambition": None, "now": None}},
        {"theme": "Tiny", "officer_member_gap": {"ambition": None, "now": None},
         "cross_party_alignment": {"ambition": None, "now": None}},
    ]


def test_officer_member_gap_chart() -> None:
    fig = alignment.officer_member_gap_chart(_themes(), "ambition", 3)
    bars = fig.data[0]
    assert list(bars.x) == [0.8, -0.5, 0.1]
    assert list(bars.marker.color) == [ROLE_COLOURS["member"], ROLE_COLOURS["officer"], LEVEL_COLOUR]
    assert list(bars.text) == ["+0.8", "-0.5", "+0.1"]
    assert fig.layout.title.text == "Split: members go further on 1 of 3 themes, officers on 1, level on 1"
    assert "not shown — small group" in [a.text for a in fig.layout.annotations]
    assert fig.layout.xaxis.range[0] == -fig.layout.xaxis.range[1]  # centred on zero
    # The key names all three colours, so the grey "about level" bars the title counts are explained.
    key = {t.name: t.marker.color for t in fig.data if t.showlegend}
    assert key == {"Members further": ROLE_COLOURS["member"], "Officers further": ROLE_COLOURS["officer"],
                   "About level (gap under 0.3)": LEVEL_COLOUR}
    now = alignment.officer_member_gap_chart(_themes(), "now", 3)
    assert list(now.data[0].x) == [0.0, 0.1]


def test_cross_party_chart() -> None:
    fig = alignment.cross_party_chart(_themes(), "ambition")
    assert list(fig.data[0].x) == [0.9, 0.5] and fig.data[0].mode == "markers"
    # The words sit in a column right of the plot, clear of the 0.6 and 0.8 lines.
    column = [a.text for a in fig.layout.annotations if a.xref == "paper" and a.x == 1.0 and a.xanchor == "left"]
    assert column == ["0.90 closely aligned", "0.50 divided"]
    assert {round(s.x0, 2) for s in fig.layout.shapes if s.type == "line"} == {0.6, 0.8}
    assert fig.layout.title.text == "Political groups are divided on 1 of 2 themes"


def test_group_rows_table_hides_small_groups(rows: list[dict]) -> None:
    table = alignment.group_rows(rows, rows, "Jobs", "ambition", 3)
    assert [r["group"] for r in table] == ["All participants", "Officers", "Members", "Green", "Labour", "SNP"]
    green = table[3]
    assert green["participants"] == 4 and green["position"] == 4.25 and green["score_6"] == 2
    labour, snp = table[4], table[5]
    assert labour["participants"] == "not shown — small group" and labour["score_5"] == ""
    assert snp["position"] == "not shown — small group"  # the same words as the small group's
    dumped = json.dumps(table)
    for secret in ("9137", "9241", "9319", "4.987", "3.111"):
        assert secret not in dumped


def test_theme_alignment_rows() -> None:
    table = alignment.theme_alignment_rows(_themes(), "ambition", 3)
    assert table[0]["officer_member_gap"] == 0.8 and table[0]["who_goes_further"] == "members further by 0.8"
    assert table[0]["alignment_in_words"] == "closely aligned"
    assert table[3]["officer_member_gap"] == "not shown — small group"
    assert table[2]["cross_party_alignment"] == "not enough groups to show"


def test_debrief_enlarges_type(rows: list[dict]) -> None:
    """Debrief doubles the builders' sizes; a normal screen has them 8/7 larger already (16 px ticks)."""
    big = alignment.group_positions(rows, "Jobs", "ambition", 3, debrief=True)
    small = alignment.group_positions(rows, "Jobs", "ambition", 3)
    assert big.layout.font.size > 1.7 * small.layout.font.size
    assert big.data[0].marker.size > 1.7 * small.data[0].marker.size
