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
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["date,return"]
    for when, value in zip(series.index, series.to_numpy(), strict=True):
        lines.append(f"{when.strftime('%Y-%m-%d')},{float(value)!r}")
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

    def write(self, root: Path) -> None:
        run = root / RUNS / self.run_id
        resolved: dict[str, str] = {"profile": self.profile, "run_id": self.run_id}
        if self.created_at:
            resolved["created_at"] = self.created_at
        dump(run / "config" / "resolved_manifest.json", resolved)
        for risk, series in sorted(self.streams.items()):
            name = f"{self.engine}_{self.simulator}_{risk}.csv"
            write_returns(run / "data" / "returns" / name, series)
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
        ts = (self.created_at or "2026-01-01T00:00:00").replace("Z", "")
        records: list[dict[str, object]] = [
            {"type": "genesis", "run_id": self.run_id, "profile": self.profile, "ts": ts}
        ]
        for risk in sorted(self.streams):
            failed = self.failed.get(risk, 0)
            for window in range(self.windows):
                params = {"window_index": window, "engine": self.engine, "profile": risk}
                records.append(
                    {
                        "type": "action",
                        "status": "intent",
                        "step": "backtest_optimize",
                        "intent": {"params": params},
                    }
                )
                if window < self.windows - failed:
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
    run_id: str = "golden_run",
    error: tuple[str, str] | None = None,
) -> dict[str, object]:
    expect: dict[str, object] = {"outcome": "success"}
    if error is not None:
        expect = {"outcome": "error", "error_type": error[0], "message_pattern": error[1]}
    return {
        "description": description,
        "meta_profile": profile,
        "risk_profiles": risks,
        "run_id": run_id,
        "expect": expect,
    }


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
            case("Two crypto sleeves, HRP: the basic artifact contract.", "meta_two", ["hrp"]),
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
                },
                "meta_branch": {
                    "sleeves": [
                        {"id": "leaf_a", "profile": "leaf_a"},
                        {"id": "leaf_b", "profile": "leaf_b"},
                    ],
                    "meta_allocation": {"risk_profiles": risks, "linkage": "ward"},
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
            case("Depth-2 nested meta whose branches share physical assets.", "meta_root", risks),
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
            case("Five risk profiles in one run.", "meta_multi", risks),
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
                "One sleeve vetoed (3/8 windows), two remain; an anomalous window is reported.",
                "meta_health",
                ["hrp"],
            ),
        )
    )
    return out


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
            two,
            flaky,
            case(
                "A veto leaves one sleeve, fewer than min_sleeves 2.",
                "meta_fail",
                ["hrp"],
                error=("HealthVetoError", r"vetoed: b: 2/8 windows succeeded"),
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


def all_cases() -> list[Workspace]:
    cases = basic_cases() + nested_and_signs() + multi_and_health() + failure_cases()
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
