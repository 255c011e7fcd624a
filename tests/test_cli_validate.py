"""``tv-meta validate`` / ``run`` in-process, exit codes, settings, clock (DESIGN 2, 4, 5)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tradingview_scraper.cli import main
from tradingview_scraper.clock import now_utc
from tradingview_scraper.errors import MetaPipelineError
from tradingview_scraper.harness.materialize import materialize
from tradingview_scraper.settings import Settings, get_settings, use_settings

REPO = Path(__file__).resolve().parents[1]
CASE = REPO / "fixtures" / "workspaces" / "two_sleeves"
PROFILE = "meta_two"
RUNS = Path("data/artifacts/summaries/runs")

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("TV_WORKSPACE", "TV_ARTIFACTS_DIR", "TV_LAKEHOUSE_DIR", "TV_MANIFEST_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    return materialize(CASE, tmp_path / "ws")


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a hash of its bytes."""
    return {
        p.relative_to(root).as_posix(): (
            "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in sorted(root.rglob("*"))
    }


def edit_manifest(ws: Path, edit: Edit) -> None:
    path = ws / "configs" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def meta_two(data: dict[str, Any]) -> dict[str, Any]:
    profile: dict[str, Any] = data["profiles"][PROFILE]
    return profile


def set_allocation(**values: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        meta_two(data).setdefault("meta_allocation", {}).update(values)

    return edit


def set_sleeve(index: int, **values: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        meta_two(data)["sleeves"][index].update(values)

    return edit


def add_cycle(data: dict[str, Any]) -> None:
    meta_two(data)["sleeves"].append({"id": "loop", "meta_profile": "meta_loop"})
    data["profiles"]["meta_loop"] = {
        "sleeves": [
            {"id": "back", "meta_profile": PROFILE},
            {"id": "alpha", "profile": "alpha"},
        ]
    }


def no_edit(data: dict[str, Any]) -> None:
    return None


def validate(ws: Path, *extra: str) -> int:
    return main(["validate", "--workspace", str(ws), "--profile", PROFILE, *extra])


def run(ws: Path, *extra: str) -> int:
    return main(["run", "--workspace", str(ws), "--profile", PROFILE, *extra])


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


# ----------------------------------------------------------------------------- validate


def test_validate_all_prints_one_line_per_meta_profile(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def add_profiles(data: dict[str, Any]) -> None:
        data["profiles"]["meta_b_one"] = {"sleeves": [{"id": "solo", "profile": "beta"}]}
        data["profiles"]["meta_c_pinned"] = {
            "sleeves": [
                {"id": "a", "profile": "alpha", "run_id": "alpha_19990101-000000"},
                {"id": "b", "profile": "beta"},
            ]
        }
        data["profiles"]["meta_d_typo"] = {
            "sleeves": [{"id": "a", "profile": "alpha"}, {"id": "b", "profile": "beta"}],
            "meta_allocation": {"max_wieght": 0.5},
        }
        data["profiles"]["not_meta"] = {"backtest": {"train_window": 5}}

    edit_manifest(ws, add_profiles)
    before = snapshot(ws)
    assert main(["validate", "--workspace", str(ws), "--all"]) == 3
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ok", "meta_b_one"],
        ["FAIL", "meta_c_pinned"],
        ["FAIL", "meta_d_typo"],
        ["ok", "meta_two"],
    ]
    # a one-sleeve meta profile is valid (default min_sleeves is min(2, sleeves))
    assert re.fullmatch(r"ok +meta_b_one +hrp: hrp, 1/1 sleeves, \d+ common days", lines[0])
    assert re.fullmatch(
        r"FAIL +meta_c_pinned +sleeve 'a' \(profiles\.meta_c_pinned\.sleeves\[0\]\): pinned run "
        r"'alpha_19990101-000000' does not exist under data/artifacts/summaries/runs",
        lines[1],
    )
    assert re.search(r"unknown key 'max_wieght' \(did you mean 'max_weight'\?\)", lines[2])
    assert re.fullmatch(r"ok +meta_two +hrp: hrp, 2/2 sleeves, \d+ common days", lines[3])
    assert one_error_line(err) == (
        "error: configs/manifest.json: 2 of 4 meta profiles failed validation: "
        "meta_c_pinned, meta_d_typo"
    )
    assert snapshot(ws) == before


def test_validate_all_passes_when_every_profile_is_valid(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--workspace", str(ws), "--all", "--risk-profiles", "hrp"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert re.fullmatch(
        r"ok +meta_two +hrp: hrp, 2/2 sleeves, \d+ common days\n"
        r"all 1 meta profiles of configs/manifest\.json are valid; nothing was written\n",
        out,
    )


def test_validate_all_without_meta_profiles_exits_3(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_manifest(ws, lambda data: data["profiles"].pop(PROFILE))
    assert main(["validate", "--workspace", str(ws), "--all"]) == 3
    assert one_error_line(capsys.readouterr().err) == (
        "error: configs/manifest.json: no meta profiles to validate (no profile has 'sleeves')"
    )


def test_validate_succeeds_and_writes_nothing(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(ws)
    assert validate(ws) == 0
    out, err = capsys.readouterr()
    assert snapshot(ws) == before
    assert out.startswith("ok: meta_two is valid (1 meta profile(s)); nothing was written\n")
    assert "alpha: included" in out and "beta: included" in out
    assert err == ""


BROKEN: list[tuple[str, Edit, tuple[str, ...], str]] = [
    (
        "infeasible-bounds",
        set_allocation(max_weight=0.4),
        (),
        r"^error: configs/manifest\.json: profiles\.meta_two: infeasible bounds: sum of upper "
        r"bounds is 0\.8, must be >= 1 \(alpha \[0, 0\.4\], beta \[0, 0\.4\]\)$",
    ),
    (
        "cycle",
        add_cycle,
        (),
        r"^error: configs/manifest\.json: cyclic meta profiles: meta_two -> meta_loop -> "
        r"meta_two \(at profiles\.meta_loop\.sleeves\[0\]\)$",
    ),
    (
        "unknown-risk-profile-in-manifest",
        set_allocation(risk_profiles=["barbell"]),
        (),
        r"^error: configs/manifest\.json: profiles\.meta_two\.meta_allocation\.risk_profiles: "
        r"unknown risk profile 'barbell': .*; allowed: equal_weight, erc, hrp, "
        r"inverse_volatility, max_sharpe, min_variance, risk_parity$",
    ),
    (
        "unknown-risk-profile-on-command-line",
        no_edit,
        ("--risk-profiles", "hrp,barbell"),
        r"^error: configs/manifest\.json: profiles\.meta_two: unknown risk profile 'barbell'.*"
        r"allowed: equal_weight, erc, hrp, inverse_volatility, max_sharpe, min_variance, "
        r"risk_parity$",
    ),
    (
        "bad-run-id",
        set_sleeve(0, run_id="../x"),
        (),
        r"^error: configs/manifest\.json: profiles\.meta_two\.sleeves\[0\]\.run_id "
        r"\(sleeve 'alpha'\): run id '\.\./x' is not allowed",
    ),
    (
        "duplicate-ids",
        set_sleeve(1, id="alpha"),
        (),
        r"^error: configs/manifest\.json: profiles\.meta_two: duplicate sleeve id 'alpha' "
        r"\(sleeves\[0\] and sleeves\[1\]\)$",
    ),
    (
        "pinned-run-missing",
        set_sleeve(1, run_id="beta_20990101-000000"),
        (),
        r"^error: sleeve 'beta' \(profiles\.meta_two\.sleeves\[1\]\): pinned run "
        r"'beta_20990101-000000' does not exist under data/artifacts/summaries/runs$",
    ),
    (
        "unknown-profile",
        lambda data: data["profiles"].pop(PROFILE),
        (),
        r"^error: configs/manifest\.json: meta profile 'meta_two' not found; meta profiles: none$",
    ),
]


@pytest.mark.parametrize("command", [validate, run], ids=["validate", "run"])
@pytest.mark.parametrize(
    ("edit", "extra", "pattern"), [pytest.param(e, x, p, id=i) for i, e, x, p in BROKEN]
)
def test_broken_input_exits_3_with_one_error_line(
    ws: Path,
    capsys: pytest.CaptureFixture[str],
    command: Callable[..., int],
    edit: Edit,
    extra: tuple[str, ...],
    pattern: str,
) -> None:
    edit_manifest(ws, edit)
    before = snapshot(ws)
    assert command(ws, *extra) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert one_error_line(err) == err.rstrip("\n")
    assert err.endswith("\n")
    assert re.search(pattern, err.rstrip("\n")), err
    assert snapshot(ws) == before  # a failed run leaves nothing behind


def test_missing_workspace_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate(tmp_path / "nowhere") == 3
    line = one_error_line(capsys.readouterr().err)
    assert (
        line == "error: configs/manifest.json: manifest not found (expected configs/manifest.json)"
    )


def test_bad_run_id_on_the_command_line(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(ws)
    assert run(ws, "--run-id", "../x") == 3
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("error: --run-id: run id '../x' is not allowed")
    assert snapshot(ws) == before


# ----------------------------------------------------------------------------- run


def test_run_refuses_to_overwrite_unless_asked(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(ws)
    assert run(ws, "--run-id", "r1") == 0
    out, _ = capsys.readouterr()
    folder = ws / RUNS / "r1"
    assert f"meta run folder: {folder}" in out
    first = snapshot(folder)
    assert "reports/meta_portfolio_report.md" in first
    assert "data/portfolio_optimized_meta_meta_two_hrp.json" in first
    # the input workspace is untouched: only the new run folder (and the lakehouse's
    # return-matrix cache, which is scratch space) was added
    after = snapshot(ws)
    assert {k: v for k, v in after.items() if k in before} == before
    added = set(after) - set(before)
    scratch = ("data/lakehouse", "data/lakehouse/.cache")
    assert all(k.startswith((f"{RUNS.as_posix()}/r1", *scratch)) for k in added)
    assert any(k.startswith("data/lakehouse/.cache/meta_returns/") for k in added)

    assert run(ws, "--run-id", "r1") == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert one_error_line(err) == (
        "error: data/artifacts/summaries/runs/r1: meta run folder already exists; pass "
        "--overwrite to replace it or choose another --run-id"
    )
    assert snapshot(folder) == first

    assert run(ws, "--run-id", "r1", "--overwrite") == 0
    capsys.readouterr()
    assert snapshot(folder) == first  # same inputs, same run id, same epoch: same bytes


def test_run_id_defaults_to_profile_and_source_date_epoch(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert run(ws) == 0
    capsys.readouterr()
    assert (ws / RUNS / "meta_two_19700102-000000" / "audit.jsonl").is_file()


def test_invalid_source_date_epoch_exits_3(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    before = snapshot(ws)
    assert run(ws, "--run-id", "r1") == 3
    assert one_error_line(capsys.readouterr().err).startswith(
        "error: SOURCE_DATE_EPOCH='yesterday' is not an integer"
    )
    assert snapshot(ws) == before


def test_workspace_from_environment(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TV_WORKSPACE", str(ws))
    assert main(["validate", "--profile", PROFILE]) == 0
    assert capsys.readouterr().out.startswith("ok: meta_two is valid")


# ----------------------------------------------------------------------------- usage


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        pytest.param([], r"the following arguments are required: COMMAND", id="no-command"),
        pytest.param(["frobnicate"], r"invalid choice: 'frobnicate'", id="unknown-command"),
        pytest.param(
            ["validate"], r"one of the arguments --profile --all is required", id="no-profile"
        ),
        pytest.param(
            ["validate", "--profile", "m", "--all"],
            r"argument --all: not allowed with argument --profile",
            id="profile-and-all",
        ),
        pytest.param(
            ["run"], r"the following arguments are required: --profile", id="run-no-profile"
        ),
        pytest.param(
            ["run", "--profile", "m", "--risk-profiles", "hrp,,erc"],
            r"empty risk profile in 'hrp,,erc'",
            id="empty-risk",
        ),
        pytest.param(["run", "--profile", "m", "--bogus"], r"unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], pattern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: tv-meta")
    assert re.search(pattern, err), err


def test_python_dash_m_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tradingview_scraper", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: tv-meta")
    for command in ("run", "demo", "validate"):
        assert command in done.stdout
    assert done.stderr == ""


# ----------------------------------------------------------------------------- settings


def test_get_settings_from_an_explicit_environ(tmp_path: Path) -> None:
    root = tmp_path / "root"
    manifest = tmp_path / "elsewhere" / "m.json"
    settings = get_settings(
        environ={
            "TV_WORKSPACE": str(root),
            "TV_ARTIFACTS_DIR": "arts",  # relative: under the workspace, not the cwd
            "TV_LAKEHOUSE_DIR": str(tmp_path / "lake"),
            "TV_MANIFEST_PATH": str(manifest),
        }
    )
    assert settings.workspace == root.resolve()
    assert settings.artifacts_dir == (root / "arts").resolve()
    assert settings.runs_dir == (root / "arts" / "summaries" / "runs").resolve()
    assert settings.lakehouse_dir == (tmp_path / "lake").resolve()
    assert settings.manifest_path == manifest.resolve()


def test_get_settings_defaults_and_explicit_workspace(tmp_path: Path) -> None:
    settings = get_settings(environ={"TV_WORKSPACE": str(tmp_path)})
    assert settings == Settings.for_workspace(tmp_path)
    assert settings.artifacts_dir == tmp_path.resolve() / "data" / "artifacts"
    assert settings.lakehouse_dir == tmp_path.resolve() / "data" / "lakehouse"
    assert settings.manifest_path == tmp_path.resolve() / "configs" / "manifest.json"
    other = tmp_path / "other"
    explicit = get_settings(other, environ={"TV_WORKSPACE": str(tmp_path), "TV_MANIFEST_PATH": ""})
    assert explicit == Settings.for_workspace(other)  # an empty override is no override


def test_use_settings_is_scoped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TV_WORKSPACE", str(tmp_path / "env"))
    for name in ("TV_ARTIFACTS_DIR", "TV_LAKEHOUSE_DIR", "TV_MANIFEST_PATH"):
        monkeypatch.delenv(name, raising=False)
    outer = Settings.for_workspace(tmp_path / "outer")
    inner = Settings.for_workspace(tmp_path / "inner")
    seen_by_thread: list[Settings] = []
    with use_settings(outer) as active:
        assert active is outer
        assert get_settings() is outer
        assert get_settings(tmp_path / "x") == Settings.for_workspace(tmp_path / "x")
        with use_settings(inner):
            assert get_settings() is inner
        assert get_settings() is outer
        thread = threading.Thread(target=lambda: seen_by_thread.append(get_settings()))
        thread.start()
        thread.join()
    assert seen_by_thread == [Settings.for_workspace(tmp_path / "env")]  # not the override
    assert get_settings() == Settings.for_workspace(tmp_path / "env")


def test_use_settings_is_reset_after_an_exception(tmp_path: Path) -> None:
    scoped = Settings.for_workspace(tmp_path / "scoped")
    with pytest.raises(RuntimeError, match=r"^boom$"), use_settings(scoped):
        raise RuntimeError("boom")
    assert get_settings(environ={"TV_WORKSPACE": str(tmp_path)}) == Settings.for_workspace(tmp_path)


def test_relative_paths_for_messages(tmp_path: Path) -> None:
    settings = Settings.for_workspace(tmp_path)
    assert settings.relative(tmp_path / "data" / "x.pkl") == "data/x.pkl"
    assert settings.relative(Path("/somewhere/else")) == "/somewhere/else"


# ----------------------------------------------------------------------------- clock


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", datetime(1970, 1, 1, tzinfo=UTC)),
        ("86400", datetime(1970, 1, 2, tzinfo=UTC)),
        ("1767225600", datetime(2026, 1, 1, tzinfo=UTC)),
    ],
)
def test_source_date_epoch_is_honoured(value: str, expected: datetime) -> None:
    assert now_utc({"SOURCE_DATE_EPOCH": value}) == expected


@pytest.mark.parametrize("value", ["yesterday", "1.5", "1e9", "0x10"])
def test_invalid_source_date_epoch(value: str) -> None:
    with pytest.raises(
        MetaPipelineError,
        match=rf"^SOURCE_DATE_EPOCH='{value}' is not an integer number of seconds since "
        r"1970-01-01$",
    ):
        now_utc({"SOURCE_DATE_EPOCH": value})


@pytest.mark.parametrize("environ", [{}, {"SOURCE_DATE_EPOCH": ""}])
def test_wall_clock_without_source_date_epoch(environ: dict[str, str]) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    now = now_utc(environ)
    after = datetime.now(UTC)
    assert now.tzinfo is UTC
    assert now.microsecond == 0
    assert before <= now <= after
