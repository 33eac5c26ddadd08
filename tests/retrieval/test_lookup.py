"""Code look-up: the knowledge base's codes, descriptors and entries — never a definition."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from retrieval.__main__ import main as retrieval_cli
from retrieval.lookup import LABEL, lookup
from tests.conftest import SEED_IDS

pytestmark = pytest.mark.slow

E = dict(enumerate(SEED_IDS, 1))


@pytest.fixture(scope="module")
def index(seed_retriever):  # type: ignore[no-untyped-def]
    return seed_retriever.index()


@pytest.mark.parametrize("question", ["what is 77336?", "What's CPT 77336", "define 77336",
                                      "what does 77336 mean?"])
def test_what_is_a_code_lists_its_descriptor_and_entries(index, question: str) -> None:  # type: ignore[no-untyped-def]
    lk = lookup(index, question)
    assert lk is not None and lk.kind == "code"
    (info,) = lk.codes
    assert info.code == "77336" and info.covered
    assert [d for d, _ in info.descriptors] == ["Continuing Physics Consultation"]
    assert [i for i, _ in info.entries] == [E[4]]
    # the descriptor is the document's own words, not one of ours
    entry = index.entries[index.position[E[4]]]
    assert "Continuing Physics Consultation (CPT code 77336)" in entry.answer
    assert lk.label == LABEL and "not a definition" in lk.label


def test_a_code_the_knowledge_base_does_not_cover_is_said_to_be_not_covered(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    a = seed_retriever.ask("what is 77301?")
    assert a.abstained and a.results == ()
    assert a.lookup is not None
    assert a.lookup.not_covered == ("77301",)
    assert a.lookup.codes[0].descriptors == () and a.lookup.codes[0].entries == ()
    assert "does not cover 77301" in a.lookup.summary()
    d = a.to_dict()["lookup"]
    assert d["not_covered"] == ["77301"] and d["codes"][0]["covered"] is False


def test_codes_for_a_topic(index) -> None:  # type: ignore[no-untyped-def]
    lk = lookup(index, "codes for physics consults")
    assert lk is not None and lk.kind == "topic" and lk.asked == "physics consults"
    assert {c.code for c in lk.codes} == {"77370", "77336"}
    by = {c.code: c for c in lk.codes}
    assert [d for d, _ in by["77370"].descriptors] == [
        "Special medical radiation physics consultation"]
    assert {i for i, _ in by["77370"].entries} == {E[1], E[2], E[3]}
    assert "2 codes" in lk.summary()

    chart = lookup(index, "which code is used for weekly chart checks?")
    assert chart is not None and [c.code for c in chart.codes] == ["77336"]


def test_a_topic_without_codes_says_so(index) -> None:  # type: ignore[no-untyped-def]
    lk = lookup(index, "what codes are there for hyperthermia?")
    assert lk is not None and lk.codes == ()
    assert lk.summary() == "The knowledge base lists no code for “hyperthermia”."


def test_all_codes(index) -> None:  # type: ignore[no-untyped-def]
    lk = lookup(index, "list all codes")
    assert lk is not None and lk.kind == "all"
    assert [c.code for c in lk.codes] == ["77336", "77370"]


@pytest.mark.parametrize("question", ["can we bill 77370 after radiation ended?", "77370",
                                      "who signs the physics consult report?",
                                      "what is the supervision requirement during sbrt?"])
def test_ordinary_questions_are_not_look_ups(index, question: str) -> None:  # type: ignore[no-untyped-def]
    assert lookup(index, question) is None


def test_ask_keeps_the_verbatim_answer_beside_the_listing(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    a = seed_retriever.ask("what is 77336?")
    assert a.lookup is not None and a.lookup.codes[0].code == "77336"
    assert not a.abstained and a.top.entry.id == E[4]
    assert a.to_dict()["lookup"]["codes"][0]["entries"] == [
        {"id": E[4], "question": "What are the supervision requirements for physicists and "
                                  "dosimetrists for weekly chart checks?"}]


def test_cli_renders_the_labelled_listing(seed_data_dir: Path) -> None:
    r = CliRunner().invoke(retrieval_cli, ["codes for physics consults",
                                           "--data", str(seed_data_dir)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Code look-up: The knowledge base mentions 2 codes")
    assert "not a definition of the code" in r.output
    assert "77370 — “Special medical radiation physics consultation”" in r.output
    assert f"mentioned in [{E[4]}]" in r.output
