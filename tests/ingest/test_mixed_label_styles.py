"""Layouts of the seventh batch of new documents, written here in our own words: an article
that changes label style from one section to the next, a definition list of codes inside an
accordion answer, and closing sections a parser must know are not answers (a numbered newsletter
section, the page's changelog, "Sources consulted")."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.layouts import parse, qa, write

DISCLAIMER = "Disclaimer: educational notes only, not legal advice; check with your payer."


def test_one_article_mixing_labelled_and_heading_questions(tmp_path: Path) -> None:
    text = ("# Proton and Heat Notes\n\n## Protons\n\n**Question:** Which proton code fits a "
            "two-port plan?\n\n**Answer:** The intermediate level.\n\n## Heat\n\n"
            "### Q4. Which codes describe hyperthermia?\n\nThe 77600 family, by how heat is "
            "given.\n\nOne code per session.\n\n### Q5. Is heat management billed apart?\n\n"
            "No, it is included.\n\n---\n\nQ: Can a pacemaker dose estimate be a 77370?\n\n"
            "A: It can, when a calculation was needed.\n\n### Changelog\n- 2026-09: added the "
            "pacemaker question.\n\n### Disclaimer\n\n*Notes for clients; not legal advice.*\n")
    doc = parse(write(tmp_path, "notes.md", text))
    assert qa(doc) == [
        ("Which proton code fits a two-port plan?", "The intermediate level."),
        ("Which codes describe hyperthermia?",
         "The 77600 family, by how heat is given.\n\nOne code per session."),
        ("Is heat management billed apart?", "No, it is included."),
        ("Can a pacemaker dose estimate be a 77370?", "It can, when a calculation was needed.")]
    assert "Changelog" not in doc.entries[-1].answer and "added the" not in str(doc.document)


def test_a_question_without_its_answer_label_is_still_refused_when_nothing_answers_it(
        tmp_path: Path) -> None:
    import pytest

    from retrieval.errors import CorpusFormatError

    text = ("Question: Is 77336 weekly?\n\nAnswer: Per five fractions.\n\n"
            "Question: Can 77370 be billed twice?\n\nQuestion: Who signs the 77370 report?\n\n"
            f"Answer: The physicist and the physician.\n\n{DISCLAIMER}\n")
    with pytest.raises(CorpusFormatError, match="no answer"):
        parse(write(tmp_path, "faq.txt", text))


def test_a_definition_list_inside_an_accordion_answer_is_part_of_it(tmp_path: Path) -> None:
    html = ("<html><body><h1>Device Answers</h1>"
            "<details><summary>How are devices counted?</summary><div>"
            "<p>Per device built, by level:</p><dl><dt>77332 - simple</dt><dd>a bite block</dd>"
            "<dt>77334 - complex</dt><dd>a custom mold</dd></dl>"
            "<p>Reused devices are not billed again.</p></div></details>"
            "<details><summary>Is bolus a device?</summary><p>Yes, when it is made for the "
            "patient.</p></details>"
            "<h3>Sources consulted</h3><ol><li>CPT codebook</li></ol>"
            "<h3>Important notice</h3><p>Shared for education; not legal advice.</p></body></html>")
    doc = parse(write(tmp_path, "devices.html", html))
    assert qa(doc) == [
        ("How are devices counted?", "Per device built, by level:\n\n77332 - simple: a bite block\n"
         "77334 - complex: a custom mold\n\nReused devices are not billed again."),
        ("Is bolus a device?", "Yes, when it is made for the patient.")]
    assert doc.document.references == ("CPT codebook",)


def test_numbered_newsletter_sections_after_the_answers_are_not_answers(tmp_path: Path) -> None:
    rule = "-" * 40
    text = (f"THE PHYSICS LETTER\n\n{rule}\n1. ASK THE CODER\n{rule}\nQ. How often is 77336 "
            "charged?\n\nA. Once per five fractions.\n\nQ. Is 77370 routine?\n\nA. No, it "
            f"answers a specific problem.\n\n{rule}\n2. UPCOMING WEBINARS\n{rule}\n  Dec 9  Year-"
            f"end update\n\n{rule}\n3. HOUSEKEEPING\n{rule}\n{DISCLAIMER}\n")
    doc = parse(write(tmp_path, "letter.txt", text))
    assert qa(doc) == [("How often is 77336 charged?", "Once per five fractions."),
                       ("Is 77370 routine?", "No, it answers a specific problem.")]


def test_the_item_number_before_a_question_is_not_part_of_it(tmp_path: Path) -> None:
    html = ("<html><body><h1>Contractor FAQ</h1><table><tr><th>Question</th><th>Answer</th></tr>"
            "<tr><td><strong>1.</strong> Is 77427 billed per five fractions?</td><td>Yes.</td></tr>"
            "<tr><td>2) Can 77336 be billed weekly?</td><td>Per five fractions.</td></tr>"
            "</table><p>Disclaimer: not legal advice.</p></body></html>")
    doc = parse(write(tmp_path, "faq.html", html))
    assert [e.question for e in doc.entries] == ["Is 77427 billed per five fractions?",
                                                 "Can 77336 be billed weekly?"]
