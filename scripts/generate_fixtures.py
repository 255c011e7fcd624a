#!/usr/bin/env python3
"""Write the checked-in fixture workspaces and the built-in demo workspace, deterministically.

    python scripts/generate_fixtures.py            # rewrite fixtures/workspaces and the demo
    python scripts/generate_fixtures.py --out DIR  # write them under DIR instead (for comparison)

Every stream comes from ``numpy.random.default_rng(seed)`` with a fixed seed per sleeve, so
regenerating reproduces the checked-in files byte for byte (a test checks this). The
``upstream_benchmark`` case copies the real upstream streams from
``../shared/data/upstream_meta_benchmark_returns.csv`` (its README explains them); the
``upstream_manifest`` case copies ``../shared/data/upstream_manifest.json`` verbatim and
generates a run for every sleeve its meta profiles name.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED_CSV = REPO.parent / "shared" / "data" / "upstream_meta_benchmark_returns.csv"
SHARED_MANIFEST = REPO.parent / "shared" / "data" / "upstream_manifest.json"
RUNS = Path("data/artifacts/summaries/runs")


def dump(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, sort_keys=True, indent=2) + "\n", encoding="utf-8")


def crypto_days(start: str, n: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="D")


def tradfi_days(start: str, n: int) -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


def stream(seed: int, index: pd.DatetimeIndex, mu: float, sigma: float) -> pd.Series:
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(mu, sigma, len(index)), 10)
    return pd.Series(values, index=index)


def write_returns(path: Path, series: pd.Series) -> None:
    """``date,return`` rows; a tz-aware index as ``date[<zone>]`` with local wall times."""
    path.parent.mkdir(parents=True, exist_ok=True)
    index = pd.DatetimeIndex(series.index)
    zone = None if index.tz is None else str(index.tz)
    timed = zone is not None or bool((index != index.normalize()).any())
    lines = ["date,return" if zone is None else f"date[{zone}],return"]
    for when, value in zip(index.tz_localize(None), series.to_numpy(), strict=True):
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S" if timed else "%Y-%m-%d")
        lines.append(f"{stamp},{'' if np.isnan(value) else repr(float(value))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Sleeve:
    """One atomic sleeve run folder."""

    run_id: str
    profile: str
    created_at: str | None
    streams: dict[str, pd.Series]  # risk profile -> returns
    assets: dict[str, list[tuple[str, float]]]  # risk profile -> (symbol, net)
    windows: int = 8
    failed: dict[str, int] = field(default_factory=dict)  # risk profile -> failed windows
    engine: str = "custom"
    simulator: str = "vectorbt"
    weights_file: str = "portfolio_flattened.json"
    ledger: bool = True
    anomaly: bool = False
    genesis_ts: str | None = None  # default: created_at; "" writes a genesis without ts
    extra_files: dict[str, pd.Series] = field(default_factory=dict)  # "<eng>_<sim>_<risk>" ->
    foreign: list[tuple[str, str, int, int]] = field(default_factory=list)  # engine, risk, n, ok

    def write(self, root: Path) -> None:
        run = root / RUNS / self.run_id
        resolved: dict[str, str] = {"profile": self.profile, "run_id": self.run_id}
        if self.created_at:
            resolved["created_at"] = self.created_at
        dump(run / "config" / "resolved_manifest.json", resolved)
        for risk, series in sorted(self.streams.items()):
            name = f"{self.engine}_{self.simulator}_{risk}.csv"
            write_returns(run / "data" / "returns" / name, series)
        for stem, series in sorted(self.extra_files.items()):
            write_returns(run / "data" / "returns" / f"{stem}.csv", series)
        profiles = {}
        for risk, rows in sorted(self.assets.items()):
            assets = []
            for symbol, net in rows:
                direction = "SHORT" if net < 0 else "LONG"
                if self.weights_file == "portfolio_optimized_v2.json":
                    # upstream wrote shorts as synthetic longs in the v2 file
                    assets.append(
                        {
                            "Symbol": symbol,
                            "Weight": abs(net),
                            "Net_Weight": abs(net),
                            "Direction": "LONG",
                        }
                    )
                else:
                    assets.append(
                        {
                            "Symbol": symbol,
                            "Weight": abs(net),
                            "Net_Weight": net,
                            "Direction": direction,
                        }
                    )
            profiles[risk] = {"assets": assets}
        dump(run / "data" / self.weights_file, {"profiles": profiles})
        if self.ledger:
            self.write_ledger(run / "audit.jsonl")

    def write_ledger(self, path: Path) -> None:
        ts = self.genesis_ts
        if ts is None:
            ts = (self.created_at or "2026-01-01T00:00:00").replace("Z", "")
        genesis: dict[str, object] = {"type": "genesis", "run_id": self.run_id}
        genesis.update({"profile": self.profile, **({"ts": ts} if ts else {})})
        records: list[dict[str, object]] = [genesis]
        plan = [(self.engine, r, self.windows, self.failed.get(r, 0)) for r in sorted(self.streams)]
        plan += [(engine, r, n, n - ok) for engine, r, n, ok in self.foreign]
        for engine, risk, windows, failed in plan:
            for window in range(windows):
                params = {"window_index": window, "engine": engine, "profile": risk}
                records.append(
                    {
                        "type": "action",
                        "status": "intent",
                        "step": "backtest_optimize",
                        "intent": {"params": params},
                    }
                )
                if window < windows - failed:
                    records.append(
                        {
                            "type": "action",
                            "status": "success",
                            "step": "backtest_optimize",
                            "context": params,
                        }
                    )
                    sharpe = 12.5 if self.anomaly and window == 0 else 1.0 + 0.1 * window
                    records.append(
                        {
                            "type": "action",
                            "status": "success",
                            "step": "backtest_simulate",
                            "context": params,
                            "outcome": {
                                "metrics": {
                                    "sharpe": sharpe,
                                    "annualized_vol": 0.3,
                                    "annualized_return": 0.3 * sharpe,
                                }
                            },
                        }
                    )
                else:
                    records.append(
                        {
                            "type": "action",
                            "status": "error",
                            "step": "backtest_optimize",
                            "context": params,
                            "outcome": {"metrics": {"error": "solver failed"}},
                        }
                    )
        path.write_text(
            "".join(json.dumps(r, sort_keys=True) + "\n" for r in records), encoding="utf-8"
        )


@dataclass
class Workspace:
    name: str
    manifest: dict[str, object]
    sleeves: list[Sleeve]
    case: dict[str, object] | None = None  # None for the demo
    extra: Callable[[Path], None] | None = None

    def write(self, root: Path) -> None:
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        dump(root / "configs" / "manifest.json", {"profiles": self.manifest})
        for sleeve in self.sleeves:
            sleeve.write(root)
        if self.extra is not None:
            self.extra(root)
        if self.case is not None:
            dump(root / "case.json", self.case)


def case(
    description: str,
    profile: str,
    risks: list[str],
    run_id: str | None = "golden_run",
    error: tuple[str, str] | None = None,
    draw_figures: bool = False,
    cached_rerun: bool = False,
    cli_run: bool = False,
) -> dict[str, object]:
    """A case.json; ``draw_figures``: the goldens also describe each figure as drawn
    (``<case>.drawn``, harness/figure_digest.py); ``cached_rerun``: the case runs a second
    time from the return-matrix cache (``<case>.cache``); ``cli_run``: it also runs through
    ``tv-meta run`` as a user types it (``<case>.cli``)."""
    expect: dict[str, object] = {"outcome": "success"}
    if error is not None:
        expect = {"outcome": "error", "error_type": error[0], "message_pattern": error[1]}
    out: dict[str, object] = {
        "description": description,
        "meta_profile": profile,
        "risk_profiles": risks,
        "run_id": run_id,
        "expect": expect,
    }
    if draw_figures:
        out["draw_figures"] = True
    if cached_rerun:
        out["cached_rerun"] = True
    if cli_run:
        out["cli_run"] = True
    return out


def simple_sleeve(
    run_id: str,
    profile: str,
    seed: int,
    index: pd.DatetimeIndex,
    risks: list[str],
    assets: list[tuple[str, float]],
    sigma: float = 0.01,
    created_at: str = "2026-01-05T12:00:00",
    **kwargs: object,
) -> Sleeve:
    streams = {
        risk: stream(seed + i, index, 0.0005, sigma * (1 + 0.1 * i)) for i, risk in enumerate(risks)
    }
    return Sleeve(run_id, profile, created_at, streams, {r: assets for r in risks}, **kwargs)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------- cases


def demo() -> Workspace:
    crypto = crypto_days("2025-09-01", 120)
    tradfi = tradfi_days("2025-09-01", 86)
    risks = ["hrp", "erc", "min_variance"]
    sleeves = [
        simple_sleeve(
            "crypto_trend_20260105-120000",
            "crypto_trend",
            11,
            crypto,
            risks,
            [("BINANCE:BTCUSDT", 0.6), ("BINANCE:ETHUSDT", 0.4)],
            sigma=0.03,
        ),
        simple_sleeve(
            "crypto_trend_20251201-090000",
            "crypto_trend",
            99,
            crypto,
            risks,
            [("BINANCE:BTCUSDT", 1.0)],
            sigma=0.03,
            created_at="2025-12-01T09:00:00",
        ),
        simple_sleeve(
            "tradfi_value_20260104-080000",
            "tradfi_value",
            21,
            tradfi,
            risks,
            [("NASDAQ:AAPL", 0.5), ("NYSE:XOM", 0.3), ("NASDAQ:TSLA", -0.2)],
            sigma=0.012,
            created_at="2026-01-04T08:00:00",
        ),
        simple_sleeve(
            "fx_carry_20260103-070000",
            "fx_carry",
            31,
            tradfi,
            risks,
            [("FX_IDC:EURUSD", -0.5), ("FX_IDC:USDJPY", 0.5)],
            sigma=0.006,
            created_at="2026-01-03T07:00:00",
        ),
        simple_sleeve(
            "rates_20260103-070000",
            "rates_momentum",
            41,
            tradfi,
            risks,
            [("CBOT:ZN1!", 0.7), ("NASDAQ:AAPL", 0.3)],
            sigma=0.004,
            created_at="2026-01-03T07:00:00",
        ),
    ]
    manifest = {
        "meta_demo": {
            "description": "Demo: crypto trend + TradFi value + a nested macro branch",
            "sleeves": [
                {"id": "crypto", "profile": "crypto_trend"},
                {"id": "tradfi", "profile": "tradfi_value", "weight_limit": [0.2, 0.6]},
                {"id": "macro", "meta_profile": "meta_macro"},
            ],
            "meta_allocation": {"risk_profiles": risks, "min_weight": 0.05, "max_weight": 0.8},
            "health": {"min_success_ratio": 0.75, "min_sleeves": 2},
        },
        "meta_macro": {
            "description": "FX carry + rates momentum",
            "sleeves": [
                {"id": "fx", "profile": "fx_carry"},
                {"id": "rates", "profile": "rates_momentum"},
            ],
            "meta_allocation": {"risk_profiles": risks},
        },
        "crypto_trend": {"description": "an atomic profile (ignored by the meta pipeline)"},
    }
    return Workspace("demo", manifest, sleeves)


def basic_cases() -> list[Workspace]:
    crypto = crypto_days("2025-10-01", 60)
    tradfi = tradfi_days("2025-10-01", 60)
    out = []
    out.append(
        Workspace(
            "two_sleeves",
            {
                "meta_two": {
                    "sleeves": [
                        {"id": "alpha", "profile": "alpha"},
                        {"id": "beta", "profile": "beta"},
                    ]
                }
            },
            [
                simple_sleeve(
                    "alpha_20260101-000000",
                    "alpha",
                    101,
                    crypto,
                    ["hrp"],
                    [("BINANCE:BTCUSDT", 0.7), ("BINANCE:ETHUSDT", 0.3)],
                    sigma=0.02,
                ),
                simple_sleeve(
                    "beta_20260101-000000",
                    "beta",
                    202,
                    crypto,
                    ["hrp"],
                    [("BINANCE:SOLUSDT", 1.0)],
                    sigma=0.01,
                ),
            ],
            case(
                "Two crypto sleeves, HRP: the basic artifact contract; no run id given, so the "
                "runner names the run meta_two_20260101-000000 (profile and golden clock).",
                "meta_two",
                ["hrp"],
                run_id=None,
            ),
        )
    )
    for alignment in ("intersect", "compound"):
        out.append(
            Workspace(
                f"calendar_{alignment}",
                {
                    "meta_cal": {
                        "sleeves": [
                            {"id": "crypto", "profile": "crypto"},
                            {"id": "tradfi", "profile": "tradfi"},
                        ],
                        "meta_allocation": {"risk_profiles": ["hrp", "equal_weight"]},
                        "calendar": {"alignment": alignment},
                    }
                },
                [
                    simple_sleeve(
                        "crypto_20260101-000000",
                        "crypto",
                        303,
                        crypto,
                        ["hrp", "equal_weight"],
                        [("BINANCE:BTCUSDT", 1.0)],
                        sigma=0.03,
                    ),
                    simple_sleeve(
                        "tradfi_20260101-000000",
                        "tradfi",
                        404,
                        tradfi,
                        ["hrp", "equal_weight"],
                        [("NYSE:SPY", 1.0)],
                        sigma=0.01,
                    ),
                ],
                case(
                    f"7-day crypto + 5-day TradFi, alignment {alignment}: no weekend rows"
                    + (", weekend PnL compounded into Monday." if alignment == "compound" else "."),
                    "meta_cal",
                    ["hrp", "equal_weight"],
                ),
            )
        )
    risks = ["hrp", "inverse_volatility", "min_variance"]
    out.append(
        Workspace(
            "bounds_binding",
            {
                "meta_bounds": {
                    "sleeves": [
                        {"id": "calm", "profile": "calm"},
                        {"id": "mid", "profile": "mid"},
                        {"id": "wild", "profile": "wild", "weight_limit": [0.15, 0.3]},
                        {"id": "wilder", "profile": "wilder"},
                    ],
                    "meta_allocation": {
                        "risk_profiles": risks,
                        "min_weight": 0.1,
                        "max_weight": 0.45,
                    },
                }
            },
            [
                simple_sleeve(
                    f"{name}_20260101-000000",
                    name,
                    seed,
                    tradfi,
                    risks,
                    [(f"NYSE:{name.upper()}", 1.0)],
                    sigma=sigma,
                )
                for name, seed, sigma in (
                    ("calm", 505, 0.002),
                    ("mid", 606, 0.01),
                    ("wild", 707, 0.04),
                    ("wilder", 808, 0.05),
                )
            ],
            case(
                "Binding min_weight/max_weight and a per-sleeve weight_limit.", "meta_bounds", risks
            ),
        )
    )
    return out


def nested_and_signs() -> list[Workspace]:
    days = crypto_days("2025-11-01", 50)
    risks = ["hrp", "erc"]
    shared = [("BINANCE:BTCUSDT", 0.5), ("BINANCE:ETHUSDT", 0.5)]
    out = [
        Workspace(
            "nested_depth2",
            {
                "meta_root": {
                    "sleeves": [
                        {"id": "core", "profile": "core"},
                        {"id": "branch", "meta_profile": "meta_branch"},
                    ],
                    "meta_allocation": {"risk_profiles": risks},
                    # upstream feature flags, accepted and listed as ignored (two here, one in
                    # the branch: the report joins names with ", " and profiles with "; ")
                    "features": {
                        "feat_directional_returns": True,
                        "feat_directional_sign_test_gate": False,
                    },
                },
                "meta_branch": {
                    "sleeves": [
                        {"id": "leaf_a", "profile": "leaf_a"},
                        {"id": "leaf_b", "profile": "leaf_b"},
                    ],
                    "meta_allocation": {"risk_profiles": risks, "linkage": "ward"},
                    "features": {"feat_directional_returns": True},
                },
            },
            [
                simple_sleeve(
                    "core_20260101-000000", "core", 1001, days, risks, shared, sigma=0.02
                ),
                simple_sleeve(
                    "leaf_a_20260101-000000",
                    "leaf_a",
                    1002,
                    days,
                    risks,
                    [("BINANCE:BTCUSDT", 0.8), ("BINANCE:SOLUSDT", 0.2)],
                    sigma=0.015,
                ),
                simple_sleeve(
                    "leaf_b_20260101-000000",
                    "leaf_b",
                    1003,
                    days,
                    risks,
                    [("BINANCE:ETHUSDT", 1.0)],
                    sigma=0.025,
                ),
            ],
            case(
                "Depth-2 nested meta whose branches share physical assets; run again from the "
                "return-matrix cache (a nested node's key holds its branch's key).",
                "meta_root",
                risks,
                cached_rerun=True,
            ),
        )
    ]
    tradfi = tradfi_days("2025-11-03", 40)
    out.append(
        Workspace(
            "shorts_fx",
            {
                "meta_signs": {
                    "sleeves": [
                        {"id": "fx", "profile": "fx"},
                        {"id": "equity", "profile": "equity"},
                        {"id": "hedge", "profile": "hedge"},
                    ],
                    "meta_allocation": {"risk_profiles": ["inverse_volatility"]},
                }
            },
            [
                simple_sleeve(
                    "fx_20260101-000000",
                    "fx",
                    2001,
                    tradfi,
                    ["inverse_volatility"],
                    [("FX_IDC:EURUSD", -0.6), ("FX_IDC:GBPUSD", 0.4)],
                    sigma=0.005,
                    weights_file="portfolio_optimized_v2.json",
                ),
                simple_sleeve(
                    "equity_20260101-000000",
                    "equity",
                    2002,
                    tradfi,
                    ["inverse_volatility"],
                    [("NASDAQ:AAPL", 0.7), ("FX_IDC:EURUSD", 0.3)],
                    sigma=0.01,
                ),
                simple_sleeve(
                    "hedge_20260101-000000",
                    "hedge",
                    2003,
                    tradfi,
                    ["inverse_volatility"],
                    [("NASDAQ:AAPL", -1.0)],
                    sigma=0.008,
                ),
            ],
            case(
                "Shorts net against longs; FX_IDC: symbols survive; v2 logic-atom fallback.",
                "meta_signs",
                ["inverse_volatility"],
            ),
        )
    )
    return out


def v2_atoms(root: Path) -> None:
    """Rewrite the fx sleeve's v2 file with logic-atom symbols."""
    path = root / RUNS / "fx_20260101-000000" / "data" / "portfolio_optimized_v2.json"
    data = json.loads(path.read_text())
    for assets in data["profiles"].values():
        for asset, logic in zip(assets["assets"], ("trend_SHORT", "carry_LONG"), strict=True):
            asset["Symbol"] = f"{asset['Symbol']}_{logic}"
    dump(path, data)


def multi_and_health() -> list[Workspace]:
    days = tradfi_days("2025-10-01", 45)
    risks = ["hrp", "erc", "min_variance", "inverse_volatility", "equal_weight"]
    sleeves = [
        simple_sleeve(
            f"s{i}_20260101-000000",
            f"s{i}",
            3000 + i,
            days,
            risks,
            [(f"NYSE:S{i}", 1.0)],
            sigma=0.005 * (i + 1),
        )
        for i in range(4)
    ]
    out = [
        Workspace(
            "multi_risk",
            {
                "meta_multi": {
                    "sleeves": [{"id": f"s{i}", "profile": f"s{i}"} for i in range(4)],
                    "meta_allocation": {"risk_profiles": risks},
                }
            },
            sleeves,
            case(
                "Five risk profiles in one run; run again from the return-matrix cache.",
                "meta_multi",
                risks,
                cached_rerun=True,
            ),
        )
    ]
    veto = [
        simple_sleeve(
            "good_a_20260101-000000", "good_a", 4001, days, ["hrp"], [("NYSE:A", 1.0)], sigma=0.01
        ),
        simple_sleeve(
            "good_b_20260101-000000",
            "good_b",
            4002,
            days,
            ["hrp"],
            [("NYSE:B", 1.0)],
            sigma=0.02,
            anomaly=True,
        ),
        simple_sleeve(
            "flaky_20260101-000000",
            "flaky",
            4003,
            days,
            ["hrp"],
            [("NYSE:C", 1.0)],
            sigma=0.03,
            failed={"hrp": 5},
        ),
    ]
    out.append(
        Workspace(
            "health_veto",
            {
                "meta_health": {
                    "sleeves": [
                        {"id": "good_a", "profile": "good_a"},
                        {"id": "good_b", "profile": "good_b"},
                        {"id": "flaky", "profile": "flaky"},
                    ]
                }
            },
            veto,
            case(
                "One sleeve vetoed (3/8 windows), two remain; anomalous windows are reported: "
                "|Sharpe| above 10 or volatility above 2.0 flags a successful simulate record, "
                "while exactly -10 and exactly 2.0 do not, a non-finite or missing metric never "
                "flags, a record that did not succeed is ignored; rows sorted by window "
                "(windowless last), then by ledger line.",
                "meta_health",
                ["hrp"],
            ),
            extra=simulate_edges,
        )
    )
    return out


def simulate_edges(root: Path) -> None:
    """Append backtest_simulate records at the anomaly rule's edges to good_b's ledger."""
    path = root / RUNS / "good_b_20260101-000000" / "audit.jsonl"

    def record(window: int | None, metrics: dict[str, float], status: str = "success") -> str:
        context: dict[str, object] = {"engine": "custom", "profile": "hrp"}
        if window is not None:
            context["window_index"] = window
        document = {
            "type": "action",
            "status": status,
            "step": "backtest_simulate",
            "context": context,
            "outcome": {"metrics": metrics},
        }
        return json.dumps(document, sort_keys=True) + "\n"

    def metrics(sharpe: float, vol: float | None = 0.3, ret: float = 0.1) -> dict[str, float]:
        out = {"sharpe": sharpe, "annualized_return": ret}
        if vol is not None:
            out["annualized_vol"] = vol
        return out

    added = [
        record(1, metrics(11.0, ret=0.5)),  # flagged
        record(0, metrics(-10.5, ret=-0.2)),  # flagged through |Sharpe|; window 0, a later line
        record(None, metrics(1.0, vol=2.5)),  # flagged by volatility alone; no window: last
        record(2, metrics(-10.0)),  # exactly -10: not flagged
        record(3, metrics(1.0, vol=2.0)),  # exactly 2.0: not flagged
        record(4, metrics(math.inf)),  # non-finite: never flags
        record(5, metrics(1.0, vol=None)),  # no volatility: not flagged
        record(6, metrics(15.0), status="error"),  # not a success: ignored
        record(7, {"sharpe": 12.0}),  # flagged through |Sharpe|, no volatility nor return: n/a
    ]
    with path.open("a", encoding="utf-8") as ledger:
        ledger.write("".join(added))


def upstream_case() -> Workspace:
    # values parsed by Python's float(): the exact double of each decimal under every pandas
    # (2.x's default CSV parser is an ulp off now and then, so the files would differ by version)
    text = pd.read_csv(SHARED_CSV, dtype=str)
    index = pd.DatetimeIndex(pd.to_datetime(text.pop("date")), name="date")
    frame = pd.DataFrame({c: [float(v) for v in text[c]] for c in text.columns}, index=index)
    sleeves = [
        Sleeve(
            f"{col}_20260130-000000",
            col,
            "2026-01-30T00:00:00",
            {"hrp": frame[col]},
            {"hrp": assets},
        )
        for col, assets in (
            ("long_all", [("BINANCE:BTCUSDT", 0.5), ("BINANCE:ETHUSDT", 0.5)]),
            ("short_all", [("BINANCE:DOGEUSDT", -0.6), ("BINANCE:XRPUSDT", -0.4)]),
        )
    ]
    return Workspace(
        "upstream_benchmark",
        {
            "meta_benchmark": {
                "description": "upstream meta_benchmark streams (real data)",
                "sleeves": [
                    {"id": "long_all", "profile": "long_all"},
                    {"id": "short_all", "profile": "short_all"},
                ],
            }
        },
        sleeves,
        case(
            "Real upstream streams (190 crypto days): HRP is the inverse-variance split.",
            "meta_benchmark",
            ["hrp"],
        ),
    )


def upstream_manifest_case() -> Workspace:
    """The upstream project's own manifest, verbatim, with a run for every sleeve it names.

    Pinned runs get the pinned id (``run_id: ""`` means not pinned, as upstream writes it);
    a profile named only unpinned gets one run ``<profile>_20260130-000000``, the newest of
    its profile. Each run holds hrp, equal_weight and max_sharpe streams (positive drift):
    crypto profiles on a 7-day calendar, ``production_*``/``institutional_*`` on business
    days; sleeves of ``*_short`` profiles hold short assets.
    """
    manifest = json.loads(SHARED_MANIFEST.read_text(encoding="utf-8"))
    runs: dict[str, str] = {}  # run id -> profile
    unpinned: set[str] = set()
    for body in manifest["profiles"].values():
        for sleeve in body.get("sleeves", []) if isinstance(body, dict) else []:
            if "profile" not in sleeve:
                continue
            if sleeve.get("run_id"):
                assert runs.setdefault(sleeve["run_id"], sleeve["profile"]) == sleeve["profile"]
            else:
                unpinned.add(sleeve["profile"])
    for profile in sorted(unpinned - set(runs.values())):
        runs[f"{profile}_20260130-000000"] = profile
    risks = ["equal_weight", "hrp", "max_sharpe"]
    crypto = crypto_days("2025-10-01", 61)
    tradfi = tradfi_days("2025-10-01", 44)
    sleeves = []
    for i, (run_id, profile) in enumerate(sorted(runs.items())):
        stamp = run_id[-15:]
        created = (
            f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:]}"
            if len(stamp) == 15 and stamp[8] == "-" and stamp.replace("-", "").isdigit()
            else "2026-01-20T00:00:00"
        )
        tradfi_profile = profile.startswith(("production", "institutional"))
        sign = -1.0 if profile.endswith("_short") else 1.0
        own = f"NYSE:X{i:02d}" if tradfi_profile else f"BINANCE:X{i:02d}USDT"
        shared = "NYSE:SPY" if tradfi_profile else "BINANCE:BTCUSDT"
        assets = [(shared, 0.6 * sign), (own, 0.4 * sign)]
        index = tradfi if tradfi_profile else crypto
        sigma = 0.01 if tradfi_profile else 0.02 + 0.002 * (i % 5)
        streams = {
            risk: stream(7000 + 10 * i + k, index, 0.002, sigma * (1 + 0.1 * k))
            for k, risk in enumerate(risks)
        }
        sleeves.append(
            Sleeve(run_id, profile, created, streams, {r: assets for r in risks}, windows=4)
        )

    def verbatim(root: Path) -> None:
        shutil.copyfile(SHARED_MANIFEST, root / "configs" / "manifest.json")

    return Workspace(
        "upstream_manifest",
        {},
        sleeves,
        case(
            "The upstream project's manifest, verbatim: nested meta_fractal_test (its branch "
            "meta_crypto_only pins runs without a profile prefix and carries an upstream "
            "feature flag), equal weight and max Sharpe.",
            "meta_fractal_test",
            ["equal_weight", "max_sharpe"],
        ),
        extra=verbatim,
    )


class _Hostile:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return (os.system, ("touch HOSTILE_PICKLE_RAN",))


def failure_cases() -> list[Workspace]:
    days = tradfi_days("2025-10-01", 30)
    two = {"meta_fail": {"sleeves": [{"id": "a", "profile": "a"}, {"id": "b", "profile": "b"}]}}

    def pair(seed: int = 5000) -> list[Sleeve]:
        return [
            simple_sleeve("a_20260101-000000", "a", seed, days, ["hrp"], [("NYSE:A", 1.0)]),
            simple_sleeve("b_20260101-000000", "b", seed + 1, days, ["hrp"], [("NYSE:B", 1.0)]),
        ]

    def remove_returns(root: Path) -> None:
        (
            root / RUNS / "b_20260101-000000" / "data" / "returns" / "custom_vectorbt_hrp.csv"
        ).unlink()

    def hostile(root: Path) -> None:
        folder = root / RUNS / "b_20260101-000000" / "data" / "returns"
        (folder / "custom_vectorbt_hrp.csv").unlink()
        payload = base64.b64encode(pickle.dumps(_Hostile(), protocol=2)).decode("ascii")
        (folder / "custom_vectorbt_hrp.pkl.b64").write_text(payload + "\n")

    def broken_ledger(root: Path) -> None:
        path = root / RUNS / "a_20260101-000000" / "audit.jsonl"
        lines = path.read_text().splitlines()
        lines[3] = lines[3][:-5]
        path.write_text("\n".join(lines) + "\n")

    late = tradfi_days("2026-03-02", 30)
    cyclic = {
        "meta_a": {
            "sleeves": [{"id": "a", "profile": "a"}, {"id": "to_b", "meta_profile": "meta_b"}]
        },
        "meta_b": {
            "sleeves": [{"id": "b", "profile": "b"}, {"id": "to_a", "meta_profile": "meta_a"}]
        },
    }
    infeasible = {
        "meta_fail": {
            "sleeves": [
                {"id": "a", "profile": "a", "weight_limit": [0.6, 0.9]},
                {"id": "b", "profile": "b", "weight_limit": [0.5, 0.9]},
            ]
        }
    }
    missing_run = {
        "meta_fail": {
            "sleeves": [
                {"id": "a", "profile": "a"},
                {"id": "b", "profile": "b", "run_id": "b_20991231-000000"},
            ]
        }
    }
    flaky = pair()
    flaky[1].failed = {"hrp": 6}
    flaky.append(  # a second vetoed sleeve: the error lists both, joined by "; "
        simple_sleeve(
            "c_20260101-000000", "c", 6960, days, ["hrp"], [("NYSE:C", 1.0)], failed={"hrp": 7}
        )
    )
    three = {"meta_fail": {"sleeves": atomic(["a", "b", "c"])}}
    return [
        Workspace(
            "fail_missing_returns",
            two,
            pair(),
            case(
                "A healthy sleeve without its returns file.",
                "meta_fail",
                ["hrp"],
                error=("MissingArtifactError", r"b_20260101-000000/data/returns/\*_hrp\.pkl"),
            ),
            extra=remove_returns,
        ),
        Workspace(
            "fail_missing_run",
            missing_run,
            pair(),
            case(
                "A pinned run that does not exist.",
                "meta_fail",
                ["hrp"],
                error=("MissingArtifactError", r"pinned run 'b_20991231-000000' does not exist"),
            ),
        ),
        Workspace(
            "fail_health_veto",
            three,
            flaky,
            case(
                "Two vetoes (b: 2/8, c: 1/8) leave one sleeve, fewer than min_sleeves 2.",
                "meta_fail",
                ["hrp"],
                error=(
                    "HealthVetoError",
                    r"vetoed: b: 2/8 windows succeeded.*; c: 1/8 windows succeeded",
                ),
            ),
        ),
        Workspace(
            "fail_empty_intersection",
            two,
            [
                simple_sleeve("a_20260101-000000", "a", 5100, days, ["hrp"], [("NYSE:A", 1.0)]),
                simple_sleeve("b_20260101-000000", "b", 5101, late, ["hrp"], [("NYSE:B", 1.0)]),
            ],
            case(
                "Two sleeves whose calendars do not overlap.",
                "meta_fail",
                ["hrp"],
                error=("CalendarError", r"no date in common.*a: 2025-10-01\.\.2025-11-11"),
            ),
        ),
        Workspace(
            "fail_cycle",
            cyclic,
            pair(),
            case(
                "meta_a -> meta_b -> meta_a.",
                "meta_a",
                ["hrp"],
                error=("ManifestError", r"cyclic meta profiles: meta_a -> meta_b -> meta_a"),
            ),
        ),
        Workspace(
            "fail_infeasible_bounds",
            infeasible,
            pair(),
            case(
                "Lower bounds sum to 1.1.",
                "meta_fail",
                ["hrp"],
                error=("InfeasibleBoundsError", r"sum of lower bounds is 1\.1, must be <= 1"),
            ),
        ),
        Workspace(
            "fail_hostile_pickle",
            two,
            pair(),
            case(
                "A pickle whose loading would call os.system.",
                "meta_fail",
                ["hrp"],
                error=("UnsafeArtifactError", r"custom_vectorbt_hrp\.pkl.*refused"),
            ),
            extra=hostile,
        ),
        Workspace(
            "fail_malformed_ledger",
            two,
            pair(),
            case(
                "A truncated JSON line in a sleeve ledger.",
                "meta_fail",
                ["hrp"],
                error=("LedgerError", r"a_20260101-000000/audit\.jsonl line 4"),
            ),
            extra=broken_ledger,
        ),
    ]


# ------------------------------------------------------------------------------ boundary cases
# Each case puts one or more rules of DESIGN 2 and 3 where they decide something: a threshold
# exactly at its boundary, a tie with its tie rule, an option at a non-default value. The golden
# suite alone must notice when any of them changes (issue 11); case.json says what each pins.


def factor_streams(
    seed: int, index: pd.DatetimeIndex, loadings: list[tuple[float, float, float]]
) -> list[pd.Series]:
    """Correlated streams: ``a * f1 + b * f2 + noise(sigma)`` per (a, b, sigma)."""
    rng = np.random.default_rng(seed)
    f1, f2 = rng.normal(0.0004, 0.01, (2, len(index)))
    out = []
    for a, b, sigma in loadings:
        values = np.round(a * f1 + b * f2 + rng.normal(0.0002, sigma, len(index)), 10)
        out.append(pd.Series(values, index=index))
    return out


def sleeve_of(
    run_id: str,
    profile: str,
    streams: dict[str, pd.Series],
    assets: list[tuple[str, float]],
    created_at: str | None = "2026-01-05T12:00:00",
    **kwargs: object,
) -> Sleeve:
    return Sleeve(run_id, profile, created_at, streams, {r: assets for r in streams}, **kwargs)  # type: ignore[arg-type]


def one_window_sleeve(name: str, series: pd.Series, risk: str = "hrp") -> Sleeve:
    """One sleeve ``name`` with one stream and one window (a short ledger)."""
    return sleeve_of(
        f"{name}_20260101-000000", name, {risk: series}, [(f"NYSE:{name.upper()}", 1.0)], windows=1
    )


def atomic(ids: list[str], **extra: object) -> list[dict[str, object]]:
    return [{"id": i, "profile": i, **extra} for i in ids]


def tz_case() -> Workspace:
    """tz-aware indexes in three zones and UTC: converted to UTC, then the date is kept."""
    n = 45
    tokyo = pd.bdate_range("2025-10-06", periods=n) + pd.Timedelta(hours=8)  # 23:00 UTC, day before
    new_york = pd.bdate_range("2025-10-06", periods=n) + pd.Timedelta(hours=16)  # crosses DST end
    kolkata = pd.date_range("2025-10-01", periods=70, freq="D") + pd.Timedelta(hours=12)
    utc = pd.date_range("2025-10-01", periods=70, freq="D")
    indexes = {
        "tokyo": tokyo.tz_localize("Asia/Tokyo"),
        "new_york": new_york.tz_localize("America/New_York"),
        "kolkata": kolkata.tz_localize("Asia/Kolkata"),
        "utc": utc.tz_localize("UTC"),
    }
    risks = ["risk_parity", "equal_weight"]
    sleeves = []
    for k, (name, index) in enumerate(indexes.items()):
        streams = {
            r: stream(6100 + 10 * k + i, index, 0.0004, 0.01 + 0.004 * k)
            for i, r in enumerate(risks)
        }
        sleeves.append(
            sleeve_of(f"{name}_20260101-000000", name, streams, [(f"NYSE:{name.upper()}", 1.0)])
        )
    return Workspace(
        "tz_zones",
        {
            "meta_tz": {
                "sleeves": atomic(list(indexes)),
                "meta_allocation": {"risk_profiles": risks},
            }
        },
        sleeves,
        case(
            "tz-aware indexes (Asia/Tokyo 08:00 = 23:00 UTC the day before, America/New_York "
            "16:00 across the DST change, Asia/Kolkata 12:00, UTC) become UTC dates: the Tokyo "
            "weekdays land on Sun-Thu, so the intersection is Mon-Thu; alias risk_parity = erc.",
            "meta_tz",
            risks,
        ),
    )


def index_kinds_case() -> Workspace:
    """Indexes that are no DatetimeIndex yet, as upstream code may pickle them: ISO strings
    (naive, or all at one UTC offset), Timestamps in an object index (naive, or in one zone),
    and naive stamps with a time of day. Each is written so that its UTC date is the same
    business day, so every sleeve keeps all 40 days; a conversion that slips moves one sleeve
    off by a day."""
    days = tradfi_days("2025-10-01", 40)
    one_day = pd.Timedelta(days=1)
    stamps: dict[str, tuple[str, list[str]]] = {
        # the strings as written: an object index of str
        "text_days": ("date[text]", [d.strftime("%Y-%m-%d") for d in days]),
        # 22:00 at UTC-05:00 the evening before is 03:00 UTC on the day
        "text_offset": (
            "date[text]",
            [(d - one_day).strftime("%Y-%m-%dT22:00:00-05:00") for d in days],
        ),
        # 08:00 at UTC+09:00 the morning after is 23:00 UTC on the day
        "stamps_tokyo": (
            "date[timestamps]",
            [(d + one_day).strftime("%Y-%m-%dT08:00:00+09:00") for d in days],
        ),
        "stamps_naive": ("date[timestamps]", [d.strftime("%Y-%m-%dT00:00:00") for d in days]),
        # a naive DatetimeIndex with a time of day: the time is dropped
        "timed_naive": ("date", [d.strftime("%Y-%m-%dT15:30:00") for d in days]),
    }
    sleeves = [
        simple_sleeve(
            f"{name}_20260101-000000",
            name,
            6400 + k,
            days,
            ["hrp"],
            [(f"NYSE:{k}", 1.0)],
            sigma=0.008 + 0.002 * k,
        )
        for k, name in enumerate(stamps)
    ]

    def restamp(root: Path) -> None:
        for name, (header, rows) in stamps.items():
            path = root / RUNS / f"{name}_20260101-000000" / "data" / "returns"
            path = path / "custom_vectorbt_hrp.csv"
            lines = path.read_text().splitlines()
            lines[0] = f"{header},return"
            values = [line.split(",")[1] for line in lines[1:]]
            lines[1:] = [f"{t},{v}" for t, v in zip(rows, values, strict=True)]
            path.write_text("\n".join(lines) + "\n")

    return Workspace(
        "index_kinds",
        {"meta_index": {"sleeves": atomic(list(stamps))}},
        sleeves,
        case(
            "Five index kinds, one per sleeve, all on the same 40 UTC dates: ISO date strings; "
            "strings at UTC-05:00 22:00 the evening before (03:00 UTC on the day); pandas "
            "Timestamps in an object index at UTC+09:00 08:00 the morning after (23:00 UTC on the "
            "day); naive Timestamps in an object index; naive stamps at 15:30. Five sleeves: "
            "an odd HRP tree.",
            "meta_index",
            ["hrp"],
        ),
        extra=restamp,
    )


def index_us_text_case() -> Workspace:
    """Date strings in a format pandas cannot infer (US month/day with a 12-hour time): pandas
    warns and parses each string alone; the warning is not the user's, the dates are."""
    days = tradfi_days("2025-10-01", 30)
    sleeves = [
        simple_sleeve(f"{name}_20260101-000000", name, 6460 + k, days, ["hrp"], [(symbol, 1.0)])
        for k, (name, symbol) in enumerate([("iso", "NYSE:ISO"), ("us_text", "NYSE:UST")])
    ]

    def restamp(root: Path) -> None:
        path = root / RUNS / "us_text_20260101-000000" / "data" / "returns"
        path = path / "custom_vectorbt_hrp.csv"
        lines = path.read_text().splitlines()
        values = [line.split(",")[1] for line in lines[1:]]
        stamps = [f"{d.month}/{d.day}/{d.year} 9:00 PM" for d in days]
        lines = ["date[text],return", *(f"{t},{v}" for t, v in zip(stamps, values, strict=True))]
        path.write_text("\n".join(lines) + "\n")

    return Workspace(
        "index_us_text",
        {"meta_us": {"sleeves": atomic(["iso", "us_text"])}},
        sleeves,
        case(
            "One sleeve's index holds strings like '10/1/2025 9:00 PM' (month/day/year, a "
            "12-hour time): pandas cannot infer that format, warns and parses each string "
            "alone. The warning is silenced (the CLI prints one line per error, none here), and "
            "the 30 dates are the ISO sleeve's: every row is common.",
            "meta_us",
            ["hrp"],
        ),
        extra=restamp,
    )


def clean_case() -> Workspace:
    """NaN drops a date for that sleeve; returns above +1 are clipped; -1 and +1 are kept."""
    # one Saturday session: a single weekend row is enough for the 365-day annualization
    days = tradfi_days("2025-10-01", 40).union(pd.DatetimeIndex(["2025-10-11"]))
    risks = ["hrp", "inverse_volatility"]
    spiky = {r: stream(6200 + i, days, 0.0005, 0.02) for i, r in enumerate(risks)}
    for series in spiky.values():
        series.iloc[[3, 17, 30]] = np.nan  # three NaN dates, dropped from this sleeve only
        series.iloc[5] = 1.5  # clipped to +1
        series.iloc[9] = 3.0  # clipped to +1
        series.iloc[12] = 1.0  # exactly +1: kept, not counted as clipped
        series.iloc[20] = -1.0  # exactly -1: allowed (a total loss)
    steady = {r: stream(6210 + i, days, 0.0003, 0.008) for i, r in enumerate(risks)}
    other = {r: stream(6220 + i, days, 0.0001, 0.012) for i, r in enumerate(risks)}
    return Workspace(
        "returns_nan_clip",
        {
            "meta_clean": {
                "sleeves": atomic(["spiky", "steady", "other"]),
                "meta_allocation": {"risk_profiles": risks},
            }
        },
        [
            sleeve_of("spiky_20260101-000000", "spiky", spiky, [("NYSE:SPK", 1.0)]),
            sleeve_of("steady_20260101-000000", "steady", steady, [("NYSE:STD", 1.0)]),
            sleeve_of("other_20260101-000000", "other", other, [("NYSE:OTH", -1.0)]),
        ],
        case(
            "NaN returns drop those 3 dates from the matrix (counted per sleeve); 1.5 and 3.0 are "
            "clipped to +1 (2 clipped), exactly +1 and exactly -1 are kept; 3 sleeves (odd HRP); "
            "one Saturday row, so the report annualizes with 365 days.",
            "meta_clean",
            risks,
        ),
    )


def health_case() -> Workspace:
    """The guardrail at its boundaries: 6/8 = 0.75 passes, 5/8 fails; engine and risk filters."""
    days = tradfi_days("2025-10-01", 40)
    shared = [("NYSE:SHARED", 0.5)]

    def one(name: str, seed: int, own: str, **kw: object) -> Sleeve:
        return sleeve_of(
            f"{name}_20260101-000000",
            name,
            {"hrp": stream(seed, days, 0.0004, 0.01 + (seed % 7) * 0.002)},
            [*shared, (own, 0.5)],
            **kw,
        )

    sleeves = [
        one("exact", 6301, "NYSE:EXA", failed={"hrp": 2}),  # 6/8 = 0.75: passes
        # 5/8: vetoed, holds SHARED too; its first window is flagged (Sharpe 12.5), so a vetoed
        # sleeve without a returns file still has its anomaly row from the ledger
        one("below", 6302, "NYSE:BEL", failed={"hrp": 3}, anomaly=True),
        # 8/8 for its own engine; another engine's and another risk profile's records all fail
        one(
            "engines",
            6303,
            "NYSE:ENG",
            foreign=[("nautilus", "hrp", 8, 0), ("custom", "erc", 8, 0)],
        ),
        one("plain", 6304, "NYSE:PLN"),
        one("half", 6305, "NYSE:HLF", failed={"hrp": 4}),  # 4/8 = 0.5 under a 0.5 threshold
        one("noledger", 6306, "NYSE:NOL", ledger=False),  # passes where require_ledger is false
        one("lowhalf", 6307, "NYSE:LOW", windows=10, failed={"hrp": 6}),  # 4/10 < 0.5
        one("orphan", 6308, "NYSE:ORP", ledger=False),  # no ledger where one is required
        # no hrp record at all: its 4 erc windows all succeeded, and must not count for hrp
        one("erconly", 6309, "NYSE:ERO", windows=0, foreign=[("custom", "erc", 4, 4)]),
    ]
    manifest = {
        "meta_guard": {
            "sleeves": [
                *atomic(["exact", "below", "engines", "plain", "orphan", "erconly"]),
                {"id": "lenient", "meta_profile": "meta_lenient"},
            ],
        },
        "meta_lenient": {
            "sleeves": atomic(["half", "noledger", "lowhalf"]),
            "health": {"min_success_ratio": 0.5, "require_ledger": False, "min_sleeves": 2},
        },
    }

    def drop_vetoed_returns(root: Path) -> None:
        """'below' fails its guardrail, so its returns are never read: a run folder whose
        backtests mostly failed may well lack them. And 'plain''s ledger is written out of
        the usual order, which counts windows whatever the order of their records: window 0's
        success before its intent, the genesis record last (the first line is not taken for
        it), and a line of spaces after window 3 (skipped, not the end of the ledger)."""
        (
            root / RUNS / "below_20260101-000000" / "data" / "returns" / "custom_vectorbt_hrp.csv"
        ).unlink()
        ledger = root / RUNS / "plain_20260101-000000" / "audit.jsonl"
        genesis, *actions = ledger.read_text(encoding="utf-8").splitlines(keepends=True)
        middle = 3 * 4  # intent, optimize and simulate records of windows 0-3
        intent, success, *rest = actions
        lines = [success, intent, *rest[: middle - 2], "   \n", *rest[middle - 2 :], genesis]
        ledger.write_text("".join(lines), encoding="utf-8")

    return Workspace(
        "health_boundary",
        manifest,
        sleeves,
        case(
            "Health at its boundaries: 6/8 = 0.75 passes and 5/8 is vetoed (its SHARED holding "
            "must not reach the flattened weights, and its run folder has no returns file, "
            "which a vetoed sleeve does not need); a ledger whose other-engine and other-risk "
            "records all failed still passes on its own records; 'plain''s ledger lists window "
            "0's success before its intent, its genesis record last and a line of spaces after "
            "window 3, and all 8 of its windows count; in the branch, 4/8 passes a "
            "0.5 threshold, 4/10 does not, and a sleeve without ledger passes when "
            "require_ledger is false; at the root, where a ledger is required, a sleeve without "
            "one is vetoed (0 of 0), and so is one whose ledger has only erc records (0 hrp "
            "records requested).",
            "meta_guard",
            ["hrp"],
        ),
        extra=drop_vetoed_returns,
    )


def selection_case() -> Workspace:
    """Run choice: created_at, then genesis ts, then folder name; never folder name alone."""
    days = tradfi_days("2025-10-01", 35)

    def run(profile: str, suffix: str, seed: int, created: str | None, **kw: object) -> Sleeve:
        return sleeve_of(
            f"{profile}_{suffix}",
            profile,
            {
                "equal_weight": stream(seed, days, 0.0003, 0.01),
                "hrp": stream(seed + 50, days, 0.0003, 0.01),
            },
            [(f"NYSE:{profile.upper()}_{suffix.upper()}", 1.0)],
            created_at=created,
            **kw,
        )

    sleeves = [
        # newest created_at wins although its folder name sorts first and its genesis ts is
        # the older one: created_at decides before genesis ts
        run("by_created", "a", 6401, "2026-01-05T00:00:00", genesis_ts="2026-01-01T00:00:00"),
        run("by_created", "z", 6402, "2026-01-03T00:00:00", genesis_ts="2026-01-04T00:00:00"),
        # equal created_at: the later genesis ts wins over the larger folder name
        run("by_genesis", "a", 6403, "2026-01-04T12:00:00", genesis_ts="2026-01-04T10:00:00"),
        run("by_genesis", "b", 6404, "2026-01-04T12:00:00", genesis_ts="2026-01-04T09:00:00"),
        # no created_at: the genesis ts is the time; a run with no time at all is the oldest
        run("by_fallback", "a", 6405, None, genesis_ts="2026-01-06T00:00:00"),
        run("by_fallback", "b", 6406, "2026-01-02T00:00:00"),
        run("by_fallback", "zz", 6407, None, genesis_ts=""),
        # everything equal: the larger folder name wins
        run("by_name", "a", 6408, "2026-01-04T00:00:00"),
        run("by_name", "b", 6409, "2026-01-04T00:00:00"),
        # a pin wins over a newer run
        run("pinned", "old", 6410, "2025-12-01T00:00:00"),
        run("pinned", "new", 6411, "2026-01-05T00:00:00"),
    ]
    sleeve_list = atomic(["by_created", "by_genesis", "by_fallback", "by_name"])
    sleeve_list.append({"id": "pinned", "profile": "pinned", "run_id": "pinned_old"})
    return Workspace(
        "run_selection",
        {
            "meta_pick": {
                "sleeves": sleeve_list,
                "meta_allocation": {"risk_profiles": ["equal_weight", "hrp"]},
            }
        },
        sleeves,
        case(
            "Run choice per profile: by_created_a (newer created_at, smaller name, older genesis "
            "ts), by_genesis_a "
            "(equal created_at, later genesis ts), by_fallback_a (genesis ts stands in for a "
            "missing created_at; _zz has no time and is oldest), by_name_b (full tie: larger "
            "name), pinned_old (a pin beats a newer run).",
            "meta_pick",
            ["equal_weight", "hrp"],
        ),
    )


def headers_case() -> Workspace:
    """Where a run's identity comes from: the resolved manifest, else the ledger's genesis;
    folders whose names are no run ids are not runs."""
    days = tradfi_days("2025-10-01", 35)

    def run(profile: str, run_id: str, seed: int, created: str | None, **kw: object) -> Sleeve:
        return sleeve_of(
            run_id,
            profile,
            {"hrp": stream(seed, days, 0.0003, 0.01 + (seed % 5) * 0.002)},
            [(f"NYSE:{run_id.upper().replace('-', '_')}", 1.0)],
            created_at=created,
            **kw,
        )

    sleeves = [
        # no resolved_manifest.json (removed below): profile and time come from the genesis
        run("from_genesis", "from_genesis_a", 6421, None, genesis_ts="2026-01-03T00:00:00"),
        # the resolved manifest names the profile; its genesis (edited below) names another
        run("manifest_first", "manifest_first_a", 6422, "2026-01-03T00:00:00"),
        run("dated", "dated_a", 6423, "2026-01-03T00:00:00"),
        # the newest dated run of all, in a folder whose name is no run id: never a run
        run("dated", "_draft", 6424, "2026-02-01T00:00:00"),
    ]
    return Workspace(
        "run_headers",
        {"meta_headers": {"sleeves": atomic(["from_genesis", "manifest_first", "dated"])}},
        sleeves,
        case(
            "A run's identity: from_genesis_a has no resolved manifest, so its ledger's genesis "
            "record names its profile; manifest_first_a's resolved manifest names its profile "
            "and wins over its genesis record's 'manifest_first_old'; the folder _draft holds "
            "the newest 'dated' run but its name is no run id, so dated_a is chosen.",
            "meta_headers",
            ["hrp"],
        ),
        extra=header_sources,
    )


def header_sources(root: Path) -> None:
    """from_genesis_a loses its resolved manifest; manifest_first_a's genesis names another
    profile than its resolved manifest."""
    shutil.rmtree(root / RUNS / "from_genesis_a" / "config")
    ledger = root / RUNS / "manifest_first_a" / "audit.jsonl"
    lines = ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    genesis = json.loads(lines[0])
    genesis["profile"] = "manifest_first_old"
    lines[0] = json.dumps(genesis, sort_keys=True) + "\n"
    ledger.write_text("".join(lines), encoding="utf-8")


def hrp_options_case() -> Workspace:
    """HRP at odd cluster sizes with non-default linkage and covariance."""
    days = tradfi_days("2025-09-01", 80)
    risks = ["hrp", "erc", "min_variance"]
    loadings = [
        (1.0, 0.0, 0.004),
        (0.9, 0.1, 0.006),
        (0.0, 1.0, 0.005),
        (0.1, 0.8, 0.009),
        (0.5, 0.5, 0.012),
        (-0.3, 0.2, 0.007),
        (0.0, 0.0, 0.010),
        (0.7, -0.2, 0.008),
        (0.2, 0.9, 0.004),
    ]
    names = [f"h{i}" for i in range(len(loadings))]
    per_risk = {r: factor_streams(6500 + 7 * i, days, loadings) for i, r in enumerate(risks)}
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            {r: per_risk[r][k] for r in risks},
            [(f"NASDAQ:{name.upper()}", 0.8), ("NASDAQ:QQQ", 0.2 if k % 2 else -0.2)],
        )
        for k, name in enumerate(names)
    ]
    manifest = {
        "meta_hrp5": {
            "sleeves": [*atomic(names[:4]), {"id": "trio", "meta_profile": "meta_trio"}],
            "meta_allocation": {
                "risk_profiles": risks,
                "linkage": "average",
                "covariance": "ledoit_wolf",
            },
        },
        "meta_trio": {
            "sleeves": atomic(names[4:7]),
            "meta_allocation": {"risk_profiles": risks, "linkage": "complete"},
        },
        "meta_pair": {"sleeves": atomic(names[7:])},
    }
    return Workspace(
        "hrp_odd_clusters",
        manifest,
        sleeves,
        case(
            "HRP with five columns (average linkage, Ledoit-Wolf covariance) over a nested trio "
            "(complete linkage): odd cluster sizes put a middle leaf on one side of a bisection; "
            "correlated factor streams make the tree non-trivial. meta_pair is unrelated.",
            "meta_hrp5",
            risks,
        ),
    )


def sources_case() -> Workspace:
    """Which returns file and which weights file: engine/simulator pins, logic atoms."""
    days = tradfi_days("2025-10-01", 35)

    def streams(seed: int) -> dict[str, pd.Series]:
        return {"hrp": stream(seed, days, 0.0004, 0.01 + (seed % 5) * 0.003)}

    extra = {"nautilus_backtrader_hrp": stream(6601, days, 0.0002, 0.03)}
    sleeves = [
        # two engines' files: unpinned takes the first by sorted name (custom_vectorbt_...);
        # "_hrp.pkl" (no engine, no simulator) sorts before both and is not a returns file
        sleeve_of(
            "multi_20260101-000000",
            "multi",
            streams(6602),
            [("NYSE:MUL", 1.0)],
            extra_files={**extra, "_hrp": stream(6608, days, -0.002, 0.05)},
        ),
        # the same two files, pinned to the other engine: its ledger records count for health
        sleeve_of(
            "pin_engine_20260101-000000",
            "pin_engine",
            streams(6603),
            [("NYSE:PEN", 1.0)],
            extra_files=dict(extra),
            foreign=[("nautilus", "hrp", 8, 6)],
        ),
        # pinned by simulator only, a simulator whose name holds "_": the engine is the part
        # of the stem before the first "_" ("custom"), the simulator the rest ("back_trader")
        sleeve_of(
            "pin_sim_20260101-000000",
            "pin_sim",
            streams(6604),
            [("NYSE:PSM", 1.0)],
            extra_files={"custom_back_trader_hrp": stream(6605, days, 0.0006, 0.02)},
        ),
        # logic atoms only (v2 file)
        sleeve_of(
            "atoms_20260101-000000",
            "atoms",
            streams(6606),
            [("FX_IDC:EURUSD", 0.4), ("BTCUSDT", -0.3), ("FX_IDC:GBP", 0.3)],
            weights_file="portfolio_optimized_v2.json",
        ),
        # both files: portfolio_flattened.json wins
        sleeve_of(
            "both_20260101-000000", "both", streams(6607), [("NYSE:BTH", 0.6), ("NYSE:SPY", -0.4)]
        ),
    ]

    def atoms_and_decoy(root: Path) -> None:
        path = root / RUNS / "atoms_20260101-000000" / "data" / "portfolio_optimized_v2.json"
        data = json.loads(path.read_text())
        for assets in data["profiles"].values():
            logic = ("carry_x_LONG", "trend_SHORT", "mr_SHORT")
            for asset, suffix in zip(assets["assets"], logic, strict=True):
                asset["Symbol"] = f"{asset['Symbol']}_{suffix}"
        dump(path, data)
        decoy = root / RUNS / "both_20260101-000000" / "data" / "portfolio_optimized_v2.json"
        dump(
            decoy,
            {
                "profiles": {
                    "hrp": {
                        "assets": [
                            {
                                "Symbol": "NYSE:DECOY_x_LONG",
                                "Weight": 1.0,
                                "Net_Weight": 1.0,
                                "Direction": "LONG",
                            }
                        ]
                    }
                }
            },
        )

    manifest = {
        "meta_sources": {
            "sleeves": [
                {"id": "multi", "profile": "multi"},
                {"id": "pin_engine", "profile": "pin_engine", "engine": "nautilus"},
                {"id": "pin_sim", "profile": "pin_sim", "simulator": "back_trader"},
                {"id": "atoms", "profile": "atoms"},
                {"id": "both", "profile": "both"},
            ],
            "meta_allocation": {"risk_profiles": ["hrp"], "max_weight": 0.4},
        }
    }
    return Workspace(
        "sources_and_pins",
        manifest,
        sleeves,
        case(
            "Returns file choice (first sorted name unpinned; an engine pin, whose health counts "
            "only that engine's ledger records: 6/8 = 0.75; a simulator pin 'back_trader' "
            "holding '_'; a stray '_hrp.pkl' with no engine, sorted first, never chosen) and "
            "weights file "
            "choice (logic atoms "
            "FX_IDC:EURUSD_carry_x_LONG, BTCUSDT_trend_SHORT with a positive Net_Weight, "
            "FX_IDC:GBP_mr_SHORT; portfolio_flattened.json preferred over a v2 decoy).",
            "meta_sources",
            ["hrp"],
        ),
        extra=atoms_and_decoy,
    )


def atom_weights_case() -> Workspace:
    """The v2 logic-atom fallback's weight rules: Weight wins over Net_Weight, Net_Weight alone
    counts, the direction comes from the suffix, and the physical symbol ends at the first
    ``_`` after the first ``:``."""
    days = tradfi_days("2025-10-01", 30)
    sleeves = [
        sleeve_of(
            "atoms_20260101-000000",
            "atoms",
            {"hrp": stream(6801, days, 0.0004, 0.012)},
            [("NYSE:AAA", 0.5)],
            weights_file="portfolio_optimized_v2.json",
        ),
        sleeve_of(
            "plain_20260101-000000",
            "plain",
            {"hrp": stream(6802, days, 0.0003, 0.02)},
            [("NYSE:AAA", 0.4), ("NYSE:PLN", 0.6)],
        ),
    ]

    def atoms(root: Path) -> None:
        flat = root / RUNS / "plain_20260101-000000" / "data" / "portfolio_flattened.json"
        rows = [
            # no Net_Weight: the Weight, signed by the Direction in any case (-0.3, +0.2)
            {"Symbol": "NYSE:PLN", "Weight": 0.3, "Direction": "short"},
            {"Symbol": "NYSE:AAA", "Weight": -0.2, "Direction": "Long"},
            # no Net_Weight and no Direction: the Weight as it is (+0.1)
            {"Symbol": "NYSE:BAR", "Weight": 0.1},
            # Net_Weight present: it counts as it is, whatever Weight and Direction say (+0.4)
            {"Symbol": "NYSE:NET", "Weight": 0.9, "Net_Weight": 0.4, "Direction": "SHORT"},
        ]
        dump(flat, {"profiles": {"hrp": {"assets": rows}}})
        path = root / RUNS / "atoms_20260101-000000" / "data" / "portfolio_optimized_v2.json"
        assets = [
            # Weight present: it counts, whatever Net_Weight says (0.5, not 0.2)
            {"Symbol": "NYSE:AAA_trend_LONG", "Weight": 0.5, "Net_Weight": 0.2},
            # Weight null, Net_Weight alone: its size, signed by the suffix (-0.3)
            {"Symbol": "NYSE:BBB_mr_SHORT", "Weight": None, "Net_Weight": 0.3},
            # no Weight key at all, a negative Net_Weight on a LONG atom: +0.15
            {"Symbol": "FX:EUR_carry_LONG", "Net_Weight": -0.15},
            # the physical symbol ends at the first "_" after the first ":": "A:B"
            {"Symbol": "A:B_C:D_x_LONG", "Weight": 0.05},
        ]
        dump(path, {"profiles": {"hrp": {"assets": assets}}})

    manifest = {
        "meta_atoms": {
            "sleeves": atomic(["atoms", "plain"]),
            "meta_allocation": {"risk_profiles": ["hrp"]},
        }
    }
    return Workspace(
        "atom_weights",
        manifest,
        sleeves,
        case(
            "Logic atoms (portfolio_optimized_v2.json): NYSE:AAA_trend_LONG with Weight 0.5 and "
            "Net_Weight 0.2 counts 0.5; NYSE:BBB_mr_SHORT with Weight null and Net_Weight 0.3 "
            "counts -0.3; FX:EUR_carry_LONG with only Net_Weight -0.15 counts +0.15; "
            "A:B_C:D_x_LONG is the physical symbol A:B. The plain sleeve's flattened file: "
            "without Net_Weight, Weight 0.3 'short' counts -0.3, Weight -0.2 'Long' +0.2, "
            "Weight 0.1 without Direction +0.1; with Net_Weight 0.4 (Weight 0.9, SHORT) +0.4. "
            "NYSE:AAA nets across both.",
            "meta_atoms",
            ["hrp"],
        ),
        extra=atoms,
    )


def returns_shapes_case() -> Workspace:
    """Return pickles as upstream may write them: a 1-column DataFrame, integer values."""
    days = tradfi_days("2025-10-01", 30)
    whole = pd.Series(
        [float(v) for v in np.random.default_rng(6901).integers(0, 2, len(days))], index=days
    )
    sleeves = [
        sleeve_of(
            "framed_20260101-000000",
            "framed",
            {"hrp": stream(6902, days, 0.0004, 0.01)},
            [("NYSE:FRM", 1.0)],
        ),
        sleeve_of("whole_20260101-000000", "whole", {"hrp": whole}, [("NYSE:WHL", 1.0)]),
        sleeve_of(
            "plain_20260101-000000",
            "plain",
            {"hrp": stream(6903, days, 0.0002, 0.02)},
            [("NYSE:PLN", 1.0)],
        ),
    ]

    def headers(root: Path) -> None:
        for run, kind in (("framed", "frame"), ("whole", "int64"), ("plain", "protocol2")):
            path = root / RUNS / f"{run}_20260101-000000" / "data" / "returns"
            csv = path / "custom_vectorbt_hrp.csv"
            lines = csv.read_text(encoding="utf-8").split("\n")
            lines[0] = f"date,return[{kind}]"
            csv.write_text("\n".join(lines), encoding="utf-8")

    manifest = {
        "meta_shapes": {
            "sleeves": atomic(["framed", "whole", "plain"]),
            "meta_allocation": {"risk_profiles": ["hrp"]},
        }
    }
    return Workspace(
        "returns_shapes",
        manifest,
        sleeves,
        case(
            "Return pickles as a 1-column DataFrame (framed: its column is the stream), with "
            "int64 values (whole: 0 or 1 a day, read as float64 returns of 0% and +100%) and "
            "with pickle protocol 2 (plain: its bytes go through _codecs.encode, latin1).",
            "meta_shapes",
            ["hrp"],
        ),
        extra=headers,
    )


def min_variance_fallback_case() -> Workspace:
    """min_variance where the primal-dual method gives up: found by searching seeds for it.

    Four sleeves within [0.15, 0.35]: the primal-dual iterations end with every weight on a
    bound (0.35 + 0.35 + 0.15 + 0.15 = 1 exactly), so the primal active-set fallback decides,
    starting from the budget multiplier of an all-bound point. Releasing one weight alone puts
    it one ulp past its bound; this fixture cycled into OptimizationError before that was fixed.
    """
    days = tradfi_days("2025-10-01", 30)
    names = ["f1", "f2", "f3", "f4"]
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            {"min_variance": stream(8204 + i, days, 0.0004, 0.008 + 0.004 * i)},
            [(f"NYSE:{name.upper()}", 1.0)],
        )
        for i, name in enumerate(names)
    ]
    return Workspace(
        "min_variance_fallback",
        {
            "meta_mv": {
                "sleeves": atomic(names),
                "meta_allocation": {
                    "risk_profiles": ["min_variance"],
                    "min_weight": 0.15,
                    "max_weight": 0.35,
                },
            }
        },
        sleeves,
        case(
            "min_variance within [0.15, 0.35] where the primal-dual method stops with every "
            "weight on a bound and the primal active-set fallback finds the optimum "
            "(f1 at 0.35, f4 at 0.15, f2 and f3 free).",
            "meta_mv",
            ["min_variance"],
        ),
    )


def edges_case() -> Workspace:
    """Bounds and observation counts exactly at their limits; method overrides the name."""
    days = tradfi_days("2025-10-01", 30)  # exactly min_observations rows
    risks = ["barbell", "hrp"]

    def one(name: str, seed: int) -> Sleeve:
        return sleeve_of(
            f"{name}_20260101-000000",
            name,
            {
                r: stream(seed + i, days, 0.0004, 0.005 + (seed % 9) * 0.002)
                for i, r in enumerate(risks)
            },
            [(f"CME:{name.upper()}", 1.0)],
        )

    names = ["e1", "e2", "e3", "t1", "t2", "t3", "t4"]
    manifest = {
        "meta_edges": {
            "sleeves": [
                {"id": "e1", "profile": "e1", "weight_limit": [0.3, 0.3]},
                *atomic(["e2", "e3"]),
                {"id": "tight", "meta_profile": "meta_tight"},
            ],
            "meta_allocation": {
                "risk_profiles": risks,
                "method": "inverse_volatility",
                "min_weight": 0.1,
                "min_observations": 30,
            },
        },
        "meta_tight": {
            "sleeves": atomic(["t1", "t2", "t3", "t4"]),
            "meta_allocation": {
                "risk_profiles": risks,
                "method": "erc",
                "max_weight": 0.25,
                "min_observations": 30,
            },
        },
    }
    return Workspace(
        "bounds_at_limits",
        manifest,
        [one(n, 6700 + 11 * k) for k, n in enumerate(names)],
        case(
            "Limits met with equality: 30 common rows and min_observations 30; a sleeve fixed by "
            "weight_limit [0.3, 0.3]; four sleeves with max_weight 0.25 (sum of upper bounds "
            "exactly 1, so each gets 0.25). method overrides the risk profile's name (barbell "
            "and hrp both run inverse_volatility at the root and erc in the branch).",
            "meta_edges",
            risks,
        ),
    )


def holidays_case() -> Workspace:
    """Compound alignment with holidays inside the span and dates outside it."""
    crypto = crypto_days("2025-11-20", 45)
    us = tradfi_days("2025-11-24", 30).drop(pd.DatetimeIndex(["2025-11-27", "2025-12-25"]))
    eu = tradfi_days("2025-11-24", 32).drop(pd.DatetimeIndex(["2025-12-26"]))
    risks = ["hrp", "equal_weight"]

    def one(name: str, seed: int, index: pd.DatetimeIndex, sigma: float) -> Sleeve:
        return sleeve_of(
            f"{name}_20260101-000000",
            name,
            {r: stream(seed + i, index, 0.0004, sigma) for i, r in enumerate(risks)},
            [(f"XETR:{name.upper()}", 1.0)],
        )

    return Workspace(
        "calendar_holidays",
        {
            "meta_hol": {
                "sleeves": atomic(["crypto", "us", "eu"]),
                "meta_allocation": {"risk_profiles": risks, "min_observations": 20},
                "calendar": {"alignment": "compound"},
            }
        },
        [one("crypto", 6801, crypto, 0.03), one("us", 6802, us, 0.01), one("eu", 6803, eu, 0.012)],
        case(
            "compound alignment: US Thanksgiving and Christmas, EU Boxing Day and crypto weekends "
            "are folded into the next common date; crypto dates before the first and after the "
            "last common date are dropped and counted as outside the span.",
            "meta_hol",
            risks,
        ),
    )


def compound_exact_case() -> Workspace:
    """Compound alignment keeps a return exactly where a row absorbs no missing day: a crypto
    return of 1e-20 on a Wednesday is a win (> 0), where ``(1 + r) - 1`` would be 0.0."""
    crypto = stream(6851, crypto_days("2025-09-01", 28), 0.0004, 0.02)
    crypto.loc["2025-09-03"] = 1e-20
    tradfi = stream(6852, tradfi_days("2025-09-01", 20), 0.0003, 0.01)
    sleeves = [one_window_sleeve("crypto", crypto), one_window_sleeve("tradfi", tradfi)]
    sleeves[0].assets = {"hrp": [("BINANCE:BTC|USDT", 1.0)]}  # a '|' the report escapes
    return Workspace(
        "calendar_compound_exact",
        {
            "meta_exact": {
                "sleeves": atomic(["crypto", "tradfi"]),
                "calendar": {"alignment": "compound"},
            }
        },
        sleeves,
        case(
            "compound alignment: crypto weekends fold into Mondays, and its return of 1e-20 on "
            "Wednesday 2025-09-03, a row that absorbs no missing day, is kept exactly: a win "
            "(r > 0) in its win rate. Compounded as (1 + r) - 1 it would be 0.0, not a win. "
            "The crypto sleeve holds BINANCE:BTC|USDT, whose '|' the report's tables escape "
            "(BINANCE:BTC\\|USDT) so the row keeps its columns.",
            "meta_exact",
            ["hrp"],
        ),
    )


def boundary_failures() -> list[Workspace]:
    """Failure cases at the edges of the rules; each gets a golden of what the user sees."""
    days = tradfi_days("2025-10-01", 30)
    two = {"meta_fail": {"sleeves": atomic(["a", "b"])}}

    def pair(seed: int = 6900, index: pd.DatetimeIndex = days) -> list[Sleeve]:
        return [
            simple_sleeve("a_20260101-000000", "a", seed, index, ["hrp"], [("NYSE:A", 1.0)]),
            simple_sleeve("b_20260101-000000", "b", seed + 1, index, ["hrp"], [("NYSE:B", 1.0)]),
        ]

    def edit_returns(name: str, edit: Callable[[list[str]], None]) -> Callable[[Path], None]:
        def apply(root: Path) -> None:
            path = (
                root
                / RUNS
                / f"{name}_20260101-000000"
                / "data"
                / "returns"
                / "custom_vectorbt_hrp.csv"
            )
            lines = path.read_text().splitlines()
            edit(lines)
            path.write_text("\n".join(lines) + "\n")

        return apply

    def set_value(row: int, value: str) -> Callable[[list[str]], None]:
        def edit(lines: list[str]) -> None:
            lines[row] = lines[row].split(",")[0] + "," + value

        return edit

    def constant(lines: list[str]) -> None:
        lines[1:] = [line.split(",")[0] + ",0.001" for line in lines[1:]]

    def same_day(lines: list[str]) -> None:
        lines[0] = "date[UTC],return"
        lines[1:] = [line.split(",")[0] + "T12:00:00," + line.split(",")[1] for line in lines[1:]]
        for row in (6, 8, 10, 12):  # four days twice: the message names three "and 1 more"
            lines[row] = lines[row - 1].split("T")[0] + "T23:00:00," + lines[row].split(",")[1]

    def same_day_three(lines: list[str]) -> None:
        lines[0] = "date[UTC],return"
        lines[1:] = [line.split(",")[0] + "T12:00:00," + line.split(",")[1] for line in lines[1:]]
        for row in (6, 8, 10):  # three days twice: all three named, no "and ... more"
            lines[row] = lines[row - 1].split("T")[0] + "T23:00:00," + lines[row].split(",")[1]

    def wiped_then_below(lines: list[str]) -> None:
        set_value(3, "-1.0")(lines)  # everything lost: allowed
        set_value(7, "-1.0000001")(lines)

    def swap_days(lines: list[str]) -> None:  # 2025-10-16 before 2025-10-15
        lines[11], lines[12] = lines[12], lines[11]

    def no_values(lines: list[str]) -> None:
        lines[1:] = [line.split(",")[0] + "," for line in lines[1:]]

    def header_only(lines: list[str]) -> None:
        del lines[1:]

    def missing_date(lines: list[str]) -> None:
        lines[9] = "," + lines[9].split(",")[1]

    def index_as(header: str, stamp: Callable[[int, str], str]) -> Callable[[list[str]], None]:
        """The date column under ``header``: row k's ``YYYY-MM-DD`` becomes stamp(k, day)."""

        def edit(lines: list[str]) -> None:
            lines[0] = f"{header},return"
            for k in range(1, len(lines)):
                day, value = lines[k].split(",")
                lines[k] = f"{stamp(k, day)},{value}"

        return edit

    zones = {1: "T00:00:00+09:00", 2: "T00:00:00+00:00"}  # the other rows naive

    def run_manifest(name: str, text: str) -> Callable[[Path], None]:
        def apply(root: Path) -> None:
            path = root / RUNS / f"{name}_20260101-000000" / "config" / "resolved_manifest.json"
            path.write_text(text, encoding="utf-8")

        return apply

    def existing_run(root: Path) -> None:
        dump(
            root / RUNS / "golden_run" / "config" / "resolved_manifest.json",
            {"profile": "meta_fail", "run_id": "golden_run"},
        )

    def no_hrp_weights(root: Path) -> None:
        path = root / RUNS / "b_20260101-000000" / "data" / "portfolio_flattened.json"
        data = json.loads(path.read_text())
        data["profiles"] = {"erc": data["profiles"]["hrp"]}
        dump(path, data)

    deep = {
        f"meta_l{i}": {
            "sleeves": [*atomic(["a"]), {"id": f"l{i + 1}", "meta_profile": f"meta_l{i + 1}"}]
        }
        for i in range(1, 5)
    }
    deep["meta_l5"] = {"sleeves": atomic(["a", "b"])}
    vetoed = pair()
    vetoed.append(
        simple_sleeve(
            "c_20260101-000000", "c", 6950, days, ["hrp"], [("NYSE:C", 1.0)], failed={"hrp": 4}
        )
    )
    vetoed.append(  # a second vetoed sleeve: the error names both, joined by ", "
        simple_sleeve(
            "d_20260101-000000", "d", 6951, days, ["hrp"], [("NYSE:D", 1.0)], failed={"hrp": 5}
        )
    )
    short = tradfi_days("2025-10-01", 29)
    E = "error"
    cases = [
        (
            "fail_min_observations",
            {
                "meta_fail": {
                    "sleeves": atomic(["a", "b"]),
                    "meta_allocation": {"min_observations": 30},
                }
            },
            pair(6910, short),
            None,
            "29 common rows, one fewer than min_observations 30.",
            ("CalendarError", r"only 29 common dates"),
        ),
        (
            "fail_zero_variance",
            two,
            pair(6920),
            edit_returns("b", constant),
            "A constant return stream under HRP.",
            ("ReturnsDataError", r"'b' has zero variance"),
        ),
        (
            "fail_below_minus_one",
            two,
            pair(6930),
            edit_returns("a", wiped_then_below),
            "A return of -1.0000001: losing more than everything. An earlier day returns "
            "exactly -1.0 (everything lost, which is allowed): the message names the day below "
            "-1, not the first day at -1.",
            ("ReturnsDataError", r"return -1\.0000001 on 2025-10-09 is below -1"),
        ),
        (
            "fail_infinite_return",
            two,
            pair(6935),
            edit_returns("b", set_value(4, "inf")),
            "An infinite return.",
            ("ReturnsDataError", r"infinite return"),
        ),
        (
            "fail_same_day_twice",
            two,
            pair(6940),
            edit_returns("a", same_day),
            "Two UTC stamps on one day (12:00 and 23:00), on four days, are duplicate dates: "
            "the message names the first three and counts the rest.",
            ("ReturnsDataError", r"duplicate dates .* and 1 more"),
        ),
        (
            "fail_same_day_three",
            two,
            pair(6942),
            edit_returns("a", same_day_three),
            "Two UTC stamps on one day on three days: the message names all three duplicate "
            "dates and counts nothing more.",
            ("ReturnsDataError", r"to days: 2025-10-07, 2025-10-09, 2025-10-13$"),
        ),
        (
            "fail_unsorted_dates",
            two,
            pair(6945),
            edit_returns("a", swap_days),
            "Two adjacent days in the wrong order.",
            ("ReturnsDataError", r"not in increasing order \(2025-10-15 follows 2025-10-16\)"),
        ),
        (
            "fail_all_nan",
            two,
            pair(6946),
            edit_returns("b", no_values),
            "A sleeve whose every return is missing (NaN).",
            ("ReturnsDataError", r"no finite returns \(30 NaN values\)"),
        ),
        (
            "fail_empty_returns",
            two,
            pair(6947),
            edit_returns("b", header_only),
            "A returns file with a header and no rows.",
            ("ReturnsDataError", r"no finite returns \(0 NaN values\)"),
        ),
        (
            "fail_missing_date",
            two,
            pair(6948),
            edit_returns("a", missing_date),
            "A row without a date (NaT in the index).",
            ("ReturnsDataError", r"index has missing dates \(NaT\)"),
        ),
        (
            "fail_index_numbers",
            two,
            pair(6966),
            edit_returns("a", index_as("date[numbers]", lambda k, day: day.replace("-", ""))),
            "An index of integers (20251001, ...), not dates.",
            ("ReturnsDataError", r"sleeve 'a' .*index is int64 numbers, not dates"),
        ),
        (
            "fail_index_mixed_zones",
            two,
            pair(6967),
            edit_returns(
                "b", index_as("date[timestamps]", lambda k, day: day + zones.get(k, "T00:00:00"))
            ),
            "An object index of Timestamps in three zones: UTC+09:00, UTC and naive.",
            ("ReturnsDataError", r"index mixes time zones \(UTC, UTC\+09:00, naive\)"),
        ),
        (
            "fail_index_unparseable",
            two,
            pair(6968),
            edit_returns(
                "a", index_as("date[text]", lambda k, day: "2025-10-32" if k == 5 else day)
            ),
            "An index of date strings, the fifth of them 2025-10-32.",
            ("ReturnsDataError", r"not parseable as dates \(label 5 of 30, '2025-10-32', is not"),
        ),
        (
            "fail_index_mixed_formats",
            two,
            pair(6969),
            edit_returns(
                "b", index_as("date[text]", lambda k, day: day + " 12:00" if k == 3 else day)
            ),
            "An index of date strings, each a date, but the third with a time of day.",
            ("ReturnsDataError", r"each label is a date, but not all are in the format of the"),
        ),
        (
            "fail_pinned_wrong_profile",
            {
                "meta_fail": {
                    "sleeves": [
                        *atomic(["a"]),
                        {"id": "b", "profile": "b", "run_id": "q_20260101-000000"},
                    ]
                }
            },
            [
                *pair(6950),
                simple_sleeve("q_20260101-000000", "q", 6952, days, ["hrp"], [("NYSE:Q", 1.0)]),
            ],
            None,
            "A pinned run that belongs to another profile.",
            ("ArtifactFormatError", r"pinned run 'q_20260101-000000' belongs to profile 'q'"),
        ),
        (
            "fail_no_run_of_profile",
            {"meta_fail": {"sleeves": [*atomic(["a"]), {"id": "b", "profile": "ghost"}]}},
            pair(6955),
            None,
            "A sleeve whose profile has no run (other runs exist).",
            ("MissingArtifactError", r"no run of profile 'ghost'"),
        ),
        (
            "fail_run_manifest_not_json",
            two,
            pair(6960),
            run_manifest("b", '{"profile": "b"'),
            "A run's resolved_manifest.json cut short.",
            ("ArtifactFormatError", r"resolved_manifest\.json: not valid JSON"),
        ),
        (
            "fail_run_manifest_too_deep",
            two,
            pair(6965),
            # 100,000 nested lists: deeper than the JSON decoder's recursion limit on every
            # supported Python, so it is a RecursionError, not a JSONDecodeError
            run_manifest("b", "[" * 100_000 + "]" * 100_000 + "\n"),
            "A run's resolved_manifest.json nested 100,000 lists deep.",
            (
                "ArtifactFormatError",
                r"resolved_manifest\.json: not valid JSON \(nested too deeply\)",
            ),
        ),
        (
            "fail_run_manifest_not_object",
            two,
            pair(6961),
            run_manifest("b", '["b"]\n'),
            "A run's resolved_manifest.json holding a list.",
            ("ArtifactFormatError", r"expected a JSON object, got list"),
        ),
        (
            "fail_run_profile_not_string",
            two,
            pair(6962),
            run_manifest("b", '{"created_at": "2026-01-05T12:00:00", "profile": 7}\n'),
            "A run whose resolved profile is a number.",
            ("ArtifactFormatError", r"profile must be a string, got 7"),
        ),
        (
            "fail_created_at_number",
            two,
            pair(6963),
            run_manifest("b", '{"created_at": 20260105, "profile": "b"}\n'),
            "A run whose created_at is a number.",
            ("ArtifactFormatError", r"created_at must be a string, got 20260105"),
        ),
        (
            "fail_created_at_not_iso",
            two,
            pair(6964),
            run_manifest("b", '{"created_at": "yesterday", "profile": "b"}\n'),
            "A run whose created_at is not ISO-8601 (its ledger's genesis ts is valid).",
            ("ArtifactFormatError", r"created_at 'yesterday' is not ISO-8601"),
        ),
        (
            "fail_unknown_key",
            {"meta_fail": {"sleeves": atomic(["a", "b"]), "meta_allocation": {"max_wieght": 0.6}}},
            pair(),
            None,
            "A typo in meta_allocation.",
            ("ManifestError", r"max_wieght.*did you mean 'max_weight'"),
        ),
        (
            "fail_unknown_risk",
            two,
            pair(),
            None,
            "A risk profile that is no allocator, without method.",
            ("ManifestError", r"barbell"),
        ),
        (
            "fail_too_deep",
            deep,
            pair(),
            None,
            "A tree that needs a fifth level.",
            ("ManifestError", r"levels deep"),
        ),
        (
            "fail_veto_infeasible",
            {
                "meta_fail": {
                    "sleeves": atomic(["a", "b", "c", "d"]),
                    "meta_allocation": {"max_weight": 0.4},
                }
            },
            vetoed,
            None,
            "Two vetoes (c: 4/8, d: 3/8) leave two sleeves whose upper bounds sum to 0.8.",
            ("InfeasibleBoundsError", r"sum of upper bounds is 0\.8.*after vetoing c, d;"),
        ),
        (
            "fail_run_exists",
            two,
            pair(),
            existing_run,
            "The meta run folder already exists and --overwrite was not given.",
            ("OverwriteRefusedError", r"golden_run: meta run folder already exists"),
        ),
        (
            "fail_no_risk_weights",
            two,
            pair(),
            no_hrp_weights,
            "A sleeve's weights file lacks the requested risk profile.",
            ("ArtifactFormatError", r"no weights for risk profile 'hrp' \(has: erc\)"),
        ),
    ]
    out = []
    for name, manifest, sleeves, extra, description, error in cases:
        meta = "meta_l1" if name == "fail_too_deep" else "meta_fail"
        risks = ["barbell"] if name == "fail_unknown_risk" else ["hrp"]
        out.append(
            Workspace(
                name, manifest, sleeves, case(description, meta, risks, error=error), extra=extra
            )
        )
    del E
    return out


def tiny_calendar_cases() -> list[Workspace]:
    """equal_weight needs no covariance: calendars of one, two and thirty common rows, a
    constant sleeve (volatility 0, no Sharpe, even where np.std leaves 2e-19 of rounding) and
    exact zero returns (not wins)."""
    out = []
    for rows in (1, 2, 30):
        a_days = tradfi_days("2025-10-01", 30)
        b_days = tradfi_days("2025-10-01", 40)[30 - rows :]  # overlaps a on `rows` dates
        flat = pd.Series(0.001, index=tradfi_days("2025-10-01", 30))  # constant: np.std is 2e-19
        zeros = stream(6950 + rows, a_days, 0.0003, 0.01)
        zeros.iloc[::3] = 0.0  # a flat day is not a win
        zeros.iloc[-1] = 0.0  # ... also among the common rows
        sleeves = [
            sleeve_of(
                "zeros_20260101-000000", "zeros", {"equal_weight": zeros}, [("NYSE:ZER", 1.0)]
            ),
            sleeve_of(
                "late_20260101-000000",
                "late",
                {"equal_weight": stream(6960 + rows, b_days, 0.0004, 0.01)},
                [("NYSE:LAT", 1.0)],
            ),
            sleeve_of("flat_20260101-000000", "flat", {"equal_weight": flat}, [("NYSE:FLT", -1.0)]),
        ]
        out.append(
            Workspace(
                f"equal_weight_{rows}_row{'s' if rows > 1 else ''}",
                {
                    "meta_tiny": {
                        "sleeves": atomic(["zeros", "late", "flat"]),
                        "meta_allocation": {"risk_profiles": ["equal_weight"]},
                    }
                },
                sleeves,
                case(
                    f"equal_weight over {rows} common row{'s' if rows > 1 else ''} (no covariance "
                    "is needed, so min_observations does not apply): statistics at their "
                    "smallest sample (volatility needs 2 returns); a constant sleeve has "
                    "volatility 0 and no Sharpe; exact 0.0 returns are not wins.",
                    "meta_tiny",
                    ["equal_weight"],
                    # the equity figure of a one-day calendar, and of two days (its boundary)
                    draw_figures=rows <= 2,
                ),
            )
        )
    return out


def stream_edges_case() -> Workspace:
    """The meta portfolio's own statistics at their edges (sleeve columns are measured apart):
    under ``flat`` both sleeves return 0.001 every day, so the meta stream is exactly constant
    (volatility 0, no Sharpe); under ``crash`` both lose everything (-1.0) on the last common
    day and make exactly 0.0 on another, so wealth ends at 0 (annualized return -100%) and the
    flat day is no win."""
    days = tradfi_days("2025-10-01", 30)
    flat = pd.Series(0.001, index=days)
    crash = {name: stream(seed, days, 0.0004, 0.01) for name, seed in (("a", 6971), ("b", 6972))}
    for series in crash.values():
        series.iloc[10] = 0.0
        series.iloc[-1] = -1.0
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            {"flat": flat, "crash": crash[name]},
            [(f"NYSE:{name.upper()}", 1.0)],
        )
        for name in ("a", "b")
    ]
    manifest = {
        "meta_stream": {
            "sleeves": atomic(["a", "b"]),
            "meta_allocation": {"risk_profiles": ["flat", "crash"], "method": "equal_weight"},
        }
    }
    return Workspace(
        "meta_stream_edges",
        manifest,
        sleeves,
        case(
            "The meta stream's statistics at their edges, under equal_weight: risk profile "
            "'flat' has two sleeves at 0.001 every day, an exactly constant meta stream "
            "(volatility 0, no Sharpe); 'crash' has both sleeves at -1.0 on the last day and at "
            "exactly 0.0 on another, so the meta wealth ends at 0 (annualized return -100%, "
            "max drawdown -100%) and the flat day is not a win. Also run by `tv-meta run "
            "--profile meta_stream --risk-profiles flat,crash --run-id golden_run` with no "
            "other option: it prints the summary of both risk profiles and writes the library "
            "run's folder byte for byte, figures drawn and the cache used by default.",
            "meta_stream",
            ["flat", "crash"],
            draw_figures=True,  # a drawdown axis that never falls
            cli_run=True,
        ),
    )


def losing(seed: int, index: pd.DatetimeIndex) -> pd.Series:
    """A stream whose mean return is negative (max_sharpe has no solution over such sleeves)."""
    series = stream(seed, index, -0.004, 0.01)
    assert series.mean() < 0, seed
    return series


def fallback_cases() -> list[Workspace]:
    """A solver without a solution: equal weight in a nested branch, an error at the root."""
    days = tradfi_days("2025-10-01", 40)

    def one(name: str, series: pd.Series) -> Sleeve:
        return sleeve_of(
            f"{name}_20260101-000000", name, {"hrp": series}, [(f"NYSE:{name.upper()}", 1.0)]
        )

    sleeves = [
        one("core", stream(6981, days, 0.0005, 0.01)),
        one("ok1", stream(6982, days, 0.0004, 0.012)),
        one("ok2", stream(6983, days, 0.0003, 0.015)),
        one("weak1", losing(6984, days)),
        one("weak2", losing(6985, days)),
        one("solo", stream(6986, days, 0.0002, 0.02)),
    ]
    manifest = {
        "meta_root": {
            "sleeves": [
                *atomic(["core"]),
                {"id": "ok", "meta_profile": "meta_ok"},
                {"id": "weak", "meta_profile": "meta_weak"},
                {"id": "solo", "meta_profile": "meta_solo"},
            ]
        },
        "meta_ok": {"sleeves": atomic(["ok1", "ok2"])},
        "meta_weak": {
            "sleeves": atomic(["weak1", "weak2"]),
            "meta_allocation": {"method": "max_sharpe"},
        },
        "meta_solo": {"sleeves": atomic(["solo"])},
    }
    nested = Workspace(
        "nested_fallback",
        manifest,
        sleeves,
        case(
            "Three sibling branches of different sub-profiles under hrp: meta_ok (hrp), "
            "meta_weak (max_sharpe over two sleeves that both lose money: no solution, so the "
            "nested branch falls back to equal weight and says why) and meta_solo (one sleeve, "
            "weight exactly 1).",
            "meta_root",
            ["hrp"],
        ),
    )
    root = Workspace(
        "fail_max_sharpe_root",
        {
            "meta_fail": {
                "sleeves": atomic(["weak1", "weak2"]),
                "meta_allocation": {"method": "max_sharpe"},
            }
        },
        [s for s in sleeves if s.profile.startswith("weak")],
        case(
            "max_sharpe at the root over sleeves that all lose money: no fallback at the root, "
            "an error naming the profile.",
            "meta_fail",
            ["hrp"],
            error=("OptimizationError", r"profiles\.meta_fail \(hrp\): max_sharpe has no solution"),
        ),
    )
    return [nested, root]


def scale_case() -> Workspace:
    """One sleeve more than the report shows whole: capped tables, the large-profile summary."""
    days = tradfi_days("2025-08-01", 60)
    names = [f"s{k:02d}" for k in range(31)]
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            {"hrp": stream(7000 + k, days, 0.0002 * (k % 5), 0.006 + 0.0007 * k)},
            [(f"NYSE:S{k:02d}", 1.0)],
            failed={"hrp": 3} if name == "s30" else {},  # 5/8: vetoed
        )
        for k, name in enumerate(names)
    ]
    return Workspace(
        "report_at_scale",
        {"meta_scale": {"sleeves": atomic(names)}},
        sleeves,
        case(
            "31 sleeves, one vetoed: one more than a report table shows whole (30), so the "
            "sleeve, performance, calendar and health tables show their top 20 and end with "
            "'... and K more' naming the CSV; more than 25 sleeves, so the correlation section "
            "is the five most and least correlated pairs, the tree section the HRP splits, and "
            "the equity figure draws the 10 largest sleeves.",
            "meta_scale",
            ["hrp"],
            draw_figures=True,  # more sleeves than colours, tick labels and cell texts
        ),
    )


def max_sharpe_edges_case() -> Workspace:
    """Nested max_sharpe branches, each putting one rule of ``allocation/max_sharpe.py`` where
    it decides something (the proposals of the survivor review): bounds that leave one feasible
    point, no-solution messages, vertex optima, blocking steps and a tie in the ratio test, a
    near-cash sleeve and a negative rounding residual. The root is equal weight, so the branch
    results (weights, ``iterations``, ``fallback``) are what the goldens pin.
    """
    days = tradfi_days("2025-10-01", 40)
    risk = "max_sharpe"
    half = stream(9403, days[:20], 0.0, 0.01).to_numpy()
    gain = stream(9406, days, 0.002, 0.01)
    streams: dict[str, pd.Series] = {
        "p": stream(9401, days, 0.0005, 0.01),
        "q": stream(9402, days, 0.0004, 0.012),
        # the mean is exactly 0.0 (each value once with each sign)
        "zero": pd.Series(np.concatenate([half, -half]), index=days),
        "loss1": stream(9404, days, -0.003, 0.01),
        "loss2": stream(9405, days, -0.002, 0.012),
        "gain": gain,
        # gain negated in reverse order: its mean is exactly -mean(gain)
        "mirror": pd.Series(-gain.to_numpy()[::-1], index=days),
        "big_loser": stream(401, days, -0.001, 0.01),
        "big_winner": stream(402, days, 0.002, 0.01),
        "tiny_winner": stream(901, days, 0.00001, 0.0001),
        "tiny_loser": stream(902, days, -0.0002, 0.001),
        "cash": stream(71, days, 0.0001, 0.000001),
        "c1": stream(72, days, 0.001, 0.01),
        "c2": stream(73, days, 0.0005, 0.012),
        "r1": stream(1101, days, 0.002, 0.02),
        "r2": stream(1102, days, 0.0015, 0.005),
    }
    five = [(0.3, 0.0, 0.003), (-0.5, 0.5, 0.01), (0.8, 0.2, 0.002), (1.2, -0.3, 0.01)]
    five.append((1.0, 0.5, 0.02))
    for k, series in enumerate(factor_streams(7062, days, five)):
        streams[f"b{k}"] = series
    three = [(0.3, 0.0, 0.003), (0.0, 1.0, 0.01), (1.2, -0.3, 0.01)]
    for k, series in enumerate(factor_streams(8042, days, three)):
        streams[f"t{k}"] = series

    def limited(limits: dict[str, tuple[float, float]]) -> list[dict[str, object]]:
        return [{"id": i, "profile": i, "weight_limit": list(b)} for i, b in limits.items()]

    branches: dict[str, tuple[list[dict[str, object]], dict[str, object]]] = {
        # sum(lo) is the double 1 - 1e-12: the one-point shortcut (iterations 0)
        "point_lo": (limited({"p": (0.5, 1.0), "q": (0.499999999999, 1.0)}), {}),
        # sum(lo) = 1 + 1e-13, within check_feasible's tolerance: finish_weights takes the excess
        "point_lo_over": (limited({"p": (0.5, 1.0), "q": (0.5000000000001, 1.0)}), {}),
        # sum(hi) = 1 - 1e-13: finish_weights adds the shortfall
        "point_hi_under": (limited({"p": (0.0, 0.5), "q": (0.0, 0.4999999999999)}), {}),
        # sum(hi) is the double 1 + 1e-12: still the shortcut
        "point_hi_over": (limited({"p": (0.0, 0.5), "q": (0.0, 0.500000000001)}), {}),
        # a mean of exactly 0 among losers: "no sleeve has a positive mean return"
        "zero_mean": (atomic(["zero", "loss1", "loss2"]), {}),
        # a positive mean, but the best feasible mean is exactly 0 ("at best 0")
        "zero_best": (limited({"gain": (0.0, 0.5), "mirror": (0.5, 1.0)}), {}),
        # the loser listed first: the start fills the budget by decreasing mean
        "loser_first": (atomic(["loss1", "gain"]), {}),
        # a vertex optimum where the winner has the largest |mean|
        "vertex_big": (atomic(["big_loser", "big_winner"]), {}),
        # a vertex optimum of a tiny winner against a big loser (|y| ~ 6,500)
        "vertex_tiny": (atomic(["tiny_winner", "tiny_loser"]), {}),
        # steps blocked at an upper bound and at the positive lower bound 0.05
        "blocked": (atomic([f"b{k}" for k in range(5)]), {"min_weight": 0.05, "max_weight": 0.5}),
        # a tie in the ratio test: an upper and a lower bound block at the same step
        "tie": (atomic(["t0", "t1", "t2"]), {}),
        # a near-cash sleeve (volatility 1e-6): tiny portfolio variance, not zero variance
        "near_cash": (atomic(["cash", "c1", "c2"]), {}),
        # clipped optimum summing to slightly above 1: a negative finish_weights residual
        "residual": (atomic(["r1", "r2"]), {}),
    }
    manifest: dict[str, object] = {
        "meta_ms_edges": {
            "sleeves": [{"id": b, "meta_profile": f"meta_ms_{b}"} for b in branches],
            "meta_allocation": {"risk_profiles": [risk], "method": "equal_weight"},
        }
    }
    for name, (sleeves, settings) in branches.items():
        body: dict[str, object] = {"sleeves": sleeves}
        if settings:
            body["meta_allocation"] = settings
        manifest[f"meta_ms_{name}"] = body
    return Workspace(
        "max_sharpe_edges",
        manifest,
        [one_window_sleeve(name, series, risk) for name, series in streams.items()],
        case(
            "max_sharpe in 13 nested branches under an equal-weight root, one rule each: bounds "
            "that leave one feasible point give it with iterations 0 (sum of lower bounds "
            "1 - 1e-12 and 1 + 1e-13, of upper bounds 1 - 1e-13 and 1 + 1e-12; finish_weights "
            "takes the excess and adds the shortfall of the 1e-13 ones); the no-solution "
            "messages, each an equal-weight fallback (a mean of exactly 0 among losers: no "
            "positive mean; best feasible mean exactly 0: 'at best 0'); the max-mean start "
            "filled by decreasing mean (a loser listed first); vertex optima (all weight in one "
            "sleeve, also a tiny winner against a big loser); steps blocked at an upper bound and "
            "at the lower bound 0.05 (five sleeves in [0.05, 0.5], 11 iterations); a tie in the "
            "ratio test, broken towards the lower bound; a near-cash sleeve (volatility 1e-6) "
            "that is not zero variance; an optimum whose clipped weights sum above 1.",
            "meta_ms_edges",
            [risk],
        ),
    )


def erc_singular_fallback_case() -> Workspace:
    """Nested ERC branches on 2-row sample covariances of two sleeves moving in opposite
    directions (correlation exactly -1, rank 1), each ending ``allocation/erc.py``'s Newton loop
    by a different rule (the proposals of the survivor review). The correlation matrix has a
    positive null vector, so Spinu's objective is unbounded below: the full Newton steps double z
    along it until the barrier rounds away and Cholesky fails. Every branch raises
    OptimizationError and falls back to equal weight; the root is equal weight, so what the
    goldens pin is each branch's ``fallback`` text (iterations and error of the failed solve).

    Only data whose failed solve prints the same text under the goldens' BLAS kernel in the main
    environment, the dependency floors and Python 3.13 are kept: the reviewer's 3-sleeve
    branches printed other errors there.
    """
    days = tradfi_days("2025-10-01", 2)
    risk = "erc"
    # sleeve -> its 2 returns; in every branch the sum of correlations is exactly 0 (z starts at 1)
    branches = {
        # np.linalg.solve takes over when Cholesky fails, and the loop ends when the line search
        # finds no step: 44 iterations, error 5.63 (29 under OpenBLAS's SkylakeX kernel)
        "no_step": {"step_a": [-0.011, 0.014], "step_b": [0.002, 0.001]},
        # Cholesky and solve both fail, so a NaN decrement ends the loop; cov @ w is exactly 0
        # and the error is 0/0 under errstate: 27 iterations, error nan
        "nan_error": {"nan_a": [-0.004, -0.013], "nan_b": [0.004, 0.007]},
        # solve on the indefinite Hessian gives a negative finite decrement, which ends the
        # loop: 27 iterations, error 1.24
        "negative_decrement": {"neg_a": [-0.01, 0.004], "neg_b": [0.008, 0.007]},
    }
    settings = {"risk_profiles": [risk], "method": "erc", "min_observations": 2}
    manifest: dict[str, object] = {
        "meta_erc_singular": {
            "sleeves": [{"id": b, "meta_profile": f"meta_erc_{b}"} for b in branches],
            "meta_allocation": {**settings, "method": "equal_weight"},
        }
    }
    sleeves = []
    for name, columns in branches.items():
        manifest[f"meta_erc_{name}"] = {
            "sleeves": atomic(list(columns)),
            "meta_allocation": settings,
        }
        for sleeve, values in columns.items():
            sleeves.append(one_window_sleeve(sleeve, pd.Series(values, index=days), risk))
    return Workspace(
        "erc_singular_fallback",
        manifest,
        sleeves,
        case(
            "erc in 3 nested branches under an equal-weight root, each two sleeves with 2 rows "
            "(min_observations 2) moving in opposite directions: the sample covariance is "
            "singular, the sum of correlations exactly 0 (z starts at 1), Newton diverges along "
            "the null vector, and each branch falls back to equal weight with the failed solve's "
            "iterations and error in its fallback text. One stopping rule each: the line search "
            "finds no step after np.linalg.solve replaced a failed Cholesky (44 iterations, "
            "error 5.63); a Hessian both Cholesky and solve reject, a NaN decrement, with a 0/0 "
            "error under errstate (27 iterations, error nan); a negative decrement from solve "
            "on the indefinite Hessian (27 iterations, error 1.24).",
            "meta_erc_singular",
            [risk],
        ),
    )


def erc_collinear_case() -> Workspace:
    """ERC over 4 strongly correlated sleeves of both signs (two factors, correlations from
    -0.998 to 0.780, cond(R) 1.4e3), where the rules of ``allocation/erc.py``'s quadratic phase
    decide (the proposals of the survivor review, on a seed searched for them): at iteration 8
    the error is still 8.6e-08, above POLISH_FROM, but the Newton decrement (1.8e-15) is below
    1e-12, so the full step is taken without the Armijo test (with the test, rounding noise in f
    rejects it and the solve stalls into OptimizationError); iteration 9 starts at 7.6e-14, so it
    is the polish step, and it ends the loop although the error after it, 5.3e-14, stays above
    the 1e-14 target; every step is a whole Newton step (t = 1). The reviewer's 12-sleeve
    proposal moved the first rule only in the 10th decimal, within the goldens' tolerance.
    """
    days = tradfi_days("2025-10-01", 60)
    risk = "erc"
    loadings = [(-0.7, 0.4, 0.0005), (0.2, -0.2, 0.002), (1.4, -0.7, 0.0005), (0.7, 1.0, 0.001)]
    names = [f"f{k}" for k in range(1, len(loadings) + 1)]
    sleeves = [
        one_window_sleeve(name, series, risk)
        for name, series in zip(names, factor_streams(8335, days, loadings), strict=True)
    ]
    return Workspace(
        "erc_collinear",
        {
            "meta_erc_collinear": {
                "sleeves": atomic(names),
                "meta_allocation": {"risk_profiles": [risk]},
            }
        },
        sleeves,
        case(
            "erc over 4 sleeves driven by two factors with loadings of both signs "
            "(correlations -0.998 to 0.780): 9 iterations, each a whole Newton step; at "
            "iteration 8 the decrement is below 1e-12 while the error (8.6e-08) is still above "
            "1e-8, and the full step is taken without a line search; the polish step (from "
            "7.6e-14) ends the loop although the error after it (5.3e-14) stays above 1e-14.",
            "meta_erc_collinear",
            [risk],
        ),
    )


def erc_near_hedge_case() -> Workspace:
    """Nested ERC branches where one sleeve almost offsets the other two (40 rows, sum of
    correlations below 1, so z starts at 1, not 1/sqrt(sum)). One converges in 13 whole Newton
    steps (t = 1); the other stalls after 14 whole steps: the Armijo test keeps accepting steps
    whose decrease rounding cannot resolve (f(trial) == f0, 86 times) until MAX_ITERATIONS, and
    the branch falls back to equal weight (the error, 1.4e-08, misses ACCEPT_ERROR). The root is
    equal weight.

    Near-hedges are where the last bits of BLAS move an iteration count: the seeds are the
    reviewer's family (base streams, minus a combination, plus noise) chosen so that both solves
    run bit for bit the same under the goldens' BLAS kernel (harness/blas.py) in the main
    environment, the dependency floors and Python 3.13 (the reviewer's seeds 54 and 53 took 15
    iterations and printed 8.32e-08 under 3.13), and so that the stalling one stalls the same way
    (100 iterations, the Armijo test passed with equality) under OpenBLAS's other x86 kernels
    too, with other last digits of its error: 3.36e-08 under SkylakeX, 1.18e-08 under
    Sandybridge. Seed 211, used before the kernel was pinned, stalled under SkylakeX only.
    """
    days = tradfi_days("2025-10-01", 40)
    risk = "erc"

    def hedged(seed: int, coefficients: list[float], noise: float) -> dict[str, pd.Series]:
        base = [
            stream(8000 + 10 * seed + j, days, 0.0005, 0.01) for j, _ in enumerate(coefficients)
        ]
        hedge = -sum(c * s for c, s in zip(coefficients, base, strict=True))
        hedge = (hedge + stream(9000 + seed, days, 0.0, noise)).round(10)
        names = [f"h{seed}{chr(97 + j)}" for j in range(len(base))]
        return {**dict(zip(names, base, strict=True)), f"h{seed}x": hedge}

    branches = {
        "converges": hedged(110, [0.5, 1.0], 1e-5),
        "stalls": hedged(544, [0.5, 1.5], 3e-6),
    }
    manifest: dict[str, object] = {
        "meta_erc_hedge": {
            "sleeves": [{"id": b, "meta_profile": f"meta_erc_{b}"} for b in branches],
            "meta_allocation": {"risk_profiles": [risk], "method": "equal_weight"},
        }
    }
    sleeves = []
    for name, streams in branches.items():
        manifest[f"meta_erc_{name}"] = {
            "sleeves": atomic(list(streams)),
            "meta_allocation": {"risk_profiles": [risk], "method": "erc"},
        }
        sleeves += [one_window_sleeve(sleeve, series, risk) for sleeve, series in streams.items()]
    return Workspace(
        "erc_near_hedge",
        manifest,
        sleeves,
        case(
            "erc in 2 nested branches under an equal-weight root, each two sleeves and a third "
            "that nearly hedges them (sum of correlations below 1, so z starts at 1): one "
            "converges in 13 whole Newton steps; the other stalls (steps whose "
            "decrease is below rounding pass the Armijo test with equality) until the "
            "100-iteration limit, and the branch falls back to equal weight naming 100 "
            "iterations and the error 1.4e-08.",
            "meta_erc_hedge",
            [risk],
        ),
    )


def stats_failures() -> list[Workspace]:
    """Failure cases at the rules of ``allocation/_stats.py`` (the proposals of its survivor
    review): which sleeves the zero-variance check names and how, its tolerance, a covariance
    that overflows, and the scale of the means max_sharpe reports."""
    days = tradfi_days("2025-10-01", 30)

    def flat(value: float, index: pd.DatetimeIndex = days) -> pd.Series:
        return pd.Series(value, index=index, dtype=float)

    def blip(value: float, row: int, other: float) -> pd.Series:
        series = flat(value)
        series.iloc[row] = other
        return series

    # a stream whose largest gain exceeds its largest loss: high + low > 0 for it
    skewed = stream(7312, days, 0.0005, 0.01)
    assert skewed.max() + skewed.min() > 1e-6 * skewed.abs().max()
    # compound alignment: a's +100% days where b has no return fold into one common date
    span = crypto_days("2024-01-01", 566)
    doubling = stream(7331, span, 0.0005, 0.01)
    doubling.iloc[25:565] = 1.0  # 540 days of +100%: 2**540 ~ 4e162, its square overflows
    sparse = stream(7332, span[[*range(25), 565]], 0.0004, 0.01)
    # 1,065 days of +100% fold into one common date: 2**1065 is past the float range
    long_span = crypto_days("2022-01-01", 1100)
    overflowing = stream(7381, long_span, 0.0005, 0.01)
    overflowing.iloc[25:1090] = 1.0
    rare = stream(7382, long_span[[*range(25), 1095]], 0.0004, 0.01)
    long_days = tradfi_days("2025-10-01", 40)
    # an exact hedge: b = 1/1024 - a in k/1024 steps over 32 rows, so a + b is a riskless
    # 1/1024 a day and the covariance is singular to the last bit, whatever BLAS sums in
    exact_days = tradfi_days("2025-10-01", 32)
    hedged = exact_stream(7361, exact_days, 12)
    two_days = tradfi_days("2025-10-01", 2)
    two_rows = pd.Series([3 / 1024, -5 / 1024], index=two_days)
    gain, loss = stream(7341, long_days, 0.002, 0.01), losing(7351, long_days)
    assert 0.1 * gain.mean() + 0.9 * loss.mean() < 0 < gain.mean()
    cases: list[tuple[str, dict[str, object], list[Sleeve], str, tuple[str, str]]] = [
        (
            "fail_zero_variance_several",
            {"meta_fail": {"sleeves": atomic(["a", "b", "c", "z"])}},
            [
                one_window_sleeve("a", stream(7301, days, 0.0005, 0.01)),
                one_window_sleeve("b", flat(0.001)),
                one_window_sleeve("c", flat(-0.001)),
                one_window_sleeve("z", flat(0.0)),
            ],
            "Three constant streams under HRP, one positive (0.001), one negative (-0.001) and one "
            "exactly 0.0 (scale 0): check_variance names all three, each quoted, in manifest "
            "order, with the row count, in the plural message.",
            ("ReturnsDataError", r"sleeves 'b', 'c', 'z' have zero variance over 30 rows"),
        ),
        (
            "fail_zero_variance_skewed",
            {"meta_fail": {"sleeves": atomic(["a", "b"])}},
            [one_window_sleeve("a", skewed), one_window_sleeve("b", flat(0.001))],
            "A constant stream (0.001) next to one whose largest gain exceeds its largest loss: "
            "the range screen is high - low, not high + low.",
            ("ReturnsDataError", r"sleeve 'b' has zero variance over 30 rows"),
        ),
        (
            "fail_zero_variance_boundary",
            {"meta_fail": {"sleeves": atomic(["a", "p", "q"])}},
            [
                one_window_sleeve("a", stream(7321, days, 0.0005, 0.01)),
                # one day off a constant by a few ulps: sample std (ddof 1) just above
                # ZERO_VARIANCE_RTOL times the scale (kept; with ddof 0 it is below)
                one_window_sleeve("p", blip(0.001, 3, 0.0010000000000000048)),
                # at or just below it (refused; with ddof 2 it is above)
                one_window_sleeve("q", blip(0.0012, 3, 0.0012000000000000064)),
            ],
            "Two near-constant streams at the zero-variance tolerance (std <= 1e-15 x max|r|, "
            "ddof 1): p just above it is kept, q at it is refused.",
            ("ReturnsDataError", r"sleeve 'q' has zero variance over 30 rows"),
        ),
        (
            "fail_covariance_overflow",
            {"meta_fail": {"sleeves": atomic(["a", "b"]), "calendar": {"alignment": "compound"}}},
            [one_window_sleeve("a", doubling), one_window_sleeve("b", sparse)],
            "compound alignment folds 540 days of +100% of a into one of the 26 common dates "
            "(a return near 2**540): the covariance of a overflows, b's stays finite, and the "
            "error names a only.",
            ("ReturnsDataError", r"covariance of sleeve\(s\) 'a' is not finite"),
        ),
        (
            "fail_max_sharpe_two_rows",
            {
                "meta_fail": {
                    "sleeves": atomic(["a", "b"]),
                    "meta_allocation": {"method": "max_sharpe", "min_observations": 2},
                }
            },
            [one_window_sleeve("a", two_rows), one_window_sleeve("b", 1.0 / 1024 - two_rows)],
            "max_sharpe over an exact hedge pair on 2 common rows for 2 sleeves (min_observations "
            "2): the riskless-optimum error, plus the hint that a sample covariance of no more "
            "rows than sleeves is singular (rows == sleeves is the boundary: it gets the hint).",
            ("OptimizationError", r"the sample covariance of 2 rows for 2 sleeves is singular"),
        ),
        (
            "fail_compound_overflow",
            {"meta_fail": {"sleeves": atomic(["a", "b"]), "calendar": {"alignment": "compound"}}},
            [one_window_sleeve("a", overflowing), one_window_sleeve("b", rare)],
            "compound alignment folds 1,065 days of +100% of a into one of the 26 common dates: "
            "the compounded return (2**1065 - 1) is past the float range, so a's column holds "
            "inf; the allocator refuses the non-finite matrix and names a (no numpy warning).",
            (
                "ReturnsDataError",
                r"non-finite returns \(NaN or inf\) in sleeve\(s\) 'a'; the allocation matrix",
            ),
        ),
        (
            "fail_max_sharpe_bounds",
            {
                "meta_fail": {
                    "sleeves": [
                        {"id": "gain", "profile": "gain", "weight_limit": [0.0, 0.1]},
                        {"id": "loss", "profile": "loss", "weight_limit": [0.9, 1.0]},
                    ],
                    "meta_allocation": {"method": "max_sharpe"},
                }
            },
            [one_window_sleeve("gain", gain), one_window_sleeve("loss", loss)],
            "max_sharpe at the root: one sleeve gains, but the bounds force 90% into a losing "
            "one; the message's best feasible mean is in daily units (the column means: sums "
            "over the rows divided by the row count).",
            ("OptimizationError", r"no weights within the bounds have a positive mean"),
        ),
        (
            "fail_max_sharpe_riskless",
            {
                "meta_fail": {
                    "sleeves": atomic(["a", "b"]),
                    "meta_allocation": {"method": "max_sharpe"},
                }
            },
            [
                one_window_sleeve("a", hedged),
                one_window_sleeve("b", 1.0 / 1024 - hedged),
            ],
            "max_sharpe at the root over an exact hedge pair (b = 1/1024 - a, in exact k/1024 "
            "steps): half of each is a riskless 1/1024 a day, so the Sharpe ratio is unbounded "
            "and max_sharpe refuses the singular covariance by name.",
            ("OptimizationError", r"zero sample variance and a positive mean"),
        ),
    ]
    return [
        Workspace(name, manifest, sleeves, case(description, "meta_fail", ["hrp"], error=error))
        for name, manifest, sleeves, description, error in cases
    ]


def covariance_edges_case() -> Workspace:
    """Nested branches under an equal-weight root, each at a rule of ``allocation/_stats.py``
    that only exact inputs reach (the proposals of its survivor review): the correlation of an
    exactly zero-variance sleeve listed first (equal weight skips the variance check), and
    Ledoit-Wolf with a shrinkage denominator of exactly 0, a numerator of exactly 0, and over one
    sleeve. The Ledoit-Wolf branches use powers of two, so their arithmetic is exact.
    """
    days = tradfi_days("2025-09-01", 32)
    i = np.arange(len(days))
    daily = np.where(i % 2 == 0, 1.0, -1.0)  # + - + - ...
    twice = np.where((i // 2) % 2 == 0, 1.0, -1.0)  # + + - - ..., orthogonal to daily

    def series(values: np.ndarray) -> pd.Series:
        return pd.Series(values, index=days)

    za, zb = stream(7367, days, 0.0003, 0.01), stream(7368, days, 0.0004, 0.01)
    assert np.corrcoef(za, zb)[0, 1] > 0.3  # a and b merge first, zero joins at sqrt(1/2)
    streams = {
        "zero": series(np.zeros(len(days))),
        "za": za,
        "zb": zb,
        "oa": series(0.0078125 * daily),
        "ob": series(0.0078125 * twice),
        "pa": series(0.0078125 * daily),
        "pb": series(0.015625 * daily),
        "single": stream(7371, days, 0.0005, 0.01),
    }
    lw = {"covariance": "ledoit_wolf"}
    branches: dict[str, tuple[list[str], dict[str, object]]] = {
        # correlation 0 against the zero sleeve (its row, read for pairs i < j), others clipped
        "zero": (["zero", "za", "zb"], {"method": "equal_weight"}),
        # uncorrelated, equal variances: E = mu I exactly, delta == 0.0, shrinkage 0
        "orth": (["oa", "ob"], lw),
        # parallel (correlation 1): beta == 0.0 while delta > 0, shrinkage 0, weights 0.8 / 0.2
        "par": (["pa", "pb"], lw),
        # one sleeve: its ddof-0 variance
        "solo": (["single"], lw),
    }
    manifest: dict[str, object] = {
        "meta_cov_edges": {
            "sleeves": [{"id": b, "meta_profile": f"meta_cov_{b}"} for b in branches],
            "meta_allocation": {"method": "equal_weight"},
        }
    }
    for name, (ids, settings) in branches.items():
        manifest[f"meta_cov_{name}"] = {"sleeves": atomic(ids), "meta_allocation": settings}
    return Workspace(
        "covariance_edges",
        manifest,
        [one_window_sleeve(name, values) for name, values in streams.items()],
        case(
            "Four nested branches under an equal-weight root, one rule of allocation/_stats.py "
            "each: an exactly zero-variance sleeve listed first under equal weight (correlation "
            "0 against it, the others' correlation clipped to [-1, 1]: its distances are "
            "sqrt(1/2)); Ledoit-Wolf of two uncorrelated sleeves of equal variance (delta "
            "exactly 0: shrinkage 0, not 0 / 0), of two parallel ones (beta exactly 0: "
            "shrinkage 0, weights 0.8 / 0.2) and of one sleeve (its ddof-0 variance).",
            "meta_cov_edges",
            ["hrp"],
        ),
    )


def bounds_projection_case() -> Workspace:
    """Nested branches under an equal-weight root, each at a rule of ``allocation/bounds.py`` or
    of ``allocate``'s one-sleeve path (the proposals of their survivor reviews): projections with
    several lower bounds binding, with all but one sleeve on the lower bound, with the first
    sleeve capped, with a fixed sleeve below its raw weight and with a tight binary search; bound
    sums exactly at check_feasible's tolerance; one sleeve under max_sharpe (a positive and a
    negative mean) and under hrp.
    """
    days = tradfi_days("2025-10-01", 40)
    risk = "hrp"
    ivol = {"method": "inverse_volatility"}
    branches: dict[str, tuple[list[dict[str, object]], dict[str, object]]] = {}
    streams: dict[str, pd.Series] = {}

    def add(
        name: str,
        seed: int,
        sigmas: list[float],
        settings: dict[str, object],
        mu: float = 0.0005,
        limits: dict[int, tuple[float, float]] | None = None,
    ) -> None:
        sleeves: list[dict[str, object]] = []
        for k, sigma in enumerate(sigmas):
            sid = f"{name}{k}"
            streams[sid] = stream(seed + k, days, mu, sigma)
            sleeve: dict[str, object] = {"id": sid, "profile": sid}
            if limits and k in limits:
                sleeve["weight_limit"] = list(limits[k])
            sleeves.append(sleeve)
        branches[name] = (sleeves, settings)

    # four sleeves on the lower bound 0.1, the first on the upper bound 0.4
    add(
        "lows",
        9701,
        [0.002, 0.005, 0.01, 0.03, 0.04, 0.05],
        {**ivol, "min_weight": 0.1, "max_weight": 0.4},
    )
    # all but the second sleeve (the dominant one, not first) on the lower bound 0.1
    add("one_free", 9711, [0.02, 0.002, 0.03, 0.04, 0.05], {**ivol, "min_weight": 0.1})
    # two sleeves, the first capped at 0.6
    add("capped", 9721, [0.005, 0.02], {**ivol, "max_weight": 0.6})
    # equal weight with the first sleeve fixed at 0.2, below its raw 1/3
    add("fixed", 9731, [0.01, 0.01, 0.01], {"method": "equal_weight"}, limits={0: (0.2, 0.2)})
    # the binary search needs its last halving: one sleeve on 0.45, two free, three on 0.1
    add(
        "search",
        9831,
        [0.003, 0.015, 0.01, 0.05, 0.008, 0.03],
        {**ivol, "min_weight": 0.1, "max_weight": 0.45},
    )
    # sum of lower bounds the double 1 + 1e-12, of upper bounds the double 1 - 1e-12
    add(
        "lo_tol",
        9751,
        [0.01, 0.01],
        {"method": "equal_weight"},
        limits={0: (0.5, 1.0), 1: (0.500000000001, 1.0)},
    )
    add(
        "hi_tol",
        9753,
        [0.01, 0.01],
        {"method": "equal_weight"},
        limits={0: (0.0, 0.5), 1: (0.0, 0.499999999999)},
    )
    # one sleeve: max_sharpe with a positive mean, max_sharpe and hrp with a negative mean
    add("solo_ms", 9761, [0.01], {"method": "max_sharpe"}, mu=0.004)
    add("solo_ms_loss", 9771, [0.01], {"method": "max_sharpe"}, mu=-0.004)
    add("solo_hrp_loss", 9781, [0.01], {"method": "hrp"}, mu=-0.004)
    for name in ("solo_ms", "solo_ms_loss", "solo_hrp_loss"):
        mean = float(streams[f"{name}0"].mean())
        assert (mean > 0) == (name == "solo_ms"), (name, mean)
    manifest: dict[str, object] = {
        "meta_bounds": {
            "sleeves": [{"id": b, "meta_profile": f"meta_bounds_{b}"} for b in branches],
            "meta_allocation": {"method": "equal_weight"},
        }
    }
    for name, (sleeves, settings) in branches.items():
        manifest[f"meta_bounds_{name}"] = {"sleeves": sleeves, "meta_allocation": settings}
    return Workspace(
        "bounds_projection",
        manifest,
        [one_window_sleeve(name, series, risk) for name, series in streams.items()],
        case(
            "Ten nested branches under an equal-weight root, one rule of allocation/bounds.py or "
            "of allocate's one-sleeve path each: inverse-volatility projections with four "
            "sleeves on the lower bound 0.1 and one on the upper 0.4 (a nonzero clip residual), "
            "with all but the dominant second sleeve on the lower bound 0.1, with the first of "
            "two sleeves capped at 0.6, and with a binary search over the breakpoints that needs "
            "its last halving (bounds [0.1, 0.45]); equal weight with the first sleeve fixed at "
            "weight_limit [0.2, 0.2], below its raw 1/3 (the others share 0.8); bound sums "
            "exactly at check_feasible's tolerance (lower bounds 0.5 and 0.500000000001, upper "
            "bounds 0.5 and 0.499999999999: both feasible, weights on the bounds); one sleeve "
            "under max_sharpe with a positive mean (weight 1), under max_sharpe with a negative "
            "mean (no positive mean: the equal-weight fallback note) and under hrp with a "
            "negative mean (weight 1, no mean check).",
            "meta_bounds",
            [risk],
        ),
    )


def mv_search_streams(seed: int) -> list[pd.Series]:
    """The streams of problem ``seed`` of the min_variance survivor search:
    4 to 8 sleeves over 30 to 80 business days, two common factors with loadings of one of
    three kinds (wide with signs, one dominant factor, nearly independent) plus own noise."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 9))
    t = int(rng.integers(30, 81))
    f = rng.normal(0.0004, 0.01, (2, t))
    kind = rng.integers(3)
    days = tradfi_days("2025-10-01", t)
    out = []
    for _ in range(n):
        if kind == 0:
            a, b = rng.uniform(-1.5, 1.5, 2)
        elif kind == 1:
            a, b = rng.uniform(0.2, 1.5), rng.uniform(-0.3, 0.3)
        else:
            a, b = rng.uniform(-0.3, 0.3, 2)
        sigma = rng.choice([0.001, 0.003, 0.006, 0.01, 0.02])
        values = np.round(a * f[0] + b * f[1] + rng.normal(0.0002, sigma, t), 10)
        out.append(pd.Series(values, index=days))
    return out


def min_variance_vertex_case() -> Workspace:
    """min_variance whose primal fallback ends on a vertex in one step that binds its last two
    free weights at once (problem 1285 of ``mv_search_streams``, 4 sleeves, bounds 0.125 and
    0.375, all multiples of 1/8, so every sum below is exact). PDAS's second guess binds every
    weight (3 lower, 1 upper: 0.75, not the budget), so no free weight is left to solve for and
    the primal method starts from the projected iterate with two free weights; the step toward
    their target reaches 0.125 for one and 0.375 for the other at the same ratio, and the four
    bounds then sum to 1 exactly. The next guess has no free weight, so the budget multiplier
    of the bounds decides, and it proves optimality: 4 solves. The blocked weights must be put
    on their bounds for that last check to read them (a weight left undefined costs a release
    and 1 to 3 more solves). The same path under OpenBLAS's Haswell, SkylakeX and Sandybridge
    kernels, the dependency floors and Python 3.13."""
    risk = "min_variance"
    streams = {f"v{k}": series for k, series in enumerate(mv_search_streams(1285))}
    manifest: dict[str, object] = {
        "meta_mv_vertex": {
            "sleeves": atomic(list(streams)),
            "meta_allocation": {
                "risk_profiles": [risk],
                "method": "min_variance",
                "min_weight": 0.125,
                "max_weight": 0.375,
            },
        }
    }
    return Workspace(
        "min_variance_vertex",
        manifest,
        [one_window_sleeve(name, series, risk) for name, series in streams.items()],
        case(
            "min_variance on 4 sleeves within [0.125, 0.375] (exact binary fractions): the "
            "primal-dual guess binds every weight (sum 0.75), the primal fallback's single step "
            "binds its last two free weights at the same ratio (v0 at 0.125, v1 at 0.375; the "
            "bounds then sum to 1 exactly), and the bounds' budget multiplier proves the vertex "
            "optimal: weights 0.125, 0.375, 0.125, 0.375 in 4 solves.",
            "meta_mv_vertex",
            [risk],
        ),
    )


def min_variance_paths_case() -> Workspace:
    """Nested min_variance branches, each taking ``allocation/min_variance.py`` down one path
    (found by a seeded search over ``mv_search_streams`` and screened: every
    decision has a margin far above rounding, and the goldens are the same on perturbed
    covariances, the dependency floors and Python 3.13). The root is equal weight, so the
    branch results (weights and ``iterations``) are what the goldens pin.
    """
    risk = "min_variance"
    # branch -> (search seed, meta_allocation bounds, per-sleeve weight_limit or None, scale)
    plan: dict[str, tuple[int, dict[str, object], list[tuple[float, float]] | None, float]] = {
        # PDAS revisits a side pattern after 5 solves; the primal fallback starts with three
        # weights on 0.05, takes one step (cycle0 blocked at 0.4; cycle1, below 0.05 at the
        # target, stays free) and stops: 7
        "cycle": (2044, {"min_weight": 0.05, "max_weight": 0.4}, None, 1.0),
        # the same streams scaled by 2**-260 (returns ~1e-80, covariance ~1e-160): the scaling
        # to a unit mean diagonal makes the result bit-identical to "cycle"
        "tiny": (2044, {"min_weight": 0.05, "max_weight": 0.4}, None, 2.0**-260),
        # PDAS ends with every weight bound; the budget multiplier of 4 lower and 1 upper bound
        # (one sleeve fixed at 0.1) already satisfies the KKT conditions: 3
        "all_bound": (
            1321,
            {},
            [(0.1, 0.6), (0.1, 0.3), (0.2, 0.4), (0.15, 0.6), (0.1, 0.1), (0.15, 0.6)],
            1.0,
        ),
        # every weight bound after 4 PDAS solves; the primal method starts with three free
        # weights, a step blocked at an upper bound, then one blocked at the lower bound: 7
        "steps": (658, {"min_weight": 0.02, "max_weight": 0.2}, None, 1.0),
        # a PDAS cycle; the primal method releases s3 from its lower bound, then a step
        # blocks s1 at the lower bound while s3 stays free: 8
        "release": (3313, {"min_weight": 0.02, "max_weight": 0.32}, None, 1.0),
        # every weight bound (4 lower, 3 upper, 0.1 / 0.2); three releases (the first one
        # breaks the budget multiplier's tie, either way to the same path length), then a step
        # blocked at an upper bound: 7
        "releases": (1753, {"min_weight": 0.1, "max_weight": 0.2}, None, 1.0),
    }
    streams: dict[str, pd.Series] = {}
    manifest: dict[str, object] = {
        "meta_mv_paths": {
            "sleeves": [{"id": b, "meta_profile": f"meta_mv_{b}"} for b in plan],
            "meta_allocation": {"risk_profiles": [risk], "method": "equal_weight"},
        }
    }
    for name, (seed, settings, limits, scale) in plan.items():
        ids = []
        for k, series in enumerate(mv_search_streams(seed)):
            streams[f"{name}{k}"] = series * scale
            ids.append(f"{name}{k}")
        if limits is None:
            sleeves = atomic(ids)
        else:
            sleeves = [
                {"id": i, "profile": i, "weight_limit": list(b)}
                for i, b in zip(ids, limits, strict=True)
            ]
        body: dict[str, object] = {"sleeves": sleeves}
        if settings:
            body["meta_allocation"] = settings
        manifest[f"meta_mv_{name}"] = body
    return Workspace(
        "min_variance_paths",
        manifest,
        [one_window_sleeve(name, series, risk) for name, series in streams.items()],
        case(
            "min_variance in six nested branches under an equal-weight root, one path of the "
            "active-set solver each: the primal-dual method revisits a side pattern after 5 "
            "solves and the primal fallback finishes with one blocked step (7 iterations); the "
            "same streams scaled by 2**-260 (identical weights and iterations: the covariance "
            "is scaled to a unit mean diagonal); every weight bound with a fixed sleeve, where "
            "the budget multiplier of the bounds already proves optimality (3); a primal "
            "fallback whose steps block first at an upper, then at a lower bound (7); a cycle "
            "followed by a release from a lower bound and a step blocked at a lower bound (8); "
            "an all-bound start with three releases before a blocked step (7).",
            "meta_mv_paths",
            [risk],
        ),
    )


def singular_hedge_streams(seed: int, index: pd.DatetimeIndex) -> dict[str, pd.Series]:
    """Four sleeves of returns k * 2**-7 (k integer) over 65 rows with column sums 0: ``a``
    (+-1, a 0 on the first row), ``b = -a`` (correlation exactly -1) and ``c``, ``d`` with
    var(c) + var(d) = 2 var(a). The sample covariance (divisor 64) and its mean diagonal
    (= var(a)) are exact, so the scaled matrix has s_aa = s_bb = 1, s_ab = -1 exactly and the
    Cholesky factorization of any free set starting with a, b meets an exactly zero pivot."""
    assert len(index) == 65
    rng = np.random.default_rng(seed)
    a = np.concatenate([[0], rng.permutation(np.repeat([1, -1], 32))])
    levels, p = [-2, -1, 0, 1, 2], [0.06, 0.26, 0.36, 0.26, 0.06]
    while True:
        c = rng.choice(levels, 65, p=p)
        d = rng.choice(levels, 65, p=p)
        c[-1] -= c.sum()
        d[-1] -= d.sum()
        if abs(c[-1]) <= 3 and abs(d[-1]) <= 3 and c @ c + d @ d == 2 * (a @ a):
            break
    q = 0.0078125
    return {
        name: pd.Series(q * values + 0.0, index=index)  # + 0.0: no -0.0 in the CSV
        for name, values in (("sg_a", a), ("sg_b", -a), ("sg_c", c), ("sg_d", d))
    }


def min_variance_bounds_case() -> Workspace:
    """Nested min_variance branches at the bound configurations of
    ``allocation/min_variance.py``: lower bounds summing to 1 + 1e-12 (every weight on its
    lower bound: the one-sided budget multiplier, a negative finish_weights residual with no
    room to take it), upper bounds summing to exactly 1, every sleeve fixed, and a
    correlation of exactly -1 that sends the free-set solve to its least-squares KKT branch
    (an exactly singular covariance on the free set).
    """
    risk = "min_variance"
    days = tradfi_days("2025-10-01", 40)
    mixed = [(1.0, 0.2, 0.003), (-0.8, 0.5, 0.004), (0.3, -1.0, 0.006), (0.6, 0.6, 0.01)]
    positive = [(1.0, 0.0, 0.004), (0.8, 0.3, 0.006), (0.5, -0.2, 0.01), (1.2, 0.4, 0.003)]
    streams: dict[str, pd.Series] = {}

    def named(prefix: str, series: list[pd.Series]) -> list[str]:
        for k, s in enumerate(series):
            streams[f"{prefix}{k}"] = s
        return [f"{prefix}{k}" for k in range(len(series))]

    def limited(ids: list[str], limits: list[tuple[float, float]]) -> list[dict[str, object]]:
        return [
            {"id": i, "profile": i, "weight_limit": list(b)}
            for i, b in zip(ids, limits, strict=True)
        ]

    over = named("lo_over", factor_streams(8103, days, mixed))
    hi_sum = named("hi_sum", factor_streams(8102, days, positive))
    fixed = named("fixed", factor_streams(8101, days, positive))
    streams.update(singular_hedge_streams(8110, tradfi_days("2025-10-01", 65)))
    singular = ["sg_a", "sg_b", "sg_c", "sg_d"]
    branches: dict[str, dict[str, object]] = {
        # sum(lo) = 1 + 1e-12 (within check_feasible's tolerance): PDAS leaves the last free
        # weight 1e-12 below its bound (10 x WEIGHT_TOL), every weight ends on its lower bound
        # after the primal fallback's budget multiplier of lower bounds only; the weights are
        # the lower bounds themselves: finish_weights has no room for the -1e-12 residual
        "lo_over": {
            "sleeves": limited(over, [(0.25, 1.0)] * 3 + [(0.250000000001, 1.0)]),
        },
        # four sleeves with max_weight 0.25: every weight on its upper bound, the budget
        # multiplier of upper bounds only
        "hi_sum": {"sleeves": atomic(hi_sum), "meta_allocation": {"max_weight": 0.25}},
        # every sleeve fixed (weight_limit [w, w]): no free weight from the first solve on
        "fixed": {"sleeves": limited(fixed, [(0.1, 0.1), (0.2, 0.2), (0.3, 0.3), (0.4, 0.4)])},
        # sg_b = -sg_a: Cholesky of the free set fails on an exactly zero pivot; the
        # least-squares KKT solution (0.5, 0.5, 0, 0) first, then sg_c, sg_d on 0.25 and the
        # hedge pair free, again by least squares: 2 iterations
        "singular": {
            "sleeves": limited(singular, [(0.0, 1.0), (0.0, 1.0), (0.25, 1.0), (0.25, 1.0)]),
        },
    }
    manifest: dict[str, object] = {
        "meta_mv_bounds": {
            "sleeves": [{"id": b, "meta_profile": f"meta_mv_{b}"} for b in branches],
            "meta_allocation": {"risk_profiles": [risk], "method": "equal_weight"},
        }
    }
    for name, body in branches.items():
        manifest[f"meta_mv_{name}"] = body
    return Workspace(
        "min_variance_bounds",
        manifest,
        [one_window_sleeve(name, series, risk) for name, series in streams.items()],
        case(
            "min_variance in four nested branches under an equal-weight root, one bound "
            "configuration each: lower bounds summing to 1 + 1e-12 (every weight on its lower "
            "bound via the primal fallback and the budget multiplier of lower bounds only; the "
            "weights are the bounds, finish_weights has no room for the -1e-12 residual); "
            "four sleeves with max_weight 0.25 (every weight on its upper bound, the "
            "multiplier of upper bounds only); every sleeve fixed (weights 0.1, 0.2, 0.3, 0.4 "
            "after 2 iterations); two sleeves with correlation exactly -1 (exact power-of-two "
            "returns) whose free-set Cholesky factorization fails, so both solves take the "
            "least-squares KKT branch.",
            "meta_mv_bounds",
            [risk],
        ),
    )


def figures_unlabelled_case() -> Workspace:
    """41 sleeves, drawn: one more than the figures label (40), so the heat map and the
    dendrogram hide their labels and the weights figure draws the 40 largest of 41 sleeves;
    two sleeve ids of 24 and 25 characters, the second cut to 23 and an ellipsis in the
    weights figure."""
    days = tradfi_days("2025-08-01", 50)
    names = [f"u{k:02d}" for k in range(39)] + ["u39_" + "x" * 20, "u40_" + "y" * 21]
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            # the two long ids are the calmest sleeves, so HRP gives them bars in the figure
            {"hrp": stream(7300 + k, days, 0.0003, 0.002 if k >= 39 else 0.006 + 0.0004 * k)},
            [(f"NYSE:U{k:02d}", 1.0)],
        )
        for k, name in enumerate(names)
    ]
    return Workspace(
        "figures_unlabelled",
        {"meta_unlabelled": {"sleeves": atomic(names)}},
        sleeves,
        case(
            "41 sleeves, drawn: one more than the figures label (40), so the correlation heat "
            "map and the dendrogram show no sleeve labels and the weights figure draws the 40 "
            "largest sleeves; the sleeve ids u39_xxx... (24 characters, shown whole) and "
            "u40_yyy... (25, cut to 23 and an ellipsis).",
            "meta_unlabelled",
            ["hrp"],
            draw_figures=True,
        ),
    )


def figures_twelve_case() -> Workspace:
    """12 sleeves, drawn: the most the heat map prints a correlation in each cell for (12),
    and an equity figure spanning more than a decade (a calm sleeve gaining about 6% a day),
    whose minor ticks are unlabelled."""
    days = tradfi_days("2025-08-01", 45)
    names = [f"t{k:02d}" for k in range(12)]
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            {"hrp": stream(7400 + k, days, 0.06 if k == 0 else 0.0003, 0.001 + 0.001 * k)},
            [(f"NYSE:T{k:02d}", 1.0)],
        )
        for k, name in enumerate(names)
    ]
    return Workspace(
        "figures_twelve",
        {"meta_twelve": {"sleeves": atomic(names)}},
        sleeves,
        case(
            "12 sleeves, drawn: the correlation heat map prints the correlation in each of its "
            "144 cells (it does up to 12 sleeves); t00 gains about 6% a day, so the equity "
            "figure spans more than a decade and labels no minor tick.",
            "meta_twelve",
            ["hrp"],
            draw_figures=True,
        ),
    )


def health_split_sleeves(
    names: list[str], vetoed: set[int], streams: list[pd.Series]
) -> list[Sleeve]:
    """Sleeves ``names`` with ``streams`` (hrp), one asset each; those at ``vetoed`` fail 5 of 8
    windows (3/8 below the default 0.75), so their sleeves are weighted 0 and leave the return
    matrix, while the weights figure still labels them."""
    return [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            {"hrp": series},
            [(f"NYSE:{name.upper()}", 1.0)],
            failed={"hrp": 5} if k in vetoed else {},
        )
        for k, (name, series) in enumerate(zip(names, streams, strict=True))
    ]


def figures_twenty_case() -> Workspace:
    """20 sleeves, 7 vetoed, drawn: the weights figure labels 20 sleeves at the larger tick
    font (it shrinks above 20) and the heat map has 13 sleeves, one more than it prints cell
    values for (12)."""
    days = tradfi_days("2025-08-01", 40)
    names = [f"g{k:02d}" for k in range(20)]
    vetoed = {k for k in range(20) if k % 3 == 1}  # 7: g01, g04, ..., g19
    streams = [stream(8100 + k, days, 0.0003, 0.004 + 0.0005 * k) for k in range(20)]
    return Workspace(
        "figures_twenty",
        {"meta_twenty": {"sleeves": atomic(names)}},
        health_split_sleeves(names, vetoed, streams),
        case(
            "20 sleeves of which 7 (g01, g04, ..., g19) fail 5 of 8 windows and are vetoed, "
            "drawn: the weights figure labels all 20 sleeves at tick font 9 (it uses 7 above "
            "20 labels); the correlation heat map has the 13 remaining sleeves, one more than "
            "it prints each cell's correlation for (12), so it prints none.",
            "meta_twenty",
            ["hrp"],
            draw_figures=True,
        ),
    )


# A pair of exact streams (returns k / 1024 over 33 rows) correlated exactly 0.6: each sums to
# 0 (so its mean is 0) and its squares to 50, their products to 30. Every step of the sample
# covariance is exact (deviations, products, sums, the division by 32), each standard
# deviation is sqrt(50 / 32) / 1024 = 1.25 / 1024 exactly, so the correlation is the correctly
# rounded 30 / 50: the double 0.6.
PAIR_A = [2, 1, 0, 0, -1, 2, 0, 0, 0, 1, 1, -1, 0, -2, 3, 1, 1, 1, 1, -1, -1, -1, -2, -1, 1]
PAIR_A += [0, 0, -1, 0, 0, -3, -1, 0]
PAIR_B = [1, 2, 2, 0, -1, 1, 1, 0, 0, -1, 1, -1, 1, 0, 1, 0, -1, 3, 1, 0, -1, -2, -1, 0, 0]
PAIR_B += [0, -1, 0, 1, 0, -3, -2, -1]


def wide_stream(index: pd.DatetimeIndex) -> pd.Series:
    """Growth of 1 that falls 18% a day for 6 days (to 0.82^6 = 0.304), then multiplies by
    10.5 over 20 days (to 3.19) and eases 1% a day: a range of 10.5x, above one decade and
    below 11, whose low is far under 1 (10 / low = 33 is far above the high)."""
    rise = 10.5 ** (1 / 20) - 1.0
    values = [-0.18] * 6 + [rise] * 20 + [-0.01] * (len(index) - 26)
    return pd.Series(np.round(values, 10), index=index)


def figures_twenty_one_case() -> Workspace:
    """21 sleeves, 9 vetoed, drawn: the weights figure's smaller tick font (above 20 labels);
    12 sleeves in the heat map, which prints each cell, one pair at exactly 0.6 (black text,
    white only above 0.6); an equity range of 10.5x (minor ticks unlabelled)."""
    days = tradfi_days("2025-08-01", 33)
    names = ["s00_wide", "s01", "s02_pair_a", "s03", "s04_pair_b"]
    names += [f"s{k:02d}" for k in range(5, 21)]
    vetoed = {k for k in range(21) if k % 7 in (1, 3, 5)}  # 9: s01, s03, s05, s08, ..., s19
    streams = [stream(8200 + k, days, 0.0004, 0.003 + 0.0004 * k) for k in range(21)]
    streams[0] = wide_stream(days)
    streams[2] = pd.Series(np.array(PAIR_A) / 1024.0, index=days)
    streams[4] = pd.Series(np.array(PAIR_B) / 1024.0, index=days)
    return Workspace(
        "figures_twenty_one",
        {
            "meta_twenty_one": {
                "sleeves": atomic(names),
                "meta_allocation": {"method": "equal_weight"},
            }
        },
        health_split_sleeves(names, vetoed, streams),
        case(
            "21 sleeves of which 9 fail 5 of 8 windows and are vetoed, equal weight, drawn: the "
            "weights figure labels all 21 at tick font 7 (it uses 9 up to 20 labels); the 12 "
            "remaining sleeves fill the correlation heat map, which prints every cell; "
            "s02_pair_a and s04_pair_b (returns k/1024, exact arithmetic) correlate exactly 0.6, "
            "printed in black (white only above 0.6 in absolute value); s00_wide falls to 0.304 "
            "and rises to 3.19, so the equity figure's log axis spans 10.5x: more than a decade, "
            "whose minor ticks stay unlabelled, though less than 11x and less than 10 / low.",
            "meta_twenty_one",
            ["hrp"],
            draw_figures=True,
        ),
    )


def figures_forty_case() -> Workspace:
    """40 sleeves (MAX_LABELS): the most for which the correlation heat map and the dendrogram
    still name every sleeve; ``report_at_scale`` has 31, the figure tests 450."""
    return hrp_sleeves_case(
        "figures_forty",
        "meta_40",
        [f"f{k:02d}" for k in range(40)],
        (8000, 30, 5, 0.004, 0.0002),
        "40 sleeves under hrp: the most for which the correlation heat map and the "
        "dendrogram label every sleeve (MAX_LABELS = 40; 41 would leave them unlabelled), "
        "and the weights figure shows every bar.",
    )


def exact_stream(seed: int, index: pd.DatetimeIndex, spread: int) -> pd.Series:
    """Returns ``k / 1024`` for integers ``|k| <= spread``: over 32 rows every mean, deviation,
    product and sum of the covariance is exact, so equal inputs give bit-equal correlations
    whatever order BLAS sums in."""
    rng = np.random.default_rng(seed)
    return pd.Series(rng.integers(-spread, spread + 1, len(index)) / 1024.0, index=index)


def report_ties_case() -> Workspace:
    """Ties and orders in what the report ranks, with exact arithmetic (``exact_stream``): the
    five most and least correlated pairs of a 32-column root, the top 20 of its calendars by
    dropped days, of its atomic sleeves by health, and of a 31-sleeve branch by weight."""
    days = tradfi_days("2025-09-01", 32)
    early = tradfi_days("2025-08-18", 42)  # ten business days more, ending on days[-1]
    assert early[10:].equals(days)
    a = exact_stream(7600, days, 12)
    c = exact_stream(7601, days, 10)
    permuted = np.random.default_rng(7602)
    d = pd.Series(permuted.permutation(c.to_numpy()), index=days)
    b = pd.Series(permuted.permutation(c.to_numpy()), index=days)
    exact = {0: a, 1: a, 2: a, 5: a, 3: c, 9: -c, 4: d, 6: -d, 29: b, 30: -b}
    leading = {8: 5, 14: 3, 15: 1, 20: 3, 27: 2}  # days before the common calendar (dropped)
    names = [f"p{k:02d}" for k in range(31)]
    series = {}
    for k, name in enumerate(names):
        own = exact[k] if k in exact else stream(7610 + k, days, 0.0003, 0.006 + 0.0004 * k)
        if k in leading:
            before = stream(7650 + k, early[10 - leading[k] : 10], 0.0, 0.01)
            own = pd.concat([before, own])
        series[name] = own
    # backtest windows (failed of all): p07 at 4/5 = 0.8 and p16 at 7/8 = 0.875 pass the
    # root's guardrail (0.75) and fail the branch's (0.9)
    ledgers = {7: (5, 1), 16: (8, 1)}
    # NYSE:MANY is held by p00-p08 at both levels (17 holdings, wide/p07 vetoed): the top
    # assets table lists the 8 largest and '+9 more'. p00 holds +25% of it and p01 -25%, the
    # rest 50%: at the root the 8th largest is a tie in size between +1/128 (p00) and -1/128
    # (p01), which the path decides (p00). NYSE:EIGHT is held by p20-p23 at both levels:
    # exactly 8 contributions; NYSE:OCTO by p16-p19, p24, p25 and p29: exactly 8 contributors
    # (the seven and the branch wide), 13 contributions (wide/p16 vetoed)
    shared = {
        **dict.fromkeys(range(9), ("NYSE:MANY", 0.5)),
        0: ("NYSE:MANY", 0.25),
        1: ("NYSE:MANY", -0.25),
        **dict.fromkeys(range(20, 24), ("NYSE:EIGHT", 0.5)),
        **dict.fromkeys((16, 17, 18, 19, 24, 25, 29), ("NYSE:OCTO", 0.5)),
    }
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            {"equal_weight": series[name]},
            [(f"NYSE:{name.upper()}", 1.0 - shared[k][1]), shared[k]]
            if k in shared
            else [(f"NYSE:{name.upper()}", 1.0)],
            windows=ledgers.get(k, (1, 0))[0],
            failed={"equal_weight": ledgers.get(k, (1, 0))[1]},
            anomaly=10 <= k <= 25,  # window 0 at Sharpe 12.5: 32 flagged rows over both levels
        )
        for k, name in enumerate(names)
    ]
    # a second branch right after wide (p26 and p28): wide's "... and K more" line is followed
    # by another branch's section, and the health table's sleeves are in exactly three files
    root = [
        *atomic(names[:13]),
        {"id": "wide", "meta_profile": "meta_wide"},
        {"id": "tail", "meta_profile": "meta_tail"},
        *atomic(names[13:]),
    ]
    root[0]["run_id"] = ""  # upstream's "not pinned", as null is
    root[1]["run_id"] = None
    manifest = {
        "meta_ties": {
            "sleeves": root,
            "meta_allocation": {"risk_profiles": ["equal_weight"]},
            "health": {"require_ledger": False, "min_sleeves": 3},
        },
        "meta_wide": {
            "sleeves": atomic(names),
            "meta_allocation": {"risk_profiles": ["equal_weight"], "method": "inverse_volatility"},
            "health": {"min_success_ratio": 0.9},
        },
        "meta_tail": {
            "sleeves": atomic(["p26", "p28"]),
            "meta_allocation": {"risk_profiles": ["equal_weight"]},
        },
    }
    return Workspace(
        "report_ties",
        manifest,
        sleeves,
        case(
            "Ties and orders in the report's rankings. The root has 33 columns (p00-p12, the "
            "branches 'wide' and 'tail', p13-p30), more than 25, so the report lists the 5 most "
            "and least correlated pairs. p00, p01, p02 and p05 are one stream: 6 pairs tie at the"
            " top and the first 5 by (row, column) are shown, (0,1) (0,2) (0,5) (1,2) (1,5). p09 "
            "= -p03, p06 = -p04 and p30 = -p29, where p04 and p29 are permutations of p03 (equal "
            "variance): the pairs (3,9) (4,6) (31,32) tie at the bottom, in that order, and the "
            "last one is the last two columns. Returns are k/1024 over 32 common rows, so the "
            "ties are exact. More than 30 calendars: the 20 that dropped the most days are shown,"
            " p08 (5), p14 and p20 (3, in order), p27 (2), p15 (1), then the others in manifest "
            "order. The root's guardrail does not require a ledger (shown: 'no') and asks for 3 "
            'sleeves, not the default 2. p00 has run_id "" and p01 run_id null: both unpinned, '
            "the newest run. p07 (4/5 = 0.8) and p16 (7/8 = 0.875) pass the root's 0.75 and fail "
            "the branch's 0.9: the health table lists the vetoed first (wide/p07, wide/p16), then"
            " by ratio. The branch 'wide' (inverse_volatility over all 31 sleeves) is one more "
            "than a table shows whole: its table shows the 20 largest weights, ties (the four p00"
            " copies; p03, p04, p06, p09, p29, p30) in manifest order. p10-p25 each flag window 0"
            " (Sharpe 12.5) at both levels: 32 anomaly rows, the first 20 shown. NYSE:MANY is "
            "held by p00-p08 at both levels (17 holdings, wide/p07 vetoed): the top assets table "
            "names the 8 largest and '+9 more'; p00 holds +25% of it and p01 -25%, so the 8th "
            "largest at the root is a tie in size (+1/128 and -1/128) that the path decides: p00 "
            "is named, p01 is not. NYSE:EIGHT by p20-p23 at both levels: exactly 8 contributions,"
            " all named. NYSE:OCTO by seven sleeves: exactly 8 contributors (with wide), all "
            "named. The branch 'tail' (p26, p28) follows 'wide', so wide's '... and 11 more' line"
            " is followed by tail's section, and the health table's 64 atomic sleeves are in "
            "exactly three sleeves tables, all named.",
            "meta_ties",
            ["equal_weight"],
        ),
    )


def benefit_twins_case() -> Workspace:
    """Two identical sleeves under equal weight: the meta stream is the sleeve's own, so the
    meta volatility equals the lowest sleeve volatility exactly: the benefit check fails."""
    days = tradfi_days("2025-09-01", 30)
    twin = stream(7650, days, 0.0004, 0.01)
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name.replace("_", " "),  # an upstream profile name need not be a file name
            {"equal_weight": twin},
            [(f"NYSE:{name.upper()}", 1.0)],
        )
        for name in ("twin_AX", "twin_BX")
    ]

    def flag_fifteen_windows(root: Path) -> None:
        """15 more backtest_simulate records at |Sharpe| 11 in each twin's ledger: 30 anomaly
        rows in all, the most the report's anomaly table shows whole."""
        for name in ("twin_AX", "twin_BX"):
            path = root / RUNS / f"{name}_20260101-000000" / "audit.jsonl"
            lines = [
                json.dumps(
                    {
                        "type": "action",
                        "status": "success",
                        "step": "backtest_simulate",
                        "context": {
                            "engine": "custom",
                            "profile": "equal_weight",
                            "window_index": w,
                        },
                        "outcome": {"metrics": {"sharpe": 11.0, "annualized_vol": 0.2}},
                    },
                    sort_keys=True,
                )
                + "\n"
                for w in range(100, 115)
            ]
            with path.open("a", encoding="utf-8") as ledger:
                ledger.write("".join(lines))

    return Workspace(
        "benefit_twins",
        {
            "meta_twins": {
                "sleeves": [
                    {"id": "twin_AX", "profile": "twin AX"},
                    {"id": "twin_BX", "profile": "twin BX"},
                ],
                "meta_allocation": {"risk_profiles": ["equal_weight"]},
            }
        },
        sleeves,
        case(
            "Two identical sleeves under equal weight: the meta stream is 0.5 x + 0.5 x = x "
            "exactly, so the meta volatility equals the lowest sleeve volatility and the "
            "correlation benefit check reports FAIL (not below: equal is no diversification). "
            "The ids end in 'X', the last column of the correlation table's header among them, "
            "so a header trimmed of trailing characters shows. Each twin's ledger flags 15 "
            "windows (Sharpe 11): 30 anomaly rows, the most the report shows whole. Their "
            "profiles are named 'twin AX' and 'twin BX': a profile name is matched, never "
            "used in a path, so it need not be a file name.",
            "meta_twins",
            ["equal_weight"],
        ),
        extra=flag_fifteen_windows,
    )


def nested_depth3_case() -> Workspace:
    """Three meta levels: a branch inside a branch (paths ``mid/inner``), physical assets
    shared by all three levels, a short held long elsewhere, and a cached rerun whose probes
    edit ``top_leaf``, the root's atomic sleeve listed after its branch."""
    days = crypto_days("2025-11-01", 40)
    risks = ["hrp", "min_variance"]
    btc_eth = [("BINANCE:BTCUSDT", 0.6), ("BINANCE:ETHUSDT", 0.4)]
    sleeves = [
        simple_sleeve(
            "top_leaf_20260101-000000", "top_leaf", 7700, days, risks, btc_eth, sigma=0.02
        ),
        simple_sleeve(
            "m_leaf_20260101-000000",
            "m_leaf",
            7710,
            days,
            risks,
            [("BINANCE:BTCUSDT", 0.5), ("BINANCE:SOLUSDT", 0.5)],
            sigma=0.015,
        ),
        simple_sleeve(
            "i_long_20260101-000000", "i_long", 7720, days, risks, [("BINANCE:BTCUSDT", 1.0)]
        ),
        simple_sleeve(
            "i_short_20260101-000000",
            "i_short",
            7730,
            days,
            risks,
            [("BINANCE:ETHUSDT", -0.7), ("BINANCE:SOLUSDT", 0.3)],
            sigma=0.03,
        ),
    ]
    manifest = {
        "meta_top": {
            "sleeves": [
                {"id": "mid", "meta_profile": "meta_mid"},
                {"id": "top_leaf", "profile": "top_leaf"},
            ],
            "meta_allocation": {"risk_profiles": risks},
        },
        "meta_mid": {
            "sleeves": [
                {"id": "m_leaf", "profile": "m_leaf"},
                {"id": "inner", "meta_profile": "meta_inner"},
            ],
            "meta_allocation": {"risk_profiles": risks},
        },
        "meta_inner": {
            "sleeves": atomic(["i_long", "i_short"]),
            "meta_allocation": {"risk_profiles": risks},
        },
    }
    return Workspace(
        "nested_depth3",
        manifest,
        sleeves,
        case(
            "Three meta levels (meta_top > meta_mid > meta_inner): the report names the inner "
            "branch by its path 'mid/inner' and its leaves 'mid/inner/i_long'; BINANCE:BTCUSDT "
            "is held at all three levels and summed, ETHUSDT is long in top_leaf and short in "
            "i_short (net of both), under hrp and min_variance. Run again from the cache: "
            "top_leaf, listed after the branch, holds the last returns file by path, so the "
            "probes edit a sleeve that follows a nested one in the root's key.",
            "meta_top",
            risks,
            cached_rerun=True,
        ),
    )


def hrp_sleeves_case(
    name: str,
    profile: str,
    names: list[str],
    streams: tuple[int, int, int, float, float],
    description: str,
) -> Workspace:
    """A flat hrp profile of one-window sleeves; ``streams`` = (seed, business days from
    2025-08-01, mean cycle, base volatility, volatility step): sleeve k has mean 0.0002 *
    (k % cycle) and volatility base + step * k."""
    seed, count, cycle, base, step = streams
    days = tradfi_days("2025-08-01", count)
    sleeves = [
        one_window_sleeve(sleeve, stream(seed + k, days, 0.0002 * (k % cycle), base + step * k))
        for k, sleeve in enumerate(names)
    ]
    return Workspace(
        name,
        {profile: {"sleeves": atomic(names)}},
        sleeves,
        case(description, profile, ["hrp"]),
    )


def report_twenty_five_case() -> Workspace:
    """25 sleeves: the most for which the report prints the whole correlation matrix and the
    whole cluster tree (``SMALL_PROFILE``); ``report_at_scale`` has 31 and lists pairs."""
    return hrp_sleeves_case(
        "report_twenty_five",
        "meta_25",
        [f"q{k:02d}" for k in range(25)],
        (7800, 40, 4, 0.005, 0.0003),
        "25 sleeves under hrp: the most for which the report shows the whole 25 x 25 "
        "correlation matrix and the whole text cluster tree (26 would list the five most and "
        "least correlated pairs and the top splits, as report_at_scale does).",
    )


def report_thirty_case() -> Workspace:
    """Exactly 30 sleeves (``FULL_ROWS``) in the root, 9 of them branches: the most for which
    the report's tables list every sleeve (31 show the top 20), and a tree of exactly 10 meta
    profiles (``NAMES_IN_LINE``), the most the title's structure line names in full."""
    days = tradfi_days("2025-08-01", 40)
    roots = [f"t{k:02d}" for k in range(21)]
    leaves = [f"leaf{k}" for k in range(1, 10)]
    sleeves = [
        one_window_sleeve(name, stream(8100 + k, days, 0.0002 * (k % 4), 0.004 + 0.0003 * k))
        for k, name in enumerate(roots + leaves)
    ]
    branches = [{"id": f"b{k}", "meta_profile": f"meta_b{k}"} for k in range(1, 10)]
    manifest: dict[str, object] = {"meta_thirty": {"sleeves": [*atomic(roots), *branches]}}
    for k, leaf in enumerate(leaves, start=1):
        manifest[f"meta_b{k}"] = {"sleeves": atomic([leaf])}
    return Workspace(
        "report_thirty",
        manifest,
        sleeves,
        case(
            "30 sleeves under hrp, 21 atomic and 9 branches (meta_b1 to meta_b9, one sleeve "
            "each): the most for which the report's summary and sleeve tables list every "
            "sleeve (31 would show the 20 largest), with 30 atomic sleeves in the inputs "
            "table; the tree has exactly 10 meta profiles, which the title's structure line "
            "names in full (11 would end in '+1 more branches').",
            "meta_thirty",
            ["hrp"],
        ),
    )


def one_sleeve_case() -> Workspace:
    """A meta profile of one sleeve: all of the weight, no cluster tree to show."""
    days = tradfi_days("2025-09-01", 20)
    return Workspace(
        "one_sleeve",
        {"meta_one": {"sleeves": atomic(["solo"])}},
        [one_window_sleeve("solo", stream(7900, days, 0.0005, 0.01))],
        case(
            "A meta profile of one sleeve under hrp: it gets the whole weight, its assets pass "
            "through unchanged, and the report's tree section says 'n/a (one sleeve)'.",
            "meta_one",
            ["hrp"],
        ),
    )


def report_few_pairs_case() -> Workspace:
    """26 sleeves, one more than ``SMALL_PROFILE``, so the report lists the most and least
    correlated pairs instead of the matrix; 23 of them are constant (cash-like, allowed under
    equal weight, which checks no variance), so their correlations are undefined (NaN) and
    ignored, and only the 3 pairs of the 3 varying sleeves remain: fewer than ``PAIRS`` (5), so
    each list is those 3, best first. The selection must not ask for the 5th of 3 values."""
    days = tradfi_days("2025-09-01", 20)
    names = [f"m{k:02d}" for k in range(26)]
    sleeves = []
    for k, name in enumerate(names):
        if k < 3:
            series = stream(7990 + k, days, 0.0004, 0.004 * (k + 1))
        else:
            series = pd.Series(0.0001 * (k - 2), index=days)  # constant: no correlation
        sleeves.append(one_window_sleeve(name, series, "equal_weight"))
    return Workspace(
        "report_few_pairs",
        {
            "meta_few_pairs": {
                "sleeves": atomic(names),
                "meta_allocation": {"risk_profiles": ["equal_weight"], "method": "equal_weight"},
            }
        },
        sleeves,
        case(
            "26 sleeves under equal weight (one more than the report's full correlation "
            "matrix), 23 of them constant, so only the 3 pairs of m00, m01 and m02 have a "
            "correlation: the most and least correlated lists hold those 3, fewer than the 5 a "
            "large profile shows, and no NaN pair.",
            "meta_few_pairs",
            ["equal_weight"],
        ),
    )


def upstream_settings_case() -> Workspace:
    """A meta profile in the upstream pipeline's style: its risk profile from
    ``meta_allocation.profile`` (erc, not the default hrp), upstream blocks recorded as
    ``ignored_settings`` in each of their forms (a block of keys, a scalar, an empty block and
    null, which record nothing, and feature flags), and a nested sleeve whose ``weight_limit``
    binds: the branch's ERC weight is capped at 0.2."""
    days = tradfi_days("2025-09-01", 40)
    risk = "erc"
    streams = {
        name: stream(8100 + k, days, 0.0004, vol)
        for k, (name, vol) in enumerate(
            [("up_a", 0.012), ("up_b", 0.015), ("in_c", 0.004), ("in_d", 0.005)]
        )
    }
    manifest: dict[str, object] = {
        "meta_upstream_style": {
            "description": "upstream-style meta profile",
            "sleeves": [
                *atomic(["up_a", "up_b"]),
                {"id": "inner", "meta_profile": "meta_upstream_inner", "weight_limit": [0.05, 0.2]},
            ],
            "meta_allocation": {"engine": "custom", "profile": risk},
            "features": {"feat_directional_sign_test_gate": True},
            "backtest": {"train_window": 60, "step_size": 20},
            "env": "production",
            "risk": {},
            "data": None,
        },
        "meta_upstream_inner": {
            "sleeves": atomic(["in_c", "in_d"]),
            "meta_allocation": {"profile": risk},
        },
    }
    return Workspace(
        "upstream_settings",
        manifest,
        [one_window_sleeve(name, series, risk) for name, series in streams.items()],
        case(
            "An upstream-style meta profile: meta_allocation.profile 'erc' (no risk_profiles) "
            "selects the erc runs of every sleeve, nested branch included; upstream blocks are "
            "recorded in the meta manifest's ignored_settings as backtest.step_size, "
            "backtest.train_window, env and features.feat_directional_sign_test_gate, while the "
            "empty 'risk' block and the null 'data' record nothing; the low-volatility branch "
            "'inner' would take most of the ERC weight but its weight_limit [0.05, 0.2] caps it "
            "at 0.2.",
            "meta_upstream_style",
            [risk],
        ),
    )


def bounds_fixed_case() -> Workspace:
    """min_weight equal to max_weight (0.25 for 4 sleeves): feasible, every weight fixed at
    its bound whatever the allocator says; only min_weight above max_weight is refused."""
    days = tradfi_days("2025-09-01", 30)
    names = ["fx_a", "fx_b", "fx_c", "fx_d"]
    sleeves = [
        one_window_sleeve(name, stream(8200 + k, days, 0.0003, 0.004 * (k + 1)))
        for k, name in enumerate(names)
    ]
    return Workspace(
        "bounds_fixed",
        {
            "meta_fixed": {
                "sleeves": atomic(names),
                "meta_allocation": {"min_weight": 0.25, "max_weight": 0.25},
            }
        },
        sleeves,
        case(
            "hrp on 4 sleeves with min_weight == max_weight == 0.25: the bounds are feasible "
            "(4 x 0.25 = 1) and fix every weight at 0.25, whatever the raw HRP weights; only "
            "min_weight > max_weight is refused.",
            "meta_fixed",
            ["hrp"],
        ),
    )


def nested_diamond_case() -> Workspace:
    """Two branches that share one meta profile (a diamond, not a cycle): the tree lists the
    shared profile once (the audit ledger counts 4 meta profiles, not 5), and its assets reach
    the root along both paths, one contribution per path, summed."""
    days = tradfi_days("2025-09-01", 30)
    names = ["d_a", "d_b", "s_c", "s_d"]
    sleeves = [
        one_window_sleeve(name, stream(8300 + k, days, 0.0003, 0.005 * (k + 1)))
        for k, name in enumerate(names)
    ]
    shared = {"id": "shared", "meta_profile": "meta_shared"}
    manifest: dict[str, object] = {
        "meta_diamond": {
            "sleeves": [
                {"id": "left", "meta_profile": "meta_left"},
                {"id": "right", "meta_profile": "meta_right"},
            ]
        },
        "meta_left": {"sleeves": [*atomic(["d_a"]), shared]},
        "meta_right": {"sleeves": [*atomic(["d_b"]), shared]},
        "meta_shared": {"sleeves": atomic(["s_c", "s_d"])},
    }
    return Workspace(
        "nested_diamond",
        manifest,
        sleeves,
        case(
            "A diamond: branches meta_left and meta_right both hold meta_shared (s_c, s_d) "
            "beside one sleeve of their own. The tree has 4 meta profiles, the shared one "
            "resolved once; its assets reach the root through both branches, with one "
            "contribution per path (left/shared/s_c and right/shared/s_c) summed into one "
            "weight.",
            "meta_diamond",
            ["hrp"],
        ),
    )


def cash_sleeves_case() -> Workspace:
    """Two sleeves that hold nothing (``"assets": []``, as a strategy out of the market
    writes): the meta portfolio holds no asset at all."""
    days = tradfi_days("2025-09-01", 20)
    sleeves = [
        one_window_sleeve(name, stream(7950 + k, days, 0.0, 0.002 * (k + 1)))
        for k, name in enumerate(["cash_a", "cash_b"])
    ]
    for sleeve in sleeves:
        sleeve.assets = {"hrp": []}
    return Workspace(
        "cash_sleeves",
        {"meta_cash": {"sleeves": atomic(["cash_a", "cash_b"])}},
        sleeves,
        case(
            "Two sleeves whose weights files list no asset (an empty assets list): the sleeves "
            "still get weights from their returns, the meta portfolio holds nothing (an empty "
            "flattened file, totals 0), and the report's top-assets section reads 'Top 0 of 0' "
            "and 'none'.",
            "meta_cash",
            ["hrp"],
        ),
    )


def wiped_out_case() -> Workspace:
    """Both sleeves lose everything (-100%) on the first day: every wealth curve is 0 from the
    start, so the equity figure has no positive value for its log axis."""
    days = tradfi_days("2025-09-01", 20)
    streams = [stream(7970 + k, days, 0.0005, 0.01) for k in range(2)]
    for series in streams:
        series.iloc[0] = -1.0
    return Workspace(
        "wiped_out",
        {"meta_wiped": {"sleeves": atomic(["a", "b"])}},
        [one_window_sleeve(name, series) for name, series in zip("ab", streams, strict=True)],
        case(
            "Both sleeves return -100% on the first day, drawn: the meta portfolio and every "
            "sleeve are worth 0 from the first day (max drawdown -100%), so the equity figure's "
            "log axis has no positive value; it spans a decade below 1 (0.1 to 1) and draws "
            "without a warning, instead of the singular range [1, 1].",
            "meta_wiped",
            ["hrp"],
            draw_figures=True,
        ),
    )


def shared_by_eight_case() -> Workspace:
    """Eight sleeves that all hold NYSE:COMMON: every asset is shown, and the one with the most
    contributions has exactly 8 (CONTRIBUTORS), so the report does not point to the file."""
    days = tradfi_days("2025-09-01", 20)
    names = [f"e{k}" for k in range(8)]
    sleeves = [
        sleeve_of(
            f"{name}_20260101-000000",
            name,
            {"equal_weight": stream(8100 + k, days, 0.0004, 0.006 + 0.001 * k)},
            [(f"NYSE:{name.upper()}", 0.5), ("NYSE:COMMON", 0.5)],
            windows=1,
        )
        for k, name in enumerate(names)
    ]
    return Workspace(
        "shared_by_eight",
        {"meta_eight": {"sleeves": atomic(names)}},
        sleeves,
        case(
            "Eight sleeves under equal_weight, each holding half its weight in NYSE:COMMON: 9 "
            "assets, all shown in the top-assets table, and NYSE:COMMON's 8 contributions are "
            "exactly as many as a row lists (CONTRIBUTORS), so the totals line does not point "
            "to the flattened file (it does from 9 contributions, or when an asset is left out).",
            "meta_eight",
            ["equal_weight"],
        ),
    )


def boundary_cases() -> list[Workspace]:
    return [
        *tiny_calendar_cases(),
        scale_case(),
        stream_edges_case(),
        *fallback_cases(),
        max_sharpe_edges_case(),
        erc_singular_fallback_case(),
        erc_collinear_case(),
        erc_near_hedge_case(),
        tz_case(),
        index_kinds_case(),
        clean_case(),
        health_case(),
        selection_case(),
        headers_case(),
        hrp_options_case(),
        sources_case(),
        atom_weights_case(),
        returns_shapes_case(),
        edges_case(),
        min_variance_fallback_case(),
        holidays_case(),
        compound_exact_case(),
        *boundary_failures(),
        covariance_edges_case(),
        *stats_failures(),
        bounds_projection_case(),
        min_variance_paths_case(),
        min_variance_vertex_case(),
        min_variance_bounds_case(),
        figures_unlabelled_case(),
        figures_twelve_case(),
        figures_twenty_case(),
        figures_twenty_one_case(),
        report_ties_case(),
        benefit_twins_case(),
        nested_depth3_case(),
        report_twenty_five_case(),
        report_thirty_case(),
        one_sleeve_case(),
        cash_sleeves_case(),
        report_few_pairs_case(),
        upstream_settings_case(),
        bounds_fixed_case(),
        nested_diamond_case(),
        figures_forty_case(),
        wiped_out_case(),
        shared_by_eight_case(),
        index_us_text_case(),
    ]


def all_cases() -> list[Workspace]:
    cases = basic_cases() + nested_and_signs() + multi_and_health() + failure_cases()
    cases += boundary_cases()
    shorts = next(c for c in cases if c.name == "shorts_fx")
    shorts.extra = v2_atoms
    if SHARED_CSV.exists():
        cases.append(upstream_case())
    if SHARED_MANIFEST.exists():
        cases.append(upstream_manifest_case())
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write fixtures/ and demo/ under this folder instead of the repo",
    )
    args = parser.parse_args()
    fixtures = (args.out / "fixtures" if args.out else REPO / "fixtures") / "workspaces"
    demo_root = (
        args.out / "demo" if args.out else REPO / "tradingview_scraper" / "demo" / "workspace"
    )
    for workspace in all_cases():
        workspace.write(fixtures / workspace.name)
    demo().write(demo_root)
    print(f"wrote {len(all_cases())} cases under {fixtures} and the demo under {demo_root}")


if __name__ == "__main__":
    main()
