"""Stream normalization and calendar alignment (DESIGN 3.1), with hypothesis properties."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradingview_scraper.contracts import SleeveStream
from tradingview_scraper.errors import CalendarError, ReturnsDataError
from tradingview_scraper.meta.returns import align, normalize_stream

BASE = date(2024, 1, 1)  # a Monday


def stream(sleeve_id: str, days: dict[date, float] | pd.Series) -> SleeveStream:
    if isinstance(days, dict):
        index = pd.DatetimeIndex(sorted(days))
        days = pd.Series([days[d.date()] for d in index], index=index)
    return normalize_stream(sleeve_id, days, f"{sleeve_id}.pkl")


def raw(values: list[float], index: pd.Index | list[str]) -> pd.Series:
    return pd.Series(values, index=index, dtype=np.float64)


# ----------------------------------------------------------------------------- normalize_stream


def test_tz_aware_indexes_in_different_zones_become_utc_dates() -> None:
    new_york = pd.DatetimeIndex(["2024-01-01 20:00", "2024-01-02 20:00"], tz="America/New_York")
    tokyo = pd.DatetimeIndex(["2024-01-02 08:00", "2024-01-03 08:00"], tz="Asia/Tokyo")
    # 20:00 New York is 01:00 UTC the next day; 08:00 Tokyo is 23:00 UTC the day before
    ny = normalize_stream("ny", raw([0.1, 0.2], new_york), "ny.pkl").series
    tk = normalize_stream("tk", raw([0.3, 0.4], tokyo), "tk.pkl").series
    assert list(ny.index) == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    assert list(tk.index) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")]
    for series in (ny, tk):
        assert series.index.tz is None
        assert series.index.dtype == np.dtype("datetime64[ns]")
        assert series.index.name == "date"
        assert series.dtype == np.float64


def test_time_of_day_is_dropped() -> None:
    index = pd.DatetimeIndex(["2024-01-01 15:30:12", "2024-01-02 09:00", "2024-01-03"])
    out = normalize_stream("s", raw([0.1, 0.2, 0.3], index), "s.pkl")
    assert list(out.series.index) == [pd.Timestamp(f"2024-01-0{d}") for d in (1, 2, 3)]
    assert out.series.tolist() == [0.1, 0.2, 0.3]
    assert out.series.name == "s"
    assert (out.raw_rows, out.nan_dropped, out.clipped, out.source) == (3, 0, 0, "s.pkl")


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        pytest.param(["2024-01-01", "2024-01-02"], ["2024-01-01", "2024-01-02"], id="iso-dates"),
        pytest.param(
            ["2024-01-01T20:00:00-05:00", "2024-01-02T20:00:00-05:00"],
            ["2024-01-02", "2024-01-03"],
            id="iso-with-offset-to-utc",
        ),
        pytest.param(["2024-01-01 10:00", "2024-01-02 23:59"], ["2024-01-01", "2024-01-02"]),
    ],
)
def test_string_dates_are_parsed(index: list[str], expected: list[str]) -> None:
    out = normalize_stream("s", raw([0.1, 0.2], pd.Index(index, dtype=object)), "s.pkl")
    assert list(out.series.index) == [pd.Timestamp(d) for d in expected]


def test_nan_is_dropped_and_counted() -> None:
    index = pd.date_range("2024-01-01", periods=5, freq="D")
    out = normalize_stream("s", raw([0.1, np.nan, 0.2, np.nan, 0.3], index), "s.pkl")
    assert out.series.tolist() == [0.1, 0.2, 0.3]
    assert list(out.series.index) == [index[0], index[2], index[4]]
    assert (out.raw_rows, out.nan_dropped) == (5, 2)


def test_returns_above_one_are_clipped_and_counted() -> None:
    index = pd.date_range("2024-01-01", periods=5, freq="D")
    out = normalize_stream("s", raw([1.5, 0.5, 2.0, 1.0, -1.0], index), "s.pkl")
    assert out.series.tolist() == [1.0, 0.5, 1.0, 1.0, -1.0]  # exactly +1 / -1 are kept
    assert out.clipped == 2


def test_integer_values_become_float64() -> None:
    index = pd.date_range("2024-01-01", periods=2, freq="D")
    out = normalize_stream("s", pd.Series([0, 1], index=index), "s.pkl")
    assert out.series.dtype == np.float64
    assert out.series.tolist() == [0.0, 1.0]


D3 = pd.date_range("2024-01-01", periods=3, freq="D")
W = r"^sleeve 'bad' \(bad\.pkl\): "


@pytest.mark.parametrize(
    ("series", "pattern"),
    [
        pytest.param(
            raw([0.1, 0.2], pd.DatetimeIndex(["2024-01-01 09:00", "2024-01-01 17:00"])),
            W + r"duplicate dates after normalizing to days: 2024-01-01$",
            id="duplicates-after-dropping-time",
        ),
        pytest.param(
            raw(
                [0.1, 0.2],
                pd.DatetimeIndex(["2024-01-01 23:00", "2024-01-02 01:00"], tz="America/New_York"),
            ),
            W + r"duplicate dates after normalizing to days: 2024-01-02$",
            id="duplicates-after-utc",
        ),
        pytest.param(
            raw(
                [0.1] * 8,
                pd.DatetimeIndex([f"2024-01-0{d} {h}:00" for d in (1, 2, 3, 4) for h in (9, 10)]),
            ),
            W + r"duplicate dates after normalizing to days: 2024-01-01, 2024-01-02, 2024-01-03 "
            r"and 1 more$",
            id="many-duplicates",
        ),
        pytest.param(
            raw([0.1, 0.2, 0.3], pd.DatetimeIndex(["2024-01-01", "2024-01-03", "2024-01-02"])),
            W + r"dates are not in increasing order \(2024-01-02 follows 2024-01-03\)$",
            id="not-monotonic",
        ),
        pytest.param(raw([0.1, np.inf, 0.3], D3), W + r"infinite return on 2024-01-02$", id="inf"),
        pytest.param(
            raw([0.1, 0.2, -np.inf], D3), W + r"infinite return on 2024-01-03$", id="minus-inf"
        ),
        pytest.param(
            raw([np.nan, np.nan, np.nan], D3),
            W + r"no finite returns \(3 NaN values\)$",
            id="all-nan",
        ),
        pytest.param(
            raw([0.1, -1.5, 0.3], D3),
            W + r"return -1\.5 on 2024-01-02 is below -1 \(a loss of more than everything\)$",
            id="below-minus-one",
        ),
        pytest.param(
            raw([0.1, 0.2], pd.RangeIndex(2)),
            W + r"index is int64 numbers, not dates; expected a DatetimeIndex$",
            id="integer-index",
        ),
        pytest.param(
            raw([0.1, 0.2], pd.Index([20240101.0, 20240102.0])),
            W + r"index is float64 numbers, not dates",
            id="float-index",
        ),
        pytest.param(
            raw([0.1, 0.2], pd.Index(["foo", "bar"], dtype=object)),
            W + r"index is not parseable as dates \(label 1 of 2, 'foo', is not a date\)$",
            id="unparseable-strings",
        ),
        pytest.param(
            raw([0.1, 0.2], pd.Index(["2024-01-01", "2024-01-02 12:00"], dtype=object)),
            W + r"index is not parseable as dates \(each label is a date, but not all are in "
            r"the format of the first, '2024-01-01'\)$",
            id="mixed-formats",
        ),
        pytest.param(
            raw([0.1, 0.2], pd.Index(["2024-01-01", None], dtype=object)),
            W + r"index has missing dates \(NaT\)$",
            id="nat",
        ),
    ],
)
def test_normalize_rejects(series: pd.Series, pattern: str) -> None:
    with pytest.raises(ReturnsDataError, match=pattern):
        normalize_stream("bad", series, "bad.pkl")


# ----------------------------------------------------------------------------- align


def weekday_count(days: set[date] | list[date]) -> int:
    return sum(1 for d in days if d.weekday() >= 5)


def day(offset: int) -> date:
    return BASE + timedelta(days=offset)


calendars = st.lists(
    st.dictionaries(
        st.integers(0, 45),
        st.floats(-0.9, 0.9, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=46,
    ),
    min_size=1,
    max_size=4,
)


def build(sleeves: list[dict[int, float]]) -> tuple[list[SleeveStream], list[dict[date, float]]]:
    by_date = [{day(k): v for k, v in s.items()} for s in sleeves]
    return [stream(f"s{i}", d) for i, d in enumerate(by_date)], by_date


@settings(max_examples=150, deadline=None)
@given(calendars, st.sampled_from(["intersect", "compound"]))
def test_index_is_exactly_the_intersection(sleeves: list[dict[int, float]], alignment: str) -> None:
    streams, by_date = build(sleeves)
    common = set.intersection(*(set(d) for d in by_date))
    if not common:
        with pytest.raises(CalendarError, match=r"no date in common"):
            align(streams, alignment)
        return
    out = align(streams, alignment)
    index = [ts.date() for ts in out.frame.index]
    assert index == sorted(common)  # sorted, nothing added, nothing lost
    assert all(all(d in days for d in index) for days in by_date)  # never a date a sleeve lacks
    assert list(out.frame.columns) == [f"s{i}" for i in range(len(sleeves))]
    assert all(dtype == np.float64 for dtype in out.frame.dtypes)
    assert not out.frame.isna().to_numpy().any()
    assert out.common_days == len(common)
    assert out.weekend_rows == weekday_count(common)
    first, last = min(common), max(common)
    for cal, days in zip(out.calendars, by_date, strict=True):
        dropped = set(days) - common
        folded = [d for d in dropped if first < d < last]
        assert cal.days == len(days)
        assert cal.first == min(days).isoformat() and cal.last == max(days).isoformat()
        assert cal.dropped == len(dropped)
        assert cal.dropped_pct == pytest.approx(100.0 * len(dropped) / len(days), abs=1e-6)
        assert cal.weekend_days == weekday_count(list(days))
        assert cal.outside_span == sum(1 for d in days if d < first or d > last)
        assert cal.compounded == (len(folded) if alignment == "compound" else 0)


@settings(max_examples=150, deadline=None)
@given(calendars)
def test_compound_keeps_every_return_inside_the_common_span(
    sleeves: list[dict[int, float]],
) -> None:
    streams, by_date = build(sleeves)
    common = sorted(set.intersection(*(set(d) for d in by_date)))
    if not common:
        return
    frame = align(streams, "compound").frame
    intersect = align(streams, "intersect").frame
    first, last = common[0], common[-1]
    for column, days in zip(frame.columns, by_date, strict=True):
        own = math.prod(1.0 + r for d, r in days.items() if first <= d <= last)
        meta = math.prod(1.0 + r for r in frame[column].tolist())
        assert meta == pytest.approx(own, rel=1e-12)
        previous: date | None = None
        for ts, value in frame[column].items():
            current = ts.date()
            folded = previous is not None and any(previous < d < current for d in days)
            if not folded:  # no day folded into this row: r exactly
                assert value == days[current]
                assert value == intersect.at[ts, column]
            previous = current
    # intersect never changes a value
    for column, days in zip(intersect.columns, by_date, strict=True):
        assert [days[ts.date()] for ts in intersect.index] == intersect[column].tolist()


def crypto_and_tradfi(holiday: date | None = None) -> tuple[SleeveStream, SleeveStream]:
    # crypto trades 7 days a week, Mon 2024-01-01 .. Sun 2024-01-14, r = 0.01 * day of month
    crypto = {BASE + timedelta(days=i): 0.01 * (i + 1) for i in range(14)}
    # TradFi trades Mon-Fri, 2024-01-01 .. 2024-01-12, r = -0.001 * day of month
    tradfi = {d: -0.001 * d.day for d in crypto if d.weekday() < 5 and d != holiday and d.day <= 12}
    return stream("crypto", crypto), stream("tradfi", tradfi)


def test_crypto_and_tradfi_intersect_has_no_weekend_rows() -> None:
    out = align(crypto_and_tradfi(), "intersect")
    expected = [d for d in pd.bdate_range("2024-01-01", "2024-01-12")]
    assert list(out.frame.index) == expected
    assert out.weekend_rows == 0
    assert out.frame.at[pd.Timestamp("2024-01-08"), "crypto"] == 0.08  # weekend PnL not folded
    crypto, tradfi = out.calendars
    # crypto: 14 days, 4 weekend days, all 4 dropped: Jan 6-7 (inside), Jan 13-14 (after)
    assert (crypto.days, crypto.weekend_days, crypto.dropped) == (14, 4, 4)
    assert crypto.dropped_pct == round(100 * 4 / 14, 6) == 28.571429
    assert (crypto.outside_span, crypto.compounded) == (2, 0)
    assert (tradfi.days, tradfi.weekend_days, tradfi.dropped, tradfi.dropped_pct) == (10, 0, 0, 0.0)
    assert out.to_dict()["common_days"] == 10
    assert out.to_dict()["first"] == "2024-01-01" and out.to_dict()["last"] == "2024-01-12"


def test_crypto_weekend_is_compounded_into_monday() -> None:
    out = align(crypto_and_tradfi(), "compound")
    frame = out.frame
    assert list(frame.index) == list(pd.bdate_range("2024-01-01", "2024-01-12"))
    # Monday Jan 8 carries Sat 6 (+6%), Sun 7 (+7%) and Mon 8 (+8%): 1.06 * 1.07 * 1.08 - 1
    assert frame.at[pd.Timestamp("2024-01-08"), "crypto"] == pytest.approx(0.224936, rel=1e-12)
    # every other row keeps the day's own return exactly
    for ts in frame.index:
        if ts.day != 8:
            assert frame.at[ts, "crypto"] == 0.01 * ts.day
        assert frame.at[ts, "tradfi"] == -0.001 * ts.day
    crypto, tradfi = out.calendars
    assert (crypto.compounded, crypto.outside_span, crypto.dropped) == (2, 2, 4)
    assert (tradfi.compounded, tradfi.dropped) == (0, 0)


def test_holiday_of_one_sleeve_is_compounded_into_the_next_common_date() -> None:
    out = align(crypto_and_tradfi(holiday=date(2024, 1, 10)), "compound")
    frame = out.frame
    assert pd.Timestamp("2024-01-10") not in frame.index
    # Thursday Jan 11 carries Wed 10 (+10%) and Thu 11 (+11%): 1.10 * 1.11 - 1
    assert frame.at[pd.Timestamp("2024-01-11"), "crypto"] == pytest.approx(0.221, rel=1e-12)
    assert frame.at[pd.Timestamp("2024-01-08"), "crypto"] == pytest.approx(0.224936, rel=1e-12)
    assert out.calendars[0].compounded == 3


def test_columns_follow_input_order() -> None:
    days = {BASE + timedelta(days=i): 0.001 * i for i in range(5)}
    out = align([stream(name, days) for name in ("zeta", "alpha", "mid")])
    assert list(out.frame.columns) == ["zeta", "alpha", "mid"]
    assert out.frame.index.name == "date"


def test_empty_intersection_names_each_sleeve_range() -> None:
    a = stream("a", {BASE + timedelta(days=i): 0.01 for i in range(5)})
    b = stream("b", {date(2024, 2, 1) + timedelta(days=i): 0.01 for i in range(3)})
    with pytest.raises(
        CalendarError,
        match=r"^profiles\.m \(hrp\): the sleeves have no date in common \(empty calendar "
        r"intersection\); date ranges: a: 2024-01-01\.\.2024-01-05 \(5 days\); "
        r"b: 2024-02-01\.\.2024-02-03 \(3 days\)$",
    ):
        align([a, b], where="profiles.m (hrp)")


def test_too_few_common_rows_names_each_sleeve_range() -> None:
    crypto, tradfi = crypto_and_tradfi()
    with pytest.raises(
        CalendarError,
        match=r"^only 10 common dates, fewer than min_observations 11; date ranges: "
        r"crypto: 2024-01-01\.\.2024-01-14 \(14 days\); tradfi: 2024-01-01\.\.2024-01-12 "
        r"\(10 days\)$",
    ):
        align([crypto, tradfi], min_observations=11)
    assert align([crypto, tradfi], min_observations=10).common_days == 10


@pytest.mark.parametrize(
    ("where", "message"), [("m", "m: no sleeves to align"), ("", "no sleeves to align")]
)
def test_align_without_streams(where: str, message: str) -> None:
    with pytest.raises(CalendarError, match=rf"^{message}$"):
        align([], where=where)


def test_nan_and_clip_counts_reach_the_calendar() -> None:
    index = pd.date_range("2024-01-01", periods=4, freq="D")
    s = normalize_stream("s", raw([0.1, np.nan, 3.0, 0.2], index), "s.pkl")
    cal = align([s]).calendars[0]
    assert (cal.days, cal.nan_dropped, cal.clipped, cal.source) == (3, 1, 1, "s.pkl")


def test_the_matrix_keeps_each_sleeve_contiguous() -> None:
    """As a frame built from its columns: the pickle's bytes (a cache hit must equal a miss)
    and the meta stream's summation order depend on it, on every supported pandas."""
    index = pd.bdate_range("2025-01-06", periods=6)
    streams = [
        stream(name, pd.Series(np.linspace(0.001, 0.006, 6) * (k + 1), index=index))
        for k, name in enumerate(["a", "b", "c"])
    ]
    frame = align(streams).frame
    assert frame.to_numpy().flags["F_CONTIGUOUS"]
    by_columns = pd.DataFrame({s.sleeve_id: s.series.to_numpy() for s in streams}, index=index)
    assert frame.to_numpy().tobytes(order="A") == by_columns.to_numpy().tobytes(order="A")
