"""The golden suite: every artifact of every success case, and what the user sees for every
failure case (exit code, the normalized ``error:`` line, and that nothing was written),
snapshotted under golden/<case>/.

A mismatch keeps the new output in .golden-pending/ (harness/pytest_plugin.py): review it with
``tv-golden review`` or ``tv-golden accept|reject [PATTERN...]``; or rewrite every golden that
moved with ``pytest tests/golden --snapshot-update`` (``tv-golden update``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from tradingview_scraper.cli import main as tv_meta
from tradingview_scraper.harness.cases import (
    GOLDEN_EPOCH,
    cases,
    expected_names,
    failure_golden,
    failure_names,
    failure_outputs,
    golden_outputs,
    observe_failure,
    project_root,
    run_case,
)
from tradingview_scraper.harness.materialize import Case
from tradingview_scraper.harness.pytest_plugin import GoldenPending
from tradingview_scraper.harness.syrupy_ext import GoldenJSONExtension, GoldenMarkdownExtension
from tradingview_scraper.pipeline import run_meta_pipeline
from tradingview_scraper.settings import Settings

# the goldens draw figures themselves (<case>.drawn): never from tests/conftest.py's per-process
# memo of render_svg, which mutmut's forked runs would inherit from their parent. Line coverage
# (pytest-cov's no_cover) is paused: what the goldens guard is measured by their mutation score
# (scripts/mutants.py), and tracing every line of 85 cases' pipelines doubled their time
pytestmark = [pytest.mark.real_figures, pytest.mark.no_cover]

ROOT = project_root(Path(__file__))
CASES = {case.name: case for case in cases(ROOT / "fixtures" / "workspaces")}


def load_catalogue(path: Path) -> ModuleType | None:
    """The hostile-input catalogue module, or None for a project without one (its goldens,
    if any, are then unused, which the suite reports). Loaded from this project's file: a
    nested or copied project must not pick up another project's catalogue from sys.path."""
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("golden_hostile_catalogue", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


# the hostile-input catalogue (tests/hostile/catalogue.py): what the user sees for each entry,
# golden/hostile/<id>.failure.json
CATALOGUE = load_catalogue(ROOT / "tests" / "hostile" / "catalogue.py")
HOSTILE: dict[str, Any] = {e.id: e for e in (CATALOGUE.CATALOGUE if CATALOGUE else [])}
# under xdist a case's goldens go to one worker (it runs the case once) and the cases spread
# over the workers (``--dist loadgroup``; tests/conftest.py groups other tests by file)
PARAMS = [
    pytest.param(case.name, name, id=name, marks=pytest.mark.xdist_group(case.name))
    for case in CASES.values()
    for name in (expected_names(case) if case.expect == "success" else failure_names(case))
] + [
    pytest.param(
        f"hostile/{entry.id}",
        f"hostile.{entry.id}.failure",
        id=f"hostile.{entry.id}.failure",
        marks=pytest.mark.xdist_group("hostile"),
    )
    for entry in HOSTILE.values()
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

    def run(name: str) -> dict[str, tuple[str, str]]:
        if name.startswith("hostile/"):
            entry = HOSTILE[name.removeprefix("hostile/")]
            return hostile_outputs(entry, tmp_path_factory.mktemp("hostile"))
        case: Case = CASES[name]
        folder = tmp_path_factory.mktemp(name)
        if case.expect != "success":
            return failure_outputs(case, folder, cli=tv_meta)
        # a case that goldens its figures as drawn (<case>.drawn) draws its files too
        run = run_case(case, folder / "ws", draw_figures=case.draw_figures)
        return golden_outputs(case, run, cli=tv_meta)  # tv_meta: a "cli_run" case's <case>.cli

    def get(name: str) -> dict[str, tuple[str, str]]:
        if name not in cache or recording:
            with _untraced():
                cache[name] = run(name)
        return cache[name]

    return get


@contextlib.contextmanager
def _untraced() -> Iterator[None]:
    """No line tracing while a case runs (the README's command measures coverage).

    What the goldens guard is measured by their mutation score, and tracing every line of
    every case's pipeline doubled the golden suite's time. pytest-cov's ``no_cover`` mark
    (this module's ``pytestmark``) pauses its tracer in a single process only: under
    pytest-xdist (pytest-cov 7.1) a worker's trace function stays on, so it is lifted here
    for the run of a case and put back after.
    """
    tracer = sys.gettrace()
    sys.settrace(None)
    try:
        yield
    finally:
        sys.settrace(tracer)


def hostile_outputs(entry: Any, folder: Path) -> dict[str, tuple[str, str]]:
    """A catalogue entry through ``tv-meta run``, then the library (in a second copy if the
    command changed a file)."""
    assert CATALOGUE is not None
    seen = folder / "cli"
    ctx = CATALOGUE.prepare(entry, seen)

    def library(unchanged: Path | None) -> object:
        workspace = unchanged or CATALOGUE.prepare(entry, folder / "library").ws
        return run_meta_pipeline(
            Settings.for_workspace(workspace),
            entry.profile,
            list(entry.risk_profiles) if entry.risk_profiles else None,
            run_id=entry.run_id,
            environ={"SOURCE_DATE_EPOCH": GOLDEN_EPOCH},
        )

    failure = observe_failure(
        ctx.ws, CATALOGUE.command(entry), cli=tv_meta, library=library, watched=seen
    )
    scrub = {"workspace": str(ctx.ws), "outside": str(ctx.outside), "tmp": str(seen)}
    return failure_golden(f"hostile.{entry.id}", failure, scrub=scrub)


def case_of(case_name: str) -> Case:
    """The fixture case behind a golden (a catalogue entry's: the case it mutates)."""
    if case_name.startswith("hostile/"):
        return CASES[HOSTILE[case_name.removeprefix("hostile/")].case]
    return CASES[case_name]


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
    with golden_pending(case_of(case_name), name, kind, text):
        assert text == snapshot.use_extension(extension)


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_every_artifact_has_a_golden(case_name: str, outputs: Outputs) -> None:
    case = CASES[case_name]
    expected = expected_names(case) if case.expect == "success" else failure_names(case)
    assert sorted(outputs(case_name)) == expected
