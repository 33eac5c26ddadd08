"""Chroma server mode: the same contract as the embedded store, through a real `chroma run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from admin.history import rollback
from ingest.build import ingest
from retrieval.errors import IngestBusy, StoreUnavailable, VersionNotFound
from retrieval.retriever import Retriever
from retrieval.store import open_store
from retrieval.store import server as server_mod
from retrieval.store.base import Manifest, new_version_id
from retrieval.store.server import ServerStore, parse_url
from tests.conftest import CORPUS, EVAL_SETS, SEED, SEED_IDS
from tests.fakes import HashingEmbedder

pytestmark = pytest.mark.server

QUESTION = "can we bill 77370 after treatment ended?"


def _store(url: str, kb_dir: Path) -> ServerStore:
    return ServerStore(url, kb_dir, check_interval=0)


def _eval_rows(path: Path) -> list[tuple[str, bool, list[tuple[str, float]]]]:
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    return [(r["id"], r["abstained"], [(x["id"], round(x["score"], 4)) for x in r["results"]])
            for r in rows]


@pytest.mark.slow
def test_ingest_ask_eval_contract_matches_the_embedded_store(
        chroma_url: str, tmp_path: Path, seed_data_dir: Path, real_embedder: object,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from evals.__main__ import main as evals_main
    from ingest.__main__ import main as ingest_main
    from retrieval.__main__ import main as ask_main

    data = tmp_path / "data"
    sets = [str(EVAL_SETS / "seed-tuning.jsonl"), str(EVAL_SETS / "seed-heldout.jsonl")]
    runner = CliRunner()
    env = {"RADONC_QA_CHROMA_URL": chroma_url}

    res = runner.invoke(ingest_main, ["--corpus", str(CORPUS), "--data", str(data), "--json"],
                        env=env)
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["entries"] == len(SEED_IDS) and report["added"] == len(SEED_IDS)
    assert not (data / "kb" / "versions").exists()  # nothing went to the embedded store

    res = runner.invoke(ask_main, [QUESTION, "--data", str(data), "--json"], env=env)
    assert res.exit_code == 0, res.output
    answer = json.loads(res.output)
    assert answer["kb_version"] == report["kb_version"] and not answer["abstained"]
    top = answer["results"][0]
    assert top["id"] == SEED_IDS[0]
    assert top["answer"] in SEED.read_text(encoding="utf-8")  # verbatim
    assert top["disclaimer"].startswith("The opinions referenced")

    server_json, local_json = tmp_path / "server.json", tmp_path / "local.json"
    res = runner.invoke(evals_main, ["run", *sets, "--data", str(data), "--json",
                                     str(server_json)], env=env)
    assert res.exit_code == 0, res.output
    monkeypatch.delenv("RADONC_QA_CHROMA_URL", raising=False)
    res = runner.invoke(evals_main, ["run", *sets, "--data", str(seed_data_dir), "--json",
                                     str(local_json)])
    assert res.exit_code == 0, res.output
    assert json.loads(server_json.read_text())["kb_version"] == report["kb_version"]
    server_rows, local_rows = _eval_rows(server_json), _eval_rows(local_json)
    assert len(server_rows) > 50
    assert server_rows == local_rows  # same ids, abstentions and scores to 4 dp


def test_open_store_picks_the_server_by_url(chroma_url: str, tmp_path: Path) -> None:
    from retrieval.settings import Settings

    store = open_store(Settings(data_dir=tmp_path, chroma_url=chroma_url))
    assert isinstance(store, ServerStore) and store.active_version() is None
    assert store.list_versions() == []


def test_version_switch_and_rollback_seen_by_every_replica(
        chroma_url: str, tmp_path: Path, corpus_dir: Path) -> None:
    emb = HashingEmbedder()
    admin = _store(chroma_url, tmp_path / "admin")
    replica_a = Retriever(_store(chroma_url, tmp_path / "a"), emb)
    replica_b = Retriever(_store(chroma_url, tmp_path / "b"), emb)

    v1 = ingest(admin, emb, corpus_dir).kb_version
    assert v1 and replica_a.ask(QUESTION).kb_version == v1 == replica_b.ask(QUESTION).kb_version
    old_answer = replica_a.ask(QUESTION).results[0].entry.answer

    doc = corpus_dir / SEED.name
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "is used when the radiation oncologist", "is reported when the radiation oncologist"),
        encoding="utf-8")
    r2 = ingest(admin, emb, corpus_dir)
    v2 = r2.kb_version
    assert v2 and v2 != v1 and r2.updated == [SEED_IDS[0]] and r2.embedded >= 1
    for replica in (replica_a, replica_b):
        a = replica.ask(QUESTION)
        assert a.kb_version == v2 and "is reported when" in a.results[0].entry.answer

    versions = admin.list_versions()
    assert [v.version for v in versions] == [v2, v1]
    assert [v.active for v in versions] == [True, False]

    assert rollback(admin, v1, actor="test") == v2
    for replica in (replica_a, replica_b):
        a = replica.ask(QUESTION)
        assert a.kb_version == v1 and a.results[0].entry.answer == old_answer
    with pytest.raises(VersionNotFound):
        rollback(admin, "v20000101T000000Z-000000", actor="test")
    assert admin.active_version() == v1


def test_a_half_written_version_is_invisible_and_cleaned_up(
        chroma_url: str, kb_dir: Path, corpus_dir: Path) -> None:
    emb = HashingEmbedder()
    store = _store(chroma_url, kb_dir)
    v1 = ingest(store, emb, corpus_dir).kb_version
    assert v1
    manifest = store.read_manifest(v1)
    ids, vectors = store.embeddings(v1)
    assert ids == [p.id for p in manifest.passages] and vectors.shape[0] == len(ids)

    class Killed(Exception):
        pass

    broken = Manifest(new_version_id(), manifest.created_at, manifest.model, manifest.documents,
                      manifest.entries, manifest.passages, {})
    real_upsert = store._upsert

    def die_before_completing(doing: str, ids: list[str], *args: object) -> None:
        if ids[0].startswith("version:"):
            raise Killed  # the process dies after passages and manifest, before the marker
        real_upsert(doing, ids, *args)  # type: ignore[arg-type]

    store._upsert = die_before_completing  # type: ignore[method-assign]
    with pytest.raises(Killed):
        store.write_version(broken, vectors)
    store._upsert = real_upsert  # type: ignore[method-assign]

    assert [v.version for v in store.list_versions()] == [v1]
    with pytest.raises(VersionNotFound):
        store.activate(broken.version)
    with pytest.raises(VersionNotFound):
        store.read_manifest(broken.version)
    assert store.cleanup_incomplete() == [broken.version]
    assert store.cleanup_incomplete() == []
    assert store.active_version() == v1


def test_large_manifests_are_stored_in_chunks(
        chroma_url: str, kb_dir: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_mod, "MANIFEST_CHUNK", 700)
    store = _store(chroma_url, kb_dir)
    v = ingest(store, HashingEmbedder(), corpus_dir).kb_version
    assert v
    fresh = _store(chroma_url, kb_dir)  # no cache: reads the chunks back from the server
    manifest = fresh.read_manifest(v)
    assert len(manifest.to_json()) > 10 * 700
    assert [e.id for e in manifest.entries] == SEED_IDS
    assert manifest.entries[0].document.disclaimer.startswith("The opinions referenced")


def test_one_ingest_at_a_time_across_machines(chroma_url: str, tmp_path: Path) -> None:
    first = _store(chroma_url, tmp_path / "machine-a")
    second = _store(chroma_url, tmp_path / "machine-b")  # its own lock file: only the lease
    with first.ingest_lock():
        with pytest.raises(IngestBusy, match="Another ingest"):
            with second.ingest_lock():
                pass
    with second.ingest_lock():  # released: the next one may go
        pass


def test_versions_are_pruned_but_never_the_active_one(
        chroma_url: str, kb_dir: Path, corpus_dir: Path) -> None:
    emb = HashingEmbedder()
    store = _store(chroma_url, kb_dir)
    made = [ingest(store, emb, corpus_dir, force=True, keep_versions=10).kb_version
            for _ in range(3)]
    with pytest.raises(VersionNotFound, match="active"):
        store.delete_version(made[-1])  # type: ignore[arg-type]
    removed = store.prune(2)
    assert removed == [made[0]]
    assert [v.version for v in store.list_versions()] == [made[2], made[1]]


@pytest.mark.parametrize("url, problem", [
    ("ftp://127.0.0.1:8000", "not a Chroma server URL"),
    ("http://127.0.0.1:8000/a b", "namespace"),
], ids=["wrong-scheme", "bad-namespace"])
def test_a_bad_server_url_says_what_to_use(url: str, problem: str) -> None:
    with pytest.raises(StoreUnavailable, match=problem):
        parse_url(url)


def test_url_parts() -> None:
    assert parse_url("http://10.0.0.5:9000/staging") == ("10.0.0.5", 9000, False, "staging")
    assert parse_url("https://chroma.internal") == ("chroma.internal", 443, True, "radonc-qa")

