"""The fixture generator reproduces the checked-in fixtures and demo byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_CSV = REPO.parent / "shared" / "data" / "upstream_meta_benchmark_returns.csv"
SHARED_MANIFEST = REPO.parent / "shared" / "data" / "upstream_manifest.json"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_regenerating_reproduces_the_checked_in_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_fixtures.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    fresh = _tree(tmp_path / "fixtures" / "workspaces")
    checked_in = _tree(REPO / "fixtures" / "workspaces")
    for source, case in (
        (SHARED_CSV, "upstream_benchmark/"),
        (SHARED_MANIFEST, "upstream_manifest/"),
    ):
        if not source.exists():  # the upstream cases need ../shared/data
            checked_in = {k: v for k, v in checked_in.items() if not k.startswith(case)}
    assert sorted(fresh) == sorted(checked_in)
    changed = [name for name in fresh if fresh[name] != checked_in[name]]
    assert changed == []
    assert _tree(tmp_path / "demo") == _tree(REPO / "tradingview_scraper" / "demo" / "workspace")
