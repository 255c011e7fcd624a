#!/usr/bin/env python3
"""Mutation score of the golden suite: would the goldens alone notice a behaviour change?

    python scripts/mutants.py                      # every pipeline module (hours on 2 cores)
    python scripts/mutants.py meta/flatten.py io/runs.py   # only these modules
    python scripts/mutants.py --report             # re-read the last run's results, run nothing

mutmut (``[tool.mutmut]`` in pyproject.toml) mutates the pipeline modules (the package less
``harness/``, ``cli.py``, ``__main__.py`` and ``demo/``) and runs ``tests/golden`` alone against
each mutant; a unit test elsewhere does not count, because in a refactor the unit tests move
with the code and the goldens stay. Every run starts from a clean ``mutants/`` folder (mutmut
caches verdicts by source, so a new fixture would otherwise not be tried against old
survivors), unless ``--resume`` is given.

The report prints, per module: mutants, killed, survived, "no tests" (code no golden reaches:
a survivor too), timeouts (counted as killed), the survivors explained in
``tests/golden/SURVIVORS.md`` and the score ``killed / (mutants - explained)``. Survivors not
explained there are listed by name (``mutmut show NAME`` prints the diff); entries of the list
that are no longer survivors are reported as stale. With ``--min-score P`` the exit code is 1
when the score of the target modules is below ``P`` percent.

``--resume --mutant NAME`` (repeatable) re-checks only the mutants named, as the report names
them: after a fixture aimed at a few survivors, their verdicts without the rest of a module.
Given modules as well, it re-checks both, in one mutmut run (one mapping of tests).

``--resume`` keeps ``mutants/`` and re-checks, in the modules named, only what a new fixture
could change: mutants never checked, survivors and "no tests" not explained in the list, and
every mutant of a function whose text changed since its mutants were made (mutmut resets those,
but only after the list is passed to it). A killed mutant stays killed, which holds while
goldens are only added; after a golden changed on purpose, measure afresh without
``--resume``. mutmut's map from tests to the functions they call is collected afresh, because
a fixture added since may reach a function no golden reached before.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Collection
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "tradingview_scraper"
SURVIVORS = REPO / "tests" / "golden" / "SURVIVORS.md"
# the modules the golden suite must guard at 95% (issue 11); others are reported too
TARGETS = ("meta/", "allocation/", "io/", "manifest.py", "pipeline.py")
KILLED = {1, 3, 36, 24, -24, 152, 255}  # test failure, pytest internal error, timeouts
SURVIVED = {0}
NO_TESTS = {5, 33}
_NAME = r"[\w.ǁ]+__mutmut_\d+"  # a mutant's name after the package, as mutmut writes it
_MUTANT = re.compile(rf"{PACKAGE}\.{_NAME}")
_LISTED = re.compile(rf"^- `(?P<name>{_NAME})`: (?P<why>\S.*)$")


def module_of(meta_file: Path, root: Path) -> str:
    """``mutants/tradingview_scraper/meta/flatten.py.meta`` -> ``meta/flatten.py``."""
    relative = meta_file.relative_to(root / PACKAGE).as_posix()
    return relative.removesuffix(".meta")


def mutant_glob(module: str) -> str:
    """``meta/flatten.py`` -> the mutmut name pattern of its mutants."""
    dotted = module.removesuffix(".py").replace("/", ".")
    return f"{PACKAGE}.{dotted}.*"


def explained() -> dict[str, str]:
    """Mutant name -> reason, from ``tests/golden/SURVIVORS.md``."""
    if not SURVIVORS.is_file():
        return {}
    out: dict[str, str] = {}
    for line in SURVIVORS.read_text(encoding="utf-8").splitlines():
        match = _LISTED.match(line.strip())
        if match:
            out[match["name"]] = match["why"]
    return out


def collect(root: Path) -> dict[str, dict[str, int | None]]:
    """Module -> {mutant name: exit code} from mutmut's ``.meta`` files."""
    results: dict[str, dict[str, int | None]] = {}
    for meta in sorted((root / PACKAGE).rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
        if codes:
            results[module_of(meta, root)] = dict(sorted(codes.items()))
    return results


def changed_since(root: Path, module: str) -> list[str]:
    """The mutants of ``module`` whose function changed since its mutants were generated.

    mutmut regenerates a changed source file at the start of ``mutmut run`` and resets the
    results of the functions whose text changed; read before that, their old verdicts would
    say killed. Their names come from mutmut's own mutation of today's source, compared with
    the function hashes it kept in the module's ``.meta`` file."""
    from mutmut.__main__ import get_mutant_name, mutate_file_contents

    relative = Path(PACKAGE) / module
    if not (REPO / relative).is_file():
        return []  # a module removed since: mutmut drops its mutants
    meta = root / PACKAGE / f"{module}.meta"
    old = json.loads(meta.read_text(encoding="utf-8")).get("hash_by_function_name", {})
    mutated = mutate_file_contents(str(relative), (REPO / relative).read_text(encoding="utf-8"))
    changed = {f for f, digest in mutated.hash_by_function_name.items() if old.get(f) != digest}
    return [
        get_mutant_name(relative, name)
        for name in mutated.mutant_names
        if name.partition("__mutmut_")[0] in changed
    ]


def to_recheck(root: Path, modules: list[str], listed: Collection[str] = ()) -> list[str]:
    """What ``--resume`` runs: per module, every mutant neither killed by the last results nor
    explained in the survivors list (``listed``; a survivor costs a whole golden run, and an
    explained one survives again), and every mutant of a function changed since (listed or
    not: its old verdict is void); a module with no results yet is named by its pattern."""
    results = collect(root)
    out: list[str] = []
    for module in modules:
        codes = results.get(module)
        if codes is None:
            out.append(mutant_glob(module))
            continue
        changed = changed_since(root, module)
        fresh = set(changed)
        out.extend(changed)
        out.extend(
            n
            for n, code in codes.items()
            if code not in KILLED and n not in listed and n not in fresh
        )
    return out


def resume_names(
    root: Path, modules: list[str], named: list[str], listed: Collection[str] = ()
) -> list[str]:
    """What ``--resume`` runs: the mutants named (``--mutant``) and what to re-check in the
    modules given; with neither, what to re-check in every module with results."""
    if named and not modules:
        return list(named)
    return [*named, *to_recheck(root, modules or sorted(collect(root)), listed)]


def modules_of(names: Collection[str], modules: Collection[str]) -> set[str]:
    """The modules (of ``modules``) whose mutants are among ``names``."""
    return {m for m in modules for n in names if n.startswith(mutant_glob(m)[:-1])}


def is_target(module: str) -> bool:
    return any(module == t or (t.endswith("/") and module.startswith(t)) for t in TARGETS)


def report(results: dict[str, dict[str, int | None]], reasons: dict[str, str]) -> float | None:
    """Print the per-module table and the unexplained survivors; return the target score."""
    header = f"{'module':34} {'mutants':>7} {'killed':>6} {'surv.':>5} {'no test':>7} "
    header += f"{'timeout':>7} {'listed':>6} {'score':>7}"
    print(header)
    totals: Counter[str] = Counter()
    unexplained: list[str] = []
    survivors: set[str] = set()
    for module, codes in results.items():
        count: Counter[str] = Counter()
        for name, code in codes.items():
            if code is None:
                count["unchecked"] += 1
                continue
            count["mutants"] += 1
            if code in KILLED:
                count["killed"] += 1
                count["timeout"] += code not in {1, 3}
            elif code in SURVIVED or code in NO_TESTS:
                count["no_tests" if code in NO_TESTS else "survived"] += 1
                survivors.add(name)
                if name in reasons:
                    count["listed"] += 1
                else:
                    unexplained.append(name)
            else:
                count["other"] += 1
                unexplained.append(name)
        if not count["mutants"]:
            continue
        module_score = count["killed"] / max(count["mutants"] - count["listed"], 1)
        print(
            f"{module:34} {count['mutants']:7} {count['killed']:6} {count['survived']:5} "
            f"{count['no_tests']:7} {count['timeout']:7} {count['listed']:6} {module_score:7.1%}"
        )
        if is_target(module):
            totals.update(count)
    score: float | None = None
    if totals["mutants"]:
        score = totals["killed"] / max(totals["mutants"] - totals["listed"], 1)
        print(
            f"{'target modules (' + ', '.join(TARGETS) + ')':34}\n{'':34} {totals['mutants']:7} "
            f"{totals['killed']:6} {totals['survived']:5} {totals['no_tests']:7} "
            f"{totals['timeout']:7} {totals['listed']:6} {score:7.1%}"
        )
    if unexplained:
        print(f"\n{len(unexplained)} survivor(s) not explained in {SURVIVORS.relative_to(REPO)}:")
        for name in unexplained:
            print(f"  {name}")
        print("see one with: mutmut show NAME")
    # listed, in a module with results, and checked but not a survivor (or no longer a mutant)
    verdicts = {name: code for codes in results.values() for name, code in codes.items()}
    prefixes = tuple(mutant_glob(m)[:-1] for m in results)
    stale = [
        n
        for n in sorted(reasons)
        if n not in survivors and n.startswith(prefixes) and verdicts.get(n, 1) is not None
    ]
    if stale:
        print(f"\n{len(stale)} entr(y/ies) of the survivors list no longer survive (remove them):")
        for name in stale:
            print(f"  {name}")
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="e.g. meta/flatten.py (default: all)")
    parser.add_argument("--report", action="store_true", help="only read the last results")
    parser.add_argument(
        "--resume", action="store_true", help="keep mutants/; re-check what was not killed"
    )
    parser.add_argument(
        "--mutant",
        action="append",
        default=[],
        metavar="NAME",
        help="with --resume: re-check only this mutant (a name from the report; repeatable)",
    )
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutants (2)")
    parser.add_argument("--min-score", type=float, default=None, help="fail below P percent")
    args = parser.parse_args()
    root = REPO / "mutants"
    for module in args.modules:
        if not (REPO / PACKAGE / module).is_file():
            print(f"error: {PACKAGE}/{module}: no such module", file=sys.stderr)
            return 3
    for name in args.mutant:
        if not _MUTANT.fullmatch(name):
            print(f"error: --mutant {name!r}: not a mutant name of {PACKAGE}", file=sys.stderr)
            return 3
    if args.mutant and not (args.resume and root.is_dir()):
        print("error: --mutant re-checks a run: give --resume, after a run", file=sys.stderr)
        return 3
    if not args.report:
        if shutil.which("mutmut") is None:
            print("error: mutmut is not installed: pip install -e '.[dev]'", file=sys.stderr)
            return 3
        if not args.resume and root.exists():
            shutil.rmtree(root)
        names = [mutant_glob(m) for m in args.modules]
        resuming = args.resume and root.is_dir()
        if resuming:
            (root / "mutmut-stats.json").unlink(missing_ok=True)  # map tests afresh
            # mutmut copies these over the old copies without removing what is gone since
            for copied in ("tests", "fixtures", "golden", "scripts"):
                shutil.rmtree(root / copied, ignore_errors=True)
            names = resume_names(root, args.modules, args.mutant, explained())
        if resuming and not names:
            print("nothing to re-check: every mutant of these modules is killed")
        else:
            command = ["mutmut", "run", "--max-children", str(args.max_children)]
            print("$ " + " ".join(command + names[:8]) + (" ..." if len(names) > 8 else ""))
            print(f"  ({len(names)} mutant name(s) or pattern(s))", flush=True)
            done = subprocess.run(command + names, cwd=REPO, check=False)
            if done.returncode not in (0, 1):
                print(f"error: mutmut exited with {done.returncode}", file=sys.stderr)
                return done.returncode
    if not root.is_dir():
        print("error: no mutants/ folder: run without --report first", file=sys.stderr)
        return 3
    results = collect(root)
    if args.modules:
        shown = {*args.modules, *modules_of(args.mutant, results)}
        results = {m: c for m, c in results.items() if m in shown}
    score = report(results, explained())
    if args.min_score is not None and (score is None or 100 * score < args.min_score):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
