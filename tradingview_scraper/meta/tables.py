"""The full tables of a meta profile as CSV text (DESIGN 3.4, 4). Pure: outcome in, text out.

The report shows the top rows of its tables; these files hold every row, beside the JSON
artifacts under ``data/``:

- ``meta_sleeves_<META>_<RISK>.csv``: one row per configured sleeve, manifest order: weights,
  bounds, risk contribution, performance over the meta calendar, health;
- ``meta_correlation_<META>_<RISK>.csv``: the correlation matrix of the included sleeves in
  cluster (leaf) order, first column the sleeve, six fixed decimals (n^2 cells: 25 million at
  5,000 sleeves, so no round-trip digits);
- ``meta_calendar_<META>_<RISK>.csv``: the calendar statistics of each included sleeve (the
  ``calendar.sleeves`` entries of the meta manifest).

Formatting is fixed: ``,`` separated, ``\\n`` line ends, minimal quoting, floats as Python's
shortest round-trip ``repr`` (``-0.0`` folded), integers as integers, empty cells for missing or
undefined values.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence

import numpy as np

from .aggregate import MetaOutcome
from .stats import ProfileStats, cluster_order, profile_stats

__all__ = ["CSV_FAMILIES", "csv_cell", "table_documents", "table_names"]

CSV_FAMILIES = ("sleeves", "correlation", "calendar")

SLEEVE_COLUMNS = (
    "sleeve",
    "kind",
    "status",
    "weight",
    "raw_weight",
    "lower",
    "upper",
    "active_bound",
    "risk_contribution",
    "annualized_return",
    "annualized_vol",
    "sharpe",
    "max_drawdown",
    "win_rate",
    "days",
    "run_id",
    "returns_file",
    "requested",
    "succeeded",
    "ratio",
    "veto_reason",
)
CALENDAR_COLUMNS = (
    "sleeve_id",
    "days",
    "first",
    "last",
    "weekend_days",
    "dropped",
    "dropped_pct",
    "compounded",
    "outside_span",
    "nan_dropped",
    "clipped",
    "source",
)


def table_names(meta: str, risk: str) -> dict[str, str]:
    """File names (under ``data/``) of the CSV tables of one meta profile and risk profile."""
    return {family: f"meta_{family}_{meta}_{risk}.csv" for family in CSV_FAMILIES}


def csv_cell(value: object) -> str:
    """The fixed text of one cell: ``repr`` for floats, ``""`` for None and non-finite."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value + 0.0) if math.isfinite(value) else ""
    return str(value)


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def _sleeve_rows(outcome: MetaOutcome, stats: ProfileStats) -> Iterable[list[object]]:
    active = dict(zip(outcome.allocation.names, outcome.allocation.active, strict=True))
    for s in outcome.sleeves:
        p = stats.sleeves.get(s.spec.id)
        health = s.health
        yield [
            s.spec.id,
            s.spec.kind,
            s.status,
            s.weight,
            s.raw_weight,
            s.bounds.lo,
            s.bounds.hi,
            active.get(s.spec.id) or None,
            s.risk_contribution,
            None if p is None else p.annualized_return,
            None if p is None else p.annualized_vol,
            None if p is None else p.sharpe,
            None if p is None else p.max_drawdown,
            None if p is None else p.win_rate,
            None if p is None else p.days,
            None if s.run is None else s.run.run_id,
            s.returns_file,
            None if health is None else health.requested,
            None if health is None else health.succeeded,
            None if health is None else health.ratio,
            None if health is None or health.healthy else health.reason,
        ]


def _correlation_text(outcome: MetaOutcome, stats: ProfileStats) -> str:
    """The matrix in cluster order, correlations with six fixed decimals (``0.000000``)."""
    columns = [str(c) for c in outcome.returns.frame.columns]
    order = cluster_order(outcome)
    corr = stats.correlation[np.ix_(order, order)]
    names = [columns[i] for i in order]
    lines = [_csv(["sleeve", *names], []).rstrip("\n")]
    cells = [_quote(name) for name in names]
    for start in range(0, len(names), _ROWS_PER_BLOCK):
        block = corr[start : start + _ROWS_PER_BLOCK]
        rows = _fixed_six(block)
        lines.extend(f"{name},{row}" for name, row in zip(cells[start:], rows, strict=False))
    return "\n".join(lines) + "\n"


_ROWS_PER_BLOCK = 256  # bounds the temporaries: 256 rows x 5,000 cells x 11 bytes
_MILLION = 1_000_000


def _fixed_six(block: np.ndarray) -> list[str]:
    """Each row of ``block`` as ``{:.6f}`` cells joined by ``,``; NaN as an empty cell.

    Built as bytes by numpy, not by formatting each of the n^2 cells in Python (25 million at
    5,000 sleeves): the six decimals of ``x`` are those of ``rint(x * 1e6)``, as
    ``np.round(x, 6)`` computes them; -0.000000 is written 0.000000. Cells of magnitude 10 or more
    (not a correlation) take the per-cell path.
    """
    scaled = np.rint(block * 1e6)
    undefined = np.isnan(scaled)
    micro = np.where(undefined, 0.0, np.abs(scaled))
    if micro.size and float(micro.max()) >= 10 * _MILLION:
        six = "{:.6f}".format
        return [
            ",".join("" if math.isnan(v) else six(v + 0.0) for v in row)
            for row in np.round(block, 6).tolist()
        ]
    digits = micro.astype(np.int64)
    n_rows, n_cols = block.shape
    text = np.zeros((n_rows, n_cols, 10), dtype=np.uint8)  # sign, d, ".", 6 digits, ","
    text[..., 0] = np.where((scaled < 0) & (digits > 0), ord("-"), 0)
    text[..., 1] = ord("0") + digits // _MILLION
    text[..., 2] = ord(".")
    fraction = digits % _MILLION
    for place in range(8, 2, -1):
        text[..., place] = ord("0") + fraction % 10
        fraction //= 10
    text[undefined, :9] = 0  # an empty cell: only its separator stays
    text[..., 9] = ord(",")
    text[:, -1, 9] = ord("\n")
    flat = text.reshape(-1)
    rows: list[str] = flat[flat != 0].tobytes().decode("ascii").split("\n")[:-1]
    return rows


def _quote(name: str) -> str:
    return _csv([name], []).rstrip("\n")


def table_documents(outcome: MetaOutcome, stats: ProfileStats | None = None) -> dict[str, str]:
    """CSV family -> text, for one meta profile (``stats`` defaults to ``profile_stats``)."""
    stats = profile_stats(outcome) if stats is None else stats
    calendars = (
        [getattr(c, column) for column in CALENDAR_COLUMNS] for c in outcome.returns.calendars
    )
    return {
        "sleeves": _csv(SLEEVE_COLUMNS, _sleeve_rows(outcome, stats)),
        "correlation": _correlation_text(outcome, stats),
        "calendar": _csv(CALENDAR_COLUMNS, calendars),
    }
