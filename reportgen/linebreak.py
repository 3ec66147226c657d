"""Thai text → words, and the form's HTML → the same HTML with line breaks allowed only between those words.

Thai is written without spaces between words, so a line may break between any two words, and the layout engine
must find them: WeasyPrint (Pango) asks libthai, Chromium asks ICU. Their dictionaries differ from each other and
from the department's vocabulary, so the PDF and the page broke the same sentence in different places, and both
split names and compounds (``กรุงเทพ|มหานคร``, ``ความต้อง|การ``). Here one segmenter decides for both outputs.

``mark_line_breaks(html)`` cuts every Thai run of the HTML's text into words with PyThaiNLP's ``newmm`` (maximal
matching over its 62,000-word dictionary plus the project's own words, see ``load_dictionary``) and writes each
word as ``<span class="w">…</span>``, which the form's CSS keeps on one line (``white-space: nowrap``), with a
``<wbr>`` between two Thai words: a break opportunity that adds no character to the text. Chromium copies,
searches and reads out the text unchanged. The PDF (``paper=True``, the print and book documents) gets the same
cuts as a zero-width space, what WeasyPrint makes of ``<wbr>``, written as text so that it makes no box, and a
span only around a word Pango would split; the PDF's text layer leaves the zero-width space out, so the six
extractors read the form as before (tests/render/weasyprint_adapter/test_textlayer.py). Boundaries that are not between two Thai letters (spaces, punctuation, Latin, digits) keep the engines'
own rules (UAX #14), which agree. Besides the dictionary words, these stay on one line, as a Thai typesetter keeps
them:

- a day and its month, and a month and its year (``1 ตุลาคม 2563``, ``ต.ค. 2563``);
- punctuation that must not start a line, with the space before it (``(ปลายปีงบประมาณ) :``: no lone ``:``);
- ``ๆ`` and ``ฯ`` with the word before them.

A word longer than ``LONGEST_UNBREAKABLE`` characters is left to the engines, so that ``overflow-wrap`` can still
break it rather than let it run past the margin. Only text between tags is changed, never a tag or an attribute,
and the text is never normalised (``ำ`` stays U+0E33).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import Markup

from reportgen.errors import ContentError, Problem

#: The project's own words (names of libraries, projects, terms of the department), one per line, in content/.
DICTIONARY_FILE = "dictionary.txt"

#: The class of a word's span; the form's CSS (form.css) keeps it on one line.
WORD_CLASS = "w"

#: Longer than this (in characters), a word is not kept whole: at 10.67 pt a line of the PDF holds about 60.
LONGEST_UNBREAKABLE = 40

_THAI_LETTERS = "\u0e01-\u0e3a\u0e40-\u0e4e"  # consonants, vowels, tone marks, ๆ, ฯ; not the digits or ฿
_THAI_RUN = re.compile(f"[{_THAI_LETTERS}]+")
_TAG = re.compile(r"(<[^>]*>)")
#: Elements whose text is not prose laid out in lines.
_RAW_TEXT_TAGS = ("script", "style", "title", "textarea")
_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
_MONTH = "|".join(re.escape(month) for month in sorted(_MONTHS, key=len, reverse=True))
_NUMBER = r"[0-9๐-๙]+"
#: Stretches that stay on one line whatever the words inside them: dates, and closing punctuation with the space
#: before it (a lone ":" or ")" at the start of a line). Spaces inside are ordinary spaces, kept in nowrap spans.
_GLUED = re.compile(
    rf"(?:{_NUMBER}[ \u00a0])?(?:{_MONTH})(?:[ \u00a0](?:พ\.ศ\.[ \u00a0])?{_NUMBER}(?![0-9๐-๙]))?"
    rf"|[^\s;][ \u00a0]+[:;!?)\]}}»”’…]+(?=\s|$)"
)


def load_dictionary(content_dir: Path | None) -> frozenset[str]:
    """The project's own words from ``content/dictionary.txt`` (one a line; ``#`` starts a comment); none without it.

    A dictionary that cannot be read (not UTF-8, not a file) is a ``ContentError`` naming it: every form's line
    breaks depend on it, so it stops the whole build with its message, like a broken site.yaml."""
    if content_dir is None:
        return frozenset()
    path = Path(content_dir) / DICTIONARY_FILE
    shown = PurePosixPath(Path(content_dir).name, DICTIONARY_FILE)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return frozenset()
    except UnicodeDecodeError as error:
        byte = f"0x{error.object[error.start]:02X}"
        raise ContentError([Problem.create("not_utf8", shown, byte=byte, offset=error.start)]) from None
    except OSError as error:
        raise ContentError([Problem.create("file_unreadable", shown, reason=error.strerror or str(error))]) from None
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(word for word in words if word)


class _Dictionary:
    """The words newmm looks up, as a set: what PyThaiNLP's ``Trie`` answers (``prefixes``, ``in``), without
    building a trie of 62,000 words in Python first (0.5 s in every process that lays out a form; a set takes
    0.01 s, and a lookup per prefix length is as fast for the few thousand characters of a form)."""

    def __init__(self, words: frozenset[str]):
        self.words = words
        self.longest = max(map(len, words), default=0)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The dictionary words ``text`` has at ``start``, shortest first (as the trie lists them)."""
        end = min(len(text), start + self.longest)
        return [text[start:stop] for stop in range(start + 1, end + 1) if text[start:stop] in self.words]

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)


@lru_cache(maxsize=1)
def _base_words() -> frozenset[str]:
    # Imported here: only a build that lays out forms reads the 62,000 words.
    from pythainlp.corpus.common import thai_words

    return frozenset(thai_words())


@lru_cache(maxsize=8)
def _dictionary(extra_words: frozenset[str]) -> _Dictionary:
    return _Dictionary(_base_words() | extra_words)


def thai_words(text: str, extra_words: Iterable[str] = ()) -> list[str]:
    """``text`` cut into tokens by the dictionary (plus ``extra_words``); joined, they give back ``text`` exactly."""
    if not text:
        return []
    return list(_cut(text, frozenset(extra_words)))


@lru_cache(maxsize=16384)
def _cut(text: str, extra_words: frozenset[str]) -> tuple[str, ...]:
    # Cached: the PDF and the page of a form cut the same texts (newmm takes about 50 ms for a whole form).
    from pythainlp.tokenize import word_tokenize

    dictionary: Any = _dictionary(extra_words)  # PyThaiNLP types it Trie; newmm asks only what a set answers too
    tokens = tuple(word_tokenize(text, custom_dict=dictionary, engine="newmm", keep_whitespace=True))
    if "".join(tokens) != text:  # newmm keeps every character; anything else would change the form's wording
        raise AssertionError(f"the Thai segmenter changed the text {text!r}")
    return tokens


def word_boundaries(text: str, extra_words: Iterable[str] = ()) -> set[int]:
    """Offsets in ``text`` between two Thai words (both sides Thai letters): where a line may break inside a
    Thai run. Every other offset between two Thai letters lies inside a word."""
    boundaries, offset = set(), 0
    for token in thai_words(text, extra_words)[:-1]:
        offset += len(token)
        if _is_thai(text[offset - 1]) and _is_thai(text[offset]):
            boundaries.add(offset)
    return boundaries


def _is_thai(char: str) -> bool:
    return "\u0e01" <= char <= "\u0e3a" or "\u0e40" <= char <= "\u0e4e"


#: The PDF's break between two words: what WeasyPrint lays ``<wbr>`` out as, written as text so that it makes no
#: box of its own (a box would be an empty /Span in the tagged PDF). The text layer gives it no text.
ZERO_WIDTH_SPACE = "\u200b"


def mark_text(text: str, extra_words: Iterable[str] = (), *, paper: bool = False, spans: bool = True) -> str:
    """One text node (already HTML-escaped) → the same text with its Thai words kept whole and a break allowed
    between two of them. Text without Thai letters is returned unchanged.

    Between two words the page gets ``<wbr>`` (Chromium copies and finds the text as it was) and ``paper`` (the
    PDF) a zero-width space, which is what WeasyPrint makes of ``<wbr>``. Each word goes in a no-break span; on
    paper only a word Pango would break (``pango_breaks_inside``) or a glued stretch with a space in it. Both come
    from the same cuts, so both outputs offer the same break opportunities. ``spans=False`` (paper, inside a
    link): zero-width spaces only, since a span inside ``<a>`` takes the link annotation out of the tagged
    PDF's /Link element (PDF/UA); libthai may then split a word of a link text, as before. (Word joiners inside words
    instead of spans, one text box for WeasyPrint, do not work: Pango 1.50 still breaks Thai next to them.)
    """
    if not _THAI_RUN.search(text):
        return text
    words = frozenset(extra_words)
    # A unit is a Thai word or a glued stretch; text outside units stays bare.
    units: list[tuple[int, int]] = []
    glued = [(match.start(), match.end()) for match in _GLUED.finditer(text)]
    for run in _THAI_RUN.finditer(text):
        offset = run.start()
        for token in thai_words(run.group(), words):
            start, offset = offset, offset + len(token)
            if token[0] in "ๆฯ" and units and units[-1][1] == start:
                units[-1] = (units[-1][0], offset)  # ๆ and ฯ never start a line
            else:
                units.append((start, offset))
    # A glued stretch absorbs the words it touches, so that no break opens inside it.
    for glue_start, glue_end in glued:
        touching = [unit for unit in units if unit[0] < glue_end and unit[1] > glue_start]
        start = min([glue_start] + [unit[0] for unit in touching])
        end = max([glue_end] + [unit[1] for unit in touching])
        units = [unit for unit in units if unit not in touching] + [(start, end)]
    units.sort()
    pieces, position, previous_end = [], 0, None
    for start, end in units:
        if start > position:
            pieces.append(text[position:start])
        if previous_end == start and _is_thai(text[start - 1]) and _is_thai(text[start]):
            if not paper:
                pieces.append("<wbr>")
            elif pieces[-1].endswith("</span>"):
                # Inside the word's span, not between two spans: alone there it would make an empty /Span in
                # the tagged PDF. WeasyPrint still breaks after it (it looks at the span's last character).
                pieces[-1] = pieces[-1][: -len("</span>")] + ZERO_WIDTH_SPACE + "</span>"
            else:
                pieces.append(ZERO_WIDTH_SPACE)
        unit = text[start:end]
        if end - start > LONGEST_UNBREAKABLE or end - start < 2:
            pieces.append(unit)  # nothing can break inside one letter; a very long word may break anywhere
        elif _touches_latin(text, start, end):
            # Fused to a Latin word ("มีชีวิตLongLatinUnit"): a no-break span would stop WeasyPrint's
            # overflow-wrap from breaking the Latin run, which then runs past the margin.
            pieces.append(unit)
        elif paper and (not spans or not re.search(r"\s", unit) and not pango_breaks_inside(unit)):
            pieces.append(unit)  # Pango keeps it whole already: a span would only cost WeasyPrint a box
        else:
            pieces.append(f'<span class="{WORD_CLASS}">{unit}</span>')
        position = previous_end = end
    pieces.append(text[position:])
    return "".join(pieces)


def _touches_latin(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1].isascii() and text[start - 1].isalpha()) or (
        end < len(text) and text[end].isascii() and text[end].isalpha()
    )


@lru_cache(maxsize=65536)
def pango_breaks_inside(word: str) -> bool:
    """Whether Pango (libthai), as WeasyPrint asks it, would break a line somewhere inside ``word``.

    Between two words the PDF has a zero-width space, which ends libthai's Thai run, so each word is looked at
    alone, as here. Three words in four of the real form need no span (WeasyPrint lays out a span as two boxes:
    a span per word made the PDF three times slower to render)."""
    from reportgen.render.weasyprint_adapter.line_breaks import breaks_inside

    return breaks_inside(word, "th")


def mark_line_breaks(html: str, extra_words: Iterable[str] = (), *, paper: bool = False) -> Markup:
    """HTML → the same HTML with every Thai text node marked by ``mark_text`` (for the PDF with ``paper``);
    tags and attributes untouched."""
    words = frozenset(extra_words)
    parts = _TAG.split(str(html))
    raw_text_until, links = None, 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = re.match(r"</?([a-zA-Z0-9-]+)", part)
            tag = name.group(1).lower() if name else ""
            if raw_text_until is None and not part.startswith("</") and tag in _RAW_TEXT_TAGS:
                raw_text_until = tag
            elif raw_text_until == tag and part.startswith("</"):
                raw_text_until = None
            elif tag == "a":
                links = max(0, links + (-1 if part.startswith("</") else 1))
        elif part and raw_text_until is None:
            parts[index] = mark_text(part, words, paper=paper, spans=not (paper and links))
    return Markup("".join(parts))


class _DictionaryWithout(_Dictionary):
    """The dictionary less one word: what a compound word is made of, cut by the same segmenter."""

    def __init__(self, dictionary: _Dictionary, left_out: str):
        self.words, self.longest, self.left_out = dictionary.words, dictionary.longest, left_out

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        return [word for word in super().prefixes(text, start) if word != self.left_out]

    def __contains__(self, word: object) -> bool:
        return word != self.left_out and word in self.words


def word_parts(word: str, extra_words: Iterable[str] = ()) -> list[str]:
    """The smaller dictionary words a dictionary word is made of, at every level, once each, in order
    (``ผู้ใช้บริการ`` → ``ผู้ใช้``, ``ผู้``, ``ใช้``, ``บริการ``), each of three characters or more: for the site's
    search, where a reader finds a compound by any of its parts. A word of one part gives none."""
    return list(_word_parts(word, frozenset(extra_words)))


@lru_cache(maxsize=65536)
def _word_parts(word: str, extra_words: frozenset[str]) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    dictionary = _dictionary(extra_words)
    if len(word) < 4 or word not in dictionary:
        return ()
    without: Any = _DictionaryWithout(dictionary, word)  # PyThaiNLP types it Trie; newmm asks what a set answers
    pieces = word_tokenize(word, custom_dict=without, engine="newmm")
    if len(pieces) < 2 or not all(len(piece) >= 2 and piece in dictionary for piece in pieces):
        return ()
    parts: dict[str, None] = {}
    for piece in pieces:
        parts[piece] = None
        parts.update(dict.fromkeys(_word_parts(piece, extra_words)))
    return tuple(part for part in parts if len(part) >= 3)  # two letters (ใจ, ชน) match too much to help


#: The site's own titles and headings (its pages' headings, table headers and captions, the indicator names of a
#: table): the form marks all of its text, the site's pages only these, so that a phone breaks them between words.
_TITLE_ELEMENT = re.compile(r"<(h[1-6]|caption|th|td)\b([^>]*)>(.*?)</\1\s*>", re.S | re.I)


def mark_titles(html: str, extra_words: Iterable[str] = ()) -> Markup:
    """HTML of a site page → the same with the Thai words of its titles and headings (``h1``–``h6``, ``caption``,
    ``th``, and a ``td class="name"``) marked as ``mark_line_breaks`` marks the form's; the form inside the page,
    marked already, and everything else as it was."""
    words = frozenset(extra_words)

    def mark(element: re.Match[str]) -> str:
        tag, attributes, inner = element.groups()
        if tag.lower() == "td" and not re.search(r'\bclass="(?:[^"]* )?name(?: [^"]*)?"', attributes):
            return element.group()
        if f'class="{WORD_CLASS}"' in inner or "<wbr>" in inner:
            return element.group()
        return f"<{tag}{attributes}>{mark_line_breaks(inner, words)}</{tag}>"

    return Markup(_TITLE_ELEMENT.sub(mark, str(html)))


#: Characters that only say where a line may (not) break: the PDF's break between two words, the word joiner, the
#: soft hyphen, and the byte-order mark used as a joiner. Laid-out lines may hold them; text read outside a line
#: (a bookmark, metadata, a link's or image's name, a page title, open data) must not (issue 27).
LINE_BREAK_MARKS = ZERO_WIDTH_SPACE + "\u2060\u00ad\ufeff"
_LINE_BREAK_MARK = re.compile(f"[{LINE_BREAK_MARKS}]")


def without_break_marks(text: str) -> str:
    """``text`` without ``LINE_BREAK_MARKS``: as a reader or a tool reads it outside the laid-out lines."""
    return _LINE_BREAK_MARK.sub("", text)
