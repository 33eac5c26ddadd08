"""Bad query text is bad input (exit 2, a clear message), refused before the model loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.errors import EmptyQuery, QueryError
from retrieval.text import clean_query
from tests.conftest import REPO


def cli(*args: str | bytes) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ))


@pytest.mark.parametrize("text", ["caf\udce9 77370", "\ud800", "77370 \udfff billing"],
                         ids=["escaped-byte", "lone-high", "lone-low"])
def test_lone_surrogates_are_bad_input(text: str) -> None:
    with pytest.raises(QueryError, match="not valid text at position"):
        clean_query(text)


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02", "\u200b\ufeff"],
                         ids=["empty", "blank", "controls", "zero-width"])
def test_nothing_searchable_is_empty_query(text: str) -> None:
    with pytest.raises(EmptyQuery, match="empty"):
        clean_query(text)


def test_cli_refuses_undecodable_bytes_and_empty_before_loading(tmp_path: Path) -> None:
    # no knowledge base at all: were the model or store opened first, this would be exit 3
    nowhere = str(tmp_path / "no-data")
    p = cli("retrieval", b"caf\xe9 77370", "--data", nowhere)
    assert p.returncode == 8, p.stderr
    assert "not valid text at position 4" in p.stderr and "Traceback" not in p.stderr
    p = cli("retrieval", "  ", "--data", nowhere)
    assert p.returncode == 8 and "The question is empty" in p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.slow
def test_top_k_bounds_a_bare_code(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    for k in (1, 2, 3):
        a = seed_retriever.ask("77370", top_k=k)
        assert len(a.results) == k, (k, a.results)
    one = seed_retriever.ask("77370", top_k=1)
    assert "3 entries about 77370 (showing the first 1)" in one.reason
    assert not one.clarify  # one candidate shown: nothing to choose between
