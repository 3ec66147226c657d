"""``reportgen build``: content/ → output/, all or nothing.

Everything is loaded and validated first (a single invalid file stops the build before anything is rendered);
then every file is rendered into the writer's staging folder, which replaces ``output/`` in one atomic step only
when all of it succeeded. A failed or killed build leaves the previous ``output/`` as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import UsageError
from reportgen.load import load_project
from reportgen.model import Entry, Project
from reportgen.engine import render_pdfs
from reportgen.site import site_files
from reportgen.writer import OutputWriter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the files written (relative to output/) and the warnings found in the content."""

    output_dir: Path
    written: tuple[str, ...]
    warnings: tuple


def select_entries(project: Project, paths: Sequence[Path] | None) -> tuple[Entry, ...]:
    """The entries whose source files were named on the command line, or all of them."""
    if not paths:
        return project.entries
    wanted = {Path(path).resolve() for path in paths}
    by_path = {(project.root / entry.source).resolve(): entry for entry in project.entries}
    selected = tuple(entry for path, entry in by_path.items() if path in wanted)
    missing = wanted - by_path.keys()
    if missing:
        names = ", ".join(sorted(str(path) for path in missing))
        raise UsageError(f"not an indicator file under content/indicators/: {names}")
    return selected


def build(
    root: Path, paths: Sequence[Path] | None = None, *, strict: bool = False, output_dir: Path | None = None
) -> BuildReport:
    """Build output/ (or ``output_dir``) from content/. With ``paths``, render only those files and keep the rest."""
    root = root.resolve()
    # The whole project is always loaded: the home page lists every indicator, and cross-file rules (the same
    # code twice in a year) need all files, even when only one form is rebuilt.
    project = load_project(root, strict=strict)
    selected = select_entries(project, paths)
    pdfs = render_pdfs(root, project.site, selected)
    output_dir = Path(output_dir) if output_dir is not None else root / "output"
    with OutputWriter(output_dir, keep_existing=bool(paths)) as out:
        for file in site_files(project, selected, pdfs):
            if file.copy_of is not None:
                out.copy_file(file.path, file.copy_of)
            else:
                out.write_bytes(file.path, file.data)
        out.commit()
    logger.info("built %d forms into %s", len(selected), output_dir)
    return BuildReport(output_dir=output_dir, written=tuple(out.written), warnings=tuple(project.warnings))
