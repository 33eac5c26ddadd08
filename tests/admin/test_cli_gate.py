"""`python -m ingest` runs the quality gate before activating; an override needs the password."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from admin.auth import ENV_HASH, ENV_PASSWORD, hash_password
from admin.history import activation_history
from appdb import AppDB
from ingest.__main__ import main
from retrieval.store import LocalStore

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


def test_gate_failure_exit_code_then_override(settings, corpus_dir, tmp_path, monkeypatch,  # type: ignore[no-untyped-def]
                                              real_embedder) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    bad = tmp_path / "wrong-expectations.jsonl"  # rows no corpus could pass: a stand-in for a
    bad.write_text("\n".join(json.dumps(  # corpus edit that breaks the shipped sets
        {"id": f"bad-{n}", "question": q, "expected": ["astro-daily-practice-physics:5"]})
        for n, q in enumerate(["can we bill 77370 after rt ended?",
                               "can weekly chart checks be done remotely?"])), encoding="utf-8")
    args = ["--corpus", str(corpus_dir), "--data", str(settings.data_dir), "--gate-set", str(bad)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 6, r.output
    assert "Quality gate failed" in r.output and "NOT activated" in r.output
    assert "in_scope_accuracy 0.000 is below the floor" in r.output
    assert LocalStore(settings.kb_dir).active_version() is None

    monkeypatch.setenv(ENV_HASH, hash_password(PASSWORD))
    monkeypatch.setenv(ENV_PASSWORD, PASSWORD)
    r = CliRunner().invoke(main, [*args, "--override-reason", "new edition, sets follow",
                                  "--json", "--actor", "erin"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output[r.output.index("{"):])
    assert out["activated"] and out["quality_gate"]["passed"] is False
    assert LocalStore(settings.kb_dir).active_version() == out["kb_version"]
    (h,) = activation_history(AppDB(settings.db_url))
    assert h.actor == "erin" and h.note == "quality gate overridden: new edition, sets follow"
    assert Path(settings.data_dir / "admin-auth.json").exists()
