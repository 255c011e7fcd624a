"""The health guardrail and ledger anomalies (DESIGN 2.3); pure functions over a parsed ``Ledger``.

Health of a sleeve for a risk profile is ``succeeded / requested`` over distinct windows of
``backtest_optimize`` records of that risk profile:

* ``requested``: windows with an intent, united with windows that have a success. A success
  without a matching intent (a ledger truncated at its start, or an upstream that logged only
  outcomes) still proves the window was requested; counting it keeps the ratio <= 1.
* ``succeeded``: windows with at least one success (a retried window counts once).
* A record without ``window_index`` counts as one window, ``None``.
* Records without a risk profile are not counted. When both the record and the caller name an
  engine they must agree; a record without an engine counts for every engine.
"""

from __future__ import annotations

import math
from typing import Any

from ..contracts import HealthResult, HealthSettings, Ledger, LedgerAction

__all__ = ["ANOMALY_MAX_ABS_SHARPE", "ANOMALY_MAX_VOL", "anomalies", "assess_health"]

ANOMALY_MAX_ABS_SHARPE = 10.0
ANOMALY_MAX_VOL = 2.0  # annualized volatility of 200%


def _counts(action: LedgerAction, risk_profile: str, engine: str | None) -> bool:
    if action.step != "backtest_optimize" or action.risk_profile != risk_profile:
        return False
    return engine is None or action.engine is None or action.engine == engine


def assess_health(
    sleeve_id: str,
    ledger: Ledger | None,
    risk_profile: str,
    settings: HealthSettings,
    *,
    engine: str | None = None,
) -> HealthResult:
    """Whether sleeve ``sleeve_id`` passes the guardrail for ``risk_profile`` (and ``engine``)."""

    def result(requested: int, succeeded: int, ratio: float | None, reason: str) -> HealthResult:
        return HealthResult(
            sleeve_id=sleeve_id,
            risk_profile=risk_profile,
            requested=requested,
            succeeded=succeeded,
            ratio=ratio,
            healthy=reason == "",
            reason=reason,
        )

    if ledger is None:
        if settings.require_ledger:
            return result(0, 0, None, "no ledger (audit.jsonl) and require_ledger is true")
        return result(0, 0, None, "")
    intents: set[int | None] = set()
    successes: set[int | None] = set()
    for action in ledger.actions:
        if _counts(action, risk_profile, engine):
            if action.status == "intent":
                intents.add(action.window)
            elif action.status == "success":
                successes.add(action.window)
    requested = len(intents | successes)
    succeeded = len(successes)
    if requested == 0:
        scope = f"risk profile {risk_profile!r}"
        if engine is not None:
            scope += f" and engine {engine!r}"
        return result(0, 0, None, f"no backtest_optimize records for {scope} in {ledger.path}")
    ratio = succeeded / requested
    reason = ""
    if ratio < settings.min_success_ratio:
        reason = (
            f"{succeeded}/{requested} windows succeeded "
            f"({ratio:.6g} < min_success_ratio {settings.min_success_ratio:g})"
        )
    return result(requested, succeeded, ratio, reason)


def _number(value: object) -> float | None:
    """A finite int or float metric (bool is not a number), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def anomalies(sleeve_id: str, ledger: Ledger, risk_profile: str) -> tuple[dict[str, Any], ...]:
    """``backtest_simulate`` successes of ``risk_profile`` with |Sharpe| > 10 or volatility > 200%.

    Each is ``{sleeve, window, sharpe, annualized_vol, annualized_return, line}``, sorted by window
    (windows without an index last), then line. Metrics that are not finite numbers are reported
    as None and never flag a window.
    """
    found = []
    for action in ledger.actions:
        if (
            action.step != "backtest_simulate"
            or action.status != "success"
            or action.risk_profile != risk_profile
        ):
            continue
        sharpe = _number(action.metrics.get("sharpe"))
        vol = _number(action.metrics.get("annualized_vol"))
        if (sharpe is not None and abs(sharpe) > ANOMALY_MAX_ABS_SHARPE) or (
            vol is not None and vol > ANOMALY_MAX_VOL
        ):
            found.append(
                {
                    "sleeve": sleeve_id,
                    "window": action.window,
                    "sharpe": sharpe,
                    "annualized_vol": vol,
                    "annualized_return": _number(action.metrics.get("annualized_return")),
                    "line": action.line,
                }
            )
    found.sort(key=lambda a: (a["window"] is None, a["window"] or 0, a["line"]))
    return tuple(found)
