"""scripts/migrate_golden_layout.py: flat goldens of an older branch move into case folders."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "migrate", REPO / "scripts" / "migrate_golden_layout.py"
)
assert spec is not None and spec.loader is not None
migrate_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(migrate_script)


def test_flat_goldens_move_into_case_folders(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    flat = tmp_path / "golden" / "test_goldens"
    flat.mkdir(parents=True)
    (flat / "test_golden[c1.hrp.m.optimized].json").write_text("{}\n")
    (flat / "test_golden[c1.failure].json").write_text("new\n")
    (flat / "test_golden[c2.report].md").write_text("same\n")
    (flat / "test_golden[c3.audit].json").write_text("mine\n")
    subprocess.run(
        ["git", "add", "golden/test_goldens/test_golden[c1.hrp.m.optimized].json"],
        cwd=tmp_path,
        check=True,
    )
    (tmp_path / "golden" / "c2").mkdir()
    (tmp_path / "golden" / "c2" / "report.md").write_text("same\n")
    (tmp_path / "golden" / "c3").mkdir()
    (tmp_path / "golden" / "c3" / "audit.json").write_text("theirs\n")
    moved, conflicts = migrate_script.migrate(tmp_path)
    flat_dir = "golden/test_goldens/test_golden"
    assert moved == [
        f"{flat_dir}[c1.failure].json -> golden/c1/failure.json",
        f"{flat_dir}[c1.hrp.m.optimized].json -> golden/c1/hrp.m.optimized.json",
        f"{flat_dir}[c2.report].md -> golden/c2/report.md",
    ]
    assert conflicts == [
        f"{flat_dir}[c3.audit].json: golden/c3/audit.json exists with other content"
    ]
    assert (tmp_path / "golden" / "c1" / "failure.json").read_text() == "new\n"
    staged = subprocess.run(
        ["git", "diff", "--cached", "--name-status"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "golden/c1/hrp.m.optimized.json" in staged  # tracked files move with git mv
    assert migrate_script.main(["--root", str(tmp_path)]) == 1  # the conflict is still there
