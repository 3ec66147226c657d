"""The signature block never stands alone on a page and is never split (print.css, form.css).

The form is made just long enough (one-line obstacles added one by one) that, without print.css's
``break-before: avoid``, WeasyPrint puts the block alone on the last page; the test first finds that length (so it
can fail), then lays the same form out with the stylesheets as shipped.
"""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from extract import BODY_TOP
from projects import REPO_ROOT, real_indicator, real_site, signed_off

from reportgen.model import Indicator, SiteSettings
from reportgen.render.html import PRINT_STYLESHEETS, Templates

SIGNOFF = {"name": "นางสาวสมใจ ใฝ่รู้", "position": "บรรณารักษ์ชำนาญการ", "date": "2021-10-20"}
#: The block's lines as pdfplumber reads them, whitespace removed.
SIGNATURE_LINES = ("ลงชื่อ", "(นางสาวสมใจใฝ่รู้)", "ตำแหน่งบรรณารักษ์ชำนาญการ", "วันที่20ตุลาคม2564")
#: What the rule is tested against: the same stylesheets without it.
WITHOUT_THE_RULE = "<style>.kpi-form .signature { break-before: auto !important; }</style></head>"
BOTTOM_MARGIN = 57  # print.css: 2 cm


@pytest.fixture(scope="module")
def render():
    from reportgen.render.pdf import PdfPrinter

    renderer = Templates(REPO_ROOT / "templates", SiteSettings.model_validate(real_site()))
    pdf = PdfPrinter(REPO_ROOT)

    def pages(obstacles: int, *, with_rule: bool = True) -> list[list[str]]:
        """The body lines of every page (whitespace removed) of the real form, signed, with ``obstacles``
        one-line obstacles in section 8."""
        data = signed_off(real_indicator() | {
            "obstacles": "\n\n".join(f"อุปสรรคข้อที่ {number} การจัดกิจกรรมล่าช้า" for number in range(obstacles)),
        }, **SIGNOFF)
        html = renderer.print_document(Indicator.model_validate(data), css_url=pdf.css_url, link_stylesheets=False)
        if not with_rule:
            html = html.replace("</head>", WITHOUT_THE_RULE, 1)
        document = pdf.render(html, source="test", stylesheets=PRINT_STYLESHEETS)
        with pdfplumber.open(io.BytesIO(document)) as opened:
            return [
                [re.sub(r"\s+", "", line) for line in (page.crop(
                    (0, BODY_TOP, page.width, page.height - BOTTOM_MARGIN)).extract_text() or "").splitlines()]
                for page in opened.pages
            ]

    return pages


def _signature_pages(pages: list[list[str]]) -> set[int]:
    return {index for index, lines in enumerate(pages) for line in lines
            if any(line.startswith(start) for start in SIGNATURE_LINES)}


def _alone(pages: list[list[str]]) -> bool:
    """The last page holds the signature block and nothing else."""
    return all(any(line.startswith(start) for start in SIGNATURE_LINES) for line in pages[-1])


@pytest.mark.e2e
def test_the_signature_block_is_never_alone_on_the_last_page_nor_split(render):
    alone_without_the_rule = [count for count in range(0, 24, 2) if _alone(render(count, with_rule=False))]
    assert alone_without_the_rule, "no length put the block alone on a page: the test would prove nothing"
    for count in (alone_without_the_rule[0], alone_without_the_rule[0] + 1, alone_without_the_rule[-1]):
        pages = render(count)
        assert not _alone(pages), count
        assert len([line for line in pages[-1] if not any(line.startswith(s) for s in SIGNATURE_LINES)]) >= 1
        assert _signature_pages(pages) == {len(pages) - 1}, f"{count}: the block is split across pages"
        assert [line for line in pages[-1] if line.startswith("วันที่")] == ["วันที่20ตุลาคม2564"]


def test_the_real_form_keeps_its_two_pages(render):
    pages = render(0)
    assert len(pages) == 2 and _signature_pages(pages) == {1} and not _alone(pages)
