"""Models → HTML strings: the Jinja environment, the Markdown and Thai filters, and one function per document.

The form itself is one template, ``templates/form.html.j2``, included by both ``print.html.j2`` (the document
WeasyPrint turns into the PDF) and ``page.html.j2`` (the web page), so the PDF and the page can never drift apart.
Nothing here touches the disk except to read templates; what to write, and where, is ``site.py``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2
from markupsafe import Markup

from reportgen import __version__, thai
from reportgen.markdown import render_markdown
from reportgen.model import Entry, Indicator, SiteSettings


def document_title(indicator: Indicator) -> str:
    """The title of a form's PDF and page: its code and name, as the PDF metadata and browser tab show it."""
    return f"ตัวชี้วัด {indicator.code} {indicator.name}"


def pdf_download_name(indicator: Indicator) -> str:
    """The file name a reader's browser saves the PDF under (the URL itself stays short)."""
    return f"KPI-{indicator.fiscal_year}-{indicator.code}.pdf"


@dataclass(frozen=True)
class PageLinks:
    """Relative URLs from one web page to the rest of the site, so it works when served from any sub-path."""

    css_url: str
    home_url: str
    pdf_url: str
    canonical_url: str


class Renderer:
    """Renders the documents of one project. Build one per build and reuse it: it caches compiled templates."""

    def __init__(self, templates_dir: Path, site: SiteSettings):
        self.site = site
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir),
            autoescape=True,  # content is data, never markup; Markdown output is the one deliberate exception
            undefined=jinja2.StrictUndefined,  # a typo in a template fails the build instead of printing nothing
            keep_trailing_newline=True,
        )
        digits = site.digits
        self.env.filters.update(
            digits=partial(thai.FILTERS["thai_digits"], digits=digits),
            number=partial(thai.format_number, digits=digits),
            thai_date=partial(thai.thai_date, digits=digits),
            quarter_months=thai.quarter_months,
            markdown=lambda text: Markup(render_markdown(text)),
        )
        self.env.globals.update(version=__version__, digits=digits, site=site)

    def _form_context(self, indicator: Indicator) -> dict:
        quarter_years = {
            quarter: thai.be_year(thai.quarter_period(indicator.fiscal_year, quarter)[0].year) for quarter in range(1, 5)
        }
        return {"indicator": indicator, "quarter_years": quarter_years, "title": document_title(indicator)}

    def print_document(self, indicator: Indicator, *, css_url: str) -> str:
        """The HTML that WeasyPrint lays out as the PDF form. ``css_url`` points at templates/css/."""
        template = self.env.get_template("print.html.j2")
        return template.render(css_url=css_url, **self._form_context(indicator))

    def indicator_page(self, entry: Entry, links: PageLinks) -> str:
        """The web page of one indicator: the same form, in the site's layout, with a link to its PDF."""
        template = self.env.get_template("page.html.j2")
        return template.render(
            css_url=links.css_url,
            home_url=links.home_url,
            pdf_url=links.pdf_url,
            canonical_url=links.canonical_url,
            pdf_download_name=pdf_download_name(entry.indicator),
            **self._form_context(entry.indicator),
        )

    def home_page(self, entries: tuple[Entry, ...], *, css_url: str) -> str:
        """The site's home page: every indicator by fiscal year, newest year first."""
        years: dict[int, list[Entry]] = {}
        for entry in entries:
            years.setdefault(entry.indicator.fiscal_year, []).append(entry)
        template = self.env.get_template("index.html.j2")
        return template.render(
            css_url=css_url,
            years=sorted(years.items(), reverse=True),
            pdf_names={entry.slug: pdf_download_name(entry.indicator) for entry in entries},
        )
