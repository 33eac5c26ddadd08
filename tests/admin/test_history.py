"""Activation history, rollback (function and CLI, behind the admin password), version list."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from admin.auth import ENV_HASH, ENV_PASSWORD, hash_password
from admin.history import activation_history, record_activation, rollback
from appdb import AppDB
from ingest.__main__ import main
from ingest.build import ingest
from retrieval.errors import VersionNotFound
from retrieval.store import LocalStore

PASSWORD = "correct horse battery"


@pytest.fixture
def two_versions(settings, corpus_dir, fake_embedder):  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = AppDB(settings.db_url)
    log = partial(record_activation, db)
    first = ingest(store, fake_embedder, corpus_dir, record=log, actor="alice").kb_version
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("onsite", "on the premises"),
                   encoding="utf-8")
    second = ingest(store, fake_embedder, corpus_dir, record=log, actor="bob",
                    note="2024 wording").kb_version
    return store, db, first, second


def test_each_activation_is_recorded(two_versions) -> None:  # type: ignore[no-untyped-def]
    store, db, first, second = two_versions
    history = activation_history(db)
    assert [(h.kb_version, h.previous, h.actor, h.action) for h in history] == [
        (second, first, "bob", "ingest"), (first, None, "alice", "ingest")]
    assert history[0].documents == ["astro-daily-practice-physics"]
    assert history[0].counts["updated"] == 1 and history[0].counts["entries"] == 5
    assert history[0].note == "2024 wording"
    assert store.read_manifest(second).info["actor"] == "bob"


def test_rollback_activates_a_kept_version_and_is_recorded(two_versions) -> None:  # type: ignore[no-untyped-def]
    store, db, first, second = two_versions
    assert rollback(store, first, actor="carol", db=db, note="bad wording").previous == second
    assert store.active_version() == first
    h = activation_history(db)[0]
    assert (h.action, h.kb_version, h.previous, h.actor, h.note) == (
        "rollback", first, second, "carol", "bad wording")
    with pytest.raises(VersionNotFound, match="does not exist"):
        rollback(store, "v20000101T000000Z-000000", actor="carol", db=db)
    assert store.active_version() == first


@pytest.fixture
def cli_env(monkeypatch, settings, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here; ./corpus is the shipped seed
    monkeypatch.delenv("RADONC_QA_CORPUS", raising=False)
    monkeypatch.delenv(ENV_HASH, raising=False)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    monkeypatch.setenv("RADONC_QA_DATA", str(settings.data_dir))
    return monkeypatch


def test_cli_rollback_needs_a_configured_password(two_versions, cli_env) -> None:  # type: ignore[no-untyped-def]
    store, _, first, second = two_versions
    r = CliRunner().invoke(main, ["--rollback", first])
    assert r.exit_code == 7 and "No admin password is configured" in r.output
    assert "hash-password" in r.output and store.active_version() == second


def test_cli_rollback_with_wrong_then_right_password(two_versions, cli_env, settings,  # type: ignore[no-untyped-def]
                                                     corpus_dir) -> None:
    store, db, first, second = two_versions
    cli_env.setenv(ENV_HASH, hash_password(PASSWORD))
    r = CliRunner().invoke(main, ["--rollback", first])
    assert r.exit_code == 7 and ENV_PASSWORD in r.output  # no terminal to prompt in
    cli_env.setenv(ENV_PASSWORD, "not it at all")
    r = CliRunner().invoke(main, ["--rollback", first])
    assert r.exit_code == 7 and "Wrong password" in r.output and store.active_version() == second
    cli_env.setenv(ENV_PASSWORD, PASSWORD)
    r = CliRunner().invoke(main, ["--rollback", first, "--json", "--actor", "dana"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert {k: out[k] for k in ("kb_version", "previous", "action")} == {
        "kb_version": first, "previous": second, "action": "rollback"}
    # the corpus folder (DATA/corpus, seeded from ./corpus) went back to the first version's
    # file; the edited one was kept aside; the shipped ./corpus is never written
    working = settings.data_dir / "corpus"
    assert out["corpus"] == str(working.resolve())
    assert out["corpus_restored"] == out["corpus_moved_aside"] == [
        "astro-daily-practice-physics.txt"]
    assert Path(out["corpus_aside"], "astro-daily-practice-physics.txt").is_file()
    doc = "astro-daily-practice-physics.txt"
    assert "onsite" in (working / doc).read_text(encoding="utf-8")
    assert "on the premises" in (corpus_dir / doc).read_text(encoding="utf-8")
    assert store.active_version() == first
    assert activation_history(db)[0].actor == "dana"
    r = CliRunner().invoke(main, ["--rollback", "v-nope"])
    assert r.exit_code == 3 and "does not exist" in r.output


def test_cli_list_versions(two_versions, cli_env) -> None:  # type: ignore[no-untyped-def]
    _, _, first, second = two_versions
    r = CliRunner().invoke(main, ["--list-versions", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    # (order is by version id, which has one-second resolution: compare as a mapping)
    assert {v["version"]: v["active"] for v in out} == {second: True, first: False}
    newest = next(v for v in out if v["version"] == second)
    assert newest["info"]["actor"] == "bob" and newest["entries"] == 5
    human = CliRunner().invoke(main, ["--list-versions"])
    assert second in human.output and "--rollback" in human.output


def test_cli_override_reason_needs_the_password(settings, corpus_dir, cli_env) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(main, ["--corpus", str(corpus_dir), "--override-reason", "urgent"])
    assert r.exit_code == 7 and "No admin password" in r.output
    assert not Path(settings.kb_dir / "active.json").exists()
