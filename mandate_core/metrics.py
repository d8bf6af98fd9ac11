"""Slice statistics and the metrics derived from them (SPEC §4), computed in DuckDB.

Every function that reads the database returns numbers only through :func:`_disclose`, which turns a
raw tally into :class:`SliceStats` when at least ``min_group`` participants stand behind it and into a
:class:`~mandate_core.disclosure.Suppressed` marker (no numbers at all) otherwise.  The raw tallies are
private, so a page cannot show a number behind too few people by mistake.

A report needs dozens of slices of one workshop.  They come from one filtered scan of that workshop's
answers (see :func:`_round_tallies` for why that beats GROUPING SETS here); views across the sector
aggregate in SQL with GROUP BY, one query each.  Never one query per slice.  All user values are bound
parameters; the only SQL text assembled here is from fixed fragments and whitelisted column names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from . import disclosure, domain, storage
from .disclosure import Suppressed


class ReportError(ValueError):
    """Bad input a user can fix (unknown council, round, metric …); the message is shown as is."""


# --- shown statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SliceStats:
    """A slice that may be shown: every field is backed by at least ``min_group`` participants."""

    n: int
    position: float
    band: str
    risk: float | None
    consensus: float
    suppressed: bool = field(default=False, init=False)

    def to_json(self) -> dict[str, Any]:
        """SPEC §5 SLICE."""
        return {
            "n": self.n,
            "position": self.position,
            "band": self.band,
            "risk": self.risk,
            "consensus": self.consensus,
        }


SliceResult = SliceStats | Suppressed


def consensus_of(counts: Sequence[int]) -> float:
    """Tastle & Wierman consensus of counts of scores 1..6 (counts[0] is the count of 1s).

    Clamped to [0, 1] only against floating-point dust; mathematically it never leaves that range.
    """
    total = sum(counts)
    if total <= 0:
        raise ValueError("consensus of no scores")
    mean = sum((i + 1) * c for i, c in enumerate(counts)) / total
    width = domain.CHANGE_MAX - domain.CHANGE_MIN
    acc = 0.0
    for i, c in enumerate(counts):
        if c:
            acc += (c / total) * math.log2(1.0 - abs((i + domain.CHANGE_MIN) - mean) / width)
    return min(1.0, max(0.0, 1.0 + acc))


def alignment_of(positions: Iterable[float]) -> float | None:
    """Cross-party alignment from the positions of the qualifying groups (None under two groups)."""
    values = list(positions)
    if len(values) < 2:
        return None
    width = domain.CHANGE_MAX - domain.CHANGE_MIN
    return 1.0 - (max(values) - min(values)) / width


def gap_between(ambition: SliceResult, now: SliceResult) -> float | None:
    """Ambition − now, or None when either side is suppressed (a difference would leak the other)."""
    if isinstance(ambition, SliceStats) and isinstance(now, SliceStats):
        return ambition.position - now.position
    return None


# --- raw tallies (private: numbers here are not yet checked against the threshold) ----------------------

_AGG = """
    count(DISTINCT participant) AS n,
    count(*) AS nrows,
    sum(change)::BIGINT AS change_sum,
    count(*) FILTER (WHERE change = 1) AS c1,
    count(*) FILTER (WHERE change = 2) AS c2,
    count(*) FILTER (WHERE change = 3) AS c3,
    count(*) FILTER (WHERE change = 4) AS c4,
    count(*) FILTER (WHERE change = 5) AS c5,
    count(*) FILTER (WHERE change = 6) AS c6,
    coalesce(sum(risk), 0)::BIGINT AS risk_sum,
    count(risk) AS risk_rows,
    count(DISTINCT participant) FILTER (WHERE risk IS NOT NULL) AS risk_n
"""


@dataclass(frozen=True, slots=True)
class _Tally:
    n: int
    rows: int
    change_sum: int
    counts: tuple[int, int, int, int, int, int]
    risk_sum: int
    risk_rows: int
    risk_n: int

    @classmethod
    def of(cls, values: Sequence[Any]) -> _Tally:
        n, rows, change_sum, c1, c2, c3, c4, c5, c6, risk_sum, risk_rows, risk_n = values
        return cls(
            int(n), int(rows), int(change_sum or 0), (c1, c2, c3, c4, c5, c6),
            int(risk_sum or 0), int(risk_rows), int(risk_n),
        )

    @property
    def position(self) -> float:
        return self.change_sum / self.rows


def _disclose(tally: _Tally | None, min_group: int) -> SliceResult:
    """The only way from a raw tally to shown numbers."""
    if tally is None or tally.rows == 0 or not disclosure.is_disclosable(tally.n, min_group):
        return Suppressed(disclosure.fewer_than(min_group))
    position = tally.position
    risk = (
        tally.risk_sum / tally.risk_rows
        if tally.risk_rows and disclosure.is_disclosable(tally.risk_n, min_group)
        else None
    )
    return SliceStats(
        n=tally.n,
        position=position,
        band=domain.band_of(position),
        risk=risk,
        consensus=consensus_of(tally.counts),
    )


def _shown_position(tally: _Tally | None, min_group: int) -> float | None:
    result = _disclose(tally, min_group)
    return result.position if isinstance(result, SliceStats) else None


def _alignment(groups: Iterable[_Tally], min_group: int) -> float | None:
    return alignment_of(
        t.position for t in groups if t.rows and disclosure.is_disclosable(t.n, min_group)
    )


def _officer_member_gap(
    members: _Tally | None, officers: _Tally | None, min_group: int
) -> float | None:
    m = _shown_position(members, min_group)
    o = _shown_position(officers, min_group)
    return None if m is None or o is None else m - o


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


# --- rounds and councils ----------------------------------------------------------------------------------

#: Latest round per council: by workshop date; same-day rounds by label (deterministic).
_LATEST_ROUNDS = """
    SELECT council_id, round, workshop_date FROM rounds
    QUALIFY row_number() OVER (
        PARTITION BY council_id ORDER BY workshop_date DESC, round DESC) = 1
"""


def latest_round(con: duckdb.DuckDBPyConnection, council_id: str) -> str | None:
    """The round a council's pages open on by default (SPEC §5: latest by workshop date)."""
    row = con.execute(
        """SELECT round FROM rounds WHERE council_id = ?
           ORDER BY workshop_date DESC, round DESC LIMIT 1""",
        [council_id],
    ).fetchone()
    return row[0] if row else None


def list_councils(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every council with its descriptors and latest round, for pickers and filters (ordered by name)."""
    rows = con.execute(
        f"""
        WITH latest AS ({_LATEST_ROUNDS}),
             counts AS (SELECT council_id, count(*) AS rounds FROM rounds GROUP BY council_id)
        SELECT c.council_id, c.name, c.nation, c.council_type, c.population, c.peer_group,
               coalesce(k.rounds, 0), l.round, l.workshop_date
        FROM councils c
        LEFT JOIN latest l USING (council_id)
        LEFT JOIN counts k USING (council_id)
        ORDER BY c.name, c.council_id
        """
    ).fetchall()
    keys = ("council_id", "name", "nation", "council_type", "population", "peer_group", "rounds",
            "latest_round", "latest_workshop_date")
    out = []
    for row in rows:
        item = dict(zip(keys, row, strict=True))
        item["latest_workshop_date"] = _iso(item["latest_workshop_date"])
        out.append(item)
    return out


def council_info(con: duckdb.DuckDBPyConnection, council_id: str) -> dict[str, Any] | None:
    """One council's descriptors, or None when it is not in the database."""
    row = con.execute(
        """SELECT council_id, name, nation, council_type, population, peer_group
           FROM councils WHERE council_id = ?""",
        [council_id],
    ).fetchone()
    if row is None:
        return None
    keys = ("council_id", "name", "nation", "council_type", "population", "peer_group")
    return dict(zip(keys, row, strict=True))


def round_dates(con: duckdb.DuckDBPyConnection, council_id: str) -> list[tuple[str, str]]:
    """(round, workshop date) of a council, oldest first, from the rounds table alone (cheap)."""
    rows = con.execute(
        "SELECT round, workshop_date FROM rounds WHERE council_id = ? ORDER BY workshop_date, round",
        [council_id],
    ).fetchall()
    return [(r, _iso(d) or "") for r, d in rows]


def council_rounds(con: duckdb.DuckDBPyConnection, council_id: str) -> list[dict[str, Any]]:
    """A council's rounds, oldest first, with their workshop date and head count."""
    rows = con.execute(
        """
        WITH counts AS (
            SELECT round, count(DISTINCT participant) AS n FROM answers
            WHERE council_id = ? GROUP BY round
        )
        SELECT r.round, r.workshop_date, coalesce(c.n, 0)
        FROM rounds r LEFT JOIN counts c ON c.round = r.round
        WHERE r.council_id = ?
        ORDER BY r.workshop_date, r.round
        """,
        [council_id, council_id],
    ).fetchall()
    return [
        {"round": r, "workshop_date": _iso(d), "participants": int(n)} for r, d, n in rows
    ]


# --- one slice ---------------------------------------------------------------------------------------------


def slice_stats(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    *,
    theme: str | None = None,
    sector_theme: str | None = None,
    horizon: str | None = None,
    role: str | None = None,
    group: str | None = None,
    min_group: int | None = None,
) -> SliceResult:
    """Statistics of any one slice; for whole pages prefer the batched functions below."""
    return _disclose(
        _slice_tally(con, council_id, round_label, theme=theme, sector_theme=sector_theme,
                     horizon=horizon, role=role, group=group),
        storage.min_group_size(min_group),
    )


_SLICE_COLUMNS = {"theme": "theme", "sector_theme": "sector_theme", "horizon": "horizon",
                  "role": "role", "group": "grp"}


def _slice_where(council_id: str, round_label: str, **filters: str | None) -> tuple[str, list[Any]]:
    """WHERE text and bound parameters of a slice; column names come from the fixed map above."""
    where = ["council_id = ?", "round = ?"]
    params: list[Any] = [council_id, round_label]
    for key, value in filters.items():
        if value is not None:
            where.append(f"{_SLICE_COLUMNS[key]} = ?")
            params.append(value)
    return " AND ".join(where), params


def _slice_tally(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    **filters: str | None,
) -> _Tally | None:
    where, params = _slice_where(council_id, round_label, **filters)
    row = con.execute(f"SELECT {_AGG} FROM answers WHERE {where}", params).fetchone()
    if row is None or not row[1]:
        return None
    return _Tally.of(row)


def alignment(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    *,
    theme: str | None = None,
    horizon: str | None = None,
    min_group: int | None = None,
) -> float | None:
    """Cross-party alignment of the members in a slice (SPEC §4)."""
    where, params = _slice_where(council_id, round_label, theme=theme, horizon=horizon, role="member")
    rows = con.execute(f"SELECT {_AGG} FROM answers WHERE {where} GROUP BY grp", params).fetchall()
    return _alignment((_Tally.of(r) for r in rows), storage.min_group_size(min_group))


def officer_member_gap(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    *,
    theme: str | None = None,
    horizon: str | None = None,
    min_group: int | None = None,
) -> float | None:
    """Members' position − officers' position in a slice (SPEC §4)."""
    m = storage.min_group_size(min_group)
    tallies = {
        role: _slice_tally(con, council_id, round_label, theme=theme, horizon=horizon, role=role)
        for role in domain.ROLES
    }
    return _officer_member_gap(tallies["member"], tallies["officer"], m)


# --- a whole workshop in one scan ----------------------------------------------------------------------


@dataclass
class _RoundTallies:
    participants: int = 0
    overall: dict[str, _Tally] = field(default_factory=dict)
    theme: dict[tuple[str, str], _Tally] = field(default_factory=dict)
    sector: dict[str, str] = field(default_factory=dict)
    role: dict[tuple[str, str, str], _Tally] = field(default_factory=dict)
    group: dict[tuple[str, str, str | None], _Tally] = field(default_factory=dict)


class _Acc:
    """Exact running tally of one slice (distinct participants kept as a set)."""

    __slots__ = ("people", "rows", "change_sum", "counts", "risk_sum", "risk_rows", "risk_people")

    def __init__(self) -> None:
        self.people: set[str] = set()
        self.rows = 0
        self.change_sum = 0
        self.counts = [0] * 6
        self.risk_sum = 0
        self.risk_rows = 0
        self.risk_people: set[str] = set()

    def add(self, participant: str, change: int, risk: int | None) -> None:
        self.people.add(participant)
        self.rows += 1
        self.change_sum += change
        if domain.CHANGE_MIN <= change <= domain.CHANGE_MAX:
            self.counts[change - domain.CHANGE_MIN] += 1
        if risk is not None:
            self.risk_sum += risk
            self.risk_rows += 1
            self.risk_people.add(participant)

    def tally(self) -> _Tally:
        c = self.counts
        return _Tally(len(self.people), self.rows, self.change_sum, (c[0], c[1], c[2], c[3], c[4], c[5]),
                      self.risk_sum, self.risk_rows, len(self.risk_people))


def _round_tallies(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    *,
    with_roles: bool,
) -> dict[str, _RoundTallies]:
    """Every slice a report or a trend needs, for one round (or all rounds of a council), in one scan.

    Why not GROUP BY / GROUPING SETS here: one workshop is a few hundred to a few thousand answers, and
    at a million stored answers DuckDB 2.0's grouped plans (distinct counts expand into many joined CTE
    branches) cost 10–40 ms per query whatever the row count, while one filtered, narrow scan costs
    1–6 ms.  So the database filters, and the exact tallies of all slices are summed in one pass here.
    Sector-wide views (:func:`sector_overview`, benchmarks) do aggregate in SQL, where rows are many.
    """
    where = "council_id = ?" + (" AND round = ?" if round_label is not None else "")
    params: list[Any] = [council_id] + ([round_label] if round_label is not None else [])
    rows = con.execute(
        f"""SELECT round, participant, role, grp, theme, sector_theme, horizon, change, risk
            FROM answers WHERE {where}""",
        params,
    ).fetchall()
    accs: dict[str, dict[tuple[Any, ...], _Acc]] = {}
    sectors: dict[str, dict[str, str]] = {}
    for rnd, participant, role, grp, theme, sector, horizon, change, risk in rows:
        acc = accs.setdefault(rnd, {})
        keys: list[tuple[Any, ...]] = [("all",), ("h", horizon), ("t", theme, horizon)]
        if with_roles:
            keys.append(("r", theme, horizon, role))
            if role == "member":
                keys.append(("g", theme, horizon, grp))
        for key in keys:
            slot = acc.get(key)
            if slot is None:
                slot = acc[key] = _Acc()
            slot.add(participant, change, risk)
        by_theme = sectors.setdefault(rnd, {})
        # One sector theme per council + round + theme (importer rule); min() keeps it deterministic.
        if theme not in by_theme or sector < by_theme[theme]:
            by_theme[theme] = sector
    out: dict[str, _RoundTallies] = {}
    for rnd, acc in accs.items():
        rt = out[rnd] = _RoundTallies(sector=sectors[rnd])
        for key, slot in acc.items():
            tally = slot.tally()
            kind = key[0]
            if kind == "all":
                rt.participants = tally.n
            elif kind == "h":
                rt.overall[key[1]] = tally
            elif kind == "t":
                rt.theme[(key[1], key[2])] = tally
            elif kind == "r":
                rt.role[(key[1], key[2], key[3])] = tally
            else:
                rt.group[(key[1], key[2], key[3])] = tally
    return out


def _horizon_order(horizon: str) -> int:
    return domain.HORIZONS.index(horizon) if horizon in domain.HORIZONS else len(domain.HORIZONS)


def _horizon_block(
    tallies: dict[str, _Tally], m: int
) -> tuple[dict[str, SliceResult], float | None]:
    results = {h: _disclose(tallies.get(h), m) for h in domain.HORIZONS}
    return results, gap_between(results["ambition"], results["now"])


def _summary(rt: _RoundTallies, m: int, *, with_roles: bool) -> dict[str, Any]:
    overall, overall_gap = _horizon_block(rt.overall, m)
    themes = []
    for theme in sorted(rt.sector):
        by_h = {h: t for (th, h), t in rt.theme.items() if th == theme}
        results, theme_gap = _horizon_block(by_h, m)
        item: dict[str, Any] = {"theme": theme, "sector_theme": rt.sector[theme]}
        item.update({h: results[h].to_json() for h in domain.HORIZONS})
        item["gap"] = theme_gap
        if with_roles:
            item["cross_party_alignment"] = {
                h: _alignment(
                    (t for (th, hz, _g), t in rt.group.items() if th == theme and hz == h), m
                )
                for h in domain.HORIZONS
            }
            item["officer_member_gap"] = {
                h: _officer_member_gap(
                    rt.role.get((theme, h, "member")), rt.role.get((theme, h, "officer")), m
                )
                for h in domain.HORIZONS
            }
        themes.append(item)
    overall_json: dict[str, Any] = {h: overall[h].to_json() for h in domain.HORIZONS}
    overall_json["gap"] = overall_gap
    return {"participants": rt.participants, "overall": overall_json, "themes": themes}


def council_summary(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    min_group: int | None = None,
) -> dict[str, Any]:
    """The body of the SPEC §5 report (participants, overall, themes) for one workshop, in one query."""
    m = storage.min_group_size(min_group)
    rt = _round_tallies(con, council_id, round_label, with_roles=True).get(round_label, _RoundTallies())
    return _summary(rt, m, with_roles=True)


def trend(
    con: duckdb.DuckDBPyConnection, council_id: str, min_group: int | None = None
) -> list[dict[str, Any]]:
    """Every round of a council, oldest first: overall and per-theme now/next/ambition, in one query.

    Themes are matched across rounds by the pages (by theme label or sector theme), not here.
    """
    m = storage.min_group_size(min_group)
    by_round = _round_tallies(con, council_id, None, with_roles=False)
    out = []
    for round_label, workshop_date in round_dates(con, council_id):
        rt = by_round.get(round_label, _RoundTallies())
        summary = _summary(rt, m, with_roles=False)
        out.append({
            "round": round_label,
            "workshop_date": workshop_date,
            "participants": rt.participants,
            "overall": summary["overall"],
            "themes": summary["themes"],
        })
    return out


# --- breakdowns by role and political group ----------------------------------------------------------


def _breakdown_cells(
    con: duckdb.DuckDBPyConnection, council_id: str, round_label: str | None, m: int
) -> list[tuple[str, str, str, disclosure.Cell, _Tally, str | None]]:
    """(theme, sector_theme, horizon, cell, tally, reason) with complementary suppression applied."""
    if round_label is None:
        round_label = latest_round(con, council_id)
        if round_label is None:
            return []
    rt = _round_tallies(con, council_id, round_label, with_roles=True).get(round_label)
    if rt is None:
        return []
    groups: dict[tuple[str, str], dict[str | None, _Tally]] = {}
    for (theme, horizon, grp), tally in rt.group.items():
        groups.setdefault((theme, horizon), {})[grp] = tally
    out = []
    keys = sorted(rt.theme, key=lambda k: (k[0], _horizon_order(k[1])))
    for theme, horizon in keys:
        total = rt.theme[(theme, horizon)]
        officers = rt.role.get((theme, horizon, "officer"))
        members = rt.role.get((theme, horizon, "member"))
        by_group = groups.get((theme, horizon), {})
        reasons = disclosure.breakdown_suppression(
            total.n,
            officers.n if officers else 0,
            members.n if members else 0,
            {g: t.n for g, t in by_group.items()},
            m,
        )
        tallies: dict[disclosure.Cell, _Tally | None] = {
            disclosure.TOTAL: total, disclosure.OFFICERS: officers, disclosure.MEMBERS: members,
        }
        tallies.update({("group", g): t for g, t in by_group.items()})
        ordered = [disclosure.TOTAL, disclosure.OFFICERS, disclosure.MEMBERS] + sorted(
            (c for c in reasons if c[0] == "group"), key=lambda c: (c[1] is None, c[1] or "")
        )
        for cell in ordered:
            tally = tallies.get(cell)
            if cell in reasons and tally is not None:
                out.append((theme, rt.sector[theme], horizon, cell, tally, reasons[cell]))
    return out


_CELL_ROLE = {"total": None, "officers": "officer", "members": "member", "group": "member"}


def _cell_head(theme: str, sector: str, horizon: str, cell: disclosure.Cell) -> dict[str, Any]:
    return {
        "theme": theme,
        "sector_theme": sector,
        "horizon": horizon,
        "cell": cell[0],
        "role": _CELL_ROLE[cell[0]],
        "group": cell[1],
    }


def group_breakdown(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    min_group: int | None = None,
) -> list[dict[str, Any]]:
    """Per theme × horizon: the theme total, officers, members and each political group.

    Cells are hidden with complementary suppression (see :mod:`mandate_core.disclosure`), so a small
    group cannot be recovered by subtracting the shown groups from a total.  Each row is
    ``{theme, sector_theme, horizon, cell, role, group, n, position, band, suppressed, reason}`` with
    ``cell`` one of total/officers/members/group and n/position/band None when suppressed.
    """
    m = storage.min_group_size(min_group)
    out = []
    for theme, sector, horizon, cell, tally, reason in _breakdown_cells(con, council_id, round_label, m):
        row = _cell_head(theme, sector, horizon, cell)
        shown = _disclose(tally, m) if reason is None else None
        if isinstance(shown, SliceStats):
            row.update(n=shown.n, position=shown.position, band=shown.band, suppressed=False,
                       reason=None)
        else:
            row.update(n=None, position=None, band=None, suppressed=True,
                       reason=reason or disclosure.fewer_than(m))
        out.append(row)
    return out


def answer_distribution(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    min_group: int | None = None,
) -> list[dict[str, Any]]:
    """Counts of each change score per theme × horizon × cell, for diverging stacked bars.

    Same cells and the same suppression as :func:`group_breakdown`; a hidden cell has ``counts`` None.
    Each row is ``{theme, sector_theme, horizon, cell, role, group, n, counts: {1..6: int} | None,
    suppressed, reason}``.
    """
    m = storage.min_group_size(min_group)
    out = []
    for theme, sector, horizon, cell, tally, reason in _breakdown_cells(con, council_id, round_label, m):
        row = _cell_head(theme, sector, horizon, cell)
        if reason is None and disclosure.is_disclosable(tally.n, m):
            counts = {score: int(c) for score, c in zip(range(1, 7), tally.counts, strict=True)}
            row.update(n=tally.n, counts=counts, suppressed=False, reason=None)
        else:
            row.update(n=None, counts=None, suppressed=True, reason=reason or disclosure.fewer_than(m))
        out.append(row)
    return out


# --- notes -----------------------------------------------------------------------------------------------


def theme_notes(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    min_group: int | None = None,
) -> list[dict[str, str]]:
    """The "radical alternative" notes, without who wrote them.

    Only for theme × horizon slices with at least ``min_group`` participants, and sorted by text rather
    than by participant so that one person's notes cannot be linked across themes.
    """
    m = storage.min_group_size(min_group)
    if round_label is None:
        round_label = latest_round(con, council_id)
        if round_label is None:
            return []
    rows = con.execute(
        """
        WITH ok AS (
            SELECT theme, horizon FROM answers
            WHERE council_id = ? AND round = ?
            GROUP BY theme, horizon HAVING count(DISTINCT participant) >= ?
        )
        SELECT a.theme, a.sector_theme, a.horizon, trim(a.note) AS note
        FROM answers a JOIN ok ON a.theme = ok.theme AND a.horizon = ok.horizon
        WHERE a.council_id = ? AND a.round = ? AND a.note IS NOT NULL AND trim(a.note) <> ''
        """,
        [council_id, round_label, m, council_id, round_label],
    ).fetchall()
    rows.sort(key=lambda r: (r[0], _horizon_order(r[2]), r[3]))
    return [{"theme": t, "sector_theme": s, "horizon": h, "note": note} for t, s, h, note in rows]


# --- the sector ------------------------------------------------------------------------------------------


def _picked_rounds_sql(round_label: str | None) -> tuple[str, list[Any]]:
    """Each council's latest round, or each council's round with this label."""
    if round_label is None:
        return _LATEST_ROUNDS, []
    return "SELECT council_id, round, workshop_date FROM rounds WHERE round = ?", [round_label]


def _council_heads(
    con: duckdb.DuckDBPyConnection, pick_sql: str, params: list[Any]
) -> list[dict[str, Any]]:
    rows = con.execute(
        f"""
        WITH pick AS ({pick_sql})
        SELECT c.council_id, c.name, c.nation, c.council_type, c.peer_group, p.round, p.workshop_date
        FROM councils c JOIN pick p ON c.council_id = p.council_id
        ORDER BY c.name, c.council_id
        """,
        params,
    ).fetchall()
    keys = ("council_id", "name", "nation", "council_type", "peer_group", "round", "workshop_date")
    out = []
    for row in rows:
        item = dict(zip(keys, row, strict=True))
        item["workshop_date"] = _iso(item["workshop_date"])
        out.append(item)
    return out


def sector_overview(
    con: duckdb.DuckDBPyConnection,
    round_label: str | None = None,
    min_group: int | None = None,
) -> list[dict[str, Any]]:
    """Every council's overall now/next/ambition and gap (latest round, or the round named), one query.

    Rows: ``{council_id, name, nation, council_type, peer_group, round, workshop_date, participants,
    now, next, ambition: SLICE, gap}`` with SLICE in the SPEC §5 form.
    """
    m = storage.min_group_size(min_group)
    pick_sql, params = _picked_rounds_sql(round_label)
    rows = con.execute(
        f"""
        WITH pick AS ({pick_sql})
        SELECT a.council_id, a.horizon, GROUPING(a.horizon) AS gid, {_AGG}
        FROM answers a JOIN pick p ON a.council_id = p.council_id AND a.round = p.round
        GROUP BY GROUPING SETS ((a.council_id), (a.council_id, a.horizon))
        """,
        params,
    ).fetchall()
    participants: dict[str, int] = {}
    by_h: dict[str, dict[str, _Tally]] = {}
    for cid, horizon, gid, *agg in rows:
        tally = _Tally.of(agg)
        if gid:
            participants[cid] = tally.n
        else:
            by_h.setdefault(cid, {})[horizon] = tally
    out = []
    for head in _council_heads(con, pick_sql, params):
        cid = head["council_id"]
        results, gap = _horizon_block(by_h.get(cid, {}), m)
        out.append({
            **head,
            "participants": participants.get(cid, 0),
            **{h: results[h].to_json() for h in domain.HORIZONS},
            "gap": gap,
        })
    return out


def theme_matrix(
    con: duckdb.DuckDBPyConnection, min_group: int | None = None
) -> list[dict[str, Any]]:
    """Every council (latest round) × sector theme it covers: ambition, now and gap, in one query.

    Rows: ``{council_id, name, nation, council_type, peer_group, round, workshop_date, sector_theme,
    sector_label, n, ambition, ambition_band, now, gap, suppressed, reason}``; ``n`` and ``ambition``
    describe the ambition slice and are None when it is suppressed; ``now`` is None when the now slice
    is.  All themes a council maps to one sector theme count together.
    """
    m = storage.min_group_size(min_group)
    rows = con.execute(
        f"""
        WITH pick AS ({_LATEST_ROUNDS})
        SELECT a.council_id, a.sector_theme, a.horizon, {_AGG}
        FROM answers a JOIN pick p ON a.council_id = p.council_id AND a.round = p.round
        WHERE a.horizon IN ('now', 'ambition')
        GROUP BY a.council_id, a.sector_theme, a.horizon
        """
    ).fetchall()
    cells: dict[str, dict[str, dict[str, _Tally]]] = {}
    for cid, sector, horizon, *agg in rows:
        cells.setdefault(cid, {}).setdefault(sector, {})[horizon] = _Tally.of(agg)
    order = {key: i for i, key in enumerate(domain.SECTOR_THEMES)}
    out = []
    for head in _council_heads(con, _LATEST_ROUNDS, []):
        sectors = cells.get(head["council_id"], {})
        for sector in sorted(sectors, key=lambda s: (order.get(s, len(order)), s)):
            ambition = _disclose(sectors[sector].get("ambition"), m)
            now = _disclose(sectors[sector].get("now"), m)
            row = {**head, "sector_theme": sector,
                   "sector_label": domain.SECTOR_THEMES.get(sector, sector)}
            if isinstance(ambition, SliceStats):
                row.update(n=ambition.n, ambition=ambition.position, ambition_band=ambition.band,
                           suppressed=False, reason=None)
            else:
                row.update(n=None, ambition=None, ambition_band=None, suppressed=True,
                           reason=ambition.reason)
            row["now"] = now.position if isinstance(now, SliceStats) else None
            row["gap"] = gap_between(ambition, now)
            out.append(row)
    return out
