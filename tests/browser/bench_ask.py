"""Benchmark the chat in real Chromium; prints figures (no asserts). Not collected by pytest.

    .venv/bin/python tests/browser/bench_ask.py [--questions 20] [--fresh | --kb DIR]

1. cold: server process start → first answer card drawn in the browser (model load, index load,
   first page view, first question). With --fresh the data dir starts empty, so this includes
   the first-run ingest of corpus/ (what `make run` does on a fresh clone).
2. warm: on the same server, pressing Enter → the answer (or abstention) card drawn, for N
   questions from the tuning split (never the held-out split); median / p95 / max in ms, at
   desktop (1280×900) and then phone (390×844) size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.browser.harness import (  # noqa: E402
    DESKTOP,
    PHONE,
    launch_chromium,
    screenshot,
    start_app_server,
    wait_for_app,
)

CARD_DRAWN = """(n) => {
    const msgs = document.querySelectorAll('[data-testid="stChatMessage"]');
    if (msgs.length < n) return false;
    const last = msgs[msgs.length - 1];
    return !!(last.querySelector('blockquote')                  // an answer card
              || last.innerText.includes('No matching guidance in the knowledge base')
              || last.querySelector('[class*="st-key-choose-"]')     // a clarifying choice
              || last.querySelector('[class*="st-key-lookup-"]')     // a code look-up
              || last.querySelector('[data-testid="stAlert"]'));     // a warning/error
}"""


def ask_and_time(page, question: str) -> float:  # type: ignore[no-untyped-def]
    n = page.locator('[data-testid="stChatMessage"]').count() + 2
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    t0 = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(CARD_DRAWN, arg=n, timeout=60_000, polling="raf")
    elapsed = time.perf_counter() - t0
    wait_for_app(page)
    return elapsed


def logged_latencies(data: Path) -> list[float]:
    """Server-side Retriever.ask time of each question, as the app logged it."""
    import sqlite3

    with sqlite3.connect(data / "app.db") as db:
        return [r[0] for r in db.execute("SELECT latency_ms FROM question_log ORDER BY id")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--fresh", action="store_true", help="start from an empty data dir")
    ap.add_argument("--kb", type=Path, help="copy this built knowledge base (a data dir's kb/)")
    args = ap.parse_args()
    rows = [json.loads(line) for line in (REPO / "evals/sets/seed-tuning-dev.jsonl").open()]
    questions = [r["question"] for r in rows if not r.get("context")][: args.questions + 1]

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        if args.kb:
            import shutil

            shutil.copytree(args.kb, data / "kb")
        elif not args.fresh:
            from ingest.build import ingest
            from retrieval.embedding import default_embedder
            from retrieval.store import LocalStore

            ingest(LocalStore(data / "kb"), default_embedder(), REPO / "corpus")
        with sync_playwright() as p:
            browser = launch_chromium(p)
            with start_app_server(data) as server:
                page = browser.new_page(viewport=DESKTOP)
                page.goto(server.url)
                wait_for_app(page, timeout_ms=180_000)
                ask_and_time(page, questions[0])
                cold = time.perf_counter() - server.started_at
                warm = [ask_and_time(page, q) * 1000 for q in questions[1:]]
                screenshot(page, "bench-desktop-after-warm-run")
                phone = browser.new_page(viewport=PHONE)
                phone.goto(server.url)
                wait_for_app(phone)
                warm_phone = [ask_and_time(phone, q) * 1000 for q in questions[1:]]
                screenshot(phone, "bench-phone-after-warm-run")
            retrieval_ms = logged_latencies(data)[1:]
            browser.close()
    print("per question ms:", [round(w) for w in warm])
    warm.sort()
    p95 = warm[max(0, round(0.95 * len(warm)) - 1)]
    print(
        f"health after:        {server.ready_after_s:.2f} s "
        "(server process start → /_stcore/health)"
    )
    print(
        f"cold first answer:   {cold:.2f} s (server start → first card drawn"
        f"{', incl. first-run ingest' if args.fresh else ''})"
    )
    print(
        f"warm Enter → card:   median {statistics.median(warm):.0f} ms, p95 {p95:.0f} ms, "
        f"max {warm[-1]:.0f} ms over {len(warm)} questions (desktop)"
    )
    warm_phone.sort()
    p95p = warm_phone[max(0, round(0.95 * len(warm_phone)) - 1)]
    print(
        f"warm Enter → card:   median {statistics.median(warm_phone):.0f} ms, p95 {p95p:.0f} ms, "
        f"max {warm_phone[-1]:.0f} ms over {len(warm_phone)} questions (phone)"
    )
    if retrieval_ms:
        print(
            f"  of which retrieval: median {statistics.median(retrieval_ms):.0f} ms "
            "(Retriever.ask in the server, from the question log)"
        )


if __name__ == "__main__":
    main()
