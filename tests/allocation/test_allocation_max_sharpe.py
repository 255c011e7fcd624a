"""Maximum Sharpe ratio against closed forms, an exact face enumeration and PyPortfolioOpt.

Every expected weight comes from an independent computation: the tangency formula
``w ~ S^-1 mu`` (two and three sleeves, bounds not binding), its one-dimensional clip (two
sleeves, a bound binding: the Sharpe ratio is quasi-concave along a segment), the best feasible
face optimum over all 3^n choices of lower / upper / free per sleeve (each face's optimum is one
linear KKT solve), and PyPortfolioOpt's ``max_sharpe`` (a conic solver; test-only extra).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.allocation import allocate
from tradingview_scraper.allocation import max_sharpe as ms_module
from tradingview_scraper.errors import OptimizationError


def _returns(rows: int, cols: int, seed: int, drift: float = 0.001) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.01, (rows, 2)) @ rng.normal(0, 1, (2, cols))
    x += rng.normal(0, 0.01, (rows, cols)) * rng.uniform(0.5, 2.0, cols)
    x += drift * rng.uniform(0.2, 1.5, cols)
    return pd.DataFrame(x, columns=[f"s{i}" for i in range(cols)])


def _moments(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    x = frame.to_numpy()
    return x.mean(axis=0), np.cov(x, rowvar=False)


def _sharpe(w: np.ndarray, mu: np.ndarray, cov: np.ndarray) -> float:
    return float(w @ mu / math.sqrt(w @ cov @ w))


def _run(frame: pd.DataFrame, lower: list[float], upper: list[float]) -> np.ndarray:
    result = allocate(frame, "max_sharpe", lower=lower, upper=upper)
    assert result.method == "max_sharpe"
    np.testing.assert_array_equal(result.raw_weights, result.weights)  # bounds are constraints
    assert abs(math.fsum(result.weights) - 1.0) <= 1e-12
    assert np.all(result.weights >= np.array(lower) - 1e-12)
    assert np.all(result.weights <= np.array(upper) + 1e-12)
    return result.weights


def _face_enumeration(
    mu: np.ndarray, cov: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """The best feasible face optimum: for each sleeve at lo, at hi or free, maximize the Sharpe
    ratio over that face with ``y = k w`` (min y'Sy s.t. mu'y = 1, sum(y) = k), one KKT solve."""
    n = mu.size
    best, best_w = -math.inf, None
    for sides in itertools.product((-1, 0, 1), repeat=n):
        side = np.array(sides)
        free = side == 0
        bound = np.where(side < 0, lo, np.where(side > 0, hi, 0.0))
        rest = 1.0 - bound.sum()
        if not free.any():
            candidates = [bound] if abs(rest) <= 1e-12 else []
        else:
            f = int(free.sum())
            embed = np.zeros((n, f + 1))
            embed[np.flatnonzero(free), np.arange(f)] = 1.0
            embed[:, f] = bound  # y = embed @ (y_free, k)
            c = np.zeros((2, f + 1))
            c[0] = mu @ embed
            c[1, :f] = 1.0
            c[1, f] = -rest
            kkt = np.block([[2 * embed.T @ cov @ embed, c.T], [c, np.zeros((2, 2))]])
            rhs = np.concatenate([np.zeros(f + 1), [1.0, 0.0]])
            sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
            if abs(sol[f]) < 1e-300 or not np.allclose(kkt @ sol, rhs, atol=1e-9):
                continue
            candidates = [(embed @ sol[: f + 1]) / sol[f]]
        for w in candidates:
            feasible = np.all(w >= lo - 1e-12) and np.all(w <= hi + 1e-12)
            if feasible and w @ mu > 0 and _sharpe(w, mu, cov) > best:
                best, best_w = _sharpe(w, mu, cov), w
    assert best_w is not None
    return best_w


def test_two_sleeves_unbounded_is_the_tangency_portfolio() -> None:
    frame = _returns(250, 2, 12)
    mu, cov = _moments(frame)
    (m1, m2), (s11, s12, s22) = mu, (cov[0, 0], cov[0, 1], cov[1, 1])
    raw = np.array([s22 * m1 - s12 * m2, s11 * m2 - s12 * m1])  # S^-1 mu up to det(S)
    expected = raw / raw.sum()
    assert np.all(expected > 0)  # the tangency is long-only here
    w = _run(frame, [0.0, 0.0], [1.0, 1.0])
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("lower", "upper"), [([0.0, 0.0], [0.3, 1.0]), ([0.0, 0.85], [1, 1])])
def test_two_sleeves_with_a_binding_bound_clip_the_tangency(
    lower: list[float], upper: list[float]
) -> None:
    """Along the segment w = (t, 1 - t) the Sharpe ratio is quasi-concave, so the constrained
    optimum is the unconstrained tangency t clipped to the feasible interval of t."""
    frame = _returns(250, 2, 12)
    mu, cov = _moments(frame)
    (m1, m2), (s11, s12, s22) = mu, (cov[0, 0], cov[0, 1], cov[1, 1])
    raw = np.array([s22 * m1 - s12 * m2, s11 * m2 - s12 * m1])
    t_star = raw[0] / raw.sum()
    t_lo, t_hi = max(lower[0], 1 - upper[1]), min(upper[0], 1 - lower[1])
    assert not t_lo <= t_star <= t_hi  # the bound binds
    t = min(max(t_star, t_lo), t_hi)
    w = _run(frame, lower, upper)
    np.testing.assert_allclose(w, [t, 1 - t], rtol=0, atol=1e-12)


def test_three_sleeves_unbounded_is_the_tangency_portfolio() -> None:
    frame = _returns(300, 3, 5)
    mu, cov = _moments(frame)
    raw = np.linalg.solve(cov, mu)
    expected = raw / raw.sum()
    assert np.all(expected > 0)
    w = _run(frame, [0.0] * 3, [1.0] * 3)
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-11)
    assert _sharpe(w, mu, cov) == pytest.approx(_sharpe(expected, mu, cov), rel=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_matches_exact_face_enumeration_under_bounds(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    cols = int(rng.integers(3, 7))
    frame = _returns(int(rng.integers(cols + 10, 200)), cols, seed, drift=0.002)
    lo = np.round(rng.uniform(0, 0.8 / cols, cols), 3)
    hi = np.round(np.minimum(1.0, lo + rng.uniform(0.15, 0.7, cols)), 3)
    if hi.sum() < 1:
        hi[:] = 1.0
    mu, cov = _moments(frame)
    expected = _face_enumeration(mu, cov, lo, hi)
    w = _run(frame, lo.tolist(), hi.tolist())
    assert _sharpe(w, mu, cov) == pytest.approx(_sharpe(expected, mu, cov), rel=1e-9)
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-8)


@pytest.mark.parametrize("seed", range(8))
def test_matches_pyportfolioopt_under_bounds(seed: int) -> None:
    pypfopt = pytest.importorskip("pypfopt", reason="reference extra not installed")
    rng = np.random.default_rng(200 + seed)
    cols = int(rng.integers(4, 15))
    frame = _returns(int(rng.integers(cols + 20, 300)), cols, 50 + seed, drift=0.002)
    lo = np.round(rng.uniform(0, 0.5 / cols, cols), 3)
    hi = np.round(np.minimum(1.0, lo + rng.uniform(0.1, 0.6, cols)), 3)
    if hi.sum() < 1:
        hi[:] = 1.0
    mu, cov = _moments(frame)
    frontier = pypfopt.EfficientFrontier(
        pd.Series(mu, index=frame.columns),
        pd.DataFrame(cov, index=frame.columns, columns=frame.columns),
        weight_bounds=list(zip(lo.tolist(), hi.tolist(), strict=True)),
    )
    frontier.max_sharpe(risk_free_rate=0.0)
    reference = np.array(list(frontier.clean_weights(rounding=None).values()))
    w = _run(frame, lo.tolist(), hi.tolist())
    # the same portfolio up to the conic solver's tolerance (it may overstep a bound by ~1e-7,
    # so its ratio can even be a hair higher; exactness is checked against the enumeration)
    assert _sharpe(w, mu, cov) == pytest.approx(_sharpe(reference, mu, cov), rel=1e-6)
    np.testing.assert_allclose(w, reference, rtol=0, atol=1e-6)


def test_a_fixed_sleeve_keeps_its_weight() -> None:
    frame = _returns(200, 4, 3)
    lower, upper = [0.25, 0.0, 0.0, 0.0], [0.25, 1.0, 1.0, 1.0]
    w = _run(frame, lower, upper)
    assert w[0] == 0.25
    mu, cov = _moments(frame)
    expected = _face_enumeration(mu, cov, np.array(lower), np.array(upper))
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [
        ([0.2, 0.3, 0.5], [1.0, 1.0, 1.0], [0.2, 0.3, 0.5]),
        ([0.0, 0.0, 0.0], [0.5, 0.1, 0.4], [0.5, 0.1, 0.4]),
    ],
)
def test_bounds_with_one_feasible_point_give_that_point(
    lower: list[float], upper: list[float], expected: list[float]
) -> None:
    frame = _returns(100, 3, 4)
    w = _run(frame, lower, upper)
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-15)


def test_no_sleeve_with_a_positive_mean_is_an_error() -> None:
    frame = _returns(120, 3, 6, drift=0.0) - 0.01
    with pytest.raises(
        OptimizationError,
        match=r"^max_sharpe has no solution: no sleeve has a positive mean return; the Sharpe "
        r"ratio is not positive anywhere$",
    ):
        allocate(frame, "max_sharpe", lower=[0.0] * 3, upper=[1.0] * 3)


def test_one_sleeve_takes_everything_only_with_a_positive_mean() -> None:
    frame = _returns(60, 1, 12)
    frame["s0"] = frame["s0"] - frame["s0"].mean() + 0.001
    assert _run(frame, [0.0], [1.0]).tolist() == [1.0]
    with pytest.raises(OptimizationError, match=r"no sleeve has a positive mean return"):
        allocate(frame - 0.002, "max_sharpe", lower=[0.0], upper=[1.0])


def test_bounds_that_force_a_negative_mean_are_an_error() -> None:
    frame = _returns(120, 2, 6, drift=0.0)
    frame["s0"] = frame["s0"] - frame["s0"].mean() + 0.001  # mean exactly 0.001
    frame["s1"] = frame["s1"] - frame["s1"].mean() - 0.004  # mean exactly -0.004
    # at least 30% in s1: the best mean is 0.7 * 0.001 - 0.3 * 0.004 = -0.0005
    with pytest.raises(
        OptimizationError,
        match=r"no weights within the bounds have a positive mean \(at best -0\.0005\)",
    ):
        allocate(frame, "max_sharpe", lower=[0.0, 0.3], upper=[1.0, 1.0])


def test_a_riskless_combination_with_positive_mean_is_an_error() -> None:
    """b = 0.004 - a: half of each is a constant 0.002 a day, an unbounded Sharpe ratio."""
    a = _returns(80, 1, 8, drift=0.0)["s0"]
    frame = pd.DataFrame({"a": a, "b": 0.004 - a})
    with pytest.raises(OptimizationError, match=r"zero sample variance and a positive mean"):
        allocate(frame, "max_sharpe", lower=[0.0, 0.0], upper=[1.0, 1.0])


def test_does_not_converge_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _returns(200, 6, 9)
    monkeypatch.setattr(ms_module, "STEP_TOL", -1.0)  # never accept a step as zero
    with pytest.raises(OptimizationError, match=r"^max_sharpe did not converge after 220 "):
        allocate(frame, "max_sharpe", lower=[0.0] * 6, upper=[1.0] * 6)


def test_is_deterministic_and_follows_the_columns() -> None:
    frame = _returns(150, 5, 10)
    first = _run(frame, [0.0] * 5, [0.6] * 5)
    fortran = pd.DataFrame(np.asfortranarray(frame.to_numpy()), columns=frame.columns)
    np.testing.assert_array_equal(first, _run(fortran, [0.0] * 5, [0.6] * 5))
    reversed_w = _run(frame[frame.columns[::-1]], [0.0] * 5, [0.6] * 5)
    np.testing.assert_allclose(reversed_w[::-1], first, rtol=0, atol=1e-12)


def test_max_mean_weights_fill_the_budget_by_decreasing_mean() -> None:
    mu = np.array([0.1, 0.3, 0.2, 0.3])
    lo = np.array([0.1, 0.0, 0.2, 0.0])
    hi = np.array([1.0, 0.25, 1.0, 0.2])
    # 0.7 is left above the lower bounds: s1 (mean 0.3, first of the tie) takes 0.25, s3 its
    # 0.2, and s2 (mean 0.2) the last 0.25
    np.testing.assert_allclose(
        ms_module.max_mean_weights(mu, lo, hi), [0.1, 0.25, 0.45, 0.2], rtol=0, atol=1e-15
    )
