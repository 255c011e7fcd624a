"""Drift reports: structure first, values with absolute change and basis points, capped."""

from __future__ import annotations

import pytest

from tradingview_scraper.harness.drift import (
    ACCEPT_COMMAND,
    DEFAULT_TOLERANCE,
    compare_documents,
    compare_text,
    render_markdown,
    tolerance_for,
)


def _weights(**pairs: float) -> dict[str, object]:
    return {"weights": [{"Symbol": s, "Weight": w} for s, w in pairs.items()]}


def test_weight_move_reported_in_basis_points() -> None:
    drift = compare_documents(
        "opt", _weights(a=0.5, b=0.5), _weights(a=0.52, b=0.48), tolerance=1e-9
    )
    lines = drift.lines()
    assert lines[1] == "  values:"
    assert "    weights.a.Weight: 0.5 -> 0.52 (change +0.02, +200.00 bp)" in lines
    assert "    weights.b.Weight: 0.5 -> 0.48 (change -0.02, -200.00 bp)" in lines
    assert lines[-1] == f"accept the change with: {ACCEPT_COMMAND}"
    assert sorted(drift.changed_weights) == ["weights.a.Weight", "weights.b.Weight"]


def test_structural_changes_come_first() -> None:
    drift = compare_documents(
        "opt", _weights(a=0.5, b=0.5), {**_weights(a=0.6, c=0.4), "new_key": 1}, tolerance=1e-9
    )
    lines = drift.lines()
    assert lines[1] == "  structure:"
    structure = lines[2 : lines.index("  values:")]
    assert "    + weights.c = {'Symbol': 'c', 'Weight': 0.4}" in structure
    assert "    - weights.b = {'Symbol': 'b', 'Weight': 0.5}" in structure
    assert "    + new_key = 1" in structure


def test_calendar_rows_listed_by_date() -> None:
    golden = {"index": ["2026-01-02", "2026-01-03"], "data": [[1.0], [2.0]], "columns": ["a"]}
    current = {"index": ["2026-01-02", "2026-01-05"], "data": [[1.0], [3.0]], "columns": ["a"]}
    drift = compare_documents("returns", golden, current, tolerance=1e-9)
    assert drift.calendar == ["+ row 2026-01-05", "- row 2026-01-03"]


def test_rows_in_another_order_are_drift() -> None:
    """Keyed by symbol and by date, the rows would compare equal in any order; the order of
    the rows and the calendar is part of the artifact (weights by size, dates ascending)."""
    golden = {**_weights(b=0.6, a=0.4), "frame": {"index": ["d1", "d2"], "data": [[1.0], [2.0]]}}
    moved = {**_weights(a=0.4, b=0.6), "frame": {"index": ["d2", "d1"], "data": [[2.0], [1.0]]}}
    golden["frame"]["columns"] = moved["frame"]["columns"] = ["x"]
    drift = compare_documents("opt", golden, moved, tolerance=1e-9)
    assert drift.structural == [
        "~ weights order: ['b', 'a'] -> ['a', 'b']",
        "~ frame.index order: ['d1', 'd2'] -> ['d2', 'd1']",
    ]
    assert not drift.values and not drift.calendar and not drift.empty


def test_a_repeated_row_is_drift() -> None:
    repeated = {"weights": [{"Symbol": "a", "Weight": 0.5}] * 2 + [{"Symbol": "b", "Weight": 0.0}]}
    drift = compare_documents("opt", _weights(a=0.5, b=0.0), repeated, tolerance=1e-9)
    assert drift.structural == ["~ weights order: ['a', 'b'] -> ['a', 'a', 'b']"]


def test_an_added_row_is_not_also_an_order_change() -> None:
    drift = compare_documents("opt", _weights(a=0.5), _weights(a=0.5, b=0.0), tolerance=1e-9)
    assert drift.structural == ["+ weights.b = {'Symbol': 'b', 'Weight': 0.0}"]


@pytest.mark.parametrize(
    ("delta", "drifts"),
    [(DEFAULT_TOLERANCE / 10, False), (DEFAULT_TOLERANCE * 10, True)],
)
def test_tolerance(delta: float, drifts: bool) -> None:
    drift = compare_documents("x", {"v": 0.25}, {"v": 0.25 + delta}, tolerance=DEFAULT_TOLERANCE)
    assert drift.empty is not drifts


def test_per_artifact_tolerance_declared_once() -> None:
    assert tolerance_for("returns") < tolerance_for("optimized") == DEFAULT_TOLERANCE


def test_report_is_capped_with_a_count() -> None:
    golden = {f"k{i:03d}": 0.0 for i in range(100)}
    current = {f"k{i:03d}": 1.0 for i in range(100)}
    lines = compare_documents("big", golden, current, tolerance=1e-9).lines(limit=10)
    assert len(lines) == 1 + 10 + 1 + 1
    assert lines[-2] == "    ... and 91 more line(s)"


def test_text_drift_is_a_unified_diff() -> None:
    drift = compare_text("report", "a\nb\nc\n", "a\nB\nc\n")
    assert "-b" in drift.text and "+B" in drift.text
    assert "```diff" in render_markdown([drift])
    assert compare_text("report", "same", "same").empty


def test_long_strings_are_shown_around_their_first_difference() -> None:
    prefix = "error: configs/manifest.json: profiles.meta_fail: unknown risk profile 'barbell'; "
    old = {"stderr": [prefix + "allowed: equal_weight, erc, hrp"]}
    new = {"stderr": [prefix + "allowed: equal_weight, erc, hrp, max_sharpe"]}
    drift = compare_documents("failure", old, new, tolerance=0.0)
    (line,) = drift.values
    # the changed tail is visible on both sides; the shared start is elided
    assert line.startswith("stderr.[0]: ...'")
    assert "max_sharpe" in line.split(" -> ")[1]
    assert "max_sharpe" not in line.split(" -> ")[0]
    assert "error: configs" not in line
    short = compare_documents("x", {"a": "abc"}, {"a": "abd"}, tolerance=0.0)
    assert short.values == ["a: 'abc' -> 'abd'"]
