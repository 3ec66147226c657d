"""Lines of Thai text and a font → PDF path operators that draw them: the visible signature's words as shapes.

The visible signature (signing.py) was text in a font pyHanko embeds: its ToUnicode map lacked the forms HarfBuzz
picks for stacked marks (the lowered mai ek of "เมื่อ"), a PDF/UA checker found the map malformed, MuPDF read the
last line twice, and the stamp's words were printed but announced by no structure element (issue 27). Drawn as the
glyphs' outlines instead (HarfBuzz shapes each line, so marks stack as in text; fontTools gives each glyph's
outline), the stamp has no text for an extractor to garble: it is an artifact, and its exact words are the signature
field's name (``/TU``) and its structure element's ``/Alt``, which screen readers and the reader's signature panel
read. The same technique draws the draft mark (templates/draft-mark.svg).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont


@dataclass(frozen=True)
class Drawing:
    """PDF path operators (filled with the current colour) and the size they cover, in points; the first line's
    top at ``height``, the lines' left edge at 0."""

    operators: bytes
    width: float
    height: float


#: A point of a glyph's outline, as fontTools' pens get it.
Point = tuple[float, float]


class PdfPathPen(BasePen):
    """A fontTools pen that writes PDF path construction operators in whole font units (TrueType quadratic curves
    become the same cubic ones, their control points at thirds rounded: under 0.006 pt at 12 pt). The same glyph is
    the same bytes wherever it is drawn, which compression finds."""

    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.operators: list[bytes] = []

    @staticmethod
    def _points(*points: Point) -> bytes:
        return b" ".join(b"%d" % round(value) for point in points for value in point)

    def _moveTo(self, point: Point) -> None:  # noqa: N802 - fontTools' pen protocol
        self.operators.append(self._points(point) + b" m")

    def _lineTo(self, point: Point) -> None:  # noqa: N802
        self.operators.append(self._points(point) + b" l")

    def _curveToOne(self, first: Point, second: Point, third: Point) -> None:  # noqa: N802
        self.operators.append(self._points(first, second, third) + b" c")

    def _closePath(self) -> None:  # noqa: N802
        self.operators.append(b"h")


@lru_cache(maxsize=4)
def _font(path: str) -> tuple[Any, int, Any]:
    import uharfbuzz

    blob = uharfbuzz.Blob.from_file_path(path)
    face = uharfbuzz.Face(blob)
    return uharfbuzz.Font(face), face.upem, TTFont(path, lazy=True)


def _shaped(line: str, path: str) -> list[tuple[str, int, int, int]]:
    """(glyph name, x offset, y offset, x advance) of each glyph of ``line``, in font units."""
    import uharfbuzz

    font, _, tt = _font(path)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(line)
    buffer.guess_segment_properties()
    buffer.language = "th"
    uharfbuzz.shape(font, buffer, {})
    return [(tt.getGlyphName(info.codepoint), position.x_offset, position.y_offset, position.x_advance)
            for info, position in zip(buffer.glyph_infos, buffer.glyph_positions)]  # fmt: skip


def draw_lines(lines: list[str], font: Path, size: float, leading: float) -> Drawing:
    """``lines`` set in ``font`` at ``size`` points, one under the other ``leading`` points apart, as filled paths:
    each glyph its outline in font units, moved into place (a glyph drawn twice is the same bytes twice)."""
    path = str(font)
    _, upem, tt = _font(path)
    glyph_set = tt.getGlyphSet()
    scale = size / upem
    ascent = tt["hhea"].ascent
    outlines: dict[str, bytes] = {}
    placed: list[bytes] = []
    width = 0
    for number, line in enumerate(lines):
        baseline = -(ascent + round(number * leading / scale))
        x = 0
        for name, x_offset, y_offset, advance in _shaped(line, path):
            outline = outlines.get(name)
            if outline is None:
                pen = PdfPathPen(glyph_set)
                glyph_set[name].draw(pen)
                outline = outlines[name] = b" ".join(pen.operators)
            if outline:  # a space has none
                placed.append(b"q 1 0 0 1 %d %d cm %s f Q" % (x + x_offset, baseline + y_offset, outline))
            x += advance
        width = max(width, x)
    height = ascent * scale + (len(lines) - 1) * leading + -tt["hhea"].descent * scale
    # Drawn with the first line's top at y = height, so that the drawing sits on y = 0 like a text box.
    operators = b"%g 0 0 %g 0 %.2f cm " % (scale, scale, height) + b" ".join(placed)
    return Drawing(operators, width * scale, height)


def deflated(content: bytes) -> bytes:
    """``content`` compressed for a ``/FlateDecode`` stream, never ending in a CR: a reader would take that CR and
    the LF written before ``endstream`` for one end of line and cut the stream a byte short. The last bytes of a zlib
    stream are the checksum of its content, so a space more at the end of ``content`` (which ends operators, and
    draws nothing) is what changes them."""
    packed = zlib.compress(content, 9)
    while packed.endswith(b"\r"):
        content += b" "
        packed = zlib.compress(content, 9)
    return packed


def outlined_stamp_class() -> type[Any]:
    """pyHanko's text stamp drawing its words as ``draw_lines`` outlines, an artifact (made on first use: pyHanko
    is imported only by the code that signs)."""
    from pyhanko.stamp import TextStamp

    class OutlinedTextStamp(TextStamp):
        """The stamp's text (``style.stamp_text`` with its parameters) in ``style.outline_font``, at the size,
        leading and colour of ``style.text_box_style``, drawn as paths inside an ``/Artifact`` sequence."""

        def stamp_text(self) -> str:
            params = self.get_default_text_params()
            params.update(self.text_params or {})
            return str(self.style.stamp_text % params)

        def _inner_layout_natural_size(self) -> tuple[list[bytes], tuple[float, float]]:
            text_style = self.style.text_box_style
            drawing = draw_lines(self.stamp_text().split("\n"), Path(self.style.outline_font), text_style.font_size,
                                 text_style.leading)  # fmt: skip
            color = b"%g %g %g rg " % tuple(text_style.text_color or (0, 0, 0))
            return [b"/Artifact BMC q " + color + drawing.operators + b" Q EMC"], (drawing.width, drawing.height)

        def as_form_xobject(self) -> Any:
            """pyHanko's form XObject, its operators compressed: uncompressed, the outlines were 72 kB, most of what
            signing added to the PDF of form 08."""
            from pyhanko.pdf_utils import generic

            xobject = super().as_form_xobject()
            compressed = generic.StreamObject(dict(xobject), encoded_data=deflated(xobject.data))
            compressed[generic.NameObject("/Filter")] = generic.NameObject("/FlateDecode")
            return compressed

    return OutlinedTextStamp
