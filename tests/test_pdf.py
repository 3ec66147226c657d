"""pdf.py: the real PDF of the real form — fonts, metadata, page geometry, Thai line breaks, refused resources."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO_ROOT
from extract import pdftotext_lines
from reportgen.errors import RenderError
from reportgen.pdf import PdfRenderer

THAI_COMBINING_MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
THAI_LEADING_VOWELS = "เแโใไ"
CM = 72 / 2.54


@pytest.fixture(scope="module")
def form_pdf(real_build) -> Path:
    return real_build / "output" / "pdf" / "2564" / "08.pdf"


def test_only_the_projects_fonts_are_used_all_embedded_and_subset(form_pdf):
    rows = subprocess.run(["pdffonts", str(form_pdf)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in rows.splitlines()[2:] if line.strip()]
    assert fonts, "pdffonts listed no font"
    for columns in fonts:
        name, emb, sub = columns[0], columns[-5], columns[-4]
        assert emb == "yes" and sub == "yes", f"{name} is not embedded and subset"
        assert re.fullmatch(r"[A-Z]{6}\+(Sarabun(-Bold)?|Reportgen-Symbols)", name), f"unexpected font {name}"


def test_metadata_title_author_language(form_pdf):
    reader = PdfReader(form_pdf)
    assert reader.metadata.title.startswith("ตัวชี้วัด 08 จำนวนห้องสมุดเพื่อการเรียนรู้")
    assert reader.metadata.author == "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว"
    assert reader.trailer["/Root"]["/Lang"] == "th"


def test_pages_are_a4_with_official_margins(form_pdf, real_build):
    reader = PdfReader(form_pdf)
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    # Measure where the text actually starts and ends on page 1 with pdfplumber's character boxes.
    import pdfplumber

    with pdfplumber.open(form_pdf) as pdf:
        page = pdf.pages[0]
        body = [c for c in page.chars if 2.5 * CM <= c["top"] <= page.height - 2 * CM]
        left = min(c["x0"] for c in body)
        right = max(c["x1"] for c in body)
    assert abs(left - 3 * CM) < 2, f"left margin is {left / CM:.2f} cm, not 3 cm"
    assert right <= page.width - 2 * CM + 1, f"text runs into the right margin ({(page.width - right) / CM:.2f} cm)"


def test_body_text_has_the_visual_size_of_16pt_th_sarabun(form_pdf):
    """Sarabun draws Thai about 1.5 times larger than TH Sarabun at the same size: 16 pt ÷ 1.5 for the body."""
    import pdfplumber

    with pdfplumber.open(form_pdf) as pdf:
        page = pdf.pages[0]
        body = [c for c in page.chars if 2.5 * CM <= c["top"] <= page.height - 2 * CM]  # not header or footer
        sizes = {round(c["size"], 2) for c in body if c["text"] == "ก" and "Bold" not in c["fontname"]}
    assert sizes and all(abs(size - 16 / 1.5) < 0.1 for size in sizes), sizes


def test_thai_lines_break_between_words(form_pdf):
    bad = [
        line for line in pdftotext_lines(form_pdf)
        if line.strip()[0] in THAI_COMBINING_MARKS or line.rstrip()[-1] in THAI_LEADING_VOWELS
    ]
    assert bad == []


def test_a_thai_paragraph_is_wrapped_over_several_lines_not_overflowing(form_pdf):
    lines = pdftotext_lines(form_pdf)
    definition = [line for line in lines if "ห้องสมุดมีชีวิต หมายถึง" in line or "ศักยภาพในการเรียนรู้" in line]
    assert len(definition) == 2, "the definition should start on one line and end on a later one"


@pytest.mark.parametrize(
    "resource",
    [
        '<img src="http://127.0.0.1:9/secret.png">',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        '<img src="file:///etc/passwd">',
        '<img src="../../../../../../etc/hostname">',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        '<style>@import url("https://example.org/x.css");</style>',
    ],
)
def test_resources_outside_the_project_are_refused_with_a_clear_error(resource):
    renderer = PdfRenderer(REPO_ROOT)
    html = f'<!DOCTYPE html><html lang="th"><head>{resource}</head><body><p>ทดสอบ</p>{resource}</body></html>'
    with pytest.raises(RenderError) as refused:
        renderer.render(html, source="content/indicators/2564/99.yaml")
    message = str(refused.value)
    assert "content/indicators/2564/99.yaml" in message and "refused" in message


def test_project_fonts_and_templates_are_readable():
    renderer = PdfRenderer(REPO_ROOT)
    html = '<html lang="th"><head><link rel="stylesheet" href="css/fonts-print.css"></head><body style="font-family: Sarabun"><p>ทดสอบ</p></body></html>'
    assert renderer.render(html, source="test").startswith(b"%PDF-")
