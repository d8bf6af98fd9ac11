"""Peer sets, quartiles and percentile ranks (docs/metrics.md#peer-benchmark)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_fixtures import add_answers, add_council, add_round, new_db

from mandate_core import benchmarking
from mandate_core.benchmarking import PeerSet
from mandate_core.reports import ReportError, benchmark_report

approx = lambda v: pytest.approx(v, abs=1e-9)  # noqa: E731


# --- the statistics ----------------------------------------------------------------------------------


def test_quantiles_by_hand() -> None:
    values = [4.0, 1.0, 3.0, 2.0]  # sorted 1 2 3 4
    # linear: virtual index (n − 1)·q = 3q → q=.25: 0.75 → 1 + .75·1 = 1.75; .5: 1.5 → 2.5; .75: 2.25 → 3.25
    assert benchmarking.quantile(values, 0.25) == approx(1.75)
    assert benchmarking.quantile(values, 0.5) == approx(2.5)
    assert benchmarking.quantile(values, 0.75) == approx(3.25)
    assert benchmarking.quantile([7.0], 0.25) == 7.0
    assert benchmarking.quantile([1.0, 5.0], 0.5) == approx(3.0)
    with pytest.raises(ValueError):
        benchmarking.quantile([], 0.5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=30), st.sampled_from([0.25, 0.5, 0.75]))
def test_quantile_matches_numpy(values: list[float], q: float) -> None:
    np = pytest.importorskip("numpy")
    assert benchmarking.quantile(values, q) == pytest.approx(float(np.percentile(values, 100 * q)), abs=1e-12)


def test_percentile_rank_with_ties_and_a_single_peer() -> None:
    # x = 3 among 1 3 3 10: one below, two equal → 100·(1 + 0.5·2)/4 = 50
    assert benchmarking.percentile_rank(3.0, [1.0, 3.0, 3.0, 10.0]) == approx(50.0)
    # all equal → 50; single peer above/equal/below → 0 / 50 / 100
    assert benchmarking.percentile_rank(2.0, [2.0, 2.0, 2.0]) == approx(50.0)
    assert benchmarking.percentile_rank(1.0, [5.0]) == approx(0.0)
    assert benchmarking.percentile_rank(5.0, [5.0]) == approx(50.0)
    assert benchmarking.percentile_rank(9.0, [5.0]) == approx(100.0)


def test_peer_statistics_nulls() -> None:
    assert benchmarking.peer_statistics(None, [1.0, 2.0]) == {
        "peers": 2, "median": None, "p25": None, "p75": None, "percentile": None}
    assert benchmarking.peer_statistics(3.0, []) == {
        "peers": 0, "median": None, "p25": None, "p75": None, "percentile": None}


# --- a small sector -----------------------------------------------------------------------------------


def _council(con, cid: str, *, peer_group: str | None, nation: str, ctype: str) -> None:
    add_council(con, cid, name=f"Council {cid}", peer_group=peer_group, nation=nation, council_type=ctype)


def _workshop(con, cid: str, rnd: str, date: str, now: list[int], ambition: list[int],
              risk: int | None = None, theme: str = "Th", sector: str = "economy") -> None:
    if (cid, rnd) not in {tuple(r) for r in con.execute("SELECT council_id, round FROM rounds").fetchall()}:
        add_round(con, cid, rnd, date)
    rows = []
    for i, s in enumerate(now):
        rows.append((f"p{i}", "officer", None, theme, sector, "now", s, risk))
    for i, s in enumerate(ambition):
        rows.append((f"p{i}", "officer", None, theme, sector, "ambition", s, risk))
    add_answers(con, cid, rnd, rows)


@pytest.fixture
def sector():
    con = new_db()
    _council(con, "F", peer_group="P", nation="Scotland", ctype="Unitary")
    _council(con, "A", peer_group="P", nation="Scotland", ctype="Unitary")
    _council(con, "B", peer_group="P", nation="Wales", ctype="County")
    _council(con, "C", peer_group="Q", nation="Scotland", ctype="County")
    _council(con, "D", peer_group="P", nation="Scotland", ctype="Unitary")
    _council(con, "E", peer_group=None, nation="England", ctype="Unitary")
    _council(con, "N", peer_group="Q", nation="Wales", ctype="District")  # no rounds at all
    # position now: F 3, A 2, B 3, C 5, D (2 people) suppressed, E 2
    _workshop(con, "F", "2024", "2024-06-01", [3, 3, 3], [4, 4, 4])
    _workshop(con, "F", "2022", "2022-06-01", [1, 1, 1], [6, 6, 6])
    _workshop(con, "A", "2024", "2024-01-01", [1, 2, 3], [3, 3, 3], risk=4)
    _workshop(con, "A", "2020", "2020-01-01", [6, 6, 6], [6, 6, 6])  # older: ignored for A as a peer
    _workshop(con, "B", "2023", "2023-01-01", [3, 3, 3], [5, 5, 5])
    _workshop(con, "C", "2023", "2023-01-01", [4, 5, 6], [6, 6, 6])
    _workshop(con, "D", "2023", "2023-01-01", [6, 6], [6, 6])
    _workshop(con, "E", "2023", "2023-01-01", [2, 2, 2], [2, 2, 2])
    return con


def _bench(con, peers: str, cid: str = "F", metric: str = "position", horizon: str | None = "now",
           theme: str | None = None, round_label: str | None = None) -> dict:
    return benchmark_report(con, cid, metric, horizon, theme, peers, round_label, min_group=3)


def test_peer_group(sector) -> None:
    doc = _bench(sector, "peer_group")
    # peers A 2, B 3 (D suppressed → left out); F = 3: below 1, equal 1 → 100·1.5/2 = 75
    # median of 2, 3 = 2.5; p25 = 2 + .25 = 2.25; p75 = 2.75
    assert doc == {"council_id": "F", "metric": "position", "horizon": "now", "theme": None,
                   "value": approx(3.0), "peers": 2, "median": approx(2.5), "p25": approx(2.25),
                   "p75": approx(2.75), "percentile": approx(75.0)}
    assert list(doc) == ["council_id", "metric", "horizon", "theme", "value", "peers", "median", "p25",
                         "p75", "percentile"]


def test_nation_type_and_all(sector) -> None:
    # Scotland: A 2, C 5 (D suppressed) → median 3.5, p25 2.75, p75 4.25; F=3 above one → 50
    doc = _bench(sector, "nation")
    assert (doc["peers"], doc["median"], doc["p25"], doc["p75"], doc["percentile"]) == (
        2, approx(3.5), approx(2.75), approx(4.25), approx(50.0))
    # Unitary: A 2, E 2 (D suppressed) → all 2; F above both → 100
    doc = _bench(sector, "council_type")
    assert (doc["peers"], doc["median"], doc["percentile"]) == (2, approx(2.0), approx(100.0))
    # all: A 2, B 3, C 5, E 2 (D suppressed, N no data) → sorted 2 2 3 5:
    # median idx 1.5 → 2.5; p25 idx .75 → 2; p75 idx 2.25 → 3.5; F=3: 2 below, 1 equal → 62.5
    doc = _bench(sector, "all")
    assert (doc["peers"], doc["median"], doc["p25"], doc["p75"], doc["percentile"]) == (
        4, approx(2.5), approx(2.0), approx(3.5), approx(62.5))


def test_explicit_lists(sector) -> None:
    # a single peer above, a single tied peer, the focus listed among its own peers
    assert _bench(sector, "C")["percentile"] == approx(0.0)
    one = _bench(sector, "B")
    assert (one["peers"], one["median"], one["p25"], one["p75"], one["percentile"]) == (
        1, approx(3.0), approx(3.0), approx(3.0), approx(50.0))
    mine = _bench(sector, " F , A ,A,")
    assert (mine["peers"], mine["percentile"]) == (1, approx(100.0))
    assert _bench(sector, "D,N")["peers"] == 0  # suppressed and missing peers are left out
    with pytest.raises(ReportError, match="ZZZ"):
        _bench(sector, "A,ZZZ")
    with pytest.raises(ReportError):
        _bench(sector, " , ")


def test_focus_without_peer_group_has_no_peers(sector) -> None:
    doc = _bench(sector, "peer_group", cid="E")
    assert doc["value"] == approx(2.0) and doc["peers"] == 0
    assert doc["median"] is None and doc["p25"] is None and doc["p75"] is None and doc["percentile"] is None


def test_suppressed_focus(sector) -> None:
    doc = _bench(sector, "peer_group", cid="D")
    # D has 2 people: no value, no statistics, but the peer count (F, A, B) is still given
    assert doc["value"] is None and doc["peers"] == 3
    assert doc["median"] is None and doc["percentile"] is None


def test_named_round_for_the_focus_latest_for_peers(sector) -> None:
    # F in 2022: now 1; peers A (latest 2024: 2, not 2020's 6) and B 3 → below both → 0
    doc = _bench(sector, "peer_group", round_label="2022")
    assert doc["value"] == approx(1.0) and doc["percentile"] == approx(0.0)
    assert doc["median"] == approx(2.5)


def test_gap_metric_has_no_horizon(sector) -> None:
    # gap = ambition − now: F 4−3 = 1; A 3−2 = 1; B 5−3 = 2 → peers 1, 2; F: one equal → 25
    doc = _bench(sector, "peer_group", metric="gap", horizon=None)
    assert doc["horizon"] is None
    assert (doc["value"], doc["peers"], doc["median"], doc["percentile"]) == (
        approx(1.0), 2, approx(1.5), approx(25.0))
    assert _bench(sector, "peer_group", metric="gap", horizon="now")["horizon"] is None


def test_risk_and_consensus_metrics(sector) -> None:
    # only A gave risks (all 4); F has none → value null; A's value 4 is a peer value
    doc = _bench(sector, "peer_group", metric="risk")
    assert doc["value"] is None and doc["peers"] == 1
    doc = _bench(sector, "peer_group", metric="risk", cid="A")
    assert doc["value"] == approx(4.0) and doc["peers"] == 0  # F and B gave no risk; D suppressed
    # consensus: F [3,3,3] → 1; A [1,2,3] μ=2: (2/3)·log2(0.8) = −0.214619 → 0.785381; B [3,3,3] → 1
    doc = _bench(sector, "peer_group", metric="consensus")
    assert doc["value"] == approx(1.0) and doc["peers"] == 2
    assert doc["p25"] == pytest.approx(0.78538127 + 0.25 * (1 - 0.78538127), abs=1e-8)
    assert doc["percentile"] == approx(75.0)


def test_sector_theme_slices_all_rows_of_that_theme() -> None:
    con = new_db()
    for cid in ("F", "G"):
        _council(con, cid, peer_group="P", nation="Wales", ctype="County")
    # F: two of its own themes map to "economy" (3 people each, scores 2 and 4) and one to "health" (6)
    _workshop(con, "F", "r", "2024-01-01", [2, 2, 2], [3, 3, 3], theme="Jobs", sector="economy")
    _workshop(con, "F", "r", "2024-01-01", [4, 4, 4], [5, 5, 5], theme="Town centres", sector="economy")
    _workshop(con, "F", "r", "2024-01-01", [6, 6, 6], [6, 6, 6], theme="Care", sector="health")
    _workshop(con, "G", "r", "2024-01-01", [5, 5, 5], [5, 5, 5], theme="Growth", sector="economy")
    doc = benchmark_report(con, "F", "position", "now", "economy", "all", None, min_group=3)
    # economy rows of F: 2,2,2,4,4,4 → 3.0; G 5 → below → 0
    assert doc["theme"] == "economy" and doc["value"] == approx(3.0) and doc["percentile"] == approx(0.0)
    health = benchmark_report(con, "F", "position", "now", "health", "all", None, min_group=3)
    assert health["value"] == approx(6.0) and health["peers"] == 0  # G has no health theme
    overall = benchmark_report(con, "F", "position", "now", None, "all", None, min_group=3)
    assert overall["value"] == approx((6 + 12 + 18) / 9)


def test_metric_table_one_row_per_council(sector) -> None:
    rows = benchmarking.metric_table(sector, "position", "now", min_group=3)
    by_id = {r["council_id"]: r for r in rows}
    assert set(by_id) == {"A", "B", "C", "D", "E", "F", "N"}
    assert by_id["F"]["value"] == approx(3.0) and by_id["F"]["round"] == "2024"
    assert by_id["A"]["round"] == "2024" and by_id["A"]["value"] == approx(2.0)
    assert (by_id["D"]["status"], by_id["D"]["value"]) == ("suppressed", None)
    assert (by_id["N"]["status"], by_id["N"]["value"]) == ("missing", None)
    gaps = {r["council_id"]: r["value"] for r in benchmarking.metric_table(sector, "gap", None, min_group=3)}
    assert gaps["B"] == approx(2.0)
    with pytest.raises(ReportError):
        benchmarking.metric_table(sector, "position", None, min_group=3)


def test_peer_ids(sector) -> None:
    assert benchmarking.peer_ids(sector, "F", PeerSet.parse("peer_group")) == ["A", "B", "D"]
    assert benchmarking.peer_ids(sector, "F", PeerSet.parse("nation")) == ["A", "C", "D"]
    assert benchmarking.peer_ids(sector, "F", PeerSet.parse("council_type")) == ["A", "D", "E"]
    assert benchmarking.peer_ids(sector, "F", PeerSet.parse("all")) == ["A", "B", "C", "D", "E", "N"]
    assert benchmarking.peer_ids(sector, "E", PeerSet.parse("peer_group")) == []
