"""Live sessions (docs/live.md): the lifecycle, every rule, closing as an import, and the session command.

Each test builds its own small database with one council (no demo data), so no number here depends on the
demo or on the metric code's details: closing is compared with importing the same answers as a CSV.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from mandate_core import importer, live, maintenance, reports, storage

REPO = Path(__file__).resolve().parent.parent
COUNCILS = "council_id,name,nation,council_type,population,peer_group\nalpha,Alpha Council,England,Unitary,1000,A\n"
THEMES = ["Good jobs=economy", "Homes for all=place"]


@pytest.fixture
def db(tmp_path: Path, make_store: Callable[..., str]) -> Path | str:
    """A store with one council, on the DuckDB file and on PostgreSQL."""
    path = make_store("live")
    councils = tmp_path / "councils.csv"
    councils.write_text(COUNCILS)
    importer.import_files(path, councils)
    return path


def _open(con: duckdb.DuckDBPyConnection, **kw: object) -> live.Session:
    args: dict = {"council_id": "alpha", "round_label": "Live 2026", "themes": THEMES,
                  "groups": "Labour,Green", "workshop_date": "2026-05-01"}
    args.update(kw)
    return live.open_session(con, **args)


def _fill(con: duckdb.DuckDBPyConnection, code: str, people: int = 4) -> list[live.Participant]:
    """``people`` participants, alternately officer and member, each answering every theme."""
    joined = []
    for i in range(people):
        p = live.join(con, code, "member" if i % 2 else "officer", ["Labour", "Green"][i % 4 // 2] if i % 2 else None)
        for t, label in enumerate(("Good jobs", "Homes for all")):
            live.submit_theme(con, code, p.device_token, label,
                              {"now": 1 + (i + t) % 3, "next": 2 + i % 3, "ambition": 3 + (i * 2 + t) % 4},
                              {"now": 1 + i % 5, "ambition": 2}, f"idea {i}, \"quoted\"\nsecond line" if t else "")
        joined.append(p)
    return joined


# --- codes and parsing -------------------------------------------------------------------------------

def test_code_alphabet_has_no_look_alikes_and_lookup_ignores_case(db: Path) -> None:
    for confusable in "0O1IL2Z5S8B":
        assert confusable not in live.CODE_ALPHABET
    assert all(len(live.new_code()) == 6 for _ in range(20))
    with storage.connect(db) as con:
        session = _open(con)
        assert live.find_session(con, session.code.lower()).code == session.code
        assert live.find_session(con, f" {session.code[:3]}-{session.code[3:]} ").code == session.code
        assert live.find_session(con, "O0O0O0") is None
        assert live.find_session(con, "'; DROP TABLE councils; --") is None
    assert live.normalise_code(None) is None


@pytest.mark.parametrize(("text", "match"), [
    ("Good jobs", "LABEL=SECTOR_KEY"),
    ("=economy", "needs a label"),
    ("x" * 121 + "=economy", "at most 120"),
    ("Jobs=economie", "sector key must be one of"),
])
def test_bad_themes_are_named(text: str, match: str) -> None:
    with pytest.raises(live.LiveError, match=match):
        live.parse_theme(text)


def test_theme_parsing_trims_and_lowers_the_key() -> None:
    assert live.parse_theme("  Net zero = 2040 = Environment ") == live.Theme("Net zero = 2040", "environment")
    assert live.parse_groups(" Labour, ,Green ") == ["Labour", "Green"]
    with pytest.raises(live.LiveError, match="twice"):
        live.parse_groups("Labour,labour")


@pytest.mark.parametrize(("kw", "match"), [
    ({"council_id": "nope"}, "unknown council"),
    ({"round_label": " "}, "round needs a label"),
    ({"round_label": "r" * 61}, "at most 60"),
    ({"themes": []}, "at least one theme"),
    ({"themes": ["A=economy", "a=place"]}, "listed twice"),
    ({"workshop_date": "01/05/2026"}, "YYYY-MM-DD"),
    ({"workshop_date": "1900-01-01"}, "years 1990"),
])
def test_open_refuses_bad_input_and_stores_nothing(db: Path, kw: dict, match: str) -> None:
    with storage.connect(db) as con:
        with pytest.raises(live.LiveError, match=match):
            _open(con, **kw)
        assert con.execute("SELECT count(*) FROM live_sessions").fetchone() == (0,)


def test_open_defaults_the_date_to_today_and_refuses_a_second_open_session(db: Path) -> None:
    with storage.connect(db) as con:
        session = _open(con, workshop_date=None)
        assert session.workshop_date == dt.date.today().isoformat()
        assert session.open_json() == {"code": session.code, "council_id": "alpha", "round": "Live 2026",
                                       "state": "open", "join_path": f"/join?code={session.code}"}
        with pytest.raises(live.LiveError, match="already open"):
            _open(con)
        assert con.execute("SELECT action FROM activity").fetchall() == [("session open",)]


# --- phones ---------------------------------------------------------------------------------------------

def test_join_rules_and_resume(db: Path) -> None:
    with storage.connect(db) as con:
        code = _open(con).code
        with pytest.raises(live.LiveError, match="officer or member"):
            live.join(con, code, "councillor")
        with pytest.raises(live.LiveError, match="political group"):
            live.join(con, code, "member", "Tory")
        officer = live.join(con, code, "officer", "ignored")
        assert officer.group is None and officer.participant.startswith("P")
        again = live.join(con, code, "member", "Green", officer.device_token)
        assert (again.participant, again.role, again.group) == (officer.participant, "member", "Green")
        assert live.participant_of(con, code.lower(), officer.device_token) == again
        assert live.participant_of(con, code, "not-a-token") is None
        other = live.join(con, code, "officer")
        assert other.participant != officer.participant and other.device_token != officer.device_token
        assert live.status(con, code)["participants"] == 2


def test_members_cannot_join_a_session_without_groups(db: Path) -> None:
    with storage.connect(db) as con:
        code = _open(con, groups=None).code
        with pytest.raises(live.LiveError, match="no political groups"):
            live.join(con, code, "member", "Labour")
        assert live.join(con, code, "officer").role == "officer"


def test_at_most_200_participants(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with storage.connect(db) as con:
        code = _open(con).code
        con.execute("UPDATE live_sessions SET joined = ? WHERE code = ?", [live.MAX_PARTICIPANTS - 1, code])
        live.join(con, code, "officer")
        with pytest.raises(live.LiveError, match="full"):
            live.join(con, code, "officer")


def test_submit_rules_change_and_read_back(db: Path) -> None:
    with storage.connect(db) as con:
        code = _open(con).code
        p = live.join(con, code, "officer")
        good = {"now": 2, "next": 3, "ambition": 5}
        bad_cases = [
            ({"theme": "Unknown"}, "unknown theme"),
            ({"changes": {"now": 2, "next": 3}}, "answer every horizon"),
            ({"changes": {**good, "now": 7}}, "from 1 to 6"),
            ({"changes": {**good, "now": True}}, "from 1 to 6"),
            ({"risks": {"now": 0}}, "from 1 to 5"),
            ({"note": "x" * 2001}, "at most 2,000"),
            ({"token": "stranger"}, "has not joined"),
        ]
        for case, match in bad_cases:
            with pytest.raises(live.LiveError, match=match):
                live.submit_theme(con, code, case.get("token", p.device_token), case.get("theme", "Good jobs"),
                                  case.get("changes", good), case.get("risks"), case.get("note"))
        assert live.status(con, code)["answers"] == 0
        live.submit_theme(con, code, p.device_token, "Good jobs", good, {"now": 2}, "  an idea  ")
        live.submit_theme(con, code, p.device_token, "Good jobs", {**good, "ambition": 6}, None, "")
        assert live.my_answers(con, code, p.device_token) == {
            "Good jobs": {"changes": {"now": 2, "next": 3, "ambition": 6},
                          "risks": {"now": None, "next": None, "ambition": None}, "note": None}}
        live.submit_theme(con, code, p.device_token, "Homes for all", good, {"now": 2}, "  an idea  ")
        assert live.my_answers(con, code, p.device_token)["Homes for all"]["note"] == "an idea"
        assert live.status(con, code)["answers"] == 6
        assert live.theme_progress(con, code) == [("Good jobs", 1), ("Homes for all", 1)]


def test_rate_limit_per_device(db: Path) -> None:
    start = dt.datetime(2026, 5, 1, 10, 0, 0)
    with storage.connect(db) as con:
        code = _open(con, now=start).code
        a = live.join(con, code, "officer", now=start)
        b = live.join(con, code, "officer", now=start)
        changes = {"now": 1, "next": 2, "ambition": 3}
        for _ in range(live.RATE_LIMIT):
            live.submit_theme(con, code, a.device_token, "Good jobs", changes, now=start)
        with pytest.raises(live.LiveError, match="Too many"):
            live.submit_theme(con, code, a.device_token, "Good jobs", changes, now=start)
        live.submit_theme(con, code, b.device_token, "Good jobs", changes, now=start)  # another phone is fine
        later = start + dt.timedelta(seconds=live.RATE_WINDOW_S)
        live.submit_theme(con, code, a.device_token, "Good jobs", changes, now=later)


def test_wrong_closed_and_expired_codes(db: Path) -> None:
    start = dt.datetime(2026, 5, 1, 9, 0, 0)
    with storage.connect(db) as con:
        code = _open(con, now=start).code
        p = live.join(con, code, "officer", now=start)
        late = start + dt.timedelta(hours=live.SESSION_HOURS)
        with pytest.raises(live.LiveError, match="expired"):
            live.join(con, code, "officer", now=late)
        with pytest.raises(live.LiveError, match="expired"):
            live.submit_theme(con, code, p.device_token, "Good jobs", {"now": 1, "next": 1, "ambition": 1}, now=late)
        with pytest.raises(live.LiveError, match="no session with this code"):
            live.session_for_join(con, "AAAAAA")
        live.close_session(con, code)
        for attempt in (lambda: live.session_for_join(con, code),
                        lambda: live.join(con, code, "officer"),
                        lambda: live.submit_theme(con, code, p.device_token, "Good jobs",
                                                  {"now": 1, "next": 1, "ambition": 1})):
            with pytest.raises(live.LiveError, match="has closed"):
                attempt()


# --- closing ------------------------------------------------------------------------------------------

def _dump(path: Path) -> dict:
    with storage.connect(path, read_only=True) as con:
        return {
            "rounds": con.execute("SELECT * FROM rounds ORDER BY ALL").fetchall(),
            "answers": con.execute("SELECT * FROM answers ORDER BY ALL").fetchall(),
        }


def test_close_stores_exactly_what_importing_the_same_csv_stores(db: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin.duckdb"
    importer.import_files(twin, tmp_path / "councils.csv")
    with storage.connect(db) as con:
        code = _open(con).code
        _fill(con, code, people=5)
        rows = live.answer_rows(con, code)
        room = live.room_report(con, code, 3)
        result = live.close_session(con, code, actor="tester")
        assert (result.answers, result.participants, result.replaced) == (30, 5, False)
        assert live.status(con, code)["state"] == "closed"
        assert ("tester", "session close") in con.execute("SELECT actor, action FROM activity").fetchall()
    csv_path = live.write_csv(rows, tmp_path / "same.csv")
    importer.import_files(twin, None, [csv_path])
    assert _dump(db) == _dump(twin)
    with storage.connect(db, read_only=True) as con:
        stored = reports.council_report(con, "alpha", "Live 2026", min_group=3)
    with storage.connect(twin, read_only=True) as con:
        assert stored == reports.council_report(con, "alpha", "Live 2026", min_group=3)
    assert room == stored  # the reveal showed what was then stored
    assert maintenance.check(db) == []


def test_close_with_no_answers_stores_nothing(db: Path) -> None:
    with storage.connect(db) as con:
        code = _open(con).code
        live.join(con, code, "officer")
        result = live.close_session(con, code)
        assert result.answers == 0 and "nothing was stored" in result.summary()
        assert con.execute("SELECT count(*) FROM rounds").fetchone() == (0,)
        assert live.room_report(con, code, 3) is None


def test_close_applies_the_replace_rule_and_a_refusal_changes_nothing(db: Path) -> None:
    with storage.connect(db) as con:
        first = _open(con).code
        _fill(con, first, 3)
        live.close_session(con, first)
        before = con.execute("SELECT * FROM answers ORDER BY ALL").fetchall()
        second = _open(con).code
        assert live.round_stored(con, "alpha", "Live 2026")
        _fill(con, second, 4)
        with pytest.raises(live.LiveError, match="already in the database; use --replace") as refused:
            live.close_session(con, second)
        assert "row" not in str(refused.value), "the session's rows are not a file's: no row numbers"
        assert live.get_session(con, second).is_open
        assert con.execute("SELECT * FROM answers ORDER BY ALL").fetchall() == before
        result = live.close_session(con, second, replace=True)
        assert result.replaced
        assert con.execute("SELECT count(DISTINCT participant) FROM answers").fetchone() == (4,)


def test_close_is_one_transaction(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the import wrote its rows leaves the round unstored and the session open."""
    with storage.connect(db) as con:
        code = _open(con).code
        _fill(con, code, 3)

        def boom(*args: object) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(live, "_record", boom)
        with pytest.raises(RuntimeError):
            live.close_session(con, code)
        assert con.execute("SELECT count(*) FROM answers").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM rounds").fetchone() == (0,)
        assert live.get_session(con, code).is_open


def test_two_facilitators_closing_at_once_store_the_round_once(db: Path) -> None:
    with storage.connect(db) as con:
        code = _open(con).code
        _fill(con, code, 3)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    # On the file both connections are open before either closes; on PostgreSQL a process's writers
    # queue (one transaction at a time), so both start at the same moment instead.
    queued = storage.is_shared_store(db)

    def close() -> None:
        if queued:
            barrier.wait()
        with storage.connect(db) as con:
            if not queued:
                barrier.wait()
            try:
                live.close_session(con, code)
                outcomes.append("closed")
            except live.LiveError as exc:
                outcomes.append(str(exc))

    threads = [threading.Thread(target=close) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["closed", f"session {code} is already closed"]
    with storage.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM answers").fetchone() == (18,)
        assert con.execute("SELECT count(*) FROM rounds").fetchone() == (1,)


def test_room_report_applies_disclosure(db: Path) -> None:
    with storage.connect(db) as con:
        code = _open(con).code
        _fill(con, code, 2)
        room = live.room_report(con, code, 3)
        assert room["overall"]["now"] == {"suppressed": True}
        assert all(t[h] == {"suppressed": True} for t in room["themes"] for h in ("now", "next", "ambition"))
        assert "idea" not in json.dumps(room)


def test_prefill_takes_the_last_rounds_themes_and_groups(db: Path) -> None:
    with storage.connect(db) as con:
        assert live.prefill(con, "alpha") == ([], [])
        code = _open(con).code
        _fill(con, code, 4)
        live.close_session(con, code)
        themes, groups = live.prefill(con, "alpha")
        assert themes == [live.Theme("Good jobs", "economy"), live.Theme("Homes for all", "place")]
        assert groups == ["Green", "Labour"]


# --- the command line ---------------------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mandate_core", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=60)


def test_session_commands(db: Path) -> None:
    base = ["--db", str(db)]
    opened = _cli("session", "open", *base, "--council", "alpha", "--round", "CLI round", "--date", "2026-06-01",
                  "--theme", "Good jobs=economy", "--theme", "Homes=place", "--groups", "Labour,Green", "--json")
    assert opened.returncode == 0, opened.stderr
    doc = json.loads(opened.stdout)
    code = doc["code"]
    assert doc == {"code": code, "council_id": "alpha", "round": "CLI round", "state": "open",
                   "join_path": f"/join?code={code}"}
    with storage.connect(db) as con:
        _fill_cli = live.join(con, code, "officer")
        live.submit_theme(con, code, _fill_cli.device_token, "Homes", {"now": 1, "next": 2, "ambition": 3})
    status = _cli("session", "status", *base, "--code", code.lower(), "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout) == {"code": code, "council_id": "alpha", "round": "CLI round",
                                         "state": "open", "participants": 1, "answers": 3}
    closed = _cli("session", "close", *base, "--code", code)
    assert closed.returncode == 0 and "3 answers" in closed.stderr and not closed.stdout
    assert json.loads(_cli("session", "status", *base, "--code", code, "--json").stdout)["state"] == "closed"
    again = _cli("session", "close", *base, "--code", code)
    assert again.returncode == 1 and "already closed" in again.stderr and "Traceback" not in again.stderr


@pytest.mark.parametrize(("args", "rc", "message"), [
    (["session", "open", "--council", "alpha", "--round", "R", "--theme", "X=nope", "--json"], 1, "sector key"),
    (["session", "open", "--council", "zzz", "--round", "R", "--theme", "X=place", "--json"], 1, "unknown council"),
    (["session", "open", "--council", "alpha", "--round", "R", "--json"], 2, "--theme"),
    (["session", "status", "--code", "AAAAAA", "--json"], 1, "no session"),
    (["session", "close", "--code", "AAAAAA"], 1, "no session"),
    (["session", "status", "--code", "AAAAAA"], 2, "--json"),
    (["session"], 2, "ACTION"),
])
def test_session_command_errors(db: Path, args: list[str], rc: int, message: str) -> None:
    done = _cli(*args[:2], "--db", str(db), *args[2:])
    assert done.returncode == rc, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_join_address_and_qr_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MANDATE_PUBLIC_URL", raising=False)
    base = live.app_base("http://10.0.0.5:8501/Workshop", "Workshop")
    assert base == "http://10.0.0.5:8501"
    assert live.app_base("http://host/app/Workshop/", "Workshop") == "http://host/app"
    assert live.join_url(base, "ABC347") == "http://10.0.0.5:8501/join?code=ABC347"
    monkeypatch.setenv("MANDATE_PUBLIC_URL", "https://mandate.example.gov.uk/")
    assert live.join_url(base, "ABC347") == "https://mandate.example.gov.uk/join?code=ABC347"
    uri = live.qr_svg_data_uri("https://mandate.example.gov.uk/join?code=ABC347")
    assert uri.startswith("data:image/svg+xml") and "svg" in uri


# --- what the phone page and the facilitator's page show ---------------------------------------------

def test_phone_page_choices_and_theme_menu(db: Path) -> None:
    assert live.typed_code(" ace-347 ") == "ACE347"  # a code: as stored
    assert live.typed_code(" abc347 ") == "abc347"  # B is no code letter: as typed, trimmed
    assert live.typed_code("no such code, typed long") == "no such code"  # trimmed to 12
    assert live.typed_code(None) == ""
    with storage.connect(db) as con:
        session = _open(con)
        assert list(live.role_choices(session)) == ["officer", "member"]
        p = live.join(con, session.code, "member", "Green")
        live.submit_theme(con, session.code, p.device_token, "Homes for all", {"now": 2, "next": 3, "ambition": 5},
                          {}, "")
        got, me, mine = live.phone_view(con, session.code, p.device_token)
        assert got.code == session.code and me == p and list(mine) == ["Homes for all"]
        assert live.phone_view(con, session.code, "unknown-token")[1:] == (None, {})
    # Two themes, the second answered: one answered, the first still open, the second ticked.
    assert live.theme_menu(got, mine) == (1, 0, {0: "Good jobs", 1: "✓ Homes for all"})
    assert live.given_answer(mine, "Homes for all")["changes"] == {"now": 2, "next": 3, "ambition": 5}
    assert live.given_answer(mine, "Good jobs") == {"changes": {}, "risks": {}, "note": None}
    assert live.taking_part(me) == f"You are taking part as a member (Green), participant {me.participant}."
    officer = live.Participant("t", "P0000ABCD", "officer", None)
    assert live.taking_part(officer) == "You are taking part as an officer, participant P0000ABCD."


def test_role_choices_without_groups_and_index_of() -> None:
    session = live.Session("ABC347", "alpha", "R", "2026-05-01", (live.Theme("T", "economy"),), (), "open",
                           False, 0, dt.datetime(2026, 5, 1), None)
    assert live.role_choices(session) == {"officer": "An officer (a senior manager)"}
    assert live.index_of(["officer", "member"], "member") == 1
    assert live.index_of(("Labour", "Green"), "Green") == 1
    assert live.index_of(["officer"], "member") is None  # a choice no longer offered: nothing ticked
    assert live.index_of(["officer"], None) is None


def test_next_theme_goes_to_the_first_unanswered() -> None:
    labels = ["A", "B", "C"]
    assert live.next_theme(labels, [], "A") == 1
    assert live.next_theme(labels, ["B"], "A") == 2
    assert live.next_theme(labels, ["A", "C"], "B") == 3  # all answered: the thank-you screen
    assert live.next_theme(labels, [], "C") == 0  # saved out of order: back to the first open one


def test_watch_session_menu_and_the_open_forms_rows(db: Path) -> None:
    with storage.connect(db) as con:
        session = _open(con)
        _fill(con, session.code, 2)
        status, progress, revealed, room = live.watch(con, session.code, 3)
        assert (status["participants"], status["answers"]) == (2, 12)  # 2 people × 2 themes × 3 horizons
        assert progress == [("Good jobs", 2), ("Homes for all", 2)] and revealed is False and room is None
        live.set_revealed(con, session.code, True)
        *_, revealed, room = live.watch(con, session.code, 3)
        assert revealed is True and room == live.room_report(con, session.code, 3)
        assert room["overall"]["now"] == {"suppressed": True}  # two people, under the threshold of three
        sessions = live.open_sessions(con)
    shown, labels = live.session_menu(sessions, ["alpha"], lambda cid: f"Council {cid}")
    assert list(shown) == [session.code]
    assert labels == {session.code: f"{session.code} · Council alpha · Live 2026",
                      live.NEW_SESSION: "Open a new session…"}
    assert live.session_menu(sessions, ["beta"], str) == ({}, {"new": "Open a new session…"})
    themes = [live.Theme("Good jobs", "economy"), live.Theme("Homes", "place")]
    assert live.editor_rows(themes) == [{"theme": "Good jobs", "sector": "economy"},
                                        {"theme": "Homes", "sector": "place"}]
    assert live.editor_rows([]) == [{"theme": "", "sector": None}]
    rows = [{"theme": "Good jobs", "sector": "economy"}, {"theme": "", "sector": None},
            {"theme": "Half", "sector": None}]
    assert live.themes_from_rows(rows) == [live.Theme("Good jobs", "economy"), live.Theme("Half", "")]


def test_qr_img_html_escapes_the_address() -> None:
    tag = live.qr_img_html('http://h/join?code=ABC347&x="<b>"')
    assert tag.startswith('<img data-testid="ws-qr" alt="QR code of http://h/join?code=ABC347&amp;x=&quot;&lt;b&gt;&quot;"')
    assert 'src="data:image/svg+xml' in tag and "<b>" not in tag
