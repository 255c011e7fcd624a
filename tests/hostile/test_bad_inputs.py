"""The bad-input catalogue (issue 7, item 2): every hostile workspace is rejected cleanly.

The entries live in ``catalogue.py`` (the golden suite keeps what the user sees for each of them
too). Each entry runs twice here:

* through the canonical runner (``run_meta_pipeline`` with ``Settings.for_workspace``), under
  ``pytest.raises(..., match=...)``;
* through the CLI in-process (``cli.main``): exit code 3, exactly one stderr line
  ``error: ...`` naming the file by its workspace-relative path (or the manifest field), no
  traceback, nothing on stdout.

Either way no meta run folder and no ``.staging-*`` folder is left, no file inside or outside the
workspace changes (every file, folder and symlink under the test's temporary folder is hashed
before and after), and a hostile pickle's payload never runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hostile.catalogue import CATALOGUE, EPOCH, RUNS, Ctx, Hostile, prepare, tree

from tradingview_scraper.cli import main
from tradingview_scraper.manifest import NAME_PATTERN
from tradingview_scraper.pipeline import run_meta_pipeline
from tradingview_scraper.settings import Settings


@dataclass
class Prepared:
    entry: Hostile
    ctx: Ctx
    before: dict[str, str]


def prepared_entry(entry: Hostile, tmp_path: Path) -> Prepared:
    ctx = prepare(entry, tmp_path)
    return Prepared(entry, ctx, tree(tmp_path))


def assert_untouched(prepared: Prepared, tmp_path: Path) -> None:
    ctx = prepared.ctx
    assert not ctx.marker.exists(), "a hostile pickle ran"
    runs = ctx.ws / RUNS
    if runs.is_dir() and not runs.is_symlink():
        if NAME_PATTERN.fullmatch(prepared.entry.run_id):  # others: the tree check below
            assert not (runs / prepared.entry.run_id).exists()
        assert not [p.name for p in runs.iterdir() if p.name.startswith(".staging-")]
    # nothing written, moved or removed, inside or outside the workspace
    assert tree(tmp_path) == prepared.before


def by_id(entries: list[Hostile]) -> list[Any]:
    return [pytest.param(e, id=e.id) for e in entries]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TV_WORKSPACE", "TV_ARTIFACTS_DIR", "TV_LAKEHOUSE_DIR", "TV_MANIFEST_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # anything a payload writes relative to the cwd lands here


def test_catalogue_is_large_and_ids_are_unique() -> None:
    ids = [e.id for e in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 30


@pytest.mark.parametrize("entry", by_id(CATALOGUE))
def test_runner_rejects(entry: Hostile, tmp_path: Path) -> None:
    prepared = prepared_entry(entry, tmp_path)
    with pytest.raises(entry.error, match=entry.pattern) as raised:
        run_meta_pipeline(
            Settings.for_workspace(prepared.ctx.ws),
            entry.profile,
            list(entry.risk_profiles) if entry.risk_profiles else None,
            run_id=entry.run_id,
            environ={"SOURCE_DATE_EPOCH": EPOCH},
        )
    message = str(raised.value)
    for name in entry.names:
        assert name in message, f"{name!r} not named in {message!r}"
    assert_untouched(prepared, tmp_path)


@pytest.mark.parametrize("entry", by_id(CATALOGUE))
def test_cli_exits_3_with_one_line(
    entry: Hostile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prepared = prepared_entry(entry, tmp_path)
    argv = ["run", "--workspace", str(prepared.ctx.ws), "--profile", entry.profile]
    argv += ["--run-id", entry.run_id]
    if entry.risk_profiles:
        argv += ["--risk-profiles", ",".join(entry.risk_profiles)]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 3, err
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    line = err.rstrip("\n")
    assert line.startswith("error: ")
    assert re.search(entry.pattern.lstrip("^"), line), line
    for name in entry.names:
        assert name in line, f"{name!r} not named in {line!r}"
    assert_untouched(prepared, tmp_path)
