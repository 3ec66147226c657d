"""cli.py, cli_language.py, dates.py, fields.py: the command line speaks Thai by default and English on request.

Help and usage of every command (argparse's own words included), argument errors with their fix, the Thai dates
the date arguments take or refuse with the ISO value to type, the build's progress lines, and the officer's names
of the fields in ``check`` output; the language from ``--lang`` (before or after the command), ``REPORTGEN_LANG``,
the locale, else Thai.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gettext
import inspect
import re
import subprocess
import typing
import unicodedata
from pathlib import Path

import pydantic
import pytest
from projects import REAL_INDICATOR, real_indicator, run_reportgen, run_reportgen_process, write_project

from reportgen.cli import main
from reportgen.cli_language import ARGPARSE_MESSAGES, ARGPARSE_PLURALS, environment_lang, resolve_lang
from reportgen.dates import DateRefused, parse_date
from reportgen.fields import describe_field, field_label
from reportgen.model import Indicator, SiteSettings

COMMANDS = ("build", "merge", "check", "book", "signoff", "sign", "verify", "serve", "new", "status", "import", "schema")
THAI_DESCRIPTIONS = {
    "build": "ตรวจ content/ แล้วสร้าง output/",
    "merge": "รวมผลของ build --shard ทุกส่วนเข้าเป็น output/",
    "check": "ตรวจ content/ โดยไม่สร้างอะไร",
    "book": "รวมแบบรายงานทั้งปีงบประมาณเป็น PDF เล่มเดียว",
    "signoff": "บันทึกการลงนามของผู้รับผิดชอบในไฟล์ตัวชี้วัด",
    "sign": "ลงลายมือชื่ออิเล็กทรอนิกส์ใน PDF ฉบับเผยแพร่ใน output/",
    "verify": "ตรวจลายมือชื่อในไฟล์ PDF",
    "serve": "เปิดดูตัวอย่างเว็บไซต์ สร้างใหม่ทุกครั้งที่แก้ไฟล์",
    "new": "สร้างไฟล์ตัวชี้วัดใหม่สำหรับกรอก",
    "status": "ภาพรวมรายไตรมาส",
    "import": "แปลงแบบรายงานที่ส่งออกเป็นข้อความจากระบบของ กทม.",
    "schema": "แสดง JSON Schema ของไฟล์ใน content/",
}
ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help message and exit")
FILE = "content/indicators/2564/08.yaml"


def help_of(*argv: str, capsys) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines: compare the words


def reportgen(*args: str, cwd: Path, **environ: str) -> subprocess.CompletedProcess:
    """The real command line in a fresh process, with these environment variables set (the locale is read there)."""
    return run_reportgen_process(*args, cwd=cwd, env=environ)


# --- help ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_s_help_is_thai_by_default(command, capsys):
    text = help_of(command, "--help", capsys=capsys)
    assert text.startswith(f"วิธีใช้: reportgen {command} [-h]")
    assert THAI_DESCRIPTIONS[command] in text
    assert "ตัวเลือก: -h, --help แสดงคำอธิบายนี้แล้วจบ" in text
    assert "--lang {th,en} ภาษาของข้อความ" in text and "--root โฟลเดอร์ โฟลเดอร์โครงการ" in text
    assert not [words for words in ARGPARSE_ENGLISH if words in text]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_s_help_is_english_with_lang_en_after_or_before_the_command(command, capsys):
    after = help_of(command, "--help", "--lang", "en", capsys=capsys)
    before = help_of("--lang=en", command, "--help", capsys=capsys)
    assert after == before
    assert after.startswith(f"usage: reportgen {command} [-h]") and "options: -h, --help show this help" in after
    assert not re.search("[\u0e00-\u0e7f]", after.replace("(ตำแหน่ง)", ""))  # no Thai but a term it explains


def test_the_help_column_is_straight_on_screen_after_thai_metavars(capsys):
    with pytest.raises(SystemExit):
        main(["signoff", "--help"])
    lines = capsys.readouterr().out.splitlines()

    def on_screen(text: str) -> int:  # a Thai vowel or tone mark above or below a letter takes no column
        return sum(0 if unicodedata.category(char) in ("Mn", "Me", "Cf") else 1 for char in text)

    columns = {}
    for line in lines:
        if match := re.match(r"(  (?:-\S+|ไฟล์)(?: [^ ]+)?\s{2,})\S", line):
            columns[line.split()[0]] = on_screen(match[1])
    assert {"--name", "--date", "--position", "--root", "-h,", "ไฟล์"} <= set(columns)
    assert len(set(columns.values())) == 1, columns


def test_the_program_s_help_lists_every_command_in_thai(capsys):
    text = help_of("--help", capsys=capsys)
    assert text.startswith("วิธีใช้: reportgen [-h] [--version] [--lang {th,en}] คำสั่ง ...")
    assert "สร้างแบบรายงานตัวชี้วัดทางการ (PDF และ HTML) จากไฟล์ YAML" in text
    for command, description in THAI_DESCRIPTIONS.items():
        assert f"{command} {description}" in text
    assert "--version แสดงรุ่นของโปรแกรมแล้วจบ" in text


@pytest.mark.e2e
def test_an_english_locale_gives_english_help_and_the_thai_locale_or_none_thai(tmp_path):
    english = reportgen("check", "--help", cwd=tmp_path, LANG="en_US.UTF-8")
    assert english.returncode == 0 and english.stdout.startswith("usage: reportgen check")
    assert "check content/ without building anything" in english.stdout
    for environ in ({"LANG": "th_TH.UTF-8"}, {"LANG": "C.UTF-8"}, {"LANG": "en_US.UTF-8", "LC_ALL": "C.UTF-8"}):
        thai = reportgen("check", "--help", cwd=tmp_path, **environ)
        assert thai.stdout.startswith("วิธีใช้: reportgen check"), environ
    chosen = reportgen("check", "--help", cwd=tmp_path, LANG="th_TH.UTF-8", REPORTGEN_LANG="en")
    assert chosen.stdout.startswith("usage: reportgen check")
    flag = reportgen("check", "--help", "--lang", "th", cwd=tmp_path, LANG="en_US.UTF-8", REPORTGEN_LANG="en")
    assert flag.stdout.startswith("วิธีใช้: reportgen check")


@pytest.mark.parametrize(
    ("argv", "environ", "lang"),
    [
        ([], {}, "th"),
        ([], {"LANG": "C.UTF-8"}, "th"),
        ([], {"LANG": "en_GB.UTF-8"}, "en"),
        ([], {"LANG": "de_DE.UTF-8"}, "th"),  # reportgen's readers read Thai; another language is not English
        ([], {"LANG": "en_US.UTF-8", "LC_MESSAGES": "th_TH.UTF-8"}, "th"),
        ([], {"LANG": "th_TH.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ([], {"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "th_TH.UTF-8"}, "en"),
        ([], {"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "th"),
        ([], {"REPORTGEN_LANG": "en", "LANG": "th_TH.UTF-8"}, "en"),
        ([], {"REPORTGEN_LANG": "th", "LC_ALL": "en_US.UTF-8"}, "th"),
        ([], {"REPORTGEN_LANG": "fr", "LANG": "en_US.UTF-8"}, "en"),  # not a language of reportgen: ignored
        (["build", "--lang", "en"], {"REPORTGEN_LANG": "th"}, "en"),
        (["--lang=th", "build"], {"LANG": "en_US.UTF-8"}, "th"),
        (["--lang", "en", "build", "--lang", "th"], {}, "th"),  # the last one, as argparse takes it
        (["--lang", "xx"], {"LANG": "en_US.UTF-8"}, "en"),  # argparse refuses xx, in the environment's language
        (["new", "--", "--lang", "en"], {}, "th"),
    ],
)
def test_the_language_is_lang_then_reportgen_lang_then_the_locale_then_thai(argv, environ, lang):
    assert resolve_lang(argv, environ) == lang
    if not argv:
        assert environment_lang(environ) == lang


@pytest.mark.parametrize(
    ("argv", "environ", "lang"),
    [
        (["schema"], {"REPORTGEN_LANG": "en"}, "en"),
        (["schema", "--lang", "th"], {"REPORTGEN_LANG": "en"}, "th"),
        (["--lang", "en", "schema"], {"LANG": "th_TH.UTF-8"}, "en"),
        (["schema"], {"LANG": "en_US.UTF-8"}, "en"),
        (["schema"], {}, "th"),
    ],
)
def test_main_runs_the_command_in_the_language_it_decided(argv, environ, lang, monkeypatch):
    """One decision: the rule above gives ``args.lang`` and the run's language (``wording.set_language``), which
    library texts and log lines not handed a language read in; main() puts the previous one back."""
    from reportgen import cli, wording

    for name in ("REPORTGEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    seen = []
    monkeypatch.setattr(cli, "run_schema", lambda args: seen.append((args.lang, wording.language())) or 0)
    before = wording.language()
    assert main(argv) == 0
    assert seen == [(lang, lang)]
    assert wording.language() == before


# --- argument errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "thai", "english"),
    [
        (["new", "09"], "reportgen new: ผิดพลาด: ยังไม่ได้ระบุ --year ซึ่งคำสั่งนี้ต้องมี",
         "reportgen new: error: the following arguments are required: --year"),
        (["check", "--format", "xml"], "reportgen check: ผิดพลาด: ที่ --format: ไม่มีตัวเลือก 'xml' ใช้ได้เฉพาะ 'text', 'json', 'github'",
         "reportgen check: error: argument --format: invalid choice: 'xml' (choose from 'text', 'json', 'github')"),
        (["build", "--bogus"], "reportgen build: ผิดพลาด: ไม่รู้จัก --bogus",
         "reportgen build: error: unrecognized arguments: --bogus"),
        (["biuld"], "reportgen: ผิดพลาด: ที่ คำสั่ง: ไม่มีตัวเลือก 'biuld' ใช้ได้เฉพาะ 'build',",
         "reportgen: error: argument COMMAND: invalid choice: 'biuld' (choose from 'build',"),
        (["sign"], "reportgen sign: ผิดพลาด: ต้องระบุอย่างใดอย่างหนึ่งใน --key --key-env",
         "reportgen sign: error: one of the arguments --key --key-env is required"),
        (["status", "--quarter", "5"], "reportgen status: ผิดพลาด: ที่ --quarter: ไตรมาสคือ q1, q2, q3 หรือ q4 ไม่ใช่ '5'",
         "reportgen status: error: argument --quarter: a quarter is q1, q2, q3 or q4, not '5'"),
        (["new", "09", "--year", "25x9"], "--year: ปีงบประมาณเขียนเป็นปี พ.ศ. 4 หลัก เช่น 2569 ไม่ใช่ '25x9'",
         "argument --year: a fiscal year is a four-digit Buddhist-Era year, e.g. 2569, not '25x9'"),
        (["build", "-j", "0"], "-j/--jobs: จำนวนกระบวนการต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป ไม่ใช่ '0'",
         "argument -j/--jobs: the number of processes is a whole number ≥ 1, not '0'"),
        (["build", "--shard", "3/2"], "--shard: ส่วนที่แบ่งเขียนแบบ K/N เช่น 2/4", "argument --shard: a shard is written K/N"),
        (["book", "--as-of", "q5"], "--as-of: ไตรมาสคือ q1, q2, q3 หรือ q4 ไม่ใช่ 'q5'",
         "argument --as-of: a quarter is q1, q2, q3 or q4, not 'q5'"),
        (["serve", "--port", "http"], "--port: หมายเลขพอร์ตเป็นจำนวนเต็ม 0–65535 ไม่ใช่ 'http'",
         "argument --port: a port is a whole number 0–65535, not 'http'"),
        (["verify"], "ยังไม่ได้ระบุ ไฟล์ ซึ่งคำสั่งนี้ต้องมี", "the following arguments are required: FILE"),
    ],
)  # fmt: skip
def test_argument_errors_are_thai_with_the_fix_and_english_with_lang_en(argv, thai, english, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("วิธีใช้: reportgen") and thai in err
    assert re.search(r"\n  วิธีแก้: (หมายถึง build หรือไม่ )?ดูตัวเลือกทั้งหมดด้วย reportgen( \w+)? --help\n$", err)
    assert not [words for words in ("usage:", "error:", "argument ", "invalid", "required") if words in err]
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--lang", "en"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.startswith("usage: reportgen") and english in err
    assert re.search(r"\n  fix: (did you mean build\? See|see) every option with reportgen( \w+)? --help\n$", err)
    assert not re.search("[\u0e00-\u0e7f]", err)


def test_a_mistyped_choice_is_answered_with_the_one_meant(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--format", "jsn"])
    assert capsys.readouterr().err.endswith(
        "reportgen check: ผิดพลาด: ที่ --format: ไม่มีตัวเลือก 'jsn' ใช้ได้เฉพาะ 'text', 'json', 'github'\n"
        "  วิธีแก้: หมายถึง json หรือไม่ ดูตัวเลือกทั้งหมดด้วย reportgen check --help\n"
    )
    with pytest.raises(SystemExit):
        main(["--lang", "en", "biuld"])
    assert capsys.readouterr().err.endswith("  fix: did you mean build? See every option with reportgen --help\n")


def test_a_year_or_a_quarter_may_be_typed_in_thai_digits():
    from reportgen.cli import parse_arguments

    arguments = parse_arguments(["status", "--year", "๒๕๖๔", "--quarter", "q๒"])
    assert (arguments.year, arguments.quarter) == (2564, 2)


def test_argparse_is_given_back_its_own_words_after_the_command_line(capsys):
    with pytest.raises(SystemExit):
        main(["new"])
    capsys.readouterr()
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext  # type: ignore[attr-defined]
    assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"


def test_every_argparse_word_reportgen_translates_is_one_argparse_uses():
    source = inspect.getsource(argparse)  # a Python whose argparse words a message otherwise goes untranslated
    for msgid in [*ARGPARSE_MESSAGES, *(word for pair in ARGPARSE_PLURALS for word in pair)]:
        assert repr(msgid)[1:-1] in source or msgid in source, msgid


# --- dates --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2021-10-20", " 2021-10-20 ", "๒๐๒๑-๑๐-๒๐", "20/10/2564", "20-10-2564", "20.10.2564", "๒๐/๑๐/๒๕๖๔",
     "20 ต.ค. 2564", "20 ตค 2564", "20 ตุลาคม 2564", "20 ตุลาคม พ.ศ. 2564", "๒๐ ต.ค. ๒๕๖๔"],
)  # fmt: skip
def test_an_iso_date_or_a_thai_date_with_a_buddhist_era_year_is_taken(text):
    assert parse_date(text) == dt.date(2021, 10, 20)


@pytest.mark.parametrize(
    ("text", "code", "thai"),
    [
        ("20/10/64", "date_two_digit_year", "ถ้าหมายถึง 20 ตุลาคม พ.ศ. 2564 ให้ใช้ 2021-10-20"),
        ("20 ต.ค. 64", "date_two_digit_year", "ให้ใช้ 2021-10-20"),
        ("10/20/2564", "date_month_first", "ถ้าหมายถึง 20 ตุลาคม พ.ศ. 2564 ให้ใช้ 2021-10-20"),
        ("2564-10-20", "date_buddhist_year_in_iso", "ใช้ 2021-10-20"),
        ("20/10/2021", "date_christian_year_slashes_one", "ใช้ 2021-10-20"),
        ("4/3/2021", "date_christian_year_slashes", "2021-03-04 ถ้าหมายถึง 4 มีนาคม หรือ 2021-04-03 ถ้าหมายถึง 3 เมษายน"),
        ("31/02/2564", "date_no_such_day", "ไม่มีวันที่ '31/02/2564' ในปฏิทิน"),
        ("2021-13-01", "date_no_such_day", "ไม่มีวันที่"),
        ("yesterday", "date_not_a_date", "ให้เขียนแบบ ค.ศ. ปี-เดือน-วัน เช่น 2026-10-20"),
        ("20/10-2564", "date_not_a_date", "ไม่ใช่วันที่"),
    ],
)
def test_a_date_that_would_be_a_guess_is_refused_with_the_iso_value_to_type(text, code, thai):
    with pytest.raises(DateRefused) as refused:
        parse_date(text)
    assert refused.value.code == code and thai in refused.value.message("th")
    english = refused.value.message("en")
    assert not re.search("[\u0e00-\u0e7f]", english.replace(text, ""))
    assert (m := re.search(r"use (\d{4}-\d\d-\d\d)", refused.value.message("en"))) is None or m[1] in thai


def test_signoff_takes_a_thai_date_and_refuses_a_two_digit_year_with_the_iso_form(tmp_path):
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": REAL_INDICATOR.read_bytes()})
    before = (root / FILE).read_bytes()
    refused = run_reportgen("signoff", FILE, "--name", "ก", "--position", "ข", "--date", "20/10/64", cwd=root)
    assert refused.returncode == 2 and (root / FILE).read_bytes() == before
    assert "ที่ --date: '20/10/64' มีปีเพียง 2 หลัก" in refused.stderr and "ให้ใช้ 2021-10-20" in refused.stderr
    english = run_reportgen("signoff", FILE, "--name", "ก", "--position", "ข", "--date", "20/10/64", "--lang", "en",
                            cwd=root)  # fmt: skip
    assert "argument --date: '20/10/64' has a two-digit year" in english.stderr and "use 2021-10-20" in english.stderr
    taken = run_reportgen("signoff", FILE, "--name", "ก", "--position", "ข", "--date", "๒๐ ต.ค. ๒๕๖๔", cwd=root)
    assert taken.returncode == 0, taken.stderr
    assert "date: 2021-10-20" in (root / FILE).read_text(encoding="utf-8")
    assert "บันทึกการลงนามใน" in taken.stdout and "20 ตุลาคม 2564" in taken.stdout  # a Thai line, a Thai date


# --- progress and summary lines ---------------------------------------------------------------------------------


def test_the_build_s_progress_and_summary_are_thai_by_default_and_english_with_lang_en(tmp_path):
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": real_indicator()})
    thai = run_reportgen("build", "-j", "1", cwd=root, check=True)
    assert thai.stderr.splitlines() == [
        "กำลังสร้างแบบรายงาน 1 ฉบับ (ไม่เปลี่ยนแปลง 0 ฉบับ) ด้วย 1 กระบวนการ",
        "สร้างแล้ว 1/1 (100%) " + thai.stderr.splitlines()[1].split("(100%) ")[1],
        "สร้าง 1 ฉบับ ข้ามที่ไม่เปลี่ยนแปลง 0 ฉบับ ไม่สำเร็จ 0 ฉบับ ใช้เวลา "
        + thai.stderr.splitlines()[2].split("ใช้เวลา ")[1],
    ]
    assert re.fullmatch(r"สร้างแล้ว 1/1 \(100%\) [0-9.]+ ฉบับ/วินาที", thai.stderr.splitlines()[1])
    assert re.fullmatch(r"สร้าง 1 ฉบับ .* ใช้เวลา [0-9.]+ วินาที", thai.stderr.splitlines()[2])
    english = run_reportgen("build", "--lang", "en", cwd=root, check=True)
    assert re.fullmatch(r"built 0, skipped 1 unchanged, failed 0, [0-9.]+ s\n", english.stderr)


# --- field names ------------------------------------------------------------------------------------------------


def test_check_names_the_field_in_the_officer_s_words_beside_its_path(tmp_path):
    data = real_indicator()
    data["quarters"]["q1"]["result"] = "สามห้อง"
    data["evidence"][1]["url"] = "javascript:alert(1)"
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": data})
    thai = run_reportgen("check", cwd=root)
    assert thai.returncode == 1
    assert "ผิดพลาด: ไตรมาสที่ 1 › ผลงาน (quarters.q1.result)" in thai.stdout
    assert "ผิดพลาด: หลักฐานรายการที่ 2 › ลิงก์ (evidence[2].url)" in thai.stdout
    english = run_reportgen("check", "--lang", "en", cwd=root)
    assert "error: quarter 1 › result (quarters.q1.result)" in english.stdout
    assert "error: evidence item 2 › link (evidence[2].url)" in english.stdout


def _field_paths(model: type[pydantic.BaseModel], prefix: str = "") -> list[str]:
    """Every field path of ``model``: nested models, and list items as ``[1]``."""
    paths = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        paths.append(path)
        for candidate in _models_in(info.annotation):
            paths.extend(_field_paths(candidate, path))
        if typing.get_origin(info.annotation) is list:
            item = f"{path}[1]"
            paths.append(item)
            for candidate in _models_in(typing.get_args(info.annotation)[0]):
                paths.extend(_field_paths(candidate, item))
    return paths


def _models_in(annotation) -> list[type[pydantic.BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]
    return []


@pytest.mark.parametrize("model", [Indicator, SiteSettings])
def test_every_field_of_the_model_has_a_name_in_both_languages(model):
    paths = _field_paths(model)
    assert "quarters.q3.report" in paths or model is SiteSettings
    for path in paths:
        thai, english = field_label(path, "th"), field_label(path, "en")
        assert thai and english and thai != english, path
        assert re.search("[\u0e00-\u0e7f]", thai) and not re.search("[\u0e00-\u0e7f]", english), path


def test_a_field_name_reads_like_the_form():
    assert describe_field("quarters.q1.result") == "ไตรมาสที่ 1 › ผลงาน (quarters.q1.result)"
    assert describe_field("quarters.q1.result", "en") == "quarter 1 › result (quarters.q1.result)"
    assert describe_field("evidence[1].url") == "หลักฐานรายการที่ 1 › ลิงก์ (evidence[1].url)"
    assert describe_field("target.plan.q2") == "5. เป้าหมาย › แผนรายไตรมาส › ไตรมาสที่ 2 (target.plan.q2)"
    assert describe_field("quarters.summary") == "6.5 สรุปผลการดำเนินงานปลายปีงบประมาณ (quarters.summary)"
    assert describe_field("quarters.q1.reslt") == "quarters.q1.reslt"  # a misspelt key: its path alone
    assert describe_field("quarters.q5") == "quarters.q5" and describe_field(None) is None
