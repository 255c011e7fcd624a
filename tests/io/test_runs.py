"""Run selection, returns-file choice and the read-once ``InputReader`` (DESIGN 2.1, 2.2, 3.1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradingview_scraper.contracts import SleeveSpec
from tradingview_scraper.errors import (
    ArtifactFormatError,
    MissingArtifactError,
    RunIdError,
    UnsafeArtifactError,
)
from tradingview_scraper.io.reader import InputReader, returns_candidates
from tradingview_scraper.pipeline import compute_meta
from tradingview_scraper.settings import Settings

RUNS = Path("data/artifacts/summaries/runs")
_UNSET: Any = object()


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def make_run(
    ws: Path,
    run_id: str,
    profile: str | None = "alpha",
    *,
    created_at: str | None = None,
    genesis_ts: str | None = None,
    genesis_profile: str | None = _UNSET,
    resolved: bool = True,
    returns: dict[str, pd.Series] | None = None,
    risks: tuple[str, ...] = (),
    weights: dict[str, float] | None = None,
) -> Path:
    """A run folder; ``genesis_ts`` writes a ledger whose genesis carries that time."""
    run = ws / RUNS / run_id
    (run / "data").mkdir(parents=True, exist_ok=True)
    if resolved:
        document: dict[str, str] = {"run_id": run_id}
        if profile is not None:
            document["profile"] = profile
        if created_at is not None:
            document["created_at"] = created_at
        write_json(run / "config" / "resolved_manifest.json", document)
    lines: list[dict[str, Any]] = []
    if genesis_ts is not None or risks:
        genesis: dict[str, Any] = {"type": "genesis", "run_id": run_id}
        genesis["profile"] = profile if genesis_profile is _UNSET else genesis_profile
        if genesis_ts is not None:
            genesis["ts"] = genesis_ts
        lines.append(genesis)
    for risk in risks:
        for window in range(4):
            params = {"window_index": window, "engine": "custom", "profile": risk}
            lines.append(
                {
                    "type": "action",
                    "status": "intent",
                    "step": "backtest_optimize",
                    "intent": {"params": params},
                }
            )
            lines.append(
                {
                    "type": "action",
                    "status": "success",
                    "step": "backtest_optimize",
                    "context": params,
                }
            )
    if lines:
        text = "".join(json.dumps(line) + "\n" for line in lines)
        (run / "audit.jsonl").write_text(text, encoding="utf-8")
    for name, series in (returns or {}).items():
        path = run / "data" / "returns" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        series.to_pickle(path, protocol=4)
    if weights is not None:
        assets = [{"Symbol": s, "Net_Weight": w} for s, w in weights.items()]
        write_json(
            run / "data" / "portfolio_flattened.json",
            {"profiles": {risk: {"assets": assets} for risk in risks}},
        )
    return run


def sleeve(profile: str = "alpha", run_id: str | None = None, **pins: str) -> SleeveSpec:
    return SleeveSpec(
        id="s",
        kind="atomic",
        location="profiles.meta.sleeves[0]",
        profile=profile,
        run_id=run_id,
        engine=pins.get("engine"),
        simulator=pins.get("simulator"),
    )


def chosen(ws: Path, spec: SleeveSpec | None = None) -> str:
    return InputReader(Settings.for_workspace(ws)).run_for(spec or sleeve()).run_id


def series(seed: int, n: int = 40) -> pd.Series:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2025-01-01", periods=n, freq="D", name="date")
    return pd.Series(rng.normal(0.0, 0.01, n), index=index)


# ----------------------------------------------------------------------------- run selection


def test_newest_by_created_at_not_by_folder_name(tmp_path: Path) -> None:
    # folder names sort opposite to their times
    make_run(tmp_path, "alpha_9", created_at="2026-01-01T00:00:00")
    make_run(tmp_path, "alpha_5", created_at="2026-01-03T00:00:00")
    make_run(tmp_path, "alpha_1", created_at="2026-01-05T00:00:00")
    run = InputReader(Settings.for_workspace(tmp_path)).run_for(sleeve())
    assert run.run_id == "alpha_1"
    assert run.created_at == "2026-01-05T00:00:00"
    assert run.path == (tmp_path / RUNS / "alpha_1").resolve()
    assert run.selection == "newest of 3 run(s) of profile 'alpha'"


def test_created_at_is_compared_as_an_instant_across_zones(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_b", created_at="2026-01-01T10:00:00+05:00")  # 05:00 UTC
    make_run(tmp_path, "alpha_a", created_at="2026-01-01T06:00:00Z")  # 06:00 UTC
    assert chosen(tmp_path) == "alpha_a"


def test_runs_of_other_profiles_are_ignored(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_1", created_at="2026-01-01T00:00:00")
    make_run(tmp_path, "beta_1", "beta", created_at="2027-01-01T00:00:00")
    make_run(tmp_path, "alphabet_1", "alphabet", created_at="2027-01-01T00:00:00")
    assert chosen(tmp_path) == "alpha_1"


def test_genesis_ts_is_the_time_when_created_at_is_missing(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_z", created_at="2026-01-01T00:00:00")
    make_run(tmp_path, "alpha_a", genesis_ts="2026-01-02T00:00:00")
    run = InputReader(Settings.for_workspace(tmp_path)).run_for(sleeve())
    assert (run.run_id, run.created_at, run.genesis_ts) == ("alpha_a", None, "2026-01-02T00:00:00")


def test_profile_comes_from_genesis_without_resolved_manifest(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_1", created_at="2026-01-01T00:00:00")
    make_run(tmp_path, "alpha_0", resolved=False, genesis_ts="2026-02-01T00:00:00")
    assert chosen(tmp_path) == "alpha_0"


def test_created_at_wins_over_genesis_ts(tmp_path: Path) -> None:
    # alpha_b's ledger is newer, but its created_at is older than alpha_a's
    make_run(
        tmp_path, "alpha_b", created_at="2026-01-01T00:00:00", genesis_ts="2026-12-01T00:00:00"
    )
    make_run(
        tmp_path, "alpha_a", created_at="2026-01-02T00:00:00", genesis_ts="2026-01-02T00:00:00"
    )
    assert chosen(tmp_path) == "alpha_a"


def test_equal_times_go_to_the_later_genesis_ts(tmp_path: Path) -> None:
    same = "2026-01-05T12:00:00"
    make_run(tmp_path, "alpha_z", created_at=same, genesis_ts="2026-01-05T11:00:00")
    make_run(tmp_path, "alpha_a", created_at=same, genesis_ts="2026-01-05T11:30:00")
    make_run(tmp_path, "alpha_m", created_at=same)  # no genesis ts: earliest
    assert chosen(tmp_path) == "alpha_a"


def test_equal_times_and_genesis_go_to_the_larger_folder_name(tmp_path: Path) -> None:
    same = "2026-01-05T12:00:00"
    for run_id in ("alpha_2", "alpha_10", "alpha_3"):
        make_run(tmp_path, run_id, created_at=same, genesis_ts=same)
    assert chosen(tmp_path) == "alpha_3"  # "alpha_3" > "alpha_2" > "alpha_10"


def test_runs_without_any_time_count_as_oldest(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_zzz")  # no created_at, no ledger
    make_run(tmp_path, "alpha_yyy", genesis_ts=None, risks=("hrp",))  # ledger, genesis without ts
    make_run(tmp_path, "alpha_old", created_at="1990-01-01T00:00:00")
    assert chosen(tmp_path) == "alpha_old"


def test_without_any_time_the_larger_folder_name_wins(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_a")
    make_run(tmp_path, "alpha_b")
    assert chosen(tmp_path) == "alpha_b"


def test_pinned_run_is_used_even_when_older(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_old", created_at="2020-01-01T00:00:00")
    make_run(tmp_path, "alpha_new", created_at="2026-01-01T00:00:00")
    run = InputReader(Settings.for_workspace(tmp_path)).run_for(sleeve(run_id="alpha_old"))
    assert (run.run_id, run.selection) == ("alpha_old", "pinned")


@pytest.mark.parametrize(
    ("setup", "spec", "error", "pattern"),
    [
        pytest.param(
            [("alpha_1", "alpha")],
            sleeve(run_id="alpha_2"),
            MissingArtifactError,
            r"sleeve 's' \(profiles\.meta\.sleeves\[0\]\): pinned run 'alpha_2' does not exist "
            r"under data/artifacts/summaries/runs$",
            id="pinned-missing",
        ),
        pytest.param(
            [("beta_1", "beta")],
            sleeve(run_id="beta_1"),
            ArtifactFormatError,
            r"pinned run 'beta_1' belongs to profile 'beta', not 'alpha'",
            id="pinned-other-profile",
        ),
        pytest.param(
            [("beta_1", "beta"), ("alpha_1", "alpha")],
            sleeve("gamma"),
            MissingArtifactError,
            r"sleeve 's' \(profiles\.meta\.sleeves\[0\]\): no run of profile 'gamma' under "
            r"data/artifacts/summaries/runs",
            id="no-run-for-profile",
        ),
        pytest.param(
            [],
            sleeve(),
            MissingArtifactError,
            r"no run of profile 'alpha' under data/artifacts/summaries/runs",
            id="no-runs-folder",
        ),
        pytest.param(
            [("alpha_1", "alpha")],
            sleeve(run_id="../alpha_1"),
            RunIdError,
            r"run id '\.\./alpha_1' is not allowed",
            id="pinned-path",
        ),
    ],
)
def test_run_selection_errors(
    tmp_path: Path,
    setup: list[tuple[str, str]],
    spec: SleeveSpec,
    error: type[Exception],
    pattern: str,
) -> None:
    for run_id, profile in setup:
        make_run(tmp_path, run_id, profile, created_at="2026-01-01T00:00:00")
    with pytest.raises(error, match=pattern) as caught:
        chosen(tmp_path, spec)
    assert type(caught.value) is error


def test_unparseable_created_at_is_an_error(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_1", created_at="last tuesday")
    with pytest.raises(
        ArtifactFormatError,
        match=r"alpha_1/config/resolved_manifest\.json: created_at 'last tuesday' is not ISO-8601",
    ):
        chosen(tmp_path)


# ----------------------------------------------------------------------------- returns file


def files_run(tmp_path: Path, names: list[str]) -> tuple[InputReader, Path]:
    returns = {name: series(i) for i, name in enumerate(names) if name.endswith(".pkl")}
    run = make_run(tmp_path, "alpha_1", created_at="2026-01-01T00:00:00", returns=returns)
    for name in names:
        if not name.endswith(".pkl"):
            (run / "data" / "returns" / name).write_text("x", encoding="utf-8")
    return InputReader(Settings.for_workspace(tmp_path)), run


ENGINES = [
    "zeta_vectorbt_hrp.pkl",
    "custom_vectorbt_hrp.pkl",
    "custom_nautilus_hrp.pkl",
    "custom_vectorbt_erc.pkl",
]


@pytest.mark.parametrize(
    ("pins", "expected"),
    [
        pytest.param({}, "custom_nautilus_hrp.pkl", id="first-by-sorted-name"),
        pytest.param({"engine": "zeta"}, "zeta_vectorbt_hrp.pkl", id="engine-pin"),
        pytest.param({"simulator": "vectorbt"}, "custom_vectorbt_hrp.pkl", id="simulator-pin"),
        pytest.param(
            {"engine": "custom", "simulator": "vectorbt"}, "custom_vectorbt_hrp.pkl", id="both"
        ),
    ],
)
def test_returns_file_choice(tmp_path: Path, pins: dict[str, str], expected: str) -> None:
    reader, _ = files_run(tmp_path, ENGINES)
    spec = sleeve(**pins)
    path = reader.returns_file(reader.run_for(spec), spec, "hrp")
    assert path.name == expected


def test_returns_file_for_another_risk_profile(tmp_path: Path) -> None:
    reader, _ = files_run(tmp_path, ENGINES)
    spec = sleeve()
    assert reader.returns_file(reader.run_for(spec), spec, "erc").name == "custom_vectorbt_erc.pkl"


@pytest.mark.parametrize(
    ("names", "risk", "pins", "pattern"),
    [
        pytest.param(
            ["custom_vectorbt_erc.pkl", "custom_vectorbt_hrp.csv", "custom_vectorbt_hrp.pkl.bak"],
            "hrp",
            {},
            r"^data/artifacts/summaries/runs/alpha_1/data/returns/\*_hrp\.pkl: no returns file "
            r"for risk profile 'hrp' \(sleeve 's', profiles\.meta\.sleeves\[0\]\); files there: "
            r"custom_vectorbt_erc\.pkl, custom_vectorbt_hrp\.csv, custom_vectorbt_hrp\.pkl\.bak$",
            id="no-substitution-of-another-risk-profile",
        ),
        pytest.param(
            ENGINES,
            "hrp",
            {"engine": "skfolio"},
            r"no returns file for risk profile 'hrp' with engine='skfolio' simulator=None .*"
            r"files there: custom_nautilus_hrp\.pkl, custom_vectorbt_hrp\.pkl, "
            r"zeta_vectorbt_hrp\.pkl$",
            id="engine-pin-matches-nothing",
        ),
        pytest.param(
            ENGINES,
            "hrp",
            {"engine": "zeta", "simulator": "nautilus"},
            r"with engine='zeta' simulator='nautilus'",
            id="pins-match-nothing-together",
        ),
        pytest.param([], "hrp", {}, r"files there: none$", id="empty-folder"),
    ],
)
def test_returns_file_missing(
    tmp_path: Path, names: list[str], risk: str, pins: dict[str, str], pattern: str
) -> None:
    reader, run = files_run(tmp_path, names)
    (run / "data" / "returns").mkdir(parents=True, exist_ok=True)
    spec = sleeve(**pins)
    with pytest.raises(MissingArtifactError, match=pattern):
        reader.returns_file(reader.run_for(spec), spec, risk)


def test_returns_file_without_returns_folder(tmp_path: Path) -> None:
    make_run(tmp_path, "alpha_1", created_at="2026-01-01T00:00:00")
    reader = InputReader(Settings.for_workspace(tmp_path))
    spec = sleeve()
    with pytest.raises(MissingArtifactError, match=r"files there: none"):
        reader.returns_file(reader.run_for(spec), spec, "hrp")


def test_returns_candidates_split_engine_and_simulator() -> None:
    names = ["b_sim_hrp.pkl", "a_sim_x_hrp.pkl", "_hrp.pkl", "a_sim_erc.pkl", "a_sim_hrp.pkl"]
    assert returns_candidates(names, "hrp") == [
        ("a_sim_hrp.pkl", "a", "sim"),
        ("a_sim_x_hrp.pkl", "a", "sim_x"),
        ("b_sim_hrp.pkl", "b", "sim"),
    ]


# ----------------------------------------------------------------------------- read once


def write_manifest(ws: Path, profiles: dict[str, Any]) -> None:
    write_json(ws / "configs" / "manifest.json", {"profiles": profiles})


def shared_alpha_workspace(ws: Path, risks: tuple[str, ...]) -> None:
    """Root -> two branches; alpha is used by one sleeve of each (pinned in one, newest in
    the other) and delta by the root itself."""
    for seed, profile in enumerate(("alpha", "beta", "gamma", "delta")):
        make_run(
            ws,
            f"{profile}_1",
            profile,
            created_at="2026-01-01T00:00:00",
            returns={
                f"custom_vectorbt_{r}.pkl": series(10 * seed + i) for i, r in enumerate(risks)
            },
            risks=risks,
            weights={f"X:{profile.upper()}": 1.0},
        )
    write_manifest(
        ws,
        {
            "root": {
                "sleeves": [
                    {"id": "one", "meta_profile": "branch_one"},
                    {"id": "two", "meta_profile": "branch_two"},
                    {"id": "own", "profile": "delta"},
                ],
                "meta_allocation": {"risk_profiles": list(risks)},
            },
            "branch_one": {
                "sleeves": [
                    {"id": "a", "profile": "alpha", "run_id": "alpha_1"},
                    {"id": "b", "profile": "beta"},
                ]
            },
            "branch_two": {
                "sleeves": [{"id": "a2", "profile": "alpha"}, {"id": "c", "profile": "gamma"}]
            },
        },
    )


def expected_reads(risks: tuple[str, ...]) -> set[str]:
    names = ["audit.jsonl", "data/portfolio_flattened.json"]
    names += [f"data/returns/custom_vectorbt_{risk}.pkl" for risk in risks]
    return {
        f"data/artifacts/summaries/runs/{profile}_1/{name}"
        for profile in ("alpha", "beta", "gamma", "delta")
        for name in names
    }


def test_each_file_is_read_once_when_two_branches_use_the_same_run(tmp_path: Path) -> None:
    shared_alpha_workspace(tmp_path, ("hrp",))
    computation = compute_meta(Settings.for_workspace(tmp_path), "root")
    reads = computation.reader.reads
    assert set(reads) == expected_reads(("hrp",))
    assert all(count == 1 for count in reads.values()), reads
    # both branches really used alpha's run
    root = computation.outcomes["hrp"]
    for branch, sleeve_id in (("one", "a"), ("two", "a2")):
        outcome = root.branches[branch]
        assert outcome.weights[sleeve_id] > 0
        run = next(s.run for s in outcome.sleeves if s.spec.id == sleeve_id)
        assert run is not None and run.run_id == "alpha_1"


def test_each_file_is_read_once_across_risk_profiles(tmp_path: Path) -> None:
    risks = ("hrp", "equal_weight")
    shared_alpha_workspace(tmp_path, risks)
    reads = compute_meta(Settings.for_workspace(tmp_path), "root").reader.reads
    assert set(reads) == expected_reads(risks)
    assert all(count == 1 for count in reads.values()), reads


def test_reader_memoizes_repeated_calls(tmp_path: Path) -> None:
    run = make_run(
        tmp_path,
        "alpha_1",
        created_at="2026-01-01T00:00:00",
        returns={"custom_vectorbt_hrp.pkl": series(1)},
        risks=("hrp",),
        weights={"X:A": 1.0},
    )
    reader = InputReader(Settings.for_workspace(tmp_path))
    spec = sleeve()
    for _ in range(3):
        info = reader.run_for(spec)
        path = reader.returns_file(info, spec, "hrp")
        pd.testing.assert_series_equal(reader.returns(path), series(1))
        reader.weights(info, "hrp")
        reader.ledger(run)
    assert sorted(reads for reads in reader.reads.values()) == [1, 1, 1]


# ----------------------------------------------------------------------------- symlinks


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    series(3).to_pickle(folder / "secret.pkl", protocol=4)
    (folder / "audit.jsonl").write_text(
        json.dumps({"type": "genesis", "profile": "alpha", "ts": "2026-01-01T00:00:00"}) + "\n",
        encoding="utf-8",
    )
    return folder


def test_returns_symlink_leaving_the_workspace_is_rejected(tmp_path: Path, outside: Path) -> None:
    ws = tmp_path / "ws"
    run = make_run(ws, "alpha_1", created_at="2026-01-01T00:00:00")
    link = run / "data" / "returns" / "custom_vectorbt_hrp.pkl"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside / "secret.pkl")
    reader = InputReader(Settings.for_workspace(ws))
    spec = sleeve()
    path = reader.returns_file(reader.run_for(spec), spec, "hrp")
    with pytest.raises(
        UnsafeArtifactError,
        match=r"^data/artifacts/summaries/runs/alpha_1/data/returns/custom_vectorbt_hrp\.pkl: "
        r"resolves to .*outside.*secret\.pkl, outside the workspace",
    ):
        reader.returns(path)
    assert not reader.reads


def test_ledger_symlink_leaving_the_workspace_is_rejected(tmp_path: Path, outside: Path) -> None:
    ws = tmp_path / "ws"
    run = make_run(ws, "alpha_1", created_at="2026-01-01T00:00:00")
    (run / "audit.jsonl").symlink_to(outside / "audit.jsonl")
    with pytest.raises(UnsafeArtifactError, match=r"alpha_1/audit\.jsonl: resolves to .*outside"):
        chosen(ws)


def test_run_folder_symlink_leaving_the_workspace_is_rejected(
    tmp_path: Path, outside: Path
) -> None:
    ws = tmp_path / "ws"
    make_run(ws, "alpha_1", created_at="2026-01-01T00:00:00")
    (ws / RUNS / "alpha_2").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafeArtifactError, match=r"outside the workspace"):
        chosen(ws, sleeve(run_id="alpha_2"))


def test_symlink_inside_the_workspace_is_allowed(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run = make_run(ws, "alpha_1", created_at="2026-01-01T00:00:00")
    target = ws / "data" / "lakehouse" / "copy.pkl"
    target.parent.mkdir(parents=True)
    series(4).to_pickle(target, protocol=4)
    link = run / "data" / "returns" / "custom_vectorbt_hrp.pkl"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    reader = InputReader(Settings.for_workspace(ws))
    spec = sleeve()
    path = reader.returns_file(reader.run_for(spec), spec, "hrp")
    pd.testing.assert_series_equal(reader.returns(path), series(4))
    # the chosen file is recorded under the name the run gives it, not the link's target
    shown = "data/artifacts/summaries/runs/alpha_1/data/returns/custom_vectorbt_hrp.pkl"
    assert reader.shown(path) == shown
    assert list(reader.reads) == [shown]
