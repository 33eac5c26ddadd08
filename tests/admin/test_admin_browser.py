"""The Admin page in a real browser: password gate, upload → side-by-side diff → activate while
the chat keeps answering → one-click rollback."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from admin.auth import ENV_HASH, hash_password
from appdb import AppDB
from retrieval.store import LocalStore
from tests.browser.harness import screenshot, start_app_server, wait_for_app
from tests.conftest import CORPUS, EVAL_SETS
from tests.ingest import docmaker

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct horse battery"


def small_gate_set(path: Path) -> Path:
    """Two tuning rows per entry and two out-of-scope rows: the real gate, quicker."""
    rows = [json.loads(x) for x in (EVAL_SETS / "seed-tuning.jsonl").read_text(
        encoding="utf-8").splitlines() if x.strip()]
    picked: list[dict[str, object]] = []
    for key in [[f"astro-daily-practice-physics:{n}"] for n in range(1, 6)] + [[]]:
        picked += [r for r in rows if r["expected"] == key][:2]
    path.write_text("\n".join(json.dumps(r) for r in picked), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def app(seed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("admin-browser")
    data, corpus = root / "data", root / "corpus"
    shutil.copytree(seed_data_dir, data)
    shutil.copytree(CORPUS, corpus)
    db = AppDB(f"sqlite:///{(data / 'app.db').resolve()}")  # the question log the app uses
    asked = datetime(2026, 11, 20, 9, tzinfo=UTC)
    for n, q in enumerate(["how do I code proton therapy delivery",
                           "proton beam treatment delivery cpt code",
                           "is hyperthermia billable with radiation"]):
        db.log_question(session_id="s", question=q, abstained=True,
                        asked_at=asked + timedelta(days=n))
    qid = db.log_question(session_id="s", question="can we bill 77370 after rt?",
                          abstained=False, top_entry="astro-daily-practice-physics:1",
                          asked_at=asked)
    assert qid is not None and db.record_feedback(qid, 0, "astro-daily-practice-physics:1",
                                                  "does not cover retreatment")
    db.engine.dispose()
    env = {ENV_HASH: hash_password(PASSWORD),
           "RADONC_QA_GATE_SETS": str(small_gate_set(root / "gate.jsonl"))}
    with start_app_server(data, corpus_dir=corpus, env=env) as server:
        yield server, data, corpus


@pytest.fixture(scope="module")
def browser(chromium):  # type: ignore[no-untyped-def]
    """The session's shared Chromium (one Playwright instance per test run)."""
    return chromium


def open_admin(browser, url: str):  # type: ignore[no-untyped-def]
    """The chat first, then Admin from the navigation, as an admin (or a curious coder) would."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Admin", exact=True).click()
    page.get_by_role("heading", name="Admin").wait_for()
    wait_for_app(page)
    return page


def sign_in(page, password: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Admin password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)


def test_wrong_password_shows_nothing_of_the_admin_page(app, browser) -> None:  # type: ignore[no-untyped-def]
    server, _, _ = app
    page = open_admin(browser, server.url)
    sign_in(page, "not the password")
    page.get_by_text("Wrong password").wait_for()
    screenshot(page, "admin-wrong-password")
    body = page.inner_text('[data-testid="stMain"]')
    for hidden in ("Upload a guidance document", "Versions", "Roll back", "astro-daily"):
        assert hidden not in body
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    page.close()


def test_upload_diff_activate_and_roll_back(app, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, data, corpus = app
    store = LocalStore(data / "kb")
    first = store.active_version()
    page = open_admin(browser, server.url)
    sign_in(page, PASSWORD)
    page.get_by_text("Upload a guidance document").wait_for()
    screenshot(page, "admin-signed-in")

    news = tmp_path / "news.html"
    news.write_text("<html><body><p>Welcome to our newsletter.</p><p>Disclaimer: none.</p>"
                    "</body></html>", encoding="utf-8")
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploader.set_input_files(str(news))
    page.get_by_text("Not accepted — nothing was written.").wait_for(timeout=60_000)
    wait_for_app(page)
    assert "news.html: no Q&A pairs found" in page.inner_text('[data-testid="stMain"]')
    screenshot(page, "admin-upload-refused")
    assert not any(p.name.startswith((".staging-", "news")) for p in corpus.iterdir())

    edited = docmaker.seed_text().replace("to provide personal supervision.",
                                          "to provide direct supervision.")
    upload = docmaker.make_docx(tmp_path / "astro-daily-practice-physics.docx", edited)
    uploader.set_input_files(str(upload))
    page.get_by_text("Changed astro-daily-practice-physics:5").wait_for(timeout=60_000)
    wait_for_app(page)
    card = page.locator(".st-key-admin-change-astro-daily-practice-physics-5")
    assert "to provide personal supervision." in card.inner_text()
    assert "to provide direct supervision." in card.inner_text()
    screenshot(page, "admin-diff")
    visible = sorted(p.name for p in corpus.iterdir() if not p.name.startswith("."))
    assert visible == ["astro-daily-practice-physics.alternates.toml",
                       "astro-daily-practice-physics.txt"]  # staged only, until activated

    page.get_by_role("button", name="Activate this version").click()
    page.get_by_text(re.compile(r"^Activated v\d{8}T")).wait_for(timeout=300_000)
    wait_for_app(page)
    screenshot(page, "admin-activated")
    second = store.active_version()
    assert second != first
    assert store.read_manifest(second).entries[4].answer.endswith("direct supervision.")
    assert (corpus / "astro-daily-practice-physics.docx").exists()
    assert not (corpus / "astro-daily-practice-physics.txt").exists()

    page.get_by_role("tab", name="Versions").click()
    wait_for_app(page)
    screenshot(page, "admin-versions")
    slug = re.sub(r"[^A-Za-z0-9_-]", "-", first)
    page.locator(f".st-key-admin-version-{slug}").get_by_role(
        "button", name="Roll back to this").click()
    wait_for_app(page)
    assert store.active_version() == first
    page.get_by_role("tab", name="Versions").click()
    page.get_by_text(re.compile(r"^Rolled back: ")).wait_for()
    screenshot(page, "admin-rolled-back")

    page.get_by_role("tab", name="Gaps & feedback").click()
    page.get_by_text("Most frequent unanswered questions").wait_for()
    wait_for_app(page)
    page.locator(".js-plotly-plot").first.wait_for()
    main = page.inner_text('[data-testid="stMain"]')
    for csv_button in ("Questions per day (CSV)", "Unanswered questions (CSV)",
                       "Thumbs-down answers (CSV)"):
        assert csv_button in main
    screenshot(page, "admin-gaps")
    page.close()
