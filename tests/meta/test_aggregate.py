"""``build_meta`` on in-memory inputs: nesting, vetoes, fallbacks (DESIGN 3.1, 3.2)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.allocation import AllocationResult, allocate
from tradingview_scraper.contracts import (
    AllocationSettings,
    Bounds,
    HealthResult,
    HealthSettings,
    MetaProfile,
    RunInfo,
    SleeveSpec,
    SleeveWeights,
)
from tradingview_scraper.errors import (
    HealthVetoError,
    InfeasibleBoundsError,
    OptimizationError,
    ReturnsDataError,
)
from tradingview_scraper.meta.aggregate import AtomInputs, MetaInputs, build_meta, walk

RISK = "hrp"
N = 40


def returns(seed: int, index: pd.DatetimeIndex) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(rng.normal(0.0005, 0.01, len(index)), index=index)


DAILY = pd.date_range("2025-01-01", periods=N, freq="D")
SHIFTED = pd.date_range("2025-01-03", periods=N, freq="D")
BUSINESS = pd.bdate_range("2025-01-01", periods=N)

RAW: dict[str, pd.Series] = {
    "a": returns(1, DAILY),
    "b": returns(2, SHIFTED),
    "c": returns(3, DAILY),
    "d": returns(4, SHIFTED),
    "e": returns(5, BUSINESS),
    "v": returns(6, DAILY),
    "v2": returns(7, DAILY),
    "n1": returns(8, DAILY) - 0.01,  # losing sleeves: no positive mean
    "n2": returns(9, DAILY) - 0.01,
}


def atomic(sleeve_id: str, index: int, limit: tuple[float, float] | None = None) -> SleeveSpec:
    return SleeveSpec(
        id=sleeve_id,
        kind="atomic",
        location=f"profiles.p.sleeves[{index}]",
        profile=f"prof_{sleeve_id}",
        weight_limit=None if limit is None else Bounds(*limit),
    )


def nested(sleeve_id: str, index: int, meta_profile: str) -> SleeveSpec:
    return SleeveSpec(
        id=sleeve_id,
        kind="meta",
        location=f"profiles.p.sleeves[{index}]",
        meta_profile=meta_profile,
    )


def profile(name: str, sleeves: Sequence[SleeveSpec], min_sleeves: int = 2) -> MetaProfile:
    return MetaProfile(
        name=name,
        sleeves=tuple(sleeves),
        allocation=AllocationSettings(risk_profiles=(RISK,)),
        health=HealthSettings(min_sleeves=min_sleeves),
    )


def atom(spec: SleeveSpec, *, healthy: bool = True) -> AtomInputs:
    run = RunInfo(
        run_id=f"{spec.profile}_1",
        path=Path("/ws") / f"{spec.profile}_1",
        profile=spec.profile,
        created_at="2026-01-01T00:00:00",
        genesis_ts=None,
        selection="pinned",
    )
    if not healthy:
        health = HealthResult(spec.id, RISK, 4, 1, 0.25, False, "1/4 windows succeeded (0.25)")
        return AtomInputs(spec=spec, run=run, ledger=None, health=health)
    return AtomInputs(
        spec=spec,
        run=run,
        ledger=None,
        health=HealthResult(spec.id, RISK, 4, 4, 1.0, True, ""),
        returns_file=f"runs/{spec.profile}_1/data/returns/custom_vectorbt_{RISK}.pkl",
        raw=RAW[spec.id],
        weights=SleeveWeights(
            source=f"runs/{spec.profile}_1/data/portfolio_flattened.json",
            kind="flattened",
            nets={f"X:{spec.id.upper()}": 1.0, "X:SHARED": -0.5},
        ),
    )


def inputs(
    meta: MetaProfile,
    branches: dict[str, MetaInputs] | None = None,
    vetoed: Sequence[str] = (),
) -> MetaInputs:
    atoms = {s.id: atom(s, healthy=s.id not in vetoed) for s in meta.sleeves if s.kind == "atomic"}
    return MetaInputs(profile=meta, risk_profile=RISK, atoms=atoms, branches=branches or {})


class EqualWeight:
    """The real equal-weight allocator (bounds projected), whatever method is asked for;
    records every call and fails the columns in ``fail`` unless equal weight is asked for."""

    def __init__(self, fail: Sequence[str] = (), error: type[Exception] = OptimizationError):
        self.fail = tuple(fail)
        self.error = error
        self.calls: Counter[tuple[tuple[str, ...], str]] = Counter()

    def __call__(self, frame: pd.DataFrame, method: str, **options: Any) -> AllocationResult:
        columns = tuple(str(c) for c in frame.columns)
        self.calls[(columns, method)] += 1
        if columns == self.fail and method != "equal_weight":
            raise self.error(f"{method} did not converge after 500 iterations")
        return allocate(frame, "equal_weight", **options)


SUB = profile("meta_sub", [atomic("c", 0, (0.5, 0.6)), atomic("d", 1), atomic("e", 2)])


def sub_inputs() -> MetaInputs:
    return inputs(SUB)


def root_profile(*extra: SleeveSpec) -> MetaProfile:
    return profile(
        "meta_root", [atomic("a", 0), atomic("b", 1), nested("br", 2, "meta_sub"), *extra]
    )


def expected_branch_stream() -> pd.Series:
    """0.5 c + 0.25 d + 0.25 e on the dates all three have (hand-projected equal weight:
    1/3 each, c lifted to its lower bound 0.5, the rest shared equally by d and e)."""
    matrix = pd.concat([RAW["c"], RAW["d"], RAW["e"]], axis=1, join="inner").sort_index()
    return 0.5 * matrix[0] + 0.25 * matrix[1] + 0.25 * matrix[2]


def test_branch_column_is_the_weighted_sub_matrix() -> None:
    outcome = build_meta(inputs(root_profile(), {"br": sub_inputs()}), EqualWeight())
    branch = outcome.branches["br"]
    assert branch.weights == pytest.approx({"c": 0.5, "d": 0.25, "e": 0.25}, abs=1e-12)
    expected = expected_branch_stream()
    # the sub-meta's own stream: business days from Jan 3 (d starts then) to the end of c
    assert list(branch.returns.frame.index) == list(expected.index)
    np.testing.assert_allclose(branch.stream.to_numpy(), expected.to_numpy(), rtol=1e-13)
    # in the root matrix the column is that stream on the root's common dates
    frame = outcome.returns.frame
    assert list(frame.columns) == ["a", "b", "br"]
    root_dates = sorted(set(DAILY) & set(SHIFTED) & set(expected.index))
    assert list(frame.index) == root_dates
    np.testing.assert_allclose(
        frame["br"].to_numpy(), expected.loc[root_dates].to_numpy(), rtol=1e-13
    )
    np.testing.assert_array_equal(frame["a"].to_numpy(), RAW["a"].loc[root_dates].to_numpy())
    assert outcome.weights == pytest.approx({"a": 1 / 3, "b": 1 / 3, "br": 1 / 3}, abs=1e-12)
    root_expected = (frame["a"] + frame["b"] + frame["br"]) / 3
    np.testing.assert_allclose(outcome.stream.to_numpy(), root_expected.to_numpy(), rtol=1e-13)
    assert (outcome.fallback, branch.fallback) == ("", "")
    assert [n.profile.name for n in walk(outcome)] == ["meta_root", "meta_sub"]
    # flattening reaches through the branch: br/c holds 1/3 * 0.5 of X:C
    contributions = {a.symbol: a.contributions for a in outcome.flat.assets}
    assert contributions["X:C"] == pytest.approx({"br/c": 1 / 6}, rel=1e-12)
    assert set(contributions["X:SHARED"]) == {"a", "b", "br/c", "br/d", "br/e"}


def test_vetoed_sleeves_get_zero_weight_and_no_column() -> None:
    meta = root_profile(atomic("v", 3))
    outcome = build_meta(inputs(meta, {"br": sub_inputs()}, vetoed=["v"]), EqualWeight())
    assert list(outcome.returns.frame.columns) == ["a", "b", "br"]
    assert outcome.weights["v"] == 0.0
    assert outcome.weights == pytest.approx({"a": 1 / 3, "b": 1 / 3, "br": 1 / 3, "v": 0.0})
    assert sum(outcome.weights.values()) == pytest.approx(1.0, abs=1e-12)
    (vetoed,) = outcome.vetoed
    assert (vetoed.spec.id, vetoed.status, vetoed.raw_weight, vetoed.stream) == (
        "v",
        "vetoed",
        0.0,
        None,
    )
    assert vetoed.health is not None and vetoed.health.ratio == 0.25
    assert [s.spec.id for s in outcome.sleeves] == ["a", "b", "br", "v"]  # manifest order
    assert all(s.status == "included" for s in outcome.sleeves if s.spec.id != "v")
    assert "X:V" not in {a.symbol for a in outcome.flat.assets}


def test_too_few_healthy_sleeves_name_the_vetoed_ones() -> None:
    meta = profile("meta_root", [atomic("a", 0), atomic("v", 1), atomic("v2", 2)])
    with pytest.raises(
        HealthVetoError,
        match=r"^profiles\.meta_root \(hrp\): only 1 sleeve\(s\) passed the health guardrail, "
        r"fewer than min_sleeves 2; vetoed: v: 1/4 windows succeeded \(0\.25\); "
        r"v2: 1/4 windows succeeded \(0\.25\)$",
    ):
        build_meta(inputs(meta, vetoed=["v", "v2"]), EqualWeight())


def test_veto_in_a_nested_meta_fails_the_whole_run() -> None:
    sub = profile("meta_sub", [atomic("c", 0), atomic("v", 1)])
    branch = inputs(sub, vetoed=["v"])
    with pytest.raises(HealthVetoError, match=r"^profiles\.meta_sub \(hrp\): only 1 sleeve"):
        build_meta(inputs(root_profile(), {"br": branch}), EqualWeight())


def test_nested_solver_failure_falls_back_to_equal_weight() -> None:
    allocator = EqualWeight(fail=("c", "d", "e"))
    outcome = build_meta(inputs(root_profile(), {"br": sub_inputs()}), allocator)
    branch = outcome.branches["br"]
    assert branch.fallback == (
        "hrp failed (hrp did not converge after 500 iterations); equal-weight stream used"
    )
    assert branch.method == "equal_weight"
    assert branch.weights == pytest.approx({"c": 0.5, "d": 0.25, "e": 0.25}, abs=1e-12)
    np.testing.assert_allclose(
        branch.stream.to_numpy(), expected_branch_stream().to_numpy(), rtol=1e-13
    )
    assert outcome.fallback == ""
    assert allocator.calls[(("c", "d", "e"), "hrp")] == 1
    assert allocator.calls[(("c", "d", "e"), "equal_weight")] == 1


def test_root_solver_failure_raises() -> None:
    allocator = EqualWeight(fail=("a", "b", "br"))
    with pytest.raises(
        OptimizationError,
        match=r"^profiles\.meta_root \(hrp\): hrp did not converge after 500 iterations$",
    ):
        build_meta(inputs(root_profile(), {"br": sub_inputs()}), allocator)
    assert allocator.calls[(("a", "b", "br"), "equal_weight")] == 0


def test_data_errors_in_a_nested_meta_are_not_replaced_by_equal_weight() -> None:
    allocator = EqualWeight(fail=("c", "d", "e"), error=ReturnsDataError)
    with pytest.raises(ReturnsDataError, match=r"did not converge"):
        build_meta(inputs(root_profile(), {"br": sub_inputs()}), allocator)


def test_infeasible_bounds_after_a_veto_name_the_vetoed_sleeve() -> None:
    meta = profile(
        "meta_root",
        [atomic("a", 0, (0.0, 0.4)), atomic("b", 1, (0.0, 0.4)), atomic("v", 2, (0.0, 0.4))],
    )
    with pytest.raises(
        InfeasibleBoundsError,
        match=r"^profiles\.meta_root \(hrp\): infeasible bounds: sum of upper bounds is 0\.8, "
        r"must be >= 1 .* after vetoing v; lower bounds sum to 0 and upper bounds to 0\.8 "
        r"over the 2 remaining sleeve\(s\)$",
    ):
        build_meta(inputs(meta, vetoed=["v"]), EqualWeight())


def test_infeasible_bounds_without_a_veto_are_raised_as_they_are() -> None:
    meta = profile("meta_root", [atomic("a", 0, (0.0, 0.4)), atomic("b", 1, (0.0, 0.4))])
    with pytest.raises(
        InfeasibleBoundsError, match=r"sum of upper bounds is 0\.8, must be >= 1"
    ) as e:
        build_meta(inputs(meta), EqualWeight())
    assert "vetoing" not in str(e.value)


def test_a_sub_meta_used_by_two_branches_is_computed_once() -> None:
    meta = profile(
        "meta_root",
        [nested("one", 0, "meta_sub"), nested("two", 1, "meta_sub"), atomic("a", 2)],
    )
    allocator = EqualWeight()
    outcome = build_meta(inputs(meta, {"one": sub_inputs(), "two": sub_inputs()}), allocator)
    assert outcome.branches["one"] is outcome.branches["two"]
    sub_calls = sum(n for (columns, _), n in allocator.calls.items() if columns == ("c", "d", "e"))
    assert sub_calls == 1
    assert sum(allocator.calls.values()) == 2
    assert [n.profile.name for n in walk(outcome)] == ["meta_root", "meta_sub"]
    np.testing.assert_array_equal(
        outcome.returns.frame["one"].to_numpy(), outcome.returns.frame["two"].to_numpy()
    )
    # each branch's contributions are keyed by its own path
    shared = next(a for a in outcome.flat.assets if a.symbol == "X:C")
    assert set(shared.contributions) == {"one/c", "two/c"}


def test_zero_variance_names_the_profile_and_the_sleeve() -> None:
    meta = profile("meta_flat", [atomic("a", 0), atomic("b", 1)])
    flat = inputs(meta)
    b = flat.atoms["b"]
    assert b.raw is not None
    constant = pd.Series(0.001, index=b.raw.index)
    atoms = {**flat.atoms, "b": dataclasses.replace(b, raw=constant)}
    with pytest.raises(
        ReturnsDataError, match=r"^profiles\.meta_flat \(hrp\): sleeve 'b' has zero variance over"
    ):
        build_meta(dataclasses.replace(flat, atoms=atoms))


def _max_sharpe_profile(name: str, sleeves: Sequence[SleeveSpec]) -> MetaProfile:
    return MetaProfile(
        name=name,
        sleeves=tuple(sleeves),
        allocation=AllocationSettings(risk_profiles=(RISK,), method="max_sharpe"),
    )


def test_max_sharpe_without_a_positive_mean_names_the_root_profile() -> None:
    meta = _max_sharpe_profile("meta_losers", [atomic("n1", 0), atomic("n2", 1)])
    with pytest.raises(
        OptimizationError,
        match=r"^profiles\.meta_losers \(hrp\): max_sharpe has no solution: no sleeve has a "
        r"positive mean return",
    ):
        build_meta(inputs(meta))


def test_max_sharpe_without_a_positive_mean_in_a_branch_falls_back_to_equal_weight() -> None:
    sub = _max_sharpe_profile("meta_losers", [atomic("n1", 0), atomic("n2", 1)])
    root = profile("meta_root", [atomic("a", 0), nested("br", 1, "meta_losers")])
    outcome = build_meta(inputs(root, {"br": inputs(sub)}))
    branch = outcome.branches["br"]
    assert branch.weights == {"n1": 0.5, "n2": 0.5}
    assert branch.method == "equal_weight"
    assert branch.fallback.startswith("max_sharpe failed (max_sharpe has no solution: no sleeve ")
    assert branch.fallback.endswith("); equal-weight stream used")
