"""syrupy 7 extensions storing goldens under the repository's ``golden/`` folder.

One file per (case, risk profile, artifact): ``golden/<test module>/<test id>.json`` or
``.md``. Matching is tolerance-aware (``drift.TOLERANCES``): a difference within tolerance
passes and is not rewritten; a larger one fails with a deepdiff drift report ending with the
command that accepts it. Only ``dirname`` is customized; discovery stays directory-scoped on
``golden/`` (syrupy's own rule for single-file collections), so goldens of a deleted case or
test are still found and reported as unused.
"""

from __future__ import annotations

import json
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

    def serialize(self, data: Any, **_: Any) -> str:
        if not isinstance(data, str):
            raise TypeError(f"golden data must be normalized text, got {type(data).__name__}")
        return data


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
