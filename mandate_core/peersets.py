"""Saved peer sets: a hand-picked list of peer councils kept under a name, per user (schema version 4).

Why: a benchmark against the same five neighbours is run again and again; picking them one by one each
time is slow and error-prone.  A set belongs to the person who saved it (their sign-in e-mail, or the
local user), is stored one row per member council, and loses a council when that council is deleted
(``access.delete_council``).  Only a role that sees every council by name may save or list sets: a
council user sees peers as "Peer N" and must never be handed a list of real names.  Every value is a
bound parameter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import duckdb

from . import access, storage

MAX_NAME = 60
MAX_SETS = 50  # per owner


class PeerSetError(ValueError):
    """A set that cannot be saved: the message is for the page."""


def _may(principal: Any) -> None:
    if principal is None or not principal.sees_all_names:
        raise PermissionError("this account sees other councils as Peer N and cannot keep named peer sets")


def clean_name(raw: object) -> str:
    """The set's name as stored: trimmed, 1 to ``MAX_NAME`` characters, no control characters."""
    text = str(raw or "")
    if any(unicodedata.category(ch)[0] == "C" for ch in text):  # tabs and line breaks too
        raise PeerSetError("a peer set's name cannot hold control characters")
    name = " ".join(text.split())
    if not name:
        raise PeerSetError("give the peer set a name")
    if len(name) > MAX_NAME:
        raise PeerSetError(f"a peer set's name has at most {MAX_NAME} characters")
    return name


def list_sets(con: duckdb.DuckDBPyConnection, principal: Any) -> dict[str, list[str]]:
    """The principal's saved sets, name -> council ids in the order chosen, names in alphabetical order."""
    _may(principal)
    rows = con.execute(
        "SELECT p.name, p.council_id FROM peer_sets p JOIN councils c USING (council_id) "
        "WHERE p.owner = ? ORDER BY lower(p.name), p.name, p.position", [principal.actor]).fetchall()
    out: dict[str, list[str]] = {}
    for name, cid in rows:
        out.setdefault(name, []).append(cid)
    return out


def save_set(con: duckdb.DuckDBPyConnection, principal: Any, name: object, council_ids: Sequence[str]) -> str:
    """Save (or overwrite) the principal's set ``name`` with these councils; recorded in the activity
    record.  Returns the name as stored."""
    _may(principal)
    clean = clean_name(name)
    ids = list(dict.fromkeys(str(c) for c in council_ids))
    if not ids:
        raise PeerSetError("choose at least one peer council before saving")
    known = {r[0] for r in con.execute("SELECT council_id FROM councils").fetchall()}
    unknown = [c for c in ids if c not in known]
    if unknown:
        raise PeerSetError(f"no council with id “{unknown[0][:40]}” is loaded")
    existing = {r[0] for r in con.execute("SELECT DISTINCT name FROM peer_sets WHERE owner = ?",
                                          [principal.actor]).fetchall()}
    if clean not in existing and len(existing) >= MAX_SETS:
        raise PeerSetError(f"at most {MAX_SETS} saved peer sets each; delete one first")

    def work() -> None:
        con.execute("DELETE FROM peer_sets WHERE owner = ? AND name = ?", [principal.actor, clean])
        con.executemany("INSERT INTO peer_sets (owner, name, council_id, position) VALUES (?, ?, ?, ?)",
                        [[principal.actor, clean, cid, i] for i, cid in enumerate(ids)])
        access.record(con, principal.actor, "peer set saved", f"{clean}: {', '.join(ids)}")

    storage.run_in_transaction(con, work)
    return clean


def delete_set(con: duckdb.DuckDBPyConnection, principal: Any, name: str) -> None:
    """Delete one of the principal's sets (recorded)."""
    _may(principal)

    def work() -> None:
        con.execute("DELETE FROM peer_sets WHERE owner = ? AND name = ?", [principal.actor, str(name)])
        access.record(con, principal.actor, "peer set deleted", str(name)[:MAX_NAME])

    storage.run_in_transaction(con, work)


def name_of(sets: dict[str, list[str]], council_ids: Sequence[str]) -> str | None:
    """The saved set holding exactly these councils (in any order), if any: its name labels the view."""
    wanted = set(council_ids)
    return next((name for name, ids in sets.items() if wanted and set(ids) == wanted), None)
