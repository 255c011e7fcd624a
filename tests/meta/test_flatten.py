"""Flattening sleeve weights to physical assets (DESIGN 3.3)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradingview_scraper.contracts import SleeveWeights
from tradingview_scraper.errors import ConservationError
from tradingview_scraper.meta.flatten import FlatWeights, flatten


def held(**nets: float) -> SleeveWeights:
    """Physical nets; ``BTC=0.5`` stands for symbol ``X:BTC``."""
    return SleeveWeights(
        source="x.json",
        kind="flattened",
        nets={f"X:{k}": v for k, v in sorted(nets.items())},
    )


def by_symbol(flat: FlatWeights) -> dict[str, float]:
    return {a.symbol: a.net for a in flat.assets}


def test_shorts_stay_negative() -> None:
    flat = flatten({"a": 0.5, "b": 0.5}, {"a": held(L=0.6, S=-0.4), "b": held(M=1.0)}, {})
    assert by_symbol(flat) == {"X:L": 0.3, "X:S": -0.2, "X:M": 0.5}
    rows = {row["Symbol"]: row for row in flat.rows()}
    assert rows["X:S"]["Direction"] == "SHORT"
    assert rows["X:S"]["Net_Weight"] == -0.2
    assert rows["X:S"]["Weight"] == 0.2
    assert rows["X:L"]["Direction"] == "LONG"


def test_long_and_short_of_one_asset_net_out() -> None:
    flat = flatten({"a": 0.5, "b": 0.5}, {"a": held(E=0.5), "b": held(E=-0.25)}, {})
    (asset,) = flat.assets
    assert asset.net == 0.5 * 0.5 - 0.5 * 0.25 == 0.125
    assert asset.contributions == {"a": 0.25, "b": -0.125}
    assert asset.direction == "LONG"


def test_fully_offset_asset_is_a_flat_row() -> None:
    flat = flatten({"a": 0.5, "b": 0.5}, {"a": held(E=0.5), "b": held(E=-0.5)}, {})
    (row,) = flat.rows()
    assert row == {
        "Symbol": "X:E",
        "Weight": 0.0,
        "Net_Weight": 0.0,
        "Direction": "FLAT",
        "Contributors": ["a", "b"],
        "Contributions": {"a": 0.25, "b": -0.25},
    }
    assert math.copysign(1.0, row["Net_Weight"]) == 1.0  # type: ignore[arg-type]


def test_negative_zero_is_folded() -> None:
    flat = flatten({"a": 1.0}, {"a": held(Z=-0.0)}, {})
    row = flat.rows()[0]
    assert row["Direction"] == "FLAT"
    assert math.copysign(1.0, row["Net_Weight"]) == 1.0  # type: ignore[arg-type]
    assert math.copysign(1.0, row["Weight"]) == 1.0  # type: ignore[arg-type]


def test_nested_contributions_are_keyed_by_path() -> None:
    leaf = flatten({"c": 0.4, "d": 0.6}, {"c": held(E=1.0), "d": held(E=0.5, F=-0.5)}, {})
    branch = flatten({"br": 0.5, "e": 0.5}, {"e": held(E=0.2)}, {"br": leaf})
    root = flatten({"a": 0.5, "top": 0.5}, {"a": held(E=1.0)}, {"top": branch})
    assets = {a.symbol: a for a in root.assets}
    # E: a 0.5*1.0; top/br/c 0.5*0.5*0.4*1.0; top/br/d 0.5*0.5*0.6*0.5; top/e 0.5*0.5*0.2
    assert assets["X:E"].contributions == pytest.approx(
        {"a": 0.5, "top/br/c": 0.1, "top/br/d": 0.075, "top/e": 0.05}, rel=1e-15
    )
    assert list(assets["X:E"].contributions) == ["a", "top/br/c", "top/br/d", "top/e"]
    assert assets["X:E"].net == pytest.approx(0.725, rel=1e-15)
    assert assets["X:E"].contributors == ("a", "top")
    assert assets["X:F"].contributions == pytest.approx({"top/br/d": -0.075}, rel=1e-15)
    assert assets["X:F"].contributors == ("top",)
    row = next(r for r in root.rows() if r["Symbol"] == "X:F")
    assert row["Contributors"] == ["top"]
    assert row["Direction"] == "SHORT"


def test_contributors_are_sorted_and_rows_ordered() -> None:
    weights = {"zeta": 0.25, "alpha": 0.25, "mid": 0.5}
    atoms = {
        "zeta": held(B=0.4, A=0.4),
        "alpha": held(B=0.4, C=-0.8),
        "mid": held(A=0.2),
    }
    flat = flatten(weights, atoms, {})
    assert [(a.symbol, a.contributors) for a in flat.assets] == [
        ("X:A", ("mid", "zeta")),  # |0.1 + 0.1| = 0.2
        ("X:B", ("alpha", "zeta")),  # 0.2
        ("X:C", ("alpha",)),  # |-0.2|
    ]


def test_zero_weight_sleeves_contribute_nothing() -> None:
    weights = {"a": 1.0, "vetoed": 0.0, "bounded": 0.0, "no_holdings": 0.0}
    atoms = {"a": held(A=1.0), "vetoed": held(A=5.0, V=1.0), "bounded": held(B=1.0)}
    flat = flatten(weights, atoms, {"br": FlatWeights((), 0.0)})
    assert by_symbol(flat) == {"X:A": 1.0}
    assert flat.assets[0].contributors == ("a",)
    assert flat.expected_net == 1.0


def test_a_weighted_sleeve_without_holdings_is_a_bug() -> None:
    with pytest.raises(KeyError, match=r"sleeve 'ghost' has a weight but no holdings"):
        flatten({"ghost": 1.0}, {}, {})


def exact_expected(weights: dict[str, float], atoms: dict[str, SleeveWeights]) -> Fraction:
    return sum(
        (
            Fraction(w) * sum((Fraction(n) for n in atoms[s].nets.values()), Fraction(0))
            for s, w in weights.items()
        ),
        Fraction(0),
    )


nets = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D", "E"]),
    st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False),
    min_size=0,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 1.0), nets), min_size=1, max_size=6))
def test_conservation(sleeves: list[tuple[float, dict[str, float]]]) -> None:
    weights = {f"s{i}": w for i, (w, _) in enumerate(sleeves)}
    atoms = {f"s{i}": held(**n) for i, (_, n) in enumerate(sleeves)}
    flat = flatten(weights, atoms, {})
    expected = exact_expected(weights, atoms)
    assert abs(Fraction(flat.total_net) - expected) <= Fraction(1, 10**12)
    assert abs(Fraction(flat.expected_net) - expected) <= Fraction(1, 10**12)
    # per asset, independently: sum_s w_s * net_{s,a}
    for asset in flat.assets:
        own = sum(
            (
                Fraction(weights[s]) * Fraction(atoms[s].nets[asset.symbol])
                for s in weights
                if weights[s] != 0.0 and asset.symbol in atoms[s].nets
            ),
            Fraction(0),
        )
        assert abs(Fraction(asset.net) - own) <= Fraction(1, 10**12)
    assert [a.symbol for a in flat.assets] == sorted(
        (a.symbol for a in flat.assets), key=lambda s: (-abs(by_symbol(flat)[s]), s)
    )


def test_conservation_through_a_branch() -> None:
    leaf_w = {"c": 0.3, "d": 0.7}
    leaf_atoms = {"c": held(E=1.0, F=-0.3), "d": held(E=-0.2, G=0.9)}
    leaf = flatten(leaf_w, leaf_atoms, {})
    root_atoms = {"a": held(E=0.4, H=-1.0)}
    root = flatten({"a": 0.6, "br": 0.4}, root_atoms, {"br": leaf})
    expected = Fraction(0.6) * (Fraction(0.4) - Fraction(1.0)) + Fraction(0.4) * exact_expected(
        leaf_w, leaf_atoms
    )
    assert abs(Fraction(root.total_net) - expected) <= Fraction(1, 10**12)
    assert abs(Fraction(root.expected_net) - expected) <= Fraction(1, 10**12)


def test_conservation_error_when_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        FlatWeights,
        "total_net",
        property(lambda self: math.fsum(a.net for a in self.assets) + 1e-9),
    )
    with pytest.raises(
        ConservationError,
        match=r"^flattened net weight 0\.500000001 differs from sum_s w_s \* sum_a net_s,a 0\.5 "
        r"by more than 1e-12$",
    ):
        flatten({"a": 0.5}, {"a": held(A=1.0)}, {})


def test_non_finite_holdings_break_conservation() -> None:
    with pytest.raises(ConservationError, match=r"flattened net weight nan"):
        flatten({"a": 0.5}, {"a": held(A=float("nan"))}, {})
