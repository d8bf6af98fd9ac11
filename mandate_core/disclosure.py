"""Disclosure control: which numbers may be shown, and which must be hidden to protect a small group.

The rules are pinned by the product contract and set out, with why and examples, in
``docs/disclosure.md`` (in short in the README).  This module owns the threshold comparison, the one reason text,
and the breakdown rule; :mod:`mandate_core.metrics` applies them to every statistic it returns.

1. **Primary.**  A slice with fewer than ``min_group_size`` participants is suppressed; risk is withheld on
   its own when fewer than ``min_group_size`` participants of a shown slice gave a risk score.
2. **Breakdown** of a theme × horizon into the total ``T``, officers ``O``, members ``M`` and each political
   group ``g`` (``T = O + M``, ``M = Σ g``).  Every shown cell publishes its count of each answer, so the
   combined answers of the cells hidden under a shown total are always known by subtraction.  The rule
   makes every such combination cover at least ``min_group_size`` people:

   a. ``T`` suppressed → everything is;
   b. ``O`` or ``M`` hidden → both are;
   c. ``M`` shown → the hidden groups together hold at least ``min_group_size`` members (or none is
      hidden); ``T`` shown with ``O``, ``M`` hidden → at least one group is hidden, and the officers with
      the hidden groups hold at least ``min_group_size`` participants.  Until that holds, the shown group
      with the fewest participants is hidden too (ties: group name, ascending).

   The same hidden cells apply to every statistic of a cell: position, risk, consensus, answer counts.
3. **Aggregates over themes** (a horizon's overall slice, a sector cell) are built only from the rows of
   themes whose own slice is shown (for risk: whose risk is shown), so no hidden theme enters a total that
   could be differenced against the shown themes.
4. **Statistics of groups** (cross-party alignment, the officer–member gap) use shown cells only.
5. **One word for hidden**: :data:`HIDDEN` is the reason of every hidden cell, whichever rule hid it, so
   the screen never tells which hidden cell is the small one.

Limits that no suppression rule removes: a shown total still bounds its parts (if all ten people in a
theme chose 6, so did any three of them).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

#: The reason every hidden cell carries (rule 5): the same words for a small cell and for its partner.
HIDDEN = "not shown — small group"
#: Why a sentence leaves something out, in the words every sentence uses ("… has too few participants to show").
TOO_FEW = "too few participants to show"

#: The threshold when nothing is set: the product contract's default (docs/disclosure.md).
DEFAULT_MIN_GROUP = 3
#: The setting that overrides :data:`DEFAULT_MIN_GROUP`.
ENV_MIN_GROUP = "MANDATE_MIN_GROUP"


class ThresholdError(ValueError):
    """``MANDATE_MIN_GROUP`` is set to something that is not a whole number: the edges (the command line, the
    app's page context) print it as a clear error instead of guessing a threshold."""


def configured_min_group(value: int | None = None) -> int:
    """The disclosure threshold, resolved once at an edge (a CLI command, an app run) and then passed down
    as a required argument: ``value`` when given, else ``MANDATE_MIN_GROUP``, else 3.  Never below 1.

    It lives here, not in the store, because the threshold is disclosure's own configuration: one place
    reads it, so no core function can quietly pick a different one.
    """
    if value is None:
        setting = os.environ.get(ENV_MIN_GROUP, "").strip()
        if not setting:
            return DEFAULT_MIN_GROUP
        try:
            value = int(setting)
        except ValueError:
            raise ThresholdError(f"{ENV_MIN_GROUP} must be a whole number, not {setting!r}") from None
    return max(1, int(value))


def fewer_than(min_group: int, who: str = "participants") -> str:
    """The one wording of why a value is hidden ("fewer than 3 participants"), so every sentence that
    explains the threshold says it the same way."""
    return f"fewer than {min_group} {who}"

CellKind = Literal["total", "officers", "members", "group"]
#: A cell of a theme × horizon breakdown: ("group", name) for a political group, else (kind, None).
Cell = tuple[CellKind, str | None]

TOTAL: Cell = ("total", None)
OFFICERS: Cell = ("officers", None)
MEMBERS: Cell = ("members", None)


def hidden_reason() -> str:
    """The one reason text of a hidden cell (kept a function so callers need not import a constant)."""
    return HIDDEN


def is_disclosable(n: int, min_group: int) -> bool:
    """The one comparison every shown number goes through, so the threshold cannot drift."""
    return n >= min_group


def disclosable_sql(count: str) -> str:
    """:func:`is_disclosable` as a SQL predicate on the column ``count``, the threshold a bound parameter
    (``?``): for a query that marks shown slices in DuckDB before it aggregates them, so the database and
    Python apply the one rule.  ``count`` is a column name of the caller's fixed SQL, never user text."""
    if not count.isidentifier():
        raise ValueError(f"not a column name: {count!r}")
    return f"{count} >= ?"


@dataclass(frozen=True, slots=True)
class Suppressed:
    """Stands in for a slice that must not be shown; it deliberately carries no numbers at all."""

    reason: str = HIDDEN
    suppressed: bool = field(default=True, init=False)

    def to_json(self) -> dict[str, bool]:
        """A suppressed SLICE of ``report --json`` (docs/cli.md#report)."""
        return {"suppressed": True}


def breakdown_suppression(
    total_n: int,
    officers_n: int,
    members_n: int,
    group_ns: Mapping[str | None, int],
    min_group: int,
) -> dict[Cell, str | None]:
    """Hidden cells of one theme × horizon breakdown (reason :data:`HIDDEN`; ``None`` = shown).

    Rule 2 of the module docstring.  Absent cells (no officers, no members) are not returned: a known zero
    discloses nothing.
    """
    cells: dict[Cell, int] = {TOTAL: total_n}
    if officers_n:
        cells[OFFICERS] = officers_n
    if members_n:
        cells[MEMBERS] = members_n
    groups: list[Cell] = [("group", g) for g in group_ns]
    for cell in groups:
        cells[cell] = group_ns[cell[1]]

    hidden = {cell for cell, n in cells.items() if not is_disclosable(n, min_group)}
    if TOTAL in hidden:  # (a)
        hidden = set(cells)
    else:
        roles = [c for c in (OFFICERS, MEMBERS) if c in cells]
        if any(c in hidden for c in roles):  # (b)
            hidden.update(roles)
        if groups:  # (c)
            members_hidden = MEMBERS in hidden
            base = cells.get(OFFICERS, 0) if members_hidden else 0

            def satisfied() -> bool:
                hidden_groups = [c for c in groups if c in hidden]
                if not hidden_groups:
                    return not members_hidden
                return is_disclosable(base + sum(cells[c] for c in hidden_groups), min_group)

            shown = sorted((c for c in groups if c not in hidden), key=lambda c: (cells[c], c[1] or ""))
            while not satisfied() and shown:
                hidden.add(shown.pop(0))
    return {cell: (HIDDEN if cell in hidden else None) for cell in cells}
