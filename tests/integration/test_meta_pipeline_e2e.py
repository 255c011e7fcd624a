"""End-to-end contract tests over the checked-in fixture workspaces (the seed task, made real).

Each case is materialized into a temporary workspace and run through the canonical runner
(``run_meta_pipeline``) or the CLI. Expected values are recomputed here from the inputs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper import errors
from tradingview_scraper.allocation.bounds import SUM_TOL
from tradingview_scraper.cli import main
from tradingview_scraper.harness.cases import cases, run_case
from tradingview_scraper.harness.materialize import Case, csv_to_series, materialize
from tradingview_scraper.meta.artifacts import artifact_names
from tradingview_scraper.pipeline import MetaRun

REPO = Path(__file__).resolve().parents[2]
SUCCESS = {c.name: c for c in cases(REPO / "fixtures" / "workspaces", expect="success")}
FAILURES = {c.name: c for c in cases(REPO / "fixtures" / "workspaces", expect="error")}
RUNS = Path("data/artifacts/summaries/runs")


def _tree_hash(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def shared_runs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], MetaRun]:
    """Each success case runs once per test process; the tests here only read its outputs."""
    root = tmp_path_factory.mktemp("e2e")

    @functools.cache
    def run(name: str) -> MetaRun:
        return run_case(SUCCESS[name], root / name)

    return run


def _sleeve_csv(case: Case, run_id: str, risk: str) -> pd.Series:
    folder = case.folder / RUNS / run_id / "data" / "returns"
    (path,) = sorted(folder.glob(f"*_{risk}.csv"))
    return csv_to_series(path)


# ------------------------------------------------------------------ 1. artifact contract


@pytest.mark.parametrize("name", sorted(SUCCESS))
def test_artifact_contract(name: str, shared_runs: Callable[[str], MetaRun]) -> None:
    case = SUCCESS[name]
    run = shared_runs(name)
    expected = {"audit.jsonl", "reports/meta_portfolio_report.md"}
    for risk in case.risk_profiles:
        for profile in run.computation.tree:
            expected |= {f"data/{n}" for n in artifact_names(profile.name, risk).values()}
            expected |= {
                f"data/meta_{family}_{profile.name}_{risk}.csv"
                for family in ("sleeves", "correlation", "calendar")
            }
        # a root of two or more included sleeves has all four figures; one_sleeve's root has
        # no correlation to draw, nor a tree
        included = [s for s in run.computation.outcomes[risk].sleeves if s.status == "included"]
        families = ["equity", "weights"]
        families += ["correlation", "dendrogram"] if len(included) >= 2 else []
        expected |= {
            f"reports/figures/{family}_{case.meta_profile}_{risk}.svg" for family in families
        }
    assert set(run.files) == expected
    assert {
        p.relative_to(run.run_dir).as_posix() for p in run.run_dir.rglob("*") if p.is_file()
    } == expected
    for rel in expected:
        if rel.endswith(".json"):
            text = (run.run_dir / rel).read_text()
            doc = json.loads(text)
            assert doc["schema_version"] == 1
            assert text.endswith("}\n") and "NaN" not in text
            assert text == json.dumps(doc, sort_keys=True, indent=2) + "\n"
            # paths are relative to the workspace
            assert str(run.run_dir.parents[len(RUNS.parts)]) not in text


@pytest.mark.parametrize("name", sorted(SUCCESS))
def test_return_matrix_columns_and_weights(
    name: str, shared_runs: Callable[[str], MetaRun]
) -> None:
    case = SUCCESS[name]
    run = shared_runs(name)
    for risk in case.risk_profiles:
        for profile in run.computation.tree:
            names = artifact_names(profile.name, risk)
            frame = pd.read_pickle(run.run_dir / "data" / names["returns"])
            optimized = json.loads((run.run_dir / "data" / names["optimized"]).read_text())
            rows = {r["Symbol"]: r for r in optimized["weights"]}
            included = [s.id for s in profile.sleeves if rows[s.id]["Status"] == "included"]
            assert list(frame.columns) == included
            assert all(t == np.float64 for t in frame.dtypes)
            assert set(rows) == {s.id for s in profile.sleeves}  # every configured sleeve
            weights = [r["Weight"] for r in optimized["weights"]]
            # within the feasibility tolerance, compared as check_feasible does (bounds may
            # sum to exactly 1 + SUM_TOL: bounds_projection's lo_tol branch)
            assert 1.0 - SUM_TOL <= math.fsum(weights) <= 1.0 + SUM_TOL
            order = [(-r["Weight"], r["Symbol"]) for r in optimized["weights"]]
            assert order == sorted(order)


# ------------------------------------------------------------------ 2. calendar integrity


@pytest.mark.parametrize("alignment", ["intersect", "compound"])
def test_calendar_is_the_intersection_without_weekend_rows(
    alignment: str, shared_runs: Callable[[str], MetaRun]
) -> None:
    case = SUCCESS[f"calendar_{alignment}"]
    run = shared_runs(case.name)
    crypto = _sleeve_csv(case, "crypto_20260101-000000", "hrp")
    tradfi = _sleeve_csv(case, "tradfi_20260101-000000", "hrp")
    assert (crypto.index.day_of_week >= 5).any()  # the crypto sleeve does trade weekends
    frame = pd.read_pickle(run.run_dir / "data" / "meta_returns_meta_cal_hrp.pkl")
    expected = crypto.index.intersection(tradfi.index).sort_values()
    assert list(frame.index) == list(expected)
    assert not (frame.index.day_of_week >= 5).any()
    if alignment == "intersect":
        assert frame["crypto"].to_numpy().tolist() == crypto.reindex(expected).tolist()
    else:
        # each Monday carries Saturday and Sunday: (1+r_sat)(1+r_sun)(1+r_mon) - 1
        monday = next(
            d for d in expected if d.day_of_week == 0 and d - pd.Timedelta(days=3) in expected
        )
        sat, sun = monday - pd.Timedelta(days=2), monday - pd.Timedelta(days=1)
        by_hand = (1 + crypto[sat]) * (1 + crypto[sun]) * (1 + crypto[monday]) - 1
        assert frame.loc[monday, "crypto"] == pytest.approx(by_hand, rel=1e-12)
        tuesday = monday + pd.Timedelta(days=1)
        assert frame.loc[tuesday, "crypto"] == crypto[tuesday]


# ------------------------------------------------------------------ 3. weight bounds


def test_weights_respect_configured_bounds(shared_runs: Callable[[str], MetaRun]) -> None:
    case = SUCCESS["bounds_binding"]
    run = shared_runs(case.name)
    manifest = json.loads((case.folder / "configs" / "manifest.json").read_text())
    profile = manifest["profiles"]["meta_bounds"]
    lo, hi = profile["meta_allocation"]["min_weight"], profile["meta_allocation"]["max_weight"]
    limits = {s["id"]: s.get("weight_limit", [lo, hi]) for s in profile["sleeves"]}
    binding = 0
    for risk in case.risk_profiles:
        doc = json.loads(
            (run.run_dir / "data" / f"meta_optimized_meta_bounds_{risk}.json").read_text()
        )
        for row in doc["weights"]:
            low, high = limits[row["Symbol"]]
            assert low - 1e-12 <= row["Weight"] <= high + 1e-12
            assert [row["Lower"], row["Upper"]] == [low, high]
            binding += row["Active_Bound"] is not None
    assert binding > 0  # the case is built so that bounds bind


# ------------------------------------------------------------------ 4. nested metas


def _leaf_nets(case: Case, run_id: str, risk: str) -> dict[str, float]:
    path = case.folder / RUNS / run_id / "data" / "portfolio_flattened.json"
    assets = json.loads(path.read_text())["profiles"][risk]["assets"]
    return {a["Symbol"]: a["Net_Weight"] for a in assets}


@pytest.mark.parametrize("risk", ["hrp", "erc"])
def test_nested_meta_flattens_to_summed_physical_assets(
    risk: str, shared_runs: Callable[[str], MetaRun]
) -> None:
    case = SUCCESS["nested_depth2"]
    run = shared_runs(case.name)
    data = run.run_dir / "data"
    root = {
        r["Symbol"]: r["Weight"]
        for r in json.loads((data / f"meta_optimized_meta_root_{risk}.json").read_text())["weights"]
    }
    branch = {
        r["Symbol"]: r["Weight"]
        for r in json.loads((data / f"meta_optimized_meta_branch_{risk}.json").read_text())[
            "weights"
        ]
    }
    holdings = {
        "core": (root["core"], _leaf_nets(case, "core_20260101-000000", risk)),
        "branch/leaf_a": (
            root["branch"] * branch["leaf_a"],
            _leaf_nets(case, "leaf_a_20260101-000000", risk),
        ),
        "branch/leaf_b": (
            root["branch"] * branch["leaf_b"],
            _leaf_nets(case, "leaf_b_20260101-000000", risk),
        ),
    }
    expected: dict[str, float] = {}
    for weight, nets in holdings.values():
        for symbol, net in nets.items():
            expected[symbol] = expected.get(symbol, 0.0) + weight * net
    flat = json.loads((data / f"portfolio_optimized_meta_meta_root_{risk}.json").read_text())
    got = {r["Symbol"]: r["Net_Weight"] for r in flat["weights"]}
    assert set(got) == set(expected)
    for symbol, value in expected.items():
        assert got[symbol] == pytest.approx(value, abs=1e-12)
        assert ":" in symbol  # physical symbols only, no sleeve ids
    btc = next(r for r in flat["weights"] if r["Symbol"] == "BINANCE:BTCUSDT")
    assert btc["Contributors"] == ["branch", "core"]
    assert set(btc["Contributions"]) == {"branch/leaf_a", "core"}
    # the branch column is the weighted sum of its own matrix
    sub = pd.read_pickle(data / f"meta_returns_meta_branch_{risk}.pkl")
    top = pd.read_pickle(data / f"meta_returns_meta_root_{risk}.pkl")
    stream = sub["leaf_a"] * branch["leaf_a"] + sub["leaf_b"] * branch["leaf_b"]
    assert np.allclose(top["branch"].to_numpy(), stream.reindex(top.index).to_numpy(), atol=1e-15)


def test_shorts_and_fx_symbols(shared_runs: Callable[[str], MetaRun]) -> None:
    case = SUCCESS["shorts_fx"]
    run = shared_runs(case.name)
    flat = json.loads(
        (
            run.run_dir / "data" / "portfolio_optimized_meta_meta_signs_inverse_volatility.json"
        ).read_text()
    )
    rows = {r["Symbol"]: r for r in flat["weights"]}
    weights = {
        r["Symbol"]: r["Weight"]
        for r in json.loads(
            (run.run_dir / "data" / "meta_optimized_meta_signs_inverse_volatility.json").read_text()
        )["weights"]
    }
    # FX_IDC:EURUSD: -0.6 from the fx sleeve's SHORT logic atom, +0.3 from equity
    assert rows["FX_IDC:EURUSD"]["Net_Weight"] == pytest.approx(
        -0.6 * weights["fx"] + 0.3 * weights["equity"], abs=1e-12
    )
    # NASDAQ:AAPL: equity long 0.7 nets against the hedge's -1.0
    aapl = 0.7 * weights["equity"] - 1.0 * weights["hedge"]
    assert rows["NASDAQ:AAPL"]["Net_Weight"] == pytest.approx(aapl, abs=1e-12)
    assert rows["NASDAQ:AAPL"]["Direction"] == ("SHORT" if aapl < 0 else "LONG")
    assert rows["NASDAQ:AAPL"]["Weight"] == pytest.approx(abs(aapl), abs=1e-15)
    assert all("_" not in s.split(":", 1)[1] for s in rows)  # logic atoms collapsed


def test_health_veto_is_recorded(shared_runs: Callable[[str], MetaRun]) -> None:
    run = shared_runs("health_veto")
    manifest = json.loads((run.run_dir / "data" / "meta_manifest_meta_health_hrp.json").read_text())
    assert manifest["vetoed"] == [
        {"id": "flaky", "reason": "3/8 windows succeeded (0.375 < min_success_ratio 0.75)"}
    ]
    optimized = json.loads(
        (run.run_dir / "data" / "meta_optimized_meta_health_hrp.json").read_text()
    )
    assert {r["Symbol"]: r["Weight"] for r in optimized["weights"]}["flaky"] == 0.0
    report = (run.run_dir / "reports" / "meta_portfolio_report.md").read_text()
    assert "flaky" in report and "0.375" in report


def test_upstream_benchmark_is_the_inverse_variance_split(
    shared_runs: Callable[[str], MetaRun],
) -> None:
    case = SUCCESS["upstream_benchmark"]
    run = shared_runs(case.name)
    long_all = _sleeve_csv(case, "long_all_20260130-000000", "hrp")
    short_all = _sleeve_csv(case, "short_all_20260130-000000", "hrp")
    v1, v2 = long_all.var(ddof=1), short_all.var(ddof=1)
    doc = json.loads((run.run_dir / "data" / "meta_optimized_meta_benchmark_hrp.json").read_text())
    weights = {r["Symbol"]: r["Weight"] for r in doc["weights"]}
    assert weights["long_all"] == pytest.approx(v2 / (v1 + v2), abs=1e-12)
    assert weights["long_all"] == pytest.approx(0.527331, abs=5e-7)  # shared/data/README.md


# ------------------------------------------------------------------ 5. failure modes


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_failure_cases_raise_and_leave_nothing(name: str, tmp_path: Path) -> None:
    case = FAILURES[name]
    workspace = materialize(case.folder, tmp_path / "ws")
    before = _tree_hash(workspace)
    error_type = errors.ERROR_TYPES[case.error_type or "MetaPipelineError"]
    with pytest.raises(error_type, match=case.message_pattern or ""):
        run_case(case, tmp_path / "again")
    # no meta run folder appears (fail_run_exists has one beforehand: it must be left alone)
    existed = (case.folder / RUNS / case.run_id).exists()
    assert (tmp_path / "again" / RUNS / case.run_id).exists() == existed
    assert not list((tmp_path / "again" / RUNS).glob(".staging-*"))
    assert not (workspace / "HOSTILE_PICKLE_RAN").exists()
    assert not (tmp_path / "again" / "HOSTILE_PICKLE_RAN").exists()
    assert _tree_hash(workspace) == before


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_failure_cases_exit_3_through_the_cli(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = FAILURES[name]
    workspace = materialize(case.folder, tmp_path / "ws")
    monkeypatch.chdir(workspace)  # a hostile pickle would write its marker here
    before = _tree_hash(workspace)
    code = main(
        [
            "run",
            "--workspace",
            str(workspace),
            "--profile",
            case.meta_profile,
            "--risk-profiles",
            ",".join(case.risk_profiles),
            "--run-id",
            case.run_id,
        ]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "Traceback" not in err
    assert re.search(case.message_pattern or "", err)
    assert _tree_hash(workspace) == before  # nothing written, nothing run


# ------------------------------------------------------------------ 6. the collector hint


def _record_gc_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    import gc

    calls: list[tuple[str, int]] = []
    for name in ("freeze", "unfreeze"):
        real = getattr(gc, name)

        def recorded(real=real, name=name) -> None:  # type: ignore[no-untyped-def]
            real()
            calls.append((name, gc.get_freeze_count()))

        monkeypatch.setattr(gc, name, recorded)
    return calls


def test_a_run_leaves_no_object_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner freezes what it read for its own full collections only: after a run that
    succeeded and one that failed, nothing stays in the permanent generation."""
    import gc

    calls = _record_gc_calls(monkeypatch)
    assert gc.get_freeze_count() == 0
    run_case(SUCCESS[sorted(SUCCESS)[0]], tmp_path / "run")
    assert calls[0][0] == "freeze" and calls[0][1] > 0  # it froze what it read
    assert calls[-1] == ("unfreeze", 0)
    calls.clear()
    with pytest.raises(errors.MetaPipelineError):  # fails after its inputs were read
        run_case(FAILURES["fail_zero_variance"], tmp_path / "failed")
    assert [name for name, _ in calls] == ["freeze", "unfreeze"]
    assert calls[-1] == ("unfreeze", 0)
    assert gc.get_freeze_count() == 0


def test_a_process_that_froze_objects_itself_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    gc.freeze()
    try:
        calls = _record_gc_calls(monkeypatch)
        run_case(SUCCESS[sorted(SUCCESS)[0]], tmp_path / "run")
        assert calls == []  # its frozen objects stay frozen, and nothing of the run joins them
    finally:
        gc.unfreeze()
