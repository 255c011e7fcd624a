"""Build one meta profile for one risk profile, recursing into nested metas. Pure.

Inputs arrive fully loaded (``MetaInputs``: the edge in ``pipeline.py`` read every file);
this module validates the streams, applies the health vetoes, aligns the calendar, allocates,
and flattens. The allocator is a parameter so the nesting logic can be tested with any
allocation function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..allocation import AllocationResult, allocate, check_feasible
from ..contracts import (
    Bounds,
    HealthResult,
    Ledger,
    MetaProfile,
    RunInfo,
    SleeveSpec,
    SleeveStream,
    SleeveWeights,
)
from ..errors import (
    CalendarError,
    HealthVetoError,
    InfeasibleBoundsError,
    OptimizationError,
    ReturnsDataError,
)
from .flatten import FlatWeights, flatten
from .health import anomalies
from .returns import MetaReturns, align, normalize_stream

__all__ = [
    "Allocator",
    "AtomInputs",
    "MetaInputs",
    "MetaOutcome",
    "SleeveOutcome",
    "build_meta",
    "walk",
    "weighted_stream",
]

Allocator = Callable[..., AllocationResult]


@dataclass(frozen=True, slots=True, eq=False)
class AtomInputs:
    """Everything read from disk for one atomic sleeve and one risk profile."""

    spec: SleeveSpec
    run: RunInfo
    ledger: Ledger | None
    health: HealthResult
    returns_file: str | None = None  # None when vetoed (not loaded)
    raw: pd.Series | None = None
    weights: SleeveWeights | None = None


@dataclass(frozen=True, slots=True, eq=False)
class MetaInputs:
    profile: MetaProfile
    risk_profile: str
    atoms: Mapping[str, AtomInputs]
    branches: Mapping[str, MetaInputs]


@dataclass(frozen=True, slots=True, eq=False)
class SleeveOutcome:
    spec: SleeveSpec
    bounds: Bounds
    status: str  # "included" or "vetoed"
    weight: float
    raw_weight: float
    risk_contribution: float
    health: HealthResult | None = None  # atomic sleeves only
    run: RunInfo | None = None
    returns_file: str | None = None
    weights_file: str | None = None
    stream: SleeveStream | None = None
    anomalies: tuple[Mapping[str, object], ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class MetaOutcome:
    profile: MetaProfile
    risk_profile: str
    method: str
    sleeves: tuple[SleeveOutcome, ...]  # every configured sleeve, manifest order
    returns: MetaReturns  # included sleeves only
    allocation: AllocationResult
    stream: pd.Series  # sum_i w_i r_i over the matrix
    flat: FlatWeights
    branches: Mapping[str, MetaOutcome] = field(default_factory=dict)
    fallback: str = ""  # why equal weight replaced a failed solver ("" if it did not)

    @property
    def weights(self) -> dict[str, float]:
        return {s.spec.id: s.weight for s in self.sleeves}

    @property
    def vetoed(self) -> tuple[SleeveOutcome, ...]:
        return tuple(s for s in self.sleeves if s.status == "vetoed")


def weighted_stream(frame: pd.DataFrame, weights: Mapping[str, float], *, name: str) -> pd.Series:
    """The meta profile's return stream: ``sum_i w_i * r_i`` over its aligned matrix."""
    vector = np.array([weights[column] for column in frame.columns], dtype=np.float64)
    return pd.Series(frame.to_numpy() @ vector, index=frame.index, name=name)


def build_meta(
    inputs: MetaInputs,
    allocator: Allocator = allocate,
    *,
    nested: bool = False,
    memo: dict[str, MetaOutcome] | None = None,
    aligned: Mapping[str, MetaReturns] | None = None,
) -> MetaOutcome:
    """Compute a meta profile (and its nested branches) for ``inputs.risk_profile``.

    ``aligned`` maps meta profile names to return matrices computed earlier from the same inputs
    (the cache): such a profile skips stream normalization and calendar alignment.
    """
    memo = {} if memo is None else memo
    aligned = {} if aligned is None else aligned
    profile, risk = inputs.profile, inputs.risk_profile
    where = f"profiles.{profile.name} ({risk})"
    branches: dict[str, MetaOutcome] = {}
    for sleeve_id, sub in inputs.branches.items():
        name = sub.profile.name
        if name not in memo:
            memo[name] = build_meta(sub, allocator, nested=True, memo=memo, aligned=aligned)
        branches[sleeve_id] = memo[name]

    vetoed = [
        spec
        for spec in profile.sleeves
        if spec.kind != "meta" and not inputs.atoms[spec.id].health.healthy
    ]
    vetoed_ids = {spec.id for spec in vetoed}
    included = [spec.id for spec in profile.sleeves if spec.id not in vetoed_ids]
    cached = aligned.get(profile.name)
    if cached is not None and list(cached.frame.columns) != included:
        cached = None  # not the matrix of these sleeves: compute it
    streams = (
        []
        if cached is not None
        else [_stream(spec, inputs, branches) for spec in profile.sleeves if spec.id in included]
    )

    if len(included) < profile.health.min_sleeves:
        detail = "; ".join(f"{s.id}: {inputs.atoms[s.id].health.reason}" for s in vetoed)
        raise HealthVetoError(
            f"{where}: only {len(included)} sleeve(s) passed the health guardrail, fewer than "
            f"min_sleeves {profile.health.min_sleeves}; vetoed: {detail}"
        )

    method = profile.allocation.allocator_for(risk)
    assert method is not None  # checked by manifest.profile_tree
    min_obs = None if method == "equal_weight" else profile.allocation.min_observations
    returns = (
        cached
        if cached is not None
        else align(streams, profile.calendar.alignment, min_observations=min_obs, where=where)
    )
    if method != "equal_weight" and len(returns.frame) < 2:
        raise CalendarError(f"{where}: {len(returns.frame)} common date(s); need at least 2")

    specs = {s.id: s for s in profile.sleeves}
    lower = [profile.bounds_for(specs[i]).lo for i in included]
    upper = [profile.bounds_for(specs[i]).hi for i in included]
    try:
        check_feasible(included, lower, upper, where=where)
    except InfeasibleBoundsError as exc:
        if not vetoed:
            raise
        names = ", ".join(s.id for s in vetoed)
        raise InfeasibleBoundsError(
            f"{exc} after vetoing {names}; lower bounds sum to {sum(lower):.6g} and upper bounds "
            f"to {sum(upper):.6g} over the {len(included)} remaining sleeve(s)"
        ) from exc

    fallback = ""
    options = {
        "lower": lower,
        "upper": upper,
        "linkage": profile.allocation.linkage,
        "covariance": profile.allocation.covariance,
    }
    try:
        result = allocator(returns.frame, method, **options)
    except ReturnsDataError as exc:  # e.g. zero variance: name the profile too
        raise ReturnsDataError(f"{where}: {exc}") from exc
    except OptimizationError as exc:
        if not nested:
            raise OptimizationError(f"{where}: {exc}") from exc
        fallback = f"{method} failed ({exc}); equal-weight stream used"
        result = allocator(returns.frame, "equal_weight", **options)

    final = dict(zip(included, (float(w) for w in result.weights), strict=True))
    raw = dict(zip(included, (float(w) for w in result.raw_weights), strict=True))
    contrib = dict(zip(included, (float(c) for c in result.risk_contributions), strict=True))
    stream_by_id = {s.sleeve_id: s for s in streams}

    outcomes: list[SleeveOutcome] = []
    for spec in profile.sleeves:
        weight = final.get(spec.id, 0.0)
        status = "included" if spec.id in final else "vetoed"
        held = inputs.atoms.get(spec.id)
        outcomes.append(
            SleeveOutcome(
                spec=spec,
                bounds=profile.bounds_for(spec),
                status=status,
                weight=weight,
                raw_weight=raw.get(spec.id, 0.0),
                risk_contribution=contrib.get(spec.id, 0.0),
                health=None if held is None else held.health,
                run=None if held is None else held.run,
                returns_file=None if held is None else held.returns_file,
                weights_file=None if held is None or held.weights is None else held.weights.source,
                stream=stream_by_id.get(spec.id),
                anomalies=()
                if held is None or held.ledger is None
                else tuple(anomalies(spec.id, held.ledger, risk)),
            )
        )

    stream = weighted_stream(returns.frame, final, name=profile.name)
    all_weights = {s.spec.id: s.weight for s in outcomes}
    atoms = {
        sid: a.weights
        for sid, a in inputs.atoms.items()
        if a.weights is not None and all_weights[sid] != 0.0
    }
    flat = flatten(all_weights, atoms, {sid: b.flat for sid, b in branches.items()})
    return MetaOutcome(
        profile=profile,
        risk_profile=risk,
        method=result.method,
        sleeves=tuple(outcomes),
        returns=returns,
        allocation=result,
        stream=stream,
        flat=flat,
        branches=branches,
        fallback=fallback,
    )


def _stream(
    spec: SleeveSpec, inputs: MetaInputs, branches: Mapping[str, MetaOutcome]
) -> SleeveStream:
    """The normalized stream of an included sleeve (a branch's stream for a nested one)."""
    if spec.kind == "meta":
        branch = branches[spec.id]
        return SleeveStream(
            sleeve_id=spec.id,
            series=branch.stream.rename(spec.id),
            source=f"meta:{branch.profile.name}",
            raw_rows=len(branch.stream),
            nan_dropped=0,
            clipped=0,
        )
    atom = inputs.atoms[spec.id]
    assert atom.raw is not None and atom.returns_file is not None
    return normalize_stream(spec.id, atom.raw, atom.returns_file)


def walk(outcome: MetaOutcome) -> Sequence[MetaOutcome]:
    """The outcome and its nested outcomes, each profile once, root first."""
    seen: dict[str, MetaOutcome] = {}

    def visit(node: MetaOutcome) -> None:
        if node.profile.name in seen:
            return
        seen[node.profile.name] = node
        for branch in node.branches.values():
            visit(branch)

    visit(outcome)
    return list(seen.values())
