"""The golden suite under pytest-xdist: the same verdicts as one process, unused goldens included.

Under ``pytest -n`` syrupy decides unused snapshots on the xdist controller, whose items are
rebuilt without their modules; the extension must still find ``GOLDEN_SNAPSHOTS`` there, or the
goldens of a deleted case pass silently.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = ("two_sleeves", "calendar_intersect")


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    # the nested pytest is an xdist controller of its own, not a worker of ours
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)
    root = pytester.path
    (root / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    (root / "tests" / "golden").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "golden" / "test_goldens.py", root / "tests" / "golden")
    goldens = root / "golden" / "test_goldens"
    goldens.mkdir(parents=True)
    for case in CASES:
        shutil.copytree(
            REPO / "fixtures" / "workspaces" / case, root / "fixtures" / "workspaces" / case
        )
        for golden in (REPO / "golden" / "test_goldens").glob(f"*[[]{case}.*"):
            shutil.copy(golden, goldens)
    return root


@pytest.mark.slow
def test_unused_goldens_are_reported_and_removed_under_xdist(
    pytester: pytest.Pytester, project: Path
) -> None:
    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_subprocess(
            "tests/golden", "-n", "2", "-p", "no:cacheprovider", *args
        )

    clean = run()
    assert clean.ret == 0
    clean.stdout.fnmatch_lines(["*19 snapshots passed.*"])
    assert "snapshots unused" not in clean.stdout.str()

    shutil.rmtree(project / "fixtures" / "workspaces" / "calendar_intersect")
    orphaned = run()
    assert orphaned.ret != 0
    orphaned.stdout.fnmatch_lines(["*snapshots passed. 12 snapshots unused.*"])

    assert run("--snapshot-update").ret == 0
    left = sorted(p.name for p in (project / "golden" / "test_goldens").iterdir())
    assert len(left) == 7 and not [n for n in left if "calendar_intersect" in n]
