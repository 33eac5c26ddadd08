"""Follow-ups read with the conversation, topic switches, off-topic follow-ups and clarifying
choices — through the retrieval API, the eval runner and the CLI (real model, real Chroma)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.metrics import in_scope_accuracy, out_of_scope_abstention
from evals.runner import run
from evals.sets import EvalRow, read_jsonl
from retrieval.__main__ import main as retrieval_cli
from retrieval.conversation import cue
from retrieval.lookup import gist
from tests.conftest import EVAL_SETS, REPO, SEED_IDS

E = dict(enumerate(SEED_IDS, 1))


# -- cues (no model) ---------------------------------------------------------------------------

LEANS = ["and the report?", "what about for SBRT?", "does that need a physicist?",
         "can it be done remotely?", "How about the order", "ok, and for brachy?",
         "same for the physicist"]
STANDS = ["Can we bill 77370 for a patient who finished treatment?",
          "physicist supervision during sbrt", "who signs the physics consult report, qmp or md?",
          "Does the physicist have to be present during SBRT treatment?"]


@pytest.mark.parametrize("text", LEANS, ids=LEANS)
def test_cue_finds_words_that_lean_on_an_earlier_turn(text: str) -> None:
    assert cue(text)


@pytest.mark.parametrize("text", STANDS, ids=STANDS)
def test_cue_leaves_questions_that_stand_alone(text: str) -> None:
    assert not cue(text)


def test_gist_is_the_first_question_of_a_curated_question() -> None:
    story = ("A patient finished treatment. The physicist fused the scans. Can a 77370 be "
             "billed? Can it be a box?")
    assert gist(story) == "Can a 77370 be billed?"
    assert gist("No question mark here") == "No question mark here"


# -- the retrieval API (real model) ------------------------------------------------------------

FOLLOW_UPS = {
    "report after request": (["What does the physician's order for a 77370 need to say?"],
                             "and the report?", E[3], "about 77370"),
    "remote after chart checks": (["weekly chart check supervision"], "can it be done remotely?",
                                  E[4], "“weekly chart check supervision”"),
    "modality switch": (["who supervises weekly chart checks?"], "what about for sbrt?", E[5],
                        "weekly chart checks"),
    "pronoun": (["can a dosimetrist do the weekly chart check?"], "does that need a physicist?",
                E[4], "dosimetrist"),
    "chain of follow-ups": (["77370 request", "and the report?"],
                            "does it need the physician's approval too?", E[3], "77370"),
}


@pytest.mark.slow
@pytest.mark.parametrize("context,question,expected,read_as", FOLLOW_UPS.values(),
                         ids=list(FOLLOW_UPS))
def test_a_follow_up_is_read_with_the_earlier_question(seed_retriever, context, question,  # type: ignore[no-untyped-def]
                                                       expected, read_as) -> None:
    a = seed_retriever.ask(question, context=context)
    assert not a.abstained, a.reason
    assert a.top.entry.id == expected
    assert a.read_as and a.read_as.startswith("Read with your earlier question")
    assert read_as in a.read_as
    assert a.to_dict()["read_as"] == a.read_as
    assert a.top.disclaimer.startswith("The opinions referenced")


@pytest.mark.slow
def test_the_context_decides_what_an_elliptical_question_means(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    question = "can it be a checkbox?"
    after_report = seed_retriever.ask(question, context=["77370 report"])
    after_request = seed_retriever.ask(question, context=["physician request for 77370"])
    assert after_report.top.entry.id == E[3] and len(after_report.results) == 1
    assert after_request.top.entry.id == E[2] and len(after_request.results) == 1
    # alone it is ambiguous, or abstains: the answer above came from the context
    alone = seed_retriever.ask(question)
    assert alone.abstained or len(alone.results) > 1


TOPIC_SWITCHES = {
    "77370 after chart checks": (["who supervises weekly chart checks?"],
                                 "Can we bill 77370 when the physicist fuses old dose with a new "
                                 "scan after treatment ended?"),
    "sbrt after 77370 report": (["what does the 77370 report need?"],
                                "Does the physicist have to be present during SBRT treatment?"),
    "after an off-topic turn": (["what's the weather like today?"],
                                "Is a checkbox enough for the physician's special physics "
                                "consult order?"),
}


@pytest.mark.slow
@pytest.mark.parametrize("context,question", TOPIC_SWITCHES.values(), ids=list(TOPIC_SWITCHES))
def test_a_question_that_stands_alone_is_not_bent_by_the_history(seed_retriever, context,  # type: ignore[no-untyped-def]
                                                                 question) -> None:
    alone = seed_retriever.ask(question)
    a = seed_retriever.ask(question, context=context)
    assert not a.abstained
    assert a.read_as is None
    assert [(m.entry.id, m.score) for m in a.results] == [
        (m.entry.id, m.score) for m in alone.results]


OFF_TOPIC = {
    "weather": (["77370 report"], "ok thanks, what's the weather?"),
    "uncovered code": (["weekly chart checks remote?"], "what about 77300?"),
    "payment": (["What does the 77370 request need to include?"], "and how much does it pay?"),
    "physician at sbrt": (["sbrt physicist supervision"],
                          "does the physician have to be there too?"),
    "other modality": (["physicist supervision during sbrt"], "what about srs?"),
    "poem": (["is 77370 billable after treatment"], "write me a poem about it"),
}


@pytest.mark.slow
@pytest.mark.parametrize("context,question", OFF_TOPIC.values(), ids=list(OFF_TOPIC))
def test_an_off_topic_or_uncovered_follow_up_still_abstains(seed_retriever, context,  # type: ignore[no-untyped-def]
                                                           question) -> None:
    a = seed_retriever.ask(question, context=context)
    assert a.abstained
    assert a.results == ()
    assert a.to_dict()["results"] == []


@pytest.mark.slow
def test_without_its_context_the_physician_follow_up_is_answered_wrongly(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    # the reason the context matters for abstaining too: alone this reads as the 77370 request
    question = "does the physician have to be there too?"
    assert not seed_retriever.ask(question).abstained
    assert seed_retriever.ask(question, context=["sbrt physicist supervision"]).abstained


@pytest.mark.slow
def test_empty_context_behaves_exactly_as_a_single_question(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    index = seed_retriever.index()
    for row in read_jsonl(EVAL_SETS / "seed-tuning-dev.jsonl"):
        a = seed_retriever.ask(row.question, context=())
        b = seed_retriever.ask_alone(index, a.query)
        assert (a.abstained, a.reason, a.confidence, a.read_as) == (
            b.abstained, b.reason, b.confidence, None), row.id
        assert [(m.entry.id, m.score) for m in a.results] == [
            (m.entry.id, m.score) for m in b.results], row.id
        assert [m.entry.id for m in a.suggestions] == [m.entry.id for m in b.suggestions], row.id


@pytest.mark.slow
def test_unusable_earlier_turns_are_skipped(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    a = seed_retriever.ask("and the report?", context=["   ", "x" * 20_000, "77370 request"])
    assert a.top.entry.id == E[3]
    assert "77370" in (a.read_as or "")


@pytest.mark.slow
def test_a_bare_code_asks_which_entry_is_meant(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    a = seed_retriever.ask("77370")
    assert a.clarify
    assert {m.entry.id for m in a.results} == {E[1], E[2], E[3]}
    assert "77370" in a.clarify_prompt and "Which one" in a.clarify_prompt
    d = a.to_dict()
    assert d["clarify"] is True and d["clarify_prompt"] == a.clarify_prompt
    # the DESIGN contract keys stay
    assert {"query", "kb_version", "abstained", "results", "suggestions"} <= set(d)
    assert {"id", "question", "answer", "score", "codes", "document", "references",
            "disclaimer"} <= set(d["results"][0])


@pytest.mark.slow
def test_a_clear_question_or_an_abstention_does_not_ask(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    clear = seed_retriever.ask("physicist supervision during sbrt")
    assert not clear.clarify and clear.clarify_prompt == "" and len(clear.results) == 1
    nothing = seed_retriever.ask("whats the weather in boston")
    assert nothing.abstained and not nothing.clarify


# -- evals pass the context through --------------------------------------------------------------


@pytest.mark.slow
def test_the_eval_runner_asks_with_the_rows_context(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    q = "does the physician have to be there too?"
    rows = [EvalRow("with", q, (), ("sbrt physicist supervision",)), EvalRow("without", q, ())]
    with_ctx, without = run(seed_retriever, rows).rows
    assert with_ctx.abstained and not without.abstained
    assert with_ctx.to_dict()["context"] == ["sbrt physicist supervision"]


def _figures(seed_retriever, name: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    rows = read_jsonl(EVAL_SETS / f"{name}.jsonl")
    assert len(rows) >= 15 and all(r.context for r in rows)
    outs = [r.outcome for r in run(seed_retriever, rows).rows]
    return in_scope_accuracy(outs), out_of_scope_abstention(outs)


@pytest.mark.slow
def test_the_tuning_set_reaches_the_issue_numbers(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    answered, abstained = _figures(seed_retriever, "conversation-tuning-dev")
    assert answered >= 0.90 and abstained >= 0.90


@pytest.mark.slow
def test_the_held_out_set_does_not_regress(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    # a regression floor at the figures measured when it was last reported (never tuned on):
    # 16/16 answered right, 7/8 abstained ("what about for IMRT?" after an SBRT question is
    # answered with the 77370 entry that mentions IMRT in passing)
    answered, abstained = _figures(seed_retriever, "conversation-regression-dev")
    assert answered >= 0.90 and abstained >= 0.85


# -- the CLI -----------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "retrieval", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_reads_a_follow_up_with_repeated_context(seed_data_dir: Path) -> None:
    p = _cli("and the report?", "--context", "weekly chart checks remote?", "--context",
             "What does the physician's order for a 77370 need to say?",
             "--data", str(seed_data_dir), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["results"][0]["id"] == E[3]
    assert out["read_as"] == "Read with your earlier question about 77370"
    assert out["clarify"] is False and out["lookup"] is None
    assert out["results"][0]["disclaimer"].startswith("The opinions referenced")


def _in_process(seed_data_dir: Path, *args: str) -> str:
    """The same CLI in this process (the model is already loaded): its human output."""
    r = CliRunner().invoke(retrieval_cli, [*args, "--data", str(seed_data_dir)])
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.slow
def test_cli_follow_up_topic_switch_and_off_topic_follow_up(seed_data_dir: Path) -> None:
    out = _in_process(seed_data_dir, "can it be done remotely?",
                      "--context", "weekly chart check supervision")
    assert out.startswith("(Read with your earlier question “weekly chart check supervision”)")
    assert "Weekly physics chart checks can be performed remotely." in out
    assert "Disclaimer: The opinions referenced" in out

    switch = "Does the physicist have to be present during SBRT treatment?"
    out = _in_process(seed_data_dir, switch, "--context", "what does the 77370 report need?")
    assert "Read with" not in out
    assert out == _in_process(seed_data_dir, switch)

    out = _in_process(seed_data_dir, "ok thanks, what's the weather?", "--context", "77370 report")
    assert "No matching guidance in the knowledge base." in out


@pytest.mark.slow
def test_cli_asks_which_entry_a_bare_code_means(seed_data_dir: Path) -> None:
    out = _in_process(seed_data_dir, "77370")
    assert "3 entries are about 77370. Which one do you mean?" in out
    for n in (1, 2, 3):
        assert f"] [{E[n]}]" in out
