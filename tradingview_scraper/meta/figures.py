"""What each report figure draws, as data: the figure specs (DESIGN 3.4). Pure.

``figure_specs`` turns a root outcome into one spec per figure: plain values (dates, series,
labels, limits, the matrix of the heat map, the links of the dendrogram) that
``_figure_draw.render_svg`` draws and nothing else. The goldens snapshot the specs, not the SVG
bytes, so a matplotlib upgrade that moves a pixel moves no golden while a change in what is
drawn does.

Large profiles stay fast and readable: the equity figure draws the meta portfolio and at most
``MAX_LINES`` sleeves (the largest by final weight), the weights figure at most ``MAX_BARS``
sleeves, labels appear up to ``MAX_LABELS`` sleeves, and a heat map over more than
``MAX_CELLS`` sleeves shows block means (each spec says so in its ``note``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from .aggregate import MetaOutcome
from .stats import (
    ProfileStats,
    cluster_order,
    placed_splits,
    profile_stats,
)

__all__ = [
    "FIGURE_FAMILIES",
    "drawdown",
    "figure_families",
    "figure_jobs",
    "figure_names",
    "figure_specs",
    "wealth",
]

FIGURE_FAMILIES = ("equity", "weights", "correlation", "dendrogram")
MAX_LINES = 10
MAX_BARS = 40
MAX_LABELS = 40
MAX_CELLS = 400
SPLIT_DEPTH = 2

FloatArray = npt.NDArray[np.float64]
Spec = dict[str, Any]


def figure_names(meta: str, risk: str) -> dict[str, str]:
    """Paths of the figures of one meta and risk profile, relative to ``reports/``."""
    return {family: f"figures/{family}_{meta}_{risk}.svg" for family in FIGURE_FAMILIES}


def figure_families(outcome: MetaOutcome) -> list[str]:
    """The figures ``outcome`` has: every family except those it cannot draw."""
    families = ["equity", "weights"]
    if outcome.returns.frame.shape[1] >= 2:
        families.append("correlation")
    if outcome.allocation.tree is not None:
        families.append("dendrogram")
    return families


def wealth(returns: FloatArray) -> FloatArray:
    """Growth of 1: ``cumprod(1 + r)``."""
    grown: FloatArray = np.cumprod(np.asarray(returns, dtype=np.float64) + 1.0, dtype=np.float64)
    return grown


def drawdown(returns: FloatArray) -> FloatArray:
    """Fall from the running peak of wealth, the starting wealth of 1 counting as a peak
    (``metrics.performance``'s maximum drawdown is the minimum of this)."""
    grown = wealth(returns)
    peaks = np.maximum.accumulate(np.concatenate(([1.0], grown)))[1:]
    falls: FloatArray = grown / peaks - 1.0
    return falls


def _title(outcome: MetaOutcome, what: str) -> str:
    return f"{outcome.profile.name} ({outcome.risk_profile}): {what}"


def _sleeves_note(shown: int, total: int, what: str) -> str:
    if shown == total:
        return f"all {total} {what}"
    return f"the {shown} largest of {total} {what} by final weight"


def _equity(outcome: MetaOutcome, stats: ProfileStats) -> Spec:
    frame = outcome.returns.frame
    weight = {s.spec.id: s.weight for s in outcome.sleeves}
    columns = [str(c) for c in frame.columns]
    order = sorted(range(len(columns)), key=lambda i: (-weight.get(columns[i], 0.0), i))
    drawn = sorted(order[:MAX_LINES])
    meta = outcome.stream.to_numpy(dtype=np.float64)
    values = frame.to_numpy(dtype=np.float64)
    curves = [wealth(meta), *(wealth(values[:, i]) for i in drawn)]
    labels = ["meta portfolio", *(columns[i] for i in drawn)]
    series = [
        {"label": label, "values": curve} for label, curve in zip(labels, curves, strict=True)
    ]
    # the log axis spans the positive wealth; with none (everything lost on the first day) a
    # decade below 1, not the singular [1, 1]
    finite = [curve[curve > 0] for curve in curves]
    low = min((float(v.min()) for v in finite if len(v)), default=0.1)
    high = max((float(v.max()) for v in finite if len(v)), default=1.0)
    falls = drawdown(meta)
    return {
        "family": "equity",
        "title": _title(outcome, "growth of 1 (log scale) and drawdown"),
        "dates": [d.strftime("%Y-%m-%d") for d in frame.index],
        "series": series,
        "drawdown": falls,
        "yscale": "log",
        "ylim": [min(low, 1.0), max(high, 1.0)],
        "drawdown_ylim": [min(float(falls.min()) if len(falls) else 0.0, 0.0), 0.0],
        "max_drawdown": stats.meta.max_drawdown,
        "note": "meta portfolio and " + _sleeves_note(len(drawn), len(columns), "sleeves"),
    }


def _weights(outcome: MetaOutcome) -> Spec:
    sleeves = list(outcome.sleeves)
    order = sorted(range(len(sleeves)), key=lambda i: (-sleeves[i].weight, i))
    drawn = [sleeves[i] for i in sorted(order[:MAX_BARS])]
    top = max([s.bounds.hi for s in drawn] + [s.raw_weight for s in drawn] + [0.0])
    return {
        "family": "weights",
        "title": _title(outcome, "raw and final weights with bounds"),
        "labels": [s.spec.id for s in drawn],
        "raw": [s.raw_weight for s in drawn],
        "final": [s.weight for s in drawn],
        "lower": [s.bounds.lo for s in drawn],
        "upper": [s.bounds.hi for s in drawn],
        "vetoed": [s.status == "vetoed" for s in drawn],
        "xlim": [0.0, min(1.0, top) * 1.05 if top > 0 else 1.0],
        "note": _sleeves_note(len(drawn), len(sleeves), "sleeves"),
    }


def _block_means(matrix: FloatArray, block: int) -> FloatArray:
    """Means of ``block x block`` tiles, NaN ignored (NaN where a tile has no number)."""
    n = matrix.shape[0]
    m = math.ceil(n / block)
    padded = np.full((m * block, m * block), np.nan)
    padded[:n, :n] = matrix
    tiles = padded.reshape(m, block, m, block)
    present = ~np.isnan(tiles)
    sums = np.where(present, tiles, 0.0).sum(axis=(1, 3))
    counts = present.sum(axis=(1, 3))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _correlation(outcome: MetaOutcome, stats: ProfileStats) -> Spec:
    columns = [str(c) for c in outcome.returns.frame.columns]
    order = cluster_order(outcome)
    matrix = stats.correlation[np.ix_(order, order)]
    n = len(order)
    block = max(1, math.ceil(n / MAX_CELLS))
    note = f"{n} sleeves in cluster (leaf) order"
    if block > 1:
        matrix = _block_means(matrix, block)
        note += f"; each cell is the mean of a {block} x {block} block"
    return {
        "family": "correlation",
        "title": _title(outcome, "correlation in cluster order"),
        "labels": [columns[i] for i in order] if n <= MAX_LABELS else [],
        "matrix": matrix,
        "block": block,
        "vmin": -1.0,
        "vmax": 1.0,
        "colormap": "RdBu_r",
        "note": note,
    }


def _dendrogram(outcome: MetaOutcome) -> Spec:
    tree = outcome.allocation.tree
    assert tree is not None
    n = len(tree.names)
    position = {name: i for i, name in enumerate(tree.leaf_order)}
    x = [float(position[name]) for name in tree.names]
    y = [0.0] * n
    links = []
    for a, b, distance, _ in tree.linkage_matrix.tolist():
        left, right = int(a), int(b)
        links.append([x[left], x[right], y[left], y[right], float(distance)])
        x.append((x[left] + x[right]) / 2.0)
        y.append(float(distance))
    top = max(y) if y else 0.0
    splits = [
        {"depth": s.depth, "x": s.cut - 0.5, "start": s.start, "end": s.end, "alpha": s.alpha}
        for s in placed_splits(outcome)
        if s.depth <= SPLIT_DEPTH
    ]
    return {
        "family": "dendrogram",
        "title": _title(outcome, f"cluster tree ({tree.linkage_method} linkage)"),
        "leaves": list(tree.leaf_order) if n <= MAX_LABELS else [],
        "n": n,
        "links": links,
        "splits": splits,
        "ylim": [0.0, top * 1.15 if top > 0 else 1.0],
        "note": (
            f"{n} sleeves; dashed lines: HRP bisection cuts of depth <= {SPLIT_DEPTH}, "
            "labelled with the share alpha given to the left side"
            if splits
            else f"{n} sleeves"
        ),
    }


def figure_specs(outcome: MetaOutcome, stats: ProfileStats | None = None) -> dict[str, Spec]:
    """Family -> spec for every figure of ``outcome`` (see ``figure_families``)."""
    stats = profile_stats(outcome) if stats is None else stats
    build = {
        "equity": lambda: _equity(outcome, stats),
        "weights": lambda: _weights(outcome),
        "correlation": lambda: _correlation(outcome, stats),
        "dendrogram": lambda: _dendrogram(outcome),
    }
    return {family: build[family]() for family in figure_families(outcome)}


def figure_jobs(outcome: MetaOutcome, stats: ProfileStats | None = None) -> dict[str, Spec]:
    """Path relative to ``reports/`` -> spec, for every figure of a root outcome."""
    names = figure_names(outcome.profile.name, outcome.risk_profile)
    return {names[family]: spec for family, spec in figure_specs(outcome, stats).items()}
