"""syrupy 7 extensions storing goldens under the repository's ``golden/`` folder.

One file per golden, laid out one folder per case (``layout``): the golden of test
``test_golden[<case>.<rest>]`` is the file ``golden/<case>/<rest>.json`` (or ``.md``).
Matching is tolerance-aware (``drift.TOLERANCES``): a difference within tolerance passes and is
not rewritten; a larger one fails with a deepdiff drift report ending with the command that
accepts it.

syrupy pairs snapshot files with tests (unused detection, ``-k``, path and node selection,
pytest-xdist) by the test module's name in the file's path. So syrupy keeps seeing every golden
under a *key* in its own single-file shape, ``golden/<test module>/<test id>.<ext>``, and only
the file operations (discover, read, write, delete) translate a key to the stored file and
back. syrupy's selection rules therefore apply unchanged to the per-case layout.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from syrupy.data import Snapshot, SnapshotCollection, SnapshotCollections
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from ..errors import HarnessError
from .cases import project_root
from .drift import compare_documents, compare_text, tolerance_for
from .layout import GOLDEN_DIR, golden_path, split_name

__all__ = [
    "GOLDEN_DIR",
    "GOLDEN_TEST",
    "GoldenJSONExtension",
    "GoldenMarkdownExtension",
    "stored_path",
]

GOLDEN_TEST = "test_golden"  # the golden suite's test function; its parametrize id is the name


def stored_path(key: str) -> Path:
    """The file behind syrupy's key ``<root>/golden/<module>/<test>[<name>].<ext>``."""
    path = Path(key)
    stem, _, extension = path.name.rpartition(".")
    name = stem[stem.index("[") + 1 : -1] if stem.endswith("]") and "[" in stem else stem
    return golden_path(path.parent.parent.parent, name, extension)


@functools.lru_cache(maxsize=64)
def _dirname(test_file: str) -> str:
    path = Path(test_file)
    return str(project_root(path) / GOLDEN_DIR / path.stem)


def _key(key_dir: Path, relative: Path, extension: str) -> str | None:
    """syrupy's key for the stored file ``golden/<case>/<rest>.<ext>`` (None: not a golden)."""
    if len(relative.parts) != 2 or not relative.name.endswith(f".{extension}"):
        return None
    name = f"{relative.parts[0]}.{relative.name[: -len(extension) - 1]}"
    try:
        split_name(name)
    except HarnessError:
        return None
    return str(key_dir / f"{GOLDEN_TEST}[{name}].{extension}")


class _GoldenBase(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        return _dirname(str(test_location.filepath))

    def discover_snapshots(
        self, *, test_location: Any, ignore_extensions: list[str] | None = None
    ) -> SnapshotCollections:
        """Every stored golden of this extension, each under its key."""
        root = project_root(Path(test_location.filepath))
        discovered = SnapshotCollections()
        folder = root / GOLDEN_DIR
        key_dir = Path(self.dirname(test_location=test_location))
        if not folder.is_dir():
            return discovered
        for path in sorted(folder.glob(f"*/*.{self.file_extension}")):
            key = _key(key_dir, path.relative_to(folder), self.file_extension)
            if key is None or not path.is_file():
                continue
            collection = SnapshotCollection(location=key)
            collection.add(Snapshot(name=Path(key).name[: -len(self.file_extension) - 1]))
            discovered.add(collection)
        return discovered

    def read_snapshot_data_from_location(
        self, *, snapshot_location: str, snapshot_name: str, session_id: str
    ) -> Any:
        try:
            return stored_path(snapshot_location).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    @classmethod
    def write_snapshot(
        cls,
        *,
        snapshot_location: str,
        snapshots: list[tuple[Any, Any, Any]],
        name_order: dict[str, int] | None = None,
    ) -> None:
        if not snapshots:
            return
        data = snapshots[-1][0]
        if not isinstance(data, str):
            raise TypeError(f"golden data must be normalized text, got {type(data).__name__}")
        path = stored_path(snapshot_location)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data, encoding="utf-8")

    def delete_snapshots(self, *, snapshot_location: str, snapshot_names: set[str]) -> None:
        path = stored_path(snapshot_location)
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # the case's last golden: the folder goes too

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

        syrupy asks this for every (golden, test) pair at the end of a session, so the exact
        match is a string comparison here (our keys are ``<dir>/<test>[<name>].<ext>``, never
        long enough for syrupy's 255-character truncation rule); syrupy's generic check, which
        walks and resolves paths, made that step take most of the suite's time.
        """
        parent, _, filename = snapshot_location.rpartition("/")
        dirname, name, known = _location_facts(cls, test_location)
        if parent != dirname:
            return False
        stem = filename[: -len(cls.file_extension) - 1]
        if stem == name:
            return True
        if known is None:
            return super().matches_test_location(
                test_location=test_location, snapshot_location=snapshot_location
            )
        return stem not in known

    def serialize(self, data: Any, **_: Any) -> str:
        if not isinstance(data, str):
            raise TypeError(f"golden data must be normalized text, got {type(data).__name__}")
        return data


_Facts = tuple[str, str, "frozenset[str] | None"]
# id(location) -> (location, its facts); the location is kept so that its id is not reused by
# another object while the entry lives
_FACTS: dict[int, tuple[Any, _Facts]] = {}


def _location_facts(extension: type[_GoldenBase], test_location: Any) -> _Facts:
    """A test location's golden folder, parametrized name and its module's ``GOLDEN_SNAPSHOTS``,
    computed once per location.

    syrupy asks ``matches_test_location`` for every (golden, test) pair at the end of a session
    (about 600,000 pairs for the golden suite); the location derives these from its node id,
    path and module each time they are read, which made that step take seconds.
    """
    hit = _FACTS.get(id(test_location))
    if hit is None or hit[0] is not test_location:
        facts = (
            extension.dirname(test_location=test_location),
            str(test_location.snapshot_name_parametrized),
            _golden_snapshots(test_location),
        )
        hit = (test_location, facts)
        _FACTS[id(test_location)] = hit
    return hit[1]


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
    return _golden_snapshots_of_file(str(test_location.filepath))


@functools.cache  # by the path as given: syrupy asks once per (golden, test) pair
def _golden_snapshots_of_file(filepath: str) -> frozenset[str] | None:
    path = str(Path(filepath).resolve())
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
