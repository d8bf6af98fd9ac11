"""Disclosure control: which numbers may be shown, and which must be hidden to protect a small group.

Primary suppression (SPEC §4).  A cell — any slice, or one group of a breakdown — with fewer than
``min_group_size`` distinct participants is *suppressed*: no position, band, risk, consensus, count
distribution or participant count of it is returned, only a :class:`Suppressed` marker whose reason is
"fewer than N participants".  Risk is held back on its own when fewer than ``min_group_size`` participants
of a shown slice gave a risk score.

Complementary suppression (the rule chosen here).  A theme × horizon breakdown shows cells that add up:
the theme total ``T`` (always shown unless it is small itself, because the council report shows it), the
officers ``O`` and the members ``M`` with ``T = M + O``, and each political group ``g`` with
``M = g1 + … + gk``.  Every shown cell gives its participant count and its position, so its count and its
sum of scores are known, and both are additive.  A hidden cell can therefore be recovered by subtraction
whenever it is the only unknown in one of those two equations.  The rule closes both equations:

1. every cell with fewer than ``min_group_size`` participants is hidden ("fewer than N participants");
2. ``T = M + O``: officers and members are hidden together — if either is hidden, so is the other;
3. ``M = g1 + … + gk``: if the members total is shown, either no group or at least two groups are
   hidden; if the members total is hidden, at least one group is hidden.  When one more group is needed,
   the shown group with the fewest participants is hidden (ties: group name), so the least is lost and
   the same partner is usually chosen in every theme and horizon of a workshop.

Cells hidden by rules 2 and 3 carry the reason "hidden to protect a small group".  After the rule, every
equation that contains a hidden cell contains at least two unknowns, so no hidden cell is a linear
function of what is shown (tests check this by linear algebra and by enumerating the possibilities).

Limits, deliberately not addressed here: like any published total, a shown total still reveals the
bounds every mean has (if the whole theme scored 1, so did the small group).  Statistics the spec pins —
cross-party alignment over the qualifying groups and the officer–member gap — are computed exactly as
specified and are not part of this rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

#: Reason for a cell hidden by rule 2 or 3.
PROTECTS_SMALL_GROUP = "hidden to protect a small group"

CellKind = Literal["total", "officers", "members", "group"]
#: A cell of a theme × horizon breakdown: ("group", name) for a political group, else (kind, None).
Cell = tuple[CellKind, str | None]

TOTAL: Cell = ("total", None)
OFFICERS: Cell = ("officers", None)
MEMBERS: Cell = ("members", None)


def fewer_than(min_group: int) -> str:
    """Reason for primary suppression, in the words the pages show."""
    return f"fewer than {min_group} participants"


def is_disclosable(n: int, min_group: int) -> bool:
    """The one comparison every shown number goes through, so the threshold cannot drift."""
    return n >= min_group


@dataclass(frozen=True, slots=True)
class Suppressed:
    """Stands in for a slice that must not be shown; it deliberately carries no numbers at all."""

    reason: str
    suppressed: bool = field(default=True, init=False)

    def to_json(self) -> dict[str, bool]:
        """SPEC §5 form of a suppressed SLICE."""
        return {"suppressed": True}


def breakdown_suppression(
    total_n: int,
    officers_n: int,
    members_n: int,
    group_ns: Mapping[str | None, int],
    min_group: int,
) -> dict[Cell, str | None]:
    """Hidden cells of one theme × horizon breakdown and why (``None`` = shown); see the module rule.

    Absent cells (no officers, no members) are not returned: a known zero discloses nothing.
    """
    small = fewer_than(min_group)
    cells: dict[Cell, int] = {TOTAL: total_n}
    if officers_n:
        cells[OFFICERS] = officers_n
    if members_n:
        cells[MEMBERS] = members_n
    groups: list[Cell] = [("group", g) for g in group_ns]
    for cell in groups:
        cells[cell] = group_ns[cell[1]]

    reasons: dict[Cell, str | None] = {
        cell: (None if is_disclosable(n, min_group) else small) for cell, n in cells.items()
    }
    if reasons[TOTAL] is not None:
        return {cell: small for cell in cells}

    # Rule 2: T = M + O with T shown.
    role_cells = [c for c in (OFFICERS, MEMBERS) if c in cells]
    if any(reasons[c] is not None for c in role_cells):
        for c in role_cells:
            if reasons[c] is None:
                reasons[c] = PROTECTS_SMALL_GROUP

    # Rule 3: M = g1 + … + gk.
    if groups:
        hidden = [c for c in groups if reasons[c] is not None]
        members_hidden = reasons.get(MEMBERS) is not None
        needed = 1 if (members_hidden and not hidden) or (not members_hidden and len(hidden) == 1) else 0
        shown = sorted(
            (c for c in groups if reasons[c] is None), key=lambda c: (cells[c], c[1] or "")
        )
        for cell in shown[:needed]:
            reasons[cell] = PROTECTS_SMALL_GROUP
    return reasons
