"""The JSON documents of docs/cli.md (``report``, ``benchmark``), field by field, and the errors a user can fix."""

from __future__ import annotations

import json
import statistics
import time

import pytest
from metrics_fixtures import add_council, add_round, new_db, small_council

from mandate_core import disclosure, reports, storage
from mandate_core.reports import ReportError, benchmark_report, council_report

approx = lambda v: pytest.approx(v, abs=1e-9)  # noqa: E731
SUPPRESSED = {"suppressed": True}
NONE3 = {"now": None, "next": None, "ambition": None}


def _slice(n: int, position: float, band: str, risk: float | None, consensus: float) -> dict:
    return {"n": n, "position": approx(position), "band": band,
            "risk": None if risk is None else approx(risk), "consensus": approx(consensus)}


def test_full_report_field_by_field() -> None:
    con = new_db()
    small_council(con)
    doc = council_report(con, "S1", min_group=3)
    expected = {
        "council_id": "S1",
        "name": "Sample Council",
        "round": "2024 follow-up",  # the latest by workshop date
        "workshop_date": "2024-05-20",
        "participants": 10,
        "min_group_size": 3,
        "overall": {
            # Rule 3 of docs/disclosure.md: an overall slice covers only the themes shown for that horizon.  Zero waste
            # now and ambition have 2 people (hidden), so overall now / ambition are Care at home alone.
            "now": _slice(10, 2.8, "Differently", 18 / 7, 0.6303447810417161),
            # next: both themes shown: Care 37 plus Zero 4+5+2 = 11 → 48 over 13 rows = 3.6923; no risk
            "next": _slice(10, 48 / 13, "Differently", None, 0.6779480766848867),
            "ambition": _slice(10, 4.5, "New", 3.5, 0.7029688748010667),
            "gap": approx(4.5 - 2.8),
        },
        "themes": [
            {
                "theme": "Care at home",
                "sector_theme": "health",
                # now 28/10 = 2.8; risk 18/7 (7 people); consensus μ = 2.8, counts 1:1 2:4 3:3 4:1 6:1:
                #   .1 log2 .64 + .4 log2 .84 + .3 log2 .96 + .1 log2 .76 + .1 log2 .36
                #   = −.064386 − .100616 − .017668 − .039593 − .147393 = −.369655 → 0.630345
                "now": _slice(10, 2.8, "Differently", 18 / 7, 0.6303447810417161),
                # next 37/10 = 3.7; μ = 3.7: .1 log2 .66 + .4 log2 .86 + .3 log2 .94 + .1 log2 .74
                #   + .1 log2 .54 = −.059946 − .087036 − .026780 − .043440 − .088897 → 0.693900
                "next": _slice(10, 3.7, "Differently", None, 0.6938998663244929),
                # ambition 45/10 = 4.5 → New (the band starts at 4.5); risk 35/10
                # μ = 4.5: .2 log2 .7 + .3 log2 .9 + .3 log2 .9 + .2 log2 .7 = −.297031 → 0.702969
                "ambition": _slice(10, 4.5, "New", 3.5, 0.7029688748010667),
                "gap": approx(4.5 - 2.8),
                # Green (1 member) is hidden; members (7) are shown, so the hidden groups must hold 3:
                # the smaller of Labour and Conservative (3 each; tie → name) is hidden too, leaving one
                # shown group → no alignment (rules 2c and 4 of docs/disclosure.md).
                "cross_party_alignment": NONE3,
                # members − officers: now 21/7 − 7/3 = 2/3; next 27/7 − 10/3 = 11/21;
                # ambition 32/7 − 13/3 = 5/21
                "officer_member_gap": {"now": approx(2 / 3), "next": approx(11 / 21), "ambition": approx(5 / 21)},
            },
            {
                "theme": "Zero waste",
                "sector_theme": "environment",
                "now": SUPPRESSED,  # 2 people
                # next: 4 + 5 + 2 = 11 → 11/3; no risks; μ = 11/3 → 0.622681
                "next": _slice(3, 11 / 3, "Differently", None, 0.6226809495855694),
                "ambition": SUPPRESSED,
                "gap": None,
                "cross_party_alignment": NONE3,
                "officer_member_gap": NONE3,
            },
        ],
    }
    assert doc == expected
    assert list(doc) == list(expected)
    assert list(doc["themes"][0]) == list(expected["themes"][0])
    assert list(doc["overall"]["now"]) == ["n", "position", "band", "risk", "consensus"]
    text = json.dumps(doc)
    assert json.loads(text) == doc  # plain JSON types only


def test_named_round_report() -> None:
    con = new_db()
    small_council(con)
    doc = council_report(con, "S1", "2023 baseline", min_group=3)
    # three officers: now 2, 2, 2 (risk 2); ambition 3, 3, 3 (risk 2); no "next" at all
    assert doc["round"] == "2023 baseline" and doc["workshop_date"] == "2023-03-01"
    assert doc["participants"] == 3
    assert doc["overall"] == {
        "now": _slice(3, 2.0, "Better", 2.0, 1.0),
        "next": SUPPRESSED,
        "ambition": _slice(3, 3.0, "Differently", 2.0, 1.0),
        "gap": approx(1.0),
    }
    [theme] = doc["themes"]
    assert theme["cross_party_alignment"] == NONE3 and theme["officer_member_gap"] == NONE3


def test_min_group_from_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    con = new_db()
    small_council(con)
    at2 = council_report(con, "S1", min_group=2)
    zero = at2["themes"][1]
    # o1 3 and l1 5 → 4.0 now; 5 and 6 → 5.5 ambition → gap 1.5
    assert at2["min_group_size"] == 2
    assert zero["now"]["position"] == approx(4.0) and zero["gap"] == approx(1.5)
    # The environment is read once at the edge (disclosure.configured_min_group) and passed down.
    monkeypatch.setenv(disclosure.ENV_MIN_GROUP, "11")
    doc = council_report(con, "S1", min_group=disclosure.configured_min_group())
    assert doc["min_group_size"] == 11
    assert doc["overall"]["now"] == SUPPRESSED and doc["overall"]["gap"] is None
    monkeypatch.setenv(disclosure.ENV_MIN_GROUP, "2")
    assert council_report(con, "S1", min_group=disclosure.configured_min_group())["themes"][1]["now"] != SUPPRESSED


def test_report_errors() -> None:
    con = new_db()
    small_council(con)
    add_council(con, "EMPTY")
    with pytest.raises(ReportError, match="unknown council"):
        council_report(con, "NOPE", min_group=3)
    with pytest.raises(ReportError, match="no round"):
        council_report(con, "S1", "1999", min_group=3)
    with pytest.raises(ReportError, match="no workshop rounds"):
        council_report(con, "EMPTY", min_group=3)
    assert issubclass(reports.ReportError, ValueError)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("NOPE", "position", "now", None, "all"), "unknown council"),
        (("S1", "mean", "now", None, "all"), "unknown metric"),
        (("S1", "position", None, None, "all"), "required"),
        (("S1", "consensus", "later", None, "all"), "unknown horizon"),
        (("S1", "position", "now", "parks", "all"), "unknown sector theme"),
        (("S1", "position", "now", None, "S1,XX"), "unknown peer"),
        (("S1", "position", "now", None, ""), "no peers"),
    ],
)
def test_benchmark_errors(args: tuple, match: str) -> None:
    con = new_db()
    small_council(con)
    with pytest.raises(ReportError, match=match):
        benchmark_report(con, *args, min_group=3)


def test_benchmark_unknown_round() -> None:
    con = new_db()
    small_council(con)
    with pytest.raises(ReportError, match="no round"):
        benchmark_report(con, "S1", "gap", None, None, "all", "1999", min_group=3)


def test_benchmark_document_for_the_small_council() -> None:
    con = new_db()
    small_council(con)
    add_council(con, "S2", peer_group="Rural")
    add_round(con, "S2", "r", "2024-01-01")
    doc = benchmark_report(con, "S1", "position", "ambition", "health", "peer_group", None, min_group=3)
    # S2 has no answers → left out; S1's health ambition = 4.5
    assert doc == {"council_id": "S1", "metric": "position", "horizon": "ambition", "theme": "health",
                   "value": approx(4.5), "peers": 0, "median": None, "p25": None, "p75": None,
                   "percentile": None}
    json.dumps(doc)


@pytest.mark.slow
def test_report_is_fast_at_a_million_answers(tmp_path) -> None:
    with storage.connect(tmp_path / "big.duckdb") as con:
        con.execute("""INSERT INTO councils SELECT 'C' || i, 'Council ' || i, 'Scotland', 'Unitary', NULL,
                       'G' || (i % 8) FROM range(2200) r(i)""")
        con.execute("INSERT INTO rounds SELECT 'C' || i, 'r1', DATE '2024-01-01' FROM range(2200) r(i)")
        # 2200 councils × 30 people × 5 themes × 3 horizons = 990,000 answers, councils interleaved
        con.execute("""
            INSERT INTO answers
            SELECT 'C' || c, 'r1', 'p' || p, CASE WHEN p < 12 THEN 'officer' ELSE 'member' END,
                   CASE WHEN p < 12 THEN NULL ELSE 'G' || (p % 4) END, 'Theme ' || t, 'economy', h,
                   1 + ((c * 7 + p * 3 + t + hi) % 6), CASE WHEN p % 5 = 0 THEN NULL ELSE 1 + p % 5 END, NULL
            FROM range(2200) a(c), range(30) b(p), range(5) d(t),
                 (VALUES (0, 'now'), (1, 'next'), (2, 'ambition')) e(hi, h)""")
        assert con.execute("SELECT count(*) FROM answers").fetchone()[0] == 990_000
    with storage.connect(tmp_path / "big.duckdb", read_only=True) as con:
        council_report(con, "C1000", min_group=3)
        times = []
        for cid in ("C7", "C1000", "C2199", "C512", "C1999"):
            start = time.perf_counter()
            doc = council_report(con, cid, min_group=3)
            times.append(time.perf_counter() - start)
        assert doc["participants"] == 30 and len(doc["themes"]) == 5
        assert statistics.median(times) < 0.05, times
