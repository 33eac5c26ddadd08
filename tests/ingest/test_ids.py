"""Stable ids across versions: removed ids resolve, are never reused; refusals change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.runner import run
from evals.sets import EvalRow, EvalSetError
from ingest.build import ingest
from retrieval.errors import CorpusFormatError
from retrieval.retriever import Retriever
from retrieval.store import LocalStore
from tests.conftest import SEED_IDS
from tests.ingest.test_diff import DOC, pairs, write


def _drop_second(corpus_dir: Path) -> None:
    head, blocks, tail = pairs(corpus_dir / DOC)
    write(corpus_dir / DOC, head, blocks[:1] + blocks[2:], tail)


def test_removed_id_says_removed_in_which_version(settings, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    ingest(store, fake_embedder, corpus_dir)
    _drop_second(corpus_dir)
    v2 = ingest(store, fake_embedder, corpus_dir).kb_version
    retriever = Retriever(store, fake_embedder)
    st = retriever.entry_status(SEED_IDS[1])
    assert st.entry is None and st.removed is not None and st.removed.version == v2
    assert f"was removed in version {v2}" in st.message
    assert retriever.entry_status(SEED_IDS[2]).entry.position == 2  # type: ignore[union-attr]
    # a new entry afterwards gets 6, and 2 keeps saying "removed"
    head, blocks, tail = pairs(corpus_dir / DOC)
    write(corpus_dir / DOC, head, [*blocks, "Coding Question: Is 77300 billable twice?\n\n"
                                   "Coding Answer: Rarely.\n"], tail)
    report = ingest(store, fake_embedder, corpus_dir)
    assert report.added == ["astro-daily-practice-physics:6"]
    assert retriever.entry_status(SEED_IDS[1]).removed.version == v2  # type: ignore[union-attr]


def test_eval_row_expecting_a_removed_id_is_named(settings, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    ingest(store, fake_embedder, corpus_dir)
    _drop_second(corpus_dir)
    v2 = ingest(store, fake_embedder, corpus_dir).kb_version
    rows = [EvalRow("r7", "who signs the 77370 request?", (SEED_IDS[1],), source="my-set.jsonl",
                    line=3)]
    with pytest.raises(EvalSetError) as err:
        run(Retriever(store, fake_embedder), rows)
    assert f"my-set.jsonl:3: row r7 expects {SEED_IDS[1]}, which was removed in version {v2}" \
        in str(err.value)


def test_cli_entry_lookup(settings, corpus_dir, fake_embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from retrieval import __main__ as cli
    from retrieval import service

    store = LocalStore(settings.kb_dir)
    ingest(store, fake_embedder, corpus_dir)
    _drop_second(corpus_dir)
    v2 = ingest(store, fake_embedder, corpus_dir).kb_version
    monkeypatch.setattr(service, "default_embedder", lambda: fake_embedder)
    args = ["--data", str(settings.data_dir)]
    out = CliRunner().invoke(cli.main, ["--entry", SEED_IDS[1], "--json", *args])
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    assert (d["present"], d["removed_in"], d["entry"]) == (False, v2, None)
    out = CliRunner().invoke(cli.main, ["--entry", SEED_IDS[0], *args])
    assert out.exit_code == 0 and "Disclaimer:" in out.output and "77370" in out.output
    out = CliRunner().invoke(cli.main, ["--entry", "nothing:9", *args])
    assert out.exit_code == 8 and "never was" in out.output


def test_two_documents_giving_the_same_entry_are_refused(settings, corpus_dir,  # type: ignore[no-untyped-def]
                                                         fake_embedder) -> None:
    store = LocalStore(settings.kb_dir)
    first = ingest(store, fake_embedder, corpus_dir).kb_version
    head, blocks, tail = pairs(corpus_dir / DOC)
    write(corpus_dir / "copy.txt", "A copy\n\n", [blocks[4]], tail)
    with pytest.raises(CorpusFormatError) as err:
        ingest(store, fake_embedder, corpus_dir)
    msg = str(err.value)
    assert "copy.txt" in msg and DOC in msg and "line" in msg and "supersedes" in msg
    assert store.active_version() == first and len(store.list_versions()) == 1
    # naming the older document as superseded is the documented way out
    (corpus_dir / "copy.meta.toml").write_text(
        'supersedes = ["astro-daily-practice-physics:5"]\n', encoding="utf-8")
    report = ingest(store, fake_embedder, corpus_dir)
    assert report.superseded == {SEED_IDS[4]: "copy"}
    st = Retriever(store, fake_embedder).entry_status(SEED_IDS[4])
    assert st.removed is not None and st.removed.successor is None
    assert "copy:1" in [e.id for e in store.read_manifest(report.kb_version).entries]  # type: ignore[arg-type]

