"""The CSV tables and the figures of a finished run, checked against the JSON artifacts.

Every expected value comes from another file of the same run (the JSON artifacts, the returns
pickle) or from a second implementation (``np.corrcoef``, a hand-written drawdown), never from
the code that wrote the CSV.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.harness.cases import cases, run_case
from tradingview_scraper.meta import _figure_draw
from tradingview_scraper.meta._figure_draw import RC
from tradingview_scraper.meta.aggregate import MetaOutcome
from tradingview_scraper.pipeline import MetaRun

REPO = Path(__file__).resolve().parents[2]
SUCCESS = {c.name: c for c in cases(REPO / "fixtures" / "workspaces", expect="success")}
REAL_RENDER_SVG = _figure_draw.render_svg  # at import: before any test stands in for it


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> MetaRun:
    """Drawn for real: tests here look at the SVG files (tests/conftest.py otherwise stands
    in for render_svg)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_figure_draw, "render_svg", REAL_RENDER_SVG)
        return run_case(SUCCESS["nested_depth2"], tmp_path_factory.mktemp("nested") / "ws")


@pytest.fixture(scope="module")
def vetoed(tmp_path_factory: pytest.TempPathFactory) -> MetaRun:
    return run_case(SUCCESS["health_veto"], tmp_path_factory.mktemp("veto") / "ws")


def _profiles(run: MetaRun) -> list[tuple[str, str]]:
    return [(p.name, r) for r in run.computation.risk_profiles for p in run.computation.tree]


@pytest.mark.parametrize("which", ["nested", "vetoed"])
def test_sleeve_csv_matches_the_optimized_and_manifest_json(
    which: str, request: pytest.FixtureRequest
) -> None:
    run: MetaRun = request.getfixturevalue(which)
    for meta, risk in _profiles(run):
        data = run.run_dir / "data"
        rows = _rows(data / f"meta_sleeves_{meta}_{risk}.csv")
        optimized = {
            w["Symbol"]: w for w in _json(data / f"meta_optimized_{meta}_{risk}.json")["weights"]
        }
        manifest = {
            s["id"]: s for s in _json(data / f"meta_manifest_{meta}_{risk}.json")["sleeves"]
        }
        assert [r["sleeve"] for r in rows] == [s for s in manifest]  # manifest order
        for row in rows:
            doc = optimized[row["sleeve"]]
            assert float(row["weight"]) == doc["Weight"]
            assert float(row["raw_weight"]) == doc["Raw_Weight"]
            assert float(row["lower"]) == doc["Lower"] and float(row["upper"]) == doc["Upper"]
            assert float(row["risk_contribution"]) == doc["Risk_Contribution"]
            assert (row["active_bound"] or None) == doc["Active_Bound"]
            assert row["status"] == doc["Status"] and row["kind"] == doc["Kind"]
            entry = manifest[row["sleeve"]]
            if entry["kind"] == "atomic":
                assert row["run_id"] == entry["run_id"]
                assert float(row["ratio"]) == entry["health"]["ratio"]
                assert (row["veto_reason"] or None) == entry["veto_reason"]
    if which == "vetoed":
        assert any(r["status"] == "vetoed" and r["veto_reason"] for r in rows)


def test_sleeve_csv_performance_is_the_stream_statistics(vetoed: MetaRun) -> None:
    ((meta, risk),) = _profiles(vetoed)
    data = vetoed.run_dir / "data"
    with open(data / f"meta_returns_{meta}_{risk}.pkl", "rb") as handle:
        frame: pd.DataFrame = pickle.load(handle)  # our own artifact
    for row in _rows(data / f"meta_sleeves_{meta}_{risk}.csv"):
        if row["status"] != "included":
            assert row["annualized_vol"] == "" and row["days"] == ""
            continue
        r = frame[row["sleeve"]].to_numpy()
        assert int(row["days"]) == len(r)
        assert _number(row["annualized_vol"]) == pytest.approx(
            np.std(r, ddof=1) * np.sqrt(252), rel=1e-12
        )
        wealth = np.cumprod(1 + r)
        assert _number(row["annualized_return"]) == pytest.approx(
            wealth[-1] ** (252 / len(r)) - 1, rel=1e-12
        )
        assert _number(row["win_rate"]) == pytest.approx(np.mean(r > 0), rel=1e-15)


def test_calendar_csv_matches_the_manifest_calendar(nested: MetaRun) -> None:
    for meta, risk in _profiles(nested):
        data = nested.run_dir / "data"
        calendar = _json(data / f"meta_manifest_{meta}_{risk}.json")["calendar"]["sleeves"]
        rows = _rows(data / f"meta_calendar_{meta}_{risk}.csv")
        assert sorted(r["sleeve_id"] for r in rows) == sorted(calendar)  # JSON keys are sorted
        for row in rows:
            entry = calendar[row["sleeve_id"]]
            for key, cell in row.items():
                value = entry[key]
                assert (float(cell) if isinstance(value, float) else type(value)(cell)) == value, (
                    key
                )


def test_correlation_csv_is_pearson_in_leaf_order(nested: MetaRun) -> None:
    for meta, risk in _profiles(nested):
        data = nested.run_dir / "data"
        with open(data / f"meta_returns_{meta}_{risk}.pkl", "rb") as handle:
            frame: pd.DataFrame = pickle.load(handle)  # our own artifact
        leaves = _json(data / f"meta_cluster_tree_{meta}_{risk}.json")["tree"]["leaf_order"]
        text = (data / f"meta_correlation_{meta}_{risk}.csv").read_text(encoding="utf-8")
        lines = list(csv.reader(text.splitlines()))
        assert lines[0] == ["sleeve", *leaves]
        assert [line[0] for line in lines[1:]] == leaves
        expected = np.corrcoef(frame[leaves].to_numpy(), rowvar=False)
        for i, line in enumerate(lines[1:]):
            assert [len(c.split(".")[1]) for c in line[1:]] == [6] * len(leaves)  # fixed format
            assert np.allclose([float(c) for c in line[1:]], expected[i], atol=5e-7, rtol=0)


def test_report_links_every_figure_with_a_relative_path(nested: MetaRun) -> None:
    report = (nested.run_dir / "reports" / "meta_portfolio_report.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"!\[[^\]]*\]\((figures/[^)]+\.svg)\)", report))
    drawn = {
        p.relative_to(nested.run_dir / "reports").as_posix()
        for p in (nested.run_dir / "reports" / "figures").glob("*.svg")
    }
    assert linked == drawn and len(drawn) == 4 * len(nested.computation.risk_profiles)
    for name in drawn:
        svg = (nested.run_dir / "reports" / name).read_bytes()
        assert svg.startswith(b"<?xml") and b"<dc:date>" not in svg


_RENDER = """
import hashlib, sys
import numpy as np
from tradingview_scraper.meta._figure_draw import render_svg
from tradingview_scraper.meta.figures import figure_jobs
from tradingview_scraper.harness.cases import cases, run_case
from pathlib import Path
case = next(c for c in cases(expect="success") if c.name == "nested_depth2")
run = run_case(case, Path(sys.argv[1]))
for name, spec in sorted(figure_jobs(run.computation.outcomes["hrp"]).items()):
    print(name, hashlib.sha256(render_svg(spec)).hexdigest())
rng = np.random.default_rng(3)
big = np.clip(rng.normal(0.2, 0.3, (900, 900)), -1, 1)
spec = {"family": "correlation", "title": "t", "labels": [], "matrix": big, "block": 1,
        "vmin": -1.0, "vmax": 1.0, "colormap": "RdBu_r", "note": "900 cells"}
svg = render_svg(spec)
assert b"<image" in svg
print("raster", hashlib.sha256(svg).hexdigest())
"""


@pytest.mark.slow
def test_svg_bytes_are_the_same_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1767225600"}
        done = subprocess.run(
            [sys.executable, "-c", _RENDER, str(tmp_path / seed)],
            env=env, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 5  # four figures and the raster heat map


def test_figures_use_the_bundled_font() -> None:
    import matplotlib
    from matplotlib import font_manager

    with matplotlib.rc_context(dict(RC)):
        found = font_manager.findfont(font_manager.FontProperties(family=RC["font.family"]))
    assert Path(found).is_relative_to(Path(matplotlib.get_data_path()))


def _figure_digests(outcome: MetaOutcome) -> dict[str, str]:
    from tradingview_scraper.meta._figure_draw import render_svg
    from tradingview_scraper.meta.figures import figure_jobs

    jobs = figure_jobs(outcome)
    return {path: hashlib.sha256(render_svg(spec)).hexdigest() for path, spec in jobs.items()}


@pytest.mark.real_figures
def test_figure_files_digest_is_stable_in_process(nested: MetaRun) -> None:
    outcome = nested.computation.outcomes["hrp"]
    first = _figure_digests(outcome)
    again = _figure_digests(outcome)
    assert first == again
    written = {
        f"figures/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (nested.run_dir / "reports" / "figures").glob("*_hrp.svg")
    }
    assert written == first
