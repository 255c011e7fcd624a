"""ERC by its defining property; minimum variance against exact active-set enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.optimize

from tradingview_scraper.allocation import allocate
from tradingview_scraper.allocation import erc as erc_module
from tradingview_scraper.allocation import min_variance as mv_module
from tradingview_scraper.errors import OptimizationError


def _returns(rows: int, cols: int, seed: int, factors: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.01, (rows, factors)) @ rng.normal(0, 1, (factors, cols))
    x += rng.normal(0, 0.01, (rows, cols)) * rng.uniform(0.3, 3.0, cols)
    return pd.DataFrame(x, columns=[f"s{i}" for i in range(cols)])


@pytest.mark.parametrize(("cols", "seed"), [(2, 0), (3, 1), (8, 2), (25, 3), (120, 4)])
def test_erc_equalizes_risk_contributions(cols: int, seed: int) -> None:
    returns = _returns(max(60, 3 * cols), cols, seed)
    result = allocate(returns, "erc", lower=[0.0] * cols, upper=[1.0] * cols)
    cov = np.cov(returns.to_numpy(), rowvar=False)
    w = result.raw_weights
    rc = w * (cov @ w) / (w @ cov @ w)
    np.testing.assert_allclose(rc, 1.0 / cols, rtol=1e-8, atol=0)
    np.testing.assert_allclose(result.risk_contributions, 1.0 / cols, rtol=1e-8, atol=0)
    assert np.all(w > 0) and result.converged
    assert 0 < result.iterations < 30 or cols == 2  # two sleeves: the start is exact


def test_risk_parity_is_an_alias_of_erc() -> None:
    returns = _returns(80, 5, 7)
    a = allocate(returns, "risk_parity", lower=[0.0] * 5, upper=[1.0] * 5)
    b = allocate(returns, "erc", lower=[0.0] * 5, upper=[1.0] * 5)
    assert a.method == "erc"
    np.testing.assert_array_equal(a.weights, b.weights)


def test_erc_with_bounds_is_the_projection_of_the_raw_weights() -> None:
    returns = _returns(80, 4, 8)
    lower, upper = [0.3, 0.0, 0.0, 0.0], [1.0, 0.2, 1.0, 1.0]
    result = allocate(returns, "erc", lower=lower, upper=upper)
    from tradingview_scraper.allocation import project_to_bounds

    np.testing.assert_array_equal(
        result.weights, project_to_bounds(result.raw_weights, np.array(lower), np.array(upper))
    )
    assert result.active[0] == "lower" or result.weights[0] > 0.3


def test_erc_reports_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(erc_module, "MAX_ITERATIONS", 1)
    returns = _returns(80, 6, 9)
    with pytest.raises(
        OptimizationError,
        match=r"^erc did not converge after 1 iterations \(max relative risk-contribution error ",
    ):
        allocate(returns, "erc", lower=[0.0] * 6, upper=[1.0] * 6)


def enumerate_min_variance(cov: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Exact optimum: every assignment of sleeves to {free, lower, upper}, KKT solve, best."""
    n = cov.shape[0]
    best = np.inf
    for sides in itertools.product((0, -1, 1), repeat=n):
        side = np.array(sides)
        w = np.where(side < 0, lo, np.where(side > 0, hi, 0.0))
        free = side == 0
        rest = 1.0 - w[~free].sum()
        if free.any():
            m = int(free.sum())
            kkt = np.zeros((m + 1, m + 1))
            kkt[:m, :m] = cov[np.ix_(free, free)]
            kkt[:m, m] = 1.0
            kkt[m, :m] = 1.0
            rhs = np.append(-cov[np.ix_(free, ~free)] @ w[~free], rest)
            try:
                w[free] = np.linalg.solve(kkt, rhs)[:m]
            except np.linalg.LinAlgError:
                continue
        elif abs(rest) > 1e-12:
            continue
        if np.all(w >= lo - 1e-12) and np.all(w <= hi + 1e-12):
            best = min(best, float(w @ cov @ w))
    return best


def _random_bounds(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    lo = rng.uniform(0, 1.0 / n, n) * rng.choice([0.0, 0.6, 0.95])
    hi = np.maximum(lo, rng.uniform(1.0 / n, 0.7, n))
    if hi.sum() < 1.0:
        hi = np.ones(n)
    return lo, hi


@pytest.mark.parametrize("seed", range(12))
def test_min_variance_matches_enumeration(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(2, 7))
    returns = _returns(int(rng.integers(30, 120)), n, seed, factors=int(rng.integers(1, 3)))
    lo, hi = _random_bounds(rng, n)
    result = allocate(returns, "min_variance", lower=lo.tolist(), upper=hi.tolist())
    cov = result.covariance
    exact = enumerate_min_variance(cov, lo, hi)
    assert result.portfolio_variance == pytest.approx(exact, rel=1e-9)
    assert result.portfolio_variance >= exact * (1 - 1e-12)
    np.testing.assert_array_equal(result.raw_weights, result.weights)


def test_min_variance_closed_form_without_binding_bounds() -> None:
    rng = np.random.default_rng(21)
    x = rng.normal(0, 0.01, (400, 5)) * np.array([1.0, 1.2, 0.9, 1.1, 1.3])
    returns = pd.DataFrame(x, columns=list("abcde"))
    cov = np.cov(x, rowvar=False)
    closed = np.linalg.solve(cov, np.ones(5))
    closed /= closed.sum()
    assert np.all(closed > 0)
    result = allocate(returns, "min_variance", lower=[0.0] * 5, upper=[1.0] * 5)
    np.testing.assert_allclose(result.weights, closed, rtol=1e-10, atol=0)
    assert result.active == ("", "", "", "", "")


def _assert_kkt(cov: np.ndarray, w: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    g = cov @ w
    scale = np.abs(g).max()
    free = (w > lo + 1e-12) & (w < hi - 1e-12)
    assert free.any()
    nu = g[free].mean()
    assert np.ptp(g[free]) <= 1e-9 * scale
    at_lo = (w <= lo + 1e-12) & (lo < hi)
    at_hi = (w >= hi - 1e-12) & (lo < hi)
    assert np.all(g[at_lo] >= nu - 1e-9 * scale)
    assert np.all(g[at_hi] <= nu + 1e-9 * scale)


def test_min_variance_many_sleeves_satisfies_kkt() -> None:
    rng = np.random.default_rng(33)
    market = rng.normal(0, 0.01, (1000, 1)) @ rng.uniform(0.5, 2.0, (1, 300))
    noise = rng.normal(0, 0.01, (1000, 300)) * rng.uniform(0.2, 3.0, 300)
    returns = pd.DataFrame(market + noise, columns=[f"s{i}" for i in range(300)])
    lo, hi = np.zeros(300), np.full(300, 0.05)
    result = allocate(returns, "min_variance", lower=lo.tolist(), upper=hi.tolist())
    _assert_kkt(result.covariance, result.weights, lo, hi)
    assert abs(result.weights.sum() - 1) <= 1e-12 and result.converged
    assert "lower" in result.active and "upper" in result.active


@pytest.mark.parametrize("seed", range(6))
def test_primal_fallback_agrees_with_primal_dual(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    n = 12
    cov = np.cov(_returns(90, n, seed, factors=2).to_numpy(), rowvar=False)
    lo, hi = _random_bounds(rng, n)
    problem = mv_module._Problem(cov / np.mean(np.diag(cov)), lo, hi, lo >= hi)
    fast, iterations = mv_module.min_variance_weights(cov, lo, hi)
    slow, steps = mv_module._primal(problem, np.full(n, 1.0 / n))
    assert steps >= 1 and iterations >= 1
    assert slow @ cov @ slow == pytest.approx(fast @ cov @ fast, rel=1e-10)
    _assert_kkt(cov, slow, lo, hi)


def test_primal_fallback_does_not_cycle_on_a_weight_one_ulp_past_its_bound() -> None:
    """Found by searching fixture-like problems (30 days, 4 sleeves, bounds [0.15, 0.35]): the
    primal-dual method gives up with all four weights on bounds that sum to exactly 1, and the
    fallback released one weight alone, which the budget then put at 0.35 plus one ulp: "past"
    its upper bound, so it was bound again, 140 times, until OptimizationError."""
    returns = pd.DataFrame(
        {
            f"s{i}": np.round(
                np.random.default_rng(8204 + i).normal(4e-4, 0.008 + 0.004 * i, 30), 10
            )
            for i in range(4)
        }
    )
    lo, hi = np.full(4, 0.15), np.full(4, 0.35)
    result = allocate(returns, "min_variance", lower=lo.tolist(), upper=hi.tolist())
    _assert_kkt(result.covariance, result.weights, lo, hi)
    assert abs(result.weights.sum() - 1) <= 1e-12
    # the optimum has two free weights; a second solver agrees (scipy's SLSQP)
    cov = result.covariance
    reference = scipy.optimize.minimize(
        lambda w: w @ cov @ w,
        np.full(4, 0.25),
        jac=lambda w: 2 * cov @ w,
        bounds=list(zip(lo, hi, strict=True)),
        constraints={"type": "eq", "fun": lambda w: w.sum() - 1},
        method="SLSQP",
        options={"ftol": 1e-16, "maxiter": 500},
    )
    np.testing.assert_allclose(result.weights, reference.x, atol=1e-7)
    np.testing.assert_allclose(result.weights[[0, 3]], [0.35, 0.15], atol=0)


def test_min_variance_with_every_weight_fixed_by_bounds() -> None:
    returns = _returns(50, 3, 5)
    result = allocate(returns, "min_variance", lower=[0.2, 0.3, 0.5], upper=[0.2, 0.3, 0.5])
    np.testing.assert_array_equal(result.weights, [0.2, 0.3, 0.5])
    assert result.active == ("lower", "lower", "lower")
