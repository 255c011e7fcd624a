"""Flatten sleeve weights down to physical assets (DESIGN 3.3). Pure.

Physical weight of asset ``a`` = ``sum_s w_s * net_{s,a}``, signed (shorts stay negative),
summed across sleeves and recursively through nested metas. Each row keeps its contributions,
keyed by the path down to the atomic sleeve (``branch/leaf``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..contracts import SleeveWeights
from ..errors import ConservationError

__all__ = ["FlatAsset", "FlatWeights", "flatten"]

CONSERVATION_TOL = 1e-12


@dataclass(frozen=True, slots=True)
class FlatAsset:
    symbol: str
    net: float
    contributions: Mapping[str, float]  # "leaf" or "branch/leaf" -> signed contribution

    @property
    def direction(self) -> str:
        return "LONG" if self.net > 0 else "SHORT" if self.net < 0 else "FLAT"

    @property
    def contributors(self) -> tuple[str, ...]:
        """This profile's own sleeve ids holding the asset (a branch under its branch id)."""
        return tuple(sorted({path.split("/", 1)[0] for path in self.contributions}))

    def to_row(self) -> dict[str, object]:
        net = self.net + 0.0  # folds -0.0
        return {
            "Symbol": self.symbol,
            "Weight": abs(net),
            "Net_Weight": net,
            "Direction": self.direction,
            "Contributors": list(self.contributors),
            "Contributions": dict(sorted(self.contributions.items())),
        }


@dataclass(frozen=True, slots=True)
class FlatWeights:
    assets: tuple[FlatAsset, ...]  # sorted by |net| descending, then symbol
    expected_net: float  # sum_s w_s * sum_a net_{s,a}

    @property
    def total_net(self) -> float:
        return math.fsum(a.net for a in self.assets)

    @property
    def gross(self) -> float:
        return math.fsum(abs(a.net) for a in self.assets)

    def rows(self) -> list[dict[str, object]]:
        return [a.to_row() for a in self.assets]


def flatten(
    weights: Mapping[str, float],
    atoms: Mapping[str, SleeveWeights],
    branches: Mapping[str, FlatWeights],
) -> FlatWeights:
    """Physical weights of a meta profile from its sleeve weights.

    ``weights`` maps every sleeve id to its final weight; ``atoms`` holds the physical nets of
    the atomic sleeves and ``branches`` the flattened result of the nested ones. Sleeves with
    weight 0 (vetoed or bounded to 0) contribute nothing.
    """
    parts: dict[str, dict[str, float]] = {}
    expected: list[float] = []
    for sleeve_id, weight in weights.items():
        if weight == 0.0:
            continue
        if sleeve_id in atoms:
            nets = atoms[sleeve_id].nets
            expected.append(weight * math.fsum(nets.values()))
            for symbol, net in nets.items():
                parts.setdefault(symbol, {})[sleeve_id] = weight * net
        elif sleeve_id in branches:
            branch = branches[sleeve_id]
            expected.append(weight * branch.expected_net)
            for asset in branch.assets:
                bucket = parts.setdefault(asset.symbol, {})
                for path, value in asset.contributions.items():
                    bucket[f"{sleeve_id}/{path}"] = weight * value
        else:
            raise KeyError(f"sleeve {sleeve_id!r} has a weight but no holdings")
    assets = [
        FlatAsset(symbol, math.fsum(contrib.values()), dict(sorted(contrib.items())))
        for symbol, contrib in parts.items()
    ]
    assets.sort(key=lambda a: (-abs(a.net), a.symbol))
    flat = FlatWeights(tuple(assets), math.fsum(expected))
    scale = max(1.0, flat.gross)
    # written so that a NaN (non-finite holdings) fails the check instead of passing it
    if not abs(flat.total_net - flat.expected_net) <= CONSERVATION_TOL * scale:
        raise ConservationError(
            f"flattened net weight {flat.total_net!r} differs from sum_s w_s * sum_a net_s,a "
            f"{flat.expected_net!r} by more than {CONSERVATION_TOL:g}"
        )
    return flat
