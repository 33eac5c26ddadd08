"""`md()`: user and corpus text shown as typed, never interpreted as Markdown or HTML."""

from __future__ import annotations

import re

import pytest

from pages._ui import md, reflowed

UNESCAPE = re.compile(r"\\(.)")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "![img](http://example.com/a.png)",
        "**bold** _it_ `code` ~~s~~",
        "$x^2$ :smile: :red[alert] :material/home:",
        "# heading\n- item\n1. item\n> quote\n---\n===",
        "    indented code\n\ttabbed",
        "a | b\n--|--",
        "CPT® 77370 — physician’s \\ backslash & &amp; entity",
    ],
    ids=[
        "script",
        "img",
        "js-link",
        "image",
        "emphasis",
        "latex-emoji-directive",
        "block-syntax",
        "indent",
        "table",
        "unicode-backslash-entity",
    ],
)
def test_every_markdown_character_is_escaped_and_the_text_survives(text: str) -> None:
    out = md(text)
    # nothing Markdown could act on is left unescaped
    bare = UNESCAPE.sub("", out)
    assert not re.search(r"[\\`*_{}\[\]()#+\-.!|<>~$:=^&]", bare), out
    # removing the escapes gives the text back (line breaks kept, indentation dropped)
    back = UNESCAPE.sub(r"\1", out).replace("  \n", "\n")
    assert back == "\n".join(line.lstrip(" \t") for line in text.split("\n"))


def test_line_breaks_are_hard_breaks() -> None:
    assert md("one\ntwo\r\nthree") == "one  \ntwo  \nthree"


WRAPPED = ("In a provider-based department the hospital reports the technical\n"
           "portion of each service on the claim with no modifier; the professional/\n"
           "technical split applies to planning and image guidance, and the follow-\n"
           "up visits are the physician's.\n"
           "Reference: Claims Processing Manual, Chapter 4.\n"
           "\n"
           "- 77427 is reported by the physician\n"
           "- 77336 by the hospital\n"
           "Code | Who\n"
           "77300 | Split")


def test_a_hard_wrapped_plain_text_paragraph_is_shown_as_one_line() -> None:
    shown = reflowed(WRAPPED, "bulletin.txt")
    assert shown.split("\n")[0] == (
        "In a provider-based department the hospital reports the technical portion of each "
        "service on the claim with no modifier; the professional/technical split applies to "
        "planning and image guidance, and the follow-up visits are the physician's.")
    # a lead-in label, a blank line, list items and table rows stay on lines of their own
    assert shown.split("\n")[1:] == WRAPPED.split("\n")[4:]
    assert re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", WRAPPED)  # only spaces change


def test_markdown_joins_every_line_of_a_paragraph() -> None:
    text = "A short line\nand its next line.\n\n- an item\n- another"
    assert reflowed(text, "faq.md") == "A short line and its next line.\n\n- an item\n- another"


@pytest.mark.parametrize("filename", ["page.html", "guide.docx", "faq.pdf"])
def test_other_formats_keep_their_line_breaks(filename: str) -> None:
    assert reflowed(WRAPPED, filename) == WRAPPED


def test_plain_text_with_a_line_per_paragraph_keeps_its_line_breaks() -> None:
    # the seed's CPT notice: two sentences on two lines, the first wider than any hard wrap
    notice = ("All CPT code descriptors have been taken from Current Procedural Terminology "
              "(CPT®) 2022, American Medical Association. All Rights Reserved.\n"
              "CPT is registered trademark of the American Medical Association.")
    assert reflowed(notice, "seed.txt") == notice
