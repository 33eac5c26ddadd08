"""A lead-in announcing a new subject ("unrelated:", "different question -", "switching gears,")
says the question leaves the thread: its words are not searched, and the question is answered
exactly as if asked first (real model and Chroma for the seed; the lead-ins need no model)."""

from __future__ import annotations

import pytest

from retrieval.turns import drop_switch
from tests.conftest import SEED_IDS

E = dict(enumerate(SEED_IDS, 1))


@pytest.mark.parametrize(("typed", "asked"), [
    ("unrelated: who supervises SBRT?", "who supervises SBRT?"),
    ("Different question - 77285 vs 77290?", "77285 vs 77290?"),
    ("switching gears, E/M same day as OTV?", "E/M same day as OTV?"),
    ("ok new topic: machine broke mid fraction", "machine broke mid fraction"),
    ("separately - can 77014 and G6002 both be billed?", "can 77014 and G6002 both be billed?"),
    ("unrelated but do hospital docs put 26 on sims", "do hospital docs put 26 on sims"),
    ("One more question, who bills 77470", "who bills 77470"),
])
def test_a_new_subject_lead_in_is_dropped(typed: str, asked: str) -> None:
    assert drop_switch(typed) == (asked, True)


@pytest.mark.parametrize("typed", [
    "separately billable with 77301?", "is this unrelated to 77370?", "new question 77300?",
    "unrelated:", "ok thanks", "and who signs it?"])
def test_words_that_only_look_like_a_lead_in_stay(typed: str) -> None:
    assert drop_switch(typed) == (typed, False)


@pytest.mark.slow
def test_a_question_announced_as_new_is_answered_as_if_asked_first(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    context = ["can we bill 77370 after treatment ended?"]
    followed = seed_retriever.ask("who has to sign it?", context=context)
    switched = seed_retriever.ask("unrelated: who has to sign it?", context=context)
    first = seed_retriever.ask("who has to sign it?")
    assert followed.read_as  # read with the 77370 thread …
    assert switched.read_as is None and switched.turn == "topic_switch"  # … this one is not
    assert switched.abstained == first.abstained
    assert [m.entry.id for m in switched.results] == [m.entry.id for m in first.results]


@pytest.mark.slow
def test_the_lead_in_words_are_not_searched(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    typed = seed_retriever.ask("different question - what is the supervision requirement for "
                               "physicists during SBRT delivery?")
    assert not typed.abstained and typed.top.entry.id == E[5]
    plain = seed_retriever.ask("what is the supervision requirement for physicists during SBRT "
                               "delivery?")
    assert typed.top.score == pytest.approx(plain.top.score)
