"""Overview and Council charts: the figures hold the right values, labels and colours, and nothing hidden."""

from __future__ import annotations

import json

import pytest

from mandate_core import findings
from mandate_core.charts import base, spectrum
from mandate_core.domain import band_of
from mandate_core.palette import BAND_MARK_COLOURS, FOCUS_COLOUR, HORIZON_COLOURS

HIDDEN = {"suppressed": True}


def sl(position: float, *, n: int = 10, risk: float | None = None, consensus: float = 0.6) -> dict:
    return {"n": n, "position": position, "band": band_of(position), "risk": risk, "consensus": consensus}


def row(cid: str, name: str, now: dict, amb: dict, nxt: dict | None = None, **extra: object) -> dict:
    gap = amb["position"] - now["position"] if "position" in amb and "position" in now else None
    base = {"council_id": cid, "name": name, "nation": "Scotland", "council_type": "Unitary",
            "peer_group": "Family 1", "round": "2024 baseline", "workshop_date": "2024-03-01",
            "participants": 12, "now": now, "next": nxt or now, "ambition": amb, "gap": gap}
    base.update(extra)
    return base


def shown_json(fig) -> str:  # noqa: ANN001
    """The figure as the browser gets it, minus Plotly's constant default template (its colour scales hold
    digits like 0.7777 that would make a leak check pass or fail by accident)."""
    spec = json.loads(fig.to_json())
    spec.get("layout", {}).pop("template", None)
    return json.dumps(spec)


def trace(fig, name: str):  # noqa: ANN001, ANN201
    return next(t for t in fig.data if t.name == name and t.x and t.x[0] is not None)


@pytest.fixture
def sector() -> list[dict]:
    return [
        row("a", "Alpha Council", sl(2.0), sl(4.8)),
        row("b", "Bravo <b>& Co</b>", sl(3.0), sl(3.9)),
        row("c", "Charlie Council", sl(1.5), sl(2.2)),
        # ambition hidden, now "shown" with a sentinel value: the council must not appear at all
        row("d", "Delta Hidden Council", sl(2.34567), {"suppressed": True, "position": 5.4321}, participants=2),
    ]


# --- Overview ---------------------------------------------------------------------------------------------


def test_dumbbell_sorted_by_ambition_with_band_colours(sector: list[dict]) -> None:
    fig = spectrum.overview_dumbbell(sector, focus="b")
    amb = trace(fig, "Ambition")
    now = trace(fig, "Now")
    assert list(amb.x) == [2.2, 3.9, 4.8]  # lowest ambition at the bottom (y = 0)
    assert list(amb.y) == [0, 1, 2]
    assert list(now.x) == [1.5, 3.0, 2.0]
    # The bands' mark colours (darker than the zones' fills, for 3:1 on them): a dot's colour is its band.
    assert list(amb.marker.color) == [BAND_MARK_COLOURS["Better"], BAND_MARK_COLOURS["Differently"],
                                      BAND_MARK_COLOURS["New"]]
    assert list(now.marker.color) == [BAND_MARK_COLOURS["Better"], BAND_MARK_COLOURS["Differently"],
                                      BAND_MARK_COLOURS["Better"]]
    assert now.marker.symbol == "circle-open"
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks[0] == "Charlie Council" and ticks[2] == "Alpha Council"
    assert "▶ Bravo &lt;b&gt;&amp; Co&lt;/b&gt;" in ticks[1] and FOCUS_COLOUR in ticks[1]
    assert any(s.line.color == FOCUS_COLOUR and s.y0 == pytest.approx(0.52) for s in fig.layout.shapes)
    assert fig.layout.title.text == findings.overview.overview_takeaway(sector)
    assert [a.text for a in fig.layout.annotations if a.text and "Better" in a.text]


def test_dumbbell_leaves_out_suppressed_council_entirely(sector: list[dict]) -> None:
    text = shown_json(spectrum.overview_dumbbell(sector))
    assert "Delta Hidden" not in text
    assert "2.34567" not in text and "5.4321" not in text
    on, off = spectrum.split_overview(sector)
    assert [r["council_id"] for r in off] == ["d"]
    assert len(on) == 3


def test_dumbbell_escapes_names_in_hover(sector: list[dict]) -> None:
    text = shown_json(spectrum.overview_dumbbell(sector))
    assert "<b>& Co" not in text and "&lt;b&gt;&amp; Co" in text


def test_dumbbell_debrief_labels_and_fonts(sector: list[dict]) -> None:
    labels = findings.common.debrief_labels([r["council_id"] for r in sector], "a", "Alpha Council")
    fig = spectrum.overview_dumbbell(sector, focus="a", labels=labels, debrief=True)
    text = shown_json(fig)
    assert "Bravo" not in text and "Charlie" not in text
    assert "Peer" in text and "Alpha Council" in text
    assert "participants" not in text  # head counts could identify a council in the room
    normal = spectrum.overview_dumbbell(sector)
    # Debrief doubles the builders' sizes; a normal screen gets them 8/7 larger (16 px ticks for a projector).
    assert fig.layout.font.size == 2 * base.BASE_FONT and normal.layout.font.size == base.font_size(False)
    assert fig.layout.font.size > 1.7 * normal.layout.font.size
    assert fig.layout.height > normal.layout.height


def test_dumbbell_with_nothing_to_show() -> None:
    fig = spectrum.overview_dumbbell([row("d", "Delta", HIDDEN, HIDDEN)])
    assert fig.layout.title.text.startswith("No council")
    assert "Delta" not in shown_json(fig)


def test_overview_rows_hide_suppressed_values(sector: list[dict]) -> None:
    rows = spectrum.overview_rows(sector, 3)
    hidden = next(r for r in rows if r["council"] == "Delta Hidden Council")
    assert hidden["ambition_position"] == "not shown — small group"
    assert hidden["participants"] == "not shown — small group"
    assert hidden["gap"] == ""
    alpha = next(r for r in rows if r["council"] == "Alpha Council")
    assert alpha["now_position"] == 2.0 and alpha["ambition_band"] == "New" and alpha["gap"] == 2.8
    assert alpha["nation"] == "Scotland"
    assert "5.4321" not in json.dumps(rows)
    anon = spectrum.overview_rows(sector, 3, labels={"a": "Alpha Council", "b": "Peer 1"}, debrief=True)
    assert "nation" not in anon[0] and "participants" not in anon[0]
    assert anon[1]["council"] == "Peer 1"


# --- Council ----------------------------------------------------------------------------------------------


@pytest.fixture
def report() -> dict:
    def theme(name: str, now: dict, nxt: dict, amb: dict, gap: float | None) -> dict:
        return {"theme": name, "sector_theme": "economy", "now": now, "next": nxt, "ambition": amb, "gap": gap}

    return {
        "council_id": "x", "name": "X Council", "round": "R1", "workshop_date": "2024-01-01",
        "participants": 12, "min_group_size": 3,
        "overall": {"now": sl(2.1, risk=2.1, consensus=0.66), "next": sl(3.3, risk=2.8),
                    "ambition": sl(4.7, risk=3.7, consensus=0.55), "gap": 2.6},
        "themes": [
            theme("Jobs & <skills>", sl(2.0, risk=2.0, consensus=0.8), sl(3.0), sl(5.0, risk=4.0, consensus=0.72), 3.0),
            theme("Care", sl(2.5, consensus=0.4), {"suppressed": True, "position": 6.54321},
                  sl(3.5, consensus=0.45), 1.0),
            theme("Tiny", HIDDEN, HIDDEN, {"suppressed": True, "position": 1.23456, "n": 2}, None),
        ],
    }


def test_council_spectrum_values_order_and_hidden(report: dict) -> None:
    fig = spectrum.council_spectrum(report, min_group=3)
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks == ["<b>All themes</b>", "Jobs &amp; &lt;skills&gt;", "Care", "Tiny"]  # by ambition, hidden last
    ys = list(fig.layout.yaxis.tickvals)
    amb = trace(fig, "Ambition (about 5 years)")
    assert list(amb.x) == [4.7, 5.0, 3.5] and list(amb.y) == ys[:3]
    assert list(amb.text) == ["4.7", "5.0", "3.5"]
    nxt = trace(fig, "Next step (1–2 years)")
    assert list(nxt.x) == [3.3, 3.0]  # Care's next step is hidden
    assert amb.marker.color == HORIZON_COLOURS["ambition"]
    notes = [a.text for a in fig.layout.annotations if a.text]
    assert "next step: not shown — small group" in notes
    assert "not shown — small group" in notes  # the Tiny row
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 3  # overall, Jobs, Care
    text = shown_json(fig)
    assert "6.54321" not in text and "1.23456" not in text
    assert fig.layout.title.text.startswith("1 of 2 themes aim for New")


def test_risk_chart_orange_book_axis(report: dict) -> None:
    fig = spectrum.risk_chart(report, min_group=3)
    assert [t.replace("<br>", " ") for t in fig.layout.xaxis.ticktext] == [
        "1 Averse", "2 Minimal", "3 Cautious", "4 Open", "5 Eager"]
    amb = next(t for t in fig.data if t.name == "Risk appetite for the ambition")
    assert list(amb.x) == [3.7, 4.0]
    assert fig.layout.title.text == "Risk appetite rises from Minimal (2.1) now to Open (3.7) for the ambition"
    assert "not shown — small group" in [a.text for a in fig.layout.annotations]


def test_marks_by_row_draws_each_horizon_alike_and_only_what_is_shown() -> None:
    """Hand-computed: two rows (all themes on top at y=1, Jobs at y=0); a hidden slice and a slice without the
    value get no mark; debrief doubles sizes and outlines; only the ambition writes its number."""
    report = {"overall": {"now": sl(2.0, risk=2.0), "ambition": sl(4.0)},
              "themes": [{"theme": "Jobs", "now": HIDDEN, "ambition": sl(5.0, risk=4.0)}]}
    fig, rows, ys, ticks = spectrum._marks_by_row(report, {"now": "N", "ambition": "A"}, "risk",
                                                  lambda h, s: f"{h} {s['risk']}", True)
    assert [label for label, _r, _o in rows] == ["All themes", "Jobs"] and ys == [1, 0]
    assert ticks == ["<b>All themes</b>", "Jobs"]
    now, amb = fig.data
    assert (now.name, list(now.x), list(now.y), now.mode, now.text) == ("N", [2.0], [1], "markers", None)
    assert list(now.hovertext) == ["<b>All themes</b><br>now 2.0"]
    assert (now.marker.size, now.marker.line.width, now.marker.line.color) == (28, 6, HORIZON_COLOURS["now"])
    assert (amb.name, list(amb.x), list(amb.y), amb.mode, list(amb.text)) == ("A", [4.0], [0], "markers+text",
                                                                              ["4.0"])
    assert (amb.marker.size, amb.marker.line.width, amb.marker.color) == (34, 2, HORIZON_COLOURS["ambition"])


def _value_column(fig) -> list[str]:  # noqa: ANN001
    """The words in the column right of a dot plot (annotations pinned to the plot's right edge)."""
    return [a.text for a in fig.layout.annotations if a.xref == "paper" and a.x == 1.0 and a.xanchor == "left"]


def test_consensus_chart_words_and_values(report: dict) -> None:
    fig = spectrum.consensus_chart(report, "ambition", min_group=3)
    dots = fig.data[0]
    assert dots.mode == "markers"  # dots on a fixed 0–1 axis, not bars from zero
    assert list(dots.x) == [0.55, 0.72, 0.45]
    assert tuple(fig.layout.xaxis.range) == (-0.02, 1.02)
    # Each value and its word sit in a column right of the plot, where no threshold line can cross them.
    assert _value_column(fig) == ["0.55 (moderate)", "0.72 (high)", "0.45 (low)"]
    assert fig.layout.margin.r > 100
    assert fig.layout.title.text == "Agreement is high on 1 of 2 themes; lowest on “Care” (0.45, low)"
    now = spectrum.consensus_chart(report, "now", min_group=3)
    assert list(now.data[0].x) == [0.66, 0.8, 0.4]
    assert now.to_json() != fig.to_json()


def test_council_rows_table(report: dict) -> None:
    rows = spectrum.council_rows(report, min_group=3)
    assert len(rows) == 4 * 3
    first = rows[0]
    assert first["theme"] == "All themes" and first["horizon"] == "Now" and first["position"] == 2.1
    assert first["risk_level"] == "Minimal" and first["agreement"] == "moderate"
    care_next = next(r for r in rows if r["theme"] == "Care" and r["horizon"].startswith("Next"))
    assert care_next["position"] == "not shown — small group" and care_next["participants"] == care_next["position"]
    jobs_amb = next(r for r in rows if r["theme"].startswith("Jobs") and r["horizon"].startswith("Ambition"))
    assert jobs_amb["gap_ambition_minus_now"] == 3.0 and jobs_amb["sector_theme"] == "Inclusive economy and growth"
    assert "6.54321" not in json.dumps(rows) and "1.23456" not in json.dumps(rows)


def test_display_table_turns_mixed_columns_into_text() -> None:
    rows = [{"a": 1.5, "b": "x", "c": 2}, {"a": "not shown — small group", "b": "y", "c": 3}]
    out = spectrum.display_table(rows)
    assert out[0] == {"a": "1.5", "b": "x", "c": 2}
    assert out[1]["a"] == "not shown — small group"


def test_consensus_title_agrees_with_the_all_themes_row(report: dict) -> None:
    """Every theme high but the pooled row moderate: the title says both, so it never contradicts a dot."""
    agreed = {**report, "themes": [{**t, "ambition": sl(4.0, consensus=0.8)} for t in report["themes"][:2]]}
    fig = spectrum.consensus_chart(agreed, "ambition", min_group=3)
    assert fig.layout.title.text == "Agreement is high on all 2 themes, moderate (0.55) with all themes pooled"
    assert _value_column(fig)[0] == "0.55 (moderate)"


def test_overall_journey_names_and_values_every_point(report: dict) -> None:
    fig = spectrum.overall_journey(report, debrief=True, min_group=3)
    texts = {t.name: t.text[0] for t in fig.data}
    assert texts == {"Now": "<b>Now 2.1</b>", "Next step (1–2 years)": "<b>Next step 3.3</b>",
                     "Ambition (about 5 years)": "<b>Ambition 4.7</b>"}
    assert not fig.layout.showlegend  # the labels say what each mark is
    assert any(a.text == "Risk appetite rises from Minimal (2.1) now to Open (3.7) for the ambition."
               for a in fig.layout.annotations)
    hidden = {**report, "overall": {**report["overall"], "next": HIDDEN}}
    fig = spectrum.overall_journey(hidden, min_group=3)
    assert [t.name for t in fig.data] == ["Now", "Ambition (about 5 years)"]
    assert "next step: not shown — small group" in [a.text for a in fig.layout.annotations]


def test_band_names_use_darker_band_ink(report: dict) -> None:
    fig = spectrum.council_spectrum(report, min_group=3)
    names = {a.text: a.font.color for a in fig.layout.annotations if a.text in ("<b>Better</b>", "<b>New</b>")}
    assert names == {"<b>Better</b>": base.BAND_TEXT_COLOURS["Better"], "<b>New</b>": base.BAND_TEXT_COLOURS["New"]}
    assert fig.layout.xaxis.tickfont.color == base.INK


def test_long_titles_wrap_instead_of_being_cut(report: dict) -> None:
    title = "A very long takeaway sentence " * 5
    fig = spectrum.council_spectrum(report, title=title, min_group=3)
    assert "<br>" in fig.layout.title.text
    one = spectrum.council_spectrum(report, title="Short", min_group=3)
    assert fig.layout.margin.t > one.layout.margin.t
