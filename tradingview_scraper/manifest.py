"""Load and validate ``configs/manifest.json`` (DESIGN 2.1).

Every check runs here, before any sleeve data is read: schema and types, unknown keys, run-id
syntax, duplicate sleeve ids, bounds feasibility, allocator names, references to nested meta
profiles, cycles and depth. Errors name the manifest, the JSON location and the offending value.

Strict where it matters, tolerant elsewhere: each meta profile is validated on its own, and a
profile that breaks a rule is kept with its error (``Manifest.invalid``), raised by
``profile_tree`` only when the tree being run contains it. Upstream conventions are read as
upstream means them: ``run_id`` ``""``/``null`` is "not pinned", ``min_sleeves`` defaults to
min(2, number of sleeves), and settings upstream knows but this pipeline does not implement
(``_upstream_keys``) are accepted and recorded as ``ignored_settings``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import _upstream_keys
from .allocation.bounds import check_feasible
from .contracts import (
    ALIGNMENTS,
    ALLOCATOR_ALIASES,
    ALLOCATORS,
    COVARIANCES,
    LINKAGES,
    AllocationSettings,
    Bounds,
    CalendarSettings,
    HealthSettings,
    Manifest,
    MetaProfile,
    SleeveSpec,
)
from .errors import (
    InfeasibleBoundsError,
    ManifestError,
    MetaPipelineError,
    MissingArtifactError,
    RunIdError,
)

__all__ = [
    "MAX_DEPTH",
    "NAME_PATTERN",
    "check_run_id",
    "load_manifest",
    "parse_manifest",
    "profile_tree",
]

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_DEPTH = 4  # the root profile is level 1; a fifth level is an error

_SLEEVE_KEYS = frozenset(
    {"id", "profile", "run_id", "meta_profile", "weight_limit", "engine", "simulator"}
)
_ALLOCATION_KEYS = frozenset(
    {
        "risk_profiles",
        "method",
        "min_weight",
        "max_weight",
        "linkage",
        "covariance",
        "min_observations",
        "profile",
        "engine",
    }
)
_HEALTH_KEYS = frozenset({"min_success_ratio", "min_sleeves", "require_ledger"})
_CALENDAR_KEYS = frozenset({"alignment"})
_PROFILE_KEYS = frozenset(
    {"description", "features", "sleeves", "meta_allocation", "health", "calendar"}
    | _upstream_keys.SECTIONS
)


def check_run_id(run_id: object, *, where: str) -> str:
    """Return ``run_id`` if it is a plain name, else raise ``RunIdError`` naming ``where``."""
    if not isinstance(run_id, str) or not NAME_PATTERN.fullmatch(run_id):
        raise RunIdError(
            f"{where}: run id {run_id!r} is not allowed; expected letters, digits, '_', '.', '-' "
            "starting with a letter or digit (no paths, no '..')"
        )
    return run_id


def load_manifest(path: Path, *, display: str) -> Manifest:
    """Read and validate the manifest at ``path`` (``display`` is its workspace-relative name)."""
    if not path.is_file():
        raise MissingArtifactError(
            f"{display}: manifest not found (expected configs/manifest.json)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{display}: cannot read manifest ({exc})") from exc
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ManifestError(f"{display}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, over-long integer literals
        raise ManifestError(f"{display}: not valid JSON ({exc})") from exc
    return parse_manifest(data, source=display)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_manifest(data: Any, *, source: str) -> Manifest:
    """Validate already-parsed manifest JSON."""
    if not isinstance(data, dict):
        raise ManifestError(f"{source}: top level must be an object, got {_kind(data)}")
    profiles = data.get("profiles")
    if not isinstance(profiles, dict):
        raise ManifestError(f"{source}: 'profiles' must be an object, got {_kind(profiles)}")
    metas: dict[str, MetaProfile] = {}
    invalid: dict[str, Exception] = {}
    others: set[str] = set()
    for name in sorted(profiles):
        body = profiles[name]
        if isinstance(body, dict) and "sleeves" in body:
            try:
                metas[name] = _parse_profile(name, body, source)
            except MetaPipelineError as exc:  # raised only if a run needs this profile
                invalid[name] = exc
        else:
            others.add(name)
    return Manifest(path=source, profiles=metas, other_profiles=frozenset(others), invalid=invalid)


def profile_tree(
    manifest: Manifest, root: str, risk_profiles: Sequence[str] | None = None
) -> list[MetaProfile]:
    """Check the tree below ``root`` (references, cycles, depth, risk profiles).

    Returns the meta profiles of the tree, root first, each once, in depth-first manifest order.
    ``risk_profiles`` defaults to the root's configured list.
    """
    where = manifest.path
    if root in manifest.invalid:
        raise manifest.invalid[root]
    if root not in manifest.profiles:
        known = ", ".join(manifest.meta_names) or "none"
        hint = " (it has no 'sleeves')" if root in manifest.other_profiles else ""
        raise ManifestError(
            f"{where}: meta profile {root!r} not found{hint}; meta profiles: {known}"
        )
    if not NAME_PATTERN.fullmatch(root):
        raise ManifestError(f"{where}: meta profile name {root!r} cannot be used in file names")
    order: list[MetaProfile] = []
    seen: set[str] = set()

    def visit(name: str, chain: tuple[str, ...]) -> None:
        profile = manifest.profiles[name]
        if len(chain) > MAX_DEPTH:
            raise ManifestError(
                f"{where}: meta profile tree is {len(chain)} levels deep "
                f"({' -> '.join(chain)}); at most {MAX_DEPTH} levels are allowed"
            )
        if name not in seen:
            seen.add(name)
            order.append(profile)
        for sleeve in profile.sleeves:
            if sleeve.meta_profile is None:
                continue
            child = sleeve.meta_profile
            if child in chain:
                cycle = " -> ".join((*chain[chain.index(child) :], child))
                raise ManifestError(
                    f"{where}: cyclic meta profiles: {cycle} (at {sleeve.location})"
                )
            if child in manifest.invalid:
                raise manifest.invalid[child]
            if child not in manifest.profiles:
                hint = " (it has no 'sleeves')" if child in manifest.other_profiles else ""
                raise ManifestError(
                    f"{where}: {sleeve.location}.meta_profile {child!r} is not a meta profile{hint}"
                )
            visit(child, (*chain, child))

    visit(root, (root,))
    risks = list(risk_profiles) if risk_profiles is not None else []
    if risk_profiles is None:
        risks = list(manifest.profiles[root].allocation.risk_profiles)
    for risk in risks:
        check_risk_profile(risk, order, where=where)
    return order


def check_risk_profile(risk: str, profiles: Sequence[MetaProfile], *, where: str) -> None:
    """Every profile of the tree must map ``risk`` to an allocator (``method`` or the name)."""
    allowed = ", ".join(sorted((*ALLOCATORS, *ALLOCATOR_ALIASES)))
    if not isinstance(risk, str) or not NAME_PATTERN.fullmatch(risk):
        raise ManifestError(f"{where}: risk profile {risk!r} is not a valid name")
    for profile in profiles:
        if profile.allocation.allocator_for(risk) is None:
            raise ManifestError(
                f"{where}: profiles.{profile.name}: unknown risk profile {risk!r}: it is not an "
                f"allocator and meta_allocation.method is not set; allowed: {allowed}"
            )


# ----------------------------------------------------------------------------- parsing helpers


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _check_keys(body: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ManifestError(
            f"{where}: unknown key {unknown[0]!r}{hint}; allowed keys: {', '.join(sorted(allowed))}"
        )


def _section(
    body: Mapping[str, Any], key: str, allowed: frozenset[str], where: str
) -> dict[str, Any]:
    value = body.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ManifestError(f"{where}.{key} must be an object, got {_kind(value)}")
    _check_keys(value, allowed, f"{where}.{key}")
    return value


def _number(value: object, where: str, lo: float = 0.0, hi: float = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ManifestError(f"{where} must be a number, got {value!r}")
    if not lo <= value <= hi:
        raise ManifestError(f"{where} is {value!r}, must be within [{lo:g}, {hi:g}]")
    return float(value)


def _integer(value: object, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ManifestError(f"{where} must be an integer, got {value!r}")
    if value < minimum:
        raise ManifestError(f"{where} is {value}, must be >= {minimum}")
    return value


def _string(value: object, where: str, *, name: bool = False) -> str:
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{where} must be a non-empty string, got {value!r}")
    if name and not NAME_PATTERN.fullmatch(value):
        raise ManifestError(
            f"{where} is {value!r}; expected letters, digits, '_', '.', '-' starting with a "
            "letter or digit"
        )
    return value


def _choice(value: object, where: str, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ManifestError(f"{where} is {value!r}; allowed: {', '.join(allowed)}")
    return value


def _parse_profile(name: str, body: dict[str, Any], source: str) -> MetaProfile:
    where = f"{source}: profiles.{name}"
    if not NAME_PATTERN.fullmatch(name):
        raise ManifestError(f"{where}: profile name {name!r} cannot be used in file names")
    _check_keys(body, _PROFILE_KEYS, where)
    description = body.get("description", "")
    if not isinstance(description, str):
        raise ManifestError(f"{where}.description must be a string, got {_kind(description)}")
    allocation = _parse_allocation(body, where)
    ignored = _ignored_settings(body, where)
    calendar_body = _section(body, "calendar", _CALENDAR_KEYS, where)
    calendar = CalendarSettings(
        alignment=_choice(
            calendar_body.get("alignment", "intersect"), f"{where}.calendar.alignment", ALIGNMENTS
        )
    )
    raw_sleeves = body.get("sleeves")
    if not isinstance(raw_sleeves, list) or not raw_sleeves:
        raise ManifestError(f"{where}.sleeves must be a non-empty list, got {raw_sleeves!r}")
    sleeves: list[SleeveSpec] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_sleeves):
        sleeve = _parse_sleeve(raw, f"profiles.{name}.sleeves[{index}]", source)
        if sleeve.id in seen:
            raise ManifestError(
                f"{where}: duplicate sleeve id {sleeve.id!r} (sleeves[{seen[sleeve.id]}] and "
                f"sleeves[{index}])"
            )
        seen[sleeve.id] = index
        sleeves.append(sleeve)
    health = _parse_health(body, where, len(sleeves))
    if health.min_sleeves > len(sleeves):
        raise ManifestError(
            f"{where}.health.min_sleeves is {health.min_sleeves} but the profile has only "
            f"{len(sleeves)} sleeve(s)"
        )
    profile = MetaProfile(
        name=name,
        sleeves=tuple(sleeves),
        allocation=allocation,
        health=health,
        calendar=calendar,
        description=description,
        ignored_settings=ignored,
    )
    _check_bounds(profile, where)
    return profile


def _parse_allocation(body: Mapping[str, Any], where: str) -> AllocationSettings:
    alloc = _section(body, "meta_allocation", _ALLOCATION_KEYS, where)
    here = f"{where}.meta_allocation"
    if "risk_profiles" in alloc:
        raw = alloc["risk_profiles"]
        if not isinstance(raw, list) or not raw:
            raise ManifestError(f"{here}.risk_profiles must be a non-empty list, got {raw!r}")
        risks = tuple(
            _string(item, f"{here}.risk_profiles[{i}]", name=True) for i, item in enumerate(raw)
        )
        if len(set(risks)) != len(risks):
            raise ManifestError(f"{here}.risk_profiles has duplicates: {list(risks)}")
    elif "profile" in alloc:  # upstream manifests: the default risk profile
        risks = (_string(alloc["profile"], f"{here}.profile", name=True),)
    else:
        risks = ("hrp",)
    method = alloc.get("method")
    if method is not None:
        allowed = tuple(sorted((*ALLOCATORS, *ALLOCATOR_ALIASES)))
        method = _choice(method, f"{here}.method", allowed)
    engine = alloc.get("engine")
    if engine is not None:
        engine = _string(engine, f"{here}.engine")
    min_weight = _number(alloc.get("min_weight", 0.0), f"{here}.min_weight")
    max_weight = _number(alloc.get("max_weight", 1.0), f"{here}.max_weight")
    if min_weight > max_weight:
        raise InfeasibleBoundsError(
            f"{here}: min_weight {min_weight:g} is greater than max_weight {max_weight:g}"
        )
    settings = AllocationSettings(
        risk_profiles=risks,
        method=method,
        min_weight=min_weight,
        max_weight=max_weight,
        linkage=_choice(alloc.get("linkage", "single"), f"{here}.linkage", LINKAGES),
        covariance=_choice(alloc.get("covariance", "sample"), f"{here}.covariance", COVARIANCES),
        min_observations=_integer(alloc.get("min_observations", 20), f"{here}.min_observations", 2),
        engine=engine,
    )
    allowed_names = ", ".join(sorted((*ALLOCATORS, *ALLOCATOR_ALIASES)))
    for risk in risks:
        if settings.allocator_for(risk) is None:
            raise ManifestError(
                f"{here}.risk_profiles: unknown risk profile {risk!r}: it is not an allocator "
                f"and meta_allocation.method is not set; allowed: {allowed_names}"
            )
    return settings


def _ignored_settings(body: Mapping[str, Any], where: str) -> tuple[tuple[str, Any], ...]:
    """Upstream settings of a profile, as sorted ``(dotted name, value)`` pairs.

    Every key of ``features`` must be one of upstream's feature flags; the other upstream blocks
    are taken whole (upstream ignores unknown keys inside them).
    """
    found: dict[str, Any] = {}
    features = body.get("features")
    if features is not None:
        if not isinstance(features, dict):
            raise ManifestError(f"{where}.features must be an object, got {_kind(features)}")
        _check_keys(features, _upstream_keys.FEATURES, f"{where}.features")
        found.update({f"features.{key}": value for key, value in features.items()})
    for section in sorted(_upstream_keys.SECTIONS & set(body)):
        value = body[section]
        if isinstance(value, dict):  # an empty block sets nothing
            found.update({f"{section}.{key}": item for key, item in value.items()})
        elif value is not None:
            found[section] = value
    return tuple(sorted(found.items()))


def _parse_health(body: Mapping[str, Any], where: str, sleeves: int) -> HealthSettings:
    health = _section(body, "health", _HEALTH_KEYS, where)
    here = f"{where}.health"
    require = health.get("require_ledger", True)
    if not isinstance(require, bool):
        raise ManifestError(f"{here}.require_ledger must be true or false, got {require!r}")
    return HealthSettings(
        min_success_ratio=_number(
            health.get("min_success_ratio", 0.75), f"{here}.min_success_ratio"
        ),
        # a one-sleeve meta profile is valid: the default is min(2, number of sleeves)
        min_sleeves=_integer(health.get("min_sleeves", min(2, sleeves)), f"{here}.min_sleeves", 1),
        require_ledger=require,
    )


def _parse_sleeve(raw: object, location: str, source: str) -> SleeveSpec:
    where = f"{source}: {location}"
    if not isinstance(raw, dict):
        raise ManifestError(f"{where} must be an object, got {_kind(raw)}")
    _check_keys(raw, _SLEEVE_KEYS, where)
    sleeve_id = _string(raw.get("id"), f"{where}.id", name=True)
    has_profile, has_meta = "profile" in raw, "meta_profile" in raw
    if has_profile == has_meta:
        raise ManifestError(
            f"{where} (sleeve {sleeve_id!r}) needs exactly one of 'profile' (an atomic sleeve) "
            "or 'meta_profile' (a nested meta profile)"
        )
    run_id = raw.get("run_id")
    if run_id == "":  # upstream writes "" (like null) for "not pinned"
        run_id = None
    if run_id is not None:
        if has_meta:
            raise ManifestError(f"{where} (sleeve {sleeve_id!r}): run_id needs 'profile'")
        check_run_id(run_id, where=f"{where}.run_id (sleeve {sleeve_id!r})")
    weight_limit = None
    if "weight_limit" in raw:
        limit = raw["weight_limit"]
        if not isinstance(limit, list) or len(limit) != 2:
            raise ManifestError(
                f"{where}.weight_limit (sleeve {sleeve_id!r}) must be [lo, hi], got {limit!r}"
            )
        lo = _number(limit[0], f"{where}.weight_limit[0] (sleeve {sleeve_id!r})")
        hi = _number(limit[1], f"{where}.weight_limit[1] (sleeve {sleeve_id!r})")
        if lo > hi:
            raise InfeasibleBoundsError(
                f"{where}.weight_limit (sleeve {sleeve_id!r}): [{lo:g}, {hi:g}] has lo > hi"
            )
        weight_limit = Bounds(lo, hi)
    engine = raw.get("engine")
    simulator = raw.get("simulator")
    if has_profile:
        return SleeveSpec(
            id=sleeve_id,
            kind="atomic",
            location=location,
            profile=_string(raw["profile"], f"{where}.profile"),
            run_id=run_id,
            weight_limit=weight_limit,
            engine=None if engine is None else _string(engine, f"{where}.engine", name=True),
            simulator=(
                None if simulator is None else _string(simulator, f"{where}.simulator", name=True)
            ),
        )
    if engine is not None or simulator is not None:
        raise ManifestError(f"{where} (sleeve {sleeve_id!r}): engine/simulator need 'profile'")
    return SleeveSpec(
        id=sleeve_id,
        kind="meta",
        location=location,
        meta_profile=_string(raw["meta_profile"], f"{where}.meta_profile", name=True),
        weight_limit=weight_limit,
    )


def _check_bounds(profile: MetaProfile, where: str) -> None:
    bounds = [profile.bounds_for(s) for s in profile.sleeves]
    check_feasible(
        [s.id for s in profile.sleeves],
        [b.lo for b in bounds],
        [b.hi for b in bounds],
        where=where,
    )
