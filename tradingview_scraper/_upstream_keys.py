"""Manifest settings the upstream pipeline knows and this one does not implement (DESIGN 2.1).

A meta profile written for the upstream tradingview-scraper pipeline may carry them; they are
accepted, recorded in the meta manifest as ``ignored_settings`` and named in the report. Anything
that is neither ours nor in these lists is still an error with a did-you-mean hint.

- ``SECTIONS``: the blocks upstream's settings loader merges from a profile (``data``,
  ``selection``, ``risk``, ``backtest``, ``tournament``, ``discovery``, ``features``) plus the
  ``env``, ``integrations`` and ``execution_env`` blocks it also reads. Their content configures
  upstream's atomic pipeline (discovery, selection, backtests); upstream itself ignores unknown
  keys inside them, so every key inside is accepted and recorded.
- ``FEATURES``: the fields of upstream's ``FeatureFlags`` model (the union over its versions), the
  one block checked key by key (a misspelt feature flag is the likeliest typo in a meta profile).
"""

from __future__ import annotations

__all__ = ["FEATURES", "SECTIONS"]

SECTIONS: frozenset[str] = frozenset(
    {
        "backtest",
        "data",
        "discovery",
        "env",
        "execution_env",
        "integrations",
        "risk",
        "selection",
        "tournament",
    }
)

FEATURES: frozenset[str] = frozenset(
    {
        "adaptive_fallback_profile",
        "clipping_sigma_v2_1",
        "default_shrinkage_intensity",
        "dominant_signal",
        "dominant_signal_weight",
        "eci_hurdle",
        "efficiency_min_threshold",
        "entropy_max_threshold",
        "feat_audit_ledger",
        "feat_daily_risk_budget_slices",
        "feat_decay_audit",
        "feat_directional_returns",
        "feat_directional_sign_test_gate",
        "feat_directional_sign_test_gate_atomic",
        "feat_dynamic_direction",
        "feat_dynamic_selection",
        "feat_efficiency_scoring",
        "feat_market_neutral",
        "feat_partial_rebalance",
        "feat_pit_fidelity",
        "feat_predictability_vetoes",
        "feat_rebalance_mode",
        "feat_rebalance_tolerance",
        "feat_regime_survival",
        "feat_selection_logmps",
        "feat_short_costs",
        "feat_short_direction",
        "feat_spectral_regimes",
        "feat_turnover_penalty",
        "feat_use_tv_ratings",
        "feat_xs_momentum",
        "feature_lookback",
        "hurst_random_walk_max",
        "hurst_random_walk_min",
        "kappa_shrinkage_threshold",
        "min_col_frac",
        "mps_weights_override",
        "normalization_methods_v2_1",
        "rebalance_drift_limit",
        "selection_mode",
        "short_borrow_cost",
        "top_n_global",
        "top_n_v2_1",
        "use_robust_correlation",
        "weights_global",
        "weights_v2_1_global",
    }
)
