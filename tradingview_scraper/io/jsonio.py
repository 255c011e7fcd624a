"""Canonical JSON: sorted keys, two-space indentation, no NaN, trailing newline.

``canonical_json`` gives exactly the text of
``json.dumps(plain(document), sort_keys=True, indent=2, allow_nan=False) + "\\n"`` (a property
test holds the two together), in one pass: the standard library encodes indented JSON in pure
Python, after ``plain`` has copied the whole document once; at a thousand sleeves the artifacts
hold millions of values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from json.encoder import encode_basestring_ascii
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
        return _finite(value)
    return value


def _finite(value: float | np.floating[Any]) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"non-finite number {number!r} cannot be written to JSON")
    return number + 0.0


def canonical_json(document: Any) -> str:
    """The canonical text of ``document``."""
    out: list[str] = []
    _encode(document, "\n", out)
    out.append("\n")
    return "".join(out)


def _encode(value: Any, newline: str, out: list[str]) -> None:
    """Append the text of ``value``; ``newline`` starts a line at the value's own depth."""
    if isinstance(value, str):
        out.append(encode_basestring_ascii(value))
    elif isinstance(value, Mapping):
        items = {str(k): v for k, v in value.items()}
        if not items:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key in sorted(items):
            out.append(separator)
            out.append(encode_basestring_ascii(key))
            out.append(": ")
            _encode(items[key], inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, list | tuple | np.ndarray):
        values = value.tolist() if isinstance(value, np.ndarray) else value
        if len(values) == 0:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in values:
            out.append(separator)
            _encode(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    elif value is None:
        out.append("null")
    elif isinstance(value, bool | np.bool_):
        out.append("true" if value else "false")
    elif isinstance(value, int | np.integer):
        out.append(int.__repr__(int(value)))
    elif isinstance(value, float | np.floating):
        out.append(float.__repr__(_finite(value)))
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
