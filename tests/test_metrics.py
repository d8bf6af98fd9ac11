"""Slice statistics and derived metrics against hand-computed values (docs/metrics.md)."""

from __future__ import annotations

import math

import pytest
from metrics_fixtures import (
    add_answers,
    add_council,
    add_round,
    answers_for,
    new_db,
    people,
    small_council,
)

from mandate_core import disclosure, domain, metrics
from mandate_core.disclosure import Suppressed
from mandate_core.metrics import SliceStats

approx = lambda v: pytest.approx(v, abs=1e-9)  # noqa: E731


# --- consensus (Tastle & Wierman) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # one score repeated: every |i − μ| = 0, log2(1) = 0 → 1
        ((0, 0, 0, 7, 0, 0), 1.0),
        # {1, 6}: μ = 3.5, |i − μ|/5 = 0.5 for both, log2(0.5) = −1 → 1 + 0.5·(−1) + 0.5·(−1) = 0
        ((1, 0, 0, 0, 0, 1), 0.0),
        # {1..6}: μ = 3.5; 1 − |i − μ|/5 = .5 .7 .9 .9 .7 .5
        # 1 + (2·(−1) + 2·log2 .7 + 2·log2 .9)/6 = 1 + (−2 − 1.029146 − 0.304006)/6 = 0.44447458
        ((1, 1, 1, 1, 1, 1), 0.44447458),
        # {2, 2, 3, 5}: μ = 3; ½·log2 .8 + ¼·log2 1 + ¼·log2 .6 = −0.160964 + 0 − 0.184241 → 0.65479455
        ((0, 2, 1, 0, 1, 0), 0.65479455),
    ],
)
def test_consensus_sanity_values(counts: tuple[int, ...], expected: float) -> None:
    assert metrics.consensus_of(counts) == pytest.approx(expected, abs=5e-9)


def test_consensus_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        metrics.consensus_of((0, 0, 0, 0, 0, 0))


def test_alignment_of() -> None:
    assert metrics.alignment_of([]) is None
    assert metrics.alignment_of([3.0]) is None
    # spread 5 (1 to 6) → 0; spread 0 → 1; spread 2 → 1 − 2/5 = 0.6
    assert metrics.alignment_of([1.0, 6.0]) == approx(0.0)
    assert metrics.alignment_of([4.0, 4.0]) == approx(1.0)
    assert metrics.alignment_of([2.0, 4.0, 3.5]) == approx(0.6)


# --- one slice -----------------------------------------------------------------------------------------


def _eight_people() -> object:
    """Theme Housing / now: 3 officers, 3 Labour and 2 SNP members."""
    con = new_db()
    add_council(con, "K")
    add_round(con, "K", "r1", "2024-01-10")
    persons = (
        people("o", "officer", None, [2, 3, 4], [2, 3, None])
        + people("lab", "member", "Labour", [5, 6, 5], [4, 4, None])
        + people("snp", "member", "SNP", [1, 2], [1, None])
    )
    add_answers(con, "K", "r1", answers_for(persons, "Housing", "place", "now"))
    return con


def test_slice_of_whole_theme() -> None:
    con = _eight_people()
    s = metrics._slice_stats(con, "K", "r1", theme="Housing", horizon="now", min_group=3)
    assert isinstance(s, SliceStats)
    # n = 8 people; position = (2+3+4+5+6+5+1+2)/8 = 28/8 = 3.5 → Differently (2.5 ≤ 3.5 < 4.5)
    assert s.n == 8
    assert s.position == approx(3.5)
    assert s.band == domain.DIFFERENTLY
    # risk given by o0 2, o1 3, lab0 4, lab1 4, snp0 1 → 5 people ≥ 3 → 14/5 = 2.8
    assert s.risk == approx(2.8)
    # counts 1:1 2:2 3:1 4:1 5:2 6:1, μ = 3.5:
    # (2·log2 .5 + 4·log2 .7 + 2·log2 .9)/8 = (−2 − 2.058292 − 0.304006)/8 = −0.545287 → 0.454713
    assert s.consensus == pytest.approx(0.45471264, abs=5e-9)


def test_slice_filters_role_group_and_sector() -> None:
    con = _eight_people()
    officers = metrics._slice_stats(con, "K", "r1", role="officer", min_group=3)
    assert isinstance(officers, SliceStats)
    # officers 2, 3, 4 → 3.0; only 2 gave a risk (< 3) → risk null;
    # consensus μ = 3: 2·(1/3)·log2(0.8) = −0.214619 → 0.785381
    assert (officers.n, officers.position, officers.risk) == (3, approx(3.0), None)
    assert officers.consensus == pytest.approx(0.78538127, abs=5e-9)
    labour = metrics._slice_stats(con, "K", "r1", role="member", group="Labour", min_group=3)
    # 5 + 6 + 5 = 16 → 16/3 = 5.333 → New; risk from 2 people → null
    assert isinstance(labour, SliceStats)
    assert labour.position == approx(16 / 3) and labour.band == domain.NEW and labour.risk is None
    by_sector = metrics._slice_stats(con, "K", "r1", sector_theme="place", horizon="now", min_group=3)
    assert isinstance(by_sector, SliceStats) and by_sector.n == 8
    snp = metrics._slice_stats(con, "K", "r1", group="SNP", min_group=3)
    assert isinstance(snp, Suppressed) and snp.suppressed
    assert snp.reason == disclosure.HIDDEN
    assert not hasattr(snp, "position") and not hasattr(snp, "n")
    nothing = metrics._slice_stats(con, "K", "r1", theme="No such theme", min_group=3)
    assert isinstance(nothing, Suppressed)


def test_position_is_a_mean_over_rows_in_an_overall_slice() -> None:
    # One person answering two themes counts once in n but twice in the mean (docs/metrics.md#position-and-band).
    con = new_db()
    add_council(con, "K")
    add_round(con, "K", "r1", "2024-01-10")
    add_answers(con, "K", "r1", [
        ("a", "officer", None, "T1", "economy", "now", 1, None),
        ("a", "officer", None, "T2", "health", "now", 1, None),
        ("b", "officer", None, "T1", "economy", "now", 4, None),
        ("c", "officer", None, "T1", "economy", "now", 6, None),
    ])
    s = metrics._slice_stats(con, "K", "r1", horizon="now", min_group=3)
    # rows 1, 1, 4, 6 → 12/4 = 3.0, while n = 3 people
    assert isinstance(s, SliceStats) and s.n == 3 and s.position == approx(3.0)


@pytest.mark.parametrize(
    ("mean", "band"),
    [(1.0, "Better"), (2.4999, "Better"), (2.5, "Differently"), (4.4999, "Differently"),
     (4.5, "New"), (6.0, "New")],
)
def test_band_thresholds(mean: float, band: str) -> None:
    assert domain.band_of(mean) == band


# --- every metric at n = 2 (suppressed) and n = 3 (shown) --------------------------------------------


def _sized(n: int) -> object:
    """n officers and two member groups of n, one theme, all horizons, everyone gives a risk."""
    con = new_db()
    add_council(con, "Z")
    add_round(con, "Z", "r", "2024-02-02")
    rows = []
    for horizon, base in (("now", 1), ("next", 2), ("ambition", 3)):
        persons = (
            people("o", "officer", None, [base] * n, [2] * n)
            + people("a", "member", "A", [base + 1] * n, [3] * n)
            + people("b", "member", "B", [base + 2] * n, [4] * n)
        )
        rows += answers_for(persons, "Theme", "economy", horizon)
    add_answers(con, "Z", "r", rows)
    return con


def test_every_metric_suppressed_at_n_2() -> None:
    con = _sized(2)
    m = 3
    assert isinstance(metrics._slice_stats(con, "Z", "r", role="officer", horizon="now", min_group=m),
                      Suppressed)
    for grp in ("A", "B"):
        assert isinstance(metrics._slice_stats(con, "Z", "r", group=grp, min_group=m), Suppressed)
    # members (n = 4) pass the primary rule, but the 2 officers do not, so members are hidden with
    # them (T = O + M, rule 2b of docs/disclosure.md) → no officer–member gap
    members = metrics._slice_stats(con, "Z", "r", role="member", horizon="now", min_group=m)
    assert isinstance(members, SliceStats) and members.n == 4
    cells = {(r["cell"], r["group"]): r for r in metrics.group_breakdown(con, "Z", "r", min_group=m)
             if r["horizon"] == "now"}
    assert cells[("members", None)]["suppressed"] and cells[("officers", None)]["suppressed"]
    assert not cells[("total", None)]["suppressed"]
    summary = metrics.council_summary(con, "Z", "r", m)
    theme = summary["themes"][0]
    assert theme["cross_party_alignment"] == {"now": None, "next": None, "ambition": None}
    assert theme["officer_member_gap"] == {"now": None, "next": None, "ambition": None}
    # the whole theme has 6 people, so it is shown with risk (6 gave one)
    assert theme["now"]["n"] == 6 and theme["now"]["risk"] == approx(3.0)


def test_every_metric_shown_at_n_3() -> None:
    con = _sized(3)
    m = 3
    officers = metrics._slice_stats(con, "Z", "r", role="officer", horizon="now", min_group=m)
    # officers all 1, risk all 2 → position 1, risk 2, consensus 1
    assert isinstance(officers, SliceStats)
    assert (officers.n, officers.position, officers.risk, officers.consensus) == (3, 1.0, 2.0, 1.0)
    summary = metrics.council_summary(con, "Z", "r", m)
    theme = summary["themes"][0]
    # A at 2, B at 3 → spread 1 → alignment 1 − 1/5 = 0.8
    # members mean (2·3 + 3·3)/6 = 2.5, officers 1 → gap 1.5
    assert theme["officer_member_gap"]["now"] == approx(1.5)
    assert theme["cross_party_alignment"] == {"now": approx(0.8), "next": approx(0.8),
                                              "ambition": approx(0.8)}
    assert theme["officer_member_gap"]["ambition"] == approx(1.5)
    # theme now: 9 people, (1+2+3)·3/9 = 2 → ambition (3+4+5)·3/9 = 4 → gap 2
    assert theme["gap"] == approx(2.0)


def test_risk_needs_min_group_people_not_rows() -> None:
    # Two people give a risk on three themes each (6 rows): still only 2 people → risk null.
    con = new_db()
    add_council(con, "R")
    add_round(con, "R", "r", "2024-02-02")
    rows = []
    for theme in ("T1", "T2", "T3"):
        rows += [
            ("a", "officer", None, theme, "economy", "now", 3, 4),
            ("b", "officer", None, theme, "economy", "now", 3, 4),
            ("c", "officer", None, theme, "economy", "now", 3, None),
        ]
    add_answers(con, "R", "r", rows)
    s = metrics._slice_stats(con, "R", "r", horizon="now", min_group=3)
    assert isinstance(s, SliceStats) and s.n == 3 and s.risk is None
    s2 = metrics._slice_stats(con, "R", "r", horizon="now", min_group=2)
    assert isinstance(s2, SliceStats) and s2.risk == approx(4.0)


def test_gap_between() -> None:
    shown = SliceStats(n=3, position=4.0, band="Differently", risk=None, consensus=1.0)
    low = SliceStats(n=3, position=1.5, band="Better", risk=None, consensus=1.0)
    assert metrics.gap_between(shown, low) == approx(2.5)
    assert metrics.gap_between(shown, Suppressed("x")) is None
    assert metrics.gap_between(Suppressed("x"), low) is None


# --- page-facing functions on the small council ---------------------------------------------------------


def test_latest_round_and_rounds() -> None:
    con = new_db()
    small_council(con)
    assert metrics.latest_round(con, "S1") == "2024 follow-up"
    assert metrics.latest_round(con, "nope") is None
    assert metrics.council_rounds(con, "S1") == [
        {"round": "2023 baseline", "workshop_date": "2023-03-01", "participants": 3},
        {"round": "2024 follow-up", "workshop_date": "2024-05-20", "participants": 10},
    ]
    [council] = metrics.list_councils(con)
    assert council["council_id"] == "S1" and council["rounds"] == 2
    assert council["latest_round"] == "2024 follow-up"
    assert council["latest_workshop_date"] == "2024-05-20"


def test_trend() -> None:
    con = new_db()
    small_council(con)
    trend = metrics.trend(con, "S1", min_group=3)
    assert [t["round"] for t in trend] == ["2023 baseline", "2024 follow-up"]
    base = trend[0]
    # baseline: 3 officers at 2 now, 3 ambition; no "next" answers at all → suppressed
    assert base["participants"] == 3
    assert base["overall"]["now"]["position"] == approx(2.0)
    assert base["overall"]["ambition"]["position"] == approx(3.0)
    assert base["overall"]["next"] == {"suppressed": True}
    assert base["overall"]["gap"] == approx(1.0)
    latest = trend[1]
    assert latest["overall"]["now"]["position"] == approx(2.8)  # Care at home only, see test_reports
    assert latest["coverage"]["now"] == {"themes_covered": 1, "themes": 2}
    assert latest["coverage"]["next"] == {"themes_covered": 2, "themes": 2}
    assert [t["theme"] for t in latest["themes"]] == ["Care at home", "Zero waste"]
    assert latest["themes"][0]["gap"] == approx(1.7)
    assert latest["themes"][1]["now"] == {"suppressed": True}
    assert "cross_party_alignment" not in latest["themes"][0]


def test_theme_notes_hide_small_slices_and_authors() -> None:
    con = new_db()
    small_council(con)
    notes = metrics.theme_notes(con, "S1", "2024 follow-up", min_group=3)
    # Zero waste "now" has 2 people → its note is withheld; the empty note is dropped.
    assert notes == [
        {"theme": "Care at home", "sector_theme": "health", "horizon": "ambition",
         "note": "Community-owned care co-operatives"},
        {"theme": "Care at home", "sector_theme": "health", "horizon": "ambition",
         "note": "Community-owned care co-operatives"},
    ]
    assert all("participant" not in n for n in notes)
    shown_at_2 = metrics.theme_notes(con, "S1", None, min_group=2)
    assert {n["note"] for n in shown_at_2 if n["theme"] == "Zero waste"} == {
        "Close the landfill early", "Repair cafés in every ward"}


def test_sector_overview_and_theme_matrix() -> None:
    con = new_db()
    small_council(con)
    add_council(con, "T2", name="Tiny", peer_group=None)
    add_round(con, "T2", "r", "2024-01-01")
    add_answers(con, "T2", "r", [("x", "officer", None, "Th", "health", "now", 3, None)])
    overview = metrics.sector_overview(con, min_group=3)
    assert [o["council_id"] for o in overview] == ["S1", "T2"]  # ordered by name
    s1 = overview[0]
    assert s1["round"] == "2024 follow-up" and s1["participants"] == 10
    # overall now / ambition cover Care at home only (Zero waste has 2 people then): 2.8 and 4.5
    assert s1["now"]["position"] == approx(2.8) and s1["gap"] == approx(1.7)
    assert s1["coverage"]["now"] == {"themes_covered": 1, "themes": 2}
    assert overview[1]["now"] == {"suppressed": True} and overview[1]["gap"] is None
    older = metrics.sector_overview(con, round_label="2023 baseline", min_group=3)
    assert [o["council_id"] for o in older] == ["S1"]
    assert older[0]["gap"] == approx(1.0)

    matrix = metrics.theme_matrix(con, min_group=3)
    cells = {(c["council_id"], c["sector_theme"]): c for c in matrix}
    care = cells[("S1", "health")]
    # ambition 45/10 = 4.5 (New), now 28/10 = 2.8 → gap 1.7
    assert (care["n"], care["ambition"], care["ambition_band"], care["now"]) == (
        10, approx(4.5), "New", approx(2.8))
    assert care["gap"] == approx(1.7) and care["suppressed"] is False
    zero = cells[("S1", "environment")]
    assert zero["suppressed"] is True and zero["reason"] == disclosure.HIDDEN
    assert zero["n"] is None and zero["ambition"] is None and zero["now"] is None
    assert zero["gap"] is None
    assert cells[("T2", "health")]["suppressed"] is True


def test_page_functions_on_unknown_council_are_empty() -> None:
    con = new_db()
    assert metrics.group_breakdown(con, "nope", None, min_group=3) == []
    assert metrics.answer_distribution(con, "nope", None, min_group=3) == []
    assert metrics.theme_notes(con, "nope", None, min_group=3) == []
    assert metrics.trend(con, "nope", min_group=3) == []
    assert metrics.council_rounds(con, "nope") == []
    assert metrics.sector_overview(con, min_group=3) == []


def test_no_float_is_nan() -> None:
    con = new_db()
    small_council(con)
    for row in metrics.group_breakdown(con, "S1", None, min_group=3):
        if row["position"] is not None:
            assert math.isfinite(row["position"])
