"""Case folders: the returns CSVs' header words that choose the kind of index, and case.json."""

from __future__ import annotations

import json
import re
from datetime import UTC, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from tradingview_scraper.errors import HarnessError
from tradingview_scraper.harness.materialize import (
    csv_to_series,
    load_case,
    materialize,
    returns_object,
)


def _csv(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "returns.csv"
    path.write_text("\n".join([f"{header},return", *rows]) + "\n", encoding="utf-8")
    return path


def test_plain_date_column_is_a_naive_datetime_index(tmp_path: Path) -> None:
    series = csv_to_series(_csv(tmp_path, "date", "2025-10-01,0.5", "2025-10-02T15:30:00,"))
    assert isinstance(series.index, pd.DatetimeIndex) and series.index.tz is None
    assert list(series.index) == [pd.Timestamp("2025-10-01"), pd.Timestamp("2025-10-02 15:30")]
    assert series.iloc[0] == 0.5 and pd.isna(series.iloc[1])


def test_a_zone_localizes_the_wall_times(tmp_path: Path) -> None:
    series = csv_to_series(_csv(tmp_path, "date[Asia/Tokyo]", "2025-10-01T08:00:00,0.1"))
    assert str(series.index.tz) == "Asia/Tokyo"
    assert series.index[0].tz_convert("UTC") == pd.Timestamp("2025-09-30 23:00", tz="UTC")


def test_text_keeps_the_strings_as_written(tmp_path: Path) -> None:
    series = csv_to_series(_csv(tmp_path, "date[text]", "2025-10-01,0.1", "2025-10-32,0.2"))
    assert series.index.dtype == object
    assert list(series.index) == ["2025-10-01", "2025-10-32"]


def test_timestamps_are_boxed_one_by_one_and_may_differ_in_zone(tmp_path: Path) -> None:
    rows = ("2025-10-01T00:00:00+09:00,0.1", "2025-10-02T00:00:00+00:00,0.2", "2025-10-03,0.3")
    series = csv_to_series(_csv(tmp_path, "date[timestamps]", *rows))
    assert series.index.dtype == object
    assert all(type(v) is pd.Timestamp for v in series.index)
    assert [v.tzinfo for v in series.index] == [
        timezone(timedelta(hours=9)),
        UTC,
        None,
    ]


def test_numbers_are_an_int64_index(tmp_path: Path) -> None:
    series = csv_to_series(_csv(tmp_path, "date[numbers]", "20251001,0.1", "20251002,0.2"))
    assert series.index.dtype == "int64"
    assert list(series.index) == [20251001, 20251002]


@pytest.mark.parametrize(
    ("header", "row"),
    [("date[numbers]", "2025-10-01,0.1"), ("date[timestamps]", "yesterday,0.1")],
)
def test_a_stamp_that_is_not_of_its_kind_is_a_harness_error(
    tmp_path: Path, header: str, row: str
) -> None:
    with pytest.raises(HarnessError, match=rf"returns\.csv: column '{re.escape(header)}'"):
        csv_to_series(_csv(tmp_path, header, row))


def _values(tmp_path: Path, column: str, *values: str) -> Path:
    path = tmp_path / "returns.csv"
    rows = [f"2025-10-0{i + 1},{v}" for i, v in enumerate(values)]
    path.write_text("\n".join([f"date,{column}", *rows]) + "\n", encoding="utf-8")
    return path


def test_the_value_header_may_ask_for_a_one_column_frame(tmp_path: Path) -> None:
    obj, protocol = returns_object(_values(tmp_path, "return[frame]", "0.5", "-0.25"))
    assert protocol == 4 and isinstance(obj, pd.DataFrame) and list(obj.columns) == ["return"]
    assert obj["return"].tolist() == [0.5, -0.25]


def test_the_value_header_may_ask_for_int64_values(tmp_path: Path) -> None:
    obj, _ = returns_object(_values(tmp_path, "return[int64]", "1.0", "0"))
    assert isinstance(obj, pd.Series) and str(obj.dtype) == "int64" and obj.name == "return"
    assert obj.tolist() == [1, 0]
    with pytest.raises(HarnessError, match="whole numbers"):
        returns_object(_values(tmp_path, "return[int64]", "0.5"))


def test_an_unknown_value_kind_is_a_harness_error(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="unknown kind 'text'"):
        returns_object(_values(tmp_path, "return[text]", "0.5"))
    plain, protocol = returns_object(_values(tmp_path, "return", "0.5"))
    assert isinstance(plain, pd.Series) and str(plain.dtype) == "float64" and protocol == 4


def test_protocol2_pickles_the_series_with_protocol_2(tmp_path: Path) -> None:
    folder = tmp_path / "case" / "data" / "returns"
    folder.mkdir(parents=True)
    (folder / "x.csv").write_text("date,return[protocol2]\n2025-10-01,0.5\n", encoding="utf-8")
    workspace = materialize(tmp_path / "case", tmp_path / "ws")
    data = (workspace / "data" / "returns" / "x.pkl").read_bytes()
    assert data[:2] == b"\x80\x02" and b"_codecs" in data
    assert pd.read_pickle(workspace / "data" / "returns" / "x.pkl").tolist() == [0.5]


def _case_file(folder: Path, run_id: object) -> Path:
    folder.mkdir()
    document = {
        "meta_profile": "meta_two",
        "risk_profiles": ["hrp"],
        "run_id": run_id,
        "expect": {"outcome": "success"},
    }
    (folder / "case.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def test_a_null_run_id_leaves_the_id_to_the_runner(tmp_path: Path) -> None:
    assert load_case(_case_file(tmp_path / "c", None)).run_id is None
    assert load_case(_case_file(tmp_path / "d", "mine")).run_id == "mine"


def test_a_run_id_that_is_not_a_string_is_a_harness_error(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match=r"run_id must be a string or null, not 7"):
        load_case(_case_file(tmp_path / "c", 7))
