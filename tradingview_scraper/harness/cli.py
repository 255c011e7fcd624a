"""``tv-golden``: run, update, review and gate the goldens (DESIGN 6).

tv-golden check                 run the golden suite (fails on drift, missing, unused)
tv-golden update                rewrite goldens after an intended change (refused when CI set)
tv-golden diff BASE [HEAD]      markdown drift report between two git revisions (--json too)
tv-golden determinism           rerun every case in fresh processes, compare bytes
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence

from ..errors import MetaPipelineError
from .cases import repo_root

__all__ = ["main"]

GOLDEN_TESTS = "tests/golden"


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
