"""``reportgen book``: one fiscal year's indicators → the department's report book, one PDF in ``output/book/``.

The book is a cover, the contents with page numbers, the summary table of every indicator (the same figures as the
site's home page, from ``standing.status_of``), then every form as its own PDF prints it, each on new pages and
bookmarked in the PDF's outline. ``--as-of q2`` makes the book as it stood at the end of that quarter
(``standing.as_of``): later quarters are shown as not yet reported.

Where it goes: ``output/book/<year>.pdf``, or ``output/book/<year>-q<n>.pdf`` as of a quarter, so a quarter's book
never replaces the year's. Not ``pdf/<year>/book.pdf``: ``book`` is a valid indicator code, and that path would be
its form. The file is written through ``OutputWriter(keep_existing=True)``, so the rest of ``output/`` stays as it
was and a failure writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from reportgen import layout, wording
from reportgen.commands import Line, Outcome, Problems, Shown
from reportgen.content.project import load_project
from reportgen.errors import Problem, UsageError
from reportgen.layout import BOOK_DIR
from reportgen.model import Entry, Project
from reportgen.publish.pipeline import project_as_of
from reportgen.publish.writer import OutputWriter
from reportgen.render.form_pdf import FormPrinter
from reportgen.standing import Reporting

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BookReport:
    """What ``book`` did: the file written (relative to the output folder), its forms, and content warnings."""

    output_dir: Path
    path: str
    forms: int
    warnings: tuple[Problem, ...]


def book_path(fiscal_year: int, as_of: int | None = None) -> str:
    """Where the book of ``fiscal_year`` goes inside output/: ``book/2564.pdf``, or ``book/2564-q2.pdf``."""
    name = f"{fiscal_year}.pdf" if as_of in (None, 4) else f"{fiscal_year}-q{as_of}.pdf"
    return f"{BOOK_DIR}/{name}"


def year_entries(project: Project, fiscal_year: int) -> tuple[Entry, ...]:
    """The entries of one fiscal year, in code order; a year without any is a usage error naming the years there are."""
    entries = tuple(entry for entry in project.entries if entry.indicator.fiscal_year == fiscal_year)
    if not entries:
        years = sorted({entry.indicator.fiscal_year for entry in project.entries})
        there = ", ".join(str(year) for year in years) if years else wording.localized("word_none")
        raise UsageError("status_no_year", year=fiscal_year, available=there)
    return entries


def render_book(
    project: Project, fiscal_year: int, as_of: int | None = None, reporting: Reporting | None = None
) -> bytes:
    """The PDF bytes of the book of ``fiscal_year``, as of the end of quarter ``as_of`` (None: the whole year);
    the cover says how far the year had gone by ``reporting`` (default: now), never "the whole year" mid-year."""
    entries = year_entries(project_as_of(project, as_of), fiscal_year)  # each form as it stood then, checked again
    printer = FormPrinter(project.root, project.site)
    logger.info(wording.message("log_rendering_book", year=fiscal_year, forms=len(entries)))
    return printer.book(entries, fiscal_year, as_of=as_of if as_of != 4 else None, reporting=reporting)


def book(
    root: Path,
    fiscal_year: int | None = None,
    *,
    as_of: int | None = None,
    strict: bool = False,
    output_dir: Path | None = None,
) -> BookReport:
    """Render the book of ``fiscal_year`` (default: the newest year) into ``output/book/``; keep the rest of output/."""
    quarter = as_of  # a quarter, 1–4 (the command line parses --as-of with standing.parse_quarter, as for build)
    root = Path(root).resolve()
    project = load_project(root, strict=strict)
    if fiscal_year is None:
        if not project.entries:
            raise UsageError("usage_no_indicators")
        fiscal_year = max(entry.indicator.fiscal_year for entry in project.entries)
    data = render_book(project, fiscal_year, quarter)
    path = book_path(fiscal_year, quarter)
    output_dir = layout.output_dir(root, output_dir)
    with OutputWriter(output_dir, keep_existing=True) as out:
        out.write_bytes(path, data)
        out.commit()
    return BookReport(
        output_dir=output_dir,
        path=path,
        forms=len(year_entries(project, fiscal_year)),
        warnings=tuple(project.warnings),
    )


def run(root: Path, fiscal_year: int | None = None, *, as_of: int | None = None, strict: bool = False) -> Outcome:
    """``reportgen book``: the content's warnings (stderr), then the file written (stdout)."""
    report = book(root, fiscal_year, as_of=as_of, strict=strict)
    shown: list[Shown] = [Problems(report.warnings)] if report.warnings else []
    shown.append(Line(report.output_dir.name + "/" + report.path))
    return Outcome(tuple(shown))
