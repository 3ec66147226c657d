"""The loader: every kind of bad input gives one clear, located problem; good input loads exactly as written."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import projects
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.content.parse import MAX_DEPTH, MAX_FILE_BYTES
from reportgen.content.project import load_document, load_indicator, load_project
from reportgen.errors import ContentError, Problem
from reportgen.model import MAX_TEXT_LENGTH, Indicator, SiteSettings

FILE = "content/indicators/2564/08.yaml"


def problems_of(data: str | bytes, model=Indicator) -> list[Problem]:
    return load_document(data, model, PurePosixPath(FILE)).problems


def sub(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)

    return change


def append(extra: str) -> Callable[[str], str]:
    return lambda text: text + extra


def whole(content: str | bytes) -> Callable[[str], str | bytes]:
    return lambda text: content


SIGNOFF = "signoff:\n  name: นางสาวตัวอย่าง ใจดี\n  position: บรรณารักษ์\n  date: {}\n"


@dataclass
class Case:
    id: str
    change: Callable[[str], str | bytes]
    code: str
    field: str | None
    line_text: str | None  # the line is the first containing this; None: no line
    column_text: str | None  # the column is where this starts on that line; None: column 1
    th: str
    en: str


CASES = [
    # --- values of the wrong kind
    Case("target text", sub("  value: 3", "  value: สาม"), "not_number", "target.value", "value: สาม", "สาม",
         "ต้องเป็นตัวเลขไม่ติดลบ แต่พบ \"สาม\"", "must be a number"),
    Case("negative target", sub("  value: 3", "  value: -3"), "negative", "target.value", "value: -3", "-3",
         "ไม่ติดลบ", "must not be negative"),
    Case("negative result", sub("\nresult: 36", "\nresult: -1"), "negative", "result", "result: -1", "-1",
         "ไม่ติดลบ", "negative"),
    Case("thai digits", sub("\nresult: 36", "\nresult: ๓๖"), "number_thai_digits", "result", "result: ๓๖", "๓๖",
         "ใช้เลขอารบิก 0–9: result: 36", "use Arabic digits 0–9: result: 36"),
    Case("number with comma", sub("\nresult: 36", "\nresult: 1,036"), "number_formatted", "result", "result: 1,036",
         "1,036", "result: 1036", "without commas"),
    Case("quoted number", sub("  value: 3", '  value: "3"'), "number_quoted", "target.value", 'value: "3"', '"3"',
         "ลบเครื่องหมายคำพูด", "remove the quotes"),
    Case("infinite number", sub("  value: 3", "  value: .inf"), "not_finite", "target.value", "value: .inf", ".inf",
         "ตัวเลขจริง", "actual number"),
    Case("no as text", sub("unit: ห้อง", "unit: no"), "yaml_bool", "target.unit", "unit: no", "no",
         "unit: 'no'", "YAML reads no as false"),
    Case("yes as text", sub("calculation: นับ", "calculation: yes #นับ"), "yaml_bool", "calculation", "calculation: yes",
         "yes", "ค่าจริง/เท็จ", "reads yes as true"),
    Case("number as text", sub("unit: ห้อง", "unit: 1_000"), "yaml_number_as_text", "target.unit", "unit: 1_000",
         "1_000", "เป็นตัวเลข 1000", "reads 1_000 as the number 1000"),
    Case("date as text", sub("unit: ห้อง", "unit: 2021-10-20"), "yaml_date_as_text", "target.unit",
         "unit: 2021-10-20", "2021", "เป็นวันที่", "as a date"),
    Case("code unquoted", sub('code: "08"', "code: 8"), "code_not_text", "code", "code: 8", "8",
         "คงเลข 0 นำหน้าไว้ เช่น code: '08'", "keep its leading zero"),
    Case("code octal", sub('code: "08"', "code: 010"), "code_not_text", "code", "code: 010", "010",
         "อ่าน 010 เป็นตัวเลข 10", "reads 010 as the number 10"),
    Case("code pattern", sub('code: "08"', 'code: "0 8"'), "code_pattern", "code", "code:", '"0 8"',
         "รหัสตัวชี้วัดไม่ถูกต้อง", "invalid indicator code"),
    Case("fiscal year quoted", sub("fiscal_year: 2564", 'fiscal_year: "2564"'), "number_quoted", "fiscal_year",
         "fiscal_year:", '"2564"', "fiscal_year: 2564", "remove the quotes"),
    Case("fiscal year CE", sub("fiscal_year: 2564", "fiscal_year: 2021"), "fiscal_year_ce", "fiscal_year",
         "fiscal_year:", "2021", "ใช้ปี พ.ศ.: fiscal_year: 2564", "Buddhist-Era year: fiscal_year: 2564"),
    Case("fiscal year range", sub("fiscal_year: 2564", "fiscal_year: 3564"), "fiscal_year_range", "fiscal_year",
         "fiscal_year:", "3564", "นอกช่วง", "outside the accepted range"),
    Case("fiscal year decimal", sub("fiscal_year: 2564", "fiscal_year: 2564.5"), "not_integer", "fiscal_year",
         "fiscal_year:", "2564.5", "จำนวนเต็ม", "whole number"),
    Case("result_type thai", sub("result_type: output", "result_type: ผลผลิต"), "choice", "result_type",
         "result_type:", "ผลผลิต", "แก้เป็น result_type: output", "change it to result_type: output"),
    Case("result_type typo", sub("result_type: output", "result_type: outcom"), "choice", "result_type",
         "result_type:", "outcom", "output, outcome", "change it to result_type: outcome"),
    Case("empty value", sub("agency: สำนัก", "agency: #สำนัก"), "empty_value", "agency", "agency:", None,
         "ว่างอยู่", "is empty"),
    Case("empty text", sub("calculation: นับ", 'calculation: "" #นับ'), "too_short", "calculation", "calculation:",
         '""', "ว่างอยู่", "is empty"),
    Case("text too long", sub("calculation: นับ", "calculation: " + "ก" * (MAX_TEXT_LENGTH + 1) + "#"), "too_long",
         "calculation", "calculation:", "กก", "ไม่เกิน 20,000", "at most 20,000"),
    Case("list where mapping belongs", sub("target:\n  value: 3\n  unit: ห้อง", "target:\n  - value: 3\n  - unit: ห้อง"),
         "not_mapping", "target", "- value: 3", "-", "ต้องเป็นหัวข้อย่อย", "must be a group of sub-keys"),
    Case("text where mapping belongs", sub("  q1:\n    report: อยู่", "  q1: อยู่"), "not_mapping", "quarters.q1",
         "  q1: อยู่", "อยู่", "ต้องเป็นหัวข้อย่อย", "must be a group of sub-keys"),
    Case("mapping where list belongs", lambda text: text.split("evidence:")[0] + "evidence:\n  title: รายงาน\n",
         "not_list", "evidence", "  title: รายงาน", "title", "ต้องเป็นรายการ", "must be a list"),
    Case("text where list item mapping belongs", sub("  - title: รายงาน", "  - รายงาน"), "not_mapping", "evidence[1]",
         "  - รายงาน", "รายงาน", "ต้องเป็นหัวข้อย่อย", "must be a group of sub-keys"),
    Case("unsafe evidence url", sub("url: https://www.bangkoklibrary.go.th", "url: javascript:alert(1)"), "unsafe_url",
         "evidence[2].url", "url: javascript", "javascript", "ต้องขึ้นต้นด้วย https://", "must start with https://"),
    Case("unsafe link in text", sub("calculation: นับ", "calculation: ดู [ที่นี่](javascript:alert(1)) นับ"),
         "unsafe_url", "calculation", "calculation:", "javascript:", "javascript:alert(1)", "must start with https://"),
    Case("image in text", sub("calculation: นับ", "calculation: นับ ![รูป](https://example.org/a.png)"),
         "image_in_text", "calculation", "calculation:", "https://example.org", "ใส่รูปภาพในข้อความไม่ได้",
         "list the file as evidence"),
    # --- dates
    Case("buddhist era date", append(SIGNOFF.format("2564-10-20")), "date_buddhist_era", "signoff.date",
         "date: 2564", "2564", "ใช้ปี ค.ศ.: date: 2021-10-20", "Christian-Era year: date: 2021-10-20"),
    Case("impossible date", append(SIGNOFF.format("2021-02-30")), "date_invalid", "signoff.date", "date: 2021",
         "2021", "ไม่มีวันที่นี้จริง: 2021-02-30", "does not exist"),
    Case("impossible month", append(SIGNOFF.format("'2021-13-01'")), "date_invalid", "signoff.date", "date: '2021",
         "'2021", "เดือนต้องอยู่ระหว่าง 1 ถึง 12", "month must be 1 to 12"),
    Case("thai date text", append(SIGNOFF.format("20 ต.ค. 2564")), "date_format", "signoff.date", "date: 20",
         "20", "ปี-เดือน-วัน เช่น 2021-10-20", "year-month-day"),
    Case("day-month-year date", append(SIGNOFF.format("20/10/2564")), "date_format", "signoff.date", "date: 20",
         "20", "แก้เป็น date: 2021-10-20", "change it to date: 2021-10-20"),
    Case("date with time", append(SIGNOFF.format("2021-10-20 10:00:00")), "date_with_time", "signoff.date",
         "date: 2021", "2021", "date: 2021-10-20", "without a time"),
    # --- keys
    Case("missing key", sub("  unit: ห้อง\n", ""), "missing", "target.unit", "target:", None,
         "ขาดหัวข้อที่ต้องมี ใน target: unit", "required key missing in target: unit"),
    Case("missing keys", lambda text: text.replace("agency: สำนัก", "#").replace("\nname: จำนวน", "\n#"), "missing", None,
         'code: "08"', None, "agency (หน่วยงาน), name (1. ชื่อตัวชี้วัด)", "required key missing: agency, name"),
    Case("misspelt key", sub("quarters:", "quater:"), "unknown_key_suggest", "quater", "quater:", None,
         "หมายถึง quarters หรือไม่", "did you mean quarters?"),
    Case("misspelt key 2", sub("quarters:", "qurters:"), "unknown_key_suggest", "qurters", "qurters:", None,
         "quarters", "did you mean quarters?"),
    Case("capitalised key", sub("\nname:", "\nName:"), "unknown_key_suggest", "Name", "Name:", None,
         "หมายถึง name", "did you mean name?"),
    Case("unknown quarter", sub("  q4:", "  q5:"), "unknown_key", "quarters.q5", "  q5:", "q5",
         "หัวข้อที่ใช้ได้: q1, q2, q3, q4, summary", "allowed here: q1, q2, q3, q4, summary"),
    Case("thai key", sub("\nname:", "\nชื่อตัวชี้วัด:"), "unknown_key_thai", "ชื่อตัวชี้วัด", "ชื่อตัวชี้วัด:", None,
         "แก้เป็น name:", "is the key name"),
    Case("thai nested key", sub("  unit: ห้อง", "  หน่วยนับ: ห้อง"), "unknown_key_thai", "target.หน่วยนับ",
         "หน่วยนับ:", "หน่วยนับ", "คือหัวข้อ unit", "is the key unit"),
    Case("duplicate key", sub("result_type: output", "result_type: output\nname: ชื่อซ้ำ"), "duplicate_key", "name",
         "name: ชื่อซ้ำ", None, "เขียนไว้แล้วที่บรรทัด 6", "already written on line 6"),
    # --- YAML syntax
    Case("tab indentation", sub("  value: 3", "\tvalue: 3"), "yaml_tab", None, "\tvalue", None,
         "Tab", "indent with spaces"),
    Case("tab after spaces", sub("  value: 3", "  \tvalue: 3"), "yaml_tab", None, "\tvalue", "\t",
         "Tab", "Tab"),
    Case("unclosed quote", sub("unit: ห้อง", 'unit: "ห้อง'), "yaml_unclosed_quote", None, 'unit: "', '"',
         "เปิดเครื่องหมายคำพูด \" ที่บรรทัด 24 แต่ไม่ได้ปิด", "opened on line 24 is never closed"),
    Case("unclosed single quote", sub("calculation: นับ", "calculation: 'นับ"), "yaml_unclosed_quote", None,
         "calculation: '", "'", "ไม่ได้ปิด", "never closed"),
    Case("colon in text", sub("calculation: นับ", "calculation: หมายเหตุ: นับ"), "yaml_colon", None, "calculation:",
         ": นับ", "เครื่องหมายคำพูด", "put the whole text in quotes"),
    Case("bad indentation", sub("  unit: ห้อง", " unit: ห้อง"), "yaml_indent", None, " unit:", "unit",
         "การเยื้องบรรทัด", "indentation"),
    Case("unclosed bracket", sub("calculation: นับ", "calculation: [นับ"), "yaml_unclosed_bracket", None,
         "calculation: [", "[", "เปิดวงเล็บ [ ที่บรรทัด 20", "bracket [ opened on line 20"),
    Case("markdown emphasis first", sub("calculation: นับ", "calculation: *นับ* จำนวน"), "yaml_alias", None,
         "calculation: *", "*", "*ตัวเอียง*", "put the whole text in quotes"),
    Case("at sign first", sub("calculation: นับ", "calculation: @นับ"), "yaml_special_start", None, "calculation: @",
         "@", "ขึ้นต้นด้วย @", "starting with @"),
    Case("tag", sub("calculation: นับ", "calculation: !ด่วน นับ"), "yaml_tag", None, "calculation: !", "!",
         "ขึ้นต้นด้วย !", "starting with !"),
    Case("custom tag", sub("calculation: นับ", "calculation: !x นับ"), "yaml_tag", "calculation", "calculation: !", "!",
         "ขึ้นต้นด้วย !", "starting with !"),
    Case("bad escape", sub("calculation: นับ", 'calculation: "C:\\new\\qt" #นับ'), "yaml_escape", None,
         "calculation:", "\\q", "\\", "backslash"),
    Case("two documents", append("---\ncode: '09'\n"), "yaml_multiple_documents", None, "---", None,
         "มากกว่าหนึ่งชุด", "more than one document"),
    Case("control character", sub("calculation: นับ", "calculation: นับ\x07"), "yaml_bad_char", None, "calculation:",
         "\x07", "U+0007", "control character"),
    Case("alias bomb", whole("a: &a [lol, lol]\nb: &b [*a, *a]\nc: [*b, *b]\n"), "yaml_alias", None, "a: &a", "&a",
         "anchor/alias", "does not allow them"),
    Case("alias", sub("calculation: นับ", "calculation: &x นับ"), "yaml_alias", None, "calculation: &", "&",
         "& หรือ *", "& or *"),
    Case("too deep", whole("a: " + "[" * (MAX_DEPTH - 1) + "[x" + "]" * 60 + "\n"), "yaml_too_deep", None, "a: ",
         "[x", "ลึกเกินไป", "nested too deeply"),
    Case("tab inside text", sub("calculation: นับ", "calculation: นับ\tจำนวน"), "yaml_tab_in_text", None,
         "calculation:", "\t", "Tab อยู่กลางข้อความ", "replace the Tab with a space"),
    Case("text after quote", sub("calculation: นับ", 'calculation: "ร่าง" นับ'), "yaml_text_after_quote", None,
         "calculation:", '"', "ข้อความต่อท้าย", "text after the closing quote"),
    Case("dash after key", sub("calculation: นับ", "calculation: - นับ"), "yaml_special_start", None,
         "calculation:", "-", "ขึ้นต้นด้วย -", "starting with -"),
    Case("bracket first", sub("calculation: นับ", "calculation: [ร่าง] นับ"), "yaml_special_start", None,
         "calculation: [", "[", "ขึ้นต้นด้วย [", "starting with ["),
    # --- the file as a whole
    Case("empty file", whole(""), "empty_file", None, "", None, "ไฟล์ว่าง", "the file is empty"),
    Case("only comments", whole("# ยังไม่ได้เขียน\n\n"), "empty_file", None, "# ยัง", None, "ไฟล์ว่าง", "empty"),
    Case("top-level list", whole("- code: '08'\n- name: x\n"), "top_not_mapping", None, "- code", None,
         "แต่พบ รายการ", "but it is a list"),
    Case("top-level text", whole("ตัวชี้วัดที่ 08\n"), "top_not_mapping", None, "ตัวชี้วัด", None,
         "ชื่อหัวข้อ: ค่า", "key: value"),
    Case("non-utf8", lambda text: text.encode().replace("unit: ห้อง".encode(), b"unit: " + "ห้อง".encode("tis-620")),
         "not_utf8", None, "unit: ", "\ufffd", "ไม่ได้บันทึกเป็น UTF-8", "not saved as UTF-8"),
    Case("utf-16", lambda text: text.encode("utf-16"), "utf16", None, None, None, "UTF-16", "UTF-16"),
    Case("2 MB narrative", sub("calculation: นับ", "calculation: " + "ก" * (2 * 1024 * 1024 // 3) + " นับ"),
         "file_too_large", None, None, None, "ไม่เกิน 1 MB", "at most 1 MB"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_gives_one_located_problem(case: Case, real_indicator_text: str):
    data = case.change(real_indicator_text)
    problems = problems_of(data)
    assert [problem.code for problem in problems] == [case.code], [p.format("en") for p in problems]
    problem = problems[0]
    assert str(problem.file) == FILE
    assert problem.field == case.field
    assert problem.severity == "error"
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if case.line_text is None:
        assert problem.line is None
    else:
        lines = text.replace("\r\n", "\n").split("\n")
        line = next(number for number, line in enumerate(lines, start=1) if case.line_text in line)
        column = 1 if case.column_text is None else lines[line - 1].index(case.column_text) + 1
        assert (problem.line, problem.column) == (line, column), problem.format("en")
        assert problem.source_line == lines[line - 1][:500] or problem.source_line == lines[line - 1]
    assert case.th in problem.text("th") + " " + (problem.hint_text("th") or ""), problem.format("th")
    assert case.en in problem.text("en") + " " + (problem.hint_text("en") or ""), problem.format("en")
    # Words a non-programmer can act on: no Python or pydantic vocabulary.
    for text in (problem.format("th"), problem.format("en")):
        for jargon in ("NoneType", "Decimal", "pydantic", "dict", "str_type", "Traceback", "is_instance"):
            assert jargon not in text


def test_thai_message_example_shape(real_indicator_text: str):
    (problem,) = problems_of(real_indicator_text.replace("  value: 3", "  value: สาม"))
    assert problem.format("th") == (
        "content/indicators/2564/08.yaml:23:10: ผิดพลาด: 5. เป้าหมาย › ค่าเป้าหมาย (target.value)\n"
        '  ต้องเป็นตัวเลขไม่ติดลบ แต่พบ "สาม" (ข้อความ)\n'
        "   23 |   value: สาม\n"
        "      |          ^\n"
        "  วิธีแก้: ใส่ตัวเลข เช่น value: 3"
    )


def test_non_utf8_reports_byte_offset(real_indicator_text: str):
    data = real_indicator_text.encode().replace("unit: ห้อง".encode(), b"unit: \xcb\xe9\xcd\xa7")
    (problem,) = problems_of(data)
    assert problem.params["offset"] == data.index(b"\xcb")
    assert problem.params["byte"] == "0xCB"
    assert "Notepad" in problem.hint


def test_every_undecodable_line_is_reported():
    data = b"code: '08'\nname: \xff\nagency: \xfe\xfe\n"
    problems = problems_of(data)
    assert [(p.code, p.line, p.column) for p in problems] == [("not_utf8", 2, 7), ("not_utf8", 3, 9)]


def test_every_tab_indented_line_is_reported():
    problems = problems_of("code: '08'\ntarget:\n\tvalue: 3\n\tunit: ห้อง\n")
    assert [(p.code, p.line, p.column) for p in problems] == [("yaml_tab", 3, 1), ("yaml_tab", 4, 1)]


def test_tab_inside_quoted_or_block_text_is_fine(real_indicator_text: str):
    text = real_indicator_text.replace("calculation: นับ", 'calculation: "นับ\tจำนวน"\nx: |\n  ก\tข\n#')
    text = text.replace("\nx: |\n  ก\tข\n#", "\nobstacles: |\n  ก\tข\n#").replace('obstacles: ""\n', "")
    indicator = load_indicator(text)
    assert indicator.calculation.startswith("นับ\tจำนวน")
    assert indicator.obstacles == "ก\tข"


def test_duplicate_key_names_both_lines(real_indicator_text: str):
    text = real_indicator_text.replace("  unit: ห้อง", "  unit: ห้อง\n  value: 4")
    (problem,) = problems_of(text)
    assert (problem.code, problem.field, problem.line, problem.column) == ("duplicate_key", "target.value", 25, 3)
    assert "บรรทัด 23" in problem.message and "line 23" in problem.message_en


def test_three_mistakes_give_three_problems(real_indicator_text: str):
    text = (
        real_indicator_text.replace("  value: 3", "  value: สาม")
        .replace("quarters:", "quater:")
        .replace("url: https://www.bangkoklibrary.go.th", "url: ftp://files")
    )
    problems = problems_of(text)
    assert sorted((p.code, p.field) for p in problems) == [
        ("not_number", "target.value"),
        ("unknown_key_suggest", "quater"),
        ("unsafe_url", "evidence[2].url"),
    ]


def test_site_settings_problems():
    problems = problems_of("agency: x\nsite_title: y\nbase_url: www.example.org\ndigits: thaii\n", SiteSettings)
    assert sorted((p.code, p.field, p.line) for p in problems) == [
        ("choice", "digits", 4),
        ("unsafe_url", "base_url", 3),
    ]
    assert "digits: thai" in problems[1].hint_text("th") + problems[0].hint_text("th")


# --- good input --------------------------------------------------------------------------------------------------


def test_real_indicator_loads_exactly(real_indicator_text: str):
    indicator = load_indicator(real_indicator_text)
    assert indicator.code == "08" and indicator.fiscal_year == 2564
    assert "บรรณิทรรศน์" in indicator.quarters.q3.report
    assert "ยืม – คืน" in indicator.supporting_factors
    assert "พฤษภาคม – มิถุนายน 2564" in indicator.quarters.q3.report
    assert str(indicator.target.value) == "3" and str(indicator.result) == "36"


def test_crlf_and_bom_load_identically(real_indicator_text: str):
    plain = load_document(real_indicator_text, Indicator, PurePosixPath(FILE))
    windows_bytes = b"\xef\xbb\xbf" + real_indicator_text.replace("\n", "\r\n").encode("utf-8")
    windows = load_document(windows_bytes, Indicator, PurePosixPath(FILE))
    assert windows.problems == [] and windows.model == plain.model
    for path, located in plain.positions.items():
        other = windows.positions[path]
        assert (located.node.start_mark.line, located.node.start_mark.column) == (
            other.node.start_mark.line,
            other.node.start_mark.column,
        ), path


def test_crlf_file_errors_have_right_lines(real_indicator_text: str):
    text = real_indicator_text.replace("  value: 3", "  value: สาม").replace("\n", "\r\n")
    (problem,) = problems_of(b"\xef\xbb\xbf" + text.encode())
    assert (problem.line, problem.column) == (23, 10)
    assert problem.source_line == "  value: สาม"


def test_thai_text_is_not_normalised():
    decomposed = "\u0e19\u0e4d\u0e32"  # NIKHAHIT + SARA AA: what NFKC makes of SARA AM
    text = f"ท\u0e33 {decomposed}"
    indicator = load_indicator(
        "code: '08'\nfiscal_year: 2564\nagency: ก\nname: " + text + "\nresult_type: output\n"
        "definition: ก\ncalculation: ก\ntarget: {value: 1, unit: ห้อง}\n"
    )
    assert indicator.name == text
    assert "\u0e33" in indicator.name


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    start = time.perf_counter()
    problems = problems_of("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1
    assert [problem.code for problem in problems] == ["yaml_alias"]


def test_file_over_limit_is_refused_before_parsing(tmp_path: Path, make_project):
    root = make_project(tmp_path, {FILE: "name: [" * (MAX_FILE_BYTES // 7 + 10)})
    with pytest.raises(ContentError) as raised:
        load_project(root)
    (problem,) = raised.value.problems
    assert problem.code == "file_too_large" and str(problem.file) == FILE


# --- the project -------------------------------------------------------------------------------------------------


def test_real_project_loads_with_no_problems():
    root = Path(__file__).resolve().parent.parent
    project = load_project(root)
    assert project.warnings == ()
    assert [entry.slug for entry in project.entries] == ["2564/08"]
    assert project.entries[0].source == PurePosixPath(FILE)
    assert project.site.digits == "arabic"


def test_all_files_reported_at_once(tmp_path: Path, make_project, real_indicator_text: str):
    root = make_project(
        tmp_path,
        {
            "content/site.yaml": "agency: x\nsite_title: y\nbase_url: https://x.org/\ndigits: roman\n",
            FILE: real_indicator_text.replace("  value: 3", "  value: สาม"),
            "content/indicators/2564/09.yaml": real_indicator_text.replace('"08"', '"09"').replace("\tx", "")
            + "extra: 1\n",
            "content/indicators/2565/01.yaml": "",
        },
    )
    with pytest.raises(ContentError) as raised:
        load_project(root)
    found = [(str(p.file), p.code) for p in raised.value.problems]
    assert found == [
        ("content/site.yaml", "choice"),
        (FILE, "not_number"),
        ("content/indicators/2564/09.yaml", "unknown_key"),
        ("content/indicators/2565/01.yaml", "empty_file"),
    ]


def test_paths_limit_the_files_loaded(tmp_path: Path, make_project, monkeypatch):
    root = make_project(tmp_path, {FILE: "", "content/indicators/2564/09.yaml": "code: [\n"})
    monkeypatch.chdir(root)
    with pytest.raises(ContentError) as raised:
        load_project(root, [Path("content/indicators/2564/09.yaml")])
    assert {str(p.file) for p in raised.value.problems} == {"content/indicators/2564/09.yaml"}


def test_path_outside_content_is_a_usage_error(tmp_path: Path, make_project):
    from reportgen.errors import UsageError

    root = make_project(tmp_path, {})
    (tmp_path / "other.yaml").write_text("code: '08'\n")
    with pytest.raises(UsageError):
        load_project(root, [tmp_path / "other.yaml"])
    with pytest.raises(UsageError):
        load_project(root, [root / "content" / "indicators" / "missing.yaml"])
    with pytest.raises(UsageError):
        load_project(tmp_path / "nowhere")


# --- property tests: the loader only ever returns a model or raises ContentError -------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(["08", "2564", "no", "2021-02-30", "https://x", "javascript:x", "![a](b)", "*x*", "ำ"]),
)
keys = st.one_of(
    st.sampled_from(["code", "fiscal_year", "name", "target", "value", "quarters", "q1", "report", "evidence", "url"]),
    st.text(min_size=1, max_size=10),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)


def _accepts_or_content_error(data: str | bytes) -> None:
    try:
        result = load_indicator(data)
    except ContentError as error:
        assert error.problems and all(isinstance(p, Problem) for p in error.problems)
        for problem in error.problems:
            problem.format("th")
            problem.format("en")
    else:
        assert isinstance(result, Indicator)


@settings(max_examples=150, deadline=None)
@given(documents)
def test_property_arbitrary_yaml_documents(document):
    _accepts_or_content_error(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(keys, documents, max_size=8))
def test_property_arbitrary_yaml_mappings(document):
    _accepts_or_content_error(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


INSERTS = st.one_of(
    st.sampled_from(["\t", '"', "'", ":", ": ", "- ", "#", "&", "*", "!", "@", "[", "{", "}", "|", ">", "%", "\\",
                     "\u0e33", "\u0e34", "\u0e48", "ก", "\ufffd", "\ufeff", "\r", "\x00", "---", "  ", "no", "010"]),
    st.text(max_size=5),
)


@st.composite
def mutated_real_file(draw, text: str):
    lines = text.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "bytes"]))
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if kind == "delete" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif kind == "insert":
            line = lines[index]
            at = draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:at] + draw(INSERTS) + line[at:]
    data = "\n".join(lines).encode("utf-8")
    if draw(st.booleans()) and draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    return data


REAL_TEXT = projects.REAL_INDICATOR.read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(mutated_real_file(REAL_TEXT))
def test_property_mutations_of_the_real_file(data: bytes):
    _accepts_or_content_error(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated_real_file(REAL_TEXT))
def test_property_mutations_through_load_project(tmp_path: Path, make_project, data: bytes):
    root = make_project(tmp_path, {FILE: data})
    try:
        project = load_project(root)
    except ContentError as error:
        assert error.problems
    else:
        assert len(project.entries) == 1


# --- libyaml and the pure-Python parser read every file alike ---------------------------------------------------


def _parsed_both_ways(data: bytes) -> tuple[list, list]:
    """(problems, data) of ``data`` parsed with libyaml's parser, then with the pure-Python one only."""
    import reportgen.content.parse as parse

    def outcome() -> list:
        doc = parse.parse_document(data, PurePosixPath(FILE))
        problems = [(p.code, p.line, p.column, p.field, p.format("en")) for p in doc.problems]
        positions = {path: doc.position(path) + doc.position(path, at="key") for path in doc.positions}
        return [problems, repr(doc.data), positions]

    assert parse._FastLoader is not None, "PyYAML without libyaml: this test compares the two parsers"
    fast = outcome()
    saved = parse._FastLoader
    parse._FastLoader = None
    try:
        slow = outcome()
    finally:
        parse._FastLoader = saved
    return fast, slow


@settings(max_examples=400, deadline=None)
@given(mutated_real_file(REAL_TEXT))
def test_property_libyaml_and_python_parse_mutations_alike(data: bytes):
    fast, slow = _parsed_both_ways(data)
    assert fast == slow


@pytest.mark.parametrize(
    "change",
    [
        sub("calculation: นับ", "calculation: นับ\tจำนวน"),  # libyaml accepts a tab in plain text, PyYAML does not
        sub("definition: >-", "definition: >-#"),  # nor a comment glued to a block header
        sub("  value: 3", "  value: &x 3\n  unit: *x"),
        append("---\nsecond: document\n"),
        append("extra: [1, {2: 3}, [[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]\n"),
        sub('code: "08"', 'code: "08'),
    ],
    ids=["tab", "comment after block header", "alias", "two documents", "too deep", "unclosed quote"],
)
def test_libyaml_and_python_agree_where_they_could_differ(change, real_indicator_text: str):
    fast, slow = _parsed_both_ways(change(real_indicator_text).encode("utf-8"))
    assert fast == slow
    assert fast[0], "each of these files has a problem"
