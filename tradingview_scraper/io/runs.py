"""Run folders: reading ``resolved_manifest.json`` and choosing a sleeve's run (DESIGN 2.1).

A run's time is ``created_at`` from ``config/resolved_manifest.json`` or, where that is missing,
the genesis ``ts`` of its ``audit.jsonl``. The newest time wins; ties go to the later genesis
``ts``, then to the larger folder name; runs with no time at all count as oldest. Folder names
alone never decide.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..clock import parse_timestamp
from ..contracts import RunInfo, SleeveSpec
from ..errors import ArtifactFormatError, MissingArtifactError
from ..manifest import NAME_PATTERN, check_run_id
from ..settings import Settings

__all__ = ["RunHeader", "read_run_header", "resolve_run", "scan_runs"]

_MIN_TIME = datetime.min


@dataclass(frozen=True, slots=True)
class RunHeader:
    """What identifies a run folder: its profile and its time."""

    run_id: str
    path: Path
    profile: str | None
    created_at: str | None
    genesis_ts: str | None

    def sort_key(self) -> tuple[bool, datetime, datetime, str]:
        created = _parse_time(self.created_at)
        genesis = _parse_time(self.genesis_ts)
        time = created or genesis
        return (time is not None, time or _MIN_TIME, genesis or _MIN_TIME, self.run_id)


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else parse_timestamp(value)


GenesisReader = Callable[[Path], Mapping[str, Any] | None]


def read_run_header(
    settings: Settings,
    run_dir: Path,
    genesis_of: GenesisReader,
    *,
    safe: Callable[[Path], Path],
) -> RunHeader:
    """Read the identity of one run folder (resolved manifest, else ledger genesis).

    ``genesis_of(run_dir)`` returns the genesis record of the run's ledger (or None); ``safe``
    resolves a path inside the workspace (``io.paths.inside_workspace``, as the reader
    memoizes it).
    """
    run_dir = safe(run_dir)
    manifest_path = run_dir / "config" / "resolved_manifest.json"
    profile: str | None = None
    created_at: str | None = None
    if manifest_path.exists():
        shown = settings.relative(manifest_path)
        data = _read_json_object(safe(manifest_path), shown)
        profile = _optional_str(data, "profile", shown)
        created_at = _optional_str(data, "created_at", shown)
        if created_at is not None and _parse_time(created_at) is None:
            raise ArtifactFormatError(
                f"{shown}: created_at {created_at!r} is not ISO-8601 "
                "(expected e.g. 2026-01-05T12:00:00, within the years 1-9999 in UTC)"
            )
    genesis = genesis_of(run_dir)
    genesis_ts = None
    if genesis is not None:
        genesis_ts = genesis.get("ts") if isinstance(genesis.get("ts"), str) else None
        if profile is None and isinstance(genesis.get("profile"), str):
            profile = genesis["profile"]
    return RunHeader(run_dir.name, run_dir, profile, created_at, genesis_ts)


def _read_json_object(path: Path, shown: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise ArtifactFormatError(f"{shown}: not valid JSON (nested too deeply)") from None
    # ValueError: besides JSONDecodeError and UnicodeDecodeError, an integer literal longer
    # than sys.get_int_max_str_digits()
    except (OSError, ValueError) as exc:
        raise ArtifactFormatError(f"{shown}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ArtifactFormatError(f"{shown}: expected a JSON object, got {type(data).__name__}")
    return data


def _optional_str(data: dict[str, Any], key: str, shown: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ArtifactFormatError(f"{shown}: {key} must be a string, got {value!r}")
    return value


def scan_runs(settings: Settings) -> list[Path]:
    """Run folders under ``runs_dir``, sorted by name (folders with invalid names skipped)."""
    runs_dir = settings.runs_dir
    if not runs_dir.is_dir():
        return []
    return sorted(
        (p for p in runs_dir.iterdir() if p.is_dir() and NAME_PATTERN.fullmatch(p.name)),
        key=lambda p: p.name,
    )


def resolve_run(
    settings: Settings,
    sleeve: SleeveSpec,
    header_of: Callable[[Path], RunHeader],
    scanned: Callable[[], Sequence[RunHeader]],
) -> RunInfo:
    """The run an atomic sleeve uses: its pinned run, else the newest run of its profile.

    ``header_of(run_dir)`` reads (and may memoize) a run folder's header; ``scanned()`` returns
    the headers of ``scan_runs(settings)`` (memoized by the reader: one scan per pipeline run
    instead of one per sleeve, which made resolving N sleeves cost N x N file-system calls).
    """
    assert sleeve.profile is not None
    runs_shown = settings.relative(settings.runs_dir)
    if sleeve.run_id is not None:
        run_id = check_run_id(sleeve.run_id, where=f"sleeve {sleeve.id!r} ({sleeve.location})")
        run_dir = settings.runs_dir / run_id
        if not run_dir.is_dir():
            raise MissingArtifactError(
                f"sleeve {sleeve.id!r} ({sleeve.location}): pinned run {run_id!r} does not exist "
                f"under {runs_shown}"
            )
        header = header_of(run_dir)
        if header.profile is not None and header.profile != sleeve.profile:
            raise ArtifactFormatError(
                f"sleeve {sleeve.id!r} ({sleeve.location}): pinned run {run_id!r} belongs to "
                f"profile {header.profile!r}, not {sleeve.profile!r}"
            )
        return _info(header, "pinned")
    headers = scanned()
    candidates = [h for h in headers if h.profile == sleeve.profile]
    if not candidates:
        raise MissingArtifactError(
            f"sleeve {sleeve.id!r} ({sleeve.location}): no run of profile {sleeve.profile!r} "
            f"under {runs_shown}"
        )
    newest = max(candidates, key=RunHeader.sort_key)
    return _info(newest, f"newest of {len(candidates)} run(s) of profile {sleeve.profile!r}")


def _info(header: RunHeader, selection: str) -> RunInfo:
    return RunInfo(
        run_id=header.run_id,
        path=header.path,
        profile=header.profile,
        created_at=header.created_at,
        genesis_ts=header.genesis_ts,
        selection=selection,
    )
