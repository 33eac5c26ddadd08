"""A newsletter printed in two columns (CSS columns, printed by Chromium): pypdf's layout mode
gives each row across both columns, so two answers side by side would be read as one. Such a
page is refused, naming it; a one-column page with a table of codes is not taken for one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers.pdf import read_pdf
from ingest.readers.pdf_columns import gutter
from retrieval.errors import CorpusFormatError
from tests.ingest.docmaker import print_html
from tests.ingest.layouts import parse

_ENTRY = ("<p><b>Q: Does the {n} plan of the series need its own special physics report when "
          "the prescription changes halfway?</b></p><p>A: Yes. Each plan that changes the dose "
          "needs a report written and signed for that plan, kept with the record of the course "
          "and reviewed by the physician before the {n} fraction is delivered to the patient. "
          "Reports copied from another plan are not accepted by auditors.</p>")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def _print(chromium, path: Path, body: str) -> Path:  # type: ignore[no-untyped-def]
    return print_html(chromium, "<html><head><title>Column News</title></head><body "
                      f"style='font-family:serif;font-size:11pt'>{body}</body></html>", path)


@pytest.mark.browser
def test_a_page_set_in_two_columns_is_refused_naming_the_page(tmp_path: Path,
                                                              chromium) -> None:
    entries = "".join(_ENTRY.format(n=n) for n in _ORDINALS)
    body = (f"<h1>Column News</h1><div style='column-count:2;column-gap:2em'>{entries}"
            "<p>Disclaimer: offered as general education only, not legal advice.</p></div>")
    path = _print(chromium, tmp_path / "column-news.pdf", body)
    with pytest.raises(CorpusFormatError, match="page 1 is set in two columns"):
        parse(path)


@pytest.mark.browser
def test_a_one_column_page_with_a_table_of_codes_is_read(tmp_path: Path, chromium) -> None:
    rows = "".join(f"<tr><td>7728{n}</td><td>Simulation level {n}</td></tr>" for n in range(6))
    body = ("<h1>Column News</h1>" + _ENTRY.format(n="first")
            + f"<table style='width:100%'>{rows}</table>"
            + "<p>Disclaimer: offered as general education only, not legal advice.</p>")
    path = _print(chromium, tmp_path / "one-column.pdf", body)
    from pypdf import PdfReader

    assert [gutter(p.extract_text(extraction_mode="layout"))
            for p in PdfReader(str(path)).pages] == [None]
    lines = [ln.text for ln in read_pdf(path)]
    assert "77283 Simulation level 3" in lines  # each row of the table a line of its own


def test_the_gutter_is_where_every_right_column_row_starts() -> None:
    left = "a line of prose that fills its column well"
    right = "and the other column goes on here"
    two = "\n".join(f"{left}        {right}" for _ in range(6))
    assert gutter(two) == len(left) + 8
    table = "\n".join(f"7728{n}        Simulation level {n}" for n in range(6))
    assert gutter(table) is None  # a table's short first cells are no column of prose
    assert gutter("\n".join([left] * 6)) is None
