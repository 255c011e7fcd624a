"""Reviewing drift like insta, run as pytest inside pytest.

fail -> pending outputs -> accept a subset -> the rest still fails -> reject -> pass, with the
pending files cleaned up by a passing rerun (under -n 2 too), nothing written when CI is set,
and the per-case attribution for an input edit (which manifest field) and for a code change.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from golden_project import golden_project, goldens, run_nested

from tradingview_scraper.harness.cli import main

# a code change for the nested runs: equal weighting skewed to the first sleeve, when asked
BREAK = """
import os

import numpy as np

from tradingview_scraper.allocation import api

REAL = api.equal_weights


def skewed(n):
    weights = np.full(n, 0.4 / (n - 1))
    weights[0] = 0.6
    return weights


def pytest_configure(config):
    if os.environ.get("GOLDEN_BREAK"):
        api.equal_weights = skewed


def pytest_unconfigure(config):  # the nested session runs in our process: undo it
    api.equal_weights = REAL
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GOLDEN_BREAK", raising=False)
    root = golden_project(pytester, monkeypatch, with_goldens=True)
    (root / "tests" / "golden" / "conftest.py").write_text(BREAK)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "goldens")):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )
    return root


def _pending(root: Path) -> list[str]:
    folder = root / ".golden-pending"
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.glob("*/*")
        if not p.name.endswith(".pending.json")
    )


def _failed(result: pytest.RunResult) -> set[str]:
    return {
        line.split("[", 1)[1].split(".", 1)[0]
        for line in result.stdout.lines
        if line.startswith("FAILED tests/golden/test_goldens.py::test_golden[")
    }


@pytest.mark.slow
def test_review_cycle(
    pytester: pytest.Pytester,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def run(*args: str) -> pytest.RunResult:
        return run_nested(pytester, "tests/golden", "-p", "no:cacheprovider", *args)

    before = {name: (project / "golden" / name).read_text() for name in goldens(project)}

    # an edited input (two_sleeves) and a code change (equal weighting, calendar_intersect)
    manifest = project / "fixtures" / "workspaces" / "two_sleeves" / "configs" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["profiles"]["meta_two"]["sleeves"][0]["weight_limit"] = [0.0, 0.1]
    manifest.write_text(json.dumps(data))
    monkeypatch.setenv("GOLDEN_BREAK", "1")
    drifted = run()
    assert drifted.ret != 0
    assert _failed(drifted) == {"two_sleeves", "calendar_intersect"}
    drifted.stdout.fnmatch_lines(
        [
            "*= golden drift by case =*",
            "calendar_intersect: * golden(s) drifted; inputs unchanged: a behaviour change of*",
            "  earliest drifted stage: optimize (cluster_tree, manifest, optimized); following*",
            "two_sleeves: * golden(s) drifted; inputs changed (1 file(s))",
            "  input configs/manifest.json: + profiles.meta_two.sleeves[[]0].weight_limit = *0.1]",
            "  earliest drifted stage: *",
            "* new output(s) kept in .golden-pending/: review them with `tv-golden review`*",
        ]
    )
    pending = _pending(project)
    assert "two_sleeves/inputs.json" in pending
    assert "two_sleeves/hrp.meta_two.optimized.json" in pending
    assert "calendar_intersect/equal_weight.meta_cal.optimized.json" in pending
    assert not [p for p in pending if p.startswith("calendar_intersect/hrp.")]
    assert {name: (project / "golden" / name).read_text() for name in goldens(project)} == before

    # the code change undone: a passing rerun (under xdist) drops what no longer applies
    monkeypatch.delenv("GOLDEN_BREAK")
    fixed = run("-n", "1")
    assert _failed(fixed) == {"two_sleeves"}
    # the per-case summary reaches the xdist controller too
    fixed.stdout.fnmatch_lines(["*= golden drift by case =*", "two_sleeves: *; inputs changed*"])
    assert {p.split("/")[0] for p in _pending(project)} == {"two_sleeves"}

    # the code change again; accept the input edit's outputs only
    monkeypatch.setenv("GOLDEN_BREAK", "1")
    assert _failed(run()) == {"two_sleeves", "calendar_intersect"}
    assert main(["accept", "two_sleeves", "--root", str(project)]) == 0
    assert "accepted" in capsys.readouterr().out
    assert {p.split("/")[0] for p in _pending(project)} == {"calendar_intersect"}
    rest = run()
    assert _failed(rest) == {"calendar_intersect"}  # the rest still fails
    assert "two_sleeves:" not in rest.stdout.str().split("golden drift by case")[1]

    # reject the code change's outputs, fix the code: everything passes, nothing pending
    assert main(["reject", "calendar_*", "--root", str(project)]) == 0
    assert _pending(project) == []
    monkeypatch.delenv("GOLDEN_BREAK")
    assert run().ret == 0
    assert not (project / ".golden-pending").exists()
    after = {name: (project / "golden" / name).read_text() for name in goldens(project)}
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed and all(name.startswith("two_sleeves/") for name in changed)
    assert "two_sleeves/inputs.json" in changed  # the fingerprint moved with the input

    # CI: the same drift fails, but nothing is kept and nothing can be accepted
    monkeypatch.setenv("GOLDEN_BREAK", "1")
    monkeypatch.setenv("CI", "true")
    ci = run()
    assert _failed(ci) == {"calendar_intersect"}
    ci.stdout.fnmatch_lines(["CI is set: no pending output written*"])
    assert not (project / ".golden-pending").exists()
    assert main(["accept", "--root", str(project)]) == 3
    assert "refuses to write when CI is set" in capsys.readouterr().err
