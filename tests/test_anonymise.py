"""The anonymiser maps every occurrence of another council, stably, in any script, and without order hints."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import plotly.graph_objects as go
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mandate_core import anonymise
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


def test_labels_and_anonymiser_number_peers_the_same_way() -> None:
    names = {c["council_id"]: c["name"] for c in COUNCILS}
    labels = anonymise.peer_labels(names, "elm", names, True, "same-key")
    anon = Anonymiser("elm", COUNCILS, key="same-key")
    assert {cid: labels[cid] for cid in anon.labels} == anon.labels
    assert labels["elm"] == "Elmstead Vale Council"


def test_an_empty_key_is_replaced_by_a_secret_so_the_numbering_cannot_be_recomputed() -> None:
    many = [{"council_id": f"council-{c}", "name": f"Council {c}"} for c in "abcdefghij"]
    ids = [c["council_id"] for c in many]
    public = sorted(ids[1:], key=lambda c: hashlib.sha256(f"|{c}".encode()).hexdigest())
    for key in ("", None):
        anon = Anonymiser(ids[0], many, key=key)
        assert anon.key and anon.key != ""
        assert sorted(anon.labels, key=lambda c: anon.numbers[c]) != public
        assert anon.labels == Anonymiser(ids[0], many, key=key).labels  # still one numbering per process
    assert anonymise.peer_labels(ids, ids[0], {}, True, "") == anonymise.peer_labels(ids, ids[0], {}, True)


def test_ids_and_names_are_replaced_as_words_and_a_hyphen_does_not_hide_them() -> None:
    anon = Anonymiser("aldermoor", COUNCILS, key="k")
    peer, brack = anon.label("elm"), anon.label("brackenfield")
    assert anon.text("elm; ELM and elmwood and elm-street") == f"{peer}; {peer} and elmwood and {peer}-street"
    assert anon.text("brackenfield-2024 baseline") == f"{brack}-2024 baseline"
    assert anon.text("round_brackenfield_2") == f"round_{brack}_2"
    assert anon.text("carrow-dene and carrow") == f"{anon.label('carrow-dene')} and carrow"


def test_turkish_dotted_and_dotless_i_next_to_a_name_do_not_break_it() -> None:
    """A note with İ or ı next to a name used to raise KeyError: .lower() changes the string's length."""
    councils = [{"council_id": "home", "name": "Home Council"}, {"council_id": "ilford", "name": "Ilford Council"}]
    anon = Anonymiser("home", councils, key="k")
    p = anon.label("ilford")
    assert anon.text("İlford Council said İ") == f"{p} said İ"
    assert anon.text("ılford council, İİİ ilford") == f"{p}, İİİ {p}"
    assert anon.text("İ İlford Council İ") == f"İ {p} İ"
    dotted = Anonymiser("home", [councils[0], {"council_id": "ilf", "name": "İlford Council"}], key="k")
    q = dotted.label("ilf")
    assert dotted.text("ilford council and ILFORD COUNCIL and İlford Council") == f"{q} and {q} and {q}"


def test_case_folding_accents_and_decomposed_text_are_matched() -> None:
    councils = [{"council_id": "home", "name": "Home"}, {"council_id": "gross", "name": "Großbridge Council"},
                {"council_id": "ynys", "name": "Cyngor Ynys Môn"}]
    anon = Anonymiser("home", councils, key="k")
    g, y = anon.label("gross"), anon.label("ynys")
    assert anon.text("GROSSBRIDGE COUNCIL") == g
    assert anon.text("großbridge council!") == f"{g}!"
    assert anon.text(unicodedata.normalize("NFD", "Cyngor Ynys Môn, again")) == f"{y}, again"
    assert anon.text("cyngor ynys mon") == y


def test_the_focus_councils_own_name_is_kept_even_when_a_peer_name_is_inside_it() -> None:
    councils = [{"council_id": "bf-district", "name": "Brackenfield District Council"},
                {"council_id": "bf", "name": "Brackenfield"}]
    anon = Anonymiser("bf-district", councils, key="k")
    assert anon.text("Brackenfield District Council and Brackenfield") == (
        f"Brackenfield District Council and {anon.label('bf')}")


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


def test_rows_replace_ids_names_rounds_descriptors_and_free_text_cells() -> None:
    anon = Anonymiser("aldermoor", COUNCILS, key="k")
    rows = anon.rows([
        {"council_id": "aldermoor", "name": "Aldermoor Borough Council", "round": "2024 baseline", "value": 4.2},
        {"council_id": "dunmere", "name": "Dunmere District Council", "value": 3.1, "round": "dunmere 2024",
         "nation": "Wales", "workshop_date": "2024-01-02", "comment": "like Brackenfield District Council did"},
    ])
    assert rows[0] == {"council_id": "aldermoor", "name": "Aldermoor Borough Council", "round": "2024 baseline",
                       "value": 4.2}
    p = anon.label("dunmere")
    assert rows[1] == {"council_id": p, "name": p, "value": 3.1, "round": None, "nation": None,
                       "workshop_date": None, "comment": f"like {anon.label('brackenfield')} did"}
    assert anon.leaks(rows) == []
    assert anon.rows(rows) == rows  # anonymising twice changes nothing


def test_rows_come_in_peer_number_order_never_in_name_order() -> None:
    anon = Anonymiser("aldermoor", COUNCILS, key="k")
    by_name = sorted(COUNCILS, key=lambda c: c["name"])
    rows = [{"council_id": c["council_id"], "name": c["name"], "theme": t} for c in by_name for t in ("a", "b")]
    out = anon.rows(rows)
    assert out[0]["council_id"] == out[1]["council_id"] == "aldermoor"
    numbers = [int(r["name"].split()[1]) for r in out[2:]]
    assert numbers == sorted(numbers) and [r["theme"] for r in out[2:4]] == ["a", "b"]
    # Tables that name councils in a "council" column only (already labelled, or not) sort the same way.
    labelled = [{"council": anon.label(c["council_id"]) if c["council_id"] != "aldermoor" else c["name"],
                 "round": "r"} for c in reversed(by_name)]
    out = anon.rows(labelled)
    assert [r["council"] for r in out] == ["Aldermoor Borough Council", "Peer 1", "Peer 2", "Peer 3", "Peer 4"]
    assert all(r["round"] is None for r in out[1:]) and out[0]["round"] == "r"
    named = anon.rows([{"council": c["name"]} for c in by_name])
    assert [r["council"] for r in named] == ["Aldermoor Borough Council", "Peer 1", "Peer 2", "Peer 3", "Peer 4"]
    assert anon.rows(rows, order=False)[0]["council_id"] == anon.label(by_name[0]["council_id"])


def test_no_peers_means_nothing_to_replace() -> None:
    anon = Anonymiser("aldermoor", COUNCILS[:1])
    assert anon.labels == {} and anon.text("Aldermoor") == "Aldermoor" and anon.leaks(["x"]) == []


def test_hundreds_of_councils_stay_fast() -> None:
    many = [{"council_id": f"c{i:04d}", "name": f"Council Number {i} of the Shire"} for i in range(800)]
    anon = Anonymiser("c0000", many, key="k")
    text = "A long hover text that names no council at all, again and again. " * 50
    import time

    start = time.perf_counter()
    for _ in range(200):
        assert anon.text(text) == text
    assert time.perf_counter() - start < 2.0
    assert anon.text("Council Number 17 of the Shire, c0018") == f"{anon.label('c0017')}, {anon.label('c0018')}"


# --- property: any text around a name, in any case and script --------------------------------------------

PROPERTY_COUNCILS = [
    {"council_id": "home", "name": "Home Council"},
    {"council_id": "ilford", "name": "Ilford Council"},
    {"council_id": "istanbul-ist", "name": "İstanbul Büyükşehir"},
    {"council_id": "gross", "name": "Großbridge"},
]
_ANON = Anonymiser("home", PROPERTY_COUNCILS, key="prop")
_SEPARATORS = st.sampled_from([" ", ", ", " (", ") ", " — ", "\n", ": ", "-", "'", "\u00a0"])


def _variant(draw: st.DrawFn, text: str) -> str:
    """The same name as someone might type it: any mix of case, with Turkish i's swapped in."""
    out = []
    for ch in text:
        choice = draw(st.sampled_from(["same", "upper", "lower"]))
        c = ch.upper() if choice == "upper" else ch.lower() if choice == "lower" else ch
        if c in "Ii" and draw(st.booleans()):
            c = "İ" if c == "I" else "ı"
        if c == "ß" and draw(st.booleans()):
            c = "SS"
        out.append(c)
    return "".join(out)


@st.composite
def _note(draw: st.DrawFn) -> tuple[str, str, str, str]:
    council = draw(st.sampled_from(PROPERTY_COUNCILS[1:]))
    secret = draw(st.sampled_from([council["name"], council["council_id"]]))
    before = draw(st.text(max_size=20)) + draw(_SEPARATORS)
    after = draw(_SEPARATORS) + draw(st.text(max_size=20))
    return before, _variant(draw, secret), after, str(council["council_id"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_note())
def test_any_unicode_text_around_a_peer_name_never_breaks_and_never_leaks(note: tuple[str, str, str, str]) -> None:
    before, name, after, cid = note
    text = before + name + after
    out = _ANON.text(text)
    assert _ANON.leaks(out) == [], (text, out)
    assert _ANON.label(cid) in out
    # Only the name is replaced: the separators keep it a word of its own, and the rest is kept as written.
    if not _ANON.leaks(before) and not _ANON.leaks(after):
        assert out == before + _ANON.label(cid) + after, (text, out)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_at_all_comes_back_without_an_error(text: str) -> None:
    out = _ANON.text(text)
    assert isinstance(out, str) and _ANON.leaks(out) == []
    if not _ANON.leaks(text):
        assert out == text


def test_a_short_or_numeric_id_is_not_hunted_in_text_but_its_rows_are_relabelled() -> None:
    councils = [{"council_id": "home", "name": "Home"}, {"council_id": "12", "name": "Twelve Council"},
                {"council_id": "ab", "name": "Ab Council"}]
    anon = Anonymiser("home", councils, key="k")
    assert anon.text("Now 12.1, ab 2") == "Now 12.1, ab 2"
    assert anon.text("twelve council") == anon.label("12")
    assert anon.rows([{"council_id": "12", "name": "Twelve Council"}]) == [
        {"council_id": anon.label("12"), "name": anon.label("12")}]


def test_a_peer_with_the_focus_councils_own_name_does_not_rename_the_focus() -> None:
    councils = [{"council_id": "newport-w", "name": "Newport"}, {"council_id": "newport-e", "name": "Newport"}]
    anon = Anonymiser("newport-w", councils, key="k")
    assert anon.text("Newport and newport-e") == f"Newport and {anon.label('newport-e')}"


def test_a_peer_id_that_is_also_a_plotly_word_does_not_break_the_figure() -> None:
    councils = [{"council_id": "home", "name": "Home"}, {"council_id": "circle", "name": "Circle Council"},
                {"council_id": "lines", "name": "Lines Council"}, {"council_id": "data", "name": "Data Council"}]
    anon = Anonymiser("home", councils, key="k")
    fig = go.Figure(go.Scatter(x=[1], y=[1], mode="lines", marker={"symbol": "circle-open"},
                               text=["circle"], name="Lines Council"))
    out = anon.figure(fig)
    assert out.data[0].text == (anon.label("circle"),) and out.data[0].name == anon.label("lines")
    assert anon.leaks(json.loads(out.to_json())["data"][0]["text"]) == []


def test_a_name_broken_over_lines_or_spaced_out_is_still_found() -> None:
    anon = Anonymiser("aldermoor", COUNCILS, key="k")
    p = anon.label("carrow-dene")
    assert anon.text("see Carrow\nDene  Council\tnow") == f"see {p}\tnow"
    assert anon.text("Carrow\u00a0Dene\u2003Council") == p
