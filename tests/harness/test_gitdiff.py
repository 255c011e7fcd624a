"""``tv-golden diff`` over a throwaway git repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tradingview_scraper.errors import HarnessError
from tradingview_scraper.harness.cli import main
from tradingview_scraper.harness.gitdiff import diff_revisions
from tradingview_scraper.harness.inputs import inputs_document


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _write(repo: Path, name: str, weight: float) -> None:
    doc = {"golden_artifact": "optimized", "weights": [{"Symbol": "a", "Weight": weight}]}
    path = repo / "golden" / "case" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _write(tmp_path, "x.json", 0.5)
    _write(tmp_path, "gone.json", 0.1)
    (tmp_path / "golden" / "case" / "r.md").write_text("line one\nline two\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    _git(tmp_path, "tag", "base")
    _write(tmp_path, "x.json", 0.5125)
    _write(tmp_path, "new.json", 0.2)
    (tmp_path / "golden" / "case" / "gone.json").unlink()
    (tmp_path / "golden" / "case" / "r.md").write_text("line one\nline 2\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "head")
    return tmp_path


def test_diff_between_revisions(repo: Path) -> None:
    result = diff_revisions(repo, "base", "HEAD")
    assert result.added == ["golden/case/new.json"]
    assert result.removed == ["golden/case/gone.json"]
    names = [d.name for d in result.drifts]
    assert names == ["golden/case/r.md", "golden/case/x.json"]
    text = result.markdown()
    assert "weights.a.Weight: 0.5 -> 0.5125 (change +0.0125, +125.00 bp)" in text
    assert "+line 2" in text
    assert result.to_dict()["changed"]["golden/case/x.json"]["values"]


def test_the_flat_layout_of_a_base_revision_pairs_with_the_per_case_layout(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    flat = tmp_path / "golden" / "test_goldens"
    flat.mkdir(parents=True)
    (flat / "test_golden[c1.hrp.m.optimized].json").write_text('{"a": 1}\n')
    (flat / "test_golden[c1.report].md").write_text("same\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "flat")
    _git(tmp_path, "mv", "golden/test_goldens", "golden/c1")
    _git(
        tmp_path,
        "mv",
        "golden/c1/test_golden[c1.hrp.m.optimized].json",
        "golden/c1/hrp.m.optimized.json",
    )
    _git(tmp_path, "mv", "golden/c1/test_golden[c1.report].md", "golden/c1/report.md")
    _git(tmp_path, "commit", "-qm", "per case")
    moved = diff_revisions(tmp_path, "HEAD~1", "HEAD")
    assert (moved.added, moved.removed, moved.drifts) == ([], [], [])
    assert moved.markdown().endswith("No golden changed.\n")


def test_working_tree_and_no_change(repo: Path) -> None:
    assert diff_revisions(repo, "HEAD").markdown().endswith("No golden changed.\n")


def test_unknown_revision(repo: Path) -> None:
    with pytest.raises(HarnessError, match="git rev-parse --verify nope"):
        diff_revisions(repo, "nope", "HEAD")


def test_update_refuses_under_ci(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CI", "true")
    assert main(["update"]) == 3
    assert "refuses to run when CI is set" in capsys.readouterr().err


def _case(repo: Path, case: str, max_weight: float, weight: float) -> None:
    folder = repo / "fixtures" / "workspaces" / case
    (folder / "configs").mkdir(parents=True, exist_ok=True)
    manifest = {"profiles": {"m": {"meta_allocation": {"max_weight": max_weight}}}}
    (folder / "configs" / "manifest.json").write_text(json.dumps(manifest))
    golden = repo / "golden" / case
    golden.mkdir(parents=True, exist_ok=True)
    (golden / "inputs.json").write_text(inputs_document(folder))
    for family in ("optimized", "flattened"):
        doc = {"golden_artifact": family, "weights": [{"Symbol": "a", "Weight": weight}]}
        (golden / f"hrp.m.{family}.json").write_text(json.dumps(doc, indent=2) + "\n")


STAGES = "  earliest drifted stage: optimize (optimized); following from it: flatten (flattened)"


def test_diff_leads_with_the_attribution_per_case(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _case(tmp_path, "edited", 0.45, 0.5)
    _case(tmp_path, "code", 0.45, 0.5)
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    _case(tmp_path, "edited", 0.4, 0.4)
    _case(tmp_path, "code", 0.45, 0.6)
    _case(tmp_path, "fresh", 0.45, 0.6)
    result = diff_revisions(tmp_path, "HEAD")
    assert result.to_dict()["cases"] == {
        "code": [
            "code: 2 golden(s) drifted; inputs unchanged: a behaviour change of the code",
            STAGES,
        ],
        "edited": [
            "edited: 2 golden(s) drifted; inputs changed (1 file(s))",
            "  input configs/manifest.json: profiles.m.meta_allocation.max_weight 0.45 -> 0.4",
            STAGES,
        ],
        "fresh": [
            "fresh: 0 golden(s) drifted, 3 new; input fingerprint recorded for the first time"
        ],
    }
    text = result.markdown()
    assert text.index("### By case") < text.index("| golden | summary |")
    assert (
        "  input configs/manifest.json: profiles.m.meta_allocation.max_weight 0.45 -> 0.4" in text
    )
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "head")
    assert (
        diff_revisions(tmp_path, "HEAD~1", "HEAD").to_dict()["cases"] == result.to_dict()["cases"]
    )
