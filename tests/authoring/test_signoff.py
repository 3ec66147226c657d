"""commands/signoff.py and authoring/signoff_edit.py: the sign-off is written into the file as text, every other byte kept, and it verifies."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import yaml
from projects import REAL_INDICATOR, REPO_ROOT, run_reportgen, write_project

from reportgen.commands.signoff import signoff
from reportgen.content.project import load_indicator, load_project
from reportgen.digest import SIGNOFF_PREFIX, check_signoff, content_digest, signoff_digest
from reportgen.errors import ContentError, UsageError
from reportgen.thai import bangkok_today, thai_date

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
    today = bangkok_today()
    assert indicator.signoff.date in (today, today - dt.timedelta(days=1))  # today in Bangkok (run at midnight)
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

    shutil.copy(REPO_ROOT / ".gitignore", root / ".gitignore")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    ignored = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert ".reportgen-tmp-" not in ignored and "08.yaml" in ignored

    sign(root)
    assert not leftover.exists() and live.exists()
    assert sorted(path.name for path in folder.iterdir()) == sorted(["08.yaml", live.name])


# --- Signing means the form is complete (issue 23) ------------------------------------------------------------------


def cli(root: Path, *args: str) -> int:
    """The real command line, in this process, run from the project folder as the guide says."""
    from reportgen.cli import main

    previous = Path.cwd()
    os.chdir(root)
    try:
        return main([*args, "--root", str(root)])
    finally:
        os.chdir(previous)


def signoff_args(file: str = FILE, *extra: str) -> list[str]:
    return ["signoff", file, "--name", "นางสาวสมใจ ใฝ่รู้", "--position", "บรรณารักษ์ชำนาญการ", *extra]


def test_a_form_still_holding_new_s_placeholders_cannot_be_signed_off(tmp_path, capsys):
    root = make(tmp_path)
    assert cli(root, "new", "11", "--year", "2570") == 0
    new_file = "content/indicators/2570/11.yaml"
    before = (root / new_file).read_bytes()
    capsys.readouterr()
    assert cli(root, *signoff_args(new_file)) == 1
    err = capsys.readouterr().err
    assert (root / new_file).read_bytes() == before  # nothing written
    lines = before.decode("utf-8").splitlines()
    placeholder_lines = [number for number, line in enumerate(lines, 1) if "…กรอก" in line and not line.lstrip()
                         .startswith("#")]  # fmt: skip
    assert placeholder_lines and all(f"{new_file}:{number}:" in err for number in placeholder_lines), err
    assert err.count("ยังไม่ได้กรอก") == len(placeholder_lines)
    assert "ผิดพลาด" in err and "บันทึกการลงนาม" not in err


def test_every_reason_is_listed_at_once_and_dates_are_checked(tmp_path, capsys):
    root = make(tmp_path)
    assert cli(root, "new", "11", "--year", "2570") == 0
    new_file = "content/indicators/2570/11.yaml"
    before = (root / new_file).read_bytes()
    future = bangkok_today() + dt.timedelta(days=45)
    capsys.readouterr()
    assert cli(root, *signoff_args(new_file, "--date", f"{future.day}/{future.month}/{future.year + 543}")) == 1
    err = capsys.readouterr().err
    assert (root / new_file).read_bytes() == before
    assert "ยังไม่ได้กรอก" in err and f"ลงนามวันที่ {thai_date(future)} ไม่ได้ เพราะยังมาไม่ถึง" in err
    assert f"วันนี้ {thai_date(bangkok_today())} เวลากรุงเทพฯ" in err


def test_a_sign_off_dated_in_the_future_is_refused(tmp_path, capsys):
    root = make(tmp_path)  # the real 08 of 2564: complete, no warnings
    future = bangkok_today() + dt.timedelta(days=1)
    assert cli(root, *signoff_args(FILE, "--date", future.isoformat())) == 1
    assert (root / FILE).read_bytes() == REAL_TEXT
    err = capsys.readouterr().err
    assert "signoff.date" in err and "ยังมาไม่ถึง" in err
    assert cli(root, *signoff_args(FILE, "--date", future.isoformat(), "--lang", "en")) == 1
    assert "has not come yet" in capsys.readouterr().err


def test_a_sign_off_dated_before_the_fiscal_year_is_refused(tmp_path, capsys):
    root = make(tmp_path)
    assert cli(root, *signoff_args(FILE, "--date", "30/9/2563")) == 1  # fiscal year 2564 began 1 October 2563
    err = capsys.readouterr().err
    assert "ลงนามวันที่ 30 กันยายน 2563 ไม่ได้ เพราะอยู่ก่อนปีงบประมาณ 2564 เริ่ม (1 ตุลาคม 2563)" in err
    assert (root / FILE).read_bytes() == REAL_TEXT
    assert cli(root, *signoff_args(FILE, "--date", "1/10/2563")) == 0  # its first day is fine


HTTP_EVIDENCE = REAL_TEXT.replace(b"url: https://www.bangkoklibrary.go.th", b"url: http://www.bangkoklibrary.go.th")


def test_warnings_are_shown_and_must_be_accepted(tmp_path, capsys):
    root = make(tmp_path, HTTP_EVIDENCE)
    assert cli(root, *signoff_args(FILE, "--date", "2021-10-20")) == 1
    err = capsys.readouterr().err
    assert (root / FILE).read_bytes() == HTTP_EVIDENCE  # nothing written
    line = HTTP_EVIDENCE.decode("utf-8").splitlines().index("    url: http://www.bangkoklibrary.go.th") + 1
    assert f"{FILE}:{line}:" in err and "คำเตือน" in err and "--accept-warnings" in err
    assert cli(root, *signoff_args(FILE, "--date", "2021-10-20", "--accept-warnings")) == 0
    captured = capsys.readouterr()
    assert f"{FILE}:{line}:" in captured.err and "ผู้ลงนามยืนยันคำเตือน 1 รายการข้างต้นแล้ว" in captured.err
    assert captured.out.startswith("บันทึกการลงนามใน") and "20 ตุลาคม 2564" in captured.out  # a Thai date
    assert load_indicator((root / FILE).read_bytes()).signoff.digest.startswith("sha256v3:")


def test_the_acknowledgement_is_a_function_any_sign_off_path_calls(tmp_path):
    from reportgen.commands.signoff import review_signoff

    root = make(tmp_path, HTTP_EVIDENCE)
    kwargs = {"name": "นางสาวสมใจ ใฝ่รู้", "position": "บรรณารักษ์ชำนาญการ", "date": dt.date(2021, 10, 20)}
    review = review_signoff(root, root / FILE, **kwargs)  # what a browser desk shows before the person signs
    assert review.may_sign and [w.code for w in review.warnings] == ["evidence_not_https"]
    with pytest.raises(ContentError) as refused:
        signoff(root, root / FILE, **kwargs)  # not accepted
    assert refused.value.problems[-1].code == "signoff_warnings_not_accepted"
    (root / FILE).write_bytes(HTTP_EVIDENCE.replace(b"value: 3\n", b"value: 4\n"))  # edited after it was reviewed
    with pytest.raises(ContentError) as outdated:
        signoff(root, root / FILE, acknowledged=review.acknowledgement, **kwargs)
    assert outdated.value.problems[-1].code == "signoff_review_outdated"
    again = review_signoff(root, root / FILE, **kwargs)
    report = signoff(root, root / FILE, acknowledged=again.acknowledgement, **kwargs)
    assert report.accepted == again.warnings and check_signoff(load_indicator((root / FILE).read_bytes()),
                                                                root / "content") == "current"  # fmt: skip


def test_changing_the_officer_keeps_every_sign_off(tmp_path):
    from reportgen.commands.check import check

    files = {f"indicators/2564/{code}.yaml": REAL_TEXT.replace(b'code: "08"', f'code: "{code}"'.encode())
             for code in ("08", "09", "10")}  # fmt: skip
    root = write_project(tmp_path / "p", files)
    for code in ("08", "09", "10"):
        sign_file = root / f"content/indicators/2564/{code}.yaml"
        signoff(root, sign_file, name="นางสาวสมใจ ใฝ่รู้", position="บรรณารักษ์", date=dt.date(2021, 10, 20))
        sign_file.write_text(sign_file.read_text(encoding="utf-8") + "officer:\n  name: นายสมชาย ขยันดี\n",
                             encoding="utf-8")  # the coordinator assigns the officer afterwards
    assert check(root) == []
    assert run_reportgen("build", "--release", cwd=root).returncode == 0
    assert sorted(path.name for path in (root / "output/pdf/2564").iterdir()) == ["08.pdf", "09.pdf", "10.pdf"]


def _legacy_signed(tmp_path, *, officer: str | None) -> Path:
    """A file signed by reportgen before form 3 (a sha256v2 digest, which covered officer)."""
    from reportgen.digest import signoff_digest_v2

    text = REAL_TEXT + (f"officer:\n  name: {officer}\n".encode() if officer else b"")
    root = make(tmp_path, text)
    indicator = load_indicator(text)
    digest = signoff_digest_v2(indicator, root / "content", name="นางสาวสมใจ ใฝ่รู้", position="บรรณารักษ์",
                               date=dt.date(2021, 10, 20))  # fmt: skip
    block = f"signoff:\n  name: นางสาวสมใจ ใฝ่รู้\n  position: บรรณารักษ์\n  date: 2021-10-20\n  digest: {digest}\n"
    (root / FILE).write_bytes(text + block.encode())
    return root


def test_an_old_sign_off_keeps_verifying_when_an_officer_is_added(tmp_path):
    from reportgen.commands.check import check

    root = _legacy_signed(tmp_path, officer=None)
    path = root / FILE
    path.write_text(path.read_text(encoding="utf-8") + "officer:\n  name: นายสมชาย ขยันดี\n", encoding="utf-8")
    assert check(root) == []
    assert run_reportgen("build", "--release", cwd=root).returncode == 0


def test_an_old_sign_off_whose_officer_changed_gets_one_message_with_the_command(tmp_path):
    from reportgen.commands.check import check

    root = _legacy_signed(tmp_path, officer="นายสมชาย ขยันดี")
    assert check(root) == []  # as signed
    path = root / FILE
    path.write_text(path.read_text(encoding="utf-8").replace("นายสมชาย ขยันดี", "นางสมศรี ใจดี"), encoding="utf-8")
    [problem] = check(root)
    assert (problem.code, problem.severity) == ("signoff_stale_legacy", "warning")
    assert "officer" in problem.message and "รุ่นก่อน" in problem.message
    assert f"reportgen signoff {FILE} --name 'นางสาวสมใจ ใฝ่รู้' --position 'บรรณารักษ์'" in problem.hint
    sign(root)  # signing again moves it to form 3, which no longer covers officer
    path.write_text(path.read_text(encoding="utf-8").replace("นางสมศรี ใจดี", "นายสมชาย ขยันดี"), encoding="utf-8")
    assert check(root) == []
