"""Covariance estimates: sample covariance and Ledoit-Wolf against its closed form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.allocation import allocate
from tradingview_scraper.allocation._stats import correlation, correlation_distance, ledoit_wolf


def ledoit_wolf_paper(x: np.ndarray) -> tuple[np.ndarray, float]:
    """Ledoit and Wolf (2004), lemma 3.2 / theorem 3.1, written out with a loop over rows."""
    t, p = x.shape
    xc = x - x.mean(axis=0)
    s = xc.T @ xc / t
    m = np.trace(s) / p
    d2 = np.sum((s - m * np.eye(p)) ** 2) / p
    b2_bar = sum(np.sum((np.outer(row, row) - s) ** 2) / p for row in xc) / t**2
    b2 = min(b2_bar, d2)
    shrinkage = b2 / d2
    return shrinkage * m * np.eye(p) + (1 - shrinkage) * s, shrinkage


@pytest.mark.parametrize(
    ("rows", "cols", "seed"), [(30, 2, 0), (60, 5, 1), (40, 12, 2), (8, 20, 3)]
)
def test_ledoit_wolf_matches_closed_form(rows: int, cols: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.01, (rows, cols)) @ rng.normal(0, 1, (cols, cols))
    expected, expected_shrinkage = ledoit_wolf_paper(x)
    shrunk, shrinkage = ledoit_wolf(x)
    assert shrinkage == pytest.approx(expected_shrinkage, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(shrunk, expected, rtol=1e-12, atol=1e-18)


def test_ledoit_wolf_reproduces_sklearn_docstring_example() -> None:
    # sklearn.covariance.LedoitWolf's docstring: covariance_ [[0.4406..., 0.1616...],
    # [0.1616..., 0.8022...]] for this legacy-seeded sample.
    np.random.seed(0)
    x = np.random.multivariate_normal(mean=[0, 0], cov=[[0.4, 0.2], [0.2, 0.8]], size=50)
    shrunk, _ = ledoit_wolf(x)
    np.testing.assert_allclose(shrunk, [[0.4406, 0.1616], [0.1616, 0.8022]], atol=1e-4)


def test_ledoit_wolf_one_column_is_the_biased_variance() -> None:
    x = np.array([[1.0], [2.0], [4.0]])
    shrunk, shrinkage = ledoit_wolf(x)
    assert shrinkage == 0.0 and shrunk[0, 0] == pytest.approx(np.var(x, ddof=0))


def test_allocate_uses_the_shrunk_covariance() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(0, 0.01, (50, 4))
    frame = pd.DataFrame(x, columns=list("abcd"))
    result = allocate(
        frame, "inverse_volatility", lower=[0] * 4, upper=[1] * 4, covariance="ledoit_wolf"
    )
    np.testing.assert_allclose(result.covariance, ledoit_wolf_paper(x)[0], rtol=1e-12, atol=1e-18)
    sample = allocate(frame, "inverse_volatility", lower=[0] * 4, upper=[1] * 4)
    np.testing.assert_array_equal(sample.covariance, np.cov(x, rowvar=False))


def test_correlation_and_distance() -> None:
    cov = np.array([[4.0, 2.0, 0.0], [2.0, 9.0, 0.0], [0.0, 0.0, 0.0]])
    corr = correlation(cov)
    np.testing.assert_allclose(corr, [[1, 1 / 3, 0], [1 / 3, 1, 0], [0, 0, 1]], atol=1e-15)
    dist = correlation_distance(corr)
    assert dist[0, 0] == 0.0 and dist[0, 1] == pytest.approx(np.sqrt(1 / 3))
    assert dist[0, 2] == pytest.approx(np.sqrt(0.5))
