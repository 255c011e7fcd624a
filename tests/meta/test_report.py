"""The markdown report, rendered from MetaOutcomes built in memory with ``build_meta``.

Expected numbers are computed here from the inputs (plain ``statistics``) or from the outcome's
weights, never copied from a rendered report.
"""

from __future__ import annotations

import dataclasses
import math
import re
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import ABSOLUTE_RUNS, atom, spec

from tradingview_scraper.contracts import (
    AllocationSettings,
    HealthSettings,
    Ledger,
    LedgerAction,
    MetaProfile,
    SleeveSpec,
)
from tradingview_scraper.meta._report_format import MAX_FILES, fmt, more_line, table
from tradingview_scraper.meta.aggregate import MetaInputs, MetaOutcome, build_meta
from tradingview_scraper.meta.artifacts import manifest_document
from tradingview_scraper.meta.report import render_report
from tradingview_scraper.meta.stats import profile_stats

SECTIONS = (
    "Sleeve allocation",
    "Performance",
    "Correlation benefit",
    "Calendar integrity",
    "Sleeve health",
    "Correlation matrix",
    "Cluster tree",
    "Nested meta profiles",
    "Top physical assets",
    "Anomalies",
)
WEEKDAYS = pd.bdate_range("2024-01-01", periods=80)
EVERY_DAY = pd.date_range("2024-01-01", periods=80, freq="D")


def pct(value: float) -> str:
    """The report's percentage format, written out independently."""
    text = f"{100.0 * value:.2f}"
    return ("0.00" if text == "-0.00" else text) + "%"


# --- building inputs -----------------------------------------------------------------------------


def _noise(seed: int, scale: float, index: pd.DatetimeIndex = WEEKDAYS) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(rng.normal(0.0005, scale, len(index)), index=index)


def _branch_spec(sid: str, meta_profile: str) -> SleeveSpec:
    return SleeveSpec(id=sid, kind="meta", location=f"sleeves[{sid}]", meta_profile=meta_profile)


def _profile(name: str, specs: Sequence[SleeveSpec], *, min_sleeves: int = 2) -> MetaProfile:
    return MetaProfile(
        name=name, sleeves=tuple(specs), health=HealthSettings(min_sleeves=min_sleeves)
    )


def _flat(
    name: str,
    series: Mapping[str, pd.Series],
    risks: Sequence[str] = ("hrp",),
    **atom_options: Any,
) -> dict[str, MetaOutcome]:
    """One-level meta profile over ``series`` (sleeve id -> returns) for each risk profile."""
    profile = _profile(name, [spec(s) for s in series])
    outcomes = {}
    for risk in risks:
        atoms = {sid: atom(sid, s, risk, **atom_options.get(sid, {})) for sid, s in series.items()}
        outcomes[risk] = build_meta(MetaInputs(profile, risk, atoms, {}))
    return outcomes


def _render(outcomes: Mapping[str, MetaOutcome], **options: int) -> str:
    return render_report(
        outcomes, meta_run_id="meta_run_1", generated_at="2026-01-06T00:00:00Z", **options
    )


def _part(report: str, top: str, title: str) -> str:
    part = report.split(f"## {top}\n", 1)[1].split("\n## ", 1)[0]
    return part.split(f"### {title}\n", 1)[1].split("\n### ", 1)[0].strip("\n")


def _section(report: str, risk: str, title: str) -> str:
    """The text of ``### title`` under ``## Risk profile: risk`` (or under the common section
    when the risk profile's section points there)."""
    text = _part(report, f"Risk profile: {risk}", title)
    if text.startswith("Same for every risk profile: see [Common to every risk profile]"):
        return _part(report, "Common to every risk profile", title)
    return text


def _row(text: str, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell is ``first_cell``."""
    for line in text.splitlines():
        if line.startswith(f"| {first_cell} |"):
            return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
    raise AssertionError(f"no row {first_cell!r} in:\n{text}")


def _build_three_sleeves() -> dict[str, MetaOutcome]:
    """a, b healthy; c vetoed with a reason that holds a ``|``; b has a ledger anomaly."""
    ledger = Ledger(
        path="runs/b/audit.jsonl",
        genesis=None,
        actions=(
            LedgerAction(
                line=7,
                step="backtest_simulate",
                status="success",
                window=3,
                risk_profile="hrp",
                engine=None,
                metrics={"sharpe": 12.5, "annualized_vol": 0.4, "annualized_return": 1.1},
            ),
        ),
    )
    return _flat(
        "meta_demo",
        {"a": _noise(1, 0.01), "b": _noise(2, 0.02), "c": _noise(3, 0.01)},
        risks=("hrp", "erc"),
        b={"ledger": ledger, "nets": {"X:A": 0.5, "X:B": -0.25}},
        c={"reason": "1/4 windows succeeded | below 0.75"},
    )


@pytest.fixture(scope="module")
def three_sleeves() -> dict[str, MetaOutcome]:
    return _build_three_sleeves()


# --- structure and formatting ------------------------------------------------------------------


def test_every_section_appears_in_order_for_each_risk_profile(
    three_sleeves: dict[str, MetaOutcome],
) -> None:
    report = _render(three_sleeves)
    assert report.startswith("# Meta portfolio report: meta_demo\n")
    tops = re.findall(r"^## (.+)$", report, flags=re.MULTILINE)
    assert tops == [
        "Summary",
        "Common to every risk profile",
        "Risk profile: hrp",
        "Risk profile: erc",
    ]
    for risk in ("hrp", "erc"):
        part = report.split(f"## Risk profile: {risk}\n", 1)[1].split("\n## ", 1)[0]
        assert re.findall(r"^### (.+)$", part, flags=re.MULTILINE) == list(SECTIONS)


def test_title_names_run_time_profiles_and_structure(three_sleeves: dict[str, MetaOutcome]) -> None:
    head = _render(three_sleeves).split("## Summary", 1)[0]
    assert "`meta_run_1`" in head
    assert "2026-01-06T00:00:00Z" in head
    assert "risk profiles: hrp, erc" in head
    assert "`meta_demo` = {a, b, c}" in head


def _tables(report: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    previous = ""
    for line in report.splitlines():
        if line.startswith("|"):
            if previous.startswith("|"):
                blocks[-1].append(line)
            else:
                blocks.append([line])
        previous = line
    return blocks


def test_tables_are_valid_github_markdown(three_sleeves: dict[str, MetaOutcome]) -> None:
    tables = _tables(_render(three_sleeves))
    # summary 2; once for both risk profiles (same streams): calendar, correlation; per risk
    # profile allocation, performance, health, assets; hrp adds its bisection splits and the
    # anomaly of b's ledger
    assert len(tables) == 2 + 2 + 2 * 4 + 2
    for block in tables:
        pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in block]
        assert len(set(pipes)) == 1, block
        assert re.fullmatch(r"\|( --- \|)+", block[1]), block
        assert len(block) >= 3, block  # header, separator, at least one row


def test_pipes_inside_cells_are_escaped(three_sleeves: dict[str, MetaOutcome]) -> None:
    health = _section(_render(three_sleeves), "hrp", "Sleeve health")
    assert "1/4 windows succeeded \\| below 0.75" in health


def test_output_is_deterministic_and_clean(three_sleeves: dict[str, MetaOutcome]) -> None:
    report = _render(three_sleeves)
    assert report == _render(three_sleeves)
    assert report == _render(_build_three_sleeves())  # the same inputs built afresh
    assert report.endswith("\n") and not report.endswith("\n\n")
    assert all(line == line.rstrip() for line in report.splitlines())
    assert str(ABSOLUTE_RUNS) not in report
    assert "\n\n\n" not in report


def test_rejects_empty_and_mixed_outcomes(three_sleeves: dict[str, MetaOutcome]) -> None:
    with pytest.raises(ValueError, match="no outcomes to report"):
        _render({})
    other = _flat("meta_other", {"a": _noise(1, 0.01), "b": _noise(2, 0.02)})
    with pytest.raises(ValueError, match=r"several meta profiles \['meta_demo', 'meta_other'\]"):
        _render({"hrp": three_sleeves["hrp"], "erc": other["hrp"]})


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (0.527312345, "pct", "52.73%"),
        (-0.00001, "pct", "0.00%"),
        (-0.0, "dec", "0.000000"),
        (0.5273125, "dec", "0.527312"),
        (1.234, "num", "1.23"),
        (-0.98765, "corr", "-0.988"),
        (None, "pct", "n/a"),
        (float("nan"), "num", "n/a"),
        (float("inf"), "pct", "n/a"),
    ],
)
def test_number_format(value: float | None, style: str, expected: str) -> None:
    assert fmt(value, style) == expected


def test_table_escapes_and_checks_width() -> None:
    assert table(["a", "b"], [["x|y", ""]]) == ["| a | b |", "| --- | --- |", "| x\\|y | - |"]
    with pytest.raises(ValueError, match="table row has 1 cells, expected 2"):
        table(["a", "b"], [["only"]])


# --- content -----------------------------------------------------------------------------------


def test_summary_rows_and_final_weights(three_sleeves: dict[str, MetaOutcome]) -> None:
    summary = _render(three_sleeves).split("## Summary\n", 1)[1].split("\n## ", 1)[0]
    for risk, outcome in three_sleeves.items():
        row = _row(summary, risk)
        assert row[1] == outcome.method == risk
        assert row[2] == "2 of 3"
        assert row[3] == "1 (c)"
        assert row[9] == "none"
    for sid in ("a", "b"):
        row = _row(summary, sid)
        assert row[1:] == [pct(three_sleeves[r].weights[sid]) for r in ("hrp", "erc")]
    assert _row(summary, "c")[1:] == ["0.00% (vetoed)", "0.00% (vetoed)"]


def test_vetoed_sleeve_and_reason_in_health_and_allocation(
    three_sleeves: dict[str, MetaOutcome],
) -> None:
    report = _render(three_sleeves)
    health = _row(_section(report, "hrp", "Sleeve health"), "c")
    assert health[1:4] == ["c_20260105-120000", "newest of 2 runs", "-"]
    assert health[4:] == ["4", "1", "25.00%", "vetoed", "1/4 windows succeeded \\| below 0.75"]
    assert _row(_section(report, "hrp", "Sleeve health"), "a")[3:] == [
        "runs/a/data/returns/custom_cvx_hrp.pkl",
        "4",
        "4",
        "100.00%",
        "included",
        "-",
    ]
    allocation = _row(_section(report, "hrp", "Sleeve allocation"), "c")
    assert allocation[2:5] == ["vetoed", "-", "0.00% (0.000000)"]


def test_allocation_table_shows_raw_final_bounds_and_effective_n(
    three_sleeves: dict[str, MetaOutcome],
) -> None:
    outcome = three_sleeves["erc"]
    text = _section(_render(three_sleeves), "erc", "Sleeve allocation")
    weights = outcome.allocation.weights
    for i, sid in enumerate(("a", "b")):
        row = _row(text, sid)
        assert row[4] == f"{pct(weights[i])} ({weights[i]:.6f})"
        assert row[5] == "[0.00%, 100.00%]"
        # ERC without binding bounds: equal risk shares
        assert row[7] == pct(0.5)
    effective = 1.0 / sum(w * w for w in outcome.weights.values())
    assert f"Effective number of sleeves (1 / sum w^2): {effective:.2f}." in text


def test_binding_bound_shows_raw_final_and_active_bound() -> None:
    a, b = _noise(81, 0.01), _noise(82, 0.03)
    profile = dataclasses.replace(
        _profile("meta_bounds", [spec("a"), spec("b")]),
        allocation=AllocationSettings(max_weight=0.6),
    )
    risk = "inverse_volatility"
    atoms = {"a": atom("a", a, risk), "b": atom("b", b, risk)}
    report = _render({risk: build_meta(MetaInputs(profile, risk, atoms, {}))})
    text = _section(report, risk, "Sleeve allocation")
    inverse = {"a": 1.0 / statistics.stdev(a), "b": 1.0 / statistics.stdev(b)}
    raw_a = inverse["a"] / (inverse["a"] + inverse["b"])
    assert raw_a > 0.6  # the cap binds
    row = _row(text, "a")
    assert row[3] == f"{pct(raw_a)} ({raw_a:.6f})"
    assert row[4:7] == ["60.00% (0.600000)", "[0.00%, 60.00%]", "upper"]
    assert _row(text, "b")[4:7] == ["40.00% (0.400000)", "[0.00%, 60.00%]", "-"]


def test_weekday_calendar_annualizes_with_252() -> None:
    a, b = _noise(11, 0.01), _noise(12, 0.03)
    report = _render(_flat("meta_wk", {"a": a, "b": b}))
    text = _section(report, "hrp", "Performance")
    assert "annualization factor 252 (the meta calendar has no weekend dates)" in text
    assert _row(text, "a")[2] == pct(statistics.stdev(a) * math.sqrt(252))


def test_weekend_dates_switch_annualization_to_365() -> None:
    a, b = _noise(11, 0.01, EVERY_DAY), _noise(12, 0.03, EVERY_DAY)
    weekend = sum(1 for d in EVERY_DAY if d.weekday() >= 5)
    report = _render(_flat("meta_wk", {"a": a, "b": b}))
    text = _section(report, "hrp", "Performance")
    assert f"annualization factor 365 (the meta calendar has {weekend} weekend dates)" in text
    assert _row(text, "b")[2] == pct(statistics.stdev(b) * math.sqrt(365))
    growth = math.prod(1.0 + r for r in a)
    assert _row(text, "a")[1] == pct(growth ** (365 / len(a)) - 1.0)
    assert f"{weekend} weekend rows" in _section(report, "hrp", "Calendar integrity")


def test_correlation_benefit_passes_for_offsetting_sleeves() -> None:
    a = _noise(21, 0.01)
    b = -a + _noise(22, 0.001)  # nearly a mirror image: mixing cancels most risk
    report = _render(_flat("meta_hedge", {"a": a, "b": b}))
    text = _section(report, "hrp", "Correlation benefit")
    vols = {"a": statistics.stdev(a) * math.sqrt(252), "b": statistics.stdev(b) * math.sqrt(252)}
    lowest = min(vols, key=vols.__getitem__)
    assert text.startswith("**PASS**: meta portfolio volatility ")
    assert f"is below the lowest sleeve volatility {pct(vols[lowest])} (`{lowest}`)" in text
    assert _row(report.split("## Summary", 1)[1], "hrp")[8] == "PASS"


def test_correlation_benefit_fails_for_identical_sleeves() -> None:
    a = _noise(31, 0.01)
    report = _render(_flat("meta_same", {"a": a, "b": a.copy()}))
    text = _section(report, "hrp", "Correlation benefit")
    vol = pct(statistics.stdev(a) * math.sqrt(252))
    assert text.startswith(f"**FAIL**: meta portfolio volatility {vol} is not below")
    assert f"lowest sleeve volatility {vol} (`a`)" in text
    assert _row(report.split("## Summary", 1)[1], "hrp")[8] == "FAIL"


def test_correlation_benefit_ignores_rounding_noise() -> None:
    a = _noise(33, 0.01)
    outcome = _flat("meta_same", {"a": a, "b": a.copy()})["hrp"]
    # a meta stream a hair quieter than its identical sleeves is rounding, not diversification
    noise = dataclasses.replace(outcome, stream=outcome.stream * (1.0 - 1e-12))
    assert profile_stats(noise).benefit == "FAIL"
    quieter = dataclasses.replace(outcome, stream=outcome.stream * (1.0 - 1e-6))
    assert profile_stats(quieter).benefit == "PASS"


def test_correlation_matrix_has_three_decimals(three_sleeves: dict[str, MetaOutcome]) -> None:
    text = _section(_render(three_sleeves), "hrp", "Correlation matrix")
    frame = three_sleeves["hrp"].returns.frame
    rho = statistics.correlation(list(frame["a"]), list(frame["b"]))
    assert _row(text, "a")[1:] == ["1.000", f"{rho:.3f}"]
    assert _row(text, "b")[1:] == [f"{rho:.3f}", "1.000"]


def test_cluster_tree_and_hrp_splits() -> None:
    a = _noise(41, 0.01)
    b = a + _noise(42, 0.002)  # b tracks a: they merge first
    c = _noise(43, 0.015)
    outcomes = _flat("meta_tree", {"a": a, "b": b, "c": c})
    text = _section(_render(outcomes), "hrp", "Cluster tree")

    def distance(x: pd.Series, y: pd.Series) -> str:
        return f"{math.sqrt(0.5 * (1.0 - statistics.correlation(list(x), list(y)))):.4f}"

    # single linkage: the root joins c to {a, b} at the smaller of its two distances
    root = min(distance(a, c), distance(b, c))
    block = text.split("```text\n", 1)[1].split("\n```", 1)[0]
    assert block.splitlines() == [
        f"node 4 (distance {root})",
        "├── c",
        f"└── node 3 (distance {distance(a, b)})",
        "    ├── a",
        "    └── b",
    ]
    tree = outcomes["hrp"].allocation.tree
    assert tree is not None and len(tree.splits) == 2  # n - 1 bisections
    assert set(tree.splits[0].left + tree.splits[0].right) == {"a", "b", "c"}
    splits = text.split("HRP bisection splits:", 1)[1]
    for split in tree.splits:
        row = _row(splits, ", ".join(split.left))
        assert row[1] == ", ".join(split.right)
        assert row[4] == pct(split.alpha)


def test_one_sleeve_has_no_tree() -> None:
    profile = _profile("meta_one", [spec("a")], min_sleeves=1)
    outcome = build_meta(MetaInputs(profile, "hrp", {"a": atom("a", _noise(51, 0.01), "hrp")}, {}))
    report = _render({"hrp": outcome})
    assert _section(report, "hrp", "Cluster tree").strip() == "n/a (one sleeve)"
    assert (
        _section(report, "hrp", "Nested meta profiles").strip() == "none: every sleeve is atomic."
    )


def test_nested_profiles_show_effective_weights_through_three_levels() -> None:
    risk = "erc"
    leaf = _profile("meta_leaf", [spec("d"), spec("e")])
    mid = _profile("meta_mid", [spec("b"), _branch_spec("inner", "meta_leaf")])
    root = _profile("meta_root", [spec("a"), _branch_spec("outer", "meta_mid"), spec("v")])
    leaf_in = MetaInputs(
        leaf,
        risk,
        {"d": atom("d", _noise(61, 0.01), risk), "e": atom("e", _noise(62, 0.02), risk)},
        {},
    )
    mid_in = MetaInputs(mid, risk, {"b": atom("b", _noise(63, 0.015), risk)}, {"inner": leaf_in})
    root_atoms = {
        "a": atom("a", _noise(64, 0.01), risk),
        "v": atom("v", None, risk, reason="no ledger (audit.jsonl) and require_ledger is true"),
    }
    outcome = build_meta(MetaInputs(root, risk, root_atoms, {"outer": mid_in}))
    report = _render({risk: outcome})
    text = _section(report, risk, "Nested meta profiles")

    w_outer = outcome.weights["outer"]
    mid_out = outcome.branches["outer"]
    w_inner = mid_out.weights["inner"]
    leaf_out = mid_out.branches["inner"]
    outer_part = text.split("#### Branch `outer`: meta profile `meta_mid`", 1)[1].split("####")[0]
    assert f"Weight in the root: {pct(w_outer)}." in outer_part
    assert _row(outer_part, "b")[3:] == [
        pct(mid_out.weights["b"]),
        pct(w_outer * mid_out.weights["b"]),
    ]
    assert _row(outer_part, "inner")[1] == "meta (meta_leaf)"
    inner_part = text.split("#### Branch `outer/inner`: meta profile `meta_leaf`", 1)[1]
    assert f"Weight in the root: {pct(w_outer * w_inner)}." in inner_part
    for sid in ("d", "e"):
        within = leaf_out.weights[sid]
        assert _row(inner_part, sid)[3:] == [pct(within), pct(w_outer * w_inner * within)]

    head = report.split("## Summary", 1)[0]
    assert "`meta_root` = {a, outer, v}" in head
    assert "branch `outer` -> `meta_mid` = {b, inner}" in head
    assert "branch `outer/inner` -> `meta_leaf` = {d, e}" in head
    health = _section(report, risk, "Sleeve health")
    assert [line.split(" | ")[0] for line in health.splitlines() if line.startswith("| ")][2:] == [
        "| a",
        "| v",
        "| outer/b",
        "| outer/inner/d",
        "| outer/inner/e",
    ]
    assert _row(health, "v")[-1] == "no ledger (audit.jsonl) and require_ledger is true"


def test_top_assets_limit_contributions_and_totals() -> None:
    nets = {
        "a": {"X:BTC": 0.6, "X:ETH": 0.4},
        "b": {"X:BTC": 0.3, "X:SPY": -0.2, "X:TLT": 0.5},
    }
    outcomes = _flat(
        "meta_assets",
        {"a": _noise(71, 0.01), "b": _noise(72, 0.02)},
        a={"nets": nets["a"]},
        b={"nets": nets["b"]},
    )
    w = outcomes["hrp"].weights
    expected: dict[str, float] = {}
    for sid, holdings in nets.items():
        for symbol, net in holdings.items():
            expected[symbol] = expected.get(symbol, 0.0) + w[sid] * net
    ranked = sorted(expected, key=lambda s: (-abs(expected[s]), s))
    text = _section(_render(outcomes, top_assets=2), "hrp", "Top physical assets")
    assert "Top 2 of 4 physical assets" in text
    rows = [line for line in text.splitlines() if line.startswith("| X:")]
    assert [r.split(" | ")[0][2:] for r in rows] == ranked[:2]
    btc = _row(text, "X:BTC")
    assert btc[1:4] == [pct(expected["X:BTC"]), "LONG", "a, b"]
    assert btc[4] == f"a={pct(w['a'] * 0.6)}, b={pct(w['b'] * 0.3)}"
    net, gross = sum(expected.values()), sum(abs(v) for v in expected.values())
    assert f"Totals over all 4 assets: net {pct(net)}, gross {pct(gross)}." in text


def test_anomalies_listed_per_risk_profile(three_sleeves: dict[str, MetaOutcome]) -> None:
    report = _render(three_sleeves)
    row = _row(_section(report, "hrp", "Anomalies"), "b")
    assert row == ["b", "3", "12.50", "40.00%", "110.00%", "7"]
    # the ledger's anomaly belongs to the hrp stream only
    assert _section(report, "erc", "Anomalies").rstrip().endswith("\n\nnone")


def test_ignored_upstream_settings_are_named_and_recorded() -> None:
    """Upstream settings the pipeline does not implement appear once, near the top, and in the
    meta manifest; a profile without any says nothing about them."""
    profile = dataclasses.replace(
        _profile("meta_up", [spec("a"), spec("b")]),
        ignored_settings=(
            ("backtest.train_window", 252),
            ("features.feat_directional_sign_test_gate", True),
        ),
    )
    atoms = {"a": atom("a", _noise(71, 0.01), "hrp"), "b": atom("b", _noise(72, 0.02), "hrp")}
    outcome = build_meta(MetaInputs(profile, "hrp", atoms, {}))
    report = _render({"hrp": outcome})
    paths = {"a_20260105-120000": "runs/a", "b_20260105-120000": "runs/b"}
    expected = (
        "Upstream settings accepted but not implemented (ignored): `meta_up`: "
        "`backtest.train_window`, `features.feat_directional_sign_test_gate`."
    )
    assert report.count(expected) == 1
    assert report.index(expected) < report.index("## Summary")
    document = manifest_document(outcome, "meta_run_1", paths)
    assert document["ignored_settings"] == {
        "backtest.train_window": 252,
        "features.feat_directional_sign_test_gate": True,
    }
    plain = build_meta(MetaInputs(_profile("meta_up", [spec("a"), spec("b")]), "hrp", atoms, {}))
    assert "Upstream settings" not in _render({"hrp": plain})
    assert "ignored_settings" not in manifest_document(plain, "meta_run_1", paths)


def test_a_more_line_names_up_to_three_files_then_counts_them() -> None:
    """A nested tree's sleeves sit in one table per meta profile: the line names each file up
    to MAX_FILES (3), and beyond that the root's file and how many others."""
    assert MAX_FILES == 3
    assert more_line(20, 31, "sleeves", "a.csv") == (
        "... and 11 more sleeves: all 31 are in `data/a.csv`."
    )
    assert more_line(20, 62, "sleeves", ["a.csv", "b.csv", "c.csv"]) == (
        "... and 42 more sleeves: all 62 are in `data/a.csv`, `data/b.csv`, `data/c.csv`."
    )
    assert more_line(20, 62, "sleeves", ["a.csv", "b.csv", "c.csv", "d.csv"]) == (
        "... and 42 more sleeves: all 62 are in `data/a.csv` and the sleeves tables of the 3 "
        "nested meta profiles."
    )
