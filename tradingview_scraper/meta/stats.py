"""What the report, the CSV tables and the figures compute from an outcome. Pure.

Performance of the sleeves and the meta portfolio over the meta calendar, the correlation
matrix (from the covariance the allocator already estimated, in cluster order), and walks over
the nesting.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .aggregate import MetaOutcome, SleeveOutcome
from .metrics import Performance, performance, performances, periods_per_year

__all__ = [
    "BENEFIT_RTOL",
    "PlacedSplit",
    "ProfileStats",
    "atomic_sleeves",
    "cluster_order",
    "correlation_matrix",
    "meta_nodes",
    "placed_splits",
    "profile_stats",
]

FloatArray = npt.NDArray[np.float64]

BENEFIT_RTOL = 1e-9
"""Meta volatility must be below the lowest sleeve volatility by more than this (relative):
identical sleeves mix to the same volatility up to rounding, which is no diversification."""


@dataclass(frozen=True, slots=True)
class ProfileStats:
    """Performance of the included sleeves and the meta portfolio over the meta calendar."""

    periods_per_year: int
    sleeves: Mapping[str, Performance]  # included sleeve id -> performance, matrix column order
    meta: Performance
    benefit: str  # "PASS", "FAIL" or "n/a"
    lowest_vol_sleeve: str | None
    # correlation_matrix(outcome), read-only: the CSV table, the heat map and the report share it
    correlation: FloatArray = field(repr=False, compare=False)

    @property
    def lowest_vol(self) -> float | None:
        if self.lowest_vol_sleeve is None:
            return None
        return self.sleeves[self.lowest_vol_sleeve].annualized_vol


def profile_stats(outcome: MetaOutcome) -> ProfileStats:
    """Statistics of the aligned matrix's columns and of ``outcome.stream`` (same calendar)."""
    frame = outcome.returns.frame
    ppy = periods_per_year(frame.index)
    values = frame.to_numpy(dtype=np.float64)
    if np.isnan(values).any():  # not a meta matrix (those are NaN-free): one column at a time
        sleeves = {str(c): performance(frame[c], ppy) for c in frame.columns}
    else:
        columns = [str(c) for c in frame.columns]
        sleeves = dict(zip(columns, performances(values, ppy), strict=True))
    meta = performance(outcome.stream, ppy)
    vols = [(p.annualized_vol, i) for i, (_, p) in enumerate(sleeves.items())]
    finite = [(v, i) for v, i in vols if v is not None]
    lowest = list(sleeves)[min(finite)[1]] if finite else None
    benefit = "n/a"
    if lowest is not None and meta.annualized_vol is not None:
        floor = sleeves[lowest].annualized_vol
        assert floor is not None
        benefit = "PASS" if meta.annualized_vol < floor * (1.0 - BENEFIT_RTOL) else "FAIL"
    correlation = correlation_matrix(outcome)
    correlation.flags.writeable = False
    return ProfileStats(ppy, sleeves, meta, benefit, lowest, correlation)


def correlation_matrix(outcome: MetaOutcome) -> FloatArray:
    """Pearson correlation of the matrix's columns (column order), NaN where undefined.

    From the allocator's sample covariance when it estimated one (the matrix is NaN-free, so this
    is ``DataFrame.corr`` without its pairwise pass); a shrunk covariance is no Pearson estimate,
    so ``ledoit_wolf`` profiles take ``np.cov`` of the matrix once. Fewer than two rows, or a
    constant column, give NaN as ``DataFrame.corr`` does.
    """
    frame = outcome.returns.frame
    n, rows = frame.shape[1], frame.shape[0]
    if rows < 2:
        return np.full((n, n), np.nan)
    cov = outcome.allocation.covariance
    if outcome.profile.allocation.covariance != "sample" or cov.shape != (n, n) or not cov.any():
        cov = np.atleast_2d(np.cov(frame.to_numpy(dtype=np.float64), rowvar=False))
    std = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.outer(std, std)
        np.divide(cov, corr, out=corr)
    np.clip(corr, -1.0, 1.0, out=corr)
    # equal values have no correlation, whatever rounding left in their sample variance
    values = frame.to_numpy(dtype=np.float64)
    constant = (std == 0.0) | (values.max(axis=0) == values.min(axis=0))
    corr[constant, :] = np.nan
    corr[:, constant] = np.nan
    diagonal = np.where(constant, np.nan, 1.0)
    np.fill_diagonal(corr, diagonal)
    return corr


def cluster_order(outcome: MetaOutcome) -> list[int]:
    """Column positions in the cluster tree's leaf order (column order without a tree)."""
    tree = outcome.allocation.tree
    columns = [str(c) for c in outcome.returns.frame.columns]
    if tree is None or sorted(tree.leaf_order) != sorted(columns):
        return list(range(len(columns)))
    position = {name: i for i, name in enumerate(columns)}
    return [position[name] for name in tree.leaf_order]


def meta_nodes(outcome: MetaOutcome) -> Iterator[tuple[str, MetaOutcome, float]]:
    """``(path, node, weight of the node in the root)`` for the root (path "") and every branch,
    depth first in manifest order. A sub-profile used by two branches appears under both paths."""

    def visit(
        path: str, node: MetaOutcome, weight: float
    ) -> Iterator[tuple[str, MetaOutcome, float]]:
        yield path, node, weight
        for sleeve in node.sleeves:
            if sleeve.spec.kind == "meta":
                child = f"{path}/{sleeve.spec.id}" if path else sleeve.spec.id
                yield from visit(child, node.branches[sleeve.spec.id], weight * sleeve.weight)

    return visit("", outcome, 1.0)


def atomic_sleeves(outcome: MetaOutcome) -> Iterator[tuple[str, SleeveOutcome]]:
    """Every atomic sleeve of the tree with its path (``leaf`` or ``branch/leaf``)."""
    for path, node, _ in meta_nodes(outcome):
        for sleeve in node.sleeves:
            if sleeve.spec.kind == "atomic":
                yield (f"{path}/{sleeve.spec.id}" if path else sleeve.spec.id), sleeve


@dataclass(frozen=True, slots=True)
class PlacedSplit:
    """An HRP split located in the leaf order: it cuts positions ``[start, end)`` at ``cut``."""

    depth: int  # 0 for the root bisection
    start: int
    cut: int
    end: int
    alpha: float
    left: tuple[str, ...]
    right: tuple[str, ...]


def placed_splits(outcome: MetaOutcome) -> list[PlacedSplit]:
    """The HRP bisection splits with their depth and leaf positions, shallowest first.

    Each split halves a contiguous run of the leaf order, so its depth follows from the ranges:
    the root split covers every leaf, and each half of a split is the range of one child split.
    """
    tree = outcome.allocation.tree
    if tree is None or not tree.splits:
        return []
    position = {name: i for i, name in enumerate(tree.leaf_order)}
    depth_of: dict[tuple[int, int], int] = {(0, len(tree.leaf_order)): 0}
    placed = []
    ranged = []
    for split in tree.splits:
        start = min(position[name] for name in split.left)
        cut = start + len(split.left)
        ranged.append((start, cut, cut + len(split.right), split))
    for start, cut, end, split in sorted(ranged, key=lambda r: (r[0] - r[2], r[0])):
        depth = depth_of.get((start, end), 0)
        depth_of[(start, cut)] = depth_of[(cut, end)] = depth + 1
        placed.append(PlacedSplit(depth, start, cut, end, split.alpha, split.left, split.right))
    return sorted(placed, key=lambda p: (p.depth, p.start))
