"""commands/fmt.py (``reportgen fmt [FILE…] [--check]``): files made canonical with every value unchanged, canonical
files left byte for byte, ``--check`` naming what would change, a file that does not load refused with nothing
written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from projects import REAL_INDICATOR, run_reportgen, write_project

from reportgen.commands.fmt import fmt
from reportgen.content.project import load_indicator
from reportgen.errors import UsageError

REAL = REAL_INDICATOR.read_text(encoding="utf-8")
EDITED = """\
fiscal_year: 2564
code: '08'   # as in the BMA system
name: "ตัวชี้วัดจากโปรแกรมอื่น"
agency: สำนัก
result_type: output
definition: {text}
calculation: นับ
target: {{value: 3, unit: "1e3"}}
"""


def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", {
        "indicators/2564/08.yaml": REAL,
        "indicators/2564/09.yaml": EDITED.format(text="นิยาม").replace("'08'", "'09'"),
    })  # fmt: skip


def snapshot(root: Path) -> dict[str, bytes]:
    folder = root / "content"
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def models(root: Path) -> dict[str, object]:
    folder = root / "content" / "indicators"
    return {path.name: load_indicator(path.read_bytes(), f"content/indicators/2564/{path.name}")
            for path in folder.rglob("*.yaml")}  # fmt: skip


def test_fmt_makes_every_file_canonical_with_every_value_and_then_changes_nothing(tmp_path):
    root = project(tmp_path)
    before = models(root)
    result = run_reportgen("fmt", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "จัดรูปแบบ content/indicators/2564/08.yaml ใหม่แล้ว",
        "จัดรูปแบบ content/indicators/2564/09.yaml ใหม่แล้ว",
    ]
    assert "จัดรูปแบบใหม่ 2 ไฟล์" in result.stderr
    assert models(root) == before
    assert "# as in the BMA system" in (root / "content/indicators/2564/09.yaml").read_text(encoding="utf-8")
    formatted = snapshot(root)
    again = run_reportgen("fmt", cwd=root)
    assert again.returncode == 0 and again.stdout == ""
    assert "เป็นรูปแบบมาตรฐานอยู่แล้ว 2 ไฟล์" in again.stderr
    assert snapshot(root) == formatted
    # the canonical file is left alone: not even rewritten with the same bytes
    inode = os.stat(root / "content/indicators/2564/08.yaml").st_ino
    run_reportgen("fmt", "content/indicators/2564/08.yaml", cwd=root, check=True)
    assert os.stat(root / "content/indicators/2564/08.yaml").st_ino == inode


def test_check_names_each_file_it_would_change_exits_1_and_writes_nothing(tmp_path):
    root = project(tmp_path)
    before = snapshot(root)
    result = run_reportgen("fmt", "--check", "--lang", "en", cwd=root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "would reformat content/indicators/2564/08.yaml",
        "would reformat content/indicators/2564/09.yaml",
    ]
    assert "files to reformat: 2; already canonical: 0" in result.stderr and "run reportgen fmt" in result.stderr
    assert snapshot(root) == before
    run_reportgen("fmt", "content/indicators/2564/09.yaml", cwd=root, check=True)
    only_one = run_reportgen("fmt", "--check", "--lang", "en", cwd=root)
    assert only_one.returncode == 1 and only_one.stdout == "would reformat content/indicators/2564/08.yaml\n"
    run_reportgen("fmt", cwd=root, check=True)
    clean = run_reportgen("fmt", "--check", cwd=root)
    assert clean.returncode == 0 and clean.stdout == ""


def test_a_file_that_does_not_load_is_refused_at_its_line_and_nothing_is_written(tmp_path):
    root = project(tmp_path)
    broken = REAL.replace("result_type: output", "result_type: [output")
    (root / "content/indicators/2564/10.yaml").write_text(broken.replace('"08"', '"10"'), encoding="utf-8")
    before = snapshot(root)
    result = run_reportgen("fmt", cwd=root)
    assert result.returncode == 1
    assert "content/indicators/2564/10.yaml:7:" in result.stderr
    assert "ไม่ได้เขียนไฟล์ใดเลย: อ่านไฟล์ไม่ได้ 1 ไฟล์" in result.stderr
    assert snapshot(root) == before
    check = run_reportgen("fmt", "--check", "content/indicators/2564/10.yaml", cwd=root)
    assert check.returncode == 1 and "10.yaml:7:" in check.stderr


def test_files_that_are_not_utf8_or_lead_outside_are_refused_unread(tmp_path):
    root = project(tmp_path)
    (root / "content/indicators/2564/11.yaml").write_bytes(REAL.replace('"08"', '"11"').encode("cp874"))
    outside = tmp_path / "secret.yaml"
    outside.write_text(REAL, encoding="utf-8")
    (root / "content/indicators/2564/12.yaml").symlink_to(outside)
    report = fmt(root, check=True)
    files = {str(problem.file) for problem in report.refused}
    assert files == {"content/indicators/2564/11.yaml", "content/indicators/2564/12.yaml"}
    assert {problem.code for problem in report.refused} >= {"legacy_thai_encoding", "symlink_outside"}
    report = fmt(root)
    assert not report.written and outside.read_text(encoding="utf-8") == REAL


def test_paths_outside_the_indicators_are_usage_errors(tmp_path):
    root = project(tmp_path)
    with pytest.raises(UsageError):
        fmt(root, [root / "content" / "site.yaml"])
    with pytest.raises(UsageError):
        fmt(root, [root / "content/indicators/2564/99.yaml"])
    result = run_reportgen("fmt", "content/site.yaml", cwd=root)
    assert result.returncode == 2 and "content/site.yaml" in result.stderr
    folder = fmt(root, [root / "content/indicators/2564"], check=True)
    assert len(folder.changed) == 2


def test_windows_line_endings_and_a_bom_become_canonical_with_the_same_values(tmp_path):
    root = project(tmp_path)
    path = root / "content/indicators/2564/08.yaml"
    run_reportgen("fmt", cwd=root, check=True)
    canonical = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + canonical.replace(b"\n", b"\r\n"))
    report = fmt(root)
    assert [str(changed) for changed in report.changed] == ["content/indicators/2564/08.yaml"]
    assert path.read_bytes() == canonical
