"""Property tests: bounded metrics, bands that follow positions, and no number behind too few people."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_fixtures import (
    add_answers,
    add_council,
    add_round,
    breakdown_equations,
    derivable_cells,
    new_db,
    reference_aggregate,
    reference_hidden_cells,
    reference_rows,
    reference_slice,
)

from mandate_core import benchmarking, domain, metrics
from mandate_core.reports import council_report

counts_st = st.lists(st.integers(0, 50), min_size=6, max_size=6).filter(lambda c: sum(c) > 0)


@given(counts_st)
def test_consensus_is_in_unit_interval(counts: list[int]) -> None:
    c = metrics.consensus_of(counts)
    assert 0.0 <= c <= 1.0
    if sum(1 for x in counts if x) == 1:
        assert c == 1.0
    else:
        assert c < 1.0


@given(st.integers(1, 40))
def test_consensus_is_zero_only_when_split_between_the_ends(k: int) -> None:
    assert metrics.consensus_of([k, 0, 0, 0, 0, k]) == 0.0


@given(st.lists(st.floats(1.0, 6.0, allow_nan=False), min_size=0, max_size=8))
def test_alignment_is_in_unit_interval(positions: list[float]) -> None:
    a = metrics.alignment_of(positions)
    if len(positions) < 2:
        assert a is None
    else:
        assert a is not None and 0.0 <= a <= 1.0


@given(st.floats(1.0, 6.0, allow_nan=False))
def test_band_follows_position(mean: float) -> None:
    band = domain.band_of(mean)
    assert band == ("Better" if mean < 2.5 else "Differently" if mean < 4.5 else "New")


# --- random workshops ---------------------------------------------------------------------------------

THEMES = [("Alpha", "economy"), ("Beta", "health"), ("Gamma", "economy")]

person_st = st.tuples(st.sampled_from(["officer", "member"]), st.sampled_from(["A", "B", "C"]))
answer_st = st.one_of(
    st.none(),
    st.tuples(st.integers(1, 6), st.one_of(st.none(), st.integers(1, 5))),
)


@st.composite
def workshops(draw: st.DrawFn) -> tuple[list[tuple], int]:
    persons = draw(st.lists(person_st, min_size=1, max_size=12))
    n_themes = draw(st.integers(1, 3))
    rows = []
    for i, (role, grp) in enumerate(persons):
        for theme, sector in THEMES[:n_themes]:
            for horizon in domain.HORIZONS:
                answer = draw(answer_st)
                if answer is not None:
                    rows.append((f"p{i}", role, grp if role == "member" else None, theme, sector, horizon,
                                 answer[0], answer[1]))
    m = draw(st.integers(1, 4))
    return rows, m


def _ref_alignment(rows: list[tuple], m: int) -> float | None:
    """Alignment over the groups the breakdown rule leaves shown (rule 4 of docs/disclosure.md)."""
    hidden = reference_hidden_cells(rows, m)
    members = [r for r in rows if r[1] == "member"]
    positions = []
    for grp in {r[2] for r in members}:
        if f"group:{grp}" in hidden:
            continue
        g = [r for r in members if r[2] == grp]
        positions.append(sum(r[6] for r in g) / len(g))
    return None if len(positions) < 2 else 1 - (max(positions) - min(positions)) / 5


def _ref_om(rows: list[tuple], m: int) -> float | None:
    hidden = reference_hidden_cells(rows, m)
    sides = {}
    for role, cell in (("member", "members"), ("officer", "officers")):
        r = [x for x in rows if x[1] == role]
        if not r or cell in hidden:
            return None
        sides[role] = sum(x[6] for x in r) / len(r)
    return sides["member"] - sides["officer"]


_DB = None


def _fresh_db():
    """One in-memory database for all examples, emptied each time (creating the schema costs ~40 ms)."""
    global _DB
    if _DB is None:
        _DB = new_db()
    for table in ("answers", "rounds", "councils"):
        _DB.execute(f"DELETE FROM {table}")
    return _DB


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))


def _check_slice(got: dict, ref: dict, m: int) -> None:
    if ref.get("suppressed"):
        assert got == {"suppressed": True}
        return
    assert got["n"] == ref["n"] and got["n"] >= m
    assert math.isclose(got["position"], ref["position"], abs_tol=1e-9)
    assert got["band"] == domain.band_of(got["position"])
    assert _same(got["risk"], ref["risk"])
    assert math.isclose(got["consensus"], ref["consensus"], abs_tol=1e-9)
    assert 0.0 <= got["consensus"] <= 1.0


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workshops())
def test_random_workshop_never_shows_a_number_behind_too_few_people(case: tuple[list[tuple], int]) -> None:
    rows, m = case
    if not rows:
        return
    con = _fresh_db()
    add_council(con, "W", peer_group="P")
    add_round(con, "W", "r", "2024-01-01")
    add_answers(con, "W", "r", rows)
    # a peer that answers like W does, so that benchmarks have something to compare with
    add_council(con, "V", peer_group="P")
    add_round(con, "V", "r", "2024-01-01")
    add_answers(con, "V", "r", rows)
    raw = reference_rows(con, "W", "r")

    doc = council_report(con, "W", min_group=m)
    assert doc["participants"] == len({r[0] for r in raw})
    for h in domain.HORIZONS:
        _check_slice(doc["overall"][h], reference_aggregate(raw, h, m), m)
    for theme in doc["themes"]:
        t_rows = [r for r in raw if r[3] == theme["theme"]]
        for h in domain.HORIZONS:
            th = [r for r in t_rows if r[5] == h]
            _check_slice(theme[h], reference_slice(th, m), m)
            assert _same(theme["cross_party_alignment"][h], _ref_alignment(th, m))
            a = theme["cross_party_alignment"][h]
            assert a is None or 0.0 <= a <= 1.0
            assert _same(theme["officer_member_gap"][h], _ref_om(th, m))
        shown = "suppressed" not in theme["now"] and "suppressed" not in theme["ambition"]
        assert (theme["gap"] is not None) == shown

    # group breakdown: shown cells are big enough; hidden cells cannot be derived
    breakdown = metrics.group_breakdown(con, "W", "r", min_group=m)
    by_slice: dict[tuple[str, str], list[dict]] = {}
    for cell in breakdown:
        by_slice.setdefault((cell["theme"], cell["horizon"]), []).append(cell)
    for (theme, horizon), cells in by_slice.items():
        th = [r for r in raw if r[3] == theme and r[5] == horizon]
        for cell in cells:
            if cell["cell"] == "total":
                people = {r[0] for r in th}
            elif cell["cell"] in ("officers", "members"):
                people = {r[0] for r in th if r[1] == cell["role"]}
            else:
                people = {r[0] for r in th if r[1] == "member" and r[2] == cell["group"]}
            if cell["suppressed"]:
                assert cell["n"] is None and cell["position"] is None and cell["band"] is None
            else:
                assert cell["n"] == len(people) >= m
                assert cell["band"] == domain.band_of(cell["position"])
            if len(people) < m:
                assert cell["suppressed"]
            name = cell["cell"] if cell["cell"] != "group" else f"group:{cell['group']}"
            assert cell["suppressed"] == (name in reference_hidden_cells(th, m))
        hidden = {c["cell"] if c["cell"] != "group" else f"group:{c['group']}" for c in cells if c["suppressed"]}
        groups = [c["group"] for c in cells if c["cell"] == "group"]
        assert derivable_cells(breakdown_equations(groups), hidden) == set()

    for cell in metrics.answer_distribution(con, "W", "r", min_group=m):
        if cell["suppressed"]:
            assert cell["counts"] is None and cell["n"] is None
        else:
            assert cell["n"] >= m and sum(cell["counts"].values()) == cell["n"]

    # sector-wide views and benchmarks
    for row in metrics.sector_overview(con, min_group=m):
        for h in domain.HORIZONS:
            _check_slice(row[h], reference_aggregate(raw, h, m), m)
    for row in metrics.theme_matrix(con, min_group=m):
        ref = reference_aggregate(raw, "ambition", m, row["sector_theme"])
        assert row["suppressed"] == bool(ref.get("suppressed"))
        if not row["suppressed"]:
            assert row["n"] == ref["n"] >= m and _same(row["ambition"], ref["position"])
    for metric in ("gap", "risk", "consensus"):
        horizon = None if metric == "gap" else "next"
        for row in benchmarking.metric_table(con, metric, horizon, min_group=m):
            if row["value"] is not None:
                sl = [r for r in raw if r[5] in (("now", "ambition") if metric == "gap" else ("next",))]
                assert len({r[0] for r in sl if r[5] == (horizon or "now")}) >= m
                if metric == "risk":
                    assert len({r[0] for r in sl if r[7] is not None}) >= m
                if metric == "consensus":
                    assert 0.0 <= row["value"] <= 1.0


@settings(max_examples=30, deadline=None)
@given(workshops())
def test_notes_only_come_from_big_enough_slices(case: tuple[list[tuple], int]) -> None:
    rows, m = case
    if not rows:
        return
    con = _fresh_db()
    add_council(con, "W")
    add_round(con, "W", "r", "2024-01-01")
    add_answers(con, "W", "r", [(*r, f"idea {r[0]} {r[3]} {r[5]}") for r in rows])
    for note in metrics.theme_notes(con, "W", "r", min_group=m):
        authors = {r[0] for r in rows if r[3] == note["theme"] and r[5] == note["horizon"]}
        assert len(authors) >= m


def test_reference_matches_on_a_fixed_case() -> None:
    # guard the guard: the independent reference agrees with the formula of docs/metrics.md#consensus
    # worked by hand: scores 2, 2, 3, 5 (μ = 3) give 1 + 0.5·log2(0.8) + 0.25·log2(0.6) = 0.65479
    rows = [("a", "officer", None, "T", "economy", "now", s, None) for s in (2, 2, 3, 5)]
    rows = [(f"p{i}", *r[1:]) for i, r in enumerate(rows)]
    assert reference_slice(rows, 3)["consensus"] == pytest.approx(0.65479455, abs=5e-9)
