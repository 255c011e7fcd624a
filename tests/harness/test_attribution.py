"""Drift attribution: input fingerprints, manifest field changes, the first drifted stage."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tradingview_scraper.errors import HarnessError
from tradingview_scraper.harness.attribution import CaseSummary, stage_of, summarize
from tradingview_scraper.harness.cases import cases, expected_names
from tradingview_scraper.harness.drift import Drift
from tradingview_scraper.harness.inputs import (
    InputChange,
    compare_inputs,
    fingerprint,
    git_content,
    inputs_document,
    inputs_on_disk,
    json_field_changes,
    read_fingerprint,
)

REPO = Path(__file__).resolve().parents[2]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _manifest(max_weight: float) -> str:
    profile = {"meta_allocation": {"max_weight": max_weight}, "sleeves": [{"id": "a"}]}
    return json.dumps({"profiles": {"meta_bounds": profile}}, indent=2)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    folder = tmp_path / "fixtures" / "workspaces" / "c1"
    (folder / "configs").mkdir(parents=True)
    (folder / "configs" / "manifest.json").write_text(_manifest(0.45))
    (folder / "data.csv").write_text("date,r\n2026-01-01,0.1\n")
    return folder


def test_fingerprint_covers_every_file_by_relative_path(case: Path) -> None:
    digest = hashlib.sha256(case.joinpath("data.csv").read_bytes()).hexdigest()
    assert fingerprint(case) == {
        "configs/manifest.json": hashlib.sha256(_manifest(0.45).encode()).hexdigest(),
        "data.csv": digest,
    }
    assert read_fingerprint(inputs_document(case)) == fingerprint(case)
    assert json.loads(inputs_document(case))["golden_artifact"] == "inputs"
    assert read_fingerprint(None) is None
    assert read_fingerprint("not json") is None
    assert read_fingerprint('{"files": [1]}') is None


def test_every_case_has_an_inputs_golden() -> None:
    for case in cases(REPO / "fixtures" / "workspaces", expect="success"):
        assert f"{case.name}.inputs" in expected_names(case)
        recorded = (REPO / "golden" / case.name / "inputs.json").read_text()
        assert read_fingerprint(recorded) == fingerprint(case.folder)


def test_manifest_field_changes_name_the_path_and_both_values() -> None:
    old = json.dumps({"p": {"m": {"max_weight": 0.45, "gone": 1}, "s": [{"w": [0, 1]}]}})
    new = json.dumps({"p": {"m": {"max_weight": 0.4, "added": "x"}, "s": [{"w": [0, 0.1]}]}})
    assert json_field_changes(old.encode(), new.encode()) == [
        '+ p.m.added = "x"',
        "- p.m.gone (was 1)",
        "p.m.max_weight 0.45 -> 0.4",
        "p.s[0].w [0, 1] -> [0, 0.1]",
    ]
    assert json_field_changes(b"{", b"{}") is None


def test_compare_inputs_lists_added_removed_and_changed_files() -> None:
    old = {"a.json": "1", "b.csv": "1", "gone.csv": "1", "x.json": "1", "bad.json": "1"}
    new = {"a.json": "2", "b.csv": "2", "new.csv": "1", "x.json": "2", "bad.json": "2"}
    contents = {
        ("old", "a.json"): b'{"k": 1}',
        ("new", "a.json"): b'{"k": 2}',
        ("old", "bad.json"): b"{",
        ("new", "bad.json"): b"{}",
        ("new", "x.json"): b"{}",
    }
    changes = compare_inputs(
        old,
        new,
        lambda p: contents.get(("old", p)),
        lambda p: contents.get(("new", p)),
    )
    assert [c.line() for c in changes] == [
        "a.json: k 1 -> 2",
        "b.csv (changed)",
        "bad.json (changed; not valid JSON)",
        "gone.csv (removed)",
        "new.csv (added)",
        "x.json (changed; the recorded version is not in git, fields unknown)",
    ]


def test_old_manifest_content_is_found_in_git_history(case: Path) -> None:
    repo = case.parents[2]
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "one")
    recorded = inputs_document(case)
    (case / "configs" / "manifest.json").write_text(_manifest(0.5))
    _git(repo, "commit", "-qam", "two")  # the fingerprint's version is now only in history
    (case / "configs" / "manifest.json").write_text(_manifest(0.4))
    changes = inputs_on_disk(recorded, case)
    assert changes is not None
    assert [c.line() for c in changes] == [
        "configs/manifest.json: profiles.meta_bounds.meta_allocation.max_weight 0.45 -> 0.4"
    ]
    assert git_content(case, "configs/manifest.json", "0" * 64) is None
    assert inputs_on_disk(None, case) is None
    (gone,) = inputs_on_disk(recorded, case.parent / "deleted") or ()
    assert gone.line() == "deleted/ (removed)"


def test_outside_git_the_fields_are_unknown(case: Path) -> None:
    recorded = inputs_document(case)
    (case / "configs" / "manifest.json").write_text(_manifest(0.4))
    assert git_content(case, "configs/manifest.json", "0" * 64) is None
    changes = inputs_on_disk(recorded, case)
    assert changes is not None and "fields unknown" in changes[0].line()


def test_summary_names_the_earliest_stage_and_what_follows() -> None:
    names = [
        "c1.hrp.m.flattened",
        "c1.report",
        "c1.audit",
        "c1.hrp.m.optimized",
        "c1.hrp.m.cluster_tree",
        "c1.inputs",
        "c1.failure",
    ]
    change = InputChange("configs/manifest.json", "changed", ("p.max_weight 0.45 -> 0.4",))
    (summary,) = summarize(names, lambda case: (change,))
    assert summary.lines() == [
        "c1: 6 golden(s) drifted; inputs changed (1 file(s))",
        "  input configs/manifest.json: p.max_weight 0.45 -> 0.4",
        "  earliest drifted stage: optimize (cluster_tree, optimized); "
        "following from it: flatten (flattened), report (audit, report)",
        "  also drifted: failure",
    ]
    code, fresh = summarize(["c2.hrp.m.returns"], lambda case: (), new=["c3.report"])
    assert code.lines() == [
        "c2: 1 golden(s) drifted; inputs unchanged: a behaviour change of the code",
        "  earliest drifted stage: returns (returns)",
    ]
    assert fresh.headline().startswith("c3: 0 golden(s) drifted, 1 new;")
    assert (
        CaseSummary("c4", ("c4.audit",))
        .headline()
        .endswith("no input fingerprint recorded (golden/c4/inputs.json)")
    )
    with pytest.raises(HarnessError, match="golden name 'nodot' is not of the form"):
        summarize(["nodot"], lambda case: None)


def test_a_manifest_where_only_weights_moved_points_at_optimize() -> None:
    weights = Drift(
        "m",
        values=[
            "allocation.max_weight: 0.45 -> 0.4 (change -0.05, -500.00 bp)",
            "sleeves.[0].bounds.[1]: 0.45 -> 0.4 (change -0.05)",
            "sleeves.[0].weight: 0.5 -> 0.6 (change +0.1, +1000.00 bp)",
        ],
    )
    health = Drift("m", values=["sleeves.[0].health.ratio: 1 -> 0.5 (change -0.5)"])
    assert stage_of("c.hrp.m.manifest", health) == "returns"
    rows = Drift("m", calendar=["+ row 2026-01-03"])
    assert stage_of("c.hrp.m.manifest", weights) == "optimize"
    assert stage_of("c.hrp.m.manifest", rows) == "returns"
    assert stage_of("c.hrp.m.manifest") == "returns"
    assert stage_of("c.hrp.m.optimized", rows) == "optimize"
    assert stage_of("c.inputs") is None and stage_of("c.failure") is None
    (summary,) = summarize(
        ["c.hrp.m.manifest", "c.hrp.m.optimized"],
        lambda c: (),
        stages={"c.hrp.m.manifest": "optimize"},
    )
    assert summary.stages() == [("optimize", ["manifest", "optimized"])]
