"""AppTest of the Overview, Council and Alignment pages: they render, every control changes what is shown,
small groups show the suppression wording, and debrief mode names no other council.

AppTest note: with a ``pages/`` folder next to ``dashboard.py``, AppTest runs a page switched to with
``switch_page`` on its own (Streamlit's old pages-folder mode), without the shared sidebar.  So the sidebar
(council, round, horizon, debrief) is set on the first run, which goes through ``dashboard.py``; the page
reads the selection that run stored.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers_pages import open_folded
from streamlit.testing.v1 import AppTest

from mandate_core import demo, storage

ROOT = Path(__file__).resolve().parent.parent
OVERVIEW, COUNCIL, ALIGNMENT = "pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("p1demo") / "mandate.duckdb"
    demo.build_database(path)
    return path


@pytest.fixture
def demo_env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANDATE_DB", str(demo_db))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return demo_db


def start(**sidebar: object) -> AppTest:
    """First run (Overview, through dashboard.py), then the sidebar values, e.g. council="brackenfield"."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    if sidebar:
        for key, value in sidebar.items():
            widget = at.toggle(key=f"sb_{key}") if key == "debrief" else at.selectbox(key=f"sb_{key}")
            widget.set_value(value)
        at.run()
        assert not at.exception
    return open_folded(at)  # every "numbers behind" table opened, as a user can (ui.folded)


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return open_folded(at)  # every "numbers behind" table opened, as a user can (ui.folded)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def titles(at: AppTest) -> list[str]:
    return [f["layout"]["title"]["text"] for f in figures(at)]


def plain(markdown: str) -> str:
    """Markdown written with every punctuation mark escaped, read back as the words on screen."""
    return re.sub(r"\\(.)", r"\1", markdown)


def everything_shown(at: AppTest) -> str:
    """Text of every chart, text, markdown, caption, metric and table on the page."""
    parts = [el.proto.spec for el in at.get("plotly_chart")]
    parts += [plain(e.value) for e in (*at.text, *at.markdown, *at.caption, *at.title, *at.header, *at.subheader)]
    parts += [str(m.value) + str(m.label) for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts)


# --- empty database ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [OVERVIEW, COUNCIL, ALIGNMENT])
def test_empty_database_says_no_results(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "empty.duckdb"
    with storage.connect(path):
        pass
    monkeypatch.setenv("MANDATE_DB", str(path))
    at = start()
    if page != OVERVIEW:
        open_page(at, page)
    assert any("No workshop results" in i.value for i in at.info)
    assert not at.get("plotly_chart")


# --- Overview ---------------------------------------------------------------------------------------------


def test_overview_renders_every_council_with_focus(demo_env: Path) -> None:
    at = start(council="kestrel-bay")
    assert at.title[0].value == "Sector overview"
    fig = figures(at)[0]
    ticks = fig["layout"]["yaxis"]["ticktext"]
    assert len(ticks) == 28
    assert sum("▶" in t for t in ticks) == 1 and any("▶ Kestrel Bay Council" in t for t in ticks)
    assert "councils aim for" in fig["layout"]["title"]["text"]
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Aim for Better", "Aim for Differently", "Aim for New"]
    assert at.metric[3].value == "28 of 28"
    # A tile's change is words and an arrow, never an arrow and a minus together ("↓ -10").
    deltas = [m.proto.delta for m in at.metric[:3]]
    assert all(d.endswith("than now") or d == "same as now" for d in deltas)
    assert not any(d.startswith(("-", "+")) for d in deltas)
    assert at.get("download_button")


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("ov_nation", ["Wales"], 4),
    ("ov_type", ["County"], 4),
    ("ov_peer_group", ["Counties"], 4),
    ("ov_peer_group", ["(no peer group)"], 1),
])
def test_overview_filters_change_the_chart(demo_env: Path, key: str, value: list[str], expected: int) -> None:
    at = start()
    before = at.get("plotly_chart")[0].proto.spec
    at.multiselect(key=key).set_value(value).run()
    assert not at.exception
    after = figures(at)[0]
    assert json.dumps(after) != before
    assert len(after["layout"]["yaxis"]["ticktext"]) == expected


def test_overview_round_filter(demo_env: Path) -> None:
    at = start()
    before = at.get("plotly_chart")[0].proto.spec
    at.selectbox(key="ov_round").set_value("2026 follow-up").run()
    after = figures(at)[0]
    assert json.dumps(after) != before
    assert len(after["layout"]["yaxis"]["ticktext"]) == 8
    assert "Aldermoor Borough Council" in " ".join(after["layout"]["yaxis"]["ticktext"])


def test_overview_lists_suppressed_councils(demo_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANDATE_MIN_GROUP", "10")
    at = start()
    lines = [t.value for t in at.text if t.value.startswith("Not shown")]
    assert len(lines) == 1
    assert lines[0].startswith("Not shown (10+ participants needed, to protect anonymity): ")
    assert "Elmstead Vale Council" in lines[0] and "Uisgebrae Council" in lines[0]
    chart = at.get("plotly_chart")[0].proto.spec
    assert "Elmstead Vale" not in chart and "Uisgebrae" not in chart
    table = at.dataframe[0].value
    row = table[table["council"] == "Elmstead Vale Council"].iloc[0]
    assert row["ambition_position"] == "not shown — small group"


def test_overview_debrief_names_no_other_council(demo_env: Path) -> None:
    at = start(council="kestrel-bay", debrief=True)  # the switch opens the slides first
    at = open_page(at, OVERVIEW)  # the Overview stays reachable in debrief mode, anonymised
    shown = everything_shown(at)
    from mandate_core import catalog

    with storage.connect(demo_env, read_only=True) as con:
        names = [str(c["name"]) for c in catalog.load_catalog(con).councils]
    assert "Kestrel Bay Council" in shown
    leaked = [n for n in names if n != "Kestrel Bay Council" and n in shown]
    assert leaked == []
    assert "Peer 1" in shown
    fig = figures(at)[0]
    assert fig["layout"]["font"]["size"] == 30  # debrief doubles the base 15


# --- Council ----------------------------------------------------------------------------------------------


def test_council_page_shows_themes_risk_consensus_notes(demo_env: Path) -> None:
    at = open_page(start(council="brackenfield"), COUNCIL)
    assert at.title[0].value == "Brackenfield District Council"
    assert any(plain(m.value).startswith("## Overall the council wants") for m in at.markdown)  # h1 → h2
    # The risk sentence is said once, as the risk chart's title (no paragraph repeating it above).
    risk_title = titles(at)[1]
    assert risk_title.startswith("Risk appetite")
    assert not [m for m in at.markdown if plain(m.value).rstrip(".") == risk_title]
    figs = figures(at)
    assert len(figs) == 3
    ticks = figs[0]["layout"]["yaxis"]["ticktext"]
    assert ticks[0] == "<b>All themes</b>" and len(ticks) == 7
    assert figs[1]["layout"]["xaxis"]["ticktext"][0] == "1<br>Averse"
    assert "high" in json.dumps(figs[2]) and "moderate" in json.dumps(figs[2])
    notes = [t.value for t in at.text if t.value.startswith("• ")]
    assert len(notes) >= 5
    assert at.dataframe and at.get("download_button")


def test_council_page_follows_sidebar_council_round_and_horizon(demo_env: Path) -> None:
    base = open_page(start(), COUNCIL)
    assert base.title[0].value == "Aldermoor Borough Council"
    latest = figures(base)
    assert "2026 follow-up" in plain(base.caption[0].value)

    other = open_page(start(council="hollinshire"), COUNCIL)
    assert other.title[0].value == "Hollinshire County Council"
    assert figures(other)[0] != latest[0]

    older = open_page(start(round="2024 baseline"), COUNCIL)
    assert "2024 baseline" in plain(older.caption[0].value)
    assert figures(older)[0] != latest[0]

    now = open_page(start(horizon="now"), COUNCIL)
    consensus_now = figures(now)[2]
    assert consensus_now != latest[2]
    assert "now" in consensus_now["layout"]["xaxis"]["title"]["text"].lower()


def test_council_page_small_workshop(demo_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANDATE_MIN_GROUP", "10")
    at = open_page(start(council="elmstead-vale"), COUNCIL)
    shown = everything_shown(at)
    assert "not shown" in shown
    assert "fewer than 10" in shown


# --- Alignment --------------------------------------------------------------------------------------------


def test_alignment_page_renders_groups_distribution_gap(demo_env: Path) -> None:
    at = open_page(start(council="kestrel-bay"), ALIGNMENT)
    assert at.title[0].value.startswith("Alignment")
    names = titles(at)
    assert len(names) == 4
    # kestrel-bay ambition gaps: +0.5, +0.9, +1.2, +0.2 (under 0.3 is about level)
    assert names[2] == "Members want to go further than officers on 3 of 4 themes"
    groups = figures(at)[0]
    ticks = groups["layout"]["yaxis"]["ticktext"]
    assert ticks[:3] == ["<b>All participants (n=20)</b>", "<b>Officers (n=10)</b>", "<b>Members (n=10)</b>"]
    dist = figures(at)[1]
    # Diverging bars placed explicitly (issue 16): the Differently block (scores 3 and 4) centred on zero.
    bars = {t["name"]: t for t in dist["data"] if t["type"] == "bar"}
    three, four = bars["3 Differently"], bars["4 Differently"]
    assert three["base"][0] + (three["x"][0] + four["x"][0]) / 2 == pytest.approx(0)
    assert len(at.dataframe) == 2


def test_alignment_theme_selector_and_horizon_change_the_charts(demo_env: Path) -> None:
    at = open_page(start(council="brackenfield"), ALIGNMENT)
    before = figures(at)
    theme = at.selectbox(key="al_theme")
    other = [o for o in theme.options if o != theme.value][0]
    theme.set_value(other).run()
    assert not at.exception
    after = figures(at)
    assert after[0] != before[0] and after[1] != before[1]
    assert after[2] == before[2]  # the across-themes charts do not depend on the theme

    now = open_page(start(council="brackenfield", horizon="now"), ALIGNMENT)
    moved = figures(now)
    assert moved[0] != before[0] and moved[2] != before[2]
    assert "now" in moved[0]["layout"]["xaxis"]["title"]["text"].lower()


def test_alignment_small_council_shows_suppression_wording(demo_env: Path) -> None:
    at = open_page(start(council="elmstead-vale"), ALIGNMENT)
    groups = figures(at)[0]
    notes = [a.get("text", "") for a in groups["layout"].get("annotations", [])]
    assert "not shown — small group" in notes
    hidden_rows = [t for t in groups["layout"]["yaxis"]["ticktext"] if "(n=" not in t]
    assert hidden_rows  # hidden groups are listed, without a head count
    table = at.dataframe[0].value
    assert (table["participants"] == "not shown — small group").any()
    assert any(plain(m.value).startswith("Cross-party alignment is not shown") for m in at.markdown)


def test_user_text_is_shown_as_text(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from mandate_core.text import md_escape

    path = tmp_path / "hostile.duckdb"
    shutil.copy(demo_db, path)
    hostile = "**Bold** [link](http://e.test) <b>x</b> :red[y]"
    with storage.connect(path) as con:
        con.execute("UPDATE councils SET name = ? WHERE council_id = 'brackenfield'", [hostile])
    monkeypatch.setenv("MANDATE_DB", str(path))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    at = open_page(start(council="brackenfield"), COUNCIL)
    assert at.title[0].value == md_escape(hostile)
    overview = start(council="brackenfield")
    chart = json.dumps(figures(overview)[0], ensure_ascii=False)  # plain "/" rather than "\u002f"
    assert "<b>x</b>" not in chart
    assert "&lt;b&gt;x&lt;/b&gt;" in chart


# --- aggregates that leave a hidden theme out say so (rule 3 of docs/disclosure.md) ----------------------


def test_council_page_says_its_overall_leaves_out_the_breakout_theme(demo_env: Path) -> None:
    # Varrock Links' 2024 workshop has a breakout theme answered by two people (see demo.py).
    at = open_page(start(council="varrock-links"), COUNCIL)
    shown = everything_shown(at)
    assert "The overall figures cover 4 of 5 themes: “Breakout: a four-day week” has too few participants" in shown


def test_overview_says_how_many_councils_leave_a_theme_out(demo_env: Path) -> None:
    at = open_page(start(), OVERVIEW)
    assert "For 1 council, the overall figures leave out a theme with too few participants" in everything_shown(at)


def test_coverage_notes_in_words() -> None:
    from mandate_core import findings

    shown = {"n": 5, "position": 3.0, "band": "Differently", "risk": None, "consensus": 0.5}
    hidden = {"suppressed": True}
    report = {"themes": [
        {"theme": "A", "now": shown, "next": shown, "ambition": shown},
        {"theme": "B", "now": hidden, "next": hidden, "ambition": hidden},
        {"theme": "C", "now": shown, "next": hidden, "ambition": shown},
    ]}
    assert findings.common.overall_coverage_note(report) == (
        "The overall figures cover only the themes with enough participants to show: now leaves out “B”; "
        "next step leaves out “B” and “C”; ambition leaves out “B”.")
    report["themes"][2]["next"] = shown
    assert findings.common.overall_coverage_note(report) == (
        "The overall figures cover 2 of 3 themes: “B” has too few participants to show.")
    assert findings.common.overall_coverage_note({"themes": report["themes"][:1]}) is None
    cov = {"themes_covered": 2, "themes": 3}
    rows = [{"coverage": {"now": cov}}, {"coverage": {"now": {"themes_covered": 3, "themes": 3}}}]
    assert findings.common.sector_coverage_note(rows, "overall").startswith("For 1 council,")
    assert findings.common.sector_coverage_note([{"themes_covered": 1, "themes": 2}], "sector").startswith(
        "1 cell leaves"
    )
    assert findings.common.sector_coverage_note([{"themes_covered": 0, "themes": 2}], "sector") is None
