"""Stage inputs built by hand for the meta tests: one healthy or vetoed atomic sleeve."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from tradingview_scraper.contracts import (
    HealthResult,
    Ledger,
    RunInfo,
    SleeveSpec,
    SleeveWeights,
)
from tradingview_scraper.meta.aggregate import AtomInputs

ABSOLUTE_RUNS = Path("/abs/workspace/runs")


def spec(sid: str) -> SleeveSpec:
    return SleeveSpec(id=sid, kind="atomic", location=f"sleeves[{sid}]", profile=f"prof_{sid}")


def atom(
    sid: str,
    series: pd.Series | None,
    risk: str,
    *,
    reason: str = "",
    nets: Mapping[str, float] | None = None,
    ledger: Ledger | None = None,
) -> AtomInputs:
    """Sleeve ``sid`` as the loader would hand it over; vetoed (1/4 windows) when ``reason``."""
    healthy = reason == ""
    run = RunInfo(
        run_id=f"{sid}_20260105-120000",
        path=ABSOLUTE_RUNS / f"{sid}_20260105-120000",
        profile=f"prof_{sid}",
        created_at="2026-01-05T12:00:00",
        genesis_ts=None,
        selection="newest of 2 runs",
    )
    health = HealthResult(
        sleeve_id=sid,
        risk_profile=risk,
        requested=4,
        succeeded=4 if healthy else 1,
        ratio=1.0 if healthy else 0.25,
        healthy=healthy,
        reason=reason,
    )
    weights = SleeveWeights(
        source=f"runs/{sid}/data/portfolio_flattened.json",
        kind="flattened",
        nets=dict(nets) if nets is not None else {f"X:{sid.upper()}": 1.0},
    )
    return AtomInputs(
        spec=spec(sid),
        run=run,
        ledger=ledger,
        health=health,
        returns_file=f"runs/{sid}/data/returns/custom_cvx_{risk}.pkl" if healthy else None,
        raw=series if healthy else None,
        weights=weights if healthy else None,
    )
