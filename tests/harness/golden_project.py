"""A throwaway project for running the golden suite as pytest inside pytest."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tradingview_scraper.harness import cases, syrupy_ext

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


def run_nested(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """A nested pytest session in this process: its imports are done already, so a run takes
    a fraction of a second instead of the 2-3 s of a new interpreter. The harness's memos of
    file-system facts are cleared first, as a new process would start without them."""
    syrupy_ext._dirname.cache_clear()
    syrupy_ext._golden_snapshots_of_file.cache_clear()
    syrupy_ext._FACTS.clear()
    cases._project_root.cache_clear()
    # our own test modules (``conftest``, ``test_goldens``) share their names with the nested
    # project's: hidden while it runs, or pytest would find ours under those names
    ours = str(REPO / "tests")
    hidden = {
        name: module
        for name, module in list(sys.modules.items())
        if str(getattr(module, "__file__", None) or "").startswith(ours)
    }
    for name in hidden:
        del sys.modules[name]
    try:
        return pytester.runpytest_inprocess(*args)
    finally:
        sys.modules.update(hidden)
