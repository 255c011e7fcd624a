#!/usr/bin/env python3
"""Move goldens from the flat layout into one folder per case (for merging older branches).

    python scripts/migrate_golden_layout.py [--root DIR]

A branch written before the per-case layout adds goldens as
``golden/test_goldens/test_golden[<case>.<rest>].<ext>``; after merging it, this moves each to
``golden/<case>/<rest>.<ext>`` (with ``git mv`` when the file is tracked) and prints one line
per file. A target that exists with other content is left alone and reported (exit 1): resolve
it by hand. The content of a golden never changes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from tradingview_scraper.harness.layout import golden_relpath, name_of

REPO = Path(__file__).resolve().parents[1]


def migrate(root: Path) -> tuple[list[str], list[str]]:
    """Move every flat-layout golden under ``root``; return (moved, conflicts) as lines."""
    moved, conflicts = [], []
    for path in sorted((root / "golden").glob("*/*[[]*[]].*")):
        relative = path.relative_to(root).as_posix()
        named = name_of(relative)
        if named is None:
            continue
        target = root / golden_relpath(*named)
        if target.exists():
            if target.read_bytes() != path.read_bytes():
                conflicts.append(
                    f"{relative}: {target.relative_to(root)} exists with other content"
                )
                continue
            path.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            tracked = subprocess.run(
                ["git", "ls-files", "--error-unmatch", relative],
                cwd=root,
                capture_output=True,
                check=False,
            )
            if tracked.returncode == 0:
                subprocess.run(
                    ["git", "mv", relative, str(target.relative_to(root))], cwd=root, check=True
                )
            else:
                path.rename(target)
        moved.append(f"{relative} -> {target.relative_to(root).as_posix()}")
        if not any(path.parent.iterdir()):
            path.parent.rmdir()
    return moved, conflicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="repository root")
    args = parser.parse_args(argv)
    moved, conflicts = migrate(args.root)
    for line in moved:
        print(line)
    for line in conflicts:
        print(f"conflict: {line}", file=sys.stderr)
    print(f"{len(moved)} golden(s) moved, {len(conflicts)} conflict(s)")
    return 1 if conflicts else 0


if __name__ == "__main__":
    raise SystemExit(main())
