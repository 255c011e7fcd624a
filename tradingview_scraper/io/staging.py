"""Write a run folder atomically: stage everything, then move it into place.

The staging folder lives next to the final folder (same file system, so the final ``rename`` is
atomic). A failure before the move removes the staging folder: a failed run leaves no partial
meta run folder. An existing folder is replaced only with ``overwrite=True``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OverwriteRefusedError

__all__ = ["staged_folder", "write_bytes"]


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def staged_folder(final: Path, *, overwrite: bool, shown: str) -> Iterator[Path]:
    """Yield a staging folder that becomes ``final`` when the block succeeds."""
    if final.exists() and not overwrite:
        raise OverwriteRefusedError(
            f"{shown}: meta run folder already exists; pass --overwrite to replace it "
            "or choose another --run-id"
        )
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{final.name}-", dir=final.parent))
    appeared = OverwriteRefusedError(
        f"{shown}: meta run folder appeared while the run was computing; "
        "pass --overwrite to replace it"
    )
    try:
        yield staging
        os.chmod(staging, 0o755)
        if final.exists():
            if not overwrite:
                raise appeared
            trash = Path(tempfile.mkdtemp(prefix=f".trash-{final.name}-", dir=final.parent))
            os.replace(final, trash / final.name)
            os.replace(staging, final)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            try:
                os.replace(staging, final)
            except OSError:
                # a concurrent run moved its folder into place after the check above: renaming
                # onto a non-empty folder fails (ENOTEMPTY/EEXIST) and leaves that run intact
                if not final.exists():
                    raise
                raise appeared from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
