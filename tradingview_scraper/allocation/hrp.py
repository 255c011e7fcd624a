"""Classic hierarchical risk parity: recursive bisection of the dendrogram's leaf order.

The leaf order is cut into positional halves, breadth first (as PyPortfolioOpt does); each half gets
``alpha = 1 - v_left / (v_left + v_right)`` of its parent's weight, where ``v`` is the variance of
the half's inverse-variance portfolio.

Clusters are kept as position ranges ``[lo, hi)`` of the leaf order that carry their members'
common weight, so no weight vector is rescaled per split. Each weight is still the product of the
same factors taken in the same order, and ``cluster_variance`` does the same arithmetic on the
same C-contiguous sub-matrix as ``cov[np.ix_(m, m)]``, so the weights and splits are bit-identical
to the cluster-by-cluster version; only per-cluster Python overhead went (measured with
``scripts/bench_allocation.py``).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from tradingview_scraper.allocation.tree import ClusterTree, Split

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

__all__ = ["hrp_weights"]


def hrp_weights(cov: FloatArray, tree: ClusterTree) -> tuple[FloatArray, tuple[Split, ...]]:
    """Raw HRP weights (in ``tree.names`` order) and the splits in the order they were made."""
    index = {name: i for i, name in enumerate(tree.names)}
    order = np.array([index[name] for name in tree.leaf_order], dtype=np.intp)
    leaves = tree.leaf_order
    weights = np.ones(len(order), dtype=np.float64)
    splits: list[Split] = []
    # (lo, hi, w): positions [lo, hi) of the leaf order, all of whose members hold weight w
    clusters = [(0, len(order), 1.0)]
    while clusters:
        halves = []
        for lo, hi, parent in clusters:
            if hi - lo < 2:
                continue
            mid = lo + (hi - lo) // 2
            # a wrong midpoint would make the halves grow without end instead of failing
            assert lo < mid < hi, (lo, mid, hi)
            v_left = cluster_variance(cov, order[lo:mid])
            v_right = cluster_variance(cov, order[mid:hi])
            alpha = 1.0 - v_left / (v_left + v_right)
            # a member's weight is the product of its clusters' factors, taken from the root down
            # in this order; the cluster carries that product, so each member gets the same bits
            halves += [(lo, mid, parent * alpha), (mid, hi, parent * (1.0 - alpha))]
            splits.append(
                Split(
                    left=leaves[lo:mid],
                    right=leaves[mid:hi],
                    left_variance=v_left,
                    right_variance=v_right,
                    alpha=alpha,
                )
            )
        for lo, hi, weight in halves:
            if hi - lo == 1:
                weights[order[lo]] = weight
        clusters = halves
    return weights, tuple(splits)


def cluster_variance(cov: FloatArray, members: IntArray) -> float:
    """Variance of the inverse-variance portfolio of ``members``."""
    if len(members) == 1:
        # one sleeve: w = [1/c] / (1/c) = [1.0] exactly, so w @ [[c]] @ w is c exactly
        variance = float(cov[members[0], members[0]])
        if variance != 0.0 and math.isfinite(variance) and math.isfinite(1.0 / variance):
            return variance
    sub = cov[members[:, None], members]  # the same C-contiguous copy as np.ix_, made faster
    w = 1.0 / sub.diagonal()
    w /= np.add.reduce(w)  # w.sum() without its Python wrapper: the same pairwise sum
    return float(w @ sub @ w)
