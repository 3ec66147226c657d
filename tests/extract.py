"""Reading real output back: text from PDFs (poppler, pdfminer, pypdf) and from HTML pages."""

from __future__ import annotations

import re
import subprocess
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


class _TextOf(HTMLParser):
    def __init__(self, root_tag: str):
        super().__init__(convert_charrefs=True)
        self.root_tag, self.depth, self.skip, self.parts = root_tag, 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag == self.root_tag or self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def html_text(html: str, root_tag: str = "article") -> str:
    """The text a reader sees inside the first ``root_tag`` (the form), tags and scripts removed."""
    parser = _TextOf(root_tag)
    parser.feed(html)
    return " ".join(parser.parts)
