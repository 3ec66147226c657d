"""What an officer types is what the form prints (issue 25): each narrative case through ``check`` and ``build``,
read back from the PDF's text and the page's HTML, in Thai and in English."""

from __future__ import annotations

import re
import subprocess

import pytest
from extract import html_text, pdftotext_lines, squeeze
from projects import indicator_data, run_reportgen, shared_folder, write_project

A4_WIDTH_PT = 595.28
LEFT_MARGIN_PT, RIGHT_MARGIN_PT = 3 / 2.54 * 72, 2 / 2.54 * 72

EXCEL_TABLE = (
    "เดือน\tชื่อเรื่อง\tการเข้าชม (ครั้ง)\nพฤษภาคม\t180\t52,310\nมิถุนายน\t144\t61,002\n"
    "กรกฎาคม\tบรรณนิทัศน์ออนไลน์ประจำเดือนที่มีชื่อยาวจนต้องตัดบรรทัดในช่องของตารางนี้อีกหลายคำจริง ๆ\t1,204,551"
)

#: (case, code, typed in quarter 1's report, the lines the PDF prints, squeezed, in order: each starts a line).
CASES = [
    ("excel_table", "11", EXCEL_TABLE, ["เดือนชื่อเรื่อง", "พฤษภาคม18052,310", "มิถุนายน14461,002"]),
    ("thai_numbers", "12", "ดังนี้\n๑. จัดกิจกรรม\n๒. อบรม\n๓. ประเมินผล", ["ดังนี้", "๑.จัดกิจกรรม", "๒.อบรม", "๓.ประเมินผล"]),
    ("no_space_after_number", "13", "ดังนี้\n1.จัดกิจกรรม\n2.อบรม", ["ดังนี้", "1.จัดกิจกรรม", "2.อบรม"]),
    ("paren_numbers", "14", "3)ประเมินผล\n4) รายงาน", ["3)ประเมินผล", "4)รายงาน"]),
    ("formula_star", "15", "จำนวนที่พัฒนาแล้ว*100/(จำนวนทั้งหมด*1)", ["จำนวนที่พัฒนาแล้ว*100/(จำนวนทั้งหมด*1)"]),
    ("thai_indent", "16", "    ย่อหน้าแรกแบบ Word ที่มีช่องว่างนำหน้า\n\tย่อหน้าด้วยแท็บ",
     ["ย่อหน้าแรกแบบWordที่มีช่องว่างนำหน้า", "ย่อหน้าด้วยแท็บ"]),
    ("more_than", "17", ">ร้อยละ 85 ของผู้ตอบ", [">ร้อยละ85ของผู้ตอบ"]),
    ("hash_underscore_backslash", "18", "# ไม่ใช่หัวข้อ _ไม่เอียง_ \\แบ็กสแลช", ["#ไม่ใช่หัวข้อ_ไม่เอียง_\\แบ็กสแลช"]),
    ("word_bullets", "19", "•\tจัดกิจกรรม\no\tอบรม\n\uf0b7\tประเมิน", ["•จัดกิจกรรม", "◦อบรม", "•ประเมิน"]),
    ("footnote_and_times", "20", "ผลงาน 36 แห่ง*\n* ข้อมูล ณ 30 ก.ย. 2564\nคำนวณจาก 36 x 100 / 40",
     ["ผลงาน36แห่ง*", "*ข้อมูลณ30ก.ย.2564", "คำนวณจาก36x100/40"]),
]
IDS = [case[0] for case in CASES]

#: A link whose text is not its address (code 21, quarter 1): paper cannot be clicked, so it prints the address.
LINKED = "ดูที่ [เว็บไซต์ห้องสมุด](https://th.wikipedia.org/wiki/ห้องสมุด) และ [อีเมล](mailto:library@bangkok.go.th) ประกอบ"


def _make(folder):
    files = {}
    for _case, code, typed, _printed in CASES:
        data = indicator_data(code=code)
        data["quarters"] = {"q1": {"report": typed}}
        data.pop("result", None)
        files[f"indicators/2564/{code}.yaml"] = data
    files["indicators/2564/21.yaml"] = indicator_data(code="21", quarters={"q1": {"report": LINKED}})
    files["indicators/2564/21.yaml"].pop("result", None)
    write_project(folder, files)
    run_reportgen("build", "-j", "1", cwd=folder, check=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return shared_folder(tmp_path_factory, "narrative-cases", _make)


def _quarter_1(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    return text[text.index("ไตรมาสที่ 1") : text.index("ไตรมาสที่ 2")].splitlines()


def _layout_lines(pdf) -> list[str]:
    """The PDF's lines as laid out (a table's row is one line)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("lang, clean", [("th", "ไม่พบข้อผิดพลาด"), ("en", "No problems found")])
def test_check_accepts_every_case_without_a_warning_about_the_text(built, lang, clean):
    result = run_reportgen("check", "--lang", lang, cwd=built)
    assert result.returncode == 0, result.stdout + result.stderr
    assert clean in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize("case, code, typed, printed", CASES, ids=IDS)
def test_the_pdf_prints_what_was_typed(built, case, code, typed, printed):
    lines = [squeeze(line) for line in _quarter_1(_layout_lines(built / "output" / "pdf" / "2564" / f"{code}.pdf"))]
    position = 0
    for piece in printed:
        starts = [index for index, line in enumerate(lines) if index >= position and line.startswith(piece)]
        assert starts, (case, piece, lines)
        position = starts[0] + 1


@pytest.mark.parametrize("case, code, typed, printed", CASES, ids=IDS)
def test_the_page_shows_what_was_typed(built, case, code, typed, printed):
    page = (built / "output" / "html" / "2564" / f"{code}.html").read_text(encoding="utf-8")
    text = squeeze(html_text(page).replace("\u200b", ""))
    position = 0
    for piece in printed:
        piece = re.sub(r"^(?:[0-9]+\.(?=\D)|[•◦])", "", piece)  # a plain list's markers are the browser's
        found = text.find(piece, position)
        assert found >= 0, (case, piece)
        position = found + len(piece)
    assert "<blockquote" not in page and "<pre" not in page and "<em>" not in page and "<h1>#" not in page


def test_lines_as_typed_are_lines_on_paper(built):
    lines = [squeeze(line) for line in pdftotext_lines(built / "output" / "pdf" / "2564" / "20.pdf")]
    assert "ผลงาน36แห่ง*" in lines and "*ข้อมูลณ30ก.ย.2564" in lines and "คำนวณจาก36x100/40" in lines


def test_lists_and_tables_are_real_ones_on_the_page(built):
    html = lambda code: (built / "output" / "html" / "2564" / f"{code}.html").read_text(encoding="utf-8")  # noqa: E731
    table = html("11")
    assert table.count('<th scope="col">') == 3 and "<tbody>" in table
    assert re.search(r'<td class="number">[^<]*52,310', table)
    for code, items in (("12", 3), ("13", 2), ("14", 2), ("19", 3)):
        article = html(code)[html(code).index("<article") :]
        assert article.count("<li>") >= items, code


def test_the_table_stays_within_the_margins(built):
    pdf = built / "output" / "pdf" / "2564" / "11.pdf"
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)
    assert words
    assert min(float(x_min) for x_min, _ in words) >= LEFT_MARGIN_PT - 2
    assert max(float(x_max) for _, x_max in words) <= A4_WIDTH_PT - RIGHT_MARGIN_PT + 2
    assert "1,204,551" in bbox and "พฤษภาคม" in bbox  # the month is never split to make room for the numbers


def test_a_link_prints_its_address_after_its_text_and_the_page_keeps_the_text(built):
    printed = squeeze("".join(_quarter_1(_layout_lines(built / "output" / "pdf" / "2564" / "21.pdf"))))
    assert "ดูที่เว็บไซต์ห้องสมุด(https://th.wikipedia.org/wiki/ห้องสมุด)และอีเมล(library@bangkok.go.th)ประกอบ" in printed
    page = (built / "output" / "html" / "2564" / "21.html").read_text(encoding="utf-8")
    assert "ดูที่เว็บไซต์ห้องสมุดและอีเมลประกอบ" in squeeze(html_text(page).replace("\u200b", ""))
    assert 'href="https://th.wikipedia.org/wiki/%E0%B8%AB' in page and 'href="mailto:library@bangkok.go.th"' in page
