"""Layouts met on real FAQ pages that the parser had not seen (help-centre article lists, footnoted
answers, anchored headings…), each written in our own words as a fixture: what the parser must
make of it is whole answers, nothing of the page's chrome in them, the disclaimer found — or a
refusal naming the line where it cannot tell."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.lines import Line
from retrieval.errors import CorpusFormatError
from tests.ingest.layouts import parse, qa

FIXTURES = Path(__file__).parent / "fixtures"
NOTICE = "CPT is a registered trademark of the American Medical Association."


def shown(name: str) -> str:
    """Everything a coder can be shown from the fixture."""
    doc = parse(FIXTURES / name)
    d = doc.document
    return "\n".join([d.title, d.disclaimer, d.notice, *d.references,
                      *(f"{q}\n{a}" for q, a in qa(doc))])


def test_help_centre_vote_widget_and_heading_permalinks_are_chrome() -> None:
    """A help centre's "Did this answer your question?", its emoji faces and the messages it
    shows after a vote follow every article; the "¶" / "#" a site prints after each heading to
    copy its link is no part of the question (the question still ends with its "?")."""
    doc = parse(FIXTURES / "help-centre-article-list.html")
    assert qa(doc) == [
        ("How many units of 77300 go with one plan?",
         "One unit for each calculation point the physician reviews and signs.\n\n"
         "Keep every calculation with the plan, so the units can be counted back."),
        ("Is 77280 reported for a verification session before treatment?",
         "No. A verification session before the first treatment is not a simulation; it is "
         "part of the first treatment's work."),
    ]
    assert doc.document.disclaimer.startswith("These articles are offered for general education")
    assert doc.document.notice == NOTICE
    text = shown("help-centre-article-list.html")
    for chrome in ("Did this answer", "😞", "😃", "feedback", "¶", "#", "Privacy", "Search"):
        assert chrome not in text, chrome


def test_a_footnote_mark_set_as_a_superscript_never_runs_into_a_code() -> None:
    """"77300<sup>1</sup>" is code 77300 with note 1 (a linked mark, or one right after a digit
    or a sentence's end), shown "77300[1]", never the code 773001; a superscript that is no
    footnote mark ("CPT<sup>®</sup>") stays as it is. The notes are the references."""
    doc = parse(FIXTURES / "physics-footnotes.html")
    first, second = doc.entries
    assert first.answer == (
        "Yes. Report 77300[1] once for each calculation point the physician signs, even on the "
        "same date.\n\nEach calculation must stand on its own in the record.[2]")
    assert second.answer.startswith("Per week of treatment: 77336[3] covers five fractions, "
                                    "and the CPT® rules")
    codes = {c.code for e in doc.entries for c in e.codes}
    assert {"77300", "77336"} <= codes and not {"773001", "773363"} & codes
    assert doc.document.references == (
        "CPT Professional edition, radiation oncology guidelines.",
        "Our reading of the physics consult definitions.",
        "Payer manuals may set their own counting rules.")
    assert doc.document.notice == NOTICE


def test_a_markdown_headings_attribute_list_is_not_its_words() -> None:
    """"## Can 77263 be billed…? {#planning-twice}" (Pandoc, kramdown, MkDocs anchors) asks."""
    doc = parse(FIXTURES / "anchored-headings.md")
    assert doc.document.title == "Treatment Planning Coding Notes"
    assert qa(doc) == [
        ("Can 77263 be billed more than once in a course?",
         "Only when the plan is changed so much that a new plan is made, and the record says "
         "why.\n\nA change of dose alone is not a new plan."),
        ("Is 77290 billed for a resimulation after weight loss?",
         "Yes, when the resimulation meets the complex simulation definition and is documented "
         "as such."),
    ]
    assert doc.document.disclaimer.startswith("These notes are general education")
    assert "{" not in shown("anchored-headings.md")


def test_word_text_in_tracked_changes_content_controls_and_text_boxes_is_read() -> None:
    """What Word shows is read wherever the document keeps it: a tracked insertion ("and signs",
    a tracked deletion is not shown), an answer inside a content control (and a word inside an
    inline one), a note set in a text box (once, not again from its fallback copy); the table of
    contents' control is navigation and is not read. (python-docx's own text skipped all of these:
    the first answer lost its last words and its note, the second answer was lost.)"""
    doc = parse(FIXTURES / "tracked-changes-guide.docx")
    assert doc.document.title == "Physics and Devices Billing Guide (revised draft)"
    assert qa(doc) == [
        ("Can 77300 be reported for each calculation point?",
         "Yes, once for each point the physician reviews and signs.\n\n"
         "Note: a calculation the physician has not signed is not reported."),
        ("Is a custom bolus reported with 77334?",
         "Yes, when it is designed and built for the patient.\n\n"
         "A stock bolus sheet is not a treatment device."),
    ]
    text = shown("tracked-changes-guide.docx")
    assert "physicist" not in text and "Contents" not in text
    assert doc.document.disclaimer.startswith("This guide is offered for general education")
    assert doc.document.notice == NOTICE


def test_questions_run_in_bold_at_the_head_of_their_answers_in_html() -> None:
    """A newsletter's question column: "<strong>Can 77290 be billed…?</strong> Yes. …" — the
    bold lead-in that asks is the question, the rest of its paragraph and the paragraphs after it
    the answer; a bold "Note:" that asks nothing stays in the answer; section headings, "Back to
    top" and the page's chrome are in no answer. (Refused before: no Q&A pairs found.)"""
    doc = parse(FIXTURES / "coding-corner-run-in.html")
    assert doc.document.title == "Coding Corner — Spring Issue"
    assert [e.question for e in doc.entries] == [
        "Can 77290 be billed for a second simulation when the patient has lost weight "
        "mid-course?",
        "Is 77263 reported again when the dose is changed?",
        "How many units of 77336 go with a four-fraction course?"]
    first, second, third = (e.answer for e in doc.entries)
    assert first == ("Yes. A new simulation made because the set-up no longer fits is reported "
                     "again, as long as the record says why it was needed.\n\nNote: a check of "
                     "the old set-up on the treatment unit is not a simulation.")
    assert second.endswith("only a new plan with its own decision earns a second 77263.")
    assert third == ("One. 77336 is reported for each week of five fractions, and the rules "
                     "count the remaining fractions of a course as a week when:\n\nthey are "
                     "three or four fractions, or\nthey are the whole course.\n\nRecord the "
                     "fractions in the physics note.")
    text = shown("coding-corner-run-in.html")
    for chrome in ("Back to top", "Planning and simulation", "Physics\n", "Past issues",
                   "Privacy", "©"):
        assert chrome not in text, chrome
    assert doc.document.disclaimer.startswith("Coding Corner is offered as general information")
    assert doc.document.notice == NOTICE


def test_questions_run_in_bold_in_markdown_and_a_short_asking_lead_in_stays_in_its_answer() -> None:
    """`**…?**` or `__…?__` opening a paragraph, the answer going on over wrapped lines; a
    lead-in of a word or two that asks ("**Why?** Because…") names nothing a coder asks about: it
    is a line of the answer it stands in, not a question."""
    doc = parse(FIXTURES / "readers-questions-run-in.md")
    assert qa(doc) == [
        ("Is 77778 reported for each insertion of an interstitial implant?",
         "Yes, for each\ninsertion the physician performs and documents; removal is part of the "
         "service."),
        ("Can 77370 be billed for a seed implant?",
         "Only when the physicist is asked, in writing,\nto work on a problem the routine physics "
         "of the implant does not cover.\n\nWhy? Because routine physics is already paid with "
         "the implant codes."),
        ("Does the HDR source loading code go with every fraction?",
         "Yes, one per fraction\ndelivered."),
    ]
    assert doc.document.disclaimer == ("These answers are for educational purposes only and are "
                                       "not legal advice.")
    assert doc.document.notice == NOTICE


def test_questions_run_in_bold_in_word() -> None:
    """Word: a paragraph opening with bold runs that ask, plain runs after them."""
    doc = parse(FIXTURES / "run-in-tips.docx")
    assert qa(doc) == [
        ("Can 77014 be billed on the same day as 77387?",
         "No. Report one image guidance code for the session:\n\nuse 77387 when the guidance is "
         "by ultrasound or surface, or\n\nuse 77014 when a CT is acquired for guidance."),
        ("Is G6015 reported for each IMRT fraction?",
         "Yes, once per fraction delivered in the hospital outpatient setting.\n\nKeep the "
         "delivery record for each fraction with the plan."),
    ]
    assert doc.document.disclaimer.startswith("These tips are for educational purposes only")


def test_one_run_in_question_is_not_a_layout(tmp_path: Path) -> None:
    """A single bold lead-in that asks, in an answer of a page with no other structure, is not
    enough to read questions by: the page is refused as before, not guessed at."""
    path = tmp_path / "one.md"
    path.write_text("# Notes\n\n**Can we bill 77300 twice on one day?** Yes, per point.\n\n"
                    "Disclaimer: Not legal advice.\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="no Q&A pairs found"):
        parse(path)


def test_markdown_setext_headings_are_headings() -> None:
    """"Intraoperative radiation" over "-----" is a heading (CommonMark's setext form), as "##"
    would be: it ends the answer above, and its introduction is no answer. (Before, both were
    read as two more paragraphs of the answer above them.)"""
    doc = parse(FIXTURES / "setext-sections.md")
    assert doc.document.title == "Special Procedures: Coding Answers"
    assert qa(doc) == [
        ("Is 77470 reported for total body irradiation?",
         "Yes, once per course, when the extra physician and physics work is documented.\n\n"
         "The daily treatment management is reported as usual."),
        ("Can 77470 be reported twice when the course is split?",
         "No. One course, one 77470, however many sessions it takes."),
        ("Which codes describe the physician's work for an intraoperative electron treatment?",
         "77469 for the management of the intraoperative treatment; the delivery and the "
         "planning have\ntheir own codes."),
    ]
    text = shown("setext-sections.md")
    assert "---" not in text and "===" not in text and "spring meeting" not in text
    assert doc.document.disclaimer == ("These answers are offered as general education and are "
                                       "not legal advice.")
    assert doc.document.notice == NOTICE


def test_a_line_over_a_dash_rule_in_a_list_or_after_a_paragraph_line_is_no_heading() -> None:
    """Only a paragraph of one line is taken for a setext heading: a list item or the last
    line of a longer paragraph over "---" is left as it was."""
    from ingest.readers.text import setext_headings

    lines = [Line(n, t) for n, t in enumerate(
        ["Intro", "", "- an item", "---", "", "first line", "second line", "---", "", "Title",
         "====="], 1)]
    assert setext_headings(lines) == {9: 1}


def test_a_note_set_as_an_aside_inside_an_answer_is_part_of_it() -> None:
    """An `<aside>` (or role=complementary) inside an answer's container — a `<details>` body,
    a `<dd>` — is the answer's own callout ("Note: …", "Tip: …") and stays in it; the page's
    sidebar aside is chrome as before. (Before, both callouts were silently dropped.)"""
    doc = parse(FIXTURES / "accordion-callouts.html")
    assert [a for _, a in qa(doc)] == [
        "Once per plan: a new plan for a later insertion is reported again when it is a new "
        "calculation.\n\nNote: a plan reused unchanged for a later fraction is not a new plan.",
        "No. Source handling is included in the HDR delivery codes.",
        "The practice that employs the physicist who did the consult, on a written request."
        "\n\nTip: keep the request with the consult note.",
    ]
    text = shown("accordion-callouts.html")
    assert "Popular topics" not in text and "SBRT" not in text
    assert doc.document.disclaimer.startswith("This FAQ is general information")


def test_a_question_answer_table_with_a_column_of_item_numbers() -> None:
    """"No. | Provider question | Plan response": the item numbers are the table's, as a list's
    are; each row is an entry, its answer cell read as paragraphs and lists. (Before: no Q&A
    pairs found in HTML and Word, and in HTML a misleading "question label with no text".)"""
    doc = parse(FIXTURES / "payer-numbered-table.html")
    assert qa(doc) == [
        ("Does the plan need an authorization for each phase of a sequential boost?",
         "No. One authorization covers the course as prescribed, boost included.\n\n"
         "A new authorization is needed only when the prescription changes."),
        ("Is 77427 paid for a course of three fractions?",
         "Yes. The plan pays one unit of 77427 when the course has three or four fractions in "
         "its last week:\n\nthe fractions are counted by the delivery record, and\nthe "
         "management note must be signed."),
    ]
    text = shown("payer-numbered-table.html")
    assert "Back to top" not in text and "Providers" not in text and "©" not in text
    assert doc.document.disclaimer.startswith("These responses explain the plan's payment")


def test_word_tables_numbered_and_with_a_column_of_labels() -> None:
    """Word: "# | Inquiry | Reply", then a table whose first column holds "Q" and "A" and whose
    second holds the text, one row each."""
    doc = parse(FIXTURES / "payer-tables.docx")
    assert qa(doc) == [
        ("Is 77280 paid for a port film check?", "No. Port films are part of the delivery."),
        ("Is 77332 paid per device or per course?",
         "Per device designed and made.\n\nKeep the device description in the record."),
        ("Does 77470 need a separate authorization?",
         "No. It is authorized with the course it belongs to."),
        ("Is the HDR source paid separately?",
         "No. The source is included in the delivery payment."),
    ]
    assert "provider call" not in shown("payer-tables.docx")


def test_a_table_with_its_labels_in_a_column_of_their_own() -> None:
    """HTML: "<td><b>Q</b></td><td>…?</td>" rows, then "A" rows whose cell holds paragraphs."""
    doc = parse(FIXTURES / "label-column-table.html")
    assert qa(doc) == [
        ("Is 77600 reported once per treatment session?",
         "Yes, once for each session of superficial hyperthermia.\n\nThe session's "
         "temperature record supports it."),
        ("Can 77605 be billed with external beam treatment the same day?",
         "Yes, when both are given and documented."),
    ]


TOPIC_TABLE = {
    "topic.md": "# FAQ\n\n| Topic | Question | Answer |\n|---|---|---|\n"
                "| Planning | Is 77263 billed twice? | No, once per course. |\n\n"
                "Disclaimer: Not legal advice.\n",
    "topic.html": "<html><body><main><h1>FAQ</h1><table><tr><th>Topic</th><th>Question</th>"
                  "<th>Answer</th></tr><tr><td>Planning</td><td>Is 77263 billed twice?</td>"
                  "<td>No, once per course.</td></tr></table><p>Disclaimer: Not legal advice."
                  "</p></main></body></html>",
}


@pytest.mark.parametrize("name", sorted(TOPIC_TABLE))
def test_a_question_answer_table_with_another_column_is_refused_naming_it(
        tmp_path: Path, name: str) -> None:
    """"Topic | Question | Answer": the topic's text belongs to the question or to the answer,
    and which cannot be told; refused naming the column, never dropped or guessed."""
    path = tmp_path / name
    path.write_text(TOPIC_TABLE[name], encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"the question/answer table has a column "
                       r"'Topic' besides its question and answer columns"):
        parse(path)


def test_an_item_number_cell_holding_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "numbers.md"
    path.write_text("# FAQ\n\n| # | Question | Answer |\n|---|---|---|\n"
                    "| 1 | Is 77263 billed twice? | No, once per course. |\n"
                    "| see note | Is 77290 billed twice? | No. |\n\n"
                    "Disclaimer: Not legal advice.\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"numbers\.md:6: the item number cell of a "
                       r"question/answer table row holds 'see note', not a number"):
        parse(path)


def test_a_question_headings_review_note_in_brackets_or_abbreviated() -> None:
    """A contractor's note after the "?" ("[Posted 01/05/2026]", "(Rev. 02/2026)", "(Last updated
    March 2026)") is read as "(Reviewed 03/02/26)" always was: the heading still asks, and the
    note stays with the question as published. (Before: no Q&A pairs found.)"""
    doc = parse(FIXTURES / "contractor-review-notes.md")
    assert [q for q, _ in qa(doc)] == [
        "May 77401 be billed with a megavoltage delivery code on the same day? "
        "[Posted 01/05/2026]",
        "Is 77300 payable when the calculation is repeated for a changed plan? (Rev. 02/2026)",
        "Does the physics consult code need a written request? (Last updated March 2026)"]
    assert doc.entries[0].answer == (
        "No. 77401 describes superficial and orthovoltage delivery; it is not reported with "
        "the\nmegavoltage delivery codes for the same session.")
    assert "Back to top" not in shown("contractor-review-notes.md")
    assert doc.document.disclaimer.startswith("This FAQ is not intended to replace the written")


def test_a_government_design_system_accordion() -> None:
    """A GOV.UK-style accordion: the "…-toggle-text" label inside the button is the button's,
    not an answer (an answer is what a trigger reveals); text kept for screen readers only
    (", ", " this section", " (opens in new tab)") and the visible "Show" after the question are
    the control's, not the question's or the answer's words. (Before: refused, "the answer
    element <span class='govuk-accordion__show-all-text'> follows no question element".)"""
    doc = parse(FIXTURES / "government-accordion.html")
    assert qa(doc) == [
        ("Is 77338 reported once per IMRT plan?",
         "Yes. The multi-leaf collimator device for an IMRT plan is reported once for the plan, "
         "whatever the number of fields.\n\nSee the IMRT coding guide for plans that change "
         "mid-course."),
        ("Can 77293 be added to a plan without motion management?",
         "No. 77293 describes respiratory motion management simulation and needs that work to "
         "have been done and recorded."),
    ]
    text = shown("government-accordion.html")
    for chrome in ("Show", "this section", "opens in new tab", "Skip to", "Licence"):
        assert chrome not in text, chrome
    assert doc.document.disclaimer.startswith("This guidance is for information only")


def test_a_control_label_is_dropped_only_after_a_question() -> None:
    from ingest.readers.web import _CONTROL_LABEL

    assert _CONTROL_LABEL.sub("", "Can 77338 be billed twice? Show this section") == \
        "Can 77338 be billed twice?"
    assert _CONTROL_LABEL.sub("", "Can 77338 be billed twice?+") == "Can 77338 be billed twice?"
    for kept in ("How to open a plan", "Which codes show", "Billing tips: show"):
        assert _CONTROL_LABEL.sub("", kept) == kept


def test_word_footnotes_are_read_after_the_paragraph_that_marks_them() -> None:
    """A Word footnote is numbered as Word shows it; its mark reads "[1]" where it stands and
    its text is read after that paragraph, with the answer it annotates (the separators Word
    keeps among the footnotes are not notes). (Before, the notes were lost without a word.)"""
    doc = parse(FIXTURES / "footnoted-answers.docx")
    assert qa(doc) == [
        ("Is 77261 reported for a single palliative field?",
         "Yes. Simple planning covers a single treatment area[1] with no special blocking.\n\n"
         "[1] CPT Professional, radiation oncology introductory guidelines."),
        ("Can 77263 be reported by two physicians for one course?",
         "No. One physician reports the complex planning for the course.[2]\n\n"
         "[2] The plan's own payment policy, section 4.2."),
    ]
    assert doc.document.disclaimer == ("These answers are educational only and are not legal "
                                       "advice.")


def test_a_printed_help_centre_article_in_pdf() -> None:
    """The same vote widget printed to PDF (bold questions, a review note in brackets): its lines
    are no answer text. (Before: refused at "Thanks for the feedback", taken for the last
    answer's unclear tail.)"""
    doc = parse(FIXTURES / "printed-help-centre.pdf")
    assert qa(doc) == [
        ("Is G6012 reported for each fraction of a 3D conformal course?",
         "Yes, once per fraction delivered, at the energy and complexity the record shows."),
        ("Can 77387 be reported with a CT guidance code for the same session? [Posted 02/2026]",
         "No. One image guidance code is reported for a session; choose the one that matches "
         "the guidance actually used."),
    ]
    text = shown("printed-help-centre.pdf")
    assert "Did this answer" not in text and "feedback" not in text and "Page 1" not in text
    assert doc.document.disclaimer.startswith("These articles are offered for general education")
    assert doc.document.notice == NOTICE


def test_markdown_footnotes_are_read_after_the_paragraph_that_marks_them() -> None:
    """"[^cpt]" marks are numbered as a renderer numbers them (by first mark: [^delivery] is 1),
    a mark used twice is one note; each note is read after the paragraph that first marks it,
    wrapped lines joined, emphasis rendered. A definition no answer marks is not shown, and not
    read. (Before, the notes written after the CPT notice were lost and the marks stayed as
    "[^cpt]".)"""
    doc = parse(FIXTURES / "footnoted-answers.md")
    assert qa(doc) == [
        ("Is 77280 reported for a simulation done only to check the set-up?",
         "No. A set-up check on the treatment unit is part of the delivery[1], not a\n"
         "simulation.\n\n[1] See the delivery codes' descriptors."),
        ("May 77290 be reported for a 4D CT simulation?",
         "Yes, as a complex simulation[2], with 77293 added when respiratory motion is\n"
         "managed[2].\n\n[2] CPT Professional, radiation oncology guidelines for simulation, "
         "current edition.\n\nKeep the motion study with the plan."),
    ]
    assert doc.document.notice == NOTICE
    assert "no answer marks" not in shown("footnoted-answers.md")


def test_a_listing_of_answer_excerpts_is_refused_naming_the_line() -> None:
    """A topic listing shows each answer's first words and a "(more)" link to the rest: read as
    it stands, every answer would be cut short without a word. Refused, naming the line of the
    first excerpt and what to save instead. (Before, the excerpts were taken as the answers.)"""
    with pytest.raises(CorpusFormatError, match=r"faq-listing-excerpts\.html:8: the answer to "
                       r"the question on line 7 ends '\.\.\. \(more\)': the page shows only its "
                       r"first words"):
        parse(FIXTURES / "faq-listing-excerpts.html")


def test_an_answer_ending_with_an_ellipsis_of_its_own_is_kept(tmp_path: Path) -> None:
    """Only an ellipsis followed by the link to the rest marks an excerpt: an answer quoting a
    list that goes on ("77427, 77431…") is the answer."""
    path = tmp_path / "ellipsis.md"
    path.write_text("# FAQ\n\n## Which codes are weekly?\n\nThe management codes: 77427…\n\n"
                    "## Is 77431 weekly?\n\nNo, it covers a short course... more or less.\n\n"
                    "Disclaimer: Not legal advice.\n", encoding="utf-8")
    assert [a for _, a in qa(parse(path))] == [
        "The management codes: 77427…", "No, it covers a short course... more or less."]


def test_an_accordions_controls_saved_as_text_are_chrome(tmp_path: Path) -> None:
    """"Expand All | Collapse All" printed over each group of a pasted accordion page is the
    page's controls, never answer text; a sentence that starts the same way is text."""
    path = tmp_path / "pasted.txt"
    path.write_text("Physics FAQ\n\nQ: Is 77336 weekly?\nA: Yes, per five fractions.\n\n"
                    "Expand All | Collapse All\n\nQ: Is 77370 per request?\nA: Yes.\n\n"
                    "Show all the calculations we signed to the auditor.\n\n"
                    "Disclaimer: Not legal advice.\n", encoding="utf-8")
    assert [a for _, a in qa(parse(path))] == [
        "Yes, per five fractions.",
        "Yes.\n\nShow all the calculations we signed to the auditor."]


def test_an_articles_date_stamp_is_no_answer_text() -> None:
    """"Last updated: March 3, 2026 · 2 min read" under each article's title is the page's record
    of itself, not guidance; a sentence naming a date is answer text. (Before, each stamp was
    the first paragraph of its answer.)"""
    doc = parse(FIXTURES / "kb-article-dates.html")
    assert qa(doc) == [
        ("Can 77301 be billed with 77338 for the same plan?",
         "Yes. 77338 is reported once per IMRT plan along with the plan's 77301.\n\nThe plan "
         "was updated 02/11/2026 in our example, and both codes still apply to it."),
        ("Is 77295 billed for a 3D plan after an IMRT plan?",
         "Only when a new 3D plan is made for a new phase of treatment."),
    ]
    assert "min read" not in shown("kb-article-dates.html")
