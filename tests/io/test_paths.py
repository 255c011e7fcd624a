"""inside_workspace: the memoized folder resolution agrees with Path.resolve, symlinks included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradingview_scraper.errors import UnsafeArtifactError
from tradingview_scraper.io.paths import inside_workspace
from tradingview_scraper.settings import Settings


def _tree(root: Path) -> Settings:
    workspace = root / "ws"
    (workspace / "runs" / "a" / "data").mkdir(parents=True)
    (workspace / "runs" / "a" / "data" / "r.pkl").write_bytes(b"x")
    (workspace / "runs" / "b").mkdir()
    (workspace / "runs" / "b" / "data").symlink_to(workspace / "runs" / "a" / "data")
    (workspace / "runs" / "a" / "data" / "link.pkl").symlink_to("r.pkl")
    (workspace / "runs" / "a" / "data" / "dangling.pkl").symlink_to("nowhere.pkl")
    (root / "outside.pkl").write_bytes(b"secret")
    (workspace / "runs" / "a" / "data" / "escape.pkl").symlink_to(root / "outside.pkl")
    (workspace / "runs" / "c").symlink_to(root)
    return Settings.for_workspace(workspace)


NAMES = [
    "runs/a/data/r.pkl",
    "runs/b/data/r.pkl",
    "runs/a/data/link.pkl",
    "runs/b/data/link.pkl",
    "runs/a/data/dangling.pkl",
    "runs/a/data/missing.pkl",
    "runs/a/data/../data/r.pkl",
    "runs/a/data/..",
]


def test_memoized_resolution_is_path_resolve(tmp_path: Path) -> None:
    settings = _tree(tmp_path)
    folders: dict[Path, Path] = {}
    for _ in range(2):  # the second pass answers from the memo
        for name in NAMES:
            path = settings.workspace / name
            assert inside_workspace(settings, path, folders=folders) == path.resolve()
            assert inside_workspace(settings, path) == path.resolve()
    assert folders  # the memo was used


@pytest.mark.parametrize("name", ["runs/a/data/escape.pkl", "runs/c/outside.pkl"])
def test_escapes_are_refused_with_and_without_the_memo(tmp_path: Path, name: str) -> None:
    settings = _tree(tmp_path)
    for folders in (None, {}):
        with pytest.raises(UnsafeArtifactError, match="outside the workspace"):
            inside_workspace(settings, settings.workspace / name, folders=folders)
