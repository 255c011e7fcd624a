"""``tv-meta``: thin sub-commands over the library (DESIGN 5).

Exit codes: 0 success; 2 usage error (argparse); 3 bad input or contract violation, with one
line ``error: <what, where, why>`` on stderr and no traceback; 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import ManifestError, MetaPipelineError
from .io.schemas import SCHEMA_NAMES, schema_text
from .manifest import load_manifest
from .meta.aggregate import walk
from .meta.metrics import performance, periods_per_year
from .pipeline import MetaComputation, compute_meta, run_meta_pipeline
from .settings import Settings, get_settings

__all__ = ["main"]

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


def _risk_list(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise argparse.ArgumentTypeError(f"empty risk profile in {value!r}")
    return items


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tv-meta",
        description="Meta-portfolio pipeline: sleeves -> aligned returns -> weights -> assets.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a meta profile and write its meta run folder")
    _common(run)
    run.add_argument("--run-id", help="meta run id (default: <profile>_<UTC timestamp>)")
    run.add_argument("--overwrite", action="store_true", help="replace an existing run folder")

    demo = sub.add_parser("demo", help="materialize the built-in demo workspace and run it")
    demo.add_argument(
        "--out", type=Path, default=Path("demo-workspace"), help="folder (default ./demo-workspace)"
    )
    demo.add_argument("--overwrite", action="store_true", help="replace an earlier demo run")

    validate = sub.add_parser("validate", help="check manifest and inputs in memory; write nothing")
    which = validate.add_mutually_exclusive_group(required=True)
    _common(validate, profile=which)
    which.add_argument(
        "--all",
        action="store_true",
        help="check every meta profile of the manifest, one line each (exit 3 if any fails)",
    )

    schema = sub.add_parser(
        "schema",
        help="print a JSON Schema (draft 2020-12): the manifest or a JSON artifact",
        description="Print the JSON Schema (draft 2020-12) of configs/manifest.json ('manifest') "
        "or of a JSON artifact family of a meta run folder. Point an editor at it with "
        '"$schema" in the manifest; validate with any JSON Schema tool.',
    )
    schema.add_argument("name", choices=SCHEMA_NAMES, help="manifest or an artifact family")
    return parser


def _common(
    parser: argparse.ArgumentParser, *, profile: argparse._ActionsContainer | None = None
) -> None:
    parser.add_argument("--workspace", type=Path, default=None, help="workspace root (default .)")
    (profile or parser).add_argument(
        "--profile", required=profile is None, help="meta profile in configs/manifest.json"
    )
    parser.add_argument(
        "--risk-profiles",
        type=_risk_list,
        default=None,
        help="comma-separated (default: the profile's meta_allocation.risk_profiles)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="do not use the return-matrix cache in data/lakehouse/.cache (neither read nor write)",
    )


def _progress(enabled: bool) -> Callable[[str], None]:
    def show(message: str) -> None:
        if enabled:
            print(f"... {message}", file=sys.stderr, flush=True)

    return show


def _pct(value: float) -> str:
    return f"{100 * value:6.2f}%"


def _maybe_pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}%"


def _maybe(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def summary_table(computation: MetaComputation) -> str:
    """Sleeve weights per risk profile plus headline figures, as aligned plain text."""
    risks = list(computation.risk_profiles)
    ids = [s.id for s in computation.profile.sleeves]
    width = max(8, *(len(i) for i in ids))
    lines = ["sleeve".ljust(width) + "".join(f"  {r:>14}" for r in risks)]
    for sleeve_id in ids:
        cells = []
        for risk in risks:
            outcome = computation.outcomes[risk]
            weight = outcome.weights[sleeve_id]
            vetoed = any(s.spec.id == sleeve_id for s in outcome.vetoed)
            cells.append("vetoed" if vetoed else _pct(weight))
        lines.append(sleeve_id.ljust(width) + "".join(f"  {c:>14}" for c in cells))
    lines.append("")
    for risk in risks:
        outcome = computation.outcomes[risk]
        flat = outcome.flat
        perf = performance(outcome.stream, periods_per_year(outcome.stream.index))
        lines.append(
            f"{risk}: method {outcome.method}, {outcome.returns.common_days} common days; "
            f"meta ann. return {_maybe_pct(perf.annualized_return)}, "
            f"vol {_maybe_pct(perf.annualized_vol)}, Sharpe {_maybe(perf.sharpe)}, "
            f"max drawdown {_maybe_pct(perf.max_drawdown)}; "
            f"{len(flat.assets)} physical assets, net {flat.total_net:.4f}, "
            f"gross {flat.gross:.4f}"
            + (
                f"; vetoed: {', '.join(s.spec.id for s in outcome.vetoed)}"
                if outcome.vetoed
                else ""
            )
            + (f"; FALLBACK: {outcome.fallback}" if outcome.fallback else "")
        )
    return "\n".join(lines)


def _run_and_print(
    workspace: Path | None,
    profile: str,
    risk_profiles: Sequence[str] | None,
    *,
    run_id: str | None,
    overwrite: bool,
    use_cache: bool = True,
) -> int:
    result = run_meta_pipeline(
        get_settings(workspace),
        profile,
        risk_profiles,
        run_id=run_id,
        overwrite=overwrite,
        progress=_progress(sys.stderr.isatty()),
        use_cache=use_cache,
    )
    print(f"meta run folder: {result.run_dir}")
    print(f"report: {result.run_dir / 'reports' / 'meta_portfolio_report.md'}")
    print(summary_table(result.computation))
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    return _run_and_print(
        args.workspace,
        args.profile,
        args.risk_profiles,
        run_id=args.run_id,
        overwrite=args.overwrite,
        use_cache=not args.no_cache,
    )


def _cmd_validate(args: argparse.Namespace) -> int:
    settings = get_settings(args.workspace)
    if args.all:
        return _validate_all(settings, args.risk_profiles, use_cache=not args.no_cache)
    computation = compute_meta(
        settings,
        args.profile,
        args.risk_profiles,
        progress=_progress(sys.stderr.isatty()),
        use_cache=not args.no_cache,  # read only: validate writes nothing, the cache included
    )
    print(
        f"ok: {computation.profile.name} is valid "
        f"({len(computation.tree)} meta profile(s)); nothing was written"
    )
    for risk, outcome in computation.outcomes.items():
        for node in walk(outcome):
            cal = node.returns
            print(
                f"[{risk}] {node.profile.name}: {node.method}, calendar {cal.alignment} "
                f"{cal.common_days} common days ({cal.weekend_rows} weekend rows)"
            )
            for sleeve in node.sleeves:
                line = f"  {sleeve.spec.id}: {sleeve.status}, weight {sleeve.weight:.6f}"
                if sleeve.run is not None and sleeve.health is not None:
                    ratio = "n/a" if sleeve.health.ratio is None else f"{sleeve.health.ratio:.3f}"
                    line += f", run {sleeve.run.run_id} ({sleeve.run.selection}), health {ratio}"
                    if sleeve.health.reason:
                        line += f" ({sleeve.health.reason})"
                print(line)
    print(summary_table(computation))
    return EXIT_OK


def _validate_all(
    settings: Settings, risk_profiles: Sequence[str] | None, *, use_cache: bool
) -> int:
    """``validate --all``: every meta profile of the manifest, one line each.

    A problem in one profile never hides the others; the exit code is 3 if any failed (with
    one ``error:`` line on stderr naming them), else 0.
    """
    shown = settings.relative(settings.manifest_path)
    manifest = load_manifest(settings.manifest_path, display=shown)
    names = manifest.meta_names
    if not names:
        raise ManifestError(f"{shown}: no meta profiles to validate (no profile has 'sleeves')")
    failed: list[str] = []
    width = max(len(name) for name in names)
    for name in names:
        try:
            computation = compute_meta(settings, name, risk_profiles, use_cache=use_cache)
        except MetaPipelineError as exc:
            failed.append(name)
            print(f"FAIL  {name.ljust(width)}  {' '.join(str(exc).split())}")
            continue
        print(f"ok    {name.ljust(width)}  {_outline(computation)}")
    if failed:
        print(
            f"error: {shown}: {len(failed)} of {len(names)} meta profiles failed validation: "
            f"{', '.join(failed)}",
            file=sys.stderr,
        )
        return EXIT_INPUT
    print(f"all {len(names)} meta profiles of {shown} are valid; nothing was written")
    return EXIT_OK


def _outline(computation: MetaComputation) -> str:
    """One line per profile: per risk profile the method, included sleeves and common days."""
    parts = []
    for risk, outcome in computation.outcomes.items():
        included = sum(1 for s in outcome.sleeves if s.status == "included")
        part = (
            f"{risk}: {outcome.method}, {included}/{len(outcome.sleeves)} sleeves, "
            f"{outcome.returns.common_days} common days"
        )
        fallbacks = [n.profile.name for n in walk(outcome) if n.fallback]
        if fallbacks:
            part += f", equal-weight fallback in {', '.join(fallbacks)}"
        parts.append(part)
    return "; ".join(parts)


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import DEMO_PROFILE, DEMO_RUN_ID, materialize_demo

    workspace = materialize_demo(args.out)
    print(f"demo workspace: {workspace}")
    return _run_and_print(
        workspace, DEMO_PROFILE, None, run_id=DEMO_RUN_ID, overwrite=args.overwrite
    )


def _cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text(args.name))
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _cmd_run,
    "validate": _cmd_validate,
    "demo": _cmd_demo,
    "schema": _cmd_schema,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except MetaPipelineError as exc:
        message = " ".join(str(exc).split())
        print(f"error: {message}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `tv-meta run ... | head`: stop quietly, as the docs advise
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_UNEXPECTED
