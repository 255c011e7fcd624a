"""The failure golden: what a failed command showed, with volatile paths scrubbed."""

from __future__ import annotations

import json
from pathlib import Path

from tradingview_scraper.harness.cases import Failure, failure_golden


def _failure(stderr: str, before: dict[str, str], after: dict[str, str]) -> Failure:
    return Failure(["run", "--profile", "m"], 3, "", stderr, before, after, "ManifestError")


def test_nested_paths_are_scrubbed_longest_first(tmp_path: Path) -> None:
    tmp = str(tmp_path)
    workspace, outside = f"{tmp}/cli/ws", f"{tmp}/cli/outside"
    line = f"error: x: resolves to {outside}/a.json, outside the workspace {workspace}; {tmp}/cli"
    outputs = failure_golden(
        "hostile.x",
        _failure(line + "\n", {}, {}),
        scrub={"workspace": workspace, "outside": outside, "tmp": f"{tmp}/cli"},
    )
    kind, text = outputs["hostile.x.failure"]
    doc = json.loads(text)
    assert kind == "json"
    assert doc["stderr"] == [
        "error: x: resolves to <OUTSIDE>/a.json, outside the workspace <WORKSPACE>; <TMP>"
    ]
    assert doc["case"] == "hostile.x" and doc["exit_code"] == 3


def test_written_changed_and_removed_files_are_listed() -> None:
    before = {"a": "1", "b": "2", "c": "3"}
    after = {"a": "1", "b": "9", "d": "4"}
    ((_, text),) = failure_golden("case", _failure("error: e\n", before, after), scrub={}).values()
    doc = json.loads(text)
    assert (doc["written"], doc["changed"], doc["removed"]) == (["d"], ["b"], ["c"])
    assert doc["command"] == "tv-meta run --profile m"
