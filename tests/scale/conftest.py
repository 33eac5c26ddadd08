"""A real Chroma server for the whole session (`chroma run` on 127.0.0.1, a free port)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import ChromaServer


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "db").start()
    yield server
    server.stop()


@pytest.fixture
def chroma_url(chroma_server: ChromaServer) -> str:
    """The session server with a namespace of this test's own (nothing shared between tests)."""
    return f"{chroma_server.url}/t{secrets.token_hex(5)}"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return tmp_path / "kb"
