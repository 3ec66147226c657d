"""An SVG image drawn once and replayed (reportgen.render.weasyprint_adapter.drawn_once).

WeasyPrint 70 draws an SVG background again on every page, parsing its paths each time: the draft mark cost 6.6 ms
a page. Replayed, the PDF is the same bytes; a drawing that depends on its stream, or adds resources of its PDF, is
drawn every time.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import weasyprint
from projects import REPO_ROOT

from reportgen.render.weasyprint_adapter import drawn_once, textlayer

DRAFT_MARK = (REPO_ROOT / "templates" / "draft-mark.svg").as_uri()
PLAIN_SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='100' height='40'><path d='M0 0L100 40' stroke='red' fill='#dcdcdc'/></svg>"
GRADIENT_SVG = ("<svg xmlns='http://www.w3.org/2000/svg' width='100' height='40'><defs><linearGradient id='g'>"
                "<stop offset='0' stop-color='red'/><stop offset='1' stop-color='blue'/></linearGradient></defs>"
                "<rect width='100' height='40' fill='url(%23g)'/></svg>")  # fmt: skip


def pages(background: str, count: int = 3, extra: str = "") -> str:
    """``count`` A6 pages of Thai text, each with ``background`` (a URL) behind it."""
    paragraphs = "".join(f"<p>หน้าที่ {number} ของเอกสาร</p>" for number in range(1, count + 1))
    return f"""<!doctype html><html lang="th"><style>
@font-face {{ font-family: Sarabun; src: url(Sarabun-Regular.ttf); }}
@page {{ size: A6; background: url("{background}") center / 80% auto no-repeat; }}
p {{ break-after: page; font-family: Sarabun; color: #dcdcdc; }}
</style>{paragraphs}{extra}</html>"""


def data_url(svg: str) -> str:
    return "data:image/svg+xml," + quote(svg, safe="/:=' #%")


def write(html: str, drawings: drawn_once.Drawings | None) -> bytes:
    """The PDF of ``html``, its images in an ``ImageCache`` over ``drawings`` (None: as WeasyPrint draws them)."""
    cache = drawn_once.ImageCache(drawings) if drawings is not None else None
    document = weasyprint.HTML(string=html, base_url=(REPO_ROOT / "fonts").as_uri() + "/").render(cache=cache)
    return textlayer.write_pdf(document)


@pytest.fixture
def real_draws(monkeypatch) -> list[tuple[float, float]]:
    """The sizes at which WeasyPrint itself drew an SVG image, one entry per drawing."""
    from weasyprint.images import SVGImage

    drawn: list[tuple[float, float]] = []
    original = SVGImage.draw

    def draw(self, stream, width, height, style):
        drawn.append((width, height))
        return original(self, stream, width, height, style)

    monkeypatch.setattr(SVGImage, "draw", draw)
    return drawn


@pytest.mark.parametrize("background", [DRAFT_MARK, data_url(PLAIN_SVG)], ids=["draft-mark", "path"])
def test_a_background_drawn_once_and_replayed_is_the_same_pdf(background, real_draws):
    html = pages(background)
    plain = write(html, None)
    assert len(real_draws) == 3  # WeasyPrint draws it on each page
    drawings: drawn_once.Drawings = {}
    real_draws.clear()
    assert write(html, drawings) == plain
    assert write(html, drawings) == plain  # a second document replays the first one's drawing
    assert len(real_draws) == 1
    assert list(drawings.values())[0] is not None


def test_a_drawing_with_a_resource_of_its_pdf_is_drawn_every_time(real_draws):
    html = pages(data_url(GRADIENT_SVG))
    plain = write(html, None)
    drawings: drawn_once.Drawings = {}
    real_draws.clear()
    assert write(html, drawings) == plain
    assert len(real_draws) == 3
    assert list(drawings.values()) == [None]


def test_an_image_drawn_where_a_colour_is_already_set_is_drawn_every_time(real_draws):
    # An <img> is drawn into the page's own stream, where WeasyPrint leaves out an opacity it has already set.
    image = f'<img src="{data_url(PLAIN_SVG)}" style="width: 3cm">'
    html = pages(data_url(PLAIN_SVG), count=2, extra=image + image)
    plain = write(html, None)
    drawings: drawn_once.Drawings = {}
    real_draws.clear()
    assert write(html, drawings) == plain
    assert len(real_draws) == 1 + 2  # the backgrounds replayed; each <img> drawn
