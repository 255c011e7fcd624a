"""Concurrent runs and runs killed midway (issue 7, item 4).

Runs are real processes (``python -m tradingview_scraper run ...`` or a driver that calls
``cli.main``). To make "at the same time" and "midway" reliable without a product test hook, the
driver wraps the staging writer from outside: it sleeps after every file it writes, so a run
spends seconds between its first file in ``.staging-*`` and the final rename.

A killed run may leave its ``.staging-*`` folder on disk (SIGKILL runs no clean-up); such a
folder must never count as a run, neither as a meta run folder nor as a sleeve run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tradingview_scraper.cli import main
from tradingview_scraper.harness.materialize import materialize
from tradingview_scraper.pipeline import run_meta_pipeline
from tradingview_scraper.settings import Settings

# subprocess runs draw real figures: so does the in-process reference run
pytestmark = [pytest.mark.slow, pytest.mark.real_figures]

REPO = Path(__file__).resolve().parents[2]
CASE = REPO / "fixtures" / "workspaces" / "two_sleeves"
PROFILE = "meta_two"
EPOCH = "1767225600"
RUNS = Path("data/artifacts/summaries/runs")
TIMEOUT = 120

# Calls cli.main with the staging writer slowed down by TV_TEST_WRITE_DELAY seconds per file.
# Both the module attribute and the runner's imported name are wrapped, whichever is used.
SLOW_DRIVER = """
import os, sys, time
import tradingview_scraper.io.staging as staging
import tradingview_scraper.pipeline as pipeline
from tradingview_scraper import cli

real = staging.write_bytes
delay = float(os.environ["TV_TEST_WRITE_DELAY"])

def slow_write_bytes(path, data):
    real(path, data)
    time.sleep(delay)

staging.write_bytes = slow_write_bytes
if getattr(pipeline, "write_bytes", None) is real:
    pipeline.write_bytes = slow_write_bytes
sys.exit(cli.main(sys.argv[1:]))
"""


def environment(delay: float | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TV_") and k not in ("PYTHONHASHSEED", "COVERAGE_PROCESS_START")
    }
    env["SOURCE_DATE_EPOCH"] = EPOCH
    env["PYTHONPATH"] = str(REPO)
    if delay is not None:
        env["TV_TEST_WRITE_DELAY"] = str(delay)
    return env


def start(
    workspace: Path, run_id: str, *extra: str, delay: float | None = None
) -> subprocess.Popen[str]:
    args = ["run", "--workspace", str(workspace), "--profile", PROFILE, "--run-id", run_id, *extra]
    head = [sys.executable, "-m", "tradingview_scraper"]
    if delay is not None:
        head = [sys.executable, "-c", SLOW_DRIVER]
    return subprocess.Popen(
        [*head, *args],
        cwd=workspace.parent,
        env=environment(delay),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=TIMEOUT)
    return process.returncode, out, err


def files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def reference(tmp_path: Path, run_id: str) -> dict[str, str]:
    """The bytes a run with ``run_id`` writes into an untouched copy of the case."""
    workspace = materialize(CASE, tmp_path / f"reference-{run_id}")
    result = run_meta_pipeline(
        Settings.for_workspace(workspace),
        PROFILE,
        run_id=run_id,
        environ={"SOURCE_DATE_EPOCH": EPOCH},
    )
    return files(result.run_dir)


def staging_folders(workspace: Path, run_id: str = "") -> list[Path]:
    return sorted((workspace / RUNS).glob(f".staging-{run_id}*"))


def wait_for_first_staged_file(
    workspace: Path, run_id: str, process: subprocess.Popen[str]
) -> Path:
    """Poll until the run has written a file into its staging folder; return that folder."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for folder in staging_folders(workspace, f"{run_id}-"):
            if any(p.is_file() for p in folder.rglob("*")):
                return folder
        if process.poll() is not None:
            raise AssertionError(f"run ended before writing: {process.communicate()}")
        time.sleep(0.02)
    raise AssertionError("no staged file appeared")


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    yield materialize(CASE, tmp_path / "ws")


def sleeve_inputs(workspace: Path) -> dict[str, str]:
    """Hashes of the input sleeve runs (everything under runs/ that is not a meta run)."""
    return {
        k: v
        for k, v in files(workspace / RUNS).items()
        if k.split("/", 1)[0] in ("alpha_20260101-000000", "beta_20260101-000000")
    }


# ----------------------------------------------------------------------------- concurrency


@pytest.mark.parametrize("delay", [None, 0.15], ids=["plain", "slowed"])
def test_two_runs_with_different_ids_at_the_same_time(
    workspace: Path, tmp_path: Path, delay: float | None
) -> None:
    inputs = sleeve_inputs(workspace)
    first = start(workspace, "meta_a", delay=delay)
    second = start(workspace, "meta_b", delay=delay)
    if delay is not None:  # prove the overlap: both are writing their staging folders at once
        wait_for_first_staged_file(workspace, "meta_a", first)
        wait_for_first_staged_file(workspace, "meta_b", second)
        assert not (workspace / RUNS / "meta_a").exists()
    results = [finish(first), finish(second)]
    for (code, out, err), run_id in zip(results, ("meta_a", "meta_b"), strict=True):
        assert code == 0, err
        assert f"meta run folder: {workspace / RUNS / run_id}" in out
    for run_id in ("meta_a", "meta_b"):
        assert files(workspace / RUNS / run_id) == reference(tmp_path, run_id)
    assert staging_folders(workspace) == []
    assert sorted(p.name for p in (workspace / RUNS).iterdir()) == [
        "alpha_20260101-000000",
        "beta_20260101-000000",
        "meta_a",
        "meta_b",
    ]
    assert sleeve_inputs(workspace) == inputs


def test_two_runs_with_the_same_id_one_wins_the_other_is_refused(
    workspace: Path, tmp_path: Path
) -> None:
    first = start(workspace, "meta_same", delay=0.1)
    wait_for_first_staged_file(workspace, "meta_same", first)
    second = start(workspace, "meta_same", delay=0.05)
    results = sorted([finish(first), finish(second)])
    (ok_code, ok_out, _), (refused_code, refused_out, refused_err) = results
    assert (ok_code, refused_code) == (0, 3), results
    assert "meta run folder:" in ok_out and refused_out == ""
    assert refused_err.startswith("error: data/artifacts/summaries/runs/meta_same: meta run folder")
    assert refused_err.count("\n") == 1 and "Traceback" not in refused_err
    assert files(workspace / RUNS / "meta_same") == reference(tmp_path, "meta_same")
    assert staging_folders(workspace) == []


# ----------------------------------------------------------------------------- interruption


def kill_midway(workspace: Path, run_id: str, *extra: str) -> Path:
    """Start a slowed run, SIGKILL it after its first staged file; return its staging folder."""
    process = start(workspace, run_id, *extra, delay=1.0)
    staged = wait_for_first_staged_file(workspace, run_id, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=TIMEOUT)
    assert process.returncode == -signal.SIGKILL
    return staged


def test_killed_run_leaves_no_run_folder_and_spares_earlier_runs(
    workspace: Path, tmp_path: Path
) -> None:
    code, _, err = finish(start(workspace, "meta_early"))
    assert code == 0, err
    early = files(workspace / RUNS / "meta_early")
    inputs = sleeve_inputs(workspace)

    staged = kill_midway(workspace, "meta_killed")
    assert not (workspace / RUNS / "meta_killed").exists()
    assert staged.exists() and staged.name.startswith(".staging-meta_killed-")
    assert files(workspace / RUNS / "meta_early") == early
    assert sleeve_inputs(workspace) == inputs

    # the same run id again: the leftover staging folder neither blocks nor leaks into it
    code, _, err = finish(start(workspace, "meta_killed"))
    assert code == 0, err
    assert files(workspace / RUNS / "meta_killed") == reference(tmp_path, "meta_killed")
    assert staged.exists()  # left alone: it is not ours to delete


def test_killed_overwrite_keeps_the_old_folder(workspace: Path) -> None:
    code, _, err = finish(start(workspace, "meta_keep"))
    assert code == 0, err
    before = files(workspace / RUNS / "meta_keep")
    kill_midway(workspace, "meta_keep", "--overwrite")
    assert files(workspace / RUNS / "meta_keep") == before


def _plant_fake_newer_run(workspace: Path) -> Path:
    """A leftover staging folder that would be alpha's newest run if it counted as a run."""
    source = workspace / RUNS / "alpha_20260101-000000"
    fake = workspace / RUNS / ".staging-alpha_20990101-000000-x1y2z3"
    shutil.copytree(source, fake)
    resolved = fake / "config" / "resolved_manifest.json"
    data = json.loads(resolved.read_text())
    data.update(run_id="alpha_20990101-000000", created_at="2099-01-01T00:00:00")
    resolved.write_text(json.dumps(data))
    (fake / "data" / "returns" / "custom_vectorbt_hrp.pkl").write_bytes(b"not a pickle")
    return fake


@pytest.mark.parametrize("how", ["in-process", "subprocess"])
def test_leftover_staging_folders_are_never_runs(workspace: Path, tmp_path: Path, how: str) -> None:
    fake = _plant_fake_newer_run(workspace)
    kill_midway(workspace, "meta_killed")
    leftovers: Sequence[Path] = staging_folders(workspace)
    assert fake in leftovers and len(leftovers) == 2
    if how == "in-process":
        result = run_meta_pipeline(
            Settings.for_workspace(workspace),
            PROFILE,
            run_id="meta_next",
            environ={"SOURCE_DATE_EPOCH": EPOCH},
        )
        run_dir = result.run_dir
    else:
        code, _, err = finish(start(workspace, "meta_next"))
        assert code == 0, err
        run_dir = workspace / RUNS / "meta_next"
    assert files(run_dir) == reference(tmp_path, "meta_next")
    manifest = json.loads((run_dir / "data" / "meta_manifest_meta_two_hrp.json").read_text())
    assert ".staging" not in json.dumps(manifest)
    assert staging_folders(workspace) == leftovers


def test_folder_appearing_between_check_and_rename(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The last race: another run's folder lands after the existence check, before the rename."""
    winner = workspace / RUNS / "meta_race"
    real_replace = os.replace

    def racing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == winner and not winner.exists():
            winner.mkdir()
            (winner / "audit.jsonl").write_text("the other run's ledger\n")
        real_replace(src, dst)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(os, "replace", racing_replace)
    code = main(
        ["run", "--workspace", str(workspace), "--profile", PROFILE, "--run-id", "meta_race"]
    )
    err = capsys.readouterr().err
    assert code == 3, err
    assert err == (
        "error: data/artifacts/summaries/runs/meta_race: meta run folder appeared while the run "
        "was computing; pass --overwrite to replace it\n"
    )
    assert files(winner) == {"audit.jsonl": hashlib.sha256(b"the other run's ledger\n").hexdigest()}
    assert staging_folders(workspace) == []
