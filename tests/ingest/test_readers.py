"""Every document format reads to the same verbatim entries; bad files get a clear message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.load import read_document
from ingest.parse import parse_daily_practice
from ingest.readers import read_markdown
from retrieval.errors import CorpusError, CorpusFormatError
from tests.conftest import SEED
from tests.ingest import docmaker


@pytest.fixture(scope="module")
def seed_doc():  # type: ignore[no-untyped-def]
    return parse_daily_practice(read_document(SEED), SEED)


MAKERS: dict[str, Callable[[Path, str], Path]] = {
    "pdf": docmaker.make_pdf,
    "docx": docmaker.make_docx,
    "html": docmaker.make_html,
    "md": docmaker.make_markdown,
}


@pytest.mark.parametrize("fmt", list(MAKERS), ids=list(MAKERS))
def test_each_format_gives_the_seed_entries_verbatim(tmp_path: Path, fmt: str, seed_doc) -> None:  # type: ignore[no-untyped-def]
    path = MAKERS[fmt](tmp_path / f"astro-daily-practice-physics.{fmt}", docmaker.seed_text())
    doc = parse_daily_practice(read_document(path), path)
    assert [e.id for e in doc.entries] == [e.id for e in seed_doc.entries]
    for got, want in zip(doc.entries, seed_doc.entries, strict=True):
        assert got.question == want.question
        assert got.answer == want.answer  # character for character
        assert got.code_set == want.code_set
    assert doc.document.disclaimer == seed_doc.document.disclaimer
    assert doc.document.references == seed_doc.document.references
    assert doc.document.notice == seed_doc.document.notice
    assert doc.document.title == "Daily Practice"


def test_html_drops_scripts_and_navigation(tmp_path: Path) -> None:
    path = docmaker.make_html(tmp_path / "page.html", docmaker.seed_text())
    text = "\n".join(ln.text for ln in read_document(path))
    assert "tracking" not in text and "Home" not in text and "color: red" not in text


def test_html_line_numbers_point_into_the_source(tmp_path: Path) -> None:
    path = docmaker.make_html(tmp_path / "page.html", docmaker.seed_text())
    doc = parse_daily_practice(read_document(path), path)
    source = path.read_text(encoding="utf-8").split("\n")
    line = doc.entries[1].line
    assert line is not None  # the line of the element (<p>) that holds the question
    assert source[line - 1].strip() == "<p>" and "Coding Question:" in source[line]


@pytest.mark.parametrize("text,expected", [
    ("**Coding Question:** Can we bill?", "Coding Question: Can we bill?"),
    ("**Coding Question**: Can we bill?", "Coding Question: Can we bill?"),
    ("__Coding Answer:__ Yes.", "Coding Answer: Yes."),
    ("## Coding Question: Can we bill?", "Coding Question: Can we bill?"),
    ("*Disclaimer:* The opinions", "Disclaimer: The opinions"),
    ("**References**", "References:"),
    ("# Daily Practice", "Daily Practice"),
    ("An answer with **bold** text.", "An answer with bold text."),
    ("_Answer_ is not a label here", "Answer is not a label here"),
    ("Report 77301* once; 2 * 3 fields, snake_case_name", "Report 77301* once; 2 * 3 fields, "
     "snake_case_name"),
], ids=["bold-colon-inside", "bold-colon-outside", "underscore", "heading", "italic",
        "references", "title", "inline-bold-as-text", "emphasis-without-colon",
        "not-emphasis-kept"])
def test_markdown_labels_are_unwrapped(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "doc.md"
    path.write_text(text + "\n", encoding="utf-8")
    assert read_markdown(path)[0].text == expected


def test_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    path = docmaker.make_pdf(tmp_path / "scan.pdf", None)
    with pytest.raises(CorpusError, match=r"scan\.pdf: the PDF has no text layer.*OCR"):
        read_document(path)


def test_damaged_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    with pytest.raises(CorpusError, match=r"broken\.pdf: not a readable PDF"):
        read_document(path)


def test_html_with_no_q_and_a_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    path.write_text("<html><head><title>News</title></head><body><p>Welcome to our site."
                    "</p><p>Disclaimer: none.</p></body></html>", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"news\.html: no Q&A pairs found"):
        parse_daily_practice(read_document(path), path)


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = docmaker.make_zip_bomb(tmp_path / "guidance.docx")
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(CorpusError, match=r"guidance\.docx: the archive inflates to more than "
                                          r"\d+ MiB.*zip bomb"):
        read_document(path)


def test_renamed_binary_as_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "guidance.docx"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(CorpusError, match=r"guidance\.docx: this is not a Word document"):
        read_document(path)


def test_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "guidance.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(CorpusError, match=r"no word/document\.xml"):
        read_document(path)


def test_renamed_binary_as_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "guidance.html"
    path.write_bytes(b"\x7fELF\x00\x00" + bytes(range(256)))
    with pytest.raises(CorpusError, match=r"guidance\.html: this looks like a binary file"):
        read_document(path)


# --- publishers' layouts (fixtures written in our own words) -------------------------------------
FIXTURES = Path(__file__).parent / "fixtures"
CHROME = ("cookie", "Accept all", "Home", "Join", "Practice Support", "Privacy", "Terms of Use",
          "Contact Us", "Example Radiation Society. All rights", "©", "Related", "tracked",
          "navy", "Accessibility", "analytics", "Skip to content", "Sitemap", "FAQPage")


def parsed_fixture(name: str):  # type: ignore[no-untyped-def]
    path = FIXTURES / name
    return parse_daily_practice(read_document(path), path)


def shown_text(doc) -> str:  # type: ignore[no-untyped-def]
    """Everything a coder can be shown from a document."""
    d = doc.document
    return "\n".join([d.title, d.disclaimer, d.notice, *d.references,
                      *(f"{e.question}\n{e.answer}" for e in doc.entries)])


@pytest.mark.parametrize("name", ["treatment-devices.html", "planning-accordion.html",
                                  "simulation-faq.txt", "brachytherapy-notes.md"])
def test_no_site_chrome_in_anything_shown(name: str) -> None:
    text = shown_text(parsed_fixture(name))
    for chrome in CHROME:
        assert chrome not in text, chrome


def test_html_heading_labels_multi_paragraph_answers_and_tables() -> None:
    doc = parsed_fixture("treatment-devices.html")
    assert doc.document.title == "Coding FAQ: Treatment Devices"
    assert [e.id for e in doc.entries] == [f"treatment-devices:{n}" for n in (1, 2, 3)]
    first, second, third = doc.entries
    assert first.question.startswith("Our planner builds a custom vacuum cushion")
    assert first.answer.endswith("A device reused from an earlier course is not reported again.")
    assert first.answer.count("\n\n") == 1  # both paragraphs, nothing else
    assert second.question == ("Which device codes can be billed in the same week as IMRT "
                               "treatment planning?")
    assert second.answer.split("\n") == [
        "It depends on the device. The table below summarises the rules the subcommittee "
        "applies.", "",
        "Code | Descriptor | With 77301 | Per course",
        "77332 | Treatment devices, design and construction; simple | Yes | No",
        "77333 | Treatment devices, design and construction; intermediate | Yes | No",
        "77338 | Multi-leaf collimator (MLC) device(s) for intensity modulated radiation "
        "therapy (IMRT) | Yes | Yes", "",
        "MLC devices for IMRT are reported once per plan, not per field."]
    assert {"77332", "77333", "77338"} <= second.code_set  # a code in a cell before Yes/No
    descriptors = {c.code: c.descriptor for c in second.codes}
    assert descriptors["77338"] == ("Multi-leaf collimator (MLC) device(s) for intensity "
                                    "modulated radiation therapy (IMRT)")
    assert third.answer.endswith("before reporting a second simulation.")
    assert doc.document.references == ("Example Society Radiation Oncology Coding Guide",
                                       "National Correct Coding Initiative Policy Manual, "
                                       "Chapter 9")
    assert doc.document.disclaimer.startswith("These answers reflect the opinions")
    assert doc.document.notice == ("CPT codes, descriptions and other data only are copyright "
                                   "2025 American Medical Association. All rights reserved.")


def test_html_accordions_and_definition_lists() -> None:
    doc = parsed_fixture("planning-accordion.html")
    got = [(e.question, e.answer.split("\n\n")) for e in doc.entries]
    assert got[0] == ("How many units of 77300 can be reported for one IMRT plan?", [
        "Basic dosimetry calculations that are part of the IMRT plan are bundled into 77301.",
        "Separate calculations for a different, non-IMRT field may be reported when "
        "documented."])
    assert got[1][0] == "Is 77295 reported when the plan is built on a fused MRI?"
    assert got[1][1][0].startswith("Yes, when the 3D plan")  # "Answer:" inside the accordion
    assert got[2] == ("What must a continuing physics consultation include?", [
        "A weekly review of the chart by a qualified medical physicist, documented with the "
        "date and the physicist's signature.",
        "77336 – Continuing medical physics consultation is reported once per five "
        "fractions."])
    assert len(doc.entries) == 4
    assert doc.document.disclaimer.startswith("Guidance reflects")
    assert doc.document.notice == "CPT® is a registered trademark of the American Medical " \
                                  "Association."


def test_text_with_numbered_labels_on_their_own_lines() -> None:
    doc = parsed_fixture("simulation-faq.txt")
    assert [e.question.split("\n")[0] for e in doc.entries] == [
        "A patient is simulated for a pelvic course and comes back three weeks later for a boost",
        "Does the treatment planning code include the simulation?",
        "Who may perform a verification simulation?"]
    assert doc.entries[0].answer.endswith("\n\nA second simulation that only repeats the first "
                                          "set-up is not reportable.")
    assert doc.entries[2].answer.endswith("\n\nThe physician's review should be dated and "
                                          "signed in the record.")
    assert doc.document.references == ("Example Society Radiation Oncology Coding Guide",
                                       "Payer Simulation Policy Bulletin")
    assert doc.document.notice == ("CPT is a registered trademark of the American Medical "
                                   "Association.")
    assert {"77261", "77262", "77263"} == doc.entries[1].code_set  # the range, every code


def test_markdown_headings_bold_labels_and_pipe_tables() -> None:
    doc = parsed_fixture("brachytherapy-notes.md")
    assert doc.document.title == "Brachytherapy coding notes"
    first, second = doc.entries
    rows = first.answer.split("\n")
    assert rows[2] == "Code | Descriptor"
    assert rows[3].startswith("77770 | Remote afterloading") and rows[3].endswith("1 channel")
    assert "|---" not in first.answer
    assert first.answer.endswith("Two channels fall in the second row.")
    assert second.question.startswith("May a tandem and ovoid insertion")
    assert second.answer.endswith("\n\nIt is not reported by the physicist.")
    assert doc.document.disclaimer.startswith("These notes are the editors' reading")


def test_pdf_of_a_publisher_text_gives_the_same_entries() -> None:
    import tempfile

    txt = parsed_fixture("simulation-faq.txt")
    with tempfile.TemporaryDirectory() as d:
        path = docmaker.make_pdf(Path(d) / "simulation-faq.pdf",
                                 (FIXTURES / "simulation-faq.txt").read_text(encoding="utf-8")
                                 .replace("–", "-"))
        pdf = parse_daily_practice(read_document(path), path)

    def words(s: str) -> list[str]:
        return s.replace("–", "-").split()

    assert [e.id for e in pdf.entries] == [e.id for e in txt.entries]
    for got, want in zip(pdf.entries, txt.entries, strict=True):
        assert words(got.question) == words(want.question)
        assert words(got.answer) == words(want.answer)
    assert pdf.document.references == txt.document.references


DOCX_BLOCKS: list[docmaker.Block] = [
    ("heading", "Physics FAQ"),
    ("heading", "Coding Question"), ("p", "Which physics codes may be reported weekly?"),
    ("heading", "Coding Answer"), ("p", "Only the continuing consultation:"),
    ("table", [["Code", "Descriptor", "Weekly"],
               ["77336", "Continuing medical physics consultation", "Yes"],
               ["77370", "Special medical radiation physics consultation", "No"]]),
    ("p", "Special consultations are reported when requested."),
    ("heading", "Disclaimer"), ("p", "Opinions of the committee."),
    ("p", "CPT is a registered trademark of the American Medical Association."),
]


def test_docx_heading_labels_and_tables(tmp_path: Path) -> None:
    path = docmaker.make_docx_blocks(tmp_path / "physics-faq.docx", DOCX_BLOCKS)
    doc = parse_daily_practice(read_document(path), path)
    (entry,) = doc.entries
    assert entry.question == "Which physics codes may be reported weekly?"
    assert entry.answer == (
        "Only the continuing consultation:\n\nCode | Descriptor | Weekly\n77336 | Continuing "
        "medical physics consultation | Yes\n77370 | Special medical radiation physics "
        "consultation | No\n\nSpecial consultations are reported when requested.")
    assert {c.code: c.descriptor for c in entry.codes} == {
        "77336": "Continuing medical physics consultation",
        "77370": "Special medical radiation physics consultation"}
    assert doc.document.disclaimer == "Opinions of the committee."


def test_docx_table_with_cells_merged_across_rows_is_refused(tmp_path: Path) -> None:
    blocks = [b if b[0] != "table" else ("merged", b[1]) for b in DOCX_BLOCKS]
    path = docmaker.make_docx_blocks(tmp_path / "merged.docx", blocks)
    with pytest.raises(CorpusFormatError, match=r"merged\.docx:\d+: table row \d+ has a cell "
                                                r"merged across rows — unmerge"):
        read_document(path)


def page(body: str) -> str:
    return f"<html><head><title>T</title></head><body><main>{body}</main></body></html>"


QA = "<h3>Coding Question</h3><p>Q?</p><h3>Coding Answer</h3>"
DISCLAIMER = "<h3>Disclaimer</h3><p>Opinions.</p>"


def parse_html(tmp_path: Path, html: str, name: str = "page.html"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return parse_daily_practice(read_document(path), path)


def test_html_rowspan_is_refused_and_colspan_shown_once(tmp_path: Path) -> None:
    colspan = page(QA + "<table><tr><th colspan='2'>Devices</th></tr><tr><td>77332</td>"
                   "<td>Yes</td></tr></table>" + DISCLAIMER)
    assert parse_html(tmp_path, colspan).entries[0].answer == "Devices\n77332 | Yes"
    rowspan = page(QA + "<table>\n<tr><td rowspan='2'>77332</td><td>Yes</td></tr>\n<tr>"
                   "<td>No</td></tr></table>" + DISCLAIMER)
    with pytest.raises(CorpusFormatError, match=r"page\.html:2: a table cell spans several "
                                                r"rows \(rowspan\) — unmerge"):
        parse_html(tmp_path, rowspan)


def test_html_inline_strong_labels_inside_a_page_wide_form(tmp_path: Path) -> None:
    html = ("<html><body><form id='aspnetForm'><div class='search'><input name='q'></div>"
            "<h1>Daily Practice</h1><p><strong>Question:</strong> Q one?</p><p><strong>Answer:"
            "</strong> A one.</p><p><b>Disclaimer:</b> Opinions.</p></form></body></html>")
    doc = parse_html(tmp_path, html)
    assert [(e.question, e.answer) for e in doc.entries] == [("Q one?", "A one.")]
    assert doc.document.title == "Daily Practice"


def test_html_heading_inside_an_answer_followed_by_text_is_refused(tmp_path: Path) -> None:
    html = page(QA + "<p>Part one.</p>\n<h4>Example</h4><p>Is it answer or not?</p>"
                + DISCLAIMER)
    with pytest.raises(CorpusFormatError, match=r"page\.html:2: the heading 'Example' on line 2"
                                                r" is followed by text inside the entry"):
        parse_html(tmp_path, html)


def test_html_section_headings_between_entries_are_dropped(tmp_path: Path) -> None:
    html = page("<h2>Physics</h2>" + QA + "<p>A one.</p><h2>Planning</h2><h3>Coding "
                "Question</h3><p>Q two?</p><h3>Coding Answer</h3><p>A two.</p><h2>Notes</h2>"
                + DISCLAIMER)
    doc = parse_html(tmp_path, html)
    assert [e.answer for e in doc.entries] == ["A one.", "A two."]


def test_html_text_between_accordion_entries_is_refused(tmp_path: Path) -> None:
    html = page("<details><summary>Q one?</summary><p>A one.</p></details>\n<p>Stray "
                "paragraph.</p><details><summary>Q two?</summary><p>A two.</p></details>"
                + DISCLAIMER)
    with pytest.raises(CorpusFormatError, match=r"page\.html:2: text on line 2 sits between "
                                                r"entries"):
        parse_html(tmp_path, html)


def test_markdown_heading_disclaimer_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("**Question:** Q?\n\n**Answer:** A.\n\n## Disclaimer\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"notes\.md:5: the disclaimer is only a "
                                                r"heading"):
        parse_daily_practice(read_document(path), path)


def test_pdf_page_headers_and_numbers_do_not_split_into_answers(tmp_path: Path) -> None:
    text = (FIXTURES / "simulation-faq.txt").read_text(encoding="utf-8").replace("–", "-")
    path = docmaker.make_pdf(tmp_path / "simulation-faq.pdf", text, per_page=9,
                             header="Example Radiation Society - Coding FAQ 2026")
    doc = parse_daily_practice(read_document(path), path)
    assert len(doc.entries) == 3
    shown = shown_text(doc)
    assert "Coding FAQ 2026" not in shown and "Page " not in shown
    assert doc.entries[0].answer.split()[-1] == "reportable."


def test_html_schema_org_faq_markup(tmp_path: Path) -> None:
    html = page(
        "<h1>Physics FAQ</h1><div itemscope itemtype='https://schema.org/FAQPage'>"
        "<div itemscope itemprop='mainEntity' itemtype='https://schema.org/Question'>"
        "<h3 itemprop='name'>Is 77336 reported weekly?</h3>"
        "<div itemscope itemprop='acceptedAnswer' itemtype='https://schema.org/Answer'>"
        "<div itemprop='text'><p>Yes, once per five fractions.</p><p>Document the review.</p>"
        "</div></div></div></div>" + DISCLAIMER)
    doc = parse_html(tmp_path, html)
    assert [(e.question, e.answer) for e in doc.entries] == [
        ("Is 77336 reported weekly?", "Yes, once per five fractions.\n\nDocument the review.")]
    assert doc.document.title == "T"


def test_html_without_semantic_tags_drops_div_headers_footers_and_banners(tmp_path: Path) -> None:
    html = ("<html><head><title>Physics FAQ</title></head><body>"
            "<div id='header'><div class='top-menu'>Members Login</div></div>"
            "<div class='content shared-styles'>" + QA + "<p>Answer text.</p>" + DISCLAIMER
            + "</div><div id='footer'><p>1 Example Way, Springfield</p><p>Follow us</p></div>"
            "<div class='share-buttons'>Share this page</div></body></html>")
    doc = parse_html(tmp_path, html)
    assert doc.entries[0].answer == "Answer text."
    assert doc.document.notice == ""
    assert "Members" not in shown_text(doc) and "Share" not in shown_text(doc)


# --- the fixture corpus: every entry, every paragraph, no chrome --------------------------------
# paragraphs per answer (a table counts as one paragraph), as the documents give them
PARAGRAPHS = {
    "treatment-devices.html": [2, 3, 2],
    "planning-accordion.html": [2, 1, 2, 1],
    "simulation-faq.txt": [3, 1, 2],
    "brachytherapy-notes.md": [3, 2],
    "image-guidance.html": [3, 1],
    "special-procedures.md": [2, 2],
    "management-faq.txt": [2, 2],
    "hyperthermia-faq.html": [2, 1],
    "delivery-accordion.html": [3, 2, 2],  # markup-only layouts (tests/ingest/test_faq_markup.py)
    "physics-bootstrap.html": [2, 1],
    "brachy-faq-blocks.html": [1, 2, 1],
    "simulation-jsonld.html": [2, 2],
}


def test_fixture_corpus_parses_whole(tmp_path: Path) -> None:
    from ingest.build import load_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in PARAGRAPHS:
        (corpus / name).write_bytes((FIXTURES / name).read_bytes())
    docmaker.make_docx_blocks(corpus / "physics-faq.docx", DOCX_BLOCKS)
    loaded = load_corpus(corpus)
    assert len(loaded.documents) == 13
    for doc in loaded.documents:
        if doc.document.filename in PARAGRAPHS:
            got = [e.answer.count("\n\n") + 1 for e in doc.entries]
            assert got == PARAGRAPHS[doc.document.filename], doc.document.filename
        text = shown_text(doc)
        for chrome in CHROME:
            assert chrome not in text, (doc.document.filename, chrome)
        assert doc.document.disclaimer and all(e.answer and e.question for e in doc.entries)
    assert sum(len(d.entries) for d in loaded.documents) == 31


def test_html_page_laid_out_in_a_table_is_read_as_blocks(tmp_path: Path) -> None:
    html = ("<html><body><table><tr><td rowspan='2'><a href='/'>Home</a></td><td>"
            "<p><b>Coding Question:</b> Q one?</p><p><b>Coding Answer:</b> A one.</p>"
            "<table><tr><td>77332</td><td>Yes</td></tr><tr><td>77333</td><td>No</td></tr>"
            "</table><p><b>Disclaimer:</b> Opinions.</p></td></tr><tr><td>x</td></tr></table>"
            "</body></html>")
    doc = parse_html(tmp_path, html)
    assert doc.entries[0].answer == "A one.\n\n77332 | Yes\n77333 | No"
    assert doc.document.disclaimer == "Opinions."


def test_html_malformed_span_is_one_cell(tmp_path: Path) -> None:
    html = page(QA + "<table><tr><td rowspan='x'>77332</td><td>Yes</td></tr></table>"
                + DISCLAIMER)
    assert parse_html(tmp_path, html).entries[0].answer == "77332 | Yes"
