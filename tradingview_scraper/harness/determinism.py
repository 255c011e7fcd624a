"""``tv-golden determinism``: every success case, rerun in fresh processes, byte for byte.

Each configuration runs in its own interpreter with its own ``PYTHONHASHSEED`` and BLAS/OpenMP
thread counts, into its own folder (so the workspace location varies too), with the same run id
and ``SOURCE_DATE_EPOCH``. Every artifact must have identical bytes in every configuration. On a
difference the gate names the case, the artifact and the first differing JSON path or matrix
cell, and exits 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import blas
from .cases import cases, run_case

__all__ = ["CONFIGURATIONS", "first_difference", "run_gate"]

CONFIGURATIONS: tuple[dict[str, str], ...] = (
    {
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    },
    {
        "PYTHONHASHSEED": "4242",
        "OPENBLAS_NUM_THREADS": "2",
        "OMP_NUM_THREADS": "2",
        "MKL_NUM_THREADS": "2",
    },
)


def _worker(out: Path, names: Sequence[str] | None) -> None:
    for case in cases(expect="success"):
        if names is None or case.name in names:
            run = run_case(case, out / case.name)
            (out / f"{case.name}.run").write_text(str(run.run_dir), encoding="utf-8")


def _files(run_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(run_dir).as_posix(): p.read_bytes()
        for p in sorted(run_dir.rglob("*"))
        if p.is_file()
    }


def first_difference(name: str, left: bytes, right: bytes) -> str:
    """Where two artifacts differ: a JSON path, a matrix cell, a CSV/SVG line, a byte offset."""
    if name.endswith(".json"):
        from deepdiff import DeepDiff

        diff = DeepDiff(json.loads(left), json.loads(right), verbose_level=2)
        for kind in (
            "values_changed",
            "type_changes",
            "dictionary_item_added",
            "dictionary_item_removed",
            "iterable_item_added",
            "iterable_item_removed",
        ):
            if diff.get(kind):
                path, change = sorted(diff[kind].items())[0]
                return f"{kind} at {path}: {change!r}"[:300]
    if name.endswith(".pkl"):
        a: Any = pickle.loads(left)  # our own artifacts, produced by this gate
        b: Any = pickle.loads(right)
        if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame) and a.shape == b.shape:
            if not a.index.equals(b.index) or list(a.columns) != list(b.columns):
                return "index or columns differ"
            cells = np.argwhere(a.to_numpy() != b.to_numpy())
            if len(cells):
                row, col = cells[0]
                left_value, right_value = a.to_numpy()[row, col], b.to_numpy()[row, col]
                return (
                    f"cell ({a.index[row]}, {a.columns[col]}): {float(left_value)!r} != "
                    f"{float(right_value)!r}"
                )
            return "same values, different pickle bytes (dtype, metadata or protocol)"
    if name.endswith((".csv", ".svg")):  # text artifacts: the first differing line
        lines = zip(left.splitlines(), right.splitlines(), strict=False)
        for number, (a_line, b_line) in enumerate(lines, start=1):
            if a_line != b_line:
                return f"line {number}: {a_line[:80]!r} != {b_line[:80]!r}"
    offset = next(
        (i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y),
        min(len(left), len(right)),
    )
    return f"bytes differ from offset {offset}"


def run_gate(names: Sequence[str] | None = None, *, stream: Any = None) -> int:
    """Run the gate; print a table of cases x artifacts with hashes. 0 if identical, else 1."""
    stream = sys.stdout if stream is None else stream
    with tempfile.TemporaryDirectory(prefix="tv-determinism-") as tmp:
        outputs = []
        for number, config in enumerate(CONFIGURATIONS):
            out = Path(tmp) / f"config{number}"
            env = {**os.environ, **config}
            blas.pin(env)  # the goldens' BLAS kernel, as in the golden suite
            command = [
                sys.executable,
                "-m",
                "tradingview_scraper.harness.determinism",
                str(out),
                *(names or []),
            ]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"configuration {config} failed:\n{done.stderr}", file=stream)
                return 1
            outputs.append(out)
        failures = 0
        rows = []
        run_files = sorted(p.name[: -len(".run")] for p in outputs[0].glob("*.run"))
        for case in run_files:
            runs = [_files(Path((o / f"{case}.run").read_text(encoding="utf-8"))) for o in outputs]
            for artifact in sorted(set().union(*runs)):
                blobs = [r.get(artifact) for r in runs]
                digest = hashlib.sha256(blobs[0] or b"").hexdigest()[:16]
                same = all(b == blobs[0] for b in blobs)
                rows.append((case, artifact, digest, "ok" if same else "DIFFERS"))
                if not same:
                    failures += 1
                    if any(b is None for b in blobs):
                        where = "missing in one configuration"
                    else:
                        assert blobs[0] is not None and blobs[1] is not None
                        where = first_difference(artifact, blobs[0], blobs[1])
                    print(f"NONDETERMINISTIC {case}/{artifact}: {where}", file=stream)
        width = max((len(f"{c}/{a}") for c, a, _, _ in rows), default=10)
        print(f"{'case/artifact'.ljust(width)}  sha256[:16]       result", file=stream)
        for case, artifact, digest, result in rows:
            print(f"{f'{case}/{artifact}'.ljust(width)}  {digest}  {result}", file=stream)
        print(
            f"{len(run_files)} case(s), {len(rows)} artifact(s), {len(CONFIGURATIONS)} "
            f"configurations: {failures} difference(s)",
            file=stream,
        )
        return 1 if failures else 0


if __name__ == "__main__":
    _worker(Path(sys.argv[1]), sys.argv[2:] or None)
