"""One BLAS kernel for every golden run, whichever x86-64 machine runs it.

OpenBLAS, which numpy's and scipy's wheels bundle, picks its compute kernels by the CPU it
finds when it loads: an AMD EPYC gets its "Haswell" kernels, an Intel Xeon with AVX-512 its
"SkylakeX" ones. They add in different orders, so a product or a solve can differ in its last
bit from one machine to the next. Most goldens cannot see that (the normalizer rounds to 10
significant digits), but a golden on a knife edge can: a value at a rounding midpoint, or a
solver that stops at its iteration limit on one machine and converges at the last step on the
other. Measured on numpy 2.4 and an AMD EPYC: 20 of 1,243 goldens recorded under SkylakeX
moved under Haswell (`erc_near_hedge`'s stalling ERC converged; four meta streams moved 1e-10).

So the golden suite, the determinism gate and ``tv-golden check|update`` run under one kernel,
:data:`KERNEL`, set through ``OPENBLAS_CORETYPE`` (read once, when OpenBLAS loads: this must
run before numpy is imported, or it only reaches child processes). Haswell needs AVX2 and FMA,
which every x86-64 server and laptop CPU since 2015 has; without them, on another
architecture, or when ``OPENBLAS_CORETYPE`` is set already, nothing is pinned. This module
imports nothing of numpy's.
"""

from __future__ import annotations

import platform
from collections.abc import MutableMapping
from pathlib import Path

__all__ = ["KERNEL", "VARIABLE", "cpu_flags", "pin"]

KERNEL = "Haswell"  # the kernel the goldens are recorded with
VARIABLE = "OPENBLAS_CORETYPE"
_NEEDS = frozenset({"avx2", "fma"})  # what OpenBLAS's Haswell kernels execute
_X86_64 = frozenset({"x86_64", "amd64"})


def cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The feature flags of the first processor in a ``/proc/cpuinfo`` text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def pin(
    environ: MutableMapping[str, str],
    *,
    cpuinfo: Path = Path("/proc/cpuinfo"),
    machine: str | None = None,
) -> str | None:
    """Set ``OPENBLAS_CORETYPE`` to :data:`KERNEL` in ``environ`` where the CPU can run it.

    Returns the kernel requested after the call: the caller's own choice when the variable
    was set already, :data:`KERNEL` when pinned here, ``None`` when OpenBLAS picks by itself
    (not x86-64, no ``/proc/cpuinfo``, or a CPU without AVX2 and FMA).
    """
    if environ.get(VARIABLE):
        return environ[VARIABLE]
    if (machine if machine is not None else platform.machine()).lower() not in _X86_64:
        return None
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if not cpu_flags(text) >= _NEEDS:
        return None
    environ[VARIABLE] = KERNEL
    return KERNEL
