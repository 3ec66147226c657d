"""No line-break mark in any text read outside the laid-out lines (issue 27): the PDF's bookmarks, document
information, XMP and names; the web pages' titles, attributes and link texts; the open data. The form's lines
themselves hold the marks on purpose (linebreak.py), and the tools that read the lines leave them out
(tests/render/weasyprint_adapter/test_textlayer.py); the PDF's are
taken out by weasyprint_adapter/plain_metadata.py. The signed PDF: tests/test_stamp.py. ``without_break_marks``: tests/test_linebreak.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from extract import BREAK_MARKS, break_marks_in_pdf
from pki import SLUG
from pypdf import PdfReader


def _outline_titles(pdf: Path) -> list[str]:
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(PdfReader(pdf).outline))


@pytest.mark.parametrize("kind", ["draft", "release"])
def test_the_pdfs_bookmarks_and_metadata_hold_no_line_break_mark(real_build, built, kind):
    pdf = real_build / "output" / "pdf" / "2564" / "08.pdf" if kind == "draft" else \
        built["release"] / "output" / "pdf" / f"{SLUG}.pdf"
    titles = _outline_titles(pdf)
    assert len(titles) >= 10 and "1. ชื่อตัวชี้วัด :" in titles  # the headings are there, written as printed
    assert any(title.startswith("รายงานผลการดำเนินงานตามตัวชี้วัด ประจำปีงบประมาณ") for title in titles), titles
    assert break_marks_in_pdf(pdf.read_bytes()) == []


class _ReadOutside(HTMLParser):
    """What a page says outside its laid-out lines: its <title>, its attribute values, the text of its links
    (as a screen reader lists them; a <wbr> is no character)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.read: list[str] = []
        self._title = self._links = 0
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.read.extend(f"{tag}[{name}]={value}" for name, value in attrs if value and name not in ("href", "src"))
        self._title += tag == "title"
        if tag == "a":
            self._links += 1
            self._link_text.append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self._title -= 1
        elif tag == "a" and self._links:
            self._links -= 1
            self.read.append(f"link: {self._link_text.pop()}")

    def handle_data(self, data):
        if self._title:
            self.read.append(f"title: {data}")
        if self._links:
            self._link_text[-1] += data


def test_no_page_title_attribute_or_link_text_and_no_open_data_file_holds_one(real_build, multi_year_html):
    found, pages = [], 0
    for html in (real_build / "output" / "html", multi_year_html):
        for page in sorted(html.rglob("*.html")):
            parser = _ReadOutside()
            parser.feed(page.read_text(encoding="utf-8"))
            found += [f"{page.name}: {text!r}" for text in parser.read if BREAK_MARKS.search(text)]
            pages += 1
        for data in sorted((html / "data").iterdir()) + sorted(html.glob("*.xml")) + sorted(html.glob("pagefind/*.json")):
            text = data.read_text(encoding="utf-8-sig")
            found += [f"{data.name}: {line!r}" for line in text.splitlines() if BREAK_MARKS.search(line)]
    assert pages >= 10 and not found, found
    # The site's headings are marked for line breaks with <wbr> (no character), never with a break mark.
    page = (real_build / "output" / "html" / "2564" / "08.html").read_text(encoding="utf-8")
    assert "<wbr>" in re.search(r"<h1 id=\"standing-title\".*?</h1>", page, re.S).group()
    assert not BREAK_MARKS.search(page)
