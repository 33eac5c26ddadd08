"""Issue 11's bad inputs added to a live KB: each refused naming file, line and fix; no change.

Two documents giving the same entry: tests/ingest/test_ids.py and test_build.py; a removed
document's id asked about: tests/ingest/test_sources.py and test_ids.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.build import ingest
from retrieval.errors import CorpusFormatError
from retrieval.settings import Settings
from retrieval.store import LocalStore
from tests.ingest import docmaker
from tests.ingest.test_build import snapshot

QA = "Coding Question: Is 77300 reported for each field?\nCoding Answer: Once per calculation.\n"
TAIL = "\nDisclaimer: Opinions only.\n"


def text(body: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(body, encoding="utf-8")


def merged_docx(path: Path) -> None:
    docmaker.make_docx_blocks(path, [
        ("heading", "Physics FAQ"), ("p", "Coding Question: Which codes are weekly?"),
        ("p", "Coding Answer: These:"), ("merged", [["Code", "Weekly"], ["77336", "Yes"],
                                                     ["77427", "Yes"]]),
        ("p", "Disclaimer: Opinions only.")])


# name: (file, how to write it, what the message says, the line it names or None)
BAD: dict[str, tuple[str, Callable[[Path], None], str, int | None]] = {
    "no Q&A structure": (
        "news.html", text("<html><body><h1>News</h1><p>The society met in May.</p>"
                          "<p>Disclaimer: Opinions only.</p></body></html>"),
        "no Q&A pairs found", None),
    "ambiguous answer end": (
        "ambiguous.txt", text(QA + "\nsee the planning grid\n" + TAIL),
        "cannot tell whether line 4 belongs to the last answer", 4),
    "unworded last question": (
        "unworded.md", text("# FAQ\n\n### Is 77300 reported for each field?\n\nOnce per "
                            "calculation.\n\n### Can a second calculation be billed\n\nReport it "
                            "again.\n" + TAIL),
        "cannot tell whether it is a question or a closing section", 7),
    "disclaimer only a heading": (
        "heading.md", text("# FAQ\n\n" + QA + "\n## Disclaimer\n"),
        "the disclaimer is only a heading", 6),
    "disclaimer text in a heading": (
        "heading-text.md", text("# FAQ\n\n" + QA + "\n## Disclaimer\n\n### Opinions only.\n"),
        "is itself a heading, on line 8", 8),
    "table with merged cells (html)": (
        "merged.html", text("<html><body>\n<p>Coding Question: Which codes?</p>\n<p>Coding "
                            "Answer: These:</p>\n<table><tr><td rowspan='2'>77336</td><td>Yes"
                            "</td></tr>\n<tr><td>No</td></tr></table>\n<p>Disclaimer: d</p>"
                            "</body></html>"),
        "a table cell spans several rows", 4),
    "table with merged cells (docx)": (
        "merged.docx", merged_docx, "has a cell merged across rows", 4),
    "backwards range": (
        "backwards.txt", text("Coding Question: Are 77290–77280 billed together?\n"
                              "Coding Answer: No.\n" + TAIL),
        "the code range 77290-77280 runs backwards", 1),
    "text between a question element and its answer": (
        "accordion.html", text("<html><body>\n<div class='faq-question'>One?</div>\n"
                               "<p>Updated in May.</p>\n<div class='faq-answer'>A.</div>\n"
                               "<p>Disclaimer: d</p></body></html>"),
        "sits between the question element", 3),
}


@pytest.mark.parametrize("name", list(BAD), ids=list(BAD))
def test_bad_input_is_refused_and_the_live_kb_is_unchanged(
        name: str, settings: Settings, corpus_dir: Path, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    first = ingest(store, fake_embedder, corpus_dir).kb_version
    before = snapshot(store.root)
    filename, write, problem, line = BAD[name]
    write(corpus_dir / filename)
    with pytest.raises(CorpusFormatError) as err:
        ingest(store, fake_embedder, corpus_dir)
    e = err.value
    assert problem in e.problem and e.line == line
    assert str(e).startswith(f"{corpus_dir / filename}{f':{line}' if line else ''}: ")
    assert e.hint  # and what to do about it
    assert store.active_version() == first and snapshot(store.root) == before
