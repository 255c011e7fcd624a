"""The golden suite: every artifact of every success case, and what the user sees for every
failure case (exit code, the normalized ``error:`` line, and that nothing was written),
snapshotted under golden/.

Run ``pytest tests/golden --snapshot-update`` (or ``tv-golden update``) after an intended change
and review ``git diff golden/`` or ``tv-golden diff``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tradingview_scraper.cli import main as tv_meta
from tradingview_scraper.errors import MetaPipelineError
from tradingview_scraper.harness.cases import (
    GOLDEN_EPOCH,
    cases,
    expected_names,
    failure_golden,
    golden_outputs,
    project_root,
    run_case,
    tree_digest,
)
from tradingview_scraper.harness.materialize import Case, materialize
from tradingview_scraper.harness.syrupy_ext import GoldenJSONExtension, GoldenMarkdownExtension

ROOT = project_root(Path(__file__))
CASES = {case.name: case for case in cases(ROOT / "fixtures" / "workspaces", expect="success")}
FAILURES = {case.name: case for case in cases(ROOT / "fixtures" / "workspaces", expect="error")}
PARAMS = [
    pytest.param(case.name, name, id=name)
    for case in CASES.values()
    for name in expected_names(case)
]
FAILURE_PARAMS = [pytest.param(name, id=f"{name}.failure") for name in sorted(FAILURES)]
# every snapshot name this module can produce: lets the extension tell orphaned goldens
# (a deleted case or artifact) from goldens of tests that were merely not selected
GOLDEN_SNAPSHOTS = frozenset(
    [f"test_golden[{p.id}]" for p in PARAMS]
    + [f"test_failure_golden[{p.id}]" for p in FAILURE_PARAMS]
)
Outputs = Callable[[str], dict[str, tuple[str, str]]]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """Run each case once per process (lazily) and keep its normalized goldens.

    While mutmut records which test reaches which function (``MUTANT_UNDER_TEST=stats``),
    every test runs its case afresh: with the cache, the pipeline would be charged to the
    first test of each case alone, and a mutant would later be tried against that one golden
    instead of all the goldens of the cases it reaches (scripts/mutants.py).
    """
    cache: dict[str, dict[str, tuple[str, str]]] = {}
    recording = os.environ.get("MUTANT_UNDER_TEST") == "stats"

    def get(name: str) -> dict[str, tuple[str, str]]:
        if name not in cache or recording:
            case: Case = CASES[name]
            run = run_case(case, tmp_path_factory.mktemp(name) / "ws")
            cache[name] = golden_outputs(case, run)
        return cache[name]

    return get


@pytest.mark.parametrize(("case_name", "name"), PARAMS)
def test_golden(case_name: str, name: str, outputs: Outputs, snapshot: SnapshotAssertion) -> None:
    kind, text = outputs(case_name)[name]
    extension = GoldenJSONExtension if kind == "json" else GoldenMarkdownExtension
    assert text == snapshot.use_extension(extension)


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_every_artifact_has_a_golden(case_name: str, outputs: Outputs) -> None:
    assert sorted(outputs(case_name)) == expected_names(CASES[case_name])


@pytest.mark.parametrize("case_name", FAILURE_PARAMS)
def test_failure_golden(
    case_name: str,
    tmp_path: Path,
    snapshot: SnapshotAssertion,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Run a failure case through ``tv-meta run`` as a user would, and golden what they see."""
    case = FAILURES[case_name]
    workspace = materialize(case.folder, tmp_path / "ws")
    monkeypatch.chdir(workspace)  # a hostile pickle would leave its marker here
    monkeypatch.setenv("SOURCE_DATE_EPOCH", GOLDEN_EPOCH)
    command = [
        "run",
        "--profile",
        case.meta_profile,
        "--risk-profiles",
        ",".join(case.risk_profiles),
        "--run-id",
        case.run_id,
    ]
    before = tree_digest(workspace)
    capsys.readouterr()
    exit_code = tv_meta([*command[:1], "--workspace", str(workspace), *command[1:]])
    seen = capsys.readouterr()
    after = tree_digest(workspace)
    try:
        run_case(case, tmp_path / "library")
    except MetaPipelineError as exc:
        error_type = type(exc).__name__
    else:
        error_type = "none: the library run succeeded"
    outputs = failure_golden(
        case,
        command=command,
        exit_code=exit_code,
        stdout=seen.out,
        stderr=seen.err,
        error_type=error_type,
        workspace=workspace,
        before=before,
        after=after,
    )
    assert outputs[f"{case_name}.failure"][1] == snapshot.use_extension(GoldenJSONExtension)
