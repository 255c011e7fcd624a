"""Long-only equal risk contribution by damped Newton on Spinu's convex objective.

``f(z) = 0.5 z'Rz - sum(log z) / n`` is strictly convex on ``z > 0``; at its minimum
``z_i (Rz)_i = 1/n`` for every i, so ``w = z / sum(z)`` has equal risk contributions. Working on the
correlation matrix ``R`` (``y = z / std`` solves the same problem for the covariance) keeps the
Newton systems well scaled; convergence is quadratic: once the largest relative error of
``n * z_i (Rz)_i`` is below 1e-8, one more step reaches rounding level and the loop stops.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.linalg

from tradingview_scraper import errors

FloatArray = npt.NDArray[np.float64]

MAX_ITERATIONS = 100
TARGET_ERROR = 1e-14
POLISH_FROM = 1e-8
ACCEPT_ERROR = 1e-8

__all__ = ["erc_weights", "risk_contribution_error"]


def erc_weights(cov: FloatArray) -> tuple[FloatArray, int]:
    """ERC weights for a positive-diagonal covariance, and the Newton steps taken.

    Raises OptimizationError when the risk contributions are not equal within 1e-8 (relative)
    after the iterations, or when the result is not finite.
    """
    n = cov.shape[0]
    std = np.sqrt(np.diag(cov))
    corr = cov / np.outer(std, std)
    z = np.full(n, 1.0 / np.sqrt(float(np.sum(corr))) if np.sum(corr) > 0 else 1.0)
    iterations = 0
    last_step = False
    while iterations < MAX_ITERATIONS and not last_step:
        rz = corr @ z
        error = float(np.max(np.abs(n * z * rz - 1.0)))
        if error <= TARGET_ERROR:
            break
        # Quadratic phase: one more step squares the error, below what rounding resolves.
        last_step = error <= POLISH_FROM
        iterations += 1
        step, decrement = _newton_step(corr, z, rz)
        if not np.isfinite(decrement) or decrement <= 1e-32:
            break
        moved = _line_search(corr, z, step, decrement)
        if moved is None:
            break
        z = moved
    with np.errstate(all="ignore"):
        y = z / std
        w = y / y.sum()
        error = risk_contribution_error(cov, w)
    if not (np.isfinite(w).all() and np.isfinite(error)) or error > ACCEPT_ERROR:
        raise errors.OptimizationError(
            f"erc did not converge after {iterations} iterations "
            f"(max relative risk-contribution error {error:.3g})"
        )
    return np.asarray(w, dtype=np.float64), iterations


def risk_contribution_error(cov: FloatArray, w: FloatArray) -> float:
    """``max_i |n * RC_i - 1|`` with ``RC_i = w_i (cov w)_i / w'cov w``."""
    rc = w * (cov @ w)
    return float(np.max(np.abs(rc / rc.sum() * w.size - 1.0)))


def _objective(corr: FloatArray, z: FloatArray) -> float:
    return float(0.5 * z @ corr @ z - np.sum(np.log(z)) / z.size)


def _newton_step(corr: FloatArray, z: FloatArray, rz: FloatArray) -> tuple[FloatArray, float]:
    n = z.size
    grad = rz - 1.0 / (n * z)
    hess = corr + np.diag(1.0 / (n * z * z))
    try:  # positive definite whenever R is positive semidefinite: Cholesky, half LU's work
        step = scipy.linalg.cho_solve(
            scipy.linalg.cho_factor(hess, check_finite=False), grad, check_finite=False
        )
    except np.linalg.LinAlgError:
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return grad, float("nan")
    return np.asarray(step, dtype=np.float64), float(grad @ step)


def _line_search(
    corr: FloatArray, z: FloatArray, step: FloatArray, decrement: float
) -> FloatArray | None:
    """Backtrack from the full Newton step until inside ``z > 0`` with enough decrease."""
    full = z - step
    if decrement < 1e-12 and (full > 0).all():
        return full  # quadratic phase: the decrease is below what f can resolve
    f0 = _objective(corr, z)
    t = 1.0
    while t > 1e-12:
        trial = z - t * step
        if (trial > 0).all() and _objective(corr, trial) <= f0 - 0.25 * t * decrement:
            return trial
        t *= 0.5
    return None
