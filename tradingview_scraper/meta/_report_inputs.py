"""Report sections on the inputs: calendar integrity, sleeve health, ledger anomalies. Pure.

Long tables are capped: the sleeves that lost the most days, the vetoed and least healthy
sleeves, the first anomalies; the rest is in the CSV files named under each table.
"""

from __future__ import annotations

from ._report_format import (
    FULL_ROWS,
    NA,
    TOP_ROWS,
    Links,
    capped,
    capped_table,
    code,
    count,
    fmt,
    table,
)
from .aggregate import MetaOutcome, SleeveOutcome
from .health import ANOMALY_MAX_ABS_SHARPE, ANOMALY_MAX_VOL
from .metrics import weekend_days
from .stats import atomic_sleeves, meta_nodes
from .tables import table_names

__all__ = ["anomalies_section", "calendar_section", "health_section"]


def calendar_section(outcome: MetaOutcome, links: Links) -> list[str]:
    returns = outcome.returns
    index = returns.frame.index
    span = f"{index[0]:%Y-%m-%d} to {index[-1]:%Y-%m-%d}" if len(index) else NA
    calendars = list(returns.calendars)
    order = {c.sleeve_id: i for i, c in enumerate(calendars)}
    shown = capped(calendars, lambda c: (-c.dropped, order[c.sleeve_id]))
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
        for c in shown
    ]
    headers = ["sleeve", "days", "first", "last", "weekend days", "dropped (%)", "compounded"]
    headers += ["outside span", "NaN dropped", "clipped"]
    lines = [
        f"Alignment {code(returns.alignment)}: {returns.common_days} common days, {span}; "
        f"{weekend_days(index)} weekend rows.",
        "",
    ]
    return lines + capped_table(
        headers,
        rows,
        shown=len(shown),
        total=len(calendars),
        intro=f"The {len(shown)} of {len(calendars)} sleeves that lost the most days:",
        csv_file=links.csv.get("calendar", ""),
    )


def health_section(outcome: MetaOutcome, links: Links) -> list[str]:
    settings = outcome.profile.health
    sleeves = list(atomic_sleeves(outcome))
    position = {path: i for i, (path, _) in enumerate(sleeves)}

    def rank(item: tuple[str, SleeveOutcome]) -> tuple[object, ...]:
        path, s = item
        ratio = 2.0 if s.health is None else s.health.ratio
        return (s.status == "included", ratio, position[path])

    shown = capped(sleeves, rank)
    rows = []
    for path, s in shown:
        health, run = s.health, s.run
        rows.append(
            [
                path,
                run.run_id if run else "",
                run.selection if run else "",
                s.returns_file or "",
                count(health.requested if health else None),
                count(health.succeeded if health else None),
                fmt(health.ratio) if health else NA,
                s.status,
                health.reason if health else "",
            ]
        )
    headers = ["sleeve", "run id", "run selection", "returns file", "requested", "succeeded"]
    headers += ["ratio", "status", "veto reason"]
    lines = [
        f"Guardrail of {code(outcome.profile.name)}: min success ratio "
        f"{fmt(settings.min_success_ratio)}, min sleeves {settings.min_sleeves}, ledger required: "
        f"{'yes' if settings.require_ledger else 'no'}.",
        "",
    ]
    # the atomic sleeves of every level: each meta profile's own sleeves table holds its rows
    # (root first; a sub-profile used by two branches has one table)
    files = [links.csv.get("sleeves", "")]
    if links.csv:
        nodes = (table_names(n.profile.name, n.risk_profile) for _, n, _ in meta_nodes(outcome))
        files = list(dict.fromkeys(names["sleeves"] for names in nodes))
    return lines + capped_table(
        headers,
        rows,
        shown=len(shown),
        total=len(sleeves),
        intro=f"The vetoed and least healthy {len(shown)} of {len(sleeves)} atomic sleeves:",
        csv_file=files,
    )


def _metric(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def anomalies_section(outcome: MetaOutcome) -> list[str]:
    rows = []
    for path, sleeve in atomic_sleeves(outcome):
        for found in sleeve.anomalies:
            rows.append(
                [
                    path,
                    count(found.get("window")),
                    fmt(_metric(found.get("sharpe")), "num"),
                    fmt(_metric(found.get("annualized_vol"))),
                    fmt(_metric(found.get("annualized_return"))),
                    count(found.get("line")),
                ]
            )
    intro = (
        f"Sleeve backtest windows with |Sharpe| > {ANOMALY_MAX_ABS_SHARPE:g} or annualized "
        f"volatility > {fmt(ANOMALY_MAX_VOL)}, from the sleeves' ledgers."
    )
    if not rows:
        return [intro, "", "none"]
    headers = ["sleeve", "window", "Sharpe", "ann. vol", "ann. return", "ledger line"]
    lines = [intro, "", *table(headers, rows if len(rows) <= FULL_ROWS else rows[:TOP_ROWS])]
    if len(rows) > FULL_ROWS:
        lines += [
            "",
            f"... and {len(rows) - TOP_ROWS} more windows: all {len(rows)} are in the sleeves' "
            f"{code('audit.jsonl')} ledgers at the lines given.",
        ]
    return lines
