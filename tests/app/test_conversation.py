"""The Ask page's conversation features through AppTest: a follow-up read with the earlier
question, a topic switch, an off-topic follow-up, clarifying choices and the code look-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from pages._ui import md
from retrieval.clarify import NONE_OF_THESE, REPHRASE
from retrieval.store import LocalStore

pytestmark = pytest.mark.slow

E = {n: f"astro-daily-practice-physics:{n}" for n in range(1, 6)}


def entry(data: Path, n: int):  # type: ignore[no-untyped-def]
    store = LocalStore(data / "kb")
    manifest = store.read_manifest(store.active_version() or "")
    return next(e for e in manifest.entries if e.id == E[n])


def markdown_text(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(m.value) for m in at.markdown)


def captions(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(c.value) for c in at.caption)


def quoted(answer: str) -> str:
    return "\n".join(f"> {line}" for line in md(answer).split("\n"))


def ask(at, question: str):  # type: ignore[no-untyped-def]
    at.chat_input[0].set_value(question)
    return at.run()


def test_follow_up_topic_switch_and_off_topic_follow_up(run_app, app_data) -> None:  # type: ignore[no-untyped-def]
    at = ask(run_app(), "What does the physician's order for a 77370 need to say?")
    at = ask(at, "and the report?")
    assert not at.exception
    report = entry(app_data, 3)
    assert quoted(report.answer) in markdown_text(at)
    assert md("Read with your earlier question about 77370") in captions(at)

    at = ask(at, "Does the physicist have to be present during SBRT treatment?")
    assert quoted(entry(app_data, 5).answer) in markdown_text(at)
    assert captions(at).count("Read with your earlier question") == 1  # not this one

    at = ask(at, "and how much does it pay?")
    assert not at.exception
    assert markdown_text(at).count("No matching guidance in the knowledge base") == 1

    # small talk: a short reply, no answer card, no abstention notice
    at = ask(at, "thanks, that helps")
    assert not at.exception
    assert md("You're welcome. Ask another coding question any time.") in markdown_text(at)
    assert markdown_text(at).count("No matching guidance in the knowledge base") == 1
    assert markdown_text(at).count(quoted(entry(app_data, 5).answer)) == 1


def test_bare_code_offers_choices_and_choosing_one_shows_its_card(run_app, app_data) -> None:  # type: ignore[no-untyped-def]
    at = ask(run_app(), "77370")
    assert not at.exception
    body = markdown_text(at)
    assert "3 entries are about 77370" in body and "Which one do you mean?" in body
    choices = [b for b in at.button if str(b.key).startswith("choose-")]
    for wanted in (E[1], E[2], E[3], "none"):
        assert any(str(b.key).endswith(f"-{wanted}") for b in choices), wanted
    assert not at.code, "no answer card before a choice is made"

    report = entry(app_data, 3)
    at = next(b for b in choices if str(b.key).endswith(E[3])).click().run()
    assert not at.exception
    assert quoted(report.answer) in markdown_text(at)
    assert md(report.document.disclaimer) in markdown_text(at)
    assert quoted(entry(app_data, 2).answer) not in markdown_text(at)

    none = next(b for b in at.button if str(b.key).endswith("-none"))
    assert str(none.label) == NONE_OF_THESE
    at = none.click().run()
    assert md(REPHRASE) in "\n".join(str(i.value) for i in at.info)


def test_code_look_up_lists_the_knowledge_bases_codes(run_app) -> None:  # type: ignore[no-untyped-def]
    at = ask(run_app(), "codes for physics consults")
    assert not at.exception
    body = markdown_text(at)
    assert "The knowledge base mentions 2 codes" in body
    assert f"**77336** — “{md('Continuing Physics Consultation')}”" in body
    assert "not a definition of the code" in captions(at)

    at = ask(at, "what is 77301?")
    assert "**77301** — not covered by the knowledge base" in markdown_text(at)
    assert "No matching guidance in the knowledge base" in markdown_text(at)
