"""Small hand-made databases for the metrics, disclosure, benchmarking and report tests.

Rows are inserted directly (not through the importer) so these tests do not depend on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction

import duckdb

from mandate_core import storage


def new_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    storage.ensure_schema(con)
    return con


def add_council(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    *,
    name: str | None = None,
    nation: str = "Scotland",
    council_type: str = "Unitary",
    peer_group: str | None = "A",
    population: int | None = None,
) -> None:
    con.execute(
        "INSERT INTO councils VALUES (?, ?, ?, ?, ?, ?)",
        [council_id, name or f"Council {council_id}", nation, council_type, population, peer_group],
    )


def add_round(
    con: duckdb.DuckDBPyConnection, council_id: str, round_label: str, workshop_date: str
) -> None:
    con.execute(
        "INSERT INTO rounds (council_id, round, workshop_date) VALUES (?, ?, ?)",
        [council_id, round_label, workshop_date],
    )


def add_answers(
    con: duckdb.DuckDBPyConnection,
    council_id: str,
    round_label: str,
    rows: Iterable[Sequence[object]],
) -> None:
    """rows: (participant, role, grp, theme, sector_theme, horizon, change, risk[, note])."""
    full = []
    for row in rows:
        row = list(row)
        if len(row) == 8:
            row.append(None)
        full.append([council_id, round_label, *row])
    if full:
        con.executemany("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", full)


def people(
    prefix: str, role: str, grp: str | None, scores: Sequence[int], risks: Sequence[int | None] | None = None
) -> list[tuple[str, str, str | None, int, int | None]]:
    """One (participant, role, grp, change, risk) per score."""
    risks = list(risks) if risks is not None else [None] * len(scores)
    return [
        (f"{prefix}{i}", role, grp, s, r) for i, (s, r) in enumerate(zip(scores, risks, strict=True))
    ]


def answers_for(
    persons: Iterable[tuple[str, str, str | None, int, int | None]],
    theme: str,
    sector_theme: str,
    horizon: str,
) -> list[tuple[object, ...]]:
    return [(p, role, grp, theme, sector_theme, horizon, ch, rk) for p, role, grp, ch, rk in persons]


# --- an independent check that hidden cells cannot be derived by linear algebra -------------------------


def _rank(matrix: list[list[Fraction]]) -> int:
    m = [row[:] for row in matrix]
    rank = 0
    cols = len(m[0]) if m else 0
    for col in range(cols):
        pivot = next((r for r in range(rank, len(m)) if m[r][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][col] != 0:
                factor = m[r][col] / m[rank][col]
                m[r] = [a - factor * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


def derivable_cells(equations: list[dict[str, int]], hidden: set[str]) -> set[str]:
    """Hidden cells that are fixed by linear equations whose other terms are shown.

    Each equation is {cell: coefficient} meaning Σ coefficient·cell = 0.  A hidden cell h is
    derivable iff the unit vector e_h lies in the row space of the equations restricted to hidden cells.
    """
    order = sorted(hidden)
    rows = [[Fraction(eq.get(c, 0)) for c in order] for eq in equations]
    rows = [r for r in rows if any(r)]
    base = _rank(rows) if rows else 0
    out = set()
    for i, cell in enumerate(order):
        unit = [Fraction(int(j == i)) for j in range(len(order))]
        if _rank([*rows, unit]) == base:
            out.add(cell)
    return out


def breakdown_equations(groups: Iterable[str]) -> list[dict[str, int]]:
    """T = M + O and M = Σ groups, as coefficient maps."""
    groups = list(groups)
    eqs = [{"total": 1, "members": -1, "officers": -1}]
    eq2 = {"members": 1}
    for g in groups:
        eq2[f"group:{g}"] = -1
    eqs.append(eq2)
    return eqs


def consistent_assignments(
    shown: dict[str, tuple[int, int]],
    hidden_sizes: dict[str, range],
    equations: list[dict[str, int]],
) -> list[dict[str, tuple[int, int]]]:
    """Brute force: every (n, sum of scores) of the hidden cells that fits everything shown.

    ``shown`` maps a shown cell to its (n, sum) (sum = n × position); ``hidden_sizes`` gives the head
    counts an onlooker cannot rule out (1..min_group−1 for "fewer than N", min_group.. for a cell hidden
    to protect another).  Scores are 1..6, so a sum lies in n..6n.
    """
    names = list(hidden_sizes)
    choices = [[(n, s) for n in hidden_sizes[c] for s in range(n, 6 * n + 1)] for c in names]
    out = []
    for combo in itertools.product(*choices):
        values = dict(zip(names, combo, strict=True)) | shown
        if all(
            sum(k * values[c][0] for c, k in eq.items()) == 0
            and sum(k * values[c][1] for c, k in eq.items()) == 0
            for eq in equations
        ):
            out.append(dict(zip(names, combo, strict=True)))
    return out


# --- the small council used for the field-by-field report test -----------------------------------------

#: Care at home (health), latest round "2024 follow-up": (participant, role, group, now, next, ambition,
#: risk now, risk ambition).  No risk is given for "next".
CARE = [
    ("o1", "officer", "Place", 2, 3, 4, 2, 3),
    ("o2", "officer", None, 2, 3, 5, 2, 4),
    ("o3", "officer", None, 3, 4, 4, None, 3),
    ("l1", "member", "Labour", 3, 4, 5, 3, 4),
    ("l2", "member", "Labour", 4, 5, 6, 3, 5),
    ("l3", "member", "Labour", 3, 4, 5, None, 4),
    ("c1", "member", "Conservative", 1, 2, 3, 1, 2),
    ("c2", "member", "Conservative", 2, 3, 3, 2, 2),
    ("c3", "member", "Conservative", 2, 3, 4, None, 3),
    ("g1", "member", "Green", 6, 6, 6, 5, 5),
]
#: Zero waste (environment): only o1 and l1 answered now and ambition (n = 2), c1 joined for next.
ZERO = [
    ("o1", "officer", "Place", "now", 3, 3, "Close the landfill early"),
    ("l1", "member", "Labour", "now", 5, 4, "Repair cafés in every ward"),
    ("o1", "officer", "Place", "next", 4, None, None),
    ("l1", "member", "Labour", "next", 5, None, ""),
    ("c1", "member", "Conservative", "next", 2, None, None),
    ("o1", "officer", "Place", "ambition", 5, 4, None),
    ("l1", "member", "Labour", "ambition", 6, 5, None),
]


def small_council(con: duckdb.DuckDBPyConnection) -> None:
    """Council S1 with an older round (2023 baseline) and the latest (2024 follow-up)."""
    add_council(con, "S1", name="Sample Council", nation="Wales", council_type="County",
                peer_group="Rural")
    add_round(con, "S1", "2023 baseline", "2023-03-01")
    add_round(con, "S1", "2024 follow-up", "2024-05-20")
    rows = []
    for p, role, grp, now, nxt, amb, r_now, r_amb in CARE:
        note = "Community-owned care co-operatives" if p in ("l1", "o2") else None
        rows.append((p, role, grp, "Care at home", "health", "now", now, r_now))
        rows.append((p, role, grp, "Care at home", "health", "next", nxt, None))
        rows.append((p, role, grp, "Care at home", "health", "ambition", amb, r_amb, note))
    for p, role, grp, horizon, change, risk, note in ZERO:
        rows.append((p, role, grp, "Zero waste", "environment", horizon, change, risk, note))
    add_answers(con, "S1", "2024 follow-up", rows)
    # The baseline: three officers on one theme, everyone at 2 now and 3 ambition.
    base = []
    for p in ("o1", "o2", "o3"):
        base.append((p, "officer", None, "Care at home", "health", "now", 2, 2))
        base.append((p, "officer", None, "Care at home", "health", "ambition", 3, 2))
    add_answers(con, "S1", "2023 baseline", base)


# --- an independent, naive reference implementation (pure Python over raw rows) ------------------------


def reference_rows(con: duckdb.DuckDBPyConnection, council_id: str, round_label: str) -> list[tuple]:
    return con.execute(
        """SELECT participant, role, grp, theme, sector_theme, horizon, change, risk FROM answers
           WHERE council_id = ? AND round = ?""",
        [council_id, round_label],
    ).fetchall()


def reference_slice(rows: list[tuple], m: int) -> dict:
    """The metrics of docs/metrics.md straight from their definitions, written independently of mandate_core.metrics."""
    import math

    people = {r[0] for r in rows}
    if len(people) < m or not rows:
        return {"suppressed": True}
    changes = [r[6] for r in rows]
    mu = sum(changes) / len(changes)
    cns = 1.0
    for i in range(1, 7):
        p = changes.count(i) / len(changes)
        if p:
            cns += p * math.log2(1 - abs(i - mu) / 5)
    risky = [r for r in rows if r[7] is not None]
    risk = (
        sum(r[7] for r in risky) / len(risky) if len({r[0] for r in risky}) >= m else None
    )
    band = "Better" if mu < 2.5 else ("Differently" if mu < 4.5 else "New")
    return {"n": len(people), "position": mu, "band": band, "risk": risk, "consensus": cns}


def reference_hidden_cells(th_rows: list[tuple], m: int) -> set[str]:
    """Rule 2 of docs/disclosure.md for one theme × horizon, straight from the text (independent of disclosure.py).

    Cells are named "total", "officers", "members" and "group:NAME"; absent cells are never hidden.
    """
    def count(pred) -> int:
        return len({r[0] for r in th_rows if pred(r)})

    total = count(lambda r: True)
    off = count(lambda r: r[1] == "officer")
    mem = count(lambda r: r[1] == "member")
    grp = {g: count(lambda r, g=g: r[1] == "member" and r[2] == g)
           for g in {r[2] for r in th_rows if r[1] == "member"}}
    present = {"total": total, "officers": off, "members": mem} | {f"group:{g}": n for g, n in grp.items()}
    present = {k: v for k, v in present.items() if v > 0}
    if total < m:
        return set(present)
    hidden = {k for k, v in present.items() if v < m}
    if ("officers" in hidden or "members" in hidden):
        hidden |= {k for k in ("officers", "members") if k in present}
    while True:
        hidden_groups = [k for k in hidden if k.startswith("group:")]
        held = sum(present[k] for k in hidden_groups)
        if "members" in hidden:
            ok = bool(hidden_groups) and off + held >= m
        else:
            ok = not hidden_groups or held >= m
        candidates = sorted((present[k], k[len("group:"):]) for k in present
                            if k.startswith("group:") and k not in hidden)
        if ok or not candidates:
            return hidden
        hidden.add("group:" + candidates[0][1])


def reference_aggregate(raw: list[tuple], horizon: str, m: int, sector: str | None = None) -> dict:
    """Rule 3 of docs/disclosure.md: an overall slice (or a sector cell) from the shown themes' rows only."""
    rows = [r for r in raw if r[5] == horizon and (sector is None or r[4] == sector)]
    themes = {r[3] for r in rows}
    shown, risk_shown = [], []
    for t in themes:
        tr = [r for r in rows if r[3] == t]
        if len({r[0] for r in tr}) >= m:
            shown += tr
            if len({r[0] for r in tr if r[7] is not None}) >= m:
                risk_shown += tr
    if not shown:
        return {"suppressed": True}
    out = reference_slice(shown, 1)  # n, position, band and consensus of the shown themes' rows
    risky = [r for r in risk_shown if r[7] is not None]
    out["risk"] = sum(r[7] for r in risky) / len(risky) if len({r[0] for r in risky}) >= m else None
    return out
