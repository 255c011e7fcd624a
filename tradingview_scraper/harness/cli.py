"""``tv-golden``: run, update, review and gate the goldens (DESIGN 6).

tv-golden check                 run the golden suite (fails on drift, missing, unused)
tv-golden update                rewrite goldens after an intended change (refused when CI set)
tv-golden diff BASE [HEAD]      markdown drift report between two git revisions (--json too)
tv-golden determinism           rerun every case in fresh processes, compare bytes

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

from ..errors import MetaPipelineError
from .cases import repo_root

__all__ = ["main"]

GOLDEN_TESTS = "tests/golden"
# what each command needs besides the package: modules of the dev extra, files of a checkout
_MODULES = {
    "check": ("pytest", "syrupy", "deepdiff"),
    "update": ("pytest", "syrupy", "deepdiff"),
    "diff": ("syrupy", "deepdiff"),
    "determinism": (),
}
_CHECKOUT = {
    "check": (GOLDEN_TESTS, "fixtures/workspaces", "pyproject.toml"),
    "update": (GOLDEN_TESTS, "fixtures/workspaces", "pyproject.toml"),
    "diff": ("golden", "pyproject.toml"),
    "determinism": ("fixtures/workspaces",),
}


def missing_requirement(command: str) -> str | None:
    """Why ``command`` cannot run here (one line), or None when it can."""
    absent = [name for name in _MODULES[command] if importlib.util.find_spec(name) is None]
    if absent:
        return (
            f"tv-golden {command} needs {', '.join(absent)} (not installed): install "
            'the development extra in a checkout of the project (pip install -e ".[dev]")'
        )
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tv-golden", description=__doc__.splitlines()[0])
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    problem = missing_requirement(args.command)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 3
    try:
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
