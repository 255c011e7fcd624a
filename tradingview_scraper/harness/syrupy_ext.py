"""syrupy 7 extensions storing goldens under the repository's ``golden/`` folder.

One file per (case, risk profile, artifact): ``golden/<test module>/<test id>.json`` or
``.md``. Matching is tolerance-aware (``drift.TOLERANCES``): a difference within tolerance
passes and is not rewritten; a larger one fails with a deepdiff drift report ending with the
command that accepts it. Only ``dirname`` is customized; discovery stays directory-scoped on
``golden/`` (syrupy's own rule for single-file collections), so goldens of a deleted case or
test are still found and reported as unused.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from .cases import project_root
from .drift import compare_documents, compare_text, tolerance_for

__all__ = ["GOLDEN_DIR", "GoldenJSONExtension", "GoldenMarkdownExtension"]

GOLDEN_DIR = "golden"


class _GoldenBase(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        return str(project_root(Path(test_location.filepath)) / GOLDEN_DIR / test_location.basename)

    @classmethod
    def matches_test_location(cls, *, test_location: Any, snapshot_location: str) -> bool:
        """Pair a golden with a test; orphans pair with every test of their module.

        syrupy pairs a single-file snapshot with a *parametrized instance* by name, so when
        pytest is given a path (``pytest tests/golden``) the goldens of a deleted case match no
        test that ran and are silently ignored instead of reported as unused. A test module
        that declares ``GOLDEN_SNAPSHOTS`` (every snapshot name it can produce) lets us tell
        an orphan from a golden whose test was merely not selected: orphans are claimed by
        the module's tests, so they are reported (and removed by ``--snapshot-update``);
        goldens of deselected tests keep syrupy's exact per-instance matching.
        """
        if super().matches_test_location(
            test_location=test_location, snapshot_location=snapshot_location
        ):
            return True
        path = Path(snapshot_location)
        if path.parent != Path(cls.dirname(test_location=test_location)):
            return False
        known = _golden_snapshots(test_location)
        if known is None:
            return False
        stem = path.name[: -len(cls.file_extension) - 1]
        return stem not in known

    def serialize(self, data: Any, **_: Any) -> str:
        if not isinstance(data, str):
            raise TypeError(f"golden data must be normalized text, got {type(data).__name__}")
        return data


def _golden_snapshots(test_location: Any) -> frozenset[str] | None:
    """The ``GOLDEN_SNAPSHOTS`` of the test's module, or None when it declares none.

    Under pytest-xdist the unused goldens are decided on the controller, whose items are
    rebuilt from the workers' reports without their modules: there the module is found (or
    loaded) by its file, so orphans are reported there exactly as in a single process.
    """
    module = getattr(test_location.item, "module", None)
    if module is not None:
        known = getattr(module, "GOLDEN_SNAPSHOTS", None)
        return None if known is None else frozenset(known)
    return _golden_snapshots_of_file(str(Path(test_location.filepath).resolve()))


@functools.cache
def _golden_snapshots_of_file(path: str) -> frozenset[str] | None:
    for module in list(sys.modules.values()):
        filename = getattr(module, "__file__", None)
        if filename and str(Path(filename).resolve()) == path:
            known = getattr(module, "GOLDEN_SNAPSHOTS", None)
            return None if known is None else frozenset(known)
    name = f"_golden_module_{hashlib.sha256(path.encode()).hexdigest()[:16]}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    known = getattr(module, "GOLDEN_SNAPSHOTS", None)
    return None if known is None else frozenset(known)


class GoldenJSONExtension(_GoldenBase):
    """Normalized JSON documents; numbers compared within the artifact's tolerance."""

    file_extension = "json"

    @staticmethod
    def _parse(text: Any) -> Any:
        return json.loads(str(text))

    def _drift(self, current: Any, golden: Any) -> Any:
        golden_doc, current_doc = self._parse(golden), self._parse(current)
        family = (
            str(current_doc.get("golden_artifact", "")) if isinstance(current_doc, dict) else ""
        )
        return compare_documents(
            family or "document", golden_doc, current_doc, tolerance=tolerance_for(family)
        )

    def matches(self, *, serialized_data: Any, snapshot_data: Any) -> bool:
        if serialized_data == snapshot_data:
            return True
        try:
            return bool(self._drift(serialized_data, snapshot_data).empty)
        except (ValueError, TypeError):
            return False

    def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Iterator[str]:
        try:
            drift = self._drift(serialized_data, snapshot_data)
        except (ValueError, TypeError):
            drift = compare_text("document", str(snapshot_data), str(serialized_data))
        yield from drift.lines()


class GoldenMarkdownExtension(_GoldenBase):
    """Scrubbed report text; compared exactly, drift shown as a unified diff."""

    file_extension = "md"

    def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Iterator[str]:
        yield from compare_text("report", str(snapshot_data), str(serialized_data)).lines()


def golden_path(test_file: Path, test_id: str, extension: str) -> Path:
    """Where a golden lives (for tools and tests that look at the files directly)."""
    return project_root(test_file) / GOLDEN_DIR / test_file.stem / f"{test_id}.{extension}"
