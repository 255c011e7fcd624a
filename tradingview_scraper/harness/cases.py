"""Fixture cases: find them, run them through the canonical runner, and render their goldens.

Goldens are named ``<case>.<risk>.<meta profile>.<family>`` for the five artifact families of
every meta profile in the tree (nested ones included), plus ``<case>.report`` (markdown),
``<case>.audit`` (the ledger with hashes and timestamps scrubbed), ``<case>.tables`` (every CSV
table of the run, parsed) and ``<case>.figures`` (the spec of every figure: what it draws, not
its SVG bytes, so a matplotlib upgrade moves no golden; the determinism gate compares the bytes).
"""

from __future__ import annotations

import csv
import json
import pickle
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import HarnessError
from ..manifest import load_manifest, profile_tree
from ..meta.artifacts import artifact_names
from ..meta.figures import figure_specs, spec_document
from ..meta.tables import CSV_FAMILIES, table_names
from ..pipeline import MetaRun, run_meta_pipeline
from ..settings import Settings
from .materialize import Case, load_case, materialize
from .normalize import dumps_golden, frame_document, normalize, scrub_text

__all__ = [
    "FAMILIES",
    "GOLDEN_EPOCH",
    "cases",
    "expected_names",
    "fixtures_root",
    "golden_outputs",
    "project_root",
    "run_case",
]

GOLDEN_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: the SOURCE_DATE_EPOCH of every golden run
FAMILIES = ("returns", "manifest", "optimized", "cluster_tree", "flattened")


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def project_root(start: Path) -> Path:
    """The nearest folder above ``start`` holding ``pyproject.toml`` (the repository root)."""
    for folder in start.resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise HarnessError(f"{start}: no pyproject.toml above it; cannot locate golden/")


def fixtures_root() -> Path:
    return repo_root() / "fixtures" / "workspaces"


def cases(root: Path | None = None, *, expect: str | None = None) -> list[Case]:
    """Every case under ``root`` (default ``fixtures/workspaces``), sorted by name."""
    root = fixtures_root() if root is None else root
    if not root.is_dir():
        raise HarnessError(f"{root}: no fixture workspaces folder")
    found = [load_case(p) for p in sorted(root.iterdir()) if (p / "case.json").is_file()]
    return [c for c in found if expect is None or c.expect == expect]


def expected_names(case: Case) -> list[str]:
    """The golden names a success case must produce (from its manifest alone)."""
    manifest = load_manifest(
        case.folder / "configs" / "manifest.json", display="configs/manifest.json"
    )
    tree = profile_tree(manifest, case.meta_profile, case.risk_profiles)
    names = [
        f"{case.name}.{risk}.{profile.name}.{family}"
        for risk in case.risk_profiles
        for profile in tree
        for family in FAMILIES
    ]
    extra = [f"{case.name}.{what}" for what in ("report", "audit", "tables", "figures")]
    return sorted([*names, *extra])


def run_case(case: Case, destination: Path) -> MetaRun:
    """Materialize ``case`` into ``destination`` and run it with the golden clock."""
    workspace = materialize(case.folder, destination)
    return run_meta_pipeline(
        Settings.for_workspace(workspace),
        case.meta_profile,
        list(case.risk_profiles),
        run_id=case.run_id,
        environ={"SOURCE_DATE_EPOCH": GOLDEN_EPOCH},
    )


def _document(kind: str, payload: Any) -> str:
    return dumps_golden({"golden_artifact": kind, **payload})


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _csv_value(cell: str) -> Any:
    """A CSV cell as the golden sees it: numbers as numbers (so they round like every float)."""
    if _NUMBER.fullmatch(cell):
        return float(cell) if any(c in cell for c in ".eE") else int(cell)
    return cell


def csv_document(text: str) -> dict[str, Any]:
    """A CSV table as ``{header, rows}`` with numeric cells parsed."""
    rows = list(csv.reader(text.splitlines()))
    return {"header": rows[0], "rows": [[_csv_value(c) for c in row] for row in rows[1:]]}


def golden_outputs(case: Case, run: MetaRun) -> dict[str, tuple[str, str]]:
    """Golden name -> (``"json"`` or ``"md"``, normalized text) for one finished run."""
    workspace = str(run.computation.settings.workspace)
    scrub = {"run_id": run.run_id, "workspace": workspace}
    out: dict[str, tuple[str, str]] = {}
    data = run.run_dir / "data"
    for risk in run.computation.risk_profiles:
        for profile in run.computation.tree:
            names = artifact_names(profile.name, risk)
            for family in FAMILIES:
                path = data / names[family]
                if family == "returns":
                    with open(path, "rb") as handle:
                        frame = pickle.load(handle)  # our own output, written this run
                    if not isinstance(frame, pd.DataFrame):
                        raise HarnessError(f"{path}: expected a DataFrame")
                    payload: Any = {"frame": frame_document(frame)}
                else:
                    payload = json.loads(path.read_text(encoding="utf-8"))
                text = _document(family, normalize(payload, **scrub))
                out[f"{case.name}.{risk}.{profile.name}.{family}"] = ("json", text)
    report = (run.run_dir / "reports" / "meta_portfolio_report.md").read_text(encoding="utf-8")
    out[f"{case.name}.report"] = ("md", scrub_text(report, **scrub))
    ledger = [
        json.loads(line)
        for line in (run.run_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    out[f"{case.name}.audit"] = (
        "json",
        _document("audit", {"records": normalize(ledger, **scrub)}),
    )
    tables = {
        name: csv_document((data / name).read_text(encoding="utf-8"))
        for risk in run.computation.risk_profiles
        for profile in run.computation.tree
        for family, name in sorted(table_names(profile.name, risk).items())
        if family in CSV_FAMILIES
    }
    out[f"{case.name}.tables"] = ("json", _document("tables", normalize(tables, **scrub)))
    figures = {
        risk: spec_document(figure_specs(outcome))
        for risk, outcome in run.computation.outcomes.items()
    }
    out[f"{case.name}.figures"] = ("json", _document("figures", normalize(figures, **scrub)))
    return out
