"""The figure worker: the same SVG bytes as drawing in process, whatever happens to it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tradingview_scraper import figure_drawer, pipeline
from tradingview_scraper.figure_drawer import FigureDrawer
from tradingview_scraper.harness.cases import cases, run_case
from tradingview_scraper.meta.figures import figure_jobs

# the drawer is compared with render_svg itself, in this process and in its workers
pytestmark = pytest.mark.real_figures

REPO = Path(__file__).resolve().parents[2]
CASE = next(c for c in cases(REPO / "fixtures" / "workspaces") if c.name == "nested_depth2")


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    run = run_case(CASE, tmp_path_factory.mktemp("drawer"), draw_figures=False)
    out: dict[str, Any] = {}
    for outcome in run.computation.outcomes.values():
        out.update(figure_jobs(outcome))
    return out


@pytest.fixture(scope="module")
def in_process(jobs: dict[str, Any]) -> dict[str, bytes]:
    with FigureDrawer(worker=False) as drawer:
        for path, spec in jobs.items():
            drawer.draw(path, spec)
        return drawer.results()


def test_the_worker_draws_the_bytes_this_process_draws(
    jobs: dict[str, Any], in_process: dict[str, bytes]
) -> None:
    with FigureDrawer(worker=True) as drawer:
        assert drawer.uses_worker
        for path, spec in jobs.items():
            drawer.draw(path, spec)
        drawn = drawer.results()
    assert list(drawn) == list(jobs)  # every path, in the order given
    assert drawn == in_process
    assert len(jobs) >= 8


def test_a_worker_that_dies_costs_time_only(
    jobs: dict[str, Any], in_process: dict[str, bytes]
) -> None:
    with FigureDrawer(worker=True) as drawer:
        process = drawer._process
        assert process is not None
        process.kill()
        process.wait()
        for path, spec in jobs.items():
            drawer.draw(path, spec)
        assert drawer.results() == in_process


def test_no_worker_when_processes_cannot_start(
    jobs: dict[str, Any], in_process: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("fork: resource temporarily unavailable")

    monkeypatch.setattr(figure_drawer.subprocess, "Popen", refuse)
    with FigureDrawer(worker=True) as drawer:
        assert not drawer.uses_worker
        for path, spec in jobs.items():
            drawer.draw(path, spec)
        assert drawer.results() == in_process


def test_an_error_stops_the_worker(jobs: dict[str, Any]) -> None:
    with pytest.raises(RuntimeError, match="stage failed"), FigureDrawer(worker=True) as drawer:
        process = drawer._process
        for path, spec in jobs.items():
            drawer.draw(path, spec)
        raise RuntimeError("stage failed")
    assert process is not None and process.returncode is not None


def test_a_bad_spec_raises_its_own_error_in_this_process(jobs: dict[str, Any]) -> None:
    spec = dict(next(iter(jobs.values())))
    spec["family"] = "pie"
    with FigureDrawer(worker=True) as drawer:
        drawer.draw("figures/pie.svg", spec)
        with pytest.raises(KeyError, match="pie"):
            drawer.results()


def test_a_large_run_draws_in_the_worker_and_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inline = run_case(CASE, tmp_path / "inline")
    used: list[bool] = []
    real = pipeline.FigureDrawer

    class Recording(real):  # type: ignore[misc,valid-type]
        def __init__(self, *, worker: bool) -> None:
            super().__init__(worker=worker)
            used.append(self.uses_worker)

    monkeypatch.setattr(pipeline, "WORKER_MIN_CELLS", 0)
    monkeypatch.setattr(pipeline, "FigureDrawer", Recording)
    monkeypatch.setattr(pipeline, "usable_cpus", lambda: 2)
    parallel = run_case(CASE, tmp_path / "parallel")
    assert used == [True]

    def digests(run: pipeline.MetaRun) -> dict[str, str]:
        return {
            name: hashlib.sha256((run.run_dir / name).read_bytes()).hexdigest()
            for name in run.files
        }

    assert digests(parallel) == digests(inline)
    assert figure_jobs(parallel.computation.outcomes["hrp"])  # there are figures to compare


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """The worker is not a multiprocessing child: it never imports the caller's __main__."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        textwrap.dedent(
            """
            from tradingview_scraper.figure_drawer import FigureDrawer
            print("script ran", flush=True)
            spec = {"family": "weights", "title": "t", "labels": ["a"], "raw": [1.0],
                    "final": [1.0], "lower": [0.0], "upper": [1.0], "vetoed": [False],
                    "xlim": [0.0, 1.05], "note": "all 1 sleeves"}
            with FigureDrawer(worker=True) as drawer:
                assert drawer.uses_worker
                drawer.draw("w.svg", spec)
                print(len(drawer.results()["w.svg"]) > 1000)
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["script ran", "True"]
