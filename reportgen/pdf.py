"""HTML → PDF bytes: WeasyPrint with the project's own fonts and a URL fetcher that reads only the project.

Rendering must never reach the network or read a file the project does not own: a form is built from content
written by many people and published by the city, so a stray ``<img src="http://…">`` or ``file:///etc/passwd``
must stop the build with a clear error rather than leak or embed something. ``ProjectFetcher`` therefore serves
``file:`` URLs under ``fonts/``, ``templates/`` and ``content/`` and refuses everything else.

The text layer (what copy, search and screen readers get) is written by ``textlayer.py``, because WeasyPrint's
own garbles Thai. The PDF's metadata comes from the HTML (``<title>``, ``<meta name="author">``, ``<html lang>``), which
``print.html.j2`` fills from the indicator.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from reportgen import textlayer
from reportgen.errors import RenderError

logger = logging.getLogger(__name__)

#: The project folders rendering may read from; everything else is refused.
READABLE_FOLDERS = ("fonts", "templates", "content")


class RefusedResource(FatalURLFetchingError):
    """A document asked for a resource outside the project; WeasyPrint lets this one stop the rendering."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


class ProjectFetcher(URLFetcher):
    """Serves ``file:`` URLs inside the project's readable folders, and nothing else."""

    def __init__(self, project_root: Path):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)
        root = project_root.resolve()
        self.readable = tuple(root / folder for folder in READABLE_FOLDERS)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise RefusedResource(url, "reportgen never fetches from the network or from data: URLs")
        if parts.netloc not in ("", "localhost"):
            raise RefusedResource(url, "reportgen reads only local project files")
        path = Path(unquote(parts.path)).resolve()  # resolve() folds ../ and symlinks before the check
        if not any(path.is_relative_to(folder) for folder in self.readable):
            raise RefusedResource(url, f"reportgen reads only files under {', '.join(READABLE_FOLDERS)}/")
        if not path.is_file():
            raise RefusedResource(url, "no such file in the project")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


class PdfRenderer:
    """Turns print HTML into PDF bytes. Build one per build and reuse it: fonts are loaded once."""

    def __init__(self, project_root: Path):
        self.project_root = project_root.resolve()
        self.templates_dir = self.project_root / "templates"
        self.fetcher = ProjectFetcher(self.project_root)
        self.font_config = FontConfiguration()

    @property
    def css_url(self) -> str:
        """Where print documents find the stylesheets (as ``print.html.j2`` links them)."""
        return "css/"

    def render(self, html: str, *, source: str) -> bytes:
        """Lay out ``html`` and write the PDF. ``source`` names the content file in error messages."""
        try:
            document = weasyprint.HTML(
                string=html, base_url=self.templates_dir.as_uri() + "/", url_fetcher=self.fetcher
            ).render(font_config=self.font_config)
            # WeasyPrint's own text layer garbles Thai (sara am, stacked marks); textlayer.py writes the exact one.
            return textlayer.write_pdf(document)
        except RefusedResource as refused:
            raise RenderError(
                f"{source}: the form asked for {refused.url!r}, which was refused ({refused.reason})."
            ) from None
