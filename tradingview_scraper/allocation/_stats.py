"""Covariance estimates, correlation and the correlation distance the allocators share."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from tradingview_scraper import errors

FloatArray = npt.NDArray[np.float64]

ZERO_VARIANCE_RTOL = 1e-15
"""A column whose sample std is at most this times its largest |return| counts as constant."""


def sample_covariance(x: FloatArray) -> FloatArray:
    """Sample covariance (ddof 1) of the columns of ``x``: ``np.cov(x, rowvar=False)``."""
    return np.atleast_2d(np.asarray(np.cov(x, rowvar=False), dtype=np.float64))


def ledoit_wolf(x: FloatArray) -> tuple[FloatArray, float]:
    """Ledoit-Wolf shrunk covariance and intensity, as ``sklearn.covariance.ledoit_wolf``.

    Centered data ``X``, empirical covariance ``E = X'X / T`` (ddof 0), target ``mu * I`` with
    ``mu = trace(E) / n``, and sklearn's ``ledoit_wolf_shrinkage`` intensity ``s``; the result is
    ``(1 - s) * E + s * mu * I``. The one term sklearn sums by blocks, ``sum((X**2)' X**2)``, is
    computed as ``sum(rowsum(X**2)**2)``: the same number up to rounding.
    """
    t, n = x.shape
    xc = x - x.mean(axis=0)
    if n == 1:
        return np.atleast_2d(np.mean(xc**2)).astype(np.float64), 0.0
    gram = xc.T @ xc
    emp = gram / t
    x2 = xc**2
    emp_trace = x2.sum(axis=0) / t
    mu = float(emp_trace.sum()) / n
    beta_ = float(np.sum(x2.sum(axis=1) ** 2))
    delta_ = float(np.sum(gram**2)) / t**2
    beta = 1.0 / (n * t) * (beta_ / t - delta_)
    delta = (delta_ - 2.0 * mu * float(emp_trace.sum()) + n * mu**2) / n
    beta = min(beta, delta)
    shrinkage = 0.0 if beta <= 0.0 or delta <= 0.0 else beta / delta
    target = float(np.trace(emp)) / n
    shrunk = (1.0 - shrinkage) * emp
    shrunk.flat[:: n + 1] += shrinkage * target
    return shrunk, shrinkage


def estimate_covariance(x: FloatArray, kind: str) -> FloatArray:
    """The covariance ``kind`` ("sample" or "ledoit_wolf") of the columns of ``x`` (>= 2 rows)."""
    if kind == "ledoit_wolf":
        return ledoit_wolf(x)[0]
    return sample_covariance(x)


def correlation(cov: FloatArray) -> FloatArray:
    """``cov / outer(std, std)``, clipped to [-1, 1], unit diagonal; 0 against a constant column."""
    std = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    zero = std == 0.0
    safe = np.where(zero, 1.0, std)
    corr = np.asarray(np.clip(cov / np.outer(safe, safe), -1.0, 1.0), dtype=np.float64)
    corr[zero, :] = 0.0
    corr[:, zero] = 0.0
    np.fill_diagonal(corr, 1.0)
    return corr


def correlation_distance(corr: FloatArray) -> FloatArray:
    """``sqrt(clip(0.5 * (1 - rho), 0, None))`` with an exact zero diagonal."""
    dist = np.asarray(np.sqrt(np.clip(0.5 * (1.0 - corr), 0.0, None)), dtype=np.float64)
    np.fill_diagonal(dist, 0.0)
    return dist


def check_finite_returns(names: Sequence[str], x: FloatArray) -> None:
    """Raise ReturnsDataError naming the sleeves with NaN or infinite returns."""
    finite = [bool(np.isfinite(x[:, j]).all()) for j in range(x.shape[1])]
    bad = [name for name, ok in zip(names, finite, strict=True) if not ok]
    if bad:
        raise errors.ReturnsDataError(
            f"non-finite returns (NaN or inf) in sleeve(s) {_quoted(bad)}; "
            "the allocation matrix must be finite"
        )


def check_variance(names: Sequence[str], x: FloatArray, method: str) -> None:
    """Raise ReturnsDataError naming the sleeves whose returns are constant over the rows."""
    std = np.std(x, axis=0, ddof=1)
    scale = np.max(np.abs(x), axis=0)
    flat = std <= ZERO_VARIANCE_RTOL * scale
    bad = [name for name, is_flat in zip(names, flat, strict=True) if is_flat]
    if len(bad) == 1:
        raise errors.ReturnsDataError(
            f"sleeve {bad[0]!r} has zero variance over {x.shape[0]} rows; "
            f"risk-based method {method!r} cannot weight it"
        )
    if bad:
        raise errors.ReturnsDataError(
            f"sleeves {_quoted(bad)} have zero variance over {x.shape[0]} rows; "
            f"risk-based method {method!r} cannot weight them"
        )


def check_finite_covariance(names: Sequence[str], cov: FloatArray) -> None:
    """Raise ReturnsDataError when the covariance has non-finite entries (overflow)."""
    ok = [bool(np.isfinite(cov[:, j]).all()) for j in range(cov.shape[1])]
    if not all(ok):
        bad = [name for name, good in zip(names, ok, strict=True) if not good]
        raise errors.ReturnsDataError(
            f"covariance of sleeve(s) {_quoted(bad)} is not finite (returns too large?)"
        )


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in names)
