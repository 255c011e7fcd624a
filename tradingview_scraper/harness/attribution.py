"""Why goldens drifted: edited inputs or changed behaviour, and which stage moved first.

Each case keeps a fingerprint of its input files (every file of its fixture folder, path ->
sha256) as the golden ``<case>.inputs`` (``golden/<case>/inputs.json``): it is compared, updated
and accepted like every other golden. On drift, ``CaseSummary`` says once per case whether the
inputs changed (which files; for JSON inputs such as manifests, which fields) or not (then the
code's behaviour changed), and names the earliest stage whose artifacts drifted, listing the
later ones as following from it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._git import git_bytes
from .drift import Drift
from .layout import family_of, split_name
from .normalize import dumps_golden

__all__ = [
    "INPUTS",
    "STAGES",
    "STAGE_OF_FAMILY",
    "CaseSummary",
    "InputChange",
    "compare_inputs",
    "fingerprint",
    "git_content",
    "inputs_document",
    "inputs_on_disk",
    "json_field_changes",
    "read_fingerprint",
    "stage_of",
    "summarize",
]

INPUTS = "inputs"  # the family of the fingerprint golden: <case>.inputs
STAGES = ("returns", "optimize", "flatten", "report")
STAGE_OF_FAMILY: Mapping[str, str] = {
    "returns": "returns",
    "manifest": "returns",
    "optimized": "optimize",
    "cluster_tree": "optimize",
    "flattened": "flatten",
    "report": "report",
    "audit": "report",
}
# fields of the meta manifest that the optimize stage decides (settings, bounds, weights)
_OPTIMIZE_FIELD = re.compile(r"^allocation\.|[Ww]eight|bounds|^sleeves\.\[\d+\]\.(Lower|Upper)")
MAX_FIELDS = 12  # field changes listed per input file
_HISTORY = 200  # commits searched for the content a fingerprint was taken from


def stage_of(name: str, drift: Drift | None = None) -> str | None:
    """The stage a drifted golden belongs to (None: no stage, e.g. inputs or a failure).

    The meta manifest records the resolved sleeves (returns stage) and also the allocation
    settings, bounds and final weights: when only those moved in it, the drift started in
    optimize.
    """
    stage = STAGE_OF_FAMILY.get(family_of(name))
    if (
        family_of(name) == "manifest"
        and drift is not None
        and drift.values
        and not (drift.structural or drift.calendar or drift.text)
        and all(_OPTIMIZE_FIELD.search(line.split(": ", 1)[0]) for line in drift.values)
    ):
        return "optimize"
    return stage


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


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """Once per case: what drifted, whether the inputs explain it, the first stage that moved."""

    case: str
    drifted: tuple[str, ...]  # golden names whose output differs from the golden
    new: tuple[str, ...] = ()  # golden names without a golden yet
    inputs: tuple[InputChange, ...] | None = None  # None: no fingerprint recorded
    stage_by_name: Mapping[str, str] = field(default_factory=dict)  # from the drift (stage_of)

    def stages(self) -> list[tuple[str, list[str]]]:
        """Drifted stages in pipeline order, each with its drifted artifact families."""
        found: dict[str, set[str]] = {}
        for name in self.drifted:
            stage = self.stage_by_name.get(name) or stage_of(name)
            if stage is not None:
                found.setdefault(stage, set()).add(family_of(name))
        return [(stage, sorted(found[stage])) for stage in STAGES if stage in found]

    def others(self) -> list[str]:
        """Drifted families that belong to no stage (e.g. failure outcomes, figures)."""
        return sorted({family_of(n) for n in self.drifted} - set(STAGE_OF_FAMILY) - {INPUTS})

    def headline(self) -> str:
        outputs = [n for n in self.drifted if family_of(n) != INPUTS]
        parts = [f"{len(outputs)} golden(s) drifted"]
        if self.new:
            parts.append(f"{len(self.new)} new")
        if self.inputs is None and any(family_of(n) == INPUTS for n in self.new):
            cause = "input fingerprint recorded for the first time"
        elif self.inputs is None:
            cause = f"no input fingerprint recorded (golden/{self.case}/inputs.json)"
        elif self.inputs:
            cause = f"inputs changed ({len(self.inputs)} file(s))"
        else:
            cause = "inputs unchanged: a behaviour change of the code"
        return f"{self.case}: {', '.join(parts)}; {cause}"

    def lines(self) -> list[str]:
        out = [self.headline()]
        out.extend(f"  input {change.line()}" for change in self.inputs or ())
        stages = self.stages()
        if stages:
            (first, families), rest = stages[0], stages[1:]
            line = f"  earliest drifted stage: {first} ({', '.join(families)})"
            if rest:
                following = ", ".join(f"{s} ({', '.join(f)})" for s, f in rest)
                line += f"; following from it: {following}"
            out.append(line)
        if self.others():
            out.append(f"  also drifted: {', '.join(self.others())}")
        return out


def summarize(
    names: Iterable[str],
    inputs: Callable[[str], tuple[InputChange, ...] | None],
    new: Iterable[str] = (),
    stages: Mapping[str, str] | None = None,
) -> list[CaseSummary]:
    """One summary per case (sorted) for drifted golden ``names`` and ``new`` ones.

    ``stages`` maps golden names to the stage their drift points at (``stage_of``).
    """
    drifted: dict[str, list[str]] = {}
    fresh: dict[str, list[str]] = {}
    for target, source in ((drifted, names), (fresh, new)):
        for name in source:
            target.setdefault(split_name(name)[0], []).append(name)
    return [
        CaseSummary(
            case,
            tuple(sorted(drifted.get(case, ()))),
            tuple(sorted(fresh.get(case, ()))),
            inputs(case),
            {n: stage for n, stage in (stages or {}).items() if n in drifted.get(case, ())},
        )
        for case in sorted(set(drifted) | set(fresh))
    ]


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
