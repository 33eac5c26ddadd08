"""A damaged knowledge base folder: every command gives a clear message and a way back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.__main__ import main as ingest_main
from ingest.build import ingest
from ingest.versions import rollback
from retrieval.errors import ActivePointerDamaged, StoreUnavailable, VersionNotFound
from retrieval.retriever import Retriever
from retrieval.store import LocalStore
from retrieval.store.base import new_version_id
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

QUESTION = "can we bill 77370 after radiation ended?"


def answers(data: Path, embedder) -> str:  # type: ignore[no-untyped-def]
    """The active version answers the question (returns its version)."""
    a = Retriever(LocalStore(data / "kb"), embedder).ask(QUESTION)
    assert not a.abstained and a.results[0].entry.id.startswith("astro-daily-practice-physics:")
    return a.kb_version


def second_version(data: Path, embedder, corpus: Path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Two served versions: (older, active)."""
    store = LocalStore(data / "kb")
    first = store.active_version()
    assert first is not None
    r = ingest(store, embedder, corpus, force=True)
    assert r.activated and r.kb_version
    return first, r.kb_version


POINTERS = {"truncated": '{"version": "v2026', "garbage": "\x00\xffnot json", "empty": "",
            "list": "[]", "null": "null", "number-version": '{"version": 5}'}


@pytest.mark.parametrize("content", list(POINTERS.values()) + [None],
                         ids=list(POINTERS) + ["folder"])
def test_damaged_active_pointer_is_repaired(seed_copy: Path, real_embedder,  # type: ignore[no-untyped-def]
                                            content: str | None) -> None:
    kb = seed_copy / "kb"
    good = LocalStore(kb).active_version()
    (kb / "active.json").unlink()
    if content is None:
        (kb / "active.json").mkdir()
        (kb / "active.json" / "x").write_text("y")
    else:
        (kb / "active.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(ActivePointerDamaged, match=r"active\.json is .*--repair"):
        Retriever(LocalStore(kb), real_embedder).ask(QUESTION)
    listed = CliRunner().invoke(ingest_main, ["--data", str(seed_copy), "--list-versions",
                                              "--json"])
    assert listed.exit_code == 0, listed.output
    assert [v["version"] for v in json.loads(listed.output)] == [good]
    fixed = CliRunner().invoke(ingest_main, ["--data", str(seed_copy), "--repair", "--json"])
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.output)["kb_version"] == good
    assert answers(seed_copy, real_embedder) == good
    again = CliRunner().invoke(ingest_main, ["--data", str(seed_copy), "--repair"])
    assert again.exit_code == 0 and "Nothing to repair" in again.output


def test_rollback_works_whatever_the_pointer_holds(seed_copy: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    older, _ = second_version(seed_copy, real_embedder, CORPUS)
    kb = seed_copy / "kb"
    (kb / "active.json").write_text("null")
    store = LocalStore(kb)
    assert rollback(store, older, actor="test").previous is None
    assert answers(seed_copy, real_embedder) == older


def test_orphan_from_a_stopped_gate_is_never_offered_nor_kept(seed_copy: Path,  # type: ignore[no-untyped-def]
                                                              real_embedder) -> None:
    older, active = second_version(seed_copy, real_embedder, CORPUS)
    store = LocalStore(seed_copy / "kb")
    # what a kill during the gate leaves: a complete version that was never activated
    m = store.read_manifest(active)
    m.version, m.info = new_version_id(), {**m.info, "previous": active}
    store.write_version(m, store.embeddings(active, m)[1])
    orphan = m.version
    assert [v.version for v in store.list_versions()] == [active, older]
    with pytest.raises(VersionNotFound, match="never activated"):
        rollback(store, orphan, actor="test")
    assert store.prune(2) == []  # the two served versions stay; the orphan counts for nothing
    r = ingest(store, real_embedder, CORPUS, force=True, keep_versions=2)
    assert not (seed_copy / "kb" / "versions" / orphan).exists()
    assert [v.version for v in store.list_versions()] == [r.kb_version, active]
    assert answers(seed_copy, real_embedder) == r.kb_version


def test_corrupt_summary_of_an_old_version(seed_copy: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    older, active = second_version(seed_copy, real_embedder, CORPUS)
    (seed_copy / "kb" / "versions" / older / "summary.json").write_text('{"created_at": ')
    listed = CliRunner().invoke(ingest_main, ["--data", str(seed_copy), "--list-versions"])
    assert listed.exit_code == 0 and older in listed.output, listed.output
    store = LocalStore(seed_copy / "kb")
    r = ingest(store, real_embedder, CORPUS, force=True, keep_versions=2)
    assert r.activated and r.pruned == [older]
    assert answers(seed_copy, real_embedder) == r.kb_version


@pytest.mark.parametrize("damage", ["truncated-manifest", "missing-embeddings"])
def test_damaged_active_version_is_clear_and_ingest_rebuilds(seed_copy: Path, real_embedder,  # type: ignore[no-untyped-def]
                                                             damage: str) -> None:
    older, active = second_version(seed_copy, real_embedder, CORPUS)
    d = seed_copy / "kb" / "versions" / active
    if damage == "truncated-manifest":
        text = (d / "manifest.json").read_bytes()
        (d / "manifest.json").write_bytes(text[: len(text) // 2])
        what = "manifest.json"
    else:
        (d / "embeddings.npy").unlink()
        what = "embeddings.npy"
    with pytest.raises(StoreUnavailable, match=rf"{active} is damaged \({what}.*--rollback"):
        Retriever(LocalStore(seed_copy / "kb"), real_embedder).ask(QUESTION)
    store = LocalStore(seed_copy / "kb")
    r = ingest(store, real_embedder, CORPUS)  # no --force needed: the active one is broken
    assert r.activated and any("active version is unusable" in w for w in r.warnings)
    assert answers(seed_copy, real_embedder) == r.kb_version
    shutil.rmtree(seed_copy / "kb" / "versions" / r.kb_version / "chroma")  # not needed to read
    assert answers(seed_copy, real_embedder) == r.kb_version
