"""The Ask page driven through AppTest: real app script, real model, real Chroma, real SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from appdb import Feedback, QuestionLog
from pages._ui import LOGGED, WHERE_NEXT, md
from retrieval.store import LocalStore
from tests.conftest import CORPUS, digest

pytestmark = pytest.mark.slow

ON_TOPIC = "can we bill 77370 after radiation ended?"
OFF_TOPIC = "what is the weather in Paris today?"


def entry(data: Path, n: int):  # type: ignore[no-untyped-def]
    store = LocalStore(data / "kb")
    manifest = store.read_manifest(store.active_version() or "")
    return next(e for e in manifest.entries if e.id == f"astro-daily-practice-physics:{n}")


def markdown_text(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(m.value) for m in at.markdown)


def captions(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(c.value) for c in at.caption)


def rows(data: Path, model):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{data / 'app.db'}")
    with Session(engine) as s:
        out = list(s.scalars(select(model).order_by(model.id)))
    engine.dispose()
    return out


def ask(at, question: str):  # type: ignore[no-untyped-def]
    at.chat_input[0].set_value(question)
    return at.run()


def test_empty_state_shows_kb_facts_and_example_questions(run_app, app_data) -> None:
    at = run_app()
    assert not at.exception
    assert "Radiation Oncology Coding Q&A" in at.title[0].value
    sidebar = "\n".join(str(c.value) for c in at.sidebar.caption)
    assert "5 entries · 1 document" in sidebar
    version = LocalStore(app_data / "kb").active_version()
    assert md(version or "?") in sidebar
    examples = [b for b in at.button if str(b.key).startswith("example-")]
    assert len(examples) >= 3


def test_answer_card_has_verbatim_answer_codes_source_disclaimer_and_notice(run_app, app_data):
    at = ask(run_app(), ON_TOPIC)
    assert not at.exception
    e = entry(app_data, 1)
    body = markdown_text(at)
    # the answer, quoted verbatim (escaped only so Markdown shows it as written)
    assert "\n".join(f"> {line}" for line in md(e.answer).split("\n")) in body
    assert md(e.question) in body
    assert "**77370** — Special medical radiation physics consultation" in body
    for ref in e.document.references:
        assert md(ref) in body
    disclaimer = f"**Disclaimer ({md(e.document.title)}).** {md(e.document.disclaimer)}"
    assert disclaimer in body
    assert md(e.document.notice.splitlines()[0]) in body
    assert md(e.id) not in body + captions(at)  # coders see titles, not internal ids
    # the citable text (download + copy box) carries the raw verbatim answer and disclaimer
    citable = at.code[0].value
    assert e.answer in citable and e.document.disclaimer in citable
    assert f"Question asked: {ON_TOPIC}" in citable


def test_clicking_an_example_asks_it(run_app) -> None:
    at = run_app()
    example = next(b for b in at.button if str(b.key) == "example-0")
    at = example.click().run()
    assert not at.exception
    assert len(at.chat_message) == 2
    assert md(str(example.label)) in markdown_text(at)


def test_abstention_offers_closest_entries_and_opening_one_shows_its_card(run_app, app_data):
    at = ask(run_app(), OFF_TOPIC)
    assert not at.exception
    body = markdown_text(at)
    assert "No matching guidance in the knowledge base" in body
    assert f"{WHERE_NEXT} {LOGGED}" in body
    suggestions = [b for b in at.button if str(b.key).startswith("open-")]
    assert suggestions, "the closest entries are offered as buttons"
    assert not at.code, "no answer card (and no citable text) before a suggestion is opened"
    entry_id = str(suggestions[0].key).split("-", 2)[2]
    at = suggestions[0].click().run()
    e = entry(app_data, int(entry_id.rsplit(":", 1)[1]))
    assert "\n".join(f"> {line}" for line in md(e.answer).split("\n")) in markdown_text(at)
    assert f"{md(e.document.disclaimer)}" in markdown_text(at)


def test_every_question_is_logged_and_feedback_is_recorded(run_app, app_data) -> None:
    at = ask(run_app(), ON_TOPIC)
    at = ask(at, OFF_TOPIC)
    log = rows(app_data, QuestionLog)
    assert [r.question for r in log] == [ON_TOPIC, OFF_TOPIC]
    answered, abstained = log
    assert answered.top_entry == "astro-daily-practice-physics:1" and not answered.abstained
    assert answered.top_score and answered.top_score > 0
    assert abstained.abstained and abstained.top_entry is None
    assert answered.session_id == abstained.session_id == at.session_state["session_id"]
    assert answered.kb_version == LocalStore(app_data / "kb").active_version()
    assert answered.latency_ms is not None and answered.latency_ms > 0

    at.feedback[0].set_value(0).run()  # thumbs down on the answer
    fb = rows(app_data, Feedback)
    assert [(f.question_id, f.rating, f.entry_id, f.comment) for f in fb] == [
        (answered.id, 0, "astro-daily-practice-physics:1", None)
    ]
    at.text_input[0].input("Wrong code for our payer")
    form_submit = next(b for b in at.button if "Send comment" in str(b.label))
    at = form_submit.click().run()
    assert not at.exception
    fb = rows(app_data, Feedback)
    assert fb[-1].comment == "Wrong code for our payer" and fb[-1].rating == 0
    assert "Thanks — your comment was sent." in captions(at)


@pytest.mark.parametrize("bad", ["   \n\t ", "x" * 2001], ids=["blank", "over-2000-chars"])
def test_unusable_question_gets_a_warning_and_the_conversation_is_kept(run_app, bad) -> None:
    at = ask(run_app(), ON_TOPIC)
    at = ask(at, bad)
    assert not at.exception
    assert len(at.warning) == 1
    assert len(at.chat_message) == 4  # the first question and its answer are still there
    assert at.code, "the first answer card is still drawn"


def test_user_text_cannot_inject_html_or_links(run_app) -> None:
    nasty = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    at = ask(run_app(), nasty)
    assert not at.exception
    shown = at.chat_message[0].markdown[0].value
    assert shown == md(nasty)
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in shown and "\\<img" in shown


def test_new_conversation_clears_the_chat(run_app) -> None:
    at = ask(run_app(), ON_TOPIC)
    assert len(at.chat_message) == 2
    at = at.sidebar.button[0].click().run()
    assert len(at.chat_message) == 0
    assert any(str(b.key).startswith("example-") for b in at.button)


def test_empty_knowledge_base_is_ingested_from_corpus_on_first_run(run_app, tmp_path) -> None:
    data = tmp_path / "fresh"
    shipped = digest(CORPUS)
    at = run_app(data_dir=data)
    assert not at.exception and not at.error
    # built from DATA/corpus, seeded from the shipped corpus/, which is left as it was
    assert digest(data / "corpus") == digest(CORPUS) == shipped
    kb = LocalStore(data / "kb")
    assert set(kb.read_manifest(kb.active_version() or "").info["sources"]) == set(shipped)
    active = json.loads((data / "kb" / "active.json").read_text())["version"]
    assert md(active) in "\n".join(str(c.value) for c in at.sidebar.caption)
    at = ask(at, ON_TOPIC)
    e = entry(data, 1)
    assert "\n".join(f"> {line}" for line in md(e.answer).split("\n")) in markdown_text(at)


def test_missing_knowledge_base_is_an_error_message_not_a_traceback(run_app, tmp_path) -> None:
    at = run_app(data_dir=tmp_path / "none", corpus_dir=tmp_path / "no-corpus-here")
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert md(str(tmp_path / "no-corpus-here")) in message  # names the folder
    assert "RADONC\\_QA\\_CORPUS" in message and "ingest" in message  # and what to do
    assert not at.chat_input


def test_chat_works_when_the_app_database_is_unavailable(run_app, tmp_path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the database directory should be")
    at = run_app(DATABASE_URL=f"sqlite:///{blocked}/app.db")
    at = ask(at, ON_TOPIC)
    assert not at.exception
    assert at.code, "the answer card is drawn"
    assert "app database is unavailable" in "\n".join(str(w.value) for w in at.sidebar.warning)
    assert "Feedback is unavailable" in captions(at)
    at = ask(at, OFF_TOPIC)
    body = markdown_text(at)
    assert WHERE_NEXT in body and LOGGED not in body, "no claim that the question was logged"


@pytest.mark.parametrize("damage", ["removed", "corrupt"])
def test_kb_gone_after_start_is_an_error_message_not_a_traceback(run_app, app_data, damage):
    at = ask(run_app(), ON_TOPIC)
    active = app_data / "kb" / "active.json"
    if damage == "removed":
        active.unlink()
    else:
        active.write_text("{not json")
    at = at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "The knowledge base is not available" in message
    assert "ingest" in message  # says what to do


def _one_entry_document(topic: str, code: str) -> str:
    return (f"{topic.title()} coding notes\n\n"
            f"Coding Question: When may {code} be reported for {topic}?\n\n"
            f"Coding Answer: Report {code} once the {topic} work described in the record is "
            "complete and signed.\n\n"
            "Disclaimer: These notes are educational and do not guarantee payment.\n")


def test_a_no_match_reply_counts_many_documents_instead_of_listing_every_title(
        run_app, tmp_path, real_embedder) -> None:
    from tests.kb import retriever_over

    topics = {"simulation": "77280", "dosimetry": "77300", "devices": "77332", "physics": "77336"}
    retriever_over(tmp_path, real_embedder, {
        f"{t}-notes.txt": _one_entry_document(t, c) for t, c in topics.items()})
    at = ask(run_app(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus"), OFF_TOPIC)
    assert not at.exception
    body = markdown_text(at)
    assert "covers 4 questions from 4 documents, listed under Knowledge base" in body
    reply = body[body.index("covers 4 questions"):].split("\n")[0]
    assert not any(f"{t.title()} coding notes" in reply for t in topics)


def test_a_no_match_reply_names_the_documents_of_a_small_knowledge_base(run_app) -> None:
    at = ask(run_app(), OFF_TOPIC)
    assert "The knowledge base covers 5 questions from Daily Practice." in markdown_text(at)
