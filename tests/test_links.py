"""A link checker over the whole built site: every internal link, asset and anchor resolves; external links are
only sorted by scheme (never fetched: the tests run without a network).

It reads every HTML page of ``output/html`` with ``html.parser`` and every stylesheet's ``url(…)``, for the real
project and for a project of two fiscal years, and also reports pages nothing links to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from projects import real_site

BASE_URL = real_site()["base_url"]
LINK_ATTRIBUTES = {"href", "src", "srcset", "poster", "data"}
EXTERNAL_SCHEMES = {"https", "http", "mailto"}


@dataclass
class Page:
    """What one HTML file links to, and the anchors it offers."""

    links: list[tuple[str, str]] = field(default_factory=list)  # (tag, url)
    ids: set[str] = field(default_factory=set)
    base: str | None = None


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.page.ids.add(value)
            elif tag == "base" and name == "href":
                self.page.base = value
            elif name in LINK_ATTRIBUTES and not (tag == "link" and dict(attrs).get("rel") == "canonical"):
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                self.page.links.extend((tag, url) for url in urls)

    handle_startendtag = handle_starttag


def parse_page(path: Path) -> Page:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.page


@dataclass
class LinkReport:
    broken: list[str] = field(default_factory=list)
    external: dict[str, list[str]] = field(default_factory=dict)  # scheme → URLs
    reached: set[Path] = field(default_factory=set)


def check_site(html: Path, base_url: str = BASE_URL) -> LinkReport:
    """Resolve every link of every page and stylesheet of ``html`` (the site root)."""
    html = html.resolve()
    report = LinkReport()
    pages = {path.resolve(): parse_page(path) for path in sorted(html.rglob("*.html"))}

    def resolve(source: Path, url: str, base: str | None) -> None:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return  # inline, nothing to fetch
        if parts.scheme or url.startswith("//"):
            if base is None or not url.startswith(base_url):
                report.external.setdefault(parts.scheme or "//", []).append(url)
                return
        folder = source.parent
        if base is not None:  # only the 404 page: its base is the site's base_url, i.e. the root of html/
            assert base == base_url, f"{source}: <base href={base}> is not the site's base_url"
            folder = html
            if url.startswith(base_url):
                url, parts = url[len(base_url):], urlsplit(url[len(base_url):])
        if parts.path.startswith("/"):
            report.broken.append(f"{source.relative_to(html)}: {url} depends on the server's root")
            return
        target = (folder / unquote(parts.path)).resolve() if parts.path else source
        if target.is_dir():
            target = target / "index.html"
        if html not in target.parents or not target.is_file():
            report.broken.append(f"{source.relative_to(html)}: {url} (no such file)")
            return
        report.reached.add(target)
        if parts.fragment:
            anchors = pages[target].ids if target in pages else set()
            if unquote(parts.fragment) not in anchors:
                report.broken.append(f"{source.relative_to(html)}: {url} (no id={parts.fragment!r} there)")

    for source, page in pages.items():
        for _, url in page.links:
            resolve(source, url, page.base)
    for stylesheet in sorted(html.rglob("*.css")):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", stylesheet.read_text(encoding="utf-8")):
            resolve(stylesheet.resolve(), url, None)
    return report


@pytest.fixture(params=["real", "multi-year"])
def site(request, real_build, multi_year_html) -> Path:
    return real_build / "output" / "html" if request.param == "real" else multi_year_html


def test_every_internal_link_asset_and_anchor_resolves(site):
    report = check_site(site)
    assert not report.broken, "\n".join(report.broken)
    assert len(report.reached) > 10, "the checker found almost nothing to check"


def test_external_links_are_web_or_mail_only(site):
    report = check_site(site)
    assert set(report.external) <= EXTERNAL_SCHEMES, report.external
    # The real form's evidence links out; those are reported, not fetched.
    assert "https://www.bangkoklibrary.go.th" in report.external.get("https", [])


def test_every_page_and_file_is_reachable_from_some_page(site):
    """No orphan: each page, PDF, data file and font is linked from a page or a stylesheet (the home and 404 pages
    are where readers arrive)."""
    report = check_site(site)
    published = {path.resolve() for path in site.rglob("*") if path.is_file()}
    entry_points = {site.resolve() / name for name in ("index.html", "404.html", "sitemap.xml", "robots.txt")}
    # The search index is not linked: pagefind.js, which the search page names, fetches the files a query needs.
    assert 'data-index="pagefind/pagefind.js"' in (site / "search.html").read_text(encoding="utf-8")
    published = {path for path in published if site.resolve() / "pagefind" not in path.parents}
    unreached = sorted(str(path.relative_to(site.resolve())) for path in published - report.reached - entry_points
                       if path.suffix != ".png")  # screenshots the browser tests leave under output/
    assert not unreached


def test_the_checker_finds_a_broken_link_a_missing_anchor_and_a_root_relative_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/page.html#here">ok</a> <a href="a/page.html#nowhere">anchor</a> <a href="missing.html">file</a>'
        ' <a href="/kpi/index.html">root</a> <a href="ftp://example.org/">ftp</a>', encoding="utf-8")
    (tmp_path / "a" / "page.html").write_text('<h2 id="here">x</h2><img src="../index.html">', encoding="utf-8")
    report = check_site(tmp_path)
    assert len(report.broken) == 3, report.broken
    assert [problem.split(" ")[1] for problem in report.broken] == ["a/page.html#nowhere", "missing.html",
                                                                    "/kpi/index.html"]
    assert report.external == {"ftp": ["ftp://example.org/"]}
