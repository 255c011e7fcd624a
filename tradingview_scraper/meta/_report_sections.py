"""The sections of one risk profile in the meta portfolio report, and their formatting. Pure.

Every section is a function from a ``MetaOutcome`` (plus its precomputed ``ProfileStats``) to a
list of markdown lines; ``report.py`` puts them together. Numbers go through ``fmt`` only, so one
rule decides how a weight, a return or a correlation is written; tables go through ``table``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .aggregate import MetaOutcome, SleeveOutcome
from .health import ANOMALY_MAX_ABS_SHARPE, ANOMALY_MAX_VOL
from .metrics import CALENDAR_DAYS, Performance, performance, periods_per_year, weekend_days

__all__ = [
    "BENEFIT_RTOL",
    "NA",
    "ProfileStats",
    "allocation_section",
    "anomalies_section",
    "atomic_sleeves",
    "benefit_section",
    "calendar_section",
    "correlation_section",
    "fmt",
    "health_section",
    "meta_nodes",
    "nested_section",
    "performance_section",
    "profile_stats",
    "table",
    "top_assets_section",
    "tree_section",
]

NA = "n/a"

BENEFIT_RTOL = 1e-9
"""Meta volatility must be below the lowest sleeve volatility by more than this (relative):
identical sleeves mix to the same volatility up to rounding, which is no diversification."""

_STYLES: Mapping[str, tuple[float, str]] = {
    "pct": (100.0, ".2f"),  # weights, returns, volatility, drawdown, ratios: 52.73%
    "dec": (1.0, ".6f"),  # raw weights where precision matters: 0.527312
    "num": (1.0, ".2f"),  # Sharpe, effective number of sleeves
    "corr": (1.0, ".3f"),  # correlations
    "dist": (1.0, ".4f"),  # dendrogram distances
    "sci": (1.0, ".4e"),  # variances
}


def fmt(value: float | None, style: str = "pct") -> str:
    """``value`` in ``style`` (see ``_STYLES``); ``n/a`` for None or non-finite; no ``-0.00``."""
    if value is None or not math.isfinite(value):
        return NA
    scale, spec = _STYLES[style]
    scaled = value * scale
    text = format(scaled, spec)
    if float(text) == 0.0:
        text = format(0.0, spec)
    return text + "%" if style == "pct" else text


def _count(value: object) -> str:
    return NA if value is None else str(value)


def _cell(value: object) -> str:
    text = " ".join(str(value).split())
    return text.replace("|", "\\|") if text else "-"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A GitHub markdown table; ``|`` inside cells is escaped, empty cells show ``-``."""
    width = len(headers)
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + " --- |" * width]
    for row in rows:
        if len(row) != width:
            raise ValueError(f"table row has {len(row)} cells, expected {width}: {row!r}")
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return lines


def _code(text: str) -> str:
    return f"`{text}`"


# --- statistics shared by the summary and the sections -------------------------------------


@dataclass(frozen=True, slots=True)
class ProfileStats:
    """Performance of the included sleeves and the meta portfolio over the meta calendar."""

    periods_per_year: int
    sleeves: Mapping[str, Performance]  # included sleeve id -> performance, matrix column order
    meta: Performance
    benefit: str  # "PASS", "FAIL" or "n/a"
    lowest_vol_sleeve: str | None

    @property
    def lowest_vol(self) -> float | None:
        if self.lowest_vol_sleeve is None:
            return None
        return self.sleeves[self.lowest_vol_sleeve].annualized_vol


def profile_stats(outcome: MetaOutcome) -> ProfileStats:
    """Statistics of the aligned matrix's columns and of ``outcome.stream`` (same calendar)."""
    frame = outcome.returns.frame
    ppy = periods_per_year(frame.index)
    sleeves = {str(c): performance(frame[c], ppy) for c in frame.columns}
    meta = performance(outcome.stream, ppy)
    vols = [(p.annualized_vol, i) for i, (_, p) in enumerate(sleeves.items())]
    finite = [(v, i) for v, i in vols if v is not None]
    lowest = list(sleeves)[min(finite)[1]] if finite else None
    benefit = NA
    if lowest is not None and meta.annualized_vol is not None:
        floor = sleeves[lowest].annualized_vol
        assert floor is not None
        benefit = "PASS" if meta.annualized_vol < floor * (1.0 - BENEFIT_RTOL) else "FAIL"
    return ProfileStats(ppy, sleeves, meta, benefit, lowest)


# --- walking the nesting ---------------------------------------------------------------------


def meta_nodes(outcome: MetaOutcome) -> Iterator[tuple[str, MetaOutcome, float]]:
    """``(path, node, weight of the node in the root)`` for the root (path "") and every branch,
    depth first in manifest order. A sub-profile used by two branches appears under both paths."""

    def visit(
        path: str, node: MetaOutcome, weight: float
    ) -> Iterator[tuple[str, MetaOutcome, float]]:
        yield path, node, weight
        for sleeve in node.sleeves:
            if sleeve.spec.kind == "meta":
                child = f"{path}/{sleeve.spec.id}" if path else sleeve.spec.id
                yield from visit(child, node.branches[sleeve.spec.id], weight * sleeve.weight)

    return visit("", outcome, 1.0)


def atomic_sleeves(outcome: MetaOutcome) -> Iterator[tuple[str, SleeveOutcome]]:
    """Every atomic sleeve of the tree with its path (``leaf`` or ``branch/leaf``)."""
    for path, node, _ in meta_nodes(outcome):
        for sleeve in node.sleeves:
            if sleeve.spec.kind == "atomic":
                yield (f"{path}/{sleeve.spec.id}" if path else sleeve.spec.id), sleeve


# --- sections ---------------------------------------------------------------------------------


def _kind(sleeve: SleeveOutcome) -> str:
    if sleeve.spec.kind == "meta":
        return f"meta ({sleeve.spec.meta_profile})"
    return "atomic"


def _weight(value: float) -> str:
    return f"{fmt(value)} ({fmt(value, 'dec')})"


def allocation_section(outcome: MetaOutcome) -> list[str]:
    result = outcome.allocation
    active = dict(zip(result.names, result.active, strict=True))
    rows = [
        [
            s.spec.id,
            _kind(s),
            s.status,
            _weight(s.raw_weight) if s.status == "included" else "",
            _weight(s.weight),
            f"[{fmt(s.bounds.lo)}, {fmt(s.bounds.hi)}]",
            active.get(s.spec.id, ""),
            fmt(s.risk_contribution) if s.status == "included" else "",
        ]
        for s in outcome.sleeves
    ]
    headers = ["sleeve", "kind", "status", "raw weight", "final weight", "bounds [lo, hi]"]
    headers += ["active bound", "risk contribution"]
    weights = [s.weight for s in outcome.sleeves if s.weight != 0.0]
    effective = 1.0 / math.fsum(w * w for w in weights) if weights else None
    lines = [
        "Raw weights are the allocator's output before the bounds; final weights are after the "
        "bounds (vetoed sleeves get 0). Risk contribution is the share of the portfolio variance.",
        "",
        *table(headers, rows),
        "",
        f"Effective number of sleeves (1 / sum w^2): {fmt(effective, 'num')}. "
        f"Method: {_code(outcome.method)}; "
        f"converged: {'yes' if result.converged else 'no'}; iterations: {result.iterations}.",
    ]
    if outcome.fallback:
        lines += ["", f"Fallback: {outcome.fallback}."]
    return lines


def _performance_row(name: str, p: Performance) -> list[str]:
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


def performance_section(outcome: MetaOutcome, stats: ProfileStats) -> list[str]:
    rows = [_performance_row(name, p) for name, p in stats.sleeves.items()]
    rows.append(_performance_row("**meta portfolio**", stats.meta))
    headers = ["series", "ann. return", "ann. vol", "Sharpe", "max drawdown", "win rate", "days"]
    return [
        f"Over the {outcome.returns.common_days} common days of the meta calendar; annualization "
        f"factor {_calendar_basis(outcome, stats)}; risk-free rate 0; geometric annual return.",
        "",
        *table(headers, rows),
    ]


def benefit_section(stats: ProfileStats) -> list[str]:
    meta_vol = fmt(stats.meta.annualized_vol)
    if stats.benefit == NA:
        return [f"**n/a**: volatility is undefined (meta portfolio volatility {meta_vol})."]
    lowest = f"{fmt(stats.lowest_vol)} ({_code(str(stats.lowest_vol_sleeve))})"
    verdict = "is below" if stats.benefit == "PASS" else "is not below"
    return [
        f"**{stats.benefit}**: meta portfolio volatility {meta_vol} {verdict} the lowest sleeve "
        f"volatility {lowest}."
    ]


def calendar_section(outcome: MetaOutcome) -> list[str]:
    returns = outcome.returns
    index = returns.frame.index
    span = f"{index[0]:%Y-%m-%d} to {index[-1]:%Y-%m-%d}" if len(index) else NA
    rows = [
        [
            c.sleeve_id,
            c.days,
            c.first,
            c.last,
            c.weekend_days,
            f"{c.dropped} ({fmt(c.dropped_pct / 100.0)})",
            c.compounded,
            c.outside_span,
            c.nan_dropped,
            c.clipped,
        ]
        for c in returns.calendars
    ]
    headers = ["sleeve", "days", "first", "last", "weekend days", "dropped (%)", "compounded"]
    headers += ["outside span", "NaN dropped", "clipped"]
    return [
        f"Alignment {_code(returns.alignment)}: {returns.common_days} common days, {span}; "
        f"{weekend_days(index)} weekend rows.",
        "",
        *table(headers, rows),
    ]


def health_section(outcome: MetaOutcome) -> list[str]:
    settings = outcome.profile.health
    rows = []
    for path, s in atomic_sleeves(outcome):
        health, run = s.health, s.run
        rows.append(
            [
                path,
                run.run_id if run else "",
                run.selection if run else "",
                s.returns_file or "",
                _count(health.requested if health else None),
                _count(health.succeeded if health else None),
                fmt(health.ratio) if health else NA,
                s.status,
                health.reason if health else "",
            ]
        )
    headers = ["sleeve", "run id", "run selection", "returns file", "requested", "succeeded"]
    headers += ["ratio", "status", "veto reason"]
    return [
        f"Guardrail of {_code(outcome.profile.name)}: min success ratio "
        f"{fmt(settings.min_success_ratio)}, min sleeves {settings.min_sleeves}, ledger required: "
        f"{'yes' if settings.require_ledger else 'no'}.",
        "",
        *table(headers, rows),
    ]


def correlation_section(outcome: MetaOutcome) -> list[str]:
    corr = outcome.returns.frame.corr()
    names = [str(c) for c in corr.columns]
    rows = [[name, *(fmt(float(v), "corr") for v in corr.iloc[i])] for i, name in enumerate(names)]
    return table(["sleeve", *names], rows)


def _tree_lines(tree: Mapping[str, Any]) -> list[str]:
    # Iterative: a single-linkage chain can be as deep as the number of sleeves.
    nodes = {node["node"]: node for node in tree["nodes"]}
    lines: list[str] = []
    stack: list[tuple[Mapping[str, Any], str, str]] = [({"node": tree["root"]}, "", "")]
    while stack:
        ref, lead, indent = stack.pop()
        if "sleeve" in ref:
            lines.append(f"{lead}{ref['sleeve']}")
            continue
        node = nodes[ref["node"]]
        lines.append(f"{lead}node {node['node']} (distance {fmt(node['distance'], 'dist')})")
        left, right = node["children"]
        stack.append((right, indent + "└── ", indent + "    "))
        stack.append((left, indent + "├── ", indent + "│   "))
    return lines


def tree_section(outcome: MetaOutcome) -> list[str]:
    tree = outcome.allocation.tree
    if tree is None:
        return ["n/a (one sleeve)"]
    data = tree.to_dict()
    lines = [
        f"Linkage {_code(data['linkage']['method'])} on the correlation distance "
        f"sqrt(0.5 * (1 - rho)); leaf order: {', '.join(data['leaf_order'])}.",
        "",
        "```text",
        *_tree_lines(data),
        "```",
    ]
    if data["splits"]:
        rows = [
            [
                ", ".join(split["left"]),
                ", ".join(split["right"]),
                fmt(split["left_variance"], "sci"),
                fmt(split["right_variance"], "sci"),
                fmt(split["alpha"]),
            ]
            for split in data["splits"]
        ]
        headers = ["left", "right", "left variance", "right variance", "alpha (to left)"]
        lines += ["", "HRP bisection splits:", "", *table(headers, rows)]
    return lines


def nested_section(outcome: MetaOutcome) -> list[str]:
    lines: list[str] = []
    for path, node, weight in meta_nodes(outcome):
        if not path:
            continue
        rows = [
            [s.spec.id, _kind(s), s.status, fmt(s.weight), fmt(weight * s.weight)]
            for s in node.sleeves
        ]
        headers = ["sleeve", "kind", "status", "within-branch weight", "effective weight in root"]
        lines += [
            f"#### Branch {_code(path)}: meta profile {_code(node.profile.name)}",
            "",
            f"Weight in the root: {fmt(weight)}. Method: {_code(node.method)}. "
            f"Fallback: {node.fallback or 'none'}.",
            "",
            *table(headers, rows),
            "",
        ]
    return lines[:-1] if lines else ["none: every sleeve is atomic."]


def top_assets_section(outcome: MetaOutcome, top: int) -> list[str]:
    flat = outcome.flat
    shown = flat.assets[: max(top, 0)]
    rows = [
        [
            a.symbol,
            fmt(a.net),
            a.direction,
            ", ".join(a.contributors),
            ", ".join(f"{path}={fmt(v)}" for path, v in sorted(a.contributions.items())),
        ]
        for a in shown
    ]
    headers = ["symbol", "net weight", "direction", "contributors", "contributions"]
    lines = [
        f"Top {len(shown)} of {len(flat.assets)} physical assets by absolute net weight.",
        "",
    ]
    lines += table(headers, rows) if rows else ["none"]
    lines += [
        "",
        f"Totals over all {len(flat.assets)} assets: net {fmt(flat.total_net)}, "
        f"gross {fmt(flat.gross)}.",
    ]
    return lines


def _metric(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def anomalies_section(outcome: MetaOutcome) -> list[str]:
    rows = []
    for path, sleeve in atomic_sleeves(outcome):
        for found in sleeve.anomalies:
            rows.append(
                [
                    path,
                    _count(found.get("window")),
                    fmt(_metric(found.get("sharpe")), "num"),
                    fmt(_metric(found.get("annualized_vol"))),
                    fmt(_metric(found.get("annualized_return"))),
                    _count(found.get("line")),
                ]
            )
    intro = (
        f"Sleeve backtest windows with |Sharpe| > {ANOMALY_MAX_ABS_SHARPE:g} or annualized "
        f"volatility > {fmt(ANOMALY_MAX_VOL)}, from the sleeves' ledgers."
    )
    if not rows:
        return [intro, "", "none"]
    headers = ["sleeve", "window", "Sharpe", "ann. vol", "ann. return", "ledger line"]
    return [intro, "", *table(headers, rows)]
