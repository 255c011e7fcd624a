"""``tv-golden`` without the dev extra, or outside a checkout: exit 3 with one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tradingview_scraper.harness import cli

# the dev extra's modules made unimportable in a fresh interpreter, as in a plain install
_WITHOUT = (
    "import sys\n"
    "for name in {blocked!r}: sys.modules[name] = None\n"
    "from tradingview_scraper.harness.cli import main\n"
    "raise SystemExit(main({argv!r}))\n"
)


@pytest.mark.parametrize(
    ("argv", "blocked", "named"),
    [
        (["check"], ["pytest", "syrupy", "deepdiff"], "pytest, syrupy, deepdiff"),
        (["update"], ["pytest"], "pytest"),
        (["diff", "HEAD"], ["deepdiff"], "deepdiff"),
        (["pending"], ["deepdiff"], "deepdiff"),
        (["accept"], ["deepdiff", "syrupy"], "deepdiff"),
    ],
)
def test_without_the_dev_extra(argv: list[str], blocked: list[str], named: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT.format(blocked=blocked, argv=argv)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines == [
        f"error: tv-golden {argv[0]} needs {named} (not installed): install the development "
        'extra in a checkout of the project (pip install -e ".[dev]")'
    ]


@pytest.mark.parametrize(
    ("argv", "lacking"),
    [
        (["check"], "tests/golden, fixtures/workspaces, pyproject.toml"),
        (["update"], "tests/golden, fixtures/workspaces, pyproject.toml"),
        (["diff", "HEAD"], "golden, pyproject.toml"),
        (["determinism"], "fixtures/workspaces"),
        (["pending"], "golden"),
        (["review"], "golden"),
        (["reject", "two_sleeves"], "golden"),
    ],
)
def test_outside_a_checkout(
    argv: list[str],
    lacking: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(cli, "repo_root", lambda: tmp_path)  # e.g. site-packages of a wheel
    assert cli.main(argv) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"error: tv-golden {argv[0]} needs a checkout of the project, but {tmp_path} has no "
        f'{lacking}: run it from a git clone installed with pip install -e ".[dev]"\n'
    )


def test_a_given_root_is_taken_as_it_is() -> None:
    assert cli.missing_requirement("accept", root_given=True) is None
    assert cli.missing_requirement("check", root_given=True) is None


@pytest.mark.parametrize(
    "command",
    ["check", "update", "diff", "determinism", "pending", "review", "accept", "reject"],
)
def test_nothing_is_missing_in_this_checkout(command: str) -> None:
    assert cli.missing_requirement(command) is None
