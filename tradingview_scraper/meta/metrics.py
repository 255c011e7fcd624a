"""Performance statistics of a daily return series (DESIGN 3.4). Pure.

Conventions: the risk-free rate is 0; the annualized return is geometric
(``prod(1 + r) ** (ppy / n) - 1``); the annualized volatility is the sample standard deviation
(ddof 1) times ``sqrt(ppy)``; the maximum drawdown is the most negative peak-to-trough move of
cumulative wealth ``prod(1 + r)``, counting the starting wealth of 1 as a peak. ``ppy`` is 365
when the calendar holds any weekend date (crypto trades every day), else 252.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Performance", "performance", "performances", "periods_per_year", "weekend_days"]

TRADING_DAYS = 252
CALENDAR_DAYS = 365


@dataclass(frozen=True, slots=True)
class Performance:
    """Annualized statistics of one return series; None where a statistic is undefined."""

    annualized_return: float | None  # None for an empty series
    annualized_vol: float | None  # None with fewer than 2 returns
    sharpe: float | None  # None when the volatility is 0 or undefined
    max_drawdown: float  # <= 0; 0 when wealth never falls below a previous peak
    win_rate: float | None  # share of returns > 0; None for an empty series
    days: int  # number of (non-NaN) returns


def weekend_days(index: pd.Index) -> int:
    """How many dates of ``index`` fall on a Saturday or Sunday (local dates when tz-aware).

    Counted on day numbers, not through ``day_of_week`` (which builds fields for every date):
    1970-01-01, day 0, was a Thursday, so ``(day + 3) % 7`` is the weekday with Monday 0.
    """
    dates = index if isinstance(index, pd.DatetimeIndex) else pd.DatetimeIndex(index)
    if dates.tz is not None:
        dates = dates.tz_localize(None)
    days = dates.to_numpy().astype("datetime64[D]")
    weekday = (days[~np.isnat(days)].view(np.int64) + 3) % 7
    return int(np.count_nonzero(weekday >= 5))


def periods_per_year(index: pd.Index) -> int:
    """365 when ``index`` holds a Saturday or Sunday, else 252."""
    return CALENDAR_DAYS if weekend_days(index) > 0 else TRADING_DAYS


def performance(returns: pd.Series, periods_per_year: int) -> Performance:
    """Annualized return, volatility, Sharpe, max drawdown and win rate of ``returns``.

    NaN values are ignored. A series whose values are all equal has volatility 0 and no Sharpe.
    """
    if periods_per_year <= 0:
        raise ValueError(f"periods_per_year must be positive, got {periods_per_year}")
    values = returns.to_numpy(dtype=np.float64, na_value=np.nan)
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return Performance(None, None, None, 0.0, None, 0)
    wealth = np.cumprod(1.0 + values)
    final = float(wealth[-1])
    annualized_return = final ** (periods_per_year / n) - 1.0 if final > 0.0 else -1.0
    peaks = np.maximum.accumulate(np.concatenate(([1.0], wealth)))[1:]
    max_drawdown = min(float(np.min(wealth / peaks - 1.0)), 0.0)
    win_rate = float(np.count_nonzero(values > 0.0)) / n
    vol: float | None = None
    sharpe: float | None = None
    if n >= 2:
        # Equal values have volatility exactly 0; np.std could leave rounding noise instead.
        spread = float(np.max(values) - np.min(values))
        std = 0.0 if spread == 0.0 else float(np.std(values, ddof=1))
        vol = std * math.sqrt(periods_per_year)
        if vol > 0.0 and math.isfinite(vol):
            sharpe = annualized_return / vol
    return Performance(
        annualized_return=annualized_return,
        annualized_vol=vol,
        sharpe=sharpe,
        max_drawdown=max_drawdown + 0.0,
        win_rate=win_rate,
        days=n,
    )


def performances(values: np.ndarray, periods_per_year: int) -> list[Performance]:
    """``performance`` of every column of a NaN-free 2-D array, in one vectorized pass.

    The same formulas as ``performance``, column by column (Fortran order keeps each column's
    reductions contiguous, as for a 1-D series); a meta return matrix has thousands of columns.
    """
    if periods_per_year <= 0:
        raise ValueError(f"periods_per_year must be positive, got {periods_per_year}")
    x = np.asfortranarray(values, dtype=np.float64)
    if x.ndim != 2 or np.isnan(x).any():
        raise ValueError("performances: expected a 2-D array without NaN")
    n, columns = x.shape
    if n == 0:
        return [Performance(None, None, None, 0.0, None, 0) for _ in range(columns)]
    wealth = np.cumprod(1.0 + x, axis=0)
    final = wealth[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        annual = np.where(final > 0.0, np.abs(final) ** (periods_per_year / n) - 1.0, -1.0)
    peaks = np.maximum.accumulate(np.vstack([np.ones((1, columns)), wealth]), axis=0)[1:]
    drawdowns = np.minimum((wealth / peaks - 1.0).min(axis=0), 0.0)
    wins = np.count_nonzero(x > 0.0, axis=0) / n
    out = []
    spread = x.max(axis=0) - x.min(axis=0)
    std = np.std(x, axis=0, ddof=1) if n >= 2 else np.zeros(columns)
    for j in range(columns):
        vol: float | None = None
        sharpe: float | None = None
        if n >= 2:
            deviation = 0.0 if spread[j] == 0.0 else float(std[j])
            vol = deviation * math.sqrt(periods_per_year)
            if vol > 0.0 and math.isfinite(vol):
                sharpe = float(annual[j]) / vol
        out.append(
            Performance(
                annualized_return=float(annual[j]),
                annualized_vol=vol,
                sharpe=sharpe,
                max_drawdown=float(drawdowns[j]) + 0.0,
                win_rate=float(wins[j]),
                days=n,
            )
        )
    return out
