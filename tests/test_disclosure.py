"""Primary and complementary suppression: a small group can neither be read nor worked out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_fixtures import (
    add_answers,
    add_council,
    add_round,
    answers_for,
    breakdown_equations,
    consistent_assignments,
    derivable_cells,
    new_db,
    people,
)

from mandate_core import disclosure, metrics
from mandate_core.disclosure import MEMBERS, OFFICERS, PROTECTS_SMALL_GROUP, TOTAL, breakdown_suppression

FEWER = "fewer than 3 participants"


def _name(cell: disclosure.Cell) -> str:
    return cell[0] if cell[0] != "group" else f"group:{cell[1]}"


# --- the rule on counts ------------------------------------------------------------------------------


def test_nothing_hidden_when_every_cell_is_big_enough() -> None:
    reasons = breakdown_suppression(12, 4, 8, {"Lab": 5, "Con": 3}, 3)
    assert set(reasons.values()) == {None}


def test_one_small_group_takes_the_smallest_other_group_with_it() -> None:
    # Green (1) is small; members total is shown, so Green = members − Lab − Con unless one more
    # group is hidden: the smallest shown one, Con (3).
    reasons = breakdown_suppression(11, 3, 8, {"Lab": 4, "Con": 3, "Green": 1}, 3)
    assert reasons[("group", "Green")] == FEWER
    assert reasons[("group", "Con")] == PROTECTS_SMALL_GROUP
    assert reasons[("group", "Lab")] is None
    assert reasons[TOTAL] is None and reasons[OFFICERS] is None and reasons[MEMBERS] is None


def test_ties_are_broken_by_group_name() -> None:
    reasons = breakdown_suppression(13, 3, 10, {"Zed": 4, "Alpha": 4, "Tiny": 2}, 3)
    assert reasons[("group", "Alpha")] == PROTECTS_SMALL_GROUP
    assert reasons[("group", "Zed")] is None


def test_two_small_groups_protect_each_other() -> None:
    reasons = breakdown_suppression(12, 4, 8, {"Lab": 4, "Con": 2, "Green": 2}, 3)
    assert reasons[("group", "Con")] == FEWER and reasons[("group", "Green")] == FEWER
    assert reasons[("group", "Lab")] is None and reasons[MEMBERS] is None


def test_small_officers_hide_the_members_total_and_one_group() -> None:
    # officers = total − members, so members goes too; members = Σ groups, so one group goes too.
    reasons = breakdown_suppression(9, 2, 7, {"Lab": 3, "Con": 4}, 3)
    assert reasons[OFFICERS] == FEWER
    assert reasons[MEMBERS] == PROTECTS_SMALL_GROUP
    assert reasons[("group", "Lab")] == PROTECTS_SMALL_GROUP
    assert reasons[("group", "Con")] is None
    assert reasons[TOTAL] is None


def test_small_members_total_hides_officers() -> None:
    reasons = breakdown_suppression(6, 4, 2, {"Lab": 1, "Con": 1}, 3)
    assert reasons[MEMBERS] == FEWER and reasons[OFFICERS] == PROTECTS_SMALL_GROUP
    assert reasons[("group", "Lab")] == FEWER and reasons[("group", "Con")] == FEWER


def test_small_total_hides_everything() -> None:
    reasons = breakdown_suppression(2, 1, 1, {"Lab": 1}, 3)
    assert set(reasons.values()) == {FEWER}


def test_absent_cells_are_not_listed() -> None:
    assert breakdown_suppression(5, 5, 0, {}, 3) == {TOTAL: None, OFFICERS: None}
    reasons = breakdown_suppression(7, 0, 7, {"Lab": 5, "Con": 2}, 3)
    assert OFFICERS not in reasons
    # no officers: members = total, so Con can only be protected by hiding Lab too
    assert reasons[("group", "Lab")] == PROTECTS_SMALL_GROUP


@settings(max_examples=300, deadline=None)
@given(
    officers=st.integers(0, 6),
    groups=st.lists(st.integers(1, 7), min_size=0, max_size=5),
    m=st.integers(1, 5),
)
def test_no_hidden_cell_is_a_linear_function_of_shown_cells(officers: int, groups: list[int], m: int) -> None:
    members = sum(groups)
    total = officers + members
    if total == 0:
        return
    names = [f"G{i}" for i in range(len(groups))]
    reasons = breakdown_suppression(total, officers, members, dict(zip(names, groups, strict=True)), m)
    sizes: dict[disclosure.Cell, int] = {TOTAL: total, OFFICERS: officers, MEMBERS: members}
    sizes.update({("group", g): n for g, n in zip(names, groups, strict=True)})
    for cell, reason in reasons.items():
        if sizes[cell] < m:
            assert reason == disclosure.fewer_than(m)
        if reason is None:
            assert sizes[cell] >= m
    hidden = {_name(c) for c, r in reasons.items() if r is not None}
    assert derivable_cells(breakdown_equations(names), hidden) == set()


def test_the_checker_does_catch_a_lone_hidden_group() -> None:
    # Without complementary suppression, Green = members − Lab − Con.
    eqs = breakdown_equations(["Lab", "Con", "Green"])
    assert derivable_cells(eqs, {"group:Green"}) == {"group:Green"}
    assert derivable_cells(eqs, {"group:Green", "group:Con"}) == set()
    # officers alone: officers = total − members
    assert derivable_cells(eqs, {"officers"}) == {"officers"}


# --- the rule on real data -----------------------------------------------------------------------------


def _workshop(officer_scores: list[int], groups: dict[str, list[int]]) -> object:
    con = new_db()
    add_council(con, "D")
    add_round(con, "D", "r", "2024-04-04")
    persons = people("o", "officer", None, officer_scores)
    for grp, scores in groups.items():
        persons += people(grp, "member", grp, scores)
    add_answers(con, "D", "r", answers_for(persons, "Libraries", "communities", "now"))
    return con


def _cells(rows: list[dict]) -> dict[str, dict]:
    return {(r["cell"] if r["cell"] != "group" else f"group:{r['group']}"): r for r in rows}


def test_hidden_green_cannot_be_derived_from_the_breakdown() -> None:
    # officers 2,3,4 (sum 9); Lab 3,4,4,5 (sum 16); Con 1,2,2 (sum 5); Green 6 (one person)
    con = _workshop([2, 3, 4], {"Lab": [3, 4, 4, 5], "Con": [1, 2, 2], "Green": [6]})
    cells = _cells(metrics.group_breakdown(con, "D", "r", min_group=3))
    assert cells["group:Green"]["suppressed"] and cells["group:Green"]["reason"] == FEWER
    assert cells["group:Con"]["suppressed"] and cells["group:Con"]["reason"] == PROTECTS_SMALL_GROUP
    for key in ("group:Green", "group:Con"):
        assert cells[key]["n"] is None and cells[key]["position"] is None and cells[key]["band"] is None
    # What an onlooker sees, as (n, n × position):
    shown = {k: (c["n"], round(c["n"] * c["position"])) for k, c in cells.items() if not c["suppressed"]}
    assert shown == {"total": (11, 36), "officers": (3, 9), "members": (8, 27), "group:Lab": (4, 16)}
    # Every way the hidden pair could be: Green 1–2 people ("fewer than 3"), Con 3+ people.
    options = consistent_assignments(
        shown, {"group:Green": range(1, 3), "group:Con": range(3, 9)},
        breakdown_equations(["Lab", "Con", "Green"]),
    )
    green_positions = {o["group:Green"][1] / o["group:Green"][0] for o in options}
    # Con + Green = 4 people scoring 11; Green alone could have scored anything from 1 to 6.
    assert green_positions == {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}


def test_small_officer_group_cannot_be_derived() -> None:
    # officers 1 and 6 (two people); Lab 3,3,3; Con 4,5,5,5
    con = _workshop([1, 6], {"Lab": [3, 3, 3], "Con": [4, 5, 5, 5]})
    cells = _cells(metrics.group_breakdown(con, "D", "r", min_group=3))
    assert cells["officers"]["reason"] == FEWER
    assert cells["members"]["reason"] == PROTECTS_SMALL_GROUP
    assert cells["group:Lab"]["reason"] == PROTECTS_SMALL_GROUP
    shown = {k: (c["n"], round(c["n"] * c["position"])) for k, c in cells.items() if not c["suppressed"]}
    assert shown == {"total": (9, 35), "group:Con": (4, 19)}
    options = consistent_assignments(
        shown,
        {"officers": range(1, 3), "members": range(3, 9), "group:Lab": range(3, 9)},
        breakdown_equations(["Lab", "Con"]),
    )
    officer_positions = {o["officers"][1] / o["officers"][0] for o in options}
    assert len(officer_positions) > 1 and 3.5 in officer_positions


def test_answer_distribution_hides_the_same_cells() -> None:
    con = _workshop([2, 3, 4], {"Lab": [3, 4, 4, 5], "Con": [1, 2, 2], "Green": [6]})
    dist = _cells(metrics.answer_distribution(con, "D", "r", min_group=3))
    breakdown = _cells(metrics.group_breakdown(con, "D", "r", min_group=3))
    assert {k: v["suppressed"] for k, v in dist.items()} == {k: v["suppressed"] for k, v in breakdown.items()}
    assert dist["group:Green"]["counts"] is None and dist["group:Con"]["counts"] is None
    assert dist["group:Lab"]["counts"] == {1: 0, 2: 0, 3: 1, 4: 2, 5: 1, 6: 0}
    assert dist["total"]["counts"] == {1: 1, 2: 3, 3: 2, 4: 3, 5: 1, 6: 1}
    assert dist["officers"]["n"] == 3


def test_breakdown_rows_are_ordered_and_complete() -> None:
    con = _workshop([2, 3, 4], {"Lab": [3, 4, 4, 5], "Con": [1, 2, 2], "Green": [6]})
    rows = metrics.group_breakdown(con, "D", None, min_group=3)
    assert [(r["cell"], r["group"]) for r in rows] == [
        ("total", None), ("officers", None), ("members", None),
        ("group", "Con"), ("group", "Green"), ("group", "Lab"),
    ]
    assert [r["role"] for r in rows] == [None, "officer", "member", "member", "member", "member"]
    lab = rows[-1]
    # Lab 3+4+4+5 = 16 over 4 → 4.0, Differently
    assert (lab["n"], lab["position"], lab["band"], lab["reason"]) == (4, pytest.approx(4.0), "Differently", None)


def test_suppressed_marker_carries_no_numbers() -> None:
    marker = disclosure.Suppressed(disclosure.fewer_than(3))
    assert marker.to_json() == {"suppressed": True}
    assert marker.suppressed is True
    assert not any(isinstance(v, int | float) and not isinstance(v, bool) for v in (marker.reason,))
    with pytest.raises(AttributeError):
        marker.position  # type: ignore[attr-defined]  # noqa: B018
