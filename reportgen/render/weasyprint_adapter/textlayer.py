"""Exact PDF text layer: turns the glyphs WeasyPrint draws into text that every extractor reads back exactly.

``write_pdf(document)`` writes a WeasyPrint document whose text, as the six engines readers meet extract it
(poppler ``pdftotext``: Evince, Okular; pdfminer/pdfplumber; pypdf; PDFium: Chrome, Edge, Android; MuPDF with
PyMuPDF's default flags: many mobile readers; pdf.js: Firefox), is the source text character for character
(whitespace aside), in reading order, and whose pages look the same as WeasyPrint's own.

The bug (Kozea/WeasyPrint issue #2841, open; fix PR #2869 closed unmerged). In a PDF, each drawn glyph is a
character code and the font's ``/ToUnicode`` map turns each code back into text. WeasyPrint 70 uses the glyph id
as the code, so a glyph has one text for the whole document: the text of the first cluster it was drawn in.
HarfBuzz draws SARA AM ``ำ`` (U+0E33) as NIKHAHIT + the glyph of SARA AA ``า``, so once ``ความสำเร็จ`` is drawn,
every ``า`` reads as ``ำ`` (``การ`` → ``กำร``), or the other way round. And each Thai mark carries its own
character on a zero-width glyph drawn left of the pen and often raised: extractors that sort characters by
position (pdfplumber) or split lines by height (pdftotext) move it away from its base (``ที่`` → ``ท่ี``,
``เฟซบุ๊ก`` → ``เฟซบุก`` + ``๊`` on a line of its own), and WeasyPrint gives a multi-glyph cluster's text to its
last glyph, which may be such a mark (``รู้`` → ``ร้้``).

Mechanism. While WeasyPrint draws a line, the hook records every glyph shown with the text WeasyPrint sliced
for it and puts the whole text of each user-perceived character (a base and its marks) on the base's glyph
(SARA AM's ``ำ`` goes on its AA glyph, which has width: a glyph with width but no text reads as a gap, and
pdftotext would break ``ความสำ เร็จ``), its marks' characters on a zero-width carrier glyph right after it (see
"Marks' text on a glyph of its own"). Every distinct (glyph id, text) pair then gets its own character code: the
first pair seen for a glyph keeps the glyph id, later ones get spare codes counted up from just past the font's
last glyph (so ``/CIDToGIDMap`` ends at the highest code drawn: about 1.6 kB decoded, 0.2–0.3 kB stored, where
codes counted down from 0xFFFF took 128 kB and 1.5 kB), and the ``TJ`` operators just drawn are rewritten with
them. A glyph left with no text (a mark whose character went to its base; NIKHAHIT, the surplus glyph of SARA AM)
is not drawn as text at all: it is taken out of the ``TJ`` (the pen moves on by its width instead) and painted
right after the line as its outline, a form XObject (one per glyph) filled in the text's colour at exactly the
place the glyph would have been. So no code is ever drawn
without text and the ``/ToUnicode`` map has no empty entry (``<>``). After WeasyPrint has built the font
dictionaries, their ``/ToUnicode`` map and ``/W`` widths get the new codes and a ``/CIDToGIDMap`` stream sends
each spare code to its real glyph (codes never drawn to glyph 0: long runs of zeros cost almost nothing). The
encoding stays ``/Identity-H`` (code = CID), which pdfminer needs since it looks ``/ToUnicode`` up by CID; for the
same reason a font with glyphs missing from every font, which WeasyPrint gives a CMap of its own as ``/Encoding``
(pdfminer and pypdf then read nothing or garbage), is switched to ``/Identity-H`` with those codes sent to
``.notdef`` by ``/CIDToGIDMap``. The embedded font program is subset by WeasyPrint as before, less the glyphs only
ever painted as outlines (no code draws them: 2.5 kB less in form 08), and every code draws the same glyph with
the same width.

Why marks as outlines (measured on the real form 08 and the test corpus, tests/render/weasyprint_adapter/test_textlayer.py). An empty
``/ToUnicode`` entry, which the previous version wrote for every mark glyph, is read as "no mapping" by PDFium
(``CPDF_ToUnicodeMap`` drops empty strings), pdf.js (``toUnicode.get(code) || code``) and MuPDF
(``pdf_parse_bf_char`` skips zero-length targets): they fall back to the raw code, a glyph id in U+02B0–U+02FF,
882 wrong characters each on the real form (bare WeasyPrint: 438). Mapping each mark to its own character in
drawing order instead breaks pdfplumber and pdftotext (the stacked marks above), and cannot be exact for SARA AM
after a tone mark (``น้ำ`` is drawn น ํ ้ า: four glyphs, three characters, NIKHAHIT before the tone). A composite
glyph (NIKHAHIT + AA) mapped to U+0E33 would solve SARA AM alone, and only by rewriting the subset font after
WeasyPrint (HarfBuzz or fontTools) made it, one composite per distinct NIKHAHIT offset. ``/ActualText`` spans are
ignored by pdf.js, pdfminer and pypdf, so they cannot replace the per-glyph map. Outlines: 0 wrong characters in
all six engines, on the real form (draft and tagged release) and on the corpus in regular, bold, italic and
tagged. The pages look the same: poppler rasterises a glyph with FreeType at its sub-pixel grid and a path
exactly where it is, so raw pixels along a mark's edge differ (at 1200 dpi the marks' ink moves by under 0.05
pt), but after a quarter-millimetre blur at 300 dpi the pages differ from WeasyPrint's by at most 42 grey levels
of 255, while one mark moved or missing differs by 123 or more (``look_differences`` in the tests). Cost
(benchmarks/textlayer_cost.py, 40 synthetic forms of 2.55 pages, one process, medians, 2026-12-07): the text
layer adds 66 ms to a form's 107 ms of bare WeasyPrint writing, and the PDF grows from 40.5 to 58.6 kB, mostly
the marks' outline forms (34 on form 08, 8.8 kB) and their placements: one matrix per line, then a step per mark
(``1 0 0 1 1122 0 cm /RgM1 Do``). Before the marks were placed by steps, their outlines rounded to font units and
left out of the subset, and spare codes counted up (5557610): 64 ms and 72.2 kB.

Marks' text on a glyph of its own (pdf.js's diacritic rule). pdf.js (``getCharUnicodeCategory``) takes any glyph
whose text contains a nonspacing mark (Mn: U+0E31, U+0E34–0E3A, U+0E47–0E4E) for a zero-width diacritic: it does
not advance its pen for it and does not compare its position with the previous glyph's, and a space does not
record its position either. So a base glyph carrying ``กี`` right after a space was skipped, the next glyph was
compared with the glyph before the space, and the space's width read as a gap: pdf.js inserted a space
(``กี ฬา``, ``ตั วชี้วัด``: 29 extra on the real form's two pages, where the other five engines read none), and its
geometry lagged by the base's width after every such glyph (Firefox's selection boxes). Hence the base glyph
carries only the grapheme's text up to its first Mn, Me or Cf character (SARA AM, Lo, stays on its AA glyph),
and the rest goes on a carrier drawn right after it (stream order = logical order): a glyph of the font with no
contours and an advance of 0 (Sarabun's ``NULL``, glyph 1; ``_empty_zero_width_glyph``), kept in the subset
with width 0, so ``/W`` and the embedded ``hmtx`` agree as PDF/A requires, and given a code per distinct marks
text like any other glyph. It is drawn ``_CARRIER_BACK`` (5) thousandths of an em before the base's right
edge, then the pen moves on to the edge: on the edge exactly, pdfplumber sorts it after the next glyph (``ตวั``) and
pdftotext moves it to a line of its own; 100 thousandths back, pdftotext splits words. Measured on the real
form: every engine, pdf.js included, now reads 33 and 21 spaces between two Thai letters on pages 1 and 2
(pdf.js before: 46 and 37), and the PDF is 0.7 kB smaller. A font with no such glyph keeps the whole text on
the base.

Reading order. WeasyPrint paints a page's body before its margin boxes, and every outside ``::marker`` (an
absolutely positioned box) after all the blocks of its stacking context, so extractors that read in drawing
order (pypdf, PDFium, MuPDF, pdf.js) read the running header after the body and every list number after its
list. The hook paints the top margin boxes first and each marker right before its list item's content; none of
these boxes overlap, so no pixel changes. In tagged PDFs, margin boxes (running header, page numbers) are marked
``/Artifact`` of type ``/Pagination`` (``/Header``, ``/Footer``) instead of untagged ``/Span`` content, so
assistive technology skips them.

Fonts. Without ``libharfbuzz-subset0`` WeasyPrint subsets fonts with fontTools (``Font.subset``; see
``harfbuzz_subsetting``), which writes the time of the build into each embedded font's ``head.modified``; the
hook sets it to the font's own ``head.created``, so builds stay byte-identical on either path.

Scope. Only TrueType outline fonts (``CIDFontType2``) get new codes: ``CIDFontType0`` (CFF) ignores
``/CIDToGIDMap``, so CFF, bitmap and colour-emoji fonts keep WeasyPrint's own map. Right-to-left lines keep
WeasyPrint's per-glyph texts but still get one code per (glyph, text) pair.

Use. Call ``write_pdf(document, **options)`` instead of ``document.write_pdf(**options)`` (``document`` is a
WeasyPrint ``Document`` or ``HTML``), or wrap WeasyPrint calls in ``with exact_text_layer():``. The patches are
installed on entry and removed on exit, reference counted, so nesting and threads are safe; the state lives in a
per-context session, in one record per document that is dropped as soon as that document's fonts are written,
and the fonts are handed back to WeasyPrint as it made them: nothing leaks from one document into the next.
Outside the context, and in threads that did not enter it, WeasyPrint runs unchanged.

Pin. The hook replaces ``weasyprint.draw.text.draw_first_line``, ``weasyprint.pdf.stream.Stream.add_font``,
``weasyprint.pdf.build_fonts_dictionary``, ``weasyprint.draw.draw_stacking_context``,
``weasyprint.draw.draw_block_level`` and ``weasyprint.pdf.fonts.Font._fonttools_subset`` with wrappers around
the originals (``_PATCHES``), and relies on how they use ``Font.to_unicode`` and on the ``TJ``, ``Tf`` and
``Tm`` operators and font dictionaries they write. On entry it raises
``UnsupportedWeasyPrint`` (a ``RuntimeError``) if WeasyPrint's version is not in ``TESTED_WEASYPRINT_VERSIONS``
or if those internals lost the expected signatures or source lines (``_EXPECTED_PARAMETERS``,
``_EXPECTED_SOURCE``); while writing it raises ``TextLayerError`` if what WeasyPrint drew or built does not match
what was recorded. It never writes a layer it could not check. To move to a new WeasyPrint: install it, read
the functions above and ``weasyprint/pdf/fonts.py`` (``Font``, ``build_fonts_dictionary``,
``_build_vector_font_dictionary``), adapt this module and ``_EXPECTED_*``, run ``pytest tests/render/weasyprint_adapter``
(if "without the hook the bug is present" fails, upstream fixed the bug: drop this module), then add the
version to ``TESTED_WEASYPRINT_VERSIONS`` (the package's ``__init__``) and to the ``weasyprint`` pin in
pyproject.toml.
"""

from __future__ import annotations

import contextvars
import inspect
import io
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from math import ceil
from typing import Any

import pydyf
import weasyprint

from reportgen.render.weasyprint_adapter import TESTED_WEASYPRINT_VERSIONS
from reportgen.stamp import PdfPathPen, deflated

__all__ = [
    "TESTED_WEASYPRINT_VERSIONS",
    "TextLayerError",
    "UnsupportedWeasyPrint",
    "check_weasyprint",
    "exact_text_layer",
    "write_pdf",
]


#: The names of the form XObjects that paint marks as outlines start with this (RgM0, RgM1, ...).
MARK_FORM_PREFIX = "RgM"

# Codes are two bytes (/Identity-H).
_HIGHEST_CODE = 0xFFFF


class TextLayerError(RuntimeError):
    """The exact text layer could not be written; the PDF would have had a wrong text layer."""


class UnsupportedWeasyPrint(TextLayerError):
    """The installed WeasyPrint is not one this module was tested with, or its internals changed."""


# --- Pin ----------------------------------------------------------------------------------------------------------

# Lines of WeasyPrint's source that the hooks depend on: if one of them disappears, the recording or the
# rewriting would silently go wrong, so refuse to run instead.
_EXPECTED_SOURCE: dict[str, tuple[str, ...]] = {
    "weasyprint.draw.text.draw_first_line": (
        "font, font_size = stream.add_font(pango_font)",
        "if glyph_id not in font.to_unicode:",  # asked once per shown glyph: the recording hook
        "font.to_unicode[glyph_id] = utf8_text[offset+t1:offset+t2].decode()",
        "string += f'{glyph_id:02x}' if font.bitmap else f'{glyph_id:04x}'",
        "string += f'<{glyph_id:02x}>' if font.bitmap else f'<{glyph_id:04x}>'",
        "stream.show_text(string)",
    ),
    "weasyprint.pdf.fonts.Font.__init__": (
        "self.to_unicode = {}", "self.widths = {}", "self.missing = {}", "self.glyph_count = ", "self.hash = "),
    "weasyprint.pdf.stream.Stream.__init__": ("self._fonts = fonts",),
    # The pen of a line starts in the font the previous line left (Tf is written only when the font changes).
    "weasyprint.pdf.stream.Stream.set_font_size": ("self._current_font = (font, size)",),
    "weasyprint.draw.draw_stacking_context": (
        "for child_context in stacking_context.zero_z_contexts:",
        "draw_block_level(\n                stacking_context.page, stream, {box: stacking_context.blocks_and_cells})",
    ),
    "weasyprint.draw.draw_block_level": ("for block, blocks_and_cells in blocks_and_cells.items():",),
    # Page furniture becomes an artifact: its text boxes are recorded as Stream.marked records them.
    "weasyprint.pdf.stream.Stream.marked": (
        "self._tags[box] = {'tag': tag, 'mcid': mcid}", "super().begin_marked_content(tag, property_list)",
        "super().end_marked_content()"),
    # How WeasyPrint chooses its subsetter (see harfbuzz_subsetting), and the fallback whose font timestamp is pinned.
    "weasyprint.pdf.fonts.Font.subset": (
        "if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):", "self._fonttools_subset(to_unicode, hinting)"),
    "weasyprint.pdf.fonts.Font._fonttools_subset": ("ttfont.save(optimized_font)",
                                                    "self.file_content = optimized_font.getvalue()"),
    "weasyprint.pdf.fonts.build_fonts_dictionary": (
        "pdf_fonts[font.hash] = font_dictionary.reference",
        "'ToUnicode': to_unicode_object.reference,",
        "b'/CMapName /Adobe-Identity-UCS def',",
    ),
    "weasyprint.pdf.fonts._build_vector_font_dictionary": (
        "'CIDToGIDMap': '/Identity',",
        "'W': pdf_widths,",
        "font_descriptor['CIDSet'] = stream.reference",
        "font_dictionary['Encoding'] = '/Identity-H'",
        "font_dictionary['DescendantFonts'] = pydyf.Array([subfont_dictionary.reference])",
    ),
}

_EXPECTED_PARAMETERS: dict[str, tuple[str, ...]] = {
    "weasyprint.draw.text.draw_first_line": ("stream", "textbox", "text_overflow", "block_ellipsis", "matrix"),
    "weasyprint.pdf.stream.Stream.add_font": ("self", "pango_font"),
    "weasyprint.pdf.fonts.build_fonts_dictionary": ("pdf", "fonts", "compress", "subset", "options"),
    "weasyprint.draw.draw_stacking_context": ("stream", "stacking_context"),
    "weasyprint.draw.draw_block_level": ("page", "stream", "blocks_and_cells"),
}


def _internals() -> dict[str, Any]:
    """The WeasyPrint objects that are patched or read, by dotted name (imported lazily: WeasyPrint is heavy)."""
    import weasyprint.draw
    import weasyprint.draw.text
    import weasyprint.pdf
    import weasyprint.pdf.fonts
    import weasyprint.pdf.stream

    return {
        "weasyprint.draw.draw_stacking_context": weasyprint.draw.draw_stacking_context,
        "weasyprint.draw.draw_block_level": weasyprint.draw.draw_block_level,
        "weasyprint.pdf.stream.Stream.set_font_size": weasyprint.pdf.stream.Stream.set_font_size,
        "weasyprint.pdf.stream.Stream.marked": weasyprint.pdf.stream.Stream.marked,
        "weasyprint.pdf.fonts.Font.subset": weasyprint.pdf.fonts.Font.subset,
        "weasyprint.pdf.fonts.Font._fonttools_subset": weasyprint.pdf.fonts.Font._fonttools_subset,
        "weasyprint.draw.text.draw_first_line": weasyprint.draw.text.draw_first_line,
        "weasyprint.pdf.stream.Stream.add_font": weasyprint.pdf.stream.Stream.add_font,
        "weasyprint.pdf.stream.Stream.__init__": weasyprint.pdf.stream.Stream.__init__,
        "weasyprint.pdf.fonts.Font.__init__": weasyprint.pdf.fonts.Font.__init__,
        "weasyprint.pdf.fonts.build_fonts_dictionary": weasyprint.pdf.fonts.build_fonts_dictionary,
        "weasyprint.pdf.fonts._build_vector_font_dictionary": weasyprint.pdf.fonts._build_vector_font_dictionary,
        "weasyprint.pdf.build_fonts_dictionary": weasyprint.pdf.build_fonts_dictionary,
    }


def check_weasyprint() -> None:
    """Raise ``UnsupportedWeasyPrint`` unless WeasyPrint is a tested version with the internals this module patches.

    Called on every entry into ``exact_text_layer``; cheap after the first successful call.
    """
    version = weasyprint.__version__
    if version not in TESTED_WEASYPRINT_VERSIONS:
        raise UnsupportedWeasyPrint(
            f"reportgen.render.weasyprint_adapter.textlayer is tested with WeasyPrint {', '.join(TESTED_WEASYPRINT_VERSIONS)} but "
            f"WeasyPrint {version} is installed. It patches WeasyPrint internals, so it refuses to run rather than "
            f"write a wrong text layer. Install weasyprint=={TESTED_WEASYPRINT_VERSIONS[-1]} (as pinned in "
            f"pyproject.toml), or port the module to {version} as its docstring explains ('Pin')."
        )
    if _checked_versions.get(version):
        return
    problems = _shape_problems(_internals() if _installed_count == 0 else _originals)
    if problems:
        raise UnsupportedWeasyPrint(
            f"WeasyPrint {version} does not have the internals reportgen.render.weasyprint_adapter.textlayer patches: "
            + "; ".join(problems)
            + ". Port the module as its docstring explains ('Pin'), or reinstall the pinned WeasyPrint."
        )
    _checked_versions[version] = True


def _shape_problems(objects: dict[str, Any]) -> list[str]:
    problems = []
    for name, expected in _EXPECTED_PARAMETERS.items():
        try:
            found = tuple(inspect.signature(objects[name]).parameters)
        except (KeyError, TypeError, ValueError) as error:
            problems.append(f"{name} has no signature ({error})")
            continue
        if found != expected:
            problems.append(f"{name}{found} is not {name}{expected}")
    for name, lines in _EXPECTED_SOURCE.items():
        try:
            source = inspect.getsource(objects[name])
        except (KeyError, OSError, TypeError) as error:
            problems.append(f"source of {name} unavailable ({error})")
            continue
        problems += [f"{name} no longer contains {line!r}" for line in lines if line not in source]
    if objects["weasyprint.pdf.build_fonts_dictionary"] is not objects["weasyprint.pdf.fonts.build_fonts_dictionary"]:
        problems.append("weasyprint.pdf.build_fonts_dictionary is not weasyprint.pdf.fonts.build_fonts_dictionary")
    # The rewriting reads TJ operators back in exactly the form pydyf writes them.
    probe = pydyf.Stream()
    probe.show_text("<0001>2<0002>")
    if probe.stream != [b"[<0001>2<0002>] TJ"]:
        problems.append(f"pydyf.Stream.show_text writes {probe.stream!r}")
    return problems


# --- Per-document records -----------------------------------------------------------------------------------------


class _FontCodes:
    """The character codes of one PDF font (one ``font.hash``): one code per distinct (glyph id, text) pair."""

    def __init__(self, glyph_count: int):
        self.glyph_count = glyph_count
        self.code_of: dict[tuple[int, str], int] = {}
        self.text_of: dict[int, str] = {}
        self.glyph_of: dict[int, int] = {}
        # Spare codes count up from just past the font's last glyph, so /CIDToGIDMap stays short. WeasyPrint gives a
        # glyph missing from every font a code counted up from the same place: if one of ours is already there, the
        # missing glyph gets a spare code of its own (which /CIDToGIDMap sends to .notdef, as WeasyPrint's would).
        self.next_spare = glyph_count

    def code(self, glyph: int, text: str) -> int:
        code = self.code_of.get((glyph, text))
        if code is None:
            if glyph not in self.text_of:
                code = glyph  # the first text seen for a glyph keeps the plain glyph id
            else:
                while self.next_spare in self.text_of:  # a missing glyph's code, kept by its first text
                    self.next_spare += 1
                code = self.next_spare
                if code > _HIGHEST_CODE:
                    raise TextLayerError(
                        "no character codes left for the text layer: more than "
                        f"{_HIGHEST_CODE - self.glyph_count} distinct (glyph, text) pairs in one font"
                    )
                self.next_spare += 1
            self.code_of[glyph, text] = code
            self.text_of[code] = text
            self.glyph_of[code] = glyph
        return code

    @property
    def spare_codes(self) -> dict[int, int]:
        return {code: glyph for code, glyph in self.glyph_of.items() if code != glyph}


class _Recording(dict):
    """``Font.to_unicode`` while a session owns the font.

    ``draw_first_line`` asks ``glyph_id not in font.to_unicode`` before computing a glyph's text and storing it;
    while a line is being drawn this answers "not in" every time, so WeasyPrint hands over the text of every
    shown glyph, in drawing order. The dict content itself keeps WeasyPrint's first-come semantics, because
    WeasyPrint subsets the font from its keys.
    """

    __slots__ = ("_document", "_font")

    def __init__(self, content: dict, document: _Document, font: Any):
        super().__init__(content)
        self._document = document
        self._font = font

    def __contains__(self, glyph: object) -> bool:
        if self._document.shown is not None:
            return False
        return dict.__contains__(self, glyph)

    def __setitem__(self, glyph: int, text: str) -> None:
        shown = self._document.shown
        if shown is None:
            dict.__setitem__(self, glyph, text)
            return
        shown.append((self._font, glyph, text))
        if not dict.__contains__(self, glyph):
            dict.__setitem__(self, glyph, text)


class _Document:
    """What one document's drawing recorded, until its fonts are written."""

    def __init__(self, fonts: dict):
        self.fonts = fonts  # the document's ``fonts`` dict: the key that ties drawing to font writing
        self.codes: dict[str, _FontCodes] = {}
        self.shown: list[tuple[Any, int, str]] | None = None  # glyphs shown by the line being drawn
        self.forms: dict[int, dict[tuple[str, int], str]] = {}  # outline forms, per resources dictionary
        self.carriers: list[tuple[Any, int, float | None]] = []  # mark carriers added to fonts (mark_carrier)
        self.outlined: dict[str, set[int]] = {}  # per font hash, the glyphs painted as outlines (rewrite_line)
        self.set_aside: list[tuple[Any, int, str, Any]] = []  # taken out of the subset (set_aside_outlined_glyphs)

    def adopt(self, font: Any) -> None:
        if not isinstance(font.to_unicode, _Recording) or font.to_unicode._document is not self:
            font.to_unicode = _Recording(font.to_unicode, self, font)

    def release(self) -> None:
        # Give WeasyPrint back plain dicts: a document written again without the hook behaves as if never hooked.
        for font in self.fonts.values():
            if isinstance(font.to_unicode, _Recording):
                font.to_unicode = dict(font.to_unicode)

    def codes_for(self, font: Any) -> _FontCodes | None:
        if font.bitmap or font.type != "ttf" or font.png or font.svg or font.colr:
            return None  # only CIDFontType2 honours /CIDToGIDMap
        codes = self.codes.get(font.hash)
        if codes is None:
            codes = self.codes[font.hash] = _FontCodes(font.glyph_count)
        return codes

    # Drawing side.

    def mark_carrier(self, font: Any) -> int | None:
        """The glyph that carries a grapheme's marks as text: one with no outline and no advance, or None.

        It is kept in the subset (an entry in ``font.to_unicode``, width 0 in ``font.widths``), so its advance is 0
        both in ``/W`` and in the embedded font's ``hmtx``, as PDF/A requires.
        """
        carrier = _empty_zero_width_glyph(font)
        if carrier is not None:
            if not dict.__contains__(font.to_unicode, carrier):
                dict.__setitem__(font.to_unicode, carrier, "")
                self.carriers.append((font, carrier, font.widths.get(carrier)))
            font.widths[carrier] = 0
        return carrier

    def set_aside_outlined_glyphs(self) -> None:
        """Leave out of the embedded subset, its ``/W`` and its ``/ToUnicode`` the glyphs only ever painted as
        outlines (marks whose character went to their base): no code draws them, and their outline forms are made
        from the whole font. WeasyPrint subsets a font from ``font.to_unicode``'s keys; they are put back by
        ``forget_carriers`` once the fonts are written."""
        for font in self.fonts.values():
            codes = self.codes.get(font.hash)
            outlined = self.outlined.get(font.hash)
            if codes is None or not outlined:
                continue
            for glyph in outlined - set(codes.glyph_of.values()) - {0}:
                if glyph in font.to_unicode:
                    self.set_aside.append((font, glyph, font.to_unicode.pop(glyph), font.widths.pop(glyph, None)))

    def forget_carriers(self) -> None:
        # Once the fonts are written, hand them back without the carriers they were given.
        for font, carrier, width in self.carriers:
            font.to_unicode.pop(carrier, None)
            if width is None:
                font.widths.pop(carrier, None)
            else:
                font.widths[carrier] = width
        self.carriers.clear()
        for font, glyph, text, width in reversed(self.set_aside):
            font.to_unicode[glyph] = text
            if width is not None:
                font.widths[glyph] = width
        self.set_aside.clear()

    def outline_forms(self, resources: Any):
        """``forms(font, glyph)``: the name of a form XObject in ``resources`` that fills the glyph's outline (in
        font units; painted in the current colour), made on first use, one per glyph and resources dictionary."""
        names = self.forms.setdefault(id(resources), {})

        def forms(font: Any, glyph: int) -> str:
            key = (font.hash, glyph)
            name = names.get(key)
            if name is None:
                if resources is None:
                    raise TextLayerError("a mark has no text and the stream no resources to paint it from")
                name = names[key] = f"{MARK_FORM_PREFIX}{len(names)}"
                x_min, y_min, x_max, y_max = _font_box(font)
                extra = pydyf.Dictionary({
                    "Type": "/XObject", "Subtype": "/Form", "BBox": pydyf.Array((x_min, y_min, x_max, y_max))})
                extra["Filter"] = "/FlateDecode"
                packed = deflated(_outline(font, glyph) + b" f")
                resources["XObject"][name] = pydyf.Stream([packed], extra, compress=False)
            return name

        return forms

    def rewrite_line(self, operators: list, start: int, shown: list, layout_text: str, font_size: float = 0.0,
                     resources: Any = None) -> None:
        """Give the glyphs just drawn (``operators[start:]``, recorded in ``shown``) their per-text codes.

        A glyph left without text (a Thai mark whose character went to its base, the NIKHAHIT half of SARA AM) is
        taken out of the ``TJ`` operator, the pen moved on by its width instead, and painted after the line as its
        outline, a filled path at the same place: no character code is drawn that has no text.
        """
        texts = [text for _, _, text in shown]
        if not any(unicodedata.bidirectional(char) in ("R", "AL") for char in layout_text):
            texts = self._base_glyph_carries_grapheme(shown, texts)
        codes: list[tuple[Any, int, int | None, tuple[int, ...]]] = []
        for (font, glyph, _), text in zip(shown, texts):
            font_codes = self.codes_for(font)
            if font_codes is None:
                codes.append((font, glyph, glyph, ()))
            elif not text:
                codes.append((font, glyph, None, ()))  # drawn as a path
                self.outlined.setdefault(font.hash, set()).add(glyph)
            else:
                base, marks = _split_marks(text)
                carrier = self.mark_carrier(font) if base and marks else None
                if carrier is None:
                    codes.append((font, glyph, font_codes.code(glyph, text), ()))
                else:
                    codes.append((font, glyph, font_codes.code(glyph, base), (font_codes.code(carrier, marks),)))

        pending = iter(codes)
        pen = _Pen(font_size)
        outlines: list[tuple[tuple[float, ...], bytes]] = []
        for index in range(start, len(operators)):
            operator = operators[index]
            if not isinstance(operator, bytes):
                continue
            if operator.endswith(b" TJ") and operator.startswith(b"["):
                operators[index] = _rewrite_tj(operator, pending, pen, outlines, self.outline_forms(resources))
            else:
                pen.follow(operator)
        if next(pending, None) is not None:
            raise TextLayerError(
                "WeasyPrint recorded more glyphs than it wrote in TJ operators; its drawing code changed")
        if outlines:
            # Paths cannot be painted inside a text object: close it, paint, and open a new one, which the
            # caller's ET closes (the next line's BT reuses it, as WeasyPrint does with consecutive lines).
            operators.extend([b"ET", *_placed(outlines), b"BT"])

    def _base_glyph_carries_grapheme(self, shown: list, texts: list[str]) -> list[str]:
        # Put all the text of a user-perceived character (a base and its marks: ที่, บุ๊ก, น้ำ) on the base's glyph
        # and none on the marks' glyphs. Extractors that sort characters by position (pdfplumber) or split lines
        # by height (pdftotext) otherwise move a raised or left-shifted mark away from its base (ท่ี, บุก๊, ร้้).
        # WeasyPrint's texts tell the groups apart: left to right, a HarfBuzz cluster drawn with several glyphs
        # gives '' to all but its last glyph, and a text that starts with a mark continues the previous base.
        # A group with a glyph in a font that cannot get new codes is left as WeasyPrint made it.
        result = list(texts)
        group: list[int] = []
        pending: list[int] = []  # '' glyphs: they belong to the cluster of the next glyph with text

        def close() -> None:
            if len(group) > 1 and all(self.codes_for(shown[i][0]) is not None for i in group):
                text = "".join(texts[i] for i in group)
                for i in group:
                    result[i] = ""
                result[group[0]] = text
                # SARA AM is drawn as NIKHAHIT (a mark) + AA (a spacing glyph after the base). Give "ำ" to that
                # AA glyph rather than to the base: a glyph with width but no text reads as a gap, and pdftotext
                # then breaks the word (ความสำ เร็จ).
                am = min((text.find(char) for char in _SARA_AM if char in text), default=-1)
                spacing = [i for i in group[1:] if shown[i][0].widths.get(shown[i][1], 0) > 0]
                if am > 0 and spacing:
                    result[group[0]], result[spacing[-1]] = text[:am], text[am:]
            group.clear()

        for index, text in enumerate(texts):
            if not text:
                pending.append(index)
                continue
            if not (group and _continues_grapheme(text[0])):
                close()
            group.extend(pending)
            group.append(index)
            pending.clear()
        close()
        return result

    # Font side.

    def finish_fonts(self, pdf: pydyf.PDF, pdf_fonts: pydyf.Dictionary, compress: bool) -> None:
        """Rewrite the font dictionaries WeasyPrint built so they carry the codes handed out while drawing."""
        fonts_by_hash: dict[str, list] = {}
        for font in self.fonts.values():
            fonts_by_hash.setdefault(font.hash, []).append(font)
        for font_hash, codes in self.codes.items():
            if font_hash not in pdf_fonts or not codes.text_of:
                continue
            _rewrite_font(pdf, pdf_fonts[font_hash], codes, fonts_by_hash[font_hash], compress)


_SARA_AM = "\u0e33\u0eb3"  # Thai and Lao


def _continues_grapheme(char: str) -> bool:
    # Combining marks, plus the few letters Unicode also counts as part of the preceding character
    # (Grapheme_Cluster_Break=SpacingMark with category Lo: Thai and Lao SARA AM) and ZERO WIDTH JOINER.
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or char in _SARA_AM or char == "\u200d"


def _split_marks(text: str) -> tuple[str, str]:
    """(base, marks): ``text`` up to its first nonspacing mark or format character, and the rest.

    pdf.js takes any glyph whose text contains a nonspacing mark (Mn) or ends in a format character (Cf) for a
    zero-width diacritic: it neither advances its pen for it nor compares its position with the previous glyph's,
    so a base glyph carrying its marks' text (กี) gets a fake space after it (กี ฬา). SARA AM (Lo) stays.
    """
    for index, char in enumerate(text):
        if index and unicodedata.category(char) in ("Mn", "Me", "Cf"):
            return text[:index], text[index:]
    return text, ""


_carriers: dict[str, int | None] = {}


def _empty_zero_width_glyph(font: Any) -> int | None:
    """The lowest glyph id (not .notdef) of ``font`` with no contours and an advance of 0, or None."""
    if font.hash not in _carriers:
        from fontTools.ttLib import TTFont

        carrier = None
        tt_font = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
        if "glyf" in tt_font and "hmtx" in tt_font:
            glyf, hmtx = tt_font["glyf"], tt_font["hmtx"]
            for glyph_id, name in enumerate(tt_font.getGlyphOrder()[1:], 1):
                if hmtx[name][0] == 0 and glyf[name].numberOfContours == 0:
                    carrier = glyph_id
                    break
        _carriers[font.hash] = carrier
    return _carriers[font.hash]


# WeasyPrint writes a TJ array as one string per glyph, each followed by its adjustment, with 16 decimals:
# [<01d8>0<fffd>0<>-0.9840746842394289<02f8>-10 ...]. It is written back with the new codes, consecutive codes in
# one string, adjustments summed and rounded to a thousandth of a thousandth of an em (far below any device's
# resolution): [<01d8fffd>-0.984<02f8>-10 ...] draws exactly the same glyphs at the same places in fewer bytes.
# The marks' carrier is drawn this many thousandths of an em before its base's right edge: inside the base, so
# extractors that sort by position (pdfplumber) keep it before the next glyph, and close enough to the edge that
# no extractor reads the step back as a gap (measured on the real form: pdftotext splits words from 100 on).
_CARRIER_BACK = 5
_TJ_ITEM = re.compile(rb"<([0-9a-fA-F]*)>|(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")
_NUMBER = rb"(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
_TEXT_MATRIX = re.compile(rb" ".join([_NUMBER] * 6) + rb" Tm")
_FONT_SIZE = re.compile(rb"/\S+ " + _NUMBER + rb" Tf")
_TEXT_RISE = re.compile(_NUMBER + rb" Ts")


class _Pen:
    """Where the next glyph of a line is drawn: WeasyPrint's text matrix, font size, rise and pen position."""

    def __init__(self, size: float) -> None:
        self.matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self.size = size  # WeasyPrint writes Tf only when the font changes: a line may go on in the last one
        self.rise = 0.0
        self.x = 0.0

    def follow(self, operator: bytes) -> None:
        if match := _TEXT_MATRIX.fullmatch(operator):
            a, b, c, d, e, f = (float(value) for value in match.groups())
            self.matrix = (a, b, c, d, e, f)
            self.x = 0.0
        elif match := _FONT_SIZE.fullmatch(operator):
            self.size = float(match.group(1))
        elif match := _TEXT_RISE.fullmatch(operator):
            self.rise = float(match.group(1))

    def glyph_matrix(self, upem: int) -> tuple[float, ...]:
        """The matrix that puts a glyph outline, in font units, where the pen draws the glyph now."""
        a, b, c, d, e, f = self.matrix
        scale = self.size / upem
        return (a * scale, b * scale, c * scale, d * scale, e + a * self.x + c * self.rise, f + b * self.x + d * self.rise)


def _placed(outlines: list[tuple[tuple[float, ...], bytes]]) -> list[bytes]:
    """The operators that paint a line's outline forms (matrix, name), in few bytes.

    The first is placed by its whole matrix (``q .012 0 0 -.012 235.804 74.786 cm /RgM0 Do``), thousandths of a
    point for the place; the next ones of the same scale, unrotated, by a step from the previous one in tenths of a
    font unit (``1 0 0 1 1122 0 cm /RgM1 Do``), each counted from the first so no rounding adds up: every mark lands
    within 0.0011 pt of where its glyph would have been. A form's ``Do`` keeps the graphics state, so steps add up
    until the closing ``Q``.
    """
    operators: list[bytes] = []
    origin: tuple[float, ...] | None = None
    last = (0, 0)  # tenths of a font unit from the origin, as drawn
    for (a, b, c, d, e, f), name in outlines:
        scale = (round(a, 6), round(b, 6), round(c, 6), round(d, 6))
        if origin is not None and scale == origin[:4] and scale[1] == scale[2] == 0 and scale[0] and scale[3]:
            step = (round((e - origin[4]) / scale[0] * 10), round((f - origin[5]) / scale[3] * 10))
            operators.append(b"1 0 0 1 %s %s cm /%s Do" % (
                _compact((step[0] - last[0]) / 10, 1), _compact((step[1] - last[1]) / 10, 1), name))
            last = step
            continue
        if origin is not None:
            operators.append(b"Q")
        origin, last = (*scale, round(e, 3), round(f, 3)), (0, 0)
        operators.append(b"q %s cm /%s Do" % (b" ".join(_compact(value, places) for value, places in zip(
            origin, (6, 6, 6, 6, 3, 3))), name))
    if origin is not None:
        operators.append(b"Q")
    return operators


def _compact(value: float, places: int) -> bytes:
    """``value`` rounded to ``places`` decimals, in as few bytes as PDF allows: ``.012``, ``-235.8``, ``0``."""
    text = (b"%.*f" % (places, value)).rstrip(b"0").rstrip(b".")
    if text.startswith(b"0."):
        return text[1:]
    if text.startswith(b"-0."):
        return b"-" + text[2:]
    return b"0" if text in (b"-0", b"") else text


def _adjustment(value: float) -> bytes:
    text = (b"%.3f" % value).rstrip(b"0").rstrip(b".")
    return b"0" if text == b"-0" else text


def _rewrite_tj(operator: bytes, pending: Iterator[tuple[Any, int, int | None, tuple[int, ...]]], pen: _Pen,
                outlines: list[tuple[tuple[float, ...], bytes]], forms: Any) -> bytes:
    out: list[bytes] = []
    codes: list[bytes] = []
    adjustment = 0.0  # thousandths of an em, not yet written
    scale = pen.size / 1000
    x = pen.x
    for digits, number in _TJ_ITEM.findall(operator, 1, len(operator) - 4):
        if number:
            value = float(number)
            adjustment += value
            x -= value * scale
            continue
        position = 0
        while position < len(digits):
            entry = next(pending, None)
            if entry is None:
                raise TextLayerError("WeasyPrint wrote glyphs it did not record; its drawing code changed")
            font, glyph, code, marks = entry
            width = 2 if font.bitmap else 4
            written = digits[position:position + width]
            if len(written) != width or int(written, 16) != glyph:
                raise TextLayerError(
                    f"WeasyPrint wrote glyph {written!r} where glyph {glyph:04x} was recorded; its drawing code "
                    "changed")
            position += width
            advance = font.widths.get(glyph, 0)
            if code is None:
                pen.x = x
                outlines.append((pen.glyph_matrix(font.upem), forms(font, glyph).encode()))
                adjustment -= advance
            else:
                if not -0.0005 < adjustment < 0.0005:
                    if codes:
                        out.append(b"<" + b"".join(codes) + b">")
                        codes = []
                    out.append(_adjustment(adjustment))
                adjustment = 0.0
                codes.append(b"%0*x" % (width, code))
                if marks:
                    # The marks' carrier (no advance) is drawn over the middle of its base, where extractors that
                    # sort by position keep it after the base and before the next glyph, then the pen moves back.
                    out.extend([b"<" + b"".join(codes) + b">", _adjustment(_CARRIER_BACK)])
                    codes = [b"%0*x" % (width, mark) for mark in marks]
                    adjustment = -_CARRIER_BACK
            x += advance * scale
    pen.x = x
    if codes:
        out.append(b"<" + b"".join(codes) + b">")
    if not -0.0005 < adjustment < 0.0005:
        out.append(_adjustment(adjustment))  # moves the pen for the next TJ of the line
    return b"[" + b"".join(out) + b"] TJ"


_outline_cache: dict[tuple[str, int], bytes] = {}
_glyph_sets: dict[str, Any] = {}


def _outline(font: Any, glyph: int) -> bytes:
    """The glyph's outline as a PDF path in whole font units (``stamp.PdfPathPen``: 1.6 kB less in the PDF of form
    08 than in hundredths of a unit)."""
    key = (font.hash, glyph)
    path = _outline_cache.get(key)
    if path is None:
        from fontTools.ttLib import TTFont

        glyph_set = _glyph_sets.get(font.hash)
        if glyph_set is None:
            tt_font = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
            head = tt_font["head"]
            glyph_set = _glyph_sets[font.hash] = (tt_font.getGlyphOrder(), tt_font.getGlyphSet(),
                                                  (head.xMin, head.yMin, head.xMax, head.yMax))
        order, glyphs, _ = glyph_set
        pen = PdfPathPen(glyphs)
        # A code past the font's glyphs is WeasyPrint's for a character missing from every font: it draws .notdef.
        glyphs[order[glyph] if glyph < len(order) else order[0]].draw(pen)
        path = _outline_cache[key] = b" ".join(pen.operators) or b"0 0 m"
    return path


def _font_box(font: Any) -> tuple[int, int, int, int]:
    """The bounding box of every glyph of ``font`` (``head``), in font units: a safe /BBox for any outline form."""
    _outline(font, 0)
    return _glyph_sets[font.hash][2]


def _resolve(pdf: pydyf.PDF, reference: Any) -> Any:
    match = re.fullmatch(rb"(\d+) 0 R", reference if isinstance(reference, bytes) else b"")
    if match is None or int(match.group(1)) >= len(pdf.objects):
        raise TextLayerError(f"expected a reference to a PDF object, found {reference!r}; WeasyPrint changed")
    return pdf.objects[int(match.group(1))]


_TO_UNICODE_ENTRY = re.compile(rb"<([0-9a-f]{4})> <([0-9a-f]*)>")


def _rewrite_font(pdf: pydyf.PDF, reference: bytes, codes: _FontCodes, fonts: list, compress: bool) -> None:
    font_dictionary = _resolve(pdf, reference)
    to_unicode = _resolve(pdf, font_dictionary.get("ToUnicode"))
    descendants = font_dictionary.get("DescendantFonts")
    if font_dictionary.get("Subtype") != "/Type0" or not isinstance(descendants, pydyf.Array) or len(descendants) != 1:
        raise TextLayerError(f"unexpected font dictionary {dict(font_dictionary)!r}; WeasyPrint changed")
    cid_font = _resolve(pdf, descendants[0])
    if cid_font.get("Subtype") != "/CIDFontType2" or cid_font.get("CIDToGIDMap") != "/Identity":
        raise TextLayerError(f"unexpected CID font {dict(cid_font)!r}; WeasyPrint changed")
    if not isinstance(to_unicode, pydyf.Stream) or b"/CMapName /Adobe-Identity-UCS def" not in to_unicode.stream:
        raise TextLayerError("unexpected /ToUnicode stream; WeasyPrint changed")

    spare = codes.spare_codes
    # A code WeasyPrint gave a missing glyph that is also one of ours means ours (the missing glyph was drawn with a
    # spare code of its own): only the others still draw .notdef.
    missing = {glyph for font in fonts for glyph in font.missing.values()} - set(spare)

    # /ToUnicode: WeasyPrint's map (first text per glyph, or the font's cmap for full fonts), then ours on top.
    text_of: dict[int, bytes] = {}
    for line in to_unicode.stream:
        if isinstance(line, bytes) and (entry := _TO_UNICODE_ENTRY.fullmatch(line)):
            text_of[int(entry.group(1), 16)] = entry.group(2)
    for code, text in codes.text_of.items():
        text_of[code] = text.encode("utf-16-be").hex().encode()
    to_unicode.stream = _to_unicode_cmap(text_of)

    # /W: a spare code is as wide as its glyph, so every glyph advances exactly as before.
    widths = _read_widths(cid_font.get("W"))
    glyph_widths = dict(widths)  # a spare code may be where WeasyPrint put a missing glyph's width
    for code, glyph in spare.items():
        width = glyph_widths.get(glyph)
        if width is None:
            width = next((font.widths[glyph] for font in fonts if glyph in font.widths), None)
        if width is None:
            raise TextLayerError(f"no width known for glyph {glyph} of {fonts[0].family!r}")
        widths[code] = width
    cid_font["W"] = _write_widths(widths)

    # A font with glyphs missing from every font: WeasyPrint maps their codes to CID 0 (.notdef) with a CMap
    # of its own as /Encoding, which pdfminer and pypdf cannot read (they then extract nothing, or garbage,
    # for the whole font). Use /Identity-H instead and send those codes to glyph 0 in /CIDToGIDMap: same
    # drawing, readable text.
    if font_dictionary.get("Encoding") != "/Identity-H":
        encoding = _resolve(pdf, font_dictionary.get("Encoding"))
        if not isinstance(encoding, pydyf.Stream) or b"/CMapName /WP-Encod-0 def" not in encoding.stream:
            raise TextLayerError("unexpected font /Encoding; WeasyPrint changed")
        font_dictionary["Encoding"] = "/Identity-H"
        encoding.stream = []  # now unreferenced; pydyf cannot drop an object, so leave it empty

    # /CIDToGIDMap: identity for the glyphs drawn with their own id as code, spare codes to their glyph (a missing
    # glyph's to .notdef), everything else (missing-glyph codes, codes never drawn) to 0: the default, and long
    # runs of zeros compress to almost nothing. Only needed when there are spare or missing-glyph codes; it ends
    # at the highest code drawn (a CID past its end would draw .notdef).
    if spare or missing:
        size = max((*spare, *missing)) + 1
        gids = bytearray(2 * size)
        own = {glyph for font in fonts for glyph in font.to_unicode} | {
            code for code, glyph in codes.glyph_of.items() if code == glyph}
        for cid in own:
            if cid < min(codes.glyph_count, size):
                gids[2 * cid:2 * cid + 2] = cid.to_bytes(2, "big")
        for code, glyph in spare.items():
            if glyph < codes.glyph_count:
                gids[2 * code:2 * code + 2] = glyph.to_bytes(2, "big")
        cid_to_gid = pydyf.Stream([bytes(gids)], compress=compress)
        pdf.add_object(cid_to_gid)
        cid_font["CIDToGIDMap"] = cid_to_gid.reference

        # PDF/A-1 (PDF 1.4) fonts list their CIDs: add the spare ones.
        descriptor = _resolve(pdf, cid_font.get("FontDescriptor"))
        if "CIDSet" in descriptor:
            cid_set = _resolve(pdf, descriptor["CIDSet"])
            bits = bytearray(ceil((max(widths) + 1) / 8))
            for cid in widths:
                bits[cid // 8] |= 0x80 >> (cid % 8)
            cid_set.stream = [bytes(bits)]


def _to_unicode_cmap(text_of: dict[int, bytes]) -> list[bytes]:
    # Same CMap as WeasyPrint writes, without empty destinations (<>): PDFium, pdf.js and MuPDF read an empty one
    # as no mapping and fall back to the raw code. No code drawn as text is left without text (see rewrite_line).
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    lines += _batches(b"beginbfchar", b"endbfchar", [
        b"<%04x> <%s>" % (code, text) for code, text in sorted(text_of.items()) if text])
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return lines


def _batches(begin: bytes, end: bytes, entries: list[bytes]) -> list[bytes]:
    # CMap operators take at most 100 entries each.
    lines = []
    for i in range(0, len(entries), 100):
        batch = entries[i:i + 100]
        lines += [b"%d %s" % (len(batch), begin), *batch, end]
    return lines


def _read_widths(array: Any) -> dict[int, float]:
    # /W as WeasyPrint writes it: first CID, [widths...], first CID, [widths...], ...
    if not isinstance(array, pydyf.Array) or len(array) % 2:
        raise TextLayerError(f"unexpected /W array {array!r}; WeasyPrint changed")
    widths = {}
    for first, run in zip(array[::2], array[1::2]):
        if not isinstance(first, int) or not isinstance(run, (list, pydyf.Array)):
            raise TextLayerError(f"unexpected /W array {array!r}; WeasyPrint changed")
        widths.update({first + i: width for i, width in enumerate(run)})
    return widths


def _write_widths(widths: dict[int, float]) -> pydyf.Array:
    array = pydyf.Array()
    for cid in sorted(widths):
        if cid - 1 not in widths:
            array.append(cid)
            run = pydyf.Array()
            array.append(run)
        run.append(widths[cid])
    return array


# --- Hooks --------------------------------------------------------------------------------------------------------


class _Session:
    """One ``exact_text_layer`` context: the documents being drawn in it, by their ``fonts`` dict."""

    def __init__(self) -> None:
        self.documents: dict[int, _Document] = {}
        self.markers: list[dict[int, list]] = []  # list markers waiting for their item, per stacking context

    def document(self, fonts: dict) -> _Document:
        document = self.documents.get(id(fonts))
        if document is None or document.fonts is not fonts:
            document = self.documents[id(fonts)] = _Document(fonts)
        return document

    def pop(self, fonts: dict) -> _Document | None:
        document = self.documents.get(id(fonts))
        if document is not None and document.fonts is fonts:
            return self.documents.pop(id(fonts))
        return None

    def close(self) -> None:
        for document in self.documents.values():  # only documents whose writing failed half way
            document.release()
        self.documents.clear()


_session: contextvars.ContextVar[_Session | None] = contextvars.ContextVar("reportgen_textlayer", default=None)
_lock = threading.Lock()
_installed_count = 0
_originals: dict[str, Any] = {}
_checked_versions: dict[str, bool] = {}


def _add_font(self, pango_font):
    font, font_size = _originals["weasyprint.pdf.stream.Stream.add_font"](self, pango_font)
    session = _session.get()
    if session is not None:
        session.document(self._fonts).adopt(font)
    return font, font_size


def _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    original = _originals["weasyprint.draw.text.draw_first_line"]
    session = _session.get()
    if session is None:
        return original(stream, textbox, text_overflow, block_ellipsis, matrix)
    document = session.document(stream._fonts)
    start = len(stream.stream)
    font_size = stream._current_font[1] if stream._current_font else 0.0
    shown: list[tuple[Any, int, str]] = []
    document.shown = shown
    try:
        emojis = original(stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        document.shown = None
    if len(stream.stream) < start:
        raise TextLayerError("WeasyPrint removed operators while drawing a line; its drawing code changed")
    if shown:
        document.rewrite_line(stream.stream, start, shown, textbox.pango_layout.text, font_size, stream._resources)
    return emojis


def _build_fonts_dictionary(pdf, fonts, compress, subset, options):
    original = _originals["weasyprint.pdf.fonts.build_fonts_dictionary"]
    session = _session.get()
    document = session.pop(fonts) if session is not None else None
    if document is not None:
        document.release()  # WeasyPrint builds its dictionaries from plain dicts, exactly as without the hook
        document.set_aside_outlined_glyphs()
    pdf_fonts = original(pdf, fonts, compress, subset, options)
    if document is not None:
        document.finish_fonts(pdf, pdf_fonts, compress)
        document.forget_carriers()
    return pdf_fonts


def _draw_stacking_context(stream, stacking_context):
    """Draw in reading order: a page's header before its body, a list item's marker right before its item.

    WeasyPrint paints the root box of a page before its margin boxes, and an outside ``::marker`` (an
    absolutely positioned box) after every block of its stacking context; extractors that read the content in
    drawing order (pypdf, PDFium, MuPDF, pdf.js) then read the header after the body and every list number after
    its list. None of these boxes overlap, so painting them earlier changes no pixel.
    """
    original = _originals["weasyprint.draw.draw_stacking_context"]
    session = _session.get()
    if session is None:
        return original(stream, stacking_context)
    from weasyprint.formatting_structure import boxes

    if isinstance(stacking_context.box, boxes.MarginBox) and stream._tags is not None:
        with _page_furniture(stream, stacking_context.box):
            return original(stream, stacking_context)
    contexts = stacking_context.zero_z_contexts
    if isinstance(stacking_context.box, boxes.PageBox):
        def header_first(context) -> int:
            box = context.box
            return 0 if isinstance(box, boxes.MarginBox) and box.at_keyword.startswith("@top") else 1

        contexts.sort(key=header_first)  # stable: the body stays before the footer
    markers: dict[Any, Any] = {}
    for context in contexts:
        if context.box.is_outside_marker and context.box.element is not None:
            markers.setdefault(id(context.box.element), []).append(context)
    if not markers:
        return original(stream, stacking_context)
    stacking_context.zero_z_contexts = [context for context in contexts if not context.box.is_outside_marker
                                        or context.box.element is None]
    session.markers.append(markers)
    try:
        original(stream, stacking_context)
    finally:
        session.markers.pop()
        stacking_context.zero_z_contexts = contexts
    for waiting in markers.values():  # an item drawn elsewhere (in a float, say): the marker where it was
        for context in waiting:
            _draw_stacking_context(stream, context)


@contextmanager
def _page_furniture(stream, margin_box) -> Iterator[None]:
    """While a tagged page's margin box (running header, page number) is drawn, its text is an artifact.

    WeasyPrint marks it as tagged content (``/Span <</MCID n>> BDC``) but leaves its structure elements out of the
    tree, so screen readers meet text that belongs nowhere. Marked ``/Artifact`` of type ``/Pagination`` instead,
    assistive technology skips it, as it skips a printed page's furniture. The MCID is still handed out (WeasyPrint's
    tagging expects one per text box), it just marks nothing in the page.
    """
    subtype = "/Header" if margin_box.at_keyword.startswith("@top") else "/Footer"

    @contextmanager
    def as_artifact(box, tag):
        stream._tags[box] = {"tag": tag, "mcid": len(stream._tags)}  # as Stream.marked records it
        stream.begin_marked_content("Artifact", pydyf.Dictionary({"Type": "/Pagination", "Subtype": subtype}))
        try:
            yield
        finally:
            stream.end_marked_content()

    stream.marked = as_artifact
    try:
        yield
    finally:
        del stream.marked


def _draw_block_level(page, stream, blocks_and_cells):
    original = _originals["weasyprint.draw.draw_block_level"]
    session = _session.get()
    if session is None or not session.markers:
        return original(page, stream, blocks_and_cells)
    for block, inner in blocks_and_cells.items():
        element = getattr(block, "element", None)
        for markers in reversed(session.markers):
            for context in markers.pop(id(element), ()) if element is not None else ():
                _draw_stacking_context(stream, context)
        original(page, stream, {block: inner})


def harfbuzz_subsetting() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (``libharfbuzz-subset0``), as ``Font.subset`` decides.

    Without it WeasyPrint falls back to fontTools: about twice as slow per form, and fontTools writes the time of
    the build into every embedded font's ``head.modified``, so two builds of one commit would differ (the hook
    pins that date, see ``_fonttools_subset``). ``PdfPrinter`` warns when this is False.
    """
    import weasyprint.pdf.fonts as fonts

    return bool(fonts.harfbuzz_subset) and bool(fonts.harfbuzz.hb_version_atleast(4, 1, 0))


def _fonttools_subset(self, to_unicode, hinting):
    """WeasyPrint's fontTools fallback, with the embedded font's ``head.modified`` set to the font's own
    ``head.created`` instead of the time of the build: the same bytes on every machine and at every time."""
    _originals["weasyprint.pdf.fonts.Font._fonttools_subset"](self, to_unicode, hinting)
    if _session.get() is None:
        return
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(self.file_content), recalcTimestamp=False)
    if "head" in font:
        font["head"].modified = font["head"].created
        out = io.BytesIO()
        font.save(out)
        self.file_content = out.getvalue()


# (module, attribute, dotted name of the original): the functions the hooks replace while a session runs.
_PATCHES = (
    ("weasyprint.draw.text", "draw_first_line", "weasyprint.draw.text.draw_first_line", _draw_first_line),
    ("weasyprint.pdf.stream", "Stream.add_font", "weasyprint.pdf.stream.Stream.add_font", _add_font),
    ("weasyprint.pdf", "build_fonts_dictionary", "weasyprint.pdf.build_fonts_dictionary", _build_fonts_dictionary),
    ("weasyprint.draw", "draw_stacking_context", "weasyprint.draw.draw_stacking_context", _draw_stacking_context),
    ("weasyprint.draw", "draw_block_level", "weasyprint.draw.draw_block_level", _draw_block_level),
    ("weasyprint.pdf.fonts", "Font._fonttools_subset", "weasyprint.pdf.fonts.Font._fonttools_subset",
     _fonttools_subset),
)


def _set(module_name: str, attribute: str, value: Any) -> None:
    import importlib

    owner = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    setattr(owner, name, value)


def _install() -> None:
    global _installed_count
    with _lock:
        check_weasyprint()
        if _installed_count == 0:
            _originals.update(_internals())
            for module, attribute, _name, replacement in _PATCHES:
                _set(module, attribute, replacement)
        _installed_count += 1


def _uninstall() -> None:
    global _installed_count
    with _lock:
        _installed_count -= 1
        if _installed_count == 0:
            for module, attribute, name, _ in _PATCHES:
                _set(module, attribute, _originals[name])
            _originals.clear()


@contextmanager
def exact_text_layer() -> Iterator[None]:
    """Within this block (in this thread or task), PDFs WeasyPrint writes get an exact text layer.

    Raises ``UnsupportedWeasyPrint`` on entry if WeasyPrint is not a tested version with the expected internals.
    """
    _install()
    token = _session.set(_Session())
    try:
        yield
    finally:
        session = _session.get()
        _session.reset(token)
        if session is not None:
            session.close()
        _uninstall()


def write_pdf(document: Any, **options: Any) -> bytes | None:
    """``document.write_pdf(**options)`` with an exact text layer (``document``: a WeasyPrint Document or HTML)."""
    with exact_text_layer():
        return document.write_pdf(**options)
