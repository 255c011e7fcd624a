"""The health guardrail (DESIGN 2.3) and ledger anomalies, on hand-built ledgers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tradingview_scraper.contracts import HealthSettings, Ledger, LedgerAction
from tradingview_scraper.meta.health import anomalies, assess_health

PATH = "data/artifacts/summaries/runs/r1/audit.jsonl"
DEFAULT = HealthSettings()


def act(
    status: str,
    window: int | None,
    profile: str | None = "hrp",
    engine: str | None = None,
    step: str = "backtest_optimize",
    metrics: Mapping[str, Any] | None = None,
    line: int = 0,
) -> LedgerAction:
    return LedgerAction(line, step, status, window, profile, engine, metrics or {})


def ledger(*actions: LedgerAction) -> Ledger:
    numbered = tuple(
        LedgerAction(a.line or i, a.step, a.status, a.window, a.risk_profile, a.engine, a.metrics)
        for i, a in enumerate(actions, start=1)
    )
    return Ledger(path=PATH, genesis=None, actions=numbered)


def intents(*windows: int | None, **kw: Any) -> list[LedgerAction]:
    return [act("intent", w, **kw) for w in windows]


def successes(*windows: int | None, **kw: Any) -> list[LedgerAction]:
    return [act("success", w, **kw) for w in windows]


def test_distinct_windows_duplicate_success_counts_once() -> None:
    # 3 distinct intents (window 1 logged twice), successes for 1, 2 and 2 again -> 2/3
    book = ledger(*intents(1, 1, 2, 3), *successes(1, 2, 2), act("error", 3))
    result = assess_health("crypto", book, "hrp", HealthSettings(min_success_ratio=0.5))
    assert (result.requested, result.succeeded) == (3, 2)
    assert result.ratio == pytest.approx(2 / 3)
    assert result.healthy and result.reason == ""
    assert (result.sleeve_id, result.risk_profile) == ("crypto", "hrp")


def test_below_threshold_is_vetoed_with_the_numbers() -> None:
    book = ledger(*intents(*range(8)), *successes(0, 4, 7))
    result = assess_health("s", book, "hrp", DEFAULT)
    assert (result.requested, result.succeeded, result.ratio) == (8, 3, 0.375)
    assert not result.healthy
    assert result.reason == "3/8 windows succeeded (0.375 < min_success_ratio 0.75)"


def test_exactly_the_threshold_passes() -> None:
    result = assess_health("s", ledger(*intents(1, 2, 3, 4), *successes(1, 2, 3)), "hrp", DEFAULT)
    assert result.ratio == 0.75 and result.healthy


def test_success_without_intent_joins_the_requested_windows() -> None:
    # intents {1, 2}; successes {2, 5}: requested = {1, 2, 5}, succeeded = {2, 5}
    result = assess_health("s", ledger(*intents(1, 2), *successes(2, 5)), "hrp", DEFAULT)
    assert (result.requested, result.succeeded) == (3, 2)
    assert result.ratio == pytest.approx(2 / 3)
    assert result.ratio is not None and result.ratio <= 1


def test_window_none_is_one_window() -> None:
    result = assess_health("s", ledger(*intents(None, None, 1), *successes(None)), "hrp", DEFAULT)
    assert (result.requested, result.succeeded) == (2, 1)


def test_only_records_of_the_risk_profile_and_step_count() -> None:
    book = ledger(
        *intents(1, 2),
        *successes(1, 2),
        *intents(3, 4, profile="erc"),  # other profile
        *successes(3, profile="erc"),
        *intents(5, profile=None),  # no profile: not counted for any
        *intents(6, step="backtest_simulate"),  # other step
        *successes(7, step="backtest_simulate"),
    )
    hrp = assess_health("s", book, "hrp", DEFAULT)
    erc = assess_health("s", book, "erc", DEFAULT)
    assert (hrp.requested, hrp.succeeded, hrp.healthy) == (2, 2, True)
    assert (erc.requested, erc.succeeded, erc.healthy) == (2, 1, False)
    assert erc.reason == "1/2 windows succeeded (0.5 < min_success_ratio 0.75)"


ENGINE_BOOK = ledger(
    *intents(1, 2, 3, 4, engine="custom"),
    *successes(1, 2, 3, 4, engine="custom"),
    *intents(1, 2, 3, 4, engine="skfolio"),
    *successes(1, engine="skfolio"),
    *intents(9),  # no engine: counts for every engine
)


@pytest.mark.parametrize(
    ("engine", "requested", "succeeded"),
    [
        ("custom", 5, 4),  # windows 1-4 plus the engine-less 9
        ("skfolio", 5, 1),
        (None, 5, 4),  # no engine asked: all records of the profile
        ("riskfolio", 1, 0),  # only the engine-less intent
    ],
)
def test_engine_filter(engine: str | None, requested: int, succeeded: int) -> None:
    result = assess_health("s", ENGINE_BOOK, "hrp", DEFAULT, engine=engine)
    assert (result.requested, result.succeeded) == (requested, succeeded)
    assert result.ratio == pytest.approx(succeeded / requested)


@pytest.mark.parametrize(
    ("book", "settings", "engine", "reason"),
    [
        (None, DEFAULT, None, "no ledger (audit.jsonl) and require_ledger is true"),
        (
            ledger(),
            DEFAULT,
            None,
            f"no backtest_optimize records for risk profile 'hrp' in {PATH}",
        ),
        (
            ledger(*intents(1, profile="erc"), *successes(1, step="backtest_simulate")),
            DEFAULT,
            None,
            f"no backtest_optimize records for risk profile 'hrp' in {PATH}",
        ),
        (
            ledger(*intents(1, engine="custom")),
            DEFAULT,
            "skfolio",
            f"no backtest_optimize records for risk profile 'hrp' and engine 'skfolio' in {PATH}",
        ),
        (
            ledger(act("error", 1)),  # errors alone request nothing we can count
            HealthSettings(require_ledger=False),
            None,
            f"no backtest_optimize records for risk profile 'hrp' in {PATH}",
        ),
    ],
    ids=["no-ledger", "empty", "other-profile-and-step", "other-engine", "errors-only"],
)
def test_vetoes_without_a_ratio(
    book: Ledger | None, settings: HealthSettings, engine: str | None, reason: str
) -> None:
    result = assess_health("s", book, "hrp", settings, engine=engine)
    assert not result.healthy
    assert result.ratio is None
    assert (result.requested, result.succeeded) == (0, 0)
    assert result.reason == reason


def test_no_ledger_allowed_is_healthy() -> None:
    result = assess_health("s", None, "hrp", HealthSettings(require_ledger=False))
    assert result.healthy and result.ratio is None and result.reason == ""


# --- anomalies ----------------------------------------------------------------------------


def sim(window: int | None, line: int, profile: str = "hrp", **metrics: Any) -> LedgerAction:
    return act("success", window, profile, step="backtest_simulate", metrics=metrics, line=line)


def test_anomaly_thresholds_are_strict_and_sorted() -> None:
    book = Ledger(
        path=PATH,
        genesis=None,
        actions=(
            sim(4, 10, sharpe=10.5, annualized_vol=0.3, annualized_return=0.9),
            sim(2, 11, sharpe=10.0, annualized_vol=2.0),  # at the thresholds: fine
            sim(2, 12, sharpe=-12, annualized_vol=0.2, annualized_return=-0.5),
            sim(None, 13, sharpe=0.5, annualized_vol=2.5),
            sim(1, 14, sharpe=1.0, annualized_vol=2.01, annualized_return="n/a"),
            sim(1, 15, profile="erc", sharpe=50.0),  # other profile
            act("error", 1, step="backtest_simulate", metrics={"sharpe": 99.0}, line=16),
            act("success", 1, step="backtest_optimize", metrics={"sharpe": 99.0}, line=17),
            sim(3, 18, sharpe="high", annualized_vol=True),  # not numbers: ignored
            sim(3, 19, sharpe=float("nan"), annualized_vol=float("inf")),  # not finite: ignored
        ),
    )
    found = anomalies("crypto", book, "hrp")
    assert [(a["window"], a["line"]) for a in found] == [(1, 14), (2, 12), (4, 10), (None, 13)]
    assert found[1] == {
        "sleeve": "crypto",
        "window": 2,
        "sharpe": -12.0,
        "annualized_vol": 0.2,
        "annualized_return": -0.5,
        "line": 12,
    }
    assert found[0]["annualized_return"] is None
    assert found[3]["sharpe"] == 0.5 and found[3]["annualized_vol"] == 2.5


def test_no_anomalies() -> None:
    assert anomalies("s", ledger(sim(1, 1, sharpe=2.0, annualized_vol=0.5)), "hrp") == ()
