"""Read a sleeve's physical net weights for one risk profile (DESIGN 2.2).

``data/portfolio_flattened.json`` is preferred: its symbols are physical and ``Net_Weight`` is
signed (else ``Weight`` signed by ``Direction``). The fallback ``data/portfolio_optimized_v2.json``
holds logic atoms ``<PHYSICAL>_<logic>_<LONG|SHORT>``; there the atom's suffix alone gives the sign
(upstream wrote shorts as synthetic longs), and atoms of one physical symbol are summed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..contracts import SleeveWeights
from ..errors import ArtifactFormatError, MissingArtifactError

__all__ = [
    "WeightsDocument",
    "load_weights_document",
    "physical_symbol",
]

FLATTENED = "portfolio_flattened.json"
OPTIMIZED_V2 = "portfolio_optimized_v2.json"


class _ShapeError(Exception):
    """A shape problem; the reader prefixes the file name."""


def _reject_constant(name: str) -> Any:
    raise _ShapeError(f"{name} is not allowed (weights must be finite numbers)")


def physical_symbol(atom: str) -> tuple[str, Literal["LONG", "SHORT"]] | None:
    """``(physical symbol, direction)`` of a logic atom, or None if ``atom`` is not one.

    The physical symbol is the part before the first ``_`` after the ``:`` (before the first
    ``_`` when there is no ``:``): ``FX_IDC:EURUSD_trend_SHORT`` -> ``("FX_IDC:EURUSD", "SHORT")``.
    """
    _, sep, suffix = atom.rpartition("_")
    if not sep or suffix not in ("LONG", "SHORT"):
        return None
    # find(":") is -1 without a colon; a suffix never holds a ":", so an "_" follows any ":"
    physical = atom[: atom.find("_", atom.find(":") + 1)]
    if not physical or physical.endswith(":"):
        return None
    return physical, "LONG" if suffix == "LONG" else "SHORT"


def _number(asset: dict[str, Any], key: str, where: str) -> float:
    value = asset[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _ShapeError(f"{where}.{key} is {value!r:.60}, expected a finite number")
    return float(value)


def _assets(document: object, risk_profile: str) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or not isinstance(document.get("profiles"), dict):
        raise _ShapeError('expected {"profiles": {"<risk profile>": {"assets": [...]}}}')
    profiles = document["profiles"]
    if risk_profile not in profiles:
        has = ", ".join(sorted(str(k) for k in profiles)) or "none"
        raise _ShapeError(f"no weights for risk profile {risk_profile!r} (has: {has})")
    entry = profiles[risk_profile]
    where = f"profiles.{risk_profile}"
    if not isinstance(entry, dict) or not isinstance(entry.get("assets"), list):
        raise _ShapeError(f"{where}.assets is missing or not a list")
    assets: list[dict[str, Any]] = entry["assets"]
    for index, asset in enumerate(assets):
        if not isinstance(asset, dict):
            raise _ShapeError(f"{where}.assets[{index}] is {asset!r:.60}, expected an object")
        symbol = asset.get("Symbol")
        if not isinstance(symbol, str) or not symbol.strip():
            raise _ShapeError(
                f"{where}.assets[{index}].Symbol is {symbol!r:.60}, expected a non-empty string"
            )
    return assets


def _flattened_net(asset: dict[str, Any], where: str) -> float:
    if asset.get("Net_Weight") is not None:
        return _number(asset, "Net_Weight", where)
    if asset.get("Weight") is None:
        raise _ShapeError(f"{where} has neither Net_Weight nor Weight")
    weight = _number(asset, "Weight", where)
    direction = asset.get("Direction")
    if direction is None:
        return weight
    if not isinstance(direction, str) or direction.upper() not in ("LONG", "SHORT"):
        raise _ShapeError(f"{where}.Direction is {direction!r:.60}, expected 'LONG' or 'SHORT'")
    return -abs(weight) if direction.upper() == "SHORT" else abs(weight)


def _atom_net(asset: dict[str, Any], where: str) -> tuple[str, float]:
    atom = asset["Symbol"]
    parsed = physical_symbol(atom)
    if parsed is None:
        expected = "<PHYSICAL>_<logic>_<LONG|SHORT>"
        raise _ShapeError(f"{where}.Symbol {atom!r} is not a logic atom {expected}")
    physical, direction = parsed
    key = "Weight" if asset.get("Weight") is not None else "Net_Weight"
    if asset.get(key) is None:
        raise _ShapeError(f"{where} has neither Weight nor Net_Weight")
    size = abs(_number(asset, key, where))
    return physical, -size if direction == "SHORT" else size


def _parse(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise _ShapeError(f"not valid JSON ({exc.msg}: {where})") from None
    except UnicodeDecodeError as exc:
        raise _ShapeError(f"not UTF-8 text ({exc})") from None
    except RecursionError:
        raise _ShapeError("not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # an integer literal longer than the int-digits limit
        raise _ShapeError(f"not valid JSON ({exc})") from None


def _nets(document: Any, kind: str, risk_profile: str) -> dict[str, float]:
    parts: dict[str, list[float]] = {}
    for index, asset in enumerate(_assets(document, risk_profile)):
        where = f"profiles.{risk_profile}.assets[{index}]"
        if kind == "flattened":
            symbol, net = asset["Symbol"], _flattened_net(asset, where)
        else:
            symbol, net = _atom_net(asset, where)
        parts.setdefault(symbol, []).append(net)
    try:
        # finite gross weight bounds every sum the flatten stage takes over these nets
        math.fsum(abs(net) for nets in parts.values() for net in nets)
    except OverflowError:
        raise _ShapeError(
            f"profiles.{risk_profile}: the sleeve's gross weight overflows (the sum of "
            "|weights| is not a finite number)"
        ) from None
    return {symbol: math.fsum(parts[symbol]) for symbol in sorted(parts)}


@dataclass(frozen=True, slots=True, eq=False)
class WeightsDocument:
    """A sleeve's parsed weights file; ``for_risk`` extracts one risk profile."""

    display: str
    kind: Literal["flattened", "optimized_v2"]
    document: Any

    def for_risk(self, risk_profile: str) -> SleeveWeights:
        try:
            nets = _nets(self.document, self.kind, risk_profile)
        except _ShapeError as exc:
            raise ArtifactFormatError(f"{self.display}: {exc}") from None
        return SleeveWeights(source=self.display, kind=self.kind, nets=nets)


def load_weights_document(run_dir: Path, *, display_root: Callable[[Path], str]) -> WeightsDocument:
    """Read and parse the run's weights file once (flattened preferred, v2 as fallback)."""
    candidates: tuple[tuple[Literal["flattened", "optimized_v2"], Path], ...] = (
        ("flattened", run_dir / "data" / FLATTENED),
        ("optimized_v2", run_dir / "data" / OPTIMIZED_V2),
    )
    for kind, path in candidates:
        if not path.exists():
            continue
        display = display_root(path)
        try:
            document = _parse(path)
        except _ShapeError as exc:
            raise ArtifactFormatError(f"{display}: {exc}") from None
        except OSError as exc:
            raise ArtifactFormatError(
                f"{display}: cannot be read ({exc.strerror or exc})"
            ) from None
        return WeightsDocument(display=display, kind=kind, document=document)
    shown = " nor ".join(display_root(path) for _, path in candidates)
    raise MissingArtifactError(f"no sleeve weights: neither {shown} exists")
