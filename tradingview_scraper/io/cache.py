"""Content-addressed cache of meta return matrices in ``<lakehouse>/.cache/meta_returns/``.

One entry per (meta profile, risk profile) node of a run: the aligned matrix and its calendar
statistics (``MetaReturns``), the output of the returns stage before any allocation. Keys are
opaque here; ``meta.cache_keys.matrix_keys`` derives them: the sha256 of a canonical JSON of
everything that determines that matrix:

* the cache format and the package version;
* the risk profile, the allocator it selects, and the whole validated meta profile (sleeves,
  bounds, allocation, health and calendar settings, as ``repr`` of the frozen dataclass);
* per atomic sleeve: its health verdict (what the ledger decides), the run and returns file chosen
  (what the resolved manifests and run folders decide) and the sha256 of the pickle's bytes;
* per nested sleeve: the key of the sub-meta's matrix and the sub-meta's whole profile (its
  allocation settings decide the weights of the branch stream), recursively.

Ledgers and resolved manifests enter through what they decide (verdict, run); weight files do
not shape the matrix. A changed input byte changes a digest or a decision, hence the key.

Entries are ``.npz`` files (``numpy.load(allow_pickle=False)``: nothing is ever unpickled) holding
the dates as int64 nanoseconds, the values as a float64 matrix and a JSON metadata block (key,
columns, frequency, alignment, calendars, and a sha256 of the arrays). They are written to a
temporary file and moved into place (atomic), and validated on read: a missing, truncated,
corrupt, mismatched or hostile entry is ignored (the matrix is recomputed and the entry
rewritten). The lakehouse is scratch space, never a source of truth: a hit only replaces work
whose inputs hash to the same key.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from ..contracts import MetaReturns, SleeveCalendar

__all__ = ["CACHE_FORMAT", "cache_dir", "load_matrix", "store_matrix"]

CACHE_FORMAT = 1
_SUBDIR = "meta_returns"
_NS = "datetime64[ns]"


def cache_dir(lakehouse: Path) -> Path:
    """``<lakehouse>/.cache/meta_returns``."""
    return lakehouse / ".cache" / _SUBDIR


def _entry(lakehouse: Path, key: str) -> Path:
    return cache_dir(lakehouse) / f"{key}.npz"


def _arrays_digest(index: np.ndarray, values: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in (index, values):
        digest.update(str(array.shape).encode("ascii"))
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def store_matrix(lakehouse: Path, key: str, returns: MetaReturns) -> bool:
    """Write ``returns`` under ``key`` atomically; False (nothing written) if it cannot be cached.

    A matrix whose index frequency does not round-trip through its string is not cached.
    """
    frame = returns.frame
    index = pd.DatetimeIndex(frame.index)
    freq = index.freqstr
    if freq is not None and to_offset(freq) != index.freq:
        return False
    if index.dtype != np.dtype(_NS) or any(dt != np.float64 for dt in frame.dtypes):
        return False
    stamps = np.ascontiguousarray(index.asi8, dtype=np.int64)
    values = np.ascontiguousarray(frame.to_numpy(dtype=np.float64))
    meta = {
        "format": CACHE_FORMAT,
        "key": key,
        "columns": [str(c) for c in frame.columns],
        "index_name": index.name,
        "freq": freq,
        "alignment": returns.alignment,
        "calendars": [c.to_dict() for c in returns.calendars],
        "arrays_sha256": _arrays_digest(stamps, values),
    }
    blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    target = _entry(lakehouse, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{key[:16]}-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, index=stamps, values=values, meta=blob)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return True


def load_matrix(lakehouse: Path, key: str) -> MetaReturns | None:
    """The matrix cached under ``key``, or None when there is no valid entry."""
    path = _entry(lakehouse, key)
    if path.is_symlink() or not path.is_file():
        return None
    try:
        with zipfile.ZipFile(path) as archive:  # stored as written: no decompression bomb
            if any(info.compress_type != zipfile.ZIP_STORED for info in archive.infolist()):
                return None
        with np.load(path, allow_pickle=False) as archive:
            if sorted(archive.files) != ["index", "meta", "values"]:
                return None
            stamps, values, blob = archive["index"], archive["values"], archive["meta"]
        return _rebuild(key, stamps, values, blob)
    except Exception:  # unreadable, corrupt or inconsistent in any way: recompute (and rewrite)
        return None


def _rebuild(key: str, stamps: Any, values: Any, blob: Any) -> MetaReturns | None:
    if not (isinstance(stamps, np.ndarray) and isinstance(values, np.ndarray)):
        return None
    if not isinstance(blob, np.ndarray) or blob.dtype != np.uint8 or blob.ndim != 1:
        return None
    if stamps.dtype != np.int64 or stamps.ndim != 1:
        return None
    if values.dtype != np.float64 or values.ndim != 2 or values.shape[0] != stamps.shape[0]:
        return None
    meta = json.loads(blob.tobytes().decode("utf-8"))
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT or meta.get("key") != key:
        return None
    if meta.get("arrays_sha256") != _arrays_digest(stamps, values):
        return None
    columns = meta["columns"]
    if not (isinstance(columns, list) and all(isinstance(c, str) for c in columns)):
        return None
    if len(columns) != values.shape[1] or len(set(columns)) != len(columns):
        return None
    freq = meta["freq"]
    if freq is not None and not isinstance(freq, str):
        return None
    index = pd.DatetimeIndex(stamps.view(_NS), name=meta["index_name"])
    if freq is not None:  # validated against the dates: a wrong frequency raises
        index = pd.DatetimeIndex(index, freq=freq)
    if not index.is_monotonic_increasing or not index.is_unique:
        return None
    calendars = tuple(_calendar(c) for c in meta["calendars"])
    if [c.sleeve_id for c in calendars] != columns:
        return None
    # the construction ``returns.align`` uses: the same frame, block layout and pickle bytes
    frame = pd.DataFrame({c: values[:, j].copy() for j, c in enumerate(columns)}, index=index)
    frame.index.name = meta["index_name"]
    frame = frame.astype(np.float64)
    return MetaReturns(frame=frame, alignment=str(meta["alignment"]), calendars=calendars)


_CALENDAR_TYPES: dict[str, type] = {
    "sleeve_id": str,
    "days": int,
    "first": str,
    "last": str,
    "weekend_days": int,
    "dropped": int,
    "dropped_pct": float,
    "compounded": int,
    "outside_span": int,
    "nan_dropped": int,
    "clipped": int,
    "source": str,
}


def _calendar(data: Mapping[str, Any]) -> SleeveCalendar:
    if not isinstance(data, Mapping) or sorted(data) != sorted(SleeveCalendar.__slots__):
        raise ValueError("calendar fields do not match")
    for name, kind in _CALENDAR_TYPES.items():
        if type(data[name]) is not kind:
            raise ValueError(f"calendar field {name} is not {kind.__name__}")
    return SleeveCalendar(**{name: data[name] for name in SleeveCalendar.__slots__})
