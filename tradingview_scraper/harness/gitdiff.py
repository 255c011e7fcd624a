"""``tv-golden diff BASE [HEAD]``: the drift between the goldens of two git revisions.

Reads ``golden/`` at both revisions with ``git show`` (HEAD may be omitted: the working tree),
pairs files by path and renders a markdown report (or JSON with ``--json``) that leads with one
summary per case (inputs changed, from the ``<case>.inputs`` fingerprints and the fixture
files at both revisions, or behaviour; the earliest drifted stage), then one section per
artifact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._git import git, git_bytes
from .attribution import CaseSummary, stage_of, summarize
from .drift import Drift, drift_of_texts, render_markdown
from .inputs import INPUTS, compare_inputs, read_fingerprint
from .layout import FIXTURES_DIR, GOLDEN_DIR, golden_relpath, name_of

__all__ = ["GoldenDiff", "diff_revisions"]


def _canonical(path: str) -> str:
    """A golden's path in the per-case layout (a revision may still have the flat one)."""
    named = name_of(path)
    return path if named is None else golden_relpath(*named)


def _files_at(repo: Path, revision: str | None) -> dict[str, str]:
    if revision is None:
        root = repo / GOLDEN_DIR
        return {
            _canonical(p.relative_to(repo).as_posix()): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }
    git(repo, "rev-parse", "--verify", f"{revision}^{{commit}}")
    listing = git(repo, "ls-tree", "-r", "--name-only", revision, "--", GOLDEN_DIR)
    return {
        _canonical(path): git(repo, "show", f"{revision}:{path}")
        for path in sorted(listing.splitlines())
        if path
    }


@dataclass
class GoldenDiff:
    base: str
    head: str
    added: list[str]
    removed: list[str]
    drifts: list[Drift]
    cases: list[CaseSummary] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "head": self.head,
            "added": self.added,
            "removed": self.removed,
            "cases": {summary.case: summary.lines() for summary in self.cases},
            "changed": {
                d.name: {
                    "structural": d.structural,
                    "values": d.values,
                    "calendar": d.calendar,
                    "text": d.text,
                }
                for d in self.drifts
            },
        }

    def markdown(self) -> str:
        lines = [f"## Golden drift: `{self.base}` -> `{self.head}`", ""]
        if not (self.added or self.removed or self.drifts):
            lines.append("No golden changed.")
            return "\n".join(lines) + "\n"
        lines.append(
            f"{len(self.drifts)} changed, {len(self.added)} added, {len(self.removed)} removed."
        )
        lines.append("")
        if self.cases:
            lines.extend(["### By case", "", "```text"])
            lines.extend(line for summary in self.cases for line in summary.lines())
            lines.extend(["```", ""])
        for title, items in (("Added", self.added), ("Removed", self.removed)):
            if items:
                lines.append(f"**{title}:**")
                lines.extend(f"- `{item}`" for item in items)
                lines.append("")
        if self.drifts:
            lines.append("| golden | summary |")
            lines.append("| --- | --- |")
            lines.extend(f"| `{d.name}` | {d.summary().split(': ', 1)[1]} |" for d in self.drifts)
            lines.append("")
        lines.append(render_markdown(self.drifts))
        return "\n".join(lines)


def _fixture_file(repo: Path, revision: str | None, path: str) -> bytes | None:
    if revision is None:
        try:
            return (repo / path).read_bytes()
        except OSError:
            return None
    return git_bytes(repo, "show", f"{revision}:{path}")


def _summaries(
    repo: Path,
    revisions: tuple[str, str | None],
    files: tuple[dict[str, str], dict[str, str]],
    drifts: list[Drift],
    added: list[str],
) -> list[CaseSummary]:
    names = [named[0] for d in drifts if (named := name_of(d.name))]
    stages = {
        named[0]: stage
        for d in drifts
        if (named := name_of(d.name)) and (stage := stage_of(named[0], d))
    }
    new = [named[0] for path in added if (named := name_of(path))]
    (base, head), (old_files, new_files) = revisions, files

    def inputs(case: str) -> tuple[Any, ...] | None:
        path = golden_relpath(f"{case}.{INPUTS}", "json")
        before, after = read_fingerprint(old_files.get(path)), read_fingerprint(new_files.get(path))
        if before is None or after is None:
            return None
        folder = f"{FIXTURES_DIR}/{case}"
        return tuple(
            compare_inputs(
                before,
                after,
                lambda p: _fixture_file(repo, base, f"{folder}/{p}"),
                lambda p: _fixture_file(repo, head, f"{folder}/{p}"),
            )
        )

    return summarize(names, inputs, new, stages)


def diff_revisions(repo: Path, base: str, head: str | None = None) -> GoldenDiff:
    """Compare ``golden/`` at ``base`` with ``head`` (None: the working tree)."""
    old, new = _files_at(repo, base), _files_at(repo, head)
    drifts = []
    for path in sorted(set(old) & set(new)):
        if old[path] != new[path]:
            drift = drift_of_texts(path, path.rpartition(".")[2], old[path], new[path])
            if not drift.empty:
                drifts.append(drift)
    added = sorted(set(new) - set(old))
    return GoldenDiff(
        base=base,
        head=head or "working tree",
        added=added,
        removed=sorted(set(old) - set(new)),
        drifts=drifts,
        cases=_summaries(repo, (base, head), (old, new), drifts, added),
    )
