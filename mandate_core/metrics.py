"""Slice statistics and the metrics derived from them (docs/metrics.md), computed in DuckDB.

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

from . import disclosure, domain
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
        """A SLICE of ``report --json`` (docs/cli.md#report)."""
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

_TALLY_COLUMNS = """
    count(DISTINCT participant) {ok} AS n,
    count(*) {ok} AS nrows,
    coalesce(sum(change) {ok}, 0)::BIGINT AS change_sum,
    count(*) {ok1} AS c1,
    count(*) {ok2} AS c2,
    count(*) {ok3} AS c3,
    count(*) {ok4} AS c4,
    count(*) {ok5} AS c5,
    count(*) {ok6} AS c6,
    coalesce(sum(risk) {rok}, 0)::BIGINT AS risk_sum,
    count(risk) {rok} AS risk_rows,
    count(DISTINCT participant) {rokn} AS risk_n
"""


def _tally_columns(ok: str | None, risk_ok: str | None) -> str:
    """The aggregate columns of a tally, each filtered to the rows that may enter it (fixed SQL only)."""
    def f(cond: str | None) -> str:
        return f"FILTER (WHERE {cond})" if cond else ""

    def both(a: str | None, b: str) -> str:
        return f"{a} AND {b}" if a else b

    return _TALLY_COLUMNS.format(
        ok=f(ok), rok=f(risk_ok), rokn=f(both(risk_ok, "risk IS NOT NULL")),
        **{f"ok{i}": f(both(ok, f"change = {i}")) for i in range(1, 7)},
    )


#: Every row of the slice (a slice that is one theme × horizon, or a breakdown cell).
_AGG = _tally_columns(None, None)
#: Rows of shown themes only, and for risk rows of themes whose risk is shown (rule 3 of docs/disclosure.md); needs the
#: ``ok`` and ``risk_ok`` columns of :func:`_marked_rows_sql`.
_AGG_SHOWN = _tally_columns("ok", "risk_ok") + """,
    count(DISTINCT theme) AS themes_total,
    count(DISTINCT theme) FILTER (WHERE ok) AS themes_covered
"""


def _marked_rows_sql(pick: str, where: str = "") -> str:
    """CTE text ``marked``: the picked rounds' answers, each marked with whether its theme × horizon is shown.

    ``ok``: the theme's own slice for that horizon has at least ``min_group`` participants; ``risk_ok``:
    it is shown and at least ``min_group`` of its participants gave a risk.  Parameters, in order: those
    of ``pick``, then of ``where``, then ``min_group`` three times.  Only fixed SQL text is assembled here;
    the comparison is the disclosure rule's own (:func:`disclosure.disclosable_sql`).
    """
    shown, risk_shown = disclosure.disclosable_sql("th_n"), disclosure.disclosable_sql("th_risk_n")
    return f"""
    pick AS ({pick}),
    base AS (
        SELECT a.council_id, a.round, a.participant, a.theme, a.sector_theme, a.horizon, a.change, a.risk,
               count(DISTINCT a.participant) OVER w AS th_n,
               count(DISTINCT a.participant) FILTER (WHERE a.risk IS NOT NULL) OVER w AS th_risk_n
        FROM answers a JOIN pick p ON a.council_id = p.council_id AND a.round = p.round
        {where}
        WINDOW w AS (PARTITION BY a.council_id, a.round, a.theme, a.horizon)
    ),
    marked AS (
        SELECT *, {shown} AS ok, {shown} AND {risk_shown} AS risk_ok FROM base
    )
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
        n, rows, change_sum, c1, c2, c3, c4, c5, c6, risk_sum, risk_rows, risk_n = values[:12]
        return cls(
            int(n), int(rows), int(change_sum or 0), (c1, c2, c3, c4, c5, c6),
            int(risk_sum or 0), int(risk_rows), int(risk_n),
        )

    @property
    def position(self) -> float:
        return self.change_sum / self.rows


def _disclose(tally: _Tally | None, min_group: int) -> SliceResult:
    """The only way from a raw tally to shown numbers (rule 1; callers apply rules 2–4 first)."""
    if tally is None or tally.rows == 0 or not disclosure.is_disclosable(tally.n, min_group):
        return Suppressed()
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
    """The round a council's pages open on by default (docs/cli.md#report: latest by workshop date)."""
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


def resolve_round(
    con: duckdb.DuckDBPyConnection, council_id: str, round_label: str | None
) -> tuple[dict[str, Any], str, str]:
    """The council, the round (latest by default) and its workshop date, or a ReportError naming what is
    wrong — the one wording of these errors for the command line and the pages."""
    council = council_info(con, council_id)
    if council is None:
        raise ReportError(f"unknown council {council_id!r}")
    rounds = dict(round_dates(con, council_id))
    if not rounds:
        raise ReportError(f"council {council_id!r} has no workshop rounds yet")
    if round_label is None:
        round_label = latest_round(con, council_id)
    if round_label not in rounds:
        known = ", ".join(repr(r) for r in rounds)
        raise ReportError(f"council {council_id!r} has no round {round_label!r} (rounds: {known})")
    return council, round_label, rounds[round_label]


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


# --- one slice (primary rule only) -------------------------------------------------------------------------


def _slice_stats(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    *,
    theme: str | None = None,
    sector_theme: str | None = None,
    horizon: str | None = None,
    role: str | None = None,
    group: str | None = None,
    min_group: int,
) -> SliceResult:
    """Statistics of any one slice under the primary rule alone, for formula tests.

    Private on purpose: a breakdown cell or an aggregate over themes needs rules 2–4, which only the
    batched functions below apply, so nothing that is shown may come from here.
    """
    return _disclose(
        _slice_tally(con, council_id, round_label, theme=theme, sector_theme=sector_theme,
                     horizon=horizon, role=role, group=group),
        min_group,
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


# --- a whole workshop in one scan ----------------------------------------------------------------------


class _Acc:
    """Exact running tally of one slice (distinct participants kept as sets, so slices can be merged)."""

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


def _merged(parts: Sequence[_Acc], risk_parts: Sequence[_Acc]) -> _Tally | None:
    """One tally of several slices' rows; risk only from ``risk_parts`` (rule 3).  None when empty."""
    if not parts:
        return None
    people: set[str] = set().union(*(a.people for a in parts))
    risk_people: set[str] = set().union(*(a.risk_people for a in risk_parts)) if risk_parts else set()
    counts = [sum(a.counts[i] for a in parts) for i in range(6)]
    return _Tally(
        len(people), sum(a.rows for a in parts), sum(a.change_sum for a in parts),
        (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]),
        sum(a.risk_sum for a in risk_parts), sum(a.risk_rows for a in risk_parts), len(risk_people),
    )


@dataclass
class _RoundTallies:
    """Raw tallies of one workshop: per theme × horizon, per role and per political group."""

    participants: int = 0
    theme: dict[tuple[str, str], _Acc] = field(default_factory=dict)
    sector: dict[str, str] = field(default_factory=dict)
    role: dict[tuple[str, str, str], _Acc] = field(default_factory=dict)
    group: dict[tuple[str, str, str | None], _Acc] = field(default_factory=dict)


def _round_tallies(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
) -> dict[str, _RoundTallies]:
    """Every raw tally a report, a breakdown or a trend needs, for one round (or all rounds), in one scan.

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
    out: dict[str, _RoundTallies] = {}
    everyone: dict[str, set[str]] = {}
    for rnd, participant, role, grp, theme, sector, horizon, change, risk in rows:
        rt = out.get(rnd)
        if rt is None:
            rt = out[rnd] = _RoundTallies()
            everyone[rnd] = set()
        everyone[rnd].add(participant)
        slots = [(rt.theme, (theme, horizon)), (rt.role, (theme, horizon, role))]
        if role == "member":
            slots.append((rt.group, (theme, horizon, grp)))
        for table, key in slots:
            acc = table.get(key)  # type: ignore[attr-defined]
            if acc is None:
                acc = table[key] = _Acc()  # type: ignore[index]
            acc.add(participant, change, risk)
        # One sector theme per council + round + theme (importer rule); min() keeps it deterministic.
        if theme not in rt.sector or sector < rt.sector[theme]:
            rt.sector[theme] = sector
    for rnd, rt in out.items():
        rt.participants = len(everyone[rnd])
    return out


def _horizon_order(horizon: str) -> int:
    return domain.HORIZONS.index(horizon) if horizon in domain.HORIZONS else len(domain.HORIZONS)


@dataclass
class _Disclosed:
    """One workshop after every disclosure rule: the only source of a round's shown numbers."""

    rt: _RoundTallies
    m: int
    #: (theme, horizon) -> the theme's own slice (rule 1).
    theme: dict[tuple[str, str], SliceResult] = field(default_factory=dict)
    #: (theme, horizon) -> cell -> None (shown) or the reason (rule 2).
    cells: dict[tuple[str, str], dict[disclosure.Cell, str | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, rt: _RoundTallies, m: int) -> _Disclosed:
        d = cls(rt, m)
        groups: dict[tuple[str, str], dict[str | None, _Acc]] = {}
        for (theme, horizon, grp), acc in rt.group.items():
            groups.setdefault((theme, horizon), {})[grp] = acc
        for key, acc in rt.theme.items():
            d.theme[key] = _disclose(acc.tally(), m)
            officers = rt.role.get((*key, "officer"))
            members = rt.role.get((*key, "member"))
            d.cells[key] = disclosure.breakdown_suppression(
                len(acc.people),
                len(officers.people) if officers else 0,
                len(members.people) if members else 0,
                {g: len(a.people) for g, a in groups.get(key, {}).items()},
                m,
            )
        return d

    def shown_themes(self, horizon: str, sector: str | None = None) -> tuple[list[_Acc], list[_Acc], int]:
        """Rows that may enter an aggregate over themes (rule 3): (shown, risk shown, themes present)."""
        shown: list[_Acc] = []
        risk_shown: list[_Acc] = []
        present = 0
        for (theme, h), acc in sorted(self.rt.theme.items()):
            if h != horizon or (sector is not None and self.rt.sector.get(theme) != sector):
                continue
            present += 1
            result = self.theme[(theme, h)]
            if isinstance(result, SliceStats):
                shown.append(acc)
                if result.risk is not None:
                    risk_shown.append(acc)
        return shown, risk_shown, present

    def aggregate(self, horizon: str, sector: str | None = None) -> tuple[SliceResult, int, int]:
        """A horizon's overall slice, or a sector cell: (result, themes covered, themes present)."""
        shown, risk_shown, present = self.shown_themes(horizon, sector)
        return _disclose(_merged(shown, risk_shown), self.m), len(shown), present

    def cell_acc(self, key: tuple[str, str], cell: disclosure.Cell) -> _Acc | None:
        kind, grp = cell
        if kind == "total":
            return self.rt.theme.get(key)
        if kind == "officers":
            return self.rt.role.get((*key, "officer"))
        if kind == "members":
            return self.rt.role.get((*key, "member"))
        return self.rt.group.get((*key, grp))

    def cell(self, key: tuple[str, str], cell: disclosure.Cell) -> SliceResult:
        """One breakdown cell with rule 2 applied."""
        acc = self.cell_acc(key, cell)
        if acc is None or self.cells.get(key, {}).get(cell, disclosure.HIDDEN) is not None:
            return Suppressed()
        return _disclose(acc.tally(), self.m)

    def alignment(self, key: tuple[str, str]) -> float | None:
        """Cross-party alignment over the groups rule 2 leaves shown (rule 4)."""
        positions = [
            r.position for c in self.cells.get(key, {}) if c[0] == "group"
            if isinstance(r := self.cell(key, c), SliceStats)
        ]
        return alignment_of(positions)

    def officer_member_gap(self, key: tuple[str, str]) -> float | None:
        """Members − officers, only when both are shown (rule 4)."""
        m = self.cell(key, disclosure.MEMBERS)
        o = self.cell(key, disclosure.OFFICERS)
        if isinstance(m, SliceStats) and isinstance(o, SliceStats):
            return m.position - o.position
        return None


def _disclosed_round(
    con: duckdb.DuckDBPyConnection, council_id: str, round_label: str | None, m: int
) -> tuple[str | None, _Disclosed | None]:
    if round_label is None:
        round_label = latest_round(con, council_id)
        if round_label is None:
            return None, None
    rt = _round_tallies(con, council_id, round_label).get(round_label)
    return round_label, (_Disclosed.of(rt, m) if rt is not None else None)


def _summary(d: _Disclosed, *, with_roles: bool) -> dict[str, Any]:
    rt = d.rt
    overall: dict[str, Any] = {}
    coverage: dict[str, dict[str, int]] = {}
    for h in domain.HORIZONS:
        result, covered, present = d.aggregate(h)
        overall[h] = result
        coverage[h] = {"themes_covered": covered, "themes": present}
    overall_json: dict[str, Any] = {h: overall[h].to_json() for h in domain.HORIZONS}
    overall_json["gap"] = gap_between(overall["ambition"], overall["now"])
    themes = []
    for theme in sorted(rt.sector):
        results = {h: d.theme.get((theme, h), Suppressed()) for h in domain.HORIZONS}
        item: dict[str, Any] = {"theme": theme, "sector_theme": rt.sector[theme]}
        item.update({h: results[h].to_json() for h in domain.HORIZONS})
        item["gap"] = gap_between(results["ambition"], results["now"])
        if with_roles:
            item["cross_party_alignment"] = {h: d.alignment((theme, h)) for h in domain.HORIZONS}
            item["officer_member_gap"] = {h: d.officer_member_gap((theme, h)) for h in domain.HORIZONS}
        themes.append(item)
    return {"participants": rt.participants, "overall": overall_json, "themes": themes,
            "coverage": coverage}


def council_summary(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    min_group: int,
) -> dict[str, Any]:
    """The body of ``report --json`` (participants, overall, themes; docs/cli.md#report) for one workshop, in one query.

    ``coverage`` (not part of the report JSON) says, per horizon, how many themes the overall slice
    covers of those present, so a page can say when a hidden theme is left out (rule 3).
    """
    m = min_group
    rt = _round_tallies(con, council_id, round_label).get(round_label, _RoundTallies())
    return _summary(_Disclosed.of(rt, m), with_roles=True)


def trend(
    con: duckdb.DuckDBPyConnection, council_id: str, min_group: int
) -> list[dict[str, Any]]:
    """Every round of a council, oldest first: overall and per-theme now/next/ambition, in one query.

    Themes are matched across rounds by the pages (by theme label or sector theme), not here.
    """
    m = min_group
    by_round = _round_tallies(con, council_id, None)
    out = []
    for round_label, workshop_date in round_dates(con, council_id):
        rt = by_round.get(round_label, _RoundTallies())
        summary = _summary(_Disclosed.of(rt, m), with_roles=False)
        out.append({
            "round": round_label,
            "workshop_date": workshop_date,
            "participants": rt.participants,
            "overall": summary["overall"],
            "coverage": summary["coverage"],
            "themes": summary["themes"],
        })
    return out


# --- breakdowns by role and political group ----------------------------------------------------------


def _breakdown_cells(
    con: duckdb.DuckDBPyConnection, council_id: str, round_label: str | None, m: int
) -> list[tuple[str, str, str, disclosure.Cell, SliceResult, _Acc]]:
    """(theme, sector_theme, horizon, cell, result, raw) with rule 2 applied; ``raw`` only for counts."""
    _label, d = _disclosed_round(con, council_id, round_label, m)
    if d is None:
        return []
    out = []
    for key in sorted(d.rt.theme, key=lambda k: (k[0], _horizon_order(k[1]))):
        theme, horizon = key
        cells = d.cells[key]
        ordered = [disclosure.TOTAL, disclosure.OFFICERS, disclosure.MEMBERS] + sorted(
            (c for c in cells if c[0] == "group"), key=lambda c: (c[1] is None, c[1] or "")
        )
        for cell in ordered:
            acc = d.cell_acc(key, cell)
            if cell in cells and acc is not None:
                out.append((theme, d.rt.sector[theme], horizon, cell, d.cell(key, cell), acc))
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
    min_group: int,
) -> list[dict[str, Any]]:
    """Per theme × horizon: the theme total, officers, members and each political group.

    Cells are hidden by the breakdown rule (:mod:`mandate_core.disclosure`), so no combination of hidden
    cells that subtraction can reach covers fewer than ``min_group`` people.  Each row is
    ``{theme, sector_theme, horizon, cell, role, group, n, position, band, suppressed, reason}`` with
    ``cell`` one of total/officers/members/group and n/position/band None when suppressed.
    """
    m = min_group
    out = []
    for theme, sector, horizon, cell, shown, _acc in _breakdown_cells(con, council_id, round_label, m):
        row = _cell_head(theme, sector, horizon, cell)
        if isinstance(shown, SliceStats):
            row.update(n=shown.n, position=shown.position, band=shown.band, suppressed=False,
                       reason=None)
        else:
            row.update(n=None, position=None, band=None, suppressed=True, reason=disclosure.HIDDEN)
        out.append(row)
    return out


def answer_distribution(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    min_group: int,
) -> list[dict[str, Any]]:
    """Counts of each change score per theme × horizon × cell, for diverging stacked bars.

    Same cells and the same suppression as :func:`group_breakdown`; a hidden cell has ``counts`` None.
    Each row is ``{theme, sector_theme, horizon, cell, role, group, n, counts: {1..6: int} | None,
    suppressed, reason}``.
    """
    m = min_group
    out = []
    for theme, sector, horizon, cell, shown, acc in _breakdown_cells(con, council_id, round_label, m):
        row = _cell_head(theme, sector, horizon, cell)
        if isinstance(shown, SliceStats):
            counts = {score: int(c) for score, c in zip(range(1, 7), acc.counts, strict=True)}
            row.update(n=shown.n, counts=counts, suppressed=False, reason=None)
        else:
            row.update(n=None, counts=None, suppressed=True, reason=disclosure.HIDDEN)
        out.append(row)
    return out


# --- notes -----------------------------------------------------------------------------------------------


def theme_notes(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str | None,
    min_group: int,
) -> list[dict[str, str]]:
    """The "radical alternative" notes, without who wrote them.

    Only for theme × horizon slices that are shown (the same decision as every number of the round), and
    sorted by text rather than by participant so that one person's notes cannot be linked across themes.
    """
    m = min_group
    round_label, d = _disclosed_round(con, council_id, round_label, m)
    if d is None:
        return []
    shown = {key for key, result in d.theme.items() if isinstance(result, SliceStats)}
    rows = con.execute(
        """
        SELECT theme, sector_theme, horizon, trim(note) AS note FROM answers
        WHERE council_id = ? AND round = ? AND note IS NOT NULL AND trim(note) <> ''
        """,
        [council_id, round_label],
    ).fetchall()
    rows = [r for r in rows if (r[0], r[2]) in shown]
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
    *,
    min_group: int,
) -> list[dict[str, Any]]:
    """Every council's overall now/next/ambition and gap (latest round, or the round named), one query.

    The overall slice of a horizon covers only the council's shown themes (rule 3), exactly as the
    council's report does.  Rows: ``{council_id, name, nation, council_type, peer_group, round,
    workshop_date, participants, now, next, ambition: SLICE, gap, coverage}`` with SLICE as in
    docs/cli.md#report and ``coverage`` ``{horizon: {"themes_covered", "themes"}}``.
    """
    m = min_group
    pick_sql, params = _picked_rounds_sql(round_label)
    marked_sql = _marked_rows_sql(pick_sql)
    rows = con.execute(
        f"""
        WITH {marked_sql}
        SELECT council_id, horizon, {_AGG_SHOWN}
        FROM marked GROUP BY council_id, horizon
        """,
        [*params, m, m, m],
    ).fetchall()
    heads = con.execute(
        f"""
        WITH pick AS ({pick_sql})
        SELECT a.council_id, count(DISTINCT a.participant)
        FROM answers a JOIN pick p ON a.council_id = p.council_id AND a.round = p.round
        GROUP BY a.council_id
        """,
        params,
    ).fetchall()
    participants = {cid: int(n) for cid, n in heads}
    by_h: dict[str, dict[str, tuple[_Tally, int, int]]] = {}
    for cid, horizon, *agg in rows:
        by_h.setdefault(cid, {})[horizon] = (_Tally.of(agg), int(agg[12]), int(agg[13]))
    out = []
    for head in _council_heads(con, pick_sql, params):
        cid = head["council_id"]
        cells = by_h.get(cid, {})
        results = {h: _disclose(cells[h][0] if h in cells else None, m) for h in domain.HORIZONS}
        out.append({
            **head,
            "participants": participants.get(cid, 0),
            **{h: results[h].to_json() for h in domain.HORIZONS},
            "gap": gap_between(results["ambition"], results["now"]),
            "coverage": {
                h: {"themes_covered": cells[h][2] if h in cells else 0,
                    "themes": cells[h][1] if h in cells else 0}
                for h in domain.HORIZONS
            },
        })
    return out


def theme_matrix(
    con: duckdb.DuckDBPyConnection, min_group: int
) -> list[dict[str, Any]]:
    """Every council (latest round) × sector theme it covers: ambition, now and gap, in one query.

    A sector cell holds the rows of every theme the council maps to that sector theme whose own slice is
    shown (rule 3), so a hidden theme cannot be recovered by subtracting a shown one.  Rows:
    ``{council_id, name, nation, council_type, peer_group, round, workshop_date, sector_theme,
    sector_label, n, ambition, ambition_band, now, gap, suppressed, reason, themes, themes_covered}``;
    ``n`` and ``ambition`` describe the ambition cell and are None when it is suppressed; ``now`` is None
    when the now cell is; ``themes`` / ``themes_covered`` count the council's themes in the sector and
    those the ambition cell covers.
    """
    m = min_group
    marked_sql = _marked_rows_sql(_LATEST_ROUNDS, "WHERE a.horizon IN ('now', 'ambition')")
    rows = con.execute(
        f"""
        WITH {marked_sql}
        SELECT council_id, sector_theme, horizon, {_AGG_SHOWN}
        FROM marked GROUP BY council_id, sector_theme, horizon
        """,
        [m, m, m],
    ).fetchall()
    cells: dict[str, dict[str, dict[str, tuple[_Tally, int, int]]]] = {}
    for cid, sector, horizon, *agg in rows:
        cells.setdefault(cid, {}).setdefault(sector, {})[horizon] = (
            _Tally.of(agg), int(agg[12]), int(agg[13]))
    order = {key: i for i, key in enumerate(domain.SECTOR_THEMES)}
    out = []
    for head in _council_heads(con, _LATEST_ROUNDS, []):
        sectors = cells.get(head["council_id"], {})
        for sector in sorted(sectors, key=lambda s: (order.get(s, len(order)), s)):
            amb_cell = sectors[sector].get("ambition")
            now_cell = sectors[sector].get("now")
            ambition = _disclose(amb_cell[0] if amb_cell else None, m)
            now = _disclose(now_cell[0] if now_cell else None, m)
            row = {**head, "sector_theme": sector,
                   "sector_label": domain.SECTOR_THEMES.get(sector, sector)}
            if isinstance(ambition, SliceStats):
                row.update(n=ambition.n, ambition=ambition.position, ambition_band=ambition.band,
                           suppressed=False, reason=None)
            else:
                row.update(n=None, ambition=None, ambition_band=None, suppressed=True,
                           reason=disclosure.HIDDEN)
            row["now"] = now.position if isinstance(now, SliceStats) else None
            row["gap"] = gap_between(ambition, now)
            row["themes"] = max(c[1] for c in sectors[sector].values())
            row["themes_covered"] = amb_cell[2] if amb_cell else 0
            out.append(row)
    return out
