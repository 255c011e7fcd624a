"""Breaking any one pipeline rule must fail the golden suite with a readable drift report.

Each test monkeypatches one rule (the calendar join, the HRP linkage and split rule, bound
projection, the flatten sign rule, the nested weighted sum, the health threshold, the clipping
range, the report's metric formulas), reruns a fixture case, and compares it with the checked-in
goldens through the same syrupy extensions the golden suite uses.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import pdist, squareform

from tradingview_scraper.allocation import api, hrp, tree
from tradingview_scraper.cli import main as tv_meta
from tradingview_scraper.harness.cases import cases, golden_outputs, run_case
from tradingview_scraper.harness.drift import ACCEPT_COMMAND
from tradingview_scraper.harness.layout import golden_path
from tradingview_scraper.harness.syrupy_ext import GoldenJSONExtension, GoldenMarkdownExtension
from tradingview_scraper.io import cache, weights
from tradingview_scraper.meta import aggregate, loader, stats

REPO = Path(__file__).resolve().parents[2]
CASES = {c.name: c for c in cases(REPO / "fixtures" / "workspaces", expect="success")}


def drift_reports(case_name: str, tmp_path: Path) -> dict[str, str]:
    """Golden name -> drift report, for every artifact that no longer matches its golden."""
    case = CASES[case_name]
    out: dict[str, str] = {}
    # as the golden suite runs it: figures drawn only for a "draw_figures" case
    run = run_case(case, tmp_path / "ws", draw_figures=case.draw_figures)
    for name, (kind, text) in golden_outputs(case, run, cli=tv_meta).items():
        extension = GoldenJSONExtension() if kind == "json" else GoldenMarkdownExtension()
        golden = golden_path(REPO, name, kind).read_text()
        if not extension.matches(serialized_data=text, snapshot_data=golden):
            out[name] = "\n".join(extension.diff_lines(text, golden))
    return out


def test_unbroken_pipeline_matches_every_golden(tmp_path: Path) -> None:
    for name in ("nested_depth2", "shorts_fx"):
        assert drift_reports(name, tmp_path / name) == {}


# ------------------------------------------------------------------------------ the breaks


def outer_join(monkeypatch: pytest.MonkeyPatch) -> None:
    original = aggregate.align

    def padded(streams: Any, alignment: str = "intersect", **kwargs: Any) -> Any:
        union = pd.DatetimeIndex(sorted(set().union(*(s.series.index for s in streams))))
        filled = [
            dataclasses.replace(s, series=s.series.reindex(union).ffill().fillna(0.0))
            for s in streams
        ]
        return original(filled, alignment, **kwargs)

    monkeypatch.setattr(aggregate, "align", padded)


def equal_weight_inside_clusters(monkeypatch: pytest.MonkeyPatch) -> None:
    def variance(cov: np.ndarray, members: np.ndarray) -> float:
        sub = cov[np.ix_(members, members)]
        w = np.full(len(members), 1.0 / len(members))
        return float(w @ sub @ w)

    monkeypatch.setattr(hrp, "cluster_variance", variance)


def linkage_on_distance_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    original = tree.scipy_linkage

    def paper_variant(condensed: np.ndarray, method: str) -> Any:
        return original(pdist(squareform(condensed)), method=method)

    monkeypatch.setattr(tree, "scipy_linkage", paper_variant)


def clip_and_renormalize(monkeypatch: pytest.MonkeyPatch) -> None:
    def naive(raw: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        clipped = np.clip(raw, lower, upper)
        return np.asarray(clipped / clipped.sum(), dtype=np.float64)

    monkeypatch.setattr(api, "project_to_bounds", naive)


def unsigned_nets(monkeypatch: pytest.MonkeyPatch) -> None:
    original = weights._flattened_net
    monkeypatch.setattr(weights, "_flattened_net", lambda asset, where: abs(original(asset, where)))


def equal_weighted_branch_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    def mean(frame: pd.DataFrame, _weights: Any, *, name: str) -> pd.Series:
        return frame.mean(axis=1).rename(name)

    monkeypatch.setattr(aggregate, "weighted_stream", mean)


def looser_health_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    original = loader.assess_health

    def lenient(sleeve_id: str, ledger: Any, risk: str, settings: Any, **kwargs: Any) -> Any:
        return original(
            sleeve_id, ledger, risk, dataclasses.replace(settings, min_success_ratio=0.3), **kwargs
        )

    monkeypatch.setattr(loader, "assess_health", lenient)


def clip_at_five_percent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        aggregate,
        "normalize_stream",
        functools.partial(aggregate.normalize_stream, clip_above=0.05),
    )


def always_252_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats, "periods_per_year", lambda index: 252)


def cache_that_never_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "load_matrix", lambda lakehouse, key: None)


Break = Callable[[pytest.MonkeyPatch], None]
BREAKS: list[tuple[str, Break, str, str, list[str]]] = [
    # (id, break, case, golden that must drift, lines its drift report must contain)
    (
        "calendar_join",
        outer_join,
        "calendar_intersect",
        "calendar_intersect.hrp.meta_cal.returns",
        ["calendar rows:", "+ row 2025-10-04"],
    ),
    (
        "hrp_split_rule",
        equal_weight_inside_clusters,
        "multi_risk",
        "multi_risk.hrp.meta_multi.optimized",
        ["weights.s0.Weight:", " bp)"],
    ),
    (
        "hrp_linkage",
        linkage_on_distance_columns,
        "multi_risk",
        "multi_risk.hrp.meta_multi.cluster_tree",
        ["tree.linkage.matrix"],
    ),
    (
        "bound_projection",
        clip_and_renormalize,
        "bounds_binding",
        "bounds_binding.inverse_volatility.meta_bounds.optimized",
        [".Weight:", " bp)"],
    ),
    (
        "flatten_sign",
        unsigned_nets,
        "shorts_fx",
        "shorts_fx.inverse_volatility.meta_signs.flattened",
        ["weights.NASDAQ:AAPL.Net_Weight:"],
    ),
    (
        "nested_sum",
        equal_weighted_branch_stream,
        "nested_depth2",
        "nested_depth2.hrp.meta_root.returns",
        ["values:", "frame.rows.2025-11-01.branch: "],
    ),
    (
        "health_threshold",
        looser_health_threshold,
        "health_veto",
        "health_veto.hrp.meta_health.optimized",
        ["weights.flaky.Weight: 0 ->", "weights.flaky.Status: 'vetoed' -> 'included'"],
    ),
    (
        "clipping_range",
        clip_at_five_percent,
        "calendar_intersect",
        "calendar_intersect.hrp.meta_cal.manifest",
        ["calendar.sleeves.crypto.clipped: 0 ->"],
    ),
    (
        "matrix_cache",
        cache_that_never_hits,
        "nested_depth2",
        "nested_depth2.cache",
        ["second_run.hits", "'[hrp] cache: 2 of 2 return matrices reused' -> '[hrp] cache: 0 of 2"],
    ),
    (
        "report_metrics",
        always_252_days,
        "nested_depth2",
        "nested_depth2.report",
        [
            "-Over the 50 common days of the meta calendar; annualization factor 365",
            "+Over the 50 common days of the meta calendar; annualization factor 252",
        ],
    ),
]


@pytest.mark.parametrize(
    ("break_rule", "case", "golden", "expected"),
    [pytest.param(b, c, g, e, id=i) for i, b, c, g, e in BREAKS],
)
def test_a_broken_rule_fails_with_a_readable_drift_report(
    break_rule: Break,
    case: str,
    golden: str,
    expected: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    break_rule(monkeypatch)
    reports = drift_reports(case, tmp_path)
    assert golden in reports, f"no drift in {golden}; drifted: {sorted(reports)}"
    report = reports[golden]
    for line in expected:
        assert line in report, report
    assert report.splitlines()[0].startswith("golden drift in ")
    assert report.splitlines()[-1] == f"accept the change with: {ACCEPT_COMMAND}"
