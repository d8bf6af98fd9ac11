"""Who may see and do what (docs/signin.md): the signed-in principal, the users table and the activity record.

Identity comes from the sign-in provider (an e-mail address); the role comes only from our ``users``
table, never from the provider's claims, because claims differ between tenants.  Everything here is
pure Python on a DuckDB connection — no Streamlit — so the command line, the pages and the tests share
one set of rules, and the pages enforce them where data is read:

* :func:`decide` turns "is sign-in configured, is the visitor signed in, as whom" into one gate state;
* :func:`scope_selection` forces a council user's view onto their own council, anonymised exactly as in
  debrief mode (without its projector look), whatever the address bar or a widget says;
* :func:`check_read` refuses a data read that names another council for a council user.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import duckdb

from . import storage
from .benchmarking import PeerSet
from .domain import PEER_SETS
from .selection import Selection

ROLES = ("admin", "analyst", "facilitator", "council")
ROLE_LABELS = {
    "admin": "Administrator — everything, including imports, deletions and users",
    "analyst": "Analyst — every council named, every page and download; no imports",
    "facilitator": "Facilitator — an analyst who also runs workshop sessions",
    "council": "Council — one council named, every other council shown as Peer N; no imports",
}
ENV_REQUIRE_SIGN_IN = "MANDATE_REQUIRE_SIGN_IN"
#: Pages a visitor reaches without signing in (the participants' phone page, docs/live.md).  The one place
#: this is decided: the entry file adds these to the navigation in every gate state but "refused".
PUBLIC_PAGE_FILES = frozenset({"pages/9_join.py"})
#: Pages only for the roles that may use them: no other role has them in its navigation, so not even a
#: typed URL reaches them.
ADMIN_PAGE_FILES = frozenset({"pages/10_Admin.py"})
SESSION_PAGE_FILES = frozenset({"pages/11_Workshop.py"})
#: Who the command line acts as in the activity record.
CLI_ACTOR = "command line"
LOCAL_ACTOR = "local user"
MAX_EMAIL = 254
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


class AccessError(ValueError):
    """Bad input to a users command or an admin form; the message names the field and is shown as is."""


@dataclass(frozen=True)
class Principal:
    """The person behind a page view: their e-mail, role, council (council role only) and mode."""

    email: str | None
    role: str
    council_id: str | None = None
    local_mode: bool = False

    @property
    def sees_all_names(self) -> bool:
        """Every council named (admin, analyst, facilitator); a council user sees only their own."""
        return self.role != "council"

    @property
    def can_import(self) -> bool:
        return self.role == "admin"

    @property
    def can_delete(self) -> bool:
        return self.role == "admin"

    @property
    def can_manage_users(self) -> bool:
        return self.role == "admin"

    @property
    def can_run_sessions(self) -> bool:
        return self.role in ("admin", "facilitator")

    @property
    def actor(self) -> str:
        """How this person appears in the activity record."""
        return self.email or LOCAL_ACTOR


def actor_of(principal: Principal | None, fallback: str) -> str:
    """Who the activity record names for a change made on a page: the principal, or ``fallback`` when the
    page view has none (each page says which word it records then)."""
    return principal.actor if principal is not None else fallback


def may_open(principal: Principal | None, page_file: str) -> bool:
    """Whether a page belongs in this principal's navigation (the public pages are everyone's)."""
    if page_file in PUBLIC_PAGE_FILES:
        return True
    if principal is None:
        return False
    if page_file in ADMIN_PAGE_FILES:
        return principal.can_manage_users
    if page_file in SESSION_PAGE_FILES:
        return principal.can_run_sessions
    return True


#: One person on their own machine, no sign-in configured: full access (docs/signin.md#local-mode).
LOCAL = Principal(email=None, role="admin", local_mode=True)


# --- the gate ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gate:
    """What a page view may show: ``local`` and ``signed_in`` carry a principal; the others show no data.

    ``refused``: sign-in is required (``MANDATE_REQUIRE_SIGN_IN``) but not configured; ``sign_in``: the
    visitor has not signed in; ``no_access``: signed in with an e-mail that is not in the users table (or
    whose council is no longer loaded).
    """

    state: str
    principal: Principal | None = None
    email: str | None = None


def require_sign_in(environ: Mapping[str, str] | None = None) -> bool:
    """``MANDATE_REQUIRE_SIGN_IN=1`` (or true/yes/on): a server that must never run in local mode."""
    value = (environ if environ is not None else os.environ).get(ENV_REQUIRE_SIGN_IN, "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def sign_in_address(claims: Mapping[str, Any]) -> str | None:
    """The address a signed-in visitor is known by, from the identity token's claims (``st.user``).

    Entra ID gives ``email`` only when the tenant sets it; its ``preferred_username`` is the sign-in
    address (UPN), so it stands in when there is no ``email`` claim.  None when the token has neither.
    """
    value = claims.get("email") or claims.get("preferred_username")
    return str(value) if value else None


def decide(auth_configured: bool, require: bool, logged_in: bool, email: str | None,
           user: Mapping[str, Any] | None, council_ids: Iterable[str] = ()) -> Gate:
    """The gate for one page view, from the sign-in facts and the users-table row for the e-mail.

    Kept pure so every branch is unit-tested; the entry file only gathers the facts and draws the result.
    """
    if not auth_configured:
        return Gate("refused") if require else Gate("local", LOCAL)
    if not logged_in:
        return Gate("sign_in")
    shown = (email or "").strip().lower() or None
    if not user or user.get("role") not in ROLES:
        return Gate("no_access", email=shown)
    council = user.get("council_id")
    if user["role"] == "council" and council not in set(council_ids):
        return Gate("no_access", email=shown)
    return Gate("signed_in", Principal(shown, str(user["role"]), council if user["role"] == "council" else None),
                email=shown)


# --- scoping what a principal sees -----------------------------------------------------------------------

def scope_selection(principal: Principal | None, sel: Selection) -> Selection:
    """The selection a principal may see: a council user always gets their own council, anonymised.

    The view is ``scoped``, so its ``anonymise`` is true: every page, chart, table, download and the
    debrief pack treat every other council exactly as on the wall in a debrief.  ``debrief`` (the
    projector look) stays the user's own switch.  A hand-picked peer list (which would name councils)
    falls back to all councils.
    """
    if principal is None:
        return Selection()
    if principal.sees_all_names:
        return replace(sel, scoped=False) if sel.scoped else sel
    rnd = sel.round if sel.council == principal.council_id else None
    peers = sel.peers if sel.peers in PEER_SETS else "all"
    return replace(sel, council=principal.council_id, round=rnd, peers=peers, scoped=True, notes=[])


def check_read(principal: Principal | None, council_ids: Iterable[str], args: Iterable[Any]) -> None:
    """Refuse a data read whose arguments name a council the principal may not see by name.

    The pages pass their query arguments here before any query runs (``ui.cached`` in pages/_layout/reads.py), so
    a council user's reads can only ever be about their own council; aggregates over the sector (which
    the anonymiser then labels "Peer N") take no council argument.
    """
    if principal is None:
        raise PermissionError("not signed in")
    if principal.sees_all_names:
        return
    known = set(council_ids)
    for value in args:
        # A peer set names councils too: its hand-picked ids are checked like any council argument.
        named = value.ids if isinstance(value, PeerSet) else (value,) if isinstance(value, str) else ()
        if any(v in known and v != principal.council_id for v in named):
            raise PermissionError("this account sees one council only")


# --- users --------------------------------------------------------------------------------------------

def normalise_email(raw: object) -> str:
    """A user's e-mail in lower case (sign-in compares case-insensitively), or AccessError naming why."""
    email = str(raw or "").strip().lower()
    if not email:
        raise AccessError("--email: an e-mail address is required")
    if len(email) > MAX_EMAIL:
        raise AccessError(f"--email: longer than {MAX_EMAIL} characters")
    if not _EMAIL.match(email):
        shown = email if len(email) <= 60 else email[:60] + "…"
        raise AccessError(f"--email: “{shown}” is not an e-mail address (expected name@example.org)")
    return email


def _council_exists(con: duckdb.DuckDBPyConnection, council_id: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM councils WHERE council_id = ?", [council_id]).fetchone()[0])


def validate_user(con: duckdb.DuckDBPyConnection, email: object, role: object,
                  council_id: object = None) -> tuple[str, str, str | None]:
    """Check one user's fields (the same rules for the command line and the Admin page)."""
    address = normalise_email(email)
    role_text = str(role or "").strip().lower()
    if role_text not in ROLES:
        raise AccessError(f"--role: “{str(role or '')[:40]}” is not a role; use one of {', '.join(ROLES)}")
    council = str(council_id).strip() if council_id not in (None, "") else None
    if role_text == "council":
        if not council:
            raise AccessError("--council: the council role needs --council ID (the council this user sees)")
        if not _council_exists(con, council):
            raise AccessError(f"--council: no council with id “{council[:40]}” is loaded")
    elif council:
        raise AccessError(f"--council: only the council role takes a council; the {role_text} role sees "
                          "every council")
    return address, role_text, council


def add_user(con: duckdb.DuckDBPyConnection, email: object, role: object, council_id: object = None,
             actor: str = CLI_ACTOR) -> dict[str, Any]:
    """Add a user, or change the role of one already listed; recorded in the activity record."""
    address, role_text, council = validate_user(con, email, role, council_id)
    existed = lookup_user(con, address) is not None

    def work() -> None:
        con.execute("DELETE FROM users WHERE email = ?", [address])
        con.execute("INSERT INTO users (email, role, council_id) VALUES (?, ?, ?)", [address, role_text, council])
        what = f"{address} as {role_text}" + (f" of {council}" if council else "")
        record(con, actor, "user changed" if existed else "user added", what)

    storage.run_in_transaction(con, work)
    return {"email": address, "role": role_text, "council_id": council, "changed": existed}


def remove_user(con: duckdb.DuckDBPyConnection, email: object, actor: str = CLI_ACTOR) -> None:
    """Remove a user (they see the "no access" page on their next page view); unknown e-mail → error."""
    address = normalise_email(email)
    if lookup_user(con, address) is None:
        raise AccessError(f"--email: {address} is not a user")

    def work() -> None:
        con.execute("DELETE FROM users WHERE email = ?", [address])
        record(con, actor, "user removed", address)

    storage.run_in_transaction(con, work)


def list_users(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every user as ``{"email", "role", "council_id"}`` (docs/cli.md#users-list), by e-mail."""
    rows = con.execute("SELECT email, role, council_id FROM users ORDER BY email").fetchall()
    return [{"email": e, "role": r, "council_id": c if r == "council" else None} for e, r, c in rows]


def lookup_user(con: duckdb.DuckDBPyConnection, email: str | None) -> dict[str, Any] | None:
    """The users-table row of a signed-in e-mail (case-insensitive), or None."""
    address = (email or "").strip().lower()
    if not address:
        return None
    row = con.execute("SELECT email, role, council_id FROM users WHERE lower(email) = ?", [address]).fetchone()
    return {"email": row[0], "role": row[1], "council_id": row[2]} if row else None


# --- the activity record ---------------------------------------------------------------------------------

def record(con: duckdb.DuckDBPyConnection, actor: str, action: str, detail: str = "") -> None:
    """Write one line of the activity record (who, what, detail); the time is the database's clock."""
    con.execute("INSERT INTO activity (actor, action, detail) VALUES (?, ?, ?)",
                [str(actor)[:320], str(action)[:60], str(detail)[:2000]])


def record_to(db: str | os.PathLike[str] | None, actor: str, action: str, detail: str = "",
              timeout: float | None = None) -> None:
    """Open the database for one write of the activity record (for callers without a connection)."""
    with storage.connect(db, timeout=timeout) as con:
        record(con, actor, action, detail)


def try_record_to(db: str | os.PathLike[str] | None, actor: str, action: str, detail: str = "",
                  timeout: float | None = None) -> bool:
    """:func:`record_to` for a page whose action is already done (an import, a sign-in): a busy or faulty
    file must not turn the action into a failure, so a line that cannot be written is skipped and False
    returned (the caller may try again on the next page view)."""
    try:
        record_to(db, actor, action, detail, timeout=timeout)
    except storage.StoreError:
        return False
    return True


def activity(con: duckdb.DuckDBPyConnection, limit: int = 500) -> list[dict[str, Any]]:
    """The newest ``limit`` lines of the activity record, newest first."""
    rows = con.execute("SELECT happened_at, actor, action, detail FROM activity "
                       "ORDER BY happened_at DESC, rowid DESC LIMIT ?", [int(limit)]).fetchall()
    return [{"when": str(t)[:19], "who": a, "action": act, "detail": d} for t, a, act, d in rows]


# --- deletions (admin) ------------------------------------------------------------------------------------

def demo_council_ids() -> set[str]:
    """The ids of the shipped fictional councils (data/demo/councils.csv)."""
    from . import demo

    path = demo.DEMO_DIR / demo.COUNCILS_FILE
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return {row["council_id"] for row in csv.DictReader(fh)}
    except OSError:
        return set()


def _forget_demo_mark_if_none_left(con: duckdb.DuckDBPyConnection) -> None:
    """Once no demo council is loaded the database is no longer "demo data", so no page says it is."""
    from . import demo

    ids = sorted(demo_council_ids())
    left = con.execute("SELECT count(*) FROM councils WHERE list_contains(?, council_id)", [ids]).fetchone()[0]
    if not left:
        con.execute("DELETE FROM meta WHERE key = ?", [demo.DEMO_MARK_KEY])


def delete_council(con: duckdb.DuckDBPyConnection, council_id: str, actor: str) -> dict[str, int]:
    """Delete a council with every round and answer of it, and its council users, in one transaction."""
    if not _council_exists(con, council_id):
        raise AccessError(f"council: no council with id “{str(council_id)[:40]}” is loaded")
    counts: dict[str, int] = {}

    def work() -> None:
        counts["rounds"] = con.execute("SELECT count(*) FROM rounds WHERE council_id = ?", [council_id]).fetchone()[0]
        counts["answers"] = con.execute("SELECT count(*) FROM answers WHERE council_id = ?",
                                        [council_id]).fetchone()[0]
        counts["users"] = con.execute("SELECT count(*) FROM users WHERE council_id = ?", [council_id]).fetchone()[0]
        # its live workshop sessions go too: their answers are the council's, and an open one could
        # never close without the council
        counts["sessions"] = con.execute("SELECT count(*) FROM live_sessions WHERE council_id = ?",
                                         [council_id]).fetchone()[0]
        con.execute("DELETE FROM live_answers WHERE code IN "
                    "(SELECT code FROM live_sessions WHERE council_id = ?)", [council_id])
        con.execute("DELETE FROM live_participants WHERE code IN "
                    "(SELECT code FROM live_sessions WHERE council_id = ?)", [council_id])
        for table in ("live_sessions", "answers", "rounds", "councils"):
            con.execute(f"DELETE FROM {table} WHERE council_id = ?", [council_id])  # noqa: S608 - fixed names
        con.execute("DELETE FROM users WHERE council_id = ?", [council_id])
        con.execute("DELETE FROM peer_sets WHERE council_id = ?", [council_id])  # it leaves saved peer sets
        _forget_demo_mark_if_none_left(con)
        record(con, actor, "council deleted",
               f"{council_id}: {counts['rounds']} rounds, {counts['answers']} answers, {counts['users']} users")

    storage.run_in_transaction(con, work)
    return counts


def delete_round(con: duckdb.DuckDBPyConnection, council_id: str, round_label: str, actor: str) -> int:
    """Delete one council's round and its answers (the council stays); returns the answers removed."""
    found = con.execute("SELECT count(*) FROM rounds WHERE council_id = ? AND round = ?",
                        [council_id, round_label]).fetchone()[0]
    if not found:
        raise AccessError(f"round: “{str(round_label)[:60]}” is not loaded for {str(council_id)[:40]}")
    removed: list[int] = []

    def work() -> None:
        removed.append(con.execute("SELECT count(*) FROM answers WHERE council_id = ? AND round = ?",
                                   [council_id, round_label]).fetchone()[0])
        con.execute("DELETE FROM answers WHERE council_id = ? AND round = ?", [council_id, round_label])
        con.execute("DELETE FROM rounds WHERE council_id = ? AND round = ?", [council_id, round_label])
        record(con, actor, "round deleted", f"{council_id}, {round_label}: {removed[0]} answers")

    storage.run_in_transaction(con, work)
    return removed[0]


# --- keeping users across a demo rebuild ------------------------------------------------------------------

def saved_access(db: str | os.PathLike[str] | None) -> tuple[list[tuple[Any, ...]], ...]:
    """Users, activity rows and saved peer sets, read before the demo rebuild replaces the whole file."""
    path = storage.resolve_db_path(db)
    if not storage.exists(path):
        return [], [], []
    with storage.connect(path) as con:
        users = con.execute("SELECT email, role, council_id, added_at FROM users").fetchall()
        log = con.execute("SELECT happened_at, actor, action, detail FROM activity ORDER BY rowid").fetchall()
        sets = con.execute("SELECT owner, name, council_id, position, saved_at FROM peer_sets").fetchall()
    return users, log, sets


def restore_access(db: str | os.PathLike[str] | None, saved: tuple[list[tuple[Any, ...]], ...],
                   actor: str, action: str, detail: str = "") -> None:
    """Put users, the activity record and saved peer sets back after a rebuild (council users and peer-set
    members whose council is gone are dropped), then record the rebuild itself, so an administrator never
    locks everyone out.  ``saved`` may be the older (users, log) pair."""
    users, log, *rest = saved
    sets = rest[0] if rest else []
    with storage.connect(db) as con:
        def work() -> None:
            for email, role, council, added in users:
                if role == "council" and not _council_exists(con, council):
                    continue
                con.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)", [email, role, council, added])
            if log:
                con.executemany("INSERT INTO activity VALUES (?, ?, ?, ?)", log)
            for row in sets:
                if _council_exists(con, row[2]):
                    con.execute("INSERT OR REPLACE INTO peer_sets VALUES (?, ?, ?, ?, ?)", list(row))
            record(con, actor, action, detail)

        storage.run_in_transaction(con, work)
