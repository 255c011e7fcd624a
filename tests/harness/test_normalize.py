"""The one normalizer: rounding, placeholders, frames one row per line."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.harness.cases import chain_check
from tradingview_scraper.harness.normalize import (
    DECIMALS,
    dumps_golden,
    frame_document,
    normalize,
    scrub_text,
)
from tradingview_scraper.io.audit import AuditLog


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1 + 0.2, 0.3),
        (-0.0, 0.0),
        (-1e-12, 0.0),  # rounds to -0.0, folded
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (np.float64(1.23456789012345), round(1.23456789012345, DECIMALS)),
        (np.int64(3), 3),
        (True, True),
    ],
)
def test_numbers(value: object, expected: object) -> None:
    out = normalize({"x": value})["x"]
    assert out == expected
    assert type(out) is type(expected)
    if isinstance(out, float):
        assert math.copysign(1.0, out) == 1.0 or out != 0.0


def test_placeholders_for_volatile_keys_and_strings() -> None:
    doc = {
        "meta_run_id": "golden_run",
        "run_id": "golden_run",
        "sleeves": [{"run_id": "alpha_20260101-000000"}],
        "ts": "2026-01-01T00:00:00Z",
        "hash": "ab" * 32,
        "note": "written to /tmp/ws/data by golden_run at 2026-01-01T00:00:00Z, sha " + "c" * 64,
    }
    out = normalize(doc, run_id="golden_run", workspace="/tmp/ws")
    assert out["meta_run_id"] == "<META_RUN_ID>"
    assert out["run_id"] == "<RUN_ID>"
    assert out["sleeves"][0]["run_id"] == "alpha_20260101-000000"  # an input, kept
    assert out["ts"] == "<TIMESTAMP>"
    assert out["hash"] == "<HASH#1>"  # keys are visited sorted: hash before note
    assert out["note"] == (
        "written to <WORKSPACE>/data by <META_RUN_ID> at <TIMESTAMP>, sha <HASH#2>"
    )


def _ledger(n: int) -> list[dict[str, object]]:
    """A hash-chained ledger built by io.audit (the product's writer)."""
    log = AuditLog("2026-01-01T00:00:00Z")
    for i in range(n):
        log.add("stage", f"step{i}", value=i)
    return [json.loads(line) for line in log.text().splitlines()]


def test_hash_placeholders_keep_the_chain() -> None:
    records = normalize(_ledger(3))
    assert [(r["prev_hash"], r["hash"]) for r in records] == [
        ("<HASH#0>", "<HASH#1>"),
        ("<HASH#1>", "<HASH#2>"),
        ("<HASH#2>", "<HASH#3>"),
    ]
    assert chain_check(_ledger(3)) == {"records": 3, "verified": True}


def test_a_broken_chain_is_visible_after_normalization() -> None:
    intact = _ledger(3)
    relinked = _ledger(3)
    relinked[2]["prev_hash"] = relinked[0]["hash"]  # record 2 points past record 1
    assert normalize(relinked) != normalize(intact)
    assert normalize(relinked)[2]["prev_hash"] == "<HASH#1>"
    assert chain_check(relinked) == {"records": 3, "verified": False, "first_break": 2}
    tampered = _ledger(3)
    tampered[1]["value"] = 99  # content changed, hashes left alone: same placeholders
    assert [r["hash"] for r in normalize(tampered)] == [r["hash"] for r in normalize(intact)]
    assert chain_check(tampered) == {"records": 3, "verified": False, "first_break": 1}


def test_equal_hashes_share_a_placeholder_and_numbering_is_per_document() -> None:
    h = "ab" * 32
    doc = {"a": {"sha256": h}, "b": {"sha256": "cd" * 32}, "c": f"see {h}"}
    assert normalize(doc) == {
        "a": {"sha256": "<HASH#1>"},
        "b": {"sha256": "<HASH#2>"},
        "c": "see <HASH#1>",
    }
    assert normalize({"sha256": "cd" * 32}) == {"sha256": "<HASH#1>"}


def test_scrub_text_matches_normalize_of_a_string() -> None:
    text = "run golden_run at 2026-01-01T00:00:00Z in /w/x"
    assert scrub_text(text, run_id="golden_run", workspace="/w") == normalize(
        text, run_id="golden_run", workspace="/w"
    )


def test_frame_document_and_one_row_per_line() -> None:
    index = pd.DatetimeIndex(["2026-01-02", "2026-01-05"], name="date")
    frame = pd.DataFrame({"a": [0.1, -0.0], "b": [1.0, 2.0]}, index=index)
    doc = normalize(frame_document(frame))
    assert doc["columns"] == ["a", "b"]
    assert doc["index"] == ["2026-01-02", "2026-01-05"]
    assert doc["dtypes"] == {"a": "float64", "b": "float64"}
    text = dumps_golden(doc)
    assert "    [0.1, 1.0],\n    [0.0, 2.0]\n" in text
    assert json.loads(text) == doc


def test_dumps_golden_is_canonical() -> None:
    doc = {"b": [1, 2], "a": {"z": [], "y": {}}, "c": [{"k": 1}]}
    text = dumps_golden(doc)
    assert text.endswith("}\n")
    assert text.index('"a"') < text.index('"b"') < text.index('"c"')
    assert json.loads(text) == doc
    with pytest.raises(ValueError, match="Out of range float"):
        dumps_golden({"x": float("nan")})


def test_arrays_normalize_like_lists() -> None:
    matrix = np.array([[1.0, -0.0], [np.nan, 1 / 3]])
    assert normalize({"m": matrix}) == {"m": [[1.0, 0.0], ["NaN", round(1 / 3, DECIMALS)]]}
    assert normalize({"m": matrix}) == normalize({"m": matrix.tolist()})


def test_csv_tables_keep_a_negative_zero_visible() -> None:
    """Cells become numbers (rounded like every float), but "-0.0" stays text: rounding would
    fold it into 0.0, and a table that starts writing negative zeros must drift."""
    from tradingview_scraper.harness.cases import csv_document

    document = csv_document("sleeve,weight,days\na,-0.0,3\nb,0.0,-0\nc,-1e-300,-2\n")
    assert document == {
        "header": ["sleeve", "weight", "days"],
        "rows": [["a", "-0.0", 3], ["b", 0.0, "-0"], ["c", -1e-300, -2]],
    }
