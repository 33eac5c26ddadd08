"""Markdown's emphasis is how a page is set, not the publisher's words: every field reads as
the same page saved as HTML reads (`<em>`/`<strong>` give their text)."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.layouts import parse, qa, write

MD = """# Harbor Device Notes

### Is a bolus reused for a boost reported again with 77332?

Only when it is **remade**: a bolus used *unchanged* for the boost is the same device.

### Which level applies to a milled compensator?

The __complex__ level, 77334, for the _design and construction_ of the device.
Hand-trimmed sheets are simple; 77301* plans bundle 2 * 3 calculations (see snake_case_notes).

## References

- Harbor Oncology Billing, *Device Coding Handbook*, 2025 edition
- _Payer Policy Digest_, section 4

*These notes are general education from Harbor's coders; they are not legal advice
and do not guarantee payment.*

*CPT is a registered trademark of the American Medical Association. All rights reserved.*
"""

HTML = """<!doctype html><html><head><title>Harbor Device Notes</title></head><body><main>
<h1>Harbor Device Notes</h1>
<h3>Is a bolus reused for a boost reported again with 77332?</h3>
<p>Only when it is <strong>remade</strong>: a bolus used <em>unchanged</em> for the boost is
the same device.</p>
<h3>Which level applies to a milled compensator?</h3>
<p>The <strong>complex</strong> level, 77334, for the <em>design and construction</em> of the
device.<br>Hand-trimmed sheets are simple; 77301* plans bundle 2 * 3 calculations (see
snake_case_notes).</p>
<h2>References</h2>
<ul><li>Harbor Oncology Billing, <em>Device Coding Handbook</em>, 2025 edition</li>
<li><em>Payer Policy Digest</em>, section 4</li></ul>
<p><em>These notes are general education from Harbor's coders; they are not legal advice and do
not guarantee payment.</em></p>
<p><em>CPT is a registered trademark of the American Medical Association. All rights
reserved.</em></p>
</main></body></html>"""


def test_emphasis_is_rendered_to_text_in_every_field(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "notes.md", MD))
    assert qa(doc)[0][1] == ("Only when it is remade: a bolus used unchanged for the boost is "
                             "the same device.")
    assert qa(doc)[1][1] == (
        "The complex level, 77334, for the design and construction of the device.\n"
        "Hand-trimmed sheets are simple; 77301* plans bundle 2 * 3 calculations (see "
        "snake_case_notes).")  # a footnote mark, a product and a name keep their characters
    assert doc.document.references == ("Harbor Oncology Billing, Device Coding Handbook, 2025 "
                                       "edition", "Payer Policy Digest, section 4")
    assert doc.document.disclaimer == (
        "These notes are general education from Harbor's coders; they are not legal advice "
        "and do not guarantee payment.")  # emphasis over two lines
    assert doc.document.notice == ("CPT is a registered trademark of the American Medical "
                                   "Association. All rights reserved.")


def test_markdown_and_html_of_one_page_give_the_same_words(tmp_path: Path) -> None:
    md = parse(write(tmp_path, "notes.md", MD))
    page = parse(write(tmp_path, "notes.html", HTML))

    def words(text: str) -> list[str]:
        return text.split()  # the HTML reader joins source lines; the words are what count

    assert [(q, words(a)) for q, a in qa(md)] == [(q, words(a)) for q, a in qa(page)]
    assert md.document.references == page.document.references
    assert words(md.document.disclaimer) == words(page.document.disclaimer)
    assert md.document.notice == page.document.notice
