"""The wording catalog (reportgen/wording/messages.yaml) and the rule that every text a person reads comes from it.

Each check is a function that returns what is wrong, run on the real catalog and source (nothing may be wrong)
and on a deliberately broken one (the check must notice): a check that cannot fail proves nothing.
"""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import re
import shutil
import string
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

import reportgen
from reportgen import errors, wording
from reportgen.errors import Problem, ReportgenError, UsageError

PACKAGE = Path(reportgen.__file__).resolve().parent
CATALOG = PACKAGE / "wording" / wording.CATALOG_FILE
THAI = re.compile(r"[\u0E00-\u0E7F]")
FIELDS = ("th", "en", "hint_th", "hint_en")


def raw_catalog(text: str) -> dict:
    """The catalog as YAML data, refusing a key written twice (PyYAML would silently keep the last one)."""

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        keys = [loader.construct_object(key) for key, _ in node.value]
        doubled = sorted({key for key in keys if keys.count(key) > 1})
        if doubled:
            raise ValueError(f"keys written twice: {doubled}")
        return loader.construct_mapping(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return yaml.load(text, Loader=Loader)


REAL = raw_catalog(CATALOG.read_text(encoding="utf-8"))


# --- Every key in both languages, with the same placeholders ------------------------------------------------------


def shape_problems(catalog: dict) -> list[str]:
    problems = []
    for key, entry in catalog.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(key)):
            problems.append(f"{key}: a key is lower_snake_case")
        if not isinstance(entry, dict):
            problems.append(f"{key}: not a mapping of th/en texts")
            continue
        if set(entry) - set(FIELDS):
            problems.append(f"{key}: unknown fields {sorted(set(entry) - set(FIELDS))}")
        for lang in ("th", "en"):
            if not isinstance(entry.get(lang), str) or not entry[lang].strip():
                problems.append(f"{key}: no {lang} text")
        if ("hint_th" in entry) != ("hint_en" in entry):
            problems.append(f"{key}: a hint in one language only")
        for field in FIELDS[2:]:
            if field in entry and (not isinstance(entry[field], str) or not entry[field].strip()):
                problems.append(f"{key}: empty {field}")
    return problems


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def placeholder_problems(catalog: dict) -> list[str]:
    problems = []
    for key, entry in catalog.items():
        for th_field, en_field in (("th", "en"), ("hint_th", "hint_en")):
            if th_field not in entry or en_field not in entry:
                continue
            try:
                thai, english = placeholders(entry[th_field]), placeholders(entry[en_field])
            except ValueError as error:  # an unbalanced brace
                problems.append(f"{key}: {error}")
                continue
            if thai != english:
                problems.append(f"{key}.{th_field}/{en_field}: {sorted(thai)} ≠ {sorted(english)}")
    return problems


def test_the_catalog_is_read_from_the_package_and_every_entry_loads():
    assert wording.catalog().keys() == REAL.keys()
    assert all(isinstance(entry, wording.Entry) for entry in wording.catalog().values())


def test_every_key_has_a_thai_and_an_english_text_and_hints_in_both():
    assert shape_problems(REAL) == []


def test_both_languages_use_the_same_placeholders():
    assert placeholder_problems(REAL) == []


def test_the_shape_and_placeholder_checks_notice_a_broken_catalog():
    broken = {
        "only_thai": {"th": "ข้อความ"},
        "hint_in_one": {"th": "ก", "en": "a", "hint_th": "ข"},
        "Bad-Key": {"th": "ก", "en": "a"},
        "misspelt": {"th": "ก", "en": "a", "hnt_en": "x"},
        "other_fields": {"th": "ไฟล์ {path}", "en": "the file {file}"},
        "unbalanced": {"th": "ไฟล์ {path", "en": "the file {path}"},
    }
    shape = shape_problems(broken)
    assert any(p.startswith("only_thai: no en") for p in shape)
    assert any(p.startswith("hint_in_one: a hint") for p in shape)
    assert any(p.startswith("Bad-Key:") for p in shape) and any(p.startswith("misspelt: unknown") for p in shape)
    placed = placeholder_problems(broken)
    assert any(p.startswith("other_fields.th/en") for p in placed) and any(p.startswith("unbalanced:") for p in placed)


def test_a_key_written_twice_is_refused():
    with pytest.raises(ValueError, match="written twice"):
        raw_catalog('a_key:\n  th: "ก"\n  en: "a"\na_key:\n  th: "ข"\n  en: "b"\n')


# --- One line, one language ---------------------------------------------------------------------------------------

#: What a text may quote in the other language: YAML keys, paths, commands, options, {fields}, numbers, names of
#: formats and programs (one word each); and in English, quoted Thai ("1. ชื่อตัวชี้วัด") and the placeholder
#: ``…กรอก…`` that ``reportgen new`` writes into files.
CODE_TOKEN = re.compile(
    r"\{[^}]*\}|`[^`]*`|reportgen( [a-z]+)?|--?[a-z][\w-]*|\S*[./_:=#$\\\d]\S*|[A-Z][A-Za-z0-9]*"
)
BRACKETED = re.compile(r"(?<!%)\(([^()]*)\)")  # not argparse's own %(name)s fields (cli_language)
QUOTED_THAI = re.compile(r"\"[^\"]*\"|…กรอก[^…]*…+")


def english_words(text: str) -> list[str]:
    """The words of ``text`` that are English prose (not a key, path, option, field or name)."""
    return re.findall(r"[a-z]{2,}", CODE_TOKEN.sub(" ", text))


def language_problems(catalog: dict, yaml_keys: set[str] = frozenset()) -> list[str]:
    problems = []
    for key, entry in catalog.items():
        for field in ("th", "hint_th"):
            text = entry.get(field)
            if text is None:
                continue
            if field == "th" and not THAI.search(text) and english_words(text):
                problems.append(f"{key}.{field}: a Thai text without Thai: {text!r}")
            for inside in BRACKETED.findall(text):
                words = [word for word in english_words(inside) if word not in yaml_keys]
                if not THAI.search(inside) and words:
                    problems.append(f"{key}.{field}: English in brackets: ({inside})")
        for field in ("en", "hint_en"):
            text = entry.get(field)
            if text is not None and THAI.search(QUOTED_THAI.sub("", text)):
                problems.append(f"{key}.{field}: Thai in an English text: {text!r}")
    return problems


def model_keys() -> set[str]:
    """Every YAML key of the content format (a Thai text may name one in brackets: it is not English)."""
    from pydantic import BaseModel

    from reportgen.model import Indicator, SiteSettings

    found, todo = set(), [Indicator, SiteSettings]
    while todo:
        model = todo.pop()
        for name, info in model.model_fields.items():
            found.add(name)
            for inner in re.findall(r"\w+", repr(info.annotation)):
                candidate = getattr(importlib.import_module("reportgen.model"), inner, None)
                if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate not in todo:
                    todo.append(candidate)
    return found


def test_a_thai_text_is_thai_and_an_english_text_has_no_thai():
    # A Thai text may name a YAML key, or a YAML value true or false, in brackets: neither is English.
    assert language_problems(REAL, model_keys() | {"true", "false"}) == []


def test_the_language_check_notices_mixed_lines():
    broken = {
        "mixed": {"th": "ไม่พบไฟล์ (no such file)", "en": "no such file"},
        "english_none": {"th": "ปีที่มี: ไม่มี (none)", "en": "years: none"},
        "thai_in_english": {"th": "ไม่พบ", "en": "not found (ไม่พบ)"},
        "english_as_thai": {"th": "no indicators found", "en": "no indicators found"},
        "hint": {"th": "ก", "en": "a", "hint_th": "ลองอีกครั้ง (try again)", "hint_en": "try again"},
        "fine": {"th": "ใช้ --key ไฟล์.p12 (PKCS#12) หรือ {path} (signoff)", "en": "use \"ชื่อ\" and …กรอก……"},
    }
    found = {problem.split(":")[0] for problem in language_problems(broken, {"signoff"})}
    assert found == {"mixed.th", "english_none.th", "thai_in_english.en", "english_as_thai.th", "hint.hint_th"}


# --- Every key is used, every key used exists ---------------------------------------------------------------------

#: Functions and constructors whose first argument is a catalog key.
KEY_TAKERS = {
    "message", "hint", "label", "localized", "plural", "with_hint", "render", "entry", "create", "problem", "add",
    "refuse", "_text", "_ambiguous",
}


def source_files() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py"))


def passed_keys(sources: dict[str, str]) -> list[tuple[str, int, str]]:
    """Every literal key passed to a key taker (``KEY_TAKERS``, and error types): (file, line, key)."""
    passed: list[tuple[str, int, str]] = []
    for name, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                first = node.args[0]
                takes_key = called in KEY_TAKERS or called.endswith(("Error", "Refused", "Failed"))
                takes_key = takes_key and called != "PydanticCustomError"  # pydantic's error types, not our keys
                if takes_key and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    if re.fullmatch(r"[a-z][a-z0-9_]*", first.value) and "_" in first.value:
                        passed.append((name, node.lineno, first.value))
    return passed


def written_whole(key: str) -> re.Pattern[str]:
    """``key`` as code or a template writes it: a whole quoted string. A plural's forms (``_one``, ``_other``) are
    asked for by their base (``wording.plural("summary_errors", n)``)."""
    base = re.sub(r"_(one|other)$", "", key)
    return re.compile(rf"""["']({re.escape(key)}|{re.escape(base)})["']""")


def unused_keys(catalog: dict, texts: dict[str, str]) -> list[str]:
    """Every catalog key that no source file or template holds, written whole, by plain text search."""
    everything = "\n".join(texts.values())
    return [key for key in catalog if not written_whole(key).search(everything)]


def missing_keys(catalog: dict, sources: dict[str, str]) -> list[str]:
    return [
        f"{name}:{line}: {key}" for name, line, key in passed_keys(sources)
        if key not in catalog and f"{key}_one" not in catalog
    ]


def assembled_keys(catalog: dict, sources: dict[str, str]) -> list[str]:
    """Every string made at run time that starts like a catalog key (``f"severity_{x}"``, ``"status_" + name``,
    ``"plan_{}".format(x)``): such a key cannot be found by searching for it."""
    starts = {key[: index + 1] for key in catalog for index, char in enumerate(key) if char == "_"}
    found = []
    for name, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            head = None
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = node.values[0].value
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant):
                head = node.left.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
                  and isinstance(node.func.value, ast.Constant)):
                head = str(node.func.value.value).split("{")[0]
            if isinstance(head, str) and re.fullmatch(r"[a-z][a-z0-9_]*_", head) and head in starts:
                found.append(f"{name}:{node.lineno}: {head}…")
    return found


def package_sources() -> dict[str, str]:
    return {str(path.relative_to(PACKAGE.parent)): path.read_text(encoding="utf-8") for path in source_files()}


TEMPLATES = PACKAGE.parent / "templates"
#: ``{{ message("key") }}`` in a template: the site's own words (search box, search page).
TEMPLATE_KEY = re.compile(r"""\bmessage\(\s*["']([a-z][a-z0-9_]*)["']""")


def template_texts() -> dict[str, str]:
    return {str(path.relative_to(PACKAGE.parent)): path.read_text(encoding="utf-8") for path in TEMPLATES.rglob("*.j2")}


def template_keys() -> set[str]:
    return {key for text in template_texts().values() for key in TEMPLATE_KEY.findall(text)}


def test_every_catalog_key_is_written_whole_in_the_package_or_a_template():
    assert unused_keys(REAL, package_sources() | template_texts()) == []


def test_no_key_is_assembled_at_run_time():
    assert assembled_keys(REAL, package_sources()) == []


def test_every_key_the_package_passes_is_in_the_catalog():
    assert missing_keys(REAL, package_sources()) == []


def test_every_key_a_template_asks_for_is_in_the_catalog():
    assert template_keys(), "the templates use message(...) for the site's words"
    assert sorted(template_keys() - set(REAL)) == []


def test_the_usage_checks_notice_an_unused_a_missing_and_an_assembled_key():
    catalog = {**REAL, "nobody_says_this": {"th": "ก", "en": "a"}}
    assert "nobody_says_this" in unused_keys(catalog, package_sources())
    assert unused_keys({"summary_errors_one": {}}, {"x.py": 'plural("summary_errors", n)'}) == []
    assert unused_keys({"severity_error": {}}, {"x.py": 'label(f"severity_{level}")'}) == ["severity_error"]
    sources = {"x.py": 'raise UsageError("usage_nowhere", path=p)\nwording.message("verify_indicator", "th")\n'}
    assert missing_keys(REAL, sources) == ["x.py:1: usage_nowhere"]
    planted = {"x.py": 'a = label(f"severity_{s}")\nb = label("status_" + n)\nc = "plan_{}".format(p)\n'
                       'd = f"{root}/x"\ne = f"cli_not_a_key_{x}"\n'}
    assert sorted(assembled_keys(REAL, planted)) == ["x.py:1: severity_…", "x.py:2: status_…", "x.py:3: plan_…"]


# --- No user-facing literal outside the catalog -------------------------------------------------------------------

#: Calls whose arguments a person reads: printing, logging at the levels shown without --debug.
SHOWN_CALLS = {"print", "_emit", "warning", "info", "error", "exception", "critical", "warn"}


def user_facing_errors() -> set[str]:
    """The names of every ``ReportgenError`` class of the package (their texts are what the CLI shows)."""
    for module in pkgutil.walk_packages(reportgen.__path__, "reportgen."):
        if module.name != "reportgen.__main__":
            importlib.import_module(module.name)
    names, todo = {"RefusedResource"}, [ReportgenError]  # RefusedResource: its reason ends in a RenderError
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def worded(text: str) -> bool:
    """Whether a literal is words for a person: Thai, or an English phrase of three words or more."""
    return bool(THAI.search(text)) or len(english_words(text)) >= 3


def literal_problems(sources: dict[str, str], errors: set[str]) -> list[str]:
    problems = []
    for name, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if called not in SHOWN_CALLS and called not in errors:
                continue
            for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                for part in ast.walk(argument):
                    if isinstance(part, ast.JoinedStr):  # an f-string's words, read as one text
                        literal = " ".join(
                            str(value.value) if isinstance(value, ast.Constant) else "{}" for value in part.values
                        )
                    elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                        literal = part.value
                    else:
                        continue
                    if worded(literal):
                        problems.append(f"{name}:{part.lineno}: {called}(…{literal!r}…)")
    return problems


def test_no_print_log_line_or_error_holds_its_own_words():
    sources = {name: text for name, text in package_sources().items() if not name.startswith("reportgen/wording")}
    assert literal_problems(sources, user_facing_errors()) == []


def test_the_literal_check_notices_words_in_code():
    sources = {"x.py": (
        'raise UsageError(f"{path}: ไม่พบไฟล์")\n'
        'logger.warning("cannot read the cache %s", folder)\n'
        'print(f"merged {n} shards into {folder}")\n'
        'raise SigningError("sign_not_pdf", path=f"{p} is not a PDF file")\n'
        'logger.debug("a developer line is fine here", x)\n'
        'raise UsageError("usage_no_such_file", path=given)\n'
    )}
    found = {problem.split(":")[1] for problem in literal_problems(sources, {"UsageError", "SigningError"})}
    assert found == {"1", "2", "3", "4"}


# --- The product's Thai words are in the catalog or in templates, not in Python --------------------------------------

#: Modules whose Thai literals are the Thai language itself, or what reportgen reads, not the words it says: each with
#: why. Every other Thai string in the package is a product word, and belongs in messages.yaml or a template.
THAI_AS_DATA = {
    "reportgen/thai.py": "the language's digits, month names and ways of writing numbers",
    "reportgen/dates.py": "the forms of a Thai date an officer types (read)",
    "reportgen/linebreak.py": "Thai character classes of the line breaker",
    "reportgen/content/explain.py": "Thai digits, and the words that end a description's hint (read)",
    "reportgen/content/validate.py": "the placeholder reportgen new writes and the units of a percentage (recognised)",
    "reportgen/publish/search.py": "Thai digits and the spellings of sara am folded in the search index",
    "reportgen/authoring/bmaimport.py": "the headings and labels of the BMA system's export (recognised)",
    "reportgen/render/weasyprint_adapter/textlayer.py": "Thai and Lao sara am (a character class)",
}
#: data.go.th's own choice-list values (``datacatalog.CKAN_FIELDS``): the portal's spelling, never translated.
PORTAL_VALUES = {"อื่นๆ", "ข้อมูลสถิติ", "พันธกิจหน่วยงาน", "ไตรมาส", "จังหวัด", "ข้อมูลสาธารณะ", "ไทย", "ไม่มี"}


def thai_literals(sources: dict[str, str]) -> list[str]:
    """Every Thai string in code (docstrings aside) outside ``THAI_AS_DATA``, but the portal's values."""
    found = []
    for name, text in sources.items():
        if name in THAI_AS_DATA:
            continue
        tree = ast.parse(text)
        docstrings = {
            id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and THAI.search(node.value) and node.value not in PORTAL_VALUES):
                found.append(f"{name}:{node.lineno}: {node.value[:40]!r}")
    return found


def test_the_products_thai_words_are_in_the_catalog_or_a_template():
    sources = {name: text for name, text in package_sources().items() if not name.startswith("reportgen/wording")}
    assert thai_literals(sources) == []


def test_the_thai_literal_check_notices_words_in_code():
    sources = {
        "reportgen/render/views.py": '"""ไม่พบ (a docstring)"""\ntitle = f"ไม่พบหน้านี้ – {site}"\nlabel = "ไทย"\n',
        "reportgen/thai.py": 'MONTHS = ("มกราคม",)\n',
    }
    assert thai_literals(sources) == ["reportgen/render/views.py:2: 'ไม่พบหน้านี้ – '"]


# --- The API ------------------------------------------------------------------------------------------------------


def test_message_hint_label_and_localized_read_the_catalog_in_each_language():
    assert wording.message("usage_no_such_file", "th", path="a.yaml") == "a.yaml: ไม่พบไฟล์"
    assert wording.message("usage_no_such_file", "en", path="a.yaml") == "a.yaml: no such file"
    assert wording.hint("usage_no_content_folder", "en", root="/x") == "run reportgen in the project folder or use --root"
    assert wording.label("label_hint", "th") == "วิธีแก้" and wording.label("label_hint", "en") == "fix"
    found = wording.localized("found_number", value="3")
    assert (found.get("th"), found.get("en")) == ("3 (ตัวเลข)", "3 (a number)")
    assert wording.message("fix_choose_one", "en", options=found) == "choose one: 3 (a number)"  # a nested value
    assert wording.plural("summary_errors", 1, "en") == "1 error" and wording.plural("summary_errors", 2, "en") == "2 errors"


def test_an_unknown_language_reads_thai_and_none_reads_the_language_of_the_run():
    assert wording.message("word_none", "fr") == "ไม่มี"
    try:
        wording.set_language("en")
        assert wording.message("word_none") == "none" and str(UsageError("usage_no_indicators")).startswith("no ")
    finally:
        wording.set_language("th")
    assert wording.message("word_none") == "ไม่มี"


def test_an_error_reads_in_the_language_asked_for_with_its_hint_on_a_line_of_its_own():
    error = UsageError("usage_no_content_folder", root="/x")
    assert error.text("th") == "ไม่พบโฟลเดอร์ content/ ใน /x\n  วิธีแก้: สั่ง reportgen ในโฟลเดอร์โครงการ หรือใช้ --root"
    assert error.text("en") == "no content/ folder in /x\n  fix: run reportgen in the project folder or use --root"
    assert str(error) == error.text("th")


def test_one_way_to_word_a_message_and_a_missing_key_is_never_shown_as_is(caplog):
    for shim in ("Worded", "usage_text", "render_message", "CatalogueError", "L", "Localized", "LANGS", "Lang"):
        assert not hasattr(errors, shim), f"errors.{shim}: word messages through reportgen.wording"
    assert not hasattr(wording, "L")
    error = UsageError("no_such_key_anywhere", path="a.yaml")
    assert "no_such_key_anywhere" not in error.text("en") and error.text("en") == wording.message("invalid", "en")
    assert "no_such_key_anywhere" in caplog.text  # logged as the bug it is
    problem = Problem.create("no_such_key_either", Path("a.yaml"))
    assert "no_such_key_either" not in problem.message


def test_an_error_crosses_processes_with_its_key():
    import pickle

    copy = pickle.loads(pickle.dumps(UsageError("usage_no_such_file", path="a.yaml")))
    assert isinstance(copy, UsageError) and copy.text("en") == "a.yaml: no such file"


# --- Installed, the package carries its catalog -------------------------------------------------------------------


@pytest.mark.e2e
def test_the_catalog_is_package_data_and_found_from_an_installed_package(tmp_path):
    """Built as pip builds it (a wheel) and installed elsewhere, the package finds its catalog."""
    source = tmp_path / "source"  # a copy: building writes build/ and *.egg-info next to pyproject.toml
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PACKAGE.parent / name, source / name)
    shutil.copytree(PACKAGE, source / "reportgen", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    built = subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp_path / "wheel"), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("reportgen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("reportgen/wording/messages.yaml") == CATALOG.read_bytes()
    site = tmp_path / "site"
    installed = subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import reportgen.wording as w; print(w.__file__); print(w.message('word_none', 'en'))"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert probe.returncode == 0, probe.stderr
    where, said = probe.stdout.splitlines()
    assert Path(where).is_relative_to(site) and said == "none"
