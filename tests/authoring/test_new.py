"""commands/new.py and authoring/template.py: `reportgen new CODE --year YEAR [--from YEAR/CODE]` writes a valid file to fill in, never over one.

Also the `placeholder` warning of validate.py, which exists for the files `new` writes.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path, PurePosixPath

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from projects import REAL_INDICATOR, indicator_data, real_site, run_reportgen, write_project
from pydantic import BaseModel, ValidationError

from reportgen.authoring.template import CARRIED_FIELDS, carried_values, indicator_text
from reportgen.cli import main
from reportgen.commands.new import new_indicator
from reportgen.content.project import load_document, load_indicator, load_project
from reportgen.errors import ContentError, UsageError
from reportgen.model import Indicator, Plan, Quarters, Signoff, Target

GOLDEN = Path(__file__).parent / "golden" / "new-2565-09.yaml"
NEW_FILE = "content/indicators/2565/09.yaml"
REAL_TEXT = REAL_INDICATOR.read_text(encoding="utf-8")

#: The fields a blank file asks staff to fill in (what `check` must warn about).
BLANK_PLACEHOLDERS = {
    "name", "result_type", "plan.strategy", "plan.sub_strategy", "plan.goal", "definition", "calculation",
    "target.value", "target.unit",
}  # fmt: skip


@pytest.fixture
def root(tmp_path) -> Path:
    """A project with the real 2564/08 and the real site settings."""
    return write_project(tmp_path / "project", {"indicators/2564/08.yaml": REAL_TEXT})


def snapshot(root: Path) -> dict[str, bytes]:
    files = (path for path in (root / "content").rglob("*") if path.is_file())
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in files}


def keys_missing(model: type[BaseModel], data: dict, prefix: str = "") -> list[str]:
    """Every field of ``model`` (and of nested models written as mappings) that is not a key of ``data``."""
    missing = []
    for name, info in model.model_fields.items():
        if name not in data:
            missing.append(prefix + name)
            continue
        annotation = info.annotation
        candidates = (annotation, *getattr(annotation, "__args__", ()))
        nested = next((arg for arg in candidates if isinstance(arg, type) and issubclass(arg, BaseModel)), None)
        if nested is not None and isinstance(data[name], dict):
            missing.extend(keys_missing(nested, data[name], f"{prefix}{name}."))
    return missing


def descriptions(model: type[BaseModel]) -> list[str]:
    return [info.description for info in model.model_fields.values() if info.description]


# --- A blank file ------------------------------------------------------------------------------------------------


def test_blank_file_matches_the_golden_file(root, capsys):
    """The output is stable. After a deliberate change, regenerate the golden file with:

        REPORTGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/authoring/test_new.py -k golden
    """
    assert main(["new", "09", "--year", "2565", "--root", str(root)]) == 0
    written = (root / NEW_FILE).read_text(encoding="utf-8")
    if os.environ.get("REPORTGEN_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(written, encoding="utf-8")
    assert written == GOLDEN.read_text(encoding="utf-8")
    assert NEW_FILE in capsys.readouterr().out


def test_blank_file_has_the_schema_line_every_field_and_the_models_descriptions(tmp_path):
    site = real_site() | {"agency": "สำนักงานทดสอบ กรุงเทพมหานคร"}
    root = write_project(tmp_path / "project", {}, site=site)
    created = new_indicator(root, "09", 2565)
    assert created.path == PurePosixPath(NEW_FILE)
    text = (root / NEW_FILE).read_text(encoding="utf-8")
    lines = text.splitlines()

    assert lines[0] == "# yaml-language-server: $schema=../../../indicator.schema.json"
    assert 'code: "09"' in lines and "fiscal_year: 2565" in lines
    assert "agency: สำนักงานทดสอบ กรุงเทพมหานคร" in lines  # from content/site.yaml

    indicator = load_indicator(text, NEW_FILE)
    assert (indicator.code, indicator.fiscal_year, indicator.agency) == ("09", 2565, "สำนักงานทดสอบ กรุงเทพมหานคร")
    assert indicator.quarters.reported() == [] and indicator.result is None and indicator.is_draft
    assert indicator.evidence == []
    assert keys_missing(Indicator, yaml.safe_load(text)) == []

    comments = {line.strip() for line in lines if line.lstrip().startswith("#")}
    for model in (Indicator, Plan, Target, Quarters):
        for description in descriptions(model):
            assert f"# {description}" in comments, description
    for description in descriptions(Signoff):  # written by `reportgen signoff`: documented, not an example
        assert any(comment.endswith(description) for comment in comments), description
    assert created.placeholders == len(BLANK_PLACEHOLDERS)


def test_blank_file_passes_check_warns_at_each_placeholder_and_strict_refuses_it(root, capsys, monkeypatch):
    monkeypatch.chdir(root)
    assert main(["new", "09", "--year", "2565"]) == 0
    capsys.readouterr()
    lines = (root / NEW_FILE).read_text(encoding="utf-8").splitlines()

    assert main(["check", "--format", "json"]) == 0
    problems = [problem for problem in json.loads(capsys.readouterr().out) if problem["file"] == NEW_FILE]
    assert {problem["code"] for problem in problems} == {"placeholder"}
    assert {problem["severity"] for problem in problems} == {"warning"}
    assert {problem["field"] for problem in problems} == BLANK_PLACEHOLDERS
    for problem in problems:  # each points at its placeholder, on the line of its key or just below (a | block)
        line = lines[problem["line"] - 1]
        assert line[problem["column"] - 1 :].startswith("…กรอก"), problem
        assert problem["field"].split(".")[-1] in line or lines[problem["line"] - 2].endswith("|")

    assert main(["check", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"{NEW_FILE}:17:7: warning: 1. indicator name (name)" in out and "is not filled in yet" in out
    assert main(["check", "--strict"]) == 1
    assert "ยังไม่ได้กรอก" in capsys.readouterr().out

    # One new file never breaks everyone's build.
    assert main(["build"]) == 0
    assert (root / "output" / "html" / "2565" / "09.html").is_file()


def test_uncommented_examples_are_valid_and_still_flagged(root):
    new_indicator(root, "09", 2565)
    text = (root / NEW_FILE).read_text(encoding="utf-8")
    q1 = "  q1:\n    # report: |\n    #   …กรอกผลการดำเนินงานในไตรมาสนี้…\n    # result: 0"
    assert q1 in text
    text = text.replace(q1, "  q1:\n    report: |\n      …กรอกผลการดำเนินงานในไตรมาสนี้…\n    result: 0")
    text = text.replace("evidence: []\n# - title:", "evidence:\n- title:")
    (root / NEW_FILE).write_text(text, encoding="utf-8")

    project = load_project(root)
    indicator = next(entry.indicator for entry in project.entries if entry.indicator.fiscal_year == 2565)
    assert indicator.quarters.q1.report == "…กรอกผลการดำเนินงานในไตรมาสนี้…"
    assert indicator.quarters.q1.result == 0 and len(indicator.evidence) == 1
    fields = {problem.field for problem in project.warnings if problem.code == "placeholder"}
    assert {"quarters.q1.report", "quarters.q1.result", "evidence[1].title"} <= fields


def test_a_filled_in_value_with_the_placeholder_comment_left_is_still_flagged(root):
    new_indicator(root, "09", 2565)
    path = root / NEW_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("  value: 0  #", "  value: 12  #"), encoding="utf-8")
    warnings = [problem for problem in load_project(root).warnings if problem.field == "target.value"]
    assert [problem.code for problem in warnings] == ["placeholder"]
    assert "ลบหมายเหตุ" in warnings[0].hint


# --- --from --------------------------------------------------------------------------------------------------------


def test_from_carries_the_definition_exactly_and_empties_the_years_report(root, capsys):
    assert main(["new", "08", "--year", "2565", "--from", "2564/08", "--root", str(root)]) == 0
    assert "content/indicators/2564/08.yaml" in capsys.readouterr().out
    before = load_indicator(REAL_TEXT, "content/indicators/2564/08.yaml")
    text = (root / "content/indicators/2565/08.yaml").read_text(encoding="utf-8")
    after = load_indicator(text, "content/indicators/2565/08.yaml")

    for name in CARRIED_FIELDS:
        assert getattr(after, name) == getattr(before, name), name
    assert after.definition == before.definition and after.target.value == Decimal(3)
    assert (after.code, after.fiscal_year) == ("08", 2565)
    assert after.quarters == Quarters() and after.result is None and after.signoff is None
    assert after.evidence == [] and after.supporting_factors == "" and after.obstacles == ""
    assert keys_missing(Indicator, yaml.safe_load(text)) == []

    lines = text.splitlines()
    assert lines[0].startswith("# yaml-language-server: $schema=")
    for description in descriptions(Indicator):  # the comments are there with --from too
        assert f"# {description}" in lines, description

    # Nothing to fill in but the year's report: the whole project checks clean.
    assert [p for p in load_project(root).warnings if p.file.as_posix().endswith("2565/08.yaml")] == []


def test_from_another_code_keeps_last_years_agency(root):
    created = new_indicator(root, "08-1", 2566, source="2564/08.yaml")
    assert created.source == PurePosixPath("content/indicators/2564/08.yaml") and created.placeholders == 0
    indicator = load_indicator((root / created.path).read_bytes(), created.path)
    assert (indicator.code, indicator.fiscal_year) == ("08-1", 2566)
    assert indicator.agency == "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว"


_TEXT = st.lists(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Co", "Cn"),
        # the loader removes (zero-width, soft hyphen) or refuses (direction overrides) these, so a value carried
        # from a loaded file never holds them
        exclude_characters="\u2028\u2029\ufeff\u200b\u200c\u200d\u2060\u00ad\u202a\u202b\u202c\u202d\u202e"
        "\u2066\u2067\u2068\u2069",
    )
    | st.sampled_from(["ก", "ำ", " ", "  ", "\n", "\n\n", "\t", "#", ": ", "- ", ">", "|", "'", '"', "…", "กรอก"]),
    min_size=1,
    max_size=120,
).map("".join)  # what a YAML file can hold (no control characters but line breaks and tabs), YAML's special marks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_TEXT, definition=_TEXT, unit=_TEXT, strategy=_TEXT, value=st.decimals(0, 10**9, places=2))
def test_from_writes_any_valid_text_back_exactly(name, definition, unit, strategy, value):
    data = indicator_data(name=name, definition=definition, calculation=definition)
    data["target"] = {"value": value, "unit": unit}
    data["plan"] = {"strategy": strategy}
    try:
        previous = Indicator.model_validate(data)
    except ValidationError:
        assume(False)
    values = carried_values(previous, "09", 2565)
    text = indicator_text(values, year=2565)
    doc = load_document(text, Indicator, PurePosixPath(NEW_FILE))
    assert doc.ok, (text, doc.problems)
    assert doc.model == Indicator.model_validate(values)
    assert doc.model.name == previous.name and doc.model.definition == previous.definition


def test_long_single_line_text_is_folded_at_spaces_and_reads_back_the_same(root):
    new_indicator(root, "08", 2565, source="2564/08")
    text = (root / "content/indicators/2565/08.yaml").read_text(encoding="utf-8")
    assert "definition: >-\n  ห้องสมุดมีชีวิต หมายถึง" in text
    block = text.split("definition: >-\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(block) > 1 and all(len(line) <= 110 for line in block)


# --- Refusals ----------------------------------------------------------------------------------------------------


def test_an_existing_file_is_refused_and_left_as_it_was(root):
    before = snapshot(root)
    result = run_reportgen("new", "08", "--year", "2564", cwd=root)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "reportgen: content/indicators/2564/08.yaml มีอยู่แล้ว ไม่ได้แก้ไข\n"
    english = run_reportgen("new", "08", "--year", "2564", "--lang", "en", cwd=root)
    assert english.stderr == "reportgen: content/indicators/2564/08.yaml already exists; it was left as it was\n"
    assert "Traceback" not in result.stderr
    assert snapshot(root) == before


def test_the_same_code_written_with_yml_counts_as_existing(root):
    (root / "content/indicators/2565").mkdir()
    (root / "content/indicators/2565/09.yml").write_text("# staff's own\n", encoding="utf-8")
    with pytest.raises(UsageError, match="09.yml"):
        new_indicator(root, "09", 2565)
    assert not (root / NEW_FILE).exists()


@pytest.mark.parametrize("code", ["../08", "9 9", "ก", "", "-9", "a/b", "0" * 17])
def test_a_code_the_model_refuses_is_refused_before_anything_is_written(root, code, capsys):
    before = snapshot(root)
    assert main(["new", code, "--year", "2565", "--root", str(root)]) == 2
    assert "รหัสตัวชี้วัด" in capsys.readouterr().err
    assert main(["new", code, "--year", "2565", "--root", str(root), "--lang", "en"]) == 2
    assert "invalid indicator code" in capsys.readouterr().err
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2022, "use 2565"), (1999, "use 2542"), (3000, "outside 2500–2700"), (25650, "outside")],
)
def test_a_christian_era_or_impossible_year_is_refused(root, year, expected, capsys):
    before = snapshot(root)
    assert main(["new", "09", "--year", str(year), "--root", str(root), "--lang", "en"]) == 2
    assert expected in capsys.readouterr().err
    assert main(["new", "09", "--year", str(year), "--root", str(root)]) == 2
    assert f"ปีงบประมาณ {year}" in capsys.readouterr().err
    assert snapshot(root) == before


def test_a_missing_source_lists_what_exists(root, capsys):
    assert main(["new", "09", "--year", "2565", "--from", "2563/08", "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err == (
        "reportgen: ไม่พบตัวชี้วัด 2563/08 สำหรับ --from\n"
        "  วิธีแก้: เขียนแบบ ปี/รหัส เช่น 2564/08 ตัวชี้วัดที่มีอยู่: 2564/08\n"
    )  # one line, one language
    assert main(["new", "09", "--year", "2565", "--from", "08", "--root", str(root), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "reportgen: no indicator 08 to start from (--from)\n  fix: write it YEAR/CODE, e.g. 2564/08; available: 2564/08\n"
    )
    assert not (root / NEW_FILE).exists()


def test_an_invalid_source_is_refused_with_its_problems(root, capsys):
    path = root / "content/indicators/2564/08.yaml"
    path.write_text(REAL_TEXT.replace("  value: 3", "  value: สาม"), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        new_indicator(root, "09", 2565, source="2564/08")
    assert [problem.field for problem in raised.value.problems] == ["target.value"]
    assert main(["new", "09", "--year", "2565", "--from", "2564/08", "--root", str(root)]) == 1
    assert "content/indicators/2564/08.yaml" in capsys.readouterr().err
    assert not (root / NEW_FILE).exists()


def test_no_content_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="content/"):
        new_indicator(tmp_path, "09", 2565)


# --- Starting a whole year ---------------------------------------------------------------------------------------


@pytest.fixture
def year_2569(tmp_path) -> Path:
    """Three indicators of 2569 (one with an officer), and 2570/02 already started by someone."""
    files = {}
    for code in ("01", "02", "03"):
        data = indicator_data(code=code, fiscal_year=2569)
        if code == "01":
            data["officer"] = {"name": "นางสาวสมใจ ใฝ่รู้", "contact": "somjai@example.go.th"}
        files[f"indicators/2569/{code}.yaml"] = data
    files["indicators/2570/02.yaml"] = "# started by hand\n" + yaml.safe_dump(
        indicator_data(code="02", fiscal_year=2570), allow_unicode=True, sort_keys=False)
    return write_project(tmp_path / "project", files)


def test_new_year_carries_every_indicator_and_skips_existing_files(year_2569, capsys):
    before = (year_2569 / "content/indicators/2570/02.yaml").read_bytes()
    assert main(["new", "--year", "2570", "--from", "2569", "--root", str(year_2569)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "content/indicators/2570/02.yaml มีอยู่แล้ว ไม่ได้แก้ไข"
    assert out[1] == "ปีงบประมาณ 2570: สร้างไฟล์ใหม่ 2 ไฟล์จากปี 2569 ข้ามไฟล์ที่มีอยู่แล้ว 1 ไฟล์: 01, 03"
    assert (year_2569 / "content/indicators/2570/02.yaml").read_bytes() == before  # never overwritten
    project = load_project(year_2569)
    new = {entry.indicator.code: entry.indicator for entry in project.entries if entry.indicator.fiscal_year == 2570}
    assert sorted(new) == ["01", "02", "03"]
    assert new["01"].officer.name == "นางสาวสมใจ ใฝ่รู้" and new["01"].quarters == Quarters()
    assert new["03"].definition == indicator_data()["definition"].strip() and new["03"].signoff is None
    assert not list((year_2569 / "content/indicators/2570").glob(".reportgen-tmp-*"))
    # A second run writes nothing and says so.
    assert main(["new", "--year", "2570", "--from", "2569", "--root", str(year_2569), "--lang", "en"]) == 0
    assert "fiscal year 2570: wrote 0 new files from 2569, skipped 3 that already exist" in capsys.readouterr().out


def test_new_year_with_an_invalid_source_writes_nothing(year_2569, capsys):
    broken = year_2569 / "content/indicators/2569/03.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("result_type: output", "result_type: ผลผลิต"),
                      encoding="utf-8")
    before = snapshot(year_2569)
    assert main(["new", "--year", "2570", "--from", "2569", "--root", str(year_2569)]) == 1
    assert "2569/03.yaml" in capsys.readouterr().err
    assert snapshot(year_2569) == before


def test_new_year_needs_a_year_with_indicators_and_from_a_year(year_2569, capsys):
    assert main(["new", "--year", "2571", "--from", "2568", "--root", str(year_2569)]) == 2
    assert "ไม่มีตัวชี้วัดของปีงบประมาณ 2568 ให้ยกมา" in capsys.readouterr().err
    assert main(["new", "--year", "2571", "--root", str(year_2569), "--lang", "en"]) == 2
    assert "use --from YEAR/CODE with a code, or --from YEAR" in capsys.readouterr().err


def test_new_code_from_a_year_means_the_same_code(root):
    assert main(["new", "08", "--year", "2565", "--from", "2564", "--root", str(root)]) == 0
    assert load_project(root).entries[-1].indicator.definition == load_project(root).entries[0].indicator.definition


# --- Codes written without their leading zero (issue 13) ---------------------------------------------------------


def test_a_code_without_its_leading_zero_gets_the_folders_width(root, capsys):
    assert main(["new", "9", "--year", "2564", "--root", str(root)]) == 0
    assert "2564/09.yaml" in capsys.readouterr().out
    written = root / "content" / "indicators" / "2564" / "09.yaml"
    assert load_indicator(written.read_bytes()).code == "09"
    assert not (root / "content" / "indicators" / "2564" / "9.yaml").exists()


def test_a_code_without_its_leading_zero_in_a_new_year_gets_the_projects_width(root):
    created = new_indicator(root, "7", 2566)
    assert str(created.path) == "content/indicators/2566/07.yaml"


def test_codes_with_letters_or_already_wide_are_kept(root):
    assert str(new_indicator(root, "A1", 2564).path).endswith("/A1.yaml")
    assert str(new_indicator(root, "123", 2564).path).endswith("/123.yaml")
