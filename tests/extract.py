"""Reading real output back: text from PDFs (poppler, pdfminer, pypdf, PDFium, MuPDF, pdf.js) and from HTML pages."""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

# The printable area of an A4 page in points, inside the form's margins (top 2.5 cm, bottom 2 cm): cropping to it
# leaves out the running header and the page numbers, which would otherwise interrupt a sentence across pages.
A4_WIDTH, A4_HEIGHT = 595, 842
BODY_TOP, BODY_BOTTOM = 71, 842 - 57


def squeeze(text: str) -> str:
    """Text with all whitespace removed: Thai has no word spaces, so extractors differ only in whitespace."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdftotext_body(pdf: Path) -> str:
    """The form's text as poppler extracts it, page by page, without headers and footers."""
    pages = []
    for number in range(1, page_count(pdf) + 1):
        pages.append(
            subprocess.run(
                ["pdftotext", "-f", str(number), "-l", str(number), "-r", "72",
                 "-x", "0", "-y", str(BODY_TOP), "-W", str(A4_WIDTH), "-H", str(BODY_BOTTOM - BODY_TOP),
                 "-enc", "UTF-8", str(pdf), "-"],
                capture_output=True, text=True, check=True,
            ).stdout
        )
    return "\n".join(pages)


def pdftotext_lines(pdf: Path) -> list[str]:
    """Every non-empty visual line of the whole PDF, as poppler sees it."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [line for line in text.splitlines() if line.strip()]


#: Elements inside a line of text: their edges are not word boundaries (linebreak.py puts each Thai word in a
#: span and a <wbr> between words), so no space is added there. Void elements never get an end tag.
INLINE_TAGS = frozenset({"span", "a", "b", "strong", "em", "i", "code", "small", "abbr", "wbr"})
VOID_TAGS = frozenset({"wbr", "br", "img", "input", "meta", "link", "hr"})


class _TextOf(HTMLParser):
    def __init__(self, root_tag: str):
        super().__init__(convert_charrefs=True)
        self.root_tag, self.depth, self.skip, self.parts = root_tag, 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if self.depth and tag not in INLINE_TAGS:
            self.parts.append(" ")
        if (tag == self.root_tag or self.depth) and tag not in VOID_TAGS:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.depth and tag not in VOID_TAGS:
            self.depth -= 1
            if tag not in INLINE_TAGS:
                self.parts.append(" ")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def html_text(html: str, root_tag: str = "article") -> str:
    """The text a reader sees inside the first ``root_tag`` (the form), tags and scripts removed."""
    parser = _TextOf(root_tag)
    parser.feed(html)
    return "".join(parser.parts).strip()


# --- The six extractors readers meet ------------------------------------------------------------------------------
# Each takes PDF bytes and returns one string per page. Which viewers use which engine: poppler (Evince, Okular),
# pdfminer (pdfplumber, many indexers), pypdf (Python tools), PDFium (Chrome, Edge, most Android readers), MuPDF
# (many mobile readers; PyMuPDF's default flags), pdf.js (Firefox).

REPO_ROOT = Path(__file__).resolve().parents[1]
PDFJS_SCRIPT = Path(__file__).with_name("pdfjs_text.mjs")
PDFJS_PACKAGE = REPO_ROOT / "tests" / "browser" / "node_modules" / "pdfjs-dist"


def poppler_pages(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return text.split("\f")[:-1] if "\f" in text else [text]


def pdfminer_pages(pdf: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() or "" for page in document.pages]


def pypdf_pages(pdf: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def pdfium_pages(pdf: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range())
            text_page.close()
            page.close()
        return pages
    finally:
        document.close()


def mupdf_pages(pdf: bytes) -> list[str]:
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        return [page.get_text() for page in document]  # default flags, as MuPDF-based viewers use them


def pdfjs_pages(pdf: bytes) -> list[str]:
    return pdfjs_pages_of([pdf])[0]


def pdfjs_pages_of(pdfs: list[bytes]) -> list[list[str]]:
    """pdf.js (npm pdfjs-dist, installed by make test in tests/browser/) on several PDFs in one Node process."""
    if not PDFJS_PACKAGE.exists():
        if os.environ.get("CI"):
            raise AssertionError("pdfjs-dist is missing: make test installs it into tests/browser/node_modules")
        import pytest

        pytest.skip("pdfjs-dist is not installed (make setup-test)")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, pdf in enumerate(pdfs):
            path = Path(folder) / f"{number}.pdf"
            path.write_bytes(pdf)
            paths.append(str(path))
        out = subprocess.run(["node", str(PDFJS_SCRIPT), *paths], capture_output=True, text=True, check=True,
                             timeout=600).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


PAGE_EXTRACTORS = {
    "pdftotext": poppler_pages,
    "pdfminer": pdfminer_pages,
    "pypdf": pypdf_pages,
    "pdfium": pdfium_pages,
    "mupdf": mupdf_pages,
    "pdfjs": pdfjs_pages,
}


def wrong_characters(expected: str, found: str) -> int:
    """How many characters are wrong, missing or extra (whitespace ignored)."""
    matcher = difflib.SequenceMatcher(None, squeeze(expected), squeeze(found), autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def first_difference(expected: str, found: str) -> str:
    expected, found = squeeze(expected), squeeze(found)
    at = next((i for i, (a, b) in enumerate(zip(expected, found)) if a != b), min(len(expected), len(found)))
    return f"at {at}: expected …{expected[max(0, at - 15):at + 15]}… found …{found[max(0, at - 15):at + 15]}…"


# --- What was laid out: the oracle ---------------------------------------------------------------------------------


def laid_out_pages(document) -> list[tuple[str, str, str]]:
    """(header, body, footer) text of every page of a rendered WeasyPrint document, in logical (DOM) order.

    Read from WeasyPrint's layout boxes, before anything is drawn: the source text as it was laid out on each page,
    list markers included where they belong (a ``::marker`` box is its item's first child), with no text layer
    involved. Margin boxes above the page area are the header, those below it the footer.
    """
    from weasyprint.formatting_structure import boxes

    def texts(box) -> list[str]:
        if isinstance(box, boxes.TextBox):
            # <wbr> (linebreak.py's break between two Thai words) is laid out as a zero-width space (WeasyPrint's
            # UA stylesheet): a break opportunity, not a character of the form, and the text layer has none.
            return [box.text.replace("\u200b", "")]
        return [text for child in getattr(box, "children", ()) for text in texts(child)]

    pages = []
    for page in document.pages:
        page_box = page._page_box
        header, body, footer = [], [], []
        for child in page_box.children:
            if isinstance(child, boxes.MarginBox):
                (header if child.at_keyword.startswith("@top") else footer).extend(texts(child))
            else:
                body.extend(texts(child))
        pages.append(("".join(header), "".join(body), "".join(footer)))
    return pages


# --- The text layer's own maps ------------------------------------------------------------------------------------

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]*)>")


def to_unicode_map(font) -> dict[int, str]:
    """A font's /ToUnicode CMap as code → text (bfchar and simple bfrange entries; empty text kept as "")."""
    data = font["/ToUnicode"].get_object().get_data()
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(data):
        values = _HEX.findall(block)
        for code, text in zip(values[::2], values[1::2]):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in _BFRANGE.findall(data):
        values = _HEX.findall(block)
        for low, high, start in zip(values[::3], values[1::3], values[2::3]):
            first = int(start, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def drawn_codes(pdf: bytes) -> dict[str, set[int]]:
    """Every character code drawn as text, per font (by its /BaseFont), in pages and the forms they paint."""
    import pypdf
    from pypdf.generic import ContentStream

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: dict[str, set[int]] = {}

    def walk(contents, resources, seen):
        fonts = resources.get("/Font", {}) if resources else {}
        xobjects = resources.get("/XObject", {}) if resources else {}
        font = None
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"Tf":
                font = fonts[operands[0]].get_object()
            elif operator in (b"TJ", b"Tj", b"'", b'"'):
                strings = operands[0] if operator == b"TJ" else operands[-1:]
                width = 2 if font["/Subtype"] == "/Type0" else 1
                codes = found.setdefault(str(font["/BaseFont"]), set())
                for string in strings:
                    if isinstance(string, (bytes, str)):
                        raw = string.original_bytes if hasattr(string, "original_bytes") else bytes(string)
                        codes.update(int.from_bytes(raw[i:i + width], "big") for i in range(0, len(raw), width))
            elif operator == b"Do":
                xobject = xobjects[operands[0]].get_object()
                if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                    seen.add(id(xobject))
                    walk(xobject, xobject.get("/Resources"), seen)

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources"), set())
    return found


def text_layer_gaps(pdf: bytes) -> dict[str, list[str]]:
    """Per font: its empty /ToUnicode entries (``<>``) and the codes drawn without any entry. Both should be empty."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    maps = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            maps[str(font["/BaseFont"])] = to_unicode_map(font) if "/ToUnicode" in font else {}
    gaps = {}
    for name, codes in drawn_codes(pdf).items():
        mapping = maps.get(name, {})
        empty = [f"<{code:04x}> <>" for code, text in sorted(mapping.items()) if not text]
        unmapped = [f"<{code:04x}> drawn, not mapped" for code in sorted(codes) if not mapping.get(code)]
        if empty or unmapped:
            gaps[name] = empty + unmapped
    return gaps


def form_document(root: Path, *, release: bool, entry=None, project=None):
    """(WeasyPrint document laid out, a function giving its write options) of ``entry`` (default: the project's
    first form), exactly as ``FormPrinter`` renders it, so that a test can write it with and without the text
    layer."""
    import weasyprint

    from reportgen.content.project import load_project
    from reportgen.publish.release import form_pdf_options
    from reportgen.render.form_pdf import FormPrinter
    from reportgen.render.html import PRINT_STYLESHEETS

    project = project or load_project(root)
    entry = entry or project.entries[0]
    forms = FormPrinter(root, project.site)
    html = forms.renderer.print_document(entry.indicator, css_url=forms.pdf.css_url, link_stylesheets=False)
    options = form_pdf_options(root, entry, release=release)
    document = weasyprint.HTML(string=html, base_url=forms.pdf.templates_dir.as_uri() + "/",
                               url_fetcher=forms.pdf.fetcher).render(
        font_config=forms.pdf.font_config, stylesheets=[forms.pdf.stylesheet(name) for name in PRINT_STYLESHEETS])
    if options.date is not None:
        document.metadata.created = document.metadata.modified = options.date.isoformat()
    return document, lambda: forms.pdf._write_options(options)  # attachments are read once per write


# --- Text read outside the laid-out lines (issue 27) ----------------------------------------------------------------

#: What only says where a line may break: U+200B (the PDF's break between two Thai words), the word joiner, the soft
#: hyphen, a byte-order mark used as a joiner. A bookmark, metadata or a name must not hold one.
BREAK_MARKS = re.compile("[\u200b\u2060\u00ad\ufeff]")


def break_marks_in_pdf(pdf: bytes) -> list[str]:
    """Where a PDF's strings (bookmarks, document information, names and alternate texts of the structure tree and
    the fields) or its XMP packet hold a line-break mark, as "path: text"; the content streams (the laid-out lines)
    are not looked at."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    reader = PdfReader(io.BytesIO(pdf))
    seen: set[int] = set()
    found: list[str] = []

    def visit(value, path: str) -> None:
        if isinstance(value, IndirectObject):
            if value.idnum not in seen:
                seen.add(value.idnum)
                visit(value.get_object(), path)
        elif isinstance(value, DictionaryObject):
            if isinstance(value, StreamObject) and value.get("/Type") == "/Metadata":
                packet = re.sub(r'<\?xpacket begin="\ufeff"', "", value.get_data().decode("utf-8"))
                found.extend(f"{path} (XMP): {line}" for line in packet.splitlines() if BREAK_MARKS.search(line))
            for key, item in value.items():
                if key not in ("/Parent", "/P", "/Pg", "/Prev", "/Next", "/Last"):
                    visit(item, f"{path}{key}")
        elif isinstance(value, ArrayObject):
            for item in value:
                visit(item, path)
        elif isinstance(value, str) and BREAK_MARKS.search(value):
            found.append(f"{path}: {value!r}")

    visit(reader.trailer, "")
    return found
