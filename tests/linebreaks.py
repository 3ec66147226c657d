"""Where the PDF and Chromium break the form's lines, measured against the dictionary segmenter (linebreak.py).

Both outputs are reduced to one sequence: every non-space character of the form in reading order, each with the
block it belongs to (a paragraph, a heading, a list item) and the line it was laid out on. The oracle cuts each
block's text into words with ``linebreak.thai_words`` (PyThaiNLP newmm + the project's dictionary.txt); a line
that ends between two characters of one Thai word is a break inside a word, and one that ends inside a glued
stretch (a date such as ``1 ตุลาคม 2563``, or the space before a closing ``:``) is a break a Thai typesetter would
not make either.

- PDF: the text of each line of the page body as pdfplumber reads it (the exact text layer of textlayer.py makes
  it the source text, whitespace aside), matched character by character against the print HTML's text.
- Chromium: each character's box (``Range.getClientRects``) in headless Chromium; a new line starts where a
  character's box lies below the previous one.

Used by tests/test_linebreak.py (which asserts zero) and benchmarks/linebreaks.py (which prints the figures).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from reportgen import linebreak

BODY_TOP_PT, BODY_BOTTOM_MARGIN_PT = 71, 57  # print.css: 2.5 cm top, 2 cm bottom

#: Elements laid out inline, whose edges are not line or block boundaries.
_INLINE = frozenset({"span", "a", "b", "strong", "em", "i", "code", "small", "abbr", "wbr", "br", "label"})
_VOID = frozenset({"wbr", "br", "img", "input", "meta", "link", "hr"})

_MARKED_WORD = re.compile(rf'<span class="{linebreak.WORD_CLASS}">([^<]*)</span>')


def unmark(html: str) -> str:
    """The HTML as it was before linebreak.py: no word spans, no ``<wbr>`` (the "before" of the measurements)."""
    unmarked = _MARKED_WORD.sub(r"\1", html).replace("<wbr>", "")
    return unmarked.replace(linebreak.ZERO_WIDTH_SPACE, "")


@dataclass
class Counts:
    """Breaks found in one layout."""

    lines: int = 0
    breaks: int = 0  # line ends between two non-space characters of one block
    inside_words: list[str] = field(default_factory=list)  # "ความต้อง|การ"
    inside_glued: list[str] = field(default_factory=list)  # "1 | ตุลาคม", ") | :"
    unmatched: int = 0  # PDF: characters of the form not found in the page bodies' text
    ends: set[int] = field(default_factory=set)  # line ends inside blocks: index of the last non-space character

    def row(self) -> str:
        return f"{self.lines:4d} lines  {len(self.inside_words):3d} inside words  {len(self.inside_glued):3d} inside glued"


class _Blocks(HTMLParser):
    """The text nodes inside ``<article>``, each with the index of its nearest block element; elements hidden in
    the PDF (``hidden_classes``) are left out."""

    def __init__(self, hidden_classes: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.hidden_classes, self.stack, self.hidden_depth, self.block, self.blocks = hidden_classes, [], 0, -1, 0
        self.texts: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = self.hidden_depth or any(name in self.hidden_classes for name in classes)
        if tag not in _INLINE:
            self.blocks += 1
        self.stack.append((tag, self.block, bool(hidden) and not self.hidden_depth))
        if hidden and not self.hidden_depth:
            self.hidden_depth = 1
        elif self.hidden_depth:
            self.hidden_depth += 1
        if tag not in _INLINE:
            self.block = self.blocks

    def handle_endtag(self, tag):
        if tag in _VOID or not self.stack:
            return
        _, self.block, _ = self.stack.pop()
        if self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if self.block >= 0 and not self.hidden_depth and any(name == "article" for name, _, _ in self.stack):
            # The PDF's break marks are not characters of the form (the text layer gives them no text).
            self.texts.append((self.block, data.replace(linebreak.ZERO_WIDTH_SPACE, "")))


def html_blocks(html: str, hidden_classes: tuple[str, ...] = ("draft-mark",)) -> list[tuple[int, str]]:
    """(block index, text) of every text node of the form's ``<article>``, in document order."""
    parser = _Blocks(hidden_classes)
    parser.feed(html)
    return parser.texts


def count_breaks(texts: list[tuple[int, str]], lines: list[int | None], words: frozenset[str]) -> Counts:
    """``texts``: (block, text) in order; ``lines``: the line of each character of their concatenation (None for
    whitespace). Counts line ends inside oracle words and glued stretches."""
    blocks: dict[int, list[int]] = {}  # block → offsets (into the concatenation) of its characters
    whole = "".join(text for _, text in texts)
    nonspace_index, seen = [], 0
    for char in whole:
        nonspace_index.append(seen)
        seen += not char.isspace()
    offset = 0
    for block, text in texts:
        blocks.setdefault(block, []).extend(range(offset, offset + len(text)))
        offset += len(text)
    counts = Counts(lines=len({line for line in lines if line is not None}))
    for offsets in blocks.values():
        text = "".join(whole[i] for i in offsets)
        inside: dict[int, str] = {}  # position in text → kind, for positions strictly inside a word
        position = 0
        for token in linebreak.thai_words(text, words):
            if any(linebreak._is_thai(char) for char in token):
                for cut in range(1, len(token)):
                    inside[position + cut] = "word"
            position += len(token)
        for match in linebreak._GLUED.finditer(text):
            for cut in range(match.start() + 1, match.end()):
                inside.setdefault(cut, "glued")
        visible = [(k, lines[i]) for k, i in enumerate(offsets) if lines[i] is not None]
        for (k1, line1), (k2, line2) in zip(visible, visible[1:]):
            if line1 == line2:
                continue
            counts.breaks += 1
            counts.ends.add(nonspace_index[offsets[k1]])
            kinds = {inside.get(cut) for cut in range(k1 + 1, k2 + 1)}
            shown = f"{text[max(0, k1 - 8):k1 + 1]}|{text[k1 + 1:k2 + 9]}".replace("\n", " ")
            if "word" in kinds:
                counts.inside_words.append(shown)
            elif "glued" in kinds:
                counts.inside_glued.append(shown)
    return counts


# --- The PDF ----------------------------------------------------------------------------------------------------


def pdf_lines(pdf: bytes) -> list[str]:
    """The lines of the page bodies as pdfplumber reads them, whitespace removed."""
    import io

    import pdfplumber

    lines = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            body = page.crop((0, BODY_TOP_PT, page.width, page.height - BODY_BOTTOM_MARGIN_PT))
            lines.extend(re.sub(r"\s+", "", line) for line in (body.extract_text() or "").splitlines())
    return [line for line in lines if line]


def pdf_counts(print_html: str, pdf: bytes, words: frozenset[str]) -> Counts:
    """Breaks of ``pdf``, the PDF of ``print_html``."""
    texts = html_blocks(print_html)
    whole = "".join(text for _, text in texts)
    characters = [char for char in whole if not char.isspace()]
    laid_out = pdf_lines(pdf)
    flat = "".join(laid_out)
    line_of_character = [number for number, line in enumerate(laid_out) for _ in line]
    # The PDF also holds what CSS adds (list numbers "1."), so the form's characters are matched, not counted.
    matcher = difflib.SequenceMatcher(None, flat, "".join(characters), autojunk=False)
    line_of_form_character: list[int | None] = [None] * len(characters)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            line_of_form_character[block.b + k] = line_of_character[block.a + k]
    # Unmatched: characters outside the page body (a nowrap line running past a narrow page's edge).
    lines, visible = [], iter(line_of_form_character)
    for char in whole:
        lines.append(None if char.isspace() else next(visible))
    counts = count_breaks(texts, lines, words)
    counts.unmatched = line_of_form_character.count(None)
    return counts


# --- Chromium ---------------------------------------------------------------------------------------------------

#: (block index, text, line of each character or null) for every text node of the form, as Chromium lays it out.
CHROMIUM_LINES = r"""
() => {
  const article = document.querySelector("article.kpi-form");
  const blockOf = new Map(); let blocks = 0;
  const nearestBlock = node => {
    for (let element = node.parentElement; element; element = element.parentElement) {
      const display = getComputedStyle(element).display;
      if (!display.startsWith("inline") && display !== "contents") {
        if (!blockOf.has(element)) blockOf.set(element, blocks++);
        return blockOf.get(element);
      }
    }
    return -1;
  };
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const out = []; let line = -1, previousBottom = -Infinity, previousTop = -Infinity;
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.getClientRects().length) continue;  // display: none
    const text = node.data, lines = [];
    for (let i = 0; i < text.length; i++) {
      if (/\s/.test(text[i])) { lines.push(null); continue; }
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      if (!rects.length) { lines.push(null); continue; }
      const rect = rects[0];
      if (rect.top >= previousBottom - 1 || rect.bottom <= previousTop) line += 1;
      previousBottom = rect.bottom; previousTop = rect.top;
      lines.push(line);
    }
    out.push([nearestBlock(node), text, lines]);
  }
  return out;
}
"""

#: Undoes linebreak.py in the page (the "before"): word spans replaced by their text, <wbr> removed.
CHROMIUM_UNMARK = f"""
() => {{
  document.querySelectorAll("article.kpi-form span.{linebreak.WORD_CLASS}").forEach(span => span.replaceWith(...span.childNodes));
  document.querySelectorAll("article.kpi-form wbr").forEach(element => element.remove());
  document.querySelector("article.kpi-form").normalize();
}}
"""


def chromium_counts(page, words: frozenset[str]) -> Counts:
    """Breaks of the form on a Playwright ``page`` that shows it."""
    texts, lines = [], []
    for block, text, node_lines in page.evaluate(CHROMIUM_LINES):
        # The print HTML's breaks between words (U+200B) are marks, not characters of the form.
        kept = [(char, line) for char, line in zip(text, node_lines) if char != linebreak.ZERO_WIDTH_SPACE]
        texts.append((block, "".join(char for char, _ in kept)))
        lines.extend(line for _, line in kept)
    return count_breaks(texts, lines, words)


def load_words(project_root: Path) -> frozenset[str]:
    return linebreak.load_dictionary(project_root / "content")


#: The stress text of issue 15: long names and compounds, a date, in sentences that put them at every position
#: of a line as the width changes.
STRESS_PHRASES = (
    "กรุงเทพมหานคร", "ชมรมนักอ่าน", "ความต้องการ", "ความทันสมัย", "ปีงบประมาณ 1 ตุลาคม 2563",
    "ห้องสมุดเพื่อการเรียนรู้", "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว", "บรรณิทรรศน์ออนไลน์",
    "สรุปผลการดำเนินงาน (ปลายปีงบประมาณ) :", "ภายในวันที่ 30 ก.ย. 2564",
)
_FILLERS = ("ที่", "และ", "ของ", "ได้", "จัดกิจกรรม", "ประชาชน", "ส่งเสริม", "การอ่าน", "ใน", "ทั้ง 36 แห่ง")


def stress_text(paragraphs: int = 6, seed: int = 15) -> str:
    """Markdown paragraphs of the stress phrases between fillers of varied length (deterministic)."""
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        words = []
        for phrase in STRESS_PHRASES * 2:
            words.extend(rng.sample(_FILLERS, rng.randint(1, 3)))
            words.append(phrase)
        out.append("".join(word if rng.random() < 0.7 else " " + word + " " for word in words).strip())
    return "\n\n".join(out)


def stress_indicator() -> dict:
    """The real indicator 08 with the stress text as its definition, supporting factors and year-end summary."""
    from projects import real_indicator

    data = real_indicator()
    data["definition"] = stress_text(3, seed=1)
    data["supporting_factors"] = stress_text(3, seed=2)
    data["quarters"]["summary"] = stress_text(3, seed=3)
    return data


def write_stress_indicator(root: Path) -> Path:
    """Replace the project's indicator 2564/08 by ``stress_indicator()``; returns its file."""
    from projects import dump_yaml

    path = root / "content" / "indicators" / "2564" / "08.yaml"
    path.write_text(dump_yaml(stress_indicator()), encoding="utf-8")
    return path


def chromium_print_counts(browser, root: Path, print_html: str, width: str, words: frozenset[str], *,
                          marked: bool = True) -> Counts:
    """The print HTML (stylesheets linked, as WeasyPrint gets them) laid out by Chromium in a body ``width``
    wide with print media: the same fonts, sizes and text width as the PDF, so that the line ends compare. With
    ``marked`` it carries the page's marks (a span for every word, ``<wbr>``) at the PDF's break opportunities,
    without them neither (the "before")."""
    probe = root / "templates" / "_linebreak_probe.html"
    print_html = unmark(print_html)
    if marked:
        print_html = str(linebreak.mark_line_breaks(print_html, words))
    html = print_html.replace("</head>", f"<style>body {{ width: {width}; margin: 0; }}</style></head>", 1)
    for stylesheet in ("fonts-print.css", "form.css", "print.css"):
        link = f'<link rel="stylesheet" href="css/{stylesheet}">'
        if link not in html:
            html = html.replace("</head>", link + "</head>", 1)
    probe.write_text(html, encoding="utf-8")
    try:
        page = browser.new_page(viewport={"width": 800, "height": 900})
        page.emulate_media(media="print")
        page.goto(probe.as_uri())
        page.evaluate("document.fonts.ready")
        counts = chromium_counts(page, words)
        page.close()
        return counts
    finally:
        probe.unlink()


def build_project(root: Path, *, stress: bool) -> Path:
    """The real content/ (with the stress text's indicator when ``stress``) built at ``root`` by `reportgen build`:
    what the tests and benchmarks/linebreaks.py measure."""
    import shutil

    from projects import REPO_ROOT, run_reportgen, write_project

    write_project(root, {})
    shutil.copytree(REPO_ROOT / "content", root / "content", dirs_exist_ok=True)
    if stress:
        write_stress_indicator(root)
    run_reportgen("build", cwd=root, check=True)
    return root
