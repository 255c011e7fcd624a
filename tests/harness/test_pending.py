"""Pending goldens on disk: written beside golden/, listed, selected, accepted, rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradingview_scraper.errors import HarnessError
from tradingview_scraper.harness.normalize import dumps_golden
from tradingview_scraper.harness.pending import PendingStore


def _doc(weight: float) -> str:
    return dumps_golden(
        {"golden_artifact": "optimized", "weights": [{"Symbol": "a", "Weight": weight}]}
    )


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PendingStore:
    monkeypatch.delenv("CI", raising=False)
    (tmp_path / "golden" / "c1").mkdir(parents=True)
    (tmp_path / "golden" / "c1" / "hrp.m.optimized.json").write_text(_doc(0.5))
    (tmp_path / "golden" / "c1" / "report.md").write_text("a\nb\n")
    return PendingStore(tmp_path)


def test_a_mismatch_is_kept_with_its_drift_report(store: PendingStore) -> None:
    store.write("c1.hrp.m.optimized", "json", _doc(0.6), test="t::x")
    store.write("c2.audit", "json", "{}\n")
    output = store.root / ".golden-pending" / "c1" / "hrp.m.optimized.json"
    assert output.read_text() == _doc(0.6)
    record = json.loads(output.with_name("hrp.m.optimized.json.pending.json").read_text())
    assert record["golden"] == "golden/c1/hrp.m.optimized.json"
    assert record["summary"] == "1 value change(s)"
    assert record["report"] == [
        "  values:",
        "    weights.a.Weight: 0.5 -> 0.6 (change +0.1, +1000.00 bp)",
    ]
    assert record["test"] == "t::x"
    first, second = store.entries()
    assert (first.name, first.case, first.extension) == ("c1.hrp.m.optimized", "c1", "json")
    assert not first.stale() and first.texts() == (_doc(0.5), _doc(0.6))
    assert (second.name, second.summary, second.golden_sha256) == ("c2.audit", "new golden", None)
    assert second.texts() == ("", "{}\n")


def test_patterns_match_case_or_golden_names(store: PendingStore) -> None:
    store.write("c1.hrp.m.optimized", "json", _doc(0.6))
    store.write("c1.report", "md", "a\nc\n")
    store.write("c2.audit", "json", "{}\n")
    names = lambda patterns: [p.name for p in store.select(patterns)]  # noqa: E731
    assert names([]) == ["c1.hrp.m.optimized", "c1.report", "c2.audit"]
    assert names(["c1"]) == ["c1.hrp.m.optimized", "c1.report"]
    assert names(["*.report", "c2"]) == ["c1.report", "c2.audit"]
    assert names(["c1.*optimized"]) == ["c1.hrp.m.optimized"]
    with pytest.raises(
        HarnessError, match=r"no pending golden matches 'c3' \(pending cases: c1, c2\)"
    ):
        store.select(["c1", "c3"])


def test_accept_moves_the_output_and_reject_discards_it(store: PendingStore) -> None:
    store.write("c1.hrp.m.optimized", "json", _doc(0.6))
    store.write("c1.report", "md", "a\nc\n")
    store.write("c2.audit", "json", "{}\n")
    optimized, report, audit = store.entries()
    store.accept(optimized)
    store.accept(audit)
    assert (store.root / "golden" / "c1" / "hrp.m.optimized.json").read_text() == _doc(0.6)
    assert (store.root / "golden" / "c2" / "audit.json").read_text() == "{}\n"
    store.reject(report)
    assert (store.root / "golden" / "c1" / "report.md").read_text() == "a\nb\n"
    assert store.entries() == []
    assert not store.folder.exists()  # nothing left behind


def test_accept_refuses_a_golden_that_moved_since(store: PendingStore) -> None:
    pending = store.write("c1.report", "md", "a\nc\n")
    (store.root / "golden" / "c1" / "report.md").write_text("a\nd\n")
    assert pending.stale()
    with pytest.raises(HarnessError, match=r"golden/c1/report.md: changed since the pending"):
        store.accept(pending)
    assert (store.root / "golden" / "c1" / "report.md").read_text() == "a\nd\n"


def test_discard_removes_only_what_no_longer_applies(store: PendingStore) -> None:
    store.write("c1.report", "md", "a\nc\n")
    store.write("c1.audit", "json", "{}\n")
    assert store.discard("c1.report", "md")
    assert not store.discard("c1.report", "md")
    assert [p.name for p in store.entries()] == ["c1.audit"]


def test_nothing_is_written_when_ci_is_set(
    store: PendingStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = store.write("c1.report", "md", "a\nc\n")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(HarnessError, match="writing a pending golden refuses to write when CI"):
        store.write("c1.audit", "json", "{}\n")
    with pytest.raises(HarnessError, match="tv-golden accept refuses to write when CI is set"):
        store.accept(pending)
    with pytest.raises(HarnessError, match="tv-golden reject refuses to write when CI is set"):
        store.reject(pending)
    assert [p.name for p in store.entries()] == ["c1.report"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("{", r"c1/report.md.pending.json: unreadable"),
        ("[]", r"c1/report.md.pending.json: not a pending record"),
        ('{"name": "c1.other"}', r"pending record without its output or for another golden"),
    ],
)
def test_a_broken_record_is_an_error_naming_it(
    store: PendingStore, record: str, message: str
) -> None:
    pending = store.write("c1.report", "md", "a\nc\n")
    pending.record.write_text(record)
    with pytest.raises(HarnessError, match=message):
        store.entries()
