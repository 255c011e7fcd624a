"""The built-in demo workspace (``tv-meta demo``).

It ships inside the package in the fixture format (CSV returns) and is written by
``scripts/generate_fixtures.py``: a crypto sleeve (7-day calendar), two TradFi sleeves
(5-day calendar) with a short position and an ``FX_IDC:`` symbol, and a nested meta branch.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MetaPipelineError
from ..harness.materialize import materialize

__all__ = ["DEMO_PROFILE", "DEMO_RUN_ID", "demo_source", "materialize_demo"]

DEMO_PROFILE = "meta_demo"
DEMO_RUN_ID = "meta_demo_run"


def demo_source() -> Path:
    return Path(__file__).parent / "workspace"


def materialize_demo(out: Path) -> Path:
    """Write the demo workspace into ``out`` (reusing it if it is already a demo workspace)."""
    out = out.resolve()
    marker = out / "configs" / "manifest.json"
    if out.exists() and any(out.iterdir()):
        if marker.is_file():
            return out
        raise MetaPipelineError(f"{out}: exists, is not empty and is not a demo workspace")
    return materialize(demo_source(), out)
