"""Read a sleeve run's ledger, ``audit.jsonl`` (DESIGN 2.3).

One JSON object per line; blank lines are skipped. The first ``genesis`` record is kept; every
``action`` record becomes a ``LedgerAction``; other record types are ignored. A line that is not
a JSON object, or whose fields that we read have the wrong type, is a ``LedgerError`` naming the
file and the 1-based line number. Metrics may hold NaN (upstream writes it); they are passed on as
they are and only ``meta.health`` interprets them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..clock import parse_timestamp
from ..contracts import Ledger, LedgerAction
from ..errors import LedgerError, MissingArtifactError

__all__ = ["read_ledger"]


class _BadLineError(Exception):
    """What is wrong with one line; ``read_ledger`` adds the file and line number."""


def _mapping(record: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = record.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        kind = type(value).__name__
        raise _BadLineError(f"{where}{key} is {kind} {value!r:.60}, expected an object")
    return value


def _optional(params: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = params.get(key)
    if value is None:
        return None
    # bool is a subclass of int, but True is not a window index
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _BadLineError(
            f"{where}{key} is {type(value).__name__} {value!r:.60}, expected {kind.__name__}"
        )
    return value


def _string(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise _BadLineError(f"{key} is {type(value).__name__} {value!r:.60}, expected a string")
    return value


def _action(record: Mapping[str, Any], line: int) -> LedgerAction:
    step, status = _string(record, "step"), _string(record, "status")
    if status == "intent":
        params = _mapping(_mapping(record, "intent", ""), "params", "intent.")
        where = "intent.params."
    else:
        params = _mapping(record, "context", "")
        where = "context."
    metrics = _mapping(_mapping(record, "outcome", ""), "metrics", "outcome.")
    return LedgerAction(
        line=line,
        step=step,
        status=status,
        window=_optional(params, "window_index", int, where),
        risk_profile=_optional(params, "profile", str, where),
        engine=_optional(params, "engine", str, where),
        metrics=dict(metrics),
    )


def read_ledger(path: Path, *, display: str) -> Ledger:
    """Parse the ledger at ``path``; ``display`` is its workspace-relative path for messages.

    A missing file is a ``MissingArtifactError``; whether a ledger is required is the caller's
    decision.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MissingArtifactError(f"{display}: ledger not found") from None
    except UnicodeDecodeError as exc:
        raise LedgerError(f"{display}: not UTF-8 text ({exc})") from None
    except OSError as exc:  # a folder in its place, no permission, ...
        raise LedgerError(f"{display}: cannot be read ({exc.strerror or exc})") from None
    genesis: dict[str, Any] | None = None
    actions: list[LedgerAction] = []
    # split on "\n" only: str.splitlines would also split inside strings holding U+2028 & co.
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise _BadLineError(f"not valid JSON ({exc.msg}: column {exc.colno})") from None
            except RecursionError:
                raise _BadLineError("not valid JSON (nested too deeply)") from None
            except ValueError as exc:  # an integer literal longer than the int-digits limit
                raise _BadLineError(f"not valid JSON ({exc})") from None
            if not isinstance(record, dict):
                raise _BadLineError(f"a JSON {type(record).__name__}, expected an object")
            kind = record.get("type")
            if kind == "genesis" and genesis is None:
                if "ts" in record and not isinstance(record["ts"], str):
                    raise _BadLineError(f"genesis ts is {record['ts']!r:.60}, expected a string")
                if "ts" in record and parse_timestamp(record["ts"]) is None:
                    raise _BadLineError(
                        f"genesis ts {record['ts']!r:.60} is not ISO-8601 (expected e.g. "
                        "2026-01-05T12:00:00, within the years 1-9999 in UTC)"
                    )
                genesis = record
            elif kind == "action":
                actions.append(_action(record, number))
        except _BadLineError as exc:
            raise LedgerError(f"{display} line {number}: {exc}") from None
    return Ledger(path=display, genesis=genesis, actions=tuple(actions))
