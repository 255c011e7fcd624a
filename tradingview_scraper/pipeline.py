"""The canonical runner: an explicit, ordered list of stages (DESIGN 3).

    resolve  -> manifest tree checks, runs, ledgers, health          (edge: reads files)
    returns  -> stream validation, calendar alignment, nested metas  (pure)
    optimize -> sleeve weights under bounds                          (pure)
    flatten  -> physical asset weights                               (pure)
    report   -> artifacts, CSV tables, figures, markdown report, ledger (edge: writes files)

``compute_meta`` runs everything in memory (``tv-meta validate``); ``run_meta_pipeline`` also
writes the meta run folder, through a staging folder that is moved into place only when the whole
run succeeded.
"""

from __future__ import annotations

import gc
import hashlib
import inspect
import io
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from .allocation import allocate
from .clock import now_utc
from .contracts import Manifest, MetaProfile
from .errors import OverwriteRefusedError
from .figure_drawer import WORKER_MIN_CELLS, FigureDrawer, usable_cpus
from .io import cache
from .io.audit import AuditLog
from .io.jsonio import canonical_json
from .io.reader import InputReader
from .io.staging import staged_folder, write_bytes
from .manifest import check_run_id, load_manifest, profile_tree
from .meta.aggregate import Allocator, MetaOutcome, build_meta, walk
from .meta.artifacts import (
    artifact_names,
    cluster_tree_document,
    flattened_document,
    manifest_document,
    optimized_document,
)
from .meta.cache_keys import matrix_keys
from .meta.figures import figure_jobs
from .meta.loader import load_inputs
from .meta.report import render_report
from .meta.returns import MetaReturns
from .meta.stats import ProfileStats, profile_stats
from .meta.tables import table_documents, table_names
from .settings import Settings

__all__ = [
    "MetaComputation",
    "MetaRun",
    "Progress",
    "compute_meta",
    "render_run",
    "run_meta_pipeline",
]

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def _nothing() -> None:
    return None


@contextmanager
def _spare_collector() -> Iterator[Callable[[], None]]:
    """Keep what a run has read out of the collector's full passes until the run ends.

    Yields ``settle``, called after each load: it moves every live object (the inputs just
    read, the outcomes so far) into the collector's permanent generation (``gc.freeze``), so the
    full collections of the later stages do not walk them again. At 1,000 sleeves x 5 risk
    profiles those walks took 1.3 s of 11. On exit everything is unfrozen and collectable as
    before. A process that froze objects itself (say, before forking workers) is left alone.
    """
    if gc.get_freeze_count():
        yield _nothing
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


@dataclass(frozen=True, slots=True, eq=False)
class MetaComputation:
    """Everything a run computed, before anything is written."""

    settings: Settings
    manifest: Manifest
    profile: MetaProfile
    tree: tuple[MetaProfile, ...]
    risk_profiles: tuple[str, ...]
    outcomes: Mapping[str, MetaOutcome]  # risk profile -> root outcome
    reader: InputReader
    cache_hits: tuple[str, ...] = ()  # "<risk>/<meta profile>" whose matrix came from the cache
    cache_pending: Mapping[str, MetaReturns] = field(default_factory=dict)  # key -> matrix to store


def compute_meta(
    settings: Settings,
    profile_name: str,
    risk_profiles: Sequence[str] | None = None,
    *,
    allocator: Allocator = allocate,
    progress: Progress = _quiet,
    use_cache: bool = True,
    settle: Callable[[], None] = _nothing,
) -> MetaComputation:
    """Resolve, load, align, allocate and flatten every risk profile, in memory.

    With ``use_cache``, meta return matrices whose inputs hash to a cached key are read from
    ``<lakehouse>/.cache`` (``io.cache``) instead of being rebuilt; nothing is written here: the
    matrices that were computed are returned in ``cache_pending`` for ``run_meta_pipeline`` to
    store. The cache is used with the package's allocator only (or a wrapper of it that declares
    ``__wrapped__``): a nested branch's column depends on the allocator's weights. ``settle`` is
    called after each risk profile's inputs are read (``run_meta_pipeline`` passes its
    collector hint).
    """
    manifest = load_manifest(
        settings.manifest_path, display=settings.relative(settings.manifest_path)
    )
    tree = profile_tree(manifest, profile_name, risk_profiles)
    profile = tree[0]
    risks = tuple(risk_profiles) if risk_profiles else profile.allocation.risk_profiles
    reader = InputReader(settings)
    outcomes: dict[str, MetaOutcome] = {}
    # unwrapped on both sides: ``allocate`` itself may be wrapped (a profiler, mutmut's trampoline)
    cacheable = use_cache and inspect.unwrap(allocator) is inspect.unwrap(allocate)
    hits: list[str] = []
    pending: dict[str, MetaReturns] = {}
    for risk in risks:
        progress(f"[{risk}] resolve: runs, ledgers and health of {len(tree)} meta profile(s)")
        inputs = load_inputs(reader, manifest, profile, risk, progress)
        settle()
        keys = matrix_keys(inputs, reader.digests.__getitem__) if cacheable else {}
        aligned: dict[str, MetaReturns] = {}
        for name, key in keys.items():
            found = cache.load_matrix(settings.lakehouse_dir, key)
            if found is not None:
                aligned[name] = found
        if keys:
            progress(f"[{risk}] cache: {len(aligned)} of {len(keys)} return matrices reused")
        progress(f"[{risk}] returns + optimize + flatten")
        outcomes[risk] = build_meta(inputs, allocator, aligned=aligned)
        for node in walk(outcomes[risk]):
            name = node.profile.name
            if name in aligned and node.returns is aligned[name]:
                hits.append(f"{risk}/{name}")
            elif name in keys:
                pending[keys[name]] = node.returns
    return MetaComputation(
        settings=settings,
        manifest=manifest,
        profile=profile,
        tree=tuple(tree),
        risk_profiles=risks,
        outcomes=outcomes,
        reader=reader,
        cache_hits=tuple(hits),
        cache_pending=pending,
    )


@dataclass(frozen=True, slots=True, eq=False)
class MetaRun:
    """A finished run: where it was written and what it computed."""

    run_id: str
    run_dir: Path
    computation: MetaComputation
    files: tuple[str, ...]  # paths relative to run_dir, sorted


def default_run_id(profile: str, when: datetime) -> str:
    return f"{profile}_{when.strftime('%Y%m%d-%H%M%S')}"


def run_meta_pipeline(
    settings: Settings,
    profile_name: str,
    risk_profiles: Sequence[str] | None = None,
    *,
    run_id: str | None = None,
    overwrite: bool = False,
    allocator: Allocator = allocate,
    environ: Mapping[str, str] | None = None,
    progress: Progress = _quiet,
    use_cache: bool = True,
    draw_figures: bool = True,
) -> MetaRun:
    """The canonical runner: compute everything, then write the meta run folder atomically.

    ``use_cache=False`` neither reads nor writes the return-matrix cache (``--no-cache``).
    ``draw_figures=False`` skips drawing the SVG files (everything else, the report's links
    included, is unchanged): the golden suite snapshots what figures draw, not their bytes, and
    drawing is most of a small run's time.
    """
    when = now_utc(environ)
    if run_id is not None:
        run_id = check_run_id(run_id, where="--run-id")
    with _spare_collector() as settle:
        computation = compute_meta(
            settings,
            profile_name,
            risk_profiles,
            allocator=allocator,
            progress=progress,
            use_cache=use_cache,
            settle=settle,
        )
        meta_run_id = run_id or default_run_id(computation.profile.name, when)
        final = settings.runs_dir / meta_run_id
        shown = settings.relative(final)
        if final.exists() and not overwrite:
            raise OverwriteRefusedError(
                f"{shown}: meta run folder already exists; pass --overwrite to replace it "
                "or choose another --run-id"
            )
        files = render_run(
            computation,
            meta_run_id,
            when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            draw_figures=draw_figures,
        )
    progress(f"write: {len(files)} files into {shown}")
    with staged_folder(final, overwrite=overwrite, shown=shown) as staging:
        for name in sorted(files):
            write_bytes(staging / name, files[name])
    for key, matrix in computation.cache_pending.items():
        try:
            cache.store_matrix(settings.lakehouse_dir, key, matrix)
        except OSError as exc:  # the cache is scratch: a read-only lakehouse costs speed only
            progress(f"cache: not stored ({exc})")
    return MetaRun(meta_run_id, final, computation, tuple(sorted(files)))


def render_run(
    computation: MetaComputation, meta_run_id: str, ts: str, *, draw_figures: bool
) -> dict[str, bytes]:
    """Every file of the meta run folder, as bytes, keyed by its path inside the folder."""
    settings = computation.settings
    audit = AuditLog(ts)
    root = computation.profile
    audit.add(
        "genesis",
        "resolve",
        run_id=meta_run_id,
        profile=root.name,
        risk_profiles=list(computation.risk_profiles),
        manifest=computation.manifest.path,
        tree=[p.name for p in computation.tree],
    )
    files: dict[str, bytes] = {}
    root_stats: dict[str, ProfileStats] = {}
    cells = sum(outcome.returns.frame.size for outcome in computation.outcomes.values())
    worker = draw_figures and cells >= WORKER_MIN_CELLS and usable_cpus() >= 2
    with FigureDrawer(worker=worker) as drawer:
        for risk, outcome in computation.outcomes.items():
            root_stats[risk] = profile_stats(outcome)  # once per node: tables, figures, report
            for path, spec in (
                figure_jobs(outcome, root_stats[risk]) if draw_figures else {}
            ).items():
                drawer.draw(f"reports/{path}", spec)  # drawn meanwhile, when a worker draws
        for risk, outcome in computation.outcomes.items():
            for node in walk(outcome):
                stats = root_stats[risk] if node is outcome else profile_stats(node)
                _render_node(node, meta_run_id, settings, files, audit, stats=stats)
        files.update(drawer.results())
    report = render_report(
        dict(computation.outcomes), meta_run_id=meta_run_id, generated_at=ts, stats=root_stats
    )
    files["reports/meta_portfolio_report.md"] = report.encode("utf-8")
    audit.add(
        "action",
        "report",
        status="success",
        file="reports/meta_portfolio_report.md",
        sha256=hashlib.sha256(files["reports/meta_portfolio_report.md"]).hexdigest(),
    )
    files["audit.jsonl"] = audit.text().encode("utf-8")
    return files


def returns_pickle(frame: pd.DataFrame) -> bytes:
    """The pickle of a meta return matrix, as a function of its contents only.

    A pickled DatetimeIndex carries the attributes pandas cached on it (its unit, ...), which
    depend on what happened to touch the index before (a calendar join, a report figure, the
    cache skipping a join). The matrix is pickled with a freshly built, equal index instead.
    """
    index = pd.DatetimeIndex(frame.index)
    fresh = pd.DatetimeIndex(index.to_numpy(copy=True), name=index.name)
    if index.freq is not None:
        fresh = pd.DatetimeIndex(fresh, freq=index.freq)
    buffer = io.BytesIO()
    pickle.dump(frame.set_axis(fresh, axis=0), buffer, protocol=4)
    return buffer.getvalue()


def _render_node(
    node: MetaOutcome,
    meta_run_id: str,
    settings: Settings,
    files: dict[str, bytes],
    audit: AuditLog,
    *,
    stats: ProfileStats,
) -> None:
    names = artifact_names(node.profile.name, node.risk_profile)
    run_paths = {
        s.run.run_id: settings.relative(s.run.path) for s in node.sleeves if s.run is not None
    }
    documents = {
        "manifest": manifest_document(node, meta_run_id, run_paths),
        "optimized": optimized_document(node, meta_run_id),
        "cluster_tree": cluster_tree_document(node, meta_run_id),
        "flattened": flattened_document(node, meta_run_id),
    }
    for family, document in documents.items():
        files[f"data/{names[family]}"] = canonical_json(document).encode("utf-8")
    files[f"data/{names['returns']}"] = returns_pickle(node.returns.frame)
    csv_names = table_names(node.profile.name, node.risk_profile)
    for family, text in table_documents(node, stats).items():
        files[f"data/{csv_names[family]}"] = text.encode("utf-8")
    step = {"meta_profile": node.profile.name, "risk_profile": node.risk_profile}
    audit.add(
        "action",
        "health",
        status="success",
        **step,
        sleeves={
            s.spec.id: {"status": s.status, "reason": s.health.reason if s.health else ""}
            for s in node.sleeves
        },
    )
    audit.add(
        "action",
        "returns",
        status="success",
        **step,
        rows=node.returns.common_days,
        columns=list(node.returns.frame.columns),
        sha256=hashlib.sha256(files[f"data/{names['returns']}"]).hexdigest(),
    )
    audit.add(
        "action",
        "optimize",
        status="success",
        **step,
        method=node.method,
        inputs_sha256=hashlib.sha256(files[f"data/{names['returns']}"]).hexdigest(),
        weights=node.weights,
        fallback=node.fallback or None,
    )
    audit.add(
        "action",
        "flatten",
        status="success",
        **step,
        assets=len(node.flat.assets),
        net=node.flat.total_net,
        sha256=hashlib.sha256(files[f"data/{names['flattened']}"]).hexdigest(),
    )
