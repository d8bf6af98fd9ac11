"""The benchmark table in one grouped query (issue #12), checked against the path it replaced.

Until issue #12 the Benchmark view ran ``metrics.council_summary``, a peer lookup and, per theme, the
command line's ``benchmark_report`` (itself a lookup, the round's checks and a grouped scan) plus
``metric_table`` (another grouped scan): about 18 grouped scans and 30 lookups per choice.  That path is
kept here, built from the functions that remain (``benchmarking._metric_rows`` is the old grouped scan),
so the new query is compared with it number for number — suppression included — on the demo data for
every metric × horizon × peer-set kind; and a counting connection keeps "one query" true.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from mandate_core import benchmarking, demo, domain, findings, metrics, reports, storage
from mandate_core.benchmarking import PeerSet
from mandate_core.metrics import ReportError

# --- the old path ---------------------------------------------------------------------------------------


def _old_peer_ids(con: Any, council_id: str, peers: str) -> list[str]:
    """``benchmarking.peer_ids`` as it was: SQL per keyword, a checked list otherwise."""
    if peers == "all":
        rows = con.execute("SELECT council_id FROM councils WHERE council_id <> ? ORDER BY council_id",
                           [council_id]).fetchall()
        return [r[0] for r in rows]
    if peers in domain.PEER_SETS:
        rows = con.execute(
            f"""SELECT c.council_id FROM councils c JOIN councils f ON f.{peers} = c.{peers}
                WHERE f.council_id = ? AND c.council_id <> f.council_id ORDER BY c.council_id""",
            [council_id]).fetchall()
        return [r[0] for r in rows]
    wanted = list(dict.fromkeys(p.strip() for p in peers.split(",") if p.strip()))
    known = {r[0] for r in con.execute("SELECT council_id FROM councils").fetchall()}
    assert all(p in known for p in wanted)
    return [p for p in wanted if p != council_id]


_SCANS: dict[tuple[Any, ...], list[dict[str, Any]]] = {}


def _old_scan(con: Any, metric: str, horizon: str | None, theme: str | None, m: int,
              focus: tuple[str, str] | None) -> list[dict[str, Any]]:
    """The old grouped scan of one theme (kept per arguments: it does not depend on the peer set)."""
    key = (id(con), metric, horizon, theme, m, focus)
    if key not in _SCANS:
        _SCANS[key] = benchmarking._metric_rows(con, metric, horizon, theme, m, focus=focus)
    return _SCANS[key]


def _old_doc(con: Any, council_id: str, round_label: str, metric: str, horizon: str | None,
             theme: str | None, members: list[str], m: int) -> dict[str, Any]:
    """The old ``benchmarking.benchmark``: one grouped scan for one theme, the focus in its round."""
    horizon = benchmarking.validate_metric(metric, horizon, theme)
    rows = _old_scan(con, metric, horizon, theme, m, (council_id, round_label))
    value = next((r["value"] for r in rows if r["council_id"] == council_id), None)
    peer_values = [r["value"] for r in rows if r["council_id"] in set(members) and r["value"] is not None]
    return {"council_id": council_id, "metric": metric, "horizon": horizon, "theme": theme, "value": value,
            **benchmarking.peer_statistics(value, peer_values)}


def _old_view(con: Any, council_id: str, round_label: str | None, metric: str, horizon: str | None,
              peers: str, m: int) -> dict[str, Any]:
    """``findings.benchmark.benchmark_view`` before issue #12 (summary, peers, then two scans per theme)."""
    horizon = None if metric == "gap" else horizon
    council = metrics.council_info(con, council_id)
    assert council is not None
    if round_label is None:
        round_label = metrics.latest_round(con, council_id)
    assert round_label is not None
    summary = metrics.council_summary(con, council_id, round_label, m)
    order = {key: i for i, key in enumerate(domain.SECTOR_THEMES)}
    covered = sorted(dict.fromkeys(t["sector_theme"] for t in summary["themes"]),
                     key=lambda s: (order.get(s, 99), s))
    members = _old_peer_ids(con, council_id, peers)
    rows = []
    for theme in [None, *covered]:
        doc = _old_doc(con, council_id, round_label, metric, horizon, theme, members, m)
        table = _old_scan(con, metric, benchmarking.validate_metric(metric, horizon, theme), theme, m, None)
        points = [{"council_id": r["council_id"], "name": r["name"], "value": r["value"]}
                  for r in table if r["council_id"] in set(members) and r["status"] == "ok"]
        rows.append(
            {
                "theme": theme,
                "theme_label": findings.common.OVERALL if theme is None else domain.SECTOR_THEMES.get(theme, theme),
                "doc": doc,
                "status": "ok" if doc["value"] is not None else "suppressed",
                "points": points,
                "words": findings.benchmark.quartile_words(doc),
            }
        )
    return {"council_id": council_id, "name": council["name"], "peer_group": council.get("peer_group"),
            "round": round_label, "metric": metric, "horizon": horizon, "peers": peers, "peer_ids": members,
            "rows": rows, "not_covered": [k for k in domain.SECTOR_THEMES if k not in covered],
            "coverage_note": findings.common.overall_coverage_note(summary)}


# --- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a DuckDB connection
    db: Path = demo.build_database(tmp_path_factory.mktemp("bench1q") / "demo.duckdb")
    with storage.connect(db, read_only=True) as connection:
        yield connection


def _choices(con: Any) -> list[tuple[str, str | None]]:
    """Focus councils and rounds: two councils in their latest round, and an older round of one with
    several (its peers still in their latest rounds)."""
    councils = metrics.list_councils(con)
    several = next(c for c in councils if c["rounds"] >= 2)
    oldest = metrics.round_dates(con, several["council_id"])[0][0]
    return [(councils[0]["council_id"], None), (councils[len(councils) // 2]["council_id"], None),
            (several["council_id"], oldest)]


def _peer_sets(con: Any, focus: str) -> list[str]:
    ids = [c["council_id"] for c in metrics.list_councils(con)]
    hand = [ids[-1], focus, ids[1], ids[2]]  # the focus is in the list: dropped, as always
    return [*domain.PEER_SETS, ",".join(dict.fromkeys(hand))]


METRIC_HORIZONS = [(metric, h) for metric in domain.METRICS if metric != "gap" for h in domain.HORIZONS]
METRIC_HORIZONS.append(("gap", None))


@pytest.mark.parametrize("m", [3, 15])
@pytest.mark.parametrize(("metric", "horizon"), METRIC_HORIZONS)
def test_view_and_cli_equal_the_old_path(con: Any, metric: str, horizon: str | None, m: int) -> None:
    for focus, rnd in _choices(con):
        for peers in _peer_sets(con, focus):
            new = findings.benchmark.benchmark_view(con, focus, rnd, metric, horizon, PeerSet.parse(peers), m)
            old = _old_view(con, focus, rnd, metric, horizon, peers, m)
            assert new == old, (focus, rnd, metric, horizon, peers, m)
            # The command line's document: every sector theme (those the focus lacks too) and overall.
            members = old["peer_ids"]
            if peers not in ("all", "nation") and "," not in peers:
                continue  # the command line's query does not depend on the peer set: two keywords and a list
            for theme in [None, *domain.SECTOR_THEMES]:
                cli = benchmarking.benchmark(con, focus, old["round"], metric, horizon, theme,
                                             PeerSet.parse(peers), m)
                assert cli == _old_doc(con, focus, old["round"], metric, horizon, theme, members, m)
            assert reports.benchmark_report(con, focus, metric, horizon, None, peers, rnd,
                                            min_group=m) == new["rows"][0]["doc"]


def test_suppression_reaches_the_comparison(con: Any) -> None:
    """The comparison above is not vacuous: at m = 15 the demo data has suppressed rows of the focus
    council and peers left out of the dots (and the statistics) that m = 3 shows."""
    statuses, dots = set(), {3: 0, 15: 0}
    for focus, rnd in _choices(con):
        for m in dots:
            view = findings.benchmark.benchmark_view(con, focus, rnd, "risk", "next", PeerSet("all"), m)
            dots[m] += sum(len(r["points"]) for r in view["rows"])
            if m == 15:
                statuses |= {r["status"] for r in view["rows"]}
    assert statuses == {"ok", "suppressed"}
    assert 0 < dots[15] < dots[3]


# --- one query ------------------------------------------------------------------------------------------


class _Counting:
    """A connection that counts what is sent to DuckDB."""

    def __init__(self, con: Any) -> None:
        self._con, self.calls = con, 0

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._con.execute(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


@pytest.mark.parametrize("metric", list(domain.METRICS))
def test_a_benchmark_view_is_one_query(con: Any, metric: str) -> None:
    for focus, rnd in _choices(con):
        for peers in _peer_sets(con, focus):
            counting = _Counting(con)
            findings.benchmark.benchmark_view(counting, focus, rnd, metric, "ambition", PeerSet.parse(peers), 3)  # type: ignore[arg-type]
            assert counting.calls == 1, (focus, peers, metric)


def test_the_cli_benchmark_is_one_query_after_its_checks(con: Any) -> None:
    focus, _rnd = _choices(con)[0]
    counting = _Counting(con)
    rnd = metrics.latest_round(con, focus)
    assert rnd is not None
    benchmarking.benchmark(counting, focus, rnd, "gap", None, "health", PeerSet("all"), 3)  # type: ignore[arg-type]
    assert counting.calls == 1


def test_benchmarking_does_not_import_reports() -> None:
    source = Path(benchmarking.__file__).read_text(encoding="utf-8")
    assert "reports" not in {line.split()[-1] for line in source.splitlines() if line.startswith("from .")}
    assert "import reports" not in source and "from .reports" not in source


def test_errors_keep_their_order_and_words(con: Any) -> None:
    focus, _rnd = _choices(con)[0]
    with pytest.raises(ReportError, match="unknown council 'nowhere'"):
        findings.benchmark.benchmark_view(con, "nowhere", None, "bogus", None, PeerSet.parse("x,y"), 3)
    with pytest.raises(ReportError, match=r"unknown peer council id\(s\): x, y"):
        findings.benchmark.benchmark_view(con, focus, None, "bogus", None, PeerSet.parse("x,y"), 3)
    with pytest.raises(ReportError, match="unknown metric 'bogus'"):
        findings.benchmark.benchmark_view(con, focus, None, "bogus", None, PeerSet("all"), 3)
    with pytest.raises(ReportError, match=rf"council '{focus}' has no round 'R99' \(rounds: "):
        findings.benchmark.benchmark_view(con, focus, "R99", "position", "now", PeerSet("all"), 3)
    with pytest.raises(ReportError, match="--horizon is required for the position metric"):
        findings.benchmark.benchmark_view(con, focus, None, "position", None, PeerSet("all"), 3)


# --- PeerSet --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["peer_group", "nation", "council_type", "all", "a", "a,b", "c,a,b"])
def test_peer_set_round_trip(text: str) -> None:
    peers = PeerSet.parse(text)
    assert str(peers) == text
    assert PeerSet.parse(str(peers)) == peers
    assert pickle.loads(pickle.dumps(peers)) == peers and hash(peers) == hash(PeerSet.parse(text))


def test_peer_set_parse_normalises_and_refuses_nothing() -> None:
    assert PeerSet.parse("  all ") == PeerSet("all")
    assert PeerSet.parse(" a , b,,a ") == PeerSet("list", ("a", "b"))
    assert str(PeerSet.parse(" a , b,,a ")) == "a,b"
    assert PeerSet.parse("a").hand_picked and not PeerSet.parse("nation").hand_picked
    for text in ("", " ", ",", " , ,"):
        with pytest.raises(ReportError, match="no peers given; use peer_group, nation, council_type, all"):
            PeerSet.parse(text)
    with pytest.raises(ValueError, match="not a peer set"):
        PeerSet("region")
    with pytest.raises(ValueError, match="not a peer set"):
        PeerSet("all", ("a",))


def test_peer_set_members() -> None:
    rows = [{"council_id": cid, "peer_group": pg, "nation": "N", "council_type": "T"}
            for cid, pg in (("b", "G"), ("a", "G"), ("c", None), ("d", "H"))]
    assert PeerSet("all").members(rows, "a") == ["b", "c", "d"]
    assert PeerSet("peer_group").members(rows, "a") == ["b"]
    assert PeerSet("peer_group").members(rows, "c") == []  # no peer group: no peers in it
    assert PeerSet("nation").members(rows, "a") == ["b", "c", "d"]
    assert PeerSet.parse("d,a,b").members(rows, "a") == ["d", "b"]
    with pytest.raises(ReportError, match=r"unknown peer council id\(s\): x, y"):
        PeerSet.parse("x,a,y").members(rows, "a")


def test_peer_set_words_and_slug() -> None:
    assert PeerSet("peer_group").words("Metro North") == "Same peer group (Metro North)"
    assert PeerSet("peer_group").words("Metro North", anonymise=True) == "Same peer group"
    assert PeerSet("nation").words() == "Same nation"
    assert PeerSet.parse("a,b").words() == "Hand-picked councils"
    assert PeerSet.parse("a,b").words(saved_name="North") == "Saved peer set “North”"
    assert PeerSet.parse("a,b").words(saved_name="North", anonymise=True) == "Hand-picked councils"
    assert PeerSet("all").slug() == "all-councils" and PeerSet("council_type").slug() == "same-type"
    assert PeerSet.parse("b,a").slug() == PeerSet.parse("a,b").slug()
    assert PeerSet.parse("b,a").slug().startswith("hand-picked-2-")
    assert PeerSet.parse("b,a").slug(anonymise=True, saved_name="North") == "hand-picked-2"
    assert PeerSet.parse("b,a").slug(saved_name="Northern Neighbours!") == "peers-northern-neighbours"
