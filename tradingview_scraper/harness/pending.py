"""Pending goldens: a mismatch's new output, kept beside the golden until it is reviewed.

On a mismatch the golden suite writes the new normalized output to
``.golden-pending/<case>/<rest>.<ext>`` (mirroring ``golden/``) and its record to
``<rest>.<ext>.pending.json``: the golden name, the sha256 of the golden it was compared with
(null for a new golden), a one-line summary and the drift report. Accepting moves the output
into ``golden/`` (never re-running the pipeline) and is refused when the golden changed since
the output was written; rejecting deletes it. Nothing here is ever written when ``CI`` is set.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import HarnessError
from .drift import drift_of_texts
from .layout import PENDING_DIR, golden_path, split_name

__all__ = ["RECORD_SUFFIX", "Pending", "PendingStore", "refuse_under_ci"]

RECORD_SUFFIX = ".pending.json"


def refuse_under_ci(command: str) -> None:
    """Goldens and pending outputs change only on a developer's machine."""
    if os.environ.get("CI"):
        raise HarnessError(
            f"{command} refuses to write when CI is set: goldens change only on a "
            "developer's machine, reviewed in a commit"
        )


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@dataclass(frozen=True, slots=True)
class Pending:
    """One pending golden: where its new output is, what it replaces, what changed."""

    name: str
    extension: str
    output: Path  # .golden-pending/<case>/<rest>.<ext>
    golden: Path  # golden/<case>/<rest>.<ext>
    golden_sha256: str | None  # the golden it was compared with; None: a new golden
    summary: str
    report: tuple[str, ...]

    @property
    def case(self) -> str:
        return split_name(self.name)[0]

    @property
    def record(self) -> Path:
        return self.output.with_name(self.output.name + RECORD_SUFFIX)

    def matches(self, patterns: Sequence[str]) -> bool:
        """No patterns: every pending golden; else a shell pattern on the case or the name."""
        return not patterns or any(
            fnmatch.fnmatchcase(self.case, p) or fnmatch.fnmatchcase(self.name, p) for p in patterns
        )

    def stale(self) -> bool:
        """The golden changed since this output was compared with it."""
        return _sha256(self.golden) != self.golden_sha256

    def texts(self) -> tuple[str, str]:
        """(golden text, pending text); the golden is empty for a new golden."""
        old = self.golden.read_text(encoding="utf-8") if self.golden.is_file() else ""
        return old, self.output.read_text(encoding="utf-8")


class PendingStore:
    """The ``.golden-pending/`` folder of one project root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / PENDING_DIR

    def write(self, name: str, extension: str, text: str, *, test: str = "") -> Pending:
        """Keep ``text`` as the pending output of golden ``name`` with its drift report."""
        refuse_under_ci("writing a pending golden")
        golden = golden_path(self.root, name, extension)
        output = golden_path(self.root, name, extension, folder=PENDING_DIR)
        if golden.is_file():
            drift = drift_of_texts(name, extension, golden.read_text(encoding="utf-8"), text)
            summary = drift.summary().split(": ", 1)[1]
            report = drift.lines(limit=200, accept=False)[1:]
        else:
            summary, report = "new golden", []
        pending = Pending(name, extension, output, golden, _sha256(golden), summary, tuple(report))
        record = {
            "golden": golden.relative_to(self.root).as_posix(),
            "golden_sha256": pending.golden_sha256,
            "name": name,
            "report": report,
            "summary": summary,
            "test": test,
        }
        _write_atomic(output, text)
        _write_atomic(pending.record, json.dumps(record, indent=2, sort_keys=True) + "\n")
        return pending

    def discard(self, name: str, extension: str) -> bool:
        """Remove the pending output of ``name`` if there is one (it no longer applies)."""
        output = golden_path(self.root, name, extension, folder=PENDING_DIR)
        record = output.with_name(output.name + RECORD_SUFFIX)
        if not (output.exists() or record.exists()):
            return False
        output.unlink(missing_ok=True)
        record.unlink(missing_ok=True)
        self._prune(output.parent)
        return True

    def entries(self) -> list[Pending]:
        """Every pending golden, sorted by case and name."""
        if not self.folder.is_dir():
            return []
        found = []
        for record in sorted(self.folder.glob(f"*/*{RECORD_SUFFIX}")):
            output = record.with_name(record.name[: -len(RECORD_SUFFIX)])
            data = self._read(record)
            rest, _, extension = output.name.rpartition(".")
            name = f"{record.parent.name}.{rest}"
            if not output.is_file() or data.get("name") != name:
                raise HarnessError(
                    f"{record.relative_to(self.root)}: pending record without its output or "
                    f"for another golden; rerun the golden suite or delete {PENDING_DIR}/"
                )
            found.append(
                Pending(
                    name=name,
                    extension=extension,
                    output=output,
                    golden=golden_path(self.root, name, extension),
                    golden_sha256=data.get("golden_sha256"),
                    summary=str(data.get("summary", "")),
                    report=tuple(str(line) for line in data.get("report", [])),
                )
            )
        return sorted(found, key=lambda p: (p.case, p.name))

    def select(self, patterns: Sequence[str]) -> list[Pending]:
        """The pending goldens matching ``patterns``; a pattern matching none is an error."""
        entries = self.entries()
        for pattern in patterns:
            if not any(e.matches([pattern]) for e in entries):
                known = ", ".join(sorted({e.case for e in entries})) or "none"
                raise HarnessError(
                    f"no pending golden matches {pattern!r} (pending cases: {known}); "
                    "patterns match case names or golden names, shell-style"
                )
        return [e for e in entries if e.matches(patterns)]

    def accept(self, pending: Pending) -> None:
        """Move the pending output into golden/ (refused if the golden moved meanwhile)."""
        refuse_under_ci("tv-golden accept")
        if pending.stale():
            raise HarnessError(
                f"{pending.golden.relative_to(self.root)}: changed since the pending output "
                "was written; rerun the golden suite to compare again"
            )
        pending.golden.parent.mkdir(parents=True, exist_ok=True)
        os.replace(pending.output, pending.golden)
        pending.record.unlink(missing_ok=True)
        self._prune(pending.output.parent)

    def reject(self, pending: Pending) -> None:
        """Forget the pending output; the golden stays as it is."""
        refuse_under_ci("tv-golden reject")
        self.discard(pending.name, pending.extension)

    def _read(self, record: Path) -> dict[str, Any]:
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise HarnessError(f"{record.relative_to(self.root)}: unreadable ({exc})") from exc
        if not isinstance(data, dict):
            raise HarnessError(f"{record.relative_to(self.root)}: not a pending record")
        return data

    def _prune(self, case_folder: Path) -> None:
        for folder in (case_folder, self.folder):
            with contextlib.suppress(OSError):
                folder.rmdir()
