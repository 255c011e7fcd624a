"""``tv-golden pending | review | accept | reject`` over a project with pending goldens."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradingview_scraper.harness.cli import main
from tradingview_scraper.harness.normalize import dumps_golden
from tradingview_scraper.harness.pending import PendingStore
from tradingview_scraper.harness.review import pending_case_lines, review


def _doc(weight: float) -> str:
    return dumps_golden(
        {"golden_artifact": "optimized", "weights": [{"Symbol": "a", "Weight": weight}]}
    )


GOLDENS = {
    "c1/hrp.m.optimized.json": (_doc(0.5), _doc(0.6)),
    "c1/hrp.m.flattened.json": (_doc(0.5), _doc(0.7)),
    "c1/report.md": ("a\nb\n", "a\nc\n"),
    "c2/audit.json": (_doc(0.1), _doc(0.2)),
    "c2/report.md": ("x\n", "y\n"),
}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PendingStore:
    monkeypatch.delenv("CI", raising=False)
    store = PendingStore(tmp_path)
    for relative, (old, new) in GOLDENS.items():
        path = tmp_path / "golden" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(old)
        case, _, file = relative.partition("/")
        rest, _, extension = file.rpartition(".")
        store.write(f"{case}.{rest}", extension, new)
    return store


def _golden(store: PendingStore, relative: str) -> str:
    return (store.root / "golden" / relative).read_text()


def _keys(keys: str) -> Iterator[str]:
    yield from keys
    while True:
        yield ""


def test_review_walks_each_golden_with_its_report_and_diff(store: PendingStore) -> None:
    out = io.StringIO()
    keys = _keys("xasRA")
    tally = review(
        store,
        store.entries(),
        read_key=lambda: next(keys),
        out=out,
        case_lines=lambda case: [f"summary of {case}"],
    )
    assert tally.accepted == ["c1.hrp.m.flattened", "c2.audit", "c2.report"]
    assert tally.rejected == ["c1.report"]
    assert tally.skipped == ["c1.hrp.m.optimized"]
    text = out.getvalue()
    assert "=== case c1\nsummary of c1\n" in text and "=== case c2\nsummary of c2\n" in text
    assert "--- [1/5] c1.hrp.m.flattened (golden/c1/hrp.m.flattened.json): 1 value" in text
    assert "weights.a.Weight: 0.5 -> 0.7 (change +0.2, +2000.00 bp)" in text
    assert '+      "Weight": 0.7' in text  # the text diff, golden -> pending
    assert "unknown key 'x'" in text
    assert text.endswith("accepted 3, rejected 1, skipped 1\n")
    assert _golden(store, "c1/hrp.m.flattened.json") == _doc(0.7)
    assert _golden(store, "c1/report.md") == "a\nb\n"
    assert _golden(store, "c2/report.md") == "y\n"
    assert [p.name for p in store.entries()] == ["c1.hrp.m.optimized"]


@pytest.mark.parametrize("keys", ["q", ""])
def test_quit_or_end_of_input_leaves_everything_pending(store: PendingStore, keys: str) -> None:
    feed = _keys(keys)
    out = io.StringIO()
    tally = review(store, store.entries(), read_key=lambda: next(feed), out=out)
    assert tally.skipped == [p.name for p in store.entries()] and len(tally.skipped) == 5
    assert _golden(store, "c1/report.md") == "a\nb\n"


def test_review_does_not_accept_a_stale_golden(store: PendingStore) -> None:
    (store.root / "golden" / "c2" / "report.md").write_text("z\n")
    feed = _keys("a")
    out = io.StringIO()
    tally = review(store, store.select(["c2.report"]), read_key=lambda: next(feed), out=out)
    assert tally.skipped == ["c2.report"]
    assert "not accepted: golden/c2/report.md: changed since" in out.getvalue()


def test_cli_pending_lists_by_case(store: PendingStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pending", "--root", str(store.root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("c1: 3 pending; no input fingerprint recorded (golden/c1/inputs.json)")
    assert lines[1:4] == [
        "  hrp.m.flattened.json: 1 value change(s)",
        "  hrp.m.optimized.json: 1 value change(s)",
        "  report.md: text change(s)",
    ]
    assert lines[4].startswith("c2: 2 pending;")
    assert pending_case_lines(store.root)("c1")[1:] == [
        "  earliest drifted stage: optimize (optimized); "
        "following from it: flatten (flattened), report (report)"
    ]
    assert lines[-1].startswith("5 pending golden(s) in .golden-pending/: tv-golden review")


def test_cli_accept_and_reject_by_pattern(
    store: PendingStore, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(store.root)
    assert main(["accept", "c1.hrp.*", "c2.audit", "--root", root]) == 0
    out = capsys.readouterr().out
    assert "accepted c1.hrp.m.optimized (golden/c1/hrp.m.optimized.json)" in out
    assert "accepted 3 pending golden(s)" in out
    assert _golden(store, "c2/audit.json") == _doc(0.2)
    assert main(["reject", "--root", root]) == 0
    assert "rejected 2 pending golden(s)" in capsys.readouterr().out
    assert _golden(store, "c1/report.md") == "a\nb\n"
    assert main(["pending", "--root", root]) == 0
    assert capsys.readouterr().out == "no pending goldens\n"
    assert main(["accept", "--root", root]) == 0
    assert capsys.readouterr().out == "no pending goldens\n"


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["accept", "nope"], {}, "error: no pending golden matches 'nope' (pending cases: c1, c2)"),
        (["accept"], {"CI": "1"}, "error: tv-golden accept refuses to write when CI is set"),
        (["reject", "c1"], {"CI": "1"}, "error: tv-golden reject refuses to write when CI is set"),
        (["review"], {"CI": "1"}, "error: tv-golden review refuses to write when CI is set"),
        (["review"], {}, "error: tv-golden review needs a terminal (stdin and stdout); without"),
    ],
)
def test_cli_refusals_are_one_line_and_write_nothing(
    store: PendingStore,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    before = sorted((p, p.read_bytes()) for p in store.root.rglob("*") if p.is_file())
    assert main([*argv, "--root", str(store.root)]) == 3
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert captured.out == ""
    assert sorted((p, p.read_bytes()) for p in store.root.rglob("*") if p.is_file()) == before


def test_cli_accept_refuses_when_any_selected_golden_is_stale(
    store: PendingStore, capsys: pytest.CaptureFixture[str]
) -> None:
    (store.root / "golden" / "c2" / "report.md").write_text("z\n")
    assert main(["accept", "c2", "--root", str(store.root)]) == 3
    assert "1 golden(s) changed since their pending output was written (c2.report)" in (
        capsys.readouterr().err
    )
    assert _golden(store, "c2/audit.json") == _doc(0.1)  # nothing half-accepted
