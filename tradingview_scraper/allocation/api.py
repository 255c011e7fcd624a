"""``allocate``: validate the inputs once, estimate the covariance, dispatch to one allocator.

Every method but ``min_variance`` and ``max_sharpe`` computes raw weights and then takes the
Euclidean projection onto the bounds; those two take the bounds as constraints. ``max_sharpe``
uses the sample mean of each column (risk-free rate 0) with the chosen covariance. The cluster
tree is built for every method when there are at least two sleeves (the report shows it); only
HRP records splits.
Deterministic: no randomness, the same input gives bit-identical output. For ties in the linkage
see :mod:`tradingview_scraper.allocation.tree`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from tradingview_scraper import errors
from tradingview_scraper.allocation import _stats
from tradingview_scraper.allocation._result import AllocationResult, FloatArray, make_result
from tradingview_scraper.allocation.bounds import check_feasible, project_to_bounds
from tradingview_scraper.allocation.erc import erc_weights
from tradingview_scraper.allocation.hrp import hrp_weights
from tradingview_scraper.allocation.max_sharpe import max_sharpe_weights
from tradingview_scraper.allocation.min_variance import min_variance_weights
from tradingview_scraper.allocation.simple import equal_weights, inverse_volatility_weights
from tradingview_scraper.allocation.tree import build_tree
from tradingview_scraper.contracts import (
    ALLOCATOR_ALIASES,
    ALLOCATORS,
    COVARIANCES,
    LINKAGES,
    canonical_allocator,
)

__all__ = ["allocate"]


def allocate(
    returns: pd.DataFrame,
    method: str,
    *,
    lower: Sequence[float],
    upper: Sequence[float],
    linkage: str = "single",
    covariance: str = "sample",
) -> AllocationResult:
    """Weights for the columns of ``returns`` (sleeve ids, manifest order) by ``method``.

    Raises ManifestError for an unknown method, linkage or covariance; ValueError when the bounds'
    lengths do not match the columns; InfeasibleBoundsError for infeasible bounds;
    ReturnsDataError for non-finite returns or covariance, or a zero-variance sleeve under a
    risk-based method; CalendarError for fewer than 2 rows under a covariance-based method;
    OptimizationError when ERC, minimum variance or maximum Sharpe fails (for maximum Sharpe
    also when no weights within the bounds have a positive mean).
    """
    canonical = _canonical_method(method)
    _check_choice("linkage", linkage, LINKAGES)
    _check_choice("covariance", covariance, COVARIANCES)
    names = tuple(str(column) for column in returns.columns)
    if len(set(names)) != len(names):
        raise errors.ReturnsDataError(f"duplicate sleeve ids in the returns columns: {names}")
    if not names:
        raise errors.ReturnsDataError("the returns matrix has no sleeve columns")
    if len(lower) != len(names) or len(upper) != len(names):
        raise ValueError(
            f"allocate: {len(names)} sleeves but {len(lower)} lower and {len(upper)} upper bounds"
        )
    check_feasible(names, lower, upper, where="allocate()")
    lo = np.array([float(v) for v in lower], dtype=np.float64)
    hi = np.array([float(v) for v in upper], dtype=np.float64)
    # No copy here: the covariance estimators copy ``x`` into C order themselves (one memory
    # layout whatever built the frame, as BLAS rounding depends on it); the checks below only
    # read it, with layout-independent results.
    x = returns.to_numpy(dtype=np.float64)
    extremes = _stats.column_extremes(x) if x.shape[0] else None
    _stats.check_finite_returns(names, x, extremes)
    cov = _covariance(names, x, canonical, covariance, extremes)
    tree = build_tree(names, cov, linkage) if len(names) >= 2 else None

    if len(names) == 1:
        if canonical == "max_sharpe":  # still no solution without a positive mean
            max_sharpe_weights(cov, _stats.column_means(x), lo, hi)
        one = np.ones(1)
        return make_result(
            method=canonical, names=names, weights=one, raw_weights=one.copy(), lower=lo,
            upper=hi, covariance=cov, tree=tree,
        )  # fmt: skip
    iterations = 0
    if canonical in ("min_variance", "max_sharpe"):  # the bounds are constraints
        with _singular_hint(x.shape[0], len(names), covariance):
            if canonical == "min_variance":
                weights, iterations = min_variance_weights(cov, lo, hi)
            else:
                weights, iterations = max_sharpe_weights(cov, _stats.column_means(x), lo, hi)
        return make_result(
            method=canonical, names=names, weights=weights, raw_weights=weights.copy(), lower=lo,
            upper=hi, covariance=cov, tree=tree, iterations=iterations,
        )  # fmt: skip
    if canonical == "equal_weight":
        raw = equal_weights(len(names))
    elif canonical == "inverse_volatility":
        raw = inverse_volatility_weights(cov)
    elif canonical == "erc":
        with _singular_hint(x.shape[0], len(names), covariance):
            raw, iterations = erc_weights(cov)
    else:
        assert tree is not None
        raw, splits = hrp_weights(cov, tree)
        tree = dataclasses.replace(tree, splits=splits)
    return make_result(
        method=canonical, names=names, weights=project_to_bounds(raw, lo, hi), raw_weights=raw,
        lower=lo, upper=hi, covariance=cov, tree=tree, iterations=iterations,
    )  # fmt: skip


def _covariance(
    names: tuple[str, ...],
    x: FloatArray,
    method: str,
    kind: str,
    extremes: _stats.Extremes | None = None,
) -> FloatArray:
    """The covariance ``kind``; zeros for equal weight when fewer than 2 rows exist."""
    rows = x.shape[0]
    if rows < 2:
        if method != "equal_weight":
            raise errors.CalendarError(
                f"{rows} common rows; method {method!r} needs at least 2 to estimate a covariance"
            )
        return np.zeros((len(names), len(names)))
    with np.errstate(over="ignore", invalid="ignore"):
        if method != "equal_weight":
            _stats.check_variance(names, x, method, extremes)
        cov = _stats.estimate_covariance(x, kind)
    _stats.check_finite_covariance(names, cov)
    return cov


@contextmanager
def _singular_hint(rows: int, sleeves: int, kind: str) -> Iterator[None]:
    """Name the likely cause when a solver fails on a rank-deficient sample covariance."""
    try:
        yield
    except errors.OptimizationError as exc:
        if kind != "sample" or rows > sleeves:
            raise
        raise errors.OptimizationError(
            f"{exc}; the sample covariance of {rows} rows for {sleeves} sleeves is singular "
            "(use more rows or covariance 'ledoit_wolf')"
        ) from exc


def _canonical_method(method: str) -> str:
    canonical = canonical_allocator(method)
    if canonical is None:
        allowed = ", ".join(sorted((*ALLOCATORS, *ALLOCATOR_ALIASES)))
        raise errors.ManifestError(f"unknown allocation method {method!r}; allowed: {allowed}")
    return canonical


def _check_choice(what: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise errors.ManifestError(
            f"unknown {what} {value!r}; allowed: {', '.join(sorted(allowed))}"
        )
