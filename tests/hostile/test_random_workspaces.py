"""Random valid workspaces through the canonical runner (issue 7, item 3).

hypothesis draws a workspace description (2-6 sleeves with 5-day or 7-day calendars that overlap,
some NaN days, some tz-aware indexes, optionally one nested branch, feasible random bounds, long
and short sleeve weights, one or two risk profiles); the test writes it to a temporary folder,
runs it, and checks the invariants against values recomputed here from the inputs:

* the calendar of every meta profile is exactly the intersection of its leaves' valid dates;
* weights lie within their bounds and sum to 1 (1e-12);
* flattened nets conserve: their sum equals ``sum_s w_s * sum_a net_{s,a}`` (recursively);
* every artifact parses (JSON, pickles, the hash-chained ledger);
* a rerun with the same run id and ``SOURCE_DATE_EPOCH`` into a copy of the input workspace gives
  byte-identical artifacts.
"""

from __future__ import annotations

import json
import math
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradingview_scraper.harness.cases import chain_check
from tradingview_scraper.meta.artifacts import artifact_names
from tradingview_scraper.pipeline import MetaRun, run_meta_pipeline
from tradingview_scraper.settings import Settings

EPOCH = "1767225600"
RUN_ID = "prop_run"
RUNS = "data/artifacts/summaries/runs"
BASE = pd.Timestamp("2025-01-01")
ROOT, BRANCH = "meta_root", "meta_branch"
SYMBOLS = (
    "BINANCE:BTCUSDT",
    "BINANCE:ETHUSDT",
    "NASDAQ:AAPL",
    "NASDAQ:MSFT",
    "FX_IDC:EURUSD",
    "FX_IDC:USDJPY",
)
ALLOCATORS = ("equal_weight", "erc", "hrp", "inverse_volatility", "min_variance")
TOL = 1e-12


@dataclass(frozen=True)
class Sleeve:
    id: str
    seven_day: bool  # 7-day (crypto) calendar, else Monday-Friday
    start: int  # first calendar day after BASE
    days: int  # calendar days spanned
    seed: int
    vol: float
    nan_at: tuple[int, ...]  # positions whose return is NaN
    tz: str | None  # pickled index time zone (noon local time), or naive midnight
    nets: tuple[tuple[str, float], ...]  # physical symbol -> signed net weight
    limit: tuple[float, float] | None  # weight_limit in its profile


@dataclass(frozen=True)
class Workspace:
    risks: tuple[str, ...]
    alignment: str
    root: tuple[Sleeve, ...]  # atomic sleeves of the root
    branch: tuple[Sleeve, ...]  # leaves of the nested branch (empty: no nesting)
    branch_limit: tuple[float, float] | None

    @property
    def leaves(self) -> tuple[Sleeve, ...]:
        return self.root + self.branch


def _limits(draw: st.DrawFn, count: int) -> list[tuple[float, float] | None]:
    """Feasible bounds: sum(lo) <= 0.9 and sum(hi) >= 1.1 whatever is drawn."""
    fair = 1.0 / count
    out: list[tuple[float, float] | None] = []
    for _ in range(count):
        if not draw(st.booleans()):
            out.append(None)
            continue
        lo = draw(st.floats(0.0, 0.9 * fair))
        hi = draw(st.floats(min(1.0, 1.1 * fair), 1.0))
        out.append((round(lo, 6), round(hi, 6)))
    return out


def _sleeve(draw: st.DrawFn, sleeve_id: str, limit: tuple[float, float] | None) -> Sleeve:
    days = draw(st.integers(60, 90))
    chosen = draw(st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=4, unique=True))
    nets = tuple(
        (symbol, draw(st.sampled_from((-1.0, 1.0))) * draw(st.floats(0.01, 1.0)))
        for symbol in chosen
    )
    return Sleeve(
        id=sleeve_id,
        seven_day=draw(st.booleans()),
        start=draw(st.integers(0, 10)),
        days=days,
        seed=draw(st.integers(0, 2**32 - 1)),
        vol=draw(st.sampled_from((0.005, 0.01, 0.02, 0.04))),
        nan_at=tuple(draw(st.lists(st.integers(0, 40), max_size=3, unique=True))),
        tz=draw(st.sampled_from((None, None, "UTC", "Asia/Tokyo"))),
        nets=nets,
        limit=limit,
    )


@st.composite
def workspaces(draw: st.DrawFn) -> Workspace:
    count = draw(st.integers(2, 6))
    nested = count >= 3 and draw(st.booleans())
    leaves_in_branch = draw(st.integers(2, count - 1)) if nested else 0
    in_root = count - leaves_in_branch
    root_limits = _limits(draw, in_root + (1 if nested else 0))
    branch_limits = _limits(draw, leaves_in_branch) if nested else []
    root = tuple(_sleeve(draw, f"s{i}", root_limits[i]) for i in range(in_root))
    branch = tuple(
        _sleeve(draw, f"s{in_root + i}", branch_limits[i]) for i in range(leaves_in_branch)
    )
    risks = tuple(draw(st.lists(st.sampled_from(ALLOCATORS), min_size=1, max_size=2, unique=True)))
    return Workspace(
        risks=risks,
        alignment=draw(st.sampled_from(("intersect", "compound"))),
        root=root,
        branch=branch,
        branch_limit=root_limits[-1] if nested else None,
    )


# ----------------------------------------------------------------------------- writing


def raw_series(sleeve: Sleeve) -> pd.Series:
    days = pd.date_range(BASE + pd.Timedelta(days=sleeve.start), periods=sleeve.days, freq="D")
    if not sleeve.seven_day:
        days = days[days.day_of_week < 5]
    values = np.random.default_rng(sleeve.seed).normal(0.0005, sleeve.vol, len(days))
    values[[i for i in sleeve.nan_at if i < len(values)]] = np.nan
    index = pd.DatetimeIndex(days, name="date")
    if sleeve.tz is not None:
        index = (index + pd.Timedelta(hours=12)).tz_localize(sleeve.tz)
    return pd.Series(values, index=index, name="return")


def valid_days(sleeve: Sleeve) -> pd.DatetimeIndex:
    """The sleeve's dates as the contract normalizes them, NaN days dropped."""
    series = raw_series(sleeve)
    index = pd.DatetimeIndex(series.index)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return pd.DatetimeIndex(index.normalize()[series.notna().to_numpy()])


def _sleeve_entry(sleeve: Sleeve) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": sleeve.id, "profile": sleeve.id}
    if sleeve.limit is not None:
        entry["weight_limit"] = list(sleeve.limit)
    return entry


def write_workspace(spec: Workspace, root: Path) -> None:
    profiles: dict[str, Any] = {
        ROOT: {
            "sleeves": [_sleeve_entry(s) for s in spec.root],
            "meta_allocation": {"risk_profiles": list(spec.risks), "min_observations": 10},
            "calendar": {"alignment": spec.alignment},
        }
    }
    if spec.branch:
        branch_entry: dict[str, Any] = {"id": "branch", "meta_profile": BRANCH}
        if spec.branch_limit is not None:
            branch_entry["weight_limit"] = list(spec.branch_limit)
        profiles[ROOT]["sleeves"].append(branch_entry)
        profiles[BRANCH] = {
            "sleeves": [_sleeve_entry(s) for s in spec.branch],
            "meta_allocation": {"risk_profiles": list(spec.risks), "min_observations": 10},
            "calendar": {"alignment": spec.alignment},
        }
    (root / "configs").mkdir(parents=True)
    (root / "configs" / "manifest.json").write_text(json.dumps({"profiles": profiles}, indent=2))
    for sleeve in spec.leaves:
        run_id = f"{sleeve.id}_20260101-000000"
        run = root / RUNS / run_id
        (run / "config").mkdir(parents=True)
        (run / "data" / "returns").mkdir(parents=True)
        created = {"profile": sleeve.id, "run_id": run_id, "created_at": "2026-01-01T00:00:00"}
        (run / "config" / "resolved_manifest.json").write_text(json.dumps(created))
        ledger = [{"type": "genesis", "run_id": run_id, "profile": sleeve.id, "ts": "2026-01-01"}]
        for risk in spec.risks:
            for window in range(4):
                params = {"window_index": window, "engine": "custom", "profile": risk}
                ledger.append(
                    {"type": "action", "status": "intent", "step": "backtest_optimize"}
                    | {"intent": {"params": params}}
                )
                ledger.append(
                    {"type": "action", "status": "success", "step": "backtest_optimize"}
                    | {"context": params}
                )
        (run / "audit.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ledger))
        data = pickle.dumps(raw_series(sleeve), protocol=4)
        assets = [
            {
                "Symbol": symbol,
                "Net_Weight": net,
                "Weight": abs(net),
                "Direction": "SHORT" if net < 0 else "LONG",
            }
            for symbol, net in sleeve.nets
        ]
        weights = {"profiles": {risk: {"assets": assets} for risk in spec.risks}}
        for risk in spec.risks:
            (run / "data" / "returns" / f"custom_vectorbt_{risk}.pkl").write_bytes(data)
        (run / "data" / "portfolio_flattened.json").write_text(json.dumps(weights))


def run(workspace: Path) -> MetaRun:
    return run_meta_pipeline(
        Settings.for_workspace(workspace),
        ROOT,
        run_id=RUN_ID,
        environ={"SOURCE_DATE_EPOCH": EPOCH},
    )


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tv-prop-") as name:
        yield Path(name)


# ----------------------------------------------------------------------------- invariants


def _weights(data: Path, profile: str, risk: str) -> dict[str, dict[str, Any]]:
    doc = json.loads((data / artifact_names(profile, risk)["optimized"]).read_text())
    return {row["Symbol"]: row for row in doc["weights"]}


def _bounds(sleeve: Sleeve) -> tuple[float, float]:
    return sleeve.limit if sleeve.limit is not None else (0.0, 1.0)


def check_profile(data: Path, risk: str, profile: str, members: dict[str, tuple[float, float]]):  # type: ignore[no-untyped-def]
    rows = _weights(data, profile, risk)
    assert set(rows) == set(members)
    total = math.fsum(row["Weight"] for row in rows.values())
    assert abs(total - 1.0) <= TOL, total
    for sleeve_id, (lo, hi) in members.items():
        weight = rows[sleeve_id]["Weight"]
        assert lo - TOL <= weight <= hi + TOL, (sleeve_id, weight, lo, hi)
    return {sleeve_id: row["Weight"] for sleeve_id, row in rows.items()}


def check_invariants(spec: Workspace, result: MetaRun) -> None:
    data = result.run_dir / "data"
    root_members = {s.id: _bounds(s) for s in spec.root}
    if spec.branch:
        root_members["branch"] = spec.branch_limit or (0.0, 1.0)
    for risk in spec.risks:
        # calendar: exactly the intersection of the leaves' valid dates, sorted
        for profile, leaves in ((ROOT, spec.leaves), (BRANCH, spec.branch)):
            if not leaves:
                continue
            expected = valid_days(leaves[0])
            for sleeve in leaves[1:]:
                expected = expected.intersection(valid_days(sleeve))
            frame = pd.read_pickle(data / artifact_names(profile, risk)["returns"])
            assert list(frame.index) == list(expected.sort_values())
            assert all(dtype == np.float64 for dtype in frame.dtypes)
        # weights within bounds and summing to one; nets conserve through the branch
        weights = check_profile(data, risk, ROOT, root_members)
        expected_net = math.fsum(weights[s.id] * math.fsum(n for _, n in s.nets) for s in spec.root)
        # a sleeve with weight 0 holds nothing: its assets do not appear (DESIGN 3.3)
        by_symbol: dict[str, list[float]] = {}
        for sleeve in spec.root:
            for symbol, net in sleeve.nets:
                if weights[sleeve.id] != 0.0:
                    by_symbol.setdefault(symbol, []).append(weights[sleeve.id] * net)
        if spec.branch:
            inner = check_profile(data, risk, BRANCH, {s.id: _bounds(s) for s in spec.branch})
            outer = weights["branch"]
            expected_net += outer * math.fsum(
                inner[s.id] * math.fsum(n for _, n in s.nets) for s in spec.branch
            )
            for sleeve in spec.branch:
                for symbol, net in sleeve.nets:
                    if outer != 0.0 and inner[sleeve.id] != 0.0:
                        by_symbol.setdefault(symbol, []).append(outer * inner[sleeve.id] * net)
        flat = json.loads((data / artifact_names(ROOT, risk)["flattened"]).read_text())
        nets = {row["Symbol"]: row["Net_Weight"] for row in flat["weights"]}
        assert abs(math.fsum(nets.values()) - expected_net) <= TOL
        assert set(nets) == set(by_symbol)
        for symbol, parts in by_symbol.items():
            assert abs(nets[symbol] - math.fsum(parts)) <= TOL, symbol
    # artifacts parse
    for path in sorted(result.run_dir.rglob("*")):
        if path.suffix == ".json":
            assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 1
        elif path.suffix == ".pkl":
            assert isinstance(pd.read_pickle(path), pd.DataFrame)  # our own output
    ledger = (result.run_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in ledger]
    assert chain_check(records) == {"records": len(ledger), "verified": True}
    assert (result.run_dir / "reports" / "meta_portfolio_report.md").stat().st_size > 0


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=workspaces())
def test_random_workspace_invariants_and_byte_identical_rerun(spec: Workspace) -> None:
    with scratch() as tmp:
        first, second = tmp / "first", tmp / "second"
        write_workspace(spec, first)
        shutil.copytree(first, second, symlinks=True)
        result = run(first)
        check_invariants(spec, result)
        again = run(second)
        assert files(again.run_dir) == files(result.run_dir)
