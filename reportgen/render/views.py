"""A validated project → what its web pages show: one view of each indicator and of each year, the chart, the
figures formatted once for the pages (``site.digits``), and ``SitePages``, which renders the pages from them.

Every figure comes from ``standing.status_of``. Which files a build writes, and where, is ``site_files.py``; how a
page's URLs are made is ``page_links`` here (every link inside ``html/`` is relative, so the site works from any
sub-path and from the disk; ``base_url`` only where a URL must be absolute).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from reportgen import thai, wording
from reportgen.model import Entry, Project
from reportgen.render import datacatalog, opendata
from reportgen.render.html import PageLinks, Templates, document_title, pdf_download_name
from reportgen.standing import STATUS_LABELS, IndicatorStatus, Period, Reporting, status_of

logger = logging.getLogger(__name__)

#: The chart's bars are drawn up to this percentage of the target; a longer bar is cut there and labelled.
CHART_MAX_PERCENT = Decimal(200)


def page_links(entry: Entry, base_url: str) -> PageLinks:
    # Pages live one folder down (html/<year>/), so the site root is "../".
    return PageLinks(
        css_url="../assets/css/",
        home_url="../index.html",
        pdf_url=f"{entry.indicator.code}.pdf",
        canonical_url=opendata.site_url(base_url, f"{entry.slug}.html"),
        root_url="../",
    )


# --- What the pages show ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterView:
    """One quarter on an indicator's timeline."""

    number: int
    label: str  # "ไตรมาสที่ 1"
    months: str  # "ต.ค.–ธ.ค. 2563"
    reported: bool
    result_text: str | None  # the cumulative result reported at the quarter's end, if any


@dataclass(frozen=True)
class IndicatorView:
    """One indicator of one year as the site shows it: its figures formatted once, and sort keys for the table."""

    entry: Entry
    status: IndicatorStatus
    code: str
    name: str
    page_href: str  # from the site root
    pdf_href: str  # from the site root
    pdf_name: str
    target_text: str
    result_text: str | None
    percent_text: str | None
    last_quarter: tuple[str, str] | None  # the latest quarter reported: its number and its months
    quarters: tuple[QuarterView, ...]
    draft: bool = False  # not signed off, or its sign-off does not hold for this text (only a draft build has them)
    missing_text: str | None = None  # "ไตรมาสที่ 2": the ended quarters it has not reported
    plan_text: str | None = None  # "เป็นไปตามแผน (แผน 2 ห้อง)" while the year runs, when a plan is written
    officer: object | None = None  # model.Officer, only when site.show_officers

    @property
    def sort_values(self) -> dict[str, str]:
        """Machine-readable values for the sorting script (Arabic digits, no grouping; empty when absent)."""
        status = self.status
        return {
            "target": opendata.plain_number(status.target),
            "result": opendata.plain_number(status.result) if status.result is not None else "",
            "percent": opendata.plain_number(status.percent) if status.percent is not None else "",
            "status": str(list(STATUS_LABELS).index(status.status)),
            "last_quarter": str(status.last_quarter or ""),
        }


@dataclass(frozen=True)
class ChartBar:
    """One bar of a year's chart, in the SVG's user units."""

    view: IndicatorView
    y: int
    width: float
    cut: bool  # the bar was longer than the chart and is cut at its end


@dataclass(frozen=True)
class Chart:
    """A year's chart in the SVG's user units: bars start at x = 0 and are ``bar_width`` long at CHART_MAX_PERCENT."""

    width: int
    height: int
    bar_width: int
    target_x: float  # where 100 % of the target is drawn
    max_percent_text: str
    bars: tuple[ChartBar, ...]


@dataclass(frozen=True)
class YearView:
    """One fiscal year of the site: its indicators in code order and what they add up to."""

    year: int
    indicators: tuple[IndicatorView, ...]
    period: str  # "1 ตุลาคม 2563 – 30 กันยายน 2564"
    period_days: tuple[str, str] = ("", "")  # its first and last day, each kept on one line on the page
    as_of: Period | None = None  # the reporting point the figures are as of
    as_of_text: str = ""  # "ข้อมูล ณ 31 มีนาคม 2569 (สิ้นไตรมาสที่ 2)"
    withheld: tuple[Entry, ...] = ()  # forms of this year a release build left out (not signed off)

    @property
    def total(self) -> int:
        return len(self.indicators)

    def count(self, status: str) -> int:
        return sum(1 for view in self.indicators if view.status.status == status)

    @property
    def reported(self) -> int:
        """Forms that have reported the last quarter that has ended (all of them before quarter 1 ends)."""
        return sum(1 for view in self.indicators if view.status.reported_period)

    @property
    def drafts(self) -> int:
        return sum(1 for view in self.indicators if view.draft)


@dataclass(frozen=True)
class YearLink:
    year: int
    label: str  # "พ.ศ. 2564", in the site's digits
    href: str  # from the site root


class SiteFormatter:
    """Numbers, percentages and quarters as the pages print them, in the site's digits."""

    def __init__(self, digits: str):
        self.digits = digits

    def number(self, value: Decimal, places: int | None = None) -> str:
        return thai.format_number(value, places=places, digits=self.digits)

    def text(self, value: str | int) -> str:
        return thai.apply_digits(str(value), self.digits)

    def figure(self, value: Decimal, unit: str | None) -> str:
        """A figure and its unit as Thai readers write them (``thai.reader_figure``): ``"2 ห้อง"``, ``"ร้อยละ 85"``."""
        return thai.reader_figure(value, unit, digits=self.digits)

    def percent(self, value: Decimal) -> str:
        """``1200`` → ``"ร้อยละ 1,200"``, ``Decimal("66.666")`` → ``"ร้อยละ 66.67"``: rounded as the form rounds."""
        return self.figure(value, thai.PERCENT)

    def quarter_months(self, year: int, quarter: int) -> str:
        first_day, _ = thai.quarter_period(year, quarter)
        return self.text(f"{thai.quarter_months(quarter)} {thai.be_year(first_day.year)}")


def _figure_or_none(fmt: SiteFormatter, value: Decimal | None, unit: str) -> str | None:
    return fmt.figure(value, unit) if value is not None else None


def indicator_view(
    entry: Entry, fmt: SiteFormatter, reporting: Reporting | None = None, *, show_officer: bool = False
) -> IndicatorView:
    indicator = entry.indicator
    status = status_of(indicator, reporting)
    unit = indicator.target.unit
    reports = dict(indicator.quarters.reported())
    quarters = tuple(
        QuarterView(
            number=number,
            label=wording.message("site_quarter", "th", number=fmt.text(number)),
            months=fmt.quarter_months(indicator.fiscal_year, number),
            reported=number in reports,
            result_text=_figure_or_none(fmt, reports[number].result if number in reports else None, unit),
        )
        for number in thai.QUARTERS
    )
    last = status.last_quarter
    return IndicatorView(
        entry=entry,
        status=status,
        code=fmt.text(indicator.code),
        name=indicator.name,
        page_href=f"{entry.slug}.html",
        pdf_href=f"{entry.slug}.pdf",
        pdf_name=pdf_download_name(indicator),
        target_text=fmt.figure(status.target, unit),
        result_text=fmt.figure(status.result, unit) if status.result is not None else None,
        percent_text=fmt.percent(status.percent) if status.percent is not None else None,
        last_quarter=(fmt.text(last), fmt.quarter_months(indicator.fiscal_year, last)) if last else None,
        quarters=quarters,
        draft=not entry.signed,
        missing_text=(
            wording.message("site_quarters_not_reported", "th", quarters=", ".join(
                wording.message("site_quarter", "th", number=fmt.text(q)) for q in status.missing_quarters))
            if status.missing_quarters else None
        ),
        plan_text=(
            wording.message("site_plan", "th", status=status.plan_label, plan=fmt.figure(status.plan_value, unit))
            if status.plan_status and status.plan_value is not None else None
        ),
        officer=indicator.officer if show_officer else None,
    )


def year_views(
    entries: Iterable[Entry],
    fmt: SiteFormatter,
    reporting: Reporting | None = None,
    withheld: Iterable[Entry] = (),
    *,
    show_officers: bool = False,
) -> tuple[YearView, ...]:
    """Every fiscal year of the project, newest first, its indicators in code order; ``withheld``: the forms a
    release left out, named on their year's page (without a link: they have no page)."""
    reporting = reporting or Reporting.now()
    by_year: dict[int, list[Entry]] = {}
    for entry in entries:
        by_year.setdefault(entry.indicator.fiscal_year, []).append(entry)
    left_out: dict[int, list[Entry]] = {}
    for entry in withheld:
        left_out.setdefault(entry.indicator.fiscal_year, []).append(entry)
    views = []
    for year in sorted(by_year, reverse=True):
        start, _ = thai.quarter_period(year, 1)
        _, end = thai.quarter_period(year, 4)
        period_days = (thai.thai_date(start, digits=fmt.digits), thai.thai_date(end, digits=fmt.digits))
        period = " – ".join(period_days)
        ordered = sorted(by_year[year], key=lambda entry: entry.indicator.code)
        as_of = reporting.period(year)
        views.append(YearView(
            year,
            tuple(indicator_view(entry, fmt, reporting, show_officer=show_officers) for entry in ordered),
            period,
            period_days=period_days,
            as_of=as_of,
            as_of_text=as_of.label(fmt.digits),
            withheld=tuple(sorted(left_out.get(year, ()), key=lambda entry: entry.indicator.code)),
        ))
    return tuple(views)


def year_chart(year: YearView, fmt: SiteFormatter) -> Chart:
    """A bar per indicator, its length the percentage of the target, 100 % marked, cut at ``CHART_MAX_PERCENT``."""
    # 420 units wide: on a 360 px phone the text is drawn at about 13 px, on a desktop (30rem) at about 18 px.
    width, row_height, top = 420, 52, 30
    bars = []
    for index, view in enumerate(year.indicators):
        percent = view.status.percent
        drawn = min(percent, CHART_MAX_PERCENT) if percent is not None else Decimal(0)
        bars.append(ChartBar(
            view=view,
            y=top + index * row_height,
            width=round(float(drawn / CHART_MAX_PERCENT) * width, 1),
            cut=percent is not None and percent > CHART_MAX_PERCENT,
        ))
    return Chart(
        width=width,
        height=top + len(bars) * row_height + 8,
        bar_width=width,
        target_x=width * float(100 / CHART_MAX_PERCENT),
        max_percent_text=fmt.percent(CHART_MAX_PERCENT),
        bars=tuple(bars),
    )


# --- The files -------------------------------------------------------------------------------------------------


class SitePages:
    """The pages of the whole project (every year, whatever a build renders), and what every page shares."""

    def __init__(
        self, project: Project, renderer: Templates, *, withheld: Iterable[Entry] = (),
        reporting: Reporting | None = None,
    ):
        self.project = project
        self.renderer = renderer
        self.reporting = reporting or Reporting.now()
        self.base_url = project.site.base_url.rstrip("/") + "/"
        self.fmt = SiteFormatter(project.site.digits)
        self.years = year_views(
            project.entries, self.fmt, self.reporting, withheld, show_officers=project.site.show_officers
        )
        self.year_links = tuple(
            YearLink(year.year, wording.message("site_year_link", "th", year=self.fmt.text(year.year)),
                     f"{year.year}/index.html")
            for year in self.years
        )
        self.views = {view.entry.slug: view for year in self.years for view in year.indicators}
        self.years_of_code: dict[str, set[int]] = {}
        for view in self.views.values():
            self.years_of_code.setdefault(view.entry.indicator.code, set()).add(view.entry.indicator.fiscal_year)

    def absolute(self, path: str) -> str:
        return self.base_url + path

    def _common(self, *, root: str, path: str, current_year: int | None) -> dict[str, Any]:
        return {
            "root": root,
            "css_url": f"{root}assets/css/",
            "canonical_url": self.absolute(path),
            "year_links": self.year_links,
            "current_year": current_year,
        }

    def year_page(self, year: YearView, *, root: str, canonical_path: str) -> str:
        year_text = self.fmt.text(year.year)
        return self.renderer.site_page(
            "index.html.j2",
            **self._common(root=root, path=canonical_path, current_year=year.year),
            year_current="page",
            page_title=wording.message("site_year_page_title", "th", year=year_text, site=self.project.site.site_title),
            description=wording.message(
                "site_year_page_description", "th", year=year_text, met=self.fmt.text(year.count("met")),
                total=self.fmt.text(year.total),
            ),
            og_type="website",
            year=year,
            year_text=year_text,
            chart=year_chart(year, self.fmt),
            status_labels=STATUS_LABELS,
            fmt=self.fmt,
        )

    def indicator_page_context(self, entry: Entry) -> dict[str, Any]:
        view = self.views[entry.slug]
        indicator = entry.indicator
        other_years = tuple(
            YearLink(other.year, wording.message("site_year_link", "th", year=self.fmt.text(other.year)),
                     f"{other.year}/{indicator.code}.html")
            for other in self.years
            if other.year != indicator.fiscal_year and other.year in self.years_of_code[indicator.code]
        )
        return self.renderer.indicator_page_context(
            entry,
            page_links(entry, self.base_url),
            year_links=self.year_links,
            current_year=indicator.fiscal_year,
            year_current="true",
            page_title=f"{document_title(indicator)} – {self.project.site.site_title}",
            description=wording.message(
                "site_indicator_page_description", "th", name=indicator.name,
                year=self.fmt.text(indicator.fiscal_year), status=view.status.label,
            ),
            og_type="article",
            view=view,
            as_of_text=view.status.period.label(self.fmt.digits) if view.status.period else "",
            other_years=other_years,
            has_evidence=bool(indicator.evidence),
        )

    def data_page(self) -> str:
        return self.renderer.site_page(
            "data.html.j2",
            **self._common(root="../", path="data/index.html", current_year=None),
            page_title=wording.message("site_data_page_title", "th", site=self.project.site.site_title),
            description=wording.label("site_data_page_description", "th"),
            og_type="website",
            columns=opendata.COLUMNS,
            csv_name=opendata.CSV_NAME,
            json_name=opendata.JSON_NAME,
            row_count=self.fmt.text(len(self.project.entries)),
            tables=opendata.TABLES,
            datapackage_name=datacatalog.DATAPACKAGE_NAME,
            ckan_name=datacatalog.CKAN_NAME,
            dcat_name=datacatalog.DCAT_NAME,
            license=datacatalog.license_of(self.project.site),
            publisher=datacatalog.publisher_of(self.project.site),
        )

    def empty_home_page(self) -> str:
        return self.renderer.site_page(
            "empty.html.j2",
            **self._common(root="", path="", current_year=None),
            page_title=self.project.site.site_title,
            description=wording.label("site_empty_page_description", "th"),
            og_type="website",
        )

    def not_found_page(self) -> str:
        # A server shows this page at whatever address was asked for; its script finds the site's root from there
        # (404.html.j2), the published path (base_url's) first.
        return self.renderer.site_page(
            "404.html.j2",
            **self._common(root="", path="404.html", current_year=None),
            site_path=urlsplit(self.base_url).path or "/",
            page_title=wording.message("site_not_found_page_title", "th", site=self.project.site.site_title),
            description=wording.label("site_not_found_page_description", "th"),
            og_type="website",
        )

    def search_page(self) -> str:
        return self.renderer.site_page(
            "search.html.j2",
            **self._common(root="", path="search.html", current_year=None),
            page_title=f"{wording.message('search_page_title', 'th')} – {self.project.site.site_title}",
            description=wording.message("search_page_hint", "th"),
            og_type="website",
        )

    def sitemap_paths(self) -> list[str]:
        """The pages a search engine should index, by canonical path (the newest year is the home page)."""
        paths = [""]
        paths += [f"{year.year}/index.html" for year in self.years[1:]]
        paths += [f"{entry.slug}.html" for entry in self.project.entries]
        paths.append("data/index.html")
        return paths

    def sitemap(self) -> bytes:
        urls = "".join(f"  <url><loc>{xml_escape(self.absolute(path))}</loc></url>\n" for path in self.sitemap_paths())
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
        ).encode("utf-8")

    def robots(self) -> bytes:
        return f"User-agent: *\nAllow: /\n\nSitemap: {self.absolute('sitemap.xml')}\n".encode()
