"""check_feasible messages and project_to_bounds against independent projections."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradingview_scraper.allocation import check_feasible, project_to_bounds
from tradingview_scraper.errors import InfeasibleBoundsError


@pytest.mark.parametrize(
    ("names", "lower", "upper", "error", "pattern"),
    [
        (
            ["crypto", "tradfi"],
            [0.6, 0.44],
            [1.0, 1.0],
            InfeasibleBoundsError,
            r"^profiles\.meta_demo: infeasible bounds: sum of lower bounds is 1\.04, "
            r"must be <= 1 \(crypto \[0\.6, 1\], tradfi \[0\.44, 1\]\)$",
        ),
        (
            ["crypto", "tradfi"],
            [0.0, 0.0],
            [0.5, 0.4],
            InfeasibleBoundsError,
            r"sum of upper bounds is 0\.9, must be >= 1 \(crypto \[0, 0\.5\], tradfi \[0, 0\.4\]\)",
        ),
        (
            ["crypto", "tradfi"],
            [0.0, 0.7],
            [1.0, 0.6],
            InfeasibleBoundsError,
            r"sleeve 'tradfi' has lower bound 0\.7 > upper bound 0\.6",
        ),
        (
            ["crypto", "tradfi"],
            [-0.1, 0.0],
            [1.0, 1.0],
            InfeasibleBoundsError,
            r"sleeve 'crypto' has bounds \[-0\.1, 1\], must lie within \[0, 1\]",
        ),
        (
            ["crypto", "tradfi"],
            [0.0, 0.0],
            [1.0, 1.5],
            InfeasibleBoundsError,
            r"sleeve 'tradfi' has bounds \[0, 1\.5\], must lie within \[0, 1\]",
        ),
        (
            ["crypto", "tradfi"],
            [0.0, float("nan")],
            [1.0, 1.0],
            InfeasibleBoundsError,
            r"sleeve 'tradfi' has bounds \[nan, 1\], must be finite",
        ),
        ([], [], [], InfeasibleBoundsError, r"no sleeves to weight"),
        (["a", "b"], [0.0], [1.0, 1.0], ValueError, r"2 sleeves but 1 lower and 2 upper"),
    ],
)
def test_check_feasible_names_the_numbers(names, lower, upper, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        check_feasible(names, lower, upper, where="profiles.meta_demo")


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        ([0.0, 0.0], [1.0, 1.0]),
        ([0.5, 0.5], [0.5, 0.5]),  # a single feasible point
        ([0.1, 0.2, 0.7], [1.0, 1.0, 1.0]),  # sum(lo) == 1 exactly in decimal
        ([0.0, 0.0, 0.0], [0.1, 0.2, 0.7]),  # sum(hi) == 1
        ([1 / 3] * 3, [1 / 3] * 3),  # sum differs from 1 by rounding only
    ],
)
def test_check_feasible_accepts_edge_cases(lower, upper) -> None:
    check_feasible([f"s{i}" for i in range(len(lower))], lower, upper, where="x")


def _reference_projection(raw, lo, hi) -> np.ndarray:
    """Bisection on tau over 200 halvings: independent of the breakpoint search."""
    a, b = float(np.min(raw - hi)) - 1.0, float(np.max(raw - lo)) + 1.0
    for _ in range(200):
        mid = 0.5 * (a + b)
        if np.clip(raw - mid, lo, hi).sum() > 1.0:
            a = mid
        else:
            b = mid
    return np.clip(raw - 0.5 * (a + b), lo, hi)


@st.composite
def projection_cases(draw):
    n = draw(st.integers(1, 12))
    unit = st.floats(0.0, 1.0, allow_nan=False)
    raw = np.array(draw(st.lists(st.floats(-2.0, 2.0), min_size=n, max_size=n)))
    lo = np.array(draw(st.lists(unit, min_size=n, max_size=n))) / n
    lo *= draw(st.sampled_from([0.0, 0.5, 1.0]))
    hi = lo + (1.0 - lo) * np.array(draw(st.lists(unit, min_size=n, max_size=n)))
    if hi.sum() < 1.0:  # widen to feasibility; may leave sum(hi) == 1 (a tight case)
        hi = np.minimum(1.0, hi + (1.0 - hi.sum()) * (1.0 - hi) / max((1.0 - hi).sum(), 1e-300))
    if draw(st.booleans()) and n > 1:
        hi[0] = lo[0]  # a fixed sleeve
    if lo.sum() > 1.0 or hi.sum() < 1.0 - 1e-12:
        hi = np.ones(n)
    return raw, lo, hi


@settings(max_examples=150, deadline=None)
@given(projection_cases())
def test_projection_matches_reference_and_kkt(case) -> None:
    raw, lo, hi = case
    w = project_to_bounds(raw, lo, hi)
    assert abs(w.sum() - 1.0) <= 1e-12
    assert np.all(w >= lo - 1e-12)
    assert np.all(w <= hi + 1e-12)
    np.testing.assert_allclose(w, _reference_projection(raw, lo, hi), rtol=0, atol=1e-9)
    # KKT: a common tau with free weights at raw - tau, bound ones beyond it.
    free = (w > lo + 1e-9) & (w < hi - 1e-9)
    if free.any():
        tau = raw[free] - w[free]
        assert np.ptp(tau) <= 1e-9
        t = float(tau.mean())
        wide = hi - lo > 1e-9  # narrower boxes are fixed weights for this check
        at_lo = (w <= lo + 1e-12) & wide
        at_hi = (w >= hi - 1e-12) & wide
        assert np.all(raw[at_lo] - lo[at_lo] <= t + 1e-9)
        assert np.all(raw[at_hi] - hi[at_hi] >= t - 1e-9)


def _projection_by_enumeration(raw: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The exact projection onto {lo <= w <= hi, sum w = 1}, by trying every active set.

    For each assignment of the coordinates to "at lo", "at hi" or "free", the free ones are
    ``raw - t`` with the ``t`` that makes the sum 1; the nearest feasible candidate is the
    projection (the problem is strictly convex, and its optimum has one of these active sets).
    A generic reference that depends on no solver's version or tolerances.
    """
    best, best_cost = None, np.inf
    for states in itertools.product((0, 1, 2), repeat=len(raw)):
        state = np.array(states)
        w = np.where(state == 1, lo, np.where(state == 2, hi, 0.0))
        free = state == 0
        if free.any():
            t = (raw[free].sum() - (1.0 - w[~free].sum())) / free.sum()
            w[free] = raw[free] - t
        if abs(w.sum() - 1.0) > 1e-12 or np.any(w < lo - 1e-12) or np.any(w > hi + 1e-12):
            continue
        cost = float(np.sum((w - raw) ** 2))
        if cost < best_cost:
            best, best_cost = w, cost
    assert best is not None
    return best


def test_projection_against_generic_solver() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        n = 6
        raw = rng.normal(0.2, 0.5, n)
        lo = rng.uniform(0.0, 0.12, n)
        hi = rng.uniform(0.25, 0.6, n)
        expected = _projection_by_enumeration(raw, lo, hi)
        np.testing.assert_allclose(project_to_bounds(raw, lo, hi), expected, rtol=0, atol=1e-12)


def test_projection_keeps_feasible_points_and_exact_bounds() -> None:
    w = np.array([0.2, 0.3, 0.5])
    np.testing.assert_array_equal(project_to_bounds(w, np.zeros(3), np.ones(3)), w)
    out = project_to_bounds(np.array([5.0, -5.0, 0.1]), np.array([0.0, 0.1, 0.0]), np.ones(3))
    assert out[0] == 0.9 and out[1] == 0.1 and out[2] == 0.0


@pytest.mark.parametrize(
    ("raw", "lo", "hi", "error", "pattern"),
    [
        ([0.5, np.nan], [0, 0], [1, 1], ValueError, "raw weights must be finite"),
        ([0.5, 0.5], [0, 0, 0], [1, 1, 1], ValueError, "must be 1-d of one length"),
        ([0.5, 0.5], [0.6, 0.6], [1, 1], InfeasibleBoundsError, "sum of lower bounds is 1.2"),
    ],
)
def test_projection_rejects_bad_input(raw, lo, hi, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        project_to_bounds(np.array(raw, float), np.array(lo, float), np.array(hi, float))
