"""Shared test set-up: library versions in the header (numerical goldens depend on them)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy
import pandas
import pytest
import scipy

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "workspaces"


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"numpy {numpy.__version__}, scipy {scipy.__version__}, pandas {pandas.__version__}, "
        f"matplotlib {matplotlib.__version__} (figure specs)"
    )
