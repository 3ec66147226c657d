"""authoring/bmaimport.py and commands/import_form.py: a form exported from the BMA system → an indicator file that `check`
accepts and that renders the same text. The reference export is the first test; variants lose a section, carry an
unknown heading, a ceiling target, a name at the signature, no code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from extract import pdftotext_body
from projects import REFERENCE_FORM, run_reportgen, write_project

from reportgen.authoring.bmaimport import parse_export
from reportgen.authoring.template import FILL
from reportgen.content.project import load_project
from reportgen.narrative import render_narrative

pytestmark = pytest.mark.skipif(
    not REFERENCE_FORM.exists() and not os.environ.get("CI"),
    reason=f"the reference form is not beside the repository ({REFERENCE_FORM})",
)

FILE = "content/indicators/2564/08.yaml"


def reference_text() -> str:
    return REFERENCE_FORM.read_text(encoding="utf-8")


def parse(text: str, **kwargs):
    return parse_export(text, Path("export.txt"), year=2564, agency="สำนักวัฒนธรรม กีฬา และการท่องเที่ยว", **kwargs)


def codes(imported) -> list[str]:
    return [problem.code for problem in imported.warnings]


@pytest.fixture
def empty_project(tmp_path) -> Path:
    return write_project(tmp_path / "project", {})


def import_text(root: Path, text: str, *args: str):
    export = root / "export.txt"
    export.write_text(text, encoding="utf-8")
    return run_reportgen("import", str(export), "--year", "2564", *args, cwd=root)


def test_the_reference_imports_checks_and_renders_the_same_text(empty_project):
    from reference_form import missing_from

    result = import_text(empty_project, reference_text())
    assert result.returncode == 0, result.stderr
    assert f"เป็น {FILE} แล้ว" in result.stdout
    # What could not be read for sure is said, with the export's line: the lost checkboxes, the lost dashes,
    # and "3 สถิติ…" read as item 3 (twice).
    assert "export.txt:8: คำเตือน: 2. ระดับความสำเร็จ ผลผลิตหรือผลลัพธ์ (result_type)" in result.stderr and "แก้ ? เป็นขีด – 4 แห่ง" in result.stderr
    assert result.stderr.count("เป็นข้อ 3. ของรายการ (ต้นฉบับไม่มีจุด)") == 2
    check = run_reportgen("check", cwd=empty_project)
    assert check.returncode == 0, check.stdout
    assert check.stdout.count("คำเตือน: ") == 1 and "result_type" in check.stdout  # only the placeholder left
    indicator = load_project(empty_project).entries[0].indicator
    assert (indicator.code, indicator.fiscal_year, str(indicator.result)) == ("08", 2564, "36.0")
    assert indicator.target.value == 3 and indicator.target.unit == "ห้อง"
    assert indicator.plan.sub_strategy == "๓.๓ - การศึกษาสำหรับทุกคน"
    assert "ยืม – คืน" in indicator.supporting_factors and indicator.obstacles == ""
    assert [item.title for item in indicator.evidence] == [
        "รายงานผลการดำเนินงานการจัดทำบรรณนิทัศน์ออนไลน์",
        "การเผยแพร่บรรณนิทัศน์ออนไลน์ ผ่านทางเว็บไซต์ www.bangkoklibrary.go.th"]
    assert indicator.signoff is None and indicator.quarters.summary.startswith("ดำเนินการพัฒนา")
    run_reportgen("build", cwd=empty_project, check=True)
    text = pdftotext_body(empty_project / "output" / "pdf" / "2564" / "08.pdf")
    assert missing_from(text) == []  # every sentence of the reference ("?" → "–", whitespace aside) is in the PDF


def test_the_reference_import_keeps_every_figure_and_joins_the_split_word(empty_project):
    from projects import REPO_ROOT

    # The division's own words (content/dictionary.txt) hold โซเชียลมีเดีย: one word to the segmentation.
    dictionary = (REPO_ROOT / "content" / "dictionary.txt").read_text(encoding="utf-8")
    (empty_project / "content" / "dictionary.txt").write_text(dictionary, encoding="utf-8")
    result = import_text(empty_project, reference_text())
    assert result.returncode == 0, result.stderr
    indicator = load_project(empty_project).entries[0].indicator
    assert str(indicator.quarters.q4.result) == "36.0" and str(indicator.result) == "36.0"
    assert "ไตรมาสที่ 4 › ผลงาน (quarters.q4.result)" in result.stderr  # said, at the export's line
    report = indicator.quarters.q3.report
    assert "ผ่านโซเชียลมีเดีย (Social Media)" in report and "โซเชียล มีเดีย" not in report
    assert "ห้องสมุดฯ เป็นห้องสมุดมีชีวิต" in indicator.quarters.q2.report  # a break between words keeps its space


@pytest.mark.parametrize("lang", ["th", "en"])
def test_import_and_check_speak_in_the_officers_words(empty_project, lang):
    result = import_text(empty_project, reference_text(), "--lang", lang)
    check = run_reportgen("check", "--lang", lang, cwd=empty_project)
    said = result.stderr + result.stdout + check.stdout + check.stderr
    assert ": text" not in said and "(text)" not in said  # the heading names the field, never an internal name
    assert "reportgen new" not in said  # the file came from import
    assert "Markdown" not in (empty_project / FILE).read_text(encoding="utf-8")
    heading = "6.5 สรุปผลการดำเนินงานปลายปีงบประมาณ (quarters.summary)" if lang == "th" else "(quarters.summary)"
    assert heading in result.stderr


@pytest.mark.parametrize(
    "lines, joined",
    [
        (["การประชาสัมพันธ์ผ่านโซเชียล", "มีเดีย (Social Media)"], "การประชาสัมพันธ์ผ่านโซเชียลมีเดีย (Social Media)"),
        (["จัดทำบรรณิทรรศน์ออนไลน์", "ซึ่งจะดำเนินการ"], "จัดทำบรรณิทรรศน์ออนไลน์ ซึ่งจะดำเนินการ"),
        (["รวมจำนวน 324", "ชื่อเรื่อง"], "รวมจำนวน 324 ชื่อเรื่อง"),
        (["BKK", "Connect"], "BKK Connect"),
    ],
)
def test_lines_are_joined_inside_a_thai_word_without_a_space(lines, joined):
    from reportgen.authoring.bmaimport import join_lines

    assert join_lines(lines, {"โซเชียลมีเดีย", "บรรณิทรรศน์"}) == joined


def test_import_never_overwrites(empty_project):
    assert import_text(empty_project, reference_text()).returncode == 0
    before = (empty_project / FILE).read_bytes()
    result = import_text(empty_project, reference_text().replace("จำนวนห้องสมุด", "ชื่ออื่น"))
    assert result.returncode == 2 and f"{FILE} มีอยู่แล้ว ไม่ได้เขียนทับ" in result.stderr
    assert (empty_project / FILE).read_bytes() == before


def test_a_missing_section_becomes_a_placeholder_with_a_warning():
    text = reference_text()
    start = text.index("7. ปัจจัยสนับสนุนการดำเนินงาน")
    imported = parse(text[:start] + text[text.index("8. อุปสรรค"):])
    assert imported.values["supporting_factors"] is FILL
    [missing] = [p for p in imported.warnings if p.code == "import_missing_section"]
    assert "ไม่พบหัวข้อ 7 (ปัจจัยสนับสนุน)" in missing.message and "section 7" in missing.message_en


def test_an_unknown_heading_and_its_text_are_left_out_with_a_warning(empty_project):
    text = reference_text().replace("7. ปัจจัยสนับสนุนการดำเนินงาน :", "7. ข้อสังเกตของผู้ตรวจ :")
    imported = parse(text)
    unknown = [p for p in imported.warnings if p.code == "import_unknown_part"]
    assert len(unknown) == 1 and "ข้อสังเกตของผู้ตรวจ" in unknown[0].message and unknown[0].line is not None
    assert imported.values["supporting_factors"] is FILL  # never filled from the unknown part
    assert "import_missing_section" in codes(imported)
    result = import_text(empty_project, text)
    assert result.returncode == 0 and "ไม่รู้จักข้อความบรรทัดที่" in result.stderr
    check = run_reportgen("check", "--strict", cwd=empty_project)
    assert check.returncode == 1 and "supporting_factors" in check.stdout  # the placeholder must be filled in


def test_a_ticked_box_a_ceiling_and_a_name_at_the_signature():
    text = (reference_text()
            .replace("ผลผลิต (Output) ผลลัพธ์ (Outcome)", "☐ ผลผลิต (Output) ☑ ผลลัพธ์ (Outcome)")
            .replace("5. เป้าหมาย : 3 (ห้อง)", "5. เป้าหมาย : ไม่เกิน 3 (ห้อง)")
            .replace("ลงชื่อ.....(ผู้รับผิดชอบโครงการ)", "ลงชื่อ นางสาวสมใจ ใฝ่รู้ (ผู้รับผิดชอบโครงการ)"))
    imported = parse(text)
    assert imported.values["result_type"] == "outcome"
    assert imported.values["target"]["direction"] == "at_most"
    assert imported.values["signoff"] is None
    assert any("นางสาวสมใจ ใฝ่รู้" in p.message and p.field == "signoff" for p in imported.warnings)


def test_a_form_without_a_code_needs_code(empty_project):
    text = reference_text().replace("1. ชื่อตัวชี้วัด : 08.", "1. ชื่อตัวชี้วัด :")
    result = import_text(empty_project, text)
    assert result.returncode == 2 and "ไม่พบรหัสตัวชี้วัด" in result.stderr
    assert import_text(empty_project, text, "--code", "08", "--lang", "en").returncode == 0
    assert (empty_project / FILE).exists()


@pytest.mark.parametrize("text", ["*ไม่* เน้น", "# ไม่ใช่หัวข้อ", "a_b_c [x](y) `z` \\*", "> ไม่ใช่"])
def test_imported_text_renders_as_written(text):
    from extract import squeeze

    html = render_narrative(text)
    assert "<em>" not in html and "<ol>" not in html and "<h1>" not in html and "<a " not in html
    import re

    assert squeeze(re.sub(r"<[^>]+>", "", html).replace("&gt;", ">")) == squeeze(text)


# --- hostile or huge exports: a clear refusal, never an internal error, in time proportional to the size -----------


def test_control_characters_are_refused_at_their_line(empty_project):
    """An escape sequence and a NUL (a damaged or edited export): refused with the line, column and character,
    nothing written. Before, the YAML the import made did not load: an internal error."""
    lines = reference_text().split("\n")
    at = next(number for number, line in enumerate(lines) if line.startswith(":: ห้องสมุดมีชีวิต หมายถึง"))
    lines[at] = lines[at].replace("หมายถึง", "\x1b[31mหมายถึง")
    lines[at + 2] = "ข้อความ\x00"
    result = import_text(empty_project, "\n".join(lines), "--lang", "en")
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert f"export.txt:{at + 1}:" in result.stderr and "U+001B" in result.stderr
    assert f"export.txt:{at + 3}:8" in result.stderr and "U+0000" in result.stderr
    assert "an export from the system never has" in result.stderr
    assert not (empty_project / FILE).exists()
    thai = import_text(empty_project, "\n".join(lines))
    assert thai.returncode == 1 and "อักขระควบคุม U+001B" in thai.stderr


def test_an_export_too_large_is_refused_before_it_is_read(empty_project):
    text = reference_text() + ("\n" + "ข้อความ" * 100) * 2000  # about 4 MB; an export is about 10 KB
    result = import_text(empty_project, text, "--lang", "en")
    assert result.returncode == 2 and "is too large to be a form exported from the system" in result.stderr
    assert not (empty_project / FILE).exists()


def test_text_the_form_cannot_take_is_explained_by_its_field(empty_project):
    """A name longer than the form takes, or more evidence lines than a form lists: the loader's own words for
    the field, located in the export, nothing written (before: an internal error)."""
    text = reference_text().replace("1. ชื่อตัวชี้วัด : 08.", "1. ชื่อตัวชี้วัด : 08. " + "ก" * 1500)
    result = import_text(empty_project, text, "--lang", "en")
    assert result.returncode == 1 and "internal error" not in result.stderr, result.stderr
    assert "export.txt" in result.stderr and "(name)" in result.stderr
    assert not (empty_project / FILE).exists()

