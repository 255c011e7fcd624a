"""The sleeves' cluster tree: scipy linkage on the correlation distance, and its JSON view.

The distance is ``sqrt(0.5 * (1 - rho))``; scipy's ``linkage`` runs on that condensed distance
itself (not on distances between its columns) and the quasi-diagonal order is
``leaves_list(Z)`` without optimal leaf ordering, as PyPortfolioOpt, skfolio and riskfolio do.

Column order matters, so sleeves enter in manifest order:

- scipy's linkage breaks exact distance ties by the order of the columns; where the linkage meets
  an exact tie, permuting the sleeves can change the merge order and so every method's tree;
- scipy writes a merge of two single sleeves with the lower column index first, and HRP cuts the
  leaf order into positional halves. For up to four sleeves that never changes a half's members;
  from five sleeves on, permuting the columns can move a sleeve across a cut and change HRP's
  weights even without ties (PyPortfolioOpt, skfolio and riskfolio do the same). The other methods
  do not use the tree: permuting the sleeves permutes their weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import leaves_list
from scipy.cluster.hierarchy import linkage as scipy_linkage

from tradingview_scraper.allocation._stats import condensed_correlation_distance

FloatArray = npt.NDArray[np.float64]

__all__ = ["ClusterTree", "Split", "build_tree"]


@dataclass(frozen=True, slots=True)
class Split:
    """One step of the HRP bisection: ``alpha`` of the parent's weight goes to ``left``."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    left_variance: float
    right_variance: float
    alpha: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {
            "left": list(self.left),
            "right": list(self.right),
            "left_variance": self.left_variance,
            "right_variance": self.right_variance,
            "alpha": self.alpha,
        }


@dataclass(frozen=True, slots=True, eq=False)
class ClusterTree:
    """A dendrogram over the sleeves (scipy's ``Z``) and, for HRP, the bisection splits."""

    linkage_method: str
    names: tuple[str, ...]
    linkage_matrix: FloatArray
    leaf_order: tuple[str, ...]
    splits: tuple[Split, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view: linkage rows, leaf order, the dendrogram's nodes and the splits.

        The dendrogram is a flat list of merges, bottom-up (``nodes[-1]`` is the root, whose id
        is ``root``); each child is ``{"sleeve": id}`` or ``{"node": k}``. It is flat on purpose:
        a single-linkage chain over n sleeves is n levels deep, too deep for nested JSON.
        """
        rows = [
            [int(a), int(b), float(d), int(count)]
            for a, b, d, count in self.linkage_matrix.tolist()
        ]
        n = len(self.names)

        def child(label: int) -> dict[str, Any]:
            return {"sleeve": self.names[label]} if label < n else {"node": label}

        nodes = [
            {
                "node": n + k,
                "distance": distance,
                "size": count,
                "children": [child(int(a)), child(int(b))],
            }
            for k, (a, b, distance, count) in enumerate(rows)
        ]
        return {
            "linkage": {"method": self.linkage_method, "matrix": rows},
            "leaf_order": list(self.leaf_order),
            "root": n + len(rows) - 1,
            "nodes": nodes,
            "splits": [split.to_dict() for split in self.splits],
        }


def build_tree(names: Sequence[str], cov: FloatArray, method: str) -> ClusterTree:
    """Cluster ``names`` (n >= 2) by the correlation distance of ``cov`` with ``method``."""
    condensed = condensed_correlation_distance(cov)
    z = np.asarray(scipy_linkage(condensed, method=method), dtype=np.float64)
    order = leaves_list(z)
    names = tuple(names)
    return ClusterTree(
        linkage_method=method,
        names=names,
        linkage_matrix=z,
        leaf_order=tuple(names[int(i)] for i in order),
    )
