"""The one normalization used by the snapshots, the determinism gate and the diff tool.

* JSON: sorted keys, floats rounded to ``DECIMALS``, ``-0.0`` folded to ``0.0``, NaN/inf as the
  strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.
* DataFrames (the meta return matrix): ``{columns, index, dtypes, data}`` with one row per line.
* Volatile values (run ids, timestamps, hashes, absolute paths, versions) replaced by
  placeholders from one declared table, ``VOLATILE_KEYS``; report text is scrubbed with the
  same placeholders (``scrub_text``).
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

# key -> placeholder; applied wherever the key appears in a JSON document
VOLATILE_KEYS: Mapping[str, str] = {
    "meta_run_id": "<META_RUN_ID>",
    "run_id": "<RUN_ID>",
    "ts": "<TIMESTAMP>",
    "generated_at": "<TIMESTAMP>",
    "hash": "<HASH>",
    "prev_hash": "<HASH>",
    "sha256": "<HASH>",
    "inputs_sha256": "<HASH>",
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


def normalize(
    value: Any, *, run_id: str | None = None, workspace: str | None = None, _key: str = ""
) -> Any:
    """Canonical, placeholder-scrubbed copy of a JSON-like value.

    ``run_id`` (the meta run id) and ``workspace`` (an absolute path) are replaced wherever they
    occur inside strings.
    """
    if isinstance(value, Mapping):
        out = {}
        for key in sorted(value, key=str):
            item = value[key]
            if key in VOLATILE_KEYS and (key != "run_id" or item == run_id):
                out[str(key)] = VOLATILE_KEYS[key] if item is not None else None
            else:
                out[str(key)] = normalize(item, run_id=run_id, workspace=workspace, _key=str(key))
        return out
    if isinstance(value, list | tuple):
        return [normalize(v, run_id=run_id, workspace=workspace) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _number(float(value))
    if isinstance(value, str):
        return scrub_text(value, run_id=run_id, workspace=workspace)
    return value


def scrub_text(text: str, *, run_id: str | None = None, workspace: str | None = None) -> str:
    """Replace volatile substrings (workspace path, meta run id, timestamps, hashes)."""
    if workspace:
        text = text.replace(workspace, "<WORKSPACE>")
    if run_id:
        text = text.replace(run_id, "<META_RUN_ID>")
    text = _TIMESTAMP.sub("<TIMESTAMP>", text)
    return _HEX64.sub("<HASH>", text)


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
