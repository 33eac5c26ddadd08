"""Admin as an admin lives in it (issue 14): a refresh keeps the sign-in, sign-out revokes it;
gaps are real gaps; closing the loop asks before attaching; nothing lands in the code checkout."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest

from admin.signin import COOKIE
from tests.admin.test_admin_browser import PASSWORD, app, browser, sign_in  # noqa: F401
from tests.browser.harness import REPO, screenshot, send, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOOKUP = "list all codes"
GAP = "how do I reset my Epic password?"
ANSWERED = "Can weekly physics chart checks be done remotely?"


def go_admin(page: Any, url: str) -> None:
    page.goto(f"{url}/admin")
    wait_for_app(page)
    page.get_by_role("heading", name="Admin").wait_for()


def signed_in(page: Any) -> bool:
    wait_for_app(page)
    return page.get_by_label("Admin password").count() == 0 and page.get_by_text(
        "Upload a guidance document").count() == 1


def csv_download(page: Any, button: str) -> list[dict[str, str]]:
    with page.expect_download() as dl:
        page.get_by_role("button", name=button).click()
    return list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))


def choose(page: Any, box: str, option: str) -> None:
    combo = page.get_by_role("combobox", name=box)
    combo.click()
    combo.press_sequentially(option[:30])  # the list is long: narrow it first
    page.get_by_role("option", name=option).first.click()
    wait_for_app(page)


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                          capture_output=True, text=True, check=True).stdout


def test_a_refresh_keeps_the_sign_in_and_sign_out_revokes_it(app, browser) -> None:  # noqa: F811
    server, _, _ = app
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        go_admin(page, server.url)
        assert not signed_in(page)
        sign_in(page, PASSWORD)
        assert signed_in(page)
        token = next(c for c in context.cookies() if c["name"] == COOKIE)
        page.reload()
        assert signed_in(page), "a refresh must not sign the admin out"
        screenshot(page, "admin-after-refresh")
        page.get_by_role("button", name="Sign out of Admin").click()
        wait_for_app(page)
        assert page.get_by_label("Admin password").count() == 1
        page.reload()
        assert not signed_in(page)
        context.add_cookies([token])  # a copy of the token kept from before signing out
        page.reload()
        assert not signed_in(page), "sign-out revokes the token, copies included"
    finally:
        context.close()


def test_gaps_close_the_loop_and_nothing_lands_in_the_code(app, browser) -> None:  # noqa: F811
    server, data, corpus = app
    code_before = git_status()
    corpus_before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(server.url)
        wait_for_app(page)
        for q in (LOOKUP, GAP, ANSWERED):
            send(page, q)
        reply = page.locator('[data-testid="stChatMessage"]').last
        reply.get_by_test_id("stFeedback").locator("button").last.click()  # thumbs down
        wait_for_app(page)
        reply.get_by_label("Comment (optional)").fill("not what I asked")
        reply.get_by_role("button", name="Send comment").click()
        wait_for_app(page)

        go_admin(page, server.url)
        sign_in(page, PASSWORD)
        page.get_by_role("tab", name="Gaps & feedback").click()
        page.get_by_text("Most frequent unanswered questions").wait_for()
        wait_for_app(page)
        gaps = [r["question"] for r in csv_download(page, "Unanswered questions (CSV)")]
        assert GAP in gaps and LOOKUP not in gaps, gaps  # a look-up is not a gap
        downs = [r for r in csv_download(page, "Thumbs-down answers (CSV)")
                 if r["question"] == ANSWERED]
        assert len(downs) == 1 and downs[0]["comment"] == "not what I asked"

        # nothing answers the password question: no entry is pre-selected, attach waits
        choose(page, "Coder's question", GAP)
        assert page.get_by_role("combobox", name="Entry that answers it").input_value() == ""
        assert page.get_by_role("button", name="Attach as alternate phrasing").is_disabled()
        screenshot(page, "admin-close-the-loop")
        page.get_by_role("button", name="Mark out of scope").click()
        page.get_by_text("Added to the eval set gaps-out-of-scope.jsonl").wait_for()
        wait_for_app(page)
        screenshot(page, "admin-marked-out-of-scope")
        oos = data / "evals" / "gaps-out-of-scope.jsonl"
        assert GAP in oos.read_text(encoding="utf-8")
        page.get_by_role("tab", name="Gaps & feedback").click()
        gaps = [r["question"] for r in csv_download(page, "Unanswered questions (CSV)")]
        assert GAP not in gaps  # resolved: off the list

        # attach a coder's wording: the Documents tab shows the change at once
        wording = "how do I code proton therapy delivery"
        choose(page, "Coder's question", wording)
        choose(page, "Entry that answers it", "astro-daily-practice-physics:1")
        page.get_by_role("button", name="Attach as alternate phrasing").click()
        page.get_by_text("in the data folder's alternates").wait_for()
        wait_for_app(page)
        page.get_by_role("tab", name="Documents").click()
        page.get_by_text("Changed astro-daily-practice-physics:1").wait_for()
        screenshot(page, "admin-documents-after-attach")
        side = data / "alternates" / "astro-daily-practice-physics.alternates.toml"
        assert wording in side.read_text(encoding="utf-8")
    finally:
        context.close()
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == corpus_before
    assert git_status() == code_before, "admin actions wrote into the code checkout"


RECORD_PROGRESS = """
window.__progress = [];
new MutationObserver(() => {
  document.querySelectorAll('[data-testid="stProgress"]').forEach((p) => {
    const t = p.innerText.trim();
    if (t && window.__progress[window.__progress.length - 1] !== t) window.__progress.push(t);
  });
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_activation_shows_progress_with_counts(app, browser, tmp_path: Path) -> None:  # noqa: F811
    import re

    from tests.ingest import docmaker

    server, _, _ = app
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(RECORD_PROGRESS)
        page = context.new_page()
        go_admin(page, server.url)
        sign_in(page, PASSWORD)
        edited = docmaker.seed_text().replace("to provide personal supervision.",
                                              "to provide direct supervision.")
        doc = docmaker.make_docx(tmp_path / "astro-daily-practice-physics.docx", edited)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(doc))
        page.get_by_text("Changed astro-daily-practice-physics:5").wait_for(timeout=60_000)
        wait_for_app(page)
        screenshot(page, "admin-diff-marked")
        # no override box before any gate failure
        assert page.get_by_label("Reason to activate anyway (kept in the activation history)"
                                 ).count() == 0
        page.get_by_role("button", name="Activate this version").click()
        page.get_by_text(re.compile(r"^Activated v\d{8}T")).wait_for(timeout=300_000)
        wait_for_app(page)
        seen = page.evaluate("window.__progress")
        # the uploader's chip is cleared once the upload is activated
        assert page.locator('[data-testid="stFileUploaderFile"]').count() == 0
    finally:
        context.close()
    gate = re.compile(r"Running the eval sets.*: \d+ of \d+ eval questions")
    counted = [t for t in seen if gate.search(t)]
    assert len(counted) >= 2, seen  # the gate's rows tick by, not a bar frozen at one stage


NEW_DOC = """Review Notes


Coding Question: Does a newly uploaded document show its entries before activation?

Coding Answer: Yes. This invented entry only checks that the Admin page shows an added
entry's answer and its document's disclaimer before anything is activated.

References:
Internal test note

Disclaimer: Invented for a browser test; this is not coding guidance.
"""


def test_an_added_entry_shows_its_answer_and_disclaimer_before_activation(
        app, browser, tmp_path: Path) -> None:  # noqa: F811
    server, _, corpus = app
    before = sorted(p.name for p in corpus.iterdir())
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    try:
        page = context.new_page()
        go_admin(page, server.url)
        sign_in(page, PASSWORD)
        doc = tmp_path / "review-notes.txt"
        doc.write_text(NEW_DOC, encoding="utf-8")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(doc))
        page.get_by_text("Added entries (1)").wait_for(timeout=120_000)
        wait_for_app(page)
        card = page.locator(".st-key-admin-added-review-notes-1")
        text = " ".join(card.inner_text().split())
        assert "This invented entry only checks that the Admin page shows" in text
        assert "Disclaimer (Review Notes). Invented for a browser test" in text
        colour = card.locator("blockquote p").first.evaluate("(p) => getComputedStyle(p).color")
        assert colour == "rgb(29, 39, 51)", colour  # the answer as legible as coders see it
        card.scroll_into_view_if_needed()
        screenshot(page, "admin-added-entry-phone", full_page=False)
        page.get_by_role("button", name="Discard upload").click()
        wait_for_app(page)
    finally:
        context.close()
    assert sorted(p.name for p in corpus.iterdir()) == before  # nothing written to the corpus
