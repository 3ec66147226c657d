"""``reportgen check`` and ``reportgen schema``: problems in three formats; the shipped schemas are current."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from projects import REPO_ROOT, indicator_yaml

from reportgen.commands.check import check
from reportgen.commands.schema import schema
from reportgen.errors import Problem, UsageError
from reportgen.problems import format_problems, github_annotation

REPO = REPO_ROOT
FILE = "content/indicators/2564/08.yaml"


def test_real_content_is_clean():
    problems = check(REPO)
    assert problems == []
    assert format_problems(problems) == "ไม่พบข้อผิดพลาด"
    assert format_problems(problems, lang="en") == "No problems found"


def test_check_returns_errors_and_warnings(tmp_path, make_project):
    bad = indicator_yaml(result="สาม").replace("agency:", "agncy:")
    root = make_project(
        tmp_path,
        {FILE: bad, "content/indicators/2564/09.yaml": indicator_yaml(code="09", evidence=[{"title": "ก", "url": "http://x.org"}])},
    )
    problems = check(root, today=dt.date(2022, 1, 1))
    assert [(str(p.file), p.code, p.severity) for p in problems] == [
        (FILE, "unknown_key_suggest", "error"),
        (FILE, "not_number", "error"),
        ("content/indicators/2564/09.yaml", "evidence_not_https", "warning"),
    ]
    text = format_problems(problems)
    assert text.endswith("พบข้อผิดพลาด 2 รายการ และคำเตือน 1 รายการ ใน 2 ไฟล์")
    assert "content/indicators/2564/08.yaml:3:1: ผิดพลาด: agncy" in text
    assert format_problems(problems, lang="en").endswith("2 errors and 1 warning in 2 files")
    strict = check(root, strict=True, today=dt.date(2022, 1, 1))
    assert [p.severity for p in strict] == ["error", "error", "error"]


def test_warnings_only_is_not_an_error(tmp_path, make_project):
    root = make_project(tmp_path, {FILE: indicator_yaml(evidence=[{"title": "ก", "url": "http://x.org"}])})
    problems = check(root, today=dt.date(2022, 1, 1))
    assert [p.severity for p in problems] == ["warning"]


def test_check_paths_and_usage_errors(tmp_path, make_project, monkeypatch):
    root = make_project(tmp_path, {FILE: "", "content/indicators/2564/09.yaml": indicator_yaml(code="09")})
    monkeypatch.chdir(root / "content")
    assert check(root, [Path("indicators/2564/09.yaml")]) == []
    assert [p.code for p in check(root, [Path("indicators/2564/08.yaml")])] == ["empty_file"]
    with pytest.raises(UsageError):
        check(tmp_path / "no-project")
    with pytest.raises(UsageError):
        check(root, [root / "README.md"])


def test_json_format(tmp_path, make_project):
    root = make_project(tmp_path, {FILE: indicator_yaml(result="สาม")})
    problems = check(root)
    data = json.loads(format_problems(problems, fmt="json", lang="en"))
    assert data == [
        {
            "file": FILE,
            "line": problems[0].line,
            "column": 9,
            "field": "result",
            "severity": "error",
            "code": "not_number",
            "message": 'must be a number, not negative, but found "สาม" (text)\nfix: write a number, e.g. result: 3',
        }
    ]
    assert "ต้องเป็นตัวเลข" in json.loads(format_problems(problems, fmt="json"))[0]["message"]
    assert format_problems([], fmt="json") == "[]"


def test_github_format_escapes():
    problem = Problem.create(
        "unsafe_url", Path("content/a,b:c.yaml"), field="evidence[1].url", line=3, column=5, url="x%y\r\nz"
    )
    line = github_annotation(problem, "en")
    assert line.startswith("::error file=content/a%2Cb%3Ac.yaml,line=3,col=5,title=reportgen%3A evidence[1].url::")
    message = line.split("::", 2)[2]
    assert "\n" not in message and "\r" not in message
    assert "x%25y%0D%0Az" in message and "%0Afix%3A" not in message and "%0Afix: " in message
    warning = Problem.create("evidence_not_https", Path(FILE), severity="warning", url="http://x")
    assert format_problems([problem, warning], fmt="github").split("\n")[1].startswith(
        f"::warning file={FILE},title=reportgen::"
    )


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        format_problems([], fmt="xml")


@pytest.mark.parametrize("kind,shipped,flag", [("indicator", "indicator.schema.json", ""), ("site", "site.schema.json", " --site")])
def test_shipped_schema_is_current(kind, shipped, flag):
    generated = schema(kind)
    assert (REPO / shipped).read_text(encoding="utf-8") == generated, (
        f"{shipped} is out of date; regenerate it with: .venv/bin/python -m reportgen schema{flag} > {shipped}"
    )


def test_schema_shape():
    document = json.loads(schema())
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] and document["title"]
    assert document["additionalProperties"] is False
    assert set(document["required"]) >= {"code", "fiscal_year", "name", "target"}
    assert document["properties"]["fiscal_year"]["type"] == "integer"
    assert "ปีงบประมาณ" in document["properties"]["fiscal_year"]["description"]
    assert schema().endswith("}\n") and "\\u0e" not in schema()
    site = json.loads(schema("site"))
    assert set(site["properties"]) == {
        "agency", "site_title", "base_url", "digits", "data_license", "publisher", "release_strict", "show_officers"
    }
    assert site["properties"]["data_license"]["default"] == "CC-BY-4.0"
    with pytest.raises(ValueError):
        schema("nope")


def test_content_files_reference_the_shipped_schemas():
    site = (REPO / "content" / "site.yaml").read_text(encoding="utf-8")
    indicator = (REPO / FILE).read_text(encoding="utf-8")
    assert site.startswith("# yaml-language-server: $schema=../site.schema.json")
    assert indicator.startswith("# yaml-language-server: $schema=../../../indicator.schema.json")
    assert (REPO / "content" / "../site.schema.json").resolve().is_file()
    assert (REPO / "content/indicators/2564/../../../indicator.schema.json").resolve().is_file()
