"""Where publishers print the disclaimer and CPT notice: in the site footer, before the first
question, or after it; one wording decides what a notice is (`ingest.parse.wording`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.wording import closing_notice, disclaims, is_cpt_notice
from retrieval.errors import CorpusFormatError
from tests.ingest.layouts import parse, qa, write

WARNS = ("Answers here are general education only; they are not legal advice and do not "
         "guarantee payment by any payer.")
NOTICE = "CPT is a registered trademark of the American Medical Association. All rights reserved."
SITE = "© 2026 Lakeside Oncology Billing Network. All rights reserved."
PAIRS = [("May we bill 77300 twice on one date?",
          "Yes, when each calculation serves a distinct beam arrangement."),
         ("Is 77470 reported per fraction?", "No. It is reported once for the course.")]


def _page(footer: str, content_tail: str = "") -> str:
    body = "".join(f"<h3>{q}</h3><p>{a}</p>" for q, a in PAIRS)
    return (f"<!doctype html><html><head><title>Lakeside FAQ</title></head><body>"
            f"<header><nav><a href='/'>Home</a> <a href='/faq'>FAQ</a></nav></header>"
            f"<main><h1>Lakeside FAQ</h1>{body}{content_tail}</main>"
            f"<footer>{footer}</footer></body></html>")


FOOTER = (f"<div class='legal'><p>{WARNS}</p><p>{NOTICE}</p></div><p>{SITE}</p>"
          "<ul><li><a href='/privacy'>Privacy Policy</a></li><li><a href='/terms'>Terms of Use"
          "</a></li></ul><div class='social'><a href='#'>LinkedIn</a></div>")


def test_a_disclaimer_printed_only_in_the_site_footer_is_kept(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "faq.html", _page(FOOTER)))
    assert qa(doc) == PAIRS
    assert doc.document.disclaimer == WARNS
    assert doc.document.notice == NOTICE  # the site's copyright and links stay chrome
    assert doc.document.references == ()


def test_a_footer_marked_by_its_class_and_holding_only_the_notice(tmp_path: Path) -> None:
    page = _page("", f"<p>{WARNS}</p>").replace(
        "<footer></footer>", f"<div class='site-footer'><p>{NOTICE}</p><p>{SITE}</p></div>")
    doc = parse(write(tmp_path, "faq.html", page))
    assert qa(doc) == PAIRS
    assert (doc.document.disclaimer, doc.document.notice) == (WARNS, NOTICE)


def test_the_footer_copy_is_not_added_when_the_content_has_its_own(tmp_path: Path) -> None:
    own = "Disclaimer: the Network's volunteers write these answers; no warranty is given."
    doc = parse(write(tmp_path, "faq.html", _page(FOOTER, f"<p>{own}</p><p>{NOTICE}</p>")))
    assert doc.document.disclaimer == own.removeprefix("Disclaimer: ")
    assert doc.document.notice == NOTICE


def test_a_footer_without_guidance_still_leaves_the_page_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusFormatError, match="no 'Disclaimer:' paragraph"):
        parse(write(tmp_path, "faq.html", _page(f"<p>{SITE}</p>")))


TOP = "Lakeside FAQ\n\n{disclaimer}\n\n" + "".join(
    f"Question: {q}\nAnswer: {a}\n\n" for q, a in PAIRS)


@pytest.mark.parametrize("disclaimer", [f"Disclaimer: {WARNS}", f"Disclaimer\n\n{WARNS}", WARNS],
                         ids=["labelled", "label alone", "told by its wording"])
def test_a_disclaimer_on_top_with_the_notice_closing_the_document(
        tmp_path: Path, disclaimer: str) -> None:
    text = TOP.format(disclaimer=disclaimer) + NOTICE + "\n"
    doc = parse(write(tmp_path, "faq.txt", text))
    assert qa(doc) == PAIRS
    assert (doc.document.disclaimer, doc.document.notice) == (WARNS, NOTICE)
    assert doc.document.title == "Lakeside FAQ"


def test_the_closing_notice_bounds_a_multi_paragraph_last_answer(tmp_path: Path) -> None:
    more = "The special procedure is documented once, in the course summary."
    text = TOP.format(disclaimer=f"Disclaimer: {WARNS}") + more + "\n\n" + NOTICE + "\n"
    doc = parse(write(tmp_path, "faq.txt", text))
    assert doc.entries[-1].answer == f"{PAIRS[-1][1]}\n\n{more}"
    assert doc.document.notice == NOTICE


def test_a_disclaimer_on_top_without_a_closing_notice_still_refuses_a_second_paragraph(
        tmp_path: Path) -> None:
    text = TOP.format(disclaimer=WARNS) + "Special procedures are rare in our clinic\n"
    with pytest.raises(CorpusFormatError, match="runs to the end of the document"):
        parse(write(tmp_path, "faq.txt", text))


def test_a_notice_is_the_owner_named_with_its_rights() -> None:
    assert is_cpt_notice(NOTICE)
    assert is_cpt_notice("CPT codes and descriptions only are copyright 2025 AMA.")
    assert not is_cpt_notice(SITE)  # the site's own copyright
    assert not is_cpt_notice("Report CPT® 77300 once per calculation.")  # an answer naming CPT
    assert disclaims(WARNS) and not disclaims(NOTICE)


def test_a_site_copyright_paragraph_after_the_notice_is_not_notice(tmp_path: Path) -> None:
    text = (TOP.format(disclaimer="") + f"Disclaimer: {WARNS}\n\n{NOTICE}\n\n"
            "Content owned by Lakeside Oncology Billing Network, 2026, copyright reserved.\n")
    doc = parse(write(tmp_path, "faq.txt", text))
    assert doc.document.notice == NOTICE


def test_on_top_with_references_before_the_closing_notice(tmp_path: Path) -> None:
    text = (TOP.format(disclaimer=f"Disclaimer: {WARNS}") + "References\nSociety Coding Manual, "
            "2025\n\n" + NOTICE + "\n")
    doc = parse(write(tmp_path, "faq.txt", text))
    assert qa(doc) == PAIRS
    assert doc.document.references == ("Society Coding Manual, 2025",)
    assert (doc.document.disclaimer, doc.document.notice) == (WARNS, NOTICE)


def test_a_page_with_its_disclaimer_on_top_and_the_notice_in_the_footer(tmp_path: Path) -> None:
    more = "The course summary documents the procedure."
    page = _page(f"<p>{NOTICE}</p><p>{SITE}</p>").replace(
        "<h1>Lakeside FAQ</h1>", f"<h1>Lakeside FAQ</h1><p><em>{WARNS}</em></p>").replace(
        "</main>", f"<p>{more}</p></main>")
    doc = parse(write(tmp_path, "faq.html", page))
    assert qa(doc) == [PAIRS[0], (PAIRS[1][0], f"{PAIRS[1][1]}\n\n{more}")]
    assert (doc.document.disclaimer, doc.document.notice) == (WARNS, NOTICE)


def test_a_word_document_with_its_disclaimer_only_in_the_page_footer(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Lakeside FAQ")
    for q, a in PAIRS:
        d.add_paragraph(f"Question: {q}")
        d.add_paragraph(f"Answer: {a}")
    footer = d.sections[0].footer
    footer.paragraphs[0].text = WARNS
    footer.add_paragraph(NOTICE)
    footer.add_paragraph("Lakeside Oncology Billing Network | Confidential | Page 1")
    d.save(str(tmp_path / "faq.docx"))
    doc = parse(tmp_path / "faq.docx")
    assert qa(doc) == PAIRS
    assert (doc.document.disclaimer, doc.document.notice) == (WARNS, NOTICE)


def test_a_word_footer_copy_is_not_added_to_a_body_disclaimer(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Lakeside FAQ")
    for q, a in PAIRS:
        d.add_paragraph(f"Question: {q}")
        d.add_paragraph(f"Answer: {a}")
    d.add_paragraph("Disclaimer: the body's own words, with no warranty given.")
    d.add_paragraph(NOTICE)
    d.sections[0].footer.paragraphs[0].text = WARNS
    d.save(str(tmp_path / "faq.docx"))
    doc = parse(tmp_path / "faq.docx")
    assert doc.document.disclaimer == "the body's own words, with no warranty given."
    assert doc.document.notice == NOTICE


@pytest.mark.parametrize(("paragraph", "notice_at"), [
    (f"{WARNS} {NOTICE}", len(WARNS) + 1),
    (f"{WARNS}\nCPT® codes are copyright American Medical Association.",
     len(WARNS) + 1),
    # the disclaimer names CPT but claims no rights over it: all of it is the disclaimer
    ("These notes do not replace the CPT code book. All rights reserved.", None),
    # a notice alone is no disclaimer with a notice in it
    (NOTICE, None),
], ids=["notice-closes-it", "notice-on-its-last-line", "cpt-named-without-rights", "only-notice"])
def test_the_notice_closing_a_disclaimer_paragraph(paragraph: str, notice_at: int | None) -> None:
    assert closing_notice(paragraph) == notice_at
