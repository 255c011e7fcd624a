"""The golden suite's pytest side: pending outputs per test, one drift summary per case.

The root ``tests/conftest.py`` imports the fixture and the hook (the xdist controller loads
only the conftests on the paths it is given, so one under tests/golden would miss the summary
under ``pytest -n 2``). Each golden test runs its syrupy assertion inside
``golden_pending(case, name, extension, text)``:

* on a mismatch (not with ``--snapshot-update``, never when ``CI`` is set) the new output goes to
  ``.golden-pending/`` with its drift report; on a match the pending output of that golden, if
  any, no longer applies and is removed (so a passing rerun cleans up, in every xdist worker);
* the failed golden is recorded on the test report (``user_properties``, so it reaches the
  xdist controller), and the terminal summary prints, once per case, whether the inputs changed
  and which stage drifted first, instead of leaving that to 14 tracebacks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from .attribution import stage_of, summarize
from .cases import project_root
from .drift import drift_of_texts
from .inputs import INPUTS, inputs_on_disk
from .layout import PENDING_DIR, golden_path
from .materialize import Case
from .pending import PendingStore

__all__ = ["golden_pending", "pytest_terminal_summary"]

PROPERTY = "golden_drift"
GoldenPending = Callable[[Case, str, str, str], AbstractContextManager[None]]


@pytest.fixture
def golden_pending(request: pytest.FixtureRequest) -> GoldenPending:
    """``with golden_pending(case, name, ext, text): assert text == snapshot...``"""
    root = project_root(Path(str(request.node.path)))
    updating = bool(request.config.getoption("--snapshot-update", default=False))
    store = PendingStore(root)
    under_ci = bool(os.environ.get("CI"))

    @contextmanager
    def check(case: Case, name: str, extension: str, text: str) -> Iterator[None]:
        try:
            yield
        except AssertionError:
            golden = golden_path(root, name, extension)
            new = not golden.is_file()
            stage = None
            if not new:
                old = golden.read_text(encoding="utf-8")
                stage = stage_of(name, drift_of_texts(name, extension, old, text))
            written = not (updating or under_ci)
            if written:
                store.write(name, extension, text, test=request.node.nodeid)
            request.node.user_properties.append(
                (
                    PROPERTY,
                    {
                        "name": name,
                        "new": new,
                        "root": str(root),
                        "case_folder": str(case.folder),
                        "pending": written,
                        "stage": stage,
                    },
                )
            )
            raise
        if not under_ci:
            store.discard(name, extension)

    return check


def _drifts(terminalreporter: Any) -> list[dict[str, Any]]:
    found = []
    for report in terminalreporter.stats.get("failed", []):
        for key, value in getattr(report, "user_properties", ()):
            if key == PROPERTY and isinstance(value, dict):
                found.append(value)
    return sorted(found, key=lambda v: str(v["name"]))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    drifts = _drifts(terminalreporter)
    if not drifts:
        return
    folders = {str(d["name"]).partition(".")[0]: d for d in drifts}

    def inputs(case: str) -> Any:
        record = folders[case]
        recorded = golden_path(Path(record["root"]), f"{case}.{INPUTS}", "json")
        text = recorded.read_text(encoding="utf-8") if recorded.is_file() else None
        return inputs_on_disk(text, Path(record["case_folder"]))

    summaries = summarize(
        [str(d["name"]) for d in drifts if not d["new"]],
        inputs,
        new=[str(d["name"]) for d in drifts if d["new"]],
        stages={str(d["name"]): str(d["stage"]) for d in drifts if d.get("stage")},
    )
    write = terminalreporter.write_line
    terminalreporter.write_sep("=", "golden drift by case")
    for summary in summaries:
        for line in summary.lines():
            write(line)
    pending = sum(1 for d in drifts if d["pending"])
    if pending:
        write(
            f"{pending} new output(s) kept in {PENDING_DIR}/: review them with "
            "`tv-golden review`, or `tv-golden accept|reject [PATTERN...]` "
            f"(e.g. tv-golden accept {summaries[0].case})"
        )
    elif os.environ.get("CI"):
        write("CI is set: no pending output written; rerun the golden suite locally to review")
