"""Resolving many unpinned sleeves scans the runs folder once, not once per sleeve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradingview_scraper.contracts import SleeveSpec
from tradingview_scraper.io import reader as reader_module
from tradingview_scraper.io.reader import InputReader
from tradingview_scraper.settings import Settings

RUNS = Path("data/artifacts/summaries/runs")


def _run(root: Path, run_id: str, profile: str, created_at: str) -> None:
    folder = root / RUNS / run_id / "config"
    folder.mkdir(parents=True)
    document = {"profile": profile, "run_id": run_id, "created_at": created_at}
    (folder / "resolved_manifest.json").write_text(json.dumps(document))


def test_unpinned_sleeves_share_one_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(6):
        _run(tmp_path, f"p{i}_old", f"p{i}", "2026-01-01T00:00:00")
        _run(tmp_path, f"p{i}_new", f"p{i}", "2026-01-02T00:00:00")
    scans = []
    original = reader_module.scan_runs

    def counted(settings: Settings) -> list[Path]:
        scans.append(settings)
        return original(settings)

    monkeypatch.setattr(reader_module, "scan_runs", counted)
    reader = InputReader(Settings.for_workspace(tmp_path))
    for i in range(6):
        spec = SleeveSpec(id=f"s{i}", kind="atomic", location=f"sleeves[{i}]", profile=f"p{i}")
        run = reader.run_for(spec)
        assert run.run_id == f"p{i}_new"
        assert run.selection == f"newest of 2 run(s) of profile 'p{i}'"
    assert len(scans) == 1
