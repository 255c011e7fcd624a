"""Draw a figure spec (``figures.py``) as SVG bytes with matplotlib. Pure: spec in, bytes out.

Only the object API (``Figure`` plus the SVG canvas), never pyplot's global figure state.
The bytes depend on the spec and the matplotlib version only: ``RC`` fixes the SVG hash salt
(element ids) and the font (matplotlib's bundled DejaVu Sans, glyphs written as paths), and the
SVG metadata carries no date. The heat map is one ``imshow`` raster, so its cost does not grow
with the number of cells drawn as patches.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

__all__ = ["RC", "draw_figure", "render_svg", "save_svg"]

RC: Mapping[str, Any] = {
    "svg.hashsalt": "tradingview_scraper",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "path.simplify": True,
}
_META_COLOR = "#1f3b73"
_ONE_DAY = np.timedelta64(1, "D")
_SLEEVE_COLORS = ("#8fb0d9", "#f0a35e", "#7fbf7f", "#d98f8f", "#b59fd6", "#c9a27e", "#e3a8d1")


def _dates(spec: Mapping[str, Any]) -> np.ndarray:
    return np.array(spec["dates"], dtype="datetime64[D]")


def _equity(figure: Figure, spec: Mapping[str, Any]) -> None:
    figure.subplots_adjust(left=0.09, right=0.98, top=0.94, bottom=0.1, hspace=0.08)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    dates = _dates(spec)
    for number, series in enumerate(spec["series"][1:]):
        color = _SLEEVE_COLORS[number % len(_SLEEVE_COLORS)]
        top.plot(dates, series["values"], color=color, linewidth=0.8, label=series["label"])
    meta = spec["series"][0]
    top.plot(dates, meta["values"], color=_META_COLOR, linewidth=1.8, label=meta["label"])
    # the limits first: a log scale set over no positive data at all (every curve at 0, all
    # lost on the first day) would warn and fall back to a singular range
    top.set_ylim(*spec["ylim"])
    top.set_yscale(spec["yscale"])
    low, high = spec["ylim"]
    narrow = high <= 10.0 * low  # less than a decade: label the minor ticks too, in plain numbers
    top.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.3g"))
    minor = "%.2f" if narrow else ""
    top.yaxis.set_minor_formatter(
        matplotlib.ticker.FormatStrFormatter(minor) if minor else matplotlib.ticker.NullFormatter()
    )
    top.set_ylabel("growth of 1")
    top.set_title(spec["title"])
    top.legend(loc="upper left", fontsize=7, ncol=2, frameon=False)
    bottom.fill_between(dates, spec["drawdown"], 0.0, color=_META_COLOR, alpha=0.35, linewidth=0)
    bottom.plot(dates, spec["drawdown"], color=_META_COLOR, linewidth=0.8)
    low = spec["drawdown_ylim"][0]
    bottom.set_ylim(low * 1.05 if low < 0 else -0.01, 0.0)
    bottom.set_ylabel("drawdown")
    bottom.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    if len(dates) > 1:
        bottom.set_xlim(dates[0], dates[-1])
    elif len(dates) == 1:  # a one-day calendar: a day either side, not a singular axis
        bottom.set_xlim(dates[0] - _ONE_DAY, dates[0] + _ONE_DAY)
    bottom.set_xlabel(spec["note"])


def _margins(figure: Figure, *, left: float, bottom: float, top: float = 0.4) -> None:
    """Fixed margins in inches: no layout solver (it measured every tick label twice)."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=left / width, right=1.0 - 0.25 / width, bottom=bottom / height, top=1.0 - top / height
    )


def _weights(figure: Figure, spec: Mapping[str, Any]) -> None:
    labels = [label if len(label) <= 24 else label[:23] + "…" for label in spec["labels"]]
    _margins(
        figure, left=0.25 + 0.07 * max((len(label) for label in labels), default=4), bottom=0.85
    )
    axes = figure.subplots()
    y = np.arange(len(labels), dtype=np.float64)
    axes.barh(y - 0.2, spec["raw"], height=0.4, color="#c6d4e8", label="raw (before bounds)")
    axes.barh(y + 0.2, spec["final"], height=0.4, color=_META_COLOR, label="final")
    lows, highs = np.array(spec["lower"]), np.array(spec["upper"])
    axes.hlines(y, lows, highs, colors="#b22222", linewidth=0.8, label="bounds [lo, hi]")
    axes.plot(lows, y, "|", color="#b22222", markersize=9)
    axes.plot(highs, y, "|", color="#b22222", markersize=9)
    axes.set_yticks(y, labels, fontsize=7 if len(labels) > 20 else 9)
    axes.invert_yaxis()
    axes.set_xlim(*spec["xlim"])
    axes.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axes.set_title(spec["title"])
    axes.set_xlabel(spec["note"])
    figure.legend(loc="lower center", ncols=3, fontsize=7, frameon=False, bbox_to_anchor=(0.5, 0.0))


def _correlation(figure: Figure, spec: Mapping[str, Any]) -> None:
    labels = spec["labels"]
    room = 0.3 + 0.07 * max((len(label) for label in labels), default=0)
    _margins(figure, left=room, bottom=room + 0.3)
    axes = figure.subplots()
    matrix = np.asarray(spec["matrix"], dtype=np.float64)
    cmap = matplotlib.colormaps[spec["colormap"]].with_extremes(bad="#bbbbbb")
    image = axes.imshow(
        matrix,
        cmap=cmap,
        vmin=spec["vmin"],
        vmax=spec["vmax"],
        interpolation="nearest",
        aspect="equal",
    )
    if 0 < len(labels) <= 12:  # few cells: print each correlation inside its cell
        for (row, column), value in np.ndenumerate(matrix):
            shade = "white" if abs(value) > 0.6 else "black"
            text = "n/a" if np.isnan(value) else f"{value:.2f}"
            axes.text(column, row, text, ha="center", va="center", fontsize=8, color=shade)
    if labels:
        ticks = np.arange(len(labels))
        axes.set_xticks(ticks, labels, rotation=90, fontsize=7)
        axes.set_yticks(ticks, labels, fontsize=7)
    else:
        axes.set_xticks([])
        axes.set_yticks([])
    axes.grid(False)
    axes.set_title(spec["title"])
    axes.set_xlabel(spec["note"])
    figure.colorbar(image, ax=axes, shrink=0.8, label="correlation")


def _dendrogram(figure: Figure, spec: Mapping[str, Any]) -> None:
    room = 0.35 + 0.07 * max((len(leaf) for leaf in spec["leaves"]), default=0)
    _margins(figure, left=0.7, bottom=room + 0.2)
    axes = figure.subplots()
    segments = [[(xl, yl), (xl, y), (xr, y), (xr, yr)] for xl, xr, yl, yr, y in spec["links"]]
    axes.add_collection(LineCollection(segments, colors=_META_COLOR, linewidths=0.8))
    n = spec["n"]
    axes.set_xlim(-0.5, n - 0.5)
    axes.set_ylim(*spec["ylim"])
    top = spec["ylim"][1]
    for split in spec["splits"]:
        height = top * (0.97 - 0.08 * split["depth"])
        axes.vlines(split["x"], 0.0, height, colors="#b22222", linestyles="dashed", linewidth=0.8)
        axes.annotate(
            f"α={100.0 * split['alpha']:.1f}%",
            (split["x"], height),
            ha="right",
            va="top",
            fontsize=7,
            color="#b22222",
            xytext=(-2, 0),
            textcoords="offset points",
        )
    leaves = spec["leaves"]
    if leaves:
        axes.set_xticks(np.arange(len(leaves)), leaves, rotation=90, fontsize=7)
    else:
        axes.set_xticks([])
    axes.grid(False, axis="x")
    axes.set_ylabel("correlation distance sqrt(0.5 (1 - rho))")
    axes.set_title(spec["title"])
    axes.set_xlabel(spec["note"])


_DRAW: Mapping[
    str, tuple[Callable[[Figure, Mapping[str, Any]], None], Callable[[Any], tuple[float, float]]]
] = {
    "equity": (_equity, lambda spec: (9.0, 6.0)),
    "weights": (_weights, lambda spec: (8.0, 1.9 + 0.24 * len(spec["labels"]))),
    "correlation": (_correlation, lambda spec: (7.5, 6.5)),
    "dendrogram": (_dendrogram, lambda spec: (10.0, 5.0)),
}


def draw_figure(spec: Mapping[str, Any]) -> Figure:
    """The figure of one spec, drawn under ``RC`` on an SVG canvas and not saved.

    What ``render_svg`` writes, as matplotlib objects: ``harness/figure_digest.py`` describes
    it for the goldens.
    """
    draw, size = _DRAW[spec["family"]]
    with matplotlib.rc_context(dict(RC)):  # type: ignore[arg-type]
        figure = Figure(figsize=size(spec))
        FigureCanvasSVG(figure)
        draw(figure, spec)
    return figure


def save_svg(figure: Figure) -> bytes:
    """The SVG of a figure ``draw_figure`` made: saved under ``RC``, whose ``svg.hashsalt`` is
    read while saving (outside it the element ids take a random salt), with no date."""
    with matplotlib.rc_context(dict(RC)):  # type: ignore[arg-type]
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def render_svg(spec: Mapping[str, Any]) -> bytes:
    """The SVG of one figure spec; the same spec gives the same bytes in every process."""
    return save_svg(draw_figure(spec))
