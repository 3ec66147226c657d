"""The message catalogue and the compiler-style format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen import wording
from reportgen.errors import ContentError, OutputError, Problem, RenderError, ReportgenError, UsageError
from reportgen.problems import format_problem, problem_json, summarize
from reportgen.wording import Localized

FILE = Path("content/indicators/2564/08.yaml")


def test_exit_codes():
    assert (ReportgenError.exit_code, UsageError.exit_code, ContentError.exit_code) == (2, 2, 1)
    assert (RenderError.exit_code, OutputError.exit_code) == (1, 2)
    assert issubclass(ContentError, ReportgenError)


@pytest.mark.parametrize("code", sorted(wording.catalog()))
def test_every_message_has_thai_and_english_without_jargon(code):
    entry = wording.catalog()[code]
    # Thai, unless the entry holds no words at all (only fields, names and signs: "{key}: ...")
    assert re.search(r"[\u0E00-\u0E7F]", entry.th) or not re.search(r"[a-z]{2,}", re.sub(r"\{[^}]*\}|[A-Z_]+", "", entry.en))
    for message, hint in ((entry.th, entry.hint_th), (entry.en, entry.hint_en)):
        for text in (message, hint or ""):
            for jargon in ("NoneType", "Decimal", "pydantic", "dict", "bool", "literal", "validation", "str "):
                assert jargon not in text, (code, text)
    # Every field a template uses must render (missing parameters show as "?" rather than crashing).
    for lang in ("th", "en"):
        message, _ = wording.render(code, {}, lang)
        assert message


def test_unknown_code_falls_back_to_generic_message():
    problem = Problem.create("no_such_code", FILE, line=3, column=1, found=Localized("x", "x"), detail="d")
    assert problem.message.startswith("ค่าไม่ถูกต้อง") and problem.message_en.startswith("invalid value")


def test_user_text_with_braces_is_not_interpreted():
    problem = Problem.create("unsafe_url", FILE, url="{key} {0} %s")
    assert "{key} {0} %s" in problem.message


def test_format_like_a_compiler_with_thai_marks_under_the_caret():
    problem = Problem.create(
        "not_number",
        FILE,
        field="target.value",
        line=12,
        column=19,
        source_line="  ชื่อที่: value: สาม",
        key="value",
        found=Localized('"สาม" (ข้อความ)', '"สาม" (text)'),
    )
    text = format_problem(problem, "th")
    lines = text.split("\n")
    assert lines[0] == "content/indicators/2564/08.yaml:12:19: ผิดพลาด: 5. เป้าหมาย › ค่าเป้าหมาย (target.value)"
    assert lines[1] == '  ต้องเป็นตัวเลขไม่ติดลบ แต่พบ "สาม" (ข้อความ)'
    assert lines[2] == "   12 |   ชื่อที่: value: สาม"
    # ื ่ ี ่ take no column on screen: the caret sits under ส, 14 cells after the gutter.
    assert lines[3] == "      | " + " " * 14 + "^"
    assert lines[4] == "  วิธีแก้: ใส่ตัวเลข เช่น value: 3"
    english = format_problem(problem, "en")
    assert english.startswith("content/indicators/2564/08.yaml:12:19: error: 5. target › target value (target.value)\n  must be a number")
    assert "  fix: write a number, e.g. value: 3" in english


def test_format_shows_tabs_and_windows_long_lines():
    tab = Problem.create("yaml_tab", FILE, line=3, column=2, source_line=" \tvalue: 3")
    assert "    3 |  →value: 3\n      |  ^" in format_problem(tab, "en")
    long_line = "x" * 500 + "BAD" + "y" * 500
    problem = Problem.create("yaml_syntax", FILE, line=1, column=501, source_line=long_line, detail="d")
    shown, caret = format_problem(problem, "en").split("\n")[2:4]
    assert len(shown) < 120 and "BAD" in shown
    assert shown.index("BAD") == caret.index("^")


def test_format_with_color_and_warning_labels():
    problem = Problem.create("evidence_not_https", FILE, severity="warning", url="http://x")
    assert "คำเตือน:" in format_problem(problem, "th") and "warning:" in format_problem(problem, "en")
    assert "\x1b[" in format_problem(problem, "th", color=True) and "\x1b[" not in format_problem(problem, "th")


def test_as_error_and_to_dict():
    warning = Problem.create("evidence_not_https", FILE, field="evidence[1].url", line=4, column=10, severity="warning", url="http://x")
    error = warning.as_error()
    assert error.severity == "error" and error.message == warning.message
    data = problem_json(error, "en")
    assert list(data) == ["file", "line", "column", "field", "severity", "code", "message"]
    assert data["file"] == "content/indicators/2564/08.yaml" and data["message"].startswith("the evidence link")


def test_summaries():
    error = Problem.create("empty_file", FILE)
    other = Problem.create("empty_file", Path("content/site.yaml"))
    warning = Problem.create("evidence_not_https", FILE, severity="warning", url="http://x")
    assert summarize([error, error, other], "th") == "พบข้อผิดพลาด 3 รายการ ใน 2 ไฟล์"
    assert summarize([error, error, other], "en") == "3 errors in 2 files"
    assert summarize([error, warning], "th") == "พบข้อผิดพลาด 1 รายการ และคำเตือน 1 รายการ ใน 1 ไฟล์"
    assert summarize([warning], "en") == "1 warning in 1 file"
    assert summarize([], "th") == "ไม่พบข้อผิดพลาด" and summarize([], "en") == "No problems found"


def test_content_error_carries_all_problems():
    problems = [Problem.create("empty_file", FILE), Problem.create("empty_file", Path("content/site.yaml"))]
    error = ContentError(problems)
    assert error.problems == problems and "(และอีก 1 รายการ)" in str(error)


def test_plain_problem_still_constructible():
    problem = Problem(file=FILE, message="ข้อความ", field="name", line=1, column=1)
    assert problem.text("en") == "ข้อความ" and format_problem(problem, "th").startswith(str(FILE) + ":1:1: ผิดพลาด: 1. ชื่อตัวชี้วัด (name)")
