"""The working corpus lives under the data dir, seeded once from the shipped `corpus/`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest import seed
from ingest.build import ingest, plan
from ingest.seed import SEEDING_SUFFIX, ensure_corpus, seed_corpus, shipped_corpus
from ingest.sources import drift
from retrieval.errors import StoreUnavailable
from retrieval.settings import load_settings
from retrieval.store import LocalStore
from tests.conftest import CORPUS, REPO, SEED_IDS, digest


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A shipped corpus as a checkout may hold it: documents, a sidecar, a README, a leftover
    staging folder of an old upload and an editor's hidden file."""
    d = tmp_path / "code" / "corpus"
    shutil.copytree(CORPUS, d)
    (d / "README.md").write_text("Put guidance documents here.\n", encoding="utf-8")
    (d / ".staging-0123456789ab").mkdir()
    (d / ".staging-0123456789ab" / "upload.txt").write_text("half an upload", encoding="utf-8")
    (d / ".~lock.astro.txt#").write_text("lock", encoding="utf-8")
    return d


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("RADONC_QA_CORPUS", raising=False)
    monkeypatch.setenv("RADONC_QA_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


def test_the_default_corpus_is_under_the_data_dir(data: Path) -> None:
    settings = load_settings()
    assert settings.corpus_dir == data / "corpus" and not settings.corpus_given
    assert load_settings(data_dir=data.parent / "other").corpus_dir == data.parent / "other/corpus"


def test_first_use_seeds_the_data_corpus_from_the_shipped_folder(data: Path,
                                                                  shipped: Path) -> None:
    before = digest(shipped)
    settings = load_settings()
    assert ensure_corpus(settings, shipped) == shipped
    documents = {n: h for n, h in before.items() if not n.startswith(".") and n != "README.md"}
    assert digest(data / "corpus") == documents  # documents and sidecars, byte for byte
    assert any(n.endswith(".alternates.toml") for n in documents)  # sidecars come too
    assert digest(shipped) == before
    assert not [p for p in data.iterdir() if p.name != "corpus"]  # no seeding copy left over

    (data / "corpus" / "astro-daily-practice-physics.txt").write_text("edited", encoding="utf-8")
    assert ensure_corpus(settings, shipped) is None  # once: an existing corpus is never reseeded
    assert (data / "corpus" / "astro-daily-practice-physics.txt").read_text() == "edited"


def test_a_failed_copy_leaves_no_corpus_and_the_next_use_seeds_again(
        data: Path, shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_copy, copied = shutil.copy2, []

    def copy_then_fail(src: object, dst: object) -> object:
        if copied:
            raise OSError(28, "No space left on device")
        copied.append(src)
        return real_copy(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(seed.shutil, "copy2", copy_then_fail)
    with pytest.raises(StoreUnavailable, match="No space left on device") as e:
        ensure_corpus(load_settings(), shipped)
    assert str(data / "corpus") in str(e.value) and "RADONC_QA_CORPUS" in str(e.value)
    assert copied and not (data / "corpus").exists() and list(data.iterdir()) == []

    monkeypatch.setattr(seed.shutil, "copy2", real_copy)
    assert ensure_corpus(load_settings(), shipped) == shipped
    assert set(digest(data / "corpus")) == {p.name for p in CORPUS.iterdir()}


CRASH = """
import os, shutil, sys
from pathlib import Path
from ingest import seed
real, n = shutil.copy2, []
def copy(src, dst):
    if n:
        os._exit(9)  # killed halfway: no exception handler, no clean-up runs
    n.append(src)
    return real(src, dst)
seed.shutil.copy2 = copy
seed.seed_corpus(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_crash_mid_seed_is_not_taken_as_a_complete_corpus(tmp_path: Path, shipped: Path) -> None:
    target = tmp_path / "data" / "corpus"
    p = subprocess.run([sys.executable, "-c", CRASH, str(target), str(shipped)], cwd=REPO,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 9, p.stderr
    assert not target.exists()
    (left,) = [q for q in target.parent.iterdir()]  # the half copy, hidden beside it
    assert left.name.startswith(f".corpus{SEEDING_SUFFIX}") and len(list(left.iterdir())) == 1

    assert seed_corpus(target, shipped)  # the next start seeds a complete copy
    assert set(digest(target)) == {p.name for p in CORPUS.iterdir()}
    assert left.exists()  # too recent to be sure its process died: left alone
    old = time.time() - seed.STALE_S - 60
    os.utime(left, (old, old))
    shutil.rmtree(target)
    assert seed_corpus(target, shipped) and not left.exists()  # an old one is cleared away


def test_an_explicit_corpus_is_used_as_given_and_never_seeded(
        data: Path, shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "their-corpus"
    monkeypatch.setenv("RADONC_QA_CORPUS", str(mine))
    settings = load_settings()
    assert settings.corpus_dir == mine and settings.corpus_given
    assert ensure_corpus(settings, shipped) is None
    assert not mine.exists() and not data.exists()  # a missing folder stays the admin's to fix
    flag = load_settings(corpus_dir=shipped)  # `--corpus DIR` wins over the environment
    assert flag.corpus_dir == shipped and ensure_corpus(flag, shipped) is None


def test_the_shipped_corpus_is_found_from_the_working_directory_or_beside_the_code(
        tmp_path: Path) -> None:
    assert shipped_corpus(tmp_path) == REPO / "corpus"  # no ./corpus: the one beside the code
    (tmp_path / "corpus").mkdir()
    assert shipped_corpus(tmp_path) == tmp_path / "corpus"  # as before: ./corpus first


def test_an_install_built_from_the_shipped_corpus_sees_no_change(data: Path, shipped: Path,
                                                                 fake_embedder) -> None:  # type: ignore[no-untyped-def]
    """An existing data dir: its KB was built from the shipped corpus, there is no DATA/corpus."""
    settings = load_settings()
    store = LocalStore(settings.kb_dir)
    built = ingest(store, fake_embedder, shipped)
    assert built.activated and not settings.corpus_dir.exists()

    assert ensure_corpus(settings, shipped) == shipped
    planned = plan(store, settings.corpus_dir, settings.alternates_dir)
    assert planned.changes is not None and planned.changes.empty
    again = ingest(store, fake_embedder, settings.corpus_dir,
                   alternates_dir=settings.alternates_dir)
    assert not again.activated and again.kb_version == built.kb_version
    assert again.unchanged == SEED_IDS
    active = store.read_manifest(store.active_version())  # type: ignore[arg-type]
    d = drift(settings.corpus_dir, active.info["sources"])
    assert d.known and not (d.added or d.changed or d.missing)  # nothing for a rollback to move


@pytest.mark.slow
def test_ingest_without_corpus_builds_the_kb_from_the_seeded_copy(tmp_path: Path) -> None:
    """`python -m ingest` on an empty data dir, as the README's quick start runs it."""
    import json

    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "RADONC_QA_CORPUS"}
    before = digest(CORPUS)
    p = subprocess.run([sys.executable, "-m", "ingest", "--data", str(data), "--json"], cwd=REPO,
                       capture_output=True, text=True, timeout=600, env=env)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["corpus"] == str((data / "corpus").resolve())
    assert out["entries"] == 5 and out["added"] == 5 and out["documents"] == 1
    assert digest(data / "corpus") == before == digest(CORPUS)
    kb = LocalStore(data / "kb")
    active = kb.read_manifest(kb.active_version() or "")
    assert set(active.info["sources"]) == set(before)  # built from the seeded copy's files

    again = subprocess.run([sys.executable, "-m", "ingest", "--data", str(data), "--dry-run"],
                           cwd=REPO, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0, again.stderr
    assert "Seeded" not in again.stderr  # seeded once
    assert f"corpus folder: {(data / 'corpus').resolve()}" in again.stdout


def test_a_dry_run_on_first_use_reads_the_shipped_corpus_and_writes_nothing(
        data: Path, shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from click.testing import CliRunner

    from ingest.__main__ import main

    monkeypatch.chdir(shipped.parent)  # ./corpus is the shipped one
    before = digest(shipped)
    r = CliRunner().invoke(main, ["--dry-run", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["dry_run"] is True and out["added"] == 5
    assert out["corpus"] == str(shipped.resolve())  # what it read, said plainly
    assert not (data / "corpus").exists() and digest(shipped) == before
