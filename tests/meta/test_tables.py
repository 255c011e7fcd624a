"""CSV tables: fixed cell formatting, and undefined correlations written as empty cells."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from builders import atom
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tradingview_scraper.contracts import (
    MetaProfile,
    SleeveSpec,
)
from tradingview_scraper.meta import tables
from tradingview_scraper.meta.aggregate import MetaInputs, build_meta
from tradingview_scraper.meta.report import render_report
from tradingview_scraper.meta.tables import csv_cell, table_documents, table_names

INDEX = pd.bdate_range("2024-01-01", periods=30)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (3, "3"),
        (0.1, "0.1"),
        (-0.0, "0.0"),
        (1e-20, "1e-20"),
        (math.nan, ""),
        (math.inf, ""),
        ("a,b", "a,b"),
    ],
)
def test_csv_cell_is_fixed(value: object, text: str) -> None:
    assert csv_cell(value) == text


def test_a_constant_sleeve_has_empty_correlation_cells() -> None:
    rng = np.random.default_rng(5)
    series = {
        "a": pd.Series(rng.normal(0.0, 0.01, len(INDEX)), index=INDEX),
        "b": pd.Series(rng.normal(0.0, 0.02, len(INDEX)), index=INDEX),
        "flat": pd.Series(0.001, index=INDEX),  # constant: no correlation is defined
    }
    specs = tuple(SleeveSpec(id=s, kind="atomic", location=s, profile=f"p_{s}") for s in series)
    profile = MetaProfile(name="meta_t", sleeves=specs)
    atoms = {sid: atom(sid, s, "equal_weight") for sid, s in series.items()}
    outcome = build_meta(MetaInputs(profile, "equal_weight", atoms, {}))
    text = table_documents(outcome)["correlation"]
    rows = {row[0]: row[1:] for row in list(csv.reader(text.splitlines()))[1:]}
    order = next(iter(csv.reader(text.splitlines())))[1:]
    assert rows["flat"] == [""] * 3
    rho = pd.DataFrame(series).corr()  # pandas' pairwise Pearson: a second implementation
    assert float(rows["a"][order.index("b")]) == pytest.approx(rho.loc["a", "b"], abs=5e-7)
    assert rows["a"][order.index("flat")] == ""
    report = render_report({"equal_weight": outcome}, meta_run_id="r", generated_at="t")
    assert "| flat | n/a | n/a | n/a |" in report
    assert table_names("meta_t", "equal_weight")["correlation"] == (
        "meta_correlation_meta_t_equal_weight.csv"
    )


def _six_per_cell(block: np.ndarray) -> list[str]:
    """The cell-by-cell definition: ``np.round`` to six places, -0.0 folded, NaN empty."""
    rounded = np.round(block, 6) + 0.0
    return [",".join("" if np.isnan(v) else f"{v:.6f}" for v in row) for row in rounded.tolist()]


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 6)),
        elements=st.one_of(
            st.floats(-1.0, 1.0),
            st.just(np.nan),
            st.sampled_from(
                [-0.0, 5e-7, -5e-7, -1e-6, -1.4e-6, 1.5e-6, -2.5e-6, 0.9999995, -0.9999995]
            ),
            st.floats(-99.0, 99.0),
        ),
    )
)
def test_six_decimals_by_bytes_match_per_cell_formatting(block: np.ndarray) -> None:
    assert tables._fixed_six(block) == _six_per_cell(block)


def test_a_correlation_table_over_several_row_blocks_has_every_row() -> None:
    """Above ``_ROWS_PER_BLOCK`` (256) sleeves the rows are formatted a block at a time; the
    table must still hold one row per sleeve, named and in the header's order, each equal to
    the cell-by-cell formatting of pandas' correlation (a second implementation)."""
    n = tables._ROWS_PER_BLOCK + 44
    rng = np.random.default_rng(11)
    index = pd.bdate_range("2024-01-01", periods=40)
    values = rng.normal(0.0, 0.01, (len(index), n))
    series = {f"s{k:03d}": pd.Series(values[:, k], index=index) for k in range(n)}
    specs = tuple(SleeveSpec(id=s, kind="atomic", location=s, profile=f"p_{s}") for s in series)
    profile = MetaProfile(name="meta_wide", sleeves=specs)
    atoms = {sid: atom(sid, s, "equal_weight") for sid, s in series.items()}
    outcome = build_meta(MetaInputs(profile, "equal_weight", atoms, {}))
    rows = list(csv.reader(table_documents(outcome)["correlation"].splitlines()))
    order = rows[0][1:]
    assert sorted(order) == sorted(series) and [row[0] for row in rows[1:]] == order
    rho = pd.DataFrame(series)[order].corr().to_numpy()
    expected = _six_per_cell(rho)
    assert [",".join(row[1:]) for row in rows[1:]] == expected
