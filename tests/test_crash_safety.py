"""SIGKILL during an import never leaves a half-written round or an unopenable database (20 trials)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from mandate_core import demo, maintenance
from tests.bench import core as bench

ROOT = Path(__file__).resolve().parent.parent
TRIALS = 20

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, float, int]:
    work = tmp_path_factory.mktemp("crash")
    base = demo.build_database(work / "base.duckdb")
    councils, responses, rows = bench.generate(work / "input", 300_000)
    # Calibrate: how long a whole import takes here, so kills land across its whole length.
    probe = work / "probe.duckdb"
    probe.write_bytes(base.read_bytes())
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "mandate_core", "import", "--db", str(probe), "--councils",
                           str(councils), str(responses)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return base, councils, responses, time.monotonic() - start, rows


def _state(db: Path) -> tuple[dict[tuple[str, str], int], int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = dict(((c, r), n) for c, r, n in con.execute(
            "SELECT council_id, round, count(*) FROM answers GROUP BY ALL").fetchall())
        councils = con.execute("SELECT count(*) FROM councils").fetchone()
        return counts, int(councils[0]) if councils else 0
    finally:
        con.close()


def test_sigkill_at_random_moments_leaves_before_or_after(setup: tuple[Path, Path, Path, float, int],
                                                          tmp_path: Path) -> None:
    base, councils, responses, duration, rows = setup
    per_round = bench.PARTICIPANTS * bench.THEMES * 3
    before, councils_before = _state(base)
    rng = random.Random(8)
    outcomes = {"before": 0, "after": 0}
    for trial in range(TRIALS):
        db = tmp_path / f"trial{trial}.duckdb"
        db.write_bytes(base.read_bytes())
        proc = subprocess.Popen([sys.executable, "-m", "mandate_core", "import", "--db", str(db), "--councils",
                                 str(councils), str(responses)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration * 1.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        after, councils_after = _state(db)  # opens: the database survived
        new = {k: n for k, n in after.items() if k not in before}
        assert {k: after[k] for k in before} == before, f"trial {trial}: existing data changed"
        if new:
            # The import completed before the kill: every round, whole.
            assert len(new) == rows // per_round and set(new.values()) == {per_round}, (
                f"trial {trial}: partial import, {len(new)} rounds")
            outcomes["after"] += 1
        else:
            assert councils_after == councils_before, f"trial {trial}: councils written without their rounds"
            outcomes["before"] += 1
        assert maintenance.check(db) == [], f"trial {trial}"
        db.unlink()
        for extra in db.parent.glob(db.name + "*"):
            extra.unlink()
    assert outcomes["before"] > 0  # most kills land mid-import; the test really interrupted imports
