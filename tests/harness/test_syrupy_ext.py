"""The golden extensions in-process: where goldens live, tolerant matching, orphan claims."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from tradingview_scraper.harness.drift import ACCEPT_COMMAND, DEFAULT_TOLERANCE
from tradingview_scraper.harness.layout import golden_path
from tradingview_scraper.harness.normalize import dumps_golden
from tradingview_scraper.harness.syrupy_ext import (
    GoldenJSONExtension,
    GoldenMarkdownExtension,
    stored_path,
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


def test_goldens_live_in_one_folder_per_case() -> None:
    location = _location(None)
    key_dir = REPO / "golden" / "test_goldens"  # syrupy's key, not a folder on disk
    assert GoldenJSONExtension.dirname(test_location=location) == str(key_dir)
    key = str(key_dir / "test_golden[two_sleeves.hrp.meta_two.optimized].json")
    stored = REPO / "golden" / "two_sleeves" / "hrp.meta_two.optimized.json"
    assert (
        stored_path(key)
        == stored
        == golden_path(REPO, "two_sleeves.hrp.meta_two.optimized", "json")
    )
    # whatever follows the case name, it is the file name inside the case folder
    assert (
        stored_path(str(key_dir / "test_golden[c.any.thing].md")) == REPO / "golden/c/any.thing.md"
    )
    assert not key_dir.exists()


def test_discovery_finds_every_stored_golden_under_its_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    test_file = tmp_path / "tests" / "golden" / "test_goldens.py"
    for relative in ("c1/report.md", "c1/hrp.m.optimized.json", "c2/audit.json", "c2/notes.txt"):
        (tmp_path / "golden" / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "golden" / relative).write_text("{}")
    location = _location(None, test_file)
    found = GoldenJSONExtension().discover_snapshots(test_location=location)
    key_dir = tmp_path / "golden" / "test_goldens"
    assert sorted(c.location for c in found) == [
        str(key_dir / "test_golden[c1.hrp.m.optimized].json"),
        str(key_dir / "test_golden[c2.audit].json"),
    ]
    assert sorted(s.name for c in found for s in c) == [
        "test_golden[c1.hrp.m.optimized]",
        "test_golden[c2.audit]",
    ]
    markdown = GoldenMarkdownExtension().discover_snapshots(test_location=location)
    assert [c.location for c in markdown] == [str(key_dir / "test_golden[c1.report].md")]


def test_write_read_delete_go_to_the_case_folder(tmp_path: Path) -> None:
    key = str(tmp_path / "golden" / "test_goldens" / "test_golden[c1.audit].json")
    GoldenJSONExtension.write_snapshot(snapshot_location=key, snapshots=[("{}\n", None, 0)])
    stored = tmp_path / "golden" / "c1" / "audit.json"
    assert stored.read_text() == "{}\n"
    extension = GoldenJSONExtension()
    assert (
        extension.read_snapshot_data_from_location(
            snapshot_location=key, snapshot_name="test_golden[c1.audit]", session_id="s"
        )
        == "{}\n"
    )
    extension.delete_snapshots(snapshot_location=key, snapshot_names={"test_golden[c1.audit]"})
    assert not stored.exists() and not stored.parent.exists()
    assert (
        extension.read_snapshot_data_from_location(
            snapshot_location=key, snapshot_name="test_golden[c1.audit]", session_id="s"
        )
        is None
    )
    with pytest.raises(TypeError, match="golden data must be normalized text, got bytes"):
        GoldenJSONExtension.write_snapshot(snapshot_location=key, snapshots=[(b"x", None, 0)])


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
