"""The slips an officer makes typing by hand, pasting from Word or copying last year's file (issue 13), through
``check`` (text, JSON, GitHub), ``build`` and ``serve``'s banner; and the legitimate files that must stay silent.

Each slip is one edit of the real indicator 08. Its expected problem names the code, the field, the line the person
must change (found as the edited line, so the table reads like the file), and words of the message or fix in Thai
and English. Every slip is also put in its own file of one project, so that one ``reportgen check`` shows them all.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from projects import REAL_INDICATOR, REPO_ROOT, run_reportgen, signed_off, write_project

from reportgen.commands.check import check
from reportgen.content.project import load_document
from reportgen.model import Indicator
from reportgen.problems import format_problem, format_problems

REAL = REAL_INDICATOR.read_text(encoding="utf-8")
TODAY = dt.date(2026, 12, 1)


def edit(old: str, new: str, text: str = REAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def indent_line(prefix: str, new: str, text: str = REAL) -> str:
    """``text`` with the first line starting with ``prefix`` replaced by ``new``."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines[index] = new
    return "\n".join(lines)


def without_quarter(number: int, text: str = REAL) -> str:
    """``text`` without the lines of quarter ``number``."""
    lines = text.split("\n")
    start = lines.index(f"  q{number}:")
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"  \S", lines[i]))
    return "\n".join(lines[:start] + lines[end:])


@dataclass(frozen=True)
class Slip:
    id: str
    text: str  # the whole file after the slip
    code: str
    field: str | None
    at: str  # the start of the line the problem must point at (the line to change)
    th: str  # words of the Thai message or fix
    en: str  # words of the English message or fix
    severity: str = "error"

    @property
    def line(self) -> int:
        lines = self.text.split("\n")
        matches = [number for number, line in enumerate(lines, start=1) if line.startswith(self.at)]
        assert len(matches) == 1, (self.id, self.at, matches)
        return matches[0]


Q3_REPORT = """    report: |
      ดำเนินการพัฒนาห้องสมุดเพื่อการเรียนรู้ให้เป็นห้องสมุดมีชีวิตผ่านการจัดทำบรรณิทรรศน์ออนไลน์ โดยได้ดำเนินการดังนี้

      1."""

SIGNOFF = "\nsignoff:\n  name: นางสาวสมใจ ใฝ่รู้\n  position: บรรณารักษ์ชำนาญการ\n  date: {date}\n"

SLIPS = [
    # --- what YAML's rules would change -------------------------------------------------------------------------
    Slip("comment cuts the name", edit("name: จำนวนห้องสมุด", "name: จำนวนกิจกรรม #อ่านสร้างสุข จำนวนห้องสมุด"),
         "comment_in_text", "name", "name:", 'ใส่ทั้งข้อความในเครื่องหมายคำพูด: name: "จำนวนกิจกรรม #อ่านสร้างสุข',
         'the form prints only "จำนวนกิจกรรม"', "warning"),
    Slip("folded list", edit(Q3_REPORT, Q3_REPORT.replace("report: |", "report: >").replace("\n\n      1.", "\n      1.")),
         "folded_list", "quarters.q3.report", "      1. ห้องสมุดเพื่อการเรียนรู้ทั้ง 36 แห่ง ดำเนินการจัดทำบรรณิทรรศน์ออนไลน์ระหว่าง พฤษภาคม – มิถุนายน",
         "report: |", "joined into one paragraph", "warning"),
    Slip("plain list", edit("หน่วยงานร่วมจัดกิจกรรม\n", "หน่วยงานร่วมจัดกิจกรรม\n      1. หนึ่ง\n      2. สอง\n"),
         "folded_list", "quarters.q1.report", "      1. หนึ่ง", "ไม่มี |", "without |", "warning"),
    Slip("word bullets folded", edit("หน่วยงานร่วมจัดกิจกรรม\n", "หน่วยงานร่วมจัดกิจกรรม\n      • หนึ่ง\n      • สอง\n"),
         "folded_list", "quarters.q1.report", "      • หนึ่ง", "รวมเป็นย่อหน้าเดียว", "one paragraph", "warning"),
    Slip("octal-looking code", edit('code: "08"', "code: 036"), "code_not_text", "code", "code: 036",
         "code: '036'", "keep its leading zero"),
    Slip("base-60 result", edit("\nresult: 36", "\nresult: 1:30"), "yaml_implicit_number", "result", "result: 1:30",
         "เลขฐานหกสิบ", "base-60"),
    Slip("hexadecimal result", edit("\nresult: 36", "\nresult: 0x24"), "yaml_implicit_number", "result",
         "result: 0x24", "เลขฐานสิบหก", "hexadecimal"),
    Slip("yes as a unit", edit("unit: ห้อง", "unit: yes"), "yaml_bool", "target.unit", "  unit: yes",
         "unit: 'yes'", "reads yes as true"),
    Slip("curly quotes around the code", edit('code: "08"', "code: “08”"), "yaml_curly_quotes", "code", "code: “08”",
         "เครื่องหมายคำพูดแบบโค้ง", 'curly quotes (“ ” or ‘ ’), which YAML does not take as quotes'),
    Slip("curly quotes around a number", edit("  value: 3", "  value: “3”"), "yaml_curly_quotes", "target.value",
         "  value: “3”", 'value: "3"', "type straight quotes"),
    Slip("curly quotes around the name", edit("name: จำนวนห้องสมุด", "name: “จำนวนห้องสมุด", REAL).replace(
        "ความต้องการของประชาชน\n", "ความต้องการของประชาชน”\n", 1), "curly_quoted_text", "name", "name:",
         "แบบฟอร์มจะพิมพ์เครื่องหมายนั้นด้วย", "the form will print them", "warning"),
    # --- numbers --------------------------------------------------------------------------------------------------
    Slip("thai digits", edit("  value: 3", "  value: ๗๒๐"), "number_thai_digits", "target.value", "  value: ๗๒๐",
         "ใช้เลขอารบิก 0–9: value: 720", "use Arabic digits 0–9: value: 720"),
    Slip("number too large", edit("\nresult: 36", "\nresult: 1.0e+25"), "too_large", "result", "result: 1.0e+25",
         "999,999,999,999", "at most 999,999,999,999"),
    Slip("too many decimals", edit("\nresult: 36", "\nresult: 36.125"), "number_too_precise", "result",
         "result: 36.125", "result: 36.13", "round it to 2 decimal places"),
    # --- where the message points ---------------------------------------------------------------------------------
    Slip("q2 dedented", indent_line("  q2:", "q2:"), "yaml_dedented_key", "quarters.q2", "q2:",
         "เว้นวรรค 2 ช่อง", "indent q2: with 2 spaces"),
    Slip("result under-indented in q4", indent_line("    result: 36", "  result: 36"), "key_under_indented",
         "quarters.q4.result", "  result: 36", "เยื้อง result: ไว้ใต้ q4:", "indent result: under q4:"),
    Slip("summary at the top", indent_line("  summary: |", "summary: |"), "key_under_indented", "quarters.summary",
         "summary: |", "ใต้ quarters:", "under quarters:"),
    Slip("summary among the last keys", edit("\nobstacles: \"\"", "\nobstacles: \"\"\nsummary: สรุป"), "key_misplaced",
         "quarters.summary", "summary: สรุป", "ย้าย summary: ไปไว้ใต้ quarters:", "move summary: under quarters:"),
    # --- pasted text ------------------------------------------------------------------------------------------------
    Slip("control character", edit("name: จำนวนห้องสมุด", 'name: "จำนวน\\x1bห้องสมุด', REAL).replace(
        "ความต้องการของประชาชน\n", 'ความต้องการของประชาชน"\n', 1), "text_control_char", "name", "name:",
         "อักขระควบคุม U+001B", "a control character U+001B"),
    Slip("direction override", edit("name: จำนวนห้องสมุด", "name: จำนวน\u202eห้องสมุด"), "text_control_char", "name",
         "name:", "อักขระกำหนดทิศทางข้อความ U+202E", "text-direction override U+202E"),
    Slip("lone surrogate", edit("name: จำนวนห้องสมุด", 'name: "\\uD800จำนวนห้องสมุด', REAL).replace(
        "ความต้องการของประชาชน\n", 'ความต้องการของประชาชน"\n', 1), "text_control_char", "name", "name:",
         "อักขระเสีย", "a broken character"),
    Slip("newline in an evidence link", edit("url: https://www.bangkoklibrary.go.th", 'url: "https://www.bangkoklibrary.go.th/\\nx"'),
         "url_bad_char", "evidence[2].url", "    url:", "ขึ้นบรรทัดใหม่", "line break"),
    # --- plausibility -----------------------------------------------------------------------------------------------
    Slip("percentage over 100", edit("unit: ห้อง", "unit: ร้อยละ").replace("\nresult: 36", "\nresult: 186.85").replace(
        "    result: 36", "    result: 86"), "percent_over_100", "result", "result: 186.85", "เกินร้อยละ 100",
         "over 100", "warning"),
    Slip("cumulative result drops", edit("  q4:\n", "    result: 40\n  q4:\n"), "result_decreased",
         "quarters.q4.result", "    result: 36", "น้อยกว่าไตรมาสที่ 3 (40)", "less than that of quarter 3 (40)", "warning"),
    Slip("q3 missing", without_quarter(3), "quarter_gap", "quarters.q4", "  q4:", "ยังไม่มีรายงานไตรมาสที่ 3",
         "quarter 3 is not", "warning"),
    Slip("sign-off before the fiscal year", REAL + SIGNOFF.format(date="2020-09-30"), "signoff_before_year",
         "signoff.date", "  date: 2020-09-30", "อยู่ก่อนปีงบประมาณ 2564 เริ่ม", "before fiscal year 2564 began", "warning"),
    Slip("sign-off in the future", REAL + SIGNOFF.format(date="2027-01-05"), "signoff_in_future", "signoff.date",
         "  date: 2027-01-05", "ยังมาไม่ถึง", "in the future", "warning"),
]


def problems_of(text: str | bytes, tmp_path: Path, name: str = "08") -> list:
    """Every problem ``check`` finds in a project holding this one indicator file (warnings of the signature's
    digest left out: the slips sign by hand)."""
    if isinstance(text, str):
        text = text.replace('code: "08"', f'code: "{name}"', 1)
    root = write_project(tmp_path / "p", {f"indicators/2564/{name}.yaml": text})
    return [p for p in check(root, today=TODAY, use_cache=False) if p.code != "signoff_stale"]


@pytest.mark.parametrize("slip", SLIPS, ids=lambda slip: slip.id)
def test_each_slip_is_named_at_the_line_to_change_with_its_fix(slip, tmp_path):
    problems = problems_of(slip.text, tmp_path)
    assert [p.code for p in problems] == [slip.code], [format_problem(p, "en") for p in problems]
    problem = problems[0]
    assert problem.severity == slip.severity
    assert problem.field == slip.field
    assert problem.line == slip.line, format_problem(problem, "en")
    assert problem.source_line == slip.text.split("\n")[slip.line - 1]
    thai = problem.text("th") + " " + (problem.hint_text("th") or "")
    english = problem.text("en") + " " + (problem.hint_text("en") or "")
    assert slip.th in thai, format_problem(problem, "th")
    assert slip.en in english, format_problem(problem, "en")
    assert problem.field in format_problem(problem, "th").splitlines()[0]  # the field is named on the first line


def test_a_windows_874_file_is_one_save_as_utf8_error(tmp_path):
    problems = problems_of(REAL.encode("cp874"), tmp_path)
    assert [p.code for p in problems] == ["legacy_thai_encoding"]
    assert "UTF-8" in problems[0].hint_text("th") and "Windows-874" in problems[0].text("en")
    assert problems[0].line == 2  # the first line with Thai: the comment under the schema line


def test_a_symbolic_link_out_of_the_project_is_neither_read_nor_shown(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2-ไม่ควรเห็น\n", encoding="utf-8")
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": REAL})
    (root / "content" / "indicators" / "2564" / "09.yaml").symlink_to(secret)
    problems = check(root, today=TODAY, use_cache=False)
    assert [(p.code, str(p.file)) for p in problems] == [("symlink_outside", "content/indicators/2564/09.yaml")]
    assert "hunter2" not in format_problems(problems) and problems[0].source_line is None


def test_every_input_has_a_bound(tmp_path):
    data = yaml.safe_load(REAL)
    data["evidence"] = [{"title": f"หลักฐาน {n}"} for n in range(101)]
    data["name"] = "ก" * 1001
    problems = problems_of(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), tmp_path)
    assert sorted(p.code for p in problems) == ["too_long", "too_many_items"]


def test_a_newline_or_control_character_in_base_url_is_refused(tmp_path):
    site = yaml.safe_load((REPO_ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))
    for bad, code in (
        ("https://www.bangkoklibrary.go.th/kpi/\nSet-Cookie: x", "url_bad_char"),
        ("https://www.bangkoklibrary.go.th/kpi/\tx", "url_bad_char"),
        ("https://www.bangkok\x1blibrary.go.th/", "text_control_char"),
    ):
        root = write_project(tmp_path / f"p{len(bad)}", {"indicators/2564/08.yaml": REAL}, site={**site, "base_url": bad})
        problems = check(root, today=TODAY, use_cache=False)
        assert [(p.code, p.field, p.line) for p in problems] == [(code, "base_url", 3)], [format_problem(p, ) for p in problems]


def test_pasted_invisible_characters_are_removed_and_thai_kept(tmp_path):
    pasted = edit("name: จำนวนห้องสมุด", "name: \ufeffจำนวน\u200bห้อง\u00adสมุด\u200d")
    doc = load_document(pasted, Indicator, Path("content/indicators/2564/08.yaml"))
    assert doc.ok, [format_problem(p, "en") for p in doc.problems]
    assert doc.model.name.startswith("จำนวนห้องสมุดเพื่อการเรียนรู้")
    assert not re.search("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", doc.model.name)
    kept = edit("name: จำนวนห้องสมุด", "name: น้ำคำ จำนวนห้องสมุด")  # ำ U+0E33 is not decomposed (no NFKC)
    assert "\u0e33" in load_document(kept, Indicator, Path("x/2564/08.yaml")).model.name


def test_numbers_are_read_as_the_decimals_written():
    def result(written: str):
        doc = load_document(edit("\nresult: 36", f"\nresult: {written}"), Indicator, Path("c/2564/08.yaml"))
        assert doc.ok, [format_problem(p, "en") for p in doc.problems]
        return doc.model.result

    assert str(result("036")) == "36"  # YAML 1.1 reads 30 (octal)
    assert str(result("1e3")) == "1000"  # YAML 1.1 reads the text "1e3"; the editor's YAML 1.2 reads 1000
    assert str(result("36.50")) == "36.5"  # as reportgen always read it: the digests of past sign-offs stay valid
    assert str(result("0.1")) == "0.1"


# --- Things that must stay silent --------------------------------------------------------------------------------

FALSE_ALARMS = {
    "comment after a number": edit("  value: 3", "  value: 3  # ห้อง"),
    "comment after a choice": edit("result_type: output", "result_type: output  # ผลผลิต"),
    "comment on its own line": edit("name: จำนวน", "# ชื่อเดิม #อ่านสร้างสุข\nname: จำนวน"),
    "hash without a space": edit("name: จำนวนห้องสมุด", "name: จำนวนกิจกรรม#อ่านสร้างสุข ห้องสมุด"),
    "hash inside quotes": edit("calculation: นับจำนวน", 'calculation: "นับ #1 จำนวน').replace(
        "ห้องสมุดมีชีวิต\n\ntarget", 'ห้องสมุดมีชีวิต"\n\ntarget', 1),
    "literal list": REAL,  # q3, q4 and summary: lists in `|` blocks
    "folded paragraph with a wrapped dash": edit("ได้ปรับเปลี่ยนรูปแบบการให้บริการยืม – คืน", "ได้ปรับเปลี่ยนรูปแบบการให้บริการยืม\n  – คืน"),
    "word bullets in a literal block": edit(Q3_REPORT, Q3_REPORT.replace("\n\n      1.", "\n      •\tหนึ่ง\n      ◦ สอง\n\n      1.")),
    "more-indented list in a folded block": edit("calculation: นับจำนวน", "calculation: >\n  นับดังนี้\n    1. หนึ่ง\n    2. สอง\n  นับจำนวน"),
    "time as text": edit("unit: ห้อง", "unit: 1:30 ชั่วโมง"),
    "hexadecimal-looking text": edit("unit: ห้อง", "unit: 0x24"),
    "curly quotes inside straight quotes": edit("name: จำนวนห้องสมุด", "name: 'โครงการ “อ่านสร้างสุข” จำนวนห้องสมุด", REAL).replace(
        "ความต้องการของประชาชน\n", "ความต้องการของประชาชน'\n", 1),
    "curly quotes inside the text": edit("name: จำนวนห้องสมุด", "name: โครงการ “อ่านสร้างสุข” จำนวนห้องสมุด"),
    "thai digits in text": REAL,  # plan: ๓.๓ - …
    "percentage of 100": edit("unit: ห้อง", "unit: ร้อยละ").replace("\nresult: 36", "\nresult: 100").replace("    result: 36", "    result: 100"),
    "equal cumulative results": edit("  q4:\n", "    result: 36\n  q4:\n"),
    "sign-off in the year": REAL + SIGNOFF.format(date="2021-10-20"),
    "leading zero number": edit("  value: 3", "  value: 03"),
}


def test_legitimate_files_stay_silent(tmp_path):
    files = {f"indicators/2564/{n:02d}.yaml": text.replace('code: "08"', f'code: "{n:02d}"', 1)
             for n, text in enumerate(FALSE_ALARMS.values(), start=10)}
    root = write_project(tmp_path / "p", files)
    problems = [p for p in check(root, today=TODAY, use_cache=False) if p.code != "signoff_stale"]
    assert problems == [], format_problems(problems, lang="en")


def test_the_file_new_writes_has_nothing_but_its_placeholders(tmp_path):
    golden = (REPO_ROOT / "tests" / "authoring" / "golden" / "new-2565-09.yaml").read_text(encoding="utf-8")
    root = write_project(tmp_path / "p", {"indicators/2565/09.yaml": golden})
    problems = check(root, today=TODAY, use_cache=False)
    assert {p.code for p in problems} == {"placeholder"}


# --- All at once: check, build, serve -----------------------------------------------------------------------------


def slip_project(tmp_path: Path, slips=SLIPS) -> tuple[Path, dict[str, Slip]]:
    """One project, each slip in its own file (codes 50, 51, …)."""
    files, by_file = {}, {}
    for number, slip in enumerate(slips, start=50):
        name = f"content/indicators/2564/{number}.yaml"
        files[name] = slip.text.replace('code: "08"', f'code: "{number}"', 1)
        by_file[name] = slip
    return write_project(tmp_path / "all", files), by_file


def test_check_lists_every_slip_of_every_file_in_json_and_both_languages(tmp_path):
    root, by_file = slip_project(tmp_path)
    result = run_reportgen("check", "--format", "json", "--no-cache", cwd=root)
    assert result.returncode == 1, result.stderr
    found = [p for p in json.loads(result.stdout) if p["code"] not in ("signoff_stale", "signoff_in_future")]
    for name, slip in by_file.items():
        if slip.code == "signoff_in_future":
            continue  # depends on the day the test runs
        mine = [p for p in found if p["file"] == name]
        assert [(p["code"], p["field"], p["line"]) for p in mine] == [(slip.code, slip.field, slip.line)], (slip.id, mine)
        assert slip.th in mine[0]["message"]
    english = run_reportgen("check", "--lang", "en", "--no-cache", cwd=root).stdout
    for slip in by_file.values():
        assert slip.en in english, slip.id


def test_github_annotations_stay_within_the_cap_and_the_summary_has_everything(tmp_path):
    root, by_file = slip_project(tmp_path)
    summary = tmp_path / "summary.md"
    result = run_reportgen("check", "--format", "github", "--no-cache", cwd=root,
                           env={"GITHUB_STEP_SUMMARY": str(summary)})
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 10 and len(warnings) == 10, result.stdout
    assert len({re.search(r"file=([^,]+)", line).group(1) for line in errors}) == 10  # ten files, not one
    assert lines[-1].startswith("::notice ") and "รายการทั้งหมดอยู่ในหน้าสรุปของงาน" in lines[-1]  # Thai by default
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## ผลการตรวจ reportgen check")
    for name, slip in by_file.items():
        assert f"### `{name}`" in markdown, slip.id
    listed = [line for line in markdown.splitlines() if line.startswith("- **")]
    assert len(listed) == len(check(root, use_cache=False)) > 20  # every problem, not only the annotated ones
    assert re.search(r"\*\*พบข้อผิดพลาด \d+ รายการ และคำเตือน \d+ รายการ ใน \d+ ไฟล์\*\*", markdown)


def test_build_lists_every_slip_at_its_line_and_builds_the_other_forms(tmp_path):
    """One officer's slip stays in that officer's form: the others are built, each broken one listed at its line."""
    root, by_file = slip_project(tmp_path)
    result = run_reportgen("build", "-q", cwd=root)
    assert result.returncode == 0, result.stderr
    broken = {name for name, slip in by_file.items() if slip.severity == "error"}
    for name in broken:
        assert f"{name}:{by_file[name].line}:" in result.stderr, by_file[name].id
    built = {path.stem for path in (root / "output" / "pdf" / "2564").glob("*.pdf")}
    assert built == {Path(name).stem for name in by_file} - {Path(name).stem for name in broken}


def test_strict_build_refuses_the_slips_with_every_problem_and_writes_nothing(tmp_path):
    root, by_file = slip_project(tmp_path)
    result = run_reportgen("build", "-q", "--strict", cwd=root)
    assert result.returncode == 1
    for name, slip in by_file.items():
        if slip.severity == "error":
            assert f"{name}:{slip.line}:" in result.stderr, slip.id
    assert not (root / "output").exists()


WARNING_SLIPS = [slip for slip in SLIPS if slip.severity == "warning" and slip.code != "signoff_in_future"]


def test_build_prints_the_warnings_and_builds(tmp_path):
    root, by_file = slip_project(tmp_path, WARNING_SLIPS)
    result = run_reportgen("build", "-q", "--lang", "en", cwd=root)
    assert result.returncode == 0, result.stderr
    for name, slip in by_file.items():
        assert f"{name}:{slip.line}:" in result.stderr and slip.en in result.stderr, slip.id


def test_serve_shows_the_same_warnings_and_errors_in_its_banner(tmp_path, monkeypatch):
    import tempfile
    import urllib.request

    from reportgen.preview.server import PreviewServer

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    root, by_file = slip_project(tmp_path, WARNING_SLIPS)
    server = PreviewServer(root, port=0, poll_interval=3600, quiet_period=0.1)
    server.start()
    try:
        assert server.wait_for_generation(1, 120)

        def page() -> str:
            with urllib.request.urlopen(server.url + "2564/50.html", timeout=60) as response:
                return response.read().decode("utf-8")

        body = page()
        banner = body.split('<section class="reportgen-preview-warning"', 1)[1].split("</section>", 1)[0]
        for name, slip in by_file.items():
            assert f"{name}:{slip.line}:" in banner and slip.th.replace('"', "&quot;") in banner, slip.id
        # an error slip as well: the red banner, with the warnings of the other files
        error = next(slip for slip in SLIPS if slip.code == "yaml_dedented_key")
        (root / "content/indicators/2564/50.yaml").write_text(error.text.replace('code: "08"', 'code: "50"'), encoding="utf-8")
        server._build()
        banner = page().split('<section class="reportgen-preview-error"', 1)[1].split("</section>", 1)[0]
        assert f"content/indicators/2564/50.yaml:{error.line}:" in banner and error.th in banner
    finally:
        server.stop()


# --- The editor agrees with check ---------------------------------------------------------------------------------


class EditorLoader(yaml.SafeLoader):
    """YAML as the editor (yaml-language-server) reads it: YAML 1.2's core schema, where ``yes`` is text, ``1e3``
    is a number, ``2021-02-30`` is text and nothing is a date."""

    yaml_implicit_resolvers: dict = {}


for tag, pattern, first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    EditorLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


def _editor_errors(text: str, schema_file: str) -> list[str]:
    import jsonschema

    schema = json.loads((REPO_ROOT / schema_file).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [error.message for error in validator.iter_errors(yaml.load(text, Loader=EditorLoader))]


EDITOR_CASES = {
    "javascript link": edit("url: https://www.bangkoklibrary.go.th", "url: javascript:alert(1)"),
    "ftp link": edit("url: https://www.bangkoklibrary.go.th", "url: ftp://www.bangkoklibrary.go.th/x"),
    "link with a line break": edit("url: https://www.bangkoklibrary.go.th", 'url: "https://www.bangkoklibrary.go.th/\\nx"'),
    ".. in an evidence path": edit("url: https://www.bangkoklibrary.go.th", "file: evidence/../../secret.pdf"),
    "absolute evidence path": edit("url: https://www.bangkoklibrary.go.th", "file: /etc/passwd"),
    "impossible date": REAL + SIGNOFF.format(date="2021-02-30"),
    "Buddhist-Era date": REAL + SIGNOFF.format(date="2564-10-20"),
    "unit: yes": edit("unit: ห้อง", "unit: yes"),
    "obstacles: no": edit('obstacles: ""', "obstacles: no"),
    "value: .inf": edit("  value: 3", "  value: .inf"),
    "result: 1.0e+25": edit("\nresult: 36", "\nresult: 1.0e+25"),
    "too many evidence items": REAL + "".join(f"  - title: หลักฐาน {n}\n" for n in range(100)),
}


@pytest.mark.parametrize("text", EDITOR_CASES.values(), ids=EDITOR_CASES.keys())
def test_the_schema_refuses_what_check_refuses(text, tmp_path):
    doc = load_document(text, Indicator, Path("content/indicators/2564/08.yaml"))
    assert not doc.ok or any(p.code == "evidence_file_outside" for p in problems_of(text, tmp_path)), "check accepts it"
    assert _editor_errors(text, "indicator.schema.json"), "the editor's schema accepts it"


@pytest.mark.parametrize("written", ["36", "1e3", "36.50", "0"])
def test_the_schema_and_check_accept_the_same_numbers(written):
    text = edit("\nresult: 36", f"\nresult: {written}")
    assert load_document(text, Indicator, Path("content/indicators/2564/08.yaml")).ok
    assert _editor_errors(text, "indicator.schema.json") == []


def test_the_site_schema_refuses_a_base_url_with_a_line_break():
    site = (REPO_ROOT / "content" / "site.yaml").read_text(encoding="utf-8")
    assert _editor_errors(site, "site.schema.json") == []
    bad = site.replace("base_url: https://www.bangkoklibrary.go.th/kpi/", 'base_url: "https://www.bangkoklibrary.go.th/kpi/\\nx"')
    assert _editor_errors(bad, "site.schema.json")


# --- Nothing runs off the printed page ----------------------------------------------------------------------------

#: The form's print margins (templates/css/print.css: left 3 cm, right 2 cm), in PDF points.
LEFT_MARGIN, RIGHT_MARGIN = 3 / 2.54 * 72, 2 / 2.54 * 72

LONG_POSITION = (
    "ผู้อำนวยการสำนักวัฒนธรรม กีฬา และการท่องเที่ยว รักษาการในตำแหน่งผู้อำนวยการกองห้องสมุดและแหล่งเรียนรู้"
)


def test_long_names_positions_titles_units_and_words_wrap_inside_the_margins(tmp_path):
    import pdfplumber

    data = yaml.safe_load(REAL)
    data["name"] = "จำนวนห้องสมุดเพื่อการเรียนรู้ที่ได้รับการพัฒนาให้เป็นห้องสมุดมีชีวิตและแหล่งเรียนรู้ตลอดชีวิต" * 2 + (
        "Supercalifragilisticexpialidocious" * 4
    )
    data["target"]["unit"] = "ห้องสมุดเพื่อการเรียนรู้ที่ผ่านเกณฑ์มาตรฐานการประเมินคุณภาพห้องสมุดมีชีวิต" + "LongLatinUnit" * 8
    data["evidence"][0]["title"] = "รายงาน" + "https://www.bangkoklibrary.go.th/a/very/long/path/" * 4 + "ยาวมาก" * 20
    data["supporting_factors"] = "ข้อความ " + "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4 + " https://x.th/" + "x" * 150
    data = signed_off(data, name="นางสาวสมใจ ใฝ่รู้ยิ่งใหญ่เหนือกว่าผู้ใดในแผ่นดินสยามประเทศไทย", position=LONG_POSITION)
    assert len(LONG_POSITION) >= 95
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": data})
    run_reportgen("build", "-q", "-j", "1", "--no-cache", cwd=root, check=True)
    with pdfplumber.open(root / "output" / "pdf" / "2564" / "08.pdf") as pdf:
        text = ""
        for page in pdf.pages:
            right = page.width - RIGHT_MARGIN
            outside = [char["text"] for char in page.chars if char["x1"] > right + 0.5 or char["x0"] < LEFT_MARGIN - 0.5]
            assert outside == [], f"page {page.page_number}: {''.join(outside)[:80]} runs past the margin"
            text += page.extract_text() or ""
    squeezed = re.sub(r"\s+", "", text)
    for written in (data["signoff"]["position"], "Supercalifragilisticexpialidocious" * 4, "LongLatinUnit" * 8):
        assert re.sub(r"\s+", "", written) in squeezed  # wrapped, not clipped: every character is on the page


def test_new_never_folds_a_line_to_start_like_a_list_item(tmp_path):
    from reportgen.commands.new import new_indicator

    previous = yaml.safe_load(REAL)
    lengths = (12, 7, 11, 9, 5, 3, 8, 5, 8, 3, 8, 9, 1, 5, 9, 2, 12, 10, 7, 2, 6, 2, 11, 8, 1, 3, 9, 12)
    words = ["ก" * length for length in lengths]
    words[12] = "-"  # where the fold came before this session: a line "- กกกกก …", a bulleted list to the reader
    previous["definition"] = " ".join(words * 2)
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": previous})
    new_indicator(root, "08", 2565, source="2564/08")
    problems = [p for p in check(root, today=TODAY, use_cache=False) if "2565" in str(p.file)]
    assert {p.code for p in problems} <= {"placeholder"}, format_problems(problems, lang="en")
    assert "\n  - " not in (root / "content/indicators/2565/08.yaml").read_text(encoding="utf-8")


def test_a_utf8_file_with_one_bad_byte_is_not_taken_for_windows_874(tmp_path):
    damaged = REAL.encode("utf-8").replace(b"name:", b"name: \xff", 1)
    problems = problems_of(damaged, tmp_path)
    assert [(p.code, p.line) for p in problems] == [("not_utf8", 6)]


def test_invisible_characters_reach_neither_the_open_data_nor_the_pdf_text(tmp_path):
    from pypdf import PdfReader

    pasted = edit("name: จำนวนห้องสมุด", "name: จำนวน\u200bห้อง\u00adสมุด")
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": pasted})
    run_reportgen("build", "-q", "-j", "1", cwd=root, check=True)
    csv = (root / "output" / "html" / "data" / "indicators.csv").read_text(encoding="utf-8-sig")
    page = (root / "output" / "html" / "2564" / "08.html").read_text(encoding="utf-8")
    pdf_text = "".join(page_.extract_text() for page_ in PdfReader(root / "output" / "pdf" / "2564" / "08.pdf").pages)
    for text in (csv, page, pdf_text):
        assert "\u200b" not in text and "\u00ad" not in text
    assert ",จำนวนห้องสมุดเพื่อการเรียนรู้" in csv
