"""The content-addressed cache of meta return matrices (``io.cache``) and ``--no-cache``.

A hit gives the bytes of a miss; a changed input byte never hits; ``--no-cache`` neither reads
nor writes; corrupt, mismatched or hostile entries are ignored (never unpickled) and rewritten;
``validate`` writes nothing, the cache included; each input file is still read once per run.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.cli import main
from tradingview_scraper.harness.cases import GOLDEN_EPOCH, fixtures_root
from tradingview_scraper.harness.materialize import load_case, materialize
from tradingview_scraper.io import cache
from tradingview_scraper.pipeline import MetaRun, returns_pickle, run_meta_pipeline
from tradingview_scraper.settings import Settings

RUNS = Path("data/artifacts/summaries/runs")
CASES = ("nested_depth2", "calendar_compound", "health_veto", "multi_risk")


def workspace(tmp_path: Path, name: str = "nested_depth2") -> tuple[Path, Any]:
    case = load_case(fixtures_root() / name)
    return materialize(case.folder, tmp_path / "ws"), case


def run(ws: Path, case: Any, run_id: str = "r", *, use_cache: bool = True) -> MetaRun:
    return run_meta_pipeline(
        Settings.for_workspace(ws),
        case.meta_profile,
        list(case.risk_profiles),
        run_id=run_id,
        overwrite=True,
        environ={"SOURCE_DATE_EPOCH": GOLDEN_EPOCH},
        use_cache=use_cache,
    )


def artifacts(result: MetaRun) -> dict[str, bytes]:
    return {name: (result.run_dir / name).read_bytes() for name in result.files}


def entries(ws: Path) -> dict[str, bytes]:
    folder = cache.cache_dir(ws / "data" / "lakehouse")
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): "dir"
        if p.is_dir()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("name", CASES)
def test_hit_and_miss_give_identical_artifacts(tmp_path: Path, name: str) -> None:
    ws, case = workspace(tmp_path, name)
    reference = artifacts(run(ws, case, use_cache=False))
    assert entries(ws) == {}  # use_cache=False wrote nothing
    miss = run(ws, case)
    assert miss.computation.cache_hits == ()
    stored = entries(ws)
    assert stored and all(n.endswith(".npz") for n in stored)
    assert artifacts(miss) == reference
    hit = run(ws, case)
    nodes = len(case.risk_profiles) * len(miss.computation.tree)
    assert len(hit.computation.cache_hits) == nodes
    assert artifacts(hit) == reference
    assert entries(ws) == stored  # a hit rewrites nothing


def test_a_hit_still_reads_each_input_file_once(tmp_path: Path) -> None:
    ws, case = workspace(tmp_path)
    run(ws, case)
    hit = run(ws, case)
    assert hit.computation.cache_hits
    reads = hit.computation.reader.reads
    assert reads and all(count == 1 for count in reads.values()), reads


def _flip_one_byte(path: Path) -> None:
    """Change the lowest byte of the last float of a pickled Series (it stays loadable)."""
    series = pickle.loads(path.read_bytes())
    data = path.read_bytes()
    values = series.to_numpy(dtype=np.float64).tobytes()
    at = data.rfind(values) + len(values) - 8  # little-endian: first byte is the lowest
    assert at >= 0
    changed = bytearray(data)
    changed[at] ^= 0x01
    path.write_bytes(bytes(changed))
    assert pickle.loads(path.read_bytes()).iloc[-1] != series.iloc[-1]


def test_touching_one_input_byte_invalidates(tmp_path: Path) -> None:
    ws, case = workspace(tmp_path)
    first = artifacts(run(ws, case))
    assert run(ws, case).computation.cache_hits  # warm
    pickles = sorted((ws / RUNS).glob("*/data/returns/*_hrp.pkl"))
    _flip_one_byte(pickles[0])
    result = run(ws, case)
    touched = artifacts(result)
    hits = set(result.computation.cache_hits)
    # every hrp matrix above the touched sleeve is recomputed; the other risk profile still hits
    assert not any(h.startswith("hrp/meta_root") for h in hits)
    assert {h for h in hits if h.startswith("erc/")} == {
        f"erc/{p.name}" for p in result.computation.tree
    }
    assert touched == artifacts(run(ws, case, use_cache=False))
    assert touched != first
    assert (
        touched["data/meta_returns_meta_root_hrp.pkl"]
        != first["data/meta_returns_meta_root_hrp.pkl"]
    )


def test_a_changed_manifest_setting_invalidates(tmp_path: Path) -> None:
    ws, case = workspace(tmp_path, "calendar_intersect")
    run(ws, case)
    manifest = ws / "configs" / "manifest.json"
    manifest.write_text(
        manifest.read_text().replace('"alignment": "intersect"', '"alignment": "compound"')
    )
    assert run(ws, case).computation.cache_hits == ()


def _poison(ws: Path) -> None:
    """Well-formed entries under the right keys with every return shifted: only a bypass
    (or a recompute) can give the right artifacts."""
    lakehouse = ws / "data" / "lakehouse"
    for path in cache.cache_dir(lakehouse).glob("*.npz"):
        key = path.stem
        found = cache.load_matrix(lakehouse, key)
        assert found is not None
        shifted = found.frame + 0.001
        cache.store_matrix(lakehouse, key, type(found)(shifted, found.alignment, found.calendars))


def test_no_cache_bypasses_reads_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, case = workspace(tmp_path)
    reference = artifacts(run(ws, case, use_cache=False))
    argv = ["run", "--workspace", str(ws), "--profile", case.meta_profile, "--run-id", "r"]
    argv += ["--risk-profiles", ",".join(case.risk_profiles), "--overwrite"]
    os.environ["SOURCE_DATE_EPOCH"] = GOLDEN_EPOCH
    try:
        assert main([*argv, "--no-cache"]) == 0
        assert entries(ws) == {}  # nothing written
        assert main(argv) == 0  # fills the cache
        _poison(ws)
        poisoned = entries(ws)
        assert main([*argv, "--no-cache"]) == 0  # ignores the (wrong) entries
        assert artifacts(run_from_disk(ws)) == reference
        assert entries(ws) == poisoned  # and leaves them alone
        assert main(argv) == 0  # the cache is used: the poisoned matrices show
        assert artifacts(run_from_disk(ws)) != reference
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    capsys.readouterr()


def run_from_disk(ws: Path) -> Any:
    folder = ws / RUNS / "r"

    class Files:
        run_dir = folder
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())

    return Files


class _Exploit:
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, ("touch PWNED",))


def _object_npz(path: Path) -> None:
    with open(path, "wb") as handle:
        np.savez(handle, index=np.array([_Exploit()], dtype=object), values=np.zeros((1, 1)))


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "truncated",
        "empty",
        "pickled_objects",
        "wrong_key",
        "wrong_digest",
        "compressed",
        "symlink",
    ],
)
def test_corrupt_or_hostile_entries_are_ignored_and_rewritten(
    tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, case = workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    reference = artifacts(run(ws, case))
    good = entries(ws)
    folder = cache.cache_dir(ws / "data" / "lakehouse")
    for name, data in good.items():
        path = folder / name
        if damage == "garbage":
            path.write_bytes(b"not a zip file at all")
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "empty":
            path.write_bytes(b"")
        elif damage == "pickled_objects":
            _object_npz(path)
        elif damage == "wrong_key":  # a valid entry of another key
            other = next(n for n in good if n != name)
            path.write_bytes(good[other])
        elif damage == "wrong_digest":
            with np.load(path, allow_pickle=False) as archive:
                arrays = {k: archive[k] for k in archive.files}
            arrays["values"] = arrays["values"] + 1.0
            with open(path, "wb") as handle:
                np.savez(handle, **arrays)
        elif damage == "compressed":
            with np.load(path, allow_pickle=False) as archive:
                arrays = {k: archive[k] for k in archive.files}
            with open(path, "wb") as handle:
                np.savez_compressed(handle, **arrays)
        elif damage == "symlink":
            target = tmp_path / f"elsewhere-{name}"
            target.write_bytes(data)
            path.unlink()
            path.symlink_to(target)
    again = run(ws, case)
    assert again.computation.cache_hits == ()
    assert artifacts(again) == reference
    assert not (tmp_path / "PWNED").exists() and not (ws / "PWNED").exists()
    assert entries(ws) == good  # recomputed entries were written back, valid again
    assert len(run(ws, case).computation.cache_hits) == len(good)


def test_validate_writes_nothing_not_even_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, case = workspace(tmp_path)
    argv = ["validate", "--workspace", str(ws), "--profile", case.meta_profile]
    before = tree(ws)
    assert main(argv) == 0
    assert tree(ws) == before  # cold: no cache folder created
    run(ws, case)
    shutil_rm = ws / RUNS / "r"
    assert shutil_rm.is_dir()
    warm = tree(ws)
    assert main(argv) == 0  # warm: reads the cache, writes nothing
    assert main([*argv, "--no-cache"]) == 0
    assert tree(ws) == warm
    capsys.readouterr()


def test_store_and_load_round_trip_the_frame_exactly(tmp_path: Path) -> None:
    index = pd.bdate_range("2026-01-05", periods=30, name="date", unit="ns")
    frame = pd.DataFrame({"a": np.arange(30.0) / 100, "b": -np.arange(30.0) / 50}, index=index)
    from tradingview_scraper.meta.returns import MetaReturns, SleeveCalendar

    calendars = tuple(
        SleeveCalendar(c, 30, "2026-01-05", "2026-02-13", 0, 0, 0.0, 0, 0, 0, 0, f"{c}.pkl")
        for c in ("a", "b")
    )
    returns = MetaReturns(frame=frame, alignment="intersect", calendars=calendars)
    lakehouse = tmp_path
    assert cache.store_matrix(lakehouse, "k" * 64, returns)
    found = cache.load_matrix(lakehouse, "k" * 64)
    assert found is not None
    assert returns_pickle(found.frame) == returns_pickle(frame)
    pd.testing.assert_frame_equal(found.frame, frame, check_exact=True, check_freq=True)
    assert found.calendars == calendars and found.alignment == "intersect"
    assert cache.load_matrix(lakehouse, "j" * 64) is None


def test_a_wrapped_package_allocator_still_uses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``allocate`` itself may be wrapped (a profiler, mutmut's trampoline, both declaring
    ``__wrapped__``): still the package's allocator, so the cache applies; another allocator
    that merely wraps something else does not get it."""
    import functools

    from tradingview_scraper import pipeline
    from tradingview_scraper.allocation import allocate

    @functools.wraps(allocate)
    def profiled(*args: Any, **kwargs: Any) -> Any:
        return allocate(*args, **kwargs)

    monkeypatch.setattr(pipeline, "allocate", profiled)
    ws, case = workspace(tmp_path)
    run(ws, case, "first")
    assert len(run(ws, case, "second").computation.cache_hits) == 4  # 2 risks x 2 nodes

    def other(*args: Any, **kwargs: Any) -> Any:
        return allocate(*args, **kwargs)

    result = run_meta_pipeline(
        Settings.for_workspace(ws),
        case.meta_profile,
        list(case.risk_profiles),
        run_id="third",
        environ={"SOURCE_DATE_EPOCH": GOLDEN_EPOCH},
        allocator=other,
    )
    assert result.computation.cache_hits == ()
