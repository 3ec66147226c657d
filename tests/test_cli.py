"""cli.py: every bad input of the loader's table, through `reportgen build` and `check`: exit 1, nothing written."""

from __future__ import annotations

import json

import pytest
from projects import REAL_INDICATOR, write_project
from test_load import CASES, FILE

from reportgen.cli import main

REAL_TEXT = REAL_INDICATOR.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_fails_the_build_with_a_located_message_and_writes_nothing(case, tmp_path, capsys, monkeypatch):
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": case.change(REAL_TEXT)})
    content_before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    monkeypatch.chdir(root)

    assert main(["build"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert FILE in captured.err and "Traceback" not in captured.err
    assert not (root / "output").exists() and not list(root.glob(".output.staging-*"))
    assert {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} == content_before

    assert main(["check", "--format", "json", "--lang", "en"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [problem["code"] for problem in problems] == [case.code]
    assert problems[0]["file"] == FILE and problems[0]["field"] == case.field


def test_check_of_the_real_content_is_clean(capsys, monkeypatch):
    monkeypatch.chdir(REAL_INDICATOR.parents[3])
    assert main(["check", "--no-cache"]) == 0  # nothing written into the repository
    assert "ไม่พบข้อผิดพลาด" in capsys.readouterr().out


def test_internal_errors_are_one_line_without_debug_and_a_traceback_with_it(tmp_path, capsys, monkeypatch):
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": REAL_TEXT})
    (root / "templates" / "form.html.j2").write_text("{{ indicator.no_such_field }}", encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["build"]) == 3
    err = capsys.readouterr().err
    assert "--debug" in err and "Traceback" not in err
    with pytest.raises(Exception):  # noqa: B017 - --debug lets whatever the failure was through, unwrapped
        main(["build", "--debug"])
    assert not (root / "output").exists()
