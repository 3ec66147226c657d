"""The import graph of reportgen flows one way: a module imports only modules of its own layer or of lower ones.

The layers, lowest first, are the pipeline of docs/how-it-works.md: shared foundations, the content model, the
content package (each of its stages a layer of its own), rendering, building, the preview and signing, then the
commands and the command line. Every import counts, also one inside a function or under ``TYPE_CHECKING``: a
deferred import is still a dependency. A new module must be given a layer here.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from projects import REPO_ROOT

PACKAGE = REPO_ROOT / "reportgen"

#: Lowest first. A name ending in "." is every module of that package (not its ``__init__``).
LAYERS: list[tuple[str, ...]] = [
    ("reportgen", "reportgen.wording", "reportgen.layout", "reportgen.files", "reportgen.fingerprint", "reportgen.thai",
     "reportgen.markdown", "reportgen.errors", "reportgen.terminal", "reportgen.progress", "reportgen.revisions",
     "reportgen.linebreak", "reportgen.dates", "reportgen.fields", "reportgen.cli_language", "reportgen.spreadsheet",
     "reportgen.stamp", "reportgen.xmp"),
    ("reportgen.model",),
    ("reportgen.digest", "reportgen.status", "reportgen.problems"),
    ("reportgen.content", "reportgen.content.positions"),
    ("reportgen.content.parse",),
    ("reportgen.content.explain",),
    ("reportgen.content.validate",),
    ("reportgen.content.doccache",),
    ("reportgen.content.project",),
    ("reportgen.render", "reportgen.render."),
    ("reportgen.build", "reportgen.build.options"),
    ("reportgen.build.artifacts", "reportgen.build.writer", "reportgen.build.release"),
    ("reportgen.build.pool", "reportgen.build.search"),
    ("reportgen.build.pipeline",),
    ("reportgen.preview", "reportgen.preview.watcher", "reportgen.signing"),
    ("reportgen.preview.server",),
    ("reportgen.commands", "reportgen.commands.", "reportgen.bmaimport", "reportgen.deploy"),
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
    assert "reportgen.layout (layer 0) imports reportgen.cli (layer 17), a higher layer" in problems
    assert "reportgen.model (layer 1) imports reportgen.render.views (layer 9), a higher layer" in problems
    assert "reportgen.stray has no layer in tests/test_layers.py" in problems
