"""Report sections on the structure: correlations, the cluster tree, nesting, assets. Pure.

Small profiles (at most ``SMALL_PROFILE`` sleeves) show the correlation matrix and the text tree
in full; larger ones show the figures and a summary: the most and least correlated pairs and
the top HRP splits, with the files that hold everything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ._report_allocation import sleeve_kind
from ._report_format import (
    FULL_ROWS,
    SMALL_PROFILE,
    Links,
    capped,
    code,
    figure_line,
    fmt,
    more_line,
    table,
)
from .aggregate import MetaOutcome, SleeveOutcome
from .artifacts import artifact_names
from .stats import ProfileStats, meta_nodes, placed_splits
from .tables import table_names

__all__ = [
    "correlation_section",
    "extreme_pairs",
    "nested_section",
    "top_assets_section",
    "tree_section",
]

PAIRS = 5  # most and least correlated pairs shown for a large profile
SPLIT_DEPTH = 2  # a large profile's split table shows the splits of depth 0..SPLIT_DEPTH
NAMES_IN_CELL = 3  # names listed in a cell for a large cluster, then "+K more"
CONTRIBUTORS = 8  # contributions listed per asset, then "+K more"


def extreme_pairs(corr: np.ndarray, k: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The ``k`` most and ``k`` least correlated pairs ``(i, j)``, ``i < j``, NaN ignored.

    Row blocks keep the memory linear in the number of sleeves beyond the matrix itself; ties
    are broken by ``(i, j)``, so the choice is deterministic.
    """
    n = corr.shape[0]
    high: list[tuple[float, int, int]] = []
    low: list[tuple[float, int, int]] = []
    block = max(1, 2_000_000 // max(n, 1))
    columns = np.arange(n)
    for start in range(0, n - 1, block):
        rows = np.arange(start, min(n, start + block))
        part = corr[rows]
        upper = columns[None, :] > rows[:, None]
        valid = upper & ~np.isnan(part)
        flat = np.flatnonzero(valid)
        if not len(flat):
            continue
        values = part.ravel()[flat]
        take = min(k, len(flat))
        for pool, sign in ((high, -1.0), (low, 1.0)):
            keyed = sign * values
            # the values better than the k-th best, then those tied with it by (i, j): flat
            # positions ascend in (i, j). argpartition would keep an arbitrary few of the ties
            kth = np.partition(keyed, take - 1)[take - 1]
            better = np.flatnonzero(keyed < kth)
            tied = np.flatnonzero(keyed == kth)[: take - len(better)]
            for index in [*better.tolist(), *tied.tolist()]:
                i, j = divmod(int(flat[index]), n)
                pool.append((float(values[index]), int(rows[i]), j))
    high.sort(key=lambda t: (-t[0], t[1], t[2]))
    low.sort(key=lambda t: (t[0], t[1], t[2]))
    return [(i, j) for _, i, j in high[:k]], [(i, j) for _, i, j in low[:k]]


def correlation_section(outcome: MetaOutcome, stats: ProfileStats, links: Links) -> list[str]:
    names = [str(c) for c in outcome.returns.frame.columns]
    corr = stats.correlation
    csv = code("data/" + links.csv.get("correlation", ""))
    lines = figure_line(links, "correlation", "correlation heat map in cluster order")
    if len(names) <= SMALL_PROFILE:
        rows = [[name, *(fmt(float(v), "corr") for v in corr[i])] for i, name in enumerate(names)]
        return [*lines, *table(["sleeve", *names], rows), "", f"In cluster order: {csv}."]
    high, low = extreme_pairs(corr, PAIRS)
    headers = ["sleeve", "sleeve", "correlation"]
    return [
        *lines,
        f"{len(names)} sleeves: the full matrix, in cluster order, is {csv}.",
        "",
        "Most correlated pairs:",
        "",
        *table(headers, [[names[i], names[j], fmt(corr[i, j], "corr")] for i, j in high]),
        "",
        "Least correlated pairs:",
        "",
        *table(headers, [[names[i], names[j], fmt(corr[i, j], "corr")] for i, j in low]),
    ]


def _tree_lines(tree: Mapping[str, Any]) -> list[str]:
    # Iterative: a single-linkage chain can be as deep as the number of sleeves.
    nodes = {node["node"]: node for node in tree["nodes"]}
    lines: list[str] = []
    stack: list[tuple[Mapping[str, Any], str, str]] = [({"node": tree["root"]}, "", "")]
    while stack:
        ref, lead, indent = stack.pop()
        if "sleeve" in ref:
            lines.append(f"{lead}{ref['sleeve']}")
            continue
        node = nodes[ref["node"]]
        lines.append(f"{lead}node {node['node']} (distance {fmt(node['distance'], 'dist')})")
        left, right = node["children"]
        stack.append((right, indent + "└── ", indent + "    "))
        stack.append((left, indent + "├── ", indent + "│   "))
    return lines


def _names(names: tuple[str, ...]) -> str:
    if len(names) <= NAMES_IN_CELL:
        return ", ".join(names)
    listed = ", ".join(names[:NAMES_IN_CELL])
    return f"{len(names)} sleeves: {listed}, +{len(names) - NAMES_IN_CELL} more"


def tree_section(outcome: MetaOutcome, links: Links) -> list[str]:
    tree = outcome.allocation.tree
    if tree is None:
        return ["n/a (one sleeve)"]
    figure = figure_line(links, "dendrogram", "cluster tree with the HRP splits")
    n = len(tree.names)
    if n > SMALL_PROFILE:
        document = artifact_names(outcome.profile.name, outcome.risk_profile)["cluster_tree"]
        lines = [
            f"Linkage {code(tree.linkage_method)} on the correlation distance "
            f"sqrt(0.5 * (1 - rho)) over {n} sleeves; the whole tree (merges, leaf order, "
            f"splits) is in {code('data/' + document)}.",
            "",
            *figure,
        ]
        top = [s for s in placed_splits(outcome) if s.depth <= SPLIT_DEPTH]
        if top:
            rows = [[s.depth, _names(s.left), _names(s.right), fmt(s.alpha)] for s in top]
            headers = ["depth", "left", "right", "alpha (to left)"]
            lines += ["Top HRP bisection splits:", "", *table(headers, rows)]
        return lines[:-1] if lines[-1] == "" else lines
    data = tree.to_dict()
    lines = [
        f"Linkage {code(data['linkage']['method'])} on the correlation distance "
        f"sqrt(0.5 * (1 - rho)); leaf order: {', '.join(data['leaf_order'])}.",
        "",
        *figure,
        "```text",
        *_tree_lines(data),
        "```",
    ]
    if data["splits"]:
        rows = [
            [
                ", ".join(split["left"]),
                ", ".join(split["right"]),
                fmt(split["left_variance"], "sci"),
                fmt(split["right_variance"], "sci"),
                fmt(split["alpha"]),
            ]
            for split in data["splits"]
        ]
        headers = ["left", "right", "left variance", "right variance", "alpha (to left)"]
        lines += ["", "HRP bisection splits:", "", *table(headers, rows)]
    return lines


def _by_weight(sleeves: list[SleeveOutcome]) -> Callable[[SleeveOutcome], tuple[float, int]]:
    order = {s.spec.id: i for i, s in enumerate(sleeves)}
    return lambda s: (-s.weight, order[s.spec.id])


def nested_section(outcome: MetaOutcome) -> list[str]:
    lines: list[str] = []
    for path, node, weight in meta_nodes(outcome):
        if not path:
            continue
        sleeves = list(node.sleeves)
        shown = capped(sleeves, _by_weight(sleeves))
        rows = [
            [s.spec.id, sleeve_kind(s), s.status, fmt(s.weight), fmt(weight * s.weight)]
            for s in shown
        ]
        headers = ["sleeve", "kind", "status", "within-branch weight", "effective weight in root"]
        lines += [
            f"#### Branch {code(path)}: meta profile {code(node.profile.name)}",
            "",
            f"Weight in the root: {fmt(weight)}. Method: {code(node.method)}. "
            f"Fallback: {node.fallback or 'none'}.",
            "",
            *table(headers, rows),
            "",
        ]
        if len(shown) < len(sleeves):
            csv = table_names(node.profile.name, node.risk_profile)["sleeves"]
            lines += [more_line(len(shown), len(sleeves), "sleeves", csv), ""]
    return lines[:-1] if lines else ["none: every sleeve is atomic."]


def _contributions(contributions: Mapping[str, float]) -> str:
    items = sorted(contributions.items())
    if len(items) > CONTRIBUTORS:
        ranked = sorted(items, key=lambda kv: (-abs(kv[1]), kv[0]))[:CONTRIBUTORS]
        listed = ", ".join(f"{path}={fmt(v)}" for path, v in sorted(ranked))
        return f"{listed}, +{len(items) - CONTRIBUTORS} more"
    return ", ".join(f"{path}={fmt(v)}" for path, v in items)


def _contributors(names: tuple[str, ...] | list[str]) -> str:
    if len(names) > CONTRIBUTORS:
        return f"{len(names)} sleeves: {', '.join(names[:CONTRIBUTORS])}, ..."
    return ", ".join(names)


def top_assets_section(outcome: MetaOutcome, top: int) -> list[str]:
    flat = outcome.flat
    shown = flat.assets[: max(min(top, FULL_ROWS), 0)]
    rows = [
        [
            a.symbol,
            fmt(a.net),
            a.direction,
            _contributors(a.contributors),
            _contributions(a.contributions),
        ]
        for a in shown
    ]
    headers = ["symbol", "net weight", "direction", "contributors", "contributions"]
    lines = [
        f"Top {len(shown)} of {len(flat.assets)} physical assets by absolute net weight.",
        "",
    ]
    lines += table(headers, rows) if rows else ["none"]
    document = artifact_names(outcome.profile.name, outcome.risk_profile)["flattened"]
    lines += [
        "",
        f"Totals over all {len(flat.assets)} assets: net {fmt(flat.total_net)}, "
        f"gross {fmt(flat.gross)}.",
    ]
    if len(shown) < len(flat.assets) or any(len(a.contributions) > CONTRIBUTORS for a in shown):
        lines[-1] += f" Every asset with every contribution: {code('data/' + document)}."
    return lines
