"""Recognise the labels publishers put before questions, answers, references and disclaimers.

Accepted (any case, optional number such as `1`, `#2`, `No. 3`, `4 of 12`, optionally after a
list number such as `1.`):
  question:   `Coding Question`, `Question`, `CUAC Question`, `Inquiry`, `Query`, `Q` (Q only
              with a separator), `Q&A` (only numbered, with a colon: `Q&A #3: Can we…?`)
  answer:     `Coding Answer`, `Coding Response`, `CUAC Response`, `Answer`, `Response`,
              `Reply` (payers' bulletins answer inquiries with replies), `Ans`,
              `A` (A and Ans only with a separator, so an answer may begin with the article "A")
  references: `References`, `Reference`, `Sources`, `Source`
  disclaimer: `Disclaimer` (also `Legal disclaimer`…), `Important notice`, `Legal notice`,
  `Limitation of liability` (publishers' names for it)
Who asks or answers may stand in parentheses between the label and its colon ("Response
(moderator):", as a mailing list's digest writes it).
The separator is a colon, a dash (`Question 3 — …`), or a period or closing parenthesis after
`Q`/`A`/`Ans` or a number (`Q. …`, `A1. …`, `Q1) …`, `Question 2. …`) or a disclaimer's name
(`Disclaimer. …`). A label with a
separator may carry its text on the same line; without one the label must stand alone (its own
line or a heading) and its text follows in the next paragraph(s). Period and parenthesis labels,
and `Q`/`A` with a dash, are read only in a document that asks its questions with them
(`tokenize`): elsewhere "A. Smith" is a name and "A – simple" a list item.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.parse.closing import CHROME, closing_kind
from ingest.parse.lines import ANSWER, END, HEADING, QUESTION, ROW, TEXT, Line
from ingest.parse.title import MAIL_HEADER
from ingest.parse.wording import is_cpt_notice
from retrieval.errors import CorpusFormatError

# who asks or answers, named before the label word: a society's "Coding Question" / "CUAC
# Response", a payer's "Provider question" / "Plan response", a newsletter's "Reader question" /
# "Editor's answer", an association's "Member question" / "Staff reply", a contractor's "MAC
# response" (with a separator only, and only before question / answer / response / reply)
_ASKER = (r"coding|cuac|(?:health\s+)?plan|our|experts?(?:['’]s?)?|committee(?:['’]s)?|"
          r"editors?(?:['’]s?)?|staff|panel|mac|contractor(?:['’]s)?|members?(?:['’]s?)?|"
          r"readers?(?:['’]s?)?|providers?(?:['’]s?)?|faculty|consultants?(?:['’]s?)?")
_LABEL = re.compile(
    r"^\s*(?:(?:(?:section|part)\s+\d{1,3}[.):]?|\d{1,3}[.)])\s+)?"
    r"(?:(?P<prefix>" + _ASKER + r")\s+)?"
    r"(?P<word>question|inquiry|query|asked|answered|answer|response|reply|ans|q\s?&\s?a|q|a|"
    r"(?:(?:legal|important|general)\s+)?disclaimers?|"
    r"(?:important|legal)\s+notice|limitations?\s+of\s+liability|"
    r"references?|sources?)"
    r"(?:\s*(?:#|no\.)?\s*(?P<num>\d{1,3})(?:\s+of\s+\d{1,3})?)?"
    # who asks or answers, in parentheses before the colon: "Response (moderator):"
    r"(?:\s*\((?P<who>[^\W\d_][^()]{0,29})\)(?=\s*:))?"
    r"(?:\s*(?P<colon>:)|(?P<period>[.)])(?=\s|$)|\s*(?P<dash>[\u2014\u2013]|-(?=\s)))?\s*",
    re.IGNORECASE,
)
_SHORT = ("q", "a", "ans")  # never a label without a separator (too easily prose)
_ANSWER_WORDS = ("answer", "response", "reply")
_KINDS = {"question": QUESTION, "q": QUESTION, "inquiry": QUESTION, "query": QUESTION,
          # a column numbering its items "Q&A #3: Can we…?" (the question, its answer below)
          "q&a": QUESTION,
          # an "Ask the expert" column's "ASKED:" / "ANSWERED:"
          "asked": QUESTION, "answered": ANSWER,
          "answer": ANSWER, "response": ANSWER, "reply": ANSWER,
          "a": ANSWER, "ans": ANSWER, "disclaimer": "disclaimer", "disclaimers": "disclaimer",
          "important notice": "disclaimer", "legal notice": "disclaimer",
          "legal disclaimer": "disclaimer", "important disclaimer": "disclaimer",
          "general disclaimer": "disclaimer", "limitation of liability": "disclaimer",
          "limitations of liability": "disclaimer",
          "reference": "references", "references": "references", "source": "references",
          "sources": "references"}

# Site chrome that survives in saved pages and pasted text: a copyright line of the site (not
# the AMA's CPT notice) and a row of policy links.
_COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_LINK_ROW_WORDS = re.compile(
    r"\b(?:privacy|terms|cookies?|contact|sitemap|site map|accessibility|legal|careers|"
    r"unsubscribe|log ?in|sign ?in|share|print|e-?mail|facebook|linkedin|twitter|x\.com)\b",
    re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[|·•]\s+")
# a breadcrumb trail's separators (`is_breadcrumb`)
_CRUMBS = re.compile(r"\s+[›»]\s+")
_CRUMB_MAX_WORDS = 6
# the vote count a page prints with its feedback prompt ("14 of 17 found this helpful")
_VOTES = (r"\d+\s+(?:of|out\s+of)\s+\d+\s+(?:people\s+|readers\s+|users\s+)?found\s+this\s+"
          r"(?:article\s+|page\s+|answer\s+)?(?:helpful|useful)")
# a page's own navigation and feedback prompts, printed after answers ("Return to top" after
# each one, "Was this page helpful?" after the last), and a publication's end mark: never guidance
_PAGE_PROMPT = re.compile(
    r"^[\W_]*(?:top|(?:return|back|go|jump|scroll|skip)\s+to\s+(?:the\s+)?top(?:\s+of\s+"
    r"(?:the\s+)?page)?|top\s+of\s+page|(?:was|is|did)\s+this\s+(?:(?:page|article|answer|"
    r"post|information|content|faq)\s+)?(?:helpful|useful|answer\s+your\s+question)"
    r"(?:\s*\?\s*(?:yes\s*(?:[|/]\s*)?no)?)?(?:[\W_]*" + _VOTES + r")?"
    # …and what the page asks the reader to do about it ("Rate it with the thumbs…")
    r"(?:\s+(?:rate|vote|let\s+us\s+know|tell\s+us|send\s+(?:us\s+)?feedback|give\s+"
    r"feedback)\b[^?]*)?|" + _VOTES + r"|"
    # a help centre's widget under each article: "Did this answer your question?" and the
    # messages it shows once a reader votes ("Thanks for the feedback", "There was a problem
    # submitting your feedback. Please try again later.")
    r"did\s+(?:this|that)\s+(?:answer|resolve|solve)\s+your\s+(?:question|problem|issue)"
    r"(?:\s*\?\s*(?:yes\s*(?:[|/]\s*)?no)?)?|"
    r"(?:thanks|thank\s+you)\s+for\s+(?:the\s+|your\s+)?feedback\b.*|"
    r"there\s+was\s+a\s+problem\s+submitting\s+your\s+feedback\b.*|"
    # an accordion page's controls saved as text ("Expand All | Collapse All", "Show all sections")
    r"(?:(?:expand|collapse|show|hide|open|close)\s+all(?:\s+(?:sections|answers|questions|"
    r"faqs?|topics))?(?:\s*[|/\u00b7\u2022-]\s*)?){1,2}|"
    # a closing mark of the publication itself
    # ("-- end of bulletin --"), maybe naming it ("End of the Coders List Digest, Vol 3, Issue 2")
    # (only a mailing is named: "end of treatment report" is a document coders file)
    r"end\s+of\s+(?:the\s+|this\s+)?(?:(?:bulletin|newsletter|digest|document|article|page|faq|"
    r"memo|guide|issue|report|alert|update)|(?:[\w'’&.-]+\s+){1,4}?(?:bulletin|newsletter|"
    r"digest))(?:,?\s+(?:vol(?:ume)?\.?|issue|no\.?|number|#)\s*\d{1,4})*|"
    # a column's invitation to send questions ("Have a question for the column? Write to…")
    r"(?:have|got)\s+a\s+(?:coding\s+)?question\s+(?:for\s+(?:the|our|this)\s+[\w-]+(?:\s+[\w-]+)?"
    r"|you(?:'|’)?d\s+like\s+(?:answered|to\s+see\s+here))\s*\?.*|"
    r"(?:submit|send(?:\s+us)?)\s+(?:a|your)\s+questions?\s+(?:for|to)\s+(?:the|our|this)\s+"
    r"(?:column|newsletter|bulletin|editor|experts?)\b.*|"
    # a reprint's credit line ("Reprinted as plain text from Code Compass, Summer 2026. (c) …")
    r"(?:reprinted|republished|excerpted)\s+(?:[\w-]+\s+){0,4}?(?:with\s+permission\s+)?from\s"
    r".*(?:©|\(c\)|copyright|permission).*|"
    # a mailing's own footer ("To unsubscribe, reply with REMOVE…")
    r"(?:to\s+)?unsubscribe\b.*|you\s+(?:are\s+)?receiv(?:e|ing)\s+this\s+(?:e-?mail|message|"
    r"newsletter|bulletin)\b.*)[\W_]*$",
    re.IGNORECASE)
# a question ends with "?", maybe inside quotes or emphasis, maybe followed by the publisher's
# review note in parentheses or brackets ("… bill it? (Reviewed 03/02/26)", "[Posted 1/5/26]",
# "(Rev. 01/2026)")
_NOTE = (r"(?:(?:reviewed|updated|revised|added|new|posted|published|edited|effective|"
         r"last\s+(?:updated|reviewed|revised))\b|rev\.)")
ASKS = re.compile(r"\?[\"'”’)\]*_]*(?:\s*(?:\(" + _NOTE + r"[^()]{0,30}\)|\[" + _NOTE +
                  r"[^\[\]]{0,30}\]))?[*_]*$", re.IGNORECASE)
_SENTENCE = re.compile(r"\w.*[.!][\"'”’)\]]*\s*$", re.DOTALL)


@dataclass(frozen=True)
class Token:
    """A line classified: a label (with any text after it), a heading, text or a table row."""

    kind: str  # question|answer|disclaimer|references|heading|text|row|end|blank
    number: int
    text: str  # for a label, the text after it on the same line (may be empty)
    label: str = ""  # the label as written, for messages
    raw: str = ""  # the whole line as the reader gave it (a citation kept inside an answer)
    level: int = 0  # a heading's depth (1-6), BOLD_LEVEL for a paragraph all in bold, else 0
    lead: int = 0  # the length of a bold lead-in opening the text (`Line.lead`)


def text_paragraphs(tokens: list[Token]) -> list[list[int]]:
    """Indexes of the text tokens of each paragraph: runs of non-empty text between blank
    lines, headings, labels and rows."""
    paras: list[list[int]] = []
    run: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "text" and tok.text.strip():
            run.append(i)
        elif run:
            paras.append(run)
            run = []
    return [*paras, run] if run else paras


def match_label(text: str, *, periods: bool = True) -> tuple[str, str, str] | None:
    """(kind, label as written, text after it) when the line starts with a label.

    `periods`: accept the terse forms: a period as the separator (`Q. …`, `A1. …`) and `Q`/`A`
    with a dash; see `tokenize`.
    """
    m = _LABEL.match(text)
    if not m:
        return None
    word = re.sub(r"\s+", " ", m.group("word").lower())
    rest = text[m.end():]
    if "&" in word:
        if not (m.group("num") and m.group("colon")):
            return None  # "Q&A: Spring edition" titles a column; only a numbered item asks
        word = "q&a"
    if m.group("prefix") and (word not in ("question", "answer", "response", "reply") or not (
            m.group("colon") or m.group("period") or m.group("dash") or not rest.strip())):
        return None
    if m.group("period") and _KINDS[word] != "disclaimer" and not (
            periods and (word in _SHORT or m.group("num") or word in _ANSWER_WORDS)):
        # "Question." or "Reference." is prose; "A." only where Q. is used, and so is
        # "Answer." (a document asking "Question 1. …" answers "Answer. …"); "Disclaimer. …"
        # opens a disclaimer in any document
        return None
    if m.group("dash") and word in _SHORT and not periods:
        return None  # "A – simple planning" is a list item unless the document asks "Q –"
    if not (m.group("colon") or m.group("period") or m.group("dash")):
        # without a separator a label must stand alone; "Q" and "A" never do
        if rest.strip() or word in _SHORT:
            return None
    label = text[m.start("word") if not m.group("prefix") else m.start("prefix"):m.end()]
    return _KINDS[word], label.strip(), rest


def _singular(cell: str) -> str:
    word = cell.strip().rstrip(":").strip()
    return word[:-1] if word.lower().endswith(("questions", "answers", "responses")) else word


# the word of a header cell naming who asks or answers: "Member question", "Committee
# response", "Our reply", "Question from the field"
_HEADER_MAX_WORDS = 5
_HEADER_WORDS = {"question": QUESTION, "questions": QUESTION, "answer": ANSWER,
                 "answers": ANSWER, "response": ANSWER, "responses": ANSWER, "reply": ANSWER,
                 "replies": ANSWER}


def _header_kind(cell: str) -> str | None:
    found = match_label(f"{_singular(cell)}:")
    if found is not None and not found[2].strip():
        return found[0]
    words = cell.strip().rstrip(":").split()
    if not 0 < len(words) <= _HEADER_MAX_WORDS:
        return None
    # the header names its column by its first or last word: "Member question", "Question from
    # the field", "Our reply"; one naming both ("Answer to the question") names neither
    kinds = {_HEADER_WORDS.get(w.lower()) for w in (words[0], words[-1])} - {None}
    return kinds.pop() if len(kinds) == 1 else None


def qa_header(cells: list[str]) -> bool:
    """A table header 'Question | Answer' (any label style: 'Q | A', 'Coding Question | …',
    'Member question | Committee response')."""
    return len(cells) == 2 and [_header_kind(c) for c in cells] == [QUESTION, ANSWER]


def bad_qa_row(path: Path, line: int, cells: int, merged: bool = False,
               width: int = 2) -> CorpusFormatError:
    """The one refusal of a question/answer table row that is not one question and one answer
    cell (and its item number, in a table of `width` 3), whatever the format."""
    shape = f"{cells} cell{'s' if cells != 1 else ''}" + (", one of them merged" if merged else "")
    return CorpusFormatError(
        path, f"a row of the question/answer table has {shape}",
        "give every row one question cell and one answer cell"
        f"{' (and its item number)' if width > 2 else ''}, unmerged (in Markdown, escape a "
        "'|' in the text as '\\|')", line=line)


def qa_table_start(rows: list[list[str]]) -> int | None:
    """Where the entries of a question/answer table start: 1 after a 'Question | Answer'
    header, 0 when every row is two cells, a question and a sentence (two rows at least: a
    decision table's 'Contrast used? | 77290' is not an entry); None for any other table."""
    if rows and qa_header(rows[0]):
        return 1
    asks = [len(r) == 2 and bool(ASKS.search(r[0].rstrip())) and bool(_SENTENCE.search(r[1]))
            for r in rows]
    return 0 if len(rows) >= 2 and all(asks) else None


# a header cell naming a column of item numbers ("#", "No.", "Item", "Q #", "FAQ no.")
_NUMBER_HEADER = re.compile(r"(?:#|no\.?|nr\.?|number|item|(?:q|question|faq|item)\s*"
                            r"(?:#|no\.?|nr\.?|number))", re.IGNORECASE)
# ... and what such a column holds: "3", "3.", "Q3", "#3", "No. 3"
ITEM_NUMBER = re.compile(r"(?:q|#|no\.?)?\s*\d{1,4}[.)]?", re.IGNORECASE)


@dataclass(frozen=True)
class QaColumns:
    """Where a question/answer table keeps its entries: the first entry row, the question and
    answer columns, how many cells a row has, and the column of item numbers (or None)."""

    start: int
    question: int
    answer: int
    width: int = 2
    number: int | None = None
    source: int | None = None  # a column of each answer's source ("Reference"), and its header
    source_header: str = ""

    def source_line(self, cells: list[str]) -> str:
        """The row's source as the answer's last line, as the page shows it beside the answer
        ("Reference: NCCI manual, chapter 9"); "" when the table has no such column or the
        row's cell is empty."""
        if self.source is None or not cells[self.source].strip():
            return ""
        return f"{self.source_header}: {cells[self.source].strip()}"

    def cells(self, path: Path, line: int, cells: list[str], merged: bool = False) -> None:
        """Refuse a row of another shape, or an item number cell holding anything else."""
        if len(cells) != self.width or merged:
            raise bad_qa_row(path, line, len(cells), merged, self.width)
        if self.number is not None and cells[self.number].strip() and \
                not ITEM_NUMBER.fullmatch(cells[self.number].strip()):
            raise CorpusFormatError(
                path, f"the item number cell of a question/answer table row holds "
                f"'{cells[self.number].strip()[:40]}', not a number",
                "put that text in the question or the answer cell, or leave only the number",
                line=line)


def qa_columns(rows: list[list[str]], path: Path, line: int) -> QaColumns | None:
    """The columns of a question/answer table (`qa_table_start`), also one whose header adds a
    column of item numbers ("# | Question | Answer": the numbers are the table's, as a list's
    are, and are not read) or, after the answer, a column of each answer's source ("Question |
    Answer | Reference"); None for any other table. A header naming a question and an answer
    column beside another column ("Topic | Question | Answer") is refused: that column's text
    belongs to the question or to the answer, and which cannot be told."""
    start = qa_table_start(rows)
    if start is not None:
        return QaColumns(start, 0, 1)
    if not rows or len(rows[0]) < 3:
        return None
    head = rows[0]
    # (an empty header cell over the numbers too)
    numbers = [i for i, c in enumerate(head)
               if not c.strip() or _NUMBER_HEADER.fullmatch(c.strip().rstrip(":"))]
    kinds = [None if i in numbers else _header_kind(c) for i, c in enumerate(head)]
    if kinds.count(QUESTION) != 1 or kinds.count(ANSWER) != 1:
        return None
    q, a = kinds.index(QUESTION), kinds.index(ANSWER)
    # a column after the answer headed as its references ("Reference", "Source") holds each
    # answer's citation: read as the answer's last line, after its header
    sources = [i for i, k in enumerate(kinds) if k == "references" and i > a]
    source = sources[0] if len(sources) == 1 else None
    other = [c.strip() for i, c in enumerate(head) if i not in (q, a, source, *numbers[:1])]
    if other:
        raise CorpusFormatError(
            path, f"the question/answer table has a column '{other[0][:40]}' besides its "
            "question and answer columns: cannot tell which of the two its text belongs to",
            "keep one question column and one answer column (an item number column may stay); "
            "move that column's text into the question or the answer", line=line)
    if q > a:
        return None
    return QaColumns(1, q, a, len(head), numbers[0] if numbers else None, source,
                     head[source].strip().rstrip(":").strip() if source is not None else "")


def label_column(rows: list[list[str]]) -> list[str] | None:
    """The labels of a table that sets its labels in a column of their own ("Q | Can we…?",
    "A | Yes, …", one row each), written as labels standing alone ("Q:"), the text being the
    row's second cell; None unless every row is two cells whose first is a question or answer
    label alone, both kinds present."""
    labels = []
    for row in rows:
        cell = row[0].strip().rstrip(":.").strip() if len(row) == 2 else ""
        found = match_label(f"{cell}:") if cell else None
        if found is None or found[2].strip() or found[0] not in (QUESTION, ANSWER):
            return None
        labels.append((found[0], f"{cell}:"))
    if {k for k, _ in labels} != {QUESTION, ANSWER}:
        return None
    return [label for _, label in labels]


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|" + _MONTH +
         r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+" + _MONTH + r",?\s+\d{4}|" + _MONTH +
         r",?\s+\d{4})")
_STAMP = (r"(?:last\s+)?(?:updated|reviewed|modified|revised|posted|published|edited)(?:\s+on)?"
          r"\s*:?\s*" + _DATE)
# the date stamp a page prints under an article's title ("Last updated: March 3, 2026 · 2 min
# read", "Posted 02/11/2026 | Updated 03/01/2026"): the page's record of itself, not guidance
_DATE_STAMP = re.compile(
    _STAMP + r"(?:\s*[|\u00b7\u2022\u2013\u2014-]\s*(?:" + _STAMP +
    r"|\d{1,3}\s+min(?:ute)?s?\s+read|by\s+[\w .,'’-]{1,40}))*", re.IGNORECASE)


def _date_stamp(text: str) -> bool:
    """A line that is only an article's date stamp (`_DATE_STAMP`), starting a line as a stamp
    does, with a capital (a wrapped sentence's "updated 02/11/2026." goes on from the line
    above)."""
    return text[:1].isupper() and bool(_DATE_STAMP.fullmatch(text))


def _reactions(text: str) -> bool:
    """A row of emoji and nothing else (a help centre's "😞 😐 😃" vote faces): pictures to click,
    no words of guidance."""
    return any(unicodedata.category(c) == "So" for c in text) and not any(
        c.isalnum() for c in text)


def is_chrome(text: str) -> bool:
    """A site's copyright line or a row of policy links ("Privacy Policy | Terms of Use")."""
    s = _MD_LINK.sub(r"\1", text).strip()  # a Markdown link reads as its text
    if len(s.split()) > 25:
        return False
    if _PAGE_PROMPT.match(s) or _reactions(s) or _date_stamp(s):
        return True
    if _COPYRIGHT.match(s) and not is_cpt_notice(s):
        return True
    parts = _SEPARATORS.split(s)
    links = [p for p in parts if _LINK_ROW_WORDS.search(p)]
    return (len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts)
            and 2 * len(links) >= len(parts) and not re.search(r"[.?!]$", s))


def is_breadcrumb(text: str) -> bool:
    """A breadcrumb trail ("Support › Product › Coding content › KB-12"): three steps or more,
    each a few words, joined by the trail's arrows, no sentence punctuation at the end."""
    s = _MD_LINK.sub(r"\1", text).strip()
    crumbs = _CRUMBS.split(s)
    return len(crumbs) >= 3 and all(0 < len(c.split()) <= _CRUMB_MAX_WORDS for c in crumbs) \
        and not re.search(r"[.?!:;]$", s)


def _asks_with_periods(lines: list[Line]) -> bool:
    """Whether the document writes its question labels tersely (`Q. …`, `Q1. …`, `Q — …`)."""
    for ln in lines:
        m = _LABEL.match(ln.text)
        if m and (m.group("period") or (m.group("dash") and m.group("word").lower() == "q")) \
                and (found := match_label(ln.text)) and found[0] == QUESTION:
            return True
    return False


# the publisher's own mark closing each answer, alone or at the end of its last line ("(End of
# reply 3)", "[End of answer]", "-- end of response --"): where the answer ends, not its words
_END_MARK = re.compile(r"(?:^|\s)[(\[]?[\s\-\u2013\u2014*]*end\s+of\s+(?:the\s+)?(?:reply|answer|"
                       r"response)(?:\s*(?:#|no\.)?\s*\d{1,3})?[\s\-\u2013\u2014*.]*[)\]]?\s*$",
                       re.IGNORECASE)


# a label the publisher writes inside a question or answer whose container (<dt>/<dd>, a table's
# cells, <summary>) already says which it is: "Attendee question: …", "Presenter response: …"
# (the label words the parser knows, `_KINDS`, but "Q"/"A": too short to tell in front of a word)
_OWN_LABEL = {
    kind: re.compile(r"^\s*(?:[A-Z][\w'’-]*\s+){0,2}(?:"
                     + "|".join(w for w, k in _KINDS.items() if k == kind and w not in _SHORT)
                     + r")\s*:\s*", re.IGNORECASE)
    for kind in (QUESTION, ANSWER)
}


def _end_marks(lines: list[Line]) -> list[Line]:
    """The lines with each end mark ("… supports it. (End of reply 1)") taken out of its line
    and made the end of the answer it closes."""
    out: list[Line] = []
    for ln in lines:
        mark = _END_MARK.search(ln.text) if ln.kind in (TEXT, HEADING) else None
        if mark is None:
            out.append(ln)
            continue
        if ln.text[:mark.start()].strip():
            out.append(dataclasses.replace(ln, text=ln.text[:mark.start()].rstrip()))
        out.append(Line(ln.number, "", END))
    return out


def tokenize(lines: list[Line]) -> list[Token]:
    """Every line classified; site chrome lines are dropped here, before any section sees them."""
    out: list[Token] = []
    lines = _end_marks(lines)
    periods = _asks_with_periods(lines)
    titled = False  # a heading, a bold line or a label met: the page's own content has begun
    wrapped_chrome = False  # the line above was chrome, dropped
    for ln in lines:
        titled = titled or ln.kind != "text" or ln.level > 0
        if ln.kind in (QUESTION, ANSWER, END):  # structure the reader already knows
            text = _OWN_LABEL[QUESTION].sub("", ln.text, count=1) if ln.kind == QUESTION \
                else ln.text
            out.append(Token(ln.kind if ln.kind != END else "end", ln.number, text.strip(),
                             "question" if ln.kind == QUESTION else ""))
            continue
        if out and out[-1].kind == ANSWER and not out[-1].label and ln.kind == TEXT:
            # the answer's own label inside its container ("Presenter response: …")
            ln = dataclasses.replace(ln, text=_OWN_LABEL[ANSWER].sub("", ln.text, count=1))
            if not ln.text.strip():
                continue
        if not ln.text.strip():
            out.append(Token("blank", ln.number, ""))
            wrapped_chrome = False
            continue
        if ln.kind == ROW:
            out.append(Token("row", ln.number, ln.text.strip()))
            continue
        found = match_label(ln.text, periods=periods)
        if found and _continues_sentence(out, ln):
            found = None  # "…followed by the moderators' consolidated / answer. Threads are…"
        titled = titled or found is not None
        if not titled and is_breadcrumb(ln.text):
            continue  # where the page sits in the site, printed above its title
        if found:
            kind, label, rest = found
            level = (ln.level or 1) if ln.kind == HEADING else ln.level  # a label set as a title
            out.append(Token(kind, ln.number, rest, label, ln.text, level))
        elif (is_chrome(ln.text) and not (ln.kind == HEADING and closing_kind(ln.text) == CHROME)) \
                or (wrapped_chrome and ln.kind == TEXT and ln.text.lstrip()[:1].islower()):
            # (a page prompt set as a heading, "### Was this article helpful?", stays a heading:
            # what is under it, its vote buttons and feedback link, goes with it, `structure`);
            # a hard-wrapped prompt's next line ("…through / the members' portal.") goes with it
            wrapped_chrome = True
            continue
        else:
            wrapped_chrome = False
            out.append(Token("heading" if ln.kind == HEADING else "text", ln.number, ln.text,
                             level=ln.level, lead=ln.lead))
    return _section_titles(_item_numbers(_merge_markers(_without_mail_matter(out))))


# a line whose sentence has ended: its last mark of punctuation, maybe inside quotes or brackets
ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$")


def _continues_sentence(out: list[Token], ln: Line) -> bool:
    """A line of hard-wrapped prose that starts with a label word in lower case ("answer. …")
    under a line whose sentence has not ended: the word is the sentence's, not a label."""
    first = ln.text.lstrip()[:1]
    if not first.islower() or not out:
        return False
    prev = out[-1]
    return (prev.kind == "text" and prev.number == ln.number - 1
            and not ENDS_SENTENCE.search(prev.text.rstrip()))


# a poster's sign-off on a line of its own under a message ("-- Moderator", "-- J. Ruiz, CPC"):
# who wrote it, never what the answer says
_SIGN_OFF = re.compile(r"^\s*--\s*[A-Z][^?!:;]*(?<![.,])$")
_SIGN_OFF_MAX_WORDS = 6


def _without_mail_matter(tokens: list[Token]) -> list[Token]:
    """A digest's or a mail thread's own matter between its entries, dropped: a message's header
    block ("Message: 2" / "Date: …" / "Subject: …", a paragraph of two header fields or more,
    one of them the subject or the message's number, after the first question; the headers
    before it stay for the title; an answer's "From: 03/02 / To: 03/06" is no header block) and
    a poster's sign-off standing as a paragraph of its own."""
    def paragraph(i: int) -> list[int]:
        j = i
        while j < len(tokens) and tokens[j].kind == "text":
            j += 1
        return list(range(i, j))

    drop: set[int] = set()
    asked = False
    for i, tok in enumerate(tokens):
        asked = asked or tok.kind in ("question", "answer")
        if tok.kind != "text" or (i and tokens[i - 1].kind == "text"):
            continue  # not the first line of a paragraph
        para = paragraph(i)
        texts = [tokens[k].text.strip() for k in para]
        fields = [m.group("field").lower() for t in texts if (m := MAIL_HEADER.match(t))]
        if asked and len(texts) >= 2 and len(fields) == len(texts) and \
                {"subject", "message", "message-id"} & set(fields):
            drop.update(para)
        elif len(texts) == 1 and _SIGN_OFF.match(texts[0]) and \
                len(texts[0].lstrip("- ").split()) <= _SIGN_OFF_MAX_WORDS:
            drop.update(para)
    return [t for i, t in enumerate(tokens) if i not in drop]


def _number(label: str) -> str:
    return "".join(re.findall(r"\d+", label))


def _item_numbers(tokens: list[Token]) -> list[Token]:
    """A question label standing alone right before another question label that carries the
    question ("INQUIRY 1" / "Inquiry: Our physicians…") numbers the item: it is the item's
    title, not a question without text (unless the two labels give different numbers). So is
    one set as a heading, or naming the item's topic in a few words that ask nothing ("###
    Question 5: What makes a plan 3D?" or "Question 1: Verification sim vs. CT sim" over "**Q:**
    Our therapists…"): newsletters title each question that way, and the label that carries the
    question right under it is the question. Nothing is dropped that could be an answer: only
    blank lines lie between the two labels."""
    out = list(tokens)
    for i, tok in enumerate(tokens):
        topic = tok.text.strip()
        titles = not topic or 1 <= tok.level <= 6 or (
            not ASKS.search(topic) and len(topic.split()) <= MAX_TITLE_WORDS)
        if tok.kind != "question" or not tok.label or not titles:
            continue
        j = next((k for k in range(i + 1, len(tokens)) if tokens[k].kind != "blank"), None)
        nxt = tokens[j] if j is not None else None
        if nxt is not None and nxt.kind == "question" and nxt.label and nxt.text.strip() \
                and _number(nxt.label) in ("", _number(tok.label)):
            out[i] = Token("heading", tok.number, tok.raw.strip() or tok.label, level=tok.level)
    return out


def _merge_markers(tokens: list[Token]) -> list[Token]:
    """An answer container whose text starts with its own 'Answer:' label is one answer."""
    out: list[Token] = []
    for tok in tokens:
        if tok.kind == "answer" and tok.label:
            i = len(out) - 1
            while i >= 0 and out[i].kind == "blank":
                i -= 1
            if i >= 0 and out[i].kind == "answer" and not out[i].label:
                del out[i]
        out.append(tok)
    return out


MAX_TITLE_WORDS = 8


def _section_titles(tokens: list[Token]) -> list[Token]:
    """A short paragraph of its own ending with a colon right before a question label
    ("Questions asked during the call:") announces the questions, not the answer above: it is
    a section title (a heading, dropped like one), never the end of that answer."""
    out = list(tokens)
    for i, tok in enumerate(out):
        if tok.kind != "question" or not tok.label or i < 2:
            continue
        j = i - 1
        while j >= 0 and out[j].kind == "blank":
            j -= 1
        title = out[j] if j >= 1 and j < i - 1 else None  # a blank line between it and the label
        if (title is not None and title.kind == "text" and title.text.rstrip().endswith(":")
                and len(title.text.split()) <= MAX_TITLE_WORDS and out[j - 1].kind == "blank"):
            out[j] = Token("heading", title.number, title.text, level=title.level)
    return out
