"""LangChain's own standard retriever suite, against the seed knowledge base and the real model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from retrieval.langchain import MAX_K, GuidanceRetriever
from retrieval.settings import Settings

pytestmark = pytest.mark.slow


class TestGuidanceRetrieverStandard(RetrieversIntegrationTests):
    """`GuidanceRetriever` built from Settings alone, as a LangChain user would."""

    @pytest.fixture(autouse=True)
    def _seed(self, seed_data_dir: Path) -> None:
        self._data = seed_data_dir

    @property
    def retriever_constructor(self) -> type[GuidanceRetriever]:
        return GuidanceRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"settings": Settings(data_dir=self._data)}

    @property
    def retriever_query_example(self) -> str:
        # a bare code: three entries of the seed corpus are about 77370, so k=3 can return 3
        return "77370"


def test_k_bounds_and_aliases(seed_data_dir: Path) -> None:
    s = Settings(data_dir=seed_data_dir)
    for bad in (0, -1, MAX_K + 1, True, "3", 2.5):
        with pytest.raises(ValueError, match="k must be a whole number from 1 to 20"):
            GuidanceRetriever(settings=s, k=bad)
    lc = GuidanceRetriever(settings=s, top_k=1)  # the project's own name is accepted too
    assert lc.k == 1 and len(lc.invoke("77370")) == 1
    assert len(lc.invoke("77370", top_k=2)) == 2
    with pytest.raises(ValueError, match="k must be"):
        lc.invoke("77370", k=0)


def test_empty_query_is_no_documents_and_abstention_is_fewer_than_k(seed_data_dir: Path) -> None:
    lc = GuidanceRetriever(settings=Settings(data_dir=seed_data_dir), k=5)
    assert lc.invoke("") == [] and lc.invoke("   \t") == [] and lc.invoke("\x00\x01") == []
    assert lc.invoke("what's the weather in boston") == []  # abstains: nothing, not k guesses
    clear = lc.invoke("physicist supervision during SBRT")
    assert 1 <= len(clear) < 5


def test_built_from_the_environment_alone(seed_data_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADONC_QA_DATA", str(seed_data_dir))
    docs = GuidanceRetriever(k=1).invoke("77370")
    assert len(docs) == 1 and docs[0].metadata["disclaimer"]
