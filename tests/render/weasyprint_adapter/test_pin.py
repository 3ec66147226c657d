"""render/weasyprint_adapter: the one package that reaches into WeasyPrint's internals, and its pin.

The adapter is written for the WeasyPrint versions in ``TESTED_WEASYPRINT_VERSIONS``: the installed one must be one
of them, pyproject.toml and the lock must pin the last, any other is refused before a PDF is made, in words; and no
module outside the adapter uses more of WeasyPrint than its public API (nor pydyf, the PDF objects it writes).
"""

from __future__ import annotations

import ast
import re
import tomllib

import pytest
from projects import REPO_ROOT, indicator_data, run_reportgen, write_project

from reportgen.render import weasyprint_adapter
from reportgen.render.weasyprint_adapter import TESTED_WEASYPRINT_VERSIONS, installed_version

ADAPTER = REPO_ROOT / "reportgen" / "render" / "weasyprint_adapter"
#: What of WeasyPrint reportgen may use outside the adapter: its documented API.
PUBLIC_WEASYPRINT = {"weasyprint", "weasyprint.text.fonts", "weasyprint.urls"}


def test_the_installed_weasyprint_is_the_one_the_adapter_was_written_for():
    found = installed_version()
    assert found in TESTED_WEASYPRINT_VERSIONS, (
        f"WeasyPrint {found} is installed, but reportgen/render/weasyprint_adapter is written for WeasyPrint "
        f"{', '.join(TESTED_WEASYPRINT_VERSIONS)}: run `make setup` to install the locked version, or port the "
        f"adapter (render/weasyprint_adapter/textlayer.py, 'Pin') and add {found} to TESTED_WEASYPRINT_VERSIONS"
    )


def test_pyproject_and_the_lock_pin_the_version_the_adapter_was_written_for():
    dependencies = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    [pin] = [dependency for dependency in dependencies if re.match(r"weasyprint\b", dependency)]
    assert pin == f"weasyprint=={TESTED_WEASYPRINT_VERSIONS[-1]}", (
        f"pyproject.toml says {pin!r}; the adapter is written for {TESTED_WEASYPRINT_VERSIONS[-1]}"
    )
    for lock in ("build.txt", "test.txt"):
        text = (REPO_ROOT / "requirements" / lock).read_text(encoding="utf-8")
        assert f"\nweasyprint=={TESTED_WEASYPRINT_VERSIONS[-1]} " in text, f"requirements/{lock} locks another WeasyPrint"


def test_another_weasyprint_is_refused_before_any_pdf_is_made_in_the_readers_words(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": indicator_data()})
    monkeypatch.setattr(weasyprint_adapter, "installed_version", lambda: "71.0")
    for command in (("build", "--jobs", "2"), ("build", "--jobs", "1"), ("book",)):
        done = run_reportgen(*command, cwd=root)
        assert done.returncode == 2, done.stderr
        assert "WeasyPrint 71.0" in done.stderr and "WeasyPrint 70.0" in done.stderr, done.stderr
        assert "make setup" in done.stderr and "ข้อผิดพลาดภายใน" not in done.stderr
        assert not (root / "output").exists()
    english = run_reportgen("build", "--lang", "en", cwd=root)
    assert "reportgen: WeasyPrint 71.0 is installed, but reportgen is written for WeasyPrint 70.0" in english.stderr


def _imports(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def internals_used_outside(package) -> list[str]:
    """Every module outside the adapter that imports WeasyPrint beyond its public API, or pydyf."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        if ADAPTER in path.parents:
            continue
        for name in sorted(_imports(path)):
            if (name.split(".")[0] == "weasyprint" and name not in PUBLIC_WEASYPRINT) or name.split(".")[0] == "pydyf":
                problems.append(f"{path.relative_to(package.parent)} imports {name}")
    return problems


def test_no_module_outside_the_adapter_touches_weasyprints_internals():
    assert internals_used_outside(REPO_ROOT / "reportgen") == []


def test_the_internals_check_notices_a_planted_import(tmp_path):
    package = tmp_path / "reportgen"
    (package / "render").mkdir(parents=True)
    (package / "render" / "pdf.py").write_text("import weasyprint\nfrom weasyprint.urls import URLFetcher\n")
    (package / "linebreak.py").write_text("def f():\n    from weasyprint.text.line_break import get_log_attrs\n")
    (package / "stamp.py").write_text("import pydyf\n")
    assert internals_used_outside(package) == [
        "reportgen/linebreak.py imports weasyprint.text.line_break", "reportgen/stamp.py imports pydyf"]


@pytest.mark.parametrize("module", ["archival", "line_breaks"])
def test_each_adapter_module_says_what_it_turns_into_what(module):
    text = (ADAPTER / f"{module}.py").read_text(encoding="utf-8")
    assert "→" in ast.get_docstring(ast.parse(text)).splitlines()[0]
