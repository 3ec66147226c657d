"""HTML → PDF bytes: WeasyPrint with the project's own fonts and a URL fetcher that reads only the project.

Rendering must never reach the network or read a file the project does not own: a form is built from content
written by many people and published by the city, so a stray ``<img src="http://…">`` or ``file:///etc/passwd``
must stop the build with a clear error rather than leak or embed something. ``ProjectFetcher`` therefore serves
``file:`` URLs under ``fonts/``, ``templates/`` and ``content/`` and refuses everything else.

The text layer (what copy, search and screen readers get) is written by ``textlayer.py``, because WeasyPrint's
own garbles Thai. The PDF's metadata comes from the HTML (``<title>``, ``<meta name="author">``, ``<html lang>``), which
``print.html.j2`` fills from the indicator.

``PdfOptions`` says how a form is written. A draft is a plain PDF. An archival (release) PDF is PDF/A-3b
(WeasyPrint's ``pdf/a-3b``: sRGB output intent, XMP metadata, embedded fonts), tagged for accessibility (a
structure tree from the HTML: headings, sections, lists, paragraphs; page headers, footers and backgrounds are
artifacts), with files attached (the indicator's YAML source, its evidence files) as PDF/A-3 associated files
(``/AF`` with an ``/AFRelationship``), fetched through the same ``ProjectFetcher``, under their name only.
Nothing in the bytes depends on when or where the PDF is made: the dates are the ones given (or none), the file
identifier is given, and attachments carry names, never paths. ``reportgen.publish.release.form_pdf_options`` decides
them from the content.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from reportgen import layout, wording
from reportgen.errors import NO_SPACE, NoSpaceError, RenderError
from reportgen.render.weasyprint_adapter import (
    archival,
    drawn_once,
    plain_metadata,
    require_tested_weasyprint,
    shared_forms,
    textlayer,
)

logger = logging.getLogger(__name__)

#: The project folders rendering may read from; everything else is refused.
READABLE_FOLDERS = (layout.FONTS_DIR, layout.TEMPLATES_DIR, layout.CONTENT_DIR)

#: Media types Python's table lacks (RFC 9512 registers application/yaml).
CONTENT_TYPES = {".yaml": "application/yaml", ".yml": "application/yaml"}

#: The PDF variant of archival (release) forms.
ARCHIVAL_VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class PdfAttachment:
    """A project file to embed: ``path`` (read through ``ProjectFetcher``), the ``name`` it gets in the PDF, a
    description, and its PDF/A-3 relationship to the form (``Source``, ``Supplement``, ``Data``, ...)."""

    path: Path
    name: str
    description: str
    relationship: str


@dataclass(frozen=True)
class PdfOptions:
    """How a form is written. ``date``: creation and modification date of the PDF and its attachments (None: no
    date at all). ``identifier``: the first part of the PDF's ``/ID`` (None: no ``/ID`` unless the variant needs
    one). ``archival``: PDF/A-3b, tagged, with ``attachments``."""

    archival: bool = False
    date: dt.datetime | None = None
    identifier: bytes | None = None
    attachments: tuple[PdfAttachment, ...] = ()


class RefusedResource(FatalURLFetchingError):  # type: ignore[misc]  # WeasyPrint ships no types
    """A document asked for a resource outside the project; WeasyPrint lets this one stop the rendering."""

    def __init__(self, url: str, reason: wording.Localized):
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


class ProjectFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Serves ``file:`` URLs inside the project's readable folders, and nothing else."""

    def __init__(self, project_root: Path):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)
        root = project_root.resolve()
        self.readable = tuple(root / folder for folder in READABLE_FOLDERS)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise RefusedResource(url, wording.localized("refused_network"))
        if parts.netloc not in ("", "localhost"):
            raise RefusedResource(url, wording.localized("refused_not_local"))
        path = Path(unquote(parts.path)).resolve()  # resolve() folds ../ and symlinks before the check
        if not any(path.is_relative_to(folder) for folder in self.readable):
            raise RefusedResource(url, wording.localized("refused_outside", folders=", ".join(READABLE_FOLDERS)))
        if not path.is_file():
            raise RefusedResource(url, wording.localized("refused_missing"))
        content_type = (
            CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


class PdfPrinter:
    """Print HTML → PDF bytes, with WeasyPrint and the project's fonts. Make one per build and reuse it: fonts are
    loaded once."""

    def __init__(self, project_root: Path):
        require_tested_weasyprint()
        self.project_root = project_root.resolve()
        self.templates_dir = layout.templates_dir(self.project_root)
        self.fetcher = ProjectFetcher(self.project_root)
        self.font_config = FontConfiguration()
        self._stylesheets: dict[str, weasyprint.CSS] = {}
        self._svg_drawings: drawn_once.Drawings = {}  # an SVG image (the draft mark) drawn once per size
        warn_without_harfbuzz_subset()

    @property
    def css_url(self) -> str:
        """Where print documents find the stylesheets (as ``print.html.j2`` links them)."""
        return "css/"

    def stylesheet(self, name: str) -> weasyprint.CSS:
        """``templates/css/<name>``, parsed once for every document this renderer lays out."""
        if name not in self._stylesheets:
            url = (self.templates_dir / self.css_url / name).as_uri()
            self._stylesheets[name] = weasyprint.CSS(url=url, url_fetcher=self.fetcher, font_config=self.font_config)
        return self._stylesheets[name]

    def render(
        self, html: str, *, source: str, options: PdfOptions = PdfOptions(), stylesheets: tuple[str, ...] = ()
    ) -> bytes:
        """Lay out ``html`` and write the PDF. ``source`` names the content file in error messages.

        ``stylesheets`` (names in templates/css/, in cascade order) are applied already parsed, as if the document
        linked them first: the HTML then leaves them out (``Templates.print_document(link_stylesheets=False)``).
        """
        try:
            document = weasyprint.HTML(
                string=html, base_url=self.templates_dir.as_uri() + "/", url_fetcher=self.fetcher
            ).render(font_config=self.font_config, stylesheets=[self.stylesheet(name) for name in stylesheets],
                     cache=drawn_once.ImageCache(self._svg_drawings))  # fmt: skip
            if options.date is not None:
                document.metadata.created = document.metadata.modified = options.date.isoformat()
            # WeasyPrint's own text layer garbles Thai (sara am, stacked marks); textlayer.py writes the exact one.
            pdf = textlayer.write_pdf(document, **self._write_options(options))
            assert pdf is not None, "write_pdf without a target returns the bytes"
            return pdf
        except RefusedResource as refused:
            raise RenderError("render_resource_refused", source=source, url=repr(refused.url), reason=refused.reason) from None
        except OSError as error:  # WeasyPrint copies the fonts into a temporary folder as it loads them
            if error.errno not in NO_SPACE:
                raise
            what = wording.localized("what_temporary_fonts", folder=tempfile.gettempdir())
            raise NoSpaceError.of(error, what) from None

    def _write_options(self, options: PdfOptions) -> dict[str, Any]:
        """WeasyPrint's ``write_pdf`` options for ``options``."""
        written: dict[str, Any] = {"finisher": _finish_pdf}
        if options.identifier is not None:
            written["pdf_identifier"] = options.identifier
        if not options.archival:
            return written
        # A fixed time for the attachments too: WeasyPrint's default is now, or the file's own times.
        stamp = options.date or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)  # WeasyPrint writes it with a Z
        written.update(
            pdf_variant=ARCHIVAL_VARIANT,
            pdf_tags=True,
            finisher=_finish_archival_pdf,
            attachments=[
                weasyprint.Attachment(
                    url=attachment.path.resolve().as_uri(),
                    url_fetcher=self.fetcher,
                    name=attachment.name,
                    description=attachment.description,
                    created=stamp,
                    modified=stamp,
                    relationship=attachment.relationship,
                )
                for attachment in options.attachments
            ],
        )
        return written


_warned_without_harfbuzz_subset = False


def warn_without_harfbuzz_subset() -> None:
    """Say loudly, once per process, that WeasyPrint will subset fonts with fontTools instead of HarfBuzz.

    WeasyPrint's own warning is silenced with its other logging (cli.py), so without this nothing would tell that
    ``libharfbuzz-subset0`` is missing: forms then take about twice as long. They stay reproducible (textlayer pins
    the fonts' ``head.modified``).
    """
    global _warned_without_harfbuzz_subset
    if _warned_without_harfbuzz_subset or textlayer.harfbuzz_subsetting():
        return
    _warned_without_harfbuzz_subset = True
    logger.warning(wording.with_hint("warn_no_harfbuzz_subset"))


def _finish_pdf(document: Any, pdf: Any) -> None:
    """What every PDF needs after WeasyPrint (``weasyprint_adapter.plain_metadata``, issue 27): bookmarks and document
    information without line-break marks, the XMP uncompressed and each schema declared on its description; and each
    form XObject stored once, however many pages draw it (``weasyprint_adapter.shared_forms``: the draft mark)."""
    plain_metadata.plain_outline_and_metadata(pdf)
    shared_forms.share_identical_forms(pdf)


def _finish_archival_pdf(document: Any, pdf: Any) -> None:
    """What WeasyPrint leaves to finish in a release PDF (``weasyprint_adapter.archival``): its associated files,
    its structure tree; and what every PDF needs (``_finish_pdf``)."""
    archival.list_associated_files_once(pdf)
    archival.repair_structure(pdf)
    _finish_pdf(document, pdf)
