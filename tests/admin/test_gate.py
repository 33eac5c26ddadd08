"""The quality gate runs the eval sets on the new version before it is activated (real model)."""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path

import pytest

from admin.gate import QualityGate, QualityGateFailed, read_floors
from admin.history import activation_history, record_activation
from appdb import AppDB
from ingest.build import ingest
from retrieval.store import LocalStore
from tests.conftest import EVAL_SETS

pytestmark = pytest.mark.slow
FLOORS = {"in_scope_accuracy": 0.75, "max_false_abstention": 0.25}


def drop_first_two_entries(corpus_dir: Path) -> None:
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    text = doc.read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"^Coding Question:", text, re.M)]
    doc.write_text(text[: starts[0]] + text[starts[2]:], encoding="utf-8")


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two tuning rows per entry plus two out-of-scope rows (the full sets run in CI's gate)."""
    rows = [json.loads(x) for x in (EVAL_SETS / "seed-tuning.jsonl").read_text(
        encoding="utf-8").splitlines() if x.strip()]
    picked: list[dict[str, object]] = []
    for key in [[f"astro-daily-practice-physics:{n}"] for n in range(1, 6)] + [[]]:
        picked += [r for r in rows if r["expected"] == key][:2]
    path = tmp_path_factory.mktemp("sets") / "gate-small.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in picked), encoding="utf-8")
    return path


@pytest.fixture
def TUNING(small_set: Path) -> list[Path]:  # noqa: N802 - reads as the constant it replaces
    return [small_set]


@pytest.fixture
def gated(settings, corpus_dir, real_embedder, TUNING):  # type: ignore[no-untyped-def]  # noqa: N803
    store = LocalStore(settings.kb_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = AppDB(settings.db_url)
    log = partial(record_activation, db)
    first = ingest(store, real_embedder, corpus_dir, record=log, actor="alice",
                   gate=QualityGate(real_embedder, sets=TUNING, floors=FLOORS))
    assert first.activated and first.gate is not None and first.gate.passed
    assert first.gate.rows > 0 and first.gate.skipped == 0
    return store, db, first.kb_version


def test_a_version_that_breaks_rows_is_refused_unless_overridden_with_a_reason(  # type: ignore[no-untyped-def]
        gated, corpus_dir, real_embedder, TUNING) -> None:  # noqa: N803
    store, db, first = gated
    log = partial(record_activation, db)
    drop_first_two_entries(corpus_dir)
    with pytest.raises(QualityGateFailed) as err:
        ingest(store, real_embedder, corpus_dir, record=log, actor="bob",
               gate=QualityGate(real_embedder, sets=TUNING, floors=FLOORS))
    result = err.value.result
    assert not result.passed and any("in_scope_accuracy" in f for f in result.failures)
    broken = {r["id"] for r in result.broken_rows}
    assert "tune-001" in broken  # expected entry 1, which the new version no longer has
    # rows about entry 3 follow it to its new number (1) instead of breaking
    assert not broken & {"tune-011", "tune-012"}
    assert "NOT activated" in str(err.value) and "--override-reason" in str(err.value)
    assert store.active_version() == first
    assert [v.version for v in store.list_versions()] == [first]  # the failed build is gone
    assert [h.kb_version for h in activation_history(db)] == [first]

    report = ingest(store, real_embedder, corpus_dir, record=log, actor="bob",
                    gate=QualityGate(real_embedder, sets=TUNING, floors=FLOORS,
                                     override_reason="ASTRO withdrew entries 1-2 in 2024"))
    assert report.activated and report.gate is not None and not report.gate.passed
    assert store.active_version() == report.kb_version != first
    h = activation_history(db)[0]
    assert h.kb_version == report.kb_version and h.actor == "bob"
    assert h.note == "quality gate overridden: ASTRO withdrew entries 1-2 in 2024"
    assert report.to_dict()["quality_gate"]["override_reason"] == (
        "ASTRO withdrew entries 1-2 in 2024")


def test_rows_about_other_documents_are_skipped(settings, tmp_path, real_embedder,  # type: ignore[no-untyped-def]
                                                TUNING) -> None:  # noqa: N803
    corpus = tmp_path / "other"
    corpus.mkdir()
    (corpus / "brachy.txt").write_text(
        "Brachy\n\nCoding Question: How is HDR brachytherapy source loading coded?\n\n"
        "Coding Answer: Report 77770-77772 by the number of channels.\n\nDisclaimer: Ours.\n",
        encoding="utf-8")
    store = LocalStore(settings.kb_dir)
    report = ingest(store, real_embedder, corpus, gate=QualityGate(
        real_embedder, sets=TUNING, floors={"in_scope_accuracy": 0.9}))
    assert report.activated and report.gate is not None and report.gate.passed
    assert report.gate.skipped > 0 and report.gate.metrics["in_scope_rows"] == 0


def test_floors_file(tmp_path: Path) -> None:
    f = tmp_path / "floors.toml"
    f.write_text("[floors]\nin_scope_accuracy = 0.8\nmax_false_abstention = 0.1\n"
                 "[gate.seed]\nsets = ['x']\n", encoding="utf-8")
    assert read_floors(f) == {"in_scope_accuracy": 0.8, "max_false_abstention": 0.1}
    assert read_floors(tmp_path / "none.toml") == {}
