"""``tv-golden``: run, update, review and gate the goldens (DESIGN 6).

tv-golden check                 run the golden suite (fails on drift, missing, unused)
tv-golden update                rewrite goldens after an intended change (refused when CI set)
tv-golden diff BASE [HEAD]      markdown drift report between two git revisions (--json too)
tv-golden determinism           rerun every case in fresh processes, compare bytes
tv-golden pending               list the new outputs kept in .golden-pending/, by case
tv-golden review                walk them on a terminal: accept / reject / skip, by case
tv-golden accept [PATTERN...]   move pending outputs into golden/ (no pipeline run)
tv-golden reject [PATTERN...]   discard pending outputs; the goldens stay

accept, reject and review refuse to write when CI is set. PATTERNs are shell-style and match
case names (two_sleeves, 'calendar_*') or golden names (two_sleeves.report); none means all.

They work on a checkout of the project (``golden/``, ``fixtures/``, ``tests/golden``) installed
with the development extra; without either, they exit 3 with one line saying what is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..errors import HarnessError, MetaPipelineError
from .cases import repo_root

__all__ = ["main"]

GOLDEN_TESTS = "tests/golden"


# what each command needs besides the package: modules of the dev extra, files of a checkout
# (pending/review/accept/reject given --root work on that folder as it is)
_GOLDEN_FILES = ("golden", "pyproject.toml")
_MODULES = {
    "check": ("pytest", "syrupy", "deepdiff"),
    "update": ("pytest", "syrupy", "deepdiff"),
    "diff": ("deepdiff",),
    "determinism": (),
    "pending": ("deepdiff",),
    "review": ("deepdiff",),
    "accept": ("deepdiff",),
    "reject": ("deepdiff",),
}
_CHECKOUT = {
    "check": (GOLDEN_TESTS, "fixtures/workspaces", "pyproject.toml"),
    "update": (GOLDEN_TESTS, "fixtures/workspaces", "pyproject.toml"),
    "diff": _GOLDEN_FILES,
    "determinism": ("fixtures/workspaces",),
    "pending": ("golden",),
    "review": ("golden",),
    "accept": ("golden",),
    "reject": ("golden",),
}


def missing_requirement(command: str, *, root_given: bool = False) -> str | None:
    """Why ``command`` cannot run here (one line), or None when it can."""
    absent = [name for name in _MODULES[command] if importlib.util.find_spec(name) is None]
    if absent:
        return (
            f"tv-golden {command} needs {', '.join(absent)} (not installed): install "
            'the development extra in a checkout of the project (pip install -e ".[dev]")'
        )
    if root_given:
        return None
    root = repo_root()
    lacking = [part for part in _CHECKOUT[command] if not (root / part).exists()]
    if lacking:
        return (
            f"tv-golden {command} needs a checkout of the project, but {root} has no "
            f"{', '.join(lacking)}: run it from a git clone installed with "
            'pip install -e ".[dev]"'
        )
    return None


def _pytest(extra: Sequence[str]) -> int:
    command = [sys.executable, "-m", "pytest", GOLDEN_TESTS, "-p", "no:cacheprovider", *extra]
    print("+ " + " ".join(command), file=sys.stderr)
    return subprocess.call(command, cwd=repo_root())


def _pending(root: Path, out: TextIO) -> int:
    from .pending import PendingStore
    from .review import pending_case_lines

    entries = PendingStore(root).entries()
    if not entries:
        out.write("no pending goldens\n")
        return 0
    describe = pending_case_lines(root)
    case = None
    for pending in entries:
        if pending.case != case:
            case = pending.case
            count = sum(1 for e in entries if e.case == case)
            out.write(f"{case}: {count} pending; {describe(case)[0].split('; ', 1)[1]}\n")
        stale = "  (stale: the golden changed since; rerun the suite)" if pending.stale() else ""
        out.write(
            f"  {pending.name.split('.', 1)[1]}.{pending.extension}: {pending.summary}{stale}\n"
        )
    out.write(
        f"{len(entries)} pending golden(s) in .golden-pending/: tv-golden review, "
        "or tv-golden accept|reject [PATTERN...]\n"
    )
    return 0


def _decide(root: Path, command: str, patterns: Sequence[str], out: TextIO) -> int:
    from .pending import PendingStore, refuse_under_ci

    refuse_under_ci(f"tv-golden {command}")
    store = PendingStore(root)
    selected = store.select(patterns)
    if not selected:
        out.write("no pending goldens\n")
        return 0
    if command == "accept":
        stale = [p for p in selected if p.stale()]
        if stale:
            raise HarnessError(
                f"{len(stale)} golden(s) changed since their pending output was written "
                f"({', '.join(p.name for p in stale)}); rerun the golden suite to compare again"
            )
    for pending in selected:
        (store.accept if command == "accept" else store.reject)(pending)
        where = pending.golden.relative_to(root).as_posix()
        out.write(f"{command}ed {pending.name} ({where})\n")
    out.write(f"{command}ed {len(selected)} pending golden(s)\n")
    if command == "accept":
        out.write("commit golden/ and quote the drift: tv-golden diff HEAD\n")
    return 0


def _review(root: Path, patterns: Sequence[str], interactive: bool, out: TextIO) -> int:
    from .pending import PendingStore, refuse_under_ci
    from .review import pending_case_lines, review, terminal_key

    refuse_under_ci("tv-golden review")
    if not interactive:
        raise HarnessError(
            "tv-golden review needs a terminal (stdin and stdout); without one use "
            "tv-golden accept [PATTERN...] or tv-golden reject [PATTERN...]"
        )
    store = PendingStore(root)
    entries = store.select(patterns)
    if not entries:
        out.write("no pending goldens\n")
        return 0
    review(store, entries, read_key=terminal_key, out=out, case_lines=pending_case_lines(root))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tv-golden",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="run the golden suite")
    check.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    update = sub.add_parser("update", help="rewrite goldens (pytest --snapshot-update)")
    update.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    diff = sub.add_parser("diff", help="golden drift between two git revisions")
    diff.add_argument("base", help="base revision (e.g. origin/main)")
    diff.add_argument("head", nargs="?", default=None, help="head revision (default: work tree)")
    diff.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    det = sub.add_parser("determinism", help="byte-identical reruns in fresh processes")
    det.add_argument("--cases", default=None, help="comma-separated case names (default: all)")
    for name, text in (
        ("pending", "list pending goldens, by case"),
        ("review", "walk pending goldens on a terminal"),
        ("accept", "move pending outputs into golden/"),
        ("reject", "discard pending outputs"),
    ):
        command = sub.add_parser(name, help=text)
        if name != "pending":
            command.add_argument("patterns", nargs="*", metavar="PATTERN", help="case or golden")
        command.add_argument(
            "--root", type=Path, default=None, help="project root (default: this repository)"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    problem = missing_requirement(args.command, root_given=getattr(args, "root", None) is not None)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 3
    try:
        if args.command in ("pending", "review", "accept", "reject"):
            root = repo_root() if args.root is None else args.root.resolve()
            if args.command == "pending":
                return _pending(root, sys.stdout)
            if args.command == "review":
                interactive = sys.stdin.isatty() and sys.stdout.isatty()
                return _review(root, args.patterns, interactive, sys.stdout)
            return _decide(root, args.command, args.patterns, sys.stdout)
        if args.command == "check":
            return _pytest(args.pytest_args)
        if args.command == "update":
            if os.environ.get("CI"):
                print(
                    "error: tv-golden update refuses to run when CI is set: goldens change only "
                    "on a developer's machine, reviewed in a commit",
                    file=sys.stderr,
                )
                return 3
            return _pytest(["--snapshot-update", *args.pytest_args])
        if args.command == "diff":
            from .gitdiff import diff_revisions

            result = diff_revisions(repo_root(), args.base, args.head)
            if args.json:
                print(json.dumps(result.to_dict(), indent=2, sort_keys=True))
            else:
                print(result.markdown())
            return 0
        from .determinism import run_gate

        names = None if args.cases is None else [c for c in args.cases.split(",") if c]
        return run_gate(names)
    except MetaPipelineError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
