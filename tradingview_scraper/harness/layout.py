"""Where a golden lives: one folder per case.

A golden is named ``<case>.<rest>`` (``two_sleeves.hrp.meta_two.optimized``,
``two_sleeves.report``, whatever ``<rest>`` is) and stored at ``golden/<case>/<rest>.<ext>``, so
a pull request's file list reads as cases. Pending outputs (a mismatch waiting for review)
mirror that path under ``.golden-pending/``. The flat layout of earlier revisions
(``golden/test_goldens/test_golden[<name>].<ext>``) is still read by ``tv-golden diff``.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ..errors import HarnessError

__all__ = [
    "EXTENSIONS",
    "FIXTURES_DIR",
    "GOLDEN_DIR",
    "PENDING_DIR",
    "family_of",
    "golden_path",
    "golden_relpath",
    "name_of",
    "split_name",
]

FIXTURES_DIR = "fixtures/workspaces"  # the cases' input folders, under the project root
GOLDEN_DIR = "golden"
PENDING_DIR = ".golden-pending"
EXTENSIONS = ("json", "md")
_LEGACY = re.compile(r"^golden/[^/]+/[A-Za-z_][A-Za-z0-9_]*\[(?P<name>[^/]+)\]\.(?P<ext>\w+)$")


def split_name(name: str) -> tuple[str, str]:
    """``<case>.<rest>`` -> ``(case, rest)``; a name without a dot is not a golden name."""
    case, dot, rest = name.partition(".")
    if not (case and dot and rest) or "/" in name or name.startswith("."):
        raise HarnessError(f"golden name {name!r} is not of the form <case>.<rest>")
    return case, rest


def family_of(name: str) -> str:
    """The artifact family: the last part of the name (``optimized``, ``report``, ``audit``)."""
    return name.rsplit(".", 1)[-1]


def golden_relpath(name: str, extension: str) -> str:
    """``golden/<case>/<rest>.<ext>``, relative to the repository root (posix)."""
    case, rest = split_name(name)
    return f"{GOLDEN_DIR}/{case}/{rest}.{extension}"


def golden_path(root: Path, name: str, extension: str, *, folder: str = GOLDEN_DIR) -> Path:
    """The file of golden ``name`` under ``root`` (``folder``: golden/ or .golden-pending/)."""
    case, rest = split_name(name)
    return root / folder / case / f"{rest}.{extension}"


def name_of(relpath: str) -> tuple[str, str] | None:
    """``golden/<case>/<rest>.<ext>`` (or the legacy flat path) -> ``(name, ext)``; else None."""
    legacy = _LEGACY.match(relpath)
    if legacy:
        return legacy.group("name"), legacy.group("ext")
    parts = PurePosixPath(relpath).parts
    if len(parts) != 3 or parts[0] != GOLDEN_DIR:
        return None
    stem, dot, ext = parts[2].rpartition(".")
    if not (stem and dot and ext in EXTENSIONS):
        return None
    return f"{parts[1]}.{stem}", ext
