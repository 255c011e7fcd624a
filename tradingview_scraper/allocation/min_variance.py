"""Long-only minimum variance with the bounds as constraints: an exact active-set QP.

``minimize w'Sw  s.t.  sum(w) = 1, lo <= w <= hi``. With ``g = Sw`` and ``nu`` the budget's
multiplier, ``w`` is optimal iff it is feasible and ``g_i = nu`` for free weights, ``g_i >= nu``
at a lower bound, ``g_i <= nu`` at an upper bound. For a guess of the binding bounds, the free
weights solve one linear system (Cholesky of ``S`` on the free set). A primal-dual active-set
iteration (Hintermueller, Ito and Kunisch 2003) revises the whole guess from the violated
conditions and usually ends after a handful of solves; should it cycle, a primal active-set
method (Nocedal and Wright, section 16.3) started from the projected iterate finishes one bound
change at a time. Both stop only when the KKT conditions hold to rounding, so the result is the
exact optimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.linalg

from tradingview_scraper import errors
from tradingview_scraper.allocation.bounds import finish_weights, project_to_bounds

FloatArray = npt.NDArray[np.float64]
SideArray = npt.NDArray[np.int8]

MAX_PDAS_ITERATIONS = 50
WEIGHT_TOL = 1e-13
MULTIPLIER_RTOL = 1e-11

__all__ = ["min_variance_weights"]


@dataclass(frozen=True, slots=True, eq=False)
class _Problem:
    s: FloatArray  # covariance scaled to a unit mean diagonal
    lo: FloatArray
    hi: FloatArray
    fixed: npt.NDArray[np.bool_]  # lo == hi: always bound, multiplier free


def min_variance_weights(cov: FloatArray, lo: FloatArray, hi: FloatArray) -> tuple[FloatArray, int]:
    """Minimum-variance weights within feasible bounds, and the number of linear solves."""
    problem = _Problem(cov / float(np.mean(np.diag(cov))), lo, hi, lo >= hi)
    x, solved, iterations = _primal_dual(problem)
    if not solved:
        x, more = _primal(problem, x)
        iterations += more
    if not np.isfinite(x).all():
        raise errors.OptimizationError(
            f"min_variance gave non-finite weights after {iterations} iterations"
        )
    return finish_weights(x, lo, hi), iterations


def _solve(p: _Problem, side: SideArray) -> tuple[FloatArray, float | None]:
    """Minimize over the free weights with the others on their bounds: ``(w, nu)``.

    ``nu`` is None when no weight is free (then ``w`` is the bounds themselves).
    """
    x = np.where(side < 0, p.lo, np.where(side > 0, p.hi, 0.0))
    free = side == 0
    if not free.any():
        return x, None
    bound = ~free
    s_ff = p.s[np.ix_(free, free)]
    coupling = p.s[np.ix_(free, bound)] @ x[bound]
    budget = 1.0 - math.fsum(x[bound])
    ones = np.ones(s_ff.shape[0])
    try:
        factor = scipy.linalg.cho_factor(s_ff, check_finite=False)
        b = scipy.linalg.cho_solve(factor, ones, check_finite=False)
        c = scipy.linalg.cho_solve(factor, coupling, check_finite=False)
        if not float(b.sum()) > 0.0:
            raise np.linalg.LinAlgError("budget direction not positive")
        nu = (budget + float(c.sum())) / float(b.sum())
        x[free] = nu * b - c
    except np.linalg.LinAlgError:  # semidefinite S on the free set: least-norm KKT solution
        m = s_ff.shape[0]
        kkt = np.zeros((m + 1, m + 1))
        kkt[:m, :m] = s_ff
        kkt[:m, m] = -1.0
        kkt[m, :m] = 1.0
        sol = np.linalg.lstsq(kkt, np.append(-coupling, budget), rcond=None)[0]
        x[free] = sol[:m]
        nu = float(sol[m])
    return x, nu


def _violations(p: _Problem, side: SideArray, g: FloatArray, nu: float) -> FloatArray:
    """Multiplier of each releasable bound (negative = wrong sign); +inf for free weights."""
    releasable = ~p.fixed
    return np.where(
        (side < 0) & releasable, g - nu, np.where((side > 0) & releasable, nu - g, np.inf)
    )


def _primal_dual(p: _Problem) -> tuple[FloatArray, bool, int]:
    """``(w, solved, iterations)``; when not solved, ``w`` is the last iterate (a start point)."""
    side = np.where(p.fixed, -1, 0).astype(np.int8)
    x = np.full(p.lo.size, 1.0 / p.lo.size)
    seen: set[bytes] = set()
    for iteration in range(1, MAX_PDAS_ITERATIONS + 1):
        key = side.tobytes()
        if key in seen:
            return x, False, iteration - 1
        seen.add(key)
        candidate, nu = _solve(p, side)
        if nu is None or not np.isfinite(candidate).all():
            return x, False, iteration
        x = candidate
        g = p.s @ x
        tol = MULTIPLIER_RTOL * float(np.max(np.abs(g)))
        free = side == 0
        below = free & (x < p.lo - WEIGHT_TOL)
        above = free & (x > p.hi + WEIGHT_TOL)
        release = _violations(p, side, g, nu) < -tol
        if not (below.any() or above.any() or release.any()):
            return x, True, iteration
        side = side.copy()
        side[below] = -1
        side[above] = 1
        side[release] = 0
    return x, False, MAX_PDAS_ITERATIONS


def _primal(p: _Problem, start: FloatArray) -> tuple[FloatArray, int]:
    x = project_to_bounds(start, p.lo, p.hi)
    side = np.where(x <= p.lo, -1, np.where(x >= p.hi, 1, 0)).astype(np.int8)
    side[p.fixed] = -1
    limit = 10 * x.size + 100
    for iteration in range(1, limit + 1):
        target, nu = _solve(p, side)
        if nu is not None:
            free = side == 0
            # as in _primal_dual, a weight within WEIGHT_TOL of its bound is on it: a released
            # weight that the budget puts one ulp past its bound must not be bound again at
            # once (that cycled until the iteration limit)
            down = free & (target < p.lo - WEIGHT_TOL)
            up = free & (target > p.hi + WEIGHT_TOL)
            if down.any() or up.any():
                step = target - x
                ratio = np.full(x.size, np.inf)
                ratio[down] = (p.lo - x)[down] / step[down]
                ratio[up] = (p.hi - x)[up] / step[up]
                alpha = min(max(float(ratio.min()), 0.0), 1.0)
                x = np.where(free, x + alpha * step, x)
                blocking = ratio <= alpha
                x[blocking & down] = p.lo[blocking & down]
                x[blocking & up] = p.hi[blocking & up]
                side[blocking & down] = -1
                side[blocking & up] = 1
                continue
            x = target
            g = p.s @ x
        else:
            g = p.s @ x
            nu = _budget_multiplier(p, side, g)
        violation = _violations(p, side, g, nu)
        worst = int(np.argmin(violation))
        if violation[worst] >= -MULTIPLIER_RTOL * float(np.max(np.abs(g))):
            return x, iteration
        side[worst] = 0
    raise errors.OptimizationError(
        f"min_variance did not converge after {limit} active-set iterations"
    )


def _budget_multiplier(p: _Problem, side: SideArray, g: FloatArray) -> float:
    """With every weight on a bound: the budget multiplier that best fits both sides."""
    releasable = ~p.fixed
    at_lo = g[(side < 0) & releasable]
    at_hi = g[(side > 0) & releasable]
    if at_lo.size and at_hi.size:
        return 0.5 * (float(at_lo.min()) + float(at_hi.max()))
    if at_lo.size:
        return float(at_lo.min())
    if at_hi.size:
        return float(at_hi.max())
    return 0.0
