"""The restricted unpickler: real pickles load, hostile ones are refused and never run."""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import os
import pickle
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.errors import (
    ArtifactFormatError,
    MissingArtifactError,
    UnsafeArtifactError,
)
from tradingview_scraper.io.safe_pickle import ALLOWED_GLOBALS, read_returns_pickle

DISPLAY = "data/artifacts/summaries/runs/r1/data/returns/custom_sim_hrp.pkl"

# Written by pandas 2.2.3 / numpy 1.26.4 (numpy.core.* module paths, which numpy 2 only reaches
# through a deprecation shim): pickle.dumps(Series([0.01, -0.02, 0.03], name="ret",
# index=date_range("2025-01-01", periods=3, freq="D", tz=ZoneInfo("Europe/Berlin"))), protocol=2)
SERIES_BERLIN_P2 = (
    "gAJjcGFuZGFzLmNvcmUuc2VyaWVzClNlcmllcwpxACmBcQF9cQIoWAQAAABfbWdycQNjcGFuZGFzLmNvcmUuaW50"
    "ZXJuYWxzLm1hbmFnZXJzClNpbmdsZUJsb2NrTWFuYWdlcgpxBCmBcQUoXXEGY3BhbmRhcy5jb3JlLmluZGV4ZXMu"
    "ZGF0ZXRpbWVzCl9uZXdfRGF0ZXRpbWVJbmRleApxB2NwYW5kYXMuY29yZS5pbmRleGVzLmRhdGV0aW1lcwpEYXRl"
    "dGltZUluZGV4CnEIfXEJKFgEAAAAZGF0YXEKY3BhbmRhcy5fbGlicy5hcnJheXMKX19weXhfdW5waWNrbGVfTkRB"
    "cnJheUJhY2tlZApxC2NwYW5kYXMuY29yZS5hcnJheXMuZGF0ZXRpbWVzCkRhdGV0aW1lQXJyYXkKcQxKHwbxBE6H"
    "cQ1ScQ5jcGFuZGFzLmNvcmUuZHR5cGVzLmR0eXBlcwpEYXRldGltZVRaRHR5cGUKcQ8pgXEQfXERKFgEAAAAdW5p"
    "dHESWAIAAABuc3ETWAIAAAB0enEUY19fYnVpbHRpbl9fCmdldGF0dHIKcRVjem9uZWluZm8KWm9uZUluZm8KcRZY"
    "CQAAAF91bnBpY2tsZXEXhnEYUnEZWA0AAABFdXJvcGUvQmVybGlucRpLAYZxG1JxHHViY251bXB5LmNvcmUubXVs"
    "dGlhcnJheQpfcmVjb25zdHJ1Y3QKcR1jbnVtcHkKbmRhcnJheQpxHksAhXEfY19jb2RlY3MKZW5jb2RlCnEgWAEA"
    "AABicSFYBgAAAGxhdGluMXEihnEjUnEkh3ElUnEmKEsBSwOFcSdjbnVtcHkKZHR5cGUKcShYAgAAAE04cSmJiIdx"
    "KlJxKyhLBFgBAAAAPHEsTk5OSv////9K/////0sAfXEtKGggWAIAAABuc3EuaCKGcS9ScTBLAUsBSwF0cTGGcTJ0"
    "cTNiiWggWB4AAAAAYMKewo84ZRYYAGDDrSDDjcKzFhgAYDzCsmECFxhxNGgihnE1UnE2dHE3Yn1xOFgFAAAAX2Zy"
    "ZXFxOWNwYW5kYXMuX2xpYnMudHNsaWJzLm9mZnNldHMKRGF5CnE6SwGJhnE7UnE8c4dxPWJYBAAAAG5hbWVxPk51"
    "hnE/UnFAYV1xQWgdaB5LAIVxQmgkh3FDUnFEKEsBSwOFcUVoKFgCAAAAZjhxRomIh3FHUnFIKEsDaCxOTk5K////"
    "/0r/////SwB0cUliiWggWCQAAAB7FMKuR8OhesKEP3sUwq5Hw6F6wpTCv8K4HsKFw6tRwrjCnj9xSmgihnFLUnFM"
    "dHFNYmFdcU5oB2gIfXFPKGgKaAtoDEofBvEETodxUFJxUWgQaB1oHksAhXFSaCSHcVNScVQoSwFLA4VxVWgriWgg"
    "WB4AAAAAYMKewo84ZRYYAGDDrSDDjcKzFhgAYDzCsmECFxhxVmgihnFXUnFYdHFZYn1xWmg5aDpLAYmGcVtScVxz"
    "h3FdYmg+TnWGcV5ScV9hfXFgWAYAAAAwLjE0LjFxYX1xYihYBAAAAGF4ZXNxY2gGWAYAAABibG9ja3NxZF1xZX1x"
    "ZihYBgAAAHZhbHVlc3FnaERYCAAAAG1ncl9sb2NzcWhjX19idWlsdGluX18Kc2xpY2UKcWlLAEsDSwGHcWpScWt1"
    "YXVzdHFsYlgEAAAAX3R5cHFtWAYAAABzZXJpZXNxblgJAAAAX21ldGFkYXRhcW9dcXBYBQAAAF9uYW1lcXFhWAUA"
    "AABhdHRyc3FyfXFzWAYAAABfZmxhZ3NxdH1xdVgXAAAAYWxsb3dzX2R1cGxpY2F0ZV9sYWJlbHNxdohzaHFYAwAA"
    "AHJldHF3dWIu"
)
# Same writer: pickle.dumps(DataFrame({"ret": [0.01, -0.02, 0.03]},
# index=date_range("2025-01-01", periods=3, freq="B")), protocol=5)
FRAME_NAIVE_B_P5 = (
    "gAWVOAQAAAAAAACMEXBhbmRhcy5jb3JlLmZyYW1llIwJRGF0YUZyYW1llJOUKYGUfZQojARfbWdylIwecGFuZGFz"
    "LmNvcmUuaW50ZXJuYWxzLm1hbmFnZXJzlIwMQmxvY2tNYW5hZ2VylJOUjBZwYW5kYXMuX2xpYnMuaW50ZXJuYWxz"
    "lIwPX3VucGlja2xlX2Jsb2NrlJOUjBJudW1weS5jb3JlLm51bWVyaWOUjAtfZnJvbWJ1ZmZlcpSTlCiWGAAAAAAA"
    "AAB7FK5H4XqEP3sUrkfhepS/uB6F61G4nj+UjAVudW1weZSMBWR0eXBllJOUjAJmOJSJiIeUUpQoSwOMATyUTk5O"
    "Sv////9K/////0sAdJRiSwFLA4aUjAFDlHSUUpSMCGJ1aWx0aW5zlIwFc2xpY2WUk5RLAEsBSwGHlFKUSwKHlFKU"
    "hZRdlCiMGHBhbmRhcy5jb3JlLmluZGV4ZXMuYmFzZZSMCl9uZXdfSW5kZXiUk5RoJYwFSW5kZXiUk5R9lCiMBGRh"
    "dGGUjBVudW1weS5jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5RoEIwHbmRhcnJheZSTlEsAhZRDAWKU"
    "h5RSlChLAUsBhZRoEowCTziUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9LP3SUYoldlIwDcmV0lGF0lGKMBG5h"
    "bWWUTnWGlFKUjB1wYW5kYXMuY29yZS5pbmRleGVzLmRhdGV0aW1lc5SMEl9uZXdfRGF0ZXRpbWVJbmRleJSTlGhB"
    "jA1EYXRldGltZUluZGV4lJOUfZQoaCuME3BhbmRhcy5fbGlicy5hcnJheXOUjBxfX3B5eF91bnBpY2tsZV9OREFy"
    "cmF5QmFja2VklJOUjBxwYW5kYXMuY29yZS5hcnJheXMuZGF0ZXRpbWVzlIwNRGF0ZXRpbWVBcnJheZSTlEofBvEE"
    "ToeUUpRoEowCTTiUiYiHlFKUKEsEaBZOTk5K/////0r/////SwB9lChDAm5zlEsBSwFLAXSUhpR0lGJoLmgwSwCF"
    "lGgyh5RSlChLAUsDhZRoEowCTTiUiYiHlFKUKEsEaBZOTk5K/////0r/////SwB9lChDAm5zlEsBSwFLAXSUhpR0"
    "lGKJQxgAAFfAfmgWGAAAplETtxYYAAD14qcFFxiUdJRifZSMBV9mcmVxlIwbcGFuZGFzLl9saWJzLnRzbGlicy5v"
    "ZmZzZXRzlIwLQnVzaW5lc3NEYXmUk5RLAYmMCGRhdGV0aW1llIwJdGltZWRlbHRhlJOUSwBLAEsAh5RSlIeUUpRz"
    "h5RiaD5OdYaUUpRlhpRSlIwEX3R5cJSMCWRhdGFmcmFtZZSMCV9tZXRhZGF0YZRdlIwFYXR0cnOUfZSMBl9mbGFn"
    "c5R9lIwXYWxsb3dzX2R1cGxpY2F0ZV9sYWJlbHOUiHN1Yi4="
)


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "x.pkl"
    path.write_bytes(data)
    return path


def load(path: Path) -> pd.Series:
    return read_returns_pickle(path, display=DISPLAY)[0]


def test_allow_list_is_sorted_and_unique() -> None:
    assert list(ALLOWED_GLOBALS) == sorted(set(ALLOWED_GLOBALS))
    dangerous = {"eval", "exec", "__import__", "open", "system", "Popen", "compile"}
    assert not {name for _, name in ALLOWED_GLOBALS} & dangerous


TIMEZONES = {
    "naive": None,
    "utc": "UTC",
    "fixed+2": dt.timezone(dt.timedelta(hours=2)),
    "berlin": ZoneInfo("Europe/Berlin"),
    "zoneinfo-utc": ZoneInfo("UTC"),
}


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("freq", [None, "D", "B"])
@pytest.mark.parametrize("tz", TIMEZONES.values(), ids=TIMEZONES.keys())
def test_series_round_trip(tmp_path: Path, tz: object, freq: str | None, protocol: int) -> None:
    index = pd.date_range("2025-01-01", periods=6, freq=freq or "D", tz=tz, name="date")
    if freq is None:
        index = pd.DatetimeIndex(list(index), name="date")
    series = pd.Series(np.linspace(-0.02, 0.03, 6), index=index, name="ret")
    loaded = load(write(tmp_path, pickle.dumps(series, protocol=protocol)))
    pd.testing.assert_series_equal(loaded, series)
    assert loaded.index.freq == series.index.freq
    assert str(loaded.index.tz) == str(series.index.tz)


def test_to_pickle_one_column_frame_becomes_its_column(tmp_path: Path) -> None:
    index = pd.date_range("2025-01-01", periods=4, tz=ZoneInfo("Europe/Berlin"))
    frame = pd.DataFrame({"long_all": [0.01, 0.02, -0.01, 0.0]}, index=index)
    path = tmp_path / "f.pkl"
    frame.to_pickle(path)
    pd.testing.assert_series_equal(load(path), frame["long_all"])


@pytest.mark.parametrize(
    ("values", "dtype"),
    [([1, 2, 3], "int64"), ([1, 2, 3], "int32"), ([0.5, 1.5, 2.5], "float32")],
)
def test_integer_and_float32_values_become_float64(
    tmp_path: Path, values: list[float], dtype: str
) -> None:
    series = pd.Series(values, dtype=dtype, index=pd.RangeIndex(3))
    loaded = load(write(tmp_path, pickle.dumps(series)))
    assert loaded.dtype == np.float64
    assert loaded.tolist() == [float(v) for v in values]


def test_nullable_float_with_missing_value_becomes_nan(tmp_path: Path) -> None:
    series = pd.Series([0.1, None, 0.3], dtype="Float64", index=[10, 20, 30])
    loaded = load(write(tmp_path, pickle.dumps(series)))
    assert loaded.dtype == np.float64
    assert loaded.index.tolist() == [10, 20, 30]
    assert loaded.iloc[0] == 0.1 and np.isnan(loaded.iloc[1])


def test_index_is_returned_unnormalized(tmp_path: Path) -> None:
    index = pd.DatetimeIndex(["2025-01-03 16:00", "2025-01-01 09:30"], tz="UTC")
    loaded = load(write(tmp_path, pickle.dumps(pd.Series([0.1, 0.2], index=index))))
    assert loaded.index.equals(index)


@pytest.mark.parametrize(
    ("blob", "tz", "freq"),
    [(SERIES_BERLIN_P2, "Europe/Berlin", "D"), (FRAME_NAIVE_B_P5, "None", "B")],
    ids=["series-zoneinfo-p2", "frame-naive-business-days-p5"],
)
def test_pandas2_numpy1_pickles_load_without_warnings(
    tmp_path: Path, blob: tuple[str, ...], tz: str, freq: str
) -> None:
    loaded = load(write(tmp_path, base64.b64decode("".join(blob))))
    assert loaded.tolist() == [0.01, -0.02, 0.03]
    assert loaded.name == "ret"
    assert str(loaded.index.tz) == tz
    assert loaded.index.freqstr == freq
    assert loaded.index[0].date() == dt.date(2025, 1, 1)


class _FakeUTC(dt.tzinfo):
    """Pickled as a plain class; the test rewrites its global to ``pytz._UTC``."""

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, when: dt.datetime | None) -> str:
        return "UTC"


def test_pytz_zone_loads_when_pytz_is_installed(tmp_path: Path) -> None:
    series = pd.Series([0.1, 0.2], index=pd.date_range("2025-01-01", periods=2, tz=_FakeUTC()))
    data = pickle.dumps(series, protocol=2)
    fake = f"{_FakeUTC.__module__}\n_FakeUTC\n".encode()
    assert data.count(fake) == 1
    path = write(tmp_path, data.replace(fake, b"pytz\n_UTC\n"))
    if importlib.util.find_spec("pytz") is None:
        with pytest.raises(
            ArtifactFormatError, match=r"hrp\.pkl: cannot load pickle: it needs 'pytz\._UTC'"
        ):
            load(path)
    else:
        import pytz

        assert load(path).index.tz is pytz.utc


# --- hostile pickles ------------------------------------------------------------------------


class _Reduce:
    """An object that pickles as ``func(*args)``."""

    def __init__(self, func: object, *args: object) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.func, self.args


def hostile_cases(marker: Path) -> dict[str, tuple[bytes, str]]:
    touch = f"open({str(marker)!r}, 'w').close()"
    return {
        "os.system": (
            pickle.dumps(_Reduce(os.system, f"touch {marker}")),
            rf"imports '{os.name}\.system'",
        ),
        "builtins.eval": (pickle.dumps(_Reduce(eval, touch)), r"imports 'builtins\.eval'"),
        "builtins.exec": (pickle.dumps(_Reduce(exec, touch)), r"imports 'builtins\.exec'"),
        "subprocess.Popen": (
            pickle.dumps(_Reduce(subprocess.Popen, ["touch", str(marker)])),
            r"imports 'subprocess\.Popen'",
        ),
        "inside a real Series": (
            pickle.dumps(pd.Series([0.1], name=_Reduce(os.system, f"touch {marker}"))),
            rf"imports '{os.name}\.system'",
        ),
        "__builtin__.__import__ (protocol 0)": (
            b"c__builtin__\n__import__\n(Vos\ntR.",
            r"imports '__builtin__\.__import__'",
        ),
        "getattr on a pandas class": (
            pickle.dumps(_Reduce(getattr, pd.DataFrame, "to_pickle")),
            r"calls getattr\(pandas(\.core\.frame)?\.DataFrame, 'to_pickle'\)",
        ),
        "getattr on ZoneInfo beyond _unpickle": (
            pickle.dumps(_Reduce(getattr, ZoneInfo, "from_file")),
            r"calls getattr\(zoneinfo\.ZoneInfo, 'from_file'\)",
        ),
        "bytes of a huge size": (
            b"c__builtin__\nbytes\n(I1000000000000\ntR.",
            r"calls bytes\(int\)",
        ),
        "_codecs.encode with another codec": (
            b"c_codecs\nencode\n(Vabc\nVrot13\ntR.",
            r"calls _codecs\.encode\(<str>, 'rot13'\)",
        ),
        "persistent id": (b"P1\n.", r"uses a persistent id"),
    }


CASE_IDS = list(hostile_cases(Path("m")))


@pytest.mark.parametrize("case", CASE_IDS)
def test_hostile_pickle_is_refused_and_nothing_runs(tmp_path: Path, case: str) -> None:
    marker = tmp_path / "pwned"
    data, pattern = hostile_cases(marker)[case]
    path = write(tmp_path, data)
    message = rf"^{DISPLAY}: refused to load pickle: it .*{pattern}.*untrusted pickles are never"
    with pytest.raises(UnsafeArtifactError, match=message):
        load(path)
    assert not marker.exists()


def test_marker_check_is_meaningful(tmp_path: Path) -> None:
    """The same payload does create the marker under the unrestricted unpickler."""
    marker = tmp_path / "pwned"
    data, _ = hostile_cases(marker)["builtins.exec"]
    pickle.loads(data)
    assert marker.exists()


# --- files that are not a return series -----------------------------------------------------

DATES = pd.date_range("2025-01-01", periods=3)
CORRUPT = "is not a readable pickle \\(truncated or corrupt: "
NOT_SERIES = "expected a Series or a 1-column DataFrame"
GOOD = pickle.dumps(pd.Series([0.1, 0.2, 0.3], index=DATES), protocol=5)


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"", CORRUPT + "Ran out of input"),
        (GOOD[: len(GOOD) // 2], CORRUPT),
        (b"this is not a pickle", CORRUPT),
        (pickle.dumps([0.1, 0.2]), f"holds a list; {NOT_SERIES}"),
        (pickle.dumps({"a": 0.1}), f"holds a dict; {NOT_SERIES}"),
        (
            pickle.dumps(pd.DataFrame({"a": [0.1] * 3, "b": [0.2] * 3}, index=DATES)),
            f"holds a DataFrame with 2 columns; {NOT_SERIES}",
        ),
        (
            pickle.dumps(pd.DataFrame(index=DATES)),
            f"holds a DataFrame with 0 columns; {NOT_SERIES}",
        ),
        (
            pickle.dumps(pd.Series(["a", "b"], dtype=object)),
            "holds values of dtype object; expected float or",
        ),
        (pickle.dumps(pd.Series([True, False])), "holds values of dtype bool; expected float"),
        (
            pickle.dumps(pd.Series(["a", "b"], dtype="string")),
            "holds values of dtype string; expected float",
        ),
        (pickle.dumps(pd.Series([1 + 2j])), "holds values of dtype complex128; expected"),
        (pickle.dumps(pd.Series(DATES)), r"holds values of dtype datetime64\[\w+\]; expected"),
    ],
    ids=[
        "empty",
        "truncated",
        "garbage",
        "list",
        "dict",
        "two-columns",
        "no-columns",
        "object",
        "bool",
        "string",
        "complex",
        "datetimes",
    ],
)
def test_unusable_pickle_is_a_format_error(tmp_path: Path, data: bytes, pattern: str) -> None:
    with pytest.raises(ArtifactFormatError, match=f"^{DISPLAY}: {pattern}") as caught:
        load(write(tmp_path, data))
    assert not isinstance(caught.value, UnsafeArtifactError)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingArtifactError, match=f"^{DISPLAY}: returns pickle not found"):
        load(tmp_path / "absent.pkl")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ArtifactFormatError, match=f"^{DISPLAY}: is a directory"):
        load(tmp_path)
