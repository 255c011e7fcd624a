"""Manifest validation (DESIGN 2.1): every rule, table-driven, checked before any data is read."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tradingview_scraper.contracts import Manifest, MetaProfile
from tradingview_scraper.errors import (
    InfeasibleBoundsError,
    ManifestError,
    MissingArtifactError,
    RunIdError,
)
from tradingview_scraper.manifest import load_manifest, parse_manifest, profile_tree

ROOT = "meta_a"
ALLOWED = "equal_weight, erc, hrp, inverse_volatility, max_sharpe, min_variance, risk_parity"

Mutation = Callable[[dict[str, Any]], None]


def base() -> dict[str, Any]:
    """A valid manifest: one meta profile over two atomic sleeves, plus an atomic profile."""
    return {
        "profiles": {
            ROOT: {
                "sleeves": [
                    {"id": "x", "profile": "px"},
                    {"id": "y", "profile": "py"},
                ]
            },
            "px": {"description": "an atomic profile, not a meta profile"},
        }
    }


def put(path: tuple[str | int, ...], value: Any) -> Mutation:
    """Set ``value`` at ``path`` (creating intermediate objects)."""

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            if isinstance(key, str) and key not in node:
                node[key] = {}
            node = node[key]
        node[path[-1]] = value

    return mutate


def drop(path: tuple[str | int, ...]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(data)

    return mutate


def replace(document: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data.clear()
        data["__replace__"] = document

    return mutate


P = ("profiles", ROOT)
S0 = (*P, "sleeves", 0)
S1 = (*P, "sleeves", 1)
ALLOC = (*P, "meta_allocation")
HEALTH = (*P, "health")
CAL = (*P, "calendar")


def load(tmp_path: Path, data: Any, root: str = ROOT) -> tuple[Manifest, list[MetaProfile]]:
    """Write ``data`` as configs/manifest.json, load it and check the tree below ``root``."""
    if isinstance(data, dict) and "__replace__" in data:
        data = data["__replace__"]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    manifest = load_manifest(path, display="configs/manifest.json")
    return manifest, profile_tree(manifest, root)


def mutated(mutation: Mutation) -> dict[str, Any]:
    data = base()
    mutation(data)
    return data


# (case id, mutation, exception class, message pattern)
REJECTED: list[tuple[str, Mutation, type[Exception], str]] = [
    # --- unknown keys (a typo must not pass silently)
    (
        "sleeve-typo",
        put((*S0, "max_wieght"), 0.5),
        ManifestError,
        r"profiles\.meta_a\.sleeves\[0\]: unknown key 'max_wieght'; allowed keys: engine, id,",
    ),
    (
        "allocation-typo",
        put((*ALLOC, "max_wieght"), 0.5),
        ManifestError,
        r"meta_a\.meta_allocation: unknown key 'max_wieght' \(did you mean 'max_weight'\?\); "
        r"allowed keys: .*max_weight",
    ),
    (
        "health-typo",
        put((*HEALTH, "min_sleeve"), 2),
        ManifestError,
        r"meta_a\.health: unknown key 'min_sleeve' \(did you mean 'min_sleeves'\?\); "
        r"allowed keys: min_sleeves, "
        r"min_success_ratio, require_ledger",
    ),
    (
        "calendar-typo",
        put((*CAL, "alignmnet"), "compound"),
        ManifestError,
        r"meta_a\.calendar: unknown key 'alignmnet' \(did you mean 'alignment'\?\); "
        r"allowed keys: alignment",
    ),
    # --- sleeve ids and kinds
    (
        "duplicate-id",
        put((*S1, "id"), "x"),
        ManifestError,
        r"profiles\.meta_a: duplicate sleeve id 'x' \(sleeves\[0\] and sleeves\[1\]\)",
    ),
    (
        "profile-and-meta_profile",
        put((*S0, "meta_profile"), "meta_b"),
        ManifestError,
        r"sleeves\[0\] \(sleeve 'x'\) needs exactly one of 'profile' .* or 'meta_profile'",
    ),
    (
        "neither-profile-nor-meta_profile",
        drop((*S1, "profile")),
        ManifestError,
        r"sleeves\[1\] \(sleeve 'y'\) needs exactly one of 'profile'",
    ),
    (
        "id-not-a-name",
        put((*S0, "id"), "a/b"),
        ManifestError,
        r"sleeves\[0\]\.id is 'a/b'; expected letters, digits",
    ),
    (
        "id-missing",
        drop((*S0, "id")),
        ManifestError,
        r"sleeves\[0\]\.id must be a non-empty string, got None",
    ),
    # --- run ids
    (
        "run-id-parent",
        put((*S0, "run_id"), "../x"),
        RunIdError,
        r"sleeves\[0\]\.run_id \(sleeve 'x'\): run id '\.\./x' is not allowed",
    ),
    ("run-id-path", put((*S0, "run_id"), "a/b"), RunIdError, r"run id 'a/b' is not allowed"),
    (
        "run-id-hidden",
        put((*S0, "run_id"), ".hidden"),
        RunIdError,
        r"run id '\.hidden' is not allowed",
    ),
    ("run-id-blank", put((*S0, "run_id"), " "), RunIdError, r"run id ' ' is not allowed"),
    ("run-id-number", put((*S0, "run_id"), 7), RunIdError, r"run id 7 is not allowed"),
    (
        "run-id-on-meta-sleeve",
        both(
            drop((*S1, "profile")),
            put((*S1, "meta_profile"), "meta_b"),
            put((*S1, "run_id"), "r1"),
        ),
        ManifestError,
        r"sleeves\[1\] \(sleeve 'y'\): run_id needs 'profile'",
    ),
    # --- weight_limit shapes
    *[
        (
            f"weight-limit-shape-{label}",
            put((*S0, "weight_limit"), value),
            ManifestError,
            r"sleeves\[0\]\.weight_limit \(sleeve 'x'\) must be \[lo, hi\], got ",
        )
        for label, value in [
            ("scalar", 0.5),
            ("one", [0.1]),
            ("three", [0.1, 0.2, 0.3]),
            ("object", {"lo": 0.1, "hi": 0.5}),
            ("null", None),
            ("string", "0.1,0.5"),
        ]
    ],
    (
        "weight-limit-string-number",
        put((*S0, "weight_limit"), ["0.1", 0.5]),
        ManifestError,
        r"weight_limit\[0\] \(sleeve 'x'\) must be a number, got '0\.1'",
    ),
    (
        "weight-limit-boolean",
        put((*S0, "weight_limit"), [0.1, True]),
        ManifestError,
        r"weight_limit\[1\] \(sleeve 'x'\) must be a number, got True",
    ),
    (
        "weight-limit-lo-gt-hi",
        put((*S0, "weight_limit"), [0.7, 0.6]),
        InfeasibleBoundsError,
        r"profiles\.meta_a\.sleeves\[0\]\.weight_limit \(sleeve 'x'\): \[0\.7, 0\.6\] "
        r"has lo > hi$",
    ),
    (
        "weight-limit-above-one",
        put((*S0, "weight_limit"), [0.0, 1.2]),
        ManifestError,
        r"weight_limit\[1\] \(sleeve 'x'\) is 1\.2, must be within \[0, 1\]",
    ),
    (
        "weight-limit-negative",
        put((*S0, "weight_limit"), [-0.1, 0.5]),
        ManifestError,
        r"weight_limit\[0\] \(sleeve 'x'\) is -0\.1, must be within \[0, 1\]",
    ),
    # --- feasibility of the bounds, with the numbers
    (
        "sum-lo-above-one",
        both(put((*S0, "weight_limit"), [0.6, 1.0]), put((*S1, "weight_limit"), [0.5, 1.0])),
        InfeasibleBoundsError,
        r"profiles\.meta_a: infeasible bounds: sum of lower bounds is 1\.1, must be <= 1 "
        r"\(x \[0\.6, 1\], y \[0\.5, 1\]\)",
    ),
    (
        "sum-lo-above-one-from-min_weight",
        put((*ALLOC, "min_weight"), 0.55),
        InfeasibleBoundsError,
        r"sum of lower bounds is 1\.1, must be <= 1 \(x \[0\.55, 1\], y \[0\.55, 1\]\)",
    ),
    (
        "sum-hi-below-one",
        put((*ALLOC, "max_weight"), 0.45),
        InfeasibleBoundsError,
        r"sum of upper bounds is 0\.9, must be >= 1 \(x \[0, 0\.45\], y \[0, 0\.45\]\)",
    ),
    (
        "sum-hi-below-one-weight-limit-overrides",
        both(put((*ALLOC, "max_weight"), 0.9), put((*S1, "weight_limit"), [0.0, 0.05])),
        InfeasibleBoundsError,
        r"sum of upper bounds is 0\.95, must be >= 1 \(x \[0, 0\.9\], y \[0, 0\.05\]\)",
    ),
    (
        "min-weight-above-max-weight",
        both(put((*ALLOC, "min_weight"), 0.6), put((*ALLOC, "max_weight"), 0.4)),
        InfeasibleBoundsError,
        r"meta_allocation: min_weight 0\.6 is greater than max_weight 0\.4",
    ),
    (
        "min-weight-negative",
        put((*ALLOC, "min_weight"), -0.1),
        ManifestError,
        r"meta_allocation\.min_weight is -0\.1, must be within \[0, 1\]",
    ),
    (
        "max-weight-above-one",
        put((*ALLOC, "max_weight"), 1.5),
        ManifestError,
        r"meta_allocation\.max_weight is 1\.5, must be within \[0, 1\]",
    ),
    (
        "min-success-ratio-above-one",
        put((*HEALTH, "min_success_ratio"), 1.5),
        ManifestError,
        r"health\.min_success_ratio is 1\.5, must be within \[0, 1\]",
    ),
    # --- wrong types at every level
    ("top-level-list", replace([1, 2]), ManifestError, r"top level must be an object, got a list"),
    (
        "profiles-list",
        put(("profiles",), [ROOT]),
        ManifestError,
        r"'profiles' must be an object, got a list",
    ),
    ("profiles-missing", drop(("profiles",)), ManifestError, r"'profiles' must be an object"),
    (
        "sleeves-object",
        put((*P, "sleeves"), {"x": {"profile": "px"}}),
        ManifestError,
        r"meta_a\.sleeves must be a non-empty list, got \{",
    ),
    (
        "sleeves-empty",
        put((*P, "sleeves"), []),
        ManifestError,
        r"meta_a\.sleeves must be a non-empty list, got \[\]",
    ),
    (
        "sleeve-string",
        put(S1, "py"),
        ManifestError,
        r"sleeves\[1\] must be an object, got a string",
    ),
    (
        "allocation-list",
        put(ALLOC, ["hrp"]),
        ManifestError,
        r"meta_a\.meta_allocation must be an object, got a list",
    ),
    (
        "health-string",
        put(HEALTH, "strict"),
        ManifestError,
        r"meta_a\.health must be an object, got a string",
    ),
    (
        "calendar-number",
        put(CAL, 1),
        ManifestError,
        r"meta_a\.calendar must be an object, got a number",
    ),
    (
        "min-weight-string",
        put((*ALLOC, "min_weight"), "0.1"),
        ManifestError,
        r"min_weight must be a number, got '0\.1'",
    ),
    (
        "max-weight-boolean",
        put((*ALLOC, "max_weight"), True),
        ManifestError,
        r"max_weight must be a number, got True",
    ),
    (
        "min-observations-string",
        put((*ALLOC, "min_observations"), "20"),
        ManifestError,
        r"min_observations must be an integer, got '20'",
    ),
    (
        "min-observations-float",
        put((*ALLOC, "min_observations"), 20.5),
        ManifestError,
        r"min_observations must be an integer, got 20\.5",
    ),
    (
        "min-observations-boolean",
        put((*ALLOC, "min_observations"), True),
        ManifestError,
        r"min_observations must be an integer, got True",
    ),
    (
        "min-observations-too-small",
        put((*ALLOC, "min_observations"), 1),
        ManifestError,
        r"min_observations is 1, must be >= 2",
    ),
    (
        "min-sleeves-boolean",
        put((*HEALTH, "min_sleeves"), True),
        ManifestError,
        r"health\.min_sleeves must be an integer, got True",
    ),
    (
        "min-sleeves-more-than-sleeves",
        put((*HEALTH, "min_sleeves"), 3),
        ManifestError,
        r"health\.min_sleeves is 3 but the profile has only 2 sleeve\(s\)",
    ),
    (
        "min-success-ratio-string",
        put((*HEALTH, "min_success_ratio"), "0.75"),
        ManifestError,
        r"min_success_ratio must be a number, got '0\.75'",
    ),
    (
        "min-success-ratio-boolean",
        put((*HEALTH, "min_success_ratio"), False),
        ManifestError,
        r"min_success_ratio must be a number, got False",
    ),
    (
        "require-ledger-number",
        put((*HEALTH, "require_ledger"), 1),
        ManifestError,
        r"require_ledger must be true or false, got 1",
    ),
    (
        "risk-profiles-string",
        put((*ALLOC, "risk_profiles"), "hrp"),
        ManifestError,
        r"risk_profiles must be a non-empty list, got 'hrp'",
    ),
    (
        "risk-profiles-empty",
        put((*ALLOC, "risk_profiles"), []),
        ManifestError,
        r"risk_profiles must be a non-empty list, got \[\]",
    ),
    (
        "risk-profiles-number-item",
        put((*ALLOC, "risk_profiles"), ["hrp", 1]),
        ManifestError,
        r"risk_profiles\[1\] must be a non-empty string, got 1",
    ),
    (
        "risk-profiles-duplicates",
        put((*ALLOC, "risk_profiles"), ["hrp", "hrp"]),
        ManifestError,
        r"risk_profiles has duplicates: \['hrp', 'hrp'\]",
    ),
    (
        "linkage-unknown",
        put((*ALLOC, "linkage"), "median"),
        ManifestError,
        r"linkage is 'median'; allowed: average, complete, single, ward",
    ),
    (
        "covariance-unknown",
        put((*ALLOC, "covariance"), "shrunk"),
        ManifestError,
        r"covariance is 'shrunk'; allowed: ledoit_wolf, sample",
    ),
    (
        "alignment-unknown",
        put((*CAL, "alignment"), "union"),
        ManifestError,
        r"calendar\.alignment is 'union'; allowed: compound, intersect",
    ),
    (
        "method-number",
        put((*ALLOC, "method"), 5),
        ManifestError,
        rf"meta_allocation\.method is 5; allowed: {ALLOWED}",
    ),
    (
        "description-number",
        put((*P, "description"), 5),
        ManifestError,
        r"meta_a\.description must be a string, got a number",
    ),
    (
        "sleeve-profile-number",
        put((*S0, "profile"), 5),
        ManifestError,
        r"sleeves\[0\]\.profile must be a non-empty string, got 5",
    ),
    (
        "sleeve-engine-number",
        put((*S0, "engine"), 5),
        ManifestError,
        r"sleeves\[0\]\.engine must be a non-empty string, got 5",
    ),
    # --- risk profiles and allocators
    (
        "unknown-risk-profile",
        put((*ALLOC, "risk_profiles"), ["hrp", "bogus"]),
        ManifestError,
        rf"unknown risk profile 'bogus': .*meta_allocation\.method is not set; allowed: {ALLOWED}",
    ),
    (
        "barbell-needs-method",
        put((*ALLOC, "risk_profiles"), ["barbell"]),
        ManifestError,
        rf"unknown risk profile 'barbell'.*allowed: {ALLOWED}",
    ),
    (
        "upstream-profile-barbell-needs-method",
        put((*ALLOC, "profile"), "barbell"),
        ManifestError,
        r"unknown risk profile 'barbell'",
    ),
    (
        "method-unknown",
        put((*ALLOC, "method"), "magic"),
        ManifestError,
        rf"meta_allocation\.method is 'magic'; allowed: {ALLOWED}",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "error", "pattern"),
    [pytest.param(m, e, p, id=i) for i, m, e, p in REJECTED],
)
def test_rejected(tmp_path: Path, mutation: Mutation, error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern) as caught:
        load(tmp_path, mutated(mutation))
    assert type(caught.value) is error  # not merely a subclass or a sibling


def test_a_broken_profile_outside_the_tree_does_not_block_a_run(tmp_path: Path) -> None:
    """Strict where it matters: only the tree being run is validated strictly."""
    data = base()
    data["profiles"]["meta_other"] = {
        "sleeves": [{"id": "z", "profile": "pz", "max_wieght": 1}],
    }
    manifest, tree = load(tmp_path, data)
    assert [p.name for p in tree] == [ROOT]
    assert manifest.meta_names == (ROOT, "meta_other")
    assert set(manifest.invalid) == {"meta_other"}
    with pytest.raises(ManifestError, match=r"meta_other\.sleeves\[0\]: unknown key 'max_wieght'"):
        profile_tree(manifest, "meta_other")


def test_a_broken_profile_inside_the_tree_blocks_the_run(tmp_path: Path) -> None:
    data = base()
    data["profiles"][ROOT]["sleeves"].append({"id": "n", "meta_profile": "meta_other"})
    data["profiles"]["meta_other"] = {
        "sleeves": [{"id": "z", "profile": "pz"}],
        "meta_allocation": {"max_weight": 0.5},
    }
    with pytest.raises(InfeasibleBoundsError, match=r"profiles\.meta_other: infeasible bounds"):
        load(tmp_path, data)


@pytest.mark.parametrize("pin", ["", None])
def test_empty_and_null_run_ids_mean_not_pinned(tmp_path: Path, pin: str | None) -> None:
    """Upstream writes ``"run_id": ""`` for "use the newest run"."""
    manifest, _ = load(tmp_path, mutated(put((*S0, "run_id"), pin)))
    assert manifest.profiles[ROOT].sleeves[0].run_id is None


@pytest.mark.parametrize(("sleeves", "expected"), [(1, 1), (2, 2), (3, 2)])
def test_default_min_sleeves_is_at_most_the_sleeve_count(
    tmp_path: Path, sleeves: int, expected: int
) -> None:
    data = base()
    data["profiles"][ROOT]["sleeves"] = [{"id": f"s{i}", "profile": "px"} for i in range(sleeves)]
    manifest, _ = load(tmp_path, data)
    assert manifest.profiles[ROOT].health.min_sleeves == expected


def test_explicit_min_sleeves_above_the_sleeve_count_is_still_an_error(tmp_path: Path) -> None:
    data = base()
    data["profiles"][ROOT]["sleeves"] = [{"id": "only", "profile": "px"}]
    data["profiles"][ROOT]["health"] = {"min_sleeves": 2}
    with pytest.raises(
        ManifestError, match=r"health\.min_sleeves is 2 but the profile has only 1 sleeve\(s\)"
    ):
        load(tmp_path, data)


def test_upstream_settings_are_accepted_and_recorded(tmp_path: Path) -> None:
    data = base()
    data["profiles"][ROOT]["features"] = {
        "feat_directional_sign_test_gate": True,
        "entropy_max_threshold": 0.95,
    }
    data["profiles"][ROOT]["backtest"] = {"train_window": 252, "anything_upstream": [1, 2]}
    data["profiles"][ROOT]["discovery"] = {}
    data["profiles"][ROOT]["env"] = None
    data["profiles"][ROOT]["risk"] = "opaque"
    manifest, _ = load(tmp_path, data)
    assert manifest.profiles[ROOT].ignored_settings == (
        ("backtest.anything_upstream", [1, 2]),
        ("backtest.train_window", 252),
        ("features.entropy_max_threshold", 0.95),
        ("features.feat_directional_sign_test_gate", True),
        ("risk", "opaque"),
    )


def test_a_profile_without_upstream_settings_records_none(tmp_path: Path) -> None:
    manifest, _ = load(tmp_path, base())
    assert manifest.profiles[ROOT].ignored_settings == ()


@pytest.mark.parametrize(
    ("mutation", "pattern"),
    [
        pytest.param(
            put((*P, "features"), {"feat_directional_sign_test_gte": True}),
            r"meta_a\.features: unknown key 'feat_directional_sign_test_gte' \(did you mean "
            r"'feat_directional_sign_test_gate'\?\); allowed keys: adaptive_fallback_profile, ",
            id="feature-typo",
        ),
        pytest.param(
            put((*P, "features"), ["feat_audit_ledger"]),
            r"meta_a\.features must be an object, got a list",
            id="features-not-an-object",
        ),
        pytest.param(
            put((*P, "backtset"), {"train_window": 1}),
            r"meta_a: unknown key 'backtset' \(did you mean 'backtest'\?\); allowed keys: ",
            id="section-typo",
        ),
    ],
)
def test_keys_neither_ours_nor_upstreams_are_rejected(
    tmp_path: Path, mutation: Mutation, pattern: str
) -> None:
    with pytest.raises(ManifestError, match=pattern):
        load(tmp_path, mutated(mutation))


# ----------------------------------------------------------------------------- accepted


def test_description_and_features_are_accepted_at_top_level(tmp_path: Path) -> None:
    data = base()
    data["profiles"][ROOT]["description"] = "two sleeves"
    data["profiles"][ROOT]["features"] = {"mps_weights_override": {"goes": 1}}
    manifest, tree = load(tmp_path, data)
    assert [p.name for p in tree] == [ROOT]
    assert manifest.profiles[ROOT].description == "two sleeves"
    assert manifest.other_profiles == frozenset({"px"})


def test_defaults_when_keys_are_absent(tmp_path: Path) -> None:
    manifest, _ = load(tmp_path, base())
    profile = manifest.profiles[ROOT]
    alloc = profile.allocation
    assert alloc.risk_profiles == ("hrp",)
    assert alloc.method is None
    assert (alloc.min_weight, alloc.max_weight) == (0.0, 1.0)
    assert (alloc.linkage, alloc.covariance, alloc.min_observations) == ("single", "sample", 20)
    assert alloc.engine is None
    health = profile.health
    assert (health.min_success_ratio, health.min_sleeves, health.require_ledger) == (
        0.75,
        2,
        True,
    )
    assert profile.calendar.alignment == "intersect"
    assert profile.description == ""
    x, y = profile.sleeves
    assert (x.id, x.kind, x.profile, x.run_id, x.weight_limit) == ("x", "atomic", "px", None, None)
    assert (x.engine, x.simulator) == (None, None)
    assert x.location == "profiles.meta_a.sleeves[0]"
    assert (profile.bounds_for(y).lo, profile.bounds_for(y).hi) == (0.0, 1.0)


def test_null_sections_mean_defaults(tmp_path: Path) -> None:
    data = base()
    data["profiles"][ROOT].update({"meta_allocation": None, "health": None, "calendar": None})
    manifest, _ = load(tmp_path, data)
    profile = manifest.profiles[ROOT]
    assert profile.allocation.risk_profiles == ("hrp",)
    assert profile.health.min_sleeves == 2
    assert profile.calendar.alignment == "intersect"
    manifest, _ = load(tmp_path, mutated(put((*ALLOC, "method"), None)))
    assert manifest.profiles[ROOT].allocation.method is None


def test_explicit_values_are_kept(tmp_path: Path) -> None:
    data = base()
    data["profiles"][ROOT].update(
        {
            "meta_allocation": {
                "risk_profiles": ["hrp", "erc", "min_variance"],
                "min_weight": 0.05,
                "max_weight": 0.8,
                "linkage": "ward",
                "covariance": "ledoit_wolf",
                "min_observations": 30,
            },
            "health": {"min_success_ratio": 0.5, "min_sleeves": 1, "require_ledger": False},
            "calendar": {"alignment": "compound"},
        }
    )
    data["profiles"][ROOT]["sleeves"][0].update(
        {"run_id": "px_2026.01-05", "weight_limit": [0.2, 0.6], "engine": "e", "simulator": "s"}
    )
    manifest, _ = load(tmp_path, data)
    profile = manifest.profiles[ROOT]
    assert profile.allocation.risk_profiles == ("hrp", "erc", "min_variance")
    assert profile.allocation.linkage == "ward"
    assert profile.allocation.covariance == "ledoit_wolf"
    assert profile.allocation.min_observations == 30
    assert profile.health.require_ledger is False
    assert profile.calendar.alignment == "compound"
    x, y = profile.sleeves
    assert (x.run_id, x.engine, x.simulator) == ("px_2026.01-05", "e", "s")
    assert (profile.bounds_for(x).lo, profile.bounds_for(x).hi) == (0.2, 0.6)
    assert (profile.bounds_for(y).lo, profile.bounds_for(y).hi) == (0.05, 0.8)


def test_barbell_with_method_uses_the_method(tmp_path: Path) -> None:
    data = mutated(
        both(put((*ALLOC, "risk_profiles"), ["barbell", "hrp"]), put((*ALLOC, "method"), "erc"))
    )
    manifest, _ = load(tmp_path, data)
    alloc = manifest.profiles[ROOT].allocation
    assert alloc.allocator_for("barbell") == "erc"
    assert alloc.allocator_for("hrp") == "erc"  # method wins for every risk profile


def test_risk_parity_is_an_alias_of_erc(tmp_path: Path) -> None:
    manifest, _ = load(tmp_path, mutated(put((*ALLOC, "risk_profiles"), ["risk_parity"])))
    assert manifest.profiles[ROOT].allocation.allocator_for("risk_parity") == "erc"
    manifest, _ = load(
        tmp_path,
        mutated(
            both(
                put((*ALLOC, "risk_profiles"), ["barbell"]),
                put((*ALLOC, "method"), "risk_parity"),
            )
        ),
    )
    assert manifest.profiles[ROOT].allocation.allocator_for("barbell") == "erc"


@pytest.mark.parametrize(
    ("allocation", "risks", "method", "engine"),
    [
        pytest.param({"profile": "min_variance"}, ("min_variance",), None, None, id="profile"),
        pytest.param(
            {"profile": "barbell", "method": "hrp", "engine": "custom"},
            ("barbell",),
            "hrp",
            "custom",
            id="profile-with-method-and-engine",
        ),
        pytest.param(
            {"profile": "min_variance", "risk_profiles": ["erc"]},
            ("erc",),
            None,
            None,
            id="risk_profiles-win",
        ),
    ],
)
def test_upstream_profile_is_the_default_risk_profile(
    tmp_path: Path,
    allocation: dict[str, Any],
    risks: tuple[str, ...],
    method: str | None,
    engine: str | None,
) -> None:
    manifest, _ = load(tmp_path, mutated(put(ALLOC, allocation)))
    alloc = manifest.profiles[ROOT].allocation
    assert (alloc.risk_profiles, alloc.method, alloc.engine) == (risks, method, engine)


def test_bounds_summing_exactly_to_one_are_feasible(tmp_path: Path) -> None:
    data = mutated(
        both(put((*S0, "weight_limit"), [0.3, 0.3]), put((*S1, "weight_limit"), [0.7, 0.7]))
    )
    manifest, _ = load(tmp_path, data)
    assert [manifest.profiles[ROOT].bounds_for(s).lo for s in manifest.profiles[ROOT].sleeves] == [
        0.3,
        0.7,
    ]


# ----------------------------------------------------------------------------- nesting


def meta(*children: str, atoms: int = 1, **extra: Any) -> dict[str, Any]:
    """A meta profile with ``atoms`` atomic sleeves and one nested sleeve per child."""
    sleeves: list[dict[str, Any]] = [{"id": f"leaf{i}", "profile": f"p{i}"} for i in range(atoms)]
    sleeves += [{"id": f"to_{child}", "meta_profile": child} for child in children]
    return {"sleeves": sleeves, **extra}


def chain(depth: int) -> dict[str, Any]:
    """m1 -> m2 -> ... -> m<depth>."""
    profiles = {f"m{i}": meta(f"m{i + 1}") for i in range(1, depth)}
    profiles[f"m{depth}"] = meta(atoms=2)
    return {"profiles": profiles}


def test_depth_four_is_allowed(tmp_path: Path) -> None:
    _, tree = load(tmp_path, chain(4), root="m1")
    assert [p.name for p in tree] == ["m1", "m2", "m3", "m4"]


def test_depth_below_the_root_is_measured_from_the_root(tmp_path: Path) -> None:
    _, tree = load(tmp_path, chain(5), root="m2")  # m2..m5: four levels
    assert [p.name for p in tree] == ["m2", "m3", "m4", "m5"]


def test_tree_lists_each_profile_once_depth_first(tmp_path: Path) -> None:
    data = {
        "profiles": {
            "root": meta("b1", "b2"),
            "b1": meta("shared"),
            "b2": meta("shared"),
            "shared": meta(atoms=2),
        }
    }
    _, tree = load(tmp_path, data, root="root")
    assert [p.name for p in tree] == ["root", "b1", "shared", "b2"]


TREE_REJECTED: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "depth-five",
        chain(5),
        "m1",
        r"meta profile tree is 5 levels deep \(m1 -> m2 -> m3 -> m4 -> m5\); "
        r"at most 4 levels are allowed",
    ),
    (
        "cycle",
        {"profiles": {"meta_a": meta("meta_b"), "meta_b": meta("meta_a")}},
        "meta_a",
        r"cyclic meta profiles: meta_a -> meta_b -> meta_a "
        r"\(at profiles\.meta_b\.sleeves\[1\]\)",
    ),
    (
        "cycle-below-root",
        {
            "profiles": {
                "root": meta("meta_a"),
                "meta_a": meta("meta_b"),
                "meta_b": meta("meta_a"),
            }
        },
        "root",
        r"cyclic meta profiles: meta_a -> meta_b -> meta_a \(",
    ),
    (
        "self-reference",
        {"profiles": {"meta_a": meta("meta_a")}},
        "meta_a",
        r"cyclic meta profiles: meta_a -> meta_a \(at profiles\.meta_a\.sleeves\[1\]\)",
    ),
    (
        "missing-nested",
        {"profiles": {"meta_a": meta("nope")}},
        "meta_a",
        r"profiles\.meta_a\.sleeves\[1\]\.meta_profile 'nope' is not a meta profile$",
    ),
    (
        "nested-not-meta",
        {"profiles": {"meta_a": meta("px"), "px": {"description": "atomic"}}},
        "meta_a",
        r"meta_profile 'px' is not a meta profile \(it has no 'sleeves'\)",
    ),
    (
        "root-missing",
        {"profiles": {"meta_b": meta(atoms=2)}},
        "meta_a",
        r"meta profile 'meta_a' not found; meta profiles: meta_b",
    ),
    (
        "root-not-meta",
        {"profiles": {"meta_a": {"description": "x"}, "meta_b": meta(atoms=2)}},
        "meta_a",
        r"meta profile 'meta_a' not found \(it has no 'sleeves'\)",
    ),
    (
        "nested-profile-lacks-the-risk-allocator",
        {
            "profiles": {
                "meta_a": meta(
                    "meta_b", meta_allocation={"risk_profiles": ["barbell"], "method": "hrp"}
                ),
                "meta_b": meta(atoms=2),
            }
        },
        "meta_a",
        rf"profiles\.meta_b: unknown risk profile 'barbell'.*allowed: {ALLOWED}",
    ),
]


@pytest.mark.parametrize(
    ("data", "root", "pattern"),
    [pytest.param(d, r, p, id=i) for i, d, r, p in TREE_REJECTED],
)
def test_tree_rejected(tmp_path: Path, data: dict[str, Any], root: str, pattern: str) -> None:
    with pytest.raises(ManifestError, match=pattern) as caught:
        load(tmp_path, copy.deepcopy(data), root=root)
    assert type(caught.value) is ManifestError


@pytest.mark.parametrize(
    ("risks", "pattern"),
    [
        pytest.param(
            ["barbell"], r"profiles\.meta_a: unknown risk profile 'barbell'", id="barbell"
        ),
        pytest.param(["../hrp"], r"risk profile '\.\./hrp' is not a valid name", id="path"),
    ],
)
def test_tree_rejects_risk_profiles_given_by_the_caller(
    tmp_path: Path, risks: list[str], pattern: str
) -> None:
    manifest, _ = load(tmp_path, base())
    with pytest.raises(ManifestError, match=pattern):
        profile_tree(manifest, ROOT, risks)


def test_tree_accepts_any_risk_name_when_method_is_set(tmp_path: Path) -> None:
    manifest, _ = load(tmp_path, mutated(put((*ALLOC, "method"), "equal_weight")))
    assert [p.name for p in profile_tree(manifest, ROOT, ["barbell", "anything"])] == [ROOT]


# ----------------------------------------------------------------------------- the file


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        pytest.param("{not json", r"^configs/manifest\.json: not valid JSON \(", id="not-json"),
        pytest.param("", r"configs/manifest\.json: not valid JSON", id="empty"),
        pytest.param(
            '{"profiles": {"meta_a": {"sleeves": [], "meta_allocation": {"min_weight": NaN}}}}',
            r"not valid JSON \(NaN is not valid JSON\)",
            id="nan",
        ),
        pytest.param(
            '{"profiles": {"meta_a": {"meta_allocation": {"max_weight": Infinity}}}}',
            r"not valid JSON \(Infinity is not valid JSON\)",
            id="infinity",
        ),
    ],
)
def test_file_rejected(tmp_path: Path, text: str, pattern: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match=pattern):
        load_manifest(path, display="configs/manifest.json")


def test_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(b'{"profiles": {"\xff": {}}}')
    with pytest.raises(ManifestError, match=r"configs/manifest\.json: cannot read manifest"):
        load_manifest(path, display="configs/manifest.json")


def test_missing_manifest_file(tmp_path: Path) -> None:
    with pytest.raises(
        MissingArtifactError, match=r"^configs/manifest\.json: manifest not found"
    ) as caught:
        load_manifest(tmp_path / "nope.json", display="configs/manifest.json")
    assert isinstance(caught.value, FileNotFoundError)


def test_parse_manifest_names_its_source() -> None:
    with pytest.raises(ManifestError, match=r"^somewhere\.json: 'profiles' must be an object"):
        parse_manifest({}, source="somewhere.json")


UPSTREAM_MANIFEST = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "upstream_manifest.json"
)


@pytest.mark.skipif(not UPSTREAM_MANIFEST.exists(), reason="shared upstream data not present")
def test_every_meta_profile_of_the_upstream_manifest_is_valid() -> None:
    """The upstream project's own manifest, verbatim (../shared/data/README.md)."""
    manifest = load_manifest(UPSTREAM_MANIFEST, display="configs/manifest.json")
    assert manifest.invalid == {}
    assert len(manifest.meta_names) == 13
    for name in manifest.meta_names:
        assert profile_tree(manifest, name)[0].name == name
    profiles = manifest.profiles
    assert profiles["meta_benchmark"].ignored_settings == (
        ("features.feat_directional_sign_test_gate", True),
    )
    assert profiles["meta_ray_test"].health.min_sleeves == 1
    assert [s.run_id for s in profiles["meta_benchmark_ray"].sleeves] == [None, None]
    assert [p.name for p in profile_tree(manifest, "meta_fractal_test")] == [
        "meta_fractal_test",
        "meta_crypto_only",
    ]
    assert profiles["meta_fractal_test"].allocation.risk_profiles == ("equal_weight",)
