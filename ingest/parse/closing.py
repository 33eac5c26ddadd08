"""The sections publishers print after the last answer, known by their titles.

Real FAQ pages close with a small, recurring set of sections (surveyed on society, contractor,
vendor and hospital FAQ pages): references under names such as "References", "Resources",
"Related links", "See also", "Further reading", "Notes" / "Footnotes" (and the publisher's
own closing matter, "Summary", "Key takeaways", kept with them; never "Note", an answer's own
lead-in); and page matter that is not guidance: the site's links to its other pages ("Related
articles", "More FAQs"), "About us", "About the author", "Contact us",
"Share this", "Comments", "Tags", "Was this page helpful?", "Still have questions?", and the
page's edit log ("Changelog", "Revision history"). A section number before the title ("4.
UPCOMING WEBINARS", "Section 3. References") is the publication's numbering, not part of it.
The first kind becomes the document's references; the second is dropped, as chrome (a
page-matter title that asks is never a question).

Any other title after the last answer is the document's own closing matter ("Glossary", "CPT
notice"…), kept with its references, unless it could be a last question
its publisher did not end with "?": a title that opens as a question does ("Can", "Is",
"How"…) or names a code. That one is not guessed at: the parser refuses it (see
`headings`), naming the line and what to write.
"""

from __future__ import annotations

import re

from retrieval.codes import CODE_RE

REFERENCES = "references"
CHROME = "chrome"

_REFERENCE_TITLES = re.compile(
    r"(?:references?|sources?|citations?|(?:foot|end)?notes|bibliography|resources?|links?|"
    r"(?:references|sources)\s+(?:consulted|cited|used|quoted)(?:\s+(?:by|in)\s+(?:the\s+)?"
    r"[\w'’-]+(?:\s+[\w'’-]+){0,3})?|works\s+cited|"
    r"see also|"
    r"further reading|reading list|(?:related|additional|other|useful|helpful|more|external|"
    r"coding|recommended)\s+(?:links?|resources?|reading|information|guidance|documents?|"
    r"tools?)|(?:additional|other|useful|helpful|external|coding|recommended)\s+(?:articles?|"
    r"content|pages?|topics?|faqs?|posts?)|for more information|"
    r"more information|learn more|"
    # the publisher's own closing matter: kept with the references, never an answer
    r"(?:in\s+)?(?:summary|conclusion)|key\s+(?:takeaways|points)|takeaways|final\s+thoughts|"
    r"(?:the\s+)?bottom\s+line|wrapping\s+up)",
    re.IGNORECASE)
_CHROME_TITLES = re.compile(
    r"(?:about\b.*|(?:the\s+)?authors?|contacts?\b.*|get\s+in\s+touch|"
    r"(?:still\s+)?(?:have|got)\s+(?:a\s+|more\s+|other\s+|any\s+|further\s+)?questions?|"
    r"(?:more|other|further)\s+questions|questions(?:\s+or\s+comments)?|"
    r"(?:need|get|find)\s+(?:more\s+)?help|help|(?:ask|submit)\s+(?:a|your)\s+question|"
    r"share(?:\s+this(?:\s+(?:page|article|post))?)?|comments?|leave\s+a\s+(?:reply|comment)|"
    r"tags?|categories|filed\s+under|follow\s+us|subscribe|newsletter|sign\s+up|"
    # a newsletter's own news after its Q&A: never guidance
    r"reminders?|announcements?|(?:upcoming\s+)?(?:events?|webinars?|meetings?)|"
    r"in\s+this\s+issue|(?:staff|office)\s+(?:news|corner|notes)|"
    # the page's own edit log: when it changed, never what it says
    r"change\s*log|(?:revision|version|document|page|edit)\s+history|"
    r"(?:was|is)\s+this\s+(?:page|article|answer|post|information|content|faq)\s+"
    r"(?:helpful|useful)|feedback|rate\s+this\s+(?:page|article)|print(?:\s+this\s+page)?|"
    r"privacy(?:\s+(?:policy|notice|statement))?|terms(?:\s+(?:of\s+(?:use|service)|and\s+"
    r"conditions))?|cookies?(?:\s+(?:policy|settings|preferences))?|accessibility|site\s*map|"
    # the site's links to its other pages: navigation, not the sources of these answers
    r"related(?:\s+(?:articles?|posts?|pages?|topics?|content|faqs?|questions))?|"
    r"(?:more|other)\s+(?:articles?|posts?|faqs?)(?:\s+(?:like\s+this|in\s+this\s+\w+))?|"
    r"recent\s+posts|popular\s+posts|you\s+may\s+also\s+like|(?:page\s+)?last\s+"
    r"(?:updated|reviewed|modified)(?:\s+.*)?)",
    re.IGNORECASE)
# the words a question opens with (interrogatives and the auxiliaries of yes/no questions)
_OPENS_AS_QUESTION = re.compile(
    r"(?:can|could|may|might|must|shall|should|will|would|is|are|was|were|am|do|does|did|has|"
    r"have|had|what|when|where|which|who|whom|whose|why|how|if)\b", re.IGNORECASE)
_TRIM = re.compile(r"^[\s#*_>]+|[\s:?.!*_]+$")
# a newsletter's or guide's section number ("4. UPCOMING WEBINARS", "2) Sources")
_SECTION_NUMBER = re.compile(r"^(?:(?:section|part|chapter)\s+(?:\d{1,2}|[IVX]{1,4})[.):]?|"
                             r"(?:\d{1,2}|[IVX]{1,4})[.)])\s+", re.IGNORECASE)


def closing_kind(title: str) -> str | None:
    """REFERENCES or CHROME when a section title is one publishers close a page with."""
    s = _SECTION_NUMBER.sub("", _TRIM.sub("", title))
    if len(s.split()) > 8 or CODE_RE.search(s):
        return None  # a title naming a code is about guidance, never page matter
    if _CHROME_TITLES.fullmatch(s):
        return CHROME
    if _REFERENCE_TITLES.fullmatch(s):
        return REFERENCES
    return None


def could_ask(title: str) -> bool:
    """Whether a title without '?' may still be a question: it opens as one or names a code."""
    s = _TRIM.sub("", title)
    return bool(_OPENS_AS_QUESTION.match(s) or CODE_RE.search(s))


# a paragraph about the publisher opening with its title run in ("About Harbor Billing Group: we
# audit…", "About us: …", "Contact us: …"): page matter like the heading "About us". Only the
# publisher's name (capitalised words) or "us" after "About": "About the device: …" may be an
# answer's own lead-in
_RUN_IN_ABOUT = re.compile(
    r"^(?:about\s+(?:us|(?:the\s+)?[A-Z][\w&'’.-]*(?:\s+(?:&|of|and|[A-Z][\w&'’.,-]*)){0,6})|"
    r"contact\s+us)\s*:\s+\S", re.IGNORECASE)


def run_in_page_matter(text: str) -> bool:
    """Whether a paragraph opens with a run-in title of page matter: about the publisher, or
    any title a page's own matter goes under ("Related articles: A · B", "Tags: IMRT")."""
    title, colon, rest = _TRIM.sub("", text.strip().split("\n")[0]).partition(":")
    if (colon and rest.strip() and closing_kind(title) == CHROME
            and not re.match(r"about|contact", title.strip(), re.IGNORECASE)):
        return True  # ("About the device: …" may be an answer's lead-in: see below)
    m = _RUN_IN_ABOUT.match(text.strip())
    if m is None or CODE_RE.search(m.group()):
        return False
    words = m.group().split(":")[0].split()[1:]
    named = [w for w in words if w.lower() not in ("the", "of", "and", "&", "us")]
    if [w.lower() for w in words] == ["us"]:
        return True
    return bool(named) and all(w[0].isupper() for w in named)
