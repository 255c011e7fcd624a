"""The one-pass canonical JSON writer against the standard library's encoder."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradingview_scraper.io.jsonio import canonical_json, plain


def reference(document: Any) -> str:
    """The definition of canonical JSON, written with ``json.dumps``."""
    return json.dumps(plain(document), sort_keys=True, indent=2, allow_nan=False) + "\n"


finite = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    finite,
    st.text(max_size=8),
    finite.map(np.float64),
    st.integers(min_value=-(2**62), max_value=2**62).map(np.int64),
    st.booleans().map(np.bool_),
    st.sampled_from([0.0, -0.0, 1e-300, -1e300, 0.1]),
)
arrays = st.lists(finite, max_size=4).map(lambda v: np.array(v, dtype=np.float64))
keys = st.one_of(st.text(max_size=6), st.integers(min_value=-5, max_value=5))
documents = st.recursive(
    st.one_of(scalars, arrays),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(keys, inner, max_size=4),
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_canonical_json_is_the_standard_encoding(document: Any) -> None:
    assert canonical_json(document) == reference(document)


def test_known_text() -> None:
    document = {"b": [1, -0.0, np.float64(0.5)], "a": {}, "c": [], "é": (True, None)}
    assert canonical_json(document) == (
        '{\n  "a": {},\n  "b": [\n    1,\n    0.0,\n    0.5\n  ],\n  "c": [],\n'
        '  "\\u00e9": [\n    true,\n    null\n  ]\n}\n'
    )


@pytest.mark.parametrize("bad", [math.nan, math.inf, np.float64(-np.inf)])
def test_non_finite_numbers_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="non-finite number"):
        canonical_json({"x": [bad]})


def test_unknown_types_are_refused_like_json() -> None:
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        canonical_json({"x": {1, 2}})
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        reference({"x": {1, 2}})
