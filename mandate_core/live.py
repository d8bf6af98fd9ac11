"""Live capture in the workshop (docs/live.md): sessions, phones joining, answers, and closing into a round.

A facilitator opens a *session* for a council and round; participants join on their phones with a short
code and answer theme by theme; closing the session stores the round.  Closing writes the answers to a
responses CSV and imports it with :func:`mandate_core.importer.import_into`, inside the same transaction
that marks the session closed, so a closed session is stored exactly as importing the same answers would
store it (same checks, same tables, same ``--replace`` rule) — the importer's rules are never copied here.

Concurrency.  Across processes, DuckDB lets one process write the file at a time (``storage.connect``
waits).  Inside one process, connections share one database whose optimistic concurrency does not catch
every lost update, so every write here runs under one process-wide lock: joins cannot pass the
participant limit, an answer cannot slip in while the session closes, and two facilitators closing at
once store the round once.  Each write is a few milliseconds.

Nothing here imports streamlit: the command line and the pages share it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from . import domain, importer, palette
from .text import html_escape

#: Six characters from an alphabet without look-alikes: no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V.
CODE_ALPHABET = "ACEFHJKMNPRTWXY3479"
CODE_LENGTH = 6
MAX_PARTICIPANTS = 200
MAX_THEMES = 12
MAX_GROUPS = 12
#: A session takes answers for this long after it opens (a workshop is one day).
SESSION_HOURS = 12
#: Each phone may submit this many times per window (a person answers a theme in well over a second).
RATE_LIMIT = 10
RATE_WINDOW_S = 30
JOIN_PATH = "/join"

WRONG_CODE = "There is no session with this code. Check the code on the screen and try again."

#: The words a phone shows beside each score (docs/metrics.md#the-scales), so every phone reads the scale the same way.
CHANGE_WORDS = {n: f"{n} · {domain.band_of(n)}" for n in range(domain.CHANGE_MIN, domain.CHANGE_MAX + 1)}
RISK_WORDS = {n: f"{n} · {word}" for n, word in domain.RISK_LEVELS.items()}
QUESTIONS = {"now": "Now: where is the change programme today?",
             "next": "Next step: what comes in the next 1–2 years?",
             "ambition": "Ambition: how far are you willing to go, about 5 years out?"}

_WRITE_LOCK = threading.RLock()
T = TypeVar("T")

#: The only tables a phone's join, answers and page view change: a shared store then need not hash the
#: answers table for each of a room's taps (storage.connect's ``tables``).
PHONE_TABLES = ("live_sessions", "live_participants", "live_answers")


class LiveError(Exception):
    """Bad input or a session that cannot do what was asked; the message is shown to the user as is."""


@dataclass(frozen=True)
class Theme:
    """One of the session's themes: the council's own label and its sector key (docs/formats.md#sector-themes)."""

    label: str
    sector: str


@dataclass(frozen=True)
class Session:
    """A live session as stored."""

    code: str
    council_id: str
    round: str
    workshop_date: str
    themes: tuple[Theme, ...]
    groups: tuple[str, ...]
    state: str
    revealed: bool
    joined: int
    opened_at: dt.datetime
    expires_at: dt.datetime | None

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and (now or _now()) >= self.expires_at

    def open_json(self) -> dict[str, Any]:
        """``session open --json`` (docs/cli.md#session-open), exactly."""
        return {"code": self.code, "council_id": self.council_id, "round": self.round, "state": "open",
                "join_path": join_path(self.code)}


@dataclass(frozen=True)
class Participant:
    """A phone that joined: its secret device token and the pseudonymous id its answers are stored under."""

    device_token: str
    participant: str
    role: str
    group: str | None


@dataclass(frozen=True)
class CloseResult:
    """What closing stored: nothing when no one answered."""

    code: str
    council_id: str
    round: str
    answers: int
    participants: int
    replaced: bool

    def summary(self) -> str:
        if not self.answers:
            return f"session {self.code} closed with no answers; nothing was stored"
        verb = "replaced" if self.replaced else "added"
        return (f"session {self.code} closed: {self.council_id} / {self.round}: {self.answers} answers from "
                f"{self.participants} participants {verb}")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def join_path(code: str) -> str:
    """The address a phone opens, relative to the app (docs/live.md)."""
    return f"{JOIN_PATH}?code={code}"


def normalise_code(text: object) -> str | None:
    """A typed code in the stored form (upper case, spaces and dashes dropped), or None if it cannot be one."""
    if not isinstance(text, str):
        return None
    code = re.sub(r"[\s-]+", "", text).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# --- parsing what a facilitator typed -------------------------------------------------------------------

def parse_theme(text: str) -> Theme:
    """``LABEL=SECTOR_KEY`` as given to ``session open --theme``, with the import's rules (docs/formats.md)."""
    if "=" not in text:
        raise LiveError(f"theme {text.strip()[:40]!r}: write it as LABEL=SECTOR_KEY, e.g. "
                        "\"Net zero by 2040=environment\"")
    label, sector = text.rsplit("=", 1)
    return check_theme(label, sector)


def check_theme(label: str, sector: str) -> Theme:
    label, key = label.strip(), sector.strip().lower()
    if not label:
        raise LiveError("a theme needs a label (1–120 characters)")
    if len(label) > importer.MAX_TEXT:
        raise LiveError(f"theme {label[:40]!r}…: the label must be at most {importer.MAX_TEXT} characters")
    if key not in domain.SECTOR_THEMES:
        raise LiveError(f"theme {label[:40]!r}: sector key must be one of {', '.join(domain.SECTOR_THEMES)} "
                        f"(got {sector.strip()[:40]!r})")
    return Theme(label, key)


def parse_groups(text: str | Sequence[str] | None) -> list[str]:
    """Political groups from ``"A,B,C"`` or a list: trimmed, blanks dropped, each 1–120 characters, no repeats."""
    if text is None:
        return []
    items = text.split(",") if isinstance(text, str) else list(text)
    groups: list[str] = []
    for raw in items:
        name = str(raw).strip()
        if not name:
            continue
        if len(name) > importer.MAX_TEXT:
            raise LiveError(f"group {name[:40]!r}…: at most {importer.MAX_TEXT} characters")
        if name.lower() in (g.lower() for g in groups):
            raise LiveError(f"group {name!r} is listed twice")
        groups.append(name)
    if len(groups) > MAX_GROUPS:
        raise LiveError(f"at most {MAX_GROUPS} political groups")
    return groups


def _check_date(value: str | dt.date | None) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return dt.date.today().isoformat()
    if isinstance(value, dt.date):
        day = value
    else:
        text = value.strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise LiveError(f"date must be written YYYY-MM-DD (got {text[:40]!r})") from None
    if not importer.MIN_YEAR <= day.year <= importer.MAX_YEAR:
        raise LiveError(f"date must be in the years {importer.MIN_YEAR} to {importer.MAX_YEAR}")
    return day.isoformat()


# --- transactions -------------------------------------------------------------------------------------

def _write(con: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    """``work`` as one transaction under the process-wide write lock."""
    with _WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            result = work()
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return result


class _InOuterTransaction:
    """A connection whose BEGIN, COMMIT and ROLLBACK are left to the caller's transaction.

    The importer runs its write as its own transaction; closing a session must put that write and the
    session's new state in one, so that a crash or a failed check leaves the session open and nothing
    stored.  Everything else passes straight through to the real connection.
    """

    _CONTROL = re.compile(r"\s*(BEGIN(\s+TRANSACTION)?|COMMIT|ROLLBACK|ABORT|END)\s*;?\s*$", re.IGNORECASE)

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query, str) and self._CONTROL.fullmatch(query):
            return self
        return self._con.execute(query, *args, **kwargs)

    def begin(self) -> Any:
        return self

    def commit(self) -> Any:
        return self

    def rollback(self) -> Any:
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


# --- sessions -----------------------------------------------------------------------------------------

def _session_of(row: Sequence[Any]) -> Session:
    """A stored row (code, council, round, date, themes, groups, state, revealed, joined, opened, expires)."""
    themes = tuple(Theme(t["label"], t["sector"]) for t in json.loads(row[4]))
    return Session(code=row[0], council_id=row[1], round=row[2], workshop_date=row[3], themes=themes,
                   groups=tuple(json.loads(row[5])), state=row[6], revealed=bool(row[7]), joined=int(row[8]),
                   opened_at=row[9], expires_at=row[10])


def find_session(con: duckdb.DuckDBPyConnection, code: object) -> Session | None:
    """The session with this code (typed in any case), or None."""
    normal = normalise_code(code)
    if normal is None:
        return None
    row = con.execute("SELECT code, council_id, round, strftime(workshop_date, '%Y-%m-%d'), themes, groups, state, "
                      "revealed, joined, opened_at, expires_at FROM live_sessions WHERE code = ?", [normal]).fetchone()
    return _session_of(row) if row else None


def get_session(con: duckdb.DuckDBPyConnection, code: object) -> Session:
    session = find_session(con, code)
    if session is None:
        raise LiveError(f"no session has the code {str(code).strip()[:12]!r}")
    return session


def open_sessions(con: duckdb.DuckDBPyConnection) -> list[Session]:
    """Sessions not yet closed, newest first (for the Workshop page)."""
    rows = con.execute("SELECT code, council_id, round, strftime(workshop_date, '%Y-%m-%d'), themes, groups, state, "
                       "revealed, joined, opened_at, expires_at FROM live_sessions WHERE state = 'open' "
                       "ORDER BY opened_at DESC, code").fetchall()
    return [_session_of(r) for r in rows]


def open_session(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    themes: Iterable[str | Theme],
    groups: str | Sequence[str] | None = None,
    workshop_date: str | dt.date | None = None,
    *,
    opened_by: str = "",
    now: dt.datetime | None = None,
) -> Session:
    """Open a session (council must exist; round 1–60 characters; at least one theme; one open session per
    council and round).  A round already stored may be opened again: closing it then needs ``replace``."""
    council_id = (council_id or "").strip()
    rnd = (round_label or "").strip()
    if not rnd:
        raise LiveError("the round needs a label (1–60 characters), e.g. \"2026 workshop\"")
    if len(rnd) > importer.MAX_ROUND:
        raise LiveError(f"the round label must be at most {importer.MAX_ROUND} characters")
    parsed = [t if isinstance(t, Theme) else parse_theme(t) for t in themes]
    parsed = [check_theme(t.label, t.sector) for t in parsed]
    if not parsed:
        raise LiveError("give at least one theme (LABEL=SECTOR_KEY)")
    if len(parsed) > MAX_THEMES:
        raise LiveError(f"at most {MAX_THEMES} themes in one session")
    seen: set[str] = set()
    for t in parsed:
        if t.label.lower() in seen:
            raise LiveError(f"theme {t.label!r} is listed twice")
        seen.add(t.label.lower())
    group_list = parse_groups(groups)
    day = _check_date(workshop_date)
    opened = now or _now()
    themes_json = json.dumps([{"label": t.label, "sector": t.sector} for t in parsed], ensure_ascii=False)

    def work() -> Session:
        if not con.execute("SELECT 1 FROM councils WHERE council_id = ?", [council_id]).fetchone():
            raise LiveError(f"unknown council {council_id!r}; import a councils file with it first")
        other = con.execute("SELECT code FROM live_sessions WHERE council_id = ? AND round = ? AND state = 'open'",
                            [council_id, rnd]).fetchone()
        if other:
            raise LiveError(f"session {other[0]} is already open for {council_id} / {rnd}; close it first")
        code = new_code()
        while con.execute("SELECT 1 FROM live_sessions WHERE code = ?", [code]).fetchone():
            code = new_code()
        con.execute(
            """INSERT INTO live_sessions (code, council_id, round, workshop_date, themes, groups, state,
                                          opened_by, opened_at, expires_at)
               VALUES (?, ?, ?, CAST(? AS DATE), ?, ?, 'open', ?, ?, ?)""",
            [code, council_id, rnd, day, themes_json, json.dumps(group_list, ensure_ascii=False), opened_by,
             opened, opened + dt.timedelta(hours=SESSION_HOURS)],
        )
        _record(con, opened_by, "session open", f"{code}: {council_id} / {rnd}", opened)
        return get_session(con, code)

    return _write(con, work)


def round_stored(con: duckdb.DuckDBPyConnection, council_id: str, round_label: str) -> bool:
    """Whether closing this session will need ``replace`` (the round is already in the database)."""
    return con.execute("SELECT 1 FROM rounds WHERE council_id = ? AND round = ?",
                       [council_id, round_label]).fetchone() is not None


def _record(con: duckdb.DuckDBPyConnection, actor: str, action: str, detail: str, when: dt.datetime) -> None:
    """Who did what (docs/signin.md), in the same transaction as the change."""
    has_table = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'activity'"
                            ).fetchone()
    if has_table and has_table[0]:
        con.execute("INSERT INTO activity (happened_at, actor, action, detail) VALUES (?, ?, ?, ?)",
                    [when, actor or "command line", action, detail])


def _open_for_answers(con: duckdb.DuckDBPyConnection, code: object, now: dt.datetime) -> Session:
    """The session, if it takes answers now; otherwise the one clear message a phone shows."""
    session = find_session(con, code)
    if session is None:
        raise LiveError(WRONG_CODE)
    if not session.is_open:
        raise LiveError("This session has closed and takes no more answers. Thank you for taking part.")
    if session.expired(now):
        raise LiveError("This session has expired and takes no more answers.")
    return session


def session_for_join(con: duckdb.DuckDBPyConnection, code: object, now: dt.datetime | None = None) -> Session:
    """The session a phone may join, or a LiveError saying why not (wrong, closed or expired code)."""
    return _open_for_answers(con, code, now or _now())


def prefill(con: duckdb.DuckDBPyConnection, council_id: str) -> tuple[list[Theme], list[str]]:
    """The council's themes and political groups in its latest round, to start a new session from."""
    row = con.execute("SELECT round FROM rounds WHERE council_id = ? ORDER BY workshop_date DESC, round DESC "
                      "LIMIT 1", [council_id]).fetchone()
    if not row:
        return [], []
    themes = [Theme(label, sector) for label, sector in con.execute(
        "SELECT theme, any_value(sector_theme) FROM answers WHERE council_id = ? AND round = ? GROUP BY theme "
        "ORDER BY theme", [council_id, row[0]]).fetchall()]
    groups = [g for (g,) in con.execute(
        "SELECT DISTINCT grp FROM answers WHERE council_id = ? AND round = ? AND role = 'member' AND grp IS NOT "
        "NULL ORDER BY grp", [council_id, row[0]]).fetchall()]
    return themes, groups


# --- phones -------------------------------------------------------------------------------------------

def _check_role(session: Session, role: str, group: str | None) -> tuple[str, str | None]:
    role = (role or "").strip().lower()
    if role not in domain.ROLES:
        raise LiveError("choose officer or member")
    if role == "officer":
        return role, None
    if not session.groups:
        raise LiveError("this session lists no political groups, so members cannot join it; ask the facilitator")
    match = [g for g in session.groups if g == (group or "").strip()]
    if not match:
        raise LiveError("choose your political group from the list")
    return role, match[0]


def participant_of(con: duckdb.DuckDBPyConnection, code: object, device_token: object) -> Participant | None:
    """The participant this phone joined as, or None (unknown token: the phone joins afresh)."""
    normal = normalise_code(code)
    if normal is None or not isinstance(device_token, str) or not device_token:
        return None
    row = con.execute("SELECT device_token, participant, role, grp FROM live_participants "
                      "WHERE code = ? AND device_token = ?", [normal, device_token]).fetchone()
    return Participant(row[0], row[1], row[2], row[3]) if row else None


def join(
    con: duckdb.DuckDBPyConnection,
    code: object,
    role: str,
    group: str | None = None,
    device_token: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Participant:
    """Join a session as officer or member (with a group from the session's list).

    A phone that already joined (same token) keeps its participant id and may change its role or group
    while the session is open.  A new phone gets a fresh device token and a generated pseudonymous id.
    """
    when = now or _now()

    def work() -> Participant:
        session = _open_for_answers(con, code, when)
        checked_role, checked_group = _check_role(session, role, group)
        known = participant_of(con, session.code, device_token)
        if known is not None:
            con.execute("UPDATE live_participants SET role = ?, grp = ? WHERE code = ? AND device_token = ?",
                        [checked_role, checked_group, session.code, known.device_token])
            return Participant(known.device_token, known.participant, checked_role, checked_group)
        if session.joined >= MAX_PARTICIPANTS:
            raise LiveError(f"This session is full ({MAX_PARTICIPANTS} participants).")
        token = secrets.token_urlsafe(18)
        pid = "P" + secrets.token_hex(4).upper()
        while con.execute("SELECT 1 FROM live_participants WHERE code = ? AND participant = ?",
                          [session.code, pid]).fetchone():
            pid = "P" + secrets.token_hex(4).upper()
        con.execute("INSERT INTO live_participants (code, device_token, participant, role, grp, joined_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [session.code, token, pid, checked_role, checked_group, when])
        con.execute("UPDATE live_sessions SET joined = joined + 1 WHERE code = ?", [session.code])
        return Participant(token, pid, checked_role, checked_group)

    return _write(con, work)


def _small_int(value: object, lo: int, hi: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise LiveError(f"{what} must be a whole number from {lo} to {hi}")
    try:
        number = int(value)
    except ValueError:
        raise LiveError(f"{what} must be a whole number from {lo} to {hi}") from None
    if not lo <= number <= hi:
        raise LiveError(f"{what} must be a whole number from {lo} to {hi}")
    return number


def submit_theme(
    con: duckdb.DuckDBPyConnection,
    code: object,
    device_token: str,
    theme: str,
    changes: Mapping[str, int],
    risks: Mapping[str, int | None] | None = None,
    note: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Store one theme's answers from one phone at once (replacing what it gave before).

    ``changes`` holds the 1–6 score of every horizon (now, next, ambition); ``risks`` an optional 1–5 per
    horizon; ``note`` (optional, at most 2,000 characters) goes with the ambition answer.
    """
    when = now or _now()
    for horizon in changes:
        if horizon not in domain.HORIZONS:
            raise LiveError(f"unknown horizon {horizon!r}")
    missing = [domain.HORIZON_LABELS[h] for h in domain.HORIZONS if changes.get(h) is None]
    if missing:
        raise LiveError("answer every horizon: " + ", ".join(missing) + " is missing")
    scores = {h: _small_int(changes[h], domain.CHANGE_MIN, domain.CHANGE_MAX, f"{domain.HORIZON_LABELS[h]}")
              for h in domain.HORIZONS}
    risk_of: dict[str, int | None] = {}
    for h in domain.HORIZONS:
        raw = (risks or {}).get(h)
        risk_of[h] = None if raw is None or raw == "" else _small_int(raw, domain.RISK_MIN, domain.RISK_MAX,
                                                                      "risk")
    text = (note or "").strip() or None
    if text is not None and len(text) > importer.MAX_NOTE:
        raise LiveError(f"the note must be at most {importer.MAX_NOTE:,} characters (it has {len(text):,})")

    def work() -> None:
        session = _open_for_answers(con, code, when)
        if theme not in [t.label for t in session.themes]:
            raise LiveError("unknown theme for this session")
        row = con.execute("SELECT participant, rate_started, rate_count FROM live_participants "
                          "WHERE code = ? AND device_token = ?", [session.code, device_token]).fetchone()
        if row is None:
            raise LiveError("This phone has not joined the session; open the join link again.")
        participant, started, count = row
        if started is None or (when - started).total_seconds() >= RATE_WINDOW_S:
            started, count = when, 0
        if count >= RATE_LIMIT:
            raise LiveError("Too many answers from this phone in a short time; wait a few seconds and try again.")
        con.execute("UPDATE live_participants SET rate_started = ?, rate_count = ? WHERE code = ? AND "
                    "device_token = ?", [started, count + 1, session.code, device_token])
        con.executemany(
            "INSERT OR REPLACE INTO live_answers (code, participant, theme, horizon, change, risk, note, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [[session.code, participant, theme, h, scores[h], risk_of[h], text if h == "ambition" else None, when]
             for h in domain.HORIZONS],
        )

    _write(con, work)


def my_answers(con: duckdb.DuckDBPyConnection, code: object, device_token: str) -> dict[str, dict[str, Any]]:
    """What this phone has answered, by theme: ``{"changes": {h: n}, "risks": {h: n|None}, "note": str|None}``."""
    normal = normalise_code(code)
    if normal is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for theme, horizon, change, risk, note in con.execute(
        """SELECT a.theme, a.horizon, a.change, a.risk, a.note FROM live_answers a
           JOIN live_participants p ON p.code = a.code AND p.participant = a.participant
           WHERE a.code = ? AND p.device_token = ?""", [normal, device_token]
    ).fetchall():
        entry = found.setdefault(theme, {"changes": {}, "risks": {}, "note": None})
        entry["changes"][horizon] = int(change)
        entry["risks"][horizon] = None if risk is None else int(risk)
        if note:
            entry["note"] = note
    return found


# --- what the phone page shows (pages/9_join.py lays it out) --------------------------------------------

#: The roles a phone may choose, as the phone page words them (a member only where the session has groups).
ROLE_WORDS = {"officer": "An officer (a senior manager)", "member": "A member (an elected councillor)"}
#: The reminder of the change scale above each theme's questions (the bands (docs/metrics.md#the-scales)).
SCALE_HINT = ("1–2 Better: do what we do, better · 3–4 Differently: do it in a different way · "
              "5–6 New: do something not done before")


def typed_code(text: object) -> str:
    """What goes into the address for a typed code: the code as stored when it is one, else what was
    typed, trimmed to 12 characters (so the page says "no session with this code" rather than nothing)."""
    typed = str(text or "")
    return normalise_code(typed) or typed.strip()[:12]


def role_choices(session: Session) -> dict[str, str]:
    """The roles this session offers: officers always, members only when it lists political groups."""
    return {k: v for k, v in ROLE_WORDS.items() if k != "member" or session.groups}


def index_of(options: Sequence[Any], value: Any) -> int | None:
    """The position of an earlier choice among the options, or None (nothing chosen yet) when it is gone."""
    return list(options).index(value) if value is not None and value in options else None


def phone_view(con: duckdb.DuckDBPyConnection, code: object,
               device_token: object) -> tuple[Session, Participant | None, dict[str, dict[str, Any]]]:
    """Everything a phone's page view reads, in one connection: the open session, this phone's
    participant (None: it joins afresh) and its answers so far."""
    session = session_for_join(con, code)
    me = participant_of(con, session.code, device_token)
    return session, me, my_answers(con, session.code, me.device_token) if me else {}


def given_answer(mine: Mapping[str, dict[str, Any]], label: str) -> dict[str, Any]:
    """This phone's answer to a theme, or an empty one, as :func:`my_answers` shapes them."""
    return mine.get(label, {"changes": {}, "risks": {}, "note": None})


def theme_menu(session: Session, mine: Mapping[str, Any]) -> tuple[int, int, dict[int, str]]:
    """The phone's theme list: how many themes are answered, the first one still open (the number of
    themes when all are answered) and each theme's label, ticked when answered."""
    answered = sum(1 for t in session.themes if t.label in mine)
    first_open = next((i for i, t in enumerate(session.themes) if t.label not in mine), len(session.themes))
    labels = {i: ("✓ " if t.label in mine else "") + t.label for i, t in enumerate(session.themes)}
    return answered, first_open, labels


def next_theme(labels: Sequence[str], answered: Iterable[str], saved: str) -> int:
    """The theme a phone goes on to after saving ``saved``: the first one not yet answered, in the
    session's order, or ``len(labels)`` (the thank-you screen) when every theme is answered."""
    done = {*answered, saved}
    return next((i for i, label in enumerate(labels) if label not in done), len(labels))


def taking_part(me: Participant) -> str:
    """"You are taking part as a member (Labour), participant P1A2B3C4." (plain text, not Markdown)."""
    who = "an officer" if me.role == "officer" else f"a member ({me.group})"
    return f"You are taking part as {who}, participant {me.participant}."


# --- the facilitator's view ---------------------------------------------------------------------------

def status(con: duckdb.DuckDBPyConnection, code: object) -> dict[str, Any]:
    """``session status --json`` (docs/cli.md): joined participants and stored answers (one per theme × horizon)."""
    session = get_session(con, code)
    row = con.execute("SELECT count(*) FROM live_answers WHERE code = ?", [session.code]).fetchone()
    return {"code": session.code, "council_id": session.council_id, "round": session.round,
            "state": "closed" if session.state == "closed" else "open", "participants": session.joined,
            "answers": int(row[0]) if row else 0}


def theme_progress(con: duckdb.DuckDBPyConnection, code: object) -> list[tuple[str, int]]:
    """How many participants have answered each theme, in the session's theme order (counts, no scores)."""
    session = get_session(con, code)
    counts = dict(con.execute("SELECT theme, count(DISTINCT participant) FROM live_answers WHERE code = ? "
                              "GROUP BY theme", [session.code]).fetchall())
    return [(t.label, int(counts.get(t.label, 0))) for t in session.themes]


def watch(con: duckdb.DuckDBPyConnection, code: object,
          min_group: int) -> tuple[dict[str, Any], list[tuple[str, int]], bool, dict[str, Any] | None]:
    """The facilitator's live view in one connection: the status counts, each theme's progress, whether
    the room's spectrum is revealed and, only once it is, the room's report (every disclosure rule)."""
    session = get_session(con, code)
    room = room_report(con, code, min_group) if session.revealed else None
    return status(con, code), theme_progress(con, code), session.revealed, room


#: The session picker's choice that opens the form for a new session.
NEW_SESSION = "new"


def session_menu(sessions: Iterable[Session], councils: Sequence[str],
                 name_of: Callable[[str], str]) -> tuple[dict[str, Session], dict[str, str]]:
    """The Workshop page's session picker: the open sessions of the councils this view may name (by code)
    and every choice's label, "Open a new session…" last."""
    shown = {s.code: s for s in sessions if s.council_id in councils}
    labels = {c: f"{c} · {name_of(s.council_id)} · {s.round}" for c, s in shown.items()}
    return shown, {**labels, NEW_SESSION: "Open a new session…"}


def editor_rows(themes: Sequence[Theme]) -> list[dict[str, Any]]:
    """The open form's theme table to start from: the council's last themes, or one empty row."""
    return [{"theme": t.label, "sector": t.sector} for t in themes] or [{"theme": "", "sector": None}]


def themes_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Theme]:
    """The themes typed into the open form's table; a wholly empty row is no theme (a half-filled one is
    kept, so :func:`open_session` says what is missing)."""
    return [Theme(str(r.get("theme") or ""), str(r.get("sector") or ""))
            for r in rows if r.get("theme") or r.get("sector")]


def set_revealed(con: duckdb.DuckDBPyConnection, code: object, revealed: bool) -> None:
    """Show or hide the room's spectrum on the facilitator's screen."""
    def work() -> None:
        session = get_session(con, code)
        con.execute("UPDATE live_sessions SET revealed = ? WHERE code = ?", [bool(revealed), session.code])

    _write(con, work)


def answer_rows(con: duckdb.DuckDBPyConnection, code: object) -> list[list[Any]]:
    """The session's answers as rows of a responses file (docs/formats.md#responses, columns in importer order)."""
    session = get_session(con, code)
    sectors = {t.label: t.sector for t in session.themes}
    order = {t.label: i for i, t in enumerate(session.themes)}
    rows = con.execute(
        """SELECT a.participant, p.role, p.grp, a.theme, a.horizon, a.change, a.risk, a.note
           FROM live_answers a JOIN live_participants p ON p.code = a.code AND p.participant = a.participant
           WHERE a.code = ? ORDER BY a.participant""", [session.code]).fetchall()
    horizon_order = {h: i for i, h in enumerate(domain.HORIZONS)}
    rows.sort(key=lambda r: (r[0], order.get(r[3], 99), horizon_order.get(r[4], 9)))
    return [[session.council_id, session.round, session.workshop_date, pid, role, grp or "", theme,
             sectors.get(theme, ""), horizon, change, "" if risk is None else risk, note or ""]
            for pid, role, grp, theme, horizon, change, risk, note in rows]


def write_csv(rows: Iterable[Sequence[Any]], path: Path) -> Path:
    """A responses CSV of ``rows``, as ``export`` writes one."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(importer.RESPONSE_COLUMNS)
        writer.writerows(rows)
    return path


def room_report(con: duckdb.DuckDBPyConnection, code: object, min_group: int) -> dict[str, Any] | None:
    """The room's own results so far, as ``report --json`` would give them once stored (every rule of
    docs/disclosure.md).

    The answers are imported, through the importer, into a private in-memory database that holds only this
    council, and the report is computed there, so the reveal and the stored round cannot disagree.  None
    when no one has answered yet.
    """
    from . import reports, storage

    session = get_session(con, code)
    rows = answer_rows(con, session.code)
    if not rows:
        return None
    council = con.execute("SELECT council_id, name, nation, council_type, population, peer_group FROM councils "
                          "WHERE council_id = ?", [session.council_id]).fetchone()
    if council is None:
        raise LiveError(f"council {session.council_id!r} is no longer in the database")
    mem = duckdb.connect(":memory:")
    try:
        storage.ensure_schema(mem)
        mem.execute("INSERT INTO councils VALUES (?, ?, ?, ?, ?, ?)", list(council))
        with tempfile.TemporaryDirectory(prefix="mandate-live-") as tmp:
            path = write_csv(rows, Path(tmp) / f"session-{session.code}.csv")
            try:
                importer.import_into(mem, None, [importer.Source(path, f"session {session.code}")])
            except importer.ImportFailed as exc:
                raise LiveError(f"the answers cannot be shown: {exc.message()}") from None
        return reports.council_report(mem, session.council_id, session.round, min_group=min_group)
    finally:
        mem.close()


def close_session(
    con: duckdb.DuckDBPyConnection,
    code: object,
    *,
    replace: bool = False,
    actor: str = "",
    now: dt.datetime | None = None,
) -> CloseResult:
    """Close the session and store its round as importing the same answers as a CSV would, in one
    transaction with the session's new state.  With no answers nothing is stored.  A failed check (the
    round already stored without ``replace``, say) leaves the session open and the database unchanged."""
    when = now or _now()

    def work() -> CloseResult:
        session = get_session(con, code)
        if not session.is_open:
            raise LiveError(f"session {session.code} is already closed")
        rows = answer_rows(con, session.code)
        participants = len({r[3] for r in rows})
        replaced = False
        if rows:
            replaced = round_stored(con, session.council_id, session.round)
            with tempfile.TemporaryDirectory(prefix="mandate-live-") as tmp:
                name = f"session {session.code}"
                path = write_csv(rows, Path(tmp) / f"session-{session.code}.csv")
                try:
                    importer.import_into(_InOuterTransaction(con), None,  # type: ignore[arg-type]
                                         [importer.Source(path, name)], replace=replace)
                except importer.ImportFailed as exc:
                    # The rows are the session's own, not a file's: say what is wrong, without row numbers.
                    reasons = list(dict.fromkeys(p.reason for p in exc.problems))
                    raise LiveError("the session was not closed and nothing was stored: " + "; ".join(reasons)
                                    ) from None
        con.execute("UPDATE live_sessions SET state = 'closed', closed_at = ? WHERE code = ?",
                    [when, session.code])
        detail = f"{session.code}: {session.council_id} / {session.round}, {len(rows)} answers"
        _record(con, actor, "session close", detail + (" (replace)" if replace else ""), when)
        return CloseResult(session.code, session.council_id, session.round, len(rows), participants,
                           replaced and bool(rows))

    return _write(con, work)


def public_base_url(default: str | None) -> str | None:
    """The address phones use to reach the app: ``MANDATE_PUBLIC_URL`` if set (behind a proxy), else ``default``."""
    env = os.environ.get("MANDATE_PUBLIC_URL", "").strip().rstrip("/")
    return env or (default.rstrip("/") if default else None)


def join_url(base: str, code: str) -> str:
    """The full address a phone opens: the app's address (``MANDATE_PUBLIC_URL`` if set) and the join path."""
    return public_base_url(base or "http://localhost:8501") + join_path(code)  # type: ignore[operator]


def app_base(page_url: str | None, page_path: str) -> str:
    """The app's address from the address of one of its pages (the page path taken off the end)."""
    url = (page_url or "").rstrip("/")
    suffix = "/" + page_path.strip("/")
    return url[: -len(suffix)] if url.endswith(suffix) else url


def qr_svg_data_uri(url: str, scale: int = 10) -> str:
    """The join address as a QR code: an SVG (sharp at any projected size) as a ``data:`` URI for an
    ``<img>``, which the page can label with the address; segno needs nothing else."""
    import segno

    return str(segno.make(url, error="m").svg_data_uri(scale=scale, border=4, dark=palette.QR_DARK,
                                                        light=palette.QR_LIGHT))


def qr_img_html(url: str) -> str:
    """The join screen's QR code as an ``<img>`` whose text alternative is the address (both escaped for
    HTML: the address holds the app's host name, which the page does not choose)."""
    return (f'<img data-testid="ws-qr" alt="QR code of {html_escape(url)}" style="width:100%;max-width:420px" '
            f'src="{html_escape(qr_svg_data_uri(url))}">')
