"""Sarabun from PyPI's fontpkg-sarabun + our ballot-box glyphs → the font files committed in fonts/.

Run it only to refresh the committed fonts (the build never runs it):

    .venv/bin/pip install fontpkg-sarabun && .venv/bin/python fonts/update_fonts.py

- Sarabun (OFL 1.1): the four faces the form uses, as TTF for the PDF and WOFF2 for the web pages.
- The web pages' subsets (``Sarabun-<face>.thai-latin.woff2``): each face cut down to the characters the site
  prints (Thai, Basic Latin, the punctuation of the pages; ``WEB_SUBSET``), every layout feature kept so Thai marks
  still stack: about half the bytes of the whole face, preloaded by every page. fonts-web.css gives each face the
  rest of its characters from the whole WOFF2 (``unicode-range``), which a browser fetches only for a page that
  uses one of them. The PDF embeds the TTFs, never these.
- ReportgenSymbols: ☐ (U+2610) and ☑ (U+2611) for section 2's check boxes. Sarabun has no such glyphs, and the
  machine's fonts must never be used, so we draw the two glyphs here. They are our own work, released under the
  OFL like the rest of the folder. Metrics follow Sarabun (1000 units per em, consonant height 586).
- ``reportgen/printed_ranges.py``: the characters these fonts draw, which ``check`` compares every text with
  (``reportgen/printable.py``). Only that file, from the fonts already here: ``fonts/update_fonts.py --printable``.
"""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent
FACES = ("Regular", "Bold", "Italic", "BoldItalic")

UNITS_PER_EM = 1000
BOX_LEFT, BOX_BOTTOM, BOX_SIZE, STROKE = 70, -20, 620, 56
ADVANCE = BOX_LEFT * 2 + BOX_SIZE


def copy_sarabun() -> None:
    package = resources.files("fontpkg_sarabun")
    for face in FACES:
        with resources.as_file(package / "files" / f"Sarabun-{face}.ttf") as source:
            shutil.copyfile(source, FONTS / f"Sarabun-{face}.ttf")
    with resources.as_file(package / "LICENSE") as licence:
        shutil.copyfile(licence, FONTS / "OFL.txt")


def _rectangle(pen: TTGlyphPen, left: int, bottom: int, right: int, top: int, clockwise: bool) -> None:
    corners = [(left, bottom), (left, top), (right, top), (right, bottom)]
    if not clockwise:
        corners.reverse()
    pen.moveTo(corners[0])
    for corner in corners[1:]:
        pen.lineTo(corner)
    pen.closePath()


def _box(pen: TTGlyphPen) -> None:
    right, top = BOX_LEFT + BOX_SIZE, BOX_BOTTOM + BOX_SIZE
    _rectangle(pen, BOX_LEFT, BOX_BOTTOM, right, top, clockwise=True)
    _rectangle(pen, BOX_LEFT + STROKE, BOX_BOTTOM + STROKE, right - STROKE, top - STROKE, clockwise=False)


def _tick(pen: TTGlyphPen) -> None:
    # A check mark drawn as one filled polygon (clockwise), inside the box.
    points = [(190, 270), (330, 110), (600, 470), (545, 515), (330, 225), (245, 320)]
    pen.moveTo(points[0])
    for point in points[1:]:
        pen.lineTo(point)
    pen.closePath()


def build_symbols() -> None:
    glyph_order = [".notdef", "space", "ballotbox", "ballotboxcheck"]
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(None)
        if name == ".notdef":
            _rectangle(pen, 50, 0, 450, 600, clockwise=True)
        elif name == "ballotbox":
            _box(pen)
        elif name == "ballotboxcheck":
            _box(pen)
            _tick(pen)
        glyphs[name] = pen.glyph()

    builder = FontBuilder(UNITS_PER_EM, isTTF=True)
    builder.setupGlyphOrder(glyph_order)
    builder.setupCharacterMap({0x20: "space", 0x2610: "ballotbox", 0x2611: "ballotboxcheck"})
    builder.setupGlyf(glyphs)
    metrics = {name: (ADVANCE, glyphs[name].xMin if hasattr(glyphs[name], "xMin") else 0) for name in glyph_order}
    metrics["space"] = (260, 0)
    builder.setupHorizontalMetrics(metrics)
    # Same vertical metrics as Sarabun so mixing the fonts on a line does not change its height.
    builder.setupHorizontalHeader(ascent=1068, descent=-232)
    builder.setupNameTable(
        {
            "familyName": "Reportgen Symbols",
            "styleName": "Regular",
            "uniqueFontIdentifier": "ReportgenSymbols-Regular-1.0",
            "fullName": "Reportgen Symbols Regular",
            "psName": "ReportgenSymbols-Regular",
            "version": "Version 1.000",
            "licenseDescription": "SIL Open Font License, Version 1.1",
        }
    )
    builder.setupOS2(
        sTypoAscender=1068, sTypoDescender=-232, usWinAscent=1068, usWinDescent=232, sxHeight=500, sCapHeight=700
    )
    builder.setupPost()
    builder.save(FONTS / "ReportgenSymbols-Regular.ttf")


#: The characters of the web subsets, as CSS ``unicode-range`` values (fonts-web.css repeats them, and gives the
#: whole faces the complement): printable ASCII, no-break space, the middle dot ·, ×, Thai, zero-width space and joiners, the
#: general punctuation (– — ‘ ’ “ ” • …, ‰, ‹ ›), arrows, minus, the dotted circle and the byte-order mark.
WEB_SUBSET = (
    "U+0020-007E", "U+00A0", "U+00B7", "U+00D7", "U+0E01-0E5B", "U+200B-200D", "U+2010-2027", "U+2030", "U+2039-203A",
    "U+2190-2193", "U+2212", "U+25CC", "U+FEFF",
)


def make_web_subsets() -> None:
    from fontTools import subset

    for face in FACES:
        options = subset.Options(flavor="woff2", layout_features=["*"], name_IDs=["*"], name_languages=["*"])
        font = subset.load_font(FONTS / f"Sarabun-{face}.ttf", options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(",".join(WEB_SUBSET)))
        subsetter.subset(font)
        subset.save_font(font, FONTS / f"Sarabun-{face}.thai-latin.woff2", options)


def make_woff2() -> None:
    for ttf in sorted(FONTS.glob("*.ttf")):
        font = TTFont(ttf)
        font.flavor = "woff2"
        font.save(ttf.with_suffix(".woff2"))


#: The fonts the PDF prints with (templates/css/fonts-print.css): a character none of them has prints as an empty box.
PRINT_FONTS = tuple(f"Sarabun-{face}.ttf" for face in FACES) + ("ReportgenSymbols-Regular.ttf",)
PRINTED_RANGES = FONTS.parent / "reportgen" / "printed_ranges.py"


def printed_characters(fonts: Path = FONTS) -> set[int]:
    """The characters the form prints with a glyph of its own: those all four Sarabun faces have (a text may be set in
    any of them), and the symbols font's; no control character (``check`` refuses them in any text)."""
    def covered(name: str) -> set[int]:
        return set(TTFont(fonts / name, lazy=True).getBestCmap())

    sarabun = set.intersection(*(covered(name) for name in PRINT_FONTS if name.startswith("Sarabun-")))
    symbols = set.union(*(covered(name) for name in PRINT_FONTS if not name.startswith("Sarabun-")))
    return {code for code in sarabun | symbols if code >= 0x20 and not 0x7F <= code <= 0x9F}


def as_ranges(codes: set[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


def write_printed_ranges() -> None:
    rows = [f"    (0x{first:04X}, 0x{last:04X}),\n" for first, last in as_ranges(printed_characters())]
    PRINTED_RANGES.write_text(
        '"""The characters the form\'s fonts draw, as ranges (first, last): made by ``fonts/update_fonts.py`` from the\n'
        'fonts in fonts/ (``printed_characters``); do not edit. ``reportgen/printable.py`` reads it."""\n\n'
        "PRINTED_RANGES: tuple[tuple[int, int], ...] = (\n" + "".join(rows) + ")\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["--printable"]:
        copy_sarabun()
        build_symbols()
        make_woff2()
        make_web_subsets()
    write_printed_ranges()
    for path in sorted(FONTS.iterdir()):
        print(f"{path.name:40} {path.stat().st_size:>8} bytes")
