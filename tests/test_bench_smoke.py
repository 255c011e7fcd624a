"""scripts/bench_pipeline.py runs end to end on its smallest workspace and writes every stage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STAGES = {
    "resolve+load",
    "normalize",
    "join",
    "optimize",
    "flatten",
    "build (other)",
    "cache",
    "artifacts",
    "report",
    "write",
}


@pytest.mark.slow
def test_bench_pipeline_quick_run_writes_the_stages(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "bench_pipeline.py"),
            "--quick",
            "--flat",
            "6:hrp",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "resolve+load" in result.stdout and "TOTAL cold" in result.stdout
    document = json.loads(out.read_text())
    assert set(document["stages"]) == STAGES
    size = document["sizes"]["10"]
    assert size["sleeves"] == 10 and size["tree"]["meta_profiles"] == 7
    for label in ("cold", "warm", "no_cache"):
        run = size["runs"][label]
        assert set(run["stages"]) == STAGES
        assert set(run["optimize"]) == {
            "hrp",
            "erc",
            "min_variance",
            "inverse_volatility",
            "equal_weight",
        }
        assert run["total"] > 0 and run["total_x_cov"] > 0
        # each input file read once per run, whatever the number of risk profiles
        assert run["reads"] == run["distinct_files_read"]
    assert size["runs"]["cold"]["cache_hits"] == 0
    assert size["runs"]["warm"]["cache_hits"] == 5 * 7
    assert size["baselines"]["np_cov_1000x2520"] > 0
    assert size["baselines"]["hrp_alone"]["x_np_cov"] > 0
    assert size["memory"]["tracemalloc_peak_bytes"] > 0
    assert size["memory"]["ru_maxrss_bytes"] > size["memory"]["tracemalloc_peak_bytes"]
    # the flat shape: one level of 6 sleeves, its report and figures measured beside the targets
    flat = document["flat"]["6:hrp"]
    assert flat["sleeves"] == 6 and flat["tree"]["meta_profiles"] == 1
    assert set(flat["cold"]["stages"]) == STAGES
    assert 0 < flat["cold"]["report_bytes"] <= flat["targets"]["report_bytes"] == 2**20
    assert flat["cold"]["figure_bytes"] > 0  # four SVG figures
    assert "flat 6:hrp: 6 sleeves x 260 days x 1 risk profile(s) hrp" in result.stdout
