"""Two more publishers' layouts, written here in our own words: a discussion board's plain-text
digest, hard-wrapped at 76 columns, whose introduction wraps a line onto the word "answer.";
and a health plan's reimbursement policy PDF with numbered sections ("Section 3. References",
"Section 4. Legal notice" over a paragraph labelled "Disclaimer:") and bulleted lists written
in a standard font, whose bullet a text layer gives back as the unused WinAnsi code DEL."""

from __future__ import annotations

from pathlib import Path

from ingest.parse.lines import Line
from ingest.readers.pdf_layout import letters, unwrap
from tests.ingest.docmaker import make_pdf
from tests.ingest.layouts import parse, qa, write

DIGEST = """==========================================================================
                          THE PORT FILM
        Monthly digest of the Dosimetry Billing Roundtable board
==========================================================================

Welcome back. This digest collects the threads with the most replies. The
member's question is shown as posted, followed by the moderators' combined
answer. Threads are numbered for easy reference.

--------------------------------------------------------------------------
THREAD 1

Q. How many units of 77300 go with a four-field box plan? Is it per
   field or per plan?

A. One unit for each calculation the physician prescribes and the record
   documents, usually one per field; a second check of the same field is
   quality assurance, not another unit.

--------------------------------------------------------------------------
THREAD 2

Q. Is a custom bolus a device charge?

A. A bolus cut and shaped for the patient's field is reported with 77334
   once, with the physician's documentation; sheet bolus used as supplied
   is a supply.

--------------------------------------------------------------------------

DISCLAIMER
Moderators' opinions for education only; confirm with your payer before
you bill.

CPT is a registered trademark of the American Medical Association.
"""


def test_a_wrapped_line_opening_on_the_word_answer_is_prose(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "port-film-digest.txt", DIGEST))
    pairs = qa(doc)
    assert [q.split()[0:3] for q, _ in pairs] == [["How", "many", "units"], ["Is", "a", "custom"]]
    assert pairs[0][1].startswith("One unit for each calculation")
    assert pairs[1][1].rstrip().endswith("is a supply.")
    assert doc.document.disclaimer.startswith("Moderators' opinions")


def test_a_capitalised_answer_label_after_a_finished_line_is_still_a_label(
        tmp_path: Path) -> None:
    text = DIGEST.replace("Q. Is a custom bolus a device charge?\n\nA. A bolus",
                          "Q. Is a custom bolus a device charge?\nA. A bolus")
    pairs = qa(parse(write(tmp_path, "port-film-digest.txt", text)))
    assert pairs[1][0] == "Is a custom bolus a device charge?"
    assert pairs[1][1].startswith("A bolus cut and shaped")


POLICY = """**Granite Ridge Health Plan**
Reimbursement Policy GR-RO-07: Radiation Oncology
**Section 1. Purpose**
This policy says how the Plan pays selected radiation oncology services.
**Section 2. Frequently Asked Questions**
**Q1. How many units of basic dosimetry (77300) does the Plan pay for a 3D plan?**
Answer: One unit for each documented calculation the physician prescribes, up to eight a day.
The Plan does not pay 77300:
\x7f with isodose plans 77306 or 77307, which include basic dosimetry in their descriptors;
\x7f for a calculation repeated on the same field after a data entry correction was made.
**Q2. Does the Plan pay special dosimetry (77331)?**
Answer: Yes, with the physician's order and a written report of the measured dose.
**Section 3. References**
\x7f CPT professional edition, radiation oncology guidelines.
\x7f Granite Ridge medical policy MP-RO-02.
**Section 4. Legal notice**
Disclaimer: This policy is a general reference, no guarantee of payment; contracts prevail.

CPT is a registered trademark of the American Medical Association. All rights reserved.
"""


def test_a_policy_pdf_with_numbered_sections_and_standard_font_bullets(tmp_path: Path) -> None:
    doc = parse(make_pdf(tmp_path / "granite-ridge-gr-ro-07.pdf", POLICY, width=90))
    pairs = qa(doc)
    assert [q for q, _ in pairs] == [
        "How many units of basic dosimetry (77300) does the Plan pay for a 3D plan?",
        "Does the Plan pay special dosimetry (77331)?"]
    first = pairs[0][1].split("\n")
    # each bullet a line of its own, as printed, never run into the line above it
    assert first[-2].startswith("\u2022 with isodose plans 77306 or 77307")
    assert first[-1].startswith("\u2022 for a calculation repeated")
    assert "References" not in pairs[1][1]  # the answer ends where Section 3 begins
    assert doc.document.references == ("CPT professional edition, radiation oncology guidelines.",
                                       "Granite Ridge medical policy MP-RO-02.")
    assert doc.document.disclaimer.startswith("This policy is a general reference")
    assert doc.document.notice.startswith("CPT is a registered trademark")


def test_del_is_the_bullet_winansi_draws_for_an_unused_code() -> None:
    assert letters("\x7f with isodose plans") == "\u2022 with isodose plans"


def test_a_list_item_never_continues_the_full_line_above_it() -> None:
    wide = "The Plan does not pay for basic dosimetry in the following cases, listed below:"
    lines = [Line(1, wide), Line(2, "\u2022 with isodose plans 77306 or 77307"),
             Line(3, "- when repeated after a correction")]
    assert [ln.text for ln in unwrap(lines)] == [ln.text for ln in lines]
