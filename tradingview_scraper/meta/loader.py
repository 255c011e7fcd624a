"""The input edge: read every file a meta profile tree needs for one risk profile.

Health is assessed here, from the ledgers, because a vetoed sleeve's returns and weights are
not needed (a sleeve whose backtests failed may well lack them).
"""

from __future__ import annotations

from collections.abc import Callable

from ..contracts import Manifest, MetaProfile
from ..errors import MissingArtifactError
from ..io.reader import InputReader
from .aggregate import AtomInputs, MetaInputs
from .health import assess_health

__all__ = ["load_inputs"]


def _silent(_: str) -> None:
    return None


def load_inputs(
    reader: InputReader,
    manifest: Manifest,
    profile: MetaProfile,
    risk_profile: str,
    progress: Callable[[str], None] = _silent,
) -> MetaInputs:
    """Resolve runs, read ledgers, assess health, and load the healthy sleeves' files.

    ``progress`` receives one line per sleeve.
    """
    atoms: dict[str, AtomInputs] = {}
    branches: dict[str, MetaInputs] = {}
    for spec in profile.sleeves:
        if spec.kind == "meta":
            assert spec.meta_profile is not None
            sub = manifest.profiles[spec.meta_profile]
            progress(f"[{risk_profile}] {profile.name}/{spec.id}: nested meta {sub.name}")
            branches[spec.id] = load_inputs(reader, manifest, sub, risk_profile, progress)
            continue
        run = reader.run_for(spec)
        progress(f"[{risk_profile}] {profile.name}/{spec.id}: run {run.run_id} ({run.selection})")
        ledger = reader.ledger(run.path)
        try:
            returns_path = reader.returns_file(run, spec, risk_profile)
        except MissingArtifactError as missing:
            health = assess_health(spec.id, ledger, risk_profile, profile.health)
            if health.healthy:
                raise missing
            atoms[spec.id] = AtomInputs(spec=spec, run=run, ledger=ledger, health=health)
            continue
        engine = returns_path.name.partition("_")[0]
        health = assess_health(spec.id, ledger, risk_profile, profile.health, engine=engine)
        if not health.healthy:
            atoms[spec.id] = AtomInputs(spec=spec, run=run, ledger=ledger, health=health)
            continue
        atoms[spec.id] = AtomInputs(
            spec=spec,
            run=run,
            ledger=ledger,
            health=health,
            returns_file=reader.shown(returns_path),
            raw=reader.returns(returns_path),
            weights=reader.weights(run, risk_profile),
        )
    return MetaInputs(profile=profile, risk_profile=risk_profile, atoms=atoms, branches=branches)
