"""URL parameters are untrusted: known values round-trip, anything else falls back with a note."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mandate_core import selection
from mandate_core.selection import MAX_PARAM, Selection, from_query

COUNCILS = ["aldermoor", "brackenfield", "carrow-dene"]
ROUNDS = {"aldermoor": ["2026 follow-up", "2024 baseline"], "brackenfield": ["2024 baseline"],
          "carrow-dene": ["2024 baseline"]}


def test_known_values_round_trip() -> None:
    sel = Selection(council="aldermoor", round="2024 baseline", peers="nation", horizon="now")
    back = from_query(sel.to_query(), COUNCILS, ROUNDS)
    assert (back.council, back.round, back.peers, back.horizon, back.notes) == (
        "aldermoor", "2024 baseline", "nation", "now", [])


def test_hand_picked_peers_round_trip_and_drop_the_focus_council() -> None:
    back = from_query({"council": "aldermoor", "peers": "brackenfield,aldermoor,carrow-dene"}, COUNCILS, ROUNDS)
    assert back.peers == "brackenfield,carrow-dene"
    assert back.peer_ids == ["brackenfield", "carrow-dene"]
    assert from_query(back.to_query(), COUNCILS, ROUNDS).peers == "brackenfield,carrow-dene"


def test_defaults_without_parameters() -> None:
    sel = from_query({}, COUNCILS, ROUNDS)
    assert (sel.council, sel.round, sel.peers, sel.horizon, sel.debrief, sel.notes) == (
        "aldermoor", None, "peer_group", "ambition", False, [])


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"council": "nope"}, "No council with id “nope”"),
        ({"council": "aldermoor", "round": "1999"}, "Round “1999” is not loaded"),
        ({"peers": "x,y"}, "peer set was not recognised"),
        ({"peers": "brackenfield,unknown"}, "not loaded and were left out"),
        ({"horizon": "later"}, "Horizon “later”"),
        ({"council": "a" * (MAX_PARAM + 1)}, "too long"),
        ({"debrief": "1", "slide": "0"}, "slide number is out of range"),
    ],
)
def test_bad_values_fall_back_with_a_note(params: dict[str, str], fragment: str) -> None:
    sel = from_query(params, COUNCILS, ROUNDS, n_slides=6)
    assert any(fragment in note for note in sel.notes), sel.notes
    assert sel.council in COUNCILS


def test_round_of_another_council_is_refused() -> None:
    sel = from_query({"council": "brackenfield", "round": "2026 follow-up"}, COUNCILS, ROUNDS)
    assert sel.round is None and sel.notes


def test_debrief_flag_and_slide() -> None:
    sel = from_query({"debrief": "1", "slide": "3"}, COUNCILS, ROUNDS, n_slides=6)
    assert sel.debrief and sel.slide == 3
    assert sel.to_query()["debrief"] == "1" and sel.to_query()["slide"] == "3"


def test_anonymise_is_debrief_or_a_scoped_view_and_the_look_is_debrief_alone() -> None:
    """A council user's view (scoped) is anonymised without the projector look; debrief mode is both."""
    assert not Selection().anonymise
    assert Selection(debrief=True).anonymise
    scoped = Selection(council="aldermoor", scoped=True)
    assert scoped.anonymise and not scoped.debrief
    assert Selection(council="aldermoor", scoped=True, debrief=True).anonymise


def test_the_url_can_neither_scope_nor_unscope_a_view() -> None:
    """Only mandate_core.access scopes a view: no link parameter sets it, and a link never carries it."""
    sel = from_query({"scoped": "1", "anonymise": "1", "debrief": "0"}, COUNCILS, ROUNDS)
    assert not sel.scoped and not sel.anonymise
    query = Selection(council="aldermoor", scoped=True).to_query()
    assert "debrief" not in query and not {"scoped", "anonymise"} & set(query)
    assert not from_query(query, COUNCILS, ROUNDS).anonymise


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["council", "round", "peers", "horizon", "debrief", "slide", "x"]),
                       st.one_of(st.text(max_size=600), st.lists(st.text(max_size=50), max_size=3))))
def test_any_parameters_give_a_valid_selection(params: dict[str, object]) -> None:
    sel = from_query(params, COUNCILS, ROUNDS, n_slides=6)
    assert sel.council in COUNCILS
    assert sel.round is None or sel.round in ROUNDS[sel.council]
    assert sel.horizon in ("now", "next", "ambition")
    assert sel.peers in ("peer_group", "nation", "council_type", "all") or all(
        p in COUNCILS for p in sel.peer_ids)
    assert 1 <= sel.slide <= 6
    assert not sel.scoped and sel.anonymise == sel.debrief


def test_one_rule_for_every_choice() -> None:
    """selection.choose is the check the link (from_query) and the sidebar's remembered widgets share."""
    assert selection.choose("b", ["a", "b"], "a") == "b"
    assert selection.choose("z", ["a", "b"], "a") == "a"
    assert selection.choose(None, ["a"], None) is None
    assert selection.choose(["a"], ["a"], "x") == "x"  # only a string can be a choice
    assert selection.choose("a", [], None) is None


def test_one_rule_for_hand_picked_peers() -> None:
    councils = [f"c{i}" for i in range(60)]
    assert selection.known_peers(["c2", "nope", "c1", "c2", "c0"], councils, "c0") == ["c2", "c1"]
    assert selection.known_peers(councils, councils, None) == councils[:selection.MAX_PEER_IDS]
    assert selection.known_peers([], councils, "c0") == []


def test_the_sidebar_uses_the_one_validator() -> None:
    """dashboard.py writes no membership check of its own for the council, round or peers: it calls
    selection.choose / selection.known_peers (a second, hand-written check could drift from the link's)."""
    import ast
    from pathlib import Path

    tree = ast.parse((Path(__file__).resolve().parent.parent / "dashboard.py").read_text(encoding="utf-8"))
    sidebar = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
               and n.name in ("_sidebar", "_scoped_sidebar", "_settle")]
    assert len(sidebar) == 3
    own_checks = [f"line {c.lineno}" for f in sidebar for c in ast.walk(f) if isinstance(c, ast.Compare)
                  and any(isinstance(op, ast.In | ast.NotIn) for op in c.ops)
                  and not any("state" in ast.unparse(x) for x in c.comparators)]  # "is it remembered?"
    calls = {ast.unparse(c.func) for f in sidebar for c in ast.walk(f) if isinstance(c, ast.Call)}
    assert {"selection.choose", "selection.known_peers"} <= calls
    assert own_checks == [], own_checks
