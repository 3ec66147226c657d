"""A validated project → the files of ``output/``: each form as PDF and as a web page, the home page and assets.

Layout of ``output/`` (the URLs are part of what readers bookmark, keep them stable):

    pdf/<year>/<code>.pdf           the print-ready forms, for filing
    html/index.html                 the site's home page
    html/<year>/<code>.html         one page per form
    html/<year>/<code>.pdf          the same PDF, so that html/ alone is the publishable site
    html/assets/css/*.css           stylesheets (fonts-web, form, screen)
    html/assets/fonts/*.woff2       self-hosted fonts and their licence

Every link inside ``html/`` is relative, so the site works from any sub-path; ``base_url`` is used only for
canonical links. This module decides *what* the files are; ``writer.py`` alone puts them on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from reportgen.model import Entry, Project
from reportgen.render import PageLinks, Renderer

logger = logging.getLogger(__name__)

WEB_STYLESHEETS = ("fonts-web.css", "form.css", "screen.css")


@dataclass(frozen=True)
class OutputFile:
    """One file to write: its path inside ``output/`` and either its bytes or a project file to copy."""

    path: str
    data: bytes | None = None
    copy_of: Path | None = None


def pdf_path(entry: Entry) -> str:
    return f"pdf/{entry.slug}.pdf"


def page_path(entry: Entry) -> str:
    return f"html/{entry.slug}.html"


def page_links(entry: Entry, base_url: str) -> PageLinks:
    # Pages live one folder down (html/<year>/), so the site root is "../".
    return PageLinks(
        css_url="../assets/css/",
        home_url="../index.html",
        pdf_url=f"{entry.indicator.code}.pdf",
        canonical_url=f"{base_url.rstrip('/')}/{entry.slug}.html",
    )


def asset_files(project_root: Path) -> Iterator[OutputFile]:
    """Stylesheets and web fonts, copied from templates/ and fonts/."""
    for name in WEB_STYLESHEETS:
        yield OutputFile(f"html/assets/css/{name}", copy_of=project_root / "templates" / "css" / name)
    fonts = project_root / "fonts"
    for font in sorted(fonts.glob("*.woff2")):
        yield OutputFile(f"html/assets/fonts/{font.name}", copy_of=font)
    yield OutputFile("html/assets/fonts/OFL.txt", copy_of=fonts / "OFL.txt")


def form_files(entry: Entry, project: Project, renderer: Renderer, pdf_bytes: bytes) -> Iterator[OutputFile]:
    """The PDF of one form (for filing and for the site) and its web page."""
    yield OutputFile(pdf_path(entry), data=pdf_bytes)
    yield OutputFile(f"html/{entry.slug}.pdf", data=pdf_bytes)
    page = renderer.indicator_page(entry, page_links(entry, project.site.base_url))
    yield OutputFile(page_path(entry), data=page.encode("utf-8"))


def site_files(project: Project, selected: Iterable[Entry], pdfs: Mapping[str, bytes]) -> Iterator[OutputFile]:
    """Every file of a build: the selected forms (their PDFs already rendered, by slug), then the home page (always
    of the whole project) and assets."""
    renderer = Renderer(project.root / "templates", project.site)
    for entry in selected:
        yield from form_files(entry, project, renderer, pdfs[entry.slug])
    home = renderer.home_page(project.entries, css_url="assets/css/")
    yield OutputFile("html/index.html", data=home.encode("utf-8"))
    yield from asset_files(project.root)
