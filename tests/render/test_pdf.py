"""render/pdf.py and render/form_pdf.py: the real PDF of the real form — fonts, metadata, page geometry, Thai line breaks, refused resources;
the draft mark, the signature anchors, and the archival (PDF/A-3b, tagged, with attachments) release PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from extract import pdftotext_body, pdftotext_lines
from pdfa import beyond_pdf_a3, preflight_findings
from projects import REAL_INDICATOR, REPO_ROOT, write_project
from pypdf import PdfReader

from reportgen.commands.signoff import signoff
from reportgen.content.project import load_project
from reportgen.errors import RenderError
from reportgen.publish.options import BuildOptions
from reportgen.publish.pool import render_form
from reportgen.render.form_pdf import FormPrinter
from reportgen.render.pdf import PdfPrinter

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
    renderer = PdfPrinter(REPO_ROOT)
    html = f'<!DOCTYPE html><html lang="th"><head>{resource}</head><body><p>ทดสอบ</p>{resource}</body></html>'
    with pytest.raises(RenderError) as refused:
        renderer.render(html, source="content/indicators/2564/99.yaml")
    message = refused.value.text("en")
    assert "content/indicators/2564/99.yaml" in message and "refused" in message
    assert "ถูกปฏิเสธ" in refused.value.text("th") and "reportgen" in refused.value.text("th")


def test_project_fonts_and_templates_are_readable():
    renderer = PdfPrinter(REPO_ROOT)
    html = '<html lang="th"><head><link rel="stylesheet" href="css/fonts-print.css"></head><body style="font-family: Sarabun"><p>ทดสอบ</p></body></html>'
    assert renderer.render(html, source="test").startswith(b"%PDF-")


# --- Drafts, sign-off and archival (release) PDFs -------------------------------------------------------------------

EVIDENCE_BYTES = b"%PDF-1.4\n% evidence: a scanned report\n"
EVIDENCE_TITLE = "รายงานผลการดำเนินงานการจัดทำบรรณนิทัศน์ออนไลน์"
XMP = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
       "xmp": "http://ns.adobe.com/xap/1.0/", "dc": "http://purl.org/dc/elements/1.1/"}
STAMP_WIDTH, STAMP_HEIGHT = 7 * CM, 2 * CM  # print.css: .signature-stamp


@pytest.fixture(scope="module")
def signed_project(tmp_path_factory) -> Path:
    """The real indicator with an evidence file, signed off with `reportgen signoff`."""
    text = REAL_INDICATOR.read_text(encoding="utf-8").replace(
        f"  - title: {EVIDENCE_TITLE}\n", f"  - title: {EVIDENCE_TITLE}\n    file: evidence/2564/08-รายงาน.pdf\n", 1)
    root = write_project(tmp_path_factory.mktemp("signed") / "project",
                         {"indicators/2564/08.yaml": text, "evidence/2564/08-รายงาน.pdf": EVIDENCE_BYTES})
    signoff(root, root / "content/indicators/2564/08.yaml", name="นางสาวสมใจ ใฝ่รู้", position="บรรณารักษ์ชำนาญการ",
            date=dt.date(2021, 10, 20))
    return root


def _render(root: Path, release: bool) -> bytes:
    project = load_project(root)
    return render_form(FormPrinter(root, project.site), root, BuildOptions(release=release), project.entries[0])


@pytest.fixture(scope="module")
def release_pdf(signed_project) -> Path:
    path = signed_project / "release.pdf"
    path.write_bytes(_render(signed_project, release=True))
    return path


@pytest.fixture(scope="module")
def signed_draft_pdf(signed_project) -> Path:
    path = signed_project / "signed.pdf"
    path.write_bytes(_render(signed_project, release=False))
    return path


@pytest.fixture(scope="module")
def release_qdf(release_pdf) -> str:
    """The release PDF with every stream and object stream uncompressed (qpdf's QDF form), as text."""
    out = release_pdf.with_suffix(".qdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(release_pdf), str(out)], check=True)
    return out.read_bytes().decode("latin-1")


def _xmp(reader: PdfReader) -> ElementTree.Element:
    data = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return ElementTree.fromstring(data[data.index(b"<x:xmpmeta"):data.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")])


def test_release_pdf_claims_pdf_a_3b_in_its_xmp_metadata(release_pdf):
    raw = release_pdf.read_bytes()
    assert raw.startswith(b"%PDF-1.7\n%") and all(byte > 127 for byte in raw.split(b"\n")[1][1:5])
    xmp = _xmp(PdfReader(release_pdf))
    claims = [(d.get(f"{{{XMP['pdfaid']}}}part"), d.get(f"{{{XMP['pdfaid']}}}conformance"))
              for d in xmp.iter(f"{{{XMP['rdf']}}}Description") if d.get(f"{{{XMP['pdfaid']}}}part")]
    assert claims == [("3", "B")]


def test_release_pdf_has_an_srgb_output_intent_with_its_icc_profile(release_pdf):
    [intent] = PdfReader(release_pdf).trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    data = profile.get_data()
    assert profile["/N"] == 3 and data[36:40] == b"acsp" and data[16:20] == b"RGB "


def test_release_pdf_metadata_agrees_between_info_and_xmp_and_is_dated_at_the_sign_off(release_pdf):
    reader = PdfReader(release_pdf)
    info = reader.metadata
    xmp = _xmp(reader)
    text = {element.tag: (element.text or "").strip() for element in xmp.iter()}
    assert info["/CreationDate"].startswith("D:20211020000000+07'00") and info["/ModDate"] == info["/CreationDate"]
    assert text[f"{{{XMP['xmp']}}}CreateDate"] == text[f"{{{XMP['xmp']}}}ModifyDate"] == "2021-10-20T00:00:00+07:00"
    assert [li.text for li in xmp.find(f".//{{{XMP['dc']}}}title").iter(f"{{{XMP['rdf']}}}li")] == [info.title]
    assert [li.text for li in xmp.find(f".//{{{XMP['dc']}}}creator").iter(f"{{{XMP['rdf']}}}li")] == [info.author]
    assert text[f"{{{XMP['xmp']}}}CreatorTool"] == info["/Creator"]


def test_release_pdf_fonts_are_all_embedded(release_pdf):
    rows = subprocess.run(["pdffonts", str(release_pdf)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in rows.splitlines()[2:] if line.strip()]
    assert fonts and all(columns[-5] == "yes" and columns[-3] == "yes" for columns in fonts), rows


def test_release_pdf_has_no_encryption_javascript_or_actions(release_pdf, release_qdf):
    assert "/Encrypt" not in PdfReader(release_pdf).trailer
    for name in ("/JavaScript", "/JS ", "/JS(", "/Launch", "/OpenAction", "/AA ", "/AA<<", "/Encrypt"):
        assert name not in release_qdf, name


def test_release_pdf_embeds_its_yaml_source_and_evidence_as_associated_files(release_pdf, release_qdf, signed_project):
    root = PdfReader(release_pdf).trailer["/Root"]
    specs = [reference.get_object() for reference in root["/AF"]]
    assert len({id(spec) for spec in specs}) == len(root["/AF"]) == 2  # each listed once
    found = {}
    for spec in specs:
        stream = spec["/EF"]["/F"].get_object()
        found[spec["/UF"]] = (spec["/AFRelationship"], stream["/Subtype"], stream.get_data(), spec["/Desc"])
        assert stream["/Params"]["/ModDate"] == "D:20211019170000Z"  # the sign-off day, 00:00 in Bangkok
    source = (signed_project / "content/indicators/2564/08.yaml").read_bytes()
    assert found["2564-08.yaml"][:3] == ("/Source", "/application/yaml", source)
    assert found["08-รายงาน.pdf"] == ("/Supplement", "/application/pdf", EVIDENCE_BYTES, EVIDENCE_TITLE)
    names = root["/Names"]["/EmbeddedFiles"]["/Names"][::2]
    assert names == sorted(names, key=lambda name: name.encode("utf-8"))  # a name tree is sorted
    assert str(signed_project) not in release_qdf and str(signed_project.parent) not in release_qdf  # names only


def test_release_pdf_is_tagged_with_the_forms_structure(release_pdf):
    root = PdfReader(release_pdf).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "th"
    tags = []

    def walk(element):
        element = element.get_object()
        tags.append(element.get("/S"))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict) and "/S" in kid.get_object():
                walk(kid)

    walk(root["/StructTreeRoot"]["/K"][0])
    assert tags[0] == "/Document" and tags.count("/H1") == 1 and tags.count("/H2") == 9
    assert {"/Sect", "/P", "/L", "/LI", "/Link"} <= set(tags)


def test_qpdf_finds_no_structural_error_in_the_release_pdf(release_pdf):
    result = subprocess.run(["qpdf", "--check", str(release_pdf)], capture_output=True, text=True)
    assert result.returncode == 0 and "No syntax or stream encoding errors found" in result.stdout, result.stdout


def test_release_pdf_keeps_the_exact_thai_text_layer(release_pdf):
    from projects import REFERENCE_FORM
    from reference_form import missing_from

    if not REFERENCE_FORM.exists():
        pytest.skip("the reference form is not beside the repository")
    assert missing_from(pdftotext_body(release_pdf)) == []


@pytest.mark.e2e
def test_pdfbox_preflight_finds_nothing_but_rules_pdf_a_3_dropped(release_pdf):
    """The only PDF/A validator installable here (Debian's PDFBox 2) checks PDF/A-1b; everything it reports beyond
    the PDF/A-1-only rules (fonts, XMP against the document information, output intent, colours) is an error."""
    errors = preflight_findings(release_pdf)
    assert errors  # it ran and found the PDF/A-1-only differences
    assert beyond_pdf_a3(errors) == []


def _light_grey_pixels(pdf: Path, page: int):
    """The page at 80 dpi: (share of pixels in the draft mark's grey, correlation of their x and y, centre)."""
    from PIL import Image

    png = subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    grey = [(i % width, i // width) for i, value in enumerate(image.tobytes()) if 217 <= value <= 223]
    if len(grey) < 100:
        return len(grey) / (width * height), 0.0, (0.5, 0.5)
    xs, ys = zip(*grey)
    return len(grey) / (width * height), statistics.correlation(xs, ys), (statistics.mean(xs) / width,
                                                                        statistics.mean(ys) / height)


def test_a_draft_carries_a_diagonal_draft_mark_on_every_page(form_pdf):
    from extract import page_count

    for page in range(1, page_count(form_pdf) + 1):
        share, correlation, (x, y) = _light_grey_pixels(form_pdf, page)
        assert share > 0.02, f"page {page}: no draft mark"
        assert correlation < -0.6, f"page {page}: the mark is not diagonal (rising to the right)"
        assert abs(x - 0.5) < 0.1 and abs(y - 0.5) < 0.1, f"page {page}: the mark is not centred"


def test_a_signed_form_has_no_draft_mark(signed_draft_pdf, release_pdf):
    for pdf in (signed_draft_pdf, release_pdf):
        assert _light_grey_pixels(pdf, 1)[0] < 0.005 and _light_grey_pixels(pdf, 2)[0] < 0.005


def test_the_draft_mark_stays_out_of_the_text_layer(form_pdf):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(form_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "ฉบับร่าง" not in text and "ร่าง" not in text.replace("ร่างกาย", "")


def test_the_draft_web_page_shows_a_draft_banner(real_build):
    from linebreaks import unmark  # each Thai word is in a span of its own (linebreak.py)

    page = (real_build / "output" / "html" / "2564" / "08.html").read_text(encoding="utf-8")
    assert '<p class="draft-mark" role="note"><span class="draft-mark-word">ฉบับร่าง</span>' in unmark(page)


def _destinations(pdf: Path) -> dict:
    reader = PdfReader(pdf)
    names = reader.trailer["/Root"]["/Names"]["/Dests"]["/Names"]
    pages = [page.indirect_reference.idnum for page in reader.pages]
    return {names[i]: (pages.index(names[i + 1][0].idnum), float(names[i + 1][2]), float(names[i + 1][3]))
            for i in range(0, len(names), 2)}


@pytest.mark.parametrize("which", ["signed_draft_pdf", "release_pdf"])
def test_signature_anchors_mark_an_empty_stamp_area_above_the_signature_line(which, request):
    """`reportgen sign` finds the visible signature's place by the named destination "signature-stamp": its page,
    and its top-left corner (x, y) in PDF points; the area is 7 cm wide and 2 cm high below that corner."""
    pdf = request.getfixturevalue(which)
    destinations = _destinations(pdf)
    page, x, top = destinations["signature-stamp"]
    assert destinations["signature"] == (page, x, top)
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        sheet = document.pages[page]
        assert page == len(document.pages) - 1
        y = sheet.height - top  # pdfplumber measures from the top of the page
        inside = [c for c in sheet.chars if x - 1 < c["x0"] < x + STAMP_WIDTH and y - 1 < c["top"] < y + STAMP_HEIGHT]
        assert inside == []
        below = sorted((c for c in sheet.chars if c["top"] >= y + STAMP_HEIGHT - 1), key=lambda c: (c["top"], c["x0"]))
        first_line = "".join(c["text"] for c in below if abs(c["top"] - below[0]["top"]) < 2)
    assert first_line.startswith("ลงชื่อ") and first_line.endswith("(ผู้รับผิดชอบโครงการ)")
    assert below[0]["top"] - (y + STAMP_HEIGHT) < 0.5 * CM
    text = pdftotext_body(pdf)
    assert "(นางสาวสมใจ ใฝ่รู้)" in text and "ตำแหน่ง บรรณารักษ์ชำนาญการ" in text and "วันที่ 20 ตุลาคม 2564" in text


# --- Accessibility of release PDFs (tagged) -------------------------------------------------------------------------


def _structure(pdf: Path) -> list[tuple[str, list, list[int], int | None]]:
    """Every structure element reachable from the root: (tag, child tags, MCIDs, page index), in tree order."""
    reader = PdfReader(pdf)
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    found = []

    def walk(element, page):
        element = element.get_object()
        if "/Pg" in element:
            page = pages.get(element.raw_get("/Pg").idnum, page)
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, list) else ([] if kids is None else [kids])
        elements = [kid.get_object() for kid in kids if not isinstance(kid, int)
                    and isinstance(kid.get_object(), dict) and "/S" in kid.get_object()]
        found.append((element["/S"], [kid["/S"] for kid in elements], [kid for kid in kids if isinstance(kid, int)],
                      page))
        for kid in elements:
            walk(kid, page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0], None)
    return found


def _marked_text(pdf: Path) -> dict[tuple[int, int], str]:
    """The text of every marked-content sequence, by (page index, MCID), as pdfminer reads it."""
    import pdfplumber

    texts: dict[tuple[int, int], str] = {}
    with pdfplumber.open(pdf) as document:
        for index, page in enumerate(document.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    texts[index, char["mcid"]] = texts.get((index, char["mcid"]), "") + char["text"]
    return texts


def test_release_pdf_lists_are_lists_of_items_with_label_and_body(release_pdf):
    elements = _structure(release_pdf)
    lists = [kids for tag, kids, _, _ in elements if tag == "/L"]
    items = [kids for tag, kids, _, _ in elements if tag == "/LI"]
    assert len(lists) >= 4 and all(kids and set(kids) == {"/LI"} for kids in lists), lists
    assert all(kids and set(kids) <= {"/Lbl", "/LBody"} and kids.count("/LBody") == 1 for kids in items), items
    # The plan block (a description list): three items, each a label (the term) and a body (its description).
    assert ["/Lbl", "/LBody"] in items and sum(kids == ["/Lbl", "/LBody"] for kids in items) >= 3
    assert not [tag for tag, kids, _, _ in elements if tag == "/Div" and "/LI" in kids]


def test_release_pdf_has_no_empty_span_and_tags_every_word_once(release_pdf):
    texts = _marked_text(release_pdf)
    spans = [(page, mcid) for tag, _, mcids, page in _structure(release_pdf) if tag == "/Span" for mcid in mcids]
    assert spans and [key for key in spans if not texts.get(key, "").strip()] == []
    assert len(spans) == len(set(spans))


def test_release_pdf_page_furniture_is_an_artifact(release_pdf):
    import pdfplumber

    with pdfplumber.open(release_pdf) as document:
        for page in document.pages:
            furniture = "".join(char["text"] for char in page.chars if char.get("tag") == "Artifact")
            assert "ตัวชี้วัด08" in furniture.replace(" ", "") and "หน้า" in furniture
            body = [char for char in page.chars if char.get("tag") != "Artifact"]
            assert body and all(char.get("mcid") is not None for char in body)


@pytest.mark.e2e
def test_pdf_ua_checkers_find_nothing_but_the_conformance_claim_we_do_not_make(release_pdf):
    """Two PDF/UA-1 checkers from PyPI: outloud (Matterhorn checkpoints, WCAG 2.2) and page-validation (104 rules).
    The release PDF passes every machine check of both except the identification (pdfuaid:part), which is left out
    on purpose: neither checker covers what needs a person, and a signed PDF carries pyHanko's stamp font (see the
    note in test_signing)."""
    import outloud
    import page

    result = outloud.check(str(release_pdf))
    assert result.error is None
    errors = sorted({finding.rule for finding in result.findings if finding.severity in ("error", "warning")})
    assert errors == ["DOC-012"]  # XMP metadata does not declare pdfuaid:part
    report = page.validate_pdf(release_pdf, profile=page.ValidationProfile.PDF_UA_1)
    assert report.rules.total >= 100
    assert sorted({failure.rule_id for failure in report.failures}) == ["PDFUA1-ID-PART-001", "PDFUA1-ID-SCHEMA-001"]
    assert b"pdfuaid" not in PdfReader(release_pdf).trailer["/Root"]["/Metadata"].get_object().get_data()


# --- Edited after sign-off: drawn as a draft everywhere (issue 23) -------------------------------------------------

SIGNER_NAME, SIGNER_POSITION = "นางสาวสมใจ ใฝ่รู้", "ผู้อำนวยการกองห้องสมุด"


def _main(root: Path, *args: str) -> int:
    from reportgen.cli import main

    return main([*args, "--root", str(root)])


def _pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def edited_after_signoff(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Form 09 signed off with `reportgen signoff`, built; then one word changed and built again (and its book)."""
    text = REAL_INDICATOR.read_text(encoding="utf-8").replace('code: "08"', 'code: "09"')
    root = write_project(tmp_path_factory.mktemp("edited") / "project", {"indicators/2564/09.yaml": text})
    file = root / "content/indicators/2564/09.yaml"
    assert _main(root, "signoff", str(file), "--name", SIGNER_NAME, "--position", SIGNER_POSITION,
                 "--date", "2021-10-20") == 0
    assert _main(root, "build", "-j", "1", "-q") == 0
    signed = {"pdf": _pdf_text(root / "output/pdf/2564/09.pdf"),
              "page": (root / "output/html/2564/09.html").read_text(encoding="utf-8")}
    shutil.copy(root / "output/pdf/2564/09.pdf", root / "signed.pdf")
    file.write_text(file.read_text(encoding="utf-8").replace("ห้องสมุดมีชีวิต หมายถึง", "ห้องสมุดมีชีวิต คือ", 1),
                    encoding="utf-8")
    assert _main(root, "build", "-j", "1", "-q") == 0
    assert _main(root, "book", "--year", "2564") == 0
    return root, signed


def test_a_form_edited_after_its_sign_off_prints_as_a_draft_without_the_signer(edited_after_signoff):
    from extract import page_count

    root, signed = edited_after_signoff
    # Before the edit: signed, the signer printed, no draft mark (the test can tell the two apart).
    assert SIGNER_NAME in signed["pdf"] and SIGNER_POSITION in signed["pdf"] and "20 ตุลาคม 2564" in signed["pdf"]
    assert _light_grey_pixels(root / "signed.pdf", 1)[0] < 0.005
    pdf = root / "output/pdf/2564/09.pdf"
    text = _pdf_text(pdf)
    assert "ห้องสมุดมีชีวิต คือ" in text  # the edited text
    assert SIGNER_NAME not in text and SIGNER_POSITION not in text and "20 ตุลาคม 2564" not in text
    assert "แก้ไขหลังลงนาม" in text and "ต้องลงนามใหม่" in text and text.count("ต้องลงนามใหม่") == 1
    for page in range(1, page_count(pdf) + 1):  # the draft mark, drawn on every page as on any draft
        share, correlation, _ = _light_grey_pixels(pdf, page)
        assert share > 0.02 and correlation < -0.6, f"page {page}: no draft mark"
    assert "signature-stamp" not in str(PdfReader(pdf).trailer["/Root"].get("/Names", {}).get("/Dests", ""))


def test_the_edited_form_is_a_draft_on_its_page_and_in_the_book(edited_after_signoff):
    from linebreaks import unmark

    root, signed = edited_after_signoff
    assert SIGNER_NAME in unmark(signed["page"]) and 'class="draft-mark"' not in signed["page"]
    page = unmark((root / "output/html/2564/09.html").read_text(encoding="utf-8"))
    assert 'class="draft-mark"' in page and 'class="draft-flag"' in page and "ต้องลงนามใหม่" in page
    assert SIGNER_NAME not in page and SIGNER_POSITION not in page
    year = (root / "output/html/2564/index.html").read_text(encoding="utf-8")
    assert "ฉบับร่าง" in year
    data = (root / "output/html/data/indicators.csv").read_text(encoding="utf-8-sig").splitlines()
    assert data[1].endswith(",false") or ",false," in data[1]  # the open data says: not signed
    book = root / "output/book/2564.pdf"
    book_text = _pdf_text(book)
    assert SIGNER_NAME not in book_text and "ต้องลงนามใหม่" in book_text and "(ฉบับร่าง)" in book_text
    from extract import page_count

    form_pages = [page for page in range(1, page_count(book) + 1) if _light_grey_pixels(book, page)[0] > 0.02]
    assert form_pages, "the book draws no draft mark on the edited form's pages"
