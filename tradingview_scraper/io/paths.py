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


def inside_workspace(settings: Settings, path: Path) -> Path:
    """Return ``path`` resolved, or raise if it resolves outside the workspace."""
    resolved = path.resolve()
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
