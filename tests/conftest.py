"""Shared fixtures: the seed corpus, fake and real embedders, and a real on-disk knowledge base."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from retrieval.settings import Settings
from tests.fakes import HashingEmbedder

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEED = CORPUS / "astro-daily-practice-physics.txt"
SEED_IDS = [f"astro-daily-practice-physics:{n}" for n in range(1, 6)]
EVAL_SETS = REPO / "evals" / "sets"


def digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones and subfolders included): path → sha256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def _private_state_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Machine-wide state (the admin lockout counts) goes to a folder of this test's own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    """Deterministic, model-free vectors for fast unit tests."""
    return HashingEmbedder()


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    """The bundled all-MiniLM-L6-v2, loaded once for the whole run."""
    from retrieval.embedding import default_embedder

    return default_embedder()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped corpus that a test may change."""
    d = tmp_path / "corpus"
    shutil.copytree(CORPUS, d)
    return d


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus_dir)


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:  # type: ignore[no-untyped-def]
    """A data dir holding the shipped corpus ingested with the real model into real Chroma.

    Shared read-only by the whole session: tests that change the KB build their own.
    """
    from ingest.build import ingest
    from retrieval.store import LocalStore

    data = tmp_path_factory.mktemp("seed-data")
    ingest(LocalStore(data / "kb"), real_embedder, CORPUS)
    return data


@pytest.fixture
def app_data(tmp_path: Path, seed_data_dir: Path) -> Path:
    """A private copy of the seed data dir (knowledge base only; the app adds its database)."""
    data = tmp_path / "data"
    shutil.copytree(seed_data_dir / "kb", data / "kb")
    return data


@pytest.fixture(scope="session")
def seed_retriever(seed_data_dir: Path, real_embedder):  # type: ignore[no-untyped-def]
    """A Retriever over the shipped corpus with the real model (session-wide)."""
    from retrieval.service import open_retriever

    return open_retriever(Settings(data_dir=seed_data_dir), real_embedder)


@pytest.fixture(scope="session")
def postgres_server():  # type: ignore[no-untyped-def]
    """A PostgreSQL URL: RADONC_QA_TEST_POSTGRES_URL (CI starts one), else a private cluster.

    Unreachable PostgreSQL is an error under CI=true; only a local run without it skips.
    """
    import os

    from tests.servers import PostgresCluster, pg_bin, postgres_problem

    url = os.environ.get("RADONC_QA_TEST_POSTGRES_URL")
    if url:
        problem = postgres_problem(url)
        if problem:
            pytest.fail(f"RADONC_QA_TEST_POSTGRES_URL is set but unusable: {problem}")
        yield url
        return
    if pg_bin() is None:
        msg = ("PostgreSQL is not installed (apt-get install postgresql) and "
               "RADONC_QA_TEST_POSTGRES_URL is not set")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    cluster = PostgresCluster().init().start().create_db()
    yield cluster.url
    cluster.destroy()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.server)])
def app_db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An empty app database: SQLite in tmp, and a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    from tests.servers import scratch_database

    with scratch_database(request.getfixturevalue("postgres_server")) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """Headless Debian chromium via Playwright, one per test session.

    Playwright's sync API allows one instance per thread, so every browser test in any folder
    shares this one (a second `sync_playwright()` in the same run fails).
    """
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import launch_chromium

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()
