"""The ``<case>.cli`` golden: a ``"cli_run"`` case run by ``tv-meta run`` as a user types it,
its output and its run folder compared with the library run's, file by file."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tradingview_scraper.cli import main as tv_meta
from tradingview_scraper.errors import HarnessError
from tradingview_scraper.harness.cases import CLI_RUN, expected_names, golden_outputs, run_case
from tradingview_scraper.harness.materialize import load_case

REPO = Path(__file__).resolve().parents[2]
CASE = dataclasses.replace(
    load_case(REPO / "fixtures" / "workspaces" / "two_sleeves"), cli_run=True
)


def _cli_golden(tmp_path: Path, *, draw_figures: bool, cli: Any = tv_meta) -> dict[str, Any]:
    run = run_case(CASE, tmp_path / "ws", draw_figures=draw_figures)
    kind, text = golden_outputs(CASE, run, cli=cli)[f"two_sleeves.{CLI_RUN}"]
    assert kind == "json"
    document: dict[str, Any] = json.loads(text)
    return document


def test_the_command_writes_the_library_runs_folder(tmp_path: Path) -> None:
    doc = _cli_golden(tmp_path, draw_figures=True)
    # the case names no run id: the library run took the default, <profile>_<UTC time of the
    # golden clock, 1767225600 = 2026-01-01T00:00:00Z>, and the command is given the same
    assert CASE.run_id is None
    run_id = "meta_two_20260101-000000"
    assert doc["command"] == f"tv-meta run --profile meta_two --risk-profiles hrp --run-id {run_id}"
    assert doc["exit_code"] == 0 and doc["stderr"] == []
    assert (
        doc["stdout"][0] == f"meta run folder: <WORKSPACE>/data/artifacts/summaries/runs/{run_id}"
    )
    folder = tmp_path / "ws" / "data" / "artifacts" / "summaries" / "runs" / run_id
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert doc["run_folder"] == {
        "files": len(files),
        "only_in_cli_run": [],
        "only_in_library_run": [],
        "differ": [],
    }
    # the cache is used unless --no-cache: one entry per root matrix (one risk profile here)
    assert doc["written_outside_the_run_folder"] == ["data/lakehouse/.cache/meta_returns/<KEY>.npz"]


def test_figures_only_the_command_drew_are_listed(tmp_path: Path) -> None:
    """The library run without figures: the command, which draws them by default, has the
    four SVG files the library run lacks, and nothing else differs."""
    doc = _cli_golden(tmp_path, draw_figures=False)
    families = ("correlation", "dendrogram", "equity", "weights")
    assert doc["run_folder"]["only_in_cli_run"] == [
        f"reports/figures/{family}_meta_two_hrp.svg" for family in families
    ]
    assert doc["run_folder"]["only_in_library_run"] == [] and doc["run_folder"]["differ"] == []


def test_a_failed_command_shows_its_error_and_no_run_folder(tmp_path: Path) -> None:
    def failing(argv: list[str]) -> int:
        print(f"error: {argv[2]} refused", file=sys.stderr)
        return 3

    doc = _cli_golden(tmp_path, draw_figures=False, cli=failing)
    assert doc["exit_code"] == 3
    assert doc["stderr"] == ["error: <WORKSPACE> refused"]  # the second copy's path, scrubbed
    assert doc["run_folder"]["files"] == 0 and doc["run_folder"]["only_in_cli_run"] == []
    assert "reports/meta_portfolio_report.md" in doc["run_folder"]["only_in_library_run"]
    assert doc["written_outside_the_run_folder"] == []


def test_a_cli_run_case_needs_the_cli(tmp_path: Path) -> None:
    run = run_case(CASE, tmp_path / "ws", draw_figures=False)
    with pytest.raises(
        HarnessError, match=re.escape("case two_sleeves runs tv-meta (cli_run), and no cli")
    ):
        golden_outputs(CASE, run)
    assert f"two_sleeves.{CLI_RUN}" in expected_names(CASE)
    assert not any(name.endswith(f".{CLI_RUN}") for name in expected_names(load_case(CASE.folder)))


def test_the_fixtures_cli_run_case() -> None:
    case = load_case(REPO / "fixtures" / "workspaces" / "meta_stream_edges")
    assert case.cli_run and f"meta_stream_edges.{CLI_RUN}" in expected_names(case)
