"""The benchmark script still runs end to end (at a tiny size; timings are not asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mandate_core import bench

ROOT = Path(__file__).resolve().parent.parent


def test_generate_is_deterministic_and_sized(tmp_path: Path) -> None:
    _, first, rows = bench.generate(tmp_path / "a", 5000)
    _, second, _ = bench.generate(tmp_path / "b", 5000)
    assert first.read_bytes() == second.read_bytes()
    assert rows == 2400 * 3  # whole councils: 4 rounds x 25 participants x 8 themes x 3 horizons
    assert first.read_text().count("\n") == rows + 1


def test_bench_script_runs_at_a_tiny_size(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mandate_core.bench", "--answers", "2400", "--json",
                           "--workdir", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["answers"] == 2400 and result["cores"] >= 1
    for key in ("bare_read_csv_s", "import_s", "import_ratio", "report_in_process_s", "report_process_s",
                "benchmark_process_s", "app_peak_rss_mb"):
        assert result[key] > 0, key
    assert set(result["pages"]) == set(bench.PAGES)
    assert not any(p["exception"] for p in result["pages"].values())
    assert isinstance(result["targets_met"], bool)
