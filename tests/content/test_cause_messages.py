"""Messages that point at the cause (issue 25): an invisible character or a comment line that breaks the YAML is
named at its own line, with what it is, not at the key lines later; the number offered as the fix is the officer's,
rounded half up."""

from __future__ import annotations

import pytest
from projects import REAL_INDICATOR, run_reportgen, write_project

REAL = REAL_INDICATOR.read_text(encoding="utf-8")
Q4_ITEM_2 = "      2. ดำเนินการประชาสัมพันธ์บรรณิทรรศน์ออนไลน์ประจำผ่านทางเว็บไซต์ และสื่อสังคมออนไลน์\n      3."

#: (slip, the file, the line:column check must point at, Thai words, English words)
SLIPS = [
    ("nbsp indenting a key", REAL.replace("\n    result: 36", "\n\u00a0\u00a0\u00a0 result: 36"), "51:1",
     "ช่องว่างที่มองไม่เห็น (U+00A0) จาก Word", "non-breaking space (U+00A0) from Word"),
    ("nbsp after a colon", REAL.replace("\nresult: 36", "\nresult:\u00a036"), "25:8",
     "ช่องว่างที่มองไม่เห็น (U+00A0) จาก Word", "non-breaking space (U+00A0) from Word"),
    ("nbsp before a list dash", REAL.replace("\n  - title: รายงาน", "\n\u00a0 - title: รายงาน"), "68:1",
     "(U+00A0)", "(U+00A0)"),
    ("ideographic space", REAL.replace("\n    result: 36", "\n\u3000   result: 36"), "51:1",
     "ช่องว่างชนิดพิเศษ (U+3000)", "a special space (U+3000)"),
    ("comment line inside a text", REAL.replace(Q4_ITEM_2, Q4_ITEM_2.replace("\n      3.", "\n# ตรวจอีกครั้ง\n      3."), 1),
     "50:1", "บรรทัดหมายเหตุ # นี้อยู่กลางข้อความ", "this # comment line sits inside a text"),
]


@pytest.mark.parametrize("slip, text, where, thai, english", SLIPS, ids=[slip[0] for slip in SLIPS])
def test_the_cause_is_named_at_its_own_line(tmp_path, slip, text, where, thai, english):
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": text})
    for lang, words in (("th", thai), ("en", english)):
        result = run_reportgen("check", "--lang", lang, cwd=root)
        output = result.stdout + result.stderr
        assert result.returncode == 1
        assert f"08.yaml:{where}:" in output and words in output, output
        assert output.count("08.yaml:") == 1, output  # the cause only, not a generic complaint lines later


def test_a_zero_width_space_pasted_before_a_key_is_removed_like_in_text(tmp_path):
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": REAL.replace("\nobstacles:", "\n\u200bobstacles:")})
    assert run_reportgen("check", cwd=root).returncode == 0


def test_a_non_breaking_space_inside_a_narrative_is_text(tmp_path):
    text = REAL.replace("    report: อยู่ระหว่าง", "    report: \u00a0อยู่ระหว่าง")
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": text})
    assert run_reportgen("check", cwd=root).returncode == 0


@pytest.mark.parametrize(
    "written, thai, english",
    [
        ("result: ร้อยละ 100", "result: 100", "result: 100"),  # the number, never the example's 3
        ("result: 36.125", "result: 36.13", "result: 36.13"),  # rounded half up, as an officer rounds
        ("result: 36.115", "result: 36.12", "result: 36.12"),
    ],
)
def test_the_fix_offered_for_a_number_is_the_officers_number(tmp_path, written, thai, english):
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": REAL.replace("\nresult: 36", "\n" + written)})
    for lang, words in (("th", thai), ("en", english)):
        output = run_reportgen("check", "--lang", lang, cwd=root).stdout
        output += run_reportgen("check", "--lang", lang, cwd=root).stderr
        assert words in output, output
        assert "result: 3\n" not in output


@pytest.mark.parametrize("style", [">-", ">"])
def test_a_table_pasted_into_a_folded_text_is_named_at_its_first_row(tmp_path, style):
    table = "\n      เดือน\tการเข้าชม\n      พฤษภาคม\t52,310"
    report = "    report: " + style + ("\n      " if style else "") + "ตารางจาก Excel" + table
    text = REAL.replace("    report: อยู่ระหว่างจัดทำหนังสือประสานงานกับหน่วยงานร่วมจัดกิจกรรม", report)
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": text})
    first_row = text.split("\n").index("      เดือน\tการเข้าชม") + 1
    for lang, words in (("th", "ตาราง (ช่องคั่นด้วย Tab)"), ("en", "the table (cells split by tabs)")):
        output = run_reportgen("check", "--lang", lang, cwd=root).stdout
        assert f"08.yaml:{first_row}:7:" in output and words in output, output
