"""The upstream project's own manifest runs as it is (issue 14, DESIGN 2.1).

``fixtures/workspaces/upstream_manifest`` holds ``../shared/data/upstream_manifest.json``
verbatim and a run for every sleeve its 13 meta profiles name; every one of them validates
and runs, and ``validate --all`` says so in one line each.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tradingview_scraper.cli import main
from tradingview_scraper.harness.materialize import materialize

REPO = Path(__file__).resolve().parents[2]
CASE = REPO / "fixtures" / "workspaces" / "upstream_manifest"
SHARED_MANIFEST = REPO.parent / "shared" / "data" / "upstream_manifest.json"


def meta_profiles() -> list[str]:
    data = json.loads((CASE / "configs" / "manifest.json").read_text(encoding="utf-8"))
    return sorted(
        name
        for name, body in data["profiles"].items()
        if isinstance(body, dict) and "sleeves" in body
    )


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return materialize(CASE, tmp_path_factory.mktemp("upstream") / "ws")


@pytest.mark.skipif(not SHARED_MANIFEST.exists(), reason="shared upstream data not present")
def test_the_fixture_manifest_is_the_upstream_manifest_verbatim() -> None:
    assert (CASE / "configs" / "manifest.json").read_bytes() == SHARED_MANIFEST.read_bytes()


def test_validate_all_accepts_every_meta_profile(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--workspace", str(ws), "--all", "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    names = meta_profiles()
    assert len(names) == 13
    assert [line.split()[:2] for line in lines[:-1]] == [["ok", name] for name in names]
    assert lines[-1] == (
        "all 13 meta profiles of configs/manifest.json are valid; nothing was written"
    )
    # the one-sleeve profile runs (default min_sleeves is min(2, sleeves))
    (ray,) = [line for line in lines if line.split()[1] == "meta_ray_test"]
    assert re.fullmatch(r"ok +meta_ray_test +equal_weight: equal_weight, 1/1 sleeves, .*", ray)


@pytest.mark.slow
@pytest.mark.parametrize("profile", meta_profiles())
def test_every_meta_profile_runs(
    ws: Path, profile: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    argv = ["run", "--workspace", str(ws), "--profile", profile, "--no-cache"]
    assert main([*argv, "--run-id", f"check_{profile}"]) == 0
    out = capsys.readouterr().out
    run_dir = ws / "data" / "artifacts" / "summaries" / "runs" / f"check_{profile}"
    assert out.startswith(f"meta run folder: {run_dir}\n")
    report = (run_dir / "reports" / "meta_portfolio_report.md").read_text(encoding="utf-8")
    assert report.startswith(f"# Meta portfolio report: {profile}\n")
    # upstream names the risk profile in meta_allocation.profile
    body = json.loads((ws / "configs" / "manifest.json").read_text(encoding="utf-8"))
    risk = body["profiles"][profile]["meta_allocation"]["profile"]
    written = sorted(p.name for p in (run_dir / "data").glob(f"meta_manifest_{profile}_*.json"))
    assert written == [f"meta_manifest_{profile}_{risk}.json"]
