"""FAQ pages whose questions and answers are told apart by markup alone (no labels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.load import read_document
from ingest.parse import parse_daily_practice
from retrieval.errors import CorpusFormatError
from tests.ingest.test_readers import CHROME, parse_html, parsed_fixture, shown_text

DISCLAIMER = "<p>Disclaimer: Opinions only.</p><p>CPT is a trademark of the AMA.</p>"


def page(body: str) -> str:
    return f"<html><head><title>T</title></head><body><main>{body}</main></body></html>"


def qa(doc) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(e.question, e.answer) for e in doc.entries]


# --- the fixtures: publishers' layouts, written in our own words -------------------------------
def test_accordion_of_buttons_and_hidden_panels() -> None:
    doc = parsed_fixture("delivery-accordion.html")
    assert [e.question for e in doc.entries] == [
        "Can 77385 and 77014 be reported for the same fraction?",
        "Which delivery code applies to a single field treated with a superficial unit?",
        "Is a weekly port film reported with every delivery?"]
    first, second, third = (e.answer.split("\n\n") for e in doc.entries)
    assert first == [  # every paragraph of a hidden panel, its own citation included
        "No. Guidance by CT is part of the IMRT delivery code when both are done on the same "
        "day for the same course, so only 77385 is reported.",
        "Source: CPT Professional Edition, radiation oncology section notes.",
        "A separate diagnostic CT, ordered and read for another reason, is a different service."]
    assert second[1].split("\n") == ["Unit | Code | Per fraction",
                                     "Superficial or orthovoltage | 77401 | Yes",
                                     "Linear accelerator, simple | 77402 | Yes"]
    assert third[-1] == "Reference: payer imaging policy, section on verification images."
    assert doc.document.references == ("Example Society Radiation Oncology Coding Guide",
                                       "Regional Contractor Radiation Therapy Article")
    assert doc.document.disclaimer.startswith("These answers give the society's reading")
    text = shown_text(doc)
    assert "Expand all" not in text and "+" not in text
    assert "Delivery and image guidance" not in text  # the list's own title, not a question
    for chrome in CHROME:
        assert chrome not in text, chrome


def test_bootstrap_accordion_linked_by_data_bs_target() -> None:
    doc = parsed_fixture("physics-bootstrap.html")
    assert qa(doc) == [
        ("How often is 77336 reported during a course?",
         "Once for each five fractions delivered, counting from the first fraction.\n\nA final "
         "set of one to four fractions is reported once more when the physicist's review "
         "covers it."),
        ("Does a physics consult need a written request?",
         "Yes. 77370 needs the physician's written request naming the problem and the "
         "physicist's written report answering it.")]
    text = shown_text(doc)
    assert "Menu" not in text and "About" not in text and "newsletter" not in text
    assert doc.document.notice == "CPT codes and descriptions are copyright American Medical " \
                                  "Association."


def test_faq_blocks_and_question_answer_divs() -> None:
    doc = parsed_fixture("brachy-faq-blocks.html")
    assert [e.question for e in doc.entries] == [
        "Is the source placement reported separately from the loading of the applicator?",
        "How are channels counted for 77771?",
        "May 77790 be reported for a remote afterloader?"]
    assert doc.entries[1].answer == ("Count the channels that carry the source during the "
                                     "fraction.\n\ntwo to twelve channels: 77771\nmore than "
                                     "twelve: 77772")
    assert {"77771", "77772"} <= doc.entries[1].code_set
    assert "Share" not in shown_text(doc)


def test_json_ld_faq_page_when_the_visible_page_shows_no_question() -> None:
    doc = parsed_fixture("simulation-jsonld.html")
    assert qa(doc) == [
        ("Is a CT simulation for a boost reported again?",
         "Yes, when a new CT set is acquired for the boost plan.\n\nRepeating the set-up "
         "without new images is not a second simulation."),
        ("Which code describes 4D respiratory motion management?",
         "Report 77293 once per plan, with the simulation code.\n\nDocument the motion study "
         "in the record.")]
    assert doc.document.disclaimer == "Opinions of the simulation working group, not payment " \
                                      "policy."
    assert doc.document.title == "Simulation FAQ"


# --- more layouts ------------------------------------------------------------------------------
def test_visible_labels_win_over_json_ld(tmp_path: Path) -> None:
    ld = ('<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": [{"@type": '
          '"Question", "name": "Q?", "acceptedAnswer": {"text": "Abridged."}}]}</script>')
    doc = parse_html(tmp_path, page(ld + "<p>Question: Q?</p><p>Answer: The whole answer.</p>"
                                    "<p>Second paragraph.</p>" + DISCLAIMER))
    assert qa(doc) == [("Q?", "The whole answer.\n\nSecond paragraph.")]


def test_panels_linked_by_aria_controls_anywhere_on_the_page(tmp_path: Path) -> None:
    html = page(
        "<div class='faq-tabs'><button aria-expanded='false' aria-controls='p1'>One?</button>"
        "<button aria-expanded='false' aria-controls='p2'>Two?</button></div>"
        "<div id='p1' hidden><p>Answer one.</p></div><div id='p2' hidden><p>Answer two.</p>"
        "<p>More of two.</p></div>" + DISCLAIMER)
    assert qa(parse_html(tmp_path, html)) == [("One?", "Answer one."),
                                              ("Two?", "Answer two.\n\nMore of two.")]


def test_a_read_more_toggle_inside_an_answer_is_not_a_question(tmp_path: Path) -> None:
    html = page("<p>Question: Is 77470 reported with SRS?</p><p>Answer: No.</p>"
                "<button aria-expanded='false' aria-controls='more'>Read more</button>"
                "<div id='more' hidden><p>The special procedure is part of the SRS work.</p>"
                "</div>" + DISCLAIMER)
    assert qa(parse_html(tmp_path, html)) == [  # what it reveals is the answer's, kept
        ("Is 77470 reported with SRS?", "No.\n\nThe special procedure is part of the SRS work.")]


def test_faq_categories_in_tabs_keep_the_hidden_tab(tmp_path: Path) -> None:
    html = page(
        "<div class='faq'><div role='tablist'><button role='tab' aria-controls='t1'>Physics"
        "</button><button role='tab' aria-controls='t2'>Planning</button></div>"
        "<div id='t1' role='tabpanel'><h3 class='faq-question'>One?</h3>"
        "<div class='faq-answer'>A one.</div></div>"
        "<div id='t2' role='tabpanel' hidden><p>Question: Two?</p><p>Answer: A two.</p>"
        "</div></div>" + DISCLAIMER)  # the hidden tab holds labels, no markup to pair
    assert qa(parse_html(tmp_path, html)) == [("One?", "A one."), ("Two?", "A two.")]


@pytest.mark.parametrize("html", [
    "<div class='faq-item'><h3 class='faq-question'>Is 77427 weekly?</h3>"
    "<div class='faq-answer'><p>Yes, per five fractions.</p></div></div>",
    "<div class='ui-accordion'><h3 class='ui-accordion-header'>Is 77427 weekly?</h3>"
    "<div class='ui-accordion-content'><p>Yes, per five fractions.</p></div></div>",
    "<ul class='faqs'><li><a class='toggle-trigger' href='#x'>Is 77427 weekly?</a>"
    "<div class='toggle-content' aria-hidden='true'><p>Yes, per five fractions.</p></div>"
    "</li></ul>",
    "<div class='rank-math-list-item'><h3 class='rank-math-question'>Is 77427 weekly?</h3>"
    "<div class='rank-math-answer'><p>Yes, per five fractions.</p></div></div>",
    "<details class='faq'><summary class='faq-question'>Is 77427 weekly?</summary>"
    "<div class='faq-answer'><p>Yes, per five fractions.</p></div></details>",
    "<div itemscope itemtype='https://schema.org/Question' class='faq-item'>"
    "<h3 itemprop='name' class='faq-question'>Is 77427 weekly?</h3>"
    "<div itemprop='acceptedAnswer' itemscope itemtype='https://schema.org/Answer' "
    "class='faq-answer'><div itemprop='text' class='faq-answer-text'><p>Yes, per five "
    "fractions.</p></div></div></div>",
    "<div class='question'><strong>Question:</strong> Is 77427 weekly?</div>"
    "<div class='answer'><p><strong>Answer:</strong> Yes, per five fractions.</p></div>",
], ids=["faq-question/faq-answer", "jquery-ui", "toggle, aria-hidden panel", "rank-math",
        "details with classes", "microdata with classes", "classes and labels"])
def test_class_marked_layouts(tmp_path: Path, html: str) -> None:
    doc = parse_html(tmp_path, page(html + DISCLAIMER))
    assert qa(doc) == [("Is 77427 weekly?", "Yes, per five fractions.")]


# --- refusals: the element, its line and what to do ---------------------------------------------
def refused(tmp_path: Path, html: str) -> CorpusFormatError:
    path = tmp_path / "faq.html"
    path.write_text(html, encoding="utf-8")
    with pytest.raises(CorpusFormatError) as err:
        parse_daily_practice(read_document(path), path)
    assert str(err.value).startswith(f"{path}:")  # names the file (and the line, when known)
    return err.value


def test_text_between_a_question_and_its_answer_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, page(
        "<div class='faq-question'>One?</div>\n<p>Updated in May.</p>\n"
        "<div class='faq-answer'>A.</div>" + DISCLAIMER))
    assert "'Updated in May.' sits between the question element <div class='faq-question'>" \
        in err.problem
    assert err.line == 2 and "move it into the question or the answer" in err.hint


def test_a_question_whose_hidden_answer_has_no_markup_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, page(
        "<h3 class='faq-question'>One?</h3><div class='faq-answer'>A.</div>\n"
        "<h3 class='faq-question'>Two?</h3>\n<div hidden>The collapsed answer.</div>"
        + DISCLAIMER))
    assert "<h3 class='faq-question'> has no answer element" in err.problem
    assert "'The collapsed answer.'" in err.problem and err.line == 2


def test_an_answer_element_with_no_question_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, page(
        "<h3 class='faq-question'>One?</h3><div class='faq-answer'>A.</div>\n"
        "<div class='faq-answer'>Orphan.</div>" + DISCLAIMER))
    assert "answer element <div class='faq-answer'> follows no question" in err.problem
    assert err.line == 2


def test_unclear_text_after_the_last_panel_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, page(
        "<h3 class='faq-question'>One?</h3><div class='faq-answer'>A.</div>\n"
        "<p>and the same applies to the boost</p>" + DISCLAIMER))
    assert "text after the last answer on line 2" in err.problem
    assert "References:" in err.hint


def test_json_ld_question_without_answer_text_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, "<html><head><title>T</title>\n<script type='application/ld+json'>"
                  '{"@type": "FAQPage", "mainEntity": [{"@type": "Question", "name": "One?"}]}'
                  "</script></head><body>" + DISCLAIMER + "</body></html>")
    assert "JSON-LD FAQPage question 'One?' has no acceptedAnswer text" in err.problem
    assert err.line == 2


def test_broken_json_ld_is_refused_only_when_it_is_needed(tmp_path: Path) -> None:
    broken = "<script type='application/ld+json'>{\"@type\": \"FAQPage\", </script>"
    err = refused(tmp_path, page(broken + "<p>Nothing but prose.</p>" + DISCLAIMER))
    assert "JSON-LD FAQPage script is not valid JSON" in err.problem
    doc = parse_html(tmp_path, page(broken + "<p>Q: One?</p><p>A: Yes.</p>" + DISCLAIMER))
    assert qa(doc) == [("One?", "Yes.")]
