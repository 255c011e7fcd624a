"""Sleeve weights: flattened file first, logic-atom fallback, and errors naming the JSON path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tradingview_scraper.contracts import SleeveWeights
from tradingview_scraper.errors import ArtifactFormatError, MissingArtifactError
from tradingview_scraper.io.weights import load_weights_document, physical_symbol

FLAT = "data/portfolio_flattened.json"
V2 = "data/portfolio_optimized_v2.json"


def shown(path: Path) -> str:
    """Display paths as the workspace would: relative to the run folder's parent."""
    return "runs/" + path.as_posix().split("/run/", 1)[1]


def run_dir(tmp_path: Path, flat: Any = None, v2: Any = None) -> Path:
    root = tmp_path / "run"
    (root / "data").mkdir(parents=True)
    for name, doc in ((FLAT, flat), (V2, v2)):
        if doc is not None:
            text = doc if isinstance(doc, str) else json.dumps(doc)
            (root / name).write_text(text, encoding="utf-8")
    return root


def _sleeve_weights(run: Path, risk: str, *, display_root: Callable[[Path], str]) -> SleeveWeights:
    """What the pipeline reads from one sleeve run (``io/reader.py``)."""
    return load_weights_document(run, display_root=display_root).for_risk(risk)


def doc(*assets: dict[str, Any], risk: str = "hrp") -> dict[str, Any]:
    return {"profiles": {risk: {"assets": list(assets)}, "min_variance": {"assets": []}}}


def test_flattened_is_preferred_and_signed(tmp_path: Path) -> None:
    flat = doc(
        {"Symbol": "BINANCE:ETHUSDT", "Net_Weight": -0.2, "Weight": 0.2, "Direction": "SHORT"},
        {"Symbol": "BINANCE:BTCUSDT", "Net_Weight": 0.3, "Weight": 0.3, "Direction": "LONG"},
        {"Symbol": "NASDAQ:AAPL", "Weight": 0.25, "Direction": "SHORT"},  # no Net_Weight
        {"Symbol": "NYSE:IBM", "Weight": -0.1, "Direction": "LONG"},
        {"Symbol": "NYSE:KO", "Weight": 0.05},  # no Direction: Weight as written
        {"Symbol": "BINANCE:BTCUSDT", "Net_Weight": 0.1},  # duplicates are summed
    )
    v2 = doc({"Symbol": "X:Y_trend_LONG", "Weight": 1.0})
    weights = _sleeve_weights(run_dir(tmp_path, flat, v2), "hrp", display_root=shown)
    assert weights.kind == "flattened"
    assert weights.source == f"runs/{FLAT}"
    assert list(weights.nets) == sorted(weights.nets)
    assert weights.nets == {
        "BINANCE:BTCUSDT": pytest.approx(0.4),
        "BINANCE:ETHUSDT": -0.2,
        "NASDAQ:AAPL": -0.25,
        "NYSE:IBM": 0.1,
        "NYSE:KO": 0.05,
    }


def test_optimized_v2_fallback_parses_logic_atoms(tmp_path: Path) -> None:
    v2 = doc(
        {"Symbol": "FX_IDC:EURUSD_trend_SHORT", "Weight": 0.3, "Net_Weight": 0.3},
        {"Symbol": "BINANCE:BTCUSDT_trend_LONG", "Weight": 0.2, "Net_Weight": -0.2},
        {"Symbol": "BINANCE:BTCUSDT_meanrev_SHORT", "Weight": -0.05},
        {"Symbol": "SPY_value_LONG", "Weight": 0.1},
        {"Symbol": "GLD_LONG", "Net_Weight": -0.15},  # no Weight: |Net_Weight|
    )
    weights = _sleeve_weights(run_dir(tmp_path, v2=v2), "hrp", display_root=shown)
    assert weights.kind == "optimized_v2"
    assert weights.source == f"runs/{V2}"
    assert list(weights.nets) == ["BINANCE:BTCUSDT", "FX_IDC:EURUSD", "GLD", "SPY"]
    assert weights.nets == {
        "BINANCE:BTCUSDT": pytest.approx(0.15),  # +0.2 - 0.05
        "FX_IDC:EURUSD": -0.3,
        "GLD": 0.15,
        "SPY": 0.1,
    }


@pytest.mark.parametrize(
    ("atom", "expected"),
    [
        ("FX_IDC:EURUSD_trend_SHORT", ("FX_IDC:EURUSD", "SHORT")),
        ("BINANCE:BTCUSDT_trend_LONG", ("BINANCE:BTCUSDT", "LONG")),
        ("BINANCE:BTCUSDT_mean_rev_fast_SHORT", ("BINANCE:BTCUSDT", "SHORT")),
        ("SPY_value_LONG", ("SPY", "LONG")),
        ("BTC_LONG", ("BTC", "LONG")),
        ("BINANCE:BTCUSDT", None),
        ("BINANCE:BTCUSDT_trend", None),
        ("BINANCE:BTCUSDT_trend_long", None),
        ("_trend_LONG", None),
        ("BINANCE:_trend_LONG", None),
    ],
)
def test_physical_symbol(atom: str, expected: tuple[str, str] | None) -> None:
    assert physical_symbol(atom) == expected


def test_empty_asset_list_is_no_exposure(tmp_path: Path) -> None:
    weights = _sleeve_weights(run_dir(tmp_path, doc()), "min_variance", display_root=shown)
    assert weights.nets == {}


def test_neither_file(tmp_path: Path) -> None:
    with pytest.raises(
        MissingArtifactError,
        match=f"^no sleeve weights: neither runs/{FLAT} nor runs/{V2} exists$",
    ):
        _sleeve_weights(run_dir(tmp_path), "hrp", display_root=shown)


def asset(**fields: Any) -> dict[str, Any]:
    return {"Symbol": "BINANCE:BTCUSDT", "Net_Weight": 0.5, **fields}


OK = asset()
FLAT_ERRORS = [
    ("{not json", r"not valid JSON \(Expecting property name enclosed in double quotes: line 1"),
    (
        '{"profiles": {"hrp": {"assets": [{"Symbol": "A", "Net_Weight": NaN}]}}}',
        "NaN is not allowed",
    ),
    (
        '{"profiles": {"hrp": {"assets": [{"Symbol": "A", "Weight": -Infinity}]}}}',
        "-Infinity is not",
    ),
    ([], r'expected \{"profiles"'),
    ({"hrp": {"assets": []}}, r'expected \{"profiles"'),
    ({"profiles": []}, r'expected \{"profiles"'),
    (doc(risk="erc"), r"no weights for risk profile 'hrp' \(has: erc, min_variance\)"),
    ({"profiles": {}}, r"no weights for risk profile 'hrp' \(has: none\)"),
    ({"profiles": {"hrp": []}}, r"profiles\.hrp\.assets is missing or not a list"),
    ({"profiles": {"hrp": {"assets": {}}}}, r"profiles\.hrp\.assets is missing or not a list"),
    (doc(OK, "BTC"), r"profiles\.hrp\.assets\[1\] is 'BTC', expected an object"),
    (
        doc(OK, asset(Symbol="")),
        r"profiles\.hrp\.assets\[1\]\.Symbol is '', expected a non-empty string",
    ),
    (
        doc(asset(Symbol=None)),
        r"profiles\.hrp\.assets\[0\]\.Symbol is None, expected a non-empty string",
    ),
    (doc(asset(Symbol=7)), r"profiles\.hrp\.assets\[0\]\.Symbol is 7, expected a non-empty string"),
    (
        doc(OK, OK, OK, asset(Net_Weight="0.3")),
        r"profiles\.hrp\.assets\[3\]\.Net_Weight is '0\.3', expected",
    ),
    (
        doc(asset(Net_Weight=True)),
        r"profiles\.hrp\.assets\[0\]\.Net_Weight is True, expected a finite number",
    ),
    (
        '{"profiles": {"hrp": {"assets": [{"Symbol": "A", "Net_Weight": 1e400}]}}}',
        r"profiles\.hrp\.assets\[0\]\.Net_Weight is inf, expected a finite number",
    ),
    (doc(asset(Net_Weight=None)), r"profiles\.hrp\.assets\[0\] has neither Net_Weight nor Weight"),
    (
        doc(asset(Net_Weight=None, Weight=[1])),
        r"profiles\.hrp\.assets\[0\]\.Weight is \[1\], expected a finite",
    ),
    (
        doc(asset(Net_Weight=None, Weight=0.1, Direction="FLAT")),
        r"profiles\.hrp\.assets\[0\]\.Direction is 'FLAT', expected 'LONG' or 'SHORT'",
    ),
]


@pytest.mark.parametrize(("bad", "pattern"), FLAT_ERRORS)
def test_flattened_format_errors(tmp_path: Path, bad: Any, pattern: str) -> None:
    with pytest.raises(ArtifactFormatError, match=f"^runs/{FLAT}: {pattern}"):
        _sleeve_weights(run_dir(tmp_path, flat=bad), "hrp", display_root=shown)


V2_ERRORS = [
    (
        doc({"Symbol": "BINANCE:BTCUSDT", "Weight": 0.5}),
        r"profiles\.hrp\.assets\[0\]\.Symbol 'BINANCE:BTCUSDT' is not a logic atom "
        r"<PHYSICAL>_<logic>_<LONG\|SHORT>",
    ),
    (
        doc({"Symbol": "A_x_LONG", "Weight": False}),
        r"profiles\.hrp\.assets\[0\]\.Weight is False, expected a",
    ),
    (doc({"Symbol": "A_x_LONG"}), r"profiles\.hrp\.assets\[0\] has neither Weight nor Net_Weight"),
    (doc(risk="erc"), r"no weights for risk profile 'hrp' \(has: erc, min_variance\)"),
]


@pytest.mark.parametrize(("bad", "pattern"), V2_ERRORS)
def test_optimized_v2_format_errors(tmp_path: Path, bad: Any, pattern: str) -> None:
    with pytest.raises(ArtifactFormatError, match=f"^runs/{V2}: {pattern}"):
        _sleeve_weights(run_dir(tmp_path, v2=bad), "hrp", display_root=shown)


def test_broken_flattened_file_is_not_skipped_for_the_fallback(tmp_path: Path) -> None:
    good_v2 = doc({"Symbol": "A_x_LONG", "Weight": 1.0})
    with pytest.raises(ArtifactFormatError, match=f"^runs/{FLAT}: no weights for risk profile"):
        _sleeve_weights(run_dir(tmp_path, doc(risk="erc"), good_v2), "hrp", display_root=shown)
