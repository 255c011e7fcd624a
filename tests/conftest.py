"""Shared test set-up: library versions in the header (numerical goldens depend on them), and
the golden suite's pytest side (harness/pytest_plugin.py)."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# isort: off
# first, before numpy loads: OpenBLAS reads its kernel once (harness/blas.py), and pytest-xdist
# workers inherit this environment
from tradingview_scraper.harness import blas

BLAS_KERNEL = blas.pin(os.environ)
# isort: on

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
MEMORY = Path("/dev/shm")  # a folder made by mkdtemp in it, ours alone
MEMORY_NEEDED = 1 << 30  # bytes free: a whole run writes about 200 MB


@pytest.hookimpl(tryfirst=True)  # before pytest's own tmp_path set-up reads the option
def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders in memory (``/dev/shm``) when the system has 1 GiB free there.

    The suite materializes fixture workspaces tens of thousands of files at a time, and on a
    virtual disk creating and removing them was a third of the golden suite's time. Given
    ``--basetemp`` (to keep the files for a look), or on a system without such a folder, the
    folders are pytest's usual ones. pytest-xdist hands the folder on to its workers; it is
    removed when the session ends.
    """
    if config.option.basetemp or hasattr(config, "workerinput"):
        return
    try:
        if not os.access(MEMORY, os.W_OK) or shutil.disk_usage(MEMORY).free < MEMORY_NEEDED:
            return
        folder = tempfile.mkdtemp(prefix="tv-pytest-", dir=MEMORY)
    except OSError:
        return
    config.option.basetemp = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"numpy {numpy.__version__}, scipy {scipy.__version__}, pandas {pandas.__version__}, "
        f"matplotlib {matplotlib.__version__} (figure specs); "
        f"BLAS kernel: {BLAS_KERNEL or 'OpenBLAS picks (not pinned)'}"
    )


def _stand_in_svg(spec: Mapping[str, Any]) -> bytes:
    """A small SVG that names its spec: what a test that does not look at drawings needs."""
    key = hashlib.sha256(pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    family = str(spec.get("family", "figure"))
    return (
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg"><!-- {family} {key} --></svg>\n'
    ).encode()


@pytest.fixture(autouse=True)
def _figures_stand_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures are not drawn in-process unless a test is marked ``real_figures``.

    Drawing was most of the suite's time: every fixture case draws four figures, and most
    tests only need the files to exist, one per spec. ``render_svg`` is a pure function of its
    spec, and what it draws is tested where it matters with the real thing: the golden suite
    (``<case>.drawn``), the determinism gate and the cross-process byte tests (subprocesses),
    and the tests marked ``real_figures``.
    """
    if request.node.get_closest_marker("real_figures") is None:
        monkeypatch.setattr(_figure_draw, "render_svg", _stand_in_svg)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` (pyproject.toml) a test without an ``xdist_group`` runs on
    the worker of its file, as ``--dist loadfile`` would place it: module fixtures (the
    end-to-end tests' shared runs) are built once. The golden suite groups by case instead, so
    its cases spread over the workers. Runs before xdist turns the groups into node ids."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
