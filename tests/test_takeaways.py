"""Takeaway sentences and plain-words helpers, from hand-made core results."""

from __future__ import annotations

import pytest

from mandate_core import findings
from mandate_core.panels import reading

HIDDEN = {"suppressed": True}


def sl(position: float, band: str | None = None, *, n: int = 10, risk: float | None = None,
       consensus: float = 0.6) -> dict:
    from mandate_core.domain import band_of

    return {"n": n, "position": position, "band": band or band_of(position), "risk": risk,
            "consensus": consensus}


def council(cid: str, now: dict, amb: dict, nxt: dict | None = None) -> dict:
    return {"council_id": cid, "name": cid.title(), "now": now, "next": nxt or now, "ambition": amb,
            "gap": None}


# --- words ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "word"), [
    (0.7, "high"), (0.95, "high"), (0.6996, "high"),  # 0.6996 is printed 0.70, so it must read high
    (0.69, "moderate"), (0.5, "moderate"), (0.4951, "moderate"),  # printed 0.50
    (0.4949, "low"), (0.1, "low"),
])
def test_consensus_level_thresholds(value: float, word: str) -> None:
    assert findings.common.consensus_level(value) == word


def test_consensus_thresholds_are_named_constants() -> None:
    assert findings.common.CONSENSUS_HIGH == 0.7
    assert findings.common.CONSENSUS_LOW == 0.5
    assert findings.common.consensus_level(0.49) == "low"
    assert findings.council.consensus_sentence(0.6234) == "0.62 (moderate)"


@pytest.mark.parametrize(("value", "word"), [
    (1.0, "closely aligned"), (0.8, "closely aligned"), (0.79, "partly aligned"), (0.6, "partly aligned"),
    (0.59, "divided"), (0.2, "divided"),
])
def test_alignment_level(value: float, word: str) -> None:
    assert findings.common.alignment_level(value) == word


def test_level_words_run_low_to_high_on_the_printed_value() -> None:
    words = ("low", "middle", "top")
    assert findings.common._level(0.3949, 0.4, 0.6, words) == "low"  # printed 0.39
    assert findings.common._level(0.3951, 0.4, 0.6, words) == "middle"  # printed 0.40: the lower edge is in
    assert findings.common._level(0.5949, 0.4, 0.6, words) == "middle"  # printed 0.59
    assert findings.common._level(0.5951, 0.4, 0.6, words) == "top"  # printed 0.60


@pytest.mark.parametrize(("gap", "words"), [
    (0.8, "members further by 0.8"), (0.3, "members further by 0.3"), (0.26, "members further by 0.3"),
    (0.24, "about level"), (-0.2, "about level"), (-0.5, "officers further by 0.5"),
])
def test_gap_words_follow_the_printed_value(gap: float, words: str) -> None:
    assert findings.common.gap_words(gap) == words


def test_quoted_shortens_long_labels() -> None:
    assert findings.common.quoted("Net zero") == "“Net zero”"
    long = findings.common.quoted("x" * 100, 20)
    assert long.endswith("…”") and len(long) == 22


def test_anonymise_keeps_focus_and_numbers_others_stably() -> None:
    ids = ["alpha", "bravo", "charlie", "delta"]
    labels = findings.common.debrief_labels(ids, "bravo", "Bravo Council")
    assert labels["bravo"] == "Bravo Council"
    assert sorted(labels[i] for i in ids if i != "bravo") == ["Peer 1", "Peer 2", "Peer 3"]
    # same numbers whatever the order the ids come in
    assert findings.common.debrief_labels(list(reversed(ids)), "bravo", "Bravo Council") == labels
    # no peer label is derived from a name
    assert all("alpha" not in v and "charlie" not in v and "delta" not in v for v in labels.values())


# --- Overview ---------------------------------------------------------------------------------------------


def test_band_counts_skip_suppressed() -> None:
    rows = [council("a", sl(2.0), sl(4.6)), council("b", sl(3.0), sl(4.0)), council("c", sl(2.0), sl(5.5)),
            council("d", HIDDEN, HIDDEN)]
    assert findings.overview.band_counts(rows, "ambition") == {"Better": 0, "Differently": 1, "New": 2}
    assert findings.overview.band_counts(rows, "now") == {"Better": 2, "Differently": 1, "New": 0}


def test_overview_takeaway_new_leads() -> None:
    rows = [council("a", sl(2.0), sl(4.6)), council("b", sl(3.0), sl(4.0)), council("c", sl(4.7), sl(5.5))]
    assert findings.overview.overview_takeaway(rows) == "2 of 3 councils aim for New in five years, up from 1 there now"


def test_overview_takeaway_differently_leads_mentions_new() -> None:
    rows = [council("a", sl(2.0), sl(3.6)), council("b", sl(3.0), sl(4.0)), council("c", sl(2.0), sl(5.0))]
    assert (
        findings.overview.overview_takeaway(rows) == "2 of 3 councils aim for Differently in five years; 1 aims for New"
    )


def test_overview_takeaway_all_and_none() -> None:
    one = [council("a", sl(2.0), sl(3.0))]
    assert findings.overview.overview_takeaway(one) == "The one council shown aims for Differently in five years"
    both = [council("a", sl(2.0), sl(3.0)), council("b", sl(2.0), sl(4.0))]
    assert findings.overview.overview_takeaway(both) == "All 2 councils aim for Differently in five years"
    assert findings.overview.overview_takeaway([council("a", HIDDEN, HIDDEN)]).startswith("No council")


def test_suppressed_councils_text() -> None:
    assert findings.common.suppressed_councils_text(["Peer 2", "Peer 7"], 3) == \
        "Not shown (3+ participants needed, to protect anonymity): Peer 2, Peer 7"


# --- Council ----------------------------------------------------------------------------------------------


def test_overall_sentence_moves_between_bands() -> None:
    overall = {"now": sl(2.1), "next": sl(3.4), "ambition": sl(4.7)}
    assert findings.council.overall_sentence(overall, 3) == (
        "Overall the council wants to move from Better (2.1) now to New (4.7) in five years, "
        "via Differently (3.4) as the next step.")


def test_overall_sentence_within_one_band_and_backwards_and_hidden() -> None:
    assert findings.council.overall_sentence({"now": sl(2.6), "next": HIDDEN, "ambition": sl(4.2)}, 3) == (
        "Overall the council wants to go further within Differently: from 2.6 now to 4.2 in five years.")
    back = findings.council.overall_sentence({"now": sl(3.4), "next": sl(3.3), "ambition": sl(3.1)}, 3)
    assert back.startswith("Overall the council's ambition, Differently (3.1), sits below")
    assert "not shown" in findings.council.overall_sentence({"now": HIDDEN, "next": HIDDEN, "ambition": sl(4.0)}, 3)


def test_risk_sentence_uses_orange_book_words() -> None:
    overall = {"now": sl(2.0, risk=2.1), "ambition": sl(4.0, risk=3.7)}
    assert (
        findings.council.risk_sentence(overall, 3)
        == "Risk appetite rises from Minimal (2.1) now to Open (3.7) for the ambition."
    )
    same = {"now": sl(2.0, risk=2.9), "ambition": sl(4.0, risk=3.2)}
    assert findings.council.risk_sentence(same, 3) == "Risk appetite stays Cautious: 2.9 now, 3.2 for the ambition."
    assert findings.common.risk_words(2.46) == "Cautious (2.5)"
    none = {"now": sl(2.0), "ambition": sl(4.0)}
    assert findings.council.risk_sentence(none, 3) == (
        "Risk appetite is not shown: it needs a theme where at least 3 participants gave a risk score.")


def _theme(name: str, now: float, amb: float, **extra: dict) -> dict:
    t = {"theme": name, "sector_theme": "economy", "now": sl(now), "next": sl((now + amb) / 2),
         "ambition": sl(amb), "gap": amb - now}
    t.update(extra)
    return t


def test_council_themes_takeaway() -> None:
    report = {"themes": [_theme("Jobs", 2.0, 4.8), _theme("Care", 3.0, 4.0), _theme("Net zero", 2.0, 5.0)]}
    assert findings.council.council_themes_takeaway(report) == \
        "2 of 3 themes aim for New in five years; the biggest leap is “Net zero” (+3.0)"
    none = {"themes": [_theme("Care", 3.0, 4.0)]}
    assert (
        findings.council.council_themes_takeaway(none)
        == "No theme aims for New in five years; the biggest leap is “Care” (+1.0)"
    )


def test_consensus_takeaway_names_the_lowest() -> None:
    report = {"themes": [
        {"theme": "A", "ambition": sl(4, consensus=0.8)},
        {"theme": "B", "ambition": sl(4, consensus=0.42)},
        {"theme": "C", "ambition": sl(4, consensus=0.6)},
        {"theme": "D", "ambition": HIDDEN},
    ]}
    assert (
        findings.council.consensus_takeaway(report, "ambition")
        == "Agreement is high on 1 of 3 themes; lowest on “B” (0.42, low)"
    )


# --- Alignment --------------------------------------------------------------------------------------------


def _gaps(*values: float | None) -> list[dict]:
    return [{"theme": f"T{i}", "officer_member_gap": {"ambition": v}, "cross_party_alignment": {"ambition": None}}
            for i, v in enumerate(values)]


def test_officer_member_takeaway_counts_themes() -> None:
    assert findings.alignment.officer_member_takeaway(_gaps(0.5, 0.9, 1.2, 0.4, -0.6), "ambition", 3) == \
        "Members want to go further than officers on 4 of 5 themes"
    assert findings.alignment.officer_member_takeaway(_gaps(-0.5, -0.9, 0.1, None), "ambition", 3) == \
        "Officers want to go further than members on 2 of 3 themes"
    assert findings.alignment.officer_member_takeaway(_gaps(0.1, -0.2), "ambition", 3) == \
        "Officers and members are about level on all 2 themes"
    assert findings.alignment.officer_member_takeaway(_gaps(0.8, -0.5, 0.0), "ambition", 3) == \
        "Split: members go further on 1 of 3 themes, officers on 1, level on 1"
    assert "not shown" in findings.alignment.officer_member_takeaway(_gaps(None, None), "ambition", 3)
    # mostly level: say so first rather than "members further on 1 of 6"
    assert findings.alignment.officer_member_takeaway(_gaps(0.1, -0.1, 0.1, -0.2, 0.5, 0.0), "ambition", 3) == \
        "Officers and members are about level on 5 of 6 themes; members go further on 1"
    assert findings.alignment.officer_member_takeaway(_gaps(0.1, -0.1, 0.1, 0.6, -0.5), "ambition", 3) == \
        "Officers and members are about level on 3 of 5 themes; members go further on 1, officers on 1"
    assert findings.alignment.officer_member_takeaway(_gaps(0.1, -0.1, -0.9), "ambition", 3) == \
        "Officers and members are about level on 2 of 3 themes; officers go further on 1"


def test_alignment_takeaway() -> None:
    themes = [{"theme": "A", "cross_party_alignment": {"now": 0.9}},
              {"theme": "B", "cross_party_alignment": {"now": 0.5}},
              {"theme": "C", "cross_party_alignment": {"now": None}}]
    assert findings.alignment.alignment_takeaway(themes, "now") == "Political groups are divided on 1 of 2 themes"
    themes[1]["cross_party_alignment"]["now"] = 0.85
    assert (
        findings.alignment.alignment_takeaway(themes, "now")
        == "Political groups are closely aligned on every theme shown (2)"
    )
    assert "not shown" in findings.alignment.alignment_takeaway([themes[2]], "now")


def _cell(cell: str, group: str | None = None, position: float | None = None, n: int | None = None) -> dict:
    hidden = position is None
    return {"theme": "Jobs", "horizon": "now", "cell": cell, "group": group, "n": n, "position": position,
            "band": None if hidden else "Differently", "suppressed": hidden,
            "reason": "fewer than 3 participants" if hidden else None}


def test_group_positions_takeaway_with_groups_and_without() -> None:
    rows = [_cell("total", position=3.2, n=12), _cell("officers", position=3.0, n=5),
            _cell("members", position=3.4, n=7), _cell("group", "Green", position=4.5, n=3),
            _cell("group", "Labour", position=2.9, n=4), _cell("group", "SNP")]
    assert findings.alignment.group_positions_takeaway(rows, "Jobs") == \
        "Party groups are 1.6 points apart on “Jobs”: “Labour” 2.9 to “Green” 4.5"
    rows = [_cell("total", position=3.2, n=12), _cell("officers", position=3.0, n=5),
            _cell("members", position=3.6, n=7), _cell("group", "SNP")]
    assert findings.alignment.group_positions_takeaway(rows, "Jobs") == \
        "Members want to go further than officers on “Jobs” (3.6 vs 3.0)"


def test_band_shares_and_distribution_takeaway() -> None:
    assert findings.alignment.band_shares({1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 1}) == pytest.approx(
        {"Better": 0.2, "Differently": 0.4, "New": 0.4})
    total = {"cell": "total", "suppressed": False, "counts": {1: 0, 2: 1, 3: 1, 4: 0, 5: 6, 6: 2}}
    assert findings.alignment.distribution_takeaway([total], "Jobs") == "Most answers on “Jobs” are New (80%)"
    spread = {"cell": "total", "suppressed": False, "counts": {1: 3, 2: 0, 3: 2, 4: 2, 5: 3, 6: 0}}
    assert findings.alignment.distribution_takeaway([spread], "Jobs") == \
        "Answers on “Jobs” are spread: 30% Better, 40% Differently, 30% New"
    assert "too few" in findings.alignment.distribution_takeaway(
        [{"cell": "total", "suppressed": True, "counts": None}], "Jobs"
    )


def test_how_to_read_texts_carry_the_threshold_and_the_gloss() -> None:
    text = reading.how_to_read_overview(4)
    assert "fewer than 4 participants" in text
    assert "service efficiency" in text and "designing out the need" in text
    assert "0.7" in reading.how_to_read_consensus() and "0.5" in reading.how_to_read_consensus()
    assert "between 3 and 4" in reading.how_to_read_distribution(3)
    assert "hover" in reading.how_to_read_distribution(3)  # narrow segments carry no label on the chart
    assert "not the party's colour" in reading.how_to_read_groups(3)
    assert "pools every answer" in reading.how_to_read_consensus()


def test_count_change_has_words_and_an_arrow_but_no_sign() -> None:
    assert findings.overview.count_change(1, 11) == ("10 fewer than now", "down")
    assert findings.overview.count_change(11, 0) == ("11 more than now", "up")
    assert findings.overview.count_change(4, 4) == ("same as now", "off")


def test_consensus_takeaway_says_all_and_counts_them() -> None:
    themes = [{"theme": t, "ambition": sl(4, consensus=0.8)} for t in "ABCDE"]
    assert findings.council.consensus_takeaway({"themes": themes}, "ambition") == "Agreement is high on all 5 themes"
    pooled = {"themes": themes, "overall": {"ambition": sl(4, consensus=0.68)}}
    assert findings.council.consensus_takeaway(pooled, "ambition") == (
        "Agreement is high on all 5 themes, moderate (0.68) with all themes pooled")
    agreed = {"themes": themes, "overall": {"ambition": sl(4, consensus=0.75)}}
    assert findings.council.consensus_takeaway(agreed, "ambition") == "Agreement is high on all 5 themes"
    one = {"themes": themes[:1]}
    assert findings.council.consensus_takeaway(one, "ambition") == "Agreement is high on the one theme"


