"""The fingerprint of a case's input files, and what changed in them.

Each case keeps a fingerprint of its input files (every file of its fixture folder, path ->
sha256) as the golden ``<case>.inputs`` (``golden/<case>/inputs.json``): it is compared, updated
and accepted like every other golden. Against the files (or another revision's fingerprint) it
tells which input files were added, removed or changed, and for JSON inputs such as manifests
which fields (``profiles.meta_bounds.meta_allocation.max_weight 0.45 -> 0.4``). The fingerprint
holds hashes only: the recorded version of an edited file is looked up in git by its sha256.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._git import git_bytes
from .normalize import dumps_golden

__all__ = [
    "INPUTS",
    "InputChange",
    "compare_inputs",
    "fingerprint",
    "git_content",
    "inputs_document",
    "inputs_on_disk",
    "json_field_changes",
    "read_fingerprint",
]

INPUTS = "inputs"  # the family of the fingerprint golden: <case>.inputs
MAX_FIELDS = 12  # field changes listed per input file
_HISTORY = 200  # commits searched for the content a fingerprint was taken from


def fingerprint(case_folder: Path) -> dict[str, str]:
    """Every file of a case folder (posix path relative to it) -> sha256 of its bytes."""
    return {
        p.relative_to(case_folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(case_folder.rglob("*"))
        if p.is_file()
    }


def inputs_document(case_folder: Path) -> str:
    """The text of the ``<case>.inputs`` golden (not normalized: the hashes are the point)."""
    return dumps_golden({"golden_artifact": INPUTS, "files": fingerprint(case_folder)})


def read_fingerprint(text: str | None) -> dict[str, str] | None:
    """The recorded fingerprint in an inputs golden's text (None: none or unreadable)."""
    if text is None:
        return None
    try:
        files = json.loads(text).get("files")
    except (ValueError, AttributeError):
        return None
    if not isinstance(files, dict):
        return None
    return {str(k): str(v) for k, v in files.items()}


def git_content(folder: Path, relpath: str, sha256: str) -> bytes | None:
    """The bytes of ``folder/relpath`` whose sha256 is ``sha256``, from git (index, history).

    The fingerprint holds only hashes; the old content of an edited input is looked up in the
    repository (staged, then each commit that touched the file, newest first). None when the
    folder is not in a git repository or no version has that hash.
    """
    top = git_bytes(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    root = Path(top.decode().strip())
    try:
        path = (folder / relpath).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    revisions = [""]  # the index
    log = git_bytes(root, "log", f"-n{_HISTORY}", "--format=%H", "--", path)
    revisions += (log or b"").decode().split()
    for revision in revisions:
        content = git_bytes(root, "show", f"{revision}:{path}")
        if content is not None and hashlib.sha256(content).hexdigest() == sha256:
            return content
    return None


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in sorted(value, key=str):
            out.update(_leaves(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        out = {}
        for i, item in enumerate(value):
            out.update(_leaves(item, f"{prefix}[{i}]"))
        return out
    return {prefix or "(root)": value}


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def json_field_changes(old: bytes, new: bytes) -> list[str] | None:
    """Field-level changes between two JSON files (None when either is not JSON)."""
    try:
        before, after = _leaves(json.loads(old)), _leaves(json.loads(new))
    except ValueError:
        return None
    lines = []
    for path in sorted(set(before) | set(after)):
        if path not in after:
            lines.append(f"- {path} (was {_show(before[path])})")
        elif path not in before:
            lines.append(f"+ {path} = {_show(after[path])}")
        elif before[path] != after[path]:
            lines.append(f"{path} {_show(before[path])} -> {_show(after[path])}")
    return lines


@dataclass(frozen=True, slots=True)
class InputChange:
    """One input file that differs from the recorded fingerprint."""

    path: str
    kind: str  # "changed", "added" or "removed"
    fields: tuple[str, ...] = ()
    note: str = ""

    def line(self) -> str:
        if self.kind != "changed":
            return f"{self.path} ({self.kind})"
        if self.note:
            return f"{self.path} ({self.note})"
        shown = list(self.fields[:MAX_FIELDS])
        if len(self.fields) > MAX_FIELDS:
            shown.append(f"... {len(self.fields) - MAX_FIELDS} more")
        return f"{self.path}: " + "; ".join(shown) if shown else f"{self.path} (changed)"


Content = Callable[[str], bytes | None]


def compare_inputs(
    old: Mapping[str, str], new: Mapping[str, str], old_content: Content, new_content: Content
) -> list[InputChange]:
    """The input files that differ between two fingerprints, with field changes for JSON."""
    changes = []
    for path in sorted(set(old) | set(new)):
        if path not in new:
            changes.append(InputChange(path, "removed"))
        elif path not in old:
            changes.append(InputChange(path, "added"))
        elif old[path] != new[path]:
            before, after = old_content(path), new_content(path)
            if not path.endswith(".json"):
                changes.append(InputChange(path, "changed"))
            elif before is None or after is None:
                note = "changed; the recorded version is not in git, fields unknown"
                changes.append(InputChange(path, "changed", note=note))
            else:
                fields = json_field_changes(before, after)
                if fields is None:
                    changes.append(InputChange(path, "changed", note="changed; not valid JSON"))
                else:
                    changes.append(InputChange(path, "changed", tuple(fields)))
    return changes


def inputs_on_disk(recorded_text: str | None, case_folder: Path) -> tuple[InputChange, ...] | None:
    """The fixture folder's files against the recorded fingerprint (old content from git)."""
    recorded = read_fingerprint(recorded_text)
    if recorded is None:
        return None
    if not case_folder.is_dir():
        return (InputChange(f"{case_folder.name}/", "removed", note="the case was deleted"),)
    current = fingerprint(case_folder)
    return tuple(
        compare_inputs(
            recorded,
            current,
            lambda path: git_content(case_folder, path, recorded[path]),
            lambda path: (case_folder / path).read_bytes(),
        )
    )
