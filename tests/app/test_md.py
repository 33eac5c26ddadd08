"""`md()`: user and corpus text shown as typed, never interpreted as Markdown or HTML."""

from __future__ import annotations

import re

import pytest

from pages._ui import md

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
