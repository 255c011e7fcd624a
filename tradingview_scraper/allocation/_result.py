"""The allocator's result: weights plus the diagnostics the report shows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tradingview_scraper.allocation.bounds import active_bounds
from tradingview_scraper.allocation.tree import ClusterTree

FloatArray = npt.NDArray[np.float64]

__all__ = ["AllocationResult", "make_result"]


@dataclass(frozen=True, slots=True, eq=False)
class AllocationResult:
    """Weights of one allocation (in ``names`` order) and how they came about.

    ``raw_weights`` are the method's weights before the bounds (for ``min_variance``, whose bounds
    are constraints, they equal ``weights``). ``risk_contributions`` are shares of the portfolio
    variance, ``w_i (Sw)_i / w'Sw``, summing to 1; when ``w'Sw`` is 0 (no covariance could be
    estimated, or only constant sleeves) they fall back to the weights.
    """

    method: str
    names: tuple[str, ...]
    weights: FloatArray
    raw_weights: FloatArray
    active: tuple[str, ...]  # per sleeve: "lower", "upper" or "" (the bounds it sits on)
    converged: bool
    iterations: int
    risk_contributions: FloatArray
    effective_n: float
    portfolio_variance: float
    covariance: FloatArray
    tree: ClusterTree | None


def make_result(
    *,
    method: str,
    names: tuple[str, ...],
    weights: FloatArray,
    raw_weights: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    covariance: FloatArray,
    tree: ClusterTree | None,
    iterations: int = 0,
    converged: bool = True,
) -> AllocationResult:
    """Fill in the derived diagnostics (active bounds, risk contributions, effective n)."""
    marginal = covariance @ weights
    variance = float(weights @ marginal)
    contributions = weights * marginal / variance if variance > 0.0 else weights.copy()
    return AllocationResult(
        method=method,
        names=names,
        weights=weights,
        raw_weights=raw_weights,
        active=active_bounds(weights, lower, upper),
        converged=converged,
        iterations=iterations,
        risk_contributions=np.asarray(contributions, dtype=np.float64),
        effective_n=float(1.0 / np.sum(weights**2)),
        portfolio_variance=variance,
        covariance=covariance,
        tree=tree,
    )
