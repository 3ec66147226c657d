"""Models → HTML strings: the Jinja environment, the Markdown and Thai filters, and one function per document.

The form itself is one template, ``templates/form.html.j2``, included by both ``print.html.j2`` (the document
WeasyPrint turns into the PDF) and ``page.html.j2`` (the web page), so the PDF and the page can never drift apart.
Nothing here touches the disk except to read templates; what to write, and where, is ``site_files.py``'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2
from markupsafe import Markup

from reportgen import __version__, linebreak, thai, wording
from reportgen.markdown import render_markdown
from reportgen.model import Entry, Indicator, SiteSettings
from reportgen.status import STATUS_LABELS, IndicatorStatus, Reporting, status_of


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
    root_url: str = "../"  # the site's root folder, from the page


@dataclass(frozen=True)
class SummaryRow:
    """One row of the summary table (``_summary_table.html.j2``): an indicator, where it stands, and its link."""

    indicator: Indicator
    status: IndicatorStatus
    href: str | None = None


def summary_rows(
    indicators: Sequence[Indicator],
    href: Callable[[Indicator], str] | None = None,
    reporting: Reporting | None = None,
) -> list[SummaryRow]:
    """The summary table's rows, in the given order; ``href(indicator)`` gives each row's link (or None); the
    status as of ``reporting`` (default: now)."""
    return [SummaryRow(ind, status_of(ind, reporting), href(ind) if href else None) for ind in indicators]


#: The stylesheets of a form's PDF, in templates/css/, in cascade order.
PRINT_STYLESHEETS = ("fonts-print.css", "form.css", "print.css")

#: The template of an indicator's web page (it includes ``form.html.j2``, as the PDF's ``print.html.j2`` does).
PAGE_TEMPLATE = "page.html.j2"


class Templates:
    """The project's Jinja templates and site settings → the HTML of its documents (the form for print and for the
    web page, the site's pages, the book). Make one per build and reuse it: it caches compiled templates."""

    def __init__(self, templates_dir: Path, site: SiteSettings, words: frozenset[str] | None = None):
        """``words``: the project's own Thai words for line breaking (default: its content/dictionary.txt, next
        to ``templates_dir``; see linebreak.py)."""
        self.site = site
        if words is None:
            words = linebreak.load_dictionary(Path(templates_dir).parent / "content")
        self.words = words
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
            figure=partial(thai.reader_figure, digits=digits),  # the site's and summaries' figures, not the form's
            thai_date=partial(thai.thai_date, digits=digits),
            quarter_months=thai.quarter_months,
            markdown=lambda text: Markup(render_markdown(text)),
            line_breaks=partial(linebreak.mark_line_breaks, extra_words=words),
        )
        self.env.globals.update(version=__version__, digits=digits, site=site)
        # The site's own words from the message catalogue, in the site's language (Thai): ``message("search_button")``.
        self.env.globals.update(message=lambda code, **params: wording.message(code, "th", **params))

    def _form_context(self, indicator: Indicator) -> dict:
        quarter_years = {
            quarter: thai.be_year(thai.quarter_period(indicator.fiscal_year, quarter)[0].year) for quarter in range(1, 5)
        }
        return {"indicator": indicator, "quarter_years": quarter_years, "title": document_title(indicator)}

    def print_document(self, indicator: Indicator, *, css_url: str, link_stylesheets: bool = True) -> str:
        """The HTML that WeasyPrint lays out as the PDF form. ``css_url`` points at templates/css/.

        ``link_stylesheets=False`` leaves the ``PRINT_STYLESHEETS`` links out, for a renderer that passes them to
        WeasyPrint already parsed (``engine.FormPrinter``: parsing them for every form costs about 7 %).
        """
        template = self.env.get_template("print.html.j2")
        stylesheets = PRINT_STYLESHEETS if link_stylesheets else ()
        return template.render(
            css_url=css_url, stylesheets=stylesheets, paper=True, **self._form_context(indicator)
        )

    def book_document(
        self,
        indicators: Sequence[Indicator],
        *,
        css_url: str,
        fiscal_year: int,
        as_of: int | None = None,
        reporting: Reporting | None = None,
    ) -> str:
        """The report book of one fiscal year: cover, contents, summary table, then every form on its own pages.

        ``indicators`` are already as they stood at the end of quarter ``as_of`` (None: the whole year). The
        cover and the summary say how far the year had gone by ``reporting`` (default: now): the whole year only
        once it has ended, else the end of the last ended quarter (``as_of`` caps it).
        """
        reporting = Reporting(reporting.today if reporting else Reporting.now().today, as_of)
        period = reporting.period(fiscal_year)
        shown_as_of = None if period.year_ended else period.quarters_ended
        start, _ = thai.quarter_period(fiscal_year, 1)
        _, end = thai.quarter_period(fiscal_year, shown_as_of or 4)
        forms = [
            self._form_context(indicator) | {"anchor": f"indicator-{indicator.code}"} for indicator in indicators
        ]
        rows = summary_rows(indicators, href=lambda indicator: f"#indicator-{indicator.code}", reporting=reporting)
        shown = [name for name in STATUS_LABELS if name != ("not_met" if shown_as_of is not None else "in_progress")]
        counts = {status: 0 for status in STATUS_LABELS}
        for row in rows:
            counts[row.status.status] += 1
        year = thai.apply_digits(str(fiscal_year), self.site.digits)
        template = self.env.get_template("book.html.j2")
        return template.render(
            css_url=css_url,
            title=f"{self.site.site_title} ประจำปีงบประมาณ พ.ศ. {year}",
            fiscal_year=fiscal_year,
            as_of=shown_as_of,
            period_start=start,
            period_end=end,
            forms=forms,
            summary_rows=rows,
            status_labels={name: STATUS_LABELS[name] for name in shown},
            status_counts=counts,
            drafts=sum(1 for indicator in indicators if indicator.is_draft),
            paper=True,
        )

    def indicator_page(self, entry: Entry, links: PageLinks, **site_context) -> str:
        """The web page of one indicator: the same form, in the site's layout, with a link to its PDF.

        ``site_context`` is what ``views.py`` adds around the form (year links, status, timeline); without it the
        page is the form, its PDF link and the site's header.
        """
        return self.render_page(PAGE_TEMPLATE, self.indicator_page_context(entry, links, **site_context))

    def render_page(self, template_name: str, context: dict) -> str:
        """A template rendered with exactly ``context`` (and the environment's globals: the site, the version)."""
        return self.env.get_template(template_name).render(context)

    def indicator_page_context(self, entry: Entry, links: PageLinks, **site_context) -> dict:
        """Everything ``page.html.j2`` is given for one indicator (see ``indicator_page``)."""
        return dict(
            css_url=links.css_url,
            home_url=links.home_url,
            pdf_url=links.pdf_url,
            canonical_url=links.canonical_url,
            root=links.root_url,
            pdf_download_name=pdf_download_name(entry.indicator),
            **self._form_context(entry.indicator),
            **site_context,
        )

    def site_page(self, template_name: str, **context) -> str:
        """Any other page of the web site (a fiscal year, the open data, 404); ``views.py`` gives the context."""
        return self.env.get_template(template_name).render(**context)
