"""authoring/canonical.py: any indicator file, or a form's values → the one canonical text, with every value exactly as
it was (the loaded models before and after are equal) and every comment a person wrote kept with its field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projects import REAL_INDICATOR, REFERENCE_FORM, REPO_ROOT, dump_yaml, indicator_data, write_project

from reportgen.authoring.canonical import canonical_document, canonical_text, text_from_values
from reportgen.commands.import_form import import_form
from reportgen.commands.new import new_indicator, new_year
from reportgen.content.project import load_document, load_indicator
from reportgen.errors import ContentError
from reportgen.model import Indicator

FILE = PurePosixPath("content/indicators/2564/08.yaml")


def model_of(text: str) -> Indicator:
    return load_indicator(text, FILE)


def assert_canonical_of(original: str) -> str:
    """The canonical text of ``original``: the same form, and a fixed point."""
    canonical = canonical_text(original, source=FILE)
    assert model_of(canonical) == model_of(original)
    assert canonical_text(canonical, source=FILE) == canonical
    return canonical


# --- What reportgen writes is canonical already -----------------------------------------------------------------


def test_the_golden_new_file_is_canonical_byte_for_byte():
    golden = (REPO_ROOT / "tests" / "authoring" / "golden" / "new-2565-09.yaml").read_text(encoding="utf-8")
    source = PurePosixPath("content/indicators/2565/09.yaml")
    assert canonical_text(golden, source=source) == golden


def test_files_new_writes_are_canonical_byte_for_byte(tmp_path):
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": REAL_INDICATOR.read_text(encoding="utf-8")})
    written = [
        new_indicator(root, "09", 2565).path,
        new_indicator(root, "08", 2565, source="2564/08").path,
        *new_year(root, 2566, 2564).written,
    ]
    for relative in written:
        text = (root / relative).read_text(encoding="utf-8")
        assert canonical_text(text, source=PurePosixPath(relative)) == text, relative


@pytest.mark.skipif(not REFERENCE_FORM.exists(), reason="the reference form is not beside the repository")
def test_the_file_import_writes_is_canonical_byte_for_byte(tmp_path):
    root = write_project(tmp_path / "p", {})
    export = root / "export.txt"
    export.write_text(REFERENCE_FORM.read_text(encoding="utf-8"), encoding="utf-8")
    report = import_form(root, export, 2564)
    text = (root / report.path).read_text(encoding="utf-8")
    assert canonical_text(text, source=PurePosixPath(report.path)) == text


def test_the_example_file_is_made_canonical_once_then_stays_with_every_value():
    original = REAL_INDICATOR.read_text(encoding="utf-8")
    canonical = assert_canonical_of(original)
    assert canonical != original  # written by hand: no descriptions, its own folding
    # Its own title line stays the title (it says where the form came from), not doubled by a plain one.
    assert canonical.splitlines()[1] == original.splitlines()[1]
    assert canonical.count("# ตัวชี้วัดที่ 08 ปีงบประมาณ พ.ศ. 2564") == 1


# --- Another editor's file --------------------------------------------------------------------------------------

ANOTHER_EDITOR = """\
# note on top: ถอดจากระบบเดิม
fiscal_year: 2564
quarters: {q2: {report: 'ไตรมาส 2'}, q1: {report: "ไตรมาส 1 # ไม่ใช่ความเห็น", result: 1.50}}
name: 'จำนวนห้องสมุด'   # ชื่อตามหนังสือสั่งการ
code: '08'
agency: "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว"
result_type: output
target: {unit: "0E0", value: 3}
definition: |
  ย่อหน้าแรก
  # บรรทัดนี้เป็นข้อความ ไม่ใช่ความเห็น

  1. ข้อหนึ่ง
calculation: "นับ"
# the list of evidence, from the old system
evidence:
  # first item note
  - url: https://www.bangkoklibrary.go.th   # ลิงก์หลัก
    title: "yes"
  - {title: '1_000', file: evidence/a.pdf}
officer:
  name: ~
# a comment at the very end
"""


def another_editor(**replace: str) -> str:
    text = ANOTHER_EDITOR
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def test_another_editors_file_becomes_canonical_with_every_value_and_comment():
    # officer.name ~ is null: not valid; the file gets a real officer name first
    original = another_editor(**{"  name: ~": "  name: สมใจ"})
    before = load_document(original, Indicator, FILE)
    assert before.ok, before.problems
    canonical = assert_canonical_of(original)
    lines = canonical.splitlines()
    # fields in the model's order
    keys = [line.split(":")[0] for line in lines if re.match(r"^[a-z_]+:", line)]
    assert keys == list(Indicator.model_fields)
    # quoting that keeps every value: 0E0, yes and 1_000 are text
    assert model_of(canonical).target.unit == "0E0" and 'unit: "0E0"' in canonical
    assert [item.title for item in model_of(canonical).evidence] == ["yes", "1_000"]
    # every comment a person wrote, with its field
    assert lines[lines.index("# note on top: ถอดจากระบบเดิม") - 1].startswith("# บรรทัดที่ขึ้นต้นด้วย #")
    assert "name: จำนวนห้องสมุด  # ชื่อตามหนังสือสั่งการ" in lines
    evidence_at = lines.index("evidence:")
    assert lines[evidence_at - 1] == "# the list of evidence, from the old system"
    assert lines[evidence_at + 1] == "  # first item note"
    assert lines[evidence_at + 2] == "  - title: 'yes'"
    assert "    url: https://www.bangkoklibrary.go.th  # ลิงก์หลัก" in lines
    assert lines[-1] == "# a comment at the very end"
    # a # inside text stays text
    assert model_of(canonical).definition.startswith("ย่อหน้าแรก\n# บรรทัดนี้เป็นข้อความ")
    assert model_of(canonical).quarters.q1.report == "ไตรมาส 1 # ไม่ใช่ความเห็น"


def test_values_that_yaml_reads_as_another_type_are_quoted():
    tricky = ["0E0", "yes", "1_000", ".5", "2569-10-01", "~", "null", "1e3", "036", "0x24", "1:30", "on", "+1"]
    for value in tricky:
        original = dump_yaml(indicator_data(name=value))
        canonical = assert_canonical_of(original)
        assert model_of(canonical).name == value, value


def test_thai_is_never_normalised():
    composed, decomposed = "ทำงาน", "ท\u0e4d\u0e32งาน"
    for name in (composed, decomposed):
        canonical = assert_canonical_of(dump_yaml(indicator_data(name=name)))
        assert model_of(canonical).name == name
        assert f"name: {name}\n" in canonical


def test_a_file_that_does_not_load_is_refused_with_its_problems_at_their_lines():
    broken = REAL_INDICATOR.read_text(encoding="utf-8").replace("result_type: output", "result_type: [output")
    with pytest.raises(ContentError) as raised:
        canonical_text(broken, source=FILE)
    assert raised.value.problems and all(problem.line for problem in raised.value.problems)
    invalid = REAL_INDICATOR.read_text(encoding="utf-8").replace("fiscal_year: 2564", "fiscal_year: สองห้าหกสี่")
    with pytest.raises(ContentError) as raised:
        canonical_text(invalid, source=FILE)
    assert raised.value.problems[0].line == 4 and raised.value.problems[0].field == "fiscal_year"


def test_a_placeholder_left_stays_for_fmt_and_goes_when_the_desk_fills_the_value(tmp_path):
    root = write_project(tmp_path / "p", {})
    new = new_indicator(root, "09", 2565)
    text = (root / new.path).read_text(encoding="utf-8")
    filled = text.replace("  value: 0  # ", "  value: 5  # ")
    assert canonical_text(filled, source=new.path) == filled  # the note stays: check still warns about it
    values = model_of(filled).model_dump()
    desk = text_from_values(values, year=2565, source=new.path, previous_text=filled)
    assert "  value: 5\n" in desk
    assert model_of(desk) == model_of(filled)


# --- The desk's values ------------------------------------------------------------------------------------------


def test_values_from_the_desk_keep_the_comments_of_the_file_they_replace():
    original = REAL_INDICATOR.read_text(encoding="utf-8").replace(
        "  unit: ห้อง", "  # หน่วยตามสำนักงบประมาณ\n  unit: ห้อง  # ไม่ใช่ แห่ง"
    ).replace("    url: https://www.bangkoklibrary.go.th", "    # หน้าแรกของเว็บไซต์\n    url: https://www.bangkoklibrary.go.th")
    values = model_of(original).model_dump()
    values["target"]["value"] = Decimal(4)
    values["evidence"] = values["evidence"][:1]  # the item with the comment is removed
    text = text_from_values(values, year=2564, source=FILE, previous_text=original)
    assert model_of(text).target.value == 4
    lines = text.splitlines()
    assert lines[lines.index("  unit: ห้อง  # ไม่ใช่ แห่ง") - 1] == "  # หน่วยตามสำนักงบประมาณ"
    # the comment of the removed item: at the top, under a line that says where it was, never dropped
    assert "# หน้าแรกของเว็บไซต์" in lines[:12]
    note = lines[lines.index("# หน้าแรกของเว็บไซต์") - 1]
    assert "evidence[2].url" in note
    assert canonical_text(text, source=FILE) == text
    result = canonical_document(original.replace("evidence:", "evidence:"), source=FILE)
    assert result.displaced == ()


def test_values_that_are_not_a_form_are_refused_naming_the_field():
    values = model_of(REAL_INDICATOR.read_text(encoding="utf-8")).model_dump()
    values["target"]["value"] = "สาม"
    with pytest.raises(ContentError) as raised:
        text_from_values(values, year=2564, source=FILE)
    assert raised.value.problems[0].field == "target.value"


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=40).map(
    str.strip
).filter(bool)
_NUMBER = st.decimals(min_value=0, max_value=999_999, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_TEXT,
    unit=_TEXT | st.sampled_from(["0E0", "yes", "1_000", ".5", "2569-10-01", "~", "-", "? x", "#", "'", '"']),
    report=st.lists(_TEXT, min_size=1, max_size=4).map("\n".join),
    value=_NUMBER,
    result=st.none() | _NUMBER,
    signed=st.none() | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_any_values_are_written_so_that_they_load_back_exactly(name, unit, report, value, result, signed):
    values = model_of(REAL_INDICATOR.read_text(encoding="utf-8")).model_dump()
    values.update(name=name, result=result)
    values["target"].update(unit=unit, value=value)
    values["quarters"]["q1"] = {"report": report, "result": result}
    if signed is not None:
        values["signoff"] = {"name": name, "position": unit, "date": signed, "digest": None}
    try:
        expected = Indicator.model_validate(values)
    except ValueError:
        return  # not a form (e.g. a report that is only a "-"): the desk's check says so before saving
    text = text_from_values(values, year=2564, source=FILE)
    assert model_of(text) == expected
    assert canonical_text(text, source=FILE) == text


def test_text_from_values_checks_the_year():
    values = model_of(REAL_INDICATOR.read_text(encoding="utf-8")).model_dump()
    with pytest.raises(ValueError):
        text_from_values(values, year=2565, source=FILE)


def test_write_project_and_dump_yaml_quote_what_reportgen_reads_as_a_number(tmp_path: Path):
    text = dump_yaml({"a": "0E0", "b": "1e3", "c": "ธรรมดา"})
    assert text == 'a: "0E0"\nb: "1e3"\nc: ธรรมดา\n'


def test_a_signed_form_stays_signed_once_canonical():
    from projects import signed_off

    from reportgen.digest import sign_state

    data = {key: value for key, value in indicator_data().items() if key != "evidence"}
    original = dump_yaml(signed_off(data))
    assert sign_state(model_of(original), None) == "signed"
    canonical = assert_canonical_of(original)
    assert sign_state(model_of(canonical), None) == "signed"
    assert "signoff:\n  # ชื่อผู้รับผิดชอบโครงการ\n  name: นางสาวสมใจ ใฝ่รู้\n" in canonical
