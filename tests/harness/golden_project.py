"""A throwaway project for running the golden suite as pytest inside pytest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROJECT_CASES = ("two_sleeves", "calendar_intersect")


def golden_project(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *, with_goldens: bool
) -> Path:
    """A project with the golden suite, two fixture cases and (optionally) their goldens."""
    # the nested pytest is a session (an xdist controller, with -n) of its own, not a worker of
    # ours: inheriting the worker's identity would leave syrupy's report to nobody
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)
    root = pytester.path
    (root / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\ntruncation_limit_lines = 0\ntruncation_limit_chars = 0\n"
    )
    (root / "tests").mkdir()
    shutil.copy(REPO / "tests" / "conftest.py", root / "tests")  # the golden pytest plugin
    (root / "tests" / "golden").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "golden" / "test_goldens.py", root / "tests" / "golden")
    for case in PROJECT_CASES:
        shutil.copytree(
            REPO / "fixtures" / "workspaces" / case, root / "fixtures" / "workspaces" / case
        )
        if with_goldens:
            shutil.copytree(REPO / "golden" / case, root / "golden" / case)
    return root


def goldens(root: Path) -> list[str]:
    """The stored goldens of a project, as ``<case>/<file>`` (sorted)."""
    folder = root / "golden"
    return sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/*") if p.is_file())
