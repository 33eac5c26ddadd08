"""FAQ pages whose questions and answers are told apart by markup alone, not by labels.

Publishers' FAQ pages (CMS accordions, Bootstrap, jQuery UI, WordPress FAQ blocks) mark the pair
in one of three ways, all read here before any chrome is stripped (collapsed answers are often
`hidden` and their questions `<button>`s, which chrome removal would drop):

- an ARIA disclosure inside an accordion or FAQ container, or opening a panel it titles (the
  WAI-ARIA accordion: a `role="region"` panel, or one `aria-labelledby` the trigger): a trigger
  whose `aria-controls` (or Bootstrap's `data-bs-target` / `data-target`) names the element
  holding the answer (elsewhere, e.g. a "Read more" toggle inside an answer, the element it
  reveals is kept as content);
- class words (split on `-`, `_`): `question` / `answer`, or an accordion word (`accordion`,
  `faq`, `toggle`, `collapsible`…) with a title word (`title`, `header`, `button`, `trigger`…) for
  the question and a panel word (`panel`, `body`, `content`, `collapse`…) for the answer; the
  answer is the next marked answer, with nothing but markup between the two;
- schema.org FAQPage JSON-LD (`<script type="application/ld+json">`), used only when the visible
  page shows no question (see `ingest.readers.jsonld`).

Only the outermost marked element counts (a Bootstrap header wraps its button). Containers the
reader already understands (`<details>`, `<dl>`, microdata Questions) are left to it. When a page
pairs some questions this way, a marked question without an answer (or the reverse), or text
between a question and its answer, refuses the file naming the element and its line.
"""

from __future__ import annotations

import re
from typing import Any

from retrieval.errors import CorpusFormatError

QUESTION_MARK = "data-radonc-faq-q"  # attribute set on a paired question: the pair's number
ANSWER_MARK = "data-radonc-faq-a"  # ... and on its answer

_CONTEXT = {"accordion", "faq", "faqs", "toggle", "collapsible", "expandable", "expander",
            "disclosure", "qa"}
_TITLE = {"title", "header", "heading", "head", "button", "btn", "trigger", "label", "summary",
          "q", "toggler"}
_PANEL = {"panel", "body", "content", "collapse", "text", "a", "details", "inner", "pane",
          "response", "reply"}
_LINKS = ("aria-controls", "data-bs-target", "data-target")
_KNOWN = ("details", "dl")  # containers the reader pairs itself
# dropped as chrome after pairing, unless they are (or hold) a marked question or answer
INTERACTIVE = "button, select, input, textarea, [hidden], [aria-hidden=true]"


def words(el: Any) -> set[str]:
    """The words of an element's id and classes ("faq__question-title" → faq, question, title)."""
    marks = " ".join([str(el.get("id") or ""), *(el.get("class") or [])]).lower()
    return set(re.split(r"[\s_-]+", marks)) - {""}


def role(el: Any) -> str | None:
    """'q' or 'a' when the element's classes mark it as a question or an answer.

    Classes only: an id such as "faq-question-3" names the whole item, question and answer.
    """
    w = set(re.split(r"[\s_-]+", " ".join(el.get("class") or []).lower())) - {""}
    if "question" in w or (w & _CONTEXT and w & _TITLE):
        return "q"
    if "answer" in w or (w & _CONTEXT and w & _PANEL):
        return "a"
    return None


def _describe(el: Any) -> str:
    classes = " ".join(el.get("class") or [])
    return f"<{el.name}{f' class={classes!r}' if classes else ''}>"


def _within(el: Any, ancestor: Any) -> bool:
    return any(p is ancestor for p in el.parents)  # Tag == compares content, not identity


def _inside_known(el: Any) -> bool:
    return el.find_parent(_KNOWN) is not None or any(
        str(p.get("itemtype") or "").rstrip("/").endswith("/Question")
        for p in [el, *el.parents] if p.name)


def _disclosure(el: Any) -> bool:
    """A WAI-ARIA disclosure trigger (or a Bootstrap collapse toggle), not a tab or a menu."""
    toggle = str(el.get("data-bs-toggle") or el.get("data-toggle") or "").lower()
    return el.get("role") != "tab" and (el.has_attr("aria-expanded") or toggle == "collapse")


def _in_accordion(el: Any) -> bool:
    """A disclosure inside an accordion or FAQ (not a "Read more" toggle within an answer)."""
    return any(words(p) & _CONTEXT for p in [el, *el.parents] if p.name)


def _titles_its_panel(el: Any, panel: Any) -> bool:
    """The WAI-ARIA accordion pattern, whatever the page's classes: the panel a trigger opens is
    a region (`role="region"`) or is named by the trigger (`aria-labelledby` its id), so the
    trigger's words are the panel's title; a "Read more" toggle reveals text and titles none."""
    named_by = str(panel.get("aria-labelledby") or "").split()
    return panel.get("role") == "region" or (bool(el.get("id")) and el.get("id") in named_by)


def revealed(soup: Any) -> set[str]:
    """Ids of the elements a control on the page reveals (a disclosure's panel, an inactive
    tab's panel): content, however hidden. Menus and dialogs are gone with the chrome by now."""
    out = set()
    for el in soup.find_all(lambda t: any(t.has_attr(a) for a in _LINKS)):
        out |= {str(el.get(a) or "").strip().removeprefix("#") for a in _LINKS}
    return out - {""}


def _target(q: Any, soup: Any) -> Any | None:
    """The element a trigger (the question or one inside it) says holds its answer."""
    for el in [q, *q.find_all(True)]:
        for attr in _LINKS:
            ref = str(el.get(attr) or "").strip().removeprefix("#")
            if ref and re.fullmatch(r"[\w:.-]+", ref) and (el is q or _disclosure(el)
                                                           or role(q) == "q"):
                found = soup.find(id=ref)
                if found is not None and found is not q and not _within(found, q) \
                        and not _within(q, found):
                    return found
    return None


def _in_trigger(el: Any) -> bool:
    """Whether an element is part of a button or a disclosure trigger (its "Show" label, its
    icon): an answer is what a trigger reveals, never a part of it."""
    return any(p.name == "button" or _disclosure(p) for p in el.parents if p.name)


def _outermost(els: list[Any]) -> list[Any]:
    chosen = set(map(id, els))
    return [el for el in els if not any(id(p) in chosen for p in el.parents)]


def mark_pairs(soup: Any, path: Any) -> dict[str, Any]:
    """Mark every question/answer pair the markup gives; the answers by pair number."""
    questions, answers = [], []
    for el in soup.find_all(True):
        if el.name in ("html", "body", "main", "article") or _inside_known(el):
            continue
        kind = role(el)
        if kind == "q" or (kind is None and _disclosure(el) and el.get_text(strip=True)
                           and (panel := _target(el, soup)) is not None
                           and (_in_accordion(el) or _titles_its_panel(el, panel))):
            questions.append(el)
        elif kind == "a":
            answers.append(el)
    # (the label a trigger holds, "…-toggle-text" in the button, is no answer: `_in_trigger`)
    answers = [a for a in answers if not _in_trigger(a)]
    # a "question" holding an answer is the item's wrapper ("faq-question-wrap"), not a question
    questions = _outermost([q for q in questions if not any(_within(a, q) for a in answers)])
    # an "answer" holding questions is the FAQ's container ("faq-content"), not an answer
    answers = [a for a in _outermost(answers) if not any(_within(q, a) for q in questions)]
    pairs = _Pairing(soup, path).pair(questions, answers)
    for n, (q, a) in enumerate(pairs):
        q[QUESTION_MARK], a[ANSWER_MARK] = str(n), str(n)
    return {str(n): a for n, (_, a) in enumerate(pairs)}


class _Pairing:
    """Each question with its linked answer, else the next marked answer before the next
    question; text between the two is refused."""

    def __init__(self, soup: Any, path: Any) -> None:
        self.path = path
        self.nodes = list(soup.descendants)
        self.order = {id(node): i for i, node in enumerate(self.nodes)}
        self.soup = soup
        dropped = soup.select(INTERACTIVE + ", script, style, noscript, template")
        self.dropped = {id(d) for d in dropped}

    def pair(self, questions: list[Any], answers: list[Any]) -> list[tuple[Any, Any]]:
        linked = {id(q): t for q in questions if (t := _target(q, self.soup)) is not None}
        targets = list(linked.values())
        free = [a for a in answers if not any(
            a is t or _within(a, t) or _within(t, a) for t in targets)]
        pairs: list[tuple[Any, Any]] = []
        used: set[int] = set()
        for i, q in enumerate(questions):
            if id(q) in linked:
                pairs.append((q, linked[id(q)]))
                continue
            end = max((self.order[id(d)] for d in q.descendants), default=self.order[id(q)])
            limit = self.order[id(questions[i + 1])] if i + 1 < len(questions) \
                else len(self.nodes)
            a = next((a for a in free if end < self.order[id(a)] < limit), None)
            if a is None:
                self._title_or_refuse(q, end, limit)
                continue  # a title over the questions: ordinary content for the parser
            self._nothing_between(q, end, self.order[id(a)])
            used.add(id(a))
            pairs.append((q, a))
        stray = [a for a in free if id(a) not in used]
        if stray and pairs:
            a = stray[0]
            raise CorpusFormatError(
                self.path, f"the answer element {_describe(a)} follows no question element",
                "give its question the page's question markup, or remove it",
                line=a.sourceline)
        return pairs

    def _texts(self, start: int, stop: int) -> list[tuple[Any, bool]]:
        """Text nodes strictly between two positions, each with whether chrome removal drops it."""
        from bs4 import NavigableString
        from bs4.element import Comment

        out = []
        for node in self.nodes[start + 1:stop]:
            if isinstance(node, NavigableString) and not isinstance(node, Comment) \
                    and node.strip():
                out.append((node, any(id(p) in self.dropped for p in node.parents)))
        return out

    def _title_or_refuse(self, q: Any, end: int, limit: int) -> None:
        """A marked question with no answer: a section title, unless hidden text follows it
        (a collapsed answer without the page's answer markup)."""
        hidden = [n for n, dropped in self._texts(end, limit) if dropped]
        if hidden:
            raise CorpusFormatError(
                self.path, f"the question element {_describe(q)} has no answer element, and "
                f"the hidden or interactive text after it ({hidden[0].strip()[:40]!r}) may be "
                "its answer", "give its answer the page's answer markup (e.g. "
                "class='faq-answer'), or write 'Question:' / 'Answer:' labels",
                line=q.sourceline)

    def _nothing_between(self, q: Any, end: int, start: int) -> None:
        """Text between a question and its answer: part of which? Refused, never guessed."""
        shown = [n for n, dropped in self._texts(end, start) if not dropped]
        if shown:
            node = shown[0]
            raise CorpusFormatError(
                self.path, f"text {node.strip()[:40]!r} sits between the question element "
                f"{_describe(q)} (line {q.sourceline}) and its answer element",
                "move it into the question or the answer, or remove it",
                line=getattr(node.parent, "sourceline", None) or q.sourceline)
