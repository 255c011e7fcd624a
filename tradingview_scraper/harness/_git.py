"""Running git for the harness: text for listings, bytes for file contents."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import HarnessError

__all__ = ["git", "git_bytes"]


def git(repo: Path, *args: str) -> str:
    """stdout of ``git args`` in ``repo``; a failure is a HarnessError naming the command."""
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise HarnessError(f"cannot run git: {exc}") from exc
    if done.returncode != 0:
        raise HarnessError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def git_bytes(repo: Path, *args: str) -> bytes | None:
    """stdout of ``git args`` as bytes, or None when git is missing or the command fails."""
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None
