"""The fast paths of the allocators give the bits of the straightforward code they replaced."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import squareform

from tradingview_scraper import errors
from tradingview_scraper.allocation import _stats
from tradingview_scraper.allocation.hrp import hrp_weights
from tradingview_scraper.allocation.tree import build_tree


def reference_hrp(cov: np.ndarray, names: tuple[str, ...], leaf_order: tuple[str, ...]) -> tuple:
    """HRP as written before the fast path: np.ix_ per cluster, weights rescaled per split."""
    index = {name: i for i, name in enumerate(names)}
    order = np.array([index[name] for name in leaf_order], dtype=np.intp)
    weights = np.ones(len(names))
    variances = []
    clusters = [order]
    while clusters:
        clusters = [
            cluster[lo:hi]
            for cluster in clusters
            for lo, hi in ((0, len(cluster) // 2), (len(cluster) // 2, len(cluster)))
            if len(cluster) > 1
        ]
        for i in range(0, len(clusters), 2):
            pair = []
            for members in (clusters[i], clusters[i + 1]):
                sub = cov[np.ix_(members, members)]
                w = 1.0 / np.diag(sub)
                w /= w.sum()
                pair.append(float(w @ sub @ w))
            alpha = 1.0 - pair[0] / (pair[0] + pair[1])
            weights[clusters[i]] *= alpha
            weights[clusters[i + 1]] *= 1.0 - alpha
            variances += pair
    return weights, variances


def _returns(seed: int, rows: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 0.01, (rows, n)) * rng.uniform(0.2, 3.0, n)
    x[:, 1] = x[:, 0]  # an exact tie in the linkage
    return x


@pytest.mark.parametrize(("n", "seed"), [(2, 1), (3, 2), (5, 3), (17, 4), (64, 5), (301, 6)])
@pytest.mark.parametrize("method", ["single", "ward"])
def test_hrp_bit_identical_to_cluster_by_cluster(n: int, seed: int, method: str) -> None:
    x = _returns(seed, 120, n) if n > 2 else np.random.default_rng(seed).normal(size=(50, n))
    cov = _stats.sample_covariance(x)
    names = tuple(f"s{i}" for i in range(n))
    tree = build_tree(names, cov, method)
    weights, splits = hrp_weights(cov, tree)
    expected, variances = reference_hrp(cov, names, tree.leaf_order)
    assert weights.tobytes() == expected.tobytes()
    got = [v for s in splits for v in (s.left_variance, s.right_variance)]
    assert got == variances


@pytest.mark.parametrize("seed", range(6))
def test_condensed_distance_bit_identical_to_the_square_one(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, 12)) * rng.uniform(0.001, 5.0, 12)
    if seed % 2:
        x[:, 3] = 0.25  # a constant column: zero correlation against it
    x[:, 5] = -x[:, 4]
    cov = _stats.sample_covariance(x)
    square = _stats.correlation_distance(_stats.correlation(cov))
    expected = squareform(square, checks=False)
    assert _stats.condensed_correlation_distance(cov).tobytes() == expected.tobytes()


def _full_std_verdict(x: np.ndarray) -> list[int]:
    with np.errstate(over="ignore", invalid="ignore"):
        std = np.std(x, axis=0, ddof=1)
        scale = np.max(np.abs(x), axis=0)
    return [j for j in range(x.shape[1]) if std[j] <= _stats.ZERO_VARIANCE_RTOL * scale[j]]


@pytest.mark.parametrize("scale", [1.0, 1e-98, 1e-140, 1e-200, 1e150, 1e300])
def test_variance_screen_gives_the_verdicts_of_the_full_std(scale: float) -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(64, 8))
    x[:, 2] = 0.25
    x[:, 5] = 0.25 + rng.normal(size=64) * 1e-17
    x *= scale
    names = [f"s{i}" for i in range(8)]
    flat = _full_std_verdict(x)
    with np.errstate(over="ignore", invalid="ignore"):
        if not flat:
            _stats.check_variance(names, x, "hrp")
            return
        shown = ", ".join(repr(names[j]) for j in flat)
        with pytest.raises(errors.ReturnsDataError, match=shown):
            _stats.check_variance(names, x, "hrp")


@pytest.mark.parametrize(("rows", "n"), [(2520, 300), (60, 7), (3, 2), (2, 5), (100, 1)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_sample_covariance_is_np_cov_of_the_c_ordered_copy(rows: int, n: int, order: str) -> None:
    x = np.random.default_rng(rows + n).normal(size=(rows, n)) * 0.01
    laid_out = np.array(x, order=order)
    expected = np.atleast_2d(np.cov(np.ascontiguousarray(laid_out), rowvar=False))
    got = _stats.sample_covariance(laid_out)
    assert got.shape == expected.shape and got.tobytes() == expected.tobytes()


def test_finiteness_from_the_extremes_names_the_same_sleeves() -> None:
    x = np.random.default_rng(1).normal(size=(30, 5))
    x[3, 1], x[7, 2], x[9, 4] = np.nan, np.inf, -np.inf
    names = ["a", "b", "c", "d", "e"]
    for extremes in (None, _stats.column_extremes(x)):
        with pytest.raises(errors.ReturnsDataError, match=r"sleeve\(s\) 'b', 'c', 'e';"):
            _stats.check_finite_returns(names, x, extremes)
