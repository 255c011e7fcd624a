"""Path safety: every file the pipeline reads must stay inside the workspace.

A symlink (or a crafted run id) that points outside the workspace is refused, so a hostile
workspace cannot make the pipeline read ``/etc/passwd`` or another user's files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import UnsafeArtifactError
from ..settings import Settings

__all__ = ["inside_workspace"]


def inside_workspace(
    settings: Settings, path: Path, *, folders: dict[Path, Path] | None = None
) -> Path:
    """Return ``path`` resolved, or raise if it resolves outside the workspace.

    ``folders`` memoizes resolved parent folders across calls (a reader resolves thousands of
    files in a few hundred folders): ``realpath(folder / name)`` is
    ``realpath(realpath(folder) / name)``, and only ``name`` itself, when it is a symlink,
    needs resolving again.
    """
    resolved = path.resolve() if folders is None else _resolve(path, folders)
    roots = _roots(settings)
    if not any(resolved == root or root in resolved.parents for root in roots):
        shown = settings.relative(path)
        raise UnsafeArtifactError(
            f"{shown}: resolves to {resolved}, outside the workspace {settings.workspace}; "
            "symlinks must not leave the workspace"
        )
    return resolved


@lru_cache(maxsize=8)
def _roots(settings: Settings) -> tuple[Path, Path]:
    """The workspace and the resolved artifacts folder (resolved once, not once per file)."""
    return settings.workspace, settings.artifacts_dir.resolve()


def _resolve(path: Path, folders: dict[Path, Path]) -> Path:
    if path.name in ("", ".", ".."):
        return path.resolve()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve()
    candidate = folder / path.name
    return candidate.resolve() if candidate.is_symlink() else candidate
