"""Plausibility across fields (issue 25): each slip a warning at its line with the fix, in Thai and English; the
legitimate texts and figures beside them (the false alarms) stay silent."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from projects import dump_yaml, indicator_data, run_reportgen

from reportgen.content.project import load_project
from reportgen.problems import format_problem

AFTER_FY2564 = dt.date(2022, 1, 1)
DECEMBER_2569 = dt.date(2026, 12, 15)  # fiscal year 2570, quarter 1 running
NEW_CODES = {"result_fraction_for_percent", "result_scale_of_quarters", "result_differs_from_quarter",
             "carried_over", "fiscal_year_not_started", "quarter_in_ended_year"}


def percent(**changes) -> dict:
    """Indicator 08 as a percentage: ร้อยละ 85 of those asked are satisfied."""
    data = indicator_data(target={"value": 85, "unit": "ร้อยละ"}, result=None)
    data["quarters"] = {"q1": {"report": "ก", "result": 86}, "q2": {"report": "ข", "result": 87}}
    data.update(changes)
    return data


def with_quarters(data: dict, **quarters) -> dict:
    data = copy.deepcopy(data)
    for name, result in quarters.items():
        data["quarters"][name]["result"] = result
    return data


def year(data: dict, fiscal_year: int) -> dict:
    return {**copy.deepcopy(data), "fiscal_year": fiscal_year}


def new_year_copy() -> dict:
    data = year(indicator_data(), 2565)
    data["quarters"] = {"q1": {"report": "ปีใหม่", "result": 5}}
    data["result"] = 5
    return data


def q1_only(fiscal_year: int) -> dict:
    data = year(indicator_data(result=None), fiscal_year)
    data["quarters"] = {"q1": {"report": "ไตรมาสแรก", "result": 1}}
    return data


#: (slip, files under content/indicators/, today, the file, the field, words in Thai, words in English)
SLIPS = [
    ("fraction typed for a percentage", {"2564/08.yaml": with_quarters(percent(), q2=0.87)}, AFTER_FY2564,
     "quarters.q2.result", "ให้เขียน 87", "write 87"),
    ("top-level fraction", {"2564/08.yaml": percent(result=0.87, quarters={"q1": {"report": "ก"}})}, AFTER_FY2564,
     "result", "ให้เขียน 87", "write 87"),
    ("quarter on another scale", {"2564/08.yaml": with_quarters(percent(), q2=1.5)}, AFTER_FY2564,
     "quarters.q2.result", "เกิน 20 เท่า", "more than 20 times"),
    ("result against the latest quarter", {"2564/08.yaml": indicator_data(result=30)}, AFTER_FY2564, "result",
     "แก้เป็น result: 36", "write result: 36"),
    ("supporting factors copied", {"2564/08.yaml": indicator_data(), "2565/08.yaml": new_year_copy()},
     dt.date(2022, 2, 1), "supporting_factors", "ข้อ 7 เหมือนของปีงบประมาณ 2564", "section 7 is word for word"),
    ("evidence copied", {"2564/08.yaml": indicator_data(), "2565/08.yaml": new_year_copy()},
     dt.date(2022, 2, 1), "evidence", "ข้อ 9 เหมือนของปีงบประมาณ 2564", "section 9 is word for word"),
    ("calendar year for the fiscal year", {"2569/08.yaml": q1_only(2569)}, DECEMBER_2569, "quarters.q1",
     "แก้ fiscal_year เป็น 2570", "write fiscal_year: 2570"),
    ("fiscal year not started", {"2571/08.yaml": q1_only(2571)}, DECEMBER_2569, "fiscal_year",
     "ยังไม่เริ่ม", "has not started yet"),
]


@pytest.mark.parametrize("slip, files, today, field, thai, english", SLIPS, ids=[slip[0] for slip in SLIPS])
def test_each_slip_is_a_warning_at_its_line_with_the_fix(tmp_path, make_project, slip, files, today, field, thai,
                                                         english):
    written = {f"content/indicators/{name}": dump_yaml(data) for name, data in files.items()}
    root = make_project(tmp_path, written)
    warnings = [p for p in load_project(root, today=today).warnings if p.code in NEW_CODES and p.field == field]
    assert len(warnings) == 1, [(p.code, p.field) for p in load_project(root, today=today).warnings]
    (warning,) = warnings
    assert warning.severity == "warning" and warning.line is not None
    text = written[f"content/indicators/{str(warning.file).split('indicators/')[1]}"]
    key = field.split(".")[-1]
    assert f"{key}:" in text.split("\n")[warning.line - 1], (warning.line, text)  # at the field's own line
    assert thai in format_problem(warning, "th") and english in format_problem(warning, "en")


#: Legitimate figures and texts: no plausibility warning, and the narratives print as typed (tests/test_narrative.py).
FALSE_ALARMS = [
    ("a genuine small percentage", {"2564/08.yaml": percent(
        target={"value": 2, "unit": "ร้อยละ", "direction": "at_most"},
        quarters={"q1": {"report": "ร้อยละ 0.4 ของคำขอ", "result": 0.4}, "q2": {"report": "ข", "result": 0.5}},
    )}),
    ("a ceiling target", {"2564/08.yaml": indicator_data(target={"value": 5, "unit": "เรื่อง", "direction": "at_most"},
                                                          result=None)}),
    ("a percentage growing within scale", {"2564/08.yaml": with_quarters(percent(), q1=40, q2=85)}),
    ("the real list, footnote, x and Thai number", {"2564/08.yaml": indicator_data(
        supporting_factors="ดังนี้\n1. จัดกิจกรรม\n2. อบรม\nผลงาน 36 แห่ง*\n* ข้อมูล ณ 30 ก.ย. 2564\n"
                           "คำนวณจาก 36 x 100 / 40\n๒๕๖๔ เป็นปีที่ห้องสมุดปิดบริการ")}),
    ("a new year rewritten", {"2564/08.yaml": indicator_data(), "2565/08.yaml": {
        **new_year_copy(), "supporting_factors": "ปีนี้มีงบประมาณเพิ่ม", "evidence": [{"title": "รายงานปี 2565"}]}}),
    ("the same empty obstacles both years", {"2564/08.yaml": indicator_data(), "2565/08.yaml": {
        **new_year_copy(), "supporting_factors": "ใหม่", "evidence": [{"title": "ใหม่"}], "obstacles": ""}}),
    ("an old year, complete", {"2564/08.yaml": indicator_data()}),
]


@pytest.mark.parametrize("case, files", FALSE_ALARMS, ids=[case[0] for case in FALSE_ALARMS])
def test_false_alarms_stay_silent(tmp_path, make_project, case, files):
    root = make_project(tmp_path, {f"content/indicators/{name}": data for name, data in files.items()})
    for today in (AFTER_FY2564, DECEMBER_2569):
        assert [p.code for p in load_project(root, today=today).warnings if p.code in NEW_CODES] == []


@pytest.mark.parametrize("lang, words", [("th", "แก้เป็น result: 36"), ("en", "write result: 36")])
def test_check_prints_the_warning_and_its_fix(tmp_path, make_project, lang, words):
    root = make_project(tmp_path, {"content/indicators/2564/08.yaml": indicator_data(result=30)})
    result = run_reportgen("check", "--lang", lang, cwd=root)
    assert result.returncode == 0 and "08.yaml:" in result.stdout + result.stderr
    assert words in result.stdout + result.stderr
