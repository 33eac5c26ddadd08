"""The Ask page end to end in real Chromium against the real server (real model, Chroma, SQLite).

Each step is saved as a screenshot at desktop and phone width under artifacts/screenshots/.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from appdb import Feedback, QuestionLog
from retrieval.store import LocalStore
from tests.browser.harness import DESKTOP, PHONE, screenshot, send, wait_for_app

pytestmark = pytest.mark.browser

ON_TOPIC = "Can weekly physics chart checks be done remotely?"
OFF_TOPIC = "how do I renew my driver's license?"
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


def seed_entry(data: Path, entry_id: str) -> Any:
    store = LocalStore(data / "kb")
    manifest = store.read_manifest(store.active_version() or "")
    return next(e for e in manifest.entries if e.id == entry_id)


def db_rows(data: Path, model: Any) -> list[Any]:
    engine = create_engine(f"sqlite:///{data / 'app.db'}")
    try:
        with Session(engine) as s:
            return list(s.scalars(select(model).order_by(model.id)))
    finally:
        engine.dispose()


def last_reply(page: Any) -> Any:
    return page.locator('[data-testid="stChatMessage"]').last


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_ask_answer_abstain_and_thumbs_down(open_app, app_server, viewport) -> None:
    name = "desktop" if viewport == DESKTOP else "phone"
    page = open_app(viewport)
    screenshot(page, f"ask-{name}-1-empty")
    assert page.get_by_text("Try one of these").is_visible()

    # an on-topic question: the verbatim answer and the disclaimer are in the card
    send(page, ON_TOPIC)
    e = seed_entry(app_server.data_dir, "astro-daily-practice-physics:4")
    card = last_reply(page)
    assert card.locator("blockquote").inner_text().strip() == e.answer.strip()
    card_text = card.inner_text()
    assert e.document.disclaimer in card_text
    assert e.document.notice.splitlines()[0] in card_text
    assert "Strong match" in card_text or "Likely match" in card_text
    screenshot(page, f"ask-{name}-2-answer")

    # the citation download is the citable text: verbatim answer, source, disclaimer, notice
    with page.expect_download() as dl:
        card.get_by_role("button", name="Download citation").click()
    citation = Path(dl.value.path()).read_text(encoding="utf-8")
    assert f"Question asked: {ON_TOPIC}" in citation
    for part in (e.answer, e.document.disclaimer, e.document.notice, e.id):
        assert part in citation
    if viewport == DESKTOP:  # the citable text folds out in a short box (to read or select)
        card.get_by_text("Citation text").first.click()
        code = card.locator('[data-testid="stExpander"] [data-testid="stCode"]')
        code.wait_for()
        assert e.answer in code.inner_text()
        screenshot(page, "ask-desktop-2b-copy-citation")
        card.get_by_text("Citation text").first.click()
        wait_for_app(page)

    # an off-topic question: a plain abstention with the closest entries
    send(page, OFF_TOPIC)
    reply = last_reply(page)
    assert "No matching guidance in the knowledge base" in reply.inner_text()
    assert reply.locator('div[class*="st-key-open-"] button').count() >= 1
    screenshot(page, f"ask-{name}-3-abstain")

    # thumbs down on the answer card: a feedback row lands in the database
    logged = [r for r in db_rows(app_server.data_dir, QuestionLog) if r.question == ON_TOPIC]
    assert logged, "the question was logged"
    before = len(db_rows(app_server.data_dir, Feedback))
    first_answer = page.locator('[data-testid="stChatMessage"]').nth(1)
    first_answer.get_by_role("radio", name="Thumbs down").click()
    wait_for_app(page)
    deadline = time.monotonic() + 15
    while len(rows := db_rows(app_server.data_dir, Feedback)) == before:
        assert time.monotonic() < deadline, "no feedback row was written"
        time.sleep(0.2)
    assert rows[-1].rating == 0
    assert rows[-1].entry_id == e.id
    assert rows[-1].question_id in {r.id for r in logged}
    screenshot(page, f"ask-{name}-4-thumbs-down")
    assert page.dialogs == []


def test_hostile_input_is_shown_as_plain_text(open_app) -> None:
    page = open_app(DESKTOP)
    nasty = (
        '<script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> '
        "[click me](javascript:window.__xss=3) **bold** $x^2$ :smile:"
    )
    send(page, nasty)
    shown = page.locator('[data-testid="stChatMessage"]').first.inner_text().strip()
    assert nasty in shown, shown
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator('[data-testid="stChatMessage"] strong', has_text="bold").count() == 0
    assert page.evaluate("() => window.__xss === undefined")
    assert page.dialogs == []
    screenshot(page, "ask-desktop-5-hostile-input")
