"""The loader: every kind of bad input gives one clear, located problem; good input loads exactly as written."""

from __future__ import annotations

import time
from pathlib import Path, PurePosixPath

import projects
import pytest
import yaml
from bad_inputs import CASES, FILE, Case, append, sub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.content.parse import MAX_FILE_BYTES
from reportgen.content.project import load_document, load_indicator, load_project
from reportgen.errors import ContentError, Problem
from reportgen.model import Indicator, SiteSettings
from reportgen.problems import format_problem


def problems_of(data: str | bytes, model=Indicator) -> list[Problem]:
    return load_document(data, model, PurePosixPath(FILE)).problems


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_gives_one_located_problem(case: Case, real_indicator_text: str):
    data = case.change(real_indicator_text)
    problems = problems_of(data)
    assert [problem.code for problem in problems] == [case.code], [format_problem(p, "en") for p in problems]
    problem = problems[0]
    assert str(problem.file) == FILE
    assert problem.field == case.field
    assert problem.severity == "error"
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if case.line_text is None:
        assert problem.line is None
    else:
        lines = text.replace("\r\n", "\n").split("\n")
        line = next(number for number, line in enumerate(lines, start=1) if case.line_text in line)
        column = 1 if case.column_text is None else lines[line - 1].index(case.column_text) + 1
        assert (problem.line, problem.column) == (line, column), format_problem(problem, "en")
        assert problem.source_line == lines[line - 1][:500] or problem.source_line == lines[line - 1]
    assert case.th in problem.text("th") + " " + (problem.hint_text("th") or ""), format_problem(problem, "th")
    assert case.en in problem.text("en") + " " + (problem.hint_text("en") or ""), format_problem(problem, "en")
    # Words a non-programmer can act on: no Python or pydantic vocabulary.
    for text in (format_problem(problem, "th"), format_problem(problem, "en")):
        for jargon in ("NoneType", "Decimal", "pydantic", "dict", "str_type", "Traceback", "is_instance"):
            assert jargon not in text


def test_thai_message_example_shape(real_indicator_text: str):
    (problem,) = problems_of(real_indicator_text.replace("  value: 3", "  value: สาม"))
    assert format_problem(problem, "th") == (
        "content/indicators/2564/08.yaml:23:10: ผิดพลาด: 5. เป้าหมาย › ค่าเป้าหมาย (target.value)\n"
        '  ต้องเป็นตัวเลขไม่ติดลบ แต่พบ "สาม" (ข้อความ)\n'
        "   23 |   value: สาม\n"
        "      |          ^\n"
        "  วิธีแก้: ใส่ตัวเลข เช่น value: 3"
    )


def test_non_utf8_reports_byte_offset(real_indicator_text: str):
    data = real_indicator_text.encode().replace("unit: ห้อง".encode(), b"unit: \xcb\xe9\xcd\xa7")
    (problem,) = problems_of(data)
    assert problem.params["offset"] == data.index(b"\xcb")
    assert problem.params["byte"] == "0xCB"
    assert "Notepad" in problem.hint


def test_every_undecodable_line_is_reported():
    data = b"code: '08'\nname: \xff\nagency: \xfe\xfe\n"
    problems = problems_of(data)
    assert [(p.code, p.line, p.column) for p in problems] == [("not_utf8", 2, 7), ("not_utf8", 3, 9)]


def test_every_tab_indented_line_is_reported():
    problems = problems_of("code: '08'\ntarget:\n\tvalue: 3\n\tunit: ห้อง\n")
    assert [(p.code, p.line, p.column) for p in problems] == [("yaml_tab", 3, 1), ("yaml_tab", 4, 1)]


def test_tab_inside_quoted_or_block_text_is_fine(real_indicator_text: str):
    text = real_indicator_text.replace("calculation: นับ", 'calculation: "นับ\tจำนวน"\nx: |\n  ก\tข\n#')
    text = text.replace("\nx: |\n  ก\tข\n#", "\nobstacles: |\n  ก\tข\n#").replace('obstacles: ""\n', "")
    indicator = load_indicator(text)
    assert indicator.calculation.startswith("นับ\tจำนวน")
    assert indicator.obstacles == "ก\tข"


def test_duplicate_key_names_both_lines(real_indicator_text: str):
    text = real_indicator_text.replace("  unit: ห้อง", "  unit: ห้อง\n  value: 4")
    (problem,) = problems_of(text)
    assert (problem.code, problem.field, problem.line, problem.column) == ("duplicate_key", "target.value", 25, 3)
    assert "บรรทัด 23" in problem.message and "line 23" in problem.message_en


def test_three_mistakes_give_three_problems(real_indicator_text: str):
    text = (
        real_indicator_text.replace("  value: 3", "  value: สาม")
        .replace("quarters:", "quater:")
        .replace("url: https://www.bangkoklibrary.go.th", "url: ftp://files")
    )
    problems = problems_of(text)
    assert sorted((p.code, p.field) for p in problems) == [
        ("not_number", "target.value"),
        ("unknown_key_suggest", "quater"),
        ("unsafe_url", "evidence[2].url"),
    ]


def test_site_settings_problems():
    problems = problems_of("agency: x\nsite_title: y\nbase_url: www.example.org\ndigits: thaii\n", SiteSettings)
    assert sorted((p.code, p.field, p.line) for p in problems) == [
        ("choice", "digits", 4),
        ("unsafe_url", "base_url", 3),
    ]
    assert "digits: thai" in problems[1].hint_text("th") + problems[0].hint_text("th")


# --- good input --------------------------------------------------------------------------------------------------


def test_real_indicator_loads_exactly(real_indicator_text: str):
    indicator = load_indicator(real_indicator_text)
    assert indicator.code == "08" and indicator.fiscal_year == 2564
    assert "บรรณิทรรศน์" in indicator.quarters.q3.report
    assert "ยืม – คืน" in indicator.supporting_factors
    assert "พฤษภาคม – มิถุนายน 2564" in indicator.quarters.q3.report
    assert str(indicator.target.value) == "3" and str(indicator.result) == "36"


def test_crlf_and_bom_load_identically(real_indicator_text: str):
    plain = load_document(real_indicator_text, Indicator, PurePosixPath(FILE))
    windows_bytes = b"\xef\xbb\xbf" + real_indicator_text.replace("\n", "\r\n").encode("utf-8")
    windows = load_document(windows_bytes, Indicator, PurePosixPath(FILE))
    assert windows.problems == [] and windows.model == plain.model
    for path, located in plain.positions.items():
        other = windows.positions[path]
        assert (located.node.start_mark.line, located.node.start_mark.column) == (
            other.node.start_mark.line,
            other.node.start_mark.column,
        ), path


def test_crlf_file_errors_have_right_lines(real_indicator_text: str):
    text = real_indicator_text.replace("  value: 3", "  value: สาม").replace("\n", "\r\n")
    (problem,) = problems_of(b"\xef\xbb\xbf" + text.encode())
    assert (problem.line, problem.column) == (23, 10)
    assert problem.source_line == "  value: สาม"


def test_thai_text_is_not_normalised():
    decomposed = "\u0e19\u0e4d\u0e32"  # NIKHAHIT + SARA AA: what NFKC makes of SARA AM
    text = f"ท\u0e33 {decomposed}"
    indicator = load_indicator(
        "code: '08'\nfiscal_year: 2564\nagency: ก\nname: " + text + "\nresult_type: output\n"
        "definition: ก\ncalculation: ก\ntarget: {value: 1, unit: ห้อง}\n"
    )
    assert indicator.name == text
    assert "\u0e33" in indicator.name


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    start = time.perf_counter()
    problems = problems_of("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1
    assert [problem.code for problem in problems] == ["yaml_alias"]


def test_file_over_limit_is_refused_before_parsing(tmp_path: Path, make_project):
    root = make_project(tmp_path, {FILE: "name: [" * (MAX_FILE_BYTES // 7 + 10)})
    with pytest.raises(ContentError) as raised:
        load_project(root)
    (problem,) = raised.value.problems
    assert problem.code == "file_too_large" and str(problem.file) == FILE


# --- the project -------------------------------------------------------------------------------------------------


def test_real_project_loads_with_no_problems():
    root = projects.REPO_ROOT
    project = load_project(root)
    assert project.warnings == ()
    assert [entry.slug for entry in project.entries] == ["2564/08"]
    assert project.entries[0].source == PurePosixPath(FILE)
    assert project.site.digits == "arabic"


def test_all_files_reported_at_once(tmp_path: Path, make_project, real_indicator_text: str):
    root = make_project(
        tmp_path,
        {
            "content/site.yaml": "agency: x\nsite_title: y\nbase_url: https://x.org/\ndigits: roman\n",
            FILE: real_indicator_text.replace("  value: 3", "  value: สาม"),
            "content/indicators/2564/09.yaml": real_indicator_text.replace('"08"', '"09"').replace("\tx", "")
            + "extra: 1\n",
            "content/indicators/2565/01.yaml": "",
        },
    )
    with pytest.raises(ContentError) as raised:
        load_project(root)
    found = [(str(p.file), p.code) for p in raised.value.problems]
    assert found == [
        ("content/site.yaml", "choice"),
        (FILE, "not_number"),
        ("content/indicators/2564/09.yaml", "unknown_key"),
        ("content/indicators/2565/01.yaml", "empty_file"),
    ]


def test_paths_limit_the_files_loaded(tmp_path: Path, make_project, monkeypatch):
    root = make_project(tmp_path, {FILE: "", "content/indicators/2564/09.yaml": "code: [\n"})
    monkeypatch.chdir(root)
    with pytest.raises(ContentError) as raised:
        load_project(root, [Path("content/indicators/2564/09.yaml")])
    assert {str(p.file) for p in raised.value.problems} == {"content/indicators/2564/09.yaml"}


def test_path_outside_content_is_a_usage_error(tmp_path: Path, make_project):
    from reportgen.errors import UsageError

    root = make_project(tmp_path, {})
    (tmp_path / "other.yaml").write_text("code: '08'\n")
    with pytest.raises(UsageError):
        load_project(root, [tmp_path / "other.yaml"])
    with pytest.raises(UsageError):
        load_project(root, [root / "content" / "indicators" / "missing.yaml"])
    with pytest.raises(UsageError):
        load_project(tmp_path / "nowhere")


# --- property tests: the loader only ever returns a model or raises ContentError -------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(["08", "2564", "no", "2021-02-30", "https://x", "javascript:x", "![a](b)", "*x*", "ำ"]),
)
keys = st.one_of(
    st.sampled_from(["code", "fiscal_year", "name", "target", "value", "quarters", "q1", "report", "evidence", "url"]),
    st.text(min_size=1, max_size=10),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)


def _accepts_or_content_error(data: str | bytes) -> None:
    try:
        result = load_indicator(data)
    except ContentError as error:
        assert error.problems and all(isinstance(p, Problem) for p in error.problems)
        for problem in error.problems:
            format_problem(problem, "th")
            format_problem(problem, "en")
    else:
        assert isinstance(result, Indicator)


@settings(max_examples=150, deadline=None)
@given(documents)
def test_property_arbitrary_yaml_documents(document):
    _accepts_or_content_error(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(keys, documents, max_size=8))
def test_property_arbitrary_yaml_mappings(document):
    _accepts_or_content_error(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


INSERTS = st.one_of(
    st.sampled_from(["\t", '"', "'", ":", ": ", "- ", "#", "&", "*", "!", "@", "[", "{", "}", "|", ">", "%", "\\",
                     "\u0e33", "\u0e34", "\u0e48", "ก", "\ufffd", "\ufeff", "\r", "\x00", "---", "  ", "no", "010"]),
    st.text(max_size=5),
)


@st.composite
def mutated_real_file(draw, text: str):
    lines = text.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "bytes"]))
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if kind == "delete" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif kind == "insert":
            line = lines[index]
            at = draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:at] + draw(INSERTS) + line[at:]
    data = "\n".join(lines).encode("utf-8")
    if draw(st.booleans()) and draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    return data


REAL_TEXT = projects.REAL_INDICATOR.read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(mutated_real_file(REAL_TEXT))
def test_property_mutations_of_the_real_file(data: bytes):
    _accepts_or_content_error(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated_real_file(REAL_TEXT))
def test_property_mutations_through_load_project(tmp_path: Path, make_project, data: bytes):
    root = make_project(tmp_path, {FILE: data})
    try:
        project = load_project(root)
    except ContentError as error:
        assert error.problems
    else:
        assert len(project.entries) == 1


# --- libyaml and the pure-Python parser read every file alike ---------------------------------------------------


def _parsed_both_ways(data: bytes) -> tuple[list, list]:
    """(problems, data) of ``data`` parsed with libyaml's parser, then with the pure-Python one only."""
    import reportgen.content.parse as parse

    def outcome() -> list:
        doc = parse.parse_document(data, PurePosixPath(FILE))
        problems = [(p.code, p.line, p.column, p.field, format_problem(p, "en")) for p in doc.problems]
        positions = {path: doc.position(path) + doc.position(path, at="key") for path in doc.positions}
        return [problems, repr(doc.data), positions]

    assert parse._FastLoader is not None, "PyYAML without libyaml: this test compares the two parsers"
    fast = outcome()
    saved = parse._FastLoader
    parse._FastLoader = None
    try:
        slow = outcome()
    finally:
        parse._FastLoader = saved
    return fast, slow


@settings(max_examples=400, deadline=None)
@given(mutated_real_file(REAL_TEXT))
def test_property_libyaml_and_python_parse_mutations_alike(data: bytes):
    fast, slow = _parsed_both_ways(data)
    assert fast == slow


@pytest.mark.parametrize(
    "change",
    [
        sub("calculation: นับ", "calculation: นับ\tจำนวน"),  # libyaml accepts a tab in plain text, PyYAML does not
        sub("definition: >-", "definition: >-#"),  # nor a comment glued to a block header
        sub("  value: 3", "  value: &x 3\n  unit: *x"),
        append("---\nsecond: document\n"),
        append("extra: [1, {2: 3}, [[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]\n"),
        sub('code: "08"', 'code: "08'),
    ],
    ids=["tab", "comment after block header", "alias", "two documents", "too deep", "unclosed quote"],
)
def test_libyaml_and_python_agree_where_they_could_differ(change, real_indicator_text: str):
    fast, slow = _parsed_both_ways(change(real_indicator_text).encode("utf-8"))
    assert fast == slow
    assert fast[0], "each of these files has a problem"


def test_a_document_memo_reloads_a_file_only_when_it_changed(project):
    from reportgen.content.project import DocumentMemo, load_documents

    root = project({"indicators/2564/08.yaml": projects.indicator_yaml()})
    memo = DocumentMemo()
    _, first = load_documents(root, memo=memo)
    _, again = load_documents(root, memo=memo)
    assert again[0] is first[0]  # unchanged: the same document, not read again
    path = root / "content/indicators/2564/08.yaml"
    path.write_text(projects.indicator_yaml(name="ชื่อใหม่ของตัวชี้วัด"), encoding="utf-8")
    _, changed = load_documents(root, memo=memo)
    assert changed[0] is not first[0] and changed[0].model.name == "ชื่อใหม่ของตัวชี้วัด"
