"""Shared test set-up: library versions in the header (numerical goldens depend on them), and
the golden suite's pytest side (harness/pytest_plugin.py)."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib
import numpy
import pandas
import pytest
import scipy

# the golden suite's fixture (pending outputs) and its per-case drift summary, in the root
# conftest: the xdist controller loads only the conftests on the paths it is given
from tradingview_scraper.harness.pytest_plugin import golden_pending, pytest_terminal_summary
from tradingview_scraper.meta import _figure_draw

__all__ = ["golden_pending", "pytest_report_header", "pytest_terminal_summary"]

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "workspaces"


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"numpy {numpy.__version__}, scipy {scipy.__version__}, pandas {pandas.__version__}, "
        f"matplotlib {matplotlib.__version__} (figure specs)"
    )


_REAL_RENDER = _figure_draw.render_svg
_DRAWN: dict[str, bytes] = {}


def _render_once(spec: Mapping[str, Any]) -> bytes:
    key = hashlib.sha256(pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    if key not in _DRAWN:
        _DRAWN[key] = _REAL_RENDER(spec)
    return _DRAWN[key]


@pytest.fixture(autouse=True)
def _figures_drawn_once(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each distinct figure spec is drawn once per test process, not once per test.

    The suite runs the same fixture cases, with figures, in many tests; drawing was a third of
    its time. ``render_svg`` is a pure function of its spec, and what it draws is tested where
    it matters with the real thing: the determinism gate and the cross-process byte tests run
    in subprocesses, and tests marked ``real_figures`` draw afresh.
    """
    if request.node.get_closest_marker("real_figures") is None:
        monkeypatch.setattr(_figure_draw, "render_svg", _render_once)
