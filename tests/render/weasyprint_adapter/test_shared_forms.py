"""Each distinct form XObject stored once (reportgen.render.weasyprint_adapter.shared_forms).

WeasyPrint writes a form XObject each time it draws one: the real draft form 08 carried its diagonal draft mark
twice, the same 2.7 kB on each page. Drawn from one shared object, the pages show the same and extract the same.
"""

from __future__ import annotations

import io
import shutil

import pypdf
import pytest
import weasyprint
from projects import REPO_ROOT, write_project

from reportgen.render.weasyprint_adapter import shared_forms, textlayer

#: Three pages with the same SVG background (a form XObject per page in WeasyPrint 70) and a text of their own.
PAGES = """<!doctype html><html lang="th"><style>
@font-face { font-family: Sarabun; src: url(Sarabun-Regular.ttf); }
@page { size: A6; background: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='100' height='40'%3E%3Cpath d='M0 0L100 40' stroke='red'/%3E%3C/svg%3E") center / 80% auto no-repeat; }
p { break-after: page; font-family: Sarabun; }
</style><p>หน้าหนึ่ง</p><p>หน้าสอง</p><p>หน้าสาม</p></html>"""


def forms_drawn(pdf: bytes) -> list[list[tuple[int, bytes]]]:
    """Per page, (object number, decoded content) of each form XObject its resources name, the text layer's mark
    outlines aside."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        x_objects = page["/Resources"].get("/XObject", {})
        pages.append([(x_objects.raw_get(name).idnum, x_objects[name].get_data()) for name in x_objects
                      if x_objects[name].get("/Subtype") == "/Form"
                      and not name.startswith("/" + textlayer.MARK_FORM_PREFIX)])
    return pages


def distinct_forms(pdf: bytes) -> tuple[int, int]:
    """(form XObjects in the file, distinct contents among them)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    contents = [obj.get_data() for number in range(1, reader.trailer["/Size"])
                if isinstance(obj := reader.get_object(number), pypdf.generic.StreamObject)
                and obj.get("/Subtype") == "/Form"]
    return len(contents), len(set(contents))


def write(html: str, share: bool) -> bytes:
    document = weasyprint.HTML(string=html, base_url=(REPO_ROOT / "fonts").as_uri() + "/")
    finisher = (lambda _document, pdf: shared_forms.share_identical_forms(pdf)) if share else None
    return textlayer.write_pdf(document, finisher=finisher)


def test_a_background_drawn_on_every_page_is_stored_once():
    plain, shared = write(PAGES, share=False), write(PAGES, share=True)
    assert distinct_forms(plain)[0] > distinct_forms(plain)[1], "WeasyPrint stored the background once already?"
    assert distinct_forms(shared)[0] == distinct_forms(shared)[1]
    assert len(shared) < len(plain)
    # Every page still draws the same content, from one object.
    assert [sorted(content for _, content in page) for page in forms_drawn(shared)] == \
        [sorted(content for _, content in page) for page in forms_drawn(plain)]
    backgrounds = {number for page in forms_drawn(shared) for number, _ in page}
    assert len(backgrounds) == 1
    assert [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(shared)).pages] == \
        [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(plain)).pages]


def test_forms_that_differ_are_kept_apart():
    html = PAGES.replace("<p>หน้าสอง</p>", '<p style="page: other">หน้าสอง</p>').replace(
        "</style>", "@page other { background: url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' "
        "width='100' height='40'%3E%3Cpath d='M0 40L100 0' stroke='red'/%3E%3C/svg%3E\") center / 80% auto "
        "no-repeat; }</style>")
    shared = write(html, share=True)
    assert distinct_forms(shared)[0] == distinct_forms(shared)[1]
    assert len({number for page in forms_drawn(shared) for number, _ in page}) == 2


def test_nothing_to_share_changes_nothing():
    html = PAGES.replace("@page {", "@page :first {")
    assert write(html, share=True) == write(html, share=False)


@pytest.mark.e2e
def test_the_real_draft_form_draws_its_draft_mark_from_one_object(tmp_path):
    from extract import form_document

    root = write_project(tmp_path / "project", {})
    shutil.copytree(REPO_ROOT / "content", root / "content", dirs_exist_ok=True)
    document, options = form_document(root, release=False)
    pdf = textlayer.write_pdf(document, **options())
    pages = forms_drawn(pdf)
    assert len(pages) >= 2
    # WeasyPrint names the mark once per page (x7, x31) in the resources the pages share: both names, one object.
    assert len({number for page in pages for number, _ in page}) == 1, "the draft mark is stored once per page"
    count, distinct = distinct_forms(pdf)
    assert count == distinct
