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
from typing import Any

import jinja2
from markupsafe import Markup

from reportgen import __version__, digest, linebreak, thai, wording
from reportgen.errors import RenderError
from reportgen.model import BMA_MONITOR_URL, Entry, Indicator, Signoff, SiteSettings
from reportgen.narrative import render_narrative
from reportgen.standing import STATUS_LABELS, IndicatorStatus, Reporting, status_of


def document_title(indicator: Indicator) -> str:
    """The title of a form's PDF and page: its code and name, as the PDF metadata and browser tab show it."""
    return wording.message("site_form_title", "th", code=indicator.code, name=indicator.name)


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
    """One row of the summary table (``_summary_table.html.j2``): an indicator, where it stands, its link, and
    whether it is flagged a draft (not signed off, or its sign-off no longer holds for its text)."""

    indicator: Indicator
    status: IndicatorStatus
    href: str | None = None
    draft: bool = False


def summary_rows(
    entries: Sequence[Entry],
    href: Callable[[Indicator], str] | None = None,
    reporting: Reporting | None = None,
) -> list[SummaryRow]:
    """The summary table's rows, in the given order; ``href(indicator)`` gives each row's link (or None); the
    status as of ``reporting`` (default: now)."""
    return [
        SummaryRow(
            entry.indicator, status_of(entry.indicator, reporting), href(entry.indicator) if href else None,
            draft=not entry.signed,
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class FormSignature:
    """What a form's signature block shows: the sign-off it prints (``signed_off``; None: the form is drawn as a
    draft, with the draft mark and an empty signature block) and, when the file holds a sign-off that does not hold
    for this text, why (``note``: ``"edited_after_signoff"`` or ``"no_digest"``), which the form says in one line
    under the block (``form_signoff_edited``, ``form_signoff_no_digest`` in the catalog)."""

    signed_off: Signoff | None
    note: str | None = None


def form_signature(indicator: Indicator, state: str) -> FormSignature:
    """How ``indicator``'s signature block is drawn, given its ``digest.sign_state``: only a sign-off that holds
    for exactly this text prints the signer's name, position and date; any other is drawn as a draft."""
    if state == "signed" and indicator.signoff is not None:
        return FormSignature(indicator.signoff)
    return FormSignature(None, state if indicator.signoff is not None and state != "draft" else None)


#: The stylesheets of a form's PDF, in templates/css/, in cascade order.
PRINT_STYLESHEETS = ("fonts-print.css", "form.css", "print.css")

#: The template of an indicator's web page (it includes ``form.html.j2``, as the PDF's ``print.html.j2`` does).
PAGE_TEMPLATE = "page.html.j2"


class Templates:
    """The project's Jinja templates and site settings → the HTML of its documents (the form for print and for the
    web page, the site's pages, the book). Make one per build and reuse it: it caches compiled templates."""

    def __init__(
        self,
        templates_dir: Path,
        site: SiteSettings,
        words: frozenset[str] | None = None,
        content_dir: Path | None = None,
    ):
        """``words``: the project's own Thai words for line breaking (default: its content/dictionary.txt, next
        to ``templates_dir``; see linebreak.py). ``content_dir``: the project's content/ folder (default: next to
        ``templates_dir``), where a form given without its sign state has its sign-off checked."""
        self.site = site
        self.content_dir = Path(content_dir) if content_dir is not None else Path(templates_dir).parent / "content"
        if words is None:
            words = linebreak.load_dictionary(self.content_dir)
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
            narrative=lambda text: Markup(render_narrative(text)),
            line_breaks=partial(linebreak.mark_line_breaks, extra_words=words),
            title_breaks=partial(linebreak.mark_titles, extra_words=words),  # the site's own headings (issue 27)
        )
        self.env.globals.update(version=__version__, digits=digits, site=site, bma_monitor_url=BMA_MONITOR_URL)
        # The site's own words from the message catalogue, in the site's language (Thai): ``message("search_button")``.
        self.env.globals.update(message=lambda code, **params: wording.message(code, "th", **params))

    def template(self, name: str) -> jinja2.Template:
        """The compiled template ``name``; a broken one is a ``RenderError`` naming its file and line, which stops
        the whole build (every form, or every page, is made with it)."""
        try:
            return self.env.get_template(name)
        except jinja2.TemplateError as error:
            raise self._broken(name, error) from None

    def check(self) -> None:
        """Compile every template of the project, so that a broken one stops a build before anything is rendered."""
        for name in self.env.list_templates(extensions=("j2",)):
            self.template(name)

    def _render(self, name: str, context: dict[str, Any]) -> str:
        template = self.template(name)
        try:
            return template.render(context)
        except jinja2.TemplateError as error:  # e.g. a variable the template asks for and nobody gives
            raise self._broken(name, error) from None

    def _broken(self, name: str, error: jinja2.TemplateError) -> RenderError:
        where = f"templates/{getattr(error, 'name', None) or name}"
        line = getattr(error, "lineno", None)  # only a TemplateSyntaxError has one
        if line:
            where += f":{line}"
        return RenderError("render_template_broken", where=where, reason=error.message or type(error).__name__)

    def _form_context(self, indicator: Indicator, state: str | None = None) -> dict[str, Any]:
        """What ``form.html.j2`` is given: the indicator, and its signature block (``form_signature``) from its sign
        ``state`` (``Entry.sign_state``), checked here against the project's content when not given."""
        quarter_years = {
            quarter: thai.be_year(thai.quarter_period(indicator.fiscal_year, quarter)[0].year) for quarter in range(1, 5)
        }
        if state is None:
            state = digest.sign_state(indicator, self.content_dir)
        return {
            "indicator": indicator,
            "quarter_years": quarter_years,
            "title": document_title(indicator),
            "signature": form_signature(indicator, state),
        }

    def print_document(
        self, indicator: Indicator, *, css_url: str, link_stylesheets: bool = True, sign_state: str | None = None
    ) -> str:
        """The HTML that WeasyPrint lays out as the PDF form. ``css_url`` points at templates/css/.

        ``link_stylesheets=False`` leaves the ``PRINT_STYLESHEETS`` links out, for a renderer that passes them to
        WeasyPrint already parsed (``form_pdf.FormPrinter``: parsing them for every form costs about 7 %).
        ``sign_state``: the entry's (``Entry.sign_state``); None checks the sign-off here.
        """
        stylesheets = PRINT_STYLESHEETS if link_stylesheets else ()
        return self._render(
            "print.html.j2",
            dict(css_url=css_url, stylesheets=stylesheets, paper=True, **self._form_context(indicator, sign_state)),
        )

    def book_document(
        self,
        entries: Sequence[Entry],
        *,
        css_url: str,
        fiscal_year: int,
        as_of: int | None = None,
        reporting: Reporting | None = None,
    ) -> str:
        """The report book of one fiscal year: cover, contents, summary table, then every form on its own pages.

        ``entries`` are already as they stood at the end of quarter ``as_of`` (None: the whole year). The
        cover and the summary say how far the year had gone by ``reporting`` (default: now): the whole year only
        once it has ended, else the end of the last ended quarter (``as_of`` caps it).
        """
        reporting = Reporting(reporting.today if reporting else Reporting.now().today, as_of)
        period = reporting.period(fiscal_year)
        shown_as_of = None if period.year_ended else period.quarters_ended
        start, _ = thai.quarter_period(fiscal_year, 1)
        _, end = thai.quarter_period(fiscal_year, shown_as_of or 4)
        forms = [
            self._form_context(entry.indicator, entry.sign_state) | {"anchor": f"indicator-{entry.indicator.code}"}
            for entry in entries
        ]
        rows = summary_rows(entries, href=lambda indicator: f"#indicator-{indicator.code}", reporting=reporting)
        shown = [name for name in STATUS_LABELS if name != ("not_met" if shown_as_of is not None else "in_progress")]
        counts = {status: 0 for status in STATUS_LABELS}
        for row in rows:
            counts[row.status.status] += 1
        year = thai.apply_digits(str(fiscal_year), self.site.digits)
        return self._render("book.html.j2", dict(
            css_url=css_url,
            title=wording.message("book_title", "th", site=self.site.site_title, year=year),
            fiscal_year=fiscal_year,
            as_of=shown_as_of,
            period_start=start,
            period_end=end,
            forms=forms,
            summary_rows=rows,
            status_labels={name: STATUS_LABELS[name] for name in shown},
            status_counts=counts,
            drafts=sum(1 for form in forms if form["signature"].signed_off is None),
            paper=True,
        ))

    def indicator_page(self, entry: Entry, links: PageLinks, **site_context: Any) -> str:
        """The web page of one indicator: the same form, in the site's layout, with a link to its PDF.

        ``site_context`` is what ``views.py`` adds around the form (year links, status, timeline); without it the
        page is the form, its PDF link and the site's header.
        """
        return self.render_page(PAGE_TEMPLATE, self.indicator_page_context(entry, links, **site_context))

    def render_page(self, template_name: str, context: dict[str, Any]) -> str:
        """A template rendered with exactly ``context`` (and the environment's globals: the site, the version)."""
        return self._render(template_name, context)

    def indicator_page_context(self, entry: Entry, links: PageLinks, **site_context: Any) -> dict[str, Any]:
        """Everything ``page.html.j2`` is given for one indicator (see ``indicator_page``)."""
        return dict(
            css_url=links.css_url,
            home_url=links.home_url,
            pdf_url=links.pdf_url,
            canonical_url=links.canonical_url,
            root=links.root_url,
            pdf_download_name=pdf_download_name(entry.indicator),
            **self._form_context(entry.indicator, entry.sign_state),
            **site_context,
        )

    def site_page(self, template_name: str, **context: Any) -> str:
        """Any other page of the web site (a fiscal year, the open data, 404); ``views.py`` gives the context."""
        return self._render(template_name, context)
