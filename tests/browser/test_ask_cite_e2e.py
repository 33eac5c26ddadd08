"""Issue 14 leftovers on the Ask page, in real Chromium: a visible "Copy citation" button that puts
the citable text (disclaimer included) on the clipboard, also without the Clipboard API (plain
HTTP on an intranet address); code look-ups that name entries by question and document title,
never by internal id, each opening its card; "New conversation" undone from the page itself.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.harness import DESKTOP, PHONE, screenshot, send, wait_for_app
from tests.browser.test_ask_e2e import ON_TOPIC, seed_entry

pytestmark = pytest.mark.browser

VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
ENTRY_ID = re.compile(r"astro-daily-practice-physics:\d")
COPY = '[class*="st-key-copy-"] button'


def name_of(viewport: dict[str, int]) -> str:
    return "desktop" if viewport == DESKTOP else "phone"


def scrolls(page: Any) -> int:
    return int(page.evaluate("window.__radoncScrolls || 0"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_copy_citation_is_a_visible_button_that_copies(open_app, app_server, viewport) -> None:
    page = open_app(viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)
    send(page, ON_TOPIC)
    doc = seed_entry(app_server.data_dir, "astro-daily-practice-physics:4").document
    button = page.locator(COPY).first
    button.scroll_into_view_if_needed()
    assert button.is_visible() and button.inner_text().strip() == "Copy citation"
    box = button.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 36  # a real tap target on a phone

    button.click()
    expect(button).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Question asked: " + ON_TOPIC in copied
    assert doc.disclaimer in " ".join(copied.split())  # the disclaimer travels with the answer
    screenshot(page, f"ask-cite-{name_of(viewport)}-copied", full_page=False)


def test_copy_citation_works_without_the_clipboard_api(open_app, app_server) -> None:
    page = open_app(DESKTOP)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)
    send(page, ON_TOPIC)
    page.evaluate("navigator.clipboard.writeText('nothing yet')")
    # as on plain HTTP at an intranet address: no navigator.clipboard (kept aside to read back)
    page.evaluate("""() => { window.__clip = navigator.clipboard;
        Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true}); }""")
    button = page.locator(COPY).first
    button.click()
    expect(button).to_contain_text("Copied")
    assert "Question asked: " + ON_TOPIC in page.evaluate("window.__clip.readText()")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_look_up_lists_titles_not_ids_and_opens_each_entry(open_app, app_server,
                                                            viewport) -> None:
    page = open_app(viewport)
    entry = seed_entry(app_server.data_dir, "astro-daily-practice-physics:4")
    send(page, "what is 77336?")
    listing = page.locator('[class*="st-key-lookup-"]').last
    text = listing.inner_text()
    assert not ENTRY_ID.search(text), text  # coders never see internal ids
    buttons = listing.locator('[class*="st-key-lkentry-"] button')
    assert buttons.count() == 1
    label = buttons.first.inner_text()
    assert "weekly chart checks?" in label and entry.document.title in label

    before = scrolls(page)
    buttons.first.click()
    wait_for_app(page)
    page.wait_for_function(f"(window.__radoncScrolls || 0) > {before}")
    card = page.locator('[class*="st-key-card-"][class*="-lk-"]')
    assert card.count() == 1
    body = card.inner_text()
    assert " ".join(entry.answer.split()) in " ".join(body.split())  # verbatim
    assert entry.document.disclaimer.split(".")[0] in body
    assert not ENTRY_ID.search(body)
    top = page.evaluate("""() => {
      const el = document.querySelector('[class*="st-key-card-"][class*="-lk-"]');
      const header = document.querySelector('[data-testid="stHeader"]');
      return el.getBoundingClientRect().top - (header ? header.getBoundingClientRect().bottom : 0);
    }""")
    assert 0 <= top <= 24, top  # brought to the top of the view
    marked = page.locator('[class*="st-key-lkentry-"] button').first
    assert "shown below" in marked.inner_text()
    assert marked.get_attribute("data-testid") == "stBaseButton-primary"
    screenshot(page, f"ask-lookup-{name_of(viewport)}-opened", full_page=False)

    send(page, "list all codes")  # every listed entry by title, none by id
    listing = page.locator('[class*="st-key-lookup-"]').last
    assert not ENTRY_ID.search(listing.inner_text())
    assert listing.locator('[class*="st-key-lkentry-"] button').count() >= 4


def test_new_conversation_is_undone_from_the_page_on_a_phone(open_app) -> None:
    page = open_app(PHONE)
    send(page, ON_TOPIC)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("button", name="New conversation").click()
    wait_for_app(page)
    page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    undo = page.locator(".st-key-undo-new-conversation-main button")
    assert undo.is_visible()
    undo.click()
    wait_for_app(page)
    assert page.locator('[data-testid="stChatMessage"]').count() == 2  # question and answer back
    assert page.locator(".st-key-undo-new-conversation-main").count() == 0
