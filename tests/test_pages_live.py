"""AppTest of the Workshop and Join pages (docs/live.md): open, join, answer, resume, reveal, close.

Each test has its own small database (one council, no demo data), so nothing depends on demo numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mandate_core import importer, live, reports, storage

REPO = Path(__file__).resolve().parent.parent
WORKSHOP, JOIN = "pages/11_Workshop.py", "pages/9_join.py"
COUNCILS = ("council_id,name,nation,council_type,population,peer_group\n"
            "alpha,Alpha Council,England,Unitary,1000,A\nbeta,Beta Council,Wales,County,2000,B\n")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_store: Callable[..., str]) -> Path | str:
    """Two councils, on the DuckDB file and on PostgreSQL (the pages behave the same on both)."""
    path = make_store("pages")
    councils = tmp_path / "councils.csv"
    councils.write_text(COUNCILS)
    importer.import_files(path, councils)
    monkeypatch.setenv("MANDATE_DB", str(path))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    return path


def _session(db: Path, groups: str | None = "Labour,Green") -> live.Session:
    with storage.connect(db) as con:
        return live.open_session(con, "alpha", "Live", ["Good jobs=economy", "Homes=place"], groups, "2026-05-01")


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [str(getattr(e, "value", "")) for kind in ("markdown", "caption", "error", "success", "info", "warning",
                                                      "title", "header", "subheader") for e in at.get(kind)]
    return "\n".join(parts)


def _answer(at: AppTest, index: int, change: dict[str, int], risk: int | None = None, note: str = "") -> None:
    for h, value in change.items():
        at.button_group(key=f"j{index}_{h}_change").set_value(value)
        if risk is not None:
            at.button_group(key=f"j{index}_{h}_risk").set_value(risk)
    at.text_area(key=f"j{index}_note").input(note)
    at.button(key=f"FormSubmitter:join_theme_{index}-Save and go on").click().run()
    assert not at.exception, [e.value for e in at.exception]


# --- Join ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["AAAAAA", "not a code", "'; DROP TABLE x; --"])
def test_wrong_code_gets_a_clear_message_and_nothing_else(db: Path, code: str) -> None:
    at = _app(code=code)
    assert [e.value for e in at.error] == [live.WRONG_CODE]
    assert not at.get("radio") and not at.get("button_group") and not at.sidebar.children
    assert "Alpha" not in _texts(at) and "Beta" not in _texts(at)


def test_closed_code_gets_a_clear_message(db: Path) -> None:
    session = _session(db)
    with storage.connect(db) as con:
        live.close_session(con, session.code)
    at = _app(code=session.code)
    assert len(at.error) == 1 and "closed" in at.error[0].value
    assert not at.get("radio")


def test_join_answer_every_theme_resume_and_change(db: Path) -> None:
    session = _session(db)
    at = _app(code=session.code.lower())
    assert not at.sidebar.children, "a phone sees no sidebar and so no council list"
    at.radio(key="join_role_choice").set_value("member")
    at.selectbox(key="join_group").set_value("Green")
    at.button(key="FormSubmitter:join_role-Start").click().run()
    assert at.query_params["code"] == session.code
    token = at.query_params["device"]
    assert "0 of 2 themes answered" in at.get("progress")[0].proto.text

    at.button(key="FormSubmitter:join_theme_0-Save and go on").click().run()  # nothing chosen
    assert "answer every horizon" in at.error[0].value
    _answer(at, 0, {"now": 2, "next": 3, "ambition": 5}, risk=4, note="Co-own *local* energy")
    assert "1 of 2 themes answered" in at.get("progress")[0].proto.text
    assert at.get("button_group")[0].key == "j1_now_change", "the next theme comes up"

    # A reload: a new browser session with the same address resumes at the unanswered theme.
    again = _app(code=session.code, device=token)
    assert "1 of 2 themes answered" in again.get("progress")[0].proto.text
    assert again.get("button_group")[0].key == "j1_now_change"
    _answer(again, 1, {"now": 1, "next": 1, "ambition": 2})
    assert any("every theme is answered" in s.value for s in again.success)

    # Change an answer while the session is open: the stored form is prefilled with what was given.
    again.selectbox(key=f"join_pick_{2}").set_value(0).run()
    assert again.button_group(key="j0_ambition_change").value == 5
    assert again.text_area(key="j0_note").value == "Co-own *local* energy"
    _answer(again, 0, {"now": 2, "next": 3, "ambition": 6}, note="Co-own *local* energy")
    with storage.connect(db, read_only=True) as con:
        mine = live.my_answers(con, session.code, token)
        assert mine["Good jobs"]["changes"] == {"now": 2, "next": 3, "ambition": 6}
        assert mine["Good jobs"]["risks"]["now"] == 4
        assert live.status(con, session.code)["participants"] == 1


def test_a_session_without_groups_offers_officers_only(db: Path) -> None:
    session = _session(db, groups=None)
    at = _app(code=session.code)
    assert at.radio(key="join_role_choice").options == ["An officer (a senior manager)"]
    assert not at.get("selectbox")


def test_join_page_never_refreshes_by_itself() -> None:
    source = (REPO / JOIN).read_text()
    assert "run_every" not in source and "st_autorefresh" not in source and "time.sleep" not in source


# --- Workshop -----------------------------------------------------------------------------------------

def _workshop() -> AppTest:
    at = _app()
    at.switch_page(WORKSHOP).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_workshop_opens_a_session_prefilled_from_the_last_round(db: Path) -> None:
    first = _session(db)
    with storage.connect(db) as con:
        for _ in range(3):
            p = live.join(con, first.code, "member", "Labour")
            live.submit_theme(con, first.code, p.device_token, "Homes", {"now": 1, "next": 2, "ambition": 3})
        live.close_session(con, first.code)
    at = _workshop()
    at.selectbox(key="ws_council").set_value("alpha").run()
    assert at.text_input[1].value == "Labour", "groups come from the last round"
    at.text_input[0].input("Second round")
    at.button(key="FormSubmitter:ws_open_alpha-Open session").click().run()
    assert not at.exception and at.success, _texts(at)
    with storage.connect(db, read_only=True) as con:
        opened = live.open_sessions(con)
    assert [(s.council_id, s.round, [t.label for t in s.themes], s.groups) for s in opened] == [
        ("alpha", "Second round", ["Homes"], ("Labour",))]
    code = opened[0].code
    # The join screen: the code, the join address beside it, and the QR code as an SVG labelled with it.
    assert code in _texts(at)
    address = at.code[0].value
    assert address.endswith(f"/join?code={code}")
    qr = at.get("html")[0].proto.body
    assert 'src="data:image/svg+xml' in qr and f'alt="QR code of {address}"' in qr
    assert at.metric[0].label == "Joined" and at.metric[0].value == "0"


def test_workshop_refuses_bad_input_with_a_message(db: Path) -> None:
    at = _workshop()
    at.selectbox(key="ws_council").set_value("beta").run()
    at.button(key="FormSubmitter:ws_open_beta-Open session").click().run()  # no round, no themes
    assert not at.exception
    assert "round needs a label" in at.error[0].value
    with storage.connect(storage.resolve_db_path(None), read_only=True) as con:
        assert live.open_sessions(con) == []


def test_reveal_applies_disclosure_and_close_stores_the_round(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = _session(db)
    with storage.connect(db) as con:
        people = [live.join(con, session.code, "officer") for _ in range(2)]
        for p in people:
            live.submit_theme(con, session.code, p.device_token, "Homes", {"now": 4, "next": 5, "ambition": 6},
                              note="secret plan")
    at = _workshop()
    assert at.selectbox(key="ws_code").value == session.code
    assert at.metric[0].value == "2" and at.metric[1].value == "6"
    at.toggle(key=f"ws_reveal_{session.code}").set_value(True).run()
    assert not at.exception
    figures = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    dumped = json.dumps(figures) + _texts(at) + json.dumps([str(d.value) for d in at.dataframe])
    assert "secret plan" not in dumped
    for fig in figures:  # two people: nothing but "hidden" may be drawn
        for trace in fig["data"]:
            assert not [x for x in trace.get("x") or [] if isinstance(x, int | float)], trace

    with storage.connect(db) as con:
        p = live.join(con, session.code, "officer")
        live.submit_theme(con, session.code, p.device_token, "Homes", {"now": 2, "next": 2, "ambition": 2})
    at.button(key="ws_close").click().run()
    assert not at.exception
    assert any("closed" in s.value for s in at.success), _texts(at)
    with storage.connect(db, read_only=True) as con:
        stored = reports.council_report(con, "alpha", "Live", min_group=3)
        assert stored["participants"] == 3
        assert live.get_session(con, session.code).state == "closed"


def test_close_of_a_stored_round_needs_replace(db: Path) -> None:
    first = _session(db)
    with storage.connect(db) as con:
        p = live.join(con, first.code, "officer")
        live.submit_theme(con, first.code, p.device_token, "Homes", {"now": 1, "next": 2, "ambition": 3})
        live.close_session(con, first.code)
        second = live.open_session(con, "alpha", "Live", ["Homes=place"], None, "2026-05-01")
        p = live.join(con, second.code, "officer")
        live.submit_theme(con, second.code, p.device_token, "Homes", {"now": 6, "next": 6, "ambition": 6})
    at = _workshop()
    assert at.warning and "already stored" in at.warning[0].value
    at.button(key="ws_close").click().run()
    assert "already in the database" in at.error[0].value.replace("\\", "")
    at.checkbox(key="ws_replace").check().run()
    at.button(key="ws_close").click().run()
    assert at.success and "replaced" in at.success[0].value.replace("\\", "")


def test_workshop_in_debrief_mode_names_only_the_chosen_council(db: Path) -> None:
    session = _session(db)
    with storage.connect(db) as con:
        live.open_session(con, "beta", "Other", ["Roads=place"], None, "2026-05-01")
        p = live.join(con, session.code, "officer")
        live.submit_theme(con, session.code, p.device_token, "Homes", {"now": 1, "next": 2, "ambition": 3})
        live.close_session(con, session.code)  # alpha now has a round, so the sidebar can choose it
    at = _app(council="alpha", debrief="1")
    at.switch_page(WORKSHOP).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="ws_council").options == ["Alpha Council"]
    assert [o for o in at.selectbox(key="ws_code").options if "Beta" in o or "Other" in o] == []
    assert "Beta" not in _texts(at)


def test_an_expired_session_says_so_on_the_workshop_page(db: Path) -> None:
    session = _session(db)
    with storage.connect(db) as con:
        con.execute("UPDATE live_sessions SET expires_at = opened_at WHERE code = ?", [session.code])
    at = _workshop()
    assert any("expired" in w.value for w in at.warning)
    phone = _app(code=session.code)
    assert len(phone.error) == 1 and "expired" in phone.error[0].value


def test_join_without_a_code_asks_for_it(db: Path) -> None:
    session = _session(db)
    at = _app()
    at.switch_page(JOIN).run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="join_typed").input(f" {session.code.lower()[:3]} {session.code.lower()[3:]} ")
    at.button(key="FormSubmitter:join_code-Join").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["code"] == session.code
    assert at.radio(key="join_role_choice").options[0] == "An officer (a senior manager)"
