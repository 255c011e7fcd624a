"""scripts/mutants.py: the mutation-score report read from mutmut's result files."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from types import ModuleType

import pytest
from script_module import load_script

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def mutants() -> ModuleType:
    return load_script("mutants")


@functools.cache
def _mutmut_hashes(module: str) -> tuple[tuple[str, str], ...]:
    from mutmut.__main__ import mutate_file_contents

    source = (REPO / "tradingview_scraper" / module).read_text(encoding="utf-8")
    mutated = mutate_file_contents(f"tradingview_scraper/{module}", source)
    return tuple(mutated.hash_by_function_name.items())


def _hashes(module: str) -> dict[str, str]:
    """mutmut's function hashes of today's source: a ``.meta`` file of an unchanged module
    (mutating a module takes a second; each is mutated once per session)."""
    return dict(_mutmut_hashes(module))


@pytest.fixture
def unchanged(mutants: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every source as it was when its mutants were made (mutating real modules with mutmut
    takes seconds; the test of ``changed_since`` does that)."""
    monkeypatch.setattr(mutants, "changed_since", lambda root, module: [])


def _meta(
    root: Path, module: str, codes: dict[str, int | None], hashes: dict[str, str] | None = None
) -> None:
    path = root / "tradingview_scraper" / f"{module}.meta"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"exit_code_by_key": codes, "hash_by_function_name": hashes or {}}
    path.write_text(json.dumps(document), encoding="utf-8")


def test_score_counts_timeouts_as_killed_and_excludes_explained_survivors(
    mutants: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "tradingview_scraper.meta.flatten.x_flatten__mutmut_{}".format
    # 10 mutants: 6 killed (one by timeout), 2 survived, 1 no tests, 1 unchecked
    _meta(
        tmp_path,
        "meta/flatten.py",
        {
            **{name(i): 1 for i in range(1, 6)},
            name(6): 36,
            name(7): 0,
            name(8): 0,
            name(9): 33,
            name(10): None,
        },
    )
    _meta(tmp_path, "harness/cli.py", {"tradingview_scraper.harness.cli.x_main__mutmut_1": 0})
    results = mutants.collect(tmp_path)
    assert sorted(results) == ["harness/cli.py", "meta/flatten.py"]
    reasons = {name(7): "equivalent: ...", name(99): "stale entry"}
    score = mutants.report(results, reasons)
    # 9 checked, 1 explained -> 6 killed of 8
    assert score == pytest.approx(6 / 8)
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("meta/flatten.py"))
    assert row.split() == ["meta/flatten.py", "9", "6", "2", "1", "1", "1", "75.0%"]
    assert name(8) in out and name(9) in out  # unexplained survivors are listed
    assert f"  {name(7)}" not in out  # an explained one is not
    assert name(99) in out.split("no longer survive")[1]  # a stale entry is reported
    # harness/ is not a target module: its survivor does not lower the target score
    assert "target modules" in out


def test_survivor_list_lines_are_parsed(
    mutants: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = tmp_path / "SURVIVORS.md"
    listing.write_text(
        "# Survivors\n\n"
        "- `tradingview_scraper.io.runs.x_scan_runs__mutmut_3`: equivalent: sorted twice\n"
        "- `tradingview_scraper.meta.flatten.xǁFlatAssetǁto_row__mutmut_2`: not observable\n"
        "- not a mutant line\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(mutants, "SURVIVORS", listing)
    assert mutants.explained() == {
        "tradingview_scraper.io.runs.x_scan_runs__mutmut_3": "equivalent: sorted twice",
        "tradingview_scraper.meta.flatten.xǁFlatAssetǁto_row__mutmut_2": "not observable",
    }


def test_module_names_and_patterns(mutants: ModuleType, tmp_path: Path) -> None:
    meta = tmp_path / "tradingview_scraper" / "meta" / "flatten.py.meta"
    assert mutants.module_of(meta, tmp_path) == "meta/flatten.py"
    assert mutants.mutant_glob("meta/flatten.py") == "tradingview_scraper.meta.flatten.*"
    assert mutants.is_target("io/runs.py") and mutants.is_target("pipeline.py")
    assert not mutants.is_target("harness/cli.py") and not mutants.is_target("settings.py")


def test_resume_rechecks_all_but_the_killed(
    mutants: ModuleType, tmp_path: Path, unchanged: None
) -> None:
    name = "tradingview_scraper.meta.flatten.x_flatten__mutmut_{}".format
    # killed (1, and 36 a timeout) stay; survived (0), no tests (33) and unchecked are re-run
    _meta(tmp_path, "meta/flatten.py", {name(1): 1, name(2): 36, name(3): 0, name(4): 33})
    _meta(tmp_path, "meta/health.py", {"tradingview_scraper.meta.health.x_f__mutmut_1": None})
    _meta(tmp_path, "meta/metrics.py", {"tradingview_scraper.meta.metrics.x_g__mutmut_1": 0})
    modules = ["meta/flatten.py", "meta/health.py", "io/runs.py", "meta/metrics.py"]
    # an explained survivor is not re-checked
    recheck = mutants.to_recheck(
        tmp_path, modules, {"tradingview_scraper.meta.metrics.x_g__mutmut_1"}
    )
    assert recheck == [
        name(3),
        name(4),
        "tradingview_scraper.meta.health.x_f__mutmut_1",
        "tradingview_scraper.io.runs.*",  # no results yet: all of its mutants
    ]


def test_resume_rechecks_every_mutant_of_a_function_changed_since(
    mutants: ModuleType, tmp_path: Path
) -> None:
    """A verdict read before mutmut regenerates a changed file is void: the mutants of a
    function whose text changed are re-run, killed or listed before."""
    name = "tradingview_scraper.meta.flatten.x_flatten__mutmut_{}".format
    hashes = _hashes("meta/flatten.py")
    assert "x_flatten" in hashes
    hashes["x_flatten"] = "0" * 12  # as if flatten() had another text when mutated
    _meta(tmp_path, "meta/flatten.py", {name(1): 1, name(2): 0}, hashes)
    recheck = mutants.to_recheck(tmp_path, ["meta/flatten.py"], {name(2)})
    numbers = [int(n.rpartition("_")[2]) for n in recheck]
    assert all(n.startswith(name("")) for n in recheck)  # only that function's mutants
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 2  # all of them
    hashes.pop("x_flatten")  # a function new since: the same
    _meta(tmp_path, "meta/flatten.py", {name(1): 1, name(2): 0}, hashes)
    assert mutants.to_recheck(tmp_path, ["meta/flatten.py"], {name(2)}) == recheck
    _meta(tmp_path, "meta/flatten.py", {name(1): 1, name(2): 0}, _hashes("meta/flatten.py"))
    assert mutants.to_recheck(tmp_path, ["meta/flatten.py"]) == [name(2)]  # unchanged


def test_mutant_option_names_mutants_of_a_run(
    mutants: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> tuple[int, str]:
        monkeypatch.setattr("sys.argv", ["mutants.py", *argv])
        code = mutants.main()
        return code, capsys.readouterr().err

    name = "tradingview_scraper.meta.loader.x_load_inputs__mutmut_19"
    code, err = run("--resume", "--mutant", "load_inputs_19")
    assert code == 3 and "'load_inputs_19': not a mutant name of tradingview_scraper" in err
    code, err = run("--mutant", name)  # a name of which run? only with --resume
    assert code == 3 and "give --resume, after a run" in err


def test_resume_runs_the_named_mutants_and_the_modules(
    mutants: ModuleType, tmp_path: Path, unchanged: None
) -> None:
    name = "tradingview_scraper.meta.flatten.x_flatten__mutmut_{}".format
    _meta(tmp_path, "meta/flatten.py", {name(1): 1, name(2): 0})
    _meta(tmp_path, "meta/health.py", {"tradingview_scraper.meta.health.x_f__mutmut_1": 0})
    named = ["tradingview_scraper.meta.loader.x_load__mutmut_7"]
    # named alone: only those
    assert mutants.resume_names(tmp_path, [], named) == named
    # named and modules: both, the named first
    assert mutants.resume_names(tmp_path, ["meta/flatten.py"], named) == [*named, name(2)]
    # neither: every module with results
    assert mutants.resume_names(tmp_path, [], []) == [
        name(2),
        "tradingview_scraper.meta.health.x_f__mutmut_1",
    ]
    shown = mutants.modules_of(named, ["meta/loader.py", "meta/flatten.py"])
    assert shown == {"meta/loader.py"}
