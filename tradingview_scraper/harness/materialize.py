"""Turn a checked-in, human-readable case folder into a real workspace.

A case folder is a workspace whose return streams are CSV (``data/returns/<name>.csv`` with an
ISO ``date`` column and one value column; an empty value is NaN) instead of pickles. The date
column may name a time zone, ``date[Asia/Tokyo]``: its naive stamps are then localized to that
zone, so a case can hold a timezone-aware index as upstream pickles do. Stamps with an offset
(``2025-10-01T09:00:00+09:00``) give a fixed-offset index. Three header words keep the index
as upstream code that never made a DatetimeIndex leaves it, so a case can pin how the pipeline
parses (or refuses) it: ``date[text]`` keeps the stamps as strings (an object index, exactly as
written), ``date[timestamps]`` turns each into a ``pandas.Timestamp`` (of
``datetime.fromisoformat``, so an offset is a ``datetime.timezone``; rows may differ in zone) in
an object index, and ``date[numbers]`` makes an int64 index of integers. The value column's
header may say ``return[frame]`` (pickled as a 1-column DataFrame), ``return[int64]`` (int64
values) or ``return[protocol2]`` (pickle protocol 2, as old upstream code wrote).
Materializing copies the tree and writes each CSV as ``<name>.pkl`` (a pandas Series of float64
unless its header says otherwise, pickle protocol 4). Files named
``*.pkl.b64`` are base64 text of raw pickle bytes (hostile or corrupt pickles for failure
cases) and are decoded verbatim. ``case.json`` describes the case and is not copied.
"""

from __future__ import annotations

import base64
import io
import json
import pickle
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from ..errors import HarnessError

__all__ = ["Case", "csv_to_series", "load_case", "materialize", "returns_object"]

CASE_FILE = "case.json"


@dataclass(frozen=True, slots=True)
class Case:
    """``case.json``: what to run and what should happen."""

    name: str
    folder: Path
    meta_profile: str
    risk_profiles: tuple[str, ...]
    run_id: str | None  # None: the runner's default, ``<meta profile>_<YYYYmmdd-HHMMSS>``
    expect: str  # "success" or "error"
    error_type: str | None = None
    message_pattern: str | None = None
    description: str = ""
    draw_figures: bool = False  # also golden what each figure draws, drawn: <case>.drawn
    cached_rerun: bool = False  # also run it again from the return-matrix cache: <case>.cache
    cli_run: bool = False  # also run it through tv-meta run as a user types it: <case>.cli


def load_case(folder: Path) -> Case:
    path = folder / CASE_FILE
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        expect = data["expect"]
        flags = {
            name: data.get(name, False) for name in ("draw_figures", "cached_rerun", "cli_run")
        }
        for name, flag in flags.items():
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be true or false, not {flag!r}")
        if data["run_id"] is not None and not isinstance(data["run_id"], str):
            raise TypeError(f"run_id must be a string or null, not {data['run_id']!r}")
        return Case(
            name=folder.name,
            folder=folder,
            meta_profile=data["meta_profile"],
            risk_profiles=tuple(data["risk_profiles"]),
            run_id=data["run_id"],
            expect=expect["outcome"],
            error_type=expect.get("error_type"),
            message_pattern=expect.get("message_pattern"),
            description=data.get("description", ""),
            **flags,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HarnessError(f"{path}: not a valid case file ({exc!r})") from exc


_DATE_COLUMN = re.compile(r"date(?:\[(?P<zone>[A-Za-z0-9_+/-]+)\])?")


def csv_to_series(path: Path, content: bytes | None = None) -> pd.Series:
    """Read a returns CSV (``date`` or ``date[<zone or kind>]`` + one value column) as a float64
    Series; ``content``: the file's bytes when they are read already (errors still name
    ``path``)."""
    source = path if content is None else io.BytesIO(content)
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    match = _DATE_COLUMN.fullmatch(str(frame.columns[0])) if len(frame.columns) else None
    if match is None or len(frame.columns) != 2:
        raise HarnessError(
            f"{path}: expected columns 'date' (or 'date[<zone>]') and one value column"
        )
    date_column, value_column = frame.columns
    stamps = list(frame[date_column])
    zone = match["zone"]
    index: pd.Index
    try:
        if zone == "text":
            index = pd.Index(stamps, dtype=object, name="date")
        elif zone == "timestamps":
            boxed = [pd.Timestamp(datetime.fromisoformat(s)) for s in stamps]
            index = pd.Index(boxed, dtype=object, name="date")
        elif zone == "numbers":
            index = pd.Index([int(s) for s in stamps], dtype="int64", name="date")
        else:
            index = pd.DatetimeIndex(pd.to_datetime(stamps, format="ISO8601"), name="date")
            if zone:
                index = index.tz_localize(ZoneInfo(zone))
    except ValueError as exc:
        raise HarnessError(f"{path}: column {date_column!r}: {exc}") from exc
    try:
        values = [float(v) if v.strip() else float("nan") for v in frame[value_column]]
    except ValueError as exc:
        raise HarnessError(f"{path}: {exc}") from exc
    return pd.Series(values, index=index, name=value_column, dtype="float64")


_VALUE_KINDS = {"frame", "int64", "protocol2"}


def returns_object(
    path: Path, content: bytes | None = None
) -> tuple[pd.Series | pd.DataFrame, int]:
    """What a returns CSV is pickled as, and with which pickle protocol: its Series (protocol
    4), or as the value column's header word says: ``return[frame]`` a 1-column DataFrame of it,
    ``return[int64]`` its values as int64 (as upstream code that never made floats leaves them),
    ``return[protocol2]`` the Series with protocol 2 (its bytes as ``_codecs.encode`` calls)."""
    series = csv_to_series(path, content)
    name, _, kind = str(series.name).partition("[")
    kind = kind.removesuffix("]")
    if kind and kind not in _VALUE_KINDS:
        raise HarnessError(f"{path}: value column {series.name!r}: unknown kind {kind!r}")
    series = series.rename(name)
    if kind == "frame":
        return series.to_frame(), 4
    if kind == "int64":
        if series.isna().any() or (series != series.round()).any():
            raise HarnessError(f"{path}: return[int64] needs whole numbers")
        return series.astype("int64"), 4
    return series, 2 if kind == "protocol2" else 4


# a returns CSV's bytes -> its pickle's bytes: the golden suite materializes the same streams
# hundreds of times (every catalogue entry copies its case), and parsing them was most of it
_PICKLED: dict[bytes, bytes] = {}


def _pickled_returns(path: Path) -> bytes:
    """The pickle bytes ``returns_object(path)`` makes, remembered by the CSV's content."""
    content = path.read_bytes()
    pickled = _PICKLED.get(content)
    if pickled is None:
        buffer = io.BytesIO()
        returns, protocol = returns_object(path, content)
        pickle.dump(returns, buffer, protocol=protocol)
        pickled = _PICKLED[content] = buffer.getvalue()
    return pickled


def materialize(case_folder: Path, destination: Path) -> Path:
    """Copy ``case_folder`` into ``destination`` (created) as a real workspace; return it."""
    if destination.exists() and any(destination.iterdir()):
        raise HarnessError(f"{destination}: exists and is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    made = {destination}  # folders made so far: one mkdir each, not one per file
    for source in sorted(case_folder.rglob("*")):
        relative = source.relative_to(case_folder)
        if relative.as_posix() == CASE_FILE or source.is_dir():
            continue
        target = destination / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.update(target.parents)
        if source.suffix == ".csv" and source.parent.name == "returns":
            target.with_suffix(".pkl").write_bytes(_pickled_returns(source))
        elif source.name.endswith(".pkl.b64"):
            raw = base64.b64decode(source.read_text(encoding="ascii"))
            (target.parent / source.name[: -len(".b64")]).write_bytes(raw)
        else:
            shutil.copyfile(source, target)
    return destination
