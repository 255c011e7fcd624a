"""The bad-input catalogue (issue 7, item 2): hostile workspaces, each to be rejected cleanly.

Every entry mutates a freshly materialized fixture workspace and names the exception class and
the message the pipeline must raise. The catalogue is an input, like ``fixtures/``: the unit
tests in ``test_bad_inputs.py`` check each entry's invariants (the class, the pattern, the names,
nothing written), and the golden suite (``tests/golden/test_goldens.py``) keeps what the user
sees for each entry under ``golden/hostile/<id>.failure.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tradingview_scraper import errors
from tradingview_scraper.harness.materialize import materialize

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "workspaces"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
RUNS = "data/artifacts/summaries/runs"
MANIFEST = "configs/manifest.json"
ALPHA = f"{RUNS}/alpha_20260101-000000"
PKL = f"{ALPHA}/data/returns/custom_vectorbt_hrp.pkl"
LEDGER = f"{ALPHA}/audit.jsonl"
WEIGHTS = f"{ALPHA}/data/portfolio_flattened.json"
RESOLVED = f"{ALPHA}/config/resolved_manifest.json"
LEAF_A = f"{RUNS}/leaf_a_20260101-000000"


@dataclass(frozen=True)
class Ctx:
    """Where a mutation works: the workspace, a folder outside it, the hostile-pickle marker."""

    ws: Path
    outside: Path
    marker: Path


Mutation = Callable[[Ctx], None]


@dataclass(frozen=True)
class Hostile:
    id: str
    mutate: Mutation
    error: type[errors.MetaPipelineError]
    pattern: str  # regex searched in the exception message and in the CLI error line
    names: tuple[str, ...]  # what the message must name: relative path, manifest field, flag
    case: str = "two_sleeves"
    profile: str = "meta_two"
    run_id: str = "hostile_run"
    risk_profiles: tuple[str, ...] | None = None


# ----------------------------------------------------------------------------- mutations


def _path(ctx: Ctx, rel: str) -> Path:
    return ctx.ws / rel


def write_bytes(rel: str, data: bytes) -> Mutation:
    def mutate(ctx: Ctx) -> None:
        _path(ctx, rel).write_bytes(data)

    return mutate


def write_text(rel: str, text: str) -> Mutation:
    return write_bytes(rel, text.encode("utf-8"))


def append_line(rel: str, line: str) -> Mutation:
    def mutate(ctx: Ctx) -> None:
        path = _path(ctx, rel)
        path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")

    return mutate


def edit_json(rel: str, edit: Callable[[Any], Any]) -> Mutation:
    """Load the JSON file, let ``edit`` change it in place (or return a replacement), write."""

    def mutate(ctx: Ctx) -> None:
        path = _path(ctx, rel)
        data = json.loads(path.read_text(encoding="utf-8"))
        replaced = edit(data)
        path.write_text(json.dumps(data if replaced is None else replaced), encoding="utf-8")

    return mutate


def manifest(edit: Callable[[dict[str, Any]], Any]) -> Mutation:
    """Edit ``profiles.meta_two`` of the manifest."""
    return edit_json(MANIFEST, lambda data: edit(data["profiles"]["meta_two"]))


def edit_genesis(**fields: Any) -> Mutation:
    """Change fields of the first line (the genesis record) of alpha's ledger."""

    def mutate(ctx: Ctx) -> None:
        path = _path(ctx, LEDGER)
        first, rest = path.read_text(encoding="utf-8").split("\n", 1)
        record = json.loads(first)
        record.update(fields)
        path.write_text(json.dumps(record) + "\n" + rest, encoding="utf-8")

    return mutate


def sleeve(index: int, **fields: Any) -> Mutation:
    return manifest(lambda p: p["sleeves"][index].update(fields))


def branch_sleeve(**fields: Any) -> Mutation:
    """Change fields of nested_depth2's nested sleeve: profiles.meta_root.sleeves[1], 'branch'."""
    return edit_json(MANIFEST, lambda d: d["profiles"]["meta_root"]["sleeves"][1].update(fields))


def plain_profile() -> Mutation:
    """Add ``plain``, a profile without sleeves (an atomic profile, not a meta profile)."""
    return edit_json(MANIFEST, lambda d: d["profiles"].update(plain={"description": "atomic"}))


def allocation(**fields: Any) -> Mutation:
    return manifest(lambda p: p.setdefault("meta_allocation", {}).update(fields))


def health(**fields: Any) -> Mutation:
    return manifest(lambda p: p.setdefault("health", {}).update(fields))


def returns(transform: Callable[[pd.Series], object], rel: str = PKL) -> Mutation:
    """Replace the returns pickle with ``transform(<the materialized series>)``."""

    def mutate(ctx: Ctx) -> None:
        path = _path(ctx, rel)
        series = pd.read_pickle(path)  # our own fixture, materialized a moment ago
        path.write_bytes(pickle.dumps(transform(series), protocol=4))

    return mutate


def pickle_bytes(transform: Callable[[bytes], bytes], rel: str = PKL) -> Mutation:
    def mutate(ctx: Ctx) -> None:
        path = _path(ctx, rel)
        path.write_bytes(transform(path.read_bytes()))

    return mutate


class _RunsCommand:
    """Pickles as ``callable(*args)``: what a hostile pickle asks the loader to run."""

    def __init__(self, func: Callable[..., Any], *args: Any) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.func, self.args)


def hostile_pickle(make: Callable[[Path], object]) -> Mutation:
    def mutate(ctx: Ctx) -> None:
        _path(ctx, PKL).write_bytes(pickle.dumps(make(ctx.marker), protocol=2))

    return mutate


def symlink_out(rel: str) -> Mutation:
    """Move ``rel`` (file or folder) outside the workspace and leave a symlink in its place."""

    def mutate(ctx: Ctx) -> None:
        source = _path(ctx, rel)
        target = ctx.outside / source.name
        shutil.move(source, target)
        source.symlink_to(target, target_is_directory=target.is_dir())

    return mutate


def symlink_to_nowhere(rel: str) -> Mutation:
    """A symlink at ``rel`` to a file outside the workspace that does not exist."""

    def mutate(ctx: Ctx) -> None:
        _path(ctx, rel).symlink_to(ctx.outside / "missing.json")

    return mutate


def symlink_to_missing_sibling(rel: str) -> Mutation:
    """``rel`` replaced by a symlink to a file beside it, inside the workspace, that does not
    exist (``missing-<name>``)."""

    def mutate(ctx: Ctx) -> None:
        path = _path(ctx, rel)
        path.unlink()
        path.symlink_to(path.with_name(f"missing-{path.name}"))

    return mutate


def replace_with_folder(rel: str) -> Mutation:
    def mutate(ctx: Ctx) -> None:
        path = _path(ctx, rel)
        path.unlink()
        (path / "inner").mkdir(parents=True)

    return mutate


def remove(rel: str) -> Mutation:
    def mutate(ctx: Ctx) -> None:
        _path(ctx, rel).unlink()

    return mutate


def copy(rel: str, to: str) -> Mutation:
    def mutate(ctx: Ctx) -> None:
        shutil.copyfile(_path(ctx, rel), _path(ctx, to))

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(ctx: Ctx) -> None:
        for mutation in mutations:
            mutation(ctx)

    return mutate


def with_index(make: Callable[[pd.DatetimeIndex], pd.Index]) -> Callable[[pd.Series], pd.Series]:
    def transform(series: pd.Series) -> pd.Series:
        out = series.copy()
        out.index = make(pd.DatetimeIndex(series.index))
        return out

    return transform


def with_values(change: Callable[[np.ndarray], Any]) -> Callable[[pd.Series], pd.Series]:
    def transform(series: pd.Series) -> pd.Series:
        values = series.to_numpy(dtype=np.float64, copy=True)
        changed = change(values)
        return pd.Series(values if changed is None else changed, index=series.index)

    return transform


def _swap(index: pd.DatetimeIndex) -> pd.Index:
    days = list(index)
    days[10], days[11] = days[11], days[10]
    return pd.DatetimeIndex(days)


def _repeat(index: pd.DatetimeIndex) -> pd.Index:
    days = list(index)
    days[6] = days[5]
    return pd.DatetimeIndex(days)


def _same_day(index: pd.DatetimeIndex) -> pd.Index:
    days = list(index)
    days[6] = days[5] + pd.Timedelta(hours=18)
    return pd.DatetimeIndex(days)


def _mixed_naive_aware(index: pd.DatetimeIndex) -> pd.Index:
    return pd.Index(
        [d.tz_localize("UTC") if i % 2 else d for i, d in enumerate(index)], dtype=object
    )


def _mixed_zones(index: pd.DatetimeIndex) -> pd.Index:
    zones = ("UTC", "Asia/Tokyo")
    return pd.Index([d.tz_localize(zones[i % 2]) for i, d in enumerate(index)], dtype=object)


def _unparseable(index: pd.DatetimeIndex) -> pd.Index:
    days = [d.strftime("%Y-%m-%d") for d in index]
    days[7] = "not a date"
    return pd.Index(days, dtype=object)


def _shift_years(years: int) -> Callable[[pd.DatetimeIndex], pd.Index]:
    def make(index: pd.DatetimeIndex) -> pd.Index:
        seconds = index.as_unit("s")
        return pd.DatetimeIndex(
            [d.replace(year=d.year + years) for d in seconds.to_pydatetime()], dtype="M8[s]"
        )

    return make


def _set(position: int, value: float) -> Callable[[np.ndarray], None]:
    def change(values: np.ndarray) -> None:
        values[position] = value

    return change


def _deep(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def _weights_doc(*assets: dict[str, Any], risk: str = "hrp") -> str:
    return json.dumps({"profiles": {risk: {"assets": list(assets)}}})


# ----------------------------------------------------------------------------- the catalogue

M = MANIFEST
# the start of an action record appended to alpha's ledger (line 26)
INTENT = '{"type": "action", "step": "backtest_optimize", "status": "intent"'
OUTCOME = '{"type": "action", "step": "backtest_simulate", "status": "success"'
FIELD = "profiles.meta_two"
S0 = f"{FIELD}.sleeves[0]"
B1 = "profiles.meta_root.sleeves[1]"  # nested_depth2's nested sleeve, 'branch'
ALLOC = f"{FIELD}.meta_allocation"

CATALOGUE: list[Hostile] = [
    # --- pickles that are not a return series -------------------------------------------
    Hostile(
        "pickle-truncated",
        pickle_bytes(lambda b: b[: len(b) // 2]),
        errors.ArtifactFormatError,
        r"is not a readable pickle \(truncated or corrupt",
        (PKL,),
    ),
    Hostile(
        "pickle-corrupt-body",
        pickle_bytes(lambda b: b[:2] + b"\xfe" * 64 + b[66:]),
        errors.ArtifactFormatError,
        r"is not a readable pickle \(truncated or corrupt",
        (PKL,),
    ),
    # numpy.dtype (admitted) refuses a type name, quoting it: "data type '<name>' not
    # understood" is 27 characters + the name, so the reason is exactly 200 characters (shown
    # whole) or 201 (cut to its first 200, which lose the last "d", and "...")
    Hostile(
        "pickle-error-of-200-characters",
        write_bytes(PKL, b"cnumpy\ndtype\n(X\xad\x00\x00\x00" + b"A" * 173 + b"tR."),
        errors.ArtifactFormatError,
        r"is not a readable pickle \(truncated or corrupt: data type 'A{173}' not understood\)$",
        (PKL,),
    ),
    Hostile(
        "pickle-error-of-201-characters",
        write_bytes(PKL, b"cnumpy\ndtype\n(X\xae\x00\x00\x00" + b"A" * 174 + b"tR."),
        errors.ArtifactFormatError,
        r"is not a readable pickle \(truncated or corrupt: data type 'A{174}' "
        r"not understoo\.\.\.\)$",
        (PKL,),
    ),
    Hostile(
        "pickle-is-csv-text",
        write_text(PKL, "date,return\n2025-10-01,0.01\n"),
        errors.ArtifactFormatError,
        r"is not a readable pickle \(truncated or corrupt",
        (PKL,),
    ),
    Hostile(
        "pickle-empty-file",
        write_bytes(PKL, b""),
        errors.ArtifactFormatError,
        r"is not a readable pickle \(truncated or corrupt: Ran out of input\)",
        (PKL,),
    ),
    Hostile(
        "pickle-out-of-band-buffer",
        write_bytes(PKL, b"\x80\x05\x97."),
        errors.ArtifactFormatError,
        r"is not a readable pickle .*out-of-band",
        (PKL,),
    ),
    Hostile(
        "pickle-of-a-list",
        returns(lambda s: s.tolist()),
        errors.ArtifactFormatError,
        r"holds a list; expected a Series or a 1-column DataFrame",
        (PKL,),
    ),
    Hostile(
        "pickle-of-a-dict",
        returns(lambda s: {"return": s.tolist()}),
        errors.ArtifactFormatError,
        r"holds a dict; expected a Series or a 1-column DataFrame",
        (PKL,),
    ),
    Hostile(
        "pickle-of-an-ndarray",
        returns(lambda s: s.to_numpy()),
        errors.ArtifactFormatError,
        r"holds a ndarray; expected a Series",
        (PKL,),
    ),
    Hostile(
        "pickle-of-none",
        returns(lambda s: None),
        errors.ArtifactFormatError,
        r"holds a NoneType; expected a Series",
        (PKL,),
    ),
    Hostile(
        "frame-with-two-columns",
        returns(lambda s: pd.DataFrame({"a": s, "b": s})),
        errors.ArtifactFormatError,
        r"holds a DataFrame with 2 columns; expected a Series or a 1-column DataFrame",
        (PKL,),
    ),
    Hostile(
        "frame-with-zero-columns",
        returns(lambda s: pd.DataFrame(index=s.index)),
        errors.ArtifactFormatError,
        r"holds a DataFrame with 0 columns",
        (PKL,),
    ),
    # --- hostile pickles: refused before anything runs ------------------------------------
    Hostile(
        "pickle-calls-os-system",
        hostile_pickle(lambda marker: _RunsCommand(os.system, f"touch {marker}")),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it imports '(posix|os)\.system'",
        (PKL,),
    ),
    Hostile(
        "pickle-calls-eval",
        hostile_pickle(
            lambda marker: _RunsCommand(eval, f"open({str(marker)!r}, 'w').write('ran')")
        ),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it imports '(__builtin__|builtins)\.eval'",
        (PKL,),
    ),
    Hostile(
        "pickle-getattr-escape",
        # an allowed class (numpy names it numpy.ndarray in every supported version; pandas
        # 2.x and 3.x name pandas.Series differently, and the message names what it resolved)
        write_bytes(PKL, b"cbuiltins\ngetattr\n(cnumpy\nndarray\nS'__init__'\ntR."),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it calls getattr\(numpy\.ndarray, '__init__'\)",
        (PKL,),
    ),
    Hostile(
        "pickle-getattr-on-a-number",
        write_bytes(PKL, b"cbuiltins\ngetattr\n(I1\nS'real'\ntR."),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it calls getattr\(None\.int, 'real'\)",
        (PKL,),
    ),
    Hostile(
        "pickle-encode-rot13",
        write_bytes(PKL, b"c_codecs\nencode\n(X\x03\x00\x00\x00abcX\x05\x00\x00\x00rot13tR."),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it calls _codecs\.encode\(<str>, 'rot13'\)",
        (PKL,),
    ),
    Hostile(
        "pickle-encode-default-codec",
        write_bytes(PKL, b"c_codecs\nencode\n(X\x03\x00\x00\x00abctR."),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it calls _codecs\.encode\(<str>, 'utf-8'\)",
        (PKL,),
    ),
    Hostile(
        "pickle-encode-bytes",
        write_bytes(PKL, b"c_codecs\nencode\n(C\x03abcX\x06\x00\x00\x00latin1tR."),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it calls _codecs\.encode\(<bytes>, 'latin1'\)",
        (PKL,),
    ),
    Hostile(
        "pickle-encode-latin1-is-no-series",
        write_bytes(PKL, b"c_codecs\nencode\n(X\x03\x00\x00\x00abcX\x06\x00\x00\x00latin1tR."),
        errors.ArtifactFormatError,
        r"holds a bytes; expected a Series",
        (PKL,),
    ),
    Hostile(
        "pickle-encode-latin-1-is-no-series",
        write_bytes(PKL, b"c_codecs\nencode\n(X\x03\x00\x00\x00abcX\x07\x00\x00\x00latin-1tR."),
        errors.ArtifactFormatError,
        r"holds a bytes; expected a Series",
        (PKL,),
    ),
    Hostile(
        "pickle-bytes-two-args",
        write_bytes(PKL, b"c__builtin__\nbytes\n(X\x03\x00\x00\x00abcX\x05\x00\x00\x00utf-8tR."),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it calls bytes\(str, str\)",
        (PKL,),
    ),
    Hostile(
        "pickle-bytes-of-bytes-is-no-series",
        write_bytes(PKL, b"c__builtin__\nbytes\n(C\x03abctR."),
        errors.ArtifactFormatError,
        r"holds a bytes; expected a Series",
        (PKL,),
    ),
    Hostile(
        "pickle-empty-bytes-is-no-series",
        write_bytes(PKL, b"c__builtin__\nbytes\n)R."),
        errors.ArtifactFormatError,
        r"holds a bytes; expected a Series",
        (PKL,),
    ),
    Hostile(
        "pickle-bytes-memory-bomb",
        write_bytes(PKL, b"c__builtin__\nbytes\n(I1000000000000\ntR."),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it calls bytes\(int\)",
        (PKL,),
    ),
    Hostile(
        "pickle-persistent-id",
        write_bytes(PKL, b"Pfoo\n."),
        errors.UnsafeArtifactError,
        r"refused to load pickle: it uses a persistent id",
        (PKL,),
    ),
    # --- return values of the wrong dtype -------------------------------------------------
    Hostile(
        "returns-as-strings",
        returns(lambda s: s.map(lambda v: f"{v:.6f}").astype(object)),
        errors.ArtifactFormatError,
        r"holds values of dtype object; expected float or integer returns",
        (PKL,),
    ),
    Hostile(
        "returns-string-dtype",
        returns(lambda s: s.astype("string")),
        errors.ArtifactFormatError,
        r"holds values of dtype string; expected float or integer returns",
        (PKL,),
    ),
    Hostile(
        "returns-bool-dtype",
        returns(lambda s: s > 0),
        errors.ArtifactFormatError,
        r"holds values of dtype bool; expected float or integer returns",
        (PKL,),
    ),
    Hostile(
        "returns-complex-dtype",
        returns(lambda s: s.astype("complex128")),
        errors.ArtifactFormatError,
        r"holds values of dtype complex128",
        (PKL,),
    ),
    Hostile(
        "returns-datetime-values",
        # nanoseconds: pandas 3 would otherwise keep microseconds where pandas 2 has ns
        returns(lambda s: pd.Series(s.index.as_unit("ns"), index=s.index)),
        errors.ArtifactFormatError,
        r"holds values of dtype datetime64\[ns\]",
        (PKL,),
    ),
    # --- indexes that are not a clean daily calendar --------------------------------------
    Hostile(
        "dates-not-increasing",
        returns(with_index(_swap)),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): dates are not in increasing order "
        r"\(2025-10-11 follows 2025-10-12\)",
        (PKL,),
    ),
    Hostile(
        "duplicate-dates",
        returns(with_index(_repeat)),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): duplicate dates after normalizing to days: 2025-10-06",
        (PKL,),
    ),
    Hostile(
        "duplicate-days-after-normalizing",
        returns(with_index(_same_day)),
        errors.ReturnsDataError,
        r"duplicate dates after normalizing to days: 2025-10-06",
        (PKL,),
    ),
    Hostile(
        "index-mixes-naive-and-utc",
        returns(with_index(_mixed_naive_aware)),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): index mixes time zones \(UTC, naive\)",
        (PKL,),
    ),
    Hostile(
        "index-mixes-two-zones",
        returns(with_index(_mixed_zones)),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): index mixes time zones \(Asia/Tokyo, UTC\)",
        (PKL,),
    ),
    Hostile(
        "index-unparseable-strings",
        returns(with_index(_unparseable)),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): index is not parseable as dates",
        (PKL,),
    ),
    Hostile(
        "index-of-integers",
        returns(lambda s: s.reset_index(drop=True)),
        errors.ReturnsDataError,
        r"index is int64 numbers, not dates; expected a DatetimeIndex",
        (PKL,),
    ),
    Hostile(
        "index-with-missing-dates",
        returns(with_index(lambda ix: ix.where(np.arange(len(ix)) != 3))),
        errors.ReturnsDataError,
        r"index has missing dates \(NaT\)",
        (PKL,),
    ),
    Hostile(
        "dates-after-2262",
        returns(with_index(_shift_years(1000))),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): dates 3025-10-01\.\.3025-11-29 are outside the supported "
        r"range 1677-09-22\.\.2262-04-11",
        (PKL,),
    ),
    Hostile(
        "dates-before-1677",
        returns(with_index(_shift_years(-600))),
        errors.ReturnsDataError,
        r"dates 1425-10-01\.\.1425-11-29 are outside the supported range",
        (PKL,),
    ),
    # --- return values that break the contract --------------------------------------------
    Hostile(
        "all-nan-sleeve",
        returns(with_values(lambda v: np.full_like(v, np.nan))),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): no finite returns \(60 NaN values\)",
        (PKL,),
    ),
    Hostile(
        "empty-series",
        returns(lambda s: s.iloc[:0]),
        errors.ReturnsDataError,
        r"no finite returns \(0 NaN values\)",
        (PKL,),
    ),
    Hostile(
        "return-below-minus-one",
        returns(with_values(_set(7, -1.5))),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): return -1\.5 on 2025-10-08 is below -1",
        (PKL,),
    ),
    Hostile(
        "return-plus-inf",
        returns(with_values(_set(3, np.inf))),
        errors.ReturnsDataError,
        r"sleeve 'alpha' \(.*\): infinite return on 2025-10-04",
        (PKL,),
    ),
    Hostile(
        "return-minus-inf",
        returns(with_values(_set(4, -np.inf))),
        errors.ReturnsDataError,
        r"infinite return on 2025-10-05",
        (PKL,),
    ),
    # --- the manifest file itself ---------------------------------------------------------
    Hostile(
        "manifest-not-json",
        write_text(M, "{profiles: meta_two"),
        errors.ManifestError,
        r"^configs/manifest\.json: not valid JSON",
        (M,),
    ),
    Hostile(
        "manifest-empty-file",
        write_text(M, ""),
        errors.ManifestError,
        r"^configs/manifest\.json: not valid JSON \(Expecting value",
        (M,),
    ),
    Hostile(
        "manifest-nan-constant",
        write_text(M, '{"profiles": NaN}'),
        errors.ManifestError,
        r"^configs/manifest\.json: not valid JSON \(NaN is not valid JSON\)",
        (M,),
    ),
    Hostile(
        "manifest-not-utf8",
        write_bytes(M, b'{"profiles": {"\xff\xfe": 1}}'),
        errors.ManifestError,
        r"^configs/manifest\.json: cannot read manifest",
        (M,),
    ),
    Hostile(
        "manifest-nested-too-deep",
        write_text(M, _deep()),
        errors.ManifestError,
        r"^configs/manifest\.json: not valid JSON \(nested too deeply",
        (M,),
    ),
    Hostile(
        "manifest-missing",
        remove(M),
        errors.MissingArtifactError,
        r"^configs/manifest\.json: manifest not found",
        (M,),
    ),
    Hostile(
        "manifest-top-level-list",
        write_text(M, "[]"),
        errors.ManifestError,
        r"^configs/manifest\.json: top level must be an object, got a list",
        (M,),
    ),
    # --- the manifest: wrong types at every level -----------------------------------------
    Hostile(
        "profiles-a-list",
        edit_json(M, lambda d: {"profiles": [d["profiles"]]}),
        errors.ManifestError,
        r"'profiles' must be an object, got a list",
        (M,),
    ),
    Hostile(
        "profiles-a-boolean",
        edit_json(M, lambda d: {"profiles": True}),
        errors.ManifestError,
        r"'profiles' must be an object, got a boolean",
        (M,),
    ),
    Hostile(
        "profiles-missing",
        write_text(M, '{"meta_two": {}}'),
        errors.ManifestError,
        r"'profiles' must be an object, got null",
        (M,),
    ),
    Hostile(
        "sleeves-a-dict",
        manifest(lambda p: p.update(sleeves={"alpha": {"profile": "alpha"}})),
        errors.ManifestError,
        r"profiles\.meta_two\.sleeves must be a non-empty list, got \{",
        (M, f"{FIELD}.sleeves"),
    ),
    Hostile(
        "sleeves-empty",
        manifest(lambda p: p.update(sleeves=[])),
        errors.ManifestError,
        r"profiles\.meta_two\.sleeves must be a non-empty list, got \[\]",
        (M, f"{FIELD}.sleeves"),
    ),
    Hostile(
        "sleeve-a-string",
        manifest(lambda p: p["sleeves"].__setitem__(0, "alpha")),
        errors.ManifestError,
        r"profiles\.meta_two\.sleeves\[0\] must be an object, got a string",
        (M, S0),
    ),
    Hostile(
        "sleeve-id-a-number",
        sleeve(0, id=7),
        errors.ManifestError,
        r"sleeves\[0\]\.id must be a non-empty string, got 7",
        (M, f"{S0}.id"),
    ),
    Hostile(
        "sleeve-id-not-a-name",
        sleeve(0, id="alpha beta"),
        errors.ManifestError,
        r"sleeves\[0\]\.id is 'alpha beta'; expected letters, digits, '_', '\.', '-' starting",
        (M, f"{S0}.id"),
    ),
    Hostile(
        "health-min-sleeves-zero",
        manifest(lambda p: p.update(health={"min_sleeves": 0})),
        errors.ManifestError,
        r"profiles\.meta_two\.health\.min_sleeves is 0, must be >= 1",
        (M, f"{FIELD}.health.min_sleeves"),
    ),
    Hostile(
        "sleeve-profile-a-list",
        sleeve(0, profile=["alpha"]),
        errors.ManifestError,
        r"sleeves\[0\]\.profile must be a non-empty string, got \['alpha'\]",
        (M, f"{S0}.profile"),
    ),
    Hostile(
        "sleeve-profile-and-meta-profile",
        sleeve(0, meta_profile="meta_two"),
        errors.ManifestError,
        r"sleeves\[0\] \(sleeve 'alpha'\) needs exactly one of 'profile'",
        (M, S0),
    ),
    Hostile(
        "sleeve-unknown-key",
        sleeve(0, wieght_limit=[0, 1]),
        errors.ManifestError,
        r"sleeves\[0\]: unknown key 'wieght_limit'",
        (M, S0),
    ),
    Hostile(
        "weight-limit-a-string",
        sleeve(0, weight_limit="0.1-0.5"),
        errors.ManifestError,
        r"sleeves\[0\]\.weight_limit \(sleeve 'alpha'\) must be \[lo, hi\], got '0\.1-0\.5'",
        (M, f"{S0}.weight_limit"),
    ),
    Hostile(
        "weight-limit-one-number",
        sleeve(0, weight_limit=[0.1]),
        errors.ManifestError,
        r"sleeves\[0\]\.weight_limit \(sleeve 'alpha'\) must be \[lo, hi\], got \[0\.1\]",
        (M, f"{S0}.weight_limit"),
    ),
    Hostile(
        "weight-limit-lo-a-string",
        sleeve(0, weight_limit=["0.1", 0.5]),
        errors.ManifestError,
        r"sleeves\[0\]\.weight_limit\[0\] \(sleeve 'alpha'\) must be a number",
        (M, f"{S0}.weight_limit"),
    ),
    Hostile(
        "weight-limit-lo-above-hi",
        sleeve(0, weight_limit=[0.6, 0.2]),
        errors.InfeasibleBoundsError,
        r"profiles\.meta_two\.sleeves\[0\]\.weight_limit \(sleeve 'alpha'\): "
        r"\[0\.6, 0\.2\] has lo > hi",
        (M, f"{S0}.weight_limit"),
    ),
    Hostile(
        "nested-sleeve-pinned",
        manifest(
            lambda p: p["sleeves"].__setitem__(
                0, {"id": "alpha", "meta_profile": "meta_two", "run_id": "alpha_run"}
            )
        ),
        errors.ManifestError,
        r"sleeves\[0\] \(sleeve 'alpha'\): run_id needs 'profile'",
        (M, S0),
    ),
    Hostile(
        "weight-limit-item-a-string",
        sleeve(0, weight_limit=[0.1, "0.5"]),
        errors.ManifestError,
        r"sleeves\[0\]\.weight_limit\[1\] \(sleeve 'alpha'\) must be a number, got '0\.5'",
        (M, f"{S0}.weight_limit[1]"),
    ),
    Hostile(
        "meta-allocation-a-list",
        manifest(lambda p: p.update(meta_allocation=[{"min_weight": 0.1}])),
        errors.ManifestError,
        r"profiles\.meta_two\.meta_allocation must be an object, got a list",
        (M, ALLOC),
    ),
    Hostile(
        "min-weight-a-string",
        allocation(min_weight="0.1"),
        errors.ManifestError,
        r"meta_allocation\.min_weight must be a number, got '0\.1'",
        (M, f"{ALLOC}.min_weight"),
    ),
    Hostile(
        "max-weight-a-boolean",
        allocation(max_weight=True),
        errors.ManifestError,
        r"meta_allocation\.max_weight must be a number, got True",
        (M, f"{ALLOC}.max_weight"),
    ),
    Hostile(
        "risk-profiles-a-string",
        allocation(risk_profiles="hrp"),
        errors.ManifestError,
        r"meta_allocation\.risk_profiles must be a non-empty list, got 'hrp'",
        (M, f"{ALLOC}.risk_profiles"),
    ),
    Hostile(
        "risk-profile-a-path",
        allocation(risk_profiles=["../hrp"]),
        errors.ManifestError,
        r"meta_allocation\.risk_profiles\[0\] is '\.\./hrp'; expected letters, digits",
        (M, f"{ALLOC}.risk_profiles[0]"),
    ),
    Hostile(
        "method-a-number",
        allocation(method=3),
        errors.ManifestError,
        r"meta_allocation\.method is 3; allowed: equal_weight",
        (M, f"{ALLOC}.method"),
    ),
    Hostile(
        "min-observations-a-float",
        allocation(min_observations=20.5),
        errors.ManifestError,
        r"meta_allocation\.min_observations must be an integer, got 20\.5",
        (M, f"{ALLOC}.min_observations"),
    ),
    Hostile(
        "health-a-list",
        manifest(lambda p: p.update(health=[0.75])),
        errors.ManifestError,
        r"profiles\.meta_two\.health must be an object, got a list",
        (M, f"{FIELD}.health"),
    ),
    Hostile(
        "min-success-ratio-a-string",
        health(min_success_ratio="75%"),
        errors.ManifestError,
        r"health\.min_success_ratio must be a number, got '75%'",
        (M, f"{FIELD}.health.min_success_ratio"),
    ),
    Hostile(
        "require-ledger-a-string",
        health(require_ledger="yes"),
        errors.ManifestError,
        r"health\.require_ledger must be true or false, got 'yes'",
        (M, f"{FIELD}.health.require_ledger"),
    ),
    Hostile(
        "calendar-a-string",
        manifest(lambda p: p.update(calendar="intersect")),
        errors.ManifestError,
        r"profiles\.meta_two\.calendar must be an object, got a string",
        (M, f"{FIELD}.calendar"),
    ),
    Hostile(
        "description-a-fraction",
        manifest(lambda p: p.update(description=0.5)),
        errors.ManifestError,
        r"profiles\.meta_two\.description must be a string, got a number",
        (M, f"{FIELD}.description"),
    ),
    Hostile(
        "description-an-object",
        manifest(lambda p: p.update(description={"text": "x"})),
        errors.ManifestError,
        r"profiles\.meta_two\.description must be a string, got an object",
        (M, f"{FIELD}.description"),
    ),
    Hostile(
        "description-a-number",
        manifest(lambda p: p.update(description=42)),
        errors.ManifestError,
        r"profiles\.meta_two\.description must be a string, got a number",
        (M, f"{FIELD}.description"),
    ),
    Hostile(
        "meta-profile-references-itself",
        manifest(lambda p: p["sleeves"].append({"id": "me", "meta_profile": "meta_two"})),
        errors.ManifestError,
        r"cyclic meta profiles: meta_two -> meta_two \(at profiles\.meta_two\.sleeves\[2\]\)",
        (M, f"{FIELD}.sleeves[2]"),
    ),
    Hostile(
        "nested-meta-profile-is-not-meta",
        branch_sleeve(meta_profile="core"),
        errors.ManifestError,
        r"profiles\.meta_root\.sleeves\[1\]\.meta_profile 'core' is not a meta profile",
        (M, f"{B1}.meta_profile"),
        case="nested_depth2",
        profile="meta_root",
    ),
    # --- names and pins of sleeves, upstream feature flags (issue 11: manifest survivors) ---
    Hostile(
        "sleeve-engine-not-a-name",
        sleeve(0, engine="vector bt"),
        errors.ManifestError,
        r"sleeves\[0\]\.engine is 'vector bt'; expected letters, digits, '_', '\.', '-'",
        (M, f"{S0}.engine"),
    ),
    Hostile(
        "sleeve-simulator-not-a-name",
        sleeve(0, simulator="../sim"),
        errors.ManifestError,
        r"sleeves\[0\]\.simulator is '\.\./sim'; expected letters, digits, '_', '\.', '-'",
        (M, f"{S0}.simulator"),
    ),
    *(
        Hostile(
            f"nested-sleeve-{pin}-pin",
            branch_sleeve(**{pin: value}),
            errors.ManifestError,
            r"profiles\.meta_root\.sleeves\[1\] \(sleeve 'branch'\): engine/simulator need "
            r"'profile'",
            (M, B1),
            case="nested_depth2",
            profile="meta_root",
        )
        for pin, value in (("engine", "vectorbt"), ("simulator", "custom"))
    ),
    Hostile(
        "nested-meta-profile-not-a-name",
        branch_sleeve(meta_profile="meta branch"),
        errors.ManifestError,
        r"profiles\.meta_root\.sleeves\[1\]\.meta_profile is 'meta branch'; expected letters",
        (M, f"{B1}.meta_profile"),
        case="nested_depth2",
        profile="meta_root",
    ),
    Hostile(
        "features-a-list",
        manifest(lambda p: p.update(features=["feat_directional_sign_test_gate"])),
        errors.ManifestError,
        r"profiles\.meta_two\.features must be an object, got a list",
        (M, f"{FIELD}.features"),
    ),
    Hostile(
        "features-unknown-flag",
        manifest(lambda p: p.update(features={"feat_directional_sign_test_gat": True})),
        errors.ManifestError,
        r"profiles\.meta_two\.features: unknown key 'feat_directional_sign_test_gat' \(did "
        r"you mean 'feat_directional_sign_test_gate'\?\)",
        (M, f"{FIELD}.features"),
    ),
    Hostile(
        "method-unknown",
        allocation(method="hrpp"),
        errors.ManifestError,
        r"meta_allocation\.method is 'hrpp'; allowed: equal_weight",
        (M, f"{ALLOC}.method"),
    ),
    Hostile(
        "max-weight-above-one",
        allocation(max_weight=1.5),
        errors.ManifestError,
        r"meta_allocation\.max_weight is 1\.5, must be within \[0, 1\]",
        (M, f"{ALLOC}.max_weight"),
    ),
    Hostile(
        "risk-profiles-duplicates",
        allocation(risk_profiles=["hrp", "hrp"]),
        errors.ManifestError,
        r"meta_allocation\.risk_profiles has duplicates: \['hrp', 'hrp'\]",
        (M, f"{ALLOC}.risk_profiles"),
    ),
    Hostile(
        "upstream-profile-not-a-name",  # upstream's meta_allocation.profile, no risk_profiles
        manifest(lambda p: p.update(meta_allocation={"engine": "custom", "profile": "hrp v2"})),
        errors.ManifestError,
        r"meta_allocation\.profile is 'hrp v2'; expected letters, digits",
        (M, f"{ALLOC}.profile"),
    ),
    Hostile(
        "allocation-engine-a-number",
        allocation(engine=5),
        errors.ManifestError,
        r"meta_allocation\.engine must be a non-empty string, got 5",
        (M, f"{ALLOC}.engine"),
    ),
    Hostile(
        "min-weight-above-max-weight",
        allocation(min_weight=0.6, max_weight=0.4),
        errors.InfeasibleBoundsError,
        r"meta_allocation: min_weight 0\.6 is greater than max_weight 0\.4",
        (M, ALLOC),
    ),
    Hostile(
        "linkage-unknown",
        allocation(linkage="avg"),
        errors.ManifestError,
        r"meta_allocation\.linkage is 'avg'; allowed: ",
        (M, f"{ALLOC}.linkage"),
    ),
    Hostile(
        "covariance-unknown",
        allocation(covariance="shrunk"),
        errors.ManifestError,
        r"meta_allocation\.covariance is 'shrunk'; allowed: ",
        (M, f"{ALLOC}.covariance"),
    ),
    Hostile(
        "risk-profile-unknown-without-method",
        allocation(risk_profiles=["momentum"]),
        errors.ManifestError,
        r"meta_allocation\.risk_profiles: unknown risk profile 'momentum': it is not an "
        r"allocator and meta_allocation\.method is not set; allowed: equal_weight, erc, ",
        (M, f"{ALLOC}.risk_profiles"),
    ),
    Hostile(
        "meta-profile-not-found",
        edit_json(M, lambda d: None),  # the manifest as it is; the command names another profile
        errors.ManifestError,
        r"meta profile 'meta_nope' not found; meta profiles: meta_branch, meta_root$",
        (M, "meta_nope"),
        case="nested_depth2",
        profile="meta_nope",
    ),
    Hostile(
        "meta-profile-none-in-manifest",
        edit_json(M, lambda d: d.update(profiles={"plain": {"description": "atomic"}})),
        errors.ManifestError,
        r"meta profile 'meta_two' not found; meta profiles: none$",
        (M, "meta_two"),
    ),
    Hostile(
        "configured-risk-profile-without-returns",  # no --risk-profiles: the manifest's list
        allocation(risk_profiles=["erc"]),
        errors.HealthVetoError,
        r"profiles\.meta_two \(erc\): only 0 sleeve\(s\) passed the health guardrail, fewer "
        r"than min_sleeves 2; vetoed: alpha: no backtest_optimize records for risk profile 'erc'",
        ("profiles.meta_two", "erc", f"{ALPHA}/audit.jsonl"),
    ),
    Hostile(
        "meta-profile-without-sleeves",
        plain_profile(),
        errors.ManifestError,
        r"meta profile 'plain' not found \(it has no 'sleeves'\); meta profiles: meta_two$",
        (M, "plain"),
        profile="plain",
    ),
    Hostile(
        "meta-profile-name-not-a-file-name",
        edit_json(M, lambda d: d["profiles"].update({"meta two": d["profiles"].pop("meta_two")})),
        errors.ManifestError,
        r"profiles\.meta two: profile name 'meta two' cannot be used in file names",
        (M, "profiles.meta two"),
        profile="meta two",
    ),
    Hostile(
        "profile-unknown-key-no-close-match",
        manifest(lambda p: p.update(zzzz=1)),
        errors.ManifestError,
        r"profiles\.meta_two: unknown key 'zzzz'; allowed keys: ",
        (M, FIELD),
    ),
    Hostile(
        "calendar-alignment-unknown",
        manifest(lambda p: p.update(calendar={"alignment": "pad"})),
        errors.ManifestError,
        r"profiles\.meta_two\.calendar\.alignment is 'pad'; allowed: ",
        (M, f"{FIELD}.calendar.alignment"),
    ),
    Hostile(
        "sleeve-id-duplicate",
        manifest(lambda p: p["sleeves"].append({"id": "alpha", "profile": "beta"})),
        errors.ManifestError,
        r"profiles\.meta_two: duplicate sleeve id 'alpha' \(sleeves\[0\] and sleeves\[2\]\)",
        (M, FIELD),
    ),
    Hostile(
        "health-min-sleeves-above-count",
        health(min_sleeves=3),
        errors.ManifestError,
        r"profiles\.meta_two\.health\.min_sleeves is 3 but the profile has only 2 sleeve\(s\)",
        (M, f"{FIELD}.health.min_sleeves"),
    ),
    Hostile(
        "nested-meta-profile-without-sleeves",
        both(plain_profile(), branch_sleeve(meta_profile="plain")),
        errors.ManifestError,
        r"profiles\.meta_root\.sleeves\[1\]\.meta_profile 'plain' is not a meta profile "
        r"\(it has no 'sleeves'\)",
        (M, f"{B1}.meta_profile"),
        case="nested_depth2",
        profile="meta_root",
    ),
    # --- run ids that are paths -----------------------------------------------------------
    Hostile(
        "pinned-run-id-dot-dot",
        sleeve(0, run_id="../alpha_20260101-000000"),
        errors.RunIdError,
        r"sleeves\[0\]\.run_id \(sleeve 'alpha'\): run id '\.\./alpha_20260101-000000' is not "
        r"allowed",
        (M, f"{S0}.run_id"),
    ),
    Hostile(
        "pinned-run-id-with-separator",
        sleeve(0, run_id="alpha_20260101-000000/../../../../x"),
        errors.RunIdError,
        r"run id 'alpha_20260101-000000/\.\./\.\./\.\./\.\./x' is not allowed",
        (M, f"{S0}.run_id"),
    ),
    Hostile(
        "pinned-run-id-absolute",
        sleeve(0, run_id="/tmp"),
        errors.RunIdError,
        r"run id '/tmp' is not allowed",
        (M, f"{S0}.run_id"),
    ),
    Hostile(
        "cli-run-id-dot-dot",
        lambda ctx: None,
        errors.RunIdError,
        r"^--run-id: run id '\.\./escape' is not allowed",
        ("--run-id",),
        run_id="../escape",
    ),
    Hostile(
        "cli-run-id-with-separator",
        lambda ctx: None,
        errors.RunIdError,
        r"^--run-id: run id 'a/b' is not allowed",
        ("--run-id",),
        run_id="a/b",
    ),
    Hostile(
        "cli-run-id-is-dot-dot",
        lambda ctx: None,
        errors.RunIdError,
        r"^--run-id: run id '\.\.' is not allowed",
        ("--run-id",),
        run_id="..",
    ),
    Hostile(
        "cli-run-id-trailing-newline",
        lambda ctx: None,
        errors.RunIdError,
        r"^--run-id: run id 'ok\\n' is not allowed",
        ("--run-id",),
        run_id="ok\n",
    ),
    Hostile(
        "cli-risk-profile-a-glob",
        lambda ctx: None,
        errors.ManifestError,
        r"risk profile '\*' is not a valid name",
        (M,),
        risk_profiles=("*",),
    ),
    # --- symlinks that leave the workspace ------------------------------------------------
    Hostile(
        "returns-file-symlinked-outside",
        symlink_out(PKL),
        errors.UnsafeArtifactError,
        r"custom_vectorbt_hrp\.pkl: resolves to .*, outside the workspace",
        (PKL,),
    ),
    Hostile(
        "returns-folder-symlinked-outside",
        symlink_out(f"{ALPHA}/data/returns"),
        errors.UnsafeArtifactError,
        r"custom_vectorbt_hrp\.pkl: resolves to .*, outside the workspace",
        (PKL,),
    ),
    Hostile(
        "run-folder-symlinked-outside",
        symlink_out(ALPHA),
        errors.UnsafeArtifactError,
        r"alpha_20260101-000000: resolves to .*, outside the workspace",
        (ALPHA,),
    ),
    Hostile(
        "ledger-symlinked-outside",
        symlink_out(LEDGER),
        errors.UnsafeArtifactError,
        r"audit\.jsonl: resolves to .*, outside the workspace",
        (LEDGER,),
    ),
    Hostile(
        "weights-symlinked-outside",
        symlink_out(WEIGHTS),
        errors.UnsafeArtifactError,
        r"portfolio_flattened\.json: resolves to .*, outside the workspace",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-v2-symlinked-outside",
        both(
            remove(WEIGHTS),
            write_text(
                f"{ALPHA}/data/portfolio_optimized_v2.json",
                _weights_doc({"Symbol": "NYSE:AAA_x_LONG", "Weight": 1.0}),
            ),
            symlink_out(f"{ALPHA}/data/portfolio_optimized_v2.json"),
        ),
        errors.UnsafeArtifactError,
        r"portfolio_optimized_v2\.json: resolves to .*, outside the workspace",
        (f"{ALPHA}/data/portfolio_optimized_v2.json",),
    ),
    Hostile(
        "weights-dangling-symlink",
        both(remove(WEIGHTS), symlink_to_nowhere(WEIGHTS)),
        errors.UnsafeArtifactError,
        r"portfolio_flattened\.json: resolves to .*, outside the workspace",
        (WEIGHTS,),
    ),
    Hostile(
        "resolved-manifest-symlinked-outside",
        symlink_out(RESOLVED),
        errors.UnsafeArtifactError,
        r"resolved_manifest\.json: resolves to .*, outside the workspace",
        (RESOLVED,),
    ),
    # --- ledgers with broken lines --------------------------------------------------------
    Hostile(
        "ledger-line-not-json",
        append_line(LEDGER, '{"type": "action", "status": '),
        errors.LedgerError,
        r"audit\.jsonl line 26: not valid JSON",
        (LEDGER,),
    ),
    Hostile(
        "ledger-line-json-array",
        append_line(LEDGER, '["action", "success"]'),
        errors.LedgerError,
        r"audit\.jsonl line 26: a JSON list, expected an object",
        (LEDGER,),
    ),
    Hostile(
        "ledger-window-index-a-string",
        append_line(
            LEDGER,
            '{"type": "action", "status": "success", "step": "backtest_optimize", '
            '"context": {"window_index": "3", "profile": "hrp"}}',
        ),
        errors.LedgerError,
        r"audit\.jsonl line 26: context\.window_index is str '3', expected int",
        (LEDGER,),
    ),
    Hostile(
        "ledger-context-a-list",
        append_line(LEDGER, '{"type": "action", "status": "success", "step": "x", "context": [1]}'),
        errors.LedgerError,
        r"audit\.jsonl line 26: context is list \[1\], expected an object",
        (LEDGER,),
    ),
    Hostile(
        "ledger-intent-a-list",
        append_line(
            LEDGER,
            INTENT + ', "intent": [1]}',
        ),
        errors.LedgerError,
        r"audit\.jsonl line 26: intent is list \[1\], expected an object",
        (LEDGER,),
    ),
    Hostile(
        "ledger-intent-params-a-list",
        append_line(
            LEDGER,
            INTENT + ', "intent": {"params": [1]}}',
        ),
        errors.LedgerError,
        r"audit\.jsonl line 26: intent\.params is list \[1\], expected an object",
        (LEDGER,),
    ),
    Hostile(
        "ledger-intent-profile-a-number",
        append_line(
            LEDGER,
            INTENT + ', "intent": {"params": {"profile": 1}}}',
        ),
        errors.LedgerError,
        r"audit\.jsonl line 26: intent\.params\.profile is int 1, expected str",
        (LEDGER,),
    ),
    Hostile(
        "ledger-intent-engine-a-list",
        append_line(
            LEDGER,
            INTENT + ', "intent": {"params": {"engine": ["x"]}}}',
        ),
        errors.LedgerError,
        r"audit\.jsonl line 26: intent\.params\.engine is list \['x'\], expected str",
        (LEDGER,),
    ),
    Hostile(
        "ledger-outcome-a-string",
        append_line(
            LEDGER,
            OUTCOME + ', "outcome": "ok"}',
        ),
        errors.LedgerError,
        r"audit\.jsonl line 26: outcome is str 'ok', expected an object",
        (LEDGER,),
    ),
    Hostile(
        "ledger-outcome-metrics-a-list",
        append_line(
            LEDGER,
            OUTCOME + ', "outcome": {"metrics": [1]}}',
        ),
        errors.LedgerError,
        r"audit\.jsonl line 26: outcome\.metrics is list \[1\], expected an object",
        (LEDGER,),
    ),
    Hostile(
        "ledger-genesis-ts-a-number",
        edit_genesis(ts=20260105),
        errors.LedgerError,
        r"audit\.jsonl line 1: genesis ts is 20260105, expected a string",
        (LEDGER,),
    ),
    Hostile(
        "ledger-step-a-number",
        append_line(LEDGER, '{"type": "action", "status": "success", "step": 7}'),
        errors.LedgerError,
        r"audit\.jsonl line 26: step is int 7, expected a string",
        (LEDGER,),
    ),
    Hostile(
        "ledger-action-without-step",
        append_line(LEDGER, '{"type": "action", "status": "success"}'),
        errors.LedgerError,
        r"audit\.jsonl line 26: step is NoneType None, expected a string",
        (LEDGER,),
    ),
    Hostile(
        "ledger-not-utf8",
        write_bytes(LEDGER, b'{"type": "genesis", "ts": "\xff"}\n'),
        errors.LedgerError,
        r"audit\.jsonl: not UTF-8 text",
        (LEDGER,),
    ),
    Hostile(
        "ledger-line-nested-too-deep",
        append_line(LEDGER, _deep()),
        errors.LedgerError,
        r"audit\.jsonl line 26: not valid JSON \(nested too deeply",
        (LEDGER,),
    ),
    Hostile(
        "ledger-line-huge-integer",
        append_line(LEDGER, '{"type": "action", "n": ' + "9" * 5000 + "}"),
        errors.LedgerError,
        r"audit\.jsonl line 26: not valid JSON \(.*4300 digits",
        (LEDGER,),
    ),
    Hostile(
        "ledger-symlink-to-a-missing-file-inside",
        symlink_to_missing_sibling(LEDGER),
        errors.MissingArtifactError,
        r"audit\.jsonl: ledger not found",
        (LEDGER,),
    ),
    Hostile(
        "ledger-is-a-folder",
        replace_with_folder(LEDGER),
        errors.LedgerError,
        r"audit\.jsonl: cannot be read \(Is a directory\)",
        (LEDGER,),
    ),
    Hostile(
        "genesis-ts-not-iso",
        both(
            edit_json(RESOLVED, lambda d: d.__delitem__("created_at")), edit_genesis(ts="yesterday")
        ),
        errors.LedgerError,
        r"audit\.jsonl line 1: genesis ts 'yesterday' is not ISO-8601",
        (LEDGER,),
    ),
    Hostile(
        "genesis-ts-out-of-range-in-utc",
        edit_genesis(ts="0001-01-01T00:00:00+14:00"),
        errors.LedgerError,
        r"audit\.jsonl line 1: genesis ts '0001-01-01T00:00:00\+14:00' is not ISO-8601",
        (LEDGER,),
    ),
    # --- sleeve weight files --------------------------------------------------------------
    Hostile(
        "weights-other-risk-profiles",
        write_text(
            WEIGHTS,
            json.dumps({"profiles": {"erc": {"assets": []}, "min_variance": {"assets": []}}}),
        ),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: no weights for risk profile 'hrp' \(has: erc, min_variance\)",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-no-risk-profiles",
        write_text(WEIGHTS, json.dumps({"profiles": {}})),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: no weights for risk profile 'hrp' \(has: none\)",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-flattened-without-weights",
        write_text(WEIGHTS, _weights_doc({"Symbol": "X:A", "Direction": "LONG"})),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: profiles\.hrp\.assets\[0\] has neither Net_Weight nor Weight",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-flattened-weight-text",
        write_text(WEIGHTS, _weights_doc({"Symbol": "X:A", "Weight": "0.5"})),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: profiles\.hrp\.assets\[0\]\.Weight is '0\.5', "
        r"expected a finite number",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-flattened-direction-a-number",
        write_text(WEIGHTS, _weights_doc({"Symbol": "X:A", "Weight": 0.5, "Direction": 1})),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: profiles\.hrp\.assets\[0\]\.Direction is 1, "
        r"expected 'LONG' or 'SHORT'",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-missing-risk-profile",
        write_text(WEIGHTS, _weights_doc({"Symbol": "X:A", "Net_Weight": 1.0}, risk="erc")),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: no weights for risk profile 'hrp' \(has: erc\)",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-not-json",
        write_text(WEIGHTS, "{'profiles': {}}"),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: not valid JSON \(Expecting property name",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-empty-file",
        write_text(WEIGHTS, ""),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: not valid JSON \(Expecting value: line 1 column 1\)",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-nan",
        write_text(
            WEIGHTS, '{"profiles": {"hrp": {"assets": [{"Symbol": "X:A", "Net_Weight": NaN}]}}}'
        ),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: NaN is not allowed \(weights must be finite numbers\)",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-infinity",
        write_text(
            WEIGHTS,
            '{"profiles": {"hrp": {"assets": [{"Symbol": "X:A", "Net_Weight": -Infinity}]}}}',
        ),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: -Infinity is not allowed",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-profiles-a-list",
        write_text(WEIGHTS, '{"profiles": [{"hrp": {}}]}'),
        errors.ArtifactFormatError,
        r'portfolio_flattened\.json: expected \{"profiles": \{"<risk profile>"',
        (WEIGHTS,),
    ),
    Hostile(
        "weights-assets-an-object",
        write_text(WEIGHTS, '{"profiles": {"hrp": {"assets": {"X:A": 1.0}}}}'),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: profiles\.hrp\.assets is missing or not a list",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-asset-a-number",
        write_text(WEIGHTS, '{"profiles": {"hrp": {"assets": [1.0]}}}'),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: profiles\.hrp\.assets\[0\] is 1\.0, expected an object",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-not-utf8",
        write_bytes(WEIGHTS, b'{"profiles": {"hrp": {"assets": []}}, "note": "caf\xe9"}'),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: not UTF-8 text \(.*can't decode byte 0xe9",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-is-a-folder",
        replace_with_folder(WEIGHTS),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: cannot be read \(Is a directory\)",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-symbol-missing",
        write_text(WEIGHTS, _weights_doc({"Net_Weight": 1.0})),
        errors.ArtifactFormatError,
        r"profiles\.hrp\.assets\[0\]\.Symbol is None, expected a non-empty string",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-net-a-string",
        write_text(WEIGHTS, _weights_doc({"Symbol": "X:A", "Net_Weight": "0.5"})),
        errors.ArtifactFormatError,
        r"profiles\.hrp\.assets\[0\]\.Net_Weight is '0\.5', expected a finite number",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-direction-unknown",
        write_text(WEIGHTS, _weights_doc({"Symbol": "X:A", "Weight": 1.0, "Direction": "UP"})),
        errors.ArtifactFormatError,
        r"profiles\.hrp\.assets\[0\]\.Direction is 'UP', expected 'LONG' or 'SHORT'",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-overflow-when-summed",
        write_text(
            WEIGHTS,
            _weights_doc(
                {"Symbol": "X:A", "Net_Weight": 1.7e308}, {"Symbol": "X:B", "Net_Weight": 1.7e308}
            ),
        ),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: profiles\.hrp: the sleeve's gross weight overflows",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-same-symbol-overflows",
        write_text(
            WEIGHTS,
            _weights_doc(
                {"Symbol": "X:A", "Net_Weight": 1.7e308}, {"Symbol": "X:A", "Net_Weight": 1.7e308}
            ),
        ),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: profiles\.hrp: the sleeve's gross weight overflows",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-nested-too-deep",
        write_text(WEIGHTS, _deep()),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: not valid JSON \(nested too deeply",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-huge-integer",
        write_text(WEIGHTS, '{"profiles": {"hrp": {"assets": [], "n": ' + "9" * 5000 + "}}}"),
        errors.ArtifactFormatError,
        r"portfolio_flattened\.json: not valid JSON \(.*4300 digits",
        (WEIGHTS,),
    ),
    Hostile(
        "weights-v2-atom-without-direction",
        both(
            remove(WEIGHTS),
            write_text(
                f"{ALPHA}/data/portfolio_optimized_v2.json",
                _weights_doc({"Symbol": "BINANCE:BTCUSDT", "Weight": 1.0}),
            ),
        ),
        errors.ArtifactFormatError,
        r"portfolio_optimized_v2\.json: profiles\.hrp\.assets\[0\]\.Symbol 'BINANCE:BTCUSDT' is "
        r"not a logic atom",
        (f"{ALPHA}/data/portfolio_optimized_v2.json",),
    ),
    Hostile(
        "weights-v2-atom-not-a-direction",
        both(
            remove(WEIGHTS),
            write_text(
                f"{ALPHA}/data/portfolio_optimized_v2.json",
                _weights_doc({"Symbol": "NYSE:AAA_trend_FLAT", "Weight": 0.5}),
            ),
        ),
        errors.ArtifactFormatError,
        r"portfolio_optimized_v2\.json: profiles\.hrp\.assets\[0\]"
        r"\.Symbol 'NYSE:AAA_trend_FLAT' is not a logic atom",
        (f"{ALPHA}/data/portfolio_optimized_v2.json",),
    ),
    Hostile(
        "weights-v2-atom-empty-symbol",
        both(
            remove(WEIGHTS),
            write_text(
                f"{ALPHA}/data/portfolio_optimized_v2.json",
                _weights_doc({"Symbol": "NYSE:_trend_LONG", "Weight": 0.5}),
            ),
        ),
        errors.ArtifactFormatError,
        r"portfolio_optimized_v2\.json: profiles\.hrp\.assets\[0\]"
        r"\.Symbol 'NYSE:_trend_LONG' is not a logic atom",
        (f"{ALPHA}/data/portfolio_optimized_v2.json",),
    ),
    Hostile(
        "weights-v2-atom-without-weights",
        both(
            remove(WEIGHTS),
            write_text(
                f"{ALPHA}/data/portfolio_optimized_v2.json",
                _weights_doc({"Symbol": "NYSE:AAA_trend_LONG", "Weight": None}),
            ),
        ),
        errors.ArtifactFormatError,
        r"portfolio_optimized_v2\.json: profiles\.hrp\.assets\[0\]"
        r" has neither Weight nor Net_Weight",
        (f"{ALPHA}/data/portfolio_optimized_v2.json",),
    ),
    Hostile(
        "weights-v2-atom-weight-text",
        both(
            remove(WEIGHTS),
            write_text(
                f"{ALPHA}/data/portfolio_optimized_v2.json",
                _weights_doc({"Symbol": "NYSE:AAA_trend_LONG", "Weight": "0.5"}),
            ),
        ),
        errors.ArtifactFormatError,
        r"portfolio_optimized_v2\.json: profiles\.hrp\.assets\[0\]"
        r"\.Weight is '0\.5', expected a finite number",
        (f"{ALPHA}/data/portfolio_optimized_v2.json",),
    ),
    Hostile(
        "weights-files-missing",
        remove(WEIGHTS),
        errors.MissingArtifactError,
        r"no sleeve weights: neither .*portfolio_flattened\.json nor .*portfolio_optimized_v2",
        (WEIGHTS,),
    ),
    # --- resolved_manifest.json of a sleeve run -------------------------------------------
    Hostile(
        "resolved-manifest-not-json",
        write_text(RESOLVED, '{"profile": "alpha",'),
        errors.ArtifactFormatError,
        r"resolved_manifest\.json: not valid JSON",
        (RESOLVED,),
    ),
    Hostile(
        "resolved-manifest-empty",
        write_text(RESOLVED, ""),
        errors.ArtifactFormatError,
        r"resolved_manifest\.json: not valid JSON",
        (RESOLVED,),
    ),
    Hostile(
        "resolved-manifest-a-list",
        write_text(RESOLVED, '["alpha"]'),
        errors.ArtifactFormatError,
        r"resolved_manifest\.json: expected a JSON object, got list",
        (RESOLVED,),
    ),
    Hostile(
        "resolved-manifest-nested-too-deep",
        write_text(RESOLVED, _deep()),
        errors.ArtifactFormatError,
        r"resolved_manifest\.json: not valid JSON \(nested too deeply",
        (RESOLVED,),
    ),
    Hostile(
        "created-at-not-iso",
        edit_json(RESOLVED, lambda d: d.update(created_at="last tuesday")),
        errors.ArtifactFormatError,
        r"resolved_manifest\.json: created_at 'last tuesday' is not ISO-8601",
        (RESOLVED,),
    ),
    Hostile(
        "created-at-a-number",
        edit_json(RESOLVED, lambda d: d.update(created_at=20260105)),
        errors.ArtifactFormatError,
        r"resolved_manifest\.json: created_at must be a string, got 20260105",
        (RESOLVED,),
    ),
    Hostile(
        "created-at-out-of-range-in-utc",
        edit_json(RESOLVED, lambda d: d.update(created_at="9999-12-31T23:59:59-14:00")),
        errors.ArtifactFormatError,
        r"resolved_manifest\.json: created_at '9999-12-31T23:59:59-14:00' is not ISO-8601",
        (RESOLVED,),
    ),
    Hostile(
        "resolved-profile-a-number",
        edit_json(RESOLVED, lambda d: d.update(profile=1)),
        errors.ArtifactFormatError,
        r"resolved_manifest\.json: profile must be a string, got 1",
        (RESOLVED,),
    ),
    # --- missing inputs -------------------------------------------------------------------
    Hostile(
        "returns-file-missing",
        remove(PKL),
        errors.MissingArtifactError,
        r"data/returns/\*_hrp\.pkl: no returns file for risk profile 'hrp' \(sleeve 'alpha'",
        (f"{ALPHA}/data/returns",),
    ),
    Hostile(
        # the pins are named even when only one is set; every candidate is listed
        "returns-engine-pin-unmatched",
        both(sleeve(0, engine="nope"), copy(PKL, f"{ALPHA}/data/returns/other_vectorbt_hrp.pkl")),
        errors.MissingArtifactError,
        r"no returns file for risk profile 'hrp' with engine='nope' simulator=None "
        r"\(sleeve 'alpha', .*\); files there: custom_vectorbt_hrp\.pkl, other_vectorbt_hrp\.pkl$",
        (f"{ALPHA}/data/returns",),
    ),
    Hostile(
        # no file of the risk profile: every file of the folder is listed instead
        "returns-only-other-risk-profiles",
        both(
            copy(PKL, f"{ALPHA}/data/returns/custom_vectorbt_erc.pkl"),
            copy(PKL, f"{ALPHA}/data/returns/custom_vectorbt_minvar.pkl"),
            remove(PKL),
        ),
        errors.MissingArtifactError,
        r"no returns file for risk profile 'hrp' \(sleeve 'alpha', .*\); "
        r"files there: custom_vectorbt_erc\.pkl, custom_vectorbt_minvar\.pkl$",
        (f"{ALPHA}/data/returns",),
    ),
    Hostile(
        "pinned-run-missing",
        sleeve(0, run_id="alpha_20990101-000000"),
        errors.MissingArtifactError,
        r"pinned run 'alpha_20990101-000000' does not exist under data/artifacts/summaries/runs",
        (S0, RUNS),
    ),
    # --- hostile inputs deeper in a nested tree -------------------------------------------
    Hostile(
        "nested-leaf-pickle-truncated",
        pickle_bytes(
            lambda b: b[: len(b) // 3], rel=f"{LEAF_A}/data/returns/custom_vectorbt_hrp.pkl"
        ),
        errors.ArtifactFormatError,
        r"leaf_a_20260101-000000/data/returns/custom_vectorbt_hrp\.pkl: is not a readable pickle",
        (f"{LEAF_A}/data/returns/custom_vectorbt_hrp.pkl",),
        case="nested_depth2",
        profile="meta_root",
    ),
]


# ----------------------------------------------------------------------------- preparing


def tree(root: Path) -> dict[str, str]:
    """Every file, folder and symlink under ``root`` (symlinks not followed), with a hash."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def prepare(entry: Hostile, root: Path) -> Ctx:
    """Materialize the entry's fixture case under ``root/ws`` and apply its mutation."""
    ws = materialize(FIXTURES / entry.case, root / "ws")
    outside = root / "outside"
    outside.mkdir()
    (outside / "unrelated.txt").write_text("outside the workspace\n", encoding="utf-8")
    ctx = Ctx(ws=ws, outside=outside, marker=root / "HOSTILE_PICKLE_RAN")
    entry.mutate(ctx)
    return ctx


def command(entry: Hostile) -> list[str]:
    """``tv-meta`` arguments (without ``--workspace``) that run the entry."""
    argv = ["run", "--profile", entry.profile, "--run-id", entry.run_id]
    if entry.risk_profiles:
        argv += ["--risk-profiles", ",".join(entry.risk_profiles)]
    return argv
