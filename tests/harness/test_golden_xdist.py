"""The golden suite under pytest-xdist: the same verdicts as one process, unused goldens included.

Under ``pytest -n`` syrupy decides unused snapshots on the xdist controller, whose items are
rebuilt without their modules; the extension must still find ``GOLDEN_SNAPSHOTS`` there, or the
goldens of a deleted case pass silently.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from golden_project import golden_project, goldens, run_nested


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    return golden_project(pytester, monkeypatch, with_goldens=True)


@pytest.mark.slow
def test_unused_goldens_are_reported_and_removed_under_xdist(
    pytester: pytest.Pytester, project: Path
) -> None:
    def run(*args: str) -> pytest.RunResult:
        # one worker is enough: the controller, not the workers, decides what is unused
        return run_nested(pytester, "tests/golden", "-n", "1", "-p", "no:cacheprovider", *args)

    # (a clean golden suite under xdist is the README's own test command)
    shutil.rmtree(project / "fixtures" / "workspaces" / "calendar_intersect")
    orphaned = run()
    assert orphaned.ret != 0
    orphaned.stdout.fnmatch_lines(["*snapshots passed. 15 snapshots unused.*"])

    assert run("--snapshot-update").ret == 0
    left = goldens(project)
    assert len(left) == 10 and all(n.startswith("two_sleeves/") for n in left)
