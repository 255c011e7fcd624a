"""The determinism gate: passes on real cases and catches injected nondeterminism."""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path

import pandas as pd
import pytest

from tradingview_scraper.harness.determinism import CONFIGURATIONS, first_difference, run_gate

# makes the optimized artifact carry a list built from a set of strings: its order follows
# PYTHONHASHSEED, which the gate varies between its fresh processes
INJECT = """
import tradingview_scraper.meta.artifacts as artifacts
_original = artifacts.optimized_document
def optimized_document(outcome, meta_run_id):
    document = _original(outcome, meta_run_id)
    document["tags"] = list({f"tag{i}" for i in range(32)})
    return document
artifacts.optimized_document = optimized_document
"""


def test_configurations_differ_in_seed_and_threads() -> None:
    seeds = {c["PYTHONHASHSEED"] for c in CONFIGURATIONS}
    threads = {c["OPENBLAS_NUM_THREADS"] for c in CONFIGURATIONS}
    assert len(seeds) == len(CONFIGURATIONS) and len(threads) > 1


def test_gate_passes_on_a_case() -> None:
    out = io.StringIO()
    assert run_gate(["nested_depth2"], stream=out) == 0
    text = out.getvalue()
    assert "nested_depth2/data/meta_optimized_meta_branch_erc.json" in text
    assert text.rstrip().endswith("0 difference(s)")


def test_gate_catches_an_unordered_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sitecustomize.py").write_text(INJECT)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    out = io.StringIO()
    assert run_gate(["two_sleeves"], stream=out) == 1
    text = out.getvalue()
    assert "NONDETERMINISTIC two_sleeves/data/meta_optimized_meta_two_hrp.json" in text
    assert "root['tags']" in text
    assert "DIFFERS" in text


def test_first_difference_names_the_json_path_and_the_matrix_cell() -> None:
    left = json.dumps({"w": {"a": 0.5}}).encode()
    right = json.dumps({"w": {"a": 0.6}}).encode()
    assert first_difference("x.json", left, right).startswith("values_changed at root['w']['a']")
    index = pd.DatetimeIndex(["2026-01-02", "2026-01-05"], name="date")
    a = pd.DataFrame({"s": [0.1, 0.2]}, index=index)
    b = pd.DataFrame({"s": [0.1, 0.25]}, index=index)
    where = first_difference("m.pkl", pickle.dumps(a), pickle.dumps(b))
    assert where == "cell (2026-01-05 00:00:00, s): 0.2 != 0.25"
    assert first_difference("r.md", b"abc", b"abd") == "bytes differ from offset 2"
    csv_left, csv_right = b"sleeve,a\na,1.0\n", b"sleeve,a\na,0.9\n"
    assert first_difference("t.csv", csv_left, csv_right) == "line 2: b'a,1.0' != b'a,0.9'"
    assert first_difference("f.svg", b"<svg>\n", b"<svg>\n<g/>") == "bytes differ from offset 6"


def test_workers_run_under_the_goldens_blas_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without OPENBLAS_CORETYPE in the environment, the gate still pins it for its workers."""
    import subprocess

    from tradingview_scraper.harness import blas, determinism

    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    seen: list[dict[str, str]] = []

    def refuse(command: list[str], *, env: dict[str, str], **_: object) -> object:
        seen.append(env)
        return subprocess.CompletedProcess(command, 1, "", "stopped by the test")

    monkeypatch.setattr(determinism.subprocess, "run", refuse)
    out = io.StringIO()
    assert run_gate(["two_sleeves"], stream=out) == 1
    expected: dict[str, str] = {}
    blas.pin(expected)
    assert len(seen) == 1
    assert seen[0].get("OPENBLAS_CORETYPE") == expected.get("OPENBLAS_CORETYPE")
    assert seen[0]["PYTHONHASHSEED"] == CONFIGURATIONS[0]["PYTHONHASHSEED"]
