"""The one normalization used by the snapshots, the determinism gate and the diff tool.

* JSON: sorted keys, floats rounded to ``DECIMALS``, ``-0.0`` folded to ``0.0``, NaN/inf as the
  strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.
* DataFrames (the meta return matrix): ``{columns, index, dtypes, data}`` with one row per line.
* Volatile values (run ids, timestamps, hashes, absolute paths, versions) replaced by
  placeholders from one declared table, ``VOLATILE_KEYS``; report text is scrubbed with the
  same placeholders (``scrub_text``).
* Placeholders keep structure: hashes are numbered by first appearance within one document
  (``<HASH#1>``, ``<HASH#2>``, ...), so a value that repeats another (a ledger record's
  ``prev_hash`` and the previous record's ``hash``) repeats its placeholder, and a broken hash
  chain is drift. The all-zero genesis hash is kept as ``<HASH#0>``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DECIMALS",
    "VOLATILE_KEYS",
    "dumps_golden",
    "frame_document",
    "normalize",
    "scrub_text",
]

DECIMALS = 10  # every float in a golden is rounded to this many decimals
_HASH = "<HASH>"  # numbered per document: <HASH#n>
_GENESIS = "0" * 64

# key -> placeholder; applied wherever the key appears in a JSON document
VOLATILE_KEYS: Mapping[str, str] = {
    "meta_run_id": "<META_RUN_ID>",
    "run_id": "<RUN_ID>",
    "ts": "<TIMESTAMP>",
    "generated_at": "<TIMESTAMP>",
    "hash": _HASH,
    "prev_hash": _HASH,
    "sha256": _HASH,
    "inputs_sha256": _HASH,
    "version": "<VERSION>",
}
# "run_id" is volatile only where it is the meta run's own id; sleeve run ids are inputs.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")
_HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


def _number(value: float) -> float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    rounded = round(value, DECIMALS)
    return rounded + 0.0  # folds -0.0


class _Hashes:
    """Numbers the distinct hash values of one document in order of first appearance."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {_GENESIS: "<HASH#0>"}

    def __call__(self, value: object) -> str:
        key = str(value)
        if key not in self._seen:
            self._seen[key] = f"<HASH#{len(self._seen)}>"
        return self._seen[key]


def normalize(value: Any, *, run_id: str | None = None, workspace: str | None = None) -> Any:
    """Canonical, placeholder-scrubbed copy of a JSON-like value.

    ``run_id`` (the meta run id) and ``workspace`` (an absolute path) are replaced wherever they
    occur inside strings. Hashes are numbered within this one call (see the module docstring).
    """
    return _normalize(value, run_id, workspace, _Hashes())


def _normalize(value: Any, run_id: str | None, workspace: str | None, hashes: _Hashes) -> Any:
    if isinstance(value, Mapping):
        out = {}
        for key in sorted(value, key=str):
            item = value[key]
            if item is None or key not in VOLATILE_KEYS or (key == "run_id" and item != run_id):
                out[str(key)] = _normalize(item, run_id, workspace, hashes)
            elif VOLATILE_KEYS[key] == _HASH:
                out[str(key)] = hashes(item)
            else:
                out[str(key)] = VOLATILE_KEYS[key]
        return out
    if isinstance(value, np.ndarray):  # figure specs hold arrays: one row per list
        return _normalize(value.tolist(), run_id, workspace, hashes)
    if isinstance(value, list | tuple):
        return [_normalize(v, run_id, workspace, hashes) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _number(float(value))
    if isinstance(value, str):
        return _scrub(value, run_id, workspace, hashes)
    return value


def scrub_text(text: str, *, run_id: str | None = None, workspace: str | None = None) -> str:
    """Replace volatile substrings (workspace path, meta run id, timestamps, numbered hashes)."""
    return _scrub(text, run_id, workspace, _Hashes())


def _scrub(text: str, run_id: str | None, workspace: str | None, hashes: _Hashes) -> str:
    if workspace:
        text = text.replace(workspace, "<WORKSPACE>")
    if run_id:
        text = text.replace(run_id, "<META_RUN_ID>")
    text = _TIMESTAMP.sub("<TIMESTAMP>", text)
    return _HEX64.sub(lambda match: hashes(match.group(0)), text)


def frame_document(frame: pd.DataFrame) -> dict[str, Any]:
    """A DataFrame as ``{columns, index, dtypes, data}`` (dates as ``YYYY-MM-DD``)."""
    index = frame.index
    if isinstance(index, pd.DatetimeIndex):
        labels = [d.strftime("%Y-%m-%d") for d in index]
    else:
        labels = [str(v) for v in index]
    return {
        "columns": [str(c) for c in frame.columns],
        "index_name": index.name,
        "index_dtype": str(index.dtype),
        "index": labels,
        "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
        "data": [[float(v) for v in row] for row in frame.to_numpy(dtype=np.float64)],
    }


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def dumps_golden(document: Any) -> str:
    """Canonical text: sorted keys, two-space indent, lists of scalars on one line."""

    def render(value: Any, depth: int) -> str:
        pad, inner = "  " * depth, "  " * (depth + 1)
        if isinstance(value, dict):
            if not value:
                return "{}"
            items = [
                f"{inner}{json.dumps(k)}: {render(value[k], depth + 1)}" for k in sorted(value)
            ]
            return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(value, list):
            if _is_scalar_list(value):
                return json.dumps(value, allow_nan=False)
            items = [f"{inner}{render(v, depth + 1)}" for v in value]
            return "[\n" + ",\n".join(items) + "\n" + pad + "]"
        return json.dumps(value, allow_nan=False)

    return render(document, 0) + "\n"
