"""Weight bounds: the feasibility check and the Euclidean projection onto the bounded simplex.

The feasible set is ``{w : lo <= w <= hi, sum(w) = 1}``. Its Euclidean projection is
``clip(raw - tau, lo, hi)`` for the one ``tau`` that makes the sum 1; ``sum(clip(raw - tau))`` is
piecewise linear and non-increasing in ``tau`` with breakpoints ``raw - hi`` and ``raw - lo``, so
``tau`` is found exactly by a binary search over the sorted breakpoints and one linear solve.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from tradingview_scraper import errors

FloatArray = npt.NDArray[np.float64]

SUM_TOL = 1e-12
"""Tolerance of ``sum(lo) <= 1 <= sum(hi)`` and of a bound being "active"."""

__all__ = ["SUM_TOL", "active_bounds", "check_feasible", "finish_weights", "project_to_bounds"]


def check_feasible(
    names: Sequence[str], lower: Sequence[float], upper: Sequence[float], *, where: str
) -> None:
    """Raise InfeasibleBoundsError unless the bounds admit fully invested weights.

    Checks, per sleeve, finite ``0 <= lo <= hi <= 1`` and overall ``sum(lo) <= 1 <= sum(hi)``
    (within 1e-12). ``where`` names the place the bounds come from, e.g. ``profiles.meta_demo``.
    """
    names = [str(name) for name in names]
    lo = [float(v) for v in lower]
    hi = [float(v) for v in upper]
    if not len(names) == len(lo) == len(hi):
        raise ValueError(
            f"bounds in {where}: {len(names)} sleeves but {len(lo)} lower and "
            f"{len(hi)} upper bounds"
        )
    if not names:
        raise errors.InfeasibleBoundsError(f"{where}: infeasible bounds: no sleeves to weight")
    for name, a, b in zip(names, lo, hi, strict=True):
        if not (math.isfinite(a) and math.isfinite(b)):
            raise errors.InfeasibleBoundsError(
                f"{where}: infeasible bounds: sleeve {name!r} has bounds [{_num(a)}, {_num(b)}], "
                "must be finite numbers"
            )
        if a > b:
            raise errors.InfeasibleBoundsError(
                f"{where}: infeasible bounds: sleeve {name!r} has lower bound {_num(a)} > "
                f"upper bound {_num(b)}"
            )
        if a < 0.0 or b > 1.0:
            raise errors.InfeasibleBoundsError(
                f"{where}: infeasible bounds: sleeve {name!r} has bounds [{_num(a)}, {_num(b)}], "
                "must lie within [0, 1]"
            )
    total_lo, total_hi = math.fsum(lo), math.fsum(hi)
    if total_lo > 1.0 + SUM_TOL:
        raise errors.InfeasibleBoundsError(
            f"{where}: infeasible bounds: sum of lower bounds is {_num(total_lo)}, must be <= 1 "
            f"({_listing(names, lo, hi)})"
        )
    if total_hi < 1.0 - SUM_TOL:
        raise errors.InfeasibleBoundsError(
            f"{where}: infeasible bounds: sum of upper bounds is {_num(total_hi)}, must be >= 1 "
            f"({_listing(names, lo, hi)})"
        )


def project_to_bounds(raw: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Euclidean projection of ``raw`` onto ``{lower <= w <= upper, sum(w) = 1}``.

    The result sums to 1 within 1e-12 and keeps every bound within 1e-12. Raises ValueError for
    mismatched shapes or non-finite ``raw`` and InfeasibleBoundsError for infeasible bounds.
    """
    x = np.asarray(raw, dtype=np.float64)
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    if x.ndim != 1 or lo.shape != x.shape or hi.shape != x.shape:
        raise ValueError(
            f"project_to_bounds: raw, lower and upper must be 1-d of one length, got shapes "
            f"{x.shape}, {lo.shape}, {hi.shape}"
        )
    if not np.isfinite(x).all():
        raise ValueError("project_to_bounds: raw weights must be finite")
    check_feasible(
        [f"#{i}" for i in range(x.size)], lo.tolist(), hi.tolist(), where="project_to_bounds"
    )
    return finish_weights(_project(x, lo, hi), lo, hi)


def _project(x: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    at_hi_from = x - hi  # w_i = hi_i for tau <= at_hi_from[i]
    at_lo_from = x - lo  # w_i = lo_i for tau >= at_lo_from[i]
    points = np.sort(np.concatenate([at_hi_from, at_lo_from]))

    def total(tau: float) -> float:
        return float(np.sum(np.clip(x - tau, lo, hi)))

    if total(float(points[0])) <= 1.0:
        return hi.copy()
    if total(float(points[-1])) >= 1.0:
        return lo.copy()
    a, c = 0, points.size - 1  # invariant: total(points[a]) > 1 > total(points[c])
    while c - a > 1:
        m = (a + c) // 2
        if total(float(points[m])) >= 1.0:
            a = m
        else:
            c = m
    left, right = float(points[a]), float(points[c])
    upper_side = at_hi_from >= right
    lower_side = at_lo_from <= left
    free = ~(upper_side | lower_side)
    count = int(free.sum())
    if count == 0:
        tau = left
    else:
        fixed_sum = math.fsum(hi[upper_side]) + math.fsum(lo[lower_side])
        tau = (fixed_sum + math.fsum(x[free]) - 1.0) / count
    return np.asarray(np.clip(x - tau, lo, hi), dtype=np.float64)


def finish_weights(w: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Clip ``w`` into its bounds and move the last rounding residual of ``sum(w) - 1``.

    The residual (a few ulps) goes to the largest weight that has room for it, so weights sitting
    on a bound stay exactly there; without such a weight it is spread over all the room left.
    """
    w = np.clip(np.asarray(w, dtype=np.float64), lo, hi)
    for _ in range(8):
        residual = 1.0 - math.fsum(w)
        if residual == 0.0:
            break
        before = w.copy()
        room = hi - w if residual > 0.0 else w - lo
        fits = room >= abs(residual)
        if fits.any():
            i = int(np.argmax(np.where(fits, w, -np.inf)))
            w[i] += residual
        elif room.sum() > 0.0:
            w = np.clip(w + residual * room / room.sum(), lo, hi)
        if np.array_equal(w, before):
            break  # the residual is below what the weights can resolve
    return w + 0.0  # fold -0.0 into 0.0


def active_bounds(w: FloatArray, lo: FloatArray, hi: FloatArray) -> tuple[str, ...]:
    """Per weight, "lower" or "upper" when that bound binds within 1e-12, else ""."""
    return tuple(
        "lower" if abs(wi - a) <= SUM_TOL else "upper" if abs(wi - b) <= SUM_TOL else ""
        for wi, a, b in zip(w.tolist(), lo.tolist(), hi.tolist(), strict=True)
    )


def _num(value: float) -> str:
    return f"{value:.12g}"


def _listing(names: Sequence[str], lower: Sequence[float], upper: Sequence[float]) -> str:
    return ", ".join(
        f"{name} [{_num(a)}, {_num(b)}]" for name, a, b in zip(names, lower, upper, strict=True)
    )
