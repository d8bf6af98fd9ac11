"""Primary and complementary suppression: a small group can neither be read nor worked out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_fixtures import _rank as rank_of
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
from mandate_core.disclosure import HIDDEN, OFFICERS, TOTAL, breakdown_suppression


def _name(cell: disclosure.Cell) -> str:
    return cell[0] if cell[0] != "group" else f"group:{cell[1]}"


def _hidden(reasons: dict) -> set[str]:
    return {_name(c) for c, r in reasons.items() if r is not None}


# --- the rule on counts (rule 2 of docs/disclosure.md) ---------------------------------------------------


def test_nothing_hidden_when_every_cell_is_big_enough() -> None:
    reasons = breakdown_suppression(12, 4, 8, {"Lab": 5, "Con": 3}, 3)
    assert set(reasons.values()) == {None}


def test_one_small_group_takes_the_smallest_other_group_with_it() -> None:
    # Green (1) is small; members total is shown, so the hidden groups together must hold 3:
    # Green + the smallest shown group, Con (3) → 4.
    reasons = breakdown_suppression(11, 3, 8, {"Lab": 4, "Con": 3, "Green": 1}, 3)
    assert _hidden(reasons) == {"group:Green", "group:Con"}
    assert reasons[("group", "Green")] == reasons[("group", "Con")] == HIDDEN


def test_ties_are_broken_by_group_name() -> None:
    reasons = breakdown_suppression(13, 3, 10, {"Zed": 4, "Alpha": 4, "Tiny": 2}, 3)
    assert _hidden(reasons) == {"group:Tiny", "group:Alpha"}


def test_two_small_groups_that_together_reach_the_threshold_protect_each_other() -> None:
    reasons = breakdown_suppression(12, 4, 8, {"Lab": 4, "Con": 2, "Green": 2}, 3)
    assert _hidden(reasons) == {"group:Con", "group:Green"}  # 2 + 2 = 4 ≥ 3


def test_two_one_member_groups_take_a_third_group_with_them() -> None:
    # Rule 2c of docs/disclosure.md: members total and Lab shown would give away the two councillors' combined
    # answers (1 + 1 = 2 < 3), so the smallest shown group (Lab, 4) is hidden too: 1 + 1 + 4 = 6.
    reasons = breakdown_suppression(14, 3, 11, {"Lab": 4, "Con": 1, "Green": 1, "SNP": 5}, 3)
    assert _hidden(reasons) == {"group:Con", "group:Green", "group:Lab"}


def test_small_officers_hide_the_members_total_and_one_group() -> None:
    # officers = total − members, so members goes too; then total − shown groups = officers + hidden
    # groups, which must hold 3: 2 officers + Lab (3) = 5.
    reasons = breakdown_suppression(9, 2, 7, {"Lab": 3, "Con": 4}, 3)
    assert _hidden(reasons) == {"officers", "members", "group:Lab"}


def test_one_officer_and_a_one_member_group_take_the_next_group() -> None:
    # officers (1) + A (1) = 2 < 3, so the smallest shown group B (5) goes too: 1 + 1 + 5 = 7.
    reasons = breakdown_suppression(13, 1, 12, {"A": 1, "B": 5, "C": 6}, 3)
    assert _hidden(reasons) == {"officers", "members", "group:A", "group:B"}


def test_small_members_total_hides_officers() -> None:
    reasons = breakdown_suppression(6, 4, 2, {"Lab": 1, "Con": 1}, 3)
    assert _hidden(reasons) == {"officers", "members", "group:Lab", "group:Con"}


def test_small_total_hides_everything() -> None:
    reasons = breakdown_suppression(2, 1, 1, {"Lab": 1}, 3)
    assert set(reasons.values()) == {HIDDEN}


def test_absent_cells_are_not_listed() -> None:
    assert breakdown_suppression(5, 5, 0, {}, 3) == {TOTAL: None, OFFICERS: None}
    reasons = breakdown_suppression(7, 0, 7, {"Lab": 5, "Con": 2}, 3)
    assert OFFICERS not in reasons
    # no officers: members = total, so Con can only be protected by hiding Lab too
    assert _hidden(reasons) == {"group:Lab", "group:Con"}


def test_one_reason_for_every_hidden_cell() -> None:
    """Rule 5: the primary-hidden cell and its partner carry the same words."""
    for args in [(11, 3, 8, {"Lab": 4, "Con": 3, "Green": 1}), (9, 2, 7, {"Lab": 3, "Con": 4}),
                 (2, 1, 1, {"Lab": 1})]:
        reasons = breakdown_suppression(*args, 3)
        assert {r for r in reasons.values() if r is not None} == {HIDDEN}
    assert "fewer" not in HIDDEN and "3" not in HIDDEN


def _determined_combinations(sizes: dict[str, int], groups: list[str], hidden: set[str]) -> list[set[str]]:
    """Every non-empty set of hidden leaf cells whose combined answers follow from the shown cells.

    Leaves are the officers and each group; every cell is a set of leaves (total = all, members = the
    groups).  A shown cell publishes the sum over its leaves, so the combinations an onlooker can work
    out are the 0/1 vectors over the hidden leaves in the span of the shown cells' indicator vectors.
    """
    from fractions import Fraction
    from itertools import combinations

    leaves = ([("officers")] if sizes.get("officers") else []) + [f"group:{g}" for g in groups]
    cells = {"total": set(leaves), "officers": {"officers"} if "officers" in leaves else set(),
             "members": {f"group:{g}" for g in groups}}
    cells.update({f"group:{g}": {f"group:{g}"} for g in groups})
    hidden_leaves = sorted(x for x in leaves if x in hidden)
    rows = [[Fraction(int(x in cells[c])) for x in hidden_leaves]
            for c in cells if c not in hidden and cells[c]]
    rows = [r for r in rows if any(r)]
    base = rank_of(rows) if rows else 0
    out = []
    for k in range(1, len(hidden_leaves) + 1):
        for combo in combinations(hidden_leaves, k):
            vec = [Fraction(int(x in combo)) for x in hidden_leaves]
            if rank_of([*rows, vec]) == base:
                out.append(set(combo))
    return out


@settings(max_examples=400, deadline=None)
@given(
    officers=st.integers(0, 6),
    groups=st.lists(st.integers(1, 7), min_size=0, max_size=5),
    m=st.integers(1, 5),
)
def test_every_combination_an_onlooker_can_work_out_covers_min_group(
    officers: int, groups: list[int], m: int
) -> None:
    members = sum(groups)
    total = officers + members
    if total == 0:
        return
    names = [f"G{i}" for i in range(len(groups))]
    reasons = breakdown_suppression(total, officers, members, dict(zip(names, groups, strict=True)), m)
    sizes = {"total": total, "officers": officers, "members": members}
    sizes.update({f"group:{g}": n for g, n in zip(names, groups, strict=True)})
    for cell, reason in reasons.items():
        if sizes[_name(cell)] < m:
            assert reason == HIDDEN
    hidden = _hidden(reasons)
    for combo in _determined_combinations(sizes, names, hidden):
        assert sum(sizes[c] for c in combo) >= m, (combo, sizes, hidden)
    # and no single hidden cell is a linear function of the shown ones
    assert derivable_cells(breakdown_equations(names), hidden) == set() or total < m


def test_the_checker_does_catch_a_pair_of_one_member_groups() -> None:
    # The old rule (hide two groups) left Con + Green = members − Lab − SNP: 2 people.
    sizes = {"total": 14, "officers": 3, "members": 11, "group:Lab": 4, "group:Con": 1,
             "group:Green": 1, "group:SNP": 5}
    combos = _determined_combinations(sizes, ["Lab", "Con", "Green", "SNP"], {"group:Con", "group:Green"})
    assert {"group:Con", "group:Green"} in combos


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
    assert cells["group:Green"]["suppressed"] and cells["group:Green"]["reason"] == HIDDEN
    assert cells["group:Con"]["suppressed"] and cells["group:Con"]["reason"] == HIDDEN
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
    assert cells["officers"]["reason"] == cells["members"]["reason"] == cells["group:Lab"]["reason"] == HIDDEN
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
    marker = disclosure.Suppressed()
    assert marker.to_json() == {"suppressed": True}
    assert marker.suppressed is True
    assert not any(isinstance(v, int | float) and not isinstance(v, bool) for v in (marker.reason,))
    with pytest.raises(AttributeError):
        marker.position  # type: ignore[attr-defined]  # noqa: B018


# --- the threshold: disclosure's own configuration, resolved once at the edge ---------------------------


def test_the_threshold_is_the_argument_else_the_setting_else_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(disclosure.ENV_MIN_GROUP, raising=False)
    assert disclosure.configured_min_group() == 3
    assert disclosure.configured_min_group(7) == 7
    assert disclosure.configured_min_group(0) == 1  # never below one person
    monkeypatch.setenv(disclosure.ENV_MIN_GROUP, " 10 ")
    assert disclosure.configured_min_group() == 10
    assert disclosure.configured_min_group(4) == 4  # an explicit value wins over the setting
    monkeypatch.setenv(disclosure.ENV_MIN_GROUP, "-2")
    assert disclosure.configured_min_group() == 1
    monkeypatch.setenv(disclosure.ENV_MIN_GROUP, "")
    assert disclosure.configured_min_group() == 3


def test_a_setting_that_is_not_a_whole_number_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(disclosure.ENV_MIN_GROUP, "three")
    with pytest.raises(disclosure.ThresholdError, match="MANDATE_MIN_GROUP must be a whole number, not 'three'"):
        disclosure.configured_min_group()


def test_the_command_line_reports_a_bad_setting_and_exits_1(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from mandate_core import cli, demo

    db = tmp_path / "m.duckdb"
    demo.build_database(db)
    monkeypatch.setenv(disclosure.ENV_MIN_GROUP, "lots")
    assert cli.main(["report", "--db", str(db), "--council", "aldermoor", "--json"]) == 1
    assert capsys.readouterr().err == "error: MANDATE_MIN_GROUP must be a whole number, not 'lots'\n"


def test_the_command_line_passes_the_setting_down(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from mandate_core import cli, demo

    db = tmp_path / "m.duckdb"
    demo.build_database(db)
    monkeypatch.setenv(disclosure.ENV_MIN_GROUP, "999")
    assert cli.main(["report", "--db", str(db), "--council", "aldermoor", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["min_group_size"] == 999 and doc["overall"]["now"] == {"suppressed": True}


def test_the_store_no_longer_resolves_the_threshold() -> None:
    from mandate_core import storage

    assert not hasattr(storage, "min_group_size") and not hasattr(storage, "ENV_MIN_GROUP")


def _core_functions() -> list[tuple[str, object]]:
    import importlib
    import inspect
    import pkgutil

    import mandate_core

    out: list[tuple[str, object]] = []
    for info in pkgutil.walk_packages(mandate_core.__path__, "mandate_core."):
        if info.name == "mandate_core.__main__":  # runs the command line when imported
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                out += [(f"{info.name}.{name}.{m}", f) for m, f in vars(obj).items() if inspect.isfunction(f)]
            elif inspect.isfunction(obj) and obj.__module__ == module.__name__:
                out.append((f"{info.name}.{name}", obj))
    return out


def test_no_core_function_gives_the_threshold_a_default() -> None:
    """The threshold is resolved once at the edge (cli, the app's page context) and passed down: a default
    (None meaning "read the setting", or a silent 3) would let a caller forget it and get another one."""
    import inspect

    seen, defaulted = 0, []
    for name, func in _core_functions():
        for param in inspect.signature(func).parameters.values():  # type: ignore[arg-type]
            if param.name in ("min_group", "min_group_size"):
                seen += 1
                if param.default is not inspect.Parameter.empty:
                    defaulted.append(f"{name}({param.name}={param.default!r})")
    assert defaulted == []
    assert seen >= 40  # the scan does see the core's functions (about 50 take the threshold)


def test_no_chart_builder_reads_the_threshold_from_the_report() -> None:
    from pathlib import Path

    charts = Path(disclosure.__file__).parent / "charts"
    offenders = [f"{p.name}:{n}" for p in sorted(charts.glob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if "min_group_size" in line and ".get(" in line]
    assert offenders == []


def test_the_sql_predicate_is_the_same_rule_as_python() -> None:
    """The database marks shown slices with the rule Python applies (n >= min_group, the threshold bound)."""
    import duckdb

    from mandate_core.disclosure import disclosable_sql, is_disclosable

    assert disclosable_sql("th_n") == "th_n >= ?"
    con = duckdb.connect()
    for n in range(0, 7):
        for m in (1, 3, 5):
            (got,) = con.execute(f"SELECT {disclosable_sql('n')} FROM (SELECT ?::INTEGER AS n)", [m, n]).fetchone()
            assert got is is_disclosable(n, m), (n, m)
    with pytest.raises(ValueError, match="not a column name"):
        disclosable_sql("n; DROP TABLE answers")
