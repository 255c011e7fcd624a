"""Report sections on the allocation: weights, performance, the correlation-benefit check. Pure.

Profiles of more than ``FULL_ROWS`` sleeves show the top sleeves by final weight and by risk
contribution, then how many more the sleeves CSV holds.
"""

from __future__ import annotations

import math

from ._report_format import (
    NA,
    Links,
    capped,
    capped_table,
    code,
    figure_line,
    fmt,
    more_line,
    table,
)
from .aggregate import MetaOutcome, SleeveOutcome
from .metrics import CALENDAR_DAYS, Performance, weekend_days
from .stats import ProfileStats

__all__ = ["allocation_section", "benefit_section", "performance_section", "sleeve_kind"]

_ALLOCATION_HEADERS = [
    "sleeve",
    "kind",
    "status",
    "raw weight",
    "final weight",
    "bounds [lo, hi]",
    "active bound",
    "risk contribution",
]


def sleeve_kind(sleeve: SleeveOutcome) -> str:
    if sleeve.spec.kind == "meta":
        return f"meta ({sleeve.spec.meta_profile})"
    return "atomic"


def _weight(value: float) -> str:
    return f"{fmt(value)} ({fmt(value, 'dec')})"


def _allocation_row(s: SleeveOutcome, active: dict[str, str]) -> list[object]:
    return [
        s.spec.id,
        sleeve_kind(s),
        s.status,
        _weight(s.raw_weight) if s.status == "included" else "",
        _weight(s.weight),
        f"[{fmt(s.bounds.lo)}, {fmt(s.bounds.hi)}]",
        active.get(s.spec.id, ""),
        fmt(s.risk_contribution) if s.status == "included" else "",
    ]


def _allocation_tables(outcome: MetaOutcome, links: Links) -> list[str]:
    result = outcome.allocation
    active = dict(zip(result.names, result.active, strict=True))
    sleeves = list(outcome.sleeves)
    order = {s.spec.id: i for i, s in enumerate(sleeves)}
    by_weight = capped(sleeves, lambda s: (-s.weight, order[s.spec.id]))
    if len(by_weight) == len(sleeves):
        return table(_ALLOCATION_HEADERS, [_allocation_row(s, active) for s in sleeves])
    by_risk = capped(sleeves, lambda s: (-s.risk_contribution, order[s.spec.id]))
    shown = {s.spec.id for s in by_weight} | {s.spec.id for s in by_risk}
    return [
        f"Top {len(by_weight)} of {len(sleeves)} sleeves by final weight:",
        "",
        *table(_ALLOCATION_HEADERS, [_allocation_row(s, active) for s in by_weight]),
        "",
        f"Top {len(by_risk)} by risk contribution:",
        "",
        *table(_ALLOCATION_HEADERS, [_allocation_row(s, active) for s in by_risk]),
        "",
        more_line(len(shown), len(sleeves), "sleeves", links.csv.get("sleeves", "")),
    ]


def allocation_section(outcome: MetaOutcome, stats: ProfileStats, links: Links) -> list[str]:
    result = outcome.allocation
    weights = [s.weight for s in outcome.sleeves if s.weight != 0.0]
    effective = 1.0 / math.fsum(w * w for w in weights) if weights else None
    lines = [
        "Raw weights are the allocator's output before the bounds; final weights are after the "
        "bounds (vetoed sleeves get 0). Risk contribution is the share of the portfolio variance.",
        "",
        *figure_line(links, "weights", f"raw and final weights, {outcome.risk_profile}"),
        *_allocation_tables(outcome, links),
        "",
        f"Effective number of sleeves (1 / sum w^2): {fmt(effective, 'num')}. "
        f"Method: {code(outcome.method)}; "
        f"converged: {'yes' if result.converged else 'no'}; iterations: {result.iterations}.",
    ]
    if outcome.fallback:
        lines += ["", f"Fallback: {outcome.fallback}."]
    return lines


def _performance_row(name: str, p: Performance) -> list[object]:
    return [
        name,
        fmt(p.annualized_return),
        fmt(p.annualized_vol),
        fmt(p.sharpe, "num"),
        fmt(p.max_drawdown),
        fmt(p.win_rate),
        str(p.days),
    ]


def _calendar_basis(outcome: MetaOutcome, stats: ProfileStats) -> str:
    weekend = weekend_days(outcome.returns.frame.index)
    if stats.periods_per_year == CALENDAR_DAYS:
        return f"{stats.periods_per_year} (the meta calendar has {weekend} weekend dates)"
    return f"{stats.periods_per_year} (the meta calendar has no weekend dates)"


def performance_section(outcome: MetaOutcome, stats: ProfileStats, links: Links) -> list[str]:
    weight = {s.spec.id: s.weight for s in outcome.sleeves}
    names = list(stats.sleeves)
    order = {name: i for i, name in enumerate(names)}
    shown = capped(names, lambda n: (-weight.get(n, 0.0), order[n]))
    rows = [_performance_row(name, stats.sleeves[name]) for name in shown]
    rows.append(_performance_row("**meta portfolio**", stats.meta))
    headers = ["series", "ann. return", "ann. vol", "Sharpe", "max drawdown", "win rate", "days"]
    lines = [
        f"Over the {outcome.returns.common_days} common days of the meta calendar; annualization "
        f"factor {_calendar_basis(outcome, stats)}; risk-free rate 0; geometric annual return.",
        "",
        *figure_line(links, "equity", f"equity and drawdown, {outcome.risk_profile}"),
    ]
    return lines + capped_table(
        headers,
        rows,
        shown=len(shown),
        total=len(names),
        intro=f"The {len(shown)} largest of {len(names)} included sleeves by final weight:",
        csv_file=links.csv.get("sleeves", ""),
    )


def benefit_section(stats: ProfileStats) -> list[str]:
    meta_vol = fmt(stats.meta.annualized_vol)
    if stats.benefit == NA:
        return [f"**n/a**: volatility is undefined (meta portfolio volatility {meta_vol})."]
    lowest = f"{fmt(stats.lowest_vol)} ({code(str(stats.lowest_vol_sleeve))})"
    verdict = "is below" if stats.benefit == "PASS" else "is not below"
    return [
        f"**{stats.benefit}**: meta portfolio volatility {meta_vol} {verdict} the lowest sleeve "
        f"volatility {lowest}."
    ]
