"""The meta run's hash-chained ledger (``audit.jsonl``).

Each record carries ``seq``, ``prev_hash`` and ``hash`` = sha256 of its canonical JSON without
``hash``; changing or removing any record breaks the chain (the golden harness checks it:
``harness.cases.chain_check``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .jsonio import plain

__all__ = ["AuditLog"]

GENESIS_HASH = "0" * 64


def _digest(record: Mapping[str, Any]) -> str:
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AuditLog:
    """Collects records in memory; ``text()`` gives the JSONL to write."""

    def __init__(self, ts: str) -> None:
        self._ts = ts
        self._records: list[dict[str, Any]] = []

    def add(self, record_type: str, step: str, **fields: Any) -> None:
        prev = self._records[-1]["hash"] if self._records else GENESIS_HASH
        record = plain(
            {"seq": len(self._records), "ts": self._ts, "type": record_type, "step": step, **fields}
        )
        record["prev_hash"] = prev
        record["hash"] = _digest(record)
        self._records.append(record)

    def text(self) -> str:
        return "".join(
            json.dumps(r, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"
            for r in self._records
        )
