"""Fictional demo councils and workshop answers, generated from a fixed seed.

A new user should see a full dashboard at once, with the situations the product exists to reveal: members
more (or less) ambitious than officers, a polarised council, a council in consensus, and a small workshop
where disclosure control hides groups.  Every name here is invented; no real council is given scores.
The generator is deterministic so the committed files under ``data/demo/`` can be checked against it.
"""

from __future__ import annotations

import csv
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import domain, importer, storage

SEED = 20261126
DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
COUNCILS_FILE = "councils.csv"
RESPONSES_FILE = "responses.csv"
#: Marks a database built from the demo files, so every page can say so plainly.
DEMO_MARK_KEY = "demo"

#: (id, name, nation, type, peer group, population, personality)
_COUNCILS: list[tuple[str, str, str, str, str, int, str]] = [
    ("aldermoor", "Aldermoor Borough Council", "England", "District", "Shire districts", 98_000, "members_ahead"),
    ("brackenfield", "Brackenfield District Council", "England", "District", "Shire districts", 121_000, "polarised"),
    ("carrow-dene", "Carrow Dene Council", "England", "District", "Shire districts", 87_000, "cautious"),
    ("dunmere", "Dunmere District Council", "England", "District", "Shire districts", 110_000, "typical"),
    ("elmstead-vale", "Elmstead Vale Council", "England", "District", "Shire districts", 64_000, "small"),
    ("farrowby", "Farrowby Borough Council", "England", "District", "Shire districts", 132_000, "officers_ahead"),
    ("greyhallow", "Greyhallow County Council", "England", "County", "Counties", 612_000, "typical"),
    ("hollinshire", "Hollinshire County Council", "England", "County", "Counties", 788_000, "consensus"),
    ("ivelmarsh", "Ivelmarsh County Council", "England", "County", "Counties", 545_000, "bold"),
    ("juniper-downs", "Juniper Downs County Council", "England", "County", "Counties", 701_000, "cautious"),
    ("kestrel-bay", "Kestrel Bay Council", "England", "Unitary", "Urban unitaries", 254_000, "members_ahead"),
    ("larkmouth", "Larkmouth City Council", "England", "Unitary", "Urban unitaries", 318_000, "bold"),
    ("mirefield", "Mirefield Council", "England", "Metropolitan borough", "Urban unitaries", 289_000, "typical"),
    ("northwold", "Northwold Metropolitan Council", "England", "Metropolitan borough", "Urban unitaries", 341_000, "officers_ahead"),
    ("orchard-lea", "Orchard Lea Council", "England", "London borough", "Urban unitaries", 276_000, "polarised"),
    ("pennock-glen", "Pennock Glen Council", "Scotland", "Unitary", "Scottish family group 1", 92_000, "consensus"),
    ("quarrieston", "Quarrieston Council", "Scotland", "Unitary", "Scottish family group 1", 148_000, "typical"),
    ("rannoch-firth", "Rannoch Firth Council", "Scotland", "Unitary", "Scottish family group 1", 57_000, "bold"),
    ("strathbervie", "Strathbervie Council", "Scotland", "Unitary", "Scottish family group 1", 115_000, "cautious"),
    ("tolmount", "Tolmount Council", "Scotland", "Unitary", "Scottish family group 2", 203_000, "members_ahead"),
    ("uisgebrae", "Uisgebrae Council", "Scotland", "Unitary", "Scottish family group 2", 81_000, "small"),
    ("varrock-links", "Varrock Links Council", "Scotland", "Unitary", "Scottish family group 2", 166_000, "typical"),
    ("wester-caldy", "Wester Caldy Council", "Scotland", "Unitary", "Scottish family group 2", 134_000, "polarised"),
    ("ystrad-mawr", "Ystrad Mawr County Borough Council", "Wales", "Unitary", "Welsh authorities", 129_000, "typical"),
    ("cwm-aderyn", "Cwm Aderyn Council", "Wales", "Unitary", "Welsh authorities", 71_000, "consensus"),
    ("glanheli", "Glanheli County Council", "Wales", "Unitary", "Welsh authorities", 152_000, "bold"),
    ("penrhos-isaf", "Penrhos Isaf Council", "Wales", "Unitary", "Welsh authorities", 96_000, "officers_ahead"),
    ("zennor-cross", "Zennor Cross Council", "England", "Unitary", "", 188_000, "typical"),
]

#: Councils that ran a second workshop two years on.
_TWO_ROUNDS = {"aldermoor", "greyhallow", "kestrel-bay", "pennock-glen", "tolmount", "ystrad-mawr",
               "brackenfield", "larkmouth"}

_PARTIES = {
    "England": ["Labour", "Conservative", "Liberal Democrat", "Green", "Independent", "Reform UK"],
    "Scotland": ["SNP", "Labour", "Conservative", "Liberal Democrat", "Green", "Independent"],
    "Wales": ["Labour", "Plaid Cymru", "Conservative", "Independent", "Liberal Democrat"],
}
_DIRECTORATES = ["Place", "People", "Resources", "Chief Executive's Office"]

#: Council theme labels a council might use, by sector key.
_THEME_LABELS = {
    "economy": ["A thriving local economy", "Good jobs and fair work", "Town centres that work"],
    "communities": ["Strong, resilient communities", "Early help for families", "Community power"],
    "health": ["Living well for longer", "Adult care fit for the future", "Health and wellbeing"],
    "environment": ["Net zero by 2040", "A greener borough", "Climate emergency response"],
    "place": ["Homes people can afford", "Connected places", "Regeneration and housing"],
    "learning": ["Every child's best start", "Skills for the future", "Learning for life"],
    "digital": ["Digital by default", "Customer experience", "Smarter services"],
    "organisation": ["A sustainable budget", "Our workforce", "One council"],
}

_NOTES = [
    "Pool budgets with health partners and let neighbourhood teams decide how to spend them.",
    "Hand the running of libraries and halls to community trusts with a ten-year endowment.",
    "Replace assessment forms with a single conversation led by the family.",
    "Use council land to build homes for key workers at cost, not market rent.",
    "Stop commissioning by service and fund outcomes across the whole place.",
    "Open all council data and let residents design the services with us.",
    "A four-day week pilot for the whole workforce, measured on outcomes.",
    "Turn every school into a community hub open from 7am to 10pm.",
    "Put participatory budgeting on 10% of the capital programme.",
    "Move to zero-waste procurement and publish the carbon cost of every decision.",
    "Automate routine transactions and redeploy staff into prevention.",
    "Co-own local energy generation with residents and share the income.",
]


@dataclass
class _Personality:
    base: float  # mean 'now' position
    step_next: float
    step_ambition: float
    member_offset: float  # members minus officers
    group_spread: float  # spread of party offsets
    noise: float
    size: tuple[int, int]


_PERSONALITIES = {
    "typical": _Personality(2.3, 0.8, 1.6, 0.2, 0.5, 0.9, (14, 24)),
    "members_ahead": _Personality(2.2, 0.9, 1.9, 1.0, 0.4, 0.8, (16, 26)),
    "officers_ahead": _Personality(2.4, 0.8, 1.7, -0.9, 0.4, 0.8, (16, 26)),
    "polarised": _Personality(2.3, 0.9, 1.8, 0.1, 2.6, 0.7, (20, 30)),
    "consensus": _Personality(2.5, 0.9, 1.7, 0.0, 0.1, 0.25, (14, 22)),
    "cautious": _Personality(1.7, 0.4, 0.8, -0.2, 0.4, 0.6, (12, 20)),
    "bold": _Personality(2.9, 1.1, 2.3, 0.3, 0.5, 0.8, (16, 28)),
    "small": _Personality(2.2, 0.8, 1.5, 0.3, 0.6, 0.9, (8, 9)),
}


def _clamp(value: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, int(round(value))))


def generate(seed: int = SEED) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Councils and responses rows (as text, ready for CSV), identical for the same seed."""
    rng = random.Random(seed)
    councils: list[dict[str, str]] = []
    responses: list[dict[str, str]] = []
    for cid, name, nation, ctype, peer_group, population, kind in _COUNCILS:
        councils.append({
            "council_id": cid, "name": name, "nation": nation, "council_type": ctype,
            "population": str(population), "peer_group": peer_group,
        })
        person = _PERSONALITIES[kind]
        n_themes = 3 if kind == "small" else rng.randint(4, 6)
        sector_keys = rng.sample(list(domain.SECTOR_THEMES), n_themes)
        themes = [(rng.choice(_THEME_LABELS[k]), k) for k in sector_keys]
        theme_offsets = {t: rng.gauss(0, 0.45) for t, _ in themes}
        parties = rng.sample(_PARTIES[nation], rng.randint(3, min(5, len(_PARTIES[nation]))))
        if kind == "polarised":
            party_offsets = {
                p: (person.group_spread / 2 if i % 2 == 0 else -person.group_spread / 2)
                for i, p in enumerate(parties)
            }
        else:
            party_offsets = {p: rng.gauss(0, person.group_spread / 2) for p in parties}
        rounds = [("2024 baseline", f"2024-0{rng.randint(2, 9)}-{rng.randint(10, 28)}", 0.0)]
        if cid in _TWO_ROUNDS:
            rounds.append(("2026 follow-up", f"2026-0{rng.randint(2, 9)}-{rng.randint(10, 28)}", 0.6))
        for round_label, date, drift in rounds:
            size = rng.randint(*person.size)
            n_members = max(3, size // 2 + rng.randint(-2, 2))
            if kind == "small":
                n_members = 5
            people: list[tuple[str, str, str]] = []
            for i in range(size):
                if i < n_members:
                    if kind == "small":
                        party = parties[0] if i < 3 else parties[1 + (i % 2)]
                    else:
                        party = parties[i % len(parties)]
                    people.append((f"M{i + 1:02d}", "member", party))
                else:
                    people.append((f"O{i + 1 - n_members:02d}", "officer", rng.choice(_DIRECTORATES)))
            for pid, role, group in people:
                personal = rng.gauss(0, person.noise / 2)
                offset = person.member_offset / 2 if role == "member" else -person.member_offset / 2
                if role == "member":
                    offset += party_offsets[group]
                for theme, key in themes:
                    level = person.base + drift + theme_offsets[theme] + offset + personal
                    steps = {"now": 0.0, "next": person.step_next, "ambition": person.step_ambition}
                    for horizon in domain.HORIZONS:
                        change = _clamp(level + steps[horizon] + rng.gauss(0, person.noise), 1, 6)
                        risk = ""
                        if rng.random() > 0.08:
                            risk = str(_clamp(1.2 + 0.55 * change + rng.gauss(0, 0.7), 1, 5))
                        note = ""
                        if horizon == "ambition" and rng.random() < 0.12:
                            note = rng.choice(_NOTES)
                        responses.append({
                            "council_id": cid, "round": round_label, "workshop_date": date,
                            "participant": pid, "role": role, "group": group, "theme": theme,
                            "sector_theme": key, "horizon": horizon, "change": str(change),
                            "risk": risk, "note": note,
                        })
            if cid == _BREAKOUT_COUNCIL and round_label == "2024 baseline":
                responses += _breakout(cid, round_label, date, themes[0][1], people, seed)
    return councils, responses


#: The council whose workshop also ran a breakout session on one theme, answered by two people: its
#: numbers are hidden, the overall slices leave it out and say so (rule 3 of docs/disclosure.md), and it shares a
#: sector theme with one of the council's main themes, so the Themes grid shows the same rule.  It has
#: four main themes, so with the breakout it stays within the demo data's 3–6 themes a workshop
#: (docs/formats.md#the-demo-data).
_BREAKOUT_COUNCIL = "varrock-links"
_BREAKOUT_THEME = "Breakout: a four-day week"


def _breakout(
    cid: str, round_label: str, date: str, sector_key: str, people: list[tuple[str, str, str]], seed: int
) -> list[dict[str, str]]:
    """Two participants (one officer, one member) answering the breakout theme, from their own stream."""
    rng = random.Random(seed + 7)
    who = [next(p for p in people if p[1] == "officer"), next(p for p in people if p[1] == "member")]
    rows = []
    for pid, role, group in who:
        for horizon, level in zip(domain.HORIZONS, (2, 4, 6), strict=True):
            change = _clamp(level + rng.gauss(0, 0.6), 1, 6)
            rows.append({
                "council_id": cid, "round": round_label, "workshop_date": date, "participant": pid,
                "role": role, "group": group, "theme": _BREAKOUT_THEME, "sector_theme": sector_key,
                "horizon": horizon, "change": str(change), "risk": str(_clamp(change - 1, 1, 5)),
                "note": "",
            })
    return rows


def write_files(directory: Path = DEMO_DIR, seed: int = SEED) -> tuple[Path, Path]:
    """Write the demo councils and responses CSV files (the format users copy)."""
    councils, responses = generate(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = (directory / COUNCILS_FILE, directory / RESPONSES_FILE)
    for path, rows, columns in (
        (paths[0], councils, importer.COUNCIL_COLUMNS),
        (paths[1], responses, importer.RESPONSE_COLUMNS),
    ):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return paths


def build_database(db: str | os.PathLike[str] | None = None) -> Path:
    """(Re)build the demo database at ``db`` from the shipped files, replacing it atomically.

    It is built beside the target and moved into place with ``os.replace``, so a reader never sees a
    half-built database and two dashboards starting at once cannot interleave.
    """
    target = storage.resolve_db_path(db)
    shared = storage.is_shared_store(target)
    if not shared:
        target.parent.mkdir(parents=True, exist_ok=True)
    councils_path, responses_path = DEMO_DIR / COUNCILS_FILE, DEMO_DIR / RESPONSES_FILE
    if not (councils_path.exists() and responses_path.exists()):
        councils_path, responses_path = write_files()
    fd, tmp_name = tempfile.mkstemp(prefix=".demo-", suffix=".duckdb", dir=None if shared else target.parent)
    os.close(fd)
    os.remove(tmp_name)  # DuckDB must create the file itself
    try:
        with storage.connect(tmp_name) as con:
            importer.import_into(
                con,
                importer.Source(councils_path, f"data/demo/{COUNCILS_FILE}"),
                [importer.Source(responses_path, f"data/demo/{RESPONSES_FILE}")],
            )
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, 'true')", [DEMO_MARK_KEY])
            con.execute("CHECKPOINT")
        if shared:
            _replace_shared(target, tmp_name)
            return target
        wal = Path(str(target) + ".wal")
        if wal.exists():
            wal.unlink()
        os.replace(tmp_name, target)
    finally:
        for leftover in (tmp_name, tmp_name + ".wal"):
            if os.path.exists(leftover):
                os.remove(leftover)
    return target


def _replace_shared(target: str | os.PathLike[str], built: str) -> None:
    """Put the freshly built demo file's every table into a PostgreSQL store, in one transaction (a
    reader sees the old data or the new, never a mixture)."""
    with storage.connect(target) as con:
        con.execute("ATTACH ? AS demo_built (READ_ONLY)", [built])
        try:
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'demo_built' AND NOT internal "
                "ORDER BY 1").fetchall()]

            def work() -> None:
                for table in tables:
                    quoted = '"' + table.replace('"', '""') + '"'
                    con.execute(f"DELETE FROM {quoted}")
                    con.execute(f"INSERT INTO {quoted} SELECT * FROM demo_built.{quoted}")

            storage.run_in_transaction(con, work)
        finally:
            con.execute("DETACH demo_built")


def rebuild_keeping_access(db: str | os.PathLike[str], actor: str) -> Path:
    """Rebuild the demo database from the dashboard: who may sign in and the activity record survive the
    new file (a rebuild must not lock the administrator out), and the rebuild is recorded as ``actor``."""
    from . import access

    kept = access.saved_access(db)
    path = build_database(db)
    access.restore_access(db, kept, actor, "demo rebuilt")
    return path


def ensure_database(db: str | os.PathLike[str] | None = None) -> Path:
    """The dashboard's start-up rule (docs/architecture.md#storage): build the demo database when none exists."""
    target = storage.resolve_db_path(db)
    if not storage.exists(target):
        build_database(target)
    return target


def is_demo(con: object) -> bool:
    """Whether the open database was built from the demo files (real imports may sit beside them)."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [DEMO_MARK_KEY]).fetchone()  # type: ignore[attr-defined]
    return bool(row and row[0] == "true")
