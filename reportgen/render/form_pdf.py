"""A form (or a year's book of forms) → its PDF bytes: the print HTML (``html.py``) laid out by WeasyPrint
(``pdf.py``). The one place a form becomes a PDF: the build's worker pool and ``reportgen book`` both call it.

``FormPrinter`` is made once per process and reused for every form, so the compiled templates, the font
configuration (the project's fonts registered with Fontconfig once), the loaded fonts and the parsed print
stylesheets are reused. How a PDF is written (``PdfOptions``: a plain draft, or an archival PDF/A with its sources
attached, and its dates) is not decided here: that is release policy (``publish/release.py``:
``form_pdf_options``), which the caller passes in.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen import layout
from reportgen.model import Entry, SiteSettings
from reportgen.render.html import PRINT_STYLESHEETS, Templates
from reportgen.standing import Reporting

if TYPE_CHECKING:
    from reportgen.render.pdf import PdfOptions

logger = logging.getLogger(__name__)


class FormPrinter:
    """Forms → PDF bytes (``Templates`` then ``PdfPrinter``), with the templates and fonts of one project."""

    def __init__(self, project_root: Path, site: SiteSettings):
        from reportgen.render.pdf import PdfPrinter  # WeasyPrint is imported only by a build that renders something

        self.project_root = project_root
        self.renderer = Templates(layout.templates_dir(project_root), site)
        self.pdf = PdfPrinter(project_root)

    def print_html(self, entry: Entry) -> str:
        """The HTML WeasyPrint lays out as ``entry``'s form (its print stylesheets are given already parsed)."""
        return self.renderer.print_document(
            entry.indicator, css_url=self.pdf.css_url, link_stylesheets=False, sign_state=entry.sign_state
        )

    def form(self, entry: Entry, options: PdfOptions | None = None) -> bytes:
        """``entry``'s form as a PDF, written as ``options`` say (default: a plain PDF without a date)."""
        from reportgen.render.pdf import PdfOptions

        logger.debug("rendering %s", entry.source)
        return self.pdf.render(
            self.print_html(entry), source=str(entry.source), options=options or PdfOptions(),
            stylesheets=PRINT_STYLESHEETS,
        )  # fmt: skip

    def book(
        self, entries: Sequence[Entry], fiscal_year: int, *, as_of: int | None = None,
        reporting: Reporting | None = None,
    ) -> bytes:
        """The report book of ``fiscal_year``: ``entries`` as they stood at the end of quarter ``as_of`` (None: the
        whole year), the cover saying how far the year had gone by ``reporting`` (``Templates.book_document``)."""
        html = self.renderer.book_document(
            entries, css_url=self.pdf.css_url, fiscal_year=fiscal_year, as_of=as_of, reporting=reporting
        )
        return self.pdf.render(html, source=f"{layout.CONTENT_DIR}/{layout.INDICATORS_DIR}/{fiscal_year}/")
