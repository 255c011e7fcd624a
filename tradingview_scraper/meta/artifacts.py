"""The JSON documents of a meta run folder (DESIGN 4). Pure: values in, documents out.

Every document carries ``schema_version``; weight lists are sorted by ``Weight`` descending,
then ``Symbol``; paths are relative to the workspace.
"""

from __future__ import annotations

from typing import Any

from .aggregate import MetaOutcome, SleeveOutcome

__all__ = [
    "SCHEMA_VERSION",
    "artifact_names",
    "cluster_tree_document",
    "flattened_document",
    "manifest_document",
    "optimized_document",
]

SCHEMA_VERSION = 1


def artifact_names(meta: str, risk: str) -> dict[str, str]:
    """File names (under ``data/``) of the five artifact families of one meta profile."""
    return {
        "returns": f"meta_returns_{meta}_{risk}.pkl",
        "manifest": f"meta_manifest_{meta}_{risk}.json",
        "optimized": f"meta_optimized_{meta}_{risk}.json",
        "cluster_tree": f"meta_cluster_tree_{meta}_{risk}.json",
        "flattened": f"portfolio_optimized_meta_{meta}_{risk}.json",
    }


def _sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (-r["Weight"], r["Symbol"]))


def _header(outcome: MetaOutcome, meta_run_id: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "meta_profile": outcome.profile.name,
        "risk_profile": outcome.risk_profile,
        "meta_run_id": meta_run_id,
    }


def _sleeve_entry(sleeve: SleeveOutcome) -> dict[str, Any]:
    spec = sleeve.spec
    entry: dict[str, Any] = {
        "id": spec.id,
        "kind": spec.kind,
        "location": spec.location,
        "status": sleeve.status,
        "bounds": [sleeve.bounds.lo, sleeve.bounds.hi],
        "weight": sleeve.weight,
    }
    if spec.kind == "meta":
        entry["meta_profile"] = spec.meta_profile
    else:
        run = sleeve.run
        assert run is not None and sleeve.health is not None
        health = sleeve.health
        entry.update(
            profile=spec.profile,
            engine=spec.engine,
            simulator=spec.simulator,
            run_id=run.run_id,
            run_selection=run.selection,
            created_at=run.created_at,
            genesis_ts=run.genesis_ts,
            returns_file=sleeve.returns_file,
            weights_file=sleeve.weights_file,
            health={
                "requested": health.requested,
                "succeeded": health.succeeded,
                "ratio": health.ratio,
                "healthy": health.healthy,
                "reason": health.reason,
            },
            veto_reason=None if health.healthy else health.reason,
        )
    return entry


def manifest_document(
    outcome: MetaOutcome, meta_run_id: str, run_paths: dict[str, str]
) -> dict[str, Any]:
    """Resolved sleeves: kind, profile, run, files, health, status and calendar statistics.

    ``run_paths`` maps run ids to their workspace-relative folders.
    """
    alloc = outcome.profile.allocation
    sleeves = []
    for sleeve in outcome.sleeves:
        entry = _sleeve_entry(sleeve)
        if sleeve.run is not None:
            entry["run_path"] = run_paths[sleeve.run.run_id]
        sleeves.append(entry)
    document = {
        **_header(outcome, meta_run_id),
        "method": outcome.method,
        "allocation": {
            "method": alloc.method,
            "min_weight": alloc.min_weight,
            "max_weight": alloc.max_weight,
            "linkage": alloc.linkage,
            "covariance": alloc.covariance,
            "min_observations": alloc.min_observations,
            "engine": alloc.engine,
        },
        "health": {
            "min_success_ratio": outcome.profile.health.min_success_ratio,
            "min_sleeves": outcome.profile.health.min_sleeves,
            "require_ledger": outcome.profile.health.require_ledger,
        },
        "calendar": outcome.returns.to_dict(),
        "sleeves": sleeves,
        "included": [s.spec.id for s in outcome.sleeves if s.status == "included"],
        "vetoed": [
            {"id": s.spec.id, "reason": s.health.reason if s.health else ""} for s in outcome.vetoed
        ],
        "fallback": outcome.fallback or None,
    }
    if outcome.profile.ignored_settings:  # upstream settings accepted but not implemented
        document["ignored_settings"] = dict(outcome.profile.ignored_settings)
    return document


def optimized_document(outcome: MetaOutcome, meta_run_id: str) -> dict[str, Any]:
    """Sleeve weights (every configured sleeve; vetoed ones at 0) and solver diagnostics."""
    result = outcome.allocation
    active = dict(zip(result.names, result.active, strict=True))
    rows = [
        {
            "Symbol": s.spec.id,
            "Weight": s.weight,
            "Net_Weight": s.weight,
            "Direction": "LONG",
            "Raw_Weight": s.raw_weight,
            "Lower": s.bounds.lo,
            "Upper": s.bounds.hi,
            "Active_Bound": active.get(s.spec.id) or None,
            "Risk_Contribution": s.risk_contribution,
            "Kind": s.spec.kind,
            "Status": s.status,
        }
        for s in outcome.sleeves
    ]
    return {
        **_header(outcome, meta_run_id),
        "method": result.method,
        "converged": result.converged,
        "iterations": result.iterations,
        "effective_n": result.effective_n,
        "portfolio_variance": result.portfolio_variance,
        "fallback": outcome.fallback or None,
        "weights": _sorted_rows(rows),
    }


def cluster_tree_document(outcome: MetaOutcome, meta_run_id: str) -> dict[str, Any]:
    """The real tree: linkage, leaf order, bisection splits, nested sub-trees with weights."""

    def node(o: MetaOutcome) -> dict[str, Any]:
        tree = o.allocation.tree
        return {
            "meta_profile": o.profile.name,
            "method": o.method,
            "tree": None if tree is None else tree.to_dict(),
            "weights": {s.spec.id: s.weight for s in o.sleeves},
            "branches": {sid: node(b) for sid, b in o.branches.items()},
        }

    return {**_header(outcome, meta_run_id), **node(outcome)}


def flattened_document(outcome: MetaOutcome, meta_run_id: str) -> dict[str, Any]:
    """Physical asset weights with contributors and per-path contributions."""
    flat = outcome.flat
    return {
        **_header(outcome, meta_run_id),
        "weights": _sorted_rows(flat.rows()),
        "totals": {
            "assets": len(flat.assets),
            "net": flat.total_net,
            "gross": flat.gross,
            "expected_net": flat.expected_net,
        },
    }
