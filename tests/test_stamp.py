"""The visible signature on a signed release (issue 27): its words drawn as outlines, an artifact (stamp.py), read by
no extractor and announced once, by the signature field's name; and what the independent checkers say of the
signed file (PDF/UA: page-validation and outloud; PDF/A-3b: page-validation's 146 rules)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from extract import PAGE_EXTRACTORS, break_marks_in_pdf
from pki import SIGNER, SLUG
from pypdf import PdfReader

from reportgen import signing
from reportgen.stamp import draw_lines

pytestmark = pytest.mark.e2e

STAMP_WORDS = re.compile(rf"ลงนามอิเล็กทรอนิกส์โดย {SIGNER} เมื่อ \d{{1,2}} \S+ 25\d\d เวลา \d\d:\d\d น\.")


@pytest.fixture(scope="module")
def pdfs(built, signed_release_project) -> dict[str, bytes]:
    return {"release": (built["release"] / "output" / "pdf" / f"{SLUG}.pdf").read_bytes(),
            "signed": (signed_release_project / "output" / "pdf" / f"{SLUG}.pdf").read_bytes()}


def _widget(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()


@pytest.mark.parametrize("extractor", sorted(PAGE_EXTRACTORS))
def test_every_extractor_reads_the_signed_form_exactly_as_the_unsigned_one(pdfs, extractor):
    """The stamp adds no text: nothing for an extractor to garble (the mai ek of "เมื่อ") or to read twice."""
    read = PAGE_EXTRACTORS[extractor]
    signed = read(pdfs["signed"])
    assert signed == read(pdfs["release"])
    assert not any("ลงนามอิเล็กทรอนิกส์" in page for page in signed)


def test_the_stamps_words_are_the_fields_name_and_its_structure_elements_alternate_text(pdfs):
    widget = _widget(pdfs["signed"])
    name = str(widget["/TU"])
    assert name.startswith(f"{signing.SIGNATURE_FIELD_NAME}: ")
    assert STAMP_WORDS.fullmatch(name.removeprefix(f"{signing.SIGNATURE_FIELD_NAME}: ")), name
    tree = PdfReader(io.BytesIO(pdfs["signed"])).trailer["/Root"]["/StructTreeRoot"]
    numbers = tree["/ParentTree"]["/Nums"]
    element = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}[int(widget["/StructParent"])]
    assert element.get_object()["/S"] == "/Form" and element.get_object()["/Alt"] == name


def test_the_stamp_is_drawn_as_an_artifact_with_no_font_and_is_visible(pdfs, tmp_path):
    appearance = _widget(pdfs["signed"])["/AP"]["/N"].get_object()
    data = appearance.get_data()
    assert b"/Artifact BMC" in data and b" f" in data
    assert not re.search(rb"\bBT\b|\bTj\b|\bTJ\b", data) and "/Font" not in appearance.get("/Resources", {})
    # Drawn: the stamp's area is dark blue ink on white at 150 dpi, as much as text of three lines would be.
    from PIL import Image

    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(pdfs["signed"])
    widget = _widget(pdfs["signed"])
    x1, y1, x2, y2 = (float(value) for value in widget["/Rect"])
    png = subprocess.run(["pdftoppm", "-r", "150", "-f", "2", "-l", "2", "-png", "-singlefile", str(pdf)],
                         capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png)).convert("RGB")
    scale = 150 / 72
    box = (int(x1 * scale) + 4, int(image.height - y2 * scale) + 4, int(x2 * scale) - 4, int(image.height - y1 * scale) - 4)
    blue = [pixel for pixel in image.crop(box).get_flattened_data() if pixel[2] > pixel[0] + 40 and pixel[0] < 120]
    assert len(blue) > 1500, "the stamp's words were not drawn"


def test_the_outlines_are_set_as_harfbuzz_shapes_the_line(tmp_path):
    from projects import REPO_ROOT

    font = REPO_ROOT / "fonts" / "Sarabun-Regular.ttf"
    drawing = draw_lines(["เมื่อ 20 ตุลาคม 2564", "ลงนาม"], font, 9, 14)
    assert drawing.operators.startswith(b"0.009 0 0 0.009 0 ")  # 9 pt of Sarabun's 1,000 units: glyphs in units
    assert 60 < drawing.width < 120 and 14 < drawing.height < 40  # two lines of 9 pt text
    glyphs = re.findall(rb"q 1 0 0 1 (-?\d+) (-?\d+) cm (.*?) f Q", drawing.operators)
    assert len(glyphs) == len("เมื่อ20ตุลาคม2564ลงนาม")  # every glyph has outlines: letters, marks, digits
    assert all(b" m" in outline for _, _, outline in glyphs)
    mo_ma = glyphs[-1][2]  # ม, the last letter of ลงนาม, also in เมื่อ and ตุลาคม
    assert [outline for _, _, outline in glyphs].count(mo_ma) == 3  # the same bytes each time: compression finds them


def test_page_validation_and_outloud_find_nothing_in_a_signed_release_but_the_claim_we_do_not_make(pdfs, tmp_path):
    import outloud
    import page

    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(pdfs["signed"])
    result = outloud.check(str(pdf))
    assert result.error is None
    findings = sorted({(finding.rule, finding.message) for finding in result.findings
                       if finding.severity in ("error", "warning")})  # fmt: skip
    assert [rule for rule, _ in findings] == ["DOC-012"], findings  # XMP metadata does not declare pdfuaid:part
    report = page.validate_pdf(pdf, profile=page.ValidationProfile.PDF_UA_1)
    assert report.rules.total >= 100
    failures = sorted({failure.rule_id for failure in report.failures})
    assert failures == ["PDFUA1-ID-PART-001", "PDFUA1-ID-SCHEMA-001"], report.failures


@pytest.mark.parametrize("which", ["release", "signed"])
def test_page_validation_finds_every_pdf_a_3b_rule_kept(pdfs, tmp_path, which):
    import page

    pdf = tmp_path / f"{which}.pdf"
    pdf.write_bytes(pdfs[which])
    report = page.validate_pdf(pdf, profile=page.ValidationProfile.PDF_A_3B)
    assert report.rules.total >= 140
    assert list(report.failures) == []
    metadata = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object()
    assert "/Filter" not in metadata and metadata.get_data().startswith(b"<?xpacket begin=")  # XMP uncompressed


def test_the_signed_pdfs_bookmarks_metadata_and_names_hold_no_line_break_mark(pdfs):
    assert break_marks_in_pdf(pdfs["signed"]) == []
