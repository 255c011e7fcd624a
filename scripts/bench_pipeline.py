#!/usr/bin/env python3
"""Time the canonical runner per stage on synthetic workspaces of 10, 100 and 1,000 sleeves.

    python scripts/bench_pipeline.py                        # sizes 10,100,1000; table on stdout
    python scripts/bench_pipeline.py --json bench.json      # also write every figure as JSON
    python scripts/bench_pipeline.py --sizes 1000 --keep /tmp/ws   # keep the workspaces
    python scripts/bench_pipeline.py --quick                # smoke run: 10 sleeves, 260 days
    python scripts/bench_pipeline.py --sizes "" --flat 1000:all --flat 5000:hrp   # flat shapes

Workspaces are generated deterministically (``numpy.random.default_rng`` with fixed seeds): N
atomic sleeves of 2,520 business-day returns, each with its run folder (resolved manifest, health
ledger, one pickled Series per risk profile, 10 physical assets with shorts), under a depth-3
nested tree (root -> branches -> sub-branches -> atomic sleeves) run for five risk profiles (hrp,
erc, min_variance, inverse_volatility, equal_weight). Pickles are written directly (no CSV).

Each size runs in fresh worker processes (clean ``ru_maxrss``):

* a timed pass: ``run_meta_pipeline`` with an empty cache (cold), then again on the filled cache
  (warm), then with ``use_cache=False``; stages are timed by wrapping, from outside, the module
  functions the runner looks up at call time (``pipeline.load_inputs``, ``aggregate.align`` ...)
  and by passing a timing ``allocator``; the worker checks that every wrapper was called;
* a memory pass: the cold run under ``tracemalloc`` (peak of Python allocations).

Flat shapes (``--flat N:RISKS``, RISKS ``all`` or a comma list such as ``hrp``): one meta profile
of N atomic sleeves, no nesting (each profile has many direct sleeves, so the report and the
correlation work scale with N). One fresh worker per shape runs the cold pipeline once and
reports wall time, peak RSS and the size of the markdown report beside the targets of
``FLAT_TARGETS`` and the ``np.cov`` unit measured in the same worker.

Every time is also given as a ratio to baselines measured in the same worker: ``np.cov`` of a
1000 x 2520 matrix (the machine unit; ``x cov``) and plain ``pickle.load`` of every returns pickle
the run reads (for the load stage). "hrp alone" is ``allocate(matrix, "hrp")`` on the sleeves'
N x 2520 hrp matrix against ``np.cov`` of that matrix (median of 7, interleaved).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import pickle
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from bench_allocation import median_seconds  # the same timing rule in both benchmarks

RUNS = Path("data/artifacts/summaries/runs")
RISKS = ("hrp", "erc", "min_variance", "inverse_volatility", "equal_weight")
ROOT = "meta_bench"
DAYS = 2520
QUICK_DAYS = 260
ASSETS_PER_SLEEVE = 10
UNIVERSE = 400  # physical symbols shared by the sleeves (so contributions overlap)
SEED = 20260130
# (sleeves, risk profiles) -> (cold seconds, peak RSS bytes); every report at most REPORT_LIMIT
FLAT_TARGETS: dict[tuple[int, int], tuple[float, int]] = {
    (1000, 5): (10.0, int(1.5 * 2**30)),
    (5000, 1): (60.0, 4 * 2**30),
}
REPORT_LIMIT = 2**20
STAGES = (
    "resolve+load",
    "normalize",
    "join",
    "optimize",
    "flatten",
    "build (other)",
    "cache",
    "artifacts",
    "report",
    "write",
)


# ----------------------------------------------------------------------------- workspace


def tree_shape(n: int) -> tuple[int, int]:
    """(branches, sub-branches per branch) for ``n`` sleeves; every profile has >= 2 sleeves."""
    if n >= 1000:
        return 4, 5
    if n >= 100:
        return 2, 5
    return 2, 2


def _dump(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, sort_keys=True, indent=2) + "\n", encoding="utf-8")


def _ledger(run_id: str, profile: str, windows: int = 4, risks: tuple[str, ...] = RISKS) -> str:
    records: list[dict[str, Any]] = [
        {"type": "genesis", "run_id": run_id, "profile": profile, "ts": "2026-01-05T12:00:00"}
    ]
    for risk in risks:
        for window in range(windows):
            params = {"window_index": window, "engine": "custom", "profile": risk}
            records.append(
                {
                    "type": "action",
                    "status": "intent",
                    "step": "backtest_optimize",
                    "intent": {"params": params},
                }
            )
            records.append(
                {
                    "type": "action",
                    "status": "success",
                    "step": "backtest_optimize",
                    "context": params,
                }
            )
            records.append(
                {
                    "type": "action",
                    "status": "success",
                    "step": "backtest_simulate",
                    "context": params,
                    "outcome": {
                        "metrics": {"sharpe": 1.1, "annualized_vol": 0.2, "annualized_return": 0.2}
                    },
                }
            )
    return "".join(json.dumps(r, sort_keys=True) + "\n" for r in records)


def generate_workspace(
    root: Path, n: int, days: int, *, flat: bool = False, risks: tuple[str, ...] = RISKS
) -> dict[str, Any]:
    """Write an n-sleeve workspace under ``root``; returns what was written.

    ``flat``: the root holds the n atomic sleeves directly (no nesting), run for ``risks``.
    """
    if root.exists():
        shutil.rmtree(root)
    rng = np.random.default_rng(SEED + n)
    index = pd.bdate_range("2016-01-04", periods=days)
    branches, subs = (0, 0) if flat else tree_shape(n)
    leaves = branches * subs
    profiles: dict[str, Any] = {}
    ids = [f"strat_{i:04d}" for i in range(n)]
    groups = np.array_split(np.arange(n), max(leaves, 1))
    root_sleeves: list[dict[str, Any]] = []
    if flat:
        root_sleeves = [{"id": f"s{i:04d}", "profile": ids[i]} for i in range(n)]
    for b in range(branches):
        branch = f"{ROOT}_b{b}"
        branch_sleeves = []
        for s in range(subs):
            sub = f"{branch}_s{s}"
            members = groups[b * subs + s]
            profiles[sub] = {
                "sleeves": [{"id": f"s{i:04d}", "profile": ids[i]} for i in members],
                "meta_allocation": {"max_weight": min(1.0, 3.0 / len(members))},
            }
            branch_sleeves.append({"id": f"sub{s}", "meta_profile": sub})
        profiles[branch] = {"sleeves": branch_sleeves, "meta_allocation": {"max_weight": 0.9}}
        root_sleeves.append({"id": f"branch{b}", "meta_profile": branch})
    profiles[ROOT] = {
        "description": f"synthetic benchmark: {n} sleeves, {'flat' if flat else 'depth-3 tree'}",
        "sleeves": root_sleeves,
        "meta_allocation": {"risk_profiles": list(risks), "max_weight": 0.8},
    }
    _dump(root / "configs" / "manifest.json", {"profiles": profiles})

    symbols = [f"BINANCE:SYM{j:04d}USDT" for j in range(UNIVERSE)]
    runs = root / RUNS
    bytes_written = 0
    for risk_no, risk in enumerate(risks):
        # a three-factor model with sleeve-specific noise: a well-conditioned covariance
        factors = rng.normal(0.0, 0.008, (days, 3))
        loadings = rng.uniform(-0.5, 1.5, (3, n))
        noise = rng.normal(0.0, 0.01, (days, n)) * rng.uniform(0.3, 2.0, n)
        matrix = np.round(factors @ loadings + noise, 10)
        for i, run_id in enumerate(f"{p}_20260105-120000" for p in ids):
            path = runs / run_id / "data" / "returns" / f"custom_vectorbt_{risk}.pkl"
            if risk_no == 0:
                path.parent.mkdir(parents=True, exist_ok=True)
            series = pd.Series(matrix[:, i], index=index, name="return")
            data = pickle.dumps(series, protocol=5)
            path.write_bytes(data)
            bytes_written += len(data)
    for i, profile in enumerate(ids):
        run = runs / f"{profile}_20260105-120000"
        run_id = run.name
        _dump(
            run / "config" / "resolved_manifest.json",
            {"profile": profile, "run_id": run_id, "created_at": "2026-01-05T12:00:00"},
        )
        (run / "audit.jsonl").write_text(_ledger(run_id, profile, risks=risks), encoding="utf-8")
        weights_rng = np.random.default_rng(SEED + 7 * i)
        flattened = {}
        for risk in risks:
            chosen = weights_rng.choice(UNIVERSE, ASSETS_PER_SLEEVE, replace=False)
            raw = weights_rng.uniform(0.02, 0.2, ASSETS_PER_SLEEVE)
            raw /= raw.sum()
            signs = np.where(np.arange(ASSETS_PER_SLEEVE) < 3, -1.0, 1.0)  # three shorts
            assets = [
                {
                    "Symbol": symbols[j],
                    "Weight": float(w),
                    "Net_Weight": float(sign * w),
                    "Direction": "SHORT" if sign < 0 else "LONG",
                }
                for j, w, sign in zip(chosen, raw, signs, strict=True)
            ]
            flattened[risk] = {"assets": assets}
        _dump(run / "data" / "portfolio_flattened.json", {"profiles": flattened})
    return {
        "sleeves": n,
        "days": days,
        "risk_profiles": list(risks),
        "tree": {
            "branches": branches,
            "sub_branches": leaves,
            "meta_profiles": 1 + branches + leaves,
        },
        "returns_pickles": n * len(risks),
        "returns_pickle_bytes": bytes_written,
    }


# ----------------------------------------------------------------------------- timing


class Timer:
    """Accumulates seconds and calls per stage; ``wrap`` replaces a module attribute."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[tuple[Any, str, Any]] = []

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - start
                self.calls[stage] += 1

        return run

    def wrap(self, module: Any, name: str, stage: str) -> None:
        original = getattr(module, name)
        self._undo.append((module, name, original))
        setattr(module, name, self.timed(stage, original))

    def restore(self) -> None:
        for module, name, original in reversed(self._undo):
            setattr(module, name, original)
        self._undo.clear()


@contextmanager
def stage_hooks(timer: Timer) -> Iterator[Callable[..., Any]]:
    """Wrap the names the runner looks up at call time; yields the timing allocator."""
    from tradingview_scraper import pipeline
    from tradingview_scraper.allocation import allocate
    from tradingview_scraper.meta import aggregate

    hooks = [
        (pipeline, "compute_meta", "_compute"),
        (pipeline, "render_run", "_render"),
        (pipeline, "load_inputs", "resolve+load"),
        (pipeline, "render_report", "report"),
        (pipeline, "write_bytes", "_write_bytes"),
        (aggregate, "normalize_stream", "normalize"),
        (aggregate, "align", "join"),
        (aggregate, "weighted_stream", "join"),
        (aggregate, "flatten", "flatten"),
    ]
    cache_module = getattr(pipeline, "cache", None)
    if cache_module is not None:  # the content-addressed cache of the meta return matrix
        hooks += [
            (cache_module, "load_matrix", "cache"),  # inside compute: lookups
            (cache_module, "store_matrix", "_cache_store"),  # after the folder write
        ]
    for module, name, stage in hooks:
        timer.wrap(module, name, stage)

    @functools.wraps(allocate)  # __wrapped__: the same results, so the cache stays usable
    def allocator(frame: pd.DataFrame, method: str, **options: Any) -> Any:
        start = time.perf_counter()
        try:
            return allocate(frame, method, **options)
        finally:
            timer.seconds[f"optimize:{method}"] += time.perf_counter() - start
            timer.calls[f"optimize:{method}"] += 1

    try:
        yield allocator
    finally:
        timer.restore()
    # a hook never called was not looked up at call time (normalize/join are skipped by hits)
    optional = {"cache", "_cache_store", "normalize", "join"}
    for _, name, stage in hooks:
        if stage not in optional and timer.calls[stage] == 0:
            raise RuntimeError(f"stage hook {name} ({stage}) was never called: not looked up")
    if timer.calls["normalize"] == 0 and timer.calls["cache"] == 0:
        raise RuntimeError("neither normalize_stream nor the cache was called: hooks not looked up")


def run_once(
    workspace: Path, run_id: str, *, use_cache: bool, risks: tuple[str, ...] = RISKS
) -> dict[str, Any]:
    from tradingview_scraper.pipeline import run_meta_pipeline
    from tradingview_scraper.settings import Settings

    timer = Timer()
    options: dict[str, Any] = {"use_cache": use_cache} if _has_cache() else {}
    if os.environ.get("BENCH_DRAW_FIGURES") == "0":  # --quick: a smoke run of the stages
        options["draw_figures"] = False
    with stage_hooks(timer) as allocator:
        start = time.perf_counter()
        run = run_meta_pipeline(
            Settings.for_workspace(workspace),
            ROOT,
            list(risks),
            run_id=run_id,
            allocator=allocator,
            environ={"SOURCE_DATE_EPOCH": "1767225600"},
            **options,
        )
        total = time.perf_counter() - start
    s = timer.seconds
    optimize = {k.split(":", 1)[1]: v for k, v in s.items() if k.startswith("optimize:")}
    inside = sum(s[k] for k in ("resolve+load", "normalize", "join", "flatten", "cache"))
    stages = {
        "resolve+load": s["resolve+load"],
        "normalize": s["normalize"],
        "join": s["join"],
        "optimize": sum(optimize.values()),
        "flatten": s["flatten"],
        "build (other)": s["_compute"] - inside - sum(optimize.values()),
        "cache": s["cache"],
        "artifacts": s["_render"] - s["report"],
        "report": s["report"],
        "write": total - s["_compute"] - s["_render"],  # staging, fsync, move, cache store
    }
    return {
        "total": total,
        "stages": stages,
        "optimize": optimize,
        "calls": {k: v for k, v in timer.calls.items() if not k.startswith("_")},
        "write_bytes": s["_write_bytes"],
        "cache_store": s["_cache_store"],  # part of "write"
        "files": len(run.files),
        "cache_hits": len(getattr(run.computation, "cache_hits", ())),
        "reads": sum(run.computation.reader.reads.values()),
        "distinct_files_read": len(run.computation.reader.reads),
        "report_bytes": (run.run_dir / "reports" / "meta_portfolio_report.md").stat().st_size,
        "figure_bytes": sum(
            p.stat().st_size for p in (run.run_dir / "reports").rglob("*.svg") if p.is_file()
        ),
    }


def _has_cache() -> bool:
    import inspect

    from tradingview_scraper.pipeline import run_meta_pipeline

    return "use_cache" in inspect.signature(run_meta_pipeline).parameters


def unit_matrix(rows: int = DAYS, n: int = 1000) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    x = rng.normal(0.0, 0.01, (rows, 3)) @ rng.uniform(-0.5, 1.5, (3, n))
    return np.ascontiguousarray(x + rng.normal(0.0, 0.01, (rows, n)))


def baselines(workspace: Path) -> dict[str, Any]:
    """np.cov of a 1000 x 2520 matrix, plain pickle.load of the returns, and HRP alone."""
    from tradingview_scraper.allocation import allocate

    unit = unit_matrix()
    cov_unit = median_seconds(lambda: np.cov(unit, rowvar=False), 7)
    pickles = sorted((workspace / RUNS).glob("*/data/returns/*.pkl"))

    def load_all() -> None:
        for path in pickles:
            with open(path, "rb") as handle:
                pickle.load(handle)

    start = time.perf_counter()
    load_all()  # cold-ish: the first read after generation (page cache warm, Python cold)
    pickle_load = time.perf_counter() - start
    # HRP alone on the sleeves' hrp matrix, interleaved with np.cov of the same matrix
    frames = []
    for path in sorted((workspace / RUNS).glob("*/data/returns/*_hrp.pkl")):
        with open(path, "rb") as handle:
            frames.append(pickle.load(handle).to_numpy())
    matrix = pd.DataFrame(
        np.column_stack(frames), columns=[f"s{i:04d}" for i in range(len(frames))]
    )
    x = np.ascontiguousarray(matrix.to_numpy())
    n = matrix.shape[1]
    bounds = {"lower": [0.0] * n, "upper": [1.0] * n}
    allocate(matrix, "hrp", **bounds)
    cov_times, hrp_times = [], []
    for _ in range(7):
        start = time.perf_counter()
        np.cov(x, rowvar=False)
        cov_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        allocate(matrix, "hrp", **bounds)
        hrp_times.append(time.perf_counter() - start)
    cov_n, hrp = statistics.median(cov_times), statistics.median(hrp_times)
    return {
        "np_cov_1000x2520": cov_unit,
        "pickle_load_all": pickle_load,
        "pickles": len(pickles),
        "hrp_alone": {
            "shape": [int(x.shape[0]), n],
            "seconds": hrp,
            "np_cov_seconds": cov_n,
            "x_np_cov": hrp / cov_n,
        },
    }


def worker(workspace: Path, mode: str) -> dict[str, Any]:
    """One pass in this (fresh) process; ``mode`` is "time", "memory" or "flat:<risks>"."""
    import tradingview_scraper.pipeline  # noqa: F401  (imports before the RSS baseline)

    rss_start = _maxrss()
    if mode.startswith("flat:"):
        os.environ.pop("BENCH_DRAW_FIGURES", None)  # flat shapes always measure the figures
        risks = tuple(mode.split(":", 1)[1].split(","))
        cold = run_once(workspace, "bench_flat", use_cache=True, risks=risks)
        rss = _maxrss()
        unit = unit_matrix()
        return {
            "cold": cold,
            "ru_maxrss_bytes": rss,
            "rss_after_imports_bytes": rss_start,
            "np_cov_1000x2520": median_seconds(lambda: np.cov(unit, rowvar=False), 7),
        }
    if mode == "memory":
        tracemalloc.start()
        run_once(workspace, "bench_memory", use_cache=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"tracemalloc_peak_bytes": peak}
    out: dict[str, Any] = {"rss_after_imports_bytes": rss_start}
    out["cold"] = run_once(workspace, "bench_cold", use_cache=True)
    out["rss_after_cold_bytes"] = _maxrss()
    if _has_cache():
        out["warm"] = run_once(workspace, "bench_warm", use_cache=True)
        out["no_cache"] = run_once(workspace, "bench_nocache", use_cache=False)
    out["baselines"] = baselines(workspace)
    out["ru_maxrss_bytes"] = _maxrss()
    return out


def _maxrss() -> int:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(kib) * (1 if sys.platform == "darwin" else 1024)


# ----------------------------------------------------------------------------- driver


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants now (Linux /proc; 0 where unreadable)."""
    total = 0
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        total += next(
            int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")
        )
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii").split()
    except (OSError, StopIteration, ValueError):
        return total
    return total + sum(_tree_rss(int(child)) for child in children)


def _spawn(workspace: Path, mode: str) -> dict[str, Any]:
    """Run one worker; ``tree_peak_rss_bytes`` is the largest sum of resident memory of it and
    its children (the figure worker) seen by sampling every 20 ms: ru_maxrss of a child started
    by fork/vfork counts the parent's pages it shared before exec, so it cannot be summed."""
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--worker", mode, str(workspace)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.02):
            peak = max(peak, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"worker {mode} failed on {workspace}:\n{stderr}")
    return {**json.loads(stdout), "tree_peak_rss_bytes": peak}


def measure(workspace: Path, n: int, days: int) -> dict[str, Any]:
    start = time.perf_counter()
    info = generate_workspace(workspace, n, days)
    info["generate_seconds"] = time.perf_counter() - start
    timed = _spawn(workspace, "time")
    memory = _spawn(workspace, "memory")
    unit = timed["baselines"]["np_cov_1000x2520"]
    runs = {k: timed[k] for k in ("cold", "warm", "no_cache") if k in timed}
    for run in runs.values():
        run["x_cov"] = {k: v / unit for k, v in run["stages"].items()}
        run["total_x_cov"] = run["total"] / unit
        run["optimize_x_cov"] = {k: v / unit for k, v in run["optimize"].items()}
    cold = runs["cold"]
    info.update(
        runs=runs,
        baselines=timed["baselines"],
        load_x_pickle_load=cold["stages"]["resolve+load"] / timed["baselines"]["pickle_load_all"],
        memory={
            "tracemalloc_peak_bytes": memory["tracemalloc_peak_bytes"],
            "ru_maxrss_bytes": timed["ru_maxrss_bytes"],
            "rss_after_imports_bytes": timed["rss_after_imports_bytes"],
            "rss_after_cold_run_bytes": timed["rss_after_cold_bytes"],
            "ru_maxrss_x_imports": timed["ru_maxrss_bytes"] / timed["rss_after_imports_bytes"],
        },
    )
    return info


def parse_flat(spec: str) -> tuple[int, tuple[str, ...]]:
    """``"1000:all"`` -> (1000, RISKS); ``"5000:hrp"`` -> (5000, ("hrp",))."""
    count, _, names = spec.partition(":")
    risks = RISKS if names in ("", "all") else tuple(r for r in names.split(",") if r)
    unknown = sorted(set(risks) - set(RISKS))
    if unknown or not count.isdigit():
        raise SystemExit(f"--flat {spec!r}: expected N:all or N:<risk>[,<risk>] of {RISKS}")
    return int(count), risks


def measure_flat(workspace: Path, n: int, days: int, risks: tuple[str, ...]) -> dict[str, Any]:
    start = time.perf_counter()
    info = generate_workspace(workspace, n, days, flat=True, risks=risks)
    info["generate_seconds"] = time.perf_counter() - start
    timed = _spawn(workspace, "flat:" + ",".join(risks))
    cold, unit = timed["cold"], timed["np_cov_1000x2520"]
    seconds, rss = FLAT_TARGETS.get((n, len(risks)), (None, None))
    info.update(
        cold=cold,
        np_cov_1000x2520=unit,
        total_x_cov=cold["total"] / unit,
        ru_maxrss_bytes=timed["ru_maxrss_bytes"],
        tree_peak_rss_bytes=timed["tree_peak_rss_bytes"],
        rss_after_imports_bytes=timed["rss_after_imports_bytes"],
        targets={"seconds": seconds, "ru_maxrss_bytes": rss, "report_bytes": REPORT_LIMIT},
    )
    return info


def render_flat(results: dict[str, dict[str, Any]]) -> str:
    """One block per flat shape: each measurement beside its target and the same-run unit."""
    lines = []
    for label, r in results.items():
        cold, target = r["cold"], r["targets"]
        unit = r["np_cov_1000x2520"]

        def verdict(value: float, limit: float | None) -> str:
            return "" if limit is None else ("  ok" if value <= limit else "  MISSED")

        lines.append(
            f"flat {label}: {r['sleeves']} sleeves x {r['days']} days x "
            f"{len(r['risk_profiles'])} risk profile(s) {','.join(r['risk_profiles'])}"
        )
        limit_s = target["seconds"]
        lines.append(
            f"  cold total        {cold['total']:9.2f} s  target "
            f"{'-' if limit_s is None else f'{limit_s:.0f} s'}"
            f"  baseline np.cov 1000x2520 {unit:.4f} s ({cold['total'] / unit:.0f}x)"
            + verdict(cold["total"], limit_s)
        )
        limit_m = target["ru_maxrss_bytes"]
        peak = max(r["ru_maxrss_bytes"], r.get("tree_peak_rss_bytes", 0))
        lines.append(
            f"  peak RSS          {peak / 2**20:9.0f} MiB target "
            f"{'-' if limit_m is None else f'{limit_m / 2**20:.0f} MiB'}"
            f"  (run with its figure worker; the run alone {r['ru_maxrss_bytes'] / 2**20:.0f}"
            f" MiB, after imports {r['rss_after_imports_bytes'] / 2**20:.0f} MiB)"
            + verdict(peak, limit_m)
        )
        lines.append(
            f"  report            {cold['report_bytes'] / 1e3:9.1f} kB  target "
            f"{target['report_bytes'] / 2**20:.0f} MiB  figures {cold['figure_bytes'] / 1e3:.1f} kB"
            + verdict(cold["report_bytes"], target["report_bytes"])
        )
        for stage in STAGES:
            seconds = cold["stages"][stage]
            lines.append(f"    {stage:<22}{seconds:9.3f} s {seconds / unit:8.1f}x np.cov")
    return "\n".join(lines)


def render_table(results: dict[str, dict[str, Any]]) -> str:
    sizes = list(results)
    lines = [f"{'stage (cold run)':<26}" + "".join(f"{n + ' sleeves':>24}" for n in sizes)]

    def row(label: str, values: list[tuple[float, float]]) -> None:
        cells = "".join(f"{f'{s:8.3f} s {r:7.2f}x':>24}" for s, r in values)
        lines.append(f"{label:<26}{cells}")

    first = results[sizes[0]]["runs"]["cold"]
    for stage in STAGES:
        row(
            stage,
            [
                (r["runs"]["cold"]["stages"][stage], r["runs"]["cold"]["x_cov"][stage])
                for r in results.values()
            ],
        )
    for method in first["optimize"]:
        row(
            f"  optimize {method}",
            [
                (r["runs"]["cold"]["optimize"][method], r["runs"]["cold"]["optimize_x_cov"][method])
                for r in results.values()
            ],
        )
    for label in ("cold", "warm", "no_cache"):
        if label in results[sizes[0]]["runs"]:
            row(
                f"TOTAL {label}",
                [
                    (r["runs"][label]["total"], r["runs"][label]["total_x_cov"])
                    for r in results.values()
                ],
            )
    lines.append("")
    lines.append(f"{'baselines / memory':<26}" + "".join(f"{n + ' sleeves':>24}" for n in sizes))

    def plain(label: str, cells: list[str]) -> None:
        lines.append(f"{label:<26}" + "".join(f"{c:>24}" for c in cells))

    plain(
        "np.cov 1000x2520",
        [f"{r['baselines']['np_cov_1000x2520']:.4f} s" for r in results.values()],
    )
    plain(
        "pickle.load all", [f"{r['baselines']['pickle_load_all']:.3f} s" for r in results.values()]
    )
    plain("load / pickle.load", [f"{r['load_x_pickle_load']:.2f}x" for r in results.values()])
    alone = [r["baselines"]["hrp_alone"] for r in results.values()]
    plain("hrp alone (s, x np.cov)", [f"{a['seconds']:.4f} s {a['x_np_cov']:.2f}x" for a in alone])
    plain(
        "peak RSS", [f"{r['memory']['ru_maxrss_bytes'] / 2**20:.0f} MiB" for r in results.values()]
    )
    plain(
        "RSS after imports",
        [f"{r['memory']['rss_after_imports_bytes'] / 2**20:.0f} MiB" for r in results.values()],
    )
    plain(
        "tracemalloc peak",
        [f"{r['memory']['tracemalloc_peak_bytes'] / 2**20:.0f} MiB" for r in results.values()],
    )
    plain(
        "files read (reads)",
        [
            f"{r['runs']['cold']['distinct_files_read']} ({r['runs']['cold']['reads']})"
            for r in results.values()
        ],
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="comma-separated sleeve counts")
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: 10 sleeves, {QUICK_DAYS} days (no figures drawn but in --flat shapes)",
    )
    parser.add_argument(
        "--flat",
        action="append",
        default=[],
        metavar="N:RISKS",
        help="also measure a flat profile of N sleeves (RISKS: all, or e.g. hrp); repeatable",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--keep", type=Path, default=None, help="generate workspaces under DIR")
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "WORKSPACE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        mode, workspace = args.worker
        print(json.dumps(worker(Path(workspace), mode)))
        return 0
    if args.quick:  # the workers inherit it
        os.environ["BENCH_DRAW_FIGURES"] = "0"
    sizes = [10] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    days = QUICK_DAYS if args.quick else args.days
    parent = args.keep or Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    results: dict[str, dict[str, Any]] = {}
    flat: dict[str, dict[str, Any]] = {}
    try:
        for n in sizes:
            print(f"... {n} sleeves x {days} days x {len(RISKS)} risk profiles", file=sys.stderr)
            results[str(n)] = measure(parent / f"ws_{n}", n, days)
        for spec in args.flat:
            n, risks = parse_flat(spec)
            label = f"{n}:{','.join(risks)}"
            print(f"... flat {n} sleeves x {days} days x {risks}", file=sys.stderr)
            flat[label] = measure_flat(parent / f"flat_{n}_{len(risks)}", n, days, risks)
            shutil.rmtree(parent / f"flat_{n}_{len(risks)}", ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(parent, ignore_errors=True)
    if results:
        print(render_table(results))
    if flat:
        print(render_flat(flat))
    if args.json is not None:
        document = {
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "numpy": np.__version__,
                "pandas": pd.__version__,
                "platform": platform.platform(),
            },
            "stages": list(STAGES),
            "sizes": results,
            "flat": flat,
        }
        args.json.write_text(
            json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
