"""Long-only maximum Sharpe ratio with the bounds as constraints: an exact active-set QP.

``maximize mu'w / sqrt(w'Sw)  s.t.  sum(w) = 1, lo <= w <= hi`` (risk-free rate 0). The ratio
is not concave, but the Cornuejols-Tutuncu reformulation is a convex QP: with ``y = w / mu'w``
(and ``kappa = sum(y) = 1 / mu'w > 0``),

    minimize  y'Sy   s.t.  mu'y = 1,  y_i - lo_i * sum(y) >= 0,  hi_i * sum(y) - y_i >= 0,

and ``w = y / sum(y)``. It has a solution exactly when some feasible ``w`` has ``mu'w > 0``; the
largest feasible mean is found first (fill the budget left above the lower bounds in order of
decreasing mean), and its vertex is the feasible start. A primal active-set method (Nocedal and
Wright, algorithm 16.3) then moves from face to face: on a face (each sleeve at its lower bound,
at its upper bound or free) the optimum is one linear KKT solve in the free weights and ``k``,
so a step costs a solve of the free set's size, as in ``min_variance``. It stops only when the
KKT conditions hold to rounding: the result is the exact optimum, not an approximation.

A sleeve with ``lo == hi`` is fixed (its two bounds are one equality); bounds that leave one
feasible point give that point. An optimum of zero variance with positive mean (a singular
covariance) means an unbounded Sharpe ratio: an ``OptimizationError``, as is a problem where no
feasible weights have a positive mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import numpy.typing as npt

from tradingview_scraper import errors
from tradingview_scraper.allocation.bounds import finish_weights

FloatArray = npt.NDArray[np.float64]
SideArray = npt.NDArray[np.int8]

STEP_TOL = 1e-12  # a step shorter than this (relative to |y|) is no step
MULTIPLIER_RTOL = 1e-10

__all__ = ["max_mean_weights", "max_sharpe_weights"]


def max_mean_weights(mu: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """The feasible weights of largest mean: every sleeve at ``lo``, the rest of the budget
    filled in order of decreasing mean (ties by position) up to ``hi``."""
    w = lo.astype(np.float64).copy()
    budget = 1.0 - math.fsum(w)
    for i in sorted(range(mu.size), key=lambda k: (-float(mu[k]), k)):
        if budget <= 0.0:
            break
        add = min(float(hi[i] - lo[i]), budget)
        w[i] += add
        budget -= add
    return w


def max_sharpe_weights(
    cov: FloatArray, mu: FloatArray, lo: FloatArray, hi: FloatArray
) -> tuple[FloatArray, int]:
    """Maximum-Sharpe weights within feasible bounds, and the number of active-set steps."""
    start = max_mean_weights(mu, lo, hi)
    best_mean = math.fsum(start * mu)
    if not (mu > 0.0).any():
        _no_solution("no sleeve has a positive mean return")
    if math.fsum(lo) >= 1.0 - 1e-12 or math.fsum(hi) <= 1.0 + 1e-12:
        return finish_weights(start, lo, hi), 0  # the bounds leave one feasible point
    if not best_mean > 0.0:
        _no_solution(f"no weights within the bounds have a positive mean (at best {best_mean:.6g})")
    p = _Problem(cov / float(np.mean(np.diag(cov))), mu / float(np.max(np.abs(mu))), lo, hi)
    y = start / math.fsum(start * p.m)
    side = np.where(p.fixed | (start <= lo), -1, np.where(start >= hi, 1, 0)).astype(np.int8)
    limit = 20 * mu.size + 100
    for step in range(1, limit + 1):
        target, eta = _face_optimum(p, side)
        move = target - y
        free = side == 0
        if float(np.max(np.abs(move))) > STEP_TOL * float(np.max(np.abs(y))):
            lower, upper = _slack(p, y)
            d_lower, d_upper = _slack(p, move)
            ratio = np.full(y.size, np.inf)
            down = free & (d_lower < 0.0)
            up = free & (d_upper < 0.0)
            ratio[down] = np.maximum(lower[down], 0.0) / -d_lower[down]
            ratio_up = np.full(y.size, np.inf)
            ratio_up[up] = np.maximum(upper[up], 0.0) / -d_upper[up]
            alpha = min(1.0, float(ratio.min()), float(ratio_up.min()))
            y = target if alpha >= 1.0 else y + alpha * move
            if alpha < 1.0:
                if float(ratio.min()) <= float(ratio_up.min()):
                    side[int(np.argmin(ratio))] = -1
                else:
                    side[int(np.argmin(ratio_up))] = 1
            continue
        y = target
        g = _times(p.s, y)
        multipliers = _bound_multipliers(p, side, g, eta)
        worst = int(np.argmin(multipliers))
        tol = MULTIPLIER_RTOL * max(float(np.max(np.abs(g))), 1e-300)
        if multipliers[worst] >= -tol:
            return _weights(y, p.s, lo, hi), step
        side[worst] = 0
    raise errors.OptimizationError(
        f"max_sharpe did not converge after {limit} active-set iterations"
    )


@dataclass(frozen=True, slots=True, eq=False)
class _Problem:
    s: FloatArray  # covariance scaled to a unit mean diagonal
    m: FloatArray  # mean scaled to a unit largest |mean|
    lo: FloatArray
    hi: FloatArray

    @property
    def fixed(self) -> npt.NDArray[np.bool_]:  # lo == hi: always bound, multiplier free
        return self.lo >= self.hi


def _no_solution(detail: str) -> NoReturn:
    raise errors.OptimizationError(
        f"max_sharpe has no solution: {detail}; the Sharpe ratio is not positive anywhere"
    )


def _slack(p: _Problem, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(y_i - lo_i sum(y), hi_i sum(y) - y_i)``: the constraint values. They are linear and
    homogeneous in ``y``, so the same formula gives their rate of change along a step."""
    total = math.fsum(y)
    return y - p.lo * total, p.hi * total - y


def _face_optimum(p: _Problem, side: SideArray) -> tuple[FloatArray, FloatArray]:
    """Minimize ``y'Sy`` on the face: ``mu'y = 1``, ``y_i = lo_i k`` (side -1), ``y_i = hi_i k``
    (side +1), the free ``y`` and ``k = sum(y)`` unknown. Returns ``y`` and the multipliers
    ``(eta_mean, eta_sum)`` of ``mu'y = 1`` and ``sum(y) - k = 0`` (``S y = eta_mean mu +
    eta_sum 1`` on the free weights).

    With ``y = E z + k b`` (``b`` the bound fractions) it is one linear KKT solve of size
    (free + 1) + 2; a singular reduced Hessian (semidefinite S) takes the least-norm solution.
    """
    free = np.flatnonzero(side == 0)
    b = np.where(side < 0, p.lo, np.where(side > 0, p.hi, 0.0))
    f = free.size
    sb = _times(p.s, b)
    h = np.empty((f + 1, f + 1))
    h[:f, :f] = p.s[np.ix_(free, free)]
    h[:f, f] = h[f, :f] = sb[free]
    h[f, f] = float(b @ sb)
    c = np.empty((2, f + 1))
    c[0, :f], c[0, f] = p.m[free], float(p.m @ b)
    c[1, :f], c[1, f] = 1.0, math.fsum(b) - 1.0
    kkt = np.zeros((f + 3, f + 3))
    kkt[: f + 1, : f + 1] = h
    kkt[: f + 1, f + 1 :] = -c.T
    kkt[f + 1 :, : f + 1] = c
    rhs = np.zeros(f + 3)
    rhs[f + 1] = 1.0
    try:
        solution = np.linalg.solve(kkt, rhs)
    except np.linalg.LinAlgError:
        solution = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
    y = np.asarray(solution[f] * b, dtype=np.float64)
    y[free] += solution[:f]
    return y, np.asarray(solution[f + 1 :], dtype=np.float64)


def _times(s: FloatArray, v: FloatArray) -> FloatArray:
    """``S v`` over the non-zero entries of ``v`` only (most weights sit at a zero bound)."""
    nonzero = np.flatnonzero(v)
    return np.asarray(s[:, nonzero] @ v[nonzero], dtype=np.float64)


def _bound_multipliers(p: _Problem, side: SideArray, g: FloatArray, eta: FloatArray) -> FloatArray:
    """Multiplier of each releasable bound (negative = wrong sign); +inf for free weights.

    Stationarity ``S y = eta_mean mu + c 1 + sum_lower lambda_j e_j - sum_upper lambda_j e_j``
    gives ``lambda_j = +/-(g_j - eta_mean mu_j - c)``; ``c`` is the multiplier of the budget row
    of the reduced problem.
    """
    residual = g - eta[0] * p.m - eta[1]
    releasable = ~p.fixed
    return np.where(
        (side < 0) & releasable,
        residual,
        np.where((side > 0) & releasable, -residual, np.inf),
    )


def _weights(y: FloatArray, s: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """``w = y / sum(y)``; a riskless optimum (zero variance, positive mean) is an error."""
    total = math.fsum(y)
    if not (math.isfinite(total) and total > 0.0 and np.isfinite(y).all()):
        raise errors.OptimizationError("max_sharpe gave non-finite weights")
    w = y / total
    if float(w @ s @ w) <= 1e-13 * float(np.min(np.diag(s))):
        raise errors.OptimizationError(
            "max_sharpe: a combination of the sleeves has zero sample variance and a positive "
            "mean, so the Sharpe ratio is unbounded (the covariance is singular)"
        )
    return finish_weights(w, lo, hi)
