"""Benchmark page (issue 16): it says who the peers are, refuses an empty hand-picked list, keeps saved peer
sets, and its downloads say in their name and columns which council, round and peer set they hold."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from mandate_core import access, demo, disclosure, findings, peersets, storage
from mandate_core.text import md_escape

REPO = Path(__file__).resolve().parent.parent
BENCHMARK = "pages/5_Benchmark.py"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("bmdemo") / "mandate.duckdb")


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mandate.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("MANDATE_DB", str(path))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return path


class Files:
    """Every download button's (key, file name, bytes), built as a click would build it."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, bytes]] = {}

    def wrap(self, original: Any) -> Any:
        def button(dg: DeltaGenerator, label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
            content = data() if callable(data) else data
            self.seen[str(kwargs.get("key"))] = (str(kwargs.get("file_name")), bytes(content))
            return original(dg, label, data, *args, **kwargs)

        return button

    def csv(self, key: str) -> tuple[str, list[dict[str, str]]]:
        name, content = self.seen[key]
        return name, list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> Files:
    seen = Files()
    monkeypatch.setattr(DeltaGenerator, "download_button", seen.wrap(DeltaGenerator.download_button))
    return seen


def _open(council: str = "aldermoor", **state: Any) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.run()
    at.selectbox(key="sb_council").set_value(council).run()
    for key, value in state.items():
        at.selectbox(key=key).set_value(value).run()
    at.switch_page(BENCHMARK).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(x.value) for x in [*at.info, *at.warning, *at.success, *at.caption, *at.markdown])


def _names(db: Path) -> dict[str, str]:
    with storage.connect(db, read_only=True) as con:
        return dict(con.execute("SELECT council_id, name FROM councils").fetchall())


def _group(db: Path, cid: str) -> tuple[str, list[str]]:
    with storage.connect(db, read_only=True) as con:
        group = con.execute("SELECT peer_group FROM councils WHERE council_id = ?", [cid]).fetchone()[0]
        members = [r[0] for r in con.execute("SELECT council_id FROM councils WHERE peer_group = ? AND "
                                             "council_id <> ? ORDER BY council_id", [group, cid]).fetchall()]
    return group, members


def test_the_peer_group_is_named_and_its_councils_listed(db: Path) -> None:
    at = _open("brackenfield")
    group, members = _group(db, "brackenfield")
    names = _names(db)
    line = next(m.value for m in at.markdown if m.value.startswith("**Peers"))
    assert md_escape(f"Same peer group ({group})") in line
    for cid in members:
        assert md_escape(names[cid]) in line, (cid, line)
    assert f"{len(members)} councils" in line


def test_in_debrief_the_peers_are_listed_as_peer_labels_only(db: Path) -> None:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update({"council": "brackenfield", "debrief": "1"})
    at.run()
    at.switch_page(BENCHMARK).run()
    assert not at.exception
    group, members = _group(db, "brackenfield")
    line = next(m.value for m in at.markdown if m.value.startswith("**Peers"))
    # Peer numbers are the sector-wide keyed ranks (one number per council on every slide), so which
    # numbers this group's peers get depends on the store's random key: count them, do not expect "Peer 1".
    labels = set(re.findall(r"Peer \d+", line))
    assert len(labels) == len(members) > 0 and group not in line
    for cid in members:
        assert _names(db)[cid] not in line and cid not in line


def test_hand_picked_with_none_chosen_says_so_and_compares_with_nobody(db: Path) -> None:
    at = _open("aldermoor", sb_peerset="list")
    assert "No councils are hand-picked yet" in _texts(at)
    assert not at.get("plotly_chart") and not at.table


def test_each_peer_set_download_differs_in_name_and_column(db: Path, files: Files) -> None:
    seen = {}
    at = _open("brackenfield")
    for peers in ("peer_group", "nation", "all"):
        at.selectbox(key="sb_peerset").set_value(peers).run()
        name, rows = files.csv("bm_dl-csv")
        peer_name, peer_rows = files.csv("bm_dl_peers-csv")
        assert name.startswith("benchmark-brackenfield-") and name.endswith(".csv")
        assert rows and {r["focus_council"] for r in rows} == {"Brackenfield District Council"}
        assert len({r["peer_set"] for r in rows}) == 1 and len({r["focus_round"] for r in rows}) == 1
        assert {r["min_group_size"] for r in rows} == {str(disclosure.configured_min_group())}
        assert {r["peer_set"] for r in peer_rows} == {rows[0]["peer_set"]} and peer_name != name
        seen[peers] = (name, rows[0]["peer_set"])
    assert len({n for n, _ in seen.values()}) == 3 and len({p for _, p in seen.values()}) == 3
    assert "all-councils" in seen["all"][0] and seen["all"][1] == "All councils"
    # rounded as the page shows them: one decimal for position, the percentile whole
    for r in rows:
        if r["value"]:
            assert len(r["value"].split(".")[-1]) <= 1
        if r["percentile"]:
            assert "." not in r["percentile"]
    for r in peer_rows:
        assert len(r["value"].split(".")[-1]) <= 2


def test_hand_picked_downloads_differ_by_their_councils(db: Path, files: Files) -> None:
    at = _open("brackenfield", sb_peerset="list")
    names = []
    for chosen in (["aldermoor", "carrow-dene"], ["aldermoor", "dunmere"]):
        at.multiselect(key="sb_peer_ids").set_value(chosen).run()
        assert not at.exception
        name, rows = files.csv("bm_dl-csv")
        assert rows[0]["peer_set"] == "Hand-picked councils: " + "; ".join(sorted(_names(db)[c] for c in chosen))
        names.append(name)
    assert names[0] != names[1] and all("hand-picked-2" in n for n in names)


def test_a_saved_peer_set_is_saved_listed_used_and_recorded(db: Path) -> None:
    at = _open("brackenfield", sb_peerset="list")
    at.multiselect(key="sb_peer_ids").set_value(["aldermoor", "carrow-dene"]).run()
    at.text_input(key="bm_saved_name").set_value("Northern neighbours").run()
    at.button(key="bm_saved_save").click().run()
    assert not at.exception
    assert "Saved the peer set" in _texts(at)
    line = next(m.value for m in at.markdown if m.value.startswith("**Peers"))
    assert "Northern neighbours" in line
    at.multiselect(key="sb_peer_ids").set_value(["dunmere"]).run()
    at.selectbox(key="bm_saved_pick").set_value("Northern neighbours").run()
    at.button(key="bm_saved_use").click().run()
    assert not at.exception
    assert sorted(at.multiselect(key="sb_peer_ids").value) == ["aldermoor", "carrow-dene"]
    with storage.connect(db, read_only=True) as con:
        assert any(a["action"] == "peer set saved" and "Northern neighbours" in a["detail"]
                   for a in access.activity(con))


def test_council_users_cannot_keep_or_see_peer_sets(db: Path) -> None:
    analyst = access.Principal("a@example.org", "analyst")
    council_user = access.Principal("c@example.org", "council", "brackenfield")
    with storage.connect(db) as con:
        peersets.save_set(con, analyst, "Mine", ["aldermoor"])
        with pytest.raises(PermissionError):
            peersets.save_set(con, council_user, "Theirs", ["aldermoor"])
        with pytest.raises(PermissionError):
            peersets.list_sets(con, council_user)
        assert peersets.list_sets(con, access.Principal("b@example.org", "analyst")) == {}


@pytest.mark.parametrize("bad", ["", "   ", "x" * (peersets.MAX_NAME + 1), "tab\there", "new\nline", "nul\x00"])
def test_peer_set_names_are_checked(db: Path, bad: str) -> None:
    with storage.connect(db) as con, pytest.raises(peersets.PeerSetError):
        peersets.save_set(con, access.Principal("a@example.org", "analyst"), bad, ["aldermoor"])


def test_deleting_a_council_removes_it_from_saved_sets(db: Path) -> None:
    who = access.Principal("a@example.org", "analyst")
    with storage.connect(db) as con:
        peersets.save_set(con, who, "Pair", ["aldermoor", "carrow-dene"])
        peersets.save_set(con, who, "Solo", ["carrow-dene"])
        access.delete_council(con, "carrow-dene", "admin@example.org")
        assert peersets.list_sets(con, who) == {"Pair": ["aldermoor"]}
        assert con.execute("SELECT count(*) FROM peer_sets WHERE council_id = 'carrow-dene'").fetchone()[0] == 0


def test_a_version_3_database_gains_the_peer_sets_table(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    for version in (1, 2, 3):
        for statement in storage.MIGRATIONS[version]:
            con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    con.close()
    with storage.connect(path) as con:
        assert storage.schema_version(con) == 4
        assert con.execute("SELECT count(*) FROM peer_sets").fetchone()[0] == 0


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
    "client_id": "dashboard", "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def test_a_council_user_gets_peer_labels_and_no_saved_sets(db: Path, files: Files) -> None:
    analyst = access.Principal("analyst@example.org", "analyst")
    with storage.connect(db) as con:
        access.add_user(con, "council@example.org", "council", "brackenfield")
        access.add_user(con, "analyst@example.org", "analyst")
        peersets.save_set(con, analyst, "Analyst's own", ["aldermoor", "dunmere"])
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "council@example.org"}
    at.query_params["peers"] = "aldermoor,dunmere"  # a hand-picked list in the link is not theirs to use
    at.run()
    at.switch_page(BENCHMARK).run()
    assert not at.exception
    names = _names(db)
    line = next(m.value for m in at.markdown if m.value.startswith("**Peers"))
    assert "Peer " in line and not any(n in line for cid, n in names.items() if cid != "brackenfield")
    assert not [e for e in at.get("expandable") if "Saved peer sets" in str(e.proto.label)]
    assert "Analyst's own" not in _texts(at)
    for key in ("bm_dl-csv", "bm_dl_peers-csv"):
        name, rows = files.csv(key)
        assert not any(cid in name for cid in names if cid != "brackenfield"), name
        text = " ".join(" ".join(r.values()) for r in rows)
        assert not any(n in text for cid, n in names.items() if cid != "brackenfield")


def test_saved_peer_sets_survive_a_demo_rebuild(tmp_path: Path) -> None:
    path = demo.build_database(tmp_path / "demo.duckdb")
    who = access.Principal("a@example.org", "analyst")
    with storage.connect(path) as con:
        peersets.save_set(con, who, "Pair", ["aldermoor", "dunmere"])
        con.execute("INSERT INTO councils VALUES ('gone', 'Gone Council', 'England', 'District', 1, 'x')")
        peersets.save_set(con, who, "With gone", ["gone", "aldermoor"])
    saved = access.saved_access(path)
    demo.build_database(path)
    access.restore_access(path, saved, "a@example.org", "demo rebuilt")
    with storage.connect(path) as con:
        assert peersets.list_sets(con, who) == {"Pair": ["aldermoor", "dunmere"], "With gone": ["aldermoor"]}
    access.restore_access(path, saved[:2], "a@example.org", "demo rebuilt")  # the older (users, log) form


def test_hand_picked_with_none_chosen_in_debrief_says_to_turn_debrief_off(db: Path) -> None:
    at = _open("aldermoor", sb_peerset="list")
    at.toggle(key="sb_debrief").set_value(True).run()
    at.switch_page(BENCHMARK).run()
    assert not at.exception
    assert "turn debrief mode off and choose them" in _texts(at)
    assert not at.get("plotly_chart")


def test_download_rows_are_rounded_as_the_page_writes_them() -> None:
    rows = [{"theme": "overall", "value": 4.2345, "median": -0.06, "p25": None, "p75": 3.96, "percentile": 62.5,
             "in_words": "=cmd"}]
    out = findings.benchmark.with_context(rows, {"focus_council": "A", "focus_round": "R", "peer_set": "All councils",
                                    "min_group_size": 3}, "position")
    assert out == [{"focus_council": "A", "focus_round": "R", "peer_set": "All councils", "min_group_size": 3,
                    "theme": "overall", "value": 4.2, "median": -0.1, "p25": None, "p75": 4.0, "percentile": 62,
                    "in_words": "=cmd"}]
    assert findings.benchmark.with_context(rows, {}, "consensus")[0]["value"] == 4.23
    assert findings.benchmark.with_context(rows, {}, "position", points=True)[0]["value"] == 4.23
    from mandate_core import exports

    assert "'=cmd" in exports.to_csv_bytes(out).decode("utf-8-sig")  # the formula guard still applies
