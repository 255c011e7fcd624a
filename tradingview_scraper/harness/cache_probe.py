"""Cache entries that break exactly one rule, planted where the pipeline would read them.

A golden run starts from an empty lakehouse and its second (cached) run reads back only what the
first run wrote, so no golden would see how ``io.cache`` treats an entry it must not trust. The
keys change with the package version, so a fixture cannot ship such entries either: they are
derived here from an entry the case's first run stored. Each probe copies that entry's arrays,
breaks one rule (keeping the ``arrays_sha256`` true to the arrays unless the digest is the rule),
plants it under the entry's own key in a scratch lakehouse and records what the pipeline's reader
makes of it: ``refused`` (the matrix would be recomputed) or what it accepted. Two controls, the
entry as written and its metadata re-encoded, must be accepted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io import cache

__all__ = ["PROBES", "arrays_digest", "probe_entry"]

Arrays = dict[str, Any]


def arrays_digest(index: np.ndarray, values: np.ndarray) -> str:
    """``arrays_sha256`` as the cache format defines it (computed here independently of
    ``io.cache``): the sha256 of each array's shape and bytes, dates first."""
    digest = hashlib.sha256()
    for array in (index, values):
        digest.update(str(array.shape).encode("ascii"))
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _meta(arrays: Arrays) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    return loaded


def _with_meta(arrays: Arrays, meta: Any, *, dtype: Any = np.uint8) -> Arrays:
    blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    return {**arrays, "meta": blob.astype(dtype)}


def _resealed(arrays: Arrays, **changes: Any) -> Arrays:
    """``arrays`` with ``changes`` applied and the metadata's digest recomputed to match."""
    out = {**arrays, **changes}
    meta = _meta(out)
    meta["arrays_sha256"] = arrays_digest(out["index"], out["values"])
    return _with_meta(out, meta)


def _edit_meta(edit: Callable[[dict[str, Any]], Any]) -> Callable[[Arrays], Arrays]:
    def probe(arrays: Arrays) -> Arrays:
        meta = _meta(arrays)
        replaced = edit(meta)
        return _with_meta(arrays, meta if replaced is None else replaced)

    return probe


def _daily(arrays: Arrays) -> Arrays:
    """Consecutive calendar days with the frequency ``D`` recorded: a valid frequency."""
    start = int(arrays["index"][0])
    index = start + np.arange(len(arrays["index"]), dtype=np.int64) * 86_400_000_000_000
    out = _resealed(arrays, index=index)
    meta = _meta(out)
    meta["freq"] = "D"
    return _with_meta(out, meta)


def _swap_first_rows(arrays: Arrays) -> Arrays:
    index = arrays["index"].copy()
    index[[0, 1]] = index[[1, 0]]
    return _resealed(arrays, index=index)


def _repeat_first_date(arrays: Arrays) -> Arrays:
    index = arrays["index"].copy()
    index[1] = index[0]
    return _resealed(arrays, index=index)


def _duplicate_column(arrays: Arrays) -> Arrays:
    meta = _meta(arrays)
    first = meta["columns"][0]
    meta["columns"] = [first] * len(meta["columns"])
    for calendar in meta["calendars"]:
        calendar["sleeve_id"] = first
    return _with_meta(arrays, meta)


def _calendar_edit(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(meta: dict[str, Any]) -> None:
        edit(meta["calendars"][0])

    return apply


class _Unpickled:
    """An object array element whose unpickling makes a folder: evidence that ``np.load``
    unpickled what the entry held."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.mkdir, (self.marker,))


def _object_index(marker: str) -> Callable[[Arrays], Arrays]:
    def probe(arrays: Arrays) -> Arrays:
        index = np.empty(1, dtype=object)
        index[0] = _Unpickled(marker)
        return {**arrays, "index": index}

    return probe


def _calendar_extra(calendar: dict[str, Any]) -> None:
    calendar["extra"] = 0


def _calendar_days_float(calendar: dict[str, Any]) -> None:
    calendar["days"] = float(calendar["days"])


def _calendar_without_source(calendar: dict[str, Any]) -> None:
    del calendar["source"]


# probe name -> how it changes the arrays of a faithful entry (``index``, ``values``, ``meta``)
PROBES: dict[str, Callable[[Arrays], Arrays]] = {
    "control: as written": lambda a: a,
    "control: metadata re-encoded": _edit_meta(lambda m: None),
    "digest of other arrays": _edit_meta(lambda m: {**m, "arrays_sha256": "0" * 64}),
    "metadata not an object": _edit_meta(lambda m: [m]),
    "metadata format 2": _edit_meta(lambda m: {**m, "format": 2}),
    "metadata names another key": _edit_meta(lambda m: {**m, "key": "0" * 64}),
    "metadata as int8 bytes": lambda a: _with_meta(a, _meta(a), dtype=np.int8),
    "metadata as a 2-d array": lambda a: {**a, "meta": a["meta"].reshape(1, -1)},
    "dates as uint64": lambda a: _resealed(a, index=a["index"].astype(np.uint64)),
    "dates as a 2-d array": lambda a: _resealed(a, index=a["index"].reshape(-1, 1)),
    "values as float32": lambda a: _resealed(a, values=a["values"].astype(np.float32)),
    "values as a 1-d array": lambda a: _resealed(a, values=a["values"][:, 0].copy()),
    "values one row short": lambda a: _resealed(a, values=a["values"][1:].copy()),
    "dates out of order": _swap_first_rows,
    "dates repeated": _repeat_first_date,
    "one sleeve id for every column": _duplicate_column,
    "a column that is not a string": _edit_meta(lambda m: {**m, "columns": [1, *m["columns"][1:]]}),
    "one column too many": _edit_meta(lambda m: {**m, "columns": [*m["columns"], "extra"]}),
    "frequency D on daily dates": _daily,
    "frequency D on these dates": _edit_meta(lambda m: {**m, "freq": "D"}),
    "frequency a number": _edit_meta(lambda m: {**m, "freq": 1}),
    "calendar with an extra field": _edit_meta(_calendar_edit(_calendar_extra)),
    "calendar without its source": _edit_meta(_calendar_edit(_calendar_without_source)),
    "calendar days a float": _edit_meta(_calendar_edit(_calendar_days_float)),
    "calendars in another order": _edit_meta(lambda m: {**m, "calendars": m["calendars"][::-1]}),
    "an extra array": lambda a: {**a, "extra": np.zeros(1)},
    "no values array": lambda a: {k: v for k, v in a.items() if k != "values"},
}


def _outcome(lakehouse: Path, key: str) -> Any:
    matrix = cache.load_matrix(lakehouse, key)
    if matrix is None:
        return "refused"
    frame = matrix.frame
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": len(frame),
        "dtypes": sorted({str(t) for t in frame.dtypes}),
        "freq": pd.DatetimeIndex(frame.index).freqstr,
        "index_name": frame.index.name,
    }


def probe_entry(entry: Path) -> dict[str, Any]:
    """Probe name -> what the cache reader makes of ``entry`` broken that way: ``refused`` or
    the matrix it accepted. Besides ``PROBES``: the entry compressed, the entry behind a
    symlink, and an object array whose unpickling would make a folder (``unpickled`` says
    whether it appeared)."""
    with np.load(entry, allow_pickle=False) as archive:
        arrays: Arrays = {name: archive[name] for name in archive.files}
    key = entry.stem
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tv-cache-probe-") as scratch:
        lakehouse = Path(scratch) / "lakehouse"
        target = cache.cache_dir(lakehouse) / f"{key}.npz"
        target.parent.mkdir(parents=True)

        def plant(probed: Arrays, *, compressed: bool = False) -> None:
            save = np.savez_compressed if compressed else np.savez
            with open(target, "wb") as stream:
                save(stream, **probed)

        for name, probe in PROBES.items():
            plant(probe(arrays))
            out[name] = _outcome(lakehouse, key)
        plant(arrays, compressed=True)
        out["compressed"] = _outcome(lakehouse, key)
        faithful = Path(scratch) / "elsewhere.npz"
        with open(faithful, "wb") as stream:
            np.savez(stream, **arrays)
        target.unlink()
        target.symlink_to(faithful)
        out["behind a symlink"] = _outcome(lakehouse, key)
        target.unlink()
        marker = Path(scratch) / "unpickled"
        plant(_object_index(str(marker))(arrays))
        out["object dates"] = _outcome(lakehouse, key)
        out["object dates: unpickled"] = marker.exists()
    return dict(sorted(out.items()))
