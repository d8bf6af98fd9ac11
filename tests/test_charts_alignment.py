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
    # one text for the small group and for its partner (SPEC §4 rule 5)
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


def test_distribution_diverges_around_the_middle(rows: list[dict]) -> None:
    fig = alignment.distribution_chart(rows, "Jobs", "ambition", 3)
    assert fig.layout.barmode == "relative"
    by_score = {int(t.legendrank): t for t in fig.data}
    assert [int(t.legendrank) for t in fig.data] == [3, 2, 1, 4, 5, 6]  # inner scores stack first
    # total: 12 answers: 1,1,2,2,4,2
    assert by_score[1].x[0] == pytest.approx(-100 / 12)
    assert by_score[3].x[0] == pytest.approx(-200 / 12)
    assert by_score[5].x[0] == pytest.approx(400 / 12)
    assert all(x <= 0 for s in (1, 2, 3) for x in by_score[s].x)
    assert all(x >= 0 for s in (4, 5, 6) for x in by_score[s].x)
    # each shown row adds up to 100%
    for i in range(4):
        assert sum(abs(by_score[s].x[i]) for s in range(1, 7)) == pytest.approx(100)
    assert by_score[1].marker.color == BAND_COLOURS["Better"]
    assert by_score[4].marker.color == BAND_COLOURS["Differently"]
    assert by_score[6].marker.color == BAND_COLOURS["New"]
    assert [t.name for t in fig.data if t.showlegend] == ["Better (1–2)", "Differently (3–4)", "New (5–6)"]
    assert list(by_score[5].text) == ["33%", "20%", "43%", "25%"]
    text = shown_json(fig)
    for secret in ("9137", "9241", "9319"):
        assert secret not in text
    notes = [a.text for a in fig.layout.annotations if a.text]
    assert "not shown — small group" in notes
    assert fig.layout.title.text == "Answers on “Jobs” are spread: 17% Better, 33% Differently, 50% New"


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
