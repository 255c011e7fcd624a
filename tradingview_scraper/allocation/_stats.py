"""Covariance estimates, correlation and the correlation distance the allocators share."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.spatial.distance import squareform

from tradingview_scraper import errors

FloatArray = npt.NDArray[np.float64]

ZERO_VARIANCE_RTOL = 1e-15
"""A column whose sample std is at most this times its largest |return| counts as constant."""

_RANGE_SCREEN = 1e-6
"""Columns whose range exceeds this times their largest |return| are not constant (see
``check_variance``): their std is above ``1e-6 / sqrt(2 t)`` times the scale, which is far above
``ZERO_VARIANCE_RTOL`` for any row count below 10**17."""

_SCALE_FLOOR = 1e-100
"""Below this scale the squared deviations may underflow to a std of 0 (constant after all): such
columns always get their std computed, as every column did before the screen."""


def sample_covariance(x: FloatArray) -> FloatArray:
    """Sample covariance (ddof 1) of the columns of ``x``: ``np.cov(x, rowvar=False)``.

    The bits are those of ``np.cov`` of ``x`` copied into C order, whatever the layout of ``x``
    (BLAS rounds differently for other layouts): its arithmetic is written out here so that
    this copy is its only copy of the data (``np.cov`` copies its input once more).
    """
    rows = np.array(x, dtype=np.float64, order="C", copy=True)  # (T, n), C order
    if rows.ndim != 2 or rows.shape[0] < 2:
        return np.atleast_2d(np.asarray(np.cov(rows, rowvar=False), dtype=np.float64))
    data = rows.T  # np.cov(rowvar=False): variables in rows, an F-ordered view
    mean = np.average(data, axis=1)
    data -= mean[:, None]
    cov = np.dot(data, data.T.conj())
    cov *= np.true_divide(1, data.shape[1] - 1)
    return np.atleast_2d(np.asarray(cov.squeeze(), dtype=np.float64))


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


def column_means(x: FloatArray) -> FloatArray:
    """The mean of every column, each an exactly rounded sum (``math.fsum``) over the rows.

    Independent of the array's memory layout and of numpy's summation order.
    """
    rows = x.shape[0]
    return np.array([math.fsum(column) / rows for column in x.T.tolist()], dtype=np.float64)


def estimate_covariance(x: FloatArray, kind: str) -> FloatArray:
    """The covariance ``kind`` ("sample" or "ledoit_wolf") of the columns of ``x`` (>= 2 rows).

    Either is computed from ``x`` in C order, whatever its layout (the bits depend on it).
    """
    if kind == "ledoit_wolf":
        return ledoit_wolf(np.ascontiguousarray(x))[0]
    return sample_covariance(x)


def correlation(cov: FloatArray) -> FloatArray:
    """``cov / outer(std, std)``, clipped to [-1, 1], unit diagonal; 0 against a constant column."""
    std = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    zero = std == 0.0
    safe = np.where(zero, 1.0, std)
    # in place: the same element-wise arithmetic without two more n x n temporaries
    corr = np.outer(safe, safe)
    np.divide(cov, corr, out=corr)
    np.clip(corr, -1.0, 1.0, out=corr)
    corr[zero, :] = 0.0
    corr[:, zero] = 0.0
    np.fill_diagonal(corr, 1.0)
    return corr


def correlation_distance(corr: FloatArray) -> FloatArray:
    """``sqrt(clip(0.5 * (1 - rho), 0, None))`` with an exact zero diagonal."""
    dist = _distance(np.array(corr, dtype=np.float64))
    np.fill_diagonal(dist, 0.0)
    return dist


def condensed_correlation_distance(cov: FloatArray) -> FloatArray:
    """``correlation_distance(correlation(cov))`` in scipy's condensed form (pairs i < j).

    The same element-wise values as ``squareform(correlation_distance(correlation(cov)))``,
    computed on the n(n-1)/2 pairs only: ``cov_ij / (std_i * std_j)``, clipped, then the distance.
    """
    std = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    if (std == 0.0).any():  # the correlation's zero rows and columns: take the long way
        return _pairs(correlation_distance(correlation(cov)))
    rho = _pairs(cov)
    np.divide(rho, _pairs(np.outer(std, std)), out=rho)
    np.maximum(rho, -1.0, out=rho)  # np.clip(rho, -1, 1): the same values (NaN stays NaN)
    np.minimum(rho, 1.0, out=rho)
    return _distance(rho)


def _pairs(square: FloatArray) -> FloatArray:
    """The upper triangle of a square matrix, row by row (a new array)."""
    return np.asarray(squareform(square, force="tovector", checks=False), dtype=np.float64)


def _distance(rho: FloatArray) -> FloatArray:
    """``sqrt(clip(0.5 * (1 - rho), 0, None))`` element-wise, overwriting ``rho``."""
    np.subtract(1.0, rho, out=rho)
    np.multiply(0.5, rho, out=rho)
    np.maximum(rho, 0.0, out=rho)  # np.clip(rho, 0, None): the same values (NaN stays NaN)
    np.sqrt(rho, out=rho)
    return rho


Extremes = tuple[FloatArray, FloatArray]


def column_extremes(x: FloatArray) -> Extremes:
    """``(max, min)`` of every column (NaN where a column holds a NaN); one pass each."""
    return x.max(axis=0), x.min(axis=0)


def check_finite_returns(
    names: Sequence[str], x: FloatArray, extremes: Extremes | None = None
) -> None:
    """Raise ReturnsDataError naming the sleeves with NaN or infinite returns.

    With the columns' ``extremes`` given, a column is finite iff its max and min are (a NaN
    propagates into both; an infinity is the max or the min): no further pass over ``x``.
    """
    if extremes is not None:
        ok = np.asarray(np.isfinite(extremes[0]) & np.isfinite(extremes[1]))
    else:
        ok = np.asarray(np.isfinite(x).all(axis=0))
    finite: list[bool] = ok.tolist()
    bad = [name for name, ok in zip(names, finite, strict=True) if not ok]
    if bad:
        raise errors.ReturnsDataError(
            f"non-finite returns (NaN or inf) in sleeve(s) {_quoted(bad)}; "
            "the allocation matrix must be finite"
        )


def check_variance(
    names: Sequence[str], x: FloatArray, method: str, extremes: Extremes | None = None
) -> None:
    """Raise ReturnsDataError naming the sleeves whose returns are constant over the rows.

    A column is constant when its sample std is at most ``ZERO_VARIANCE_RTOL`` times its largest
    |return|. The std is only computed when some column could pass that test: ``t`` values
    spanning a range ``d`` have a sample std of at least ``d / sqrt(2 (t - 1))``, so a column whose
    range exceeds ``_RANGE_SCREEN`` times its scale (many orders of magnitude above the tolerance)
    cannot be constant, unless its values are so small that the squares underflow (see
    ``_SCALE_FLOOR``). The verdicts are those of computing the std of every column.
    """
    high, low = column_extremes(x) if extremes is None else extremes
    scale = np.maximum(high, -low)  # max |x| per column
    varying = (high - low > _RANGE_SCREEN * scale) & (scale > _SCALE_FLOOR)
    if varying.all():
        return
    # the full computation, as before the screen (a column subset could reduce in another order,
    # and so could another memory layout)
    flat = np.std(np.ascontiguousarray(x), axis=0, ddof=1) <= ZERO_VARIANCE_RTOL * scale
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
    ok: list[bool] = np.asarray(np.isfinite(cov).all(axis=0)).tolist()
    if not all(ok):
        bad = [name for name, good in zip(names, ok, strict=True) if not good]
        raise errors.ReturnsDataError(
            f"covariance of sleeve(s) {_quoted(bad)} is not finite (returns too large?)"
        )


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in names)
