"""``printable.py``: the characters ``check`` says the form cannot print are exactly those no font of fonts/ draws,
and the text of a PDF holds a real glyph for every character ``check`` lets through."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pymupdf

from reportgen.printable import shown, unprintable
from reportgen.printed_ranges import PRINTED_RANGES

ROOT = Path(__file__).resolve().parents[1]


def update_fonts():
    spec = importlib.util.spec_from_file_location("update_fonts", ROOT / "fonts" / "update_fonts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_printed_ranges_are_the_characters_the_fonts_draw():
    fonts = update_fonts()
    assert tuple(fonts.as_ranges(fonts.printed_characters())) == PRINTED_RANGES, (
        "fonts/ changed: remake reportgen/printed_ranges.py with `.venv/bin/python fonts/update_fonts.py --printable`")


def test_unprintable_names_each_character_once_in_order():
    assert unprintable("ผู้ใช้บริการ 👍 เพิ่มขึ้น 😀 👍\u2028ต่อ") == ["👍", "😀", "\u2028"]
    assert unprintable("ตัวชี้วัด ๐๘ “ร้อยละ” 36.00 – ☐ ☑ …\tแท็บ\nบรรทัด\u00a0") == []
    assert [shown(char) for char in ("👍", "\u2028", "\u00ad")] == ["👍 U+1F44D", "U+2028", "U+00AD"]


def test_what_check_lets_through_prints_with_a_glyph_and_the_rest_as_an_empty_box(tmp_path):
    # The PDF as the form is set: the project's fonts only. A character check accepts has a glyph of its own (its
    # glyph id is not 0); one it names prints with .notdef (glyph 0), the empty box.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string="".join(
        f'@font-face {{ font-family: "{family}"; src: url({(ROOT / "fonts" / file).as_uri()}); }}'
        for family, file in (("Sarabun", "Sarabun-Regular.ttf"), ("Reportgen Symbols", "ReportgenSymbols-Regular.ttf"))
    ) + 'body { font-family: "Sarabun", "Reportgen Symbols"; }', font_config=fonts)
    printed, boxed = "ก ๐ “ – ☑ ฿", "👍"
    assert unprintable(printed) == [] and unprintable(boxed) == [boxed]
    pdf = tmp_path / "chars.pdf"
    HTML(string=f'<p lang="th">{printed}</p><p>{boxed}</p>').write_pdf(pdf, stylesheets=[css], font_config=fonts)
    glyphs: dict[str, set[int]] = {}
    with pymupdf.open(pdf) as document:
        for block in document[0].get_texttrace():
            for code, glyph, *_ in block["chars"]:
                glyphs.setdefault(chr(code), set()).add(glyph)
    for char in printed.replace(" ", ""):
        assert 0 not in glyphs.get(char, {0}), char
    assert glyphs[boxed] == {0}
