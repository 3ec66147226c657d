"""Narrative Markdown → safe HTML, and the checks the content model runs on narratives and URLs.

Narratives are CommonMark (paragraphs, lists, links, emphasis) rendered by markdown-it-py with raw HTML disabled,
so anything that looks like a tag is shown as text. Links may only point to https, http or mailto; anything else
(``javascript:``, ``data:``, ``file:``) is rejected when the content is validated, so it never reaches a page.
Images are not part of the form: they are rejected with a hint to list the file as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic_core import PydanticCustomError

SAFE_URL_SCHEMES = ("https", "http", "mailto")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "commonmark" with html off: raw HTML in content is escaped, never passed through.
    # linkify stays off: a bare URL is linked only when written as <https://…>, as in CommonMark.
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    # The default validator lets through some data: images; ours is stricter and runs at validation time too.
    parser.validateLink = is_safe_url  # type: ignore[method-assign]  # markdown-it-py's documented hook
    return parser


def is_safe_url(url: str) -> bool:
    """True for an absolute https/http/mailto URL, the only kinds a public KPI page links to."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in SAFE_URL_SCHEMES:
        return False
    if parts.scheme.lower() == "mailto":
        return bool(parts.path)
    return bool(parts.netloc)


#: What an address cannot hold: whitespace (a line break would end an HTTP header or a sitemap line) and control
#: characters. ``urlsplit`` silently drops tabs and line breaks, so they are looked for before it sees the URL.
_URL_BAD_CHARACTER = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def check_url(url: str) -> str:
    """Content-model check for a URL field; raises a pydantic error naming what was found."""
    bad = _URL_BAD_CHARACTER.search(url)
    if bad:
        raise PydanticCustomError(
            "url_bad_char",
            "URL holds whitespace or a control character",
            {"url": url.encode("unicode_escape").decode("ascii"), "char": f"U+{ord(bad.group()):04X}"},
        )
    if not is_safe_url(url):
        raise PydanticCustomError("unsafe_url", "URL must start with https://, http:// or mailto:", {"url": url})
    return url


@lru_cache(maxsize=1)
def _permissive_parser() -> MarkdownIt:
    # Accepts every link so that validation sees unsafe ones as links (and reports them) instead of as plain text.
    parser = MarkdownIt("commonmark", {"html": False})
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it-py's documented hook
    return parser


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def check_markdown(text: str) -> str:
    """Content-model check for a narrative: every link safe, no images."""
    if "[" not in text and "<" not in text:
        # Every link and image starts with one of these (inline, reference, autolink; linkify is off): without
        # them there is nothing to check, and most narratives are plain paragraphs not worth parsing.
        return text
    for token in _walk(_permissive_parser().parse(text)):
        if token.type == "link_open":
            check_url(str(token.attrGet("href") or ""))
        elif token.type == "image":
            raise PydanticCustomError(
                "image_in_text", "images are not part of the form", {"url": str(token.attrGet("src") or "")}
            )
    return text


#: A bullet as Word writes it when its list is pasted as text ("•⇥", "◦ ", "▪ ", "–⇥"): rendered as a Markdown
#: list item. An en dash starts a list item only before a tab, as Word's dash bullets do; "– " in a sentence
#: wrapped onto a new line stays text.
WORD_BULLET = re.compile(r"^([ \t]*)(?:[•◦▪▫●○■□‣⁃∙][ \t]*|[–—]\t[ \t]*)(?=\S)", re.MULTILINE)


def word_bullets_as_list(text: str) -> str:
    """Turn the bullets of a list pasted from Word into Markdown's ``- ``, one list level."""
    return WORD_BULLET.sub("- ", text)


def render_markdown(text: str | None) -> str:
    """Render a narrative to HTML. Raw HTML is escaped; only safe links survive; Word bullets make a list."""
    if not text:
        return ""
    html: str = _parser().render(word_bullets_as_list(text))
    return html
