"""Closed-form raw weights: equal weight and inverse volatility."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

__all__ = ["equal_weights", "inverse_volatility_weights"]


def equal_weights(n: int) -> FloatArray:
    """``1 / n`` each."""
    return np.full(n, 1.0 / n, dtype=np.float64)


def inverse_volatility_weights(cov: FloatArray) -> FloatArray:
    """``1 / std`` normalized to sum 1 (std from the covariance's diagonal)."""
    inv = 1.0 / np.sqrt(np.diag(cov))
    return np.asarray(inv / inv.sum(), dtype=np.float64)
