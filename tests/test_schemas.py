"""The shipped JSON Schemas: ``tv-meta schema``, and every artifact validates against its schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tradingview_scraper.cli import main
from tradingview_scraper.contracts import ALIGNMENTS, COVARIANCES, LINKAGES
from tradingview_scraper.errors import ArtifactFormatError
from tradingview_scraper.io.schemas import (
    ARTIFACT_SCHEMAS,
    SCHEMA_NAMES,
    load_schema,
    schema_text,
)

REPO = Path(__file__).resolve().parents[1]
# golden_artifact kind -> schema of the artifact family it normalizes (DESIGN 4)
GOLDEN_KINDS = {
    "manifest": "meta_manifest",
    "optimized": "meta_optimized",
    "cluster_tree": "meta_cluster_tree",
    "flattened": "portfolio_optimized_meta",
}
VALIDATORS = {name: Draft202012Validator(load_schema(name)) for name in ARTIFACT_SCHEMAS}


def _errors(schema: str, document: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in VALIDATORS[schema].iter_errors(document)]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_tv_meta_schema_prints_the_shipped_schema(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", name]) == 0
    out = capsys.readouterr().out
    assert out == schema_text(name)
    schema = json.loads(out)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert out == json.dumps(schema, indent=2, sort_keys=True) + "\n"  # canonical text


def test_an_unknown_schema_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="2"):
        main(["schema", "meta_returns"])
    assert "invalid choice: 'meta_returns'" in capsys.readouterr().err
    with pytest.raises(ArtifactFormatError, match="no JSON Schema named 'x'; available: manifest"):
        schema_text("x")


def test_every_artifact_family_of_design_4_has_a_schema() -> None:
    assert sorted(GOLDEN_KINDS.values()) == sorted(ARTIFACT_SCHEMAS)
    assert sorted(SCHEMA_NAMES) == sorted(["manifest", *ARTIFACT_SCHEMAS])


def test_artifact_enums_are_the_codes() -> None:
    props = load_schema("meta_manifest")["properties"]
    assert props["allocation"]["properties"]["linkage"]["enum"] == sorted(LINKAGES)
    assert props["allocation"]["properties"]["covariance"]["enum"] == sorted(COVARIANCES)
    assert props["calendar"]["properties"]["alignment"]["enum"] == sorted(ALIGNMENTS)


def _goldens() -> list[Path]:
    """Every golden of an artifact family, wherever the golden layout puts it."""
    found = []
    for path in sorted((REPO / "golden").rglob("*.json")):
        kind = json.loads(path.read_text(encoding="utf-8")).get("golden_artifact")
        if kind in GOLDEN_KINDS:
            found.append(path)
    return found


GOLDENS = _goldens()


def test_the_goldens_cover_every_family() -> None:
    kinds = {json.loads(p.read_text(encoding="utf-8"))["golden_artifact"] for p in GOLDENS}
    assert kinds == set(GOLDEN_KINDS)


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_every_golden_artifact_is_valid(path: Path) -> None:
    # a golden is the artifact normalized (volatile strings as placeholders, floats rounded)
    document = json.loads(path.read_text(encoding="utf-8"))
    schema = GOLDEN_KINDS[document.pop("golden_artifact")]
    assert _errors(schema, document) == []


@pytest.fixture(scope="module")
def demo_artifacts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """A real run (the demo: nested branch, shorts, three risk profiles), files by family."""
    out = tmp_path_factory.mktemp("demo") / "ws"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        assert main(["demo", "--out", str(out)]) == 0
    data = out / "data" / "artifacts" / "summaries" / "runs" / "meta_demo_run" / "data"
    files = sorted(data.glob("*.json"))
    return {f: [p for p in files if p.name.startswith(f"{f}_")] for f in ARTIFACT_SCHEMAS}


@pytest.mark.parametrize("family", ARTIFACT_SCHEMAS)
def test_real_artifacts_are_valid(family: str, demo_artifacts: dict[str, list[Path]]) -> None:
    paths = demo_artifacts[family]
    assert len(paths) == 6  # 2 meta profiles x 3 risk profiles
    for path in paths:
        assert _errors(family, json.loads(path.read_text(encoding="utf-8"))) == [], path.name


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(doc: Any) -> None:
        for key in path[:-1]:
            doc = doc[key]
        doc[path[-1]] = value

    return change


def _drop(path: tuple[Any, ...]) -> Any:
    def change(doc: Any) -> None:
        for key in path[:-1]:
            doc = doc[key]
        del doc[path[-1]]

    return change


@pytest.mark.parametrize(
    ("family", "change", "where"),
    [
        ("meta_manifest", _set(("schema_version",), 2), "$.schema_version"),
        ("meta_manifest", _drop(("calendar",)), "$"),
        ("meta_manifest", _set(("sleeves", 0, "kind"), "leaf"), "$.sleeves[0]"),
        ("meta_manifest", _set(("sleeves", 0, "weight"), 1.5), "$.sleeves[0]"),
        ("meta_manifest", _set(("allocation", "linkage"), "median"), "$.allocation.linkage"),
        ("meta_optimized", _set(("weights", 0, "Weight"), "0.5"), "$.weights[0].Weight"),
        ("meta_optimized", _set(("weights", 0, "Extra"), 1), "$.weights[0]"),
        ("meta_optimized", _set(("converged",), "yes"), "$.converged"),
        ("meta_cluster_tree", _set(("tree", "root"), -1), "$.tree"),
        (
            "meta_cluster_tree",
            _set(("branches", "macro", "weights", "fx"), None),
            "$.branches.macro.weights.fx",
        ),
        (
            "portfolio_optimized_meta",
            _set(("weights", 0, "Direction"), "UP"),
            "$.weights[0].Direction",
        ),
        ("portfolio_optimized_meta", _drop(("totals", "gross")), "$.totals"),
        ("portfolio_optimized_meta", _set(("note",), "x"), "$"),
    ],
)
def test_a_broken_artifact_is_rejected(
    family: str, change: Any, where: str, demo_artifacts: dict[str, list[Path]]
) -> None:
    path = next(p for p in demo_artifacts[family] if "meta_demo_hrp" in p.name)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert _errors(family, document) == []
    broken = copy.deepcopy(document)
    change(broken)
    errors = _errors(family, broken)
    assert errors, "the schema accepted a broken artifact"
    assert where in [e.split(": ", 1)[0] for e in errors], errors
