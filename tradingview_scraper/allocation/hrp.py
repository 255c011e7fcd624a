"""Classic hierarchical risk parity: recursive bisection of the dendrogram's leaf order.

The leaf order is cut into positional halves, breadth first (as PyPortfolioOpt does); each half gets
``alpha = 1 - v_left / (v_left + v_right)`` of its parent's weight, where ``v`` is the variance of
the half's inverse-variance portfolio.
"""

from __future__ import annotations

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
    weights = np.ones(len(tree.names), dtype=np.float64)
    splits: list[Split] = []
    clusters = [order]
    while clusters:
        clusters = [
            cluster[lo:hi]
            for cluster in clusters
            for lo, hi in ((0, len(cluster) // 2), (len(cluster) // 2, len(cluster)))
            if len(cluster) > 1
        ]
        for i in range(0, len(clusters), 2):
            left, right = clusters[i], clusters[i + 1]
            v_left, v_right = cluster_variance(cov, left), cluster_variance(cov, right)
            alpha = 1.0 - v_left / (v_left + v_right)
            weights[left] *= alpha
            weights[right] *= 1.0 - alpha
            splits.append(
                Split(
                    left=tuple(tree.names[j] for j in left),
                    right=tuple(tree.names[j] for j in right),
                    left_variance=v_left,
                    right_variance=v_right,
                    alpha=alpha,
                )
            )
    return weights, tuple(splits)


def cluster_variance(cov: FloatArray, members: IntArray) -> float:
    """Variance of the inverse-variance portfolio of ``members``."""
    sub = cov[np.ix_(members, members)]
    w = 1.0 / np.diag(sub)
    w /= w.sum()
    return float(w @ sub @ w)
