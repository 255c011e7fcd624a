"""Load a sleeve's return pickle without ever running code from it (DESIGN 2.2).

Return pickles are untrusted input. ``read_returns_pickle`` unpickles them with ``_SafeUnpickler``,
whose ``find_class`` admits only the ``(module, name)`` pairs of ``ALLOWED_GLOBALS``: the numpy,
pandas, datetime and time-zone globals that a pickled Series or DataFrame of numbers needs. Any
other global (``posix.system``, ``builtins.eval``, ``subprocess.Popen``, ...) is refused before it
is imported, so nothing in a hostile pickle runs.

Three admitted builtins could do harm with arbitrary arguments, so the unpickler hands out guarded
stand-ins instead of the real callables:

* ``getattr``: zoneinfo pickles ``ZoneInfo._unpickle`` as ``getattr(ZoneInfo, "_unpickle")``; the
  stand-in allows exactly the ``(object, attribute)`` pairs of ``_ALLOWED_ATTRIBUTES``.
* ``_codecs.encode``: protocol 2 spells ``bytes`` as ``encode(text, "latin1")``; only latin-1 text.
* ``bytes``: protocol 2 spells ``b""`` as ``bytes()``; no integer argument (``bytes(10**12)``).
"""

from __future__ import annotations

import codecs
import importlib
import io
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ArtifactFormatError, MissingArtifactError, UnsafeArtifactError

__all__ = ["ALLOWED_GLOBALS", "read_returns_pickle"]

# How this list was derived: Series and DataFrames of float64, int, float32, bool, object and
# string values (all of which must load so that the dtype check below can name them), nullable
# Float64/Int64 values, with RangeIndex, integer and string indexes and DatetimeIndexes (naive;
# units s/ms/us/ns; tz "UTC", datetime.timezone.utc, datetime.timezone(timedelta(hours=2)) with and
# without a name, zoneinfo UTC and Europe/Berlin, pytz utc, Europe/Berlin and FixedOffset, dateutil
# tzutc/tzoffset; freq unset and D, B, C, h, min, s, 7D, 2B, W-FRI, ME, MS, BME, QE, YE), and with
# numpy-scalar or Timestamp names were written with pickle protocols 2, 3, 4, 5 and
# DataFrame.to_pickle by pandas 2.0.3/numpy 1.24.4, pandas 2.2.3/numpy 1.26.4,
# pandas 2.2.3/numpy 2.2.6 and pandas 3.1.1/numpy 2.4.6, then read back under pandas 3.1.1 with an
# Unpickler whose find_class logged every (module, name). This is the union of what it logged,
# minus dateutil's tzfile classes, which open a file path taken from the pickle (use zoneinfo or
# pytz zones instead). numpy 1.x module paths (numpy.core.*) are resolved to numpy._core.* to avoid
# numpy 2's deprecation warning; ``__builtin__`` (protocol 2) is resolved to ``builtins``.
ALLOWED_GLOBALS: tuple[tuple[str, str], ...] = (
    ("__builtin__", "bytes"),
    ("__builtin__", "getattr"),
    ("__builtin__", "slice"),
    ("_codecs", "encode"),
    ("builtins", "getattr"),
    ("builtins", "slice"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("dateutil.tz.tz", "tzoffset"),
    ("dateutil.tz.tz", "tzutc"),
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("pandas", "DataFrame"),
    ("pandas", "DatetimeIndex"),
    ("pandas", "DatetimeTZDtype"),
    ("pandas", "Float64Dtype"),
    ("pandas", "Index"),
    ("pandas", "Int64Dtype"),
    ("pandas", "NA"),
    ("pandas", "RangeIndex"),
    ("pandas", "Series"),
    ("pandas", "StringDtype"),
    ("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),
    ("pandas._libs.internals", "_unpickle_block"),
    ("pandas._libs.tslibs.offsets", "BusinessDay"),
    ("pandas._libs.tslibs.offsets", "BusinessMonthEnd"),
    ("pandas._libs.tslibs.offsets", "CustomBusinessDay"),
    ("pandas._libs.tslibs.offsets", "Day"),
    ("pandas._libs.tslibs.offsets", "Hour"),
    ("pandas._libs.tslibs.offsets", "Minute"),
    ("pandas._libs.tslibs.offsets", "MonthBegin"),
    ("pandas._libs.tslibs.offsets", "MonthEnd"),
    ("pandas._libs.tslibs.offsets", "QuarterEnd"),
    ("pandas._libs.tslibs.offsets", "Second"),
    ("pandas._libs.tslibs.offsets", "Week"),
    ("pandas._libs.tslibs.offsets", "YearEnd"),
    ("pandas._libs.tslibs.timestamps", "_unpickle_timestamp"),
    ("pandas.arrays", "DatetimeArray"),
    ("pandas.arrays", "FloatingArray"),
    ("pandas.arrays", "IntegerArray"),
    ("pandas.arrays", "StringArray"),
    ("pandas.core.arrays.datetimes", "DatetimeArray"),
    ("pandas.core.arrays.floating", "Float64Dtype"),
    ("pandas.core.arrays.floating", "FloatingArray"),
    ("pandas.core.arrays.integer", "Int64Dtype"),
    ("pandas.core.arrays.integer", "IntegerArray"),
    ("pandas.core.arrays.string_", "StringArray"),
    ("pandas.core.arrays.string_", "StringDtype"),
    ("pandas.core.dtypes.dtypes", "DatetimeTZDtype"),
    ("pandas.core.frame", "DataFrame"),
    ("pandas.core.indexes.base", "Index"),
    ("pandas.core.indexes.base", "_new_Index"),
    ("pandas.core.indexes.datetimes", "DatetimeIndex"),
    ("pandas.core.indexes.datetimes", "_new_DatetimeIndex"),
    ("pandas.core.indexes.range", "RangeIndex"),
    ("pandas.core.internals.managers", "BlockManager"),
    ("pandas.core.internals.managers", "SingleBlockManager"),
    ("pandas.core.series", "Series"),
    ("pytz", "FixedOffset"),
    ("pytz", "_UTC"),
    ("pytz", "_p"),
    ("zoneinfo", "ZoneInfo"),
)

_ALLOWED = frozenset(ALLOWED_GLOBALS)
_MODULE_ALIASES = {
    "__builtin__": "builtins",
    "numpy.core.multiarray": "numpy._core.multiarray",
    "numpy.core.numeric": "numpy._core.numeric",
}
# (module, qualified name of the object, attribute) that the getattr stand-in hands out.
_ALLOWED_ATTRIBUTES = frozenset({("zoneinfo", "ZoneInfo", "_unpickle")})


class _RefusedError(Exception):
    """Raised inside the unpickler; ``read_returns_pickle`` turns it into UnsafeArtifactError."""


class _UnavailableError(Exception):
    """An admitted global that this environment cannot import (e.g. pytz not installed)."""


def _guarded_getattr(obj: object, attribute: object) -> Any:
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", type(obj).__qualname__)
    if not isinstance(obj, type) or (module, qualname, attribute) not in _ALLOWED_ATTRIBUTES:
        raise _RefusedError(f"calls getattr({module}.{qualname}, {attribute!r})")
    return getattr(obj, str(attribute))


def _guarded_encode(text: object, encoding: object = "utf-8") -> bytes:
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise _RefusedError(f"calls _codecs.encode(<{type(text).__name__}>, {encoding!r})")
    return codecs.encode(text, "latin1")


def _guarded_bytes(*args: object) -> bytes:
    if args and not (len(args) == 1 and isinstance(args[0], bytes | bytearray)):
        kinds = ", ".join(type(arg).__name__ for arg in args)
        raise _RefusedError(f"calls bytes({kinds})")
    return bytes(*args)


_GUARDS: dict[tuple[str, str], Callable[..., Any]] = {
    ("__builtin__", "bytes"): _guarded_bytes,
    ("__builtin__", "getattr"): _guarded_getattr,
    ("builtins", "getattr"): _guarded_getattr,
    ("_codecs", "encode"): _guarded_encode,
}


class _SafeUnpickler(pickle.Unpickler):
    """An Unpickler that resolves only ``ALLOWED_GLOBALS`` (and guards three of them)."""

    def find_class(self, module: str, name: str, /) -> Any:
        key = (module, name)
        if key not in _ALLOWED:
            raise _RefusedError(f"imports '{module}.{name}'")
        if key in _GUARDS:
            return _GUARDS[key]
        real_module = _MODULE_ALIASES.get(module, module)
        try:
            return getattr(importlib.import_module(real_module), name)
        except (ImportError, AttributeError) as exc:
            raise _UnavailableError(
                f"it needs '{module}.{name}', which is not available here ({exc})"
            ) from None

    def persistent_load(self, pid: Any, /) -> Any:
        raise _RefusedError("uses a persistent id")


def _unpickle(path: Path, display: str) -> tuple[object, bytes]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MissingArtifactError(f"{display}: returns pickle not found") from None
    except IsADirectoryError:
        raise ArtifactFormatError(f"{display}: is a directory, expected a pickle file") from None
    try:
        return _SafeUnpickler(io.BytesIO(data)).load(), data
    except _RefusedError as exc:
        raise UnsafeArtifactError(
            f"{display}: refused to load pickle: it {exc}, which is not pandas/numpy data "
            "(untrusted pickles are never executed)"
        ) from None
    except _UnavailableError as exc:
        raise ArtifactFormatError(f"{display}: cannot load pickle: {exc}") from None
    except Exception as exc:  # any failure to rebuild untrusted bytes is a format error
        reason = str(exc) or type(exc).__name__
        if len(reason) > 200:
            reason = reason[:200] + "..."
        raise ArtifactFormatError(
            f"{display}: is not a readable pickle (truncated or corrupt: {reason})"
        ) from None


def read_returns_pickle(path: Path, *, display: str) -> tuple[pd.Series, bytes]:
    """The return series pickled at ``path``, as float64 (index untouched), and the file's bytes
    (to hash them without reading it twice).

    Accepts a Series or a 1-column DataFrame (its column) of float or integer values; ``display``
    is the workspace-relative path used in error messages.
    """
    obj, data = _unpickle(path, display)
    expected = "expected a Series or a 1-column DataFrame"
    if isinstance(obj, pd.DataFrame):
        columns = obj.shape[1]
        if columns != 1:
            raise ArtifactFormatError(
                f"{display}: holds a DataFrame with {columns} columns; {expected}"
            )
        series = obj.iloc[:, 0]
    elif isinstance(obj, pd.Series):
        series = obj
    else:
        raise ArtifactFormatError(f"{display}: holds a {type(obj).__name__}; {expected}")
    dtype = series.dtype
    if not (pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)):
        raise ArtifactFormatError(
            f"{display}: holds values of dtype {dtype}; expected float or integer returns"
        )
    if dtype != "float64":
        series = series.astype("float64")
    return series, data
