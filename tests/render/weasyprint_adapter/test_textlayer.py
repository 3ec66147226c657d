"""The exact text layer (reportgen.render.weasyprint_adapter.textlayer): what all six extractors readers meet return is the source text.

The six: poppler (Evince, Okular), pdfminer (pdfplumber), pypdf, PDFium (Chrome, Edge, Android), MuPDF (PyMuPDF,
default flags) and pdf.js (Firefox), see tests/extract.py.

A corpus of Thai strings (every sentence of the real indicator 08 form and of the official reference, plus
curated strings for every mark combination: SARA AM after each tone mark, two marks on one consonant, tall and
descender consonants, ฤ ฦ, Thai digits, Latin words and a URL) is laid out with Sarabun, in regular, bold and
italic, and as a tagged PDF/A-3b, and written twice from the same layout: with the hook and without. With the hook,
every extractor must return the source text exactly, whitespace aside (Thai has no word spaces, and extractors
differ only in whitespace); without it, every one must be wrong, which proves the corpus exercises the bug. The
real form, as a draft and as a release, must read page by page as WeasyPrint laid it out: header, body (list
numbers before their items), footer. No font may have an empty /ToUnicode entry or a drawn code without one. The
pages must look the same with and without the hook.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest
import weasyprint
import weasyprint.draw.text
import weasyprint.pdf
import weasyprint.pdf.stream
import yaml
from extract import PAGE_EXTRACTORS, first_difference, text_layer_gaps, wrong_characters
from projects import REPO_ROOT

from reportgen.render.weasyprint_adapter import textlayer

FONTS = REPO_ROOT / "fonts"
REAL_INDICATOR = REPO_ROOT / "content" / "indicators" / "2564" / "08.yaml"
REFERENCE_FORM = REPO_ROOT.parent / "shared" / "reference" / "kpi-08-form.txt"

def _patched() -> tuple:
    """Everything the hook patches while it runs (textlayer._PATCHES), as WeasyPrint has it now."""
    import weasyprint.draw
    import weasyprint.pdf.fonts

    return (
        weasyprint.draw.text.draw_first_line,
        weasyprint.pdf.stream.Stream.add_font,
        weasyprint.pdf.build_fonts_dictionary,
        weasyprint.draw.draw_stacking_context,
        weasyprint.draw.draw_block_level,
        weasyprint.pdf.fonts.Font._fonttools_subset,
    )


ORIGINALS = _patched()

# Curated strings, one line per kind of difficulty.
CURATED = [
    # SARA AM alone and after each tone mark (HarfBuzz draws it as NIKHAHIT + AA, NIKHAHIT before the tone).
    "การทำงาน จำนวน สำนักวัฒนธรรม ความสำเร็จ คำนิยาม ทำให้ น้ำ ช้ำ ค่ำ ก๊ำ ก๋ำ ต่ำ ซ้ำ น้ำใจ ค่ำคืน",
    # Two marks on one consonant: upper vowel + tone mark, lower vowel + tone mark.
    "ศึกษา ที่ ทั้ง ปั้น กิ่ง กี้ กึ่ง เครื่อง เพื่อ พื้นที่ ซึ้ง ชั่วโมง",
    "ผู้ รู้ ปู่ บุ๊ก เฟซบุ๊ก ตุ๋ย ญี่ปุ่น อั๋น จั๊ก",
    # Tall consonants: marks shifted left; and stacked marks on them.
    "ป่า ปั้ม ฝั่ง ฟ้า ปี่ ฝืน ฟื้น ป๋า ฝ้าย ฟั่น",
    # Descender consonants with lower vowels (tail-less glyph variants), RU and LU with LAKKHANGYAO.
    "ฎุ ฏู ญู ฐุ กฤษณ์ ฤๅษี ฦๅ บุญ กตัญญู",
    # THANTHAKHAT, MAITAIKHU, PHINTHU, PAIYANNOI, MAIYAMOK.
    "ศิลป์ จันทร์ ลักษณ์ ทรัพย์ พระองค์ เป็น เก็บ ก็ พฺรหฺม กรุงเทพฯ ฯลฯ ต่าง ๆ",
    # Thai digits.
    "๐๑๒๓๔๕๖๗๘๙ พ.ศ. ๒๕๖๔ ไตรมาสที่ ๓/๒๕๖๔ ร้อยละ ๘๐",
    # Latin words inside Thai, and a URL.
    "ประชาสัมพันธ์ผ่านFacebookและLINEของห้องสมุด ใช้ Google Forms ทำแบบสอบถาม",
    "ดูรายละเอียดที่ https://www.bangkok.go.th/culture/library?id=08&year=2564#q3 ได้ตลอดเวลา",
    "Bangkok as a City for All – ยืม – คืน (Output) 100% 36/3 ffi fl",
    # RU and LU as letters and with LAKKHANGYAO, SARA AM on descender and tall consonants and after MAI HAN-AKAT.
    "ฤดู ฤทธิ์ ฦๅสาย ฤๅ ฐำ ญ้ำ กั้ำ ฝ้ำ ป๊ำ",
]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def real_strings() -> list[str]:
    """Every string of the real indicator 08 content, and every line of the official reference if present."""
    strings = _strings(yaml.safe_load(REAL_INDICATOR.read_text(encoding="utf-8")))
    if REFERENCE_FORM.exists():
        strings += REFERENCE_FORM.read_text(encoding="utf-8").splitlines()
    return [text for text in strings if text.strip()]


CORPUS = CURATED + real_strings()

# A base letter followed by the combining marks (and SARA AM) written on it.
MARKS = re.compile(r"[\u0e01-\u0e2e]([\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]+)")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def html_document(strings: list[str], *, bold: bool, italic: bool = False) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(text)}</p>" for text in strings)
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>corpus</title><style>
@font-face {{ font-family: Sarabun; font-weight: 400; src: url({(FONTS / "Sarabun-Regular.ttf").as_uri()}); }}
@font-face {{ font-family: Sarabun; font-weight: 700; src: url({(FONTS / "Sarabun-Bold.ttf").as_uri()}); }}
@font-face {{ font-family: Sarabun; font-weight: 400; font-style: italic;
              src: url({(FONTS / "Sarabun-Italic.ttf").as_uri()}); }}
@page {{ size: A4; margin: 2cm }}
body {{ font-family: Sarabun; font-size: 16pt; font-weight: {700 if bold else 400};
        font-style: {"italic" if italic else "normal"} }}
p {{ margin: 0 0 4pt }}
</style></head><body>
{paragraphs}
</body></html>"""


# --- Extractors ---------------------------------------------------------------------------------------------------


def _joined(extract):
    return lambda pdf: "\n".join(extract(pdf))


EXTRACTORS = {name: _joined(extract) for name, extract in PAGE_EXTRACTORS.items()}
poppler = EXTRACTORS["pdftotext"]


# --- Fixtures -----------------------------------------------------------------------------------------------------


TAGGED = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}


@pytest.fixture(scope="module", params=["regular", "bold", "italic", "tagged"])
def rendered(request) -> dict:
    """The corpus laid out once, written with the hook and then without it (from the same layout)."""
    style = request.param
    document = weasyprint.HTML(string=html_document(CORPUS, bold=style == "bold", italic=style == "italic")).render()
    options = TAGGED if style == "tagged" else {}
    fixed = textlayer.write_pdf(document, **options)
    plain = document.write_pdf(**options)
    return {"weight": style, "fixed": fixed, "plain": plain, "expected": "".join(CORPUS)}


# --- The text layer -----------------------------------------------------------------------------------------------


def test_the_curated_strings_cover_every_mark_combination_of_the_real_form():
    real = {match.group(1) for text in real_strings() for match in MARKS.finditer(text)}
    curated = {match.group(1) for text in CURATED for match in MARKS.finditer(text)}
    assert len(real) >= 15
    assert real <= curated, sorted(real - curated)
    # And more than the real form has: SARA AM after a tone mark.
    assert {"่ำ", "้ำ", "๊ำ", "๋ำ"} <= curated - real


@pytest.mark.e2e
@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_every_extractor_returns_the_source_text_exactly(rendered, extractor):
    found = EXTRACTORS[extractor](rendered["fixed"])
    expected = rendered["expected"]
    assert squeeze(found) == squeeze(expected), (
        f"{extractor}, {rendered['weight']}: {wrong_characters(expected, found)} wrong characters, "
        + first_difference(expected, found))


@pytest.mark.e2e
@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_without_the_hook_the_bug_is_present(rendered, extractor):
    found = EXTRACTORS[extractor](rendered["plain"])
    # If this fails, WeasyPrint may have fixed the bug upstream: see the module docstring ("Pin").
    assert wrong_characters(rendered["expected"], found) > 0


# A space between two Thai letters: Thai has no word spaces, so each one is either in the source or a fake one.
THAI_SPACE = re.compile(r"(?<=[\u0e00-\u0e7f]) +(?=[\u0e00-\u0e7f])")


def thai_spaces(pages: list[str]) -> list[int]:
    return [len(THAI_SPACE.findall(page)) for page in pages]


@pytest.mark.e2e
def test_pdfjs_adds_no_space_inside_thai_words(rendered):
    # pdf.js takes a glyph whose text contains a nonspacing mark for a zero-width diacritic and skips its position,
    # so a base glyph carrying its marks' text (กี) made it insert a space after a real one (กี ฬา). The marks' text
    # is on a zero-width glyph of its own: pdf.js reads as many spaces between Thai letters as poppler does.
    pdf = rendered["fixed"]
    assert thai_spaces(PAGE_EXTRACTORS["pdfjs"](pdf)) == thai_spaces(PAGE_EXTRACTORS["pdftotext"](pdf))


def pixels(pdf: bytes, folder: Path, name: str, dpi: int = 300) -> list:
    """Every page rendered by poppler, as greyscale images."""
    from PIL import Image

    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(folder / f"{name}.pdf"), str(folder / name)], check=True)
    return [Image.open(page).convert("L") for page in sorted(folder.glob(f"{name}-*.pgm"))]


LOOK_DPI = 300
LOOK_BLUR = 3  # pixels at LOOK_DPI: a quarter of a millimetre
LOOK_TOLERANCE = 64  # grey levels of 255


def look_differences(pages: list, reference: list) -> list[str]:
    """How ``pages`` differ from ``reference`` as a reader sees them: [] when they look the same.

    The hook paints a mark without text as its outline (a filled path) instead of as a glyph, and poppler rasterises
    the two differently: a glyph with FreeType, its origin rounded to poppler's sub-pixel grid, a path exactly
    where it is, with its own anti-aliasing. So raw pixels along a mark's edge differ (measured at 1200 dpi: the
    marks' ink moves by under 0.05 pt). Both renders are therefore compared at 300 dpi after a Gaussian blur of a
    quarter of a millimetre, below what an eye resolves on paper: there the hook's pages differ from WeasyPrint's
    by at most 42 grey levels of 255 (the corpus, every page), while one mark changed, moved or missing in one
    word differs by 123 or more (``test_the_look_comparison_sees_a_moved_mark``). The tolerance is 64.
    """
    from PIL import ImageChops, ImageFilter

    if len(pages) != len(reference):
        return [f"{len(pages)} pages instead of {len(reference)}"]
    problems = []
    for number, (page, expected) in enumerate(zip(pages, reference), 1):
        if page.size != expected.size:
            problems.append(f"page {number}: size {page.size} instead of {expected.size}")
            continue
        blur = ImageFilter.GaussianBlur(LOOK_BLUR)
        difference = ImageChops.difference(page.filter(blur), expected.filter(blur))
        largest = max(level for level, count in enumerate(difference.histogram()) if count)
        if largest > LOOK_TOLERANCE:
            box = difference.point(lambda level: 255 if level > LOOK_TOLERANCE else 0).getbbox()
            problems.append(f"page {number}: differs by {largest} grey levels around {box}")
    return problems


@pytest.mark.e2e
def test_pages_look_the_same_with_and_without_the_hook(rendered, tmp_path):
    fixed, plain = pixels(rendered["fixed"], tmp_path, "fixed"), pixels(rendered["plain"], tmp_path, "plain")
    assert len(plain) >= 2
    assert look_differences(fixed, plain) == []


@pytest.mark.e2e
def test_the_look_comparison_sees_a_moved_mark(tmp_path):
    # The comparison above is not blind: a tone mark a few points off, or missing, is a difference.
    def pdf(text: str) -> bytes:
        return textlayer.write_pdf(weasyprint.HTML(string=html_document([text], bold=False)).render())

    reference = pixels(pdf("น้ำ ที่ ผู้"), tmp_path, "reference")
    assert look_differences(pixels(pdf("น้ำ ที่ ผู้"), tmp_path, "same"), reference) == []
    assert look_differences(pixels(pdf("น้ำ ทิ่ ผู้"), tmp_path, "moved"), reference)
    assert look_differences(pixels(pdf("น้ำ ที ผู้"), tmp_path, "missing"), reference)


@pytest.mark.e2e
def test_no_empty_to_unicode_entry_and_no_drawn_code_without_one(rendered):
    assert text_layer_gaps(rendered["fixed"]) == {}
    # Bare WeasyPrint has both (every mark glyph maps to <>): the check is not blind.
    assert text_layer_gaps(rendered["plain"])


def test_fonts_stay_embedded_and_subset(rendered):
    listing = subprocess.run(
        ["pdffonts", "-"], input=rendered["fixed"], capture_output=True, check=True).stdout.decode()
    fonts = listing.splitlines()[2:]
    assert fonts
    for line in fonts:
        name, kind, emb_sub_uni = line.split()[0], " ".join(line.split()[1:3]), line.split()[-5:-2]
        assert "Sarabun" in name and kind == "CID TrueType", line
        assert emb_sub_uni == ["yes", "yes", "yes"], line


def test_the_hook_gives_spare_codes_only_where_needed(rendered):
    # The regular text draws AA both as itself and as half of SARA AM: a spare code must exist, mapped to AA.
    reader = pypdf.PdfReader(io.BytesIO(rendered["fixed"]))
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    cid_fonts = [font["/DescendantFonts"][0].get_object() for font in fonts]
    maps = [cid_font["/CIDToGIDMap"] for cid_font in cid_fonts]
    assert all(not isinstance(m, pypdf.generic.NameObject) for m in maps), "no spare codes were needed?"


# --- The API ------------------------------------------------------------------------------------------------------


def test_the_hook_is_removed_after_use_and_leaves_fonts_as_weasyprint_made_them():
    document = weasyprint.HTML(string=html_document(["น้ำ การ"], bold=False)).render()
    textlayer.write_pdf(document)
    assert _patched() == ORIGINALS and len(ORIGINALS) == len(textlayer._PATCHES)
    assert textlayer._installed_count == 0
    assert all(type(font.to_unicode) is dict for font in document.fonts.values())
    # Outside the hook WeasyPrint is unchanged: the bug is back.
    assert squeeze(poppler(document.write_pdf())) != "น้ำการ"


def test_many_documents_in_one_context_and_nested_contexts():
    texts = ["ความสำเร็จของการทำงาน", "ผู้รู้ใช้เฟซบุ๊กทุกค่ำ", "การ น้ำ การ"]
    documents = [weasyprint.HTML(string=html_document([text], bold=False)).render() for text in texts]
    with textlayer.exact_text_layer():
        first = documents[0].write_pdf()
        with textlayer.exact_text_layer():
            second = documents[1].write_pdf()
        third = documents[2].write_pdf()
        again = documents[0].write_pdf()  # the same document written twice
    assert textlayer._installed_count == 0
    for text, pdf in zip(texts + texts[:1], (first, second, third, again)):
        assert squeeze(poppler(pdf)) == squeeze(text)
    # No state is carried from one document into the next: each font's spare codes come from its own text only.
    assert squeeze(poppler(textlayer.write_pdf(documents[2]))) == squeeze(texts[2])


@pytest.mark.e2e
@pytest.mark.parametrize(
    "options", [{"pdf_variant": "pdf/a-1b"}, {"pdf_variant": "pdf/ua-1"}, {"full_fonts": True}], ids=str)
def test_pdf_variants_and_full_fonts(options):
    text = "ความสำเร็จ ที่ ผู้ รู้ เฟซบุ๊ก น้ำ การ"
    document = weasyprint.HTML(string=html_document([text, text], bold=False)).render()
    pdf = textlayer.write_pdf(document, **options)
    for extract in EXTRACTORS.values():
        assert squeeze(extract(pdf)) == squeeze(text * 2)


@pytest.mark.e2e
def test_a_glyph_missing_from_every_font_keeps_the_layer_exact(tmp_path):
    # U+0378 is unassigned: WeasyPrint draws .notdef and gives the font a code → CID CMap of its own, which
    # pdfminer and pypdf cannot read; the hook sends the code to .notdef through /CIDToGIDMap instead.
    text = "การ น้ำ \u0378 การ"
    document = weasyprint.HTML(string=html_document([text], bold=False)).render()
    fixed, plain = textlayer.write_pdf(document), document.write_pdf()
    for extract in EXTRACTORS.values():
        assert squeeze(extract(fixed)) == squeeze(text)
    assert look_differences(pixels(fixed, tmp_path, "fixed"), pixels(plain, tmp_path, "plain")) == []


@pytest.mark.e2e
def test_thai_with_no_thai_font_is_written_as_notdef_boxes(tmp_path):
    # With no font for Thai (a font that failed to load, a machine without Thai fonts) every glyph is .notdef,
    # marks included: a mark painted as an outline then has a code past the font's glyphs, and is painted as the
    # .notdef box WeasyPrint draws for it (it raised IndexError). Where a system font has Thai, this is exact anyway.
    text = "หน้าหนึ่ง ที่ น้ำ"
    document = weasyprint.HTML(string=f'<html lang="th"><p style="font-family: NoSuchFont, monospace">{text}</p>'
                                      '</html>').render()
    fixed = textlayer.write_pdf(document)
    for extract in EXTRACTORS.values():
        assert squeeze(extract(fixed)) == squeeze(text)


def test_an_untested_weasyprint_version_is_refused_loudly(monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(textlayer.UnsupportedWeasyPrint, match=r"WeasyPrint 71\.0 is installed.*70\.0"):
        textlayer.write_pdf(weasyprint.HTML(string="<p>x</p>"))
    assert issubclass(textlayer.UnsupportedWeasyPrint, RuntimeError)
    assert textlayer._installed_count == 0


def test_changed_internals_are_refused_loudly(monkeypatch):
    monkeypatch.setattr(textlayer, "_checked_versions", {})

    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix, extra=None):
        return []

    monkeypatch.setattr(weasyprint.draw.text, "draw_first_line", draw_first_line)
    with pytest.raises(textlayer.UnsupportedWeasyPrint, match=r"draw_first_line\(.*extra"):
        textlayer.check_weasyprint()

    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):  # same signature, other body
        return []

    monkeypatch.setattr(weasyprint.draw.text, "draw_first_line", draw_first_line)
    with pytest.raises(textlayer.UnsupportedWeasyPrint, match="no longer contains 'if glyph_id not in font"):
        textlayer.check_weasyprint()
    assert textlayer._installed_count == 0


def test_a_drawing_that_does_not_match_the_recording_raises():
    class Font:
        bitmap, png, svg, colr, type, hash, glyph_count, widths = False, False, False, False, "ttf", "F", 900, {}

    font = Font()
    document = textlayer._Document({})
    operators = [b"/F 16 Tf", b"[<00100011>] TJ"]
    with pytest.raises(textlayer.TextLayerError, match="0011"):
        document.rewrite_line(operators, 0, [(font, 0x10, "ก"), (font, 0x12, "ข")], "กข")
    with pytest.raises(textlayer.TextLayerError, match="did not record"):
        document.rewrite_line(list(operators), 0, [(font, 0x10, "ก")], "ก")


def test_the_module_docstring_explains_the_bug_the_mechanism_and_the_pin():
    doc = textlayer.__doc__
    assert doc.splitlines()[0].startswith("Exact PDF text layer: turns")
    for words in ("ToUnicode", "SARA AM", "CIDToGIDMap", "Pin", "TESTED_WEASYPRINT_VERSIONS", "#2841",
                  "Why marks as outlines", "PDFium", "pdf.js", "MuPDF", "ActualText", "Reading order", "/Artifact",
                  "head.modified"):
        assert words in doc
    assert unicodedata.normalize("NFC", doc) == doc


# --- The real form ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["draft", "release"])
def real_form(request, tmp_path_factory) -> dict:
    """The real indicator 08 form as reportgen renders it (a release: signed off, tagged PDF/A-3b with its
    attachments), with what WeasyPrint laid out on each page, and the same layout written by bare WeasyPrint."""
    import datetime as dt
    import shutil

    from extract import form_document, laid_out_pages
    from projects import write_project

    from reportgen.commands.signoff import signoff
    from reportgen.content.project import load_project
    from reportgen.publish.options import BuildOptions
    from reportgen.publish.pool import render_form
    from reportgen.render.form_pdf import FormPrinter

    root = write_project(tmp_path_factory.mktemp("real") / "project", {})
    shutil.copytree(REPO_ROOT / "content", root / "content", dirs_exist_ok=True)
    release = request.param == "release"
    if release:
        signoff(root, root / "content/indicators/2564/08.yaml", name="นางสาวสมใจ ใฝ่รู้",
                position="บรรณารักษ์ชำนาญการ", date=dt.date(2021, 10, 20))
    document, options = form_document(root, release=release)
    fixed = textlayer.write_pdf(document, **options())
    project = load_project(root)
    built = render_form(FormPrinter(root, project.site), root, BuildOptions(release=release), project.entries[0])
    return {"kind": request.param, "fixed": fixed, "plain": document.write_pdf(**options()), "built": built,
            "pages": laid_out_pages(document)}


@pytest.mark.e2e
def test_the_real_form_is_what_reportgen_builds(real_form):
    assert real_form["fixed"] == real_form["built"]
    assert len(real_form["pages"]) >= 2
    header, body, footer = real_form["pages"][0]
    assert header.startswith("สำนักวัฒนธรรม") and "ตัวชี้วัด" in header and footer.replace(" ", "") == "หน้า1/2"
    assert "1." in body and "ชื่อตัวชี้วัด" in body


@pytest.mark.e2e
@pytest.mark.parametrize("extractor", PAGE_EXTRACTORS)
def test_the_real_form_reads_page_by_page_header_body_footer_in_every_extractor(real_form, extractor):
    pages = PAGE_EXTRACTORS[extractor](real_form["fixed"])
    assert len(pages) == len(real_form["pages"])
    for number, (found, (header, body, footer)) in enumerate(zip(pages, real_form["pages"]), 1):
        expected = header + body + footer
        assert squeeze(found) == squeeze(expected), (
            f"{extractor}, {real_form['kind']}, page {number}: {wrong_characters(expected, found)} wrong characters, "
            + first_difference(expected, found))


@pytest.mark.e2e
@pytest.mark.parametrize("extractor", PAGE_EXTRACTORS)
def test_bare_weasyprint_misreads_the_real_form(real_form, extractor):
    expected = "".join(header + body + footer for header, body, footer in real_form["pages"])
    assert wrong_characters(expected, "".join(PAGE_EXTRACTORS[extractor](real_form["plain"]))) > 100


@pytest.mark.e2e
def test_list_numbers_come_right_before_their_items(real_form):
    # The quarterly reports of indicator 08 are numbered lists; WeasyPrint draws the numbers after the whole page.
    items = re.findall(r"^\s+(\d)\. ([^\d\n]{8,})", REAL_INDICATOR.read_text(encoding="utf-8"), re.M)
    assert len(items) >= 8
    thai_digit = {str(digit): chr(0x0E50 + digit) for digit in range(10)}
    for extractor in PAGE_EXTRACTORS:
        text = squeeze("".join(PAGE_EXTRACTORS[extractor](real_form["fixed"])))
        for number, item in items:
            pattern = f"[{number}{thai_digit[number]}]\\.{re.escape(squeeze(item)[:12])}"
            assert re.search(pattern, text), (extractor, number, item)


@pytest.mark.e2e
def test_pdfjs_reads_the_real_form_with_no_space_inside_a_thai_word(real_form):
    # "สำนักวัฒนธรรม กี ฬา", "ปี งบประมาณ", "ตั วชี้วัด" before (see test_pdfjs_adds_no_space_inside_thai_words).
    pdf = real_form["fixed"]
    poppler_spaces = thai_spaces(PAGE_EXTRACTORS["pdftotext"](pdf))
    assert sum(poppler_spaces) > 0
    assert thai_spaces(PAGE_EXTRACTORS["pdfjs"](pdf)) == poppler_spaces


@pytest.mark.e2e
def test_the_real_form_has_no_text_layer_gap_and_looks_the_same(real_form, tmp_path):
    assert text_layer_gaps(real_form["fixed"]) == {}
    assert look_differences(pixels(real_form["fixed"], tmp_path, "fixed"),
                            pixels(real_form["plain"], tmp_path, "plain")) == []


@pytest.mark.e2e
def test_the_real_form_compresses_every_stream_but_its_xmp_packet(real_form):
    # A mark's outline form was written uncompressed whenever its deflated bytes happened to end in a CR.
    reader = pypdf.PdfReader(io.BytesIO(real_form["fixed"]))
    streams = [(number, reader.get_object(number)) for number in range(1, reader.trailer["/Size"])]
    uncompressed = [(number, obj.get("/Subtype")) for number, obj in streams
                    if isinstance(obj, pypdf.generic.StreamObject) and "/Filter" not in obj
                    and obj.get("/Type") != "/Metadata"]
    assert len(streams) > 50 and uncompressed == []


def codes_drawn(pdf: bytes) -> dict[str, set[int]]:
    """The character codes each font (by /BaseFont) draws on the pages, as read from their TJ operators."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    drawn: dict[str, set[int]] = {}
    for page in reader.pages:
        fonts = {name: font.get_object()["/BaseFont"] for name, font in page["/Resources"]["/Font"].items()}
        font = None
        for match in re.finditer(rb"/(\S+) [-\d.]+ Tf|\[((?:<[0-9a-f]*>|[-\d.]+)*)\] TJ", page.get_contents().get_data()):
            if match.group(1):
                font = fonts["/" + match.group(1).decode()]
                continue
            for digits in re.findall(rb"<([0-9a-f]*)>", match.group(2)):
                drawn.setdefault(font, set()).update(int(digits[i:i + 4], 16) for i in range(0, len(digits), 4))
    return drawn


@pytest.mark.e2e
def test_the_real_form_maps_exactly_the_codes_it_draws(real_form):
    # Spare codes count up from just past the font's last glyph: /CIDToGIDMap ends at the highest code drawn (a code
    # past its end would draw .notdef), every code drawn goes to a real glyph, and the map takes a few hundred bytes
    # (counted down from 0xFFFF it was 128 kB decoded, 1.5 kB in the file, per font).
    reader = pypdf.PdfReader(io.BytesIO(real_form["fixed"]))
    drawn = codes_drawn(real_form["fixed"])
    maps = {}
    for font in (font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()):
        cid_to_gid = font["/DescendantFonts"][0].get_object()["/CIDToGIDMap"]
        if not isinstance(cid_to_gid, pypdf.generic.NameObject):
            maps[font["/BaseFont"]] = cid_to_gid.get_object()
    assert len(maps) >= 2, "no spare codes in the real form?"
    for name, stream in maps.items():
        gids = stream.get_data()
        assert len(gids) // 2 == max(drawn[name]) + 1, name
        assert all(int.from_bytes(gids[2 * code:2 * code + 2], "big") for code in drawn[name] if code), name
        assert len(gids) < 4096, (name, len(gids))


@pytest.mark.e2e
def test_the_real_form_embeds_only_the_glyphs_its_codes_draw(real_form):
    # A mark painted as an outline (its outline form is made from the whole font) is left out of the subset.
    from fontTools.ttLib import TTFont

    reader = pypdf.PdfReader(io.BytesIO(real_form["fixed"]))
    drawn = codes_drawn(real_form["fixed"])
    for font in (font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()):
        cid_font = font["/DescendantFonts"][0].get_object()
        cid_to_gid = cid_font["/CIDToGIDMap"]
        gids = None if isinstance(cid_to_gid, pypdf.generic.NameObject) else cid_to_gid.get_object().get_data()
        glyphs = {code if gids is None else int.from_bytes(gids[2 * code:2 * code + 2], "big")
                  for code in drawn[font["/BaseFont"]]}
        embedded = TTFont(io.BytesIO(cid_font["/FontDescriptor"]["/FontFile2"].get_data()))
        glyf, order = embedded["glyf"], embedded.getGlyphOrder()
        pending = [order[glyph] for glyph in glyphs if glyph < len(order)]
        while pending:  # and the components of composite glyphs
            name = pending.pop()
            if glyf[name].isComposite():
                components = set(glyf[name].getComponentNames(glyf))
                pending += [component for component in components if embedded.getGlyphID(component) not in glyphs]
                glyphs |= {embedded.getGlyphID(component) for component in components}
        with_outline = {glyph for glyph, name in enumerate(order) if glyf[name].numberOfContours != 0}
        assert with_outline - glyphs - {0} == set(), font["/BaseFont"]


@pytest.mark.e2e
def test_the_real_form_places_its_marks_in_few_bytes(real_form):
    # Hundreds of marks a page are painted as outlines: the first of a line by its matrix,
    # `q .012 0 0 -.012 235.804 74.786 cm /RgM0 Do`, the next ones by a step in font units, `1 0 0 1 1122 0 cm /RgM1 Do`,
    # with no trailing zeros, then one `Q`.
    reader = pypdf.PdfReader(io.BytesIO(real_form["fixed"]))
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    mark = rb" cm /" + textlayer.MARK_FORM_PREFIX.encode() + rb"\d+ Do$"
    firsts = re.findall(rb"(?m)^q ([^\n]*?)" + mark, content)
    steps = re.findall(rb"(?m)^1 0 0 1 ([^\n]*?)" + mark, content)
    assert len(firsts) + len(steps) > 600 and len(steps) > len(firsts)
    assert len(re.findall(rb"(?m)Do\nQ$", content)) >= len(firsts)
    for numbers in firsts + steps:
        for number in numbers.split():
            assert re.fullmatch(rb"-?(0|[1-9]\d*)?(\.\d{0,5}[1-9])?", number) and number not in (b"", b"-"), numbers
            assert not number.startswith((b"0.", b"-0.")), numbers


def test_marks_placed_by_steps_land_where_their_glyphs_would():
    # Each step is counted from the line's first mark, so rounding never adds up along a line.
    import random

    chance = random.Random(8)
    for scale in (0.012, 0.0105, 13.333 / 1000):
        places = [(scale, 0.0, 0.0, -scale, 100 + chance.uniform(0, 450), 700.123456 + chance.choice((0, 0, 1.7)))
                  for _ in range(60)]
        operators = textlayer._placed([(place, b"RgM0") for place in places])
        assert operators[-1] == b"Q" and len(operators) == len(places) + 1
        matrix = None
        for operator, (_, _, _, _, e, f) in zip(operators, places):
            numbers = [float(number) for number in operator.split()[:-3] if number != b"q"]
            if operator.startswith(b"q "):
                matrix = numbers
            else:  # a step: the matrix so far, moved by (x, y) in its own units
                a, b, c, d, x0, y0 = matrix
                matrix = [a, b, c, d, x0 + a * numbers[4], y0 + d * numbers[5]]
            assert abs(matrix[4] - e) < 0.0011 and abs(matrix[5] - f) < 0.0011, (operator, e, f)


@pytest.mark.e2e
def test_the_real_form_draws_mark_outlines_in_whole_font_units(real_form):
    # Rounded control points move ink by under 0.006 pt at 12 pt (the look comparison above holds) and keep the
    # outline forms a tenth smaller.
    reader = pypdf.PdfReader(io.BytesIO(real_form["fixed"]))
    x_objects = reader.pages[0]["/Resources"]["/XObject"]
    outlines = [x_objects[name].get_data() for name in x_objects if name.startswith("/" + textlayer.MARK_FORM_PREFIX)]
    assert len(outlines) > 20
    for path in outlines:
        assert re.fullmatch(rb"(-?\d+ |[mlchf] ?)+ *", path), path[:200]


# --- Fonts: the same bytes with HarfBuzz's subsetter or without it -------------------------------------------------


def test_harfbuzz_subsetting_is_what_make_installs_and_what_this_machine_uses():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    runtime = re.search(r"^RUNTIME_PACKAGES := (.*)$", makefile, re.M).group(1).split()
    assert "libharfbuzz-subset0" in runtime
    # The suite runs on the fast path; the fallback is forced below.
    assert textlayer.harfbuzz_subsetting()


@pytest.fixture
def fonttools_fallback(monkeypatch):
    """WeasyPrint as on a machine without libharfbuzz-subset0, with fontTools' clock made to move on each save."""
    import itertools

    import fontTools.ttLib.tables._h_e_a_d as head
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    clock = itertools.count(3_000_000_000, 1000)
    monkeypatch.setattr(head, "timestampNow", lambda: next(clock))
    assert not textlayer.harfbuzz_subsetting()


def _head_dates(pdf: bytes) -> list[tuple[int, int]]:
    from fontTools.ttLib import TTFont

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    dates = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        dates.append((program["head"].created, program["head"].modified))
    return dates


def test_without_harfbuzz_subset_the_fonts_keep_their_own_date_and_builds_stay_identical(fonttools_fallback):
    text = ["ความสำเร็จ ที่ ผู้ รู้ เฟซบุ๊ก น้ำ การ"]
    first = textlayer.write_pdf(weasyprint.HTML(string=html_document(text, bold=False)).render())
    second = textlayer.write_pdf(weasyprint.HTML(string=html_document(text, bold=False)).render())
    assert first == second
    assert all(created == modified for created, modified in _head_dates(first))
    assert squeeze(poppler(first)) == squeeze(text[0])
    # Bare WeasyPrint on that path writes the time of each build into the fonts: the test is not blind.
    plain = [weasyprint.HTML(string=html_document(text, bold=False)).render().write_pdf() for _ in range(2)]
    assert plain[0] != plain[1]


def test_without_harfbuzz_subset_a_build_warns_loudly(fonttools_fallback, monkeypatch, caplog):
    from reportgen.render import pdf
    monkeypatch.setattr(pdf, "_warned_without_harfbuzz_subset", False)
    with caplog.at_level("WARNING", logger="reportgen.render.pdf"):
        pdf.PdfPrinter(REPO_ROOT)
        pdf.PdfPrinter(REPO_ROOT)
    warnings = [record.getMessage() for record in caplog.records if record.name == "reportgen.render.pdf"]
    assert len(warnings) == 1 and "libharfbuzz-subset0" in warnings[0] and "fontTools" in warnings[0]


def test_with_harfbuzz_subset_no_warning(monkeypatch, caplog):
    from reportgen.render import pdf
    monkeypatch.setattr(pdf, "_warned_without_harfbuzz_subset", False)
    with caplog.at_level("WARNING", logger="reportgen.render.pdf"):
        pdf.PdfPrinter(REPO_ROOT)
    assert not [record for record in caplog.records if record.name == "reportgen.render.pdf"]
