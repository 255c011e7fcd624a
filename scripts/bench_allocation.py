"""Time ``allocate`` per method against numpy's covariance of the same matrix.

Usage: ``python scripts/bench_allocation.py [--repeats N]``

Deterministic data (seeded): 2520 daily rows, 50/200/1000 sleeves from a three-factor model with
sleeve-specific noise; bounds [0, 1]. Each time is the median of N runs; the ratio divides it by the
median time of ``np.cov(x, rowvar=False)`` measured in the same run, so the table compares across
machines. ``allocate`` includes validation, the covariance, the cluster tree and the result.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from tradingview_scraper.allocation import allocate

ROWS = 2520
SIZES = (50, 200, 1000)
METHODS = (
    ("equal_weight", "sample"),
    ("inverse_volatility", "sample"),
    ("hrp", "sample"),
    ("hrp", "ledoit_wolf"),
    ("erc", "sample"),
    ("min_variance", "sample"),
    ("max_sharpe", "sample"),
)


def returns_matrix(n: int, seed: int = 20260130) -> pd.DataFrame:
    """Three-factor daily returns with heterogeneous sleeve volatility (zero-mean, so about half
    the sleeves have a positive sample mean and ``max_sharpe`` picks among them)."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(0.0, 0.01, (ROWS, 3))
    loadings = rng.uniform(-0.5, 1.5, (3, n))
    noise = rng.normal(0.0, 0.01, (ROWS, n)) * rng.uniform(0.2, 3.0, n)
    return pd.DataFrame(factors @ loadings + noise, columns=[f"s{i:04d}" for i in range(n)])


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up (imports, BLAS threads)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{'sleeves':>7}  {'method':<26}{'seconds':>10}{'x np.cov':>10}  iterations")
    for n in SIZES:
        frame = returns_matrix(n)
        x = np.ascontiguousarray(frame.to_numpy())
        base = median_seconds(lambda x=x: np.cov(x, rowvar=False), args.repeats)
        print(f"{n:>7}  {'np.cov (reference)':<26}{base:>10.4f}{1.0:>10.1f}")
        bounds = {"lower": [0.0] * n, "upper": [1.0] * n}
        for method, covariance in METHODS:
            result = allocate(frame, method, covariance=covariance, **bounds)
            seconds = median_seconds(
                lambda m=method, c=covariance, f=frame, b=bounds: allocate(f, m, covariance=c, **b),
                args.repeats,
            )
            label = method if covariance == "sample" else f"{method} ({covariance})"
            print(
                f"{n:>7}  {label:<26}{seconds:>10.4f}{seconds / base:>10.1f}  {result.iterations}"
            )


if __name__ == "__main__":
    main()
