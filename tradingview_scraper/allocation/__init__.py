"""Pure allocators over a sleeve return matrix: HRP, ERC, minimum variance, inverse volatility,
equal weight, under per-sleeve bounds.

``allocate(returns, method, lower=..., upper=...)`` returns an ``AllocationResult`` (final and raw
weights, active bounds, convergence, risk contributions, the covariance used and the cluster tree).
No file access, no clock, no randomness: the same input gives bit-identical output.
"""

from __future__ import annotations

from tradingview_scraper.allocation._result import AllocationResult
from tradingview_scraper.allocation.api import allocate
from tradingview_scraper.allocation.bounds import check_feasible, project_to_bounds
from tradingview_scraper.allocation.tree import ClusterTree, Split

__all__ = [
    "AllocationResult",
    "ClusterTree",
    "Split",
    "allocate",
    "check_feasible",
    "project_to_bounds",
]
