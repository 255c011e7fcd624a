"""The BLAS kernel pin of the golden runs (harness/blas.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradingview_scraper.harness import blas

INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx fma avx2 avx512f\n"
OLD = "processor\t: 0\nflags\t\t: fpu sse2 sse4_2 avx\n"


def _cpuinfo(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(text, encoding="utf-8")
    return path


def test_cpu_flags_of_the_first_processor() -> None:
    text = INTEL + "\nprocessor\t: 1\nflags\t\t: fpu\n"
    assert blas.cpu_flags(text) == {"fpu", "sse2", "avx", "fma", "avx2", "avx512f"}
    assert blas.cpu_flags("processor : 0\n") == frozenset()


def test_pins_haswell_where_the_cpu_has_avx2_and_fma(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    kernel = blas.pin(environ, cpuinfo=_cpuinfo(tmp_path, INTEL), machine="x86_64")
    assert kernel == "Haswell"
    assert environ == {"OPENBLAS_CORETYPE": "Haswell"}
    assert blas.pin({}, cpuinfo=_cpuinfo(tmp_path, INTEL), machine="AMD64") == "Haswell"


@pytest.mark.parametrize(
    ("text", "machine"),
    [(OLD, "x86_64"), (INTEL.replace(" fma", ""), "x86_64"), (INTEL, "aarch64"), (INTEL, "arm64")],
    ids=["no-avx2", "no-fma", "aarch64", "arm64"],
)
def test_no_pin_where_the_kernel_cannot_run(tmp_path: Path, text: str, machine: str) -> None:
    environ: dict[str, str] = {}
    assert blas.pin(environ, cpuinfo=_cpuinfo(tmp_path, text), machine=machine) is None
    assert environ == {}


def test_no_pin_without_cpuinfo(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    assert blas.pin(environ, cpuinfo=tmp_path / "absent", machine="x86_64") is None
    assert environ == {}


def test_the_callers_choice_stands(tmp_path: Path) -> None:
    environ = {"OPENBLAS_CORETYPE": "SkylakeX"}
    assert blas.pin(environ, cpuinfo=_cpuinfo(tmp_path, INTEL), machine="x86_64") == "SkylakeX"
    assert environ == {"OPENBLAS_CORETYPE": "SkylakeX"}
    empty = {"OPENBLAS_CORETYPE": ""}  # set but empty: OpenBLAS picks by itself, so pin
    assert blas.pin(empty, cpuinfo=_cpuinfo(tmp_path, INTEL), machine="x86_64") == "Haswell"


def test_the_suite_runs_pinned_where_the_cpu_allows() -> None:
    """tests/conftest.py pinned this process (before numpy loaded) exactly where ``pin`` would:
    the variable is the kernel ``pin`` chooses for an environment without one, unless the
    caller set it (then ``pin`` keeps it, as test_the_callers_choice_stands shows)."""
    conftest = next(
        m
        for m in list(sys.modules.values())
        if str(getattr(m, "__file__", "")).endswith(os.path.join("tests", "conftest.py"))
    )
    kernel = conftest.BLAS_KERNEL  # as pytest loaded it, not imported a second time
    assert os.environ.get("OPENBLAS_CORETYPE") == kernel
    if kernel is None:
        assert blas.pin({}) is None  # a CPU or platform the kernel cannot run on


@pytest.mark.slow
def test_openblas_loads_the_pinned_kernel() -> None:
    """OpenBLAS (verbose) names the kernel it loaded in a child of this environment, so the
    variable the suite sets is one OpenBLAS honours (on an Intel AVX-512 CPU it would pick
    SkylakeX by itself; on an AMD one Haswell is also its own choice)."""
    kernel = os.environ.get("OPENBLAS_CORETYPE")
    if kernel != blas.KERNEL:
        pytest.skip(f"no pin on this machine (OPENBLAS_CORETYPE={kernel!r})")
    done = subprocess.run(
        [sys.executable, "-c", "import numpy"],
        env={**os.environ, "OPENBLAS_VERBOSE": "2"},
        capture_output=True,
        text=True,
        check=True,
    )
    if "Core:" not in done.stdout + done.stderr:
        pytest.skip("numpy's BLAS does not report its kernel (not OpenBLAS)")
    assert f"Core: {blas.KERNEL}" in done.stdout + done.stderr
