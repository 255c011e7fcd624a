"""Figure specs: what each figure draws, checked against hand computations and numpy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from builders import atom

from tradingview_scraper.contracts import (
    HealthSettings,
    MetaProfile,
    SleeveSpec,
)
from tradingview_scraper.meta.aggregate import MetaInputs, MetaOutcome, build_meta
from tradingview_scraper.meta.figures import (
    drawdown,
    figure_families,
    figure_names,
    figure_specs,
    wealth,
)

INDEX = pd.bdate_range("2024-01-01", periods=60)


def _outcome(series: dict[str, pd.Series], risk: str = "hrp") -> MetaOutcome:
    specs = tuple(SleeveSpec(id=s, kind="atomic", location=s, profile=f"p_{s}") for s in series)
    profile = MetaProfile(name="meta_fig", sleeves=specs)
    atoms = {sid: atom(sid, s, risk) for sid, s in series.items()}
    return build_meta(MetaInputs(profile, risk, atoms, {}))


def _noise(seed: int, scale: float) -> pd.Series:
    return pd.Series(np.random.default_rng(seed).normal(0.001, scale, len(INDEX)), index=INDEX)


def test_drawdown_of_a_tiny_series_by_hand() -> None:
    # wealth 1.1, 0.88, 0.924, 1.2012: the peak 1.1 holds until the last day sets a new one
    assert drawdown(np.array([0.1, -0.2, 0.05, 0.3])).tolist() == pytest.approx(
        [0.0, -0.2, -0.16, 0.0], abs=1e-15
    )
    # the starting wealth of 1 is a peak: a first loss is a drawdown
    assert drawdown(np.array([-0.1, 0.05])).tolist() == pytest.approx([-0.1, -0.055], abs=1e-15)
    assert wealth(np.array([0.1, -0.2])).tolist() == pytest.approx([1.1, 0.88], abs=1e-15)


def test_equity_spec_draws_the_meta_curve_and_its_drawdown() -> None:
    outcome = _outcome({"a": _noise(1, 0.01), "b": _noise(2, 0.02)})
    spec = figure_specs(outcome)["equity"]
    meta = outcome.stream.tolist()
    grown, peak, falls = [], 1.0, []
    level = 1.0
    for r in meta:  # plain Python, day by day
        level *= 1.0 + r
        peak = max(peak, level)
        grown.append(level)
        falls.append(level / peak - 1.0)
    assert [s["label"] for s in spec["series"]] == ["meta portfolio", "a", "b"]
    assert spec["series"][0]["values"].tolist() == pytest.approx(grown, rel=1e-13)
    assert spec["drawdown"].tolist() == pytest.approx(falls, rel=1e-12, abs=1e-15)
    assert spec["max_drawdown"] == pytest.approx(min(*falls, 0.0), abs=1e-15)
    assert spec["dates"][0] == "2024-01-01" and len(spec["dates"]) == 60
    assert (
        spec["yscale"] == "log" and spec["ylim"][0] <= min(grown) <= max(grown) <= spec["ylim"][1]
    )
    assert spec["note"] == "meta portfolio and all 2 sleeves"


def test_weights_spec_marks_the_bounds_of_every_sleeve() -> None:
    outcome = _outcome({"a": _noise(3, 0.01), "b": _noise(4, 0.03), "c": _noise(5, 0.02)})
    spec = figure_specs(outcome)["weights"]
    assert spec["labels"] == ["a", "b", "c"]
    assert spec["final"] == [outcome.weights[s] for s in "abc"]
    assert spec["lower"] == [0.0, 0.0, 0.0] and spec["upper"] == [1.0, 1.0, 1.0]
    assert sum(spec["final"]) == pytest.approx(1.0, abs=1e-12)


def test_dendrogram_spec_places_links_over_the_leaf_order() -> None:
    a = _noise(41, 0.01)
    b = a + _noise(42, 0.002)  # b tracks a: they merge first
    c = _noise(43, 0.015)
    outcome = _outcome({"a": a, "b": b, "c": c})
    spec = figure_specs(outcome)["dendrogram"]
    leaves = spec["leaves"]
    position = {name: float(i) for i, name in enumerate(leaves)}

    def distance(x: pd.Series, y: pd.Series) -> float:
        return math.sqrt(0.5 * (1.0 - float(np.corrcoef(x, y)[0, 1])))

    first, root = spec["links"]
    assert sorted(first[:2]) == sorted([position["a"], position["b"]])
    assert first[2:4] == [0.0, 0.0] and first[4] == pytest.approx(distance(a, b), rel=1e-12)
    middle = (position["a"] + position["b"]) / 2.0
    assert sorted(root[:2]) == sorted([position["c"], middle])
    assert root[4] == pytest.approx(min(distance(a, c), distance(b, c)), rel=1e-12)  # single
    tree = outcome.allocation.tree
    assert tree is not None
    top = spec["splits"][0]
    assert top["depth"] == 0 and top["x"] == len(tree.splits[0].left) - 0.5
    assert top["alpha"] == tree.splits[0].alpha


def test_large_profiles_draw_capped_series_bars_and_block_means() -> None:
    rng = np.random.default_rng(11)
    n = 450
    factor = rng.normal(0.0, 0.01, len(INDEX))
    series = {
        f"s{i:03d}": pd.Series(
            factor * rng.uniform(-1, 1) + rng.normal(0.0005, 0.01, len(INDEX)), index=INDEX
        )
        for i in range(n)
    }
    outcome = _outcome(series)
    specs = figure_specs(outcome)
    weight = outcome.weights
    ids = list(series)
    top10 = sorted(sorted(ids, key=lambda s: (-weight[s], ids.index(s)))[:10], key=ids.index)
    equity = specs["equity"]
    assert [s["label"] for s in equity["series"]] == ["meta portfolio", *top10]
    assert equity["note"] == "meta portfolio and the 10 largest of 450 sleeves by final weight"
    assert len(specs["weights"]["labels"]) == 40
    heat = specs["correlation"]
    assert heat["block"] == 2 and heat["matrix"].shape == (225, 225) and heat["labels"] == []
    tree = outcome.allocation.tree
    assert tree is not None
    leaves = list(tree.leaf_order)
    corr = np.corrcoef(outcome.returns.frame[leaves].to_numpy(), rowvar=False)
    assert heat["matrix"][0, 0] == pytest.approx(corr[:2, :2].mean(), rel=1e-12)
    assert heat["matrix"][-1, 3] == pytest.approx(corr[448:450, 6:8].mean(), rel=1e-12)
    assert specs["dendrogram"]["leaves"] == [] and len(specs["dendrogram"]["links"]) == n - 1


def test_one_sleeve_has_no_correlation_or_tree_figure() -> None:
    specs = tuple(SleeveSpec(id=s, kind="atomic", location=s, profile=f"p_{s}") for s in "a")
    profile = MetaProfile(name="meta_one", sleeves=specs, health=HealthSettings(min_sleeves=1))
    outcome = build_meta(MetaInputs(profile, "hrp", {"a": atom("a", _noise(9, 0.01), "hrp")}, {}))
    assert figure_families(outcome) == ["equity", "weights"]
    assert set(figure_specs(outcome)) == {"equity", "weights"}
    assert figure_names("meta_one", "hrp")["equity"] == "figures/equity_meta_one_hrp.svg"
