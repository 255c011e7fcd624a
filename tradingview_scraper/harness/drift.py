"""Readable drift reports between a golden and a current document (built on deepdiff).

Structural changes (keys, sleeves, assets appearing or disappearing) come first, then value
changes with golden value, current value and absolute change (weights also in basis points),
then calendar rows added or removed, or a unified diff for text. The report is capped and ends
with the command that accepts the change.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from deepdiff import DeepDiff

__all__ = [
    "ACCEPT_COMMAND",
    "DEFAULT_TOLERANCE",
    "TOLERANCES",
    "Drift",
    "compare_documents",
    "compare_text",
    "drift_of_texts",
    "tolerance_for",
]

ACCEPT_COMMAND = (
    "tv-golden review   (or: tv-golden accept PATTERN; pytest tests/golden --snapshot-update)"
)
DEFAULT_TOLERANCE = 1e-9  # absolute; differences at or below it pass without rewriting
# per-artifact overrides, by artifact family (the last part of a golden's name)
TOLERANCES: dict[str, float] = {
    "returns": 1e-10,  # the matrix is data, not a solver output
}
MAX_LINES = 40

_WEIGHT_KEY = re.compile(r"(Weight|weight|Contribution|contribution|Net_Weight|weights)")


def tolerance_for(artifact: str) -> float:
    return TOLERANCES.get(artifact, DEFAULT_TOLERANCE)


@dataclass
class Drift:
    """Differences between a golden and the current output of one artifact."""

    name: str
    structural: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    calendar: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    changed_weights: list[str] = field(default_factory=list)  # paths of moved weights

    @property
    def empty(self) -> bool:
        return not (self.structural or self.values or self.calendar or self.text)

    def summary(self) -> str:
        parts = []
        if self.structural:
            parts.append(f"{len(self.structural)} structural")
        if self.values:
            parts.append(f"{len(self.values)} value")
        if self.calendar:
            parts.append(f"{len(self.calendar)} calendar")
        if self.text:
            parts.append("text")
        return f"{self.name}: " + (", ".join(parts) + " change(s)" if parts else "no drift")

    def lines(self, limit: int = MAX_LINES, *, accept: bool = True) -> list[str]:
        body: list[str] = []
        for title, items in (
            ("structure", self.structural),
            ("calendar rows", self.calendar),
            ("values", self.values),
            ("text", self.text),
        ):
            if items:
                body.append(f"  {title}:")
                body.extend(f"    {line}" for line in items)
        shown = body[:limit]
        if len(body) > limit:
            shown.append(f"    ... and {len(body) - limit} more line(s)")
        out = [f"golden drift in {self.summary()}", *shown]
        if accept:
            out.append(f"accept the change with: {ACCEPT_COMMAND}")
        return out


_FRAME_KEYS = frozenset({"columns", "index", "data"})


def _is_frame(value: dict[str, Any]) -> bool:
    """A matrix document: ``{columns, index, data}`` with its rows in ``data``."""
    return set(value) >= _FRAME_KEYS and isinstance(value["data"], list)


def _is_rows(value: list[Any]) -> bool:
    """A list of rows, each with a ``Symbol``."""
    return bool(value) and all(isinstance(v, dict) and "Symbol" in v for v in value)


def _keyed(value: Any) -> Any:
    """Reshape for a readable diff.

    Lists of rows with a ``Symbol`` become dicts keyed by it, so a moved weight reads as a
    change of that symbol rather than of a list position; a matrix document
    (``{columns, index, data}``) gets its rows keyed by date and column, so an added or removed
    calendar row is one row and a changed value names its date and sleeve.
    """
    if isinstance(value, dict):
        if _is_frame(value):
            rest = {k: _keyed(v) for k, v in value.items() if k not in ("index", "data")}
            rows = {
                str(label): dict(zip(value["columns"], row, strict=False))
                for label, row in zip(value["index"], value["data"], strict=False)
            }
            return {**rest, "rows": rows}
        return {k: _keyed(v) for k, v in value.items()}
    if isinstance(value, list):
        if _is_rows(value):
            return {str(v["Symbol"]): _keyed(v) for v in value}
        return [_keyed(v) for v in value]
    return value


def _sequences(value: Any, where: str = "") -> Iterator[tuple[str, list[str]]]:
    """``(path, keys in order)`` of every list ``_keyed`` turns into a dict: the symbols of a
    list of rows, the index of a matrix document. Keying drops their order (and repeats), so
    ``compare_documents`` compares these sequences separately."""
    if isinstance(value, dict):
        frame = _is_frame(value)
        if frame:  # its data holds numbers only: not walked cell by cell
            yield (f"{where}.index" if where else "index"), [str(v) for v in value["index"]]
        for key, item in value.items():
            if not (frame and key in ("index", "data")):
                yield from _sequences(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        if _is_rows(value):
            yield where or "(root)", [str(v["Symbol"]) for v in value]
        for number, item in enumerate(value):
            yield from _sequences(item, f"{where}[{number}]")


_ROW = re.compile(r"^(?:.*\.)?rows\.([^.]+)$")


def _path(deep_path: str) -> str:
    """``root['weights']['BTC']['Weight']`` -> ``weights.BTC.Weight``."""
    parts = re.findall(r"\[('(?:[^'\\]|\\.)*'|\d+)\]", deep_path)
    return ".".join(p.strip("'") if p.startswith("'") else f"[{p}]" for p in parts) or "(root)"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.10g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fmt_pair(old: Any, new: Any) -> tuple[str, str]:
    """Both sides of a change; long strings are cut around their first difference, not at the
    start, so the changed words are what the reviewer sees."""
    if not (isinstance(old, str) and isinstance(new, str)) or max(len(old), len(new)) <= 58:
        return _fmt(old), _fmt(new)
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    start = max(start - 20, 0)

    def cut(text: str) -> str:
        part = text[start : start + 56]
        return ("..." if start else "") + repr(part) + ("..." if start + 56 < len(text) else "")

    return cut(old), cut(new)


def compare_documents(name: str, golden: Any, current: Any, *, tolerance: float) -> Drift:
    """Drift between two normalized JSON documents (empty when equal within ``tolerance``)."""
    drift = Drift(name)
    diff = DeepDiff(
        _keyed(golden),
        _keyed(current),
        math_epsilon=tolerance,
        ignore_numeric_type_changes=True,
        verbose_level=2,
    )
    for kind, sign in (
        ("dictionary_item_added", "+"),
        ("dictionary_item_removed", "-"),
        ("iterable_item_added", "+"),
        ("iterable_item_removed", "-"),
    ):
        for path, value in sorted(diff.get(kind, {}).items()):
            where = _path(path)
            row = _ROW.match(where)
            if row and kind.startswith("dictionary"):
                drift.calendar.append(f"{sign} row {row.group(1)}")
            else:
                drift.structural.append(f"{sign} {where} = {_fmt(value)}")
    drift.calendar.sort(key=lambda line: (line[0] == "-", line))
    # the same rows in another order, or a row repeated: invisible to the keyed diff above
    before = dict(_sequences(golden))
    for where, keys in _sequences(current):
        old_keys = before.get(where)
        if old_keys is not None and old_keys != keys and sorted(set(old_keys)) == sorted(set(keys)):
            drift.structural.append(f"~ {where} order: {_fmt(old_keys)} -> {_fmt(keys)}")
    for kind in ("values_changed", "type_changes"):
        for path, change in sorted(diff.get(kind, {}).items()):
            old, new = change.get("old_value"), change.get("new_value")
            where = _path(path)
            shown_old, shown_new = _fmt_pair(old, new)
            line = f"{where}: {shown_old} -> {shown_new}"
            if isinstance(old, int | float) and isinstance(new, int | float):
                delta = float(new) - float(old)
                line += f" (change {delta:+.3g}"
                if _WEIGHT_KEY.search(where):
                    line += f", {delta * 1e4:+.2f} bp"
                    drift.changed_weights.append(where)
                line += ")"
            drift.values.append(line)
    return drift


def compare_text(name: str, golden: str, current: str) -> Drift:
    """Drift between two texts, as a unified diff."""
    drift = Drift(name)
    if golden != current:
        drift.text = list(
            difflib.unified_diff(
                golden.splitlines(), current.splitlines(), "golden", "current", lineterm="", n=1
            )
        )
    return drift


def drift_of_texts(name: str, extension: str, golden: str, current: str) -> Drift:
    """Drift between two golden texts: documents for ``json`` (text if unparseable), else text."""
    if extension == "json":
        try:
            golden_doc, current_doc = json.loads(golden), json.loads(current)
        except ValueError:
            return compare_text(name, golden, current)
        family = (
            str(current_doc.get("golden_artifact", "")) if isinstance(current_doc, dict) else ""
        )
        try:
            return compare_documents(name, golden_doc, current_doc, tolerance=tolerance_for(family))
        except (ValueError, TypeError):
            return compare_text(name, golden, current)
    return compare_text(name, golden, current)


def render_markdown(drifts: Iterable[Drift]) -> str:
    """A markdown section per drifting artifact (used by ``tv-golden diff``)."""
    out: list[str] = []
    for drift in drifts:
        if drift.empty:
            continue
        out.append(f"### `{drift.name}`")
        out.append("")
        out.append("```diff" if drift.text else "```")
        out.extend(drift.lines(limit=200, accept=False)[1:])
        out.append("```")
        out.append("")
    return "\n".join(out)
