"""The golden extensions in-process: where goldens live, tolerant matching, orphan claims."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from tradingview_scraper.harness.drift import ACCEPT_COMMAND, DEFAULT_TOLERANCE
from tradingview_scraper.harness.normalize import dumps_golden
from tradingview_scraper.harness.syrupy_ext import (
    GoldenJSONExtension,
    GoldenMarkdownExtension,
    golden_path,
)

REPO = Path(__file__).resolve().parents[2]
TEST_FILE = REPO / "tests" / "golden" / "test_goldens.py"


def _doc(weight: float) -> str:
    return dumps_golden(
        {"golden_artifact": "optimized", "weights": [{"Symbol": "a", "Weight": weight}]}
    )


def _location(
    module: object, test_file: Path = TEST_FILE, name: str = "test_golden[x.audit]"
) -> SimpleNamespace:
    return SimpleNamespace(
        item=SimpleNamespace(module=module),
        filepath=str(test_file),
        basename=test_file.stem,
        snapshot_name=name,
        snapshot_name_parametrized=name,
        is_item_parametrized=True,
        matches_snapshot_location=lambda location: Path(location).stem == name,
        matches_snapshot_site=lambda location: True,
    )


def test_goldens_live_under_the_repository_golden_folder() -> None:
    location = _location(None)
    assert GoldenJSONExtension.dirname(test_location=location) == str(
        REPO / "golden" / "test_goldens"
    )
    assert (
        golden_path(TEST_FILE, "test_golden[x]", "json")
        == REPO / "golden" / "test_goldens" / "test_golden[x].json"
    )


def test_json_matching_is_tolerant_and_reports_drift() -> None:
    extension = GoldenJSONExtension()
    golden = _doc(0.5)
    assert extension.matches(
        serialized_data=_doc(0.5 + DEFAULT_TOLERANCE / 10), snapshot_data=golden
    )
    assert not extension.matches(serialized_data=_doc(0.51), snapshot_data=golden)
    lines = list(extension.diff_lines(_doc(0.51), golden))
    assert "    weights.a.Weight: 0.5 -> 0.51 (change +0.01, +100.00 bp)" in lines
    assert lines[-1] == f"accept the change with: {ACCEPT_COMMAND}"


def test_unparseable_json_falls_back_to_a_text_diff() -> None:
    extension = GoldenJSONExtension()
    assert not extension.matches(serialized_data="{not json", snapshot_data=_doc(0.5))
    lines = list(extension.diff_lines("{not json", _doc(0.5)))
    assert any(line.strip() == "+{not json" for line in lines)


def test_markdown_is_compared_exactly_with_a_unified_diff() -> None:
    extension = GoldenMarkdownExtension()
    assert not extension.matches(serialized_data="a\nb\n", snapshot_data="a\nc\n")
    lines = list(extension.diff_lines("a\nb\n", "a\nc\n"))
    assert "    -c" in lines and "    +b" in lines


def test_only_normalized_text_is_serialized() -> None:
    with pytest.raises(TypeError, match="golden data must be normalized text, got dict"):
        GoldenJSONExtension().serialize({"a": 1})
    assert GoldenJSONExtension().serialize(json.dumps({"a": 1})) == '{"a": 1}'


def test_orphans_are_claimed_and_deselected_goldens_are_not() -> None:
    module = SimpleNamespace(
        GOLDEN_SNAPSHOTS=frozenset({"test_golden[x.audit]", "test_golden[y.audit]"})
    )
    location = _location(module)
    folder = REPO / "golden" / "test_goldens"
    claims = GoldenJSONExtension.matches_test_location
    assert claims(
        test_location=location, snapshot_location=str(folder / "test_golden[x.audit].json")
    )
    # another instance the module can still produce: syrupy's exact matching decides (no claim)
    assert not claims(
        test_location=location, snapshot_location=str(folder / "test_golden[y.audit].json")
    )
    # a golden no test can produce any more (a deleted case): claimed, so reported as unused
    assert claims(
        test_location=location, snapshot_location=str(folder / "test_golden[gone.audit].json")
    )
    # another folder is never claimed, and a module without the declaration claims nothing
    assert not claims(
        test_location=location, snapshot_location=str(REPO / "golden" / "other" / "g.json")
    )
    bare = _location(SimpleNamespace())
    assert not claims(
        test_location=bare, snapshot_location=str(folder / "test_golden[gone.audit].json")
    )


def test_the_module_is_found_by_its_file_when_the_item_has_none() -> None:
    # as on the pytest-xdist controller: items rebuilt from reports carry no module
    location = _location(None)
    folder = REPO / "golden" / "test_goldens"
    orphan = str(folder / "test_golden[no_such_case.audit].json")
    assert GoldenJSONExtension.matches_test_location(
        test_location=location, snapshot_location=orphan
    )
