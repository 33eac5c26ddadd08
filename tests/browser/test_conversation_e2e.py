"""Clarifying choices and a follow-up in real Chromium against the real server.

Screenshots: artifacts/screenshots/conversation-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from retrieval.store import LocalStore
from tests.browser.harness import DESKTOP, screenshot, send, wait_for_app

pytestmark = pytest.mark.browser

E = {n: f"astro-daily-practice-physics:{n}" for n in range(1, 6)}


def seed_entry(data: Path, entry_id: str) -> Any:
    store = LocalStore(data / "kb")
    manifest = store.read_manifest(store.active_version() or "")
    return next(e for e in manifest.entries if e.id == entry_id)


def test_choice_shows_the_chosen_card_then_a_follow_up_and_a_look_up(open_app, app_server) -> None:  # type: ignore[no-untyped-def]
    page = open_app(DESKTOP)
    send(page, "77370")
    reply = page.locator('[data-testid="stChatMessage"]').last
    assert "3 entries are about 77370. Which one do you mean?" in reply.inner_text()
    assert reply.locator("blockquote").count() == 0  # no answer before a choice
    screenshot(page, "conversation-1-choices")

    report = seed_entry(app_server.data_dir, E[3])
    reply.get_by_role("button", name="What does the physicist’s report").click()
    wait_for_app(page)
    reply = page.locator('[data-testid="stChatMessage"]').last
    quote = reply.locator("blockquote")
    assert quote.count() == 1
    assert quote.inner_text().strip() == report.answer.strip()
    text = reply.inner_text()
    assert report.document.disclaimer in text
    assert "Your choice" in text
    screenshot(page, "conversation-2-chosen")

    send(page, "does the physician have to approve it?")
    reply = page.locator('[data-testid="stChatMessage"]').last
    # the chosen entry (the report) answers the follow-up, read with the thread or alone
    assert reply.locator("blockquote").first.inner_text().strip() == report.answer.strip()
    screenshot(page, "conversation-3-follow-up")

    send(page, "codes for physics consults")
    reply = page.locator('[data-testid="stChatMessage"]').last
    text = reply.inner_text()
    assert "The knowledge base mentions 2 codes" in text
    assert "“Continuing Physics Consultation”" in text and "not a definition" in text
    screenshot(page, "conversation-4-look-up")
    assert page.dialogs == []
