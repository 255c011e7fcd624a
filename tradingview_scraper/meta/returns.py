"""Sleeve return streams and the calendar-aligned meta return matrix (DESIGN 3.1). Pure.

``normalize_stream`` turns a raw pickled series into daily float64 returns with a naive, strictly
increasing DatetimeIndex; ``align`` joins the streams on the intersection of their dates. No date
is ever added: no weekend padding, no forward fill.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
from pandas.errors import OutOfBoundsDatetime

from ..contracts import MetaReturns, SleeveCalendar, SleeveStream
from ..errors import CalendarError, ReturnsDataError
from .metrics import weekend_days

__all__ = ["MetaReturns", "SleeveCalendar", "align", "normalize_stream"]

_NS = "datetime64[ns]"
_FIRST_DAY = pd.Timestamp.min.ceil("D")  # the first and last whole days in nanoseconds
_LAST_DAY = pd.Timestamp.max.floor("D")
_FIRST_DATE = np.datetime64(_FIRST_DAY.strftime("%Y-%m-%d"), "D")
_LAST_DATE = np.datetime64(_LAST_DAY.strftime("%Y-%m-%d"), "D")


def _day(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%d")


def _daily_index(raw: pd.Index, sleeve_id: str, source: str) -> pd.DatetimeIndex:
    if isinstance(raw, pd.DatetimeIndex) and raw.tz is None:
        # naive midnights in range (the common case) are days already: no parsing, no normalize
        stamps = raw.to_numpy()
        days = stamps.astype("datetime64[D]")
        if len(days) == 0 or (
            (days == stamps).all() and days.min() >= _FIRST_DATE and days.max() <= _LAST_DATE
        ):  # NaT equals nothing, so an index with NaT takes the checks below
            return pd.DatetimeIndex(days.astype(_NS), name="date")
    where = f"sleeve {sleeve_id!r} ({source})"
    index: pd.DatetimeIndex
    if isinstance(raw, pd.DatetimeIndex):
        index = raw
    else:
        if raw.dtype.kind in "iufcb":
            raise ReturnsDataError(
                f"{where}: index is {raw.dtype} numbers, not dates; expected a DatetimeIndex"
            )
        zones = _zones(raw)
        if len(zones) > 1:
            raise ReturnsDataError(
                f"{where}: index mixes time zones ({', '.join(sorted(zones))}); expected dates "
                "in one time zone, or naive dates"
            )
        try:
            # pandas warns before it falls back to parsing element by element; the outcome (a
            # parsed index or the error below) is what counts, and the CLI promises one line
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                index = pd.DatetimeIndex(pd.to_datetime(raw, utc=False))
        except (TypeError, ValueError) as exc:
            raise ReturnsDataError(
                f"{where}: index is not parseable as dates ({_unparseable(raw)})"
            ) from exc
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    if index.hasnans:
        raise ReturnsDataError(f"{where}: index has missing dates (NaT)")
    try:
        return pd.DatetimeIndex(index.normalize().astype(_NS), name="date")
    except OutOfBoundsDatetime:  # a DatetimeIndex in s/ms/us holds dates ns cannot
        raise ReturnsDataError(
            f"{where}: dates {_day(index.min())}..{_day(index.max())} are outside the supported "
            f"range {_day(_FIRST_DAY)}..{_day(_LAST_DAY)}"
        ) from None


def _unparseable(raw: pd.Index) -> str:
    """Why pandas could not parse ``raw`` as dates, in words that do not depend on its version
    (pandas' own message does)."""
    for position, label in enumerate(raw, start=1):
        try:
            pd.Timestamp(label)
        except (TypeError, ValueError):
            return f"label {position} of {len(raw)}, {label!r}, is not a date"
    return f"each label is a date, but not all are in the format of the first, {raw[0]!r}"


def _zones(raw: pd.Index) -> set[str]:
    """The time zones ("naive" for none) of the datetime objects in an object index."""
    return {
        "naive" if value.tzinfo is None else str(value.tzinfo)
        for value in raw
        if isinstance(value, datetime)
    }


def normalize_stream(
    sleeve_id: str, raw: pd.Series, source: str, *, clip_above: float = 1.0
) -> SleeveStream:
    """Validate and normalize one sleeve's raw returns (DESIGN 3.1, index normalization)."""
    where = f"sleeve {sleeve_id!r} ({source})"
    index = _daily_index(raw.index, sleeve_id, source)
    values = np.asarray(raw.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    increasing = bool((np.diff(index.asi8) > 0).all())  # strictly: unique and in order
    if not increasing and not index.is_unique:
        dups = index[index.duplicated()].unique()
        shown = ", ".join(_day(d) for d in dups[:3])
        raise ReturnsDataError(
            f"{where}: duplicate dates after normalizing to days: {shown}"
            + (f" and {len(dups) - 3} more" if len(dups) > 3 else "")
        )
    if not increasing:
        position = int(np.argmax(np.diff(index.asi8) < 0)) + 1
        raise ReturnsDataError(
            f"{where}: dates are not in increasing order ({_day(index[position])} follows "
            f"{_day(index[position - 1])})"
        )
    if np.isinf(values).any():
        bad = index[np.isinf(values)]
        raise ReturnsDataError(f"{where}: infinite return on {_day(bad[0])}")
    finite = ~np.isnan(values)
    nan_dropped = int((~finite).sum())
    if nan_dropped:
        index, values = index[finite], values[finite]
    if len(values) == 0:
        raise ReturnsDataError(f"{where}: no finite returns ({nan_dropped} NaN values)")
    if (values < -1.0).any():
        position = int(np.argmax(values < -1.0))
        raise ReturnsDataError(
            f"{where}: return {float(values[position])!r} on {_day(index[position])} is below -1 "
            "(a loss of more than everything)"
        )
    above = values > clip_above
    clipped = int(above.sum())
    if clipped:
        values = np.where(above, clip_above, values)
    series = pd.Series(values, index=index, name=sleeve_id, dtype=np.float64)
    return SleeveStream(
        sleeve_id=sleeve_id,
        series=series,
        source=source,
        raw_rows=len(raw),
        nan_dropped=nan_dropped,
        clipped=clipped,
    )


def _ranges(streams: Sequence[SleeveStream]) -> str:
    return "; ".join(
        f"{s.sleeve_id}: {_day(s.series.index[0])}..{_day(s.series.index[-1])} "
        f"({len(s.series)} days)"
        for s in streams
    )


def align(
    streams: Sequence[SleeveStream],
    alignment: str = "intersect",
    *,
    min_observations: int | None = None,
    where: str = "",
) -> MetaReturns:
    """Join the streams on the intersection of their dates (DESIGN 3.1).

    ``compound`` keeps the same index but folds each sleeve's returns on dates missing from the
    intersection into the next common date, so no PnL inside the common span is lost.
    ``min_observations`` (for covariance-based allocators) is the minimum number of rows.
    """
    label = f"{where}: " if where else ""
    if not streams:
        raise CalendarError(f"{label}no sleeves to align")
    # nanosecond stamps of each (strictly increasing) index; the intersection is done on them
    stamps = [pd.DatetimeIndex(stream.series.index).as_unit("ns").asi8 for stream in streams]
    keys = stamps[0]
    for other in stamps[1:]:
        if not np.array_equal(other, keys):  # sleeves on one calendar skip the set work
            keys = np.intersect1d(keys, other, assume_unique=True)
    common = pd.DatetimeIndex(keys.view(_NS), name="date")
    if len(common) == 0:
        raise CalendarError(
            f"{label}the sleeves have no date in common (empty calendar intersection); "
            f"date ranges: {_ranges(streams)}"
        )
    if min_observations is not None and len(common) < min_observations:
        raise CalendarError(
            f"{label}only {len(common)} common dates, fewer than min_observations "
            f"{min_observations}; date ranges: {_ranges(streams)}"
        )
    columns: dict[str, np.ndarray] = {}
    calendars = []
    first, last = keys[0], keys[-1]
    for stream, own in zip(streams, stamps, strict=True):
        series = stream.series
        values = series.to_numpy(dtype=np.float64)
        if len(own) == len(keys) and np.array_equal(own, keys):
            in_common = np.ones(len(own), dtype=bool)
        else:
            slot = np.minimum(np.searchsorted(keys, own), len(keys) - 1)
            in_common = keys[slot] == own
        in_span = (own >= first) & (own <= last)
        outside = int(np.count_nonzero(~in_span))
        folded = int(np.count_nonzero(in_span & ~in_common))
        column = values[in_common]  # both sorted and the common dates are a subset of own
        compounded = 0
        if alignment == "compound" and folded:
            slot = np.searchsorted(keys, own[in_span], side="left")
            starts = np.flatnonzero(np.r_[True, np.diff(slot) != 0])
            sizes = np.diff(np.r_[starts, len(slot)])
            # a product past the float range is inf, without numpy's overflow warning: the
            # allocators refuse a non-finite matrix and name the sleeve
            with np.errstate(over="ignore"):
                products = np.multiply.reduceat(1.0 + values[in_span], starts)
            many = sizes > 1  # rows that absorb missing days; others keep r exactly
            column[slot[starts[many]]] = products[many] - 1.0
            compounded = folded
        columns[stream.sleeve_id] = column
        dropped = int(np.count_nonzero(~in_common))
        calendars.append(
            SleeveCalendar(
                sleeve_id=stream.sleeve_id,
                days=len(series),
                first=_day(series.index[0]),
                last=_day(series.index[-1]),
                weekend_days=weekend_days(series.index),
                dropped=dropped,
                dropped_pct=round(100.0 * dropped / len(series), 6),
                compounded=compounded,
                outside_span=outside,
                nan_dropped=stream.nan_dropped,
                clipped=stream.clipped,
                source=stream.source,
            )
        )
    # One block, laid out as pandas lays out a frame built from its columns (a sleeve's
    # returns contiguous): on pandas 2.2 a row-major matrix would be kept as it is, and the
    # layout decides the pickle's bytes and the summation order of the meta stream's dot product
    stacked = np.vstack(list(columns.values()))
    frame = pd.DataFrame(stacked.T, index=common, columns=list(columns))
    return MetaReturns(frame=frame, alignment=alignment, calendars=tuple(calendars))
