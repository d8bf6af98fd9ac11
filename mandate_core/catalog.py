"""What is loaded: councils, their rounds and the totals — the small lookup every page starts from."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from . import demo


@dataclass
class Catalog:
    """Councils and rounds known to the database (small: one row per council / round)."""

    councils: list[dict[str, object]] = field(default_factory=list)  # ordered by name
    rounds: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # newest first
    participants: int = 0
    answers: int = 0
    is_demo: bool = False

    @property
    def ids(self) -> list[str]:
        return [str(c["council_id"]) for c in self.councils]

    def name(self, council_id: str) -> str:
        # A dict built on first use: the sidebar's council list asks for every name on every run, and a
        # scan per name was quadratic (400 councils: 160,000 comparisons a rerun).
        names = self.__dict__.get("_names")
        if names is None or len(names) != len(self.councils):
            names = {c["council_id"]: str(c["name"]) for c in reversed(self.councils)}
            self.__dict__["_names"] = names
        return names.get(council_id, council_id)

    def council(self, council_id: str) -> dict[str, object] | None:
        return next((c for c in self.councils if c["council_id"] == council_id), None)

    def round_labels(self, council_id: str) -> list[str]:
        return [str(r["round"]) for r in self.rounds.get(council_id, [])]

    @property
    def round_count(self) -> int:
        return sum(len(v) for v in self.rounds.values())

    @property
    def empty(self) -> bool:
        return not self.rounds


def load_catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    """Read the catalog in two small queries."""
    cat = Catalog()
    cols = ["council_id", "name", "nation", "council_type", "population", "peer_group"]
    for row in con.execute(
        "SELECT council_id, name, nation, council_type, population, peer_group FROM councils "
        "ORDER BY name, council_id"
    ).fetchall():
        cat.councils.append(dict(zip(cols, row, strict=True)))
    for council_id, rnd, date, participants, answers in con.execute(
        """SELECT r.council_id, r.round, r.workshop_date,
                  count(DISTINCT a.participant), count(a.participant)
           FROM rounds r LEFT JOIN answers a ON a.council_id = r.council_id AND a.round = r.round
           GROUP BY ALL ORDER BY r.council_id, r.workshop_date DESC, r.round"""
    ).fetchall():
        cat.rounds.setdefault(council_id, []).append(
            {"round": rnd, "workshop_date": date, "participants": int(participants),
             "answers": int(answers)}
        )
        cat.participants += int(participants)
        cat.answers += int(answers)
    cat.is_demo = demo.is_demo(con)
    return cat
