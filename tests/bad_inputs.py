"""The loader's table of bad input: one change to the real indicator file each, and the one problem it must give
(kind, field, line, column, Thai and English words). ``content/test_project.py`` checks each against the loader,
``test_cli.py`` through the command line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportgen.content.parse import MAX_DEPTH
from reportgen.model import MAX_TEXT_LENGTH

FILE = "content/indicators/2564/08.yaml"


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
