"""allocate(): invariants over random inputs, errors, determinism, permutations, result views."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradingview_scraper import allocation, errors
from tradingview_scraper.allocation import AllocationResult, allocate

METHODS = ("equal_weight", "inverse_volatility", "hrp", "erc", "risk_parity", "min_variance")


def _returns(rows: int, cols: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.01, (rows, 2)) @ rng.normal(0, 1, (2, cols))
    x += rng.normal(0, 0.01, (rows, cols)) * rng.uniform(0.2, 4.0, cols)
    return pd.DataFrame(x, columns=[f"sleeve_{i}" for i in range(cols)])


def test_public_api_is_sorted_and_complete() -> None:
    assert allocation.__all__ == sorted(allocation.__all__)
    assert {
        "allocate",
        "AllocationResult",
        "ClusterTree",
        "project_to_bounds",
        "check_feasible",
    } <= set(allocation.__all__)


@st.composite
def cases(draw):
    n = draw(st.integers(2, 8))
    rows = draw(st.integers(30, 120))
    seed = draw(st.integers(0, 2**32 - 1))
    fractions = st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)
    lo = np.array(draw(fractions)) / n * draw(st.sampled_from([0.0, 0.5, 0.99, 1.0]))
    hi = lo + (1.0 - lo) * np.array(draw(fractions))
    if hi.sum() < 1.0:  # raise the caps just enough: sum(hi) lands on 1 (tight bounds)
        room = 1.0 - hi
        hi = np.minimum(1.0, hi + room * (1.0 - hi.sum()) / room.sum())
        if hi.sum() < 1.0 - 1e-12:
            hi = np.ones(n)
    return _returns(rows, n, seed), lo.tolist(), hi.tolist()


@settings(max_examples=100, deadline=None)
@given(
    cases(),
    st.sampled_from(["single", "ward", "average", "complete"]),
    st.sampled_from(["sample", "ledoit_wolf"]),
)
def test_every_method_respects_budget_and_bounds(case, linkage, covariance) -> None:
    returns, lower, upper = case
    lo, hi = np.array(lower), np.array(upper)
    for method in METHODS:
        result = allocate(
            returns, method, lower=lower, upper=upper, linkage=linkage, covariance=covariance
        )
        w = result.weights
        assert abs(w.sum() - 1.0) <= 1e-12, method
        assert np.all(w >= lo - 1e-12) and np.all(w <= hi + 1e-12), method
        assert abs(result.risk_contributions.sum() - 1.0) <= 1e-9, method
        assert result.effective_n == pytest.approx(1.0 / np.sum(w**2))
        assert result.portfolio_variance == pytest.approx(float(w @ result.covariance @ w))


ROWS = _returns(40, 3, 0)


def _with(column: str, values) -> pd.DataFrame:
    frame = ROWS.copy()
    frame[column] = values
    return frame


BAD_INPUTS = [
    (
        ROWS,
        "barbell",
        {},
        errors.ManifestError,
        r"unknown allocation method 'barbell'; allowed: equal_weight, erc, hrp, "
        r"inverse_volatility, max_sharpe, min_variance, risk_parity",
    ),
    (
        ROWS,
        "hrp",
        {"linkage": "median"},
        errors.ManifestError,
        r"unknown linkage 'median'; allowed: average",
    ),
    (
        ROWS,
        "hrp",
        {"covariance": "oas"},
        errors.ManifestError,
        r"unknown covariance 'oas'; allowed: ledoit_wolf",
    ),
    (ROWS, "hrp", {"lower": [0.0, 0.0]}, ValueError, r"3 sleeves but 2 lower and 3 upper bounds"),
    (
        ROWS,
        "hrp",
        {"lower": [0.5, 0.3, 0.3]},
        errors.InfeasibleBoundsError,
        r"sum of lower bounds is 1\.1, must be <= 1 "
        r"\(sleeve_0 \[0\.5, 1\], sleeve_1 \[0\.3, 1\], sleeve_2 \[0\.3, 1\]\)",
    ),
    (
        ROWS,
        "erc",
        {"lower": [0.0, 0.7, 0.0], "upper": [1.0, 0.6, 1.0]},
        errors.InfeasibleBoundsError,
        r"sleeve 'sleeve_1' has lower bound 0\.7 > upper bound 0\.6",
    ),
    (
        _with("sleeve_1", 0.0),
        "hrp",
        {},
        errors.ReturnsDataError,
        r"^sleeve 'sleeve_1' has zero variance over 40 rows; "
        r"risk-based method 'hrp' cannot weight it$",
    ),
    (
        _with("sleeve_2", 0.003),
        "inverse_volatility",
        {},
        errors.ReturnsDataError,
        r"sleeve 'sleeve_2' has zero variance over 40 rows; risk-based method 'inverse_volatility'",
    ),
    (
        _with("sleeve_0", 0.0).assign(sleeve_2=0.01),
        "min_variance",
        {},
        errors.ReturnsDataError,
        r"sleeves 'sleeve_0', 'sleeve_2' have zero variance over 40 rows; .* cannot weight them",
    ),
    (
        _with("sleeve_1", np.nan),
        "hrp",
        {},
        errors.ReturnsDataError,
        r"non-finite returns .* 'sleeve_1'",
    ),
    (
        _with("sleeve_0", np.inf),
        "equal_weight",
        {},
        errors.ReturnsDataError,
        r"non-finite returns .* 'sleeve_0'",
    ),
    (
        _with("sleeve_0", np.linspace(-1e200, 1e200, 40)),
        "erc",
        {},
        errors.ReturnsDataError,
        r"covariance of sleeve\(s\) 'sleeve_0'.* is not finite",
    ),
    (
        _returns(20, 50, 1),
        "erc",
        {},
        errors.OptimizationError,
        r"erc did not converge .*; the sample covariance of 20 rows for 50 sleeves is singular",
    ),
    (
        ROWS.iloc[:1],
        "hrp",
        {},
        errors.CalendarError,
        r"1 common rows; method 'hrp' needs at least 2",
    ),
    (
        ROWS.iloc[:0],
        "min_variance",
        {},
        errors.CalendarError,
        r"0 common rows; method 'min_variance'",
    ),
    (
        ROWS.iloc[:, :0],
        "hrp",
        {"lower": [], "upper": []},
        errors.ReturnsDataError,
        r"no sleeve columns",
    ),
    (
        ROWS.set_axis(["a", "b", "a"], axis=1),
        "hrp",
        {},
        errors.ReturnsDataError,
        r"duplicate sleeve ids",
    ),
]


@pytest.mark.parametrize(("returns", "method", "kwargs", "error", "pattern"), BAD_INPUTS)
def test_errors_name_the_problem(returns, method, kwargs, error, pattern) -> None:
    n = returns.shape[1]
    options = {"lower": [0.0] * n, "upper": [1.0] * n, **kwargs}
    with pytest.raises(error, match=pattern):
        allocate(returns, method, **options)


def test_equal_weight_needs_no_covariance() -> None:
    flat = _with("sleeve_1", 0.0)
    result = allocate(flat, "equal_weight", lower=[0.0] * 3, upper=[1.0] * 3)
    np.testing.assert_allclose(result.weights, [1 / 3] * 3, atol=1e-16)
    one_row = allocate(ROWS.iloc[:1], "equal_weight", lower=[0.0] * 3, upper=[1.0] * 3)
    assert one_row.portfolio_variance == 0.0
    np.testing.assert_array_equal(one_row.risk_contributions, one_row.weights)
    assert one_row.tree is not None
    assert np.isfinite(one_row.risk_contributions).all() and np.isfinite(one_row.effective_n)
    json.dumps(one_row.tree.to_dict(), allow_nan=False)


@pytest.mark.parametrize("method", METHODS)
def test_one_sleeve_gets_everything(method: str) -> None:
    result = allocate(ROWS[["sleeve_0"]], method, lower=[0.0], upper=[1.0])
    assert result.weights.tolist() == [1.0] and result.tree is None
    assert result.active == ("upper",) and result.risk_contributions.tolist() == [1.0]


@pytest.mark.parametrize("method", METHODS)
def test_bit_identical_on_repeat(method: str) -> None:
    returns = _returns(200, 7, 3)
    bounds = {"lower": [0.02] * 7, "upper": [0.4] * 7}
    first = allocate(returns, method, **bounds)
    second = allocate(returns.copy(), method, **bounds)
    assert first.weights.tobytes() == second.weights.tobytes()
    assert first.raw_weights.tobytes() == second.raw_weights.tobytes()
    assert first.risk_contributions.tobytes() == second.risk_contributions.tobytes()
    assert (first.active, first.converged, first.iterations) == (
        second.active,
        second.converged,
        second.iterations,
    )
    assert (first.effective_n, first.portfolio_variance) == (
        second.effective_n,
        second.portfolio_variance,
    )
    assert first.tree is not None and second.tree is not None
    assert json.dumps(first.tree.to_dict()) == json.dumps(second.tree.to_dict())


@pytest.mark.parametrize(
    ("method", "cols"),
    [
        ("equal_weight", 7),
        ("inverse_volatility", 7),
        ("erc", 7),
        ("min_variance", 7),
        ("hrp", 4),
        ("hrp", 3),
    ],
)
def test_permuting_sleeves_permutes_weights(method: str, cols: int) -> None:
    returns = _returns(150, cols, 12)
    lower = np.linspace(0.0, 0.05, cols)
    upper = np.linspace(0.5, 0.9, cols)
    perm = np.random.default_rng(1).permutation(cols)
    base = allocate(returns, method, lower=lower.tolist(), upper=upper.tolist())
    moved = allocate(
        returns.iloc[:, perm], method, lower=lower[perm].tolist(), upper=upper[perm].tolist()
    )
    np.testing.assert_allclose(moved.weights, base.weights[perm], rtol=0, atol=1e-12)


def test_hrp_follows_column_order_from_five_sleeves() -> None:
    """Documented: scipy orients leaf-leaf merges by column index and HRP cuts positionally."""
    differs = 0
    for seed in range(20):
        returns = _returns(100, 6, seed)
        perm = np.random.default_rng(seed).permutation(6)
        base = allocate(returns, "hrp", lower=[0.0] * 6, upper=[1.0] * 6)
        moved = allocate(returns.iloc[:, perm], "hrp", lower=[0.0] * 6, upper=[1.0] * 6)
        differs += not np.allclose(moved.weights, base.weights[perm], rtol=0, atol=1e-12)
    assert differs > 0


def test_result_is_frozen_and_its_risk_contributions_sum_to_one() -> None:
    returns = _returns(90, 4, 5)
    result = allocate(returns, "hrp", lower=[0.0, 0.3, 0.0, 0.0], upper=[1.0, 1.0, 1.0, 0.1])
    assert isinstance(result, AllocationResult)
    assert result.method == "hrp" and result.names == tuple(returns.columns)
    assert result.active[1] == "lower" or result.weights[1] > 0.3
    assert float(result.risk_contributions.sum()) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(AttributeError):
        result.method = "erc"  # type: ignore[misc]


def test_active_bounds_are_reported() -> None:
    returns = _returns(90, 3, 6)
    result = allocate(returns, "equal_weight", lower=[0.5, 0.0, 0.0], upper=[1.0, 0.1, 1.0])
    np.testing.assert_allclose(result.weights, [0.5, 0.1, 0.4], atol=1e-15)
    assert result.active == ("lower", "upper", "")
    np.testing.assert_allclose(result.raw_weights, [1 / 3] * 3)
