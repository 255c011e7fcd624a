"""The markdown report of a meta run (DESIGN 3.4). Pure: outcomes in, one string out.

The document leads with the answer: a summary table per risk profile, the vetoes and the final
weights of the largest sleeves. Then what is the same for every risk profile (the calendar when
all risk profiles read the same streams, the health, ...) once, and the evidence per risk
profile: allocation, performance, the correlation-benefit check, calendar integrity, sleeve
health, correlations, the cluster tree, the nesting, the top physical assets and the ledger
anomalies, with the figures under ``reports/figures/`` linked where they belong.

It stays readable at any size: tables show at most ``FULL_ROWS`` rows whole, else their top
``TOP_ROWS`` and a line naming the CSV file under ``data/`` that holds every row; the full
correlation matrix and the text tree appear up to ``SMALL_PROFILE`` sleeves only. The output
depends only on its arguments: no clock (``generated_at`` is given), no file access, no
absolute paths, and every listing follows manifest order or a sort.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ._report_allocation import allocation_section, benefit_section, performance_section
from ._report_format import FULL_ROWS, TOP_ROWS, Links, fmt, more_line, table
from ._report_inputs import anomalies_section, calendar_section, health_section
from ._report_structure import (
    correlation_section,
    nested_section,
    top_assets_section,
    tree_section,
)
from .aggregate import MetaOutcome
from .figures import figure_families, figure_names
from .stats import ProfileStats, meta_nodes, profile_stats
from .tables import table_names

__all__ = ["COMMON_TITLE", "render_report"]

COMMON_TITLE = "Common to every risk profile"
_COMMON_ANCHOR = "#common-to-every-risk-profile"
NAMES_IN_LINE = 10  # sleeve names listed in one line of the title or summary, then "+K more"

Section = Callable[[MetaOutcome, ProfileStats, Links], list[str]]

# the sections of a risk profile, in order; ``True`` marks those that may be the same for every
# risk profile (they then appear once, under COMMON_TITLE)
_SECTIONS: tuple[tuple[str, Section, bool], ...] = (
    ("Sleeve allocation", allocation_section, False),
    ("Performance", performance_section, False),
    ("Correlation benefit", lambda o, s, _: benefit_section(s), False),
    ("Calendar integrity", lambda o, s, links: calendar_section(o, links), True),
    ("Sleeve health", lambda o, s, links: health_section(o, links), True),
    ("Correlation matrix", correlation_section, True),
    ("Cluster tree", lambda o, s, links: tree_section(o, links), True),
    ("Nested meta profiles", lambda o, s, _: nested_section(o), True),
    ("Anomalies", lambda o, s, _: anomalies_section(o), True),
)


def links_for(outcome: MetaOutcome) -> Links:
    """The CSV files and figures a root outcome's sections point to."""
    names = figure_names(outcome.profile.name, outcome.risk_profile)
    return Links(
        csv=table_names(outcome.profile.name, outcome.risk_profile),
        figures={family: names[family] for family in figure_families(outcome)},
    )


def render_report(
    outcomes: Mapping[str, MetaOutcome],
    *,
    meta_run_id: str,
    generated_at: str,
    top_assets: int = 15,
    stats: Mapping[str, ProfileStats] | None = None,
) -> str:
    """One markdown document for every risk profile of one meta profile.

    ``outcomes`` maps risk profile -> root ``MetaOutcome``, in the order the report lists them;
    ``stats`` their ``profile_stats`` when the caller already computed them.
    """
    if not outcomes:
        raise ValueError("render_report: no outcomes to report")
    names = sorted({o.profile.name for o in outcomes.values()})
    if len(names) != 1:
        raise ValueError(f"render_report: outcomes of several meta profiles {names}; expected one")
    known = {} if stats is None else stats
    stats = {risk: known.get(risk) or profile_stats(outcome) for risk, outcome in outcomes.items()}
    links = {risk: links_for(outcome) for risk, outcome in outcomes.items()}
    common = _common_sections(outcomes, stats, links)
    blocks: list[list[str]] = [
        _title(outcomes, meta_run_id, generated_at),
        ["## Summary"],
        _summary(outcomes, stats, links),
    ]
    if common:
        blocks.append([f"## {COMMON_TITLE}"])
        blocks.append(
            [
                f"These sections are identical for the {len(outcomes)} risk profiles "
                f"({', '.join(outcomes)}); links point to the files of {next(iter(outcomes))}, "
                "whose contents the other risk profiles share."
            ]
        )
        for title, lines in common.items():
            blocks += [[f"### {title}"], lines]
    for risk, outcome in outcomes.items():
        blocks += _risk_profile(
            risk,
            outcome,
            stats=stats[risk],
            links=links[risk],
            common=common,
            top_assets=top_assets,
        )
    lines = [line.rstrip() for block in blocks for line in [*block, ""]]
    return "\n".join(lines).rstrip("\n") + "\n"


def _common_sections(
    outcomes: Mapping[str, MetaOutcome],
    stats: Mapping[str, ProfileStats],
    links: Mapping[str, Links],
) -> dict[str, list[str]]:
    """Title -> lines of each shareable section that renders the same for every risk profile
    (with the first risk profile's file names, whose contents are then the same too)."""
    if len(outcomes) < 2:
        return {}
    first = next(iter(outcomes))
    common = {}
    for title, section, shareable in _SECTIONS:
        if not shareable:
            continue
        rendered = [section(o, stats[r], links[first]) for r, o in outcomes.items()]
        if all(lines == rendered[0] for lines in rendered[1:]):
            common[title] = rendered[0]
    return common


def _listed(names: list[str]) -> str:
    if len(names) <= NAMES_IN_LINE:
        return ", ".join(names)
    return f"{', '.join(names[:NAMES_IN_LINE])}, +{len(names) - NAMES_IN_LINE} more"


def _structure(outcome: MetaOutcome) -> str:
    parts = []
    for path, node, _ in meta_nodes(outcome):
        sleeves = _listed([s.spec.id for s in node.sleeves])
        where = f"branch `{path}` -> " if path else ""
        parts.append(f"{where}`{node.profile.name}` = {{{sleeves}}}")
    if len(parts) > NAMES_IN_LINE:
        parts = [*parts[:NAMES_IN_LINE], f"+{len(parts) - NAMES_IN_LINE} more branches"]
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
    return f"{len(names)} ({_listed(names)})" if names else "0"


def _summary(
    outcomes: Mapping[str, MetaOutcome],
    stats: Mapping[str, ProfileStats],
    links: Mapping[str, Links],
) -> list[str]:
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
    specs = list(first.profile.sleeves)
    by_id = {risk: {s.spec.id: s for s in outcome.sleeves} for risk, outcome in outcomes.items()}
    largest = {spec.id: max(by_id[r][spec.id].weight for r in outcomes) for spec in specs}
    shown = specs
    if len(specs) > FULL_ROWS:
        order = {spec.id: i for i, spec in enumerate(specs)}
        ranked = sorted(specs, key=lambda spec: (-largest[spec.id], order[spec.id]))
        shown = sorted(ranked[:TOP_ROWS], key=lambda spec: order[spec.id])
    weight_rows = []
    for spec in shown:
        cells: list[object] = [spec.id]
        for risk in outcomes:
            sleeve = by_id[risk][spec.id]
            vetoed = " (vetoed)" if sleeve.status == "vetoed" else ""
            cells.append(fmt(sleeve.weight) + vetoed)
        weight_rows.append(cells)
    lines = [*table(headers, rows), "", "Final sleeve weights:", ""]
    if len(shown) < len(specs):
        lines[-2] = (
            f"Final weights of the {len(shown)} largest of {len(specs)} sleeves (largest weight "
            "in any risk profile), manifest order:"
        )
    lines += table(["sleeve", *outcomes], weight_rows)
    if len(shown) < len(specs):
        csv = links[next(iter(outcomes))].csv["sleeves"]
        lines += [
            "",
            more_line(len(shown), len(specs), "sleeves", csv).removesuffix(".")
            + " (one such file per risk profile).",
        ]
    return lines


def _risk_profile(
    risk: str,
    outcome: MetaOutcome,
    *,
    stats: ProfileStats,
    links: Links,
    common: Mapping[str, list[str]],
    top_assets: int,
) -> list[list[str]]:
    blocks: list[list[str]] = [[f"## Risk profile: {risk}"]]
    for title, section, _ in _SECTIONS:
        blocks.append([f"### {title}"])
        if title in common:
            blocks.append([f"Same for every risk profile: see [{COMMON_TITLE}]({_COMMON_ANCHOR})."])
        else:
            blocks.append(section(outcome, stats, links))
        if title == "Nested meta profiles":
            blocks += [["### Top physical assets"], top_assets_section(outcome, top_assets)]
    return blocks
