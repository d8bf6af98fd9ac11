"""Peer numbers come from the store's own secret: every process numbers a store's peers alike.

Before, the key was one secret per process, so the ``deck`` command's file and the dashboard's debrief
called the same council "Peer 3" and "Peer 11", and a restart renumbered every peer.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import duckdb
import pytest
from helpers_import import digest_db, dump_db, run_cli, table_rows

from mandate_core import anonymise, demo, findings, metrics, storage
from mandate_core.benchmarking import PeerSet

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402

FOCUS = "brackenfield"
HEX64 = re.compile(r"[0-9a-f]{64}")


def _stored_keys(db: Path) -> list[str]:
    return [r[0] for r in table_rows(db, "SELECT value FROM meta WHERE key = ?", [storage.PEER_KEY_ROW])]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_database(tmp_path_factory.mktemp("peerkey") / "demo.duckdb")


def test_a_new_store_gets_one_random_key_that_stays(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with storage.connect(db):
        pass
    first = _stored_keys(db)
    assert len(first) == 1 and HEX64.fullmatch(first[0]), first
    for read_only in (False, True, False):  # later connections, either kind, neither add nor change it
        with storage.connect(db, read_only=read_only):
            pass
    assert _stored_keys(db) == first
    assert anonymise.shared_key(db) == first[0]
    assert anonymise.shared_key(db) != anonymise._PROCESS_KEY


def test_an_up_to_date_connection_does_not_write_a_store_that_has_its_key(tmp_path: Path) -> None:
    db = tmp_path / "quiet.duckdb"
    with storage.connect(db) as con:
        con.execute("CHECKPOINT")
    before = db.read_bytes()
    with storage.connect(db):
        pass
    assert db.read_bytes() == before and not Path(str(db) + ".wal").exists()


def test_two_stores_get_different_keys(tmp_path: Path) -> None:
    keys = []
    for name in ("a.duckdb", "b.duckdb"):
        with storage.connect(tmp_path / name):
            pass
        keys.append(anonymise.shared_key(tmp_path / name))
    assert keys[0] != keys[1]
    ids = [f"c{i}" for i in range(12)]
    assert anonymise.peer_numbers(ids, None, keys[0]) != anonymise.peer_numbers(ids, None, keys[1])


def test_a_store_from_before_the_key_gets_one_on_its_next_read_write_connection(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with storage.connect(db) as con:
        con.execute("DELETE FROM meta WHERE key = ?", [storage.PEER_KEY_ROW])  # as a schema-4 store was
    with storage.connect(db, read_only=True):
        pass
    assert _stored_keys(db) == []  # reading never writes
    assert anonymise.shared_key(db) == anonymise._PROCESS_KEY  # nothing stored: this process's secret
    with storage.connect(db):
        pass
    (key,) = _stored_keys(db)
    assert HEX64.fullmatch(key) and anonymise.shared_key(db) == key


def test_a_migrated_store_gets_its_key_in_the_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(db))
    try:
        for version in (1, 2, 3):
            for statement in storage.MIGRATIONS[version]:
                con.execute(statement)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '3')")
    finally:
        con.close()
    assert _stored_keys(db) == []
    with storage.connect(db):
        pass
    assert table_rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(storage.SCHEMA_VERSION),)]
    assert len(_stored_keys(db)) == 1


def test_no_store_or_an_unreadable_one_falls_back_to_the_process_secret(tmp_path: Path) -> None:
    assert anonymise.shared_key(tmp_path / "missing.duckdb") == anonymise._PROCESS_KEY
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    assert anonymise.shared_key(junk) == anonymise._PROCESS_KEY


def _peer_series(path: Path) -> dict[str, tuple]:
    """The benchmark slide's peer dots: ``{"Peer N": (value per row)}``."""
    prs = Presentation(io.BytesIO(path.read_bytes()))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                series = {s.name: tuple(s.values) for s in shape.chart.plots[0].series}
                peers = {k: v for k, v in series.items() if re.fullmatch(r"Peer \d+", k)}
                if peers:
                    return peers
    raise AssertionError("no benchmark chart with peer series in the deck")


def test_the_deck_command_numbers_peers_as_the_dashboard_does(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "deck.pptx"
    done = run_cli("deck", "--db", demo_db, "--council", FOCUS, "--out", out)
    assert done.returncode == 0, done.stderr
    got = _peer_series(out)

    # The dashboard's own anonymiser for this store (pages/_layout: its key and its catalog).
    monkeypatch.setenv(storage.ENV_DB, str(demo_db))
    from pages._layout import view

    anon = view._anonymiser(str(demo_db), storage.data_version(demo_db), FOCUS, view.anon_key())
    with storage.connect(demo_db, read_only=True) as con:
        view = findings.benchmark.benchmark_view(
            con, FOCUS, None, "position", "ambition", PeerSet.parse("all"), min_group=3
        )
        others = [c for c in metrics.list_councils(con) if c["council_id"] != FOCUS]
    assert len(others) == 27 and set(anon.labels) == {c["council_id"] for c in others}
    expected: dict[str, list] = {anon.labels[c["council_id"]]: [] for c in others}
    for row in view["rows"]:
        values = {p["council_id"]: p["value"] for p in row["points"]}
        for c in others:
            expected[anon.labels[c["council_id"]]].append(values.get(c["council_id"]))
    expected = {label: vals for label, vals in expected.items() if any(v is not None for v in vals)}
    assert set(got) == set(expected)
    for label, vals in expected.items():  # every peer's dots, row by row, under the dashboard's label
        assert got[label] == pytest.approx(tuple(vals)), label


def test_export_and_import_round_trip_keeps_the_data_and_exports_no_key(demo_db: Path, tmp_path: Path) -> None:
    (key,) = _stored_keys(demo_db)
    out = tmp_path / "export"
    done = run_cli("export", "--db", demo_db, "--out", out)
    assert done.returncode == 0, done.stderr
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["councils.csv", "responses.csv"]
    assert all(key not in f.read_text(encoding="utf-8") for f in files)
    copies = [tmp_path / "again-1.duckdb", tmp_path / "again-2.duckdb"]
    for again in copies:
        done = run_cli("import", "--db", again, "--councils", out / "councils.csv", out / "responses.csv")
        assert done.returncode == 0, done.stderr
    keys = [_stored_keys(again) for again in copies]
    assert all(len(k) == 1 for k in keys) and len({key, keys[0][0], keys[1][0]}) == 3  # each store its own
    # Equal data, different secrets: the comparison helpers see equal stores (meta included).
    assert dump_db(copies[0]) == dump_db(copies[1])
    assert digest_db(copies[0]) == digest_db(copies[1])
    before, after = dump_db(demo_db), dump_db(copies[0])
    before.pop("main.meta"), after.pop("main.meta")  # the demo mark: the copies were imported, not built
    assert after == before
