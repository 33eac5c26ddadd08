"""The quality gate runs the eval sets on the new version before it is activated (real model)."""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path

import pytest

from admin.gate import QualityGate, QualityGateFailed, read_floors
from admin.history import activation_history, record_activation
from admin.review import ReviewBook
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
    rows = [json.loads(x) for x in (EVAL_SETS / "seed-tuning-dev.jsonl").read_text(
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
    assert any("answered right by the active version" in f for f in result.failures)
    # rows about entry 3 still find it: it keeps its id although it is now the first entry
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


NEW_GUIDANCE = """Daily Practice: Treatment Management

Coding Question: How often can treatment management, 77427, be billed?

Coding Answer: Report 77427 once for each five fractions delivered; a remaining group of three or
four fractions at the end of the course is reported once more, one or two are not.

Coding Question: Is the MLC device code 77338 reported once per IMRT course?

Coding Answer: 77338 is reported once per IMRT plan, which is usually once per course; a new plan
for a boost may justify a second report.

Disclaimer: Written for these tests in our own words; not published guidance.
"""


def test_new_guidance_activates_and_holds_the_rows_it_answers_for_review(  # type: ignore[no-untyped-def]
        gated, settings, corpus_dir, real_embedder, TUNING, tmp_path) -> None:  # noqa: N803
    store, db, first = gated
    log = partial(record_activation, db)
    rows = [json.loads(x) for x in (EVAL_SETS / "seed-tuning-dev.jsonl").read_text(
        encoding="utf-8").splitlines() if x.strip()]
    answered = [{**r, "id": f"x-{r['id']}"} for r in rows if r["id"] in ("tune-028", "tune-032")]
    assert [r["expected"] for r in answered] == [[], []]  # written as out of scope
    sets = [*TUNING, tmp_path / "oos.jsonl"]
    sets[-1].write_text("\n".join(json.dumps(r) for r in answered), encoding="utf-8")
    (corpus_dir / "treatment-management.txt").write_text(NEW_GUIDANCE, encoding="utf-8")
    book = ReviewBook(settings.data_dir / "evals")
    seen: list[tuple[int, int]] = []
    report = ingest(store, real_embedder, corpus_dir, record=log, actor="erin",
                    gate=QualityGate(real_embedder, sets=sets, floors=FLOORS, review=book,
                                     progress=lambda d, t: seen.append((d, t))))
    g = report.gate
    assert report.activated and g is not None and g.passed and g.override_reason is None
    held = {r["id"]: r["entry"] for r in g.for_review}
    assert {k: v for k, v in held.items() if k.startswith("x-")} == {
        "x-tune-028": "treatment-management:1", "x-tune-032": "treatment-management:2"}
    assert all(v.startswith("treatment-management:") for v in held.values())
    assert g.broken_rows == [] and seen[-1][0] == seen[-1][1] >= g.rows
    assert {i.id for i in book.pending()} == set(held)

    # accepting one, keeping the other out: an eval set under the data dir, not the code
    book.decide("x-tune-028", in_scope=True, by="erin")
    book.decide("x-tune-032", in_scope=False, by="erin")
    assert {i.id for i in book.pending()} == set(held) - {"x-tune-028", "x-tune-032"}
    decided = book.decided()
    assert decided["x-tune-028"]["expected"] == ["treatment-management:1"]
    assert decided["x-tune-032"]["expected"] == []
    gate = QualityGate(real_embedder, sets=sets, floors=FLOORS, review=book)
    by_id = {r.id: r for r in gate.read_rows()}
    assert by_id["x-tune-028"].expected == ("treatment-management:1",)
    # the accepted row now must stay answered: a version without the entry breaks it
    doc = corpus_dir / "treatment-management.txt"
    doc.write_text(NEW_GUIDANCE.replace(NEW_GUIDANCE[NEW_GUIDANCE.index("Coding Question: How"):
                                                     NEW_GUIDANCE.index("Coding Question: Is")],
                                        ""), encoding="utf-8")
    with pytest.raises(QualityGateFailed) as err:
        ingest(store, real_embedder, corpus_dir, gate=gate)
    assert "x-tune-028" in {r["id"] for r in err.value.result.broken_rows}
    assert store.active_version() == report.kb_version
