"""The debrief deck as PowerPoint (native charts, anonymised to the last byte) and the ``deck`` command."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402
from pptx.enum.chart import XL_CHART_TYPE  # noqa: E402
from pptx.enum.shapes import MSO_SHAPE_TYPE  # noqa: E402

from mandate_core import debrief, deck_pptx, demo, findings, metrics, reports, storage  # noqa: E402
from mandate_core.benchmarking import PeerSet  # noqa: E402
from mandate_core.text import fmt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FOCUS = "brackenfield"
NATIVE = {XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.XY_SCATTER}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("deck") / "demo.duckdb")


@pytest.fixture(scope="module")
def deck(demo_db: Path) -> debrief.Deck:
    with storage.connect(demo_db, read_only=True) as con:
        return debrief.build_deck(con, FOCUS, None, "all", key="test-key", min_group=3)


@pytest.fixture(scope="module")
def data(deck: debrief.Deck) -> bytes:
    return deck_pptx.build_pptx(deck, peer_set=deck.peer_set)


@pytest.fixture(scope="module")
def prs(data: bytes) -> object:
    return Presentation(io.BytesIO(data))


@pytest.fixture(scope="module")
def report(demo_db: Path) -> dict:
    with storage.connect(demo_db, read_only=True) as con:
        return reports.council_report(con, FOCUS, None, min_group=3)


@pytest.fixture(scope="module")
def others(demo_db: Path) -> list[dict]:
    with storage.connect(demo_db, read_only=True) as con:
        return [c for c in metrics.list_councils(con) if c["council_id"] != FOCUS]


def _mentions(text: str, others: list[dict]) -> list[str]:
    secrets = [str(c["name"]) for c in others] + [str(c["council_id"]) for c in others]
    return [s for s in secrets if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text, re.IGNORECASE)]


def _charts(slide: object) -> list[object]:
    return [shape for shape in slide.shapes if shape.has_chart]


def _slide_text(slide: object) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def _series(chart: object) -> dict[str, tuple]:
    return {s.name: tuple(s.values) for s in chart.plots[0].series}


def _by_theme(report: dict, horizon: str) -> dict[str, float | None]:
    return {t["theme"]: (None if t[horizon].get("suppressed") else t[horizon]["position"]) for t in report["themes"]}


def test_one_widescreen_slide_per_debrief_slide_each_chart_native(prs: object, deck: debrief.Deck) -> None:
    assert len(prs.slides) == len(deck.slides) == 6
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 13.333 x 7.5 in: 16:9
    for slide, item in zip(prs.slides, deck.slides, strict=True):
        assert slide.shapes.title.text == item.takeaway  # the takeaway is the slide's real title
        notes = slide.notes_slide.notes_text_frame.text
        assert "How to read this:" in notes and item.heading in notes
        assert not [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE], "no chart as a picture"
        charts = _charts(slide)
        assert len(charts) == (1 if item.figure is not None else 0), item.key
        for frame in charts:
            assert frame.chart.chart_type in NATIVE
            # Its text alternative is the takeaway.
            assert frame._element.nvGraphicFramePr.cNvPr.get("descr") == item.takeaway
        for shape in slide.shapes:  # large type: nothing on a slide is smaller than 12 pt
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for r in p.runs:
                        assert r.font.size is None or r.font.size.pt >= 12, r.text


def test_chart_data_is_the_debrief_numbers(prs: object, deck: debrief.Deck, report: dict) -> None:
    slides = {item.key: slide for item, slide in zip(deck.slides, prs.slides, strict=True)}
    overall = report["overall"]

    # 1. Now, next step, ambition: one bar each, the overall positions, coloured by band.
    chart = _charts(slides["overall"])[0].chart
    (values,) = _series(chart).values()
    # Bars are given bottom first (PowerPoint draws the first category at the bottom).
    assert list(reversed(values)) == pytest.approx([overall[h]["position"] for h in ("now", "next", "ambition")])

    # 2. Every theme's now, next and ambition (and "All themes" on top).
    chart = _charts(slides["themes"])[0].chart
    cats = list(reversed(chart.plots[0].categories))
    assert cats[0] == "All themes" and sorted(cats[1:]) == sorted(t["theme"] for t in report["themes"])
    series = _series(chart)
    for horizon, name in (("now", "Now"), ("next", "Next step (1–2 years)"), ("ambition", "Ambition (about 5 years)")):
        expected = [overall[horizon]["position"]] + [_by_theme(report, horizon)[c] for c in cats[1:]]
        assert list(reversed(series[name])) == pytest.approx(expected), horizon

    # 3. The officer–member gap at ambition, theme by theme.
    chart = _charts(slides["alignment"])[0].chart
    cats = list(chart.plots[0].categories)
    gaps = {t["theme"]: t["officer_member_gap"]["ambition"] for t in report["themes"]}
    (values,) = [v for v in _series(chart).values()]
    assert dict(zip(cats, values, strict=True)) == pytest.approx({c: gaps[c] for c in cats})

    # 4. Ambition by theme, most ambitious on top.
    chart = _charts(slides["ambition"])[0].chart
    (values,) = _series(chart).values()
    cats = list(chart.plots[0].categories)
    assert dict(zip(cats, values, strict=True)) == pytest.approx(_by_theme(report, "ambition"))
    assert list(reversed(values)) == sorted(values, reverse=True)


def test_benchmark_chart_has_the_benchmark_numbers_and_anonymised_peers(
    prs: object, deck: debrief.Deck, demo_db: Path, report: dict
) -> None:
    with storage.connect(demo_db, read_only=True) as con:
        view = findings.benchmark.benchmark_view(
            con, FOCUS, None, "position", "ambition", PeerSet.parse("all"), min_group=3
        )
    slide = prs.slides[[s.key for s in deck.slides].index("peers")]
    chart = _charts(slide)[0].chart
    assert chart.chart_type in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS)  # markers only, no lines
    series = _series(chart)
    docs = [r["doc"] for r in view["rows"]]
    assert series[deck.name] == pytest.approx(tuple(d["value"] for d in docs))
    assert series["Peer median"] == pytest.approx(tuple(d["median"] for d in docs))
    assert series["Lower quarter of peers"] == pytest.approx(tuple(d["p25"] for d in docs))
    assert series["Upper quarter of peers"] == pytest.approx(tuple(d["p75"] for d in docs))
    peers = {k: v for k, v in series.items() if k.startswith("Peer ") and k != "Peer median"}
    assert peers and all(re.fullmatch(r"Peer \d+", k) for k in peers)
    for i, row in enumerate(view["rows"]):  # every peer dot, by value, row by row
        assert sorted(v[i] for v in peers.values() if v[i] is not None) == pytest.approx(
            sorted(p["value"] for p in row["points"]))
    # Rows carry the council's own theme names, as on the other slides; the heading names the peer set.
    themes = {t["theme"] for t in report["themes"]}
    cats = list(chart.plots[0].categories)
    assert cats[0] == "Overall" and set(cats[1:]) <= themes
    assert "all 27 other councils" in _slide_text(slide).lower()
    # The middle half is drawn (native error bars on the median series), and a legend names each mark.
    assert b"c:errBars" in _part_xml(chart)
    texts = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    for words in ("Peer median", "Middle half of peers", "Each peer", deck.name):
        assert words in texts


def _part_xml(chart: object) -> bytes:
    from lxml import etree

    return etree.tostring(chart._chartSpace)


def _every_part_text(data: bytes) -> dict[str, str]:
    """Every part of the package as text, including the workbook embedded in each chart (unzipped too)."""
    out: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            raw = package.read(name)
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(raw)) as book:
                    for inner in book.namelist():
                        out[f"{name}!{inner}"] = html.unescape(book.read(inner).decode("utf-8", "replace"))
            else:
                out[name] = html.unescape(raw.decode("utf-8", "replace"))
    return out


def test_no_peer_name_or_id_anywhere_in_the_package(data: bytes, others: list[dict], deck: debrief.Deck) -> None:
    parts = _every_part_text(data)
    assert any(name.endswith(".xlsx!xl/worksheets/sheet1.xml") for name in parts), "chart data is embedded"
    leaks = {name: _mentions(text, others) for name, text in parts.items()}
    assert {k: v for k, v in leaks.items() if v} == {}
    core = parts["docProps/core.xml"]
    assert deck.name in core and "python-pptx" not in core and "Steve Canny" not in core
    assert "generated using" not in core


def test_file_properties_name_only_the_focus_council(prs: object, deck: debrief.Deck) -> None:
    props = prs.core_properties
    assert props.title == f"{deck.name} — Innovation Mandate debrief"
    assert props.author == props.last_modified_by == deck_pptx.AUTHOR
    assert deck.round in props.subject


def test_ideas_slide_lists_each_idea_once_theme_by_theme(prs: object, deck: debrief.Deck) -> None:
    item = deck.slides[-1]
    listed = [i for _h, items in item.notes for i in items]
    assert len(listed) == len({" ".join(i.split()).casefold() for i in listed}), "no idea twice"
    count = int(re.match(r"(\d+) ideas?", item.takeaway).group(1))
    assert count == len(listed) == len(item.ideas) + item.more
    text = "\n".join(s.text_frame.text for s in prs.slides[-1].shapes if s.has_text_frame)
    for idea in listed:
        assert text.count("• " + idea) == 1
    for heading, _items in item.notes:
        assert heading in text


def test_ideas_by_theme_groups_shared_ideas_once() -> None:
    grouped = {"Care": ["Pool budgets", "One front door"], "Housing": ["pool  budgets", "Build homes"],
               "Waste": ["Pool budgets"]}
    assert debrief.ideas_by_theme(grouped) == [
        ("Care · Housing · Waste", ["Pool budgets"]),
        ("Care", ["One front door"]),
        ("Housing", ["Build homes"]),
    ]


def test_few_peers_read_the_same_in_the_file_as_on_screen(demo_db: Path) -> None:
    """With 2 peers the screen draws no box and no percentile and says "compare with care": so does the file."""
    with storage.connect(demo_db, read_only=True) as con:
        small = debrief.build_deck(con, FOCUS, None, "aldermoor,dunmere", key="k", min_group=3)
        view = findings.benchmark.benchmark_view(
            con, FOCUS, None, "position", "ambition", PeerSet.parse("aldermoor,dunmere"), min_group=3
        )
    prs = Presentation(io.BytesIO(deck_pptx.build_pptx(small, peer_set=small.peer_set)))
    slide = prs.slides[[s.key for s in small.slides].index("peers")]
    chart = _charts(slide)[0].chart
    series = _series(chart)
    assert all(v is None for v in series["Lower quarter of peers"] + series["Upper quarter of peers"])
    assert b"c:errBars" not in _part_xml(chart)
    notes = slide.notes_slide.notes_text_frame.text
    for row in view["rows"]:
        if row["doc"]["value"] is not None:
            assert row["words"] in notes
            assert "compare with care" in row["words"] and "quarter" not in row["words"]
    assert "percentile" not in notes.lower().replace("no percentile", "")
    assert "the 2 councils chosen for comparison" in _slide_text(slide).lower()


# --- words that agree with numbers ----------------------------------------------------------------


def test_a_value_that_prints_as_the_median_is_at_the_median() -> None:
    doc = {"metric": "position", "value": 4.66, "median": 4.7, "percentile": 50.0, "peers": 7}
    assert fmt(doc["value"]) == fmt(doc["median"]) == "4.7"
    assert findings.benchmark.quartile_words(doc) == "At the peer median of 7 peers"
    assert findings.benchmark.quartile_words({**doc, "value": 4.74}) == "At the peer median of 7 peers"
    assert findings.benchmark.quartile_words({**doc, "value": 4.64, "percentile": 40.0}) == (
        "Below the peer median: in the lower middle of 7 peers")
    assert (
        findings.benchmark.quartile_words({**doc, "peers": 2}) == "At the peer median (only 2 peers: compare with care)"
    )
    assert findings.benchmark.median_side(0.25, 0.2, "consensus") == "above"  # 0.25 vs 0.20 print differently
    assert findings.benchmark.median_side(0.201, 0.204, "consensus") == "at"


def test_takeaway_counts_themes_by_the_printed_numbers() -> None:
    def row(value: float, median: float, theme: str | None) -> dict:
        return {"theme": theme, "doc": {"value": value, "median": median, "peers": 5}}

    view = {"metric": "position", "horizon": "ambition", "peer_ids": ["x"],
            "rows": [row(4.66, 4.7, None), row(4.04, 4.0, "economy"), row(3.0, 2.0, "health")]}
    assert findings.benchmark.benchmark_takeaway(view, "Council A") == (
        "Council A is at the peer median on ambition overall, and above it on 1 of 2 themes")


# --- the deck command -------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mandate_core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_deck_command_writes_pptx_and_html(demo_db: Path, tmp_path: Path, others: list[dict]) -> None:
    out = tmp_path / "deck.pptx"
    done = _cli("deck", "--db", str(demo_db), "--council", FOCUS, "--peers", "peer_group", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and str(out) in done.stderr
    prs = Presentation(str(out))
    assert len(prs.slides) == 6
    assert {k: v for k, v in ((n, _mentions(t, others)) for n, t in _every_part_text(out.read_bytes()).items())
            if v} == {}
    assert "peer group (shire districts)" in _slide_text(prs.slides[4]).lower()
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"], "no temporary file left behind"

    page = tmp_path / "pack.html"
    done = _cli("deck", "--db", str(demo_db), "--council", FOCUS, "--round", "2024 baseline", "--out", str(page))
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "2024 baseline" in text
    assert _mentions(text.split("</head>", 1)[1], others) == []


@pytest.mark.parametrize(("args", "message"), [
    (["--council", "nosuch", "--out", "{tmp}/x.pptx"], "unknown council 'nosuch'"),
    (["--council", FOCUS, "--out", "{tmp}/x.pdf"], "unsupported extension '.pdf'"),
    (["--council", FOCUS, "--out", "{tmp}/missing/x.pptx"], "does not exist"),
    (["--council", FOCUS, "--round", "1999", "--out", "{tmp}/x.pptx"], "no round '1999'"),
    (["--council", FOCUS, "--peers", "nosuch-peer", "--out", "{tmp}/x.pptx"], "nosuch-peer"),
])
def test_deck_command_bad_input_exits_1_and_writes_nothing(demo_db: Path, tmp_path: Path, args: list[str],
                                                           message: str) -> None:
    keep = tmp_path / "x.pptx"
    keep.write_bytes(b"an earlier deck")
    done = _cli("deck", "--db", str(demo_db), *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert done.returncode == 1, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr and done.stdout == ""
    assert keep.read_bytes() == b"an earlier deck"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.pptx"]


def test_deck_command_usage_errors_exit_2(demo_db: Path, tmp_path: Path) -> None:
    done = _cli("deck", "--db", str(demo_db), "--council", FOCUS)  # no --out
    assert done.returncode == 2 and "--out" in done.stderr and "Traceback" not in done.stderr
    done = _cli("deck", "--db", str(tmp_path / "none.duckdb"), "--council", FOCUS, "--out", str(tmp_path / "a.pptx"))
    assert done.returncode == 1 and "no database" in done.stderr
    assert not (tmp_path / "a.pptx").exists()


def test_write_deck_replaces_the_file_whole(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing leaves the earlier file as it was, and no temporary file."""
    out = tmp_path / "d.pptx"
    out.write_bytes(b"earlier")

    def broken(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(deck_pptx.os, "replace", broken)
    with storage.connect(demo_db, read_only=True) as con, pytest.raises(deck_pptx.DeckError, match="No space"):
        deck_pptx.write_deck(con, FOCUS, None, "all", out, min_group=3)
    assert out.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["d.pptx"]


def test_takeaway_says_none_in_words() -> None:
    def row(value: float | None, median: float, theme: str | None) -> dict:
        return {"theme": theme, "doc": {"value": value, "median": median, "peers": 5}}

    def takeaway(rows: list[dict]) -> str:
        view = {"metric": "position", "horizon": "ambition", "peer_ids": ["x"], "rows": rows}
        return findings.benchmark.benchmark_takeaway(view, "C")

    assert takeaway([row(4.0, 3.0, None), row(3.0, 4.0, "a"), row(3.0, 4.0, "b")]) == (
        "C is above the peer median on ambition overall, and not above it on any of its 2 themes")
    assert takeaway([row(None, 3.0, None), row(5.0, 4.0, "a"), row(3.0, 4.0, "b")]) == (
        "C is above the peer median on ambition on 1 of 2 themes")
    assert takeaway([row(None, 3.0, None), row(3.0, 4.0, "a")]) == (
        "C is not above the peer median on ambition on its one theme")


def test_notes_on_screen_keeps_theme_groups_and_counts_the_rest() -> None:
    notes = [("A · B", ["x", "y"]), ("A", ["z"]), ("B", ["w", "v", "u"])]
    columns, more = debrief.notes_on_screen(notes, 4)
    assert columns == [[("A · B", ["x", "y"]), ("A", ["z"])], [("B", ["w"])]] and more == 2
    columns, more = debrief.notes_on_screen(notes, 10)
    assert [h for col in columns for h, _ in col] == ["A · B", "A", "B"] and more == 0


def test_row_labels_join_wrapped_names_and_bracket_asides() -> None:
    assert deck_pptx._tick("Regeneration and<br>housing") == "Regeneration and housing"
    assert deck_pptx._tick('Overall<br><span style="font-size:24px"><i>only 3 peers</i></span>') == (
        "Overall (only 3 peers)")
    assert deck_pptx._tick("A &amp; B") == "A & B"


@pytest.mark.parametrize("one_line", [True, False])
def test_label_points_writes_bold_labels_and_skips_none(one_line: bool) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_LABEL_POSITION
    from pptx.util import Inches, Pt

    data = CategoryChartData()
    data.categories = ["a", "b", "c"]
    data.add_series("s", (1.0, 2.0, 3.0))
    blank = Presentation()
    slide = blank.slides.add_slide(blank.slide_layouts[6])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, 0, 0, Inches(4), Inches(3), data).chart
    series = chart.series[0]
    deck_pptx._label_points(series, ["1.0", None, "3.0"], XL_LABEL_POSITION.OUTSIDE_END, 16, "112233",
                            one_line=one_line)
    labelled = [i for i in range(3) if series.points[i].data_label.has_text_frame]
    assert labelled == [0, 2]
    label = series.points[2].data_label
    assert label.position == XL_LABEL_POSITION.OUTSIDE_END and label.text_frame.text == "3.0"
    font = label.text_frame.paragraphs[0].runs[0].font
    assert (font.size, font.bold, str(font.color.rgb)) == (Pt(16), True, "112233")
    assert label.text_frame.word_wrap is (False if one_line else None)


def test_a_dot_plot_becomes_bars_with_the_same_numbers(report: dict) -> None:
    """Cross-party alignment is a dot plot on screen; PowerPoint gets a bar per theme with the same values."""
    from mandate_core.charts import alignment

    themes = [{**t, "cross_party_alignment": {"ambition": 0.5 + i / 10}} for i, t in enumerate(report["themes"])]
    fig = alignment.cross_party_chart(themes, "ambition", debrief=True, title="t")
    spec = deck_pptx.chart_spec(debrief.Slide("alignment", "h", "t", "how", fig))
    assert spec.kind == "bar" and spec.categories == [t["theme"] for t in themes]
    (series,) = [s for s in spec.series if any(v is not None for v in s.values)]
    assert series.values == pytest.approx([0.5 + i / 10 for i in range(len(themes))])


def test_benchmark_download_with_few_peers_has_no_percentile_as_on_screen() -> None:
    """2–3 peers: the page shows "–" for the middle half and percentile; the download is blank there too."""
    doc = {"metric": "position", "horizon": "ambition", "value": 4.0, "peers": 3, "median": 3.0, "p25": 2.5,
           "p75": 3.5, "percentile": 100.0}
    many = {**doc, "peers": 4, "percentile": 87.5}
    view = {
        "rows": [
            {"theme": None, "theme_label": "Overall", "doc": doc, "words": findings.benchmark.quartile_words(doc)},
            {
                "theme": "economy",
                "theme_label": "Economy",
                "doc": many,
                "words": findings.benchmark.quartile_words(many),
            },
        ]
    }
    few_row, many_row = findings.benchmark.benchmark_rows(view)
    assert (few_row["p25"], few_row["p75"], few_row["percentile"]) == (None, None, None)
    assert few_row["median"] == 3.0 and few_row["in_words"] == "Above the peer median (only 3 peers: compare with care)"
    assert (many_row["p25"], many_row["p75"], many_row["percentile"]) == (2.5, 3.5, 87.5)


def test_a_theme_too_small_to_show_has_no_bar_and_says_so() -> None:
    """The ranked bars reserve a row for a hidden theme with an invisible zero bar: the file must carry no
    number for it (not even 0), only the words the screen shows."""
    from mandate_core.charts import themes as theme_charts

    def bar(theme: str, ambition: float | None) -> dict:
        return {"theme": theme, "sector_theme": "economy", "sector_label": "Economy", "suppressed": ambition is None,
                "ambition": ambition, "band": None if ambition is None else "New", "n": None if ambition is None else 9,
                "gap": None}

    fig = theme_charts.ranked_bars([bar("Jobs", 5.0), bar("Care", 4.5), bar("Tiny", None)], title="t", min_group=3,
                                   debrief=True)
    spec = deck_pptx.chart_spec(debrief.Slide("ambition", "h", "t", "how", fig))
    assert [s.name for s in spec.series] == ["Ambition"]
    assert spec.series[0].values == [5.0, 4.5, None]
    assert spec.categories[:2] == ["Jobs", "Care"] and spec.categories[2].startswith("Tiny — ")
    prs = Presentation(io.BytesIO(deck_pptx.build_pptx(debrief.Deck("c", "C", "R", None, [
        debrief.Slide("ambition", "h", "t", "how", fig)]))))
    (values,) = _series(_charts(prs.slides[0])[0].chart).values()
    assert list(reversed(values))[:2] == [5.0, 4.5] and list(reversed(values))[2] is None


def test_a_deck_with_everything_hidden_still_builds(demo_db: Path) -> None:
    with storage.connect(demo_db, read_only=True) as con:
        hidden = debrief.build_deck(con, FOCUS, None, "all", key="k", min_group=40)
    prs = Presentation(io.BytesIO(deck_pptx.build_pptx(hidden)))
    assert len(prs.slides) == len(hidden.slides)
    for slide in prs.slides:
        for frame in _charts(slide):
            assert all(v is None or v != 0 for s in frame.chart.plots[0].series for v in s.values)
