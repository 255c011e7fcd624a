"""How the report writes numbers and tables, and how it caps them. Pure.

Numbers go through ``fmt`` only, so one rule decides how a weight, a return or a correlation is
written; tables go through ``table``. A table of more than ``FULL_ROWS`` rows is cut to its top
``TOP_ROWS`` (by a ranking the section chooses) and ends with ``more_line``, which names the CSV
file under ``data/`` that holds every row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = [
    "FULL_ROWS",
    "NA",
    "SMALL_PROFILE",
    "TOP_ROWS",
    "Links",
    "capped",
    "capped_table",
    "code",
    "count",
    "figure_line",
    "fmt",
    "more_line",
    "table",
]

T = TypeVar("T")

NA = "n/a"

FULL_ROWS = 30
"""A table of at most this many rows is shown whole."""
TOP_ROWS = 20
"""A longer table shows its top rows only, then says how many more the CSV file holds."""
SMALL_PROFILE = 25
"""Up to this many sleeves a profile shows its correlation matrix and text tree in full; larger
profiles show a figure and a summary (the most and least correlated pairs, the top splits)."""
MAX_FILES = 3
"""A "... and K more" line names up to this many CSV files one by one."""

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


def count(value: object) -> str:
    return NA if value is None else str(value)


def code(text: str) -> str:
    return f"`{text}`"


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


def more_line(shown: int, total: int, what: str, csv_file: str | Sequence[str]) -> str:
    """``and K more <what>: all <total> in `data/<csv_file>`.``; with several files (the root's
    table first, then one per nested meta profile) up to ``MAX_FILES`` are named, and beyond
    that the root's and how many others."""
    files = [csv_file] if isinstance(csv_file, str) else list(csv_file)
    where = ", ".join(code("data/" + name) for name in files)
    if len(files) > MAX_FILES:
        where = (
            f"{code('data/' + files[0])} and the {what} tables of the {len(files) - 1} nested "
            "meta profiles"
        )
    return f"... and {total - shown} more {what}: all {total} are in {where}."


def capped_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    shown: int,
    total: int,
    intro: str,
    csv_file: str | Sequence[str],
) -> list[str]:
    """``table``, introduced by ``intro`` and closed by ``more_line`` when ``shown`` (the sleeves
    among ``rows``) is fewer than ``total``."""
    if shown >= total:
        return table(headers, rows)
    return [intro, "", *table(headers, rows), "", more_line(shown, total, "sleeves", csv_file)]


def capped(items: Sequence[T], key: Callable[[T], tuple[object, ...]]) -> list[T]:
    """``items`` whole when there are at most ``FULL_ROWS``, else the ``TOP_ROWS`` first by
    ``key`` (ties keep the input order)."""
    if len(items) <= FULL_ROWS:
        return list(items)
    return sorted(items, key=key)[:TOP_ROWS]


@dataclass(frozen=True, slots=True)
class Links:
    """Where a section points: the CSV files of its profile (under ``data/``) and its figures
    (paths relative to the report's folder)."""

    csv: Mapping[str, str] = field(default_factory=dict)  # family -> file name
    figures: Mapping[str, str] = field(default_factory=dict)  # family -> relative path


def figure_line(links: Links, family: str, alt: str) -> list[str]:
    """The markdown image of ``family`` followed by a blank line, or nothing without one."""
    path = links.figures.get(family)
    return [f"![{alt}]({path})", ""] if path else []
