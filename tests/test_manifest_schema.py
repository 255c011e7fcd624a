"""The manifest JSON Schema and the Python validator agree (STYLE: kept in agreement by a test).

Agreement is checked per meta profile wherever JSON Schema can express the rule. The rules the
schema cannot express (comparisons across fields or profiles) are listed in its description;
when the Python validator rejects a profile for one of those, the schema must accept it, and
that is all that is claimed.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tradingview_scraper import _upstream_keys
from tradingview_scraper import manifest as manifest_module
from tradingview_scraper.contracts import (
    ALIGNMENTS,
    ALLOCATOR_ALIASES,
    ALLOCATORS,
    COVARIANCES,
    LINKAGES,
)
from tradingview_scraper.errors import InfeasibleBoundsError, MetaPipelineError
from tradingview_scraper.harness.cases import cases
from tradingview_scraper.io.schemas import load_schema
from tradingview_scraper.manifest import parse_manifest, profile_tree

SCHEMA = load_schema("manifest")
CASES = {case.name: case for case in cases()}
VALIDATOR = Draft202012Validator(SCHEMA)
UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "data" / "upstream_manifest.json"
DEMO = Path(__file__).resolve().parents[1] / "tradingview_scraper/demo/workspace/configs"

# Python-only rules (cross-field): the message patterns of the validator's rejections for them
PYTHON_ONLY = re.compile(
    r"duplicate sleeve id|min_sleeves is \d+ but the profile has only|infeasible bounds"
    r"|has lo > hi|is greater than max_weight"
)


def _python_only(exc: Exception) -> bool:
    return isinstance(exc, InfeasibleBoundsError) or bool(PYTHON_ONLY.search(str(exc)))


def python_verdict(data: Any) -> str:
    """Every meta profile valid, as ``tv-meta validate --all`` asks.

    ``"ok"``; ``"python-only"`` when every failure is a cross-field rule the schema cannot
    express; ``"no"`` otherwise.
    """
    try:
        manifest = parse_manifest(copy.deepcopy(data), source="m")
    except MetaPipelineError as exc:  # the file as a whole (top level, 'profiles')
        return "python-only" if _python_only(exc) else "no"
    failures = list(manifest.invalid.values())
    if not failures:
        return "ok"
    return "python-only" if all(_python_only(exc) for exc in failures) else "no"


def schema_ok(data: Any) -> bool:
    return VALIDATOR.is_valid(data)


def without_cross_field_rules(profile: Any) -> Any:
    """``profile`` with the inputs of the Python-only rules removed (bounds, min_sleeves, ids)."""
    if not isinstance(profile, dict):
        return profile
    profile = copy.deepcopy(profile)
    for section, key in (("meta_allocation", "min_weight"), ("meta_allocation", "max_weight")):
        if isinstance(profile.get(section), dict):
            profile[section].pop(key, None)
    if isinstance(profile.get("health"), dict):
        profile["health"].pop("min_sleeves", None)
    if isinstance(profile.get("sleeves"), list):
        for index, sleeve in enumerate(profile["sleeves"]):
            if isinstance(sleeve, dict):
                sleeve.pop("weight_limit", None)
                if isinstance(sleeve.get("id"), str) and sleeve["id"]:
                    sleeve["id"] = f"{sleeve['id']}{index}"  # unique, still a valid name
    return profile


def assert_agree(data: Any) -> None:
    """Per profile: accepted by one exactly when accepted by the other.

    Where Python rejects a profile for a cross-field rule (and so stops before its other
    checks), the profile is compared again without the inputs of those rules.
    """
    parts = [data]
    if isinstance(data, dict) and isinstance(data.get("profiles"), dict):
        parts = [{"profiles": {name: body}} for name, body in data["profiles"].items()]
        parts += [data]  # and the whole file
    for whole in parts:
        part, verdict, valid = whole, python_verdict(whole), schema_ok(whole)
        if verdict == "python-only":
            if len(whole["profiles"]) != 1:
                continue
            ((name, body),) = whole["profiles"].items()
            part = {"profiles": {name: without_cross_field_rules(body)}}
            verdict, valid = python_verdict(part), schema_ok(part)
            if verdict == "python-only":  # e.g. the default min_sleeves above the sleeve count
                continue
        errors = [e.message for e in VALIDATOR.iter_errors(part)][:3]
        assert valid == (verdict == "ok"), (
            f"python {verdict}, schema {'accepts' if valid else errors}: {json.dumps(part)}"
        )


# ------------------------------------------------------------------------ the shipped manifests


def fixture_manifests() -> list[Path]:
    root = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"
    return sorted(root.glob("*/configs/manifest.json"))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    "path",
    # ../shared/data is beside every checkout CI uses; the upstream_manifest fixture holds a copy
    [*fixture_manifests(), DEMO / "manifest.json", *([UPSTREAM] if UPSTREAM.is_file() else [])],
    ids=lambda p: p.parent.parent.name if p != UPSTREAM else "upstream",
)
def test_shipped_manifests_agree(path: Path) -> None:
    """Success cases, the demo and upstream's manifest are valid under both; a failure case's
    manifest is judged alike by both (e.g. fail_unknown_key: rejected by both)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert_agree(data)
    case = CASES.get(path.parent.parent.name)
    if case is None or case.expect == "success":
        errors = [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(data)]
        assert errors == []
        assert python_verdict(data) == "ok"


def test_the_fixtures_show_both_kinds_of_rejection() -> None:
    """At least one fixture is rejected by both, and one only by a Python-only rule."""
    verdicts = {}
    for path in fixture_manifests():
        data = json.loads(path.read_text(encoding="utf-8"))
        verdicts[path.parent.parent.name] = (python_verdict(data), schema_ok(data))
    assert ("no", False) in verdicts.values()
    assert ("python-only", True) in verdicts.values()


@pytest.mark.parametrize("value", ["./manifest.schema.json", None, 3])
def test_top_level_keys_besides_profiles_are_open_under_both(value: Any) -> None:
    data = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    data = {"$schema": value, "default_profile": value, **data}
    assert schema_ok(data)
    assert python_verdict(data) == "ok"


def test_a_misspelled_key_is_rejected_by_both() -> None:
    data = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    data["profiles"]["meta_demo"]["meta_allocation"]["max_wieght"] = 0.9
    errors = list(VALIDATOR.iter_errors(data))
    assert [e.json_path for e in errors] == ["$.profiles.meta_demo.meta_allocation"]
    assert "'max_wieght' was unexpected" in errors[0].message
    manifest = parse_manifest(data, source="m")
    with pytest.raises(MetaPipelineError, match=r"unknown key 'max_wieght' \(did you mean"):
        profile_tree(manifest, "meta_demo")


# ------------------------------------------------------- the schema's vocabulary is the code's


def test_enums_are_the_validators() -> None:
    defs = SCHEMA["$defs"]
    assert defs["allocator"]["enum"] == sorted((*ALLOCATORS, *ALLOCATOR_ALIASES))
    assert defs["meta_allocation"]["properties"]["linkage"]["enum"] == sorted(LINKAGES)
    assert defs["meta_allocation"]["properties"]["covariance"]["enum"] == sorted(COVARIANCES)
    assert defs["calendar"]["properties"]["alignment"]["enum"] == sorted(ALIGNMENTS)


def test_keys_are_the_validators() -> None:
    defs = SCHEMA["$defs"]
    assert set(defs["sleeve"]["properties"]) == manifest_module._SLEEVE_KEYS
    assert set(defs["meta_allocation"]["properties"]) == manifest_module._ALLOCATION_KEYS
    assert set(defs["health"]["properties"]) == manifest_module._HEALTH_KEYS
    assert set(defs["calendar"]["properties"]) == manifest_module._CALENDAR_KEYS
    assert set(defs["meta_profile"]["properties"]) == manifest_module._PROFILE_KEYS


def test_upstream_keys_we_accept_but_ignore_are_the_validators() -> None:
    profile = SCHEMA["$defs"]["meta_profile"]["properties"]
    assert profile["features"]["propertyNames"]["enum"] == sorted(_upstream_keys.FEATURES)
    assert set(profile) >= _upstream_keys.SECTIONS
    for section in _upstream_keys.SECTIONS:  # any content: upstream ignores unknown keys there
        assert set(profile[section]) == {"description"}


PYTHON_ONLY_EXAMPLES = {
    "weight_limit lo <= hi": {"weight_limit": [0.6, 0.4]},
    "min_weight <= max_weight": {"meta_allocation": {"min_weight": 0.6, "max_weight": 0.4}},
    "feasible bounds": {"meta_allocation": {"min_weight": 0.6}},
    "sleeve ids unique": {"duplicate": True},
    "min_sleeves not above the number of sleeves": {"health": {"min_sleeves": 3}},
}


@pytest.mark.parametrize("rule", sorted(PYTHON_ONLY_EXAMPLES))
def test_python_only_rules_are_listed_and_left_to_python(rule: str) -> None:
    assert rule in SCHEMA["description"]
    change = PYTHON_ONLY_EXAMPLES[rule]
    profile: dict[str, Any] = {
        "sleeves": [{"id": "a", "profile": "p"}, {"id": "b", "profile": "q"}]
    }
    if "weight_limit" in change:
        profile["sleeves"][0]["weight_limit"] = change["weight_limit"]
    elif "duplicate" in change:
        profile["sleeves"][1]["id"] = "a"
    else:
        profile.update({k: v for k, v in change.items()})
    data = {"profiles": {"meta_x": profile}}
    assert schema_ok(data)
    assert python_verdict(data) == "python-only"


# ----------------------------------------------------------------- property tests (hypothesis)

NAMES = st.sampled_from(["a", "hrp", "x.1", "B-2", "", "-a", "a/b", "..", "a b", "a\n", "é"])
WORDS = st.sampled_from(
    [
        *ALLOCATORS,
        *ALLOCATOR_ALIASES,
        *LINKAGES,
        *COVARIANCES,
        *ALIGNMENTS,
        "barbell",
        "max_sharpe",
        "custom",
    ]
)
# integral floats are left out: JSON Schema cannot tell 2.0 from 2 (listed in its description)
FLOATS = st.floats(-0.5, 1.5, allow_nan=False).filter(lambda x: not x.is_integer())
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 25), FLOATS, NAMES, WORDS, st.text(max_size=4)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES | WORDS, inner, max_size=3),
    max_leaves=6,
)
UNIT = st.one_of(st.sampled_from([0, 1]), st.floats(0, 1).filter(lambda x: not x.is_integer()))


def maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly (nine times in ten) a valid value, sometimes any JSON."""
    return st.sampled_from([True] * 9 + [False]).flatmap(lambda ok: valid if ok else JSON)


def rarely(draw: st.DrawFn) -> bool:
    """True one time in ten."""
    return draw(st.sampled_from([False] * 9 + [True]))


@st.composite
def sleeves(draw: st.DrawFn, index: int) -> dict[str, Any]:
    nested = draw(st.booleans())
    body: dict[str, Any] = {"id": draw(maybe(st.just(f"s{index}")))}
    if nested:
        body["meta_profile"] = draw(maybe(st.sampled_from(["meta_b", "meta_c"])))
    else:
        body["profile"] = draw(maybe(st.sampled_from(["p1", "p2"])))
    options: dict[str, st.SearchStrategy[Any]] = {
        "run_id": maybe(st.sampled_from([None, "", "run_1", "r.2"])),
        "weight_limit": maybe(st.lists(UNIT, min_size=2, max_size=2)),
        "engine": maybe(st.sampled_from([None, "custom"])),
        "simulator": maybe(st.sampled_from([None, "vectorbt"])),
    }
    rare = {"profile": st.just("p3"), "meta_profile": st.just("meta_c"), "wieght_limit": JSON}
    if rarely(draw):  # both kinds, or a typo
        options = rare
    for key in draw(st.lists(st.sampled_from(sorted(options)), max_size=2, unique=True)):
        body[key] = draw(options[key])
    return body


SECTIONS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "meta_allocation": {
        "risk_profiles": maybe(
            st.lists(st.sampled_from(ALLOCATORS), min_size=1, max_size=3, unique=True)
        ),
        "method": maybe(st.sampled_from([None, *ALLOCATORS, "risk_parity"])),
        "min_weight": maybe(UNIT),
        "max_weight": maybe(UNIT),
        "linkage": maybe(st.sampled_from(LINKAGES)),
        "covariance": maybe(st.sampled_from(COVARIANCES)),
        "min_observations": maybe(st.integers(1, 40)),
        "profile": maybe(WORDS),
        "engine": maybe(st.sampled_from([None, "custom"])),
    },
    "health": {
        "min_success_ratio": maybe(UNIT),
        "min_sleeves": maybe(st.integers(0, 3)),
        "require_ledger": maybe(st.booleans()),
    },
    "calendar": {"alignment": maybe(st.sampled_from(ALIGNMENTS))},
}


@st.composite
def meta_profiles(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    body: dict[str, Any] = {"sleeves": [draw(sleeves(i)) for i in range(count)]}
    for section, keys in SECTIONS.items():
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(sorted(keys)), max_size=3, unique=True))
            values = {k: draw(keys[k]) for k in chosen}
            if rarely(draw):  # a typo of one of the section's keys
                values[draw(st.sampled_from(sorted(keys))) + "s"] = draw(JSON)
            body[section] = draw(maybe(st.just(values)))
    extras = {
        "description": maybe(st.text(max_size=5)),
        "features": maybe(st.just({"feat_directional_sign_test_gate": True})),
    }
    if rarely(draw):
        extras = {"descripton": JSON, "data": JSON, "features": JSON}  # a typo, upstream blocks
    for key in draw(st.lists(st.sampled_from(sorted(extras)), max_size=2, unique=True)):
        body[key] = draw(extras[key])
    return body


MANIFESTS = st.fixed_dictionaries(
    {
        "profiles": st.dictionaries(
            st.sampled_from(["meta_a", "meta_b", "meta c", "p1", "../x"]),
            st.one_of(meta_profiles(), meta_profiles(), JSON),
            max_size=3,
        )
    },
    optional={"$schema": JSON, "default_profile": JSON},  # the top level is open
) | st.one_of(JSON, st.fixed_dictionaries({"profiles": JSON}))

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(MANIFESTS)
def test_random_manifests_agree(data: Any) -> None:
    assert_agree(data)


def valid_bases() -> list[dict[str, Any]]:
    found = [json.loads(p.read_text(encoding="utf-8")) for p in fixture_manifests()]
    found.append(json.loads((DEMO / "manifest.json").read_text(encoding="utf-8")))
    return [d for d in found if python_verdict(d) == "ok"]


BASES = valid_bases()


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location inside ``node``: dict keys and list items, depth first."""
    out: list[tuple[Any, ...]] = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        out.append((*prefix, key))
        out.extend(paths(value, (*prefix, key)))
    return out


@st.composite
def mutations(draw: st.DrawFn) -> dict[str, Any]:
    """A valid manifest with one key replaced, removed, renamed, or one key added."""
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    where = draw(st.sampled_from(paths(data["profiles"])))
    parent: Any = data["profiles"]
    for key in where[:-1]:
        parent = parent[key]
    key = where[-1]
    action = draw(st.sampled_from(["replace", "replace", "delete", "rename", "add"]))
    if action == "replace":
        parent[key] = draw(JSON | SCALARS)
    elif action == "delete":
        del parent[key]
    elif action == "rename" and isinstance(parent, dict):
        parent[key + draw(st.sampled_from(["s", "_", "x"]))] = parent.pop(key)
    elif action == "add" and isinstance(parent[key], dict):
        parent[key][draw(NAMES | WORDS)] = draw(JSON)
    else:
        parent[key] = draw(JSON)
    return data


def test_the_mutation_bases_include_every_success_case() -> None:
    for case in CASES.values():
        if case.expect == "success":
            path = case.folder / "configs" / "manifest.json"
            assert json.loads(path.read_text(encoding="utf-8")) in BASES, case.name


@PROPERTY
@given(mutations())
def test_single_key_mutations_of_valid_manifests_agree(data: dict[str, Any]) -> None:
    assert_agree(data)
