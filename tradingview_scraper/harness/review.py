"""``tv-golden review``: walk the pending goldens on a terminal, one decision each (as insta).

Per case, the attribution summary once; per golden, its drift report and the text diff against
the golden, then a key: ``a`` accept, ``r`` reject, ``s`` skip (stays pending), ``A``/``R``
accept/reject the rest of the case, ``q`` quit (what is decided so far stays decided). Input and
output are injected (``read_key``, ``out``), so the walk is tested without a terminal.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..errors import HarnessError
from .attribution import stage_of, summarize
from .drift import drift_of_texts
from .inputs import INPUTS, inputs_on_disk
from .layout import FIXTURES_DIR, golden_path
from .pending import Pending, PendingStore

__all__ = ["KEYS", "Tally", "pending_case_lines", "review", "terminal_key"]

KEYS = "a accept  r reject  s skip  A accept rest of case  R reject rest of case  q quit"
MAX_DIFF_LINES = 120


@dataclass
class Tally:
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"accepted {len(self.accepted)}, rejected {len(self.rejected)}, "
            f"skipped {len(self.skipped)}"
        )


def pending_case_lines(root: Path) -> Callable[[str], list[str]]:
    """The attribution summary of a case from its pending goldens (inputs vs behaviour)."""
    names: dict[str, list[str]] = {}
    new: dict[str, list[str]] = {}
    stages: dict[str, str] = {}
    for pending in PendingStore(root).entries():
        target = new if pending.golden_sha256 is None else names
        target.setdefault(pending.case, []).append(pending.name)
        if pending.golden.is_file():
            stage = stage_of(
                pending.name, drift_of_texts(pending.name, pending.extension, *pending.texts())
            )
            if stage is not None:
                stages[pending.name] = stage

    def lines(case: str) -> list[str]:
        recorded = golden_path(root, f"{case}.{INPUTS}", "json")
        text = recorded.read_text(encoding="utf-8") if recorded.is_file() else None
        folder = root / FIXTURES_DIR / case
        (summary,) = summarize(
            names.get(case, []),
            lambda _: inputs_on_disk(text, folder),
            new.get(case, []),
            stages,
        )
        return summary.lines()

    return lines


def text_diff(pending: Pending, limit: int = MAX_DIFF_LINES) -> list[str]:
    """Unified diff golden -> pending output, capped."""
    old, new = pending.texts()
    golden = pending.golden.relative_to(pending.output.parents[2]).as_posix()
    output = pending.output.relative_to(pending.output.parents[2]).as_posix()
    lines = list(
        difflib.unified_diff(old.splitlines(), new.splitlines(), golden, output, lineterm="", n=2)
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... {len(lines) - limit} more line(s): diff {golden} {output}"]
    return lines


def review(
    store: PendingStore,
    entries: Sequence[Pending],
    *,
    read_key: Callable[[], str],
    out: TextIO,
    case_lines: Callable[[str], list[str]] = lambda case: [],
) -> Tally:
    """Ask about each pending golden in ``entries`` (sorted by case) and act on the answer."""
    tally = Tally()
    bulk: dict[str, str] = {}
    seen: set[str] = set()
    for index, pending in enumerate(entries, 1):
        if pending.case not in seen:
            seen.add(pending.case)
            out.write(f"\n=== case {pending.case}\n")
            for line in case_lines(pending.case):
                out.write(line + "\n")
        decision = bulk.get(pending.case)
        if decision is None:
            _show(pending, index, len(entries), out)
            decision = _ask(read_key, out)
            if decision == "q":
                tally.skipped.extend(p.name for p in entries[index - 1 :])
                break
            if decision in "AR":
                bulk[pending.case] = decision.lower()
                decision = decision.lower()
        _apply(store, pending, decision, tally, out)
    out.write(tally.line() + "\n")
    return tally


def _show(pending: Pending, index: int, total: int, out: TextIO) -> None:
    where = pending.golden.relative_to(pending.output.parents[2]).as_posix()
    out.write(f"\n--- [{index}/{total}] {pending.name} ({where}): {pending.summary}\n")
    if pending.extension == "json":  # for text the report is the diff below
        for line in pending.report:
            out.write(line + "\n")
    for line in text_diff(pending):
        out.write(line + "\n")


def _ask(read_key: Callable[[], str], out: TextIO) -> str:
    while True:
        out.write(f"{KEYS} > ")
        out.flush()
        key = read_key()
        out.write("\n")
        if key == "":  # end of input: stop asking, decide nothing more
            return "q"
        if key in ("a", "r", "s", "A", "R", "q"):
            return key
        out.write(f"unknown key {key!r}\n")


def _apply(store: PendingStore, pending: Pending, decision: str, tally: Tally, out: TextIO) -> None:
    if decision == "a":
        try:
            store.accept(pending)
        except HarnessError as exc:
            out.write(f"not accepted: {exc}\n")
            tally.skipped.append(pending.name)
            return
        tally.accepted.append(pending.name)
        out.write(f"accepted {pending.name}\n")
    elif decision == "r":
        store.reject(pending)
        tally.rejected.append(pending.name)
        out.write(f"rejected {pending.name}\n")
    else:
        tally.skipped.append(pending.name)


def terminal_key() -> str:
    """One key press from the terminal, without waiting for Enter."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        return os.read(fd, 1).decode(errors="replace")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
