"""AppTest of sign-in and roles (docs/signin.md): what each role's pages show, with ``at.user`` and ``at.secrets``.

A signed-in view is simulated by an ``[auth]`` section in ``at.secrets`` and ``at.user`` carrying
``is_logged_in`` and an e-mail; the role comes from the users table of a copy of the demo database.  The
leak checks read every element the app sent (protobufs, chart JSON, tables), not only visible text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_import import copy_db
from helpers_pages import open_folded
from streamlit.testing.v1 import AppTest

from mandate_core import access, catalog, demo, storage
from mandate_core.charts.base import font_size

REPO = Path(__file__).resolve().parent.parent
PAGES = ["pages/1_Overview.py", "pages/2_Council.py", "pages/3_Alignment.py", "pages/4_Themes.py",
         "pages/5_Benchmark.py", "pages/6_Trends.py", "pages/7_Data.py"]
WORKSHOP = "pages/11_Workshop.py"
OWN, OTHER = "aldermoor", "brackenfield"  # demo councils; Aldermoor has two rounds
ONE_ROUND = "dunmere"  # a demo council with one round, while others have several
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
    "client_id": "dashboard", "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
USERS = {"admin@example.org": ("admin", None), "analyst@example.org": ("analyst", None),
         "facilitator@example.org": ("facilitator", None), "council@example.org": ("council", OWN),
         "one-round@example.org": ("council", ONE_ROUND)}


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo.build_database(tmp_path_factory.mktemp("access") / "demo.duckdb")
    with storage.connect(path) as con:
        for email, (role, council) in USERS.items():
            access.add_user(con, email, role, council)
    return path


@pytest.fixture
def db(demo_copy: Path, monkeypatch: pytest.MonkeyPatch, make_store: Callable[..., str]) -> Path | str:
    """The demo with its users, on the DuckDB file and on PostgreSQL: roles are enforced on both."""
    path = copy_db(demo_copy, make_store("mandate"))
    monkeypatch.setenv("MANDATE_DB", str(path))
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    monkeypatch.delenv(access.ENV_REQUIRE_SIGN_IN, raising=False)
    return path


@pytest.fixture(scope="module")
def others(demo_copy: Path) -> list[str]:
    """Every way another council may be named: its name and its id."""
    with storage.connect(demo_copy, read_only=True) as con:
        cat = catalog.load_catalog(con)
    return [str(c[k]) for c in cat.councils if c["council_id"] != OWN for k in ("name", "council_id")]


def _app(email: str | None, *, signed_in: bool = True, auth: bool = True, **query: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    if auth:
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": signed_in, **({"email": email} if email else {})}
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _sent(at: AppTest) -> str:
    """Everything the app sent to the browser: every element's fields, chart JSON and table bytes — with
    every "numbers behind" table opened first (they are built only when opened)."""
    open_folded(at)
    parts = [str(getattr(node, "proto", "")) for node in _walk(at._tree)]
    parts += [json.dumps(json.loads(n.proto.spec)) for n in _walk(at._tree)
              if type(getattr(n, "proto", None)).__name__ == "PlotlyChart"]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts).replace("\\", "")  # Markdown escapes (carrow\-dene) hide nothing


def _named(text: str, names: list[str]) -> list[str]:
    return sorted({n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text, re.IGNORECASE)})


def _labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def _chart_font_sizes(at: AppTest) -> list[Any]:
    """The base font size of every chart on the page (debrief mode doubles it)."""
    return [json.loads(n.proto.spec)["layout"].get("font", {}).get("size") for n in _walk(at._tree)
            if type(getattr(n, "proto", None)).__name__ == "PlotlyChart"]


def _html(at: AppTest) -> list[str]:
    """Every ``st.html`` body sent (the debrief look is one), less the heading and phone CSS every page
    carries."""
    from pages import _layout

    common = {_layout.HEADING_CSS.strip(), _layout.PHONE_CSS.strip()}
    return [n.proto.body for n in _walk(at._tree) if type(getattr(n, "proto", None)).__name__ == "Html"
            and n.proto.body.strip() not in common]


def test_local_mode_is_full_access_and_says_so(db: Path) -> None:
    at = _app(None, auth=False)
    assert not at.exception
    assert "Local mode — no sign-in" in [c.value for c in at.sidebar.caption]
    assert at.sidebar.selectbox(key="sb_council").options  # the council list, every council named
    at.switch_page("pages/7_Data.py").run()
    assert "Check and import" in _labels(at) and "Rebuild the demo database" in _labels(at)
    at.switch_page("pages/10_Admin.py").run()
    assert [t.value for t in at.title] == ["Admin"]


def test_no_import_or_rebuild_in_debrief_mode_even_for_an_admin(db: Path) -> None:
    at = _app(None, auth=False, debrief="1")
    at.switch_page("pages/7_Data.py").run()
    assert not at.exception
    assert "Check and import" not in _labels(at) and "Rebuild the demo database" not in _labels(at)


def test_required_sign_in_without_auth_shows_no_data(db: Path, monkeypatch: pytest.MonkeyPatch,
                                                     others: list[str]) -> None:
    monkeypatch.setenv(access.ENV_REQUIRE_SIGN_IN, "1")
    at = _app(None, auth=False, council=OTHER)
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign-in must be configured"]
    assert _named(_sent(at), others + [OWN, "Aldermoor"]) == []
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/2_Council.py")


def test_signed_out_visitor_sees_only_the_sign_in_screen(db: Path, others: list[str]) -> None:
    at = _app(None, signed_in=False, council=OTHER)
    assert not at.exception
    assert _labels(at) == ["Sign in"]
    assert _named(_sent(at), others + [OWN, "Aldermoor"]) == []
    for page in PAGES:
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_a_phone_that_has_not_signed_in_reaches_the_join_page(db: Path, monkeypatch: pytest.MonkeyPatch,
                                                              others: list[str]) -> None:
    """The join page is the one page open without sign-in (docs/signin.md, docs/live.md); it names no other council."""
    from mandate_core import live

    with storage.connect(db) as con:
        code = live.open_session(con, OWN, "2026 live", ["Good jobs=economy"], opened_by="test").code
    at = _app(None, signed_in=False, code=code)
    assert not at.exception
    assert [t.value for t in at.title] == ["Innovation Mandate workshop"]
    assert "Sign in" not in _labels(at)
    assert _named(_sent(at), others) == []
    monkeypatch.setenv(access.ENV_REQUIRE_SIGN_IN, "1")  # a server refusing everything refuses this too
    refused = _app(None, auth=False, code=code)
    assert [t.value for t in refused.title] == ["Sign-in must be configured"]


def test_unknown_email_sees_no_access_and_no_names(db: Path, others: list[str]) -> None:
    at = _app("Stranger@Example.org", council=OTHER)
    assert not at.exception
    assert [t.value for t in at.title] == ["No access"]
    assert "Sign out" in _labels(at)
    assert _named(_sent(at), others + [OWN, "Aldermoor"]) == []
    assert not at.sidebar.selectbox


@pytest.mark.parametrize("page", PAGES)
def test_council_user_sees_only_their_council_named(db: Path, others: list[str], page: str) -> None:
    """Whatever the link asks for (another council, its round, a hand-picked peer list)."""
    at = _app("COUNCIL@example.org", council=OTHER, round="2024 baseline", peers="brackenfield,dunmere")
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]
    sent = _sent(at)
    assert _named(sent, others) == []
    assert "Aldermoor Borough Council" in sent
    assert at.query_params.get("council") in (OWN, [OWN])
    assert "brackenfield" not in str(at.query_params)
    assert "Check and import" not in _labels(at) and "Rebuild the demo database" not in _labels(at)
    # Anonymised without debrief mode's projector look: normal-size charts, no debrief in the link.
    assert set(_chart_font_sizes(at)) <= {font_size(False)}
    assert page == "pages/7_Data.py" or _chart_font_sizes(at), "the page drew its charts"
    assert "debrief" not in at.query_params


def test_council_user_is_anonymised_without_the_debrief_look(db: Path, others: list[str]) -> None:
    """Issue 13: anonymisation no longer comes from forcing debrief mode on.  The Overview opens (not the
    slides), in normal type and without the debrief CSS; switching debrief on projects, still anonymised."""
    at = _app("council@example.org", council=OTHER)
    assert not at.exception
    assert [t.value for t in at.title] == ["Sector overview"]
    assert not at.sidebar.toggle(key="sb_debrief").value
    assert not at.session_state["selection"].debrief and at.session_state["selection"].anonymise
    assert _html(at) == [] and set(_chart_font_sizes(at)) == {font_size(False)}
    assert _named(_sent(at), others) == [] and "Peer 1" in _sent(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/8_Debrief.py")  # no slides outside debrief mode

    at.sidebar.toggle(key="sb_debrief").set_value(True).run()  # a council user may still project
    assert not at.exception
    assert any("slide 1 of" in m.value for m in at.markdown)
    assert _html(at) and set(_chart_font_sizes(at)) == {font_size(True)}
    assert _named(_sent(at), others) == []
    at.switch_page("pages/2_Council.py").run()
    assert set(_chart_font_sizes(at)) == {font_size(True)}
    assert _named(_sent(at), others) == []


def test_trends_hint_offers_no_debrief_switch_to_a_council_user(db: Path, demo_copy: Path) -> None:
    """A council with one round: a council user is told others have several rounds, never to switch debrief
    off to see which (they cannot), and no other council is named; in an analyst's debrief the hint stays."""
    with storage.connect(demo_copy, read_only=True) as con:
        cat = catalog.load_catalog(con)
    others = [str(c[k]) for c in cat.councils if c["council_id"] != ONE_ROUND for k in ("name", "council_id")]
    at = _app("one-round@example.org")
    at.switch_page("pages/6_Trends.py").run()
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert "other councils have several rounds" in info
    assert "debrief" not in info.lower()
    assert _named(_sent(at), others) == []
    assert set(_chart_font_sizes(at)) <= {font_size(False)}

    analyst = _app("analyst@example.org", council=ONE_ROUND, debrief="1")
    analyst.switch_page("pages/6_Trends.py").run()
    assert "switch debrief mode off to see which" in " ".join(i.value for i in analyst.info)


def test_council_user_debrief_slides_and_no_admin_page(db: Path, others: list[str]) -> None:
    at = _app("council@example.org", council=OTHER, debrief="1")
    assert not at.exception
    assert _named(_sent(at), others) == []
    assert [s.value for s in at.sidebar.selectbox] and at.sidebar.toggle(key="sb_debrief").value
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/10_Admin.py")


def test_a_read_naming_another_council_is_refused_for_a_council_user(db: Path) -> None:
    """The guard where data is read: even a page that asked for another council would get nothing."""
    at = _app("council@example.org")
    principal = at.session_state["_principal"]
    with storage.connect(db, read_only=True) as con:
        ids = catalog.load_catalog(con).ids
    with pytest.raises(PermissionError):
        access.check_read(principal, ids, [OTHER, None])


@pytest.mark.parametrize("email", ["analyst@example.org", "facilitator@example.org"])
def test_analyst_and_facilitator_see_every_council_but_cannot_import(db: Path, email: str) -> None:
    at = _app(email, council=OTHER)
    assert not at.exception
    assert at.sidebar.selectbox(key="sb_council").value == OTHER
    assert "Brackenfield District Council" in _sent(at)
    at.switch_page("pages/7_Data.py").run()
    assert not at.exception
    assert "Check and import" not in _labels(at) and "Rebuild the demo database" not in _labels(at)
    assert at.get("download_button")  # downloads stay
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/10_Admin.py")
    if email.startswith("facilitator"):  # a facilitator runs workshop sessions; an analyst does not
        at.switch_page(WORKSHOP).run()
        assert not at.exception
    else:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(WORKSHOP)


def test_no_demo_banner_once_every_demo_council_is_deleted(db: Path, tmp_path: Path) -> None:
    """Today's complaint: the banner stayed on a council the user had imported."""
    from helpers_import import COUNCIL_COLUMNS, RESPONSE_COLUMNS, council, workshop, write_csv

    from mandate_core import importer

    importer.import_files(db, write_csv(tmp_path / "c.csv", [council("ours", name="Our Council")], COUNCIL_COLUMNS),
                          [write_csv(tmp_path / "r.csv", workshop("ours"), RESPONSE_COLUMNS)])
    at = _app(None, auth=False)
    assert re.search(r"demo data(?!base)", _sent(at), re.IGNORECASE)
    with storage.connect(db) as con:
        for cid in access.demo_council_ids():
            access.delete_council(con, cid, "admin")
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception
        # the banner, not the Data page's offer to rebuild the "demo database"
        assert not re.search(r"demo data(?!base)", _sent(at), re.IGNORECASE), page


def test_admin_manages_users_and_deletes_a_council(db: Path) -> None:
    at = _app("admin@example.org")
    at.switch_page("pages/10_Admin.py").run()
    assert not at.exception
    at.text_input(key="admin_email_0").input("not an address")
    at.button(key="admin_add").click().run()
    assert any("is not an e-mail address" in e.value.replace("\\", "") for e in at.error)
    at.text_input(key="admin_email_0").input("someone@example.org")
    at.selectbox(key="admin_role_0").select("council").run()
    at.button(key="admin_add").click().run()  # no council chosen
    assert any(e.value.replace("\\", "").startswith("Council: the council role needs") for e in at.error)
    at.text_input(key="admin_email_0").input("New@Example.org")
    at.selectbox(key="admin_role_0").select("analyst")
    at.button(key="admin_add").click().run()
    assert not at.exception and not at.error
    with storage.connect(db, read_only=True) as con:
        assert access.lookup_user(con, "new@example.org")["role"] == "analyst"
    at.selectbox(key="admin_del_council_1").select(OTHER).run()
    at.checkbox(key="admin_del_ok_1").check().run()
    at.button(key="admin_delete").click().run()
    assert not at.exception
    with storage.connect(db, read_only=True) as con:
        assert OTHER not in catalog.load_catalog(con).ids
        actions = [(e["who"], e["action"]) for e in access.activity(con)]
    assert ("admin@example.org", "council deleted") in actions
    assert ("admin@example.org", "user added") in actions
    assert ("admin@example.org", "sign-in") in actions
    assert "Activity record" in [s.value for s in at.header]  # an h2 under the page's h1


def test_a_role_change_shows_on_the_next_page_view(db: Path, others: list[str]) -> None:
    at = _app("council@example.org")
    assert _named(_sent(at), others) == []
    with storage.connect(db) as con:
        access.add_user(con, "council@example.org", "analyst")
    at.run()
    assert at.sidebar.selectbox(key="sb_council").options  # now every council is listed
    with storage.connect(db) as con:
        access.remove_user(con, "council@example.org")
    at.run()
    assert [t.value for t in at.title] == ["No access"]


def test_preferred_username_stands_in_for_a_missing_email_claim(db: Path) -> None:
    """Entra ID sends ``email`` only when the tenant adds it; ``preferred_username`` is the sign-in address."""
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "preferred_username": "Analyst@Example.org"}
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="sb_council").options


def test_sign_in_is_recorded_once_per_session(db: Path) -> None:
    at = _app("analyst@example.org")
    at.run()
    at.switch_page("pages/2_Council.py").run()
    with storage.connect(db, read_only=True) as con:
        sign_ins = [e for e in access.activity(con) if e["action"] == "sign-in"]
    assert [(e["who"], e["detail"]) for e in sign_ins] == [("analyst@example.org", "analyst")]
