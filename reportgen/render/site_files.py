"""A validated project → the files of ``output/``: the forms as PDF, and the published web site around them.

Layout of ``output/`` (the URLs are part of what readers bookmark, keep them stable):

    pdf/<year>/<code>.pdf           the print-ready forms, for filing
    html/index.html                 the home page: the newest fiscal year
    html/<year>/index.html          each fiscal year: summary, chart, sortable table of its indicators
    html/<year>/<code>.html         one page per form: where it stands, its quarters, the form itself
    html/<year>/<code>.pdf          the same PDF, so that html/ alone is the publishable site
    html/data/index.html            the open data, its licence, publisher, files and columns
    html/data/…                     its tables as CSV and JSON (opendata.py) and their metadata (datacatalog.py)
    html/sitemap.xml, robots.txt    absolute URLs, from ``site.base_url``
    html/404.html                   for the web server's "not found" answer
    html/search.html                the search page, and html/pagefind/ its index (publish/search.py, written last)
    html/assets/css|js|fonts/       stylesheets, the table-sorting script, self-hosted fonts and their licence

Every link inside ``html/`` is relative, so the site works from any sub-path (``…/kpi/``) and from the disk;
``base_url`` is used only where a URL must be absolute: the sitemap, canonical links, Open Graph tags, the data's
URLs and the 404 page (which a server shows at any address, so its links are resolved against ``base_url``).
What the pages show is ``views.py``; this module decides *what* the files are and under which cache key a form's
page is kept (``page_key``); ``publish/writer.py`` alone puts them on disk.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from reportgen import layout
from reportgen.layout import HTML_DIR, PDF_DIR
from reportgen.model import Entry, Project, remembered_reprs
from reportgen.render import datacatalog
from reportgen.render.html import PAGE_TEMPLATE, Templates
from reportgen.render.views import SitePages
from reportgen.standing import Reporting

logger = logging.getLogger(__name__)

#: ``model.remembered_reprs``'s memo: each content model's ``repr`` by its identity (kept with the model).
ReprMemo = dict[int, tuple[object, str]]

WEB_STYLESHEETS = ("fonts-web.css", "form.css", "screen.css")
WEB_SCRIPTS = ("sort-table.js", "search.js")
#: What the key of the files drawn from the whole project is made for (``page_key``'s template name).
WHOLE_SITE = "whole-site"


@dataclass(frozen=True)
class OutputFile:
    """One file to write: its path inside ``output/`` and either its bytes, a project file to copy, or (a form's
    web page, when ``site_files`` is given a fingerprint) the key its rendering is cached under and how to render
    it: ``contents()`` renders only if nothing is cached under ``key``."""

    path: str
    data: bytes | None = None
    copy_of: Path | None = None
    key: str | None = None
    render: Callable[[], bytes] | None = field(default=None, compare=False)

    def contents(self) -> bytes:
        if self.data is not None:
            return self.data
        if self.render is None:
            raise ValueError(f"{self.path} is a copy of {self.copy_of}, not bytes")
        return self.render()


@dataclass(frozen=True)
class OutputBundle:
    """Files made together from the whole project (year pages, open data, sitemap…: ``whole_site_files``), cached
    as one under ``key`` (``page_key`` of everything they are drawn from): ``render()`` makes them when the cache
    does not hold them, so a build in which nothing changed makes none of them."""

    key: str
    render: Callable[[], list[OutputFile]] = field(compare=False)


def page_key(
    fingerprint: str, template_name: str, context: Mapping[str, object], memo: ReprMemo | None = None
) -> str | None:
    """The cache key of a page (hex SHA-256): the build fingerprint (reportgen's code, templates, site settings,
    options, library versions), the template, and ``repr`` of every value the template is given. Those are all
    a page depends on: Jinja rendering is a function of them, and the context holds dataclasses and pydantic
    models, whose ``repr`` shows every field (so no field may be declared ``repr=False``). None when a value has
    no stable ``repr`` (an object shown by its address would give a new key in every process: never a wrong page,
    but never a cached one). ``memo``: one per build, for all its pages' keys (``model.remembered_reprs``)."""
    with remembered_reprs({} if memo is None else memo):
        text = repr(sorted(context.items()))
    if " object at 0x" in text:
        logger.debug("%s: a value without a stable repr in the page's context; not cached", template_name)
        return None
    digest = hashlib.sha256(f"{fingerprint}\0{template_name}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def pdf_path(entry: Entry) -> str:
    return f"{PDF_DIR}/{entry.slug}.pdf"


def page_path(entry: Entry) -> str:
    return f"{HTML_DIR}/{entry.slug}.html"



def asset_files(project_root: Path) -> Iterator[OutputFile]:
    """Stylesheets, scripts and web fonts, copied from templates/ and fonts/."""
    for name in WEB_STYLESHEETS:
        yield OutputFile(f"{HTML_DIR}/assets/css/{name}", copy_of=layout.templates_dir(project_root) / "css" / name)
    for name in WEB_SCRIPTS:
        yield OutputFile(f"{HTML_DIR}/assets/js/{name}", copy_of=layout.templates_dir(project_root) / "js" / name)
    fonts = layout.fonts_dir(project_root)
    for font in sorted(fonts.glob("*.woff2")):
        yield OutputFile(f"{HTML_DIR}/assets/fonts/{font.name}", copy_of=font)
    yield OutputFile(f"{HTML_DIR}/assets/fonts/OFL.txt", copy_of=fonts / "OFL.txt")


def pdf_files(entry: Entry, pdf_bytes: bytes) -> Iterator[OutputFile]:
    """The PDF of one form, for filing and for the site."""
    yield OutputFile(pdf_path(entry), data=pdf_bytes)
    yield OutputFile(f"{HTML_DIR}/{entry.slug}.pdf", data=pdf_bytes)


def form_files(
    entry: Entry,
    pages: SitePages,
    pdf_bytes: bytes | None,
    page_fingerprint: str | None = None,
    memo: ReprMemo | None = None,
) -> Iterator[OutputFile]:
    """The PDF of one form (``pdf_files``; not when ``pdf_bytes`` is None) and its web page: rendered now, or, given
    the build's fingerprint, keyed (``page_key``) and rendered only when asked for."""
    if pdf_bytes is not None:
        yield from pdf_files(entry, pdf_bytes)
    context = pages.indicator_page_context(entry)
    render = partial(_render_page, pages.renderer, PAGE_TEMPLATE, context)
    key = page_key(page_fingerprint, PAGE_TEMPLATE, context, memo) if page_fingerprint is not None else None
    if key is None:
        yield OutputFile(page_path(entry), data=render())
    else:
        yield OutputFile(page_path(entry), key=key, render=render)


def _render_page(renderer: Templates, template_name: str, context: dict[str, Any]) -> bytes:
    return renderer.render_page(template_name, context).encode("utf-8")


def whole_site_files(pages: SitePages) -> Iterator[OutputFile]:
    """The files drawn from every indicator of every year: year pages, open data, sitemap, robots.txt, 404."""
    if not pages.years:
        yield OutputFile(f"{HTML_DIR}/index.html", data=pages.empty_home_page().encode("utf-8"))
    for index, year in enumerate(pages.years):
        if index == 0:  # the home page is the newest year, and that year's own page says the same
            home = pages.year_page(year, root="", canonical_path="")
            yield OutputFile(f"{HTML_DIR}/index.html", data=home.encode("utf-8"))
        canonical = "" if index == 0 else f"{year.year}/index.html"
        page = pages.year_page(year, root="../", canonical_path=canonical)
        yield OutputFile(f"{HTML_DIR}/{year.year}/index.html", data=page.encode("utf-8"))
    yield OutputFile(f"{HTML_DIR}/data/index.html", data=pages.data_page().encode("utf-8"))
    for name, data in datacatalog.data_files(pages.project.site, pages.project.entries, reporting=pages.reporting).items():
        yield OutputFile(f"{HTML_DIR}/data/{name}", data=data)
    yield OutputFile(f"{HTML_DIR}/sitemap.xml", data=pages.sitemap())
    yield OutputFile(f"{HTML_DIR}/robots.txt", data=pages.robots())
    yield OutputFile(f"{HTML_DIR}/404.html", data=pages.not_found_page().encode("utf-8"))
    yield OutputFile(f"{HTML_DIR}/search.html", data=pages.search_page().encode("utf-8"))


def site_files(
    project: Project,
    selected: Iterable[Entry],
    pdfs: Mapping[str, bytes] | None,
    page_fingerprint: str | None = None,
    *,
    withheld: Iterable[Entry] = (),
    reporting: Reporting | None = None,
    renderer: Templates | None = None,
) -> Iterator[OutputFile | OutputBundle]:
    """Every file of a build: the selected forms (their PDFs already rendered, by slug; None: pages only, the PDFs
    come from ``pdf_files`` once rendered), then the pages and data
    drawn from the whole project (always all of it, even when only some forms are rebuilt), then the assets.
    ``page_fingerprint`` (the build's, ``cache.build_fingerprint``) makes the forms' pages cacheable. A release
    build gives a project of its released forms only, and the forms it left out as ``withheld`` (named, unlinked,
    on their year's page). ``reporting``: the date the figures are as of. ``renderer``: the build's templates, if
    it has them compiled already. With ``page_fingerprint``, the files drawn from the whole project come as one
    ``OutputBundle``, keyed by everything they show."""
    renderer = renderer or Templates(layout.templates_dir(project.root), project.site)
    withheld = tuple(withheld)
    pages = SitePages(project, renderer, withheld=withheld, reporting=reporting)
    memo: ReprMemo = {}
    for entry in selected:
        yield from form_files(entry, pages, None if pdfs is None else pdfs[entry.slug], page_fingerprint, memo)
    whole_key = None
    if page_fingerprint is not None:
        drawn_from = {"entries": project.entries, "withheld": withheld, "reporting": pages.reporting}
        whole_key = page_key(page_fingerprint, WHOLE_SITE, drawn_from, memo)
    if whole_key is None:
        yield from whole_site_files(pages)
    else:
        yield OutputBundle(whole_key, lambda: list(whole_site_files(pages)))
    yield from asset_files(project.root)
