"""Cross-file rules and warnings: each located in the right file, at the right line; strict makes them errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from projects import dump_yaml, indicator_data

from reportgen.content.project import load_project
from reportgen.errors import ContentError
from reportgen.problems import format_problem

AFTER_FY2564 = dt.date(2022, 1, 1)


def problems(root: Path, **kwargs):
    try:
        project = load_project(root, **kwargs)
    except ContentError as error:
        return error.problems
    return list(project.warnings)


def located(problem) -> tuple:
    return (str(problem.file), problem.line, problem.field, problem.code, problem.severity)


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.split("\n"), start=1) if needle in line)


def test_same_code_twice_in_a_year_names_both_files(tmp_path, make_project):
    root = make_project(
        tmp_path,
        {
            "content/indicators/2564/08.yaml": indicator_data(),
            "content/indicators/2564/08.yml": indicator_data(),
        },
    )
    found = problems(root, today=AFTER_FY2564)
    assert [(str(p.file), p.code, p.field) for p in found] == [
        ("content/indicators/2564/08.yaml", "duplicate_code", "code"),
        ("content/indicators/2564/08.yml", "duplicate_code", "code"),
    ]
    assert "content/indicators/2564/08.yml" in found[0].message
    assert "content/indicators/2564/08.yaml" in found[1].message_en


def test_same_code_in_different_years_is_fine(tmp_path, make_project):
    root = make_project(
        tmp_path,
        {
            "content/indicators/2564/08.yaml": indicator_data(),
            "content/indicators/2565/08.yaml": indicator_data(fiscal_year=2565, quarters={"q1": {"report": "ก"}}),
        },
    )
    project = load_project(root, today=dt.date(2023, 1, 1))
    assert [entry.slug for entry in project.entries] == ["2564/08", "2565/08"]


def test_fiscal_year_disagrees_with_folder(tmp_path, make_project):
    text = dump_yaml(indicator_data())
    root = make_project(tmp_path, {"content/indicators/2565/08.yaml": text})
    (problem,) = problems(root, today=AFTER_FY2564)
    assert located(problem) == (
        "content/indicators/2565/08.yaml", line_of(text, "fiscal_year"), "fiscal_year", "year_folder_mismatch", "error"
    )
    assert "2565" in problem.message and "content/indicators/2564/" in problem.hint


def test_file_name_disagrees_with_code(tmp_path, make_project):
    text = dump_yaml(indicator_data(code="09"))
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": text})
    (problem,) = problems(root, today=AFTER_FY2564)
    assert located(problem) == ("content/indicators/2564/08.yaml", 1, "code", "file_name_mismatch", "error")
    assert "09.yaml" in problem.hint and "09" in problem.message_en


def test_file_outside_a_year_folder_is_a_warning(tmp_path, make_project):
    root = make_project(tmp_path, {"content/indicators/08.yaml": indicator_data()})
    (problem,) = problems(root, today=AFTER_FY2564)
    assert (problem.code, problem.severity) == ("not_in_year_folder", "warning")


WARNING_CASES = [
    ("question mark artifact", {"calculation": "ระหว่าง พฤษภาคม ? มิถุนายน"}, "extraction_artifact", "calculation",
     "?", "ขีด –", "dash"),
    ("replacement character", {"calculation": "นับจำนวน\ufffdห้องสมุด"}, "replacement_char", "calculation",
     "\ufffd", "�", "lost"),
    ("emoji from LINE", {"quarters": {"q1": {"report": "ผู้ใช้บริการ 1,234 คน 👍 เพิ่มขึ้น"}}}, "unprintable_char",
     "quarters.q1.report", "👍", "👍 U+1F44D", "empty box"),
    ("result far above target", {"result": 301}, "result_magnitude", "result", "301", "100 เท่า", "100 times"),
    ("result far below target", {"target": {"value": 1000, "unit": "คน"}, "result": 9}, "result_magnitude", "result",
     "9", "ผลงาน 9", "result 9"),
    ("quarter result far off", {"quarters": {"q1": {"report": "ก", "result": 5000}}}, "result_magnitude",
     "quarters.q1.result", "5000", "5000", "5000"),
    ("http evidence", {"evidence": [{"title": "ก"}, {"title": "ข", "url": "http://example.org"}]},
     "evidence_not_https", "evidence[2].url", "http://example.org", "ไม่ใช่ https", "not https"),
]


@pytest.mark.parametrize("name,overrides,code,field,column_text,th,en", WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_warnings(tmp_path, make_project, name, overrides, code, field, column_text, th, en):
    text = dump_yaml(indicator_data(**overrides))
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": text})
    project = load_project(root, today=AFTER_FY2564)  # warnings alone do not stop a build
    (problem,) = project.warnings
    assert (problem.code, problem.field, problem.severity) == (code, field, "warning")
    lines = text.split("\n")
    line = next(number for number, line in enumerate(lines, start=1) if column_text in line)
    assert (problem.line, problem.column) == (line, lines[line - 1].index(column_text) + 1)
    assert th in format_problem(problem, "th") and en in format_problem(problem, "en")
    with pytest.raises(ContentError) as raised:
        load_project(root, strict=True, today=AFTER_FY2564)
    assert [(p.code, p.severity) for p in raised.value.problems] == [(code, "error")]


def test_future_quarter_uses_the_fiscal_calendar(tmp_path, make_project):
    data = indicator_data(quarters={"q1": {"report": "ก"}, "q2": {"report": "ข"}, "summary": "สรุป"})
    text = dump_yaml(data)
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": text})
    # Q1 of FY2564 ends 31 Dec 2020: on that day it is still running; on 1 January it has ended.
    found = problems(root, today=dt.date(2020, 12, 31))
    assert [(p.code, p.field, p.line) for p in found] == [
        ("future_quarter", "quarters.q1", line_of(text, "q1:")),
        ("future_quarter", "quarters.q2", line_of(text, "q2:")),
        ("future_summary", "quarters.summary", line_of(text, "summary:")),
    ]
    assert "31 ธันวาคม 2563" in found[0].message and "2020-12-31" in found[0].message_en
    assert [p.field for p in problems(root, today=dt.date(2021, 1, 1))] == ["quarters.q2", "quarters.summary"]
    assert problems(root, today=dt.date(2021, 10, 1)) == []


def test_every_character_the_form_cannot_print_is_named_once_per_text(tmp_path, make_project):
    report = "สรุปจากไลน์ 👍 ผู้ใช้บริการ 😀 เพิ่มขึ้น 👍\u2028บรรทัดใหม่"
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": indicator_data(
        quarters={"q1": {"report": report, "result": 1}}, supporting_factors="ปัจจัย ✓ ครบ")})
    found = [problem for problem in problems(root, today=AFTER_FY2564) if problem.code == "unprintable_char"]
    assert [(problem.field, problem.params["chars"]) for problem in found] == [
        ("quarters.q1.report", "👍 U+1F44D 😀 U+1F600 U+2028"),  # a line separator shows nothing: its code alone
        ("supporting_factors", "✓ U+2713"),
    ]


def test_the_real_forms_print_every_character_they_hold(tmp_path, make_project):
    # The reference form's text (Thai, Thai digits, – “ ” …, ☐ ☑ from the symbols font) prints as it is written.
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": indicator_data(
        calculation="นับ ๐๘ “ห้องสมุด” – ร้อยละ 36.00… ☐ ☑ ํา ฿ × ·\tแท็บ\n\uf0b7\tข้อจาก Word\n✓ ข้อที่มีเครื่องหมาย")})
    # Word's U+F0B7 and ✓ at the start of a narrative's line are list bullets: the list draws its own.
    assert [problem for problem in problems(root, today=AFTER_FY2564) if problem.code == "unprintable_char"] == []


def test_real_dash_is_not_an_artifact(tmp_path, make_project):
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": indicator_data(calculation="พฤษภาคม – มิถุนายน ใช่ไหม?")})
    assert problems(root, today=AFTER_FY2564) == []


def test_entries_sorted_and_warnings_attached(tmp_path, make_project):
    root = make_project(
        tmp_path,
        {
            "content/indicators/2565/02.yaml": indicator_data(code="02", fiscal_year=2565),
            "content/indicators/2564/10.yaml": indicator_data(code="10"),
            "content/indicators/2564/09.yaml": indicator_data(code="09", result=1000),
        },
    )
    project = load_project(root, today=dt.date(2020, 11, 1))
    assert [entry.slug for entry in project.entries] == ["2564/09", "2564/10", "2565/02"]
    assert {(str(p.file), p.code) for p in project.warnings} >= {
        ("content/indicators/2564/09.yaml", "result_magnitude"),
        ("content/indicators/2565/02.yaml", "future_quarter"),
    }


def test_invalid_files_skip_cross_file_rules_but_all_are_reported(tmp_path, make_project):
    root = make_project(
        tmp_path,
        {
            "content/indicators/2564/08.yaml": indicator_data(result="สาม"),
            "content/indicators/2564/09.yaml": indicator_data(code="09", fiscal_year=2563),
            "content/indicators/2564/10.yaml": indicator_data(code="10", evidence=[{"title": "ก", "url": "http://x.org"}]),
        },
    )
    found = problems(root, today=AFTER_FY2564)
    assert [(str(p.file), p.code, p.severity) for p in found] == [
        ("content/indicators/2564/08.yaml", "not_number", "error"),
        ("content/indicators/2564/09.yaml", "year_folder_mismatch", "error"),
        ("content/indicators/2564/10.yaml", "evidence_not_https", "warning"),
    ]


def test_open_data_licence_and_publisher_left_unset_are_warnings(tmp_path, make_project):
    from projects import real_site

    site = {key: value for key, value in real_site().items() if key not in ("data_license", "publisher")}
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": indicator_data()})
    (root / "content" / "site.yaml").write_text(dump_yaml(site), encoding="utf-8")
    project = load_project(root, today=AFTER_FY2564)  # the build goes on, with CC-BY-4.0 and the agency
    assert project.site.data_license == "CC-BY-4.0" and project.site.publisher is None
    found = [(str(p.file), p.field, p.code, p.severity) for p in project.warnings]
    assert found == [("content/site.yaml", "data_license", "data_license_unset", "warning"),
                     ("content/site.yaml", "publisher", "publisher_unset", "warning")]
    license_warning, publisher_warning = project.warnings
    assert "สัญญาอนุญาต" in format_problem(license_warning, "th") and "data_license: CC-BY-4.0" in format_problem(license_warning, "th")
    assert "no licence is chosen" in format_problem(license_warning, "en")
    assert "อีเมลติดต่อ" in format_problem(publisher_warning, "th") and site["agency"] in format_problem(publisher_warning, "en")
    with pytest.raises(ContentError):
        load_project(root, strict=True, today=AFTER_FY2564)
    # Written, even as the default, the licence is a choice: no warning.
    (root / "content" / "site.yaml").write_text(dump_yaml(real_site()), encoding="utf-8")
    assert problems(root, today=AFTER_FY2564) == []


def test_publisher_email_must_be_an_address(tmp_path, make_project):
    from projects import real_site

    site = real_site() | {"publisher": {"name": "กองห้องสมุด", "email": "library at bangkok"}}
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": indicator_data()})
    text = dump_yaml(site)
    (root / "content" / "site.yaml").write_text(text, encoding="utf-8")
    (problem,) = problems(root, today=AFTER_FY2564)
    assert located(problem) == ("content/site.yaml", line_of(text, "email:"), "publisher.email", "email_invalid", "error")
    assert "อีเมลไม่ถูกต้อง" in format_problem(problem, "th") and "not an e-mail address" in format_problem(problem, "en")
