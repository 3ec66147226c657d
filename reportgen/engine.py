"""Entries → their PDFs: the slow step of a build, one form at a time.

``FormRenderer`` turns one entry into PDF bytes (print HTML through ``render.py``, then ``pdf.py``). It is built
once and reused for every form, so compiled templates, the font configuration and the parsed stylesheets are
loaded once. ``BuildOptions`` carries everything besides the content that changes a form's bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportgen.model import Entry, SiteSettings
from reportgen.pdf import PdfRenderer
from reportgen.render import Renderer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    """What, besides the content, a build is asked for. ``as_of`` is a quarter (1–4) or None for the whole year."""

    release: bool = False
    as_of: int | None = None


class FormRenderer:
    """One entry → its PDF bytes. One per process: it reuses templates, fonts and stylesheets across forms."""

    def __init__(self, project_root: Path, site: SiteSettings, options: BuildOptions = BuildOptions()):
        self.options = options
        self.renderer = Renderer(project_root / "templates", site)
        self.pdf = PdfRenderer(project_root)

    def render(self, entry: Entry) -> bytes:
        logger.debug("rendering %s", entry.source)
        html = self.renderer.print_document(entry.indicator, css_url=self.pdf.css_url)
        return self.pdf.render(html, source=str(entry.source))


def render_pdfs(
    project_root: Path, site: SiteSettings, entries: Sequence[Entry], options: BuildOptions = BuildOptions()
) -> dict[str, bytes]:
    """The PDF of each entry, by slug, rendered in this process."""
    forms = FormRenderer(project_root, site, options)
    return {entry.slug: forms.render(entry) for entry in entries}
