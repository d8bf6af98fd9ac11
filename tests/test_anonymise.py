"""The debrief anonymiser maps every occurrence of another council, stably and without order hints."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from mandate_core.anonymise import Anonymiser

COUNCILS = [
    {"council_id": "aldermoor", "name": "Aldermoor Borough Council"},
    {"council_id": "brackenfield", "name": "Brackenfield District Council"},
    {"council_id": "carrow-dene", "name": "Carrow Dene Council"},
    {"council_id": "dunmere", "name": "Dunmere District Council"},
    {"council_id": "elm", "name": "Elmstead Vale Council"},
]


def test_focus_keeps_its_name_and_every_other_council_gets_a_peer_number() -> None:
    anon = Anonymiser("brackenfield", COUNCILS, key="k")
    assert sorted(anon.labels.values()) == ["Peer 1", "Peer 2", "Peer 3", "Peer 4"]
    assert "brackenfield" not in anon.labels
    assert anon.text("Brackenfield District Council vs Dunmere District Council") == (
        f"Brackenfield District Council vs {anon.label('dunmere')}")


def test_numbering_is_stable_for_a_key_and_not_alphabetical() -> None:
    a, b = Anonymiser("aldermoor", COUNCILS, key="debrief-1"), Anonymiser("aldermoor", COUNCILS, key="debrief-1")
    assert a.labels == b.labels
    orders = set()
    for key in ("k1", "k2", "k3", "k4", "k5", "k6"):
        labels = Anonymiser("aldermoor", COUNCILS, key=key).labels
        orders.add(tuple(sorted(labels, key=lambda cid: labels[cid])))
    assert len(orders) > 1, "the numbering must depend on the key, not on names"


def test_ids_are_replaced_as_whole_words_only() -> None:
    anon = Anonymiser("aldermoor", COUNCILS, key="k")
    peer = anon.label("elm")
    assert anon.text("elm; ELM and elmwood and elm-street") == f"{peer}; {peer} and elmwood and elm-street"


def test_figure_labels_customdata_hover_and_annotations_are_anonymised() -> None:
    anon = Anonymiser("aldermoor", COUNCILS, key="k")
    fig = go.Figure(go.Scatter(
        x=[1, 2, 3], y=["Aldermoor Borough Council", "Carrow Dene Council", "dunmere"],
        customdata=[["aldermoor"], ["carrow-dene"], ["Dunmere District Council"]],
        hovertemplate="%{y} (%{customdata[0]})<extra>Brackenfield District Council</extra>",
        text=["a", "carrow-dene", "c"], name="Elmstead Vale Council",
    ))
    fig.update_layout(title="Dunmere District Council is ahead",
                      annotations=[{"text": "brackenfield", "x": 1, "y": 1}],
                      yaxis={"ticktext": ["Carrow Dene Council"], "tickvals": [1]})
    out = anon.figure(fig)
    dumped = json.loads(out.to_json())
    assert anon.leaks(dumped) == []
    assert "Aldermoor Borough Council" in out.to_json()
    assert anon.label("carrow-dene") in dumped["data"][0]["y"]
    assert dumped["data"][0]["customdata"][1] == [anon.label("carrow-dene")]
    assert anon.leaks(json.loads(fig.to_json()))  # the original did leak: the check can fail


def test_rows_replace_ids_names_and_free_text_cells() -> None:
    anon = Anonymiser("aldermoor", COUNCILS, key="k")
    rows = anon.rows([
        {"council_id": "aldermoor", "name": "Aldermoor Borough Council", "value": 4.2},
        {"council_id": "dunmere", "name": "Dunmere District Council", "value": 3.1,
         "note": "like Brackenfield District Council did"},
    ])
    assert rows[0] == {"council_id": "aldermoor", "name": "Aldermoor Borough Council", "value": 4.2}
    assert rows[1]["council_id"] == rows[1]["name"] == anon.label("dunmere")
    assert rows[1]["note"] == f"like {anon.label('brackenfield')} did"
    assert anon.leaks(rows) == []


def test_no_peers_means_nothing_to_replace() -> None:
    anon = Anonymiser("aldermoor", COUNCILS[:1])
    assert anon.labels == {} and anon.text("Aldermoor") == "Aldermoor" and anon.leaks(["x"]) == []
