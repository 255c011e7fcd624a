"""``InputReader``: the one object that reads sleeve inputs during a pipeline run.

Every file is read and parsed at most once per reader, however many risk profiles and nesting
branches use it; ``reads`` counts the reads so tests can prove it. The sha256 of every returns
pickle is taken from the same bytes (``digests``; the meta return matrix cache keys on them).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..contracts import Ledger, RunInfo, SleeveSpec, SleeveWeights
from ..errors import MissingArtifactError
from ..settings import Settings
from .ledger import read_ledger
from .paths import inside_workspace
from .runs import RunHeader, read_run_header, resolve_run, scan_runs
from .safe_pickle import read_returns_pickle
from .weights import WeightsDocument, load_weights_document

__all__ = ["InputReader", "returns_candidates"]


def returns_candidates(files: list[str], risk_profile: str) -> list[tuple[str, str, str]]:
    """``(file name, engine, simulator)`` of the ``*_<risk_profile>.pkl`` names, sorted by name.

    The stem is ``<engine>_<simulator>_<risk_profile>``; the engine is the part before the first
    ``_`` and the simulator the rest.
    """
    suffix = f"_{risk_profile}.pkl"
    out = []
    for name in sorted(files):
        if name.endswith(suffix) and len(name) > len(suffix):
            prefix = name[: -len(suffix)]
            engine, _, simulator = prefix.partition("_")
            out.append((name, engine, simulator))
    return out


class InputReader:
    """Memoizing reader of run headers, ledgers, return pickles and weight files."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.reads: Counter[str] = Counter()
        self.digests: dict[str, str] = {}  # shown path of a returns pickle -> sha256 of its bytes
        self._headers: dict[Path, RunHeader] = {}
        self._ledgers: dict[Path, Ledger | None] = {}
        self._runs: dict[tuple[str, str | None], RunInfo] = {}
        self._returns: dict[Path, pd.Series] = {}
        self._weights: dict[tuple[Path, str], SleeveWeights] = {}
        self._weight_docs: dict[Path, WeightsDocument] = {}
        self._scanned: tuple[RunHeader, ...] | None = None
        self._listings: dict[Path, list[str]] = {}
        self._folders: dict[Path, Path] = {}  # resolved folders (inside_workspace's memo)

    def safe(self, path: Path) -> Path:
        """``path`` resolved inside the workspace (``inside_workspace``, memoized folders)."""
        return inside_workspace(self.settings, path, folders=self._folders)

    def shown(self, path: Path) -> str:
        return self.settings.relative(path)

    def ledger(self, run_dir: Path) -> Ledger | None:
        """The run's parsed ``audit.jsonl``, or None when it has none."""
        if run_dir not in self._ledgers:
            path = run_dir / "audit.jsonl"
            if path.exists() or path.is_symlink():
                safe = self.safe(path)
                self.reads[self.shown(path)] += 1
                self._ledgers[run_dir] = read_ledger(safe, display=self.shown(path))
            else:
                self._ledgers[run_dir] = None
        return self._ledgers[run_dir]

    def _genesis(self, run_dir: Path) -> Mapping[str, Any] | None:
        ledger = self.ledger(run_dir)
        return None if ledger is None else ledger.genesis

    def header(self, run_dir: Path) -> RunHeader:
        if run_dir not in self._headers:
            self._headers[run_dir] = read_run_header(
                self.settings, run_dir, self._genesis, safe=self.safe
            )
        return self._headers[run_dir]

    def _scan(self) -> tuple[RunHeader, ...]:
        """Headers of every run folder, scanned once per reader."""
        if self._scanned is None:
            self._scanned = tuple(self.header(p) for p in scan_runs(self.settings))
        return self._scanned

    def run_for(self, sleeve: SleeveSpec) -> RunInfo:
        """The run an atomic sleeve uses (pinned, else newest of its profile)."""
        assert sleeve.profile is not None
        key = (sleeve.profile, sleeve.run_id)
        if key not in self._runs:
            self._runs[key] = resolve_run(self.settings, sleeve, self.header, self._scan)
        run = self._runs[key]
        return run

    def returns_file(self, run: RunInfo, sleeve: SleeveSpec, risk_profile: str) -> Path:
        """The sleeve's ``data/returns/*_<risk>.pkl`` (engine/simulator pins applied)."""
        folder = run.path / "data" / "returns"
        if folder not in self._listings:  # listed once per run, not once per risk profile
            self._listings[folder] = (
                [p.name for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
            )
        names = self._listings[folder]
        found = returns_candidates(names, risk_profile)
        matching = [
            name
            for name, engine, simulator in found
            if (sleeve.engine is None or engine == sleeve.engine)
            and (sleeve.simulator is None or simulator == sleeve.simulator)
        ]
        if not matching:
            pins = ""
            if sleeve.engine or sleeve.simulator:
                pins = f" with engine={sleeve.engine!r} simulator={sleeve.simulator!r}"
            present = ", ".join(n for n, _, _ in found) or ", ".join(sorted(names)) or "none"
            raise MissingArtifactError(
                f"{self.shown(folder)}/*_{risk_profile}.pkl: no returns file for risk profile "
                f"{risk_profile!r}{pins} (sleeve {sleeve.id!r}, {sleeve.location}); "
                f"files there: {present}"
            )
        return folder / matching[0]

    def returns(self, path: Path) -> pd.Series:
        """The raw return series of a pickle (validated by the safe unpickler)."""
        if path not in self._returns:
            safe = self.safe(path)
            shown = self.shown(path)
            self.reads[shown] += 1
            series, data = read_returns_pickle(safe, display=shown)
            self.digests[shown] = hashlib.sha256(data).hexdigest()
            self._returns[path] = series
        return self._returns[path]

    def weights(self, run: RunInfo, risk_profile: str) -> SleeveWeights:
        """The sleeve's physical net weights for ``risk_profile``."""
        key = (run.path, risk_profile)
        if key not in self._weights:
            if run.path not in self._weight_docs:
                for name in ("portfolio_flattened.json", "portfolio_optimized_v2.json"):
                    candidate = run.path / "data" / name
                    if candidate.exists() or candidate.is_symlink():
                        self.safe(candidate)
                        self.reads[self.shown(candidate)] += 1
                        break
                self._weight_docs[run.path] = load_weights_document(
                    run.path, display_root=self.shown
                )
            self._weights[key] = self._weight_docs[run.path].for_risk(risk_profile)
        return self._weights[key]
