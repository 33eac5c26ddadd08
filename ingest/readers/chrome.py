"""Site chrome of a saved web page, removed by structure before any text is read.

Navigation, page-level header and footer, asides, scripts, styles, forms that hold no content,
cookie/consent banners; then, once FAQ markup is paired (`faq_markup`), buttons, form fields and
hidden elements that are not a question or an answer.
"""

from __future__ import annotations

from typing import Any

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


def strip_chrome(soup: Any) -> None:
    """Page furniture, before Q&A markup is paired (see `strip_interactive` for the rest)."""
    for el in soup.select(_DROP):
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


def strip_interactive(soup: Any) -> None:
    """Buttons, form fields and hidden elements, except a paired question or answer (a
    collapsed answer is hidden, an accordion's question is often a button), what holds one, and
    the button inside a question that carries its text."""
    def marked(t: Any) -> bool:
        return bool(t.has_attr(QUESTION_MARK) or t.has_attr(ANSWER_MARK))

    shown = revealed(soup)  # what a "Read more" reveals is content, though hidden
    for el in soup.select(INTERACTIVE):
        if el.decomposed or marked(el) or el.find(marked) or el.get("id") in shown or (
                el.name == "button" and el.find_parent(attrs={QUESTION_MARK: True})):
            continue
        el.decompose()
