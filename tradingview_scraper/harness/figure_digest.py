"""What a drawn figure shows, as a small JSON document: the golden of ``meta/_figure_draw.py``.

``<case>.figures`` holds each figure's spec (what it should draw); ``describe_figure`` describes
the matplotlib ``Figure`` that ``_figure_draw.draw_figure`` makes of a spec, so a change in how
a spec is drawn (a colour, a scale, a formatter, a label, a dropped series) is drift too. A case
opts in with ``"draw_figures": true`` in its ``case.json``; its golden ``<case>.drawn``
(``golden/<case>/drawn.json``) is ``drawn_document``: the ``RC`` the figures are drawn under,
``describe_figure(draw_figure(spec))`` per risk profile and family, and ``svg_facts`` of each
figure file the run wrote (such a case runs with figures drawn: what ``render_svg`` adds, size in
points, no date, glyphs as paths, and the same bytes when the file's spec is drawn and saved
again). It calls ``draw_figure`` and ``save_svg`` itself, never a stand-in
(``tests/conftest.py`` stands in for ``_figure_draw.render_svg`` except in tests marked
``real_figures``, as the golden suite is).

The description walks the object tree in its own order (nothing that has an order is sorted):

* figure: ``size`` (inches), ``subplotpars``, ``axes``, figure ``legends`` and ``texts``;
* per Axes: ``position`` (figure fraction), ``title`` and ``title_fontsize``, ``aspect``,
  ``sharex``/``sharey`` (indices of the axes sharing it), and per axis ``x``/``y``: ``label``,
  ``scale``, ``limits``, ``grid`` (``major``, ``minor``, ``both`` or ``none``), and for the
  ``major``/``minor`` ticks the locator and formatter classes (with a formatter's own
  settings: ``format``, PercentFormatter's ``xmax``/``decimals``/``symbol``, FixedFormatter's
  labels); tick positions and labels (with their ``fontsize`` and ``rotation``) only where a
  FixedLocator placed them, an automatic locator is its class alone;
* ``lines`` (Line2D): label, colour, linewidth, linestyle, marker (and its size), ``x``/``y``;
* ``collections`` (LineCollection, fill_between, ...): class, label, path count, the ``x``/``y``
  of all vertices, colours, linewidths, linestyles (``[offset, *dashes]``, one when shared);
* ``bars`` (bar containers): label, orientation, count, ``x``/``y``/``width``/``height``,
  colours; other ``patches``: class, bounds, colour;
* ``images`` (imshow): shape, cmap and its ``bad`` colour, ``clim``, the ``values``, extent,
  interpolation, and its ``colorbar`` (label, orientation, position, limits; a colorbar's own
  Axes is described there, not among ``axes``);
* ``texts`` (axes texts and annotations): string, position, fontsize, colour, rotation,
  ha/va, and an annotation's ``xy`` and ``textcoords``; ``legend``: texts, loc, ncol,
  fontsize, frameon and ``anchor`` (figure fraction).

Data series are summaries (``summary``): ``n``, ``missing`` (NaN or masked, when any),
``first``, ``last``, ``min``, ``max``, ``sum`` (an exact ``math.fsum``), dates as ISO days.
Every float is rounded to ``DIGITS`` significant digits and then normalized like every golden
(``normalize``: 10 decimals, ``-0.0`` folded, NaN as ``"NaN"``), colours are hex (with alpha
when not opaque). Defaults our code does not set (tick label sizes of automatic ticks, spines,
the colorbar's internals, ids) are left out, so the document is the same under every supported
matplotlib, pandas and Python.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import Collection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation, Text

from ..meta._figure_draw import RC, draw_figure, save_svg
from .normalize import normalize

__all__ = ["DIGITS", "describe_figure", "drawn_document", "summary", "svg_facts"]

DIGITS = 10  # significant digits of every float, before normalize's 10 decimals
_LOCATIONS = {code: name for name, code in Legend.codes.items()}


def _float(value: Any) -> float:
    number = float(value)
    return float(f"{number:.{DIGITS}g}") if math.isfinite(number) else number


def _floats(values: Iterable[Any]) -> list[float]:
    return [_float(v) for v in values]


def _hex(color: Any) -> str:
    rgba = mcolors.to_rgba(color)
    return mcolors.to_hex(rgba, keep_alpha=rgba[3] < 1.0)


def _hexes(colors: Any) -> list[str]:
    """One hex per row of an RGBA array, or a single one when every row has the same."""
    found = [_hex(tuple(row)) for row in np.asarray(colors, dtype=np.float64).reshape(-1, 4)]
    return found[:1] if len(set(found)) == 1 else found


def summary(values: Any) -> dict[str, Any]:
    """``n``, ``missing``, ``first``, ``last``, ``min``, ``max``, ``sum`` of a data array.

    Dates (``datetime64``) give ISO days and no sum; masked or NaN values count as ``missing``
    and are left out of ``min``/``max``/``sum`` (``first``/``last`` show them as NaN). Normalized
    (JSON-ready); ``sum`` is exact before rounding, so no summation order shows.
    """
    data = np.asarray(np.ma.getdata(values)).ravel()
    mask = np.ma.getmaskarray(values).ravel()
    out: dict[str, Any] = {"n": int(data.size)}
    if np.issubdtype(data.dtype, np.datetime64):
        days = data.astype("datetime64[D]")
        kept = days[~np.isnat(days)]
        if len(kept) < data.size:
            out["missing"] = int(data.size - len(kept))
        if data.size:
            out["first"], out["last"] = (str(days[0]), str(days[-1]))
        if len(kept):
            out["min"], out["max"] = (str(kept.min()), str(kept.max()))
        return out
    numbers = data.astype(np.float64)
    missing = mask | ~np.isfinite(numbers)
    if missing.any():
        out["missing"] = int(missing.sum())
    if numbers.size:
        first = math.nan if missing[0] else numbers[0]
        last = math.nan if missing[-1] else numbers[-1]
        out["first"], out["last"] = _float(first), _float(last)
    kept = numbers[~missing]
    if kept.size:
        out["min"], out["max"] = _float(kept.min()), _float(kept.max())
        out["sum"] = _float(math.fsum(kept.tolist()))
    return dict(normalize(out))


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    """Without the fields that say nothing: None (no label, no legend) and empty lists."""
    return {key: value for key, value in fields.items() if value is not None and value != []}


def _label(artist: Any) -> str | None:
    """The artist's label, None for matplotlib's automatic ones (``_child3``, ``_nolegend_``)."""
    label = artist.get_label()
    return None if label is None or str(label).startswith("_") else str(label)


def _formatter(formatter: ticker.Formatter) -> dict[str, Any]:
    out: dict[str, Any] = {"formatter": type(formatter).__name__}
    if isinstance(formatter, ticker.FormatStrFormatter | ticker.StrMethodFormatter):
        out["format"] = formatter.fmt
    elif isinstance(formatter, ticker.PercentFormatter):
        out.update(xmax=_float(formatter.xmax), decimals=formatter.decimals)
        out["symbol"] = getattr(formatter, "_symbol", None)
    elif isinstance(formatter, ticker.FixedFormatter):
        out["labels"] = [str(s) for s in formatter.seq]
    return out


def _ticks(axis: Axis, *, minor: bool) -> dict[str, Any]:
    locator = axis.get_minor_locator() if minor else axis.get_major_locator()
    formatter = axis.get_minor_formatter() if minor else axis.get_major_formatter()
    out: dict[str, Any] = {"locator": type(locator).__name__, **_formatter(formatter)}
    if isinstance(locator, ticker.FixedLocator):  # placed by our code: where and what
        locs = [float(v) for v in locator()]
        out["ticks"] = _floats(locs)
        out["labels"] = [str(s) for s in formatter.format_ticks(locs)]
        if locs:  # set_ticks(..., fontsize=, rotation=) styles these tick labels
            tick = (axis.get_minor_ticks if minor else axis.get_major_ticks)(len(locs))[0]
            out["fontsize"] = _float(tick.label1.get_fontsize())
            out["rotation"] = _float(tick.label1.get_rotation())
    return out


def _axis(axis: Axis, limits: tuple[float, float]) -> dict[str, Any]:
    major = bool(getattr(axis, "_major_tick_kw", {}).get("gridOn", False))
    minor = bool(getattr(axis, "_minor_tick_kw", {}).get("gridOn", False))
    grid = {(True, True): "both", (True, False): "major", (False, True): "minor"}
    out = {
        "label": axis.label.get_text(),
        "scale": axis.get_scale(),
        "limits": _floats(limits),
        "grid": grid.get((major, minor), "none"),
        "major": _ticks(axis, minor=False),
        "minor": _ticks(axis, minor=True),
    }
    if out["minor"] == {"locator": "NullLocator", "formatter": "NullFormatter"}:
        del out["minor"]  # no minor ticks: matplotlib's default
    return out


def _line(line: Line2D) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": _label(line),
        "color": _hex(line.get_color()),
        "linewidth": _float(line.get_linewidth()),
        "linestyle": str(line.get_linestyle()),
        "marker": str(line.get_marker()),
    }
    if line.get_alpha() is not None:
        out["alpha"] = _float(line.get_alpha())
    if out["marker"] != "None":
        out["markersize"] = _float(line.get_markersize())
    out["x"] = summary(line.get_xdata(orig=True))
    out["y"] = summary(line.get_ydata(orig=True))
    return _compact(out)


def _dashes(styles: Any) -> list[Any]:
    """``[offset, *dashes]`` (``[0.0]``: solid) per line, or that one list when all are equal."""
    found = [[_float(offset), *_floats(dashes or ())] for offset, dashes in styles]
    return found[0] if found and all(style == found[0] for style in found) else found


def _collection(collection: Collection) -> dict[str, Any]:
    paths = collection.get_paths()
    vertices = [np.asarray(path.vertices, dtype=np.float64).reshape(-1, 2) for path in paths]
    points = np.concatenate(vertices) if vertices else np.empty((0, 2))
    out: dict[str, Any] = {
        "kind": type(collection).__name__,
        "label": _label(collection),
        "paths": len(paths),
        "x": summary(points[:, 0]),
        "y": summary(points[:, 1]),
        "facecolors": _hexes(collection.get_facecolor()),
        "edgecolors": _hexes(collection.get_edgecolor()),
        "linewidths": _floats(np.atleast_1d(collection.get_linewidth())),
        "linestyles": _dashes(collection.get_linestyle()),
    }
    if collection.get_alpha() is not None:
        out["alpha"] = _float(collection.get_alpha())
    return _compact(out)


def _rectangles(patches: list[Rectangle]) -> dict[str, Any]:
    return {
        "count": len(patches),
        "x": summary([p.get_x() for p in patches]),
        "y": summary([p.get_y() for p in patches]),
        "width": summary([p.get_width() for p in patches]),
        "height": summary([p.get_height() for p in patches]),
        "colors": _hexes([p.get_facecolor() for p in patches]) if patches else [],
    }


def _patch(patch: Patch) -> dict[str, Any]:
    extents = patch.get_path().get_extents(patch.get_patch_transform())
    return _compact(
        {
            "kind": type(patch).__name__,
            "label": _label(patch),
            "bounds": _floats(extents.bounds),
            "color": _hex(patch.get_facecolor()),
        }
    )


def _text(text: Text) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": text.get_text(),
        "position": _floats(text.get_position()),
        "fontsize": _float(text.get_fontsize()),
        "color": _hex(text.get_color()),
        "rotation": _float(text.get_rotation()),
        "ha": text.get_horizontalalignment(),
        "va": text.get_verticalalignment(),
    }
    if isinstance(text, Annotation):
        out["xy"] = _floats(text.xy)
        out["textcoords"] = str(text.anncoords)
    return out


def _location(loc: Any) -> Any:
    """A legend's ``loc``: its name (``upper left``), or the coordinates it was given."""
    if isinstance(loc, int):
        return _LOCATIONS.get(loc, str(loc))
    return None if loc is None else _floats(loc)


def _legend(legend: Legend | None, figure: Figure) -> dict[str, Any] | None:
    if legend is None:
        return None
    anchor = legend.get_bbox_to_anchor().transformed(figure.transFigure.inverted())
    texts = legend.get_texts()
    return {
        "texts": [t.get_text() for t in texts],
        "loc": _location(getattr(legend, "_loc", None)),
        "ncol": int(getattr(legend, "_ncols", 1)),
        "fontsize": _float(legend.prop.get_size_in_points()),
        "frameon": bool(legend.get_frame_on()),
        "anchor": _floats(anchor.bounds),
    }


def _colorbar(image: AxesImage) -> dict[str, Any] | None:
    colorbar = image.colorbar
    if colorbar is None:
        return None
    axes = colorbar.ax
    vertical = colorbar.orientation == "vertical"
    return {
        "label": (axes.yaxis if vertical else axes.xaxis).label.get_text(),
        "orientation": colorbar.orientation,
        "position": _floats(axes.get_position().bounds),
        "limits": _floats(axes.get_ylim() if vertical else axes.get_xlim()),
    }


def _image(image: AxesImage) -> dict[str, Any]:
    array = image.get_array()
    cmap = image.get_cmap()
    return {
        "shape": [] if array is None else [int(n) for n in array.shape],
        "cmap": cmap.name,
        "bad": _hex(cmap.get_bad()),
        "clim": _floats(image.get_clim()),
        "values": summary(array),
        "extent": _floats(image.get_extent()),
        "interpolation": image.get_interpolation(),
        "colorbar": _colorbar(image),
    }


def _shared(group: Any, axes: Axes, described: list[Axes]) -> list[int]:
    return [
        i for i, other in enumerate(described) if other is not axes and group.joined(axes, other)
    ]


def _axes(axes: Axes, described: list[Axes], figure: Figure) -> dict[str, Any]:
    in_bars = {id(p) for c in axes.containers if isinstance(c, BarContainer) for p in c.patches}
    out: dict[str, Any] = {
        "position": _floats(axes.get_position().bounds),
        "title": axes.get_title(),
        "title_fontsize": _float(axes.title.get_fontsize()),
        "aspect": axes.get_aspect()
        if isinstance(axes.get_aspect(), str)
        else _float(axes.get_aspect()),
        "sharex": _shared(axes.get_shared_x_axes(), axes, described),
        "sharey": _shared(axes.get_shared_y_axes(), axes, described),
        "x": _axis(axes.xaxis, axes.get_xlim()),
        "y": _axis(axes.yaxis, axes.get_ylim()),
        "lines": [_line(line) for line in axes.get_lines()],
        "collections": [_collection(c) for c in axes.collections],
        "bars": [
            _compact(
                {"label": _label(c), "orientation": c.orientation, **_rectangles(list(c.patches))}
            )
            for c in axes.containers
            if isinstance(c, BarContainer)
        ],
        "patches": [_patch(p) for p in axes.patches if id(p) not in in_bars],
        "images": [_image(image) for image in axes.get_images()],
        "texts": [_text(text) for text in axes.texts],
        "legend": _legend(axes.get_legend(), figure),
    }
    return _compact(out)


def describe_figure(figure: Figure) -> dict[str, Any]:
    """A JSON-ready, normalized description of a drawn figure (see the module docstring)."""
    colorbars = {
        id(image.colorbar.ax)
        for axes in figure.axes
        for image in axes.get_images()
        if image.colorbar is not None
    }
    described = [axes for axes in figure.axes if id(axes) not in colorbars]
    params = figure.subplotpars
    document: dict[str, Any] = {
        "size": _floats(figure.get_size_inches()),
        "subplotpars": {
            name: _float(getattr(params, name))
            for name in ("left", "right", "bottom", "top", "wspace", "hspace")
        },
        "axes": [_axes(axes, described, figure) for axes in described],
        "legends": [_legend(legend, figure) for legend in figure.legends],
        "texts": [_text(text) for text in figure.texts],
    }
    return dict(normalize(_compact(document)))


_SVG_ROOT = re.compile(r'<svg [^>]*\bwidth="(?P<width>[^"]+)" height="(?P<height>[^"]+)"')


def svg_facts(svg: bytes) -> dict[str, Any]:
    """What ``render_svg`` adds to the drawing, in terms no matplotlib release changes: an XML
    document of the figure's size in points, no date in its metadata, glyphs as paths (no
    ``<text>``). That the bytes repeat is the determinism gate's job (fresh processes, other
    hash seeds), not this golden's.
    """
    text = svg.decode("utf-8")
    root = _SVG_ROOT.search(text)
    return {
        "xml": text.startswith("<?xml"),
        "width": None if root is None else root["width"],
        "height": None if root is None else root["height"],
        "dated": "<dc:date>" in text,
        "text_elements": text.count("<text"),
    }


def drawn_document(
    specs: Mapping[str, Mapping[str, Mapping[str, Any]]],
    written: Mapping[str, bytes],
    sources: Mapping[str, tuple[str, str]],
) -> dict[str, Any]:
    """The ``<case>.drawn`` golden: ``RC``; per risk profile and family, the description of the
    figure ``draw_figure`` makes of each spec (drawn afresh here, never memoized); and the
    ``svg_facts`` of every figure file the run wrote (``written``: file name -> bytes), each
    with ``repeatable``: whether that afresh-drawn figure of the file's spec (``sources``: file
    name -> risk profile and family), saved by ``save_svg``, has the file's bytes (``None`` for
    a file no spec names). Ids salted by chance (an SVG saved outside ``RC``) do not repeat.
    """
    figures: dict[str, dict[str, Any]] = {}
    saved: dict[tuple[str, str], bytes] = {}
    for risk, by_family in specs.items():
        figures[risk] = {}
        for family, spec in by_family.items():
            figure = draw_figure(spec)
            figures[risk][family] = describe_figure(figure)
            saved[risk, family] = save_svg(figure)
    document: dict[str, Any] = {"rc": dict(RC), "figures": figures}
    document["written"] = {
        path: {
            **svg_facts(written[path]),
            "repeatable": saved.get(sources[path]) == written[path] if path in sources else None,
        }
        for path in sorted(written)
    }
    return dict(normalize(document))
