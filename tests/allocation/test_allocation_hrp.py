"""HRP against a textbook implementation, closed forms, real upstream data and the tree's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.cluster.hierarchy as sch
from scipy.spatial.distance import squareform

from tradingview_scraper.allocation import allocate

UPSTREAM = (
    Path(__file__).parents[2].parent / "shared" / "data" / "upstream_meta_benchmark_returns.csv"
)


def textbook_hrp(returns: pd.DataFrame, method: str = "single") -> pd.Series:
    """Plain HRP in PyPortfolioOpt's structure, with pandas statistics and explicit loops."""
    cov = returns.cov()
    corr = returns.corr()
    dist = np.sqrt(np.clip((1.0 - corr.to_numpy()) / 2.0, 0.0, 1.0))
    link = sch.linkage(squareform(dist, checks=False), method)
    order = [corr.index[i] for i in sch.to_tree(link, rd=False).pre_order()]
    weights = pd.Series(1.0, index=order)
    clusters = [order]
    while clusters:
        halves = []
        for cluster in clusters:
            if len(cluster) > 1:
                halves.append(cluster[: len(cluster) // 2])
                halves.append(cluster[len(cluster) // 2 :])
        clusters = halves
        for i in range(0, len(clusters), 2):
            variances = []
            for members in (clusters[i], clusters[i + 1]):
                sub = cov.loc[members, members].to_numpy()
                ivp = 1.0 / np.diag(sub)
                ivp = ivp / ivp.sum()
                variances.append(float(ivp @ sub @ ivp))
            alpha = 1.0 - variances[0] / (variances[0] + variances[1])
            weights[clusters[i]] *= alpha
            weights[clusters[i + 1]] *= 1.0 - alpha
    return weights[list(returns.columns)]


def _frame(x: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(x, columns=[f"s{i}" for i in range(x.shape[1])])


def _two_blocks(rows: int = 250, seed: int = 3) -> pd.DataFrame:
    """Two correlated blocks, interleaved in column order so the leaf order must regroup them."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0, 0.01, (rows, 1)), rng.normal(0, 0.02, (rows, 1))
    cols = [a + rng.normal(0, 0.004 * (i + 1), (rows, 1)) for i in range(3)]
    cols += [b + rng.normal(0, 0.005 * (i + 1), (rows, 1)) for i in range(4)]
    order = [0, 3, 1, 4, 5, 2, 6]
    return _frame(np.hstack([cols[i] for i in order]))


def _matrices() -> list[pd.DataFrame]:
    rng = np.random.default_rng(11)
    iid = _frame(rng.normal(0, 0.01, (120, 6)) * rng.uniform(0.5, 3, 6))
    factor = _frame(rng.normal(0, 0.01, (300, 3)) @ rng.normal(0, 1, (3, 9)))
    factor += rng.normal(0, 0.004, factor.shape)
    return [iid, factor, _two_blocks(), _two_blocks(rows=60, seed=9)]


@pytest.mark.parametrize("index", range(4))
@pytest.mark.parametrize("linkage", ["single", "average", "complete", "ward"])
def test_hrp_matches_textbook(index: int, linkage: str) -> None:
    returns = _matrices()[index]
    n = returns.shape[1]
    result = allocate(returns, "hrp", lower=[0.0] * n, upper=[1.0] * n, linkage=linkage)
    expected = textbook_hrp(returns, linkage).to_numpy()
    np.testing.assert_allclose(result.raw_weights, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.weights, expected, rtol=0, atol=1e-12)


def test_two_blocks_keep_blocks_together() -> None:
    returns = _two_blocks()
    result = allocate(returns, "hrp", lower=[0.0] * 7, upper=[1.0] * 7)
    assert result.tree is not None
    position = {name: i for i, name in enumerate(result.tree.leaf_order)}
    block_a = sorted(position[s] for s in ("s0", "s2", "s5"))
    block_b = sorted(position[s] for s in ("s1", "s3", "s4", "s6"))
    assert block_a[-1] - block_a[0] == 2  # contiguous in the quasi-diagonal order
    assert block_b[-1] - block_b[0] == 3


def test_two_sleeves_is_the_inverse_variance_split() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(0, 1, (80, 2)) @ np.array([[0.01, 0.004], [0.0, 0.02]])
    var1, var2 = np.var(x, axis=0, ddof=1)
    result = allocate(_frame(x), "hrp", lower=[0, 0], upper=[1, 1])
    np.testing.assert_allclose(
        result.weights, [var2 / (var1 + var2), var1 / (var1 + var2)], atol=1e-12
    )


@pytest.mark.skipif(not UPSTREAM.exists(), reason="shared upstream data not present")
def test_real_upstream_returns() -> None:
    returns = pd.read_csv(UPSTREAM, index_col="date")
    assert list(returns.columns) == ["long_all", "short_all"]
    var1, var2 = returns.var(ddof=1)
    result = allocate(returns, "hrp", lower=[0, 0], upper=[1, 1])
    assert result.names == ("long_all", "short_all")
    np.testing.assert_allclose(result.weights, [0.527331, 0.472669], atol=1e-6)
    np.testing.assert_allclose(
        result.weights, [var2 / (var1 + var2), var1 / (var1 + var2)], rtol=0, atol=1e-12
    )
    # Upstream used Ledoit-Wolf variances and reported 0.5198 / 0.4802 (README).
    shrunk = allocate(returns, "hrp", lower=[0, 0], upper=[1, 1], covariance="ledoit_wolf")
    np.testing.assert_allclose(shrunk.weights, [0.5198, 0.4802], atol=5e-5)


def test_splits_are_breadth_first_and_reproduce_the_weights() -> None:
    returns = _matrices()[1]
    result = allocate(returns, "hrp", lower=[0.0] * 9, upper=[1.0] * 9)
    tree = result.tree
    assert tree is not None and len(tree.splits) == 8
    sizes = [len(s.left) + len(s.right) for s in tree.splits]
    assert sizes[:3] == [9, 4, 5]  # root, then its two halves left to right
    assert tree.splits[0].left == tree.leaf_order[:4]
    w = dict.fromkeys(tree.names, 1.0)
    for split in tree.splits:
        assert split.alpha == pytest.approx(
            1 - split.left_variance / (split.left_variance + split.right_variance), abs=1e-15
        )
        for name in split.left:
            w[name] *= split.alpha
        for name in split.right:
            w[name] *= 1 - split.alpha
    np.testing.assert_allclose([w[n] for n in tree.names], result.raw_weights, atol=1e-15)


def test_tree_to_dict_is_json_and_matches_scipy() -> None:
    returns = _two_blocks()
    result = allocate(returns, "erc", lower=[0.0] * 7, upper=[1.0] * 7, linkage="average")
    tree = result.tree
    assert tree is not None and tree.splits == ()
    data = json.loads(json.dumps(tree.to_dict(), allow_nan=False))
    assert data["linkage"]["method"] == "average"
    matrix = data["linkage"]["matrix"]
    assert len(matrix) == 6 and all(
        isinstance(v, int) for row in matrix for v in (row[0], row[1], row[3])
    )
    np.testing.assert_allclose(np.array(matrix, dtype=float), tree.linkage_matrix, atol=0)
    assert data["leaf_order"] == list(tree.leaf_order)
    assert data["splits"] == []

    nodes = {node["node"]: node for node in data["nodes"]}

    def leaves(ref: dict) -> list[str]:
        if "sleeve" in ref:
            return [ref["sleeve"]]
        left, right = nodes[ref["node"]]["children"]
        return leaves(left) + leaves(right)

    assert data["root"] == 12 and nodes[12]["distance"] == matrix[-1][2]
    assert [node["size"] for node in data["nodes"]] == [row[3] for row in matrix]
    assert leaves({"node": data["root"]}) == data["leaf_order"]


def test_hrp_tree_to_dict_lists_splits() -> None:
    returns = _matrices()[0]
    result = allocate(returns, "hrp", lower=[0.0] * 6, upper=[1.0] * 6)
    assert result.tree is not None
    splits = result.tree.to_dict()["splits"]
    assert set(splits[0]) == {"alpha", "left", "left_variance", "right", "right_variance"}
    assert len(splits) == 5
    assert splits[0]["left"] + splits[0]["right"] == list(result.tree.leaf_order)


def test_one_sleeve_has_no_tree() -> None:
    result = allocate(
        _frame(np.random.default_rng(1).normal(0, 0.01, (30, 1))), "hrp", lower=[0], upper=[1]
    )
    assert result.tree is None
    assert result.weights.tolist() == [1.0]


def test_a_chain_as_deep_as_the_sleeves_serializes() -> None:
    """One common factor with rising idiosyncratic noise: single linkage absorbs one sleeve per
    merge, a dendrogram n levels deep; its JSON view stays flat."""
    from tradingview_scraper.io.jsonio import canonical_json

    rng = np.random.default_rng(0)
    n, rows = 1000, 120
    common = rng.normal(0, 0.01, rows)
    noise = rng.normal(0, 1, (rows, n)) * (0.001 * (1 + 0.01 * np.arange(n)))
    result = allocate(_frame(common[:, None] + noise), "hrp", lower=[0.0] * n, upper=[1.0] * n)
    assert result.tree is not None
    data = result.tree.to_dict()
    assert [node["size"] for node in data["nodes"]][-3:] == [n - 2, n - 1, n]  # a chain
    assert canonical_json(data).count("\n") > n
