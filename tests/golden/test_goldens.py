"""The golden suite: every artifact of every success case, and what the user sees for every
failure case (exit code, the normalized ``error:`` line, and that nothing was written),
snapshotted under golden/<case>/.

A mismatch keeps the new output in .golden-pending/ (harness/pytest_plugin.py): review it with
``tv-golden review`` or ``tv-golden accept|reject [PATTERN...]``; or rewrite every golden that
moved with ``pytest tests/golden --snapshot-update`` (``tv-golden update``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tradingview_scraper.cli import main as tv_meta
from tradingview_scraper.harness.cases import (
    cases,
    expected_names,
    failure_names,
    failure_outputs,
    golden_outputs,
    project_root,
    run_case,
)
from tradingview_scraper.harness.materialize import Case
from tradingview_scraper.harness.pytest_plugin import GoldenPending
from tradingview_scraper.harness.syrupy_ext import GoldenJSONExtension, GoldenMarkdownExtension

# the goldens draw figures themselves (<case>.drawn): never from tests/conftest.py's per-process
# memo of render_svg, which mutmut's forked runs would inherit from their parent
pytestmark = pytest.mark.real_figures

ROOT = project_root(Path(__file__))
CASES = {case.name: case for case in cases(ROOT / "fixtures" / "workspaces")}
PARAMS = [
    pytest.param(case.name, name, id=name)
    for case in CASES.values()
    for name in (expected_names(case) if case.expect == "success" else failure_names(case))
]
# every snapshot name this module can produce: lets the extension tell orphaned goldens
# (a deleted case or artifact) from goldens of tests that were merely not selected
GOLDEN_SNAPSHOTS = frozenset(f"test_golden[{p.id}]" for p in PARAMS)
Outputs = Callable[[str], dict[str, tuple[str, str]]]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """Run each case once per process (lazily) and keep its normalized goldens.

    A success case runs through the canonical runner; a failure case through ``tv-meta run``,
    as a user would, and its goldens record what they see (exit code, the ``error:`` line,
    the files written: none).

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
            folder = tmp_path_factory.mktemp(name)
            if case.expect == "success":
                run = run_case(case, folder / "ws", draw_figures=False)
                cache[name] = golden_outputs(case, run)
            else:
                cache[name] = failure_outputs(case, folder, cli=tv_meta)
        return cache[name]

    return get


@pytest.mark.parametrize(("case_name", "name"), PARAMS)
def test_golden(
    case_name: str,
    name: str,
    outputs: Outputs,
    snapshot: SnapshotAssertion,
    golden_pending: GoldenPending,
) -> None:
    kind, text = outputs(case_name)[name]
    extension = GoldenJSONExtension if kind == "json" else GoldenMarkdownExtension
    with golden_pending(CASES[case_name], name, kind, text):
        assert text == snapshot.use_extension(extension)


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_every_artifact_has_a_golden(case_name: str, outputs: Outputs) -> None:
    case = CASES[case_name]
    expected = expected_names(case) if case.expect == "success" else failure_names(case)
    assert sorted(outputs(case_name)) == expected
