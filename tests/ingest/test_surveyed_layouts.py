"""Layouts seen on real coding FAQ pages (society, contractor, vendor and hospital FAQs): each
written here in our own words, in the formats publishers use, with what the parser must make of
it — whole answers, nothing of the page's chrome in them, and a refusal naming the line where
the end of an answer or a question cannot be told."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import CorpusFormatError
from tests.ingest import docmaker
from tests.ingest.layouts import parse, qa, write

NOTICE = "CPT is a registered trademark of the American Medical Association."
DISCLAIMER_HTML = ("<h2>Disclaimer</h2><p>These replies are our desk's views, not payer rulings."
                   "</p><p>CPT is a registered trademark of the American Medical Association.</p>")
DISCLAIMER_TEXT = ("Disclaimer: These replies are our desk's views, not payer rulings.\n\n"
                   "CPT is a registered trademark of the American Medical Association.\n")
PAIRS = [("How many units of 77300 go with one plan?",
          "One per calculation point the physician signs.\n\nKeep each calculation on file."),
         ("Is 77280 billed for a verification session?",
          "Yes, when the session meets the simulation definition.")]


def page(body: str, tail: str = DISCLAIMER_HTML) -> str:
    return (f"<html><head><title>Desk FAQ</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<main><h1>Desk FAQ</h1>\n{body}\n{tail}</main><footer>© 2026 Desk Group · "
            "Privacy Policy</footer></body></html>")


# --- layouts that must parse to the two pairs ----------------------------------------------------
def _html_pairs(q: str, a: str) -> str:
    return "".join(f"<p>{p}</p>" for p in a.split("\n\n"))


ARIA_IN_HEADINGS = "<div class='faq-list'>" + "".join(
    f"<div class='item'><h3><button aria-expanded='false' aria-controls='p{n}'>{q}</button></h3>"
    f"<div id='p{n}' hidden>{_html_pairs(q, a)}</div></div>"
    for n, (q, a) in enumerate(PAIRS)) + "</div>"
LAYOUTS = {
    "details": "".join(f"<details><summary>{q}</summary>{_html_pairs(q, a)}</details>"
                       for q, a in PAIRS),
    "aria button inside a heading": ARIA_IN_HEADINGS,
    "definition list": "<dl>" + "".join(
        f"<dt>{q}</dt>" + "".join(f"<dd>{p}</dd>" for p in a.split("\n\n")) for q, a in PAIRS)
        + "</dl>",
    "strong Q: / A: inline": "".join(
        f"<p><strong>Q:</strong> {q}</p><p><strong>A:</strong> {a.split(chr(10))[0]}</p>"
        + "".join(f"<p>{p}</p>" for p in a.split("\n\n")[1:]) for q, a in PAIRS),
    "bold paragraphs": "".join(f"<p><b>{q}</b></p>{_html_pairs(q, a)}" for q, a in PAIRS),
    "table with a worded header": "<table><thead><tr><th>Member question</th><th>Committee "
        "response</th></tr></thead><tbody>" + "".join(
            f"<tr><td>{q}</td><td>{_html_pairs(q, a)}</td></tr>" for q, a in PAIRS)
        + "</tbody></table>",
    "table headed by its columns' first words": "<table><tr><th>Question from our members"
        "</th><th>Answer of the desk</th></tr>" + "".join(
            f"<tr><td>{q}</td><td>{_html_pairs(q, a)}</td></tr>" for q, a in PAIRS)
        + "</table>",
    "numbered headings with a review note": "".join(
        f"<h3>{n}. {q} (Reviewed 03/02/26)</h3>{_html_pairs(q, a)}"
        for n, (q, a) in enumerate(PAIRS, 1)),
    "Q1: / A: with 'Return to top' after each answer": "".join(
        f"<p>Q{n}: {q}</p><p>A: {a.split(chr(10))[0]}</p>"
        + "".join(f"<p>{p}</p>" for p in a.split("\n\n")[1:])
        + "<p><a href='#top'>Return to top</a></p>" for n, (q, a) in enumerate(PAIRS, 1)),
    "labelled headings, a question not worded as one": "".join(
        f"<h3>Question</h3><p>{q}</p><h3>Answer</h3>{_html_pairs(q, a)}" for q, a in PAIRS),
}


@pytest.mark.parametrize("layout", list(LAYOUTS), ids=list(LAYOUTS))
def test_html_layouts_give_whole_answers_and_no_chrome(tmp_path: Path, layout: str) -> None:
    doc = parse(write(tmp_path, "desk.html", page(LAYOUTS[layout])))
    got = qa(doc)
    if layout.startswith("numbered headings"):  # the publisher's review note stays verbatim
        got = [(q.replace(" (Reviewed 03/02/26)", ""), a) for q, a in got]
    assert got == PAIRS
    shown = "\n".join([doc.document.disclaimer, doc.document.notice, *(a for _, a in got)])
    for chrome in ("Home", "Privacy", "©", "Return to top"):
        assert chrome not in shown
    assert doc.document.notice == NOTICE


def test_a_question_phrased_as_a_request_under_a_question_label(tmp_path: Path) -> None:
    body = ("<h3>Question</h3><p>Please clarify how 77470 is reported for total skin electron "
            "therapy.</p><h3>Answer</h3><p>Once per course, with the extra work documented.</p>")
    (entry,) = parse(write(tmp_path, "request.html", page(body))).entries
    assert entry.question.startswith("Please clarify how 77470")
    assert entry.answer == "Once per course, with the extra work documented."


def test_answers_keep_nested_lists_and_tables(tmp_path: Path) -> None:
    body = ("<h3>Which codes go with a tandem and ring insertion?</h3><p>Usually these:</p><ul>"
            "<li>57155 for the insertion<ul><li>by the gynecologic surgeon, or</li><li>by the "
            "radiation oncologist</li></ul></li><li>77771 or 77772 for delivery</li></ul><table>"
            "<tr><th>Code</th><th>Each fraction?</th></tr><tr><td>77771</td><td>Yes</td></tr>"
            "</table><p>Check the payer's edits.</p><h3>Is 77790 billed with HDR?</h3><p>Yes, "
            "when source handling is documented.</p>")
    first, last = parse(write(tmp_path, "nested.html", page(body))).entries
    for part in ("by the radiation oncologist", "77771 or 77772 for delivery",
                 "Code | Each fraction?\n77771 | Yes", "Check the payer's edits."):
        assert part in first.answer
    assert last.answer == "Yes, when source handling is documented."


@pytest.mark.parametrize("name,label", [("paren.txt", "Q1)"), ("paren.txt", "1)"),
                                        ("paren.md", "**Q1)**")])
def test_questions_numbered_with_a_parenthesis(tmp_path: Path, name: str, label: str) -> None:
    second = label.replace("1", "2")
    text = (f"Physics Desk FAQ\n\n{label} {PAIRS[0][0]}\n\n{PAIRS[0][1]}\n\n{second} "
            f"{PAIRS[1][0]}\n\n{PAIRS[1][1]}\n\n{DISCLAIMER_TEXT}")
    assert qa(parse(write(tmp_path, name, text))) == PAIRS


def test_return_to_top_lines_in_plain_text_are_not_answer_text(tmp_path: Path) -> None:
    text = (f"Desk FAQ\n\nQ1: {PAIRS[1][0]}\nA: {PAIRS[1][1]}\nBack to top\n\nQ2: Is 77301 used "
            f"for proton plans?\nA: Yes, when the plan is intensity modulated.\n^ Return to top\n"
            f"Print | Email | Share\n↑ Top\n\n{DISCLAIMER_TEXT}")
    doc = parse(write(tmp_path, "top.txt", text))
    assert [e.answer for e in doc.entries] == [PAIRS[1][1], "Yes, when the plan is intensity "
                                               "modulated."]


def test_word_outline_numbered_question_headings(tmp_path: Path) -> None:
    path = docmaker.make_docx_blocks(tmp_path / "outline.docx", [
        ("h1", "Physics Desk Answers"), ("h2", "1. Weekly physics"),
        ("heading", f"1.1 {PAIRS[0][0]}"), *[("p", p) for p in PAIRS[0][1].split("\n\n")],
        ("h2", "2. Simulation"), ("heading", f"2.1 {PAIRS[1][0]}"), ("p", PAIRS[1][1]),
        ("heading", "Disclaimer"), ("p", "Views of our desk only.")])
    assert qa(parse(path)) == PAIRS


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_question_answer_tables_headed_in_words(tmp_path: Path, fmt: str) -> None:
    rows = [["Member question", "Desk reply"], *[[q, a.split("\n\n")[0]] for q, a in PAIRS]]
    if fmt == "md":
        md = "# FAQ\n\n" + "\n".join(["| " + " | ".join(rows[0]) + " |", "|---|---|",
                                      *("| " + " | ".join(r) + " |" for r in rows[1:])])
        path = write(tmp_path, "table.md", md + "\n\n" + DISCLAIMER_TEXT)
    else:
        path = docmaker.make_docx_blocks(tmp_path / "table.docx", [
            ("h1", "FAQ"), ("table", rows), ("heading", "Disclaimer"), ("p", "Views only.")])
    assert [q for q, _ in qa(parse(path))] == [q for q, _ in PAIRS]


# --- what comes after the last answer ------------------------------------------------------------
HEADED = ("<h3>Is 77280 one area?</h3><p>Yes, a single treatment area.</p>"
          "<h3>Is 77285 two areas?</h3><p>Yes.</p><p>Both areas must be documented.</p>")
LABELLED = ("<p><strong>Coding Question:</strong> Is 77280 one area?</p><p><strong>Coding "
            "Answer:</strong> Yes, a single treatment area.</p><p><strong>Coding Question:"
            "</strong> Is 77285 two areas?</p><p><strong>Coding Answer:</strong> Yes.</p>"
            "<p>Both areas must be documented.</p>")
CLOSING = {
    # the site's links to its other pages are navigation; links named as sources are kept
    "related articles": ("<h3>Related articles</h3><ul><li>Simulation levels explained</li>"
                         "<li>Planning code chart</li></ul>", ()),
    "related links": ("<h3>Related links</h3><ul><li>CMS NCCI policy manual, chapter IX</li>"
                      "<li>AMA CPT radiation oncology guidelines</li></ul>",
                      ("CMS NCCI policy manual, chapter IX",
                       "AMA CPT radiation oncology guidelines")),
    "resources with prose": ("<h3>Resources</h3><p>The society prints a yearly coding guide.</p>",
                             ("The society prints a yearly coding guide.",)),
    "about us": ("<h3>About us</h3><p>The desk has served members since 2001. We reply weekly."
                 "</p>", ()),
    "contact": ("<h2>Contact us</h2><p>Write to the desk at any time.</p>", ()),
    "about the author": ("<h3>About the author</h3><p>Pat Lee has coded for ten years.</p>"
                         "<h4>Credentials</h4><p>Certified coder.</p>", ()),
    "feedback prompt": ("<h3>Was this page helpful?</h3><button>Yes</button><button>No</button>",
                        ()),
    "a prompt that asks": ("<h3>Still have questions?</h3><p>Email the coding desk; we reply "
                           "within a week.</p><h3>Contact the coding desk</h3><p>Call us on "
                           "weekdays.</p>", ()),
}


@pytest.mark.parametrize("entries", [HEADED, LABELLED], ids=["question headings", "labels"])
@pytest.mark.parametrize("closing", list(CLOSING), ids=list(CLOSING))
def test_closing_sections_are_references_or_dropped(tmp_path: Path, entries: str,
                                                    closing: str) -> None:
    body, references = CLOSING[closing]
    doc = parse(write(tmp_path, "closing.html", page(entries + body)))
    assert qa(doc)[-1] == ("Is 77285 two areas?", "Yes.\n\nBoth areas must be documented.")
    assert len(doc.entries) == 2 and doc.document.references == references


@pytest.mark.parametrize("closing,kept", [
    ("Related resources\n\nHarbor simulation chart", ("Harbor simulation chart",)),
    ("About the Society\n\nThe society was founded in 1990 and serves coders.", ()),
], ids=["references", "page matter"])
def test_a_closing_title_line_ends_the_last_answer_in_plain_text(
        tmp_path: Path, closing: str, kept: tuple[str, ...]) -> None:
    text = (f"Desk FAQ\n\nCoding Question: Is 77280 one area?\nCoding Answer: Yes.\n\nIt is the "
            f"simple level.\n\n{closing}\n\n{DISCLAIMER_TEXT}")
    doc = parse(write(tmp_path, "closing.txt", text))
    assert qa(doc) == [("Is 77280 one area?", "Yes.\n\nIt is the simple level.")]
    assert doc.document.references == kept


@pytest.mark.parametrize("name,text,line", [
    ("last.md", "# FAQ\n\n### Is 77280 one area?\n\nYes.\n\n### Can three areas be billed\n\n"
                "Use 77290 when three areas are simulated.\n\n" + DISCLAIMER_TEXT, 7),
    ("last.html", "<html><body><main>\n<h1>FAQ</h1>\n<h3>Is 77280 one area?</h3>\n<p>Yes.</p>\n"
                  "<h3>Can three areas be billed</h3>\n<p>Use 77290 when three areas are simulated."
                  "</p>\n" + DISCLAIMER_HTML + "</main></body></html>", 5),
], ids=["md", "html"])
def test_an_unworded_last_question_is_refused_naming_its_line(tmp_path: Path, name: str,
                                                              text: str, line: int) -> None:
    """The known risk: a last question without '?' (it opens as one) would otherwise become
    references."""
    with pytest.raises(CorpusFormatError) as err:
        parse(write(tmp_path, name, text))
    e = err.value
    assert e.line == line
    assert "the heading 'Can three areas be billed'" in e.problem
    assert "cannot tell whether it is a question or a closing section" in e.problem
    assert "end it with '?'" in e.hint and "'References'" in e.hint


def test_an_unworded_last_question_in_word_is_refused(tmp_path: Path) -> None:
    path = docmaker.make_docx_blocks(tmp_path / "last.docx", [
        ("h1", "Desk"), ("heading", "Is 77336 billed for two fractions?"), ("p", "No."),
        ("heading", "Who signs the 77336 weekly check"), ("p", "The physicist signs it."),
        ("heading", "Disclaimer"), ("p", "Views only.")])
    with pytest.raises(CorpusFormatError, match=r"last\.docx:4: the heading 'Who signs the 77336 "
                                                r"weekly check' on line 4: cannot tell"):
        parse(path)


@pytest.mark.parametrize("title", ["Notes", "Glossary", "Appendix", "Billing tips",
                                   "Acknowledgments"])
def test_a_closing_title_that_cannot_ask_is_the_documents_own_matter(tmp_path: Path,
                                                                      title: str) -> None:
    """A noun-phrase title after the last answer (no question word, no code) is closing matter,
    kept with the references; only a title that could be an unworded question is refused."""
    text = (f"# FAQ\n\n### Is 77280 one area?\n\nYes.\n\n### {title}\n\nThe society reviews "
            f"these answers each year.\n\n" + DISCLAIMER_TEXT)
    doc = parse(write(tmp_path, "closing.md", text))
    assert qa(doc) == [("Is 77280 one area?", "Yes.")]
    assert doc.document.references == ("The society reviews these answers each year.",)


def test_unknown_trailing_sections_without_prose_or_above_the_questions_are_references(
        tmp_path: Path) -> None:
    """Titles and links under an unknown heading, or a higher heading, cannot be a question."""
    links = "<h3>Planning charts</h3><ul><li>Harbor Simulation Chart</li></ul>"
    doc = parse(write(tmp_path, "links.html", page(HEADED + links)))
    assert doc.document.references == ("Harbor Simulation Chart",)
    higher = "<h2>Our committee</h2><p>The committee meets monthly to review questions.</p>"
    doc = parse(write(tmp_path, "higher.html", page(HEADED + higher)))
    assert doc.document.references == ("The committee meets monthly to review questions.",)
    assert len(doc.entries) == 2


# --- one refusal for a bad question/answer table row ---------------------------------------------
def _merged_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("FAQ", level=1)
    table = d.add_table(rows=3, cols=2)
    for r, (q, a) in enumerate([("Question", "Answer"), ("Is 77280 one area?", "Yes."),
                                ("Is 77285 two areas?", "Yes.")]):
        table.cell(r, 0).text, table.cell(r, 1).text = q, a
    table.cell(1, 1).merge(table.cell(2, 1))
    d.add_paragraph("Disclaimer: Views only.")
    d.save(str(path))
    return path


def test_a_bad_question_answer_row_gets_one_message_in_every_format(tmp_path: Path) -> None:
    md = write(tmp_path, "rows.md", "# FAQ\n\n| Question | Answer |\n|---|---|\n| One? | Yes. "
                                    "| extra |\n\n" + DISCLAIMER_TEXT)
    html = write(tmp_path, "rows.html", page(
        "<table><tr><th>Question</th><th>Answer</th></tr><tr><td rowspan='2'>One?</td><td>Yes."
        "</td></tr><tr><td>No.</td></tr></table>"))
    errors = []
    for path in (md, html, _merged_docx(tmp_path / "rows.docx")):
        with pytest.raises(CorpusFormatError) as err:
            parse(path)
        errors.append(err.value)
    assert errors[0].problem == "a row of the question/answer table has 3 cells"
    assert errors[1].problem == "a row of the question/answer table has 2 cells, one of them merged"
    assert errors[2].problem == errors[1].problem
    assert len({e.hint for e in errors}) == 1 and "one question cell and one answer cell" in \
        errors[0].hint
    assert [e.line for e in errors] == [5, 2, 3]


# --- accordions grouped under section headings ---------------------------------------------------
GROUPED = ("<p>Click a question to see its answer.</p><h2>Planning</h2><p>Questions members ask "
           "about planning.</p><details><summary>Is 77263 billed once per course?</summary><p>"
           "Yes, once.</p></details><h2>Delivery</h2><p>Questions members ask about delivery.</p>"
           "<details><summary>Is 77412 billed daily?</summary><p>Yes, per session.</p></details>")


def test_accordion_groups_under_section_headings_with_introductions(tmp_path: Path) -> None:
    """The answers' containers are closed: a section heading and its introduction between them
    are neither answer, and are not shown."""
    doc = parse(write(tmp_path, "groups.html", page(GROUPED)))
    assert qa(doc) == [("Is 77263 billed once per course?", "Yes, once."),
                       ("Is 77412 billed daily?", "Yes, per session.")]
    assert "members ask" not in "\n".join(e.answer for e in doc.entries)


def test_a_section_heading_with_text_and_no_question_after_it_is_still_refused(
        tmp_path: Path) -> None:
    body = GROUPED + "<h2>Imaging</h2><p>Imaging guidance is billed per session.</p>"
    with pytest.raises(CorpusFormatError, match=r"the heading 'Imaging' on line 2 is followed "
                                                r"by text between entries"):
        parse(write(tmp_path, "after.html", page(body)))


def test_the_publishers_closing_summary_is_kept_with_the_references(tmp_path: Path) -> None:
    body = HEADED + "<h3>Key takeaways</h3><p>Count the areas before choosing a level.</p>"
    doc = parse(write(tmp_path, "summary.html", page(body)))
    assert doc.document.references == ("Count the areas before choosing a level.",)


def test_a_note_lead_in_stays_in_the_last_answer(tmp_path: Path) -> None:
    text = ("Desk FAQ\n\nCoding Question: Is 77280 one area?\nCoding Answer: Yes.\n\nNote\n\n"
            "Keep the simulation images with the record.\n\n" + DISCLAIMER_TEXT)
    (entry,) = parse(write(tmp_path, "note.txt", text)).entries
    assert entry.answer == "Yes.\n\nNote\n\nKeep the simulation images with the record."


@pytest.mark.parametrize("name,text", [
    ("legal.txt", "Desk FAQ\n\nQ: Is 77280 one area?\nA: Yes.\n\nLegal disclaimer: Views of the "
                  "desk only, not payer policy.\n\nCPT is a registered trademark of the AMA.\n"),
    ("liability.md", "# Desk FAQ\n\n### Is 77280 one area?\n\nYes.\n\n### Limitation of "
                     "liability\n\nViews of the desk only, not payer policy.\n\nCPT is a "
                     "registered trademark of the AMA.\n"),
], ids=["legal disclaimer label", "limitation of liability heading"])
def test_publishers_other_names_for_the_disclaimer(tmp_path: Path, name: str, text: str) -> None:
    doc = parse(write(tmp_path, name, text))
    assert qa(doc) == [("Is 77280 one area?", "Yes.")]
    assert doc.document.disclaimer == "Views of the desk only, not payer policy."
    assert doc.document.notice == "CPT is a registered trademark of the AMA."
