"""Why goldens drifted: edited inputs or changed behaviour, and which stage moved first.

On drift, ``CaseSummary`` says once per case whether the inputs changed (``inputs``: which
files, which manifest fields) or not (then the code's behaviour changed), and names the
earliest stage whose artifacts drifted, listing the later ones as following from it. The
pytest summary, ``tv-golden pending|review`` and ``tv-golden diff`` all print it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .drift import Drift
from .inputs import INPUTS, InputChange
from .layout import family_of, split_name

__all__ = [
    "STAGES",
    "STAGE_OF_FAMILY",
    "CaseSummary",
    "stage_of",
    "summarize",
]

STAGES = ("returns", "optimize", "flatten", "report")
STAGE_OF_FAMILY: Mapping[str, str] = {
    "returns": "returns",
    "manifest": "returns",
    "optimized": "optimize",
    "cluster_tree": "optimize",
    "flattened": "flatten",
    "report": "report",
    "audit": "report",
}
# fields of the meta manifest that the optimize stage decides (settings, bounds, weights)
_OPTIMIZE_FIELD = re.compile(r"^allocation\.|[Ww]eight|bounds|^sleeves\.\[\d+\]\.(Lower|Upper)")


def stage_of(name: str, drift: Drift | None = None) -> str | None:
    """The stage a drifted golden belongs to (None: no stage, e.g. inputs or a failure).

    The meta manifest records the resolved sleeves (returns stage) and also the allocation
    settings, bounds and final weights: when only those moved in it, the drift started in
    optimize.
    """
    stage = STAGE_OF_FAMILY.get(family_of(name))
    if (
        family_of(name) == "manifest"
        and drift is not None
        and drift.values
        and not (drift.structural or drift.calendar or drift.text)
        and all(_OPTIMIZE_FIELD.search(line.split(": ", 1)[0]) for line in drift.values)
    ):
        return "optimize"
    return stage


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """Once per case: what drifted, whether the inputs explain it, the first stage that moved."""

    case: str
    drifted: tuple[str, ...]  # golden names whose output differs from the golden
    new: tuple[str, ...] = ()  # golden names without a golden yet
    inputs: tuple[InputChange, ...] | None = None  # None: no fingerprint recorded
    stage_by_name: Mapping[str, str] = field(default_factory=dict)  # from the drift (stage_of)

    def stages(self) -> list[tuple[str, list[str]]]:
        """Drifted stages in pipeline order, each with its drifted artifact families."""
        found: dict[str, set[str]] = {}
        for name in self.drifted:
            stage = self.stage_by_name.get(name) or stage_of(name)
            if stage is not None:
                found.setdefault(stage, set()).add(family_of(name))
        return [(stage, sorted(found[stage])) for stage in STAGES if stage in found]

    def others(self) -> list[str]:
        """Drifted families that belong to no stage (e.g. failure outcomes, figures)."""
        return sorted({family_of(n) for n in self.drifted} - set(STAGE_OF_FAMILY) - {INPUTS})

    def headline(self) -> str:
        outputs = [n for n in self.drifted if family_of(n) != INPUTS]
        parts = [f"{len(outputs)} golden(s) drifted"]
        if self.new:
            parts.append(f"{len(self.new)} new")
        if self.inputs is None and any(family_of(n) == INPUTS for n in self.new):
            cause = "input fingerprint recorded for the first time"
        elif self.inputs is None:
            cause = f"no input fingerprint recorded (golden/{self.case}/inputs.json)"
        elif self.inputs:
            cause = f"inputs changed ({len(self.inputs)} file(s))"
        else:
            cause = "inputs unchanged: a behaviour change of the code"
        return f"{self.case}: {', '.join(parts)}; {cause}"

    def lines(self) -> list[str]:
        out = [self.headline()]
        out.extend(f"  input {change.line()}" for change in self.inputs or ())
        stages = self.stages()
        if stages:
            (first, families), rest = stages[0], stages[1:]
            line = f"  earliest drifted stage: {first} ({', '.join(families)})"
            if rest:
                following = ", ".join(f"{s} ({', '.join(f)})" for s, f in rest)
                line += f"; following from it: {following}"
            out.append(line)
        if self.others():
            out.append(f"  also drifted: {', '.join(self.others())}")
        return out


def summarize(
    names: Iterable[str],
    inputs: Callable[[str], tuple[InputChange, ...] | None],
    new: Iterable[str] = (),
    stages: Mapping[str, str] | None = None,
) -> list[CaseSummary]:
    """One summary per case (sorted) for drifted golden ``names`` and ``new`` ones.

    ``stages`` maps golden names to the stage their drift points at (``stage_of``).
    """
    drifted: dict[str, list[str]] = {}
    fresh: dict[str, list[str]] = {}
    for target, source in ((drifted, names), (fresh, new)):
        for name in source:
            target.setdefault(split_name(name)[0], []).append(name)
    return [
        CaseSummary(
            case,
            tuple(sorted(drifted.get(case, ()))),
            tuple(sorted(fresh.get(case, ()))),
            inputs(case),
            {n: stage for n, stage in (stages or {}).items() if n in drifted.get(case, ())},
        )
        for case in sorted(set(drifted) | set(fresh))
    ]
