"""Fixture cases: find them, run them through the canonical runner, and render their goldens.

Goldens are named ``<case>.<risk>.<meta profile>.<family>`` for the five artifact families of
every meta profile in the tree (nested ones included), plus ``<case>.report`` (markdown),
``<case>.audit`` (the ledger with hashes and timestamps scrubbed), ``<case>.tables`` (every CSV
table of the run, parsed), ``<case>.figures`` (the spec of every figure: what it draws, not
its SVG bytes, so a matplotlib upgrade moves no golden; the determinism gate compares the bytes),
for a case with ``"draw_figures": true`` also ``<case>.drawn`` (each figure as matplotlib drew
it, described by ``figure_digest``), for a case with ``"cached_rerun": true`` also
``<case>.cache`` (the return-matrix cache entries the run stored, and a second run of the case
from them: its cache hits and which goldens it would change, none), for a case with
``"cli_run": true`` also ``<case>.cli`` (the case run by ``tv-meta run`` as a user types it: what
it prints, and its run folder against the library run's, file by file), and ``<case>.inputs``
(the fingerprint of the case's input files, for drift attribution).
``layout`` says where each lives.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import hashlib
import io
import json
import os
import pickle
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from ..errors import HarnessError, MetaPipelineError
from ..io import cache
from ..manifest import load_manifest, profile_tree
from ..meta.artifacts import artifact_names
from ..meta.figures import figure_names, figure_specs
from ..meta.tables import CSV_FAMILIES, table_names
from ..pipeline import MetaRun, run_meta_pipeline
from ..settings import Settings
from .cache_probe import arrays_digest, probe_entry
from .inputs import INPUTS, inputs_document
from .materialize import Case, load_case, materialize
from .normalize import dumps_golden, frame_document, normalize, scrub_text

__all__ = [
    "CACHED",
    "CLI_RUN",
    "DRAWN",
    "FAMILIES",
    "GOLDEN_EPOCH",
    "Failure",
    "cases",
    "chain_check",
    "expected_names",
    "failure_golden",
    "failure_names",
    "failure_outputs",
    "fixtures_root",
    "golden_outputs",
    "observe_command",
    "observe_failure",
    "project_root",
    "run_case",
    "run_workspace",
    "tree_digest",
]

GOLDEN_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: the SOURCE_DATE_EPOCH of every golden run
FAMILIES = ("returns", "manifest", "optimized", "cluster_tree", "flattened")
DRAWN = "drawn"  # <case>.drawn: the figures as drawn, for a case with "draw_figures": true
CACHED = "cache"  # <case>.cache: a second run from the cache, for "cached_rerun": true
CLI_RUN = "cli"  # <case>.cli: the case run by tv-meta run as a user types it, for "cli_run": true


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def project_root(start: Path) -> Path:
    """The nearest folder above ``start`` holding ``pyproject.toml`` (the repository root)."""
    return _project_root(str(start))


@functools.lru_cache(maxsize=256)
def _project_root(start: str) -> Path:
    # memoized: syrupy asks for every (golden, test) pair at the end of a session, so an
    # uncached filesystem walk made that step quadratic in the number of goldens
    for folder in Path(start).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise HarnessError(f"{start}: no pyproject.toml above it; cannot locate golden/")


def fixtures_root() -> Path:
    return repo_root() / "fixtures" / "workspaces"


def cases(root: Path | None = None, *, expect: str | None = None) -> list[Case]:
    """Every case under ``root`` (default ``fixtures/workspaces``), sorted by name."""
    root = fixtures_root() if root is None else root
    if not root.is_dir():
        raise HarnessError(f"{root}: no fixture workspaces folder")
    found = [load_case(p) for p in sorted(root.iterdir()) if (p / "case.json").is_file()]
    return [c for c in found if expect is None or c.expect == expect]


def expected_names(case: Case) -> list[str]:
    """The golden names a success case must produce (from its manifest alone)."""
    manifest = load_manifest(
        case.folder / "configs" / "manifest.json", display="configs/manifest.json"
    )
    tree = profile_tree(manifest, case.meta_profile, case.risk_profiles)
    names = [
        f"{case.name}.{risk}.{profile.name}.{family}"
        for risk in case.risk_profiles
        for profile in tree
        for family in FAMILIES
    ]
    extra = [f"{case.name}.{what}" for what in ("report", "audit", "tables", "figures", INPUTS)]
    if case.draw_figures:
        extra.append(f"{case.name}.{DRAWN}")
    if case.cached_rerun:
        extra.append(f"{case.name}.{CACHED}")
    if case.cli_run:
        extra.append(f"{case.name}.{CLI_RUN}")
    return sorted([*names, *extra])


def run_case(case: Case, destination: Path, *, draw_figures: bool = True) -> MetaRun:
    """Materialize ``case`` into ``destination`` and run it with the golden clock.

    The golden suite passes ``draw_figures=False`` except for a case with ``"draw_figures":
    true``: its goldens hold what each figure draws (``<case>.figures``), not SVG bytes, and
    drawing is most of a small case's time; the determinism gate draws them and compares the
    bytes.
    """
    return run_workspace(case, materialize(case.folder, destination), draw_figures=draw_figures)


def run_workspace(case: Case, workspace: Path, *, draw_figures: bool = True) -> MetaRun:
    """Run ``case`` in ``workspace`` (materialized already) with the golden clock."""
    return run_meta_pipeline(
        Settings.for_workspace(workspace),
        case.meta_profile,
        list(case.risk_profiles),
        run_id=case.run_id,
        environ={"SOURCE_DATE_EPOCH": GOLDEN_EPOCH},
        draw_figures=draw_figures,
    )


def _document(kind: str, payload: Any) -> str:
    return dumps_golden({"golden_artifact": kind, **payload})


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _csv_value(cell: str) -> Any:
    """A CSV cell as the golden sees it: numbers as numbers (so they round like every float),
    except a negative zero, kept as its text: rounding would fold it, and the tables promise
    never to write one."""
    if _NUMBER.fullmatch(cell):
        number = float(cell) if any(c in cell for c in ".eE") else int(cell)
        return cell if number == 0 and cell.startswith("-") else number
    return cell


def csv_document(text: str) -> dict[str, Any]:
    """A CSV table as ``{header, rows}`` with numeric cells parsed."""
    rows = list(csv.reader(text.splitlines()))
    return {"header": rows[0], "rows": [[_csv_value(c) for c in row] for row in rows[1:]]}


def golden_outputs(
    case: Case, run: MetaRun, *, cli: Callable[[list[str]], int] | None = None
) -> dict[str, tuple[str, str]]:
    """Golden name -> (``"json"`` or ``"md"``, normalized text) for one finished run; ``cli``
    (``tv-meta``'s ``main``) runs a ``"cli_run"`` case's command (``<case>.cli``)."""
    workspace = str(run.computation.settings.workspace)
    scrub = {"run_id": run.run_id, "workspace": workspace}
    out: dict[str, tuple[str, str]] = {}
    data = run.run_dir / "data"
    for risk in run.computation.risk_profiles:
        for profile in run.computation.tree:
            names = artifact_names(profile.name, risk)
            for family in FAMILIES:
                path = data / names[family]
                if family == "returns":
                    raw = path.read_bytes()
                    frame = pickle.loads(raw)  # our own output, written this run
                    if not isinstance(frame, pd.DataFrame):
                        raise HarnessError(f"{path}: expected a DataFrame")
                    # what the bytes promise a reader beyond the values (not the bytes: they
                    # name pandas' internal classes, which differ between pandas releases)
                    pickled = {
                        "protocol": raw[1] if raw[:1] == pickle.PROTO else None,
                        "index_freq": frame.index.freqstr
                        if hasattr(frame.index, "freqstr")
                        else None,
                    }
                    payload: Any = {"frame": frame_document(frame), "pickle": pickled}
                else:
                    payload = json.loads(path.read_text(encoding="utf-8"))
                text = _document(family, normalize(payload, **scrub))
                out[f"{case.name}.{risk}.{profile.name}.{family}"] = ("json", text)
    report = (run.run_dir / "reports" / "meta_portfolio_report.md").read_text(encoding="utf-8")
    out[f"{case.name}.report"] = ("md", scrub_text(report, **scrub))
    lines = (run.run_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    ledger = [json.loads(line) for line in lines]
    # each line as written is the record's compact, key-sorted JSON (DESIGN 4): the records
    # below are parsed, so the golden keeps that fact itself
    compact = all(
        line == json.dumps(r, sort_keys=True, separators=(",", ":"), allow_nan=False)
        for line, r in zip(lines, ledger, strict=True)
    )
    # every file of the meta run folder (DESIGN 4's names): an artifact added or dropped is drift
    run_folder = sorted(p.relative_to(run.run_dir).as_posix() for p in run.run_dir.rglob("*"))
    # where the run folder is, named by its run id: scrubbed when the case chose the id, as the
    # runner named it when the case left it to the default (the golden clock decides it)
    where = run.run_dir.relative_to(run.computation.settings.workspace).as_posix()
    run_dir = where if case.run_id is None else scrub_text(where, **scrub)
    audit = {
        "chain": chain_check(ledger),
        "compact_lines": compact,
        "run_dir": run_dir,
        "run_folder": run_folder,
    }
    out[f"{case.name}.audit"] = (
        "json",
        _document("audit", {**audit, "records": normalize(ledger, **scrub)}),
    )
    tables = {
        name: csv_document((data / name).read_text(encoding="utf-8"))
        for risk in run.computation.risk_profiles
        for profile in run.computation.tree
        for family, name in sorted(table_names(profile.name, risk).items())
        if family in CSV_FAMILIES
    }
    out[f"{case.name}.tables"] = ("json", _document("tables", normalize(tables, **scrub)))
    figures = {risk: figure_specs(outcome) for risk, outcome in run.computation.outcomes.items()}
    out[f"{case.name}.figures"] = ("json", _document("figures", normalize(figures, **scrub)))
    if case.draw_figures:  # matplotlib is imported only for such a case
        from .figure_digest import drawn_document

        folder = run.run_dir / "reports" / "figures"
        written = {p.name: p.read_bytes() for p in sorted(folder.glob("*.svg"))}
        sources = {
            PurePath(path).name: (risk, family)
            for risk, outcome in run.computation.outcomes.items()
            for family, path in figure_names(outcome.profile.name, risk).items()
        }
        document = drawn_document(figures, written, sources)
        out[f"{case.name}.{DRAWN}"] = ("json", _document(DRAWN, document))
    out[f"{case.name}.{INPUTS}"] = ("json", inputs_document(case.folder))
    if case.cached_rerun:
        out[f"{case.name}.{CACHED}"] = ("json", _document(CACHED, _cached_rerun(case, run, out)))
    if case.cli_run:
        if cli is None:
            raise HarnessError(f"case {case.name} runs tv-meta (cli_run), and no cli was given")
        out[f"{case.name}.{CLI_RUN}"] = ("json", _document(CLI_RUN, _cli_run(case, run, cli)))
    return out


def _cli_run(case: Case, run: MetaRun, cli: Callable[[list[str]], int]) -> dict[str, Any]:
    """``tv-meta run`` of ``case`` as a user types it, in a second copy of its workspace, with
    the library run's run id and clock: what the user sees, and its run folder compared with
    the library run's file by file (the same bytes: nothing differs). The command gives no
    option the library run was given (figures drawn, the cache used), so the command's defaults
    must do what the harness asked for; the files it wrote outside the run folder are listed,
    cache keys (which change with the package version) as ``<KEY>``."""
    settings = run.computation.settings
    workspace = materialize(case.folder, settings.workspace.parent / "cli")
    command = ["run", "--profile", case.meta_profile, "--risk-profiles"]
    command += [",".join(case.risk_profiles), "--run-id", run.run_id]
    seen = observe_command(workspace, command, cli=cli)
    folder = run.run_dir.relative_to(settings.workspace).as_posix()
    mine = tree_digest(workspace / folder)
    library = tree_digest(run.run_dir)
    outside = [
        re.sub(r"\b[0-9a-f]{64}\b", "<KEY>", path)
        for path in set(seen.after) - set(seen.before)
        if not path.startswith(folder + "/")
    ]
    clean = _cleaner({"workspace": str(workspace)})
    return {
        "command": "tv-meta " + " ".join(command),
        "exit_code": seen.exit_code,
        "stdout": [clean(line) for line in seen.stdout.splitlines()],
        "stderr": [clean(line) for line in seen.stderr.splitlines()],
        "run_folder": {
            "files": len(mine),
            "only_in_cli_run": sorted(set(mine) - set(library)),
            "only_in_library_run": sorted(set(library) - set(mine)),
            "differ": sorted(p for p in set(mine) & set(library) if mine[p] != library[p]),
        },
        "written_outside_the_run_folder": sorted(outside),
    }


def _cache_entry(lakehouse: Path, entry: Path) -> dict[str, Any]:
    """What one cache entry holds, read as the pipeline reads it (``cache.load_matrix``), without
    its key (which changes with the package version); an entry the pipeline would refuse shows
    as ``None``. Read once more independently of ``io.cache``: where it lies under the
    lakehouse (the key replaced), its arrays' types, whether its metadata is key-sorted JSON
    naming the entry's own key, and whether its ``arrays_sha256`` is the sha256 of each array's
    shape and bytes, recomputed here."""
    matrix = cache.load_matrix(lakehouse, entry.stem)
    described: dict[str, Any] = {"columns": None, "rows": None, "alignment": None}
    if matrix is not None:
        frame = matrix.frame
        described = {
            "columns": list(frame.columns),
            "rows": len(frame),
            "alignment": matrix.alignment,
        }
    with np.load(entry, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in sorted(archive.files)}
    text = arrays["meta"].tobytes().decode("utf-8")
    meta = json.loads(text)
    relative = entry.relative_to(lakehouse).as_posix().replace(entry.stem, "<KEY>")
    return {
        **described,
        "file": relative,
        "arrays": {name: str(array.dtype) for name, array in arrays.items()},
        "meta_keys": sorted(meta),
        "meta_sorted_json": text == json.dumps(meta, sort_keys=True),
        "meta_key_is_the_file_name": meta.get("key") == entry.stem,
        "arrays_sha256_verified": meta.get("arrays_sha256")
        == arrays_digest(arrays["index"], arrays["values"]),
    }


def _cached_rerun(case: Case, run: MetaRun, first: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Run ``case`` again in its workspace, where the first run stored its return matrices.

    Every matrix must come from the cache, and the second run's goldens must equal the first's
    (the run id is scrubbed): a cache that stores, keys or rebuilds a matrix differently is drift.
    """
    settings = run.computation.settings
    lakehouse = settings.lakehouse_dir
    files = sorted(p for p in lakehouse.rglob("*") if p.is_file())
    # sorted by what they hold, not by their keys (which change with the package version)
    described = sorted(
        ((_cache_entry(lakehouse, p), p) for p in files if p.suffix == ".npz"),
        key=lambda pair: json.dumps(pair[0], sort_keys=True),
    )
    stored = [entry for entry, _ in described]
    entries = [path for _, path in described]
    others = [p.relative_to(lakehouse).as_posix() for p in files if p.suffix != ".npz"]
    probed = probe_entry(entries[0]) if entries else {}

    def rerun(
        suffix: str, lines: list[str], use_cache: bool = True, overwrite: bool = False
    ) -> MetaRun:
        return run_meta_pipeline(
            settings,
            case.meta_profile,
            list(case.risk_profiles),
            run_id=f"{run.run_id}_{suffix}",
            environ={"SOURCE_DATE_EPOCH": GOLDEN_EPOCH},
            progress=lines.append,
            draw_figures=False,
            use_cache=use_cache,
            overwrite=overwrite,
        )

    lines: list[str] = []
    again = rerun("cached", lines)
    plain = dataclasses.replace(case, cached_rerun=False, draw_figures=False, cli_run=False)
    second = golden_outputs(plain, again)
    # --no-cache with every matrix in the cache: nothing read (no hit, no cache line), nothing
    # written, the same goldens; it replaces the second run's folder (--overwrite)
    held = tree_digest(lakehouse)
    uncached_lines: list[str] = []
    uncached = rerun("cached", uncached_lines, use_cache=False, overwrite=True)
    unchanged = tree_digest(lakehouse) == held
    without = golden_outputs(plain, uncached)
    # a third run after the last returns pickle by path (in nested_depth2 a leaf of the nested
    # branch) is written again with protocol 2: the same series in other bytes, so exactly the
    # matrices built from it, at every level above it, are recomputed
    edited = sorted(run.computation.reader.digests)[-1]
    pickled = settings.workspace / edited
    pickled.write_bytes(pickle.dumps(pd.read_pickle(pickled), protocol=2))
    third_lines: list[str] = []
    third = rerun("edited", third_lines)
    after_edit = golden_outputs(plain, third)
    ingredients = _key_ingredient_probes(case, settings.workspace, edited, rerun)
    return {
        "stored_by_first_run": stored,
        "other_files_in_the_lakehouse": others,
        "one_entry_broken_one_rule_at_a_time": probed,
        "second_run": {
            # every progress line a terminal shows (resolve, each sleeve at each level, cache)
            "progress": lines,
            "hits": list(again.computation.cache_hits),
            "goldens_that_differ": sorted(n for n, v in second.items() if first.get(n) != v),
        },
        "run_with_no_cache": {
            "cache_lines": _cache_lines(uncached_lines),
            "hits": list(uncached.computation.cache_hits),
            "lakehouse_unchanged": unchanged,
            "goldens_that_differ": sorted(n for n, v in without.items() if first.get(n) != v),
        },
        "runs_after_changing_one_key_ingredient": ingredients,
        "run_after_repickling_one_input": {
            "repickled": edited,
            "cache_lines": _cache_lines(third_lines),
            "hits": list(third.computation.cache_hits),
            "goldens_that_differ": sorted(n for n, v in after_edit.items() if first.get(n) != v),
        },
    }


def _cache_lines(progress: list[str]) -> list[str]:
    """The ``cache:`` lines of a run's progress (one per risk profile)."""
    return [line for line in progress if re.search(r"(^|\] )cache: ", line)]


def _key_ingredient_probes(
    case: Case, workspace: Path, returns_file: str, rerun: Callable[[str, list[str]], MetaRun]
) -> dict[str, Any]:
    """Rerun after changing, one at a time, one ingredient of the cache key that leaves the
    returns' bytes alone (DESIGN 3: the key names the run, the returns file and the whole
    validated meta profile, not only the bytes), and undo the change: each run's cache hits.

    - ``a_newer_run_with_the_same_bytes``: the run folder holding ``returns_file`` copied to a
      run one day newer, which every sleeve of that profile now resolves to;
    - ``the_returns_file_renamed``: ``returns_file`` under another simulator's name in its run;
    - ``the_root_profile_described``: a ``description`` added to the case's meta profile, which
      changes the validated profile and nothing the matrices are built from.
    """
    probes: dict[str, Any] = {}

    def observe(name: str) -> None:
        lines: list[str] = []
        done = rerun(name, lines)
        probes[name] = {
            "cache_lines": _cache_lines(lines),
            "hits": list(done.computation.cache_hits),
        }

    source = workspace / returns_file
    run_dir = source.parents[2]  # <run>/data/returns/<file>
    newer = run_dir.with_name(run_dir.name.replace("20260101", "20260102"))
    if newer == run_dir or newer.exists():
        raise HarnessError(f"{run_dir}: expected a run folder named *_20260101-*")
    shutil.copytree(run_dir, newer)
    header = newer / "config" / "resolved_manifest.json"
    resolved = json.loads(header.read_text(encoding="utf-8"))
    resolved.update(run_id=newer.name, created_at="2026-01-06T12:00:00")
    header.write_text(json.dumps(resolved), encoding="utf-8")
    try:
        observe("a_newer_run_with_the_same_bytes")
    finally:
        shutil.rmtree(newer)

    engine, _, rest = source.name.partition("_")
    renamed = source.with_name(f"{engine}_nautilus_{rest.partition('_')[2]}")
    source.rename(renamed)
    try:
        observe("the_returns_file_renamed")
    finally:
        renamed.rename(source)

    manifest = workspace / "configs" / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    document = json.loads(text)
    document["profiles"][case.meta_profile]["description"] = "described after the first run"
    manifest.write_text(json.dumps(document), encoding="utf-8")
    try:
        observe("the_root_profile_described")
    finally:
        manifest.write_text(text, encoding="utf-8")
    return probes


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``root`` (sorted): what a run left behind."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def failure_names(case: Case) -> list[str]:
    """The golden names of a failure case: what the user sees, and its input fingerprint."""
    return sorted([f"{case.name}.failure", f"{case.name}.{INPUTS}"])


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclasses.dataclass(frozen=True)
class Command:
    """What a user saw when a command ran, and the watched folder before and after it."""

    command: list[str]  # tv-meta's arguments, without --workspace
    exit_code: int
    stdout: str
    stderr: str
    before: dict[str, str]  # tree_digest of the watched folder before and after the command
    after: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Failure(Command):
    """What a user saw when a command failed, what it left in the folder around it, and the
    library's exception class for the same input (or why there is none)."""

    error_type: str


def observe_command(
    workspace: Path,
    command: list[str],
    *,
    cli: Callable[[list[str]], int],
    watched: Path | None = None,
) -> Command:
    """Run ``tv-meta COMMAND --workspace WORKSPACE`` in-process as a user would: inside the
    workspace (a hostile pickle would leave its marker there), with the golden clock and its
    output captured; ``watched`` (default: the workspace) is the folder whose files are digested
    before and after."""
    watched = watched or workspace
    out, err = io.StringIO(), io.StringIO()
    before = tree_digest(watched)
    with (
        contextlib.chdir(workspace),
        _environment(SOURCE_DATE_EPOCH=GOLDEN_EPOCH),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        exit_code = cli([command[0], "--workspace", str(workspace), *command[1:]])
    return Command(command, exit_code, out.getvalue(), err.getvalue(), before, tree_digest(watched))


def observe_failure(
    workspace: Path,
    command: list[str],
    *,
    cli: Callable[[list[str]], int],
    library: Callable[[Path | None], object],
    watched: Path | None = None,
) -> Failure:
    """``observe_command``, then the library call that should fail the same way (``library``:
    it names the error class). The library call is given the workspace when the command left
    the watched files as they were (it may run there: a copy would be the same files), else
    None (it must run in a fresh copy). ``watched`` is the folder whose files must not change.
    """
    seen = observe_command(workspace, command, cli=cli, watched=watched)
    try:
        library(workspace if seen.after == seen.before else None)
    except MetaPipelineError as exc:
        error_type = type(exc).__name__
    else:
        error_type = "none: the library run succeeded"
    return Failure(
        seen.command, seen.exit_code, seen.stdout, seen.stderr, seen.before, seen.after, error_type
    )


def failure_outputs(
    case: Case, destination: Path, *, cli: Callable[[list[str]], int]
) -> dict[str, tuple[str, str]]:
    """Run failure ``case`` as a user would (``cli``: ``tv-meta``'s ``main``) and render its
    goldens: the ``failure`` document (``failure_golden``) and the ``inputs`` fingerprint.
    """
    workspace = materialize(case.folder, destination / "ws")
    command = ["run", "--profile", case.meta_profile, "--risk-profiles"]
    command += [",".join(case.risk_profiles)]
    command += [] if case.run_id is None else ["--run-id", case.run_id]

    def library(unchanged: Path | None) -> MetaRun:
        if unchanged is None:
            return run_case(case, destination / "library")
        return run_workspace(case, unchanged)

    failure = observe_failure(workspace, command, cli=cli, library=library)
    outputs = failure_golden(case.name, failure, scrub={"workspace": str(workspace)})
    outputs[f"{case.name}.{INPUTS}"] = ("json", inputs_document(case.folder))
    return outputs


def _cleaner(scrub: dict[str, str]) -> Callable[[str], str]:
    """A line of output with each path of ``scrub`` as ``<NAME>`` (the longest first: no
    prefix wins), then ``scrub_text``."""

    def clean(line: str) -> str:
        for key, path in sorted(scrub.items(), key=lambda item: (-len(item[1]), item[0])):
            line = line.replace(path, f"<{key.upper()}>")
        return scrub_text(line)

    return clean


def failure_golden(
    name: str, failure: Failure, *, scrub: dict[str, str]
) -> dict[str, tuple[str, str]]:
    """The golden ``<name>.failure``: what the user sees, and that nothing was written.

    ``scrub`` maps a placeholder name to a volatile path in the output (``workspace``: the
    path becomes ``<WORKSPACE>``; any other name likewise, upper-cased).
    """

    clean = _cleaner(scrub)
    before, after = failure.before, failure.after
    payload = {
        "case": name,
        "command": "tv-meta " + " ".join(failure.command),
        "exit_code": failure.exit_code,
        "error_type": failure.error_type,
        "stderr": [clean(line) for line in failure.stderr.splitlines()],
        "stdout": [clean(line) for line in failure.stdout.splitlines()],
        "written": sorted(set(after) - set(before)),
        "changed": sorted(k for k in set(after) & set(before) if after[k] != before[k]),
        "removed": sorted(set(before) - set(after)),
    }
    return {f"{name}.failure": ("json", _document("failure", payload))}


def chain_check(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Recompute the ledger's hash chain independently of ``io.audit`` (DESIGN 4).

    Each record's ``hash`` must be the sha256 of its compact, key-sorted JSON without ``hash``,
    and its ``prev_hash`` the previous record's ``hash`` (64 zeros for the first). The golden
    keeps the verdict and the first broken record, so a ledger that stops chaining is drift even
    though every hash is a placeholder there.
    """
    previous = "0" * 64
    for number, record in enumerate(records):
        body = {k: v for k, v in record.items() if k != "hash"}
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
        if record.get("prev_hash") != previous:
            return {"records": len(records), "verified": False, "first_break": number}
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != record.get("hash"):
            return {"records": len(records), "verified": False, "first_break": number}
        previous = str(record["hash"])
    return {"records": len(records), "verified": True}
