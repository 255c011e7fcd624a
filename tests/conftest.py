"""Shared test set-up: library versions in the header (numerical goldens depend on them), and
the golden suite's pytest side (harness/pytest_plugin.py)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy
import pandas
import pytest
import scipy

# the golden suite's fixture (pending outputs) and its per-case drift summary, in the root
# conftest: the xdist controller loads only the conftests on the paths it is given
from tradingview_scraper.harness.pytest_plugin import golden_pending, pytest_terminal_summary

__all__ = ["golden_pending", "pytest_report_header", "pytest_terminal_summary"]

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "workspaces"


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"numpy {numpy.__version__}, scipy {scipy.__version__}, pandas {pandas.__version__}, "
        f"matplotlib {matplotlib.__version__} (figure specs)"
    )
