"""scripts/floors.py: the constraints file that pins the declared dependency floors."""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import pytest
from script_module import load_script

REPO = Path(__file__).resolve().parents[1]


floors = load_script("floors")


def _pyproject(tmp_path: Path, *dependencies: str) -> Path:
    path = tmp_path / "pyproject.toml"
    listed = ", ".join(f'"{d}"' for d in dependencies)
    path.write_text(f'[project]\nname = "x"\ndependencies = [{listed}]\n', encoding="utf-8")
    return path


def test_every_runtime_dependency_is_pinned_to_its_floor() -> None:
    found = floors.floors(REPO / "pyproject.toml")
    assert list(found) == ["numpy", "pandas", "scipy", "matplotlib"]
    text = floors.constraints(REPO / "pyproject.toml")
    assert text.splitlines()[1:] == [f"{name}=={v}" for name, v in found.items()]


def test_extras_markers_and_upper_bounds_are_read(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, "a[x]>=1.2,<2 ; python_version>'3'", "b <3, >= 0.9")
    assert floors.floors(path) == {"a": "1.2", "b": "0.9"}


@pytest.mark.parametrize(
    ("dependency", "pattern"),
    [
        ("numpy", r"'numpy' needs exactly one '>=' floor"),
        ("numpy<3", r"'numpy<3' needs exactly one '>=' floor"),
        ("numpy>=1,>=2", r"needs exactly one '>=' floor"),
        ("==1", r"cannot read dependency '==1'"),
    ],
)
def test_a_dependency_without_one_floor_is_an_error(
    tmp_path: Path, dependency: str, pattern: str
) -> None:
    with pytest.raises(ValueError, match=pattern):
        floors.floors(_pyproject(tmp_path, dependency))


def test_the_script_prints_the_constraints_or_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert floors.main(["--pyproject", str(_pyproject(tmp_path, "scipy>=1.13.0"))]) == 0
    assert capsys.readouterr().out.endswith("\nscipy==1.13.0\n")
    assert floors.main(["--pyproject", str(_pyproject(tmp_path, "scipy"))]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_installed_versions_are_within_the_declared_range() -> None:
    # TV_EXPECT_FLOORS=1 (set by .ci/run's floors job): exactly the floors, not merely above
    exact = os.environ.get("TV_EXPECT_FLOORS") == "1"
    for name, floor in floors.floors(REPO / "pyproject.toml").items():
        installed = version(name)
        if exact:
            assert installed == floor, f"{name} {installed} installed, floor is {floor}"
        else:
            assert _key(installed) >= _key(floor), f"{name} {installed} is below its floor"


def _key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())
