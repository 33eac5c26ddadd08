"""PDFs printed from a browser ("Save as PDF" in Chromium): the running header (date, title)
and footer (address, "1/2") are dropped, an answer running over a page break is whole again,
and the words read as the page printed them. The fixtures are the committed prints of the HTML
pages beside them (`python -m tests.ingest.docmaker` regenerates them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.lines import Line
from ingest.readers.pdf_layout import drop_running_lines, join_pages, respace, unwrap
from tests.ingest.layouts import parse, qa

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name", ["printed-physics-faq.pdf", "printed-physics-faq-bare.pdf"],
                         ids=["with header and footer", "without"])
def test_a_two_page_print_reads_as_the_page(name: str) -> None:
    page = parse(FIXTURES / "printed-physics-faq.html")
    printed = parse(FIXTURES / name)
    assert len(printed.entries) == 5
    assert qa(printed) == qa(page)  # the answer over the break is one, whole
    assert printed.document.title == "Northbay Physics Coding FAQ"
    assert printed.document.disclaimer == page.document.disclaimer
    assert printed.document.notice == page.document.notice  # no address or "2/2" in it
    assert printed.document.references == ()


def test_the_word_hyphenated_over_the_page_break_is_whole() -> None:
    answer = parse(FIXTURES / "printed-physics-faq.pdf").entries[2].answer
    assert "such as an electron boost planned" in answer
    # the page's soft hyphen (&shy;) is no character of the word in HTML either
    assert "such as an electron boost planned" in parse(
        FIXTURES / "printed-physics-faq.html").entries[2].answer
    assert "12/2/26" not in answer and "file://" not in answer


def test_a_one_page_print_loses_its_browser_header_and_footer() -> None:
    doc = parse(FIXTURES / "printed-one-page.pdf")
    assert qa(doc) == qa(parse(FIXTURES / "printed-one-page.html"))
    assert doc.document.title == "Bayside Simulation Notes"
    assert doc.document.notice == ""  # the footer's address is not a notice


def test_a_wide_gap_inside_a_word_follows_the_plain_text() -> None:
    assert respace("the chart r      eview, with", "the chart review, with") == \
        "the chart review, with"
    assert respace("5:28 AM        Title", "5:28 AM Title") == "5:28 AM Title"


def _lines(*texts: str) -> list[Line]:
    return [Line(n, t) for n, t in enumerate(texts, 1)]


def test_a_hyphen_at_a_line_end_is_undone_only_where_the_word_is_known() -> None:
    wide = "x" * 60
    text = [ln.text for ln in unwrap(_lines(
        f"{wide} the treat-", "ment plan and the follow-", "up visit; the treatment record", ""))]
    assert text[0] == f"{wide} the treatment plan and the follow-up visit; the treatment record"
    soft = unwrap(_lines(f"{wide} an elec \u2010", "tron boost"))
    assert soft[0].text == f"{wide} an electron boost"


def test_running_lines_are_those_repeated_in_the_same_place() -> None:
    pages = [["Lakeside FAQ 2026", "", "Question 1: first?", "Answer: yes.", "", "Page 1 of 3"],
             ["Lakeside FAQ 2026", "", "Lakeside FAQ 2026 changed nothing", "more text", "",
              "Page 2 of 3"],
             ["Lakeside FAQ 2026", "", "end of answer.", "", "Page 3 of 3"]]
    drop_running_lines(pages)
    assert [p[0] for p in pages] == ["", "", ""]
    assert pages[1][2] == "Lakeside FAQ 2026 changed nothing"
    assert all(not p[-1] for p in pages)


def test_a_paragraph_broken_by_the_page_is_joined_and_a_finished_one_is_not() -> None:
    wide = "w" * 70
    assert join_pages([[f"{wide} and the record", ""], ["", "must show it."]]) == \
        f"{wide} and the record\nmust show it."
    assert join_pages([[f"{wide} ends here.", ""], ["Next paragraph."]]) == \
        f"{wide} ends here.\n\nNext paragraph."
    assert join_pages([["short line", ""], ["goes on in lower case."]]) == \
        "short line\ngoes on in lower case."


def test_a_url_ending_a_page_is_kept_unless_a_page_number_follows_it() -> None:
    pages = [["Title line", "Answer text.", "https://www.example.org/manual"],
             ["Other page", "More text.", "file:///tmp/x.html 2/2"]]
    drop_running_lines(pages)
    assert pages[0][-1] == "https://www.example.org/manual"
    assert pages[1][-1] == ""
