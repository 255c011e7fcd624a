"""Canonical JSON: sorted keys, two-space indentation, no NaN, trailing newline."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["canonical_json", "plain"]


def plain(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples and mappings to JSON-ready builtins; fold -0.0."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"non-finite number {number!r} cannot be written to JSON")
        return number + 0.0
    return value


def canonical_json(document: Any) -> str:
    """The canonical text of ``document``."""
    return json.dumps(plain(document), sort_keys=True, indent=2, allow_nan=False) + "\n"
