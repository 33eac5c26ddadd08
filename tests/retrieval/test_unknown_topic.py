"""A question whose aspect, or whose only modality, no entry of the knowledge base mentions is
abstained on before any score is weighed; once an entry mentions it, the question is ranked and
decided as usual."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.build import ingest
from retrieval.decide import NOT_MENTIONED, unknown_topic
from retrieval.retriever import Retriever
from retrieval.store import LocalStore

SPECIAL = Path(__file__).parents[1] / "ingest" / "fixtures" / "special-procedures.md"
HOW_OFTEN = "how many times can 77370 be billed per course of treatment"


def _retriever(tmp_path: Path, corpus: Path, embedder) -> Retriever:  # type: ignore[no-untyped-def]
    store = LocalStore(tmp_path / "kb")
    assert ingest(store, embedder, corpus).kb_version is not None
    return Retriever(store, embedder)


def _not_mentioned(reason: str) -> bool:
    return reason.startswith(NOT_MENTIONED.split("{")[0])


@pytest.fixture
def seed(tmp_path: Path, corpus_dir: Path, fake_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    """The seed document alone: five physics entries, none says how often a code is billed."""
    return _retriever(tmp_path, corpus_dir, fake_embedder)


@pytest.mark.parametrize("question,named", [
    (HOW_OFTEN, "how often it may be billed"),
    ("can the special physics consultation be billed more than once in a course?",
     "how often it may be billed"),
    ("what place of service code goes on the 77370 claim?", "the place of service"),
    ("can a physicist bill 77370 under their own NPI?",
     "whose provider number (NPI) it is billed under"),
], ids=["how-many-times", "more-than-once", "place-of-service", "own-npi"])
def test_an_aspect_no_entry_mentions_abstains(seed: Retriever, question: str, named: str) -> None:
    a = seed.ask(question)
    assert a.abstained and not a.results
    assert a.reason == NOT_MENTIONED.format(what=named)  # in a coder's words, not a stem
    assert a.suggestions  # the closest entries are still offered


def test_a_modality_no_entry_names_abstains(seed: Retriever) -> None:
    index = seed.index()
    q = seed.terms(index, "physicist supervision for total body irradiation")
    assert unknown_topic(index, q) == ["tbi"]
    reason = seed.ask("physicist supervision for total body irradiation").reason
    assert reason == NOT_MENTIONED.format(what="TBI")


def test_an_unknown_modality_beside_a_known_one_is_a_detail(seed: Retriever) -> None:
    index = seed.index()
    q = seed.terms(index, "SBRT - physics on site during the cone beam CT?")
    assert {"sbrt", "igrt"} <= q.modalities
    assert "igrt" not in index.idf and "sbrt" in index.idf
    assert unknown_topic(index, q) == []
    assert not _not_mentioned(seed.ask("SBRT - physics on site during the cone beam CT?").reason)


def test_a_question_of_known_words_is_left_to_the_ranker(seed: Retriever) -> None:
    index = seed.index()
    q = seed.terms(index, "what must the physicist's report for 77370 include?")
    assert unknown_topic(index, q) == []


def test_once_an_entry_mentions_the_aspect_the_question_is_decided(
        tmp_path: Path, corpus_dir: Path, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(SPECIAL, corpus_dir / SPECIAL.name)  # "77470 may be reported once per course"
    r = _retriever(tmp_path, corpus_dir, fake_embedder)
    index = r.index()
    assert "frequenc" in index.idf
    assert unknown_topic(index, r.terms(index, HOW_OFTEN)) == []
    assert not _not_mentioned(r.ask(HOW_OFTEN).reason)


WRAPPED = """# Treatment Management Units

### Coding Question 1

How is weekly treatment management (77427) counted at the end of a course?

### CUAC Response 1

Count the fractions delivered: every five fractions make one unit, and a remainder of three or
four makes one more. The note for the last week should say how
many units were billed so the count can be checked.

### References

- Example Society Coding Guide, Treatment Management

### Disclaimer

Opinions of the coding committee, offered to members without charge; payers may differ.

CPT is a registered trademark of the American Medical Association.
"""


def test_an_aspect_wrapped_over_a_line_of_an_entry_is_mentioned(
        tmp_path: Path, corpus_dir: Path, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    # a hard-wrapped answer breaks "how many" over a line: it still speaks of the quantity
    (corpus_dir / "treatment-management-units.md").write_text(WRAPPED, encoding="utf-8")
    r = _retriever(tmp_path, corpus_dir, fake_embedder)
    index = r.index()
    assert "quantiti" in index.idf
    question = "28 fx how many 77427"
    assert unknown_topic(index, r.terms(index, question)) == []
    assert not _not_mentioned(r.ask(question).reason)
