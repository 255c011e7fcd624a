"""Parsing audit.jsonl: actions, genesis, and errors that name file and line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tradingview_scraper.contracts import LedgerAction
from tradingview_scraper.errors import LedgerError, MissingArtifactError
from tradingview_scraper.io.ledger import read_ledger

DISPLAY = "data/artifacts/summaries/runs/r1/audit.jsonl"

GENESIS = {"type": "genesis", "run_id": "r1", "profile": "p", "ts": "2026-01-05T12:00:00"}
INTENT = {
    "type": "action",
    "status": "intent",
    "step": "backtest_optimize",
    "intent": {"params": {"window_index": 3, "engine": "custom", "profile": "hrp"}},
}
SUCCESS = {
    "type": "action",
    "status": "success",
    "step": "backtest_simulate",
    "context": {"window_index": 3, "profile": "hrp"},
    "outcome": {"metrics": {"sharpe": 1.2, "annualized_vol": 0.4}},
}


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "audit.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def read(path: Path) -> object:
    return read_ledger(path, display=DISPLAY)


def test_actions_genesis_and_ignored_records(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        json.dumps(GENESIS),
        "",
        json.dumps({"type": "genesis", "ts": "1999-01-01T00:00:00"}),  # only the first counts
        json.dumps(INTENT),
        "   ",
        json.dumps({"type": "heartbeat", "step": 7}),  # other types are not checked
        json.dumps(SUCCESS),
        json.dumps({"type": "action", "status": "error", "step": "backtest_optimize"}),
    )
    ledger = read_ledger(path, display=DISPLAY)
    assert ledger.path == DISPLAY
    assert ledger.genesis == GENESIS
    assert ledger.actions == (
        LedgerAction(4, "backtest_optimize", "intent", 3, "hrp", "custom", {}),
        LedgerAction(
            7, "backtest_simulate", "success", 3, "hrp", None, SUCCESS["outcome"]["metrics"]
        ),
        LedgerAction(8, "backtest_optimize", "error", None, None, None, {}),
    )


def test_intent_reads_params_and_others_read_context(tmp_path: Path) -> None:
    """An intent's context and a success's intent block are not where their parameters live."""
    intent = {**INTENT, "context": {"window_index": 9, "profile": "erc"}}
    success = {**SUCCESS, "intent": {"params": {"window_index": 9, "profile": "erc"}}}
    ledger = read_ledger(write(tmp_path, json.dumps(intent), json.dumps(success)), display=DISPLAY)
    assert [(a.window, a.risk_profile) for a in ledger.actions] == [(3, "hrp"), (3, "hrp")]


def test_nan_metrics_are_kept(tmp_path: Path) -> None:
    line = '{"type": "action", "status": "ok", "step": "s", "outcome": {"metrics": {"x": NaN}}}'
    ledger = read_ledger(write(tmp_path, line), display=DISPLAY)
    assert math.isnan(ledger.actions[0].metrics["x"])


def test_no_genesis(tmp_path: Path) -> None:
    ledger = read_ledger(write(tmp_path, json.dumps(INTENT)), display=DISPLAY)
    assert ledger.genesis is None


def test_genesis_without_ts(tmp_path: Path) -> None:
    ledger = read_ledger(write(tmp_path, json.dumps({"type": "genesis"})), display=DISPLAY)
    assert ledger.genesis == {"type": "genesis"}


def test_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_bytes((json.dumps(GENESIS) + "\r\n" + json.dumps(INTENT) + "\r\n").encode())
    ledger = read_ledger(path, display=DISPLAY)
    assert [a.line for a in ledger.actions] == [2]


def test_line_separator_inside_a_string_is_not_a_line_break(tmp_path: Path) -> None:
    record = {**GENESIS, "note": "a\u2028b"}
    path = write(tmp_path, json.dumps(record, ensure_ascii=False), json.dumps(INTENT))
    ledger = read_ledger(path, display=DISPLAY)
    assert ledger.genesis == record
    assert ledger.actions[0].line == 2


def with_params(**params: object) -> str:
    return json.dumps({**INTENT, "intent": {"params": params}})


def with_context(**context: object) -> str:
    return json.dumps({**SUCCESS, "context": context})


@pytest.mark.parametrize(
    ("bad", "pattern"),
    [
        ('{"type": "action" "step": 1}', r"not valid JSON \(Expecting ',' delimiter: column 19\)"),
        ("{'type': 'action'}", r"not valid JSON \(Expecting property name enclosed"),
        ("[1, 2]", r"a JSON list, expected an object"),
        ('"action"', r"a JSON str, expected an object"),
        ('{"type": "genesis", "ts": 20260105}', r"genesis ts is 20260105, expected a string"),
        ('{"type": "action", "status": "intent"}', r"step is NoneType None, expected a string"),
        ('{"type": "action", "step": "s", "status": 1}', r"status is int 1, expected a string"),
        (with_params(window_index="3"), r"intent\.params\.window_index is str '3', expected int"),
        (
            with_params(window_index=True),
            r"intent\.params\.window_index is bool True, expected int",
        ),
        (
            with_params(window_index=3.0),
            r"intent\.params\.window_index is float 3\.0, expected int",
        ),
        (with_params(profile=["hrp"]), r"intent\.params\.profile is list \['hrp'\], expected str"),
        (with_params(engine=1), r"intent\.params\.engine is int 1, expected str"),
        (with_context(window_index="x"), r"context\.window_index is str 'x', expected int"),
        (with_context(profile=False), r"context\.profile is bool False, expected str"),
        (
            json.dumps({**INTENT, "intent": {"params": [3]}}),
            r"intent\.params is list \[3\], expected an object",
        ),
        (json.dumps({**INTENT, "intent": "x"}), r"intent is str 'x', expected an object"),
        (json.dumps({**SUCCESS, "context": 3}), r"context is int 3, expected an object"),
        (json.dumps({**SUCCESS, "outcome": []}), r"outcome is list \[\], expected an object"),
        (
            json.dumps({**SUCCESS, "outcome": {"metrics": 1.5}}),
            r"outcome\.metrics is float 1\.5, expected an object",
        ),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, bad: str, pattern: str) -> None:
    path = write(tmp_path, json.dumps({"type": "note"}), "", bad, json.dumps(GENESIS))
    with pytest.raises(LedgerError, match=rf"^{DISPLAY} line 3: {pattern}"):
        read(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b'{"type": "genesis", "ts": "\xff"}\n')
    with pytest.raises(LedgerError, match=f"^{DISPLAY}: not UTF-8 text"):
        read(path)


def test_missing_ledger(tmp_path: Path) -> None:
    with pytest.raises(MissingArtifactError, match=f"^{DISPLAY}: ledger not found"):
        read(tmp_path / "audit.jsonl")
