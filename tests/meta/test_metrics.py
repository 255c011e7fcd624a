"""Performance statistics against hand-computed values and a plain-python reference."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.meta.metrics import (
    Performance,
    performance,
    periods_per_year,
    weekend_days,
)


def _reference(values: list[float], ppy: int) -> tuple[float, float, float, float]:
    """A second, loop-based implementation: (annual return, vol, max drawdown, win rate)."""
    wealth, peak, worst = 1.0, 1.0, 0.0
    for r in values:
        wealth *= 1.0 + r
        peak = max(peak, wealth)
        worst = min(worst, wealth / peak - 1.0)
    annual = wealth ** (ppy / len(values)) - 1.0
    vol = statistics.stdev(values) * math.sqrt(ppy)
    wins = sum(1 for r in values if r > 0) / len(values)
    return annual, vol, worst, wins


def _series(values: list[float], start: str = "2024-01-01", freq: str = "D") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq=freq))


def test_three_day_series_matches_hand_computation() -> None:
    # wealth 1.1 -> 0.88 -> 0.924: peak 1.1, trough 0.88, drawdown 0.88 / 1.1 - 1 = -0.2
    result = performance(_series([0.1, -0.2, 0.05]), 252)
    assert result.days == 3
    assert result.annualized_return == pytest.approx(0.924 ** (252 / 3) - 1.0, rel=1e-12)
    # mean -1/60; squared deviations (7/60)^2 + (11/60)^2 + (4/60)^2 = 186/3600; / (n - 1) = 2
    assert result.annualized_vol == pytest.approx(math.sqrt(93 / 3600) * math.sqrt(252), rel=1e-12)
    assert result.max_drawdown == pytest.approx(-0.2, rel=1e-12)
    assert result.win_rate == pytest.approx(2 / 3)
    assert result.annualized_vol is not None and result.annualized_return is not None
    assert result.sharpe == pytest.approx(result.annualized_return / result.annualized_vol)


@pytest.mark.parametrize("ppy", [252, 365])
def test_matches_loop_reference_on_random_series(ppy: int) -> None:
    values = list(np.random.default_rng(7).normal(0.0005, 0.02, size=60))
    annual, vol, worst, wins = _reference(values, ppy)
    result = performance(_series(values), ppy)
    assert result.annualized_return == pytest.approx(annual, rel=1e-10)
    assert result.annualized_vol == pytest.approx(vol, rel=1e-10)
    assert result.sharpe == pytest.approx(annual / vol, rel=1e-10)
    assert result.max_drawdown == pytest.approx(worst, rel=1e-10)
    assert result.win_rate == pytest.approx(wins)


def test_starting_wealth_counts_as_a_peak() -> None:
    # wealth 0.9 -> 0.945 never exceeds the starting 1.0: drawdown is 0.9 / 1.0 - 1
    result = performance(_series([-0.1, 0.05]), 252)
    assert result.max_drawdown == pytest.approx(-0.1, rel=1e-12)


def test_rising_wealth_has_no_drawdown() -> None:
    result = performance(_series([0.01, 0.02, 0.0, 0.03]), 252)
    assert result.max_drawdown == 0.0
    assert math.copysign(1.0, result.max_drawdown) == 1.0  # not -0.0
    assert result.win_rate == pytest.approx(3 / 4)  # 0.0 is not a win


def test_constant_returns_have_zero_vol_and_no_sharpe() -> None:
    result = performance(_series([0.001] * 10), 252)
    assert result.annualized_vol == 0.0
    assert result.sharpe is None
    assert result.annualized_return == pytest.approx(1.001**252 - 1.0, rel=1e-12)


def test_single_return_has_no_vol() -> None:
    result = performance(_series([0.02]), 365)
    assert result.annualized_vol is None
    assert result.sharpe is None
    assert result.annualized_return == pytest.approx(1.02**365 - 1.0, rel=1e-12)


def test_empty_series_is_all_undefined() -> None:
    result = performance(pd.Series([], dtype=np.float64), 252)
    assert result == Performance(None, None, None, 0.0, None, 0)


def test_nan_values_are_ignored() -> None:
    with_nan = performance(_series([0.1, float("nan"), -0.2, 0.05]), 252)
    without = performance(_series([0.1, -0.2, 0.05]), 252)
    assert with_nan == without


def test_total_loss_gives_minus_one() -> None:
    result = performance(_series([0.1, -1.0, 0.0]), 252)
    assert result.annualized_return == -1.0
    assert result.max_drawdown == -1.0


def test_rejects_non_positive_periods() -> None:
    with pytest.raises(ValueError, match="periods_per_year must be positive, got 0"):
        performance(_series([0.01, 0.02]), 0)


def test_weekday_calendar_uses_252() -> None:
    index = pd.bdate_range("2024-01-01", periods=15)
    assert all(d.date().weekday() < 5 for d in index)
    assert periods_per_year(index) == 252


def test_one_weekend_date_switches_to_365() -> None:
    saturday = dt.date(2024, 1, 6)
    assert saturday.weekday() == 5
    index = pd.DatetimeIndex(
        [pd.Timestamp("2024-01-04"), pd.Timestamp("2024-01-05"), pd.Timestamp(saturday)]
    )
    assert periods_per_year(index) == 365
    assert periods_per_year(index[:2]) == 252


def test_weekend_days_counts_saturdays_and_sundays() -> None:
    index = pd.date_range("2024-01-01", periods=20, freq="D")
    assert weekend_days(index) == sum(1 for d in index if d.date().weekday() >= 5)
    assert weekend_days(pd.bdate_range("2024-01-01", periods=20)) == 0


@pytest.mark.parametrize("rows", [0, 1, 2, 40])
def test_vectorized_performances_equal_the_per_series_rule(rows: int) -> None:
    from tradingview_scraper.meta.metrics import performances

    rng = np.random.default_rng(rows)
    x = rng.normal(0.0005, 0.02, (rows, 5))
    if rows:
        x[:, 3] = 0.001  # constant: volatility 0, no Sharpe
        x[-1, 4] = -1.0  # wiped out: annualized return -1
    got = performances(x, 252)
    for j in range(5):
        want = performance(pd.Series(x[:, j]), 252)
        for field in ("annualized_return", "annualized_vol", "sharpe", "max_drawdown", "win_rate"):
            a, b = getattr(got[j], field), getattr(want, field)
            assert (a is None) == (b is None), field
            if a is not None and b is not None:
                assert a == pytest.approx(b, rel=1e-13, abs=1e-15), field
        assert got[j].days == want.days


def test_vectorized_performances_reject_nan_and_bad_periods() -> None:
    from tradingview_scraper.meta.metrics import performances

    with pytest.raises(ValueError, match="without NaN"):
        performances(np.array([[0.1], [np.nan]]), 252)
    with pytest.raises(ValueError, match="periods_per_year must be positive"):
        performances(np.zeros((2, 2)), 0)
