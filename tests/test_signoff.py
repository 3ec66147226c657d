"""commands/signoff.py: the sign-off is written into the file as text, every other byte kept, and it verifies."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from projects import REAL_INDICATOR, run_reportgen, write_project

from reportgen.commands.signoff import signoff
from reportgen.content.project import load_indicator, load_project
from reportgen.digest import SIGNOFF_PREFIX, check_signoff, content_digest, signoff_digest
from reportgen.errors import ContentError, UsageError

FILE = "content/indicators/2564/08.yaml"
REAL_TEXT = REAL_INDICATOR.read_bytes()


def make(tmp_path: Path, data: bytes = REAL_TEXT, files: dict | None = None) -> Path:
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": data, **(files or {})})
    return root


def sign(root: Path, name: str = "นางสาวสมใจ ใฝ่รู้", position: str = "บรรณารักษ์ชำนาญการ", date=dt.date(2021, 10, 20)):
    return signoff(root, root / FILE, name=name, position=position, date=date)


def test_first_sign_off_appends_a_block_and_keeps_every_byte_before_it(tmp_path):
    root = make(tmp_path)
    report = sign(root)
    after = (root / FILE).read_bytes()
    assert after.startswith(REAL_TEXT)
    added = after[len(REAL_TEXT):].decode("utf-8")
    digest = report.signoff.digest
    assert added == (
        "\nsignoff:\n  name: นางสาวสมใจ ใฝ่รู้\n  position: บรรณารักษ์ชำนาญการ\n"
        f"  date: 2021-10-20\n  digest: {digest}\n"
    )
    indicator = load_indicator(after)
    assert indicator.signoff.name == "นางสาวสมใจ ใฝ่รู้" and indicator.signoff.date == dt.date(2021, 10, 20)
    assert digest.startswith(SIGNOFF_PREFIX) and check_signoff(indicator, root / "content") == "current"
    assert digest == signoff_digest(indicator, root / "content", name="นางสาวสมใจ ใฝ่รู้",
                                    position="บรรณารักษ์ชำนาญการ", date=dt.date(2021, 10, 20))  # fmt: skip
    assert not report.replaced


MIDDLE = b"""\
# yaml-language-server: $schema=../../../indicator.schema.json
code: '08'   # keep this comment
fiscal_year: 2564
signoff:
  name: old name
  # a comment inside the old block
  position: old position
  date: 2020-01-01

agency: "\xe0\xb8\xaa\xe0\xb8\xb3\xe0\xb8\x99\xe0\xb8\xb1\xe0\xb8\x81"
"""


def test_re_signing_replaces_the_block_where_it_is_and_keeps_the_bytes_around_it(tmp_path):
    real = yaml.safe_load(REAL_TEXT)
    rest = yaml.safe_dump({k: v for k, v in real.items() if k not in ("code", "fiscal_year", "agency")},
                          allow_unicode=True, sort_keys=False).encode()
    source = MIDDLE + rest
    root = make(tmp_path, source)
    report = sign(root, name="นายใหม่ ลงนามใหม่", date=dt.date(2021, 11, 1))
    after = (root / FILE).read_bytes()
    head, tail = source.split(b"signoff:", 1)
    old_block_end = tail.index(b"\n\nagency") + 1
    assert after.startswith(head + b"signoff:\n  name: \xe0\xb8\x99")
    assert after.endswith(tail[old_block_end:])
    assert after.count(b"signoff:") == 1 and b"old name" not in after
    assert load_indicator(after).signoff == report.signoff and report.replaced
    again = sign(root, name="นายใหม่ ลงนามใหม่", date=dt.date(2021, 11, 1))
    assert (root / FILE).read_bytes() == after and again.signoff == report.signoff  # idempotent


@pytest.mark.parametrize(
    "name",
    ["นาง ก: ข", "นาย ก #2", "'นาย ก'", '"อ้างอิง"', "- ขีดนำ", "yes", "2564", "ก ~ ข", "@ชื่อ", "*ดอกจัน", "% ร้อย"],
)
def test_names_that_need_yaml_quoting_round_trip_exactly(tmp_path, name):
    root = make(tmp_path)
    sign(root, name=name, position=f"ตำแหน่ง: {name}")
    indicator = load_indicator((root / FILE).read_bytes())
    assert indicator.signoff.name == name and indicator.signoff.position == f"ตำแหน่ง: {name}"


def test_crlf_and_bom_are_kept_and_the_new_block_uses_crlf(tmp_path):
    source = b"\xef\xbb\xbf" + REAL_TEXT.replace(b"\n", b"\r\n")
    root = make(tmp_path, source)
    sign(root)
    after = (root / FILE).read_bytes()
    assert after.startswith(source)
    added = after[len(source):]
    assert added.startswith(b"\r\nsignoff:\r\n") and b"\n" not in added.replace(b"\r\n", b"")


def test_a_file_without_a_final_newline_gets_one_before_the_block(tmp_path):
    source = REAL_TEXT.rstrip(b"\n")
    root = make(tmp_path, source)
    sign(root)
    after = (root / FILE).read_bytes()
    assert after.startswith(source + b"\n\nsignoff:\n")


def test_an_invalid_file_is_refused_and_left_as_it_was(tmp_path):
    broken = REAL_TEXT.replace(b"fiscal_year: 2564", b"fiscal_year: 2021")
    root = make(tmp_path, broken)
    with pytest.raises(ContentError) as refused:
        sign(root)
    assert any(problem.field == "fiscal_year" for problem in refused.value.problems)
    assert (root / FILE).read_bytes() == broken


def test_a_missing_evidence_file_is_refused(tmp_path):
    data = REAL_TEXT.replace(b"  - title: \xe0\xb8\xa3", b"  - file: evidence/none.pdf\n    title: \xe0\xb8\xa3", 1)
    root = make(tmp_path, data)
    with pytest.raises(ContentError) as refused:
        sign(root)
    assert [problem.code for problem in refused.value.problems] == ["evidence_file_missing"]
    assert (root / FILE).read_bytes() == data


def test_signing_makes_the_stale_warning_go_away(tmp_path):
    root = make(tmp_path)
    sign(root)
    assert load_project(root).warnings == ()
    edited = (root / FILE).read_bytes().replace(b"value: 3\n", b"value: 4\n")
    (root / FILE).write_bytes(edited)
    warnings = load_project(root).warnings
    assert [(w.code, w.field) for w in warnings] == [("signoff_stale", "signoff")]
    sign(root)
    assert load_project(root).warnings == ()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"name": "  "}, "--name"),
        ({"position": "ก\nข"}, "--position"),
        ({"date": dt.date(2564, 10, 20)}, "2021-10-20"),
    ],
)
def test_bad_arguments_are_usage_errors(tmp_path, kwargs, words):
    root = make(tmp_path)
    with pytest.raises(UsageError, match=words):
        sign(root, **kwargs)
    assert (root / FILE).read_bytes() == REAL_TEXT


def test_only_indicator_files_can_be_signed(tmp_path):
    root = make(tmp_path)
    with pytest.raises(UsageError):
        signoff(root, root / "content" / "site.yaml", name="ก", position="ข")
    with pytest.raises(UsageError):
        signoff(root, root / "content/indicators/2564/99.yaml", name="ก", position="ข")


def test_command_line_signs_with_today_as_default_date(tmp_path):
    root = make(tmp_path)
    result = run_reportgen("signoff", FILE, "--name", "นาย ทดสอบ: ระบบ", "--position", "หัวหน้า", cwd=root)
    assert result.returncode == 0, result.stderr
    indicator = load_indicator((root / FILE).read_bytes())
    assert indicator.signoff.date in (dt.date.today(), dt.date.today() - dt.timedelta(days=1))  # run at midnight
    assert FILE in result.stdout and indicator.signoff.digest in result.stdout


def test_command_line_refuses_a_buddhist_era_date_with_exit_2(tmp_path):
    root = make(tmp_path)
    result = run_reportgen("signoff", FILE, "--name", "ก", "--position", "ข", "--date", "2564-10-20", cwd=root)
    assert result.returncode == 2 and "2021-10-20" in result.stderr
    bad = run_reportgen("signoff", FILE, "--name", "ก", "--position", "ข", "--date", "20/10/2021", cwd=root)
    assert bad.returncode == 2
    assert (root / FILE).read_bytes() == REAL_TEXT


def test_signing_the_empty_signoff_that_new_writes_is_not_called_replacing(tmp_path, capsys):
    from reportgen.cli import main

    root = make(tmp_path)
    path = root / FILE
    path.write_text(path.read_text(encoding="utf-8") + "\nsignoff:\n", encoding="utf-8")
    assert main(["signoff", str(path), "--name", "นางสาวสมใจ ใฝ่รู้", "--position", "บรรณารักษ์",
                 "--date", "2021-10-20", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("บันทึกการลงนามใน") and "แทนที่" not in out
    assert main(["signoff", str(path), "--name", "นางสาวสมใจ ใฝ่รู้", "--position", "บรรณารักษ์",
                 "--date", "2021-10-21", "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith("แทนที่การลงนามเดิมใน")


@pytest.mark.parametrize("position", ["ก" * 1001, "บรรณารักษ์\u202eชำนาญการ"])
def test_a_position_the_form_cannot_hold_is_a_usage_error(tmp_path, position):
    root = make(tmp_path)
    with pytest.raises(UsageError, match="--position"):
        sign(root, position=position)
    assert (root / FILE).read_bytes() == REAL_TEXT


# --- the sign-off block is covered by its digest (form 2); old digests (form 1) still hold --------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [("name: นางสาวสมใจ ใฝ่รู้", "name: นายปลอม ลงชื่อแทน"), ("position: บรรณารักษ์ชำนาญการ", "position: ผู้อำนวยการ"),
     ("date: 2021-10-20", "date: 2021-12-31")],
)  # fmt: skip
def test_editing_the_sign_off_block_by_hand_makes_check_warn(tmp_path, old, new):
    from reportgen.commands.check import check

    root = make(tmp_path)
    sign(root)
    assert check(root) == []
    path = root / FILE
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert [(p.code, p.severity) for p in check(root)] == [("signoff_stale", "warning")]
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 1 and "แก้ไขหลังลงนาม" in result.stderr


def test_an_old_form_digest_still_verifies_with_a_hint_to_sign_off_again(tmp_path):
    from reportgen.commands.check import check

    root = make(tmp_path)
    sign(root)
    path = root / FILE
    indicator = load_indicator(path.read_bytes())
    old_digest = content_digest(indicator, root / "content")  # what reportgen wrote before form 2
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(indicator.signoff.digest, old_digest), encoding="utf-8")
    problems = check(root)
    assert [(p.code, p.severity) for p in problems] == [("signoff_old_digest", "warning")]
    assert "reportgen signoff" in problems[0].hint and "--date 2021-10-20" in problems[0].hint
    assert "does not cover the signer's name, position and date" in problems[0].text("en")
    assert run_reportgen("build", "--release", cwd=root).returncode == 0  # an old sign-off still publishes
    # ... and its name can still be edited unnoticed, which is what the warning says
    path.write_text(path.read_text(encoding="utf-8").replace("นางสาวสมใจ ใฝ่รู้", "คนอื่น"), encoding="utf-8")
    assert [p.code for p in check(root)] == ["signoff_old_digest"]
    sign(root)  # signing off again moves it to form 2
    assert check(root) == []


def test_a_killed_signoff_leaves_nothing_git_would_commit(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    root = make(tmp_path)
    folder = root / "content" / "indicators" / "2564"
    # What kill -9 in the middle of writing leaves: a temporary file of a process that is gone.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    leftover = folder / f".reportgen-tmp-{child.pid}-0123456789ab"
    leftover.write_bytes(b"half a file")
    live = folder / f".reportgen-tmp-{os.getpid()}-0123456789ab"  # a command still writing: left alone
    live.write_bytes(b"being written")

    shutil.copy(Path(__file__).resolve().parent.parent / ".gitignore", root / ".gitignore")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    ignored = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert ".reportgen-tmp-" not in ignored and "08.yaml" in ignored

    sign(root)
    assert not leftover.exists() and live.exists()
    assert sorted(path.name for path in folder.iterdir()) == sorted(["08.yaml", live.name])
