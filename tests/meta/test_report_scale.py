"""The report at any size: a 1,000-sleeve profile stays under 1 MB with capped tables.

Expected rows are chosen here from the outcome's weights (a plain sort), and the most
correlated pair from ``np.corrcoef`` of the matrix: a second implementation, not the report's.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from builders import atom
from hypothesis import given, settings
from hypothesis import strategies as st

from tradingview_scraper.contracts import (
    MetaProfile,
    SleeveSpec,
)
from tradingview_scraper.meta._report_structure import extreme_pairs
from tradingview_scraper.meta.aggregate import MetaInputs, MetaOutcome, build_meta
from tradingview_scraper.meta.report import render_report

N = 1000
DAYS = 60
INDEX = pd.bdate_range("2024-01-01", periods=DAYS)
MB = 2**20


def _large(risks: tuple[str, ...] = ("hrp", "equal_weight")) -> dict[str, MetaOutcome]:
    rng = np.random.default_rng(7)
    factor = rng.normal(0.0, 0.01, DAYS)
    loads = rng.uniform(-1.0, 1.0, N)
    noise = rng.normal(0.0, 0.01, (DAYS, N)) * rng.uniform(0.5, 2.0, N)
    matrix = factor[:, None] * loads[None, :] + noise
    ids = [f"s{i:04d}" for i in range(N)]
    specs = tuple(
        SleeveSpec(id=sid, kind="atomic", location=f"sleeves[{i}]", profile=f"prof_{sid}")
        for i, sid in enumerate(ids)
    )
    profile = MetaProfile(name="meta_big", sleeves=specs)
    outcomes = {}
    for risk in risks:
        atoms = {
            sid: atom(
                sid,
                pd.Series(matrix[:, i], index=INDEX),
                risk,
                reason="" if i % 250 != 7 else "1/4 windows succeeded",
            )
            for i, sid in enumerate(ids)
        }
        outcomes[risk] = build_meta(MetaInputs(profile, risk, atoms, {}))
    return outcomes


@pytest.fixture(scope="module")
def large() -> dict[str, MetaOutcome]:
    return _large()


@pytest.fixture(scope="module")
def report(large: dict[str, MetaOutcome]) -> str:
    return render_report(large, meta_run_id="big_run", generated_at="2026-01-06T00:00:00Z")


def _block(report: str, top: str, title: str) -> str:
    part = report.split(f"## {top}\n", 1)[1].split("\n## ", 1)[0]
    return part.split(f"### {title}\n", 1)[1].split("\n### ", 1)[0].strip("\n")


def _first_cells(text: str) -> list[str]:
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return [row.split(" | ")[0][2:] for row in rows[2:]] if rows else []  # after the header


def test_a_thousand_sleeves_give_a_report_under_one_megabyte(report: str) -> None:
    assert len(report.encode("utf-8")) <= MB
    # no table anywhere lists more than the cap: header + separator + at most 30 rows
    blocks = re.findall(r"(?:^\|.*\n)+", report, flags=re.MULTILINE)
    assert blocks and max(len(b.splitlines()) for b in blocks) <= 2 + 30


def test_allocation_shows_top_by_weight_and_risk_then_names_the_csv(
    large: dict[str, MetaOutcome], report: str
) -> None:
    outcome = large["hrp"]
    text = _block(report, "Risk profile: hrp", "Sleeve allocation")
    ids = [s.spec.id for s in outcome.sleeves]
    weight = {s.spec.id: s.weight for s in outcome.sleeves}
    risk = {s.spec.id: s.risk_contribution for s in outcome.sleeves}
    by_weight = sorted(ids, key=lambda i: (-weight[i], ids.index(i)))[:20]
    by_risk = sorted(ids, key=lambda i: (-risk[i], ids.index(i)))[:20]
    tables = text.split("Top 20 by risk contribution:", 1)
    assert f"Top 20 of {N} sleeves by final weight:" in tables[0]
    assert _first_cells(tables[0]) == by_weight
    assert _first_cells(tables[1]) == by_risk
    more = N - len(set(by_weight) | set(by_risk))
    assert (
        f"... and {more} more sleeves: all {N} are in `data/meta_sleeves_meta_big_hrp.csv`." in text
    )


def test_summary_lists_the_largest_sleeves_and_the_vetoes(
    large: dict[str, MetaOutcome], report: str
) -> None:
    summary = report.split("## Summary\n", 1)[1].split("\n## ", 1)[0]
    vetoed = [f"s{i:04d}" for i in range(N) if i % 250 == 7]
    assert f"| hrp | hrp | {N - len(vetoed)} of {N} | {len(vetoed)} ({', '.join(vetoed)}) |" in (
        summary
    )
    largest = {
        s.spec.id: max(o.weights[s.spec.id] for o in large.values()) for s in large["hrp"].sleeves
    }
    ids = list(largest)
    top = sorted(ids, key=lambda i: (-largest[i], ids.index(i)))[:20]
    weights_table = summary.split("manifest order:", 1)[1]
    assert _first_cells(weights_table) == sorted(top)
    assert (
        "... and 980 more sleeves: all 1000 are in `data/meta_sleeves_meta_big_hrp.csv` "
        "(one such file per risk profile)." in weights_table
    )


def test_large_profiles_get_pairs_and_splits_instead_of_the_matrix(
    large: dict[str, MetaOutcome], report: str
) -> None:
    outcome = large["hrp"]
    frame = outcome.returns.frame
    corr = np.corrcoef(frame.to_numpy(), rowvar=False)
    np.fill_diagonal(corr, -np.inf)
    i, j = np.unravel_index(int(np.argmax(corr)), corr.shape)
    a, b = sorted((str(frame.columns[i]), str(frame.columns[j])))
    text = _section_anywhere(report, "Correlation matrix")
    assert "| sleeve | s0000 |" not in text  # no 1000-column table
    most = text.split("Most correlated pairs:", 1)[1].split("Least", 1)[0]
    first = next(line for line in most.splitlines() if re.match(r"\| s\d", line))
    assert first == f"| {a} | {b} | {corr[i, j]:.3f} |"
    tree = _block(report, "Risk profile: hrp", "Cluster tree")
    assert "```text" not in tree
    assert "Top HRP bisection splits:" in tree
    assert f"| 0 | {len(outcome.allocation.tree.splits[0].left)} sleeves: " in tree


def _section_anywhere(report: str, title: str) -> str:
    text = _block(report, "Risk profile: hrp", title)
    if text.startswith("Same for every risk profile"):
        return _block(report, "Common to every risk profile", title)
    return text


def test_identical_sections_appear_once(report: str) -> None:
    # both risk profiles read the same streams: the calendar is the same
    common = report.split("## Common to every risk profile\n", 1)[1].split("\n## ", 1)[0]
    assert "### Calendar integrity" in common
    included = N - len([i for i in range(N) if i % 250 == 7])
    assert f"The 20 of {included} sleeves that lost the most days:" in common
    for risk in ("hrp", "equal_weight"):
        assert _block(report, f"Risk profile: {risk}", "Calendar integrity").startswith(
            "Same for every risk profile: see [Common to every risk profile]"
        )
    assert report.count("### Calendar integrity\n\nAlignment") == 1


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, 9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0, float("nan")]),
                min_size=n * n,
                max_size=n * n,
            ),
            st.integers(1, 6),
        )
    )
)
def test_extreme_pairs_break_ties_by_row_then_column(case: tuple[int, list[float], int]) -> None:
    """Few distinct values, so most pairs tie: the chosen pairs are those of a plain sort of
    every pair by (value, i, j), not whichever tied pairs a partition happened to keep."""
    n, cells, k = case
    upper = np.triu(np.array(cells).reshape(n, n), 1)
    corr = upper + upper.T
    np.fill_diagonal(corr, 1.0)
    pairs = [(corr[i, j], i, j) for i in range(n) for j in range(i + 1, n)]
    pairs = [p for p in pairs if not np.isnan(p[0])]
    high = [(i, j) for _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))[:k]]
    low = [(i, j) for _, i, j in sorted(pairs, key=lambda p: (p[0], p[1], p[2]))[:k]]
    assert extreme_pairs(corr, k) == (high, low)
