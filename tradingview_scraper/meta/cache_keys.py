"""Cache keys of meta return matrices (the entries ``io.cache`` stores). Pure.

A key is the sha256 of a canonical JSON of everything that decides a node's aligned matrix: the
cache format and package version, the risk profile and its allocator, the whole validated meta
profile, and per sleeve what the inputs decided (health verdict, run, returns file and the sha256
of its bytes) or, for a nested sleeve, the key of the sub-meta's matrix (see ``io.cache``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from .. import __version__
from ..io.cache import CACHE_FORMAT
from .aggregate import MetaInputs

__all__ = ["matrix_keys"]


def matrix_keys(inputs: MetaInputs, digest_of: Callable[[str], str]) -> dict[str, str]:
    """Meta profile name -> cache key of its matrix, for ``inputs`` and its nested branches.

    ``digest_of(returns_file)`` gives the sha256 of a loaded returns pickle's bytes.
    """
    keys: dict[str, str] = {}

    def key_of(node: MetaInputs) -> str:
        name = node.profile.name
        if name in keys:
            return keys[name]
        profile = node.profile
        sleeves: list[dict[str, Any]] = []
        for spec in profile.sleeves:
            if spec.kind == "meta":
                sub = node.branches[spec.id]
                sleeves.append({"id": spec.id, "meta": key_of(sub), "profile": repr(sub.profile)})
                continue
            atom = node.atoms[spec.id]
            entry: dict[str, Any] = {"id": spec.id, "healthy": atom.health.healthy}
            if atom.health.healthy and atom.returns_file is not None:
                entry.update(
                    run=atom.run.run_id,
                    returns_file=atom.returns_file,
                    sha256=digest_of(atom.returns_file),
                )
            sleeves.append(entry)
        document = {
            "format": CACHE_FORMAT,
            "version": __version__,
            "risk_profile": node.risk_profile,
            "allocator": profile.allocation.allocator_for(node.risk_profile),
            "profile": repr(profile),
            "sleeves": sleeves,
        }
        text = json.dumps(document, sort_keys=True, separators=(",", ":"))
        keys[name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return keys[name]

    key_of(inputs)
    return keys
