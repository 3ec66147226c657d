"""``reportgen book``: the real PDF of a three-indicator year, read back with poppler, pdfplumber and pypdf."""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from extract import page_count, squeeze
from projects import indicator_data, real_indicator, real_site, run_reportgen, shared_folder, signed_off, write_project
from pypdf import PdfReader

from reportgen import thai
from reportgen.commands.book import book_path
from reportgen.content.project import load_project
from reportgen.standing import STATUS_LABELS, status_of

FORM_HEADINGS = [
    "1.ชื่อตัวชี้วัด:",
    "2.ระดับความสำเร็จ:",
    "3.คำนิยาม:",
    "4.วิธีการคำนวณ:",
    "5.เป้าหมาย:",
    "6.รายงานผลการดำเนินงาน(รายไตรมาส):",
    "7.ปัจจัยสนับสนุนการดำเนินงาน:",
    "8.อุปสรรคต่อการดำเนินงาน:",
    "9.หลักฐานอ้างอิง:",
]
FORM_TITLE = "รายงานผลการดำเนินงานตามตัวชี้วัดประจำปีงบประมาณพ.ศ.2564"

# Text only the later quarters of the real indicator 08 have: its q3 report, and its q4 report and year-end summary.
Q3_ONLY = "รวมจำนวน324ชื่อเรื่อง"
Q4_ONLY = "316,259ครั้ง"


def three_indicators() -> dict:
    """2564: the real 08 (met, 1,200 % of target, a draft), 09 (not met, 90.63 %, signed after the year) and 10
    (only q1–q2 reported, a draft); and one form of 2565, which the 2564 book leaves out."""
    only_half = copy.deepcopy(real_indicator()["quarters"])
    for later in ("q3", "q4", "summary"):
        only_half.pop(later)
    only_half["q2"]["result"] = 40
    return {
        "indicators/2564/08.yaml": real_indicator(),
        "indicators/2564/09.yaml": signed_off(indicator_data(
            code="09",
            name="ร้อยละของผู้ใช้บริการที่พึงพอใจต่อบริการห้องสมุด (Library satisfaction)",
            target={"value": 80, "unit": "ร้อยละ"},
            result=72.5,
        ), name="นางสาวทดสอบ ระบบงาน"),
        "indicators/2564/10.yaml": indicator_data(
            code="10",
            name="จำนวนกิจกรรมส่งเสริมการอ่าน",
            target={"value": 120, "unit": "กิจกรรม"},
            result=None,
            quarters=only_half,
            signoff=None,
        ),
        "indicators/2565/08.yaml": indicator_data(fiscal_year=2565),
    }


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    """A project whose 2564 book was made for the whole year and as of q2, through the command line (once a run:
    tests only read it)."""

    def make(folder: Path) -> None:
        root = write_project(folder / "project", three_indicators())
        (root / "output").mkdir()
        (root / "output" / "kept.txt").write_text("from an earlier build", encoding="utf-8")
        for args in (["--year", "2564"], ["--year", "2564", "--as-of", "q2"]):
            result = run_reportgen("book", *args, cwd=root, check=True)
            assert result.stdout.strip() == "output/" + book_path(2564, 2 if "q2" in args else None)

    return shared_folder(tmp_path_factory, "books", make) / "project"


def page_texts(pdf: Path) -> list[str]:
    """Each page's text (poppler), squeezed of whitespace, first page first."""
    return [
        squeeze(
            subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), "-enc", "UTF-8", str(pdf), "-"],
                capture_output=True, text=True, check=True,
            ).stdout
        )
        for n in range(1, page_count(pdf) + 1)
    ]  # fmt: skip


def form_start_pages(pages: list[str]) -> dict[str, int]:
    """Code → the page number (1-based) on which that form's title and section 1 are printed."""
    starts = {}
    for number, text in enumerate(pages, start=1):
        if FORM_TITLE in text:
            code = re.search(r"1\.ชื่อตัวชี้วัด:(\w+)\.", text).group(1)
            starts[code] = number
    return starts


def test_book_is_written_beside_the_existing_output(books):
    assert (books / "output" / "book" / "2564.pdf").is_file()
    assert (books / "output" / "book" / "2564-q2.pdf").is_file()
    assert (books / "output" / "kept.txt").read_text(encoding="utf-8") == "from an earlier build"
    assert not list(books.glob(".output.staging-*"))


def test_cover_names_agency_title_year_and_period(books):
    cover = page_texts(books / "output" / "book" / "2564.pdf")[0]
    site = real_site()
    assert squeeze(site["agency"]) in cover
    assert squeeze(site["site_title"]) in cover
    assert "ประจำปีงบประมาณพ.ศ.2564" in cover
    assert "ข้อมูลทั้งปีงบประมาณ(1ต.ค.2563–30ก.ย.2564)" in cover
    assert "จำนวน3ตัวชี้วัด" in cover
    assert "หน้า" not in cover  # no page number or running header on the cover


def test_contents_page_numbers_are_the_pages_the_forms_start_on(books):
    pages = page_texts(books / "output" / "book" / "2564.pdf")
    starts = form_start_pages(pages)
    assert list(starts) == ["08", "09", "10"]  # every form of 2564, in code order, and none of 2565
    contents = pages[1]
    assert contents.startswith(squeeze(real_site()["agency"]) + "·ปีงบประมาณพ.ศ.2564สารบัญ")
    for code, start in starts.items():
        listed = re.search(rf"ตัวชี้วัด{code}[^.]*?\.{{3,}}(\d+)", contents)
        assert listed, f"no contents line for {code}"
        assert int(listed.group(1)) == start
    summary_page = int(re.search(r"สรุปผลการดำเนินงานตามตัวชี้วัด\.{3,}(\d+)", contents).group(1))
    assert "·ปีงบประมาณพ.ศ.2564สรุปผลการดำเนินงานตามตัวชี้วัด" in pages[summary_page - 1]
    assert "รวม3ตัวชี้วัด" in pages[summary_page - 1]


def test_summary_table_shows_status_of_every_indicator(books):
    project = load_project(books)
    expected = []
    for entry in project.entries:
        if entry.indicator.fiscal_year != 2564:
            continue
        status = status_of(entry.indicator)
        expected.append(
            [
                entry.indicator.code,
                squeeze(entry.indicator.name),
                # A summary writes figures as Thai readers do (thai.reader_figure), not as the form does.
                squeeze(thai.reader_figure(status.target, entry.indicator.target.unit)),
                squeeze(thai.reader_figure(status.result, entry.indicator.target.unit)),
                squeeze(thai.reader_figure(status.percent, "ร้อยละ")),
                squeeze(status.label) + ("(ฉบับร่าง)" if entry.indicator.is_draft else ""),  # drafts are flagged
            ]
        )
    with pdfplumber.open(books / "output" / "book" / "2564.pdf") as pdf:
        (table,) = pdf.pages[2].extract_tables()
    rows = [[squeeze(cell or "") for cell in row] for row in table]
    assert rows[0] == ["รหัส", "ตัวชี้วัด", "เป้าหมาย", "ผลงาน", "ร้อยละของเป้าหมาย", "สถานะ"]
    assert rows[1:] == expected
    assert rows[1][2:5] == ["3ห้อง", "36ห้อง", "ร้อยละ1,200"]  # 08: 36 of 3
    assert rows[1][5] == squeeze(STATUS_LABELS["met"]) + "(ฉบับร่าง)"
    assert "รวม3ตัวชี้วัด:บรรลุเป้าหมาย1·ยังไม่บรรลุเป้าหมาย2·ยังไม่รายงานผล0" in page_texts(
        books / "output" / "book" / "2564.pdf"
    )[2]


def test_every_form_is_complete_and_starts_a_page(books):
    pages = page_texts(books / "output" / "book" / "2564.pdf")
    starts = form_start_pages(pages)
    ends = [*list(starts.values())[1:], len(pages) + 1]
    for (code, start), end in zip(starts.items(), ends):
        form = "".join(pages[start - 1 : end - 1])
        positions = [form.find(heading) for heading in FORM_HEADINGS]
        assert all(p >= 0 for p in positions), f"form {code} lacks a section heading"
        assert positions == sorted(positions)
        assert form.count(FORM_TITLE) == 1
        assert f"ปีงบประมาณพ.ศ.2564·ตัวชี้วัด{code}" in pages[start - 1]  # its own running header


def test_forms_in_the_book_read_exactly_as_their_own_pdfs(books, tmp_path):
    """The book includes the same form template with the same print CSS: the text of 08 is the same, page for page."""
    from reportgen.render.html import Templates
    from reportgen.render.pdf import PdfPrinter

    project = load_project(books)
    entry = next(e for e in project.entries if e.slug == "2564/08")
    pdf = PdfPrinter(books)
    html = Templates(books / "templates", project.site).print_document(entry.indicator, css_url=pdf.css_url)
    alone = tmp_path / "08.pdf"
    alone.write_bytes(pdf.render(html, source=str(entry.source)))
    in_book = page_texts(books / "output" / "book" / "2564.pdf")
    start = form_start_pages(in_book)["08"]
    without_footer = [re.sub(r"หน้า\d+/\d+$", "", text) for text in page_texts(alone)]
    assert [re.sub(r"หน้า\d+/\d+$", "", text) for text in in_book[start - 1 : start - 1 + len(without_footer)]] == (
        without_footer
    )


def test_footer_numbers_run_through_the_book(books):
    pdf = books / "output" / "book" / "2564.pdf"
    total = page_count(pdf)
    for number in range(1, total + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        footers = re.findall(r"หน้า (\d+) / (\d+)", text)
        assert footers == ([] if number == 1 else [(str(number), str(total))])  # the cover has none


def test_outline_has_one_bookmark_per_indicator_on_its_first_page(books):
    pdf = books / "output" / "book" / "2564.pdf"
    starts = form_start_pages(page_texts(pdf))
    reader = PdfReader(pdf)
    outline = reader.outline
    assert all(not isinstance(item, list) for item in outline)  # flat: no section headings nested under forms
    entries = {item.title: reader.get_destination_page_number(item) + 1 for item in outline}
    indicators = {title: page for title, page in entries.items() if title.startswith("ตัวชี้วัด ")}
    project = load_project(books)
    expected = {
        f"ตัวชี้วัด {e.indicator.code} {e.indicator.name}": starts[e.indicator.code]
        for e in project.entries
        if e.indicator.fiscal_year == 2564
    }
    assert indicators == expected
    assert entries["สารบัญ"] == 2 and entries["สรุปผลการดำเนินงานตามตัวชี้วัด"] == 3
    assert len(entries) == len(expected) + 2


def pages_with_drawings(pdf: Path) -> set[int]:
    """Pages (1-based) whose content draws an XObject: here only the draft mark, an SVG image without text (the
    text layer's mark outlines, textlayer.MARK_FORM_PREFIX, aside)."""
    from reportgen.render.weasyprint_adapter.textlayer import MARK_FORM_PREFIX

    reader = PdfReader(pdf)
    drawing = re.compile(rb"/(?!" + MARK_FORM_PREFIX.encode() + rb"\d)[\w.]+ Do\b")
    return {n for n, page in enumerate(reader.pages, 1) if drawing.search(page.get_contents().get_data())}


def form_pages(pages: list[str]) -> dict[str, set[int]]:
    starts = form_start_pages(pages)
    ends = [*list(starts.values())[1:], len(pages) + 1]
    return {code: set(range(start, end)) for (code, start), end in zip(starts.items(), ends)}


def test_draft_mark_only_on_the_pages_of_draft_forms(books):
    """print.css draws the mark with a fixed box, which would repeat on every page of a book; book.css puts it on
    the draft forms' own pages."""
    pdf = books / "output" / "book" / "2564.pdf"
    forms = form_pages(page_texts(pdf))
    assert pages_with_drawings(pdf) == forms["08"] | forms["10"]  # 09 is signed; cover, contents, summary clean
    as_of = books / "output" / "book" / "2564-q2.pdf"
    forms = form_pages(page_texts(as_of))
    assert pages_with_drawings(as_of) == forms["08"] | forms["09"] | forms["10"]  # 09 was signed after q2


def test_only_the_project_fonts_are_embedded(books):
    listing = subprocess.run(
        ["pdffonts", str(books / "output" / "book" / "2564.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+", 1)[-1] for line in listing}
    assert names and all(name.startswith(("Sarabun", "Reportgen-Symbols")) for name in names), names
    assert all(line.split()[-5] == "yes" for line in listing)  # the "emb" column


def test_as_of_q2_hides_later_quarters_and_says_so(books):
    full = "".join(page_texts(books / "output" / "book" / "2564.pdf"))
    pages = page_texts(books / "output" / "book" / "2564-q2.pdf")
    assert Q3_ONLY in full and Q4_ONLY in full
    as_of = "".join(pages)
    assert Q3_ONLY not in as_of and Q4_ONLY not in as_of
    assert "ข้อมูลณสิ้นไตรมาสที่2(31มี.ค.2564)" in pages[0]
    assert "ข้อมูลทั้งปีงบประมาณ" not in pages[0]
    assert "ปีงบประมาณพ.ศ.2564·ข้อมูลณสิ้นไตรมาสที่2(31มี.ค.2564)" in pages[2]
    # 08 and 09 had no result before the year-end one; 10 reported 40 of 120 in q2.
    assert "ยังไม่รายงานผล2" in pages[2]
    assert "(6.3)ไตรมาสที่3:ยังไม่ได้รายงานผล(เม.ย.–มิ.ย.2564)" in as_of


def test_unknown_year_lists_the_years_there_are(books):
    result = run_reportgen("book", "--year", "2570", cwd=books)
    assert result.returncode == 2
    assert "2570" in result.stderr and "2564, 2565" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (books / "output" / "book" / "2570.pdf").exists()


def test_bad_quarter_is_a_usage_error(books):
    result = run_reportgen("book", "--year", "2564", "--as-of", "q5", cwd=books)
    assert result.returncode == 2
    assert "--as-of: ไตรมาสคือ q1, q2, q3 หรือ q4 ไม่ใช่ 'q5'" in result.stderr
    result = run_reportgen("book", "--year", "2564", "--as-of", "q5", "--lang", "en", cwd=books)
    assert result.returncode == 2
    assert "q5" in result.stderr and "q1, q2, q3 or q4" in result.stderr


def test_invalid_content_is_reported_and_nothing_is_written(tmp_path):
    root = write_project(
        tmp_path / "project",
        {"indicators/2564/08.yaml": real_indicator(), "indicators/2564/09.yaml": indicator_data(code="09", target=3)},
    )
    result = run_reportgen("book", "--year", "2564", cwd=root)
    assert result.returncode == 1
    assert "content/indicators/2564/09.yaml" in result.stderr and "target" in result.stderr
    assert not (root / "output").exists()


def test_book_path_keeps_quarter_books_apart():
    assert book_path(2564) == "book/2564.pdf"
    assert book_path(2564, 4) == "book/2564.pdf"  # the end of q4 is the whole year
    assert book_path(2564, 2) == "book/2564-q2.pdf"


def test_a_full_build_keeps_the_books_and_replaces_the_rest(books, tmp_path):
    import shutil

    root = tmp_path / "project"
    shutil.copytree(books, root, ignore=shutil.ignore_patterns(".cache"))
    book = (root / "output" / "book" / "2564.pdf").read_bytes()
    run_reportgen("build", "-j", "1", cwd=root, check=True)
    assert (root / "output" / "book" / "2564.pdf").read_bytes() == book
    assert (root / "output" / "book" / "2564-q2.pdf").is_file()
    assert not (root / "output" / "kept.txt").exists(), "a build replaces what it owns"
    assert (root / "output" / "pdf" / "2564" / "08.pdf").is_file()


def test_a_book_made_mid_year_says_how_far_the_year_has_gone(tmp_path):
    import datetime as dt

    from reportgen.commands.book import render_book
    from reportgen.standing import Reporting

    half = copy.deepcopy(real_indicator()["quarters"])
    for later in ("q3", "q4", "summary"):
        half.pop(later)
    half["q2"]["result"] = 2
    files = {"indicators/2569/08.yaml": indicator_data(fiscal_year=2569, result=None, quarters=half)}
    root = write_project(tmp_path / "project", files)
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(render_book(load_project(root), 2569, reporting=Reporting(dt.date(2026, 4, 15))))
    pages = page_texts(pdf)
    assert "ข้อมูลณสิ้นไตรมาสที่2(31มี.ค.2569)ปีงบประมาณยังไม่สิ้นสุด" in pages[0]
    assert "ข้อมูลทั้งปีงบประมาณ" not in pages[0] and "(ฉบับร่าง1ตัวชี้วัด)" in pages[0]
    summary = pages[2]
    assert squeeze(STATUS_LABELS["in_progress"]) + "(ฉบับร่าง)" in summary  # 2 of 3 half-way: not "not met"
    assert "อยู่ระหว่างดำเนินการ1" in summary and squeeze(STATUS_LABELS["not_met"]) not in summary
