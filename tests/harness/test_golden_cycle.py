"""The whole golden workflow, run as pytest inside pytest (as syrupy tests itself).

no golden -> fail, nothing written; update -> written; pass; a deliberate change -> fail with
a drift report naming the moved weights; update -> pass; a deleted case -> its goldens are
reported unused, and update removes them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from golden_project import golden_project, goldens, run_nested


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    return golden_project(pytester, monkeypatch, with_goldens=False)


def test_golden_cycle(pytester: pytest.Pytester, project: Path) -> None:
    def run(*args: str) -> pytest.RunResult:
        return run_nested(pytester, "tests/golden", "-p", "no:cacheprovider", *args)

    missing = run()
    assert missing.ret != 0
    missing.stdout.fnmatch_lines(["*snapshot*failed*"])
    assert goldens(project) == []  # nothing written without --snapshot-update

    written = run("--snapshot-update")
    assert written.ret == 0
    names = goldens(project)
    assert "two_sleeves/hrp.meta_two.optimized.json" in names
    assert "calendar_intersect/report.md" in names
    assert not (project / "golden" / "test_goldens").exists()  # syrupy's key, never a folder
    assert run().ret == 0

    # -k: deselected goldens are neither reported unused nor removed by an update
    for extra in ((), ("--snapshot-update",)):
        selected = run("-k", "two_sleeves and optimized", *extra)
        assert selected.ret == 0
        selected.stdout.fnmatch_lines(["*1 snapshot passed.*"])
        assert "unused" not in selected.stdout.str()
        assert goldens(project) == names

    # updating one selected golden must not touch (or call unused) the others
    node = "tests/golden/test_goldens.py::test_golden[two_sleeves.audit]"
    single = run_nested(pytester, node, "-p", "no:cacheprovider", "--snapshot-update")
    assert single.ret == 0
    assert "unused" not in single.stdout.str()
    assert goldens(project) == names

    # a deliberate change: a binding bound on one sleeve
    manifest = project / "fixtures" / "workspaces" / "two_sleeves" / "configs" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["profiles"]["meta_two"]["sleeves"][0]["weight_limit"] = [0.0, 0.1]
    manifest.write_text(json.dumps(data))
    drifted = run()
    assert drifted.ret != 0
    drifted.stdout.fnmatch_lines(
        [
            "*golden drift in optimized*",
            "*weights.alpha.Weight: * -> 0.1 (change *, * bp)*",
            "*accept the change with: tv-golden review*--snapshot-update)",
        ]
    )
    assert run("--snapshot-update").ret == 0
    assert run().ret == 0

    # a deleted artifact (a risk profile dropped from a case) leaves unused goldens too
    case_file = project / "fixtures" / "workspaces" / "calendar_intersect" / "case.json"
    case = json.loads(case_file.read_text())
    case["risk_profiles"] = ["hrp"]
    case_file.write_text(json.dumps(case))
    dropped = run()
    assert dropped.ret != 0
    # its 5 artifacts are unused; the report, the ledger, the tables, the figures and the
    # fingerprint drift
    dropped.stdout.fnmatch_lines(["*5 snapshots failed.*5 snapshots unused.*"])
    assert run("--snapshot-update").ret == 0
    assert not [n for n in goldens(project) if n.startswith("calendar_intersect/equal_weight.")]
    assert "calendar_intersect/hrp.meta_cal.optimized.json" in goldens(project)
    assert run().ret == 0

    # a deleted case leaves unused goldens: reported, then removed by update
    shutil.rmtree(project / "fixtures" / "workspaces" / "calendar_intersect")
    unused = run()
    assert unused.ret != 0
    unused.stdout.fnmatch_lines(["*unused*"])
    assert run("--snapshot-update").ret == 0
    assert not [n for n in goldens(project) if "calendar_intersect" in n]
    assert not (project / "golden" / "calendar_intersect").exists()
    assert [n for n in goldens(project) if "two_sleeves" in n]
    assert run().ret == 0


def test_update_on_unchanged_tree_rewrites_nothing(
    pytester: pytest.Pytester, project: Path
) -> None:
    assert run_nested(pytester, "tests/golden", "--snapshot-update").ret == 0
    before = {p: p.read_bytes() for p in (project / "golden").rglob("*") if p.is_file()}
    stamps = {p: p.stat().st_mtime_ns for p in before}
    result = run_nested(pytester, "tests/golden", "--snapshot-update")
    assert result.ret == 0
    after = {p: p.read_bytes() for p in (project / "golden").rglob("*") if p.is_file()}
    assert after == before
    assert {p: p.stat().st_mtime_ns for p in after} == stamps
