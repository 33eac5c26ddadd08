"""A code an entry only mentions (in a list, a range) earns no code bonus, costs no mismatch and
is no guidance on that code; the look-up listing still knows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.build import ingest
from retrieval.retriever import Retriever
from retrieval.store import LocalStore

FIXTURE = Path(__file__).parents[1] / "ingest" / "fixtures" / "treatment-devices.html"
DEVICES = "treatment-devices"


@pytest.fixture
def retriever(tmp_path: Path, corpus_dir: Path, fake_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    shutil.copy(FIXTURE, corpus_dir / FIXTURE.name)
    store = LocalStore(tmp_path / "kb")
    assert ingest(store, fake_embedder, corpus_dir).kb_version is not None
    return Retriever(store, fake_embedder)


def test_roles_survive_ingest(retriever: Retriever) -> None:
    index = retriever.index()
    entry = index.entries[index.position[f"{DEVICES}:3"]]
    assert {"77470", "77427", "77431"} <= entry.code_set
    assert not {"77470", "77427", "77431"} & entry.codes_about
    assert "77285" in entry.codes_about  # inside the question's range 77280-77290


def test_a_code_only_mentioned_is_no_guidance_but_is_listed(retriever: Retriever) -> None:
    a = retriever.ask("Can 77431 be billed for a block check?")
    assert a.abstained and not a.results
    assert "no guidance on 77431" in a.reason and "only listed in passing" in a.reason
    listing = retriever.ask("what is 77431?").lookup
    assert listing is not None
    (info,) = listing.codes
    assert info.covered and [i for i, _ in info.entries] == [f"{DEVICES}:3"]


def test_code_bonus_only_for_codes_an_entry_is_about(retriever: Retriever) -> None:
    index = retriever.index()
    a = retriever.ask_alone(index, "is a block check a new simulation under 77285 or 77427?")
    signals = {index.entries[s.entry].id: s.signals["code"] for s in a.scored}
    assert signals[f"{DEVICES}:3"] > 0  # about 77285 (its question's range)
    a = retriever.ask_alone(index, "can 77332 be billed twice in one course of IMRT planning?")
    signals = {index.entries[s.entry].id: s.signals["code"] for s in a.scored}
    assert signals[f"{DEVICES}:2"] > 0  # its table row says Yes/No for 77332: guidance on it
    assert signals[f"{DEVICES}:1"] < 0  # about 77334 only


def test_a_bare_code_lists_only_entries_about_it(retriever: Retriever) -> None:
    a = retriever.ask("77334")
    assert [m.entry.id for m in a.results] == [f"{DEVICES}:1"]


def test_a_bare_code_only_listed_shows_the_entries_that_list_it(retriever: Retriever) -> None:
    a = retriever.ask("77431")
    assert not a.abstained
    assert [m.entry.id for m in a.results] == [f"{DEVICES}:3"]
    assert "lists 77431" in a.reason


def test_a_letter_code_alone_is_a_bare_code() -> None:
    from retrieval.rank import QueryTerms

    q = QueryTerms(terms=["g6009"], codes=["G6009"], modalities=frozenset())
    assert q.words_besides_codes == []


def test_a_table_row_with_a_verdict_is_about_its_codes_a_plain_listing_is_not() -> None:
    from retrieval.codes import code_roles

    verdicts = ("Which codes go with hyperthermia?\nCode | Descriptor | Billable with it?\n"
                "77427 | Treatment management | Yes\n"
                "77261-77263 | Planning | Yes, when documented\n"
                "77470 | Special procedure | No - not by itself")
    roles = code_roles("What else is billed?", verdicts)
    assert {c for c, r in roles.items() if r == "about"} >= {"77427", "77262", "77470"}
    listing = "Code | Descriptor\n77332 | Devices; simple\n77333 | Devices; intermediate"
    roles = code_roles("Which device codes exist?", listing)
    assert roles == {"77332": "mention", "77333": "mention"}


def test_a_bare_pair_of_codes_lists_the_entries_about_both_first() -> None:
    """"77300 77301?" asks about the pair: an entry about both codes leads the look-up even when
    an entry about one of them scores higher (the order among equals stays the score's)."""
    from types import SimpleNamespace

    from retrieval.config import default_calibration
    from retrieval.decide import decide
    from retrieval.rank import QueryTerms, Scored

    about = [{"77300"}, {"77300", "77301"}, {"77301"}, {"77300"}]
    index = SimpleNamespace(
        entries=[SimpleNamespace(codes_about=a, code_set=a) for a in about],
        codes={"77300": [0, 1, 3], "77301": [1, 2]},
        lexicon=SimpleNamespace(aspects_in=lambda terms: set(), payers_in=lambda terms: set()),
        idf={})
    q = QueryTerms(terms=["77300", "77301"], codes=["77300", "77301"], modalities=frozenset())
    scored = [Scored(0, 0.8, {}), Scored(3, 0.7, {}), Scored(2, 0.65, {}), Scored(1, 0.5, {})]
    v = decide(index, q, scored, default_calibration().decision, 4)  # type: ignore[arg-type]
    assert not v.abstained
    assert [s.entry for s in v.results] == [1, 0, 3, 2]


def test_a_code_listed_by_the_entry_about_its_companion_is_not_refused(
        retriever: Retriever) -> None:
    """Asked with 77285, a code entry 3 only lists is the other half of a pair that entry speaks
    of: the rule "no guidance on 77431" gives way and the usual evidence decides. Alone (or with
    a code no entry listing it is about) it is still no guidance."""
    a = retriever.ask("is 77431 billed together with 77285 for a block check?")
    assert "no guidance" not in a.reason
    assert f"{DEVICES}:3" in [m.entry.id for m in (*a.results, *a.suggestions)]
    b = retriever.ask("is 77431 billed together with 77334 for a block check?")
    assert b.abstained and "no guidance on 77431" in b.reason
