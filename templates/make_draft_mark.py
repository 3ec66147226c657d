"""The word ฉบับร่าง (draft) in Sarabun Bold → ``templates/draft-mark.svg``: glyph outlines, drawn diagonally.

Run it only to refresh the committed drawing (builds never run it; it needs HarfBuzz's Python binding):

    python3 -m venv /tmp/hb && /tmp/hb/bin/pip install uharfbuzz fonttools
    /tmp/hb/bin/python templates/make_draft_mark.py

Why outlines and not text: the mark is printed on every page of a draft PDF. As text it would enter the PDF's text
layer, and extractors (pdftotext, screen readers, search) would read ฉบับร่าง in the middle of the form's
sentences, once per page. As a drawing it is only ink: print.css paints it as the background of a fixed element,
which WeasyPrint repeats on every page and marks as an artifact in tagged PDFs. HarfBuzz shapes the word exactly as
WeasyPrint would (the mai ek and mai han-akat sit where Sarabun's GPOS puts them).
"""

from __future__ import annotations

import math
from pathlib import Path

import uharfbuzz as hb
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "fonts" / "Sarabun-Bold.ttf"
OUTPUT = HERE / "draft-mark.svg"
WORD = "ฉบับร่าง"
ANGLE = 45  # degrees, rising from bottom left to top right
COLOR = "#dcdcdc"  # light grey: clearly visible, and black text over it stays easy to read
MARGIN = 40  # font units around the rotated word
SIXTHS = 6  # the path's unit is a sixth of a font unit (see main)


def main() -> None:
    data = FONT.read_bytes()
    font = hb.Font(hb.Face(data))
    buffer = hb.Buffer()
    buffer.add_str(WORD)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    tt = TTFont(FONT)
    glyph_set = tt.getGlyphSet()
    order = tt.getGlyphOrder()

    # The mark is drawn on every page of a draft, so its size counts in every draft PDF; the path is kept short.
    # The outlines stay unrotated (the SVG rotates them), so their points are integers; and in sixths of a font
    # unit: TrueType's implied on-curve points lie halfway between two others, and a PDF has no quadratic curves,
    # so WeasyPrint turns each into a cubic one whose control points lie at 2/3 between two points. In sixths all
    # of them are integers (in font units they would print as 527.333333).
    # rotate(-ANGLE) of the flipped outline is the matrix ``rotated``, which gives the drawing's box.
    path_pen = SVGPathPen(glyph_set, ntos=lambda value: f"{round(value)}")
    bounds_pen = BoundsPen(glyph_set)
    cos, sin = math.cos(math.radians(ANGLE)), math.sin(math.radians(ANGLE))
    x = 0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
        dx, dy = SIXTHS * (x + position.x_offset), SIXTHS * position.y_offset
        name = order[info.codepoint]
        glyph_set[name].draw(TransformPen(path_pen, (SIXTHS, 0, 0, -SIXTHS, dx, -dy)))
        rotated = (SIXTHS * cos, -SIXTHS * sin, -SIXTHS * sin, -SIXTHS * cos, cos * dx - sin * dy, -sin * dx - cos * dy)
        glyph_set[name].draw(TransformPen(bounds_pen, rotated))
        x += position.x_advance
    left, top, right, bottom = bounds_pen.bounds
    margin = SIXTHS * MARGIN
    box = (left - margin, top - margin, right - left + 2 * margin, bottom - top + 2 * margin)
    view_box = " ".join(f"{value:.0f}" for value in box)
    transform = f"rotate(-{ANGLE})"
    OUTPUT.write_text(
        "<!-- ฉบับร่าง (draft) in Sarabun Bold (OFL), as outlines: made by make_draft_mark.py, do not edit -->\n"
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}">'
        f'<path fill="{COLOR}" transform="{transform}" d="{path_pen.getCommands()}"/></svg>\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
