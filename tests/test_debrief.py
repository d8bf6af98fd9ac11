"""Debrief mode: slides for one council, peers anonymised everywhere, an offline pack."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from mandate_core import debrief, debrief_pack, demo, metrics, storage
from mandate_core.anonymise import Anonymiser
from mandate_core.benchmarking import PeerSet

ROOT = Path(__file__).resolve().parent.parent
FOCUS = "brackenfield"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("debrief") / "demo.duckdb")


@pytest.fixture(scope="module")
def deck(demo_db: Path) -> debrief.Deck:
    with storage.connect(demo_db, read_only=True) as con:
        return debrief.build_deck(con, FOCUS, None, "all", key="test-key", min_group=3)


@pytest.fixture(scope="module")
def others(demo_db: Path) -> list[dict]:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return [c for c in metrics.list_councils(con) if c["council_id"] != FOCUS]
    finally:
        con.close()


def _secrets(others: list[dict]) -> list[str]:
    return [str(c["name"]) for c in others] + [str(c["council_id"]) for c in others]


def _mentions(text: str, others: list[dict]) -> list[str]:
    return [s for s in _secrets(others) if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text, re.IGNORECASE)]


def test_deck_tells_the_story_in_six_slides(deck: debrief.Deck) -> None:
    assert [s.key for s in deck.slides] == ["overall", "themes", "alignment", "ambition", "peers", "notes"]
    assert deck.name == "Brackenfield District Council"
    for slide in deck.slides:
        assert slide.heading and slide.takeaway and slide.how_to_read
        if slide.key != "notes":
            assert slide.figure is not None, slide.key
    assert deck.slides[-1].notes, "the demo council wrote radical alternatives"


def test_first_slide_names_and_values_now_next_and_ambition(deck: debrief.Deck) -> None:
    fig = deck.slides[0].figure
    labels = [t.text[0] for t in fig.data if t.text]
    assert [label.split()[0] for label in labels] == ["<b>Now", "<b>Next", "<b>Ambition"]
    assert not fig.layout.showlegend


def test_notes_slide_shows_the_most_common_ideas_and_counts_the_rest(deck: debrief.Deck) -> None:
    notes = deck.slides[-1]
    assert 0 < len(notes.ideas) <= debrief.MAX_IDEAS
    counts = [n for _idea, n in notes.ideas]
    assert counts == sorted(counts, reverse=True)
    every = {" ".join(i.split()).casefold() for _h, items in notes.notes for i in items}
    assert notes.more == len(every) - len(notes.ideas)  # the pack (notes by theme) has every one


def test_common_ideas_ranks_by_themes_and_ignores_case_and_spacing() -> None:
    grouped = {"Care": ["Pool budgets.", "Close the gap."], "Homes": ["pool  budgets.", "Build more."],
               "Jobs": ["Pool budgets.", "Close the gap."]}
    assert debrief.common_ideas(grouped) == [("Pool budgets.", 3), ("Close the gap.", 2), ("Build more.", 1)]


def test_every_slide_fits_a_1080_screen_under_its_headline(deck: debrief.Deck) -> None:
    for slide in deck.slides:
        if slide.figure is None:
            continue
        height = debrief.chart_height(slide)
        assert height <= debrief.MAX_CHART_HEIGHT
        assert slide.figure.layout.title.text == ""  # the headline is the slide's, not the chart's
    long = debrief.Slide("x", "h", "word " * 60, "how")
    assert debrief.chart_height(long) == debrief.MAX_CHART_HEIGHT - 3 * debrief.TAKEAWAY_LINE_PX


def test_no_other_council_in_any_slide(deck: debrief.Deck, others: list[dict]) -> None:
    for slide in deck.slides:
        text = json.dumps({"takeaway": slide.takeaway, "notes": slide.notes, "ideas": slide.ideas,
                           "figure": slide.figure.to_plotly_json() if slide.figure is not None else None},
                          default=str)
        assert _mentions(text, others) == [], slide.key
    peers = deck.slides[4].figure.to_json()
    assert "Peer 1" in peers, "the peer slide labels peers by number"


def test_peer_numbers_are_stable_for_a_key(demo_db: Path, deck: debrief.Deck) -> None:
    with storage.connect(demo_db, read_only=True) as con:
        again = debrief.build_deck(con, FOCUS, None, "all", key="test-key", min_group=3)
        other_key = debrief.build_deck(con, FOCUS, None, "all", key="another", min_group=3)
    assert again.slides[4].figure.to_json() == deck.slides[4].figure.to_json()
    assert other_key.slides[4].figure.to_json() != deck.slides[4].figure.to_json()


def test_pack_is_self_contained_and_anonymised(deck: debrief.Deck, others: list[dict]) -> None:
    html = debrief_pack.pack_html(deck.name, deck.round, deck.workshop_date,
                                  [s.for_pack() for s in deck.slides])
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?https?:", html, re.IGNORECASE)
    assert not re.search(r"@import\s+url\(\s*[\"']?https?:", html, re.IGNORECASE)
    assert html.count("Plotly.newPlot") == sum(1 for s in deck.slides if s.figure is not None)
    assert "page-break-after: always" in html
    body = html.split("</head>", 1)[1]  # plotly.js itself is not council text
    assert _mentions(body, others) == []
    assert "Brackenfield District Council" in body
    for i in range(1, len(deck.slides) + 1):
        assert f'id="slide-{i}"' in html


def test_pack_escapes_user_text() -> None:
    slide = debrief_pack.PackSlide("<b>h</b>", "<script>alert(1)</script>", "*how*",
                                   notes=[("<img src=x onerror=alert(1)>", ["a & b"])])
    html = debrief_pack.pack_html("<i>Council</i>", "R1", "2025-01-01", [slide])
    body = html.split("</head>", 1)[1]
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body and "&lt;i&gt;Council&lt;/i&gt;" in body
    assert debrief_pack.pack_filename("Brackenfield / District: Council", "2026-06-19") == (
        "debrief-Brackenfield-District-Council-2026-06-19.html")


def test_anonymiser_catches_a_name_a_builder_might_add(demo_db: Path, others: list[dict]) -> None:
    """The last pass over each figure replaces what the data-level labels might have missed."""
    import plotly.graph_objects as go

    with storage.connect(demo_db, read_only=True) as con:
        anon = Anonymiser(FOCUS, metrics.list_councils(con), key="k")
    fig = go.Figure(go.Bar(x=[1], y=[others[0]["name"]], hovertext=[others[1]["council_id"]]))
    assert _mentions(anon.figure(fig).to_json(), others) == []


# --- the mode in the app ----------------------------------------------------------------------------------


@pytest.fixture()
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(storage.ENV_DB, str(demo_db))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def _texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [t.value for t in at.text] + [c.value for c in at.caption])


def test_url_opens_debrief_on_a_slide_and_buttons_move_it(app: AppTest) -> None:
    app.query_params.update({"council": FOCUS, "debrief": "1", "slide": "3"})
    app.run()
    assert not app.exception
    assert "slide 3 of 6" in _texts(app)
    app.button(key="db_next").click().run()
    assert "slide 4 of 6" in _texts(app) and app.query_params["slide"] == "4"
    app.button(key="db_prev").click().run()
    app.button(key="db_prev").click().run()
    assert "slide 2 of 6" in _texts(app) and app.query_params["slide"] == "2"


def test_first_and_last_slide_buttons_are_disabled(app: AppTest) -> None:
    app.query_params.update({"council": FOCUS, "debrief": "1"})
    app.run()
    assert app.button(key="db_prev").disabled and not app.button(key="db_next").disabled
    for _ in range(10):
        if app.button(key="db_next").disabled:
            break
        app.button(key="db_next").click().run()
    assert "slide 6 of 6" in _texts(app)


def test_switch_turns_debrief_on_and_off_and_keeps_the_council(app: AppTest) -> None:
    app.run()
    app.selectbox(key="sb_council").set_value(FOCUS).run()
    app.toggle(key="sb_debrief").set_value(True).run()
    assert not app.exception
    assert app.query_params["debrief"] == "1"
    assert "slide 1 of 6" in _texts(app)
    assert not [s for s in app.selectbox if s.key == "sb_council"], "no council list in debrief mode"
    app.toggle(key="sb_debrief").set_value(False).run()
    assert not app.exception
    assert "debrief" not in app.query_params
    assert app.selectbox(key="sb_council").value == FOCUS


def test_debrief_screen_names_no_other_council(app: AppTest, others: list[dict]) -> None:
    app.query_params.update({"council": FOCUS, "debrief": "1"})
    app.run()
    for _ in range(6):
        shown = _texts(app) + "".join(el.proto.spec for el in app.main if hasattr(el, "proto")
                                      and hasattr(el.proto, "spec"))
        assert _mentions(shown, others) == []
        if app.button(key="db_next").disabled:
            break
        app.button(key="db_next").click().run()


def test_bad_slide_number_falls_back_with_a_note(app: AppTest) -> None:
    app.query_params.update({"council": FOCUS, "debrief": "1", "slide": "999"})
    app.run()
    assert "slide 1 of 6" in _texts(app)
    assert any("slide number" in w.value for w in app.warning)


def test_peer_slide_numbers_peers_as_every_page_and_download_does(demo_db: Path, deck: debrief.Deck) -> None:
    """The pack and the downloads share one numbering: the same key gives each peer the same label, and the
    slide's dots come in Peer-number order with the values the Benchmark page's peer download has."""
    from mandate_core import findings

    with storage.connect(demo_db, read_only=True) as con:
        anon = Anonymiser(FOCUS, metrics.list_councils(con), key="test-key")
        view = findings.benchmark.benchmark_view(
            con, FOCUS, None, "position", "ambition", PeerSet.parse("all"), min_group=3
        )
    fig = deck.slides[4].figure
    dots = next(t for t in fig.data if t.name == "Peers")
    shown = sorted(zip((int(y) for y in dots.y), dots.customdata, (round(x, 9) for x in dots.x), strict=True))
    expected = sorted((i, anon.label(p["council_id"]), round(p["value"], 9))
                      for i, r in enumerate(view["rows"]) for p in r["points"])
    assert shown == expected
    for row in {i for i, _label, _x in shown}:
        numbers = [int(label.split()[1]) for i, label, _x in zip((int(y) for y in dots.y), dots.customdata,
                                                                 dots.x, strict=True) if i == row]
        assert numbers == sorted(numbers), "dots in Peer-number order, never in the order of names"
    assert [r for r in anon.rows(findings.benchmark.peer_point_rows(view, {}, False))
            if not str(r["council_id"]).startswith("Peer ")] == []
