"""The markdown report of a meta run (DESIGN 3.4). Pure: outcomes in, one string out.

The document leads with the answer (a summary table per risk profile and the final sleeve
weights), then gives the evidence per risk profile: allocation, performance, the
correlation-benefit check, calendar integrity, sleeve health, correlations, the cluster tree,
the nesting, the top physical assets and the ledger anomalies. The output depends only on its
arguments: no clock (``generated_at`` is given), no file access, no absolute paths, and every
listing follows manifest order or a sort.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._report_sections import (
    ProfileStats,
    allocation_section,
    anomalies_section,
    benefit_section,
    calendar_section,
    correlation_section,
    fmt,
    health_section,
    meta_nodes,
    nested_section,
    performance_section,
    profile_stats,
    table,
    top_assets_section,
    tree_section,
)
from .aggregate import MetaOutcome

__all__ = ["render_report"]


def render_report(
    outcomes: Mapping[str, MetaOutcome],
    *,
    meta_run_id: str,
    generated_at: str,
    top_assets: int = 15,
) -> str:
    """One markdown document for every risk profile of one meta profile.

    ``outcomes`` maps risk profile -> root ``MetaOutcome``, in the order the report lists them.
    """
    if not outcomes:
        raise ValueError("render_report: no outcomes to report")
    names = sorted({o.profile.name for o in outcomes.values()})
    if len(names) != 1:
        raise ValueError(f"render_report: outcomes of several meta profiles {names}; expected one")
    stats = {risk: profile_stats(outcome) for risk, outcome in outcomes.items()}
    blocks: list[list[str]] = [
        _title(outcomes, meta_run_id, generated_at),
        ["## Summary"],
        _summary(outcomes, stats),
    ]
    for risk, outcome in outcomes.items():
        blocks += _risk_profile(risk, outcome, stats[risk], top_assets)
    lines = [line.rstrip() for block in blocks for line in [*block, ""]]
    return "\n".join(lines).rstrip("\n") + "\n"


def _structure(outcome: MetaOutcome) -> str:
    parts = []
    for path, node, _ in meta_nodes(outcome):
        sleeves = ", ".join(s.spec.id for s in node.sleeves)
        where = f"branch `{path}` -> " if path else ""
        parts.append(f"{where}`{node.profile.name}` = {{{sleeves}}}")
    return "; ".join(parts)


def _title(outcomes: Mapping[str, MetaOutcome], run_id: str, generated_at: str) -> list[str]:
    first = next(iter(outcomes.values()))
    lines = [f"# Meta portfolio report: {first.profile.name}", ""]
    if first.profile.description:
        lines += [f"> {' '.join(first.profile.description.split())}", ""]
    lines += [
        f"Meta run `{run_id}`, generated {generated_at}; risk profiles: {', '.join(outcomes)}.",
        "",
        f"Structure: {_structure(first)}.",
    ]
    ignored = _ignored(first)
    if ignored:
        lines += ["", f"Upstream settings accepted but not implemented (ignored): {ignored}."]
    return lines


def _ignored(outcome: MetaOutcome) -> str:
    """The upstream settings of every profile of the tree, by profile (manifest order)."""
    parts = []
    for _, node, _ in meta_nodes(outcome):
        names = [name for name, _ in node.profile.ignored_settings]
        if names:
            parts.append(f"`{node.profile.name}`: {', '.join(f'`{n}`' for n in names)}")
    return "; ".join(dict.fromkeys(parts))


def _fallbacks(outcome: MetaOutcome) -> str:
    found = [
        f"{path or outcome.profile.name}: {node.fallback}"
        for path, node, _ in meta_nodes(outcome)
        if node.fallback
    ]
    return "; ".join(found) if found else "none"


def _vetoed(outcome: MetaOutcome) -> str:
    names = [
        f"{path}/{s.spec.id}" if path else s.spec.id
        for path, node, _ in meta_nodes(outcome)
        for s in node.vetoed
    ]
    return f"{len(names)} ({', '.join(names)})" if names else "0"


def _summary(outcomes: Mapping[str, MetaOutcome], stats: Mapping[str, ProfileStats]) -> list[str]:
    rows = []
    for risk, outcome in outcomes.items():
        meta = stats[risk].meta
        included = sum(1 for s in outcome.sleeves if s.status == "included")
        rows.append(
            [
                risk,
                outcome.method,
                f"{included} of {len(outcome.sleeves)}",
                _vetoed(outcome),
                fmt(meta.annualized_return),
                fmt(meta.annualized_vol),
                fmt(meta.sharpe, "num"),
                fmt(meta.max_drawdown),
                stats[risk].benefit,
                _fallbacks(outcome),
            ]
        )
    headers = ["risk profile", "method", "sleeves included", "vetoed", "ann. return", "ann. vol"]
    headers += ["Sharpe", "max drawdown", "correlation benefit", "fallback"]

    first = next(iter(outcomes.values()))
    weight_rows = []
    for spec in first.profile.sleeves:
        cells: list[object] = [spec.id]
        for outcome in outcomes.values():
            sleeve = next(s for s in outcome.sleeves if s.spec.id == spec.id)
            vetoed = " (vetoed)" if sleeve.status == "vetoed" else ""
            cells.append(fmt(sleeve.weight) + vetoed)
        weight_rows.append(cells)
    return [
        *table(headers, rows),
        "",
        "Final sleeve weights:",
        "",
        *table(["sleeve", *outcomes], weight_rows),
    ]


def _risk_profile(
    risk: str, outcome: MetaOutcome, stats: ProfileStats, top_assets: int
) -> list[list[str]]:
    return [
        [f"## Risk profile: {risk}"],
        ["### Sleeve allocation"],
        allocation_section(outcome),
        ["### Performance"],
        performance_section(outcome, stats),
        ["### Correlation benefit"],
        benefit_section(stats),
        ["### Calendar integrity"],
        calendar_section(outcome),
        ["### Sleeve health"],
        health_section(outcome),
        ["### Correlation matrix"],
        correlation_section(outcome),
        ["### Cluster tree"],
        tree_section(outcome),
        ["### Nested meta profiles"],
        nested_section(outcome),
        ["### Top physical assets"],
        top_assets_section(outcome, top_assets),
        ["### Anomalies"],
        anomalies_section(outcome),
    ]
