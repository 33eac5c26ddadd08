"""Site chrome of a saved web page, removed by structure before any text is read.

Navigation, page-level header and footer, asides, scripts, styles, forms that hold no content,
cookie/consent banners; then, once FAQ markup is paired (`faq_markup`), buttons, form fields and
hidden elements that are not a question or an answer.

A site footer is chrome, except the guidance some publishers print only there: the disclaimer
and the AMA's CPT notice (told by their wording, `ingest.parse.wording`). Those paragraphs are
kept, moved to the end of the page's content, when the content does not carry its own; the rest
of the footer (the site's copyright line, policy links, social icons) goes.
"""

from __future__ import annotations

from typing import Any

from ingest.parse.wording import disclaims, is_cpt_notice, is_guidance_matter
from ingest.readers.faq_markup import ANSWER_MARK, INTERACTIVE, QUESTION_MARK, revealed
from ingest.readers.faq_markup import role as faq_role
from ingest.readers.faq_markup import words as markup_words

_DROP = ("script, style, noscript, template, svg, iframe, object, embed, nav, aside, dialog, "
         "[role=navigation], [role=banner], [role=contentinfo], [role=search], "
         "[role=complementary], [role=dialog]")
# id/class words (split on - and _) of page furniture: banners anywhere, and a site's header,
# footer and menus when they sit outside the article / main content
_BANNER_WORDS = {"cookie", "cookies", "consent", "gdpr", "onetrust", "newsletter", "signup",
                 "subscribe", "breadcrumb", "breadcrumbs", "share", "sharing", "social", "sidebar",
                 "skip", "skiplink", "print", "advert", "ad", "ads", "promo"}
_SITE_WORDS = {"header", "footer", "nav", "navbar", "navigation", "menu", "masthead", "topbar"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


_TEXT_BLOCKS = ("p", "div", "li", "section", "address", "blockquote", "td", "dd", "footer")


def content_root(soup: Any) -> Any:
    """The element holding the page's content: <main>, role=main, else the body."""
    return soup.find("main") or soup.select_one("[role=main]") or soup.body


def _site_footers(soup: Any) -> list[Any]:
    """The site's footers (outermost only): <footer> or role=contentinfo, or an element whose
    id/classes say footer, outside the article or main content."""
    found = [el for el in soup.find_all(True)
             if (el.name == "footer" or el.get("role") == "contentinfo"
                 or "footer" in markup_words(el))
             and el.name not in ("body", "html", "main", "article")
             and not el.find_parent(["article", "main"])]
    return [el for el in found if not any(p in found for p in el.parents)]


def _guidance_blocks(el: Any) -> list[Any]:
    """The innermost text blocks under `el` (itself included) that read as a disclaimer or a
    CPT notice."""
    def reads(t: Any) -> bool:
        return t.name in _TEXT_BLOCKS and is_guidance_matter(t.get_text(" ", strip=True))

    found = [t for t in [el, *el.find_all(_TEXT_BLOCKS)] if reads(t)]
    return [t for t in found if not any(d is not t and t in d.parents for d in found)]


def _footer_guidance(soup: Any) -> list[Any]:
    """The disclaimer and CPT notice paragraphs of the site footers, taken out of them."""
    kept = [b for footer in _site_footers(soup) for b in _guidance_blocks(footer)]
    for b in kept:
        b.extract()
        if b.name == "footer":
            b.name = "div"
    return kept


def _keep_footer_guidance(soup: Any, kept: list[Any]) -> None:
    """Append the footer's guidance the content lacks to the end of the content."""
    root = content_root(soup)
    if root is None or not kept:
        return
    own = [b.get_text(" ", strip=True) for b in _guidance_blocks(root)]
    has_disclaimer = any(disclaims(t) for t in own) or root.find(
        string=lambda s: s.strip().lower().startswith(("disclaimer", "legal disclaimer")))
    has_notice = any(is_cpt_notice(t) for t in own)
    for b in kept:
        text = b.get_text(" ", strip=True)
        if (disclaims(text) and not has_disclaimer) or (is_cpt_notice(text) and not has_notice):
            root.append(b)


def _in_answer(el: Any) -> bool:
    """Whether an aside (a "Note" callout) stands inside an answer's container: a `<details>`
    body, a `<dd>`, an element the FAQ markup marks as an answer, a schema.org accepted answer.
    There it is part of the answer; elsewhere an aside is the site's sidebar."""
    if el.name != "aside" and el.get("role") != "complementary":
        return False
    for p in el.parents:
        if p.name in ("details", "dd") or faq_role(p) == "a" or \
                p.get("itemprop") in ("acceptedAnswer", "suggestedAnswer"):
            return True
    return False


def strip_chrome(soup: Any) -> None:
    """Page furniture, before Q&A markup is paired (see `strip_interactive` for the rest)."""
    kept = _footer_guidance(soup)
    for el in soup.select(_DROP):
        if not el.decomposed and not _in_answer(el):
            el.decompose()
    for el in soup.find_all(True):
        if el.decomposed or el.attrs is None or el.name in ("body", "html", "main", "article"):
            continue
        words = markup_words(el)
        outside = not el.find_parent(["article", "main"])
        # "accordion-header" is an accordion's question, not the site's header
        if words & _BANNER_WORDS or (outside and words & _SITE_WORDS and not faq_role(el)):
            el.decompose()
    for el in soup.find_all(["header", "footer"]):
        if not el.decomposed and not el.find_parent(["article", "main"]):
            el.decompose()  # the site's header and footer, not an article's
    for form in soup.find_all("form"):
        # ASP.NET pages wrap the whole page in a form; a search or sign-up form holds no prose
        if not form.decomposed and not form.find(["main", "article", *_HEADINGS]) \
                and len(form.find_all("p")) < 3:
            form.decompose()
    _keep_footer_guidance(soup, kept)


# the class names of text kept for screen readers and never shown ("sr-only", "visually-hidden",
# "govuk-visually-hidden", "screen-reader-text", "visuallyhidden", "element-invisible"): a
# control's spoken label ("Show this section", "(opens in a new window)"), not the page's words
_SCREEN_READER = ({"sr", "only"}, {"visually", "hidden"}, {"visuallyhidden"},
                  {"screen", "reader", "text"}, {"element", "invisible"}, {"screenreader"})


def _screen_reader_only(el: Any) -> bool:
    w = markup_words(el) if el.attrs else set()
    return any(marks <= w for marks in _SCREEN_READER)


def strip_interactive(soup: Any) -> None:
    """Buttons, form fields and hidden elements, except a paired question or answer (a
    collapsed answer is hidden, an accordion's question is often a button), what holds one, and
    the button inside a question that carries its text."""
    def marked(t: Any) -> bool:
        return bool(t.has_attr(QUESTION_MARK) or t.has_attr(ANSWER_MARK))

    shown = revealed(soup)  # what a "Read more" reveals is content, though hidden
    for el in soup.find_all(_screen_reader_only):
        if not el.decomposed and not marked(el) and not el.find(marked):
            el.decompose()
    for el in soup.select(INTERACTIVE):
        if el.decomposed or marked(el) or el.find(marked) or el.get("id") in shown or (
                el.name == "button" and el.find_parent(attrs={QUESTION_MARK: True})):
            continue
        el.decompose()
