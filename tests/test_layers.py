"""The import graph of reportgen flows one way: a module imports only modules of its own layer or of lower ones.

The layers, lowest first, are the pipeline of docs/how-it-works.md: shared foundations, the content model, the
content package (each of its stages a layer of its own), rendering, building, the preview and signing, then the
commands and the command line. Every import counts, also one inside a function or under ``TYPE_CHECKING``: a
deferred import is still a dependency. A new module must be given a layer here.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

from projects import REPO_ROOT

PACKAGE = REPO_ROOT / "reportgen"

#: Lowest first. A name ending in "." is every module of that package (not its ``__init__``).
LAYERS: list[tuple[str, ...]] = [
    ("reportgen", "reportgen.wording", "reportgen.layout", "reportgen.files", "reportgen.fingerprint", "reportgen.thai",
     "reportgen.narrative", "reportgen.errors", "reportgen.terminal", "reportgen.progress", "reportgen.revisions",
     "reportgen.linebreak", "reportgen.dates", "reportgen.fields", "reportgen.cli_language", "reportgen.spreadsheet",
     "reportgen.xmp", "reportgen.stamp",  # PDF parts for render and signing: XMP metadata, the drawn stamp
     "reportgen.printable", "reportgen.printed_ranges",  # the characters the form's fonts draw, for check
     # WeasyPrint's internals, walled off: they import nothing of reportgen's but the foundations (linebreak asks
     # Pango through them).
     "reportgen.render.weasyprint_adapter", "reportgen.render.weasyprint_adapter."),
    ("reportgen.model",),
    ("reportgen.digest", "reportgen.standing", "reportgen.problems"),
    ("reportgen.content", "reportgen.content.positions"),
    ("reportgen.content.parse",),
    ("reportgen.content.explain",),
    ("reportgen.content.validate",),
    ("reportgen.content.doccache",),
    ("reportgen.content.project",),
    ("reportgen.authoring", "reportgen.authoring.yamltext", "reportgen.authoring.writer", "reportgen.authoring.naming"),
    ("reportgen.authoring.template", "reportgen.authoring.signoff_edit"),
    ("reportgen.authoring.bmaimport", "reportgen.authoring.canonical", "reportgen.authoring.repository"),
    ("reportgen.render", "reportgen.render."),
    ("reportgen.publish", "reportgen.publish.options", "reportgen.publish.deploy"),
    ("reportgen.publish.cache", "reportgen.publish.writer", "reportgen.publish.release", "reportgen.publish.unchanged"),
    ("reportgen.publish.pool", "reportgen.publish.search"),
    ("reportgen.publish.pipeline",),
    ("reportgen.preview", "reportgen.preview.watcher", "reportgen.signing"),
    ("reportgen.preview.server",),
    # The desk is the commands' web face: its routes call the commands' operations, and `desk` (a command) serves it.
    ("reportgen.commands", "reportgen.commands.", "reportgen.desk", "reportgen.desk."),
    ("reportgen.cli", "reportgen.__main__"),
]  # fmt: skip


def module_name(path: Path, package: Path) -> str:
    parts = ["reportgen", *path.relative_to(package).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int | None:
    for index, names in enumerate(LAYERS):
        for name in names:
            if module == name or (name.endswith(".") and module.startswith(name)):
                return index
    return None


def imported_modules(path: Path, module: str) -> set[str]:
    """The reportgen modules ``path`` imports, wherever the import statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "reportgen")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing module's package
                package = module.split(".")
                if not path.name == "__init__.py":
                    package = package[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "reportgen":
                continue
            for alias in node.names:  # `from reportgen.render import pdf` imports the module reportgen.render.pdf
                candidate = f"{base}.{alias.name}"
                found.add(candidate if layer_of(candidate) is not None and _is_module(candidate, path) else base)
    return found


def _is_module(name: str, importer: Path) -> bool:
    package = importer
    while package.name != "reportgen":
        package = package.parent
    relative = Path(*name.split(".")[1:])
    return (package / relative).with_suffix(".py").is_file() or (package / relative / "__init__.py").is_file()


def reverse_imports(package: Path) -> list[str]:
    """Every import that goes up the layers, and every module that has no layer, as readable lines."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module = module_name(path, package)
        own = layer_of(module)
        if own is None:
            problems.append(f"{module} has no layer in tests/test_layers.py")
            continue
        for imported in sorted(imported_modules(path, module)):
            theirs = layer_of(imported)
            if theirs is None:
                problems.append(f"{module} imports {imported}, which has no layer")
            elif theirs > own:
                problems.append(f"{module} (layer {own}) imports {imported} (layer {theirs}), a higher layer")
    return problems


def test_lower_layers_never_import_higher_ones():
    assert reverse_imports(PACKAGE) == []


def test_a_planted_reverse_import_is_found(tmp_path):
    copy = tmp_path / "reportgen"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert reverse_imports(copy) == []
    layout = copy / "layout.py"
    layout.write_text(layout.read_text(encoding="utf-8") + "\n\ndef _late():\n    from reportgen.cli import main\n")
    model = copy / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nfrom reportgen.render import views\n")
    (copy / "stray.py").write_text('"""A module nobody placed."""\n')
    problems = reverse_imports(copy)
    cli, views = layer_of("reportgen.cli"), layer_of("reportgen.render.views")
    assert f"reportgen.layout (layer 0) imports reportgen.cli (layer {cli}), a higher layer" in problems
    assert f"reportgen.model (layer 1) imports reportgen.render.views (layer {views}), a higher layer" in problems
    assert "reportgen.stray has no layer in tests/test_layers.py" in problems


# --- Docstrings and comments name modules that exist ------------------------------------------------------------

#: Files of other projects that reportgen's docstrings name (WeasyPrint's, Python's own).
OTHER_PROJECTS = {"weasyprint/pdf/fonts.py", "argparse.py"}
_MENTIONED_FILE = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.py)\b")


def stale_file_names(package: Path, repo: Path) -> list[str]:
    """Every ``something.py`` a module of ``package`` names (in a docstring or a comment) that no file of the
    repository is: the name of a module that was moved or renamed."""
    files = [path.relative_to(repo).as_posix() for path in repo.rglob("*.py")
             if not {".venv", "node_modules", "__pycache__"} & set(path.relative_to(repo).parts)]  # fmt: skip
    stale = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        for mentioned in sorted(set(_MENTIONED_FILE.findall(path.read_text(encoding="utf-8")))):
            if mentioned in OTHER_PROJECTS:
                continue
            if not any(file == mentioned or file.endswith("/" + mentioned) for file in files):
                stale.append(f"{path.relative_to(repo).as_posix()} names {mentioned}, which does not exist")
    return stale


def test_every_file_a_docstring_names_exists():
    assert stale_file_names(PACKAGE, REPO_ROOT) == []


def test_a_stale_name_is_found(tmp_path):
    (tmp_path / "reportgen" / "render").mkdir(parents=True)
    (tmp_path / "reportgen" / "render" / "pdf.py").write_text('"""Uses ``render.py`` and ``render/pdf.py``."""\n')
    assert stale_file_names(tmp_path / "reportgen", tmp_path) == ["reportgen/render/pdf.py names render.py, which does not exist"]
