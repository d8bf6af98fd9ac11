"""Unit tests of mandate_core.access: roles, the gate, scoping, users, the activity record, deletions,
and the ``users`` command (docs/signin.md, docs/cli.md#users-add)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_import import COUNCIL_COLUMNS, RESPONSE_COLUMNS, council, workshop, write_csv

from mandate_core import access, importer, storage
from mandate_core.cli import main as cli_main
from mandate_core.selection import Selection

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Two councils, one round each (ids chosen so no id is inside another)."""
    path = tmp_path / "m.duckdb"
    councils = write_csv(tmp_path / "councils.csv", [council("alpha"), council("beta")], COUNCIL_COLUMNS)
    responses = write_csv(tmp_path / "responses.csv",
                          workshop("alpha", "2024 baseline", "2024-03-01")
                          + workshop("beta", "2024 baseline", "2024-04-01")
                          + workshop("beta", "2026 review", "2026-04-01"), RESPONSE_COLUMNS)
    importer.import_files(path, councils, [responses])
    return path


def test_what_each_role_may_do() -> None:
    table = {
        role: (p.sees_all_names, p.can_import, p.can_delete, p.can_manage_users, p.can_run_sessions)
        for role in access.ROLES
        for p in [access.Principal("x@y.org", role, "alpha" if role == "council" else None)]
    }
    assert table == {
        "admin": (True, True, True, True, True),
        "analyst": (True, False, False, False, False),
        "facilitator": (True, False, False, False, True),
        "council": (False, False, False, False, False),
    }
    assert access.LOCAL.local_mode and access.LOCAL.can_import and access.LOCAL.actor == access.LOCAL_ACTOR


def test_which_pages_each_role_may_open() -> None:
    pages = ["pages/2_Council.py", "pages/10_Admin.py", "pages/11_Workshop.py", "pages/9_join.py"]
    opens = {role: [access.may_open(access.Principal("x@y.org", role), p) for p in pages] for role in access.ROLES}
    assert opens == {
        "admin": [True, True, True, True],
        "analyst": [True, False, False, True],
        "facilitator": [True, False, True, True],
        "council": [True, False, False, True],
    }
    assert [access.may_open(None, p) for p in pages] == [False, False, False, True]
    assert all(access.may_open(access.LOCAL, p) for p in pages)


def test_gate_every_state() -> None:
    row = {"email": "a@b.org", "role": "analyst", "council_id": None}
    assert access.decide(False, False, False, None, None).state == "local"
    assert access.decide(False, False, False, None, None).principal == access.LOCAL
    assert access.decide(False, True, True, "a@b.org", row).state == "refused"  # env set, no [auth]
    assert access.decide(False, True, True, "a@b.org", row).principal is None
    assert access.decide(True, False, False, None, None).state == "sign_in"
    assert access.decide(True, False, True, "who@b.org", None).state == "no_access"
    signed = access.decide(True, False, True, "A@B.org", row)
    assert signed.state == "signed_in" and signed.principal == access.Principal("a@b.org", "analyst")
    council_row = {"email": "c@b.org", "role": "council", "council_id": "alpha"}
    assert access.decide(True, False, True, "c@b.org", council_row, ["alpha"]).principal == \
        access.Principal("c@b.org", "council", "alpha")
    # the council user's council is no longer loaded: no access rather than an empty, unscoped view
    assert access.decide(True, False, True, "c@b.org", council_row, ["beta"]).state == "no_access"
    assert access.decide(True, False, True, "c@b.org", {"role": "superuser"}).state == "no_access"


def test_require_sign_in_values() -> None:
    assert access.require_sign_in({"MANDATE_REQUIRE_SIGN_IN": "1"})
    assert access.require_sign_in({"MANDATE_REQUIRE_SIGN_IN": " TRUE "})
    assert not access.require_sign_in({"MANDATE_REQUIRE_SIGN_IN": "0"})
    assert not access.require_sign_in({})


def test_scope_selection_forces_a_council_user_onto_their_council() -> None:
    wanted = Selection(council="beta", round="2026 review", peers="beta,gamma", horizon="now", debrief=False)
    scoped = access.scope_selection(access.Principal("c@b.org", "council", "alpha"), wanted)
    assert (scoped.council, scoped.round, scoped.peers, scoped.horizon) == ("alpha", None, "all", "now")
    # Anonymised as in debrief mode, without debrief's projector look (that stays the user's own switch).
    assert scoped.anonymise and scoped.scoped and not scoped.debrief
    own = access.scope_selection(access.Principal("c@b.org", "council", "alpha"),
                                 Selection(council="alpha", round="2024 baseline", peers="nation", debrief=True))
    assert (own.round, own.peers, own.debrief, own.anonymise) == ("2024 baseline", "nation", True, True)
    for role in ("admin", "analyst", "facilitator"):
        assert access.scope_selection(access.Principal("a@b.org", role), wanted) == wanted
        assert not access.scope_selection(access.Principal("a@b.org", role), scoped).scoped
    assert access.scope_selection(None, wanted) == Selection()


def test_check_read_refuses_another_council_for_a_council_user() -> None:
    ids = ["alpha", "beta"]
    council_user = access.Principal("c@b.org", "council", "alpha")
    access.check_read(council_user, ids, ["alpha", "2024 baseline", 3])
    access.check_read(council_user, ids, [None, 3])  # sector-wide reads are anonymised on the page
    with pytest.raises(PermissionError):
        access.check_read(council_user, ids, ["beta", None])
    access.check_read(access.Principal("a@b.org", "analyst"), ids, ["beta"])
    with pytest.raises(PermissionError):
        access.check_read(None, ids, ["alpha"])


def test_check_read_looks_inside_a_peer_set() -> None:
    """A peer set is a value now, not a string: its hand-picked ids are checked like a council argument."""
    from mandate_core.benchmarking import PeerSet

    ids = ["alpha", "beta"]
    council_user = access.Principal("c@b.org", "council", "alpha")
    access.check_read(council_user, ids, [PeerSet("all"), PeerSet.parse("alpha")])
    with pytest.raises(PermissionError):
        access.check_read(council_user, ids, ["alpha", PeerSet.parse("alpha,beta")])


@pytest.mark.parametrize("raw", ["", "  ", "no-at-sign", "a@b", "a@@b.org", "a b@c.org", "a@b..org",
                                 "x" * 250 + "@b.org", "<script>@b.org"])
def test_malformed_emails_are_refused(raw: str) -> None:
    with pytest.raises(access.AccessError, match="--email"):
        access.normalise_email(raw)


def test_users_add_change_remove_and_the_record(db: Path) -> None:
    with storage.connect(db) as con:
        access.add_user(con, " Boss@Example.ORG ", "admin", actor="test")
        access.add_user(con, "c@example.org", "council", "alpha", actor="test")
        changed = access.add_user(con, "C@example.org", "analyst", actor="test")
        assert changed["changed"] is True
        assert access.list_users(con) == [
            {"email": "boss@example.org", "role": "admin", "council_id": None},
            {"email": "c@example.org", "role": "analyst", "council_id": None},
        ]
        assert access.lookup_user(con, "BOSS@example.org")["role"] == "admin"
        access.remove_user(con, "c@EXAMPLE.org", actor="test")
        assert access.lookup_user(con, "c@example.org") is None
        log = access.activity(con)
    assert [(e["who"], e["action"]) for e in log] == [
        ("test", "user removed"), ("test", "user changed"), ("test", "user added"), ("test", "user added")]
    assert log[0]["detail"] == "c@example.org"


@pytest.mark.parametrize(("role", "council_id", "message"), [
    ("owner", None, "--role"),
    ("council", None, "--council: the council role needs"),
    ("council", "gamma", "no council with id"),
    ("analyst", "alpha", "only the council role takes a council"),
])
def test_invalid_users_change_nothing(db: Path, role: str, council_id: str | None, message: str) -> None:
    with storage.connect(db) as con:
        with pytest.raises(access.AccessError, match=message):
            access.add_user(con, "x@example.org", role, council_id)
        assert access.list_users(con) == [] and access.activity(con) == []
        with pytest.raises(access.AccessError, match="is not a user"):
            access.remove_user(con, "nobody@example.org")


def test_delete_round_then_council(db: Path) -> None:
    with storage.connect(db) as con:
        access.add_user(con, "b@example.org", "council", "beta")
        assert access.delete_round(con, "beta", "2026 review", "admin@x.org") > 0
        assert con.execute("SELECT list(round) FROM rounds WHERE council_id = 'beta'").fetchone()[0] == \
            ["2024 baseline"]
        with pytest.raises(access.AccessError, match="round"):
            access.delete_round(con, "beta", "2026 review", "admin@x.org")
        counts = access.delete_council(con, "beta", "admin@x.org")
        assert counts["rounds"] == 1 and counts["users"] == 1
        assert con.execute("SELECT count(*) FROM answers WHERE council_id = 'beta'").fetchone()[0] == 0
        assert con.execute("SELECT list(council_id) FROM councils").fetchone()[0] == ["alpha"]
        assert access.list_users(con) == []
        assert [e["action"] for e in access.activity(con)][:2] == ["council deleted", "round deleted"]
        with pytest.raises(access.AccessError, match="no council"):
            access.delete_council(con, "beta", "admin@x.org")


def test_deleting_every_demo_council_ends_demo_mode(tmp_path: Path) -> None:
    from mandate_core import demo

    path = demo.build_database(tmp_path / "demo.duckdb")
    ids = sorted(access.demo_council_ids())
    assert len(ids) >= 24
    with storage.connect(path) as con:
        for cid in ids[:-1]:
            access.delete_council(con, cid, "admin")
        assert demo.is_demo(con)  # one demo council is still loaded
        access.delete_council(con, ids[-1], "admin")
        assert not demo.is_demo(con)


def test_users_survive_a_demo_rebuild(tmp_path: Path) -> None:
    from mandate_core import demo

    path = demo.build_database(tmp_path / "demo.duckdb")
    with storage.connect(path) as con:
        access.add_user(con, "boss@example.org", "admin")
        access.add_user(con, "c@example.org", "council", "aldermoor")
    saved = access.saved_access(path)
    demo.build_database(path)
    access.restore_access(path, saved, "boss@example.org", "demo rebuilt")
    with storage.connect(path) as con:
        assert [u["email"] for u in access.list_users(con)] == ["boss@example.org", "c@example.org"]
        assert [e["action"] for e in access.activity(con)][:3] == ["demo rebuilt", "user added", "user added"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mandate_core", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=60)


def test_users_command_end_to_end(db: Path) -> None:
    d = str(db)
    assert _cli("users", "add", "--db", d, "--email", "Ana@Example.org", "--role", "analyst").returncode == 0
    assert cli_main(["users", "add", "--db", d, "--email", "c@example.org", "--role", "council",
                     "--council", "alpha"]) == 0
    listed = _cli("users", "list", "--db", d, "--json")
    assert listed.returncode == 0
    assert json.loads(listed.stdout) == [
        {"email": "ana@example.org", "role": "analyst", "council_id": None},
        {"email": "c@example.org", "role": "council", "council_id": "alpha"},
    ]
    bad = _cli("users", "add", "--db", d, "--email", "not-an-address", "--role", "admin")
    assert bad.returncode == 1 and "--email" in bad.stderr and "Traceback" not in bad.stderr
    assert cli_main(["users", "add", "--db", d, "--email", "x@example.org", "--role", "analyst",
                     "--council", "alpha"]) == 1
    assert cli_main(["users", "remove", "--db", d, "--email", "nobody@example.org"]) == 1
    assert cli_main(["users", "remove", "--db", d, "--email", "ANA@example.org"]) == 0
    assert _cli("users", "add", "--db", d, "--email", "x@example.org").returncode == 2  # --role missing
    assert _cli("users", "list", "--db", str(db.parent / "missing.duckdb"), "--json").returncode == 1
    with storage.connect(db, read_only=True) as con:
        assert [e["who"] for e in access.activity(con)] == [access.CLI_ACTOR] * 3


def test_demo_command_keeps_users(tmp_path: Path) -> None:
    d = str(tmp_path / "demo.duckdb")
    assert cli_main(["demo", "--db", d]) == 0
    assert cli_main(["users", "add", "--db", d, "--email", "boss@example.org", "--role", "admin"]) == 0
    assert cli_main(["demo", "--db", d]) == 0
    with storage.connect(d, read_only=True) as con:
        assert [u["email"] for u in access.list_users(con)] == ["boss@example.org"]
        assert access.activity(con)[0]["action"] == "demo rebuilt"



def test_deleting_a_council_deletes_its_live_sessions(db: Path) -> None:
    from mandate_core import live

    with storage.connect(db) as con:
        mine = live.open_session(con, "beta", "2026 live", ["Homes=place"])
        other = live.open_session(con, "alpha", "2026 live", ["Homes=place"])
        phone = live.join(con, mine.code, "officer", device_token="t" * 20)
        live.submit_theme(con, mine.code, phone.device_token, "Homes", {"now": 2, "next": 3, "ambition": 5})
        counts = access.delete_council(con, "beta", "admin@x.org")
        assert counts["sessions"] == 1
        left = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("live_sessions", "live_participants", "live_answers")}
        assert left == {"live_sessions": 1, "live_participants": 0, "live_answers": 0}
        assert con.execute("SELECT code FROM live_sessions").fetchone()[0] == other.code


def test_rebuild_keeping_access_records_the_actor(tmp_path: Path) -> None:
    # What the Data page's rebuild button runs: one admin and one council user before, both after, and
    # the rebuild recorded first under the page's actor.
    from mandate_core import demo

    path = demo.build_database(tmp_path / "demo.duckdb")
    with storage.connect(path) as con:
        access.add_user(con, "boss@example.org", "admin")
        access.add_user(con, "c@example.org", "council", "aldermoor")
    assert demo.rebuild_keeping_access(path, "boss@example.org") == path
    with storage.connect(path) as con:
        assert [u["email"] for u in access.list_users(con)] == ["boss@example.org", "c@example.org"]
        log = access.activity(con)
        assert [e["action"] for e in log][:3] == ["demo rebuilt", "user added", "user added"]
        assert log[0]["who"] == "boss@example.org"
        assert demo.is_demo(con)


def test_actor_of_names_the_principal_or_the_pages_fallback() -> None:
    admin = access.Principal(email="boss@example.org", role="admin")
    assert access.actor_of(admin, "unknown") == "boss@example.org"
    assert access.actor_of(None, "unknown") == "unknown"
    assert access.actor_of(None, "dashboard") == "dashboard"
    local = access.Principal(email=None, role="admin", local_mode=True)
    assert access.actor_of(local, "dashboard") == access.LOCAL_ACTOR == "local user"


def test_try_record_to_writes_or_skips_a_busy_file(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert access.try_record_to(db, "boss@example.org", "import", "a.csv, b.csv") is True
    with storage.connect(db) as con:
        line = access.activity(con)[0]
    assert (line["who"], line["action"], line["detail"]) == ("boss@example.org", "import", "a.csv, b.csv")

    def busy(*args: object, **kwargs: object) -> None:
        raise storage.StoreError("the database file is busy")

    monkeypatch.setattr(access.storage, "connect", busy)
    assert access.try_record_to(db, "boss@example.org", "import", "c.csv") is False  # no exception
    monkeypatch.undo()
    with storage.connect(db) as con:
        assert [e["detail"] for e in access.activity(con)] == ["a.csv, b.csv"]


def test_sign_in_address_prefers_the_email_claim() -> None:
    assert access.sign_in_address({"email": "Ana@Example.org", "preferred_username": "ana@tenant.example"}) \
        == "Ana@Example.org"
    # Entra ID without an e-mail claim: the sign-in name (UPN) stands in.
    assert access.sign_in_address({"email": None, "preferred_username": "ana@tenant.example"}) == "ana@tenant.example"
    assert access.sign_in_address({"email": "", "preferred_username": ""}) is None
    assert access.sign_in_address({}) is None
