"""describe_figure: what a drawn figure shows, as the goldens record it (<case>.drawn).

Expected values come from figures built by hand here (known data, colours, formatters), not
from the digest itself; spec-drawn figures check that the digest is stable and that it moves
when one colour or one formatter does.
"""

from __future__ import annotations

import ast
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib import ticker
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from tradingview_scraper.errors import HarnessError
from tradingview_scraper.harness.cases import CACHED, DRAWN, expected_names
from tradingview_scraper.harness.figure_digest import (
    describe_figure,
    drawn_document,
    summary,
)
from tradingview_scraper.harness.materialize import load_case
from tradingview_scraper.meta import _figure_draw
from tradingview_scraper.meta._figure_draw import draw_figure
from tradingview_scraper.meta._figure_draw import render_svg as draw_svg

REPO = Path(__file__).resolve().parents[2]
DATES = ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06"]
SPECS: dict[str, dict[str, Any]] = {
    "equity": {
        "family": "equity",
        "title": "p (hrp): growth",
        "dates": DATES,
        "series": [
            {"label": "meta portfolio", "values": np.array([1.0, 1.01, 0.99, 1.02])},
            {"label": "a", "values": np.array([1.0, 1.02, 0.97, 1.03])},
            {"label": "b", "values": np.array([1.0, 1.0, 1.01, 1.01])},
        ],
        "drawdown": np.array([0.0, 0.0, -0.0198, 0.0]),
        "yscale": "log",
        "ylim": [0.97, 1.03],
        "drawdown_ylim": [-0.0198, 0.0],
        "max_drawdown": -0.0198,
        "note": "meta portfolio and all 2 sleeves",
    },
    "weights": {
        "family": "weights",
        "title": "p (hrp): weights",
        "labels": ["a", "b"],
        "raw": [0.6, 0.4],
        "final": [0.55, 0.45],
        "lower": [0.1, 0.1],
        "upper": [0.55, 0.6],
        "vetoed": [False, False],
        "xlim": [0.0, 0.63],
        "note": "all 2 sleeves",
    },
    "correlation": {
        "family": "correlation",
        "title": "p (hrp): correlation",
        "labels": ["a", "b"],
        "matrix": np.array([[1.0, 0.3], [0.3, np.nan]]),
        "block": 1,
        "vmin": -1.0,
        "vmax": 1.0,
        "colormap": "RdBu_r",
        "note": "2 sleeves",
    },
    "dendrogram": {
        "family": "dendrogram",
        "title": "p (hrp): tree",
        "leaves": ["a", "b"],
        "n": 2,
        "links": [[0.0, 1.0, 0.0, 0.0, 0.5]],
        "splits": [{"depth": 0, "x": 0.5, "start": 0, "end": 2, "alpha": 0.25}],
        "ylim": [0.0, 0.575],
        "note": "2 sleeves",
    },
}


def _figure() -> Figure:
    figure = Figure(figsize=(4.0, 3.0))
    FigureCanvasSVG(figure)
    figure.subplots_adjust(left=0.2, right=0.9, bottom=0.15, top=0.85)
    return figure


def test_a_line_figure_built_by_hand() -> None:
    figure = _figure()
    axes = figure.subplots()
    axes.plot([0.0, 1.0, 2.0], [1.0, 3.0, 2.0], color="#ff0000", linewidth=2.0, label="red")
    axes.plot([0.0, 2.0], [1.5, 1.5], "|", color="blue", markersize=4.0)
    axes.set_title("T")
    axes.set_xlabel("x label")
    axes.set_xlim(0.0, 2.0)
    axes.set_yscale("log")
    axes.set_ylim(1.0, 4.0)
    axes.yaxis.set_major_formatter(ticker.FormatStrFormatter("%.1f"))
    axes.yaxis.set_minor_formatter(ticker.PercentFormatter(2.0))
    axes.set_xticks([0.0, 2.0], ["a", "b"], fontsize=5, rotation=45)
    axes.text(1.0, 2.0, "hi", color="blue", fontsize=6, ha="left", va="bottom")
    axes.grid(True, axis="y")
    axes.grid(False, axis="x")
    axes.legend(loc="upper right", ncol=2, fontsize=8, frameon=False)

    digest = describe_figure(figure)

    assert digest["size"] == [4.0, 3.0]
    assert digest["subplotpars"] == {
        "left": 0.2,
        "right": 0.9,
        "bottom": 0.15,
        "top": 0.85,
        "wspace": 0.2,
        "hspace": 0.2,
    }
    (ax,) = digest["axes"]
    assert ax["position"] == [0.2, 0.15, 0.7, 0.7]
    assert ax["title"] == "T"
    red, marks = ax["lines"]
    assert red == {
        "label": "red",
        "color": "#ff0000",
        "linewidth": 2.0,
        "linestyle": "-",
        "marker": "None",
        "x": {"n": 3, "first": 0.0, "last": 2.0, "min": 0.0, "max": 2.0, "sum": 3.0},
        "y": {"n": 3, "first": 1.0, "last": 2.0, "min": 1.0, "max": 3.0, "sum": 6.0},
    }
    assert "label" not in marks  # matplotlib's automatic label is not ours
    assert (marks["color"], marks["marker"], marks["markersize"]) == ("#0000ff", "|", 4.0)
    assert marks["linestyle"] == "None"
    assert ax["x"]["label"] == "x label"
    assert ax["x"]["limits"] == [0.0, 2.0]
    assert ax["x"]["grid"] == "none"
    assert ax["x"]["major"] == {
        "locator": "FixedLocator",
        "formatter": "FuncFormatter",
        "ticks": [0.0, 2.0],
        "labels": ["a", "b"],
        "fontsize": 5.0,
        "rotation": 45.0,
    }
    assert "minor" not in ax["x"]  # no minor ticks: not described
    assert ax["y"]["scale"] == "log"
    assert ax["y"]["limits"] == [1.0, 4.0]
    assert ax["y"]["grid"] == "major"
    assert ax["y"]["major"] == {
        "locator": "LogLocator",
        "formatter": "FormatStrFormatter",
        "format": "%.1f",
    }
    assert ax["y"]["minor"] == {
        "locator": "LogLocator",
        "formatter": "PercentFormatter",
        "xmax": 2.0,
        "decimals": None,
        "symbol": "%",
    }
    assert ax["texts"] == [
        {
            "text": "hi",
            "position": [1.0, 2.0],
            "fontsize": 6.0,
            "color": "#0000ff",
            "rotation": 0.0,
            "ha": "left",
            "va": "bottom",
        }
    ]
    legend = ax["legend"]
    assert (legend["texts"], legend["loc"], legend["ncol"]) == (["red"], "upper right", 2)
    assert (legend["fontsize"], legend["frameon"]) == (8.0, False)
    assert legend["anchor"] == [0.2, 0.15, 0.7, 0.7]  # an axes legend anchors to its axes
    json.dumps(digest, allow_nan=False)  # JSON-ready


def test_bars_collections_images_and_annotations_built_by_hand() -> None:
    figure = _figure()
    left, right = figure.subplots(1, 2)
    left.barh([0.0, 1.0, 2.0], [0.5, 0.25, 1.0], height=0.5, color="#00ff00", label="w")
    left.add_collection(
        LineCollection(
            [[(0.0, 0.0), (1.0, 2.0)], [(2.0, 0.0), (2.0, 4.0)]],
            colors="#123456",
            linewidths=0.5,
            linestyles="dashed",
        )
    )
    left.fill_between([0.0, 1.0], [1.0, 2.0], 0.0, color="#000000", alpha=0.5, linewidth=0)
    left.annotate("α", (1.0, 2.0), xytext=(-2, 0), textcoords="offset points", color="red")
    image = right.imshow(
        np.array([[1.0, np.nan], [-0.5, 0.25]]),
        cmap="RdBu_r",
        vmin=-1.0,
        vmax=1.0,
        interpolation="nearest",
    )
    figure.colorbar(image, ax=right, label="c")

    digest = describe_figure(figure)

    assert len(digest["axes"]) == 2  # the colorbar's axes is described with its image
    bars, image_axes = digest["axes"]
    (container,) = bars["bars"]
    assert container["label"] == "w"
    assert container["orientation"] == "horizontal"
    assert container["count"] == 3
    assert container["colors"] == ["#00ff00"]
    assert container["width"] == {
        "n": 3,
        "first": 0.5,
        "last": 1.0,
        "min": 0.25,
        "max": 1.0,
        "sum": 1.75,
    }
    assert container["y"]["first"] == -0.25  # bottom of a bar centred at 0.0, 0.5 high
    assert container["height"]["sum"] == 1.5
    lines, fill = bars["collections"]
    assert lines["kind"] == "LineCollection"
    assert lines["paths"] == 2
    assert lines["edgecolors"] == ["#123456"]
    assert lines["linewidths"] == [0.5]
    assert lines["linestyles"] == [0.0, 1.85, 0.8]  # dashed, scaled by the 0.5 linewidth
    assert lines["x"] == {"n": 4, "first": 0.0, "last": 2.0, "min": 0.0, "max": 2.0, "sum": 5.0}
    assert lines["y"]["sum"] == 6.0
    assert fill["facecolors"] == ["#00000080"]  # with its alpha
    assert fill["alpha"] == 0.5
    (annotation,) = bars["texts"]
    assert annotation["text"] == "α"
    assert annotation["xy"] == [1.0, 2.0]
    assert annotation["position"] == [-2.0, 0.0]
    assert annotation["textcoords"] == "offset points"
    assert annotation["color"] == "#ff0000"
    (described,) = image_axes["images"]
    assert described["shape"] == [2, 2]
    assert described["cmap"] == "RdBu_r"
    assert described["clim"] == [-1.0, 1.0]
    assert described["interpolation"] == "nearest"
    assert described["extent"] == [-0.5, 1.5, 1.5, -0.5]
    assert described["values"] == {
        "n": 4,
        "missing": 1,
        "first": 1.0,
        "last": 0.25,
        "min": -0.5,
        "max": 1.0,
        "sum": 0.75,
    }
    assert described["colorbar"]["label"] == "c"
    assert described["colorbar"]["orientation"] == "vertical"
    assert described["colorbar"]["limits"] == [-1.0, 1.0]
    assert image_axes["aspect"] == 1.0


def test_summary_of_dates_missing_values_and_rounding() -> None:
    dates = np.array(["2025-10-03", "2025-10-01", "NaT"], dtype="datetime64[D]")
    assert summary(dates) == {
        "n": 3,
        "missing": 1,
        "first": "2025-10-03",
        "last": "NaT",
        "min": "2025-10-01",
        "max": "2025-10-03",
    }
    values = summary(np.array([np.nan, 1.0 / 3.0, 123456.789012345, 1e-13]))
    assert values["missing"] == 1
    assert values["first"] == "NaN"
    assert values["last"] == 0.0  # 1e-13: kept to 10 significant digits, then 10 decimals
    assert values["max"] == 123456.789  # 10 significant digits
    assert values["min"] == 0.0
    assert values["sum"] == 123457.1223  # the exact sum, rounded once
    masked = summary(np.ma.masked_invalid(np.array([2.0, np.inf, 1.0])))
    assert masked == {
        "n": 3,
        "missing": 1,
        "first": 2.0,
        "last": 1.0,
        "min": 1.0,
        "max": 2.0,
        "sum": 3.0,
    }
    assert summary(np.array([])) == {"n": 0}
    # an exact sum: the same digits whatever the summation order
    many = np.full(10_001, 0.1)
    assert summary(many)["sum"] == math.fsum([0.1] * 10_001)


@pytest.mark.parametrize("family", sorted(SPECS))
def test_two_draws_of_a_spec_give_the_same_digest(family: str) -> None:
    first = describe_figure(draw_figure(SPECS[family]))
    second = describe_figure(draw_figure(SPECS[family]))
    assert first == second
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_one_colour_or_one_formatter_changes_the_digest() -> None:
    before = describe_figure(draw_figure(SPECS["equity"]))
    recoloured = draw_figure(SPECS["equity"])
    recoloured.axes[0].get_lines()[0].set_color("#000001")
    assert describe_figure(recoloured) != before
    reformatted = draw_figure(SPECS["equity"])
    reformatted.axes[1].yaxis.set_major_formatter(ticker.PercentFormatter(100.0))
    assert describe_figure(reformatted) != before
    assert describe_figure(draw_figure(SPECS["equity"])) == before


def test_what_the_equity_figure_draws() -> None:
    digest = describe_figure(draw_figure(SPECS["equity"]))
    top, bottom = digest["axes"]
    assert [line["label"] for line in top["lines"]] == ["a", "b", "meta portfolio"]
    assert [line["color"] for line in top["lines"]] == ["#8fb0d9", "#f0a35e", "#1f3b73"]
    assert top["lines"][0]["x"] == {
        "n": 4,
        "first": "2025-10-01",
        "last": "2025-10-06",
        "min": "2025-10-01",
        "max": "2025-10-06",
    }
    assert top["y"]["major"]["format"] == "%.3g"
    assert top["y"]["minor"]["format"] == "%.2f"  # less than a decade: minor labels too
    assert top["sharex"] == [1] and bottom["sharex"] == [0]
    assert bottom["y"]["major"]["formatter"] == "PercentFormatter"
    assert bottom["y"]["limits"] == [-0.02079, 0.0]  # 5% below the deepest drawdown
    assert top["title_fontsize"] == 10.0  # RC's axes.titlesize


@pytest.mark.real_figures
def test_svg_facts_and_the_drawn_document() -> None:
    svg = _figure_draw.render_svg(SPECS["dendrogram"])
    document = drawn_document(
        {"hrp": {"weights": SPECS["weights"], "dendrogram": SPECS["dendrogram"]}},
        {"dendrogram_m_hrp.svg": svg, "a_stand_in.svg": b"<svg/>", "weights_m_hrp.svg": svg},
        {"dendrogram_m_hrp.svg": ("hrp", "dendrogram"), "weights_m_hrp.svg": ("hrp", "weights")},
    )
    assert document["rc"]["svg.hashsalt"] == "tradingview_scraper"
    assert sorted(document["figures"]["hrp"]) == ["dendrogram", "weights"]
    assert list(document["written"]) == [
        "a_stand_in.svg",
        "dendrogram_m_hrp.svg",
        "weights_m_hrp.svg",
    ]
    assert document["written"]["dendrogram_m_hrp.svg"] == {
        "xml": True,
        "width": "720pt",  # 10 x 5 inches
        "height": "360pt",
        "dated": False,
        "text_elements": 0,
        "repeatable": True,
    }
    assert document["written"]["a_stand_in.svg"] == {
        "xml": False,
        "width": None,
        "height": None,
        "dated": False,
        "text_elements": 0,
        "repeatable": None,  # no spec names this file
    }
    # the dendrogram's bytes under the weights figure's name: the weights figure's differ
    assert document["written"]["weights_m_hrp.svg"]["repeatable"] is False


@pytest.mark.real_figures
def test_an_svg_saved_outside_rc_is_not_repeatable() -> None:
    """Saved outside ``RC``'s context, the SVG's element ids take a random salt
    (``svg.hashsalt`` is read when saving): the drawn golden's ``repeatable`` turns false."""
    spec = SPECS["weights"]

    def outside_rc() -> bytes:
        buffer = io.BytesIO()
        _figure_draw.draw_figure(spec).savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue()

    name = "weights_m_hrp.svg"
    document = drawn_document(
        {"hrp": {"weights": spec}}, {name: outside_rc()}, {name: ("hrp", "weights")}
    )
    assert document["written"][name]["repeatable"] is False
    assert outside_rc() != outside_rc()
    assert draw_svg(spec) == draw_svg(spec)
    # the same spec rendered by render_svg (saved under RC): the same figure, repeatable
    again = drawn_document(
        {"hrp": {"weights": spec}}, {name: draw_svg(spec)}, {name: ("hrp", "weights")}
    )
    assert again["written"][name]["repeatable"] is True
    assert again["figures"] == document["figures"]


@pytest.mark.real_figures
def test_drawn_document_draws_afresh_not_through_render_svg(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The digest draws with draw_figure and saves with save_svg itself: a stand-in for
    render_svg (tests/conftest.py) cannot serve it, and the golden suite turns the stand-in off
    (real_figures)."""
    calls: list[str] = []

    def counted(spec: Any) -> bytes:
        calls.append(spec["family"])
        return b'<?xml version="1.0"?><svg width="1pt" height="1pt">'

    monkeypatch.setattr(_figure_draw, "render_svg", counted)
    name = "weights_m_hrp.svg"
    real = draw_svg(SPECS["weights"])
    document = drawn_document({"hrp": dict(SPECS)}, {name: real}, {name: ("hrp", "weights")})
    assert sorted(document["figures"]["hrp"]) == sorted(SPECS)
    assert document["written"][name]["repeatable"] is True  # drawn again by the real function
    assert calls == []
    tree = ast.parse((REPO / "tests" / "golden" / "test_goldens.py").read_text(encoding="utf-8"))
    marks = [
        ast.unparse(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "pytestmark"
    ]
    assert marks == ["[pytest.mark.real_figures, pytest.mark.no_cover]"]


def _case_folder(tmp_path: Path, extra: dict[str, Any]) -> Path:
    folder = tmp_path / "some_case"
    folder.mkdir(parents=True)
    case = {
        "meta_profile": "meta_two",
        "risk_profiles": ["hrp"],
        "run_id": "golden_run",
        "expect": {"outcome": "success"},
        **extra,
    }
    (folder / "case.json").write_text(json.dumps(case), encoding="utf-8")
    return folder


@pytest.mark.parametrize("option", ["draw_figures", "cached_rerun", "cli_run"])
def test_draw_figures_cached_rerun_and_cli_run_are_case_options(
    tmp_path: Path, option: str
) -> None:
    assert getattr(load_case(_case_folder(tmp_path / "off", {})), option) is False
    assert getattr(load_case(_case_folder(tmp_path / "on", {option: True})), option) is True
    with pytest.raises(HarnessError, match=f"{option} must be true or false, not 'yes'"):
        load_case(_case_folder(tmp_path / "bad", {option: "yes"}))


def test_a_case_with_a_cached_rerun_has_a_cache_golden() -> None:
    fixtures = REPO / "fixtures" / "workspaces"
    rerun = load_case(fixtures / "nested_depth2")
    assert rerun.cached_rerun and f"nested_depth2.{CACHED}" in expected_names(rerun)
    plain = load_case(fixtures / "two_sleeves")
    assert not any(name.endswith(f".{CACHED}") for name in expected_names(plain))


def test_a_case_that_draws_its_figures_has_a_drawn_golden() -> None:
    fixtures = REPO / "fixtures" / "workspaces"
    drawn = load_case(fixtures / "report_at_scale")
    assert drawn.draw_figures
    assert f"report_at_scale.{DRAWN}" in expected_names(drawn)
    plain = load_case(fixtures / "two_sleeves")
    assert not plain.draw_figures
    assert not any(name.endswith(f".{DRAWN}") for name in expected_names(plain))
