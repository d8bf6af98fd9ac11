"""The Data topic: what is loaded, in rows and a caption, and the demo-rebuild wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import storage
from ..catalog import Catalog
from ..text import md_escape
from .trends import councils_with_rounds

LOADED_COLUMNS = ("council_id", "name", "nation", "council_type", "peer_group", "population", "round",
                  "workshop_date", "participants", "answers")


def loaded_rows(cat: Catalog) -> list[dict[str, Any]]:
    """One row per council and round (a council without rounds gets one row without a round)."""
    out = []
    for c in cat.councils:
        cid = str(c["council_id"])
        head = {k: c.get(k) for k in ("council_id", "name", "nation", "council_type", "peer_group", "population")}
        rounds = sorted(cat.rounds.get(cid, []), key=lambda r: (str(r["workshop_date"]), str(r["round"])))
        if not rounds:
            out.append({**head, "round": None, "workshop_date": None, "participants": 0, "answers": 0})
        for r in rounds:
            d = r["workshop_date"]
            out.append({**head, "round": r["round"], "workshop_date": d.isoformat() if hasattr(d, "isoformat")
                        else d, "participants": r["participants"], "answers": r["answers"]})
    return out


def loaded_summary(cat: Catalog) -> dict[str, Any]:
    """The headline counts of what is loaded, and the span of workshop dates."""
    dates = sorted(str(r["workshop_date"]) for rs in cat.rounds.values() for r in rs)
    return {
        "councils": len(cat.councils),
        "councils_with_rounds": len(cat.rounds),
        "rounds": cat.round_count,
        "participants": cat.participants,
        "answers": cat.answers,
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "several_rounds": len(councils_with_rounds(cat)),
    }


def loaded_caption(summary: Mapping[str, Any], db_file: str) -> str | None:
    """The Data page's line under the counts: the span of workshop dates, how many councils have more
    than one round, and the database file's name only (the server's folders are not the audience's
    business, and not for a projector) or a PostgreSQL store's name and host (never its credentials).
    None when nothing has a date yet."""
    first, last = summary["first_date"], summary["last_date"]
    if not first:
        return None
    span = first if first == last else f"{first} to {last}"
    return (f"Workshops from {span}; {summary['several_rounds']} councils have more than one round. "
            f"{md_escape(storage.store_label(db_file))}")


def demo_rebuild_words(cat: Catalog) -> tuple[str, str]:
    """What rebuilding the demo database replaces, and the confirming box's label: an empty database
    is offered the demo; one with data is told what is deleted (and, for imported results, how to back
    them up first)."""
    if cat.empty and not cat.councils:
        return ("Load the fictional demo councils to see what the dashboard does before importing your own.",
                "Yes, load the demo database")
    what = ("the demo data now loaded" if cat.is_demo else
            "everything now loaded, including imported results (back it up first with "
            "`python -m mandate_core export`)")
    return (f"Rebuilding replaces {what} with the fictional demo councils.",
            "Yes, delete what is loaded and rebuild the demo database")
