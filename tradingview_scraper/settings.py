"""Workspace paths (DESIGN 2).

``get_settings()`` resolves the paths from the environment (``TV_WORKSPACE``, default the current
directory; ``TV_ARTIFACTS_DIR``, ``TV_LAKEHOUSE_DIR``, ``TV_MANIFEST_PATH`` override single paths).
Tests and library callers either pass a ``Settings`` explicitly or scope an override with
``use_settings(...)``, which is a context variable: it cannot leak into other tests or threads.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "get_settings", "use_settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    """Absolute paths of one workspace."""

    workspace: Path
    artifacts_dir: Path
    lakehouse_dir: Path
    manifest_path: Path

    @property
    def runs_dir(self) -> Path:
        """``data/artifacts/summaries/runs``: one folder per run."""
        return self.artifacts_dir / "summaries" / "runs"

    @classmethod
    def for_workspace(cls, workspace: str | os.PathLike[str]) -> Settings:
        """Default layout under ``workspace`` (no environment overrides)."""
        root = Path(workspace).resolve()
        return cls(
            workspace=root,
            artifacts_dir=root / "data" / "artifacts",
            lakehouse_dir=root / "data" / "lakehouse",
            manifest_path=root / "configs" / "manifest.json",
        )

    def relative(self, path: Path) -> str:
        """``path`` relative to the workspace (POSIX separators), for artifacts and messages.

        The path as named (a symlink itself, not its target) is preferred, so a message or an
        artifact names the file the pipeline chose; its resolved form serves a path that reaches
        the workspace through another name (the workspace itself behind a symlink).
        """
        # the resolved form is only computed when the path as named is not inside (it costs a
        # system call per path component)
        try:
            return Path(os.path.abspath(path)).relative_to(self.workspace).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.workspace).as_posix()
        except ValueError:
            return path.as_posix()


_override: ContextVar[Settings | None] = ContextVar("tv_settings_override", default=None)


def get_settings(
    workspace: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve the workspace paths.

    An explicit ``workspace`` wins; then an active ``use_settings`` scope; then the environment.
    """
    if workspace is None:
        scoped = _override.get()
        if scoped is not None:
            return scoped
    env = os.environ if environ is None else environ
    root = Path(workspace if workspace is not None else env.get("TV_WORKSPACE", ".")).resolve()
    base = Settings.for_workspace(root)

    def pick(name: str, default: Path) -> Path:
        value = env.get(name)
        if not value:
            return default
        path = Path(value)
        return (path if path.is_absolute() else root / path).resolve()

    return Settings(
        workspace=root,
        artifacts_dir=pick("TV_ARTIFACTS_DIR", base.artifacts_dir),
        lakehouse_dir=pick("TV_LAKEHOUSE_DIR", base.lakehouse_dir),
        manifest_path=pick("TV_MANIFEST_PATH", base.manifest_path),
    )


@contextmanager
def use_settings(settings: Settings) -> Iterator[Settings]:
    """Make ``get_settings()`` return ``settings`` inside the block (context-local)."""
    token = _override.set(settings)
    try:
        yield settings
    finally:
        _override.reset(token)
