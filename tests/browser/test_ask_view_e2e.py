"""How the Ask page reads in a real browser: where new content lands, legibility, what it loads.

Issue 14's P1/P2 items for the chat: each new turn starts at the top of the view (also after the
coder scrolled up), an opened closest entry is brought into view and its button marked, look-up
replies carry their documents' disclaimer and notice, the disclaimer passes WCAG AA contrast, and
nothing the page loads (favicon, fonts, icons) comes from outside the machine.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser.harness import DESKTOP, PHONE, screenshot, send, wait_for_app

pytestmark = pytest.mark.browser

VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
QUESTIONS = (
    "Can weekly physics chart checks be done remotely?",
    "what is 77336?",
    "Does a physicist have to be onsite during SBRT?",
)
OFF_TOPIC = "how do I reset my Epic password?"

# top of the last element matching a selector, relative to the visible top of the chat (below
# Streamlit's header), and the viewport height
TOP = """(sel) => {
  const els = document.querySelectorAll(sel);
  const el = els[els.length - 1];
  const header = document.querySelector('[data-testid="stHeader"]');
  const top = header ? header.getBoundingClientRect().bottom : 0;
  return {top: el.getBoundingClientRect().top - top, height: window.innerHeight};
}"""
SCROLL_UP = """() => {
  const box = document.querySelector('[data-testid="stAppScrollToBottomContainer"]');
  box.scrollTop = 0;
  return box.scrollHeight > box.clientHeight;
}"""


def scrolls(page: Any) -> int:
    return int(page.evaluate("window.__radoncScrolls || 0"))


def settled(page: Any, before: int) -> None:
    """Wait until the page's scroll-into-view for this run has finished."""
    page.wait_for_function(f"(window.__radoncScrolls || 0) > {before}")


def name_of(viewport: dict[str, int]) -> str:
    return "desktop" if viewport == DESKTOP else "phone"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_each_new_turn_starts_at_the_top_of_the_view(open_app, viewport) -> None:
    page = open_app(viewport)
    for i, q in enumerate(QUESTIONS):
        if i:  # the coder scrolled up to read an earlier answer before asking again
            assert page.evaluate(SCROLL_UP), "the conversation is taller than the view"
        before = scrolls(page)
        send(page, q)
        settled(page, before)
        turn = page.evaluate(TOP, '[class*="st-key-turn-"]')
        # the question sits just under the header, its answer right below, not off-screen
        assert 0 <= turn["top"] <= 24, (q, turn)
        reply = page.evaluate(TOP, '[data-testid="stChatMessage"]')
        assert reply["top"] < turn["height"] / 2, (q, reply)
        screenshot(page, f"ask-view-{name_of(viewport)}-{i + 1}", full_page=False)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_opening_a_closest_entry_brings_its_card_into_view(open_app, viewport) -> None:
    page = open_app(viewport)
    send(page, OFF_TOPIC)
    reply = page.locator('[data-testid="stChatMessage"]').last
    assert "No matching guidance in the knowledge base" in reply.inner_text()
    assert "The knowledge base covers" in reply.inner_text()  # says what it does cover
    button = reply.locator('[class*="st-key-open-"] button').first
    label = button.inner_text()
    before = scrolls(page)
    button.click()
    wait_for_app(page)
    settled(page, before)
    card = page.evaluate(TOP, '[class*="st-key-card-"]')
    assert 0 <= card["top"] <= 24, card
    button = page.locator('[class*="st-key-open-"] button').first
    assert "shown below" in button.inner_text() and button.inner_text() != label
    assert button.get_attribute("data-testid") == "stBaseButton-primary"  # marked as opened
    screenshot(page, f"ask-view-{name_of(viewport)}-opened-closest", full_page=False)


def test_a_code_look_up_carries_the_disclaimer_and_notice(open_app, app_server) -> None:
    from tests.browser.test_ask_e2e import seed_entry

    doc = seed_entry(app_server.data_dir, "astro-daily-practice-physics:4").document
    page = open_app(DESKTOP)
    for q in ("list all codes", "what is 77336?"):
        send(page, q)
        reply = page.locator('[data-testid="stChatMessage"]').last
        assert reply.locator('[class*="st-key-lookup-"]').count() == 1, q
        text = reply.inner_text()
        assert doc.disclaimer in text, q
        assert doc.notice.splitlines()[0] in text, q
    screenshot(page, "ask-view-desktop-lookup")


def _contrast(page: Any, selector: str) -> float:
    """WCAG contrast of the first element's text against the white card (alpha included)."""
    return float(
        page.evaluate(
            """(sel) => {
  const el = document.querySelector(sel);
  let [r, g, b, a] = getComputedStyle(el).color.match(/[\\d.]+/g).map(Number);
  if (a === undefined) a = 1;
  for (let n = el; n; n = n.parentElement) a *= Number(getComputedStyle(n).opacity);
  const mix = (c) => c * a + 255 * (1 - a);
  const lum = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const L = 0.2126 * lum(mix(r)) + 0.7152 * lum(mix(g)) + 0.0722 * lum(mix(b));
  return (1.05) / (L + 0.05);
}""",
            selector,
        )
    )


def test_the_disclaimer_passes_wcag_aa_contrast(open_app) -> None:
    page = open_app(DESKTOP)
    send(page, QUESTIONS[0])
    ratio = _contrast(page, '[class*="st-key-notes-"] p')
    assert ratio >= 4.5, f"disclaimer contrast {ratio:.2f}:1 is below WCAG AA 4.5:1"
    bg = page.evaluate(
        """() => getComputedStyle(document.querySelector('[class*="st-key-card-"]'))
                 .backgroundColor"""
    )
    assert bg in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")  # the card is white


def host(url: str) -> str:
    """The host a request goes to; a `blob:` URL (in-memory data the page made, such as an
    inline component's script) names its page's origin."""
    inner = url[len("blob:"):] if url.startswith("blob:") else url
    return urlparse(inner).hostname or url


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_nothing_is_fetched_from_outside_the_machine(app_server, chromium, viewport) -> None:
    context = chromium.new_context(viewport=viewport)
    hosts: list[str] = []
    context.on("request", lambda r: hosts.append(host(r.url)))
    try:
        page = context.new_page()
        for path in ("", "evaluate", "admin"):
            page.goto(f"{app_server.url}/{path}")
            wait_for_app(page)
        page.goto(app_server.url)
        wait_for_app(page)
        send(page, QUESTIONS[0])
        icon = page.evaluate("() => document.querySelector('link[rel~=\"icon\"]')?.href")
    finally:
        context.close()
    assert icon and urlparse(icon).hostname == "127.0.0.1", icon  # a local favicon
    outside = sorted({h for h in hosts if h not in ("127.0.0.1", "localhost")})
    assert not outside, f"requests left the machine: {outside}"
    assert len(hosts) > 10  # the recording saw the page's own traffic


# every label the sidebar navigation shows, recorded from the very first paint
RECORD_NAV = """
window.__navSeen = new Set();
new MutationObserver(() => {
  document.querySelectorAll('[data-testid="stSidebarNav"] a, [data-testid="stTopNav"] a')
    .forEach((a) => {
      const icon = a.querySelector('[data-testid="stIconMaterial"]');  // a ligature's name
      window.__navSeen.add(a.textContent.replace(icon ? icon.textContent : '', '').trim());
    });
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_cold_start_loads_at_server_start_and_shows_only_the_apps_pages(
    browser_data_dir, tmp_path, chromium
) -> None:
    import shutil
    import time

    from pages._shared import PRELOADED
    from tests.browser.harness import start_app_server

    data = tmp_path / "data"
    shutil.copytree(browser_data_dir / "kb", data / "kb")
    with start_app_server(data) as server:
        context = chromium.new_context(viewport=DESKTOP)
        try:
            context.add_init_script(RECORD_NAV)
            page = context.new_page()
            page.goto(f"{server.url}/evaluate")  # the first visitor lands on a page, not /
            page.wait_for_selector('[data-testid="stSidebarNav"]')
            wait_for_app(page, timeout_ms=180_000)
            assert page.get_by_role("heading", name="Evaluate").is_visible()
            page.get_by_role("link", name="Ask").click()
            wait_for_app(page)
            send(page, QUESTIONS[0])
            first_answer_s = time.perf_counter() - server.started_at
            reply = page.locator('[data-testid="stChatMessage"]').last
            assert reply.locator("blockquote").count() == 1
            seen = set(page.evaluate("Array.from(window.__navSeen)"))
        finally:
            context.close()
        log = server.log_text()
    assert seen == {"Ask", "Evaluate", "Admin"}, seen  # never app, shared, ui, conversation…
    assert PRELOADED in log  # loaded in the server process, not by the page view
    print(f"server start -> first answer in the browser: {first_answer_s:.1f} s")
