"""cli.py: every bad input of the loader's table, through `reportgen build` and `check`: exit 1, nothing written."""

from __future__ import annotations

import json
import re

import pytest
from bad_inputs import CASES, FILE
from projects import REAL_INDICATOR, run_reportgen, run_reportgen_process, write_project

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
    import reportgen.publish.pipeline

    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": REAL_TEXT})

    def bug(*args, **kwargs):
        raise AttributeError("a bug in reportgen")  # (a broken template is the user's to fix: test_pipeline.py)

    monkeypatch.setattr(reportgen.publish.pipeline, "build_fingerprint", bug)
    monkeypatch.chdir(root)
    assert main(["build"]) == 3
    err = capsys.readouterr().err
    assert "--debug" in err and "Traceback" not in err
    with pytest.raises(Exception):  # noqa: B017 - --debug lets whatever the failure was through, unwrapped
        main(["build", "--debug"])
    assert not (root / "output").exists()


@pytest.mark.e2e
def test_in_process_runs_exit_and_print_as_a_fresh_process_does(tmp_path):
    """The fast tier runs reportgen in the test's process (``projects.run_reportgen``): its exit statuses and what
    it prints on each stream must be what ``python -m reportgen`` gives: argparse's exits, problems, log lines."""
    valid = write_project(tmp_path / "valid", {"indicators/2564/08.yaml": REAL_TEXT})
    invalid = write_project(tmp_path / "invalid", {"indicators/2564/08.yaml": REAL_TEXT.replace("fiscal_year: 2564", "fiscal_year: abc")})
    damaged = write_project(tmp_path / "damaged", {"indicators/2564/08.yaml": REAL_TEXT})
    (damaged / ".cache" / "reportgen").mkdir(parents=True)
    (damaged / ".cache" / "reportgen" / "documents-v2.json").write_text("{not json", encoding="utf-8")
    runs = [
        (valid, ("--version",)),
        (valid, ("biuld",)),
        (valid, ("check", "--help", "--lang", "en")),
        (valid, ("check",)),
        (invalid, ("check",)),
        (invalid, ("build", "--lang", "en")),
        (damaged, ("check", "--lang", "en")),
        (valid, ("build", "-v", "-q", "-j", "1", "--no-cache")),
    ]

    def seen(result) -> tuple[int, str, str]:  # a build's log lines say how long it took: not compared
        def untimed(text: str) -> str:
            return re.sub(r"(?<==)\d+", "…", re.sub(r"\d+\.\d+ วินาที", "… วินาที", text))

        return result.returncode, untimed(result.stdout), untimed(result.stderr)

    for root, args in runs:
        assert seen(run_reportgen(*args, cwd=root)) == seen(run_reportgen_process(*args, cwd=root)), args
    statuses = [run_reportgen(*args, cwd=root).returncode for root, args in runs]
    assert statuses == [0, 2, 0, 0, 1, 1, 0, 0]  # every kind of exit is compared above
