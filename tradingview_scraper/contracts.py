"""Frozen values that cross stage boundaries.

Validation happens once, where data enters (``manifest.load_manifest``, the readers in ``io``);
afterwards the stages trust these types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

__all__ = [
    "ALIGNMENTS",
    "ALLOCATORS",
    "ALLOCATOR_ALIASES",
    "COVARIANCES",
    "LINKAGES",
    "AllocationSettings",
    "Bounds",
    "CalendarSettings",
    "HealthResult",
    "HealthSettings",
    "Ledger",
    "LedgerAction",
    "Manifest",
    "MetaProfile",
    "MetaReturns",
    "RunInfo",
    "SleeveCalendar",
    "SleeveSpec",
    "SleeveStream",
    "SleeveWeights",
    "canonical_allocator",
]

ALLOCATORS: tuple[str, ...] = (
    "equal_weight",
    "erc",
    "hrp",
    "inverse_volatility",
    "max_sharpe",
    "min_variance",
)
ALLOCATOR_ALIASES: Mapping[str, str] = {"risk_parity": "erc"}
LINKAGES: tuple[str, ...] = ("average", "complete", "single", "ward")
COVARIANCES: tuple[str, ...] = ("ledoit_wolf", "sample")
ALIGNMENTS: tuple[str, ...] = ("compound", "intersect")


def canonical_allocator(name: str) -> str | None:
    """The allocator a name selects (``risk_parity`` -> ``erc``), or None if it is not one."""
    name = ALLOCATOR_ALIASES.get(name, name)
    return name if name in ALLOCATORS else None


@dataclass(frozen=True, slots=True)
class Bounds:
    """Per-sleeve weight bounds ``lo <= w <= hi``."""

    lo: float
    hi: float


@dataclass(frozen=True, slots=True)
class SleeveSpec:
    """One entry of a meta profile's ``sleeves`` list."""

    id: str
    kind: Literal["atomic", "meta"]
    location: str  # e.g. "profiles.meta_demo.sleeves[1]"
    profile: str | None = None  # atomic: the sleeve's run profile
    meta_profile: str | None = None  # nested: the sub-meta profile
    run_id: str | None = None
    weight_limit: Bounds | None = None
    engine: str | None = None
    simulator: str | None = None


@dataclass(frozen=True, slots=True)
class AllocationSettings:
    """``meta_allocation`` with defaults applied."""

    risk_profiles: tuple[str, ...] = ("hrp",)
    method: str | None = None
    min_weight: float = 0.0
    max_weight: float = 1.0
    linkage: str = "single"
    covariance: str = "sample"
    min_observations: int = 20
    engine: str | None = None  # upstream key, recorded only

    def allocator_for(self, risk_profile: str) -> str | None:
        """The allocator used for ``risk_profile`` (``method`` wins), or None if unknown."""
        return canonical_allocator(self.method if self.method is not None else risk_profile)


@dataclass(frozen=True, slots=True)
class HealthSettings:
    min_success_ratio: float = 0.75
    min_sleeves: int = 2
    require_ledger: bool = True


@dataclass(frozen=True, slots=True)
class CalendarSettings:
    alignment: str = "intersect"


@dataclass(frozen=True, slots=True)
class MetaProfile:
    """A validated meta profile."""

    name: str
    sleeves: tuple[SleeveSpec, ...]
    allocation: AllocationSettings = field(default_factory=AllocationSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    description: str = ""
    # upstream settings accepted but not implemented: (dotted name, value), sorted by name
    ignored_settings: tuple[tuple[str, Any], ...] = ()

    def bounds_for(self, sleeve: SleeveSpec) -> Bounds:
        """A sleeve's ``weight_limit``, else the profile's ``min_weight``/``max_weight``."""
        if sleeve.weight_limit is not None:
            return sleeve.weight_limit
        return Bounds(self.allocation.min_weight, self.allocation.max_weight)


@dataclass(frozen=True, slots=True)
class Manifest:
    """The meta profiles of ``configs/manifest.json`` (other profiles are only named).

    A meta profile that breaks the rules is kept in ``invalid`` with its error, raised only when
    a run needs that profile: a problem in an unrelated profile never blocks a run.
    """

    path: str  # relative to the workspace
    profiles: Mapping[str, MetaProfile]
    other_profiles: frozenset[str] = frozenset()
    invalid: Mapping[str, Exception] = field(default_factory=dict)

    @property
    def meta_names(self) -> tuple[str, ...]:
        """Every meta profile's name, valid or not, sorted."""
        return tuple(sorted({*self.profiles, *self.invalid}))


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A run folder chosen for an atomic sleeve."""

    run_id: str
    path: Path  # absolute
    profile: str | None
    created_at: str | None  # ISO-8601 from resolved_manifest.json
    genesis_ts: str | None  # ISO-8601 from the ledger's genesis record
    selection: str  # "pinned" or "newest of N runs"


@dataclass(frozen=True, slots=True)
class LedgerAction:
    """One ``{"type": "action"}`` record of a sleeve ledger."""

    line: int
    step: str
    status: str  # "intent", "success", "error", ...
    window: int | None
    risk_profile: str | None
    engine: str | None
    metrics: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Ledger:
    """A parsed ``audit.jsonl``."""

    path: str  # relative to the workspace
    genesis: Mapping[str, Any] | None
    actions: tuple[LedgerAction, ...]


@dataclass(frozen=True, slots=True)
class HealthResult:
    """Health of one sleeve for one risk profile (DESIGN 2.3)."""

    sleeve_id: str
    risk_profile: str
    requested: int  # distinct windows with an intent
    succeeded: int  # distinct windows with a backtest_optimize success
    ratio: float | None  # succeeded / requested, None without records
    healthy: bool
    reason: str  # "" when healthy


@dataclass(frozen=True, slots=True, eq=False)
class SleeveStream:
    """One sleeve's normalized daily returns."""

    sleeve_id: str
    series: pd.Series  # float64, naive daily DatetimeIndex, sorted, no NaN
    source: str  # relative path of the file it came from (or "meta:<profile>")
    raw_rows: int
    nan_dropped: int
    clipped: int


@dataclass(frozen=True, slots=True)
class SleeveWeights:
    """One sleeve's physical net weights for one risk profile."""

    source: str  # relative path
    kind: Literal["flattened", "optimized_v2"]
    nets: Mapping[str, float]  # physical symbol -> signed net weight, sorted by symbol


@dataclass(frozen=True, slots=True)
class SleeveCalendar:
    """Calendar statistics of one sleeve inside a meta return matrix."""

    sleeve_id: str
    days: int  # valid (non-NaN) dates of the sleeve
    first: str
    last: str
    weekend_days: int
    dropped: int  # sleeve dates that are not rows of the matrix
    dropped_pct: float
    compounded: int  # dropped dates whose returns were folded into the next common date
    outside_span: int  # dates before the first or after the last common date
    nan_dropped: int
    clipped: int
    source: str

    def to_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True, eq=False)
class MetaReturns:
    """The aligned matrix plus its calendar statistics."""

    frame: pd.DataFrame  # DatetimeIndex named "date", one float64 column per included sleeve
    alignment: str
    calendars: tuple[SleeveCalendar, ...]

    @property
    def common_days(self) -> int:
        return len(self.frame.index)

    @property
    def weekend_rows(self) -> int:
        return _weekend_count(self.frame.index)

    def to_dict(self) -> dict[str, object]:
        index = self.frame.index
        return {
            "alignment": self.alignment,
            "common_days": self.common_days,
            "first": _day(index[0]) if len(index) else None,
            "last": _day(index[-1]) if len(index) else None,
            "weekend_rows": self.weekend_rows,
            "sleeves": {c.sleeve_id: c.to_dict() for c in self.calendars},
        }


def _weekend_count(index: pd.Index) -> int:
    return int((pd.DatetimeIndex(index).day_of_week >= 5).sum())


def _day(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%d")
